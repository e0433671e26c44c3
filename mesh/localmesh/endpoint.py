"""A workload out of its service and back in, as Kubernetes does it for a pod that is deleted and one that is
ready again: its WorkloadEntry leaves istiod's config (kept in config/out-of-service/, Layout.out_of_service, to
be put back), and the caller waits until no Envoy has the address as an endpoint any more, which is what a
preStop hook waits for before the app gets SIGTERM; or until every Envoy with a cluster of the service has it."""
import os
import time

from localmesh import istiod
from localmesh.console import MeshError, log
from localmesh.files import dump_all, load_docs, write
from localmesh.stage import base_docs

WORKLOADS_FILE = "20-workloads.yaml"


def out_of_service_dir(plan):
    return os.path.join(os.path.dirname(plan["configDir"]), "out-of-service")


def workload_entry(base, out_of_service, workload):
    """(the base file holding the workload's WorkloadEntry, the entry); (None, the entry) while it is out of its
    service."""
    kept = os.path.join(out_of_service, workload + ".yaml")
    if os.path.exists(kept):
        return None, load_docs(kept)[0]
    for name in sorted(os.listdir(base)):
        for doc in load_docs(os.path.join(base, name)):
            if doc["kind"] == "WorkloadEntry" and doc["metadata"]["name"] == workload:
                return name, doc
    raise MeshError("no WorkloadEntry %s in %s" % (workload, base))


def take_out(base, out_of_service, workload):
    """Moves the workload's WorkloadEntry from istiod's config to out_of_service (nothing if it is there already);
    returns the entry."""
    source, entry = workload_entry(base, out_of_service, workload)
    if source is not None:
        write(os.path.join(out_of_service, workload + ".yaml"), dump_all([entry]))
        path = os.path.join(base, source)
        write(path, dump_all([d for d in load_docs(path) if not (
            d["kind"] == "WorkloadEntry" and d["metadata"]["name"] == workload)]))
    return entry


def put_back(base, out_of_service, workload):
    """Moves the workload's WorkloadEntry back into istiod's config (nothing if it is there); returns the entry."""
    source, entry = workload_entry(base, out_of_service, workload)
    if source is None:
        path = os.path.join(base, WORKLOADS_FILE)
        write(path, dump_all(load_docs(path) + [entry]))
        os.remove(os.path.join(out_of_service, workload + ".yaml"))
    return entry


def move(plan, workload, out, timeout):
    """Takes the workload out of its service (out) or puts it back, and waits until every Envoy has that."""
    base, out_of_service = os.path.join(plan["configDir"], "base"), out_of_service_dir(plan)
    entry = (take_out if out else put_back)(base, out_of_service, workload)
    address = entry["spec"]["address"]
    hosts = [host for (host, _), addresses in istiod.expected_endpoints(base_docs(base) + [entry]).items()
             if address in addresses]
    start, deadline = time.time(), time.time() + timeout
    while True:
        pending = []
        for host in hosts:
            service = host.split(".")[0]
            having, listing = istiod.envoys_with_endpoint(plan, host, address)
            if out:
                pending += ["%s in %s" % (service, name) for name in listing]
            else:
                pending += ["%s in %s" % (service, name) for name in sorted(set(having) - set(listing))]
                if not having:
                    pending.append("%s in no Envoy yet" % service)
        if not pending:
            break
        if time.time() > deadline:
            raise MeshError("%s (%s) still %s after %ds: %s" % (
                workload, address, "an endpoint" if out else "missing", timeout, ", ".join(pending)))
        time.sleep(0.1)
    log("%s (%s) %s %s in every Envoy after %.1fs" % (
        workload, address, "out of" if out else "back in", ", ".join(h.split(".")[0] for h in hosts),
        time.time() - start))


def workloads_out_of_service(plan):
    """The workloads out of their service now."""
    directory = out_of_service_dir(plan)
    return sorted(name[:-len(".yaml")] for name in os.listdir(directory)) if os.path.isdir(directory) else []
