"""What the single-process faults of scripts/mesh.sh do to istiod's config: a workload out of its service and back
(localmesh.endpoint), and the files handed again to an istiod started under running Envoys (localmesh.restart).
The waits on istiod and the Envoys that follow are tested in test_istiod.py."""
import pytest

from localmesh import endpoint, restart
from localmesh.console import MeshError
from localmesh.files import dump_all, load_docs


def workload(name, address, app="data-service"):
    return {"apiVersion": "networking.istio.io/v1", "kind": "WorkloadEntry",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"address": address, "labels": {"app": app}}}


def service(name):
    return {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"hosts": ["%s.default.svc.cluster.local" % name], "workloadSelector": {"labels": {"app": name}}}}


@pytest.fixture
def config(tmp_path):
    base, out = tmp_path / "base", tmp_path / "out-of-service"
    base.mkdir()
    (base / "10-services.yaml").write_text(dump_all([service("data-service")]))
    (base / "20-workloads.yaml").write_text(dump_all([workload("data-service-1", "127.0.10.4"),
                                                      workload("data-service-2", "127.0.10.5")]))
    return str(base), str(out)


def workload_names(base):
    return [d["metadata"]["name"] for d in load_docs(base + "/20-workloads.yaml")]


def test_a_workload_taken_out_leaves_istiods_config_and_is_kept_to_be_put_back(config):
    base, out = config
    entry = endpoint.take_out(base, out, "data-service-1")
    assert entry["spec"]["address"] == "127.0.10.4"
    assert workload_names(base) == ["data-service-2"]
    assert endpoint.workloads_out_of_service({"configDir": base + "/../istio"}) == ["data-service-1"]
    assert endpoint.take_out(base, out, "data-service-1") == entry
    assert workload_names(base) == ["data-service-2"]


def test_a_workload_put_back_is_in_istiods_config_once_again(config):
    base, out = config
    endpoint.take_out(base, out, "data-service-1")
    endpoint.put_back(base, out, "data-service-1")
    assert sorted(workload_names(base)) == ["data-service-1", "data-service-2"]
    assert endpoint.workloads_out_of_service({"configDir": base + "/../istio"}) == []
    endpoint.put_back(base, out, "data-service-1")
    assert sorted(workload_names(base)) == ["data-service-1", "data-service-2"]


def test_an_unknown_workload_is_refused_by_name(config):
    base, out = config
    with pytest.raises(MeshError, match="no WorkloadEntry data-service-9 in"):
        endpoint.take_out(base, out, "data-service-9")


def test_every_bump_raises_the_generation_and_changes_nothing_else():
    docs = [workload("data-service-1", "127.0.10.4")]
    once = restart.bumped(docs)
    twice = restart.bumped(once)
    assert "annotations" not in docs[0]["metadata"]
    assert once[0]["metadata"]["annotations"] == {restart.GENERATION: "1"}
    assert twice[0]["metadata"]["annotations"] == {restart.GENERATION: "2"}
    assert twice[0]["spec"] == docs[0]["spec"]


def test_only_the_files_with_services_or_workloads_are_bumped(config, tmp_path):
    base, _ = config
    (tmp_path / "base" / "30-sidecars.yaml").write_text(dump_all([{
        "apiVersion": "networking.istio.io/v1", "kind": "Sidecar", "metadata": {"name": "s", "namespace": "default"}}]))
    assert restart.service_files(base) == ["10-services.yaml", "20-workloads.yaml"]


def test_istiods_log_line_counts_only_after_this_start(tmp_path):
    log = tmp_path / "istiod.log"
    assert not restart.logged_since(str(log), 0, restart.HANDLERS_REGISTERED)
    log.write_bytes(b"first run: initializing registry event handlers\n")
    offset = log.stat().st_size
    assert not restart.logged_since(str(log), offset, restart.HANDLERS_REGISTERED)
    with open(log, "ab") as f:
        f.write(b"info\tinitializing registry event handlers\n")
    assert restart.logged_since(str(log), offset, restart.HANDLERS_REGISTERED)


def test_registry_gaps_name_missing_services_and_endpoints():
    hosts = {"data-service.default.svc.cluster.local", "business.default.svc.cluster.local"}
    expected = {("data-service.default.svc.cluster.local", "default"): {"127.0.10.4", "127.0.10.5"}}
    have = {("data-service.default.svc.cluster.local", "default"): {"127.0.10.5"}}
    assert restart.registry_gaps(hosts, {"data-service.default.svc.cluster.local"}, expected, have) == [
        "business", "data-service endpoint 127.0.10.4"]
    assert restart.registry_gaps(hosts, hosts, expected, {k: set(v) for k, v in expected.items()}) == []
