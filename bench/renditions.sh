#!/usr/bin/env bash
# The media library's renditions against a reference made in the same run:
# ImageMagick making the same ladder from the same 4000 × 3000 JPEG.
#
#   bench/renditions.sh [RUNS]     (default 5)
#
# Prints Dateline's figures (median of RUNS: decode and orient, then every
# rendition in WebP and JPEG) and the reference's time for the same files.
# Needs: imagemagick and bc (Debian packages; installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
# Where cargo puts release builds (CARGO_TARGET_DIR, as CI sets, or ./target).
release=$(realpath -m "${CARGO_TARGET_DIR:-target}")/release
runs=${1:-5}
work=$(mktemp -d /tmp/dateline-renditions.XXXXXX)
trap 'rm -rf "$work"' EXIT
for tool in convert bc; do
  command -v "$tool" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends imagemagick bc >/dev/null; break; }
done
cargo build --release --quiet --example renditions
RENDITIONS_WRITE=$work/large.jpg $release/examples/renditions - 1 >/dev/null
echo "== Dateline (one picture at a time, as the renditions job works)"
dateline=$($release/examples/renditions "$work/large.jpg" "$runs")
echo "$dateline"

# The same files, by one ImageMagick process that decodes the picture once
# (as Dateline does): the whole picture at 320…1920 px and 16:9 and 1:1
# crops at 320, 640, 960 px, each as JPEG (quality 80) and WebP (quality 78).
reference() {
  local in=$1 out=$2 steps=()
  for w in 320 640 960 1280 1920; do
    steps+=( \( mpr:s -resize "${w}x" -quality 80 -write "$out/full-$w.jpg" -quality 78 -write "$out/full-$w.webp" +delete \) )
  done
  for w in 320 640 960; do
    steps+=( \( mpr:s -gravity center -crop 4000x2250+0+0 +repage -resize "${w}x" -quality 80 -write "$out/wide-$w.jpg" -quality 78 -write "$out/wide-$w.webp" +delete \) )
    steps+=( \( mpr:s -gravity center -crop 3000x3000+0+0 +repage -resize "${w}x" -quality 80 -write "$out/square-$w.jpg" -quality 78 -write "$out/square-$w.webp" +delete \) )
  done
  convert "$in" -auto-orient -strip -write mpr:s +delete "${steps[@]}" xc:none null:
}
echo "== Reference: ImageMagick $(convert -version | head -1 | awk '{print $3}'), the same 22 files"
times=()
for _ in $(seq "$runs"); do
  mkdir -p "$work/ref"
  start=$(date +%s.%N)
  reference "$work/large.jpg" "$work/ref"
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
  rm -rf "$work/ref"
done
ref=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
ours=$(echo "$dateline" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["read_s"] + d["renditions_s"])')
printf 'reference: %.3f s per picture (%.2f pictures/s)\n' "$ref" "$(echo "1 / $ref" | bc -l)"
printf 'Dateline:  %.3f s per picture (%.2f pictures/s), %.2f× the reference speed\n' \
  "$ours" "$(echo "1 / $ours" | bc -l)" "$(echo "$ref / $ours" | bc -l)"
