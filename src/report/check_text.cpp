// A check's report in words, as `frontdoor check` prints it on stderr.
#include <sstream>

#include "frontdoor/report.hpp"

namespace frontdoor {

std::string summary(const CheckReport& r) {
  std::ostringstream out;
  if (!r.rule_set) return out.str();
  out << r.path << ": " << summary(r.rule_set->document()) << "; " << (r.examples - r.examples_failed) << " of " << r.examples
      << " worked examples pass";
  if (!r.proved) return out.str();
  std::size_t unsettled = 0;
  double ms = 0;
  for (auto& t : r.timings) {
    unsettled += t.result == ProofAnswer::unknown;
    ms += t.milliseconds;
  }
  const Coverage& c = r.coverage;
  out << "; worked examples exercise " << c.rules_exercised << "/" << c.rules_total << " rules and " << c.routing_exercised << "/"
      << c.routing_total << " routing entries; " << r.timings.size() << " solver queries in " << static_cast<long>(ms) << " ms";
  if (unsettled) out << " (" << unsettled << " not settled in time)";
  return out.str();
}

std::string timings_text(const CheckReport& r) {
  std::ostringstream out;
  for (auto& t : r.timings) out << "  " << to_string(t.result) << "  " << t.milliseconds << " ms  " << t.proof << "\n";
  return out.str();
}

}  // namespace frontdoor
