"""`frontdoor diff A B` without contacts: where two documents decide differently, proved.

Read like a council's question about a revision: "what does the new version change, for whom?"

- The shipped pair (`exampleshire.yaml` and its conversation-first revision) differs in exactly the
  two regions its two new routing entries create, and nowhere else (proven).
- Every shipped document compared with itself differs nowhere (proven).
- Twenty seeded mutations of the shipped document and ten of a MASH-rating document (rule deadlines,
  only_with, history filtered by outcome and level): a rule's level, a routing entry's outcome, a
  deadline, a descriptor's level, an action list, a threshold. Every region reported is
  confirmed by the engine on its example, and a dense sample of diverse contacts, decided under both
  documents, finds no contact decided differently outside the reported regions. A contact one
  document rejects (a concern at a level only the other gives it) is named in the notes instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
SHIPPED = ROOT / "rules" / "exampleshire.yaml"
REVISION = ROOT / "rules" / "exampleshire-conversation-first.yaml"
MASH = ROOT / "tests" / "documents" / "mash_rating.yaml"  # rule deadlines, only_with, history filters
SAMPLE_ROWS = int(os.environ.get("FRONTDOOR_DIFF_SAMPLE", "20000"))

spec = importlib.util.spec_from_file_location("make_diverse", ROOT / "bench" / "make_diverse.py")
make_diverse = importlib.util.module_from_spec(spec)
sys.modules["make_diverse"] = make_diverse  # its dataclasses look their module up
spec.loader.exec_module(make_diverse)


def run(*args: str, ok=(0,)) -> subprocess.CompletedProcess:
    p = subprocess.run([FRONTDOOR, *args], capture_output=True, text=True, timeout=300)
    assert p.returncode in ok, p.stderr
    return p


def symbolic_diff(a: Path, b: Path) -> dict:
    return json.loads(run("diff", str(a), str(b), "--format", "json").stdout)


def test_the_conversation_first_revision_changes_exactly_its_two_routing_entries():
    d = symbolic_diff(SHIPPED, REVISION)
    assert d["complete"], "the proof must settle every other contact"
    assert all(r["confirmed"] for r in d["regions"])
    assert [r["aspect"] for r in d["regions"]] == ["outcome", "outcome"]
    assert {r["b"]["routing"] for r in d["regions"]} == {"early_help_agreed_in_conversation", "step_down_agreed_in_conversation"}
    assert {r["b"]["outcome"] for r in d["regions"]} == {"early_help"}
    for r in d["regions"]:  # the example, decided again by `frontdoor decide`, shows the move
        example = r["example_a"]
        for doc, side in ((SHIPPED, "a"), (REVISION, "b")):
            got = decide_one(doc, example)
            assert got["outcome"] == r[side]["outcome"]


def decide_one(doc: Path, contact: dict) -> dict:
    p = subprocess.run([FRONTDOOR, "decide", str(doc), "-"], input=json.dumps(contact) + "\n", capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.splitlines()[0])


@pytest.mark.parametrize("doc", sorted((ROOT / "rules").rglob("*.yaml")) + [MASH], ids=lambda p: p.name)
def test_a_document_compared_with_itself_differs_nowhere(doc: Path):
    d = symbolic_diff(doc, doc)
    assert d["regions"] == [] and d["complete"] and d["notes"] == []


def test_summary_and_fail_on_change():
    same = run("diff", str(SHIPPED), str(SHIPPED), "--summary", "--fail-on-change")
    assert "no contact is decided differently (proven)" in same.stdout
    changed = run("diff", str(SHIPPED), str(REVISION), "--summary", "--fail-on-change", ok=(1,))
    lines = [l for l in changed.stdout.splitlines() if re.match(r"\d+\. ", l)]
    assert len(lines) == 2 and "for example" not in changed.stdout


# --- mutations ------------------------------------------------------------------------------------

def mutations(text: str, rng: random.Random):
    """One edit of the kinds a revision makes, as (description, new text); None when it does not apply."""
    doc = yaml.safe_load(text)
    levels = [l["id"] for l in doc["levels"]]
    outcomes = list(doc["outcomes"])
    actions = list(doc.get("actions", {}))
    kinds = {
        "raise_to": (r"(raise_to: )(\w+)", levels),
        "routing outcome": (r"^(\s+outcome: )(\w+)", outcomes),
        "deadline": (r"(decide_within: )(\d+ (?:working )?(?:hours?|days?))", ["4 working hours", "2 working days", "3 working days", "24 hours", "1 working day"]),
        "descriptor level": (r"^(\s{6})(" + "|".join(levels) + r")(: )", levels),
        "actions": (r"(actions: \[)([^\]]*)", None),
        "threshold": (r"(>= )(\d+)", ["1", "2", "3"]),
    }
    kind = rng.choice(sorted(kinds))
    pattern, choices = kinds[kind]
    lines = text.splitlines(keepends=True)
    where = [i for i, l in enumerate(lines) if re.search(pattern, l) and not l.lstrip().startswith("#")]
    if not where:
        return None
    i = rng.choice(where)
    m = re.search(pattern, lines[i])
    old = m.group(2)
    if kind == "actions":  # one action more or one fewer
        have = [a.strip() for a in old.split(",") if a.strip()]
        more = [a for a in actions if a not in have]
        new = ", ".join(have[:-1] if len(have) > 1 and (rng.random() < 0.5 or not more) else have + [rng.choice(more or have)])
    else:
        new = rng.choice([c for c in choices if c != old])
    lines[i] = lines[i][: m.start(2)] + new + lines[i][m.end(2):]
    return f"{kind} at line {i + 1}: {old} -> {new}", "".join(lines)


def decider(side: dict) -> tuple:
    return ("routing", side["routing"]) if side.get("routing") else ("level", side["level"])


def sample(doc: Path, out: Path) -> Path:
    """Diverse contacts, each with a history of its own given in the row (0-4 earlier contacts within
    two years, sharing a concern or not, referrals or not, some with the outcome or level they got):
    the symbolic diff compares two documents on the same contact and the same history, whereas a
    batch's history would follow each document's own earlier decisions."""
    make_diverse.make(SAMPLE_ROWS, 11, doc, out, "sample")
    spec = yaml.safe_load(doc.read_text())
    outcomes, levels = list(spec["outcomes"]), [l["id"] for l in spec["levels"]]
    rng = random.Random(7)
    rows = []
    for line in (out / "sample.jsonl").read_text().splitlines():
        row = json.loads(line)
        row.pop("child", None)
        concerns = row.get("concerns") if isinstance(row.get("concerns"), dict) else {}
        history = []
        for _ in range(rng.choice([0, 0, 1, 2, 3, 4])):
            month = rng.randint(0, 23)  # months before June 2026
            item = {"received": f"{2026 - (month + 6) // 12 if month >= 6 else 2026}-{(5 - month) % 12 + 1:02d}-{rng.randint(1, 28):02d}T10:00:00Z",
                    "referral": rng.random() < 0.5}
            if concerns and rng.random() < 0.6:
                k = rng.choice(sorted(concerns))
                item["concerns"] = {k: concerns[k]}
            if rng.random() < 0.4:
                item["outcome"] = rng.choice(outcomes)
            if rng.random() < 0.4:
                item["level"] = rng.choice(levels)
            history.append(item)
        row["history"] = history
        rows.append(json.dumps(row))
    path = out / "sample-with-history.jsonl"
    path.write_text("\n".join(rows) + "\n")
    return path


def decisions(doc: Path, contacts: Path) -> list[dict]:
    return [json.loads(l) for l in run("decide", str(doc), str(contacts), "--threads", "1", ok=(0, 1)).stdout.splitlines()]


def covered(a: dict, b: dict, regions: list[dict]) -> bool:
    for r in regions:
        ra, rb = r["a"], r["b"]
        if r["aspect"] == "outcome" and decider(a) == decider(ra) and decider(b) == decider(rb):
            return True
        if r["aspect"] == "level" and (a["level"], b["level"]) == (ra["level"], rb["level"]) and a["outcome"] == b["outcome"]:
            return True
        if r["aspect"] in ("deadline", "actions") and a["outcome"] == ra["outcome"] == b["outcome"]:
            return True
    return False


def differ(a: dict, b: dict) -> bool:
    return any(a.get(k) != b.get(k) for k in ("outcome", "level", "deadline")) or sorted(a.get("actions", [])) != sorted(b.get("actions", []))


@pytest.mark.parametrize("document, count", [(SHIPPED, 20), (MASH, 10)], ids=["exampleshire", "mash_rating"])
def test_mutations_every_region_confirmed_and_no_difference_outside(document: Path, count: int, tmp_path: Path):
    rng = random.Random(2026)
    text = document.read_text()
    contacts = sample(document, tmp_path)
    base = decisions(document, contacts)
    tried = compared = 0
    while tried < count:
        m = mutations(text, rng)
        if m is None:
            continue
        what, mutated = m
        doc = tmp_path / f"mutant-{tried}.yaml"
        doc.write_text(mutated)
        p = subprocess.run([FRONTDOOR, "diff", str(document), str(doc), "--format", "json"], capture_output=True, text=True, timeout=300)
        if p.returncode == 2:
            continue  # an edit the loader refuses (a duplicate key, say) is not a revision
        assert p.returncode == 0, p.stderr
        tried += 1
        d = json.loads(p.stdout)
        assert d["complete"], what
        for r in d["regions"]:
            assert r["confirmed"], (what, r)
        other = decisions(doc, contacts)
        rejected_by_one = [a["contact"] for a, b in zip(base, other) if bool(a.get("error")) != bool(b.get("error"))]
        if rejected_by_one:  # only a concern level one document lacks does that, and the notes say so
            assert any("is rejected by" in n for n in d["notes"]), (what, rejected_by_one[:5])
        outside = [
            a["contact"] for a, b in zip(base, other) if not a.get("error") and not b.get("error") and differ(a, b) and not covered(a, b, d["regions"])
        ]
        compared += sum(1 for a, b in zip(base, other) if not a.get("error") and not b.get("error"))
        assert outside == [], (what, outside[:5], len(outside))
    print(f"{tried} mutations, {compared} contacts compared under both documents")


# --- the councils' documents ------------------------------------------------------------------------

COUNCILS = sorted((ROOT / "rules" / "councils").glob("*.yaml"))


@pytest.mark.parametrize("doc", COUNCILS, ids=lambda p: p.stem)
def test_a_one_word_edit_to_a_council_document_finds_exactly_that_edit(doc: Path, tmp_path: Path):
    """The first rule that raises the level raises it one step less far: every region reported is
    the edited rule's doing (it holds in each example under A), confirmed, and nothing else differs."""
    text = doc.read_text()
    spec = yaml.safe_load(text)
    levels = [l["id"] for l in spec["levels"]]
    rule = next(r for r in spec["rules"] if r.get("raise_to") and levels.index(r["raise_to"]) > 0)
    lower = levels[levels.index(rule["raise_to"]) - 1]
    lines = text.splitlines(keepends=True)
    at = next(i for i, l in enumerate(lines) if f"id: {rule['id']}" in l)
    edit = next(i for i in range(at, len(lines)) if re.search(r"raise_to: " + rule["raise_to"] + r"\b", lines[i]))
    lines[edit] = re.sub(r"raise_to: " + rule["raise_to"] + r"\b", "raise_to: " + lower, lines[edit])
    edited = tmp_path / doc.name
    edited.write_text("".join(lines))
    d = symbolic_diff(doc, edited)
    assert d["complete"] and d["regions"], d
    for r in d["regions"]:
        assert r["confirmed"], r
        assert rule["id"] in r["a"]["rules"], (rule["id"], r)


def test_another_nations_calendar_is_reported_and_never_proven_the_same(tmp_path: Path):
    """England and Wales against Scotland: the same decide_within gives other deadlines on some days
    (2 January, St Andrew's Day), which the regions cannot show; the diff says so and proves nothing."""
    scotland = tmp_path / "scotland.yaml"
    scotland.write_text(SHIPPED.read_text().replace("preset: england-and-wales", "preset: scotland"))
    d = symbolic_diff(SHIPPED, scotland)
    assert not d["complete"]
    assert any("calendars differ" in n for n in d["notes"])
    run("diff", str(SHIPPED), str(scotland), "--summary", "--fail-on-change", ok=(1,))
