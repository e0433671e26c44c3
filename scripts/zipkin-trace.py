#!/usr/bin/env python3
"""Prints, as an indented tree, the trace Zipkin holds for one request, found by its x-request-id (Envoy tags
every span with it as guid:x-request-id). Waits until the span count stops growing: spans arrive from every
sidecar and app separately, each batched for up to a second.

  scripts/zipkin-trace.py REQUEST_ID [--zipkin http://127.0.0.1:9411] [--timeout 20]
  scripts/zipkin-trace.py REQUEST_ID --jaeger http://TRACING/jaeger
        the same tree from Jaeger's query API (a cluster with Istio's samples/addons/jaeger.yaml: the Service
        "tracing"), its spans read as Zipkin's; the sidecars' Envoy flushes its spans every 5 s, so the span
        count must stay the same for 6 s (--settle) before the trace counts as complete
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


def jaeger_traces(jaeger, request_id):
    """Jaeger's traces for the tag, each as a list of Zipkin-shaped spans (id, parentId, kind, ...)."""
    found = []
    # Jaeger searches per service: the ingress gateway's for requests from outside, gateway-service's sidecar
    # for requests from inside the mesh
    for service in ("istio-ingressgateway.istio-system", "gateway-service.default"):
        query = urllib.parse.urlencode({"service": service, "lookback": "1h", "limit": 10,
                                        "tags": json.dumps({"guid:x-request-id": request_id})})
        with urllib.request.urlopen(f"{jaeger}/api/traces?{query}", timeout=5) as response:
            found = json.load(response).get("data") or []
        if found:
            break
    result = []
    for trace in found:
        spans = []
        for span in trace["spans"]:
            tags = {t["key"]: t["value"] for t in span.get("tags", [])}
            parent = next((r["spanID"] for r in span.get("references", []) if r["refType"] == "CHILD_OF"), None)
            spans.append({"traceId": span["traceID"], "id": span["spanID"], "parentId": parent,
                          "kind": str(tags.get("span.kind", "")).upper(), "name": span["operationName"],
                          "timestamp": span["startTime"], "duration": span["duration"],
                          "localEndpoint": {"serviceName": trace["processes"][span["processID"]]["serviceName"]}})
        result.append(spans)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("request_id")
    parser.add_argument("--zipkin", default="http://127.0.0.1:9411")
    parser.add_argument("--jaeger", help="Jaeger's query API base, e.g. http://10.96.47.11/jaeger")
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--settle", type=float, help="seconds without a new span (1.5; 6 with --jaeger)")
    args = parser.parse_args()

    settle = args.settle or (6 if args.jaeger else 1.5)
    deadline = time.monotonic() + args.timeout
    found, count, stable_since = [], -1, time.monotonic()
    while time.monotonic() < deadline:
        found = jaeger_traces(args.jaeger, args.request_id) if args.jaeger else traces(args.zipkin, args.request_id)
        spans = sum(len(t) for t in found)
        if spans != count:
            count, stable_since = spans, time.monotonic()
        elif spans and time.monotonic() - stable_since >= settle:
            break
        time.sleep(0.2)
    if not found:
        sys.exit(f"no trace in {args.jaeger or args.zipkin} for x-request-id {args.request_id} within {args.timeout:.0f}s")

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
