"""fd.stats, fd.diff and fd.audit: the same numbers as `frontdoor stats` and `frontdoor diff`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import frontdoor as fd
from conftest import CONTACTS, DOC, VARIANT, run_cli


@pytest.fixture(scope="module")
def decisions(doc, contacts):
    return doc.decide_many(contacts)


def test_stats_match_the_command_line(decisions, cli):
    f = fd.stats(decisions)
    r = run_cli(cli, "stats", "--format", "json", DOC, CONTACTS)
    assert r.returncode == 0, r.stderr
    theirs = json.loads(r.stdout)
    mine = f.to_dict()
    for key in ("figures", "outcomes", "flags", "by_source", "by_month", "definitions"):
        assert mine[key] == theirs[key], key
    assert mine["document"]["sha256"] == theirs["document"]["sha256"]


def test_stats_figures(decisions):
    f = fd.stats(decisions)
    all_ = f.overall
    decided = all_["decided"]
    assert all_["contacts"] == len(decisions) and decided == decisions["error"].isna().sum()
    assert all_["referrals"] == int(decisions["referral"].fillna(False).sum())
    assert f["conversion"] == pytest.approx(all_["referrals"] / decided, rel=1e-5)
    assert 0 < f["re_referral_rate"] < 1 and 0 < f["repeat_contact_share"] < 1
    assert f["within_deadline_share"] is None  # the shipped year has no `decided` times
    assert set(f.by_source.index) >= {"6", "2A"} and "contacts" in f.by_source.columns
    assert list(f.by_month.index[:2]) == ["2026-04", "2026-05"]
    assert f.by_month["contacts"].sum() == len(decisions)
    assert "Front-door figures" in repr(f) and "<table>" in f._repr_html_()


def test_rereferral_and_deadline_figures_on_a_small_frame(doc):
    frame = pd.DataFrame({
        "id": ["a", "b", "c", "d"],
        "child": ["K1", "K1", "K1", "K2"],
        "received": ["2026-01-10T10:00:00Z", "2026-06-10T10:00:00Z", "2027-06-11T10:00:00Z", "2026-06-10T10:00:00Z"],
        "source": ["6", "6", "2A", "6"],
        "concerns": ["neglect=complex"] * 4,
        "decided": ["2026-01-10T11:00:00Z", "2026-06-12T10:00:00Z", None, "2026-06-10T12:00:00Z"],
    })
    f = fd.stats(doc.decide_many(frame))
    assert f["referrals"] == 4
    assert f["re_referrals"] == 1          # b is within 12 months of a; c is not within 12 months of b
    assert f["timed"] == 3 and f["within_deadline"] == 2  # b was decided two days later
    assert f.by_source.loc["6", "contacts"] == 3


def test_stats_from_command_line_decisions_and_contacts(cli, contacts, decisions):
    r = run_cli(cli, "decide", DOC, CONTACTS)
    cli_frame = pd.read_json(pd.io.common.StringIO(r.stdout), lines=True)
    f = fd.stats(cli_frame, contacts, timezone="Europe/London")
    assert f.to_dict()["figures"] == fd.stats(decisions).to_dict()["figures"]


def test_diff_matches_the_command_line(doc, variant, contacts, cli):
    d = fd.diff(doc, variant, contacts)
    r = run_cli(cli, "diff", "--format", "json", DOC, VARIANT, CONTACTS)
    assert r.returncode == 0, r.stderr
    assert d.to_dict() == json.loads(r.stdout)
    assert d.changed > 0 and d.changed == len(d.changes)
    t = d.transitions
    assert t.loc["advice", "early_help"] > 0 and int(t.values.sum()) == len(contacts)
    assert set(d.changes["outcome_a"] + ">" + d.changes["outcome_b"]) == {f"{m['from']}>{m['to']}" for m in d.to_dict()["moves"]}
    moves = d.moves
    assert {"from", "to", "contacts", "causes", "examples"} <= set(moves.columns)
    assert any("early_help_agreed_in_conversation" in e for e in moves["entries"])
    assert d.summary.loc["referrals", "change"] <= 0
    assert "What-if" in repr(d) and "<table" in d._repr_html_()


def test_diff_of_a_document_with_itself_is_empty(doc, contacts):
    d = fd.diff(doc, doc, contacts.head(500))
    assert d.changed == 0 and d.moves.empty and d.changes.empty


def test_diff_without_contacts_is_the_proof_the_command_line_gives(doc, variant, cli):
    d = fd.diff(doc, variant)
    r = run_cli(cli, "diff", "--format", "json", DOC, VARIANT)
    assert r.returncode == 0, r.stderr
    theirs = json.loads(r.stdout)
    theirs.pop("milliseconds"), d.data.pop("milliseconds")
    assert d.data == theirs
    assert d.complete and len(d.regions) == 2 and all(r["confirmed"] for r in d.regions)
    assert {r["b"]["routing"] for r in d.regions} == {"early_help_agreed_in_conversation", "step_down_agreed_in_conversation"}
    assert "no other contact is decided differently (proven)" in str(d)
    assert "<table" in d._repr_html_() and "2 regions" in repr(d)
    same = fd.diff(doc, doc)
    assert same.complete and same.regions == []


def test_audit(doc, contacts, decisions, cli, tmp_path):
    recorded = decisions["outcome"].astype(object).to_numpy().copy()
    n = len(recorded)
    idx = np.arange(n)
    decided = decisions["error"].isna().to_numpy()
    recorded[(idx % 10 == 3) & decided] = "single_assessment"   # some recorded differently
    recorded[(idx % 10 == 5) & decided] = None                  # some not recorded
    recorded[idx % 97 == 0] = "NFA (closed)"                    # some the document does not know
    # A council's own column of what it recorded, in its own words: recorded_outcome itself must
    # name one of the document's outcomes (SPEC 7.8), so free text goes in another column.
    plain = contacts.drop(columns=["recorded_outcome", "override_reason"])
    frame = plain.assign(recorded=recorded)
    a = fd.audit(doc, frame, recorded="recorded")
    data = a.to_dict()
    assert data["rows"] == n
    assert data["unrecognised_values"] == {"NFA (closed)": int(((idx % 97 == 0) & decided).sum())}
    differs = (idx % 10 == 3) & decided & (idx % 97 != 0) & (decisions["outcome"].astype(object).to_numpy() != "single_assessment")
    assert data["disagreeing"] == int(differs.sum()) == len(a.disagreeing)
    assert 0.8 < a.agreement < 1
    assert set(a.disagreeing["recorded"]) == {"single_assessment"}
    first = a.disagreeing.iloc[0]
    assert first["reasons"] and first["reasons"][0].kind in ("concern", "level")
    assert a.confusion.loc["assessment"].sum() > 0
    # The command line reports the same audit when the contacts carry recorded_outcome (outcome ids).
    recorded[idx % 97 == 0] = None
    frame = plain.assign(recorded_outcome=recorded)
    data = fd.audit(doc, frame).to_dict()
    assert data["unrecognised_values"] == {} and data["disagreeing"] == int((differs & (idx % 97 != 0)).sum())
    path = tmp_path / "recorded.csv"
    frame.to_csv(path, index=False)
    r = run_cli(cli, "stats", "--format", "json", DOC, str(path))
    assert r.returncode == 0, r.stderr
    theirs = json.loads(r.stdout)["audit"]
    assert {k: v for k, v in theirs.items() if k != "examples"} == {k: v for k, v in data.items() if k != "examples"}
    assert theirs["examples"] == data["examples"]


def test_audit_needs_the_column(doc, contacts):
    with pytest.raises(ValueError):
        fd.audit(doc, contacts.head(10).drop(columns=["recorded_outcome", "override_reason"]))
