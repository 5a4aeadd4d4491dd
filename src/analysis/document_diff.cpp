// The symbolic diff (SPEC section 9): the two documents' decisions of one symbolic contact, compared
// by the same solver that proves `check`. Each region found is a pair of deciders (a routing entry, or
// a level's own route, on each side); it is blocked and the next asked for, until no contact is left
// that the documents decide differently (proven) or the time runs out.
#include <algorithm>
#include <map>
#include <set>

#include "analysis/prover.hpp"
#include "analysis/symbolic.hpp"
#include "compile/program.hpp"
#include "frontdoor/analysis.hpp"
#include "report/condition_words.hpp"

namespace frontdoor {
namespace {

using detail::ConcernSpace;
using detail::Encoder;
using detail::SymContact;
using detail::SymDecision;

std::string quoted(const std::string& id) { return "'" + id + "'"; }

// Why two documents cannot be compared yet, or empty: the contact must mean the same to both.
std::string incomparable(const ThresholdDocument& a, const ThresholdDocument& b) {
  std::vector<std::string> la, lb;
  for (auto& l : a.levels) la.push_back(l.id);
  for (auto& l : b.levels) lb.push_back(l.id);
  if (la != lb) return "the documents have different levels; the symbolic diff compares documents with the same levels in the same order";
  for (auto& f : a.fields)
    for (auto& g : b.fields)
      if (f.id == g.id && (f.type != g.type || f.values != g.values))
        return "field " + quoted(f.id) + " has a different type or values in the two documents; the symbolic diff cannot compare them yet";
  return "";
}

class DocumentDiffer {
 public:
  DocumentDiffer(const RuleSet& a, const RuleSet& b, const DocumentDiffOptions& o, DocumentDiff& out)
      : ra_(a), rb_(b), pa_(a.program()), pb_(b.program()), opt_(o), out_(out) {}

  void run() {
    out_.error = incomparable(pa_.doc, pb_.doc);
    if (!out_.error.empty()) return;
    notes();
    z3::context ctx;
    auto [sa, sb] = ConcernSpace::joint(pa_, pb_);
    Encoder ea(pa_, ctx, sa), eb(pb_, ctx, sb);
    auto more = eb.window_starts();
    detail::SymHistory h = ea.history("h", more, &pb_);
    SymContact ca = ea.contact("c", h, ctx.bool_val(true));
    SymContact cb = eb.contact("c", h, ctx.bool_val(true));
    SymDecision da = ea.decide(ca, "a"), db = eb.decide(cb, "b");
    std::vector<ProofTiming> timings;
    detail::Prover prover(ctx, ea, opt_.timeout_ms, timings, nullptr);
    for (auto& f : ea.facts) prover.assert_fact(f);
    for (auto& f : eb.facts) prover.assert_fact(f);
    for (auto& f : group_facts(ca, cb, sa, sb)) prover.assert_fact(f);
    prover.set_size(ea.size(ca, h) + eb.size(cb, h));
    prover_ = &prover;
    enc_a_ = &ea;
    enc_b_ = &eb;
    h_ = &h;
    ca_ = &ca;
    cb_ = &cb;
    z3::expr oa = joint_outcome(ctx, da, pa_), ob = joint_outcome(ctx, db, pb_);
    bool complete = regions(DiffAspect::outcome, oa != ob, da, db, {});
    z3::expr same = oa == ob;
    complete = regions(DiffAspect::level, same && da.level != db.level, da, db, {}) && complete;
    same = same && da.level == db.level;
    auto [working_a, clock_a] = deadline_of(ctx, da, pa_);
    auto [working_b, clock_b] = deadline_of(ctx, db, pb_);
    z3::expr same_deadline = working_a == working_b && clock_a == clock_b;
    complete = regions(DiffAspect::deadline, same && !same_deadline, da, db, {}) && complete;
    same = same && same_deadline;
    for (auto& action : action_ids()) {
      z3::expr has_a = has_action(ea, da, action), has_b = has_action(eb, db, action);
      complete = regions(DiffAspect::actions, same && has_a != has_b, da, db, action) && complete;
    }
    // With two calendars the deadline of a contact depends on when it was received in a way the
    // proofs do not encode: nothing can be proven about deadlines then.
    out_.other_differences = complete && !calendars_differ_ ? ProofAnswer::no : ProofAnswer::unknown;
    out_.milliseconds = prover.elapsed_ms();
  }

 private:
  // Outcomes compared by id: A's index, or past A's for an outcome only B has.
  z3::expr joint_outcome(z3::context& ctx, const SymDecision& d, const detail::Program& p) {
    z3::expr out = ctx.int_val(0);
    for (std::size_t o = p.doc.outcomes.size(); o-- > 0;)
      out = z3::ite(d.outcome == static_cast<int>(o), ctx.int_val(joint_id(p.doc.outcomes[o].id)), out);
    return out;
  }
  int joint_id(const std::string& outcome) {
    for (std::size_t o = 0; o < pa_.doc.outcomes.size(); ++o)
      if (pa_.doc.outcomes[o].id == outcome) return static_cast<int>(o);
    auto [it, fresh] = b_only_outcomes_.try_emplace(outcome, static_cast<int>(pa_.doc.outcomes.size() + b_only_outcomes_.size()));
    return it->second;
  }

  // A decision's deadline as both documents read it alike: the shortest working time and the shortest
  // clock time among the deadlines that take part (the outcome's, each held rule's, the applied
  // routing entry's), in minutes, -1 for none. Equal pairs give equal deadlines whenever the contact
  // is received; which of a working and a clock time comes first depends on when, so a pair that
  // differs is a region even if some contacts in it get the same deadline.
  struct Candidates {
    std::vector<std::pair<z3::expr, std::int64_t>> working, clock;
  };
  static void add_span(Candidates& c, const z3::expr& present, const Span& s, const Calendar& calendar) {
    const std::int64_t day = calendar.day_end - calendar.day_start;
    switch (s.unit) {
      case Span::Unit::working_hours: c.working.emplace_back(present, s.amount * 60); break;
      case Span::Unit::working_days: c.working.emplace_back(present, s.amount * day); break;
      case Span::Unit::hours: c.clock.emplace_back(present, s.amount * 60); break;
      case Span::Unit::days: c.clock.emplace_back(present, s.amount * 1440); break;
      case Span::Unit::none: break;
    }
  }
  static z3::expr shortest(z3::context& ctx, std::vector<std::pair<z3::expr, std::int64_t>> spans) {
    std::stable_sort(spans.begin(), spans.end(), [](auto& x, auto& y) { return x.second > y.second; });
    z3::expr out = ctx.int_val(-1);
    for (auto& [present, minutes] : spans) out = z3::ite(present, ctx.int_val(minutes), out);
    return out;
  }
  std::pair<z3::expr, z3::expr> deadline_of(z3::context& ctx, const SymDecision& d, const detail::Program& p) {
    Candidates c;
    const auto& doc = p.doc;
    for (std::size_t o = 0; o < doc.outcomes.size(); ++o)
      add_span(c, d.outcome == static_cast<int>(o), doc.outcomes[o].decide_within, doc.calendar);
    for (std::size_t r = 0; r < doc.rules.size(); ++r) add_span(c, d.rule_holds[r], doc.rules[r].decide_within, doc.calendar);
    for (std::size_t i = 0; i < doc.routing.size(); ++i) add_span(c, d.routing_applies[i], doc.routing[i].decide_within, doc.calendar);
    return {shortest(ctx, c.working), shortest(ctx, c.clock)};
  }
  // The same for a decision the engine made, in words: "4 working hours", "1 working day or 2 hours".
  static std::string deadline_words(const detail::Program& p, const Decision& d) {
    const auto& doc = p.doc;
    std::vector<const Span*> spans{&doc.outcomes[d.outcome].decide_within};
    for (auto r : d.rules) spans.push_back(&doc.rules[r].decide_within);
    if (d.routing != kNoIndex) spans.push_back(&doc.routing[d.routing].decide_within);
    const Span *working = nullptr, *clock = nullptr;
    const std::int64_t day = doc.calendar.day_end - doc.calendar.day_start;
    auto minutes = [&](const Span& s) {
      return s.unit == Span::Unit::working_days ? s.amount * day : s.unit == Span::Unit::days ? s.amount * 1440 : s.amount * 60;
    };
    for (auto* s : spans) {
      if (!s->given()) continue;
      bool is_working = s->unit == Span::Unit::working_hours || s->unit == Span::Unit::working_days;
      const Span*& best = is_working ? working : clock;
      if (!best || minutes(*s) < minutes(*best)) best = s;
    }
    std::string out = working ? to_string(*working) : "";
    if (clock) out += (out.empty() ? "" : " or ") + to_string(*clock) + (working ? ", whichever is earlier" : "");
    return out;
  }

  std::vector<std::string> action_ids() const {
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (auto* p : {&pa_, &pb_})
      for (auto& a : p->doc.actions)
        if (seen.insert(a.id).second) ids.push_back(a.id);
    return ids;
  }

  // Whether the decision carries the action: `always`, its outcome's, or a rule's that held.
  static z3::expr has_action(Encoder& enc, const SymDecision& d, const std::string& id) {
    z3::context& ctx = enc.ctx();
    const auto& doc = enc.program().doc;
    Index k = kNoIndex;
    for (std::size_t i = 0; i < doc.actions.size(); ++i)
      if (doc.actions[i].id == id) k = static_cast<Index>(i);
    if (k == kNoIndex) return ctx.bool_val(false);
    z3::expr kept = enc.kept_with(doc.actions[k].only_with, d.outcome);  // only_with: whoever added it
    if (std::find(doc.always.begin(), doc.always.end(), k) != doc.always.end()) return kept;
    z3::expr has = ctx.bool_val(false);
    for (std::size_t o = 0; o < doc.outcomes.size(); ++o)
      if (std::find(doc.outcomes[o].actions.begin(), doc.outcomes[o].actions.end(), k) != doc.outcomes[o].actions.end())
        has = has || d.outcome == static_cast<int>(o);
    for (std::size_t r = 0; r < doc.rules.size(); ++r)
      if (std::find(doc.rules[r].actions.begin(), doc.rules[r].actions.end(), k) != doc.rules[r].actions.end())
        has = has || d.rule_holds[r];
    return has && kept;
  }

  // A grouped concern both documents have, at a level only one of them gives it, is left out: the
  // documents compare contacts both accept. And one member stands at one level, whichever document
  // counts it.
  static std::vector<z3::expr> group_facts(const SymContact& ca, const SymContact& cb, const ConcernSpace& sa, const ConcernSpace& sb) {
    std::vector<z3::expr> out;
    for (std::size_t g = 0; g < sa.groups.size(); ++g) {
      const auto &ga = sa.groups[g], &gb = sb.groups[g];
      if (ga.foreign() || gb.foreign() || ga.levels == gb.levels) continue;
      for (std::size_t s = 0; s < ga.levels.size(); ++s)
        if (std::find(gb.levels.begin(), gb.levels.end(), ga.levels[s]) == gb.levels.end()) out.push_back(ca.concerns.members[g][s] == 0);
      for (std::size_t s = 0; s < gb.levels.size(); ++s)
        if (std::find(ga.levels.begin(), ga.levels.end(), gb.levels[s]) == ga.levels.end()) out.push_back(cb.concerns.members[g][s] == 0);
    }
    return out;
  }

  // Who decides under one document: routing entry i applies, or none does and the level is l.
  std::vector<z3::expr> deciders(const SymDecision& d, const detail::Program& p) {
    std::vector<z3::expr> out(d.routing_applies.begin(), d.routing_applies.end());
    z3::expr none = !z3::mk_or(to_vector(d.routing_applies, d.level.ctx()));
    for (std::size_t l = 0; l < p.doc.levels.size(); ++l) out.push_back(none && d.level == static_cast<int>(l));
    return out;
  }
  static z3::expr_vector to_vector(const std::vector<z3::expr>& xs, z3::context& ctx) {
    z3::expr_vector v(ctx);
    for (auto& x : xs) v.push_back(x);
    if (xs.empty()) v.push_back(ctx.bool_val(false));
    return v;
  }
  static std::size_t which(const z3::model& m, const std::vector<z3::expr>& options) {
    for (std::size_t i = 0; i < options.size(); ++i)
      if (m.eval(options[i], true).is_true()) return i;
    return options.size();
  }

  // Regions of one aspect, until none is left (true) or the time or the region limit runs out. An
  // outcome region is a pair of deciders; a level region, a pair of levels; a deadline or actions
  // region, an outcome: so a change reads as a few lines, not one per contact.
  bool regions(DiffAspect aspect, const z3::expr& differs, const SymDecision& da, const SymDecision& db, const std::string& action) {
    auto dec_a = deciders(da, pa_), dec_b = deciders(db, pb_);
    z3::expr goal = differs;
    while (true) {
      if (out_.regions.size() >= opt_.max_regions) return false;
      std::optional<z3::model> m;
      auto r = prover_->query(goal, std::string("is another contact decided differently (") + to_string(aspect) + ")?", m);
      if (r == z3::unsat) return true;
      if (r != z3::sat) return false;
      std::size_t i = which(*m, dec_a), j = which(*m, dec_b);
      z3::expr region = differs;
      std::string words;
      if (aspect == DiffAspect::outcome) {
        region = region && dec_a[std::min(i, dec_a.size() - 1)] && dec_b[std::min(j, dec_b.size() - 1)];
        words = decider_words(pa_, i, "A") + "; " + decider_words(pb_, j, "B");
      } else if (aspect == DiffAspect::level) {
        region = region && da.level == m->eval(da.level, true) && db.level == m->eval(db.level, true);
        words = "contacts at level " + quoted(pa_.doc.levels[m->eval(da.level, true).get_numeral_int()].id) + " under A and " +
                quoted(pb_.doc.levels[m->eval(db.level, true).get_numeral_int()].id) + " under B";
      } else {
        region = region && da.outcome == m->eval(da.outcome, true);
        words = "contacts whose outcome is " + quoted(pa_.doc.outcomes[m->eval(da.outcome, true).get_numeral_int()].id);
        std::string held_a = relevant_rules(aspect, action, *m, da, pa_, region),
                    held_b = relevant_rules(aspect, action, *m, db, pb_, region);
        if (!held_a.empty()) words += " and " + held_a + " holding" + (held_a == held_b ? "" : " under A");
        if (!held_b.empty() && held_b != held_a) words += " and " + held_b + " holding under B";
      }
      report(aspect, prover_->smallest(region, *m), words, action);
      goal = goal && !region;
    }
  }

  // The rules that bear on a deadline or an action region (those with a decide_within, or that add
  // the action): which held is part of the region, so "the red rating's 4 hours" reads as such.
  static std::string relevant_rules(DiffAspect aspect, const std::string& action, const z3::model& m, const SymDecision& d,
                                    const detail::Program& p, z3::expr& region) {
    std::string held;
    for (std::size_t r = 0; r < p.doc.rules.size(); ++r) {
      const Rule& rule = p.doc.rules[r];
      bool bears = aspect == DiffAspect::deadline
                       ? rule.decide_within.given()
                       : std::any_of(rule.actions.begin(), rule.actions.end(), [&](Index a) { return p.doc.actions[a].id == action; });
      if (!bears) continue;
      bool holds = m.eval(d.rule_holds[r], true).is_true();
      region = region && (holds ? d.rule_holds[r] : !d.rule_holds[r]);
      if (holds) held += (held.empty() ? "rule " : ", ") + quoted(rule.id);
    }
    return held;
  }

  std::string decider_words(const detail::Program& p, std::size_t k, const std::string& side) {
    if (k < p.doc.routing.size())
      return "under " + side + " routing entry " + quoted(p.doc.routing[k].id) + " applies (" +
             detail::condition_words(p.doc.routing[k].when.text, p.doc).value_or(p.doc.routing[k].when.text) + ")";
    std::size_t l = k - p.doc.routing.size();
    if (l >= p.doc.levels.size()) return "";
    return "under " + side + " no routing entry applies and the level is " + quoted(p.doc.levels[l].id) + ", which routes to " +
           quoted(p.doc.outcomes[p.doc.levels[l].route].id);
  }

  // Whether the engine's decisions of the example differ as the region says (and only as it says).
  static bool shows(const DiffRegion& r) {
    auto has = [&](const DecidedBy& d) { return std::find(d.actions.begin(), d.actions.end(), r.action) != d.actions.end(); };
    if (r.aspect == DiffAspect::outcome) return r.a.outcome != r.b.outcome;
    if (r.a.outcome != r.b.outcome) return false;
    if (r.aspect == DiffAspect::level) return r.a.level != r.b.level;
    if (r.a.level != r.b.level) return false;
    if (r.aspect == DiffAspect::deadline) return r.a.deadline != r.b.deadline;
    return r.a.deadline == r.b.deadline && has(r.a) != has(r.b);
  }

  static DecidedBy decided_by(const RuleSet& rs, const detail::Program& p, const Decision& d) {
    DecidedBy out;
    if (!d.ok()) return out;
    DecisionView view(rs, d);
    out.level = p.doc.levels[d.level].id;
    out.outcome = p.doc.outcomes[d.outcome].id;
    out.deadline = deadline_words(p, d);
    out.deadline_at = view.deadline();
    for (auto a : view.actions()) out.actions.emplace_back(a);
    for (auto r : d.rules) out.rules.push_back(p.doc.rules[r].id);
    if (d.routing != kNoIndex) out.routing = p.doc.routing[d.routing].id;
    return out;
  }

  void report(DiffAspect aspect, const z3::model& m, const std::string& words, const std::string& action) {
    std::string id = "diff-" + std::to_string(out_.regions.size() + 1);
    detail::ConcreteContact xa = detail::concretise(*enc_a_, m, *ca_, *h_, id);
    detail::ConcreteContact xb = detail::concretise(*enc_b_, m, *cb_, *h_, id);
    Decision a = ra_.decide(xa.record), b = rb_.decide(xb.record);
    DiffRegion region;
    region.aspect = aspect;
    region.action = action;
    region.condition = words;
    region.a = decided_by(ra_, pa_, a);
    region.b = decided_by(rb_, pb_, b);
    region.example_a = xa.json;
    region.example_b = xb.json;
    region.confirmed = a.ok() && b.ok() && shows(region);
    out_.regions.push_back(std::move(region));
  }

  void notes() {
    auto note = [&](const std::string& what, const std::vector<std::string>& ids, const std::string& side) {
      for (auto& id : ids) out_.notes.push_back(what + " " + quoted(id) + " is only in " + side + "; it is treated as absent in the other");
    };
    note("concern", ids_only_in(pa_.doc.concerns, pb_.doc.concerns), "A");
    note("concern", ids_only_in(pb_.doc.concerns, pa_.doc.concerns), "B");
    note("field", ids_only_in(pa_.doc.fields, pb_.doc.fields), "A");
    note("field", ids_only_in(pb_.doc.fields, pa_.doc.fields), "B");
    note("outcome", ids_only_in(pa_.doc.outcomes, pb_.doc.outcomes), "A");
    note("outcome", ids_only_in(pb_.doc.outcomes, pa_.doc.outcomes), "B");
    note("history counter", ids_only_in(pa_.doc.counters, pb_.doc.counters), "A");
    note("history counter", ids_only_in(pb_.doc.counters, pa_.doc.counters), "B");
    const Calendar &ka = pa_.doc.calendar, &kb = pb_.doc.calendar;
    calendars_differ_ =
        ka.timezone != kb.timezone || ka.day_start != kb.day_start || ka.day_end != kb.day_end || ka.holidays != kb.holidays;
    if (calendars_differ_)
      out_.notes.push_back(
          "the documents' calendars differ (time zone, working hours or holidays): the same decide_within can give a different "
          "deadline for a contact received at some times, which these regions do not show; the comparison of deadlines is "
          "therefore incomplete");
    level_notes(pa_.doc, pb_.doc, "A", "B");
    level_notes(pb_.doc, pa_.doc, "B", "A");
  }

  // A concern both documents have, at a level only one gives it: a contact naming it there is
  // decided by one and rejected by the other; the regions cover contacts both accept.
  void level_notes(const ThresholdDocument& mine, const ThresholdDocument& theirs, const std::string& me, const std::string& them) {
    for (auto& c : mine.concerns)
      for (auto& other : theirs.concerns) {
        if (other.id != c.id) continue;
        for (auto& d : c.descriptors) {
          bool shared = std::any_of(other.descriptors.begin(), other.descriptors.end(),
                                    [&](const Descriptor& e) { return theirs.levels[e.level].id == mine.levels[d.level].id; });
          if (!shared)
            out_.notes.push_back("concern " + quoted(c.id) + " has level " + quoted(mine.levels[d.level].id) + " only in " + me +
                                 "; a contact that gives it there is rejected by " + them);
        }
      }
  }
  template <class T>
  static std::vector<std::string> ids_only_in(const std::vector<T>& mine, const std::vector<T>& theirs) {
    std::set<std::string> other;
    for (auto& x : theirs) other.insert(x.id);
    std::vector<std::string> out;
    for (auto& x : mine)
      if (!other.count(x.id)) out.push_back(x.id);
    return out;
  }

  const RuleSet &ra_, &rb_;
  const detail::Program &pa_, &pb_;
  const DocumentDiffOptions& opt_;
  DocumentDiff& out_;
  std::map<std::string, int> b_only_outcomes_;
  bool calendars_differ_ = false;
  detail::Prover* prover_ = nullptr;
  Encoder *enc_a_ = nullptr, *enc_b_ = nullptr;
  detail::SymHistory* h_ = nullptr;
  SymContact *ca_ = nullptr, *cb_ = nullptr;
};

}  // namespace

DocumentDiff diff_documents(const RuleSet& a, const RuleSet& b, const DocumentDiffOptions& options) {
  DocumentDiff out;
  try {
    DocumentDiffer(a, b, options, out).run();
  } catch (const z3::exception& e) {
    out.other_differences = ProofAnswer::unknown;
    out.error = std::string("the solver failed (") + e.msg() + ")";
  }
  return out;
}

}  // namespace frontdoor
