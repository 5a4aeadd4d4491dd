"""Unit tests of the reference evaluator itself (tests/reference/frontdoor_ref.py).

Run: python3 -m pytest tests/reference -q
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frontdoor_ref as ref  # noqa: E402

BASE = """\
frontdoor: 1
id: t
version: "1"
levels:
  - {id: universal, name: U, route: advice}
  - {id: early_help, name: EH, route: early_help}
  - {id: complex, name: C, route: assessment}
  - {id: acute, name: A, route: s47}
outcomes:
  advice: {name: Advice, category: nfa, referral: false, decide_within: 24 working hours}
  early_help: {name: EH, category: early_help, referral: false, decide_within: 1 working day}
  assessment: {name: SA, category: assessment, referral: true, decide_within: 24 working hours,
               actions: [allocate]}
  s47: {name: S47, category: s47, referral: true, decide_within: 4 working hours,
        actions: [checks, strategy]}
  plain: {name: P, category: other, referral: false, decide_within: 24 hours}
actions:
  signoff: x
  allocate: x
  checks: x
  strategy: x
  review: x
always: [signoff]
fields:
  consent: {type: bool, default: false}
  score: {type: int, min: 0, max: 10}
  big: {type: int}
  note: {type: string}
  open_case: {type: enum, values: [none, cin, cp_plan], default: none}
concerns:
  domestic_abuse:
    domain: family
    levels: {early_help: a, complex: b, acute: c}
  injury:
    domain: development
    levels: {acute: d}
  school:
    domain: development
    levels: {early_help: e, complex: f}
  housing:
    domain: environment
    levels: {early_help: g}
history:
  similar_3m: {count: contacts, within: 3 months, sharing: domain}
  same_concern_2w: {count: contacts, within: 2 weeks, sharing: concern}
  all_10d: {count: contacts, within: 10 days}
  referrals_12m: {count: referrals, within: 12 months}
"""


def mkdoc(extra="", calendar=None):
    src = BASE
    if calendar is not None:
        src += "calendar:\n" + textwrap.indent(textwrap.dedent(calendar), "  ")
    src += textwrap.dedent(extra)
    return ref.loads(src)


def rule_doc(when, calendar=None):
    return mkdoc(f"""
rules:
  - id: r
    when: {json.dumps(when)}
    actions: [review]
""", calendar)


def holds(when, **contact):
    doc = rule_doc(when)
    c = {"id": "c", "received": "2026-05-04T10:00:00Z"}
    c.update(contact)
    d = ref.decide(doc, c, [])
    assert d["error"] is None, d["error"]
    return d["rules"] == ["r"]


def value(expr, **contact):
    """Evaluate an expression directly (returns python value, ref.Unknown or ref.Err)."""
    doc = mkdoc()
    ast = ref.parse_expr(expr)
    ref.typecheck(ast, doc)
    c = {"id": "c", "received": "2026-05-04T10:00:00Z"}
    c.update(contact)
    ck = ref.check_contact(doc, c)
    assert not ck.errors, ck.errors
    vals = dict(ck.values)
    for n in doc.counters:
        vals[n] = 0
    vals["level"] = ref.LevelV("early_help", 1)
    return ref.evaluate(ast, ref.Env(doc, vals, ck.concerns))


# ------------------------------------------------------------------------------------------------
# Expressions: parsing and precedence
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expr,expected", [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 - 3 - 2", 5),
    ("-2 * 3", -6),
    ("--2", 2),
    ("true || false && false", True),
    ("false && true || true", True),
    ("1 < 2 == true", True),
    ("true ? 1 : 2", 1),
    ("false ? 1 : true ? 2 : 3", 2),
    ("1 == 1 ? 5 : 6", 5),
    ("!true || true", True),
    ("!(true || true)", False),
    ('"a\\"b" == \'a"b\'', True),
    ('"a\\\\b" == "a\\\\b"', True),
    ('"\\n\\t" != "nt"', True),
    ('"abc" < "abd"', True),
    ('"B" < "a"', True),                    # code point order
    ("false < true", True),
    ("2 in [1, 2, 3]", True),
    ("4 in [1, 2, 3]", False),
    ("[1, 2] == [1, 2]", True),
    ("[1, 2] == [2, 1]", False),
    ("[1, 2] != [1, 2, 3]", True),
    ("[] == []", True),
    ("[[1], [2]] == [[1], [2]]", True),
])
def test_expression_values(expr, expected):
    assert value(expr) == expected


@pytest.mark.parametrize("bad", [
    "1 +", "(1", "1 2", "foo", "bar(1)", "1 / 2", "1 % 2", '"abc', '"a\\q"', "1 == true",
    "1 + true", '"a" + "b"', "!1", "-true", "1 && true", "1 in 2", "[1] < [2]",
    "true ? 1 : \"a\"", "9223372036854775808", 'concern("nope")', 'concern(1)',
    'concern_at_least("injury", "severe")', 'count_at_least("high")', 'domain_count("nowhere")',
    "received", "concerns", "open_case < \"cin\"",
])
def test_load_errors(bad):
    with pytest.raises(ValueError):
        rule_doc(bad)


def test_rule_when_must_be_bool():
    with pytest.raises(ValueError):
        rule_doc("1 + 2")


# ------------------------------------------------------------------------------------------------
# Three-valued logic
# ------------------------------------------------------------------------------------------------

def test_unknown_field_is_unknown():
    v = value("score > 3")
    assert isinstance(v, ref.Unknown) and v.names == {"score"}


@pytest.mark.parametrize("expr,expected", [
    ("false && score > 3", False),
    ("score > 3 && false", False),
    ("true || score > 3", True),
    ("score > 3 || true", True),
])
def test_commutative_short_circuit(expr, expected):
    assert value(expr) is expected


@pytest.mark.parametrize("expr", [
    "true && score > 3", "score > 3 && true", "false || score > 3", "score > 3 || false",
    "!(score > 3)", "score == 1", "score + 1 > 0", "score in [1, 2]", "1 in [score, 2]",
    "score > 3 ? true : false", "[score] == [1]", "score > 3 && big > 3",
])
def test_unknown_propagates(expr):
    assert isinstance(value(expr), ref.Unknown)


def test_conditional_only_evaluates_chosen_branch():
    assert value("true ? 1 : score") == 1
    assert isinstance(value("false ? 1 : score"), ref.Unknown)
    assert value("false ? 9223372036854775807 + 1 : 2") == 2


def test_unknown_wins_over_error():
    v = value("score > 1 && 9223372036854775807 + 1 > 0")
    assert isinstance(v, ref.Unknown)
    v = value("9223372036854775807 + 1 > 0 || score > 1")
    assert isinstance(v, ref.Unknown)
    v = value("(9223372036854775807 + 1) + score > 0")
    assert isinstance(v, ref.Unknown)


def test_error_absorbed_by_false_and_true():
    assert value("9223372036854775807 + 1 > 0 && false") is False
    assert value("false && 9223372036854775807 + 1 > 0") is False
    assert value("9223372036854775807 + 1 > 0 || true") is True
    assert isinstance(value("9223372036854775807 + 1 > 0 && true"), ref.Err)


def test_unknown_when_does_not_hold_and_gives_unknown_reason():
    doc = rule_doc("score > 3")
    d = ref.decide(doc, {"id": "c", "received": "2026-05-04T10:00:00Z"}, [])
    assert d["rules"] == []
    unk = [r for r in d["reasons"] if r["kind"] == "unknown"]
    assert unk and unk[0]["id"] == "r" and unk[0]["fields"] == ["score"]
    assert not holds("!(score > 3)")
    assert holds("score > 3", score=4)


def test_declared_defaults_are_known():
    assert holds("!consent")
    assert holds('open_case == "none"')
    assert holds('open_case == "cin"', open_case="cin")
    assert holds('open_case in ["cin", "cp_plan"]', open_case="cp_plan")


def test_absent_builtins_unknown():
    for expr in ('source == "6"', 'channel == "written"', "age_months < 6", "age_years < 1"):
        assert not holds(expr)
        assert not holds(f"!({expr})")
    assert holds('source == "6"', source="6")
    assert holds('source == "6"', source=6)          # R14: integer code accepted
    assert holds('source != "1A"', source="6")
    assert holds('channel == "in_person"', channel="in_person")


@pytest.mark.parametrize("expr", ['child == "K"', 'id == "c"', 'dob == "2020-01-01"'])
def test_id_child_dob_are_not_names(expr):
    # R7 (aligned with the engine): only level, ages, unborn, source, channel, fields, counters
    with pytest.raises(ValueError, match="unknown name"):
        rule_doc(expr)


# ------------------------------------------------------------------------------------------------
# Integer overflow
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expr", [
    "9223372036854775807 + 1 > 0",
    "-9223372036854775808 - 1 < 0",
    "9223372036854775807 * 2 > 0",
    "-(-9223372036854775808) > 0",
    "-9223372036854775808 * -1 > 0",
    "4611686018427387904 * 2 > 0",
])
def test_overflow_is_error(expr):
    assert isinstance(value(expr), ref.Err)
    assert not holds(expr)
    assert not holds(f"!({expr})")


def test_int64_limits_are_fine():
    assert value("9223372036854775807 - 1 + 1") == 9223372036854775807
    assert value("-9223372036854775808") == -9223372036854775808
    assert value("-9223372036854775807 - 1") == -9223372036854775808
    assert value("4611686018427387903 * 2 + 1") == 9223372036854775807


def test_overflow_in_field_arithmetic():
    assert not holds("big * big > 0", big=4294967296)
    assert holds("big * big > 0", big=3037000499)


# ------------------------------------------------------------------------------------------------
# Levels
# ------------------------------------------------------------------------------------------------

def test_level_comparisons():
    doc = mkdoc("""
rules:
  - {id: ge, when: 'level >= "complex"', actions: [review]}
  - {id: eq, when: 'level == "early_help"'}
  - {id: inl, when: 'level in ["complex", "acute"]'}
  - {id: lt, when: 'level < "acute"'}
  - {id: gt, when: '"acute" > level'}
""")
    def rules(concerns):
        return ref.decide(doc, {"id": "c", "received": "2026-05-04T10:00:00Z",
                                "concerns": concerns}, [])["rules"]
    assert rules({}) == ["lt", "gt"]
    assert rules({"school": "early_help"}) == ["eq", "lt", "gt"]
    assert rules({"school": "complex"}) == ["ge", "inl", "lt", "gt"]
    assert rules({"injury": "acute"}) == ["ge", "inl"]


@pytest.mark.parametrize("bad", ['level >= "compex"', 'level == "Acute"', 'level in ["x"]',
                                 "level > 2", 'channel == "phone"', 'source == "11"'])
def test_misspelt_level_or_enum_is_load_error(bad):
    with pytest.raises(ValueError):
        rule_doc(bad)


def test_rules_raise_never_lower_and_see_level_so_far():
    doc = mkdoc("""
rules:
  - {id: up, when: 'concern("housing")', raise_to: complex}
  - {id: down, when: 'true', raise_to: early_help}
  - {id: sees, when: 'level == "complex"', flags: [f1, f2]}
  - {id: again, when: 'level >= "early_help"', flags: [f2, f3], actions: [review, signoff]}
routing:
  - {id: r1, when: 'level == "universal"', outcome: plain}
""")
    d = ref.decide(doc, {"id": "c", "received": "2026-05-04T10:00:00Z",
                         "concerns": {"housing": "early_help"}}, [])
    assert d["level"] == "complex"
    assert d["rules"] == ["up", "down", "sees", "again"]
    assert d["flags"] == ["f1", "f2", "f3"]
    assert d["actions"] == ["signoff", "allocate", "review"]
    assert d["outcome"] == "assessment" and d["routing"] is None
    d = ref.decide(doc, {"id": "c", "received": "2026-05-04T10:00:00Z"}, [])
    assert d["level"] == "early_help" and d["rules"] == ["down", "again"]
    assert d["routing"] is None


def test_routing_first_match_and_base_level():
    doc = mkdoc("""
routing:
  - {id: a, when: 'concern_at_least("domestic_abuse", "complex")', outcome: plain}
  - {id: b, when: 'count_at_least("early_help") >= 2', outcome: advice}
  - {id: c, when: 'domain_count("development") >= 1', outcome: s47}
""")
    def dec(concerns):
        return ref.decide(doc, {"id": "c", "received": "2026-05-04T10:00:00Z",
                                "concerns": concerns}, [])
    d = dec({"domestic_abuse": "acute", "school": "early_help"})
    assert (d["level"], d["routing"], d["outcome"], d["category"]) == ("acute", "a", "plain", "other")
    d = dec({"domestic_abuse": "early_help", "school": "early_help"})
    assert (d["level"], d["routing"], d["outcome"]) == ("early_help", "b", "advice")
    d = dec({"school": "complex"})
    assert (d["level"], d["routing"], d["outcome"]) == ("complex", "c", "s47")
    d = dec({})
    assert (d["level"], d["routing"], d["outcome"]) == ("universal", None, "advice")
    kinds = [r["kind"] for r in dec({"domestic_abuse": "complex", "housing": "early_help"})["reasons"]]
    assert kinds == ["concern", "routing"]


# ------------------------------------------------------------------------------------------------
# Contacts: rejection and ages
# ------------------------------------------------------------------------------------------------

GOOD = {"id": "c", "received": "2026-05-04T10:00:00Z"}


@pytest.mark.parametrize("patch,needle", [
    ({"concerns": {"nope": "acute"}}, "nope"),
    ({"concerns": {"injury": "early_help"}}, "injury"),
    ({"concerns": {"injury": "severe"}}, "injury"),
    ({"colour": "red"}, "colour"),
    ({"consent": "yes"}, "consent"),
    ({"score": 11}, "score"),
    ({"score": -1}, "score"),
    ({"score": "3"}, "score"),
    ({"score": True}, "score"),
    ({"note": 5}, "note"),
    ({"open_case": "cla"}, "open_case"),
    ({"source": "11"}, "source"),
    ({"channel": "phone"}, "channel"),
    ({"unborn": "no"}, "unborn"),
    ({"dob": "2026-13-01"}, "dob"),
    ({"dob": "2026-06-01"}, "dob"),                        # R17: after received
    ({"received": "2026-05-04T10:00:00"}, "received"),      # no offset
    ({"received": "yesterday"}, "received"),
    ({"id": None}, "id"),
    ({"id": 7}, "id"),
    ({"received": None}, "received"),
])
def test_rejections(patch, needle):
    doc = mkdoc()
    c = dict(GOOD)
    c.update(patch)
    if c.get("id") is None:
        c.pop("id", None)
    d = ref.decide(doc, c, [])
    assert d["error"] and needle in d["error"]
    for k in ("level", "outcome", "category", "referral", "actions", "deadline", "flags",
              "rules", "routing"):
        assert d[k] is None
    assert d["document"]["id"] == "t"


def test_null_means_absent():
    doc = mkdoc()
    d = ref.decide(doc, dict(GOOD, score=None, consent=None, dob=None, concerns=None), [])
    assert d["error"] is None and d["level"] == "universal"


def test_accepted_timestamp_forms():
    doc = mkdoc()
    for ts in ["2026-05-04T10:00:00Z", "2026-05-04T11:00:00+01:00", "2026-05-04T10:00Z",
               "2026-05-04T10:00:00.5Z", "2026-05-04T05:00:00-0500"]:
        d = ref.decide(doc, dict(GOOD, received=ts), [])
        assert d["error"] is None, ts
        assert d["deadline"] == "2026-05-07T10:00:00Z", ts   # Mon 7h + Tue 8h + Wed 8h + Thu 1h


@pytest.mark.parametrize("dob,received,months,years", [
    ("2026-01-01", "2026-05-04T10:00:00Z", 4, 0),
    ("2026-01-04", "2026-05-04T10:00:00Z", 4, 0),
    ("2026-01-05", "2026-05-04T10:00:00Z", 3, 0),
    ("2025-05-04", "2026-05-04T10:00:00Z", 12, 1),
    ("2025-05-05", "2026-05-04T10:00:00Z", 11, 0),
    ("2026-01-31", "2026-02-28T10:00:00Z", 1, 0),   # R16: clamped month end
    ("2024-02-29", "2025-02-28T10:00:00Z", 12, 1),
    ("2026-05-04", "2026-05-04T10:00:00Z", 0, 0),
    ("2020-03-15", "2026-03-14T23:30:00Z", 71, 5),
])
def test_ages(dob, received, months, years):
    doc = mkdoc()
    ck = ref.check_contact(doc, {"id": "c", "received": received, "dob": dob})
    assert not ck.errors
    assert (ck.values["age_months"], ck.values["age_years"]) == (months, years)


def test_age_uses_local_date_in_calendar_timezone():
    # 23:30Z on 14 March is 00:30 on 15 March in Europe/Berlin -> birthday reached
    doc = mkdoc(calendar="timezone: Europe/Berlin\n")
    ck = ref.check_contact(doc, {"id": "c", "received": "2026-03-14T23:30:00Z", "dob": "2020-03-15"})
    assert ck.values["age_years"] == 6 and ck.values["age_months"] == 72


def test_unborn():
    assert holds("age_months == 0 && age_years == 0 && unborn", unborn=True)
    assert holds("age_months == 0", unborn=True, dob="2025-01-01")
    assert holds("!unborn")


# ------------------------------------------------------------------------------------------------
# History windows
# ------------------------------------------------------------------------------------------------

def counters(contact, history, doc=None):
    doc = doc or mkdoc()
    ck = ref.check_contact(doc, contact)
    assert not ck.errors
    items, errs = ref.check_history(doc, history)
    assert not errs
    return {n: ref.count_history(doc, c, ck.received, ck.concerns, items)
            for n, c in doc.counters.items()}


def test_month_window_clamps_to_month_end():
    assert ref.window_start(ref.parse_timestamp("2026-05-31T10:00:00Z"), 3, "months") == \
        ref.parse_timestamp("2026-02-28T10:00:00Z")
    assert ref.window_start(ref.parse_timestamp("2028-05-31T10:00:00Z"), 3, "months") == \
        ref.parse_timestamp("2028-02-29T10:00:00Z")
    assert ref.window_start(ref.parse_timestamp("2026-03-31T00:30:00+01:00"), 1, "months") == \
        ref.parse_timestamp("2026-02-28T23:30:00Z")     # UTC date is 30 March -> 28 Feb (clamped)
    c = {"id": "c", "received": "2026-05-31T10:00:00Z", "concerns": {"school": "early_help"}}
    inside = {"received": "2026-02-28T10:00:00Z", "concerns": {"injury": "acute"}}
    outside = {"received": "2026-02-28T09:59:59Z", "concerns": {"injury": "acute"}}
    assert counters(c, [inside])["similar_3m"] == 1
    assert counters(c, [outside])["similar_3m"] == 0


def test_window_is_half_open_and_ignores_later_items():
    c = {"id": "c", "received": "2026-05-11T10:00:00Z", "concerns": {"school": "early_help"}}
    h = [{"received": "2026-05-01T10:00:00Z"},            # exactly 10 days: inside
         {"received": "2026-05-01T09:59:59Z"},            # just outside
         {"received": "2026-05-11T10:00:00Z"},            # same instant: outside
         {"received": "2026-05-12T10:00:00Z"},            # later: outside
         {"received": "2026-05-11T11:00:00+01:00"}]       # same instant, other offset: outside
    assert counters(c, h)["all_10d"] == 1


def test_sharing_and_referrals():
    c = {"id": "c", "received": "2026-05-11T10:00:00Z", "concerns": {"school": "early_help"}}
    h = [{"received": "2026-05-01T10:00:00Z", "concerns": {"injury": "acute"}, "outcome": "s47"},
         {"received": "2026-05-02T10:00:00Z", "concerns": {"school": "complex"}, "outcome": "advice"},
         {"received": "2026-05-03T10:00:00Z", "concerns": {"housing": "early_help"},
          "referral": True},
         {"received": "2025-05-11T10:00:00Z", "outcome": "assessment"},   # exactly 12 months
         {"received": "2025-05-11T09:00:00Z", "outcome": "assessment"}]   # outside
    got = counters(c, h)
    assert got["similar_3m"] == 2          # injury and school share `development`
    assert got["same_concern_2w"] == 1     # only the school item
    assert got["referrals_12m"] == 3       # s47, referral: true, assessment at the boundary
    assert got["all_10d"] == 3
    # a contact without concerns shares nothing
    assert counters({"id": "c", "received": "2026-05-11T10:00:00Z"}, h)["similar_3m"] == 0


def test_week_window():
    c = {"id": "c", "received": "2026-05-15T10:00:00Z", "concerns": {"school": "early_help"}}
    h = [{"received": "2026-05-01T10:00:00Z", "concerns": {"school": "complex"}},
         {"received": "2026-05-01T09:00:00Z", "concerns": {"school": "complex"}}]
    assert counters(c, h)["same_concern_2w"] == 1


def test_bad_history_rejects():
    doc = mkdoc()
    d = ref.decide(doc, GOOD, [{"received": "2026-05-01T10:00:00Z", "outcome": "nope"}])
    assert d["error"] and "nope" in d["error"]
    d = ref.decide(doc, GOOD, [{"concerns": {}}])
    assert d["error"] and "received" in d["error"]


# ------------------------------------------------------------------------------------------------
# Deadlines
# ------------------------------------------------------------------------------------------------

def deadline(received, within, calendar=None):
    doc = mkdoc(calendar=calendar)
    return ref.deadline_for(doc, ref.parse_timestamp(received), ref.parse_duration(within))


@pytest.mark.parametrize("received,within,expected", [
    ("2026-05-04T10:00:00Z", "4 working hours", "2026-05-04T14:00:00Z"),
    ("2026-05-04T09:00:00Z", "8 working hours", "2026-05-04T17:00:00Z"),       # uses up the day
    ("2026-05-08T09:00:00Z", "8 working hours", "2026-05-08T17:00:00Z"),       # Friday 17:00
    ("2026-05-08T13:00:00Z", "4 working hours", "2026-05-08T17:00:00Z"),
    ("2026-05-08T13:00:00Z", "5 working hours", "2026-05-11T10:00:00Z"),       # over a weekend
    ("2026-05-08T16:00:00Z", "24 working hours", "2026-05-13T16:00:00Z"),
    ("2026-05-09T12:00:00Z", "24 working hours", "2026-05-13T17:00:00Z"),      # Saturday
    ("2026-05-04T07:00:00Z", "2 working hours", "2026-05-04T11:00:00Z"),       # before hours
    ("2026-05-04T17:00:00Z", "2 working hours", "2026-05-05T11:00:00Z"),       # at 17:00
    ("2026-05-04T18:00:00Z", "1 working hour", "2026-05-05T10:00:00Z"),        # evening
    ("2026-05-08T10:00:00Z", "1 working day", "2026-05-11T10:00:00Z"),
    ("2026-05-04T09:00:00Z", "1 working day", "2026-05-04T17:00:00Z"),
    ("2026-05-04T09:00:00Z", "5 working days", "2026-05-08T17:00:00Z"),
    ("2026-05-04T10:00:00Z", "0 working hours", "2026-05-04T10:00:00Z"),
    ("2026-05-09T10:00:00Z", "0 working hours", "2026-05-11T09:00:00Z"),
    ("2026-05-08T16:00:00Z", "24 hours", "2026-05-09T16:00:00Z"),              # plain time
    ("2026-05-08T16:00:00Z", "2 days", "2026-05-10T16:00:00Z"),
    ("2026-05-08T16:00:00+01:00", "1 hour", "2026-05-08T16:00:00Z"),
    ("2026-05-04T10:00:00.900Z", "1 hour", "2026-05-04T11:00:00Z"),            # truncated
])
def test_deadlines_default_calendar(received, within, expected):
    assert deadline(received, within) == expected


HOLIDAYS = """\
timezone: Europe/London
working_hours: "09:00-17:00"
holidays: [2026-12-25, 2026-12-28, 2027-01-01]
"""


@pytest.mark.parametrize("received,within,expected", [
    # Christmas: Thu 24 Dec 16:00 GMT; Fri 25 and Mon 28 are holidays
    ("2026-12-24T16:00:00Z", "2 working hours", "2026-12-29T10:00:00Z"),
    ("2026-12-24T09:00:00Z", "8 working hours", "2026-12-24T17:00:00Z"),
    ("2026-12-31T15:00:00Z", "24 working hours", "2027-01-06T15:00:00Z"),
    # GMT -> BST (29 March 2026): Fri 27 March 16:00 GMT + 24 working hours
    ("2026-03-27T16:00:00Z", "24 working hours", "2026-04-01T15:00:00Z"),
    # BST working day: 09:00-17:00 local is 08:00-16:00Z
    ("2026-05-04T08:00:00Z", "8 working hours", "2026-05-04T16:00:00Z"),
    ("2026-05-04T07:30:00Z", "1 working hour", "2026-05-04T09:00:00Z"),
    ("2026-05-04T16:30:00Z", "1 working hour", "2026-05-05T09:00:00Z"),
    # BST -> GMT (25 October 2026): Fri 23 Oct 15:00 BST (14:00Z) + 4 working hours
    ("2026-10-23T14:00:00Z", "4 working hours", "2026-10-26T11:00:00Z"),
    ("2026-10-23T08:00:00Z", "1 working day", "2026-10-23T16:00:00Z"),
    # plain hours across the change are elapsed time
    ("2026-10-24T12:00:00Z", "24 hours", "2026-10-25T12:00:00Z"),
    ("2026-03-28T12:00:00Z", "1 day", "2026-03-29T12:00:00Z"),
])
def test_deadlines_london(received, within, expected):
    assert deadline(received, within, HOLIDAYS) == expected


def test_working_day_length_follows_working_hours():
    cal = 'working_hours: "08:30-16:00"\n'
    assert deadline("2026-05-04T08:30:00Z", "1 working day", cal) == "2026-05-04T16:00:00Z"
    assert deadline("2026-05-04T12:00:00Z", "2 working days", cal) == "2026-05-06T12:00:00Z"


def test_bad_durations():
    for bad in ["24 working", "two hours", "1.5 hours", "3 weeks", "24 working minutes"]:
        with pytest.raises(ValueError):
            ref.parse_duration(bad)
    for bad in ["3 years", "3", "months"]:
        with pytest.raises(ValueError):
            ref.parse_within(bad)
    for ok in ["1 working hour", "1 working day", "1 hour", "1 day", "3 working days"]:
        ref.parse_duration(ok)


# ------------------------------------------------------------------------------------------------
# Batches
# ------------------------------------------------------------------------------------------------

BATCH_EXTRA = """
rules:
  - {id: repeat, when: similar_3m >= 2, actions: [review], flags: [repeat_contact]}
  - {id: rereferral, when: referrals_12m >= 1, flags: [rereferral]}
"""


def test_batch_history_is_earlier_rows_of_same_child():
    doc = mkdoc(BATCH_EXTRA)
    rows = [
        {"id": "3", "child": "A", "received": "2026-05-20T10:00:00Z", "concerns": {"school": "early_help"}},
        {"id": "1", "child": "A", "received": "2026-05-01T10:00:00Z", "concerns": {"school": "complex"}},
        {"id": "x", "child": "A", "received": "2026-05-05T10:00:00Z", "concerns": {"nope": "acute"}},
        {"id": "2", "child": "A", "received": "2026-05-10T10:00:00Z", "concerns": {"injury": "acute"}},
        {"id": "b", "child": "B", "received": "2026-05-15T10:00:00Z", "concerns": {"school": "early_help"}},
        {"id": "n", "received": "2026-05-25T10:00:00Z", "concerns": {"school": "early_help"}},
    ]
    out = ref.decide_batch(doc, rows)
    assert [d["contact"] for d in out] == ["3", "1", "x", "2", "b", "n"]
    by = {d["contact"]: d for d in out}
    assert by["x"]["error"] and "nope" in by["x"]["error"]
    assert by["1"]["flags"] == []
    assert by["2"]["flags"] == ["rereferral"]                 # row 1 was an assessment referral
    assert by["3"]["flags"] == ["repeat_contact", "rereferral"]   # 2 similar, rejected row not counted
    assert by["b"]["flags"] == [] and by["n"]["flags"] == []


def test_batch_outcome_decided_this_run_feeds_later_rows():
    doc = mkdoc(BATCH_EXTRA + """
routing:
  - {id: gate, when: 'consent', outcome: plain}
""")
    first = {"id": "1", "child": "A", "received": "2026-05-01T10:00:00Z", "concerns": {"school": "complex"}}
    later = {"id": "2", "child": "A", "received": "2026-05-10T10:00:00Z"}
    assert ref.decide_batch(doc, [first, later])[1]["flags"] == ["rereferral"]
    # a changed early decision (routed to a non-referral outcome) changes the later count
    assert ref.decide_batch(doc, [dict(first, consent=True), later])[1]["flags"] == []


def test_batch_ties_and_own_history():
    doc = mkdoc(BATCH_EXTRA)
    a = {"id": "1", "child": "A", "received": "2026-05-01T10:00:00Z", "concerns": {"school": "complex"}}
    tie = {"id": "2", "child": "A", "received": "2026-05-01T11:00:00+01:00"}
    out = ref.decide_batch(doc, [a, tie])
    assert out[1]["flags"] == []          # same instant: outside the half-open window
    own = {"id": "3", "child": "A", "received": "2026-05-10T10:00:00Z", "history": []}
    out = ref.decide_batch(doc, [a, own])
    assert out[1]["flags"] == []          # own (empty) history replaces the batch history
    own2 = dict(own, history=[{"received": "2026-05-02T10:00:00Z", "referral": True}])
    assert ref.decide_batch(doc, [own2])[0]["flags"] == ["rereferral"]


@pytest.mark.parametrize("item,why", [
    ({"received": "2026-05-01T10:00:00Z", "concerns": {"nope": "acute"}}, "nope"),
    ({"received": "2026-05-01T10:00:00Z", "concerns": {"school": "severe"}}, "severe"),
    ({"received": "2026-05-01T10:00:00Z", "outcome": "nowhere"}, "nowhere"),
])
def test_history_item_with_unknown_concern_level_or_outcome_rejects(item, why):
    # R19 (aligned with the engine)
    d = ref.decide(mkdoc(BATCH_EXTRA), dict(GOOD), [item])
    assert d["outcome"] is None and why in d["error"]


def test_history_item_level_need_not_be_a_descriptor_level():
    item = {"received": "2026-05-01T10:00:00Z", "concerns": {"injury": "early_help"}}
    assert ref.decide(mkdoc(BATCH_EXTRA), dict(GOOD), [item])["error"] is None


def test_decide_uses_contact_history_key():
    doc = mkdoc(BATCH_EXTRA)
    c = dict(GOOD, history=[{"received": "2026-05-01T10:00:00Z", "outcome": "s47"}])
    assert ref.decide(doc, c)["flags"] == ["rereferral"]


# ------------------------------------------------------------------------------------------------
# Document loading
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate", [
    lambda s: s + "colour: red\n",
    lambda s: s.replace("frontdoor: 1", "frontdoor: 2"),
    lambda s: s.replace("route: s47}", "route: nowhere}"),
    lambda s: s.replace("category: other", "category: misc"),
    lambda s: s.replace("always: [signoff]", "always: [undeclared]"),
    lambda s: s.replace("{acute: d}", "{severe: d}"),
    lambda s: s.replace("within: 2 weeks", "within: 2 fortnights"),
    lambda s: s + "rules:\n  - {id: r, when: 'true', raise_to: extreme}\n",
    lambda s: s + "routing:\n  - {id: r, when: 'true', outcome: nowhere}\n",
    lambda s: s + "rules:\n  - {id: r, when: 'true'}\n  - {id: r, when: 'true'}\n",
    lambda s: s + "calendar: {timezone: Mars/Olympus}\n",
    # R3 (aligned with the engine): `when` is required
    lambda s: s + "rules:\n  - {id: r, raise_to: acute}\n",
    lambda s: s + "routing:\n  - {id: r, outcome: plain}\n",
    lambda s: s + "calendar: {working_hours: '17:00-09:00'}\n",
])
def test_bad_documents(mutate):
    with pytest.raises(ValueError):
        ref.loads(mutate(BASE))


def test_yaml_12_scalars_and_default_calendar():
    doc = mkdoc()
    assert doc.timezone == "UTC" and str(doc.work_start) == "09:00:00" and str(doc.work_end) == "17:00:00"
    d = ref.loads(BASE.replace("values: [none, cin, cp_plan]", "values: [none, yes, no, 010, 1:30]"))
    assert d.fields["open_case"].values == ["none", "yes", "no", "10", "1:30"]


# ------------------------------------------------------------------------------------------------
# Document tests and CLI
# ------------------------------------------------------------------------------------------------

TESTS_DOC = BASE + """
rules:
  - id: baby
    when: age_months < 6 && concern("injury")
    raise_to: acute
tests:
  - name: pass
    contact: {received: 2026-05-04T10:00:00Z, dob: 2026-01-01, concerns: {injury: acute}}
    expect: {level: acute, outcome: s47, category: s47, rules: [baby], routing: null,
             actions: [signoff, checks, strategy], actions_include: [strategy],
             flags: [], deadline: "2026-05-04T14:00:00Z"}
  - name: rejected as expected
    contact: {received: "2026-05-04T10:00:00Z", concerns: {injury: early_help}}
    expect: {error: injury}
  - name: wrong level
    contact: {received: "2026-05-04T10:00:00Z"}
    expect: {level: acute, routing: null}
  - name: with history
    contact: {received: "2026-05-04T10:00:00Z", concerns: {school: early_help}}
    history:
      - {received: "2026-05-01T10:00:00Z", concerns: {school: complex}}
    expect: {level: early_help}
"""


def test_run_tests(tmp_path):
    doc = ref.loads(TESTS_DOC)
    fails = ref.run_tests(doc)
    assert len(fails) == 1 and fails[0].startswith("wrong level: level")
    p = tmp_path / "doc.yaml"
    p.write_text(TESTS_DOC)
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "frontdoor_ref.py")
    r = subprocess.run([sys.executable, here, "test", str(p)], capture_output=True, text=True)
    assert r.returncode == 1 and "3 passed, 1 failed" in r.stdout


def test_cli_decide(tmp_path):
    p = tmp_path / "doc.yaml"
    p.write_text(TESTS_DOC)
    rows = tmp_path / "c.jsonl"
    rows.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "child": "K", "received": "2026-05-04T10:00:00Z", "dob": "2026-01-01",
         "concerns": {"injury": "acute"}},
        {"id": "b", "received": "2026-05-04T10:00:00Z", "concerns": {"zzz": "acute"}},
    ]) + "\n")
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "frontdoor_ref.py")
    r = subprocess.run([sys.executable, here, "decide", str(p), str(rows)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert list(lines[0]) == ref.DECISION_KEYS
    assert lines[0]["outcome"] == "s47" and lines[0]["deadline"] == "2026-05-04T14:00:00Z"
    assert lines[1]["error"] and lines[1]["outcome"] is None and lines[1]["contact"] == "b"


def test_deterministic():
    doc = ref.loads(TESTS_DOC)
    c = {"id": "a", "received": "2026-05-04T10:00:00Z", "dob": "2026-01-01",
         "concerns": {"injury": "acute", "domestic_abuse": "acute"}}
    assert json.dumps(ref.decide(doc, c, [])) == json.dumps(ref.decide(doc, dict(c), []))


def test_an_outcome_without_decide_within_gives_no_deadline():
    # R4: decide_within is optional; decisions routed to such an outcome carry a null deadline.
    doc = ref.loads(BASE.replace(", decide_within: 24 hours}", "}"))
    assert any(o.decide_within is None for o in doc.outcomes.values())
