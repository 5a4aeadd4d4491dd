#!/usr/bin/env python3
"""Run every frontdoor benchmark and write one JSON report.

    python3 bench/run_all.py                          # -> bench/report.json
    python3 bench/run_all.py -o /tmp/report.json --no-build
    python3 bench/run_all.py --quick                  # smaller sets, for a quick look (a minute or so)

Steps, each timed and each checked for right answers before its figures count:
1. build (unless --no-build): configures BUILD_DIR with -DFRONTDOOR_BUILD_BENCH=ON if it is not
   already, then `ninja -j2` the Google Benchmark binary, the command line and the Python module;
2. the C++ library: build/bench/frontdoor_bench --benchmark_format=json (it checks every decision on
   the shipped year against the reference evaluator's outcomes and deadlines first, a long
   history's counters against counts made with std::chrono's calendar, and each deadline timed
   alone against the checked one; a failed check is an error here);
3. Python: bench/bench_python.py --json (decide_many over pandas and Arrow; checked against the
   command line on a sample of children);
4. the command line: `frontdoor decide rules/exampleshire.yaml big.jsonl > /dev/null` on --cli-rows
   rows made by repeating examples/contacts-2026.jsonl with fresh contact and child ids (dates moved
   on by whole weeks per copy, as bench_python.py does); one more run writes the decisions to a file
   and the report says whether it has one line per input row and the expected number of rejected
   rows (72 per copy);
5. the peers: bench/bench_peers.py --json (GoRules ZEN, pandas np.select, a Python loop; each must
   give frontdoor's decisions on every shipped contact before it is timed);
6. the diverse set (bench/make_diverse.py, --diverse-rows rows, kept in --data-dir and made again
   only when its size or seed differ), where almost every row has inputs of its own so the batch
   engine's memo cannot flatter it: `cli-diverse` runs `frontdoor decide rules/exampleshire.yaml
   diverse.jsonl -o out.jsonl` (best of 3, each writing the file; the first run's file must have one
   line per row and reject exactly the set's planned bad rows), and `python-diverse` runs
   bench/bench_python.py --data diverse (decide_many from a dict-concern pandas frame, a text-concern
   frame and an Arrow table, 2 threads and 1, each checked first).
The report (bench/report.json by default) has the machine (nproc, CPU model, memory, load average),
the date, the git commit, each step's own JSON and a short summary, which ends with the five
performance targets, the diverse set's three (`diverse_targets`) and whether each shipped-year figure is
within 10% of the one docs/benchmarks.md records (`shipped_within_10_percent`), each true (met),
false (missed) or null (its step did not run). A step that fails makes the
whole command exit non-zero after writing what it has.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# The shipped-year figures docs/benchmarks.md records ("Figures", measured at 11a353b on the quiet
# 2-core machine): a run may be at most 10% slower on any of them. Times in ns or ms (lower is
# better), rates in rows or decisions per second (higher is better).
DOCUMENTED = {
    "cpp_decide_resolved_ns": 187.6, "cpp_decide_history_16_ns": 291.0, "cpp_decide_history_256_ns": 1160.0,
    "cpp_decide_history_4096_ns": 16100.0, "cpp_deadline_ns": 19.3, "cpp_compile_document_ms": 3.21,
    "cpp_decide_batch_rows_per_s": 464_000, "python_decide_many_pandas_2threads_rows_per_s": 3_320_000,
    "python_decide_many_pandas_1threads_rows_per_s": 1_930_000, "python_decide_many_arrow_2threads_rows_per_s": 2_450_000,
    "cli_decide_jsonl_rows_per_s": 1_070_000,
}


def log(msg: str) -> None:
    print(f"[run_all] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess:
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run(cmd, cwd=ROOT, **kw)


def machine() -> dict[str, Any]:
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": cpu or platform.processor(), "memory_gib": mem,
            "os": platform.platform(), "python": platform.python_version(), "load_average_at_start": os.getloadavg()}


def git() -> dict[str, Any]:
    def out(*a: str) -> str | None:
        r = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else None
    status = out("status", "--porcelain", "--untracked-files=no")
    return {"commit": out("rev-parse", "HEAD"), "describe": out("describe", "--always", "--dirty"),
            "dirty": bool(status) if status is not None else None}


def build(build_dir: Path) -> None:
    cache = build_dir / "CMakeCache.txt"
    configured = cache.exists() and "FRONTDOOR_BUILD_BENCH:BOOL=ON" in cache.read_text(errors="replace")
    if not configured:
        extra = [] if cache.exists() else ["-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release"]
        r = run(["cmake", "-S", ".", "-B", str(build_dir), *extra, "-DFRONTDOOR_BUILD_BENCH=ON"])
        if r.returncode:
            raise RuntimeError("cmake failed (is libbenchmark-dev installed? scripts/setup.sh installs it)")
    r = run(["ninja", "-C", str(build_dir), "-j2", "frontdoor_bench", "frontdoor-cli", "frontdoor_python_package"])
    if r.returncode:
        raise RuntimeError("ninja failed")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def google_benchmark(build_dir: Path, quick: bool) -> dict[str, Any]:
    exe = build_dir / "bench" / "frontdoor_bench"
    args = [str(exe), "--benchmark_format=json"]
    if quick:
        args.append("--benchmark_min_time=0.1")   # seconds (older Google Benchmark takes a plain number)
    r = run(args, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"frontdoor_bench failed (exit {r.returncode}): {r.stderr[-2000:]}")
    report = json.loads(r.stdout)
    # A benchmark whose check before timing failed is skipped with an error, not a failed exit.
    failed = [f"{b['name']}: {b.get('error_message', '')}" for b in report.get("benchmarks", []) if b.get("error_occurred")]
    if failed:
        raise RuntimeError("frontdoor_bench: checks failed before timing: " + "; ".join(failed))
    return report


def python_bench(build_dir: Path, rows: int, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "python.json"
        r = run([sys.executable, "bench/bench_python.py", "--rows", str(rows), "--repeat", str(repeat), "--json", str(out)], env=env)
        if r.returncode:
            raise RuntimeError(f"bench_python.py failed (exit {r.returncode})")
        return json.loads(out.read_text())


def big_jsonl(path: Path, rows: int) -> int:
    """examples/contacts-2026.jsonl repeated to `rows` rows: each copy with its own contact and child
    ids and its dates moved on by whole weeks (a timestamp or date that cannot be read is kept as
    it is; those rows are rejected either way)."""
    lines = (ROOT / "examples" / "contacts-2026.jsonl").read_text(encoding="utf-8").splitlines()
    year = [json.loads(x) for x in lines if x.strip()]
    n = 0
    with path.open("w", encoding="utf-8") as f:
        j = 0
        while n < rows:
            shift = dt.timedelta(weeks=j)
            for c in year:
                if n == rows:
                    break
                if j:
                    c = dict(c)
                    c["id"] = f"{c['id']}~{j}"
                    if "child" in c:
                        c["child"] = f"{c['child']}~{j}"
                    try:
                        t = dt.datetime.strptime(c["received"], "%Y-%m-%dT%H:%M:%SZ")
                        c["received"] = (t + shift).strftime("%Y-%m-%dT%H:%M:%SZ")
                    except (KeyError, TypeError, ValueError):
                        pass
                    try:
                        if "dob" in c:
                            c["dob"] = (dt.date.fromisoformat(c["dob"]) + shift).isoformat()
                    except (TypeError, ValueError):
                        pass
                f.write(json.dumps(c, separators=(",", ":")) + "\n")
                n += 1
            j += 1
    return n


def cli_bench(build_dir: Path, rows: int, repeat: int) -> dict[str, Any]:
    exe = build_dir / "frontdoor"
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "contacts.jsonl"
        t = time.perf_counter()
        n = big_jsonl(big, rows)
        made = time.perf_counter() - t
        cmd = [str(exe), "decide", "rules/exampleshire.yaml", str(big)]
        # One run to a file: every row must come back, in order, with the expected rejections.
        out = Path(tmp) / "decisions.jsonl"
        with out.open("wb") as f:
            r = run(cmd, stdout=f, stderr=subprocess.PIPE)
        if r.returncode not in (0, 1):
            raise RuntimeError(f"frontdoor decide failed (exit {r.returncode}): {r.stderr[-2000:]!r}")
        got, rejected = 0, 0
        with out.open("rb") as f:
            for line in f:
                got += 1
                if b'"error":null' not in line:
                    rejected += 1
        copies = -(-n // 24000)
        ok = got == n
        if not ok:
            raise RuntimeError(f"frontdoor decide wrote {got} decisions for {n} contacts")
        # The shipped year has 72 deliberately bad rows; each whole copy must reject exactly those.
        if (n % 24000 == 0 and rejected != 72 * copies) or rejected > 72 * copies:
            raise RuntimeError(f"frontdoor decide rejected {rejected} of {n} contacts, expected {72 * copies}")
        walls, cpus = [], []
        for _ in range(repeat):
            c, t = children_cpu(), time.perf_counter()
            with open(os.devnull, "wb") as devnull:
                r = run(cmd, stdout=devnull, stderr=subprocess.DEVNULL)
            walls.append(time.perf_counter() - t)
            cpus.append(children_cpu() - c)
            if r.returncode not in (0, 1):
                raise RuntimeError(f"frontdoor decide failed (exit {r.returncode})")
        best = min(range(repeat), key=lambda i: walls[i])
        return {"command": f"frontdoor decide rules/exampleshire.yaml <{n} rows>.jsonl > /dev/null", "rows": n,
                "input_bytes": big.stat().st_size, "input_made_s": round(made, 2), "repeat": repeat,
                "best_s": round(walls[best], 4), "cpu_s": round(cpus[best], 4), "rows_per_s": round(n / walls[best], 1),
                "all_s": [round(w, 4) for w in walls], "exit_code": r.returncode,
                "checked": {"output_rows": got, "equals_input_rows": ok, "rejected_rows": rejected,
                            "expected_rejected_rows_at_most": 72 * copies}}


def diverse_set(rows: int, data_dir: Path) -> dict[str, Any]:
    """The diverse set of `rows` rows (seed 2027) in data_dir, made only if it is not there already."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_diverse

    return make_diverse.ensure(rows, 2027, ROOT / "rules" / "exampleshire.yaml", data_dir)


def check_decisions_file(out: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """One line per input row, and exactly the planned bad rows rejected."""
    got, rejected = 0, []
    with out.open("rb") as f:
        for line in f:
            got += 1
            if b'"error":null' not in line:
                rejected.append(json.loads(line)["contact"])
    if got != meta["rows"]:
        raise RuntimeError(f"frontdoor decide wrote {got} decisions for {meta['rows']} contacts")
    if rejected != meta["bad_row_ids"]:
        unplanned = len(set(rejected) - set(meta["bad_row_ids"]))
        accepted = len(set(meta["bad_row_ids"]) - set(rejected))
        raise RuntimeError(f"frontdoor decide rejected {len(rejected)} rows of the diverse set, {meta['bad_rows']} planned "
                           f"({unplanned} rejected unplanned, {accepted} planned but accepted)")
    return {"output_rows": got, "equals_input_rows": True, "rejected_rows": len(rejected), "planned_bad_rows": meta["bad_rows"],
            "rejected_are_the_planned_rows": True}


def cli_diverse_bench(build_dir: Path, rows: int, data_dir: Path, repeat: int) -> dict[str, Any]:
    meta = diverse_set(rows, data_dir)
    exe = build_dir / "frontdoor"
    data = Path(meta["files"]["jsonl"])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        cmd = [str(exe), "decide", "rules/exampleshire.yaml", str(data), "-o", str(out)]
        walls, cpus, checked = [], [], None
        for i in range(repeat):
            c, t = children_cpu(), time.perf_counter()
            r = run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            walls.append(time.perf_counter() - t)
            cpus.append(children_cpu() - c)
            if r.returncode not in (0, 1):
                raise RuntimeError(f"frontdoor decide failed (exit {r.returncode}): {r.stderr[-2000:]!r}")
            if i == 0:
                checked = check_decisions_file(out, meta)
        best = min(range(repeat), key=lambda i: walls[i])
        return {"command": f"frontdoor decide rules/exampleshire.yaml <{rows} diverse rows>.jsonl -o out.jsonl", "rows": rows,
                "input_bytes": data.stat().st_size, "output_bytes": out.stat().st_size, "repeat": repeat,
                "best_s": round(walls[best], 4), "cpu_s": round(cpus[best], 4), "rows_per_s": round(rows / walls[best], 1),
                "all_s": [round(w, 4) for w in walls], "exit_code": r.returncode, "checked": checked}


def python_diverse_bench(rows: int, data_dir: Path, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    diverse_set(rows, data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "python.json"
        r = run([sys.executable, "bench/bench_python.py", "--data", "diverse", "--rows", str(rows), "--data-dir", str(data_dir),
                 "--repeat", str(repeat), "--json", str(out)], env=env)
        if r.returncode:
            raise RuntimeError(f"bench_python.py --data diverse failed (exit {r.returncode})")
        return json.loads(out.read_text())


def peers_bench(rows: int, zen_rows: int, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "peers.json"
        r = run([sys.executable, "bench/bench_peers.py", "--rows", str(rows), "--zen-rows", str(zen_rows), "--repeat", str(repeat),
                 "--json", str(out)], env=env)
        if r.returncode:
            raise RuntimeError(f"bench_peers.py failed (exit {r.returncode}); its messages are above (a peer that "
                               "disagrees with frontdoor, zen-engine missing, ...)")
        return json.loads(out.read_text())


def summary(report: dict[str, Any]) -> dict[str, Any]:
    s: dict[str, Any] = {}
    gb = report.get("google_benchmark")
    if isinstance(gb, dict):
        for b in gb.get("benchmarks", []):
            if b.get("name") == "decide_resolved":
                s["cpp_decide_resolved_ns"] = round(b["real_time"], 1)
                s["cpp_decide_resolved_per_s"] = round(b.get("items_per_second", 0), 1)
            if b.get("name") == "decide_batch":
                s["cpp_decide_batch_rows_per_s"] = round(b.get("items_per_second", 0), 1)
            if b.get("name") == "compile_document":
                s["cpp_compile_document_ms"] = round(b["real_time"], 2)
            if b.get("name", "").startswith("decide_long_history/"):
                s[f"cpp_decide_history_{b['name'].split('/')[1]}_ns"] = round(b["real_time"], 1)
            if b.get("name") == "deadline":
                s["cpp_deadline_ns"] = round(b["real_time"], 1)
    py = report.get("python")
    if isinstance(py, dict):
        for r in py.get("results", []):
            s[f"python_decide_many_{r['input']}_{r['threads']}threads_rows_per_s"] = r["rows_per_s"]
    cli = report.get("cli")
    if isinstance(cli, dict):
        s["cli_decide_jsonl_rows_per_s"] = cli["rows_per_s"]
    peers = report.get("peers")
    if isinstance(peers, dict):
        for r in peers.get("results", []):
            key = r["name"].lower().replace(",", "").replace(" ", "_").replace(".", "")
            s[f"peers_{key}_rows_per_s"] = r["rows_per_s"]
            s[f"peers_{key}_frontdoor_times_faster"] = r["frontdoor_times_faster"]
        s["target_frontdoor_100x_zen_met"] = peers.get("target", {}).get("met")
    py = report.get("python_diverse")
    if isinstance(py, dict):
        for r in py.get("results", []):
            s[f"diverse_decide_many_{r['input']}_{r['threads']}threads_rows_per_s"] = r["rows_per_s"]
    cli = report.get("cli_diverse")
    if isinstance(cli, dict):
        s["diverse_cli_decide_jsonl_to_file_rows_per_s"] = cli["rows_per_s"]
    s["performance_targets"] = targets(s, report)
    s["diverse_targets"] = diverse_targets(s)
    s["shipped_within_10_percent"] = within_documented(s)
    return s


def diverse_targets(s: dict[str, Any]) -> dict[str, Any]:
    """The diverse set's targets: the command line to a file at 1 M rows/s, decide_many from the
    dict-concern frame at 2 M rows/s on 2 threads, and Arrow the fastest of the three inputs."""
    def at_least(key: str, bound: float) -> bool | None:
        return None if s.get(key) is None else s[key] >= bound
    three = [s.get(f"diverse_decide_many_{k}_2threads_rows_per_s") for k in ("pandas_dict", "pandas_text", "arrow_text")]
    return {
        "cli_jsonl_to_file_1m_rows_per_s": at_least("diverse_cli_decide_jsonl_to_file_rows_per_s", 1_000_000),
        "decide_many_dict_frame_2m_rows_per_s_2threads": at_least("diverse_decide_many_pandas_dict_2threads_rows_per_s", 2_000_000),
        "arrow_fastest_of_three_2threads": None if None in three else three[2] > max(three[:2]),
    }


def within_documented(s: dict[str, Any]) -> dict[str, Any]:
    """Each DOCUMENTED figure: met (at most 10% slower), missed, or None (not measured this run)."""
    out: dict[str, Any] = {}
    for key, documented in DOCUMENTED.items():
        got = s.get(key)
        if got is None:
            out[key] = None
        elif key.endswith(("_ns", "_ms")):
            out[key] = {"documented": documented, "now": got, "met": got <= documented / 0.9}
        else:
            out[key] = {"documented": documented, "now": got, "met": got >= 0.9 * documented}
    return out


def targets(s: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """The five performance targets against this run's figures: True (met), False (missed) or None (the
    step did not run). Memory: what decide_many adds to the process's peak, at most the frame's own
    size, so that the frame and the call together stay under twice the frame."""
    def at_least(key: str, bound: float) -> bool | None:
        return None if s.get(key) is None else s[key] >= bound
    py = report.get("python")
    mem = py.get("memory_mib") if isinstance(py, dict) else None
    memory = None
    if isinstance(mem, dict) and "frame" in mem:
        memory = mem["peak_rss_after"] - mem["peak_rss_before"] <= mem["frame"]
    compile_ms = s.get("cpp_compile_document_ms")
    return {
        "cpp_5m_decisions_per_s_per_core": at_least("cpp_decide_resolved_per_s", 5_000_000),
        "compile_under_5_ms": None if compile_ms is None else compile_ms < 5,
        "python_3m_rows_per_s": at_least("python_decide_many_pandas_2threads_rows_per_s", 3_000_000),
        "python_memory_under_twice_the_frame": memory,
        "cli_1m_rows_per_s": at_least("cli_decide_jsonl_rows_per_s", 1_000_000),
        "zen_100x": s.get("target_frontdoor_100x_zen_met"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "report.json")
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build")
    ap.add_argument("--no-build", action="store_true", help="use the build tree as it is")
    ap.add_argument("--quick", action="store_true", help="smaller sets and fewer repeats")
    ap.add_argument("--python-rows", type=int, default=None, help="bench_python.py --rows (default 1,000,000; --quick 200,000)")
    ap.add_argument("--cli-rows", type=int, default=None, help="rows for the command line (default 240,000; --quick 48,000)")
    ap.add_argument("--peer-rows", type=int, default=None, help="bench_peers.py --rows (default 240,000; --quick 48,000)")
    ap.add_argument("--zen-rows", type=int, default=None, help="bench_peers.py --zen-rows (default 12,000; --quick 3,000)")
    ap.add_argument("--diverse-rows", type=int, default=None, help="rows of the diverse set (default 1,000,000; --quick 100,000)")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "data", help="where the diverse set is kept (git-ignored)")
    ap.add_argument("--only", nargs="+", choices=["cpp", "python", "cli", "peers", "cli-diverse", "python-diverse"],
                    help="run only these steps")
    args = ap.parse_args()
    build_dir = args.build_dir if args.build_dir.is_absolute() else (Path.cwd() / args.build_dir)
    q = args.quick
    python_rows = args.python_rows or (200_000 if q else 1_000_000)
    cli_rows = args.cli_rows or (48_000 if q else 240_000)
    peer_rows = args.peer_rows or (48_000 if q else 240_000)
    zen_rows = args.zen_rows or (3_000 if q else 12_000)
    diverse_rows = args.diverse_rows or (100_000 if q else 1_000_000)
    data_dir = args.data_dir.resolve()
    repeat = 2 if q else 3
    steps = args.only or ["cpp", "python", "cli", "peers", "cli-diverse", "python-diverse"]

    started = time.perf_counter()
    report: dict[str, Any] = {
        "report": "frontdoor benchmarks (bench/run_all.py)",
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(["python3", "bench/run_all.py", *sys.argv[1:]]),
        "machine": machine(), "git": git(), "errors": {},
    }
    env = dict(os.environ)
    py_path = str(build_dir / "python")
    env["PYTHONPATH"] = py_path + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["FRONTDOOR"] = str(build_dir / "frontdoor")

    if not args.no_build:
        t = time.perf_counter()
        try:
            build(build_dir)
        except RuntimeError as e:
            report["errors"]["build"] = str(e)
        report["build_s"] = round(time.perf_counter() - t, 1)

    todo = [("cpp", "google_benchmark", lambda: google_benchmark(build_dir, q)),
            ("python", "python", lambda: python_bench(build_dir, python_rows, repeat, env)),
            ("cli", "cli", lambda: cli_bench(build_dir, cli_rows, repeat)),
            ("peers", "peers", lambda: peers_bench(peer_rows, zen_rows, repeat, env)),
            ("cli-diverse", "cli_diverse", lambda: cli_diverse_bench(build_dir, diverse_rows, data_dir, repeat)),
            ("python-diverse", "python_diverse", lambda: python_diverse_bench(diverse_rows, data_dir, repeat, env))]
    if not report["errors"]:
        for step, key, fn in todo:
            if step not in steps:
                continue
            t = time.perf_counter()
            log(f"{key} ...")
            try:
                report[key] = fn()
            except (RuntimeError, OSError, ValueError) as e:
                report["errors"][key] = str(e)
                log(f"{key} FAILED: {e}")
            report.setdefault("step_seconds", {})[key] = round(time.perf_counter() - t, 1)

    report["summary"] = summary(report)
    report["total_s"] = round(time.perf_counter() - started, 1)
    report["machine"]["load_average_at_end"] = os.getloadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {args.output} in {report['total_s']} s")
    for k, v in report["summary"].items():
        if isinstance(v, dict):
            print(f"  {k}:")
            for kk, vv in v.items():
                print(f"    {kk}: {vv}")
        else:
            print(f"  {k}: {v:,}" if isinstance(v, (int, float)) and not isinstance(v, bool) else f"  {k}: {v}")
    if report["errors"]:
        for k, v in report["errors"].items():
            print(f"run_all: {k} failed: {v}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
