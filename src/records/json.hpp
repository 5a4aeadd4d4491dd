// The JSON side of the contact readers (include/frontdoor/records.hpp), for the library's own use:
// nlohmann/json stays out of the public headers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontdoor/records.hpp"

namespace frontdoor::detail {

// "a=level;b" (the CSV form), a JSON object of concerns or list of concern ids (or that text), and a
// JSON list of earlier contacts. A concern named without its level (`b`, `"b": true`, an item of a
// list) is an entry with an empty level, which the resolver reads as the concern's one level;
// `"b": false` is no entry. On failure, history_from_json and the parse_ functions say what is wrong, typed.
bool parse_concern_cell(const std::string& cell, std::vector<ConcernEntry>& out);
bool concerns_from_json(const nlohmann::json& v, std::vector<ConcernEntry>& out);
bool history_from_json(const nlohmann::json& v, std::vector<HistoryRecord>& out, Rejection& problem);
ContactRecord record_from_json(const nlohmann::json&);
bool parse_concerns(std::string_view text, std::vector<ConcernEntry>& out, Rejection& problem);
bool parse_history(std::string_view json, std::vector<HistoryRecord>& out, Rejection& problem);

}  // namespace frontdoor::detail
