// The document loader: any bytes as a threshold document. Compiling must end in a RuleSet or in
// diagnostics, never a crash, a hang or unbounded memory; a document that compiles has its worked
// examples run and explained.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = frontdoor::compile(text, "fuzz.yaml");
  std::size_t n = 0;
  for (auto& d : c.diagnostics) n += frontdoor::format(d, c.source.get()).size();
  if (c.ok()) {
    if (!frontdoor::has_errors(c.diagnostics)) n += frontdoor::run_worked_examples(*c.rule_set).size();
    for (auto& t : c.rule_set->document().tests) {
      auto ex = c.rule_set->explain(t.contact, t.history);
      n += fdfuzz::use(*c.rule_set, ex.decision) + ex.steps.size();
    }
  }
  return n == static_cast<std::size_t>(-1);
}
