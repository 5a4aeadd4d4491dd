// Small helpers shared by the figures, audit and diff reports: a JSON writer that also writes
// ratios, and number formatting for the text reports. Private to src/figures.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace frontdoor::detail {

class ReportJson {
 public:
  ReportJson& open(char c) {
    comma();
    out_ += c;
    first_ = true;
    return *this;
  }
  ReportJson& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  ReportJson& key(std::string_view k) {
    comma();
    quote(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  ReportJson& str(std::string_view s) {
    comma();
    quote(s);
    return *this;
  }
  ReportJson& num(std::int64_t v) {
    comma();
    out_ += std::to_string(v);
    return *this;
  }
  ReportJson& null() {
    comma();
    out_ += "null";
    return *this;
  }
  ReportJson& boolean(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return *this;
  }
  // A ratio n / of, to six significant digits; null when `of` is zero.
  ReportJson& ratio(std::int64_t n, std::int64_t of) {
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
  std::string take() && { return std::move(out_); }

 private:
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  void quote(std::string_view s) {
    out_ += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            static const char* hex = "0123456789abcdef";
            out_ += "\\u00";
            out_ += hex[c >> 4];
            out_ += hex[c & 0xf];
          } else {
            out_ += static_cast<char>(c);
          }
      }
    }
    out_ += '"';
  }
  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

// 24000 -> "24,000"
inline std::string thousands(std::int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

// n / of as a percentage with one decimal ("41.2%"); "-" when `of` is zero.
inline std::string percent(std::int64_t n, std::int64_t of) {
  if (of == 0) return "-";
  char buf[32];
  double v = 100.0 * static_cast<double>(n) / static_cast<double>(of);
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  return std::string(buf, r.ptr) + "%";
}

inline std::string pad_left(std::string s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}
inline std::string pad_right(std::string s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace frontdoor::detail
