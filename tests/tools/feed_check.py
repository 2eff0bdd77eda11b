"""Checks one feed (file or URL) and prints a JSON verdict; exit 0 if sound.

XML feeds go through feedparser, whose `bozo` flag means not well-formed or
badly encoded, plus the required elements it does not insist on (RSS 2.0's
channel title/link/description, RFC 4287's id/title/updated and author).
JSON Feeds go through jsonfeedvalidator's schema (JSON Feed 1.0; the keys
1.1 added are set aside first) plus 1.1's required keys.
"""
import json
import sys
import urllib.request

import feedparser

JSON_FEED_11_ONLY = ("authors", "language")


def read(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=20) as response:
            return response.read(), response.headers.get("Content-Type", "")
    with open(source, "rb") as file:
        return file.read(), ""


def check_json_feed(raw):
    import jsonfeedvalidator

    try:
        feed = json.loads(raw)
    except ValueError as error:
        return "json", [f"not JSON: {error}"]
    errors = []
    version = str(feed.get("version", ""))
    if not version.startswith("https://jsonfeed.org/version/1"):
        errors.append(f"version {version!r} is not JSON Feed 1.x")
    errors += [f"no top-level {key}" for key in ("title", "items") if key not in feed]
    items = feed.get("items") or []
    for n, item in enumerate(items):
        if "id" not in item:
            errors.append(f"items[{n}] has no id")
        if "content_html" not in item and "content_text" not in item:
            errors.append(f"items[{n}] has neither content_html nor content_text")
    as_1_0 = {k: v for k, v in feed.items() if k not in JSON_FEED_11_ONLY}
    as_1_0["items"] = [{k: v for k, v in i.items() if k not in JSON_FEED_11_ONLY} for i in items]
    as_1_0["version"] = "https://jsonfeed.org/version/1"
    for error in jsonfeedvalidator.validate_feed(as_1_0) or []:
        errors.append("schema: /" + "/".join(map(str, error.path)) + ": " + error.message[:200])
    return "jsonfeed " + version.rsplit("/", 1)[-1], errors


def check_xml_feed(raw):
    parsed = feedparser.parse(raw)
    feed, entries, version = parsed.feed, parsed.entries, parsed.version or ""
    errors = []
    if parsed.bozo:
        errors.append(f"not well-formed: {type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}")
    if version.startswith("rss"):
        # feedparser files RSS's <description> under `subtitle`.
        for element, key in (("title", "title"), ("link", "link"), ("description", "subtitle")):
            if not feed.get(key):
                errors.append(f"the channel has no <{element}>")
        for n, entry in enumerate(entries):
            if not (entry.get("title") or entry.get("summary")):
                errors.append(f"item {n} has neither <title> nor <description>")
    elif version.startswith("atom"):
        errors += [f"the feed has no <{k}>" for k in ("id", "title", "updated") if not feed.get(k)]
        if not feed.get("author") and not all(e.get("author") for e in entries):
            errors.append("neither the feed nor every entry has an <author>")
        for n, entry in enumerate(entries):
            errors += [f"entry {n} has no <{k}>" for k in ("id", "title", "updated") if not entry.get(k)]
    else:
        errors.append("neither RSS nor Atom")
    return version or "unknown", errors


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    raw, content_type = read(sys.argv[1])
    is_json = raw.lstrip()[:1] in (b"{", b"[") or "json" in content_type
    kind, errors = check_json_feed(raw) if is_json else check_xml_feed(raw)
    print(json.dumps({"source": sys.argv[1], "format": kind, "errors": errors, "ok": not errors}))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
