#!/usr/bin/env bash
# Measures what a signed-in person waits for: the cost of one sign-in (argon2id) and the latency
# of the foundation's pages under load. Starts a release build of Patron on its own embedded
# PostgreSQL in a scratch folder, seeded with the demo data (`patron seed --demo` runs on first
# start), and stops it afterwards. Needs wrk and curl (apt-get install wrk curl).
# Usage: bench/pages.sh [seconds per page, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
port=18080
base="http://127.0.0.1:$port"

cargo build --release -q
data="$(mktemp -d /var/tmp/patron-bench.XXXXXX)"
chmod 755 "$data" # the embedded server may run as the postgres user, which must reach it
PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass \
    RUST_LOG=warn target/release/patron >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
# Benchmarks may wait for start-up; tests may not.
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done

jar="$data/cookies"
sign_in() {
    local token
    token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')
    curl -s -o /dev/null -w '%{time_total}\n' -c "$jar" -b "$jar" \
        --data-urlencode "csrf_token=$token" --data-urlencode "email=admin@example.com" \
        --data-urlencode "password=bench-admin-pass" "$base/login"
}
echo "== sign-in (POST /login, argon2id m=19456 t=2 p=1), 20 in a row, seconds each"
for _ in $(seq 20); do sign_in; done | sort -n | awk '{a[NR]=$1} END {printf "median %.3f  max %.3f\n", a[int(NR/2)+1], a[NR]}'

cookie=$(awk '$6 == "patron_session" {print $7}' "$jar")
for path in / /users /audit; do
    echo "== GET $path, 16 connections, ${seconds}s"
    wrk -t2 -c16 -d"${seconds}s" --latency -H "Cookie: patron_session=$cookie" "$base$path" |
        grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx'
done
