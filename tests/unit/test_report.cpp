// The report layer (frontdoor/report.hpp) and the JSON writer under it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "documents.hpp"
#include "frontdoor/report.hpp"
#include "util/json.hpp"

using namespace fdtest;
using frontdoor::detail::JsonWriter;

namespace {

frontdoor::Diagnostic diagnostic(frontdoor::Severity s, std::uint32_t line) {
  frontdoor::Diagnostic d;
  d.code = "FD303";
  d.severity = s;
  d.message = "action \"x\" is never used";
  d.path = "a.yaml";
  d.at = {line, 3};
  return d;
}

const char* kRule = "rules:\n  - id: baby\n    when: 'age_months < 6 && concern(\"injury\")'\n    raise_to: acute\n";

}  // namespace

TEST_CASE("the indented layout: two spaces a level, \"key\": value, empty containers closed at once") {
  JsonWriter w(JsonWriter::Layout::indented);
  w.open('{').key("a").number(1).key("b").open('[').close(']').key("c").open('{').close('}');
  w.key("d").open('[').string("x").open('{').key("e").null().close('}').close(']').close('}');
  CHECK(w.str() == "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": {},\n  \"d\": [\n    \"x\",\n    {\n      \"e\": null\n    }\n  ]\n}");
}

TEST_CASE("embed replays compact JSON in the writer's layout, keeping its order and its strings' bytes") {
  const std::string compact = R"({"z":"a,b:}]\"","n":-12,"t":true,"l":[],"o":{"k":[1,{}]}})";
  JsonWriter c;
  c.open('[').embed(compact).close(']');
  CHECK(c.str() == "[" + compact + "]");
  JsonWriter w(JsonWriter::Layout::indented);
  w.open('[').embed(compact).close(']');
  CHECK(nlohmann::ordered_json::parse(w.str()) == nlohmann::ordered_json::parse("[" + compact + "]"));
  CHECK(w.str() == nlohmann::ordered_json::parse("[" + compact + "]").dump(2));
}

TEST_CASE("diagnostics: path, line, col, severity, code, message, in that order, compact or indented") {
  std::vector<frontdoor::Diagnostic> ds{diagnostic(frontdoor::Severity::warning, 4)};
  CHECK(frontdoor::to_json(std::span<const frontdoor::Diagnostic>(ds)) ==
        R"([{"path":"a.yaml","line":4,"col":3,"severity":"warning","code":"FD303","message":"action \"x\" is never used"}])");
  CHECK(frontdoor::to_json(std::span<const frontdoor::Diagnostic>()) == "[]");
  std::vector<frontdoor::Finding> fs{{ds[0], {R"({"id":"c1","concerns":{"injury":"acute"}})"}}};
  auto indented = frontdoor::to_json(std::span<const frontdoor::Finding>(fs), frontdoor::JsonLayout::indented);
  CHECK(indented == nlohmann::ordered_json::parse(indented).dump(2));
  auto j = nlohmann::json::parse(indented);
  CHECK(j[0]["counterexamples"][0]["concerns"]["injury"] == "acute");
  CHECK(j[0]["line"] == 4);
}

TEST_CASE("SARIF: one result per finding, with its rule, level and region") {
  std::vector<frontdoor::Finding> fs{{diagnostic(frontdoor::Severity::error, 7), {}}, {diagnostic(frontdoor::Severity::note, 0), {}}};
  auto j = nlohmann::json::parse(frontdoor::to_sarif(fs));
  CHECK(j["version"] == "2.1.0");
  auto& results = j["runs"][0]["results"];
  REQUIRE(results.size() == 2);
  CHECK(results[0]["ruleId"] == "FD303");
  CHECK(results[0]["level"] == "error");
  CHECK(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 7);
  CHECK(results[1]["level"] == "note");
  CHECK_FALSE(results[1]["locations"][0]["physicalLocation"].contains("region"));  // no line: no region
}

TEST_CASE("an explanation is the decision's object followed by its trace") {
  auto rs = compile_ok(document(kRule));
  frontdoor::ContactRecord c = contact();
  c.set("dob", std::string("2026-03-01"));
  c.concerns.push_back({"injury", "acute"});
  auto ex = rs->explain(c);
  std::string decision = rs->view(ex.decision).to_json();
  std::string json = frontdoor::to_json(*rs, ex);
  CHECK(json.substr(0, decision.size() - 1) == decision.substr(0, decision.size() - 1));
  auto j = nlohmann::json::parse(json);
  REQUIRE(j["trace"].size() == 1);
  CHECK(j["trace"][0]["kind"] == "rule");
  CHECK(j["trace"][0]["result"] == "true");
  CHECK(j["trace"][0]["at"] == "test.yaml:" + std::to_string(line_of(document(kRule), "- id: baby")) + ":5");
  auto indented = frontdoor::to_json(*rs, ex, frontdoor::JsonLayout::indented);
  CHECK(indented == nlohmann::ordered_json::parse(json).dump(2));
}

TEST_CASE("the document described: the header alone, or everything a front end shows") {
  auto rs = compile_ok(document(kRule));
  auto header = nlohmann::ordered_json::parse(frontdoor::to_json(*rs, frontdoor::DocumentDetail::header));
  std::vector<std::string> keys;
  for (auto& [k, v] : header.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"id", "title", "version", "effective_from", "sha256", "path", "timezone"});
  CHECK(header["sha256"] == rs->sha256());
  CHECK(frontdoor::to_json(*rs, frontdoor::DocumentDetail::reference) ==
        R"({"id":"testshire","version":"1","sha256":")" + rs->sha256() + R"(","path":"test.yaml"})");
  auto full = nlohmann::json::parse(frontdoor::to_json(*rs, frontdoor::DocumentDetail::full));
  CHECK(full["levels"].size() == 4);
  CHECK(full["levels"][3]["route"] == "s47");
  CHECK(full["rules"][0]["raise_to"] == "acute");
  CHECK(full["concerns"][0]["levels"]["complex"] == "Neglect harming health");
  CHECK(full["rules"][0]["at"] == "test.yaml:" + std::to_string(line_of(document(kRule), "- id: baby")) + ":5");
  CHECK(frontdoor::summary(rs->document()) == "4 levels, 4 concerns, 1 rules, 0 routing entries");
}
