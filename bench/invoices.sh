#!/usr/bin/env bash
# Invoice submission at 16 concurrent tills: starts a release build on a scratch embedded
# database with the demo data, takes the demo terminal tokens, and posts invoices of five lines
# (each with its own uuid, so every one is a new sale) with wrk for a while. Target (issue 5): at
# least 800 invoices/s sustained with p99 under 50 ms. Then counts what was stored against what
# was answered 201 (the count includes the demo data's invoices and the one probe below).
# Then (issue 12) 200 active offers are added and the same sales are posted again, each claiming
# an Item Price offer on its first line and a free unit of a Give Product offer, which the server
# re-checks with its engine: target at most 10% fewer invoices/s than the plain sales of the same
# run. And POST /api/v1/carts/evaluate at 4 connections: target p95 under 10 ms.
# Then (issue 13) the plain sales again, each using its own coupon (a coupon-based 5 % offer on
# the fourth line): target at most 10% fewer invoices/s than the plain sales of the same run.
# Then (issue 13) the plain sales paid with a gift card each (1,000 cards taken in turn,
# so that concurrent sales seldom queue on one card's row), and the plain sales once more after
# it: target at most 10% fewer invoices/s than the plain runs on either side, and every card's
# balance still the sum of its ledger.
#
# The figure's anchor: before the wrk run, one probe invoice is submitted with statement logging
# on, and bench/statements.py turns the SQL it ran (between its BEGIN and COMMIT) into a pgbench
# script, every transaction of which is a new sale. After the wrk run pgbench replays that
# script at the same concurrency on the same database, and the last line gives Patron's
# throughput as a share of it: what the HTTP layer, JSON, planning the sale and Diesel cost on
# top of the database work one sale needs anyway. (The terminal-token lookup and the pool's
# connection checks run outside the transaction, so they are Patron's side of the share.)
# pgbench runs with -M prepared: each statement is parsed and planned once per connection, as
# Diesel does with the statements it caches, and what varies from sale to sale is bound as a
# parameter (see statements.py for what the replay still does differently).
#
# Last, the resident size of the server after all of it, and its peak.
#
# Needs wrk, curl, psql, pgbench, python3. Usage: bench/invoices.sh [seconds, default 20]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo;
# PATRON_BENCH_DIR=dir keeps the scratch data (and the captured log and script) in dir.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
port=18083
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-bench.XXXXXX)}"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn

$patron seed --demo >"$data/seed.log"
tokens=$(awk '$2 ~ /^ptt_/ {print $2}' "$data/seed.log")
[ -n "$tokens" ] || { echo "no demo tokens printed (was the database seeded before?)"; exit 1; }
token=$(echo "$tokens" | head -n 1)

$patron serve >"$data/serve.log" 2>&1 &
server=$!
psql_url="postgres://postgres@/patron?host=$data/pgdata"
logging_on=""
cleanup() {
    # A run stopped while statement logging was on must not leave it on in a kept cluster.
    [ -z "$logging_on" ] || psql "$psql_url" -qAtc "ALTER SYSTEM RESET log_statement" \
        -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    [ -n "${PATRON_BENCH_DIR:-}" ] || rm -rf "$data"
}
trap cleanup EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done

# Five items and what they come to: the server recomputes the totals, so they must be right.
lines=$(psql "$psql_url" -Atc "SELECT item_code || '|' || standard_rate FROM items WHERE active ORDER BY id LIMIT 5")
body_lines=""
total="0"
while IFS='|' read -r code rate; do
    body_lines+="{\"item_code\": \"$code\", \"qty\": \"2\", \"price_list_rate\": \"$rate\"},"
    total=$(python3 -c "from decimal import Decimal as D; print(D('$total') + 2 * D('$rate'))")
done <<<"$lines"
total=$(python3 -c "from decimal import Decimal as D; print(D('$total').quantize(D('0.01')))")
body_lines="[${body_lines%,}]"

# 200 active auto offers (issue 12): Item Price offers on the catalogue's items, and the two the
# offers case claims: 10 % off the first item, and the third item free for every 2 of the second.
# Made in SQL as the editor would store them (version 1 each, the revision token set).
company=$(psql "$psql_url" -Atc "SELECT company_id FROM stores ORDER BY id LIMIT 1")
codes=$(psql "$psql_url" -Atc "SELECT string_agg(quote_literal(item_code), ',' ORDER BY id) FROM (SELECT id, item_code FROM items WHERE active ORDER BY id LIMIT 5) i")
psql "$psql_url" -qAt >/dev/null <<SQL
WITH made AS (
    INSERT INTO offers (company_id, title)
    SELECT $company, 'Bench ' || n FROM generate_series(1, 198) n RETURNING id, title)
INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, apply_on_id,
    offer_type, valid_from, discount_type, discount_percentage, auto)
SELECT m.id, 1, now(), m.title, 'item_code',
    (SELECT id FROM items WHERE active ORDER BY id OFFSET 5 + (m.id % 500) LIMIT 1),
    'item_price', '2026-01-01', 'percentage', 5 + m.id % 15, true FROM made m;
WITH made AS (INSERT INTO offers (company_id, title) VALUES ($company, 'BENCH 10%') RETURNING id)
INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, apply_on_id,
    offer_type, valid_from, discount_type, discount_percentage, auto)
SELECT id, 1, now(), 'BENCH 10%', 'item_code',
    (SELECT id FROM items WHERE item_code = (ARRAY[$codes])[1]), 'item_price', '2026-01-01',
    'percentage', 10, true FROM made;
WITH made AS (INSERT INTO offers (company_id, title) VALUES ($company, 'BENCH FREE') RETURNING id)
INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, apply_on_id,
    offer_type, min_qty, valid_from, discount_type, auto, given_item_id, given_qty)
SELECT id, 1, now(), 'BENCH FREE', 'item_code',
    (SELECT id FROM items WHERE item_code = (ARRAY[$codes])[2]), 'give_product', 2, '2026-01-01',
    'percentage', true, (SELECT id FROM items WHERE item_code = (ARRAY[$codes])[3]), 1 FROM made;
INSERT INTO offer_revisions VALUES ($company, gen_random_uuid())
    ON CONFLICT (company_id) DO UPDATE SET token = excluded.token;
SQL
echo "== offers: $(psql "$psql_url" -Atc "SELECT count(*) FROM offer_versions WHERE in_force_until IS NULL") active"

# The coupon case (issue 13): a coupon-based offer of 5 % on the fourth item, and one coupon per
# sale that wrk can send (BC-<thread>-<n>), each usable once, so that every sale counts a use.
psql "$psql_url" -qAt >/dev/null <<SQL
WITH made AS (INSERT INTO offers (company_id, title) VALUES ($company, 'BENCH COUPON') RETURNING id)
INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, apply_on_id,
    offer_type, valid_from, discount_type, discount_percentage, auto)
SELECT id, 1, now(), 'BENCH COUPON', 'item_code',
    (SELECT id FROM items WHERE item_code = (ARRAY[$codes])[4]), 'item_price', '2026-01-01',
    'percentage', 5, false FROM made;
INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, maximum_use)
SELECT $company, 'Bench', 'promotional', 'BC-' || t || '-' || n,
    (SELECT id FROM offers WHERE title = 'BENCH COUPON'), 1
FROM generate_series(1, 2) t, generate_series(1, 2000 * $seconds) n;
INSERT INTO offer_revisions VALUES ($company, gen_random_uuid())
    ON CONFLICT (company_id) DO UPDATE SET token = excluded.token;
SQL
echo "== coupons: $(psql "$psql_url" -Atc "SELECT count(*) FROM coupons") made for the coupon case"

# The offers case's body: the same five lines, the first with its 10 % (an Item Price claim),
# and one free unit of the third item (a Give Product claim).
offer_lines=""
offer_total="0"
offer_discount="0"
n=0
while IFS='|' read -r code rate; do
    n=$((n + 1))
    if [ "$n" = 1 ]; then
        d=$(python3 -c "from decimal import Decimal as D; print((2 * D('$rate') / 10).quantize(D('0.01')))")
        offer_lines+="{\"item_code\": \"$code\", \"qty\": \"2\", \"price_list_rate\": \"$rate\", \"discount_amount\": \"$d\", \"offer\": \"BENCH 10%\"},"
        offer_discount=$(python3 -c "from decimal import Decimal as D; print(D('$offer_discount') + D('$d'))")
        offer_total=$(python3 -c "from decimal import Decimal as D; print(D('$offer_total') + 2 * D('$rate') - D('$d'))")
    else
        offer_lines+="{\"item_code\": \"$code\", \"qty\": \"2\", \"price_list_rate\": \"$rate\"},"
        offer_total=$(python3 -c "from decimal import Decimal as D; print(D('$offer_total') + 2 * D('$rate'))")
    fi
    if [ "$n" = 3 ]; then free_code=$code; free_rate=$rate; fi
done <<<"$lines"
free_discount=$(python3 -c "from decimal import Decimal as D; print(D('$free_rate').quantize(D('0.01')))")
offer_lines+="{\"item_code\": \"$free_code\", \"qty\": \"1\", \"price_list_rate\": \"$free_rate\", \"discount_amount\": \"$free_discount\", \"is_offer\": true, \"offer\": \"BENCH FREE\"}"
offer_discount=$(python3 -c "from decimal import Decimal as D; print((D('$offer_discount') + D('$free_discount')).quantize(D('0.01')))")
offer_total=$(python3 -c "from decimal import Decimal as D; print(D('$offer_total').quantize(D('0.01')))")
offer_lines="[$offer_lines]"

# The coupon case's body: the five lines, the fourth with the coupon offer's 5 %.
coupon_lines=""
coupon_total="0"
coupon_discount="0"
n=0
while IFS='|' read -r code rate; do
    n=$((n + 1))
    if [ "$n" = 4 ]; then
        d=$(python3 -c "from decimal import Decimal as D, ROUND_HALF_UP as H; print((2 * D('$rate') * 5 / 100).quantize(D('0.01'), H))")
        coupon_lines+="{\"item_code\": \"$code\", \"qty\": \"2\", \"price_list_rate\": \"$rate\", \"discount_amount\": \"$d\", \"offer\": \"BENCH COUPON\"},"
        coupon_discount=$d
        coupon_total=$(python3 -c "from decimal import Decimal as D; print(D('$coupon_total') + 2 * D('$rate') - D('$d'))")
    else
        coupon_lines+="{\"item_code\": \"$code\", \"qty\": \"2\", \"price_list_rate\": \"$rate\"},"
        coupon_total=$(python3 -c "from decimal import Decimal as D; print(D('$coupon_total') + 2 * D('$rate'))")
    fi
done <<<"$lines"
coupon_total=$(python3 -c "from decimal import Decimal as D; print(D('$coupon_total').quantize(D('0.01')))")
coupon_lines="[${coupon_lines%,}]"

# The gift card case: 1,000 cards holding plenty, as the Issue page would store them.
psql "$psql_url" -qAt >/dev/null <<SQL
INSERT INTO gift_cards (number, company_id, currency_code, initial_value, balance, issued_by)
SELECT 'BENCH' || lpad(translate(g::text, '0123456789', 'ABCDEFGHJK'), 11, 'A'), c.id,
       c.currency_code, 1000000, 0, 'bench'
FROM generate_series(1, 1000) g, companies c WHERE c.id = $company;
WITH issued AS (UPDATE gift_cards SET balance = initial_value WHERE issued_by = 'bench'
                RETURNING id, initial_value)
INSERT INTO gift_card_entries (card_id, kind, amount, balance_after, created_by)
SELECT id, 'issue', initial_value, initial_value, 'bench' FROM issued;
SQL
cards=$(psql "$psql_url" -Atc "SELECT string_agg('\"' || number || '\"', ', ' ORDER BY id) FROM gift_cards WHERE issued_by = 'bench'")
# write_script FILE LINES TOTAL DISCOUNT [coupons|gift_cards]: a wrk script posting sales of
# those lines; with coupons each sale uses its own coupon BC-<thread>-<n>, with gift_cards each is
# paid with one of the cards above, taken in turn.
write_script() {
local coupon_part="" cards_part="" payment="{\"mode\": \"card\", \"amount\": \"$3\"}"
case "${5:-}" in
    coupons) coupon_part="'\"coupon_codes\": [\"BC-' .. tid .. '-' .. counter .. '\"], ' .." ;;
    gift_cards)
        cards_part="local cards = {$cards}"
        payment="{\"mode\": \"gift_card\", \"amount\": \"$3\", \"card\": \"' .. cards[(counter * 2 + tid) % #cards + 1] .. '\"}"
        ;;
esac
cat >"$1" <<LUA
local counter = 0
local threads = 0
$cards_part
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  local id = string.format("%08x-%04x-4000-8000-%012x", os.time() % 4294967296, tid, counter)
  local body = '{"id": "' .. id .. '", "number": "B-' .. tid .. '-' .. counter .. '", ' ..
    '"posted_at": "2026-11-20T14:03:00Z", ' ..
    $coupon_part
    '"lines": $2, ' ..
    '"payments": [$payment], ' ..
    '"totals": {"net_total": "$3", "discount_amount": "$4", "grand_total": "$3"}}'
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
}
script="$data/invoices.lua"
write_script "$script" "$body_lines" "$total" 0
write_script "$data/offers.lua" "$offer_lines" "$offer_total" "$offer_discount"
write_script "$data/coupons.lua" "$coupon_lines" "$coupon_total" "$coupon_discount" coupons
write_script "$data/gift_cards.lua" "$body_lines" "$total" 0 gift_cards

# The probe: one submission of the same shape with every statement logged. Its uuid is new on
# every run, its number unmistakable in the log, so statements.py can find and vary both.
server_log="$data/pgdata/server.log"
prefix=$(psql "$psql_url" -Atc "SHOW log_line_prefix")
probe_uuid=$(python3 -c "import uuid; print(uuid.uuid4())")
probe_number="PROBE-${probe_uuid:0:8}"
probe_body='{"id": "'$probe_uuid'", "number": "'$probe_number'", "posted_at": "2026-11-20T14:03:00Z", '
probe_body+='"lines": '$body_lines', "payments": [{"mode": "card", "amount": "'$total'"}], '
probe_body+='"totals": {"net_total": "'$total'", "discount_amount": "0", "grand_total": "'$total'"}}'
logging_on=1
psql "$psql_url" -qAt -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
from=$(stat -c %s "$server_log")
status=$(curl -s -o "$data/probe.json" -w '%{http_code}' -X POST "$base/api/v1/invoices" \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d "$probe_body")
psql "$psql_url" -qAt -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
logging_on=""
[ "$status" = 201 ] || { echo "the probe submission was answered $status:"; cat "$data/probe.json"; exit 1; }
tail -c +"$((from + 1))" "$server_log" >"$data/probe.log"
probe_id=$(psql "$psql_url" -Atc "SELECT id FROM invoices WHERE uuid = '$probe_uuid'")
echo "== one submission's statements, from the probe (invoice $probe_id):"
python3 bench/statements.py --prefix "$prefix" --uuid "$probe_uuid" --number "$probe_number" \
    --invoice-id "$probe_id" "$data/probe.log" >"$data/submission.sql"

echo "== POST /api/v1/invoices, 5 lines each, 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" -s "$script" "$base" >"$data/wrk.out"
grep -E 'invoices/s|Non-2xx' "$data/wrk.out"
patron_rate=$(awk '$1 == "invoices/s" {print $2}' "$data/wrk.out")

echo "== the same sales claiming an Item Price offer and a free line, against 200 active offers, 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" -s "$data/offers.lua" "$base" >"$data/wrk-offers.out"
grep -E 'invoices/s|Non-2xx' "$data/wrk-offers.out"
offers_rate=$(awk '$1 == "invoices/s" {print $2}' "$data/wrk-offers.out")
echo "== claimed offers recorded: $(psql "$psql_url" -Atc "SELECT count(*) FROM invoice_offers") uses"

echo "== the plain sales each using its own coupon (a 5 % offer on the fourth line), 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" -s "$data/coupons.lua" "$base" >"$data/wrk-coupons.out"
grep -E 'invoices/s|Non-2xx' "$data/wrk-coupons.out"
coupons_rate=$(awk '$1 == "invoices/s" {print $2}' "$data/wrk-coupons.out")
# Read in one snapshot: sales still in flight when wrk stopped commit between two queries.
echo "== coupons: $(psql "$psql_url" -Atc "SELECT sum(used) || ' uses counted, ' || (SELECT count(*) FROM coupon_redemptions) || ' redemptions' FROM coupons")"
echo "== the plain sales paid with a gift card (1,000 cards in turn), 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" -s "$data/gift_cards.lua" "$base" >"$data/wrk-gift.out"
grep -E 'invoices/s|Non-2xx' "$data/wrk-gift.out"
gift_rate=$(awk '$1 == "invoices/s" {print $2}' "$data/wrk-gift.out")
# Each case runs on tables the cases before it grew, with autovacuum catching up, so a later
# slot is slower for that alone: the plain sales run once more here, and the gift card case is
# held against the mean of the plain runs on either side of it.
echo "== the plain sales again, 16 connections, ${seconds}s"
wrk -t2 -c16 -d"${seconds}s" -s "$script" "$base" >"$data/wrk-again.out"
grep -E 'invoices/s|Non-2xx' "$data/wrk-again.out"
again_rate=$(awk '$1 == "invoices/s" {print $2}' "$data/wrk-again.out")
echo "== gift cards: $(psql "$psql_url" -Atc "SELECT count(*) FROM gift_card_entries WHERE kind = 'redeem'") redeems; cards whose balance is not the sum of their ledger: $(psql "$psql_url" -Atc "SELECT count(*) FROM gift_cards g WHERE g.balance <> (SELECT sum(e.amount) FROM gift_card_entries e WHERE e.card_id = g.id)")"

echo "== POST /api/v1/carts/evaluate, the five lines, 4 connections, ${seconds}s"
cat >"$data/evaluate.lua" <<LUA
request = function()
  return wrk.format("POST", "/api/v1/carts/evaluate", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token"}, '{"lines": $body_lines, "posted_at": "2026-11-20T14:03:00Z"}')
end
done = function(summary, latency, requests)
  io.write(string.format("  carts/s %.0f  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
wrk -t2 -c4 -d"${seconds}s" -s "$data/evaluate.lua" "$base" | grep -E 'carts/s|Non-2xx'
echo "== stored: $(psql "$psql_url" -Atc "SELECT count(*) FROM invoices") invoices, $(psql "$psql_url" -Atc "SELECT count(*) FROM invoice_lines") lines"

# The anchor: the same statements straight from pgbench, same concurrency, same database.
echo "== pgbench, the probe's statements as one transaction, 16 connections, ${seconds}s"
before=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices")
pgbench -n -M prepared -c 16 -j 2 -T "$seconds" -f "$data/submission.sql" "$psql_url" >"$data/pgbench.out" 2>&1 ||
    { cat "$data/pgbench.out"; echo "pgbench failed"; exit 1; }
after=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices")
pgbench_tps=$(awk '$1 == "tps" {printf "%.0f", $3; exit}' "$data/pgbench.out")
processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$data/pgbench.out")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$data/pgbench.out")
latency=$(sed -n 's/^latency average = //p' "$data/pgbench.out")
echo "  tx/s $pgbench_tps  latency average $latency  transactions $processed  failed ${failed:-0}"
echo "== pgbench stored: $((after - before)) new invoices for $processed transactions"
if [ "$((after - before))" != "$processed" ] || [ "${failed:-0}" != 0 ] || [ -z "$pgbench_tps" ]; then
    cat "$data/pgbench.out"
    echo "pgbench did not commit one new invoice per transaction"
    exit 1
fi
share=$(awk -v p="$patron_rate" -v q="$pgbench_tps" 'BEGIN {printf "%.0f", 100 * p / q}')
echo "== Patron: $patron_rate invoices/s; the same statements straight from pgbench: $pgbench_tps tx/s; Patron reaches $share% of it"
offers_share=$(awk -v p="$offers_rate" -v q="$pgbench_tps" 'BEGIN {printf "%.0f", 100 * p / q}')
ratio=$(awk -v o="$offers_rate" -v p="$patron_rate" 'BEGIN {printf "%.1f", 100 * (p - o) / p}')
echo "== with offers claimed: $offers_rate invoices/s ($offers_share% of pgbench), $ratio% fewer than plain sales"
coupons_share=$(awk -v p="$coupons_rate" -v q="$pgbench_tps" 'BEGIN {printf "%.0f", 100 * p / q}')
coupons_ratio=$(awk -v o="$coupons_rate" -v p="$patron_rate" -v a="$again_rate" 'BEGIN {printf "%.1f", 100 * ((p + a) / 2 - o) / ((p + a) / 2)}')
echo "== with a coupon each: $coupons_rate invoices/s ($coupons_share% of pgbench), $coupons_ratio% fewer than plain sales (mean of $patron_rate before and $again_rate after)"
gift_share=$(awk -v p="$gift_rate" -v q="$pgbench_tps" 'BEGIN {printf "%.0f", 100 * p / q}')
gift_ratio=$(awk -v g="$gift_rate" -v p="$patron_rate" -v a="$again_rate" 'BEGIN {printf "%.1f", 100 * ((p + a) / 2 - g) / ((p + a) / 2)}')
echo "== paid with a gift card: $gift_rate invoices/s ($gift_share% of pgbench), $gift_ratio% fewer than plain sales (mean of $patron_rate before and $again_rate after)"
# Memory (issue 25, target: under 150 MB): the server's resident size now and at its peak, after
# every case above ran against it at 16 tills (the kernel's VmRSS and VmHWM of the process).
rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$server/status")
peak=$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$server/status")
echo "== patron serve resident size: $rss MB now, $peak MB at its peak (load $(cut -d' ' -f1 /proc/loadavg))"
