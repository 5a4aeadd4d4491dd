// A row resolved by the fast path, packed into (for the documents councils write) one cache line:
// the rows are packed in the order they will be decided in, so that deciding reads them front to
// back. A row that does not fit (a value beyond 16 bits, more than kMaxConcerns concerns, many text
// fields) is left to the engine's own resolve. Internal to src/batch/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "batch/page_pool.hpp"
#include "frontdoor/contact.hpp"

namespace frontdoor::detail {
struct Program;
}

namespace frontdoor::batch {

// The layout: a Header, then a 16-bit value per name slot, a known bit per slot, and up to
// kMaxConcerns (concern, level + 1) triples, rounded up to whole cache lines.
struct PackedLayout {
  static constexpr std::size_t kMaxConcerns = 8;
  struct Header {
    std::int64_t received;
    std::uint32_t string_start;
    std::uint8_t string_count;
    std::uint8_t string_thread;
    std::uint8_t flags;  // kFast: resolved by the fast path; kOwnHistory: the row has its own history
    std::uint8_t concerns;
  };
  static constexpr std::uint8_t kFast = 1, kOwnHistory = 2;

  std::size_t slots = 0, stride = 0, known_at = 0, concerns_at = 0;

  explicit PackedLayout(std::size_t s)
      : slots(s),
        stride((sizeof(Header) + 2 * s + (s + 7) / 8 + 3 * kMaxConcerns + 63) / 64 * 64),
        known_at(sizeof(Header) + 2 * s),
        concerns_at(known_at + (s + 7) / 8) {}
};

// One thread's packed rows, at their places in its order.
class PackedRows {
 public:
  using Header = PackedLayout::Header;

  PackedRows(std::size_t rows, const PackedLayout& layout, columns::PagePool* pool)
      : layout_(layout), data_(std::make_unique<ScratchBuffer>(rows * layout.stride, pool)) {}

  const PackedLayout& layout() const { return layout_; }
  std::byte* row(std::size_t r) const { return data_->get() + r * layout_.stride; }
  // Not zeroed: every row's header is written (by store or by the caller) before it is read.
  Header& header(std::size_t r) const { return *reinterpret_cast<Header*>(row(r)); }

  // A row made by the fast path (stride bytes, 16-aligned) is stored past the caches: it is read
  // back only when its owner decides it, after the whole phase.
  void store(std::size_t r, const std::byte* made) const {
    std::byte* to = row(r);
#if defined(__SSE2__)
    for (std::size_t off = 0; off < layout_.stride; off += 16)
      _mm_stream_si128(reinterpret_cast<__m128i*>(to + off), _mm_load_si128(reinterpret_cast<const __m128i*>(made + off)));
#else
    std::memcpy(to, made, layout_.stride);
#endif
  }

  // Row r as the engine's resolved contact (without id and child, which decide nothing); its strings
  // are strings[thread][start ..] as the header says.
  void unpack(std::size_t r, Contact& c, const detail::Program& p, const std::vector<std::vector<std::string>>& strings) const;

 private:
  PackedLayout layout_;
  std::unique_ptr<ScratchBuffer> data_;
};

// Makes the streamed stores of this thread seen by the thread that decides the rows.
inline void publish_stores() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

}  // namespace frontdoor::batch
