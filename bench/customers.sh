#!/usr/bin/env bash
# Customer search and list at scale: seeds 1,000,000 synthetic customers with `patron seed
# --customers` (timed), then measures over HTTP with wrk, 16 connections, the search fragment for
# part of a name, a phone number and an email, the list page, and page 2,000 of the list against
# page 1. Targets (issue 3): p95 < 20 ms and p99 < 50 ms; page 2,000 no slower than 2x page 1.
# Needs wrk and curl. Usage: bench/customers.sh [customers, default 1000000] [seconds, default 10]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo;
# PATRON_BENCH_DIR=dir keeps (and on a second run reuses) the seeded data in dir.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/quiet.sh
say_what_else_runs
count="${1:-1000000}"
seconds="${2:-10}"
port=18081
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-bench.XXXXXX)}"
chmod 755 "$data" # the embedded server may run as the postgres user, which must reach it
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn

if [ ! -e "$data/seeded-$count" ]; then
    $patron seed --demo >/dev/null
    echo "== patron seed --customers $count"
    /usr/bin/time -f "seeding took %e s" $patron seed --customers "$count"
    touch "$data/seeded-$count"
fi

$patron serve >"$data/serve.log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    [ -n "${PATRON_BENCH_DIR:-}" ] || rm -rf "$data"
}
trap cleanup EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done

jar="$data/cookies"
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=bench-admin-pass" "$base/login"
cookie=$(awk '$6 == "patron_session" {print $7}' "$jar")

percentiles="$data/percentiles.lua"
cat >"$percentiles" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  requests/s %.0f  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

measure() { # label, path, extra header
    echo "== $1: GET $2 (load $(cut -d' ' -f1 /proc/loadavg))"
    wrk -t2 -c16 -d"${seconds}s" -s "$percentiles" -H "Cookie: patron_session=$cookie" ${3:+-H "$3"} "$base$2" |
        grep -E 'requests/s|Non-2xx'
}

psql_url="postgres://postgres@/patron?host=$data/pgdata"
sample=$(psql "$psql_url" -Atc "SELECT mobile, email FROM customers WHERE id = $((count / 2))")
phone=${sample%%|*}
email=${sample##*|}
page2000=$(psql "$psql_url" -Atc "SELECT search_name || '|' || id FROM customers WHERE active ORDER BY search_name, id OFFSET $((1999 * 50)) LIMIT 1")
after_name=$(printf %s "${page2000%%|*}" | jq -sRr @uri 2>/dev/null || python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "${page2000%%|*}")

measure "search fragment, part of a name" "/customers?q=okafo" "HX-Request: true"
measure "search fragment, phone as typed" "/customers?q=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$phone")" "HX-Request: true"
measure "search fragment, email" "/customers?q=$email" "HX-Request: true"
measure "list page 1 (whole page)" "/customers"
measure "list page 2,000 (whole page)" "/customers?after_name=$after_name&after_id=${page2000##*|}"
