// Embedding frontdoor in a council's systems (target frontdoor::interchange; docs/interchange.md,
// docs/embedding.md):
//  - contacts in the sector's formats: Ofsted Annex A list 1, the Standard Safeguarding Dataset's
//    `ssd_contacts`, or a council's own export described by a column-mapping file (YAML), and
//    decisions written back as SSD contact outcome flags;
//  - audit records: per decision the contact, the history it saw, the decision and the document
//    hash, so that `frontdoor replay` can re-decide it later;
//  - the short plain-English summary a referrer is sent.
// Nothing here logs; messages name rows and columns, never a cell's value (it may be personal data).
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/contact.hpp"
#include "frontdoor/decision.hpp"
#include "frontdoor/result.hpp"
#include "frontdoor/rule_set.hpp"

namespace frontdoor::interchange {

// --- contacts as JSON ------------------------------------------------------------------------------

// A contact as one line of JSON that `frontdoor decide` reads back to the same record: fields in
// record order, typed values, absent values left out, concerns as an object (or, when the record
// names a concern twice, as the CSV form "a=level;b=level", so the reader sees the same fault).
// The record's own history is left out; write it with history_to_json.
std::string contact_to_json(const ContactRecord&, bool include_history = false);
std::string history_to_json(std::span<const HistoryRecord>);

// --- column mappings -------------------------------------------------------------------------------

// One column of a file.
struct ColumnMapping {
  std::string column;           // the header in the file
  std::string field;            // the contact field it fills (built-in or the document's own); empty: none
  std::string derived;          // written on export only (age_years, source_description, outcome, ...)
  std::string format;           // dates and times: strftime-like (%Y %m %d %H %M %S); empty: ISO 8601
  std::string separator = ";";  // concerns: between "concern=level" items
  // File value -> contact value (for concerns: one item -> "concern=level"). A value not listed
  // passes through as it is.
  std::vector<std::pair<std::string, Scalar>> values;
  std::string type;  // string (default) | bool | int: how an unmapped cell is typed
  // dob: a date after the contact's date means an expected date of birth (the contact gets
  // unborn: true), as Annex A records pre-birth contacts.
  bool unborn_when_after_contact = false;
};

struct Mapping {
  std::string name;
  std::string path;              // where it was read from, or "(built-in annex-a)"
  std::string timezone = "UTC";  // local dates and times in the file
  char delimiter = ',';
  std::string id_from_row;      // no id column: id = this prefix + the row number (6 digits)
  std::vector<NamedValue> set;  // constant fields added to every contact on import
  std::vector<ColumnMapping> columns;
  // Decisions -> SSD contact outcome flags: by outcome id first, else by category.
  std::vector<std::pair<std::string, std::vector<std::string>>> flags_by_outcome;
  std::vector<std::pair<std::string, std::vector<std::string>>> flags_by_category;
};

// The SSD contact outcome flags, in the order the dataset's JSON carries them.
const std::vector<std::string>& ssd_flag_names();

// Read a mapping from YAML text; an Error ("path:line:col: message") when it is not a valid mapping.
Result<Mapping> load_mapping(std::string_view yaml, const std::string& path);
// "annex-a", "ssd" (built in), or the path of a mapping file.
Result<Mapping> find_mapping(const std::string& name_or_path);
// The YAML text of a built-in mapping ("annex-a", "ssd"); empty for any other name.
std::string_view builtin_mapping_text(std::string_view name);

struct ImportResult {
  std::vector<ContactRecord> contacts;
  std::vector<std::string> warnings;  // "row 12, column 'Date of Contact': ..." (never the value)
  std::size_t rows_with_problems = 0;
};
// Read a file in the mapping's layout. An Error only when the file cannot be used at all (a column
// the mapping fills a field from is missing from the header). A cell that cannot be converted is
// passed through as it is, with a warning, so that `decide` rejects the row naming the field:
// no row is ever dropped.
Result<ImportResult> import_table(const Mapping&, std::istream&);

// A decision as read back from `frontdoor decide` output (or made from a Decision).
struct DecisionRow {
  std::string contact;
  bool decided = false;  // false: rejected (error set)
  std::string level, outcome, category, deadline, error;
  bool referral = false;
  std::string document_id, document_version, document_sha256;
};
DecisionRow decision_row(const RuleSet&, const Decision&);

// Write contacts (and, when given, their decisions, in the same order) in the mapping's layout.
// Columns the mapping does not read come back empty. `warnings` gets one line per value that could
// not be written in the file's form (it is then written as it is).
void export_table(const Mapping&, std::span<const ContactRecord>, std::span<const DecisionRow> decisions, std::ostream&,
                  std::vector<std::string>& warnings);

// The SSD `cont_contact_outcome_json` of a decision: every flag "Y" or "N", NUMBER_OF_OUTCOMES and
// COMMENTS naming the outcome and the document. Empty for a rejected contact.
std::string ssd_outcome_json(const Mapping&, const DecisionRow&);

// DfE children-in-need census referral-source codes and their descriptions (DOMAIN.md).
std::string_view source_description(std::string_view code);

// --- audit records ---------------------------------------------------------------------------------

// One audit record (one line of JSON, no newline): the document, the contact as given (without its
// own history), the history the decision saw and where it came from ("contact": the contact's own;
// "batch": earlier rows of the same child with the outcomes this run decided; "given": the caller's),
// and the decision as `decide` writes it.
std::string audit_record(const RuleSet&, const ContactRecord&, std::span<const HistoryRecord> history, std::string_view history_source,
                         const Decision&, std::size_t row = 0);

// Audit records for a batch decided with RuleSet::decide_batch, one line per row in input order,
// each row with exactly the history the batch gave it (SPEC 2.2). Memory is linear in the rows.
// `history` as the batch counted it (SPEC 7.8): each row's history items carry the outcome this run
// decided, or with HistoryFrom::recorded the recorded one where the row has it.
void write_audit(std::ostream&, const RuleSet&, std::span<const ContactRecord>, std::span<const Decision>,
                 HistoryFrom history = HistoryFrom::decided);

// --- referrer feedback -----------------------------------------------------------------------------

// What the professional who raised the worry is told: the outcome and the next steps in the
// document's own words, and the deadline. Only the outcome's own actions and the document's
// `always` actions are named: actions added by rules can reveal what the referrer did not tell us
// (earlier contacts, an open case), so they stay with the practitioner. No reasons, no level, nothing
// about the child: the contact's reference is the only thing from the contact.
struct ReferrerSummary {
  std::string contact;
  std::string document_id, document_title, document_version;
  bool decided = false;
  std::string error;  // when not decided: the field or concern at fault
  std::string outcome, outcome_name, category;
  bool referral = false;
  std::vector<std::string> next_steps;  // action texts
  std::string deadline_utc;             // YYYY-MM-DDTHH:MM:SSZ
  std::string deadline_local;           // "Tuesday 15 September 2026, 14:20"
  std::string timezone;                 // the document calendar's
  std::string within;                   // "4 working hours"
};
ReferrerSummary referrer_summary(const RuleSet&, const Decision&);
std::string to_text(const ReferrerSummary&);
std::string to_json(const ReferrerSummary&);

}  // namespace frontdoor::interchange
