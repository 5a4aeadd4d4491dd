#include <cstdio>

#include "serve/answers.hpp"
#include "serve/assets.hpp"
#include "serve/records.hpp"
#include "serve/routes.hpp"
#include "serve/service.hpp"

namespace frontdoor::serve {
namespace {

using HandlerResponse = httplib::Server::HandlerResponse;
using httplib::Request;
using httplib::Response;

void respond(Response& res, Answer a) {
  res.status = a.status;
  res.body = std::move(a.body);
  res.set_header("Content-Type", a.content_type);
}

void respond(Response& res, Answer a, const RuleSet& rules) {
  res.set_header("X-Frontdoor-Document-Sha256", rules.sha256());
  respond(res, std::move(a));
}

bool authorised(const Service& s, const Request& req) {
  if (s.token.empty()) return true;
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view bearer = "Bearer ";
  if (!std::string_view(header).starts_with(bearer)) return false;
  return same_secret(std::string_view(header).substr(bearer.size()), s.token);
}

bool method_fits(const RouteInfo& r, const std::string& method) {
  return r.method == Method::post ? method == "POST" : method == "GET" || method == "HEAD";
}

bool has_body(const Request& req) { return req.has_header("Content-Length") || req.has_header("Transfer-Encoding"); }

// GET requests are answered whole here, before httplib's own routing.
void answer_get(Service& s, const RouteInfo& r, const Request& req, Response& res) {
  auto rules = s.holder.current();
  switch (r.route) {
    case Route::page:
    case Route::asset: {
      std::string_view name = r.route == Route::page ? std::string_view("index.html") : std::string_view(req.path).substr(r.path.size());
      const Asset* asset = find_asset(name);
      if (!asset) return respond(res, error_answer(404, "not_found", "no such file in the page"));
      res.status = 200;
      res.body.assign(asset->bytes.data(), asset->bytes.size());
      res.set_header("Content-Type", std::string(asset->content_type));
      return;
    }
    case Route::document: return respond(res, document_answer(*rules), *rules);
    case Route::healthz: return respond(res, health_answer(*rules), *rules);
    case Route::metrics: {
      Answer a;
      a.body = s.metrics.text(*rules);
      a.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return respond(res, std::move(a));
    }
    default: return respond(res, error_answer(404, "not_found", "no such request"));
  }
}

// Everything decided before a body is read. Handled: the answer is in `res`.
HandlerResponse before_body(Service& s, const Request& req, Response& res) {
  const RouteInfo& r = route_of(req.path);
  current_request().route = static_cast<int>(r.route);
  HttpServer::headers_done();
  auto refuse = [&](Answer a) {
    if (has_body(req)) HttpServer::close_after_answer();  // its body is still on the wire
    respond(res, std::move(a));
    return HandlerResponse::Handled;
  };
  if (r.route == Route::none) return refuse(error_answer(404, "not_found", "no such request; see docs/service.md"));
  if (!method_fits(r, req.method)) {
    res.set_header("Allow", r.method == Method::post ? "POST" : "GET, HEAD");
    return refuse(error_answer(405, "method_not_allowed", r.method == Method::post ? "use POST" : "use GET"));
  }
  if (r.route != Route::healthz && !authorised(s, req)) {
    res.set_header("WWW-Authenticate", "Bearer");
    return refuse(error_answer(401, "unauthorized", "a valid bearer token is needed"));
  }
  if (r.method == Method::get) {
    answer_get(s, r, req, res);
    if (has_body(req)) HttpServer::close_after_answer();
    return HandlerResponse::Handled;
  }
  if (!content_type_fits(r.route, req.get_header_value("Content-Type")))
    return refuse(error_answer(415, "unsupported_media_type",
                               r.route == Route::decisions ? "send JSON Lines (Content-Type: application/x-ndjson)"
                                                           : "send JSON (Content-Type: application/json)"));
  if (req.get_header_value<std::uint64_t>("Content-Length") > r.body_limit)
    return refuse(error_answer(413, "payload_too_large", "the body is over " + std::to_string(r.body_limit >> 20) + " MiB"));
  return HandlerResponse::Unhandled;
}

// A POST whose body is in: its size checked again (a chunked body has no Content-Length), then answered.
template <class Make>
httplib::Server::Handler post(Service& s, Route route, Make make) {
  return [&s, route, make](const Request& req, Response& res) {
    if (req.body.size() > info(route).body_limit)
      return respond(res,
                     error_answer(413, "payload_too_large", "the body is over " + std::to_string(info(route).body_limit >> 20) + " MiB"));
    auto rules = s.holder.current();
    Answer a = make(*rules, const_cast<Request&>(req));
    s.metrics.decided(a.decisions, a.rejected + (a.status == 400 ? 1 : 0));
    respond(res, std::move(a), *rules);
  };
}

const char* code_for(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    default: return status >= 500 ? "internal_error" : "bad_request";
  }
}

void after_answer(Service& s, const Request& req, const Response& res) {
  const RequestState& st = current_request();
  auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - st.start);
  Route route = static_cast<Route>(st.route);
  s.metrics.request(route, res.status, latency);
  auto rules = s.holder.current();
  char text[256];
  std::snprintf(text, sizeof text, "%s %s %d %.3fms sha256=%s", req.method.c_str(), std::string(info(route).label).c_str(), res.status,
                static_cast<double>(latency.count()) / 1000.0, rules->sha256().c_str());
  s.log.line(text);
}

}  // namespace

void install_routes(HttpServer& server, Service& s) {
  server.set_pre_routing_handler([&s](const Request& req, Response& res) { return before_body(s, req, res); });
  const unsigned batch_threads = s.options.batch_threads;
  server.Post("/v1/decide", post(s, Route::decide, [](const RuleSet& r, Request& q) { return decide_answer(r, q.body); }));
  server.Post("/v1/explain", post(s, Route::explain, [](const RuleSet& r, Request& q) { return explain_answer(r, q.body); }));
  server.Post("/v1/decisions", post(s, Route::decisions,
                                    [batch_threads](const RuleSet& r, Request& q) { return decisions_answer(r, q.body, batch_threads); }));
  server.Post("/v1/records", post(s, Route::records, [&s](const RuleSet& r, Request& q) {
                if (!s.audit.is_open()) return error_answer(404, "no_audit_file", "the service was started without --audit");
                return record_answer(r, q.body, s.audit);
              }));
  server.set_error_handler([](const Request&, Response& res) {
    if (res.body.empty()) respond(res, error_answer(res.status, code_for(res.status), "the request could not be read"));
  });
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    respond(res, error_answer(500, "internal_error", "the request could not be answered"));
  });
  server.set_logger([&s](const Request& req, const Response& res) { after_answer(s, req, res); });
  server.on_timeout = [&s](int status, std::chrono::microseconds latency) {
    s.metrics.request(static_cast<Route>(current_request().route), status, latency);
    s.log.line("- " + std::string(info(static_cast<Route>(current_request().route)).label) + " 408 (request not in on time)");
  };
}

}  // namespace frontdoor::serve
