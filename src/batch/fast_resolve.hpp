// The batch's fast path: it resolves a block of rows at a time, column by column, straight into
// their packed form (PackedRows): each column is read front to back with its caches warm, and no
// row is put together as a Contact first. A row it cannot take (one the engine would reject, or
// whose values do not fit the packed form) is left to the engine's own resolve, which words the
// error. One per thread (its caches are its own). Internal to src/batch/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "batch/batch_plan.hpp"
#include "batch/packed_row.hpp"

namespace frontdoor::batch {

class FastResolver {
 public:
  static constexpr std::size_t kBlock = 256;

  // engine_only (when given): per row, 1 for a row the engine must resolve from its record.
  FastResolver(const BatchPlan& plan, const std::vector<const columns::Column*>& columns, const PackedLayout& layout,
               const std::uint8_t* engine_only = nullptr);
  ~FastResolver();

  // Resolves rows [from, to) given each row's received time as the keys phase read it, and packs
  // each at its place, packed[owner[row]] at slot[row] (its strings appended to `strings`, which
  // is strings[thread]); a row left to the engine gets flags 0 there.
  void resolve(std::size_t from, std::size_t to, const std::int64_t* received, std::uint8_t thread, std::vector<std::string>& strings,
               std::span<const PackedRows> packed, std::span<const std::uint8_t> owner, std::span<const std::uint32_t> slot);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace frontdoor::batch
