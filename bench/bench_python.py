#!/usr/bin/env python3
"""Document.decide_many on a million contacts: rows per second and peak memory.

    PYTHONPATH=build/python python3 bench/bench_python.py            # the module in a build tree
    python3 bench/bench_python.py --rows 2000000 --repeat 5           # an installed package
    python3 bench/bench_python.py --json python.json                  # also write the figures as JSON
    python3 bench/bench_python.py --data diverse                      # the diverse set (bench/make_diverse.py)

The million rows are the shipped synthetic year (examples/contacts-2026.csv) repeated, each copy
with its own child and contact ids and its dates moved on by a whole number of weeks, so that the
copies are different children with the same mix of needs. Before anything is timed, the decisions
for a sample of children (all of their rows) are checked against `frontdoor decide` on the same rows:
a benchmark of wrong answers is worthless.

Reports: rows per second from a pandas DataFrame (pandas' own string columns, as read_csv gives
them) and from a pyarrow Table, with the default threads (one per core) and with one thread; the
best of --repeat runs and the first; the process's peak resident memory before and after, and the
peak of Python allocations during one call (tracemalloc).

With --data diverse the rows are bench/make_diverse.py's instead (made with --rows and --seed
under --data-dir unless a set of that size and seed is there): almost every row has inputs of its
own, so the engine's memo of decisions cannot flatter it. Three inputs are timed, each with the
default threads and with one: a pandas frame made as `pd.DataFrame(json_rows)` from the JSON Lines
(concerns as dicts), the same frame with the concerns as `a=level;b=level` text, and an Arrow table
of that text frame. Each input's decisions for a sample of children are checked against
`frontdoor decide` on the same JSON lines, and each must reject exactly the set's planned bad rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

import frontdoor as fd

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ["contact", "level", "outcome", "category", "referral", "actions", "deadline", "flags", "rules", "routing", "error"]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthesise(year: pd.DataFrame, rows: int) -> pd.DataFrame:
    copies = -(-rows // len(year))
    parts = []
    received = pd.to_datetime(year["received"], utc=True, format="ISO8601", errors="coerce")
    dob = pd.to_datetime(year["dob"], format="%Y-%m-%d", errors="coerce")
    for j in range(copies):
        part = year.copy()
        if j:
            shift = pd.Timedelta(weeks=j)
            part["id"] = year["id"] + f"~{j}"
            part["child"] = year["child"] + f"~{j}"
            # Rows whose time or date cannot be read keep their text (they are rejected either way).
            part["received"] = (received + shift).dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(received.notna(), year["received"])
            part["dob"] = (dob + shift).dt.strftime("%Y-%m-%d").where(dob.notna(), year["dob"])
        parts.append(part)
    big = pd.concat(parts, ignore_index=True).iloc[:rows]
    # Back to pandas' own string columns, as pd.read_csv gives them.
    return big.astype({c: "str" for c in ["id", "child", "received", "dob"]}).reset_index(drop=True)


def cli_path() -> str | None:
    for c in (os.environ.get("FRONTDOOR"), ROOT / "build" / "frontdoor", shutil.which("frontdoor")):
        if c and Path(c).exists():
            return str(c)
    return None


def as_json(row: dict) -> dict:
    out = {}
    for k in FIELDS:
        v = row[k]
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            out[k] = None
        elif k in ("actions", "flags", "rules"):
            out[k] = list(v)
        elif k == "deadline":
            out[k] = v.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif k == "referral":
            out[k] = bool(v)
        else:
            out[k] = str(v)
    return out


def verify(doc: fd.Document, frame: pd.DataFrame, decided: pd.DataFrame, children: int, seed: int) -> int:
    cli = cli_path()
    if cli is None:
        sys.exit("bench: the frontdoor command line is needed to check the decisions first (set FRONTDOOR)")
    rng = np.random.default_rng(seed)
    kids = frame["child"].dropna().unique()
    chosen = set(rng.choice(kids, size=min(children, len(kids)), replace=False))
    rows = frame.index[frame["child"].isin(chosen) | (frame["child"].isna() & (frame.index % 97 == 0))]  # and some rows without a child
    sample = frame.loc[rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.csv"
        sample.to_csv(path, index=False)
        r = subprocess.run([cli, "decide", doc.path, str(path)], capture_output=True, text=True, cwd=ROOT)
    if r.returncode not in (0, 1):
        sys.exit(f"bench: frontdoor decide failed: {r.stderr}")
    theirs = [json.loads(line) for line in r.stdout.splitlines()]
    mine = [as_json(x) for x in decided.loc[rows].to_dict("records")]
    wrong = [(m, {k: t[k] for k in FIELDS}) for m, t in zip(mine, theirs) if m != {k: t[k] for k in FIELDS}]
    # A row without a child in the sample has no history either way; a child's rows are all there.
    if len(mine) != len(theirs) or wrong:
        for m, t in wrong[:3]:
            print("python:", m, "\ncli:   ", t, file=sys.stderr)
        sys.exit(f"bench: {len(wrong)} of {len(mine)} sampled decisions differ from the command line")
    return len(mine)


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn, repeat: int) -> tuple[float, float, float]:
    """First and best wall time, and the least CPU time (all threads) of `repeat` runs."""
    times, cpus = [], []
    for _ in range(repeat):
        c = cpu_seconds()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        cpus.append(cpu_seconds() - c)
    return times[0], min(times), min(cpus)


def print_results(results: list, rows: int, cores: int, width: int) -> None:
    """One line per timed input: (label, threads, first, best, cpu) as rows per second."""
    for label, threads, f, best, cpu in results:
        th = f"{threads} thread" if threads else f"{cores} threads"
        print(f"  {label:{width}s} {th:10s} {rows / best:12,.0f} rows/s best ({best:.2f} s)   {rows / f:12,.0f} rows/s first "
              f"({f:.2f} s)   CPU {cpu:.2f} s")


def shipped(args: argparse.Namespace) -> None:
    doc = fd.load(args.document)
    year = fd.read_contacts("examples/contacts-2026.csv")
    t = time.perf_counter()
    frame = synthesise(year, args.rows)
    frame_mib = frame.memory_usage(deep=True).sum() / 2**20
    print(f"{len(frame):,} rows ({len(frame) // len(year)} copies of the shipped year, "
          f"{frame['child'].nunique():,} children) made in {time.perf_counter() - t:.1f} s; "
          f"frame {frame_mib:,.0f} MiB")

    rss_before = peak_rss_mib()
    tracemalloc.start()
    t = time.perf_counter()
    out = doc.decide_many(frame, progress=False)
    first = time.perf_counter() - t
    _, py_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = peak_rss_mib()
    checked = verify(doc, frame, out, args.sample_children, args.seed)
    print(f"checked: {checked:,} sampled decisions equal `frontdoor decide` on the same rows")
    del out

    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    cores = os.cpu_count()
    results = []
    for label, data, threads in [("pandas", frame, None), ("pandas", frame, 1), ("arrow", table, None)]:
        f, best, cpu = timed(lambda: doc.decide_many(data, threads=threads, progress=False), args.repeat)
        results.append((label, threads, f, best, cpu))
    print(f"\ndecide_many on {len(frame):,} rows ({cores} cores; best of {args.repeat} runs, and the first run):")
    print_results(results, len(frame), cores, 7)
    load = os.getloadavg()[0]
    print(f"  (load average {load:.1f} on {cores} cores: when other work shares the cores, wall time exceeds CPU time / threads)")
    print(f"  first call overall (before any warm-up): {len(frame) / first:,.0f} rows/s ({first:.2f} s)")
    print(f"\npeak memory: process peak RSS {rss_before:,.0f} MiB with the frame built, {rss_after:,.0f} MiB after "
          f"decide_many (+{rss_after - rss_before:,.0f} MiB); Python allocations during the call peaked at "
          f"{py_peak / 2**20:,.0f} MiB (tracemalloc; the C++ side is in the RSS figure)")
    if args.json:
        report = {
            "benchmark": "bench/bench_python.py", "document": args.document, "rows": len(frame), "repeat": args.repeat,
            "checked_against_cli": checked, "cores": cores, "load_average": round(load, 2),
            "first_call": {"seconds": round(first, 4), "rows_per_s": round(len(frame) / first, 1)},
            "results": [{"input": label, "threads": threads or cores, "first_s": round(f, 4), "best_s": round(best, 4),
                         "cpu_s": round(cpu, 4), "rows_per_s": round(len(frame) / best, 1)}
                        for label, threads, f, best, cpu in results],
            "memory_mib": {"frame": round(frame_mib, 1), "peak_rss_before": round(rss_before, 1), "peak_rss_after": round(rss_after, 1),
                           "python_peak_during_call": round(py_peak / 2**20, 1)},
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


def diverse_set(args: argparse.Namespace) -> dict:
    """The diverse set of --rows rows and --seed under --data-dir, made if it is not there."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_diverse

    return make_diverse.ensure(args.rows, args.seed, ROOT / args.document, args.data_dir)


def verify_lines(doc: fd.Document, lines: list[str], frame: pd.DataFrame, outputs: dict, children: int, seed: int) -> int:
    """Each output's decisions for the rows of a sample of children (and some rows without a child)
    against `frontdoor decide` on those same JSON lines."""
    cli = cli_path()
    if cli is None:
        sys.exit("bench: the frontdoor command line is needed to check the decisions first (set FRONTDOOR)")
    rng = np.random.default_rng(seed)
    kids = frame["child"].dropna().unique()
    chosen = set(rng.choice(kids, size=min(children, len(kids)), replace=False))
    rows = np.flatnonzero(frame["child"].isin(chosen).to_numpy() | (frame["child"].isna().to_numpy() & (np.arange(len(frame)) % 97 == 0)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.jsonl"
        path.write_text("".join(lines[i] for i in rows), encoding="utf-8")
        r = subprocess.run([cli, "decide", doc.path, str(path)], capture_output=True, text=True, cwd=ROOT)
    if r.returncode not in (0, 1):
        sys.exit(f"bench: frontdoor decide failed: {r.stderr}")
    theirs = [{k: t[k] for k in FIELDS} for t in map(json.loads, r.stdout.splitlines())]
    for label, out in outputs.items():
        frame_out = out if isinstance(out, pd.DataFrame) else out.to_pandas()
        mine = [as_json(x) for x in frame_out.iloc[rows].to_dict("records")]
        wrong = [(m, t) for m, t in zip(mine, theirs) if m != t]
        if len(mine) != len(theirs) or wrong:
            for m, t in wrong[:3]:
                print("python:", m, "\ncli:   ", t, file=sys.stderr)
            sys.exit(f"bench: {label}: {len(wrong)} of {len(mine)} sampled decisions differ from the command line")
    return len(rows)


def rejected(out) -> int:
    col = out["error"] if isinstance(out, pd.DataFrame) else out.column("error").to_pandas()
    return int(col.notna().sum())


def diverse(args: argparse.Namespace) -> None:
    import pyarrow as pa

    doc = fd.load(args.document)
    meta = diverse_set(args)
    t = time.perf_counter()
    lines = Path(meta["files"]["jsonl"]).read_text(encoding="utf-8").splitlines(keepends=True)
    as_dicts = pd.DataFrame([json.loads(x) for x in lines])
    as_text = as_dicts.copy()
    as_text["concerns"] = [";".join(f"{c}={lv}" for c, lv in d.items()) for d in as_dicts["concerns"]]
    table = pa.Table.from_pandas(as_text, preserve_index=False)
    inputs = {"pandas_dict": as_dicts, "pandas_text": as_text, "arrow_text": table}
    sizes = {"pandas_dict": as_dicts.memory_usage(deep=True).sum() / 2**20,
             "pandas_text": as_text.memory_usage(deep=True).sum() / 2**20, "arrow_text": table.nbytes / 2**20}
    print(f"{len(as_dicts):,} diverse rows ({meta['children']:,} children, {meta['bad_rows']} planned bad rows) read and "
          f"framed in {time.perf_counter() - t:.1f} s; frames " + ", ".join(f"{k} {v:,.0f} MiB" for k, v in sizes.items()))

    outputs = {label: doc.decide_many(data, progress=False) for label, data in inputs.items()}
    for label, out in outputs.items():
        if rejected(out) != meta["bad_rows"]:
            sys.exit(f"bench: {label}: {rejected(out)} rows rejected, {meta['bad_rows']} planned")
    checked = verify_lines(doc, lines, as_dicts, outputs, args.sample_children, args.seed)
    print(f"checked: each input rejects exactly the {meta['bad_rows']} planned rows, and its decisions on {checked:,} "
          f"sampled rows equal `frontdoor decide` on the same lines")
    del outputs, lines

    cores = os.cpu_count()
    results = []
    for label, data in inputs.items():
        for threads in (None, 1):
            f, best, cpu = timed(lambda: doc.decide_many(data, threads=threads, progress=False), args.repeat)
            results.append((label, threads, f, best, cpu))
    n = len(as_dicts)
    print(f"\ndecide_many on {n:,} diverse rows ({cores} cores; best of {args.repeat} runs, and the first run):")
    print_results(results, n, cores, 12)
    load = os.getloadavg()[0]
    print(f"  (load average {load:.1f} on {cores} cores)")
    if args.json:
        report = {
            "benchmark": "bench/bench_python.py --data diverse", "document": args.document, "rows": n, "repeat": args.repeat,
            "set": {k: meta[k] for k in ("seed", "children", "rows_without_child", "contacts_per_child", "bad_rows", "bad_by_kind")},
            "checked_against_cli": checked, "rejected_as_planned": meta["bad_rows"], "cores": cores, "load_average": round(load, 2),
            "frames_mib": {k: round(v, 1) for k, v in sizes.items()},
            "results": [{"input": label, "threads": threads or cores, "first_s": round(f, 4), "best_s": round(best, 4),
                         "cpu_s": round(cpu, 4), "rows_per_s": round(n / best, 1)}
                        for label, threads, f, best, cpu in results],
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", choices=["shipped", "diverse"], default="shipped",
                    help="the shipped year repeated (default) or bench/make_diverse.py's set")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "data", help="where the diverse set is kept or made")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample-children", type=int, default=2000)
    ap.add_argument("--document", default="rules/exampleshire.yaml")
    ap.add_argument("--seed", type=int, default=None, help="sample seed (shipped, default 2026) or the set's seed (diverse, default 2027)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    os.chdir(ROOT)
    if args.data == "diverse":
        args.seed = 2027 if args.seed is None else args.seed
        args.data_dir = args.data_dir.resolve()
        diverse(args)
    else:
        args.seed = 2026 if args.seed is None else args.seed
        shipped(args)


if __name__ == "__main__":
    main()
