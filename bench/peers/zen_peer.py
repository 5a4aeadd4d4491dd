"""Peer: GoRules ZEN (`pip install zen-engine`, module `zen`) running bench/peers/exampleshire.zen.json.

Input: `inputs.zen_contexts(...)`, one dict per contact (concerns as a list of {concern, level}, the
precomputed scalars, None = not known). Output: a DataFrame with level, outcome, category, referral,
rules, routing, flags, actions and decide_within (ZEN gives no working-time deadline; see
make_zen_graph.py).

Two ways to run it are offered, both deciding every contact through the same compiled graph:
`decide` calls `ZenDecision.evaluate` once per contact (the documented way), `decide_batch` hands
the whole list to `ZenEngine.evaluate_batch` (one call; the engine's own batching).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

GRAPH = Path(__file__).resolve().parent / "exampleshire.zen.json"
KEY = "exampleshire"
FIELDS = ["level", "outcome", "category", "referral", "rules", "routing", "flags", "actions", "decide_within"]


def load(path: Path = GRAPH) -> tuple[Any, Any]:
    import zen

    content = path.read_text(encoding="utf-8")
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {KEY: json.loads(content)}}})
    return engine, engine.create_decision(content)


def _row(result: dict[str, Any]) -> tuple:
    r = result["result"]
    return (r.get("level"), r.get("outcome"), r.get("category"), bool(r.get("referral")), tuple(r.get("rules") or ()),
            r.get("routing"), tuple(r.get("flags") or ()), tuple(r.get("actions") or ()), r.get("decide_within"))


def decide(decision: Any, contexts: list[dict[str, Any]]) -> list[tuple]:
    return [_row(decision.evaluate(c)) for c in contexts]


def decide_batch(engine: Any, contexts: list[dict[str, Any]]) -> list[tuple]:
    out = []
    for r in engine.evaluate_batch([{"key": KEY, "context": c} for c in contexts]):
        if not r.get("success", False):
            raise RuntimeError(f"zen: {r.get('error')}")
        out.append(_row(r["data"]))
    return out


def frame(rows: list[tuple], index: Any = None) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=FIELDS, index=index)
