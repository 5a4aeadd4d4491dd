// The loader's reading of YAML nodes into values: kinds, scalars, identifiers, references to declared
// ids, size limits, and the keys each section allows; every problem becomes a diagnostic (FD1xx) at
// the node, and reading goes on so that all of a document's problems are reported at once.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/rule_set.hpp"
#include "load/sections.hpp"
#include "load/yaml_tree.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor::detail {

class NodeReader {
 public:
  using Node = YamlNode;

  NodeReader(const SourceText& src, const CompileOptions& opt, std::vector<Diagnostic>& out)
      : src_(src), opt_(opt), out_(out), d_(src, out) {}

  // Report unknown keys (with a suggestion) and missing required ones.
  void keys(const Node& map, const Section& section, std::string_view what = {}) {
    if (what.empty()) what = section.what;
    std::vector<std::string_view> all(section.allowed.begin(), section.allowed.end());
    for (std::size_t i = 0; i < map.size(); ++i) {
      const Node& k = map.key(i);
      if (std::find(all.begin(), all.end(), k.value) == all.end())
        d_.error("FD110", k.at,
                 "unknown key '" + k.value + "'" + (what.empty() ? "" : " in " + std::string(what)) + did_you_mean(k.value, all));
    }
    for (auto r : section.required)
      if (!map.find(r))
        d_.error("FD111", map.at, "missing required key '" + std::string(r) + "'" + (what.empty() ? "" : " in " + std::string(what)));
  }

  bool expect_kind(const Node& n, Node::Kind kind, std::string_view what) {
    if (n.kind == kind) return true;
    static constexpr const char* names[] = {"nothing", "a single value", "a list", "a mapping"};
    d_.error("FD112", n.at, std::string(what) + " must be " + names[static_cast<int>(kind)] + ", not " + names[static_cast<int>(n.kind)]);
    return false;
  }

  std::string text(const Node& n, std::string_view what) {
    if (!expect_kind(n, Node::Kind::scalar, what)) return {};
    return n.value;
  }

  std::optional<std::int64_t> integer(const Node& n, std::string_view what) {
    if (!expect_kind(n, Node::Kind::scalar, what)) return std::nullopt;
    auto v = parse_int(n.value);
    if (!v || n.quoted) {
      d_.error("FD113", n.at, std::string(what) + " must be a whole number, not '" + n.value + "'");
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const Node& n, std::string_view what) {
    if (!expect_kind(n, Node::Kind::scalar, what)) return std::nullopt;
    if (!n.quoted && (n.value == "true" || n.value == "True" || n.value == "TRUE")) return true;
    if (!n.quoted && (n.value == "false" || n.value == "False" || n.value == "FALSE")) return false;
    d_.error("FD113", n.at, std::string(what) + " must be true or false, not '" + n.value + "'");
    return std::nullopt;
  }

  static std::optional<std::int64_t> parse_int(std::string_view s) {
    std::int64_t v = 0;
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
  }

  // An identifier: what expressions and decisions name things by.
  bool identifier(const Node& n, const std::string& id, std::string_view what) {
    bool ok = !id.empty() && (std::isalpha(static_cast<unsigned char>(id[0])) || id[0] == '_') && id.size() <= 64 &&
              std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!ok)
      d_.error("FD113", n.at,
               std::string(what) + " '" + id + "' must be a word of letters, digits and _ (at most 64), starting with a letter");
    return ok;
  }

  Index ref(const Node& n, std::string_view what, std::string_view kind, const std::vector<std::string_view>& ids) {
    std::string v = text(n, what);
    if (v.empty() && !n.is_scalar()) return kNoIndex;
    auto it = std::find(ids.begin(), ids.end(), v);
    if (it == ids.end()) {
      d_.error("FD121", n.at, std::string(what) + ": unknown " + std::string(kind) + " '" + v + "'" + unknown_id_hint(v, ids));
      return kNoIndex;
    }
    return static_cast<Index>(it - ids.begin());
  }

  std::vector<Index> refs(const Node& n, std::string_view what, std::string_view kind, const std::vector<std::string_view>& ids) {
    std::vector<Index> out;
    if (!expect_kind(n, Node::Kind::sequence, what)) return out;
    for (auto& item : n.children) {
      Index i = ref(item, what, kind, ids);
      if (i != kNoIndex && std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
    }
    return out;
  }

  bool limit(const Node& n, std::string_view what) {
    if (n.size() <= opt_.max_entries) return true;
    d_.error("FD104", n.at,
             std::string(what) + " has " + std::to_string(n.size()) + " entries, over the limit of " + std::to_string(opt_.max_entries));
    return false;
  }

 protected:
  const SourceText& src_;
  const CompileOptions& opt_;
  std::vector<Diagnostic>& out_;
  Diagnostics d_;
};

inline std::vector<std::string_view> views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

}  // namespace frontdoor::detail
