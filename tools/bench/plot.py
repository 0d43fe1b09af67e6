#!/usr/bin/env python3
"""Latency against graph size, per server, from scripts/benchmarks' reports.

    python3 tools/bench/plot.py /tmp/orggraph-bench docs/benchmarks/latency.png

Reads mix-memory-<scale>.json (the embedded store) and compare-<scale>.json
(orggraph on Neo4j and the peer on the same Neo4j) and plots, against the
scale, the whole mix's p50 and p99 and the impact query's p99 for each.
Needs matplotlib (pip install matplotlib).
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


def main(src, out):
    runs = {}

    def add(server, scale, report):
        runs.setdefault(server, []).append((scale, report["overall"], kind(report, "impact")))

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
    ax.set_xticks([1, 10, 100], ["1× (138 nodes)", "10× (1,380)", "100× (13,800)"])
    ax.set_xlabel("graph size (municipalities' worth of the seed)")
    ax.set_ylabel("latency, ms (log scale)")
    ax.set_yscale("log")
    ax.set_title("The query mix, 16 workers, closed model, one 2-core machine")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, ncol=1, loc="upper left")
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
