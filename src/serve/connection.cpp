// One connection's keep-alive loop and its socket stream with deadlines (http_server.hpp says why).
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "serve/http_server.hpp"

namespace frontdoor::serve {
namespace {

// A socket read through a small buffer (httplib reads request lines a byte at a time), where every
// wait is bounded by both the per-read timeout and the current request's deadline.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int fd, const Timeouts& t) : fd_(fd), t_(t) {}

  void set_deadline(Clock::time_point d) { deadline_ = d; }
  bool timed_out() const { return timed_out_; }
  std::size_t written() const { return written_; }
  bool has_buffered() const { return pos_ < end_; }
  void reset_request() {
    timed_out_ = false;
    written_ = 0;
  }
  // Sends past the refusal in write(): only the 408 uses it.
  bool send_all(const std::string& s) {
    timed_out_ = false;
    return write(s.data(), s.size()) == static_cast<ssize_t>(s.size());
  }

  bool is_readable() const override { return pos_ < end_ || wait(POLLIN, t_.read, true); }
  bool is_writable() const override { return wait(POLLOUT, t_.write, false); }

  ssize_t read(char* out, size_t size) override {
    if (pos_ == end_) {
      if (size >= sizeof buffer_) return receive(out, size);
      ssize_t got = receive(buffer_, sizeof buffer_);
      if (got <= 0) return got;
      pos_ = 0, end_ = static_cast<std::size_t>(got);
    }
    std::size_t n = std::min(size, end_ - pos_);
    std::memcpy(out, buffer_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* data, size_t size) override {
    // Once the request is out of time, httplib's own answer (a 400 for half-read headers) is
    // dropped: the client gets the 408 that says what happened.
    if (timed_out_) return -1;
    std::size_t sent = 0;
    while (sent < size) {
      ssize_t n = ::send(fd_, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!wait(POLLOUT, t_.write, false)) return -1;
      } else {
        return -1;
      }
    }
    written_ += sent;
    return static_cast<ssize_t>(sent);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(&::getpeername, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(&::getsockname, ip, port); }
  socket_t socket() const override { return fd_; }

 private:
  ssize_t receive(char* out, std::size_t size) {
    for (;;) {
      ssize_t n = ::recv(fd_, out, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!wait(POLLIN, t_.read, true)) return -1;
    }
  }

  // Waits for the socket, at most `limit` and never past the request's deadline when `bounded`.
  bool wait(short events, std::chrono::milliseconds limit, bool bounded) const {
    auto now = Clock::now();
    auto until = now + limit;
    if (bounded && deadline_ < until) until = deadline_;
    const bool deadline_first = bounded && deadline_ <= until;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
    if (ms <= 0) {
      timed_out_ = timed_out_ || deadline_first;
      return false;
    }
    pollfd p{fd_, events, 0};
    int r;
    do r = ::poll(&p, 1, static_cast<int>(ms));
    while (r < 0 && errno == EINTR);
    if (r > 0) return true;
    // The wait ended at the request's deadline, not at the per-read timeout: the request is late.
    if (r == 0 && deadline_first) timed_out_ = true;
    return false;
  }

  template <class Get>
  void address(Get get, std::string& ip, int& port) const {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    ip.clear(), port = 0;
    if (get(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return;
    char host[64] = {};
    if (a.ss_family == AF_INET) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
      ::inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
      port = ntohs(v4->sin_port);
    } else if (a.ss_family == AF_INET6) {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
      ::inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
      port = ntohs(v6->sin6_port);
    }
    ip = host;
  }

  int fd_;
  const Timeouts& t_;
  Clock::time_point deadline_ = Clock::time_point::max();
  mutable bool timed_out_ = false;
  std::size_t written_ = 0;
  char buffer_[4096];
  std::size_t pos_ = 0, end_ = 0;
};

thread_local RequestState request_state;
thread_local DeadlineStream* current_stream = nullptr;
thread_local const Timeouts* current_timeouts = nullptr;

std::string timeout_answer() {
  const std::string body = R"({"error":{"code":"request_timeout","message":"the request did not arrive in time","field":null}})";
  return "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
         "Connection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// After refusing a request whose body is still arriving (413, 401, ...): stop sending, then read
// and drop what the client is still sending for a moment, so that it finishes its send and reads
// the answer instead of meeting a reset. Bounded in time and bytes, so it costs a hostile client
// nothing it could use.
void linger(int fd) {
  ::shutdown(fd, SHUT_WR);
  char sink[65536];
  std::size_t dropped = 0;
  const auto until = Clock::now() + std::chrono::seconds(2);
  while (dropped < (std::size_t{64} << 20) && Clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    ssize_t n = ::recv(fd, sink, sizeof sink, 0);
    if (n <= 0) break;
    dropped += static_cast<std::size_t>(n);
  }
}

}  // namespace

RequestState& current_request() { return request_state; }

void HttpServer::headers_done() {
  if (current_stream && current_timeouts) current_stream->set_deadline(Clock::now() + current_timeouts->body);
}

void HttpServer::close_after_answer() { request_state.close_after = true; }

bool HttpServer::wait_for_request(int fd) const {
  auto until = Clock::now() + timeouts_.keep_alive;
  while (svr_sock_ != INVALID_SOCKET && Clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, 100);  // short slices, so a stopping server is noticed
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
  return false;
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  DeadlineStream stream(sock, timeouts_);
  current_stream = &stream;
  current_timeouts = &timeouts_;
  while (svr_sock_ != INVALID_SOCKET && (stream.has_buffered() || wait_for_request(sock))) {
    stream.reset_request();
    stream.set_deadline(Clock::now() + timeouts_.header);
    request_state = RequestState{};
    request_state.start = Clock::now();
    bool closed = false;
    bool ok = process_request(stream, false, closed, [](httplib::Request&) {});
    if (stream.timed_out()) {
      if (stream.written() == 0) stream.send_all(timeout_answer());
      if (on_timeout) on_timeout(408, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - request_state.start));
      break;
    }
    if (request_state.close_after) linger(sock);
    if (!ok || closed || request_state.close_after) break;
  }
  current_stream = nullptr;
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

}  // namespace frontdoor::serve
