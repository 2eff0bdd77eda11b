#!/usr/bin/env bash
# usage: axe.sh URL... — axe-core on each page in Chromium (see axe.js). Its
# findings, one line per page, go to stderr; exit 0 when there are none.
. "$(dirname "$0")/env.sh"
[ $# -ge 1 ] || { echo "usage: $0 URL..." >&2; exit 2; }
node "$TOOLS_DIR/axe.js" "$@" >&2
