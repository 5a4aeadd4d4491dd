// A batch's large scratch arrays (the packed rows). Internal to src/batch/; the pool they may be
// kept in between batches is the host's (frontdoor::columns::PagePool, BatchOptions::pages).
#pragma once

#include <cstddef>

#include "frontdoor/columns.hpp"

namespace frontdoor::batch {

// Not zeroed. A large one (of at least kLarge bytes) is mapped on its own with 2 MiB pages asked
// for where the system has them (POSIX), and when the batch was given a PagePool it is taken from
// there if one big enough is kept, and given back there when freed; without a pool it is unmapped.
class ScratchBuffer {
 public:
  static constexpr std::size_t kHuge = std::size_t{2} << 20, kLarge = 4 * kHuge;

  ScratchBuffer(std::size_t bytes, columns::PagePool* pool);
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  ~ScratchBuffer();
  std::byte* get() const { return data_; }
  bool mapped() const { return mapped_; }

 private:
  columns::PagePool* pool_;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;  // false: from the heap
};

}  // namespace frontdoor::batch
