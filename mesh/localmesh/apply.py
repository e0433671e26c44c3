"""Adding Istio YAML files to istiod's config and taking them out again, with kubectl's semantics: an object
replaces the one of the same kind, namespace and name applied before, and a missing namespace is `default`.
Each change is waited for until every Envoy has it (localmesh.xds)."""
import os

from localmesh import istiod
from localmesh.console import MeshError, log
from localmesh.files import dump_all, istio_objects, key, load_docs, write
from localmesh.xds import current_counter, wait_applied, wait_envoys, wait_synced

DEFAULT_NAMESPACE = "default"


def apply(plan, files, timeout):
    docs = []
    for path in files:
        docs += istio_objects(load_docs(path), path, DEFAULT_NAMESPACE)
    if not docs:
        raise MeshError("no Istio objects in %s" % " ".join(files))
    applied = os.path.join(plan["configDir"], "applied")
    before, baseline = current_counter(plan), istiod.reject_baseline(plan)
    _drop_replaced(applied, {key(d) for d in docs}, {os.path.basename(f) for f in files})
    for path in files:
        objects = istio_objects(load_docs(path), path, DEFAULT_NAMESPACE)
        target = os.path.join(applied, os.path.basename(path))
        write(target, dump_all(objects))
        log("applied %s -> %s (%d object(s))" % (path, target, len(objects)))
    wait_applied(plan, docs, True, timeout, before, baseline)
    log("every Envoy has it: all proxies ACKed the push, 0 NACKs")


def _drop_replaced(applied, new_keys, incoming):
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
        log("replaces %d object(s) applied with %s" % (len(old) - len(keep), name))


def unapply(plan, names, timeout):
    """Removes applied files by name (every one with names=None) and waits until the Envoys no longer have their
    objects, or have the base objects they had overridden again."""
    applied = os.path.join(plan["configDir"], "applied")
    names = sorted(os.listdir(applied)) if names is None else [os.path.basename(n) for n in names]
    docs = []
    for name in names:
        path = os.path.join(applied, name)
        if not os.path.exists(path):
            raise MeshError("%s was not applied (see %s)" % (name, applied))
        docs += load_docs(path)
    if not names:
        log("nothing applied; base config only")
        return False
    before, baseline = current_counter(plan), istiod.reject_baseline(plan)
    base = os.path.join(plan["configDir"], "base")
    base_keys = {key(d) for name in os.listdir(base) for d in load_docs(os.path.join(base, name))}
    for name in names:
        os.remove(os.path.join(applied, name))
        log("removed %s" % name)
    gone = [d for d in docs if key(d) not in base_keys]
    if gone:
        wait_applied(plan, gone, False, timeout, before, baseline)
    else:
        # only base objects were overridden: they come back; wait for that push
        wait_synced(plan, timeout, min_counter=before, quiet=True, settle=1.0)
        wait_envoys(plan, timeout, baseline)
    return True
