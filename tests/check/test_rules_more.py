"""SPEC 7.3-7.6 end to end through the command line, on a document written as a council would
(tests/documents/mash_rating.yaml): its worked examples pass, decisions name their deadline's source,
and a batch counts history by the outcome and level this run decided for each earlier row."""
import json
import os
import pathlib
import subprocess

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
FRONTDOOR = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
DOC = ROOT / "tests" / "documents" / "mash_rating.yaml"


def run(*args, stdin=None):
    return subprocess.run([FRONTDOOR, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, input=stdin)


def decide(rows, rejected=0):
    r = run("decide", str(DOC), "-", stdin="".join(json.dumps(x) + "\n" for x in rows))
    assert r.returncode == (1 if rejected else 0), r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_the_worked_examples_pass():
    r = run("check", "--format", "json", str(DOC))
    findings = json.loads(r.stdout)
    assert [f for f in findings if f["severity"] == "error"] == [], findings
    assert r.returncode == 0


def test_every_decision_names_its_deadline_source():
    out = decide([
        {"id": "red", "received": "2026-05-11T10:00:00+01:00", "rating": "red", "concerns": {"neglect": "complex"}},
        {"id": "none", "received": "2026-05-11T10:00:00+01:00"},
        {"id": "bad", "received": "not a time"},
    ], rejected=1)
    assert [(d["deadline"], d["deadline_from"]) for d in out[:2]] == [("2026-05-11T13:00:00Z", "red_rating"), (None, None)]
    assert "deadline_from" in out[2] and out[2]["deadline_from"] is None and out[2]["error"]


def test_a_batch_counts_history_by_what_it_decided():
    child = {"child": "A", "concerns": {"neglect": "early_help"}}
    rows = [
        {"id": "1", "received": "2026-01-05T10:00:00Z", **child},  # early help
        {"id": "2", "received": "2026-03-02T10:00:00Z", **child},  # despite early help: Level 3
        {"id": "3", "received": "2026-04-06T10:00:00Z", "child": "A", "concerns": {"domestic_abuse": "early_help"}},
        {"id": "4", "received": "2026-04-06T10:00:00Z", "child": "B", "concerns": {"domestic_abuse": "early_help"}},
    ]
    out = {d["contact"]: d for d in decide(rows)}
    assert out["1"]["outcome"] == "early_help" and out["1"]["rules"] == []
    assert out["2"]["level"] == "complex" and out["2"]["flags"] == ["despite_early_help"]
    assert out["2"]["actions"] == ["manager_signoff", "allocate", "step_up_review"]
    # Row 2 reached Level 3 (escalating_6m) and row 1 got early help (early_help_12m).
    assert set(out["3"]["flags"]) == {"despite_early_help", "escalating"}
    assert out["4"]["flags"] == [] and out["4"]["outcome"] == "early_help"


def test_explain_says_where_the_deadline_comes_from(tmp_path):
    contact = tmp_path / "c.json"
    contact.write_text(json.dumps({"id": "c", "received": "2026-05-11T10:00:00+01:00", "rating": "green"}))
    r = run("explain", str(DOC), str(contact))
    assert "Deadline: 2026-05-14T09:00:00Z (the earliest: rule green_rating)" in r.stdout, r.stdout
    contact.write_text(json.dumps({"id": "c", "received": "2026-05-11T10:00:00+01:00"}))
    assert "Deadline: none" in run("explain", str(DOC), str(contact)).stdout


def test_bools_are_ordered_and_base_level_is_the_concerns_level(tmp_path):
    doc = (ROOT / "tests" / "check" / "base.yaml").read_text()
    doc = doc.replace("routing:\n", ""
                      "  - {id: ordered, when: 'consent > false && base_level < level', flags: [ordered]}\n"
                      "  - {id: after, when: 'rule(\"ordered\") || false >= consent', flags: [after]}\nrouting:\n", 1)
    path = tmp_path / "doc.yaml"
    path.write_text(doc)
    rows = [
        {"id": "1", "received": "2026-05-05T10:00:00Z", "consent": True, "dob": "2026-03-01", "concerns": {"injury": "complex"}},
        {"id": "2", "received": "2026-05-05T10:00:00Z", "consent": True, "concerns": {"injury": "complex"}},
        {"id": "3", "received": "2026-05-05T10:00:00Z", "consent": False},
    ]
    r = run("decide", str(path), "-", stdin="".join(json.dumps(x) + "\n" for x in rows))
    assert r.returncode == 0, r.stdout + r.stderr
    flags = [json.loads(line)["flags"] for line in r.stdout.splitlines()]
    assert flags == [["ordered", "after"], [], ["after"]]
