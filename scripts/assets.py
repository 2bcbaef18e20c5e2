#!/usr/bin/env python3
"""Names the built site's static files after their content and compresses them.

Usage: scripts/assets.py SITE_DIR

Each file below is copied to SITE/assets/<name>.<hash>.<ext> (served with a
one-year, immutable cache life) next to its brotli (.br) and gzip (.gz)
forms, made once here so the server never compresses them per request. The
references between files are rewritten: hydrate.js to the hashed WASM and
glue, sw.js to the release's file list and a release id (a new id makes
browsers install the new service worker). Icons keep their plain /icons/
URLs: the pages' header and the manifest share one, so a first visit fetches
the icon once.
SITE/assets.json maps plain names to URLs for the server.
"""
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

COMPRESS = {".js", ".wasm", ".css", ".json", ".svg", ".webmanifest", ".ico"}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def main(site: Path) -> None:
    out = site / "assets"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    urls: dict[str, str] = {}

    def publish(src: Path, data: bytes | None = None) -> str:
        data = src.read_bytes() if data is None else data
        name = f"{src.stem}.{digest(data)}{src.suffix}"
        (out / name).write_bytes(data)
        urls[src.name] = f"/assets/{name}"
        src.unlink()
        return urls[src.name]

    def rewrite(text: str, marker: str, value: str) -> str:
        line = re.compile(rf'^(const \w+ = )(.*?);( // @{marker})$', re.M)
        text, n = line.subn(lambda m: f"{m.group(1)}{value};{m.group(3)}", text)
        if n != 1:
            sys.exit(f"assets: marker @{marker} not found exactly once")
        return text

    # The bundles first: the loader names them.
    for f in sorted((site / "pkg").iterdir()):
        publish(f)
    (site / "pkg").rmdir()
    publish(site / "style.css")
    publish(site / "outbox.js")

    hydrate = site / "hydrate.js"
    text = hydrate.read_text()
    text = rewrite(text, "glue", json.dumps(urls["stipple.js"]))
    text = rewrite(text, "wasm", json.dumps(urls["stipple_bg.wasm"]))
    text = rewrite(text, "staff_glue", json.dumps(urls["stipple_staff.js"]))
    text = rewrite(text, "staff_wasm", json.dumps(urls["stipple_staff_bg.wasm"]))
    publish(hydrate, text.encode())

    # The client's offline shell: everything but the clinic's bundle.
    shell = sorted(u for n, u in urls.items() if "staff" not in n)
    plain = [site / "manifest.webmanifest", *sorted((site / "icons").glob("*.png"))]
    release = digest("\n".join(sorted(urls.values())).encode() + b"".join(p.read_bytes() for p in plain))
    sw = site / "sw.js"
    text = sw.read_text()
    text = rewrite(text, "release", json.dumps(release))
    text = rewrite(text, "assets", json.dumps(shell))
    text = rewrite(text, "outbox", json.dumps(urls["outbox.js"]))
    sw.write_text(text)

    for f in sorted(out.iterdir()):
        if f.suffix in COMPRESS:
            data = f.read_bytes()
            f.with_name(f.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
            subprocess.run(["brotli", "-q", "11", "-f", "-o", str(f) + ".br", str(f)], check=True)

    (site / "assets.json").write_text(json.dumps(urls, indent=2, sort_keys=True) + "\n")
    print(f"assets: release {release}, {len(urls)} files hashed", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
