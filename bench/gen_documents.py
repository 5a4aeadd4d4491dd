#!/usr/bin/env python3
"""Seeded threshold documents of the size councils publish, for `frontdoor check`'s proofs.

    python3 bench/gen_documents.py --concerns 300 --rules 20 --routing 10 --seed 1 -o /tmp/doc.yaml
    python3 bench/gen_documents.py --concerns 6 --rules 5 --routing 3 --small -o /tmp/small.yaml

Real documents list 60 to 300 indicators, each at one level of need and in one domain, and a few
dozen rules that name some of them. The documents made here have that shape: one-level concerns
spread over 4 levels and 3 domains, and rules of the kinds real documents state, cycling through:

  a non-mobile baby with a named concern        age_months < 6 && concern("x")           -> acute
  N concerns at a level                          count_at_least("early_help") >= 3        -> complex
  a disabled child above early help              disabled && level > "early_help"         (actions)
  repeat contacts                                similar_contacts_3m >= 2                 (flags)
  police source with a named concern             source == "6" && concern("x")            (actions)
  two named early-help concerns together         concern("a") && concern("b")             -> complex
  N concerns in one domain                       domain_count("d") >= 3                   -> complex
  an age with a named concern                    age_years < 13 && concern("x")           -> acute
  re-referral above a level                      referrals_12m >= 1 && level >= "complex" (flags)
  unborn with a named concern                    unborn && concern("x")                   -> complex

and routing: an open social care case to the allocated worker, then no-consent entries that each
name one early-help concern (lowering, with leave). With `--small` (and a handful of concerns) the
concerns have one or two levels, the rule kinds are drawn at random and some no-consent entries lack
leave to lower: the property test in tests/check enumerates every contact of such documents and
compares each proof with what the engine decides.
"""

from __future__ import annotations

import argparse
import random
import sys

LEVELS = ["universal", "early_help", "complex", "acute"]
ROUTES = ["advice", "early_help", "single_assessment", "s47_strategy"]
DOMAINS = ["child_development", "parenting_capacity", "family_and_environment"]


def generate(concerns: int, rules: int, routing: int, seed: int, small: bool = False, spec7: bool = False) -> str:
    rng = random.Random(seed)
    ids = [f"indicator_{i:04d}" for i in range(concerns)]
    if small:  # some concerns with two levels, domains and rule kinds at random
        levels_of = {c: rng.choice([["early_help"], ["complex"], ["acute"], ["early_help", "complex"], ["complex", "acute"]]) for c in ids}
        domain_of = {c: rng.choice([[DOMAINS[0]], [DOMAINS[1]], DOMAINS[:2]]) for c in ids}
    else:
        levels_of = {c: [LEVELS[i % 4]] for i, c in enumerate(ids)}
        domain_of = {c: [DOMAINS[(i // 4) % 3]] for i, c in enumerate(ids)}
        if spec7:  # some indicators also in the next domain
            domain_of = {c: d + ([DOMAINS[(DOMAINS.index(d[0]) + 1) % 3]] if i % 7 == 3 else []) for i, (c, d) in enumerate(domain_of.items())}
    # Tags (SPEC 7.2): every tag on at least one concern, so that tagged() and tag_count() name a real one.
    tags_of = {c: [] for c in ids}
    if small or spec7:
        for i, c in enumerate(ids):
            tags_of[c] = [t for t, every in (("harm", 2), ("education", 3)) if i % every == 0 or (small and rng.random() < 0.3)]
    at = {lvl: [c for c in ids if lvl in levels_of[c]] for lvl in LEVELS}

    def pick(*levels: str) -> str:
        pool = [c for lvl in levels for c in at[lvl]] or ids
        return rng.choice(pool)

    out: list[str] = []
    w = out.append
    w("frontdoor: 1")
    w(f"id: generated_{concerns}_{rules}_{routing}_{seed}")
    w(f'title: "Generated document: {concerns} indicators, {rules} rules, {routing} routing entries (seed {seed})"')
    w('version: "1"')
    w("levels:")
    for lvl, route in zip(LEVELS, ROUTES):
        w(f"  - {{id: {lvl}, route: {route}}}")
    w("outcomes:")
    w("  advice: {name: Advice, category: nfa, referral: false, decide_within: 24 working hours}")
    w("  early_help: {name: Early help, category: early_help, referral: false, decide_within: 24 working hours}")
    w("  single_assessment: {name: Single assessment, category: assessment, referral: true, decide_within: 24 working hours}")
    w("  s47_strategy: {name: Strategy discussion, category: s47, referral: true, decide_within: 4 working hours, actions: [strategy_discussion]}")
    w("  allocated_worker: {name: To the allocated worker, category: open_case, referral: false, decide_within: 24 working hours}")
    w("actions:")
    w('  manager_signoff: "A team manager signs off the decision"')
    w('  strategy_discussion: "Strategy discussion with police and health"')
    w('  multi_agency_checks: "MASH checks with police, health and education"')
    w('  involve_disability_team: "Involve the children with disabilities team"')
    w('  repeat_contact_review: "Scrutiny of repeat contacts"')
    if small or spec7:
        w('  pre_birth_assessment: {text: "Pre-birth assessment by the unborn baby team", only_with: [assessment, s47]}')
    w("always: [manager_signoff]")
    w('calendar: {working_hours: "09:00-17:00"}')
    w("fields:")
    w("  consent: {type: bool, default: false}")
    w("  disabled: {type: bool, default: false}")
    w("  open_case: {type: enum, values: [none, early_help, cin, cp_plan, cla], default: none}")
    if spec7 and not small:  # the council's shape: level -> domain -> indicators
        w("indicators:")
        # Written out per level, then per domain, each indicator with its text, tags and other domains.
        for lvl in LEVELS:
            members = [c for c in ids if levels_of[c] == [lvl]]
            if not members:
                continue
            w(f"  {lvl}:")
            for d in DOMAINS:
                mine = [c for c in members if domain_of[c][0] == d]
                if not mine:
                    continue
                w(f"    {d}:")
                for c in mine:
                    extra = "".join([f", tags: [{', '.join(tags_of[c])}]" if tags_of[c] else "",
                                     f", also_in: [{', '.join(domain_of[c][1:])}]" if len(domain_of[c]) > 1 else ""])
                    w(f'      - {{id: {c}, text: "Indicator {c[10:]}"{extra}}}')
    else:
        w("concerns:")
        for c in ids:
            texts = ", ".join(f'{lvl}: "Indicator {c[10:]} at {lvl}"' for lvl in levels_of[c])
            domains = domain_of[c][0] if len(domain_of[c]) == 1 else "[" + ", ".join(domain_of[c]) + "]"
            tags = f", tags: [{', '.join(tags_of[c])}]" if tags_of[c] else ""
            w(f"  {c}: {{domain: {domains}{tags}, levels: {{{texts}}}}}")
    w("history:")
    w("  similar_contacts_3m: {count: contacts, within: 3 months, sharing: domain}")
    w("  referrals_12m: {count: referrals, within: 12 months}")
    if small or spec7:
        w("  early_help_12m: {count: contacts, within: 12 months, category: early_help}")

    def rule(i: int) -> str:
        kinds = 15 if small or spec7 else 10
        # Small documents weigh section 7's kinds (10-12) three times, so every document has some.
        kind = rng.choice(list(range(kinds)) + [10, 11, 12, 13, 14] * 2) if small else i % kinds
        rid = f"rule_{i:02d}"
        if kind == 0:
            return f"  - {{id: {rid}, when: 'age_months < 6 && concern(\"{pick('complex', 'early_help')}\")', raise_to: acute}}"
        if kind == 1:
            n, lvl, to = rng.choice([(3, "early_help", "complex"), (2, "complex", "acute"), (4, "early_help", "complex")])
            return f"  - {{id: {rid}, when: 'count_at_least(\"{lvl}\") >= {n}', raise_to: {to}}}"
        if kind == 2:
            return f"  - {{id: {rid}, when: 'disabled && level > \"early_help\"', actions: [involve_disability_team]}}"
        if kind == 3:
            return f"  - {{id: {rid}, when: 'similar_contacts_3m >= 2', actions: [repeat_contact_review], flags: [repeat_contact]}}"
        if kind == 4:
            return f"  - {{id: {rid}, when: 'source == \"6\" && concern(\"{pick('early_help', 'complex')}\")', actions: [multi_agency_checks]}}"
        if kind == 5:
            a, b = pick("early_help"), pick("early_help")
            return f"  - {{id: {rid}, when: 'concern(\"{a}\") && concern(\"{b}\")', raise_to: complex}}"
        if kind == 6:
            return f"  - {{id: {rid}, when: 'domain_count(\"{rng.choice(sorted({d for ds in domain_of.values() for d in ds}))}\") >= {rng.choice([2, 3])}', raise_to: complex}}"
        if kind == 7:
            return f"  - {{id: {rid}, when: 'age_years < {rng.choice([10, 13, 16])} && concern(\"{pick('complex', 'early_help')}\")', raise_to: acute}}"
        if kind == 8:
            return f"  - {{id: {rid}, when: 'referrals_12m >= 1 && level >= \"complex\"', flags: [re_referral]}}"
        if kind == 9:
            return f"  - {{id: {rid}, when: 'unborn && concern(\"{pick('early_help', 'universal')}\")', raise_to: complex}}"
        # The constructs of SPEC section 7: rule(), base_level, a counter filtered by category, a
        # rule's own deadline and an action kept only with some outcomes.
        if kind == 10 and i > 0:
            return f"  - {{id: {rid}, when: 'rule(\"rule_{rng.randrange(i):02d}\") && base_level >= \"early_help\"', raise_to: complex}}"
        if kind == 13:
            return f"  - {{id: {rid}, when: 'tagged(\"harm\") && level >= \"early_help\"', raise_to: complex}}"
        if kind == 14:
            return f"  - {{id: {rid}, when: 'tag_count(\"{rng.choice(['harm', 'education'])}\") >= 2', raise_to: acute}}"
        if kind == 11 or kind == 10:
            return f"  - {{id: {rid}, when: 'early_help_12m >= 1 && base_level >= \"complex\"', raise_to: acute}}"
        return (f"  - {{id: {rid}, when: 'unborn && level >= \"complex\"', actions: [pre_birth_assessment], "
                f"decide_within: {rng.choice([2, 6])} working hours}}")

    w("rules:")
    for i in range(rules):
        w(rule(i))
    w("routing:")
    for i in range(routing):
        if i == 0:
            w("  - {id: open_case, when: 'open_case in [\"cin\", \"cp_plan\", \"cla\"] && level <= \"complex\"', outcome: allocated_worker}")
        else:
            c = pick("early_help")
            leave = "lowers: true, " if not small or rng.random() < 0.5 else ""
            w(f"  - {{id: no_consent_{i:02d}, when: 'level == \"early_help\" && !consent && concern(\"{c}\")', "
              f'outcome: advice, {leave}because: "Early help needs consent"}}')
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concerns", type=int, default=300)
    ap.add_argument("--rules", type=int, default=20)
    ap.add_argument("--routing", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--small", action="store_true", help="concerns of one or two levels, rule kinds at random (section 7's among them)")
    ap.add_argument("--spec7", action="store_true", help="add SPEC section 7's constructs: rule(), base_level, a filtered counter, only_with, rule deadlines")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    text = generate(a.concerns, a.rules, a.routing, a.seed, a.small, a.spec7)
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
