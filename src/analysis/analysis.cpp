// `frontdoor check`'s proofs (SPEC section 5): dead rules, dead and shadowed routing, lowering,
// monotonicity, coverage by the worked examples, unused declarations.
#include "frontdoor/analysis.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

#include "analysis/prover.hpp"
#include "analysis/symbolic.hpp"
#include "compile/program.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor {
namespace {

using detail::ConcreteContact;
using detail::Encoder;
using detail::SymChange;
using detail::SymContact;
using detail::SymDecision;
using detail::SymHistory;

int ordered(Category c) { return c <= Category::s47 ? static_cast<int>(c) : -1; }

class Analyser {
 public:
  Analyser(const RuleSet& rs, const AnalysisOptions& o, AnalysisReport& out)
      : rs_(rs), p_(rs.program()), doc_(p_.doc), opt_(o), out_(out), diags_(rs.source(), scratch_) {}

  void run() {
    if (p_.code.size() > opt_.max_instructions) {
      // Z3's own set-up and tear-down grow with the document and ignore timeouts: past this size they
      // alone could take longer than anyone waits for `check`.
      add(Severity::warning, "FD315", kNoOffset,
          "proof incomplete: the document compiles to " + std::to_string(p_.code.size()) + " instructions, over the limit of " +
              std::to_string(opt_.max_instructions) + " for the proofs; none were attempted");
    } else {
      prove();
    }
    if (opt_.worked_examples) coverage();
    unused();
  }

 private:
  // One encoding of one contact and its decision, asserted once; each question is a push, its goal,
  // a check and a pop on that solver. Monotonicity adds the raised contact inside its own push.
  void prove() {
    z3::context ctx;
    Encoder enc(p_, ctx);
    z3::expr domain_only_items = ctx.bool_const("domain_only_items");
    SymHistory h = enc.history("h");
    SymContact c = enc.contact("c", h, domain_only_items);
    SymDecision d = enc.decide(c, "c");
    detail::Prover prover(
        ctx, enc, bound_ms() - static_cast<unsigned>(std::min<double>(bound_ms(), elapsed_ms())), out_.timings,
        [this](const std::string& question, unsigned limit, const std::string& reason) {
          add(Severity::warning, "FD315", kNoOffset,
              "proof incomplete: '" + question + "' was not settled within its " + std::to_string(limit) + " ms (" + reason + ")");
        });
    for (auto& f : enc.facts) prover.assert_fact(f);
    prover.set_size(enc.size(c, h));
    prover_ = &prover;
    dead_rules(d, domain_only_items);
    routing(enc, c, h, d, domain_only_items);
    idle_rules(d, domain_only_items);
    unreachable_levels(d, domain_only_items);
    unreachable_outcomes(d, domain_only_items);
    actions_never_kept(enc, d, domain_only_items);
    monotonicity(enc, c, h, d, domain_only_items);
    prover_ = nullptr;
    if (prover.skipped())
      add(Severity::warning, "FD315", kNoOffset,
          "proof incomplete: the time for the proofs (" + std::to_string(bound_ms()) + " ms) was used up; " +
              std::to_string(prover.skipped()) + " of " + std::to_string(out_.timings.size()) + " questions were not asked");
  }

  unsigned bound_ms() const { return std::min(opt_.timeout_ms, opt_.budget_ms); }
  double elapsed_ms() const { return std::chrono::duration<double, std::milli>(detail::Clock::now() - start_).count(); }

  z3::check_result query(const z3::expr& goal, const std::string& question, std::optional<z3::model>& model, bool last = false) {
    return prover_->query(goal, question, model, last);
  }
  std::vector<z3::check_result> ask_all(const std::vector<z3::expr>& goals, const std::vector<std::string>& questions) {
    return prover_->ask_all(goals, questions);
  }
  z3::model smallest(const z3::expr& goal, const z3::model& m) { return prover_->smallest(goal, m); }

  void add(Severity sev, std::string code, SourceOffset at, std::string message, std::vector<std::string> contacts = {}) {
    scratch_.clear();
    diags_.add(sev, std::move(code), at, std::move(message));
    out_.findings.push_back({scratch_.back(), std::move(contacts)});
  }

  void dead_rules(SymDecision& d, const z3::expr& domain_only_items) {
    std::vector<z3::expr> goals;
    std::vector<std::string> questions;
    for (std::size_t r = 0; r < doc_.rules.size(); ++r) {
      goals.push_back(d.rule_holds[r] && domain_only_items);
      questions.push_back("can rule " + doc_.rules[r].id + " hold?");
    }
    auto answers = ask_all(goals, questions);
    for (std::size_t r = 0; r < doc_.rules.size(); ++r) {
      const Rule& rule = doc_.rules[r];
      if (answers[r] != z3::unsat) continue;
      dead_rule_.insert(r);
      add(Severity::warning, "FD311", rule.at,
          "dead rule '" + rule.id + "': no contact can make its condition hold (given the rules before it)");
    }
  }

  void routing(Encoder& enc, SymContact& c, SymHistory& h, SymDecision& d, const z3::expr& domain_only_items) {
    for (std::size_t i = 0; i < doc_.routing.size(); ++i) {
      const Routing& e = doc_.routing[i];
      std::optional<z3::model> m;
      auto r = query(d.routing_holds[i] && domain_only_items, "can routing entry " + e.id + " hold?", m);
      if (r == z3::unsat) {
        dead_routing_.insert(i);
        add(Severity::warning, "FD312", e.at, "dead routing entry '" + e.id + "': no contact can make its condition hold");
        continue;
      }
      if (r != z3::sat) continue;
      std::optional<z3::model> example = m;
      r = query(d.routing_applies[i] && domain_only_items, "can routing entry " + e.id + " apply?", m);
      if (r == z3::unsat) {
        shadowed(enc, c, h, d, i, *example, domain_only_items);
        continue;
      }
      lowering(enc, c, h, d, i, domain_only_items);
    }
  }

  void shadowed(Encoder& enc, SymContact& c, SymHistory& h, SymDecision& d, std::size_t i, const z3::model& example,
                const z3::expr& domain_only_items) {
    const Routing& e = doc_.routing[i];
    std::string takers;
    for (std::size_t j = 0; j < i; ++j) {
      std::optional<z3::model> mj;
      if (query(d.routing_holds[i] && d.routing_holds[j] && domain_only_items, "can " + e.id + " and " + doc_.routing[j].id + " both hold?",
                mj) == z3::sat)
        takers += (takers.empty() ? "'" : ", '") + doc_.routing[j].id + "'";
    }
    dead_routing_.insert(i);
    z3::model small = smallest(d.routing_holds[i] && domain_only_items, example);
    ConcreteContact cx = detail::concretise(enc, small, c, h, "example-" + e.id);
    Decision got = rs_.decide(cx.record);
    std::string taken = got.ok() && got.routing != kNoIndex ? " (this one goes to '" + doc_.routing[got.routing].id + "')" : "";
    add(Severity::warning, "FD312", e.at,
        "shadowed routing entry '" + e.id + "': earlier entries " + takers + " always take its contacts; for example " + cx.json + taken,
        {cx.json});
  }

  void lowering(Encoder& enc, SymContact& c, SymHistory& h, SymDecision& d, std::size_t i, const z3::expr& domain_only_items) {
    const Routing& e = doc_.routing[i];
    int cat = ordered(doc_.outcomes[e.outcome].category);
    if (cat < 0) return;  // open_case and other stand outside the order
    z3::expr route_cat = enc.category_of(enc.route_of(d.level));
    z3::expr lowers = d.routing_applies[i] && route_cat >= 0 && route_cat > cat && domain_only_items;
    std::optional<z3::model> m;
    auto r = query(lowers, "does routing entry " + e.id + " lower?", m);
    if (r == z3::sat && !e.lowers) {
      ConcreteContact cx = detail::concretise(enc, smallest(lowers, *m), c, h, "counterexample-" + e.id);
      Decision got = rs_.decide(cx.record);
      std::string level = got.ok() ? doc_.levels[got.level].id : "?";
      std::string route = got.ok() ? doc_.outcomes[doc_.levels[got.level].route].id : "?";
      bool replayed = got.ok() && got.routing == i;
      add(replayed ? Severity::error : Severity::warning, "FD313", e.at,
          "routing entry '" + e.id + "' sends a contact at level '" + level + "' to '" + doc_.outcomes[e.outcome].id +
              "', below the level's route '" + route + "'; if that is intended, say lowers: true and why in because" +
              replay_note(replayed) + "; counterexample: " + cx.json + decided_by(got),
          {cx.json});
    } else if (r == z3::unsat && e.lowers) {
      add(Severity::warning, "FD316", e.at,
          "routing entry '" + e.id + "' says lowers: true but never sends a contact below its level's route");
    }
  }

  // What decided a replayed counterexample, so the finding can be read on one screen.
  std::string decided_by(const Decision& d) const {
    if (!d.ok()) return "";
    std::string rules;
    for (auto r : d.rules) rules += (rules.empty() ? "rules '" : "', '") + doc_.rules[r].id;
    std::string out = " (level '" + doc_.levels[d.level].id + "'";
    out += rules.empty() ? ", no rule" : ", " + rules + "'";
    out += d.routing != kNoIndex ? ", routing entry '" + doc_.routing[d.routing].id + "')" : ", the level's route)";
    return out;
  }

  // An error must be one the engine itself confirms; a counterexample it does not reproduce is a
  // fault in the analysis, reported as a warning so that it never fails a council's build.
  static std::string replay_note(bool replayed) {
    return replayed ? "" : " (the engine did not reproduce this counterexample, so this is only a warning; please report it)";
  }

  // A rule that raises the level but holds only where the level is already that high, and adds no
  // action or flag, never changes a decision: it only adds a reason.
  void idle_rules(SymDecision& d, const z3::expr& domain_only_items) {
    std::vector<std::size_t> rules;
    std::vector<z3::expr> goals;
    std::vector<std::string> questions;
    for (std::size_t r = 0; r < doc_.rules.size(); ++r) {
      const Rule& rule = doc_.rules[r];
      if (rule.raise_to == kNoIndex || !rule.actions.empty() || !rule.flags.empty() || dead_rule_.count(r)) continue;
      rules.push_back(r);
      goals.push_back(d.rule_holds[r] && d.level_before[r] < static_cast<int>(rule.raise_to) && domain_only_items);
      questions.push_back("can rule " + rule.id + " change the level?");
    }
    auto answers = ask_all(goals, questions);
    for (std::size_t k = 0; k < rules.size(); ++k) {
      if (answers[k] != z3::unsat) continue;
      const Rule& rule = doc_.rules[rules[k]];
      add(Severity::warning, "FD319", rule.at,
          "rule '" + rule.id + "' never changes a decision: whenever it holds the level is already '" + doc_.levels[rule.raise_to].id +
              "' or higher, and it adds no action or flag");
    }
  }

  void unreachable_levels(SymDecision& d, const z3::expr& domain_only_items) {
    for (std::size_t l = 0; l < doc_.levels.size(); ++l) {
      const Level& level = doc_.levels[l];
      std::optional<z3::model> m;
      if (query(d.level == static_cast<int>(l) && domain_only_items, "can a contact end at level " + level.id + "?", m) != z3::unsat)
        continue;
      unreachable_level_.insert(l);
      bool described = false, raised_to = false;
      for (auto& c : doc_.concerns)
        for (auto& desc : c.descriptors) described = described || desc.level == l;
      for (std::size_t r = 0; r < doc_.rules.size(); ++r) raised_to = raised_to || (doc_.rules[r].raise_to == l && !dead_rule_.count(r));
      std::string why = !described && !raised_to && l > 0 ? "no concern has a descriptor at it and no rule that can hold raises to it"
                                                          : "every contact that reaches it is raised further by the rules";
      add(Severity::warning, "FD317", level.at, "unreachable level '" + level.id + "': no contact ends at it (" + why + ")");
    }
  }

  void unreachable_outcomes(SymDecision& d, const z3::expr& domain_only_items) {
    for (std::size_t o = 0; o < doc_.outcomes.size(); ++o) {
      std::vector<std::string> routes, entries, unreached;
      for (std::size_t l = 0; l < doc_.levels.size(); ++l)
        if (doc_.levels[l].route == o) (unreachable_level_.count(l) ? unreached : routes).push_back(doc_.levels[l].id);
      for (auto& e : doc_.routing)
        if (e.outcome == o) entries.push_back(e.id);
      if (routes.empty() && unreached.empty() && entries.empty()) continue;  // unused (FD303)
      std::optional<z3::model> m;
      const Outcome& out = doc_.outcomes[o];
      if (query(d.outcome == static_cast<int>(o) && domain_only_items, "can a contact get outcome " + out.id + "?", m) != z3::unsat)
        continue;
      std::string why;
      if (!unreached.empty()) why = "no contact ends at " + quoted_list("level", "levels", unreached) + " (FD317)";
      if (!routes.empty())
        why += (why.empty() ? "" : ", ") + std::string("no contact stays at ") + quoted_list("level", "levels", routes) +
               " without a routing entry taking it";
      if (!entries.empty())
        why += (why.empty() ? "" : ", and ") + quoted_list("routing entry", "routing entries", entries) +
               (entries.size() > 1 ? " never apply" : " never applies");
      add(Severity::warning, "FD318", out.at, "outcome '" + out.id + "' can never be given: " + why);
    }
  }

  // An action with `only_with` that a rule (or `always`) adds, where no contact the rule holds for gets
  // one of the outcomes it is kept with: the action is dropped from every such decision.
  void actions_never_kept(Encoder& enc, SymDecision& d, const z3::expr& domain_only_items) {
    struct Adder {
      std::size_t rule;  // doc_.rules.size(): always
      Index action;
    };
    std::vector<Adder> adders;
    std::vector<z3::expr> goals;
    std::vector<std::string> questions;
    auto ask = [&](std::size_t rule, Index a, const z3::expr& when) {
      const Action& action = doc_.actions[a];
      if (action.only_with.empty() || (rule < doc_.rules.size() && dead_rule_.count(rule))) return;
      adders.push_back({rule, a});
      goals.push_back(when && enc.kept_with(action.only_with, d.outcome) && domain_only_items);
      questions.push_back("can action " + action.id + " be kept" +
                          (rule < doc_.rules.size() ? " when rule " + doc_.rules[rule].id + " adds it?" : "?"));
    };
    for (std::size_t r = 0; r < doc_.rules.size(); ++r)
      for (Index a : doc_.rules[r].actions) ask(r, a, d.rule_holds[r]);
    for (Index a : doc_.always) ask(doc_.rules.size(), a, enc.ctx().bool_val(true));
    auto answers = ask_all(goals, questions);
    for (std::size_t k = 0; k < adders.size(); ++k) {
      if (answers[k] != z3::unsat) continue;
      const Action& action = doc_.actions[adders[k].action];
      bool by_rule = adders[k].rule < doc_.rules.size();
      add(Severity::warning, "FD320", by_rule ? doc_.rules[adders[k].rule].at : action.at,
          "action '" + action.id + "' " + (by_rule ? "that rule '" + doc_.rules[adders[k].rule].id + "' adds" : "in 'always'") +
              " can never apply: " + (by_rule ? "whenever the rule holds" : "for every contact") +
              " the outcome is not one its only_with keeps it for");
    }
  }

  static std::string quoted_list(const std::string& one, const std::string& many, const std::vector<std::string>& ids) {
    std::string out = (ids.size() > 1 ? many : one) + " ";
    for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", '" : "'") + ids[i] + "'";
    return out;
  }

  // One more concern, or a higher descriptor, must never give a lower outcome category. One question
  // covers every concern: a selector picks which named concern, or which group's member, moves up one
  // step. The two contacts share fields, ages and history; so that "the same history" means the same
  // items for both, it holds only items that share a concern with the first contact or share nothing
  // (an item sharing only a domain could start sharing a concern with the second).
  void monotonicity(Encoder& enc, SymContact& a, SymHistory& h, SymDecision& da, const z3::expr& domain_only_items) {
    const std::string question = "can one more concern or a higher descriptor lower the outcome?";
    if (prover_->elapsed_ms() >= prover_->bound_ms()) {  // encoding the second decision costs time too
      prover_->skip(question);
      return;
    }
    const std::size_t mark = enc.facts.size();
    SymChange change = enc.change(a, "raise");
    SymContact b = enc.changed(a, change, h, "b");
    SymDecision db = enc.decide(b, "b");
    // One n-ary conjunction: a chain of thousands of binary ands (one per fact of the second decision)
    // made Z3's context take 10 s to delete on a document of 2,000 rules.
    z3::expr_vector all(enc.ctx());
    for (std::size_t f = mark; f < enc.facts.size(); ++f) all.push_back(enc.facts[f]);
    all.push_back(!domain_only_items);
    all.push_back(da.category >= 0);
    all.push_back(db.category >= 0);
    all.push_back(db.category < da.category);
    z3::expr worse = z3::mk_and(all);
    std::optional<z3::model> m;
    if (query(worse, question, m, /*last=*/true) == z3::sat) report_non_monotonic(enc, smallest(worse, *m), a, h, change);
  }

  void report_non_monotonic(Encoder& enc, const z3::model& m, const SymContact& a, const SymHistory& h, const SymChange& change) {
    ConcreteContact ca = detail::concretise(enc, m, a, h, "counterexample-before");
    ConcreteContact cb = detail::concretise_changed(enc, m, ca, change, "counterexample-after");
    Decision x = rs_.decide(ca.record), y = rs_.decide(cb.record);
    bool replayed = x.ok() && y.ok() && ordered(doc_.outcomes[y.outcome].category) < ordered(doc_.outcomes[x.outcome].category);
    SourceOffset at = y.ok() && y.routing != kNoIndex ? doc_.routing[y.routing].at : y.ok() ? doc_.levels[y.level].at : kNoOffset;
    std::string from = x.ok() ? doc_.outcomes[x.outcome].id : "?", to = y.ok() ? doc_.outcomes[y.outcome].id : "?";
    add(replayed ? Severity::error : Severity::warning, "FD314", at,
        "non-monotonic: one more concern or a higher descriptor moves a contact from '" + from + "' down to '" + to + "'" +
            replay_note(replayed) + "; before: " + ca.json + decided_by(x) + "; after: " + cb.json + decided_by(y),
        {ca.json, cb.json});
  }

  void coverage() {
    std::vector<std::uint8_t> rule_hit(doc_.rules.size()), routing_hit(doc_.routing.size());
    for (auto& t : doc_.tests) {
      Decision d = rs_.decide(t.contact, t.history);
      if (!d.ok()) continue;
      for (auto r : d.rules) rule_hit[r] = 1;
      if (d.routing != kNoIndex) routing_hit[d.routing] = 1;
    }
    out_.rules_total = doc_.rules.size();
    out_.routing_total = doc_.routing.size();
    out_.rules_exercised = static_cast<std::size_t>(std::count(rule_hit.begin(), rule_hit.end(), 1));
    out_.routing_exercised = static_cast<std::size_t>(std::count(routing_hit.begin(), routing_hit.end(), 1));
    // A dead or shadowed entry cannot be tested; it is reported once, as dead.
    for (std::size_t r = 0; r < rule_hit.size(); ++r)
      if (!rule_hit[r] && !dead_rule_.count(r))
        add(Severity::warning, "FD302", doc_.rules[r].at, "untested rule '" + doc_.rules[r].id + "': no worked example makes it hold");
    for (std::size_t i = 0; i < routing_hit.size(); ++i)
      if (!routing_hit[i] && !dead_routing_.count(i))
        add(Severity::warning, "FD302", doc_.routing[i].at,
            "untested routing entry '" + doc_.routing[i].id + "': no worked example reaches it");
  }

  void unused() {
    std::vector<std::uint8_t> action(doc_.actions.size()), outcome(doc_.outcomes.size()), slot(p_.slot_names.size()),
        counter(doc_.counters.size()), concern(doc_.concerns.size());
    for (auto a : doc_.always) action[a] = 1;
    for (auto& o : doc_.outcomes)
      for (auto a : o.actions) action[a] = 1;
    for (auto& r : doc_.rules)
      for (auto a : r.actions) action[a] = 1;
    for (auto& l : doc_.levels) outcome[l.route] = 1;
    for (auto& r : doc_.routing) outcome[r.outcome] = 1;
    for (auto& in : p_.code) {
      if (in.op == detail::Op::push_name) slot[in.a] = 1;
      if (in.op == detail::Op::push_counter) counter[in.a] = 1;
      if (in.op == detail::Op::cmp_const || in.op == detail::Op::in_const) {
        auto o = detail::operand_of(in.a);
        if (o == detail::Operand::name) slot[detail::slot_of(in.a)] = 1;
        if (o == detail::Operand::counter) counter[detail::slot_of(in.a)] = 1;
      }
      if (in.op == detail::Op::concern || in.op == detail::Op::concern_at_least) concern[in.a] = 1;
      if (in.op == detail::Op::tag_count)  // a tag names every concern that carries it
        for (std::size_t k = 0; k < doc_.concerns.size(); ++k)
          if ((p_.concern_tag_bits[k] >> in.a) & 1) concern[k] = 1;
    }
    for (std::size_t i = 0; i < action.size(); ++i)
      if (!action[i])
        add(Severity::warning, "FD303", doc_.actions[i].at,
            "unused action '" + doc_.actions[i].id + "': no outcome, rule or 'always' names it");
    for (std::size_t i = 0; i < outcome.size(); ++i)
      if (!outcome[i])
        add(Severity::warning, "FD303", doc_.outcomes[i].at,
            "unused outcome '" + doc_.outcomes[i].id + "': no level routes to it and no routing entry names it");
    for (std::size_t i = 0; i < doc_.fields.size(); ++i)
      if (!doc_.fields[i].built_in && !slot[p_.field_slot[i]])
        add(Severity::warning, "FD303", doc_.fields[i].at, "unused field '" + doc_.fields[i].id + "': no rule or routing entry reads it");
    for (std::size_t i = 0; i < counter.size(); ++i)
      if (!counter[i])
        add(Severity::warning, "FD303", doc_.counters[i].at,
            "unused history counter '" + doc_.counters[i].id + "': no rule or routing entry reads it");
    // A concern whose only descriptor is at the lowest level, and that no condition names, can never
    // change a decision. An indicator there is different: it describes a need that is met, part of
    // the continuum as the council publishes it.
    for (std::size_t k = 0; k < doc_.concerns.size(); ++k) {
      const Concern& c = doc_.concerns[k];
      bool lowest_only = std::all_of(c.descriptors.begin(), c.descriptors.end(), [](auto& d) { return d.level == 0; });
      if (lowest_only && !concern[k] && !c.indicator)
        add(Severity::warning, "FD303", c.at,
            "unused concern '" + c.id + "': it sits only at the lowest level and no condition names it, so it can never change a decision");
    }
  }

  detail::Prover* prover_ = nullptr;
  detail::Clock::time_point start_ = detail::Clock::now();
  std::set<std::size_t> dead_rule_, dead_routing_, unreachable_level_;
  const RuleSet& rs_;
  const detail::Program& p_;
  const ThresholdDocument& doc_;
  const AnalysisOptions& opt_;
  AnalysisReport& out_;
  std::vector<Diagnostic> scratch_;
  detail::Diagnostics diags_;
};

}  // namespace

AnalysisReport analyse(const RuleSet& rs, const AnalysisOptions& options) {
  AnalysisReport report;
  try {
    Analyser(rs, options, report).run();
  } catch (const z3::exception& e) {
    Finding f;
    f.diagnostic.code = "FD315";
    f.diagnostic.severity = Severity::warning;
    f.diagnostic.path = rs.source().path();
    f.diagnostic.message = std::string("proof incomplete: the solver failed (") + e.msg() + ")";
    report.findings.push_back(std::move(f));
  }
  return report;
}

}  // namespace frontdoor
