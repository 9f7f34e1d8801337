"""Renders results/head-to-head.sh's measurements: results/head-to-head.json, and the
head-to-head part of results/perf.md (between its two marker lines, nothing else touched).

Usage: python3 benches/peers/render.py RECORDS.jsonl BASE_REV HEAD_REV TREE_STATE
"""

import datetime
import json
import os
import platform
import subprocess
import sys

BEGIN = "<!-- head-to-head: begin (written by results/head-to-head.sh) -->"
END = "<!-- head-to-head: end -->"
MODELS = ["poolsim", "previous", "bare_loop", "simpy"]


def best(records, model, hosts):
    """The least disturbed run: the fastest inner time per event (the machine is shared)."""
    runs = [r for r in records if r["model"] == model and r["hosts"] == hosts]
    return min(runs, key=lambda r: r["inner_seconds"] / r["events"]) if runs else None


def rate(r, inner=True):
    return r["events"] / (r["inner_seconds"] if inner else r["wall_seconds"])


def ns(r):
    return 1e9 * r["inner_seconds"] / r["events"]


def mega(x):
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


def machine():
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((l.split(":", 1)[1].strip() for l in lscpu.splitlines()
                  if l.startswith("Model name")), platform.processor())
    load = open("/proc/loadavg").read().split()[:3]
    return {"nproc": os.cpu_count(), "cpu": model, "load_average_after": " ".join(load)}


def table(records, meta):
    sizes = sorted({r["hosts"] for r in records})
    b = {(m, h): best(records, m, h) for m in MODELS for h in sizes}
    out = [
        BEGIN,
        "",
        "## Head to head: poolsim, its previous build, a bare loop and SimPy",
        "",
        f"`results/head-to-head.sh --baseline {meta['base_rev']}` (run by "
        "`results/measure-perf.sh`), "
        f"{meta['date']}: this tree ({meta['head_rev']}, {meta['tree']}) against the build of "
        f"{meta['base_rev']}, the bare loop (`benches/peers/bare_loop.rs`) and the SimPy model "
        "(`benches/peers/simpy_pool.py`), all on the same pooled loss system "
        "(`benches/peers/pool.toml`: bench-large's workload without its updates, 16 sessions "
        "and 12 users a host, login rates × hosts / 1,000). "
        f"Machine: {meta['machine']['nproc']} cores, {meta['machine']['cpu']}, shared with "
        f"other work (load average {meta['machine']['load_average_after']} at the end). One "
        f"thread each; {meta['reps']} runs of poolsim, the previous build and the bare loop "
        "per size, the fastest kept; one SimPy run. poolsim and the bare loop run 30 days "
        "(365 at 10 hosts); SimPy 365, 30, 7, 2 and 2 days (it does ~50,000 events a second).",
        "",
        "*Inner* is the simulation alone (poolsim: its replications, `--stats`; the bare loop: "
        "its loop; SimPy: `env.run`); *whole* is the process, start to exit (`/usr/bin/time`), "
        "reading the scenario and writing the outputs included.",
        "",
        "| hosts | events (poolsim) | poolsim inner events/s | previous | bare loop | SimPy "
        "| poolsim / previous | poolsim cost / bare loop's | × SimPy inner | × SimPy whole |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for h in sizes:
        p, prev, bare, simpy = (b[(m, h)] for m in MODELS)
        out.append(
            f"| {h:,} | {p['events']:,} | {mega(rate(p))} | {mega(rate(prev))} "
            f"| {mega(rate(bare))} | {mega(rate(simpy))} | {rate(p) / rate(prev):.2f}× "
            f"| {ns(p) / ns(bare):.2f}× | {rate(p) / rate(simpy):.0f}× "
            f"| {rate(p, False) / rate(simpy, False):.0f}× |")
    ref = 1000 if 1000 in sizes else sizes[0]
    out += [
        "",
        f"Cost per event (inner, ns) and against {ref:,} hosts; wall (whole process) and peak "
        "memory (maximum resident set):",
        "",
        "| hosts | poolsim ns/event | vs 1,000 hosts | previous ns/event | vs 1,000 hosts "
        "| bare loop ns/event | vs 1,000 hosts | wall: poolsim / previous / bare / SimPy (s) "
        "| peak memory: poolsim / previous / bare / SimPy (MiB) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for h in sizes:
        p, prev, bare, simpy = (b[(m, h)] for m in MODELS)
        rel = lambda m, r: ns(r) / ns(b[(m, ref)])
        out.append(
            f"| {h:,} | {ns(p):.0f} | {rel('poolsim', p):.2f}× | {ns(prev):.0f} "
            f"| {rel('previous', prev):.2f}× | {ns(bare):.0f} | {rel('bare_loop', bare):.2f}× "
            f"| {p['wall_seconds']:.2f} / {prev['wall_seconds']:.2f} / "
            f"{bare['wall_seconds']:.2f} / {simpy['wall_seconds']:.2f} "
            f"| {p['peak_kib'] / 1024:.1f} / {prev['peak_kib'] / 1024:.1f} / "
            f"{bare['peak_kib'] / 1024:.1f} / {simpy['peak_kib'] / 1024:.1f} |")
    out += [
        "",
        "The same system, four ways (logins attempted per simulated day, reconnections "
        "included, and the most sessions at once; SimPy's 2- and 7-day runs start on a Monday, "
        "so they see more weekday logins per day than 30 days do: compare at 10 and 200 hosts):",
        "",
        "| hosts | poolsim | previous | bare loop | SimPy |",
        "| --- | --- | --- | --- | --- |",
    ]
    for h in sizes:
        cells = [f"{r['logins_attempted'] / r['days']:,.0f} / {r['peak_sessions']:,.0f}"
                 for r in (b[(m, h)] for m in MODELS)]
        out.append(f"| {h:,} | " + " | ".join(cells) + " |")
    out += ["", END]
    return "\n".join(out)


def main():
    path, base_rev, head_rev, tree = sys.argv[1:]
    records = [json.loads(l) for l in open(path) if l.strip()]
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "base_rev": base_rev, "head_rev": head_rev, "tree": tree, "machine": machine(),
        "reps": max(sum(1 for r in records if r["model"] == "poolsim" and r["hosts"] == h)
                    for h in {r["hosts"] for r in records}),
    }
    with open("results/head-to-head.json", "w") as f:
        json.dump({"meta": meta, "runs": records}, f, indent=2)
        f.write("\n")
    text = open("results/perf.md").read()
    section = table(records, meta)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    open("results/perf.md", "w").write(text)
    print("wrote results/head-to-head.json and the head-to-head table of results/perf.md")


if __name__ == "__main__":
    main()
