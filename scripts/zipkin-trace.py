#!/usr/bin/env python3
"""Prints, as an indented tree, the trace Zipkin holds for one request, found by its x-request-id (Envoy tags
every span with it as guid:x-request-id). Waits until the span count stops growing: spans arrive from every
sidecar and app separately, each batched for up to a second.

  scripts/zipkin-trace.py REQUEST_ID [--zipkin http://127.0.0.1:9411] [--timeout 20]
"""
import argparse
import json
import sys
import time
import urllib.parse
import urllib.request


def traces(zipkin, request_id):
    query = urllib.parse.urlencode({"annotationQuery": f"guid:x-request-id={request_id}", "lookback": 3600000,
                                    "limit": 10})
    with urllib.request.urlopen(f"{zipkin}/api/v2/traces?{query}", timeout=5) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("request_id")
    parser.add_argument("--zipkin", default="http://127.0.0.1:9411")
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()

    deadline = time.monotonic() + args.timeout
    found, count, stable_since = [], -1, time.monotonic()
    while time.monotonic() < deadline:
        found = traces(args.zipkin, args.request_id)
        spans = sum(len(t) for t in found)
        if spans != count:
            count, stable_since = spans, time.monotonic()
        elif spans and time.monotonic() - stable_since >= 1.5:
            break
        time.sleep(0.2)
    if not found:
        sys.exit(f"no trace in {args.zipkin} for x-request-id {args.request_id} within {args.timeout:.0f}s")

    print(f"{len(found)} trace(s) for x-request-id {args.request_id}")
    for trace in found:
        ids = {span["id"] for span in trace}
        children = {}
        for span in trace:
            children.setdefault(span.get("parentId") if span.get("parentId") in ids else None, []).append(span)
        print(f"trace {trace[0]['traceId']}: {len(trace)} spans")

        def show(parent, depth, children=children):
            for span in sorted(children.get(parent, []), key=lambda s: s.get("timestamp", 0)):
                service = span.get("localEndpoint", {}).get("serviceName", "?")
                print(f"{'  ' * depth}- {service} {span.get('kind', '')} {span.get('name', '')}"
                      f" ({span.get('duration', 0) / 1000:.1f} ms)")
                show(span["id"], depth + 1, children)

        show(None, 1)


if __name__ == "__main__":
    main()
