"""The C interface from Python ctypes (examples/ffi/frontdoor_ctypes.py) gives what the command line
gives. Needs FRONTDOOR (the CLI) and FRONTDOOR_C_LIBRARY (libfrontdoor_c) in the environment."""

import concurrent.futures
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "ffi"))
import frontdoor_ctypes as fdc  # noqa: E402

DOC = ROOT / "rules" / "exampleshire.yaml"
CONTACTS = ROOT / "examples" / "contacts-2026.jsonl"
CONTACT = ROOT / "examples" / "contact.json"
CLI = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))


def cli(*args, stdin=None):
    return subprocess.run([CLI, *map(str, args)], input=stdin, capture_output=True, text=True)


@pytest.fixture(scope="module")
def fd():
    return fdc.Library(os.environ.get("FRONTDOOR_C_LIBRARY"))


@pytest.fixture(scope="module")
def rules(fd):
    return fd.compile_file(DOC, run_examples=True)


def test_document(fd, rules):
    assert fd.version and rules.id == "exampleshire" and rules.version and len(rules.sha256) == 64
    assert rules.document()["timezone"] == "Europe/London"


def test_batch_is_the_command_line_byte_for_byte(rules):
    expected = cli("decide", DOC, CONTACTS)
    assert expected.returncode == 1  # 72 deliberately bad rows
    assert rules.decide_batch_jsonl(CONTACTS.read_bytes()) == expected.stdout


def test_single_contacts_are_the_command_line(rules, tmp_path):
    # Without a child a row has no batch history, so one call per contact must match the batch.
    rows = [json.loads(line) for line in CONTACTS.read_text().splitlines()[::60]]
    for r in rows:
        r.pop("child", None)
    jsonl = "".join(json.dumps(r) + "\n" for r in rows)
    expected = cli("decide", DOC, "-", stdin=jsonl).stdout.splitlines()
    assert len(expected) == len(rows) == 400
    assert [rules.decide_json(r) for r in rows] == expected


def test_explain_and_referrer_are_the_command_line(rules):
    assert rules.explain(CONTACT.read_text()) == json.loads(cli("explain", "--format", "json", DOC, CONTACT).stdout)
    assert rules.referrer_summary(CONTACT.read_text()) == cli("explain", "--for", "referrer", DOC, CONTACT).stdout
    summary = rules.referrer_summary(CONTACT.read_text(), as_json=True)
    assert summary["outcome"] == "s47_strategy" and summary["deadline"]["utc"] == "2026-09-15T13:20:00Z"


def test_history_beside_or_inside_the_contact(rules):
    contact = json.loads(CONTACT.read_text())
    history = contact.pop("history")
    assert rules.decide(contact, history) == rules.decide(CONTACT.read_text())
    # Earlier similar contacts change the decision (the repeat-contacts rule), given beside it or not at all.
    similar = [{"received": t, "concerns": dict(contact["concerns"]), "outcome": "advice"} for t in ("2026-07-01T10:00:00Z", "2026-08-01T10:00:00Z")]
    assert rules.decide(contact, similar) != rules.decide(contact)
    assert rules.decide(dict(contact, history=similar)) == rules.decide(contact, similar)


def test_rejected_contacts_still_have_a_decision(rules):
    d = rules.decide({"id": "C-X", "received": "2026-05-05T10:00:00Z", "concerns": {"head_lice": "universal"}})
    assert d["outcome"] is None and "head_lice" in d["error"]
    assert rules.decide("{not json")["error"]


def test_document_errors_come_with_diagnostics(fd):
    with pytest.raises(fdc.FrontdoorError) as e:
        fd.compile_text("frontdoor: 1\nid: broken\n", path="broken.yaml")
    assert e.value.status == "FD_DOCUMENT_ERROR"
    assert e.value.diagnostics and all(d["path"] == "broken.yaml" and d["code"].startswith("FD") for d in e.value.diagnostics)
    with pytest.raises(fdc.FrontdoorError) as e:
        fd.compile_file("/nonexistent/threshold.yaml")
    assert e.value.status == "FD_IO_ERROR"


def test_threads_share_one_ruleset(rules):
    contacts = CONTACTS.read_text().splitlines()[:2000]
    expected = [rules.decide_json(c) for c in contacts]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda part: [rules.decide_json(c) for c in contacts[part::4]], range(4)))
    for part in range(4):
        assert results[part] == expected[part::4]


def test_hot_reload_swaps_while_threads_decide(fd, rules):
    newer = fd.compile_text(re.sub(r'(?m)^version: "[^"]*"', 'version: "reloaded"', DOC.read_text()), path=str(DOC), run_examples=True)
    first, second = rules.version, "reloaded"
    slot = fd.slot(rules)
    held = slot.load()  # a handle taken before the swap stays on the first version
    contact = {"id": "C-R", "received": "2026-05-05T10:00:00Z", "concerns": {"domestic_abuse": "complex"}}

    def decide_many(_):
        return {slot.decide(contact)["document"]["version"] for _ in range(300)}

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(decide_many, i) for i in range(3)]
        for i in range(100):
            slot.store(newer if i % 2 == 0 else rules)
        slot.store(newer)
        seen = set().union(*(f.result() for f in futures))
    assert seen <= {first, second}
    assert slot.decide(contact)["document"]["version"] == second
    assert held.decide(contact)["document"]["version"] == first
    with pytest.raises(fdc.FrontdoorError):
        slot.reload_file("/nonexistent/threshold.yaml")
    assert slot.load().version == second  # a failed reload keeps what was in force
    slot.reload_file(DOC)
    assert slot.load().version == first


def test_audit_records_replay(rules, tmp_path):
    audit = tmp_path / "audit.jsonl"
    rows = [json.loads(line) for line in CONTACTS.read_text().splitlines()[:50]]
    audit.write_text("".join(rules.audit_record(r) + "\n" for r in rows))
    result = cli("replay", DOC, audit)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "50 records: 50 identical, 0 changed" in result.stdout


def test_the_example_runs_as_a_script():
    env = dict(os.environ)
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "ffi" / "frontdoor_ctypes.py"), str(DOC), str(CONTACT)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "C-EXAMPLE-1: s47_strategy by 2026-09-15T13:20:00Z" in result.stdout
