// The only file that includes yaml-cpp (see yaml_tree.hpp for why events, not YAML::Load).
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <string_view>
#include <unordered_map>

#include "util/diagnostics.hpp"
#include "load/yaml_tree.hpp"

namespace frontdoor::detail {
namespace {

struct Abort {};  // thrown from a handler to stop yaml-cpp early (nesting limit)

class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(const SourceText& src, const YamlLimits& limits, Diagnostics& diags)
      : src_(src), max_nesting_(limits.max_nesting), max_items_(limits.max_items), diags_(diags) {}

  YamlNode root;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override {
    YamlNode n;
    n.kind = YamlNode::Kind::null;
    n.at = offset(m);
    add(std::move(n));
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override {
    diags_.error("FD103", offset(m), "YAML aliases (*name) are not allowed in a threshold document; write the value out");
    OnNull(m, 0);
  }
  void OnAnchor(const YAML::Mark& m, const std::string&) override {
    diags_.error("FD103", offset(m), "YAML anchors (&name) are not allowed in a threshold document");
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t, const std::string& value) override {
    YamlNode n;
    n.kind = YamlNode::Kind::scalar;
    n.at = offset(m);
    n.value = value;
    n.quoted = tag == "!";  // yaml-cpp tags quoted and block scalars "!", plain ones "?"
    if (!tag.empty() && tag != "!" && tag != "?")
      diags_.error("FD101", n.at, "YAML tags (" + tag + ") are not allowed in a threshold document");
    add(std::move(n));
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(YamlNode::Kind::sequence, m);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(YamlNode::Kind::mapping, m);
  }
  void OnMapEnd() override { close(); }

 private:
  SourceOffset offset(const YAML::Mark& m) const {
    if (m.line < 0 || m.column < 0) return kNoOffset;
    return src_.offset_of(static_cast<std::uint32_t>(m.line) + 1, static_cast<std::uint32_t>(m.column) + 1);
  }
  void open(YamlNode::Kind kind, const YAML::Mark& m) {
    if (stack_.size() >= max_nesting_) {
      diags_.error("FD104", offset(m), "nesting is deeper than the limit of " + std::to_string(max_nesting_) + " levels");
      throw Abort{};
    }
    YamlNode n;
    n.kind = kind;
    n.at = offset(m);
    stack_.push_back(std::move(n));
  }
  void close() {
    YamlNode n = std::move(stack_.back());
    stack_.pop_back();
    if (n.is_map()) check_duplicate_keys(n);
    add(std::move(n));
  }
  void add(YamlNode n) {
    if (stack_.empty()) {
      root = std::move(n);
      return;
    }
    YamlNode& parent = stack_.back();
    // Every list and mapping is bounded (so are the sections, by the same number): this also bounds
    // the work of every per-item check that follows, and the diagnostics a hostile document can cause.
    if (parent.children.size() >= (parent.is_map() ? 2 * max_items_ : max_items_)) {
      diags_.error("FD104", parent.at, std::string(parent.is_map() ? "this mapping has more than " : "this list has more than ") +
                                           std::to_string(max_items_) + (parent.is_map() ? " keys" : " items") +
                                           ", over the limit of " + std::to_string(max_items_) + " entries");
      throw Abort{};
    }
    if (parent.is_map() && parent.children.size() % 2 == 0 && !n.is_scalar() && !n.is_null())
      diags_.error("FD101", n.at, "a mapping key must be a plain word, not a list or mapping");
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
  unsigned max_nesting_;
  std::size_t max_items_;
  Diagnostics& diags_;
  std::vector<YamlNode> stack_;
};

}  // namespace

YamlNode read_yaml(const SourceText& source, const YamlLimits& limits, std::vector<Diagnostic>& out) {
  Diagnostics diags(source, out);
  if (!check_text(source, limits.max_bytes, diags)) return {};
  std::istringstream in(source.text());
  TreeBuilder builder(source, limits, diags);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      diags.error("FD111", 0, "the document is empty");
      return {};
    }
    YamlNode extra_probe;
    TreeBuilder rest(source, limits, diags);
    if (parser.HandleNextDocument(rest)) diags.error("FD101", rest.root.at, "only one YAML document is allowed per file");
  } catch (const Abort&) {
    return {};
  } catch (const YAML::Exception& e) {
    SourceOffset at = e.mark.is_null() ? 0 : source.offset_of(e.mark.line + 1, e.mark.column + 1);
    diags.error("FD101", at, "YAML syntax: " + e.msg);
    return {};
  }
  return std::move(builder.root);
}

}  // namespace frontdoor::detail
