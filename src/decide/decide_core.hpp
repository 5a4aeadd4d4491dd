// The decision itself (SPEC 2.1), written once and used twice: with NoTrace for the fast path and
// with StepTrace for explain. Nothing here allocates once the Decision's buffers have grown.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "compile/program.hpp"
#include "decide/evaluate.hpp"
#include "frontdoor/decision.hpp"

namespace frontdoor::detail {

void count_history(const Program&, const Contact&, std::span<const PastContact>, std::int64_t* counters) noexcept;
// The earliest instant any counter's window reaches back to from `received`: history before it
// never counts, so a batch need not look at it (nor count it against kMaxHistoryItems).
std::int64_t earliest_window_start(const Program&, std::int64_t received) noexcept;
// A batch's message for a child with more than kMaxHistoryItems earlier rows inside the windows.
std::string too_much_history();
// The message for a contact given more than kMaxHistoryItems history items of its own.
std::string too_long_history(std::size_t items);

// Records, for explain, what each rule and routing entry read and what it came to.
class StepTrace {
 public:
  static constexpr bool enabled = true;
  StepTrace(const Program& p, std::vector<TraceStep>& steps) : p_(p), steps_(steps) {}
  void begin(bool routing, Index entry, Index level) {
    TraceStep s;
    s.kind = routing ? "routing" : "rule";
    const Condition& when = routing ? p_.doc.routing[entry].when : p_.doc.rules[entry].when;
    s.id = routing ? p_.doc.routing[entry].id : p_.doc.rules[entry].id;
    s.when = when.text;
    s.at = p_.source->where(routing ? p_.doc.routing[entry].at : p_.doc.rules[entry].at);
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
    steps_.back().result = v.s == Value::unknown ? "unknown" : v.s == Value::overflow ? "overflow" : v.v ? "true" : "false";
  }

 private:
  std::string show(const Instr& in, const Value& v) const {
    if (v.s == Value::unknown) return "unknown";
    Op op = in.op;
    std::uint32_t slot = in.a;
    if (op == Op::cmp_const || op == Op::in_const) {  // a fused instruction reads a name, counter or the level
      Operand o = operand_of(in.a);
      op = o == Operand::level ? Op::push_level : o == Operand::counter ? Op::push_counter : Op::push_name;
      slot = slot_of(in.a);
    }
    switch (op) {
      case Op::push_level: return p_.doc.levels[static_cast<std::size_t>(v.v)].id;
      case Op::concern: case Op::concern_at_least: return v.v ? "true" : "false";
      case Op::push_name: {
        const NameInfo* info = nullptr;
        for (auto& n : p_.env.names)
          if (!n.counter && !n.level && n.slot == slot) info = &n;
        if (info && info->type.k == Type::K::boolean) return v.v ? "true" : "false";
        if (info && info->type.k == Type::K::enumeration) return "\"" + p_.env.enum_values[info->type.field][static_cast<std::size_t>(v.v)] + "\"";
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

// False when the guard's value is known and fails its test; true when it passes or is unknown.
inline bool passes(const Program& p, const Guard& g, const EvalContext& ctx) noexcept {
  const Contact& c = ctx.contact;
  switch (g.reads) {
    case Guard::Reads::name: return !c.known[g.slot] || g.passes(c.values[g.slot]);
    case Guard::Reads::counter: return g.passes(ctx.counters[g.slot]);
    case Guard::Reads::level: return g.passes(ctx.level);
    case Guard::Reads::concern: return g.passes(c.concern_levels[g.slot]);
    case Guard::Reads::count_at_least: {
      std::int64_t n = 0;
      for (auto k : c.concerns) n += c.concern_levels[k] > g.slot;
      return g.passes(n);
    }
    case Guard::Reads::domain_count: {
      std::int64_t n = 0;
      for (auto k : c.concerns) n += p.doc.concerns[k].domain == g.slot;
      return g.passes(n);
    }
  }
  return true;
}

template <class Trace>
Value run_condition(const Program& p, const Block& b, const EvalContext& ctx, Trace& trace, bool routing, Index entry) {
  if constexpr (!Trace::enabled) {  // explain evaluates everything, to show every value it read
    for (std::uint64_t mask : b.needs)
      if (!(ctx.contact.concern_bits & mask)) return Value{0, Value::ok};
    for (std::uint32_t g = b.guard_begin; g < b.guard_end; ++g)
      if (!passes(p, p.guards[g], ctx)) return Value{0, Value::ok};
  }
  if constexpr (Trace::enabled) trace.begin(routing, entry, ctx.level);
  Value v = evaluate(p, b, ctx, trace);
  if constexpr (Trace::enabled) trace.end(v);
  return v;
}

template <class Trace>
void decide_core(const Program& p, const Contact& c, std::span<const PastContact> history, Decision& out, Trace& trace) noexcept {
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

  std::int64_t counters[kMaxCounters];
  count_history(p, c, history, counters);

  // 2. Rules, top to bottom; `level` is the level reached so far and only ever rises.
  Index level = base;
  for (Index r = 0; r < doc.rules.size(); ++r) {
    Value v = run_condition(p, p.rule_when[r], EvalContext{c, counters, level}, trace, false, r);
    if (v.s == Value::ok) {
      if (!v.v) continue;
      out.rules.push_back(r);
      Index to = doc.rules[r].raise_to;
      if (to != kNoIndex && to > level) level = to;
    } else {
      out.unknowns.push_back({UnknownCondition::Where::rule,
                              v.s == Value::unknown ? UnknownCondition::Why::missing : UnknownCondition::Why::overflow, r,
                              v.s == Value::unknown ? static_cast<Index>(v.v) : kNoIndex});
    }
  }
  out.level = level;

  // 3. Routing: the first entry that holds, else the level's own route.
  for (Index r = 0; r < doc.routing.size(); ++r) {
    Value v = run_condition(p, p.routing_when[r], EvalContext{c, counters, level}, trace, true, r);
    if (v.s == Value::ok && v.v) {
      out.routing = r;
      break;
    }
    if (v.s != Value::ok)
      out.unknowns.push_back({UnknownCondition::Where::routing,
                              v.s == Value::unknown ? UnknownCondition::Why::missing : UnknownCondition::Why::overflow, r,
                              v.s == Value::unknown ? static_cast<Index>(v.v) : kNoIndex});
  }
  out.outcome = out.routing != kNoIndex ? doc.routing[out.routing].outcome : doc.levels[level].route;

  // 4. Deadline, in working time where the outcome says so.
  out.deadline = p.calendar->add(c.received, doc.outcomes[out.outcome].decide_within);
}

}  // namespace frontdoor::detail
