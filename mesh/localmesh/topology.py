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
class Tuning:
    """What the data plane and the apps run with (the topology's `tuning` block; an unset key keeps its default
    here, the setting the local mesh shipped with)."""
    envoy_concurrency: int = 1
    access_log: bool = True
    tracing_sampling_percentage: float = 100.0
    jvm_options: tuple = ("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
    app_args: tuple = ()
    class_data_sharing: bool = False

    def as_json(self):
        """The block as topology.yaml spells it, every key set."""
        return {"envoyConcurrency": self.envoy_concurrency, "accessLog": self.access_log,
                "tracingSamplingPercentage": self.tracing_sampling_percentage,
                "jvmOptions": list(self.jvm_options), "appArgs": list(self.app_args),
                "classDataSharing": self.class_data_sharing}


TUNING_KEYS = {"envoyConcurrency": "envoy_concurrency", "accessLog": "access_log",
               "tracingSamplingPercentage": "tracing_sampling_percentage", "jvmOptions": "jvm_options",
               "appArgs": "app_args", "classDataSharing": "class_data_sharing"}


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
    tuning: Tuning = Tuning()

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
        topology = _parse(data, source)
    except (KeyError, TypeError, ValueError) as e:
        raise MeshError("%s: missing or malformed %s" % (source, e)) from e
    _check(topology, source)
    return topology


def _tuning(block, source):
    unknown = sorted(set(block) - set(TUNING_KEYS))
    if unknown:
        raise MeshError("%s: unknown tuning setting(s) %s; known: %s" % (source, ", ".join(unknown),
                                                                          ", ".join(TUNING_KEYS)))
    values = {}
    for key, value in block.items():
        field_name = TUNING_KEYS[key]
        if field_name in ("jvm_options", "app_args"):
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise MeshError("%s: tuning.%s must be a list of strings, not %r" % (source, key, value))
            value = tuple(value)
        elif field_name in ("access_log", "class_data_sharing"):
            if not isinstance(value, bool):
                raise MeshError("%s: tuning.%s must be true or false, not %r" % (source, key, value))
        elif field_name == "envoy_concurrency":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise MeshError("%s: tuning.%s must be a whole number >= 1, not %r" % (source, key, value))
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            raise MeshError("%s: tuning.%s must be a percentage from 0 to 100, not %r" % (source, key, value))
        else:
            value = float(value)
        values[field_name] = value
    return Tuning(**values)


def _parse(data, source):
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
        tuning=_tuning(data.get("tuning") or {}, source),
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
