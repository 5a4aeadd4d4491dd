// Reading contacts from files a host has (CSV, JSON Lines, one JSON object) into ContactRecords, and
// writing decisions as CSV. A row a reader cannot make sense of still becomes a record, with
// `problem` set: no row is ever dropped. The command line, the C interface and the Python package
// all read contacts through these, so a contact means the same wherever it is read.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/contact.hpp"
#include "frontdoor/decision.hpp"

namespace frontdoor {

class RuleSet;

// The longest record a reader takes: a JSON Lines line, or a CSV row. A longer one is still a row,
// with an error naming this limit; the readers never hold more than this of it.
inline constexpr std::size_t kMaxRecordBytes = std::size_t{1} << 20;  // 1 MiB

std::vector<ContactRecord> read_csv(std::istream&);
std::vector<ContactRecord> read_json_lines(std::istream&);

// One JSON object (a contact, possibly with "history"), as `explain` and the C interface take it.
ContactRecord record_from_json(std::string_view json);

// Concerns as a JSON object {"a": "level"} or as the CSV form "a=level;b=level".
bool parse_concerns(std::string_view text, std::vector<ConcernEntry>& out, std::string& problem);
// A JSON list of earlier contacts, each {received, concerns, outcome?, referral?}.
bool parse_history(std::string_view json, std::vector<HistoryRecord>& out, std::string& problem);

// The CSV form of a decision: one row per decision, lists joined with ';'.
void write_csv_header(std::ostream&);
void write_csv_row(std::ostream&, const RuleSet&, const Decision&);

}  // namespace frontdoor
