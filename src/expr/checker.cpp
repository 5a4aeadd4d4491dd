// Type checking: every name, function, level, concern, domain and enum value is resolved here, at
// load, with a "did you mean" for near misses. After this pass the emitter sees only indices.
#include <algorithm>

#include "expr/expression.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor::detail {

namespace {
using K = Type::K;

Type make(K k, std::uint16_t field = 0) {
  Type t;
  t.k = k;
  t.field = field;
  return t;
}

std::vector<std::string_view> views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

class Checker {
 public:
  Checker(Expr& e, const Environment& env, std::vector<ExprError>& errs) : e_(e), env_(env), errs_(errs) {}

  void run() {
    Type t = check(e_.root);
    if (t.k != K::error && t.k != K::boolean)
      error("FD209", node(e_.root).pos, "a 'when' must be true or false, but this expression is " + type_name(t, env_));
  }

 private:
  ExprNode& node(std::uint32_t i) { return e_.nodes[i]; }
  void error(std::string code, std::uint32_t pos, std::string msg) { errs_.push_back({std::move(code), pos, std::move(msg)}); }
  Type set(std::uint32_t i, Type t) {
    node(i).type = t;
    return t;
  }

  Type check(std::uint32_t i) {
    ExprNode& n = node(i);
    switch (n.kind) {
      case NodeKind::int_lit: return set(i, make(K::integer));
      case NodeKind::bool_lit: return set(i, make(K::boolean));
      case NodeKind::str_lit: return set(i, make(K::string));
      case NodeKind::name: return set(i, name(i));
      case NodeKind::call: return set(i, call(i));
      case NodeKind::list: return set(i, list(i));
      case NodeKind::op_not: {
        Type t = check(n.kids[0]);
        if (t.k != K::error && t.k != K::boolean) error("FD204", n.pos, "'!' needs true or false, not " + type_name(t, env_));
        return set(i, make(K::boolean));
      }
      case NodeKind::op_neg: {
        Type t = check(n.kids[0]);
        if (t.k != K::error && t.k != K::integer) error("FD204", n.pos, "'-' needs a number, not " + type_name(t, env_));
        return set(i, make(K::integer));
      }
      case NodeKind::cond: {
        Type c = check(n.kids[0]);
        if (c.k != K::error && c.k != K::boolean)
          error("FD204", n.pos, "the condition of '?:' must be true or false, not " + type_name(c, env_));
        Type a = check(n.kids[1]), b = check(n.kids[2]);
        if (a.k == K::error || b.k == K::error) return set(i, make(K::error));
        if (a == b) return set(i, a);
        // A string literal branch takes the type of an enum/level branch.
        if (is_literal_like(n.kids[1]) && coerce(n.kids[1], b)) return set(i, b);
        if (is_literal_like(n.kids[2]) && coerce(n.kids[2], a)) return set(i, a);
        error("FD204", n.pos, "the two branches of '?:' differ: " + type_name(a, env_) + " and " + type_name(b, env_));
        return set(i, make(K::error));
      }
      case NodeKind::binary: return set(i, binary(i));
    }
    return make(K::error);
  }

  Type name(std::uint32_t i) {
    ExprNode& n = node(i);
    std::vector<std::string_view> all;
    for (auto& info : env_.names) {
      if (info.name == n.text) {
        n.value = static_cast<std::int64_t>(&info - env_.names.data());
        return info.type;
      }
      all.push_back(info.name);
    }
    std::string msg = "unknown name '" + n.text + "'" + did_you_mean(n.text, all);
    if (std::find(env_.concerns.begin(), env_.concerns.end(), n.text) != env_.concerns.end())
      msg = "'" + n.text + "' is a concern: write concern(\"" + n.text + "\")";
    else if (std::find(env_.tags.begin(), env_.tags.end(), n.text) != env_.tags.end())
      msg = "'" + n.text + "' is a tag: write tagged(\"" + n.text + "\") or tag_count(\"" + n.text + "\")";
    error("FD202", n.pos, msg);
    return make(K::error);
  }

  // A string literal argument naming one of `ids`; returns its index or -1 (after reporting).
  std::int64_t literal_arg(std::uint32_t i, const std::vector<std::string>& ids, std::string_view kind) {
    ExprNode& a = node(i);
    a.type = make(K::string);
    if (a.kind != NodeKind::str_lit) {
      error("FD204", a.pos,
            "this argument must be a " + std::string(kind) + " id written as a string, such as \"" + (ids.empty() ? "" : ids[0]) + "\"");
      check(i);
      return -1;
    }
    auto it = std::find(ids.begin(), ids.end(), a.text);
    if (it == ids.end()) {
      error("FD206", a.pos, "unknown " + std::string(kind) + " '" + a.text + "'" + unknown_id_hint(a.text, views(ids)));
      return -1;
    }
    return it - ids.begin();
  }

  Type call(std::uint32_t i) {
    static const std::vector<std::string> fns = {"concern", "concern_at_least", "count_at_least", "domain_count",
                                                 "rule",    "tagged",           "tag_count"};
    static const std::size_t arity[] = {1, 2, 1, 1, 1, 1, 1};
    ExprNode& n = node(i);
    auto it = std::find(fns.begin(), fns.end(), n.text);
    if (it == fns.end()) {
      error("FD203", n.pos, "unknown function '" + n.text + "'" + did_you_mean(n.text, views(fns)));
      for (auto k : n.kids) check(k);
      return make(K::error);
    }
    n.fn = static_cast<Fn>(it - fns.begin());
    std::size_t want = arity[it - fns.begin()];
    if (n.kids.size() != want) {
      error("FD205", n.pos,
            n.text + "() takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") + ", not " + std::to_string(n.kids.size()));
      return make(n.fn == Fn::count_at_least || n.fn == Fn::domain_count || n.fn == Fn::tag_count ? K::integer : K::boolean);
    }
    std::vector<std::uint32_t> kids = n.kids;  // `n` may move as nodes are touched; use indices
    switch (node(i).fn) {
      case Fn::concern: node(i).value = literal_arg(kids[0], env_.concerns, "concern"); return make(K::boolean);
      case Fn::concern_at_least:
        node(i).value = literal_arg(kids[0], env_.concerns, "concern");
        node(i).value2 = literal_arg(kids[1], env_.levels, "level");
        return make(K::boolean);
      case Fn::count_at_least: node(i).value = literal_arg(kids[0], env_.levels, "level"); return make(K::integer);
      case Fn::domain_count: node(i).value = literal_arg(kids[0], env_.domains, "domain"); return make(K::integer);
      case Fn::rule: node(i).value = rule_arg(kids[0]); return make(K::boolean);
      case Fn::tagged: node(i).value = literal_arg(kids[0], env_.tags, "tag"); return make(K::boolean);
      case Fn::tag_count: node(i).value = literal_arg(kids[0], env_.tags, "tag"); return make(K::integer);
    }
    return make(K::error);
  }

  // rule("id"): a rule's result is known only once it has run, so a rule may name only the rules
  // above it (routing, which runs after every rule, may name any).
  std::int64_t rule_arg(std::uint32_t i) {
    std::int64_t r = literal_arg(i, env_.rules, "rule");
    if (r >= 0 && static_cast<std::size_t>(r) >= env_.rules_above) {
      bool self = static_cast<std::size_t>(r) == env_.rules_above;
      error("FD211", node(i).pos,
            "rule '" + node(i).text + "' " + (self ? "is this rule" : "comes after this one") +
                ": a rule may name only the rules above it, whose results are known when it runs");
      return -1;
    }
    return r;
  }

  Type list(std::uint32_t i) {
    Type elem = make(K::error);
    bool first = true;
    std::vector<std::uint32_t> kids = node(i).kids;
    for (auto k : kids) {
      Type t = check(k);
      if (t.k == K::list) error("FD204", node(k).pos, "lists of lists are not supported");
      if (first)
        elem = t, first = false;
      else if (elem.k != K::error && t.k != K::error && !(t == elem)) {
        error("FD204", node(k).pos, "a list's items must all have one type: " + type_name(elem, env_) + " and " + type_name(t, env_));
        elem = make(K::error);
      }
    }
    Type t = make(K::list);
    t.elem = kids.empty() ? K::error : elem.k;
    t.elem_field = elem.field;
    return t;
  }

  // As in CEL, bools are ordered too: false < true.
  static bool orderable(K k) { return k == K::integer || k == K::string || k == K::level || k == K::boolean; }

  bool is_literal_like(std::uint32_t i) {
    const ExprNode& n = node(i);
    if (n.kind == NodeKind::str_lit) return true;
    if (n.kind == NodeKind::list) return std::all_of(n.kids.begin(), n.kids.end(), [&](auto k) { return is_literal_like(k); });
    if (n.kind == NodeKind::cond) return is_literal_like(n.kids[1]) && is_literal_like(n.kids[2]);
    return false;
  }

  // Resolve string literals (in lists and conditionals too) against an enum or level type.
  bool coerce(std::uint32_t i, const Type& target) {
    ExprNode& n = node(i);
    if (target.k != K::enumeration && target.k != K::level) return false;
    if (n.kind == NodeKind::str_lit) {
      const auto& ids = target.k == K::level ? env_.levels : env_.enum_values[target.field];
      auto it = std::find(ids.begin(), ids.end(), n.text);
      if (it == ids.end()) {
        std::string what = target.k == K::level ? "level" : "value of " + env_.enum_names[target.field];
        error(target.k == K::level ? "FD206" : "FD207", n.pos, "'" + n.text + "' is not a " + what + unknown_id_hint(n.text, views(ids)));
      } else {
        n.value = it - ids.begin();
        n.coerced = true;
      }
      n.type = target;
      return true;
    }
    if (n.kind == NodeKind::list) {
      for (auto k : n.kids) coerce(k, target);
      n.type = make(K::list);
      n.type.elem = target.k;
      n.type.elem_field = target.field;
      return true;
    }
    if (n.kind == NodeKind::cond) {
      coerce(n.kids[1], target);
      coerce(n.kids[2], target);
      n.type = node(n.kids[1]).type;
      return true;
    }
    return false;
  }

  Type elem_type(const Type& list) {
    Type t = make(list.elem);
    t.field = list.elem_field;
    return t;
  }

  Type binary(std::uint32_t i) {
    BinOp op = node(i).op;
    std::uint32_t pos = node(i).pos;
    std::uint32_t l = node(i).kids[0], r = node(i).kids[1];
    Type a = check(l), b = check(r);
    if (a.k == K::error || b.k == K::error) {
      return op == BinOp::add || op == BinOp::sub || op == BinOp::mul ? make(K::integer) : make(K::boolean);
    }
    switch (op) {
      case BinOp::land:
      case BinOp::lor:
        if (a.k != K::boolean)
          error("FD204", node(l).pos,
                std::string(op == BinOp::land ? "'&&'" : "'||'") + " needs true or false on its left, not " + type_name(a, env_));
        if (b.k != K::boolean)
          error("FD204", node(r).pos,
                std::string(op == BinOp::land ? "'&&'" : "'||'") + " needs true or false on its right, not " + type_name(b, env_));
        return make(K::boolean);
      case BinOp::add:
      case BinOp::sub:
      case BinOp::mul:
        if (a.k != K::integer || b.k != K::integer)
          error("FD204", pos, "'+', '-' and '*' work on numbers only, not " + type_name(a, env_) + " and " + type_name(b, env_));
        return make(K::integer);
      case BinOp::in: {
        if (b.k != K::list) {
          error("FD204", pos, "'in' needs a list on its right, such as [\"6\", \"7\"], not " + type_name(b, env_));
          return make(K::boolean);
        }
        if (a.k == K::enumeration || a.k == K::level) {
          if (b.elem == K::string && is_literal_like(r))
            coerce(r, a);
          else if (!(elem_type(node(r).type) == a) && b.elem != K::error)
            error("FD204", pos, "'in' compares " + type_name(a, env_) + " with a list of " + type_name(elem_type(b), env_));
        } else if (b.elem != K::error && a.k != b.elem) {
          error("FD204", pos, "'in' compares " + type_name(a, env_) + " with a list of " + type_name(elem_type(b), env_));
        }
        return make(K::boolean);
      }
      default: break;
    }
    // Comparisons. A string literal beside an enum or level becomes its index.
    if ((a.k == K::enumeration || a.k == K::level) && (b.k == K::string || (b.k == K::list && b.elem == K::string)) && is_literal_like(r))
      coerce(r, a), b = node(r).type;
    else if ((b.k == K::enumeration || b.k == K::level) && (a.k == K::string || (a.k == K::list && a.elem == K::string)) &&
             is_literal_like(l))
      coerce(l, b), a = node(l).type;
    bool ordering = op == BinOp::lt || op == BinOp::le || op == BinOp::gt || op == BinOp::ge;
    bool empty_list = a.k == K::list && b.k == K::list && (a.elem == K::error || b.elem == K::error);  // [] == [x]
    if (!(a == b) && !empty_list) {
      std::string hint;
      if ((a.k == K::enumeration && b.k == K::string) || (b.k == K::enumeration && a.k == K::string))
        hint = " (compare an enum with a literal value, such as \"6\")";
      error("FD204", pos, "cannot compare " + type_name(a, env_) + " with " + type_name(b, env_) + hint);
      return make(K::boolean);
    }
    if (ordering && !orderable(a.k)) {
      std::string why = a.k == K::enumeration ? "; enum values have no order: use == or in" : "";
      error("FD204", pos, "'<', '<=', '>' and '>=' do not apply to " + type_name(a, env_) + why);
    }
    if (ordering && a.k == K::list) error("FD204", pos, "lists can be compared only with == and !=");
    return make(K::boolean);
  }

  Expr& e_;
  const Environment& env_;
  std::vector<ExprError>& errs_;
};

}  // namespace

void check_expression(Expr& e, const Environment& env, std::vector<ExprError>& errs) { Checker(e, env, errs).run(); }

std::string type_name(const Type& t, const Environment& env) {
  switch (t.k) {
    case K::boolean: return "a bool";
    case K::integer: return "an int";
    case K::string: return "a string";
    case K::enumeration: return "the enum " + (t.field < env.enum_names.size() ? env.enum_names[t.field] : std::string("?"));
    case K::level: return "a level";
    case K::list: {
      Type e;
      e.k = t.elem;
      e.field = t.elem_field;
      return t.elem == K::error ? "an empty list" : "a list of items of type " + type_name(e, env);
    }
    case K::error: return "an invalid value";
  }
  return "?";
}

}  // namespace frontdoor::detail
