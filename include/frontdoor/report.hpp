// The report layer: what every front end (the command line, the Python package, the C interface)
// writes about a document, a decision, an explanation or a check, written once, here. Front ends
// choose a layout and where it goes; they never format these themselves.
//
// JSON comes in two layouts of the same bytes otherwise: compact (one line, what the C interface
// and the Python package read) and indented (two spaces a level, what the command line prints).
#pragma once

#include <span>
#include <string>

#include "frontdoor/analysis.hpp"  // Finding: a diagnostic with its counterexamples (types only; no solver)
#include "frontdoor/check.hpp"
#include "frontdoor/decision.hpp"
#include "frontdoor/diagnostic.hpp"
#include "frontdoor/rule_set.hpp"

namespace frontdoor {

enum class JsonLayout : std::uint8_t { compact, indented };

// Findings as a JSON array of {path, line, col, severity, code, message[, counterexamples]}; a
// finding's counterexamples are contact objects `frontdoor decide` accepts (docs/diagnostics.md).
std::string to_json(std::span<const Finding>, JsonLayout = JsonLayout::compact);
std::string to_json(std::span<const Diagnostic>, JsonLayout = JsonLayout::compact);
// Findings as SARIF 2.1.0, for code-scanning tools (always indented).
std::string to_sarif(std::span<const Finding>);

// An explanation: the decision's SPEC section 4 object, then "trace", one object per rule and
// routing entry evaluated: {kind, id, result, when, at, level_before, values}.
std::string to_json(const RuleSet&, const Explanation&, JsonLayout = JsonLayout::compact);

// The document described. reference: {id, version, sha256, path}, how a report names the document
// it was made under; header: {id, title, version, effective_from, sha256, path, timezone}; full: the
// header, then levels, outcomes, actions, always, fields, concerns, domains, counters, flags, rules,
// routing (each with "at", "path:line:col") and the number of worked examples, "tests".
enum class DocumentDetail : std::uint8_t { reference, header, full };
std::string to_json(const RuleSet&, DocumentDetail);
// "4 levels, 33 concerns, 16 rules, 4 routing entries"
std::string summary(const ThresholdDocument&);

// A check in a line, as `frontdoor check` prints it for each document that compiled: the document's
// summary, the worked examples, and (when proved) their coverage and the solver's queries and time.
std::string summary(const CheckReport&);
// Each proof, its result and time, a line each ("  proven  12.5 ms  dead rule x\n").
std::string timings_text(const CheckReport&);

}  // namespace frontdoor
