#!/usr/bin/env python3
"""generate_contacts.py: a deterministic year of synthetic front-door contacts.

Writes CONTACTS.csv and CONTACTS.jsonl with the same rows, for `frontdoor decide`, `diff`, `stats`
and the Python bindings to chew on. Everything is synthetic: contact ids `C-000001`, pseudonymous
child ids `K-00042`, no names, no addresses, no free text.

    python3 examples/generate_contacts.py                       # the shipped year (seed 2026)
    python3 examples/generate_contacts.py --seed 7 --rows 5000 --out-dir /tmp/year
    python3 examples/generate_contacts.py --document rules/other.yaml --out-dir /tmp/other

Standard library only, plus PyYAML to read the threshold document's levels, concerns (with their
domains and the levels each has) and declared fields. The same seed, rows and document always give
byte-identical files.

How a year is built (the numbers are the PARAMS below):

* Households, not isolated children. A household has 1-4 children (sometimes an unborn baby), a
  level of need (its "risk") and a number of "events" in the year (1 for most, up to 10 for a few,
  more in households with more need). An event is one worry reaching the front door from one
  source; a family-level worry (domestic abuse, a parent's mental health, housing...) is usually
  about every child in the household, so siblings get contacts with the same timestamp, source and
  concerns, as police notifications do in practice. So many children appear 2-5 times in the year,
  which makes the document's history counters (similar contacts in three months, referrals in
  twelve months, contacts in twelve months) fire.
* Source (DfE codes 1A ... 10 in the national mix: police 28%, schools 21%, ...), suited to the
  child's age (health visitors for babies, schools for school-age children), then channel (police
  mostly notifications), then date and time (office hours on working days in the document's
  timezone for most; police around the clock with a night-time peak; some evenings and weekends;
  school worries wait for term), written as UTC with `Z`.
* Level first, then concerns: the contact's highest descriptor level is drawn from a per-source
  distribution, then a primary concern that has a descriptor at that level (weighted by how common
  it is, how well it fits the child's age and the source), then 0-3 further concerns at or below
  it. A few contacts match no descriptor at all.
* The document's own fields are filled from what the generator knows (consent mostly asked at early
  help level, open cases that open after earlier referrals, police protection only from police...),
  and left empty (unknown) at realistic rates: an empty CSV cell, an absent key in JSON Lines (the
  engine then applies the field's `default`, or treats it as unknown if it has none). Fields this
  script does not know get a generic value by type, so any document can be used.
* About 0.3% of rows are deliberately bad (an unknown concern, a malformed timestamp, a level the
  concern lacks), so a year shows that bad rows are kept with an `error`, never dropped.

The generator does not decide anything: the outcome mix comes from running the document over the
file (`frontdoor decide ... | python3 examples/summarise.py`). PARAMS were tuned that way so that the
default document gives a national-looking year; see examples/README.md.

* Professional judgement (SPEC 7.8), last and from a random stream of its own (so every other column
  is what it was without it): each row gets a `recorded_outcome`, the outcome a synthetic front door
  "gave", and where that differs from the document's an `override_reason`. To know the document's
  outcome this step decides the rows with the frontdoor package (import it from the build tree:
  PYTHONPATH=build/python); `--no-recorded` leaves both columns out. Overrides are a minority of
  about 8%: mostly down from an assessment to early help for family strengths, some early help cut
  to advice, some up with new information, a few strategy discussions a manager turns into an
  assessment, and one in ten overrides with no reason recorded. All of it is synthetic.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("generate_contacts.py needs PyYAML to read the threshold document (pip install pyyaml)")

try:
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover
    ZoneInfo = None

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DOCUMENT = os.path.normpath(os.path.join(HERE, "..", "rules", "exampleshire.yaml"))
DEFAULT_SEED = 2026
DEFAULT_ROWS = 24000
YEAR_START = dt.date(2026, 4, 1)   # the reporting year, 1 April to 31 March
YEAR_END = dt.date(2027, 3, 31)
UTC = dt.timezone.utc
BUILTINS = ["id", "child", "received", "dob", "unborn", "source", "channel", "concerns"]
# SPEC 7.8: what the synthetic front door recorded, written after the document's own fields.
RECORDED = ["recorded_outcome", "override_reason"]
# (decided category, recorded category, reason, chance) per decided row: overrides of the shipped
# year, about 8% of decided contacts. The reason is dropped for OVERRIDE_UNEXPLAINED of them.
OVERRIDES = [("assessment", "early_help", "strengths", 0.33), ("early_help", "nfa", "strengths", 0.05),
             ("nfa", "early_help", "new_information", 0.03), ("early_help", "assessment", "new_information", 0.04),
             ("s47", "assessment", "manager_judgement", 0.10)]
OVERRIDE_UNEXPLAINED = 0.10
NOT_YET_RECORDED = 0.02  # rows whose outcome the front door has not recorded yet

# ------------------------------------------------------------------------------------------------
# Tunable parameters. Shares are relative weights (they need not add up to 1).
PARAMS = {
    # DfE children-in-need referral sources. National 2024-25: police 28%, schools 21%; health
    # services about 15%, local authority services about 14%, individuals about 8%.
    "sources": {
        "1A": 4.5, "1B": 0.5, "1C": 2.0, "1D": 1.5,                      # individuals 8.5
        "2A": 21.0, "2B": 1.5,                                           # education 22.5
        "3A": 3.0, "3B": 3.5, "3C": 1.0, "3D": 1.5, "3E": 3.0, "3F": 4.0,  # health 16
        "4": 1.5,                                                        # housing
        "5A": 4.0, "5B": 3.0, "5C": 4.0, "5D": 3.5,                      # local authority 14.5
        "6": 28.0,                                                       # police
        "7": 2.5, "8": 4.0, "9": 1.5, "10": 1.0,
    },
    # Sources also depend on the child's age (schools rarely call about a baby, health visitors
    # about a teenager: see sources_for_age); these factors bring the year's overall shares back
    # to the national ones above.
    "source_calibration": {"2A": 1.68, "2B": 1.6, "3B": 0.67, "3C": 1.25, "6": 0.95},
    # Channel by source group.
    "channels": {
        "police": {"notification": 0.85, "conversation": 0.13, "written": 0.02},
        "school": {"conversation": 0.62, "written": 0.16, "online": 0.17, "in_person": 0.05},
        "health": {"conversation": 0.60, "written": 0.28, "online": 0.12},
        "individual": {"conversation": 0.55, "online": 0.25, "in_person": 0.15, "written": 0.05},
        "la": {"conversation": 0.52, "written": 0.36, "online": 0.12},
        "housing": {"conversation": 0.50, "written": 0.30, "online": 0.20},
        "legal": {"conversation": 0.45, "written": 0.45, "online": 0.10},
        "other": {"conversation": 0.50, "written": 0.25, "online": 0.20, "in_person": 0.05},
        "anonymous": {"conversation": 0.62, "online": 0.38},
    },
    # The contact's highest descriptor, as a fraction of the way up the document's levels
    # (for four levels: universal, early help, complex, acute), by source group.
    "levels": {
        "police": [0.15, 0.63, 0.1, 0.066],
        "school": [0.3, 0.49, 0.152, 0.066],
        "health": [0.28, 0.46, 0.122, 0.064],
        "individual": [0.44, 0.4, 0.091, 0.035],
        "la": [0.18, 0.45, 0.19, 0.072],
        "housing": [0.28, 0.55, 0.114, 0.018],
        "legal": [0.25, 0.43, 0.167, 0.088],
        "other": [0.36, 0.44, 0.1, 0.04],
        "anonymous": [0.5, 0.36, 0.076, 0.035],
    },
    "no_concern_rate": 0.03,              # a contact that matches no descriptor at all
    "extra_concerns": [0.62, 0.27, 0.09, 0.02],  # 0, 1, 2 or 3 further concerns
    # Households differ in need: a household's risk multiplies the chance of a referral-level
    # contact (and divides that of a universal one), and households with more risk come back more.
    "household_risk": {0.6: 0.55, 1.0: 0.30, 1.8: 0.12, 3.0: 0.03},
    "extra_events_by_risk": {0.6: 0.0, 1.0: 0.4, 1.8: 1.5, 3.0: 3.0},   # mean extra events
    # Open cases: the state of a child's case when the year starts, and how often a referral-level
    # contact (or early help taken up) leaves a case open for the next months.
    "open_case_at_start": {"none": 0.92, "early_help": 0.02, "cin": 0.025, "cp_plan": 0.012, "cla": 0.023},
    "opens_after_referral": 0.20,
    "opens_after_early_help": 0.20,
    # Households.
    "household_children": [0.55, 0.28, 0.12, 0.05],   # 1, 2, 3, 4 children
    "household_events": [0.60, 0.20, 0.09, 0.05, 0.03, 0.015, 0.01, 0.005],  # 1 ... 8 events
    "siblings_share_family_event": 0.70,  # a family-level worry names every child in the house
    "pregnancy_rate": 0.02,              # a household with a pre-birth contact
    "gap_short_days": 21.0,               # mean gap between a household's events: short ...
    "gap_long_days": 85.0,                # ... or long
    "gap_short_share": 0.5,
    # Ages of the youngest child in a household, years (babies over-represented).
    "youngest_age": [(0, 0.22), (1, 0.07), (2, 0.06), (3, 0.06), (4, 0.06), (5, 0.055), (6, 0.05),
                     (7, 0.05), (8, 0.05), (9, 0.05), (10, 0.05), (11, 0.05), (12, 0.05),
                     (13, 0.05), (14, 0.05), (15, 0.04), (16, 0.03), (17, 0.015)],
    # Times: how many non-police contacts fall on non-working days and outside working hours.
    "non_working_day_keep": 0.15,      # a non-police worry on a weekend or holiday stays there
    "out_of_hours_share": 0.13,
    "police_office_hours_share": 0.35,
    # Data quality: how often a cell is left empty (unknown).
    "dob_missing": 0.04,
    "source_missing": 0.003,
    "channel_missing": 0.004,
    "child_missing": 0.004,
    "bad_row_rate": 0.003,
}

SOURCE_GROUP = {
    "1A": "individual", "1B": "individual", "1C": "individual", "1D": "individual",
    "2A": "school", "2B": "school",
    "3A": "health", "3B": "health", "3C": "health", "3D": "health", "3E": "health", "3F": "health",
    "4": "housing", "5A": "la", "5B": "la", "5C": "la", "5D": "la",
    "6": "police", "7": "legal", "8": "other", "9": "anonymous", "10": "anonymous",
}

# What the generator knows about common concern ids: how often they come up (relative weight),
# the ages they fit, whether they are about the whole household ("family") or one child, and
# which sources raise them more often than others (multipliers by source group or code).
# Concern ids a document declares that are not here get weight 1, all ages, one child.
CONCERNS = {
    "emotional_health": (8.0, (4, 17), "child", {"school": 2.0, "health": 1.5, "individual": 1.3, "police": 0.3}),
    "self_harm": (5.5, (10, 17), "child", {"school": 1.5, "3E": 4.0, "health": 1.5, "police": 0.5}),
    "school_attendance": (6.0, (5, 16), "child", {"school": 4.0, "police": 0.1, "health": 0.3}),
    "learning_disability": (2.0, (2, 17), "child", {"school": 1.5, "health": 2.0, "police": 0.1}),
    "health_needs": (4.0, (0, 17), "child", {"health": 3.0, "3B": 3.0, "school": 1.2, "police": 0.1}),
    "going_missing": (5.5, (11, 17), "child", {"police": 3.0, "la": 1.5, "school": 0.7}),
    "child_sexual_exploitation": (2.0, (10, 17), "child", {"police": 2.0, "school": 1.5}),
    "child_criminal_exploitation": (3.0, (11, 17), "child", {"police": 3.0, "7": 2.0}),
    "young_person_substance_misuse": (2.0, (13, 17), "child", {"police": 1.5, "school": 1.2, "health": 1.2}),
    "peer_on_peer_abuse": (3.0, (7, 17), "child", {"school": 3.0, "police": 1.5}),
    "radicalisation": (0.4, (11, 17), "child", {"school": 2.0, "police": 2.0}),
    "unexplained_injury": (1.2, (0, 10), "child", {"health": 3.0, "3B": 4.0, "3E": 4.0, "school": 1.5}),
    "neglect": (7.0, (0, 17), "family", {"school": 1.2, "health": 1.3, "anonymous": 2.0, "individual": 1.5}),
    "physical_abuse": (4.0, (0, 16), "child", {"school": 2.0, "health": 1.3, "police": 1.2}),
    "emotional_abuse": (3.0, (0, 17), "family", {"school": 1.2, "individual": 1.2}),
    "sexual_abuse": (1.2, (3, 17), "child", {"school": 1.5, "police": 1.5}),
    "parental_mental_health": (7.0, (0, 17), "family", {"health": 2.0, "3B": 3.0, "police": 1.2}),
    "parental_substance_misuse": (5.0, (0, 17), "family", {"police": 1.5, "health": 1.5}),
    "parental_learning_disability": (1.0, (0, 17), "family", {"health": 2.0, "la": 2.0}),
    "guidance_and_boundaries": (4.0, (2, 17), "family", {"individual": 2.0, "school": 1.3, "police": 0.4}),
    "fgm": (0.3, (0, 15), "child", {"health": 4.0}),
    "abuse_linked_to_faith": (0.2, (2, 17), "child", {"school": 1.5}),
    "domestic_abuse": (14.0, (0, 17), "family", {"police": 5.0, "health": 1.2, "school": 0.6}),
    "housing": (3.0, (0, 17), "family", {"housing": 15.0, "la": 1.5}),
    "financial_hardship": (3.0, (0, 17), "family", {"school": 1.3, "individual": 1.5, "housing": 3.0}),
    "family_breakdown": (4.0, (0, 17), "family", {"individual": 2.0, "school": 1.2}),
    "young_carer": (1.0, (8, 17), "child", {"school": 2.0}),
    "social_isolation": (1.5, (0, 17), "family", {"health": 1.5, "3B": 3.0}),
    "private_fostering": (0.2, (0, 15), "child", {"school": 2.0}),
    "unaccompanied_asylum_seeker": (0.5, (14, 17), "child", {"la": 2.0, "police": 2.0, "7": 3.0}),
    "trafficking": (0.3, (12, 17), "child", {"police": 3.0, "7": 2.0}),
    "gangs": (1.5, (12, 17), "child", {"police": 3.0, "7": 2.0}),
    "adult_posing_risk": (1.5, (0, 17), "family", {"police": 3.0, "7": 3.0}),
}
# Worries that start a pre-birth contact (midwives and GPs raise most of them).
PRE_BIRTH = ["parental_substance_misuse", "domestic_abuse", "parental_mental_health", "neglect",
             "housing", "adult_posing_risk", "parental_learning_disability", "social_isolation"]
PRE_BIRTH_SOURCES = {"3F": 6.0, "3A": 2.0, "3D": 1.0, "5A": 2.0, "5C": 1.0, "6": 1.5, "1C": 0.5}

# Deliberately bad rows: concern ids no document declares.
UNKNOWN_CONCERNS = ["bedwetting", "domestic_abuze", "head_lice", "parental_mental_heath"]


# ------------------------------------------------------------------------------------------------
# The document

class Document:
    def __init__(self, path: str):
        with open(path, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
        if not isinstance(raw, dict) or "levels" not in raw or "concerns" not in raw:
            raise SystemExit(f"{path}: not a threshold document (needs levels and concerns)")
        self.path = path
        self.levels = [str(lv["id"]) for lv in raw["levels"]]
        self.concerns = {}   # id -> (domain, [level index, ...])
        for cid, c in (raw.get("concerns") or {}).items():
            idx = sorted(self.levels.index(str(l)) for l in (c.get("levels") or {}))
            self.concerns[str(cid)] = (str(c.get("domain", "")), idx)
        self.fields = {}     # id -> spec dict (type, values, default, min, max)
        for fid, spec in (raw.get("fields") or {}).items():
            self.fields[str(fid)] = dict(spec or {})
        cal = raw.get("calendar") or {}
        self.timezone = str(cal.get("timezone", "UTC"))
        wh = str(cal.get("working_hours", "09:00-17:00"))
        a, b = wh.split("-")
        self.work_start = int(a.split(":")[0])
        self.work_end = int(b.split(":")[0])
        self.holidays = sorted(str(h) for h in (cal.get("holidays") or []))


# ------------------------------------------------------------------------------------------------
# Small helpers

def pick(rng: random.Random, weights: dict):
    """A key of `weights`, drawn in proportion to its weight (keys in insertion order)."""
    keys = list(weights)
    total = sum(weights[k] for k in keys)
    x = rng.random() * total
    for k in keys:
        x -= weights[k]
        if x < 0:
            return k
    return keys[-1]


def pick_index(rng: random.Random, weights) -> int:
    return pick(rng, dict(enumerate(weights)))


def level_weights(doc: Document, group: str) -> list[float]:
    """PARAMS['levels'] are for four levels; spread them over the document's own levels."""
    base = PARAMS["levels"][group]
    n = len(doc.levels)
    if n == len(base):
        return list(base)
    out = [0.0] * n
    for i, w in enumerate(base):
        out[min(n - 1, round(i * (n - 1) / (len(base) - 1)))] += w
    return out


class Clock:
    """Local working time of the document's calendar, turned into UTC instants."""

    def __init__(self, doc: Document):
        self.tz = None
        if ZoneInfo is not None:
            try:
                self.tz = ZoneInfo(doc.timezone)
            except Exception:  # no tz database: fall back to UK rules or UTC
                self.tz = None
        self.uk_rules = self.tz is None and doc.timezone == "Europe/London"
        self.work_start, self.work_end = doc.work_start, doc.work_end
        self.holidays = set(doc.holidays)

    def working_day(self, d: dt.date) -> bool:
        return d.weekday() < 5 and d.isoformat() not in self.holidays

    def to_utc(self, d: dt.date, minute_of_day: int) -> dt.datetime:
        local = dt.datetime(d.year, d.month, d.day) + dt.timedelta(minutes=minute_of_day)
        if self.tz is not None:
            return local.replace(tzinfo=self.tz).astimezone(UTC)
        if self.uk_rules:  # BST from 01:00 UTC on the last Sunday of March to the last of October
            def last_sunday(y, m):
                d0 = dt.date(y, m, 31)
                return d0 - dt.timedelta(days=(d0.weekday() + 1) % 7)
            start = dt.datetime.combine(last_sunday(local.year, 3), dt.time(1))
            end = dt.datetime.combine(last_sunday(local.year, 10), dt.time(1))
            off = 1 if start <= local - dt.timedelta(hours=1) < end else 0
            return (local - dt.timedelta(hours=off)).replace(tzinfo=UTC)
        return local.replace(tzinfo=UTC)


def age_years(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def fmt_utc(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------------
# The year

class Generator:
    def __init__(self, doc: Document, seed: int, rows: int):
        self.doc, self.rng, self.target = doc, random.Random(seed), rows
        self.clock = Clock(doc)
        self.days = [YEAR_START + dt.timedelta(days=i) for i in range((YEAR_END - YEAR_START).days + 1)]
        self.n_levels = len(doc.levels)
        # Each concern's profile: weight, ages, scope (family or child) and source affinities.
        self.profile = {}
        for cid in doc.concerns:
            w, ages, scope, aff = CONCERNS.get(cid, (1.0, (0, 17), "child", {}))
            self.profile[cid] = (w, ages, scope, aff)
        self.source_weights = {k: w * PARAMS["source_calibration"].get(k, 1.0) for k, w in PARAMS["sources"].items()}

    # --- concerns --------------------------------------------------------------------------

    def concern_weight(self, cid: str, age: int | None, source: str | None) -> float:
        w, (lo, hi), _scope, aff = self.profile[cid]
        if age is not None:
            if age < lo:
                w *= 0.02 if lo - age > 2 else 0.15
            elif age > hi:
                w *= 0.02 if age - hi > 2 else 0.15
        if source:
            w *= aff.get(source, aff.get(SOURCE_GROUP.get(source, ""), 1.0))
        if cid == "unexplained_injury" and age is not None and age <= 1:
            w *= 4.0  # bruising on babies is what health visitors and A&E ring about
        return w

    def draw_concerns(self, age: int | None, source: str | None, group: str, unborn: bool, risk: float) -> dict:
        rng, doc = self.rng, self.doc
        if rng.random() < PARAMS["no_concern_rate"]:
            return {}
        ws = level_weights(doc, group)
        ref = min(2, self.n_levels - 1)   # the first referral level, by position
        ws = [w / risk if i == 0 else w * risk if i >= ref else w for i, w in enumerate(ws)]
        top = pick_index(rng, ws)
        pool = PRE_BIRTH if unborn else list(doc.concerns)
        pool = [c for c in pool if c in doc.concerns]
        # primary: a concern that has a descriptor at `top` (or the nearest level below it)
        for lvl in range(top, -1, -1):
            cands = {c: self.concern_weight(c, age, source) for c in pool if lvl in doc.concerns[c][1]}
            cands = {c: w for c, w in cands.items() if w > 0}
            if cands:
                break
        else:
            return {}
        primary = pick(rng, cands)
        out = {primary: lvl}
        extra = pick_index(rng, PARAMS["extra_concerns"])
        # further concerns: at or below the primary's level, mostly lower
        for _ in range(extra):
            others = {c: self.concern_weight(c, age, source) for c in pool
                      if c not in out and any(l <= lvl for l in doc.concerns[c][1])}
            if not others:
                break
            c = pick(rng, others)
            levels = [l for l in doc.concerns[c][1] if l <= lvl]
            # lower descriptors are likelier than the primary's own level
            ws = [1.0 if l == lvl else 2.0 for l in levels]
            out[c] = levels[pick_index(rng, ws)]
        return out

    # --- time ------------------------------------------------------------------------------

    def draw_minute(self, source: str | None, day: dt.date) -> int:
        rng = self.rng
        ws, we = self.clock.work_start * 60, self.clock.work_end * 60
        working = self.clock.working_day(day)
        if source == "6":
            if working and rng.random() < PARAMS["police_office_hours_share"]:
                return rng.randrange(ws, we)
            # incidents overnight: a peak from the evening into the small hours
            hour = pick_index(rng, [6, 5, 4, 3, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 8, 7])
            return hour * 60 + rng.randrange(60)
        if working and rng.random() >= PARAMS["out_of_hours_share"]:
            # office hours, busier in the morning
            hours = list(range(ws // 60, we // 60))
            hw = [1.6 if h < 12 else 1.0 for h in hours]
            return hours[pick_index(rng, hw)] * 60 + rng.randrange(60)
        # evenings mostly (online forms, emergency duty), a few early mornings
        if rng.random() < 0.8:
            return rng.randrange(we, 22 * 60)
        return rng.randrange(6 * 60, ws)

    def draw_day(self, source: str | None, day: dt.date) -> dt.date:
        """The day an event reaches the front door: police any day; others mostly on working days
        (a weekend worry is reported early the next week); schools mostly in term time."""
        rng, clock = self.rng, self.clock
        if source in ("2A", "2B") and rng.random() < 0.7:
            # schools are closed in August and over Christmas: the worry comes with the new term
            if day.month == 8:
                day = dt.date(day.year, 9, 1) + dt.timedelta(days=rng.randrange(0, 21))
            elif (day.month == 12 and day.day > 20) or (day.month == 1 and day.day < 4):
                day = dt.date(day.year + (day.month == 12), 1, 4) + dt.timedelta(days=rng.randrange(0, 14))
        if source != "6" and not clock.working_day(day) and rng.random() >= PARAMS["non_working_day_keep"]:
            day += dt.timedelta(days=1)
            while not clock.working_day(day):
                day += dt.timedelta(days=1)
            for _ in range(pick_index(rng, [0.3, 0.2, 0.2, 0.15, 0.15])):
                day += dt.timedelta(days=1)
                while not clock.working_day(day):
                    day += dt.timedelta(days=1)
        while day > YEAR_END:  # past the end of the year: the last working day before it
            day = YEAR_END
            while not clock.working_day(day):
                day -= dt.timedelta(days=1)
        return day

    def sources_for_age(self, age: int) -> dict:
        w = dict(self.source_weights)
        if age < 4:        # not at school (an older sibling's school may still call)
            w.update({k: v * 0.12 for k, v in w.items() if k in ("2A", "2B", "3C")})
            w["3B"] = w.get("3B", 0) * 4.0
        elif age < 5:
            w.update({k: v * 0.6 for k, v in w.items() if k in ("2A", "2B")})
        else:              # health visitors see the under-fives
            w["3B"] = w.get("3B", 0) * 0.1
        return w

    # --- households ------------------------------------------------------------------------

    def new_household(self) -> dict:
        rng = self.rng
        n = 1 + pick_index(rng, PARAMS["household_children"])
        youngest = PARAMS["youngest_age"][pick_index(rng, [w for _, w in PARAMS["youngest_age"]])][0]
        children = []
        age = youngest
        for i in range(n):
            age_days = age * 365 + rng.randrange(365)
            dob = YEAR_START - dt.timedelta(days=age_days - rng.randrange(0, 180))
            children.append({"dob": dob, "unborn_until": None})
            age += rng.choice([1, 2, 2, 3, 3, 4, 5])
            if age > 17:
                break
        if rng.random() < PARAMS["pregnancy_rate"]:
            # a pre-birth contact: the baby is due some months after the first event
            children.append({"dob": None, "unborn_until": None, "pregnancy": True})
        disabled_rate = 0.07
        for c in children:
            c["disabled"] = rng.random() < disabled_rate
            c["open_case"] = pick(rng, PARAMS["open_case_at_start"])
            c["open_until"] = YEAR_END if c["open_case"] != "none" else None
        risk = pick(rng, PARAMS["household_risk"])
        events = 1 + pick_index(rng, PARAMS["household_events"])
        extra = PARAMS["extra_events_by_risk"][risk]
        if extra:
            events += int(rng.expovariate(1.0 / extra))
        return {"children": children, "events": min(events, 10), "risk": risk}

    def event_dates(self, n: int) -> list[dt.date]:
        rng = self.rng
        offsets = [0]
        for _ in range(n - 1):
            mean = PARAMS["gap_short_days"] if rng.random() < PARAMS["gap_short_share"] else PARAMS["gap_long_days"]
            offsets.append(offsets[-1] + max(1, int(rng.expovariate(1.0 / mean))))
        # Start anywhere in the year and wrap round its end, so every day is equally likely
        # (a household's pattern is then a stretch of its contacts seen through a one-year window).
        n_days = len(self.days)
        if offsets[-1] >= n_days:
            offsets = [int(o * (n_days - 1) / offsets[-1]) for o in offsets]
        start = rng.randrange(n_days)
        return sorted(self.days[(start + o) % n_days] for o in offsets)

    # --- rows --------------------------------------------------------------------------------

    def generate(self) -> list[dict]:
        rng = self.rng
        events = []   # rows of every household's events
        rows_so_far = 0
        hh_no = 0
        while rows_so_far < self.target:
            hh = self.new_household()
            hh_no += 1
            hh["no"] = hh_no
            dates = self.event_dates(hh["events"])
            pregnant = [c for c in hh["children"] if c.get("pregnancy")]
            if pregnant:
                # due date: 1-6 months after the first event
                p = pregnant[0]
                due = dates[0] + dt.timedelta(days=rng.randrange(30, 180))
                p["dob"], p["unborn_until"] = due, due
            for k, day in enumerate(dates):
                rows = self.event_rows(hh, k, day)[: self.target - rows_so_far]
                events.extend(rows)
                rows_so_far += len(rows)
        # Rows in time order; ties (siblings in one notification) keep their household order.
        events.sort(key=lambda r: (r["_t"], r["_hh"], r["_seq"]))
        self.assign_ids(events)
        self.spoil(events)
        return events

    def event_rows(self, hh: dict, k: int, day: dt.date) -> list[dict]:
        rng = self.rng
        kids = hh["children"]
        alive = lambda c, d: c["dob"] is not None and c["dob"] <= d and age_years(c["dob"], d) < 18
        # Whom the worry is about: a pre-birth worry (the household's first event, or half of those
        # before the birth), else one of the children.
        expecting = [c for c in kids if c.get("pregnancy") and day < c["unborn_until"]]
        pre_birth = bool(expecting) and (k == 0 or rng.random() < 0.5)
        born = [c for c in kids if alive(c, day)]
        if not pre_birth and not born:
            return []
        target = expecting[0] if pre_birth else rng.choice(born)
        # The source suits the child: midwives and GPs before birth, health visitors for the
        # under-fives, schools for children of school age.
        if pre_birth:
            source = pick(rng, PRE_BIRTH_SOURCES)
        else:
            source = pick(rng, self.sources_for_age(age_years(target["dob"], day)))
        group = SOURCE_GROUP[source]
        day = self.draw_day(source, day)
        born = [c for c in kids if alive(c, day)]
        if pre_birth and day < target["unborn_until"]:
            unborn, age = True, None
        elif target in born:
            unborn, age = False, age_years(target["dob"], day)
        else:
            return []   # the worry moved past the child's eighteenth birthday
        concerns = self.draw_concerns(age, source, group, unborn, hh["risk"])
        channel = pick(rng, PARAMS["channels"][group])
        minute = self.draw_minute(source, day)
        lo = dt.datetime.combine(YEAR_START, dt.time(0), UTC)
        hi = dt.datetime.combine(YEAR_END + dt.timedelta(days=1), dt.time(0), UTC)
        t = self.clock.to_utc(day, minute) + dt.timedelta(seconds=rng.randrange(60))
        while not lo <= t < hi:  # local times just inside the year can fall outside it in UTC
            t = self.clock.to_utc(day, self.draw_minute(source, day)) + dt.timedelta(seconds=rng.randrange(60))
        top = max(concerns.values(), default=0)
        # siblings named in the same contact: family-level worries
        family_level = bool(concerns) and all(self.profile[c][2] == "family" for c in concerns)
        subjects = [target]
        if family_level and not unborn and rng.random() < PARAMS["siblings_share_family_event"]:
            subjects += [c for c in born if c is not target]
        rows = []
        for i, child in enumerate(subjects):
            rows.append(self.make_row(hh, child, t, day, source, channel, concerns, unborn and child is target,
                                      top, seq=k * 10 + i))
        return rows

    def make_row(self, hh, child, t, day, source, channel, concerns, unborn, top, seq) -> dict:
        rng, doc = self.rng, self.doc
        row = {"_t": t, "_hh": hh["no"], "_seq": seq, "_child": child, "_top": top}
        row["received"] = fmt_utc(t)
        row["dob"] = None if (unborn or rng.random() < PARAMS["dob_missing"]) else child["dob"].isoformat()
        row["unborn"] = True if unborn else None
        row["source"] = None if rng.random() < PARAMS["source_missing"] else source
        row["channel"] = None if rng.random() < PARAMS["channel_missing"] else channel
        row["concerns"] = dict(concerns)
        fields = {}
        for fid, spec in doc.fields.items():
            if fid in BUILTINS:
                continue
            fields[fid] = self.field_value(fid, spec, child, day, source, top, concerns)
        row["_fields"] = fields
        self.after_contact(child, day, top, fields)
        return row

    # --- the document's fields ---------------------------------------------------------------

    def field_value(self, fid, spec, child, day, source, top, concerns):
        rng = self.rng
        eh = 1 if self.n_levels >= 2 else 0          # the early help level, by position
        cx = min(2, self.n_levels - 1)               # the first referral level, by position
        if fid == "consent":
            if top == eh:
                return pick(rng, {True: 0.56, False: 0.19, None: 0.25})
            return pick(rng, {True: 0.2, False: 0.15, None: 0.65})
        if fid == "telling_family_raises_risk":
            if top == eh and ("domestic_abuse" in concerns or "adult_posing_risk" in concerns):
                return pick(rng, {True: 0.10, False: 0.30, None: 0.60})
            if top == eh:
                return pick(rng, {True: 0.012, False: 0.30, None: 0.688})
            return pick(rng, {False: 0.15, None: 0.85})
        if fid == "open_case":
            state = child["open_case"] if (child["open_until"] is None or day <= child["open_until"]) else "none"
            if state == "none":
                return pick(rng, {"none": 0.6, None: 0.4})
            return state if rng.random() < 0.93 else None   # not looked up: recorded as nothing
        if fid == "disabled":
            if child.get("pregnancy") and child["unborn_until"] is not None and day < child["unborn_until"]:
                return None   # not known before birth
            truth = child["disabled"] or ("learning_disability" in concerns and rng.random() < 0.6)
            return None if rng.random() < 0.38 else truth
        if fid == "police_protection":
            if source == "6" and top >= self.n_levels - 1:
                return pick(rng, {True: 0.10, False: 0.30, None: 0.60})
            return pick(rng, {False: 0.05, None: 0.95})
        # a field this script does not know: a plausible value by type, often empty
        t = spec.get("type")
        if rng.random() < 0.5:
            return None
        if t == "bool":
            return rng.random() < 0.2
        if t == "enum":
            values = [str(v) for v in spec.get("values") or []]
            default = spec.get("default")
            if default is not None and rng.random() < 0.8:
                return str(default)
            return rng.choice(values) if values else None
        if t == "int":
            lo, hi = int(spec.get("min", 0)), int(spec.get("max", 10))
            return rng.randint(lo, hi)
        return None  # strings: left empty (no free text in synthetic data)

    def after_contact(self, child, day, top, fields):
        """Cases open after serious contacts, so a child's later contacts meet an open case."""
        rng = self.rng
        if child["open_case"] != "none" and (child["open_until"] is None or day <= child["open_until"]):
            return
        ref = min(2, self.n_levels - 1)
        if top >= ref and rng.random() < PARAMS["opens_after_referral"]:
            child["open_case"] = "cp_plan" if (top >= self.n_levels - 1 and rng.random() < 0.4) else "cin"
            child["open_until"] = day + dt.timedelta(days=rng.randrange(60, 270))
        elif top == 1 and fields.get("consent") is True and rng.random() < PARAMS["opens_after_early_help"]:
            child["open_case"] = "early_help"
            child["open_until"] = day + dt.timedelta(days=rng.randrange(60, 200))

    # --- ids and bad rows ---------------------------------------------------------------------

    def assign_ids(self, rows: list[dict]) -> None:
        rng = self.rng
        children = []
        seen = set()
        for r in rows:
            key = id(r["_child"])
            if key not in seen:
                seen.add(key)
                children.append(r["_child"])
        numbers = list(range(1, len(children) + 1))
        rng.shuffle(numbers)
        width = max(5, len(str(len(children))))
        for c, n in zip(children, numbers):
            c["id"] = f"K-{n:0{width}d}"
        counts = {}
        for r in rows:
            counts[id(r["_child"])] = counts.get(id(r["_child"]), 0) + 1
        for i, r in enumerate(rows, 1):
            r["id"] = f"C-{i:06d}"
            # a few contacts whose child was never identified (one-off contacts only)
            single = counts[id(r["_child"])] == 1
            r["child"] = None if (single and rng.random() < PARAMS["child_missing"] * 2.5) else r["_child"]["id"]

    def spoil(self, rows: list[dict]) -> None:
        rng, doc = self.rng, self.doc
        n_bad = max(3, round(len(rows) * PARAMS["bad_row_rate"]))
        lacking = [(c, lv) for c, (_d, idx) in doc.concerns.items()
                   for lv in range(self.n_levels) if lv not in idx]
        picks = sorted(rng.sample(range(len(rows)), n_bad))
        for j, i in enumerate(picks):
            r = rows[i]
            kind = j % 3
            if kind == 0:      # a concern the document does not have
                bad = rng.choice(UNKNOWN_CONCERNS)
                lvl = rng.randrange(1, self.n_levels) if self.n_levels > 1 else 0
                r["concerns"] = dict(r["concerns"])
                r["concerns"][bad] = lvl
                r["_bad"] = "unknown concern"
            elif kind == 1:    # a timestamp that is not ISO 8601 with an offset
                t = r["_t"]
                r["received"] = rng.choice([t.strftime("%d/%m/%Y %H:%M"), t.strftime("%Y-%m-%d %H:%M"),
                                            t.strftime("%Y-%m-%dT%H:%M:%S"), t.strftime("%Y-%m-%dT25:%M:%SZ")])
                r["_bad"] = "malformed timestamp"
            else:              # a level the concern does not have
                if lacking:
                    c, lv = rng.choice(lacking)
                    r["concerns"] = {k: v for k, v in r["concerns"].items() if k != c}
                    r["concerns"][c] = lv
                    r["_bad"] = "level the concern lacks"


# ------------------------------------------------------------------------------------------------
# Output

def cell(v) -> str:
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


def record_outcomes(rows: list[dict], doc: Document, seed: int) -> None:
    """Each row's recorded outcome and override reason (SPEC 7.8), from the document's decision of
    it and a random stream of their own. Rows the document rejects get neither."""
    try:
        import frontdoor as fd
    except ImportError:
        raise SystemExit("recorded outcomes need the frontdoor package (PYTHONPATH=build/python), or pass --no-recorded")
    engine = fd.load(doc.path)
    contacts = [contact_object(r, doc, with_recorded=False) for r in rows]
    decided = engine.decide_many(contacts, progress=False)
    by_category: dict[str, str] = {}
    for o in engine.outcomes:
        by_category.setdefault(o["category"], o["id"])
    rng = random.Random(seed * 7919 + 78)
    for r, outcome, category, error in zip(rows, decided["outcome"], decided["category"], decided["error"]):
        draw, pick = rng.random(), rng.random()
        if error is not None or draw < NOT_YET_RECORDED:
            continue
        r["recorded_outcome"] = str(outcome)
        at = 0.0
        for frm, to, reason, chance in OVERRIDES:
            if frm != category or to not in by_category:
                continue
            if pick < at + chance:
                r["recorded_outcome"] = by_category[to]
                r["override_reason"] = None if rng.random() < OVERRIDE_UNEXPLAINED else reason
                break
            at += chance


def contact_object(r: dict, doc: Document, with_recorded: bool = True) -> dict:
    """A row as the JSON Lines file gives it: an empty cell is an absent key (unknown)."""
    concerns = {c: doc.levels[lv] for c, lv in r["concerns"].items()}
    values = {"id": r["id"], "child": r["child"], "received": r["received"], "dob": r["dob"],
              "unborn": r["unborn"], "source": r["source"], "channel": r["channel"]}
    values.update(r["_fields"])
    obj = {}
    for h in BUILTINS + [f for f in doc.fields if f not in BUILTINS] + (RECORDED if with_recorded else []):
        if h == "concerns":
            obj["concerns"] = concerns
        elif values.get(h, r.get(h)) is not None:
            obj[h] = values.get(h, r.get(h))
    return obj


def write(rows: list[dict], doc: Document, out_dir: str, stem: str, recorded: bool = True) -> tuple[str, str]:
    os.makedirs(out_dir, exist_ok=True)
    field_ids = [f for f in doc.fields if f not in BUILTINS]
    header = BUILTINS + field_ids + (RECORDED if recorded else [])
    csv_path = os.path.join(out_dir, stem + ".csv")
    jsonl_path = os.path.join(out_dir, stem + ".jsonl")
    with open(csv_path, "w", encoding="utf-8", newline="") as fc, \
            open(jsonl_path, "w", encoding="utf-8", newline="\n") as fj:
        w = csv.writer(fc, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            concerns = {c: doc.levels[lv] for c, lv in r["concerns"].items()}
            values = {"id": r["id"], "child": r["child"], "received": r["received"], "dob": r["dob"],
                      "unborn": r["unborn"], "source": r["source"], "channel": r["channel"]}
            values.update(r["_fields"])
            values.update({k: r.get(k) for k in RECORDED})
            w.writerow([cell(values[h]) if h != "concerns" else ";".join(f"{c}={l}" for c, l in concerns.items())
                        for h in header])
            fj.write(json.dumps(contact_object(r, doc, recorded), ensure_ascii=False, separators=(",", ":")) + "\n")
    return csv_path, jsonl_path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate a deterministic year of synthetic front-door contacts.")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS, help=f"number of contacts (default {DEFAULT_ROWS})")
    ap.add_argument("--out-dir", default=HERE, help="where to write the files (default: this directory)")
    ap.add_argument("--document", default=DEFAULT_DOCUMENT, help="threshold document whose concerns and fields to use")
    ap.add_argument("--stem", default="contacts-2026", help="file name without extension (default contacts-2026)")
    ap.add_argument("--no-recorded", action="store_true", help="leave out recorded_outcome and override_reason (SPEC 7.8)")
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error("--rows must be at least 1")
    doc = Document(args.document)
    rows = Generator(doc, args.seed, args.rows).generate()
    if not args.no_recorded:
        record_outcomes(rows, doc, args.seed)
    csv_path, jsonl_path = write(rows, doc, args.out_dir, args.stem, recorded=not args.no_recorded)
    bad = sum(1 for r in rows if "_bad" in r)
    children = len({r["child"] for r in rows if r["child"]})
    print(f"wrote {len(rows)} contacts about {children} children ({bad} deliberately bad rows) to "
          f"{os.path.relpath(csv_path)} and {os.path.relpath(jsonl_path)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
