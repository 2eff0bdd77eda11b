#!/usr/bin/env bash
# Moving a site in: a synthetic WordPress export of POSTS posts
# (bench/make_wxr.py) imported into an empty site on SQLite by the release
# binary, with its peak memory. The reference, in the same run, is the dry
# run: the same file read, checked and mapped, nothing stored.
#
#   bench/import.sh [POSTS]     (default 100,000)
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-100000}
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
cargo build --release --quiet
bin=$release/dateline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/make_wxr.py "$posts" "$work/export.xml"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "export: $posts posts, $(du -m "$work/export.xml" | cut -f1) MB"
# Seconds and peak resident KiB of one run.
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null
  cat "$work/time"
}
read -r dry_s dry_kib < <(measure "$bin" import wordpress "$work/export.xml" --dry-run --data "$work/dry" --report "$work/dry.txt")
read -r run_s run_kib < <(measure "$bin" import wordpress "$work/export.xml" --data "$work/site" --report "$work/run.txt")
read -r again_s again_kib < <(measure "$bin" import wordpress "$work/export.xml" --data "$work/site" --report "$work/again.txt")
rate() { awk -v n="$posts" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
printf '%-22s %8s %10s %12s\n' run seconds posts/s "peak RSS MiB"
printf '%-22s %8s %10s %12s\n' "dry run (reference)" "$dry_s" "$(rate "$dry_s")" "$((dry_kib / 1024))"
printf '%-22s %8s %10s %12s\n' "import" "$run_s" "$(rate "$run_s")" "$((run_kib / 1024))"
printf '%-22s %8s %10s %12s\n' "re-run (unchanged)" "$again_s" "$(rate "$again_s")" "$((again_kib / 1024))"
awk -v a="$run_s" -v b="$dry_s" 'BEGIN { printf "import / dry run: %.2f× the time\n", a / b }'
