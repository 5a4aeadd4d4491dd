#include "batch/group_table.hpp"

#include <algorithm>
#include <utility>

namespace frontdoor::batch {
namespace {

constexpr std::uint32_t kAloneBit = 1u << 31;

// Each of the thread's rows numbered by its group (children by first appearance; a row without a
// child is a group of its own), into slot[row]; the groups' sizes, kAloneBit marking a lone row.
std::vector<std::uint32_t> group_rows(const RowKeys& k, unsigned t, std::size_t expected, std::span<std::uint32_t> slot) {
  const std::size_t n = k.owner.size();
  GroupTable table(expected);
  std::vector<std::uint32_t> size;
  for (std::size_t row = 0; row < n; ++row) {
    if (row + 16 < n && k.has_child[row + 16]) table.prefetch(k.hash[row + 16]);
    if (k.owner[row] != t) continue;
    auto next = static_cast<std::uint32_t>(size.size());
    std::uint32_t g = next;
    if (!k.has_child[row]) {
      size.push_back(kAloneBit | 1);
    } else {
      g = table.find_or_add(k.hash[row], k.hash2[row], next);
      if (g == next) size.push_back(0);
      ++size[g];
    }
    slot[row] = g;  // for now: the row's group
  }
  return size;
}

// A group's rows (in input order) into (received, input) order: a stable sort by received.
void sort_group(std::size_t at, std::size_t end, std::vector<std::int64_t>& when, ThreadOrder& out, std::span<std::uint32_t> slot,
                std::vector<std::pair<std::int64_t, std::uint32_t>>& scratch) {
  auto first = when.begin() + static_cast<std::ptrdiff_t>(at), last = when.begin() + static_cast<std::ptrdiff_t>(end);
  if (end - at < 2 || std::is_sorted(first, last)) return;
  scratch.clear();
  for (std::size_t i = at; i < end; ++i) scratch.emplace_back(when[i], out.rows[i]);
  std::stable_sort(scratch.begin(), scratch.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (std::size_t i = at; i < end; ++i) {
    out.rows[i] = scratch[i - at].second;
    slot[out.rows[i]] = static_cast<std::uint32_t>(i);
  }
}

}  // namespace

void order_rows(const RowKeys& k, unsigned t, std::size_t expected, ThreadOrder& out, std::span<std::uint32_t> slot) {
  const std::vector<std::uint32_t> size = group_rows(k, t, expected, slot);
  std::vector<std::uint32_t> base(size.size());
  std::uint32_t total = 0;
  for (std::size_t g = 0; g < size.size(); ++g) {
    base[g] = total;
    total += size[g] & ~kAloneBit;
  }
  out.rows.resize(total);
  out.steps.resize(total);
  std::vector<std::int64_t> when(total);  // each place's received time, to sort a child's rows by
  for (std::size_t row = 0; row < k.owner.size(); ++row) {
    if (k.owner[row] != t) continue;
    std::uint32_t at = base[slot[row]]++;  // a child's rows in input order for now
    out.rows[at] = static_cast<std::uint32_t>(row);
    when[at] = k.received[row];
    slot[row] = at;
  }
  std::vector<std::pair<std::int64_t, std::uint32_t>> scratch;
  for (std::size_t g = 0, at = 0; g < size.size(); ++g) {
    std::size_t end = at + (size[g] & ~kAloneBit);
    out.steps[at] = (size[g] & kAloneBit) ? Step::alone : Step::first_of_child;
    for (std::size_t i = at + 1; i < end; ++i) out.steps[i] = Step::continues;
    sort_group(at, end, when, out, slot, scratch);
    at = end;
  }
}

}  // namespace frontdoor::batch
