#!/usr/bin/env bash
# One gift card, many tills at once (issue 13): on the demo data a card holding 200.00 is issued
# through the till API, then N sales of 10.00 each paying with it are sent at the same moment (N
# threads, each with its own connection, released together by a barrier). Target: exactly 20
# accepted (201), the others 422 naming payments[0].card with the balance, no 5xx, the card's
# balance exactly 0.00 and its ledger adding up to it. Then 10 of the accepted sales are
# cancelled and N more sent at once: exactly 10 more accepted (a cancel gives back what its sale
# took, no more). Needs curl, psql, python3.
# Usage: bench/gift_cards.sh [sales at once, default 50]
# PATRON_BIN=path runs that binary instead of building target/release/patron with cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
sales="${1:-50}"
port=18089
base="http://127.0.0.1:$port"

patron="${PATRON_BIN:-target/release/patron}"
[ -n "${PATRON_BIN:-}" ] || cargo build --release -q
data="$(mktemp -d /var/tmp/patron-bench.XXXXXX)"
chmod 755 "$data" # the embedded server may run as the postgres user, which must reach it
export PATRON_DATA_DIR="$data" PATRON_BIND="127.0.0.1:$port" PATRON_ADMIN_PASSWORD=bench-admin-pass RUST_LOG=warn
$patron seed --demo >"$data/seed.log"
token=$(awk '$2 ~ /^ptt_/ {print $2; exit}' "$data/seed.log")
[ -n "$token" ] || { echo "no demo token printed"; exit 1; }

$patron serve >"$data/serve.log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT
until curl -sf "$base/healthz" >/dev/null; do sleep 0.2; done
psql_url="postgres://postgres@/patron?host=$data/pgdata"
sql() { psql "$psql_url" -v ON_ERROR_STOP=1 -Atq "$@"; }

item=$(sql -c "SELECT item_code FROM items WHERE active ORDER BY id LIMIT 1")
issued=$(curl -s -X POST "$base/api/v1/gift-cards" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" \
    -d '{"id": "'"$(python3 -c 'import uuid; print(uuid.uuid4())')"'", "initial_value": "200.00"}')
card=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["number"])' "$issued")
echo "== card $card issued: $issued"

# at_once FIRST: sends sales FIRST .. FIRST+N-1 together; prints how each was answered.
at_once() {
python3 - "$base" "$token" "$card" "$item" "$sales" "$1" <<'PY'
import collections, http.client, json, sys, threading, uuid
base, token, card, item, n, first = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
host, port = base.removeprefix("http://").split(":")
barrier = threading.Barrier(n)
answers = [None] * n
def sale(i):
    body = json.dumps({
        "id": str(uuid.UUID(int=(0xB0 << 120) + first + i)), "number": f"GC-{first + i}",
        "posted_at": "2026-11-20T14:03:00Z",
        "lines": [{"item_code": item, "qty": "1", "price_list_rate": "10.00"}],
        "payments": [{"mode": "gift_card", "amount": "10.00", "card": card}],
        "totals": {"net_total": "10.00", "grand_total": "10.00"}})
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.connect()
    barrier.wait()
    conn.request("POST", "/api/v1/invoices", body,
                 {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    answers[i] = (response.status, json.loads(response.read() or b"null"))
threads = [threading.Thread(target=sale, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
counts = collections.Counter(status for status, _ in answers)
print("  " + ", ".join(f"{status}: {count}" for status, count in sorted(counts.items())))
refusals = collections.Counter(
    (body.get("error", {}).get("fields", {}).get("payments[0].card", "")).split(",")[0]
    for status, body in answers if status == 422)
for message, count in refusals.items():
    print(f"  422 x{count}: {message}, ...")
print("accepted=" + " ".join(str(first + i) for i, (status, _) in enumerate(answers) if status == 201))
PY
}

check() {
    echo "  card: balance $(sql -c "SELECT balance FROM gift_cards WHERE number = '$card'"), ledger sum" \
        "$(sql -c "SELECT sum(e.amount) FROM gift_card_entries e JOIN gift_cards g ON g.id = e.card_id WHERE g.number = '$card'"),"\
        "$(sql -c "SELECT count(*) FROM gift_card_entries e JOIN gift_cards g ON g.id = e.card_id WHERE g.number = '$card' AND e.kind = 'redeem'") redeems," \
        "$(sql -c "SELECT count(*) FROM gift_card_entries e JOIN gift_cards g ON g.id = e.card_id WHERE g.number = '$card' AND e.kind = 'reversal'") reversals;" \
        "invoices paid with it: $(sql -c "SELECT count(*) FROM invoices i WHERE i.status = 'submitted' AND i.number LIKE 'GC-%'")"
}

echo "== $sales sales of 10.00 at once, each paying with the card"
at_once 1 | tee "$data/first.out" | grep -v '^accepted='
check
accepted=$(sed -n 's/^accepted=//p' "$data/first.out")
echo "== 10 of the accepted sales cancelled"
for n in $(echo "$accepted" | tr ' ' '\n' | head -n 10); do
    uuid=$(python3 -c "import uuid; print(uuid.UUID(int=(0xB0 << 120) + $n))")
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/invoices/$uuid/cancel" \
        -H "Authorization: Bearer $token")
    [ "$status" = 200 ] || { echo "cancel of sale $n answered $status"; exit 1; }
done
check
echo "== $sales more sales at once"
at_once 1001 | grep -v '^accepted='
check
