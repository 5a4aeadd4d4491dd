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
  auto text =
      document("rules:\n  - {id: a, when: scroe > 1, flags: [x]}\n  - {id: b, when: 'level >= \"acut\"', flags: [y]}\n") + "extra: 1\n";
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

// Single-quoted text as YAML 1.2 reads it (the expected texts are PyYAML's): '' is one quote, even
// in runs of them, which a parser used here earlier decoded wrongly.
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
  CHECK(closest("negelct", concerns) == "neglect");                 // two letters swapped: one edit
  CHECK(closest("domestic_abuses", concerns) == "domestic_abuse");  // one letter too many
  CHECK(closest("self-harm", concerns) == "self_harm");             // one letter changed
  CHECK(closest("sexul_abuse", concerns) == "sexual_abuse");        // one letter missing
  CHECK(closest("poverty", concerns).empty());                      // nothing close enough
  CHECK(closest("", concerns).empty());
}

// closest() stops a candidate's distance once it must exceed the best so far or the candidate's
// allowance; it must name what the full distance names: the first candidate nearest the word among
// those within their allowance. Words made from the ids by up to five random edits, and some not.
TEST_CASE("the closest id is the one the full edit distance picks") {
  using frontdoor::detail::closest;
  auto full_distance = [](std::string_view a, std::string_view b) {  // OSA, the whole table
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
      for (std::size_t j = 1; j <= b.size(); ++j) {
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    return d[a.size()][b.size()];
  };
  const std::vector<std::string_view> ids = {"neglect",
                                             "domestic_abuse",
                                             "self_harm",
                                             "sexual_abuse",
                                             "parental_mental_health",
                                             "parental_substance_misuse",
                                             "physical_abuse",
                                             "emotional_abuse",
                                             "missing_from_home",
                                             "child_sexual_exploitation",
                                             "fgm",
                                             "radicalisation",
                                             "young_carer",
                                             "unexplained_injury",
                                             "school_attendance",
                                             "housing",
                                             "gangs",
                                             "trafficking",
                                             "universal",
                                             "early_help",
                                             "complex",
                                             "acute",
                                             "abuse",
                                             "neglected"};
  std::uint64_t seed = 12345;
  auto next = [&](std::uint64_t n) { return ((seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 33) % n; };
  int compared = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string word(ids[next(ids.size())]);
    for (std::uint64_t edits = next(6); edits > 0; --edits) {
      char letter = static_cast<char>('a' + next(27) % 26 + (next(9) == 0 ? '_' - 'a' : 0));
      std::size_t at = word.empty() ? 0 : next(word.size());
      switch (next(4)) {
        case 0:
          if (!word.empty()) word[at] = letter;
          break;
        case 1:
          if (!word.empty()) word.erase(at, 1);
          break;
        case 2: word.insert(at, 1, letter); break;
        default:
          if (at + 1 < word.size()) std::swap(word[at], word[at + 1]);
      }
    }
    std::string_view expected;
    std::size_t best = SIZE_MAX;
    for (auto c : ids) {
      std::size_t allowed = std::max<std::size_t>(1, std::max(word.size(), c.size()) / 3), d = full_distance(word, c);
      if (d <= allowed && d < best) best = d, expected = c;
    }
    CAPTURE(word);
    CHECK(closest(word, ids) == expected);
    ++compared;
  }
  CHECK(compared == 3000);
}
