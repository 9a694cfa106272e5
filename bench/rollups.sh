#!/usr/bin/env bash
# What keeping the report rollups costs a sale (issue 21), at the hottest spot: 16 tills of one
# store selling to its Walk-in Customer at once, so that every sale adds to the same customer,
# store and day. One scratch database with the demo data; the same release binary is started
# with the rollup step on and off (PATRON_BENCH_SKIP_ROLLUPS, a bench-only setting) in
# alternating slices, so both cases see the same grown tables and the same machine load.
# Each slice prints invoices/s, p99 and the load average; the summary gives each case's median
# and the ratio. Target: with the step, at most 5% fewer invoices/s. Then it rebuilds the
# rollups (the slices without the step left theirs out) and checks them against the invoices.
# With `named` as third argument each sale goes to one of 1,000 named demo customers instead, in
# turn: the step then also notes the customer for the fold of their lifetime, month, cohort and
# referral figures, which the server's thread runs every 2 s during the slice; what a slice left
# unfolded is folded after it, timed, and its time added to the slice's ("with, fold counted"):
# the figure the target is judged on.
#
# Needs wrk, curl, psql. Usage:
#   bench/rollups.sh [seconds per slice, default 10] [rounds, default 4] [walk-in|named]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/quiet.sh
say_what_else_runs
seconds="${1:-10}"
rounds="${2:-4}"
buyers="${3:-walk-in}"
port=18084
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="$(mktemp -d /var/tmp/patron-rollups.XXXXXX)"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
server=""
stop() {
    [ -z "$server" ] || { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
    server=""
}
cleanup() {
    stop
    rm -rf "$data"
}
trap cleanup EXIT

$patron seed --demo >"$data/seed.log"
token=$(awk '$2 ~ /^ptt_/ {print $2}' "$data/seed.log" | head -n 1)
[ -n "$token" ] || { echo "no demo tokens printed"; exit 1; }
psql_url="postgres://postgres@/patron?host=$data/pgdata"

start() { # start SKIP: serve with the rollup step skipped (1) or kept (0)
    PATRON_BENCH_SKIP_ROLLUPS="$1" $patron serve >>"$data/serve.log" 2>&1 &
    server=$!
    until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
}

# Five items and their total, as bench/invoices.sh sends them; no customer: the Walk-in.
start 0
lines=$(psql "$psql_url" -Atc "SELECT item_code || '|' || standard_rate FROM items WHERE active ORDER BY id LIMIT 5")
body_lines=""
total="0"
while IFS='|' read -r code rate; do
    body_lines+="{\"item_code\": \"$code\", \"qty\": \"2\", \"price_list_rate\": \"$rate\"},"
    total=$(python3 -c "from decimal import Decimal as D; print(D('$total') + 2 * D('$rate'))")
done <<<"$lines"
total=$(python3 -c "from decimal import Decimal as D; print(D('$total').quantize(D('0.01')))")
customers="{}"
if [ "$buyers" = named ]; then
    customers="{$(psql "$psql_url" -Atc "SELECT string_agg('\"' || code || '\"', ',') FROM (
        SELECT code FROM customers WHERE active AND id NOT IN (
          SELECT default_customer_id FROM pos_profiles WHERE default_customer_id IS NOT NULL)
        ORDER BY id LIMIT 1000) c")}"
fi
stop
cat >"$data/sales.lua" <<LUA
local customers = $customers
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  local id = string.format("%08x-%04x-4000-8000-%012x", os.time() % 4294967296, tid, counter)
  local buyer = ""
  if #customers > 0 then
    buyer = '"customer_code": "' .. customers[(tid * 7919 + counter) % #customers + 1] .. '", '
  end
  local body = '{"id": "' .. id .. '", "number": "W-' .. tid .. '-' .. counter .. '", ' .. buyer ..
    '"posted_at": "2026-11-20T14:03:00Z", "lines": [${body_lines%,}], ' ..
    '"payments": [{"mode": "card", "amount": "$total"}], ' ..
    '"totals": {"net_total": "$total", "discount_amount": "0", "grand_total": "$total"}}'
  return wrk.format("POST", "/api/v1/invoices", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("%.0f %.1f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

echo "== POST /api/v1/invoices ($buyers buyers) at one store, 16 connections, ${seconds}s slices, $rounds rounds"
# A first slice, not counted: right after the seed the database is still settling (autovacuum
# and analyze of the seeded tables), and it fell on whichever case ran first.
start 0
wrk -t2 -c16 -d"${seconds}s" -s "$data/sales.lua" "$base" >/dev/null
psql "$psql_url" -Atqc "SELECT fold_customer_purchases()" >/dev/null
stop
: >"$data/with" && : >"$data/without" && : >"$data/counted"
for round in $(seq 1 "$rounds"); do
    # ABBA: each case goes first in every other round, so a trend over the run (tables growing,
    # autovacuum) is charged to both alike.
    order="0 1"
    [ $((round % 2)) = 0 ] && order="1 0"
    for skip in $order; do
        start "$skip"
        load=$(cut -d' ' -f1 /proc/loadavg)
        read -r rate p99 errors < <(wrk -t2 -c16 -d"${seconds}s" -s "$data/sales.lua" "$base" | tail -n 1)
        fold=""
        if [ "$skip" = 0 ]; then
            # The customers the slice noted and its fold thread had not reached yet (a fold under
            # way when this starts is waited for, and so counted too).
            started=$(date +%s.%N)
            left=$(psql "$psql_url" -Atc "SELECT fold_customer_purchases()")
            took=$(python3 -c "print(f'{$(date +%s.%N) - $started:.2f}')")
            counted=$(python3 -c "print(round($rate * $seconds / ($seconds + $took)))")
            echo "$counted" >>"$data/counted"
            fold="  then $left noted customers folded in ${took}s: ${counted} invoices/s fold counted"
        fi
        stop
        case $skip in 0) name="with rollups   "; echo "$rate" >>"$data/with" ;;
                      1) name="without rollups"; echo "$rate" >>"$data/without" ;; esac
        echo "  round $round $name: $rate invoices/s  p99 $p99 ms  errors $errors  (load $load)$fold"
    done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
with=$(median "$data/with")
without=$(median "$data/without")
counted=$(median "$data/counted")
echo "== medians: with $with, without $without invoices/s: with the step $(python3 -c "print(f'{100 * (1 - $with / $without):.1f}')")% fewer"
echo "== with the fold counted: $counted invoices/s, $(python3 -c "print(f'{100 * (1 - $counted / $without):.1f}')")% fewer"
start 0
echo "== Walk-in rows of one day: $(psql "$psql_url" -Atc "SELECT count(*) FROM rollup_customer_days r JOIN customers c ON c.id = r.customer_id WHERE c.first_name = 'Walk-in' AND r.day = '2026-11-20'") rows"

stop
echo "== patron reports rebuild (the slices without the step kept no rollups)"
$patron reports rebuild 2>/dev/null | tail -n 1
start 0
mismatch=$(psql "$psql_url" -Atc "
    SELECT count(*) FROM (
      SELECT i.customer_id, business_day(i.posted_at, c.time_zone) AS day,
             sum(i.grand_total - i.delivery_amount) AS net
      FROM invoices i JOIN companies c ON c.id = i.company_id WHERE i.status = 'submitted'
      GROUP BY 1, 2) x
    FULL JOIN (SELECT customer_id, day, sum(net_sales) AS net FROM rollup_customer_days
               GROUP BY 1, 2 HAVING sum(sales) <> 0 OR sum(returns) <> 0) r USING (customer_id, day)
    WHERE x.net IS DISTINCT FROM r.net")
echo "== customer days whose rollup differs from the invoices: $mismatch"
