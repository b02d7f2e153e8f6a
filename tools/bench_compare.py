#!/usr/bin/python3
"""Prints Striate's and PyTorch's benchmark results side by side, with ratios; run by tools/compare.sh.

Usage: python3 tools/bench_compare.py --striate S1.json [S2.json ...] --pytorch P1.json [P2.json ...]

Each file is one run of `striate bench --json` or `tools/bench_pytorch.py --json` (the same keys). With several
runs per side (rounds), each side's best round counts (most images/s, least latency, least peak RSS) and the
range over rounds is shown. Every ratio is oriented so that above 1 means Striate is better: Striate / PyTorch
for images/s, PyTorch / Striate for latency and peak RSS. Needs only the standard library.
"""
import argparse
import json

MEASURES = {
    "train": [("images_per_second", "train images/s (batch 128)", max, "S/P")],
    "infer": [("images_per_second", "infer images/s (batch 256)", max, "S/P")],
    "latency": [("op_ms_median", "latency median, us (batch 1)", min, "P/S"),
                ("op_ms_p90", "latency p90, us (batch 1)", min, "P/S")],
}
RSS = ("peak_rss_mib", "peak RSS, MiB", min, "P/S")


def load(paths):
    runs = []
    for path in paths:
        with open(path) as f:
            runs.append(json.load(f))
    return runs


def values(runs, model, workload, threads, key):
    """(value, cores busy) of each round; latencies in microseconds."""
    out = []
    for run in runs:
        for r in run["results"]:
            if (r["model"], r["workload"], r["threads"]) == (model, workload, threads) and r.get(key) is not None:
                out.append((r[key] * (1000 if key.startswith("op_ms") else 1), r.get("cpu_utilisation")))
    return out


def cores(pair, threads):
    """Cores kept busy; '*' marks a one-thread run that did not get a whole core (another process took it)."""
    if pair is None or pair[1] is None:
        return "-"
    return f"{pair[1]:.2f}" + ("*" if threads == 1 and pair[1] < 0.9 else "")


def fmt(v):
    return "-" if v is None else f"{v:,.0f}"


def span(vs):
    return f"{fmt(min(vs))}-{fmt(max(vs))}" if vs else "-"


def describe_runs(name, runs):
    first = runs[0]
    s = first["settings"]
    loads = ", ".join(f"{r['machine']['load_average_before']:.2f} -> {r['machine']['load_average_after']:.2f}"
                      for r in runs)
    backends = sorted({r["backend"] for run in runs for r in run["results"]})
    return (f"{name}: {first['machine']['runtime']}; {'; '.join(backends)}; options "
            f"{' '.join(first['machine']['runtime_options']) or 'none'}\n"
            f"  data {s['data']} ({s['data_images']} images), {s['warmup_seconds']:g} s warm-up + "
            f"{s['seconds']:g} s measured per workload, {len(runs)} round{'s' if len(runs) > 1 else ''}; "
            f"load average before -> after each round: {loads}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--striate", nargs="+", required=True)
    p.add_argument("--pytorch", nargs="+", required=True)
    args = p.parse_args()
    striate, torch = load(args.striate), load(args.pytorch)
    m = striate[0]["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores, {m['os']}")
    print(describe_runs("Striate", striate))
    print(describe_runs("PyTorch", torch))
    ranges = len(striate) > 1 or len(torch) > 1
    header = ["model", "threads", "measure", "Striate", "PyTorch", "ratio", "ratio is", "cores busy S/P"]
    if ranges:
        header += ["Striate range", "PyTorch range"]
    rows = [header]
    keys = []
    for r in striate[0]["results"]:
        key = (r["model"], r["workload"], r["threads"])
        if key not in keys:
            keys.append(key)
    for model, workload, threads in keys:
        for key, label, best, orientation in MEASURES[workload] + [(RSS[0], f"peak RSS, MiB ({workload})",) + RSS[2:]]:
            s = values(striate, model, workload, threads, key)
            t = values(torch, model, workload, threads, key)
            sp = best(s, key=lambda v: v[0]) if s else None
            tp = best(t, key=lambda v: v[0]) if t else None
            sb = sp[0] if sp else None
            tb = tp[0] if tp else None
            ratio = "-"
            if sb and tb:
                ratio = f"{(sb / tb if orientation == 'S/P' else tb / sb):.2f}x"
            meaning = "Striate / PyTorch" if orientation == "S/P" else "PyTorch / Striate"
            busy = "" if key == RSS[0] else f"{cores(sp, threads)} / {cores(tp, threads)}"
            row = [model, str(threads), label, fmt(sb), fmt(tb), ratio, meaning, busy]
            if ranges:
                row += [span([v for v, _ in s]), span([v for v, _ in t])]
            rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    right = {3, 4, 5}
    print()
    for r in rows:
        print("  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    print()
    print("Every ratio is above 1 when Striate is better: images/s as Striate / PyTorch; latency and peak RSS as "
          "PyTorch / Striate.\n'cores busy': processor time of the whole process / wall time while measuring, in the "
          "round shown (JIT and GC threads included on the JVM side); * = below 0.9 on one thread: disturbed.")


if __name__ == "__main__":
    main()
