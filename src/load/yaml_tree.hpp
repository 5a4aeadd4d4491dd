// The loader's own YAML tree. yaml-cpp is confined to yaml_reader.cpp, which turns its parse events
// into this tree; nothing else sees a yaml-cpp type. Building from events (not from a parser's own
// document tree) is what lets us refuse aliases (no cycles, no billion laughs), see duplicate keys,
// and bound nesting and list sizes ourselves, as the document is read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/diagnostic.hpp"

namespace frontdoor::detail {

struct YamlNode {
  enum class Kind : unsigned char { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  bool quoted = false;  // a quoted or block scalar (or one tagged "!"): never a number, bool or null
  // Byte offset of the node's first character: its anchor or tag if it has one, else the opening
  // quote, the block scalar's `|` or `>`, a flow list's `[` or mapping's `{`, a block list's first
  // `-`, a block mapping's first key. An empty value (`key:` and nothing) has none of its own: it is
  // placed where the next token starts.
  SourceOffset at = kNoOffset;
  std::string value;               // scalars
  std::vector<YamlNode> children;  // sequence items; for a mapping, key, value, key, value, ...

  bool is_scalar() const noexcept { return kind == Kind::scalar; }
  bool is_map() const noexcept { return kind == Kind::mapping; }
  bool is_seq() const noexcept { return kind == Kind::sequence; }
  bool is_null() const noexcept { return kind == Kind::null; }
  std::size_t size() const noexcept { return kind == Kind::mapping ? children.size() / 2 : children.size(); }
  const YamlNode& key(std::size_t i) const { return children[2 * i]; }
  const YamlNode& val(std::size_t i) const { return children[2 * i + 1]; }
  const YamlNode* find_key(std::string_view k) const {
    for (std::size_t i = 0; i < size(); ++i)
      if (key(i).value == k) return &key(i);
    return nullptr;
  }
  const YamlNode* find(std::string_view k) const {
    for (std::size_t i = 0; i < size(); ++i)
      if (key(i).value == k) return &val(i);
    return nullptr;
  }
};

struct YamlLimits {
  std::size_t max_bytes;
  unsigned max_nesting;
  std::size_t max_items = 2000;  // items in one list, or keys in one mapping
};

// Parse one YAML document. Problems (syntax, aliases, duplicate keys, nesting, bad bytes) become
// diagnostics; the returned tree is usable only when none of them is an error. A plain scalar that
// is empty or ~, null, Null or NULL is a null node. Safe to call from any number of threads at once
// (each call has its own parser); nothing is ever printed.
YamlNode read_yaml(const SourceText& source, const YamlLimits& limits, std::vector<Diagnostic>& out);

}  // namespace frontdoor::detail
