#include <algorithm>
#include <bit>

#include "compile/program.hpp"
#include "time/civil.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor::detail {
namespace {

using K = Type::K;

Type type_of(const Field& f, std::uint16_t index) {
  Type t;
  switch (f.type) {
    case FieldType::boolean: t.k = K::boolean; break;
    case FieldType::integer: t.k = K::integer; break;
    case FieldType::string: t.k = K::string; break;
    case FieldType::enumeration: t.k = K::enumeration, t.field = index; break;
  }
  return t;
}

void build_environment(Program& p) {
  Environment& env = p.env;
  const ThresholdDocument& doc = p.doc;
  for (auto& l : doc.levels) env.levels.push_back(l.id);
  build_concern_table(p);
  auto add_slot = [&](const std::string& name, Type t) {
    auto slot = static_cast<std::uint16_t>(p.slot_names.size());
    p.slot_names.push_back(name);
    env.names.push_back({name, t, slot, false, false});
    return slot;
  };
  Type integer;
  integer.k = K::integer;
  p.slot_age_months = add_slot("age_months", integer);
  p.slot_age_years = add_slot("age_years", integer);
  for (std::size_t i = 0; i < doc.fields.size(); ++i) {
    const Field& f = doc.fields[i];
    env.enum_values.push_back(f.values);
    env.enum_names.push_back(f.id);
    p.field_slot.push_back(add_slot(f.id, type_of(f, static_cast<std::uint16_t>(i))));
    p.field_by_name.emplace(f.id, static_cast<std::uint16_t>(i));
    if (f.id == "unborn") p.slot_unborn = p.field_slot.back();
  }
  for (std::size_t i = 0; i < doc.counters.size(); ++i)
    env.names.push_back({doc.counters[i].id, integer, static_cast<std::uint16_t>(i), true, false});
  Type level;
  level.k = K::level;
  env.names.push_back({"level", level, 0, false, true});
  for (std::size_t i = 0; i < doc.levels.size(); ++i) p.level_by_name.emplace(doc.levels[i].id, static_cast<std::uint16_t>(i));
  for (std::size_t i = 0; i < doc.outcomes.size(); ++i) p.outcome_by_name.emplace(doc.outcomes[i].id, static_cast<std::uint16_t>(i));
}

// Emits the typed tree as stack code. Lists exist only as literals (or conditionals choosing
// between literals), so `in` and list equality unfold into element operations here.
class Emitter {
 public:
  Emitter(Program& p, const Expr& e) : p_(p), e_(e) {}

  Block run() {
    Block b;
    b.begin = static_cast<std::uint32_t>(p_.code.size());
    emit(e_.root);
    b.end = static_cast<std::uint32_t>(p_.code.size());
    b.guard_begin = static_cast<std::uint32_t>(p_.guards.size());
    b.exact = guards(e_.root);
    b.guard_end = static_cast<std::uint32_t>(p_.guards.size());
    return b;
  }
  std::uint32_t max_depth = 0;

 private:
  const ExprNode& node(std::uint32_t i) const { return e_.nodes[i]; }
  std::uint32_t here() const { return static_cast<std::uint32_t>(p_.code.size()); }
  std::uint32_t put(Op op, std::uint32_t a = 0, std::uint32_t b = 0, std::string label = {}) {
    p_.code.push_back({op, a, b});
    p_.labels.push_back(std::move(label));
    // Track the stack height for the fixed evaluation stack.
    switch (op) {
      case Op::push_int:
      case Op::push_name:
      case Op::push_counter:
      case Op::push_level:
      case Op::push_str:
      case Op::concern:
      case Op::concern_at_least:
      case Op::count_at_least:
      case Op::domain_count:
      case Op::tag_count:
      case Op::cmp_const:
      case Op::in_const: ++depth_; break;
      case Op::in_int:
      case Op::in_str: depth_ -= a; break;
      case Op::strict_and: depth_ -= a - 1; break;
      case Op::op_not:
      case Op::neg:
      case Op::and_jump:
      case Op::or_jump:
      case Op::jump: break;
      case Op::branch: --depth_; break;
      default: --depth_; break;  // binary operators
    }
    max_depth = std::max(max_depth, depth_);
    return here() - 1;
  }
  void patch(std::uint32_t at, std::uint32_t a) { p_.code[at].a = a; }

  std::uint32_t const_index(std::int64_t v) {
    auto it = std::find(p_.consts.begin(), p_.consts.end(), v);
    if (it == p_.consts.end()) it = p_.consts.insert(p_.consts.end(), v);
    return static_cast<std::uint32_t>(it - p_.consts.begin());
  }
  void push_const(std::int64_t v) { put(Op::push_int, const_index(v)); }

  bool is_const(std::uint32_t i) const {
    const ExprNode& n = node(i);
    return n.kind == NodeKind::int_lit || n.kind == NodeKind::bool_lit || (n.kind == NodeKind::str_lit && n.coerced);
  }
  // A name the fused instructions can read: the level, a counter, or a field that is not text.
  bool is_operand(std::uint32_t i) const {
    const ExprNode& n = node(i);
    return n.kind == NodeKind::name && n.type.k != K::string;
  }
  std::uint32_t operand(std::uint32_t i, Cmp c, std::string& label) const {
    const NameInfo& info = p_.env.names[static_cast<std::size_t>(node(i).value)];
    label = info.name;
    Operand o = info.base ? Operand::base_level : info.level ? Operand::level : info.counter ? Operand::counter : Operand::name;
    return pack_operand(o, c, info.level ? 0 : info.slot);
  }

  // The top-level conjuncts that are plain tests of one value become guards (see Guard). True when
  // every conjunct became one: the guards are then the whole condition (Block::exact).
  bool guards(std::uint32_t i) {
    const ExprNode& n = node(i);
    using R = Guard::Reads;
    switch (n.kind) {
      case NodeKind::name: return n.type.k == K::boolean && guard_on(i, 1, 1, 0);
      case NodeKind::op_not:
        return node(n.kids[0]).kind == NodeKind::name && node(n.kids[0]).type.k == K::boolean && guard_on(n.kids[0], 0, 0, 0);
      case NodeKind::call:
        if (n.fn == Fn::concern) return p_.guards.push_back({R::concern, static_cast<std::uint32_t>(n.value), 1, INT64_MAX, 0}), true;
        if (n.fn == Fn::concern_at_least)
          return p_.guards.push_back({R::concern, static_cast<std::uint32_t>(n.value), n.value2 + 1, INT64_MAX, 0}), true;
        return false;
      case NodeKind::binary: break;
      default: return false;
    }
    std::uint32_t l = n.kids[0], r = n.kids[1];
    if (n.op == BinOp::land) {
      bool exact = guards(l);
      return guards(r) && exact;
    }
    if (n.op == BinOp::in) {
      const ExprNode& L = node(r);
      if (!is_operand(l) || L.kind != NodeKind::list) return false;
      std::uint64_t set = 0;
      for (auto k : L.kids) {
        if (!is_const(k) || node(k).value < 0 || node(k).value > 63) return false;
        set |= 1ull << node(k).value;
      }
      return set && guard_on(l, 0, 0, set);  // an empty list never holds, but that is rare enough to leave to the code
    }
    if (n.op < BinOp::eq || n.op > BinOp::ge || n.op == BinOp::ne) return false;
    BinOp op = n.op;
    if (is_const(l)) {  // 6 > age_months is age_months < 6
      std::swap(l, r);
      op = op == BinOp::lt ? BinOp::gt : op == BinOp::le ? BinOp::ge : op == BinOp::gt ? BinOp::lt : op == BinOp::ge ? BinOp::le : op;
    }
    if (!is_const(r)) return false;
    std::int64_t v = node(r).value;
    switch (op) {
      case BinOp::eq: return guard_on(l, v, v, 0);
      case BinOp::lt: return v != INT64_MIN && guard_on(l, INT64_MIN, v - 1, 0);
      case BinOp::le: return guard_on(l, INT64_MIN, v, 0);
      case BinOp::gt: return v != INT64_MAX && guard_on(l, v + 1, INT64_MAX, 0);
      case BinOp::ge: return guard_on(l, v, INT64_MAX, 0);
      default: return false;
    }
  }

  // A guard that `value` lies in [lo, hi] (or in `set`), when `value` is something a guard can read:
  // a name that is not text, count_at_least() or domain_count(), or a history counter plus or minus
  // a constant (counters are small and never negative, so the sum cannot overflow when the constant
  // is moderate, and counter + k >= v is exactly counter >= v - k). True when it made the guard.
  bool guard_on(std::uint32_t value, std::int64_t lo, std::int64_t hi, std::uint64_t set) {
    using R = Guard::Reads;
    const ExprNode& n = node(value);
    if (is_operand(value) && !p_.env.names[static_cast<std::size_t>(n.value)].base) {  // base_level: no guard (yet)
      const NameInfo& info = p_.env.names[static_cast<std::size_t>(n.value)];
      p_.guards.push_back({info.level ? R::level : info.counter ? R::counter : R::name, info.level ? 0u : info.slot, lo, hi, set});
      return true;
    }
    if (n.kind == NodeKind::call && (n.fn == Fn::count_at_least || n.fn == Fn::domain_count)) {
      p_.guards.push_back(
          {n.fn == Fn::count_at_least ? R::count_at_least : R::domain_count, static_cast<std::uint32_t>(n.value), lo, hi, set});
      return true;
    }
    if (set || n.kind != NodeKind::binary || (n.op != BinOp::add && n.op != BinOp::sub)) return false;
    std::uint32_t x = n.kids[0], k = n.kids[1];
    if (n.op == BinOp::add && is_const(x)) std::swap(x, k);
    if (!is_const(k) || node(x).kind != NodeKind::name || !p_.env.names[static_cast<std::size_t>(node(x).value)].counter) return false;
    constexpr std::int64_t kModerate = std::int64_t{1} << 40;
    std::int64_t shift = n.op == BinOp::add ? node(k).value : -node(k).value;
    if (node(k).value < -kModerate || node(k).value > kModerate) return false;
    auto shifted = [&](std::int64_t b) {
      return b == INT64_MIN || b == INT64_MAX ? b : std::clamp(b, -kModerate * 4, kModerate * 4) - shift;
    };
    p_.guards.push_back({R::counter, p_.env.names[static_cast<std::size_t>(node(x).value)].slot, shifted(lo), shifted(hi), 0});
    return true;
  }

  static std::string quoted(const std::string& s) { return "\"" + s + "\""; }

  void emit(std::uint32_t i) {
    const ExprNode& n = node(i);
    switch (n.kind) {
      case NodeKind::int_lit:
      case NodeKind::bool_lit: push_const(n.value); return;
      case NodeKind::str_lit:
        if (n.coerced) return push_const(n.value);
        p_.strings.push_back(n.text);
        put(Op::push_str, static_cast<std::uint32_t>(p_.strings.size() - 1));
        return;
      case NodeKind::name: {
        const NameInfo& info = p_.env.names[static_cast<std::size_t>(n.value)];
        if (info.level)
          put(Op::push_level, info.base ? 1 : 0, 0, info.name);
        else if (info.counter)
          put(Op::push_counter, info.slot, 0, info.name);
        else
          put(Op::push_name, info.slot, 0, info.name);
        return;
      }
      case NodeKind::call: return call(n);
      case NodeKind::list: return;  // lists are unfolded by their users
      case NodeKind::op_not: emit(n.kids[0]), put(Op::op_not); return;
      case NodeKind::op_neg: emit(n.kids[0]), put(Op::neg); return;
      case NodeKind::cond:
        return conditional(
            n.kids[0], [&] { emit(n.kids[1]); }, [&] { emit(n.kids[2]); });
      case NodeKind::binary: return binary(n);
    }
  }

  void call(const ExprNode& n) {
    const auto& d = p_.doc;
    auto a = static_cast<std::uint32_t>(n.value), b = static_cast<std::uint32_t>(n.value2);
    switch (n.fn) {
      case Fn::concern: put(Op::concern, a, 0, "concern(" + quoted(d.concerns[a].id) + ")"); return;
      case Fn::concern_at_least:
        put(Op::concern_at_least, a, b, "concern_at_least(" + quoted(d.concerns[a].id) + ", " + quoted(d.levels[b].id) + ")");
        return;
      case Fn::count_at_least: put(Op::count_at_least, a, 0, "count_at_least(" + quoted(d.levels[a].id) + ")"); return;
      case Fn::domain_count: put(Op::domain_count, a, 0, "domain_count(" + quoted(d.domains[a]) + ")"); return;
      case Fn::tagged: put(Op::tag_count, a, 1, "tagged(" + quoted(d.tags[a]) + ")"); return;
      case Fn::tag_count: put(Op::tag_count, a, 0, "tag_count(" + quoted(d.tags[a]) + ")"); return;
      case Fn::rule: put(Op::cmp_const, rule_operand(a), const_index(0), "rule(" + quoted(d.rules[a].id) + ")"); return;
    }
  }

  template <class A, class B>
  void conditional(std::uint32_t c, A then_, B else_) {
    emit(c);
    std::uint32_t br = put(Op::branch);  // pops the condition; each arm pushes one value
    then_();
    std::uint32_t j = put(Op::jump);
    p_.code[br].a = here();
    --depth_;  // only one arm runs
    else_();
    patch(j, here());
    p_.code[br].b = here();
  }

  void binary(const ExprNode& n) {
    std::uint32_t l = n.kids[0], r = n.kids[1];
    switch (n.op) {
      case BinOp::land:
      case BinOp::lor: {
        emit(l);
        std::uint32_t j = put(n.op == BinOp::land ? Op::and_jump : Op::or_jump);
        emit(r);
        put(n.op == BinOp::land ? Op::land : Op::lor);
        patch(j, here());
        return;
      }
      case BinOp::add: emit(l), emit(r), put(Op::add); return;
      case BinOp::sub: emit(l), emit(r), put(Op::sub); return;
      case BinOp::mul: emit(l), emit(r), put(Op::mul); return;
      case BinOp::in: return in(l, r);
      default: break;
    }
    if (node(l).type.k == K::list) {
      if (n.op == BinOp::ne) return list_eq(l, r), void(put(Op::op_not));
      return list_eq(l, r);
    }
    auto cmp = static_cast<Cmp>(static_cast<int>(n.op) - static_cast<int>(BinOp::eq));
    if (is_operand(l) && is_const(r)) return fused(l, cmp, r);
    if (is_const(l) && is_operand(r)) {  // 6 > age_months is age_months < 6
      static constexpr Cmp flipped[] = {Cmp::eq, Cmp::ne, Cmp::gt, Cmp::ge, Cmp::lt, Cmp::le};
      return fused(r, flipped[static_cast<int>(cmp)], l);
    }
    bool str = node(l).type.k == K::string;
    emit(l), emit(r);
    Op ops[] = {Op::eq, Op::ne, Op::lt, Op::le, Op::gt, Op::ge};
    Op sops[] = {Op::seq, Op::sne, Op::slt, Op::sle, Op::sgt, Op::sge};
    auto k = static_cast<int>(n.op) - static_cast<int>(BinOp::eq);
    put(str ? sops[k] : ops[k]);
  }

  void fused(std::uint32_t name, Cmp cmp, std::uint32_t constant) {
    std::string label;
    std::uint32_t a = operand(name, cmp, label);
    put(Op::cmp_const, a, const_index(node(constant).value), label);
  }

  void in(std::uint32_t value, std::uint32_t list) {
    const ExprNode& L = node(list);
    if (L.kind == NodeKind::cond)
      return conditional(
          L.kids[0], [&] { in(value, L.kids[1]); }, [&] { in(value, L.kids[2]); });
    if (is_operand(value) && std::all_of(L.kids.begin(), L.kids.end(), [&](auto k) { return is_const(k); })) {
      // The items are stored together: a count, then the values.
      auto at = static_cast<std::uint32_t>(p_.consts.size());
      p_.consts.push_back(static_cast<std::int64_t>(L.kids.size()));
      for (auto k : L.kids) p_.consts.push_back(node(k).value);
      std::string label;
      std::uint32_t op = operand(value, Cmp::eq, label);  // fills label: call it before put() copies it
      put(Op::in_const, op, at, std::move(label));
      return;
    }
    emit(value);
    for (auto k : L.kids) emit(k);
    put(node(value).type.k == K::string ? Op::in_str : Op::in_int, static_cast<std::uint32_t>(L.kids.size()));
  }

  // [a, b] == [c, d] unfolds to every a == c and b == d, combined with no short cut: as in CEL, a
  // list with an unknown item is unknown, so the comparison is too. Lists of different lengths are
  // unequal once their items are known.
  void list_eq(std::uint32_t l, std::uint32_t r) {
    const ExprNode& A = node(l);
    const ExprNode& B = node(r);
    if (A.kind == NodeKind::cond)
      return conditional(
          A.kids[0], [&] { list_eq(A.kids[1], r); }, [&] { list_eq(A.kids[2], r); });
    if (B.kind == NodeKind::cond)
      return conditional(
          B.kids[0], [&] { list_eq(l, B.kids[1]); }, [&] { list_eq(l, B.kids[2]); });
    if (A.kids.size() != B.kids.size()) {
      for (auto k : A.kids) emit(k);
      for (auto k : B.kids) emit(k);
      push_const(0);
      put(Op::strict_and, static_cast<std::uint32_t>(A.kids.size() + B.kids.size() + 1));
      return;
    }
    if (A.kids.empty()) return push_const(1);
    for (std::size_t k = 0; k < A.kids.size(); ++k) {
      bool str = node(A.kids[k]).type.k == K::string;
      emit(A.kids[k]), emit(B.kids[k]);
      put(str ? Op::seq : Op::eq);
    }
    put(Op::strict_and, static_cast<std::uint32_t>(A.kids.size()));
  }

  Program& p_;
  const Expr& e_;
  std::uint32_t depth_ = 0;
};

// Check the worked examples name things that exist, so a typo in `expect` is a load error rather
// than a test that can never pass.
void check_expectations(const Program& p, Diagnostics& d) {
  auto known = [](auto& map, const std::string& id) { return map.count(id) != 0; };
  std::vector<std::string_view> levels, outcomes, actions, rules, routing, flags;
  for (auto& l : p.doc.levels) levels.push_back(l.id);
  for (auto& o : p.doc.outcomes) outcomes.push_back(o.id);
  for (auto& a : p.doc.actions) actions.push_back(a.id);
  for (auto& r : p.doc.rules) rules.push_back(r.id);
  for (auto& r : p.doc.routing) routing.push_back(r.id);
  for (auto& f : p.doc.flags) flags.push_back(f);
  auto in = [](const std::vector<std::string_view>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  for (auto& t : p.doc.tests) {
    const Expectation& e = t.expect;
    auto bad = [&](const std::string& what, const std::string& id, const std::vector<std::string_view>& ids) {
      d.error("FD121", t.at,
              "test '" + t.name + "' expects " + what + " '" + id + "', which the document does not have" + unknown_id_hint(id, ids));
    };
    if (e.level && !known(p.level_by_name, *e.level)) bad("level", *e.level, levels);
    if (e.outcome && !known(p.outcome_by_name, *e.outcome)) bad("outcome", *e.outcome, outcomes);
    if (e.category) {
      static const std::vector<std::string_view> cats = {"nfa", "early_help", "assessment", "s47", "open_case", "other"};
      if (!in(cats, *e.category)) bad("category", *e.category, cats);
    }
    for (auto* list : {&e.actions, &e.actions_include})
      if (*list)
        for (auto& a : **list)
          if (!in(actions, a)) bad("action", a, actions);
    if (e.rules)
      for (auto& r : *e.rules)
        if (!in(rules, r)) bad("rule", r, rules);
    if (e.flags)
      for (auto& f : *e.flags)
        if (!in(flags, f)) bad("flag", f, flags);
    if (e.routing && !in(routing, *e.routing)) bad("routing entry", *e.routing, routing);
  }
}

// Concern masks a condition needs (see Block::needs). Only concern() and concern_at_least() are
// always known, so only they (under && and ||) can make a condition false before it is evaluated.
std::vector<std::uint64_t> needs(const Expr& e, std::uint32_t i) {
  const ExprNode& n = e.nodes[i];
  if (n.kind == NodeKind::call && (n.fn == Fn::concern || n.fn == Fn::concern_at_least))
    return n.value >= 0 && n.value < 64 ? std::vector<std::uint64_t>{1ull << n.value} : std::vector<std::uint64_t>{};
  if (n.kind != NodeKind::binary) return {};
  auto a = needs(e, n.kids[0]), b = needs(e, n.kids[1]);
  if (n.op == BinOp::land) {  // false when either side is false
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  if (n.op == BinOp::lor && !a.empty() && !b.empty()) {  // false when both are: any of a's and b's masks... folded to one
    std::uint64_t any = 0;
    for (auto m : a) any |= m;  // weaker but sound: a is false if none of all its masks' concerns is present
    for (auto m : b) any |= m;
    return {any};
  }
  return {};
}

void compile_condition(Program& p, const Condition& c, const CompileOptions& opt, Diagnostics& d, Block& out) {
  auto at = [&](std::uint32_t pos) { return c.exact_columns ? static_cast<SourceOffset>(c.at + pos) : c.at; };
  ExprError perr;
  auto expr = parse_expression(c.text, {opt.max_expression_bytes, opt.max_expression_depth}, perr);
  if (!expr) {
    d.error(perr.code, at(perr.pos), perr.message);
    return;
  }
  std::vector<ExprError> errs;
  check_expression(*expr, p.env, errs);
  for (auto& e : errs) d.error(e.code, at(e.pos), e.message);
  if (!errs.empty()) return;
  Emitter em(p, *expr);
  out = em.run();
  out.needs = needs(*expr, expr->root);
  p.max_stack = std::max(p.max_stack, em.max_depth);
  if (p.max_stack > kMaxStack)
    d.error("FD208", c.at, "this expression needs more evaluation stack than the limit of " + std::to_string(kMaxStack));
}

// Moves every guard that does not read the level into the screen (see Screen), and leaves
// Program::guards with the level's guards only.
void build_screen(Program& p) {
  using R = Guard::Reads;
  Screen& s = p.screen;
  std::vector<Block*> blocks;  // conditions: rules, then routing entries
  for (auto& b : p.rule_when) blocks.push_back(&b);
  for (auto& b : p.routing_when) blocks.push_back(&b);
  const std::size_t cw = (blocks.size() + 63) / 64;
  s.condition_words = static_cast<std::uint32_t>(cw);

  // 1. Each operand's tests, with the condition each guards; the concern masks likewise.
  struct Use {
    Guard test;
    std::size_t condition;
  };
  std::vector<std::uint32_t>* by_kind[] = {&s.names, &s.counters, &s.concerns, &s.count_levels, &s.domains};
  std::vector<std::vector<Use>> uses[5];
  std::vector<std::pair<std::size_t, std::size_t>> need_uses;  // (mask, condition)
  std::vector<Guard> level_guards;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    Block& b = *blocks[i];
    auto first_level = static_cast<std::uint32_t>(level_guards.size());
    for (std::uint32_t g = b.guard_begin; g < b.guard_end; ++g) {
      const Guard& x = p.guards[g];
      if (x.reads == R::level) {
        level_guards.push_back(x);
        continue;
      }
      int kind = x.reads == R::name ? 0 : x.reads == R::counter ? 1 : x.reads == R::concern ? 2 : x.reads == R::count_at_least ? 3 : 4;
      auto& list = *by_kind[kind];
      auto at = static_cast<std::size_t>(std::find(list.begin(), list.end(), x.slot) - list.begin());
      if (at == list.size()) list.push_back(x.slot), uses[kind].emplace_back();
      uses[kind][at].push_back({x, i});
    }
    // A mask of one concern that a guard already tests (concern("x") is level >= 1) adds nothing.
    auto guarded = [&](std::uint64_t m) {
      if (std::popcount(m) != 1) return false;
      for (std::uint32_t g = b.guard_begin; g < b.guard_end; ++g)
        if (p.guards[g].reads == R::concern && p.guards[g].slot == static_cast<std::uint32_t>(std::countr_zero(m))) return true;
      return false;
    };
    for (auto m : b.needs) {
      if (guarded(m)) continue;
      auto at = static_cast<std::size_t>(std::find(s.needs.begin(), s.needs.end(), m) - s.needs.begin());
      if (at == s.needs.size()) s.needs.push_back(m);
      need_uses.push_back({at, i});
    }
    b.needs.clear();
    b.needs.shrink_to_fit();
    b.guard_begin = first_level;
    b.guard_end = static_cast<std::uint32_t>(level_guards.size());
  }
  p.guards = std::move(level_guards);
  s.need_closes.assign((s.needs.size() + 1) * cw, 0);  // row 0 closes nothing; mask i's row is i + 1
  for (auto [mask, condition] : need_uses) s.need_closes[(mask + 1) * cw + condition / 64] |= 1ull << (condition % 64);

  // 2. Each operand's cuts (the values where one of its tests changes) and, for every value from
  // just below the first cut to the last, the conditions some test fails on there. Past either end
  // nothing changes, so a value is clamped into that range. An operand whose cuts lie too far apart
  // for a row per value keeps a row per interval between cuts instead.
  // A dense operand takes at most 256 words (2 KiB) of masks, so a document with thousands of
  // conditions and many values to read cannot make the table large: with more than one word per
  // row, fewer values get a row each.
  const std::uint64_t max_dense_rows = std::max<std::uint64_t>(256 / std::max<std::size_t>(cw, 1), 2);
  s.closes.assign(cw, 0);  // row 0: closes nothing
  for (auto& kind : uses)
    for (auto& tests : kind) {
      std::vector<std::int64_t> cuts;
      for (const auto& u : tests) {
        const Guard& g = u.test;
        if (g.set) {
          cuts.push_back(0);
          cuts.push_back(64);
          for (int v = 1; v < 64; ++v)
            if (((g.set >> v) & 1) != ((g.set >> (v - 1)) & 1)) cuts.push_back(v);
        } else {
          if (g.lo != INT64_MIN) cuts.push_back(g.lo);
          if (g.hi != INT64_MAX) cuts.push_back(g.hi + 1);
        }
      }
      std::sort(cuts.begin(), cuts.end());
      cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
      Screen::Operand op;
      const auto first_row = s.closes.size() / cw;
      op.lo = cuts.empty() ? 0 : cuts.front() - 1;  // cuts never hold INT64_MIN
      auto add_row = [&](std::int64_t at) {
        std::size_t row = s.closes.size();
        s.closes.resize(row + cw, 0);
        for (const auto& u : tests)
          if (!u.test.passes(at)) s.closes[row + u.condition / 64] |= 1ull << (u.condition % 64);
      };
      // Unsigned: the cuts may lie anywhere in the 64-bit range, and their distance still fits.
      if (cuts.empty() || static_cast<std::uint64_t>(cuts.back()) - static_cast<std::uint64_t>(op.lo) < max_dense_rows) {
        op.hi = cuts.empty() ? op.lo : cuts.back();
        op.base = static_cast<std::uint64_t>(first_row) - static_cast<std::uint64_t>(op.lo);
        const std::uint64_t span = static_cast<std::uint64_t>(op.hi) - static_cast<std::uint64_t>(op.lo);
        for (std::uint64_t k = 0; k <= span; ++k) add_row(op.lo + static_cast<std::int64_t>(k));  // never past hi
      } else {
        op.lo = INT64_MIN, op.hi = INT64_MAX, op.base = static_cast<std::uint64_t>(first_row);
        op.cuts_begin = static_cast<std::uint32_t>(s.cuts.size());
        s.cuts.insert(s.cuts.end(), cuts.begin(), cuts.end());
        op.cuts_end = static_cast<std::uint32_t>(s.cuts.size());
        add_row(INT64_MIN);
        for (auto v : cuts) add_row(v);
      }
      s.operands.push_back(op);
    }

  s.exact.assign(cw, 0);
  for (std::size_t i = 0; i < blocks.size(); ++i)
    if (blocks[i]->exact) s.exact[i / 64] |= 1ull << (i % 64);
  s.name_unsure.assign((uses[0].size() + 1) * cw, 0);  // row 0 for a known name; name j's row is j + 1
  for (std::size_t j = 0; j < uses[0].size(); ++j)
    for (const auto& u : uses[0][j])
      if (blocks[u.condition]->exact) s.name_unsure[(j + 1) * cw + u.condition / 64] |= 1ull << (u.condition % 64);
}

}  // namespace

void compile_program(Program& p, const CompileOptions& opt, std::vector<Diagnostic>& out) {
  Diagnostics d(*p.source, out);
  build_environment(p);
  add_decision_names(p);
  p.rows = plan_rows(p);
  p.rule_when.resize(p.doc.rules.size());
  p.routing_when.resize(p.doc.routing.size());
  for (std::size_t i = 0; i < p.doc.rules.size(); ++i)
    p.env.rules_above = i, compile_condition(p, p.doc.rules[i].when, opt, d, p.rule_when[i]);
  p.env.rules_above = p.doc.rules.size();
  for (std::size_t i = 0; i < p.doc.routing.size(); ++i) compile_condition(p, p.doc.routing[i].when, opt, d, p.routing_when[i]);
  check_expectations(p, d);
  check_deadline_expectations(p, d);
  // The loader already caps any list at 2,000 items; this keeps the hot path's fixed bitsets safe
  // from any other way in.
  if (p.doc.rules.size() > kMaxConditions)
    d.error("FD208", p.doc.rules[kMaxConditions].at, "more rules than the limit of " + std::to_string(kMaxConditions));
  if (p.doc.routing.size() > kMaxConditions)
    d.error("FD208", p.doc.routing[kMaxConditions].at, "more routing entries than the limit of " + std::to_string(kMaxConditions));
  if (d.has_errors()) return;
  build_screen(p);
  p.calendar = std::make_unique<WorkCalendar>(p.doc.calendar);
}

}  // namespace frontdoor::detail
