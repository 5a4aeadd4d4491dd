// What every request body is checked for before a reader sees it: valid UTF-8 (a contact's text
// goes into decisions and audit records, which must stay valid JSON) and bounded nesting (so no
// reader recurses deep on a hostile body). Messages name what is wrong, never a byte of the body.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace frontdoor::serve {

inline constexpr std::size_t kMaxJsonDepth = 32;

struct BodyProblem {
  std::string code;  // "invalid_utf8" | "too_deep"
  std::string message;
};

// Checks `body` as UTF-8 text and, unless `json_lines`, its nesting of arrays and objects outside
// strings (JSON Lines is nested per line, so each line is counted from zero).
std::optional<BodyProblem> check_body(std::string_view body, bool json_lines);

bool valid_utf8(std::string_view text);

}  // namespace frontdoor::serve
