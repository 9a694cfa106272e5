#!/usr/bin/env bash
# Referrals at 100,000 registrations (issue 14): seeds a scratch embedded database with the demo
# data and `patron seed --referrals 100000` (new referred customers, one code per ten, both
# sides' coupons, an invoice for three in five), then
#  1. EXPLAIN ANALYZE of every statement registering a referred customer adds to a customer
#     create (code lookup, cap count, two coupons inserted unless their code is taken (no look
#     first) with their audit rows, the registration), in
#     a transaction rolled back (target: under 2 ms of execution in all);
#  2. GET /reports/referrals over the whole year, 10 times (target: under 500 ms).
# Needs curl and psql. Usage: bench/referrals.sh [registrations, default 100000]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
port=18094
base="http://127.0.0.1:$port"
patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="$(mktemp -d /var/tmp/patron-bench.XXXXXX)"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
$patron seed --demo >"$data/seed.log"
$patron seed --referrals "$n" | tail -1
$patron serve >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
url="postgres://postgres@/patron?host=$data/pgdata"
sql() { psql "$url" -qAtc "$1"; }

echo "== 1. Registering a referred customer: the statements it adds, EXPLAIN ANALYZE"
IFS='|' read -r code code_id referrer offer < <(sql "SELECT code || '|' || id || '|' || customer_id || '|' || customer_offer_id FROM referral_codes ORDER BY id DESC LIMIT 1")
explain="EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON)"
new="(SELECT id FROM nc)"
for run in 1 2 3; do
psql "$url" -qAt <<SQL | awk '/Execution Time/ {e += $3} /Planning Time/ {p += $3} END {printf "  run: execution %.3f ms, planning %.3f ms\n", e, p}'
BEGIN;
CREATE TEMP TABLE nc ON COMMIT DROP AS WITH m AS (INSERT INTO customers (first_name, last_name, customer_group_id, territory_id) SELECT 'Bench', 'New', min(g.id), min(t.id) FROM customer_groups g, territories t RETURNING id) SELECT id FROM m;
$explain SELECT mobile_digits, search_email, first_name, last_name FROM customers WHERE id = $new;
$explain SELECT r.*, c.mobile_digits, c.search_email FROM referral_codes r JOIN customers c ON c.id = r.customer_id WHERE r.code = '$code';
$explain UPDATE referral_codes SET registrations = registrations + 1 WHERE id = $code_id AND disabled = false AND (max_registrations IS NULL OR registrations < max_registrations);
$explain INSERT INTO coupons (company_id, name, coupon_type, offer_id, maximum_use, customer_id, code) VALUES (1, 'Referral welcome', 'gift_card', $offer, 1, $new, 'BENCHCODEA') ON CONFLICT (code, company_id) DO NOTHING RETURNING id;
$explain INSERT INTO audit_log (actor_label, entity, entity_id, action, after) VALUES ('bench', 'coupon', '1', 'create', '{}');
$explain INSERT INTO coupons (company_id, name, coupon_type, offer_id, maximum_use, customer_id, code) VALUES (1, 'Referral reward', 'gift_card', $offer, 1, $referrer, 'BENCHCODEB') ON CONFLICT (code, company_id) DO NOTHING RETURNING id;
$explain INSERT INTO audit_log (actor_label, entity, entity_id, action, after) VALUES ('bench', 'coupon', '2', 'create', '{}');
$explain INSERT INTO referral_registrations (referral_code_id, referrer_id, customer_id, customer_coupon_id, referrer_coupon_id) VALUES ($code_id, $referrer, $new, (SELECT max(id) - 1 FROM coupons), (SELECT max(id) FROM coupons));
ROLLBACK;
SQL
done

echo "== 2. GET /reports/referrals over a year ($n registrations)"
jar="$data/cookies"
csrf() { curl -s -c "$jar" -b "$jar" "$base$1" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p'; }
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$(csrf /login)" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=bench-admin-pass" "$base/login"
to=$(date -u +%F); from=$(date -u -d '-365 days' +%F)
for i in $(seq 1 10); do
    curl -s -o /dev/null -w "%{http_code} %{time_total}\n" -b "$jar" "$base/reports/referrals?from=$from&to=$to"
done | sort -k2 -n | awk '{t[NR] = $2; c[$1]++} END {printf "  median %.0f ms, max %.0f ms (statuses:", t[int((NR+1)/2)] * 1000, t[NR] * 1000; for (s in c) printf " %s x%d", s, c[s]; print ")"}'
