#!/usr/bin/env bash
# A customer's page with their sales history when the database holds millions of invoices: wrk,
# 16 connections, the whole customer page (balances from the invoice rows, the first 25 sales,
# activity) for the customer with the most invoices, and its "Older sales" page. Target (issue 5):
# p95 under 30 ms with 2,000,000 invoices. Expects PATRON_BENCH_DIR to hold a seeded database
# (bench/customers.sh, then `patron seed --invoices 2000000`). Needs wrk, curl, psql.
# Usage: PATRON_BENCH_DIR=... bench/history.sh [seconds, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
port=18087
base="http://127.0.0.1:$port"
data="${PATRON_BENCH_DIR:?set PATRON_BENCH_DIR to a seeded bench database}"

cargo build --release -q
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
patron=target/release/patron
$patron serve >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done

psql_url="postgres://postgres@/patron?host=$data/pgdata"
echo "== $(psql "$psql_url" -Atc "SELECT count(*) FROM invoices") invoices in the database"
read -r customer count < <(psql "$psql_url" -At -F ' ' -c \
    "SELECT customer_id, count(*) FROM invoices GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
echo "== customer $customer has $count invoices"

jar="$data/cookies"
rm -f "$jar"
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=bench-admin-pass" "$base/login"
cookie=$(awk '$6 == "patron_session" {print $7}' "$jar")
older=$(curl -s -H "Cookie: patron_session=$cookie" "$base/customers/$customer" |
    sed -n 's/.*href="\(\/customers\/[0-9]*?[^"]*before=[^"]*\)">Older sales.*/\1/p' |
    sed 's/&#38;/\&/g' | head -n 1)

percentiles="$data/percentiles.lua"
cat >"$percentiles" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  requests/s %.0f  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
measure() {
    echo "== $1: GET $2"
    wrk -t2 -c16 -d"${seconds}s" -s "$percentiles" -H "Cookie: patron_session=$cookie" "$base$2" |
        grep -E 'requests/s|Non-2xx'
}
measure "customer page with sales history" "/customers/$customer"
[ -z "$older" ] || measure "older sales" "$older"
