"""Decision.deadline_from (SPEC 7.5) from Python: the same id as the command line's JSON."""
from __future__ import annotations

import json

import frontdoor as fd
from conftest import ROOT

MASH = ROOT / "tests" / "documents" / "mash_rating.yaml"


def test_deadline_from_names_the_earliest_source():
    doc = fd.load(str(MASH))
    red = doc.decide({"id": "r", "received": "2026-05-11T10:00:00+01:00", "rating": "red", "concerns": {"neglect": "complex"}})
    assert (red.deadline, red.deadline_from) == ("2026-05-11T13:00:00Z", "red_rating")
    assert json.loads(red.to_json())["deadline_from"] == "red_rating"
    plain = doc.decide({"id": "p", "received": "2026-05-11T10:00:00+01:00"})
    assert plain.deadline is None and plain.deadline_from is None
    assert red.to_dict()["deadline_from"] == "red_rating"
