// The only file that includes yaml-cpp (see yaml_tree.hpp for why events, not YAML::Load).
//
// yaml-cpp's parser calls an EventHandler as it reads; the handler below builds the loader's tree and
// makes every check as the events arrive. yaml-cpp's parser recurses once per level of nesting, so the
// nesting limit is enforced at the event that opens a level: the handler throws to stop the parser
// long before its recursion is deep (a 100,000-deep `[[[...` stops at level 33).
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <exception>
#include <istream>
#include <new>
#include <streambuf>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "load/yaml_tree.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor::detail {
namespace {

// yaml-cpp 0.7 refuses a 500th level of its own recursion (one level per list or mapping) with
// DeepRecursion, whose mark is wherever its scanner has read to; a host's max_nesting above this is
// capped so that our limit, with its exact position, is always the one that fires.
constexpr unsigned kParserNesting = 498;

struct Abort {};  // thrown from the handler to stop yaml-cpp at once (a limit was hit, and reported)

// The source text as a read-only stream, without copying it into an istringstream.
class ViewBuffer final : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* p = const_cast<char*>(text.data());  // only ever read: no put area is set
    setg(p, p, p + text.size());
  }
};

// yaml-cpp's marks count bytes of the text it parses, which is the source without a leading UTF-8
// byte order mark (yaml-cpp drops it). Counting by `pos`, not line and column, also keeps a lone
// carriage return, which yaml-cpp counts as a line break and SourceText does not, from moving a mark.
class Positions {
 public:
  explicit Positions(const SourceText& src) : size_(src.text().size()), bom_(src.text().starts_with("\xEF\xBB\xBF") ? 3 : 0) {}
  SourceOffset operator()(const YAML::Mark& m) const {
    if (m.is_null() || m.pos < 0) return kNoOffset;
    return static_cast<SourceOffset>(std::min(static_cast<std::size_t>(m.pos) + bom_, size_));
  }

 private:
  std::size_t size_;
  std::size_t bom_;
};

class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(const SourceText& src, const YamlLimits& limits, Diagnostics& diags)
      : src_(src), at_(src), max_nesting_(std::min(limits.max_nesting, kParserNesting)), max_items_(limits.max_items), diags_(diags) {}

  YamlNode root;
  bool started = false;  // the document has a node (yaml-cpp gives even an empty one a null)

  void reset() {
    root = {};
    started = false;
    stack_.clear();
    flow_.clear();
  }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  // An empty value has no token of its own: yaml-cpp places it where the next token starts, so
  // `levels:` with nothing after it points at the line that follows.
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override {
    YamlNode n;
    n.at = at_(m);
    if (empty_flow_entry(n.at)) throw_syntax(n.at, "an empty entry in a flow list or mapping (a comma with nothing before it)");
    add(std::move(n));
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override {
    diags_.error("FD103", at_(m), "YAML aliases (*name) are not allowed in a threshold document; write the value out");
    OnNull(m, YAML::NullAnchor);
  }
  void OnAnchor(const YAML::Mark& m, const std::string&) override {
    diags_.error("FD103", at_(m), "YAML anchors (&name) are not allowed in a threshold document");
  }
  // yaml-cpp tags a quoted or block scalar "!" and a plain one "?"; an explicit non-specific tag `!`
  // is "!" too, and makes a plain scalar text. It reports a plain null word as OnNull.
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t, const std::string& value) override {
    YamlNode n;
    n.at = at_(m);
    if (!tag.empty() && tag != "!" && tag != "?")
      diags_.error("FD101", n.at, "YAML tags (" + tag + ") are not allowed in a threshold document");
    n.kind = YamlNode::Kind::scalar;
    n.value = value;
    n.quoted = tag == "!";
    if (n.quoted && !closed_quote(n.at)) throw_syntax(n.at, "this quoted text has no closing quote");
    add(std::move(n));
  }
  // Tags on lists and mappings are ignored.
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value style) override {
    open(YamlNode::Kind::sequence, m, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value style) override {
    open(YamlNode::Kind::mapping, m, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override { close(); }

 private:
  [[noreturn]] void throw_syntax(SourceOffset at, const std::string& what) {
    diags_.error("FD101", at, "YAML syntax: " + what);
    throw Abort{};
  }
  // yaml-cpp reads `[a, , b]`, `[, a]` and `{a: 1, , b: 2}` as having a null entry (placed at the
  // second comma); YAML 1.2 has no empty flow entries.
  bool empty_flow_entry(SourceOffset at) const {
    if (stack_.empty() || !flow_.back() || at >= src_.text().size() || src_.text()[at] != ',') return false;
    return stack_.back().is_seq() || stack_.back().children.size() % 2 == 0;
  }
  // yaml-cpp ends a quoted scalar never closed at the end of the file, quietly: the rest of the
  // document would become its text. A quote (at `at`) must have its closing one.
  bool closed_quote(SourceOffset at) const {
    const std::string& t = src_.text();
    if (at >= t.size() || (t[at] != '"' && t[at] != '\'')) return true;  // a block scalar, or a tag first
    const char q = t[at];
    for (std::size_t i = at + 1; i < t.size(); ++i) {
      if (q == '"' && t[i] == '\\')
        ++i;  // an escape: the next character is text
      else if (t[i] == q && !(q == '\'' && i + 1 < t.size() && t[i + 1] == '\''))
        return true;
      else if (t[i] == q)
        ++i;  // '' in single quotes is one quote
    }
    return false;
  }
  void open(YamlNode::Kind kind, const YAML::Mark& m, bool flow) {
    if (stack_.size() >= max_nesting_) {
      diags_.error("FD104", at_(m), "nesting is deeper than the limit of " + std::to_string(max_nesting_) + " levels");
      throw Abort{};
    }
    YamlNode n;
    n.kind = kind;
    n.at = at_(m);
    stack_.push_back(std::move(n));
    flow_.push_back(flow);
  }
  void close() {
    if (stack_.empty()) return;
    YamlNode n = std::move(stack_.back());
    stack_.pop_back();
    flow_.pop_back();
    if (n.is_map()) check_duplicate_keys(n);
    add(std::move(n));
  }
  void add(YamlNode n) {
    started = true;
    if (stack_.empty()) {
      root = std::move(n);
      return;
    }
    YamlNode& parent = stack_.back();
    // Every list and mapping is bounded (so are the sections, by the same number): this also bounds
    // the work of every per-item check that follows, and the diagnostics a hostile document can cause.
    if (parent.children.size() >= (parent.is_map() ? 2 * max_items_ : max_items_)) {
      diags_.error("FD104", parent.at,
                   std::string(parent.is_map() ? "this mapping has more than " : "this list has more than ") + std::to_string(max_items_) +
                       (parent.is_map() ? " keys" : " items") + ", over the limit of " + std::to_string(max_items_) + " entries");
      throw Abort{};
    }
    if (parent.is_map() && parent.children.size() % 2 == 0 && !n.is_scalar() && !n.is_null())
      diags_.error("FD101", n.at, "a mapping key must be a plain word, not a list or mapping");
    // A flow pair such as `[a: b]` starts at its key.
    if (parent.children.empty() && n.at != kNoOffset && (parent.at == kNoOffset || n.at < parent.at)) parent.at = n.at;
    parent.children.push_back(std::move(n));
  }

  // A hash of the keys seen: a mapping can have hundreds of thousands of keys before the section
  // limits apply, and comparing every pair of them would hang.
  void check_duplicate_keys(const YamlNode& map) {
    std::unordered_map<std::string_view, std::size_t> first;
    first.reserve(map.size());
    for (std::size_t i = 0; i < map.size(); ++i) {
      auto [it, fresh] = first.emplace(map.key(i).value, i);
      if (!fresh)
        diags_.error("FD102", map.key(i).at,
                     "duplicate key '" + map.key(i).value + "' (first at " + src_.where(map.key(it->second).at) + ")");
    }
  }

  const SourceText& src_;
  Positions at_;
  unsigned max_nesting_;
  std::size_t max_items_;
  Diagnostics& diags_;
  std::vector<YamlNode> stack_;
  std::vector<bool> flow_;  // for each node in stack_: a flow list or mapping ([...] or {...})
};

// yaml-cpp reads a `...` with nothing but comments before it as a null document; YAML 1.2 reads it
// as no document at all, so a file holding only `...` is empty.
bool bare_document_end(const std::string& t, const YamlNode& root) {
  if (!root.is_null() || root.at >= t.size() || t.compare(root.at, 3, "...") != 0) return false;
  if (root.at + 3 < t.size() && t[root.at + 3] != ' ' && t[root.at + 3] != '\t' && t[root.at + 3] != '\r' && t[root.at + 3] != '\n')
    return false;
  for (std::size_t line = 0; line < root.at;) {  // every line before it is blank, a comment or `...`
    std::size_t i = t.find_first_not_of(" \t\r", line);
    if (i < root.at && t[i] != '\n' && t[i] != '#' && t.compare(i, 3, "...") != 0) return false;
    std::size_t nl = t.find('\n', line);
    if (nl == std::string::npos) break;
    line = nl + 1;
  }
  return true;
}

// Reads the first document into `first`, and a second one, if any, only to say where it starts.
// Returns false when the stream holds no document at all. Throws what yaml-cpp or the handler throw.
bool parse(const SourceText& source, const YamlLimits& limits, Diagnostics& diags, TreeBuilder& first) {
  ViewBuffer buffer(source.text());
  std::istream in(&buffer);
  YAML::Parser parser(in);
  if (!parser.HandleNextDocument(first) || !first.started) return false;
  if (bare_document_end(source.text(), first.root)) {
    first.reset();
    if (!parser.HandleNextDocument(first) || !first.started) return false;
  }
  TreeBuilder rest(source, limits, diags);
  if (parser.HandleNextDocument(rest) && rest.started) diags.error("FD101", rest.root.at, "only one YAML document is allowed per file");
  return true;
}

}  // namespace

YamlNode read_yaml(const SourceText& source, const YamlLimits& limits, std::vector<Diagnostic>& out) {
  Diagnostics diags(source, out);
  if (!check_text(source, limits.max_bytes, diags)) return {};
  Positions at(source);
  TreeBuilder builder(source, limits, diags);
  try {
    if (!parse(source, limits, diags, builder)) {
      diags.error("FD111", 0, "the document is empty");
      return {};
    }
  } catch (const Abort&) {
    return {};
  } catch (const YAML::DeepRecursion& e) {
    // Not reached while kParserNesting is below yaml-cpp's limit; kept so that a yaml-cpp with a lower
    // one still gives a clear error.
    diags.error("FD104", at(e.mark), "nesting is deeper than the YAML parser's limit of " + std::to_string(e.depth() - 1) + " levels");
    return {};
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages are fixed texts (never the document's own words), so they can be shown.
    SourceOffset where = at(e.mark);
    diags.error("FD101", where == kNoOffset ? 0 : where, "YAML syntax: " + (e.msg.empty() ? std::string("not valid YAML") : e.msg));
    return {};
  } catch (const std::bad_alloc&) {
    diags.error("FD104", 0, "the document needs more memory to parse than is available");
    return {};
  } catch (const std::exception&) {
    diags.error("FD101", 0, "YAML syntax: the parser stopped without saying why");
    return {};
  }
  return std::move(builder.root);
}

}  // namespace frontdoor::detail
