"""What applying files does to istiod's config directory, with kubectl's semantics, and the staged start's
first step; the waits for istiod and the Envoys are tested in test_istiod.py."""
import os

import pytest

from localmesh import apply, stage
from localmesh.console import MeshError
from localmesh.files import dump_all, istio_objects, load_docs


def route(name, namespace=None):
    metadata = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    return {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": metadata,
            "spec": {"hosts": [name]}}


def test_a_missing_namespace_is_default_like_kubectl_apply():
    objects = istio_objects([route("business")], "sample.yaml", "default")
    assert objects[0]["metadata"]["namespace"] == "default"


def test_what_is_not_istio_config_is_refused_with_the_file_named():
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}}
    with pytest.raises(MeshError, match="deployment.yaml: kind Deployment is not Istio config"):
        istio_objects([deployment], "deployment.yaml", "default")
    with pytest.raises(MeshError, match="list.yaml: not a Kubernetes object"):
        istio_objects([["a", "list"]], "list.yaml", "default")


def test_an_object_applied_again_in_another_file_replaces_the_one_applied_before(tmp_path):
    applied = tmp_path / "applied"
    applied.mkdir()
    (applied / "first.yaml").write_text(dump_all([route("business", "default"), route("data-service", "default")]))
    (applied / "other.yaml").write_text(dump_all([route("gateway-service", "default")]))
    apply._drop_replaced(str(applied), {("VirtualService", "default", "business")}, {"second.yaml"})
    assert [d["metadata"]["name"] for d in load_docs(str(applied / "first.yaml"))] == ["data-service"]
    assert (applied / "other.yaml").exists()
    apply._drop_replaced(str(applied), {("VirtualService", "default", "data-service")}, {"second.yaml"})
    assert not (applied / "first.yaml").exists()


def subsets(name):
    return {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
            "metadata": {"name": name, "namespace": "default"}, "spec": {"host": name}}


def kinds(steps):
    return [[d["kind"] for d in step] for step in steps]


def test_what_routes_point_to_arrives_in_a_step_before_the_routes():
    docs = [route("business", "default"), subsets("business"), route("data-service", "default")]
    assert kinds(apply.arrival_steps(docs)) == [["DestinationRule"], ["VirtualService", "VirtualService"]]


def test_routes_leave_in_a_step_before_what_they_point_to():
    docs = [subsets("business"), route("business", "default")]
    assert kinds(apply.departure_steps(docs)) == [["VirtualService"], ["DestinationRule"]]


def test_objects_of_one_side_only_go_in_one_step():
    assert kinds(apply.arrival_steps([route("a", "default"), route("b", "default")])) == [
        ["VirtualService", "VirtualService"]]
    assert kinds(apply.departure_steps([subsets("a")])) == [["DestinationRule"]]


def test_churn_starts_only_from_the_base_config(tmp_path):
    applied = tmp_path / "applied"
    applied.mkdir()
    (applied / "sample.yaml").write_text(dump_all([route("business", "default")]))
    with pytest.raises(MeshError, match="churn starts from the base config"):
        apply.churn({"configDir": str(tmp_path)}, ["sample.yaml"], 1, 5)


def test_hold_sets_aside_everything_but_the_mesh_wide_policy(tmp_path):
    base, pending = tmp_path / "base", tmp_path / "pending"
    base.mkdir()
    for name in ("00-mesh-wide.yaml", "10-services.yaml", "20-workloads.yaml", "40-ingress-gateway.yaml"):
        (base / name).write_text("")
    stage.hold(str(base), str(pending))
    assert os.listdir(base) == ["00-mesh-wide.yaml"]
    assert sorted(os.listdir(pending)) == ["10-services.yaml", "20-workloads.yaml", "40-ingress-gateway.yaml"]
