#!/usr/bin/env python3
"""Latency against graph size, per store, from orggraph-load's JSON reports.

    python3 tools/bench/plot.py /tmp/orggraph-bench docs/benchmarks-latency.png

Reads mix-<store>-<scale>.json (written by scripts/benchmarks) and plots the
whole mix's p50 and p99, and the impact query's p99, against the scale.
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


def main(src, out):
    runs = {}
    for path in glob.glob(os.path.join(src, "mix-*-*.json")):
        m = re.match(r"mix-(\w+)-(\d+)\.json$", os.path.basename(path))
        if not m:
            continue
        with open(path) as f:
            report = json.load(f)
        kinds = {k["kind"]: k for k in report["kinds"]}
        runs.setdefault(m.group(1), []).append((int(m.group(2)), report["overall"], kinds.get("impact")))
    if not runs:
        sys.exit(f"no mix-*-*.json in {src}")
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    colours = {"memory": "tab:blue", "neo4j": "tab:green"}
    for store, points in sorted(runs.items()):
        points.sort()
        scales = [p[0] for p in points]
        c = colours.get(store)
        ax.plot(scales, [p[1]["p50Ms"] for p in points], "o-", color=c, label=f"{store}: mix p50")
        ax.plot(scales, [p[1]["p99Ms"] for p in points], "s--", color=c, label=f"{store}: mix p99")
        ax.plot(scales, [p[2]["p99Ms"] for p in points if p[2]], "^:", color=c, label=f"{store}: impact p99")
    ax.set_xscale("log")
    ax.set_xticks([1, 10, 100], ["1× (138 nodes)", "10×", "100× (13,800 nodes)"])
    ax.set_xlabel("graph size (municipalities' worth of the seed)")
    ax.set_ylabel("latency, ms (log scale)")
    ax.set_yscale("log")
    ax.set_title("orggraph: the query mix, 16 workers, closed model")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
