"""Document.decide_many: pandas and Arrow in, the same kind out, the same decisions as the command line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import frontdoor as fd
from conftest import CONTACTS, DOC, run_cli
from helpers import decision_json, frame_rows, row_as_json


def test_shipped_year_matches_the_command_line(doc, contacts, cli_decisions):
    out = doc.decide_many(contacts)
    assert len(out) == len(contacts) == len(cli_decisions)
    assert out.index.equals(contacts.index)
    rows = frame_rows(out)
    mismatches = [(i, row_as_json(r), decision_json(c)) for i, (r, c) in enumerate(zip(rows, cli_decisions))
                  if row_as_json(r) != decision_json(c)]
    assert not mismatches, mismatches[:3]
    assert out["error"].notna().sum() == sum(1 for c in cli_decisions if c["error"])


def test_plain_read_csv_and_arrow_give_the_same(doc, contacts):
    expected = [row_as_json(r) for r in frame_rows(doc.decide_many(contacts))]
    plain = pd.read_csv(CONTACTS)  # pandas' own type guesses: booleans, NaN, ...
    assert [row_as_json(r) for r in frame_rows(doc.decide_many(plain))] == expected
    table = pa.Table.from_pandas(contacts, preserve_index=False)
    out = doc.decide_many(table)
    assert isinstance(out, pa.Table) and out.num_rows == table.num_rows
    assert [row_as_json(r) for r in frame_rows(out)] == expected
    assert json.loads(out.schema.metadata[b"frontdoor"])["document"] == "exampleshire"
    # Chunked columns are read in place.
    chunked = pa.concat_tables([table.slice(0, 1000), table.slice(1000)])
    assert chunked.column("id").num_chunks == 2
    assert [row_as_json(r) for r in frame_rows(doc.decide_many(chunked))] == expected
    # pd.concat leaves pandas' str columns in chunks, one per piece (boundaries here fall inside the
    # 256-row blocks the fast path reads a column in): the same decisions.
    pieces = pd.concat([contacts.iloc[:300], contacts.iloc[300:301], contacts.iloc[301:]], ignore_index=True)
    assert pa.array(pieces["id"].array).num_chunks == 3
    assert [row_as_json(r) for r in frame_rows(doc.decide_many(pieces))] == expected
    # Categorical (dictionary) columns too.
    cats = contacts.astype({"source": "category", "channel": "category", "concerns": "category"})
    assert [row_as_json(r) for r in frame_rows(doc.decide_many(cats))] == expected


def test_threads_do_not_change_anything(doc, contacts):
    one = doc.decide_many(contacts, threads=1)
    two = doc.decide_many(contacts, threads=2)
    copy = contacts.assign(child=contacts["child"] + "-2", id=contacts["id"] + "-2")
    big = pd.concat([contacts, copy], ignore_index=True)  # over the one-thread limit; other children
    many = doc.decide_many(big, threads=3)
    assert one.equals(two)
    assert [row_as_json(r) for r in frame_rows(many.iloc[: len(contacts)])] == [row_as_json(r) for r in frame_rows(one)]


def test_output_columns_and_types(doc, contacts):
    out = doc.decide_many(contacts.head(200), reasons=True)
    # The shipped year carries recorded outcomes (SPEC 7.8): the override columns follow routing.
    assert list(out.columns)[:15] == ["contact", "level", "outcome", "category", "referral", "actions", "deadline", "flags",
                                      "rules", "routing", "override_outcome", "override_direction", "override_reason", "reasons",
                                      "error"]
    assert {"child", "received", "source"} <= set(out.columns)
    assert out["level"].cat.ordered and list(out["level"].cat.categories) == ["universal", "early_help", "complex", "acute"]
    assert str(out["deadline"].dtype).startswith("datetime64") and str(out["deadline"].dt.tz) == "UTC"
    assert isinstance(out["actions"].iloc[0], tuple)
    assert out.attrs["frontdoor"]["timezone"] == "Europe/London"
    first = out.iloc[0]
    d = doc.decide(contacts.iloc[0].dropna().to_dict())
    assert [r[:4] for r in first["reasons"]] == [r[:4] for r in d.reasons]


def test_concerns_in_every_form(doc):
    base = {"id": ["a", "b", "c", "d"], "received": ["2026-06-01T10:00:00Z"] * 4, "source": ["2A"] * 4}
    forms = pd.DataFrame(dict(base, concerns=pd.Series([
        {"self_harm": "complex", "emotional_health": "early_help"},
        '{"self_harm": "complex", "emotional_health": "early_help"}',
        "self_harm=complex; emotional_health=early_help",
        None,
    ], dtype=object)))
    out = doc.decide_many(forms)
    assert list(out["level"].iloc[:3]) == ["complex"] * 3 and out["level"].iloc[3] == "universal"
    arrow = pa.table({"id": base["id"], "received": base["received"],
                      "concerns": pa.array([[("self_harm", "complex")], None, [("emotional_health", "early_help")], []],
                                           type=pa.map_(pa.string(), pa.string()))})
    levels = doc.decide_many(arrow).column("level").to_pylist()
    assert levels == ["complex", "universal", "early_help", "universal"]


def test_bad_rows_keep_their_place(doc):
    frame = pd.DataFrame({
        "id": ["ok1", "bad1", None, "ok2"],
        "received": ["2026-06-01T10:00:00Z", "2026-06-01T10:00:00Z", "2026-06-01T10:00:00Z", "yesterday"],
        "concerns": ["self_harm=complex", "self_harm=nonsense", "", "self_harm=complex"],
    }, index=[10, 20, 30, 40])
    out = doc.decide_many(frame)
    assert list(out.index) == [10, 20, 30, 40]
    assert out["error"].iloc[0] is None and out["outcome"].iloc[0] == "single_assessment"
    assert "concerns.self_harm: unknown level 'nonsense'" in out["error"].iloc[1]
    assert out["error"].iloc[2] == "id: a contact needs an id" and out["contact"].iloc[2] == ""
    assert out["error"].iloc[3].startswith("received:")
    assert out["level"].isna().tolist() == [False, True, True, True]


def test_unknown_column_rejects_every_row_like_the_cli(doc, cli, tmp_path):
    frame = pd.DataFrame({"id": ["a"], "received": ["2026-06-01T10:00:00Z"], "notes": ["called back"]})
    path = tmp_path / "c.csv"
    frame.to_csv(path, index=False)
    cli_out = json.loads(run_cli(cli, "decide", DOC, str(path)).stdout)
    assert doc.decide_many(frame)["error"].iloc[0] == cli_out["error"]
    assert doc.decide_many(frame, ignore=["notes"])["error"].iloc[0] is None


def test_batch_history_uses_earlier_rows_in_received_order(doc):
    # Listed out of order: the third contact in three months is the one received last.
    frame = pd.DataFrame({
        "id": ["late", "early", "middle"],
        "child": ["K1", "K1", "K1"],
        "received": ["2026-06-20T10:00:00Z", "2026-04-20T10:00:00Z", "2026-05-20T10:00:00Z"],
        "concerns": ["emotional_health=early_help", "self_harm=early_help", "emotional_health=early_help"],
        "consent": [True, True, True],
    })
    out = doc.decide_many(frame).set_index("contact")
    assert "repeat_contact" in out.loc["late", "flags"]
    assert "repeat_contact" not in out.loc["middle", "flags"]
    own = frame.assign(history=[None, None, "[]"])
    assert "repeat_contact" in doc.decide_many(own).set_index("contact").loc["late", "flags"]


def test_recorded_outcome_and_decided_are_carried(doc):
    frame = pd.DataFrame({"id": ["a"], "received": ["2026-06-01T10:00:00Z"], "recorded_outcome": ["advice"],
                          "decided": ["2026-06-01T12:00:00+01:00"]})
    out = doc.decide_many(frame)
    assert out["error"].iloc[0] is None and out["recorded_outcome"].iloc[0] == "advice"
    assert out["decided"].iloc[0] == pd.Timestamp("2026-06-01T11:00:00Z")
    assert doc.decide({"id": "a", "received": "2026-06-01T10:00:00Z", "recorded_outcome": "advice"}).ok


def test_list_of_dicts_and_progress(doc):
    seen = []
    out = doc.decide_many([{"id": "a", "received": "2026-06-01T10:00:00Z", "concerns": {"neglect": "acute"}},
                           {"id": "b", "received": "2026-06-01T10:00:00Z"}], progress=seen.append)
    assert list(out["outcome"]) == ["s47_strategy", "advice"]
    assert seen and seen[-1] == 2


def test_a_progress_callback_that_raises_stops_the_call(doc):
    rows = [{"id": str(i), "received": "2026-06-01T10:00:00Z"} for i in range(50)]

    def stop(done):
        raise RuntimeError("stopped by the callback")

    with pytest.raises(RuntimeError, match="stopped by the callback"):
        doc.decide_many(rows, progress=stop)
    assert list(doc.decide_many(rows, progress=False)["outcome"]) == ["advice"] * 50


def test_empty_frames(doc):
    empty = pd.DataFrame({"id": pd.Series([], dtype=object), "received": pd.Series([], dtype=object)})
    assert len(doc.decide_many(empty)) == 0
    assert doc.decide_many(pa.table({"id": pa.array([], pa.string())})).num_rows == 0


def test_dictionary_coded_columns_decide_like_plain_ones(doc, contacts):
    # Every text column as a categorical (pandas) or dictionary (Arrow, one dictionary per chunk): the
    # batch works each code out once, which must give what the cells give one by one, including
    # invalid booleans and enum values, unknown concerns and levels, empty text and missing cells.
    odd = contacts.head(400).copy()
    odd.loc[odd.index[0::7], "consent"] = "maybe"
    odd.loc[odd.index[1::7], "open_case"] = "bogus"
    odd.loc[odd.index[2::7], "concerns"] = "not_a_concern=early_help"
    odd.loc[odd.index[3::7], "concerns"] = "self_harm=nonsense"
    odd.loc[odd.index[4::7], "telling_family_raises_risk"] = ""
    odd.loc[odd.index[5::7], "disabled"] = "TRUE"
    odd.loc[odd.index[6::11], "police_protection"] = None
    odd.loc[odd.index[6::13], "open_case"] = ""
    # Enough rows for several threads (the batch decides small frames on one).
    big = pd.concat([odd.assign(id=odd["id"] + f"~{j}", child=odd["child"] + f"~{j}") for j in range(60)], ignore_index=True)
    text = [c for c in big.columns if c not in ("id", "child", "received", "dob")]
    expected = [row_as_json(r) for r in frame_rows(doc.decide_many(big, threads=2))]
    assert sum(1 for r in expected if r["error"]) > 1000  # the odd values are rejected, row by row
    cats = big.astype({c: "category" for c in text})
    assert [row_as_json(r) for r in frame_rows(doc.decide_many(cats, threads=2))] == expected
    table = pa.Table.from_pandas(big, preserve_index=False)
    for c in text:
        i = table.schema.get_field_index(c)
        col = table.column(i)
        halves = [col.slice(0, len(col) // 3).combine_chunks().dictionary_encode(),
                  col.slice(len(col) // 3).combine_chunks().dictionary_encode()]  # two dictionaries, in another order
        table = table.set_column(i, c, pa.chunked_array(halves))
    assert table.column("consent").num_chunks == 2
    assert [row_as_json(r) for r in frame_rows(doc.decide_many(table, threads=2))] == expected
