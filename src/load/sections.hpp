// The keys each part of a threshold document may have, in one table: the loader checks documents
// against it, and a unit test holds schema/frontdoor.schema.json to it, so the two cannot drift.
#pragma once

#include <span>
#include <string_view>

namespace frontdoor::detail {

struct Section {
  std::string_view name;  // as schema/frontdoor.schema.json names it in "definitions" ("document": the top level)
  std::string_view what;  // as messages name it
  std::span<const std::string_view> allowed, required;
};

inline constexpr std::string_view kDocumentAllowed[] = {
    "frontdoor", "id",     "title",    "version",    "effective_from", "levels", "outcomes", "actions", "always",
    "calendar",  "fields", "concerns", "indicators", "history",        "rules",  "routing",  "tests",   "override_reasons"};
inline constexpr std::string_view kDocumentRequired[] = {"frontdoor", "id", "levels", "outcomes"};
inline constexpr Section kDocument{"document", "", kDocumentAllowed, kDocumentRequired};

inline constexpr std::string_view kLevelAllowed[] = {"id", "name", "route"};
inline constexpr std::string_view kLevelRequired[] = {"id", "route"};
inline constexpr Section kLevel{"level", "a level", kLevelAllowed, kLevelRequired};

inline constexpr std::string_view kOutcomeAllowed[] = {"name", "category", "referral", "decide_within", "actions"};
inline constexpr std::string_view kOutcomeRequired[] = {"category"};
inline constexpr Section kOutcome{"outcome", "an outcome", kOutcomeAllowed, kOutcomeRequired};

inline constexpr std::string_view kFieldAllowed[] = {"type", "default", "text", "min", "max", "values"};
inline constexpr std::string_view kFieldRequired[] = {"type"};
inline constexpr Section kField{"field", "a field", kFieldAllowed, kFieldRequired};

inline constexpr std::string_view kCalendarAllowed[] = {"preset", "timezone", "working_hours", "holidays"};
inline constexpr Section kCalendar{"calendar", "calendar", kCalendarAllowed, {}};

inline constexpr std::string_view kConcernAllowed[] = {"domain", "also_in", "levels", "name", "tags"};
inline constexpr std::string_view kConcernRequired[] = {"domain", "levels"};
inline constexpr Section kConcern{"concern", "a concern", kConcernAllowed, kConcernRequired};

// An indicator in mapping form; the short form is `id: text`.
inline constexpr std::string_view kIndicatorAllowed[] = {"id", "text", "tags", "also_in"};
inline constexpr std::string_view kIndicatorRequired[] = {"id", "text"};
inline constexpr Section kIndicator{"indicator", "an indicator", kIndicatorAllowed, kIndicatorRequired};

inline constexpr std::string_view kCounterAllowed[] = {"count", "within", "sharing", "outcome", "category", "level_at_least"};
inline constexpr std::string_view kCounterRequired[] = {"count", "within"};
inline constexpr Section kCounter{"counter", "a history counter", kCounterAllowed, kCounterRequired};

inline constexpr std::string_view kRuleAllowed[] = {"id", "when", "raise_to", "actions", "flags", "because", "decide_within"};
inline constexpr std::string_view kRuleRequired[] = {"id", "when"};
inline constexpr Section kRule{"rule", "a rule", kRuleAllowed, kRuleRequired};

inline constexpr std::string_view kRoutingAllowed[] = {"id", "when", "outcome", "lowers", "because", "decide_within"};
inline constexpr std::string_view kRoutingRequired[] = {"id", "when", "outcome"};
inline constexpr Section kRouting{"routing", "a routing entry", kRoutingAllowed, kRoutingRequired};

inline constexpr std::string_view kHistoryItemAllowed[] = {"received", "concerns", "outcome", "referral", "level"};
inline constexpr std::string_view kHistoryItemRequired[] = {"received"};
inline constexpr Section kHistoryItem{"history_item", "a history item", kHistoryItemAllowed, kHistoryItemRequired};

inline constexpr std::string_view kTestAllowed[] = {"name", "contact", "history", "expect"};
inline constexpr std::string_view kTestRequired[] = {"name", "contact", "expect"};
inline constexpr Section kTest{"test", "a test", kTestAllowed, kTestRequired};

inline constexpr std::string_view kExpectAllowed[] = {
    "level", "outcome", "category", "actions", "actions_include", "flags", "rules", "routing", "deadline", "deadline_from", "error"};
inline constexpr Section kExpect{"expect", "expect", kExpectAllowed, {}};
// An action in mapping form (`{text: ..., only_with: [...]}`); the short form is its text alone.
inline constexpr std::string_view kActionAllowed[] = {"text", "only_with"};
inline constexpr std::string_view kActionRequired[] = {"text"};
inline constexpr Section kAction{"action", "an action", kActionAllowed, kActionRequired};

inline constexpr const Section* kSections[] = {&kDocument, &kLevel, &kOutcome, &kField,       &kCalendar, &kConcern, &kIndicator,
                                               &kCounter,  &kRule,  &kRouting, &kHistoryItem, &kTest,     &kExpect,  &kAction};

}  // namespace frontdoor::detail
