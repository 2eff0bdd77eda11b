#!/usr/bin/env bash
# Sitemaps at scale: with N synthetic articles, the time to render the
# sitemap index and each monthly sitemap cold (the first request after the
# server starts) and warm (from the page cache), their sizes and URL
# counts, and whether each stays within the format's limits.
#
#   bench/sitemaps.sh [N] [DATA_DIR]     (default N=100000; DATA_DIR reused if it holds a database)
#
# Uses the release binary (built if needed) and curl; validates with the
# tests/tools/validate-sitemap.sh when xmllint is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
# Where cargo puts release builds (CARGO_TARGET_DIR, as CI sets, or ./target).
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
n=${1:-100000}
data=${2:-$(mktemp -d /tmp/dateline-sitemaps.XXXXXX)}
port=${BENCH_PORT:-18090}
cargo build --release --quiet
bin=$release/dateline
if [ ! -f "$data/dateline.db" ]; then
  echo "== dateline demo --articles $n (data: $data)"
  "$bin" demo --data "$data" --articles "$n" --seed 1 >/dev/null
fi
# Built now, not by the server in the background while it is measured.
[ -f "$data/search/meta.json" ] || "$bin" reindex --data "$data" >/dev/null
DATELINE_LOG=warn "$bin" serve --data "$data" --listen "127.0.0.1:$port" >/dev/null &
server=$!
work=$(mktemp -d /tmp/dateline-sitemaps-out.XXXXXX)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

fetch() { curl -fs -o "$2" -w '%{time_total}' "http://127.0.0.1:$port$1"; }
check() {
  if command -v xmllint >/dev/null; then
    bash tests/tools/validate-sitemap.sh "$1" >/dev/null 2>&1 && echo valid || echo INVALID
  else
    echo unchecked
  fi
}
printf '%-28s %8s %8s %10s %8s %s\n' sitemap cold_ms warm_ms bytes urls verdict
report() {
  local path=$1 file=$work/$(echo "$1" | tr '/' '_')
  local cold warm
  cold=$(fetch "$path" "$file")
  warm=$(fetch "$path" "$file")
  printf '%-28s %8.1f %8.1f %10d %8d %s\n' "$path" "$(echo "$cold * 1000" | bc -l)" "$(echo "$warm * 1000" | bc -l)" \
    "$(wc -c <"$file")" "$(grep -o '<loc>' "$file" | wc -l)" "$(check "$file")"
}
report /sitemap.xml
grep -o "<loc>[^<]*</loc>" "$work/_sitemap.xml" | sed -e 's#<loc>http://[^/]*##' -e 's#</loc>##' | while read -r path; do
  report "$path"
done
