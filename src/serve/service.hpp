// What the request handlers share: the document being served, the audit file, the metrics, the
// token and the log. One per `frontdoor serve` process.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "serve/audit_log.hpp"
#include "serve/document_holder.hpp"
#include "serve/http_server.hpp"
#include "serve/metrics.hpp"
#include "serve/serve.hpp"

namespace frontdoor::serve {

class Log {
 public:
  // One line on stderr, after a UTC timestamp. Callers pass only what the log may hold: method,
  // route, status, latency, document hash, reload results; never a contact.
  void line(std::string_view text);

 private:
  std::mutex mutex_;
};

struct Service {
  Service(const ServeOptions& o, CheckOptions check) : options(o), holder(o.document, std::move(check)) {}
  ServeOptions options;
  DocumentHolder holder;
  Metrics metrics;
  AuditLog audit;
  std::string token;  // empty: no authentication
  Log log;
};

// Registers every request of SPEC section 8 on `server`, with the checks that come before them
// (route, method, token, content type, size) and the log line and metrics that come after.
void install_routes(HttpServer& server, Service& service);

// Equal in time that does not depend on where the two differ.
bool same_secret(std::string_view given, std::string_view expected);

}  // namespace frontdoor::serve
