#!/usr/bin/env bash
# Runs schemathesis (PyPI) against a running Stipple built from this tree,
# driven by its own OpenAPI document: no 500, every answer as documented.
# Usage: scripts/schemathesis.sh [path to the stipple binary] [examples per operation]
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${1:-target/debug/stipple}"
EXAMPLES="${2:-25}"
SCHEMATHESIS_VERSION=4.32.5
TOOLS="${STIPPLE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/stipple/tools}"
venv="$TOOLS/schemathesis-$SCHEMATHESIS_VERSION"
# A virtualenv cannot be moved once made: built in place, marked when complete.
if [ ! -f "$venv/.complete" ]; then
  echo "schemathesis: installing $SCHEMATHESIS_VERSION" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  touch "$venv/.complete"
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export STIPPLE_DATA_DIR="$work/data" STIPPLE_DATA_KEY_FILE="$work/data.key" STIPPLE_BIND="127.0.0.1:$port" STIPPLE_LOG=warn
set -a; . scripts/no-limits.env; set +a
export STIPPLE_INSECURE_COOKIES=1 STIPPLE_SITE_ROOT="${STIPPLE_SITE_ROOT:-target/site}"
echo "a long passphrase for testing" | "$BIN" create-staff --email api@clinic.example --name "API check" --role admin >/dev/null
"$BIN" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

# A signed-in admin, so the staff operations are exercised past the door.
login=$(curl -fsS -c "$work/cookies" -H 'Content-Type: application/json' \
  -d '{"email":"api@clinic.example","password":"a long passphrase for testing"}' \
  "http://127.0.0.1:$port/api/v1/staff/login")
csrf=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
cookie=$(awk '$6 == "stipple_staff" {print $6 "=" $7}' "$work/cookies")
# One stored submission, so routes with an id have something to find.
curl -fsS -H 'Content-Type: application/json' --data-binary @tests/fixtures/intake-v1.json \
  "http://127.0.0.1:$port/api/v1/submissions" >/dev/null

# The contract: the v1 fixture is valid against the served document.
curl -fsS "http://127.0.0.1:$port/api/v1/openapi.json" -o "$work/openapi.json"
"$venv/bin/python" - "$work/openapi.json" tests/fixtures/intake-v1.json <<'PY'
import json, sys
import jsonschema_rs
doc = json.load(open(sys.argv[1]))
fixture = json.load(open(sys.argv[2]))
schema = {"$ref": "#/components/schemas/Submission", "components": doc["components"]}
jsonschema_rs.Draft202012Validator(schema).validate(fixture)
print("schemathesis: the v1 fixture is valid against the OpenAPI document", file=sys.stderr)
PY

# The signed-in admin is given as the document's own security schemes, so
# the auth checks know what to take away. Rules that span fields (a name
# matching the typed one, a real signature image, an address or a phone,
# a note that is not blank once trimmed, a cursor from this list, a real
# calendar day) cannot be said in a schema: schema-valid data breaking them
# is answered 400 or 422; sign-in is throttled after failures (429).
cat >"$work/schemathesis.toml" <<TOML
[auth.openapi.staffSession]
api_key = "${cookie#*=}"

[auth.openapi.csrfToken]
api_key = "$csrf"

[[operations]]
include-method = "POST"
include-path = ["/api/v1/submissions", "/api/v1/staff/login", "/api/v1/staff/invites", "/api/v1/staff/submissions/{id}/notes", "/api/v1/staff/submissions/{id}/status"]
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 410, 422, 429]

[[operations]]
include-method = "GET"
include-path = ["/api/v1/staff/submissions", "/api/v1/staff/export.csv"]
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 429]
TOML

# Signing out, or ending a session (it finds its own id in the session
# list), would end the session the other operations use: skipped.
"$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks all \
  --max-examples "$EXAMPLES" \
  --exclude-path /api/v1/staff/logout \
  --exclude-path '/api/v1/staff/sessions/{id}' \
  --request-timeout 30 \
  --no-color
