#!/usr/bin/env bash
# usage: validate-html.sh FILE|DIR
# The W3C Nu HTML Checker (vnu.jar from npm, on Debian's Java): errors only.
# Exit 0 when there are none, 1 with them listed.
set -uo pipefail
. "$(dirname "$0")/env.sh"
[ $# -eq 1 ] || { echo "usage: $0 FILE|DIR" >&2; exit 2; }
exec java -jar "$VNU_JAR" --errors-only --skip-non-html --format gnu --stdout "$1"
