"""Frames in and out of the C++ batch.

Input: each column of a pandas DataFrame or a pyarrow Table becomes a column spec the module reads
without copying where it can: NumPy arrays for numeric, boolean and datetime columns, Arrow buffers
(by address, the arrays kept alive here) for Arrow-backed strings, codes plus categories for
categoricals, and Python objects (read by the module while it holds the GIL) for everything else.

Output: the decision columns as categoricals (level, outcome, category, routing), nullable booleans,
UTC datetimes and tuples (actions, flags, rules): for pandas, the object columns (actions, flags,
rules, error) come made from the module (decide_columns(objects=True)); for Arrow, they are taken
from the combos' lists by code.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable, Mapping

import numpy as np

from . import _convert

INT64_MIN = np.iinfo(np.int64).min
INT64_MAX = np.iinfo(np.int64).max
CATEGORIES = ["nfa", "early_help", "assessment", "s47", "open_case", "other"]
# Decision columns, in the order of the command line's JSON.
DECISION_COLUMNS = ["contact", "level", "outcome", "category", "referral", "actions", "deadline", "flags", "rules", "routing"]
# SPEC 7.8, when the input carries recorded_outcome or override_reason: where the recorded outcome
# overrides the decision, which outcome, which way and why.
OVERRIDE_COLUMNS = ["override_outcome", "override_direction", "override_reason"]
DIRECTIONS = ["up", "down", "across"]
# Input columns carried into the output, so that fd.stats and fd.audit can work from decisions alone.
CARRIED = ["child", "source", "recorded_outcome"]


def _pandas():
    import pandas as pd

    return pd


def _arrow():
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - only when pyarrow is not installed
        return None
    return pa


def is_pandas(frame: Any) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(frame, pd.DataFrame)


def is_arrow(frame: Any) -> bool:
    pa = _arrow()
    return pa is not None and isinstance(frame, (pa.Table, pa.RecordBatch))


# --- input ------------------------------------------------------------------------------------------


def _objects(values: Iterable[Any], n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _object_spec(name: str, values: np.ndarray) -> tuple:
    return ("object", name, len(values), values, name == "history")


def arrow_spec(name: str, arr: Any) -> tuple:
    pa = _arrow()
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 0:
            arr = pa.array([], type=arr.type)
        elif arr.num_chunks == 1:
            arr = arr.chunk(0)
        else:  # read in place, chunk by chunk
            return ("chunked", name, len(arr), [arrow_spec(name, c) for c in arr.chunks])
    t = arr.type
    n = len(arr)
    if pa.types.is_null(t):
        return ("null", name, n)
    if hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t):
        return arrow_spec(name, arr.cast(pa.large_string()))
    bufs = arr.buffers()
    validity = bufs[0].address if bufs[0] is not None and arr.null_count else 0
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        data = bufs[2].address if bufs[2] is not None else 0
        return ("arrow_string", name, n, arr.offset, validity, bufs[1].address, data, pa.types.is_large_string(t), arr)
    if pa.types.is_boolean(t):
        return ("arrow_bool", name, n, arr.offset, validity, bufs[1].address, arr)
    if pa.types.is_integer(t):
        if pa.types.is_uint64(t) and n and (pc.max(arr).as_py() or 0) > INT64_MAX:
            return _object_spec(name, _objects(arr.to_pylist(), n))
        if not pa.types.is_int64(t):
            arr = arr.cast(pa.int64())
            bufs = arr.buffers()
            validity = bufs[0].address if bufs[0] is not None and arr.null_count else 0
        return ("arrow_int64", name, n, arr.offset, validity, bufs[1].address, arr)
    if pa.types.is_floating(t):
        if not pa.types.is_float64(t):
            arr = arr.cast(pa.float64())
            bufs = arr.buffers()
            validity = bufs[0].address if bufs[0] is not None and arr.null_count else 0
        return ("arrow_float64", name, n, arr.offset, validity, bufs[1].address, arr)
    if pa.types.is_timestamp(t):
        zoned = t.tz is not None
        if zoned and name == "dob":  # a date of birth is the local date where it was recorded
            arr = pc.local_timestamp(arr)
            zoned = False
            bufs = arr.buffers()
            validity = bufs[0].address if bufs[0] is not None and arr.null_count else 0
        return ("arrow_datetime", name, n, arr.offset, validity, bufs[1].address, arr, arr.type.unit, zoned)
    if pa.types.is_date(t):
        return arrow_spec(name, arr.cast(pa.timestamp("ms")))
    if pa.types.is_dictionary(t):
        codes = arr.indices.cast(pa.int32()).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        return ("dictionary", name, n, np.ascontiguousarray(codes), arrow_spec(name, arr.dictionary))
    # Maps, structs, lists and anything else: as Python objects.
    values = arr.to_pylist()
    if name == "concerns":
        if pa.types.is_map(t):
            values = [dict(v) if v is not None else None for v in values]
        elif pa.types.is_struct(t):
            values = [{k: x for k, x in v.items() if x is not None} if v is not None else None for v in values]
    return _object_spec(name, _objects(values, n))


def pandas_spec(name: str, s: Any) -> tuple:
    pd = _pandas()
    n = len(s)
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.ascontiguousarray(s.cat.codes.to_numpy().astype(np.int32, copy=False))
        categories = pd.Series(s.cat.categories)
        return ("dictionary", name, n, codes, pandas_spec(name, categories))
    array = s.array
    if hasattr(array, "__arrow_array__") and _arrow() is not None and not isinstance(dtype, pd.DatetimeTZDtype):
        try:
            return arrow_spec(name, _arrow().array(array))
        except Exception:  # noqa: BLE001 - any Arrow conversion problem: fall back to objects
            pass
    if isinstance(dtype, np.dtype):
        kind = dtype.kind
        if kind == "b":
            return ("bool", name, n, np.ascontiguousarray(s.to_numpy()).view(np.uint8), None)
        if kind in "iu":
            values = s.to_numpy()
            if kind == "u" and dtype.itemsize == 8 and n and values.max() > INT64_MAX:
                return _object_spec(name, _objects(values.tolist(), n))
            return ("int64", name, n, np.ascontiguousarray(values.astype(np.int64, copy=False)), None)
        if kind == "f":
            return ("float64", name, n, np.ascontiguousarray(s.to_numpy().astype(np.float64, copy=False)), None)
        if kind == "M":
            unit = np.datetime_data(dtype)[0]
            return ("datetime", name, n, np.ascontiguousarray(s.to_numpy()).view(np.int64), None, unit, False)
        if kind == "O":
            return _object_spec(name, s.to_numpy())
    if isinstance(dtype, pd.DatetimeTZDtype):
        if name == "dob":
            naive = s.dt.tz_localize(None)  # the local date where it was recorded
            zoned = False
        else:
            naive = s.dt.tz_convert("UTC").dt.tz_localize(None)
            zoned = True
        values = naive.to_numpy()
        return ("datetime", name, n, np.ascontiguousarray(values).view(np.int64), None, np.datetime_data(values.dtype)[0], zoned)
    if isinstance(dtype, pd.BooleanDtype):
        return ("bool", name, n, s.to_numpy(dtype=bool, na_value=False).view(np.uint8), s.isna().to_numpy())
    if isinstance(dtype, (pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype, pd.UInt8Dtype, pd.UInt16Dtype, pd.UInt32Dtype)):
        return ("int64", name, n, s.to_numpy(dtype=np.int64, na_value=0), s.isna().to_numpy())
    if isinstance(dtype, (pd.Float32Dtype, pd.Float64Dtype)):
        return ("float64", name, n, s.to_numpy(dtype=np.float64, na_value=np.nan), None)
    # Strings stored as Python objects, UInt64 and anything else: as Python objects (NA as None).
    return _object_spec(name, s.to_numpy(dtype=object, na_value=None))


def column_specs(frame: Any, ignore: Iterable[str] = ()) -> tuple[list[tuple], int]:
    skip = set(ignore)
    specs: list[tuple] = []
    if is_pandas(frame):
        n = len(frame)
        for name, s in frame.items():
            if not isinstance(name, str):
                raise TypeError(f"column names must be text, not {type(name).__name__} ({name!r})")
            if name in skip:
                continue
            specs.append(pandas_spec(name, s))
        return specs, n
    if is_arrow(frame):
        n = frame.num_rows
        for name, col in zip(frame.schema.names, frame.columns):
            if name in skip:
                continue
            specs.append(arrow_spec(name, col))
        return specs, n
    raise TypeError(f"decide_many takes a pandas DataFrame or a pyarrow Table, not {type(frame).__name__}")


# --- output -----------------------------------------------------------------------------------------


def table_of(items: list[Any]) -> np.ndarray:
    """An object array of the items with None appended, so that code -1 picks None."""
    out = np.empty(len(items) + 1, dtype=object)
    for i, v in enumerate(items):
        out[i] = v
    out[len(items)] = None
    return out


def errors_column(raw: Mapping[str, Any], n: int) -> np.ndarray:
    err = np.full(n, None, dtype=object)
    rows = raw["error_rows"]
    if len(rows):
        err[rows] = np.array(raw["error_messages"], dtype=object)
    return err


def contact_values(raw: Mapping[str, Any], frame: Any, n: int) -> Any:
    """Contact ids as the engine reads them ("" when a row has none)."""
    if raw["contact"] is not None:
        return np.array(raw["contact"], dtype=object)
    if is_pandas(frame):
        if "id" not in frame.columns:
            return np.full(n, "", dtype=object)
        ids = frame["id"]
        return ids.fillna("") if ids.hasnans else ids
    names = frame.schema.names
    if "id" not in names:
        return np.full(n, "", dtype=object)
    col = frame.column(names.index("id"))
    if col.null_count:
        import pyarrow.compute as pc

        col = pc.fill_null(col, "")
    return col


def _datetimes_pandas(ms: np.ndarray) -> Any:
    pd = _pandas()
    return pd.Series(ms.view("datetime64[ms]"), copy=False).dt.tz_localize("UTC").array


@functools.lru_cache(maxsize=64)
def _categories(ids: tuple[str, ...], ordered: bool = False) -> Any:
    return _pandas().CategoricalDtype(list(ids), ordered=ordered)


def _categorical(codes: np.ndarray, ids: list[str], ordered: bool = False) -> Any:
    """Codes from the module (each -1 or a valid index), so pandas need not check them."""
    return _pandas().Categorical.from_codes(codes, dtype=_categories(tuple(ids), ordered), validate=False)


def to_pandas(raw: Mapping[str, Any], frame: Any, info: Mapping[str, Any], reasons: bool) -> Any:
    pd = _pandas()
    n = len(frame)
    ok = raw["outcome"] >= 0
    cols: dict[str, Any] = {}
    cols["contact"] = contact_values(raw, frame, n)
    cols["level"] = _categorical(raw["level"], info["level_ids"], ordered=True)
    cols["outcome"] = _categorical(raw["outcome"], info["outcome_ids"])
    cols["category"] = _categorical(raw["category"], CATEGORIES)
    cols["referral"] = pd.arrays.BooleanArray(raw["referral"].astype(bool), ~ok)
    cols["actions"] = raw["actions"]  # the object columns are made by the module (objects=True)
    cols["deadline"] = _datetimes_pandas(raw["deadline"])
    cols["flags"] = raw["flags"]
    cols["rules"] = raw["rules"]
    cols["routing"] = _categorical(raw["routing"], info["routing_ids"])
    if raw["override_outcome"] is not None:
        cols["override_outcome"] = _categorical(raw["override_outcome"].astype(np.int32), info["outcome_ids"])
        cols["override_direction"] = _categorical(raw["override_direction"].astype(np.int32), DIRECTIONS)
        cols["override_reason"] = _categorical(raw["override_reason"].astype(np.int32), info["reason_ids"])
    if reasons:
        cols["reasons"] = table_of(list(raw["reasons"]))[raw["reason"]]
    cols["error"] = raw["error"]
    if "child" in frame.columns:
        cols["child"] = frame["child"].array
    cols["received"] = _datetimes_pandas(raw["received"])
    if "source" in frame.columns:
        cols["source"] = frame["source"].array
    if raw["decided"] is not None:
        cols["decided"] = _datetimes_pandas(raw["decided"])
    if "recorded_outcome" in frame.columns:
        cols["recorded_outcome"] = frame["recorded_outcome"].array
    # Object columns stay objects (tuples, None or text): pandas would otherwise scan them to infer a type.
    for k, v in cols.items():
        if isinstance(v, np.ndarray) and v.dtype == object:
            cols[k] = pd.Series(v, index=frame.index, dtype=object, copy=False)
        elif isinstance(v, pd.Series):
            cols[k] = v.set_axis(frame.index) if not v.index.equals(frame.index) else v
    out = pd.DataFrame(cols, index=frame.index, copy=False)
    out.attrs["frontdoor"] = dict(info["attrs"])
    return out


def to_arrow(raw: Mapping[str, Any], frame: Any, info: Mapping[str, Any], reasons: bool) -> Any:
    import json

    pa = _arrow()
    n = frame.num_rows
    ok = raw["outcome"] >= 0
    names = frame.schema.names

    def dictionary(codes: np.ndarray, values: list[str]) -> Any:
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32), mask=codes < 0), pa.array(values, type=pa.string()))

    def times(ms: np.ndarray) -> Any:
        return pa.array(ms, type=pa.timestamp("ms", tz="UTC"), mask=ms == INT64_MIN)

    code = pa.array(raw["combo"], mask=raw["combo"] < 0)
    combos = raw["combos"]
    strings = pa.list_(pa.string())
    arrays: dict[str, Any] = {}
    contact = contact_values(raw, frame, n)
    arrays["contact"] = contact if isinstance(contact, (pa.Array, pa.ChunkedArray)) else pa.array(contact, type=pa.string())
    arrays["level"] = dictionary(raw["level"], info["level_ids"])
    arrays["outcome"] = dictionary(raw["outcome"], info["outcome_ids"])
    arrays["category"] = dictionary(raw["category"], CATEGORIES)
    arrays["referral"] = pa.array(raw["referral"].astype(bool), mask=~ok)
    arrays["actions"] = pa.array([list(c[0]) for c in combos], type=strings).take(code)
    arrays["deadline"] = times(raw["deadline"])
    arrays["flags"] = pa.array([list(c[1]) for c in combos], type=strings).take(code)
    arrays["rules"] = pa.array([list(c[2]) for c in combos], type=strings).take(code)
    arrays["routing"] = dictionary(raw["routing"], info["routing_ids"])
    if raw["override_outcome"] is not None:
        arrays["override_outcome"] = dictionary(raw["override_outcome"], info["outcome_ids"])
        arrays["override_direction"] = dictionary(raw["override_direction"], DIRECTIONS)
        arrays["override_reason"] = dictionary(raw["override_reason"], info["reason_ids"])
    if reasons:
        reason_type = pa.list_(pa.struct([("kind", pa.string()), ("id", pa.string()), ("text", pa.string()), ("at", pa.string())]))
        table = pa.array([[{"kind": r[0], "id": r[1], "text": r[2], "at": r[3]} for r in rs] for rs in raw["reasons"]], type=reason_type)
        arrays["reasons"] = table.take(pa.array(raw["reason"], mask=raw["reason"] < 0))
    arrays["error"] = pa.array(errors_column(raw, n), type=pa.string())
    if "child" in names:
        arrays["child"] = frame.column(names.index("child"))
    arrays["received"] = times(raw["received"])
    if "source" in names:
        arrays["source"] = frame.column(names.index("source"))
    if raw["decided"] is not None:
        arrays["decided"] = times(raw["decided"])
    if "recorded_outcome" in names:
        arrays["recorded_outcome"] = frame.column(names.index("recorded_outcome"))
    table = pa.table(arrays)
    return table.replace_schema_metadata({b"frontdoor": json.dumps(info["attrs"]).encode()})


def from_records(records: Iterable[Mapping[str, Any]]) -> Any:
    """A DataFrame from contact dicts, each value kept as it is (dicts of concerns included)."""
    pd = _pandas()
    rows = list(records)
    names: list[str] = []
    for r in rows:
        if not isinstance(r, Mapping):
            raise TypeError(f"each contact must be a mapping, not {type(r).__name__}")
        for k in r:
            if k not in names:
                names.append(k)
    data = {k: _objects((r.get(k) for r in rows), len(rows)) for k in names}
    return pd.DataFrame(data)


_ = _convert  # the module passes _convert.normalize to the C++ side
