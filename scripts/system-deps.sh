#!/usr/bin/env bash
# Installs the Debian packages that are missing. Quiet and quick when present.
#   scripts/system-deps.sh        what building and running need (brotli for
#                                 the precompressed assets, Node.js for wasm-opt)
#   scripts/system-deps.sh test   also what the tests need (headless Chromium
#                                 and its driver, PostgreSQL, PDF tools, venv)
set -euo pipefail

need=()
command -v brotli >/dev/null || need+=(brotli)
command -v node >/dev/null || need+=(nodejs npm)
command -v python3 >/dev/null || need+=(python3)
if [ "${1:-}" = "test" ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v pdftotext >/dev/null || need+=(poppler-utils)
  command -v qpdf >/dev/null || need+=(qpdf)
  command -v curl >/dev/null || need+=(curl)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "system-deps: installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
