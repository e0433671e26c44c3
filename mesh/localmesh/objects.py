"""The skeleton every generated Istio object shares."""


def istio_object(kind, name, namespace, group="networking.istio.io", version="v1"):
    return {"apiVersion": "%s/%s" % (group, version), "kind": kind, "metadata": {"name": name, "namespace": namespace}}
