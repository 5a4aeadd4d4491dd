// The service's Prometheus metrics: requests by route and status, decisions, a latency histogram,
// and the document being served as an info metric. Lock-free counters: every worker thread adds
// to them on every request.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "frontdoor/rule_set.hpp"
#include "serve/routes.hpp"

namespace frontdoor::serve {

class Metrics {
 public:
  static constexpr std::array<int, 13> kStatuses{200, 201, 400, 401, 404, 405, 408, 413, 414, 415, 500, 507, 0};  // 0: any other
  static constexpr std::array<double, 14> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  void request(Route, int status, std::chrono::microseconds latency);
  void decided(std::size_t decisions, std::size_t rejected);
  void reloaded(bool accepted);

  // Prometheus text exposition format, version 0.0.4.
  std::string text(const RuleSet& serving) const;

 private:
  std::array<std::array<std::atomic<std::uint64_t>, kStatuses.size()>, kRouteCount> requests_{};
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets_{};  // the last is +Inf
  std::atomic<std::uint64_t> latency_us_{0}, decisions_{0}, rejected_{0}, reloads_{0}, refused_{0};
};

}  // namespace frontdoor::serve
