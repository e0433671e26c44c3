"""mesh/topology.yaml as objects: which services there are, which processes serve them on which addresses, and
where istiod, Zipkin and the ingress gateway listen. Loading checks what the generated config relies on."""
from dataclasses import dataclass, field
from typing import Optional

import yaml

from localmesh.console import MeshError

ROOT_NAMESPACE = "istio-system"
# One label per workload, used only by its Sidecar's and EnvoyFilter's workloadSelector: the two data-service
# instances have the same app and version labels.
WORKLOAD_LABEL = "local-mesh/workload"
INGRESS_LABELS = {"istio": "ingressgateway", "app": "istio-ingressgateway"}


@dataclass(frozen=True)
class Port:
    name: str
    number: int
    protocol: str

    @property
    def is_http(self):
        return self.protocol.startswith("HTTP")


@dataclass(frozen=True)
class Service:
    name: str
    ports: tuple

    def port_named(self, name):
        return next((port for port in self.ports if port.name == name), None)


@dataclass(frozen=True)
class Workload:
    """One process of a service, like a pod: its sidecar listens on `address`, dials out from it, and offers its
    outbound listeners on `egress_address`."""
    name: str
    service: str
    version: str
    address: str
    egress_address: str
    jar: str
    env: dict = field(default_factory=dict)
    args: tuple = ()
    standin_downstream: Optional[str] = None

    @property
    def labels(self):
        return {"app": self.service, "version": self.version, WORKLOAD_LABEL: self.name}


@dataclass(frozen=True)
class Istiod:
    address: str
    grpc_port: int
    http_port: int
    monitoring_port: int

    @property
    def grpc(self):
        return "%s:%d" % (self.address, self.grpc_port)


@dataclass(frozen=True)
class Zipkin:
    address: str
    port: int


@dataclass(frozen=True)
class IngressGateway:
    """The Envoy in the role of istio-ingressgateway: its Service port is translated to the port it listens on,
    and its Gateway + VirtualService come from the first of `gateway_config` that exists."""
    address: str
    service_port: int
    listen_port: int
    gateway_config: tuple


@dataclass(frozen=True)
class Topology:
    namespace: str
    cluster_id: str
    domain: str
    istiod: Istiod
    zipkin: Zipkin
    app_port_offset: int
    egress_http_port: int
    services: tuple
    workloads: tuple
    ingress: Optional[IngressGateway]
    # istio/ files that are mesh-wide settings in the cluster too: part of the base config, so `reset` keeps them
    mesh_wide_files: tuple = ()

    def fqdn(self, name, namespace=None):
        return "%s.%s.svc.%s" % (name, namespace or self.namespace, self.domain)

    def service(self, name):
        return next(service for service in self.services if service.name == name)

    @property
    def zipkin_host(self):
        return self.fqdn("zipkin", ROOT_NAMESPACE)


def load(path):
    with open(path) as f:
        return parse(yaml.safe_load(f), path)


def parse(data, source):
    """The topology in `data` (the YAML as loaded), or a MeshError naming what `source` gets wrong."""
    try:
        topology = _parse(data)
    except (KeyError, TypeError, ValueError) as e:
        raise MeshError("%s: missing or malformed %s" % (source, e)) from e
    _check(topology, source)
    return topology


def _parse(data):
    istiod, zipkin, ingress = data["istiod"], data["zipkin"], data.get("ingressGateway")
    return Topology(
        namespace=data["namespace"], cluster_id=data["clusterId"], domain=data["domain"],
        istiod=Istiod(istiod["address"], int(istiod["grpcPort"]), int(istiod["httpPort"]),
                      int(istiod["monitoringPort"])),
        zipkin=Zipkin(zipkin["address"], int(zipkin["port"])),
        app_port_offset=int(data["appPortOffset"]),
        egress_http_port=int(data["egressHttpPort"]),
        services=tuple(Service(s["name"], tuple(Port(p["name"], int(p["number"]), p["protocol"]) for p in s["ports"]))
                       for s in data["services"]),
        workloads=tuple(Workload(
            name=w["name"], service=w["service"], version=w["version"], address=w["address"],
            egress_address=w["egressAddress"], jar=w["jar"],
            env={k: str(v) for k, v in (w.get("env") or {}).items()}, args=tuple(w.get("args") or ()),
            standin_downstream=(w.get("standin") or {}).get("downstream")) for w in data["workloads"]),
        ingress=IngressGateway(ingress["address"], int(ingress["servicePort"]), int(ingress["listenPort"]),
                               tuple(ingress.get("gatewayConfig") or ())) if ingress else None,
        mesh_wide_files=tuple(data.get("meshConfig") or ()),
    )


def _check(topology, source):
    for service in topology.services:
        for port in service.ports:
            if port.is_http and port.number != topology.egress_http_port:
                raise MeshError("%s port %d: every HTTP service port must be egressHttpPort (%d), the one outbound "
                                "listener the JVMs use as their HTTP proxy" % (
                                    service.name, port.number, topology.egress_http_port))
    names = {service.name for service in topology.services}
    seen = set()
    for workload in topology.workloads:
        if workload.service not in names:
            raise MeshError("%s: workload %s is of service %s, which %s does not list" % (
                source, workload.name, workload.service, source))
        for address in (workload.address, workload.egress_address):
            if address in seen:
                raise MeshError("address %s used twice in %s" % (address, source))
            seen.add(address)
