#!/usr/bin/env bash
# Search at scale: with N synthetic articles, the indexing rate of
# `dateline reindex` and its peak memory, the index's size on disk, query
# latency (p50/p99 of a fixed mix of 1-, 2- and 3-word queries with and
# without filters, one at a time) and "More like this" precision@5 against
# the corpus's topic labels (examples/search.rs).
#
#   bench/search.sh [N] [DATA_DIR]     (default N=100000; DATA_DIR reused if it holds a database)
#
# Uses release builds (made if needed) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
# Where cargo puts release builds (CARGO_TARGET_DIR, as CI sets, or ./target).
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
n=${1:-100000}
data=${2:-$(mktemp -d /tmp/dateline-search.XXXXXX)}
command -v /usr/bin/time >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bin dateline --example search
bin=$release/dateline
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; corpus: $n synthetic articles + the demo"
if [ ! -f "$data/dateline.db" ]; then
  echo "== dateline demo --articles $n (data: $data)"
  "$bin" demo --data "$data" --articles "$n" --seed 1 >/dev/null
fi
echo "== dateline reindex"
DATELINE_LOG=warn /usr/bin/time -f 'reindex: %e s wall, peak RSS %M KiB' "$bin" reindex --data "$data" 2>&1 | grep -v '^\s*$' | tail -2
echo "index size: $(du -sh "$data/search" | cut -f1) ($(du -sk "$data/search" | cut -f1) KiB)"
echo "== queries"
$release/examples/search "$data" "${BENCH_QUERIES:-2000}" "${BENCH_SAMPLES:-500}"
