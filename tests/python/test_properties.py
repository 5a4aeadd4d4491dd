"""Property: Document.decide_many equals Document.decide row by row, each row decided with the
earlier rows of its child (SPEC 2.2) as history, whatever the values (odd ones included)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import frontdoor as fd
from conftest import DOC, ROOT
from helpers import decision_json, frame_rows, row_as_json

_DOC = fd.load(ROOT / DOC)
CONCERNS = {c["id"]: list(c["levels"]) for c in _DOC.concerns}
LEVELS = [lv["id"] for lv in _DOC.levels]
START = dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc)

maybe_bool = st.one_of(st.none(), st.booleans(), st.just(math.nan), st.sampled_from(["true", "FALSE", "1", "maybe", 2]))
concern_maps = st.dictionaries(
    st.sampled_from(sorted(CONCERNS) + ["no_such_concern"]),
    st.sampled_from(LEVELS + ["nonsense"]),
    max_size=3,
)


@st.composite
def concern_cells(draw):
    m = draw(concern_maps)
    form = draw(st.sampled_from(["dict", "csv", "none", "bad"]))
    if form == "dict":
        return m
    if form == "csv":
        return ";".join(f"{k}={v}" for k, v in m.items())
    if form == "bad":
        return draw(st.sampled_from([["self_harm"], 7, "self_harm"]))
    return None


@st.composite
def contacts(draw, most=10):
    n = draw(st.integers(1, most))
    rows = []
    for i in range(n):
        minutes = draw(st.integers(0, 60 * 24 * 200))
        received = (START + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
        row = {
            "id": draw(st.sampled_from([f"C{i}", f"C{i}", f"C{i}", None, 17])),
            "child": draw(st.sampled_from(["K1", "K2", "K3", None])),
            "received": draw(st.sampled_from([received] * 6 + ["2026-13-01T00:00:00Z", None])),
            "dob": draw(st.sampled_from([None, "2025-12-01", "2012-06-30", "2026-02-29", "2027-01-01"])),
            "unborn": draw(st.sampled_from([None, True, False])),
            "source": draw(st.sampled_from([None, "6", "2A", "9", 6, 6.0, "ZZ"])),
            "channel": draw(st.sampled_from([None, "conversation", "written", "fax"])),
            "concerns": draw(concern_cells()),
            "consent": draw(maybe_bool),
            "telling_family_raises_risk": draw(maybe_bool),
            "open_case": draw(st.sampled_from([None, "none", "cin", "early_help", "nope"])),
            "disabled": draw(maybe_bool),
            "police_protection": draw(st.sampled_from([None, False, True])),
        }
        rows.append(row)
    return rows


def expected(rows):
    """Each row decided one by one with fd.decide, history built from the earlier decided rows of its child."""
    def when(r):
        try:
            return dt.datetime.strptime(r["received"], "%Y-%m-%dT%H:%M:%SZ")
        except (TypeError, ValueError):
            return None

    order = sorted(range(len(rows)), key=lambda i: (when(rows[i]) is None, when(rows[i]) or START.replace(tzinfo=None), i))
    history: dict[str, list] = {}
    out = [None] * len(rows)
    for i in order:
        r = rows[i]
        child = r["child"]
        d = _DOC.decide(r, history=list(history.get(child, [])) if child else [])
        out[i] = decision_json(d.to_dict())
        if d.ok and child:
            history.setdefault(child, []).append({"received": r["received"], "concerns": r["concerns"], "outcome": d.outcome})
    return out


def decided_many(doc, rows, **options):
    """The rows as a frame of object columns (the values exactly as given), decided by decide_many."""
    frame = pd.DataFrame({k: pd.Series([r.get(k) for r in rows], dtype=object) for k in rows[0]})
    return [row_as_json(r) for r in frame_rows(doc.decide_many(frame, **options))]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contacts())
def test_decide_many_equals_decide_row_by_row(rows):
    assert decided_many(_DOC, rows) == expected(rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contacts(most=80))
def test_longer_batches_equal_decide_row_by_row(rows):
    """Past a thread's first 16 rows (the ones checked against the engine), with three children's
    histories: rows alike in everything but their counters must still be told apart."""
    assert decided_many(_DOC, rows, threads=1) == expected(rows)


def test_rows_alike_but_for_their_history_are_told_apart():
    """decide_many decides rows with the same inputs once (its memo); the history counters are inputs.
    Twenty children with one contact each, then one child with five alike contacts a week apart:
    the third is a repeat contact and the fifth one of many, though the rows differ in nothing else."""
    base = {"source": "6", "channel": "conversation", "concerns": {"neglect": "early_help"}, "consent": True}
    rows = [dict(base, id=f"S{i}", child=f"K{i}", received=f"2026-05-{1 + i:02d}T10:00:00Z") for i in range(20)]
    rows += [dict(base, id=f"R{i}", child="K-R", received=f"2026-06-{1 + 7 * i:02d}T10:00:00Z") for i in range(5)]
    got = decided_many(_DOC, rows, threads=1)
    assert got == expected(rows)
    assert "repeat_contacts" not in got[21]["rules"] and "repeat_contacts" in got[22]["rules"]
    assert "many_low_level_contacts" in got[24]["rules"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contacts())
def test_arrow_equals_pandas(rows):
    # Arrow needs one type per column: the text forms of every value.
    def text(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, dict):
            return ";".join(f"{k}={x}" for k, x in v.items())
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v == int(v):
            return str(int(v))
        return str(v)

    cols = {k: [text(r[k]) for r in rows] for k in rows[0]}
    table = pa.table({k: pa.array(v, type=pa.string()) for k, v in cols.items()})
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
    assert [row_as_json(r) for r in frame_rows(_DOC.decide_many(table))] == [row_as_json(r) for r in frame_rows(_DOC.decide_many(frame))]


# A document with what the shipped one lacks: string fields (one with a default), an int without
# bounds (values beyond 16 bits leave the packed fast path) and many concerns. Frames of up to 60
# rows: decide_many checks only a thread's first 16 rows against the engine itself, so the later
# rows here are the fast path's alone.
STRINGS_DOC = fd.loads(
    """frontdoor: 1
id: strings
levels:
  - {id: low, route: advice}
  - {id: mid, route: help}
  - {id: high, route: refer}
outcomes:
  advice: {category: nfa, decide_within: 1 working day}
  help: {category: early_help, decide_within: 1 working day}
  refer: {category: assessment, decide_within: 4 working hours}
fields:
  note: {type: string}
  team: {type: string, default: "duty"}
  siblings: {type: int}
  tier: {type: enum, values: [a, b, c], default: b}
  worried: {type: bool, default: false}
concerns:
"""
    + "".join(f"  c{k}: {{domain: d{k % 3}, levels: {{mid: \"Some\", high: \"Much\"}}}}\n" for k in range(12))
    + """rules:
  - {id: many, when: 'siblings >= 40000', raise_to: mid}
  - {id: night, when: 'team == "night"', raise_to: mid}
  - {id: noted, when: 'note == "urgent"', raise_to: high}
  - {id: tier_c, when: 'tier == "c"', raise_to: mid}
  - {id: worry, when: 'worried', raise_to: high}
""",
    "strings.yaml",
)


@st.composite
def string_rows(draw):
    n = draw(st.integers(17, 60))
    rows = []
    for i in range(n):
        concerns = draw(st.dictionaries(st.sampled_from([f"c{k}" for k in range(12)]), st.sampled_from(["mid", "high"]), max_size=10))
        rows.append({
            "id": f"S{i}",
            "received": "2026-06-01T10:00:00Z",
            "note": draw(st.sampled_from([None, "urgent", "calm", "", 7])),
            "team": draw(st.sampled_from([None, "night", "day"])),
            "siblings": draw(st.sampled_from([None, 3, 32767, 32768, -32769, 40000, 10**12])),
            "tier": draw(st.sampled_from([None, "a", "c", "z"])),
            "worried": draw(st.sampled_from([None, True, False])),
            "concerns": ";".join(f"{k}={v}" for k, v in concerns.items()) or None,
        })
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(string_rows())
def test_decide_many_equals_decide_with_strings_defaults_and_big_values(rows):
    assert decided_many(STRINGS_DOC, rows) == [decision_json(STRINGS_DOC.decide(r).to_dict()) for r in rows]
