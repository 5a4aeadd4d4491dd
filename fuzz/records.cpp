// The command line's readers: JSON Lines and CSV (the first byte chooses), then every row decided
// in one batch. Every row read must give exactly one decision.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "common.hpp"
#include "frontdoor/records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& rs = fdfuzz::default_rules();
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  auto rows = (data[0] & 1) ? frontdoor::read_csv(in) : frontdoor::read_json_lines(in);
  auto decisions = rs.decide_batch(rows);
  if (decisions.size() != rows.size()) std::abort();
  std::size_t n = 0;
  std::ostringstream out;
  for (auto& d : decisions) {
    n += fdfuzz::use(rs, d);
    frontdoor::write_csv_row(out, rs, d);
  }
  return n == static_cast<std::size_t>(-1);
}
