#!/usr/bin/env bash
# The sales reports at chain scale (issue 21): on a scratch database with the demo data,
# 1,000,000 customers and 2,000,000 invoices (the data of bench/seed.sh), times
# `patron reports rebuild` over every invoice (target: under 2 minutes), then each report over a
# year and the home page, signed in as the administrator: the median of 5 requests each, with
# the load average beside it (targets: each report under 150 ms, home under 50 ms).
#
# Needs curl. Usage: bench/reports.sh [invoices, default 2000000] [customers, default 1000000]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo;
# PATRON_BENCH_DIR=dir keeps (and on a second run reuses) the seeded data in dir.
set -euo pipefail
cd "$(dirname "$0")/.."
invoices="${1:-2000000}"
customers="${2:-1000000}"
port=18085
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-reports.XXXXXX)}"
mkdir -p "$data"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
server=""
cleanup() {
    [ -z "$server" ] || { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
    [ -n "${PATRON_BENCH_DIR:-}" ] || rm -rf "$data"
}
trap cleanup EXIT

if [ ! -f "$data/seeded" ]; then
    echo "== seeding: demo data, $customers customers, $invoices invoices"
    $patron seed --demo >/dev/null
    $patron seed --customers "$customers" >/dev/null 2>&1
    $patron seed --invoices "$invoices" 2>/dev/null | tail -n 2
    touch "$data/seeded"
fi

echo "== patron reports rebuild (load $(cut -d' ' -f1 /proc/loadavg))"
/usr/bin/time -f "rebuild took %e s, %M KB at most" $patron reports rebuild 2>&1 | tail -n 2

$patron serve >"$data/serve.log" 2>&1 &
server=$!
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
jar="$data/cookies"
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=bench-admin-pass" "$base/login"
cookie=$(awk '$6 == "patron_session" {print $7}' "$jar")

# The year up to the last seeded sale's day.
to=$(psql "postgres://postgres@/patron?host=$data/pgdata" -Atc "SELECT max(day) FROM rollup_store_days")
from=$(date -d "$to - 364 days" +%F)
year="from=$from&to=$to"
echo "== a year: $from to $to"
median_of() { # median_of PATH: five timed requests after one to warm up (which must be a 200)
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: patron_session=$cookie" "$base$1")
    [ "$status" = 200 ] || { echo "$1 answered $status" >&2; exit 1; }
    for _ in 1 2 3 4 5; do
        curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: patron_session=$cookie" "$base$1"
    done | sort -n | sed -n 3p
}
month="from=$(date -d "$to" +%Y-%m-01)&to=$to"
for path in "/reports/customers?$year" "/reports/customers?$year&sort=last-desc" \
    "/reports/customers?$month" "/reports/lapsed" "/reports/cohorts?$year" \
    "/reports/stores?$year" "/reports/delivery?$year" "/reports/offers?$year" \
    "/reports/coupons?$year" "/"; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    printf '  %-66s %6.0f ms  (load %s)\n' "$path" "$(echo "$(median_of "$path") * 1000" | bc -l)" "$load"
done
echo "== CSV of sales by customer over the year, streamed"
/usr/bin/time -f "  %e s, server memory not measured here" curl -s -o "$data/customers.csv" \
    -H "Cookie: patron_session=$cookie" "$base/reports/customers.csv?$year" 2>&1 | tail -n 1
echo "  $(wc -l <"$data/customers.csv") lines; patron's resident memory after it: $(ps -o rss= -p "$server") KB"
