// The decision itself (SPEC 2.1), written once and used twice: with NoTrace for the fast path and
// with StepTrace for explain. Nothing here allocates once the Decision's buffers have grown.
#pragma once

#include <algorithm>
#include <bit>
#include <span>
#include <string>
#include <vector>

#include "compile/program.hpp"
#include "decide/evaluate.hpp"
#include "decide/judge.hpp"
#include "frontdoor/decision.hpp"

namespace frontdoor::detail {

void count_history(const Program&, const Contact&, std::span<const PastContact>, std::int64_t* counters) noexcept;
// An upper bound (ms) on how far back any counter's window reaches from any `received`.
std::int64_t window_reach(const Program&) noexcept;
// The tail of a child's earlier rows (in time order) that decide needs from `received`: every row a
// counter's window reaches, perhaps with a few older ones (count_history skips those itself), and
// exactly the rows inside the windows when they are more than kMaxHistoryItems, so that a batch
// counts only those against the limit. `reach` is window_reach's: rows older than it never count, and
// finding them needs no calendar arithmetic.
std::span<const PastContact> history_in_windows(const Program&, std::int64_t reach, std::int64_t received,
                                                std::span<const PastContact> past) noexcept;

// Records, for explain, what each rule and routing entry read and what it came to.
class StepTrace {
 public:
  static constexpr bool enabled = true;
  StepTrace(const Program& p, std::vector<TraceStep>& steps) : p_(p), steps_(steps) {}
  void begin(bool routing, Index entry, Index level) {
    TraceStep s;
    s.kind = routing ? StepKind::routing : StepKind::rule;
    const Condition& when = routing ? p_.doc.routing[entry].when : p_.doc.rules[entry].when;
    s.id = routing ? p_.doc.routing[entry].id : p_.doc.rules[entry].id;
    s.when = when.text;
    s.at = p_.source->position(routing ? p_.doc.routing[entry].at : p_.doc.rules[entry].at);
    s.level_before = p_.doc.levels[level].id;
    steps_.push_back(std::move(s));
  }
  void read(std::uint32_t pc, const Value& v) {
    const std::string& label = p_.labels[pc];
    auto& values = steps_.back().values;
    for (auto& kv : values)
      if (kv.first == label) return;
    values.emplace_back(label, show(p_.code[pc], v));
  }
  void end(const Value& v) {
    steps_.back().result = v.s == Value::unknown    ? ConditionResult::unknown
                           : v.s == Value::overflow ? ConditionResult::overflow
                           : v.v                    ? ConditionResult::is_true
                                                    : ConditionResult::is_false;
  }

 private:
  std::string show(const Instr& in, const Value& v) const {
    if (v.s == Value::unknown) return "unknown";
    Op op = in.op;
    std::uint32_t slot = in.a;
    if (op == Op::cmp_const || op == Op::in_const) {  // a fused instruction reads a name, counter, level or rule
      Operand o = operand_of(in.a);
      if (o == Operand::rule) return v.v ? "true" : "false";
      op = o == Operand::level || o == Operand::base_level ? Op::push_level : o == Operand::counter ? Op::push_counter : Op::push_name;
      slot = slot_of(in.a);
    }
    switch (op) {
      case Op::push_level: return p_.doc.levels[static_cast<std::size_t>(v.v)].id;
      case Op::concern:
      case Op::concern_at_least: return v.v ? "true" : "false";
      case Op::push_name: {
        const NameInfo* info = nullptr;
        for (auto& n : p_.env.names)
          if (!n.counter && !n.level && n.slot == slot) info = &n;
        if (info && info->type.k == Type::K::boolean) return v.v ? "true" : "false";
        if (info && info->type.k == Type::K::enumeration)
          return "\"" + p_.env.enum_values[info->type.field][static_cast<std::size_t>(v.v)] + "\"";
        if (info && info->type.k == Type::K::string) return "(text)";
        return std::to_string(v.v);
      }
      default: return std::to_string(v.v);
    }
  }
  const Program& p_;
  std::vector<TraceStep>& steps_;
};

struct NoStepTrace : NoTrace {
  void begin(bool, Index, Index) noexcept {}
  void end(const Value&) noexcept {}
};

// The row of `closes` for an operand's value (see Screen::Operand). AnySparse: whether any
// operand keeps cuts (most documents have none, and then the test is compiled away).
template <bool AnySparse>
inline std::size_t screen_row(const Screen& s, const Screen::Operand& op, std::int64_t x) noexcept {
  if (!AnySparse || op.cuts_begin == op.cuts_end) [[likely]]
    return static_cast<std::size_t>(op.base + static_cast<std::uint64_t>(std::clamp(x, op.lo, op.hi)));
  const std::int64_t* cuts = s.cuts.data();  // sorted: the number of cuts <= x by binary search
  return static_cast<std::size_t>(op.base) +
         static_cast<std::size_t>(std::upper_bound(cuts + op.cuts_begin, cuts + op.cuts_end, x) - (cuts + op.cuts_begin));
}

// Runs the screen for one contact (see Screen). Leaves in `open` the conditions (rules, then
// routing entries) that no failed guard closes, and in `sure` those of them that hold once their
// level guards pass: the exact conditions none of whose names is missing. Branch-free: whether a
// guard fails is data, and a branch on it would mispredict. OneWord: at most 64 conditions, the
// usual case, where the masks gather in registers.
template <bool OneWord, bool AnySparse>
void run_screen(const Program& p, const Contact& c, const std::int64_t* counters, std::uint64_t* open, std::uint64_t* sure) noexcept {
  const Screen& s = p.screen;
  const std::size_t words = OneWord ? 1 : s.condition_words;
  const Screen::Operand* op = s.operands.data();
  const std::uint64_t* closes = s.closes.data();
  std::uint64_t closed = 0, unsure = 0;
  if constexpr (!OneWord) std::fill_n(open, words, ~std::uint64_t{0}), std::copy_n(s.exact.data(), words, sure);
  auto close = [&](const std::uint64_t* row) {
    if constexpr (OneWord)
      closed |= *row;
    else
      for (std::size_t w = 0; w < words; ++w) open[w] &= ~row[w];
  };
  for (std::size_t j = 0; j < s.names.size(); ++j) {
    const auto slot = s.names[j];
    const bool known = c.known[slot];
    std::size_t row = screen_row<AnySparse>(s, *op++, c.values[slot]);
    close(closes + (known ? row : 0) * words);
    const std::uint64_t* missing = s.name_unsure.data() + (known ? 0 : j + 1) * words;
    if constexpr (OneWord)
      unsure |= *missing;
    else
      for (std::size_t w = 0; w < words; ++w) sure[w] &= ~missing[w];
  }
  for (auto k : s.counters) close(closes + screen_row<AnySparse>(s, *op++, counters[k]) * words);
  for (auto k : s.concerns) close(closes + screen_row<AnySparse>(s, *op++, c.concern_levels[k]) * words);
  for (auto level : s.count_levels) {
    std::int64_t count = 0;
    for (auto k : c.concerns) count += c.concern_levels[k] > level;
    close(closes + screen_row<AnySparse>(s, *op++, count) * words);
  }
  for (auto domain : s.domains) {
    std::int64_t count = 0;
    for (auto k : c.concerns) count += (p.concern_domain_bit[k] >> domain) & 1;
    close(closes + screen_row<AnySparse>(s, *op++, count) * words);
  }
  for (std::size_t i = 0; i < s.needs.size(); ++i)  // row 0 when the contact has one of the concerns
    close(s.need_closes.data() + ((c.concern_bits & s.needs[i]) ? 0 : i + 1) * words);
  if constexpr (OneWord) open[0] = ~closed, sure[0] = s.exact[0] & ~unsure;
}

inline bool has(const std::uint64_t* bits, std::size_t i) noexcept { return (bits[i / 64] >> (i % 64)) & 1; }

// Calls f(r) for each condition first + r, r < count, left open, in order, until f returns true.
template <class F>
inline void for_each_open(const std::uint64_t* open, std::size_t first, std::size_t count, F&& f) {
  for (std::size_t w = first / 64; w * 64 < first + count; ++w) {
    std::uint64_t b = open[w];
    if (w * 64 < first) b &= ~std::uint64_t{0} << (first - w * 64);
    if ((w + 1) * 64 > first + count) b &= (std::uint64_t{1} << ((first + count) - w * 64)) - 1;  // < 64 here
    for (; b; b &= b - 1)
      if (f(static_cast<Index>(w * 64 + static_cast<std::size_t>(std::countr_zero(b)) - first))) return;
  }
}

inline bool level_guards_pass(const Program& p, const Block& b, Index level) noexcept {
  for (std::uint32_t g = b.guard_begin; g < b.guard_end; ++g)
    if (!p.guards[g].passes(level)) return false;
  return true;
}

// SPEC 7.5: the earliest of the outcome's deadline, each held rule's and the applied routing
// entry's; on a tie the first of them in that order. Those without decide_within take no part.
inline void set_deadline(const Program& p, std::int64_t received, Decision& out) noexcept {
  const ThresholdDocument& doc = p.doc;
  auto consider = [&](const Span& within, DeadlineSource::Kind kind, Index index) {
    if (!within.given()) return;
    std::int64_t t = p.calendar->add(received, within);
    if (out.deadline_from.kind != DeadlineSource::Kind::none && t >= out.deadline) return;
    out.deadline = t;
    out.deadline_from = {kind, index};
  };
  // Without any deadline the field keeps what it always held: `received` (Span none adds nothing).
  out.deadline = received;
  consider(doc.outcomes[out.outcome].decide_within, DeadlineSource::Kind::outcome, out.outcome);
  for (Index r : out.rules) consider(doc.rules[r].decide_within, DeadlineSource::Kind::rule, r);
  if (out.routing != kNoIndex) consider(doc.routing[out.routing].decide_within, DeadlineSource::Kind::routing, out.routing);
}

inline void note_unknown(Decision& out, UnknownCondition::Where where, Index entry, const Value& v) {
  out.unknowns.push_back({where, v.s == Value::unknown ? UnknownCondition::Why::missing : UnknownCondition::Why::overflow, entry,
                          v.s == Value::unknown ? static_cast<Index>(v.v) : kNoIndex});
}

// The decision from the contact and its history counters (count_history's): everything it reads
// is the contact's known names and their values (the strings of string fields), its concerns with
// their levels, and the counters. The batch's memo (src/batch/memo.hpp) keys on exactly
// these; a new input here must be added to its key.
template <class Trace>
void decide_counted(const Program& p, const Contact& c, const std::int64_t* counters, Decision& out, Trace& trace) noexcept {
  const ThresholdDocument& doc = p.doc;
  out.clear();
  out.contact = c.id;
  out.received = c.received;

  // 1. Base level: the highest level among the contact's descriptors; the lowest with none.
  Index base = 0;
  for (auto k : c.concerns) base = std::max<Index>(base, static_cast<Index>(c.concern_levels[k] - 1));
  for (auto k : c.concerns)
    if (c.concern_levels[k] - 1 == base) out.base_concerns.push_back(k);
  out.base_level = base;

  // 2. Rules, top to bottom; `level` is the level reached so far and only ever rises. `held` is
  // what rule("id") reads: a rule whose `when` was unknown did not hold.
  Index level = base;
  std::uint64_t held[kMaxConditions / 64];
  std::fill_n(held, (doc.rules.size() + 63) / 64, std::uint64_t{0});
  auto rule = [&](Index r, const Value& v) {
    if (v.s != Value::ok) return note_unknown(out, UnknownCondition::Where::rule, r, v);
    if (!v.v) return;
    out.rules.push_back(r);
    held[r / 64] |= std::uint64_t{1} << (r % 64);
    Index to = doc.rules[r].raise_to;
    if (to != kNoIndex && to > level) level = to;
  };
  // 3. Routing: the first entry that holds, else the level's own route. True: stop.
  auto route = [&](Index r, const Value& v) {
    if (v.s == Value::ok && v.v) return out.routing = r, true;
    if (v.s != Value::ok) note_unknown(out, UnknownCondition::Where::routing, r, v);
    return false;
  };
  const std::size_t rules = doc.rules.size(), routing = doc.routing.size();
  if constexpr (Trace::enabled) {  // explain evaluates everything, to show every value it read
    auto traced = [&](bool is_routing, Index r) {
      const Block& b = is_routing ? p.routing_when[r] : p.rule_when[r];
      trace.begin(is_routing, r, level);
      Value v = evaluate(p, b, EvalContext{c, counters, level, base, held}, trace);
      trace.end(v);
      return v;
    };
    for (Index r = 0; r < rules; ++r) rule(r, traced(false, r));
    out.level = level;
    for (Index r = 0; r < routing; ++r)
      if (route(r, traced(true, r))) break;
  } else {  // the screen settles most conditions as false; only the open ones run
    std::uint64_t open[2 * kMaxConditions / 64], sure[2 * kMaxConditions / 64];
    const Screen& s = p.screen;
    if (s.condition_words == 1 && s.cuts.empty())
      run_screen<true, false>(p, c, counters, open, sure);
    else if (s.condition_words == 1)
      run_screen<true, true>(p, c, counters, open, sure);
    else
      run_screen<false, true>(p, c, counters, open, sure);
    auto run = [&](const Block& b, std::size_t condition) {
      return has(sure, condition) ? Value{1, Value::ok} : evaluate(p, b, EvalContext{c, counters, level, base, held}, trace);
    };
    for_each_open(open, 0, rules, [&](Index r) {
      const Block& b = p.rule_when[r];
      if (level_guards_pass(p, b, level)) rule(r, run(b, r));
      return false;
    });
    out.level = level;
    for_each_open(open, rules, routing, [&](Index r) {
      const Block& b = p.routing_when[r];
      return level_guards_pass(p, b, level) && route(r, run(b, rules + r));
    });
  }
  out.outcome = out.routing != kNoIndex ? doc.routing[out.routing].outcome : doc.levels[level].route;

  // 4. Deadline, in working time where the outcome, rule or routing entry says so.
  set_deadline(p, c.received, out);
}

template <class Trace>
void decide_core(const Program& p, const Contact& c, std::span<const PastContact> history, Decision& out, Trace& trace) noexcept {
  std::int64_t counters[kMaxCounters];
  count_history(p, c, history, counters);
  decide_counted(p, c, counters, out, trace);
  out.recorded = judge(p.doc, out.outcome, c.recorded_outcome, c.override_reason);
}

}  // namespace frontdoor::detail
