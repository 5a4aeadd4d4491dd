// Resource limits (docs/limits.md), each tested just under, at and just over its value: under and
// at are accepted, over is a clear error naming the limit, never a crash, a hang or a silent cut.
#include <doctest/doctest.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "documents.hpp"
#include "frontdoor/records.hpp"

using namespace fdtest;
using frontdoor::CompileOptions;
using frontdoor::ContactRecord;
using frontdoor::HistoryRecord;

namespace {

// The diagnostics of a document, whether or not it compiles.
std::vector<frontdoor::Diagnostic> diagnostics_of(const std::string& text, const CompileOptions& o = {}) {
  return frontdoor::compile(text, "test.yaml", o).diagnostics;
}

bool mentions(const std::vector<frontdoor::Diagnostic>& ds, const std::string& code) {
  return std::any_of(ds.begin(), ds.end(), [&](auto& d) { return d.code == code; });
}

// A document with one rule whose `when` is `expr` (single-quoted YAML, so any CEL text fits).
std::string with_rule(const std::string& expr) {
  std::string quoted;
  for (char c : expr) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return document("rules:\n  - id: r\n    when: '" + quoted + "'\n    flags: [f]\n");
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// "1, 2, ..., n"
std::string ints(std::size_t n) {
  std::string out;
  for (std::size_t i = 1; i <= n; ++i) out += (i > 1 ? ", " : "") + std::to_string(i);
  return out;
}

}  // namespace

TEST_CASE("the documented defaults") {
  CompileOptions o;
  CHECK(o.max_document_bytes == 4u * 1024 * 1024);
  CHECK(o.max_nesting == 32);
  CHECK(o.max_expression_bytes == 4096);
  CHECK(o.max_expression_depth == 64);
  CHECK(o.max_entries == 2000);
  CHECK(frontdoor::kMaxHistoryItems == 10000);
}

TEST_CASE("document size: 4 MiB, from text and from a file") {
  const std::size_t limit = CompileOptions{}.max_document_bytes;
  std::string base = document();
  auto padded = [&](std::size_t size) {
    std::string t = base + "# ";
    t += std::string(size - t.size() - 1, 'x');
    t += '\n';
    REQUIRE(t.size() == size);
    return t;
  };
  for (std::size_t size : {limit - 1, limit}) {
    auto ds = diagnostics_of(padded(size));
    CHECK_FALSE(mentions(ds, "FD104"));
    CHECK_FALSE(frontdoor::has_errors(ds));
  }
  CHECK(has(diagnostics_of(padded(limit + 1)), "FD104", 0, "over the limit of 4194304 bytes"));

  auto path = std::filesystem::temp_directory_path() / "frontdoor_test_limits_size.yaml";
  for (std::size_t size : {limit, limit + 1}) {
    std::ofstream(path, std::ios::binary) << padded(size);
    auto c = frontdoor::compile_file(path);
    REQUIRE(c.ok());
    CHECK(mentions(c->diagnostics, "FD104") == (size > limit));
    CHECK(c->ok() == (size <= limit));
  }
  std::filesystem::remove(path);
}

TEST_CASE("YAML nesting: 32 open lists and mappings, counting the document's own mapping") {
  // `title: [[...]]` with k brackets opens 1 + k containers. The value is then the wrong kind for a
  // title (FD112), but only k = 32 is over the nesting limit.
  for (std::size_t k : {30u, 31u}) {
    auto ds = diagnostics_of(document() + "title: " + std::string(k, '[') + std::string(k, ']') + "\n");
    CHECK_FALSE(mentions(ds, "FD104"));
    CHECK(mentions(ds, "FD112"));
  }
  CHECK(has(diagnostics_of(document() + "title: " + std::string(32, '[') + std::string(32, ']') + "\n"), "FD104", 0, "limit of 32 levels"));
  // Deep enough to crash a recursive parser; refused at the limit instead.
  CHECK(has(diagnostics_of("a: " + std::string(100000, '[') + "\n"), "FD104"));
  CHECK(has(diagnostics_of(repeat("- ", 5000) + "x\n"), "FD104"));
}

TEST_CASE("aliases and anchors are refused, so cycles and bombs never expand") {
  CHECK(has(diagnostics_of("a: &a [*a]\n"), "FD103"));
  CHECK(has(diagnostics_of(document() + "title: &t x\nversion: *t\n"), "FD103"));
  // Billion laughs: nine levels of ten aliases each.
  std::string bomb = "a0: &a0 [\"lol\"]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  CHECK(has(diagnostics_of(bomb), "FD103"));
}

TEST_CASE("expression length: 4,096 bytes") {
  auto sized = [](std::size_t n) {  // `true` behind spaces, n bytes in all
    return std::string(n - 4, ' ') + "true";
  };
  for (std::size_t n : {4095u, 4096u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule(sized(n)))));
  CHECK(has(diagnostics_of(with_rule(sized(4097))), "FD208", 0, "4097 bytes, over the limit of 4096"));
}

TEST_CASE("expression nesting: 64 levels of parentheses, lists, calls, unary operators and conditionals") {
  auto parens = [](std::size_t n) { return std::string(n, '(') + "consent" + std::string(n, ')'); };
  auto nots = [](std::size_t n) { return std::string(n, '!') + "consent"; };
  auto negs = [](std::size_t n) { return std::string(n, '-') + "score < 0"; };
  for (std::size_t n : {63u, 64u}) {
    CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule(parens(n)))));
    CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule(nots(n)))));
    CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule(negs(n)))));
  }
  CHECK(has(diagnostics_of(with_rule(parens(65))), "FD208", 0, "deeper than the limit of 64"));
  CHECK(has(diagnostics_of(with_rule(nots(65))), "FD208", 0, "deeper than the limit of 64"));
  CHECK(has(diagnostics_of(with_rule(negs(65))), "FD208", 0, "deeper than the limit of 64"));
  // Conditionals nest in their branches: c ? a : (c ? a : ...).
  auto conds = [](std::size_t n) { return repeat("consent ? true : ", n) + "false"; };
  CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule(conds(64)))));
  CHECK(has(diagnostics_of(with_rule(conds(65))), "FD208"));
  // Precedence levels do not count: a long flat chain is not deep.
  CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule("score + " + repeat("1 + ", 500) + "1 > 0"))));
  // Far past the limit: refused without exhausting the C++ stack.
  CHECK(has(diagnostics_of(with_rule(std::string(4000, '!') + "consent")), "FD208"));
}

TEST_CASE("list literals: 256 items") {
  for (std::size_t n : {255u, 256u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule("score in [" + ints(n) + "]"))));
  CHECK(has(diagnostics_of(with_rule("score in [" + ints(257) + "]")), "FD208", 0, "more than 256 items"));
}

TEST_CASE("evaluation stack: 512 values") {
  // Lists of different lengths compare with every item on the stack: 256 + 255 + 1 = 512.
  auto eq = [](std::size_t a, std::size_t b) { return "[" + ints(a) + "] == [" + ints(b) + "]"; };
  CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule(eq(256, 254)))));  // 511
  CHECK_FALSE(frontdoor::has_errors(diagnostics_of(with_rule(eq(256, 255)))));  // 512
  // One value already on the stack below the comparison: 513.
  CHECK(has(diagnostics_of(with_rule("score + (" + eq(256, 255) + " ? 1 : 0) > 0")), "FD208", 0, "evaluation stack"));
}

TEST_CASE("entries: 2,000 rules, routing entries, concerns, tests, list items, flags") {
  auto rules = [](std::size_t n) {
    std::string t = "rules:\n";
    for (std::size_t i = 0; i < n; ++i)
      t += "  - {id: r" + std::to_string(i) + ", when: 'score > " + std::to_string(i) + "', flags: [f]}\n";
    return document(t);
  };
  for (std::size_t n : {1999u, 2000u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(rules(n))));
  CHECK(has(diagnostics_of(rules(2001)), "FD104", 0, "over the limit of 2000"));

  auto routing = [](std::size_t n) {
    std::string t = "routing:\n";
    for (std::size_t i = 0; i < n; ++i)
      t += "  - {id: e" + std::to_string(i) + ", when: 'score > " + std::to_string(i) + "', outcome: allocated}\n";
    return document(t);
  };
  for (std::size_t n : {1999u, 2000u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(routing(n))));
  CHECK(has(diagnostics_of(routing(2001)), "FD104"));

  auto concerns = [](std::size_t total) {  // the base document has 4
    std::string t = document(), extra;
    for (std::size_t i = 4; i < total; ++i) extra += "  c" + std::to_string(i) + ": {domain: family, levels: {complex: \"x\"}}\n";
    t.insert(t.find("history:\n"), extra);
    return t;
  };
  for (std::size_t n : {1999u, 2000u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(concerns(n))));
  CHECK(has(diagnostics_of(concerns(2001)), "FD104"));

  auto tests = [](std::size_t n) {
    std::string t = "tests:\n";
    for (std::size_t i = 0; i < n; ++i)
      t += "  - {name: t" + std::to_string(i) + ", contact: {received: \"2026-05-05T10:00:00Z\"}, expect: {level: universal}}\n";
    return document(t);
  };
  for (std::size_t n : {1999u, 2000u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(tests(n))));
  CHECK(has(diagnostics_of(tests(2001)), "FD104"));

  // Any one list or mapping: here an enum's values, and a rule's flags.
  auto enum_values = [](std::size_t n) {
    std::string t = document(), v;
    for (std::size_t i = 0; i < n; ++i) v += (i ? ", v" : "v") + std::to_string(i);
    t.insert(t.find("concerns:\n"), "  big: {type: enum, values: [" + v + "]}\n");
    return t;
  };
  for (std::size_t n : {1999u, 2000u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(enum_values(n))));
  CHECK(has(diagnostics_of(enum_values(2001)), "FD104", 0, "more than 2000 items"));

  auto flags = [](std::size_t per_rule, std::size_t rules) {  // distinct flags across rules
    std::string t = "rules:\n";
    for (std::size_t r = 0; r < rules; ++r) {
      t += "  - {id: r" + std::to_string(r) + ", when: consent, flags: [";
      for (std::size_t i = 0; i < per_rule; ++i) t += (i ? ", f" : "f") + std::to_string(r * per_rule + i);
      t += "]}\n";
    }
    return document(t);
  };
  CHECK_FALSE(frontdoor::has_errors(diagnostics_of(flags(1000, 2))));  // 2000 distinct
  CHECK(has(diagnostics_of(flags(1000, 3)), "FD104", 0, "at most 2000 distinct flags"));

  // A mapping with far more keys than any limit is refused as it is read, in time linear in its size.
  std::string wide = "frontdoor: 1\ntitle: {";
  for (int i = 0; i < 200000; ++i) wide += "k" + std::to_string(i) + ": 1, ";
  wide += "}\n";
  CHECK(has(diagnostics_of(wide), "FD104", 0, "more than 2000 keys"));

  // The limit is an option.
  CompileOptions small;
  small.max_entries = 20;  // every list and mapping, the document's own (12 keys here) included
  CHECK_FALSE(frontdoor::has_errors(diagnostics_of(rules(20), small)));
  CHECK(has(diagnostics_of(rules(21), small), "FD104"));
}

TEST_CASE("history counters: 64") {
  auto counters = [](std::size_t total) {  // the base document has 3
    std::string t = document();
    for (std::size_t i = 3; i < total; ++i) t += "  k" + std::to_string(i) + ": {count: contacts, within: 1 month}\n";
    return t;
  };
  for (std::size_t n : {63u, 64u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(counters(n))));
  CHECK(has(diagnostics_of(counters(65)), "FD104", 0, "at most 64 history counters"));
}

TEST_CASE("domains: 64") {
  auto domains = [](std::size_t total) {  // the base document has 3
    std::string t = document(), extra;
    for (std::size_t i = 3; i < total; ++i)
      extra += "  d" + std::to_string(i) + ": {domain: dom" + std::to_string(i) + ", levels: {complex: \"x\"}}\n";
    t.insert(t.find("history:\n"), extra);
    return t;
  };
  for (std::size_t n : {63u, 64u}) CHECK_FALSE(frontdoor::has_errors(diagnostics_of(domains(n))));
  CHECK(has(diagnostics_of(domains(65)), "FD104", 0, "at most 64 domains"));
}

TEST_CASE("history items per contact: 10,000") {
  auto rs = compile_ok(document("rules:\n  - {id: many, when: 'similar_3m >= 2', flags: [repeat]}\n"));
  auto with_history = [](std::size_t n) {
    ContactRecord c = contact("2026-05-05T10:00:00Z");
    c.set("child", std::string("K1"));
    c.concerns.push_back({"neglect", "complex"});
    std::vector<HistoryRecord> h(n);
    for (auto& item : h) {
      item.received = "2026-04-05T10:00:00Z";
      item.concerns.push_back({"neglect", "early_help"});
    }
    c.history = std::move(h);
    return c;
  };
  for (std::size_t n : {9999u, 10000u}) {
    auto d = rs->decide(with_history(n));
    CHECK(d.ok());
    CHECK(rs->view(d).flags().size() == 1);
  }
  auto over = rs->decide(with_history(10001));
  CHECK_FALSE(over.ok());
  CHECK(over.error == "history: 10001 earlier contacts, over the limit of 10000");
  CHECK(over.contact == "C1");

  // In a batch, a child's earlier rows are its history: the limit counts those inside the counters'
  // windows (12 months here), so a long record of a child is decided in full, and only a child with
  // more earlier rows than the limit inside the windows is rejected.
  auto rows = [](std::size_t n, std::int64_t seconds_apart) {
    std::vector<ContactRecord> out;
    std::int64_t t0 = 1700000000;
    for (std::size_t i = 0; i < n; ++i) {
      ContactRecord r;
      r.set("id", "C" + std::to_string(i));
      r.set("child", std::string("K1"));
      std::time_t t = static_cast<std::time_t>(t0 + static_cast<std::int64_t>(i) * seconds_apart);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
      r.set("received", std::string(buf));
      r.concerns.push_back({"neglect", "early_help"});
      out.push_back(std::move(r));
    }
    return out;
  };
  {  // 12,000 rows one a day: about 366 in any window; all decided.
    auto batch = rows(12000, 86400);
    auto ds = rs->decide_batch(batch);
    CHECK(std::all_of(ds.begin(), ds.end(), [](auto& d) { return d.ok(); }));
    // The last row's counters are what its full history gives.
    ContactRecord last = batch.back();
    std::vector<HistoryRecord> h;
    for (std::size_t i = 0; i + 1 < batch.size(); ++i) {
      HistoryRecord item;
      item.received = std::get<std::string>(*batch[i].find("received"));
      item.concerns = batch[i].concerns;
      item.outcome = std::string(rs->view(ds[i]).outcome());
      h.push_back(std::move(item));
    }
    std::vector<HistoryRecord> recent(h.end() - 9000, h.end());
    auto alone = rs->decide(last, recent);
    CHECK(rs->view(alone).to_json() == rs->view(ds.back()).to_json());
  }
  {  // 10,002 rows a minute apart: rows 10,001 and 10,002 have over 10,000 earlier rows in the window.
    auto ds = rs->decide_batch(rows(10002, 60));
    for (std::size_t i = 0; i < 10001; ++i) REQUIRE(ds[i].ok());
    CHECK_FALSE(ds[10001].ok());
    CHECK(ds[10001].error.find("the limit of history items per contact") != std::string::npos);
    CHECK(ds[10001].contact == "C10001");
  }
}

// --- the contact readers (src/records/records.cpp) ------------------------------------------

namespace {
std::vector<ContactRecord> jsonl(const std::string& text) {
  std::istringstream in(text);
  return frontdoor::read_json_lines(in);
}
std::vector<ContactRecord> csv(const std::string& text) {
  std::istringstream in(text);
  return frontdoor::read_csv(in);
}
// A JSON Lines line of exactly n bytes (without its newline): a valid contact padded with spaces.
std::string json_line(std::size_t n) {
  std::string s = R"({"id":"C1","received":"2026-05-05T10:00:00Z"})";
  s.insert(s.size() - 1, std::string(n - s.size(), ' '));
  return s;
}
}  // namespace

TEST_CASE("JSON Lines: a line of at most 1 MiB; a longer one is a row with an error") {
  const std::size_t limit = frontdoor::kMaxRecordBytes;
  CHECK(limit == 1024 * 1024);
  for (std::size_t n : {limit - 1, limit}) {
    auto rows = jsonl(json_line(n) + "\n" + json_line(100) + "\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].problem.empty());
    CHECK(rows[1].problem.empty());
  }
  auto rows = jsonl(json_line(100) + "\n" + json_line(limit + 1) + "\n" + json_line(100));  // no final newline
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].problem.empty());
  CHECK(rows[1].problem == "line 2: longer than the limit of 1048576 bytes");
  CHECK(rows[2].problem.empty());
  // Blank lines are not rows; bad JSON, NUL bytes and invalid UTF-8 are rows with errors.
  rows = jsonl(std::string("\n  \n{\"id\":\nnot json\n{\"id\":\"a") + '\0' + "b\"}\n{\"id\":\"\xC3\x28\"}\n\r\n");
  REQUIRE(rows.size() == 4);
  for (auto& r : rows) CHECK(r.problem.find("not valid JSON") != std::string::npos);
}

TEST_CASE("CSV: a stray or unclosed quote never swallows the rows after it") {
  const std::string head = "id,received,concerns\n";
  // A quote inside a cell is an ordinary character (RFC 4180 quotes only whole cells).
  auto rows = csv(head + "C1,2026-05-05T10:00:00Z,\nC2 \"the second,2026-05-05T10:00:00Z,\nC3,2026-05-05T10:00:00Z,\n");
  REQUIRE(rows.size() == 3);
  for (auto& r : rows) CHECK(r.problem.empty());
  CHECK(std::get<std::string>(*rows[1].find("id")) == "C2 \"the second");
  // A quoted cell with a comma, a doubled quote and a line break is one row.
  rows = csv(head + "\"C,1\",2026-05-05T10:00:00Z,\"neglect=complex\"\n\"C\"\"2\n\",2026-05-05T10:00:00Z,\nC3,2026-05-05T10:00:00Z,\n");
  REQUIRE(rows.size() == 3);
  CHECK(std::get<std::string>(*rows[0].find("id")) == "C,1");
  CHECK(std::get<std::string>(*rows[1].find("id")) == "C\"2\n");
  // A quote opened and never closed: that row is its own line, with an error; later lines are rows.
  rows = csv(head + "C1,2026-05-05T10:00:00Z,\n\"C2,2026-05-05T10:00:00Z,\nC3,2026-05-05T10:00:00Z,\nC4,2026-05-05T10:00:00Z,\n");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].problem.empty());
  CHECK(rows[1].problem == "line 3: a quoted cell is never closed");
  CHECK(rows[2].problem.empty());
  CHECK(rows[3].problem.empty());
  // A stray quote closed by another, lines later: the lines between are not one row.
  rows = csv(head +
             "C1,2026-05-05T10:00:00Z,\n\"C2,2026-05-05T10:00:00Z,\nC3,2026-05-05T10:00:00Z,\n"
             "C4,2026-05-05T10:00:00Z,\"neglect=complex\nC5,2026-05-05T10:00:00Z,\n");
  REQUIRE(rows.size() == 5);
  CHECK(rows[1].problem == "line 3: a quoted cell is never closed");
  CHECK(rows[2].problem.empty());
  CHECK(rows[3].problem == "line 5: a quoted cell is never closed");
  CHECK(rows[4].problem.empty());
  // Wrong number of cells, CRLF line ends, a BOM, a missing final newline.
  rows = csv("\xEF\xBB\xBFid,received\r\nC1,2026-05-05T10:00:00Z\r\nC2\r\nC3,2026-05-05T10:00:00Z,extra");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].problem.empty());
  CHECK(rows[1].problem == "line 3: has 1 cells, the header has 2");
  CHECK(rows[2].problem == "line 4: has 3 cells, the header has 2");
  // A header that cannot be read: every row is kept, each with an error.
  rows = csv("id,\"received\n1,2\n3,4\n");
  REQUIRE(rows.size() == 2);
  for (auto& r : rows) CHECK(r.problem.find("header") != std::string::npos);
}

TEST_CASE("CSV: a row of at most 1 MiB") {
  const std::size_t limit = frontdoor::kMaxRecordBytes;
  const std::string head = "id,received,note\n";
  auto row = [](std::size_t n) {  // n bytes without the newline
    std::string s = "C1,2026-05-05T10:00:00Z,";
    return s + std::string(n - s.size(), 'x');
  };
  for (std::size_t n : {limit - 1, limit}) {
    auto rows = csv(head + row(n) + "\n" + row(50) + "\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].problem.empty());
  }
  auto rows = csv(head + row(limit + 1) + "\n" + row(50) + "\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].problem == "line 2: longer than the limit of 1048576 bytes");
  CHECK(rows[1].problem.empty());
}
