// A minimal JSON writer for decisions and reports: fixed key order, no whitespace, so output is
// byte-for-byte reproducible. (Reading JSON is the CLI's business and uses nlohmann/json.)
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace frontdoor::detail {

class JsonWriter {
 public:
  JsonWriter& open(char c) {
    comma();
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  JsonWriter& key(std::string_view k) {
    comma();
    quote(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& string(std::string_view s) {
    comma();
    quote(s);
    return *this;
  }
  JsonWriter& null() {
    comma();
    out_ += "null";
    return *this;
  }
  JsonWriter& boolean(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return *this;
  }
  JsonWriter& number(std::int64_t v) {
    comma();
    out_ += std::to_string(v);
    return *this;
  }
  // A ratio n / of, to six significant digits; null when `of` is zero (the figures' reports).
  JsonWriter& ratio(std::int64_t n, std::int64_t of) {
    comma();
    if (of == 0) {
      out_ += "null";
      return *this;
    }
    char buf[32];
    double v = static_cast<double>(n) / static_cast<double>(of);
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
    out_.append(buf, r.ptr);
    return *this;
  }
  std::string str() && { return std::move(out_); }
  const std::string& str() const& { return out_; }

 private:
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  void quote(std::string_view s) { append_quoted(out_, s); }

 public:
  // `s` as a JSON string (quoted and escaped) at the end of `out`.
  static void append_quoted(std::string& out_, std::string_view s) {
    out_ += '"';
    std::size_t run = 0;  // append unescaped runs whole, not byte by byte
    for (std::size_t i = 0; i < s.size(); ++i) {
      // Eight plain bytes at a time (most text is plain ASCII): none below 0x20, '"', '\\' or >= 0x80.
      while (i + 8 <= s.size() && plain8(s.data() + i)) i += 8;
      if (i == s.size()) break;
      auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {  // text from a contact file may not be UTF-8: never write invalid JSON
        std::size_t n = utf8_length(s, i);
        if (n) {
          i += n - 1;
          continue;
        }
        out_.append(s.data() + run, i - run);
        run = i + 1;
        out_ += "\\ufffd";
        continue;
      }
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static const char* hex = "0123456789abcdef";
          out_ += "\\u00";
          out_ += hex[c >> 4];
          out_ += hex[c & 0xf];
        }
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

 private:
  static bool plain8(const char* p) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    auto has_zero = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
    const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;  // exact for bytes < 0x80, checked next
    return !((x & highs) | below_space | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\')));
  }
  // The length of the well-formed UTF-8 sequence at s[i] (a lead byte >= 0x80), or 0.
  static std::size_t utf8_length(std::string_view s, std::size_t i) {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = at(i);
    std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
      if ((at(i + k) & 0xC0) != 0x80) return 0;
    unsigned char c1 = at(i + 1);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return 0;
    return n;
  }

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace frontdoor::detail
