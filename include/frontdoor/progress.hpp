// Watching a long batch: the batch runs on a worker thread and counts what it has done, while the
// calling thread wakes at intervals to show progress and may stop it. One runner for every front
// end: the command line's progress bar and the Python package's (with its Ctrl-C) both use it, so
// a batch is watched and cancelled the same way everywhere. src/batch/progress_runner.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "frontdoor/columns.hpp"

namespace frontdoor {

// What a running batch reports, and how it is asked to stop.
struct BatchProgress {
  std::atomic<std::size_t> done{0};   // rows decided so far
  std::atomic<std::size_t> total{0};  // rows in all, once the batch knows (0 until then)
  std::atomic<bool> cancel{false};    // set by the runner when the watcher stops the batch
};

// Called on the calling thread with (done, total): true to go on, false (or an exception) to stop.
using ProgressWatch = std::function<bool(std::size_t done, std::size_t total)>;

enum class RunEnd : std::uint8_t { finished, cancelled };

// Runs `batch` on a worker thread while this thread calls `watch` every `every` until it ends, and
// once more at the end of a finished batch (with the last count). When `watch` returns false or
// throws, `cancel` is set and the batch is waited for: the result is RunEnd::cancelled, or the
// watcher's exception rethrown here. An exception from the batch is rethrown here too. Without a
// watch, the batch runs on this thread.
RunEnd run_watched(const std::function<void(BatchProgress&)>& batch, const ProgressWatch& watch,
                   std::chrono::milliseconds every = std::chrono::milliseconds(100));

namespace columns {

// decide_columns, watched: `options.done` and `options.cancel` are the runner's (any given are
// ignored). A batch the watcher stopped comes back with `cancelled` set.
BatchResult decide_columns(const RuleSet&, const std::vector<const Column*>& columns, std::size_t rows, BatchOptions options,
                           const ProgressWatch& watch, std::chrono::milliseconds every = std::chrono::milliseconds(100));

}  // namespace columns

}  // namespace frontdoor
