#!/usr/bin/env python3
"""Long differential run: the C++ engine (`frontdoor decide`) against the Python reference
evaluator (tests/reference/frontdoor_ref.py) over millions of seeded random decisions, outside pytest.

    nice -n 19 python3 tests/differential/long_run.py --decisions 10000000 [--seed S] [--report FILE]

It compares exactly what tests/differential/test_differential.py compares (fdgen.compare: level,
outcome, category, referral, actions, deadline, flags, rules, routing, error-or-not, the ids of the
rules and routing entries undecided for want of a value, the kinds and ids of the other reasons, and
the exit code) over two kinds of seeded chunks, interleaved so that `--default-share` of the decisions
are of the first kind:

  default    rules/exampleshire.yaml, batches of --default-batch random contacts sharing child ids
             (fdgen.gen_contacts, as in test (a)), so the batch history counters matter;
  generated  a random valid document from fdgen.gen_document with every expression feature
             (fdgen.FEATURES_ALL) and --contacts-per-doc random contacts for it (as in test (b)).

Seeds: with B = S * 10**8, default batch j uses contacts seed B + 60_000_000 + j; generated document
k uses document seed B + k and contacts seed B + 30_000_000 + k (fdgen.seeded_case). Any chunk can be
regenerated from those seeds alone; the run never reuses the CI's seeds when S >= 1.

It prints a progress line every --progress seconds and rewrites the JSON report (--report) each
time, with `"finished": false` until it ends. On the first divergence it writes replay files (the
document, the contacts, per divergent row the rows of its child, the full account in report.txt and
the seeds in case.json) under --replay-dir, prints the account and exits 1. Exit 0: the count was
reached (or --max-seconds ran out) with no divergence; 2: could not run; 130: interrupted (SIGINT or
SIGTERM; the report is still written).

The binary is $FRONTDOOR (default /work/main/build/frontdoor). Others may relink it during a run: its
sha256 is recorded whenever it changes, and a chunk whose engine could not run (binary missing or
half-written) or whose binary changed while it ran is run again (for up to a minute) before that
counts as a failure.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fdgen  # noqa: E402

SEED_STRIDE = 10 ** 8
GEN_CONTACTS_OFFSET = 30_000_000
DEFAULT_CONTACTS_OFFSET = 60_000_000


def default_seed(seed: int, j: int) -> int:
    return seed * SEED_STRIDE + DEFAULT_CONTACTS_OFFSET + j


def generated_seeds(seed: int, k: int) -> tuple[int, int]:
    return seed * SEED_STRIDE + k, seed * SEED_STRIDE + GEN_CONTACTS_OFFSET + k


def git_commit() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", "-C", str(fdgen.REPO), *args], capture_output=True, text=True,
                                  timeout=30).stdout.rstrip("\n")
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": git("rev-parse", "HEAD"),
            "tracked_files_modified": [line[3:] for line in git("status", "--porcelain", "-uno").splitlines()]}


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class BinaryWatch:
    """Records the engine binary's sha256 whenever its mtime or size changes."""

    def __init__(self, path):
        self.path = path
        self.stamp = None
        self.seen = []

    def check(self, decisions: int):
        try:
            st = os.stat(self.path)
        except OSError:
            return
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self.stamp:
            return
        try:
            digest = hashlib.sha256(Path(self.path).read_bytes()).hexdigest()
        except OSError:
            return
        self.stamp = stamp
        if not self.seen or self.seen[-1]["sha256"] != digest:
            self.seen.append({"sha256": digest, "mtime": dt.datetime.fromtimestamp(st.st_mtime).isoformat(
                timespec="seconds"), "from_decision": decisions})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--decisions", type=int, default=10_000_000, help="stop after this many (default 10M)")
    ap.add_argument("--seed", type=int, default=1, help="run seed S >= 0 (default 1)")
    ap.add_argument("--report", default="differential-long-run.json", help="JSON report to write")
    ap.add_argument("--replay-dir", default=None, help="where replay files go (default /tmp/frontdoor-long-run-S)")
    ap.add_argument("--default-share", type=float, default=0.3,
                    help="share of the decisions made on the default document (default 0.3)")
    ap.add_argument("--default-batch", type=int, default=2000, help="contacts per default-document batch")
    ap.add_argument("--contacts-per-doc", type=int, default=500, help="contacts per generated document")
    ap.add_argument("--progress", type=float, default=180, help="seconds between progress lines")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop (without failing) after this much wall time; the report says so")
    args = ap.parse_args(argv)
    if args.seed < 0 or args.decisions < 0 or not 0 <= args.default_share <= 1:
        ap.error("--seed and --decisions must be >= 0 and --default-share in [0, 1]")
    if not os.access(fdgen.FRONTDOOR, os.X_OK):
        print(f"long_run: frontdoor binary not found at {fdgen.FRONTDOOR} (set $FRONTDOOR)", file=sys.stderr)
        return 2
    replay_root = Path(args.replay_dir or f"/tmp/frontdoor-long-run-{args.seed}")
    report_path = Path(args.report)

    wall0, cpu0 = time.monotonic(), cpu_seconds()
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    stats = {"default": collections.Counter(), "generated": collections.Counter()}
    batches = {"default": 0, "generated": 0}
    divergences = []
    engine_retries = 0
    watch = BinaryWatch(fdgen.FRONTDOOR)
    state = {"stopped": None}

    def total():
        return stats["default"]["rows"] + stats["generated"]["rows"]

    def write_report(finished: bool):
        wall = time.monotonic() - wall0
        rep = {
            "finished": finished,
            "stopped": state["stopped"],
            "command": " ".join([sys.executable, *sys.argv]) if argv is None else "long_run.main(" + repr(argv) + ")",
            "seed": args.seed,
            "target_decisions": args.decisions,
            "decisions": {"total": total(), "default": stats["default"]["rows"],
                          "generated": stats["generated"]["rows"]},
            "rejected_rows": {k: stats[k]["rejected"] for k in stats},
            "rows_with_unknown_reasons": {k: stats[k]["with_unknown"] for k in stats},
            "default_batches": batches["default"],
            "documents_generated": batches["generated"],
            "default_batch": args.default_batch,
            "contacts_per_document": args.contacts_per_doc,
            "default_share": args.default_share,
            "divergences": len(divergences),
            "divergence_details": divergences,
            "engine_retries": engine_retries,
            "wall_seconds": round(wall, 1),
            "cpu_seconds": round(cpu_seconds() - cpu0, 1),
            "decisions_per_wall_second": round(total() / wall, 1) if wall > 0 else None,
            "started": started,
            "ended": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds") if finished else None,
            "git": git_info,
            "frontdoor": fdgen.FRONTDOOR,
            "frontdoor_binaries": watch.seen,
            "python": sys.version.split()[0],
        }
        tmp = report_path.with_name(report_path.name + ".tmp")
        tmp.write_text(json.dumps(rep, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, report_path)
        return rep

    def on_signal(signum, frame):
        state["stopped"] = f"signal {signum}"
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    git_info = git_commit()

    def fail(kind, index, seeds, doc_text, rows, bad, label):
        d = fdgen.write_replay(replay_root / f"{kind}-{index}", doc_text, rows, bad) if doc_text else replay_root
        d.mkdir(parents=True, exist_ok=True)
        account = fdgen.report(doc_text if kind == "generated" else None, rows, bad, doc_label=label)
        if kind == "default":
            account = f"document: {fdgen.DEFAULT_DOC}\n" + account
        account += f"\n--- replay ---\n{fdgen.replay_commands(d)}"
        (d / "report.txt").write_text(account, encoding="utf-8")
        fd = f"python3 {fdgen.HERE}/fdgen.py"
        regen = (f"{fd} default {seeds['contacts']} {len(rows)} DIR" if kind == "default" else
                 f"{fd} seeded {seeds['document']} {seeds['contacts']} {len(rows)} DIR")
        (d / "case.json").write_text(json.dumps({"kind": kind, "index": index, "seeds": seeds, "rows": len(rows),
                                                  "regenerate": regen}, indent=1) + "\n", encoding="utf-8")
        divergences.append({"kind": kind, "index": index, "seeds": seeds, "replay": str(d),
                            "count": len(bad), "first": {k: v for k, v in bad[0].items()
                                                         if k in ("kind", "index", "row", "engine", "reference")}})
        print(account, file=sys.stderr)

    def run_chunk(kind, index, seeds, doc_text, rows, doc_path=None, rdoc=None) -> bool:
        nonlocal engine_retries
        for attempt in range(13):
            watch.check(total())
            stamp = watch.stamp
            chunk_stats = collections.Counter()
            try:
                bad = fdgen.compare(doc_text, rows, doc_path, stats=chunk_stats, rdoc=rdoc)
            except Exception as e:   # a crash of either side is a finding too
                bad = [{"kind": "exception", "error": f"{type(e).__name__}: {e}"}]
            watch.check(total())
            if bad and attempt < 12 and (bad[0]["kind"] == "engine could not run" or watch.stamp != stamp):
                # the binary is being relinked by someone else (it could not run, or it changed during
                # the chunk, so the engine's answers may come from a half-built tree): run the chunk
                # again, all of it on the binary that is there now
                engine_retries += 1
                time.sleep(5)
                continue
            break
        stats[kind].update(chunk_stats)
        if bad:
            fail(kind, index, seeds, doc_text, rows, bad, f"{kind} #{index} seeds {seeds} ")
            return False
        batches[kind] += 1
        return True

    default_text = fdgen.default_text()
    default_doc = fdgen.load_text(default_text)
    default_model = fdgen.default_model()
    last_progress, last_total, last_t = time.monotonic(), 0, time.monotonic()
    print(f"long_run: seed {args.seed}, target {args.decisions} decisions, binary {fdgen.FRONTDOOR}, "
          f"report {report_path}", flush=True)
    ok = True
    try:
        while total() < args.decisions:
            if args.max_seconds is not None and time.monotonic() - wall0 >= args.max_seconds:
                state["stopped"] = f"--max-seconds {args.max_seconds:g} reached"
                break
            remaining = args.decisions - total()
            if stats["default"]["rows"] <= args.default_share * total() and args.default_share > 0:
                j = batches["default"]
                seed = default_seed(args.seed, j)
                rows = fdgen.gen_contacts(seed, default_model, min(args.default_batch, remaining))
                ok = run_chunk("default", j, {"contacts": seed}, default_text, rows, str(fdgen.DEFAULT_DOC),
                               default_doc)
            else:
                k = batches["generated"]
                ds, cs = generated_seeds(args.seed, k)
                try:
                    text, rows = fdgen.seeded_case(ds, cs, min(args.contacts_per_doc, remaining))
                except ValueError as e:      # the generator made a document the reference rejects
                    text = fdgen.gen_document(ds)
                    fail("generated", k, {"document": ds, "contacts": cs}, text, [],
                         [{"kind": "reference rejects the generated document", "error": str(e)}], "")
                    ok = False
                else:
                    ok = run_chunk("generated", k, {"document": ds, "contacts": cs}, text, rows)
            if not ok:
                break
            now = time.monotonic()
            if now - last_progress >= args.progress:
                n = total()
                rate, recent = n / (now - wall0), (n - last_total) / (now - last_t)
                eta = (args.decisions - n) / recent if recent > 0 else float("inf")
                print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {n:,} / {args.decisions:,} decisions "
                      f"(default {stats['default']['rows']:,}, generated {stats['generated']['rows']:,} over "
                      f"{batches['generated']:,} documents), {len(divergences)} divergences, {rate:,.0f}/s overall, "
                      f"{recent:,.0f}/s recent, ETA {eta / 60:,.0f} min, CPU {cpu_seconds() - cpu0:,.0f} s",
                      flush=True)
                write_report(False)
                last_progress, last_total, last_t = now, n, now
    except KeyboardInterrupt:
        state["stopped"] = state["stopped"] or "interrupted"
    rep = write_report(True)
    print(f"long_run: {rep['decisions']['total']:,} decisions (default {rep['decisions']['default']:,}, "
          f"generated {rep['decisions']['generated']:,} over {rep['documents_generated']:,} documents), "
          f"{rep['divergences']} divergence(s), {rep['wall_seconds']:,} s wall, {rep['cpu_seconds']:,} s CPU"
          + (f", stopped: {rep['stopped']}" if rep["stopped"] else "") + f"; report {report_path}", flush=True)
    if divergences:
        return 1
    if rep["stopped"] and not rep["stopped"].startswith("--max-seconds"):
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
