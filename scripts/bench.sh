#!/usr/bin/env bash
# The performance figures, measured side by side in one run on this machine.
# Prints a table and writes it to benches/RESULTS.md (BENCH_OUT to change).
# BENCH_SECS sets the load duration (default 30 s per database).
set -euo pipefail
cd "$(dirname "$0")/.."

SECS="${BENCH_SECS:-30}"
OUT="${BENCH_OUT:-benches/RESULTS.md}"
REPORTLAB_VENV="${STIPPLE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/stipple/tools}/reportlab-peer"
work="$(mktemp -d)"
pg_dir="$(mktemp -d /tmp/stipple-bench-pg.XXXXXX)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  bash scripts/pg-temp.sh stop "$pg_dir" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
log() { printf 'bench: %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v brotli >/dev/null || missing+=(brotli)
command -v curl >/dev/null || missing+=(curl)
[ -d /usr/lib/postgresql ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  sudo_if() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_if apt-get update -qq
  sudo_if apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PATH="$(bash scripts/setup.sh):$PATH"
export PATH
if [ ! -f "$REPORTLAB_VENV/.complete" ]; then
  log "installing the ReportLab peer"
  rm -rf "$REPORTLAB_VENV"
  python3 -m venv "$REPORTLAB_VENV"
  "$REPORTLAB_VENV/bin/pip" install --quiet -r benches/peers/requirements.txt
  touch "$REPORTLAB_VENV/.complete"
fi

log "building (release)"
bash scripts/build.sh >/dev/null
cargo build --release --package stipple-server --bin stipple
cargo bench --no-run --package stipple-server --bench consent_pdf 2>/dev/null
cargo bench --no-run --package stipple-tests --bench ingest --bench queue 2>/dev/null
STIPPLE=target/release/stipple

# --- 1. consent PDF ------------------------------------------------------------
log "consent PDF: ours (criterion)"
cargo bench --package stipple-server --bench consent_pdf -- --warm-up-time 2 --measurement-time 10 >"$work/criterion.txt" 2>&1
ours_pdf_ms=$(python3 -c 'import json; print(json.load(open("target/criterion/consent_pdf_fixture/new/estimates.json"))["median"]["point_estimate"] / 1e6)')
seal_us=$(python3 -c 'import json; print(json.load(open("target/criterion/seal_submission/new/estimates.json"))["median"]["point_estimate"] / 1e3)')
open_us=$(python3 -c 'import json; print(json.load(open("target/criterion/open_pdf/new/estimates.json"))["median"]["point_estimate"] / 1e3)')
printf 'seal_us=%s\nopen_us=%s\n' "$seal_us" "$open_us" >"$work/sealing.txt"
log "consent PDF: ReportLab peer"
"$REPORTLAB_VENV/bin/python" benches/peers/reportlab_consent.py --iterations 200 >"$work/peer.json"

# --- 2 and 4. submissions under load, memory -------------------------------------
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# load <name> <database url or empty for SQLite>
load() {
  local name=$1 url=$2 port data
  port=$(free_port)
  data="$work/data-$name"
  mkdir -p "$data"
  # Webhooks to a local receiver: every intake is also announced, and the
  # receiver records how long after the intake each message arrived.
  local settings=(STIPPLE_DATA_DIR="$data" STIPPLE_DATA_KEY_FILE="$work/data-$name.key" STIPPLE_LOG=warn
    STIPPLE_REQUIRE_2FA=off STIPPLE_INSECURE_COOKIES=1 STIPPLE_WEBHOOK_ALLOW_LOOPBACK=1 ${url:+DATABASE_URL="$url"})
  env $(grep -v '^#' scripts/no-limits.env) "${settings[@]}" STIPPLE_BIND="127.0.0.1:$port" \
    "$STIPPLE" serve >"$work/server-$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  local hook_port
  hook_port=$(free_port)
  python3 benches/load/webhook_receiver.py "$hook_port" "$work/webhook-$name.json" &
  local receiver=$!
  echo "bench-password-$RANDOM$RANDOM" >"$work/admin-password"
  env "${settings[@]}" "$STIPPLE" create-staff --email bench@clinic.example --name Bench --role admin \
    <"$work/admin-password" >/dev/null
  curl -fsS -c "$work/cookies-$name" -H 'content-type: application/json' \
    -d "{\"email\": \"bench@clinic.example\", \"password\": \"$(cat "$work/admin-password")\"}" \
    "http://127.0.0.1:$port/api/v1/staff/login" >"$work/login-$name.json"
  curl -fsS -b "$work/cookies-$name" -H 'content-type: application/json' \
    -H "x-csrf-token: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/login-$name.json")" \
    -d "{\"url\": \"http://127.0.0.1:$hook_port/hook\", \"events\": [\"submission.created\"]}" \
    "http://127.0.0.1:$port/api/v1/staff/integrations/webhooks" >/dev/null
  sleep 1
  echo "$(rss_kb "$server_pid")" >"$work/rss-idle-$name"
  ( peak=0; while kill -0 "$server_pid" 2>/dev/null; do r=$(rss_kb "$server_pid" || echo 0); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" >"$work/rss-load-$name"; sleep 0.5; done ) &
  local sampler=$!
  log "load on $name: 64 connections for ${SECS}s"
  wrk -t2 -c64 -d"${SECS}s" --timeout 10s -s benches/load/submit.lua "http://127.0.0.1:$port" \
    | tail -n 1 >"$work/wrk-$name.json"
  # Messages still queued at the deadline are delivered before the server stops.
  for _ in $(seq 600); do
    [ "$(curl -fsS -b "$work/cookies-$name" "http://127.0.0.1:$port/api/v1/staff/integrations/webhooks" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["pending"])')" = 0 ] && break
    sleep 0.5
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  kill "$receiver"; wait "$receiver" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
}

load sqlite ""
python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from submission').fetchone()[0])" \
  "$work/data-sqlite/stipple.db" >"$work/rows-sqlite"
log "ceiling on SQLite: the same stores in one process"
INGEST_SECS="$SECS" cargo bench --package stipple-tests --bench ingest 2>/dev/null >"$work/ingest-sqlite.txt"

pg_server=$(bash scripts/pg-temp.sh start "$pg_dir")
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
"$pg_bin/psql" -q "$pg_server" -c "CREATE DATABASE bench" >/dev/null
pg_url="${pg_server%/postgres}/bench"
load postgres "$pg_url"
"$pg_bin/psql" -qtA "$pg_url" -c "select count(*) from submission" >"$work/rows-postgres"
log "ceiling on PostgreSQL"
TEST_DATABASE_URL="$pg_server" INGEST_BACKEND=postgres INGEST_SECS="$SECS" \
  cargo bench --package stipple-tests --bench ingest 2>/dev/null >"$work/ingest-postgres.txt"

# --- 3. staff queue at 100,000 ---------------------------------------------------
log "staff queue with 100,000 submissions (SQLite, then PostgreSQL)"
cargo bench --package stipple-tests --bench queue 2>/dev/null >"$work/queue-sqlite.txt"
TEST_DATABASE_URL="$pg_server" QUEUE_BACKEND=postgres \
  cargo bench --package stipple-tests --bench queue 2>/dev/null >"$work/queue-postgres.txt"

# --- 5. WASM size ---------------------------------------------------------------
# The client's bundle and the build's own compressed copies of it.
wasm=$(ls target/site/assets/stipple_bg.*.wasm)
wasm_raw=$(stat -c %s "$wasm")
wasm_gz=$(stat -c %s "$wasm.gz")
wasm_br=$(stat -c %s "$wasm.br")

# --- the table --------------------------------------------------------------------
python3 - "$work" "$OUT" "$SECS" "$ours_pdf_ms" "$wasm_raw" "$wasm_gz" "$wasm_br" <<'PY'
import json, os, platform, subprocess, sys, datetime
work, out, secs, ours_pdf_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
wasm_raw, wasm_gz, wasm_br = map(int, sys.argv[5:8])
def kv(name):
    d = {}
    for line in open(os.path.join(work, name)):
        if "=" in line:
            k, v = line.strip().split("=", 1)
            d[k] = v
    return d
peer = json.load(open(os.path.join(work, "peer.json")))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
rows = []
def row(what, value, target="", note=""):
    rows.append((what, value, target, note))
row("Consent PDF, ours (median per PDF)", f"{ours_pdf_ms:.2f} ms", "≤ 10 ms")
row(f"Consent PDF, ReportLab {peer['version']} (median per PDF)", f"{peer['median_ms']:.2f} ms")
row("Consent PDF, speed-up over ReportLab", f"{peer['median_ms'] / ours_pdf_ms:.1f}×", "≥ 3×")
for db in ("sqlite", "postgres"):
    w = json.load(open(os.path.join(work, f"wrk-{db}.json")))
    created = int(w["statuses"].get("201", 0))
    errors = w["requests"] - created + w["socket_errors"]
    stored = int(open(os.path.join(work, f"rows-{db}")).read().strip() or 0)
    ceiling = float(kv(f"ingest-{db}.txt")["ingest_per_sec"])
    rps = created / w["seconds"]
    label = "SQLite" if db == "sqlite" else "PostgreSQL"
    row(f"{label}: submissions/s over HTTP (64 connections, {secs} s)", f"{rps:.0f}/s", "≥ 1,500/s" if db == "sqlite" else "")
    row(f"{label}: latency p50 / p99", f"{w['p50_ms']:.1f} / {w['p99_ms']:.1f} ms", "p99 ≤ 50 ms" if db == "sqlite" else "")
    row(f"{label}: errors (non-201 answers + socket errors)", str(errors), "0")
    # wrk stops counting at the deadline: requests still in flight then (at
    # most one per connection) are stored but their 201 is never read.
    in_flight = stored - created
    row(f"{label}: rows stored vs 201 answers read", f"{stored} vs {created}", "equal",
        "yes" if in_flight == 0 else (f"{in_flight} in flight at the deadline" if 0 < in_flight <= 64 else "NO"))
    row(f"{label}: ceiling, same stores in one process", f"{ceiling:.0f}/s", "", f"HTTP reaches {rps / ceiling:.0%} of it")
    idle = int(open(os.path.join(work, f"rss-idle-{db}")).read()) / 1024
    peak = int(open(os.path.join(work, f"rss-load-{db}")).read()) / 1024
    row(f"{label}: server RSS idle / under load (peak)", f"{idle:.0f} / {peak:.0f} MiB")
    hook = json.load(open(os.path.join(work, f"webhook-{db}.json")))
    row(f"{label}: webhook delivery after the intake, under this load (p50 / p99 / max)",
        f"{hook['p50_ms']:.0f} / {hook['p99_ms']:.0f} / {hook['max_ms']:.0f} ms", "",
        f"{hook['unique']} of {stored} intakes announced, {hook['count'] - hook['unique']} repeats")
seal = kv("sealing.txt")
seal_us, open_us = float(seal["seal_us"]), float(seal["open_us"])
per_store_us = 1e6 / float(kv("ingest-sqlite.txt")["ingest_per_sec"])
row("Sealing what one submission stores (answers, signature, strokes, PDF)", f"{seal_us:.1f} µs", "",
    f"{seal_us / per_store_us:.1%} of one store on SQLite; without it the ceiling would be {1e6 / (per_store_us - seal_us):.0f}/s")
row("Opening a sealed consent PDF to serve it", f"{open_us:.1f} µs", "", f"{open_us / (ours_pdf_ms * 1000):.1%} of rendering it")
q = kv("queue-sqlite.txt")
row("SQLite: `stipple backup` of 100,000 submissions with their PDFs", f"{float(q['backup_secs']):.1f} s, {int(q['backup_bytes']) / 2**30:.2f} GiB",
    "", f"database {int(q['database_bytes']) / 2**30:.2f} GiB; one PDF {int(q['pdf_bytes']) / 1024:.0f} KiB, sealed +47 B")
for db, label in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
    q = kv(f"queue-{db}.txt")
    row(f"{label}: staff list first page, 100,000 submissions (p50)", f"{float(q['queue_first_page_p50_ms']):.2f} ms", "≤ 20 ms")
    row(f"{label}: staff search by name / phone (p50)", f"{float(q['queue_search_name_p50_ms']):.2f} / {float(q['queue_search_phone_p50_ms']):.2f} ms", "≤ 20 ms")
row("WASM raw / gzip / brotli", f"{wasm_raw:,} / {wasm_gz:,} / {wasm_br:,} bytes", "brotli ≤ 200 KB")
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
lines = [
    "# Benchmark results",
    "",
    f"Measured {now} by `scripts/bench.sh` on {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}.",
    "Release build; SQLite in WAL mode on local disk; PostgreSQL is a throwaway local cluster with fsync off.",
    "The load generator (wrk, 2 threads) runs on the same cores as the server.",
    "",
    "| measure | result | target | note |",
    "|---|---|---|---|",
]
lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
text = "\n".join(lines) + "\n"
print(text)
open(out, "w").write(text)
PY
log "written to $OUT"
