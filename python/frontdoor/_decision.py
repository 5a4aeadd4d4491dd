"""Decision: what the engine says about one contact."""

from __future__ import annotations

import copy
import datetime as _dt
import html
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

if TYPE_CHECKING:  # pragma: no cover
    from ._document import Document


class Reason(NamedTuple):
    """One reason for a decision: a concern descriptor, a rule, a routing entry, the level's own
    route, or a rule that could not be decided (`unknown`), with where the document says it."""

    kind: str  # concern | rule | routing | level | unknown
    id: str
    text: str
    at: str  # path:line:col in the document, as shown
    path: str = ""  # the document's path
    line: int = 0  # 1-based line in the document
    column: int = 0  # 1-based column
    source_line: str = ""  # the text of that line

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "text": self.text, "at": self.at}


class TraceStep(NamedTuple):
    """What one rule or routing entry's `when` came to, and the values it read (Document.explain)."""

    kind: str  # rule | routing
    id: str
    result: str  # true | false | unknown | overflow
    when: str
    at: str
    level_before: str
    values: dict


class Decision:
    """A decision, as the command line writes it (`to_dict()` is the same JSON object).

    Attributes: contact, level, outcome, category, referral, actions, deadline (ISO 8601, UTC),
    deadline_from (the outcome, rule or routing entry it comes from), flags, rules, routing,
    override (SPEC 7.8: a dict of the recorded outcome, its category, direction and reason when the
    contact's recorded_outcome differs from the decision, else None), reasons, error. A rejected contact has `error` set and the others None;
    `error_code` says why, typed ("unknown_concern", "bad_timestamp", ...), and `error_field` names
    the field at fault.
    """

    __slots__ = ("_decided", "_json", "_data", "_reasons", "_document", "_trace", "_rejection")

    def __init__(self, decided: Any, document: "Document") -> None:
        # `decided` is the module's DecidedContact: the fields come built, and the JSON text is
        # written only when asked for (to_json, hashing).
        self._decided = decided
        self._json: Optional[str] = None
        self._data: dict[str, Any] = decided.fields()
        self._rejection: Optional[tuple[str, str]] = decided.rejection()
        self._reasons = [Reason(*r) for r in decided.reasons()] if self._data["error"] is None else None
        self._document = document
        trace = decided.trace()
        self._trace = [TraceStep(**s) for s in trace] if trace is not None else None

    # --- the decision ---------------------------------------------------------------------------
    @property
    def contact(self) -> str:
        return self._data["contact"]

    @property
    def ok(self) -> bool:
        """True when the contact was decided (no error)."""
        return self._data["error"] is None

    @property
    def error(self) -> Optional[str]:
        return self._data["error"]

    @property
    def error_code(self) -> Optional[str]:
        """Why the contact was rejected, as a code (frontdoor's RejectionCode): None when decided."""
        return self._rejection[0] if self._rejection else None

    @property
    def error_field(self) -> Optional[str]:
        """The field the error names first ("" for a row that could not be read at all)."""
        return self._rejection[1] if self._rejection else None

    @property
    def level(self) -> Optional[str]:
        return self._data["level"]

    @property
    def outcome(self) -> Optional[str]:
        return self._data["outcome"]

    @property
    def category(self) -> Optional[str]:
        return self._data["category"]

    @property
    def referral(self) -> Optional[bool]:
        return self._data["referral"]

    @property
    def actions(self) -> Optional[list[str]]:
        v = self._data["actions"]
        return None if v is None else list(v)

    @property
    def deadline(self) -> Optional[str]:
        return self._data["deadline"]

    @property
    def deadline_from(self) -> Optional[str]:
        """The id of the outcome, rule or routing entry the deadline comes from (the earliest), or None."""
        return self._data["deadline_from"]

    @property
    def deadline_at(self) -> Optional[_dt.datetime]:
        """The deadline as a UTC datetime."""
        d = self._data["deadline"]
        return None if d is None else _dt.datetime.strptime(d, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.timezone.utc)

    @property
    def flags(self) -> Optional[list[str]]:
        v = self._data["flags"]
        return None if v is None else list(v)

    @property
    def rules(self) -> Optional[list[str]]:
        v = self._data["rules"]
        return None if v is None else list(v)

    @property
    def routing(self) -> Optional[str]:
        return self._data["routing"]

    @property
    def override(self) -> Optional[dict[str, Any]]:
        """SPEC 7.8: {"outcome", "category", "direction" (up | down | across), "reason" (or None)}
        when the contact's recorded_outcome differs from the decided one; None otherwise."""
        v = self._data["override"]
        return None if v is None else dict(v)

    @property
    def reasons(self) -> Optional[list[Reason]]:
        return None if self._reasons is None else list(self._reasons)

    @property
    def trace(self) -> Optional[list[TraceStep]]:
        """Every rule and routing entry evaluated, with the values it read (Document.explain only)."""
        return None if self._trace is None else list(self._trace)

    @property
    def document(self) -> dict[str, str]:
        return dict(self._data["document"])

    def to_dict(self) -> dict[str, Any]:
        """The decision as SPEC section 4 JSON: equal to what `frontdoor decide` writes."""
        return copy.deepcopy(self._data)

    def to_json(self) -> str:
        """The same JSON text, byte for byte, as `frontdoor decide` writes for this contact."""
        if self._json is None:
            self._json = self._decided.to_json()
        return self._json

    def __eq__(self, other: object) -> bool:
        # The JSON text is written from these fields and nothing else: equal fields, equal text.
        return isinstance(other, Decision) and self._data == other._data

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        if not self.ok:
            return f"Decision(contact={self.contact!r}, error={self.error!r})"
        parts = [f"contact={self.contact!r}", f"level={self.level!r}", f"outcome={self.outcome!r}", f"deadline={self.deadline!r}"]
        if self.rules:
            parts.append(f"rules={self.rules!r}")
        if self.routing:
            parts.append(f"routing={self.routing!r}")
        if self.flags:
            parts.append(f"flags={self.flags!r}")
        return "Decision(" + ", ".join(parts) + ")"

    def __str__(self) -> str:
        if not self.ok:
            return f"Contact {self.contact or '(no id)'}: rejected: {self.error}"
        lines = [
            f"Contact {self.contact or '(no id)'}: {self.outcome} ({self.category}{', a referral' if self.referral else ''}), level {self.level}",
            f"  deadline {self.deadline}",
            f"  actions: {', '.join(self.actions or [])}",
        ]
        if self.flags:
            lines.append(f"  flags: {', '.join(self.flags)}")
        lines.append("  why:")
        for r in self._reasons or []:
            lines.append(f"    [{r.kind}] {r.id}: {r.text}")
            lines.append(f"        {r.at} | {r.source_line}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        doc = self._data["document"]
        head = f"<b>Contact {e(self.contact or '(no id)')}</b> under {e(doc['id'])} {e(doc.get('version', ''))}"
        if not self.ok:
            return f"<div class='frontdoor-decision'>{head}<p style='color:#b00'><b>Rejected:</b> {e(self.error or '')}</p></div>"
        info = self._document._info if self._document is not None else {}
        level_names = {lv["id"]: lv["name"] for lv in info.get("levels", [])}
        outcome_names = {o["id"]: o["name"] for o in info.get("outcomes", [])}
        action_text = info.get("actions", {})
        rows = [
            ("Level", f"<b>{e(self.level or '')}</b> {e(level_names.get(self.level or '', ''))}"),
            ("Outcome", f"<b>{e(self.outcome or '')}</b> {e(outcome_names.get(self.outcome or '', ''))} "
                        f"<i>({e(self.category or '')}{', a referral' if self.referral else ', not a referral'})</i>"),
            ("Deadline", e(self.deadline or "")),
            ("Actions", "<br>".join(f"<code>{e(a)}</code> {e(action_text.get(a, ''))}" for a in self.actions or [])),
        ]
        if self.flags:
            rows.append(("Flags", ", ".join(f"<code>{e(f)}</code>" for f in self.flags)))
        table = "".join(f"<tr><th style='text-align:left;vertical-align:top'>{k}</th><td style='text-align:left'>{v}</td></tr>" for k, v in rows)
        reasons = "".join(
            f"<tr><td><code>{e(r.kind)}</code></td><td><code>{e(r.id)}</code></td><td style='text-align:left'>{e(r.text)}</td>"
            f"<td style='text-align:left'><code>{e(r.at)}</code><br><code style='color:#555'>{e(r.source_line)}</code></td></tr>"
            for r in self._reasons or []
        )
        return (
            f"<div class='frontdoor-decision'>{head}<table>{table}</table>"
            f"<b>Why</b><table><tr><th>kind</th><th>id</th><th>text</th><th>source</th></tr>{reasons}</table></div>"
        )
