#!/usr/bin/env bash
# Web budgets for /intake, measured (a benchmark, not a timed test):
# Lighthouse's mobile preset (simulated slow 4G) with Debian's Chromium,
# the transfer of the first load, the WASM's brotli size and Chromium's
# installability verdict. Builds the release server, serves a throwaway
# database, writes benches/BUDGETS.md; exits 1 when a budget is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

LIGHTHOUSE_VERSION=12.8.2
PLAYWRIGHT_VERSION=1.56.1
TOOLS="${STIPPLE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/stipple/tools}"
web="$TOOLS/web-audit-lh$LIGHTHOUSE_VERSION-pw$PLAYWRIGHT_VERSION"
bash scripts/npm-tool.sh "$web" node_modules/.bin/lighthouse \
  "lighthouse@$LIGHTHOUSE_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"

bash scripts/system-deps.sh test
bash scripts/build.sh
cargo build --release --package stipple-server --bin stipple

work=$(mktemp -d /tmp/stipple-budgets.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
STIPPLE_BIND="127.0.0.1:$port" STIPPLE_DATA_DIR="$work/data" STIPPLE_DATA_KEY_FILE="$work/data.key" STIPPLE_SITE_ROOT=target/site \
  STIPPLE_LOG=warn target/release/stipple serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir=$work/profile"
echo "budgets: lighthouse on /intake (mobile, simulated slow 4G)" >&2
CHROME_PATH=/usr/bin/chromium "$web/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/intake" \
  --only-categories=performance,accessibility,best-practices --output=json \
  --output-path="$work/lighthouse.json" --quiet --chrome-flags="$flags"
echo "budgets: installability" >&2
# Beside its node_modules, so the import resolves.
cp benches/web/installable.mjs "$web/installable.mjs"
node "$web/installable.mjs" "http://127.0.0.1:$port/intake" >"$work/installable.json"
python3 benches/web/budgets.py "$work/lighthouse.json" "$work/installable.json" target/site benches/BUDGETS.md
