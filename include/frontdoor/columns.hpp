// Deciding a table of contacts column by column (SPEC 2.2 batches), without a record per row: the
// host hands over column views (NumPy arrays, Arrow buffers, or cells it extracted itself, as the
// command line does from JSON Lines) and gets back columns of codes.
//
// Each row is resolved by a fast path that reads the cells directly (with per-column caches for the
// values that repeat: sources, channels, concern cells, booleans written as text), through the same
// per-name functions as RuleSet::resolve (src/resolve/). Any row the fast path is not sure of goes
// to the engine's own RuleSet::resolve through a ContactRecord, so errors are worded by the engine.
// Rows are grouped by child and decided in `received` order with each child's earlier rows as
// history, children spread over threads. src/batch/ implements it; it is the only batch engine:
// RuleSet::decide_batch runs it over records, decide_json_lines over JSON Lines.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <atomic>
#include <chrono>
#include <functional>
#include <ostream>

#include "frontdoor/contact.hpp"
#include "frontdoor/decision.hpp"
#include "frontdoor/figures.hpp"  // kNoTime
#include "frontdoor/rule_set.hpp"

namespace frontdoor::batch {
struct PoolAccess;
}

namespace frontdoor::columns {

// One cell of a column.
enum class Tag : std::uint8_t {
  absent,   // null, None, NaN, NA, NaT: an unknown value
  boolean,  // i is 0 or 1
  integer,  // i
  real,     // d (never NaN: NaN is absent)
  text,     // p, len: UTF-8, owned by the column's source
  instant,  // i: milliseconds since the epoch, UTC (a time-zone-aware datetime)
  local,    // i: milliseconds since the epoch of a wall-clock time without a zone (a naive datetime)
  entries,  // concerns given as a mapping: entries[i .. i + len) of the column
  bad,      // a value of a kind no field takes (a list, an object); problems[len] says what
  unset,    // the row does not have this column at all (a JSON line without the key): not even null
};

struct Cell {
  union {
    std::int64_t i;
    double d;
    const char* p;
  };
  std::uint32_t len = 0;
  Tag tag = Tag::absent;

  Cell() : i(0) {}
  static Cell absent() { return {}; }
  static Cell unset() {
    Cell c;
    c.tag = Tag::unset;
    return c;
  }
  static Cell boolean(bool b) {
    Cell c;
    c.tag = Tag::boolean;
    c.i = b;
    return c;
  }
  static Cell integer(std::int64_t v) {
    Cell c;
    c.tag = Tag::integer;
    c.i = v;
    return c;
  }
  static Cell real(double v) {
    Cell c;
    c.tag = Tag::real;
    c.d = v;
    return c;
  }
  static Cell text(std::string_view s) {
    Cell c;
    c.tag = Tag::text;
    c.p = s.data();
    c.len = static_cast<std::uint32_t>(s.size());
    return c;
  }
  static Cell instant(std::int64_t ms, bool zoned) {
    Cell c;
    c.tag = zoned ? Tag::instant : Tag::local;
    c.i = ms;
    return c;
  }
  std::string_view view() const { return {p, len}; }
};

enum class Kind : std::uint8_t {
  null,          // every cell absent
  cells,         // pre-extracted cells (from Python objects)
  boolean,       // uint8 values, optional byte mask (1 = missing)
  boolean_bits,  // Arrow: bit-packed values, validity bitmap, offset
  int64,         // int64 values, optional byte mask or validity bitmap
  float64,       // double values (NaN = missing), optional byte mask or validity bitmap
  datetime,      // int64 ticks (per_ms ticks a millisecond; INT64_MIN = NaT), zoned or not
  arrow_string,  // Arrow (large_)string: offsets, data, validity bitmap, offset
  dictionary,    // int32 codes (-1 = missing) into `dictionary`
  chunked,       // consecutive `chunks` (an Arrow ChunkedArray), chunk k starting at row starts[k]
};

struct Column {
  std::string name;
  Kind kind = Kind::null;
  std::size_t length = 0;

  const void* values = nullptr;            // typed by kind; dictionary: int32 codes
  const std::uint8_t* mask = nullptr;      // NumPy-style: 1 = missing
  const std::uint8_t* validity = nullptr;  // Arrow-style bitmap: bit set = valid
  std::int64_t offset = 0;                 // Arrow array offset
  const void* offsets = nullptr;           // arrow_string
  bool large = false;                      // arrow_string: int64 offsets
  const char* data = nullptr;              // arrow_string
  std::int64_t per_ms = 1;                 // datetime: ticks per millisecond (1 for ms, 1000 for us, ...)
  std::int64_t ms_per_tick = 1;            // datetime: milliseconds per tick (1000 for s)
  bool zoned = false;                      // datetime: the values are UTC instants
  bool all_text = false;                   // every present cell is text (so the column can be reused as contact ids)

  std::vector<Cell> cells;                                             // Kind::cells
  std::vector<std::pair<std::string_view, std::string_view>> entries;  // Tag::entries
  std::vector<Rejection> problems;                                     // Tag::bad
  std::deque<std::string> owned;                                       // text made during extraction
  std::unique_ptr<Column> dictionary;                                  // Kind::dictionary
  std::vector<std::unique_ptr<Column>> chunks;                         // Kind::chunked
  std::vector<std::size_t> starts;                                     // Kind::chunked: first row of each chunk

  std::size_t chunk_of(std::size_t row) const {
    std::size_t lo = 0, hi = starts.size();  // the last chunk whose start is <= row
    while (hi - lo > 1) {
      std::size_t mid = (lo + hi) / 2;
      if (starts[mid] <= row)
        lo = mid;
      else
        hi = mid;
    }
    return lo;
  }

  bool valid_bit(std::int64_t row) const {
    if (!validity) return true;
    std::int64_t k = offset + row;
    return (validity[k >> 3] >> (k & 7)) & 1;
  }

  // The column whose side tables (entries, problems) a cell of `row` refers to.
  const Column& source(std::size_t row) const {
    if (kind == Kind::chunked) {
      std::size_t k = chunk_of(row);
      return chunks[k]->source(row - starts[k]);
    }
    if (kind != Kind::dictionary) return *this;
    std::int32_t code = static_cast<const std::int32_t*>(values)[row];
    return code < 0 ? *this : dictionary->source(static_cast<std::size_t>(code));
  }

  Cell get(std::size_t row) const {
    switch (kind) {
      case Kind::null: return {};
      case Kind::cells: return cells[row];
      case Kind::boolean:
        if (mask && mask[row]) return {};
        return Cell::boolean(static_cast<const std::uint8_t*>(values)[row] != 0);
      case Kind::boolean_bits: {
        auto r = static_cast<std::int64_t>(row);
        if (!valid_bit(r)) return {};
        std::int64_t k = offset + r;
        return Cell::boolean((static_cast<const std::uint8_t*>(values)[k >> 3] >> (k & 7)) & 1);
      }
      case Kind::int64: {
        auto r = static_cast<std::int64_t>(row);
        if ((mask && mask[row]) || !valid_bit(r)) return {};
        return Cell::integer(static_cast<const std::int64_t*>(values)[offset + r]);
      }
      case Kind::float64: {
        auto r = static_cast<std::int64_t>(row);
        if ((mask && mask[row]) || !valid_bit(r)) return {};
        double v = static_cast<const double*>(values)[offset + r];
        if (v != v) return {};
        return Cell::real(v);
      }
      case Kind::datetime: {
        auto r = static_cast<std::int64_t>(row);
        if ((mask && mask[row]) || !valid_bit(r)) return {};
        std::int64_t t = static_cast<const std::int64_t*>(values)[offset + r];
        if (t == INT64_MIN) return {};
        std::int64_t ms = per_ms > 1 ? (t / per_ms - ((t % per_ms != 0) && (t < 0))) : t * ms_per_tick;
        return Cell::instant(ms, zoned);
      }
      case Kind::arrow_string: {
        auto r = static_cast<std::int64_t>(row);
        if (!valid_bit(r)) return {};
        std::int64_t k = offset + r, b, e;
        if (large) {
          b = static_cast<const std::int64_t*>(offsets)[k];
          e = static_cast<const std::int64_t*>(offsets)[k + 1];
        } else {
          b = static_cast<const std::int32_t*>(offsets)[k];
          e = static_cast<const std::int32_t*>(offsets)[k + 1];
        }
        return Cell::text(std::string_view(data + b, static_cast<std::size_t>(e - b)));
      }
      case Kind::dictionary: {
        std::int32_t code = static_cast<const std::int32_t*>(values)[row];
        if (code < 0) return {};
        return dictionary->get(static_cast<std::size_t>(code));
      }
      case Kind::chunked: {
        std::size_t k = chunk_of(row);
        return chunks[k]->get(row - starts[k]);
      }
    }
    return {};
  }
};

// One thread's reads of one column, mostly in row order: it remembers the chunk it is in.
class Reader {
 public:
  explicit Reader(const Column* c = nullptr) : col_(c) {}
  Cell get(std::size_t row) {
    // The kinds frames and the command line mostly give, read inline.
    if (col_->kind == Kind::arrow_string) return arrow_text(*col_, row);
    if (col_->kind == Kind::cells) return col_->cells[row];
    if (col_->kind != Kind::chunked) return col_->get(row);
    seek(row);
    const Column& chunk = *col_->chunks[k_];
    if (chunk.kind == Kind::arrow_string) return arrow_text(chunk, row - lo_);
    return chunk.get(row - lo_);
  }
  // The row's dictionary code when the column (or its chunk) is dictionary-coded, else -2; -1 is a
  // missing cell. `dict` is then the dictionary the code indexes.
  std::int32_t code(std::size_t row, const Column*& dict) {
    const Column* c = col_;
    if (c->kind == Kind::chunked) {
      seek(row);
      c = c->chunks[k_].get();
      row -= lo_;
    }
    if (c->kind != Kind::dictionary) return -2;
    dict = c->dictionary.get();
    return static_cast<const std::int32_t*>(c->values)[row];
  }
  const Column& source(std::size_t row) {
    if (col_->kind != Kind::chunked) return col_->source(row);
    seek(row);
    return col_->chunks[k_]->source(row - lo_);
  }

 private:
  static Cell arrow_text(const Column& c, std::size_t row) {
    auto r = static_cast<std::int64_t>(row);
    if (c.validity && !c.valid_bit(r)) return {};
    std::int64_t k = c.offset + r, b, e;
    if (c.large) {
      b = static_cast<const std::int64_t*>(c.offsets)[k];
      e = static_cast<const std::int64_t*>(c.offsets)[k + 1];
    } else {
      b = static_cast<const std::int32_t*>(c.offsets)[k];
      e = static_cast<const std::int32_t*>(c.offsets)[k + 1];
    }
    return Cell::text(std::string_view(c.data + b, static_cast<std::size_t>(e - b)));
  }
  void seek(std::size_t row) {
    if (row >= lo_ && row < hi_) return;
    k_ = col_->chunk_of(row);
    lo_ = col_->starts[k_];
    hi_ = lo_ + col_->chunks[k_]->length;
  }
  const Column* col_;
  std::size_t k_ = 0, lo_ = 0, hi_ = 0;
};

// Large scratch buffers (a batch's packed rows, 64 MiB a million rows) kept from one batch for the
// next, for a host that decides batch after batch: a fresh buffer costs a page fault and the
// kernel's zeroing of every page it touches. Kept buffers are given back to the system with
// MADV_FREE (the kernel takes their pages when it needs memory), up to keep_bytes in all, and
// unmapped when the pool is destroyed. A pool may serve several batches at once, and must outlive
// every batch given it. Where the system has no mmap it keeps nothing.
class PagePool {
 public:
  explicit PagePool(std::size_t keep_bytes = std::size_t{256} << 20);
  ~PagePool();
  PagePool(const PagePool&) = delete;
  PagePool& operator=(const PagePool&) = delete;
  std::size_t kept_bytes() const;  // what it holds now, between batches

 private:
  friend struct batch::PoolAccess;
  struct State;
  std::unique_ptr<State> state_;
};

struct BatchOptions {
  unsigned threads = 0;  // 0: one per core (one for small frames)
  HistoryFrom history = HistoryFrom::decided;
  bool reasons = false;                      // also intern the reasons of each decision
  std::atomic<std::size_t>* done = nullptr;  // rows decided so far, for a progress bar
  std::atomic<bool>* cancel = nullptr;       // set to stop early (KeyboardInterrupt)
  PagePool* pages = nullptr;                 // keep large scratch buffers here between batches (none: freed)
};

struct BatchResult {
  std::size_t rows = 0;
  std::vector<std::int16_t> level, outcome, routing, category;  // document indices; -1: rejected / none
  std::vector<std::uint8_t> referral;                           // 1 when the outcome is a referral
  std::vector<std::int64_t> received, deadline, decided;        // ms since the epoch, UTC; kNoTime
  // SPEC 7.8, when the rows carry them (else empty): the recorded outcome and the override reason
  // (document indices; -1: none, or the row was rejected).
  std::vector<std::int16_t> recorded_outcome, override_reason;
  std::vector<std::int32_t> combo;   // into `combos` (outcome + rules: actions, flags, rules); -1: rejected
  std::vector<Decision> combos;      // one decision per combo, to put it into words
  std::vector<std::int32_t> reason;  // into `reasons` (with BatchOptions::reasons); -1: rejected
  std::vector<Decision> reasons;
  struct Rejected {
    std::size_t row = 0;
    std::string contact;  // the contact's id as the engine read it ("" when none)
    Rejection why;
  };
  std::vector<Rejected> errors;  // rejected rows, in row order
  std::size_t engine_rows = 0;   // rows resolved by the engine's RuleSet::resolve rather than the fast path
  bool cancelled = false;
};

BatchResult decide_columns(const RuleSet&, const std::vector<const Column*>& columns, std::size_t rows, const BatchOptions& = {});

// With FRONTDOOR_TIMING set in the environment, lap() prints to stderr the wall time since the last
// lap (or construction), this thread's CPU time and the whole process's (all threads): how
// decide_columns, write_json_lines and the command line's reader report their phases.
class PhaseTimer {
 public:
  PhaseTimer();
  void lap(const char* what);

 private:
  bool on_;
  std::chrono::steady_clock::time_point wall_;
  double cpu_ = 0, all_ = 0;
};

// The text the engine makes of a cell for `id` and `child` (empty when it makes none).
bool cell_text(const Cell&, std::string& out);

// Every row's decision as one line of SPEC's JSON, in row order, byte for byte what
// DecisionView::to_json writes (the batch must have been decided with BatchOptions::reasons). Each
// reason is put into words once per document and each distinct outcome, rules, level and routing
// once per batch; a row copies those around its own id, deadline and reasons. A rejected row is
// worded from the batch's Rejected.
// `ids` is the id column. Blocks of rows are put into words in parallel and written in order as
// they are ready.
void write_json_lines(const RuleSet&, const BatchResult&, const Column* ids, std::ostream&, unsigned threads = 0);

// JSON Lines decided as one batch, one decision line per row in row order, byte for byte what
// DecisionView::to_json writes: the lines are read straight into columns (simdjson, inside the
// library) and decided by decide_columns; an input that reader does not take (a line that is not
// one JSON object, a number beyond 64 bits, a line over kMaxRecordBytes) is read by
// read_json_lines and decided by RuleSet::decide_batch, which gives the same bytes. `text` must be
// followed by kJsonLinesPadding readable bytes (their values do not matter), which the reader may
// read past a line's end; the command line maps a file that way, the C interface copies.
inline constexpr std::size_t kJsonLinesPadding = 64;
struct JsonLinesSummary {
  std::size_t rows = 0, rejected = 0;
};
// `watch` (frontdoor/progress.hpp's ProgressWatch) sees the deciding, as the command line's bar does.
JsonLinesSummary decide_json_lines(const RuleSet&, std::string_view text, std::ostream& out, unsigned threads = 0,
                                   const std::function<bool(std::size_t, std::size_t)>& watch = {},
                                   HistoryFrom history = HistoryFrom::decided);

// ISO 8601 text for an instant (ms since the epoch): with "Z" when zoned, without an offset when
// not (which the engine rejects as ambiguous, as it should). Milliseconds are written when not zero.
std::string iso_timestamp(std::int64_t ms, bool zoned);

// The record for one row of `columns` (in column order, as a CSV or JSON reader would make it): the
// slow but authoritative path, which RuleSet::resolve then reads.
void record_from_cells(const std::vector<const Column*>& columns, std::size_t row, ContactRecord& out);

}  // namespace frontdoor::columns
