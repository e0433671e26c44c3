"""istiod's mesh config and the mesh-wide policy: plaintext everywhere (there is no CA), requests traced to Zipkin
at the topology's sampling rate (100 % by default, as k8s/cluster/telemetry-tracing.yaml does in the cluster), and
the istio/ files topology.yaml lists under meshConfig, which scripts/up-istio.sh applies in the cluster."""
import os

from localmesh.console import MeshError
from localmesh.files import istio_objects, load_docs
from localmesh.objects import istio_object
from localmesh.topology import ROOT_NAMESPACE


def mesh_config(topology):
    """No metrics providers, so istiod adds no istio.stats filter, which only istio-proxy has."""
    return {
        "rootNamespace": ROOT_NAMESPACE,
        "trustDomain": topology.domain,
        "enableAutoMtls": False,
        "enableTracing": True,
        # empty: no access log at all
        "accessLogFile": "/dev/stdout" if topology.tuning.access_log else "",
        "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"},
        "defaultConfig": {"discoveryAddress": topology.istiod.grpc, "tracing": {}},
        "defaultProviders": {},
        "extensionProviders": [{"name": "zipkin", "zipkin": {"service": topology.zipkin_host,
                                                             "port": topology.zipkin.port}}],
    }


def mesh_wide_policy(topology, root):
    plaintext = istio_object("PeerAuthentication", "default", ROOT_NAMESPACE, "security.istio.io")
    plaintext["spec"] = {"mtls": {"mode": "DISABLE"}}
    tracing = istio_object("Telemetry", "mesh-default", ROOT_NAMESPACE, "telemetry.istio.io")
    tracing["spec"] = {"tracing": [{"providers": [{"name": "zipkin"}],
                                    "randomSamplingPercentage": topology.tuning.tracing_sampling_percentage}]}
    policy = [plaintext, tracing]
    for source in topology.mesh_wide_files:
        path = os.path.join(root, source)
        if not os.path.exists(path):
            raise MeshError("topology.yaml meshConfig lists %s, which does not exist" % source)
        policy += istio_objects(load_docs(path), source, topology.namespace)
    return policy
