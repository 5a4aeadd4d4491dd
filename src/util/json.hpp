// The library's one JSON writer, for decisions and every report (src/report/): fixed key order, so
// output is byte-for-byte reproducible. Compact (no whitespace) by default; indented, it lays out
// as the command line prints JSON: two spaces a level, "key": value, empty containers as [] and {}.
// (Reading JSON is the readers' business and uses nlohmann/json or simdjson.)
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace frontdoor::detail {

class JsonWriter {
 public:
  enum class Layout : std::uint8_t { compact, indented };
  JsonWriter() = default;
  explicit JsonWriter(Layout layout) : indented_(layout == Layout::indented) {}

  JsonWriter& open(char c) {
    comma();
    out_ += c;
    first_ = true;
    ++depth_;
    return *this;
  }
  JsonWriter& close(char c) {
    --depth_;
    if (indented_ && !first_) newline();
    out_ += c;
    first_ = false;
    return *this;
  }
  JsonWriter& key(std::string_view k) {
    comma();
    quote(k);
    out_ += indented_ ? ": " : ":";
    after_key_ = true;
    return *this;
  }
  // A JSON text this writer (or any compact writer) made, laid out as this writer lays out: its
  // containers, keys and values are replayed one by one, in their order.
  JsonWriter& embed(std::string_view json) {
    for (std::size_t i = 0; i < json.size();) {
      char c = json[i];
      if (c == '{' || c == '[') {
        open(c), ++i;
      } else if (c == '}' || c == ']') {
        close(c), ++i;
      } else if (c == ',' || c == ':' || c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        ++i;
      } else {
        std::size_t end = token_end(json, i);
        bool is_key = c == '"' && end < json.size() && json[end] == ':';
        if (is_key) {
          comma();
          out_.append(json.substr(i, end - i));
          out_ += indented_ ? ": " : ":";
          after_key_ = true;
        } else {
          comma();
          out_.append(json.substr(i, end - i));
        }
        i = end;
      }
    }
    return *this;
  }
  // A value already written as compact JSON (a pre-rendered fragment), appended as it is; an
  // indented writer lays it out as it would its own.
  JsonWriter& raw(std::string_view json) {
    if (indented_) return embed(json);
    comma();
    out_.append(json);
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
    if (indented_ && depth_ > 0) newline();
  }
  void newline() {
    out_ += '\n';
    out_.append(2 * static_cast<std::size_t>(depth_), ' ');
  }
  // Where the string, number or literal starting at json[i] ends.
  static std::size_t token_end(std::string_view json, std::size_t i) {
    if (json[i] == '"') {
      for (++i; i < json.size() && json[i] != '"'; ++i)
        if (json[i] == '\\') ++i;
      return std::min(i + 1, json.size());
    }
    while (i < json.size() && json[i] != ',' && json[i] != '}' && json[i] != ']' && json[i] != ':') ++i;
    return i;
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
  bool indented_ = false;
  int depth_ = 0;
};

}  // namespace frontdoor::detail
