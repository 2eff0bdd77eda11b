#!/usr/bin/env bash
# usage: validate-feed.sh FILE|URL — RSS 2.0, Atom 1.0 or JSON Feed 1.x.
# Prints one JSON verdict line; exit 0 when the feed has no errors.
. "$(dirname "$0")/env.sh"
[ $# -eq 1 ] || { echo "usage: $0 FILE|URL" >&2; exit 2; }
exec "$TOOLS_PYTHON" "$TOOLS_DIR/feed_check.py" "$1"
