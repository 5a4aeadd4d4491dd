// What every subcommand does the same way: compile a document for use, read a contacts file.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/frontdoor.hpp"

namespace frontdoor::cli {

bool ends_with(std::string_view s, std::string_view suffix);
// --history's word (decided | recorded, checked by the parser) as the batch's option.
inline HistoryFrom history_from(std::string_view word) { return word == "recorded" ? HistoryFrom::recorded : HistoryFrom::decided; }

// Compile a document to decide with: its diagnostics go to stderr; nullptr when it cannot be used.
std::shared_ptr<const RuleSet> load_for_use(const std::string& path);

// Read CSV (.csv) or JSON Lines (anything else; "-" is stdin). False, having said why on stderr,
// when the file cannot be read at all; a bad row is still a record, with its problem set.
bool read_contacts(const std::string& path, std::vector<ContactRecord>& records);

// False (with a message) when `path` is a directory: reading one "succeeds" with nothing in it.
bool not_a_directory(const std::string& path);

// A whole file ('-': stdin) as text; false (with a message) when it cannot be read.
bool read_text(const std::string& path, std::string& out);

}  // namespace frontdoor::cli
