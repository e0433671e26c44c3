"""Reading and writing the YAML and scripts under the run directory."""
import os

import yaml

from localmesh.console import MeshError

# Kinds istiod's file config store serves, with the path segment its config metadata uses for each.
ISTIO_KINDS = {
    "VirtualService": "virtual-service", "DestinationRule": "destination-rule", "Gateway": "gateway",
    "ServiceEntry": "service-entry", "WorkloadEntry": "workload-entry", "Sidecar": "sidecar",
    "EnvoyFilter": "envoy-filter", "PeerAuthentication": "peer-authentication",
    "RequestAuthentication": "request-authentication", "AuthorizationPolicy": "authorization-policy",
    "Telemetry": "telemetry", "WorkloadGroup": "workload-group", "ProxyConfig": "proxy-config",
    "WasmPlugin": "wasm-plugin",
}


def write(path, text, mode=0o644):
    """Writes the file whole or not at all: istiod's file watcher never sees half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w") as f:
        f.write(text)
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def dump_all(docs):
    return yaml.safe_dump_all(docs, sort_keys=False, default_flow_style=False, width=120)


def load_docs(path):
    with open(path) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def key(doc):
    """What identifies an object for istiod and for `kubectl apply`: kind, namespace, name."""
    return doc["kind"], doc["metadata"]["namespace"], doc["metadata"]["name"]


def istio_objects(docs, source, default_namespace):
    """The objects of an Istio YAML file, namespace defaulted like `kubectl apply -n`; anything the file store
    cannot serve is an error naming the file."""
    objects = []
    for doc in docs:
        if not isinstance(doc, dict) or "kind" not in doc or "metadata" not in doc:
            raise MeshError(("%s: not a Kubernetes object: %r" % (source, doc))[:300])
        if doc["kind"] not in ISTIO_KINDS:
            raise MeshError("%s: kind %s is not Istio config (the local mesh has no Kubernetes API)" % (
                source, doc["kind"]))
        doc["metadata"].setdefault("namespace", default_namespace)
        objects.append(doc)
    return objects


def config_path(doc):
    """The path istiod writes into the metadata of the routes and clusters an object produced."""
    return "/apis/%s/namespaces/%s/%s/%s" % (doc["apiVersion"], doc["metadata"]["namespace"],
                                             ISTIO_KINDS[doc["kind"]], doc["metadata"]["name"])
