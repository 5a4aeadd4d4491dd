#include "batch/decide_rows.hpp"

#include "batch/reason_key.hpp"

#include <span>

#include "decide/decide_core.hpp"
#include "frontdoor/records.hpp"
#include "records/json.hpp"
#include "resolve/builtins.hpp"
#include "resolve/field_value.hpp"
#include "resolve/words.hpp"

namespace frontdoor::batch {
namespace {

using columns::Column;

// One thread's deciding, a row at a time; its buffers are reused from row to row.
class RowDecider {
 public:
  RowDecider(DecideShared& s, const PackedRows& mine, ThreadDecisions& out) : s_(s), p_(s.plan.p), mine_(mine), out_(out) {}

  void run(const ThreadOrder& order) {
    out_.results.assign(order.rows.size(), RowResult{});
    std::size_t since_report = 0;
    for (std::size_t pos = 0; pos < order.rows.size() && !s_.stopped; ++pos) {
      if (order.steps[pos] != Step::continues) past_ = 0;
      decide_row(order.rows[pos], pos, order.steps[pos] != Step::alone);
      if (++since_report == 1024) report(since_report);
    }
    report(since_report);
  }

 private:
  void report(std::size_t& since_report) {
    if (s_.options.done) s_.options.done->fetch_add(since_report, std::memory_order_relaxed);
    since_report = 0;
    if (s_.options.cancel && s_.options.cancel->load(std::memory_order_relaxed)) s_.stopped = true;
  }
  void reject(std::size_t row, Rejection why) {
    if (packed_) read_id(row);
    out_.errors.push_back({row, c_.id, std::move(why)});
  }
  // The packed row has no id: a rejection names it from the id cell, read as resolve reads it.
  void read_id(std::size_t row) {
    c_.id.clear();
    if (s_.plan.id_col) resolve::id_value(resolve::CellValue{s_.columns[*s_.plan.id_col]->get(row)}, c_.id);
  }

  // The row as a resolved contact in c_ (and its own history, if it has one, in own_records_): from
  // its packed form when the fast path took it, else by the engine. False: rejected, with the
  // engine's words.
  bool resolve(std::size_t row, std::size_t pos) {
    has_own_ = false;
    own_records_.clear();
    const std::uint8_t flags = mine_.header(pos).flags;
    packed_ = flags & PackedLayout::kFast;
    if (packed_) return unpack(row, pos, flags);
    ++out_.engine_rows;
    const ContactRecord* record = &record_;
    if (s_.records.empty())
      columns::record_from_cells(s_.columns, row, record_);
    else
      record = &s_.records[row];
    if (!s_.plan.rules.resolve(*record, c_, error_)) return reject(row, error_), false;
    if (record->history) {
      own_records_ = *record->history;
      has_own_ = true;
    }
    return true;
  }

  bool unpack(std::size_t row, std::size_t pos, std::uint8_t flags) {
    mine_.unpack(pos, c_, p_, s_.strings);
    if (!(flags & PackedLayout::kOwnHistory)) return true;
    Rejection problem;
    for (const Column* col : s_.columns)
      if (col->name == "history" &&
          resolve::history_cell(col->get(row), col->source(row), own_records_, problem) != resolve::HistoryCell::given)
        return reject(row, problem), false;
    has_own_ = true;
    return true;
  }

  // The history the row's counters read: its own, or its child's earlier rows in this batch. Null:
  // rejected.
  const std::span<const PastContact>* history(std::size_t row) {
    if (has_own_) {
      if (own_records_.size() > kMaxHistoryItems)  // RuleSet::decide's own words for it
        return reject(row, words::too_long_history(own_records_.size())), nullptr;
      own_.resize(own_records_.size());
      for (std::size_t h = 0; h < own_records_.size(); ++h)
        if (!s_.plan.rules.resolve(own_records_[h], own_[h], error_))
          return reject(row, std::move(error_).within("history[" + std::to_string(h) + "]")), nullptr;
      earlier_ = own_;
      return &earlier_;
    }
    // As RuleSet::decide_batch: the child's rows the counters' windows can reach, and at most
    // kMaxHistoryItems inside them (none to look at for a child's first row).
    earlier_ = detail::history_in_windows(p_, s_.reach, c_.received, std::span<const PastContact>(pool_.data(), past_));
    if (earlier_.size() > kMaxHistoryItems) return reject(row, words::too_much_history()), nullptr;
    return &earlier_;
  }

  void remember_history(std::size_t row, bool in_group, const Decided& d) {
    if (!in_group) return;
    if (past_ == pool_.size()) pool_.emplace_back();
    PastContact& h = pool_[past_++];
    h.received = c_.received;
    h.concerns.assign(c_.concerns.begin(), c_.concerns.end());
    h.domains = c_.domains;
    h.referral = d.referral != 0;
    h.outcome = static_cast<std::uint16_t>(d.outcome);  // what this run decided, for counters that filter on it
    h.level = static_cast<std::uint16_t>(d.level);
    if (s_.recorded && s_.recorded[row] >= 0) {  // what really happened, where the front door recorded it
      h.outcome = static_cast<std::uint16_t>(s_.recorded[row]);
      h.referral = p_.doc.outcomes[h.outcome].referral;
    }
  }

  void decide_row(std::size_t row, std::size_t pos, bool in_group) {
    if (!resolve(row, pos)) return;
    const std::span<const PastContact>* earlier = history(row);
    if (!earlier) return;
    std::int64_t counted[detail::kMaxCounters];
    detail::count_history(p_, c_, *earlier, counted);
    std::size_t key_size = 0;
    // Where rules or routing set deadlines, which one is earliest depends on `received`, which the
    // memo does not key on: such documents are decided row by row.
    const bool keyed = memo_use_.on() && !p_.deadlines_vary && s_.memo_plan.key(c_, counted, memo_key_, key_size);
    const std::string_view key(memo_key_, key_size);
    const std::uint64_t key_hash = keyed ? text_hash(key) : 0;
    RowResult& r = out_.results[pos];
    const Decided* known = keyed ? memo_.find(key, key_hash) : nullptr;
    if (keyed) memo_use_.count(known != nullptr);
    if (known) {  // decided before, on the same inputs
      r.decided = *known;
      const Outcome& oc = p_.doc.outcomes[static_cast<std::size_t>(known->outcome)];
      r.deadline = oc.decide_within.unit == Span::Unit::none ? kNoTime : p_.calendar->add(c_.received, oc.decide_within);
      return remember_history(row, in_group, *known);
    }
    detail::decide_counted(p_, c_, counted, d_, no_trace_);
    const Outcome& oc = p_.doc.outcomes[d_.outcome];
    r.deadline = d_.deadline_from.kind == DeadlineSource::Kind::none ? kNoTime : d_.deadline;  // no decide_within: no deadline
    r.decided = intern(oc);
    if (keyed) memo_.add(key, key_hash, r.decided);
    remember_history(row, in_group, r.decided);
  }

  // The decision's codes, and its combo and reason interned by this thread.
  Decided intern(const Outcome& oc) {
    Decided e;
    e.level = static_cast<std::int16_t>(d_.level);
    e.outcome = static_cast<std::int16_t>(d_.outcome);
    e.routing = d_.routing == kNoIndex ? std::int16_t{-1} : static_cast<std::int16_t>(d_.routing);
    e.category = static_cast<std::int16_t>(oc.category);
    e.referral = oc.referral;
    // The reason's slot is fetched while the combo is interned: with most rows' reasons new, the
    // slot is rarely in the cache.
    std::uint64_t reason_hash = 0;
    if (s_.options.reasons) {
      reason_key(d_, reason_key_);
      reason_hash = text_hash(reason_key_);
      out_.reasons.prefetch(reason_hash);
    }
    // What the actions, flags and rules columns depend on: the outcome and the rules that held.
    std::uint64_t h = mix(d_.outcome + 0x9E3779B97F4A7C15ull, d_.rules.size() + 0xBF58476D1CE4E5B9ull);
    for (auto x : d_.rules) h = mix(h ^ x, 0x94D049BB133111EBull);
    auto& combos = out_.combos;
    e.combo = combos.add(
        h, d_, [&](std::size_t id) { return combos.reps[id].outcome == d_.outcome && combos.reps[id].rules == d_.rules; },
        [&]() -> const std::string& { return combo_key(); });
    if (s_.options.reasons) e.reason = out_.reasons.add(reason_key_, reason_hash);
    return e;
  }
  const std::string& combo_key() {
    key_.clear();
    put16(key_, d_.outcome);
    for (auto x : d_.rules) put16(key_, x);
    return key_;
  }
  DecideShared& s_;
  const Program& p_;
  const PackedRows& mine_;
  ThreadDecisions& out_;
  Contact c_;
  Decision d_;
  ContactRecord record_;
  Rejection error_;
  std::string key_, reason_key_;
  std::vector<PastContact> pool_, own_;  // pool_[0, past_): the child's earlier rows (buffers reused)
  std::size_t past_ = 0;
  std::vector<HistoryRecord> own_records_;
  bool has_own_ = false, packed_ = false;
  std::span<const PastContact> earlier_;
  Memo memo_;
  MemoUse memo_use_;
  char memo_key_[MemoPlan::kMaxKey];
  detail::NoStepTrace no_trace_;
};

}  // namespace

DecideShared::DecideShared(const BatchPlan& p, const std::vector<const Column*>& c, const columns::BatchOptions& o,
                           const std::vector<std::vector<std::string>>& s, std::span<const ContactRecord> r)
    : plan(p), columns(c), options(o), strings(s), records(r), memo_plan(p.p), reach(detail::window_reach(p.p)) {}

void decide_thread(DecideShared& shared, const PackedRows& mine, const ThreadOrder& order, ThreadDecisions& out) {
  RowDecider(shared, mine, out).run(order);
}

}  // namespace frontdoor::batch
