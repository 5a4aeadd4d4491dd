// Stage 5, decide: SPEC 2.1 and 2.2. resolve() turns a record into a Contact; decide_core() is the
// hot path, shared by the fast and the traced evaluation through the Trace policy.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <optional>

#include "batch/record_rows.hpp"
#include "compile/program.hpp"
#include "decide/decide_core.hpp"
#include "decide/evaluate.hpp"
#include "frontdoor/rule_set.hpp"
#include "resolve/words.hpp"
#include "time/civil.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor {
namespace detail {
namespace {

// `received` split once into its UTC date and the time into that day, for calendar-month windows.
struct Received {
  std::int64_t ms;
  CivilDate date;
  std::int64_t into_day;
  explicit Received(std::int64_t t) noexcept : ms(t) {
    auto days = static_cast<std::int32_t>(floor_div(t, kMsPerDay));
    date = civil_from_days(days);
    into_day = t - static_cast<std::int64_t>(days) * kMsPerDay;
  }
};

std::int64_t window_start(const Counter& k, const Received& r) noexcept {
  switch (k.unit) {
    case Counter::Unit::days: return r.ms - k.within * kMsPerDay;
    case Counter::Unit::weeks: return r.ms - k.within * 7 * kMsPerDay;
    case Counter::Unit::months: {  // same day of month, clamped to the month's end (as minus_months)
      std::int64_t idx = static_cast<std::int64_t>(r.date.year) * 12 + (r.date.month - 1) - k.within;
      auto y = static_cast<std::int32_t>(floor_div(idx, 12));
      auto m = static_cast<std::uint32_t>(idx - static_cast<std::int64_t>(y) * 12 + 1);
      auto d = std::min(r.date.day, last_day_of_month(y, m));
      return static_cast<std::int64_t>(days_from_civil({y, m, d})) * kMsPerDay + r.into_day;
    }
  }
  return r.ms;
}

bool shares_concern(const Contact& c, const PastContact& h) noexcept {
  for (auto k : h.concerns)
    if (k < c.concern_levels.size() && c.concern_levels[k]) return true;
  return false;
}

// A counter's window from `received`, with the calendar arithmetic of a months window done only for
// a row that needs it. Going back n months goes back at least 28n days and at most 31n (the day of
// the month clamped to a shorter month's end keeps it within that), at the same time of day: a row
// at or after `surely_in` is inside, one before `surely_out` is outside, and only a row in between
// needs the exact start.
class Window {
 public:
  Window(const Counter& k, std::int64_t received) noexcept : k_(k), received_(received) {
    constexpr std::int64_t kSane = std::int64_t{1} << 55;  // far past any timestamp, so no overflow
    if (k.unit != Counter::Unit::months) {
      start_ = surely_in_ = surely_out_ = window_start(k, Received(received));
      known_ = true;
    } else if (k.within >= 0 && k.within <= 100000 && received > -kSane && received < kSane) {
      surely_in_ = received - k.within * 28 * kMsPerDay;
      surely_out_ = received - k.within * 31 * kMsPerDay;
    }
  }
  bool holds(std::int64_t t) noexcept {
    if (t >= surely_in_) return true;
    if (t < surely_out_) return false;
    if (!known_) start_ = window_start(k_, Received(received_)), known_ = true;
    return t >= start_;
  }

 private:
  const Counter& k_;
  std::int64_t received_;
  std::int64_t surely_in_ = INT64_MAX, surely_out_ = INT64_MIN, start_ = 0;
  bool known_ = false;
};

// SPEC 7.6: an item passes a counter's outcome and level filters only when what they read is known.
bool passes_filters(const Program& p, const Counter& k, const PastContact& h) noexcept {
  if (k.level_at_least != kNoIndex && (h.level == kNoIndex || h.level < k.level_at_least)) return false;
  if (!k.filters_outcome()) return true;
  if (h.outcome == kNoIndex || h.outcome >= p.doc.outcomes.size()) return false;
  if (!k.outcomes.empty() && std::find(k.outcomes.begin(), k.outcomes.end(), h.outcome) == k.outcomes.end()) return false;
  return k.categories == 0 || ((k.categories >> static_cast<unsigned>(p.doc.outcomes[h.outcome].category)) & 1u);
}

}  // namespace

void count_history(const Program& p, const Contact& c, std::span<const PastContact> history, std::int64_t* counters) noexcept {
  const auto& counters_decl = p.doc.counters;
  if (history.empty()) {
    std::fill(counters, counters + counters_decl.size(), 0);
    return;
  }
  std::optional<Window> window;
  for (std::size_t i = 0; i < counters_decl.size(); ++i) {
    const Counter& k = counters_decl[i];
    if (i == 0 || k.unit != counters_decl[i - 1].unit || k.within != counters_decl[i - 1].within)
      window.emplace(k, c.received);  // counters often share a window
    std::int64_t n = 0;
    for (const PastContact& h : history) {
      if (h.received >= c.received || !window->holds(h.received)) continue;
      if (k.count == Counter::Count::referrals && !h.referral) continue;
      if (k.sharing == Counter::Sharing::domain && !(h.domains & c.domains)) continue;
      if (k.sharing == Counter::Sharing::concern && !shares_concern(c, h)) continue;
      if (!passes_filters(p, k, h)) continue;
      ++n;
    }
    counters[i] = n;
  }
}

std::int64_t window_reach(const Program& p) noexcept {
  constexpr std::int64_t kLongest = std::int64_t{1} << 50;  // ~35,000 years: far past any received
  std::int64_t reach = 0;
  for (const Counter& k : p.doc.counters) {
    // A window of n months spans n consecutive months of at most 31 days (the start keeps the time
    // of day; clamping it to a shorter month's end only moves it later).
    std::int64_t days_per = k.unit == Counter::Unit::days ? 1 : k.unit == Counter::Unit::weeks ? 7 : 31;
    std::int64_t within = std::clamp<std::int64_t>(k.within, 0, kLongest / (31 * kMsPerDay));
    reach = std::max(reach, within * days_per * kMsPerDay);
  }
  return reach;
}

std::span<const PastContact> history_in_windows(const Program& p, std::int64_t reach, std::int64_t received,
                                                std::span<const PastContact> past) noexcept {
  auto from = [&](std::int64_t t) {
    auto first = std::lower_bound(past.begin(), past.end(), t, [](const PastContact& h, std::int64_t x) { return h.received < x; });
    return past.subspan(static_cast<std::size_t>(first - past.begin()));
  };
  if (!past.empty() && received - past.front().received > reach) past = from(received - reach);
  if (past.size() <= kMaxHistoryItems) return past;
  const Received r(received);  // too many: the limit counts only the rows inside the windows
  std::int64_t start = received;
  for (const Counter& k : p.doc.counters) start = std::min(start, window_start(k, r));
  return from(start);
}

}  // namespace detail

// --- deciding -------------------------------------------------------------------------------------

void RuleSet::decide(const Contact& c, std::span<const PastContact> history, Decision& out) const noexcept {
  detail::NoStepTrace trace;
  detail::decide_core(*program_, c, history, out, trace);
}

namespace {

using detail::Program;

bool resolve_history(const RuleSet& rs, std::span<const HistoryRecord> in, std::vector<PastContact>& out, Rejection& error) {
  if (in.size() > kMaxHistoryItems) {
    error = words::too_long_history(in.size());
    return false;
  }
  out.resize(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!rs.resolve(in[i], out[i], error)) {
      error = std::move(error).within("history[" + std::to_string(i) + "]");
      return false;
    }
  }
  return true;
}

}  // namespace

Decision RuleSet::decide(const ContactRecord& record, std::span<const HistoryRecord> history) const {
  Decision d;
  Contact c;
  std::vector<PastContact> past;
  Rejection error;
  if (record.history) history = *record.history;
  if (!resolve(record, c, error) || !resolve_history(*this, history, past, error)) {
    d.contact = c.id;
    d.reject(std::move(error));
    return d;
  }
  decide(c, past, d);
  return d;
}

Explanation RuleSet::explain(const ContactRecord& record, std::span<const HistoryRecord> history) const {
  Explanation ex;
  Contact c;
  std::vector<PastContact> past;
  Rejection error;
  if (record.history) history = *record.history;
  if (!resolve(record, c, error) || !resolve_history(*this, history, past, error)) {
    ex.decision.contact = c.id;
    ex.decision.reject(std::move(error));
    return ex;
  }
  detail::StepTrace trace(*program_, ex.steps);
  detail::decide_core(*program_, c, past, ex.decision, trace);
  return ex;
}

// One batch engine (src/batch/): the records are one more row source of decide_columns, so a batch
// decides the same whichever front end hands it over.
std::vector<Decision> RuleSet::decide_batch(std::span<const ContactRecord> rows,
                                            const std::function<void(std::size_t, std::size_t)>& progress, HistoryFrom history) const {
  return batch::decide_records(*this, rows, progress, history);
}

}  // namespace frontdoor
