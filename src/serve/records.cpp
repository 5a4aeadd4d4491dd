#include "serve/records.hpp"

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "frontdoor/interchange.hpp"
#include "frontdoor/records.hpp"
#include "serve/body_checks.hpp"

namespace frontdoor::serve {
namespace {

using json = nlohmann::ordered_json;

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Answer record_answer(const RuleSet& rules, std::string_view body, AuditLog& audit) {
  if (auto problem = check_body(body, false)) return error_answer(400, problem->code, problem->message);
  json contact = json::parse(body, nullptr, false);
  if (contact.is_discarded()) return error_answer(400, "invalid_json", "the body is not valid JSON");
  if (!contact.is_object()) return error_answer(400, "wrong_type", "the body must be a JSON object (a contact)");
  std::string decision_id;
  if (auto it = contact.find("decision_id"); it != contact.end()) {
    if (!it->is_string() || !is_uuid(it->get<std::string>()))
      return error_answer(400, "wrong_type", "decision_id: must be the UUID a decide or explain answer gave", "decision_id");
    decision_id = it->get<std::string>();
    contact.erase(it);
  }
  // The body as sent reaches the reader (duplicate keys and all), unless decision_id had to come out.
  ContactRecord record =
      record_from_json(decision_id.empty() ? std::string(body) : contact.dump(-1, ' ', false, json::error_handler_t::replace));
  Decision d = rules.decide(record);
  // The resolver checks recorded_outcome and override_reason like any other field (SPEC 7.8); a
  // record, unlike a decision, needs the outcome the front door gave.
  if (!d.ok()) return error_answer(400, to_string(d.error_code), d.error, d.error_field);
  if (d.recorded.outcome == kNoIndex)
    return error_answer(400, "missing_field", "recorded_outcome: a record needs the outcome the front door gave", kRecordedOutcome);
  std::string line = interchange::audit_record(rules, record, {}, "given", d);
  line = with_member(std::move(line), "recorded_at", "\"" + utc_now() + "\"");
  if (!decision_id.empty()) line = with_member(std::move(line), "decision_id", "\"" + decision_id + "\"");
  if (!audit.append(line)) return error_answer(507, "audit_write_failed", "the audit record could not be written; nothing was recorded");
  Answer a;
  a.status = 201;
  a.body = std::move(line);
  a.decisions = 1;
  return a;
}

}  // namespace frontdoor::serve
