#!/usr/bin/env bash
# Installs the build tools the app needs (and with `test`, the test tools), pinned, into a versioned cache outside
# the clone so fresh clones and CI reuse them. Idempotent: seconds when present.
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
AXE_VERSION=4.11.0
TOOLS="${STIPPLE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/stipple/tools}"

log() { printf 'setup: %s\n' "$*" >&2; }

# Read whole before matching: grep -q stopping early would break rustup's pipe.
targets=$(rustup target list --installed)
if ! grep -qx wasm32-unknown-unknown <<<"$targets"; then
  log "adding Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The standard library's source, so the browser bundle can rebuild it small
# (scripts/build.sh). Without it the bundle is still built, only larger.
components=$(rustup component list --installed)
if ! grep -q '^rust-src' <<<"$components"; then
  log "adding Rust component rust-src"
  rustup component add rust-src || log "rust-src unavailable: the WASM will be built with the prebuilt std (larger)"
fi

wb_root="$TOOLS/wasm-bindgen-$WASM_BINDGEN_VERSION"
if [ ! -x "$wb_root/bin/wasm-bindgen" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  # No --locked: one locked dependency is missing from the registry mirror.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --root "$wb_root.tmp"
  rm -rf "$wb_root" && mv "$wb_root.tmp" "$wb_root"
fi

# wasm-opt from npm's binaryen. Debian's binaryen (108) breaks hydration.
by_root="$TOOLS/binaryen-$BINARYEN_VERSION"
bash "$(dirname "$0")/npm-tool.sh" "$by_root" node_modules/.bin/wasm-opt "binaryen@$BINARYEN_VERSION"

# axe-core for the accessibility test (tests/browser/a11y.rs): tests only.
if [ "${1:-}" = "test" ]; then
  axe_root="$TOOLS/axe-core-$AXE_VERSION"
  bash "$(dirname "$0")/npm-tool.sh" "$axe_root" node_modules/axe-core/axe.min.js "axe-core@$AXE_VERSION"
fi

# Print the PATH prefix for callers: pinned tools first.
echo "$wb_root/bin:$by_root/node_modules/.bin"
