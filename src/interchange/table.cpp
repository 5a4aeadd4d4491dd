// Files in a mapping's layout -> contacts, and contacts (with their decisions) -> files.
#include <algorithm>

#include "frontdoor/interchange.hpp"
#include "interchange/common.hpp"

namespace frontdoor::interchange {
namespace {

using detail::ojson;

// RFC 4180 with a chosen delimiter: quoted cells may hold the delimiter, quotes ("") and line breaks.
bool read_row(std::istream& in, char delimiter, std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool quoted = false, any = false;
  char ch;
  while (in.get(ch)) {
    any = true;
    if (quoted) {
      if (ch == '"') {
        if (in.peek() == '"')
          cell += static_cast<char>(in.get());
        else
          quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == delimiter) {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (ch == '\n') {
      break;
    } else if (ch != '\r') {
      cell += ch;
    }
  }
  if (!any) return false;
  cells.push_back(std::move(cell));
  return true;
}

void write_cell(std::ostream& out, std::string_view s, char delimiter) {
  if (s.find_first_of(std::string{delimiter, '"', '\n', '\r'}) == std::string_view::npos) {
    out << s;
    return;
  }
  out << '"';
  for (char c : s) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

bool is_instant_field(const std::string& field) { return field == "received" || field == "decided"; }

std::string pad(std::size_t row) {
  std::string n = std::to_string(row);
  return std::string(n.size() < 6 ? 6 - n.size() : 0, '0') + n;
}

// The contact's received instant, when it has a well-formed one.
std::optional<std::int64_t> received_seconds(const ContactRecord& r) {
  const Scalar* v = r.find("received");
  if (!v) return std::nullopt;
  return detail::parse_instant(detail::text_of(*v));
}

const std::vector<std::string>* flags_for(const Mapping& m, const DecisionRow& d) {
  for (auto& [outcome, flags] : m.flags_by_outcome)
    if (outcome == d.outcome) return &flags;
  static const std::vector<std::pair<std::string, std::vector<std::string>>> defaults = {
      {"nfa", {"NFA_FLAG", "ADVICE_FLAG"}},      {"early_help", {"OTHER_OUTCOMES_EXIST_FLAG"}},
      {"assessment", {"NEW_REFERRAL_FLAG"}},     {"s47", {"NEW_REFERRAL_FLAG", "CP_ENQUIRY_FLAG"}},
      {"open_case", {"EXISTING_REFERRAL_FLAG"}}, {"other", {"OTHER_OUTCOMES_EXIST_FLAG"}}};
  const auto& table = m.flags_by_category.empty() ? defaults : m.flags_by_category;
  for (auto& [category, flags] : table)
    if (category == d.category) return &flags;
  return nullptr;
}

}  // namespace

std::string_view source_description(std::string_view code) {
  static const std::pair<std::string_view, std::string_view> table[] = {{"1A", "Individual: family member, relative or carer"},
                                                                        {"1B", "Individual: acquaintance"},
                                                                        {"1C", "Individual: self"},
                                                                        {"1D", "Individual: other"},
                                                                        {"2A", "Schools"},
                                                                        {"2B", "Education services"},
                                                                        {"3A", "Health services: GP"},
                                                                        {"3B", "Health services: health visitor"},
                                                                        {"3C", "Health services: school nurse"},
                                                                        {"3D", "Health services: other primary health services"},
                                                                        {"3E", "Health services: A&E"},
                                                                        {"3F", "Health services: other"},
                                                                        {"4", "Housing"},
                                                                        {"5A", "LA services: social care"},
                                                                        {"5B", "LA services: other internal"},
                                                                        {"5C", "LA services: external"},
                                                                        {"5D", "LA services: early help"},
                                                                        {"6", "Police"},
                                                                        {"7", "Other legal agency"},
                                                                        {"8", "Other"},
                                                                        {"9", "Anonymous"},
                                                                        {"10", "Unknown"}};
  for (auto& [c, d] : table)
    if (c == code) return d;
  return {};
}

DecisionRow decision_row(const RuleSet& rules, const Decision& d) {
  DecisionRow r;
  auto v = rules.view(d);
  r.contact = d.contact;
  r.decided = d.ok();
  r.error = d.error;
  if (r.decided) {
    r.level = v.level(), r.outcome = v.outcome(), r.category = v.category(), r.deadline = v.deadline();
    r.referral = v.referral();
  }
  const ThresholdDocument& doc = rules.document();
  r.document_id = doc.id, r.document_version = doc.version, r.document_sha256 = rules.sha256();
  return r;
}

std::string ssd_outcome_json(const Mapping& m, const DecisionRow& d) {
  if (!d.decided) return {};
  const std::vector<std::string>* set = flags_for(m, d);
  ojson j = ojson::object();
  for (const std::string& f : ssd_flag_names()) j[f] = set && std::find(set->begin(), set->end(), f) != set->end() ? "Y" : "N";
  j["NUMBER_OF_OUTCOMES"] = 1;
  std::string doc = d.document_id + (d.document_version.empty() ? "" : " " + d.document_version);
  if (!d.document_sha256.empty()) doc += ", sha256 " + d.document_sha256.substr(0, 12);
  j["COMMENTS"] = "frontdoor: " + d.outcome + " (" + doc + ")";
  return detail::dump(j);
}

Result<ImportResult> import_table(const Mapping& m, std::istream& in) {
  ImportResult out;
  std::vector<std::string> header, cells;
  if (!read_row(in, m.delimiter, header)) return Error{"the file is empty: it needs a header row"};
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // a spreadsheet's BOM
  for (auto& h : header) h = trim(h);
  // Where each mapped column is; a column the mapping reads must be there.
  std::vector<std::ptrdiff_t> at(m.columns.size(), -1);
  for (std::size_t k = 0; k < m.columns.size(); ++k) {
    auto it = std::find(header.begin(), header.end(), m.columns[k].column);
    if (it != header.end())
      at[k] = it - header.begin();
    else if (!m.columns[k].field.empty())
      return Error{"the file has no column '" + m.columns[k].column + "' (the mapping reads " + m.columns[k].field + " from it)"};
  }
  for (auto& h : header)
    if (std::none_of(m.columns.begin(), m.columns.end(), [&](auto& c) { return c.column == h; }))
      out.warnings.push_back("column '" + h + "' is not in the mapping: not read");

  std::size_t row = 0;
  while (read_row(in, m.delimiter, cells)) {
    if (cells.size() == 1 && trim(cells[0]).empty()) continue;  // a blank line is not a row
    ++row;
    bool problem = false;
    auto warn = [&](const std::string& column, const std::string& what) {
      out.warnings.push_back("row " + std::to_string(row) + ", column '" + column + "': " + what);
      problem = true;
    };
    if (cells.size() != header.size())
      warn("*",
           "has " + std::to_string(cells.size()) + " cells, the header has " + std::to_string(header.size()) + "; cells read by position");
    ContactRecord r;
    if (!m.id_from_row.empty()) r.set("id", m.id_from_row + pad(row));
    std::optional<std::int32_t> received_day;  // local date of the contact, for unborn_when_after_contact
    std::optional<std::int32_t> dob_day;
    const ColumnMapping* dob_column = nullptr;
    for (std::size_t k = 0; k < m.columns.size(); ++k) {
      const ColumnMapping& c = m.columns[k];
      if (c.field.empty() || at[k] < 0 || static_cast<std::size_t>(at[k]) >= cells.size()) continue;
      std::string cell = trim(cells[at[k]]);
      if (cell.empty()) continue;  // an empty cell is an absent value
      if (c.field == "concerns") {
        std::size_t i = 0;
        while (i <= cell.size()) {
          std::size_t end = cell.find(c.separator, i);
          if (end == std::string::npos) end = cell.size();
          std::string item = trim(std::string_view(cell).substr(i, end - i));
          i = end + c.separator.size();
          if (item.empty()) continue;
          for (auto& [from, to] : c.values)
            if (from == item) {
              item = detail::text_of(to);
              break;
            }
          auto eq = item.find('=');
          if (eq == std::string::npos) {
            r.concerns.push_back({item, ""});  // a concern named without its level: decide finds its one level, or says why not
          } else {
            r.concerns.push_back({trim(std::string_view(item).substr(0, eq)), trim(std::string_view(item).substr(eq + 1))});
          }
        }
        continue;
      }
      Scalar value = cell;
      bool mapped = false;
      for (auto& [from, to] : c.values)
        if (from == cell) {
          value = to, mapped = true;
          break;
        }
      if (!mapped && !c.format.empty()) {
        auto t = detail::parse_pattern(cell, c.format);
        if (!t) {
          warn(c.column, "not a date in the form " + c.format + "; passed on as it is");
        } else if (is_instant_field(c.field)) {
          value = detail::iso_instant(detail::to_utc(m.timezone, *t));
          if (c.field == "received") received_day = detail::days_from_civil(t->year, t->month, t->day);
        } else {
          dob_day = detail::days_from_civil(t->year, t->month, t->day);
          value = detail::iso_date(*dob_day);
        }
      } else if (!mapped && c.field == "received") {
        if (auto s = detail::parse_instant(cell)) {
          auto l = detail::to_local(m.timezone, *s);
          received_day = detail::days_from_civil(l.year, l.month, l.day);
        }
      } else if (!mapped && c.field == "dob") {
        dob_day = detail::parse_iso_date(cell);
      } else if (!mapped && c.type == "bool") {
        std::string l = cell;
        std::transform(l.begin(), l.end(), l.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (l == "true" || l == "1")
          value = true;
        else if (l == "false" || l == "0")
          value = false;
        else
          warn(c.column, "not true or false; passed on as it is");
      } else if (!mapped && c.type == "int") {
        try {
          std::size_t used = 0;
          long long v = std::stoll(cell, &used);
          if (used == cell.size())
            value = static_cast<std::int64_t>(v);
          else
            warn(c.column, "not a whole number; passed on as it is");
        } catch (const std::exception&) {
          warn(c.column, "not a whole number; passed on as it is");
        }
      }
      if (c.field == "dob") dob_column = &c;
      r.set(c.field, std::move(value));
    }
    if (dob_column && dob_column->unborn_when_after_contact && dob_day && received_day && *dob_day > *received_day && !r.find("unborn"))
      r.set("unborn", true);
    for (auto& s : m.set)
      if (!r.find(s.name)) r.set(s.name, s.value);
    out.rows_with_problems += problem;
    out.contacts.push_back(std::move(r));
  }
  return out;
}

void export_table(const Mapping& m, std::span<const ContactRecord> contacts, std::span<const DecisionRow> decisions, std::ostream& out,
                  std::vector<std::string>& warnings) {
  for (std::size_t k = 0; k < m.columns.size(); ++k) {
    if (k) out << m.delimiter;
    write_cell(out, m.columns[k].column, m.delimiter);
  }
  out << '\n';
  // Contact fields this layout has no column for: counted, and named once at the end.
  std::vector<std::pair<std::string, std::size_t>> left_out;
  auto leave_out = [&](const std::string& name) {
    auto it = std::find_if(left_out.begin(), left_out.end(), [&](auto& p) { return p.first == name; });
    if (it == left_out.end())
      left_out.push_back({name, 1});
    else
      ++it->second;
  };
  auto in_layout = [&](const std::string& name) {
    if (name == "id" && !m.id_from_row.empty()) return true;
    if (name == "unborn" && std::any_of(m.columns.begin(), m.columns.end(), [](auto& c) { return c.unborn_when_after_contact; }))
      return true;
    return std::any_of(m.columns.begin(), m.columns.end(), [&](auto& c) { return c.field == name; });
  };
  for (std::size_t row = 0; row < contacts.size(); ++row) {
    const ContactRecord& r = contacts[row];
    for (auto& f : r.fields)
      if (!detail::absent(f.value) && !in_layout(f.name)) leave_out(f.name);
    if (!r.concerns.empty() && !in_layout("concerns")) leave_out("concerns");
    if (r.history && !r.history->empty()) leave_out("history");
    const DecisionRow* d = row < decisions.size() ? &decisions[row] : nullptr;
    auto warn = [&](const ColumnMapping& c, const std::string& what) {
      warnings.push_back("row " + std::to_string(row + 1) + ", column '" + c.column + "': " + what);
    };
    auto received = received_seconds(r);
    for (std::size_t k = 0; k < m.columns.size(); ++k) {
      const ColumnMapping& c = m.columns[k];
      std::string cell;
      if (!c.field.empty() && c.field == "concerns") {
        for (auto& e : r.concerns) {
          std::string item = e.level.empty() ? e.concern : e.concern + "=" + e.level;
          for (auto& [from, to] : c.values)
            if (detail::text_of(to) == item) {
              item = from;
              break;
            }
          cell += (cell.empty() ? "" : c.separator) + item;
        }
      } else if (!c.field.empty()) {
        const Scalar* v = r.find(c.field);
        bool unborn = c.unborn_when_after_contact && detail::is_true(r.find("unborn"));
        if (v && !detail::absent(*v)) {
          std::string text = detail::text_of(*v);
          cell = text;
          bool mapped = false;
          for (auto& [from, to] : c.values)
            if (detail::text_of(to) == text) {
              cell = from, mapped = true;
              break;
            }
          if (!mapped && !c.format.empty()) {
            if (is_instant_field(c.field)) {
              if (auto s = detail::parse_instant(text))
                cell = detail::format_pattern(detail::to_local(m.timezone, *s), c.format);
              else
                warn(c, "not an ISO 8601 timestamp; written as it is");
            } else if (auto days = detail::parse_iso_date(text)) {
              cell = detail::format_pattern(detail::civil_from_days(*days), c.format);
            } else {
              warn(c, "not a date YYYY-MM-DD; written as it is");
            }
          }
        } else if (unborn && c.field == "dob") {
          warn(c, "an unborn child without an expected date of birth cannot be shown as unborn in this layout");
        }
      } else if (c.derived == "age_years") {
        const Scalar* dob = r.find("dob");
        bool is_unborn = detail::is_true(r.find("unborn"));
        auto days = dob ? detail::parse_iso_date(detail::text_of(*dob)) : std::nullopt;
        if (days && received && !is_unborn) {
          auto b = detail::civil_from_days(*days);
          auto t = detail::to_local(m.timezone, *received);
          int years = t.year - b.year - ((t.month < b.month || (t.month == b.month && t.day < b.day)) ? 1 : 0);
          if (years >= 0) cell = std::to_string(years);
        }
      } else if (c.derived == "source_description") {
        const Scalar* s = r.find("source");
        if (s) cell = std::string(source_description(detail::text_of(*s)));
      } else if (d) {
        if (c.derived == "error")
          cell = d->error;
        else if (c.derived == "document")
          cell = d->document_id + (d->document_version.empty() ? "" : " " + d->document_version);
        else if (!d->decided)
          cell.clear();
        else if (c.derived == "outcome")
          cell = d->outcome;
        else if (c.derived == "category")
          cell = d->category;
        else if (c.derived == "level")
          cell = d->level;
        else if (c.derived == "referral")
          cell = d->referral ? "true" : "false";
        else if (c.derived == "deadline") {
          cell = d->deadline;
          if (!c.format.empty())
            if (auto s = detail::parse_instant(d->deadline)) cell = detail::format_pattern(detail::to_local(m.timezone, *s), c.format);
        } else if (c.derived == "ssd_outcome_json") {
          cell = ssd_outcome_json(m, *d);
        } else if (c.derived.rfind("ssd_flag:", 0) == 0) {
          const auto* flags = flags_for(m, *d);
          cell = flags && std::find(flags->begin(), flags->end(), c.derived.substr(9)) != flags->end() ? "Y" : "N";
        }
      }
      if (k) out << m.delimiter;
      write_cell(out, cell, m.delimiter);
    }
    out << '\n';
  }
  for (auto& [name, n] : left_out)
    warnings.push_back("'" + name + "' is not in this layout: left out of " + std::to_string(n) + " row" + (n == 1 ? "" : "s"));
}

}  // namespace frontdoor::interchange
