// ThresholdDocument: the model of a threshold document after loading, with every reference resolved
// to an index and every element carrying the byte offset it came from. It is read-only to hosts:
// they get it from RuleSet::document() to show or analyse a document, never to decide with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "frontdoor/contact.hpp"
#include "frontdoor/diagnostic.hpp"

namespace frontdoor {

using Index = std::uint16_t;
inline constexpr Index kNoIndex = 0xFFFF;

// Outcome categories; nfa < early_help < assessment < s47 are ordered, the last two stand outside.
enum class Category : std::uint8_t { nfa, early_help, assessment, s47, open_case, other };
std::string_view to_string(Category) noexcept;

struct Span {
  std::int64_t amount = 0;
  // none: the outcome has no decide_within, so its decisions carry no deadline.
  enum class Unit : std::uint8_t { working_hours, working_days, hours, days, none } unit = Unit::none;
  bool given() const noexcept { return unit != Unit::none; }
};

// Outcomes named one by one and by category: an action's `only_with`, a history counter's
// `outcome` and `category`. Empty: no restriction.
struct OutcomeSet {
  std::vector<Index> outcomes;
  std::uint8_t categories = 0;  // bit c set: Category c
  bool empty() const noexcept { return outcomes.empty() && categories == 0; }
  bool contains(Index outcome, Category category) const noexcept {
    if ((categories >> static_cast<unsigned>(category)) & 1u) return true;
    for (Index o : outcomes)
      if (o == outcome) return true;
    return false;
  }
};
// "1 working day", "4 working hours"; empty for none.
std::string to_string(const Span&);

struct Level {
  std::string id;
  std::string name;
  Index route = kNoIndex;  // an outcome
  SourceOffset at = kNoOffset;
};

struct Outcome {
  std::string id;
  std::string name;
  Category category = Category::other;
  bool referral = false;
  Span decide_within;
  std::vector<Index> actions;
  SourceOffset at = kNoOffset;
};

// Why a worker may decide otherwise than the document (SPEC 7.8): a code and its words.
struct OverrideReason {
  std::string id;
  std::string text;
  SourceOffset at = kNoOffset;
};

struct Action {
  std::string id;
  std::string text;
  OutcomeSet only_with;  // kept only on decisions with one of these outcomes; empty: on any
  SourceOffset at = kNoOffset;
};

enum class FieldType : std::uint8_t { boolean, integer, string, enumeration };

struct Field {
  std::string id;
  FieldType type = FieldType::boolean;
  std::optional<std::int64_t> min, max;
  std::vector<std::string> values;  // enumeration values
  Scalar default_value;             // monostate: no default (absent means unknown)
  std::string text;
  bool built_in = false;
  SourceOffset at = kNoOffset;
};

struct Descriptor {
  Index level = kNoIndex;
  std::string text;                // the texts joined by "; ": what a reason quotes
  std::vector<std::string> texts;  // as the document lists them (one, or several for one level)
  SourceOffset at = kNoOffset;
};

struct Concern {
  std::string id;
  Index domain = kNoIndex;              // the first of `domains`
  std::vector<Index> domains;           // every domain it sits in (domain: [a, b], also_in), each once
  std::vector<Index> tags;              // into ThresholdDocument::tags
  std::vector<Descriptor> descriptors;  // in level order
  // From `indicators:` (level -> domain -> list): one descriptor. At the lowest level an indicator
  // describes a need that is met, so nothing need refer to it.
  bool indicator = false;
  SourceOffset at = kNoOffset;
};

struct Counter {
  std::string id;
  enum class Count : std::uint8_t { contacts, referrals } count = Count::contacts;
  std::int64_t within = 0;
  enum class Unit : std::uint8_t { days, weeks, months } unit = Unit::days;
  enum class Sharing : std::uint8_t { any, domain, concern } sharing = Sharing::any;
  // Filters on an item's outcome and level (SPEC 7.6); an item must pass every one given, and one
  // whose outcome (or level) is not known passes none that reads it.
  std::vector<Index> outcomes;      // `outcome:`; empty: any
  std::uint8_t categories = 0;      // `category:`, bit c set: Category c; 0: any
  Index level_at_least = kNoIndex;  // `level_at_least:`; kNoIndex: any
  bool filters_outcome() const noexcept { return !outcomes.empty() || categories != 0; }
  SourceOffset at = kNoOffset;
};

struct Condition {
  std::string text;             // the CEL expression as written
  SourceOffset at = kNoOffset;  // where the expression starts
  bool exact_columns = false;   // true when text offsets map 1:1 onto the file
};

struct Rule {
  std::string id;
  Condition when;
  Index raise_to = kNoIndex;
  std::vector<Index> actions;
  std::vector<Index> flags;  // into ThresholdDocument::flags
  std::string because;
  Span decide_within;  // none: the rule sets no deadline
  SourceOffset at = kNoOffset;
};

struct Routing {
  std::string id;
  Condition when;
  Index outcome = kNoIndex;
  bool lowers = false;
  std::string because;
  Span decide_within;  // none: the entry sets no deadline
  SourceOffset at = kNoOffset;
};

struct Expectation {
  std::optional<std::string> level, outcome, category, deadline, error;
  bool has_deadline_null = false;  // `deadline: null`: expects no deadline
  bool has_deadline_from = false;
  std::optional<std::string> deadline_from;  // has_deadline_from && !deadline_from: expects null
  std::optional<std::vector<std::string>> actions, actions_include, flags, rules;
  bool has_routing = false;
  std::optional<std::string> routing;  // has_routing && !routing: expects null
};

struct WorkedExample {
  std::string name;
  ContactRecord contact;
  std::vector<HistoryRecord> history;
  Expectation expect;
  SourceOffset at = kNoOffset;
};

struct Calendar {
  std::string preset;  // england-and-wales, scotland, northern-ireland, or empty
  std::string timezone = "UTC";
  std::int32_t day_start = 9 * 60;  // minutes after local midnight
  std::int32_t day_end = 17 * 60;
  std::vector<std::int32_t> holidays;  // local dates, days since 1970-01-01, sorted
};

struct ThresholdDocument {
  int format = 1;
  std::string id, title, version, effective_from;
  std::vector<Level> levels;
  std::vector<Outcome> outcomes;
  std::vector<Action> actions;
  std::vector<Index> always;
  Calendar calendar;
  std::vector<Field> fields;  // built-ins first, then the document's own
  std::vector<std::string> domains;
  std::vector<std::string> tags;  // every tag a concern or indicator carries, first-seen order
  std::vector<Concern> concerns;  // `concerns:` in order, then `indicators:` in order
  std::vector<Counter> counters;
  std::vector<std::string> flags;
  std::vector<Rule> rules;
  std::vector<Routing> routing;
  std::vector<OverrideReason> override_reasons;
  std::vector<WorkedExample> tests;
};

}  // namespace frontdoor
