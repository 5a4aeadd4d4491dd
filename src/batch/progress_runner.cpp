#include "frontdoor/progress.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace frontdoor {

RunEnd run_watched(const std::function<void(BatchProgress&)>& batch, const ProgressWatch& watch, std::chrono::milliseconds every) {
  BatchProgress progress;
  if (!watch) {
    batch(progress);
    return RunEnd::finished;
  }
  std::mutex mu;
  std::condition_variable ended;
  bool finished = false;
  std::exception_ptr batch_failure, watch_failure;
  std::thread worker([&] {
    try {
      batch(progress);
    } catch (...) {
      batch_failure = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mu);
    finished = true;
    ended.notify_all();
  });
  bool stopped = false;
  {
    std::unique_lock<std::mutex> lock(mu);
    while (!ended.wait_for(lock, every, [&] { return finished; })) {
      // The watcher may be slow (a Python callback taking the GIL): the batch may finish meanwhile.
      lock.unlock();
      bool go_on = false;
      try {
        go_on = watch(progress.done.load(), progress.total.load());
      } catch (...) {
        watch_failure = std::current_exception();
      }
      lock.lock();
      if (!go_on) {
        stopped = true;
        progress.cancel = true;
        ended.wait(lock, [&] { return finished; });
        break;
      }
    }
  }
  worker.join();
  if (watch_failure) std::rethrow_exception(watch_failure);
  if (batch_failure) std::rethrow_exception(batch_failure);
  if (stopped) return RunEnd::cancelled;
  watch(progress.done.load(), progress.total.load());
  return RunEnd::finished;
}

namespace columns {

BatchResult decide_columns(const RuleSet& rules, const std::vector<const Column*>& columns, std::size_t rows, BatchOptions options,
                           const ProgressWatch& watch, std::chrono::milliseconds every) {
  BatchResult result;
  RunEnd end = run_watched(
      [&](BatchProgress& progress) {
        progress.total = rows;
        options.done = &progress.done;
        options.cancel = &progress.cancel;
        result = decide_columns(rules, columns, rows, options);
        // Rows rejected before deciding are not counted as they go: at the end, every row is done.
        if (!result.cancelled) progress.done = rows;
      },
      watch, every);
  if (end == RunEnd::cancelled) result.cancelled = true;
  return result;
}

}  // namespace columns

}  // namespace frontdoor
