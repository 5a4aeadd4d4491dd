// Hashes and cache keys for the short texts a batch meets again and again (sources, channels,
// concern cells, children). Internal to the batch (src/batch/).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace frontdoor::batch {

// 64x64 -> 128-bit multiply, folded: the mixing step of text_hash.
inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

// A text of fewer than 8 bytes as one word, with fixed-size loads only: two 4-byte loads that
// overlap, or for 1 to 3 bytes the first, middle and last (with the length, every byte is covered).
inline std::uint64_t short_word(const char* p, std::size_t n) {
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return a | (static_cast<std::uint64_t>(b) << 32);
  }
  if (n == 0) return 0;
  return static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) |
         (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
         (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16);
}

inline std::uint64_t text_hash(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  std::uint64_t w = 0;
  if (n >= 8) {
    // Whole words, then the last eight bytes (overlapping the previous word): fixed-size loads only,
    // never a memcpy of a variable length (a call into libc).
    for (; n > 8; p += 8, n -= 8) {
      std::memcpy(&w, p, 8);
      h = mix(h ^ w, 0xBF58476D1CE4E5B9ull);
    }
    std::memcpy(&w, p + n - 8, 8);
  } else {
    w = short_word(p, n);
  }
  return mix(h ^ w, 0x94D049BB133111EBull);
}

// FNV-1a, independent of text_hash: with both, a child is known by 128 bits, so grouping the rows
// by child needs no string comparisons (two children would have to collide in both hashes).
inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
  return h;
}

// A text as a cache key: its hash and, for texts of up to 16 bytes (most cells: sources, channels,
// booleans, enum values), two words that with the length identify it, so that a look-up compares
// words instead of calling memcmp.
struct TextKey {
  std::string_view s;
  std::uint64_t hash = 0, w0 = 0, w1 = 0;
  explicit TextKey(std::string_view v) : s(v) {
    const char* p = v.data();
    std::size_t n = v.size();
    if (n > 16) {
      hash = text_hash(v);
      return;
    }
    if (n >= 8) {  // two loads that overlap: with n they cover every byte once or twice
      std::memcpy(&w0, p, 8);
      std::memcpy(&w1, p + n - 8, 8);
    } else {
      w0 = short_word(p, n);
    }
    hash = mix(w0 ^ (0x9E3779B97F4A7C15ull + n), w1 ^ 0xBF58476D1CE4E5B9ull);
  }
  bool is_short() const { return s.size() <= 16; }
};

}  // namespace frontdoor::batch
