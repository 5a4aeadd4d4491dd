// The practitioner's page (web/), embedded in the binary at build time by cmake/embed_web.cmake.
// The service answers `/` and `/static/<name>` from this table only, so no request path is ever
// joined to a directory: there is nothing for `..` to climb out of.
#pragma once

#include <span>
#include <string_view>

namespace frontdoor::serve {

struct Asset {
  std::string_view name;          // the path under web/, e.g. "index.html", "app.js"
  std::string_view content_type;  // from the file's extension
  std::string_view bytes;
};

std::span<const Asset> web_assets();

// The asset called `name` exactly, or null.
const Asset* find_asset(std::string_view name);

}  // namespace frontdoor::serve
