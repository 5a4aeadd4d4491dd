"""Tests of the `frontdoor` command line against SPEC section 4 (check, decide, explain).

Run: python3 -m pytest -q tests/cli
The binary is $FRONTDOOR (default /work/main/build/frontdoor). Every test writes its own small
documents and contacts to tmp_path; the only shipped file used is rules/exampleshire.yaml.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", "/work/main/build/frontdoor")
DEFAULT_DOC = "rules/exampleshire.yaml"           # relative to REPO, the cwd of every run

pytestmark = pytest.mark.skipif(not os.access(FRONTDOOR, os.X_OK),
                                reason=f"frontdoor binary not found at {FRONTDOOR} (set $FRONTDOOR)")

DECISION_FIELDS = ["level", "outcome", "category", "referral", "actions", "deadline", "flags", "rules",
                   "routing"]
DIAG_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.*) "
                     r"\[(?P<code>FD\d{3})\]$")


def run(*args, input=None, cwd=REPO, timeout=30):
    # Retried for a few seconds while build/frontdoor is being relinked by a concurrent build.
    for attempt in range(40):
        try:
            return subprocess.run([FRONTDOOR, *map(str, args)], input=input, capture_output=True, text=True,
                                  cwd=cwd, timeout=timeout)
        except OSError as e:
            if attempt == 39 or e.errno not in (errno.EACCES, errno.ENOENT, errno.ETXTBSY):
                raise
            time.sleep(0.5)


def diagnostics(stdout: str) -> list[dict]:
    """The compiler-style lines of `check` (source excerpts and carets are skipped)."""
    out = []
    for line in stdout.splitlines():
        m = DIAG_RE.match(line)
        if m:
            d = m.groupdict()
            d["line"], d["col"] = int(d["line"]), int(d["col"])
            out.append(d)
    return out


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing needle."""
    seen = 0
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == nth:
                return i
    raise AssertionError(f"{needle!r} not in text")


def col_of(text: str, needle: str, nth: int = 1) -> int:
    line = text.splitlines()[line_of(text, needle, nth) - 1]
    return line.index(needle) + 1


# ------------------------------------------------------------------------------------------------
# A small valid document; the broken ones below are edits of it.
# ------------------------------------------------------------------------------------------------

MINI = textwrap.dedent("""\
    frontdoor: 1
    id: mini
    title: Mini
    version: "1"
    levels:
      - {id: low, name: Low, route: advice}
      - {id: mid, name: Mid, route: help}
      - {id: complex, name: Complex, route: assess}
      - {id: high, name: High, route: s47}
    outcomes:
      advice: {category: nfa, referral: false, decide_within: 1 working day}
      help: {category: early_help, referral: false, decide_within: 1 working day}
      assess: {category: assessment, referral: true, decide_within: 1 working day, actions: [allocate]}
      s47: {category: s47, referral: true, decide_within: 4 working hours, actions: [checks]}
    actions:
      signoff: "A manager signs off"
      allocate: "Allocate a worker"
      checks: "Partner checks"
      review: "Review"
    always: [signoff]
    calendar:
      timezone: Europe/London
      working_hours: "09:00-17:00"
    fields:
      consent: {type: bool, default: false}
      open_case: {type: enum, values: [none, cin], default: none}
    concerns:
      neglect:
        domain: care
        levels: {mid: "Patchy care", complex: "Persistent neglect", high: "Severe neglect"}
      injury:
        domain: health
        levels: {high: "Unexplained injury"}
    history:
      similar_3m: {count: contacts, within: 3 months, sharing: domain}
    rules:
      - id: baby
        when: 'age_months < 6 && concern("injury")'
        raise_to: high
        because: "Babies"
    routing:
      - id: no_consent
        when: 'level == "mid" && !consent'
        outcome: advice
        lowers: true
        because: "Early help is voluntary"
    tests:
      - name: "injured baby"
        contact: {received: "2026-06-01T10:00:00Z", dob: 2026-03-01, concerns: {injury: high}}
        expect: {level: high, outcome: s47, rules: [baby]}
    """)


def write(tmp_path, text, name="doc.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def replace_once(text, old, new):
    assert text.count(old) == 1, old
    return text.replace(old, new)


def with_rule_when(expr: str) -> str:
    """MINI with the baby rule's condition replaced by expr (single-quoted in YAML)."""
    return replace_once(MINI, """when: 'age_months < 6 && concern("injury")'""", f"when: '{expr}'")


# ------------------------------------------------------------------------------------------------
# check
# ------------------------------------------------------------------------------------------------

def test_check_default_document_is_clean():
    r = run("check", DEFAULT_DOC)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not [d for d in diagnostics(r.stdout) if d["sev"] == "error"]


def test_check_mini_document_is_clean(tmp_path):
    r = run("check", write(tmp_path, MINI))
    assert r.returncode == 0, r.stdout + r.stderr


# Each case: (name, broken text, expected code, needle locating the expected line, extra substring
# the message must contain or None).
def _cases():
    c = []
    t = replace_once(MINI, 'title: Mini\n', 'title: Mini: the small one\n')
    c.append(("yaml_syntax", t, "FD101", "title: Mini: the small one", None))
    t = replace_once(MINI, 'version: "1"\n', 'version: "1"\ntitle: Again\n')
    c.append(("duplicate_key", t, "FD102", "title: Again", "duplicate"))
    t = replace_once(MINI, "  signoff: \"A manager signs off\"\n", "  signoff: &text \"A manager signs off\"\n")
    c.append(("anchor", t, "FD103", "&text", None))
    t = replace_once(MINI, "  review: \"Review\"\n", "  signoff2: &t2 \"x\"\n  review: *t2\n")
    c.append(("alias", t, "FD103", "review: *t2", None))
    t = MINI.replace("routing:\n", "rulez: []\nrouting:\n")
    c.append(("unknown_top_key", t, "FD110", "rulez: []", "did you mean 'rules'"))
    t = replace_once(MINI, "raise_to: high", "raise_to: extreme")
    c.append(("unknown_level_raise_to", t, "FD121", "raise_to: extreme", "extreme"))
    t = replace_once(MINI, "- {id: mid, name: Mid, route: help}", "- {id: mid, name: Mid, route: halp}")
    c.append(("unknown_outcome_in_route", t, "FD121", "route: halp", "did you mean 'help'"))
    t = replace_once(MINI, 'levels: {high: "Unexplained injury"}', 'levels: {hihg: "Unexplained injury"}')
    c.append(("unknown_level_in_concern", t, "FD121", "hihg", "hihg"))
    t = replace_once(MINI, "actions: [allocate]}", "actions: [allocat]}")
    c.append(("undeclared_action", t, "FD121", "actions: [allocat]", "allocat"))
    t = replace_once(MINI, "decide_within: 4 working hours", "decide_within: 4 working fortnights")
    c.append(("bad_decide_within", t, "FD123", "4 working fortnights", None))
    t = replace_once(MINI, "timezone: Europe/London", "timezone: Europe/Lundon")
    c.append(("unknown_timezone", t, "FD124", "Europe/Lundon", "Europe/Lundon"))
    t = replace_once(MINI, 'because: "Early help is voluntary"\n', "")
    c.append(("lowers_without_because", t, "FD126", "- id: no_consent", "because"))
    # expressions
    c.append(("unknown_name", with_rule_when("age_months < 6 && consnet"), "FD202", "consnet",
              "did you mean 'consent'"))
    c.append(("type_error", with_rule_when("consent + 1 > 0"), "FD204", "+ 1 > 0", None))
    c.append(("misspelt_level", with_rule_when('level >= "compelx"'), "FD206", '"compelx"', "compelx"))
    c.append(("enum_not_a_value", with_rule_when('source == "99"'), "FD207", '"99"', "99"))
    c.append(("enum_field_not_a_value", with_rule_when('open_case == "cim"'), "FD207", '"cim"',
              "did you mean 'cin'"))
    c.append(("unknown_function", with_rule_when('concerned("injury")'), "FD203", "concerned(",
              "concerned"))
    c.append(("unknown_concern_arg", with_rule_when('concern("injyry")'), "FD206", '"injyry"',
              "did you mean 'injury'"))
    c.append(("id_is_not_a_name", with_rule_when('child == "K1"'), "FD202", 'child == "K1"', "child"))
    return c


CASES = _cases()


@pytest.mark.parametrize("name,text,code,needle,msg", CASES, ids=[c[0] for c in CASES])
def test_check_reports_error_at_line(tmp_path, name, text, code, needle, msg):
    p = write(tmp_path, text)
    r = run("check", p)
    assert r.returncode == 1, f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    diags = diagnostics(r.stdout)
    want_line = line_of(text, needle)
    hits = [d for d in diags if d["code"] == code and d["sev"] == "error"]
    assert hits, f"no {code} in:\n{r.stdout}"
    assert any(d["line"] == want_line for d in hits), \
        f"{code} expected at line {want_line} ({needle!r}), got:\n{r.stdout}"
    for d in hits:
        assert d["path"] == str(p)
    if msg is not None:
        assert any(msg in d["msg"] for d in hits if d["line"] == want_line), r.stdout
    # expression errors point inside the expression, at the offending token
    if code.startswith("FD2"):
        line = text.splitlines()[want_line - 1]
        d = next(d for d in hits if d["line"] == want_line)
        assert d["col"] == line.index(needle) + 1, f"col {d['col']} for {needle!r} in {line!r}"


def test_check_failing_worked_example(tmp_path):
    text = replace_once(MINI, "expect: {level: high, outcome: s47, rules: [baby]}",
                        "expect: {level: high, outcome: assess, rules: [baby]}")
    r = run("check", write(tmp_path, text))
    assert r.returncode == 1
    hits = [d for d in diagnostics(r.stdout) if d["code"] == "FD301"]
    assert len(hits) == 1, r.stdout
    assert hits[0]["line"] == line_of(text, '- name: "injured baby"')
    assert "expected" in hits[0]["msg"] and "got" in hits[0]["msg"]
    assert "assess" in hits[0]["msg"] and "s47" in hits[0]["msg"]


def test_check_expected_error_in_worked_example_passes(tmp_path):
    text = MINI + ('  - name: "bad level is rejected"\n'
                   '    contact: {received: "2026-06-01T10:00:00Z", concerns: {injury: mid}}\n'
                   '    expect: {error: injury}\n')
    r = run("check", write(tmp_path, text))
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_format_json(tmp_path):
    text = with_rule_when('level >= "compelx"')
    p = write(tmp_path, text)
    r = run("check", p, "--format", "json")
    assert r.returncode == 1
    findings = json.loads(r.stdout)
    assert isinstance(findings, list) and findings
    for f in findings:
        assert set(f) >= {"path", "line", "col", "severity", "code", "message"}
    f = next(f for f in findings if f["code"] == "FD206")
    assert f["path"] == str(p) and f["severity"] == "error"
    assert f["line"] == line_of(text, "compelx") and isinstance(f["col"], int)
    # a clean document gives no error findings (warnings may remain)
    r = run("check", write(tmp_path, MINI, "clean.yaml"), "--format", "json")
    assert r.returncode == 0 and not [f for f in json.loads(r.stdout) if f["severity"] == "error"]


def test_check_format_sarif(tmp_path):
    text = with_rule_when("consent + 1 > 0")
    p = write(tmp_path, text)
    r = run("check", p, "--format", "sarif")
    assert r.returncode == 1
    s = json.loads(r.stdout)
    assert s["version"] == "2.1.0"
    results = s["runs"][0]["results"]
    res = next(x for x in results if x["ruleId"] == "FD204")
    assert res["level"] == "error" and res["message"]["text"]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line_of(text, "consent + 1")
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("doc.yaml")


def test_check_several_documents(tmp_path):
    good = write(tmp_path, MINI, "good.yaml")
    bad = write(tmp_path, with_rule_when("consnet"), "bad.yaml")
    r = run("check", good, bad)
    assert r.returncode == 1
    assert {d["path"] for d in diagnostics(r.stdout) if d["sev"] == "error"} == {str(bad)}
    assert run("check", good, write(tmp_path, MINI, "good2.yaml")).returncode == 0


def test_check_missing_file_exits_2(tmp_path):
    r = run("check", tmp_path / "no-such-file.yaml")
    assert r.returncode == 2
    assert r.stderr.strip()


@pytest.mark.parametrize("args", [
    [],                                   # no subcommand
    ["check"],                            # no document
    ["frobnicate", DEFAULT_DOC],          # unknown subcommand
    ["decide", DEFAULT_DOC],              # no contacts
    ["check", "--format", "xml", DEFAULT_DOC],
    ["decide", DEFAULT_DOC, "-", "--no-such-option"],
])
def test_usage_errors_exit_2(args):
    r = run(*args, input="")
    assert r.returncode == 2, f"{args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"


# ------------------------------------------------------------------------------------------------
# decide
# ------------------------------------------------------------------------------------------------

def jsonl(rows) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def decisions(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


GOOD_ROWS = [
    {"id": "C-01", "child": "K1", "received": "2026-06-01T10:00:00Z", "dob": "2026-01-15", "source": "3B",
     "channel": "conversation", "concerns": {"unexplained_injury": "acute"}},
    {"id": "C-02", "child": "K2", "received": "2026-05-30T09:00:00+01:00", "dob": "2015-04-04", "source": "6",
     "channel": "notification", "concerns": {"domestic_abuse": "early_help"}},
    {"id": "C-03", "child": "K1", "received": "2026-05-20T18:30:00Z", "unborn": True, "source": "3F",
     "channel": "conversation", "concerns": {"parental_substance_misuse": "early_help"}},
    {"id": "C-04", "received": "2026-12-24T15:30:00Z", "dob": "2012-05-05", "source": "6",
     "channel": "notification", "concerns": {"gangs": "acute"}},
    {"id": "C-05", "child": "K3", "received": "2026-10-23T15:00:00Z", "dob": "2010-01-01", "source": "2A",
     "channel": "written", "consent": True, "disabled": True, "open_case": "early_help",
     "concerns": {"emotional_health": "early_help", "housing": "early_help"}},
    {"id": "C-06", "child": "K2", "received": "2026-06-15T10:00:00Z", "source": "9", "channel": "online",
     "concerns": {}},
]

CSV_HEADER = ["id", "child", "received", "dob", "unborn", "source", "channel", "consent", "disabled",
              "open_case", "concerns"]


def to_csv(rows, header=CSV_HEADER) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        cells = []
        for h in header:
            v = r.get(h)
            if h == "concerns":
                v = ";".join(f"{k}={lv}" for k, lv in (v or {}).items())
            elif isinstance(v, bool):
                v = "true" if v else "false"
            cells.append("" if v is None else v)
        w.writerow(cells)
    return buf.getvalue()


def test_decide_jsonl_and_csv_inputs_agree(tmp_path):
    j = write(tmp_path, jsonl(GOOD_ROWS), "c.jsonl")
    c = write(tmp_path, to_csv(GOOD_ROWS), "c.csv")
    rj, rc = run("decide", DEFAULT_DOC, j), run("decide", DEFAULT_DOC, c)
    assert rj.returncode == 0, rj.stderr
    assert rc.returncode == 0, rc.stderr
    dj, dc = decisions(rj.stdout), decisions(rc.stdout)
    assert len(dj) == len(dc) == len(GOOD_ROWS)
    for a, b in zip(dj, dc):
        assert a["error"] is None and b["error"] is None
        assert {k: a[k] for k in DECISION_FIELDS} == {k: b[k] for k in DECISION_FIELDS}, (a, b)
    assert rj.stdout == rc.stdout


def test_decide_output_in_input_order(tmp_path):
    r = run("decide", DEFAULT_DOC, write(tmp_path, jsonl(GOOD_ROWS), "c.jsonl"))
    out = decisions(r.stdout)
    assert [d["contact"] for d in out] == [row["id"] for row in GOOD_ROWS]
    by = {d["contact"]: d for d in out}
    assert by["C-01"]["level"] == "acute" and by["C-01"]["rules"][0] == "non_mobile_baby_injury"
    # C-03 (earlier, same child K1) was raised to a pre-birth assessment: a referral this run decided
    assert by["C-01"]["rules"] == ["non_mobile_baby_injury", "re_referral"]
    assert by["C-02"]["outcome"] == "advice" and by["C-02"]["routing"] == "no_consent_for_early_help"
    assert by["C-03"]["flags"] == ["pre_birth"]
    assert by["C-04"]["deadline"] == "2026-12-29T11:30:00Z"
    for d in out:
        assert set(d) >= {"contact", *DECISION_FIELDS, "reasons", "document", "error"}
        assert d["document"]["id"] == "exampleshire" and re.fullmatch(r"[0-9a-f]{64}", d["document"]["sha256"])


def _assert_rejected(d):
    assert d["error"], d
    for k in DECISION_FIELDS:
        assert d[k] is None, (k, d)


BAD_JSONL_ROWS = [
    ("ok1", json.dumps({"id": "ok1", "received": "2026-06-01T10:00:00Z", "concerns": {"neglect": "acute"}})),
    ("unknown_concern", json.dumps({"id": "b1", "received": "2026-06-01T10:00:00Z",
                                    "concerns": {"bedwetting": "early_help"}})),
    ("bad_json", '{"id": "b2", "received": '),
    ("bad_timestamp", json.dumps({"id": "b3", "received": "2026-06-01 at ten", "concerns": {}})),
    ("naive_timestamp", json.dumps({"id": "b4", "received": "2026-06-01T10:00:00", "concerns": {}})),
    ("unknown_field", json.dumps({"id": "b5", "received": "2026-06-01T10:00:00Z", "colour": "red"})),
    ("level_not_held", json.dumps({"id": "b6", "received": "2026-06-01T10:00:00Z",
                                   "concerns": {"unexplained_injury": "early_help"}})),
    ("bad_enum", json.dumps({"id": "b7", "received": "2026-06-01T10:00:00Z", "open_case": "adopted"})),
    ("ok2", json.dumps({"id": "ok2", "received": "2026-06-01T10:00:00Z", "concerns": {}})),
]


def test_decide_bad_rows_are_kept_with_error(tmp_path):
    p = write(tmp_path, "".join(line + "\n" for _, line in BAD_JSONL_ROWS), "c.jsonl")
    r = run("decide", DEFAULT_DOC, p)
    assert r.returncode == 1, r.stderr
    out = decisions(r.stdout)
    assert len(out) == len(BAD_JSONL_ROWS)
    for (name, _), d in zip(BAD_JSONL_ROWS, out):
        if name.startswith("ok"):
            assert d["error"] is None and d["contact"] == name
        else:
            _assert_rejected(d)
    named = dict(zip([n for n, _ in BAD_JSONL_ROWS], out))
    assert "bedwetting" in named["unknown_concern"]["error"]
    assert "colour" in named["unknown_field"]["error"]
    assert "received" in named["bad_timestamp"]["error"]
    assert "open_case" in named["bad_enum"]["error"]
    assert named["unknown_concern"]["contact"] == "b1"


def test_decide_csv_bad_rows(tmp_path):
    text = ("id,child,received,concerns,consent\n"
            "a1,K1,2026-06-01T10:00:00Z,emotional_health=early_help,true\n"
            "a2,K1,2026-06-01T11:00:00Z,emotional_health=early_help\n"          # 4 cells
            "a3,K2,2026-06-01T12:00:00Z,emotional_health=early_help,true,extra\n"  # 6 cells
            "a4,K2,yesterday,emotional_health=early_help,true\n"
            "a5,K2,2026-06-01T12:00:00Z,nosuchconcern=early_help,true\n"
            "a6,K3,2026-06-01T12:00:00Z,,false\n")
    r = run("decide", DEFAULT_DOC, write(tmp_path, text, "c.csv"))
    assert r.returncode == 1
    out = decisions(r.stdout)
    assert len(out) == 6
    assert out[0]["error"] is None and out[0]["outcome"] == "early_help"
    for d in out[1:5]:
        _assert_rejected(d)
    assert out[5]["error"] is None and out[5]["level"] == "universal"


def test_decide_unknown_csv_column_rejects_rows(tmp_path):
    text = "id,received,colour\nx1,2026-06-01T10:00:00Z,red\n"
    r = run("decide", DEFAULT_DOC, write(tmp_path, text, "c.csv"))
    assert r.returncode == 1
    (d,) = decisions(r.stdout)
    _assert_rejected(d)
    assert "colour" in d["error"]


def test_decide_exit_0_when_all_decided(tmp_path):
    r = run("decide", DEFAULT_DOC, write(tmp_path, jsonl(GOOD_ROWS[:2]), "c.jsonl"))
    assert r.returncode == 0 and len(decisions(r.stdout)) == 2


def test_decide_csv_output(tmp_path):
    src = write(tmp_path, jsonl(GOOD_ROWS) + BAD_JSONL_ROWS[1][1] + "\n", "c.jsonl")
    out = tmp_path / "out.csv"
    r = run("decide", DEFAULT_DOC, src, "-o", out)
    assert r.returncode == 1
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == len(GOOD_ROWS) + 1
    header = out.read_text().splitlines()[0].split(",")
    for k in ["contact", "level", "outcome", "category", "referral", "actions", "deadline", "flags",
              "rules", "routing", "error"]:
        assert k in header
    # the CSV carries the same decisions as the JSON
    js = decisions(run("decide", DEFAULT_DOC, src).stdout)
    for row, d in zip(rows, js):
        assert row["contact"] == d["contact"]
        if d["error"] is None:
            assert row["level"] == d["level"] and row["outcome"] == d["outcome"]
            assert row["deadline"] == d["deadline"] and row["category"] == d["category"]
            assert row["actions"].split(";") == d["actions"]
            assert [f for f in row["flags"].split(";") if f] == d["flags"]
            assert [f for f in row["rules"].split(";") if f] == d["rules"]
            assert (row["routing"] or None) == d["routing"]
            assert not row["error"]
        else:
            assert row["error"] and not row["level"] and not row["outcome"]


def test_decide_reads_stdin(tmp_path):
    r = run("decide", DEFAULT_DOC, "-", input=jsonl(GOOD_ROWS))
    assert r.returncode == 0, r.stderr
    assert r.stdout == run("decide", DEFAULT_DOC, write(tmp_path, jsonl(GOOD_ROWS), "c.jsonl")).stdout


def test_decide_missing_contacts_file_exits_2(tmp_path):
    assert run("decide", DEFAULT_DOC, tmp_path / "none.jsonl").returncode == 2
    assert run("decide", tmp_path / "none.yaml", "-", input=jsonl(GOOD_ROWS)).returncode == 2


def test_decide_is_deterministic(tmp_path):
    rows = []
    for i in range(300):
        g = GOOD_ROWS[i % len(GOOD_ROWS)]
        rows.append(dict(g, id=f"D-{i:04d}", child=f"K{i % 17}",
                         received=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{8 + i % 11:02d}:15:00Z"))
    p = write(tmp_path, jsonl(rows), "c.jsonl")
    a, b = run("decide", DEFAULT_DOC, p), run("decide", DEFAULT_DOC, p)
    assert a.returncode == b.returncode          # some rows have a dob after `received`: exit 1
    assert len(decisions(a.stdout)) == len(rows)
    assert a.stdout.encode() == b.stdout.encode()
    out = tmp_path / "o1.csv", tmp_path / "o2.csv"
    run("decide", DEFAULT_DOC, p, "-o", out[0])
    run("decide", DEFAULT_DOC, p, "-o", out[1])
    assert out[0].read_bytes() == out[1].read_bytes()


def _similar(i, child, when, **kw):
    row = {"id": f"R{i}", "child": child, "received": when, "dob": "2013-03-03", "source": "2A",
           "channel": "conversation", "consent": True, "concerns": {"emotional_health": "early_help"}}
    row.update(kw)
    return row


def test_decide_batch_history_repeat_contacts(tmp_path):
    # Rows out of time order on purpose: history is by `received`, not by input position.
    rows = [
        _similar(3, "A", "2026-06-15T10:00:00Z"),                     # third in 3 months -> flag
        _similar(1, "A", "2026-04-20T09:00:00Z", concerns={"self_harm": "early_help"}),
        _similar(2, "A", "2026-05-28T14:00:00Z", concerns={"school_attendance": "universal"}),
        _similar(4, "B", "2026-06-15T10:00:00Z"),                     # another child: first contact
        _similar(5, "A", "2026-10-30T10:00:00Z"),                     # 4+ months later: not a repeat
        _similar(6, None, "2026-06-16T10:00:00Z"),                    # no child: no history
    ]
    rows[5].pop("child")
    r = run("decide", DEFAULT_DOC, write(tmp_path, jsonl(rows), "c.jsonl"))
    assert r.returncode == 0, r.stderr
    by = {d["contact"]: d for d in decisions(r.stdout)}
    assert "repeat_contacts" in by["R3"]["rules"] and by["R3"]["flags"] == ["repeat_contact"]
    assert "repeat_contact_review" in by["R3"]["actions"]
    for k in ["R1", "R2", "R4", "R5", "R6"]:
        assert "repeat_contact" not in by[k]["flags"], (k, by[k])


def test_decide_batch_rejected_row_is_not_history(tmp_path):
    rows = [
        _similar(1, "A", "2026-05-01T10:00:00Z"),
        _similar(2, "A", "2026-05-10T10:00:00Z", concerns={"emotional_health": "nonsense"}),
        _similar(3, "A", "2026-05-20T10:00:00Z"),
    ]
    r = run("decide", DEFAULT_DOC, write(tmp_path, jsonl(rows), "c.jsonl"))
    assert r.returncode == 1
    out = decisions(r.stdout)
    assert out[1]["error"] and out[2]["error"] is None
    assert out[2]["flags"] == []


def test_decide_row_own_history_replaces_batch_history(tmp_path):
    rows = [
        _similar(1, "A", "2026-05-01T10:00:00Z"),
        _similar(2, "A", "2026-05-10T10:00:00Z"),
        _similar(3, "A", "2026-05-20T10:00:00Z", history=[]),          # own empty history: no flag
        _similar(4, "Z", "2026-06-15T10:00:00Z", history=[               # alone, but two similar items
            {"received": "2026-04-20T09:00:00Z", "concerns": {"self_harm": "early_help"}, "outcome": "advice"},
            {"received": "2026-05-28T14:00:00Z", "concerns": {"school_attendance": "universal"}},
        ]),
    ]
    r = run("decide", DEFAULT_DOC, write(tmp_path, jsonl(rows), "c.jsonl"))
    assert r.returncode == 0, r.stderr
    out = decisions(r.stdout)
    assert out[2]["flags"] == [] and out[3]["flags"] == ["repeat_contact"]
    # without its own history row 3 would be the third similar contact
    rows[2].pop("history")
    out = decisions(run("decide", DEFAULT_DOC, write(tmp_path, jsonl(rows), "c2.jsonl")).stdout)
    assert out[2]["flags"] == ["repeat_contact"]


def test_decide_history_item_with_unknown_outcome_rejects(tmp_path):
    row = _similar(1, "A", "2026-05-20T10:00:00Z",
                   history=[{"received": "2026-05-01T10:00:00Z", "outcome": "nowhere"}])
    r = run("decide", DEFAULT_DOC, write(tmp_path, jsonl([row]), "c.jsonl"))
    assert r.returncode == 1
    (d,) = decisions(r.stdout)
    _assert_rejected(d)


def test_decide_batch_outcome_feeds_re_referral(tmp_path):
    # The earlier row becomes a referral only if this run decides it so (SPEC 2.2 Batches).
    first = {"id": "F1", "child": "A", "received": "2026-02-02T10:00:00Z", "dob": "2015-09-09",
             "source": "2A", "channel": "conversation", "concerns": {"neglect": "complex"}}
    later = {"id": "F2", "child": "A", "received": "2026-06-01T10:00:00Z", "dob": "2015-09-09",
             "source": "2A", "channel": "conversation", "concerns": {"neglect": "complex"}}
    out = decisions(run("decide", DEFAULT_DOC, write(tmp_path, jsonl([first, later]), "a.jsonl")).stdout)
    assert out[1]["flags"] == ["re_referral"]
    first_open = dict(first, open_case="cin")          # goes to the allocated worker: not a referral
    out = decisions(run("decide", DEFAULT_DOC, write(tmp_path, jsonl([first_open, later]), "b.jsonl")).stdout)
    assert out[0]["outcome"] == "allocated_worker" and out[1]["flags"] == []


# ------------------------------------------------------------------------------------------------
# explain
# ------------------------------------------------------------------------------------------------

BABY = {"id": "E1", "received": "2026-05-04T10:00:00Z", "dob": "2026-01-01",
        "concerns": {"unexplained_injury": "acute"}}


def _doc_text():
    return (REPO / DEFAULT_DOC).read_text()


def test_explain_text(tmp_path):
    r = run("explain", DEFAULT_DOC, write(tmp_path, json.dumps(BABY), "c.json"))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert re.search(r"Level:\s+acute", out)
    assert re.search(r"Outcome:\s+s47_strategy", out)
    assert "2026-05-05T12:00:00Z" in out
    text = _doc_text()
    rule_line = line_of(text, "- id: non_mobile_baby_injury")
    rule_pos = f"{DEFAULT_DOC}:{rule_line}:{col_of(text, 'id: non_mobile_baby_injury')}"
    assert rule_pos in out, out
    # the concern descriptor that set the base level
    conc = line_of(text, "  unexplained_injury:")
    lines = text.splitlines()
    desc_line = next(i for i in range(conc, len(lines)) if lines[i].strip().startswith("acute:")) + 1
    desc_col = lines[desc_line - 1].index("acute:") + 1
    assert f"{DEFAULT_DOC}:{desc_line}:{desc_col}" in out, out
    # every reason line carries a position
    for pos in re.findall(r"rules/exampleshire\.yaml:(\d+):(\d+)", out):
        assert 1 <= int(pos[0]) <= len(lines)
    # a trace of every rule and routing entry
    assert "Trace" in out
    for rid in ["police_protection", "non_mobile_baby_injury", "repeat_contacts", "no_consent_for_early_help"]:
        assert re.search(rf"\b{rid}\b.*\b(true|false|unknown)\b", out), rid


def test_explain_json_includes_trace(tmp_path):
    r = run("explain", DEFAULT_DOC, write(tmp_path, json.dumps(BABY), "c.json"), "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["level"] == "acute" and d["outcome"] == "s47_strategy" and d["error"] is None
    assert d["rules"] == ["non_mobile_baby_injury"] and d["routing"] is None
    kinds = [x["kind"] for x in d["reasons"]]
    assert kinds[0] == "concern" and "rule" in kinds
    assert all(re.fullmatch(r"rules/exampleshire\.yaml:\d+:\d+", x["at"]) for x in d["reasons"])
    # unknown source/channel/disabled are named, not mistaken for "no"
    assert any(x["kind"] == "unknown" and x["id"] == "disabled_child" for x in d["reasons"])
    assert isinstance(d["trace"], list) and d["trace"]
    step = next(s for s in d["trace"] if s["id"] == "non_mobile_baby_injury")
    assert step["result"] == "true"
    # same decision as `decide`
    dec = decisions(run("decide", DEFAULT_DOC, "-", input=jsonl([BABY])).stdout)[0]
    assert {k: d[k] for k in DECISION_FIELDS} == {k: dec[k] for k in DECISION_FIELDS}


def test_explain_rejected_contact(tmp_path):
    bad = dict(BABY, concerns={"bedwetting": "acute"})
    r = run("explain", DEFAULT_DOC, write(tmp_path, json.dumps(bad), "c.json"))
    assert r.returncode == 1
    assert "bedwetting" in r.stdout + r.stderr


def test_explain_missing_contact_file_exits_2(tmp_path):
    assert run("explain", DEFAULT_DOC, tmp_path / "none.json").returncode == 2


# --- `decide` on JSON Lines: the columnar reader against the record reader ------------------------

def _decide_both(tmp_path, lines, threads="2", text=None):
    path = tmp_path / "contacts.jsonl"
    path.write_text("".join(l + "\n" for l in lines) if text is None else text, encoding="utf-8")
    fast = subprocess.run([FRONTDOOR, "decide", "rules/exampleshire.yaml", str(path), "--threads", threads],
                          cwd=REPO, capture_output=True, timeout=120)
    slow = subprocess.run([FRONTDOOR, "decide", "rules/exampleshire.yaml", str(path)], cwd=REPO, capture_output=True,
                          timeout=120, env={**os.environ, "FRONTDOOR_ROW_READER": "1"})
    return fast, slow


def test_decide_json_lines_columnar_reader_gives_the_record_readers_bytes(tmp_path):
    """The shipped year twice over (so both threads have work), with the awkward rows a case system
    exports: escapes (in values and keys), numbers as text, a key given twice, nested values where
    none belong, unknown concerns, per-row history, rows with no child. Both readers must write the
    same bytes."""
    year = (REPO / "examples" / "contacts-2026.jsonl").read_text(encoding="utf-8").splitlines()
    odd = [
        '{"id":"E\\"1\\u00e9","child":"K-E","received":"2026-05-05T10:00:00Z","concerns":{"neglect":"complex"}}',
        '{"id":"E2","child":"K-E","received":"2026-05-06T10:00:00Z","concerns":"neglect=complex;self_harm=early_help"}',
        '{"received":"bad","id":"E3","concerns":{"nope":"acute"}}',
        '{"id":"E4","received":"2026-05-06T10:00:00Z","id":"E4b","disabled":"true","source":6}',
        '{"id":"E5","received":"2026-05-06T10:00:00Z","source":{"x":1}}',
        '{"id":"E6","received":"2026-05-06T10:00:00Z","history":[{"received":"2026-04-01T10:00:00Z","concerns":{"neglect":"complex"},"referral":true}]}',
        '{"id":"E7","received":"2026-05-06T10:00:00Z","history":[{"received":"nope"}]}',
        '{"id":18,"received":"2026-05-06T10:00:00Z","concerns":{"neglect":3}}',
        '{"id":"E9","received":"2026-05-06T10:00:00Z","dob":"2026-09-01"}',
        '{"\\u0069d":"E10","received":"2026-05-06T10:00:00Z","chi\\u006cd":"K-E","telling_family_raises_\\u0072isk":true}',
        # The reader first tries, at each field, the key that followed the previous key last time:
        # keys after the same key that end in a backslash or an escaped quote, or are a prefix of a
        # known key or have one as a prefix (all unknown, so these rows are rejected either way).
        '{"id":"E11","received":"2026-05-06T10:00:00Z","a\\\\":1}',
        '{"id":"E12","received":"2026-05-06T10:00:00Z","a\\"":1}',
        '{"id":"E13","received":"2026-05-06T10:00:00Z","i":1}',
        '{"id":"E14","received":"2026-05-06T10:00:00Z","id2":1}',
    ]
    rows = year + odd + [l.replace('"id":"C-', '"id":"D-') for l in year]
    fast, slow = _decide_both(tmp_path, rows)
    assert slow.returncode == fast.returncode == 1  # some rows are rejected, by both
    assert fast.stdout.count(b"\n") == len(rows)
    assert fast.stdout == slow.stdout
    assert fast.stderr == slow.stderr


@pytest.mark.parametrize("newline", ["", "\n"])
@pytest.mark.parametrize("short_of_page", [0, 1, 31, 63, 64, 65])
def test_decide_json_lines_ending_at_a_page_boundary(tmp_path, short_of_page, newline):
    """A contacts file is mapped, and simdjson reads up to 64 bytes past the end of the text: a file
    ending exactly at a 4 KiB page boundary, or just short of one, decides as the record reader
    does (the last contact's id is padded to put its end there)."""
    year = (REPO / "examples" / "contacts-2026.jsonl").read_text(encoding="utf-8").splitlines()[:30]
    head = "".join(l + "\n" for l in year[:-1])
    last = json.loads(year[-1])
    bare = len((head + json.dumps(last, separators=(",", ":")) + newline).encode())
    size = (bare // 4096 + 1) * 4096 - short_of_page
    last["id"] += "x" * (size - bare)
    text = head + json.dumps(last, separators=(",", ":")) + newline
    assert len(text.encode()) == size
    fast, slow = _decide_both(tmp_path, [], text=text)
    assert fast.returncode == slow.returncode == 0, fast.stderr
    assert fast.stdout.count(b"\n") == len(year)
    assert fast.stdout == slow.stdout


def test_decide_json_lines_with_hundreds_of_keys(tmp_path):
    """More keys than the columnar reader's key table has places (and keys alike in their first and
    last bytes): every row is rejected for its unknown columns, the same way by both readers."""
    year = (REPO / "examples" / "contacts-2026.jsonl").read_text(encoding="utf-8").splitlines()[:50]
    rows = [l[:-1] + "".join(f',"extra_{k:03d}_field_with_a_long_name":{k}' for k in range(i, i + 300)) + "}"
            for i, l in enumerate(year)]
    fast, slow = _decide_both(tmp_path, rows)
    assert fast.stdout.count(b"\n") == len(rows)
    assert fast.stdout == slow.stdout and fast.stderr == slow.stderr
    assert fast.returncode == slow.returncode == 1


def test_decide_json_lines_with_a_bad_line_falls_back_to_the_record_reader(tmp_path):
    """A line that is not JSON is the record reader's to word ("line N: not valid JSON"); no row is lost."""
    year = (REPO / "examples" / "contacts-2026.jsonl").read_text(encoding="utf-8").splitlines()[:3000]
    rows = year[:1500] + ["{not json"] + year[1500:]
    fast, slow = _decide_both(tmp_path, rows)
    assert fast.stdout == slow.stdout
    assert fast.stdout.count(b"\n") == len(rows)
    assert b"line 1501: not valid JSON" in fast.stdout


# --- one reading of every built-in, whichever path reads the row ---------------------------------

ONE_READING = [
    # history null is "not given" (as null is for every key): the child's earlier rows count
    {"id": "N1", "child": "K-N", "received": "2026-05-06T10:00:00Z", "history": None,
     "concerns": {"neglect": "complex"}},
    # concerns as text: the CSV form, or a JSON mapping written out as text, read alike everywhere
    {"id": "N2", "received": "2026-05-06T10:00:00Z", "concerns": '{"neglect": "complex"}'},
    {"id": "N3", "received": "2026-05-06T10:00:00Z", "concerns": "neglect=complex;self_harm=early_help"},
    {"id": "N4", "received": "2026-05-06T10:00:00Z", "concerns": "neglect"},
    {"id": "N5", "received": "2026-05-06T10:00:00Z", "concerns": '{"neglect": 3}'},
    {"id": "N6", "received": "2026-05-06T10:00:00.250+01:00", "dob": "2026-05-07"},
    {"id": "N7", "received": "2026-05-06T10:00:00", "dob": "2020-02-29"},
    {"id": 8, "child": 77, "received": "2026-05-06T10:00:00Z", "dob": "2020-02-30"},
    {"id": "", "received": "2026-05-06T10:00:00Z"},
]


@pytest.mark.parametrize("contact", ONE_READING, ids=[str(c["id"]) for c in ONE_READING])
def test_one_reading_of_each_built_in(tmp_path, contact):
    """The same contact decides the same through explain (one record), decide on a one-line file, on
    a two-line file (the columnar reader), and the record reader: the built-ins are read by one
    function each."""
    other = {"id": "Z1", "child": "K-Z", "received": "2026-05-06T09:00:00Z"}
    explained = run("explain", DEFAULT_DOC, write(tmp_path, json.dumps(contact), "c.json"), "--format", "json")
    decision = json.loads(explained.stdout)
    for lines in ([contact], [contact, other], [other, contact]):
        fast, slow = _decide_both(tmp_path, [json.dumps(l) for l in lines])
        assert fast.stdout == slow.stdout
        got = [json.loads(l) for l in fast.stdout.decode().splitlines()]
        mine = got[lines.index(contact)]
        assert mine == {k: decision.get(k) for k in mine}
