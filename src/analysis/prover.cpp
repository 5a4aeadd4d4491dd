#include "analysis/prover.hpp"

#include <algorithm>

#include "analysis/symbolic.hpp"

namespace frontdoor::detail {
namespace {

// Integer arithmetic only, unless the document compares strings.
z3::solver make_solver(z3::context& ctx, const Encoder& enc) {
  z3::solver s = enc.uses_strings() ? z3::solver(ctx) : z3::solver(ctx, "QF_LIA");
  z3::params params(ctx);
  // Z3's older simplex (arith.solver=2) settles these queries, mostly small bounded integers and
  // if-then-else chains, about four times faster than 4.8's default; measured on the default document.
  params.set("arith.solver", 2u);
  s.set(params);
  return s;
}

}  // namespace

Prover::Prover(z3::context& ctx, const Encoder& enc, unsigned bound_ms, std::vector<ProofTiming>& timings, Unsettled unsettled)
    : solver_(make_solver(ctx, enc)), watchdog_(ctx), bound_ms_(bound_ms), timings_(timings), unsettled_(std::move(unsettled)) {}

double Prover::elapsed_ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - start_).count(); }

// A question's share of the time left: half of it, or all of it for the last question, so one hard
// question cannot starve the rest.
unsigned Prover::share_ms(double left_ms, bool last) { return static_cast<unsigned>(std::max(1.0, last ? left_ms : left_ms / 2)); }

void Prover::skip(const std::string& question) {
  ++skipped_;
  timings_.push_back({question, 0, ProofAnswer::unknown});
}

z3::check_result Prover::query(const z3::expr& goal, const std::string& question, std::optional<z3::model>& model, bool last) {
  const double left = bound_ms_ - elapsed_ms();
  if (left < 1) {
    skip(question);
    return z3::unknown;
  }
  const unsigned limit = share_ms(left, last);
  auto t0 = Clock::now();
  std::string reason;
  z3::check_result r = solve(goal, limit, model, reason);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  timings_.push_back({question, ms, r == z3::sat ? ProofAnswer::yes : r == z3::unsat ? ProofAnswer::no : ProofAnswer::unknown});
  if (r == z3::unknown && unsettled_) unsettled_(question, limit, reason);
  return r;
}

// A contact found for an earlier question often answers a later one too (the contact that makes
// one rule hold may make the next hold as well): each goal is first evaluated on the models found
// so far, and the solver is asked only when none satisfies it. Sound because every model satisfies
// the facts asserted once, and the goal carries every constraint of its own.
z3::check_result Prover::solve(const z3::expr& goal, unsigned limit_ms, std::optional<z3::model>& model, std::string& reason) {
  for (auto& known : models_)
    if (known.eval(goal, true).is_true()) {
      model = known;
      return z3::sat;
    }
  // Only the watchdog stops a question: Z3's own `timeout` starts a timer thread per check, and Z3
  // 4.8's pool of timer threads has a race that, with hundreds of short checks on a busy machine,
  // sometimes aborted the process (seen once in the benchmark; Z3 pull request 5371).
  solver_.push();
  solver_.add(goal);
  watchdog_.arm(Clock::now() + std::chrono::milliseconds(limit_ms));
  z3::check_result r = solver_.check();
  watchdog_.disarm();
  if (r == z3::sat) {
    model = solver_.get_model();
    if (models_.size() == kModelsKept) models_.erase(models_.begin());
    models_.push_back(*model);
  }
  if (r == z3::unknown) reason = solver_.reason_unknown();
  solver_.pop();
  return r;
}

// The solver's first model is any contact that shows the finding; a reader wants the smallest
// (fewest concerns, fields set, dates and history items). Sizes 0, 1, 3, 7, ... are tried from below,
// each within a small slice of the time left, the first that holds is kept, then refined by halving
// the gap below it. Not a question of its own: a search cut short keeps the smallest found so far.
z3::model Prover::smallest(const z3::expr& goal, z3::model m) {
  if (!size_) return m;
  auto size_of = [&](const z3::model& x) { return x.eval(*size_, true).get_numeral_int64(); };
  auto fits = [&](std::int64_t n, z3::model& out) {
    const double left = bound_ms_ - elapsed_ms();
    if (left < 8) return z3::unknown;
    std::optional<z3::model> found;
    std::string reason;
    auto r = solve(goal && *size_ <= static_cast<int>(n), static_cast<unsigned>(std::min(left / 8, 250.0)), found, reason);
    if (r == z3::sat) out = *found;
    return r;
  };
  std::int64_t lo = 0, hi = size_of(m);  // no contact of size below lo; m has size hi
  for (std::int64_t step = 0; lo < hi; step = step * 2 + 1) {
    std::int64_t n = std::min(lo + step, hi - 1);
    auto r = fits(n, m);
    if (r == z3::unknown) return m;
    if (r == z3::sat) {
      hi = size_of(m);
      break;
    }
    lo = n + 1;
  }
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo) / 2;
    auto r = fits(mid, m);
    if (r == z3::unknown) break;
    if (r == z3::sat)
      hi = size_of(m);
    else
      lo = mid + 1;
  }
  return m;
}

// Many questions of one kind at once: can any of those still open hold? A contact that shows one
// usually shows several (every goal it satisfies is answered yes); when none can, every open one
// is answered no by that one proof. A round the solver cannot settle leaves its questions to be
// asked one by one. So a document of 2,000 rules takes a handful of solver calls, not 2,000.
std::vector<z3::check_result> Prover::ask_all(const std::vector<z3::expr>& goals, const std::vector<std::string>& questions) {
  std::vector<z3::check_result> answer(goals.size(), z3::unknown);
  std::vector<std::size_t> open(goals.size());
  for (std::size_t i = 0; i < goals.size(); ++i) open[i] = i;
  while (open.size() > 1) {
    z3::expr_vector any(solver_.ctx());
    for (auto i : open) any.push_back(goals[i]);
    std::optional<z3::model> m;
    auto t0 = Clock::now();
    const double left = bound_ms_ - elapsed_ms();
    if (left < 1) break;
    std::string reason;
    auto r = solve(z3::mk_or(any), share_ms(left, false), m, reason);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (r == z3::unknown) break;
    std::vector<std::size_t> still;
    for (auto i : open) {
      bool yes = r == z3::sat && m->eval(goals[i], false).is_true();
      if (r == z3::unsat || yes) {
        answer[i] = r == z3::unsat ? z3::unsat : z3::sat;
        timings_.push_back({questions[i], ms / static_cast<double>(open.size()), yes ? ProofAnswer::yes : ProofAnswer::no});
      } else {
        still.push_back(i);
      }
    }
    if (still.size() == open.size()) break;  // a model that answers none: ask one by one
    open = std::move(still);
  }
  for (auto i : open) {
    std::optional<z3::model> m;
    answer[i] = query(goals[i], questions[i], m);
  }
  return answer;
}

}  // namespace frontdoor::detail
