#!/usr/bin/env bash
# Builds the browser bundle into target/site: WASM (size-optimised), its JS
# glue, and the static files from public/. Usage: scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_PATH="$(bash scripts/setup.sh)"
export PATH="$TOOLS_PATH:$PATH"

SITE=target/site
WASM_TARGET=wasm32-unknown-unknown
PROFILE=wasm-release

echo "build: compiling the app to WebAssembly" >&2
cargo build --package stipple-app --lib --target "$WASM_TARGET" --profile "$PROFILE" \
  --no-default-features --features hydrate

rm -rf "$SITE.tmp" && mkdir -p "$SITE.tmp/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$SITE.tmp/pkg" --out-name stipple \
  "target/$WASM_TARGET/$PROFILE/stipple_app.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$SITE.tmp/pkg/stipple_bg.wasm" -o "$SITE.tmp/pkg/stipple_bg.wasm"
cp -R public/. "$SITE.tmp/"
rm -rf "$SITE" && mv "$SITE.tmp" "$SITE"
echo "build: site ready in $SITE ($(wc -c < "$SITE/pkg/stipple_bg.wasm") bytes of wasm)" >&2
