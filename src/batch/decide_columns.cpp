// The batch engine (frontdoor/columns.hpp's decide_columns), in five phases, each run on every
// thread: the rows' keys, each thread's order, the fast path's packing, deciding, and gathering the
// results back into input order. The components are in this directory, each in its own file.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "batch/batch_plan.hpp"
#include "batch/cells.hpp"
#include "batch/decide_rows.hpp"
#include "batch/fast_resolve.hpp"
#include "batch/group_table.hpp"
#include "batch/interner.hpp"
#include "batch/packed_row.hpp"
#include "batch/reason_key.hpp"
#include "batch/record_rows.hpp"
#include "batch/text_hash.hpp"
#include "frontdoor/columns.hpp"
#include "frontdoor/detail/threads.hpp"
#include "resolve/builtins.hpp"
#include "resolve/field_value.hpp"
#include "time/civil.hpp"

namespace frontdoor::columns {
namespace {

using batch::BatchPlan;

// Phase 1's results, in input order: each row's child (as two hashes), whether it has one, and the
// thread that will decide it (its owner): a child's rows all go to one thread.
struct Keys {
  std::vector<std::uint64_t> hash, hash2;
  std::vector<std::uint8_t> has_child, owner;
  explicit Keys(std::size_t n) : hash(n, 0), hash2(n, 0), has_child(n, 0), owner(n, 0) {}
};

void read_children(const Column& col, std::size_t from, std::size_t to, unsigned threads, Keys& keys) {
  Reader reader(&col);
  std::string text;
  batch::for_each_cell(col, reader, from, to - from, [&](std::size_t i, const Cell& x) {
    // A row whose child cell is not text has no child here, and goes to the engine (the fast path
    // reads the cell with the same function).
    if (resolve::child_value(resolve::CellValue{x}, text) != RejectionCode::none || text.empty()) return;
    const std::string_view who = text;
    std::size_t row = from + i;
    keys.has_child[row] = 1;
    keys.hash[row] = batch::text_hash(who);
    keys.hash2[row] = batch::fnv1a(who);
    // The high half picks the thread; the low bits index GroupTable.
    keys.owner[row] = static_cast<std::uint8_t>(((keys.hash[row] >> 32) * threads) >> 32);
  });
}

void read_times(const Column& col, std::size_t from, std::size_t to, std::vector<std::int64_t>& into) {
  Reader reader(&col);
  detail::DateMemo memo;
  batch::for_each_cell(col, reader, from, to - from, [&](std::size_t i, const Cell& x) {
    std::int64_t ms = 0;
    if (resolve::received_value(resolve::CellValue{x}, ms, memo) == RejectionCode::none) into[from + i] = ms;
  });
}

// The recorded outcome or override reason of each row (SPEC 7.8), -1 where none (or not the
// document's: the fast path leaves such a row to the engine, which rejects it).
void read_judgements(const BatchPlan& plan, const Column& col, resolve::Builtin which, std::size_t from, std::size_t to,
                     std::vector<std::int16_t>& into) {
  Reader reader(&col);
  std::string text;
  batch::for_each_cell(col, reader, from, to - from, [&](std::size_t i, const Cell& x) {
    std::uint16_t index = 0xFFFF;
    if (resolve::judgement_value(plan.p, which, resolve::CellValue{x}, text, index) == RejectionCode::none && index != 0xFFFF)
      into[from + i] = static_cast<std::int16_t>(index);
  });
}

// 1. In input order: each row's child, received (and decided) time, recorded outcome and reason, and owner.
Keys read_keys(const BatchPlan& plan, const std::vector<const Column*>& columns, std::size_t n, unsigned threads, BatchResult& out) {
  Keys keys(n);
  detail::run_threads(threads, [&](unsigned t) {
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    for (std::size_t row = from; row < to; ++row) keys.owner[row] = static_cast<std::uint8_t>(row % threads);
    if (plan.child_col) read_children(*columns[*plan.child_col], from, to, threads, keys);
    if (plan.received_col) read_times(*columns[*plan.received_col], from, to, out.received);
    if (plan.decided_col) read_times(*columns[*plan.decided_col], from, to, out.decided);
    if (plan.recorded_col)
      read_judgements(plan, *columns[*plan.recorded_col], resolve::Builtin::recorded_outcome, from, to, out.recorded_outcome);
    if (plan.reason_col)
      read_judgements(plan, *columns[*plan.reason_col], resolve::Builtin::override_reason, from, to, out.override_reason);
  });
  return keys;
}

// 2. Each thread's rows in the order it decides them (batch::order_rows); slot[row] is the row's
//    place in its owner's order.
std::vector<batch::ThreadOrder> order_all(const Keys& keys, const BatchResult& out, unsigned threads, std::vector<std::uint32_t>& slot) {
  std::vector<batch::ThreadOrder> order(threads);
  const batch::RowKeys row_keys{keys.owner, keys.has_child, keys.hash, keys.hash2, out.received};
  detail::run_threads(threads, [&](unsigned t) { batch::order_rows(row_keys, t, out.rows / threads, order[t], slot); });
  return order;
}

// 5. The results in input order, with one numbering of the interned decisions across threads.
void gather(std::vector<batch::ThreadDecisions>& decided, const Keys& keys, const std::vector<std::uint32_t>& slot, unsigned threads,
            const BatchOptions& options, BatchResult& out) {
  std::vector<batch::Interner> combos;
  std::vector<batch::KeyInterner> reasons;
  for (auto& d : decided) combos.push_back(std::move(d.combos)), reasons.push_back(std::move(d.reasons));
  auto combo_ids = batch::merge_interned(combos, out.combos);
  std::vector<std::string_view> reason_keys;
  auto reason_ids = options.reasons ? batch::merge_keys(reasons, reason_keys) : std::vector<std::vector<std::int32_t>>(threads);
  out.reasons.resize(reason_keys.size());
  const std::size_t n = out.rows;
  detail::run_threads(threads, [&](unsigned t) {
    for (std::size_t k = t; k < reason_keys.size(); k += threads) out.reasons[k] = batch::reason_of_key(reason_keys[k]);
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    constexpr std::size_t kAhead = 8;
    for (std::size_t row = from; row < to; ++row) {
      if (row + kAhead < to) __builtin_prefetch(&decided[keys.owner[row + kAhead]].results[slot[row + kAhead]]);
      unsigned o = keys.owner[row];
      const batch::RowResult& result = decided[o].results[slot[row]];
      const batch::Decided& r = result.decided;
      out.level[row] = r.level;
      out.outcome[row] = r.outcome;
      out.routing[row] = r.routing;
      out.category[row] = r.category;
      out.referral[row] = r.referral;
      out.deadline[row] = result.deadline;
      out.combo[row] = r.combo < 0 ? -1 : combo_ids[o][static_cast<std::size_t>(r.combo)];
      if (options.reasons) out.reason[row] = r.reason < 0 ? -1 : reason_ids[o][static_cast<std::size_t>(r.reason)];
    }
  });
  for (auto& d : decided)
    out.errors.insert(out.errors.end(), std::make_move_iterator(d.errors.begin()), std::make_move_iterator(d.errors.end()));
  std::sort(out.errors.begin(), out.errors.end(), [](auto& a, auto& b) { return a.row < b.row; });
  for (auto& e : out.errors) {  // a rejected row has no decision, so nothing it overrides
    if (!out.recorded_outcome.empty()) out.recorded_outcome[e.row] = -1;
    if (!out.override_reason.empty()) out.override_reason[e.row] = -1;
  }
  for (auto& d : decided) out.engine_rows += d.engine_rows;
}

BatchResult empty_result(std::size_t n, const BatchPlan& plan, const BatchOptions& options) {
  BatchResult out;
  out.rows = n;
  out.level.assign(n, -1);
  out.outcome.assign(n, -1);
  out.routing.assign(n, -1);
  out.category.assign(n, -1);
  out.referral.assign(n, 0);
  out.received.assign(n, kNoTime);
  out.deadline.assign(n, kNoTime);
  if (plan.decided_col) out.decided.assign(n, kNoTime);
  if (plan.recorded_col || plan.reason_col) {
    out.recorded_outcome.assign(n, -1);
    out.override_reason.assign(n, -1);
  }
  out.combo.assign(n, -1);
  if (options.reasons) out.reason.assign(n, -1);
  return out;
}

unsigned thread_count(std::size_t n, const BatchOptions& options) {
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  if (n < 20000) threads = 1;
  return std::min(threads, 64u);
}

}  // namespace

BatchResult decide_columns(const RuleSet& rs, const std::vector<const Column*>& columns, std::size_t n, const BatchOptions& options) {
  return batch::decide_source(rs, columns, n, options, nullptr);
}

}  // namespace frontdoor::columns

namespace frontdoor::batch {

using namespace columns;

BatchResult decide_source(const RuleSet& rs, const std::vector<const Column*>& columns, std::size_t n, const BatchOptions& options,
                          const RecordRows* records) {
  for (const Column* c : columns)
    if (c->length != n) throw std::invalid_argument("column '" + c->name + "' does not have one cell per row");
  if (n >= (std::size_t{1} << 32)) throw std::invalid_argument("a batch holds at most 4,294,967,295 rows");
  PhaseTimer timer;
  const BatchPlan plan(rs, columns);
  BatchResult out = empty_result(n, plan, options);
  const unsigned threads = thread_count(n, options);
  timer.lap("setup");

  const Keys keys = read_keys(plan, columns, n, threads, out);
  timer.lap("keys");

  std::vector<std::uint32_t> slot(n);
  const std::vector<batch::ThreadOrder> order = order_all(keys, out, threads, slot);
  timer.lap("order");

  // 3. In input order again (each column read front to back, a block at a time): each row resolved
  //    by the fast path and packed at its place in its owner's order, so that deciding reads it
  //    front to back.
  std::vector<std::vector<std::string>> strings(threads);
  const batch::PackedLayout layout(plan.p.slot_names.size());
  std::vector<batch::PackedRows> packed;
  for (unsigned t = 0; t < threads; ++t) packed.emplace_back(order[t].rows.size(), layout, options.pages);
  detail::run_threads(threads, [&](unsigned t) {
    batch::FastResolver fast(plan, columns, layout, records ? records->engine_only.data() : nullptr);
    fast.resolve(n * t / threads, n * (t + 1) / threads, out.received.data(), static_cast<std::uint8_t>(t), strings[t], packed, keys.owner,
                 slot);
  });
  timer.lap("resolve");

  // 4. Each thread decides its rows in its order.
  batch::DecideShared shared(plan, columns, options, strings, records ? records->records : std::span<const ContactRecord>{});
  if (options.history == HistoryFrom::recorded && !out.recorded_outcome.empty()) shared.recorded = out.recorded_outcome.data();
  std::vector<batch::ThreadDecisions> decided(threads);
  detail::run_threads(threads, [&](unsigned t) { batch::decide_thread(shared, packed[t], order[t], decided[t]); });
  out.cancelled = shared.stopped;
  timer.lap("decide");

  gather(decided, keys, slot, threads, options, out);
  timer.lap("gather");
  return out;
}

}  // namespace frontdoor::batch
