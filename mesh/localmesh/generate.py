"""Writes everything one run of the local mesh needs under RUN/config: the Istio config istiod's file store
serves (istio/base/, one file per kind of object), the mesh config, the Envoy bootstraps and launch scripts, and
the plan. The files under istio/base/ sort in the order the staged start adds them (localmesh.stage)."""
import os

import yaml

from localmesh import ingress, meshconfig, services, workloads
from localmesh.console import log
from localmesh.files import dump_all, write
from localmesh.processes import Layout, Plan


def generate(topology, root, run, istio_version, zipkin_jar, standins=False):
    layout = Layout(root, run)
    os.makedirs(layout.applied, exist_ok=True)
    os.makedirs(layout.sockets, exist_ok=True)
    for stale_dir in (layout.base, layout.out_of_service):
        if os.path.isdir(stale_dir):
            for stale in os.listdir(stale_dir):
                os.remove(os.path.join(stale_dir, stale))

    write(layout.mesh_config, yaml.safe_dump(meshconfig.mesh_config(topology), sort_keys=False))
    base = {"00-mesh-wide.yaml": meshconfig.mesh_wide_policy(topology, layout.root),
            "10-services.yaml": services.service_entries(topology),
            "20-workloads.yaml": workloads.workload_entries(topology),
            "30-sidecars.yaml": workloads.sidecars(topology, layout.sockets)}
    for source in topology.mesh_wide_files:
        log("mesh-wide config from %s" % source)
    if topology.ingress:
        base["40-ingress-gateway.yaml"], source = ingress.ingress_objects(topology, layout.root)
        log("ingress Gateway + VirtualService: %s" % source)
    for name, objects in base.items():
        write(os.path.join(layout.base, name), dump_all(objects))

    plan = Plan(topology, layout, istio_version, zipkin_jar, standins)
    for path, (text, mode) in plan.files.items():
        write(path, text, mode)
    write(os.path.join(layout.config, "plan.json"), plan.as_json())
    write(os.path.join(layout.config, "plan.sh"), plan.as_shell())
    write(os.path.join(layout.config, "processes.tsv"), plan.start_order())
    log("generated %d base config files, %d Envoy bootstraps, %d app launchers (%s) in %s" % (
        len(base), len(plan.proxies), len(plan.apps), "stand-ins" if standins else "jars", layout.config))
    return plan
