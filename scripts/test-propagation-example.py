#!/usr/bin/env python3
"""Runs the guide's non-Java example (docs/examples/propagate_headers.py, shown in docs/09-tracing.md) as a real
process between a real client and a real downstream on loopback, and checks that it does what the guide says:
every header of mesh-common's PropagatedHeaders reaches the downstream unchanged, nothing else is passed on,
and no trace header is made up when the caller sent none. Part of scripts/test.sh's docs stage.

  python3 scripts/test-propagation-example.py      last line: "propagation-example: N passed, N failed"
"""
import ast
import http.server
import json
import pathlib
import re
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "propagate_headers.py"
JAVA_LIST = ROOT / "mesh-common/src/main/java/org/meshguide/common/PropagatedHeaders.java"
START_DEADLINE_S = 10


def java_headers():
    """The header names PropagatedHeaders.java lists, in order: B3, then CARRIED_UNCHANGED."""
    source = JAVA_LIST.read_text(encoding="utf-8")
    names = []
    for field in ("B3", "CARRIED_UNCHANGED"):
        match = re.search(r"List<String> %s = List\.of\(([^)]*)\)" % field, source)
        if not match:
            raise AssertionError(f"{JAVA_LIST.relative_to(ROOT)}: no list {field}")
        names += re.findall(r'"([^"]+)"', match.group(1))
    return names


def example_headers():
    """The PROPAGATED list of the example, read without running it."""
    for node in ast.parse(EXAMPLE.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PROPAGATED" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{EXAMPLE.relative_to(ROOT)}: no PROPAGATED list")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Downstream(http.server.BaseHTTPRequestHandler):
    """Records the headers of every request it gets; answers 503 on /fail, else 200 with the headers as JSON."""
    received = []

    def do_GET(self):
        headers = {name.lower(): value for name, value in self.headers.items()}
        Downstream.received.append(headers)
        body = json.dumps(headers).encode()
        self.send_response(503 if self.path == "/fail" else 200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_example(downstream_url):
    """Starts the example as its own process and waits, with a deadline, until it listens."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(EXAMPLE)], cwd=ROOT, stderr=subprocess.PIPE,
                               env={"PORT": str(port), "DOWNSTREAM": downstream_url})
    deadline = time.monotonic() + START_DEADLINE_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError as e:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise AssertionError("the example did not listen on port %d within %d s: %s" % (
                    port, START_DEADLINE_S, process.stderr.read().decode(errors="replace"))) from e
            time.sleep(0.05)


def stop(process):
    process.terminate()
    process.wait(timeout=5)
    process.stderr.close()


def get(port, headers):
    """GET / on the example: (status, body)."""
    request = urllib.request.Request("http://127.0.0.1:%d/" % port, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class PropagationExampleTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.downstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Downstream)
        threading.Thread(target=cls.downstream.serve_forever, daemon=True).start()
        cls.downstream_url = "http://127.0.0.1:%d" % cls.downstream.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.downstream.shutdown()
        cls.downstream.server_close()

    def setUp(self):
        Downstream.received.clear()

    def call(self, headers, path="/api/data"):
        example, port = start_example(self.downstream_url + path)
        try:
            status, body = get(port, headers)
        finally:
            stop(example)
        self.assertEqual(len(Downstream.received), 1, "one downstream call per request")
        return status, body, Downstream.received[0]

    def test_the_example_lists_the_headers_of_propagated_headers_java(self):
        self.assertEqual(example_headers(), java_headers())

    def test_every_propagated_header_reaches_the_downstream_unchanged(self):
        sent = {name: "value-of-" + name for name in java_headers()}
        sent["x-b3-sampled"] = "1"
        sent["x-request-id"] = "3f2b8a4c-1d2e-4f60-9a7b-0c1d2e3f4a5b"
        status, _, received = self.call({**sent, "x-not-propagated": "private", "cookie": "session=secret"})
        self.assertEqual(status, 200)
        for name, value in sent.items():
            self.assertEqual(received.get(name), value, name)
        self.assertNotIn("x-not-propagated", received)
        self.assertNotIn("cookie", received)

    def test_no_trace_header_is_made_up_when_the_caller_sent_none(self):
        status, _, received = self.call({})
        self.assertEqual(status, 200)
        self.assertEqual([name for name in java_headers() if name in received], [])

    def test_a_downstream_error_status_goes_back_to_the_caller(self):
        status, body, received = self.call({"x-request-id": "failing-call"}, path="/fail")
        self.assertEqual(status, 503)
        self.assertEqual(json.loads(body)["x-request-id"], "failing-call")
        self.assertEqual(received["x-request-id"], "failing-call")


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print("propagation-example: %d passed, %d failed" % (result.testsRun - failed - len(result.skipped), failed))
    sys.exit(1 if failed or result.skipped else 0)
