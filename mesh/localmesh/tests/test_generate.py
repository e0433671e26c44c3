"""The generator against mesh/topology.yaml: every file it writes, byte for byte, against a golden copy (review a
change of the generated config in the diff of golden/topology.txt; regenerate it with
`pytest mesh/localmesh/tests --update-golden`), and the properties the local mesh relies on, asserted on their
own so that a failure says which one broke."""
import json
import os
import shutil
import stat

import pytest
import yaml

from localmesh import topology as topology_module
from localmesh.console import MeshError
from localmesh.generate import generate
from localmesh.istiod import expected_endpoints
MESH = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ROOT = os.path.dirname(MESH)
TOPOLOGY = os.path.join(MESH, "topology.yaml")
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "topology.txt")
ISTIO_VERSION = "1.29.1"


def generated(run, standins=False, root=ROOT):
    generate(topology_module.load(TOPOLOGY), root, run, ISTIO_VERSION,
             os.path.join(root, ".tools", "zipkin", "zipkin-server.jar"), standins)
    return os.path.join(run, "config")


def listing(config, run):
    """Every generated file with its mode, paths as $ROOT and $RUN, in a stable order."""
    sections = []
    for directory, _, names in sorted(os.walk(config)):
        for name in sorted(names):
            path = os.path.join(directory, name)
            with open(path) as f:
                text = f.read().replace(run, "$RUN").replace(ROOT, "$ROOT")
            mode = stat.S_IMODE(os.stat(path).st_mode)
            sections.append("==> %s (%o) <==\n%s" % (os.path.relpath(path, config), mode, text))
    return "\n".join(sections)


def test_the_generated_config_is_the_golden_one(tmp_path, request):
    run = str(tmp_path / "run")
    actual = listing(generated(run), run)
    if request.config.getoption("--update-golden"):
        with open(GOLDEN, "w") as f:
            f.write(actual)
    with open(GOLDEN) as f:
        assert actual == f.read(), "generated config differs from %s (--update-golden after review)" % GOLDEN


def base_objects(config):
    base = os.path.join(config, "istio", "base")
    return {name: [d for d in yaml.safe_load_all(open(os.path.join(base, name))) if d]
            for name in sorted(os.listdir(base))}


def test_each_service_entry_selects_exactly_the_workloads_of_its_service(tmp_path):
    objects = [d for docs in base_objects(generated(str(tmp_path))).values() for d in docs]
    topology = topology_module.load(TOPOLOGY)
    endpoints = expected_endpoints(objects)
    for service in topology.services:
        addresses = {w.address for w in topology.workloads if w.service == service.name}
        assert endpoints[(topology.fqdn(service.name), "default")] == addresses
    assert endpoints[(topology.fqdn("istio-ingressgateway", "istio-system"), "istio-system")] == {
        topology.ingress.address}


def test_sidecars_bind_to_their_workload_and_forward_to_the_app_on_port_plus_offset(tmp_path):
    sidecars = [d for d in base_objects(generated(str(tmp_path)))["30-sidecars.yaml"] if d["kind"] == "Sidecar"]
    topology = topology_module.load(TOPOLOGY)
    assert [s["metadata"]["name"] for s in sidecars] == [w.name for w in topology.workloads]
    for sidecar, workload in zip(sidecars, topology.workloads, strict=True):
        for listener in sidecar["spec"]["ingress"]:
            assert listener["bind"] == workload.address
            assert listener["defaultEndpoint"] == "0.0.0.0:%d" % (listener["port"]["number"] + 10000)
        assert sidecar["spec"]["egress"][-1]["bind"] == workload.egress_address


def test_the_staged_files_sort_after_the_mesh_wide_policy(tmp_path):
    """The staged start adds files from 10- on once istiod is ready (localmesh.stage)."""
    names = list(base_objects(generated(str(tmp_path))))
    assert names[0] == "00-mesh-wide.yaml"
    assert all(name >= "10-" for name in names[1:])
    assert [d["kind"] for d in base_objects(generated(str(tmp_path)))["00-mesh-wide.yaml"]][:2] == [
        "PeerAuthentication", "Telemetry"]


def test_the_mesh_wide_files_of_the_cluster_are_base_config(tmp_path):
    """What topology.yaml lists under meshConfig is in the base config istiod starts with, so `reset` keeps it."""
    topology = topology_module.load(TOPOLOGY)
    assert topology.mesh_wide_files
    mesh_wide = base_objects(generated(str(tmp_path)))["00-mesh-wide.yaml"][2:]
    listed = []
    for source in topology.mesh_wide_files:
        listed += [d for d in yaml.safe_load_all(open(os.path.join(ROOT, source))) if d]
    assert [(d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]) for d in mesh_wide] == [
        (d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]) for d in listed]


def test_a_mesh_wide_file_that_does_not_exist_is_refused_by_name(tmp_path):
    root = tmp_path / "checkout"
    root.mkdir()
    with pytest.raises(MeshError, match="meshConfig lists istio/.*, which does not exist"):
        generated(str(tmp_path / "run"), root=str(root))


def checkout_with_mesh_wide_files(root):
    """A checkout with nothing but the files topology.yaml lists under meshConfig."""
    for source in topology_module.load(TOPOLOGY).mesh_wide_files:
        target = root / source
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(os.path.join(ROOT, source), target)


def test_without_the_clusters_gateway_file_an_equivalent_one_is_built_in(tmp_path):
    root = tmp_path / "checkout"
    checkout_with_mesh_wide_files(root)
    config = generated(str(tmp_path / "run"), root=str(root))
    ingress = base_objects(config)["40-ingress-gateway.yaml"]
    assert [d["kind"] for d in ingress] == ["WorkloadEntry", "Gateway", "VirtualService"]
    route = ingress[2]["spec"]["http"][0]["route"][0]["destination"]
    assert route == {"host": "gateway-service", "port": {"number": 8080}}


def test_standins_replace_the_jars_with_the_same_addresses(tmp_path):
    config = generated(str(tmp_path), standins=True)
    with open(os.path.join(config, "launch", "app-business-v2.sh")) as f:
        launch = f.read()
    assert "mesh/standin.py" in launch
    assert "--address 127.0.10.3 --port 18080 --proxy 127.0.11.3:8080 --echo-port 19000" in launch
    assert "--downstream http://data-service:8080/" in launch
    assert "-jar" not in launch


def test_a_regenerated_run_keeps_no_stale_base_file(tmp_path):
    config = generated(str(tmp_path))
    stale = os.path.join(config, "istio", "base", "50-old.yaml")
    open(stale, "w").close()
    generated(str(tmp_path))
    assert not os.path.exists(stale)


def test_every_address_something_listens_on_is_checked_free_before_the_start(tmp_path):
    with open(os.path.join(generated(str(tmp_path)), "plan.sh")) as f:
        must_be_free = next(line for line in f if line.startswith("MUST_BE_FREE=("))[len("MUST_BE_FREE=("):-2].split()
    topology = topology_module.load(TOPOLOGY)
    expected = {"127.0.0.1:15010", "127.0.0.1:15080", "127.0.0.1:15014", "127.0.0.1:8000", "127.0.10.100:15000"}
    for workload in topology.workloads:
        expected |= {"%s:%d" % (workload.address, port) for port in (8080, 15000, 18080)}
    assert expected <= set(must_be_free)


def test_processes_start_in_dependency_order(tmp_path):
    with open(os.path.join(generated(str(tmp_path)), "processes.tsv")) as f:
        kinds = [line.split("\t")[1] for line in f]
    assert kinds[:2] == ["zipkin", "istiod"]
    assert kinds[2:] == sorted(kinds[2:], key=["envoy", "app"].index)


def test_the_tuning_block_reaches_envoy_istiod_and_the_apps(tmp_path):
    """scripts/bench.sh measures one setting at a time by generating from a topology with another `tuning`."""
    data = yaml.safe_load(open(TOPOLOGY))
    data["tuning"] = {"envoyConcurrency": 2, "accessLog": False, "tracingSamplingPercentage": 1,
                      "jvmOptions": ["-Xmx128m"], "appArgs": ["--server.tomcat.threads.max=16"],
                      "classDataSharing": True}
    variant = tmp_path / "topology.yaml"
    variant.write_text(yaml.safe_dump(data))
    run = str(tmp_path / "run")
    generate(topology_module.load(str(variant)), ROOT, run, ISTIO_VERSION, "zipkin.jar")
    config = os.path.join(run, "config")
    with open(os.path.join(config, "launch", "envoy-gateway-service.sh")) as f:
        assert "--concurrency 2 " in f.read()
    with open(os.path.join(config, "mesh.yaml")) as f:
        assert yaml.safe_load(f)["accessLogFile"] == ""
    telemetry = base_objects(config)["00-mesh-wide.yaml"][1]
    assert telemetry["spec"]["tracing"][0]["randomSamplingPercentage"] == 1.0
    with open(os.path.join(config, "launch", "app-gateway-service.sh")) as f:
        launch = f.read()
    cds = os.path.join(ROOT, "gateway-service", "target", "cds")
    assert "exec java -Xmx128m -Dhttp.proxyHost=" in launch
    assert "-XX:SharedArchiveFile=%s/gateway-service.jsa -jar %s/gateway-service.jar" % (cds, cds) in launch
    assert " --server.tomcat.threads.max=16" in launch
    with open(os.path.join(config, "plan.json")) as f:
        assert json.load(f)["tuning"]["envoyConcurrency"] == 2
