#!/usr/bin/env python3
"""A stand-in for one of the guide's Spring Boot apps, for trying the local mesh without the jars.

Speaks the same contract the mesh relies on, with the Python standard library only:
  GET /actuator/health/readiness, /actuator/health/liveness  -> {"status":"UP"}
  GET /anything else -> JSON naming who answered, header x-served-by: <instance>;
      with --downstream URL it first calls URL through the HTTP proxy given by --proxy (the sidecar),
      forwarding the B3 / x-request-id headers, and embeds the answer.
  TCP --echo-port: answers every line with "<version> <line>".

  python3 mesh/standin.py --name business-v2 --version v2 --address 127.0.10.3 --port 18080 \
      --echo-port 19000 --proxy 127.0.0.1:15103 --downstream http://data-service:8080/
"""
import argparse
import json
import socketserver
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROPAGATED = ["x-request-id", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled",
              "x-b3-flags", "b3", "traceparent", "tracestate", "x-ot-span-context", "end-user"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--version", default="v1")
    p.add_argument("--address", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--echo-port", type=int, default=0)
    p.add_argument("--proxy", default="", help="host:port of the sidecar's HTTP proxy listener")
    p.add_argument("--downstream", default="", help="URL to call for every request (through --proxy)")
    a = p.parse_args()

    proxies = {"http": "http://" + a.proxy} if a.proxy else {}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            print("%s %s" % (self.address_string(), fmt % args), flush=True)

        def reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("x-served-by", a.name)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.startswith("/actuator/health"):
                return self.reply(200, {"status": "UP"})
            body = {"servedBy": a.name, "version": a.version, "path": self.path,
                    "host": self.headers.get("host"),
                    "headers": {h: self.headers.get(h) for h in PROPAGATED if self.headers.get(h)}}
            if a.downstream:
                req = urllib.request.Request(a.downstream)
                for h in PROPAGATED:
                    if self.headers.get(h):
                        req.add_header(h, self.headers.get(h))
                try:
                    with opener.open(req, timeout=5) as r:
                        body["downstream"] = {"status": r.status, "servedBy": r.headers.get("x-served-by"),
                                              "body": json.loads(r.read() or b"{}")}
                except Exception as e:  # report, never crash: the mesh tests look at the status
                    body["downstream"] = {"error": str(e)}
                    return self.reply(502, body)
            self.reply(200, body)

    if a.echo_port:
        class Echo(socketserver.StreamRequestHandler):
            def handle(self):
                for line in self.rfile:
                    self.wfile.write(("%s %s\n" % (a.version, line.decode().rstrip("\r\n"))).encode())

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        echo = socketserver.ThreadingTCPServer((a.address, a.echo_port), Echo)
        threading.Thread(target=echo.serve_forever, daemon=True).start()

    ThreadingHTTPServer.allow_reuse_address = True
    print("standin %s (%s) on %s:%d echo=%s proxy=%s" % (a.name, a.version, a.address, a.port, a.echo_port,
                                                        a.proxy or "-"), flush=True)
    ThreadingHTTPServer((a.address, a.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
