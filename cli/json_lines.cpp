#include "json_lines.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <iostream>
#include <iterator>
#include <thread>
#include <unordered_map>

#include "frontdoor/detail/threads.hpp"
#include "io.hpp"
#include "frontdoor/records.hpp"

namespace frontdoor::cli {
namespace {

namespace sj = simdjson;
using columns::Cell;
using columns::Column;
using columns::Tag;

// One parsed value of one line, before the columns exist: the key is a number in the parsing
// thread's own table; entries and problems index that thread's side tables.
struct Slot {
  std::uint32_t key;
  Cell cell;
};

// What one thread makes of its share of the lines.
struct Part {
  std::vector<std::string> keys;  // thread-local key numbers -> names
  std::vector<std::uint32_t> row_begin;  // per row: its first slot (and one past the last row)
  std::vector<Slot> slots;
  std::vector<std::pair<std::string_view, std::string_view>> entries;
  std::vector<std::string> problems;
  std::deque<std::string> owned;  // strings that needed unescaping
  bool ok = true;                 // false: a line the fast reader will not take

  // The key's number. Lines mostly give their keys in the same order, so the key after the last
  // one found is tried first; there are few keys, so a miss is a short scan.
  std::uint32_t key(std::string_view k) {
    std::size_t guess = last_ + 1 < keys.size() ? last_ + 1 : 0;
    if (guess < keys.size() && keys[guess] == k) return static_cast<std::uint32_t>(last_ = guess);
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == k) return static_cast<std::uint32_t>(last_ = i);
    keys.emplace_back(k);
    return static_cast<std::uint32_t>(last_ = keys.size() - 1);
  }
  std::size_t last_ = static_cast<std::size_t>(-1);
};

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

// A key as a view into the input when it has no escapes (most keys), else unescaped into the
// parser's buffer (good only until the next key); `in_input` says which.
template <class Field>
bool key_of(Field& field, std::string_view& k, bool& in_input) {
  sj::ondemand::raw_json_string raw;
  if (field.key().get(raw)) return false;
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

bool concerns_cell(sj::ondemand::object obj, Part& part, Cell& cell) {
  auto start = part.entries.size();
  for (auto field : obj) {
    std::string_view k, level;
    bool in_input = false;
    if (!key_of(field, k, in_input)) return false;
    if (!in_input) {  // the key's buffer is reused by the next key
      part.owned.emplace_back(k);
      k = part.owned.back();
    }
    sj::ondemand::value v;
    if (field.value().get(v)) return false;
    sj::ondemand::json_type t;
    if (v.type().get(t)) return false;
    if (t != sj::ondemand::json_type::string) {
      // The engine's words for it, as the record reader gives them.
      part.problems.emplace_back("concerns: must map concern ids to levels");
      cell.tag = Tag::bad;
      cell.len = static_cast<std::uint32_t>(part.problems.size() - 1);
      return true;
    }
    if (!text_of(v, part, level)) return false;
    part.entries.emplace_back(k, level);
  }
  cell.tag = Tag::entries;
  cell.i = static_cast<std::int64_t>(start);
  cell.len = static_cast<std::uint32_t>(part.entries.size() - start);
  return true;
}

// One line, which must be one JSON object; false when the fast reader does not take it.
bool parse_line(sj::ondemand::parser& parser, const char* at, std::size_t len, std::size_t readable, Part& part) {
  sj::ondemand::document doc;
  if (parser.iterate(at, len, readable).get(doc)) return false;
  sj::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  for (auto field : obj) {
    std::string_view k;
    bool in_input = false;
    if (!key_of(field, k, in_input)) return false;
    std::uint32_t key = part.key(k);
    sj::ondemand::value v;
    if (field.value().get(v)) return false;
    sj::ondemand::json_type t;
    if (v.type().get(t)) return false;
    Cell cell;
    const std::string& name = part.keys[key];
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
        if (name == "concerns") {
          if (!concerns_cell(inner, part, cell)) return false;
        } else {
          std::string_view skipped;
          if (inner.raw_json().get(skipped)) return false;
          part.problems.push_back(name + ": must be a single value, not a list or object");
          cell.tag = Tag::bad;
          cell.len = static_cast<std::uint32_t>(part.problems.size() - 1);
        }
        break;
      }
      case sj::ondemand::json_type::array: {
        sj::ondemand::array inner;
        std::string_view raw;
        if (v.get_array().get(inner) || inner.raw_json().get(raw)) return false;
        if (name == "history") {
          // Read in full later (and strictly) by the engine's history reader.
          cell = Cell::text(raw);
        } else {
          part.problems.push_back(name + ": must be a single value, not a list or object");
          cell.tag = Tag::bad;
          cell.len = static_cast<std::uint32_t>(part.problems.size() - 1);
        }
        break;
      }
    }
    part.slots.push_back({key, cell});
  }
  // Nothing may follow the object: current_location() fails once the document is used up.
  const char* rest = nullptr;
  return doc.current_location().get(rest) != sj::SUCCESS;
}


}  // namespace

std::optional<FastDecisions> decide_json_lines(const RuleSet& rules, simdjson::padded_string& text, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  columns::PhaseTimer timer;
  // The lines that are rows: every non-blank line (a blank line is not a row, as in read_json_lines).
  std::vector<std::pair<std::size_t, std::size_t>> lines;  // begin, end (without the newline)
  for (std::size_t at = 0; at < text.size();) {
    const void* nl = std::memchr(text.data() + at, '\n', text.size() - at);
    std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    std::string_view line(text.data() + at, end - at);
    if (line.size() > kMaxRecordBytes) return std::nullopt;  // the record reader words this
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.emplace_back(at, end);
    at = end + 1;
  }
  const std::size_t n = lines.size();
  if (n < 2) return std::nullopt;
  timer.lap("lines");
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 10000)));

  // simdjson reads up to SIMDJSON_PADDING bytes past a line's end: the text is in a padded buffer,
  // which every cell's text points into.
  const sj::padded_string& padded = text;
  std::vector<Part> parts(threads);
  detail::run_threads(threads, [&](unsigned t) {
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    Part& part = parts[t];
    sj::ondemand::parser parser;
    part.row_begin.reserve(to - from + 1);
    for (std::size_t r = from; r < to && part.ok; ++r) {
      part.row_begin.push_back(static_cast<std::uint32_t>(part.slots.size()));
      auto [b, e] = lines[r];
      part.ok = parse_line(parser, padded.data() + b, e - b, padded.size() + sj::SIMDJSON_PADDING - b, part);
    }
    part.row_begin.push_back(static_cast<std::uint32_t>(part.slots.size()));
  });
  for (auto& p : parts)
    if (!p.ok) return std::nullopt;
  timer.lap("parse");

  // The columns: one per key, in the order keys first appear; every cell absent unless given.
  FastDecisions out;
  out.text = std::move(text);  // the buffer itself moves with it, so the cells' views stay good
  std::unordered_map<std::string, std::size_t> column_of;
  std::vector<std::vector<std::size_t>> remap(threads);
  for (unsigned t = 0; t < threads; ++t)
    for (auto& k : parts[t].keys) {
      auto [it, added] = column_of.try_emplace(k, out.columns.size());
      if (added) {
        out.columns.push_back(std::make_unique<Column>());
        Column& c = *out.columns.back();
        c.name = k;
        c.kind = columns::Kind::cells;
        c.length = n;
      }
      remap[t].push_back(it->second);
    }
  // Only `concerns` has entries: its side table is every thread's, one after another.
  std::vector<std::size_t> entry_base(threads, 0);
  if (auto it = column_of.find("concerns"); it != column_of.end()) {
    Column& c = *out.columns[it->second];
    std::size_t total = 0;
    for (unsigned t = 0; t < threads; ++t) entry_base[t] = total, total += parts[t].entries.size();
    c.entries.reserve(total);
    for (auto& part : parts) c.entries.insert(c.entries.end(), part.entries.begin(), part.entries.end());
  }
  // Every cell unset (a line without the key has no such field), then each thread's rows; a bad
  // cell's problem (rare) is added after, one at a time.
  struct Bad {
    std::size_t row, column, problem;
    unsigned thread;
  };
  std::vector<std::vector<Bad>> bad(threads);
  detail::run_threads(threads, [&](unsigned t) {
    for (std::size_t k = t; k < out.columns.size(); k += threads) out.columns[k]->cells.assign(n, Cell::unset());
  });
  detail::run_threads(threads, [&](unsigned t) {
    const Part& part = parts[t];
    std::size_t first = n * t / threads;
    for (std::size_t r = 0; r + 1 < part.row_begin.size(); ++r)
      for (std::uint32_t s = part.row_begin[r]; s < part.row_begin[r + 1]; ++s) {
        std::size_t k = remap[t][part.slots[s].key];
        Cell cell = part.slots[s].cell;
        if (cell.tag == Tag::entries) cell.i += static_cast<std::int64_t>(entry_base[t]);
        else if (cell.tag == Tag::bad) bad[t].push_back({first + r, k, cell.len, t});
        out.columns[k]->cells[first + r] = cell;  // a key given twice in one line: the last wins, as in the record reader
      }
  });
  for (unsigned t = 0; t < threads; ++t) {
    for (const Bad& b : bad[t]) {
      Column& c = *out.columns[b.column];
      Cell& cell = c.cells[b.row];
      if (cell.tag != Tag::bad || cell.len != b.problem) continue;  // overwritten by the key given again
      c.problems.push_back(parts[t].problems[b.problem]);
      cell.len = static_cast<std::uint32_t>(c.problems.size() - 1);
    }
    out.owned.push_back(std::move(parts[t].owned));  // moving the deque keeps its strings where they are
  }
  out.lines = std::move(lines);
  timer.lap("columns");
  std::vector<const Column*> views;
  for (auto& c : out.columns) views.push_back(c.get());
  columns::BatchOptions options;
  options.threads = threads;
  options.reasons = true;
  out.result = columns::decide_columns(rules, views, n, options);
  return out;
}

bool read_padded(const std::string& path, simdjson::padded_string& out) {
  columns::PhaseTimer timer;
  struct Lap {
    columns::PhaseTimer& timer;
    ~Lap() { timer.lap("read"); }
  } lap{timer};
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    out = simdjson::padded_string(text);
    return true;
  }
  if (!not_a_directory(path)) return false;
  if (simdjson::padded_string::load(path).get(out)) {
    std::cerr << "frontdoor: " << path << ": cannot open for reading\n";
    return false;
  }
  return true;
}

void write_json_lines(const RuleSet& rules, const FastDecisions& in, std::ostream& os, unsigned threads) {
  const Column* ids = nullptr;
  for (auto& c : in.columns)
    if (c->name == "id") ids = c.get();
  // A rejected row is worded from its own line by the record reader and the engine, so that which
  // field is named first does not depend on the order the columns happen to be in.
  auto rejected = [&](std::size_t row, const std::string& message) {
    auto [b, e] = in.lines[row];
    ContactRecord record = record_from_json(std::string_view(in.text.data() + b, e - b));
    Contact c;
    std::string error;
    Decision d;
    bool resolved = rules.resolve(record, c, error);
    d.contact = c.id;
    d.error = resolved ? message : error;  // resolved: the batch's own reason (history)
    return d;
  };
  columns::write_json_lines(rules, in.result, ids, rejected, os, threads);
}

}  // namespace frontdoor::cli
