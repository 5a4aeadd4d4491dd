// Decision: what the engine says about one contact. The hot path fills the compact form below
// (indices into the RuleSet, no strings but the contact's id); RuleSet::view() turns it into words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontdoor/document.hpp"
#include "frontdoor/rejection.hpp"

namespace frontdoor {

// A rule or routing entry whose `when` was neither true nor false: a value it needs was missing,
// or its arithmetic overflowed. The decision says so, so that "not known" is never read as "not so".
struct UnknownCondition {
  enum class Where : std::uint8_t { rule, routing } where = Where::rule;
  enum class Why : std::uint8_t { missing, overflow } why = Why::missing;
  Index entry = kNoIndex;  // rule or routing index
  Index name = kNoIndex;   // the name slot that was missing (Why::missing)
};

// Where a decision's deadline comes from (SPEC 7.5): the outcome, a rule that held or the routing
// entry that applied, whichever gives the earliest; none when none of them has a decide_within.
struct DeadlineSource {
  enum class Kind : std::uint8_t { none, outcome, rule, routing } kind = Kind::none;
  Index index = kNoIndex;  // into outcomes, rules or routing
  bool operator==(const DeadlineSource&) const = default;
};

// What the front door recorded against what the document decided (SPEC 7.8). The recorded outcome
// and reason are kept whenever the contact gives them (audit records keep a reason given for an
// outcome that agrees); it is an override only when the recorded outcome differs from the decided.
// Direction compares categories (nfa < early_help < assessment < s47); across when they share one
// or either is open_case or other.
enum class OverrideDirection : std::uint8_t { none, up, down, across };
std::string_view to_string(OverrideDirection) noexcept;  // "none", "up", "down", "across"

struct RecordedOutcome {
  Index outcome = kNoIndex;                               // the outcome the front door gave; kNoIndex: not recorded
  Index reason = kNoIndex;                                // into override_reasons; kNoIndex: none given
  OverrideDirection direction = OverrideDirection::none;  // none: no override
  bool overrides() const noexcept { return direction != OverrideDirection::none; }
  bool operator==(const RecordedOutcome&) const = default;
};

struct Decision {
  std::string contact;                             // the contact's id
  std::string error;                               // empty when decided; else names the field or concern at fault
  RejectionCode error_code = RejectionCode::none;  // why, typed (none when decided)
  std::string error_field;                         // the field `error` names first
  Index base_level = kNoIndex;
  Index level = kNoIndex;
  Index outcome = kNoIndex;
  Index routing = kNoIndex;          // kNoIndex: the level's own route applied
  std::vector<Index> rules;          // rules that held, in order
  std::vector<Index> base_concerns;  // concerns whose descriptor set the base level
  std::vector<UnknownCondition> unknowns;
  std::int64_t received = 0;  // milliseconds since the Unix epoch, UTC
  std::int64_t deadline = 0;  // milliseconds since the Unix epoch, UTC; meaningful when deadline_from has one
  DeadlineSource deadline_from;
  RecordedOutcome recorded;  // what the front door recorded, and whether it overrides the decision

  bool ok() const noexcept { return error.empty(); }
  void reject(Rejection r) {
    error = std::move(r.message);
    error_code = r.code;
    error_field = std::move(r.field);
  }
  Rejection rejection() const { return {error_code, error_field, error}; }
  void clear() noexcept {  // keeps the buffers, for reuse
    contact.clear();
    error.clear();
    error_field.clear();
    error_code = RejectionCode::none;
    base_level = level = outcome = routing = kNoIndex;
    rules.clear();
    base_concerns.clear();
    unknowns.clear();
    received = deadline = 0;
    deadline_from = {};
    recorded = {};
  }
};

// Why a decision came out as it did, one reason at a time; the kinds are written by to_string.
enum class ReasonKind : std::uint8_t { concern, rule, routing, level, unknown };
std::string_view to_string(ReasonKind) noexcept;  // "concern", "rule", ...

struct Reason {
  ReasonKind kind = ReasonKind::level;
  std::string id;
  std::string text;
  SourcePosition at;  // where the document says it; to_string(at) is "path:line:col"
};

// One step of a traced evaluation: a rule or routing entry, what its `when` came to, and the values
// of the names and functions it read.
enum class StepKind : std::uint8_t { rule, routing };
enum class ConditionResult : std::uint8_t { is_true, is_false, unknown, overflow };
std::string_view to_string(StepKind) noexcept;         // "rule" | "routing"
std::string_view to_string(ConditionResult) noexcept;  // "true" | "false" | "unknown" | "overflow"

struct TraceStep {
  StepKind kind = StepKind::rule;
  std::string id;
  ConditionResult result = ConditionResult::unknown;
  std::string when;  // the expression
  SourcePosition at;
  std::vector<std::pair<std::string, std::string>> values;  // e.g. {"age_months", "3"}
  std::string level_before;
};

struct Explanation {
  Decision decision;
  std::vector<TraceStep> steps;
};

}  // namespace frontdoor
