// The HTTP layer under `frontdoor serve`: cpp-httplib's request parsing and routing, with our own
// connection loop, because httplib 0.11 bounds each read but not a whole request. A client that
// dribbles its headers a byte at a time would otherwise hold a worker for ever; here the headers
// must arrive within a deadline (then the body within another), or the client gets 408 and the
// connection is closed.
#pragma once

#include <chrono>
#include <cstddef>

#include <httplib.h>

namespace frontdoor::serve {

using Clock = std::chrono::steady_clock;

struct Timeouts {
  std::chrono::milliseconds header{10000};     // from a request's first byte to the end of its headers
  std::chrono::milliseconds body{120000};      // from the end of the headers to the end of the body
  std::chrono::milliseconds read{10000};       // any one wait for bytes
  std::chrono::milliseconds write{10000};      // any one wait to send
  std::chrono::milliseconds keep_alive{5000};  // an idle connection between requests
};

// The request a worker thread is serving: what the handlers found out about it, for the log line
// and the metrics the logger writes once the answer has gone.
struct RequestState {
  int route = 0;  // a Route (routes.hpp), as an int to keep this header free of it
  Clock::time_point start{};
  bool close_after = false;  // the body was not read: the connection cannot carry another request
};
RequestState& current_request();

class HttpServer : public httplib::Server {
 public:
  explicit HttpServer(const Timeouts& timeouts) : timeouts_(timeouts) {}

  // Called once a request's headers are in: its body now has the body deadline.
  static void headers_done();
  // Called when a request is refused before its body is read: answer it, then close.
  static void close_after_answer();

  // What to do when a request runs out of time before an answer was started (the 408 is written here).
  std::function<void(int status, std::chrono::microseconds)> on_timeout;

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool wait_for_request(int fd) const;

  Timeouts timeouts_;
};

}  // namespace frontdoor::serve
