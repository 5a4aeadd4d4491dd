#!/usr/bin/env python3
"""The diverse benchmark set's generator on 2,000 rows (ctest bench_make_diverse; a second or two).

    FRONTDOOR=build/frontdoor python3 bench/test_make_diverse.py

Checks that the same seed gives byte-identical files and another seed different ones, that the
JSON Lines and CSV files hold the same rows, and that `frontdoor decide` rejects exactly the rows
the generator planned as bad (none more: every other row is valid for the document) and decides
both files the same way. Exits 1 with what differed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_diverse  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "rules" / "exampleshire.yaml"
ROWS = 2000


def fail(msg: str) -> None:
    print(f"test_make_diverse: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def decide(cli: str, contacts: Path, out: Path) -> list[dict]:
    r = subprocess.run([cli, "decide", str(DOCUMENT), str(contacts), "-o", str(out)], capture_output=True, text=True)
    if r.returncode != 1:   # some rows are bad on purpose, so 1 (rows rejected) is the only right exit
        fail(f"frontdoor decide {contacts.name} exited {r.returncode}, expected 1: {r.stderr[-500:]}")
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def check_same_rows(jsonl: Path, csv: Path) -> None:
    lines = jsonl.read_text(encoding="ascii").splitlines()
    cells = csv.read_text(encoding="ascii").splitlines()
    header = cells[0].split(",")
    if len(lines) != ROWS or len(cells) != ROWS + 1:
        fail(f"{len(lines)} JSON lines and {len(cells) - 1} CSV rows for {ROWS}")
    for i, (line, row) in enumerate(zip(lines, cells[1:]), 1):
        obj = json.loads(line)
        want = {h: c for h, c in zip(header, row.split(",")) if c}
        got = {k: (";".join(f"{c}={lv}" for c, lv in v.items()) if k == "concerns" else
                   str(v).lower() if isinstance(v, bool) else str(v)) for k, v in obj.items()}
        got = {k: v for k, v in got.items() if v}
        if got != want:
            fail(f"row {i}: JSON Lines and CSV differ in {sorted(set(got.items()) ^ set(want.items()))[:4]}")
        if len(obj["concerns"]) > 6:
            fail(f"row {i}: {len(obj['concerns'])} concerns, at most 5 (+1 on a bad row) expected")


def main() -> None:
    cli = os.environ.get("FRONTDOOR") or str(ROOT / "build" / "frontdoor")
    if not Path(cli).exists():
        fail(f"no command line at {cli} (set FRONTDOOR)")
    with tempfile.TemporaryDirectory() as tmp:
        a, b, c = Path(tmp) / "a", Path(tmp) / "b", Path(tmp) / "c"
        meta = make_diverse.make(ROWS, 11, DOCUMENT, a, "set")
        make_diverse.make(ROWS, 11, DOCUMENT, b, "set")
        make_diverse.make(ROWS, 12, DOCUMENT, c, "set")
        for ext in ("jsonl", "csv"):
            if (a / f"set.{ext}").read_bytes() != (b / f"set.{ext}").read_bytes():
                fail(f"the same seed gave different .{ext} files")
            if (a / f"set.{ext}").read_bytes() == (c / f"set.{ext}").read_bytes():
                fail(f"another seed gave the same .{ext} file")
        check_same_rows(a / "set.jsonl", a / "set.csv")
        if meta["bad_rows"] != round(ROWS * make_diverse.BAD_ROW_RATE) or sorted(meta["bad_by_kind"].values()) != [2, 2, 2]:
            fail(f"planned bad rows {meta['bad_by_kind']}, expected two of each kind")
        from_jsonl = decide(cli, a / "set.jsonl", Path(tmp) / "out-jsonl.jsonl")
        from_csv = decide(cli, a / "set.csv", Path(tmp) / "out-csv.jsonl")
        rejected = [d["contact"] for d in from_jsonl if d["error"] is not None]
        if rejected != meta["bad_row_ids"]:
            extra = sorted(set(rejected) - set(meta["bad_row_ids"]))
            missed = sorted(set(meta["bad_row_ids"]) - set(rejected))
            fail(f"{len(rejected)} rows rejected, {len(meta['bad_row_ids'])} planned: {len(extra)} unplanned (first "
                 f"{extra[:3]}: {[d['error'] for d in from_jsonl if d['contact'] in extra[:3]]}), {len(missed)} planned "
                 f"but accepted ({missed[:3]})")
        if from_jsonl != from_csv:
            fail("the JSON Lines and CSV files were decided differently")
        levels = {d["level"] for d in from_jsonl if d["error"] is None}
        if len(levels) < 4:
            fail(f"only levels {sorted(levels)} decided: the set is not diverse")
    print(f"test_make_diverse: ok ({ROWS} rows, {len(rejected)} rejected as planned, deterministic)")


if __name__ == "__main__":
    main()
