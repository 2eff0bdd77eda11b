#!/usr/bin/env bash
# usage: validate-sitemap.sh FILE
# xmllint against the sitemaps.org schemas, picked by the root element (a
# urlset also loads the news and image extensions: xsd/sitemap-all.xsd), and
# the protocol's limits of 50,000 entries and 50 MB. Exit 0 when valid.
set -uo pipefail
. "$(dirname "$0")/env.sh"
[ $# -eq 1 ] || { echo "usage: $0 FILE" >&2; exit 2; }
file=$1
root=$(xmllint --nonet --xpath 'local-name(/*)' "$file" 2>/dev/null)
case "$root" in
  urlset) schema=sitemap-all.xsd; entries=$(grep -o '<loc>' "$file" | wc -l) ;;
  sitemapindex) schema=siteindex.xsd; entries=$(grep -o '<sitemap>' "$file" | wc -l) ;;
  *) echo "$file: the root element '$root' is neither urlset nor sitemapindex" >&2; exit 1 ;;
esac
xmllint --noout --nonet --schema "$TOOLS_DIR/xsd/$schema" "$file"; status=$?
size=$(wc -c < "$file")
((size > 52428800)) && { echo "$file: $size bytes, over the 50 MB limit" >&2; status=1; }
((entries > 50000)) && { echo "$file: $entries entries, over the 50,000 limit" >&2; status=1; }
exit $status
