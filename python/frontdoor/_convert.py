"""Turning the Python values that the C++ module's fast checks do not know into ones they do.

The module reads str, bool, int, float, None and dict itself; anything else comes here once per cell
(NumPy scalars, pandas' NA and NaT, datetimes and dates, lists of earlier contacts, ...).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
import numbers
from collections.abc import Mapping
from typing import Any

BAD = object()  # a value no field of a contact can take (a list, an arbitrary object)

_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MS = _dt.timedelta(milliseconds=1)


def _is_missing(value: Any) -> bool:
    name = type(value).__name__
    if name in ("NAType", "NaTType"):
        return True
    try:
        import numpy as np

        if isinstance(value, np.datetime64) and np.isnat(value):
            return True
    except ImportError:  # pragma: no cover
        pass
    return False


def instant(value: _dt.datetime) -> tuple[str, int, bool]:
    """A datetime as ("t", milliseconds since the epoch, zoned)."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return ("t", (value - _EPOCH_UTC) // _MS, True)
    return ("t", (value.replace(tzinfo=None) - _EPOCH) // _MS, False)


def json_default(value: Any) -> Any:
    """For json.dumps of earlier contacts: dates and datetimes as ISO 8601, NumPy scalars as Python."""
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def normalize(value: Any, history: bool) -> Any:
    if value is None or _is_missing(value):
        return None
    try:
        import numpy as np

        if isinstance(value, np.generic):
            if isinstance(value, np.bool_):
                return bool(value)
            if isinstance(value, np.integer):
                return int(value)
            if isinstance(value, np.floating):
                v = float(value)
                return None if math.isnan(v) else v
            if isinstance(value, np.datetime64):
                ms = int(value.astype("datetime64[ms]").astype(np.int64))
                return ("t", ms, False)
            if isinstance(value, np.str_):
                return str(value)
            return BAD
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, _dt.datetime):
        return instant(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if history:
        if isinstance(value, (list, tuple)):
            try:
                return json.dumps(list(value), default=json_default)
            except (TypeError, ValueError):
                return BAD
        return BAD
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else None if value.is_nan() else float(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        return None if math.isnan(v) else v
    return BAD
