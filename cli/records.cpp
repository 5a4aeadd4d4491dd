#include "records.hpp"

#include <limits>

namespace frontdoor::cli {
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
    if (eq == std::string::npos) return false;
    std::string c = trim(item.substr(0, eq)), l = trim(item.substr(eq + 1));
    if (c.empty() || l.empty()) return false;
    out.push_back({c, l});
  }
  return true;
}

bool concerns_from_json(const nlohmann::json& v, std::vector<ConcernEntry>& out) {
  if (v.is_null()) return true;
  if (v.is_string()) return parse_concern_cell(v.get<std::string>(), out);
  if (!v.is_object()) return false;
  for (auto& [k, lv] : v.items()) {
    if (!lv.is_string()) return false;
    out.push_back({k, lv.get<std::string>()});
  }
  return true;
}

bool history_from_json(const nlohmann::json& v, std::vector<HistoryRecord>& out, std::string& problem) {
  if (!v.is_array()) return problem = "history: must be a list of earlier contacts", false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& item = v[i];
    std::string where = "history[" + std::to_string(i) + "]";
    if (!item.is_object()) return problem = where + ": must be an object", false;
    HistoryRecord h;
    for (auto& [k, x] : item.items()) {
      if (k == "received" && x.is_string()) h.received = x.get<std::string>();
      else if (k == "concerns") {
        if (!concerns_from_json(x, h.concerns)) return problem = where + ".concerns: must map concern ids to levels", false;
      } else if (k == "outcome" && (x.is_string() || x.is_null())) {
        if (x.is_string()) h.outcome = x.get<std::string>();
      } else if (k == "referral" && (x.is_boolean() || x.is_null())) {
        if (x.is_boolean()) h.referral = x.get<bool>();
      } else return problem = where + "." + k + ": unknown or wrongly typed key", false;
    }
    if (h.received.empty()) return problem = where + ".received: missing", false;
    out.push_back(std::move(h));
  }
  return true;
}

// RFC 4180: quoted cells may hold commas, quotes ("") and line breaks.
bool read_csv_row(std::istream& in, std::vector<std::string>& cells, std::size_t& line) {
  cells.clear();
  std::string cell;
  bool quoted = false, any = false;
  char ch;
  while (in.get(ch)) {
    any = true;
    if (quoted) {
      if (ch == '"') {
        if (in.peek() == '"') cell += static_cast<char>(in.get());
        else quoted = false;
      } else {
        if (ch == '\n') ++line;
        cell += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (ch == '\n') {
      ++line;
      break;
    } else if (ch != '\r') {
      cell += ch;
    }
  }
  if (!any) return false;
  cells.push_back(std::move(cell));
  return true;
}

}  // namespace

ContactRecord record_from_json(const nlohmann::json& obj) {
  ContactRecord r;
  if (!obj.is_object()) {
    r.problem = "a contact must be a JSON object";
    return r;
  }
  for (auto& [k, v] : obj.items()) {
    if (k == "concerns") {
      if (!concerns_from_json(v, r.concerns)) r.problem = "concerns: must map concern ids to levels";
    } else if (k == "history") {
      std::vector<HistoryRecord> h;
      std::string problem;
      if (!history_from_json(v, h, problem)) r.problem = problem;
      r.history = std::move(h);
    } else {
      bool ok;
      Scalar s = scalar_from_json(v, ok);
      if (!ok) r.problem = k + ": must be a single value, not a list or object";
      r.set(k, std::move(s));
    }
  }
  return r;
}

std::vector<ContactRecord> read_json_lines(std::istream& in) {
  std::vector<ContactRecord> out;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // a blank line is not a row
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      ContactRecord r;
      r.problem = "line " + std::to_string(n) + ": not valid JSON";
      out.push_back(std::move(r));
      continue;
    }
    out.push_back(record_from_json(j));
  }
  return out;
}

std::vector<ContactRecord> read_csv(std::istream& in) {
  std::vector<ContactRecord> out;
  std::vector<std::string> header, cells;
  std::size_t line = 0;
  if (!read_csv_row(in, header, line)) return out;
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // a spreadsheet's BOM
  while (true) {
    std::size_t first_line = line + 1;
    if (!read_csv_row(in, cells, line)) break;
    if (cells.size() == 1 && cells[0].empty()) continue;  // a blank line is not a row
    ContactRecord r;
    if (cells.size() != header.size()) {
      r.problem = "line " + std::to_string(first_line) + ": has " + std::to_string(cells.size()) + " cells, the header has " +
                  std::to_string(header.size());
      for (std::size_t i = 0; i < std::min(cells.size(), header.size()); ++i)
        if (header[i] == "id") r.set("id", cells[i]);
      out.push_back(std::move(r));
      continue;
    }
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& name = header[i];
      if (name == "concerns") {
        if (!parse_concern_cell(cells[i], r.concerns)) r.problem = "concerns: expected 'concern=level' items separated by ';'";
      } else if (name == "history") {
        if (cells[i].empty()) continue;
        auto j = nlohmann::json::parse(cells[i], nullptr, false);
        std::vector<HistoryRecord> h;
        std::string problem;
        if (j.is_discarded()) r.problem = "history: not valid JSON";
        else if (!history_from_json(j, h, problem)) r.problem = problem;
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
  o << "contact,level,outcome,category,referral,actions,deadline,flags,rules,routing,document_sha256,error\n";
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
    o << ',' << v.routing() << ',' << rs.sha256() << ",\n";
  } else {
    o << ",,,,,,,,,," << rs.sha256() << ',';
    csv_cell(o, d.error);
    o << '\n';
  }
}

}  // namespace frontdoor::cli
