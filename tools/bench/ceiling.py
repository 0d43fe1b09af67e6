#!/usr/bin/env python3
"""The widget against the HTTP ceiling, from scripts/benchmarks' ceiling-*.json.

    python3 tools/bench/ceiling.py /tmp/orggraph-bench 16 64 > widget.md

For each number of workers: every static file's rate, then the widget's
question by GET (its answer kept, and on a server that keeps none) and by
POST, each the mean of its rounds (ceiling-w<workers>-r<round>-<what>.json)
and as a share of the faster static file's mean. Standard library only.
"""
import glob
import json
import os
import re
import sys
from statistics import mean


def main(out, workers):
    print("| workers | what | req/s (mean) | each round | of the static ceiling | p50 ms | p99 ms | errors |")
    print("|---:|---|---:|---|---:|---:|---:|---:|")
    for w in workers:
        runs = {}  # what -> [report, …], in the order first seen
        for path in sorted(glob.glob(os.path.join(out, f"ceiling-w{w}-r*-*.json"))):
            m = re.match(rf"ceiling-w{w}-r(\d+)-(.+)\.json$", os.path.basename(path))
            if m:
                with open(path) as f:
                    runs.setdefault(m.group(2), []).append((int(m.group(1)), json.load(f)))
        statics = sorted(k for k in runs if k.startswith("static-"))
        if not statics:
            sys.exit(f"no ceiling-w{w}-r*-static-*.json in {out}")
        rate = {k: mean(r["overall"]["perSecond"] for _, r in v) for k, v in runs.items()}
        ceiling = max(rate[k] for k in statics)
        for k in statics + [k for k in ("kept", "uncached", "post") if k in runs]:
            reports = [r for _, r in sorted(runs[k], key=lambda x: x[0])]
            each = " / ".join(f"{r['overall']['perSecond']:.0f}" for r in reports)
            what = reports[0]["label"].rsplit(",", 1)[0]
            p50 = mean(r["overall"]["p50Ms"] for r in reports)
            p99 = mean(r["overall"]["p99Ms"] for r in reports)
            errs = sum(r["overall"]["httpErrors"] + r["overall"]["graphqlErrors"] for r in reports)
            print(f"| {w} | {what} | {rate[k]:.0f} | {each} | {rate[k] / ceiling:.0%} | {p50:.2f} | {p99:.2f} | {errs} |")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
