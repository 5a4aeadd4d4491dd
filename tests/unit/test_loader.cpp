#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "documents.hpp"
#include "util/diagnostics.hpp"

using namespace fdtest;

TEST_CASE("the shipped default document compiles cleanly and passes its worked examples") {
  auto c = frontdoor::compile_file(std::string(FRONTDOOR_SOURCE_DIR) + "/rules/exampleshire.yaml");
  REQUIRE(c.ok());
  for (auto& d : c->diagnostics) INFO(frontdoor::format(d));
  REQUIRE(c->ok());
  CHECK(c->diagnostics.empty());
  const auto& doc = c->rule_set->document();
  CHECK(doc.levels.size() == 4);
  CHECK(doc.concerns.size() >= 30);
  CHECK(doc.tests.size() >= 40);
  auto failures = frontdoor::run_worked_examples(*c->rule_set);
  for (auto& f : failures) INFO(frontdoor::format(f));
  CHECK(failures.empty());
}

TEST_CASE("a missing file is an environment error, not a diagnostic") {
  auto c = frontdoor::compile_file("/nonexistent/threshold.yaml");
  CHECK_FALSE(c.ok());
  CHECK(c.error().message.find("/nonexistent/threshold.yaml") != std::string::npos);
}

TEST_CASE("YAML problems: syntax, duplicate keys, aliases, nesting, bytes") {
  CHECK(has(errors_of("frontdoor: 1\nid: [unclosed\n"), "FD101"));
  auto dup = document() + "id: again\n";
  CHECK(has(errors_of(dup), "FD102", line_of(dup, "id: again"), "first at test.yaml:2:1"));
  CHECK(has(errors_of("frontdoor: 1\nid: &a x\ntitle: *a\n"), "FD103"));
  CHECK(has(errors_of("a: &a [*a]\n"), "FD103"));
  std::string deep = "frontdoor: 1\nid: x\ntitle: " + std::string(200, '[') + std::string(200, ']') + "\n";
  CHECK(has(errors_of(deep), "FD104", 0, "nesting"));
  CHECK(has(errors_of(std::string("frontdoor: 1\nid: x\0y\n", 20)), "FD105", 0, "NUL"));
  CHECK(has(errors_of("frontdoor: 1\nid: \xC3\x28\n"), "FD105", 2, "UTF-8"));
  frontdoor::CompileOptions small;
  small.max_document_bytes = 100;
  auto big = frontdoor::compile(document(), "big.yaml", small);
  CHECK(has(big.diagnostics, "FD104", 0, "over the limit"));
}

TEST_CASE("structure: unknown and missing keys, with did-you-mean") {
  auto text = document() + "rulez: []\n";
  CHECK(has(errors_of(text), "FD110", line_of(text, "rulez"), "did you mean 'rules'"));
  CHECK(has(errors_of("frontdoor: 1\nid: x\n"), "FD111", 0, "levels"));
  CHECK(has(errors_of("frontdoor: 2\n"), "FD114"));
  CHECK(has(errors_of("- a\n- b\n"), "FD112"));
}

TEST_CASE("references name things the document declares") {
  auto route = document();
  route.replace(route.find("route: s47}"), 11, "route: s74}");
  CHECK(has(errors_of(route), "FD121", line_of(route, "route: s74"), "did you mean 's47'"));
  auto rule = document("rules:\n  - id: r\n    when: consent\n    actions: [reveiw]\n");
  CHECK(has(errors_of(rule), "FD121", line_of(rule, "[reveiw]"), "did you mean 'review'"));
  auto raise = document("rules:\n  - id: r\n    when: consent\n    raise_to: acut\n");
  CHECK(has(errors_of(raise), "FD121", line_of(raise, "raise_to"), "did you mean 'acute'"));
  auto ids = document("rules:\n  - {id: r, when: consent, flags: [a]}\n  - {id: r, when: consent, flags: [b]}\n");
  CHECK(has(errors_of(ids), "FD120", 0, "duplicate"));
}

TEST_CASE("values: units, calendars, fields, levels") {
  auto unit = document();
  unit.replace(unit.find("4 working hours"), 15, "4 working hourz");
  CHECK(has(errors_of(unit), "FD123", line_of(unit, "hourz")));
  auto tz = document();
  tz.replace(tz.find("Europe/London"), 13, "Europe/Londn");
  CHECK(has(errors_of(tz), "FD124", line_of(tz, "Londn")));
  auto hours = document();
  hours.replace(hours.find("09:00-17:00"), 11, "17:00-09:00");
  CHECK(has(errors_of(hours), "FD124"));
  auto field = document();
  field.replace(field.find("default: none"), 13, "default: nope");
  CHECK(has(errors_of(field), "FD125", line_of(field, "nope")));
  auto lowers = document("routing:\n  - id: x\n    when: consent\n    outcome: advice\n    lowers: true\n");
  CHECK(has(errors_of(lowers), "FD126", 0, "because"));
  auto yes = document("routing:\n  - id: x\n    when: consent\n    outcome: advice\n    lowers: yes\n    because: why\n");
  CHECK(has(errors_of(yes), "FD113", line_of(yes, "lowers: yes"), "true or false"));
}

TEST_CASE("one run reports every problem it can find") {
  auto text = document("rules:\n  - {id: a, when: scroe > 1, flags: [x]}\n  - {id: b, when: 'level >= \"acut\"', flags: [y]}\n") + "extra: 1\n";
  auto ds = errors_of(text);
  CHECK(has(ds, "FD202"));
  CHECK(has(ds, "FD110"));
  // Expression checks run only once the document's structure is sound; the structural error is first.
}

TEST_CASE("worked examples that fail are reported with expected and actual") {
  auto text = document(R"(tests:
  - name: neglect at complex goes to assessment
    contact: {received: "2026-05-05T10:00:00Z", concerns: {neglect: complex}}
    expect: {level: complex, outcome: s47}
)");
  auto rs = compile_ok(text);
  auto failures = frontdoor::run_worked_examples(*rs);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].code == "FD301");
  CHECK(failures[0].at.line == line_of(text, "- name: neglect"));
  CHECK(failures[0].message.find("outcome: expected s47, got assessment") != std::string::npos);
}

#include <nlohmann/json.hpp>

#include "load/sections.hpp"

TEST_CASE("the JSON Schema names exactly the keys the loader accepts") {
  std::ifstream in(std::string(FRONTDOOR_SOURCE_DIR) + "/schema/frontdoor.schema.json");
  auto schema = nlohmann::json::parse(in);
  for (const frontdoor::detail::Section* s : frontdoor::detail::kSections) {
    const auto& node = s->name == "document" ? schema : schema["definitions"][std::string(s->name)];
    INFO("section " << s->name);
    REQUIRE(node.contains("properties"));
    std::set<std::string> schema_keys, loader_keys(s->allowed.begin(), s->allowed.end());
    for (auto& [k, v] : node["properties"].items()) schema_keys.insert(k);
    CHECK(schema_keys == loader_keys);
    std::set<std::string> schema_required, loader_required(s->required.begin(), s->required.end());
    if (node.contains("required"))
      for (auto& r : node["required"]) schema_required.insert(r.get<std::string>());
    CHECK(schema_required == loader_required);
    CHECK(node["additionalProperties"] == false);
  }
}

// libfyaml 0.7.12 decodes runs of '' in single quotes wrongly, so the reader decodes that style
// itself; this pins it to YAML 1.2 (the expected texts are PyYAML's).
TEST_CASE("single-quoted text: '' is a quote, line breaks fold") {
  auto title_of = [](const std::string& quoted) {
    std::string text = document();
    auto at = text.find("version:");
    text.insert(at, "title: " + quoted + "\n");
    auto rs = compile_ok(text);
    return rs ? rs->document().title : std::string("<no rule set>");
  };
  CHECK(title_of("'It''s'") == "It's");
  CHECK(title_of("'x''''''y'") == "x'''y");
  CHECK(title_of("''''''''") == "'''");
  CHECK(title_of("'a ''b'' c'") == "a 'b' c");
  CHECK(title_of("'one\n  two  \n\n\n  three'") == "one two\n\nthree");
  CHECK(title_of("'tab\tin'") == "tab\tin");
  CHECK(title_of("'ends  \n  '") == "ends ");
}

TEST_CASE("a misspelt id is matched to the closest one by edit distance, a swap counting once") {
  using frontdoor::detail::closest;
  const std::vector<std::string_view> concerns = {"neglect", "domestic_abuse", "self_harm", "sexual_abuse"};
  CHECK(closest("negelct", concerns) == "neglect");            // two letters swapped: one edit
  CHECK(closest("domestic_abuses", concerns) == "domestic_abuse");  // one letter too many
  CHECK(closest("self-harm", concerns) == "self_harm");        // one letter changed
  CHECK(closest("sexul_abuse", concerns) == "sexual_abuse");   // one letter missing
  CHECK(closest("poverty", concerns).empty());                 // nothing close enough
  CHECK(closest("", concerns).empty());
}
