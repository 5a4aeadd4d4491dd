#include "serve/metrics.hpp"

#include <cstdio>

namespace frontdoor::serve {
namespace {

std::size_t status_slot(int status) {
  for (std::size_t i = 0; i + 1 < Metrics::kStatuses.size(); ++i)
    if (Metrics::kStatuses[i] == status) return i;
  return Metrics::kStatuses.size() - 1;
}

// A label value as Prometheus quotes it.
std::string label(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

}  // namespace

void Metrics::request(Route route, int status, std::chrono::microseconds latency) {
  requests_[static_cast<std::size_t>(route)][status_slot(status)].fetch_add(1, std::memory_order_relaxed);
  double s = static_cast<double>(latency.count()) / 1e6;
  std::size_t b = 0;
  while (b < kBuckets.size() && s > kBuckets[b]) ++b;
  buckets_[b].fetch_add(1, std::memory_order_relaxed);
  latency_us_.fetch_add(static_cast<std::uint64_t>(latency.count()), std::memory_order_relaxed);
}

void Metrics::decided(std::size_t decisions, std::size_t rejected) {
  decisions_.fetch_add(decisions, std::memory_order_relaxed);
  rejected_.fetch_add(rejected, std::memory_order_relaxed);
}

void Metrics::reloaded(bool accepted) { (accepted ? reloads_ : refused_).fetch_add(1, std::memory_order_relaxed); }

std::string Metrics::text(const RuleSet& serving) const {
  std::string out;
  out += "# HELP frontdoor_requests_total HTTP requests answered, by route and status.\n# TYPE frontdoor_requests_total counter\n";
  for (std::size_t r = 0; r < kRouteCount; ++r)
    for (std::size_t s = 0; s < kStatuses.size(); ++s) {
      std::uint64_t n = requests_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string status = kStatuses[s] ? std::to_string(kStatuses[s]) : "other";
      out += "frontdoor_requests_total{path=\"" + label(info(static_cast<Route>(r)).label) + "\",status=\"" + status + "\"} " +
             std::to_string(n) + "\n";
    }
  out += "# HELP frontdoor_request_duration_seconds Time from a request's first byte to its answer.\n";
  out += "# TYPE frontdoor_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
    cumulative += buckets_[b].load(std::memory_order_relaxed);
    std::string le = b < kBuckets.size() ? seconds(kBuckets[b]) : "+Inf";
    out += "frontdoor_request_duration_seconds_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += "frontdoor_request_duration_seconds_sum " + seconds(static_cast<double>(latency_us_.load()) / 1e6) + "\n";
  out += "frontdoor_request_duration_seconds_count " + std::to_string(cumulative) + "\n";
  out += "# HELP frontdoor_decisions_total Contacts decided (result=decided) or rejected (result=rejected).\n";
  out += "# TYPE frontdoor_decisions_total counter\n";
  out += "frontdoor_decisions_total{result=\"decided\"} " + std::to_string(decisions_.load()) + "\n";
  out += "frontdoor_decisions_total{result=\"rejected\"} " + std::to_string(rejected_.load()) + "\n";
  out += "# HELP frontdoor_reloads_total Documents re-read on SIGHUP, accepted or refused.\n# TYPE frontdoor_reloads_total counter\n";
  out += "frontdoor_reloads_total{result=\"accepted\"} " + std::to_string(reloads_.load()) + "\n";
  out += "frontdoor_reloads_total{result=\"refused\"} " + std::to_string(refused_.load()) + "\n";
  const ThresholdDocument& doc = serving.document();
  out += "# HELP frontdoor_document_info The threshold document being served.\n# TYPE frontdoor_document_info gauge\n";
  out += "frontdoor_document_info{id=\"" + label(doc.id) + "\",version=\"" + label(doc.version) + "\",sha256=\"" + serving.sha256() +
         "\"} 1\n";
  return out;
}

}  // namespace frontdoor::serve
