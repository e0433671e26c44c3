"""The commands scripts/mesh.sh runs (python3 -m localmesh COMMAND --help for the options):

  generate   topology.yaml -> Istio config for istiod's --configDir, mesh config, one Envoy bootstrap and one
             launch script per process, plan.json / plan.sh / processes.tsv for scripts/mesh.sh
  stage      --hold before istiod starts: set the services and workloads aside; then, once istiod is ready:
             add them in steps (localmesh.stage)
  wait-sync  until every expected proxy is connected to istiod and has ACKed everything it sent (a NACK fails at
             once), then every Envoy's own counters
  apply      copy Istio YAML files into istiod's config dir (namespace defaulted like `kubectl -n`), wait until
             istiod has them, has pushed them and every Envoy ACKed (zero NACKs)
  unapply    remove applied file(s) (all with --all) and wait the same way; routes leave before the subsets and
             services they point to (localmesh.apply)
  churn      apply file(s) and remove them again N times, each change ACKed by every Envoy before the next
  status     one line per proxy: connected, synced, NACKs
  repair     beside a start of istiod alone: services and workloads handed to it again as soon as it can take
             them, then every service and endpoint checked in its registry (localmesh.restart)
  endpoint   take a workload out of its service (--out) or put it back (--in), waiting for every Envoy
  tuning     the topology's app settings (JVM options, app arguments, class data sharing) as bash assignments,
             for scripts/mesh.sh and scripts/local.sh
"""
import argparse
import json
import os
import shlex
import sys

from localmesh import apply, endpoint, istiod, restart, stage, topology, xds
from localmesh.console import MeshError, error, log
from localmesh.generate import generate


def load_plan(run):
    with open(os.path.join(run, "config", "plan.json")) as f:
        return json.load(f)


def cmd_generate(args):
    generate(topology.load(args.topology), args.root, args.run, args.istio_version, args.zipkin_jar, args.standins)


def cmd_tuning(args):
    tuning = topology.load(args.topology).tuning
    print("JVM_OPTIONS=(%s)" % " ".join(shlex.quote(option) for option in tuning.jvm_options))
    print("APP_ARGS=(%s)" % " ".join(shlex.quote(arg) for arg in tuning.app_args))
    print("CLASS_DATA_SHARING=%s" % ("1" if tuning.class_data_sharing else ""))


def cmd_stage(args):
    plan = load_plan(args.run)
    base = os.path.join(plan["configDir"], "base")
    pending = os.path.join(args.run, "config", "pending")
    if args.hold:
        stage.hold(base, pending)
    else:
        stage.release(plan, base, pending, args.timeout)


def cmd_wait_sync(args):
    plan = load_plan(args.run)
    xds.wait_synced(plan, args.timeout)
    xds.wait_envoys(plan, args.timeout)
    log("%d proxies connected to istiod, every xDS response ACKed, 0 NACKs (syncz + Envoy update_rejected)"
        % len(plan["proxies"]))


def cmd_apply(args):
    apply.apply(load_plan(args.run), args.files, args.timeout)


def cmd_unapply(args):
    if not args.all and not args.files:
        raise MeshError("unapply: name the files to remove, or --all")
    if apply.unapply(load_plan(args.run), None if args.all else args.files, args.timeout):
        log("back to %s: all proxies ACKed, 0 NACKs" % ("the base config" if args.all else "the remaining config"))


def cmd_churn(args):
    apply.churn(load_plan(args.run), args.files, args.times, args.timeout)


def cmd_repair(args):
    restart.repair(load_plan(args.run), args.log, args.log_offset, args.ready, args.timeout)


def cmd_endpoint(args):
    endpoint.move(load_plan(args.run), args.workload, args.out, args.timeout)


def cmd_status(args):
    plan = load_plan(args.run)
    try:
        state = istiod.syncz_state(plan)
    except istiod.UNREACHABLE as e:
        print("    istiod %s: down (%s)" % (plan["istiod"]["debug"], e))
        return
    for proxy in plan["proxies"]:
        st = state.get(proxy["proxyId"])
        if not st:
            print("    %-22s not connected to istiod" % proxy["name"])
            continue
        stale = [t for t, (sent, acked, err) in st["types"].items() if sent != acked or err]
        errors = [err for (_, _, err) in st["types"].values() if err]
        print("    %-22s %-7s %s  admin %s" % (proxy["name"], "STALE" if stale else "SYNCED",
                                             " ".join(sorted(st["types"])), proxy["admin"])
              + ("  NACK: " + "; ".join(errors) if errors else ""))
    applied = sorted(os.listdir(os.path.join(plan["configDir"], "applied")))
    print("    applied samples: %s" % (", ".join(applied) if applied else "none (base config)"))
    out = endpoint.workloads_out_of_service(plan)
    if out:
        print("    out of their service (scripts/mesh.sh stop): %s" % ", ".join(out))


def parser():
    top = argparse.ArgumentParser(prog="python3 -m localmesh", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    command = commands.add_parser("generate")
    command.add_argument("--topology", required=True)
    command.add_argument("--root", required=True)
    command.add_argument("--run", required=True)
    command.add_argument("--istio-version", required=True)
    command.add_argument("--zipkin-jar", required=True)
    command.add_argument("--standins", action="store_true", help="Python stand-ins instead of the jars")
    command.set_defaults(run_command=cmd_generate)
    for name, function in (("wait-sync", cmd_wait_sync), ("status", cmd_status)):
        command = commands.add_parser(name)
        command.add_argument("--run", required=True)
        command.add_argument("--timeout", type=int, default=90)
        command.set_defaults(run_command=function)
    command = commands.add_parser("tuning")
    command.add_argument("--topology", required=True)
    command.set_defaults(run_command=cmd_tuning)
    command = commands.add_parser("stage")
    command.add_argument("--run", required=True)
    command.add_argument("--timeout", type=int, default=60)
    command.add_argument("--hold", action="store_true", help="set the staged files aside (before istiod starts)")
    command.set_defaults(run_command=cmd_stage)
    command = commands.add_parser("apply")
    command.add_argument("--run", required=True)
    command.add_argument("--timeout", type=int, default=60)
    command.add_argument("files", nargs="+")
    command.set_defaults(run_command=cmd_apply)
    command = commands.add_parser("unapply")
    command.add_argument("--run", required=True)
    command.add_argument("--timeout", type=int, default=60)
    command.add_argument("--all", action="store_true")
    command.add_argument("files", nargs="*")
    command.set_defaults(run_command=cmd_unapply)
    command = commands.add_parser("churn")
    command.add_argument("--run", required=True)
    command.add_argument("--timeout", type=int, default=60)
    command.add_argument("--times", type=int, required=True)
    command.add_argument("files", nargs="+")
    command.set_defaults(run_command=cmd_churn)
    command = commands.add_parser("repair")
    command.add_argument("--run", required=True)
    command.add_argument("--log", required=True, help="istiod's log")
    command.add_argument("--log-offset", type=int, default=0, help="where this start of istiod begins in its log")
    command.add_argument("--ready", required=True, help="file written once it watches the log")
    command.add_argument("--timeout", type=int, default=60)
    command.set_defaults(run_command=cmd_repair)
    command = commands.add_parser("endpoint")
    command.add_argument("--run", required=True)
    command.add_argument("--workload", required=True)
    command.add_argument("--timeout", type=int, default=60)
    direction = command.add_mutually_exclusive_group(required=True)
    direction.add_argument("--out", action="store_true", help="out of its service")
    direction.add_argument("--in", dest="out", action="store_false", help="back in its service")
    command.set_defaults(run_command=cmd_endpoint)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        args.run_command(args)
    except MeshError as e:
        error(e)
        sys.exit(1)
