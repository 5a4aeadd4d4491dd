// Small threshold documents for the unit tests, written the way a council would write them.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "frontdoor/frontdoor.hpp"

namespace fdtest {

// A four-level document; `extra` is appended at the end (rules, routing, more fields...).
inline std::string document(const std::string& extra = "") {
  return R"(frontdoor: 1
id: testshire
version: "1"
levels:
  - {id: universal, route: advice}
  - {id: early_help, route: early_help}
  - {id: complex, route: assessment}
  - {id: acute, route: s47}
outcomes:
  advice: {category: nfa, referral: false, decide_within: 24 working hours}
  early_help: {category: early_help, decide_within: 1 working day}
  assessment: {category: assessment, referral: true, decide_within: 24 working hours, actions: [allocate]}
  s47: {category: s47, referral: true, decide_within: 4 working hours, actions: [checks]}
  allocated: {category: open_case, decide_within: 2 days}
actions:
  signoff: "A manager signs off"
  allocate: "Allocate a social worker"
  checks: "Multi-agency checks"
  review: "Repeat-contact review"
always: [signoff]
calendar:
  timezone: Europe/London
  working_hours: "09:00-17:00"
  holidays: [2026-05-04]
fields:
  consent: {type: bool, default: false}
  score: {type: int, min: 0, max: 100}
  note: {type: string}
  open_case: {type: enum, values: [none, cin, cp_plan], default: none}
concerns:
  neglect:
    domain: parenting
    levels: {early_help: "Some neglect", complex: "Neglect harming health", acute: "Severe neglect"}
  domestic_abuse:
    domain: family
    levels: {early_help: "Conflict", complex: "Domestic abuse", acute: "Serious domestic abuse"}
  housing:
    domain: family
    levels: {early_help: "Poor housing", complex: "Homeless"}
  injury:
    domain: development
    levels: {acute: "Unexplained injury"}
history:
  similar_3m: {count: contacts, within: 3 months, sharing: domain}
  referrals_12m: {count: referrals, within: 12 months}
  same_concern_4w: {count: contacts, within: 4 weeks, sharing: concern}
)" + extra;
}

inline std::shared_ptr<const frontdoor::RuleSet> compile_ok(const std::string& text) {
  auto c = frontdoor::compile(text, "test.yaml");
  for (auto& d : c.diagnostics) INFO(frontdoor::format(d, c.source.get()));
  REQUIRE(c.diagnostics.empty());
  REQUIRE(c.ok());
  return c.rule_set;
}

// The diagnostics of a document that must not compile.
inline std::vector<frontdoor::Diagnostic> errors_of(const std::string& text) {
  auto c = frontdoor::compile(text, "test.yaml");
  CHECK_FALSE(c.ok());
  return c.diagnostics;
}

inline bool has(const std::vector<frontdoor::Diagnostic>& ds, const std::string& code, std::uint32_t line = 0,
                const std::string& words = "") {
  for (auto& d : ds)
    if (d.code == code && (line == 0 || d.at.line == line) && d.message.find(words) != std::string::npos) return true;
  std::string all;
  for (auto& d : ds) all += frontdoor::format(d) + "\n";
  INFO("diagnostics were:\n" << all);
  return false;
}

inline frontdoor::ContactRecord contact(const std::string& received = "2026-05-05T10:00:00Z") {
  frontdoor::ContactRecord r;
  r.set("id", std::string("C1"));
  r.set("received", received);
  return r;
}

// The line (1-based) of the first occurrence of `needle` in `text`.
inline std::uint32_t line_of(const std::string& text, const std::string& needle) {
  auto pos = text.find(needle);
  REQUIRE(pos != std::string::npos);
  return static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n') + 1);
}

}  // namespace fdtest
