// The JSON side of the contact readers (include/frontdoor/records.hpp), for the library's own use:
// nlohmann/json stays out of the public headers.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontdoor/records.hpp"

namespace frontdoor::detail {

// "a=level;b=level" (the CSV form), a JSON object of concerns (or that text), and a JSON list of
// earlier contacts. On failure, history_from_json sets `problem` to the whole message.
bool parse_concern_cell(const std::string& cell, std::vector<ConcernEntry>& out);
bool concerns_from_json(const nlohmann::json& v, std::vector<ConcernEntry>& out);
bool history_from_json(const nlohmann::json& v, std::vector<HistoryRecord>& out, std::string& problem);
ContactRecord record_from_json(const nlohmann::json&);

}  // namespace frontdoor::detail
