#include "figures_commands.hpp"

#include <fstream>
#include <iostream>
#include <unordered_map>

#include "frontdoor/analysis.hpp"
#include "frontdoor/figures.hpp"
#include "frontdoor/report.hpp"
#include "io.hpp"

#include "frontdoor/records.hpp"

namespace frontdoor::cli {
namespace {

constexpr int kClean = 0, kDiffers = 1, kCannotRun = 2;

}  // namespace

int run_stats(const StatsOptions& o) {
  auto rules = load_for_use(o.document);
  if (!rules) return kCannotRun;
  std::vector<ContactRecord> records;
  if (!read_contacts(o.contacts, records)) return kCannotRun;
  std::vector<Decision> decisions = rules->decide_batch(records, {}, history_from(o.history));
  FigureInput in = figure_input(*rules, records, decisions);
  Figures figures = compute_figures(in);

  // The consistency audit, when the contacts carry the outcome the front door recorded: as the
  // resolver read it into each decision (SPEC 7.8), the one path the override figures take too.
  std::vector<std::int32_t> recorded(records.size(), -1);
  std::vector<std::string> values;
  for (const Outcome& oc : rules->document().outcomes) values.push_back(oc.id);
  bool any_recorded = false;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!decisions[i].ok() || decisions[i].recorded.outcome == kNoIndex) continue;
    any_recorded = true;
    recorded[i] = decisions[i].recorded.outcome;
  }
  auto contact_id = [&](std::size_t i) {
    return decisions[i].contact.empty() ? "(row " + std::to_string(i + 1) + ")" : decisions[i].contact;
  };

  if (o.format == "json") {
    std::string f = to_json(figures);
    std::string out = "{\"document\":" + frontdoor::to_json(*rules, DocumentDetail::reference) + "," + f.substr(1, f.size() - 2);
    if (any_recorded) out += ",\"audit\":" + to_json(compute_audit(rules->document(), in, recorded, values), contact_id, o.examples);
    std::cout << out << "}\n";
    return kClean;
  }
  const auto& doc = rules->document();
  std::cout << doc.id << (doc.version.empty() ? "" : " " + doc.version) << " over " << o.contacts << "\n\n" << to_text(figures);
  if (any_recorded) std::cout << "\n" << to_text(compute_audit(doc, in, recorded, values), contact_id, o.examples);
  return kClean;
}

// Without contacts: where the documents decide differently over every possible contact.
int run_symbolic_diff(const RuleSet& a, const RuleSet& b, const DiffCommandOptions& o) {
  DocumentDiffOptions options;
  options.timeout_ms = o.timeout_ms;
  DocumentDiff diff = diff_documents(a, b, options);
  if (!diff.error.empty()) {
    std::cerr << "frontdoor diff: " << diff.error << "\n";
    return kCannotRun;
  }
  if (o.format == "json")
    std::cout << to_json(diff) << "\n";
  else
    std::cout << to_text(diff, o.summary);
  bool differs = !diff.regions.empty() || diff.other_differences != ProofAnswer::no;
  return o.fail_on_change && differs ? kDiffers : kClean;
}

int run_diff(const DiffCommandOptions& o) {
  auto a = load_for_use(o.document_a);
  auto b = load_for_use(o.document_b);
  if (!a || !b) return kCannotRun;
  if (o.contacts.empty()) return run_symbolic_diff(*a, *b, o);
  std::vector<ContactRecord> records;
  if (!read_contacts(o.contacts, records)) return kCannotRun;
  std::vector<Decision> da = a->decide_batch(records, {}, history_from(o.history));
  std::vector<Decision> db = b->decide_batch(records, {}, history_from(o.history));
  auto contact_id = [&](std::size_t i) {
    const std::string& id = da[i].contact.empty() ? db[i].contact : da[i].contact;
    return id.empty() ? "(row " + std::to_string(i + 1) + ")" : id;
  };
  DiffOptions options;
  options.examples = o.examples;
  Diff diff = compute_diff(*a, diff_side(da), *b, diff_side(db), contact_id, options);
  if (o.format == "json")
    std::cout << to_json(diff) << "\n";
  else
    std::cout << to_text(diff);
  return kClean;
}

}  // namespace frontdoor::cli
