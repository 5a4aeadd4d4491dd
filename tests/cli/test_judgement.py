"""Professional judgement (SPEC 7.8) on the command line: override_reasons in documents, a contact's
recorded_outcome and override_reason (read, or rejected naming the field and never the value), the
decision's "override" in JSON, CSV and explain, history from recorded outcomes on request, the
override figures of `stats`, and audit records and `replay` keeping them.

Run: FRONTDOOR=build/frontdoor python3 -m pytest -q tests/cli/test_judgement.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", "/work/main/build/frontdoor")
DOC = "rules/exampleshire.yaml"

pytestmark = pytest.mark.skipif(not os.access(FRONTDOOR, os.X_OK), reason=f"frontdoor binary not found at {FRONTDOOR}")

# A complex contact the worker recorded as early help (down, strengths), then the same child's next
# complex contact a month later: a re-referral only if the first counts as the referral decided.
FIRST = {"id": "J1", "child": "KJ", "received": "2026-06-01T10:00:00Z", "source": "3A", "channel": "conversation",
         "concerns": {"parental_mental_health": "complex"}, "recorded_outcome": "early_help", "override_reason": "strengths"}
SECOND = {"id": "J2", "child": "KJ", "received": "2026-07-01T10:00:00Z", "source": "3A", "channel": "conversation",
          "concerns": {"parental_mental_health": "complex"}}
SECRET = "Mrs Smith said so"  # a value a worker typed: it must never come back


def run(*args, env=None):
    return subprocess.run([FRONTDOOR, *map(str, args)], capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, **(env or {})})


def jsonl(tmp_path: Path, rows: list[dict], name: str = "c.jsonl") -> Path:
    p = tmp_path / name
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return p


def decide(path: Path, *extra: str, env=None) -> list[dict]:
    r = run("decide", DOC, path, *extra, env=env)
    assert r.returncode in (0, 1), r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


@pytest.mark.parametrize("env", [{}, {"FRONTDOOR_ROW_READER": "1"}], ids=["batch", "records"])
def test_override_in_the_decision(tmp_path, env):
    agreeing = dict(SECOND, id="J3", recorded_outcome="single_assessment", override_reason="manager_judgement")
    out = decide(jsonl(tmp_path, [FIRST, SECOND, agreeing]), env=env)
    assert out[0]["outcome"] == "single_assessment"
    assert out[0]["override"] == {"outcome": "early_help", "category": "early_help", "direction": "down", "reason": "strengths"}
    assert out[1]["override"] is None  # nothing recorded
    assert out[2]["override"] is None  # recorded as decided: a reason given then is no override
    assert list(out[0]).index("override") == list(out[0]).index("routing") + 1


def test_directions_by_category(tmp_path):
    rows = [dict(SECOND, id="U", child="a", concerns={"school_attendance": "universal"}, recorded_outcome="s47_strategy"),
            dict(SECOND, id="S", child="b", recorded_outcome="single_assessment"),
            dict(SECOND, id="O", child="c", recorded_outcome="allocated_worker")]
    by_id = {d["contact"]: d for d in decide(jsonl(tmp_path, rows))}
    assert by_id["U"]["override"]["direction"] == "up" and by_id["U"]["override"]["reason"] is None
    assert by_id["S"]["override"] is None
    assert by_id["O"]["override"]["direction"] == "across"


@pytest.mark.parametrize("env", [{}, {"FRONTDOOR_ROW_READER": "1"}], ids=["batch", "records"])
@pytest.mark.parametrize("change,field,code", [({"override_reason": SECRET}, "override_reason", "override_reason"),
                                               ({"recorded_outcome": SECRET}, "recorded_outcome", "recorded_outcome"),
                                               ({"recorded_outcome": ["advice"]}, "recorded_outcome", "recorded_outcome")])
def test_rejections_name_the_field_never_the_value(tmp_path, env, change, field, code):
    bad = dict(FIRST, id="BAD", **change)
    out = decide(jsonl(tmp_path, [bad, SECOND]), env=env)
    assert out[0]["error"].startswith(field + ":") and SECRET not in out[0]["error"]
    assert out[0]["outcome"] is None and out[0]["override"] is None
    assert out[1]["error"] is None  # nothing else lost: the next row is decided


def test_csv_in_and_out(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text("id,child,received,concerns,recorded_outcome,override_reason\n"
                   "J1,KJ,2026-06-01T10:00:00Z,parental_mental_health=complex,early_help,strengths\n"
                   f"J2,KJ,2026-06-02T10:00:00Z,parental_mental_health=complex,advice,{SECRET}\n")
    r = run("decide", DOC, src, "-o", tmp_path / "out.csv")
    assert r.returncode == 1
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert (rows[0]["override_outcome"], rows[0]["override_direction"], rows[0]["override_reason"]) == ("early_help", "down", "strengths")
    assert rows[1]["error"].startswith("override_reason:") and SECRET not in (tmp_path / "out.csv").read_text()
    assert rows[1]["document_sha256"] and rows[1]["level"] == "" and None not in rows[1]  # a rejected row has the header's columns


def test_explain_says_it_in_words(tmp_path):
    contact = tmp_path / "one.json"
    contact.write_text(json.dumps(dict(SECOND, concerns={"emotional_health": "early_help"}, consent=True,
                                       recorded_outcome="single_assessment", override_reason="manager_judgement")))
    r = run("explain", DOC, contact)
    assert r.returncode == 0, r.stderr
    assert ("The front door recorded single_assessment instead (up), reason: manager_judgement — "
            "Team manager's judgement, recorded on the case") in r.stdout


@pytest.mark.parametrize("env", [{}, {"FRONTDOOR_ROW_READER": "1"}], ids=["batch", "records"])
def test_history_from_recorded_outcomes(tmp_path, env):
    path = jsonl(tmp_path, [FIRST, SECOND])
    decided = decide(path, env=env)
    recorded = decide(path, "--history", "recorded", env=env)
    # The re-referral counter differs between the two modes on the same rows.
    assert "re_referral" in decided[1]["rules"]
    assert "re_referral" not in recorded[1]["rules"]
    assert decided[0] == recorded[0]
    assert run("decide", DOC, path, "--history", "guessed").returncode == 2


def test_a_rejected_row_never_counts_in_recorded_history(tmp_path):
    bad = dict(FIRST, recorded_outcome="single_assessment", received="not a time")
    out = decide(jsonl(tmp_path, [bad, SECOND]), "--history", "recorded")
    assert out[0]["error"] and "re_referral" not in out[1]["rules"]


def test_stats_and_diff_take_the_history_mode(tmp_path):
    path = jsonl(tmp_path, [FIRST, SECOND])
    a = json.loads(run("stats", DOC, path, "--format", "json").stdout)
    b = json.loads(run("stats", DOC, path, "--format", "json", "--history", "recorded").stdout)
    assert a["figures"]["repeat_contacts"] == b["figures"]["repeat_contacts"]
    assert a["overrides"]["all"] == b["overrides"]["all"] == {"key": "all", "recorded": 1, "overrides": 1, "override_share": 1.0,
                                                              "up": 0, "down": 1, "across": 0, "unexplained": 0}
    r = run("diff", DOC, DOC, path, "--history", "recorded", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["changed"] == 0


def test_stats_on_the_shipped_year_prints_the_override_figures():
    r = run("stats", DOC, "examples/contacts-2026.csv")
    assert r.returncode == 0, r.stderr
    assert "Overrides (the recorded outcome differs from the document's)" in r.stdout
    for table in ("Overrides by level", "Overrides by source", "Overrides by month"):
        assert table in r.stdout
    j = json.loads(run("stats", DOC, "examples/contacts-2026.csv", "--format", "json").stdout)
    o = j["overrides"]
    assert 0.05 <= o["all"]["override_share"] <= 0.12  # a plausible minority
    assert o["all"]["down"] > o["all"]["up"] > 0
    assert max(o["by_reason"], key=o["by_reason"].get) == "strengths"
    assert o["all"]["overrides"] == o["all"]["up"] + o["all"]["down"] + o["all"]["across"]
    assert sum(o["by_reason"].values()) + o["unexplained"] == o["all"]["overrides"]
    assert sum(m["overrides"] for m in o["by_month"]) == o["all"]["overrides"]
    assert {lv["key"] for lv in o["by_level"]} <= {"universal", "early_help", "complex", "acute"}
    # The consistency audit counts the same disagreements as the override figures.
    assert j["audit"]["compared"] - j["audit"]["agree"] == o["all"]["overrides"]


def test_an_unused_reason_is_a_warning(tmp_path):
    doc = tmp_path / "doc.yaml"
    doc.write_text((REPO / "tests/embedding/tiny.yaml").read_text() + "\noverride_reasons:\n  never_given: \"Nobody gives this\"\n")
    r = run("check", doc)
    assert "unused override reason 'never_given'" in r.stdout + r.stderr and "[FD303]" in r.stdout + r.stderr


def test_audit_records_keep_the_recorded_outcome_and_reason(tmp_path):
    path = jsonl(tmp_path, [FIRST, SECOND])
    audit = tmp_path / "audit.jsonl"
    assert run("decide", DOC, path, "--audit", audit).returncode == 0
    first = json.loads(audit.read_text().splitlines()[0])
    assert first["contact"]["recorded_outcome"] == "early_help" and first["contact"]["override_reason"] == "strengths"
    assert first["decision"]["override"]["direction"] == "down"
    r = run("replay", DOC, audit)
    assert r.returncode == 0, r.stdout + r.stderr


def test_replay_under_a_new_version_reports_overrides(tmp_path):
    # Version 2 sends a single complex parental mental health contact to early help: the worker's
    # override of J1 is no longer needed, and J4, recorded as the assessment version 1 gave, is now
    # an override the new version creates.
    agreed = dict(SECOND, id="J4", child="K4", recorded_outcome="single_assessment")
    path = jsonl(tmp_path, [FIRST, agreed])
    audit = tmp_path / "audit.jsonl"
    assert run("decide", DOC, path, "--audit", audit).returncode == 0
    text = (REPO / DOC).read_text()
    entry = ("routing:\n  - id: strengths_first\n    when: 'level == \"complex\" && concern(\"parental_mental_health\") && count_at_least(\"complex\") == 1'\n"
             "    outcome: early_help\n    lowers: true\n    because: \"A single complex parental need is met by early help first\"\n")
    assert "\nrouting:\n" in text
    v2 = tmp_path / "v2.yaml"
    v2.write_text(text.replace("\nrouting:\n", "\n" + entry, 1).replace('version: "2026.1"', 'version: "2026.2"', 1))
    r = run("replay", v2, audit, "--format", "json")
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["overrides"] == {"unnecessary": ["J1"], "created": ["J4"]}
    text_out = run("replay", v2, audit).stdout
    assert "1 overrides no longer needed" in text_out and "J1" in text_out
    assert "1 new overrides" in text_out and "J4" in text_out
