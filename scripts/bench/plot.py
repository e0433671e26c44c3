#!/usr/bin/env python3
"""Draws the benchmark's plots from results.json with matplotlib (the pinned venv in .tools/plot-venv).

  plot.py RESULTS.json OUT_DIR

Each PNG carries the SHA-256 of the result it was drawn from (text chunk "Source"), so the docs check can
tell a plot that no longer matches the stored result. Labels are in English: the PNGs must not depend on
the CJK fonts a machine may lack.
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FuncFormatter  # noqa: E402

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import report  # noqa: E402  (beside this file)

MODE_NAMES = {"no-mesh": "no mesh", "no-mesh-1pct": "no mesh, 1% sampling", "mesh-shipped": "mesh, as shipped",
              "mesh-tuned": "mesh, tuned", "mesh-tuned-1pct": "mesh, tuned, 1% sampling"}
COLORS = {"no-mesh": "#2b8a3e", "no-mesh-1pct": "#69db7c", "mesh-shipped": "#c92a2a", "mesh-tuned": "#1864ab",
          "mesh-tuned-1pct": "#74c0fc"}
CATEGORY_COLORS = {"应用": "#2b8a3e", "HTTP 客户端与回环": "#f59f00", "Envoy": "#1864ab"}
CATEGORY_NAMES = {"应用": "app", "HTTP 客户端与回环": "app HTTP client + loopback", "Envoy": "Envoy"}


def save(fig, path, source):
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={report.PLOT_SOURCE_KEY: source, "Software": None})
    plt.close(fig)


def latency(result, path, source):
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), sharex=True)
    plain = FuncFormatter(lambda value, _: "%g" % value)
    for ax, percentile in zip(axes, ("50", "90", "99"), strict=True):
        for config in report.MAIN_MODES:
            runs = [r for r in report.runs_of(result, config) if r["rate"] != "max"]
            if not runs:
                continue
            ax.plot([r["actual_qps"] for r in runs], [r["latency_ms"][percentile] for r in runs], marker="o",
                    color=COLORS[config], label=MODE_NAMES[config])
        ax.set_title("p%s latency, gateway -> business-v2 -> data-service" % percentile, fontsize=9)
        ax.set_xlabel("achieved request rate (qps), %d connections" % result["meta"]["settings"]["conns"])
        ax.set_ylabel("ms")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain)
        ax.tick_params(axis="y", which="minor", labelsize=7)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    save(fig, path, source)


def cpu(result, path, source):
    groups = ("ingress Envoy", "sidecars", "apps", "zipkin", "istiod")
    colors = ("#4dabf7", "#1864ab", "#2b8a3e", "#f59f00", "#868e96")
    configs = [c for c in report.MAIN_MODES if report.run_at(result, c, report.TARGET_RATE)]
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(configs) + 1.6))
    for row, config in enumerate(configs):
        by = report.cpu_by_group(report.run_at(result, config, report.TARGET_RATE))
        left = 0.0
        for group, color in zip(groups, colors, strict=True):
            value = by.get(group, 0.0)
            ax.barh(row, value, left=left, color=color, label=group if row == 0 else None)
            left += value
        ax.text(left, row, " %.2f" % left, va="center", fontsize=8)
    ax.set_yticks(range(len(configs)), [MODE_NAMES[c] for c in configs])
    ax.invert_yaxis()
    ax.set_xlabel("CPU ms per request at %d qps (from /proc/<pid>/stat)" % report.TARGET_RATE)
    ax.legend(fontsize=8, ncol=5, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    ax.grid(True, axis="x", alpha=0.3)
    save(fig, path, source)


def breakdown(result, path, source):
    modes = list(result.get("breakdown", {}))
    fig, ax = plt.subplots(figsize=(11, 1.2 * max(1, len(modes)) + 1.4))
    for row, config in enumerate(modes):
        left = 0.0
        for segment in result["breakdown"][config]["segments"]:
            width = segment["median_ms"]
            ax.barh(row, width, left=left, color=CATEGORY_COLORS[segment["category"]], edgecolor="white")
            left += width
        ax.text(left, row, " %.2f ms" % left, va="center", fontsize=8)
    for category, color in CATEGORY_COLORS.items():
        ax.barh(0, 0, color=color, label=CATEGORY_NAMES[category])
    ax.set_yticks(range(len(modes)), [MODE_NAMES.get(m, m) for m in modes])
    ax.invert_yaxis()
    ax.set_xlabel("median time of each hop of one request, from its Zipkin spans (ms), in order along the chain")
    ax.legend(fontsize=8, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    ax.grid(True, axis="x", alpha=0.3)
    save(fig, path, source)


def startup(result, path, source):
    medians = report.startup_medians(result)
    apps = sorted(medians)
    variants = (("plain", "plain jar", "#868e96"), ("extracted", "extracted jar", "#74c0fc"),
                ("cds", "extracted jar + CDS archive", "#1864ab"))
    fig, ax = plt.subplots(figsize=(10, 3.8))
    width = 0.27
    for i, (variant, name, color) in enumerate(variants):
        ax.bar([x + (i - 1) * width for x in range(len(apps))], [medians[a].get(variant, 0) for a in apps], width,
               label=name, color=color)
    ax.set_xticks(range(len(apps)), apps)
    ax.set_ylabel("seconds from exec to ready (median)")
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    save(fig, path, source)


def main():
    results, out = sys.argv[1], sys.argv[2].rstrip("/")
    result = report.load(results)
    source = report.digest(results)
    for name, draw in zip(report.PLOTS, (latency, cpu, breakdown, startup), strict=True):
        draw(result, "%s/%s" % (out, name), source)


if __name__ == "__main__":
    main()
