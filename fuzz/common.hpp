// Shared by the fuzz targets: the default document, compiled once.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "frontdoor/frontdoor.hpp"

namespace fdfuzz {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline const frontdoor::RuleSet& default_rules() {
  static std::shared_ptr<const frontdoor::RuleSet> rules = [] {
    auto c = frontdoor::compile(read_file(FRONTDOOR_SOURCE_DIR "/rules/exampleshire.yaml"), "rules/exampleshire.yaml");
    if (!c.ok()) {
      std::fprintf(stderr, "fuzz: the default document does not compile\n");
      std::abort();
    }
    return c.rule_set;
  }();
  return *rules;
}

// Everything a host would do with a decision: its words, its JSON, its reasons.
inline std::size_t use(const frontdoor::RuleSet& rs, const frontdoor::Decision& d) {
  auto v = rs.view(d);
  std::size_t n = v.to_json().size() + v.reasons().size() + v.actions().size() + v.deadline().size();
  if (d.ok()) n += v.level().size() + v.outcome().size() + v.category().size() + v.flags().size() + v.rules().size();
  return n;
}

}  // namespace fdfuzz
