#!/usr/bin/env bash
# Fuzzes the submission parser and rules, and the consent PDF renderer, for a
# bounded time each (seconds; default 60): `scripts/fuzz.sh 300`.
# Starts from the corpus kept in fuzz/corpus; a crash leaves its input in
# fuzz/artifacts/<target>/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${1:-60}"
CARGO_FUZZ_VERSION=0.13.2
TOOLS="${STIPPLE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/stipple/tools}"
root="$TOOLS/cargo-fuzz-$CARGO_FUZZ_VERSION"
if [ ! -x "$root/bin/cargo-fuzz" ]; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
  cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --root "$root.tmp"
  rm -rf "$root" && mv "$root.tmp" "$root"
fi
export PATH="$root/bin:$PATH"
# libFuzzer's instrumentation needs unstable compiler flags; the stable
# toolchain accepts them with RUSTC_BOOTSTRAP. No sanitizer: the code under
# test is safe Rust, and a panic is what we look for.
export RUSTC_BOOTSTRAP=1

for target in submission consent_pdf; do
  echo "fuzz: $target for ${SECONDS_EACH}s" >&2
  # New inputs go to a scratch directory: the committed corpus stays as it is.
  scratch="$(mktemp -d)"
  cargo fuzz run --sanitizer none "$target" "$scratch" "fuzz/corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
  rm -rf "$scratch"
done
