#include "report/condition_words.hpp"

#include "expr/expression.hpp"

namespace frontdoor::detail {

// "domestic_abuse" -> "Domestic abuse": the model has ids, not names, for concerns and domains.
std::string humanise(std::string_view id) {
  std::string s(id);
  for (char& c : s)
    if (c == '_') c = ' ';
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

namespace {

using Words = std::optional<std::string>;

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && !(s.size() > 1 && s[1] >= 'A' && s[1] <= 'Z')) s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

class Speaker {
 public:
  Speaker(const Expr& e, const ThresholdDocument& doc) : e_(e), doc_(doc) {}

  Words say(std::uint32_t i, BinOp parent = BinOp::add) const {
    const ExprNode& n = e_.nodes[i];
    switch (n.kind) {
      case NodeKind::int_lit: return std::to_string(n.value);
      case NodeKind::bool_lit: return std::string(n.value ? "true" : "false");
      case NodeKind::str_lit: return "\u201c" + n.text + "\u201d";
      case NodeKind::name: return name(n.text);
      case NodeKind::call: return call(n);
      case NodeKind::op_not: return negate(n.kids[0]);
      case NodeKind::op_neg: return join("minus ", say(n.kids[0]), "");
      case NodeKind::list: return list(n);
      case NodeKind::cond: return conditional(n);
      case NodeKind::binary: return binary(n, parent);
    }
    return std::nullopt;
  }

 private:
  const Expr& e_;
  const ThresholdDocument& doc_;

  static Words join(const std::string& before, const Words& w, const std::string& after) {
    if (!w) return std::nullopt;
    return before + *w + after;
  }

  const Field* field(std::string_view id) const {
    for (auto& f : doc_.fields)
      if (f.id == id) return &f;
    return nullptr;
  }
  // "Level 3: Complex needs - child in need (s17)" -> "Level 3: Complex needs": in a sentence the
  // level's short name reads; the whole one is in the grid's heading.
  std::string level_name(std::string_view id) const {
    for (auto& l : doc_.levels) {
      if (l.id != id) continue;
      if (l.name.empty()) return humanise(l.id);
      return l.name.substr(0, l.name.find(" - "));
    }
    return humanise(id);
  }
  std::string concern_name(std::string_view id) const { return humanise(id); }

  Words name(std::string_view id) const {
    if (id == "level") return std::string("the level reached so far");
    if (id == "base_level") return std::string("the level the concerns set");
    if (id == "age_months") return std::string("the child's age in months");
    if (id == "age_years") return std::string("the child's age in years");
    if (id == "unborn") return std::string("the child is unborn");
    if (id == "source") return std::string("the source of the contact");
    if (id == "channel") return std::string("the way the contact came in");
    for (auto& k : doc_.counters)
      if (k.id == id) return "the count of " + lower_first(humanise(id));
    // A yes/no field's text is a statement ("The family agrees to early help"); any other field is
    // named by its id ("the open case is one of ...").
    if (const Field* f = field(id)) {
      if (f->type == FieldType::boolean && !f->text.empty()) return lower_first(f->text);
      return "the " + lower_first(humanise(id));
    }
    return std::nullopt;
  }

  // A string argument of a call: the literal itself, or nothing.
  const std::string* arg(const ExprNode& n, std::size_t k) const {
    if (k >= n.kids.size() || e_.nodes[n.kids[k]].kind != NodeKind::str_lit) return nullptr;
    return &e_.nodes[n.kids[k]].text;
  }

  Words call(const ExprNode& n) const {
    const std::string* a = arg(n, 0);
    const std::string* b = arg(n, 1);
    if (!a) return std::nullopt;
    if (n.text == "concern" && n.kids.size() == 1) return "the contact has " + concern_name(*a);
    if (n.text == "concern_at_least" && b) return "the contact has " + concern_name(*a) + " at " + level_name(*b) + " or above";
    if (n.text == "count_at_least" && n.kids.size() == 1) return "the number of concerns at " + level_name(*a) + " or above";
    if (n.text == "domain_count" && n.kids.size() == 1) return "the number of concerns in " + lower_first(humanise(*a));
    if (n.text == "tagged" && n.kids.size() == 1) return "the contact has a concern tagged \u201c" + *a + "\u201d";
    if (n.text == "tag_count" && n.kids.size() == 1) return "the number of concerns tagged \u201c" + *a + "\u201d";
    if (n.text == "rule" && n.kids.size() == 1) return "rule " + *a + " held";
    return std::nullopt;
  }

  Words negate(std::uint32_t k) const { return join("not (", say(k), ")"); }

  Words list(const ExprNode& n) const {
    std::string out;
    for (std::size_t k = 0; k < n.kids.size(); ++k) {
      Words w = say(n.kids[k]);
      if (!w) return std::nullopt;
      out += (k == 0 ? "" : k + 1 == n.kids.size() ? " or " : ", ") + *w;
    }
    return out;
  }

  Words conditional(const ExprNode& n) const {
    Words c = say(n.kids[0]), a = say(n.kids[1]), b = say(n.kids[2]);
    if (!c || !a || !b) return std::nullopt;
    return "if " + *c + ", then " + *a + ", otherwise " + *b;
  }

  static const char* op_words(BinOp op) {
    switch (op) {
      case BinOp::land: return " and ";
      case BinOp::lor: return " or ";
      case BinOp::eq: return " is ";
      case BinOp::ne: return " is not ";
      case BinOp::lt: return " is under ";
      case BinOp::le: return " is at most ";
      case BinOp::gt: return " is over ";
      case BinOp::ge: return " is at least ";
      case BinOp::in: return " is one of ";
      case BinOp::add: return " plus ";
      case BinOp::sub: return " minus ";
      case BinOp::mul: return " times ";
    }
    return nullptr;
  }

  bool is_level_name(std::uint32_t k) const {
    const ExprNode& n = e_.nodes[k];
    return n.kind == NodeKind::name && (n.text == "level" || n.text == "base_level");
  }

  // A side of a comparison: a string literal beside `level` is a level, said by its name.
  Words operand(std::uint32_t k, std::uint32_t other) const {
    const ExprNode& n = e_.nodes[k];
    if (n.kind == NodeKind::str_lit && is_level_name(other)) return level_name(n.text);
    return say(k, BinOp::eq);
  }

  // `unborn == false` reads as "not (the child is unborn)", not "the child is unborn is false".
  Words against_bool(const ExprNode& n) const {
    for (int side = 0; side < 2; ++side) {
      const ExprNode& lit = e_.nodes[n.kids[side]];
      if (lit.kind != NodeKind::bool_lit) continue;
      bool holds = (lit.value != 0) == (n.op == BinOp::eq);
      return holds ? say(n.kids[1 - side]) : negate(n.kids[1 - side]);
    }
    return std::nullopt;
  }

  Words binary(const ExprNode& n, BinOp parent) const {
    const auto op = n.op;
    if (op == BinOp::eq || op == BinOp::ne)
      if (Words w = against_bool(n)) return w;
    const char* word = op_words(op);
    if (!word) return std::nullopt;
    Words l, r;
    if (op == BinOp::land || op == BinOp::lor) {
      l = say(n.kids[0], op), r = say(n.kids[1], op);
    } else {
      l = operand(n.kids[0], n.kids[1]), r = operand(n.kids[1], n.kids[0]);
    }
    if (!l || !r) return std::nullopt;
    std::string out = *l + word + *r;
    // "a and (b or c)": brackets only where an and meets an or.
    bool mixed = (op == BinOp::land || op == BinOp::lor) && (parent == BinOp::land || parent == BinOp::lor) && parent != op;
    return mixed ? "(" + out + ")" : out;
  }
};

}  // namespace

std::optional<std::string> condition_words(std::string_view when, const ThresholdDocument& doc) {
  ExprError error;
  auto parsed = parse_expression(when, {4096, 64}, error);
  if (!parsed || parsed->nodes.empty()) return std::nullopt;
  return Speaker(*parsed, doc).say(parsed->root);
}

}  // namespace frontdoor::detail
