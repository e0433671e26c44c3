"""A service in any language, here Python's standard library: it copies the trace headers of each request it
receives to the request it sends downstream, which is all the mesh needs from it."""
import os
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# mesh-common's PropagatedHeaders: B3 for Envoy's zipkin tracer, then the ones carried unchanged
PROPAGATED = ["x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
              "x-request-id", "x-ot-span-context", "end-user"]
DOWNSTREAM = os.environ.get("DOWNSTREAM", "http://data-service:8080/api/data")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        headers = {name: self.headers[name] for name in PROPAGATED if name in self.headers}
        try:
            with urllib.request.urlopen(urllib.request.Request(DOWNSTREAM, headers=headers), timeout=5) as answer:
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as error:  # the downstream's error status goes back to the caller
            status, body = error.code, error.read()
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
