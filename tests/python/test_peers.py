"""The benchmark's peers (bench/peers/) must keep giving frontdoor's decisions, so that
bench/bench_peers.py never times wrong answers: each peer on a few hundred shipped contacts, compared
with Document.decide_many row by row. ZEN is skipped when zen-engine is not installed."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import frontdoor as fd

from conftest import CONTACTS, ROOT

sys.path.insert(0, str(ROOT / "bench"))

from peers import inputs, pandas_select, python_loop, zen_peer  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    """The first 300 shipped rows and every row of the 40 children with the most contacts (so the
    history counters and the rules that read them are exercised), in file order."""
    year = fd.read_contacts(ROOT / CONTACTS)
    busy = year["child"].value_counts().index[:40]
    rows = year[(year.index < 300) | year["child"].isin(busy)].reset_index(drop=True)
    doc = fd.load(inputs.DOCUMENT)
    decided = doc.decide_many(rows, progress=False)
    cont = inputs.continuum(inputs.DOCUMENT)
    feats = inputs.prepare(rows, decided, cont)
    return {"feats": feats, "records": inputs.records(feats, cont), "want": inputs.expected(decided, feats), "cont": cont,
            "rejected": int(decided["error"].notna().sum())}


def test_sample_is_worth_checking(sample):
    want = sample["want"]
    assert 400 <= len(want) <= 1000
    held = {r for rules in want["rules"] for r in rules}
    assert {"repeat_contacts", "many_low_level_contacts", "re_referral", "police_domestic_abuse"} <= held
    assert set(want["outcome"]) == {"advice", "early_help", "single_assessment", "s47_strategy", "allocated_worker"}
    assert sample["rejected"] > 0           # rejected rows are left out of the peers' inputs
    assert len(sample["feats"]) == len(want)


def test_python_loop_gives_frontdoors_decisions(sample):
    c = sample["cont"]
    got = pd.DataFrame(python_loop.decide(sample["records"], c.domain, c.holidays), columns=inputs.COMPARED)
    assert inputs.compare("python loop", got, sample["want"]) == []


def test_pandas_select_gives_frontdoors_decisions(sample):
    c = sample["cont"]
    got = pandas_select.decide(sample["feats"], c.domain, c.holidays)
    assert inputs.compare("pandas np.select", got, sample["want"]) == []


def test_zen_gives_frontdoors_decisions(sample):
    pytest.importorskip("zen")
    engine, decision = zen_peer.load()
    ctxs = inputs.zen_contexts(sample["records"])
    fields = [k for k in inputs.COMPARED if k != "deadline"]          # ZEN has no working-time deadlines
    assert inputs.compare("ZEN", zen_peer.frame(zen_peer.decide_batch(engine, ctxs)), sample["want"], fields) == []
    assert inputs.compare("ZEN", zen_peer.frame(zen_peer.decide(decision, ctxs[:50])), sample["want"].iloc[:50], fields) == []


def test_a_wrong_answer_is_caught(sample):
    c = sample["cont"]
    got = pandas_select.decide(sample["feats"], c.domain, c.holidays)
    got.iloc[7, got.columns.get_loc("outcome")] = "advice" if got["outcome"].iloc[7] != "advice" else "early_help"
    problems = inputs.compare("pandas np.select", got, sample["want"])
    assert problems and "1 of" in problems[0] and "outcome" in problems[1]


def test_committed_zen_graph_is_made_from_the_document():
    pytest.importorskip("yaml")
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "peers" / "make_zen_graph.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
