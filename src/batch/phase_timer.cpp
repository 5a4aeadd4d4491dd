// FRONTDOOR_TIMING's report of a batch's phases (frontdoor/columns.hpp's PhaseTimer).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "frontdoor/columns.hpp"

#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

namespace frontdoor::columns {
namespace {

enum class CpuClock { thread, process };

// CPU seconds used so far by this thread or by the whole process. POSIX systems with CPU-time
// clocks give both; elsewhere the process's comes from std::clock and a thread's is not known (0).
double cpu_seconds([[maybe_unused]] CpuClock which) {
#if defined(_POSIX_THREAD_CPUTIME) && _POSIX_THREAD_CPUTIME >= 0
  timespec ts;
  clock_gettime(which == CpuClock::thread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
#else
  if (which == CpuClock::thread) return 0;
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
#endif
}

}  // namespace

PhaseTimer::PhaseTimer() : on_(std::getenv("FRONTDOOR_TIMING") != nullptr) {
  if (!on_) return;
  wall_ = std::chrono::steady_clock::now();
  cpu_ = cpu_seconds(CpuClock::thread);
  all_ = cpu_seconds(CpuClock::process);
}

void PhaseTimer::lap(const char* what) {
  if (!on_) return;
  auto now = std::chrono::steady_clock::now();
  double cpu = cpu_seconds(CpuClock::thread), all = cpu_seconds(CpuClock::process);
  std::fprintf(stderr, "%-8s wall %.3f cpu %.3f all-threads %.3f\n", what, std::chrono::duration<double>(now - wall_).count(), cpu - cpu_,
               all - all_);
  wall_ = now;
  cpu_ = cpu;
  all_ = all;
}

}  // namespace frontdoor::columns
