#include "records/json.hpp"

#include "frontdoor/rule_set.hpp"
#include "resolve/words.hpp"

#include <iterator>
#include <limits>
#include <string_view>

namespace frontdoor {
namespace detail {
namespace {

Scalar scalar_from_json(const nlohmann::json& v, bool& ok) {
  ok = true;
  switch (v.type()) {
    case nlohmann::json::value_t::null: return {};
    case nlohmann::json::value_t::boolean: return v.get<bool>();
    case nlohmann::json::value_t::number_integer: return v.get<std::int64_t>();
    case nlohmann::json::value_t::number_unsigned: {
      auto u = v.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return static_cast<std::int64_t>(u);
      return static_cast<double>(u);
    }
    case nlohmann::json::value_t::number_float: return v.get<double>();
    case nlohmann::json::value_t::string: return v.get<std::string>();
    default: ok = false; return {};
  }
}

}  // namespace

// "a=level;b=level", the CSV form of concerns.
bool parse_concern_cell(const std::string& cell, std::vector<ConcernEntry>& out) {
  std::size_t i = 0;
  while (i < cell.size()) {
    std::size_t end = cell.find(';', i);
    if (end == std::string::npos) end = cell.size();
    std::string item = cell.substr(i, end - i);
    i = end + 1;
    auto trim = [](std::string s) {
      auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    item = trim(item);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) {  // a concern named without its level: the resolver finds its one level
      out.push_back({item, ""});
      continue;
    }
    std::string c = trim(item.substr(0, eq)), l = trim(item.substr(eq + 1));
    if (c.empty() || l.empty()) return false;
    out.push_back({c, l});
  }
  return true;
}

// A text value of concerns is read as a text cell is everywhere (parse_concerns).
bool concerns_from_json(const nlohmann::json& v, std::vector<ConcernEntry>& out) {
  if (v.is_null()) return true;
  if (v.is_string()) {
    Rejection unused;
    return parse_concerns(v.get<std::string>(), out, unused);
  }
  if (v.is_array()) {  // a list of concern ids, each at its one level
    for (auto& id : v) {
      if (!id.is_string()) return false;
      out.push_back({id.get<std::string>(), ""});
    }
    return true;
  }
  if (!v.is_object()) return false;
  for (auto& [k, lv] : v.items()) {
    if (lv.is_boolean()) {  // true: at its one level; false: not there (an unticked box)
      if (lv.get<bool>()) out.push_back({k, ""});
      continue;
    }
    if (!lv.is_string()) return false;
    out.push_back({k, lv.get<std::string>()});
  }
  return true;
}

bool history_from_json(const nlohmann::json& v, std::vector<HistoryRecord>& out, Rejection& problem) {
  using C = RejectionCode;
  if (!v.is_array()) return problem = words::history_not_a_list(), false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& item = v[i];
    std::string where = "history[" + std::to_string(i) + "]";
    if (!item.is_object()) return problem = Rejection::at(C::wrong_type, where, "must be an object"), false;
    HistoryRecord h;
    for (auto& [k, x] : item.items()) {
      if (k == "received" && x.is_string())
        h.received = x.get<std::string>();
      else if (k == "concerns") {
        if (!concerns_from_json(x, h.concerns)) return problem = words::concerns_not_a_mapping().within(where), false;
      } else if (k == "outcome" && (x.is_string() || x.is_null())) {
        if (x.is_string()) h.outcome = x.get<std::string>();
      } else if (k == "referral" && (x.is_boolean() || x.is_null())) {
        if (x.is_boolean()) h.referral = x.get<bool>();
      } else if (k == "level" && (x.is_string() || x.is_null())) {
        if (x.is_string()) h.level = x.get<std::string>();
      } else
        return problem = Rejection::at(C::wrong_type, where + "." + k, "unknown or wrongly typed key"), false;
    }
    if (h.received.empty()) return problem = Rejection::at(C::missing_field, where + ".received", "missing"), false;
    out.push_back(std::move(h));
  }
  return true;
}

namespace {

// One CSV row. RFC 4180: a cell that starts with a quote may hold commas, quotes ("") and line
// breaks; a quote anywhere else in a cell is an ordinary character. A quote that is never closed would
// swallow every later row, so such a row ends at its own line (with `unclosed` set) and the lines
// after it are read as rows of their own: no row is lost to one stray quote. read_csv does the same
// for a row that spans lines but has the wrong number of cells (a stray quote closed by another).
struct CsvRow {
  std::vector<std::string> cells;
  std::size_t start = 0;  // offset of the row in the text
  std::size_t first_line = 0;
  bool unclosed = false;  // a quoted cell is never closed
  bool too_long = false;  // the row is longer than kMaxRecordBytes
};

bool read_csv_row(std::string_view t, std::size_t& i, std::size_t& line, CsvRow& row) {
  row.cells.clear();
  row.unclosed = row.too_long = false;
  row.first_line = line + 1;
  row.start = i;
  if (i >= t.size()) return false;
  const std::size_t start = i, start_line = line;
  std::string cell;
  bool quoted = false, at_cell_start = true;
  std::size_t end = std::string_view::npos;  // where the row's text ends, before its line break
  while (i < t.size()) {
    char ch = t[i++];
    if (quoted) {
      if (ch == '"') {
        if (i < t.size() && t[i] == '"')
          cell += t[i++];
        else
          quoted = false;
      } else {
        if (ch == '\n') ++line;
        cell += ch;
      }
    } else if (ch == '"' && at_cell_start) {
      quoted = true;
    } else if (ch == ',') {
      row.cells.push_back(std::move(cell));
      cell.clear();
      at_cell_start = true;
      continue;
    } else if (ch == '\n') {
      ++line;
      end = i - 1;
      break;
    } else if (ch != '\r') {
      cell += ch;
    }
    at_cell_start = false;
  }
  if (quoted) {  // never closed: the row is its first line only
    row.unclosed = true;
    row.cells.clear();
    std::size_t nl = t.find('\n', start);
    i = nl == std::string_view::npos ? t.size() : nl + 1;
    line = start_line + 1;
    row.too_long = (nl == std::string_view::npos ? t.size() : nl) - start > kMaxRecordBytes;
    return true;
  }
  row.cells.push_back(std::move(cell));
  row.too_long = (end == std::string_view::npos ? i : end) - start > kMaxRecordBytes;
  return true;
}

// One line of JSON Lines, at most kMaxRecordBytes of it kept (the rest is read and dropped, so a
// huge line costs no memory); `too_long` says so. False at the end of the input.
bool read_line(std::istream& in, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  std::streambuf* sb = in.rdbuf();
  bool any = false;
  for (;;) {
    int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) return any;
    any = true;
    if (c == '\n') return true;
    if (line.size() < kMaxRecordBytes)
      line.push_back(static_cast<char>(c));
    else
      too_long = true;
  }
}

}  // namespace

ContactRecord record_from_json(const nlohmann::json& obj) {
  ContactRecord r;
  if (!obj.is_object()) {
    r.set_problem(Rejection::at(RejectionCode::unreadable, "", "a contact must be a JSON object"));
    return r;
  }
  for (auto& [k, v] : obj.items()) {
    if (k == "concerns") {
      if (v.is_string()) {
        Rejection problem;
        if (!parse_concerns(v.get<std::string>(), r.concerns, problem)) r.set_problem(std::move(problem));
      } else if (!concerns_from_json(v, r.concerns)) {
        r.set_problem(words::concerns_not_a_mapping());
      }
    } else if (k == "history") {
      if (v.is_null()) continue;  // null is "not given", as for every other key: the batch's history
      std::vector<HistoryRecord> h;
      Rejection problem;
      if (!history_from_json(v, h, problem)) r.set_problem(std::move(problem));
      r.history = std::move(h);
    } else {
      bool ok;
      Scalar s = scalar_from_json(v, ok);
      if (!ok) r.set_problem(words::not_a_single_value(k));
      r.set(k, std::move(s));
    }
  }
  return r;
}

}  // namespace detail

using detail::concerns_from_json;
using detail::CsvRow;
using detail::history_from_json;
using detail::parse_concern_cell;
using detail::read_csv_row;
using detail::read_line;
using words::bad_concern_cell;
using words::history_not_json;

ContactRecord record_from_json(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) {
    ContactRecord r;
    r.set_problem(Rejection::at(RejectionCode::unreadable, "", "not valid JSON"));
    return r;
  }
  return detail::record_from_json(j);
}

bool detail::parse_concerns(std::string_view text, std::vector<ConcernEntry>& out, Rejection& problem) {
  auto b = text.find_first_not_of(" \t\r\n");
  if (b != std::string_view::npos && (text[b] == '{' || text[b] == '[')) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !concerns_from_json(j, out)) return problem = words::concerns_not_a_mapping(), false;
    return true;
  }
  if (!detail::parse_concern_cell(std::string(text), out)) return problem = bad_concern_cell(), false;
  return true;
}

bool detail::parse_history(std::string_view json, std::vector<HistoryRecord>& out, Rejection& problem) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) return problem = history_not_json(), false;
  return history_from_json(j, out, problem);
}

bool parse_concerns(std::string_view text, std::vector<ConcernEntry>& out, std::string& problem) {
  Rejection why;
  if (detail::parse_concerns(text, out, why)) return true;
  return problem = std::move(why.message), false;
}

bool parse_history(std::string_view json, std::vector<HistoryRecord>& out, std::string& problem) {
  Rejection why;
  if (detail::parse_history(json, out, why)) return true;
  return problem = std::move(why.message), false;
}

std::vector<ContactRecord> read_json_lines(std::istream& in) {
  std::vector<ContactRecord> out;
  std::string line;
  std::size_t n = 0;
  bool too_long = false;
  while (read_line(in, line, too_long)) {
    ++n;
    if (too_long) {
      ContactRecord r;
      r.set_problem(
          Rejection::at(RejectionCode::unreadable, "",
                        "line " + std::to_string(n) + ": longer than the limit of " + std::to_string(kMaxRecordBytes) + " bytes"));
      out.push_back(std::move(r));
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // a blank line is not a row
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      ContactRecord r;
      r.set_problem(Rejection::at(RejectionCode::unreadable, "", "line " + std::to_string(n) + ": not valid JSON"));
      out.push_back(std::move(r));
      continue;
    }
    out.push_back(detail::record_from_json(j));
  }
  return out;
}

std::vector<ContactRecord> read_csv(std::istream& in) {
  std::vector<ContactRecord> out;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CsvRow head, row;
  std::size_t at = 0, line = 0;
  if (!read_csv_row(text, at, line, head)) return out;
  std::vector<std::string>& header = head.cells;
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // a spreadsheet's BOM
  const bool header_bad = head.unclosed || head.too_long;
  while (read_csv_row(text, at, line, row)) {
    std::vector<std::string>& cells = row.cells;
    if (!header_bad && !row.unclosed && line > row.first_line && cells.size() != header.size()) {
      // A quoted cell ran over several lines and the row came out the wrong shape: a stray quote, not
      // a cell with line breaks. Its first line is a row with an error; the next line starts afresh.
      std::size_t nl = text.find('\n', row.start);
      at = nl == std::string::npos ? text.size() : nl + 1;
      line = row.first_line;
      row.unclosed = true;
      cells.clear();
    }
    const std::string where = "line " + std::to_string(row.first_line) + ": ";
    if (!row.unclosed && cells.size() == 1 && cells[0].empty()) continue;  // a blank line is not a row
    ContactRecord r;
    if (header_bad || row.unclosed || row.too_long) {
      r.set_problem(Rejection::at(RejectionCode::unreadable, "",
                                  where + (header_bad ? std::string("the header line cannot be read (a quote never closed, or too long)")
                                           : row.unclosed ? std::string("a quoted cell is never closed")
                                                          : "longer than the limit of " + std::to_string(kMaxRecordBytes) + " bytes")));
      out.push_back(std::move(r));
      continue;
    }
    if (cells.size() != header.size()) {
      r.set_problem(
          Rejection::at(RejectionCode::unreadable, "",
                        where + "has " + std::to_string(cells.size()) + " cells, the header has " + std::to_string(header.size())));
      for (std::size_t i = 0; i < std::min(cells.size(), header.size()); ++i)
        if (header[i] == "id") r.set("id", cells[i]);
      out.push_back(std::move(r));
      continue;
    }
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& name = header[i];
      if (name == "concerns") {
        Rejection problem;
        if (!detail::parse_concerns(cells[i], r.concerns, problem)) r.set_problem(std::move(problem));
      } else if (name == "history") {
        if (cells[i].empty()) continue;
        std::vector<HistoryRecord> h;
        Rejection problem;
        if (!detail::parse_history(cells[i], h, problem)) r.set_problem(std::move(problem));
        r.history = std::move(h);
      } else {
        r.set(name, cells[i].empty() ? Scalar{} : Scalar{cells[i]});
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

namespace {
void csv_cell(std::ostream& o, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    o << s;
    return;
  }
  o << '"';
  for (char c : s) o << (c == '"' ? "\"\"" : std::string(1, c));
  o << '"';
}
std::string joined(const std::vector<std::string_view>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ";" : "") + std::string(v[i]);
  return s;
}
}  // namespace

void write_csv_header(std::ostream& o) {
  o << "contact,level,outcome,category,referral,actions,deadline,flags,rules,routing,override_outcome,override_direction,override_reason,"
       "document_sha256,error\n";
}

void write_csv_row(std::ostream& o, const RuleSet& rs, const Decision& d) {
  auto v = rs.view(d);
  csv_cell(o, d.contact);
  o << ',';
  if (d.ok()) {
    o << v.level() << ',' << v.outcome() << ',' << v.category() << ',' << (v.referral() ? "true" : "false") << ',';
    csv_cell(o, joined(v.actions()));
    o << ',' << v.deadline() << ',';
    csv_cell(o, joined(v.flags()));
    o << ',';
    csv_cell(o, joined(v.rules()));
    o << ',' << v.routing() << ',';
    if (v.overridden())  // SPEC 7.8: the recorded outcome, its direction and reason, where it overrides
      o << v.recorded_outcome() << ',' << to_string(d.recorded.direction) << ',' << v.override_reason();
    else
      o << ",,";
    o << ',' << rs.sha256() << ",\n";
  } else {
    o << std::string(12, ',') << rs.sha256() << ',';  // the twelve empty decision columns, level .. override_reason
    csv_cell(o, d.error);
    o << '\n';
  }
}

}  // namespace frontdoor
