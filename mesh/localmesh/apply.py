"""Adding Istio YAML files to istiod's config and taking them out again, with kubectl's semantics: an object
replaces the one of the same kind, namespace and name applied before, and a missing namespace is `default`.
Each change is waited for until every Envoy has it (localmesh.xds).

What routes point to (the subsets of a DestinationRule, the hosts of a ServiceEntry) arrives before the routes and
leaves after them ("make before break"): a route to a subset cluster that is not there yet, or no longer, answers
503 NC (cluster_not_found). Given both in one push, Envoy gets the new clusters and the routes together, and the
clusters are still warming (waiting for their endpoints) when the routes already point at them."""
import os
import time

from localmesh import istiod
from localmesh.console import MeshError, log
from localmesh.files import dump_all, istio_objects, key, load_docs, write
from localmesh.xds import current_counter, wait_applied, wait_envoys, wait_synced

DEFAULT_NAMESPACE = "default"
ROUTED_TO = {"DestinationRule", "ServiceEntry"}


def arrival_steps(docs):
    """The objects in the steps they are added in: what routes point to first, if there are routes too."""
    targets = [d for d in docs if d["kind"] in ROUTED_TO]
    others = [d for d in docs if d["kind"] not in ROUTED_TO]
    return [targets, others] if targets and others else [docs]


def departure_steps(docs):
    """The objects in the steps they are removed in: the routes first, what they point to once they are gone."""
    targets = [d for d in docs if d["kind"] in ROUTED_TO]
    others = [d for d in docs if d["kind"] not in ROUTED_TO]
    return [others, targets] if targets and others else [docs]


def apply(plan, files, timeout, settle=1.0, quiet=False, look_into_envoys=True):
    """Writes the files into istiod's config dir, in arrival_steps, each step waited for until every Envoy has it.
    `settle`, `look_into_envoys`: see xds.wait_applied."""
    per_file = {path: istio_objects(load_docs(path), path, DEFAULT_NAMESPACE) for path in files}
    docs = [d for objects in per_file.values() for d in objects]
    if not docs:
        raise MeshError("no Istio objects in %s" % " ".join(files))
    applied = os.path.join(plan["configDir"], "applied")
    _drop_replaced(applied, {key(d) for d in docs}, {os.path.basename(f) for f in files}, quiet)
    steps = arrival_steps(docs)
    written = set()
    for number, step in enumerate(steps):
        before, baseline = current_counter(plan), istiod.reject_baseline(plan)
        now = {key(d) for d in step}
        written |= now
        for path, objects in per_file.items():
            arriving = [d for d in objects if key(d) in now]
            if not arriving:
                continue
            target = os.path.join(applied, os.path.basename(path))
            write(target, dump_all([d for d in objects if key(d) in written]))
            if not quiet:
                log("applied %s -> %s (%s)%s" % (path, target, _names(arriving),
                                                 " (what routes point to first)" if len(steps) > 1 and number == 0
                                                 else ""))
        wait_applied(plan, step, True, timeout, before, baseline, settle, quiet, look_into_envoys)
    if not quiet:
        log("every Envoy has it: all proxies ACKed the push, 0 NACKs")


def _names(docs):
    return ", ".join("%s/%s" % (d["kind"], d["metadata"]["name"]) for d in docs)


def _drop_replaced(applied, new_keys, incoming, quiet=False):
    """Removes the objects the new files replace from the files applied before (a file named like an incoming
    one is overwritten whole)."""
    for name in sorted(os.listdir(applied)):
        if name in incoming:
            continue
        old = load_docs(os.path.join(applied, name))
        keep = [d for d in old if key(d) not in new_keys]
        if len(keep) == len(old):
            continue
        if keep:
            write(os.path.join(applied, name), dump_all(keep))
        else:
            os.remove(os.path.join(applied, name))
        if not quiet:
            log("replaces %d object(s) applied with %s" % (len(old) - len(keep), name))


def unapply(plan, names, timeout, settle=1.0, quiet=False, look_into_envoys=True):
    """Removes applied files by name (every one with names=None), in departure_steps, and waits until the Envoys
    no longer have their objects, or have the base objects they had overridden again."""
    applied = os.path.join(plan["configDir"], "applied")
    names = sorted(os.listdir(applied)) if names is None else [os.path.basename(n) for n in names]
    per_file = {}
    for name in names:
        path = os.path.join(applied, name)
        if not os.path.exists(path):
            raise MeshError("%s was not applied (see %s)" % (name, applied))
        per_file[name] = load_docs(path)
    if not names:
        log("nothing applied; base config only")
        return False
    base = os.path.join(plan["configDir"], "base")
    base_keys = {key(d) for name in os.listdir(base) for d in load_docs(os.path.join(base, name))}
    steps = departure_steps([d for objects in per_file.values() for d in objects])
    removed = set()
    for number, step in enumerate(steps):
        before, baseline = current_counter(plan), istiod.reject_baseline(plan)
        now = {key(d) for d in step}
        removed |= now
        for name, objects in per_file.items():
            leaving = [d for d in objects if key(d) in now]
            if not leaving:
                continue
            rest = [d for d in objects if key(d) not in removed]
            if rest:
                write(os.path.join(applied, name), dump_all(rest))
            else:
                os.remove(os.path.join(applied, name))
            if not quiet:
                log("removed %s from %s%s" % (_names(leaving), name,
                                              " (the routes first)" if len(steps) > 1 and number == 0 else ""))
        gone = [d for d in step if key(d) not in base_keys]
        if gone:
            wait_applied(plan, gone, False, timeout, before, baseline, settle, quiet, look_into_envoys)
        else:
            # only base objects were overridden: they come back; wait for that push
            wait_synced(plan, timeout, min_counter=before, quiet=True, settle=settle)
            wait_envoys(plan, timeout, baseline)
    return True


def churn(plan, files, times, timeout):
    """Applies the files and takes them out again, `times` times, every change pushed and ACKed by every Envoy
    before the next: istiod quiet for 0.1 s instead of a second, and no look into each Envoy's config dump (the
    changes come one after the other from a script, not from a person who then reads the result)."""
    applied = os.path.join(plan["configDir"], "applied")
    if os.listdir(applied):
        raise MeshError("churn starts from the base config; remove what is applied first: scripts/mesh.sh reset")
    baseline = istiod.reject_baseline(plan)
    start = time.time()
    for done in range(1, times + 1):
        apply(plan, files, timeout, settle=0.1, quiet=True, look_into_envoys=False)
        unapply(plan, files, timeout, settle=0.1, quiet=True, look_into_envoys=False)
        if done % 10 == 0 or done == times:
            log("%d of %d: applied and removed, %.1fs so far" % (done, times, time.time() - start))
    wait_envoys(plan, timeout, baseline)
    log("%d changes in %.1fs, every one ACKed by every Envoy, 0 NACKs" % (2 * times, time.time() - start))
