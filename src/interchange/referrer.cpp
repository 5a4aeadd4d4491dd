// What the professional who raised a worry is told (`frontdoor explain --for referrer`): the
// outcome, the next steps and the deadline, in the document's own words. See interchange.hpp for
// what is deliberately left out.
#include <algorithm>

#include "frontdoor/interchange.hpp"
#include "interchange/common.hpp"

namespace frontdoor::interchange {
namespace {

using detail::ojson;

std::string local_words(const std::string& tz, std::int64_t utc_seconds) {
  static const char* days[] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};  // 1970-01-01 was a Thursday
  static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
  auto t = detail::to_local(tz, utc_seconds);
  std::int32_t day = detail::days_from_civil(t.year, t.month, t.day);
  std::string hm = detail::format_pattern(t, "%H:%M");
  return std::string(days[((day % 7) + 7) % 7]) + " " + std::to_string(t.day) + " " + months[t.month - 1] + " " + std::to_string(t.year) +
         ", " + hm;
}

}  // namespace

ReferrerSummary referrer_summary(const RuleSet& rules, const Decision& d) {
  const ThresholdDocument& doc = rules.document();
  ReferrerSummary s;
  s.contact = d.contact;
  s.document_id = doc.id, s.document_title = doc.title, s.document_version = doc.version;
  s.timezone = doc.calendar.timezone.empty() ? "UTC" : doc.calendar.timezone;
  s.decided = d.ok();
  if (!s.decided) {
    s.error = d.error;
    return s;
  }
  const Outcome& o = doc.outcomes[d.outcome];
  s.outcome = o.id;
  s.outcome_name = o.name.empty() ? o.id : o.name;
  s.category = std::string(to_string(o.category));
  s.referral = o.referral;
  std::vector<Index> seen;
  auto add = [&](Index a) {
    if (std::find(seen.begin(), seen.end(), a) != seen.end()) return;
    seen.push_back(a);
    if (!doc.actions[a].only_with.empty() && !doc.actions[a].only_with.contains(d.outcome, o.category)) return;  // SPEC 7.4
    s.next_steps.push_back(doc.actions[a].text.empty() ? doc.actions[a].id : doc.actions[a].text);
  };
  for (Index a : doc.always) add(a);
  for (Index a : o.actions) add(a);
  s.deadline_utc = rules.view(d).deadline();
  if (!s.deadline_utc.empty()) {
    auto secs = detail::parse_instant(s.deadline_utc);
    if (secs) s.deadline_local = local_words(s.timezone, *secs);
    s.within = frontdoor::to_string(rules.view(d).deadline_span());
  }
  return s;
}

std::string to_text(const ReferrerSummary& s) {
  std::string doc = s.document_title.empty() ? s.document_id : s.document_title;
  std::string ident = s.document_id + (s.document_version.empty() ? "" : " " + s.document_version);
  std::string out = "Contact " + (s.contact.empty() ? std::string("(no reference)") : s.contact) + ": ";
  if (!s.decided) {
    out += "not decided automatically\n\n";
    out += "The front door could not decide this contact against " + doc + " (" + ident + "): " + s.error + ".\n";
    out += "A practitioner will look at it and tell you what happens next.\n";
    return out;
  }
  out += "what happens next\n\n";
  out += "Thank you for telling us about your worry. We have looked at it against " + doc + " (" + ident + ").\n\n";
  out += "Outcome: " + s.outcome_name + "\n";
  out += s.referral ? "This is a referral to children's social care.\n" : "This is not a referral to children's social care.\n";
  if (!s.next_steps.empty()) {
    out += "\nNext steps:\n";
    for (auto& step : s.next_steps) out += "  - " + step + "\n";
  }
  if (!s.deadline_utc.empty()) {
    std::string hm = s.deadline_utc.substr(11, 5);
    out += "\nBy: " + s.deadline_local + " " + s.timezone + " time (" + hm + " UTC, " + s.deadline_utc + ")";
    if (!s.within.empty()) out += ", within " + s.within + " of your contact";
    out += ".\n";
  }
  out += "\nPlease quote " + (s.contact.empty() ? std::string("this contact") : s.contact) + " if you contact us about it.\n";
  return out;
}

std::string to_json(const ReferrerSummary& s) {
  ojson j = ojson::object();
  j["contact"] = s.contact;
  j["document"] = {{"id", s.document_id}, {"title", s.document_title}, {"version", s.document_version}};
  j["decided"] = s.decided;
  j["error"] = s.decided ? ojson(nullptr) : ojson(s.error);
  j["outcome"] = s.decided ? ojson(s.outcome) : ojson(nullptr);
  j["outcome_name"] = s.decided ? ojson(s.outcome_name) : ojson(nullptr);
  j["referral"] = s.decided ? ojson(s.referral) : ojson(nullptr);
  j["next_steps"] = s.decided ? ojson(s.next_steps) : ojson(nullptr);
  if (s.decided && !s.deadline_utc.empty())
    j["deadline"] = {{"utc", s.deadline_utc}, {"local", s.deadline_local}, {"timezone", s.timezone}, {"within", s.within}};
  else
    j["deadline"] = nullptr;
  j["text"] = to_text(s);
  return detail::dump(j);
}

}  // namespace frontdoor::interchange
