"""Waiting, with deadlines, until istiod has a config and every Envoy has ACKed what istiod sent for it. A NACK
fails at once: istiod's /debug/syncz shows the Envoy's error, and the Envoy's own rejected-update counters must
not have grown."""
import time

from localmesh import istiod
from localmesh.console import MeshError, log
from localmesh.files import config_path, key

# Short enough that a script applying changes one after another (churn) is not mostly waiting.
POLL = 0.05


def current_counter(plan):
    return max([s["counter"] for s in istiod.syncz_state(plan).values()] or [-1])


def wait_synced(plan, timeout, min_counter=None, quiet=False, settle=0.0):
    """Until every proxy of the plan is connected and has ACKed everything sent; with `min_counter`, also until
    a push after it was sent. `settle`: istiod pushes proxy by proxy from a queue, so after a change this also
    waits until nothing was sent for that long, and a proxy still in the queue is not taken for one that is up
    to date. Returns the last sync state."""
    start = time.time()
    deadline = start + timeout
    last = None
    while True:
        try:
            state = istiod.syncz_state(plan)
            missing, unsynced, nacks = istiod.sync_problems(plan, state)
        except istiod.UNREACHABLE as e:
            state, missing, unsynced, nacks = {}, ["istiod (%s)" % e], [], []
        if nacks:
            raise MeshError("NACK from Envoy (istiod /debug/syncz):\n      " + "\n      ".join(nacks))
        pushed = min_counter is None or max([s["counter"] for s in state.values()] or [-1]) > min_counter
        if not pushed and time.time() - start > 10:
            log("istiod pushed nothing new in 10s: the change concerns none of the proxies")
            min_counter = None
            pushed = True
        settled = time.time() - max([s["lastSent"] for s in state.values()] or [0]) >= settle
        if not missing and not unsynced and pushed and settled:
            return state
        message = "waiting: not connected %s, not ACKed %s%s" % (missing or "-", unsynced or "-",
                                                                 "" if pushed else ", no push yet")
        if message != last and not quiet:
            log(message)
            last = message
        if time.time() > deadline:
            raise MeshError("not synced within %ds: %s" % (timeout, message))
        time.sleep(POLL)


def wait_envoys(plan, timeout, baseline=None):
    """Until every Envoy is LIVE; a rejected update or a listener that could not bind fails at once."""
    deadline = time.time() + timeout
    while True:
        problems = []
        for proxy in plan["proxies"]:
            try:
                problems += istiod.envoy_problems(proxy, baseline)
            except istiod.UNREACHABLE as e:
                problems.append("%s admin %s: %s" % (proxy["name"], proxy["admin"], e))
        if not problems:
            return
        if any("rejected" in p or "failure" in p for p in problems):
            raise MeshError("Envoy rejected config:\n      " + "\n      ".join(problems))
        if time.time() > deadline:
            raise MeshError("Envoys not ready within %ds:\n      %s" % (timeout, "\n      ".join(problems)))
        time.sleep(POLL)


def wait_configz(plan, docs, deadline):
    """Until istiod has loaded every object in docs."""
    want = {key(d) for d in docs}
    while True:
        try:
            missing = want - istiod.configz_keys(plan)
        except istiod.UNREACHABLE as e:
            missing = {("istiod", "", str(e))}
        if not missing:
            return
        if time.time() > deadline:
            raise MeshError("istiod did not load %s" % sorted(missing))
        time.sleep(POLL)


def traced_references(docs):
    """What shows in an Envoy's config_dump once it has these objects: the config path of a VirtualService or
    DestinationRule (in its routes' and clusters' metadata), the RBAC policy name of an AuthorizationPolicy."""
    references = [config_path(d) for d in docs if d["kind"] in ("VirtualService", "DestinationRule")]
    references += ["ns[%s]-policy[%s]" % (d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs
                   if d["kind"] == "AuthorizationPolicy"]
    return references


def wait_applied(plan, docs, present, timeout, before_counter, baseline, settle=1.0, quiet=False,
                 look_into_envoys=True):
    """Until istiod has loaded (present) or dropped the objects, pushed the change, every Envoy ACKed it, and the
    Envoys' config shows (or no longer shows) what the objects produce; 0 NACKs throughout. `settle` as in
    wait_synced; without `look_into_envoys` the ACKs are enough (no config_dump of every Envoy), for changes a
    script makes one after another."""
    deadline = time.time() + timeout
    want = {key(d) for d in docs}
    while True:
        keys = istiod.configz_keys(plan)
        if (want <= keys) if present else not (want & keys):
            break
        if time.time() > deadline:
            raise MeshError("istiod did not %s %s within %ds" % ("load" if present else "drop", sorted(want), timeout))
        time.sleep(POLL)
    if not quiet:
        log("istiod %s %d object(s): %s" % ("has" if present else "dropped", len(want),
                                              ", ".join("%s/%s" % (k, n) for k, _, n in sorted(want))))
    wait_synced(plan, max(1, deadline - time.time()), min_counter=before_counter, quiet=True, settle=settle)
    references = traced_references(docs) if look_into_envoys else []
    while references:
        found = istiod.envoys_referencing(plan, references)
        if all(found[r] for r in references) if present else not any(found[r] for r in references):
            for reference in [] if quiet else references:
                log("%s %s" % (reference, ("in config of " + ", ".join(found[reference])) if present
                               else "gone from every Envoy"))
            break
        if time.time() > deadline:
            raise MeshError("Envoys do not %s %s within %ds" % ("show" if present else "drop", references, timeout))
        time.sleep(POLL)
    wait_synced(plan, max(1, deadline - time.time()), quiet=True)
    wait_envoys(plan, max(1, deadline - time.time()), baseline)
