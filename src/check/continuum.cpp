#include "check/continuum.hpp"

#include <algorithm>

#include "util/diagnostics.hpp"

namespace frontdoor::detail {

namespace {

const char* unproved_why(const Program& p) {
  const bool spread = std::any_of(p.doc.concerns.begin(), p.doc.concerns.end(), [](const Concern& c) { return c.domains.size() > 1; });
  for (const Instr& in : p.code)
    if (in.op == Op::domain_count && spread) return "the proofs do not cover domain_count() over a concern in several domains yet";
  return nullptr;
}

}  // namespace

std::optional<Finding> unproved_constructs(const Program& p) {
  const char* why = unproved_why(p);
  if (!why) return std::nullopt;
  std::vector<Diagnostic> out;
  Diagnostics(*p.source, out).warning("FD315", 0, std::string(why) + "; nothing was proved (the worked examples still ran)");
  return Finding{std::move(out.back()), {}};
}

void drop_met_needs(const ThresholdDocument& doc, std::vector<Finding>& findings) {
  std::vector<SourceOffset> met;
  for (const Concern& c : doc.concerns)
    if (c.indicator && !c.descriptors.empty() && c.descriptors.front().level == 0) met.push_back(c.at);
  std::sort(met.begin(), met.end());
  std::erase_if(findings, [&](const Finding& f) {
    return f.diagnostic.code == "FD303" && std::binary_search(met.begin(), met.end(), f.diagnostic.offset);
  });
}

}  // namespace frontdoor::detail
