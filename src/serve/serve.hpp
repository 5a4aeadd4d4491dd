// `frontdoor serve DOC`: the decision service (SPEC section 8, docs/service.md). The command line
// fills ServeOptions and calls run_serve; everything else is in src/serve/.
#pragma once

#include <chrono>
#include <string>

#include "frontdoor/check.hpp"

namespace frontdoor::serve {

struct ServeOptions {
  std::string document;
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (the log's first line says which)
  std::string token_file;
  bool no_auth = false;
  std::string audit;
  unsigned threads = 0;        // connection workers; 0: eight per core, at least 32
  unsigned batch_threads = 0;  // /v1/decisions; 0: one per core
  std::chrono::milliseconds header_timeout{10000};
  Prover prover;  // check's proofs, run on the document at start and on every reload
};

// Runs until SIGINT or SIGTERM. 0 after a clean stop; 2 when it could not start (the reason on stderr).
int run_serve(const ServeOptions&);

}  // namespace frontdoor::serve
