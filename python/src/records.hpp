// Turning cells into the engine's ContactRecord and HistoryRecord, the slow but authoritative path:
// the single-contact Document.decide() always takes it, and Document.decide_many() takes it for any
// row its fast path (batch.cpp) does not handle, so the engine's own RuleSet::resolve says what the
// row means and words every error. The text forms follow the command line's readers
// (cli/records.cpp): concerns as "a=level;b=level" or a JSON object, history as a JSON list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cells.hpp"
#include "frontdoor/contact.hpp"

namespace frontdoor::host {

// "a=level;b=level" or a JSON object {"a": "level"}. On failure sets `problem` (the whole message).
bool parse_concern_text(std::string_view text, std::vector<ConcernEntry>& out, std::string& problem);

// A JSON list of earlier contacts, each {received, concerns, outcome?, referral?}.
bool parse_history_json(std::string_view text, std::vector<HistoryRecord>& out, std::string& problem);

// ISO 8601 text for an instant (ms since the epoch): with "Z" when zoned, without an offset when
// not (which the engine rejects as ambiguous, as it should). Milliseconds are written when not zero.
std::string iso_timestamp(std::int64_t ms, bool zoned);

// The record for one row of `columns` (in column order, as a CSV or JSON reader would make it).
void record_from_cells(const std::vector<const Column*>& columns, std::size_t row, ContactRecord& out);

}  // namespace frontdoor::host
