// Helpers shared by the interchange sources (not installed).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontdoor/contact.hpp"
#include "resolve/coerce.hpp"

namespace frontdoor::interchange::detail {

using ojson = nlohmann::ordered_json;

// Dump without throwing on bytes that are not UTF-8 (they become U+FFFD): input files are meant
// to be UTF-8, and a stray Latin-1 byte must not stop a run.
inline std::string dump(const ojson& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// Reading a contact's values is the engine's (src/resolve/coerce.hpp): absent, and whether a
// boolean is true, as RuleSet::resolve reads them.
inline bool absent(const Scalar& v) { return coerce::is_absent(v); }
inline bool is_true(const Scalar* v) {
  std::int64_t b = 0;
  return v && coerce::bool_of(*v, b) && b == 1;
}

// Writing, not reading: a value as text, the way a CSV cell of a converted file shows it ("" when
// absent; booleans as true/false, other numbers as JSON writes them).
inline std::string text_of(const Scalar& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    if (std::isnan(*d)) return {};
    if (std::isfinite(*d) && *d == std::trunc(*d) && std::fabs(*d) < 1e15) return std::to_string(static_cast<std::int64_t>(*d));
    return ojson(*d).dump();
  }
  return {};
}

inline ojson json_of(const Scalar& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v); d && std::isfinite(*d)) return *d;
  return nullptr;
}

inline const Scalar* find_field(const ContactRecord& r, std::string_view name) { return r.find(name); }

inline std::string field_text(const ContactRecord& r, std::string_view name) {
  const Scalar* v = r.find(name);
  return v ? text_of(*v) : std::string();
}

// Civil dates and local times, through the system time-zone database (date/tz).
struct LocalTime {
  std::int32_t year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
};
bool known_timezone(const std::string& name);
// A local time in `tz` -> seconds since the epoch (UTC). In a clock change's gap, the moment the
// clocks change; in its repeated hour, the earlier of the two.
std::int64_t to_utc(const std::string& tz, const LocalTime&);
LocalTime to_local(const std::string& tz, std::int64_t utc_seconds);
std::int32_t days_from_civil(std::int32_t y, unsigned m, unsigned d);
LocalTime civil_from_days(std::int32_t days);
std::optional<std::int64_t> parse_instant(std::string_view iso);  // ISO 8601 with offset -> UTC seconds
std::optional<std::int32_t> parse_iso_date(std::string_view);     // YYYY-MM-DD -> days
std::string iso_instant(std::int64_t utc_seconds);                // YYYY-MM-DDTHH:MM:SSZ
std::string iso_date(std::int32_t days);                          // YYYY-MM-DD

// strftime-like patterns: %Y %m %d %H %M %S %%, anything else literal. Parsing accepts one or two
// digits for the two-digit fields and a fraction of a second after %S (dropped).
bool pattern_has_time(std::string_view pattern);
std::optional<LocalTime> parse_pattern(std::string_view text, std::string_view pattern);
std::string format_pattern(const LocalTime&, std::string_view pattern);

}  // namespace frontdoor::interchange::detail
