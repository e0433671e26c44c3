#!/usr/bin/env python3
"""The local mesh's generator and checker (Python stdlib + PyYAML).

  generate   topology.yaml -> Istio config for istiod's --configDir, mesh config, one Envoy bootstrap and
             one launch script per process, plan.json / plan.sh for scripts/mesh.sh
  wait-sync  poll istiod's /debug/syncz until every expected proxy is connected and has ACKed everything
             istiod sent (a NACK fails at once), then check every Envoy's own counters
  apply      copy an Istio YAML file into istiod's config dir (namespace defaulted like `kubectl -n`),
             wait until istiod has it, has pushed it and every Envoy ACKed (zero NACKs)
  unapply    remove applied file(s) (all with --all) and wait the same way
  status     one line per proxy: connected, synced, NACKs

Run through scripts/mesh.sh; `python3 mesh/localmesh.py CMD --help` for the options.
"""
import argparse
import json
import os
import re
import shlex
import sys
import time
import urllib.error
import urllib.request

import yaml

NS_DEFAULT = "default"
ROOT_NS = "istio-system"
WORKLOAD_LABEL = "local-mesh/workload"  # one label per process, only for the Sidecar's workloadSelector
ENVOY_ADMIN_PORT = 15000
# Zipkin's in-memory store keeps this many spans, oldest traces dropped first: Envoy spans take 2-3 KB of
# heap each, and the trace tests read traces seconds old (150000 spans filled a 256 MiB heap; 60000 left 180 MiB live)
ZIPKIN_MAX_SPANS = 30000
TYPE_SHORT = {
    "type.googleapis.com/envoy.config.cluster.v3.Cluster": "CDS",
    "type.googleapis.com/envoy.config.listener.v3.Listener": "LDS",
    "type.googleapis.com/envoy.config.route.v3.RouteConfiguration": "RDS",
    "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment": "EDS",
    "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig": "ECDS",
}
# Kinds the file store serves, with the plural used in istiod's config metadata paths.
ISTIO_KINDS = {
    "VirtualService": "virtual-service", "DestinationRule": "destination-rule", "Gateway": "gateway",
    "ServiceEntry": "service-entry", "WorkloadEntry": "workload-entry", "Sidecar": "sidecar",
    "EnvoyFilter": "envoy-filter", "PeerAuthentication": "peer-authentication",
    "RequestAuthentication": "request-authentication", "AuthorizationPolicy": "authorization-policy",
    "Telemetry": "telemetry", "WorkloadGroup": "workload-group", "ProxyConfig": "proxy-config",
    "WasmPlugin": "wasm-plugin",
}


def log(msg):
    print("    " + msg, flush=True)


def fail(msg):
    print("ERROR: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def dump_all(docs):
    return yaml.safe_dump_all(docs, sort_keys=False, default_flow_style=False, width=120)


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)  # atomic: istiod's file watcher never sees half a file


# ----------------------------------------------------------------------------------------------------------
# generate
# ----------------------------------------------------------------------------------------------------------
def fqdn(name, ns, domain):
    return "%s.%s.svc.%s" % (name, ns, domain)


def meta(kind, name, ns, group="networking.istio.io", version="v1"):
    return {"apiVersion": "%s/%s" % (group, version), "kind": kind, "metadata": {"name": name, "namespace": ns}}


def workload_labels(w):
    return {"app": w["service"], "version": w["version"], WORKLOAD_LABEL: w["name"]}


def envoy_bootstrap(node_id, cluster, metadata, admin_address, istiod):
    return {
        "node": {"id": node_id, "cluster": cluster, "metadata": metadata},
        "admin": {"address": {"socket_address": {"address": admin_address, "port_value": ENVOY_ADMIN_PORT}}},
        "overload_manager": {"resource_monitors": [{
            "name": "envoy.resource_monitors.global_downstream_max_connections",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3."
                         "DownstreamConnectionsConfig",
                "max_active_downstream_connections": 10000}}]},
        "dynamic_resources": {
            "ads_config": {
                "api_type": "GRPC",
                "transport_api_version": "V3",
                "set_node_on_first_message_only": True,
                "grpc_services": [{"envoy_grpc": {"cluster_name": "xds-grpc"}}],
            },
            "cds_config": {"ads": {}, "resource_api_version": "V3", "initial_fetch_timeout": "0s"},
            "lds_config": {"ads": {}, "resource_api_version": "V3", "initial_fetch_timeout": "0s"},
        },
        "static_resources": {
            "clusters": [{
                "name": "xds-grpc",
                "type": "STATIC",
                "connect_timeout": "1s",
                "load_assignment": {"cluster_name": "xds-grpc", "endpoints": [{"lb_endpoints": [{"endpoint": {
                    "address": {"socket_address": {"address": istiod["address"],
                                                   "port_value": istiod["grpcPort"]}}}}]}]},
                "typed_extension_protocol_options": {
                    "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                        "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        "explicit_http_config": {"http2_protocol_options": {}},
                    }},
            }],
        },
    }


def launch_script(env, argv, cwd):
    lines = ["#!/usr/bin/env bash", "# generated by mesh/localmesh.py; started by scripts/mesh.sh", "set -euo pipefail",
             "cd %s" % shlex.quote(cwd)]
    for k, v in env.items():
        lines.append("export %s=%s" % (k, shlex.quote(str(v))))
    lines.append("exec " + " ".join(shlex.quote(str(a)) for a in argv))
    return "\n".join(lines) + "\n"


def load_yaml_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def normalize_istio_docs(docs, source, default_ns=NS_DEFAULT):
    """Defaults metadata.namespace like `kubectl apply -n default`; rejects what the file store cannot serve."""
    out = []
    for d in docs:
        if not isinstance(d, dict) or "kind" not in d or "metadata" not in d:
            fail("%s: not a Kubernetes object: %r" % (source, d)[:300])
        if d["kind"] not in ISTIO_KINDS:
            fail("%s: kind %s is not Istio config (the local mesh has no Kubernetes API)" % (source, d["kind"]))
        d["metadata"].setdefault("namespace", default_ns)
        out.append(d)
    return out


def builtin_gateway(ns):
    """Port 80 on the `istio: ingressgateway` Envoy -> gateway-service:8080, as in the cluster."""
    g = meta("Gateway", "mesh-guide-gateway", ns)
    g["spec"] = {"selector": {"istio": "ingressgateway"},
                 "servers": [{"port": {"number": 80, "name": "http", "protocol": "HTTP"}, "hosts": ["*"]}]}
    vs = meta("VirtualService", "gateway-service-ingress", ns)
    vs["spec"] = {"hosts": ["*"], "gateways": ["mesh-guide-gateway"],
                  "http": [{"route": [{"destination": {"host": "gateway-service", "port": {"number": 8080}}}]}]}
    return [g, vs]


def cmd_generate(a):
    topo = yaml.safe_load(open(a.topology))
    ns, domain, cid = topo["namespace"], topo["domain"], topo["clusterId"]
    istiod, zipkin = topo["istiod"], topo["zipkin"]
    offset = int(topo["appPortOffset"])
    egress_http_port = int(topo["egressHttpPort"])
    services = {s["name"]: s for s in topo["services"]}
    for s in topo["services"]:
        for p in s["ports"]:
            if p["protocol"].startswith("HTTP") and p["number"] != egress_http_port:
                fail("%s port %d: every HTTP service port must be egressHttpPort (%d), the one outbound listener "
                     "the JVMs use as their HTTP proxy" % (s["name"], p["number"], egress_http_port))
    run, root = os.path.abspath(a.run), os.path.abspath(a.root)
    cfg = os.path.join(run, "config")
    base = os.path.join(cfg, "istio", "base")
    os.makedirs(os.path.join(cfg, "istio", "applied"), exist_ok=True)
    os.makedirs(os.path.join(run, "sock"), exist_ok=True)
    for stale in os.listdir(base) if os.path.isdir(base) else []:
        os.remove(os.path.join(base, stale))

    zipkin_host = fqdn("zipkin", ROOT_NS, domain)
    # --- mesh config: no mTLS, no metrics providers (no istio.stats filter), tracing only via Telemetry ---
    mesh = {
        "rootNamespace": ROOT_NS,
        "trustDomain": domain,
        "enableAutoMtls": False,
        "enableTracing": True,
        "accessLogFile": "/dev/stdout",
        "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"},
        "defaultConfig": {"discoveryAddress": "%s:%d" % (istiod["address"], istiod["grpcPort"]), "tracing": {}},
        "defaultProviders": {},
        "extensionProviders": [{"name": "zipkin", "zipkin": {"service": zipkin_host, "port": zipkin["port"]}}],
    }
    write(os.path.join(cfg, "mesh.yaml"), yaml.safe_dump(mesh, sort_keys=False))

    # --- mesh-wide policy: plaintext everywhere, 100 % tracing to Zipkin (same Telemetry as the cluster) ---
    pa = meta("PeerAuthentication", "default", ROOT_NS, "security.istio.io")
    pa["spec"] = {"mtls": {"mode": "DISABLE"}}
    tel = meta("Telemetry", "mesh-default", ROOT_NS, "telemetry.istio.io")
    tel["spec"] = {"tracing": [{"providers": [{"name": "zipkin"}], "randomSamplingPercentage": 100.0}]}
    write(os.path.join(base, "00-mesh-wide.yaml"), dump_all([pa, tel]))

    # --- services: one ServiceEntry per service, endpoints = WorkloadEntries selected by app label ---
    docs = []
    for s in topo["services"]:
        se = meta("ServiceEntry", s["name"], ns)
        se["spec"] = {
            "hosts": [fqdn(s["name"], ns, domain)],
            "location": "MESH_INTERNAL",
            "resolution": "STATIC",
            "ports": [{"number": p["number"], "name": p["name"], "protocol": p["protocol"]} for p in s["ports"]],
            "workloadSelector": {"labels": {"app": s["name"]}},
        }
        docs.append(se)
    zse = meta("ServiceEntry", "zipkin", ROOT_NS)
    zse["spec"] = {"hosts": [zipkin_host], "location": "MESH_EXTERNAL", "resolution": "STATIC",
                   "ports": [{"number": zipkin["port"], "name": "http-zipkin", "protocol": "HTTP"}],
                   "endpoints": [{"address": zipkin["address"]}]}
    docs.append(zse)
    gw = topo.get("ingressGateway")
    if gw:
        gse = meta("ServiceEntry", "istio-ingressgateway", ROOT_NS)
        gse["spec"] = {"hosts": [fqdn("istio-ingressgateway", ROOT_NS, domain)], "location": "MESH_INTERNAL",
                       "resolution": "STATIC",
                       "ports": [{"number": gw["servicePort"], "name": "http2", "protocol": "HTTP",
                                  "targetPort": gw["listenPort"]}],
                       "workloadSelector": {"labels": {"istio": "ingressgateway"}}}
        docs.append(gse)
    write(os.path.join(base, "10-services.yaml"), dump_all(docs))


    # --- workloads: WorkloadEntry + Sidecar (ingress bound to the workload IP, egress to its egress IP) ---
    docs, sidecars = [], []
    plan = {"istiod": {"debug": "http://%s:%d" % (istiod["address"], istiod["httpPort"]),
                       "grpc": "%s:%d" % (istiod["address"], istiod["grpcPort"]),
                       "monitoring": "http://%s:%d" % (istiod["address"], istiod["monitoringPort"])},
            "zipkin": "http://%s:%d" % (zipkin["address"], zipkin["port"]),
            "proxies": [], "apps": []}
    seen_ips = set()
    for w in topo["workloads"]:
        svc = services[w["service"]]
        for ip in (w["address"], w["egressAddress"]):
            if ip in seen_ips:
                fail("address %s used twice in %s" % (ip, a.topology))
            seen_ips.add(ip)
        labels = workload_labels(w)
        we = meta("WorkloadEntry", w["name"], ns)
        we["spec"] = {"address": w["address"], "labels": labels}
        docs.append(we)
        sc = meta("Sidecar", w["name"], ns)
        sc["spec"] = {
            "workloadSelector": {"labels": {WORKLOAD_LABEL: w["name"]}},
            "ingress": [{
                "port": {"number": p["number"], "protocol": p["protocol"], "name": p["name"]},
                "bind": w["address"],
                "captureMode": "NONE",
                # 0.0.0.0 = "the instance IP" (first INSTANCE_IPS entry), i.e. the app on the workload address
                "defaultEndpoint": "0.0.0.0:%d" % (p["number"] + offset),
            } for p in svc["ports"]],
            "egress": [
                # Zipkin must be in the sidecar's scope (Envoy's tracer needs its cluster), but a listener on
                # any 127.x:9411 collides with Zipkin's own wildcard socket: give it a unix socket instead.
                {"port": {"number": 0, "protocol": "HTTP", "name": "http-zipkin"},
                 "bind": "unix://%s" % os.path.join(run, "sock", "%s-zipkin.sock" % w["name"]),
                 "captureMode": "NONE",
                 "hosts": ["%s/%s" % (ROOT_NS, zipkin_host)]},
                {"bind": w["egressAddress"], "captureMode": "NONE", "hosts": ["./*"]},
            ],
        }
        sidecars.append(sc)
    write(os.path.join(base, "20-workloads.yaml"), dump_all(docs))
    # Every sidecar dials out from its own workload address (the kernel would pick 127.0.0.1 for every one),
    # so inbound Envoys see who called them: access logs, traces and AuthorizationPolicy ipBlocks work.
    for w in topo["workloads"]:
        ef = meta("EnvoyFilter", "local-mesh-source-%s" % w["name"], ns, version="v1alpha3")
        ef["spec"] = {"workloadSelector": {"labels": {WORKLOAD_LABEL: w["name"]}}, "configPatches": [{
            "applyTo": "CLUSTER", "match": {"context": "SIDECAR_OUTBOUND"},
            "patch": {"operation": "MERGE", "value": {
                "upstream_bind_config": {"source_address": {"address": w["address"], "port_value": 0}}}}}]}
        sidecars.append(ef)
    write(os.path.join(base, "30-sidecars.yaml"), dump_all(sidecars))

    gw_docs = []
    if gw:
        wge = meta("WorkloadEntry", "istio-ingressgateway", ROOT_NS)
        wge["spec"] = {"address": gw["address"], "labels": {"istio": "ingressgateway", "app": "istio-ingressgateway"}}
        gw_docs.append(wge)
        src = next((c for c in gw.get("gatewayConfig") or [] if os.path.exists(os.path.join(root, c))), None)
        if src:
            gw_docs += normalize_istio_docs(load_yaml_docs(os.path.join(root, src)), src)
            log("ingress Gateway + VirtualService from %s" % src)
        else:
            gw_docs += builtin_gateway(ns)
            log("ingress Gateway + VirtualService: built-in (none of %s exists)" % gw.get("gatewayConfig"))
        write(os.path.join(base, "40-ingress-gateway.yaml"), dump_all(gw_docs))

    # --- processes: one Envoy per workload (+ ingress gateway), one app per workload ---
    envoy_bin = os.path.join(root, ".tools", "bin", "envoy")
    launch = os.path.join(cfg, "launch")
    logs = os.path.join(run, "logs")

    def envoy_proc(name, node_id, cluster, md, admin_ip):
        boot = os.path.join(cfg, "envoy", name + ".yaml")
        write(boot, yaml.safe_dump(envoy_bootstrap(node_id, cluster, md, admin_ip, istiod), sort_keys=False))
        argv = [envoy_bin, "-c", boot, "--use-dynamic-base-id", "--concurrency", "1", "--log-level", "warning",
                "--drain-time-s", "1", "--parent-shutdown-time-s", "2"]
        path = os.path.join(launch, "envoy-%s.sh" % name)
        write(path, launch_script({}, argv, run), 0o755)
        return {"name": "envoy-" + name, "nodeId": node_id, "proxyId": node_id.split("~")[2], "launch": path, "log": os.path.join(logs, "envoy-%s.log" % name),
                "admin": "http://%s:%d" % (admin_ip, ENVOY_ADMIN_PORT)}

    for w in topo["workloads"]:
        svc = services[w["service"]]
        md = {
            "NAMESPACE": ns, "NAME": w["name"], "WORKLOAD_NAME": w["name"], "INSTANCE_IPS": w["address"],
            "LABELS": workload_labels(w), "ISTIO_VERSION": a.istio_version, "INTERCEPTION_MODE": "NONE",
            "CLUSTER_ID": cid, "MESH_ID": domain, "APP_CONTAINERS": w["service"],
        }
        node_id = "sidecar~%s~%s.%s~%s.svc.%s" % (w["address"], w["name"], ns, ns, domain)
        p = envoy_proc(w["name"], node_id, "%s.%s" % (w["service"], ns), md, w["address"])
        proxy = "%s:%d" % (w["egressAddress"], egress_http_port)
        p.update({"workload": w["name"], "httpProxy": proxy,
                  "inbound": ["%s:%d" % (w["address"], x["number"]) for x in svc["ports"]],
                  "egress": ["%s:%d" % (w["egressAddress"], x["number"]) for s in topo["services"] for x in s["ports"]]})
        plan["proxies"].append(p)

        http_port = next(x["number"] for x in svc["ports"] if x["protocol"] == "HTTP") + offset
        echo = next((x["number"] + offset for x in svc["ports"] if x["name"] == "tcp-echo"), None)
        env = {k: str(v) for k, v in (w.get("env") or {}).items()}
        extra = [x.replace("{run}", run).replace("{root}", root) for x in (w.get("args") or [])]
        if a.standins:
            argv = [sys.executable, os.path.join(root, "mesh", "standin.py"), "--name", w["name"], "--version",
                    w["version"], "--address", w["address"], "--port", str(http_port),
                    "--proxy", proxy]
            if echo:
                argv += ["--echo-port", str(echo)]
            if (w.get("standin") or {}).get("downstream"):
                argv += ["--downstream", w["standin"]["downstream"]]
        else:
            argv = ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dhttp.proxyHost=%s" % w["egressAddress"], "-Dhttp.proxyPort=%d" % egress_http_port,
                    "-jar", os.path.join(root, w["jar"]),
                    "--server.address=%s" % w["address"], "--server.port=%d" % http_port,
                    "--app.instance-name=%s" % w["name"],
                    "--management.tracing.export.zipkin.endpoint=http://%s:%d/api/v2/spans" % (
                        zipkin["address"], zipkin["port"])]
            if echo:
                argv += ["--business.echo.address=%s" % w["address"], "--business.echo.port=%d" % echo]
            argv += extra
        path = os.path.join(launch, "app-%s.sh" % w["name"])
        write(path, launch_script(env, argv, root), 0o755)
        plan["apps"].append({"name": w["name"], "launch": path, "log": os.path.join(logs, "app-%s.log" % w["name"]),
                             "jar": w["jar"], "url": "http://%s:%d" % (w["address"], http_port),
                             "health": "http://%s:%d/actuator/health/readiness" % (w["address"], http_port),
                             "echo": "%s:%d" % (w["address"], echo) if echo else None})
    if gw:
        md = {"NAMESPACE": ROOT_NS, "NAME": "istio-ingressgateway", "WORKLOAD_NAME": "istio-ingressgateway",
              "INSTANCE_IPS": gw["address"], "LABELS": {"istio": "ingressgateway", "app": "istio-ingressgateway"},
              "ISTIO_VERSION": a.istio_version, "CLUSTER_ID": cid, "MESH_ID": domain}
        node_id = "router~%s~istio-ingressgateway.%s~%s.svc.%s" % (gw["address"], ROOT_NS, ROOT_NS, domain)
        p = envoy_proc("ingressgateway", node_id, "istio-ingressgateway.%s" % ROOT_NS, md, gw["address"])
        p["url"] = "http://127.0.0.1:%d" % gw["listenPort"]
        plan["proxies"].append(p)
        plan["gatewayUrl"] = p["url"]
    else:
        first = plan["proxies"][0]
        plan["gatewayUrl"] = "http://" + first["inbound"][0]
    # --- istiod: file config store, no registries => no Kubernetes client at all ---
    istiod_env = {
        "ENABLE_CA_SERVER": "false",                 # no mTLS locally: no CA, no certificates
        "PILOT_ENABLE_ALPN_FILTER": "false",         # istio.alpn is an istio-proxy-only filter
        "PILOT_ENABLE_METADATA_EXCHANGE": "false",   # istio.metadata_exchange likewise
        "PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION": "false",
        "PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS": "false",
    }
    istiod_argv = [os.path.join(root, ".tools", "bin", "pilot-discovery"), "discovery",
                   "--registries=", "--configDir=" + os.path.join(cfg, "istio"),
                   "--meshConfig=" + os.path.join(cfg, "mesh.yaml"), "--clusterID=" + cid, "--domain=" + domain,
                   "--grpcAddr=%s:%d" % (istiod["address"], istiod["grpcPort"]),
                   "--httpAddr=%s:%d" % (istiod["address"], istiod["httpPort"]),
                   "--monitoringAddr=%s:%d" % (istiod["address"], istiod["monitoringPort"]),
                   "--secureGRPCAddr=", "--httpsAddr=", "--ctrlz_port=0", "--shutdownDuration=1s",
                   # serviceentry at debug: one line per ServiceEntry/WorkloadEntry event (see `stage`)
                   "--log_output_level=default:info,serviceentry:debug"]
    istiod_launch = os.path.join(launch, "istiod.sh")
    write(istiod_launch, launch_script(istiod_env, istiod_argv, run), 0o755)
    zipkin_launch = os.path.join(launch, "zipkin.sh")
    write(zipkin_launch, launch_script({}, ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                            "-jar", os.path.abspath(a.zipkin_jar),
                                            "--armeria.ports[0].ip=%s" % zipkin["address"],
                                            "--armeria.ports[0].port=%d" % zipkin["port"],
                                            "--armeria.ports[0].protocols=http",
                                            # the default, 500000 spans, does not fit the heap: after the conformance
                                            # suite Zipkin spent its time in full GCs and missed the 25 s SIGTERM deadline
                                            "--zipkin.storage.mem.max-spans=%d" % ZIPKIN_MAX_SPANS], run), 0o755)

    plan["configDir"] = os.path.join(cfg, "istio")
    plan["standins"] = bool(a.standins)
    plan["meshConfig"] = os.path.join(cfg, "mesh.yaml")
    write(os.path.join(cfg, "plan.json"), json.dumps(plan, indent=2) + "\n")

    # shell view of the plan for scripts/mesh.sh
    sh = ["# generated by mesh/localmesh.py", "ISTIOD_DEBUG=%s" % shlex.quote(plan["istiod"]["debug"]),
          "ISTIOD_GRPC=%s" % shlex.quote(plan["istiod"]["grpc"]),
          "ISTIOD_MONITORING=%s" % shlex.quote(plan["istiod"]["monitoring"]),
          "ZIPKIN_URL=%s" % shlex.quote(plan["zipkin"]),
          "GATEWAY_URL=%s" % shlex.quote(plan["gatewayUrl"]),
          "CONFIG_DIR=%s" % shlex.quote(plan["configDir"]), "MESH_CONFIG=%s" % shlex.quote(plan["meshConfig"]),
          "APPLIED_DIR=%s" % shlex.quote(os.path.join(plan["configDir"], "applied"))]
    must_be_free = [plan["istiod"]["grpc"], "%s:%d" % (istiod["address"], istiod["httpPort"]),
                    "%s:%d" % (istiod["address"], istiod["monitoringPort"])]
    if gw:
        must_be_free.append("127.0.0.1:%d" % gw["listenPort"])
    for p in plan["proxies"]:
        must_be_free += p.get("inbound", []) + [p["admin"][len("http://"):]]
    must_be_free += [x["url"][len("http://"):] for x in plan["apps"]]
    sh.append("MUST_BE_FREE=(%s)" % " ".join(must_be_free))
    write(os.path.join(cfg, "plan.sh"), "\n".join(sh) + "\n")
    # processes in start order: name, kind, launch script, log, URL that answers when it is ready
    rows = [("zipkin", "zipkin", zipkin_launch, os.path.join(logs, "zipkin.log"), plan["zipkin"] + "/health"),
            ("istiod", "istiod", istiod_launch, os.path.join(logs, "istiod.log"),
             plan["istiod"]["debug"] + "/debug/syncz")]
    rows += [(p["name"], "envoy", p["launch"], p["log"], p["admin"] + "/ready") for p in plan["proxies"]]
    rows += [(x["name"], "app", x["launch"], x["log"], x["health"]) for x in plan["apps"]]
    write(os.path.join(cfg, "processes.tsv"), "".join("\t".join(r) + "\n" for r in rows))

    log("generated %d base config files, %d Envoy bootstraps, %d app launchers (%s) in %s" % (
        len(os.listdir(base)), len(plan["proxies"]), len(plan["apps"]), "stand-ins" if a.standins else "jars", cfg))


# ----------------------------------------------------------------------------------------------------------
# checks against istiod and the Envoys
# ----------------------------------------------------------------------------------------------------------
def http_get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def get_json(url, timeout=3):
    return json.loads(http_get(url, timeout) or "null")


def load_plan(run):
    with open(os.path.join(run, "config", "plan.json")) as f:
        return json.load(f)


def push_counter(nonce):
    """istiod nonces are <push version><uuid>, push version = <RFC3339 time>/<counter>."""
    if not nonce or len(nonce) <= 36:
        return -1
    m = re.search(r"/(\d+)$", nonce[:-36])
    return int(m.group(1)) if m else -1


def syncz_state(plan):
    """Per proxy id: {types: {short: (sent, acked, error)}, counter: max push counter sent}."""
    out = {}
    for s in get_json(plan["istiod"]["debug"] + "/debug/syncz") or []:
        types = {}
        for turl, r in (s.get("resources") or {}).items():
            types[TYPE_SHORT.get(turl, turl.rsplit(".", 1)[-1])] = (r.get("sent", ""), r.get("acked", ""),
                                                                    r.get("last_error", "") or r.get("lastError", ""))
        sent_times = [parse_time(r.get("sentTime")) for r in (s.get("resources") or {}).values()]
        out[s["proxy"]] = {"types": types, "counter": max([push_counter(t[0]) for t in types.values()] or [-1]),
                           "lastSent": max([t for t in sent_times if t] or [0])}
    return out


def parse_time(value):
    """RFC 3339 with nanoseconds (Go) -> epoch seconds."""
    import datetime
    if not value or value.startswith("0001-"):
        return None
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$", value)
    if not m:
        return None
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return t.timestamp() + float(m.group(2) or 0)


def sync_problems(plan, state):
    """Returns (not_connected, unsynced, nacks) lists for the plan's proxies."""
    missing, unsynced, nacks = [], [], []
    for p in plan["proxies"]:
        st = state.get(p["proxyId"])
        if st is None:
            missing.append(p["name"])
            continue
        for t, (sent, acked, err) in st["types"].items():
            if err:
                nacks.append("%s %s: %s" % (p["name"], t, err))
            elif sent != acked:
                unsynced.append("%s %s" % (p["name"], t))
        if not {"CDS", "LDS"} <= set(st["types"]):
            unsynced.append("%s (no CDS/LDS yet)" % p["name"])
    return missing, unsynced, nacks


ENVOY_REJECT_STATS = ("cluster_manager.cds.update_rejected", "listener_manager.lds.update_rejected")


def envoy_reject_counters(p):
    """Envoy's own NACK counters (xDS updates it rejected) and listener bind failures."""
    out = {}
    stats = http_get(p["admin"] + "/stats?filter=update_rejected|listener_create_failure")
    for line in stats.splitlines():
        name, _, value = line.partition(": ")
        if value.strip().isdigit():
            out[name.strip()] = int(value.strip())
    return out


def reject_baseline(plan):
    base = {}
    for p in plan["proxies"]:
        try:
            base[p["name"]] = envoy_reject_counters(p)
        except (urllib.error.URLError, OSError):
            base[p["name"]] = {}
    return base


def envoy_problems(p, baseline=None):
    """Counters that grew since baseline (since the Envoy started without one), or not LIVE."""
    problems = []
    before = (baseline or {}).get(p["name"], {})
    for name, value in envoy_reject_counters(p).items():
        if value > before.get(name, 0):
            problems.append("%s %s=%d" % (p["name"], name, value - before.get(name, 0)))
    if http_get(p["admin"] + "/ready").strip() != "LIVE":
        problems.append("%s not LIVE" % p["name"])
    return problems


def wait_synced(plan, timeout, min_counter=None, quiet=False, settle=0.0):
    """Polls until all proxies are connected and ACKed; NACKs fail at once. Returns the last syncz state."""
    start = time.time()
    deadline = start + timeout
    last = None
    while True:
        try:
            state = syncz_state(plan)
            missing, unsynced, nacks = sync_problems(plan, state)
        except (urllib.error.URLError, OSError, ValueError) as e:
            state, missing, unsynced, nacks = {}, ["istiod (%s)" % e], [], []
        if nacks:
            fail("NACK from Envoy (istiod /debug/syncz):\n      " + "\n      ".join(nacks))
        pushed = min_counter is None or max([s["counter"] for s in state.values()] or [-1]) > min_counter
        if not pushed and time.time() - start > 10:
            log("istiod pushed nothing new in 10s: the change concerns none of the proxies")
            min_counter = None
            pushed = True
        # settle: istiod pushes proxy by proxy from a queue; after a change, wait until nothing was sent
        # for a second, so a proxy still waiting in the queue is not taken for one that is up to date
        settled = time.time() - max([x["lastSent"] for x in state.values()] or [0]) >= settle
        if not missing and not unsynced and pushed and settled:
            return state
        msg = "waiting: not connected %s, not ACKed %s%s" % (missing or "-", unsynced or "-",
                                                             "" if pushed else ", no push yet")
        if msg != last and not quiet:
            log(msg)
            last = msg
        if time.time() > deadline:
            fail("not synced within %ds: %s" % (timeout, msg))
        time.sleep(0.25)


def wait_envoys(plan, timeout, baseline=None):
    deadline = time.time() + timeout
    while True:
        problems = []
        for p in plan["proxies"]:
            try:
                problems += envoy_problems(p, baseline)
            except (urllib.error.URLError, OSError) as e:
                problems.append("%s admin %s: %s" % (p["name"], p["admin"], e))
        if not problems:
            return
        if any("rejected" in x or "failure" in x for x in problems):
            fail("Envoy rejected config:\n      " + "\n      ".join(problems))
        if time.time() > deadline:
            fail("Envoys not ready within %ds:\n      %s" % (timeout, "\n      ".join(problems)))
        time.sleep(0.25)


def cmd_wait_sync(a):
    plan = load_plan(a.run)
    wait_synced(plan, a.timeout)
    wait_envoys(plan, a.timeout)
    log("%d proxies connected to istiod, every xDS response ACKed, 0 NACKs (syncz + Envoy update_rejected)"
        % len(plan["proxies"]))


def configz_keys(plan):
    keys = set()
    for c in get_json(plan["istiod"]["debug"] + "/debug/configz", timeout=5) or []:
        keys.add((c.get("kind"), c.get("metadata", {}).get("namespace"), c.get("metadata", {}).get("name")))
    return keys


def config_path(d):
    group_version = d["apiVersion"]
    return "/apis/%s/namespaces/%s/%s/%s" % (group_version, d["metadata"]["namespace"], ISTIO_KINDS[d["kind"]],
                                             d["metadata"]["name"])


def envoys_referencing(plan, paths):
    """Which Envoys' config_dump carry istio config metadata naming each path (routes <- VirtualService,
    clusters <- DestinationRule)."""
    found = {x: [] for x in paths}
    for p in plan["proxies"]:
        try:
            dump = http_get(p["admin"] + "/config_dump", timeout=5)
        except (urllib.error.URLError, OSError):
            continue
        for x in paths:
            # a config path is a JSON string value: match it with its closing quote, or VirtualService
            # "gateway-service" would be found in "gateway-service-ingress" and never be seen dropped
            if ((x + '"') if x.startswith("/apis/") else x) in dump:
                found[x].append(p["name"])
    return found


def wait_applied(plan, docs, present, timeout, before_counter, baseline):
    deadline = time.time() + timeout
    want = {(d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs}
    while True:
        keys = configz_keys(plan)
        if (want <= keys) if present else not (want & keys):
            break
        if time.time() > deadline:
            fail("istiod did not %s %s within %ds" % ("load" if present else "drop", sorted(want), timeout))
        time.sleep(0.2)
    log("istiod %s %d object(s): %s" % ("has" if present else "dropped", len(want),
                                          ", ".join("%s/%s" % (k, n) for k, _, n in sorted(want))))
    # a push after the change, ACKed by every proxy, 0 NACKs
    wait_synced(plan, max(1, deadline - time.time()), min_counter=before_counter, quiet=True, settle=1.0)
    # routes/clusters carry the VirtualService/DestinationRule they came from: wait until Envoys show it
    traced = [config_path(d) for d in docs if d["kind"] in ("VirtualService", "DestinationRule")]
    # RBAC policies are named after the AuthorizationPolicy
    traced += ["ns[%s]-policy[%s]" % (d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs
               if d["kind"] == "AuthorizationPolicy"]
    while traced:
        found = envoys_referencing(plan, traced)
        ok = all(found[x] for x in traced) if present else not any(found[x] for x in traced)
        if ok:
            for x in traced:
                log("%s %s" % (x, ("in config of " + ", ".join(found[x])) if present else "gone from every Envoy"))
            break
        if time.time() > deadline:
            fail("Envoys do not %s %s within %ds" % ("show" if present else "drop", traced, timeout))
        time.sleep(0.25)
    wait_synced(plan, max(1, deadline - time.time()), quiet=True)
    wait_envoys(plan, max(1, deadline - time.time()), baseline)


# ----------------------------------------------------------------------------------------------------------
# staged start
# ----------------------------------------------------------------------------------------------------------
# istiod 1.29 can miss config that is in its config dir when it starts: its file monitor may finish the
# first load before the ServiceEntry controller has registered its event handlers (istiod.log then shows
# "file-monitor/ServiceEntry synced" before "initializing registry event handlers"). The services are in
# /debug/configz but never in the registry, so their WorkloadEntries never become endpoints (Envoys with empty
# EDS, the gateway's port translation not applied). So istiod starts with the mesh-wide config only; the
# services are added once it is ready, the workloads once its registry has every service.
STAGED_FROM = "10-"  # base files sorting at or after this hold the services, the workloads, the Gateway


def base_docs(base):
    docs = []
    for n in sorted(os.listdir(base)):
        if n.endswith(".yaml"):
            docs += load_yaml_docs(os.path.join(base, n))
    return docs


def wait_configz(plan, docs, deadline):
    want = {(d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs}
    while True:
        try:
            missing = want - configz_keys(plan)
        except (urllib.error.URLError, OSError, ValueError) as e:
            missing = {("istiod", "", str(e))}
        if not missing:
            return
        if time.time() > deadline:
            fail("istiod did not load %s" % sorted(missing))
        time.sleep(0.2)


def expected_endpoints(docs):
    """{(service host, namespace): {WorkloadEntry addresses}} from ServiceEntry workloadSelectors."""
    ses = [d for d in docs if d["kind"] == "ServiceEntry" and d["spec"].get("workloadSelector")]
    wes = [d for d in docs if d["kind"] == "WorkloadEntry"]
    out = {}
    for se in ses:
        sel = se["spec"]["workloadSelector"]["labels"]
        for we in wes:
            if we["metadata"]["namespace"] == se["metadata"]["namespace"] and \
                    all(we["spec"].get("labels", {}).get(k) == v for k, v in sel.items()):
                for h in se["spec"]["hosts"]:
                    out.setdefault((h, se["metadata"]["namespace"]), set()).add(we["spec"]["address"])
    return out


def endpoint_addresses(plan):
    out = {}
    for svc, nss in (get_json(plan["istiod"]["debug"] + "/debug/endpointShardz", timeout=5) or {}).items():
        for ns, sh in nss.items():
            for eps in (sh.get("Shards") or {}).values():
                for e in eps or []:
                    out.setdefault((svc, ns), set()).update(e.get("Addresses") or [])
    return out


def registry_hosts(plan):
    return {s.get("hostname") for s in get_json(plan["istiod"]["debug"] + "/debug/registryz", timeout=5) or []}


def readd_until(plan, what, missing_of, base, pending, files, docs, deadline):
    """Polls missing_of() until it is empty. Every 5 s, at most 3 times, takes `files` out of istiod's config
    dir and puts them back: the delete + add events it then handles have repaired every miss seen so far."""
    attempt, attempt_deadline = 1, time.time() + 5
    while True:
        try:
            missing = missing_of()
        except (urllib.error.URLError, OSError, ValueError) as e:
            missing = {"istiod": str(e)}
        if not missing:
            return
        if time.time() > deadline:
            fail("istiod has no %s for %s (see istiod.log, scope serviceentry)" % (what, missing))
        if time.time() > attempt_deadline and attempt < 4:
            log("istiod has no %s for %s after 5s; re-adding %s (try %d)" % (
                what, ", ".join(sorted(str(k).split(".")[0] for k in missing)), ", ".join(files), attempt))
            keys = {(d["kind"], d["metadata"]["namespace"], d["metadata"]["name"])
                    for n in files for d in load_yaml_docs(os.path.join(base, n))}
            for n in files:
                os.replace(os.path.join(base, n), os.path.join(pending, n))
            while keys & configz_keys(plan) and time.time() < deadline:
                time.sleep(0.2)
            for n in files:
                os.replace(os.path.join(pending, n), os.path.join(base, n))
            wait_configz(plan, docs, deadline)
            attempt, attempt_deadline = attempt + 1, time.time() + 5
        time.sleep(0.2)


def cmd_stage(a):
    plan = load_plan(a.run)
    base = os.path.join(plan["configDir"], "base")
    pending = os.path.join(a.run, "config", "pending")
    if a.hold:
        os.makedirs(pending, exist_ok=True)
        for n in sorted(os.listdir(base)):
            if n >= STAGED_FROM:
                os.replace(os.path.join(base, n), os.path.join(pending, n))
        return
    deadline = time.time() + a.timeout
    wait_configz(plan, base_docs(base), deadline)
    staged = sorted(os.listdir(pending))
    kinds = {n: {d["kind"] for d in load_yaml_docs(os.path.join(pending, n))} for n in staged}

    def admit(files):
        """Moves files into istiod's config dir; returns every base doc once istiod has loaded them all."""
        for n in files:
            os.replace(os.path.join(pending, n), os.path.join(base, n))
        loaded = base_docs(base)
        wait_configz(plan, loaded, deadline)
        return loaded
    se_files = [n for n in staged if "ServiceEntry" in kinds[n]]
    docs = admit(se_files)
    hosts = {h for d in docs if d["kind"] == "ServiceEntry" for h in d["spec"]["hosts"]}
    readd_until(plan, "service", lambda: sorted(hosts - registry_hosts(plan)), base, pending, se_files, docs,
                deadline)
    docs = admit([n for n in staged if n not in se_files])
    want = expected_endpoints(docs)

    def missing_endpoints():
        have = endpoint_addresses(plan)
        return {k[0]: sorted(v - have.get(k, set())) for k, v in want.items() if v - have.get(k, set())}
    we_files = [n for n in staged if "WorkloadEntry" in kinds[n]]
    readd_until(plan, "endpoints", missing_endpoints, base, pending, we_files, docs, deadline)
    log("istiod has %d config objects, %d services in its registry and every WorkloadEntry as an endpoint of its "
        "ServiceEntry (%s)" % (len(docs), len(hosts), ", ".join(
            "%s: %d" % (h.split(".")[0], len(v)) for (h, _), v in sorted(want.items()))))


def current_counter(plan):
    return max([s["counter"] for s in syncz_state(plan).values()] or [-1])


def cmd_apply(a):
    plan = load_plan(a.run)
    docs = []
    for f in a.files:
        docs += normalize_istio_docs(load_yaml_docs(f), f)
    if not docs:
        fail("no Istio objects in %s" % " ".join(a.files))
    applied = os.path.join(plan["configDir"], "applied")
    before, baseline = current_counter(plan), reject_baseline(plan)
    # like `kubectl apply`: an object replaces the one of the same kind/namespace/name applied before
    new_keys = {(d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs}
    incoming = {os.path.basename(f) for f in a.files}
    for n in sorted(os.listdir(applied)):
        if n in incoming:
            continue
        old_docs = load_yaml_docs(os.path.join(applied, n))
        keep = [d for d in old_docs if (d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]) not in new_keys]
        if len(keep) == len(old_docs):
            continue
        if keep:
            write(os.path.join(applied, n), dump_all(keep))
        else:
            os.remove(os.path.join(applied, n))
        log("replaces %d object(s) applied with %s" % (len(old_docs) - len(keep), n))
    for f in a.files:
        fdocs = normalize_istio_docs(load_yaml_docs(f), f)
        write(os.path.join(applied, os.path.basename(f)), dump_all(fdocs))
        log("applied %s -> %s (%d object(s))" % (f, os.path.join(applied, os.path.basename(f)), len(fdocs)))
    wait_applied(plan, docs, True, a.timeout, before, baseline)
    log("every Envoy has it: all proxies ACKed the push, 0 NACKs")


def cmd_unapply(a):
    plan = load_plan(a.run)
    applied = os.path.join(plan["configDir"], "applied")
    names = sorted(os.listdir(applied)) if a.all else [os.path.basename(f) for f in a.files]
    docs = []
    for n in names:
        path = os.path.join(applied, n)
        if not os.path.exists(path):
            fail("%s was not applied (see %s)" % (n, applied))
        docs += load_yaml_docs(path)
    if not names:
        log("nothing applied; base config only")
        return
    before, baseline = current_counter(plan), reject_baseline(plan)
    base_keys = set()
    for n in os.listdir(os.path.join(plan["configDir"], "base")):
        for d in load_yaml_docs(os.path.join(plan["configDir"], "base", n)):
            base_keys.add((d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]))
    for n in names:
        os.remove(os.path.join(applied, n))
        log("removed %s" % n)
    gone = [d for d in docs if (d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]) not in base_keys]
    if gone:
        wait_applied(plan, gone, False, a.timeout, before, baseline)
    else:  # only base objects were overridden: they come back, wait for that push
        wait_synced(plan, a.timeout, min_counter=before, quiet=True, settle=1.0)
        wait_envoys(plan, a.timeout, baseline)
    log("back to %s: all proxies ACKed, 0 NACKs" % ("the base config" if a.all else "the remaining config"))


def cmd_status(a):
    plan = load_plan(a.run)
    try:
        state = syncz_state(plan)
    except (urllib.error.URLError, OSError) as e:
        print("    istiod %s: down (%s)" % (plan["istiod"]["debug"], e))
        return
    for p in plan["proxies"]:
        st = state.get(p["proxyId"])
        if not st:
            print("    %-22s not connected to istiod" % p["name"])
            continue
        bad = [t for t, (s, k, e) in st["types"].items() if s != k or e]
        errs = [e for (_, _, e) in st["types"].values() if e]
        print("    %-22s %-7s %s  admin %s" % (p["name"], "STALE" if bad else "SYNCED",
                                             " ".join(sorted(st["types"])), p["admin"]) +
              ("  NACK: " + "; ".join(errs) if errs else ""))
    applied = sorted(os.listdir(os.path.join(plan["configDir"], "applied")))
    print("    applied samples: %s" % (", ".join(applied) if applied else "none (base config)"))


# ----------------------------------------------------------------------------------------------------------
# verify: the mesh does what the guide says (chain, TCP, weighted split, one whole trace)
# ----------------------------------------------------------------------------------------------------------
def http_via(proxy, url, headers=None, conn=None):
    """GET url through an HTTP proxy host:port (absolute-form request, as the JVM sends it)."""
    import http.client
    host, port = proxy.split(":")
    c = conn or http.client.HTTPConnection(host, int(port), timeout=10)
    c.request("GET", url, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    return c, r.status, r.getheader("x-served-by"), body


def cmd_verify(a):
    import random
    import socket
    import tempfile
    plan = load_plan(a.run)
    results = []

    def check(name, ok, detail):
        results.append(ok)
        print("    %s %s: %s" % ("PASS" if ok else "FAIL", name, detail), flush=True)

    gw_proxy = next(p for p in plan["proxies"] if p.get("workload"))
    first_app = plan["apps"][0]["name"]

    # 1. the chain through the ingress gateway
    codes, served = {}, {}
    for _ in range(20):
        try:
            with urllib.request.urlopen(plan["gatewayUrl"] + "/", timeout=10) as r:
                codes[r.status] = codes.get(r.status, 0) + 1
                served[r.headers.get("x-served-by")] = served.get(r.headers.get("x-served-by"), 0) + 1
        except urllib.error.HTTPError as e:
            codes[e.code] = codes.get(e.code, 0) + 1
    check("ingress chain", codes == {200: 20} and set(served) == {first_app},
          "20 x GET %s/ -> status %s, x-served-by %s" % (plan["gatewayUrl"], codes, served))

    # 2. TCP through the first workload's egress listener
    tcp = next((e for e in gw_proxy["egress"] if e.endswith(":9000")), None)
    if tcp:
        answers = {}
        for i in range(10):
            with socket.create_connection(tuple([tcp.split(":")[0], int(tcp.split(":")[1])]), timeout=5) as sk:
                sk.sendall(b"hello %d\n" % i)
                line = sk.makefile().readline().strip()
            answers[line.split(" ")[0]] = answers.get(line.split(" ")[0], 0) + 1
        check("tcp echo", set(answers) <= {"v1", "v2"} and sum(answers.values()) == 10,
              "10 x 'hello N' to %s (business:9000 via %s) -> %s" % (tcp, gw_proxy["name"], answers))

    # 3. weighted split 20/80 between the business versions (istio/ samples if present)
    istio_dir = os.path.join(a.root, "istio")
    samples = [os.path.join(istio_dir, f) for f in ("destination-rule-business-subsets.yaml",
                                                    "virtual-service-business-weighted-20-80.yaml")]
    if not all(os.path.exists(f) for f in samples):
        dr = meta("DestinationRule", "business", NS_DEFAULT)
        dr["spec"] = {"host": "business", "subsets": [{"name": v, "labels": {"version": v}} for v in ("v1", "v2")]}
        vs = meta("VirtualService", "business", NS_DEFAULT)
        vs["spec"] = {"hosts": ["business"], "http": [{"route": [
            {"destination": {"host": "business", "subset": "v1"}, "weight": 20},
            {"destination": {"host": "business", "subset": "v2"}, "weight": 80}]}]}
        tmp = tempfile.mkdtemp()
        samples = [os.path.join(tmp, "business-weighted-20-80.yaml")]
        write(samples[0], dump_all([dr, vs]))
    cmd_apply(argparse.Namespace(run=a.run, timeout=60, files=samples))
    n, counts, conn = a.requests, {}, None
    for _ in range(n):
        conn, status, who, _ = http_via(gw_proxy["httpProxy"], "http://business:8080/", conn=conn)
        counts[who if status == 200 else status] = counts.get(who if status == 200 else status, 0) + 1
    v1 = 100.0 * counts.get("business-v1", 0) / n
    check("weighted 20/80", abs(v1 - 20) <= 3 and sum(v for k, v in counts.items() if k in (
        "business-v1", "business-v2")) == n,
          "%d x GET http://business:8080/ via %s -> %s (v1 %.1f %%, want 20 +- 3)" % (
              n, gw_proxy["httpProxy"], counts, v1))
    cmd_unapply(argparse.Namespace(run=a.run, timeout=60, all=True, files=[]))

    # 4. one request, one whole trace in Zipkin
    trace_id = "%032x" % random.getrandbits(128)
    req = urllib.request.Request(plan["gatewayUrl"] + "/", headers={
        "x-b3-traceid": trace_id, "x-b3-spanid": trace_id[16:], "x-b3-sampled": "1"})
    urllib.request.urlopen(req, timeout=10).read()
    deadline, spans = time.time() + 20, []
    while time.time() < deadline:
        try:
            spans = get_json(plan["zipkin"] + "/api/v2/trace/" + trace_id) or []
        except (urllib.error.URLError, OSError, ValueError):
            spans = []
        names = {s.get("localEndpoint", {}).get("serviceName") for s in spans}
        if {"istio-ingressgateway.istio-system", "gateway-service.default", "business.default"} <= names and (
                plan.get("standins") or (first_app in names and any(n.startswith("business-v") for n in names))):
            break
        time.sleep(0.5)
    names = sorted({s.get("localEndpoint", {}).get("serviceName") for s in spans})
    ids = {s["id"] for s in spans}
    orphans = [s["id"] for s in spans if s.get("parentId") and s["parentId"] not in ids and s["parentId"] != trace_id[16:]]
    # the Python stand-ins only pass the B3 headers on; the Spring apps add their own spans
    check("one whole trace", len(spans) >= (5 if plan.get("standins") else 8) and not orphans
          and "istio-ingressgateway.istio-system" in names,
          "trace %s: %d spans from %s%s" % (trace_id, len(spans), ", ".join(names),
                                           (", orphans %s" % orphans) if orphans else ""))

    passed = sum(1 for r in results if r)
    print("%d passed, %d failed" % (passed, len(results) - passed), flush=True)
    sys.exit(0 if passed == len(results) else 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--topology", required=True)
    g.add_argument("--root", required=True)
    g.add_argument("--run", required=True)
    g.add_argument("--istio-version", required=True)
    g.add_argument("--zipkin-jar", required=True)
    g.add_argument("--standins", action="store_true", help="Python stand-ins instead of the jars")
    g.set_defaults(fn=cmd_generate)
    for name, fn in (("wait-sync", cmd_wait_sync), ("status", cmd_status)):
        s = sub.add_parser(name)
        s.add_argument("--run", required=True)
        s.add_argument("--timeout", type=int, default=90)
        s.set_defaults(fn=fn)
    s = sub.add_parser("stage")
    s.add_argument("--run", required=True)
    s.add_argument("--timeout", type=int, default=60)
    s.add_argument("--hold", action="store_true", help="move workload files aside (before istiod starts)")
    s.set_defaults(fn=cmd_stage)
    s = sub.add_parser("apply")
    s.add_argument("--run", required=True)
    s.add_argument("--timeout", type=int, default=60)
    s.add_argument("files", nargs="+")
    s.set_defaults(fn=cmd_apply)
    s = sub.add_parser("unapply")
    s.add_argument("--run", required=True)
    s.add_argument("--timeout", type=int, default=60)
    s.add_argument("--all", action="store_true")
    s.add_argument("files", nargs="*")
    s.set_defaults(fn=cmd_unapply)
    s = sub.add_parser("verify")
    s.add_argument("--run", required=True)
    s.add_argument("--root", required=True)
    s.add_argument("--requests", type=int, default=2000)
    s.set_defaults(fn=cmd_verify)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
