// `frontdoor check`'s proofs (SPEC section 5): dead rules, dead and shadowed routing, lowering,
// monotonicity, coverage by the worked examples, unused declarations.
#include "frontdoor/analysis.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "analysis/deadline.hpp"
#include "analysis/symbolic.hpp"
#include "compile/program.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor {
namespace {

using detail::ConcreteContact;
using detail::Encoder;
using detail::SymContact;
using detail::SymDecision;
using detail::SymChange;
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
  // One encoding of one contact and its decision, asserted once; each question is a push, its goal,
  // a check and a pop on that solver. Monotonicity adds the raised contact inside its own push.
  void prove() {
    z3::context ctx;
    detail::Watchdog watchdog(ctx);
    watchdog_ = &watchdog;
    Encoder enc(p_, ctx);
    z3::expr domain_only_items = ctx.bool_const("domain_only_items");
    SymHistory h = enc.history("h");
    SymContact c = enc.contact("c", h, domain_only_items);
    SymDecision d = enc.decide(c, "c");
    z3::solver solver = make_solver(ctx, enc);
    for (auto& f : enc.facts) solver.add(f);
    solver_ = &solver;
    dead_rules(d, domain_only_items);
    routing(enc, c, h, d, domain_only_items);
    monotonicity(enc, c, h, d, domain_only_items);
    solver_ = nullptr;
    watchdog_ = nullptr;
    if (skipped_)
      add(Severity::warning, "FD315", kNoOffset,
          "proof incomplete: the time for the proofs (" + std::to_string(bound_ms()) + " ms) was used up; " +
              std::to_string(skipped_) + " of " + std::to_string(out_.timings.size()) + " questions were not asked");
  }

  unsigned bound_ms() const { return std::min(opt_.timeout_ms, opt_.budget_ms); }

  // Integer arithmetic only, unless the document compares strings.
  z3::solver make_solver(z3::context& ctx, const Encoder& enc) {
    z3::solver s = enc.uses_strings() ? z3::solver(ctx) : z3::solver(ctx, "QF_LIA");
    z3::params params(ctx);
    // Z3's older simplex (arith.solver=2) settles these queries, mostly small bounded integers and
    // if-then-else chains, about four times faster than 4.8's default; measured on the default document.
    params.set("arith.solver", 2u);
    s.set(params);
    return s;
  }

  // Is there a contact for which `goal` holds? One question on the shared solver, within its share of
  // the time left: half of it, or all of it for the last question, so one hard question cannot
  // starve the rest.
  z3::check_result query(const z3::expr& goal, const std::string& question, std::optional<z3::model>& model, bool last = false) {
    z3::solver& s = *solver_;
    const double left = bound_ms() - elapsed_ms();
    if (left < 1) {
      ++skipped_;
      out_.timings.push_back({question, 0, ProofAnswer::unknown});
      return z3::unknown;
    }
    const double share = last ? left : left / 2;
    const auto limit = static_cast<unsigned>(std::max(1.0, share));
    {
      z3::params params(s.ctx());
      params.set("timeout", limit);
      s.set(params);
    }
    s.push();
    s.add(goal);
    auto t0 = detail::Clock::now();
    watchdog_->arm(t0 + std::chrono::milliseconds(limit));
    z3::check_result r = s.check();
    watchdog_->disarm();
    double ms = std::chrono::duration<double, std::milli>(detail::Clock::now() - t0).count();
    if (r == z3::sat) model = s.get_model();
    std::string reason = r == z3::unknown ? s.reason_unknown() : "";
    s.pop();
    out_.timings.push_back({question, ms, r == z3::sat ? ProofAnswer::yes : r == z3::unsat ? ProofAnswer::no : ProofAnswer::unknown});
    if (r == z3::unknown)
      add(Severity::warning, "FD315", kNoOffset,
          "proof incomplete: '" + question + "' was not settled within its " + std::to_string(limit) + " ms (" + reason + ")");
    return r;
  }

  double elapsed_ms() const { return std::chrono::duration<double, std::milli>(detail::Clock::now() - start_).count(); }

  void add(Severity sev, std::string code, SourceOffset at, std::string message, std::vector<std::string> contacts = {}) {
    scratch_.clear();
    diags_.add(sev, std::move(code), at, std::move(message));
    out_.findings.push_back({scratch_.back(), std::move(contacts)});
  }

  void dead_rules(SymDecision& d, const z3::expr& domain_only_items) {
    for (std::size_t r = 0; r < doc_.rules.size(); ++r) {
      std::optional<z3::model> m;
      const Rule& rule = doc_.rules[r];
      if (query(d.rule_holds[r] && domain_only_items, "can rule " + rule.id + " hold?", m) != z3::unsat) continue;
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
      if (query(d.routing_holds[i] && d.routing_holds[j] && domain_only_items, "can " + e.id + " and " + doc_.routing[j].id + " both hold?", mj) == z3::sat)
        takers += (takers.empty() ? "'" : ", '") + doc_.routing[j].id + "'";
    }
    dead_routing_.insert(i);
    ConcreteContact cx = detail::concretise(enc, example, c, h, "example-" + e.id);
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

  // One more concern, or a higher descriptor, must never give a lower outcome category. One question
  // covers every concern: a selector picks which named concern, or which group's member, moves up one
  // step. The two contacts share fields, ages and history; so that "the same history" means the same
  // items for both, it holds only items that share a concern with the first contact or share nothing
  // (an item sharing only a domain could start sharing a concern with the second).
  void monotonicity(Encoder& enc, SymContact& a, SymHistory& h, SymDecision& da, const z3::expr& domain_only_items) {
    const std::string question = "can one more concern or a higher descriptor lower the outcome?";
    if (elapsed_ms() >= bound_ms()) {  // encoding the second decision costs time too
      ++skipped_;
      out_.timings.push_back({question, 0, ProofAnswer::unknown});
      return;
    }
    const std::size_t mark = enc.facts.size();
    SymChange change = enc.change(a, "raise");
    SymContact b = enc.changed(a, change, h, "b");
    SymDecision db = enc.decide(b, "b");
    z3::expr raised(enc.ctx().bool_val(true));
    for (std::size_t f = mark; f < enc.facts.size(); ++f) raised = raised && enc.facts[f];
    z3::expr worse = raised && !domain_only_items && da.category >= 0 && db.category >= 0 && db.category < da.category;
    std::optional<z3::model> m;
    if (query(worse, question, m, /*last=*/true) == z3::sat) report_non_monotonic(enc, *m, a, h, change);
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

  z3::solver* solver_ = nullptr;
  detail::Watchdog* watchdog_ = nullptr;
  detail::Clock::time_point start_ = detail::Clock::now();
  std::size_t skipped_ = 0;  // questions not asked once the time was spent
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

const char* to_string(ProofAnswer a) noexcept {
  switch (a) {
    case ProofAnswer::yes: return "yes";
    case ProofAnswer::no: return "no";
    case ProofAnswer::unknown: break;
  }
  return "unknown";
}

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
