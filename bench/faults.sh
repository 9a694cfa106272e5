#!/usr/bin/env bash
# Faults under load, rerunnable by anyone. Part 1: tills submit invoices (8 at a time), Patron is
# killed with SIGKILL midway and started again: every invoice that got a 2xx must be stored, none
# half-written (each has its 5 lines and its payment), and resubmitting every attempted invoice
# succeeds (201 new, 200 already there; never 409 or 5xx). Part 2: PostgreSQL is stopped under
# load and started again: requests answer 503 while it is down and 2xx after, without restarting
# Patron, and never 500. Needs curl, psql. Usage: bench/faults.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=18085
base="http://127.0.0.1:$port"

cargo build --release -q
data=$(mktemp -d /var/tmp/patron-faults.XXXXXX)
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
patron=$PWD/target/release/patron
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
psql_url="postgres://postgres@/patron?host=$data/pgdata"
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

$patron seed --demo >"$data/seed.log"
token=$(awk '$2 ~ /^ptt_/ {print $2; exit}' "$data/seed.log")
item=$(psql "$psql_url" -Atc "SELECT item_code || ' ' || standard_rate FROM items ORDER BY id LIMIT 1" 2>/dev/null ||
    true)

server=""
start_server() {
    $patron serve >>"$data/serve.log" 2>&1 &
    server=$!
    until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
}
cleanup() {
    touch "$data/stop"
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    wait 2>/dev/null || true
    as_postgres "$pgbin/pg_ctl -D $data/pgdata -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap cleanup EXIT
start_server
item=$(psql "$psql_url" -Atc "SELECT item_code || ' ' || standard_rate FROM items ORDER BY id LIMIT 1")
code=${item%% *}
rate=${item##* }
total=$(python3 -c "from decimal import Decimal as D; print((5 * 2 * D('$rate')).quantize(D('0.01')))")
line="{\"item_code\": \"$code\", \"qty\": \"2\", \"price_list_rate\": \"$rate\"}"

body() { # uuid -> the invoice, always the same for the same uuid
    printf '{"id": "%s", "number": "F-%s", "posted_at": "2026-11-20T14:03:00Z", "lines": [%s, %s, %s, %s, %s], "payments": [{"mode": "card", "amount": "%s"}], "totals": {"net_total": "%s", "grand_total": "%s"}}' \
        "$1" "${1:0:8}" "$line" "$line" "$line" "$line" "$line" "$total" "$total" "$total"
}
submit() { # uuid -> HTTP status
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $token" \
        -H 'content-type: application/json' -d "$(body "$1")" "$base/api/v1/invoices" || true
}
till() { # worker number: submits new invoices until told to stop, noting uuid and status
    while [ ! -e "$data/stop" ]; do
        id=$(cat /proc/sys/kernel/random/uuid)
        echo "$id $(submit "$id")" >>"$data/results-$1"
    done
}
load() { # seconds: 8 tills for that long
    rm -f "$data/stop"
    for w in 1 2 3 4 5 6 7 8; do till "$w" & done
}
stop_load() { touch "$data/stop"; wait $(jobs -p | grep -v "^$server\$") 2>/dev/null || true; }

echo "== part 1: SIGKILL under load"
load
sleep 3
kill -9 "$server"
sleep 1
stop_load
attempts=$(cat "$data"/results-* | wc -l)
accepted=$(cat "$data"/results-* | awk '$2 ~ /^2/' | wc -l)
echo "  attempts $attempts, answered 2xx $accepted, other: $(cat "$data"/results-* | awk '$2 !~ /^2/ {print $2}' | sort | uniq -c | tr '\n' ' ')"
start_server
missing=0
for id in $(cat "$data"/results-* | awk '$2 ~ /^2/ {print $1}'); do
    [ "$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices WHERE uuid = '$id'")" = 1 ] || missing=$((missing + 1))
done
half=$(psql "$psql_url" -Atc "SELECT count(*) FROM invoices i WHERE number LIKE 'F-%' AND (
    (SELECT count(*) FROM invoice_lines l WHERE l.invoice_id = i.id) <> 5 OR
    (SELECT count(*) FROM invoice_payments p WHERE p.invoice_id = i.id) <> 1)")
echo "  2xx but not stored: $missing; half-written: $half"
codes=$(for id in $(cat "$data"/results-* | awk '{print $1}'); do submit "$id"; echo; done | sort | uniq -c | tr '\n' ' ')
echo "  resubmitting every attempt: $codes"
[ "$missing" = 0 ] && [ "$half" = 0 ] && ! grep -qE '(409|5[0-9][0-9])' <<<"$codes" || { echo "  FAILED"; exit 1; }

echo "== part 2: PostgreSQL stopped under load, then started"
rm -f "$data"/results-*
load
sleep 2
as_postgres "$pgbin/pg_ctl -D $data/pgdata -m fast -w stop" >/dev/null
sleep 3
as_postgres "$pgbin/pg_ctl -D $data/pgdata -w -l $data/pgdata/restart.log start" >/dev/null
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
sleep 2
stop_load
echo "  answers while it stopped and started: $(cat "$data"/results-* | awk '{print $2}' | sort | uniq -c | tr '\n' ' ')"
after=$(tail -q -n 3 "$data"/results-* | awk '{print $2}' | sort | uniq -c | tr '\n' ' ')
echo "  last answers of each till after the restart: $after"
if cat "$data"/results-* | awk '{print $2}' | grep -q '^500$'; then echo "  FAILED: a 500"; exit 1; fi
grep -q 201 <<<"$after" || { echo "  FAILED: no success after the restart"; exit 1; }
echo "  Patron served again without a restart (pid $server still running: $(kill -0 "$server" && echo yes))"
