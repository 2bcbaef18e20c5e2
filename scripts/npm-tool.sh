#!/usr/bin/env bash
# Installs npm packages, pinned, into their own folder of the tools cache,
# unless the file that shows they are there exists. Idempotent.
# Usage: scripts/npm-tool.sh DIR MARKER PACKAGE@VERSION...
#   (MARKER is a path inside DIR, e.g. node_modules/.bin/wasm-opt)
set -euo pipefail
dir=$1
marker=$2
shift 2
[ -e "$dir/$marker" ] && exit 0
echo "setup: installing $* from npm" >&2
rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
npm install --prefix "$dir.tmp" --no-audit --no-fund --silent "$@"
rm -rf "$dir" && mv "$dir.tmp" "$dir"
