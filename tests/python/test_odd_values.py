"""Odd Python values: wrong types, huge numbers, NaN and NA where a bool belongs, NumPy scalars,
datetimes. Each gives a clear error or an unknown value, the same through decide and decide_many,
and never a crash."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import numpy as np
import pandas as pd
import pytest

import frontdoor as fd

DOC_WITH_INT = """frontdoor: 1
id: odd
levels:
  - {id: low, route: advice}
  - {id: mid, route: help}
  - {id: high, route: refer}
outcomes:
  advice: {category: nfa, decide_within: 1 working day}
  help: {category: early_help, decide_within: 1 working day}
  refer: {category: assessment, decide_within: 4 working hours}
fields:
  siblings: {type: int, min: 0, max: 20}
  note: {type: string}
  worried: {type: bool}
concerns:
  neglect: {domain: care, levels: {mid: "Some", high: "Much"}}
  injury: {domain: health, levels: {high: "Unexplained injury"}}
rules:
  - {id: big_family, when: 'siblings >= 4', raise_to: mid}
  - {id: worry, when: 'worried', raise_to: high}
  - {id: noted, when: 'note == "urgent"', raise_to: high}
"""

BASE = {"id": "X1", "received": "2026-06-01T10:00:00Z"}


@pytest.fixture(scope="module")
def odd():
    return fd.loads(DOC_WITH_INT, "odd.yaml")


CASES = [
    # (field, value, expected error substring or None, expected level when decided)
    ("siblings", 5, None, "mid"),
    ("siblings", np.int64(5), None, "mid"),
    ("siblings", 5.0, None, "mid"),
    ("siblings", "5", None, "mid"),
    ("siblings", 10**30, "siblings: must be a whole number", None),
    ("siblings", -(10**400), "siblings: must be a whole number", None),
    ("siblings", 2**63, "siblings: must be a whole number", None),
    ("siblings", 21, "siblings: must be between 0 and 20", None),
    ("siblings", 4.5, "siblings: must be a whole number", None),
    ("siblings", math.inf, "siblings: must be a whole number", None),
    ("siblings", True, "siblings: must be a whole number", None),
    ("siblings", decimal.Decimal("6"), None, "mid"),
    ("siblings", [1, 2], "siblings: must be a single value", None),
    ("siblings", {"a": 1}, "siblings: must be a single value", None),
    ("siblings", object(), "siblings: must be a single value", None),
    ("siblings", b"5", "siblings: must be a single value", None),
    ("worried", True, None, "high"),
    ("worried", np.bool_(True), None, "high"),
    ("worried", "TRUE", None, "high"),
    ("worried", 1, None, "high"),
    ("worried", 2, "worried: must be true or false", None),
    ("worried", "maybe", "worried: must be true or false", None),
    ("worried", math.nan, None, "low"),      # NaN in a bool: unknown, so the rule cannot hold
    ("worried", pd.NA, None, "low"),
    ("worried", None, None, "low"),
    ("worried", np.float64("nan"), None, "low"),
    ("note", "urgent", None, "high"),
    ("note", 7, None, "low"),
    ("note", 7.5, "note: must be text", None),
    ("note", dt.date(2026, 1, 1), None, "low"),
    ("received", 12345, "received: not an ISO 8601 timestamp", None),
    ("received", dt.datetime(2026, 6, 1, 10), "received: not an ISO 8601 timestamp with an offset", None),
    ("received", pd.Timestamp("2026-06-01T10:00:00Z"), None, "low"),
    ("received", None, "received: a contact needs the time it was received", None),
    ("id", 10**30, "id: a contact needs an id", None),
    ("id", 42, None, "low"),
    ("id", "", "id: a contact needs an id", None),
    ("concerns", ["neglect"], "concerns.neglect: this concern has several levels, so the contact must say which: one of mid, high", None),
    ("concerns", {"neglect": True}, "concerns.neglect: this concern has several levels", None),
    ("concerns", "neglect", "concerns.neglect: this concern has several levels", None),
    ("concerns", {"neglect": False}, None, "low"),
    ("concerns", ["injury"], None, "high"),
    ("concerns", {"injury": True, "neglect": False}, None, "high"),
    ("concerns", "injury;neglect=mid", None, "high"),
    ('concerns', '["injury"]', None, "high"),
    ("concerns", [3], "concerns: must map concern ids to levels", None),
    ("concerns", {"neglect": 3}, "concerns: must map concern ids to levels", None),
    ("concerns", "=high", "concerns: expected 'concern=level'", None),
    ("concerns", '{"neglect": "high"}', None, "high"),
    ("concerns", "neglect=high", None, "high"),
    ("concerns", {"neglect": "low"}, "concerns.neglect: the document has no descriptor at level 'low'", None),
    ("dob", dt.date(2020, 1, 1), None, "low"),
    ("dob", "2020-02-30", "dob: not a date", None),
    ("unheard_of", 1, "unheard_of: unknown field", None),
]


@pytest.mark.parametrize("field,value,error,level", CASES, ids=[f"{c[0]}={c[1]!r}"[:40] for c in CASES])
def test_odd_value(odd, field, value, error, level):
    contact = dict(BASE, **{field: value})
    d = odd.decide(contact)
    if error is None:
        assert d.ok, d.error
        assert d.level == level
    else:
        assert not d.ok and error in d.error
    # decide_many on a frame holding the same value (as Python objects) says the same.
    frame = pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in contact.items()})
    out = odd.decide_many(frame)
    err = out["error"].iloc[0]
    if error is None:
        assert err is None and out["level"].iloc[0] == level
    else:
        assert err == d.error


def test_nan_in_a_bool_column_is_unknown(odd):
    frame = pd.DataFrame({"id": ["a", "b", "c"], "received": ["2026-06-01T10:00:00Z"] * 3, "worried": [True, np.nan, False]})
    out = odd.decide_many(frame)
    assert list(out["level"]) == ["high", "low", "low"] and out["error"].isna().all()
    d = odd.decide({"id": "b", "received": "2026-06-01T10:00:00Z", "worried": np.nan}, )
    assert any(r.kind == "unknown" and "worried" in r.text for r in d.reasons)


def test_nullable_and_numpy_columns(odd):
    frame = pd.DataFrame({
        "id": pd.array(["a", "b", None], dtype="string"),
        "received": pd.to_datetime(["2026-06-01T10:00:00Z"] * 3, utc=True),
        "siblings": pd.array([5, None, 2], dtype="Int64"),
        "worried": pd.array([False, None, True], dtype="boolean"),
    })
    out = odd.decide_many(frame)
    assert list(out["level"].astype(object).where(out["level"].notna(), None)) == ["mid", "low", None]
    assert out["error"].iloc[2] == "id: a contact needs an id"
    assert list(out["contact"]) == ["a", "b", ""]


def test_naive_datetimes_are_rejected_not_guessed(odd):
    frame = pd.DataFrame({"id": ["a"], "received": pd.to_datetime(["2026-06-01T10:00:00"])})
    out = odd.decide_many(frame)
    assert "offset" in out["error"].iloc[0]


def test_wrong_frame_types(odd):
    with pytest.raises(TypeError):
        odd.decide_many("not a frame")
    with pytest.raises(TypeError):
        odd.decide_many(pd.DataFrame({0: ["x"]}))
    with pytest.raises(ValueError):
        odd.decide_many(pd.DataFrame({"id": ["x"]}), threads=-1)
