#!/usr/bin/env python3
"""summarise.py: front-door figures from `frontdoor decide` output (decisions as JSON Lines).

    frontdoor decide rules/exampleshire.yaml examples/contacts-2026.jsonl > /tmp/decisions.jsonl
    python3 examples/summarise.py /tmp/decisions.jsonl
    frontdoor decide rules/exampleshire.yaml examples/contacts-2026.jsonl | python3 examples/summarise.py
    python3 examples/summarise.py --json /tmp/decisions.jsonl       # the same figures as one JSON object
    python3 examples/summarise.py --contacts examples/contacts-2026.jsonl /tmp/decisions.jsonl
                                                                     # ... and by source and by month

Figures (shares are of the decided rows, i.e. rows without an `error`):
  rows, rejected rows, share by outcome category, contact->referral conversion (decisions with
  `referral: true`), s47 share (category s47), share of decided rows flagged `repeat_contact` and
  `re_referral`, and the re-referral rate (re_referral-flagged referrals / referrals). With
  --contacts also the re-referral rate counted from outcomes (a referral with an earlier referral of
  the same child in the 12 months before it), and the figures by source and by month.

Standard library only. `summarise(decisions)` returns the figures as a dict for tests.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import sys
from collections import Counter

CATEGORY_ORDER = ["nfa", "early_help", "assessment", "s47", "open_case", "other"]


def read_jsonl(path: str) -> list[dict]:
    f = sys.stdin if path == "-" else open(path, encoding="utf-8")
    try:
        return [json.loads(line) for line in f if line.strip()]
    finally:
        if f is not sys.stdin:
            f.close()


def summarise(decisions: list[dict]) -> dict:
    """The front-door figures of a list of decisions (dicts as `frontdoor decide` writes them)."""
    rows = len(decisions)
    ok = [d for d in decisions if not d.get("error")]
    n = len(ok)
    share = lambda k: (k / n) if n else 0.0
    cats = Counter(d.get("category") for d in ok)
    outcomes = Counter(d.get("outcome") for d in ok)
    referrals = [d for d in ok if d.get("referral")]
    flags = Counter(f for d in ok for f in (d.get("flags") or []))
    rules = Counter(r for d in ok for r in (d.get("rules") or []))
    routing = Counter(d.get("routing") for d in ok if d.get("routing"))
    re_ref = sum(1 for d in referrals if "re_referral" in (d.get("flags") or []))
    order = [c for c in CATEGORY_ORDER if c in cats] + sorted(c for c in cats if c not in CATEGORY_ORDER)
    return {
        "rows": rows,
        "decided": n,
        "rejected": rows - n,
        "errors": dict(Counter(_error_kind(d["error"]) for d in decisions if d.get("error"))),
        "category_share": {c: share(cats[c]) for c in order},
        "category_count": {c: cats[c] for c in order},
        "outcome_count": dict(sorted(outcomes.items())),
        "referrals": len(referrals),
        "conversion": share(len(referrals)),
        "s47_share": share(cats.get("s47", 0)),
        "repeat_contact_share": share(flags.get("repeat_contact", 0)),
        "re_referral_share": share(flags.get("re_referral", 0)),
        "re_referral_rate": (re_ref / len(referrals)) if referrals else 0.0,
        "flag_count": dict(sorted(flags.items())),
        "rule_count": dict(sorted(rules.items())),
        "routing_count": dict(sorted(routing.items())),
    }


def _error_kind(e: str) -> str:
    """A short kind for an error message: the part before the first colon (the field at fault)."""
    head = e.split(":", 1)[0]
    if head.startswith("concerns."):
        return "concerns.<id> (level)"
    return head


def by_key(decisions: list[dict], contacts: list[dict], key) -> dict:
    """Contacts, conversion and s47 share per group of the contacts (same order as decisions)."""
    groups: dict = {}
    for d, c in zip(decisions, contacts):
        if d.get("error"):
            continue
        g = groups.setdefault(key(c), [0, 0, 0])
        g[0] += 1
        g[1] += bool(d.get("referral"))
        g[2] += d.get("category") == "s47"
    return groups


def _instant(ts):
    """A UTC instant from an ISO 8601 timestamp with an offset, or None."""
    try:
        t = dt.datetime.fromisoformat(str(ts).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(dt.timezone.utc) if t.tzinfo else None


def _minus_months(t: dt.datetime, n: int) -> dt.datetime:
    y, m = divmod(t.year * 12 + (t.month - 1) - n, 12)
    day = min(t.day, calendar.monthrange(y, m + 1)[1])
    return t.replace(year=y, month=m + 1, day=day)


def re_referrals_from_outcomes(decisions: list[dict], contacts: list[dict]) -> int:
    """Referrals with an earlier referral of the same child in the 12 months before (DfE's
    definition, counted from outcomes rather than from the document's re_referral flag)."""
    earlier: dict = {}
    n = 0
    rows = [(t, i) for i, c in enumerate(contacts) if (t := _instant(c.get("received"))) is not None]
    for t, i in sorted(rows):
        d, child = decisions[i], contacts[i].get("child")
        if d.get("error") or not d.get("referral") or not child:
            continue
        since = _minus_months(t, 12)
        if any(since <= u < t for u in earlier.get(child, [])):
            n += 1
        earlier.setdefault(child, []).append(t)
    return n


def pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Front-door figures from frontdoor decide's JSON Lines output.")
    ap.add_argument("decisions", nargs="?", default="-", help="decisions .jsonl (default: stdin)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--contacts", help="the contacts .jsonl that was decided: adds figures by source and month")
    args = ap.parse_args(argv)
    decisions = read_jsonl(args.decisions)
    s = summarise(decisions)
    contacts = read_jsonl(args.contacts) if args.contacts else None
    if contacts is not None and len(contacts) != len(decisions):
        sys.exit(f"summarise.py: {len(contacts)} contacts but {len(decisions)} decisions")
    if contacts is not None:
        n = re_referrals_from_outcomes(decisions, contacts)
        s["re_referrals_from_outcomes"] = n
        s["re_referral_rate_from_outcomes"] = (n / s["referrals"]) if s["referrals"] else 0.0
    if args.json:
        if contacts is not None:
            s["by_source"] = by_key(decisions, contacts, lambda c: c.get("source") or "")
            s["by_month"] = by_key(decisions, contacts, lambda c: str(c.get("received", ""))[:7])
        print(json.dumps(s, indent=2, sort_keys=False))
        return 0
    print(f"rows                    {s['rows']:>7}")
    print(f"rejected rows           {s['rejected']:>7}" +
          (("   (" + ", ".join(f"{k}: {v}" for k, v in sorted(s['errors'].items())) + ")") if s['errors'] else ""))
    print(f"decided rows            {s['decided']:>7}")
    print("share by category (of decided rows)")
    for c, x in s["category_share"].items():
        print(f"  {c:<21} {s['category_count'][c]:>7}  {pct(x)}")
    print(f"referral conversion     {s['referrals']:>7}  {pct(s['conversion'])}")
    print(f"s47 share               {s['category_count'].get('s47', 0):>7}  {pct(s['s47_share'])}")
    print(f"flagged repeat_contact  {s['flag_count'].get('repeat_contact', 0):>7}  {pct(s['repeat_contact_share'])}")
    print(f"flagged re_referral     {s['flag_count'].get('re_referral', 0):>7}  {pct(s['re_referral_share'])}"
          f"   ({pct(s['re_referral_rate']).strip()} of referrals)")
    if contacts is not None:
        print(f"re-referrals (outcomes) {s['re_referrals_from_outcomes']:>7}  "
              f"{pct(s['re_referral_rate_from_outcomes'])} of referrals: an earlier referral of the child in 12 months")
        for title, key in (("source", lambda c: c.get("source") or "(none)"),
                           ("month", lambda c: str(c.get("received", ""))[:7])):
            groups = by_key(decisions, contacts, key)
            print(f"by {title}: contacts, share of contacts, conversion, s47 share, share of referrals")
            keys = sorted(groups, key=_source_order) if title == "source" else sorted(groups)
            for k in keys:
                n, r, s47 = groups[k]
                print(f"  {k:<10} {n:>7}  {pct(n / s['decided'])}  {pct(r / n)}  {pct(s47 / n)}  "
                      f"{pct(r / s['referrals'] if s['referrals'] else 0.0)}")
    return 0


def _source_order(code: str):
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 99, code)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        sys.exit(0)
