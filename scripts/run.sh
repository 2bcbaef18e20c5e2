#!/usr/bin/env bash
# Builds the site and the server, then serves on http://127.0.0.1:8080
# (STIPPLE_BIND changes it). The SQLite database is created in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
# Plain http on this machine: the staff cookie cannot be `Secure` here.
# Behind HTTPS, run the binary without it.
export STIPPLE_INSECURE_COOKIES="${STIPPLE_INSECURE_COOKIES:-1}"
exec cargo run --release --package stipple-server --bin stipple -- serve "$@"
