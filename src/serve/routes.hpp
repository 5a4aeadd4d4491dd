// The service's requests (SPEC section 8), typed: the HTTP layer maps a path to a Route once, and
// the log, the metrics, the limits and the handlers all speak of Routes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace frontdoor::serve {

enum class Route : std::uint8_t { none, page, asset, document, decide, explain, decisions, records, healthz, metrics };
inline constexpr std::size_t kRouteCount = 10;

enum class Method : std::uint8_t { get, post };

struct RouteInfo {
  Route route;
  std::string_view path;   // exact, or a prefix ending in '/' for the page's assets
  std::string_view label;  // as the log and the metrics name it
  Method method;
  std::size_t body_limit;  // bytes; 0 for requests without a body
};

// The route a path names (Route::none when it names none). Only known paths reach the log.
const RouteInfo& route_of(std::string_view path);
const RouteInfo& info(Route);

// What a request body must be: the JSON requests take application/json, /v1/decisions JSON Lines.
bool content_type_fits(Route, std::string_view content_type);

}  // namespace frontdoor::serve
