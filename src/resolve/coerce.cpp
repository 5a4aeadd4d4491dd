#include "resolve/coerce.hpp"

#include <charconv>
#include <cmath>

namespace frontdoor::coerce {

bool bool_of_text(std::string_view s, std::int64_t& out) {
  if (s.size() > 5) return false;  // longer than "false": neither
  char l[6] = {};
  for (std::size_t i = 0; i < s.size(); ++i) l[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  std::string_view v(l, s.size());
  if (v == "true" || v == "1") return out = 1, true;
  if (v == "false" || v == "0") return out = 0, true;
  return false;
}

bool int_of_text(std::string_view t, std::int64_t& out) {
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc() && p == t.data() + t.size() && !t.empty();
}

bool bool_of_real(double d, std::int64_t& out) {
  if (d != 0 && d != 1) return false;
  return out = static_cast<std::int64_t>(d), true;
}

bool int_of_real(double d, std::int64_t& out) {
  if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > 9.007199254740992e15) return false;
  return out = static_cast<std::int64_t>(d), true;
}

bool text_of_real(double d, std::string& out) {
  if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) >= 1e15) return false;
  return out = std::to_string(static_cast<std::int64_t>(d)), true;
}

bool bool_of(const Scalar& v, std::int64_t& out) {
  if (auto* b = std::get_if<bool>(&v)) return out = *b, true;
  if (auto* i = std::get_if<std::int64_t>(&v); i && (*i == 0 || *i == 1)) return out = *i, true;
  if (auto* d = std::get_if<double>(&v)) return bool_of_real(*d, out);
  if (auto* s = std::get_if<std::string>(&v)) return bool_of_text(*s, out);
  return false;
}

bool int_of(const Scalar& v, std::int64_t& out) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return out = *i, true;
  if (auto* d = std::get_if<double>(&v)) return int_of_real(*d, out);
  if (auto* s = std::get_if<std::string>(&v)) return int_of_text(*s, out);
  return false;
}

bool text_of(const Scalar& v, std::string& out) {
  if (auto* s = std::get_if<std::string>(&v)) return out = *s, true;
  if (auto* i = std::get_if<std::int64_t>(&v)) return out = std::to_string(*i), true;
  if (auto* d = std::get_if<double>(&v)) return text_of_real(*d, out);
  return false;
}

bool is_absent(const Scalar& v) {
  if (std::holds_alternative<std::monostate>(v)) return true;
  if (auto* d = std::get_if<double>(&v)) return std::isnan(*d);
  return false;
}

}  // namespace frontdoor::coerce
