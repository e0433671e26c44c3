"""What loading mesh/topology.yaml refuses, and why each rule exists."""
import copy
import os

import pytest
import yaml

from localmesh import topology
from localmesh.console import MeshError
MESH = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

with open(os.path.join(MESH, "topology.yaml")) as f:
    GOOD = yaml.safe_load(f)


def changed(change):
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def test_the_repositorys_topology_loads():
    loaded = topology.parse(GOOD, "topology.yaml")
    assert [w.name for w in loaded.workloads][:2] == ["gateway-service", "business-v1"]
    assert loaded.service("business").port_named("tcp-echo").number == 9000
    assert loaded.ingress.gateway_config[0] == "istio/gateway-gateway-service-ingress.yaml"


def test_an_http_port_other_than_the_jvms_proxy_port_is_refused():
    """A JVM has one HTTP proxy, its sidecar's outbound listener on egressHttpPort."""
    data = changed(lambda d: d["services"][0]["ports"][0].update(number=8081))
    with pytest.raises(MeshError, match="gateway-service port 8081: every HTTP service port must be egressHttpPort"):
        topology.parse(data, "topology.yaml")


def test_an_address_used_twice_is_refused():
    data = changed(lambda d: d["workloads"][1].update(egressAddress=d["workloads"][0]["address"]))
    with pytest.raises(MeshError, match="address 127.0.10.1 used twice in topology.yaml"):
        topology.parse(data, "topology.yaml")


def test_a_workload_of_an_unknown_service_is_refused():
    data = changed(lambda d: d["workloads"][0].update(service="no-such-service"))
    with pytest.raises(MeshError, match="workload gateway-service is of service no-such-service"):
        topology.parse(data, "topology.yaml")


def test_a_missing_field_is_named():
    data = changed(lambda d: d.pop("istiod"))
    with pytest.raises(MeshError, match="topology.yaml: missing or malformed 'istiod'"):
        topology.parse(data, "topology.yaml")


def test_an_unset_tuning_key_keeps_the_shipped_setting():
    """scripts/bench.sh measures each lever against these defaults: what the local mesh shipped with."""
    loaded = topology.parse(changed(lambda d: d.update(tuning={"accessLog": False})), "topology.yaml")
    assert loaded.tuning == topology.Tuning(access_log=False)
    assert loaded.tuning.envoy_concurrency == 1
    assert loaded.tuning.jvm_options == ("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


def test_an_unknown_tuning_key_is_refused():
    """A misspelt lever would otherwise be measured as if it had been set."""
    data = changed(lambda d: d.update(tuning={"envoyConcurency": 2}))
    with pytest.raises(MeshError, match="unknown tuning setting.*envoyConcurency"):
        topology.parse(data, "topology.yaml")


@pytest.mark.parametrize("key, value, message", [
    ("envoyConcurrency", 0, "must be a whole number >= 1"),
    ("accessLog", "no", "must be true or false"),
    ("tracingSamplingPercentage", 101, "must be a percentage from 0 to 100"),
    ("jvmOptions", "-Xmx256m", "must be a list of strings"),
])
def test_a_malformed_tuning_value_is_refused(key, value, message):
    data = changed(lambda d: d.update(tuning={key: value}))
    with pytest.raises(MeshError, match="tuning.%s %s" % (key, message)):
        topology.parse(data, "topology.yaml")
