"""The services: one ServiceEntry each, whose endpoints are the WorkloadEntries its workloadSelector picks,
like a Kubernetes Service selecting pods; and the two outside the app namespace, Zipkin and the ingress gateway."""
from localmesh.objects import istio_object
from localmesh.topology import INGRESS_LABELS, ROOT_NAMESPACE


def service_entries(topology):
    entries = [_service(topology, service) for service in topology.services]
    entries.append(_zipkin(topology))
    if topology.ingress:
        entries.append(_ingress_gateway(topology))
    return entries


def _service(topology, service):
    entry = istio_object("ServiceEntry", service.name, topology.namespace)
    entry["spec"] = {
        "hosts": [topology.fqdn(service.name)],
        "location": "MESH_INTERNAL",
        "resolution": "STATIC",
        "ports": [{"number": port.number, "name": port.name, "protocol": port.protocol} for port in service.ports],
        "workloadSelector": {"labels": {"app": service.name}},
    }
    return entry


def _zipkin(topology):
    entry = istio_object("ServiceEntry", "zipkin", ROOT_NAMESPACE)
    entry["spec"] = {"hosts": [topology.zipkin_host], "location": "MESH_EXTERNAL", "resolution": "STATIC",
                     "ports": [{"number": topology.zipkin.port, "name": "http-zipkin", "protocol": "HTTP"}],
                     "endpoints": [{"address": topology.zipkin.address}]}
    return entry


def _ingress_gateway(topology):
    """The Service port with a targetPort: istiod's Gateway port translation turns a Gateway on port 80 into a
    listener on the port the ingress Envoy can bind without root."""
    ingress = topology.ingress
    entry = istio_object("ServiceEntry", "istio-ingressgateway", ROOT_NAMESPACE)
    entry["spec"] = {"hosts": [topology.fqdn("istio-ingressgateway", ROOT_NAMESPACE)], "location": "MESH_INTERNAL",
                     "resolution": "STATIC",
                     "ports": [{"number": ingress.service_port, "name": "http2", "protocol": "HTTP",
                                "targetPort": ingress.listen_port}],
                     "workloadSelector": {"labels": {"istio": INGRESS_LABELS["istio"]}}}
    return entry
