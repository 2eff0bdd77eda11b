#!/usr/bin/env bash
# usage: structured-data.sh URL
# structured-data-testing-tool with its Google, Twitter and Facebook presets:
# schema.org types, the properties Google asks of a NewsArticle, og: and
# twitter: tags. It checks that they are there, not their values' formats.
# Its report goes to stderr; exit 0 when every check passes.
. "$(dirname "$0")/env.sh"
[ $# -eq 1 ] || { echo "usage: $0 URL" >&2; exit 2; }
exec "$TOOLS_NODE_MODULES/.bin/sdtt" --url "$1" --presets Google Twitter Facebook >&2
