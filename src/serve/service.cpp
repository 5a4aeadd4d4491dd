// `frontdoor serve`: start-up (document, token, audit file, bind), the signal thread that reloads
// the document on SIGHUP and stops on SIGINT/SIGTERM, and the log.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "serve/assets.hpp"
#include "serve/service.hpp"

namespace frontdoor::serve {
namespace {

bool is_loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }

std::string utc_now_ms() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

// The token: the file's first line, without surrounding whitespace. Empty (with `error`) when unusable.
std::string read_token(const std::string& path, std::string& error) {
  std::ifstream in(path);
  std::string token;
  if (!in || !std::getline(in, token)) {
    error = path + ": cannot read the token file";
    return {};
  }
  auto b = token.find_first_not_of(" \t\r"), e = token.find_last_not_of(" \t\r");
  token = b == std::string::npos ? std::string() : token.substr(b, e - b + 1);
  if (token.size() < 16) error = path + ": the token must be at least 16 characters";
  return token;
}

bool start_checks(const ServeOptions& o, Service& s, std::string& error) {
  if (!o.token_file.empty()) {
    s.token = read_token(o.token_file, error);
    if (!error.empty()) return false;
  }
  if (!is_loopback(o.host) && s.token.empty() && !o.no_auth) {
    error = "binding " + o.host + " (not this machine only) needs --token-file, or --no-auth to serve without one";
    return false;
  }
  if (!o.audit.empty() && !s.audit.open(o.audit, error)) return false;
  std::string line;
  bool ok = s.holder.reload(line);
  s.log.line(line);
  if (!ok) error = "the document cannot be served";
  return ok;
}

// Blocked in every thread (set before any starts), so only the signal thread's sigwait sees them.
sigset_t service_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void signal_loop(Service& s, HttpServer& server) {
  sigset_t set = service_signals();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig != SIGHUP) break;
    std::string line;
    bool ok = s.holder.reload(line);
    s.metrics.reloaded(ok);
    s.log.line("SIGHUP: " + line);
  }
  server.stop();
}

unsigned worker_count(unsigned asked) {
  if (asked) return asked;
  // Each keep-alive connection holds a worker while it is open (httplib's model), so the pool is
  // sized for connections, from the machine's cores: eight per core, at least 32.
  return std::max(32u, 8u * std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

void Log::line(std::string_view text) {
  std::string out = utc_now_ms();
  out += ' ';
  out += text;
  out += '\n';
  std::lock_guard lock(mutex_);
  std::fwrite(out.data(), 1, out.size(), stderr);
}

bool same_secret(std::string_view given, std::string_view expected) {
  // Every byte of the longer is looked at whatever the contents, so the time says at most the length.
  std::size_t n = std::max(given.size(), expected.size());
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    unsigned char b = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    diff |= static_cast<unsigned char>(a ^ b);
  }
  return diff == 0;
}

const Asset* find_asset(std::string_view name) {
  for (const Asset& a : web_assets())
    if (a.name == name) return &a;
  return nullptr;
}

int run_serve(const ServeOptions& o) {
  sigset_t set = service_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  CheckOptions check;
  check.prover = o.prover;
  Service s(o, check);
  std::string error;
  if (!start_checks(o, s, error)) {
    std::cerr << "frontdoor serve: " << error << "\n";
    return 2;
  }
  Timeouts timeouts;
  timeouts.header = o.header_timeout;
  HttpServer server(timeouts);
  const unsigned workers = worker_count(o.threads);
  server.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100000);
  server.set_payload_max_length(info(Route::decisions).body_limit);
  server.set_default_headers({{"Cache-Control", "no-store"},
                              {"X-Content-Type-Options", "nosniff"},
                              {"Referrer-Policy", "no-referrer"},
                              {"Content-Security-Policy",
                               "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}});
  install_routes(server, s);
  int port = o.port == 0 ? server.bind_to_any_port(o.host) : (server.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0) {
    std::cerr << "frontdoor serve: cannot listen on " << o.host << ":" << o.port << "\n";
    return 2;
  }
  s.log.line("listening on http://" + o.host + ":" + std::to_string(port) + " with " + std::to_string(workers) + " workers" +
             (s.token.empty() ? "" : ", bearer token required"));
  std::thread signals([&] { signal_loop(s, server); });
  server.listen_after_bind();
  pthread_kill(signals.native_handle(), SIGTERM);  // when listening ended on its own
  signals.join();
  s.log.line("stopped");
  return 0;
}

}  // namespace frontdoor::serve
