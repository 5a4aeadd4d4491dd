#include "serve/answers.hpp"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <sstream>

#include "frontdoor/columns.hpp"
#include "frontdoor/interchange.hpp"
#include "frontdoor/records.hpp"
#include "frontdoor/report.hpp"
#include "serve/body_checks.hpp"

namespace frontdoor::serve {
namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\', out += c;
    } else if (u < 0x20) {
      static const char* hex = "0123456789abcdef";
      out += "\\u00";
      out += hex[u >> 4], out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A decided contact, or the 400 that says why it was not.
Answer rejected(const Decision& d) { return error_answer(400, to_string(d.error_code), d.error, d.error_field); }

std::optional<Answer> unreadable(std::string_view body) {
  if (auto problem = check_body(body, false)) return error_answer(400, problem->code, problem->message);
  return std::nullopt;
}

}  // namespace

Answer error_answer(int status, std::string_view code, std::string_view message, std::string_view field) {
  Answer a;
  a.status = status;
  a.body = "{\"error\":{\"code\":" + json_string(code) + ",\"message\":" + json_string(message) +
           ",\"field\":" + (field.empty() ? std::string("null") : json_string(field)) + "}}";
  return a;
}

std::string new_decision_id() {
  std::array<std::uint8_t, 16> b{};
  std::size_t got = 0;
  while (got < b.size()) {
    ssize_t n = ::getrandom(b.data() + got, b.size() - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4], out += hex[b[i] & 15];
  }
  return out;
}

std::string with_member(std::string json, std::string_view key, std::string_view value) {
  json.pop_back();  // the object's closing brace
  if (json.size() > 1) json += ',';
  json += json_string(key);
  json += ':';
  json += value;
  json += '}';
  return json;
}

Answer decide_answer(const RuleSet& rules, std::string_view body) {
  if (auto bad = unreadable(body)) return *bad;
  ContactRecord record = record_from_json(body);
  Decision d = rules.decide(record);
  if (!d.ok()) return rejected(d);
  Answer a;
  a.body = with_member(rules.view(d).to_json(), "decision_id", json_string(new_decision_id()));
  a.decisions = 1;
  return a;
}

Answer explain_answer(const RuleSet& rules, std::string_view body) {
  if (auto bad = unreadable(body)) return *bad;
  ContactRecord record = record_from_json(body);
  Explanation ex = rules.explain(record);
  if (!ex.decision.ok()) return rejected(ex.decision);
  std::string referrer = interchange::to_json(interchange::referrer_summary(rules, ex.decision));
  Answer a;
  a.body = with_member(to_json(rules, ex, JsonLayout::compact), "referrer", referrer);
  a.body = with_member(std::move(a.body), "decision_id", json_string(new_decision_id()));
  a.decisions = 1;
  return a;
}

Answer decisions_answer(const RuleSet& rules, std::string& body, unsigned threads) {
  if (auto problem = check_body(body, true)) return error_answer(400, problem->code, problem->message);
  const std::size_t size = body.size();
  body.append(columns::kJsonLinesPadding, '\0');
  std::ostringstream out;
  auto summary = columns::decide_json_lines(rules, std::string_view(body.data(), size), out, threads);
  Answer a;
  a.body = std::move(out).str();
  a.content_type = "application/x-ndjson";
  a.decisions = summary.rows - summary.rejected;
  a.rejected = summary.rejected;
  return a;
}

Answer document_answer(const RuleSet& rules) {
  Answer a;
  a.body = to_json(rules, DocumentDetail::full);  // override_reasons included (SPEC 7.8)
  return a;
}

Answer health_answer(const RuleSet& rules) {
  Answer a;
  a.body = "{\"status\":\"ok\",\"document\":" + to_json(rules, DocumentDetail::reference) + "}";
  return a;
}

}  // namespace frontdoor::serve
