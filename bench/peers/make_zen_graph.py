#!/usr/bin/env python3
"""Write bench/peers/exampleshire.zen.json: rules/exampleshire.yaml as a GoRules ZEN decision graph (JDM).

    python3 bench/peers/make_zen_graph.py            # rewrites the JSON (committed next to this file)
    python3 bench/peers/make_zen_graph.py --check    # exit 1 if the committed JSON is out of date

The data parts come from the YAML: the continuum (each concern's descriptors, one table row per
concern and level, giving the level's rank and the concern's domain), the rules' and routing
entries' ids, levels, actions and flags, the levels' routes and the outcomes (category, referral,
decide_within, actions). The conditions (`when`) are translated by hand, below, from the document's
CEL subset into ZEN's expression language; if the document gains, loses or renames a rule or routing
entry this script stops rather than write a graph that silently differs.

The graph, left to right:
  Contact (input: precomputed inputs, see bench/peers/inputs.py; `concerns` as {concern: level})
  -> Facts (expression: the continuum's level ranks and concern domains as lookups, then the base
     level, count_at_least("early_help"), domain_count("parenting_capacity") and the rank of each
     concern the rules read, -1 when absent)
  -> Escalations (decision table, collect: the rules that raise the level and read only the contact)
  -> Level (expression: the level after them)
  -> Drift (decision table, collect: many_low_level_contacts, which reads the level reached so far)
  -> Final level (expression)
  -> Practice rules (decision table, collect: the rules that add actions and flags at the final level)
  -> Routing (decision table, first hit: the routing entries, then each level's own route)
  -> Outcomes (decision table, first hit: category, referral, decide_within, actions)
  -> Decision (expression: level name, rules, flags and actions in first-seen order)
  -> Decision (output)

With `--continuum table` the descriptors are instead a decision table ("Continuum": one row per
concern and level, giving rank and domain) run in loop mode over `concerns` given as a list of
{concern, level}, before Facts. That is the more literal picture of a continuum but it was about a
fifth slower on this machine, so the committed graph uses the lookups: ZEN gets its faster form.

Levels are ranks 0..3 inside the graph (the document compares levels by order). A value that is not
known arrives as null, and every condition that reads one checks `!= null` first (ZEN raises an
error on `null < 6`), which is what the document's unknown-value rule comes to for these conditions.
Not expressed: deadlines in working time (ZEN's language has no working-time calendar; the graph
gives each outcome's `decide_within`), reasons with their source positions, and rejecting bad
contacts (the graph only sees contacts frontdoor accepted).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOCUMENT = ROOT / "bench" / "peers" / "exampleshire-before-section-7.yaml"
OUT = HERE / "exampleshire.zen.json"

LEVEL_RANK = {"universal": 0, "early_help": 1, "complex": 2, "acute": 3}
# The concerns whose presence or level a rule reads: Facts gives each one's rank as rank_<concern>.
READ = ["unexplained_injury", "physical_abuse", "child_sexual_exploitation", "child_criminal_exploitation",
        "going_missing", "parental_substance_misuse", "domestic_abuse", "parental_mental_health", "trafficking", "gangs"]


def has(c: str) -> str:
    return f"rank_{c} >= 0"


def at_least(c: str, level: str) -> str:
    return f"rank_{c} >= {LEVEL_RANK[level]}"


# rule id -> (stage, ZEN condition). `level` is the rank reached so far (Level/Final level nodes).
RULES = {
    "police_protection": ("escalation", "police_protection == true"),
    "non_mobile_baby_injury": ("escalation", f"age_months != null and age_months < 6 and ({has('unexplained_injury')} or {at_least('physical_abuse', 'complex')})"),
    "under_13_sexual_exploitation": ("escalation", f"age_years != null and age_years < 13 and {at_least('child_sexual_exploitation', 'complex')}"),
    "missing_and_exploited": ("escalation", f"{at_least('going_missing', 'complex')} and ({at_least('child_sexual_exploitation', 'complex')} or {at_least('child_criminal_exploitation', 'complex')})"),
    "unborn_toxic_trio": ("escalation", f"unborn == true and ({has('parental_substance_misuse')} or {has('domestic_abuse')} or {has('parental_mental_health')})"),
    "cumulative_needs": ("escalation", "count_early_help >= 3 and parenting_capacity >= 1"),
    "many_low_level_contacts": ("drift", "contacts_12m >= 4 and level <= 1"),
    "toxic_trio": ("practice", f"{at_least('domestic_abuse', 'complex')} and {at_least('parental_mental_health', 'complex')} and {at_least('parental_substance_misuse', 'complex')}"),
    "exploitation_screening": ("practice", f"level >= 2 and ({has('child_sexual_exploitation')} or {has('child_criminal_exploitation')} or {has('trafficking')} or {has('gangs')})"),
    "police_domestic_abuse": ("practice", f"source == \"6\" and {has('domestic_abuse')}"),
    "repeat_contacts": ("practice", "similar_contacts_3m + 1 >= 3"),
    "re_referral": ("practice", "referrals_12m >= 1 and (level == 3 or (level == 2 and open_case in [\"none\", \"early_help\"]))"),
    "unverified_source": ("practice", "source in [\"9\", \"10\"] and level >= 2"),
    "written_contact_followup": ("practice", "channel in [\"written\", \"online\"] and level >= 2"),
    "disabled_child": ("practice", "disabled == true and level >= 2"),
    "open_case_acute": ("practice", "open_case in [\"cin\", \"cp_plan\", \"cla\"] and level == 3"),
}
ROUTING = {
    "open_social_care_case": "open_case in [\"cin\", \"cp_plan\", \"cla\"] and level <= 2",
    "open_early_help_case": "open_case == \"early_help\" and level <= 1",
    "early_help_without_consent_risk": "level == 1 and consent != true and telling_family_raises_risk == true",
    "no_consent_for_early_help": "level == 1 and consent != true",
}


def q(s: str) -> str:
    return json.dumps(s)


def lst(xs) -> str:
    return json.dumps(list(xs))


class Graph:
    def __init__(self) -> None:
        self.nodes: list[dict] = []
        self.edges: list[dict] = []

    def add(self, node_id: str, kind: str, name: str, content: dict | None = None) -> None:
        node = {"id": node_id, "type": kind, "name": name, "position": {"x": 260 * len(self.nodes), "y": 200}}
        if content is not None:
            node["content"] = content
        if self.nodes:
            prev = self.nodes[-1]["id"]
            self.edges.append({"id": f"{prev}->{node_id}", "type": "edge", "sourceId": prev, "targetId": node_id})
        self.nodes.append(node)

    def expressions(self, node_id: str, name: str, exprs: list[tuple[str, str]], pass_through: bool = True) -> None:
        self.add(node_id, "expressionNode", name, {
            "expressions": [{"id": f"{node_id}.{k}", "key": k, "value": v} for k, v in exprs],
            "passThrough": pass_through, "inputField": None, "outputPath": None, "executionMode": "single"})

    def table(self, node_id: str, name: str, hit: str, inputs: list[tuple[str, str | None]], outputs: list[str],
              rows: list[tuple[str, list[str], list[str]]], output_path: str | None = None, loop_over: str | None = None) -> None:
        ins = [{"id": f"{node_id}.in.{n}", "name": n, **({"field": f} if f else {})} for n, f in inputs]
        outs = [{"id": f"{node_id}.out.{o}", "name": o, "field": o} for o in outputs]
        rules = []
        for rid, cells_in, cells_out in rows:
            r = {"_id": f"{node_id}.{rid}"}
            r.update({i["id"]: c for i, c in zip(ins, cells_in)})
            r.update({o["id"]: c for o, c in zip(outs, cells_out)})
            rules.append(r)
        self.add(node_id, "decisionTableNode", name, {
            "hitPolicy": hit, "inputs": ins, "outputs": outs, "rules": rules, "passThrough": True,
            "inputField": loop_over, "outputPath": output_path, "executionMode": "loop" if loop_over else "single"})


def build(doc: dict, continuum: str = "lookup") -> dict:
    levels = [lv["id"] for lv in doc["levels"]]
    if levels != list(LEVEL_RANK):
        sys.exit(f"make_zen_graph: written for the levels {list(LEVEL_RANK)}, the document has {levels}")
    rules = {r["id"]: r for r in doc["rules"]}
    if list(rules) != list(RULES):
        sys.exit(f"make_zen_graph: the document's rules {list(rules)} are not the ones translated here {list(RULES)}")
    routing = doc["routing"]
    if [r["id"] for r in routing] != list(ROUTING):
        sys.exit("make_zen_graph: the document's routing entries are not the ones translated here")
    for c in READ:
        if c not in doc["concerns"]:
            sys.exit(f"make_zen_graph: concern {c} is read by a rule here but not in the document")

    g = Graph()
    g.add("contact", "inputNode", "Contact")

    if continuum == "table":
        rows = []
        for c, spec in doc["concerns"].items():
            for lv in spec["levels"]:
                rows.append((f"{c}.{lv}", [q(c), q(lv)], [str(LEVEL_RANK[lv]), q(spec["domain"])]))
        g.table("continuum", "Continuum", "first", [("concern", "concern"), ("level", "level")], ["rank", "domain"], rows,
                output_path="descriptors", loop_over="concerns")
        facts = [("base", "max(flatten([[0], map(descriptors, #.rank)]))"),
                 ("count_early_help", "count(descriptors, #.rank >= 1)"),
                 ("parenting_capacity", "count(descriptors, #.domain == \"parenting_capacity\")")]
        facts += [(f"rank_{c}", f"max(flatten([[-1], map(filter(descriptors, #.concern == {q(c)}), #.rank)]))") for c in READ]
    else:
        ranks = "({" + ", ".join(f"{q(lv)}: {r}" for lv, r in LEVEL_RANK.items()) + "})"
        domains = "({" + ", ".join(f"{q(c)}: {q(spec['domain'])}" for c, spec in doc["concerns"].items()) + "})"
        facts = [("rank", ranks), ("domain", domains),
                 ("base", "max(flatten([[0], map(values(concerns), $.rank[#])]))"),
                 ("count_early_help", "count(values(concerns), $.rank[#] >= 1)"),
                 ("parenting_capacity", "count(keys(concerns), $.domain[#] == \"parenting_capacity\")")]
        facts += [(f"rank_{c}", f"concerns.{c} == null ? -1 : $.rank[concerns.{c}]") for c in READ]
    g.expressions("facts", "Facts", facts)

    def rule_rows(stage: str) -> list[tuple[str, list[str], list[str]]]:
        out = []
        for rid, (st, when) in RULES.items():
            if st != stage:
                continue
            r = rules[rid]
            raise_to = str(LEVEL_RANK[r["raise_to"]]) if "raise_to" in r else ""
            out.append((rid, [when], [q(rid), raise_to, lst(r.get("actions", [])), lst(r.get("flags", []))]))
        return out

    outs = ["rule", "raise_to", "actions", "flags"]
    g.table("escalations", "Escalations", "collect", [("when", None)], outs, rule_rows("escalation"), output_path="escalations")
    g.expressions("level", "Level", [("level", "max(flatten([[base], map(escalations, #.raise_to)]))")])
    g.table("drift", "Drift", "collect", [("when", None)], outs, rule_rows("drift"), output_path="drift")
    g.expressions("final_level", "Final level", [("level", "max(flatten([[level], map(drift, #.raise_to)]))")])
    g.table("practice", "Practice rules", "collect", [("when", None)], outs, rule_rows("practice"), output_path="practice")

    route_rows = [(r["id"], [ROUTING[r["id"]]], [q(r["id"]), q(r["outcome"])]) for r in routing]
    route_rows += [(f"level.{lv['id']}", [f"level == {LEVEL_RANK[lv['id']]}"], ["", q(lv["route"])]) for lv in doc["levels"]]
    g.table("routing", "Routing", "first", [("when", None)], ["routing", "outcome"], route_rows)

    out_rows = []
    for oid, o in doc["outcomes"].items():
        referral = o.get("referral", o["category"] in ("assessment", "s47"))
        out_rows.append((oid, [q(oid)], [q(o["category"]), "true" if referral else "false", q(o.get("decide_within", "")),
                                         lst(o.get("actions", []))]))
    g.table("outcomes", "Outcomes", "first", [("outcome", "outcome")], ["category", "referral", "decide_within", "actions"],
            out_rows, output_path="outcome_info")

    def dedup(expr: str) -> str:   # first-seen order, duplicates dropped
        return f"map(filter([0..len({expr}) - 1], # == 0 or not contains({expr}[0:# - 1], {expr}[#])), {expr}[#])"

    g.expressions("decision", "Decision", [
        ("held", "flatten([escalations, drift, practice])"),
        ("all_actions", f"flatten([{lst(doc.get('always', []))}, outcome_info.actions, flatten(map($.held, #.actions))])"),
        ("all_flags", "flatten(map($.held, #.flags))"),
        ("level", f"{lst(levels)}[level]"),
        ("outcome", "outcome"),
        ("category", "outcome_info.category"),
        ("referral", "outcome_info.referral"),
        ("rules", "map($.held, #.rule)"),
        ("routing", "routing"),
        ("flags", f"len($.all_flags) == 0 ? [] : {dedup('$.all_flags')}"),
        ("actions", dedup("$.all_actions")),
        ("decide_within", "outcome_info.decide_within"),
    ], pass_through=False)
    g.add("decision_out", "outputNode", "Decision")
    return {"contentType": "application/vnd.gorules.decision", "nodes": g.nodes, "edges": g.edges,
            "x-generated-by": "bench/peers/make_zen_graph.py from rules/exampleshire.yaml"}


def render(document: Path = DOCUMENT, continuum: str = "lookup") -> str:
    doc = yaml.safe_load(document.read_text(encoding="utf-8"))
    return json.dumps(build(doc, continuum), indent=1) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed graph is out of date")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    ap.add_argument("--continuum", choices=["lookup", "table"], default="lookup",
                    help="the concern descriptors as lookups in the Facts expression (default, faster) or as a decision "
                         "table in loop mode over a list of {concern, level}")
    args = ap.parse_args()
    text = render(continuum=args.continuum)
    if args.check:
        if not args.output.exists() or args.output.read_text(encoding="utf-8") != text:
            sys.exit(f"{args.output} is out of date: run python3 bench/peers/make_zen_graph.py")
        return
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")


if __name__ == "__main__":
    main()
