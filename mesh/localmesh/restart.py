"""istiod started again under running Envoys (scripts/mesh.sh start istiod).

The staged start (localmesh.stage) cannot be used here: istiod would come up with the mesh-wide config only and
hand the Envoys that reconnect to it a config without services. With the whole config in place, istiod 1.29 can
miss the services and workloads of its first load (see localmesh.stage: its file config source registers the
ServiceEntry controller's handlers after that load, and objects loaded before are never delivered to them), and
the Envoys lose their endpoints (503 UH). So a watcher, started before istiod, waits for istiod's log line
saying it registers those handlers and then rewrites the files holding services and workloads with a new
generation annotation: update events, which the ServiceEntry controller handles like adds, taking nothing away.
istiod accepts connections about 100 ms after that line; the rewrite, after the file watcher's 50 ms debounce,
is handled by then."""
import copy
import os
import time

from localmesh import istiod
from localmesh.console import MeshError, log
from localmesh.files import dump_all, load_docs, write
from localmesh.stage import base_docs
from localmesh.xds import wait_configz

GENERATION = "local-mesh/generation"
HANDLERS_REGISTERED = b"initializing registry event handlers"
FIRST_CHECK_AFTER = 1
BUMP_AFTER = 5
BUMP_TIMES = 3


def bumped(docs):
    """Copies of the objects, each with its generation annotation one higher (1 when it had none)."""
    result = copy.deepcopy(docs)
    for doc in result:
        annotations = doc["metadata"].setdefault("annotations", {})
        annotations[GENERATION] = str(int(annotations.get(GENERATION, "0")) + 1)
    return result


def logged_since(path, offset, line):
    """Whether the log at path holds `line` (bytes) after offset; False while it does not exist."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return line in f.read()
    except FileNotFoundError:
        return False


def registry_gaps(hosts, registry, expected, endpoints):
    """What istiod's registry misses: the short names of services not in it, and "<service> endpoint <address>"
    for every WorkloadEntry address expected ({(host, namespace): addresses}) but not an endpoint."""
    gaps = sorted(host.split(".")[0] for host in hosts - registry)
    return gaps + ["%s endpoint %s" % (k[0].split(".")[0], address) for k, addresses in sorted(expected.items())
                   for address in sorted(addresses - endpoints.get(k, set()))]


def service_files(base):
    return sorted(name for name in os.listdir(base) if name.endswith(".yaml") and {
        d["kind"] for d in load_docs(os.path.join(base, name))} & {"ServiceEntry", "WorkloadEntry"})


def repair(plan, log_path, log_offset, ready, timeout):
    """Started before istiod (writes `ready` once it watches the log): rewrites the service and workload files
    when istiod registers its handlers, then makes sure every service is in its registry and every WorkloadEntry
    an endpoint, bumping the files again if not (BUMP_TIMES at most)."""
    base = os.path.join(plan["configDir"], "base")
    deadline = time.time() + timeout
    files = service_files(base)
    texts = {name: dump_all(bumped(load_docs(os.path.join(base, name)))) for name in files}
    write(ready, "")
    while not logged_since(log_path, log_offset, HANDLERS_REGISTERED):
        if time.time() > deadline:
            raise MeshError("istiod did not log '%s' within %ds (see %s)" % (
                HANDLERS_REGISTERED.decode(), timeout, log_path))
        time.sleep(0.005)
    for name, text in texts.items():
        write(os.path.join(base, name), text)
    docs = base_docs(base)
    wait_configz(plan, docs, deadline)
    hosts = {host for d in docs if d["kind"] == "ServiceEntry" for host in d["spec"]["hosts"]}
    expected = istiod.expected_endpoints(docs)
    attempt, attempt_deadline = 0, time.time() + FIRST_CHECK_AFTER
    while True:
        try:
            gaps = registry_gaps(hosts, istiod.registry_hosts(plan), expected, istiod.endpoint_addresses(plan))
        except istiod.UNREACHABLE as e:
            gaps = ["istiod: %s" % e]
        if not gaps:
            log("istiod has every service in its registry and every WorkloadEntry as an endpoint%s" % (
                " (after %d bump(s) of %s)" % (attempt, ", ".join(files)) if attempt else ""))
            return
        if time.time() > deadline:
            raise MeshError("istiod still misses %s (see istiod.log, scope serviceentry)" % ", ".join(gaps))
        if time.time() > attempt_deadline and attempt < BUMP_TIMES:
            attempt += 1
            log("istiod misses %s; bumping %s (try %d)" % (", ".join(gaps), ", ".join(files), attempt))
            for name in files:
                path = os.path.join(base, name)
                write(path, dump_all(bumped(load_docs(path))))
            attempt_deadline = time.time() + BUMP_AFTER
        time.sleep(0.1)
