#!/usr/bin/env python3
"""Latency against graph size, per server, from scripts/benchmarks' reports.

    python3 tools/bench/plot.py /tmp/orggraph-bench docs/benchmarks/latency.png

    python3 tools/bench/plot.py /tmp/orggraph-bench docs/benchmarks/latency.png docs/benchmarks/kinds.png

Reads mix-memory-<scale>.json (the embedded store) and compare-<scale>.json
(orggraph on Neo4j and the peer on the same Neo4j) and plots, against the
scale, the whole mix's p50 and p99 and the impact query's p99 for each; with
a second file, also each kind's p99 against the scale, one panel a server:
the kinds whose answer does not grow beside the deep listing, whose does.
Every size the reports hold is drawn, 1000× included when the run had it;
a size at which orggraph ran with its price limit raised (limit-<scale>.json,
from scripts/benchmarks) is named under the plots. Needs matplotlib (pip install matplotlib).
"""
import glob
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def kind(report, name):
    for k in report["kinds"]:
        if k["kind"] == name:
            return k
    return None


KINDS = ["widget", "impact", "dependencies", "search", "deep"]
NODES = {1: "138", 10: "1,380", 100: "13,800", 1000: "138,000"}


def scale_ticks(ax, scales):
    scales = sorted(set(scales))
    ax.set_xticks(scales, [f"{s}× ({NODES.get(s, '?')})" if s == 1 else f"{s}×\n({NODES.get(s, '?')})" for s in scales])
    ax.minorticks_off()


def limit_caption(src):
    """A line for each size at which scripts/benchmarks raised orggraph's
    price limit (limit-<scale>.json), or ""."""
    lines = []
    for path in sorted(glob.glob(os.path.join(src, "limit-*.json"))):
        with open(path) as f:
            r = json.load(f)
        price = max(r["maxPrice"].values())
        lines.append(f"{r['scale']}×: orggraph with --max-price {price:,} (default {r.get('defaultLimit', 0):,}), "
                     f"the deep listing's price there; the peer has no such limit")
    return "\n".join(lines)


def main(src, out, kinds_out=None):
    runs = {}
    reports = {}

    def add(server, scale, report):
        runs.setdefault(server, []).append((scale, report["overall"], kind(report, "impact")))
        reports.setdefault(server, []).append((scale, report))

    for path in glob.glob(os.path.join(src, "mix-memory-*.json")):
        m = re.match(r"mix-memory-(\d+)\.json$", os.path.basename(path))
        if m:
            with open(path) as f:
                add("orggraph, memory store", int(m.group(1)), json.load(f))
    for path in glob.glob(os.path.join(src, "compare-*.json")):
        m = re.match(r"compare-(\d+)\.json$", os.path.basename(path))
        if not m:
            continue
        with open(path) as f:
            c = json.load(f)
        p = c["rounds"][-1]
        add("orggraph, Neo4j", int(m.group(1)), p["a"])
        add(c["b"]["name"] + ", Neo4j", int(m.group(1)), p["b"])
    if not runs:
        sys.exit(f"no reports in {src}")
    fig, ax = plt.subplots(figsize=(7.5, 4.6), dpi=120)
    colours = ["tab:blue", "tab:green", "tab:orange"]
    for i, (server, points) in enumerate(sorted(runs.items(), key=lambda r: ("memory" not in r[0], "@" in r[0]))):
        points.sort(key=lambda p: p[0])
        scales = [p[0] for p in points]
        c = colours[i % len(colours)]
        ax.plot(scales, [p[1]["p50Ms"] for p in points], "o-", color=c, label=f"{server}: mix p50")
        ax.plot(scales, [p[1]["p99Ms"] for p in points], "s--", color=c, label=f"{server}: mix p99")
        ax.plot([p[0] for p in points if p[2]], [p[2]["p99Ms"] for p in points if p[2]], "^:", color=c,
                label=f"{server}: impact p99")
    ax.set_xscale("log")
    scale_ticks(ax, [p[0] for points in runs.values() for p in points])
    ax.set_xlabel("graph size (municipalities' worth of the seed)")
    ax.set_ylabel("latency, ms (log scale)")
    ax.set_yscale("log")
    ax.set_title("The query mix, 16 workers, closed model, one 2-core machine")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, ncol=1, loc="upper left")
    caption = limit_caption(src)
    fig.tight_layout(rect=(0, 0.05 if caption else 0, 1, 1))
    if caption:
        fig.text(0.01, 0.01, caption, fontsize=7, va="bottom")
    fig.savefig(out)
    if kinds_out:
        plot_kinds(reports, kinds_out, caption)


def plot_kinds(reports, out, caption=""):
    servers = sorted(reports, key=lambda r: ("memory" not in r, "@" in r))
    fig, axes = plt.subplots(1, len(servers), figsize=(4.2 * len(servers), 4.4), dpi=120, sharey=True, squeeze=False)
    styles = {"widget": "o-", "impact": "^-", "dependencies": "s-", "search": "v-", "deep": "D--"}
    unanswered = []
    for ax, server in zip(axes[0], servers):
        points = sorted(reports[server], key=lambda p: p[0])
        for name in KINDS:
            # A kind with no answer at a size (every request refused) has no
            # latency worth drawing there.
            answered = [(s, kind(r, name)) for s, r in points if kind(r, name) and kind(r, name).get("ok", 1) > 0]
            unanswered += [f"{name} on {server} at {s}×" for s, r in points if kind(r, name) and kind(r, name).get("ok", 1) == 0]
            xs = [s for s, _ in answered]
            ys = [k["p99Ms"] for _, k in answered]
            if xs:
                ax.plot(xs, ys, styles[name], label=name + (" (answer grows)" if name == "deep" else ""))
        ax.set_xscale("log")
        ax.set_yscale("log")
        scale_ticks(ax, [p[0] for p in points])
        ax.set_title(server, fontsize=9)
        ax.set_xlabel("graph size (× the seed; nodes)", fontsize=8)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0][0].set_ylabel("p99 latency, ms (log scale)")
    axes[0][0].legend(fontsize=7, loc="upper left")
    fig.suptitle("p99 of each kind of the mix against graph size, 16 workers, one 2-core machine", fontsize=10)
    if unanswered:
        caption = "\n".join(filter(None, [caption, "not drawn, no request answered: " + "; ".join(unanswered)]))
    fig.tight_layout(rect=(0, 0.03 * (caption.count("\n") + 1) + 0.02 if caption else 0, 1, 1))
    if caption:
        fig.text(0.01, 0.01, caption, fontsize=7, va="bottom")
    fig.savefig(out)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(*sys.argv[1:])
