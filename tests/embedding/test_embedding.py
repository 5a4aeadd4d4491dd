"""Embedding in case systems, through the command line: `decide --audit` + `replay`, `convert`
(Annex A list 1, SSD ssd_contacts, a council's mapping file) on the shipped samples, and
`explain --for referrer`. FRONTDOOR names the CLI (default build/frontdoor)."""

import csv
import datetime
import io
import json
import os
import pathlib
import subprocess
import zoneinfo

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
DOC = ROOT / "rules" / "exampleshire.yaml"
CONTACTS = ROOT / "examples" / "contacts-2026.jsonl"
CONTACTS_CSV = ROOT / "examples" / "contacts-2026.csv"
CONTACT = ROOT / "examples" / "contact.json"
SAMPLES = ROOT / "examples" / "interchange"


def run(*args, stdin=None):
    return subprocess.run([CLI, *map(str, args)], input=stdin, capture_output=True, text=True)


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def table(text):
    return list(csv.reader(io.StringIO(text)))


# --- audit records and replay -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def year_audit(tmp_path_factory):
    audit = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    r = run("decide", DOC, CONTACTS, "--audit", audit)
    assert r.returncode == 1  # the 72 deliberately bad rows
    return audit, r.stdout


def test_audit_records_hold_contact_history_decision_and_hash(year_audit):
    audit, decisions = year_audit
    records = jsonl(audit.read_text())
    assert len(records) == 24000
    sha = json.loads(decisions.splitlines()[0])["document"]["sha256"]
    for record, decision in zip(records, decisions.splitlines()):
        assert record["frontdoor_audit"] == 1 and record["document"]["sha256"] == sha
        assert record["decision"] == json.loads(decision)  # the decision exactly as `decide` wrote it
        assert record["history_source"] == "batch"
    # The history a row saw is the earlier decided rows of its child, with the outcomes decided.
    by_child = {}
    for i, record in enumerate(records):
        child = record["contact"].get("child")
        if child and record["decision"]["error"] is None:
            by_child.setdefault(child, []).append(i)
    busiest = max(by_child.values(), key=len)
    assert len(busiest) >= 5
    last = records[busiest[-1]]
    assert len(last["history"]) == len(busiest) - 1  # (no two of its rows share a timestamp)
    for item, i in zip(last["history"], busiest):
        assert item["received"] == records[i]["contact"]["received"]
        assert item["outcome"] == records[i]["decision"]["outcome"]
        assert item["referral"] == records[i]["decision"]["referral"]


def test_the_shipped_year_replays_identically(year_audit):
    audit, _ = year_audit
    r = run("replay", DOC, audit)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "24000 records: 24000 identical, 0 changed" in r.stdout
    assert "the same document" in r.stdout


def test_a_csv_batch_replays_identically(tmp_path):
    audit = tmp_path / "audit.jsonl"
    assert run("decide", DOC, CONTACTS_CSV, "--audit", audit, "-o", tmp_path / "d.jsonl").returncode == 1
    r = run("replay", "--format", "json", DOC, audit)
    report = json.loads(r.stdout)
    assert r.returncode == 0 and report["identical"] == report["records"] == 24000 and report["changed"] == 0


def test_replay_under_a_newer_document_shows_what_changed(tmp_path):
    tiny = pathlib.Path(__file__).parent / "tiny.yaml"
    newer = tmp_path / "tiny-2.yaml"
    text = tiny.read_text()
    newer.write_text(text.replace("when: similar_3m >= 2", "when: similar_3m >= 1").replace('version: "1"', 'version: "2"'))
    rows = [{"id": f"C-{i}", "child": "K-1" if i < 4 else f"K-{i}", "received": f"2026-05-0{i + 1}T10:00:00Z",
             "concerns": {"neglect": "early_help"}} for i in range(6)]
    audit = tmp_path / "audit.jsonl"
    assert run("decide", tiny, "-", "--audit", audit, stdin="".join(json.dumps(r) + "\n" for r in rows)).returncode == 0
    assert run("replay", tiny, audit).returncode == 0
    assert run("replay", tmp_path / "missing.yaml", audit).returncode == 2
    r = run("replay", "--format", "json", newer, audit)
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report["document"]["version"] == "2"
    assert report["recorded_under"] == [{"id": "tiny", "version": "1", "sha256": report["recorded_under"][0]["sha256"], "records": 6,
                                         "same_document": False}]
    # The child's second contact is now the one that repeats (the third already was): it alone moves.
    assert report["changed"] == 1 and report["identical"] == 5
    change = report["changes"][0]
    assert change["contact"] == "C-1" and change["row"] == 2
    fields = {c["field"]: c for c in change["changes"]}
    assert fields["outcome"]["recorded"] == "early_help" and fields["outcome"]["replayed"] == "assessment"
    assert fields["rules"]["recorded"] == [] and fields["rules"]["replayed"] == ["repeat_contacts"]
    assert report["outcome_moves"] == [{"from": "early_help", "to": "assessment", "count": 1}]
    text = run("replay", newer, audit).stdout
    assert "changed: C-1 (row 2): level early_help -> complex; outcome early_help -> assessment" in text
    assert "rules +repeat_contacts" in text and "early_help -> assessment: 1" in text
    assert "6 records: 5 identical, 1 changed" in text


def test_replay_reads_history_whose_outcomes_a_newer_document_lacks(tmp_path):
    first = tmp_path / "first.jsonl"
    assert run("decide", DOC, "-", "--audit", first, stdin=CONTACT.read_text().replace("\n", " ") + "\n").returncode == 0
    record = json.loads(first.read_text())
    record["document"]["sha256"] = "0" * 64  # decided under another document...
    record["history"][0]["outcome"] = "an_outcome_since_renamed"  # ...whose outcome ids differ
    audit = tmp_path / "audit.jsonl"
    audit.write_text(json.dumps(record) + "\n")
    r = run("replay", DOC, audit)
    assert r.returncode == 0, r.stdout  # the item still counts by its recorded `referral`
    assert "another document" in r.stdout


def test_unreadable_audit_lines_and_unwritable_audit_files(tmp_path):
    audit = tmp_path / "audit.jsonl"
    audit.write_text("{not an audit record}\n")
    r = run("replay", DOC, audit)
    assert r.returncode == 2 and "not audit records" in r.stderr
    r = run("decide", DOC, CONTACTS, "--audit", tmp_path / "no" / "such" / "dir.jsonl")
    assert r.returncode == 2 and "audit" in r.stderr


def test_rejected_and_unreadable_rows_replay_to_the_same_error(tmp_path):
    rows = ['{"id": "C-1", "received": "2026-05-05T10:00:00Z", "concerns": {"head_lice": "universal", "bedwetting": "universal"}}',
            '{"id": "C-2", "received": "21/04/2026 15:07"}', "{not json", '{"id": "C-3", "received": "2026-05-05T10:00:00Z", "history": 7}']
    audit = tmp_path / "audit.jsonl"
    out = run("decide", DOC, "-", "--audit", audit, stdin="\n".join(rows) + "\n")
    assert out.returncode == 1 and all(d["error"] for d in jsonl(out.stdout))
    r = run("replay", DOC, audit)
    assert r.returncode == 0 and "4 records: 4 identical" in r.stdout


# --- interchange ------------------------------------------------------------------------------------

def test_built_in_mappings_are_the_shipped_files():
    for name in ("annex-a", "ssd"):
        r = run("convert", "--show-mapping", name)
        assert r.returncode == 0 and r.stdout == (SAMPLES / f"{name}.mapping.yaml").read_text()


# (sample, mapping, columns frontdoor writes from decisions, columns it does not read)
FORMATS = [
    ("council-export.csv", str(SAMPLES / "council.mapping.yaml"), ["Decision", "Decide By", "Threshold Document"], []),
    ("ssd_contacts.csv", "ssd", ["cont_contact_outcome_json"], []),
    ("annex-a-list1.csv", "annex-a", [], ["Gender", "Ethnicity"]),
]


@pytest.mark.parametrize("sample, mapping, derived, unread", FORMATS)
def test_samples_round_trip(sample, mapping, derived, unread, tmp_path):
    original = (SAMPLES / sample).read_text()
    contacts = run("convert", "--from", mapping, SAMPLES / sample)
    assert contacts.returncode == 1  # one shipped row's timestamp is deliberately not ISO 8601...
    assert "passed on as it is" in contacts.stderr
    (tmp_path / "contacts.jsonl").write_text(contacts.stdout)
    decisions = run("decide", DOC, tmp_path / "contacts.jsonl")
    assert decisions.returncode == 1 and len(jsonl(decisions.stdout)) == 240  # ...and decide rejects it
    (tmp_path / "decisions.jsonl").write_text(decisions.stdout)
    back = run("convert", "--to", mapping, tmp_path / "contacts.jsonl", "--decisions", tmp_path / "decisions.jsonl")
    assert back.returncode == 0, back.stderr
    a, b = table(original), table(back.stdout)
    assert a[0] == b[0] and len(a) == len(b) == 241
    for column, name in enumerate(a[0]):
        if name in derived:
            continue  # written from the current document's decisions: checked below
        want = [row[column] for row in a[1:]] if name not in unread else [""] * 240
        assert [row[column] for row in b[1:]] == want, name
    # Reading the written file gives the same contacts, and writing them again the same bytes.
    (tmp_path / "back.csv").write_text(back.stdout)
    again = run("convert", "--from", mapping, tmp_path / "back.csv")
    assert again.stdout == contacts.stdout
    assert run("convert", "--to", mapping, tmp_path / "contacts.jsonl", "--decisions", tmp_path / "decisions.jsonl").stdout == back.stdout
    # When the shipped document has not changed since the samples were made, the round trip is exact.
    if derived and all(json.loads(line)["document"]["sha256"][:12] in original for line in decisions.stdout.splitlines()[:1]):
        assert back.stdout == original


def test_contacts_round_trip_through_a_council_export(tmp_path):
    # This council's export has no columns for what the front door recorded (SPEC 7.8), so the
    # shipped rows go through it without them.
    unmapped = ("recorded_outcome", "override_reason")
    rows = [json.dumps({k: v for k, v in json.loads(r).items() if k not in unmapped}) + "\n"
            for r in CONTACTS.read_text().splitlines()[:240]]
    (tmp_path / "c.jsonl").write_text("".join(rows))
    mapping = SAMPLES / "council.mapping.yaml"
    export = run("convert", "--to", mapping, tmp_path / "c.jsonl")
    (tmp_path / "c.csv").write_text(export.stdout)
    back = run("convert", "--from", mapping, tmp_path / "c.csv")
    assert jsonl(back.stdout) == [json.loads(r) for r in rows]
    # And the decisions are the same whichever form the contacts took.
    (tmp_path / "back.jsonl").write_text(back.stdout)
    assert run("decide", DOC, tmp_path / "back.jsonl").stdout == run("decide", DOC, tmp_path / "c.jsonl").stdout


def test_annex_a_dates_ages_sources_and_pre_birth_contacts(tmp_path):
    rows = [
        {"id": "C-1", "child": "K-1", "received": "2026-06-30T23:30:00Z", "dob": "2020-07-01", "source": "6", "concerns": {}},  # 1 July in London
        {"id": "C-2", "child": "K-2", "received": "2026-12-01T10:00:00Z", "dob": "2027-02-01", "unborn": True, "source": "3B", "concerns": {}},
        {"id": "C-3", "child": "K-3", "received": "2026-12-01T10:00:00Z", "source": "5D", "concerns": {}},
    ]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = table(run("convert", "--to", "annex-a", tmp_path / "c.jsonl").stdout)
    assert out[0] == ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact", "Contact Source"]
    assert out[1] == ["K-1", "", "", "01/07/2020", "6", "01/07/2026", "q) 6: Police"]
    assert out[2] == ["K-2", "", "", "01/02/2027", "", "01/12/2026", "h) 3B: Health services"]
    assert out[3][6] == "p1) 5D: LA services"
    (tmp_path / "a.csv").write_text(run("convert", "--to", "annex-a", tmp_path / "c.jsonl").stdout)
    back = jsonl(run("convert", "--from", "annex-a", tmp_path / "a.csv").stdout)
    assert back[0] == {"id": "A1-000001", "child": "K-1", "dob": "2020-07-01", "received": "2026-06-30T23:00:00Z", "source": "6", "concerns": {}}
    assert back[1]["unborn"] is True and back[1]["dob"] == "2027-02-01"  # an expected date of birth
    # The plain codes are read too, not only Ofsted's lettered labels.
    (tmp_path / "codes.csv").write_text("Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Contact,Contact Source\n"
                                        "K-9,,,,,05/01/2027,6\n")
    assert jsonl(run("convert", "--from", "annex-a", tmp_path / "codes.csv").stdout)[0]["source"] == "6"


def test_ssd_outcome_flags_follow_the_decisions(tmp_path):
    rows = CONTACTS.read_text().splitlines(keepends=True)[:400]
    (tmp_path / "c.jsonl").write_text("".join(rows))
    (tmp_path / "d.jsonl").write_text(run("decide", DOC, tmp_path / "c.jsonl").stdout)
    out = table(run("convert", "--to", "ssd", tmp_path / "c.jsonl", "--decisions", tmp_path / "d.jsonl").stdout)
    expect = {"nfa": {"NFA_FLAG", "ADVICE_FLAG"}, "early_help": {"OTHER_OUTCOMES_EXIST_FLAG"}, "assessment": {"NEW_REFERRAL_FLAG"},
              "s47": {"NEW_REFERRAL_FLAG", "CP_ENQUIRY_FLAG"}, "open_case": {"EXISTING_REFERRAL_FLAG"}}
    seen = set()
    for row, decision in zip(out[1:], jsonl((tmp_path / "d.jsonl").read_text())):
        if decision["error"]:
            assert row[5] == ""
            continue
        flags = json.loads(row[5])
        assert {k for k, v in flags.items() if v == "Y"} == expect[decision["category"]]
        assert set(flags.values()) - {"Y", "N"} == {1, flags["COMMENTS"]}
        assert decision["outcome"] in flags["COMMENTS"]
        seen.add(decision["category"])
    assert seen == set(expect)


def test_mapping_files_are_checked(tmp_path):
    def bad(text, message, where=None):
        m = tmp_path / "m.yaml"
        m.write_text(text)
        r = run("convert", "--from", m, SAMPLES / "council-export.csv")
        assert r.returncode == 2 and message in r.stderr, r.stderr
        assert str(where or m) + ":" in r.stderr  # the mapping's path:line:col, or the file at fault

    bad("frontdoor_mapping: 1\ncolumns:\n  - {column: A, field: id}\ncolums: []\n", "unknown key 'colums'")
    bad("frontdoor_mapping: 1\ntimezone: Europe/Londn\ncolumns:\n  - {column: A, field: id}\n", "unknown time zone")
    bad("frontdoor_mapping: 1\ncolumns:\n  - {column: A, field: received, format: '%d/%m'}\n", "format must give")
    bad("frontdoor_mapping: 1\ncolumns:\n  - {column: A, field: child}\n", "no column gives the contact's id")
    bad("frontdoor_mapping: 1\ncolumns:\n  - {column: A, field: id, derived: outcome}\n", "either read into a field or derived")
    bad("frontdoor_mapping: 1\ncolumns:\n  - {column: A, field: id}\nssd_flags: {s47: [CP_FLAG]}\n", "not an SSD contact outcome flag")
    bad("frontdoor_mapping: 1\ncolumns:\n  - {column: Contact Reference, field: id}\n", "the file has no column 'Contact Reference'",
        SAMPLES / "council-export.csv")
    r = run("convert", "--from", "annex-b", SAMPLES / "council-export.csv")
    assert r.returncode == 2 and "built-in" in r.stderr
    assert run("convert", SAMPLES / "council-export.csv").returncode == 2


def test_a_council_mapping_with_its_own_values_and_delimiter(tmp_path):
    m = tmp_path / "m.yaml"
    m.write_text("frontdoor_mapping: 1\ndelimiter: ';'\nset: {channel: conversation}\ncolumns:\n"
                 "  - {column: Ref, field: id}\n  - {column: When, field: received, format: '%d.%m.%Y %H:%M'}\n"
                 "  - {column: Needs, field: concerns, separator: ' & ', values: {DA3: domestic_abuse=complex}}\n"
                 "  - {column: Kids, field: consent, type: bool}\n  - {column: Outcome, derived: outcome}\n")
    (tmp_path / "in.csv").write_text("Ref;When;Needs;Kids;Extra\nR1;05.01.2027 10:30;DA3 & neglect=early_help;TRUE;x\n")
    r = run("convert", "--from", m, tmp_path / "in.csv")
    assert r.returncode == 0 and "column 'Extra' is not in the mapping" in r.stderr
    assert jsonl(r.stdout) == [{"id": "R1", "received": "2027-01-05T10:30:00Z", "concerns": {"domestic_abuse": "complex", "neglect": "early_help"},
                                "consent": True, "channel": "conversation"}]


# --- referrer feedback ------------------------------------------------------------------------------

def test_referrer_summary_in_the_documents_words():
    doc = yaml.safe_load(DOC.read_text())
    decision = json.loads(run("decide", DOC, "-", stdin=json.dumps(json.loads(CONTACT.read_text())) + "\n").stdout)
    r = run("explain", "--for", "referrer", DOC, CONTACT)
    assert r.returncode == 0
    text = r.stdout
    # The outcome and next steps in the document's own words, and the deadline in local time and UTC.
    outcome = doc["outcomes"][decision["outcome"]]
    assert text.startswith(f"Contact {decision['contact']}: what happens next")
    assert "Outcome: " + outcome["name"] in text
    steps = list(dict.fromkeys(doc.get("always", []) + outcome.get("actions", [])))
    for step in steps:
        action = doc["actions"][step]
        assert "  - " + (action["text"] if isinstance(action, dict) else action) + "\n" in text
    assert text.count("\n  - ") == len(steps)
    due = datetime.datetime.fromisoformat(decision["deadline"].replace("Z", "+00:00"))
    calendar = doc["calendar"]
    zone = calendar.get("timezone", "Europe/London" if calendar.get("preset") else "UTC")
    local = due.astimezone(zoneinfo.ZoneInfo(zone))
    assert f"{local:%A} {local.day} {local:%B %Y, %H:%M} {zone} time ({due:%H:%M} UTC, {decision['deadline']})" in text
    assert "within " + outcome["decide_within"] in text
    # Nothing about the child beyond the contact's reference: no child id, dates, concerns or reasons.
    contact = json.loads(CONTACT.read_text())
    private = [contact["child"], contact["dob"], contact["received"][:16], *contact["concerns"], *decision["rules"],
               *(r["text"] for r in decision["reasons"]), *(h["received"][:10] for h in contact["history"])]
    for p in private:
        assert p not in text, p


def test_referrer_summary_leaves_out_what_rules_add():
    tiny = pathlib.Path(__file__).parent / "tiny.yaml"
    contact = {"id": "C-T", "child": "K-1", "received": "2026-05-05T10:00:00Z", "concerns": {"neglect": "early_help"},
               "history": [{"received": f"2026-04-0{d}T10:00:00Z", "concerns": {"neglect": "early_help"}} for d in (1, 2)]}
    full = json.loads(run("decide", tiny, "-", stdin=json.dumps(contact) + "\n").stdout)
    assert full["actions"] == ["signoff", "allocate", "review"]  # the practitioner sees the repeat contacts...
    text = run("explain", "--for", "referrer", tiny, "-", stdin=json.dumps(contact)).stdout
    assert "  - A manager signs off the decision\n  - Allocate a social worker\n\n" in text
    assert "repeat" not in text.lower()  # ...the referrer does not


def test_referrer_summary_json_winter_time_and_rejections():
    contact = {"id": "C-W", "received": "2026-12-01T16:30:00Z", "concerns": {"neglect": "early_help"}, "consent": True}
    r = run("explain", "--for", "referrer", "--format", "json", DOC, "-", stdin=json.dumps(contact))
    s = json.loads(r.stdout)
    assert r.returncode == 0 and s["decided"] and s["outcome"] and s["next_steps"][0] == "A team manager reviews and signs off the decision"
    assert s["deadline"]["timezone"] == "Europe/London" and s["deadline"]["local"].endswith(s["deadline"]["utc"][11:16])  # GMT = UTC
    assert s["text"].startswith("Contact C-W: what happens next")
    r = run("explain", "--for", "referrer", DOC, "-", stdin='{"id": "C-B", "received": "yesterday"}')
    assert r.returncode == 1 and "Contact C-B: not decided automatically" in r.stdout and "received" in r.stdout
