#!/usr/bin/env python3
"""frontdoor_ref — an independent reference evaluator for frontdoor threshold documents.

Written from /work/shared/SPEC.md alone (sections 2, 2.1, 2.2, 2.3, 3 and 4), in plain Python
(stdlib + PyYAML), for differential testing against the C++ engine. Clarity over speed: this is the
oracle. The few devices for speed (a dispatch table in the evaluator, caches of parsed
timestamps, working periods and level values) are marked "speed only" and change no result.

    python3 tests/reference/frontdoor_ref.py decide DOC CONTACTS.jsonl   # one decision per line
    python3 tests/reference/frontdoor_ref.py test DOC                    # run the document's tests

Python:  doc = load(path); decide(doc, contact, history); decide_batch(doc, rows); run_tests(doc)

READINGS OF THE SPEC (every place where SPEC.md is silent or ambiguous, and the choice made here)
------------------------------------------------------------------------------------------------
Document
 R1.  YAML is read YAML-1.2 style: only true/false (any case) are booleans (yes/no/on/off stay
      strings, as they do in frontdoor's own reader, which keeps every scalar as text); ints are decimal (or
      0o/0x), so `010` is 10 and `1:30` is a string. Unquoted dates/timestamps
      are accepted as dates/datetimes. Scalars used as ids/enum values are stringified (`6` -> "6").
 R2.  Unknown keys are ValueErrors at top level (as SPEC says) and also inside levels, outcomes,
      fields, concerns, history counters, rules, routing entries, calendar and tests.
 R3.  Required: `frontdoor` (== 1), `levels` (3..6, unique ids, each with an existing `route`),
      `outcomes`. Rules and routing entries need a unique `id` and a `when` (aligned with the
      engine: a rule or routing entry without `when` is a load error, not "always holds").
      `when: true`/`when: false` (YAML booleans) are the literals.
 R4.  An outcome without `decide_within` gives decisions with a null deadline (as the engine).
      `decide_within` takes an integer count only ("24 working hours", "1 working day", "4 hours",
      "2 days"); no fractions.
 R5.  `effective_from` is parsed-and-ignored (the SPEC gives it no decision semantics).
 R6.  `calendar.working_hours` is one period "HH:MM-HH:MM" with start < end on the same day.
Expressions
 R7.  Names usable in `when`: level, age_months, age_years, unborn, source, channel, every
      declared field, every history counter (aligned with the engine: `id`, `child` and `dob` are
      NOT names; a contact's reference and pseudonym are not facts about need, and the date of
      birth is used through the ages). `received` and `concerns` are not names either (no
      timestamp/map type in the subset; use the functions).
 R8.  `+ - *` are on ints only (no string or list concatenation: SPEC says "on ints").
      `< <= > >=` are defined on int/int, string/string (code point), bool/bool (false < true),
      level/level and level/string-naming-a-level. Lists support only == and != (element by
      element, different lengths are unequal) — no list ordering. Enums support only == and !=
      (with strings, or with the same enum). Anything else is a type error at load. `x in [..]`
      checks each list-literal element against x, so `1 in [1, "a"]` is a load error (no dyn).
 R9.  A string LITERAL compared with `level` (==, !=, ordering, or inside an `in` list) must name a
      level, and one compared with an enum must be one of its values: otherwise a load error. A
      non-literal string compared with `level` that names no level at run time gives an ERROR
      value.
 R10. Function arguments must be string literals naming an existing concern / level / domain.
      `concern_at_least("c","l")` does not require c to have a descriptor at l.
 R11. Three-valued logic: UNKNOWN and ERROR both absorb, except `&&` with a false side is false
      and `||` with a true side is true (commutative, CEL style). When both UNKNOWN and ERROR meet
      in an absorbing operator, UNKNOWN wins. `c ? a : b` evaluates only the chosen branch. A list
      literal with an UNKNOWN/ERROR element is UNKNOWN/ERROR as a whole (so `x in [unknown_f]` is
      unknown even when x is known).
 R12. Int literal 9223372036854775808 is only allowed directly after unary minus
      (-9223372036854775808 folds to INT64_MIN); otherwise an out-of-range literal is a load error.
      Unary minus of INT64_MIN at run time is an overflow ERROR.
Contacts
 R13. Contact keys allowed: the built-ins, declared fields, `history` (a row's own history) and
      `decided` (SPEC 6 mentions it as data a row may carry; it is ignored here). Any other key
      rejects the contact ("unknown field"). A key whose value is null is treated as absent.
 R14. Types are strict: `id` and `child` must be strings (an int id is a wrong type), `unborn` and
      bool fields must be booleans, int fields must be (non-bool) integers. Exception: an enum
      value (`source`, declared enums) may be given as a YAML/JSON integer whose decimal string is
      one of the values (`source: 6` == "6").
 R15. `received` must carry an offset or `Z` (a naive timestamp is rejected). Accepted forms:
      YYYY-MM-DDTHH:MM[:SS[.frac]](Z|±HH:MM|±HHMM|±HH). Fractional seconds are kept in the
      arithmetic and truncated when a deadline is written.
 R16. Ages are completed calendar months from `dob` to the local date of `received` in the
      calendar's timezone, using the SPEC's month arithmetic (same day of month, clamped to the
      month's end): m = the largest m with dob + m months (clamped) <= that date. So a child born
      on 31 Jan has 1 month on 28 Feb (non-leap); one born on 29 Feb has 1 year on 28 Feb.
      age_years = age_months // 12. `unborn: true` gives both 0 whatever `dob` says.
 R17. A `dob` after the local date of `received` (and not unborn) rejects the contact.
 R18. All problems with a contact are collected and joined with "; " in `error`; rejected
      decisions keep `contact` (the id if it was a string) and `document`, every other decision
      field is null.
 R19. History items need `received` (with offset); `concerns` (map), `outcome` (must be an
      outcome id of this document) and `referral` (bool) are optional; any other keys (id, child,
      ...) are ignored. Aligned with the engine: a history item naming a concern the document does
      not have, or a level that is not one of the document's levels, or an outcome the document
      does not have, rejects the contact (the item's level need not be one the concern has a
      descriptor at). An item counts as a referral if its outcome is a referral outcome OR it says
      `referral: true`.
Decisions
 R20. Actions: `always` first, then the outcome's actions, then each held rule's actions in rule
      order, de-duplicated keeping the first occurrence. Flags likewise from held rules.
 R21. Reasons (optional in this oracle, no `at`): concern reasons for every contact concern at the
      base level (document concern order), then per rule in order either a `rule` reason (held) or
      an `unknown` reason (its `when` was unknown; `fields` lists the missing names), then for
      routing entries evaluated before the first holding one their `unknown` reasons, then the
      `routing` reason or the `level` reason. ERROR results give no reason.
 R22. Working time: weekends (local Sat/Sun) and holidays (local dates) have no working period;
      a period is [start, end) local time. Work starts at `received` if inside a period, else at the
      start of the next one; a deadline that falls exactly at a period's end stays there (17:00 on
      Friday). A zero working duration gives that start instant. `N working days` = N × (end−start).
      `N hours` / `N days` are plain elapsed time (N×3600 s / N×86400 s), ignoring the calendar.
 R23. History window [received − window, received) on UTC instants; months are subtracted on the
      UTC calendar date with the day clamped to the month's end and the time of day kept.
Batches
 R24. Rows are decided in (received instant, input index) order; a row's history is the earlier
      non-rejected rows of the same `child` (each as {received, concerns, outcome}); a row with its
      own non-null `history` uses that instead; rows without `child` (or rejected rows) get none.
      Rows whose `received` cannot be parsed sort last (they are rejected anyway).
Tests
 R25. A test contact without `id` gets the test's name as id. A test without `expect.error` fails
      if its contact is rejected; a test with `expect.error` fails unless the contact is rejected
      with an error containing that substring. `deadline` is compared after normalising to
      YYYY-MM-DDTHH:MM:SSZ. `actions`, `flags`, `rules` compare as sets (duplicates ignored).
CLI
 R26. `decide` reads JSON Lines only (a path or `-`); CSV and Parquet are not implemented here.
      Exit codes follow SPEC 4: 0 all decided, 1 some rejected, 2 could not run. `test` exits 1
      on any failure (or a document that does not load) and ends with "N passed, N failed".
Threshold documents as councils write them (SPEC 7.1, 7.2)
 R30. `indicators:` is level -> domain -> list; each item `id: text` or {id, text, tags, also_in}
      is a concern with that one level, after `concerns` in one namespace (an id in both, or twice,
      is a load error). A concern's `domain` may be a list and it may have `also_in`: it counts
      once in `domain_count` of each of its domains and shares each for `sharing: domain`.
 R31. A level's descriptor may be a list of texts; the concern reason quotes them joined by "; ".
 R32. `tags:` on concerns and indicators; `tagged("t")` is true when a concern of the contact
      carries t, `tag_count("t")` counts those concerns, each once. An unknown tag is a load error.
 R33. In a contact or a history item, `concerns` may be a list of ids or map an id to `true`
      (`false`: not there): a concern with one level is at that level; one with several is an
      error for the contact.
Calendar presets (SPEC 7.7)
 R34. `calendar: {preset: england-and-wales | scotland | northern-ireland}` means time zone
      Europe/London, working hours 09:00-17:00 and that nation's bank holidays for 2010-2040: the
      statutory days (New Year's Day, Scotland's 2 January, Northern Ireland's St Patrick's Day and
      Battle of the Boyne, Good Friday, Easter Monday outside Scotland, the first Monday of May, the
      last Monday of May, the last Monday of August or Scotland's first, Scotland's St Andrew's Day,
      Christmas Day, Boxing Day), a day fixed by date that falls on a weekend or on an earlier
      holiday moving to the next weekday that is neither; the early May Monday of 2020 moved to
      8 May, the late May Monday of 2012 to 4 June and of 2022 to 2 June; plus the days proclaimed
      once in all three nations (2011-04-29, 2012-06-05, 2022-06-03, 2022-09-19, 2023-05-08). Keys
      given beside `preset` override it, except `holidays`, which are added.

Alignment with the C++ engine (for tests/differential)
 R3, R4, R7 and R19 were changed to follow the engine's deliberate choices. The engine is also
 lenient with input types (bool fields take "true"/"false"/"1"/"0", int fields decimal strings and
 integral floats, id/child ints); this oracle stays strict (R14) and the differential tests only
 generate properly typed values. Known differences NOT aligned, which the differential tests avoid
 generating (SPEC is silent on them): the engine rejects ordering on bools (`a < true`, R8 allows
 it); an outcome without `referral` is a referral in the engine when its category is assessment or
 s47 (false here); the engine rejects `within: 0 ...` and `history: null` on a contact, and accepts `24:00` as the end
 of working hours, a `:60` leap second (read as :59) and `t`/space as the date-time separator.
 Engine bugs this oracle found (an unknown list item under `in` or list `==`; `[] == [x]`;
 fractional seconds) are fixed, with regression tests in tests/differential/test_differential.py.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as _dt
import functools as _functools
import hashlib
import json
import operator as _operator
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover
    ZoneInfo = None

UTC = _dt.timezone.utc
INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1

SOURCE_CODES = ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
                "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"]
CHANNELS = ["conversation", "written", "notification", "online", "in_person"]
CATEGORIES = ["nfa", "early_help", "assessment", "s47", "open_case", "other"]
BUILTIN_FIELDS = ["id", "child", "received", "dob", "unborn", "source", "channel", "concerns"]
EXTRA_CONTACT_KEYS = ["history", "decided", "recorded_outcome", "override_reason"]  # SPEC 7.8: recorded, never decided on


# ================================================================================================
# YAML loading (R1)
# ================================================================================================

class _Loader(yaml.SafeLoader):
    pass


# Replace the YAML 1.1 bool resolver by a YAML 1.2 one (true/false only).
# Replace the YAML 1.1 bool and int resolvers by YAML 1.2 core-schema ones (true/false only;
# decimal, 0o octal and 0x hex ints; no sexagesimal 1:30, no 010-is-octal, no underscores).
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for (tag, rx) in v if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"))


def _construct_int12(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v, 10)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int12)


def _construct_mapping_nodup(loader, node, deep=False):
    keys = set()
    for k, _ in node.value:
        key = loader.construct_object(k, deep=deep)
        if key in keys:
            raise ValueError(f"duplicate key {key!r} at line {k.start_mark.line + 1}")
        keys.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping_nodup)


def _s(x) -> str:
    """Stringify a scalar used as an id or enum value."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (_dt.date, _dt.datetime)):
        return x.isoformat()
    return str(x)


# ================================================================================================
# Time helpers
# ================================================================================================

_TS_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_timestamp(v) -> _dt.datetime:
    """ISO 8601 with offset or Z -> aware UTC datetime. Raises ValueError."""
    if isinstance(v, _dt.datetime):
        if v.tzinfo is None or v.utcoffset() is None:
            raise ValueError("timestamp has no offset")
        return v.astimezone(UTC)
    if not isinstance(v, str):
        raise ValueError("not a timestamp string")
    return _parse_timestamp_str(v)


@_functools.lru_cache(maxsize=1 << 16)
def _parse_timestamp_str(v: str) -> _dt.datetime:
    """parse_timestamp of a string; cached (speed only: a batch parses each `received` twice, once
    to order the rows and once to check the contact). Errors are raised, never cached."""
    m = _TS_RE.match(v)
    if not m:
        raise ValueError(f"not an ISO 8601 timestamp with offset: {v!r}")
    y, mo, d, h, mi = (int(m.group(i)) for i in range(1, 6))
    sec = int(m.group(6) or 0)
    frac = m.group(7) or ""
    micro = int((frac + "000000")[:6]) if frac else 0
    tz = m.group(8)
    if tz == "Z":
        off = _dt.timedelta(0)
    else:
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        oh = int(digits[:2])
        om = int(digits[2:4]) if len(digits) > 2 else 0
        if oh > 23 or om > 59:
            raise ValueError(f"bad offset in {v!r}")
        off = sign * _dt.timedelta(hours=oh, minutes=om)
    dt = _dt.datetime(y, mo, d, h, mi, sec, micro, tzinfo=_dt.timezone(off))  # validates ranges
    return dt.astimezone(UTC)



# ---- calendar presets (R34) -------------------------------------------------------------------------

PRESET_NATIONS = {"england-and-wales", "scotland", "northern-ireland"}
PROCLAIMED_ONCE = {_dt.date(2011, 4, 29), _dt.date(2012, 6, 5), _dt.date(2022, 6, 3), _dt.date(2022, 9, 19), _dt.date(2023, 5, 8)}


def _mondays(year: int, month: int) -> list:
    days = [_dt.date(year, month, d) for d in range(1, _calendar.monthrange(year, month)[1] + 1)]
    return [d for d in days if d.weekday() == 0]


def _bank_holidays(nation: str, year: int) -> set:
    from dateutil.easter import easter  # the Western (Gregorian) Easter
    days: set = set()

    def fixed(d):  # a date-fixed day at a weekend, or on an earlier holiday, moves to the next weekday free of both
        while d.weekday() >= 5 or d in days:
            d += _dt.timedelta(days=1)
        days.add(d)

    fixed(_dt.date(year, 1, 1))
    if nation == "scotland":
        fixed(_dt.date(year, 1, 2))
    if nation == "northern-ireland":
        fixed(_dt.date(year, 3, 17))
    sunday = easter(year)
    days.add(sunday - _dt.timedelta(days=2))
    if nation != "scotland":
        days.add(sunday + _dt.timedelta(days=1))
    days.add(_dt.date(2020, 5, 8) if year == 2020 else _mondays(year, 5)[0])
    days.add({2012: _dt.date(2012, 6, 4), 2022: _dt.date(2022, 6, 2)}.get(year, _mondays(year, 5)[-1]))
    if nation == "northern-ireland":
        fixed(_dt.date(year, 7, 12))
    days.add(_mondays(year, 8)[0] if nation == "scotland" else _mondays(year, 8)[-1])
    if nation == "scotland":
        fixed(_dt.date(year, 11, 30))
    fixed(_dt.date(year, 12, 25))
    fixed(_dt.date(year, 12, 26))
    return days


def preset_holidays(nation: str) -> set:
    out = set(PROCLAIMED_ONCE)
    for year in range(2010, 2041):
        out |= _bank_holidays(nation, year)
    return out

def parse_date(v) -> _dt.date:
    if isinstance(v, _dt.datetime):
        raise ValueError("expected a date, got a timestamp")
    if isinstance(v, _dt.date):
        return v
    if not isinstance(v, str):
        raise ValueError("not a date")
    m = _DATE_RE.match(v)
    if not m:
        raise ValueError(f"not a YYYY-MM-DD date: {v!r}")
    return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def fmt_utc(dt: _dt.datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_months_clamped(y: int, m: int, d: int, delta: int) -> tuple[int, int, int]:
    idx = y * 12 + (m - 1) + delta
    ny, nm = divmod(idx, 12)
    nm += 1
    nd = min(d, _calendar.monthrange(ny, nm)[1])
    return ny, nm, nd


def completed_months(dob: _dt.date, on: _dt.date) -> int:
    """R16: largest m with dob + m months (clamped) <= on. Assumes dob <= on."""
    m = (on.year - dob.year) * 12 + (on.month - dob.month)
    while m > 0 and _dt.date(*add_months_clamped(dob.year, dob.month, dob.day, m)) > on:
        m -= 1
    return max(m, 0)


_DUR_RE = re.compile(r"^\s*(\d+)\s+(working\s+hours?|working\s+days?|hours?|days?)\s*$")
_WITHIN_RE = re.compile(r"^\s*(\d+)\s+(days?|weeks?|months?)\s*$")


def parse_duration(s) -> tuple[int, str]:
    m = _DUR_RE.match(str(s)) if isinstance(s, str) else None
    if not m:
        raise ValueError(f"bad decide_within {s!r}: expected 'N working hours|working days|hours|days'")
    unit = " ".join(m.group(2).split())
    unit = {"working hour": "working hours", "working day": "working days",
            "hour": "hours", "day": "days"}.get(unit, unit)
    return int(m.group(1)), unit


def parse_within(s) -> tuple[int, str]:
    m = _WITHIN_RE.match(s) if isinstance(s, str) else None
    if not m:
        raise ValueError(f"bad history window {s!r}: expected 'N days|weeks|months'")
    unit = m.group(2)
    if not unit.endswith("s"):
        unit += "s"
    return int(m.group(1)), unit


def window_start(received: _dt.datetime, n: int, unit: str) -> _dt.datetime:
    """R23: received − window on the UTC instant."""
    r = received.astimezone(UTC)
    if unit == "days":
        return r - _dt.timedelta(days=n)
    if unit == "weeks":
        return r - _dt.timedelta(weeks=n)
    y, m, d = add_months_clamped(r.year, r.month, r.day, -n)
    return r.replace(year=y, month=m, day=d)


# ================================================================================================
# Document
# ================================================================================================

@dataclass
class Level:
    id: str
    name: str
    route: str
    index: int


@dataclass
class Outcome:
    id: str
    name: str
    category: str
    referral: bool
    decide_within: tuple[int, str] | None
    actions: list[str]


@dataclass
class FieldDef:
    name: str
    type: str                 # bool | int | string | enum
    default: Any = None       # already validated; None = no default
    min: int | None = None
    max: int | None = None
    values: list[str] | None = None


@dataclass
class Concern:
    id: str
    domains: list[str]        # R30: every domain it sits in (domain: [a, b], also_in)
    levels: dict[str, str]    # level id -> descriptor (several texts joined by "; ", R31)
    tags: list[str] = field(default_factory=list)


@dataclass
class Counter:
    name: str
    count: str                # contacts | referrals
    within: tuple[int, str]
    sharing: str | None       # None | domain | concern
    outcomes: list | None = None      # SPEC 7.6: only items with one of these outcomes
    categories: list | None = None    # ... whose outcome has one of these categories
    level_at_least: str | None = None  # ... that reached this level or higher


@dataclass
class Rule:
    id: str
    when_src: str | None
    when: Any                 # AST or None (always holds)
    raise_to: str | None
    actions: list[str]
    flags: list[str]
    because: str | None
    decide_within: tuple[int, str] | None = None


@dataclass
class Route:
    id: str
    when_src: str | None
    when: Any
    outcome: str
    lowers: bool
    because: str | None
    decide_within: tuple[int, str] | None = None


@dataclass
class Document:
    path: str
    sha256: str
    id: str | None
    version: str | None
    levels: list[Level]
    outcomes: dict[str, Outcome]
    actions: dict[str, str]
    always: list[str]
    timezone: str
    work_start: _dt.time
    work_end: _dt.time
    holidays: set
    fields: dict[str, FieldDef]
    concerns: dict[str, Concern]
    counters: dict[str, Counter]
    rules: list[Rule]
    routing: list[Route]
    tests: list
    level_index: dict[str, int] = field(default_factory=dict)
    only_with: dict = field(default_factory=dict)  # SPEC 7.4: action -> (outcome ids, categories)
    rules_above: int | None = None                   # while type-checking rule i: i (rule("x") scope)

    def tz(self):
        if self.timezone == "UTC":
            return UTC
        return ZoneInfo(self.timezone)

    def domains(self) -> set:
        return {d for c in self.concerns.values() for d in c.domains}

    def tags(self) -> set:
        return {t for c in self.concerns.values() for t in c.tags}


TOP_KEYS = ["frontdoor", "id", "title", "version", "effective_from", "levels", "outcomes", "actions",
            "always", "calendar", "fields", "concerns", "indicators", "history", "rules", "routing", "tests", "override_reasons"]


def _kept(only_with, outcome) -> bool:
    """SPEC 7.4: an action with only_with (outcome ids, categories) stays on this outcome?"""
    ids, cats = only_with
    return outcome.id in ids or outcome.category in cats


def _check_keys(obj, allowed, what):
    if not isinstance(obj, dict):
        raise ValueError(f"{what}: expected a mapping")
    for k in obj:
        if k not in allowed:
            raise ValueError(f"{what}: unknown key {k!r}")


def _str_list(v, what) -> list[str]:
    if v is None:
        return []
    if not isinstance(v, list):
        raise ValueError(f"{what}: expected a list")
    return [_s(x) for x in v]


def _parse_hhmm(s: str) -> _dt.time:
    m = re.match(r"^(\d{1,2}):(\d{2})$", s.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"bad time {s!r}")
    return _dt.time(int(m.group(1)), int(m.group(2)))


def _texts(v, what) -> str:
    """R31: a descriptor is one text or a list of texts for the same level, quoted joined by "; "."""
    if isinstance(v, list):
        if not v:
            raise ValueError(f"{what}: an empty list of texts")
        return "; ".join(_s(t) for t in v)
    return _s(v)


def _unique_ids(xs) -> list[str]:
    out = []
    for x in xs:
        if _s(x) not in out:
            out.append(_s(x))
    return out


def _load_indicators(ind, level_index, concerns):
    """R30: `indicators:` is level -> domain -> list of `id: text` or {id, text, tags, also_in}; each
    is a concern with that one level, in one namespace with `concerns` (an id twice is an error)."""
    if ind is None:
        return
    if not isinstance(ind, dict):
        raise ValueError("indicators: expected a mapping of level to domains")
    for lk, by_domain in ind.items():
        lk = _s(lk)
        if lk not in level_index:
            raise ValueError(f"indicators: {lk!r} is not a level")
        if not isinstance(by_domain, dict):
            raise ValueError(f"indicators.{lk}: expected a mapping of domain to a list")
        for dom, items in by_domain.items():
            if not isinstance(items, list):
                raise ValueError(f"indicators.{lk}.{dom}: expected a list")
            for it in items:
                if not isinstance(it, dict):
                    raise ValueError(f"indicators.{lk}.{dom}: an indicator is `id: text` or a mapping")
                if "id" in it:
                    _check_keys(it, ["id", "text", "tags", "also_in"], f"indicators.{lk}.{dom}")
                    if "text" not in it:
                        raise ValueError(f"indicators.{lk}.{dom}: an indicator needs a text")
                    iid, txt = _s(it["id"]), it["text"]
                    also = _str_list(it.get("also_in") or [], "also_in")
                    tags = _str_list(it.get("tags") or [], "tags")
                elif len(it) == 1:
                    (iid, txt), also, tags = next(iter(it.items())), [], []
                    iid = _s(iid)
                else:
                    raise ValueError(f"indicators.{lk}.{dom}: an indicator is `id: text` or a mapping with id")
                if iid in concerns:
                    raise ValueError(f"indicators: duplicate concern or indicator id {iid!r}")
                concerns[iid] = Concern(iid, _unique_ids([dom] + also), {lk: _texts(txt, f"indicator {iid}")},
                                        _unique_ids(tags))


def load(path: str) -> Document:
    with open(path, "rb") as f:
        raw = f.read()
    return loads(raw, path)


def loads(raw, path: str = "<string>") -> Document:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    sha = hashlib.sha256(raw).hexdigest()
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_Loader)
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: YAML error: {e}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the document must be a mapping")
    _check_keys(data, TOP_KEYS, "document")
    if data.get("frontdoor") != 1:
        raise ValueError("document: `frontdoor: 1` is required")

    # ---- levels
    lv = data.get("levels")
    if not isinstance(lv, list) or not 3 <= len(lv) <= 6:
        raise ValueError("levels: expected a list of 3 to 6 levels")
    levels = []
    for i, l in enumerate(lv):
        _check_keys(l, ["id", "name", "route"], f"levels[{i}]")
        if "id" not in l or "route" not in l:
            raise ValueError(f"levels[{i}]: `id` and `route` are required")
        levels.append(Level(_s(l["id"]), _s(l.get("name", l["id"])), _s(l["route"]), i))
    level_index = {l.id: l.index for l in levels}
    if len(level_index) != len(levels):
        raise ValueError("levels: duplicate level id")

    # ---- actions
    actions = data.get("actions") or {}
    if not isinstance(actions, dict):
        raise ValueError("actions: expected a mapping")
    actions = {_s(k): v for k, v in actions.items()}
    only_with_raw = {}
    for k, v in list(actions.items()):
        if isinstance(v, dict):   # SPEC 7.4: {text, only_with}
            _check_keys(v, ["text", "only_with"], f"actions.{k}")
            if "text" not in v:
                raise ValueError(f"actions.{k}: `text` is required")
            if "only_with" in v:
                ow = v["only_with"]
                only_with_raw[k] = [_s(x) for x in (ow if isinstance(ow, list) else [ow])]
                if not only_with_raw[k]:
                    raise ValueError(f"actions.{k}.only_with: needs at least one outcome or category")
            actions[k] = _s(v["text"])

    def check_actions(lst, what):
        for a in lst:
            if a not in actions:
                raise ValueError(f"{what}: action {a!r} is not declared in `actions`")
        return lst

    # ---- outcomes
    oc = data.get("outcomes")
    if not isinstance(oc, dict) or not oc:
        raise ValueError("outcomes: expected a non-empty mapping")
    outcomes = {}
    for k, o in oc.items():
        k = _s(k)
        _check_keys(o, ["name", "category", "referral", "decide_within", "actions"], f"outcomes.{k}")
        cat = _s(o.get("category", ""))
        if cat not in CATEGORIES:
            raise ValueError(f"outcomes.{k}: category must be one of {CATEGORIES}")
        ref = o.get("referral", False)
        if not isinstance(ref, bool):
            raise ValueError(f"outcomes.{k}: referral must be a boolean")
        dw = None if o.get("decide_within") is None else parse_duration(o["decide_within"])
        outcomes[k] = Outcome(k, _s(o.get("name", k)), cat, ref, dw,
                              check_actions(_str_list(o.get("actions"), f"outcomes.{k}.actions"),
                                            f"outcomes.{k}"))
    for l in levels:
        if l.route not in outcomes:
            raise ValueError(f"levels.{l.id}: route {l.route!r} is not an outcome")

    always = check_actions(_str_list(data.get("always"), "always"), "always")
    only_with = {}
    for k, words in only_with_raw.items():
        ids, cats = set(), set()
        for w in words:   # an outcome id first, else a category
            if w in outcomes:
                ids.add(w)
            elif w in CATEGORIES:
                cats.add(w)
            else:
                raise ValueError(f"actions.{k}.only_with: {w!r} is no outcome or category")
        only_with[k] = (ids, cats)
    for o in outcomes.values():
        for a in o.actions:
            if a in only_with and not _kept(only_with[a], o):
                raise ValueError(f"outcomes.{o.id}: lists action {a!r}, which its only_with keeps off it")

    # ---- calendar
    cal = data.get("calendar") or {}
    _check_keys(cal, ["preset", "timezone", "working_hours", "holidays"], "calendar")
    preset = cal.get("preset")
    if preset is not None and preset not in PRESET_NATIONS:
        raise ValueError(f"calendar.preset: unknown preset {preset!r}")
    tzname = _s(cal.get("timezone", "Europe/London" if preset else "UTC"))
    if tzname != "UTC":
        try:
            ZoneInfo(tzname)
        except Exception:
            raise ValueError(f"calendar.timezone: unknown time zone {tzname!r}") from None
    wh = _s(cal.get("working_hours", "09:00-17:00"))
    parts = wh.split("-")
    if len(parts) != 2:
        raise ValueError(f"calendar.working_hours: expected 'HH:MM-HH:MM', got {wh!r}")
    ws, we = _parse_hhmm(parts[0]), _parse_hhmm(parts[1])
    if not ws < we:
        raise ValueError("calendar.working_hours: start must be before end")
    holidays = preset_holidays(preset) if preset else set()
    for h in cal.get("holidays") or []:
        holidays.add(parse_date(h))

    # ---- fields
    fields = {}
    for k, fd in (data.get("fields") or {}).items():
        k = _s(k)
        if k in BUILTIN_FIELDS or k in EXTRA_CONTACT_KEYS or k in ("level", "age_months", "age_years"):
            raise ValueError(f"fields.{k}: clashes with a built-in name")
        _check_keys(fd, ["type", "default", "min", "max", "values", "text"], f"fields.{k}")
        t = fd.get("type")
        if t not in ("bool", "int", "string", "enum"):
            raise ValueError(f"fields.{k}: type must be bool, int, string or enum")
        f = FieldDef(k, t)
        if t == "int":
            for b in ("min", "max"):
                if b in fd:
                    if not isinstance(fd[b], int) or isinstance(fd[b], bool):
                        raise ValueError(f"fields.{k}.{b}: expected an integer")
                    setattr(f, b, fd[b])
        elif "min" in fd or "max" in fd:
            raise ValueError(f"fields.{k}: min/max only for int fields")
        if t == "enum":
            if not isinstance(fd.get("values"), list) or not fd["values"]:
                raise ValueError(f"fields.{k}: enum needs `values`")
            f.values = [_s(v) for v in fd["values"]]
        elif "values" in fd:
            raise ValueError(f"fields.{k}: `values` only for enum fields")
        if fd.get("default") is not None:
            ok, val, err = _coerce_field(f, fd["default"])
            if not ok:
                raise ValueError(f"fields.{k}.default: {err}")
            f.default = val
        fields[k] = f

    # ---- concerns
    concerns = {}
    for k, c in (data.get("concerns") or {}).items():
        k = _s(k)
        _check_keys(c, ["domain", "also_in", "levels", "name", "text", "tags"], f"concerns.{k}")
        if "domain" not in c or not isinstance(c.get("levels"), dict) or not c["levels"]:
            raise ValueError(f"concerns.{k}: `domain` and a non-empty `levels` map are required")
        lvls = {}
        for lk, txt in c["levels"].items():
            lk = _s(lk)
            if lk not in level_index:
                raise ValueError(f"concerns.{k}: {lk!r} is not a level")
            lvls[lk] = _texts(txt, f"concerns.{k}.levels.{lk}")
        doms = c["domain"] if isinstance(c["domain"], list) else [c["domain"]]
        concerns[k] = Concern(k, _unique_ids(doms + _str_list(c.get("also_in") or [], f"concerns.{k}.also_in")), lvls,
                              _unique_ids(_str_list(c.get("tags") or [], f"concerns.{k}.tags")))
    _load_indicators(data.get("indicators"), level_index, concerns)

    # ---- history counters
    counters = {}
    for k, h in (data.get("history") or {}).items():
        k = _s(k)
        if k in fields or k in BUILTIN_FIELDS or k in ("level", "age_months", "age_years"):
            raise ValueError(f"history.{k}: clashes with another name")
        _check_keys(h, ["count", "within", "sharing", "outcome", "category", "level_at_least"], f"history.{k}")
        if h.get("count") not in ("contacts", "referrals"):
            raise ValueError(f"history.{k}: count must be contacts or referrals")
        sh = h.get("sharing")
        if sh not in (None, "domain", "concern"):
            raise ValueError(f"history.{k}: sharing must be domain or concern")
        ctr = Counter(k, h["count"], parse_within(h.get("within")), sh)
        if h.get("outcome") is not None:
            ctr.outcomes = [_s(x) for x in (h["outcome"] if isinstance(h["outcome"], list) else [h["outcome"]])]
            if any(o not in outcomes for o in ctr.outcomes) or not ctr.outcomes:
                raise ValueError(f"history.{k}.outcome: not an outcome")
        if h.get("category") is not None:
            ctr.categories = [_s(x) for x in (h["category"] if isinstance(h["category"], list) else [h["category"]])]
            if any(c not in CATEGORIES for c in ctr.categories) or not ctr.categories:
                raise ValueError(f"history.{k}.category: not a category")
        if h.get("level_at_least") is not None:
            ctr.level_at_least = _s(h["level_at_least"])
            if ctr.level_at_least not in level_index:
                raise ValueError(f"history.{k}.level_at_least: not a level")
        counters[k] = ctr

    doc = Document(path=path, sha256=sha, id=None if data.get("id") is None else _s(data["id"]),
                   version=None if data.get("version") is None else _s(data["version"]),
                   levels=levels, outcomes=outcomes, actions=actions, always=always,
                   timezone=tzname, work_start=ws, work_end=we, holidays=holidays, fields=fields,
                   concerns=concerns, counters=counters, rules=[], routing=[],
                   tests=data.get("tests") or [], level_index=level_index, only_with=only_with)
    if "effective_from" in data and data["effective_from"] is not None:
        parse_date(data["effective_from"])  # R5: validated, otherwise ignored

    # ---- rules and routing (expressions type-checked here)
    ids = set()

    def compile_when(obj, what):
        w = obj.get("when")
        if w is None:
            raise ValueError(f"{what}: `when` is required")
        if isinstance(w, bool):
            w = "true" if w else "false"
        if not isinstance(w, str):
            raise ValueError(f"{what}.when: expected an expression string")
        try:
            ast = parse_expr(w)
            t = typecheck(ast, doc)
        except ValueError as e:
            raise ValueError(f"{what}.when: {e}") from None
        if t not in ("bool", "dyn"):
            raise ValueError(f"{what}.when: expression must be bool, is {tname(t)}")
        return w, ast

    for i, r in enumerate(data.get("rules") or []):
        _check_keys(r, ["id", "when", "raise_to", "actions", "flags", "because", "decide_within"], f"rules[{i}]")
        if r.get("id") is None:
            raise ValueError(f"rules[{i}]: `id` is required")
        rid = _s(r["id"])
        if rid in ids:
            raise ValueError(f"rules[{i}]: duplicate id {rid!r}")
        ids.add(rid)
        doc.rules_above = i   # rule("x") may name only the rules above this one
        src, ast = compile_when(r, f"rules.{rid}")
        rt = None if r.get("raise_to") is None else _s(r["raise_to"])
        if rt is not None and rt not in level_index:
            raise ValueError(f"rules.{rid}.raise_to: {rt!r} is not a level")
        doc.rules.append(Rule(rid, src, ast, rt,
                              check_actions(_str_list(r.get("actions"), f"rules.{rid}.actions"),
                                            f"rules.{rid}"),
                              _str_list(r.get("flags"), f"rules.{rid}.flags"),
                              None if r.get("because") is None else _s(r["because"]),
                              None if r.get("decide_within") is None else parse_duration(r["decide_within"])))
    doc.rules_above = None    # routing may name any rule
    for i, r in enumerate(data.get("routing") or []):
        _check_keys(r, ["id", "when", "outcome", "lowers", "because", "decide_within"], f"routing[{i}]")
        if r.get("id") is None:
            raise ValueError(f"routing[{i}]: `id` is required")
        rid = _s(r["id"])
        if rid in ids:
            raise ValueError(f"routing[{i}]: duplicate id {rid!r}")
        ids.add(rid)
        src, ast = compile_when(r, f"routing.{rid}")
        out = _s(r.get("outcome"))
        if out not in outcomes:
            raise ValueError(f"routing.{rid}.outcome: {out!r} is not an outcome")
        lowers = r.get("lowers", False)
        if not isinstance(lowers, bool):
            raise ValueError(f"routing.{rid}.lowers: expected a boolean")
        doc.routing.append(Route(rid, src, ast, out, lowers,
                                 None if r.get("because") is None else _s(r["because"]),
                                 None if r.get("decide_within") is None else parse_duration(r["decide_within"])))
    if not isinstance(doc.tests, list):
        raise ValueError("tests: expected a list")
    return doc


# ================================================================================================
# Expressions: tokenizer, parser, type checker, evaluator
# ================================================================================================

_TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<int>\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!+\-*?:(),\[\]])
""", re.VERBOSE)

_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}


def _unescape(body: str) -> str:
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise ValueError(f"bad escape in string literal at {body[i:i + 2]!r}")
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def tokenize(src: str) -> list[tuple[str, Any, int]]:
    toks, pos = [], 0
    while pos < len(src):
        m = _TOKEN_RE.match(src, pos)
        if not m:
            raise ValueError(f"unexpected character {src[pos]!r} at column {pos + 1}")
        kind = m.lastgroup
        text = m.group(kind)
        if kind == "int":
            toks.append(("int", int(text), pos))
        elif kind == "ident":
            if text in ("true", "false"):
                toks.append(("bool", text == "true", pos))
            elif text == "in":
                toks.append(("op", "in", pos))
            else:
                toks.append(("ident", text, pos))
        elif kind == "str":
            toks.append(("str", _unescape(text[1:-1]), pos))
        elif kind == "op":
            toks.append(("op", text, pos))
        pos = m.end()
    toks.append(("eof", None, len(src)))
    return toks


# AST nodes are tuples:
#   ("int", v) ("str", v) ("bool", v) ("list", [nodes]) ("name", n) ("call", f, [nodes])
#   ("not", x) ("neg", x) ("bin", op, l, r) ("cond", c, a, b)

class _Parser:
    def __init__(self, src):
        self.toks = tokenize(src)
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def next(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def accept(self, op):
        t = self.peek()
        if t[0] == "op" and t[1] == op:
            self.i += 1
            return True
        return False

    def expect(self, op):
        if not self.accept(op):
            t = self.peek()
            raise ValueError(f"expected {op!r} at column {t[2] + 1}")

    def parse(self):
        e = self.expr()
        if self.peek()[0] != "eof":
            raise ValueError(f"unexpected {self.peek()[1]!r} at column {self.peek()[2] + 1}")
        return e

    def expr(self):
        c = self.or_()
        if self.accept("?"):
            a = self.or_()
            self.expect(":")
            b = self.expr()
            return ("cond", c, a, b)
        return c

    def or_(self):
        e = self.and_()
        while self.accept("||"):
            e = ("bin", "||", e, self.and_())
        return e

    def and_(self):
        e = self.rel()
        while self.accept("&&"):
            e = ("bin", "&&", e, self.rel())
        return e

    def rel(self):
        e = self.add()
        while True:
            t = self.peek()
            if t[0] == "op" and t[1] in ("==", "!=", "<", "<=", ">", ">=", "in"):
                self.i += 1
                e = ("bin", t[1], e, self.add())
            else:
                return e

    def add(self):
        e = self.mul()
        while True:
            t = self.peek()
            if t[0] == "op" and t[1] in ("+", "-"):
                self.i += 1
                e = ("bin", t[1], e, self.mul())
            else:
                return e

    def mul(self):
        e = self.unary()
        while True:
            t = self.peek()
            if t[0] == "op" and t[1] == "*":
                self.i += 1
                e = ("bin", "*", e, self.unary())
            elif t[0] == "op" and t[1] in ("/", "%"):
                raise ValueError(f"operator {t[1]!r} is not in the subset")
            else:
                return e

    def unary(self):
        t = self.peek()
        if t[0] == "op" and t[1] == "!":
            self.i += 1
            return ("not", self.unary())
        if t[0] == "op" and t[1] == "-":
            self.i += 1
            nt = self.peek()
            # R12: fold a negative int literal (allows INT64_MIN)
            if nt[0] == "int":
                self.i += 1
                v = -nt[1]
                if v < INT64_MIN:
                    raise ValueError(f"integer literal out of range at column {nt[2] + 1}")
                return ("int", v)
            return ("neg", self.unary())
        return self.primary()

    def primary(self):
        t = self.next()
        kind, val, pos = t
        if kind == "int":
            if val > INT64_MAX:
                raise ValueError(f"integer literal out of range at column {pos + 1}")
            return ("int", val)
        if kind == "str":
            return ("str", val)
        if kind == "bool":
            return ("bool", val)
        if kind == "ident":
            if self.accept("("):
                args = []
                if not self.accept(")"):
                    args.append(self.expr())
                    while self.accept(","):
                        args.append(self.expr())
                    self.expect(")")
                return ("call", val, args)
            return ("name", val)
        if kind == "op" and val == "(":
            e = self.expr()
            self.expect(")")
            return e
        if kind == "op" and val == "[":
            items = []
            if not self.accept("]"):
                items.append(self.expr())
                while self.accept(","):
                    if self.peek()[0] == "op" and self.peek()[1] == "]":
                        break  # trailing comma
                    items.append(self.expr())
                self.expect("]")
            return ("list", items)
        raise ValueError(f"unexpected {val if val is not None else 'end of expression'!r} "
                         f"at column {pos + 1}")


def parse_expr(src: str):
    return _Parser(src).parse()


# ---- types: "int" "bool" "string" "level" ("enum", field) ("list", elem) "dyn"

def tname(t) -> str:
    if isinstance(t, tuple):
        return f"{t[0]}({tname(t[1]) if t[0] == 'list' else t[1]})"
    return t


def _enum_values(doc: Document, name: str) -> list[str]:
    if name == "source":
        return SOURCE_CODES
    if name == "channel":
        return CHANNELS
    return doc.fields[name].values


def name_type(doc: Document, n: str):
    if n == "level":
        return "level"
    if n in ("age_months", "age_years"):
        return "int"
    if n == "unborn":
        return "bool"
    if n in ("source", "channel"):
        return ("enum", n)
    if n in doc.fields:
        f = doc.fields[n]
        return {"bool": "bool", "int": "int", "string": "string"}.get(f.type, ("enum", n))
    if n in doc.counters:
        return "int"
    if n == "base_level":   # SPEC 7.3 (a field or counter of that name, allowed before, wins)
        return "level"
    raise ValueError(f"unknown name {n!r}")


def _check_literal_against(doc, t, node):
    """R9: a string literal compared with level / an enum must name a level / value."""
    if node[0] != "str":
        return
    if t == "level" and node[1] not in doc.level_index:
        raise ValueError(f"{node[1]!r} is not a level")
    if isinstance(t, tuple) and t[0] == "enum" and node[1] not in _enum_values(doc, t[1]):
        raise ValueError(f"{node[1]!r} is not a value of {t[1]}")


def _eq_compatible(doc, lt, rt, ln, rn):
    if lt == "dyn" or rt == "dyn":
        return
    if lt == rt and not (isinstance(lt, tuple) and lt[0] == "list"):
        _check_literal_against(doc, lt, rn)
        _check_literal_against(doc, rt, ln)
        return
    if isinstance(lt, tuple) and lt[0] == "list" and isinstance(rt, tuple) and rt[0] == "list":
        if lt[1] == "dyn" or rt[1] == "dyn" or lt[1] == rt[1] or {lt[1], rt[1]} <= {"string", "level"} \
                or _enum_str(lt[1], rt[1]):
            return
        raise ValueError(f"cannot compare {tname(lt)} with {tname(rt)}")
    if {lt, rt} == {"level", "string"} or _enum_str(lt, rt):
        _check_literal_against(doc, lt, rn)
        _check_literal_against(doc, rt, ln)
        return
    raise ValueError(f"cannot compare {tname(lt)} with {tname(rt)}")


def _enum_str(a, b):
    return (isinstance(a, tuple) and a[0] == "enum" and b == "string") or \
           (isinstance(b, tuple) and b[0] == "enum" and a == "string")


def _ord_compatible(doc, lt, rt, ln, rn):
    if lt == "dyn" or rt == "dyn":
        return
    if lt == rt and lt in ("int", "string", "bool", "level"):
        _check_literal_against(doc, lt, rn)
        _check_literal_against(doc, rt, ln)
        return
    if {lt, rt} == {"level", "string"}:
        _check_literal_against(doc, lt, rn)
        _check_literal_against(doc, rt, ln)
        return
    raise ValueError(f"cannot order {tname(lt)} and {tname(rt)}")


def _join(a, b):
    if a == b:
        return a
    if a == "dyn":
        return b
    if b == "dyn":
        return a
    return None


FUNCS = {"concern": 1, "concern_at_least": 2, "count_at_least": 1, "domain_count": 1, "rule": 1, "tagged": 1,
         "tag_count": 1}


def typecheck(node, doc: Document):
    k = node[0]
    if k == "int":
        return "int"
    if k == "str":
        return "string"
    if k == "bool":
        return "bool"
    if k == "name":
        return name_type(doc, node[1])
    if k == "list":
        ts = [typecheck(x, doc) for x in node[1]]
        et = "dyn"
        for t in ts:
            j = _join(et, t)
            et = j if j is not None else "dyn"
            if j is None:
                break
        return ("list", et)
    if k == "call":
        f, args = node[1], node[2]
        if f not in FUNCS:
            raise ValueError(f"unknown function {f!r}")
        if len(args) != FUNCS[f]:
            raise ValueError(f"{f}() takes {FUNCS[f]} argument(s)")
        for a in args:
            if a[0] != "str":
                raise ValueError(f"{f}() arguments must be string literals")
        vals = [a[1] for a in args]
        if f in ("concern", "concern_at_least") and vals[0] not in doc.concerns:
            raise ValueError(f"{f}(): unknown concern {vals[0]!r}")
        if f == "concern_at_least" and vals[1] not in doc.level_index:
            raise ValueError(f"{f}(): {vals[1]!r} is not a level")
        if f == "count_at_least" and vals[0] not in doc.level_index:
            raise ValueError(f"{f}(): {vals[0]!r} is not a level")
        if f == "domain_count" and vals[0] not in doc.domains():
            raise ValueError(f"{f}(): unknown domain {vals[0]!r}")
        if f in ("tagged", "tag_count") and vals[0] not in doc.tags():
            raise ValueError(f"{f}(): unknown tag {vals[0]!r}")
        if f == "rule":   # SPEC 7.3: a rule may name only the rules above it; routing any rule
            above = [r.id for r in doc.rules] if doc.rules_above is None else [r.id for r in doc.rules[:doc.rules_above]]
            if vals[0] not in above:
                raise ValueError(f"rule(): {vals[0]!r} is no rule above this one")
        return "bool" if f in ("concern", "concern_at_least", "rule", "tagged") else "int"
    if k == "not":
        t = typecheck(node[1], doc)
        if t not in ("bool", "dyn"):
            raise ValueError(f"'!' needs a bool, got {tname(t)}")
        return "bool"
    if k == "neg":
        t = typecheck(node[1], doc)
        if t not in ("int", "dyn"):
            raise ValueError(f"unary '-' needs an int, got {tname(t)}")
        return "int"
    if k == "cond":
        ct = typecheck(node[1], doc)
        if ct not in ("bool", "dyn"):
            raise ValueError(f"'?:' condition must be bool, got {tname(ct)}")
        at, bt = typecheck(node[2], doc), typecheck(node[3], doc)
        j = _join(at, bt)
        if j is None:
            if {at, bt} == {"level", "string"}:
                return "level"
            if _enum_str(at, bt):
                return at if isinstance(at, tuple) else bt
            raise ValueError(f"'?:' branches differ: {tname(at)} and {tname(bt)}")
        return j
    if k == "bin":
        op, ln, rn = node[1], node[2], node[3]
        lt, rt = typecheck(ln, doc), typecheck(rn, doc)
        if op in ("&&", "||"):
            for t in (lt, rt):
                if t not in ("bool", "dyn"):
                    raise ValueError(f"'{op}' needs bools, got {tname(t)}")
            return "bool"
        if op in ("+", "-", "*"):
            for t in (lt, rt):
                if t not in ("int", "dyn"):
                    raise ValueError(f"'{op}' needs ints, got {tname(t)}")
            return "int"
        if op in ("==", "!="):
            _eq_compatible(doc, lt, rt, ln, rn)
            return "bool"
        if op in ("<", "<=", ">", ">="):
            _ord_compatible(doc, lt, rt, ln, rn)
            return "bool"
        if op == "in":
            if rt == "dyn":
                return "bool"
            if not (isinstance(rt, tuple) and rt[0] == "list"):
                raise ValueError(f"'in' needs a list on the right, got {tname(rt)}")
            if rn[0] == "list":
                for el in rn[1]:
                    _eq_compatible(doc, lt, typecheck(el, doc), ln, el)
            else:
                _eq_compatible(doc, lt, rt[1], ln, ("dyn",))
            return "bool"
    raise ValueError(f"bad expression node {k}")


# ---- values

class Unknown:
    """CEL-style unknown: carries the names of the missing fields."""
    __slots__ = ("names",)

    def __init__(self, names):
        self.names = frozenset(names)

    def __repr__(self):
        return f"Unknown({sorted(self.names)})"


class Err:
    __slots__ = ("msg",)

    def __init__(self, msg):
        self.msg = msg

    def __repr__(self):
        return f"Err({self.msg})"


@dataclass(frozen=True)
class LevelV:
    id: str
    index: int


@dataclass(frozen=True)
class EnumV:
    field: str
    value: str


def _bad(v):
    return isinstance(v, (Unknown, Err))


def _absorb(*vals):
    """The absorbing result for operands containing Unknown/Err: Unknown wins (R11)."""
    for v in vals:                      # (speed only: nothing to absorb is the common case)
        if isinstance(v, (Unknown, Err)):
            break
    else:
        return None
    us = [v for v in vals if isinstance(v, Unknown)]
    if us:
        return Unknown(frozenset().union(*(u.names for u in us)))
    for v in vals:
        if isinstance(v, Err):
            return v
    return None


def _checked(v: int):
    if v < INT64_MIN or v > INT64_MAX:
        return Err("int64 overflow")
    return v


@dataclass
class Env:
    doc: Document
    values: dict            # name -> python value or Unknown (level filled per evaluation)
    concerns: dict          # concern id -> level id (the contact's own descriptors)
    held: set = field(default_factory=set)  # ids of the rules that held so far (rule("x"))


def _eq(a, b, doc):
    """CEL equality on known values; returns bool or Err."""
    if isinstance(a, LevelV) or isinstance(b, LevelV):
        if isinstance(a, LevelV) and isinstance(b, LevelV):
            return a.index == b.index
        other = b if isinstance(a, LevelV) else a
        lv = a if isinstance(a, LevelV) else b
        if isinstance(other, str):
            if other not in doc.level_index:
                return Err(f"{other!r} is not a level")
            return lv.index == doc.level_index[other]
        return Err("no matching overload for ==")
    if isinstance(a, EnumV) or isinstance(b, EnumV):
        av = a.value if isinstance(a, EnumV) else a
        bv = b.value if isinstance(b, EnumV) else b
        if isinstance(av, str) and isinstance(bv, str):
            return av == bv
        return Err("no matching overload for ==")
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        res = True
        for x, y in zip(a, b):
            r = _eq(x, y, doc)
            if isinstance(r, Err):
                return r
            res = res and r
        return res
    if type(a) is not type(b):
        return Err("no matching overload for ==")
    return a == b


def _cmp(op, a, b, doc):
    if isinstance(a, LevelV) or isinstance(b, LevelV):
        def idx(x):
            if isinstance(x, LevelV):
                return x.index
            if isinstance(x, str) and x in doc.level_index:
                return doc.level_index[x]
            return None
        ia, ib = idx(a), idx(b)
        if ia is None or ib is None:
            return Err("cannot order level with a non-level")
        a, b = ia, ib
    elif type(a) is not type(b) or not isinstance(a, (int, str, bool)):
        return Err(f"no matching overload for {op}")
    return _ORDER_OPS[op](a, b)


_ORDER_OPS = {"<": _operator.lt, "<=": _operator.le, ">": _operator.gt, ">=": _operator.ge}


def evaluate(node, env: Env):
    """The value of AST `node` (a value, Unknown or Err). One function per node kind below; this
    table lookup replaces an if-chain over the kinds (speed only)."""
    ev = _EVAL.get(node[0])
    if ev is None:
        raise ValueError(f"bad node {node[0]}")
    return ev(node, env)


def _ev_literal(node, env):
    return node[1]


def _ev_name(node, env):
    return env.values[node[1]]


def _ev_list(node, env):
    vals = [evaluate(x, env) for x in node[1]]
    bad = _absorb(*vals)
    return bad if bad is not None else vals


def _ev_call(node, env):
    f, args = node[1], [a[1] for a in node[2]]
    doc = env.doc
    if f == "concern":
        return args[0] in env.concerns
    if f == "concern_at_least":
        lv = env.concerns.get(args[0])
        return lv is not None and doc.level_index[lv] >= doc.level_index[args[1]]
    if f == "count_at_least":
        t = doc.level_index[args[0]]
        return sum(1 for lv in env.concerns.values() if doc.level_index[lv] >= t)
    if f == "domain_count":  # R30: a concern in several domains counts once in each
        return sum(1 for c in env.concerns if args[0] in doc.concerns[c].domains)
    if f == "tag_count":  # R32: each concern carrying the tag once, at whatever level
        return sum(1 for c in env.concerns if args[0] in doc.concerns[c].tags)
    if f == "tagged":
        return any(args[0] in doc.concerns[c].tags for c in env.concerns)
    if f == "rule":   # never unknown: a rule whose when was unknown did not hold
        return args[0] in env.held
    raise ValueError(f"unknown function {f}")


def _ev_not(node, env):
    v = evaluate(node[1], env)
    if _bad(v):
        return v
    if not isinstance(v, bool):
        return Err("no matching overload for !")
    return not v


def _ev_neg(node, env):
    v = evaluate(node[1], env)
    if _bad(v):
        return v
    if not isinstance(v, int) or isinstance(v, bool):
        return Err("no matching overload for -")
    return _checked(-v)


def _ev_cond(node, env):
    c = evaluate(node[1], env)
    if _bad(c):
        return c
    if not isinstance(c, bool):
        return Err("no matching overload for ?:")
    return evaluate(node[2] if c else node[3], env)


def _ev_bin(node, env):
    op = node[1]
    if op in ("&&", "||"):
        # both sides are evaluated (commutative short-circuit, CEL style)
        a, b = evaluate(node[2], env), evaluate(node[3], env)
        absorbing = (op == "||")  # false absorbs &&, true absorbs ||
        for v in (a, b):
            if v is absorbing:
                return absorbing
        if _bad(a) or _bad(b):
            return _absorb(a, b)
        if not isinstance(a, bool) or not isinstance(b, bool):
            return Err(f"no matching overload for {op}")
        return (a and b) if op == "&&" else (a or b)
    a, b = evaluate(node[2], env), evaluate(node[3], env)
    if _bad(a) or _bad(b):
        return _absorb(a, b)
    if op in ("+", "-", "*"):
        if not (isinstance(a, int) and not isinstance(a, bool) and isinstance(b, int) and not isinstance(b, bool)):
            return Err(f"no matching overload for {op}")
        return _checked(a + b if op == "+" else a - b if op == "-" else a * b)
    if op == "==":
        return _eq(a, b, env.doc)
    if op == "!=":
        r = _eq(a, b, env.doc)
        return r if isinstance(r, Err) else not r
    if op in ("<", "<=", ">", ">="):
        return _cmp(op, a, b, env.doc)
    if op == "in":
        if not isinstance(b, list):
            return Err("no matching overload for in")
        for el in b:
            r = _eq(a, el, env.doc)
            if r is True:
                return True
            # CEL `in` ignores overload mismatches between heterogeneous elements
        return False
    raise ValueError(f"bad node {node[0]}")


_EVAL = {"int": _ev_literal, "str": _ev_literal, "bool": _ev_literal, "name": _ev_name, "list": _ev_list,
         "call": _ev_call, "not": _ev_not, "neg": _ev_neg, "cond": _ev_cond, "bin": _ev_bin}


# ================================================================================================
# Contacts
# ================================================================================================

def _coerce_field(f: FieldDef, v):
    """Validate a declared field value. Returns (ok, value, message)."""
    if f.type == "bool":
        if isinstance(v, bool):
            return True, v, None
        return False, None, f"expected a bool, got {type(v).__name__}"
    if f.type == "int":
        if isinstance(v, int) and not isinstance(v, bool):
            if not INT64_MIN <= v <= INT64_MAX:
                return False, None, f"{v} is out of the int64 range"
            if f.min is not None and v < f.min:
                return False, None, f"{v} is below the minimum {f.min}"
            if f.max is not None and v > f.max:
                return False, None, f"{v} is above the maximum {f.max}"
            return True, v, None
        return False, None, f"expected an int, got {type(v).__name__}"
    if f.type == "string":
        if isinstance(v, str):
            return True, v, None
        return False, None, f"expected a string, got {type(v).__name__}"
    # enum
    sv = v if isinstance(v, str) else (str(v) if isinstance(v, int) and not isinstance(v, bool) else None)
    if sv is None:
        return False, None, f"expected one of {f.values}, got {type(v).__name__}"
    if sv not in f.values:
        return False, None, f"{sv!r} is not one of {f.values}"
    return True, sv, None


_SOURCE_FIELD = FieldDef("source", "enum", values=SOURCE_CODES)
_CHANNEL_FIELD = FieldDef("channel", "enum", values=CHANNELS)


@dataclass
class Checked:
    id: Any
    child: str | None
    received: _dt.datetime | None
    concerns: dict            # concern -> level, document concern order preserved as given
    values: dict              # expression names -> values / Unknown (without level, counters)
    errors: list


def check_contact(doc: Document, c: dict) -> Checked:
    errors = []
    if not isinstance(c, dict):
        return Checked(None, None, None, {}, {}, ["contact: expected an object"])
    present = {k: v for k, v in c.items() if v is not None}
    cid = present.get("id")
    if cid is None:
        errors.append("missing required field 'id'")
    elif not isinstance(cid, str):
        errors.append(f"field 'id': expected a string, got {type(cid).__name__}")
    for k in c:
        if k not in BUILTIN_FIELDS and k not in EXTRA_CONTACT_KEYS and k not in doc.fields:
            errors.append(f"unknown field {k!r}")
    values = {}
    child = present.get("child")
    if child is not None and not isinstance(child, str):
        errors.append(f"field 'child': expected a string, got {type(child).__name__}")
        child = None

    received = None
    if "received" not in present:
        errors.append("missing required field 'received'")
    else:
        try:
            received = parse_timestamp(present["received"])
        except (ValueError, OverflowError) as e:
            errors.append(f"field 'received': {e}")

    unborn = present.get("unborn", False)
    if not isinstance(unborn, bool):
        errors.append(f"field 'unborn': expected a bool, got {type(unborn).__name__}")
        unborn = False
    values["unborn"] = unborn

    dob = None
    if "dob" in present:
        try:
            dob = parse_date(present["dob"])
        except ValueError as e:
            errors.append(f"field 'dob': {e}")
    if unborn:
        values["age_months"] = values["age_years"] = 0
    elif dob is not None and received is not None:
        local = received.astimezone(doc.tz()).date()
        if dob > local:
            errors.append("field 'dob': date of birth is after the contact was received")
            values["age_months"] = values["age_years"] = Unknown({"age_months"})
        else:
            m = completed_months(dob, local)
            values["age_months"], values["age_years"] = m, m // 12
    else:
        values["age_months"] = Unknown({"age_months"})
        values["age_years"] = Unknown({"age_years"})

    for name, fd in (("source", _SOURCE_FIELD), ("channel", _CHANNEL_FIELD)):
        if name in present:
            ok, v, msg = _coerce_field(fd, present[name])
            if ok:
                values[name] = EnumV(name, v)
            else:
                errors.append(f"field {name!r}: {msg}")
                values[name] = Unknown({name})
        else:
            values[name] = Unknown({name})

    for name, fd in doc.fields.items():
        if name in present:
            ok, v, msg = _coerce_field(fd, present[name])
            if not ok:
                errors.append(f"field {name!r}: {msg}")
                values[name] = Unknown({name})
                continue
        elif fd.default is not None:
            v = fd.default
        else:
            values[name] = Unknown({name})
            continue
        values[name] = EnumV(name, v) if fd.type == "enum" else v

    concerns = {}
    cs = _short_forms(doc, present.get("concerns", {}), errors)
    for k, lv in cs.items():
        k = _s(k)
        if k not in doc.concerns:
            errors.append(f"unknown concern {k!r}")
            continue
        if lv is True:
            lvls = sorted(doc.concerns[k].levels, key=doc.level_index.get)
            errors.append(f"concern {k!r} has several levels, so the contact must say which: one of {', '.join(lvls)}")
            continue
        if not isinstance(lv, str):
            errors.append(f"concern {k!r}: expected a level id, got {type(lv).__name__}")
            continue
        if lv not in doc.level_index:
            errors.append(f"concern {k!r}: {lv!r} is not a level")
            continue
        if lv not in doc.concerns[k].levels:
            errors.append(f"concern {k!r} has no descriptor at level {lv!r}")
            continue
        concerns[k] = lv
    return Checked(cid, child, received, concerns, values, errors)


def _short_forms(doc: Document, cs, errors: list) -> dict:
    """R33: concerns named without a level: a list of ids, or `id: true` (`false`: not there). A
    concern with one level is at that level; one with several stays True, for the caller to reject."""
    if cs is None:
        return {}
    if isinstance(cs, list):
        if not all(isinstance(c, str) for c in cs):
            errors.append("field 'concerns': expected a list of concern ids")
            return {}
        cs = {c: True for c in cs}
    if not isinstance(cs, dict):
        errors.append("field 'concerns': expected a map of concern to level")
        return {}
    out = {}
    for k, lv in cs.items():
        if lv is False:
            continue
        if lv is True and _s(k) in doc.concerns and len(doc.concerns[_s(k)].levels) == 1:
            lv = next(iter(doc.concerns[_s(k)].levels))
        out[k] = lv
    return out


@dataclass
class HistItem:
    received: _dt.datetime
    concerns: list
    referral: bool
    outcome: str | None = None   # SPEC 7.6: the outcome and level it got, when known
    level: str | None = None


def check_history(doc: Document, items) -> tuple[list, list]:
    out, errors = [], []
    if items is None:
        return out, errors
    if not isinstance(items, list):
        return out, ["field 'history': expected a list"]
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            errors.append(f"history[{i}]: expected an object")
            continue
        try:
            rec = parse_timestamp(it.get("received"))
        except (ValueError, OverflowError) as e:
            errors.append(f"history[{i}].received: {e}")
            continue
        short_errors = []
        cs = _short_forms(doc, it.get("concerns") or {}, short_errors)
        if short_errors:
            errors.append(f"history[{i}].concerns: expected a map")
            continue
        bad = [f"history[{i}].concerns: unknown concern {_s(c)!r}" for c in cs if _s(c) not in doc.concerns]
        bad += [f"history[{i}].concerns.{_s(c)}: several levels, say which" for c, lv in cs.items()
                if _s(c) in doc.concerns and lv is True]
        bad += [f"history[{i}].concerns.{_s(c)}: {_s(lv)!r} is not a level" for c, lv in cs.items()
                if _s(c) in doc.concerns and lv is not True and _s(lv) not in doc.level_index]
        if bad:
            errors += bad
            continue
        ref, lvl = False, None
        if it.get("level") is not None:
            lvl = _s(it["level"])
            if lvl not in doc.level_index:
                errors.append(f"history[{i}].level: {lvl!r} is not a level")
                continue
        if it.get("outcome") is not None:
            o = _s(it["outcome"])
            if o not in doc.outcomes:
                errors.append(f"history[{i}].outcome: {o!r} is not an outcome")
                continue
            ref = doc.outcomes[o].referral
        r = it.get("referral")
        if r is not None:
            if not isinstance(r, bool):
                errors.append(f"history[{i}].referral: expected a bool")
                continue
            ref = ref or r
        out.append(HistItem(rec, [_s(k) for k in cs], ref,
                            None if it.get("outcome") is None else _s(it["outcome"]), lvl))
    return out, errors


def count_history(doc: Document, ctr: Counter, received, concerns: dict, items: list) -> int:
    start = window_start(received, *ctr.within)
    my_domains = {d for c in concerns for d in doc.concerns[c].domains}
    n = 0
    for it in items:
        if not (start <= it.received < received):
            continue
        if ctr.count == "referrals" and not it.referral:
            continue
        if ctr.sharing == "domain":
            doms = {d for c in it.concerns if c in doc.concerns for d in doc.concerns[c].domains}
            if not doms & my_domains:
                continue
        elif ctr.sharing == "concern":
            if not set(it.concerns) & set(concerns):
                continue
        # SPEC 7.6: filters on what the item got; an item whose outcome or level is not known
        # passes no filter that reads it.
        if ctr.outcomes is not None and it.outcome not in ctr.outcomes:
            continue
        if ctr.categories is not None and (it.outcome is None or doc.outcomes[it.outcome].category not in ctr.categories):
            continue
        if ctr.level_at_least is not None and (
                it.level is None or doc.level_index[it.level] < doc.level_index[ctr.level_at_least]):
            continue
        n += 1
    return n


# ================================================================================================
# Working time (R22)
# ================================================================================================

def add_working(doc: Document, start: _dt.datetime, seconds: int | float) -> _dt.datetime:
    tz = doc.tz()
    t = start.astimezone(UTC)
    remaining = _dt.timedelta(seconds=seconds)
    day = t.astimezone(tz).date() - _dt.timedelta(days=1)
    for _ in range(200000):
        if day.weekday() < 5 and day not in doc.holidays:
            ps, pe = _period_utc(doc.timezone, day, doc.work_start, doc.work_end)
            if t < pe:
                s = max(t, ps)
                avail = pe - s
                if remaining <= avail:
                    return s + remaining
                remaining -= avail
                t = pe
        day += _dt.timedelta(days=1)
    raise ValueError("no working time found")


@_functools.lru_cache(maxsize=1 << 16)
def _period_utc(timezone: str, day: _dt.date, start: _dt.time, end: _dt.time):
    """The UTC instants of `day`'s working period [start, end) in local time of `timezone`; cached
    (speed only: deadlines in the same weeks reuse the same days)."""
    tz = UTC if timezone == "UTC" else ZoneInfo(timezone)
    return (_dt.datetime.combine(day, start, tzinfo=tz).astimezone(UTC),
            _dt.datetime.combine(day, end, tzinfo=tz).astimezone(UTC))


def deadline_at(doc: Document, received: _dt.datetime, dw) -> _dt.datetime | None:
    if dw is None:
        return None
    n, unit = dw
    if unit == "hours":
        return received + _dt.timedelta(hours=n)
    if unit == "days":
        return received + _dt.timedelta(days=n)
    period = (_dt.datetime.combine(_dt.date(2000, 1, 3), doc.work_end)
              - _dt.datetime.combine(_dt.date(2000, 1, 3), doc.work_start)).total_seconds()
    secs = n * 3600 if unit == "working hours" else n * period
    return add_working(doc, received, secs)


def deadline_for(doc: Document, received: _dt.datetime, dw) -> str | None:
    at = deadline_at(doc, received, dw)
    return None if at is None else fmt_utc(at)


def earliest_deadline(doc: Document, received, candidates) -> tuple[str | None, str | None]:
    """SPEC 7.5: the earliest of (id, decide_within) candidates, the first on a tie; (deadline, id)."""
    best, best_id = None, None
    for cid, dw in candidates:
        at = deadline_at(doc, received, dw)
        if at is not None and (best is None or at < best):
            best, best_id = at, cid
    return (None if best is None else fmt_utc(best)), best_id


# ================================================================================================
# Decisions
# ================================================================================================

DECISION_KEYS = ["contact", "level", "outcome", "category", "referral", "actions", "deadline",
                 "deadline_from", "flags", "rules", "routing", "reasons", "document", "error"]


def _dedupe(xs):
    seen, out = set(), []
    for x in xs:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _rejected(doc: Document, cid, errors) -> dict:
    d = {k: None for k in DECISION_KEYS}
    d["contact"] = cid if isinstance(cid, str) else None
    d["document"] = {"id": doc.id, "version": doc.version, "sha256": doc.sha256}
    d["error"] = "; ".join(errors)
    return d


def decide(doc: Document, contact: dict, history: list | None = None) -> dict:
    """Decide one contact. `history` overrides the contact's own `history` key when given."""
    ck = check_contact(doc, contact)
    if history is None and isinstance(contact, dict):
        history = contact.get("history")
    items, herr = check_history(doc, history)
    errors = ck.errors + herr
    if errors:
        return _rejected(doc, ck.id, errors)
    return _decide_checked(doc, ck, items)


def _level_values(doc: Document) -> list:
    """LevelV per level index, made once per document (speed only)."""
    lv = doc.__dict__.get("_level_values")
    if lv is None:
        lv = doc.__dict__["_level_values"] = [LevelV(l.id, i) for i, l in enumerate(doc.levels)]
    return lv


def _decide_checked(doc: Document, ck: Checked, items: list) -> dict:
    values = dict(ck.values)
    for name, ctr in doc.counters.items():
        values[name] = count_history(doc, ctr, ck.received, ck.concerns, items)
    env = Env(doc, values, ck.concerns)
    reasons = []
    rule_by_id = {r.id: r for r in doc.rules}

    # base level
    base = 0
    for c, lv in ck.concerns.items():
        base = max(base, doc.level_index[lv])
    for cid, con in doc.concerns.items():
        if cid in ck.concerns and doc.level_index[ck.concerns[cid]] == base:
            reasons.append({"id": cid, "kind": "concern", "text": con.levels[ck.concerns[cid]]})
    level = base

    level_values = _level_values(doc)
    if "base_level" not in doc.fields and "base_level" not in doc.counters:
        values["base_level"] = level_values[base]

    def holds(ast, what_id):
        if ast is None:
            return True
        values["level"] = level_values[level]
        v = evaluate(ast, env)
        if isinstance(v, Unknown):
            reasons.append({"id": what_id, "kind": "unknown", "fields": sorted(v.names),
                            "text": f"not known: {', '.join(sorted(v.names))}"})
        return v is True

    held, actions_r, flags = [], [], []
    for r in doc.rules:
        if holds(r.when, r.id):
            held.append(r.id)
            env.held.add(r.id)
            if r.raise_to is not None:
                level = max(level, doc.level_index[r.raise_to])
            actions_r += r.actions
            flags += r.flags
            reasons.append({"id": r.id, "kind": "rule", "text": r.because or r.id})

    routing_id, outcome_id = None, None
    for rt in doc.routing:
        if holds(rt.when, rt.id):
            routing_id, outcome_id = rt.id, rt.outcome
            reasons.append({"id": rt.id, "kind": "routing", "text": rt.because or rt.id})
            break
    if outcome_id is None:
        outcome_id = doc.levels[level].route
        reasons.append({"id": doc.levels[level].id, "kind": "level", "text": doc.levels[level].name})
    out = doc.outcomes[outcome_id]
    candidates = [(out.id, out.decide_within)] + [(h, rule_by_id[h].decide_within) for h in held]
    if routing_id is not None:
        candidates.append((routing_id, next(rt for rt in doc.routing if rt.id == routing_id).decide_within))
    deadline, deadline_from = earliest_deadline(doc, ck.received, candidates)
    actions = [a for a in _dedupe(doc.always + out.actions + actions_r)
               if a not in doc.only_with or _kept(doc.only_with[a], out)]

    d = {
        "contact": ck.id,
        "level": doc.levels[level].id,
        "outcome": out.id,
        "category": out.category,
        "referral": out.referral,
        "actions": actions,
        "deadline": deadline,
        "deadline_from": deadline_from,
        "flags": _dedupe(flags),
        "rules": held,
        "routing": routing_id,
        "reasons": reasons,
        "document": {"id": doc.id, "version": doc.version, "sha256": doc.sha256},
        "error": None,
    }
    return d


def decide_batch(doc: Document, contacts: list) -> list:
    """SPEC 2.2 Batches (R24). Output in input order."""
    keyed = []
    for i, c in enumerate(contacts):
        try:
            rec = parse_timestamp(c.get("received")) if isinstance(c, dict) else None
        except (ValueError, OverflowError):
            rec = None
        keyed.append((rec is None, rec or _dt.datetime.min.replace(tzinfo=UTC), i))
    keyed.sort()
    results = [None] * len(contacts)
    past: dict[str, list] = {}    # child -> earlier decided rows as HistItems
    for _, _, i in keyed:
        c = contacts[i]
        ck = check_contact(doc, c)
        own = c.get("history") if isinstance(c, dict) else None
        if own is not None:
            items, herr = check_history(doc, own)
        else:
            items, herr = (list(past.get(ck.child, [])) if ck.child else []), []
        errors = ck.errors + herr
        if errors:
            results[i] = _rejected(doc, ck.id, errors)
            continue
        d = _decide_checked(doc, ck, items)
        results[i] = d
        if ck.child is not None:
            past.setdefault(ck.child, []).append(
                HistItem(ck.received, list(ck.concerns), doc.outcomes[d["outcome"]].referral, d["outcome"], d["level"]))
    return results


# ================================================================================================
# Tests (SPEC 2.2 Tests, R25)
# ================================================================================================

EXPECT_KEYS = ["level", "outcome", "category", "actions", "actions_include", "flags", "rules",
               "routing", "deadline", "deadline_from", "error"]


def _norm_deadline(v):
    if v is None:
        return None
    try:
        return fmt_utc(parse_timestamp(v))
    except (ValueError, OverflowError):
        return _s(v)


def run_test(doc: Document, t: dict, idx: int = 0) -> list[str]:
    """Return the failure messages of one test (empty when it passes)."""
    name = _s(t.get("name", f"test #{idx + 1}")) if isinstance(t, dict) else f"test #{idx + 1}"
    if not isinstance(t, dict):
        return [f"{name}: a test must be a mapping"]
    bad = [k for k in t if k not in ("name", "contact", "history", "expect")]
    if bad:
        return [f"{name}: unknown key(s) {bad}"]
    contact = dict(t.get("contact") or {})
    contact.setdefault("id", name)
    exp = t.get("expect") or {}
    if not isinstance(exp, dict):
        return [f"{name}: expect must be a mapping"]
    badk = [k for k in exp if k not in EXPECT_KEYS]
    if badk:
        return [f"{name}: unknown expect key(s) {badk}"]
    d = decide(doc, contact, t.get("history") if "history" in t else None)
    fails = []
    if "error" in exp:
        if d["error"] is None:
            fails.append(f"expected an error containing {exp['error']!r}, but the contact was decided "
                         f"(level {d['level']}, outcome {d['outcome']})")
        elif _s(exp["error"]) not in d["error"]:
            fails.append(f"error {d['error']!r} does not contain {exp['error']!r}")
    elif d["error"] is not None:
        fails.append(f"contact rejected: {d['error']}")
    if d["error"] is None:
        for k in ("level", "outcome", "category"):
            if k in exp and _s(exp[k]) != d[k]:
                fails.append(f"{k}: expected {_s(exp[k])!r}, got {d[k]!r}")
        for k in ("actions", "flags", "rules"):
            if k in exp:
                want = set(_str_list(exp[k], k))
                if want != set(d[k]):
                    fails.append(f"{k}: expected {sorted(want)}, got {d[k]}")
        if "actions_include" in exp:
            missing = [a for a in _str_list(exp["actions_include"], "actions_include")
                       if a not in d["actions"]]
            if missing:
                fails.append(f"actions_include: missing {missing} (got {d['actions']})")
        if "routing" in exp:
            want = None if exp["routing"] is None else _s(exp["routing"])
            if want != d["routing"]:
                fails.append(f"routing: expected {want!r}, got {d['routing']!r}")
        if "deadline" in exp and _norm_deadline(exp["deadline"]) != d["deadline"]:
            fails.append(f"deadline: expected {_norm_deadline(exp['deadline'])!r}, got {d['deadline']!r}")
        if "deadline_from" in exp:
            want = None if exp["deadline_from"] is None else _s(exp["deadline_from"])
            if want != d["deadline_from"]:
                fails.append(f"deadline_from: expected {want!r}, got {d['deadline_from']!r}")
    return [f"{name}: {f}" for f in fails]


def run_tests(doc: Document) -> list[str]:
    """Run the document's tests; returns one message per failed expectation."""
    failures = []
    for i, t in enumerate(doc.tests):
        failures += run_test(doc, t, i)
    return failures


# ================================================================================================
# CLI
# ================================================================================================

def _json_default(o):
    if isinstance(o, (_dt.date, _dt.datetime)):
        return o.isoformat()
    raise TypeError(type(o).__name__)


def _read_jsonl(path):
    f = sys.stdin if path == "-" else open(path, encoding="utf-8")
    rows = []
    try:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    finally:
        if f is not sys.stdin:
            f.close()
    return rows


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    usage = ("usage: frontdoor_ref.py decide DOC CONTACTS.jsonl | frontdoor_ref.py test DOC")
    if len(argv) < 2 or argv[0] not in ("decide", "test"):
        print(usage, file=sys.stderr)
        return 2
    try:
        doc = load(argv[1])
    except (OSError, ValueError) as e:
        print(f"{argv[1]}: error: {e}", file=sys.stderr)
        return 2 if isinstance(e, OSError) else 1
    if argv[0] == "test":
        failed = 0
        for i, t in enumerate(doc.tests):
            fails = run_test(doc, t, i)
            failed += bool(fails)
            for f in fails:
                print(f"FAIL {f}")
        print(f"{len(doc.tests) - failed} passed, {failed} failed")
        return 1 if failed else 0
    if len(argv) != 3:
        print(usage, file=sys.stderr)
        return 2
    try:
        rows = _read_jsonl(argv[2])
    except (OSError, ValueError) as e:
        print(f"{argv[2]}: error: {e}", file=sys.stderr)
        return 2
    out = decide_batch(doc, rows)
    for d in out:
        sys.stdout.write(json.dumps(d, ensure_ascii=False, default=_json_default) + "\n")
    return 1 if any(d["error"] for d in out) else 0


if __name__ == "__main__":
    sys.exit(main())
