#!/usr/bin/env bash
# Invoice submission at 16 concurrent tills: starts a release build on a scratch embedded
# database with the demo data, takes the demo terminal tokens, and posts invoices of five lines
# (each with its own uuid, so every one is a new sale) with wrk for a while. Target (issue 5): at
# least 800 invoices/s sustained with p99 under 50 ms. Then counts what was stored against what
# was answered 201 (the count includes the demo data's invoices and the one probe below).
#
# The figure's anchor: before the wrk run, one probe invoice is submitted with statement logging
# on, and bench/statements.py turns the SQL it ran (between its BEGIN and COMMIT) into a pgbench
# script, every transaction of which is a new sale. After the wrk run pgbench replays that
# script at the same concurrency on the same database, and the last line gives Patron's
# throughput as a share of it: what the HTTP layer, JSON, planning the sale and Diesel cost on
# top of the database work one sale needs anyway. (The terminal-token lookup and the pool's
# connection checks run outside the transaction, so they are Patron's side of the share.)
# pgbench runs with -M prepared: each statement is parsed and planned once per connection, as
# Diesel does with the statements it caches, and what varies from sale to sale is bound as a
# parameter (see statements.py for what the replay still does differently).
#
# Needs wrk, curl, psql, pgbench, python3. Usage: bench/invoices.sh [seconds, default 20]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo;
# PATRON_BENCH_DIR=dir keeps the scratch data (and the captured log and script) in dir.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
port=18083
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-bench.XXXXXX)}"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn

$patron seed --demo >"$data/seed.log"
tokens=$(awk '$2 ~ /^ptt_/ {print $2}' "$data/seed.log")
[ -n "$tokens" ] || { echo "no demo tokens printed (was the database seeded before?)"; exit 1; }
token=$(echo "$tokens" | head -n 1)

$patron serve >"$data/serve.log" 2>&1 &
server=$!
psql_url="postgres://postgres@/patron?host=$data/pgdata"
logging_on=""
cleanup() {
    # A run stopped while statement logging was on must not leave it on in a kept cluster.
    [ -z "$logging_on" ] || psql "$psql_url" -qAtc "ALTER SYSTEM RESET log_statement" \
        -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    [ -n "${PATRON_BENCH_DIR:-}" ] || rm -rf "$data"
}
trap cleanup EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done

# Five items and what they come to: the server recomputes the totals, so they must be right.
lines=$(psql "$psql_url" -Atc "SELECT item_code || '|' || standard_rate FROM items WHERE active ORDER BY id LIMIT 5")
body_lines=""
total="0"
while IFS='|' read -r code rate; do
    body_lines+="{\"item_code\": \"$code\", \"qty\": \"2\", \"price_list_rate\": \"$rate\"},"
    total=$(python3 -c "from decimal import Decimal as D; print(D('$total') + 2 * D('$rate'))")
done <<<"$lines"
total=$(python3 -c "from decimal import Decimal as D; print(D('$total').quantize(D('0.01')))")
body_lines="[${body_lines%,}]"

script="$data/invoices.lua"
cat >"$script" <<LUA
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  local id = string.format("00000000-%04x-4000-8000-%012x", tid, counter)
  local body = '{"id": "' .. id .. '", "number": "B-' .. tid .. '-' .. counter .. '", ' ..
    '"posted_at": "2026-11-20T14:03:00Z", ' ..
    '"lines": $body_lines, ' ..
    '"payments": [{"mode": "card", "amount": "$total"}], ' ..
    '"totals": {"net_total": "$total", "discount_amount": "0", "grand_total": "$total"}}'
  return wrk.format("POST", "/api/v1/invoices", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("  invoices/s %.0f  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

# The probe: one submission of the same shape with every statement logged. Its uuid is new on
# every run, its number unmistakable in the log, so statements.py can find and vary both.
server_log="$data/pgdata/server.log"
prefix=$(psql "$psql_url" -Atc "SHOW log_line_prefix")
probe_uuid=$(python3 -c "import uuid; print(uuid.uuid4())")
probe_number="PROBE-${probe_uuid:0:8}"
probe_body='{"id": "'$probe_uuid'", "number": "'$probe_number'", "posted_at": "2026-11-20T14:03:00Z", '
probe_body+='"lines": '$body_lines', "payments": [{"mode": "card", "amount": "'$total'"}], '
probe_body+='"totals": {"net_total": "'$total'", "discount_amount": "0", "grand_total": "'$total'"}}'
logging_on=1
psql "$psql_url" -qAt -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
from=$(stat -c %s "$server_log")
status=$(curl -s -o "$data/probe.json" -w '%{http_code}' -X POST "$base/api/v1/invoices" \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d "$probe_body")
psql "$psql_url" -qAt -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
logging_on=""
[ "$status" = 201 ] || { echo "the probe submission was answered $status:"; cat "$data/probe.json"; exit 1; }
tail -c +"$((from + 1))" "$server_log" >"$data/probe.log"
probe_id=$(psql "$psql_url" -Atc "SELECT id FROM invoices WHERE uuid = '$probe_uuid'")
echo "== one submission's statements, from the probe (invoice $probe_id):"
python3 bench/statements.py --prefix "$prefix" --uuid "$probe_uuid" --number "$probe_number" \
    --invoice-id "$probe_id" "$data/probe.log" >"$data/submission.sql"

echo "== POST /api/v1/invoices, 5 lines each, 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" -s "$script" "$base" >"$data/wrk.out"
grep -E 'invoices/s|Non-2xx' "$data/wrk.out"
patron_rate=$(awk '$1 == "invoices/s" {print $2}' "$data/wrk.out")
echo "== stored: $(psql "$psql_url" -Atc "SELECT count(*) FROM invoices") invoices, $(psql "$psql_url" -Atc "SELECT count(*) FROM invoice_lines") lines"

# The anchor: the same statements straight from pgbench, same concurrency, same database.
echo "== pgbench, the probe's statements as one transaction, 16 connections, ${seconds}s"
before=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices")
pgbench -n -M prepared -c 16 -j 2 -T "$seconds" -f "$data/submission.sql" "$psql_url" >"$data/pgbench.out" 2>&1 ||
    { cat "$data/pgbench.out"; echo "pgbench failed"; exit 1; }
after=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices")
pgbench_tps=$(awk '$1 == "tps" {printf "%.0f", $3; exit}' "$data/pgbench.out")
processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$data/pgbench.out")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$data/pgbench.out")
latency=$(sed -n 's/^latency average = //p' "$data/pgbench.out")
echo "  tx/s $pgbench_tps  latency average $latency  transactions $processed  failed ${failed:-0}"
echo "== pgbench stored: $((after - before)) new invoices for $processed transactions"
if [ "$((after - before))" != "$processed" ] || [ "${failed:-0}" != 0 ] || [ -z "$pgbench_tps" ]; then
    cat "$data/pgbench.out"
    echo "pgbench did not commit one new invoice per transaction"
    exit 1
fi
share=$(awk -v p="$patron_rate" -v q="$pgbench_tps" 'BEGIN {printf "%.0f", 100 * p / q}')
echo "== Patron: $patron_rate invoices/s; the same statements straight from pgbench: $pgbench_tps tx/s; Patron reaches $share% of it"
