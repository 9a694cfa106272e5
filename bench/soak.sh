#!/usr/bin/env bash
# Soak (issue 24, "Nothing lost"), rerunnable by anyone: SOAK_MINUTES (default 30) of mixed till
# and page traffic against a release `patron serve` on its embedded PostgreSQL with the demo data,
# with two faults on the way:
#   at 35 % of the time  PostgreSQL restarted (pg_ctl restart -m fast; Patron keeps running),
#   at 75 %              Patron killed with SIGKILL, started again 3 s later.
# Traffic (bench/soak.py drive): a till per demo store token submitting sales with fixed uuids
# (plain; with the coupon SOAK-LIMIT, Maximum Use 40; part paid with gift cards of known balance,
# two of which run dry), cancelling some of its own, retrying the unanswered ones as a till does,
# and calling coupons/validate, carts/evaluate, gift card lookups, customer creates and the
# customer change feed; a page worker signs in through the form (CSRF) and reads the home page,
# customers, customer pages and reports. Patron's VmRSS is sampled every 10 s.
# At the end (bench/soak.py check) it prints the figures and PASS/FAIL lines, and exits 1 on any
# FAIL: every sale answered 2xx stored exactly once and none half-written; resubmitting every
# attempted sale answers 200/201 (422 only for a coupon/gift card sale never accepted), never 409
# or 5xx; the coupon used no more than its limit; every gift card's balance equals its ledger (and
# the tills' own count); no 500 ever (503 only while PostgreSQL restarts, refused connections only
# while Patron is dead); RSS: for each Patron process, leaving out its first SOAK_RSS_WARMUP
# seconds (default 180: pools, threads and allocator arenas fill up, ~30 -> ~110 MiB, then flat),
# the median of the last third of its samples at most 25 % above the median of the first third (a
# process with fewer than 9 samples after its warm-up is reported SKIP: run longer to judge it).
# Needs curl, psql, python3. Usage: SOAK_MINUTES=30 bench/soak.sh (SOAK_PORT, default 18087)
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${SOAK_MINUTES:-30}"
port="${SOAK_PORT:-18087}"
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-$PWD/target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data=$(mktemp -d /var/tmp/patron-soak.XXXXXX)
chmod 755 "$data" # the embedded server may run as the postgres user, which must reach it
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
psql_url="postgres://postgres@/patron?host=$data/pgdata"
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
event() { echo "$(date +%s.%N) $*" >>"$data/events"; }
healthy() { # waits for /healthz to answer 200, at most 2 minutes
    local deadline=$(($(date +%s) + 120))
    until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz")" = 200 ]; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "FAIL  Patron did not answer /healthz within 2 minutes"; exit 1; }
        sleep 0.2
    done
}

server=""
driver=""
start_server() {
    "$patron" serve >>"$data/serve.log" 2>&1 &
    server=$!
    echo "$server" >"$data/patron.pid"
    event "patron_started pid=$server"
    healthy
    event patron_healthy
}
cleanup() {
    touch "$data/stop"
    [ -z "$driver" ] || kill "$driver" 2>/dev/null || true
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    wait 2>/dev/null || true
    as_postgres "$pgbin/pg_ctl -D $data/pgdata -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap cleanup EXIT

echo "== soak: $minutes min on $base, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$patron" seed --demo >"$data/seed.log"
awk '$2 ~ /^ptt_/ {print $1, $2}' "$data/seed.log" >"$data/tokens"
[ -s "$data/tokens" ] || { echo "no demo tokens printed"; exit 1; }
start_server
python3 bench/soak.py setup --base "$base" --psql "$psql_url" --tokens "$data/tokens" --out "$data/setup.json"

total=$((minutes * 60))
t0=$(date +%s)
at() { # at SECONDS: sleeps until that many seconds after the traffic started
    local left=$((t0 + $1 - $(date +%s)))
    [ "$left" -le 0 ] || sleep "$left"
}
event traffic_start
python3 bench/soak.py drive --setup "$data/setup.json" --data "$data" --out "$data/results.json" \
    --password "$PATRON_ADMIN_PASSWORD" &
driver=$!

at $((total * 35 / 100))
echo "== $(date +%T) PostgreSQL restart (pg_ctl restart -m fast), Patron keeps running"
event pg_restart
as_postgres "$pgbin/pg_ctl -D $data/pgdata -m fast -w -l $data/pgdata/restart.log restart" >/dev/null
event pg_restarted
healthy
event pg_healthy

at $((total * 75 / 100))
echo "== $(date +%T) SIGKILL of Patron (pid $server), started again 3 s later"
event kill
kill -9 "$server"
wait "$server" 2>/dev/null || true
sleep 3
start_server

at "$total"
event traffic_stop
touch "$data/stop"
wait "$driver"
driver=""
echo "== $(date +%T) traffic stopped; checking"
python3 bench/soak.py check --setup "$data/setup.json" --data "$data" --results "$data/results.json" \
    --warmup "${SOAK_RSS_WARMUP:-180}"
