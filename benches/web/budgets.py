#!/usr/bin/env python3
"""Checks the web budgets from a Lighthouse report, the installability
verdict and the built assets, and writes benches/BUDGETS.md.

Usage: budgets.py LIGHTHOUSE_JSON INSTALLABLE_JSON SITE_DIR OUT_MD
Exits 1 when a budget is missed (the table says which).
"""
import json
import sys
from pathlib import Path

lh = json.loads(Path(sys.argv[1]).read_text())
inst = json.loads(Path(sys.argv[2]).read_text())
site = Path(sys.argv[3])
out = Path(sys.argv[4])

if lh.get("runtimeError"):
    sys.exit(f"lighthouse failed: {lh['runtimeError']}")
cat = {k: round(v["score"] * 100) for k, v in lh["categories"].items()}
a = lh["audits"]
lcp_s = a["largest-contentful-paint"]["numericValue"] / 1000
cls = a["cumulative-layout-shift"]["numericValue"]
total_kb = a["total-byte-weight"]["numericValue"] / 1000
wasm_br = sum(f.stat().st_size for f in (site / "assets").glob("stipple_bg.*.wasm.br")) / 1000
staff_br = sum(f.stat().st_size for f in (site / "assets").glob("stipple_staff_bg.*.wasm.br")) / 1000
requests = a["network-requests"]["details"]["items"]

rows = [
    ("Lighthouse performance (mobile)", f"{cat['performance']}", "≥ 95", cat["performance"] >= 95),
    ("Lighthouse accessibility", f"{cat['accessibility']}", "100", cat["accessibility"] == 100),
    ("Lighthouse best practices", f"{cat['best-practices']}", "100", cat["best-practices"] == 100),
    ("LCP, simulated slow 4G", f"{lcp_s:.2f} s", "≤ 1.5 s", lcp_s <= 1.5),
    ("CLS", f"{cls:.3f}", "≤ 0.02", cls <= 0.02),
    ("First load of /intake, transferred", f"{total_kb:.0f} KB", "≤ 250 KB", total_kb <= 250),
    ("Client WASM, brotli", f"{wasm_br:.0f} KB", "≤ 200 KB", wasm_br <= 200),
    (
        "Installable (Chromium)",
        "yes" if not inst["installabilityErrors"] else json.dumps(inst["installabilityErrors"]),
        "no errors",
        not inst["installabilityErrors"],
    ),
]
lines = [
    "# Web budgets for /intake",
    "",
    "Written by `scripts/budgets.sh` from one Lighthouse run (mobile preset, simulated",
    "slow 4G, Debian Chromium) against the release server.",
    "",
    "| Budget | Measured | Target | Met |",
    "|---|---:|---:|:---:|",
]
lines += [f"| {n} | {m} | {t} | {'yes' if ok else '**no**'} |" for n, m, t, ok in rows]
lines += [
    "",
    f"The clinic's bundle (staff pages only, never loaded by clients): {staff_br:.0f} KB brotli.",
    "",
    "## Requests of the first load",
    "",
    "| URL | Transferred | Size |",
    "|---|---:|---:|",
]
for r in requests:
    url = r["url"]
    if url.startswith("data:"):
        continue
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else url
    lines.append(f"| `{path}` | {r.get('transferSize', 0) / 1000:.1f} KB | {r.get('resourceSize', 0) / 1000:.1f} KB |")
out.write_text("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(0 if all(ok for *_, ok in rows) else 1)
