// Audit records: what a decision was made from and what it was, one JSON line each, for
// `frontdoor replay` (cli/audit_commands.cpp) to re-decide later.
#include <algorithm>
#include <map>
#include <numeric>

#include "frontdoor/interchange.hpp"
#include "interchange/common.hpp"

namespace frontdoor::interchange {
namespace {

using detail::ojson;

std::string document_json(const RuleSet& rules) {
  const ThresholdDocument& doc = rules.document();
  ojson d = ojson::object();
  d["id"] = doc.id;
  d["version"] = doc.version;
  d["sha256"] = rules.sha256();
  d["path"] = rules.source().path();
  return detail::dump(d);
}

bool repeats_a_name(const ContactRecord& r) {
  for (std::size_t i = 0; i < r.fields.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (r.fields[i].name == r.fields[j].name) return true;
  return false;
}

std::string record_line(const std::string& document, const ContactRecord& contact, std::string_view history_json,
                        std::string_view history_source, const std::string& decision_json, const Decision& d, std::size_t row) {
  std::string line = "{\"frontdoor_audit\":1";
  if (row) line += ",\"row\":" + std::to_string(row);
  line += ",\"document\":" + document;
  line += ",\"contact\":" + contact_to_json(contact);
  // What the reader could not make sense of travels beside the contact, so a replay meets the same
  // fault. A name given twice cannot be written as JSON: the decision's own error stands in for it.
  std::string problem = !contact.problem.empty() ? contact.problem : repeats_a_name(contact) ? d.error : std::string();
  if (!problem.empty()) line += ",\"problem\":" + detail::dump(problem);
  line += ",\"history_source\":" + detail::dump(std::string(history_source));
  line += ",\"history\":";
  line += history_json;
  line += ",\"decision\":" + decision_json + "}";
  return line;
}

ContactRecord without_history(const ContactRecord& r) {
  ContactRecord c;
  c.fields = r.fields;
  c.concerns = r.concerns;
  if (!r.problem.empty()) c.set_problem(r.problem_rejection());
  return c;
}

}  // namespace

std::string audit_record(const RuleSet& rules, const ContactRecord& contact, std::span<const HistoryRecord> history,
                         std::string_view history_source, const Decision& d, std::size_t row) {
  std::string_view source = history_source;
  std::span<const HistoryRecord> seen = history;
  if (contact.history) seen = *contact.history, source = "contact";
  return record_line(document_json(rules), without_history(contact), history_to_json(seen), source, rules.view(d).to_json(), d, row);
}

void write_audit(std::ostream& out, const RuleSet& rules, std::span<const ContactRecord> rows, std::span<const Decision> decisions,
                 HistoryFrom history_from) {
  const std::string document = document_json(rules);
  const ThresholdDocument& doc = rules.document();
  // The batch's history (RuleSet::decide_batch, SPEC 2.2): a row sees the earlier decided rows of
  // its child, in received order with ties by input order, each with the outcome decided for it.
  // Each decided row's history item is written once; a row's history is a prefix of its child's.
  std::vector<std::string> item(rows.size());
  std::map<std::string, std::vector<std::size_t>> by_child;
  std::vector<std::int64_t> received(rows.size(), 0);
  Contact c;
  std::string error;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!decisions[i].ok() || !rules.resolve(rows[i], c, error) || c.child.empty()) continue;
    received[i] = c.received;
    by_child[c.child].push_back(i);
    HistoryRecord h;
    const Scalar* r = rows[i].find("received");
    h.received = r ? detail::text_of(*r) : std::string();
    h.concerns = rows[i].concerns;
    const Decision& d = decisions[i];
    const Index counted = history_from == HistoryFrom::recorded && d.recorded.outcome != kNoIndex ? d.recorded.outcome : d.outcome;
    h.outcome = doc.outcomes[counted].id;
    h.referral = doc.outcomes[counted].referral;
    std::string one = history_to_json(std::span<const HistoryRecord>(&h, 1));
    item[i] = one.substr(1, one.size() - 2);  // without the brackets
  }
  std::vector<std::size_t> position(rows.size(), 0);
  std::vector<const std::vector<std::size_t>*> list_of(rows.size(), nullptr);
  for (auto& [child, list] : by_child) {
    std::stable_sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) { return received[a] < received[b]; });
    for (std::size_t p = 0; p < list.size(); ++p) position[list[p]] = p, list_of[list[p]] = &list;
  }
  std::string history;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Decision& d = decisions[i];
    std::string_view source = "batch";
    if (rows[i].history) {
      source = "contact";
      history = history_to_json(*rows[i].history);
    } else {
      // A rejected row, or one without a child, saw no history.
      history = "[";
      if (list_of[i])
        for (std::size_t p = 0; p < position[i]; ++p) history += (p ? "," : "") + item[(*list_of[i])[p]];
      history += "]";
    }
    out << record_line(document, without_history(rows[i]), history, source, rules.view(d).to_json(), d, i + 1) << '\n';
  }
}

}  // namespace frontdoor::interchange
