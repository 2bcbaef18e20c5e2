#!/usr/bin/env bash
# Runs every test: unit, API (SQLite and PostgreSQL), browser and crash
# tests, then schemathesis against the OpenAPI document and each fuzz target
# for FUZZ_SECONDS (default 30). Installs what is missing, builds the site,
# and starts a throwaway PostgreSQL unless TEST_DATABASE_URL names one.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh test
bash scripts/setup.sh test >/dev/null
bash scripts/build.sh

pg_dir=""
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  pg_dir=$(mktemp -d /tmp/stipple-pg.XXXXXX)
  trap 'bash scripts/pg-temp.sh stop "$pg_dir"' EXIT
  TEST_DATABASE_URL=$(bash scripts/pg-temp.sh start "$pg_dir")
  export TEST_DATABASE_URL
fi
echo "test: PostgreSQL at $TEST_DATABASE_URL" >&2

cargo test --workspace --no-fail-fast "$@"

echo "test: schemathesis against /api/v1/openapi.json" >&2
bash scripts/schemathesis.sh target/debug/stipple 25

echo "test: fuzzing for ${FUZZ_SECONDS:-30} s per target" >&2
bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
