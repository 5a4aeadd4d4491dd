#include "serve_command.hpp"

#include "frontdoor/analysis.hpp"
#include "serve.hpp"

namespace frontdoor::cli {
namespace {

serve::ServeOptions options;
unsigned header_timeout_s = 10;

}  // namespace

CLI::App* add_serve_command(CLI::App& app) {
  auto* s = app.add_subcommand("serve", "Serve decisions over HTTP, with the practitioner's page (docs/service.md)");
  s->add_option("document", options.document, "Threshold document (re-read on SIGHUP)")->required();
  s->add_option("--host", options.host, "Address to bind (default 127.0.0.1; any other needs --token-file or --no-auth)");
  s->add_option("--port", options.port, "Port (default 8080; 0 picks a free one, named in the log)")->check(CLI::Range(0, 65535));
  s->add_option("--token-file", options.token_file, "File whose first line is the bearer token every request must carry");
  s->add_flag("--no-auth", options.no_auth, "Serve a non-local address without a token");
  s->add_option("--audit", options.audit, "Append /v1/records audit records here (JSON Lines, for 'frontdoor replay')");
  s->add_option("--threads", options.threads, "Connection workers (default: eight per core, at least 32)");
  s->add_option("--batch-threads", options.batch_threads, "Threads deciding a /v1/decisions batch (default: one per core)");
  s->add_option("--header-timeout", header_timeout_s, "Seconds a request's headers may take to arrive (default 10)")
      ->check(CLI::Range(1, 600));
  return s;
}

int run_serve_command() {
  options.header_timeout = std::chrono::seconds(header_timeout_s);
  options.prover = analyse;
  return serve::run_serve(options);
}

}  // namespace frontdoor::cli
