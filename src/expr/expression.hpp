// Stage 2, expressions: the CEL subset of SPEC 2.3. Parse text into a flat node array, then type-check
// it against the document's names, resolving every literal that names a level, enum value, concern
// or domain to its index, so evaluation never compares strings it could have compared at load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace frontdoor::detail {

enum class NodeKind : std::uint8_t { int_lit, str_lit, bool_lit, list, name, call, op_not, op_neg, binary, cond };
enum class BinOp : std::uint8_t { land, lor, eq, ne, lt, le, gt, ge, in, add, sub, mul };
enum class Fn : std::uint8_t { concern, concern_at_least, count_at_least, domain_count, rule, tagged, tag_count };

struct Type {
  enum class K : std::uint8_t { boolean, integer, string, enumeration, level, list, error } k = K::error;
  std::uint16_t field = 0;       // enumeration: which field
  K elem = K::error;             // list: element kind
  std::uint16_t elem_field = 0;  // list of enumeration: which field
  bool operator==(const Type&) const = default;
};

struct ExprNode {
  NodeKind kind{};
  BinOp op{};
  Fn fn{};
  std::uint32_t pos = 0;    // byte offset in the expression text
  std::int64_t value = 0;   // int/bool literal; resolved index for names, coerced literals, calls
  std::int64_t value2 = 0;  // second resolved argument (concern_at_least's level)
  std::string text;         // string literal value or name
  std::vector<std::uint32_t> kids;
  Type type;
  bool coerced = false;  // a string literal resolved to a level or enum value index in `value`
};

struct Expr {
  std::vector<ExprNode> nodes;
  std::uint32_t root = 0;
};

struct ExprError {
  std::string code;  // FD2xx
  std::uint32_t pos = 0;
  std::string message;
};

struct ExprLimits {
  std::size_t max_bytes;
  std::uint32_t max_depth;
};

std::optional<Expr> parse_expression(std::string_view text, const ExprLimits&, ExprError&);

// What an expression can name.
struct NameInfo {
  std::string name;
  Type type;
  std::uint16_t slot;  // values[] slot for fields/ages, counter index for counters
  bool counter = false;
  bool level = false;  // `level`, or with base, `base_level`
  bool base = false;
};

struct Environment {
  std::vector<NameInfo> names;
  std::vector<std::string> levels, concerns, domains, tags;
  std::vector<std::string> rules;                     // rule ids, for rule("id")
  std::size_t rules_above = SIZE_MAX;                 // rule("id") may name the first rules_above rules: those above the one checked
  std::vector<std::vector<std::string>> enum_values;  // per field index
  std::vector<std::string> enum_names;                // per field index: the field's id
};

// Type-check and resolve in place; all problems are appended (one run reports them all).
void check_expression(Expr&, const Environment&, std::vector<ExprError>&);

std::string type_name(const Type&, const Environment&);

}  // namespace frontdoor::detail
