"""Errors and findings."""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple, Sequence, Tuple


class Finding(NamedTuple):
    """A problem `check` (or `load`) found in a threshold document.

    `contacts` holds the concrete contacts that demonstrate a finding about contacts (for example the
    two contacts of a non-monotonic pair), as dicts `Document.decide` accepts.
    """

    path: str
    line: int
    col: int
    severity: str  # "error" | "warning" | "note"
    code: str  # e.g. "FD206"; see docs/diagnostics.md
    message: str
    contacts: Tuple[Mapping[str, Any], ...] = ()

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


class FrontdoorError(Exception):
    """Base class of the errors frontdoor raises."""


class DocumentError(FrontdoorError, ValueError):
    """A threshold document has errors; `findings` lists every one of them (errors and warnings)."""

    def __init__(self, findings: Sequence[Finding], message: str | None = None) -> None:
        self.findings = list(findings)
        errors = [f for f in self.findings if f.severity == "error"]
        if message is None:
            shown = "\n".join(str(f) for f in errors[:5])
            more = f"\n... and {len(errors) - 5} more" if len(errors) > 5 else ""
            message = f"the document has {len(errors)} error{'s' if len(errors) != 1 else ''}:\n{shown}{more}"
        super().__init__(message)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def _finding(d: Mapping[str, Any]) -> Finding:
    import json

    contacts: list[Any] = []
    for c in d.get("counterexamples") or ():  # contact objects (older modules gave JSON texts)
        try:
            contacts.append(json.loads(c))
        except (TypeError, ValueError):
            contacts.append(c)
    return Finding(d["path"], int(d["line"]), int(d["col"]), d["severity"], d["code"], d["message"], tuple(contacts))
