"""Professional judgement (SPEC 7.8) in Python: Decision.override, the override columns of
decide_many, history from recorded outcomes on request, the override figures of fd.stats, and
rejections of a bad recorded_outcome or override_reason that name the field and never the value."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import frontdoor as fd
from conftest import CONTACTS, DOC, run_cli

FIRST = {"id": "J1", "child": "KJ", "received": "2026-06-01T10:00:00Z", "source": "3A", "channel": "conversation",
         "concerns": {"parental_mental_health": "complex"}, "recorded_outcome": "early_help", "override_reason": "strengths"}
SECOND = {"id": "J2", "child": "KJ", "received": "2026-07-01T10:00:00Z", "source": "3A", "channel": "conversation",
          "concerns": {"parental_mental_health": "complex"}}
SECRET = "Mrs Smith said so"


def test_decision_override(doc):
    d = doc.decide(FIRST)
    assert d.override == {"outcome": "early_help", "category": "early_help", "direction": "down", "reason": "strengths"}
    assert d.to_dict()["override"] == d.override == json.loads(d.to_json())["override"]
    assert doc.decide(SECOND).override is None
    same = doc.decide(dict(SECOND, recorded_outcome="single_assessment", override_reason="manager_judgement"))
    assert same.ok and same.override is None


def test_document_lists_its_reasons(doc):
    assert doc.override_reasons == {"strengths": "Family strengths and support reduce the risk",
                                    "new_information": "Information received after the contact changes the picture",
                                    "manager_judgement": "Team manager's judgement, recorded on the case"}


@pytest.mark.parametrize("change,field", [({"override_reason": SECRET}, "override_reason"),
                                          ({"recorded_outcome": SECRET}, "recorded_outcome"),
                                          ({"recorded_outcome": 3}, "recorded_outcome")])
def test_rejections_name_the_field(doc, change, field):
    d = doc.decide(dict(FIRST, **change))
    assert not d.ok and d.error_field == field and d.error.startswith(field + ":") and SECRET not in d.error
    frame = pd.DataFrame([dict(FIRST, **change, concerns="parental_mental_health=complex"),
                          dict(SECOND, concerns="parental_mental_health=complex")])
    out = doc.decide_many(frame)
    assert out["error"].iloc[0].startswith(field + ":") and SECRET not in out["error"].iloc[0]
    assert out["error"].iloc[1] is None and out["outcome"].iloc[1] == "single_assessment"  # nothing else lost
    assert pd.isna(out["override_outcome"].iloc[0])


def test_frame_override_columns_match_the_decisions(doc):
    rows = [FIRST, SECOND, dict(SECOND, id="J3", child="other", concerns={"school_attendance": "universal"},
                                recorded_outcome="early_help")]
    for frame in (pd.DataFrame(rows), rows):
        out = doc.decide_many(frame)
        assert list(out["override_outcome"].astype(object).where(out["override_outcome"].notna(), None)) == ["early_help", None, "early_help"]
        assert list(out["override_direction"].astype(object).where(out["override_direction"].notna(), None)) == ["down", None, "up"]
        assert list(out["override_reason"].astype(object).where(out["override_reason"].notna(), None)) == ["strengths", None, None]
    arrow = doc.decide_many(pd.DataFrame(rows).pipe(__import__("pyarrow").Table.from_pandas))
    assert arrow.column("override_direction").to_pylist() == ["down", None, "up"]


def test_history_from_recorded_outcomes(doc):
    frame = pd.DataFrame([FIRST, SECOND])
    decided = doc.decide_many(frame)
    recorded = doc.decide_many(frame, history="recorded")
    # The re-referral counter differs between the two modes on the same rows.
    assert "re_referral" in decided["rules"].iloc[1]
    assert "re_referral" not in recorded["rules"].iloc[1]
    with pytest.raises(ValueError):
        doc.decide_many(frame, history="guessed")


def test_stats_adds_the_override_figures(doc, contacts, cli):
    out = doc.decide_many(contacts)
    s = fd.stats(out)
    o = s.overrides
    assert o is not None and 0.05 <= o["all"]["override_share"] <= 0.12
    assert o["all"]["down"] > o["all"]["up"] > 0 and max(o["by_reason"], key=o["by_reason"].get) == "strengths"
    assert "Overrides by month" in s.text
    by_month = s.overrides_by("month")
    assert len(by_month) == 12 and by_month["overrides"].sum() == o["all"]["overrides"]
    assert set(s.overrides_by("level").index) <= {"universal", "early_help", "complex", "acute"}
    # The same figures as the command line's over the same file.
    r = run_cli(cli, "stats", "--format", "json", DOC, CONTACTS)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["overrides"] == o
    no_recorded = fd.stats(doc.decide_many(contacts.drop(columns=["recorded_outcome", "override_reason"])))
    assert no_recorded.overrides is None
