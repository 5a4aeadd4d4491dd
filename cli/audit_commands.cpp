#include "audit_commands.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "frontdoor/interchange.hpp"
#include "frontdoor/records.hpp"
#include "io.hpp"

namespace frontdoor::cli {
namespace {

namespace ix = frontdoor::interchange;
using ojson = nlohmann::ordered_json;

constexpr int kClean = 0, kFindings = 1, kCannotRun = 2;

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::shared_ptr<const RuleSet> load_document(const std::string& path) {
  auto c = compile_file(path);
  if (!c) {
    std::cerr << "frontdoor: " << c.error().message << "\n";
    return nullptr;
  }
  for (auto& d : c->diagnostics)
    if (d.severity == Severity::error) std::cerr << format(d, c->source.get()) << "\n";
  if (!c->ok()) std::cerr << "frontdoor: " << path << " has errors; run 'frontdoor check " << path << "'\n";
  return c->rule_set;
}

void print_warnings(const std::vector<std::string>& warnings, std::size_t limit = 20) {
  for (std::size_t i = 0; i < warnings.size() && i < limit; ++i) std::cerr << "frontdoor: " << warnings[i] << "\n";
  if (warnings.size() > limit) std::cerr << "frontdoor: ... and " << (warnings.size() - limit) << " more\n";
}

// --- replay ---------------------------------------------------------------------------------------

bool plain_id(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; });
}

// The contact of an audit record, read as `decide` read it, in the record's own key order (which
// decides which fault is named first when a contact has several).
ContactRecord contact_from_audit(const ojson& contact) {
  ContactRecord r;
  if (!contact.is_object()) {
    r.problem = "a contact must be a JSON object";
    return r;
  }
  for (auto& [k, v] : contact.items()) {
    nlohmann::json value = nlohmann::json::parse(v.dump());
    if (k == "concerns" && v.is_object() && v.size() > 1) {
      // An object's keys come back sorted; the "a=level;b=level" form keeps the written order.
      bool plain = true;
      std::string cell;
      for (auto& [c, l] : v.items()) {
        if (!l.is_string() || !plain_id(c) || !plain_id(l.get<std::string>()))
          plain = false;
        else
          cell += (cell.empty() ? "" : ";") + c + "=" + l.get<std::string>();
      }
      if (plain) value = cell;
    }
    ContactRecord one = record_from_json(nlohmann::json{{k, value}}.dump());
    for (auto& f : one.fields) r.fields.push_back(std::move(f));
    for (auto& c : one.concerns) r.concerns.push_back(std::move(c));
    if (one.history) r.history = std::move(one.history);
    if (!one.problem.empty()) r.set_problem(one.problem_rejection());
  }
  return r;
}

struct Change {
  std::string field;
  ojson recorded, replayed;
  std::string summary;  // e.g. "outcome advice -> early_help", "rules +repeat_contacts"
};

std::string show(const ojson& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return v.get<std::string>();
  return dump(v);
}

std::string added_removed(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::string out;
  for (auto& x : b)
    if (std::find(a.begin(), a.end(), x) == a.end()) out += " +" + x;
  for (auto& x : a)
    if (std::find(b.begin(), b.end(), x) == b.end()) out += " -" + x;
  return out.empty() ? " (order)" : out;
}

std::vector<std::string> strings(const ojson& list) {
  std::vector<std::string> out;
  if (list.is_array())
    for (auto& x : list) out.push_back(show(x));
  return out;
}

// What differs between two decisions, in the words of `decide` output. Reasons are compared by
// kind, id and text: positions move when a document is edited without changing the decision.
std::vector<Change> compare(const ojson& recorded, const ojson& replayed) {
  std::vector<Change> out;
  auto get = [](const ojson& d, const char* key) { return d.contains(key) ? d[key] : ojson(); };
  for (const char* key : {"contact", "error", "level", "outcome", "category", "referral", "deadline", "routing", "override"}) {
    ojson a = get(recorded, key), b = get(replayed, key);
    if (a != b) out.push_back({key, a, b, std::string(key) + " " + show(a) + " -> " + show(b)});
  }
  for (const char* key : {"actions", "flags", "rules"}) {
    ojson a = get(recorded, key), b = get(replayed, key);
    if (a == b) continue;
    if (!a.is_array() || !b.is_array())
      out.push_back({key, a, b, std::string(key) + " " + show(a) + " -> " + show(b)});
    else
      out.push_back({key, a, b, std::string(key) + added_removed(strings(a), strings(b))});
  }
  auto reasons = [&](const ojson& d, bool with_text) {
    std::vector<std::string> out;
    ojson r = get(d, "reasons");
    if (r.is_array())
      for (auto& x : r)
        out.push_back(show(x.value("kind", ojson())) + ":" + show(x.value("id", ojson())) +
                      (with_text ? " " + show(x.value("text", ojson())) : ""));
    return out;
  };
  if (reasons(recorded, true) != reasons(replayed, true)) {
    auto a = reasons(recorded, false), b = reasons(replayed, false);
    ojson ra = ojson::array(), rb = ojson::array();
    auto strip = [](const ojson& d, ojson& into) {
      if (d.contains("reasons") && d["reasons"].is_array())
        for (auto& x : d["reasons"])
          into.push_back({{"kind", x.value("kind", ojson())}, {"id", x.value("id", ojson())}, {"text", x.value("text", ojson())}});
    };
    strip(recorded, ra), strip(replayed, rb);
    out.push_back({"reasons", ra, rb, a == b ? "reasons: the same, in other words" : "reasons" + added_removed(a, b)});
  }
  return out;
}

}  // namespace

bool write_audit_file(const std::string& path, const RuleSet& rules, const std::vector<ContactRecord>& records,
                      const std::vector<Decision>& decisions, HistoryFrom history) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::cerr << "frontdoor: " << path << ": cannot open the audit file for writing\n";
    return false;
  }
  ix::write_audit(out, rules, records, decisions, history);
  out.flush();
  if (!out) {
    std::cerr << "frontdoor: " << path << ": writing the audit records failed\n";
    return false;
  }
  return true;
}

int run_replay(const ReplayOptions& o) {
  auto rules = load_document(o.document);
  if (!rules) return kCannotRun;
  std::ifstream in;
  if (o.audit != "-") {
    in.open(o.audit, std::ios::binary);
    if (!in) {
      std::cerr << "frontdoor: " << o.audit << ": cannot open for reading\n";
      return kCannotRun;
    }
  }
  std::istream& audit = o.audit == "-" ? std::cin : in;
  const ThresholdDocument& doc = rules->document();
  std::vector<std::string> outcomes;
  for (auto& oc : doc.outcomes) outcomes.push_back(oc.id);

  struct Recorded {
    std::string id, version, sha256;
    std::size_t records = 0;
  };
  std::vector<Recorded> under;
  std::size_t records = 0, identical = 0, unreadable = 0, line_no = 0;
  ojson changes = ojson::array();
  std::map<std::pair<std::string, std::string>, std::size_t> moves;  // outcome recorded -> replayed
  // SPEC 7.8: overrides the document now agrees with (the worker's outcome is now the document's),
  // and overrides it creates (it now decides otherwise than the outcome the worker recorded).
  ojson unnecessary = ojson::array(), created = ojson::array();
  std::vector<std::string> unreadable_lines;
  std::string line;
  while (std::getline(audit, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = ojson::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("frontdoor_audit") || !j.contains("contact") || !j.contains("decision") ||
        !j["decision"].is_object()) {
      ++unreadable;
      if (unreadable_lines.size() < 10) unreadable_lines.push_back(std::to_string(line_no));
      continue;
    }
    ++records;
    const ojson& document = j.value("document", ojson::object());
    std::string sha = document.is_object() ? document.value("sha256", "") : "";
    auto it = std::find_if(under.begin(), under.end(), [&](auto& r) { return r.sha256 == sha; });
    if (it == under.end()) {
      under.push_back(
          {document.is_object() ? document.value("id", "") : "", document.is_object() ? document.value("version", "") : "", sha, 0});
      it = under.end() - 1;
    }
    ++it->records;

    ContactRecord contact = contact_from_audit(j["contact"]);
    if (j.contains("problem") && j["problem"].is_string()) contact.problem = j["problem"].get<std::string>();
    contact.history.reset();
    std::vector<HistoryRecord> history;
    if (j.contains("history") && !j["history"].is_null()) {
      ContactRecord holder = record_from_json(nlohmann::json{{"history", j["history"]}}.dump());
      if (!holder.problem.empty()) {
        if (contact.problem.empty()) contact.set_problem(holder.problem_rejection());
      } else if (holder.history) {
        history = std::move(*holder.history);
      }
    }
    // Under another document, an earlier contact's outcome may not exist: what it counted for
    // (a referral or not) was recorded beside it, and is what counts.
    if (sha != rules->sha256())
      for (auto& h : history)
        if (h.outcome && std::find(outcomes.begin(), outcomes.end(), *h.outcome) == outcomes.end()) h.outcome.reset();

    Decision d = rules->decide(contact, history);
    ojson replayed = ojson::parse(rules->view(d).to_json());
    const bool was = j["decision"].contains("override") && j["decision"]["override"].is_object();
    const bool is = replayed["override"].is_object();
    if (was && !is && d.ok()) unnecessary.push_back(j["decision"].value("contact", ""));
    if (!was && is) created.push_back(j["decision"].value("contact", ""));
    std::vector<Change> diff = compare(j["decision"], replayed);
    if (diff.empty()) {
      ++identical;
      continue;
    }
    if (j["decision"].value("outcome", ojson()) != replayed.value("outcome", ojson()))
      ++moves[{show(j["decision"].value("outcome", ojson())), show(replayed.value("outcome", ojson()))}];
    ojson c = {{"line", line_no}};
    if (j.contains("row")) c["row"] = j["row"];
    c["contact"] = j["decision"].value("contact", "");
    c["changes"] = ojson::array();
    for (auto& x : diff)
      c["changes"].push_back({{"field", x.field}, {"recorded", x.recorded}, {"replayed", x.replayed}, {"summary", x.summary}});
    changes.push_back(std::move(c));
  }
  std::size_t changed = records - identical;
  if (o.format == "json") {
    ojson out = {{"document", {{"id", doc.id}, {"version", doc.version}, {"sha256", rules->sha256()}, {"path", rules->source().path()}}}};
    out["recorded_under"] = ojson::array();
    for (auto& r : under)
      out["recorded_under"].push_back({{"id", r.id},
                                       {"version", r.version},
                                       {"sha256", r.sha256},
                                       {"records", r.records},
                                       {"same_document", r.sha256 == rules->sha256()}});
    out["records"] = records;
    out["identical"] = identical;
    out["changed"] = changed;
    out["unreadable"] = unreadable;
    out["outcome_moves"] = ojson::array();
    for (auto& [m, n] : moves) out["outcome_moves"].push_back({{"from", m.first}, {"to", m.second}, {"count", n}});
    out["changes"] = changes;
    out["overrides"] = {{"unnecessary", unnecessary}, {"created", created}};
    std::cout << dump(out) << "\n";
  } else {
    std::cout << "replay under " << doc.id << (doc.version.empty() ? "" : " " + doc.version) << " (sha256 " << rules->sha256().substr(0, 12)
              << ")\n";
    for (auto& r : under)
      std::cout << "  " << r.records << " record" << (r.records == 1 ? "" : "s") << " decided under " << r.id
                << (r.version.empty() ? "" : " " + r.version) << " (sha256 " << r.sha256.substr(0, 12)
                << "): " << (r.sha256 == rules->sha256() ? "the same document" : "another document") << "\n";
    std::size_t shown = 0;
    for (auto& c : changes) {
      if (shown++ >= o.examples) break;
      std::cout << "  changed: " << c["contact"].get<std::string>();
      if (c.contains("row")) std::cout << " (row " << c["row"].dump() << ")";
      std::cout << ":";
      bool first = true;
      for (auto& x : c["changes"]) {
        std::cout << (first ? " " : "; ") << x["summary"].get<std::string>();
        first = false;
      }
      std::cout << "\n";
    }
    if (changes.size() > o.examples)
      std::cout << "  ... and " << (changes.size() - o.examples) << " more changed (--format json lists them all)\n";
    if (!moves.empty()) {
      std::vector<std::pair<std::size_t, std::string>> by_count;
      for (auto& [m, n] : moves) by_count.push_back({n, m.first + " -> " + m.second});
      std::stable_sort(by_count.begin(), by_count.end(), [](auto& a, auto& b) { return a.first > b.first; });
      std::cout << "  outcomes that moved:\n";
      for (auto& [n, what] : by_count) std::cout << "    " << what << ": " << n << "\n";
    }
    auto list = [&](const char* what, const ojson& ids) {
      if (ids.empty()) return;
      std::cout << "  " << ids.size() << " " << what << ":";
      for (std::size_t k = 0; k < ids.size() && k < o.examples; ++k) std::cout << " " << ids[k].get<std::string>();
      std::cout << (ids.size() > o.examples ? " ...\n" : "\n");
    };
    list("overrides no longer needed (the document now gives the outcome the worker recorded)", unnecessary);
    list("new overrides (the document now decides otherwise than the outcome recorded)", created);
    std::cout << records << " record" << (records == 1 ? "" : "s") << ": " << identical << " identical, " << changed << " changed\n";
  }
  if (unreadable) {
    std::string lines;
    for (auto& l : unreadable_lines) lines += (lines.empty() ? "" : ", ") + l;
    std::cerr << "frontdoor: " << unreadable << " line" << (unreadable == 1 ? " is" : "s are") << " not audit records (line " << lines
              << (unreadable > unreadable_lines.size() ? ", ..." : "") << ")\n";
    return kCannotRun;
  }
  return changed ? kFindings : kClean;
}

// --- convert --------------------------------------------------------------------------------------

int run_convert(const ConvertOptions& o) {
  int modes = !o.from.empty() + !o.to.empty() + !o.show_mapping.empty();
  if (modes != 1) {
    std::cerr << "frontdoor convert: give exactly one of --from, --to or --show-mapping\n";
    return kCannotRun;
  }
  if (!o.show_mapping.empty()) {
    auto text = ix::builtin_mapping_text(o.show_mapping);
    if (text.empty()) {
      std::cerr << "frontdoor convert: built-in mappings are annex-a and ssd\n";
      return kCannotRun;
    }
    std::cout << text;
    return kClean;
  }
  if (o.input.empty()) {
    std::cerr << "frontdoor convert: an input file is needed (or - for stdin)\n";
    return kCannotRun;
  }
  auto mapping = ix::find_mapping(o.from.empty() ? o.to : o.from);
  if (!mapping) {
    std::cerr << "frontdoor: " << mapping.error().message << "\n";
    return kCannotRun;
  }
  std::ofstream file;
  if (!o.output.empty() && o.output != "-") {
    file.open(o.output, std::ios::binary);
    if (!file) {
      std::cerr << "frontdoor: " << o.output << ": cannot open for writing\n";
      return kCannotRun;
    }
  }
  std::ostream& out = file.is_open() ? static_cast<std::ostream&>(file) : std::cout;
  std::ifstream in_file;
  if (o.input != "-") {
    in_file.open(o.input, std::ios::binary);
    if (!in_file) {
      std::cerr << "frontdoor: " << o.input << ": cannot open for reading\n";
      return kCannotRun;
    }
  }
  std::istream& in = o.input == "-" ? std::cin : in_file;

  if (!o.from.empty()) {
    auto imported = ix::import_table(mapping.value(), in);
    if (!imported) {
      std::cerr << "frontdoor: " << o.input << ": " << imported.error().message << "\n";
      return kCannotRun;
    }
    for (auto& c : imported->contacts) out << ix::contact_to_json(c) << '\n';
    out.flush();
    if (!out) {
      std::cerr << "frontdoor: writing the contacts failed\n";
      return kCannotRun;
    }
    print_warnings(imported->warnings);
    if (imported->rows_with_problems)
      std::cerr << "frontdoor: " << imported->rows_with_problems << " of " << imported->contacts.size()
                << " rows had cells that could not be converted; they are passed on as they are, for decide to reject\n";
    return imported->rows_with_problems ? kFindings : kClean;
  }

  std::vector<ContactRecord> contacts = ends_with(o.input, ".csv") ? read_csv(in) : read_json_lines(in);
  std::vector<ix::DecisionRow> decisions;
  if (!o.decisions.empty()) {
    std::ifstream d(o.decisions, std::ios::binary);
    if (!d) {
      std::cerr << "frontdoor: " << o.decisions << ": cannot open for reading\n";
      return kCannotRun;
    }
    std::string line;
    std::size_t n = 0;
    while (std::getline(d, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        std::cerr << "frontdoor: " << o.decisions << ":" << n << ": not a decision (JSON Lines from 'frontdoor decide')\n";
        return kCannotRun;
      }
      auto text = [&](const nlohmann::json& obj, const char* k) {
        return obj.contains(k) && obj[k].is_string() ? obj[k].get<std::string>() : std::string();
      };
      ix::DecisionRow r;
      r.contact = text(j, "contact");
      r.error = text(j, "error");
      r.decided = r.error.empty() && j.contains("outcome") && j["outcome"].is_string();
      r.level = text(j, "level"), r.outcome = text(j, "outcome"), r.category = text(j, "category"), r.deadline = text(j, "deadline");
      r.referral = j.contains("referral") && j["referral"].is_boolean() && j["referral"].get<bool>();
      if (j.contains("document") && j["document"].is_object())
        r.document_id = text(j["document"], "id"), r.document_version = text(j["document"], "version"),
        r.document_sha256 = text(j["document"], "sha256");
      decisions.push_back(std::move(r));
    }
    if (decisions.size() != contacts.size()) {
      std::cerr << "frontdoor: " << o.decisions << " has " << decisions.size() << " decisions for " << contacts.size()
                << " contacts: give the decisions 'frontdoor decide' wrote for these contacts\n";
      return kCannotRun;
    }
    for (std::size_t i = 0; i < contacts.size(); ++i) {
      const Scalar* id = contacts[i].find("id");
      std::string cid = id && std::holds_alternative<std::string>(*id)    ? std::get<std::string>(*id)
                        : id && std::holds_alternative<std::int64_t>(*id) ? std::to_string(std::get<std::int64_t>(*id))
                                                                          : std::string();
      if (!cid.empty() && !decisions[i].contact.empty() && cid != decisions[i].contact) {
        std::cerr << "frontdoor: row " << (i + 1) << ": the decision is for contact " << decisions[i].contact << ", the contact is " << cid
                  << ": the decisions are not for these contacts, in this order\n";
        return kCannotRun;
      }
    }
  }
  std::vector<std::string> warnings;
  ix::export_table(mapping.value(), contacts, decisions, out, warnings);
  out.flush();
  if (!out) {
    std::cerr << "frontdoor: writing the file failed\n";
    return kCannotRun;
  }
  print_warnings(warnings);
  return kClean;
}

// --- referrer feedback ------------------------------------------------------------------------------

int run_explain_for_referrer(const ExplainOptions& o) {
  auto rules = load_document(o.document);
  if (!rules) return kCannotRun;
  std::string text;
  if (!read_text(o.contact, text)) return kCannotRun;
  auto j = nlohmann::json::parse(text, nullptr, false);
  ContactRecord record;
  if (j.is_discarded())
    record.problem = o.contact + ": not valid JSON";
  else
    record = record_from_json(text);
  Decision d = rules->decide(record);
  auto summary = ix::referrer_summary(*rules, d);
  if (o.format == "json")
    std::cout << ix::to_json(summary) << "\n";
  else
    std::cout << ix::to_text(summary);
  return d.ok() ? kClean : kFindings;
}

}  // namespace frontdoor::cli
