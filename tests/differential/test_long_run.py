"""The long-run driver (tests/differential/long_run.py) on a few hundred decisions: it reaches the count
and reports it, and a divergence (an engine wrapper that changes one decision) stops it with exit 1,
replay files and the divergence in the report."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fdgen  # noqa: E402
import long_run  # noqa: E402

pytestmark = pytest.mark.skipif(not os.access(fdgen.FRONTDOOR, os.X_OK),
                                reason=f"frontdoor binary not found at {fdgen.FRONTDOOR} (set $FRONTDOOR)")


def test_long_run_reaches_the_count_and_reports(tmp_path):
    report = tmp_path / "report.json"
    rc = long_run.main(["--decisions", "700", "--seed", "3", "--default-batch", "200", "--contacts-per-doc", "100",
                        "--report", str(report), "--replay-dir", str(tmp_path / "replay")])
    assert rc == 0
    r = json.loads(report.read_text())
    assert r["finished"] and r["stopped"] is None and r["divergences"] == 0
    assert r["decisions"]["total"] == 700
    assert r["decisions"]["default"] + r["decisions"]["generated"] == 700
    assert r["decisions"]["default"] >= 200 and r["documents_generated"] >= 3
    assert r["seed"] == 3 and len(r["git"]["commit"]) == 40 and r["frontdoor_binaries"]
    assert r["wall_seconds"] > 0 and r["cpu_seconds"] > 0


def test_long_run_stops_on_a_divergence_with_replay_files(tmp_path, monkeypatch):
    fake = tmp_path / "fake_frontdoor"
    fake.write_text(f"""#!{sys.executable}
import json, subprocess, sys
p = subprocess.run([{fdgen.FRONTDOOR!r}, *sys.argv[1:]], capture_output=True)
lines = p.stdout.decode("utf-8").splitlines()
for i, line in enumerate(lines):
    d = json.loads(line)
    if not d["error"]:
        d["flags"] = d["flags"] + ["not_in_the_document"]
        lines[i] = json.dumps(d)
        break
sys.stdout.write("".join(x + "\\n" for x in lines))
sys.exit(p.returncode)
""")
    fake.chmod(0o755)
    monkeypatch.setattr(fdgen, "FRONTDOOR", str(fake))
    report = tmp_path / "report.json"
    rc = long_run.main(["--decisions", "1000", "--seed", "3", "--default-batch", "100",
                        "--report", str(report), "--replay-dir", str(tmp_path / "replay")])
    assert rc == 1
    r = json.loads(report.read_text())
    assert r["divergences"] == 1 and r["decisions"]["total"] == 100
    div = r["divergence_details"][0]
    assert div["kind"] == "default" and div["first"]["kind"] == "decision"
    d = Path(div["replay"])
    assert (d / "doc.yaml").exists() and (d / "contacts.jsonl").exists() and (d / "report.txt").exists()
    assert list(d.glob("row*.jsonl"))
    case = json.loads((d / "case.json").read_text())
    assert case["seeds"]["contacts"] == long_run.default_seed(3, 0) and "fdgen.py default" in case["regenerate"]
