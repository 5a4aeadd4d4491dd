"""Document: a compiled threshold document; load, loads and check."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from . import _columns, _convert
from . import _frontdoor as _core
from ._decision import Decision
from ._errors import DocumentError, Finding, _finding

PathLike = Union[str, "os.PathLike[str]"]


Progress = Union[None, bool, Callable[[int], Any]]

# Progress bars (tqdm) for frames at least this long, unless asked for or against.
AUTO_PROGRESS_ROWS = 250_000


def _contact_items(contact: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    if not isinstance(contact, Mapping):
        raise TypeError(f"a contact must be a mapping of field names to values, not {type(contact).__name__}")
    names: list[str] = []
    values: list[Any] = []
    for k, v in contact.items():
        if not isinstance(k, str):
            raise TypeError(f"contact field names must be text, not {type(k).__name__} ({k!r})")
        if k == "history" and v is not None and not isinstance(v, str):
            if not isinstance(v, (list, tuple)):
                raise TypeError(f"a contact's history must be a list of earlier contacts, not {type(v).__name__}")
            v = _history_json(v)
        names.append(k)
        values.append(v)
    return names, values


def _history_json(history: Any) -> Optional[str]:
    if history is None:
        return None
    if isinstance(history, str):
        return history
    if not isinstance(history, (list, tuple)):
        raise TypeError(f"history must be a list of earlier contacts (mappings), not {type(history).__name__}")
    try:
        return json.dumps([dict(h) if isinstance(h, Mapping) else h for h in history], default=_convert.json_default)
    except (TypeError, ValueError) as e:
        raise TypeError(f"history: {e}") from None


class Document:
    """A threshold document, compiled once; share it freely (it is immutable and thread-safe)."""

    def __init__(self, handle: Any, findings: Sequence[Finding] = ()) -> None:
        self._handle = handle
        self._info: dict[str, Any] = handle.info()
        self.findings: list[Finding] = list(findings)
        self._ids = {
            "level_ids": [lv["id"] for lv in self._info["levels"]],
            "outcome_ids": [o["id"] for o in self._info["outcomes"]],
            "routing_ids": [r["id"] for r in self._info["routing"]],
            "reason_ids": [r["id"] for r in self._info["override_reasons"]],
        }

    # --- what the document says -------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self._handle.id

    @property
    def override_reasons(self) -> dict[str, str]:
        """SPEC 7.8: the codes a worker may give for recording another outcome, with their words."""
        return {r["id"]: r["text"] for r in self._info["override_reasons"]}

    @property
    def title(self) -> str:
        return self._handle.title

    @property
    def version(self) -> str:
        return self._handle.version

    @property
    def sha256(self) -> str:
        return self._handle.sha256

    @property
    def path(self) -> str:
        return self._handle.path

    @property
    def timezone(self) -> str:
        return self._handle.timezone

    @property
    def levels(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self._info["levels"]]

    @property
    def outcomes(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self._info["outcomes"]]

    @property
    def concerns(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self._info["concerns"]]

    @property
    def fields(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self._info["fields"]]

    @property
    def rules(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self._info["rules"]]

    @property
    def routing(self) -> list[dict[str, Any]]:
        return [dict(x) for x in self._info["routing"]]

    @property
    def actions(self) -> dict[str, str]:
        return dict(self._info["actions"])

    @property
    def flags(self) -> list[str]:
        return list(self._info["flags"])

    def _attrs(self) -> dict[str, str]:
        return {"document": self.id, "version": self.version, "sha256": self.sha256, "path": self.path, "timezone": self.timezone}

    # --- deciding ---------------------------------------------------------------------------------
    def decide(self, contact: Mapping[str, Any], history: Optional[Sequence[Mapping[str, Any]]] = None) -> Decision:
        """Decide one contact. `history` is the child's earlier contacts (each with `received`,
        `concerns` and, where known, `outcome` or `referral`), unless the contact has its own.

        A contact the document cannot decide (an unknown concern, a value of the wrong type, ...)
        gives a Decision with `error` set; only a contact that is not a mapping raises TypeError."""
        names, values = _contact_items(contact)
        return Decision(self._handle.decide(names, values, _history_json(history), _convert.normalize, _convert.BAD), self)

    def explain(self, contact: Mapping[str, Any], history: Optional[Sequence[Mapping[str, Any]]] = None) -> Decision:
        """Decide one contact and keep the trace: every rule and routing entry, what its `when`
        came to and the values it read (`Decision.trace`)."""
        names, values = _contact_items(contact)
        return Decision(self._handle.explain(names, values, _history_json(history), _convert.normalize, _convert.BAD), self)

    def _decide_raw(self, frame: Any, *, reasons: bool = False, progress: Progress = None, threads: Optional[int] = None,
                    ignore: Iterable[str] = (), objects: bool = False, history: str = "decided") -> tuple[dict[str, Any], Any]:
        """The batch's raw columns; `objects`: also the pandas frame's object columns (actions, flags,
        rules, error), made by the module in one pass."""
        if not (_columns.is_pandas(frame) or _columns.is_arrow(frame)):
            if isinstance(frame, (list, tuple)):
                frame = _columns.from_records(frame)
            else:
                raise TypeError(f"decide_many takes a pandas DataFrame, a pyarrow Table or a list of contacts, not {type(frame).__name__}")
        if _columns.is_arrow(frame) and not hasattr(frame, "column"):
            import pyarrow as pa

            frame = pa.Table.from_batches([frame])
        specs, n = _columns.column_specs(frame, ignore)
        if threads is not None and (not isinstance(threads, int) or isinstance(threads, bool) or threads < 0):
            raise ValueError("threads must be a whole number (0 for one per core)")
        if history not in ("decided", "recorded"):
            raise ValueError("history must be 'decided' (this run's decisions) or 'recorded' (each row's recorded_outcome)")
        callback, close = _progress(progress, n)
        try:
            raw = self._handle.decide_columns(specs, n, threads or 0, reasons, callback, _convert.normalize, _convert.BAD, objects,
                                              history == "recorded")
        finally:
            close()
        return raw, frame

    def decide_many(self, frame: Any, *, reasons: bool = False, progress: Progress = None, threads: Optional[int] = None,
                    ignore: Iterable[str] = (), history: str = "decided") -> Any:
        """Decide every row of a pandas DataFrame or a pyarrow Table (a list of contact dicts gives a
        DataFrame). Returns the same kind of frame, one row per input row in input order (a
        DataFrame keeps its index): the decision columns of `frontdoor decide` (contact, level,
        outcome, category, referral, actions, deadline, flags, rules, routing, error), then the
        input's `child`, `received` (as the engine read it), `source`, and `decided` and
        `recorded_outcome` when given, so that `fd.stats` and `fd.audit` can work from it.

        History follows SPEC 2.2: each row's history is the earlier rows of the same child (by
        `received`, ties by input order) with the outcomes decided here, unless the row has its own
        `history`. Missing values (NaN, None, NA, NaT) are unknown, not errors. A row the document
        cannot decide gets an `error` and null decision columns; no row is dropped.

        `concerns` may be a dict per row, JSON text, or "concern=level;concern=level".
        `reasons=True` adds a `reasons` column. `progress`: True for a tqdm progress bar, False for
        none, a callable to be given the number of rows decided so far; by default a bar is shown
        for long frames when tqdm is installed. `threads`: how many (default: one per core).
        `ignore`: input columns to leave out (any column the document does not declare rejects
        every row, as it does on the command line).

        SPEC 7.8: rows may carry `recorded_outcome` and `override_reason`; the output then has
        `override_outcome`, `override_direction` and `override_reason` (null where the recorded
        outcome agrees with the decision, or none was recorded). `history="recorded"` counts each
        earlier row with its recorded outcome where it has one (what really happened) instead of
        the outcome decided here (the default, a faithful what-if)."""
        as_pandas = _columns.is_pandas(frame) or isinstance(frame, (list, tuple))
        raw, frame = self._decide_raw(frame, reasons=reasons, progress=progress, threads=threads, ignore=ignore, objects=as_pandas,
                                      history=history)
        info = dict(self._ids, attrs=self._attrs())
        if _columns.is_pandas(frame):
            return _columns.to_pandas(raw, frame, info, reasons)
        return _columns.to_arrow(raw, frame, info, reasons)

    # --- display ----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<frontdoor.Document {self.id} {self.version} ({self.path}): {self._handle.summary()}>"

    def _repr_html_(self) -> str:
        e = html.escape
        i = self._info
        levels = "".join(f"<tr><td><code>{e(lv['id'])}</code></td><td>{e(lv['name'])}</td><td><code>{e(lv['route'])}</code></td></tr>"
                         for lv in i["levels"])
        return (f"<div><b>{e(self.title or self.id)}</b> ({e(self.id)} {e(self.version)}, <code>{e(self.path)}</code>)<br>"
                f"{len(i['concerns'])} concerns, {len(i['rules'])} rules, {len(i['routing'])} routing entries, "
                f"{i['tests']} worked examples; time zone {e(self.timezone)}"
                f"<table><tr><th>level</th><th>name</th><th>route</th></tr>{levels}</table></div>")


def _progress(progress: Progress, rows: int) -> tuple[Optional[Callable[[int], Any]], Callable[[], None]]:
    if progress is False or (progress is None and rows < AUTO_PROGRESS_ROWS):
        return None, lambda: None
    if callable(progress) and progress is not True:
        return progress, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if progress is True:
            raise ImportError("progress=True needs tqdm (pip install tqdm)") from None
        return None, lambda: None
    bar = tqdm(total=rows, unit="contacts", desc="deciding")
    state = {"shown": 0}

    def update(done: int) -> None:
        done = min(done, rows)
        if done > state["shown"]:
            bar.update(done - state["shown"])
            state["shown"] = done

    return update, bar.close


def _compiled(result: tuple) -> Document:
    handle, diagnostics, error = result
    if error is not None:
        raise OSError(error)
    findings = [_finding(d) for d in diagnostics]
    if handle is None:
        raise DocumentError(findings)
    return Document(handle, findings)


def load(path: PathLike) -> Document:
    """Load and compile a threshold document. Raises DocumentError (a ValueError) listing the
    findings when it has errors, FileNotFoundError or OSError when it cannot be read."""
    p = os.fspath(path)
    if not os.path.exists(p):
        raise FileNotFoundError(2, "No such file or directory", p)
    return _compiled(_core.compile_file(p))


def loads(text: str, path: str = "<string>") -> Document:
    """Compile a threshold document from its YAML text (`path` is used in positions only)."""
    if not isinstance(text, str):
        raise TypeError(f"loads takes the document's text, not {type(text).__name__}")
    return _compiled(_core.compile_text(text, path))


def check(path: PathLike, *, strict: bool = False, timeout_ms: Optional[int] = None,
          budget_ms: Optional[int] = None) -> list[Finding]:
    """`frontdoor check` for one document: every finding (load and type errors, failing worked
    examples and, when the engine was built with its analysis, the proofs of SPEC section 5), from
    the same library call the command line makes. `strict`: warnings count as errors (their
    severity becomes "error"), as `frontdoor check --strict`. `timeout_ms`: a wall-clock bound on
    all the proofs together (default: the command line's, 10,000); `budget_ms` is an older name for
    it, and the smaller of the two applies. A proof not finished in time is an FD315 warning,
    never a hang."""
    p = os.fspath(path)
    if not os.path.exists(p):
        raise FileNotFoundError(2, "No such file or directory", p)
    for name, value, least in (("timeout_ms", timeout_ms, 0), ("budget_ms", budget_ms, 0)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not least <= value < 2**32):
            raise ValueError(f"{name} must be a whole number of milliseconds, at least {least}")
    diagnostics, error = _core.check_file(p, bool(strict), timeout_ms, budget_ms)
    if error is not None:
        raise OSError(error)
    return [_finding(d) for d in diagnostics]


def read_contacts(path: PathLike) -> Any:
    """Read a contacts file (.csv, .jsonl or .parquet) into a DataFrame the way the command line
    reads it: CSV cells as text (an empty cell is missing), JSON values as they are."""
    import pandas as pd

    p = os.fspath(path)
    if p.endswith(".csv"):
        return pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])
    if p.endswith(".parquet"):
        return pd.read_parquet(p)
    with open(p, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return _columns.from_records(rows)
