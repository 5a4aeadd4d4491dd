// decide on a fuzzed contact: the input is one JSON object, read as the command line reads it,
// decided against the default document alone, with history, in a batch, and explained.
#include <cstddef>
#include <cstdint>

#include <string_view>

#include "common.hpp"
#include "frontdoor/records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& rs = fdfuzz::default_rules();
  frontdoor::ContactRecord r = frontdoor::record_from_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r.problem == "not valid JSON") return 0;
  std::size_t n = fdfuzz::use(rs, rs.decide(r));
  auto ex = rs.explain(r);
  n += fdfuzz::use(rs, ex.decision) + ex.steps.size();
  // The same contact three times for one child: each is the next one's history.
  std::vector<frontdoor::ContactRecord> batch{r, r, r};
  for (auto& d : rs.decide_batch(batch)) n += fdfuzz::use(rs, d);
  return n == static_cast<std::size_t>(-1);
}
