"""Comparing decision frames with the command line's JSON decisions."""

from __future__ import annotations

import math
from typing import Any

FIELDS = ["contact", "level", "outcome", "category", "referral", "actions", "deadline", "flags", "rules", "routing", "error"]


def missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(v, float) and math.isnan(v)


def row_as_json(row: dict[str, Any]) -> dict[str, Any]:
    """A decide_many row (pandas or Arrow, as a dict) in the command line's JSON terms."""
    out: dict[str, Any] = {}
    for k in FIELDS:
        v = row.get(k)
        if missing(v):
            out[k] = None
        elif k in ("actions", "flags", "rules"):
            out[k] = list(v)
        elif k == "deadline":
            out[k] = v.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif k == "referral":
            out[k] = bool(v)
        else:
            out[k] = str(v)
    return out


def frame_rows(out: Any) -> list[dict[str, Any]]:
    if hasattr(out, "to_pylist"):
        return out.to_pylist()
    return out.to_dict("records")


def decision_json(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d[k] for k in FIELDS}
