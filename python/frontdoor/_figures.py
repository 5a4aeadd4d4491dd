"""Front-door figures (fd.stats), the what-if of two documents (fd.diff) and the consistency audit
(fd.audit). The numbers are computed by the library (include/frontdoor/figures.hpp), the same code
behind `frontdoor stats` and `frontdoor diff`; this module turns frames into its columns and its
answers into data frames."""

from __future__ import annotations

import html
import json
from typing import Any, Iterable, Mapping, Optional, Union

import numpy as np

from . import _columns
from . import _frontdoor as _core
from ._decision import Reason
from ._document import Document, Progress
from ._errors import FrontdoorError

INT64_MIN = _columns.INT64_MIN
CATEGORIES = _columns.CATEGORIES


def _pd():
    import pandas as pd

    return pd


def _as_pandas(frame: Any) -> Any:
    if _columns.is_pandas(frame):
        return frame
    if _columns.is_arrow(frame):
        import pyarrow as pa

        table = frame if isinstance(frame, pa.Table) else pa.Table.from_batches([frame])
        out = table.to_pandas()
        meta = (table.schema.metadata or {}).get(b"frontdoor")
        if meta:
            out.attrs["frontdoor"] = json.loads(meta)
        return out
    if isinstance(frame, (list, tuple)):
        return _pd().DataFrame.from_records(list(frame))
    raise TypeError(f"expected a pandas DataFrame or a pyarrow Table, not {type(frame).__name__}")


def _text(s: Any) -> Any:
    """A column as text the way the engine reads it (6 and 6.0 are "6"), missing as None."""
    pd = _pd()
    if s.dtype.kind in "iuf" or isinstance(s.dtype, (pd.Int64Dtype, pd.Float64Dtype)):
        v = pd.to_numeric(s, errors="coerce")
        out = v.map(lambda x: None if pd.isna(x) or x != int(x) else str(int(x)))
        return out.astype(object)
    return s.astype(object).where(s.notna(), None)


def _times_ms(s: Any) -> np.ndarray:
    """Instants as milliseconds since the epoch (missing: INT64_MIN)."""
    pd = _pd()
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        t = s.dt.tz_convert("UTC").dt.tz_localize(None)
    elif s.dtype.kind == "M":
        t = s
    else:
        t = pd.to_datetime(s, utc=True, format="ISO8601", errors="coerce").dt.tz_localize(None)
    return np.ascontiguousarray(t.to_numpy(dtype="datetime64[ms]").view(np.int64))


def _months(ms: np.ndarray, timezone: str) -> np.ndarray:
    pd = _pd()
    t = pd.Series(ms.view("datetime64[ms]")).dt.tz_localize("UTC").dt.tz_convert(timezone)
    month = (t.dt.year * 12 + t.dt.month - 1).to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isnan(month), -1, month).astype(np.int32)


def _factorize(values: Any) -> tuple[np.ndarray, list[Any]]:
    pd = _pd()
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes.astype(np.int64), list(uniques)


def _flag_sets(flags: Any) -> tuple[np.ndarray, list[str], list[list[int]]]:
    def as_tuple(v: Any) -> Optional[tuple]:
        if v is None or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, str):
            return tuple(x for x in v.split(";") if x)
        if isinstance(v, np.ndarray):
            return tuple(v.tolist())
        return tuple(v)

    values = flags.to_numpy(dtype=object)
    if len(values) and not all(isinstance(v, tuple) or v is None for v in values[: min(len(values), 64)]):
        values = np.array([as_tuple(v) for v in values] + [None], dtype=object)[:-1]
    codes, uniques = _factorize(values)
    names: list[str] = []
    sets: list[list[int]] = []
    for u in uniques:
        idx = []
        for f in u:
            if f not in names:
                names.append(f)
            idx.append(names.index(f))
        sets.append(idx)
    empty = [i for i, s in enumerate(sets) if not s]
    codes = codes.astype(np.int32)
    for i in empty:
        codes[codes == i] = -1
    return codes, names, sets


def figure_input(decisions: Any, contacts: Any = None, timezone: Optional[str] = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The library's FigureInput, as a dict of arrays, from a decisions frame (and the contacts,
    when the decisions do not carry child, received, source and decided)."""
    pd = _pd()
    d = _as_pandas(decisions)
    c = _as_pandas(contacts) if contacts is not None else None
    if c is not None and len(c) != len(d):
        raise ValueError(f"the contacts have {len(c)} rows and the decisions {len(d)}")
    attrs = dict(d.attrs.get("frontdoor", {}))
    tz = timezone or attrs.get("timezone") or "UTC"

    def column(name: str) -> Any:
        if name in d.columns:
            return d[name].reset_index(drop=True)
        if c is not None and name in c.columns:
            return c[name].reset_index(drop=True)
        return None

    n = len(d)
    if "outcome" not in d.columns:
        raise ValueError("the decisions need an `outcome` column (as Document.decide_many or `frontdoor decide` give)")
    outcome = d["outcome"].reset_index(drop=True)
    rejected = outcome.isna().to_numpy().copy()
    if "error" in d.columns:
        rejected |= d["error"].reset_index(drop=True).notna().to_numpy()
    oc, ou = _factorize(_text(outcome))
    category = column("category")
    if category is None:
        raise ValueError("the decisions need a `category` column")
    cc, cu = _factorize(_text(category))
    referral = column("referral")
    if referral is not None:
        rc = referral.astype(object).where(referral.notna(), False).astype(bool).to_numpy().astype(np.int64)
    else:
        rc = np.zeros(n, np.int64)
    key = np.where(rejected | (oc < 0), -1, (oc * (len(cu) + 1) + cc + 1) * 2 + rc)
    kc, ku = pd.factorize(key, use_na_sentinel=True)
    kinds: list[Optional[tuple[str, str, bool]]] = []
    for k in ku:
        if k < 0:
            kinds.append(None)
            continue
        r, rest = k % 2, k // 2
        o, ci = rest // (len(cu) + 1), rest % (len(cu) + 1) - 1
        kinds.append((str(ou[o]), str(cu[ci]) if ci >= 0 else "other", bool(r)))
    outcome_codes = np.array([-1 if kinds[k] is None else k for k in kc], dtype=np.int32) if n else np.zeros(0, np.int32)
    # Renumber the kinds without the rejected pseudo-kind.
    real = [i for i, k in enumerate(kinds) if k is not None]
    remap = np.full(len(kinds) + 1, -1, dtype=np.int32)
    for new, old in enumerate(real):
        remap[old] = new
    outcome_codes = np.where(outcome_codes >= 0, remap[np.maximum(outcome_codes, 0)], -1).astype(np.int32)
    kinds = [kinds[i] for i in real]

    inp: dict[str, Any] = {
        "outcomes": kinds, "sources": [], "flags": [], "flag_sets": [], "outcome": outcome_codes,
        "child": None, "source": None, "received": None, "month": None, "deadline": None, "decided": None, "flag_set": None,
    }
    child = column("child")
    if child is not None:
        inp["child"], _ = _factorize(_text(child))
    source = column("source")
    if source is not None:
        codes, uniques = _factorize(_text(source))
        inp["source"] = codes.astype(np.int32)
        inp["sources"] = [str(u) for u in uniques]
    received = column("received")
    if received is not None:
        ms = _times_ms(received)
        inp["received"] = ms
        inp["month"] = _months(ms, tz)
    deadline = column("deadline")
    if deadline is not None:
        inp["deadline"] = _times_ms(deadline)
    decided = column("decided")
    if decided is not None:
        inp["decided"] = _times_ms(decided)
    flags = column("flags")
    if flags is not None:
        inp["flag_set"], inp["flags"], inp["flag_sets"] = _flag_sets(flags)
    _override_input(inp, column, rejected | (outcome_codes < 0), n)
    return inp, attrs


_DIRECTION_CODES = {"up": 1, "down": 2, "across": 3}  # OverrideDirection; 0 is none: recorded and agrees


def _override_input(inp: dict[str, Any], column: Any, rejected: np.ndarray, n: int) -> None:
    """SPEC 7.8's columns of FigureInput: each decided row's override direction (-1 where nothing was
    recorded), its reason and its level. From decide_many's override_direction and override_reason,
    or from the `override` objects of `frontdoor decide`'s JSON Lines read into a frame."""
    recorded = column("recorded_outcome")
    if recorded is None:
        return
    has = (recorded.notna().to_numpy() & ~rejected)
    direction = column("override_direction")
    reason = column("override_reason")
    if direction is None and column("override") is not None:
        objs = column("override").tolist()
        direction = _pd().Series([o.get("direction") if isinstance(o, dict) else None for o in objs], dtype=object)
        reason = _pd().Series([o.get("reason") if isinstance(o, dict) else None for o in objs], dtype=object)
    dirs = np.zeros(n, dtype=np.int8)
    if direction is not None:
        dirs = np.array([_DIRECTION_CODES.get(str(v), 0) if isinstance(v, str) else 0 for v in direction.astype(object).tolist()],
                        dtype=np.int8)
    inp["override_direction"] = np.where(has, dirs, -1).astype(np.int8)
    inp["override_reason"], inp["reasons"] = np.full(n, -1, np.int32), []
    if reason is not None:
        codes, uniques = _factorize(_text(reason))
        inp["override_reason"] = np.where(has & (dirs > 0), codes, -1).astype(np.int32)
        inp["reasons"] = [str(u) for u in uniques]
    level = column("level")
    inp["level"], inp["levels"] = np.full(n, -1, np.int32), []
    if level is not None:
        codes, uniques = _factorize(_text(level))
        inp["level"] = codes.astype(np.int32)
        inp["levels"] = [str(u) for u in uniques]


class Figures:
    """Front-door figures as councils report them: contacts, outcome-category shares,
    contact->referral conversion, s47 share, re-referral rate, repeat contacts and decisions within
    deadline, overall (`overall`, or `figures["conversion"]`), `by_source` and `by_month`."""

    def __init__(self, data: dict[str, Any], text: str) -> None:
        self.data = data
        self.text = text

    @property
    def overall(self) -> dict[str, Any]:
        return dict(self.data["figures"])

    def __getitem__(self, key: str) -> Any:
        return self.data["figures"][key]

    @staticmethod
    def _table(rows: list[dict[str, Any]], key: str) -> Any:
        pd = _pd()
        flat = []
        for r in rows:
            x = {key: r["key"]}
            for k, v in r.items():
                if k == "key":
                    continue
                if isinstance(v, dict):
                    for sub, sv in v.items():
                        x[f"{sub}_share" if k == "category_share" else sub] = sv
                else:
                    x[k] = v
            flat.append(x)
        return pd.DataFrame(flat).set_index(key) if flat else pd.DataFrame()

    @property
    def by_source(self) -> Any:
        return self._table(self.data["by_source"], "source")

    @property
    def by_month(self) -> Any:
        return self._table(self.data["by_month"], "month")

    @property
    def overrides(self) -> Optional[dict[str, Any]]:
        """SPEC 7.8, when the contacts carry `recorded_outcome`: overrides as a share of the decided
        contacts with a recorded outcome (`all`), by direction, `by_reason`, `unexplained`, and the
        `by_level`, `by_source` and `by_month` lists; None otherwise."""
        o = self.data.get("overrides")
        return None if o is None else json.loads(json.dumps(o))

    def overrides_by(self, what: str) -> Any:
        """The override figures by "level", "source" or "month" as a frame (empty without them)."""
        if what not in ("level", "source", "month"):
            raise ValueError("overrides_by takes 'level', 'source' or 'month'")
        o = self.data.get("overrides")
        return self._table(o[f"by_{what}"] if o else [], what)

    @property
    def outcomes(self) -> Any:
        return _pd().Series(self.data["outcomes"], dtype="int64", name="contacts")

    @property
    def flags(self) -> Any:
        return _pd().Series(self.data["flags"], dtype="int64", name="contacts")

    def to_dict(self) -> dict[str, Any]:
        """The figures as `frontdoor stats --format json` gives them."""
        return json.loads(json.dumps(self.data))

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        f = self.data["figures"]

        def pct(v: Any) -> str:
            return "-" if v is None else f"{100 * v:.1f}%"

        rows = [("contacts", f"{f['contacts']:,}" + (f" ({f['rejected']:,} rejected)" if f["rejected"] else ""))]
        for k, v in f["category_share"].items():
            if f["categories"][k]:
                rows.append((f"&nbsp;&nbsp;{k}", f"{pct(v)} ({f['categories'][k]:,})"))
        rows += [
            ("contact &rarr; referral", f"{pct(f['conversion'])} ({f['referrals']:,} referrals)"),
            ("s47 share", f"{pct(f['s47_share'])} of contacts, {pct(f['s47_share_of_referrals'])} of referrals"),
            ("re-referral rate", pct(f["re_referral_rate"])),
            ("repeat contacts", pct(f["repeat_contact_share"])),
            ("decided within deadline", pct(f["within_deadline_share"]) if f["timed"] else "- (no <code>decided</code> times)"),
        ]
        head = "".join(f"<tr><th style='text-align:left'>{k}</th><td style='text-align:right'>{v}</td></tr>" for k, v in rows)
        return f"<div><b>Front-door figures</b><table>{head}</table>{self.by_source._repr_html_() if self.data['by_source'] else ''}</div>"


def stats(decisions: Any, contacts: Any = None, *, timezone: Optional[str] = None, repeat_flag: str = "repeat_contact",
          re_referral_months: int = 12) -> Figures:
    """The front-door figures of a decisions frame (Document.decide_many's, or `frontdoor decide`'s
    JSON Lines read into a frame together with `contacts`). Months are counted in the document's
    time zone (from the frame's attrs) unless `timezone` says otherwise."""
    inp, attrs = figure_input(decisions, contacts, timezone)
    raw, text = _core.figures(inp, repeat_flag, int(re_referral_months))
    data = json.loads(raw)
    if attrs:
        data = {"document": {k: attrs[k] for k in ("document", "version", "sha256", "path") if k in attrs}, **data}
    return Figures(data, text)


# --- what-if -------------------------------------------------------------------------------------------


def _ids_of(raw: Mapping[str, Any], frame: Any) -> list[str]:
    values = _columns.contact_values(raw, frame, len(frame))
    if hasattr(values, "to_pylist"):
        return [v or "" for v in values.to_pylist()]
    return ["" if v is None else str(v) for v in (values.tolist() if hasattr(values, "tolist") else list(values))]


class Diff:
    """How outcomes move between two documents over the same contacts: `transitions` (outcome under
    A by outcome under B), `moves` (each change with what caused it and example contacts),
    `changes` (one row per contact whose outcome changes) and `summary` (categories under A and B)."""

    def __init__(self, data: dict[str, Any], text: str, changes: Any) -> None:
        self.data = data
        self.text = text
        self.changes = changes

    @property
    def transitions(self) -> Any:
        t = self.data["transitions"]
        pd = _pd()
        df = pd.DataFrame(t["counts"], index=pd.Index(t["rows"], name="A"), columns=pd.Index(t["columns"], name="B"))
        return df.loc[df.sum(axis=1) > 0, df.sum(axis=0) > 0]

    @property
    def moves(self) -> Any:
        pd = _pd()
        rows = [{"from": m["from"], "to": m["to"], "contacts": m["count"], "from_category": m["from_category"],
                 "to_category": m["to_category"], "causes": [(c["cause"], c["count"]) for c in m["causes"]],
                 "entries": [e["id"] for e in m["entries"]], "examples": list(m["examples"])} for m in self.data["moves"]]
        return pd.DataFrame(rows, columns=["from", "to", "contacts", "from_category", "to_category", "causes", "entries", "examples"])

    @property
    def summary(self) -> Any:
        pd = _pd()
        cats = self.data["categories"]
        rows = {k: {"A": v[0], "B": v[1], "change": v[1] - v[0]} for k, v in cats.items() if v[0] or v[1]}
        r = self.data["referrals"]
        rows["referrals"] = {"A": r[0], "B": r[1], "change": r[1] - r[0]}
        return pd.DataFrame.from_dict(rows, orient="index")

    @property
    def changed(self) -> int:
        return int(self.data["changed"])

    def to_dict(self) -> dict[str, Any]:
        """As `frontdoor diff --format json` gives it."""
        return json.loads(json.dumps(self.data))

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        e = html.escape
        d = self.data
        def causes(m: Mapping[str, Any]) -> str:
            return "<br>".join(f"{e(c['cause'])} ({c['count']:,})" for c in m["causes"])

        moves = "".join(
            f"<tr><td><code>{e(m['from'])}</code> &rarr; <code>{e(m['to'])}</code></td><td style='text-align:right'>{m['count']:,}</td>"
            f"<td style='text-align:left'>{causes(m)}</td><td style='text-align:left'>{e(', '.join(m['examples']))}</td></tr>"
            for m in d["moves"]
        )
        return (f"<div><b>What-if</b>: {e(d['documents']['a']['id'])} (A) &rarr; {e(d['documents']['b']['id'])} (B) over "
                f"{d['contacts']:,} contacts; {d['changed']:,} change outcome"
                f"{self.summary._repr_html_()}<b>Transitions</b>{self.transitions._repr_html_()}"
                f"<b>Moves</b><table><tr><th>move</th><th>contacts</th><th>what differed</th><th>for example</th></tr>{moves}</table></div>")


def _side(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {"outcome": raw["outcome"], "level": raw["level"], "routing": raw["routing"], "combo": raw["combo"], "combo_rules": raw["combo_rules"]}


class DocumentDiff:
    """Where two documents decide differently over every possible contact, proved (SPEC section 9),
    as `frontdoor diff A B` gives it: `regions` (each with what changes, the condition in words, how
    each document decided its smallest example, and the example), `notes` (what only one document
    has), `complete` (True: no other contact is decided differently, proven)."""

    def __init__(self, data: dict[str, Any], text: str) -> None:
        self.data = data
        self.text = text

    @property
    def regions(self) -> list[dict[str, Any]]:
        return self.data["regions"]

    @property
    def notes(self) -> list[str]:
        return self.data["notes"]

    @property
    def complete(self) -> bool:
        return bool(self.data["complete"])

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"<DocumentDiff: {len(self.regions)} regions, {'complete' if self.complete else 'incomplete'}>"

    def _repr_html_(self) -> str:
        e = html.escape

        def side(s: Mapping[str, Any]) -> str:
            by = f"routing <code>{e(s['routing'])}</code>" if s["routing"] else f"level <code>{e(s['level'])}</code>'s route"
            return f"<code>{e(s['outcome'])}</code> ({by})"

        rows = "".join(
            f"<tr><td>{i}</td><td>{e(r['aspect'])}</td><td style='text-align:left'>{e(r['condition'])}</td>"
            f"<td style='text-align:left'>{side(r['a'])}</td><td style='text-align:left'>{side(r['b'])}</td>"
            f"<td style='text-align:left'><code>{e(json.dumps(r['example_a']))}</code></td></tr>"
            for i, r in enumerate(self.regions, 1)
        )
        notes = "".join(f"<li>{e(n)}</li>" for n in self.notes)
        end = "no other contact is decided differently (proven)" if self.complete else "incomplete: other contacts may be decided differently"
        return (f"<div><b>Symbolic diff</b>: {len(self.regions)} regions{'<ul>' + notes + '</ul>' if notes else ''}"
                f"<table><tr><th>#</th><th>what</th><th>where</th><th>A</th><th>B</th><th>for example</th></tr>{rows}</table>"
                f"<p>{e(end)}</p></div>")


def diff(doc_a: Document, doc_b: Document, frame: Any = None, *, examples: int = 5, causes: int = 5, threads: Optional[int] = None,
         progress: Progress = None, ignore: Iterable[str] = (), timeout_ms: int = 10000) -> Union[Diff, DocumentDiff]:
    """What-if: decide the same contacts under two documents and say how the outcomes move, why,
    and for which contacts. (Each batch has its own history: a changed early decision changes later
    re-referral counts, as it would in practice.) Without a frame: where the documents decide
    differently over every possible contact, proved within `timeout_ms` (a DocumentDiff)."""
    if not isinstance(doc_a, Document) or not isinstance(doc_b, Document):
        raise TypeError("diff takes two Documents (fd.load) and, for a what-if, a frame of contacts")
    if frame is None:
        text_json, text = _core.symbolic_diff(doc_a._handle, doc_b._handle, int(timeout_ms))
        if not text_json:
            raise FrontdoorError("this build of frontdoor has no analysis (Z3): the symbolic diff needs it")
        data = json.loads(text_json)
        if "error" in data:
            raise ValueError("the documents cannot be compared: " + data["error"])
        return DocumentDiff(data, text)
    raw_a, f = doc_a._decide_raw(frame, threads=threads, progress=progress, ignore=ignore)
    raw_b, _ = doc_b._decide_raw(f, threads=threads, progress=progress, ignore=ignore)
    ids = _ids_of(raw_a, f)
    text_json, text = _core.diff(doc_a._handle, _side(raw_a), doc_b._handle, _side(raw_b), ids, int(examples), int(causes))
    data = json.loads(text_json)
    pd = _pd()

    def names(codes: np.ndarray, table: list[str], missing: str) -> np.ndarray:
        t = np.array(list(table) + [missing], dtype=object)
        return t[np.where(codes >= 0, codes, len(table))]

    out_a = names(raw_a["outcome"], doc_a._ids["outcome_ids"], "(rejected)")
    out_b = names(raw_b["outcome"], doc_b._ids["outcome_ids"], "(rejected)")
    moved = np.nonzero(out_a != out_b)[0]
    rules_a = _columns.table_of([c[2] for c in raw_a["combos"]])[raw_a["combo"]]
    rules_b = _columns.table_of([c[2] for c in raw_b["combos"]])[raw_b["combo"]]
    changes = pd.DataFrame({
        "contact": np.array(ids, dtype=object)[moved],
        "outcome_a": out_a[moved], "outcome_b": out_b[moved],
        "level_a": names(raw_a["level"], doc_a._ids["level_ids"], "")[moved],
        "level_b": names(raw_b["level"], doc_b._ids["level_ids"], "")[moved],
        "routing_a": names(raw_a["routing"], doc_a._ids["routing_ids"], "")[moved],
        "routing_b": names(raw_b["routing"], doc_b._ids["routing_ids"], "")[moved],
        "rules_a": rules_a[moved], "rules_b": rules_b[moved],
    }, index=f.index[moved] if _columns.is_pandas(f) else moved)
    return Diff(data, text, changes)


# --- consistency audit -------------------------------------------------------------------------------


class Audit:
    """Agreement between the outcome the front door recorded and the document's: `agreement`,
    `confusion` (recorded category by the document's category) and `disagreeing` (the contacts that
    differ, with the engine's reasons)."""

    def __init__(self, data: dict[str, Any], text: str, disagreeing: Any) -> None:
        self.data = data
        self.text = text
        self.disagreeing = disagreeing

    @property
    def agreement(self) -> Optional[float]:
        return self.data["agreement"]

    @property
    def category_agreement(self) -> Optional[float]:
        return self.data["category_agreement"]

    @property
    def confusion(self) -> Any:
        pd = _pd()
        c = self.data["confusion"]
        df = pd.DataFrame(c["recorded_by_engine"], index=pd.Index(c["categories"], name="recorded"),
                          columns=pd.Index(c["categories"], name="document"))
        return df.loc[df.sum(axis=1) > 0, df.sum(axis=0) > 0]

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(self.data))

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        d = self.data
        pct = "-" if d["agreement"] is None else f"{100 * d['agreement']:.1f}%"
        return (f"<div><b>Consistency audit</b>: {d['compared']:,} contacts compared, agreement {pct}; "
                f"{d['disagreeing']:,} disagree{self.confusion._repr_html_()}"
                f"<b>Disagreeing (first 20)</b>{self.disagreeing.head(20)._repr_html_()}</div>")


def audit(doc: Document, frame: Any, *, recorded: str = "recorded_outcome", examples: int = 20, threads: Optional[int] = None,
          progress: Progress = None) -> Audit:
    """The consistency audit: decide contacts that carry the outcome the front door actually
    recorded (column `recorded`: an outcome id of the document, or an outcome category) and
    compare."""
    if not isinstance(doc, Document):
        raise TypeError("audit takes a Document (fd.load) and a frame of contacts")
    # Another column than recorded_outcome may hold a council's own words for what it recorded: the
    # engine leaves it alone (recorded_outcome itself must name an outcome of the document).
    ignore = [recorded] if recorded != "recorded_outcome" else []
    raw, f = doc._decide_raw(frame, reasons=True, threads=threads, progress=progress, ignore=ignore)
    pf = _as_pandas(f)
    if recorded not in pf.columns:
        raise ValueError(f"the contacts have no `{recorded}` column (the outcome the front door recorded)")
    codes, values = _factorize(_text(pf[recorded].reset_index(drop=True)))
    outcomes = [(o["id"], o["category"], o["referral"]) for o in doc._info["outcomes"]]
    inp = {"outcomes": outcomes, "sources": [], "flags": [], "flag_sets": [], "outcome": raw["outcome"].astype(np.int32),
           "child": None, "source": None, "received": None, "month": None, "deadline": None, "decided": None, "flag_set": None}
    ids = _ids_of(raw, f)
    text_json, text, rows = _core.audit(doc._handle, inp, codes.astype(np.int32), [str(v) for v in values], ids, int(examples))
    pd = _pd()
    ids_arr = np.array(ids, dtype=object)
    outcome_ids = np.array(doc._ids["outcome_ids"] + [None], dtype=object)
    level_ids = np.array(doc._ids["level_ids"] + [None], dtype=object)
    routing_ids = np.array(doc._ids["routing_ids"] + [None], dtype=object)
    reason_table = _columns.table_of([tuple(Reason(*r) for r in rs) for rs in raw["reasons"]])
    rules = _columns.table_of([c[2] for c in raw["combos"]])
    recorded_values = pf[recorded].to_numpy(dtype=object)
    disagreeing = pd.DataFrame({
        "contact": ids_arr[rows],
        "recorded": recorded_values[rows],
        "outcome": outcome_ids[raw["outcome"][rows]],
        "category": np.array(CATEGORIES + [None], dtype=object)[raw["category"][rows]],
        "level": level_ids[raw["level"][rows]],
        "rules": rules[raw["combo"][rows]],
        "routing": routing_ids[raw["routing"][rows]],
        "reasons": reason_table[raw["reason"][rows]],
    }, index=pf.index[rows])
    return Audit(json.loads(text_json), text, disagreeing)
