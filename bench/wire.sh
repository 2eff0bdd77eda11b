#!/usr/bin/env bash
# Wire intake throughput on SQLite: a synthetic stream of agency copy (ninjs
# collections and NewsML-G2 news messages, one item in five a new version
# and one in five another agency's copy of a story already in), read,
# signed, clustered and stored. The reference, measured in the same run, is
# reading alone.
#
#   bench/wire.sh [ITEMS] [PER_DOCUMENT]     (defaults 20,000 and 50)
set -euo pipefail
cd "$(dirname "$0")/.."
# Where cargo puts release builds (CARGO_TARGET_DIR, as CI sets, or ./target).
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
cargo build --release --quiet --example wire
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
$release/examples/wire "${1:-20000}" "${2:-50}"
