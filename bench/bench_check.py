#!/usr/bin/env python3
"""`frontdoor check` on documents of the size councils publish: wall time and peak memory.

    python3 bench/bench_check.py                       # the curve from 50 to 1,000 concerns
    python3 bench/bench_check.py --quick --answers-only  # 50 and 300 concerns, once, answers checked
                                                         # and targets shown but not enforced (ctest)
    python3 bench/bench_check.py --json check.json     # also write the figures as JSON

Each document comes from bench/gen_documents.py (seeded): one-level concerns over 4 levels and 3
domains, 20 rules and 10 routing entries up to 300 concerns, 40 and 20 above. Before a run's time
counts, its answers are checked (the times are wall clock, median of --repeat runs, with the CPU time
beside them, which a busy machine disturbs less): every proof complete (no FD315), and every counterexample the
findings carry decided again by `frontdoor decide` and showing what the finding says (a lowering
entry applies and sends the contact below its level's route; the contact after one more concern
gets a lower outcome category than the one before; a shadowed entry's example goes to an earlier
entry). The shipped documents are timed too. Targets: 300 concerns within 2 s, 1,000 within 10 s,
peak memory within 500 MB, and the shipped document within the 0.96 s it took before.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import gen_documents  # noqa: E402

ORDER = {"nfa": 0, "early_help": 1, "assessment": 2, "s47": 3}
CURVE = [50, 100, 150, 200, 300, 500, 700, 1000]


def shape(concerns: int) -> tuple[int, int]:
    return (20, 10) if concerns <= 300 else (40, 20)


def concern_count(doc: dict) -> int:
    """Concerns and indicators (level -> domain -> list) together."""
    indicators = sum(len(items) for by_domain in (doc.get("indicators") or {}).values() for items in by_domain.values())
    return len(doc.get("concerns") or {}) + indicators


def measured_check(frontdoor: str, path: Path, timeout_ms: int) -> tuple[float, int, list]:
    """Run check in a child Python that reports the check's own wall time and peak RSS (wait4)."""
    code = (
        "import json,os,subprocess,sys,time\n"
        "t=time.perf_counter()\n"
        "p=subprocess.Popen(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.DEVNULL)\n"
        "out=p.stdout.read().decode()\n"  # all of it before waiting, or a full pipe would block the child
        "_,status,ru=os.wait4(p.pid,0)\n"
        "wall=time.perf_counter()-t\n"
        "print(json.dumps({'wall':wall,'cpu':ru.ru_utime+ru.ru_stime,'kb':ru.ru_maxrss,'status':os.waitstatus_to_exitcode(status),'out':out}))\n"
    )
    cmd = [sys.executable, "-c", code, frontdoor, "check", str(path), "--format", "json", "--timeout-ms", str(timeout_ms)]
    r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    if r["status"] not in (0, 1):
        raise SystemExit(f"check could not run on {path} (exit {r['status']})")
    return r["wall"], r["kb"], json.loads(r["out"]), r["cpu"]


def confirm(frontdoor: str, path: Path, findings: list, doc: dict, work: Path) -> int:
    """Decide every counterexample again; return how many were confirmed (raise on any that is not)."""
    rows, claims = [], []
    for f in findings:
        if f["code"] == "FD313":
            rows.append(f["counterexamples"][0])
            claims.append(("lowers", f))
        elif f["code"] == "FD314":
            rows += f["counterexamples"]
            claims.append(("monotonic", f))
        elif f["code"] == "FD312" and f.get("counterexamples"):
            rows.append(f["counterexamples"][0])
            claims.append(("shadowed", f))
    if not rows:
        return 0
    contacts = work / "counterexamples.jsonl"
    contacts.write_text("".join(json.dumps(r) + "\n" for r in rows))
    run = subprocess.run([frontdoor, "decide", str(path), str(contacts)], capture_output=True, text=True)
    decided = [json.loads(line) for line in run.stdout.splitlines()]
    categories = {o: s["category"] for o, s in doc["outcomes"].items()}
    route_of = {lvl["id"]: lvl["route"] for lvl in doc["levels"]}
    routing_ids = [r["id"] for r in doc["routing"]]
    lines = path.read_text().splitlines()
    i = 0
    for kind, f in claims:
        entry = lines[f["line"] - 1].split("id: ", 1)[-1].split(",", 1)[0]
        d = decided[i]
        assert d["error"] is None, d["error"]
        if kind == "lowers":
            route_cat = categories[route_of[d["level"]]]
            assert d["routing"] == entry and ORDER[d["category"]] < ORDER[route_cat], (f["message"], d)
            i += 1
        elif kind == "monotonic":
            after = decided[i + 1]
            assert ORDER[after["category"]] < ORDER[d["category"]], (f["message"], d, after)
            i += 2
        else:
            assert d["routing"] in routing_ids[: routing_ids.index(entry)], (f["message"], d)
            i += 1
    return len(claims)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frontdoor", default=os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor")))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout-ms", type=int, default=10000)
    ap.add_argument("--answers-only", action="store_true", help="fail on wrong answers, not on missed time targets")
    ap.add_argument("--json", help="write the figures here")
    a = ap.parse_args()
    import yaml

    sizes = [50, 300] if a.quick else CURVE
    repeat = 1 if a.quick else a.repeat
    results, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docs = [(f"generated {n}", n, *shape(n)) for n in sizes]
        docs += [("generated 300, section 7", 300, *shape(300))]  # rule(), base_level, a filtered counter, only_with, rule deadlines
        docs += [(str(p.relative_to(ROOT / "rules")), None, None, None) for p in sorted((ROOT / "rules").rglob("*.yaml"))]
        for name, n, rules, routing in docs:
            if n is None:
                path = ROOT / "rules" / name
            else:
                path = work / f"generated-{n}{'-spec7' if 'section 7' in name else ''}.yaml"
                path.write_text(gen_documents.generate(n, rules, routing, a.seed, spec7="section 7" in name))
            doc = yaml.safe_load(path.read_text())
            runs = [measured_check(a.frontdoor, path, a.timeout_ms) for _ in range(repeat)]
            findings = runs[0][2]
            incomplete = [f["message"] for f in findings if f["code"] == "FD315"]
            confirmed = confirm(a.frontdoor, path, findings, doc, work)
            walls = sorted(r[0] for r in runs)
            cpus = sorted(r[3] for r in runs)
            row = {"document": name, "concerns": concern_count(doc), "rules": len(doc.get("rules", [])),
                   "routing": len(doc.get("routing", [])), "wall_s_best": round(walls[0], 3),
                   "wall_s_median": round(walls[len(walls) // 2], 3), "wall_s_worst": round(walls[-1], 3), "cpu_s_median": round(cpus[len(cpus) // 2], 3),
                   "peak_mb": round(max(r[1] for r in runs) / 1024, 1), "incomplete": len(incomplete),
                   "counterexamples_confirmed": confirmed}
            results.append(row)
            print(f"{name:42s} {row['concerns']:5d} concerns {row['rules']:3d} rules {row['routing']:3d} routing  "
                  f"{row['wall_s_median']:7.3f} s (best {row['wall_s_best']:.3f}, worst {row['wall_s_worst']:.3f}; CPU {row['cpu_s_median']:.3f})  "
                  f"{row['peak_mb']:6.1f} MB  {confirmed} counterexamples confirmed", flush=True)
            if incomplete:
                failures.append(f"{name}: {len(incomplete)} proofs incomplete: {incomplete[0]}")

    def worst(concerns):
        return max((r["wall_s_worst"] for r in results if r["concerns"] == concerns and r["document"].startswith("generated")), default=None)

    shipped = next(r for r in results if r["document"] == "exampleshire.yaml")
    targets = {
        "300 concerns within 2 s": None if worst(300) is None else worst(300) <= 2.0,
        "1,000 concerns within 10 s": None if worst(1000) is None else worst(1000) <= 10.0,
        "shipped document within 0.96 s": shipped["wall_s_worst"] <= 0.96,
        "peak memory within 500 MB": max(r["peak_mb"] for r in results) <= 500,
    }
    for t, ok in targets.items():
        print(f"target: {t}: {'met' if ok else 'not run' if ok is None else 'MISSED'}")
    if a.json:
        Path(a.json).write_text(json.dumps({"results": results, "targets": targets}, indent=2) + "\n")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    missed = any(ok is False for ok in targets.values()) and not a.answers_only
    return 1 if failures or missed else 0


if __name__ == "__main__":
    sys.exit(main())
