// frontdoor: the command line. A thin layer over the public headers; see README.md.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"
#include "frontdoor/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"frontdoor: executable threshold documents for children's-services front doors"};
  app.set_version_flag("--version", frontdoor::kVersion);
  app.require_subcommand(1);

  frontdoor::cli::CheckOptions check;
  auto* c = app.add_subcommand("check", "Load, type-check and run the worked examples of threshold documents");
  c->add_option("documents", check.documents, "Threshold documents (YAML)")->required();
  c->add_option("--format", check.format, "Output: text, json or sarif")->check(CLI::IsMember({"text", "json", "sarif"}));
  c->add_flag("--strict", check.strict, "Treat warnings as errors");
  c->add_option("--timeout-ms", check.timeout_ms, "Time budget per proof (default 2000)");
  c->add_flag("--timings", check.timings, "Print each proof and its time");

  frontdoor::cli::DecideOptions decide;
  auto* d = app.add_subcommand("decide", "Decide contacts (CSV or JSON Lines; '-' reads JSON Lines from stdin)");
  d->add_option("document", decide.document, "Threshold document")->required();
  d->add_option("contacts", decide.contacts, "Contacts file (.csv, .jsonl) or -")->required();
  d->add_option("-o,--output", decide.output, "Write decisions here (.csv gives CSV); default stdout");
  d->add_option("--format", decide.format, "Output: jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}));

  frontdoor::cli::ExplainOptions explain;
  auto* e = app.add_subcommand("explain", "Explain the decision for one contact (a JSON object)");
  e->add_option("document", explain.document, "Threshold document")->required();
  e->add_option("contact", explain.contact, "Contact JSON file, or -")->required();
  e->add_option("--format", explain.format, "Output: text or json")->check(CLI::IsMember({"text", "json"}));

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
  } catch (const std::exception& ex) {
    std::cerr << "frontdoor: " << ex.what() << "\n";
    return 2;
  }
  return 2;
}
