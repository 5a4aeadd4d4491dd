// The shared progress/cancel runner (frontdoor/progress.hpp) that the command line and the Python
// package watch long batches with. The cases are named threads* so that the tsan preset runs them.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "frontdoor/progress.hpp"

namespace {

using namespace std::chrono_literals;
using frontdoor::BatchProgress;
using frontdoor::RunEnd;

// A batch of `rows` steps, a millisecond each, that stops when asked.
auto slow_batch(std::size_t rows) {
  return [rows](BatchProgress& p) {
    p.total = rows;
    for (std::size_t i = 0; i < rows && !p.cancel; ++i) {
      std::this_thread::sleep_for(1ms);
      ++p.done;
    }
  };
}

}  // namespace

TEST_CASE("threads: a watched batch is seen while it runs and once more at its end") {
  std::vector<std::size_t> seen;
  RunEnd end = frontdoor::run_watched(
      slow_batch(60),
      [&](std::size_t done, std::size_t total) {
        CHECK(total == 60);
        seen.push_back(done);
        return true;
      },
      5ms);
  CHECK(end == RunEnd::finished);
  REQUIRE(seen.size() >= 2);
  CHECK(seen.back() == 60);
  for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i - 1] <= seen[i]);
}

TEST_CASE("threads: a watcher that says stop cancels the batch, which is waited for") {
  std::atomic<bool> batch_ended{false};
  RunEnd end = frontdoor::run_watched(
      [&](BatchProgress& p) {
        slow_batch(20000)(p);
        batch_ended = true;
      },
      [](std::size_t done, std::size_t) { return done < 5; }, 2ms);
  CHECK(end == RunEnd::cancelled);
  CHECK(batch_ended);
}

TEST_CASE("threads: the watcher's exception and the batch's come back to the caller") {
  auto throwing_watch = [](std::size_t, std::size_t) -> bool { throw std::runtime_error("watcher"); };
  CHECK_THROWS_WITH(frontdoor::run_watched(slow_batch(20000), throwing_watch, 2ms), "watcher");
  auto failing_batch = [](BatchProgress&) { throw std::invalid_argument("batch"); };
  CHECK_THROWS_WITH(frontdoor::run_watched(
                        failing_batch, [](std::size_t, std::size_t) { return true; }, 2ms),
                    "batch");
  CHECK_THROWS_WITH(frontdoor::run_watched(failing_batch, {}), "batch");
}

TEST_CASE("threads: without a watcher the batch runs on the calling thread") {
  std::thread::id ran_on;
  CHECK(frontdoor::run_watched([&](BatchProgress&) { ran_on = std::this_thread::get_id(); }, {}) == RunEnd::finished);
  CHECK(ran_on == std::this_thread::get_id());
}
