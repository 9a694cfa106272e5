#!/usr/bin/env bash
# Coupons under load (issue 13): starts a release build on a scratch embedded database with the
# demo data and a coupon-based offer ("BENCH COUPON", 5 % off one item), then
#  1. generates 100,000 codes through the Generate codes page and reads how long the batch took
#     (target: under 10 s);
#  2. fires 200 sales at once, all using one coupon with Maximum Use 50 (target: exactly 50
#     accepted, Used = 50, 150 answered 422 "used up", no 5xx), cancels 10 of the accepted and
#     fires 20 more (target: exactly 10 more accepted, Used = 50 again);
#  3. POST /api/v1/coupons/validate on random codes of the 100,000 at 4 connections (target: p95
#     under 5 ms).
# Needs wrk, curl, psql, python3. Usage: bench/coupons.sh [seconds, default 20]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
port=18086
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="$(mktemp -d /var/tmp/patron-bench.XXXXXX)"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
$patron seed --demo >"$data/seed.log"
token=$(awk '$2 ~ /^ptt_/ {print $2; exit}' "$data/seed.log")
$patron serve >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
psql_url="postgres://postgres@/patron?host=$data/pgdata"
sql() { psql "$psql_url" -qAtc "$1"; }

# The offer: 5 % off one item, only with a coupon (made as the editor stores it).
company=$(sql "SELECT company_id FROM stores ORDER BY id LIMIT 1")
IFS='|' read -r item rate < <(sql "SELECT item_code || '|' || standard_rate FROM items WHERE active ORDER BY id LIMIT 1")
offer=$(sql "WITH made AS (INSERT INTO offers (company_id, title) VALUES ($company, 'BENCH COUPON') RETURNING id)
    INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, apply_on_id, offer_type,
        valid_from, discount_type, discount_percentage, auto)
    SELECT id, 1, now(), 'BENCH COUPON', 'item_code', (SELECT id FROM items WHERE item_code = '$item'),
        'item_price', '2026-01-01', 'percentage', 5, false FROM made RETURNING offer_id")
sql "INSERT INTO offer_revisions VALUES ($company, gen_random_uuid()) ON CONFLICT (company_id) DO UPDATE SET token = excluded.token"
read -r discount net < <(python3 -c "from decimal import Decimal as D, ROUND_HALF_UP as H
r = D('$rate'); d = (2 * r * 5 / 100).quantize(D('0.01'), H); print(d, (2 * r - d).quantize(D('0.01')))")

echo "== 1. Generate codes: 100,000 for BENCH COUPON through the page"
jar="$data/cookies"
csrf() { curl -s -c "$jar" -b "$jar" "$base$1" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p'; }
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$(csrf /login)" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=bench-admin-pass" "$base/login"
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$(csrf /coupons/batches/new)" \
    -d name=Bench -d count=100000 -d prefix=B- -d offer_id="$offer" -d maximum_use=1 "$base/coupons/batches"
batch=$(sql "SELECT max(id) FROM coupon_batches")
# Waits for the run itself: it holds this advisory lock until it has finished.
sql "SELECT pg_advisory_lock(7304, $batch)" >/dev/null
sql "SELECT '  ' || status || ': ' || made || ' codes in ' || round(extract(epoch FROM finished_at - created_at)::numeric, 2) || ' s' FROM coupon_batches WHERE id = $batch"
sql "SELECT code FROM coupons WHERE batch_id = $batch" >"$data/codes.txt"
echo "  $(sort -u "$data/codes.txt" | wc -l) distinct codes"

sale() { # sale UUID CODE: a sale of 2 of the item claiming the coupon's 5 %
    printf '{"id": "%s", "number": "C-%s", "posted_at": "2026-11-20T14:03:00Z", "coupon_codes": ["%s"], "lines": [{"item_code": "%s", "qty": "2", "price_list_rate": "%s", "discount_amount": "%s", "offer": "BENCH COUPON"}], "payments": [{"mode": "card", "amount": "%s"}], "totals": {"net_total": "%s", "discount_amount": "%s", "grand_total": "%s"}}' \
        "$1" "${1:0:8}" "$2" "$item" "$rate" "$discount" "$net" "$net" "$discount" "$net"
}
fire() { # fire N DIR: N sales with coupon LIMIT50 at once; prints each status and uuid
    mkdir -p "$2"
    for _ in $(seq "$1"); do
        id=$(python3 -c "import uuid; print(uuid.uuid4())")
        sale "$id" LIMIT50 >"$2/$id.json"
    done
    ls "$2" | xargs -P "$1" -I{} sh -c "curl -s -o /dev/null -w '%{http_code} {}\n' -X POST '$base/api/v1/invoices' \
        -H 'Content-Type: application/json' -H 'Authorization: Bearer $token' --data @'$2/{}'"
}
sql "INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, maximum_use) VALUES ($company, 'Limit 50', 'promotional', 'LIMIT50', $offer, 50)"
echo "== 2. 200 sales at once on coupon LIMIT50 (Maximum Use 50)"
fire 200 "$data/first" >"$data/first.out"
awk '{print $1}' "$data/first.out" | sort | uniq -c | sed 's/^/  /'
echo "  Used = $(sql "SELECT used FROM coupons WHERE code = 'LIMIT50'"), invoices with it: $(sql "SELECT count(*) FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id WHERE c.code = 'LIMIT50' AND r.released_at IS NULL")"
for id in $(awk '$1 == 201 {print $2}' "$data/first.out" | head -10 | sed 's/\.json$//'); do
    curl -s -o /dev/null -X POST "$base/api/v1/invoices/$id/cancel" -H "Authorization: Bearer $token"
done
echo "  cancelled 10: Used = $(sql "SELECT used FROM coupons WHERE code = 'LIMIT50'")"
echo "== then 20 more at once"
fire 20 "$data/second" >"$data/second.out"
awk '{print $1}' "$data/second.out" | sort | uniq -c | sed 's/^/  /'
echo "  Used = $(sql "SELECT used FROM coupons WHERE code = 'LIMIT50'")"

echo "== 3. POST /api/v1/coupons/validate, random codes of the $(wc -l <"$data/codes.txt"), 4 connections, ${seconds}s"
cat >"$data/validate.lua" <<LUA
local codes = {}
for line in io.lines("$data/codes.txt") do codes[#codes + 1] = line end
request = function()
  local code = codes[math.random(#codes)]
  return wrk.format("POST", "/api/v1/coupons/validate", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token"}, '{"code": "' .. code .. '", "posted_at": "2026-11-20T14:03:00Z"}')
end
done = function(summary, latency, requests)
  io.write(string.format("  checks/s %.0f  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
wrk -t2 -c4 -d"${seconds}s" -s "$data/validate.lua" "$base" | grep -E 'checks/s|Non-2xx'
