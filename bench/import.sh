#!/usr/bin/env bash
# Customer CSV import at scale: a file of N rows (default 100,000) is uploaded and checked, then
# imported in the background while the progress is read as the page reads it. Prints the time of
# the check (upload to preview) and of the run (start to done). Starts a release build on a
# scratch embedded database with the demo data. Needs curl and python3.
# Usage: bench/import.sh [rows, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-100000}"
port=18082
base="http://127.0.0.1:$port"

cargo build --release -q
data="$(mktemp -d /var/tmp/patron-bench.XXXXXX)"
chmod 755 "$data"
PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass \
    RUST_LOG=warn target/release/patron >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done

python3 - "$rows" >"$data/customers.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("First Name,Last Name,Customer Group,Territory,Email,Mobile Number,City,Credit Limit")
for i in range(n):
    print(f"Person,Number {i},VIP,Europe,person{i}@example.com,+44 20 {i:08d},London,{i % 5 * 100}")
PY
echo "== $(du -h "$data/customers.csv" | cut -f1) file, $rows rows"

jar="$data/cookies"
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=admin@example.com" --data-urlencode "password=bench-admin-pass" "$base/login"
token=$(curl -s -c "$jar" -b "$jar" "$base/customers/import" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p')

start=$(date +%s.%N)
page=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" -F "file=@$data/customers.csv;type=text/csv" \
    "$base/customers/import?csrf_token=$token")
checked=$(date +%s.%N)
echo "== check (upload, parse, validate, store): $(python3 -c "print(f'{$checked - $start:.1f} s')") -> $page"
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" --data-urlencode "mode=all" "$page/run"
polls=0
while true; do
    status=$(curl -s -b "$jar" -H "HX-Request: true" "$page")
    if grep -q 'id="import-result"' <<<"$status"; then break; fi
    polls=$((polls + 1))
    sleep 0.5
done
done_at=$(date +%s.%N)
echo "== run (background, one transaction): $(python3 -c "print(f'{$done_at - $checked:.1f} s')"), progress polled $polls times"
grep -o 'Imported [0-9]* customer(s)' <<<"$status" || grep -o 'id="import-result"[^<]*' <<<"$status"
