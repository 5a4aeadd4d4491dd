// Contacts and histories as JSON that `frontdoor decide` (cli/records.cpp) reads back to the same
// records.
#include <algorithm>

#include "frontdoor/interchange.hpp"
#include "interchange/common.hpp"

namespace frontdoor::interchange {
namespace {

using detail::ojson;

bool plain_id(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; });
}

// An object when it says the same thing; else the CSV form, which keeps order, repeats and
// malformed items for the reader to reject the same way. A concern named without its level (an
// empty level) is `true` in the object and a bare id in the cell.
ojson concerns_json(const std::vector<ConcernEntry>& concerns) {
  bool object = true;
  for (std::size_t i = 0; i < concerns.size() && object; ++i) {
    if (!plain_id(concerns[i].concern) || (!concerns[i].level.empty() && !plain_id(concerns[i].level))) object = false;
    for (std::size_t j = 0; j < i && object; ++j)
      if (concerns[j].concern == concerns[i].concern) object = false;
  }
  if (object) {
    ojson o = ojson::object();
    for (auto& c : concerns) o[c.concern] = c.level.empty() ? ojson(true) : ojson(c.level);
    return o;
  }
  std::string cell;
  for (auto& c : concerns) cell += (cell.empty() ? "" : ";") + c.concern + (c.level.empty() ? "" : "=" + c.level);
  return cell;
}

bool built_in(const std::string& name) {
  static const char* names[] = {"id", "child", "received", "dob", "unborn", "source", "channel"};
  return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return name == n; });
}

}  // namespace

std::string history_to_json(std::span<const HistoryRecord> history) {
  ojson a = ojson::array();
  for (const HistoryRecord& h : history) {
    ojson item = ojson::object();
    item["received"] = h.received;
    item["concerns"] = concerns_json(h.concerns);
    if (h.outcome) item["outcome"] = *h.outcome;
    if (h.referral) item["referral"] = *h.referral;
    a.push_back(std::move(item));
  }
  return detail::dump(a);
}

std::string contact_to_json(const ContactRecord& r, bool include_history) {
  ojson o = ojson::object();
  bool concerns_written = false;
  auto write_concerns = [&] {
    if (!concerns_written) o["concerns"] = concerns_json(r.concerns);
    concerns_written = true;
  };
  for (const NamedValue& f : r.fields) {
    if (o.contains(f.name)) continue;  // a repeated name: the record is rejected anyway (see audit)
    if (!built_in(f.name)) write_concerns();
    o[f.name] = detail::json_of(f.value);  // null stays null: an unknown name is still an error
  }
  write_concerns();
  if (include_history && r.history) o["history"] = ojson::parse(history_to_json(*r.history));
  return detail::dump(o);
}

}  // namespace frontdoor::interchange
