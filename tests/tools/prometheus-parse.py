"""usage: prometheus-parse.py < METRICS

Parses Prometheus's text format from stdin with the official Python
client's parser and prints every sample as one JSON object per line:
{"name", "labels", "value", "type"}. Exit 1 (with the parser's complaint)
if the text does not parse.
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError and others
        print(f"not Prometheus text format: {error}", file=sys.stderr)
        return 1
    for family in families:
        for sample in family.samples:
            print(json.dumps({"name": sample.name, "labels": sample.labels,
                              "value": sample.value, "type": family.type}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
