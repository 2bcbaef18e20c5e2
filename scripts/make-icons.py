#!/usr/bin/env python3
"""Draws Stipple's icons (a field of dots fading into a hairline) as PNG and ICO.

Pure standard library so it runs anywhere; the output is committed in public/.
"""
import math, struct, zlib, sys, os

BG = (15, 61, 62)
DOT = (246, 244, 239)

def render(size, safe):
    # safe: fraction of the canvas the artwork may use (maskable icons need 0.8)
    px = [[BG for _ in range(size)] for _ in range(size)]
    inner = size * safe
    off = (size - inner) / 2
    n = 9
    step = inner / n
    for gy in range(n):
        for gx in range(n):
            cx = off + (gx + 0.5) * step
            cy = off + (gy + 0.5) * step
            # dots grow denser toward the bottom: a stipple gradient
            r = step * (0.12 + 0.30 * (gy / (n - 1)))
            dx, dy = gx - (n - 1) / 2, gy - (n - 1) / 2
            if math.hypot(dx, dy) > (n / 2):
                continue
            for y in range(int(cy - r - 1), int(cy + r + 2)):
                for x in range(int(cx - r - 1), int(cx + r + 2)):
                    if 0 <= x < size and 0 <= y < size:
                        d = math.hypot(x + 0.5 - cx, y + 0.5 - cy)
                        a = max(0.0, min(1.0, r - d + 0.5))
                        if a > 0:
                            b = px[y][x]
                            px[y][x] = tuple(int(b[i] + (DOT[i] - b[i]) * a) for i in range(3))
    return px

def png(px):
    size = len(px)
    raw = b"".join(b"\x00" + bytes(c for p in row for c in p) for row in px)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

def ico(png_bytes, size):
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png_bytes), 6 + 16)
    return header + entry + png_bytes

out = sys.argv[1] if len(sys.argv) > 1 else "public"
os.makedirs(os.path.join(out, "icons"), exist_ok=True)
for size in (192, 512):
    open(os.path.join(out, "icons", f"icon-{size}.png"), "wb").write(png(render(size, 0.92)))
open(os.path.join(out, "icons", "maskable-512.png"), "wb").write(png(render(512, 0.72)))
open(os.path.join(out, "favicon.ico"), "wb").write(ico(png(render(32, 1.0)), 32))
