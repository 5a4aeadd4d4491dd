// Contacts as hosts hand them in (ContactRecord: names and plain values, as read from JSON, CSV,
// YAML or Python), and as the engine decides them (Contact: resolved against one RuleSet, no strings
// on the hot path). RuleSet::resolve turns the first into the second, or says what is wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "frontdoor/rejection.hpp"

namespace frontdoor {

// A plain input value. monostate is "absent" (null, NaN, an empty CSV cell): an unknown value.
using Scalar = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

// The built-in name a contact carries the outcome its front door recorded under (for the consistency
// audit): carried with the contact, never decided on.
inline constexpr std::string_view kRecordedOutcome = "recorded_outcome";
// Why the recorded outcome differs from the document's (SPEC 7.8): a code of override_reasons.
inline constexpr std::string_view kOverrideReason = "override_reason";

// Which outcome a child's earlier row counts with in a batch's later rows (SPEC 7.8): the one this
// run decided (a faithful what-if), or the one the front door recorded where the row has one (what
// really happened; this run's where it has none). A rejected row never counts.
enum class HistoryFrom : std::uint8_t { decided, recorded };

struct NamedValue {
  std::string name;
  Scalar value;
};

struct ConcernEntry {
  std::string concern;  // a concern id of the document
  std::string level;    // a level id the concern has a descriptor for
};

// One earlier contact of the same child (SPEC 2.2).
struct HistoryRecord {
  std::string received;  // ISO 8601 timestamp with offset or Z
  std::vector<ConcernEntry> concerns;
  std::optional<std::string> outcome;  // an outcome id of the document
  std::optional<bool> referral;        // used when the outcome is not known
  std::optional<std::string> level;    // a level id of the document: the level the contact reached
};

struct ContactRecord {
  // Built-ins (id, child, received, dob, unborn, source, channel) and the document's own fields.
  std::vector<NamedValue> fields;
  std::vector<ConcernEntry> concerns;
  // The row's own history; when absent, the caller's (or, in a batch, the earlier rows of the child).
  std::optional<std::vector<HistoryRecord>> history;
  // Set by a reader that could not make sense of the row at all (bad JSON, wrong column count).
  // The row still gets a decision, with this as its error: no row is ever dropped.
  std::string problem;
  RejectionCode problem_code = RejectionCode::unreadable;  // what kind of problem, when there is one
  std::string problem_field;                               // the field at fault, when one is

  void set_problem(Rejection r) {
    problem = std::move(r.message);
    problem_code = r.code;
    problem_field = std::move(r.field);
  }
  Rejection problem_rejection() const { return {problem_code, problem_field, problem}; }

  const Scalar* find(std::string_view name) const noexcept {
    for (const auto& f : fields)
      if (f.name == name) return &f.value;
    return nullptr;
  }
  void set(std::string name, Scalar value) { fields.push_back({std::move(name), std::move(value)}); }
};

// A contact resolved against one RuleSet. Buffers are reused when the same object is resolved again.
struct Contact {
  std::string id;
  std::string child;
  std::int64_t received = 0;                 // milliseconds since the Unix epoch, UTC
  std::vector<std::int64_t> values;          // one per name slot of the RuleSet
  std::vector<std::uint8_t> known;           // one per name slot: 1 when the value is known
  std::vector<std::uint8_t> concern_levels;  // one per concern: 0 absent, else level index + 1
  std::vector<std::uint16_t> concerns;       // the concerns present, in document order
  std::uint64_t domains = 0;                 // bit d set: a concern in domain d is present
  std::uint64_t concern_bits = 0;            // bit k set: concern k (of the first 64) is present
  std::vector<std::string> strings;          // the values of string fields; values[slot] indexes here
  // What the front door recorded (SPEC 7.8), never decided on: an outcome index and an
  // override_reasons index, 0xFFFF when not given.
  std::uint16_t recorded_outcome = 0xFFFF;
  std::uint16_t override_reason = 0xFFFF;
};

// An earlier contact resolved against one RuleSet.
struct PastContact {
  std::int64_t received = 0;  // milliseconds since the Unix epoch, UTC
  std::vector<std::uint16_t> concerns;
  std::uint64_t domains = 0;
  bool referral = false;
  // The outcome and level it got, when known (0xFFFF: not known), for counters that filter on them.
  std::uint16_t outcome = 0xFFFF;
  std::uint16_t level = 0xFFFF;
};

}  // namespace frontdoor
