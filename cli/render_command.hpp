// `frontdoor render DOC -o continuum.html`: the document as a council publishes it.
#pragma once

#include <string>

namespace frontdoor::cli {

struct RenderOptions {
  std::string document;
  std::string output = "-";  // -o FILE; "-" is stdout
};
int run_render(const RenderOptions&);

}  // namespace frontdoor::cli
