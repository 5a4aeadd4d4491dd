#include "commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>
#include "audit_commands.hpp"
#include "frontdoor/analysis.hpp"
#include "frontdoor/check.hpp"
#include "frontdoor/progress.hpp"
#include "frontdoor/report.hpp"
#include "io.hpp"
#include "json_lines.hpp"

#include "frontdoor/records.hpp"

namespace frontdoor::cli {
namespace {

constexpr int kClean = 0, kFindings = 1, kCannotRun = 2;

}  // namespace

int run_check(const CheckCommandOptions& o) {
  frontdoor::CheckOptions options;
  options.strict = o.strict;
  options.analysis.timeout_ms = o.timeout_ms;
  options.analysis.budget_ms = o.budget_ms;
  options.prover = analyse;
  std::vector<Finding> all;
  bool could_not_run = false;
  for (const auto& path : o.documents) {
    auto report = check_file(path, options);
    if (!report) {
      std::cerr << "frontdoor: " << report.error().message << "\n";
      could_not_run = true;
      continue;
    }
    if (o.format == "text") {
      if (report->rule_set) std::cerr << summary(report.value()) << "\n";
      if (o.timings) std::cerr << timings_text(report.value());
      for (auto& f : report->findings) std::cout << format(f.diagnostic, report->source.get()) << "\n";
    }
    all.insert(all.end(), report->findings.begin(), report->findings.end());
  }
  if (o.format == "json")
    std::cout << to_json(std::span<const Finding>(all), JsonLayout::indented) << "\n";
  else if (o.format == "sarif")
    std::cout << to_sarif(all) << "\n";
  if (could_not_run) return kCannotRun;
  bool errors = std::any_of(all.begin(), all.end(), [](auto& f) { return f.diagnostic.severity == Severity::error; });
  return errors ? kFindings : kClean;
}

namespace {

// The decisions go to -o FILE, or to stdout.
struct Output {
  std::ofstream file;
  std::ostream* out = &std::cout;
  bool open(const std::string& path) {
    if (path.empty() || path == "-") return true;
    file.open(path, std::ios::binary);
    if (!file) {
      std::cerr << "frontdoor: " << path << ": cannot open for writing\n";
      return false;
    }
    out = &file;
    return true;
  }
  bool finish() {
    out->flush();
    if (*out) return true;
    std::cerr << "frontdoor: writing the decisions failed\n";
    return false;
  }
};

// A progress bar on a terminal for long inputs (frontdoor/progress.hpp's runner calls it every
// 100 ms while the batch runs); none when stderr is a file or a pipe.
ProgressWatch progress_bar() {
  if (!isatty(2)) return {};
  return [](std::size_t done, std::size_t total) {
    if (total <= 50000) return true;
    done = std::min(done, total);
    int filled = static_cast<int>(40 * done / total);
    std::cerr << "\rdeciding [" << std::string(filled, '#') << std::string(40 - filled, ' ') << "] " << done << "/" << total
              << (done == total ? "\n" : "") << std::flush;
    return true;
  };
}

int report_rejected(std::size_t rejected, std::size_t total) {
  if (rejected) std::cerr << "frontdoor: " << rejected << " of " << total << " contacts rejected (each has an error in its row)\n";
  return rejected ? kFindings : kClean;
}

}  // namespace

int run_decide(const DecideOptions& o) {
  auto rules = load_for_use(o.document);
  if (!rules) return kCannotRun;
  std::string fmt = o.format.empty() ? (ends_with(o.output, ".csv") ? "csv" : "jsonl") : o.format;
  std::vector<ContactRecord> records;
  // JSON Lines in and out, no audit: the library's JSON Lines batch (columns::decide_json_lines),
  // over the file mapped (cli/json_lines.hpp). FRONTDOOR_ROW_READER=1 forces the record reader,
  // which the tests compare it with.
  if (fmt == "jsonl" && o.audit.empty() && !ends_with(o.contacts, ".csv") && !ends_with(o.contacts, ".parquet") &&
      !std::getenv("FRONTDOOR_ROW_READER")) {
    InputText text;
    if (!text.read(o.contacts)) return kCannotRun;
    Output out;
    if (!out.open(o.output)) return kCannotRun;
    const auto summary = columns::decide_json_lines(*rules, text.text(), *out.out, o.threads, progress_bar(), history_from(o.history));
    if (!out.finish()) return kCannotRun;
    return report_rejected(summary.rejected, summary.rows);
  }
  if (!read_contacts(o.contacts, records)) return kCannotRun;
  std::vector<Decision> decisions;
  run_watched(
      [&](BatchProgress& progress) {
        decisions = rules->decide_batch(
            records,
            [&](std::size_t done, std::size_t total) {
              progress.total = total;
              progress.done = done;
            },
            history_from(o.history));
      },
      progress_bar());
  if (!o.audit.empty() && !write_audit_file(o.audit, *rules, records, decisions, history_from(o.history))) return kCannotRun;

  Output out;
  if (!out.open(o.output)) return kCannotRun;
  std::size_t rejected = 0;
  if (fmt == "csv") write_csv_header(*out.out);
  for (const Decision& d : decisions) {
    rejected += !d.ok();
    if (fmt == "csv")
      write_csv_row(*out.out, *rules, d);
    else
      *out.out << rules->view(d).to_json() << '\n';
  }
  if (!out.finish()) return kCannotRun;
  return report_rejected(rejected, decisions.size());
}

int run_explain(const ExplainOptions& o) {
  if (o.audience == "referrer") return run_explain_for_referrer(o);
  auto rules = load_for_use(o.document);
  if (!rules) return kCannotRun;
  std::stringstream text;
  if (o.contact == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(o.contact, std::ios::binary);
    if (!in) {
      std::cerr << "frontdoor: " << o.contact << ": cannot open for reading\n";
      return kCannotRun;
    }
    text << in.rdbuf();
  }
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  ContactRecord record;
  if (j.is_discarded())
    record.problem = o.contact + ": not valid JSON";
  else
    record = record_from_json(text.str());
  Explanation ex = rules->explain(record);
  const Decision& d = ex.decision;
  auto v = rules->view(d);
  const ThresholdDocument& doc = rules->document();
  if (o.format == "json") {
    std::cout << to_json(*rules, ex, JsonLayout::indented) << "\n";
    return d.ok() ? kClean : kFindings;
  }
  std::ostream& out = std::cout;
  out << "Contact " << (d.contact.empty() ? "(no id)" : d.contact) << " under " << doc.id << " " << doc.version << "\n";
  if (!d.ok()) {
    out << "  Rejected: " << d.error << "\n";
    return kFindings;
  }
  const Outcome& oc = doc.outcomes[d.outcome];
  const Level& lv = doc.levels[d.level];
  out << "  Level:    " << lv.id << (lv.name.empty() ? "" : " (" + lv.name + ")") << "\n";
  out << "  Outcome:  " << oc.id << (oc.name.empty() ? "" : " (" + oc.name + ")") << ", category " << v.category()
      << (oc.referral ? ", a referral to children's social care" : ", not a referral") << "\n";
  if (v.deadline_from().empty())
    out << "  Deadline: none (no decide_within applies)\n";
  else  // the outcome's, a rule's or the routing entry's: the earliest (SPEC 7.5)
    out << "  Deadline: " << v.deadline() << " (the earliest: "
        << (d.deadline_from.kind == DeadlineSource::Kind::outcome ? "outcome "
            : d.deadline_from.kind == DeadlineSource::Kind::rule  ? "rule "
                                                                  : "routing ")
        << v.deadline_from() << ")\n";
  if (v.overridden()) {  // SPEC 7.8: what the front door recorded instead, and why
    const Outcome& rec = doc.outcomes[d.recorded.outcome];
    out << "  Override: The front door recorded " << rec.id << " instead (" << to_string(d.recorded.direction) << "), reason: ";
    if (v.override_reason().empty())
      out << "none given\n";
    else
      out << v.override_reason() << " — " << v.override_reason_text() << "\n";
  } else if (!v.recorded_outcome().empty()) {
    out << "  Recorded: " << v.recorded_outcome() << ", as the document decides (no override)\n";
  }
  out << "  Actions:\n";
  for (auto a : v.actions())
    for (auto& decl : doc.actions)
      if (decl.id == a) out << "    - " << a << ": " << decl.text << "\n";
  auto flags = v.flags();
  if (!flags.empty()) {
    out << "  Flags:    ";
    for (std::size_t i = 0; i < flags.size(); ++i) out << (i ? ", " : "") << flags[i];
    out << "\n";
  }
  out << "  Why:\n";
  const SourceText& src = rules->source();
  for (auto& r : v.reasons()) {
    out << "    [" << to_string(r.kind) << "] " << r.id << ": " << r.text << "\n";
    std::string_view l = src.line_text(r.at.line);
    auto b = l.find_first_not_of(' ');
    out << "        " << to_string(r.at) << " | " << (b == std::string_view::npos ? l : l.substr(b)) << "\n";
  }
  out << "  Trace (every rule and routing entry evaluated):\n";
  for (auto& s : ex.steps) {
    out << "    " << to_string(s.kind) << " " << s.id << " at level " << s.level_before << ": " << to_string(s.result);
    if (!s.values.empty()) {
      out << "   (";
      for (std::size_t i = 0; i < s.values.size(); ++i) out << (i ? ", " : "") << s.values[i].first << " = " << s.values[i].second;
      out << ")";
    }
    out << "\n";
  }
  return kClean;
}

}  // namespace frontdoor::cli
