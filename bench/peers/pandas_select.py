"""Peer: the Exampleshire document as vectorised pandas/NumPy (`np.select`), as a notebook user
would write it without frontdoor.

Input: the frame from `inputs.prepare(...)` (one `lvl_<concern>` column per concern holding the
level's index, -1 when absent, and the precomputed scalar inputs). Output: a DataFrame with the
columns level, outcome, category, referral, rules, routing, flags, actions, deadline.

Levels, outcomes and deadlines are whole-column NumPy operations. The lists (rules that held, flags,
actions) come from a boolean matrix (contacts x rules): each distinct (rules held, outcome)
combination is spelt out once and the rows index into those, since lists per row are not something
NumPy vectorises.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

LEVELS = np.array(["universal", "early_help", "complex", "acute"], dtype=object)
ROUTE = np.array(["advice", "early_help", "single_assessment", "s47_strategy"], dtype=object)
OUTCOME_IDS = ["advice", "early_help", "single_assessment", "s47_strategy", "allocated_worker"]
CATEGORY = np.array(["nfa", "early_help", "assessment", "s47", "open_case"], dtype=object)
REFERRAL = np.array([False, False, True, True, False])
WITHIN_MIN = np.array([480, 480, 480, 240, 480])          # decide_within in working minutes
OUTCOME_ACTIONS = [("signpost",), ("offer_early_help_assessment",), ("allocate_social_worker",),
                   ("multi_agency_checks", "strategy_discussion"), ("notify_allocated_worker",)]
ALWAYS = ("manager_signoff", "feedback_to_referrer")
RULES = [  # id, actions, flags (document order)
    ("police_protection", (), ()),
    ("non_mobile_baby_injury", (), ()),
    ("under_13_sexual_exploitation", (), ()),
    ("missing_and_exploited", (), ()),
    ("unborn_toxic_trio", ("pre_birth_assessment",), ("pre_birth",)),
    ("cumulative_needs", (), ()),
    ("many_low_level_contacts", ("chronology_review",), ()),
    ("toxic_trio", ("multi_agency_checks",), ("toxic_trio",)),
    ("exploitation_screening", ("exploitation_panel",), ("exploitation",)),
    ("police_domestic_abuse", ("multi_agency_checks",), ("police_notification",)),
    ("repeat_contacts", ("repeat_contact_review",), ("repeat_contact",)),
    ("re_referral", ("review_previous_referral",), ("re_referral",)),
    ("unverified_source", ("multi_agency_checks",), ()),
    ("written_contact_followup", ("call_referrer",), ()),
    ("disabled_child", ("involve_disability_team",), ()),
    ("open_case_acute", ("notify_allocated_worker",), ()),
]
ROUTING = np.array([None, "open_social_care_case", "open_early_help_case", "early_help_without_consent_risk",
                    "no_consent_for_early_help"], dtype=object)


def deadlines(received: pd.Series, minutes: np.ndarray, holidays: Iterable[str]) -> np.ndarray:
    """received + `minutes` of working time (09:00-17:00 London time on weekdays that are not
    holidays), vectorised with np.busday_offset; a deadline that uses up a day ends at 17:00."""
    hol = np.array(list(holidays), dtype="datetime64[D]")
    local = received.dt.tz_convert("Europe/London").dt.tz_localize(None).to_numpy(dtype="datetime64[ms]")
    day = local.astype("datetime64[D]")
    tod = (local - day.astype("datetime64[ms]")).astype(np.int64)            # ms since midnight
    opens, closes = 9 * 3_600_000, 17 * 3_600_000
    working = np.is_busday(day, holidays=hol)
    today = working & (tod < closes)
    # The next working day: the day after a working day's close, or the first working day from a day off.
    after_close = np.busday_offset(day, 1, roll="forward", holidays=hol)
    next_open = np.busday_offset(day, 0, roll="forward", holidays=hol)
    start_day = np.where(today, day, np.where(working, after_close, next_open))
    start_tod = np.where(today, np.maximum(tod, opens), opens)
    need = minutes.astype(np.int64) * 60_000
    first = closes - start_tod
    fits = need <= first
    rest = need - first
    k = np.where(fits, 0, -(-rest // (closes - opens)))                     # working days after the start day
    end_day = np.busday_offset(start_day, k, roll="forward", holidays=hol)
    end_tod = np.where(fits, start_tod + need, opens + rest - (k - 1) * (closes - opens))
    end_local = pd.DatetimeIndex(end_day.astype("datetime64[ms]") + end_tod.astype("timedelta64[ms]"))
    return end_local.tz_localize("Europe/London").tz_convert("UTC").floor("s").to_numpy()


def decide(f: pd.DataFrame, domain: dict[str, str], holidays: Iterable[str]) -> pd.DataFrame:
    lv = {c[4:]: f[c].to_numpy() for c in f.columns if c.startswith("lvl_")}
    n = len(f)

    def has(c: str) -> np.ndarray:
        return lv[c] >= 0

    def at_least(c: str, level: int) -> np.ndarray:
        return lv[c] >= level

    ranks = np.stack(list(lv.values()), axis=1)
    base = np.maximum(ranks.max(axis=1, initial=-1), 0)
    count_eh = (ranks >= 1).sum(axis=1)
    parenting = np.stack([lv[c] >= 0 for c in lv if domain[c] == "parenting_capacity"], axis=1).sum(axis=1)

    age_m = f["age_months"].to_numpy(dtype=float)
    age_y = f["age_years"].to_numpy(dtype=float)
    unborn = f["unborn"].to_numpy(dtype=bool)
    source = f["source"].to_numpy(dtype=object)
    channel = f["channel"].to_numpy(dtype=object)
    open_case = f["open_case"].to_numpy(dtype=object)
    consent = f["consent"].to_numpy(dtype=bool)
    risk = f["telling_family_raises_risk"].to_numpy(dtype=bool)
    disabled = f["disabled"].fillna(False).to_numpy(dtype=bool)        # unknown: the rule does not hold
    police = f["police_protection"].to_numpy(dtype=bool)
    similar = f["similar_contacts_3m"].to_numpy()
    referrals = f["referrals_12m"].to_numpy()
    contacts = f["contacts_12m"].to_numpy()
    open_sc = np.isin(open_case, ["cin", "cp_plan", "cla"])

    held = np.zeros((n, len(RULES)), dtype=bool)
    level = base.copy()
    # Escalations, in order; `level` is the level reached so far. NaN < 6 is False: an unknown age
    # does not make the rule hold.
    held[:, 0] = police
    held[:, 1] = (age_m < 6) & (has("unexplained_injury") | at_least("physical_abuse", 2))
    held[:, 2] = (age_y < 13) & at_least("child_sexual_exploitation", 2)
    held[:, 3] = at_least("going_missing", 2) & (at_least("child_sexual_exploitation", 2) | at_least("child_criminal_exploitation", 2))
    level = np.where(held[:, :4].any(axis=1), 3, level)
    held[:, 4] = unborn & (has("parental_substance_misuse") | has("domestic_abuse") | has("parental_mental_health"))
    held[:, 5] = (count_eh >= 3) & (parenting >= 1)
    level = np.where(held[:, 4] | held[:, 5], np.maximum(level, 2), level)
    held[:, 6] = (contacts >= 4) & (level <= 1)
    level = np.where(held[:, 6], np.maximum(level, 1), level)
    held[:, 7] = at_least("domestic_abuse", 2) & at_least("parental_mental_health", 2) & at_least("parental_substance_misuse", 2)
    held[:, 8] = (level >= 2) & (has("child_sexual_exploitation") | has("child_criminal_exploitation") | has("trafficking") | has("gangs"))
    held[:, 9] = (source == "6") & has("domestic_abuse")
    held[:, 10] = similar + 1 >= 3
    held[:, 11] = (referrals >= 1) & ((level == 3) | ((level == 2) & np.isin(open_case, ["none", "early_help"])))
    held[:, 12] = np.isin(source, ["9", "10"]) & (level >= 2)
    held[:, 13] = np.isin(channel, ["written", "online"]) & (level >= 2)
    held[:, 14] = disabled & (level >= 2)
    held[:, 15] = open_sc & (level == 3)

    # Routing: the first entry that holds, else the level's route.
    conds = [open_sc & (level <= 2), (open_case == "early_help") & (level <= 1), (level == 1) & ~consent & risk,
             (level == 1) & ~consent]
    routing = np.select(conds, [1, 2, 3, 4], default=0)
    outcome = np.select(conds, [4, 4, 2, 0], default=level)

    # Lists: rule ids, flags and actions of the rules that held, in order; actions start with
    # `always` and the outcome's own, duplicates dropped. Few (rules held, outcome) combinations
    # occur, so each is spelt out once and the rows index into them.
    names = [r[0] for r in RULES]
    key = held.astype(np.int64) @ (np.int64(1) << np.arange(len(RULES), dtype=np.int64)) + (outcome.astype(np.int64) << len(RULES))
    combos, inverse = np.unique(key, return_inverse=True)
    rules_u, flags_u, actions_u = (np.empty(len(combos), dtype=object) for _ in range(3))
    for u, k in enumerate(combos.tolist()):
        idx = [j for j in range(len(RULES)) if k >> j & 1]
        rules_u[u] = tuple(names[j] for j in idx)
        flags_u[u] = tuple(dict.fromkeys(fl for j in idx for fl in RULES[j][2]))
        actions_u[u] = tuple(dict.fromkeys(ALWAYS + OUTCOME_ACTIONS[k >> len(RULES)] + tuple(a for j in idx for a in RULES[j][1])))
    rules_out, flags_out, actions_out = rules_u[inverse], flags_u[inverse], actions_u[inverse]

    return pd.DataFrame({
        "level": LEVELS[level],
        "outcome": np.array(OUTCOME_IDS, dtype=object)[outcome],
        "category": CATEGORY[outcome],
        "referral": REFERRAL[outcome],
        "rules": rules_out,
        "routing": ROUTING[routing],
        "flags": flags_out,
        "actions": actions_out,
        "deadline": deadlines(f["received"], WITHIN_MIN[outcome], holidays),
    }, index=f.index)
