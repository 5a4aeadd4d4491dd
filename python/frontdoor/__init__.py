"""frontdoor: executable threshold documents for children's-services front doors, in Python.

    import frontdoor as fd
    doc = fd.load("rules/exampleshire.yaml")          # raises fd.DocumentError(findings) on errors
    d = doc.decide({"id": "C1", "received": "2026-05-04T10:00:00Z", "dob": "2026-01-01",
                    "concerns": {"unexplained_injury": "acute"}})
    d.level, d.outcome, d.actions, d.deadline, d.reasons, d.to_dict()
    out = doc.decide_many(df)        # pandas DataFrame or pyarrow Table in, same kind out
    fd.check("rules/exampleshire.yaml")                # -> list of Finding
    fd.stats(out)                    # front-door figures, overall, by source and by month
    fd.diff(doc, fd.load("rules/exampleshire-conversation-first.yaml"), df)   # what-if
    fd.audit(doc, df_with_recorded_outcome)            # are thresholds applied consistently?

The engine is the C++ library behind the `frontdoor` command line; decisions are the same,
byte for byte.
"""

from __future__ import annotations

from . import _frontdoor
from ._decision import Decision, Reason, TraceStep
from ._document import Document, check, load, loads, read_contacts
from ._errors import DocumentError, Finding, FrontdoorError
from ._figures import Audit, Diff, DocumentDiff, Figures, audit, diff, stats

__version__: str = _frontdoor.__version__

__all__ = [
    "Audit",
    "Decision",
    "Diff",
    "DocumentDiff",
    "Document",
    "DocumentError",
    "Figures",
    "Finding",
    "FrontdoorError",
    "Reason",
    "TraceStep",
    "audit",
    "check",
    "diff",
    "load",
    "loads",
    "read_contacts",
    "stats",
    "__version__",
]
