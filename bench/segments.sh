#!/usr/bin/env bash
# Segments at chain scale (issue 22): on the data of bench/seed.sh (the demo data, 1,000,000
# customers, 2,000,000 invoices, rollups rebuilt), times the RFM scores of every buyer (target:
# under 30 s) and the live count of a segment for each kind of filter and a mix of them, as the
# form asks it (POST /segments/count: the count and a sample of 20; target: under 300 ms), the
# median of 5 after one to warm up, with the load average beside each figure.
#
# Needs curl and psql. Usage: bench/segments.sh [invoices, default 2000000] [customers, default 1000000]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo;
# PATRON_BENCH_DIR=dir keeps (and on a second run reuses) the seeded data in dir;
# COUNTS_ONLY=1 times the counts alone (no RFM, no coupon batch, which would grow the data and
# so make two runs unlike: each batch adds ~97,000 coupons the "unused coupon" filter reads).
set -euo pipefail
cd "$(dirname "$0")/.."
invoices="${1:-2000000}"
customers="${2:-1000000}"
port=18086
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-segments.XXXXXX)}"
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
if [ ! -f "$data/rebuilt" ]; then
    echo "== patron reports rebuild"
    $patron reports rebuild 2>&1 | tail -n 1
    touch "$data/rebuilt"
fi

$patron serve >"$data/serve.log" 2>&1 &
server=$!
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
jar="$data/cookies"
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=bench-admin-pass" "$base/login"
csrf=$(curl -s -c "$jar" -b "$jar" "$base/segments/new" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')
sql() { psql "postgres://postgres@/patron?host=$data/pgdata" -Atc "$1"; }
load() { cut -d' ' -f1 /proc/loadavg; }

if [ -z "${COUNTS_ONLY:-}" ]; then
    echo "== RFM scores of every buyer (POST /segments/rfm, load $(load))"
    sql "DELETE FROM rfm_runs" >/dev/null
    /usr/bin/time -f "  took %e s" curl -s -o /dev/null -b "$jar" --data-urlencode "csrf_token=$csrf" \
        "$base/segments/rfm" 2>&1 | tail -n 1
    echo "  $(sql "SELECT customers FROM rfm_runs") customers scored"
fi

group=$(sql "SELECT min(customer_group_id) FROM customers")
territory=$(sql "SELECT max(territory_id) FROM customers")
store=$(sql "SELECT min(origin_store_id) FROM customers WHERE origin_store_id IS NOT NULL")
program=$(sql "SELECT min(id) FROM loyalty_programs")
tier=$(sql "SELECT min(id) FROM loyalty_tiers")
item_group=$(sql "SELECT name FROM item_groups WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1")
offer=$(sql "SELECT offer_id FROM invoice_offers GROUP BY offer_id ORDER BY count(*) DESC LIMIT 1")
offer="${offer:-$(sql "SELECT min(id) FROM offers")}"

count() { # count NAME FIELDS...: the median of 5 timed counts after one to warm up
    local name="$1"; shift
    local args=(-s -o "$data/count.html" -b "$jar" --data-urlencode "csrf_token=$csrf")
    for field in "$@"; do args+=(--data-urlencode "$field"); done
    curl "${args[@]}" "$base/segments/count"
    local size
    size=$(sed -n 's/.*<strong>\([^<]*\)<\/strong>.*/\1/p' "$data/count.html" | head -n 1)
    [ -n "$size" ] || { echo "$name: no count in the answer" >&2; head -c 600 "$data/count.html" >&2; exit 1; }
    local ms
    ms=$(for _ in 1 2 3 4 5; do curl "${args[@]}" -w '%{time_total}\n' "$base/segments/count"; done |
        sort -n | sed -n 3p)
    printf '  %-44s %8.0f ms  %-18s (load %s)\n' "$name" "$(echo "$ms * 1000" | bc -l)" "$size" "$(load)"
}
echo "== the live count of a segment (POST /segments/count, with its sample of 20)"
count "every active customer"
count "last purchase more than 90 days ago" lapsed_days=90
count "last purchase within 30 days" recent_days=30
count "at least 3 sales in 365 days" sales_min=3
count "at most 1 sale in 365 days" sales_max=1
count "spent at least 500 in 365 days" spent_min=500
count "R 1-2, F 4-5 (lapsed regulars)" recency_from=1 recency_to=2 frequency_from=4 frequency_to=5
count "customer group" "customer_group_id=$group"
count "territory" "territory_id=$territory"
count "origin store" "origin=$store"
count "loyalty program member" "loyalty_program_id=$program"
count "loyalty tier" "loyalty_tier_id=$tier"
count "holds at least 100 points" points_min=100
count "bought from an item group in 30 days" bought_kind=item_group "bought=$item_group" bought_days=30
count "bought from an item group in 365 days" bought_kind=item_group "bought=$item_group" bought_days=365
count "used an offer in 365 days" "used_offer_id=$offer"
count "holds an unused coupon of an offer" "unused_coupon_offer_id=$offer"
count "joined with a referral code" referred=yes
count "referred at least 1" referrer_of=1
count "birthday in March" birthday_month=3
count "lapsed 90 days, spent 500, group" lapsed_days=90 spent_min=500 "customer_group_id=$group"

[ -z "${COUNTS_ONLY:-}" ] || exit 0

# The nightly step that keeps the counts' stored year current: moving it on by one day (what
# entered and left it, read through the rollups' day index), timed and rolled back.
company=$(sql "SELECT company_id FROM stores ORDER BY id LIMIT 1")
shifted=$(psql "postgres://postgres@/patron?host=$data/pgdata" -qAt <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sed -n 2p
\\timing on
BEGIN;
SELECT shift_customer_facts($company, last_day + 1) FROM customer_fact_years WHERE company_id = $company;
ROLLBACK;
SQL
)
echo "== moving the stored year on by a day (the nightly step): ${shifted} ms (load $(load))"

# Issuing a Gift Card coupon to each customer of a segment of nearly 100,000 (a batch makes at most
# 100,000; target: under 15 s for 100,000),
# through the segment's page, waited for on the batch's own advisory lock (it holds it until done).
echo "== one coupon per customer of a segment (POST /segments/{id}/coupons, load $(load))"
coupon_offer=$(sql "SELECT o.id FROM offers o JOIN offer_versions v ON v.offer_id = o.id
    AND v.version = o.current_version WHERE NOT v.auto AND NOT v.disabled AND o.company_id = $company
    ORDER BY o.id LIMIT 1")
if [ -z "$coupon_offer" ]; then
    coupon_offer=$(sql "WITH made AS (INSERT INTO offers (company_id, title) VALUES ($company, 'BENCH SEGMENT COUPON') RETURNING id)
        INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, offer_type,
            valid_from, discount_type, discount_percentage, auto)
        SELECT id, 1, now(), 'BENCH SEGMENT COUPON', 'transaction', 'grand_total', '2026-01-01',
            'percentage', 5, false FROM made RETURNING offer_id")
fi
name="Bench recent buyers $(date +%s)"
curl -s -o /dev/null -b "$jar" --data-urlencode "csrf_token=$csrf" --data-urlencode "name=$name" \
    -d recent_days=36 "$base/segments"
segment=$(sql "SELECT id FROM segments WHERE name = '$name'")
echo "  segment $segment: $(sql "SELECT snapshot_size FROM segments WHERE id = $segment") customers"
curl -s -o /dev/null -b "$jar" --data-urlencode "csrf_token=$csrf" -d "offer_id=$coupon_offer" \
    -d prefix=SEG- "$base/segments/$segment/coupons"
batch=$(sql "SELECT max(id) FROM coupon_batches WHERE segment_id = $segment")
[ -n "$batch" ] || { echo "  no batch was made" >&2; exit 1; }
sql "SELECT pg_advisory_lock(7304, $batch)" >/dev/null
sql "SELECT '  ' || status || ': ' || made || ' coupons in ' || round(extract(epoch FROM finished_at - created_at)::numeric, 2) || ' s (load $(load))' FROM coupon_batches WHERE id = $batch"
echo "  $(sql "SELECT count(DISTINCT customer_id) FROM coupons WHERE segment_id = $segment") customers hold one"
# Each run makes a new segment and so a new batch for the same customers: keep only this run's,
# so that the next run's "holds an unused coupon" reads one batch, as a chain's campaign would,
# not every batch the bench ever issued.
sql "WITH old AS (DELETE FROM coupons WHERE batch_id IN (SELECT id FROM coupon_batches
        WHERE segment_id IS NOT NULL AND id <> $batch) RETURNING 1) SELECT count(*) FROM old" |
    sed 's/^/  earlier runs'"'"' batches taken out: /; s/$/ coupons/'
