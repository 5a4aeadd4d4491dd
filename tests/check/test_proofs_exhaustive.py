"""`check`'s proofs against every contact of small generated documents.

The documents come from bench/gen_documents.py --small: five concerns of one or two levels, rules and
routing entries of the kinds real documents state. Their conditions compare each value only with
constants, so the contacts below cover every case the solver can tell apart: each concern absent or at
each of its levels, every field value the conditions name (and one they do not), ages either side of
each age limit, unborn and unknown, sources named and not and absent, and histories either side of
each counter's threshold (items that share the contact's first concern within three months,
referrals six months back, and an early-help outcome four months back for the counter filtered by
category). The engine decides them all in one `frontdoor decide` batch, and each
proof's verdict must match what the decisions show:

- FD311 (dead rule) exactly for the rules that hold for no contact;
- FD312 (dead or shadowed routing entry) exactly for the entries that apply to no contact;
- FD313 (lowering without leave) and FD316 (leave never used) exactly as the decisions show a
  routing entry sending a contact below its level's route;
- FD314 (non-monotonic) exactly when some contact, given one more concern or a higher descriptor,
  gets a lower outcome category; errors only when the engine replayed the counterexample;
- FD320 (an `only_with` action a rule adds that can never apply) exactly for the rules that add the
  pre-birth assessment and never hold with an assessment or s47 outcome;
- FD317 (unreachable level) and FD318 (outcome never given) exactly for the levels no decision ends
  at and the outcomes no decision gives;
- no FD315: every proof complete.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FRONTDOOR = os.environ.get("FRONTDOOR", str(ROOT / "build" / "frontdoor"))
SEEDS = range(1, int(os.environ.get("FRONTDOOR_EXHAUSTIVE_DOCUMENTS", "8")) + 1)

spec = importlib.util.spec_from_file_location("gen_documents", ROOT / "bench" / "gen_documents.py")
gen_documents = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_documents)

ORDER = {"nfa": 0, "early_help": 1, "assessment": 2, "s47": 3}
RECEIVED = "2026-06-15T12:00:00Z"
# Ages in months either side of every limit the generator writes (age_months < 6, age_years < 10,
# 13 or 16), and the oldest.
AGES = [0, 5, 6, 119, 120, 155, 156, 191, 192, 1500]


def dob_for(months: int) -> str:
    idx = 2026 * 12 + 5 - months  # June 2026, born on the 15th
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}-15"


def concern_choices(doc: dict) -> list[list[str | None]]:
    return [[None, *spec["levels"].keys()] for spec in doc["concerns"].values()]


def rest_choices():
    ages = [("unknown", None), ("unborn", None)] + [("months", m) for m in AGES]
    for consent, disabled, open_case, age, source, similar, referrals, helped in itertools.product(
            [False, True], [False, True], ["none", "early_help", "cin"], ages, ["6", "1A", None], [0, 1, 2], [0, 1], [0, 1]):
        yield consent, disabled, open_case, age, source, similar, referrals, helped


def contact(doc: dict, levels: tuple, rest: tuple) -> dict | None:
    consent, disabled, open_case, (age_kind, months), source, similar, referrals, helped = rest
    ids = list(doc["concerns"])
    concerns = {ids[k]: lvl for k, lvl in enumerate(levels) if lvl is not None}
    if similar and not concerns:
        return None  # an item can share a concern only with a contact that has one
    row = {"id": "x", "received": RECEIVED, "consent": consent, "disabled": disabled, "open_case": open_case}
    if age_kind == "unborn":
        row["unborn"] = True
    elif age_kind == "months":
        row["dob"] = dob_for(months)
    if source is not None:
        row["source"] = source
    history = []
    if concerns:
        first = next(iter(concerns.items()))
        history += [{"received": "2026-05-15T12:00:00Z", "concerns": {first[0]: first[1]}, "referral": False}] * similar
    history += [{"received": "2025-12-15T12:00:00Z", "concerns": {}, "referral": True}] * referrals
    history += [{"received": "2026-02-15T12:00:00Z", "concerns": {}, "outcome": "early_help"}] * helped
    row["history"] = history
    row["concerns"] = concerns
    return row


def enumerate_decisions(doc: dict, path: Path, work: Path):
    keys, rows = [], []
    for levels in itertools.product(*concern_choices(doc)):
        for rest in rest_choices():
            row = contact(doc, levels, rest)
            if row is not None:
                keys.append((levels, rest))
                rows.append(row)
    contacts = work / "contacts.jsonl"
    contacts.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = work / "decisions.jsonl"
    run = subprocess.run([FRONTDOOR, "decide", str(path), str(contacts), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    decisions = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(decisions) == len(rows)
    return dict(zip(keys, decisions))


def expected_findings(doc: dict, decided: dict) -> dict:
    categories = {o: spec["category"] for o, spec in doc["outcomes"].items()}
    route_of = {lvl["id"]: lvl["route"] for lvl in doc["levels"]}
    rules_held = {r for d in decided.values() for r in d["rules"]}
    routing_applied = {d["routing"] for d in decided.values() if d["routing"]}
    lowered = set()
    for d in decided.values():
        if d["routing"]:
            route_cat = categories[route_of[d["level"]]]
            if route_cat in ORDER and d["category"] in ORDER and ORDER[d["category"]] < ORDER[route_cat]:
                lowered.add(d["routing"])
    non_monotonic = False
    for (levels, rest), d in decided.items():
        if d["category"] not in ORDER or non_monotonic:
            continue
        for k, now in enumerate(levels):
            own = list(doc["concerns"].values())[k]["levels"]
            order = [None, *own]
            for higher in order[order.index(now) + 1:]:
                raised = levels[:k] + (higher,) + levels[k + 1:]
                e = decided.get((raised, rest))
                if e is not None and e["category"] in ORDER and ORDER[e["category"]] < ORDER[d["category"]]:
                    non_monotonic = True
    leave = {r["id"]: r.get("lowers", False) for r in doc["routing"]}
    kept_with = {"single_assessment", "s47_strategy"}  # pre_birth_assessment's only_with: [assessment, s47]
    adders = {r["id"] for r in doc["rules"] if "pre_birth_assessment" in r.get("actions", [])}
    kept = {r for d in decided.values() if d["outcome"] in kept_with for r in d["rules"] if r in adders}
    used_outcomes = set(route_of.values()) | {r["outcome"] for r in doc["routing"]}
    return {
        "FD317": set(route_of) - {d["level"] for d in decided.values()},
        "FD318": used_outcomes - {d["outcome"] for d in decided.values()},
        "FD311": {r["id"] for r in doc["rules"]} - rules_held,
        "FD312": {r["id"] for r in doc["routing"]} - routing_applied,
        "FD313": {e for e in lowered if not leave[e]},
        "FD316": {e for e, has in leave.items() if has and e not in lowered and e in routing_applied},
        "FD314": non_monotonic,
        "FD320": (adders & rules_held) - kept,
    }


def reported_findings(doc: dict, path: Path) -> tuple[dict, list]:
    run = subprocess.run([FRONTDOOR, "check", str(path), "--format", "json"], capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    findings = json.loads(run.stdout)
    lines = path.read_text().splitlines()

    def entry_at(f):  # the level, outcome, rule or routing entry a finding points at, by its line
        text = lines[f["line"] - 1].strip()
        return text.split("id: ", 1)[1].split(",", 1)[0] if "id: " in text else text.split(":", 1)[0]

    codes = ("FD311", "FD312", "FD313", "FD316", "FD317", "FD318", "FD320")
    got = {code: {entry_at(f) for f in findings if f["code"] == code} for code in codes}
    got["FD314"] = any(f["code"] == "FD314" for f in findings)
    return got, findings


@pytest.mark.parametrize("seed", SEEDS)
def test_each_proof_matches_every_contact(seed):
    text = gen_documents.generate(5, 6, 3, seed, small=True)
    doc = yaml.safe_load(text)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "doc.yaml"
        path.write_text(text)
        got, findings = reported_findings(doc, path)
        assert not [f for f in findings if f["code"] == "FD315"], "every proof must be complete"
        for f in findings:
            if f["code"] in ("FD313", "FD314"):
                assert f["severity"] == "error", "the engine must replay every counterexample: " + f["message"]
        decided = enumerate_decisions(doc, path, work)
        assert got == expected_findings(doc, decided), text
