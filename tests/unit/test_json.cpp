#include <doctest/doctest.h>

#include <string>

#include "util/json.hpp"

using frontdoor::detail::JsonWriter;

namespace {

// The escaping JSON needs, one byte at a time, for text that is valid UTF-8.
std::string quoted_byte_by_byte(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"')
      out += "\\\"";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20)
      out += "\\u00" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 0xf];
    else
      out += static_cast<char>(c);
  }
  return out + "\"";
}

std::string quoted(const std::string& s) {
  std::string out;
  JsonWriter::append_quoted(out, s);
  return out;
}

}  // namespace

TEST_CASE("a JSON string escapes exactly what it must, wherever it falls in the text") {
  // Plain runs are skipped eight bytes at a time: each special character is tried at every place
  // in texts of every length up to 40, so it falls at each offset of a word and in the tail.
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", " ", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  for (std::size_t length = 0; length <= 40; ++length)
    for (const auto& special : specials)
      for (std::size_t at = 0; at <= length; ++at) {
        std::string s(length, 'a');
        s.insert(at, special);
        CHECK(quoted(s) == quoted_byte_by_byte(s));
      }
  CHECK(quoted("abcdefgh\xff"
               "abcdefgh") == "\"abcdefgh\\ufffdabcdefgh\"");            // not UTF-8: replaced, never passed on
  CHECK(quoted("abcdefghijklmno\xc3") == "\"abcdefghijklmno\\ufffd\"");  // a sequence cut short at the end
}
