#include "batch/record_rows.hpp"
#include "decide/judge.hpp"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <variant>

#include "compile/program.hpp"
#include "resolve/builtins.hpp"
#include "resolve/field_value.hpp"

namespace frontdoor::batch {
namespace {

using columns::Cell;
using columns::Column;
using columns::Tag;

Cell cell_of(const Scalar& v) {
  if (auto* b = std::get_if<bool>(&v)) return Cell::boolean(*b);
  if (auto* i = std::get_if<std::int64_t>(&v)) return Cell::integer(*i);
  if (auto* d = std::get_if<double>(&v)) return std::isnan(*d) ? Cell::absent() : Cell::real(*d);
  if (auto* s = std::get_if<std::string>(&v)) return Cell::text(*s);
  return Cell::absent();
}

}  // namespace

RecordRows::RecordRows(std::span<const ContactRecord> rows) : records(rows), engine_only(rows.size(), 0) {
  const std::size_t n = rows.size();
  std::unordered_map<std::string_view, Column*> by_name;
  auto column = [&](std::string_view name) {
    auto [it, fresh] = by_name.emplace(name, nullptr);
    if (fresh) {
      columns.push_back(std::make_unique<Column>());
      Column& c = *columns.back();
      c.name = std::string(name);
      c.kind = columns::Kind::cells;
      c.length = n;
      c.cells.assign(n, Cell::unset());
      it->second = &c;
    }
    return it->second;
  };
  for (std::size_t row = 0; row < n; ++row) {
    const ContactRecord& r = rows[row];
    std::uint8_t& engine = engine_only[row];
    engine = !r.problem.empty() || r.history.has_value();
    for (const NamedValue& f : r.fields) {
      Column* c = column(f.name);
      if (f.name == "concerns" || f.name == "history" || c->cells[row].tag != Tag::unset)
        engine = 1;
      else
        c->cells[row] = cell_of(f.value);
    }
    if (r.concerns.empty()) continue;
    Column* c = column("concerns");
    Cell x;
    x.tag = Tag::entries;
    x.i = static_cast<std::int64_t>(c->entries.size());
    x.len = static_cast<std::uint32_t>(r.concerns.size());
    for (const ConcernEntry& e : r.concerns) c->entries.emplace_back(e.concern, e.level);
    c->cells[row] = x;
  }
  // A name given twice in one record makes a column from a field as well as from concerns: such
  // rows are the engine's above, and the column's other rows read as usual.
  for (auto& c : columns) views.push_back(c.get());
}

std::vector<Decision> decide_records(const RuleSet& rs, std::span<const ContactRecord> rows,
                                     const std::function<void(std::size_t, std::size_t)>& progress, HistoryFrom history) {
  const RecordRows source(rows);
  columns::BatchOptions options;
  options.reasons = true;
  options.history = history;
  std::atomic<std::size_t> done{0};
  options.done = &done;
  columns::BatchResult result;
  {
    // The engine decides on its own threads; this one reports progress until it is done.
    std::mutex mu;
    std::condition_variable finished;
    bool over = false;
    std::exception_ptr failure;
    std::thread worker([&] {
      try {
        result = decide_source(rs, source.views, rows.size(), options, &source);
      } catch (...) {
        failure = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu);
      over = true;
      finished.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu);
    while (!finished.wait_for(lock, std::chrono::milliseconds(100), [&] { return over; }))
      if (progress) progress(done.load(std::memory_order_relaxed), rows.size());
    lock.unlock();
    worker.join();
    if (failure) std::rethrow_exception(failure);
  }
  const detail::Program& p = rs.program();
  std::vector<Decision> out(rows.size());
  std::size_t e = 0;
  for (std::size_t row = 0; row < rows.size(); ++row) {
    Decision& d = out[row];
    if (result.reason[row] < 0) {
      const auto& why = result.errors.at(e++);
      d.contact = why.contact;
      d.reject(why.why);
      continue;
    }
    d = result.reasons[static_cast<std::size_t>(result.reason[row])];
    resolve::id_value(resolve::ScalarValue{*rows[row].find("id")}, d.contact);
    d.received = result.received[row];
    auto index = [&](const std::vector<std::int16_t>& v) { return v.empty() || v[row] < 0 ? kNoIndex : static_cast<Index>(v[row]); };
    d.recorded = detail::judge(p.doc, d.outcome, index(result.recorded_outcome), index(result.override_reason));
    d.deadline =
        result.deadline[row] != kNoTime ? result.deadline[row] : p.calendar->add(d.received, p.doc.outcomes[d.outcome].decide_within);
  }
  if (progress) progress(rows.size(), rows.size());
  return out;
}

}  // namespace frontdoor::batch
