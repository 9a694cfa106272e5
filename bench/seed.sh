#!/usr/bin/env bash
# Seeding speed: on a scratch database with the demo data and 1,000,000 customers, times
# `patron seed --invoices 2000000` (about 10,000,000 lines). Target (issue 5): under 5 minutes.
# Run it on an otherwise idle machine: the figure is CPU-bound on both cores.
# Usage: bench/seed.sh [invoices, default 2000000] [customers, default 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
invoices="${1:-2000000}"
customers="${2:-1000000}"

cargo build --release -q
data="$(mktemp -d /var/tmp/patron-seed.XXXXXX)"
chmod 755 "$data" # the embedded server may run as the postgres user, which must reach it
trap 'rm -rf "$data"' EXIT
export PATRON_DATA_DIR="$data" RUST_LOG=warn
patron=target/release/patron

$patron seed --demo >/dev/null
$patron seed --customers "$customers" >/dev/null 2>&1
echo "== patron seed --invoices $invoices (on $customers customers and the demo data)"
/usr/bin/time -f "seeding took %e s" $patron seed --invoices "$invoices" 2>&1 | tail -n 1
