// Run body(0) .. body(n - 1) at once, body(0) on the calling thread; the first exception any of
// them throws is rethrown here after all have finished (a worker's exception never terminates the
// process). Internal to frontdoor and its command line, not an API.
#pragma once

#include <exception>
#include <thread>
#include <vector>

namespace frontdoor::detail {

template <class F>
void run_threads(unsigned n, F&& body) {
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n; ++t)
    threads.emplace_back([&, t] {
      try {
        body(t);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  try {
    body(0u);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& th : threads) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace frontdoor::detail
