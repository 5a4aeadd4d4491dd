// Reading contact files (CSV, JSON Lines) into ContactRecords, and writing decisions. A row the
// reader cannot make sense of still becomes a record, with `problem` set: no row is ever dropped.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontdoor/frontdoor.hpp"

namespace frontdoor::cli {

// The longest record a reader takes: a JSON Lines line, or a CSV row. A longer one is still a row,
// with an error naming this limit; the readers never hold more than this of it.
inline constexpr std::size_t kMaxRecordBytes = std::size_t{1} << 20;  // 1 MiB

std::vector<ContactRecord> read_csv(std::istream&);
std::vector<ContactRecord> read_json_lines(std::istream&);
// The pieces every reader of contacts shares (the Python module and the C ABI use them too):
// concerns as "a=level;b=level" (the CSV form), concerns as a JSON object or that text, and a JSON
// list of earlier contacts. On failure, history_from_json sets `problem` to the whole message.
bool parse_concern_cell(const std::string& cell, std::vector<ConcernEntry>& out);
bool concerns_from_json(const nlohmann::json& v, std::vector<ConcernEntry>& out);
bool history_from_json(const nlohmann::json& v, std::vector<HistoryRecord>& out, std::string& problem);

// One JSON object (a contact, possibly with "history") as used by `explain`.
ContactRecord record_from_json(const nlohmann::json&);

// The CSV form of a decision: one row per decision, lists joined with ';'.
void write_csv_header(std::ostream&);
void write_csv_row(std::ostream&, const RuleSet&, const Decision&);

}  // namespace frontdoor::cli
