// Column-mapping files (docs/interchange.md): how a council's export, Annex A list 1 or the SSD's
// ssd_contacts table lays out a contact. The two sector formats are built in, written in the same
// YAML a council would write, so they are also the worked examples of the format.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "frontdoor/interchange.hpp"
#include "interchange/common.hpp"
#include "load/yaml_tree.hpp"

namespace frontdoor::interchange {
namespace {

constexpr std::string_view kAnnexA = R"yaml(# Ofsted Annex A, list 1: contacts. One row per child per contact, in the six months before an
# inspection. frontdoor reads the child, the date of birth, the date of contact and its source;
# Gender and Ethnicity are personal data no threshold decision should turn on: they are not read,
# and come back empty. The list has no contact reference, so each contact is named by its row.
frontdoor_mapping: 1
name: "Ofsted Annex A list 1 (contacts)"
timezone: Europe/London
id_from_row: "A1-"
columns:
  - column: Child Unique ID
    field: child
  - column: Gender
  - column: Ethnicity
  - column: Date of Birth
    field: dob
    format: "%d/%m/%Y"
    unborn_when_after_contact: true
  - column: Age of Child (Years)
    derived: age_years
  - column: Date of Contact
    field: received
    format: "%d/%m/%Y"
  - column: Contact Source
    field: source
    values:
      "a) 1A: Individual": "1A"
      "b) 1B: Individual": "1B"
      "c) 1C: Individual": "1C"
      "d) 1D: Individual": "1D"
      "e) 2A: Schools": "2A"
      "f) 2B: Education services": "2B"
      "g) 3A: Health services": "3A"
      "h) 3B: Health services": "3B"
      "i) 3C: Health services": "3C"
      "j) 3D: Health services": "3D"
      "k) 3E: Health services": "3E"
      "l) 3F: Health services": "3F"
      "m) 4: Housing": "4"
      "n) 5A: LA services": "5A"
      "o) 5B: LA services": "5B"
      "p) 5C: LA services": "5C"
      "p1) 5D: LA services": "5D"
      "q) 6: Police": "6"
      "r) 7: Other legal agency": "7"
      "s) 8: Other": "8"
      "t) 9: Anonymous": "9"
      "u) 10: Unknown": "10"
)yaml";

constexpr std::string_view kSsd = R"yaml(# The Standard Safeguarding Dataset (Data to Insight), table ssd_contacts. cont_contact_date is a
# SQL Server DATETIME in local time. cont_contact_outcome_json is what the front door decided: it is
# not read (a contact is decided from what it says, not from an earlier outcome) and is written
# from frontdoor's decisions, every flag "Y" or "N" as the dataset's extract writes them.
frontdoor_mapping: 1
name: "Standard Safeguarding Dataset: ssd_contacts"
timezone: Europe/London
columns:
  - column: cont_contact_id
    field: id
  - column: cont_person_id
    field: child
  - column: cont_contact_date
    field: received
    format: "%Y-%m-%d %H:%M:%S"
  - column: cont_contact_source_code
    field: source
  - column: cont_contact_source_desc
    derived: source_description
  - column: cont_contact_outcome_json
    derived: ssd_outcome_json
# Decisions -> outcome flags, by the outcome's category (an outcome id listed under `outcomes`
# overrides its category). Flags not listed are "N".
ssd_flags:
  nfa: [NFA_FLAG, ADVICE_FLAG]
  early_help: [OTHER_OUTCOMES_EXIST_FLAG]
  assessment: [NEW_REFERRAL_FLAG]
  s47: [NEW_REFERRAL_FLAG, CP_ENQUIRY_FLAG]
  open_case: [EXISTING_REFERRAL_FLAG]
  other: [OTHER_OUTCOMES_EXIST_FLAG]
  outcomes: {}
)yaml";

using Node = frontdoor::detail::YamlNode;

struct Failure {
  std::string message;
};

class Reader {
 public:
  Reader(const SourceText& src) : src_(src) {}

  [[noreturn]] void fail(const Node& n, const std::string& message) const {
    throw Failure{(n.at == kNoOffset ? src_.path() : src_.where(n.at)) + ": " + message};
  }
  std::string text(const Node& n, const std::string& what) const {
    if (!n.is_scalar()) fail(n, what + " must be text");
    return n.value;
  }
  bool boolean(const Node& n, const std::string& what) const {
    if (n.is_scalar() && !n.quoted && n.value == "true") return true;
    if (n.is_scalar() && !n.quoted && n.value == "false") return false;
    fail(n, what + " must be true or false");
  }
  Scalar value(const Node& n) const {
    if (n.is_null()) return {};
    if (!n.is_scalar()) fail(n, "a value must be a single value");
    if (!n.quoted && n.value == "true") return true;
    if (!n.quoted && n.value == "false") return false;
    return n.value;  // codes such as 6 stay text: enum fields accept them either way
  }
  void only(const Node& map, std::initializer_list<std::string_view> keys, const std::string& what) const {
    if (!map.is_map()) fail(map, what + " must be a mapping");
    for (std::size_t i = 0; i < map.size(); ++i)
      if (std::find(keys.begin(), keys.end(), map.key(i).value) == keys.end()) {
        std::string list;
        for (auto k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
        fail(map.key(i), "unknown key '" + map.key(i).value + "' in " + what + " (allowed: " + list + ")");
      }
  }
  std::vector<std::string> flags(const Node& n) const {
    if (!n.is_seq()) fail(n, "flags must be a list such as [NEW_REFERRAL_FLAG, CP_ENQUIRY_FLAG]");
    std::vector<std::string> out;
    for (auto& f : n.children) {
      std::string name = text(f, "a flag");
      const auto& known = ssd_flag_names();
      if (std::find(known.begin(), known.end(), name) == known.end()) fail(f, "'" + name + "' is not an SSD contact outcome flag");
      out.push_back(name);
    }
    return out;
  }

 private:
  const SourceText& src_;
};

bool valid_derived(const std::string& d) {
  static const char* names[] = {"age_years", "source_description", "outcome",          "category", "level",
                                "referral",  "deadline",           "ssd_outcome_json", "document", "error"};
  if (std::any_of(std::begin(names), std::end(names), [&](const char* n) { return d == n; })) return true;
  if (d.rfind("ssd_flag:", 0) == 0) {
    const auto& known = ssd_flag_names();
    return std::find(known.begin(), known.end(), d.substr(9)) != known.end();
  }
  return false;
}

}  // namespace

const std::vector<std::string>& ssd_flag_names() {
  static const std::vector<std::string> names = {"NEW_REFERRAL_FLAG",
                                                 "EXISTING_REFERRAL_FLAG",
                                                 "CP_ENQUIRY_FLAG",
                                                 "NFA_FLAG",
                                                 "NON_AGENCY_ADOPTION_FLAG",
                                                 "PRIVATE_FOSTERING_FLAG",
                                                 "ADVICE_FLAG",
                                                 "MISSING_FLAG",
                                                 "OLA_CP_FLAG",
                                                 "OTHER_OUTCOMES_EXIST_FLAG"};
  return names;
}

std::string_view builtin_mapping_text(std::string_view name) {
  if (name == "annex-a") return kAnnexA;
  if (name == "ssd") return kSsd;
  return {};
}

Result<Mapping> load_mapping(std::string_view yaml, const std::string& path) {
  SourceText src(path, std::string(yaml));
  std::vector<Diagnostic> diags;
  frontdoor::detail::YamlLimits limits;
  limits.max_bytes = 1u << 20;
  limits.max_nesting = 16;
  Node root = frontdoor::detail::read_yaml(src, limits, diags);
  for (auto& d : diags)
    if (d.severity == Severity::error) {
      std::string m = d.message;
      if (auto k = m.find("a threshold document"); k != std::string::npos) m.replace(k, 20, "a mapping file");
      return Error{(d.offset == kNoOffset ? path : src.where(d.offset)) + ": " + m};
    }
  Reader in(src);
  Mapping m;
  m.path = path;
  try {
    in.only(root, {"frontdoor_mapping", "name", "timezone", "delimiter", "id_from_row", "set", "columns", "ssd_flags"}, "a mapping file");
    const Node* version = root.find("frontdoor_mapping");
    if (!version) in.fail(root, "a mapping file starts with 'frontdoor_mapping: 1'");
    if (in.text(*version, "frontdoor_mapping") != "1") in.fail(*version, "this frontdoor reads mapping format 1");
    if (auto* n = root.find("name")) m.name = in.text(*n, "name");
    if (auto* n = root.find("timezone")) {
      m.timezone = in.text(*n, "timezone");
      if (!detail::known_timezone(m.timezone)) in.fail(*n, "unknown time zone '" + m.timezone + "' (an IANA name such as Europe/London)");
    }
    if (auto* n = root.find("delimiter")) {
      std::string d = in.text(*n, "delimiter");
      if (d == "\\t" || d == "tab") d = "\t";
      if (d.size() != 1 || d == "\"" || d == "\n" || d == "\r") in.fail(*n, "delimiter must be one character, such as ',' ';' or tab");
      m.delimiter = d[0];
    }
    if (auto* n = root.find("id_from_row")) m.id_from_row = in.text(*n, "id_from_row");
    if (auto* n = root.find("set")) {
      if (!n->is_map()) in.fail(*n, "set must map field names to values");
      for (std::size_t i = 0; i < n->size(); ++i) m.set.push_back({n->key(i).value, in.value(n->val(i))});
    }
    const Node* columns = root.find("columns");
    if (!columns || !columns->is_seq() || columns->children.empty())
      in.fail(columns ? *columns : root, "a mapping needs 'columns', a list of the file's columns in order");
    std::vector<std::string> fields;
    for (auto& name : m.set) fields.push_back(name.name);
    for (const Node& c : columns->children) {
      in.only(c, {"column", "field", "derived", "format", "separator", "values", "type", "unborn_when_after_contact"}, "a column");
      ColumnMapping col;
      const Node* header = c.find("column");
      if (!header) in.fail(c, "each column needs 'column', its header in the file");
      col.column = in.text(*header, "column");
      for (auto& other : m.columns)
        if (other.column == col.column) in.fail(*header, "column '" + col.column + "' is listed twice");
      if (auto* n = c.find("field")) {
        col.field = in.text(*n, "field");
        if (std::find(fields.begin(), fields.end(), col.field) != fields.end()) in.fail(*n, "field '" + col.field + "' is filled twice");
        if (col.field == "history") in.fail(*n, "history cannot come from a column");
        fields.push_back(col.field);
      }
      if (auto* n = c.find("derived")) {
        col.derived = in.text(*n, "derived");
        if (!col.field.empty()) in.fail(*n, "a column is either read into a field or derived from the decision, not both");
        if (!valid_derived(col.derived))
          in.fail(*n, "unknown derived value '" + col.derived +
                          "' (age_years, source_description, outcome, category, level, referral, deadline, "
                          "ssd_outcome_json, ssd_flag:NAME, document, error)");
      }
      if (auto* n = c.find("format")) {
        col.format = in.text(*n, "format");
        if (!detail::parse_pattern(detail::format_pattern({2026, 4, 1, 9, 5, 7}, col.format), col.format))
          in.fail(*n, "format must give %Y, %m and %d (and may give %H, %M, %S)");
      }
      if (auto* n = c.find("separator")) col.separator = in.text(*n, "separator");
      if (col.separator.empty()) in.fail(c, "separator must not be empty");
      if (auto* n = c.find("type")) {
        col.type = in.text(*n, "type");
        if (col.type != "string" && col.type != "bool" && col.type != "int") in.fail(*n, "type must be string, bool or int");
      }
      if (auto* n = c.find("values")) {
        if (!n->is_map()) in.fail(*n, "values must map the file's values to the contact's");
        for (std::size_t i = 0; i < n->size(); ++i) col.values.push_back({n->key(i).value, in.value(n->val(i))});
      }
      if (auto* n = c.find("unborn_when_after_contact")) col.unborn_when_after_contact = in.boolean(*n, "unborn_when_after_contact");
      m.columns.push_back(std::move(col));
    }
    bool id_column = std::find(fields.begin(), fields.end(), "id") != fields.end();
    if (!m.id_from_row.empty() && id_column)
      in.fail(*root.find_key("id_from_row"), "id_from_row names rows only when no column gives the id");
    if (m.id_from_row.empty() && !id_column)
      in.fail(*columns, "no column gives the contact's id: map one to 'field: id', or name rows with 'id_from_row: PREFIX'");
    if (auto* n = root.find("ssd_flags")) {
      in.only(*n, {"nfa", "early_help", "assessment", "s47", "open_case", "other", "outcomes"}, "ssd_flags");
      for (std::size_t i = 0; i < n->size(); ++i) {
        const std::string& k = n->key(i).value;
        if (k == "outcomes") {
          const Node& o = n->val(i);
          if (!o.is_map()) in.fail(o, "ssd_flags.outcomes must map outcome ids to lists of flags");
          for (std::size_t j = 0; j < o.size(); ++j) m.flags_by_outcome.push_back({o.key(j).value, in.flags(o.val(j))});
        } else {
          m.flags_by_category.push_back({k, in.flags(n->val(i))});
        }
      }
    }
  } catch (const Failure& f) {
    return Error{f.message};
  }
  return m;
}

Result<Mapping> find_mapping(const std::string& name_or_path) {
  if (auto text = builtin_mapping_text(name_or_path); !text.empty()) return load_mapping(text, "(built-in " + name_or_path + ")");
  std::ifstream in(name_or_path, std::ios::binary);
  if (!in) return Error{name_or_path + ": cannot open the mapping file (or use a built-in: annex-a, ssd)"};
  std::stringstream text;
  text << in.rdbuf();
  return load_mapping(text.str(), name_or_path);
}

}  // namespace frontdoor::interchange
