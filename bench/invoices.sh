#!/usr/bin/env bash
# Invoice submission at 16 concurrent tills, and what each kind of sale costs against a plain one,
# measured in interleaved slices so that every case runs on the same grown tables.
#
# Starts a release build on a scratch embedded database with the demo data, takes the demo
# terminal tokens, and prepares four cases of one five-line sale, every request a new sale (its
# own uuid and number):
#   plain      paid by card (issue 5: at least 800 invoices/s sustained, p99 under 50 ms);
#   offers     against 200 active auto offers, claiming an Item Price offer on the first line and
#              a free unit of a Give Product offer, both re-checked by the server (issue 12);
#   coupon     each sale using its own coupon for a coupon-based 5 % offer on the fourth line;
#   gift card  each paid with a gift card, 1,000 cards taken in turn so that concurrent sales
#              seldom queue on one card's row (issue 13);
# and the anchor: one probe sale is submitted with statement logging on, bench/statements.py turns
# the SQL it ran (between its BEGIN and COMMIT) into a pgbench script, every transaction of which
# is a new sale, and pgbench replays it at the same concurrency on the same database: what the
# HTTP layer, JSON, planning the sale and Diesel cost on top of the database work a sale needs
# anyway. (The terminal-token lookup and the pool's connection checks run outside the transaction,
# so they are Patron's side of the share. pgbench runs with -M prepared: each statement parsed and
# planned once per connection, as Diesel does with the statements it caches; see statements.py
# for what the replay still does differently.)
#
# Why slices (issue 25): run one after the other, the same plain sales lost ~17% between the first
# slot and the last (every case grows the tables, autovacuum catches up), so each later case was
# charged for its slot and the pgbench anchor, run last, was flattered. So the run is made of short
# slices of equal length: a plain slice to warm up, counted nowhere, then rounds of a plain slice
# and offers, coupon, gift card and pgbench, one slice each, and one more plain slice after the last
# round, so that every slice of a case has a plain slice on both sides, a few slices away at most. A
# slice of a case is held against the mean of those two plain slices (which ran on the same tables,
# give or take a few slices of growth), and a case's figure is the median of its per-slice ratios,
# given with their range; for pgbench the ratio is the other way round: the plain sales around it as
# a share of the replay. The order of the four after the plain slice turns by one each round (round
# 2 starts with coupon, round 3 with gift card, ...): in a fixed order, offers would always run
# right after a plain slice and pgbench right before one, and as the tables grow through a round the
# mean of the two plain slices stands for its middle, which would flatter the first case and charge
# the last; turning the order, every case takes every place in turn (all of them once in 4 rounds).
# Each slice's line gives the 1-minute load average at its end, and the summary the median of those
# beside each figure, so that a figure taken on a busy machine says so.
# Targets: offers, coupon and gift card sales each at most 10% fewer invoices/s than the plain
# slices around them; plain sales at least 90% of the pgbench replay of the same statements.
#
# Any answer but a 2xx, or any socket error or timeout, in any slice fails the run, naming the
# slice. After the rounds, and failing the run where they disagree: the sales stored against those
# answered, coupon uses counted against redemptions written, every gift card's balance against the
# sum of its ledger, one stored invoice per pgbench transaction (over all its slices). Then
# POST /api/v1/carts/evaluate at 4 connections for one slice (target p95 under 10 ms), and last
# the resident size of the server after all of it, and its peak (issue 25: under 150 MB).
#
# Needs wrk, curl, psql, pgbench, python3.
# Usage: bench/invoices.sh [seconds per slice, default 5] [rounds, default 6]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo;
# PATRON_BENCH_DIR=dir keeps the scratch data (the captured log and script, each slice's output
# under slices/, and slices.tsv) in dir.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/quiet.sh
say_what_else_runs
seconds="${1:-5}"
rounds="${2:-6}"
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$rounds" =~ ^[1-9][0-9]*$ ]] ||
    { echo "usage: bench/invoices.sh [seconds per slice, default 5] [rounds, default 6]"; exit 2; }
[ "$rounds" -le 800 ] || { echo "at most 800 rounds (a slice's number goes in 3 hex digits of each uuid)"; exit 2; }
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
# sale that wrk can send in any slice (BC-<round>-<thread>-<n>: 2,000 a second for each of wrk's
# two threads in each round's slice), each usable once, so that every sale counts a use.
psql "$psql_url" -qAt >/dev/null <<SQL
WITH made AS (INSERT INTO offers (company_id, title) VALUES ($company, 'BENCH COUPON') RETURNING id)
INSERT INTO offer_versions (offer_id, version, in_force_from, title, apply_on, apply_on_id,
    offer_type, valid_from, discount_type, discount_percentage, auto)
SELECT id, 1, now(), 'BENCH COUPON', 'item_code',
    (SELECT id FROM items WHERE item_code = (ARRAY[$codes])[4]), 'item_price', '2026-01-01',
    'percentage', 5, false FROM made;
INSERT INTO coupons (company_id, name, coupon_type, code, offer_id, maximum_use)
SELECT $company, 'Bench', 'promotional', 'BC-' || r || '-' || t || '-' || n,
    (SELECT id FROM offers WHERE title = 'BENCH COUPON'), 1
FROM generate_series(1, $rounds) r, generate_series(1, 2) t, generate_series(1, 2000 * $seconds) n;
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
# those lines; with coupons each sale uses its own coupon BC-<round>-<thread>-<n>, with gift_cards
# each is paid with one of the cards above, taken in turn. wrk's counter starts again in every
# run, so the slice's number (BENCH_SLICE, unique in the run) goes into each uuid and invoice
# number, and the round (BENCH_ROUND) into each coupon code; the uuid's first part, the time,
# keeps them apart from an earlier run's on a kept database. Its last line, RESULT, is what
# run_slice reads: rate, p50, p95, p99, sales answered, then each kind of error.
wrk_done='done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d %d %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests,
    e.status, e.connect, e.read, e.write, e.timeout))
end'
write_script() {
local coupon_part="" cards_part="" payment="{\"mode\": \"card\", \"amount\": \"$3\"}"
case "${5:-}" in
    coupons) coupon_part="'\"coupon_codes\": [\"BC-' .. round .. '-' .. tid .. '-' .. counter .. '\"], ' .." ;;
    gift_cards)
        cards_part="local cards = {$cards}"
        payment="{\"mode\": \"gift_card\", \"amount\": \"$3\", \"card\": \"' .. cards[(counter * 2 + tid) % #cards + 1] .. '\"}"
        ;;
esac
cat >"$1" <<LUA
local counter = 0
local threads = 0
local round = tonumber(os.getenv("BENCH_ROUND"))
local slice = tonumber(os.getenv("BENCH_SLICE"))
assert(round and slice, "BENCH_ROUND and BENCH_SLICE must be set")
$cards_part
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  local id = string.format("%08x-%04x-4%03x-8000-%012x", os.time() % 4294967296, tid, slice, counter)
  local body = '{"id": "' .. id .. '", "number": "B-' .. slice .. '-' .. tid .. '-' .. counter .. '", ' ..
    '"posted_at": "2026-11-20T14:03:00Z", ' ..
    $coupon_part
    '"lines": $2, ' ..
    '"payments": [$payment], ' ..
    '"totals": {"net_total": "$3", "discount_amount": "$4", "grand_total": "$3"}}'
  return wrk.format("POST", "/api/v1/invoices", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token"}, body)
end
$wrk_done
LUA
}
write_script "$data/plain.lua" "$body_lines" "$total" 0
write_script "$data/offers.lua" "$offer_lines" "$offer_total" "$offer_discount"
write_script "$data/coupon.lua" "$coupon_lines" "$coupon_total" "$coupon_discount" coupons
write_script "$data/gift_card.lua" "$body_lines" "$total" 0 gift_cards

# The probe: one submission of the same shape with every statement logged. Its uuid is new on
# every run, its number unmistakable in the log, so statements.py can find and vary both.
server_log="$data/pgdata/server.log"
prefix=$(psql "$psql_url" -Atc "SHOW log_line_prefix")
probe_uuid=$(python3 -c "import uuid; print(uuid.uuid4())")
probe_number="PROBE-${probe_uuid:0:8}"
probe_body='{"id": "'$probe_uuid'", "number": "'$probe_number'", "posted_at": "2026-11-20T14:03:00Z", '
probe_body+='"lines": '$body_lines', "payments": [{"mode": "card", "amount": "'$total'"}], '
probe_body+='"totals": {"net_total": "'$total'", "discount_amount": "0", "grand_total": "'$total'"}}'
# A sale of the same shape first, unlogged: the first sale after the server starts loads the
# company's offers into its cache (five more reads), which no later sale repeats.
warm_uuid=$(python3 -c "import uuid; print(uuid.uuid4())")
warm_body=${probe_body//$probe_uuid/$warm_uuid}
warm_body=${warm_body//$probe_number/WARM-${warm_uuid:0:8}}
status=$(curl -s -o "$data/warm.json" -w '%{http_code}' -X POST "$base/api/v1/invoices" \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d "$warm_body")
[ "$status" = 201 ] || { echo "the warm-up submission was answered $status:"; cat "$data/warm.json"; exit 1; }
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

# What is there before the rounds, to count what they add: the bench's sales are numbered B-...,
# pgbench's Q-... (statements.py), and the coupon case's coupons are coded BC-...
stored_before=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices WHERE number LIKE 'B-%'")
replayed_before=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices WHERE number LIKE 'Q-%'")

# One slice of a case. Its line goes to the screen, and "slice round case rate p99 load" to
# slices.tsv for the summary; each slice's own output stays under slices/.
mkdir -p "$data/slices"
: >"$data/slices.tsv"
slice=0
answered=0
coupon_answered=0
wrk_slices=0
replayed=0
fail_slice() {
    echo "!! slice $slice (round $1, $2): $3" >&2
    exit 1
}
# p99_of FILE...: the 99th percentile (nearest rank), in ms, of pgbench's per-transaction logs.
p99_of() {
    awk '$3 ~ /^[0-9]+$/ {print $3}' "$@" | sort -n |
        awk '{v[NR] = $1} END {i = int(NR * 0.99); if (i < NR * 0.99) i++; if (NR) printf "%.2f", v[i] / 1000}'
}
run_slice() {
    local round=$1 case=$2 out rate p99 load processed failed
    slice=$((slice + 1))
    out="$data/slices/$(printf %03d "$slice")-$case"
    if [ "$case" = pgbench ]; then
        pgbench -n -M prepared -c 16 -j 2 -T "$seconds" -l --log-prefix="$out" \
            -f "$data/submission.sql" "$psql_url" >"$out.out" 2>&1 ||
            { cat "$out.out" >&2; fail_slice "$round" "$case" "pgbench failed"; }
        rate=$(awk '$1 == "tps" {print $3; exit}' "$out.out")
        processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out.out")
        failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out.out")
        if [ -z "$rate" ] || [ -z "$processed" ] || [ "${failed:-0}" != 0 ]; then
            cat "$out.out" >&2
            fail_slice "$round" "$case" "pgbench gave no rate, or failed transactions"
        fi
        replayed=$((replayed + processed))
        p99=$(p99_of "$out".[0-9]*)
        rm -f "$out".[0-9]*
    else
        BENCH_ROUND=$round BENCH_SLICE=$slice wrk -t2 -c16 -d"${seconds}s" -s "$data/$case.lua" \
            "$base" >"$out.out" 2>&1 || { cat "$out.out" >&2; fail_slice "$round" "$case" "wrk failed"; }
        local requests status connect read write timeout
        read -r rate _ _ p99 requests status connect read write timeout \
            <<<"$(awk '$1 == "RESULT" {$1 = ""; print}' "$out.out")"
        if [ -z "$timeout" ] || grep -q 'Non-2xx' "$out.out" ||
            [ "$((status + connect + read + write + timeout))" != 0 ]; then
            cat "$out.out" >&2
            fail_slice "$round" "$case" "$status answers that were not 2xx; socket errors: $connect connect, $read read, $write write, $timeout timeouts (serve.log's tail: $(tail -n 3 "$data/serve.log" | tr '\n' ' '))"
        fi
        answered=$((answered + requests))
        wrk_slices=$((wrk_slices + 1))
        [ "$case" != coupon ] || coupon_answered=$((coupon_answered + requests))
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$slice" "$round" "$case" "$rate" "$p99" "$load" >>"$data/slices.tsv"
    printf '  slice %3d  %-8s %-10s %6.0f %-10s p99 %6.1f ms  load %s\n' "$slice" \
        "$([ "$round" = 0 ] && echo warm-up || echo "round $round")" "${case/_/ }" "$rate" \
        "$([ "$case" = pgbench ] && echo tx/s || echo invoices/s)" "$p99" "$load"
}

cases=(offers coupon gift_card pgbench)
echo "== $rounds rounds of ${seconds}s slices at 16 connections: plain, then the others, their order turned by one each round; a plain slice last"
# First a plain slice that counts for nothing (round 0): the server's pool opens its connections
# and each prepares its statements, PostgreSQL's and the kernel's caches fill; the first counted
# plain slice ran slower than the next ones without it.
run_slice 0 plain
for ((round = 1; round <= rounds; round++)); do
    run_slice "$round" plain
    for ((k = 0; k < ${#cases[@]}; k++)); do
        run_slice "$round" "${cases[(round - 1 + k) % ${#cases[@]}]}"
    done
done
run_slice "$rounds" plain

echo "== summary: each slice of a case against the mean of the plain slices right before and after it"
python3 - "$data/slices.tsv" <<'PY'
import statistics
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
slices = [(int(n), c, float(rate), float(p99), float(load))
          for n, r, c, rate, p99, load in rows if r != "0"]
plain = [s for s in slices if s[1] == "plain"]
labels = {"plain": "plain", "offers": "offers", "coupon": "coupon", "gift_card": "gift card",
          "pgbench": "pgbench replay"}
print(f"  {'case':<15}| {'median rate':<17} | {'median p99':>10} | {'to the plain around it':<27}| "
      f"{'range':<13}| {'load (median, range)':<21}| target met?")
for case in ("plain", "offers", "coupon", "gift_card", "pgbench"):
    mine = [s for s in slices if s[1] == case]
    ratios = []
    for n, _, rate, _, _ in mine:
        before = [p[2] for p in plain if p[0] < n]
        after = [p[2] for p in plain if p[0] > n]
        if case == "plain" or not before or not after:
            continue
        around = (before[-1] + after[0]) / 2
        ratios.append(around / rate if case == "pgbench" else rate / around)
    unit = "tx/s" if case == "pgbench" else "invoices/s"
    loads = [s[4] for s in mine]
    load = f"{statistics.median(loads):.1f} ({min(loads):.1f}-{max(loads):.1f})"
    if case == "plain":
        ratio, spread, met = "-", "-", "-"
    elif case == "pgbench":
        r = statistics.median(ratios)
        ratio = f"plain is {100 * r:.1f}% of it"
        met = f"at least 90%: {'yes' if r >= 0.9 else 'NO'}"
    else:
        r = statistics.median(ratios)
        ratio = f"{100 * r:.1f}% ({100 * (1 - r):.1f}% fewer)"
        met = f"at most 10% fewer: {'yes' if r >= 0.9 else 'NO'}"
    if ratios:
        spread = f"{100 * min(ratios):.1f}-{100 * max(ratios):.1f}%"
    print(f"  {labels[case]:<15}| {statistics.median(s[2] for s in mine):>6.0f} {unit:<10} | "
          f"{statistics.median(s[3] for s in mine):>7.1f} ms | {ratio:<27}| {spread:<13}| "
          f"{load:<21}| {met}")
first, last = plain[0][2], plain[-1][2]
print(f"  the plain slices went from {first:.0f} to {last:.0f} invoices/s over the run "
      f"({100 * (last - first) / first:+.1f}%): what a fixed order would charge to the later cases")
PY

# The checks. Sales still in flight when a slice ended may have been stored unanswered: at most
# one per connection (16) a slice. Each count is read in one snapshot.
stored=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices WHERE number LIKE 'B-%'")
stored=$((stored - stored_before))
echo "== sales: $answered answered 2xx by the slices, $stored stored (the rest in flight when a slice ended, at most 16 a slice)"
if [ "$stored" -lt "$answered" ] || [ "$stored" -gt "$((answered + 16 * wrk_slices))" ]; then
    echo "!! the sales stored do not match the sales answered"
    exit 1
fi
echo "== claimed offers recorded: $(psql "$psql_url" -Atc "SELECT count(*) FROM invoice_offers") uses"
read -r used redemptions bench_used <<<"$(psql "$psql_url" -AtF' ' -c "SELECT sum(used), (SELECT count(*) FROM coupon_redemptions), sum(used) FILTER (WHERE code LIKE 'BC-%') FROM coupons")"
echo "== coupons: $used uses counted, $redemptions redemptions; the coupon case's: $bench_used uses for $coupon_answered sales answered"
if [ "$used" != "$redemptions" ] || [ "$bench_used" -lt "$coupon_answered" ]; then
    echo "!! coupon uses counted do not match the redemptions, or fall short of the sales answered"
    exit 1
fi
read -r redeems astray <<<"$(psql "$psql_url" -AtF' ' -c "SELECT (SELECT count(*) FROM gift_card_entries WHERE kind = 'redeem'), (SELECT count(*) FROM gift_cards g WHERE g.balance <> (SELECT sum(e.amount) FROM gift_card_entries e WHERE e.card_id = g.id))")"
echo "== gift cards: $redeems redeems; cards whose balance is not the sum of their ledger: $astray"
[ "$astray" = 0 ] || { echo "!! gift card balances differ from their ledgers"; exit 1; }
stored_replays=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices WHERE number LIKE 'Q-%'")
stored_replays=$((stored_replays - replayed_before))
echo "== pgbench stored: $stored_replays new invoices for $replayed transactions over its slices"
[ "$stored_replays" = "$replayed" ] || { echo "!! pgbench did not commit one new invoice per transaction"; exit 1; }
echo "== stored: $(psql "$psql_url" -Atc "SELECT count(*) FROM invoices") invoices, $(psql "$psql_url" -Atc "SELECT count(*) FROM invoice_lines") lines"

echo "== POST /api/v1/carts/evaluate, the five lines, 4 connections, ${seconds}s"
cat >"$data/evaluate.lua" <<LUA
request = function()
  return wrk.format("POST", "/api/v1/carts/evaluate", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token"}, '{"lines": $body_lines, "posted_at": "2026-11-20T14:03:00Z"}')
end
$wrk_done
LUA
wrk -t2 -c4 -d"${seconds}s" -s "$data/evaluate.lua" "$base" >"$data/evaluate.out" 2>&1
read -r rate p50 p95 p99 _ status connect read write timeout \
    <<<"$(awk '$1 == "RESULT" {$1 = ""; print}' "$data/evaluate.out")"
if [ -z "$timeout" ] || grep -q 'Non-2xx' "$data/evaluate.out" ||
    [ "$((status + connect + read + write + timeout))" != 0 ]; then
    cat "$data/evaluate.out"
    echo "!! carts/evaluate: $status answers that were not 2xx, $((connect + read + write + timeout)) socket errors"
    exit 1
fi
echo "  carts/s $rate  p50 $p50 ms  p95 $p95 ms  p99 $p99 ms  load $(cut -d' ' -f1 /proc/loadavg)"

# Memory (issue 25, target: under 150 MB): the server's resident size now and at its peak, after
# every case above ran against it at 16 tills (the kernel's VmRSS and VmHWM of the process).
rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$server/status")
peak=$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$server/status")
echo "== patron serve resident size: $rss MB now, $peak MB at its peak (load $(cut -d' ' -f1 /proc/loadavg))"
