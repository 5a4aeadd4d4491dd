"""Peer: the Exampleshire document as a plain Python loop over rows (dicts), as a notebook user
would write it without frontdoor.

Input: `inputs.records(...)`, one dict per contact with `concerns` ({concern: level}) and the
precomputed scalars (None = not known) and `received` (an aware datetime). Output: one tuple per
contact, (level, outcome, category, referral, rules, routing, flags, actions, deadline).

Unknown values follow the document's (CEL's) rule as far as the outcome goes: a condition that
touches an unknown value does not hold unless it is already decided without it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable
from zoneinfo import ZoneInfo

LEVELS = ("universal", "early_help", "complex", "acute")
RANK = {lv: i for i, lv in enumerate(LEVELS)}
ROUTE = ("advice", "early_help", "single_assessment", "s47_strategy")
WORKING_DAY = 8 * 60                       # minutes, 09:00-17:00
OUTCOMES = {   # outcome: (category, referral, actions, decide_within in working minutes)
    "advice": ("nfa", False, ("signpost",), WORKING_DAY),
    "early_help": ("early_help", False, ("offer_early_help_assessment",), WORKING_DAY),
    "single_assessment": ("assessment", True, ("allocate_social_worker",), WORKING_DAY),
    "s47_strategy": ("s47", True, ("multi_agency_checks", "strategy_discussion"), 4 * 60),
    "allocated_worker": ("open_case", False, ("notify_allocated_worker",), WORKING_DAY),
}
LONDON = ZoneInfo("Europe/London")
UTC = dt.timezone.utc
OPENS, CLOSES = dt.time(9), dt.time(17)


def deadline(received: dt.datetime, minutes: int, holidays: frozenset) -> dt.datetime:
    """received + `minutes` of working time (09:00-17:00 London time, weekdays that are not
    holidays); a deadline that uses up a day's working time ends at 17:00 that day."""
    local = received.astimezone(LONDON).replace(tzinfo=None)
    day = local.date()

    def working(d: dt.date) -> bool:
        return d.weekday() < 5 and d not in holidays

    if working(day) and local.time() < CLOSES:
        start = max(local, dt.datetime.combine(day, OPENS))
    else:
        day += dt.timedelta(days=1)
        while not working(day):
            day += dt.timedelta(days=1)
        start = dt.datetime.combine(day, OPENS)
    left = dt.timedelta(minutes=minutes)
    while True:
        close = dt.datetime.combine(start.date(), CLOSES)
        if start + left <= close:
            end = start + left
            break
        left -= close - start
        day = start.date() + dt.timedelta(days=1)
        while not working(day):
            day += dt.timedelta(days=1)
        start = dt.datetime.combine(day, OPENS)
    return end.replace(tzinfo=LONDON).astimezone(UTC).replace(microsecond=0)
ALWAYS = ("manager_signoff", "feedback_to_referrer")
OPEN_SOCIAL_CARE = ("cin", "cp_plan", "cla")


def decide_one(c: dict[str, Any], domain: dict[str, str], holidays: frozenset) -> tuple:
    concerns = c["concerns"]
    r = {k: RANK[v] for k, v in concerns.items()}

    def at_least(concern: str, level: int) -> bool:
        return r.get(concern, -1) >= level

    level = max(r.values(), default=0)
    rules: list[str] = []
    actions: list[str] = []
    flags: list[str] = []

    def held(rule: str, acts: Iterable[str] = (), flgs: Iterable[str] = ()) -> None:
        rules.append(rule)
        actions.extend(acts)
        flags.extend(flgs)

    age_m, age_y = c["age_months"], c["age_years"]
    if c["police_protection"]:
        level = max(level, 3)
        held("police_protection")
    if age_m is not None and age_m < 6 and ("unexplained_injury" in r or at_least("physical_abuse", 2)):
        level = max(level, 3)
        held("non_mobile_baby_injury")
    if age_y is not None and age_y < 13 and at_least("child_sexual_exploitation", 2):
        level = max(level, 3)
        held("under_13_sexual_exploitation")
    if at_least("going_missing", 2) and (at_least("child_sexual_exploitation", 2) or at_least("child_criminal_exploitation", 2)):
        level = max(level, 3)
        held("missing_and_exploited")
    if c["unborn"] and ("parental_substance_misuse" in r or "domestic_abuse" in r or "parental_mental_health" in r):
        level = max(level, 2)
        held("unborn_toxic_trio", ("pre_birth_assessment",), ("pre_birth",))
    if sum(1 for v in r.values() if v >= 1) >= 3 and any(domain[k] == "parenting_capacity" for k in r):
        level = max(level, 2)
        held("cumulative_needs")
    if c["contacts_12m"] >= 4 and level <= 1:
        level = max(level, 1)
        held("many_low_level_contacts", ("chronology_review",))
    if at_least("domestic_abuse", 2) and at_least("parental_mental_health", 2) and at_least("parental_substance_misuse", 2):
        held("toxic_trio", ("multi_agency_checks",), ("toxic_trio",))
    if level >= 2 and ("child_sexual_exploitation" in r or "child_criminal_exploitation" in r or "trafficking" in r or "gangs" in r):
        held("exploitation_screening", ("exploitation_panel",), ("exploitation",))
    source, channel, open_case = c["source"], c["channel"], c["open_case"]
    if source == "6" and "domestic_abuse" in r:
        held("police_domestic_abuse", ("multi_agency_checks",), ("police_notification",))
    if c["similar_contacts_3m"] + 1 >= 3:
        held("repeat_contacts", ("repeat_contact_review",), ("repeat_contact",))
    if c["referrals_12m"] >= 1 and (level == 3 or (level == 2 and open_case in ("none", "early_help"))):
        held("re_referral", ("review_previous_referral",), ("re_referral",))
    if source in ("9", "10") and level >= 2:
        held("unverified_source", ("multi_agency_checks",))
    if channel in ("written", "online") and level >= 2:
        held("written_contact_followup", ("call_referrer",))
    if c["disabled"] is True and level >= 2:
        held("disabled_child", ("involve_disability_team",))
    if open_case in OPEN_SOCIAL_CARE and level == 3:
        held("open_case_acute", ("notify_allocated_worker",))

    routing = None
    if open_case in OPEN_SOCIAL_CARE and level <= 2:
        routing, outcome = "open_social_care_case", "allocated_worker"
    elif open_case == "early_help" and level <= 1:
        routing, outcome = "open_early_help_case", "allocated_worker"
    elif level == 1 and not c["consent"] and c["telling_family_raises_risk"]:
        routing, outcome = "early_help_without_consent_risk", "single_assessment"
    elif level == 1 and not c["consent"]:
        routing, outcome = "no_consent_for_early_help", "advice"
    else:
        outcome = ROUTE[level]
    category, referral, outcome_actions, within = OUTCOMES[outcome]
    all_actions = tuple(dict.fromkeys(ALWAYS + outcome_actions + tuple(actions)))
    return (LEVELS[level], outcome, category, referral, tuple(rules), routing, tuple(dict.fromkeys(flags)), all_actions,
            deadline(c["received"], within, holidays))


def decide(rows: list[dict[str, Any]], domain: dict[str, str], holidays: Iterable[str]) -> list[tuple]:
    """One tuple per contact: (level, outcome, category, referral, rules, routing, flags, actions,
    deadline); `domain`: concern -> domain; `holidays`: the calendar's holidays, YYYY-MM-DD."""
    days = frozenset(dt.date.fromisoformat(h) for h in holidays)
    return [decide_one(c, domain, days) for c in rows]
