// The evaluator: runs one condition's instructions over a resolved contact. A value is an int64 with
// a state; unknown carries the slot that was missing, so the decision can name it. CEL's rules:
// false && x is false and true || x is true whatever x is; anything else touching unknown is unknown.
// The Trace parameter is a policy: NoTrace compiles to nothing, so the fast path pays nothing for it.
#pragma once

#include <cstdint>
#include <string_view>

#include "compile/program.hpp"
#include "frontdoor/contact.hpp"

namespace frontdoor::detail {

// Trivial on purpose: the evaluation stack below is left uninitialised, not zeroed per condition.
struct Value {
  std::int64_t v;
  enum State : std::uint8_t { ok, unknown, overflow } s;
};

struct NoTrace {
  static constexpr bool enabled = false;
  void read(std::uint32_t, const Value&) noexcept {}
};

struct EvalContext {
  const Contact& contact;
  const std::int64_t* counters;
  Index level;
  Index base;                 // the base level (base_level)
  const std::uint64_t* held;  // bit r set: rule r held (rule("id")); only rules above the one run are read
};

namespace eval {

inline Value combine_unknown(const Value& a, const Value& b) noexcept {
  if (a.s == Value::unknown) return a;
  if (b.s == Value::unknown) return b;
  return a.s != Value::ok ? a : b;
}

// The operand of a fused instruction.
inline Value load(const Contact& c, const EvalContext& ctx, std::uint32_t a) noexcept {
  std::uint32_t slot = slot_of(a);
  switch (operand_of(a)) {
    case Operand::name: return c.known[slot] ? Value{c.values[slot], Value::ok} : Value{slot, Value::unknown};
    case Operand::counter: return {ctx.counters[slot], Value::ok};
    case Operand::level: return {ctx.level, Value::ok};
    case Operand::base_level: return {ctx.base, Value::ok};
    case Operand::rule: return {static_cast<std::int64_t>((ctx.held[slot / 64] >> (slot % 64)) & 1), Value::ok};
  }
  return {0, Value::ok};
}

// The first unknown among n values, else the first error, else an ok value.
inline Value first_not_ok(const Value* items, std::size_t n) noexcept {
  Value bad{0, Value::ok};
  for (std::size_t k = 0; k < n; ++k) {
    if (items[k].s == Value::unknown) return items[k];
    if (items[k].s != Value::ok && bad.s == Value::ok) bad = items[k];
  }
  return bad;
}

inline std::string_view str(const Program& p, const Contact& c, std::int64_t v) noexcept {
  if (v < 0) return p.strings[static_cast<std::size_t>(~v)];
  return c.strings[static_cast<std::size_t>(v)];
}

}  // namespace eval

template <class Trace>
Value evaluate(const Program& p, const Block& block, const EvalContext& ctx, Trace& trace) noexcept {
  Value stack[kMaxStack + 1];
  std::size_t sp = 0;  // next free
  const Instr* code = p.code.data();
  const Contact& c = ctx.contact;
  for (std::uint32_t pc = block.begin; pc < block.end;) {
    const Instr& in = code[pc];
    switch (in.op) {
      case Op::push_int: stack[sp++] = {p.consts[in.a], Value::ok}; break;
      case Op::push_name:
        stack[sp++] = c.known[in.a] ? Value{c.values[in.a], Value::ok} : Value{in.a, Value::unknown};
        if constexpr (Trace::enabled) trace.read(pc, stack[sp - 1]);
        break;
      case Op::push_counter:
        stack[sp++] = {ctx.counters[in.a], Value::ok};
        if constexpr (Trace::enabled) trace.read(pc, stack[sp - 1]);
        break;
      case Op::push_level:
        stack[sp++] = {in.a ? ctx.base : ctx.level, Value::ok};
        if constexpr (Trace::enabled) trace.read(pc, stack[sp - 1]);
        break;
      case Op::push_str: stack[sp++] = {~static_cast<std::int64_t>(in.a), Value::ok}; break;
      case Op::concern:
        stack[sp++] = {c.concern_levels[in.a] != 0, Value::ok};
        if constexpr (Trace::enabled) trace.read(pc, stack[sp - 1]);
        break;
      case Op::concern_at_least:
        stack[sp++] = {c.concern_levels[in.a] > in.b, Value::ok};
        if constexpr (Trace::enabled) trace.read(pc, stack[sp - 1]);
        break;
      case Op::count_at_least: {
        std::int64_t n = 0;
        for (auto k : c.concerns) n += c.concern_levels[k] > in.a;
        stack[sp++] = {n, Value::ok};
        if constexpr (Trace::enabled) trace.read(pc, stack[sp - 1]);
        break;
      }
      case Op::domain_count: {
        std::int64_t n = 0;  // a concern in several domains counts once in each
        for (auto k : c.concerns) n += (p.concern_domain_bit[k] >> in.a) & 1;
        stack[sp++] = {n, Value::ok};
        if constexpr (Trace::enabled) trace.read(pc, stack[sp - 1]);
        break;
      }
      case Op::tag_count: {
        std::int64_t n = 0;  // each concern once, at whatever level the contact gives it
        for (auto k : c.concerns) n += (p.concern_tag_bits[k] >> in.a) & 1;
        stack[sp++] = {in.b ? static_cast<std::int64_t>(n > 0) : n, Value::ok};
        if constexpr (Trace::enabled) trace.read(pc, stack[sp - 1]);
        break;
      }
      case Op::op_not:
        if (stack[sp - 1].s == Value::ok) stack[sp - 1].v = !stack[sp - 1].v;
        break;
      case Op::neg: {
        Value& a = stack[sp - 1];
        if (a.s == Value::ok) {
          if (a.v == INT64_MIN)
            a = {0, Value::overflow};
          else
            a.v = -a.v;
        }
        break;
      }
      case Op::add:
      case Op::sub:
      case Op::mul: {
        Value b = stack[--sp];
        Value& a = stack[sp - 1];
        if (a.s != Value::ok || b.s != Value::ok) {
          a = eval::combine_unknown(a, b);
          break;
        }
        std::int64_t r;
        bool over = in.op == Op::add   ? __builtin_add_overflow(a.v, b.v, &r)
                    : in.op == Op::sub ? __builtin_sub_overflow(a.v, b.v, &r)
                                       : __builtin_mul_overflow(a.v, b.v, &r);
        a = over ? Value{0, Value::overflow} : Value{r, Value::ok};
        break;
      }
      case Op::eq:
      case Op::ne:
      case Op::lt:
      case Op::le:
      case Op::gt:
      case Op::ge: {
        Value b = stack[--sp];
        Value& a = stack[sp - 1];
        if (a.s != Value::ok || b.s != Value::ok) {
          a = eval::combine_unknown(a, b);
          break;
        }
        bool r = in.op == Op::eq   ? a.v == b.v
                 : in.op == Op::ne ? a.v != b.v
                 : in.op == Op::lt ? a.v < b.v
                 : in.op == Op::le ? a.v <= b.v
                 : in.op == Op::gt ? a.v > b.v
                                   : a.v >= b.v;
        a = {r, Value::ok};
        break;
      }
      case Op::seq:
      case Op::sne:
      case Op::slt:
      case Op::sle:
      case Op::sgt:
      case Op::sge: {
        Value b = stack[--sp];
        Value& a = stack[sp - 1];
        if (a.s != Value::ok || b.s != Value::ok) {
          a = eval::combine_unknown(a, b);
          break;
        }
        int cmp = eval::str(p, c, a.v).compare(eval::str(p, c, b.v));  // bytewise = code point order in UTF-8
        bool r = in.op == Op::seq   ? cmp == 0
                 : in.op == Op::sne ? cmp != 0
                 : in.op == Op::slt ? cmp < 0
                 : in.op == Op::sle ? cmp <= 0
                 : in.op == Op::sgt ? cmp > 0
                                    : cmp >= 0;
        a = {r, Value::ok};
        break;
      }
      case Op::in_int:
      case Op::in_str: {
        // As in CEL, a list with an unknown item is unknown as a whole, whatever else it holds.
        std::size_t n = in.a;
        Value* items = &stack[sp - n];
        Value& x = stack[sp - n - 1];
        if (x.s == Value::ok) {
          Value bad = eval::first_not_ok(items, n);
          bool found = false;
          for (std::size_t k = 0; k < n && !found && bad.s == Value::ok; ++k)
            found = in.op == Op::in_int ? items[k].v == x.v : eval::str(p, c, items[k].v) == eval::str(p, c, x.v);
          x = bad.s != Value::ok ? bad : Value{found, Value::ok};
        } else if (x.s != Value::unknown) {  // an overflow meets an unknown item: unknown wins, as for ==
          if (Value bad = eval::first_not_ok(items, n); bad.s == Value::unknown) x = bad;
        }
        sp -= n;
        break;
      }
      case Op::strict_and: {  // all of n values, with no short cut: any unknown makes it unknown
        std::size_t n = in.a;
        Value* items = &stack[sp - n];
        Value bad = eval::first_not_ok(items, n);
        bool all = true;
        for (std::size_t k = 0; k < n; ++k) all = all && items[k].v;
        sp -= n;
        stack[sp++] = bad.s != Value::ok ? bad : Value{all, Value::ok};
        break;
      }
      case Op::and_jump:
        if (stack[sp - 1].s == Value::ok && !stack[sp - 1].v) {
          pc = in.a;
          continue;
        }
        break;
      case Op::or_jump:
        if (stack[sp - 1].s == Value::ok && stack[sp - 1].v) {
          pc = in.a;
          continue;
        }
        break;
      case Op::land:
      case Op::lor: {
        Value b = stack[--sp];
        Value& a = stack[sp - 1];
        bool absorbing = in.op == Op::lor;  // true absorbs ||, false absorbs &&
        if (b.s == Value::ok && static_cast<bool>(b.v) == absorbing)
          a = {absorbing, Value::ok};
        else if (a.s == Value::ok && b.s == Value::ok)
          a = {static_cast<bool>(a.v) && static_cast<bool>(b.v) ? 1 : (absorbing ? (a.v || b.v) : 0), Value::ok};
        else
          a = eval::combine_unknown(a, b);
        break;
      }
      case Op::branch: {
        Value cnd = stack[--sp];
        if (cnd.s != Value::ok) {
          stack[sp++] = cnd;
          pc = in.b;
          continue;
        }
        if (!cnd.v) {
          pc = in.a;
          continue;
        }
        break;
      }
      case Op::jump: pc = in.a; continue;
      case Op::cmp_const: {
        Value x = eval::load(c, ctx, in.a);
        if constexpr (Trace::enabled) trace.read(pc, x);
        stack[sp++] = x.s != Value::ok ? x : Value{compare(cmp_of(in.a), x.v, p.consts[in.b]), Value::ok};
        break;
      }
      case Op::in_const: {
        Value x = eval::load(c, ctx, in.a);
        if constexpr (Trace::enabled) trace.read(pc, x);
        if (x.s == Value::ok) {
          const std::int64_t* items = &p.consts[in.b];
          bool found = false;
          for (std::int64_t k = 1; k <= items[0] && !found; ++k) found = items[k] == x.v;
          x = {found, Value::ok};
        }
        stack[sp++] = x;
        break;
      }
    }
    ++pc;
  }
  return sp ? stack[sp - 1] : Value{0, Value::ok};
}

}  // namespace frontdoor::detail
