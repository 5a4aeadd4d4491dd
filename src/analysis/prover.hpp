// The questions the proofs ask of Z3, within one wall-clock bound: one solver holds the facts of a
// contact and its decision; each question is a push, its goal, a check and a pop. `check`'s proofs and
// the symbolic diff ask through it.
#pragma once

#include <z3++.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/deadline.hpp"
#include "frontdoor/analysis.hpp"

namespace frontdoor::detail {

class Encoder;

class Prover {
 public:
  // Called when a question was not settled within its share of the time: the question, its share
  // in ms and Z3's reason.
  using Unsettled = std::function<void(const std::string&, unsigned, const std::string&)>;

  Prover(z3::context& ctx, const Encoder& enc, unsigned bound_ms, std::vector<ProofTiming>& timings, Unsettled unsettled);
  Prover(const Prover&) = delete;
  Prover& operator=(const Prover&) = delete;

  void assert_fact(const z3::expr& fact) { solver_.add(fact); }
  // The contact's size (encoder's `size`), for the smallest counterexample.
  void set_size(const z3::expr& size) { size_.emplace(size); }

  // Is there a contact for which `goal` holds? One question within its share of the time left (all of
  // it when `last`).
  z3::check_result query(const z3::expr& goal, const std::string& question, std::optional<z3::model>& model, bool last = false);
  // Many questions of one kind at once (see prover.cpp).
  std::vector<z3::check_result> ask_all(const std::vector<z3::expr>& goals, const std::vector<std::string>& questions);
  // The smallest contact satisfying `goal`, starting from `m` (see prover.cpp).
  z3::model smallest(const z3::expr& goal, z3::model m);
  // A question not asked because the time was spent, recorded as unknown.
  void skip(const std::string& question);

  double elapsed_ms() const;
  unsigned bound_ms() const { return bound_ms_; }
  std::size_t skipped() const { return skipped_; }
  // Forget the contacts found so far (they may not satisfy facts asserted later).
  void forget_models() { models_.clear(); }

 private:
  z3::check_result solve(const z3::expr& goal, unsigned limit_ms, std::optional<z3::model>& model, std::string& reason);
  static unsigned share_ms(double left_ms, bool last);

  z3::solver solver_;
  Watchdog watchdog_;
  unsigned bound_ms_;
  std::vector<ProofTiming>& timings_;
  Unsettled unsettled_;
  Clock::time_point start_ = Clock::now();
  std::size_t skipped_ = 0;
  static constexpr std::size_t kModelsKept = 32;
  std::vector<z3::model> models_;  // the latest contacts found, to answer later questions without the solver
  std::optional<z3::expr> size_;
};

}  // namespace frontdoor::detail
