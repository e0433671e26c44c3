"""The workloads: a WorkloadEntry each (the pod's address and labels), and the Sidecar and EnvoyFilter that make
a sidecar without iptables behave like one with it."""
import os

from localmesh.objects import istio_object
from localmesh.topology import ROOT_NAMESPACE, WORKLOAD_LABEL


def workload_entries(topology):
    entries = []
    for workload in topology.workloads:
        entry = istio_object("WorkloadEntry", workload.name, topology.namespace)
        entry["spec"] = {"address": workload.address, "labels": workload.labels}
        entries.append(entry)
    return entries


def sidecars(topology, socket_dir):
    """A Sidecar per workload, then an EnvoyFilter per workload (one file, 30-sidecars.yaml)."""
    return ([_sidecar(topology, workload, socket_dir) for workload in topology.workloads]
            + [_source_address(topology, workload) for workload in topology.workloads])


def _sidecar(topology, workload, socket_dir):
    """Inbound listeners bound to the workload address, forwarding to the app on port + offset; outbound listeners
    bound to the egress address (without interception they would all take 127.0.0.1 and collide)."""
    sidecar = istio_object("Sidecar", workload.name, topology.namespace)
    sidecar["spec"] = {
        "workloadSelector": {"labels": {WORKLOAD_LABEL: workload.name}},
        "ingress": [{
            "port": {"number": port.number, "protocol": port.protocol, "name": port.name},
            "bind": workload.address,
            "captureMode": "NONE",
            # 0.0.0.0 is "the instance IP" (the first INSTANCE_IPS entry): the app on the workload address
            "defaultEndpoint": "0.0.0.0:%d" % (port.number + topology.app_port_offset),
        } for port in topology.service(workload.service).ports],
        "egress": [
            # Zipkin must be in the sidecar's scope (Envoy's tracer needs its cluster), but a listener on any
            # 127.x:9411 collides with Zipkin's own wildcard socket: it gets a unix socket instead.
            {"port": {"number": 0, "protocol": "HTTP", "name": "http-zipkin"},
             "bind": "unix://%s" % os.path.join(socket_dir, "%s-zipkin.sock" % workload.name),
             "captureMode": "NONE",
             "hosts": ["%s/%s" % (ROOT_NAMESPACE, topology.zipkin_host)]},
            {"bind": workload.egress_address, "captureMode": "NONE", "hosts": ["./*"]},
        ],
    }
    return sidecar


def _source_address(topology, workload):
    """The sidecar dials out from its own workload address (the kernel would pick 127.0.0.1 for every one), so
    inbound Envoys see who called them: access logs, traces and AuthorizationPolicy ipBlocks work."""
    patch = istio_object("EnvoyFilter", "local-mesh-source-%s" % workload.name, topology.namespace,
                         version="v1alpha3")
    patch["spec"] = {"workloadSelector": {"labels": {WORKLOAD_LABEL: workload.name}}, "configPatches": [{
        "applyTo": "CLUSTER", "match": {"context": "SIDECAR_OUTBOUND"},
        "patch": {"operation": "MERGE", "value": {
            "upstream_bind_config": {"source_address": {"address": workload.address, "port_value": 0}}}}}]}
    return patch
