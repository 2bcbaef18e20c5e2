#!/usr/bin/env bash
# Builds the browser bundle into target/site: WASM (size-optimised), its JS
# glue, and the static files from public/. Usage: scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh
TOOLS_PATH="$(bash scripts/setup.sh)"
export PATH="$TOOLS_PATH:$PATH"

SITE=target/site
WASM_TARGET=wasm32-unknown-unknown
PROFILE=wasm-release

# Size: the bundle is what a client's phone downloads on a weak signal, so
# std is rebuilt for it with panics as immediate traps, with no panic
# locations and no Debug formatting (the bundle never prints either: a panic
# in the browser ends the app anyway). These switches are unstable;
# RUSTC_BOOTSTRAP lets the pinned stable compiler take them, and only for
# this build. Without the rust-src component the prebuilt std is used, and
# STIPPLE_WASM_PANICS=1 uses it too, to read panic messages in the console.
SMALL=()
if [ -n "${STIPPLE_WASM_PANICS:-}" ]; then
  echo "build: WASM with panic messages (larger)" >&2
elif grep -q '^rust-src' <<<"$(rustup component list --installed)"; then
  export RUSTC_BOOTSTRAP=1
  export RUSTFLAGS="${RUSTFLAGS:-} -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
  SMALL=(-Zbuild-std=std,panic_abort)
else
  echo "build: rust-src missing, building the WASM with the prebuilt std" >&2
fi

rm -rf "$SITE.tmp" && mkdir -p "$SITE.tmp/pkg"
# Two bundles: the client's (landing, intake) and the clinic's (staff pages).
for bundle in stipple:hydrate stipple_staff:hydrate,staff-bundle; do
  name=${bundle%%:*}
  features=${bundle#*:}
  echo "build: compiling $name to WebAssembly" >&2
  cargo build --package stipple-app --lib --target "$WASM_TARGET" --profile "$PROFILE" \
    --no-default-features --features "$features" ${SMALL[@]+"${SMALL[@]}"}
  wasm-bindgen --target web --no-typescript --out-dir "$SITE.tmp/pkg" --out-name "$name" \
    "target/$WASM_TARGET/$PROFILE/stipple_app.wasm"
  wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$SITE.tmp/pkg/${name}_bg.wasm" -o "$SITE.tmp/pkg/${name}_bg.wasm"
done
cp -R public/. "$SITE.tmp/"
# Content-hashed names, precompressed copies, the service worker's file list.
python3 scripts/assets.py "$SITE.tmp"
rm -rf "$SITE" && mv "$SITE.tmp" "$SITE"
echo "build: site ready in $SITE ($(stat -c %s "$SITE"/assets/stipple_bg.*.wasm.br) bytes of brotli wasm for the intake)" >&2
