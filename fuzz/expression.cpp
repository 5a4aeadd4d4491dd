// The expression parser and checker: the input is one `when`, put into a small document that has
// every kind of name (bool, int, string and enum fields, counters, level, ages), then decided for
// contacts with known, unknown and extreme values, so that evaluation runs too.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "common.hpp"

namespace {

const char* kDocument = R"(frontdoor: 1
id: fuzz
levels:
  - {id: universal, route: advice}
  - {id: early_help, route: early_help}
  - {id: complex, route: assessment}
  - {id: acute, route: s47}
outcomes:
  advice: {category: nfa, decide_within: 1 working day}
  early_help: {category: early_help, decide_within: 1 working day}
  assessment: {category: assessment, decide_within: 1 working day}
  s47: {category: s47, decide_within: 4 working hours}
actions:
  a: "An action"
fields:
  consent: {type: bool}
  score: {type: int}
  small: {type: int, min: -5, max: 5}
  note: {type: string}
  open_case: {type: enum, values: [none, cin, cp_plan]}
concerns:
  neglect: {domain: parenting, levels: {early_help: "n1", complex: "n2", acute: "n3"}}
  injury: {domain: development, levels: {acute: "i1"}}
history:
  recent: {count: contacts, within: 3 months, sharing: domain}
  referrals: {count: referrals, within: 12 months}
rules:
  - id: fuzzed
    raise_to: complex
    actions: [a]
    when: |-
)";

const char* kRouting = R"(
routing:
  - id: fuzzed_routing
    outcome: advice
    when: |-
)";

std::string indented(std::string_view expr) {
  std::string out = "      ";
  for (char c : expr) {
    out += c;
    if (c == '\n') out += "      ";
  }
  return out;
}

frontdoor::ContactRecord contact(int variant) {
  frontdoor::ContactRecord r;
  r.set("id", std::string("F"));
  r.set("child", std::string("K"));
  r.set("received", std::string("2026-05-05T10:00:00Z"));
  switch (variant) {
    case 0: break;  // everything unknown but the defaults
    case 1:
      r.set("consent", true);
      r.set("score", std::numeric_limits<std::int64_t>::max());
      r.set("small", std::int64_t{5});
      r.set("note", std::string("text"));
      r.set("open_case", std::string("cin"));
      r.set("dob", std::string("2026-01-01"));
      r.set("source", std::string("6"));
      r.set("channel", std::string("written"));
      r.concerns.push_back({"neglect", "complex"});
      break;
    default:
      r.set("consent", false);
      r.set("score", std::numeric_limits<std::int64_t>::min());
      r.set("small", std::int64_t{-5});
      r.set("note", std::string(""));
      r.set("unborn", true);
      r.concerns.push_back({"injury", "acute"});
      r.concerns.push_back({"neglect", "early_help"});
      r.history = std::vector<frontdoor::HistoryRecord>{{"2026-04-01T10:00:00Z", {{"neglect", "acute"}}, std::string("assessment"), {}}};
      break;
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view expr(reinterpret_cast<const char*>(data), size);
  // The same expression as a rule and as a routing entry.
  std::string text = std::string(kDocument) + indented(expr) + kRouting + indented(expr) + "\n";
  auto c = frontdoor::compile(text, "fuzz.yaml");
  std::size_t n = 0;
  for (auto& d : c.diagnostics) n += frontdoor::format(d, c.source.get()).size();
  if (c.ok())
    for (int v = 0; v < 3; ++v) {
      auto rec = contact(v);
      n += fdfuzz::use(*c.rule_set, c.rule_set->decide(rec));
      auto ex = c.rule_set->explain(rec);
      for (auto& s : ex.steps) n += s.values.size() + to_string(s.result).size();
    }
  return n == static_cast<std::size_t>(-1);
}
