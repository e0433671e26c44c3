"""Starting istiod with its config in steps.

istiod 1.29 can miss config that is in its config directory when it starts: its file monitor may finish the
first load before the ServiceEntry controller has registered its event handlers (istiod.log then shows
"file-monitor/ServiceEntry synced" before "initializing registry event handlers"). The services are then in
/debug/configz but never in the registry, so their WorkloadEntries never become endpoints (Envoys with empty EDS,
the ingress gateway's port translation not applied). So istiod starts with the mesh-wide config only; the services
are added once it is ready, the workloads once its registry has every service, and a file whose objects do not
take effect is taken out and put back: the delete and add events istiod then handles repair the miss."""
import os
import time

from localmesh import istiod
from localmesh.console import MeshError, log
from localmesh.files import key, load_docs
from localmesh.xds import wait_configz

# Base files sorting at or after this one hold the services, the workloads and the Gateway.
STAGED_FROM = "10-"
READD_AFTER = 5
READD_TIMES = 3


def hold(base, pending):
    """Before istiod starts: moves every staged file aside."""
    os.makedirs(pending, exist_ok=True)
    for name in sorted(os.listdir(base)):
        if name >= STAGED_FROM:
            os.replace(os.path.join(base, name), os.path.join(pending, name))


def base_docs(base):
    docs = []
    for name in sorted(os.listdir(base)):
        if name.endswith(".yaml"):
            docs += load_docs(os.path.join(base, name))
    return docs


def release(plan, base, pending, timeout):
    """Once istiod is ready: the services, then everything else, each step waited for."""
    deadline = time.time() + timeout
    wait_configz(plan, base_docs(base), deadline)
    staged = sorted(os.listdir(pending))
    kinds = {name: {d["kind"] for d in load_docs(os.path.join(pending, name))} for name in staged}

    def admit(files):
        """Moves files into istiod's config dir; returns every base object once istiod has loaded them all."""
        for name in files:
            os.replace(os.path.join(pending, name), os.path.join(base, name))
        loaded = base_docs(base)
        wait_configz(plan, loaded, deadline)
        return loaded

    service_files = [name for name in staged if "ServiceEntry" in kinds[name]]
    docs = admit(service_files)
    hosts = {host for d in docs if d["kind"] == "ServiceEntry" for host in d["spec"]["hosts"]}
    readd_until(plan, "service", lambda: sorted(hosts - istiod.registry_hosts(plan)), base, pending, service_files,
                deadline)
    docs = admit([name for name in staged if name not in service_files])
    want = istiod.expected_endpoints(docs)

    def missing_endpoints():
        have = istiod.endpoint_addresses(plan)
        return {k[0]: sorted(v - have.get(k, set())) for k, v in want.items() if v - have.get(k, set())}

    workload_files = [name for name in staged if "WorkloadEntry" in kinds[name]]
    readd_until(plan, "endpoints", missing_endpoints, base, pending, workload_files, deadline)
    log("istiod has %d config objects, %d services in its registry and every WorkloadEntry as an endpoint of its "
        "ServiceEntry (%s)" % (len(docs), len(hosts), ", ".join(
            "%s: %d" % (host.split(".")[0], len(v)) for (host, _), v in sorted(want.items()))))


def readd_until(plan, what, missing_of, base, pending, files, deadline):
    """Polls missing_of() until it is empty. Every READD_AFTER seconds, at most READD_TIMES times, takes `files`
    out of istiod's config dir and puts them back."""
    attempt, attempt_deadline = 1, time.time() + READD_AFTER
    while True:
        try:
            missing = missing_of()
        except istiod.UNREACHABLE as e:
            missing = {"istiod": str(e)}
        if not missing:
            return
        if time.time() > deadline:
            raise MeshError("istiod has no %s for %s (see istiod.log, scope serviceentry)" % (what, missing))
        if time.time() > attempt_deadline and attempt <= READD_TIMES:
            log("istiod has no %s for %s after %ds; re-adding %s (try %d)" % (
                what, ", ".join(sorted(str(k).split(".")[0] for k in missing)), READD_AFTER, ", ".join(files),
                attempt))
            keys = {key(d) for name in files for d in load_docs(os.path.join(base, name))}
            for name in files:
                os.replace(os.path.join(base, name), os.path.join(pending, name))
            while keys & istiod.configz_keys(plan) and time.time() < deadline:
                time.sleep(0.2)
            for name in files:
                os.replace(os.path.join(pending, name), os.path.join(base, name))
            wait_configz(plan, base_docs(base), deadline)
            attempt, attempt_deadline = attempt + 1, time.time() + READD_AFTER
        time.sleep(0.2)
