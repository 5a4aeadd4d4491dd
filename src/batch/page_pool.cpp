// Why a pool at all: a fresh mapping costs a page fault per page touched and the kernel's zeroing of
// every page. For the packed rows (64 MiB a million rows) perf put that at about 5% of a call, and
// keeping them for the next call measured about 3% faster a call. Kept buffers are given back with
// MADV_FREE: the kernel takes their pages only when it needs memory, and until then the next batch
// writes over them without a fault. That is worth it only to a host that decides batch after batch,
// so it is the host's choice (BatchOptions::pages), owned by the host, never process-global state.
#include "batch/page_pool.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#define FRONTDOOR_HAVE_MMAP 1
#else
#define FRONTDOOR_HAVE_MMAP 0
#endif

namespace frontdoor::columns {

struct PagePool::State {
  std::mutex mu;
  std::vector<std::pair<std::byte*, std::size_t>> kept;
  std::size_t bytes = 0, keep = 0;
};

PagePool::PagePool(std::size_t keep_bytes) : state_(std::make_unique<State>()) { state_->keep = keep_bytes; }

PagePool::~PagePool() {
#if FRONTDOOR_HAVE_MMAP
  for (auto [p, n] : state_->kept) munmap(p, n);
#endif
}

std::size_t PagePool::kept_bytes() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->bytes;
}

}  // namespace frontdoor::columns

namespace frontdoor::batch {
namespace {

constexpr std::align_val_t kLine{64};

#if FRONTDOOR_HAVE_MMAP
// `size` bytes (a multiple of kHuge), 2 MiB-aligned within a larger mapping whose slack is unmapped.
std::byte* map_aligned(std::size_t size) {
  constexpr std::size_t huge = ScratchBuffer::kHuge;
  void* p = mmap(nullptr, size + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  auto at = reinterpret_cast<std::uintptr_t>(p), aligned = (at + huge - 1) / huge * huge;
  if (aligned > at) munmap(p, aligned - at);
  if (std::size_t tail = at + size + huge - (aligned + size)) munmap(reinterpret_cast<void*>(aligned + size), tail);
  auto* data = reinterpret_cast<std::byte*>(aligned);
#if defined(MADV_HUGEPAGE)
  madvise(data, size, MADV_HUGEPAGE);
#endif
  return data;
}
#endif

}  // namespace

// The pool's side of a buffer: the smallest kept one of at least `size` bytes (its size then given
// back in `size`), and taking one back (false: the pool is full, the caller unmaps it).
struct PoolAccess {
  static std::byte* take(columns::PagePool& pool, std::size_t& size) {
    auto& s = *pool.state_;
    std::lock_guard<std::mutex> lock(s.mu);
    auto best = s.kept.end();
    for (auto it = s.kept.begin(); it != s.kept.end(); ++it)
      if (it->second >= size && (best == s.kept.end() || it->second < best->second)) best = it;
    if (best == s.kept.end()) return nullptr;
    auto [p, n] = *best;
    s.kept.erase(best);
    s.bytes -= n;
    size = n;
    return p;
  }
  static bool give([[maybe_unused]] columns::PagePool& pool, [[maybe_unused]] std::byte* p, [[maybe_unused]] std::size_t size) {
#if FRONTDOOR_HAVE_MMAP && defined(MADV_FREE)
    auto& s = *pool.state_;
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.bytes + size > s.keep || madvise(p, size, MADV_FREE) != 0) return false;
    s.kept.emplace_back(p, size);
    s.bytes += size;
    return true;
#else
    return false;
#endif
  }
};

ScratchBuffer::ScratchBuffer(std::size_t bytes, columns::PagePool* pool) : pool_(pool) {
#if FRONTDOOR_HAVE_MMAP
  if (bytes >= kLarge) {
    size_ = (bytes + kHuge - 1) / kHuge * kHuge;
    mapped_ = true;
    data_ = pool_ ? PoolAccess::take(*pool_, size_) : nullptr;
    if (!data_) data_ = map_aligned(size_);
    return;
  }
#endif
  size_ = (std::max<std::size_t>(bytes, 1) + 63) / 64 * 64;
  data_ = static_cast<std::byte*>(::operator new(size_, kLine));
}

ScratchBuffer::~ScratchBuffer() {
  if (!mapped_) {
    ::operator delete(data_, kLine);
    return;
  }
#if FRONTDOOR_HAVE_MMAP
  if (!pool_ || !PoolAccess::give(*pool_, data_, size_)) munmap(data_, size_);
#endif
}

}  // namespace frontdoor::batch
