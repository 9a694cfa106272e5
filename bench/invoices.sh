#!/usr/bin/env bash
# Invoice submission at 16 concurrent tills: starts a release build on a scratch embedded
# database with the demo data, takes the demo terminal tokens, and posts invoices of five lines
# (each with its own uuid, so every one is a new sale) with wrk for a while. Target (issue 5): at
# least 800 invoices/s sustained with p99 under 50 ms. Then counts what was stored against what
# was answered 201. Needs wrk, curl, psql. Usage: bench/invoices.sh [seconds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
port=18083
base="http://127.0.0.1:$port"

cargo build --release -q
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-bench.XXXXXX)}"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
patron=target/release/patron

$patron seed --demo >"$data/seed.log"
tokens=$(awk '$2 ~ /^ptt_/ {print $2}' "$data/seed.log")
[ -n "$tokens" ] || { echo "no demo tokens printed (was the database seeded before?)"; exit 1; }
token=$(echo "$tokens" | head -n 1)

$patron serve >"$data/serve.log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    [ -n "${PATRON_BENCH_DIR:-}" ] || rm -rf "$data"
}
trap cleanup EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done

# Five items and what they come to: the server recomputes the totals, so they must be right.
psql_url="postgres://postgres@/patron?host=$data/pgdata"
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

echo "== POST /api/v1/invoices, 5 lines each, 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" -s "$script" "$base" | grep -E 'invoices/s|Non-2xx'
echo "== stored: $(psql "$psql_url" -Atc "SELECT count(*) FROM invoices") invoices, $(psql "$psql_url" -Atc "SELECT count(*) FROM invoice_lines") lines"
