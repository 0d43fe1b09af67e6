#!/usr/bin/env python3
"""The tables of docs/BENCHMARKS.md, from the JSON reports of scripts/benchmarks.

    python3 tools/bench/tables.py /tmp/orggraph-bench > tables.md

Reads mix-memory-<scale>.json (the embedded store), compare-<scale>.json
(orggraph on Neo4j, then the peer on the same Neo4j, in rounds; the peer one
worker per core) and compare-single-<scale>.json (the same against the peer
as one process) and the
single-kind runs widget-*.json and impact-*.json; beside the mix's tables,
a note for each limit-<scale>.json (the sizes at which orggraph ran with
its price limit raised, and why). The main table and the
per-kind one take each comparison's last round; the comparison table shows
every round. Needs only the standard library.
"""
import glob
import json
import os
import re
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def kind(report, name):
    for k in report["kinds"]:
        if k["kind"] == name:
            return k
    return {}


def errors(stats):
    return stats["httpErrors"] + stats["graphqlErrors"]


def scale_of(path, prefix):
    m = re.match(prefix + r"-(\d+)\.json$", os.path.basename(path))
    return int(m.group(1)) if m else None


def reports(src, prefix):
    """(scale, report) for each prefix-<scale>.json in src."""
    for path in glob.glob(os.path.join(src, prefix + "-*.json")):
        s = scale_of(path, prefix)
        if s is not None:
            yield s, load(path)


def limit_notes(src):
    """What scripts/benchmarks' fit_price recorded: the sizes at which
    orggraph ran with its price limit raised, and why."""
    notes = []
    for path in sorted(glob.glob(os.path.join(src, "limit-*.json")), key=lambda p: scale_of(p, "limit") or 0):
        r = load(path)
        # Raised on the memory store, the limit is kept for Neo4j at the
        # same size; Neo4j's entry appears only if it had to go higher.
        flags = ", then ".join(f"`--max-price {p}`" + (" on Neo4j" if st == "neo4j" and len(r["maxPrice"]) > 1 else "")
                               for st, p in r["maxPrice"].items())
        refused = ", ".join(("the deep listing" if k == "deep" else f"the {k} question") + f" (priced at {p:,})"
                            for k, p in r["refused"].items())
        notes.append(f"At {r['scale']}× orggraph ran, on both stores, with {flags}, and the answer ceiling's values "
                     f"with it: the default limit of {r.get('defaultLimit', 0):,} refuses {refused} there. "
                     f"The peer has no such limit.")
    return notes


def main(src):
    rows = []  # (scale, order, name, report)
    for s, r in reports(src, "mix-memory"):
        rows.append((s, 0, "memory", r))
    pairs = []
    for s, c in reports(src, "compare"):
        p = c["rounds"][-1]
        rows.append((s, 1, "orggraph on Neo4j", p["a"]))
        rows.append((s, 2, c["b"]["name"] + " on Neo4j", p["b"]))
        pairs.append((s, c, p))
    # The peer as a single Node process: the second row of each comparison.
    for s, c in reports(src, "compare-single"):
        p = c["rounds"][-1]
        rows.append((s, 3, c["b"]["name"] + " on Neo4j", p["b"]))
        pairs.append((s, c, p))
    if not rows:
        sys.exit(f"no reports in {src}")
    rows.sort(key=lambda r: (r[1], r[0]))
    pairs.sort(key=lambda p: (p[0], p[1]["b"]["name"]))

    notes = limit_notes(src)
    r0 = rows[0][3]
    print(f"### The mix: {r0.get('concurrency')} workers, closed model, "
          f"{r0['durationSeconds']:.0f} s after a {r0['warmupSeconds']:.0f} s warm-up\n")
    print("| server | size | req/s | p50 ms | p95 ms | p99 ms | widget p99 | impact p50 | impact p99 | dependencies p99 | deep p50 | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s, _, name, r in rows:
        o = r["overall"]
        print(f"| {name} | {s}× | {o['perSecond']:.0f} | {o['p50Ms']:.1f} | {o['p95Ms']:.1f} | {o['p99Ms']:.1f} | "
              f"{kind(r, 'widget').get('p99Ms', 0):.1f} | {kind(r, 'impact').get('p50Ms', 0):.1f} | "
              f"{kind(r, 'impact').get('p99Ms', 0):.1f} | {kind(r, 'dependencies').get('p99Ms', 0):.1f} | "
              f"{kind(r, 'deep').get('p50Ms', 0):.1f} | {errors(o)} |")
    for n in notes:
        print(f"\n{n}")

    if pairs:
        print("\n### orggraph against the peer, on the same Neo4j, back to back\n")
        print("| size | peer | round | orggraph req/s | peer req/s | throughput × | orggraph p99 ms | peer p99 ms | p99 ÷ (peer / orggraph) |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for s, c, _ in pairs:
            for i, p in enumerate(c["rounds"]):
                a, b = p["a"]["overall"], p["b"]["overall"]
                print(f"| {s}× | {c['b']['name']} | {i + 1} | {a['perSecond']:.0f} | {b['perSecond']:.0f} | **{p['throughputRatio']:.2f}** | "
                      f"{a['p99Ms']:.1f} | {b['p99Ms']:.1f} | **{p['p99Ratio']:.2f}** |")
        print("\nPer kind (p50 / p99 ms, orggraph then peer):\n")
        kinds = [k["kind"] for k in pairs[0][2]["a"]["kinds"]]
        print("| size | peer | " + " | ".join(kinds) + " |")
        print("|---:|---|" + "---|" * len(kinds))
        for s, c, p in pairs:
            cells = []
            for k in kinds:
                ka, kb = kind(p["a"], k), kind(p["b"], k)
                cells.append(f"{ka.get('p50Ms', 0):.1f} / {ka.get('p99Ms', 0):.1f} against "
                             f"{kb.get('p50Ms', 0):.1f} / {kb.get('p99Ms', 0):.1f}")
            print(f"| {s}× | {c['b']['name']} | " + " | ".join(cells) + " |")
        for n in notes:
            print(f"\n{n}")

    singles = sorted(glob.glob(os.path.join(src, "widget-*.json")) + glob.glob(os.path.join(src, "impact-*.json")))
    if singles:
        print("\n### One kind alone\n")
        print("| run | load | req/s | p50 ms | p95 ms | p99 ms | errors |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for path in singles:
            r = load(path)
            o = r["overall"]
            how = f"{r['concurrency']} workers" if r["model"] == "closed" else \
                f"{r['rate']:.0f}/s offered ({r['dropped']} dropped, {r['late']} late)"
            print(f"| {r.get('label') or os.path.basename(path)} | {how} | {o['perSecond']:.0f} | "
                  f"{o['p50Ms']:.2f} | {o['p95Ms']:.2f} | {o['p99Ms']:.2f} | {errors(o)} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
