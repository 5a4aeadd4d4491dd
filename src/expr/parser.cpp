// A recursive-descent parser for the CEL subset, with CEL's precedence:
//   ?:  <  ||  <  &&  <  == != < <= > >= in  <  + -  <  *  <  ! - (unary)  <  primary
#include <charconv>

#include "expr/expression.hpp"

namespace frontdoor::detail {
namespace {

enum class Tok : std::uint8_t { end, integer, string, ident, op, error };

struct Token {
  Tok kind = Tok::end;
  std::uint32_t pos = 0;
  std::string text;  // operator spelling, identifier, or decoded string
  std::int64_t value = 0;
};

class Parser {
 public:
  Parser(std::string_view s, const ExprLimits& lim, ExprError& err) : s_(s), lim_(lim), err_(err) {}

  std::optional<Expr> run() {
    if (s_.size() > lim_.max_bytes)
      return fail("FD208", 0,
                  "the expression is " + std::to_string(s_.size()) + " bytes, over the limit of " + std::to_string(lim_.max_bytes));
    next();
    auto root = expr(0);
    if (!root) return std::nullopt;
    if (tok_.kind != Tok::end) return fail("FD201", tok_.pos, "unexpected '" + tok_.text + "' after the end of the expression");
    out_.root = *root;
    return std::move(out_);
  }

 private:
  std::nullopt_t fail(std::string code, std::uint32_t pos, std::string msg) {
    if (err_.code.empty()) err_ = {std::move(code), pos, std::move(msg)};
    return std::nullopt;
  }

  void next() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    tok_ = Token{};
    tok_.pos = static_cast<std::uint32_t>(i_);
    if (i_ >= s_.size()) return;
    char c = s_[i_];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t b = i_;
      while (i_ < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i_]))) ++i_;
      tok_.text = std::string(s_.substr(b, i_ - b));
      auto [p, ec] = std::from_chars(s_.data() + b, s_.data() + i_, tok_.value);
      tok_.kind = Tok::integer;
      if (ec == std::errc::result_out_of_range)
        tok_.kind = Tok::error, tok_.text = "integer literal " + tok_.text + " does not fit in 64 bits";
      else if (ec != std::errc() || p != s_.data() + i_)
        tok_.kind = Tok::error, tok_.text = "malformed number '" + tok_.text + "'";
      return;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t b = i_;
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) ++i_;
      tok_.kind = Tok::ident;
      tok_.text = std::string(s_.substr(b, i_ - b));
      return;
    }
    if (c == '"' || c == '\'') return string(c);
    static constexpr std::string_view two[] = {"&&", "||", "==", "!=", "<=", ">="};
    for (auto t : two)
      if (s_.substr(i_, 2) == t) {
        tok_.kind = Tok::op, tok_.text = std::string(t), i_ += 2;
        return;
      }
    if (std::string_view("!<>+-*?:()[],").find(c) != std::string_view::npos) {
      tok_.kind = Tok::op, tok_.text = std::string(1, c), ++i_;
      return;
    }
    tok_.kind = Tok::error;
    if (c == '/' || c == '%')
      tok_.text = "'" + std::string(1, c) + "' is not part of frontdoor's expression language (only + - * on ints)";
    else if (c == '=')
      tok_.text = "'=' is not an operator; compare with '=='";
    else if (c == '&' || c == '|')
      tok_.text = "use '" + std::string(2, c) + "' for logical " + (c == '&' ? "and" : "or");
    else if (c == '.')
      tok_.text = "'.' (member access) is not part of frontdoor's expression language";
    else
      tok_.text = "unexpected character '" + std::string(1, c) + "'";
  }

  void string(char quote) {
    ++i_;
    std::string v;
    while (i_ < s_.size() && s_[i_] != quote) {
      char c = s_[i_++];
      if (c == '\n') break;
      if (c != '\\') {
        v += c;
        continue;
      }
      if (i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case 'n': v += '\n'; break;
        case 't': v += '\t'; break;
        case 'r': v += '\r'; break;
        case '\\':
        case '"':
        case '\'': v += e; break;
        default: tok_.kind = Tok::error, tok_.text = std::string("unknown escape '\\") + e + "' in a string"; return;
      }
    }
    if (i_ >= s_.size() || s_[i_] != quote) {
      tok_.kind = Tok::error, tok_.text = "this string is never closed";
      return;
    }
    ++i_;
    tok_.kind = Tok::string;
    tok_.text = std::move(v);
  }

  bool is(std::string_view op) const { return tok_.kind == Tok::op && tok_.text == op; }
  bool is_in() const { return tok_.kind == Tok::ident && tok_.text == "in"; }

  std::uint32_t add(ExprNode n) {
    out_.nodes.push_back(std::move(n));
    return static_cast<std::uint32_t>(out_.nodes.size() - 1);
  }
  std::uint32_t binary(BinOp op, std::uint32_t pos, std::uint32_t l, std::uint32_t r) {
    ExprNode n;
    n.kind = NodeKind::binary, n.op = op, n.pos = pos, n.kids = {l, r};
    return add(std::move(n));
  }

  // `depth` counts the constructs that enclose a sub-expression: parentheses, list brackets, a call's
  // arguments, unary operators and the branches of a conditional. Precedence levels do not count, so
  // the limit means what it says to a person ("64 levels of nesting"); the C++ stack used is at most
  // about 8 frames per level.
  bool deeper(std::uint32_t depth) {
    if (depth <= lim_.max_depth) return true;
    fail("FD208", tok_.pos, "the expression nests deeper than the limit of " + std::to_string(lim_.max_depth));
    return false;
  }

  std::optional<std::uint32_t> expr(std::uint32_t depth) {
    if (!deeper(depth)) return std::nullopt;
    auto c = logical(depth, true);
    if (!c || !is("?")) return c;
    std::uint32_t pos = tok_.pos;
    next();
    auto a = logical(depth + 1, true);
    if (!a) return std::nullopt;
    if (!is(":")) return fail("FD201", tok_.pos, "expected ':' in a conditional 'c ? a : b'");
    next();
    auto b = expr(depth + 1);
    if (!b) return std::nullopt;
    ExprNode n;
    n.kind = NodeKind::cond, n.pos = pos, n.kids = {*c, *a, *b};
    return add(std::move(n));
  }

  // || (or=true) and && (or=false)
  std::optional<std::uint32_t> logical(std::uint32_t depth, bool is_or) {
    auto l = is_or ? logical(depth, false) : relation(depth);
    while (l && is(is_or ? "||" : "&&")) {
      std::uint32_t pos = tok_.pos;
      next();
      auto r = is_or ? logical(depth, false) : relation(depth);
      if (!r) return std::nullopt;
      l = binary(is_or ? BinOp::lor : BinOp::land, pos, *l, *r);
    }
    return l;
  }

  std::optional<std::uint32_t> relation(std::uint32_t depth) {
    auto l = additive(depth);
    while (l) {
      BinOp op;
      if (is("=="))
        op = BinOp::eq;
      else if (is("!="))
        op = BinOp::ne;
      else if (is("<"))
        op = BinOp::lt;
      else if (is("<="))
        op = BinOp::le;
      else if (is(">"))
        op = BinOp::gt;
      else if (is(">="))
        op = BinOp::ge;
      else if (is_in())
        op = BinOp::in;
      else
        break;
      std::uint32_t pos = tok_.pos;
      next();
      auto r = additive(depth);
      if (!r) return std::nullopt;
      l = binary(op, pos, *l, *r);
    }
    return l;
  }

  std::optional<std::uint32_t> additive(std::uint32_t depth) {
    auto l = multiplicative(depth);
    while (l && (is("+") || is("-"))) {
      BinOp op = is("+") ? BinOp::add : BinOp::sub;
      std::uint32_t pos = tok_.pos;
      next();
      auto r = multiplicative(depth);
      if (!r) return std::nullopt;
      l = binary(op, pos, *l, *r);
    }
    return l;
  }

  std::optional<std::uint32_t> multiplicative(std::uint32_t depth) {
    auto l = unary(depth);
    while (l && is("*")) {
      std::uint32_t pos = tok_.pos;
      next();
      auto r = unary(depth);
      if (!r) return std::nullopt;
      l = binary(BinOp::mul, pos, *l, *r);
    }
    return l;
  }

  std::optional<std::uint32_t> unary(std::uint32_t depth) {
    if (!deeper(depth)) return std::nullopt;
    if (is("!") || is("-")) {
      ExprNode n;
      n.kind = is("!") ? NodeKind::op_not : NodeKind::op_neg;
      n.pos = tok_.pos;
      next();
      // CEL folds a minus straight before an int literal into the literal, so -9223372036854775808 works.
      if (n.kind == NodeKind::op_neg && tok_.kind == Tok::integer) {
        ExprNode lit;
        lit.kind = NodeKind::int_lit, lit.pos = n.pos, lit.value = -tok_.value;
        next();
        return add(std::move(lit));
      }
      if (n.kind == NodeKind::op_neg && tok_.kind == Tok::error && tok_.text.rfind("integer literal 9223372036854775808 ", 0) == 0) {
        ExprNode lit;
        lit.kind = NodeKind::int_lit, lit.pos = n.pos, lit.value = INT64_MIN;
        next();
        return add(std::move(lit));
      }
      auto k = unary(depth + 1);
      if (!k) return std::nullopt;
      n.kids = {*k};
      return add(std::move(n));
    }
    return primary(depth);
  }

  std::optional<std::uint32_t> primary(std::uint32_t depth) {
    if (!deeper(depth)) return std::nullopt;
    ExprNode n;
    n.pos = tok_.pos;
    switch (tok_.kind) {
      case Tok::end: return fail("FD201", tok_.pos, "the expression ends too soon");
      case Tok::error: return fail(tok_.text.rfind("integer literal", 0) == 0 ? "FD210" : "FD201", tok_.pos, tok_.text);
      case Tok::integer:
        n.kind = NodeKind::int_lit, n.value = tok_.value;
        next();
        return add(std::move(n));
      case Tok::string:
        n.kind = NodeKind::str_lit, n.text = tok_.text;
        next();
        return add(std::move(n));
      case Tok::ident: {
        n.text = tok_.text;
        next();
        if (n.text == "true" || n.text == "false") {
          n.kind = NodeKind::bool_lit, n.value = n.text == "true";
          return add(std::move(n));
        }
        if (n.text == "in") return fail("FD201", n.pos, "'in' needs a value on its left");
        if (n.text == "null")
          return fail("FD201", n.pos, "null is not part of frontdoor's expression language; a missing value is unknown");
        if (!is("(")) {
          n.kind = NodeKind::name;
          return add(std::move(n));
        }
        n.kind = NodeKind::call;
        next();
        if (!list_items(")", n.kids, depth)) return std::nullopt;
        return add(std::move(n));
      }
      case Tok::op:
        if (is("(")) {
          next();
          auto e = expr(depth + 1);
          if (!e) return std::nullopt;
          if (!is(")")) return fail("FD201", tok_.pos, "expected ')'");
          next();
          return e;
        }
        if (is("[")) {
          n.kind = NodeKind::list;
          next();
          if (!list_items("]", n.kids, depth)) return std::nullopt;
          return add(std::move(n));
        }
        return fail("FD201", tok_.pos, "unexpected '" + tok_.text + "'");
    }
    return std::nullopt;
  }

  bool list_items(std::string_view close, std::vector<std::uint32_t>& kids, std::uint32_t depth) {
    while (!is(close)) {
      auto e = expr(depth + 1);
      if (!e) return false;
      kids.push_back(*e);
      if (kids.size() > 256) return fail("FD208", tok_.pos, "a list or call has more than 256 items"), false;
      if (is(",")) {
        next();
        continue;
      }
      if (!is(close)) return fail("FD201", tok_.pos, "expected ',' or '" + std::string(close) + "'"), false;
    }
    next();
    return true;
  }

  std::string_view s_;
  const ExprLimits& lim_;
  ExprError& err_;
  std::size_t i_ = 0;
  Token tok_;
  Expr out_;
};

}  // namespace

std::optional<Expr> parse_expression(std::string_view text, const ExprLimits& lim, ExprError& err) { return Parser(text, lim, err).run(); }

}  // namespace frontdoor::detail
