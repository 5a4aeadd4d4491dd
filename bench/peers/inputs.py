"""The per-contact inputs every peer is given, computed once with pandas and NumPy before any timing.

frontdoor decides from raw contacts: it parses `concerns`, reads the typed fields with their
defaults, works out ages in the document's time zone and counts each child's earlier contacts
(history) with the outcomes decided in the same run. None of the peers has a notion of a child's
history, so they are all given the same *precomputed* inputs, one row per contact:

- `concerns`: the matched descriptors, concern -> level (in the frame: one column `lvl_<concern>`
  per concern, the level's index 0..3 or -1 when absent);
- `age_months`, `age_years` (None/NaN when unknown: no `dob` and not `unborn`), `unborn`;
- `source`, `channel` (None when absent); the document's fields `consent`,
  `telling_family_raises_risk`, `open_case` with their defaults; `disabled` (no default: None when
  not recorded) and `police_protection`;
- the history counters `similar_contacts_3m`, `referrals_12m` and `contacts_12m`.

Ages are completed months from `dob` to the date `received` falls on in Europe/London (clamped at
month ends), as docs/semantics.md says. History follows SPEC 2.2: a row's history is the earlier
rows of the same child, a counter counts those received in [received - window, received) on the UTC
instant (calendar months clamped at month ends), rejected rows and rows without a child take no
part, and `referrals_12m` counts earlier rows whose *decided* outcome is a referral. That one input
needs decisions, so it is taken from frontdoor's own `decide_many` output for the earlier rows. A
peer that agrees with frontdoor on every row (the benchmark checks that before timing) would have
produced the same referral flags itself, so this is the fixed point a peer deciding child by child
would reach; it only saves the peers from having to be run in dependency order.

Only the rows frontdoor accepted are given to the peers: rejecting a malformed contact (an unknown
concern, a bad timestamp) is checking, not deciding, and the peers have no checking at all.

The computation is plain pandas/NumPy (not frontdoor): the peers' agreement with frontdoor on every
row's level, outcome, rules, flags, actions and routing is also the check of these inputs.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
# The peers translate the default document as it was before SPEC section 7 (no MASH rating, tags,
# only_with or calendar preset); frontdoor decides the same pinned copy when they are compared.
DOCUMENT = ROOT / "bench" / "peers" / "exampleshire-before-section-7.yaml"
TIMEZONE = "Europe/London"

LEVELS = ["universal", "early_help", "complex", "acute"]
COUNTERS = ["similar_contacts_3m", "referrals_12m", "contacts_12m"]
SCALARS = ["received", "age_months", "age_years", "unborn", "source", "channel", "consent", "telling_family_raises_risk",
           "open_case", "disabled", "police_protection"] + COUNTERS
# What frontdoor decides that every peer is checked on.
COMPARED = ["level", "outcome", "category", "referral", "rules", "routing", "flags", "actions", "deadline"]


@dataclass(frozen=True)
class Continuum:
    """The document's concerns: the data part of the continuum (rules and routing are written by
    hand in each peer, as a notebook user would)."""

    concerns: tuple[str, ...]
    domain: dict[str, str]
    levels: dict[str, tuple[str, ...]]      # the levels each concern has a descriptor at
    holidays: tuple[str, ...]               # the calendar's holidays (local dates), for deadlines

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.domain.values())))


def continuum(path: Path = DOCUMENT) -> Continuum:
    import yaml

    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if [lv["id"] for lv in doc["levels"]] != LEVELS:
        raise SystemExit(f"peers: written for the levels {LEVELS}, the document has others")
    concerns = tuple(doc["concerns"])
    return Continuum(concerns, {c: doc["concerns"][c]["domain"] for c in concerns},
                     {c: tuple(doc["concerns"][c]["levels"]) for c in concerns},
                     tuple(str(h) for h in doc["calendar"]["holidays"]))


# --- parsing the contact columns ----------------------------------------------------------------
def _bool(col: pd.Series, default: bool | None) -> pd.Series:
    """CSV text (true/false/1/0, any case) or JSON values -> nullable boolean (the default for absent values)."""
    if pd.api.types.is_bool_dtype(col.dtype):
        out = col.astype("boolean")
    else:
        text = col.astype("string").str.strip().str.lower()
        out = pd.Series(pd.NA, index=col.index, dtype="boolean")
        out[text.isin(["true", "1"]).fillna(False).to_numpy(dtype=bool)] = True
        out[text.isin(["false", "0"]).fillna(False).to_numpy(dtype=bool)] = False
    return out.fillna(default) if default is not None else out


def _concern_map(v: Any) -> dict[str, str]:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return {}
    if isinstance(v, dict):
        return dict(v)
    s = str(v).strip()
    if not s:
        return {}
    if s.startswith("{"):
        return json.loads(s)
    return dict(part.split("=", 1) for part in s.split(";") if part)


def _days_in_month(months: np.ndarray) -> np.ndarray:
    """months: datetime64[M] -> number of days in each month."""
    return ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(np.int64)


def _minus_months(t: np.ndarray, n: int) -> np.ndarray:
    """UTC instants (datetime64[ms]) minus n calendar months, day clamped to the month's end."""
    day = t.astype("datetime64[D]")
    month = t.astype("datetime64[M]")
    dom = (day - month.astype("datetime64[D]")).astype(np.int64)        # 0-based day of month
    target = month - n
    dom = np.minimum(dom, _days_in_month(target) - 1)
    return target.astype("datetime64[D]").astype("datetime64[ms]") + dom.astype("timedelta64[D]") + (t - day.astype("datetime64[ms]"))


def _completed_months(dob: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Completed months from dob to on (both datetime64[D]); dob + m months is clamped at month ends."""
    dm, om = dob.astype("datetime64[M]"), on.astype("datetime64[M]")
    m = (om - dm).astype(np.int64)
    dob_dom = (dob - dm.astype("datetime64[D]")).astype(np.int64)
    target = dm + m
    anniversary = target.astype("datetime64[D]") + np.minimum(dob_dom, _days_in_month(target) - 1).astype("timedelta64[D]")
    m = m - (anniversary > on)
    return np.maximum(m, 0)


def _window_counts(child: np.ndarray, t: np.ndarray, start: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """For each row i: sum of weights[j] over rows j of the same child with start[i] <= t[j] < t[i].

    child: int codes (-1: no child, no history); t, start: int64 milliseconds; weights: (rows, k)."""
    n = len(t)
    out = np.zeros((n, weights.shape[1]), dtype=np.int64)
    has = child >= 0
    if not has.any():
        return out
    idx = np.flatnonzero(has)
    c, tt, ss = child[idx].astype(np.int64), t[idx], start[idx]
    base = min(int(tt.min()), int(ss.min()))
    span = max(int(tt.max()), int(ss.max())) - base + 1
    key = c * span + (tt - base)                  # one sorted key: child first, then time
    if c.max() >= np.iinfo(np.int64).max // span:
        raise OverflowError("too many children for one sort key")
    order = np.argsort(key, kind="stable")
    skey = key[order]
    cum = np.vstack([np.zeros((1, weights.shape[1]), dtype=np.int64), np.cumsum(weights[idx][order], axis=0)])
    hi = np.searchsorted(skey, key, side="left")
    lo = np.searchsorted(skey, c * span + (ss - base), side="left")
    out[idx] = cum[hi] - cum[lo]
    return out


def prepare(contacts: pd.DataFrame, decided: pd.DataFrame, cont: Continuum | None = None) -> pd.DataFrame:
    """The peers' inputs for the rows of `contacts` that frontdoor accepted (`decided` is
    `Document.decide_many(contacts)`). Index: the rows' positions in `contacts`."""
    cont = cont or continuum()
    ok = decided["error"].isna().to_numpy()
    frame = contacts.reset_index(drop=True)
    referral_decided = decided["referral"].fillna(False).to_numpy(dtype=bool)

    received = pd.to_datetime(frame["received"], utc=True, format="ISO8601", errors="coerce")
    t = received.to_numpy(dtype="datetime64[ms]", na_value=np.datetime64("NaT"))
    concerns = frame["concerns"].map(_concern_map) if "concerns" in frame else pd.Series([{}] * len(frame))

    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    out["received"] = received
    out["concerns"] = concerns
    # One column per concern: the level's index, -1 when absent (filled from (row, concern, level) triples).
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    col = {c: j for j, c in enumerate(cont.concerns)}
    lv = np.full((len(frame), len(cont.concerns)), -1, dtype=np.int8)
    triples = [(i, col[c], rank.get(v, -1)) for i, m in enumerate(concerns.tolist()) for c, v in m.items() if c in col]
    if triples:
        r, j, v = (np.array(x) for x in zip(*triples))
        lv[r, j] = v
    out = pd.concat([out, pd.DataFrame(lv, columns=["lvl_" + c for c in cont.concerns])], axis=1)

    unborn = _bool(frame.get("unborn", pd.Series([None] * len(frame))), False).fillna(False).to_numpy(dtype=bool)
    local_day = received.dt.tz_convert(TIMEZONE).dt.tz_localize(None).to_numpy(dtype="datetime64[D]")
    dob = pd.to_datetime(frame.get("dob"), format="%Y-%m-%d", errors="coerce").to_numpy(dtype="datetime64[D]")
    known = ~np.isnat(dob) & ~np.isnat(local_day)
    months = np.full(len(frame), np.nan)
    months[known] = _completed_months(dob[known], local_day[known])
    months[unborn] = 0
    out["age_months"] = months
    out["age_years"] = np.floor(months / 12)
    out["unborn"] = unborn
    for name in ("source", "channel"):
        col = frame[name] if name in frame else pd.Series([None] * len(frame))
        out[name] = col.astype(object).where(col.notna(), None).map(lambda v: None if v is None else str(v))
    out["consent"] = _bool(frame.get("consent", pd.Series([None] * len(frame))), False).astype(bool)
    out["telling_family_raises_risk"] = _bool(frame.get("telling_family_raises_risk", pd.Series([None] * len(frame))), False).astype(bool)
    oc = frame.get("open_case", pd.Series([None] * len(frame)))
    out["open_case"] = oc.astype(object).where(oc.notna(), "none").astype(str)
    out["disabled"] = _bool(frame.get("disabled", pd.Series([None] * len(frame))), None)
    out["police_protection"] = _bool(frame.get("police_protection", pd.Series([None] * len(frame))), False).astype(bool)

    # History. Only accepted rows with a child and a readable time take part.
    child = frame["child"] if "child" in frame else pd.Series([None] * len(frame))
    part = ok & child.notna().to_numpy() & ~np.isnat(t)
    codes = np.full(len(frame), -1, dtype=np.int64)
    codes[part] = pd.factorize(child[part])[0]
    tms = np.where(np.isnat(t), 0, t.astype(np.int64))
    doms = {d: 1 << i for i, d in enumerate(cont.domains)}
    mask = np.zeros(len(frame), dtype=np.int64)
    for d, bit in doms.items():
        in_domain = [j for j, c in enumerate(cont.concerns) if cont.domain[c] == d]
        mask |= np.where((lv[:, in_domain] >= 0).any(axis=1), bit, 0)
    subsets = list(range(1, 1 << len(doms)))
    # Rows sharing a domain with row i, by inclusion-exclusion over the subsets of i's domains.
    w3 = np.stack([(mask & s) == s for s in subsets] + [np.ones(len(frame), dtype=bool)], axis=1).astype(np.int64)
    start3 = _minus_months(t, 3).astype(np.int64)
    c3 = _window_counts(codes, tms, np.where(np.isnat(t), 0, start3), w3)
    similar = np.zeros(len(frame), dtype=np.int64)
    for k, s in enumerate(subsets):
        sign = 1 if bin(s).count("1") % 2 else -1
        similar += np.where((mask & s) == s, sign * c3[:, k], 0)
    start12 = np.where(np.isnat(t), 0, _minus_months(t, 12).astype(np.int64))
    w12 = np.stack([np.ones(len(frame), dtype=np.int64), referral_decided.astype(np.int64)], axis=1)
    c12 = _window_counts(codes, tms, start12, w12)
    out["similar_contacts_3m"] = similar
    out["contacts_12m"] = c12[:, 0]
    out["referrals_12m"] = c12[:, 1]
    return out[ok]


# --- the same inputs in the shapes the row-wise peers take --------------------------------------
def records(features: pd.DataFrame, cont: Continuum | None = None) -> list[dict[str, Any]]:
    """One dict per contact: `concerns` as {concern: level} and the scalar inputs (None = unknown)."""
    cols: dict[str, list[Any]] = {}
    for k in SCALARS:
        s = features[k]
        if k == "received":
            cols[k] = [t.to_pydatetime() for t in s]
        elif k in ("age_months", "age_years"):
            cols[k] = [None if v != v else int(v) for v in s.to_numpy(dtype=float).tolist()]
        elif k == "disabled":
            cols[k] = [None if v is pd.NA else bool(v) for v in s.astype(object).tolist()]
        elif k in ("source", "channel", "open_case"):
            cols[k] = [None if v is None or v is pd.NA or v != v else str(v) for v in s.astype(object).tolist()]
        else:
            cols[k] = s.to_numpy().tolist()      # numpy -> plain Python bools and ints
    names = SCALARS + ["concerns"]
    cols["concerns"] = [dict(m) for m in features["concerns"].tolist()]
    return [dict(zip(names, vals)) for vals in zip(*(cols[k] for k in names))]


def zen_contexts(recs: list[dict[str, Any]], continuum: str = "lookup") -> list[dict[str, Any]]:
    """ZEN's input: the same dicts without `received` (the graph computes no deadline). With
    continuum="table" (make_zen_graph.py --continuum table), `concerns` is a list of
    {concern, level}, since a decision table in loop mode walks a list, not an object's keys."""
    out = []
    for r in recs:
        r = {k: v for k, v in r.items() if k != "received"}
        if continuum == "table":
            r["concerns"] = [{"concern": c, "level": v} for c, v in r["concerns"].items()]
        out.append(r)
    return out


def expected(decided: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """frontdoor's decisions for the rows the peers are given, in the peers' output shape."""
    d = decided.reset_index(drop=True).loc[features.index]
    out = pd.DataFrame(index=features.index)
    for k in ("level", "outcome", "category", "routing"):
        out[k] = pd.Series([None if pd.isna(v) else str(v) for v in d[k].tolist()], index=out.index, dtype=object)
    out["referral"] = d["referral"].astype(bool).tolist()
    out["deadline"] = d["deadline"].tolist()
    for k in ("rules", "flags", "actions"):
        out[k] = pd.Series([tuple(v) for v in d[k].tolist()], index=out.index, dtype=object)
    return out[COMPARED]


def _plain(v: Any) -> Any:
    """None for every kind of missing value; tuples for lists; plain bools and strings."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (list, tuple, np.ndarray)):
        return tuple(str(x) for x in v)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (pd.Timestamp, np.datetime64, _dt.datetime)):
        ts = pd.Timestamp(v)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        return ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(v)


def compare(name: str, got: pd.DataFrame, want: pd.DataFrame, fields: list[str] = COMPARED, show: int = 5) -> list[str]:
    """Row-by-row equality on `fields`; returns lines describing the first differing rows (none: equal)."""
    COMPARED = fields  # noqa: N806
    if len(got) != len(want):
        return [f"{name}: {len(got)} decisions for {len(want)} contacts"]
    got = got.set_axis(want.index)
    bad = np.zeros(len(want), dtype=bool)
    got = pd.DataFrame({k: [_plain(v) for v in got[k].tolist()] for k in COMPARED}, index=want.index, dtype=object)
    want = pd.DataFrame({k: [_plain(v) for v in want[k].tolist()] for k in COMPARED}, index=want.index, dtype=object)
    for k in COMPARED:
        g, w = got[k].tolist(), want[k].tolist()
        bad |= np.array([a != b for a, b in zip(g, w)], dtype=bool)
    lines = []
    if bad.any():
        lines.append(f"{name}: {int(bad.sum())} of {len(want)} decisions differ from frontdoor; the first:")
        for i in np.flatnonzero(bad)[:show]:
            row = want.index[i]
            diffs = {k: (got[k].iloc[i], want[k].iloc[i]) for k in COMPARED if got[k].iloc[i] != want[k].iloc[i]}
            lines.append(f"  row {row}: " + "; ".join(f"{k}: peer {a!r}, frontdoor {b!r}" for k, (a, b) in diffs.items()))
    return lines
