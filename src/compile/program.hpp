// Stage 3, compile: the flat program a RuleSet runs. Every condition is a range of instructions in
// one array; operands are indices (value slots, concerns, levels, constants), never names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "compile/row_plan.hpp"
#include "expr/expression.hpp"
#include "frontdoor/document.hpp"
#include "frontdoor/rule_set.hpp"
#include "time/calendar.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor::detail {

enum class Op : std::uint8_t {
  push_int,          // a: constant index
  push_name,         // a: value slot (may be unknown)
  push_counter,      // a: counter index
  push_level,        // a: 0 the level reached so far, 1 the base level (base_level)
  push_str,          // a: string-pool index
  concern,           // a: concern
  concern_at_least,  // a: concern, b: level
  count_at_least,    // a: level
  domain_count,      // a: domain
  tag_count,         // a: tag, b: 1 for tagged() (whether any), 0 for tag_count(): the concerns carrying it
  op_not,
  neg,
  add,
  sub,
  mul,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,  // on ints, bools, enum and level indices
  seq,
  sne,
  slt,
  sle,
  sgt,
  sge,  // on strings
  in_int,
  in_str,      // a: number of list items on the stack above the value
  strict_and,  // a: number of values; unknown if any is, else whether all are true (list ==)
  and_jump,    // a: target when the top is false (CEL: false && x is false)
  land,
  or_jump,  // a: target when the top is true
  lor,
  branch,  // a: else target, b: end target (an unknown condition ends the conditional)
  jump,    // a: target
  // Fused forms of the commonest shapes, one dispatch instead of three:
  cmp_const,  // a: operand (see pack_operand), b: constant index      e.g. age_months < 6
  in_const,   // a: operand, b: index of a count followed by the items  e.g. source in ["6", "7"]
};

// The value a fused instruction reads: a name slot, a history counter, the level so far, the base
// level, or whether a rule held (slot: the rule; rule("id") is `held != 0`, one bit test).
enum class Operand : std::uint8_t { name, counter, level, base_level, rule };
enum class Cmp : std::uint8_t { eq, ne, lt, le, gt, ge };
inline constexpr std::uint32_t pack_operand(Operand o, Cmp c, std::uint32_t slot) {
  return (static_cast<std::uint32_t>(o) << 28) | (static_cast<std::uint32_t>(c) << 24) | slot;
}
inline constexpr std::uint32_t rule_operand(std::uint32_t rule) { return pack_operand(Operand::rule, Cmp::ne, rule); }
inline constexpr Operand operand_of(std::uint32_t a) { return static_cast<Operand>(a >> 28); }
inline constexpr Cmp cmp_of(std::uint32_t a) { return static_cast<Cmp>((a >> 24) & 0xF); }
inline constexpr std::uint32_t slot_of(std::uint32_t a) { return a & 0xFFFFFF; }
inline constexpr bool compare(Cmp c, std::int64_t x, std::int64_t y) {
  switch (c) {
    case Cmp::eq: return x == y;
    case Cmp::ne: return x != y;
    case Cmp::lt: return x < y;
    case Cmp::le: return x <= y;
    case Cmp::gt: return x > y;
    case Cmp::ge: return x >= y;
  }
  return false;
}

struct Instr {
  Op op;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
};

// A test a condition cannot hold without: one of its top-level conjuncts, when that conjunct is a
// plain test of one value (`age_months < 6`, `unborn`, `!consent`, `open_case in ["cin", "cla"]`,
// `concern_at_least("x", "complex")`). When the value is known and the test fails, the condition is
// false whatever the rest gives (CEL: false && x is false, even for an unknown x), so the fast path
// settles most conditions with a few guards and never runs their instructions.
struct Guard {
  enum class Reads : std::uint8_t { name, counter, level, concern, count_at_least, domain_count } reads;
  std::uint32_t slot;   // value slot, counter, concern, level (count_at_least) or domain index
  std::int64_t lo, hi;  // passes when lo <= value <= hi, ...
  std::uint64_t set;    // ... or, when set is not 0, when value is in 0..63 and bit `value` is set
  bool passes(std::int64_t v) const noexcept {
    if (set) return v >= 0 && v < 64 && ((set >> v) & 1);
    return v >= lo && v <= hi;
  }
};

// The guards that do not read the level, settled once per decision before any rule runs, without
// a branch on any of them. A condition is false when any of its guards fails, so each guard that
// fails closes its conditions, and only the conditions left open are visited at all (see
// decide_core). The guards are grouped by the value they read (the operand): an operand's tests
// cut the number line into intervals, and each interval has one set of closed conditions, so a
// contact costs one look-up per operand however many tests read it.
struct Screen {
  // The operands, in the order they are read: name slots (a name the contact does not have closes
  // nothing), history counters, concern levels (0 absent, else level + 1), count_at_least levels
  // and domains.
  std::vector<std::uint32_t> names, counters, concerns, count_levels, domains;
  // How operand j's value finds its row of `closes` (a row is condition_words masks of the
  // conditions, rules then routing entries, that its failed tests close). Mostly a row per value
  // from lo to hi, the value clamped into that range, so the row is base + the clamped value;
  // where the tests' cuts (the values at which one of them changes) lie far apart, a row per
  // interval between cuts[cuts_begin .. cuts_end): the value's row is then base + the number of
  // cuts <= value. Row 0 closes nothing: it is the row of a name the contact does not have.
  struct Operand {
    std::int64_t lo = 0, hi = 0;
    std::uint64_t base = 0;  // unsigned: base + value wraps to the row, whatever the value's range
    std::uint32_t cuts_begin = 0, cuts_end = 0;
  };
  std::vector<Operand> operands;
  std::vector<std::int64_t> cuts;
  std::vector<std::uint64_t> closes;
  // Concern masks: a condition needs one of the mask's concerns (concern("x") || concern("y")
  // needs one of {x, y}). need_closes: row i + 1 holds the conditions mask i closes; row 0 none.
  std::vector<std::uint64_t> needs, need_closes;
  // The conditions that are nothing but their guards (Block::exact), as condition_words masks: one
  // the screen leaves open, whose level guards pass and whose names are all known, holds without
  // running its code. name_unsure: row j + 1 holds the exact conditions that read name operand j
  // (row 0 is empty: the row of a known name).
  std::vector<std::uint64_t> exact, name_unsure;
  std::uint32_t condition_words = 0;
};

struct Block {
  std::uint32_t begin = 0, end = 0;
  std::uint32_t guard_begin = 0, guard_end = 0;  // this condition's level guards (Program::guards)
  // Until the screen is built: this condition's concern masks. The condition is false (and known)
  // unless, for every mask, the contact has one of its concerns: concern("x") && concern("y") needs
  // {x} and {y}; concern("x") || concern("y") needs {x, y}.
  std::vector<std::uint64_t> needs;
  bool exact = false;  // every top-level conjunct is a guard: the guards decide the condition
};

inline constexpr std::size_t kMaxStack = 512;
inline constexpr std::size_t kMaxCounters = 64;
inline constexpr std::size_t kMaxConditions = 4096;  // rules, or routing entries (the loader allows 2000)

struct Program {
  ThresholdDocument doc;
  std::shared_ptr<const SourceText> source;
  std::string sha256;

  Environment env;                        // names the expressions were checked against
  std::vector<std::string> slot_names;    // value slot -> name
  std::vector<std::uint16_t> field_slot;  // doc.fields index -> value slot
  std::uint16_t slot_age_months = 0, slot_age_years = 0, slot_unborn = 0;

  std::vector<Instr> code;
  std::vector<std::int64_t> consts;
  std::vector<std::string> strings;
  std::vector<std::string> labels;  // per instruction: what a read instruction reads, for traces
  std::vector<Block> rule_when, routing_when;
  std::vector<Guard> guards;  // as emitted, every guard; once the screen is built, the level's only
  Screen screen;
  std::uint32_t max_stack = 0;

  // Some rule or routing entry has a decide_within: which deadline is earliest then depends on
  // `received` as well as on what decided the contact.
  bool deadlines_vary = false;
  // Per concern: bit d set when it sits in domain d; bit t set when it carries tag t. Built once
  // (compile/concern_table.cpp), so domain_count() and `sharing: domain` test bits, not names.
  std::vector<std::uint64_t> concern_domain_bit, concern_tag_bits;
  std::unique_ptr<WorkCalendar> calendar;

  std::unordered_map<std::string, std::uint16_t> field_by_name, concern_by_name, level_by_name, outcome_by_name;
  RowPlan rows;  // every name a contact row may carry (compile/row_plan.hpp)
};

// The concerns' names, domains and tags as the environment and the per-concern bit masks above.
void build_concern_table(Program&);

// Build environment, type-check and emit every condition. Diagnostics (FD2xx) are appended.
void compile_program(Program&, const CompileOptions&, std::vector<Diagnostic>&);

// compile/decision_names.cpp: the names SPEC 7.3 adds (base_level, and the rules rule("id") may
// name), before any condition is compiled; and the worked examples' deadline expectations (7.5).
void add_decision_names(Program&);
void check_deadline_expectations(const Program&, Diagnostics&);

std::string sha256_hex(std::string_view data);

}  // namespace frontdoor::detail
