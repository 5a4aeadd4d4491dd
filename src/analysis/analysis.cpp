// `frontdoor check`'s proofs (SPEC section 5): dead rules, dead and shadowed routing, lowering,
// monotonicity, coverage by the worked examples, unused declarations.
#include "frontdoor/analysis.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "analysis/symbolic.hpp"
#include "compile/program.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor {
namespace {

using detail::ConcreteContact;
using detail::Encoder;
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
          "proof incomplete: the document compiles to " + std::to_string(p_.code.size()) +
              " instructions, over the limit of " + std::to_string(opt_.max_instructions) + " for the proofs; none were attempted");
    } else {
      prove();
    }
    if (opt_.worked_examples) coverage();
    unused();
  }

 private:
  void prove() {
    z3::context ctx;
    Encoder enc(p_, ctx);
    SymHistory h = enc.history("h");
    SymContact c = enc.contact("c", h);
    SymDecision d = enc.decide(c, "c");
    solver_ = std::make_unique<z3::solver>(make_solver(ctx, enc));
    for (auto& f : enc.facts) solver_->add(f);
    dead_rules(enc, c, h, d);
    routing(enc, c, h, d);
    solver_.reset();
    monotonicity(ctx);
    if (skipped_)
      add(Severity::warning, "FD315", kNoOffset,
          "proof incomplete: the solver's budget of " + std::to_string(opt_.budget_ms) + " ms was used up; " +
              std::to_string(skipped_) + " of " + std::to_string(out_.timings.size()) + " proofs were not attempted");
  }

  // Integer arithmetic only, unless the document compares strings.
  z3::solver make_solver(z3::context& ctx, const Encoder& enc) {
    z3::solver s = enc.uses_strings() ? z3::solver(ctx) : z3::solver(ctx, "QF_LIA");
    z3::params params(ctx);
    params.set("timeout", opt_.timeout_ms);
    // Z3's older simplex (arith.solver=2) settles these queries, mostly small bounded integers and
    // if-then-else chains, about four times faster than 4.8's default; measured on the default document.
    params.set("arith.solver", 2u);
    s.set(params);
    return s;
  }

  // Is there a contact for which `goal` holds? One query on the shared solver, under the time budget.
  z3::check_result query(z3::solver& s, const z3::expr& goal, const std::string& question, std::optional<z3::model>& model) {
    // The total budget: each query gets what is left of it, at most timeout_ms.
    double left = static_cast<double>(opt_.budget_ms) - spent_ms_;
    if (left < 1) {
      ++skipped_;
      out_.timings.push_back({question, 0, "unknown"});
      return z3::unknown;
    }
    const auto limit = static_cast<unsigned>(std::min<double>(opt_.timeout_ms, left));
    {
      z3::params params(s.ctx());
      params.set("timeout", limit);
      s.set(params);
    }
    s.push();
    s.add(goal);
    auto t0 = std::chrono::steady_clock::now();
    z3::check_result r = s.check();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    spent_ms_ += ms;
    if (r == z3::sat) model = s.get_model();
    std::string reason = r == z3::unknown ? s.reason_unknown() : "";
    s.pop();
    out_.timings.push_back({question, ms, r == z3::sat ? "yes" : r == z3::unsat ? "no" : "unknown"});
    if (r == z3::unknown)
      add(Severity::warning, "FD315", kNoOffset,
          "proof incomplete: '" + question + "' was not settled within " + std::to_string(limit) + " ms (" + reason + ")");
    return r;
  }

  void add(Severity sev, std::string code, SourceOffset at, std::string message, std::vector<std::string> contacts = {}) {
    scratch_.clear();
    diags_.add(sev, std::move(code), at, std::move(message));
    out_.findings.push_back({scratch_.back(), std::move(contacts)});
  }

  void dead_rules(Encoder& enc, SymContact& c, SymHistory& h, SymDecision& d) {
    for (std::size_t r = 0; r < doc_.rules.size(); ++r) {
      std::optional<z3::model> m;
      const Rule& rule = doc_.rules[r];
      if (query(*solver_, d.rule_holds[r], "can rule " + rule.id + " hold?", m) != z3::unsat) continue;
      dead_rule_.insert(r);
      add(Severity::warning, "FD311", rule.at,
          "dead rule '" + rule.id + "': no contact can make its condition hold (given the rules before it)");
    }
  }

  void routing(Encoder& enc, SymContact& c, SymHistory& h, SymDecision& d) {
    for (std::size_t i = 0; i < doc_.routing.size(); ++i) {
      const Routing& e = doc_.routing[i];
      std::optional<z3::model> m;
      auto r = query(*solver_, d.routing_holds[i], "can routing entry " + e.id + " hold?", m);
      if (r == z3::unsat) {
        dead_routing_.insert(i);
        add(Severity::warning, "FD312", e.at, "dead routing entry '" + e.id + "': no contact can make its condition hold");
        continue;
      }
      if (r != z3::sat) continue;
      std::optional<z3::model> example = m;
      r = query(*solver_, d.routing_applies[i], "can routing entry " + e.id + " apply?", m);
      if (r == z3::unsat) {
        std::string takers;
        for (std::size_t j = 0; j < i; ++j) {
          std::optional<z3::model> mj;
          if (query(*solver_, d.routing_holds[i] && d.routing_holds[j], "can " + e.id + " and " + doc_.routing[j].id + " both hold?", mj) == z3::sat)
            takers += (takers.empty() ? "'" : ", '") + doc_.routing[j].id + "'";
        }
        dead_routing_.insert(i);
        ConcreteContact cx = detail::concretise(enc, *example, c, h, "example-" + e.id);
        Decision got = rs_.decide(cx.record);
        std::string taken = got.ok() && got.routing != kNoIndex ? " (this one goes to '" + doc_.routing[got.routing].id + "')" : "";
        add(Severity::warning, "FD312", e.at,
            "shadowed routing entry '" + e.id + "': earlier entries " + takers + " always take its contacts; for example " + cx.json + taken,
            {cx.json});
        continue;
      }
      lowering(enc, c, h, d, i);
    }
  }

  void lowering(Encoder& enc, SymContact& c, SymHistory& h, SymDecision& d, std::size_t i) {
    const Routing& e = doc_.routing[i];
    int cat = ordered(doc_.outcomes[e.outcome].category);
    if (cat < 0) return;  // open_case and other stand outside the order
    z3::expr route_cat = enc.category_of(enc.route_of(d.level));
    z3::expr lowers = d.routing_applies[i] && route_cat >= 0 && route_cat > cat;
    std::optional<z3::model> m;
    auto r = query(*solver_, lowers, "does routing entry " + e.id + " lower?", m);
    if (r == z3::sat && !e.lowers) {
      ConcreteContact cx = detail::concretise(enc, *m, c, h, "counterexample-" + e.id);
      Decision got = rs_.decide(cx.record);
      std::string level = got.ok() ? doc_.levels[got.level].id : "?";
      std::string route = got.ok() ? doc_.outcomes[doc_.levels[got.level].route].id : "?";
      bool replayed = got.ok() && got.routing == i;
      add(replayed ? Severity::error : Severity::warning, "FD313", e.at,
          "routing entry '" + e.id + "' sends a contact at level '" + level + "' to '" + doc_.outcomes[e.outcome].id +
              "', below the level's route '" + route + "'; if that is intended, say lowers: true and why in because" +
              replay_note(replayed) + "; counterexample: " + cx.json,
          {cx.json});
    } else if (r == z3::unsat && e.lowers) {
      add(Severity::warning, "FD316", e.at,
          "routing entry '" + e.id + "' says lowers: true but never sends a contact below its level's route");
    }
  }

  // An error must be one the engine itself confirms; a counterexample it does not reproduce is a
  // fault in the analysis, reported as a warning so that it never fails a council's build.
  static std::string replay_note(bool replayed) {
    return replayed ? "" : " (the engine did not reproduce this counterexample, so this is only a warning; please report it)";
  }

  // One more concern, or a higher descriptor, must never give a lower outcome category. One query
  // covers every concern (a selector picks which one changes); per-concern queries were slower.
  void monotonicity(z3::context& ctx) {
    if (spent_ms_ >= opt_.budget_ms) {  // encoding two decisions costs time too: skip it when no query can run
      ++skipped_;
      out_.timings.push_back({"can one more concern or a higher descriptor lower the outcome?", 0, "unknown"});
      return;
    }
    Encoder enc(p_, ctx);
    SymHistory h = enc.history("m");
    SymContact a = enc.contact("a", h, /*allow_domain_only=*/false);
    z3::expr k = ctx.int_const("changed_concern"), raised = ctx.int_const("raised_to");
    SymContact b = enc.with_changed_concern(a, k, raised, h);
    z3::expr one_step = ctx.bool_val(false);
    for (std::size_t j = 0; j < a.concern.size(); ++j) one_step = one_step || (k == static_cast<int>(j) && raised > a.concern[j]);
    SymDecision da = enc.decide(a, "a"), db = enc.decide(b, "b");
    z3::expr worse = one_step && da.category >= 0 && db.category >= 0 && db.category < da.category;
    z3::solver s = make_solver(ctx, enc);
    for (auto& f : enc.facts) s.add(f);
    std::optional<z3::model> m;
    if (query(s, worse, "can one more concern or a higher descriptor lower the outcome?", m) == z3::sat) report_non_monotonic(enc, *m, a, b, h);
  }

  void report_non_monotonic(Encoder& enc, const z3::model& m, const SymContact& a, const SymContact& b, SymHistory& h) {
    ConcreteContact ca = detail::concretise(enc, m, a, h, "counterexample-before");
    ConcreteContact cb = detail::concretise(enc, m, b, h, "counterexample-after");
    Decision x = rs_.decide(ca.record), y = rs_.decide(cb.record);
    bool replayed = x.ok() && y.ok() && ordered(doc_.outcomes[y.outcome].category) < ordered(doc_.outcomes[x.outcome].category);
    SourceOffset at = y.ok() && y.routing != kNoIndex ? doc_.routing[y.routing].at : y.ok() ? doc_.levels[y.level].at : kNoOffset;
    std::string from = x.ok() ? doc_.outcomes[x.outcome].id : "?", to = y.ok() ? doc_.outcomes[y.outcome].id : "?";
    add(replayed ? Severity::error : Severity::warning, "FD314", at,
        "non-monotonic: one more concern or a higher descriptor moves a contact from '" + from + "' down to '" + to + "'" +
            replay_note(replayed) + "; before: " + ca.json + "; after: " + cb.json,
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
      if (!rule_hit[r] && !dead_rule_.count(r)) add(Severity::warning, "FD302", doc_.rules[r].at, "untested rule '" + doc_.rules[r].id + "': no worked example makes it hold");
    for (std::size_t i = 0; i < routing_hit.size(); ++i)
      if (!routing_hit[i] && !dead_routing_.count(i)) add(Severity::warning, "FD302", doc_.routing[i].at, "untested routing entry '" + doc_.routing[i].id + "': no worked example reaches it");
  }

  void unused() {
    std::vector<std::uint8_t> action(doc_.actions.size()), outcome(doc_.outcomes.size()), slot(p_.slot_names.size()),
        counter(doc_.counters.size()), concern(doc_.concerns.size());
    for (auto a : doc_.always) action[a] = 1;
    for (auto& o : doc_.outcomes) for (auto a : o.actions) action[a] = 1;
    for (auto& r : doc_.rules) for (auto a : r.actions) action[a] = 1;
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
    }
    for (std::size_t i = 0; i < action.size(); ++i)
      if (!action[i]) add(Severity::warning, "FD303", doc_.actions[i].at, "unused action '" + doc_.actions[i].id + "': no outcome, rule or 'always' names it");
    for (std::size_t i = 0; i < outcome.size(); ++i)
      if (!outcome[i]) add(Severity::warning, "FD303", doc_.outcomes[i].at, "unused outcome '" + doc_.outcomes[i].id + "': no level routes to it and no routing entry names it");
    for (std::size_t i = 0; i < doc_.fields.size(); ++i)
      if (!doc_.fields[i].built_in && !slot[p_.field_slot[i]])
        add(Severity::warning, "FD303", doc_.fields[i].at, "unused field '" + doc_.fields[i].id + "': no rule or routing entry reads it");
    for (std::size_t i = 0; i < counter.size(); ++i)
      if (!counter[i]) add(Severity::warning, "FD303", doc_.counters[i].at, "unused history counter '" + doc_.counters[i].id + "': no rule or routing entry reads it");
    // A concern whose only descriptor is at the lowest level, and that no condition names, can never
    // change a decision.
    for (std::size_t k = 0; k < doc_.concerns.size(); ++k) {
      const Concern& c = doc_.concerns[k];
      bool lowest_only = std::all_of(c.descriptors.begin(), c.descriptors.end(), [](auto& d) { return d.level == 0; });
      if (lowest_only && !concern[k])
        add(Severity::warning, "FD303", c.at, "unused concern '" + c.id + "': it sits only at the lowest level and no condition names it, so it can never change a decision");
    }
  }

  std::unique_ptr<z3::solver> solver_;
  double spent_ms_ = 0;      // in solver queries so far
  std::size_t skipped_ = 0;  // queries not attempted once the budget was spent
  std::set<std::size_t> dead_rule_, dead_routing_;
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
