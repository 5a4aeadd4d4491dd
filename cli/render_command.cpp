#include "render_command.hpp"

#include <fstream>
#include <iostream>

#include "frontdoor/continuum_html.hpp"
#include "io.hpp"

namespace frontdoor::cli {

int run_render(const RenderOptions& o) {
  auto rules = load_for_use(o.document);
  if (!rules) return 2;
  const std::string page = continuum_html(*rules);
  if (o.output.empty() || o.output == "-") {
    std::cout << page;
    return std::cout.flush() ? 0 : 2;
  }
  std::ofstream out(o.output, std::ios::binary);
  if (!out) {
    std::cerr << "frontdoor: " << o.output << ": cannot open for writing\n";
    return 2;
  }
  out << page;
  out.flush();
  if (!out) {
    std::cerr << "frontdoor: " << o.output << ": writing failed\n";
    return 2;
  }
  return 0;
}

}  // namespace frontdoor::cli
