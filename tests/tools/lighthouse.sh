#!/usr/bin/env bash
# usage: lighthouse.sh URL REPORT.json
# Lighthouse in Debian's headless Chromium; writes its full report and prints
# the four category scores, e.g. {"performance":1,"accessibility":0.95,...}.
# Performance is simulated throttling: compare runs on one machine only.
set -uo pipefail
. "$(dirname "$0")/env.sh"
[ $# -eq 2 ] || { echo "usage: $0 URL REPORT.json" >&2; exit 2; }
"$TOOLS_NODE_MODULES/.bin/lighthouse" "$1" --quiet \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-dev-shm-usage" \
  --only-categories=performance,accessibility,best-practices,seo \
  --output=json --output-path="$2" || { echo "lighthouse failed on $1" >&2; exit 2; }
exec "$TOOLS_PYTHON" - "$2" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
if report.get("runtimeError"):
    print(json.dumps({"error": report["runtimeError"]}))
    sys.exit(2)
categories = ("performance", "accessibility", "best-practices", "seo")
print(json.dumps({name: report["categories"][name]["score"] for name in categories}))
PY
