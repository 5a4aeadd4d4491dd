// Contact records (a reader's ContactRecords, a host's own) as one more row source of the batch
// engine: a column view over them (each name a column of cells pointing into the records, concerns
// as entries), so that RuleSet::decide_batch is decide_columns and there is one batch engine. A row
// the view cannot carry faithfully (a reader's problem, its own history, a name given twice, a
// concerns or history key among its fields) is marked for the engine, which resolves the record
// itself. Internal to src/batch/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "frontdoor/columns.hpp"

namespace frontdoor::batch {

struct RecordRows {
  std::span<const ContactRecord> records;
  std::vector<std::unique_ptr<columns::Column>> columns;
  std::vector<const columns::Column*> views;
  std::vector<std::uint8_t> engine_only;  // per row: 1 when the engine resolves the record itself

  explicit RecordRows(std::span<const ContactRecord> records);
};

// The batch engine over a row source: columns, and when the rows are records, the records (the
// engine resolves a row it must from its record, not from the cells).
columns::BatchResult decide_source(const RuleSet&, const std::vector<const columns::Column*>& columns, std::size_t rows,
                                   const columns::BatchOptions&, const RecordRows* records);

// RuleSet::decide_batch: the records decided by decide_source, each row's decision made whole
// (its id, received time, deadline and reasons). `progress` is called from the calling thread.
std::vector<Decision> decide_records(const RuleSet&, std::span<const ContactRecord>,
                                     const std::function<void(std::size_t, std::size_t)>& progress, HistoryFrom history);

}  // namespace frontdoor::batch
