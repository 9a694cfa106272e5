#!/usr/bin/env bash
# What aiming offers at a segment costs carts/evaluate (issue 22, target: under 5%). On the demo
# data with 200 active auto Item Price offers, a member of the demo's customers asks the price
# of five lines at 4 connections, in alternating slices: "plain" (no offer aims at a segment)
# and "segment" (50 of the offers aim at a segment of every active customer, so each evaluate
# also reads which segments the customer is in). The same server, data and customer in both;
# the median of each case's slices and their ratio, the load average beside each slice.
#
# Needs wrk, curl, psql. Usage: bench/segment_offers.sh [seconds per slice, default 5] [rounds, default 4]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
rounds="${2:-4}"
port=18087
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="$(mktemp -d /var/tmp/patron-segment-offers.XXXXXX)"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
$patron seed --demo >"$data/seed.log"
token=$(awk '$2 ~ /^ptt_/ {print $2; exit}' "$data/seed.log")
$patron serve >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
sql() { psql "postgres://postgres@/patron?host=$data/pgdata" -qAtc "$1"; }
load() { cut -d' ' -f1 /proc/loadavg; }

company=$(sql "SELECT company_id FROM stores ORDER BY id LIMIT 1")
customer=$(sql "SELECT uuid FROM customers WHERE active AND id NOT IN (SELECT default_customer_id FROM pos_profiles WHERE default_customer_id IS NOT NULL) ORDER BY id LIMIT 1")
lines=$(sql "SELECT string_agg(format('{\"item_code\": \"%s\", \"qty\": \"2\", \"price_list_rate\": \"%s\"}', item_code, standard_rate), ',' ORDER BY id) FROM (SELECT id, item_code, standard_rate FROM items WHERE active ORDER BY id LIMIT 5) i")
sql "WITH made AS (INSERT INTO offers (company_id, title)
       SELECT $company, 'Bench ' || n FROM generate_series(1, 200) n RETURNING id, title)
     INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, apply_on_id,
       offer_type, valid_from, discount_type, discount_percentage, auto)
     SELECT m.id, 1, now(), m.title, 'item_code',
       (SELECT id FROM items WHERE active ORDER BY id OFFSET (m.id % 40) LIMIT 1),
       'item_price', '2026-01-01', 'percentage', 5 + m.id % 15, true FROM made m"
segment=$(sql "INSERT INTO segments (company_id, name, description, filters)
               VALUES ($company, 'Bench everyone', '', '{}') RETURNING id")
sql "INSERT INTO segment_members (segment_id, customer_id) SELECT $segment, id FROM customers WHERE active;
     UPDATE segments SET snapshot_at = now(), snapshot_size = (SELECT count(*) FROM segment_members WHERE segment_id = $segment) WHERE id = $segment"
echo "== 200 auto offers; segment of $(sql "SELECT snapshot_size FROM segments WHERE id = $segment") customers; customer $customer"

aim() { # aim 50 of the offers at the segment (or at nobody: NULL), then tell the tills
    sql "UPDATE offer_versions SET segment_id = $1 WHERE offer_id IN (SELECT id FROM offers WHERE title LIKE 'Bench %' ORDER BY id LIMIT 50);
         INSERT INTO offer_revisions VALUES ($company, gen_random_uuid()) ON CONFLICT (company_id) DO UPDATE SET token = excluded.token"
}
cat >"$data/evaluate.lua" <<LUA
request = function()
  return wrk.format("POST", "/api/v1/carts/evaluate", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token"}, '{"lines": [$lines], "customer_id": "$customer", "posted_at": "2026-11-20T14:03:00Z"}')
end
done = function(summary, latency, requests)
  io.write(string.format("%.0f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
slice() { wrk -t2 -c4 -d"${seconds}s" -s "$data/evaluate.lua" "$base" | tail -n 1; }
aim NULL; slice >/dev/null  # warm up
declare -A rates
for round in $(seq 1 "$rounds"); do
    for case in plain segment; do
        if [ "$case" = plain ]; then aim NULL; else aim "$segment"; fi
        curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d "{\"lines\": [$lines], \"customer_id\": \"$customer\", \"posted_at\": \"2026-11-20T14:03:00Z\"}" \
            "$base/api/v1/carts/evaluate"
        read -r rate p95 errors < <(slice)
        echo "  round $round $case: $rate carts/s, p95 $p95 ms, errors $errors (load $(load))"
        rates[$case]+="$rate "
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
plain=$(echo "${rates[plain]}" | median)
aimed=$(echo "${rates[segment]}" | median)
echo "== median carts/s: plain $plain, segment $aimed: the segment check costs $(python3 -c "print(f'{(1 - $aimed / $plain) * 100:.1f}')")% (load $(load))"
