// The proofs' wall-clock bound: a watchdog thread interrupts the context when a question's time is
// up. Z3's own `timeout` is not used: it is checked only now and then (not inside some of its
// simplifications), and its timer threads race (see analysis.cpp).
#pragma once

#include <z3++.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace frontdoor::detail {

using Clock = std::chrono::steady_clock;

class Watchdog {
 public:
  explicit Watchdog(z3::context& ctx) : ctx_(ctx), thread_([this] { run(); }) {}
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  // Interrupt the context at `when` unless disarmed first.
  void arm(Clock::time_point when) {
    {
      std::lock_guard lock(mu_);
      due_ = when;
    }
    cv_.notify_one();
  }
  void disarm() {
    std::lock_guard lock(mu_);
    due_.reset();
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (!due_) {
        cv_.wait(lock);
        continue;
      }
      if (cv_.wait_until(lock, *due_) == std::cv_status::timeout && due_ && Clock::now() >= *due_) {
        due_.reset();
        ctx_.interrupt();
      }
    }
  }

  z3::context& ctx_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Clock::time_point> due_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the members it reads exist
};

}  // namespace frontdoor::detail
