// The batch's fourth phase: each thread decides its rows in its order, with each child's earlier
// rows as history, and keeps what it decided (codes, and the combos and reasons it interned) at
// each row's place. Internal to src/batch/.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "batch/batch_plan.hpp"
#include "batch/group_table.hpp"
#include "batch/interner.hpp"
#include "batch/memo.hpp"
#include "batch/packed_row.hpp"
#include "frontdoor/columns.hpp"

namespace frontdoor::batch {

// What every deciding thread reads, and the flags they share.
struct DecideShared {
  const BatchPlan& plan;
  const std::vector<const columns::Column*>& columns;
  const columns::BatchOptions& options;
  const std::vector<std::vector<std::string>>& strings;  // the packed rows' strings, by resolving thread
  std::span<const ContactRecord> records;                // when the rows are records: the engine resolves these
  MemoPlan memo_plan;
  std::int64_t reach;  // detail::window_reach's
  // With history from recorded outcomes (SPEC 7.8): each row's recorded outcome by input row, -1
  // where none; null: earlier rows count with what this run decided.
  const std::int16_t* recorded = nullptr;
  std::atomic<bool> stopped{false};

  DecideShared(const BatchPlan& p, const std::vector<const columns::Column*>& c, const columns::BatchOptions& o,
               const std::vector<std::vector<std::string>>& s, std::span<const ContactRecord> r);
};

struct RowResult {
  std::int64_t deadline = kNoTime;
  Decided decided;
};

// One thread's decisions, at its rows' places in its order.
struct ThreadDecisions {
  std::vector<RowResult> results;
  Interner combos;
  KeyInterner reasons;  // batch/reason_key.hpp's keys
  std::vector<columns::BatchResult::Rejected> errors;
  std::size_t engine_rows = 0;
};

void decide_thread(DecideShared& shared, const PackedRows& mine, const ThreadOrder& order, ThreadDecisions& out);

}  // namespace frontdoor::batch
