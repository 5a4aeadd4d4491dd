#include <doctest/doctest.h>

#include <cstdio>

#include "compile/program.hpp"
#include "decide/decide_core.hpp"
#include "documents.hpp"
#include "time/civil.hpp"

using namespace fdtest;
using frontdoor::ConditionResult;
using frontdoor::ContactRecord;
using frontdoor::HistoryRecord;
using frontdoor::ReasonKind;
using frontdoor::StepKind;

namespace {
const std::string kRules = R"(rules:
  - id: baby_injury
    when: age_months < 6 && concern("injury")
    raise_to: acute
    because: "Any injury to a non-mobile baby needs a strategy discussion"
  - id: repeat_contacts
    when: similar_3m >= 2
    actions: [review]
    flags: [repeat_contact]
  - id: cumulative
    when: count_at_least("early_help") >= 3
    raise_to: complex
routing:
  - id: open_case
    when: open_case != "none" && level <= "complex"
    outcome: allocated
  - id: no_consent
    when: level == "early_help" && !consent
    outcome: advice
    lowers: true
    because: "Early help is voluntary"
)";

// The fast path's decision (the screen, exact guards) and explain's full evaluation of every
// condition, compared as the command line writes them.
void check_fast_path_agrees(const frontdoor::RuleSet& rs, const ContactRecord& c) {
  CHECK(rs.view(rs.decide(c)).to_json() == rs.view(rs.explain(c).decision).to_json());
}
}  // namespace

TEST_CASE("base level is the highest descriptor; rules raise it; routing picks the outcome") {
  auto rs = compile_ok(document(kRules));
  ContactRecord c = contact();
  c.set("dob", std::string("2026-01-01"));
  c.concerns.push_back({"injury", "acute"});
  auto d = rs->decide(c);
  REQUIRE(d.ok());
  auto v = rs->view(d);
  CHECK(v.level() == "acute");
  CHECK(v.outcome() == "s47");
  CHECK(v.category() == "s47");
  CHECK(v.referral());
  CHECK(v.rules() == std::vector<std::string_view>{"baby_injury"});
  CHECK(v.actions() == std::vector<std::string_view>{"signoff", "checks"});
  CHECK(v.deadline() == "2026-05-05T14:00:00Z");
  auto reasons = v.reasons();
  REQUIRE(reasons.size() >= 3);
  CHECK(reasons[0].kind == ReasonKind::concern);
  CHECK(reasons[0].text == "Unexplained injury");
  CHECK(reasons[1].kind == ReasonKind::rule);
  CHECK(reasons[1].text == "Any injury to a non-mobile baby needs a strategy discussion");
  CHECK(reasons[1].at.path == "test.yaml");
  CHECK(reasons[1].at.line == line_of(document(kRules), "- id: baby_injury"));
  CHECK(reasons[1].at.column == 5);
  CHECK(to_string(reasons[1].at) == "test.yaml:" + std::to_string(line_of(document(kRules), "- id: baby_injury")) + ":5");
  CHECK(reasons[2].kind == ReasonKind::level);
}

TEST_CASE("no concerns: the lowest level, and every contact still gets an outcome") {
  auto rs = compile_ok(document(kRules));
  auto d = rs->decide(contact());
  REQUIRE(d.ok());
  CHECK(rs->view(d).level() == "universal");
  CHECK(rs->view(d).outcome() == "advice");
}

TEST_CASE("routing that lowers early help without consent, first match wins") {
  auto rs = compile_ok(document(kRules));
  ContactRecord c = contact();
  c.concerns.push_back({"housing", "early_help"});
  CHECK(rs->view(rs->decide(c)).outcome() == "advice");
  c.set("consent", true);
  CHECK(rs->view(rs->decide(c)).outcome() == "early_help");
  c.set("open_case", std::string("cin"));
  auto d = rs->decide(c);
  CHECK(rs->view(d).outcome() == "allocated");
  CHECK(rs->view(d).routing() == "open_case");
}

TEST_CASE("cumulative concerns raise the level; concern functions still see the descriptors") {
  auto rs = compile_ok(document(kRules));
  ContactRecord c = contact();
  c.set("consent", true);
  for (auto* k : {"neglect", "housing", "domestic_abuse"}) c.concerns.push_back({k, "early_help"});
  auto d = rs->decide(c);
  CHECK(rs->view(d).level() == "complex");
  CHECK(rs->view(d).outcome() == "assessment");
  CHECK(d.base_level == 1);
}

TEST_CASE("history: the third similar contact in three months is flagged") {
  auto rs = compile_ok(document(kRules));
  ContactRecord c = contact("2026-05-31T12:00:00Z");
  c.concerns.push_back({"housing", "early_help"});
  std::vector<HistoryRecord> h = {
      {"2026-02-28T12:00:00Z", {{"domestic_abuse", "early_help"}}, std::nullopt, std::nullopt},  // same domain, window edge
      {"2026-04-10T09:00:00Z", {{"neglect", "complex"}}, std::nullopt, std::nullopt},            // other domain
  };
  CHECK(rs->decide(c, h).rules.empty());
  h.push_back({"2026-05-30T09:00:00Z", {{"housing", "complex"}}, std::string("assessment"), std::nullopt});
  auto d = rs->decide(c, h);
  CHECK(rs->view(d).flags() == std::vector<std::string_view>{"repeat_contact"});
  h[0].received = "2026-02-28T11:59:59Z";  // one second outside the window
  CHECK(rs->decide(c, h).rules.empty());
  h.push_back({"2026-05-31T12:00:00Z", {{"housing", "complex"}}, std::nullopt, std::nullopt});  // not earlier
  CHECK(rs->decide(c, h).rules.empty());
}

TEST_CASE("contacts that do not fit the document are rejected, naming the field") {
  auto rs = compile_ok(document(kRules));
  auto rejected = [&](ContactRecord c) { return rs->decide(c).error; };
  ContactRecord c = contact();
  c.concerns.push_back({"neglet", "complex"});
  CHECK(rejected(c).find("unknown concern 'neglet' (did you mean 'neglect'?)") != std::string::npos);
  c = contact();
  c.concerns.push_back({"injury", "early_help"});
  CHECK(rejected(c).find("concerns.injury") != std::string::npos);
  c = contact();
  c.set("colour", std::string("blue"));
  CHECK(rejected(c).find("colour: unknown field") != std::string::npos);
  c = contact();
  c.set("score", std::int64_t{101});
  CHECK(rejected(c).find("score: must be between 0 and 100") != std::string::npos);
  c = contact();
  c.set("consent", std::string("maybe"));
  CHECK(rejected(c) == "consent: must be true or false");
  c = contact("yesterday");
  CHECK(rejected(c).find("received") == 0);
  ContactRecord no_id;
  no_id.set("received", std::string("2026-05-05T10:00:00Z"));
  CHECK(rejected(no_id).find("id") == 0);
  c = contact();
  c.set("dob", std::string("2027-01-01"));
  CHECK(rejected(c).find("dob") == 0);
}

TEST_CASE("error messages never repeat a field's value (data protection)") {
  auto rs = compile_ok(document(kRules));
  ContactRecord c = contact();
  c.set("open_case", std::string("Jane Smith, 12 Acacia Avenue"));
  auto d = rs->decide(c);
  CHECK_FALSE(d.ok());
  CHECK(d.error.find("Jane") == std::string::npos);
  CHECK(d.error.find("open_case") != std::string::npos);
}

TEST_CASE("an unborn child is 0 months old; a missing dob leaves ages unknown") {
  auto rs = compile_ok(document(kRules));
  ContactRecord c = contact();
  c.set("unborn", true);
  c.concerns.push_back({"injury", "acute"});
  CHECK(rs->view(rs->decide(c)).rules() == std::vector<std::string_view>{"baby_injury"});
  ContactRecord no_dob = contact();
  no_dob.concerns.push_back({"injury", "acute"});
  auto d = rs->decide(no_dob);
  CHECK(d.rules.empty());
  REQUIRE_FALSE(d.unknowns.empty());
  CHECK(rs->name(d.unknowns[0].name) == "age_months");
  bool named = false;
  for (auto& r : rs->view(d).reasons()) named |= r.kind == ReasonKind::unknown && r.text.find("age_months") != std::string::npos;
  CHECK(named);
}

TEST_CASE("a batch decides each child's contacts in time order with the outcomes it decided") {
  auto rs = compile_ok(document(kRules));
  std::vector<ContactRecord> rows;
  auto row = [&](const char* id, const char* child, const char* received) {
    ContactRecord c;
    c.set("id", std::string(id));
    c.set("child", std::string(child));
    c.set("received", std::string(received));
    c.concerns.push_back({"housing", "early_help"});
    rows.push_back(c);
  };
  row("third", "K1", "2026-05-20T10:00:00Z");  // out of time order in the file
  row("first", "K1", "2026-05-01T10:00:00Z");
  row("other", "K2", "2026-05-10T10:00:00Z");
  row("second", "K1", "2026-05-10T10:00:00Z");
  ContactRecord bad;
  bad.problem = "line 6: not valid JSON";
  rows.push_back(bad);
  auto ds = rs->decide_batch(rows);
  REQUIRE(ds.size() == rows.size());
  CHECK(ds[0].contact == "third");
  CHECK(rs->view(ds[0]).flags() == std::vector<std::string_view>{"repeat_contact"});
  CHECK(rs->view(ds[1]).flags().empty());
  CHECK(rs->view(ds[2]).flags().empty());
  CHECK(rs->view(ds[3]).flags().empty());
  CHECK(ds[4].error == "line 6: not valid JSON");
}

TEST_CASE("the same document and contact give the same decision, byte for byte") {
  auto a = compile_ok(document(kRules));
  auto b = compile_ok(document(kRules));
  ContactRecord c = contact();
  c.concerns.push_back({"neglect", "complex"});
  auto ja = a->view(a->decide(c)).to_json();
  CHECK(ja == b->view(b->decide(c)).to_json());
  CHECK(ja.find("\"sha256\":\"" + a->sha256() + "\"") != std::string::npos);
  CHECK(a->sha256().size() == 64);
}

TEST_CASE("a rejected contact has null decision fields and an error in JSON") {
  auto rs = compile_ok(document(kRules));
  ContactRecord c = contact();
  c.concerns.push_back({"nope", "acute"});
  auto j = rs->view(rs->decide(c)).to_json();
  CHECK(j.find("\"level\":null") != std::string::npos);
  CHECK(j.find("\"actions\":null") != std::string::npos);
  CHECK(j.find("\"error\":\"concerns: unknown concern 'nope'\"") != std::string::npos);
}

TEST_CASE("sha256 matches the standard test vectors") {
  using frontdoor::detail::sha256_hex;
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST_CASE("an outcome without decide_within gives a decision with no deadline") {
  std::string text = document(kRules);
  const std::string with = "advice: {category: nfa, referral: false, decide_within: 24 working hours}";
  text.replace(text.find(with), with.size(), "advice: {category: nfa, referral: false}");
  auto rs = compile_ok(text);
  auto d = rs->decide(contact());
  REQUIRE(d.ok());
  CHECK(rs->view(d).outcome() == "advice");
  CHECK(rs->view(d).deadline().empty());
  CHECK(rs->view(d).to_json().find("\"deadline\":null") != std::string::npos);
}

TEST_CASE("a rule that only gives a reason is allowed, and its because is a reason") {
  auto rs = compile_ok(document("rules:\n  - id: noted\n    when: consent\n    because: \"Consent recorded\"\n"));
  ContactRecord c = contact();
  c.set("consent", true);
  auto reasons = rs->view(rs->decide(c)).reasons();
  CHECK(std::any_of(reasons.begin(), reasons.end(), [](auto& r) { return r.kind == ReasonKind::rule && r.text == "Consent recorded"; }));
}

TEST_CASE("explain's trace names every value a condition read") {
  auto rs = compile_ok(document("rules:\n  - id: police\n    when: 'source in [\"6\", \"7\"] && score > 3'\n    flags: [police]\n"));
  ContactRecord c = contact();
  c.set("source", std::string("6"));
  c.set("score", std::int64_t{5});
  auto ex = rs->explain(c);
  REQUIRE(ex.steps.size() == 1);
  CHECK(ex.steps[0].result == ConditionResult::is_true);
  CHECK(ex.steps[0].kind == StepKind::rule);
  CHECK(to_string(ex.steps[0].result) == "true");
  CHECK(to_string(ex.steps[0].kind) == "rule");
  using KV = std::pair<std::string, std::string>;
  CHECK(ex.steps[0].values == std::vector<KV>{{"source", "\"6\""}, {"score", "5"}});
}

// The fast path settles most conditions with guards (plain tests taken from their top-level
// conjuncts) and never runs their code; explain runs every condition in full. Both must decide
// alike, unknown values and history counters included.
TEST_CASE("guards never change a decision: the fast path agrees with explain's full evaluation") {
  auto rs = compile_ok(document(R"(
rules:
  - {id: young_neglect, when: 'score < 50 && concern("neglect")', raise_to: complex, because: "r1"}
  - {id: repeat, when: 'similar_3m + 1 >= 3 && !consent', raise_to: complex, because: "r2"}
  - {id: shifted, when: '2 - referrals_12m < 1 || same_concern_4w - 1 > 0', because: "r3"}
  - {id: many, when: 'count_at_least("complex") >= 2 && domain_count("family") >= 1', raise_to: acute, because: "r4"}
  - {id: open, when: 'open_case in ["cin", "cp_plan"] && level >= "complex" && score >= 10', because: "r5"}
  - {id: flipped, when: '30 > score && consent && concern_at_least("domestic_abuse", "complex")', raise_to: acute, because: "r6"}
  - {id: strings, when: 'note == "x" && score <= 70', because: "r7"}
routing:
  - {id: keep_open, when: 'open_case != "none" && level <= "complex"', outcome: allocated, because: "open"}
)"));
  const char* levels[] = {nullptr, "early_help", "complex", "acute"};
  std::size_t compared = 0;
  for (int score : {-1, 0, 9, 10, 29, 30, 49, 50, 70, 71}) {
    for (int mix = 0; mix < 48; ++mix) {
      ContactRecord c = contact();
      if (score >= 0) c.set("score", std::int64_t{score});
      if (mix % 3 == 1) c.set("consent", true);
      if (mix % 3 == 2) c.set("consent", false);
      static const char* cases[] = {"none", "cin", "cp_plan"};
      c.set("open_case", std::string(cases[mix % 4 % 3]));
      if (mix % 5 == 0) c.set("note", std::string("x"));
      if (const char* l = levels[mix % 4]) c.concerns.push_back({"neglect", l});
      if (const char* l = levels[(mix / 4) % 3]) c.concerns.push_back({"domestic_abuse", l == std::string("acute") ? "complex" : l});
      if (mix % 7 < 3) c.concerns.push_back({"housing", "complex"});
      std::vector<HistoryRecord> h;
      for (int k = 0; k < mix % 5; ++k)
        h.push_back({"2026-0" + std::to_string(2 + k % 3) + "-10T10:00:00Z", {{"housing", "early_help"}}, std::nullopt, k % 2 == 0});
      c.history = h;
      INFO("score " << score << ", mix " << mix);
      check_fast_path_agrees(*rs, c);
      ++compared;
    }
  }
  CHECK(compared == 480);
}

// The same with more conditions than one 64-bit word of the screen holds, a value whose tests lie
// too far apart for a row per value (score <= 100000), a test at the edge of the 64-bit range, and
// conditions that are nothing but their guards (which hold without running their code once their
// names are known) beside ones that are not.
TEST_CASE("guards never change a decision: past 64 conditions, far-apart tests and missing names") {
  std::string rules = "rules:\n";
  const char* patterns[] = {
      "score >= %d && concern(\"neglect\")",
      "score < %d || consent",
      "score <= 100000 && score >= %d",
      "age_months > 9223372036854775806 || score == %d",
      "!consent && level >= \"complex\" && score > %d",
      "note == \"x\" && score > %d",
      "open_case in [\"cin\", \"cp_plan\"] && score != %d",
  };
  const char* raises[] = {"early_help", "complex", "acute"};
  for (int i = 0; i < 70; ++i) {
    char when[160];
    std::snprintf(when, sizeof when, patterns[i % 7], (i * 13) % 101);
    rules += "  - {id: r" + std::to_string(i) + ", when: '" + when + "'" +
             (i % 5 == 0 ? std::string(", raise_to: ") + raises[i / 5 % 3] : "") + ", because: \"b\"}\n";
  }
  rules += R"(routing:
  - {id: route_a, when: 'level >= "acute" && !consent', outcome: allocated, because: "a"}
  - {id: route_b, when: 'score <= 100000 && score >= 40 && level <= "complex"', outcome: allocated, because: "b"}
  - {id: route_c, when: 'consent', outcome: allocated, because: "c"}
)";
  auto rs = compile_ok(document(rules));
  const auto& screen = rs->program().screen;
  CHECK(screen.condition_words == 2);  // 73 conditions
  CHECK(!screen.cuts.empty());         // score's tests, 0 .. 100001, keep cuts
  CHECK(screen.exact[0] != 0);         // some conditions are only their guards
  const char* levels[] = {nullptr, "early_help", "complex", "acute"};
  std::size_t compared = 0;
  for (int score : {-1, 0, 1, 12, 39, 40, 41, 64, 77, 100}) {
    for (int mix = 0; mix < 36; ++mix) {
      ContactRecord c = contact();
      if (score >= 0) c.set("score", std::int64_t{score});
      if (mix % 3 == 1) c.set("consent", true);
      if (mix % 3 == 2) c.set("consent", false);
      if (mix % 4 != 3) c.set("dob", std::string(mix % 2 ? "2026-01-01" : "2010-06-30"));
      static const char* cases[] = {"none", "cin", "cp_plan"};
      c.set("open_case", std::string(cases[mix % 3]));
      if (mix % 5 == 0) c.set("note", std::string("x"));
      if (const char* l = levels[mix % 4]) c.concerns.push_back({"neglect", l});
      INFO("score " << score << ", mix " << mix);
      check_fast_path_agrees(*rs, c);
      ++compared;
    }
  }
  CHECK(compared == 360);
}

// The history a batch gives decide: a child's earlier rows back to where the furthest-reaching window
// could begin (testshire's: similar_3m, referrals_12m, same_concern_4w) with no calendar arithmetic,
// and exactly the rows inside the windows when there are more than kMaxHistoryItems of them.
TEST_CASE("a child's history reaches back as far as its longest window") {
  using namespace frontdoor::detail;
  auto rs = compile_ok(document());
  const Program& p = rs->program();
  const std::int64_t reach = window_reach(p);
  CHECK(reach == 12 * 31 * kMsPerDay);
  for (const char* when : {"2026-05-31T12:00:00Z", "2028-02-29T08:30:00Z", "2026-03-31T00:00:00Z"}) {
    CAPTURE(when);
    const std::int64_t received = *parse_timestamp(when);
    const std::int64_t start = minus_months(received, 12);  // where the 12-month window begins
    CHECK(received - start <= reach);
    std::vector<frontdoor::PastContact> past;
    for (std::int64_t t : {received - reach - 400 * kMsPerDay, received - reach - 1, received - reach, start - 1, start, start + 1,
                           received - 1, received}) {
      past.emplace_back();
      past.back().received = t;
    }
    for (std::size_t from = 0; from <= past.size(); ++from) {
      std::span<const frontdoor::PastContact> rows(past.data() + from, past.size() - from);
      std::size_t first = 0;
      while (first < rows.size() && rows[first].received < received - reach) ++first;
      auto got = history_in_windows(p, reach, received, rows);
      CHECK(got.data() == rows.data() + first);
      CHECK(got.size() == rows.size() - first);
    }
    // Over the limit: the rows just outside the windows are cut off, so only those inside count.
    std::vector<frontdoor::PastContact> many(frontdoor::kMaxHistoryItems + 3);
    for (std::size_t i = 0; i < many.size(); ++i) many[i].received = i < 3 ? start - 1 : start + static_cast<std::int64_t>(i);
    auto got = history_in_windows(p, reach, received, many);
    CHECK(got.size() == frontdoor::kMaxHistoryItems);
    CHECK(got.front().received == start + 3);
  }
}

// A months window counts exactly the rows from the same day and time n months back (minus_months,
// with the day clamped to a shorter month's end), though count_history works that start out only
// for a row within 28n to 31n days back: rows at and either side of the start and of both bounds,
// on every day from late January to April of a common year and from December to April of a leap
// year, at two times of day.
TEST_CASE("a months window counts the rows from exactly its start") {
  using namespace frontdoor::detail;
  auto rs =
      compile_ok(document("  any_1m: {count: contacts, within: 1 month}\n"
                          "  any_2m: {count: contacts, within: 2 months}\n"
                          "  any_1200m: {count: contacts, within: 1200 months}\n"
                          "  any_10d: {count: contacts, within: 10 days}\n"));
  const Program& p = rs->program();
  const auto& counters = p.doc.counters;
  REQUIRE(counters.size() == 7);
  std::vector<std::int64_t> got(counters.size());
  int compared = 0;
  std::vector<std::int64_t> days;
  for (auto [from, to] : {std::pair{"2027-01-25", "2027-04-06"}, std::pair{"2027-12-01", "2028-04-06"}})
    for (std::int64_t day = *parse_timestamp(std::string(from) + "T00:00:00Z"); day < *parse_timestamp(std::string(to) + "T00:00:00Z");
         day += kMsPerDay)
      days.push_back(day);
  for (std::int64_t day : days)
    for (std::int64_t received : {day, day + 13 * 3600000 + 37 * 60000 + 1500}) {
      frontdoor::Contact c;
      c.received = received;
      for (std::size_t i = 0; i < counters.size(); ++i) {
        const frontdoor::Counter& k = counters[i];
        if (k.sharing != frontdoor::Counter::Sharing::any) continue;
        const std::int64_t n = k.within;
        const std::int64_t start = k.unit == frontdoor::Counter::Unit::months
                                       ? minus_months(received, n)
                                       : received - n * (k.unit == frontdoor::Counter::Unit::weeks ? 7 : 1) * kMsPerDay;
        for (std::int64_t at : {start - 1, start, start + 1, received - 28 * n * kMsPerDay - 1, received - 28 * n * kMsPerDay,
                                received - 31 * n * kMsPerDay - 1, received - 31 * n * kMsPerDay, received - 1, received}) {
          std::vector<frontdoor::PastContact> past(1);
          past[0].received = at;
          past[0].referral = true;
          count_history(p, c, past, got.data());
          CAPTURE(format_timestamp(received));
          CAPTURE(k.id);
          CAPTURE(at - start);
          CHECK(got[i] == (at >= start && at < received ? 1 : 0));
          ++compared;
        }
      }
    }
  CHECK(compared == 396 * 5 * 9);
}
