"""What scripts/bench.sh measured, as the tables of .run/bench/results.md and of docs/14-mesh-cost.md.

  report.py RESULTS.json TABLE...   prints the named tables (see TABLES)

Python standard library only: scripts/docs-snippets.py imports it to check that every table in the guide is
the one this module renders from the stored result (docs/bench/mesh-cost.json), and to rewrite them.
"""
import hashlib
import json
import pathlib
import statistics

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
STORED = ROOT / "docs" / "bench" / "mesh-cost.json"
# The plots --update-docs copies into docs/img/; each carries the SHA-256 of the result it was drawn from.
PLOTS = ("mesh-cost-latency.png", "mesh-cost-cpu.png", "mesh-cost-breakdown.png", "mesh-cost-startup.png")
PLOT_SOURCE_KEY = "Source"

# Envoy passes of one request on gateway -> business-v2 -> data-service through the ingress: the ingress
# gateway, then in and out of the gateway's and business-v2's sidecars, then into data-service's.
PROXY_PASSES = 6
# The chain's three apps; every other app process is up but idle (business-v1, captcha-service).
MAIN_MODES = ("no-mesh", "no-mesh-1pct", "mesh-shipped", "mesh-tuned", "mesh-tuned-1pct")
TARGET_RATE = 200
# Istio's published figures (its "Performance and Scalability" page, as quoted in docs/01): other hardware,
# other load. CPU: 1.24, 0.20 vCPU per sidecar per 1000 rps; latency: 1.20, client + server sidecar.
ISTIO_PUBLISHED = {
    "cpu_ms_per_request_per_sidecar": 0.20,
    "added_p90_ms_two_sidecars": 0.228,
    "added_p99_ms_two_sidecars": 0.30,
}
TARGETS = {
    "sidecar_cpu_ms": 0.35,
    "added_p50_per_pass_ms": 0.3,
    "added_p99_per_pass_ms": 1.0,
    "p50_ratio": 1.25,
    "max_qps_ratio": 0.7,
    "startup_ratio": 0.6,
}


def digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def load(path=STORED):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ------------------------------------------------------------------------------------------------------------
# derived numbers
# ------------------------------------------------------------------------------------------------------------
def runs_of(result, config, rate=None):
    return [r for r in result["runs"] if r["config"] == config and (rate is None or r["rate"] == rate)]


def run_at(result, config, rate):
    found = runs_of(result, config, rate)
    return found[0] if found else None


def max_run(result, config):
    return run_at(result, config, "max")


def group_of(process):
    if process == "envoy-ingressgateway":
        return "ingress Envoy"
    if process.startswith("envoy-"):
        return "sidecars"
    if process in ("zipkin", "istiod"):
        return process
    return "apps"


def cpu_ms_per_request(run, process):
    return 1000.0 * run["cpu_s"].get(process, 0.0) / run["requests"] if run["requests"] else 0.0


def cpu_by_group(run):
    groups = {}
    for process in run["cpu_s"]:
        groups[group_of(process)] = groups.get(group_of(process), 0.0) + cpu_ms_per_request(run, process)
    return groups


def sidecar_cpu(run):
    """CPU per chain request of each Envoy, and per request that passed through it (Envoy's own counters)."""
    out = {}
    for process, envoy in sorted(run.get("envoys", {}).items()):
        if not envoy.get("passes"):
            continue
        cpu_ms = 1000.0 * run["cpu_s"].get(process, 0.0)
        out[process] = {"per_request": cpu_ms / run["requests"], "per_pass": cpu_ms / envoy["passes"],
                        "passes_per_request": envoy["passes"] / run["requests"],
                        "requests_per_connection": envoy.get("requests_per_connection")}
    return out


def busiest_sidecar_ms(run):
    """The largest CPU per chain request among the workloads' sidecars (not the ingress gateway)."""
    values = [v["per_request"] for k, v in sidecar_cpu(run).items() if k != "envoy-ingressgateway"]
    return max(values) if values else None


def added_per_pass(result, mesh, base, rate, percentile):
    m, b = run_at(result, mesh, rate), run_at(result, base, rate)
    if not m or not b:
        return None
    return (m["latency_ms"][percentile] - b["latency_ms"][percentile]) / PROXY_PASSES


def other_cores(run):
    """Cores the rest of the shared machine kept busy while this run measured (None in results without it)."""
    return run["other_cpu_s"] / run["seconds"] if "other_cpu_s" in run and run["seconds"] else None


def other_cores_summary(result):
    """(mean, max) of other_cores over every measured run."""
    values = [v for v in (other_cores(run) for run in result["runs"]) if v is not None]
    return (statistics.mean(values), max(values)) if values else (None, None)


def ratio(a, b):
    return a / b if a is not None and b else None


def startup_medians(result):
    table = {}
    for row in result.get("startup", []):
        table.setdefault(row["app"], {})[row["variant"]] = statistics.median(row["seconds"])
    return table


def targets(result, mesh="mesh-tuned-1pct", base="no-mesh-1pct"):
    """(name, goal, measured, met) for every target of the issue, at one sampling rate."""
    rows = []
    m = run_at(result, mesh, TARGET_RATE)
    b = run_at(result, base, TARGET_RATE)
    busiest = busiest_sidecar_ms(m) if m else None
    rows.append(("每个 sidecar 增加的 CPU（ms/请求，最忙的一个）", "≤ %.2f" % TARGETS["sidecar_cpu_ms"], busiest,
                 busiest is not None and busiest <= TARGETS["sidecar_cpu_ms"]))
    for percentile, key in (("50", "added_p50_per_pass_ms"), ("99", "added_p99_per_pass_ms")):
        value = added_per_pass(result, mesh, base, TARGET_RATE, percentile)
        rows.append(("每次代理经过增加的 p%s（ms，%d qps）" % (percentile, TARGET_RATE), "≤ %.1f" % TARGETS[key], value,
                     value is not None and value <= TARGETS[key]))
    value = ratio(m["latency_ms"]["50"], b["latency_ms"]["50"]) if m and b else None
    rows.append(("网格链路 p50 / 无网格 p50（%d qps）" % TARGET_RATE, "≤ %.2f" % TARGETS["p50_ratio"], value,
                 value is not None and value <= TARGETS["p50_ratio"]))
    mm, bm = max_run(result, mesh), max_run(result, base)
    value = ratio(mm["actual_qps"], bm["actual_qps"]) if mm and bm else None
    rows.append(("网格最大吞吐 / 无网格最大吞吐", "≥ %.1f" % TARGETS["max_qps_ratio"], value,
                 value is not None and value >= TARGETS["max_qps_ratio"]))
    medians = startup_medians(result)
    ratios = [ratio(v.get("cds"), v.get("plain")) for v in medians.values() if v.get("cds") and v.get("plain")]
    value = max(ratios) if ratios else None
    rows.append(("启动到就绪：CDS / 普通 jar（最差的一个应用）", "≤ %.1f" % TARGETS["startup_ratio"], value,
                 value is not None and value <= TARGETS["startup_ratio"]))
    return rows


# ------------------------------------------------------------------------------------------------------------
# tables (Markdown)
# ------------------------------------------------------------------------------------------------------------
def fmt(value, digits=1):
    if value is None:
        return "—"
    return "%.*f" % (digits, value)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def label(result, config):
    return result["configs"][config]["label"]


def t_status(result):
    meta = result["meta"]
    when = meta["started"][:10]
    if meta["smoke"]:
        return ["> **这些数字来自冒烟运行（每种配置只测几秒），没有任何意义**：运行 "
                "`scripts/bench.sh --update-docs` 重新生成本章的表格与图。"]
    mean, peak = other_cores_summary(result)
    # what other processes used while measuring decides; the load average at the start also counts the
    # script's own build of the jars
    idle = (mean < 0.1 and peak < 0.5) if mean is not None else meta["idle"]
    if idle:
        return ["> 本章的数字来自 %s 在一台空闲机器上的一次完整运行：测量期间别的进程平均占用 %s 个核（最多 %s 个，"
                "共 2 个）。表格与图由 `scripts/bench.sh --update-docs` 生成，`scripts/docs-snippets.py check` "
                "核对它们与存下的结果一致。" % (when, fmt(mean, 2), fmt(peak, 2))]
    return ["> 本章的数字来自 %s 的一次完整运行，机器**并不空闲**：它与别人的构建、测试共用，测量期间别的进程"
            "平均占着 %s 个核（最多 %s 个，共 2 个；开始时 1 分钟负载 %.2f）。所以绝对的延迟偏高、吞吐偏低，"
            "请看同一次运行里各模式之间的比值与差值：它们背靠背地测，承受的是同样的干扰。表格与图由 "
            "`scripts/bench.sh --update-docs` 生成，`scripts/docs-snippets.py check` 核对它们与存下的结果一致。"
            % (when, fmt(mean, 2), fmt(peak, 2), meta["load_before"])]


def t_rss(result):
    rows = []
    base = run_at(result, "no-mesh", TARGET_RATE)
    mesh = run_at(result, "mesh-tuned", TARGET_RATE)
    names = sorted(set((base or {}).get("rss_mib", {})) | set((mesh or {}).get("rss_mib", {})),
                   key=lambda n: (group_of(n), n))
    for name in names:
        rows.append((name, fmt((base or {}).get("rss_mib", {}).get(name), 0),
                     fmt((mesh or {}).get("rss_mib", {}).get(name), 0)))
    total = [sum((r or {}).get("rss_mib", {}).values()) for r in (base, mesh)]
    rows.append(("**合计**", fmt(total[0], 0), fmt(total[1], 0)))
    return table(("进程", "无网格 RSS MiB", "网格（调整后）RSS MiB"), rows)


def t_setup(result):
    meta = result["meta"]
    s = meta["settings"]
    rows = [
        ("测量时间", "%s（%s）" % (meta["started"][:16].replace("T", " "), "完整运行" if not meta["smoke"] else "冒烟运行，数字无意义")),
        ("机器", "%s，%d 核，%s 内存" % (meta["machine"]["cpu"], meta["machine"]["cores"], meta["machine"]["memory"])),
        ("机器上的其他负载", "开始时 1 分钟负载 %.2f，另有 %d 个别人的 JVM、Envoy、集群或构建进程；测量期间别的进程"
         "平均占用 %s 个核、最多 %s 个（/proc/stat 的总 CPU 减去本次测量的进程与 fortio）" % (
             meta["load_before"], meta.get("other_processes", 0), fmt(other_cores_summary(result)[0], 2),
             fmt(other_cores_summary(result)[1], 2))),
        ("软件", "Java %s；istiod %s；Envoy %s；Zipkin %s；fortio %s" % (
            meta["versions"]["java"], meta["versions"]["istio"], meta["versions"]["envoy"],
            meta["versions"]["zipkin"], meta["versions"]["fortio"])),
        ("负载", "fortio，%d 个连接，固定速率 %s qps，每档先预热 %d s（丢弃）再测 %d s；最大吞吐 %d 个连接、%d s" % (
            s["conns"], "、".join(str(r) for r in s["rates"]), s["warmup"], s["duration"], s["max_conns"],
            s["duration"])),
    ]
    return table(("项目", "值"), rows)


def t_latency(result):
    rows = []
    for config in MAIN_MODES:
        for run in runs_of(result, config):
            if run["rate"] == "max":
                continue
            lat = run["latency_ms"]
            rows.append((label(result, config), run["rate"], fmt(run["actual_qps"], 0), fmt(lat["50"], 2),
                         fmt(lat["90"], 2), fmt(lat["99"], 2), fmt(lat["99.9"], 2), run["errors"],
                         fmt(other_cores(run), 2)))
    return table(("模式", "目标 qps", "实际 qps", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "错误",
                  "其他进程占用的核"), rows)


def t_max(result):
    rows = []
    base = max_run(result, "no-mesh")
    for config in MAIN_MODES:
        run = max_run(result, config)
        if not run:
            continue
        rows.append((label(result, config), fmt(run["actual_qps"], 0), fmt(run["latency_ms"]["50"], 2),
                     fmt(run["latency_ms"]["99"], 2), run["errors"],
                     fmt(ratio(run["actual_qps"], base["actual_qps"]) if base else None, 2), fmt(other_cores(run), 2)))
    return table(("模式", "最大吞吐 qps", "p50 ms", "p99 ms", "错误", "相对无网格", "其他进程占用的核"), rows)


def t_cpu(result):
    groups = ("ingress Envoy", "sidecars", "apps", "zipkin", "istiod")
    rows = []
    for config in MAIN_MODES:
        run = run_at(result, config, TARGET_RATE)
        if not run:
            continue
        by = cpu_by_group(run)
        total = sum(by.values())
        rows.append([label(result, config)] + [fmt(by.get(g), 2) if g in by else "—" for g in groups]
                    + [fmt(total, 2), fmt(total * TARGET_RATE / 1000.0, 2)])
    return table(("模式（%d qps）" % TARGET_RATE, "入口 Envoy", "sidecar 合计", "应用合计", "Zipkin", "istiod",
                  "合计 ms/请求", "占用核数"), rows)


def t_processes(result):
    """CPU seconds per 1000 requests (= ms per request) of every process in each mode at 200 qps (the levers: t_levers)."""
    configs = [c for c in MAIN_MODES if run_at(result, c, TARGET_RATE)]
    names = sorted({p for c in configs for p in run_at(result, c, TARGET_RATE)["cpu_s"]},
                   key=lambda n: (group_of(n), n))
    rows = [[name] + [fmt(cpu_ms_per_request(run_at(result, c, TARGET_RATE), name), 3)
                      if name in run_at(result, c, TARGET_RATE)["cpu_s"] else "—" for c in configs]
            for name in names]
    rows.append(["fortio（负载端）"] + [fmt(1000.0 * run_at(result, c, TARGET_RATE)["fortio_cpu_s"]
                                        / run_at(result, c, TARGET_RATE)["requests"], 3) for c in configs])
    return table(["进程（%d qps，CPU ms/请求）" % TARGET_RATE] + configs, rows)


def t_sidecars(result):
    rows = []
    for config in ("mesh-shipped", "mesh-tuned", "mesh-tuned-1pct"):
        run = run_at(result, config, TARGET_RATE)
        if not run:
            continue
        for process, v in sidecar_cpu(run).items():
            rows.append((label(result, config), process[len("envoy-"):], fmt(v["passes_per_request"], 1),
                         fmt(v["per_request"], 3), fmt(v["per_pass"], 3),
                         fmt(v["requests_per_connection"], 0) if v["requests_per_connection"] else "没有新连接"))
    return table(("模式（%d qps）" % TARGET_RATE, "Envoy", "每请求经过次数", "CPU ms/请求", "CPU ms/次经过",
                  "每个下游连接的请求数"), rows)


def t_levers(result):
    base = run_at(result, "mesh-shipped", TARGET_RATE)
    base_max = max_run(result, "mesh-shipped")
    rows = []
    for config, c in result["configs"].items():
        if c["kind"] != "lever":
            continue
        run, top = run_at(result, config, TARGET_RATE), max_run(result, config)
        if not run or not base:
            continue
        cpu, base_cpu = sum(cpu_by_group(run).values()), sum(cpu_by_group(base).values())
        rows.append((c["label"], fmt(run["latency_ms"]["50"], 2), fmt(run["latency_ms"]["99"], 2), fmt(cpu, 2),
                     "%+.0f %%" % (100.0 * (cpu - base_cpu) / base_cpu) if base_cpu else "—",
                     fmt(top["actual_qps"], 0) if top else "—",
                     "%+.0f %%" % (100.0 * (top["actual_qps"] - base_max["actual_qps"]) / base_max["actual_qps"])
                     if top and base_max else "—",
                     "采用" if c.get("adopted") else "不采用"))
    if base:
        rows.insert(0, (label(result, "mesh-shipped") + "（对照）", fmt(base["latency_ms"]["50"], 2),
                        fmt(base["latency_ms"]["99"], 2), fmt(sum(cpu_by_group(base).values()), 2), "—",
                        fmt(base_max["actual_qps"], 0) if base_max else "—", "—", "—"))
    return table(("调整（在原设置上只改这一项）", "p50 ms", "p99 ms", "CPU ms/请求", "CPU 变化", "最大吞吐 qps",
                  "吞吐变化", "默认值"), rows)


def t_breakdown(result):
    rows = []
    for config, b in result.get("breakdown", {}).items():
        for segment in b["segments"]:
            rows.append((label(result, config), segment["name"], segment["category"], fmt(segment["median_ms"], 3),
                         fmt(segment["p90_ms"], 3)))
        rows.append((label(result, config), "**整条链路（最外层 span）**", "", fmt(b["total_median_ms"], 3),
                     fmt(b["total_p90_ms"], 3)))
    return table(("模式", "这一段", "归属", "中位数 ms", "p90 ms"), rows)


def t_breakdown_summary(result):
    rows = []
    for config, b in result.get("breakdown", {}).items():
        by = {}
        for segment in b["segments"]:
            by[segment["category"]] = by.get(segment["category"], 0.0) + segment["median_ms"]
        rows.append((label(result, config), b["traces"], fmt(by.get("应用"), 2), fmt(by.get("HTTP 客户端与回环"), 2),
                     fmt(by.get("Envoy"), 2), fmt(b["total_median_ms"], 2)))
    return table(("模式（低速率，每个请求都采样）", "trace 数", "应用 ms", "HTTP 客户端与回环 ms", "Envoy ms",
                  "整条链路 ms"), rows)


def t_startup(result):
    rows = []
    for app, v in sorted(startup_medians(result).items()):
        rows.append((app, fmt(v.get("plain"), 2), fmt(v.get("extracted"), 2), fmt(v.get("cds"), 2),
                     fmt(ratio(v.get("cds"), v.get("plain")), 2)))
    return table(("应用", "普通 jar s", "解压后的 jar s", "解压 + CDS s", "CDS / 普通"), rows)


def t_captcha(result):
    c = result.get("captcha")
    if not c:
        return table(("图片", "路径", "p50 ms", "p99 ms", "错误"), [])
    rows = [(r["image"], "服务本身" if r["path"] == "service" else "经网格入口", r["requests"],
             fmt(r["latency_ms"]["50"], 2), fmt(r["latency_ms"]["99"], 2), r["errors"]) for r in c["runs"]]
    rows.append(("**captcha-service 的 RSS**", "%d 个请求之后" % c["requests_total"], "", fmt(c["rss_mib_after"], 0)
                 + " MiB", "启动后 " + fmt(c["rss_mib_before"], 0) + " MiB", ""))
    return table(("图片", "路径（%d qps）" % c["rate"], "请求数", "p50 ms", "p99 ms", "错误"), rows)


def t_targets(result):
    rows = []
    for sampling, mesh, base in (("1 %", "mesh-tuned-1pct", "no-mesh-1pct"), ("100 %", "mesh-tuned", "no-mesh")):
        for name, goal, value, met in targets(result, mesh, base):
            if sampling == "100 %" and name.startswith("启动"):
                continue
            rows.append((name, sampling, goal, fmt(value, 3 if value is not None and value < 10 else 1),
                         "达到" if met else "未达到"))
    return table(("目标", "采样率", "目标值", "实测", "结论"), rows)


def t_istio(result):
    run = run_at(result, "mesh-tuned-1pct", TARGET_RATE)
    per_pass = [v["per_pass"] for k, v in sidecar_cpu(run).items()] if run else []
    p90 = added_per_pass(result, "mesh-tuned-1pct", "no-mesh-1pct", TARGET_RATE, "90")
    p99 = added_per_pass(result, "mesh-tuned-1pct", "no-mesh-1pct", TARGET_RATE, "99")
    rows = [
        ("每个 sidecar 每处理一个请求的 CPU（ms）", fmt(ISTIO_PUBLISHED["cpu_ms_per_request_per_sidecar"], 2),
         fmt(statistics.median(per_pass), 3) if per_pass else "—"),
        ("客户端 + 服务端两个 sidecar 增加的 p90（ms）", fmt(ISTIO_PUBLISHED["added_p90_ms_two_sidecars"], 3),
         fmt(2 * p90, 3) if p90 is not None else "—"),
        ("客户端 + 服务端两个 sidecar 增加的 p99（ms）", fmt(ISTIO_PUBLISHED["added_p99_ms_two_sidecars"], 2),
         fmt(2 * p99, 3) if p99 is not None else "—"),
    ]
    return table(("", "Istio 官方（1.24 / 1.20，1000 rps、1 KB 负载、2 个 worker 线程、mTLS、istio-proxy）",
                  "本机（2 核共用、%d qps、本地网格、上游 Envoy、无 mTLS）" % TARGET_RATE), rows)


TABLES = {
    "status": t_status, "setup": t_setup, "rss": t_rss, "processes": t_processes, "latency": t_latency, "max": t_max, "cpu": t_cpu, "sidecars": t_sidecars,
    "levers": t_levers, "breakdown": t_breakdown, "breakdown-summary": t_breakdown_summary,
    "startup": t_startup, "captcha": t_captcha, "targets": t_targets, "istio": t_istio,
}


def render(name, result):
    return "\n".join(TABLES[name](result))


def markdown(result):
    """The whole report, every table under a heading: .run/bench/results.md."""
    out = ["# scripts/bench.sh results", ""]
    for name in TABLES:
        out += ["## " + name, "", render(name, result), ""]
    out += ["Plots: " + ", ".join(PLOTS), ""]
    return "\n".join(out)


if __name__ == "__main__":
    import sys

    loaded = load(sys.argv[1])
    print("\n\n".join(render(name, loaded) for name in sys.argv[2:]))
