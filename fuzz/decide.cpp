// decide on a fuzzed contact: the input is one JSON object, read as the command line reads it,
// decided against the default document alone, with history, in a batch, and explained.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& rs = fdfuzz::default_rules();
  auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  frontdoor::ContactRecord r = frontdoor::cli::record_from_json(j);
  std::size_t n = fdfuzz::use(rs, rs.decide(r));
  auto ex = rs.explain(r);
  n += fdfuzz::use(rs, ex.decision) + ex.steps.size();
  // The same contact three times for one child: each is the next one's history.
  std::vector<frontdoor::ContactRecord> batch{r, r, r};
  for (auto& d : rs.decide_batch(batch)) n += fdfuzz::use(rs, d);
  return n == static_cast<std::size_t>(-1);
}
