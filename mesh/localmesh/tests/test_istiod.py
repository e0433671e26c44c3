"""Reading istiod's debug endpoints, and waiting on them, against a real HTTP server that answers as istiod
and an Envoy admin endpoint would."""
import http.server
import json
import threading
import time

import pytest

from localmesh import istiod, xds
from localmesh.console import MeshError

NONCE_UUID = "0123456789abcdef0123456789abcdef0123"


def nonce(counter):
    return "2026-12-07T10:00:00Z/%d%s" % (counter, NONCE_UUID)


def syncz(proxy, counter, acked=None, error=""):
    return {"proxy": proxy, "resources": {
        url: {"sent": nonce(counter), "acked": nonce(counter if acked is None else acked), "lastError": error,
              "sentTime": "2026-12-07T10:00:00.5Z"}
        for url in ("type.googleapis.com/envoy.config.cluster.v3.Cluster",
                    "type.googleapis.com/envoy.config.listener.v3.Listener")}}


class FakeIstiod:
    """istiod's /debug/syncz and an Envoy's admin endpoint on one real port; answers are set by the test."""

    def __init__(self):
        self.answers = {}
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                body = owner.answers.get(path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(200)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.plan = {"istiod": {"debug": url}, "proxies": [
            {"name": "envoy-a", "proxyId": "a.default", "admin": url}]}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    server = FakeIstiod()
    yield server
    server.close()


def test_the_push_counter_is_read_from_the_nonce():
    assert istiod.push_counter(nonce(42)) == 42
    assert istiod.push_counter("") == -1
    assert istiod.push_counter("short") == -1


def test_go_times_are_read_with_their_fraction_and_the_zero_time_is_none():
    assert istiod.parse_time("1970-01-01T00:00:01.25Z") == 1.25
    assert istiod.parse_time("0001-01-01T00:00:00Z") is None


def test_a_proxy_is_unsynced_until_it_acked_what_was_sent_and_a_nack_is_reported_with_its_error():
    plan = {"proxies": [{"name": "envoy-a", "proxyId": "a"}, {"name": "envoy-b", "proxyId": "b"},
                        {"name": "envoy-c", "proxyId": "c"}]}
    state = istiod.sync_state([syncz("a", 3, acked=2), syncz("b", 3, error="listener bind failed")])
    missing, unsynced, nacks = istiod.sync_problems(plan, state)
    assert missing == ["envoy-c"]
    assert unsynced == ["envoy-a CDS", "envoy-a LDS"]
    assert nacks == ["envoy-b CDS: listener bind failed", "envoy-b LDS: listener bind failed"]
    assert state["a"]["counter"] == 3


def test_waiting_ends_once_every_proxy_acked(fake):
    fake.answers["/debug/syncz"] = [syncz("a.default", 5)]
    state = xds.wait_synced(fake.plan, timeout=5, quiet=True)
    assert state["a.default"]["counter"] == 5


def test_a_nack_fails_the_wait_at_once(fake):
    fake.answers["/debug/syncz"] = [syncz("a.default", 5, error="Proto constraint validation failed")]
    start = time.time()
    with pytest.raises(MeshError, match=r"(?s)NACK from Envoy .*envoy-a CDS: Proto constraint validation failed"):
        xds.wait_synced(fake.plan, timeout=30, quiet=True)
    assert time.time() - start < 5


def test_a_proxy_that_never_connects_fails_the_wait_at_its_deadline(fake):
    fake.answers["/debug/syncz"] = []
    start = time.time()
    with pytest.raises(MeshError, match=r"not synced within 1s: waiting: not connected \['envoy-a'\]"):
        xds.wait_synced(fake.plan, timeout=1, quiet=True)
    assert 1 <= time.time() - start < 5


def test_an_envoy_that_rejected_an_update_fails_at_once(fake):
    fake.answers["/stats"] = "cluster_manager.cds.update_rejected: 1\nlistener_manager.lds.update_rejected: 0\n"
    fake.answers["/ready"] = "LIVE"
    with pytest.raises(MeshError, match="envoy-a cluster_manager.cds.update_rejected=1"):
        xds.wait_envoys(fake.plan, timeout=30)
    xds.wait_envoys(fake.plan, timeout=1, baseline={"envoy-a": {"cluster_manager.cds.update_rejected": 1}})


def test_a_config_path_is_found_only_as_a_whole_value(fake):
    fake.answers["/config_dump"] = json.dumps(
        {"metadata": "/apis/networking.istio.io/v1/namespaces/default/virtual-service/gateway-service-ingress"})
    found = istiod.envoys_referencing(fake.plan, [
        "/apis/networking.istio.io/v1/namespaces/default/virtual-service/gateway-service",
        "/apis/networking.istio.io/v1/namespaces/default/virtual-service/gateway-service-ingress"])
    assert list(found.values()) == [[], ["envoy-a"]]


DATA_SERVICE = "data-service.default.svc.cluster.local"
CLUSTERS = """outbound|8080||%s::observability_name::outbound|8080||%s
outbound|8080||%s::127.0.10.4:8080::cx_active::0
outbound|8080||%s::127.0.10.5:8080::cx_active::2
outbound|8080||data-service-canary.default.svc.cluster.local::127.0.10.6:8080::cx_active::0
""" % (DATA_SERVICE, DATA_SERVICE, DATA_SERVICE, DATA_SERVICE)


def test_an_endpoint_is_found_in_its_own_service_s_cluster_only():
    assert istiod.cluster_has_endpoint(CLUSTERS, DATA_SERVICE, "127.0.10.4") == (True, True)
    assert istiod.cluster_has_endpoint(CLUSTERS, DATA_SERVICE, "127.0.10.6") == (True, False)
    assert istiod.cluster_has_endpoint(CLUSTERS, DATA_SERVICE, "127.0.10.40") == (True, False)
    assert istiod.cluster_has_endpoint(CLUSTERS, "business.default.svc.cluster.local", "127.0.10.4") == (
        False, False)


def test_envoys_with_an_endpoint_are_read_from_their_clusters(fake):
    fake.answers["/clusters"] = CLUSTERS
    assert istiod.envoys_with_endpoint(fake.plan, DATA_SERVICE, "127.0.10.5") == (["envoy-a"], ["envoy-a"])
    assert istiod.envoys_with_endpoint(fake.plan, DATA_SERVICE, "127.0.10.9") == (["envoy-a"], [])
    del fake.answers["/clusters"]
    assert istiod.envoys_with_endpoint(fake.plan, DATA_SERVICE, "127.0.10.5") == ([], [])
