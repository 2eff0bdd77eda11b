#!/usr/bin/env bash
# Measures the synthetic corpus: how long `dateline demo --articles N` takes,
# how big the database gets, and whether the article page of the N-th
# synthetic article answers as fast as the first one's.
#
#   bench/corpus.sh [N] [DATA_DIR]       (default N=100000, DATA_DIR=a fresh temporary directory)
#
# Uses the release binary (built if needed) and wrk (Debian package `wrk`).
set -euo pipefail
cd "$(dirname "$0")/.."
# Where cargo puts release builds (CARGO_TARGET_DIR, as CI sets, or ./target).
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
n=${1:-100000}
data=${2:-$(mktemp -d /tmp/dateline-corpus.XXXXXX)}
port=${BENCH_PORT:-18080}
cargo build --release --quiet
bin=$release/dateline

echo "== dateline demo --articles $n (data: $data)"
start=$(date +%s.%N)
"$bin" demo --data "$data" --articles "$n" --seed 1 >/dev/null
end=$(date +%s.%N)
wall=$(echo "$end - $start" | bc)
db_bytes=$(du -cb "$data"/dateline.db* | tail -1 | cut -f1)
printf 'wall time: %.1f s (%.0f articles/s)\n' "$wall" "$(echo "$n / $wall" | bc -l)"
printf 'database: %.1f MiB (%.1f KiB per article)\n' "$(echo "$db_bytes / 1048576" | bc -l)" "$(echo "$db_bytes / 1024 / $n" | bc -l)"

# Built now, not by the server in the background while it is measured.
[ -f "$data/search/meta.json" ] || "$bin" reindex --data "$data" >/dev/null
DATELINE_LOG=warn "$bin" serve --data "$data" --listen "127.0.0.1:$port" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

# The synthetic articles are the ones with a corpus label; ids follow insertion order.
first=$(sqlite3 "$data/dateline.db" "select min(id) from articles where corpus_label is not null")
last=$(sqlite3 "$data/dateline.db" "select max(id) from articles where corpus_label is not null")
path_of() {
  sqlite3 "$data/dateline.db" "select '/' || s.slug || '/' || a.slug || '-' || a.id from articles a join sections s on s.id = a.section_id where a.id = $1"
}
measure() {
  wrk -t1 -c4 -d5s "http://127.0.0.1:$port$1" | awk '/Requests\/sec/ {print $2} /Latency/ && !done {print $2; done=1}' | paste -sd' '
}
read -r lat_first rps_first <<<"$(measure "$(path_of "$first")")"
read -r lat_last rps_last <<<"$(measure "$(path_of "$last")")"
echo "article page of synthetic article 1 (id $first):  $rps_first req/s, mean latency $lat_first"
echo "article page of synthetic article $n (id $last): $rps_last req/s, mean latency $lat_last"
printf 'ratio last/first throughput: %.2f\n' "$(echo "$rps_last / $rps_first" | bc -l)"
