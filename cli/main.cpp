// frontdoor: the command line. A thin layer over the public headers; see README.md.
#include <CLI/CLI.hpp>

#include <iostream>

#include "audit_commands.hpp"
#include "commands.hpp"
#include "figures_commands.hpp"
#include "frontdoor/version.hpp"
#include "render_command.hpp"
#include "serve_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"frontdoor: executable threshold documents for children's-services front doors"};
  app.set_version_flag("--version", frontdoor::kVersion);
  app.require_subcommand(1);

  frontdoor::cli::CheckCommandOptions check;
  auto* c = app.add_subcommand("check", "Load, type-check and run the worked examples of threshold documents");
  c->add_option("documents", check.documents, "Threshold documents (YAML)")->required();
  c->add_option("--format", check.format, "Output: text, json or sarif")->check(CLI::IsMember({"text", "json", "sarif"}));
  c->add_flag("--strict", check.strict, "Treat warnings as errors");
  c->add_option("--timeout-ms", check.timeout_ms, "Wall-clock bound on all the proofs together, in ms (default 10000)");
  c->add_option("--budget-ms", check.budget_ms, "Older name for --timeout-ms; the smaller of the two applies");
  c->add_flag("--timings", check.timings, "Print each proof and its time");

  frontdoor::cli::DecideOptions decide;
  auto* d = app.add_subcommand("decide", "Decide contacts (CSV or JSON Lines; '-' reads JSON Lines from stdin)");
  d->add_option("document", decide.document, "Threshold document")->required();
  d->add_option("contacts", decide.contacts, "Contacts file (.csv, .jsonl) or -")->required();
  d->add_option("-o,--output", decide.output, "Write decisions here (.csv gives CSV); default stdout");
  d->add_option("--format", decide.format, "Output: jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}));
  d->add_option("--threads", decide.threads, "Threads to decide on (default: one per core)");
  d->add_option("--audit", decide.audit, "Also write an audit record per decision (JSON Lines) for 'frontdoor replay'");
  d->add_option("--history", decide.history,
                "History from earlier rows' outcomes: decided (default, this run's decisions) or recorded (recorded_outcome where given)")
      ->check(CLI::IsMember({"decided", "recorded"}));

  frontdoor::cli::ExplainOptions explain;
  auto* e = app.add_subcommand("explain", "Explain the decision for one contact (a JSON object)");
  e->add_option("document", explain.document, "Threshold document")->required();
  e->add_option("contact", explain.contact, "Contact JSON file, or -")->required();
  e->add_option("--format", explain.format, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  e->add_option("--for", explain.audience, "practitioner (default): reasons and trace; referrer: what the referrer is told")
      ->check(CLI::IsMember({"practitioner", "referrer"}));

  frontdoor::cli::StatsOptions stats;
  auto* st = app.add_subcommand("stats", "Front-door figures for a document over contacts (and an audit if they carry recorded_outcome)");
  st->add_option("document", stats.document, "Threshold document")->required();
  st->add_option("contacts", stats.contacts, "Contacts file (.csv, .jsonl) or -")->required();
  st->add_option("--format", stats.format, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  st->add_option("--examples", stats.examples, "Disagreeing contacts the audit lists (default 20)");
  st->add_option("--history", stats.history, "History from earlier rows' decided (default) or recorded outcomes")
      ->check(CLI::IsMember({"decided", "recorded"}));

  frontdoor::cli::DiffCommandOptions diff;
  auto* df = app.add_subcommand(
      "diff", "Where two documents decide differently: over every possible contact (proved), or over the contacts given (what-if)");
  df->add_option("document_a", diff.document_a, "Threshold document A (the current one)")->required();
  df->add_option("document_b", diff.document_b, "Threshold document B (the proposed one)")->required();
  df->add_option("contacts", diff.contacts, "Contacts file (.csv, .jsonl) or -; without it, every possible contact");
  df->add_option("--format", diff.format, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  df->add_option("--examples", diff.examples, "Contact ids listed per move (default 5)");
  df->add_option("--timeout-ms", diff.timeout_ms, "Without contacts: bound on the proofs in ms (default 10000)");
  df->add_flag("--summary", diff.summary, "Without contacts: one line per region");
  df->add_flag("--fail-on-change", diff.fail_on_change, "Without contacts: exit 1 when the documents decide any contact differently");
  df->add_option("--history", diff.history, "With contacts: history from earlier rows' decided (default) or recorded outcomes")
      ->check(CLI::IsMember({"decided", "recorded"}));

  // --- embedding: replay and convert (cli/audit_commands.hpp) ---
  frontdoor::cli::ReplayOptions replay;
  auto* rp = app.add_subcommand("replay", "Re-decide audit records (from 'decide --audit') and report identical or changed");
  rp->add_option("document", replay.document, "Threshold document (the one recorded, or a newer one)")->required();
  rp->add_option("audit", replay.audit, "Audit records (JSON Lines), or -")->required();
  rp->add_option("--format", replay.format, "Output: text or json")->check(CLI::IsMember({"text", "json"}));
  rp->add_option("--examples", replay.examples, "Changed records listed in text (default 50)");

  frontdoor::cli::ConvertOptions convert;
  auto* cv = app.add_subcommand("convert", "Contacts from/to Annex A list 1, SSD ssd_contacts or a council's export (a mapping file)");
  cv->add_option("input", convert.input, "With --from: the file to read (CSV); with --to: contacts (.jsonl or .csv)");
  cv->add_option("--from", convert.from, "annex-a, ssd or MAPPING.yaml: read IN.csv into contacts (JSON Lines)");
  cv->add_option("--to", convert.to, "annex-a, ssd or MAPPING.yaml: write contacts (and --decisions) in that layout");
  cv->add_option("--decisions", convert.decisions, "With --to: the decisions 'frontdoor decide' wrote for the contacts");
  cv->add_option("--show-mapping", convert.show_mapping, "Print a built-in mapping (annex-a, ssd), to start a council's own");
  cv->add_option("-o,--output", convert.output, "Write here; default stdout");

  frontdoor::cli::RenderOptions render;
  auto* rd = app.add_subcommand("render", "The document as a self-contained, printable HTML page (the continuum, outcomes, rules)");
  rd->add_option("document", render.document, "Threshold document")->required();
  rd->add_option("-o,--output", render.output, "Write the page here; default stdout");

  auto* sv = frontdoor::cli::add_serve_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    int code = app.exit(err);
    return code == 0 ? 0 : 2;  // usage errors exit 2, as SPEC section 4 says
  }
  try {
    if (*c) return frontdoor::cli::run_check(check);
    if (*d) return frontdoor::cli::run_decide(decide);
    if (*e) return frontdoor::cli::run_explain(explain);
    if (*st) return frontdoor::cli::run_stats(stats);
    if (*df) return frontdoor::cli::run_diff(diff);
    if (*rp) return frontdoor::cli::run_replay(replay);
    if (*cv) return frontdoor::cli::run_convert(convert);
    if (*rd) return frontdoor::cli::run_render(render);
    if (*sv) return frontdoor::cli::run_serve_command();
  } catch (const std::exception& ex) {
    std::cerr << "frontdoor: " << ex.what() << "\n";
    return 2;
  }
  return 2;
}
