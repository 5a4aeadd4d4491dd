// `frontdoor serve DOC`: the decision service (src/serve/, docs/service.md).
#pragma once

#include <CLI/CLI.hpp>

namespace frontdoor::cli {

// Adds the `serve` subcommand; run it with run_serve_command when it was given.
CLI::App* add_serve_command(CLI::App& app);
int run_serve_command();

}  // namespace frontdoor::cli
