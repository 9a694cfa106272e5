#!/usr/bin/env bash
# The loyalty reports at 1,000,000 ledger entries: seeds 200,000 synthetic customers and about
# 1,000,000 entries with `patron seed --customers --loyalty-entries` (timed; five earns to one
# redemption, posted over two years, expiring a year after posting), then times with curl the
# liability report page and its CSV (and the expiring and tier tabs), measures the liability page
# with wrk at 1 and 4 connections, and shows PostgreSQL's plan of the liability query. Target
# (loyalty issue): the liability report under 1 s. Needs curl, wrk and psql.
# Usage: bench/loyalty.sh [entries, default 1000000] [seconds, default 10]
# PATRON_BENCH_DIR keeps the seeded database between runs (a scratch one is removed otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
entries="${1:-1000000}"
seconds="${2:-10}"
customers=$((entries / 5))
port=18088
base="http://127.0.0.1:$port"

cargo build --release -q
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-bench.XXXXXX)}"
chmod 755 "$data" # the embedded server may run as the postgres user, which must reach it
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
patron=target/release/patron

if [ ! -e "$data/loyalty-seeded-$entries" ]; then
    echo "== patron seed --customers $customers --loyalty-entries $entries"
    /usr/bin/time -f "seeding took %e s" $patron seed --customers "$customers" --loyalty-entries "$entries"
    touch "$data/loyalty-seeded-$entries"
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

psql_url="postgres://postgres@/patron?host=$data/pgdata"
psql "$psql_url" -qc "VACUUM ANALYZE loyalty_point_entries" >/dev/null
echo "== $(psql "$psql_url" -Atc "SELECT count(*) FROM loyalty_point_entries") entries," \
    "$(psql "$psql_url" -Atc "SELECT count(*) FROM loyalty_members") members," \
    "$(psql "$psql_url" -Atc "SELECT count(*) FROM loyalty_point_entries WHERE expiry_date < current_date") expired"

jar="$data/cookies"
rm -f "$jar"
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=bench-admin-pass" "$base/login"
cookie=$(awk '$6 == "patron_session" {print $7}' "$jar")

timed() { # label, path: five requests one after another, each one's total time
    printf '== %-34s' "$1"
    for _ in 1 2 3 4 5; do
        curl -s -o /dev/null -w '%{http_code} %{time_total}s  ' -H "Cookie: patron_session=$cookie" "$base$2"
    done
    echo
}
timed "liability page" "/loyalty/reports"
timed "liability.csv" "/loyalty/reports/liability.csv"
timed "expiring tab" "/loyalty/reports?tab=expiring"
timed "expiring.csv" "/loyalty/reports/expiring.csv"
timed "members per tier tab" "/loyalty/reports?tab=tiers"
timed "tiers.csv" "/loyalty/reports/tiers.csv"

percentiles="$data/percentiles.lua"
cat >"$percentiles" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  requests/s %.1f  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
for c in 1 4; do
    echo "== liability page, wrk $c connection(s), ${seconds}s"
    wrk -t1 -c"$c" -d"${seconds}s" -s "$percentiles" -H "Cookie: patron_session=$cookie" \
        "$base/loyalty/reports" | grep -E 'requests/s|Non-2xx'
done

echo "== the liability query at the database"
psql "$psql_url" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT p.id, (SELECT count(*) FROM loyalty_members m WHERE m.program_id = p.id) AS members,
       coalesce((SELECT sum(e.points) FROM loyalty_point_entries e
                 WHERE e.program_id = p.id AND e.expiry_date IS NULL), 0)
       + coalesce((SELECT sum(e.points) FROM loyalty_point_entries e
                   WHERE e.program_id = p.id AND e.expiry_date >= current_date), 0) AS points
FROM loyalty_programs p" | grep -E 'Index|Seq Scan|Execution Time'
