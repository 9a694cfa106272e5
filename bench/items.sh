#!/usr/bin/env bash
# Item search at scale: seeds 100,000 synthetic items with `patron seed --items` (timed) on top
# of the demo data, then measures over HTTP with wrk, 4 connections (single-digit concurrency),
# the list's search fragment by an item code, by a part of a name, by a short code start, and
# the item picker. Target (issue 4): p95 < 50 ms.
# Needs wrk, curl and psql. Usage: bench/items.sh [items, default 100000] [seconds, default 10]
# PATRON_BIN picks another build than target/release/patron (built here unless it is set).
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100000}"
seconds="${2:-10}"
port=18082
base="http://127.0.0.1:$port"

if [ -z "${PATRON_BIN:-}" ]; then cargo build --release -q; fi
patron="${PATRON_BIN:-target/release/patron}"
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-bench.XXXXXX)}"
chmod 755 "$data" # the embedded server may run as the postgres user, which must reach it
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn

if [ ! -e "$data/items-$count" ]; then
    $patron seed --demo >/dev/null
    echo "== patron seed --items $count"
    /usr/bin/time -f "seeding took %e s" $patron seed --items "$count"
    touch "$data/items-$count"
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
    echo "== $1: GET $2"
    echo "  rows: $(curl -s -H "Cookie: patron_session=$cookie" ${3:+-H "$3"} "$base$2" | grep -c 'class="row-link"\|<option' || true)"
    wrk -t2 -c4 -d"${seconds}s" -s "$percentiles" -H "Cookie: patron_session=$cookie" ${3:+-H "$3"} "$base$2" |
        grep -E 'requests/s|Non-2xx'
}

psql_url="postgres://postgres@/patron?host=$data/pgdata"
echo "items: $(psql "$psql_url" -Atc "SELECT count(*) FROM items")"
code=$(psql "$psql_url" -Atc "SELECT item_code FROM items WHERE item_code LIKE 'BULK-%' ORDER BY id OFFSET $((count / 2)) LIMIT 1")

measure "search fragment, a whole item code" "/items?q=$code" "HX-Request: true"
measure "search fragment, part of a code" "/items?q=${code:5:5}" "HX-Request: true"
measure "search fragment, part of a name (rare)" "/items?q=cargo+indigo" "HX-Request: true"
measure "search fragment, part of a name (common)" "/items?q=shirt" "HX-Request: true"
measure "search fragment, short code start" "/items?q=ts" "HX-Request: true"
measure "item picker, part of a name" "/pickers/items?q=linen" "HX-Request: true"
measure "list page 1 (whole page)" "/items"
