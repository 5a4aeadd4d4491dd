// JSON Lines read straight into columns with simdjson: no record per row; each parsing thread
// fills its own chunk of every column, and the batch engine (columns::decide_columns) decides them.
// Anything this reader does not take (a line that is not one JSON object, a number beyond 64 bits,
// a line over the length limit) leaves the whole input to the record reader (read_json_lines),
// so both ways give the same bytes (tests/cli holds them together). The library links simdjson
// privately: only this file includes it. columns::decide_json_lines (columns.hpp) is the entry point.
#include "read/json_lines.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "frontdoor/detail/threads.hpp"
#include "frontdoor/progress.hpp"
#include "frontdoor/records.hpp"
#include "resolve/words.hpp"

namespace frontdoor::read {
namespace {

static_assert(columns::kJsonLinesPadding >= simdjson::SIMDJSON_PADDING, "the reader reads this far past a line's end");

namespace sj = simdjson;
using columns::Cell;
using columns::Column;
using columns::Tag;

// What one thread makes of its share of the input: its lines, and a column of cells for each key
// its lines give (its chunk of the batch's column). Cells are written straight into the row's place.
struct Part {
  std::vector<std::pair<std::size_t, std::size_t>> lines;  // each row's line: begin, end
  std::vector<std::string> keys;                           // key number -> name
  std::vector<std::unique_ptr<Column>> columns;            // key number -> this part's cells of it
  std::deque<std::string> owned;                           // strings that needed unescaping
  bool ok = true;                                          // false: a line the fast reader will not take

  // Keys in the order the last line gave them: the key that followed key k (kNoKey: none yet),
  // and the one that began the line. An export's lines mostly give their keys in one order, so the
  // key at a field is first checked against the one that followed the field before.
  static constexpr std::uint32_t kNoKey = UINT32_MAX;
  std::uint32_t after(std::uint32_t k) const { return k == kNoKey ? first_ : next_[k]; }
  void followed(std::uint32_t k, std::uint32_t by) { (k == kNoKey ? first_ : next_[k]) = by; }
  // Whether the raw key at `p` (in the padded input, past its opening quote) is key number k: k's
  // text and then the closing quote. Only for a key without '\\' or '"', whose text is its raw
  // bytes; then a quote right after them cannot be an escaped one.
  bool is(std::uint32_t k, const char* p) const {
    if (!plain_[k]) return false;
    const std::size_t n = keys[k].size();
    return p[n] == '"' && same(k, p, n, head_of(p, n), tail_of(p, n));
  }

  // The key's number, by a table of 256 places indexed by a hash of the key's length and first and
  // last eight bytes (a line's keys are few, so a place rarely holds another key). `k` points into
  // the padded input, so 8 bytes may be read from either end of it whatever its length.
  std::uint32_t key(std::string_view k) {
    const std::uint64_t head = head_of(k.data(), k.size()), tail = tail_of(k.data(), k.size());
    const std::size_t place = hash(head, tail, k.size());
    const std::int32_t i = table_[place];
    if (i >= 0 && same(static_cast<std::size_t>(i), k.data(), k.size(), head, tail)) return static_cast<std::uint32_t>(i);
    for (std::size_t at = 0; at < keys.size(); ++at)  // the place holds another key, or none yet
      if (keys[at] == k) return static_cast<std::uint32_t>(at);
    return add(k, head, tail, place);
  }

 private:
  // Whether key number `at` is the n bytes at p, whose head_of and tail_of are given: the two words
  // and the length settle a key of up to 16 bytes, a longer one is compared in full.
  bool same(std::size_t at, const char* p, std::size_t n, std::uint64_t head, std::uint64_t tail) const {
    return heads_[at] == head && tails_[at] == tail && keys[at].size() == n && (n <= 16 || std::memcmp(p, keys[at].data(), n) == 0);
  }
  static std::uint64_t head_of(const char* p, std::size_t size) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return size >= 8 ? w : w & ((std::uint64_t{1} << (8 * size)) - 1);  // little-endian: the first bytes are low
  }
  static std::uint64_t tail_of(const char* p, std::size_t size) {  // the last 8 bytes, or 0 for a key of 8 or fewer
    if (size <= 8) return 0;
    std::uint64_t w;
    std::memcpy(&w, p + size - 8, 8);
    return w;
  }
  static std::size_t hash(std::uint64_t head, std::uint64_t tail, std::size_t size) {
    return static_cast<std::size_t>(((head ^ (tail * 0x9E3779B97F4A7C15ull) ^ size) * 0xBF58476D1CE4E5B9ull) >> 56);
  }
  std::uint32_t add(std::string_view k, std::uint64_t head, std::uint64_t tail, std::size_t place) {
    keys.emplace_back(k);
    heads_.push_back(head);
    tails_.push_back(tail);
    plain_.push_back(k.find_first_of("\\\"") == std::string_view::npos);
    next_.push_back(kNoKey);
    if (table_[place] < 0) table_[place] = static_cast<std::int32_t>(keys.size() - 1);
    auto c = std::make_unique<Column>();
    c->name = keys.back();
    c->kind = columns::Kind::cells;
    c->length = lines.size();
    c->cells.assign(lines.size(), Cell::unset());  // a line without the key has no such field, not even null
    columns.push_back(std::move(c));
    return static_cast<std::uint32_t>(keys.size() - 1);
  }
  std::vector<std::uint64_t> heads_, tails_;  // key number -> head_of, tail_of: compared before the text
  std::vector<std::uint8_t> plain_;           // key number -> no '\\' or '"' in its text
  std::vector<std::uint32_t> next_;           // key number -> the key that followed it last
  std::uint32_t first_ = kNoKey;
  std::array<std::int32_t, 256> table_ = filled();
  static std::array<std::int32_t, 256> filled() {
    std::array<std::int32_t, 256> t;
    t.fill(-1);
    return t;
  }
};

// A cell that says what is wrong with its value (rare), in the column's own words table.
Cell bad_cell(Column& c, Rejection problem) {
  c.problems.push_back(std::move(problem));
  Cell cell;
  cell.tag = Tag::bad;
  cell.len = static_cast<std::uint32_t>(c.problems.size() - 1);
  return cell;
}

// What the record reader says of a value of the wrong kind, in its words (src/resolve/words.hpp).
Rejection not_a_value(const std::string& name) { return words::not_a_single_value(name); }
Rejection not_a_mapping() { return words::concerns_not_a_mapping(); }
Rejection not_a_list() { return words::history_not_a_list(); }

// A string value as a view that outlives the parser: into the input when it has no escapes, else
// unescaped into `owned`.
bool text_of(sj::ondemand::value& v, Part& part, std::string_view& out) {
  std::string_view raw = v.raw_json_token();
  auto close = raw.rfind('"');
  if (raw.size() < 2 || raw.front() != '"' || close == 0) return false;
  raw = raw.substr(1, close - 1);
  if (raw.find('\\') == std::string_view::npos) {
    out = raw;
    return true;
  }
  std::string_view unescaped;
  if (v.get_string().get(unescaped)) return false;
  part.owned.emplace_back(unescaped);
  out = part.owned.back();
  return true;
}

// A key (`raw`, the field's) as a view into the input when it has no escapes (most keys), else
// unescaped into the parser's buffer (good only until the next key); `in_input` says which.
template <class Field>
bool key_of(Field& field, sj::ondemand::raw_json_string raw, std::string_view& k, bool& in_input) {
  const char* p = raw.raw();
  const char* q = p;
  while (*q != '"' && *q != '\\') ++q;  // the input is padded, and simdjson has found the closing quote
  in_input = *q == '"';
  if (in_input) {
    k = std::string_view(p, static_cast<std::size_t>(q - p));
    return true;
  }
  return !field.unescaped_key().get(k);
}

// `concerns` as a mapping: its entries go into the column's side table.
bool concerns_cell(sj::ondemand::object obj, Part& part, Column& column, Cell& cell) {
  auto start = column.entries.size();
  for (auto field : obj) {
    std::string_view k, level;
    bool in_input = false;
    sj::ondemand::raw_json_string raw;
    if (field.key().get(raw) || !key_of(field, raw, k, in_input)) return false;
    if (!in_input) {  // the key's buffer is reused by the next key
      part.owned.emplace_back(k);
      k = part.owned.back();
    }
    sj::ondemand::value v;
    if (field.value().get(v)) return false;
    sj::ondemand::json_type t;
    if (v.type().get(t)) return false;
    if (t == sj::ondemand::json_type::boolean) {  // true: at its one level (the resolver's to find); false: not there
      bool there = false;
      if (v.get_bool().get(there)) return false;
      if (there) column.entries.emplace_back(k, std::string_view());
      continue;
    }
    if (t != sj::ondemand::json_type::string) {
      cell = bad_cell(column, not_a_mapping());
      return true;
    }
    if (!text_of(v, part, level)) return false;
    column.entries.emplace_back(k, level);
  }
  cell.tag = Tag::entries;
  cell.i = static_cast<std::int64_t>(start);
  cell.len = static_cast<std::uint32_t>(column.entries.size() - start);
  return true;
}

// `concerns` as a list of ids, each at its one level: entries with no level.
bool concern_ids_cell(sj::ondemand::array list, Part& part, Column& column, Cell& cell) {
  auto start = column.entries.size();
  for (auto item : list) {
    sj::ondemand::value v;
    sj::ondemand::json_type t;
    if (item.get(v) || v.type().get(t)) return false;
    if (t != sj::ondemand::json_type::string) {
      column.entries.resize(start);
      cell = bad_cell(column, not_a_mapping());
      return true;
    }
    std::string_view id;
    if (!text_of(v, part, id)) return false;
    column.entries.emplace_back(id, std::string_view());
  }
  cell.tag = Tag::entries;
  cell.i = static_cast<std::int64_t>(start);
  cell.len = static_cast<std::uint32_t>(column.entries.size() - start);
  return true;
}

// Line `row` of the part, which must be one JSON object; false when the fast reader does not take it.
bool parse_line(sj::ondemand::parser& parser, const char* at, std::size_t len, std::size_t readable, Part& part, std::size_t row) {
  sj::ondemand::document doc;
  if (parser.iterate(at, len, readable).get(doc)) return false;
  sj::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  std::uint32_t previous = Part::kNoKey;  // the line's previous key
  for (auto field : obj) {
    sj::ondemand::raw_json_string raw;
    if (field.key().get(raw)) return false;
    std::uint32_t key = part.after(previous);
    if (key == Part::kNoKey || !part.is(key, raw.raw())) {
      std::string_view k;
      bool in_input = false;
      if (!key_of(field, raw, k, in_input)) return false;
      if (in_input) {
        key = part.key(k);
      } else {  // unescaped into the parser's buffer: copied with room for Part::key's 8-byte read
        std::string padded(k);
        padded.append(8, '\0');
        key = part.key(std::string_view(padded.data(), k.size()));
      }
      part.followed(previous, key);
    }
    previous = key;
    sj::ondemand::value v;
    if (field.value().get(v)) return false;
    sj::ondemand::json_type t;
    if (v.type().get(t)) return false;
    Cell cell;
    Column& column = *part.columns[key];
    switch (t) {
      case sj::ondemand::json_type::string: {
        std::string_view s;
        if (!text_of(v, part, s)) return false;
        cell = Cell::text(s);
        break;
      }
      case sj::ondemand::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) return false;
        cell = Cell::boolean(b);
        break;
      }
      case sj::ondemand::json_type::null: {
        bool is_null;
        if (v.is_null().get(is_null) || !is_null) return false;
        break;
      }
      case sj::ondemand::json_type::number: {
        sj::ondemand::number_type nt;
        if (v.get_number_type().get(nt)) return false;
        if (nt == sj::ondemand::number_type::signed_integer) {
          std::int64_t i;
          if (v.get_int64().get(i)) return false;
          cell = Cell::integer(i);
        } else if (nt == sj::ondemand::number_type::floating_point_number) {
          double d;
          if (v.get_double().get(d)) return false;
          cell = Cell::real(d);
        } else {
          return false;  // beyond int64: left to the record reader
        }
        break;
      }
      case sj::ondemand::json_type::object: {
        sj::ondemand::object inner;
        if (v.get_object().get(inner)) return false;
        if (column.name == "concerns") {
          if (!concerns_cell(inner, part, column, cell)) return false;
        } else {
          std::string_view skipped;
          if (inner.raw_json().get(skipped)) return false;
          cell = bad_cell(column, column.name == "history" ? not_a_list() : not_a_value(column.name));
        }
        break;
      }
      case sj::ondemand::json_type::array: {
        sj::ondemand::array inner;
        std::string_view raw;
        if (column.name == "concerns") {
          if (v.get_array().get(inner) || !concern_ids_cell(inner, part, column, cell)) return false;
          break;
        }
        if (v.get_array().get(inner) || inner.raw_json().get(raw)) return false;
        if (column.name == "history") {
          // Read in full later (and strictly) by the engine's history reader.
          cell = Cell::text(raw);
        } else {
          cell = bad_cell(column, not_a_value(column.name));
        }
        break;
      }
    }
    column.cells[row] = cell;  // a key given twice in one line: the last wins, as in the record reader
  }
  // Nothing may follow the object: current_location() fails once the document is used up.
  const char* rest = nullptr;
  return doc.current_location().get(rest) != sj::SUCCESS;
}

// The part's lines: every non-blank line that starts in [from, to) of the text (a blank line is not
// a row, as in read_json_lines); false when one is longer than the record reader takes.
bool find_lines(std::string_view text, std::size_t from, std::size_t to, Part& part) {
  for (std::size_t at = from; at < to;) {
    const void* nl = std::memchr(text.data() + at, '\n', text.size() - at);
    std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    std::string_view line(text.data() + at, end - at);
    if (line.size() > kMaxRecordBytes) return false;  // the record reader words this
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) part.lines.emplace_back(at, end);
    at = end + 1;
  }
  return true;
}

// Where the part that would start at `at` does start: at the beginning of a line.
std::size_t line_start(std::string_view text, std::size_t at) {
  if (at == 0 || at >= text.size()) return std::min(at, text.size());
  const void* nl = std::memchr(text.data() + at - 1, '\n', text.size() - (at - 1));
  return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1 : text.size();
}

}  // namespace

std::optional<JsonLinesColumns> json_lines_columns(std::string_view all, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  columns::PhaseTimer timer;
  // Each thread takes a share of the bytes (cut at line starts), finds its lines, and parses them
  // into its own chunk of every column: no cell is copied after parsing.
  const unsigned parsers = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, all.size() >> 21)));
  std::vector<Part> parts(parsers);
  // simdjson reads up to SIMDJSON_PADDING bytes past a line's end: the text is in a padded buffer,
  // which every cell's text points into.
  detail::run_threads(parsers, [&](unsigned t) {
    Part& part = parts[t];
    std::size_t from = line_start(all, all.size() * t / parsers), to = line_start(all, all.size() * (t + 1) / parsers);
    if (!(part.ok = find_lines(all, from, to, part))) return;
    sj::ondemand::parser parser;
    for (std::size_t r = 0; r < part.lines.size() && part.ok; ++r) {
      auto [b, e] = part.lines[r];
      part.ok = parse_line(parser, all.data() + b, e - b, all.size() + sj::SIMDJSON_PADDING - b, part, r);
    }
  });
  std::size_t n = 0;
  for (auto& p : parts) {
    if (!p.ok) return std::nullopt;
    n += p.lines.size();
  }
  if (n < 2) return std::nullopt;
  timer.lap("parse");

  // The columns: one per key, in the order keys first appear, each made of the parts' chunks (a
  // part whose lines never give the key has a chunk of unset cells).
  JsonLinesColumns out;
  out.rows = n;
  std::unordered_map<std::string, std::size_t> column_of;
  std::vector<std::size_t> starts;
  for (std::size_t t = 0, first = 0; t < parts.size(); first += parts[t].lines.size(), ++t) starts.push_back(first);
  for (unsigned t = 0; t < parsers; ++t)
    for (std::size_t k = 0; k < parts[t].keys.size(); ++k) {
      auto [it, added] = column_of.try_emplace(parts[t].keys[k], out.columns.size());
      if (added) {
        auto c = std::make_unique<Column>();
        c->name = parts[t].keys[k];
        c->kind = columns::Kind::chunked;
        c->length = n;
        c->starts = starts;
        c->chunks.resize(parsers);
        out.columns.push_back(std::move(c));
      }
      out.columns[it->second]->chunks[t] = std::move(parts[t].columns[k]);
    }
  // The batch reads a row's fields in column order, and the first fault it meets is the one an error
  // names: in key order, as the record reader (a JSON object with sorted keys) reads the same line.
  std::sort(out.columns.begin(), out.columns.end(), [](auto& a, auto& b) { return a->name < b->name; });
  for (auto& c : out.columns)
    for (unsigned t = 0; t < parsers; ++t)
      if (!c->chunks[t]) {
        c->chunks[t] = std::make_unique<Column>();
        c->chunks[t]->kind = columns::Kind::cells;
        c->chunks[t]->length = parts[t].lines.size();
        c->chunks[t]->cells.assign(parts[t].lines.size(), Cell::unset());
      }
  out.lines.reserve(n);
  for (auto& part : parts) {
    out.lines.insert(out.lines.end(), part.lines.begin(), part.lines.end());
    out.owned.push_back(std::move(part.owned));  // moving the deque keeps its strings where they are
  }
  timer.lap("columns");
  return out;
}

}  // namespace frontdoor::read

namespace frontdoor::columns {

namespace {

// Every row through the record reader and RuleSet::decide_batch (itself decide_columns over the
// records), each decision as DecisionView::to_json writes it.
JsonLinesSummary decide_records(const RuleSet& rules, std::string_view text, std::ostream& out, HistoryFrom history) {
  std::istringstream in{std::string(text)};
  const std::vector<ContactRecord> records = read_json_lines(in);
  JsonLinesSummary summary;
  summary.rows = records.size();
  for (const Decision& d : rules.decide_batch(records, {}, history)) {
    summary.rejected += !d.ok();
    out << rules.view(d).to_json() << '\n';
  }
  return summary;
}

}  // namespace

JsonLinesSummary decide_json_lines(const RuleSet& rules, std::string_view text, std::ostream& out, unsigned threads,
                                   const std::function<bool(std::size_t, std::size_t)>& watch, HistoryFrom history) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto read = read::json_lines_columns(text, threads);
  if (!read) return decide_records(rules, text, out, history);
  const std::size_t n = read->rows;
  std::vector<const Column*> views;
  const Column* ids = nullptr;
  for (auto& c : read->columns) {
    views.push_back(c.get());
    if (c->name == "id") ids = c.get();
  }
  BatchOptions options;
  options.threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 10000)));
  options.reasons = true;
  options.history = history;
  const BatchResult result = watch ? decide_columns(rules, views, n, options, watch) : decide_columns(rules, views, n, options);
  write_json_lines(rules, result, ids, out, threads);
  return {n, result.errors.size()};
}

}  // namespace frontdoor::columns
