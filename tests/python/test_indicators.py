"""A document written as councils publish theirs (SPEC 7.1: indicators by level and domain) decided
from Python: concerns ticked the short ways, in one contact, in a pandas frame and in an Arrow table,
all read by the engine's one resolver, so each way gives the same decision."""
from __future__ import annotations

import pathlib

import pandas as pd
import pyarrow as pa
import pytest

import frontdoor as fd

DOC = pathlib.Path(__file__).resolve().parents[1] / "documents" / "riverside-indicators.yaml"
RECEIVED = "2026-05-05T10:00:00Z"
SEVERAL = "concerns.domestic_abuse: this concern has several levels, so the contact must say which: one of early_help, complex, acute"

# (concerns as the practitioner ticked them, the level the document gives, or the error)
CASES = [
    ({"poor_routines": True}, "early_help", None),
    ({"non_mobile_injury": True, "debt": False}, "acute", None),
    (["debt", "persistent_absence"], "complex", None),
    ("low_attendance;poor_routines", "complex", None),
    ({"low_attendance": True, "domestic_abuse": "early_help"}, "complex", None),
    ({"domestic_abuse": True}, None, SEVERAL),
    (["domestic_abuse"], None, SEVERAL),
]


@pytest.fixture(scope="module")
def riverside():
    return fd.load(str(DOC))


@pytest.mark.parametrize("concerns,level,error", CASES, ids=[repr(c[0])[:40] for c in CASES])
def test_one_contact(riverside, concerns, level, error):
    d = riverside.decide({"id": "R1", "received": RECEIVED, "concerns": concerns})
    assert (d.level, d.error) == (level, error)


def test_a_frame_of_short_forms_decides_as_contacts_do(riverside):
    frame = pd.DataFrame({"id": [f"R{i}" for i in range(len(CASES))], "received": [RECEIVED] * len(CASES),
                          "concerns": pd.Series([c for c, _, _ in CASES], dtype=object)})
    out = riverside.decide_many(frame)
    plain = lambda column: [None if pd.isna(x) else x for x in out[column]]  # noqa: E731
    assert plain("level") == [lv for _, lv, _ in CASES]
    assert plain("error") == [e for _, _, e in CASES]


def test_arrow_lists_and_maps_of_concerns(riverside):
    lists = pa.table({"id": ["a", "b"], "received": [RECEIVED] * 2,
                      "concerns": pa.array([["debt", "persistent_absence"], ["domestic_abuse"]], pa.list_(pa.string()))})
    out = riverside.decide_many(lists).to_pydict()
    assert out["level"] == ["complex", None] and out["error"] == [None, SEVERAL]
    maps = pa.table({"id": ["c"], "received": [RECEIVED],
                     "concerns": pa.array([[("poor_routines", True), ("debt", False)]], pa.map_(pa.string(), pa.bool_()))})
    assert riverside.decide_many(maps).to_pydict()["level"] == ["early_help"]


def test_the_document_says_which_concerns_are_indicators(riverside):
    by_id = {c["id"]: c for c in riverside.concerns}
    assert by_id["low_attendance"]["indicator"] is True
    assert by_id["low_attendance"]["domains"] == ["parenting_capacity", "child_development"]
    assert by_id["domestic_abuse"]["indicator"] is False
    assert sum(1 for c in riverside.concerns if c["indicator"] and c["levels"].keys() == {"universal"}) == 21
