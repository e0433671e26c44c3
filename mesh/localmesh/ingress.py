"""The ingress gateway's WorkloadEntry, and the Gateway + VirtualService it serves: the cluster's own file when
the repository has one, so that the same YAML is tested here, otherwise an equivalent built-in pair."""
import os

from localmesh.files import istio_objects, load_docs
from localmesh.objects import istio_object
from localmesh.topology import INGRESS_LABELS, ROOT_NAMESPACE


def ingress_objects(topology, root):
    """(objects, where the Gateway came from)."""
    entry = istio_object("WorkloadEntry", "istio-ingressgateway", ROOT_NAMESPACE)
    entry["spec"] = {"address": topology.ingress.address, "labels": dict(INGRESS_LABELS)}
    source = next((path for path in topology.ingress.gateway_config if os.path.exists(os.path.join(root, path))),
                  None)
    if source:
        routing = istio_objects(load_docs(os.path.join(root, source)), source, topology.namespace)
        return [entry] + routing, "from %s" % source
    return [entry] + builtin_gateway(topology.namespace), "built-in (none of %s exists)" % list(
        topology.ingress.gateway_config)


def builtin_gateway(namespace):
    """Port 80 on the `istio: ingressgateway` Envoy to gateway-service:8080, as in the cluster."""
    gateway = istio_object("Gateway", "mesh-guide-gateway", namespace)
    gateway["spec"] = {"selector": {"istio": "ingressgateway"},
                       "servers": [{"port": {"number": 80, "name": "http", "protocol": "HTTP"}, "hosts": ["*"]}]}
    route = istio_object("VirtualService", "gateway-service-ingress", namespace)
    route["spec"] = {"hosts": ["*"], "gateways": ["mesh-guide-gateway"],
                     "http": [{"route": [{"destination": {"host": "gateway-service", "port": {"number": 8080}}}]}]}
    return [gateway, route]
