#include "serve/routes.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace frontdoor::serve {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

constexpr std::array<RouteInfo, kRouteCount> kRoutes{{
    {Route::none, "", "other", Method::get, 0},
    {Route::page, "/", "/", Method::get, 0},
    {Route::asset, "/static/", "/static", Method::get, 0},
    {Route::document, "/v1/document", "/v1/document", Method::get, 0},
    {Route::decide, "/v1/decide", "/v1/decide", Method::post, kMiB},
    {Route::explain, "/v1/explain", "/v1/explain", Method::post, kMiB},
    {Route::decisions, "/v1/decisions", "/v1/decisions", Method::post, 256 * kMiB},
    {Route::records, "/v1/records", "/v1/records", Method::post, kMiB},
    {Route::healthz, "/healthz", "/healthz", Method::get, 0},
    {Route::metrics, "/metrics", "/metrics", Method::get, 0},
}};

// The media type without parameters, lower-cased: "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view header) {
  std::string out;
  for (char c : header.substr(0, header.find(';')))
    if (c != ' ' && c != '\t') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const RouteInfo& info(Route r) { return kRoutes[static_cast<std::size_t>(r)]; }

const RouteInfo& route_of(std::string_view path) {
  for (const RouteInfo& r : kRoutes) {
    if (r.route == Route::none) continue;
    if (r.route == Route::asset ? path.starts_with(r.path) : path == r.path) return r;
  }
  return kRoutes[0];
}

bool content_type_fits(Route r, std::string_view header) {
  std::string type = media_type(header);
  if (r == Route::decisions) return type == "application/x-ndjson" || type == "application/jsonl" || type == "application/json-lines";
  return type == "application/json";
}

}  // namespace frontdoor::serve
