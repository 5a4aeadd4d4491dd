"""`frontdoor check` on a corpus of broken documents, one defect each.

Each file in broken/ marks the line where a finding belongs with a comment
`# expect: FDnnn [warning] [word]`: the finding with that code must be reported on that line (with
that severity, default error, and with `word` in its message), and nothing else may be reported.
Findings about contacts carry counterexamples, which are replayed through `frontdoor decide`.
Files with a `.baseline` beside them must print exactly that text (caret and all); set
FRONTDOOR_UPDATE_BASELINES=1 to rewrite them after a deliberate change.
"""
import json
import os
import pathlib
import re
import subprocess

import pytest

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
FRONTDOOR = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
BROKEN = sorted((HERE / "broken").glob("*.yaml"))
EXPECT = re.compile(r"#\s*expect:\s*(FD\d{3})(?:\s+(warning|error))?(?:\s+(\S+))?")


def expectations(path):
    found = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for m in EXPECT.finditer(line):
            found.append((m.group(1), number, m.group(2) or "error", m.group(3)))
    return found


def check(*args):
    return subprocess.run([FRONTDOOR, "check", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_the_base_document_is_clean():
    r = check(str(HERE / "base.yaml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_each_defect_is_reported_where_it_is(path):
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' comment"
    r = check("--format", "json", str(path.relative_to(ROOT)))
    findings = json.loads(r.stdout)
    got = {(f["code"], f["line"], f["severity"]) for f in findings}
    want = {(code, line, severity) for code, line, severity, _ in expected}
    assert got == want, json.dumps(findings, indent=2)
    for code, line, _, word in expected:
        if word:
            messages = [f["message"] for f in findings if f["code"] == code and f["line"] == line]
            assert any(word in m for m in messages), messages
    assert r.returncode == (1 if any(s == "error" for _, _, s in want) else 0)


@pytest.mark.parametrize("path", [p for p in BROKEN if re.match(r"fd31[34]", p.stem)], ids=lambda p: p.stem)
def test_counterexamples_replay_through_decide(path, tmp_path):
    findings = json.loads(check("--format", "json", str(path)).stdout)
    contacts = [c for f in findings for c in f.get("counterexamples", [])]
    assert contacts
    rows = tmp_path / "contacts.jsonl"
    rows.write_text("".join(json.dumps(c) + "\n" for c in contacts))
    r = subprocess.run([FRONTDOOR, "decide", str(path), str(rows)], capture_output=True, text=True)
    decisions = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["error"] for d in decisions] == [None] * len(contacts)
    order = ["nfa", "early_help", "assessment", "s47"]
    if path.stem.startswith("fd314"):
        before, after = decisions
        assert order.index(after["category"]) < order.index(before["category"])
    else:
        assert decisions[0]["routing"] is not None


@pytest.mark.parametrize("path", [p for p in BROKEN if re.match(r"fd[12]", p.stem)], ids=lambda p: p.stem)
def test_text_output_matches_its_baseline(path):
    baseline = path.with_suffix(".baseline")
    text = check(str(path.relative_to(ROOT))).stdout
    if os.environ.get("FRONTDOOR_UPDATE_BASELINES") or not baseline.exists():
        baseline.write_text(text)
    assert text == baseline.read_text()


def test_the_schema_accepts_the_shipped_documents_and_rejects_unknown_keys():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads((ROOT / "schema" / "frontdoor.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    documents = sorted((ROOT / "rules").glob("*.yaml")) + [HERE / "base.yaml"]
    for path in documents:
        # Dates stay strings, as frontdoor reads them.
        text = yaml.load(path.read_text(), Loader=_StringDates)
        errors = [e.message for e in validator.iter_errors(text)]
        assert errors == [], f"{path.name}: {errors}"
    broken = yaml.load((HERE / "broken" / "fd110_unknown_key.yaml").read_text(), Loader=_StringDates)
    assert any("rulez" in e.message for e in validator.iter_errors(broken))


class _StringDates(__import__("yaml").SafeLoader):
    pass


_StringDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in __import__("yaml").SafeLoader.yaml_implicit_resolvers.items()
}


def test_a_question_the_solver_cannot_settle_stops_at_the_time_bound(tmp_path):
    # Cubes that sum to a cube: Z3 can neither find nor rule out such integers, so without a bound
    # this question would run for ever. check must stop it, say so (FD315), and still answer the
    # questions it can.
    text = (HERE / "base.yaml").read_text()
    text = text.replace("fields:\n", "fields:\n" + "".join(f"  {v}: {{type: int, min: 1, max: 1000000}}\n" for v in "abc"))
    text = text.replace("rules:\n", "rules:\n  - {id: cubes, when: 'a * a * a + b * b * b == c * c * c', raise_to: acute}\n", 1)
    doc = tmp_path / "cubes.yaml"
    doc.write_text(text)
    r = check(str(doc), "--timeout-ms", "300")
    assert r.returncode in (0, 1), r.stderr
    assert re.search(r"proof incomplete: 'can rule cubes hold\?' was not settled within its \d+ ms", r.stdout), r.stdout
    assert "untested rule 'cubes'" in r.stdout  # the rest of check still ran
