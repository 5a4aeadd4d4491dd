"""Random threshold documents and contacts for differential testing of the frontdoor engine against
the Python reference evaluator (tests/reference/frontdoor_ref.py), plus the runner and comparator.

Everything is driven by a `random.Random(seed)`, so a seed reproduces a document and its contacts
exactly. Generated documents and contacts are valid and properly typed (the engine is lenient with
input types; the reference is strict; that difference is not under test here). A small share of
contacts is deliberately invalid in ways both must reject (unknown concern, a level the concern does
not have, unknown field, bad timestamp, bad enum value, ...), so "error or not" is compared too.

Used by tests/differential/test_differential.py (CI) and tests/differential/long_run.py (millions of
decisions; docs/differential.md).

Replay the i-th generated document with n contacts by hand (`seeded DOCSEED CSEED N DIR` and
`default CSEED N DIR` regenerate a long run's chunks from the seeds in its case.json):
    python3 tests/differential/fdgen.py case I N /tmp/case
    build/frontdoor decide /tmp/case/doc.yaml /tmp/case/contacts.jsonl
    python3 tests/reference/frontdoor_ref.py decide /tmp/case/doc.yaml /tmp/case/contacts.jsonl
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "reference"))
import frontdoor_ref as ref  # noqa: E402

FRONTDOOR = os.environ.get("FRONTDOOR", "/work/main/build/frontdoor")
DEFAULT_DOC = REPO / "rules" / "exampleshire.yaml"
UTC = dt.timezone.utc
INT64_MAX = 2 ** 63 - 1
INT64_MIN = -(2 ** 63)

SOURCE_CODES = list(ref.SOURCE_CODES)
CHANNELS = list(ref.CHANNELS)
COMPARED = ["level", "outcome", "category", "referral", "actions", "deadline", "deadline_from", "flags", "rules",
            "routing"]

# Features of the expression generator. FEATURES_ALL is everything; the differential tests may run
# with a subset when a feature exposes a known engine bug (then a separate xfail test keeps the bug
# visible).
FEATURES_ALL = frozenset({
    "list_eq",          # [a, b] == [c, d]
    "in_nonliteral",    # x in [1, int_field, 3]: list items that may be unknown or overflow
    "cond_enum",        # (c ? source : "6") == "7"
})


# ================================================================================================
# Time
# ================================================================================================

DST_DAYS = [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2027, 3, 28), dt.date(2027, 10, 31),
            dt.date(2026, 3, 8), dt.date(2026, 11, 1), dt.date(2026, 4, 5), dt.date(2026, 10, 4),
            dt.date(2026, 4, 24), dt.date(2026, 10, 29)]
UK_HOLIDAYS = [dt.date(2026, 4, 3), dt.date(2026, 4, 6), dt.date(2026, 5, 4), dt.date(2026, 5, 25),
               dt.date(2026, 8, 31), dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1),
               dt.date(2027, 3, 26), dt.date(2027, 3, 29), dt.date(2027, 5, 3), dt.date(2027, 5, 31),
               dt.date(2027, 8, 30), dt.date(2027, 12, 27), dt.date(2027, 12, 28)]
MONTH_ENDS = [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 5, 31),
              dt.date(2026, 8, 31), dt.date(2026, 11, 30), dt.date(2026, 12, 31), dt.date(2027, 2, 28)]
OFFSETS = [0, 0, 0, 60, -300, 330, -240, 600, 585, -210, 120]     # minutes east of UTC
RANGE_START = dt.datetime(2025, 10, 1, tzinfo=UTC)
RANGE_DAYS = 800


def fmt_ts(instant: dt.datetime, offset_min: int, style: int = 0) -> str:
    """An ISO 8601 timestamp of `instant` written with the given offset (same instant)."""
    local = instant.astimezone(dt.timezone(dt.timedelta(minutes=offset_min)))
    s = local.strftime("%Y-%m-%dT%H:%M:%S")
    if offset_min == 0 and style % 2 == 0:
        return s + "Z"
    sign = "+" if offset_min >= 0 else "-"
    h, m = divmod(abs(offset_min), 60)
    return s + (f"{sign}{h:02d}:{m:02d}" if style < 2 else f"{sign}{h:02d}{m:02d}")


@dataclass
class Clock:
    """What the contact generator needs to know about a document's calendar."""
    tz: dt.tzinfo
    start: dt.time
    end: dt.time
    holidays: list

    def local(self, day: dt.date, t: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, t, tzinfo=self.tz).astimezone(UTC)


def gen_instant(rng: random.Random, clock: Clock) -> dt.datetime:
    mode = rng.random()
    if mode < 0.35:
        return RANGE_START + dt.timedelta(seconds=rng.randrange(RANGE_DAYS * 86400))
    specials = DST_DAYS + UK_HOLIDAYS + MONTH_ENDS + clock.holidays
    day = rng.choice(specials) + dt.timedelta(days=rng.randint(-3, 3))
    if mode < 0.5:
        day = RANGE_START.date() + dt.timedelta(days=rng.randrange(RANGE_DAYS))
    start_s = clock.start.hour * 3600 + clock.start.minute * 60
    end_s = clock.end.hour * 3600 + clock.end.minute * 60
    secs = rng.choice([start_s, end_s, start_s - 1, end_s - 1, end_s + 1, start_s + 1, (start_s + end_s) // 2,
                       19 * 3600 + 1800, 23 * 3600 + 3599, 0, 7 * 3600, rng.randrange(86400)])
    secs = max(0, min(86399, secs))
    t = dt.time(secs // 3600, secs // 60 % 60, secs % 60)
    return clock.local(day, t)


def months_before(instant: dt.datetime, n: int) -> dt.datetime:
    y, m, d = ref.add_months_clamped(instant.year, instant.month, instant.day, -n)
    return instant.replace(year=y, month=m, day=d)


# ================================================================================================
# Document model (what generators need, for both the default and generated documents)
# ================================================================================================

@dataclass
class FieldSpec:
    name: str
    type: str                 # bool | int | string | enum
    values: list | None = None
    min: int | None = None
    max: int | None = None
    default: object = None


@dataclass
class Model:
    levels: list[str]
    concerns: dict            # id -> ([domain ids], [level ids])
    fields: dict              # name -> FieldSpec
    counters: list[str]
    outcomes: list[str]
    clock: Clock
    features: frozenset = FEATURES_ALL
    tags: list = field(default_factory=list)

    @property
    def domains(self):
        return sorted({d for ds, _ in self.concerns.values() for d in ds})


def model_from_reference(doc: "ref.Document") -> Model:
    fields = {n: FieldSpec(n, f.type, f.values, f.min, f.max, f.default) for n, f in doc.fields.items()}
    concerns = {c.id: (list(c.domains), list(c.levels)) for c in doc.concerns.values()}
    clock = Clock(doc.tz(), doc.work_start, doc.work_end, sorted(doc.holidays))
    return Model([l.id for l in doc.levels], concerns, fields, list(doc.counters), list(doc.outcomes), clock,
                 tags=sorted(doc.tags()))


# ================================================================================================
# Expressions: typed random generation, printed with CEL precedence
# ================================================================================================
# Each generator returns (text, precedence): 0 ?:, 1 ||, 2 &&, 3 relations/in, 4 + -, 5 *, 6 unary,
# 7 primary.

BIG_INTS = [INT64_MAX, INT64_MIN, 2 ** 62, 3037000500, -3037000500, 4611686018427387904, INT64_MAX - 1,
            1 << 32, -(1 << 40)]
STRING_POOL = ["", "a", "b", "ab", "B", "zz", "é", "Zoë", "10", "2", "a b"]


class ExprGen:
    def __init__(self, rng: random.Random, m: Model):
        self.r = rng
        self.m = m
        self.int_names = ["age_months", "age_years"] + m.counters + \
            [f.name for f in m.fields.values() if f.type == "int"]
        self.bool_names = ["unborn"] + [f.name for f in m.fields.values() if f.type == "bool"]
        self.enums = {"source": SOURCE_CODES, "channel": CHANNELS}
        self.enums.update({f.name: f.values for f in m.fields.values() if f.type == "enum"})
        self.string_names = [f.name for f in m.fields.values() if f.type == "string"]

    # -- helpers
    def wrap(self, e, min_prec):
        text, prec = e
        if prec < min_prec or (self.r.random() < 0.08 and prec < 7):
            return f"({text})"
        return text

    def binop(self, op, prec, a, b):
        return (f"{self.wrap(a, prec)} {op} {self.wrap(b, prec + 1)}", prec)

    def cond(self, c, a, b):
        return (f"{self.wrap(c, 1)} ? {self.wrap(a, 1)} : {self.wrap(b, 0)}", 0)

    @staticmethod
    def q(s):
        return json.dumps(s, ensure_ascii=False)

    # -- ints
    def int_lit(self):
        r = self.r.random()
        if r < 0.55:
            v = self.r.randint(0, 30)
        elif r < 0.75:
            v = self.r.randint(-20, 200)
        else:
            v = self.r.choice(BIG_INTS)
        return (str(v), 7 if v >= 0 else 6)

    def int_leaf(self):
        r = self.r.random()
        if r < 0.35:
            return self.int_lit()
        if r < 0.8:
            return (self.r.choice(self.int_names), 7)
        if r < 0.86:
            return (f"count_at_least({self.q(self.r.choice(self.m.levels))})", 7)
        if self.m.tags and r < 0.94:
            return (f"tag_count({self.q(self.r.choice(self.m.tags))})", 7)
        return (f"domain_count({self.q(self.r.choice(self.m.domains))})", 7)

    def gen_int(self, d):
        if d <= 0 or self.r.random() < 0.3:
            return self.int_leaf()
        k = self.r.random()
        if k < 0.3:
            return self.binop("+", 4, self.gen_int(d - 1), self.gen_int(d - 1))
        if k < 0.5:
            return self.binop("-", 4, self.gen_int(d - 1), self.gen_int(d - 1))
        if k < 0.72:
            return self.binop("*", 5, self.gen_int(d - 1), self.gen_int(d - 1))
        if k < 0.82:
            x = self.gen_int(d - 1)
            text = x[0] if x[1] >= 7 and not x[0][0].isdigit() else f"({x[0]})"
            return (f"-{text}", 6)
        return self.cond(self.gen_bool(d - 1), self.gen_int(d - 1), self.gen_int(d - 1))

    # -- bools
    def bool_leaf(self):
        r = self.r.random()
        m = self.m
        if r < 0.08:
            return (self.r.choice(["true", "false"]), 7)
        if r < 0.3:
            return (self.r.choice(self.bool_names), 7)
        if r < 0.45:
            return (f"concern({self.q(self.r.choice(list(m.concerns)))})", 7)
        if r < 0.6:
            c = self.r.choice(list(m.concerns))
            return (f"concern_at_least({self.q(c)}, {self.q(self.r.choice(m.levels))})", 7)
        if m.tags and r < 0.68:
            return (f"tagged({self.q(self.r.choice(m.tags))})", 7)
        if r < 0.75:
            return self.level_cmp()
        if r < 0.88:
            return self.enum_cmp()
        op = self.r.choice(["<", "<=", ">", ">=", "==", "!="])
        return self.binop(op, 3, (self.r.choice(self.int_names), 7), self.int_lit())

    def level_cmp(self):
        lv = self.q(self.r.choice(self.m.levels))
        k = self.r.random()
        if k < 0.15:
            items = ", ".join(self.q(x) for x in self.r.sample(self.m.levels, self.r.randint(1, 3)))
            return (f"level in [{items}]", 3)
        op = self.r.choice(["<", "<=", ">", ">=", "==", "!="])
        if k < 0.3:
            return (f"{lv} {op} level", 3)
        return (f"level {op} {lv}", 3)

    def enum_cmp(self):
        name = self.r.choice(list(self.enums))
        vals = self.enums[name]
        k = self.r.random()
        if k < 0.3:
            items = ", ".join(self.q(x) for x in self.r.sample(vals, min(len(vals), self.r.randint(1, 3))))
            return (f"{name} in [{items}]", 3)
        op = self.r.choice(["==", "!="])
        if k < 0.4:
            return (f"{self.q(self.r.choice(vals))} {op} {name}", 3)
        if k < 0.5 and "cond_enum" in self.m.features:
            c = self.gen_bool(0)
            return (f"({self.wrap(c, 1)} ? {name} : {self.q(self.r.choice(vals))}) {op} "
                    f"{self.q(self.r.choice(vals))}", 3)
        return (f"{name} {op} {self.q(self.r.choice(vals))}", 3)

    def string_cmp(self):
        name = self.r.choice(self.string_names)
        k = self.r.random()
        if k < 0.25:
            items = ", ".join(self.q(x) for x in self.r.sample(STRING_POOL, 3))
            return (f"{name} in [{items}]", 3)
        op = self.r.choice(["<", "<=", ">", ">=", "==", "!="])
        other = self.q(self.r.choice(STRING_POOL)) if k < 0.8 else self.r.choice(self.string_names)
        return (f"{name} {op} {other}", 3)

    def gen_bool(self, d):
        if d <= 0 or self.r.random() < 0.2:
            return self.bool_leaf()
        k = self.r.random()
        if k < 0.1:
            return (f"!{self.wrap(self.gen_bool(d - 1), 6)}", 6)
        if k < 0.3:
            return self.binop("&&", 2, self.gen_bool(d - 1), self.gen_bool(d - 1))
        if k < 0.48:
            return self.binop("||", 1, self.gen_bool(d - 1), self.gen_bool(d - 1))
        if k < 0.53:
            return self.cond(self.gen_bool(d - 1), self.gen_bool(d - 1), self.gen_bool(d - 1))
        if k < 0.7:
            op = self.r.choice(["<", "<=", ">", ">=", "==", "!="])
            return self.binop(op, 3, self.gen_int(d - 1), self.gen_int(d - 1))
        if k < 0.76 and self.string_names:
            return self.string_cmp()
        if k < 0.8:
            return self.binop(self.r.choice(["==", "!="]), 3, self.gen_bool(d - 1), self.gen_bool(d - 1))
        if k < 0.86:
            n = self.r.randint(1, 4)
            if "in_nonliteral" in self.m.features and self.r.random() < 0.5:
                items = [self.wrap(self.gen_int(d - 1), 0) for _ in range(n)]
            else:
                items = [self.int_lit()[0] for _ in range(n)]
            return (f"{self.wrap(self.gen_int(d - 1), 4)} in [{', '.join(items)}]", 3)
        if k < 0.9 and "list_eq" in self.m.features:
            n1 = self.r.randint(0, 3)
            n2 = n1 if self.r.random() < 0.7 else self.r.randint(0, 3)
            a = ", ".join(self.wrap(self.gen_int(d - 1), 0) for _ in range(n1))
            b = ", ".join(self.wrap(self.gen_int(d - 1), 0) for _ in range(n2))
            return (f"[{a}] {self.r.choice(['==', '!='])} [{b}]", 3)
        if k < 0.95:
            return self.level_cmp()
        return self.enum_cmp()

    def when(self):
        return self.gen_bool(self.r.randint(0, 3))[0]


# ================================================================================================
# Random documents
# ================================================================================================

LEVEL_POOL = ["universal", "early_help", "targeted", "complex", "acute", "critical"]
DOMAIN_POOL = ["development", "parenting", "family", "environment"]
CONCERN_POOL = ["neglect", "injury", "housing", "school", "mood", "missing", "exploitation", "drugs",
                "conflict", "carer", "radical", "online"]
ACTION_POOL = ["signoff", "allocate", "checks", "strategy", "review", "call_back", "panel"]
FLAG_POOL = ["flag_a", "flag_b", "flag_c", "repeat"]
TIMEZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
             "Pacific/Chatham", "America/St_Johns", "Africa/Cairo", None]
HOURS = ["09:00-17:00", "08:30-16:00", "07:00-19:30", "10:00-12:00", "09:15-17:45", "06:00-22:00"]
CATEGORIES = ["nfa", "early_help", "assessment", "s47", "open_case", "other"]


def gen_document(seed: int, features=FEATURES_ALL) -> str:
    r = random.Random(seed)
    nlev = r.randint(3, 6)
    levels = sorted(r.sample(range(len(LEVEL_POOL)), nlev))
    levels = [LEVEL_POOL[i] if r.random() < 0.8 else f"{LEVEL_POOL[i][:3]}_{i}" for i in levels]
    actions = r.sample(ACTION_POOL, r.randint(3, len(ACTION_POOL)))
    noutc = r.randint(2, 6)
    outcomes = {}
    for i in range(noutc):
        unit = r.choice(["working hours", "working days", "hours", "days", "working day", "working hour"])
        n = 1 if unit.endswith(("day", "hour")) else r.choice([0, 1, 1, 2, 4, 8, 24, 3, 10])
        o = {"name": f"Outcome {i}", "category": r.choice(CATEGORIES), "referral": r.random() < 0.5,
             "decide_within": f"{n} {unit}"}
        if r.random() < 0.6:
            o["actions"] = r.sample(actions, r.randint(1, 2))
        outcomes[f"out_{i}"] = o
    doc = {"frontdoor": 1, "id": f"gen{seed}", "title": f"Generated {seed}", "version": str(seed % 97),
           "levels": [{"id": lv, "name": f"Level {i + 1}", "route": r.choice(list(outcomes))}
                      for i, lv in enumerate(levels)],
           "outcomes": outcomes,
           "actions": {a: f"Do {a}" for a in actions}}
    if r.random() < 0.7:
        doc["always"] = r.sample(actions, r.randint(1, 2))
    cal = {}
    tz = r.choice(TIMEZONES)
    if tz:
        cal["timezone"] = tz
    if r.random() < 0.8:
        cal["working_hours"] = r.choice(HOURS)
    if r.random() < 0.7:
        hol = set(r.sample(UK_HOLIDAYS, r.randint(0, 6)))
        for _ in range(r.randint(0, 3)):
            hol.add(RANGE_START.date() + dt.timedelta(days=r.randrange(RANGE_DAYS)))
        cal["holidays"] = [h.isoformat() for h in sorted(hol)]
    if cal:
        doc["calendar"] = cal

    fields = {}
    for i in range(r.randint(1, 5)):
        t = r.choice(["bool", "int", "string", "enum"])
        name = f"f_{t}{i}"
        f = {"type": t}
        if t == "bool" and r.random() < 0.5:
            f["default"] = r.random() < 0.5
        if t == "int":
            if r.random() < 0.4:
                f["min"] = r.choice([0, -10, INT64_MIN])
            if r.random() < 0.4:
                f["max"] = r.choice([10, 100, INT64_MAX])
            if r.random() < 0.4:
                lo, hi = f.get("min", -5), f.get("max", 50)
                f["default"] = r.choice([lo, hi, max(lo, min(hi, 3))])
        if t == "string" and r.random() < 0.4:
            f["default"] = r.choice(STRING_POOL)
        if t == "enum":
            vals = r.sample(["none", "cin", "cp_plan", "cla", "10", "2A", "yes_v", "x"], r.randint(2, 5))
            f["values"] = vals
            if r.random() < 0.5:
                f["default"] = r.choice(vals)
        if r.random() < 0.3:
            f["text"] = f"Field {name}"
        fields[name] = f
    doc["fields"] = fields

    domains = r.sample(DOMAIN_POOL, r.randint(1, 4))
    concerns = {}
    for c in r.sample(CONCERN_POOL, r.randint(3, 8)):
        lvls = sorted(r.sample(range(nlev), r.randint(1, nlev)))
        concerns[c] = {"domain": r.choice(domains),
                       "levels": {levels[i]: f"{c} at {levels[i]}" for i in lvls}}
    doc["concerns"] = concerns
    _councils_shapes(random.Random(seed * 31 + 7), doc, levels, domains)

    counters = {}
    for i in range(r.randint(0, 3)):
        unit = r.choice(["days", "weeks", "months", "month", "day"])
        n = 1 if unit in ("month", "day") else r.choice([1, 2, 3, 6, 12, 30])
        h = {"count": r.choice(["contacts", "referrals"]), "within": f"{n} {unit}"}
        s = r.choice([None, "domain", "concern"])
        if s:
            h["sharing"] = s
        counters[f"h_{i}"] = h
    if counters or r.random() < 0.5:
        doc["history"] = counters

    fspecs = {n: FieldSpec(n, f["type"], f.get("values"), f.get("min"), f.get("max"), f.get("default"))
              for n, f in fields.items()}
    model = generated_model(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=10 ** 6), features)
    eg = ExprGen(r, model)

    def when():
        if r.random() < 0.03:
            return r.random() < 0.5          # a YAML boolean
        return eg.when()

    rules = []
    for i in range(r.randint(1, 6)):
        rule = {"id": f"rule_{i}", "when": when()}
        if r.random() < 0.5:
            rule["raise_to"] = r.choice(levels)
        if r.random() < 0.5:
            rule["actions"] = r.sample(actions, r.randint(1, 2))
        if r.random() < 0.4 or len(rule) == 2:
            rule["flags"] = r.sample(FLAG_POOL, r.randint(1, 2))
        if r.random() < 0.5:
            rule["because"] = f"Because {i}"
        rules.append(rule)
    doc["rules"] = rules
    routing = []
    for i in range(r.randint(0, 4)):
        rt = {"id": f"route_{i}", "when": when(), "outcome": r.choice(list(outcomes))}
        if r.random() < 0.2:
            rt["lowers"] = True
            rt["because"] = f"Lowers {i}"
        elif r.random() < 0.3:
            rt["because"] = f"Routes {i}"
        routing.append(rt)
    if routing or r.random() < 0.5:
        doc["routing"] = routing
    spec7(random.Random(f"spec7|{seed}"), doc, eg)
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=10 ** 6)


TAG_POOL = ["harm", "education", "health", "online", "money"]
INDICATOR_POOL = ["late_school", "no_gp", "rent_arrears", "bruise_baby", "lonely", "self_harm", "runaway",
                  "poor_diet", "unsafe_home", "young_carer"]


def _councils_shapes(r: random.Random, doc: dict, levels: list, domains: list):
    """SPEC 7.1 and 7.2 in most documents, from a stream of their own (so the rest of a seed's
    document is as before): concerns in several domains, several texts at a level, tags, and
    indicators listed by level and domain, in both forms."""
    if r.random() < 0.2:
        return
    tags = r.sample(TAG_POOL, r.randint(1, 3))
    for c, v in doc["concerns"].items():
        k = r.random()
        if k < 0.2:
            v["domain"] = _unique([v["domain"]] + r.sample(domains, r.randint(1, len(domains))))
        elif k < 0.3:
            v["also_in"] = r.sample(domains, r.randint(1, len(domains)))
        if r.random() < 0.4:
            v["tags"] = r.sample(tags, r.randint(1, len(tags)))
        if r.random() < 0.2:
            lv = r.choice(list(v["levels"]))
            v["levels"][lv] = [v["levels"][lv], f"{c} also at {lv}"]
    indicators = {}
    for iid in r.sample(INDICATOR_POOL, r.randint(1, 6)):
        lv, dom = r.choice(levels), r.choice(domains)
        text = f"{iid} at {lv}" if r.random() < 0.8 else [f"{iid} at {lv}", f"{iid}, more"]
        if r.random() < 0.5:
            item = {iid: text}
        else:
            item = {"id": iid, "text": text}
            if r.random() < 0.7:
                item["tags"] = r.sample(tags, r.randint(1, len(tags)))
            if r.random() < 0.4:
                item["also_in"] = r.sample(domains, 1)
        indicators.setdefault(lv, {}).setdefault(dom, []).append(item)
    if not any("tags" in v for v in doc["concerns"].values()) and not any(
            "tags" in i for ds in indicators.values() for items in ds.values() for i in items):
        next(iter(doc["concerns"].values()))["tags"] = [tags[0]]     # so tagged() has a tag to name
    doc["indicators"] = indicators


def _unique(xs):
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def spec7(r: random.Random, doc: dict, eg: "ExprGen"):
    """SPEC 7.3-7.6 on a generated document, from a random stream of its own (so that the rest of
    each seed's document is what it was before): base_level, rule("id") and bool ordering joined
    to some conditions, only_with on some actions, decide_within on some rules and routing entries,
    and outcome, category and level filters on some history counters."""
    levels, outcomes = [l["id"] for l in doc["levels"]], list(doc["outcomes"])
    q = ExprGen.q

    def leaf(rules_above):
        k = r.random()
        if k < 0.35:
            other = q(r.choice(levels)) if r.random() < 0.7 else "level"
            return f"base_level {r.choice(['<', '<=', '>', '>=', '==', '!='])} {other}"
        if k < 0.7 and rules_above:
            return f"rule({q(r.choice(rules_above))})"
        a = r.choice(eg.bool_names + ["true", "false"])
        b = r.choice(eg.bool_names + ["true", "false"])
        return f"{a} {r.choice(['<', '<=', '>', '>='])} {b}"

    def extend(entry, rules_above):
        if r.random() < 0.4 and not isinstance(entry["when"], bool):
            entry["when"] = f"({entry['when']}) {r.choice(['&&', '||'])} {leaf(rules_above)}"
        if r.random() < 0.3:
            unit = r.choice(["working hours", "working days", "hours", "days", "working day"])
            n = 1 if unit.endswith("day") else r.choice([0, 1, 2, 4, 8, 24])
            entry["decide_within"] = f"{n} {unit}"

    rule_ids = [x["id"] for x in doc["rules"]]
    for i, rule in enumerate(doc["rules"]):
        extend(rule, rule_ids[:i])
    for rt in doc.get("routing") or []:
        extend(rt, rule_ids)
    for name in list(doc["actions"]):
        if r.random() < 0.3:
            words = r.sample(outcomes + list(CATEGORIES), r.randint(1, 3))
            words += [o for o, oc in doc["outcomes"].items() if name in oc.get("actions", []) and o not in words
                      and oc["category"] not in words]  # an outcome that lists it must keep it
            doc["actions"][name] = {"text": doc["actions"][name], "only_with": words}
    for h in (doc.get("history") or {}).values():
        if r.random() < 0.3:
            h["outcome"] = r.sample(outcomes, r.randint(1, 2)) if r.random() < 0.7 else r.choice(outcomes)
        if r.random() < 0.3:
            h["category"] = r.sample(list(CATEGORIES), r.randint(1, 3)) if r.random() < 0.7 else r.choice(CATEGORIES)
        if r.random() < 0.3:
            h["level_at_least"] = r.choice(levels)


# ================================================================================================
# Random contacts
# ================================================================================================

def _concerns(r: random.Random, m: Model, most=4):
    out = {}
    for c in r.sample(list(m.concerns), min(len(m.concerns), r.choice([0, 1, 1, 1, 2, 2, 3, most]))):
        out[c] = r.choice(m.concerns[c][1])
    k = r.random()
    if k < 0.15 and all(len(m.concerns[c][1]) == 1 for c in out):
        return list(out)                                     # SPEC 7.1: a list of ids
    if k < 0.35:                                             # `true` for one level, `false` for not there
        out = {c: (True if len(m.concerns[c][1]) == 1 and r.random() < 0.7 else lv) for c, lv in out.items()}
        if r.random() < 0.3:
            out[r.choice(list(m.concerns))] = False
    return out


def _as_map(row: dict) -> dict:
    cs = row.get("concerns")
    if isinstance(cs, list):
        row["concerns"] = {c: True for c in cs}
    return row.setdefault("concerns", {})


def _field_value(r: random.Random, f: FieldSpec):
    if f.type == "bool":
        return r.random() < 0.35
    if f.type == "int":
        lo = f.min if f.min is not None else INT64_MIN
        hi = f.max if f.max is not None else INT64_MAX
        choices = [0, 1, 2, 3, 5, 10, 50, -1, -7, 2 ** 62, -(2 ** 62), 3037000500, INT64_MAX, INT64_MIN, lo, hi]
        v = r.choice(choices)
        return max(lo, min(hi, v))
    if f.type == "string":
        return r.choice(STRING_POOL)
    return r.choice(f.values)


def _dob(r: random.Random, received: dt.datetime, m: Model) -> dict:
    k = r.random()
    local = received.astimezone(m.clock.tz).date()
    if k < 0.22:
        return {}
    if k < 0.3:
        out = {"unborn": True}
        if r.random() < 0.5:
            out["dob"] = (local + dt.timedelta(days=r.randint(1, 200))).isoformat()
        return out
    if k < 0.33:
        return {"unborn": False, "dob": (local - dt.timedelta(days=r.randint(0, 3000))).isoformat()}
    if k < 0.45:        # babies around six months, exactly on month boundaries too
        y, mo, d = ref.add_months_clamped(local.year, local.month, local.day, -r.choice([5, 6, 6, 7]))
        day = dt.date(y, mo, d) + dt.timedelta(days=r.choice([-1, 0, 0, 1]))
        return {"dob": day.isoformat()}
    if k < 0.55:        # around the thirteenth birthday
        y, mo, d = ref.add_months_clamped(local.year, local.month, local.day, -156)
        return {"dob": (dt.date(y, mo, d) + dt.timedelta(days=r.randint(-3, 3))).isoformat()}
    if k < 0.6:         # born at a month end / leap day
        return {"dob": r.choice(["2024-02-29", "2025-01-31", "2025-08-31", "2016-02-29", "2013-12-31"])}
    if k < 0.61:        # invalid: born after the contact (both must reject)
        return {"dob": (local + dt.timedelta(days=r.randint(1, 30))).isoformat()}
    return {"dob": (local - dt.timedelta(days=r.randint(0, 18 * 366))).isoformat()}


def _history_items(r: random.Random, m: Model, received: dt.datetime):
    items = []
    for _ in range(r.randint(0, 5)):
        k = r.random()
        if k < 0.3:
            n = r.choice([1, 2, 3, 6, 12])
            t = months_before(received, n) + dt.timedelta(seconds=r.choice([-1, 0, 0, 1]))
        elif k < 0.4:
            t = received - dt.timedelta(days=r.choice([1, 7, 14, 30]), seconds=r.choice([-1, 0, 1]))
        else:
            t = received - dt.timedelta(seconds=r.randint(-86400 * 3, 86400 * 400))
        it = {"received": fmt_ts(t, r.choice(OFFSETS), r.randint(0, 2))}
        cs = {}
        for c in r.sample(list(m.concerns), min(len(m.concerns), r.randint(0, 2))):
            cs[c] = r.choice(m.levels)      # any level of the document: need not be a descriptor level
            if len(m.concerns[c][1]) == 1 and r.random() < 0.3:
                cs[c] = True                # SPEC 7.1: at its one level
        if cs and r.random() < 0.15 and all(v is True for v in cs.values()):
            cs = list(cs)
        if cs or r.random() < 0.5:
            it["concerns"] = cs
        if r.random() < 0.6:
            it["outcome"] = r.choice(m.outcomes)
        if r.random() < 0.3:
            it["referral"] = r.random() < 0.5
        r7 = random.Random(f"{it['received']}|{len(items)}")  # its own stream: earlier seeds' items stay
        if r7.random() < 0.4:
            it["level"] = r7.choice(m.levels)
        items.append(it)
    if r.random() < 0.05:                   # invalid: both must reject the contact
        bad = r.choice(["concern", "outcome", "level"])
        it = {"received": fmt_ts(received - dt.timedelta(days=3), 0)}
        if bad == "concern":
            it["concerns"] = {"no_such_concern": m.levels[0]}
        elif bad == "outcome":
            it["outcome"] = "no_such_outcome"
        else:
            it["concerns"] = {r.choice(list(m.concerns)): "no_such_level"}
        items.insert(r.randrange(len(items) + 1), it)
    return items


def _invalidate(r: random.Random, row: dict, m: Model):
    k = r.choice(["concern", "level", "field", "timestamp", "enum", "noid", "noreceived", "range", "source",
                  "several"])
    several = [c for c, (_, lvls) in m.concerns.items() if len(lvls) > 1]
    if k == "concern":
        _as_map(row)["no_such_concern"] = m.levels[0]
    elif k == "level":
        # a level the concern has no descriptor at (or no such level)
        c = r.choice(list(m.concerns))
        missing = [lv for lv in m.levels if lv not in m.concerns[c][1]] or ["no_such_level"]
        _as_map(row)[c] = r.choice(missing)
    elif k == "several" and several:    # SPEC 7.1: a concern with several levels named without one
        _as_map(row)[r.choice(several)] = True
    elif k == "field":
        row["no_such_field"] = "x"
    elif k == "timestamp":
        row["received"] = r.choice(["2026-13-01T10:00:00Z", "yesterday", "2026-06-01T10:00:00", "2026-06-31T10:00Z"])
    elif k == "enum":
        enums = [f for f in m.fields.values() if f.type == "enum"]
        if enums:
            row[r.choice(enums).name] = "not_a_value"
        else:
            row["channel"] = "pigeon"
    elif k == "noid":
        row.pop("id")
    elif k == "noreceived":
        row.pop("received")
    elif k == "range":
        ints = [f for f in m.fields.values() if f.type == "int" and (f.min is not None or f.max is not None)]
        if ints and ints[0].max is not None and ints[0].max < INT64_MAX:
            row[ints[0].name] = ints[0].max + 1
        elif ints and ints[0].min is not None and ints[0].min > INT64_MIN:
            row[ints[0].name] = ints[0].min - 1
        else:
            row["source"] = "11"
    else:
        row["source"] = r.choice(["11", "6A", "police"])


def gen_contacts(seed: int, m: Model, n: int, invalid_share=0.03, own_history_share=0.06) -> list[dict]:
    r = random.Random(seed)
    nchildren = max(1, n // 6)
    bases = [gen_instant(r, m.clock) for _ in range(nchildren)]
    rows = []
    for i in range(n):
        has_child = r.random() < 0.9
        ci = r.randrange(nchildren)
        k = r.random()
        if not has_child or k < 0.3:
            received = gen_instant(r, m.clock)
        elif k < 0.55:            # exact calendar-month steps from the child's first contact
            received = months_before(bases[ci], -r.randint(0, 14)) + dt.timedelta(seconds=r.choice([-1, 0, 0, 1]))
        else:
            received = bases[ci] + dt.timedelta(seconds=r.randint(-86400 * 30, 86400 * 300))
        row = {"id": f"C{seed % 100000}-{i:05d}"}
        if has_child:
            row["child"] = f"K{ci}"
        row["received"] = fmt_ts(received, r.choice(OFFSETS), r.randint(0, 2))
        row.update(_dob(r, received, m))
        if r.random() < 0.7:
            row["source"] = r.choice(SOURCE_CODES)
        if r.random() < 0.7:
            row["channel"] = r.choice(CHANNELS)
        for f in m.fields.values():
            if r.random() < 0.6:
                row[f.name] = _field_value(r, f) if r.random() < 0.95 else None   # null = absent
        if r.random() < 0.03:
            row["dob"] = None
        if r.random() < 0.05:       # when the front door actually decided: carried, never used
            row["decided"] = fmt_ts(received + dt.timedelta(hours=r.randint(1, 60)), 0)
        row["concerns"] = _concerns(r, m)
        if r.random() < 0.08:
            row.pop("concerns")
        if r.random() < own_history_share:
            row["history"] = _history_items(r, m, received)
        if r.random() < invalid_share:
            _invalidate(r, row, m)
        items = list(row.items())
        r.shuffle(items)                   # key order must not matter
        rows.append(dict(items))
    return rows


# ================================================================================================
# Running both and comparing
# ================================================================================================

@dataclass
class Run:
    doc_text: str
    rows: list
    engine: list = field(default_factory=list)
    reference: list = field(default_factory=list)
    engine_rc: int = 0
    engine_stderr: str = ""


def run_binary(argv, **kw):
    """subprocess.run, retried for a few seconds while the binary is being rebuilt (others rebuild
    build/frontdoor concurrently; the linker leaves it briefly unexecutable)."""
    import time
    for attempt in range(40):
        try:
            return subprocess.run(argv, capture_output=True, **kw)
        except (PermissionError, FileNotFoundError, OSError) as e:
            if attempt == 39 or getattr(e, "errno", None) not in (13, 2, 26):   # EACCES, ENOENT, ETXTBSY
                raise
            time.sleep(0.5)


_JSON_ENCODE = json.JSONEncoder(ensure_ascii=False).encode   # = json.dumps(x, ensure_ascii=False), made once


@functools.lru_cache(maxsize=8)
def load_text(doc_text: str) -> "ref.Document":
    """The reference's reading of a document, cached by its text (speed only: a document is read once,
    not once for the contact generator's model and again for the comparison). The reference never
    changes a Document after loading it."""
    return ref.loads(doc_text, "doc.yaml")


def run_engine(doc_text: str, rows: list, doc_path: str | None = None) -> tuple[int, list, str]:
    with tempfile.TemporaryDirectory() as td:
        if doc_path is None:
            doc_path = os.path.join(td, "doc.yaml")
            Path(doc_path).write_text(doc_text, encoding="utf-8")
        cpath = os.path.join(td, "contacts.jsonl")
        Path(cpath).write_text("".join(_JSON_ENCODE(x) + "\n" for x in rows), encoding="utf-8")
        p = run_binary([FRONTDOOR, "decide", doc_path, cpath], timeout=300)
    out = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line.strip()]
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def unknown_ids(d: dict, engine: bool) -> list:
    out = []
    for x in d.get("reasons") or []:
        if x["kind"] != "unknown":
            continue
        if engine and "is not known" not in x["text"]:
            continue            # the engine also reports overflowed conditions; the reference does not
        out.append(x["id"])
    return out


def project(d: dict, engine: bool) -> dict:
    if d.get("error"):
        return {"error": True}
    p = {k: d.get(k) for k in COMPARED}
    p["error"] = False
    p["unknown"] = unknown_ids(d, engine)
    p["reason_kinds"] = [(x["kind"], x["id"]) for x in d.get("reasons") or [] if x["kind"] != "unknown"]
    return p


def compare(doc_text: str, rows: list, doc_path: str | None = None, check_rc=True, stats=None,
            rdoc=None) -> list[dict]:
    """Decide `rows` with both; returns a list of divergences (empty when they agree). `stats`, a
    collections.Counter, if given, counts what was compared (rows, rejected, with_unknown). `rdoc`
    is the reference's reading of `doc_text` when the caller already has it."""
    want = ref.decide_batch(rdoc if rdoc is not None else load_text(doc_text), rows)
    rc, got, err = run_engine(doc_text, rows, doc_path)
    if rc == 2 or len(got) != len(rows):
        return [{"kind": "engine could not run", "rc": rc, "stderr": err, "lines": len(got)}]
    bad = []
    for i, (g, w) in enumerate(zip(got, want)):
        pg, pw = project(g, True), project(w, False)
        if pg != pw:
            bad.append({"kind": "decision", "index": i, "row": rows[i], "engine": pg, "reference": pw,
                        "engine_full": g, "reference_error": w.get("error")})
    if check_rc:
        want_rc = 1 if any(w["error"] for w in want) else 0
        if rc != want_rc:
            bad.append({"kind": "exit code", "engine": rc, "expected": want_rc, "stderr": err})
    if stats is not None:
        stats["rows"] += len(rows)
        stats["rejected"] += sum(1 for w in want if w["error"])
        stats["with_unknown"] += sum(1 for w in want if not w["error"] and unknown_ids(w, False))
    return bad


def same_child_rows(rows: list, i: int) -> list:
    child = rows[i].get("child")
    if not child:
        return [rows[i]]
    return [x for x in rows if x.get("child") == child]


def write_replay(d: Path, doc_text: str, rows: list, bad: list, limit=3) -> Path:
    """Write the document, all the rows (contacts.jsonl) and, per divergent row (up to `limit`), the rows
    of its child (rowN.jsonl: its batch history) under directory `d`, for replay with
    `frontdoor decide d/doc.yaml d/rowN.jsonl` and `frontdoor_ref.py decide d/doc.yaml d/rowN.jsonl`."""
    d = Path(d)
    d.mkdir(parents=True, exist_ok=True)
    (d / "doc.yaml").write_text(doc_text, encoding="utf-8")
    (d / "contacts.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), encoding="utf-8")
    for b in bad[:limit]:
        if b.get("kind") == "decision":
            ctx = same_child_rows(rows, b["index"])
            (d / f"row{b['index']}.jsonl").write_text(
                "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in ctx), encoding="utf-8")
    return d


def replay_commands(d: Path) -> str:
    return (f"{FRONTDOOR} decide {d}/doc.yaml {d}/rowN.jsonl\n"
            f"python3 {REPO}/tests/reference/frontdoor_ref.py decide {d}/doc.yaml {d}/rowN.jsonl")


def report(doc_text: str | None, rows: list, bad: list, limit=3, doc_label="") -> str:
    """A replayable account of the divergences: the document, the contact and the rows of its child
    (its batch history), and both decisions."""
    parts = [f"{len(bad)} divergence(s) between the engine and the reference"]
    if doc_text is not None:
        parts.append(f"--- document {doc_label}---\n{doc_text}")
    for b in bad[:limit]:
        if b["kind"] != "decision":
            parts.append(json.dumps(b, indent=1, ensure_ascii=False))
            continue
        i = b["index"]
        parts.append(f"--- row {i}: contact ---\n{json.dumps(b['row'], ensure_ascii=False)}")
        ctx = same_child_rows(rows, i)
        if len(ctx) > 1:
            parts.append("--- all rows of the same child (batch history; replay with these as contacts.jsonl) ---\n"
                         + "\n".join(json.dumps(x, ensure_ascii=False) for x in ctx))
        diff = {k: (b["engine"].get(k), b["reference"].get(k)) for k in set(b["engine"]) | set(b["reference"])
                if b["engine"].get(k) != b["reference"].get(k)}
        parts.append(f"--- differing (engine, reference) ---\n{json.dumps(diff, ensure_ascii=False)}")
        parts.append(f"--- engine ---\n{json.dumps(b['engine'], ensure_ascii=False)}")
        parts.append(f"--- reference ---\n{json.dumps(b['reference'], ensure_ascii=False)}"
                     + (f"\n(reference error: {b['reference_error']})" if b.get("reference_error") else ""))
    return "\n".join(parts)


def default_text() -> str:
    return DEFAULT_DOC.read_bytes().decode("utf-8")


def default_model() -> Model:
    return model_from_reference(load_text(default_text()))


def generated_model(doc_text: str, features=FEATURES_ALL) -> Model:
    m = model_from_reference(load_text(doc_text))
    m.features = features
    return m


DOC_SEED_BASE = 7_000_000


def case(i: int, n: int, features=FEATURES_ALL) -> tuple[str, list]:
    """The i-th generated document and its n contacts (what the differential tests run)."""
    return seeded_case(DOC_SEED_BASE + i, DOC_SEED_BASE * 3 + i, n, features)


def seeded_case(doc_seed: int, contacts_seed: int, n: int, features=FEATURES_ALL) -> tuple[str, list]:
    """A generated document and n contacts for it, from two seeds (tests/differential/long_run.py)."""
    text = gen_document(doc_seed, features)
    return text, gen_contacts(contacts_seed, generated_model(text, features), n)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "doc":
        sys.stdout.write(gen_document(int(sys.argv[2])))
    elif what in ("case", "seeded", "default"):
        # fdgen.py case I N DIR                  the I-th document of the tests, N contacts
        # fdgen.py seeded DOCSEED CSEED N DIR    a long-run generated document (long_run.py's seeds)
        # fdgen.py default CSEED N DIR           N contacts for rules/exampleshire.yaml
        # each writes DIR/doc.yaml and DIR/contacts.jsonl
        if what == "case":
            text, rows = case(int(sys.argv[2]), int(sys.argv[3]))
        elif what == "seeded":
            text, rows = seeded_case(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        else:
            text = default_text()
            rows = gen_contacts(int(sys.argv[2]), default_model(), int(sys.argv[3]))
        out = Path(sys.argv[-1])
        write_replay(out, text, rows, [])
        print(out)
    else:
        print(__doc__)
        sys.exit(2)
