// The YAML reader on its own: the tree, its positions and `quoted` flags, and each protection.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "load/yaml_tree.hpp"
#include "util/diagnostics.hpp"

namespace {

using frontdoor::detail::YamlLimits;
using frontdoor::detail::YamlNode;

struct Read {
  frontdoor::SourceText source;
  std::vector<frontdoor::Diagnostic> diagnostics;
  YamlNode root;
  Read(std::string text, YamlLimits limits = {1u << 22, 32, 2000}) : source("t.yaml", std::move(text)) {
    root = frontdoor::detail::read_yaml(source, limits, diagnostics);
  }
  // "line:col" of a node, as diagnostics show it.
  std::string where(const YamlNode& n) const {
    auto lc = source.locate(n.at);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }
  // The first diagnostic as "CODE line:col message".
  std::string first() const {
    if (diagnostics.empty()) return "none";
    const auto& d = diagnostics.front();
    return d.code + " " + std::to_string(d.at.line) + ":" + std::to_string(d.at.column) + " " + d.message;
  }
};

}  // namespace

TEST_CASE("YAML reader: scalars, nulls and the quoted flag") {
  Read r("a: 'x'\nb: \"y\\tz\"\nc: |\n  lit\nd: >-\n  fold\n  ed\ne: ! plain\nf: ~\ng: null\nh: NULL\ni: nul\nj:\nk: ''\nl: 12\n");
  REQUIRE(r.diagnostics.empty());
  REQUIRE(r.root.is_map());
  auto val = [&](const char* key) { return *r.root.find(key); };
  CHECK((val("a").value == "x" && val("a").quoted));
  CHECK((val("b").value == "y\tz" && val("b").quoted));
  CHECK((val("c").value == "lit\n" && val("c").quoted));
  CHECK((val("d").value == "fold ed" && val("d").quoted));
  CHECK((val("e").value == "plain" && val("e").quoted));  // the non-specific tag `!` makes text
  for (const char* k : {"f", "g", "h", "j"}) CHECK(val(k).is_null());
  CHECK((val("i").is_scalar() && !val("i").quoted));
  CHECK((val("k").is_scalar() && val("k").value.empty() && val("k").quoted));
  CHECK((val("l").value == "12" && !val("l").quoted));
}

TEST_CASE("YAML reader: positions are where a node starts, 1-based as diagnostics show them") {
  Read r("a: 'x'\nb: # note |\n  |\n  text\nc:\n  - [p: 1, q]\nd:\ne: !tag\n  1\n");
  REQUIRE(r.root.is_map());
  CHECK(r.where(r.root) == "1:1");
  CHECK(r.where(*r.root.find_key("b")) == "2:1");
  CHECK(r.where(*r.root.find("a")) == "1:4");  // the opening quote
  CHECK(r.where(*r.root.find("b")) == "3:3");  // the block indicator, not the comment's `|`
  const YamlNode& c = *r.root.find("c");
  CHECK(r.where(c) == "6:3");                          // a block list: its first `-`
  CHECK(r.where(c.children[0]) == "6:5");              // a flow list: its `[`
  CHECK(r.where(c.children[0].children[0]) == "6:6");  // a flow pair: its key
  CHECK(r.where(*r.root.find("d")) == "8:1");          // an empty value: where the next token starts
  CHECK(r.where(*r.root.find("e")) == "8:4");          // a tag comes first
  CHECK(r.first().starts_with("FD101 8:4 YAML tags (!tag)"));

  Read bom(
      "\xEF\xBB\xBF"
      "a: 1\nb: [x]\n");  // a byte order mark is not text, but it has bytes
  REQUIRE(bom.root.is_map());
  CHECK(bom.root.at == 3);
  CHECK(bom.root.find("b")->at == 11);
  Read crlf("a: 1\r\nb: 'x'\r\n");
  REQUIRE(crlf.root.is_map());
  CHECK(crlf.root.find("b")->at == 9);
  Read lone_cr("a: 'x\ry'\nb: 2\n");  // yaml-cpp counts a lone CR as a line break; offsets still hold
  REQUIRE(lone_cr.root.is_map());
  CHECK(lone_cr.root.find_key("b")->at == 9);
  Read wide("a: \xC3\xA9t\xC3\xA9\nb: [x, \xC3\xBC]\n");  // columns count bytes
  REQUIRE(wide.root.is_map());
  CHECK(wide.root.find("b")->children[1].at == 16);
}

TEST_CASE("YAML reader: anchors, aliases, tags and keys that are not words") {
  Read alias("a: &x 1\nb: *x\n");
  CHECK(alias.first() == "FD103 1:4 YAML anchors (&name) are not allowed in a threshold document");
  CHECK(alias.diagnostics.size() == 2);
  CHECK(Read("a: &a [*a]\n").diagnostics.size() == 2);
  CHECK(Read("a: !!str 5\n").first().starts_with("FD101 1:4 YAML tags"));
  CHECK(Read("a: !!map {b: 1}\n").diagnostics.empty());  // tags on lists and mappings are ignored
  CHECK(Read("[a]: 1\n").first() == "FD101 1:1 a mapping key must be a plain word, not a list or mapping");
  Read dup("a: 1\nb: 2\na: 3\n");
  CHECK(dup.first() == "FD102 3:1 duplicate key 'a' (first at t.yaml:1:1)");
}

TEST_CASE("YAML reader: syntax errors have a line and a column, and nothing is thrown") {
  CHECK(Read("id: corpus: x\n").first() == "FD101 1:11 YAML syntax: illegal map value");
  CHECK(Read("a: [x, y\n").first().starts_with("FD101 2:1 YAML syntax:"));
  CHECK(Read("a: \"abc\nb: 1\n").first() == "FD101 1:4 YAML syntax: this quoted text has no closing quote");
  CHECK(Read("a: 'it''s\n").first() == "FD101 1:4 YAML syntax: this quoted text has no closing quote");
  CHECK(Read("a: 'it''s'\n").diagnostics.empty());
  CHECK(Read("a: \"x\\\"\"\n").diagnostics.empty());
  CHECK(Read("a: [x, , y]\n").first().starts_with("FD101 1:8 YAML syntax: an empty entry"));
  CHECK(Read("a: [, y]\n").first().starts_with("FD101 1:5 YAML syntax: an empty entry"));
  CHECK(Read("a: {p: 1, , q: 2}\n").first().starts_with("FD101 1:11 YAML syntax: an empty entry"));
  CHECK(Read("a: [x, ]\nb: {p: , q: 1}\n").diagnostics.empty());  // a trailing comma, an empty value
  for (const char* bad : {"a: @x\n", "a:\n\tb: 1\n", "a: {b: 1", "- a\nb: 1\n", "a: !<x\n", "%YAML 9.9\n---\na: 1\n", "]\n"}) {
    Read r(bad);
    INFO(bad);
    CHECK(r.first().starts_with("FD10"));
  }
}

TEST_CASE("YAML reader: one document, and an empty file is FD111") {
  for (const char* empty : {"", "# only a comment\n", "...\n", "# c\n...\n"}) {
    INFO(empty);
    CHECK(Read(empty).first() == "FD111 1:1 the document is empty");
  }
  CHECK(Read("...\na: 1\n").diagnostics.empty());
  CHECK(Read("---\n").root.is_null());
  CHECK(Read("~\n").root.is_null());
  CHECK(Read("a: 1\n---\nb: 2\n").first() == "FD101 3:1 only one YAML document is allowed per file");
  CHECK(Read("a: 1\n...\n---\n[b]\n").first() == "FD101 4:1 only one YAML document is allowed per file");
}

TEST_CASE("YAML reader: nesting is bounded before the parser's recursion is deep") {
  const std::string deep(100000, '[');
  // The 32nd `[` opens the 33rd level (the mapping is the first).
  CHECK(Read("a: " + deep + std::string(100000, ']') + "\n").first() == "FD104 1:35 nesting is deeper than the limit of 32 levels");
  // Never closed, yaml-cpp reads each `[` after the first as a list holding a mapping whose key is
  // the next list, two levels a bracket: the limit is passed at the 17th.
  CHECK(Read("a: " + deep + "\n").first() == "FD104 1:20 nesting is deeper than the limit of 32 levels");
  std::string maps;
  for (int i = 0; i < 100000; ++i) maps += "{a: ";
  CHECK(Read(maps).first().starts_with("FD104 1:125 nesting"));
  std::string dashes;
  for (int i = 0; i < 100000; ++i) dashes += "- ";
  CHECK(Read(dashes + "x\n").first().starts_with("FD104 1:65 nesting"));
  std::string block;
  for (int i = 0; i < 2000; ++i) block += std::string(i, ' ') + "a:\n";
  CHECK(Read(block).first().starts_with("FD104 33:33 nesting"));
  // A host may raise the limit, but not past what yaml-cpp's recursion allows (it refuses 500).
  Read raised("a: " + deep + std::string(100000, ']'), {1u << 22, 1u << 30, 2000});
  CHECK(raised.first() == "FD104 1:501 nesting is deeper than the limit of 498 levels");
  CHECK(Read("a: " + std::string(497, '[') + std::string(497, ']'), {1u << 22, 1u << 30, 2000}).diagnostics.empty());
  Read at_limit(std::string(32, '[') + std::string(32, ']'));
  CHECK(at_limit.diagnostics.empty());
  CHECK(Read(std::string(33, '[') + std::string(33, ']')).first().starts_with("FD104 1:33"));
}

TEST_CASE("YAML reader: lists and mappings are bounded") {
  auto list = [](int n) {
    std::string s = "[";
    for (int i = 0; i < n; ++i) s += "x,";
    return s + "]\n";
  };
  CHECK(Read(list(2000)).diagnostics.empty());
  CHECK(Read(list(2001)).first() == "FD104 1:1 this list has more than 2000 items, over the limit of 2000 entries");
  std::string map;
  for (int i = 0; i <= 2000; ++i) map += "k" + std::to_string(i) + ": 1\n";
  CHECK(Read(map).first() == "FD104 1:1 this mapping has more than 2000 keys, over the limit of 2000 entries");
  CHECK(Read("a: 1\n", {4, 32, 2000}).first().starts_with("FD104"));  // bytes, before any parsing
}
