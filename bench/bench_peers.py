#!/usr/bin/env python3
"""frontdoor side by side with what people would use instead, on the same decisions.

    PYTHONPATH=build/python python3 bench/bench_peers.py                   # the module in a build tree
    PYTHONPATH=build/python python3 bench/bench_peers.py --json peers.json --rows 240000 --zen-rows 12000

Peers (bench/peers/), each a hand translation of rules/exampleshire.yaml:
- GoRules ZEN (`pip install zen-engine`): the document as a JDM decision graph,
  bench/peers/exampleshire.zen.json (made by bench/peers/make_zen_graph.py), timed both through
  `ZenEngine.evaluate_batch` (one call for the whole list) and `ZenDecision.evaluate` per contact;
- pandas/NumPy, vectorised with `np.select` (bench/peers/pandas_select.py);
- a plain Python loop over rows as dicts (bench/peers/python_loop.py).

Inputs. frontdoor decides from the raw contacts: strings as `read_csv` gives them, with `concerns`
as `a=level;b=level` text, and it parses, checks, works out ages and each child's history itself.
The peers have no notion of a child's history, so they are all given the same precomputed inputs
(bench/peers/inputs.py, plain pandas/NumPy): the concerns already parsed, ages in completed months,
the typed fields with their defaults, and the three history counters; `referrals_12m` counts earlier
rows whose outcome frontdoor decided was a referral (the fixed point a peer that agrees with
frontdoor on every row would reach itself). Only rows frontdoor accepted are given to the peers. The
time to compute those inputs is reported but **not counted** for the peers: for each peer only the
deciding is timed. frontdoor's time counts everything it does (parsing, checking, history, deadlines).

Correctness first. Before anything is timed, every peer decides every contact of the shipped year
(examples/contacts-2026.csv: 23,928 accepted rows) and must give the same level, outcome, category,
referral flag, rules that held (in order), routing entry, flags and actions (in order) as frontdoor's
`decide_many`, and, for pandas and the Python loop, the same working-time deadline (ZEN has no
working-time calendar: its graph gives the outcome's `decide_within` instead). One differing row
fails the benchmark (exit 1) with the first differing rows shown. The timed runs' outputs are
checked again on the larger set.

Timing set: the shipped year repeated (bench_python.synthesise: fresh child and contact ids, dates
moved on by whole weeks) to --rows rows; ZEN, being slow, decides the first --zen-rows of it
through evaluate_batch and a quarter of those through per-contact evaluate. The contenders run in
--repeat rounds, each once per round, so that all meet the same machine (it may be shared); the
best round of each counts. Figures are rows per second of wall time, and rows per CPU second (all
threads). Each peer is reported as frontdoor's `decide_many` rows/s divided by the peer's (how many
times faster frontdoor is), measured in this same run: against decide_many with its default threads
(one per core), with one thread, and by CPU time (one thread; the steadiest figure on a busy
machine). The peers are all single-threaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import frontdoor as fd  # noqa: E402
from bench_python import synthesise  # noqa: E402
from peers import inputs, pandas_select, python_loop, zen_peer  # noqa: E402

TARGET_ZEN = 100   # the performance target: frontdoor at least 100x ZEN


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def fail(lines: list[str]) -> None:
    print("\n".join(lines), file=sys.stderr)
    sys.exit("bench_peers: a peer's decisions differ from frontdoor's; nothing was timed or the timing is void")


def peers_agree(label: str, recs, feats, ctxs, want, cont, zen) -> dict[str, int]:
    """Run every peer on the given inputs and compare with frontdoor; exit 1 on any difference."""
    fields = inputs.COMPARED
    no_deadline = [k for k in fields if k != "deadline"]
    problems: list[str] = []
    problems += inputs.compare(f"python loop ({label})", pd.DataFrame(python_loop.decide(recs, cont.domain, cont.holidays),
                                                                      columns=fields), want, fields)
    problems += inputs.compare(f"pandas np.select ({label})", pandas_select.decide(feats, cont.domain, cont.holidays), want, fields)
    if zen is not None:
        engine, decision = zen
        problems += inputs.compare(f"ZEN evaluate_batch ({label})", zen_peer.frame(zen_peer.decide_batch(engine, ctxs)), want,
                                   no_deadline)
    if problems:
        fail(problems)
    return {"rows": len(want), "fields": len(fields)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=240_000, help="rows in the timing set (default 240,000)")
    ap.add_argument("--zen-rows", type=int, default=12_000, help="rows ZEN decides in the timing (default 12,000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--no-zen", action="store_true", help="leave ZEN out (when zen-engine cannot be installed)")
    args = ap.parse_args()
    os.chdir(ROOT)

    zen = None
    if not args.no_zen:
        try:
            import zen as zen_module
        except ImportError:
            sys.exit("bench_peers: GoRules ZEN is not installed: pip install zen-engine (or --no-zen)")
        zen = zen_peer.load()
    doc = fd.load(str(inputs.DOCUMENT))
    cont = inputs.continuum()
    year = fd.read_contacts("examples/contacts-2026.csv")

    # 1. Correctness on the shipped year, every accepted row, before anything is timed.
    decided = doc.decide_many(year, progress=False)
    feats = inputs.prepare(year, decided, cont)
    recs = inputs.records(feats, cont)
    checked = peers_agree("shipped year", recs, feats, inputs.zen_contexts(recs), inputs.expected(decided, feats), cont, zen)
    print(f"checked: on the shipped year's {checked['rows']:,} accepted contacts, every peer gives frontdoor's level, outcome, "
          f"category, referral, rules, routing, flags and actions (and deadline, all but ZEN)")

    # 2. The timing set.
    t = time.perf_counter()
    frame = synthesise(year, args.rows)
    big = doc.decide_many(frame, progress=False)
    t_prep = time.perf_counter()
    feats = inputs.prepare(frame, big, cont)
    prep_s = time.perf_counter() - t_prep
    t_rec = time.perf_counter()
    recs = inputs.records(feats, cont)
    rec_s = time.perf_counter() - t_rec
    zrows = min(args.zen_rows, len(recs))
    ctxs = inputs.zen_contexts(recs[:zrows])
    want = inputs.expected(big, feats)
    n = len(frame)
    print(f"timing set: {n:,} contacts ({len(feats):,} accepted, given to the peers) made in {time.perf_counter() - t:.1f} s; "
          f"the peers' inputs took {prep_s:.1f} s (pandas) + {rec_s:.1f} s (as dicts) to compute, not counted below")

    # The contenders. Each takes no arguments and returns its decisions; `check` compares them with
    # frontdoor's. Only the call is timed: for the peers, deciding from the precomputed inputs.
    cores = os.cpu_count() or 1
    fields = inputs.COMPARED
    no_deadline = [k for k in fields if k != "deadline"]
    zsingle = max(1, zrows // 4)
    contenders: list[dict[str, Any]] = [
        {"name": "frontdoor decide_many", "rows": n, "threads": cores,
         "timed": "Document.decide_many on the raw DataFrame (parse, check, history, rules, routing, deadlines)",
         "run": lambda: doc.decide_many(frame, progress=False), "check": None},
        {"name": "frontdoor decide_many, 1 thread", "rows": n, "threads": 1, "timed": "as above, threads=1",
         "run": lambda: doc.decide_many(frame, threads=1, progress=False), "check": None},
        {"name": "pandas np.select", "rows": len(feats), "threads": 1,
         "timed": "pandas_select.decide on the precomputed frame (level, rules, routing, outcome, lists, deadlines)",
         "run": lambda: pandas_select.decide(feats, cont.domain, cont.holidays),
         "check": lambda out: inputs.compare("pandas np.select (timing set)", out, want, fields)},
        {"name": "Python loop", "rows": len(recs), "threads": 1,
         "timed": "python_loop.decide over the precomputed dicts (the same outputs as pandas)",
         "run": lambda: python_loop.decide(recs, cont.domain, cont.holidays),
         "check": lambda out: inputs.compare("python loop (timing set)", pd.DataFrame(out, columns=fields), want, fields)},
    ]
    if zen is not None:
        engine, decision = zen
        contenders += [
            {"name": "ZEN evaluate_batch", "rows": zrows, "threads": 1, "zen_engine": _version("zen-engine"),
             "timed": "ZenEngine.evaluate_batch over the precomputed dicts, results read back (no deadlines)",
             "run": lambda: zen_peer.decide_batch(engine, ctxs),
             "check": lambda out: inputs.compare("ZEN evaluate_batch (timing set)", zen_peer.frame(out), want.iloc[:zrows], no_deadline)},
            {"name": "ZEN evaluate per contact", "rows": zsingle, "threads": 1, "zen_engine": _version("zen-engine"),
             "timed": "ZenDecision.evaluate once per contact (no deadlines)",
             "run": lambda: zen_peer.decide(decision, ctxs[:zsingle]),
             "check": lambda out: inputs.compare("ZEN evaluate (timing set)", zen_peer.frame(out), want.iloc[:zsingle], no_deadline)},
        ]
    # Rounds: every contender once per round, so that all of them meet the same machine (it may be
    # shared); the best round of each counts.
    problems: list[str] = []
    best: dict[str, tuple[float, float]] = {}
    for rnd in range(args.repeat):
        for ctd in contenders:
            c, t = cpu_seconds(), time.perf_counter()
            out = ctd["run"]()
            wall, cpu = time.perf_counter() - t, cpu_seconds() - c
            if rnd == 0 and ctd["check"] is not None:
                problems += ctd["check"](out)
            del out
            if ctd["name"] not in best or wall < best[ctd["name"]][0]:
                best[ctd["name"]] = (wall, cpu)
        if problems:
            fail(problems)

    results: list[dict[str, Any]] = []
    for ctd in contenders:
        wall, cpu = best[ctd["name"]]
        results.append({"name": ctd["name"], "rows": ctd["rows"], "threads": ctd["threads"], "best_s": round(wall, 4),
                        "cpu_s": round(cpu, 4), "rows_per_s": round(ctd["rows"] / wall, 1),
                        "rows_per_cpu_s": round(ctd["rows"] / max(cpu, 1e-9), 1), "timed": ctd["timed"],
                        **({"zen_engine": ctd["zen_engine"]} if "zen_engine" in ctd else {})})
    fd_all, fd_one = results[0], results[1]
    for r in results:
        r["frontdoor_times_faster"] = round(fd_all["rows_per_s"] / r["rows_per_s"], 2)
        r["frontdoor_1thread_times_faster"] = round(fd_one["rows_per_s"] / r["rows_per_s"], 2)
        r["frontdoor_times_faster_cpu"] = round(fd_one["rows_per_cpu_s"] / r["rows_per_cpu_s"], 2)
    zen_best = max((r for r in results if r["name"].startswith("ZEN")), key=lambda r: r["rows_per_s"], default=None)
    load = os.getloadavg()[0]
    print(f"\nrows per second (best of {args.repeat} rounds; {cores} cores, load average {load:.1f}):")
    print(f"  {'':32s} {'rows':>8s} {'rows/s':>10s} {'CPU s':>7s}  frontdoor is N times faster: wall, all cores / wall, 1 thread / CPU time")
    for r in results:
        print(f"  {r['name']:32s} {r['rows']:8,d} {r['rows_per_s']:10,.0f} {r['cpu_s']:7.2f}  "
              f"{r['frontdoor_times_faster']:8,.1f}x / {r['frontdoor_1thread_times_faster']:8,.1f}x / {r['frontdoor_times_faster_cpu']:8,.1f}x")
    met = None
    if zen_best is not None:
        met = zen_best["frontdoor_times_faster"] >= TARGET_ZEN
        print(f"\ntarget, frontdoor at least {TARGET_ZEN}x ZEN (ZEN's faster way, {zen_best['name']}): "
              f"{zen_best['frontdoor_times_faster']:,.0f}x (wall, all cores), {zen_best['frontdoor_1thread_times_faster']:,.0f}x "
              f"(wall, 1 thread), {zen_best['frontdoor_times_faster_cpu']:,.0f}x (CPU time): {'met' if met else 'NOT met'}")
    print("(peers: deciding only, from precomputed inputs; frontdoor: everything from the raw contacts)")

    if args.json:
        report = {
            "benchmark": "bench/bench_peers.py",
            "document": str(inputs.DOCUMENT.relative_to(ROOT)),
            "checked": {"contacts": checked["rows"], "source": "examples/contacts-2026.csv (accepted rows)",
                        "fields": inputs.COMPARED, "zen_fields": no_deadline},
            "timing_rows": n, "peer_rows": len(feats), "zen_rows": zrows, "repeat": args.repeat,
            "inputs_seconds": {"pandas": round(prep_s, 3), "dicts": round(rec_s, 3)},
            "cores": cores, "load_average": round(load, 2), "python": platform.python_version(),
            "pandas": pd.__version__, "results": results,
            "target": {"frontdoor_times_faster_than_zen": TARGET_ZEN, "met": met},
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    main()
