#!/usr/bin/env bash
# A till catching up on the customer change feed from scratch: pages through
# GET /api/v1/customers/changes?limit=1000 until has_more is false, one request after another
# (as a till does), and times the whole catch-up. Target (issue 5): 1,000,000 customers in under
# 15 s. Seeds the customers first unless PATRON_BENCH_DIR already holds them (bench/customers.sh
# makes the same database). Needs curl and python3.
# Usage: bench/feed.sh [customers, default 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
port=18084
base="http://127.0.0.1:$port"

cargo build --release -q
data="${PATRON_BENCH_DIR:-$(mktemp -d /var/tmp/patron-bench.XXXXXX)}"
chmod 755 "$data"
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
patron=target/release/patron

if [ ! -e "$data/seeded-$count" ]; then
    $patron seed --demo >/dev/null
    $patron seed --customers "$count"
    touch "$data/seeded-$count"
fi
$patron seed --demo >/dev/null # the demo stores, for a token (adds nothing when they exist)
token=$($patron token create --store DOWNTOWN --label "feed bench" | grep -o 'ptt_[0-9a-f]*' | head -n 1)

$patron serve >"$data/serve.log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    [ -n "${PATRON_BENCH_DIR:-}" ] || rm -rf "$data"
}
trap cleanup EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done

echo "== catching up on the customer feed, 1,000 per page"
# The client reads each page's bytes and takes `next` and `has_more` from its tail: Python's JSON
# decoder would otherwise be most of the time measured (a till decodes as it stores).
python3 - "$base" "$token" <<'PY'
import re, sys, time, urllib.request
base, token = sys.argv[1], sys.argv[2]
after, pages, customers, size = 0, 0, 0, 0
tail = re.compile(rb'"next":(\d+),"has_more":(true|false)}$')
started = time.monotonic()
while True:
    req = urllib.request.Request(f"{base}/api/v1/customers/changes?after={after}&limit=1000",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as res:
        body = res.read()
    pages += 1
    size += len(body)
    customers += body.count(b'"code":')
    found = tail.search(body)
    after = int(found.group(1))
    if found.group(2) == b"false":
        break
elapsed = time.monotonic() - started
print(f"  {customers:,} customers in {pages:,} pages ({size / 1e6:,.0f} MB): {elapsed:.1f} s "
      f"({customers / elapsed:,.0f} customers/s)")
PY
