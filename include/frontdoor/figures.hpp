// Front-door figures, the what-if diff of two documents, and the consistency audit: the numbers a
// council reports and the questions inspections ask, computed once here for both the command line
// (`frontdoor stats`, `frontdoor diff`) and the Python package (fd.stats, fd.diff, fd.audit).
//
// The inputs are columns of codes, one entry per contact, so that a host can fill them straight from
// its own data (the Python package fills them from a data frame without making a record per row);
// figure_input() and diff_side() fill them from a batch of records and decisions.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontdoor/contact.hpp"
#include "frontdoor/decision.hpp"
#include "frontdoor/document.hpp"
#include "frontdoor/rule_set.hpp"

namespace frontdoor {

inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
inline constexpr std::size_t kCategoryCount = 6;  // nfa, early_help, assessment, s47, open_case, other

std::optional<Category> category_from_string(std::string_view) noexcept;

// --- figures ---------------------------------------------------------------------------------------

struct FigureInput {
  // Tables the per-row codes index into.
  struct OutcomeKind {
    std::string id;  // an outcome id of the document
    Category category = Category::other;
    bool referral = false;
  };
  std::vector<OutcomeKind> outcomes;
  std::vector<std::string> sources;                   // source codes as the contacts gave them
  std::vector<std::string> flags;                     // flag names
  std::vector<std::vector<std::uint32_t>> flag_sets;  // each a set of indices into `flags`

  // One entry per contact. Every column but `outcome` may be left empty: then nothing is known of it.
  std::vector<std::int32_t> outcome;  // into `outcomes`; -1: the contact was rejected
  std::vector<std::int64_t> child;    // equal codes for the same child; -1: no child given
  std::vector<std::int32_t> source;   // into `sources`; -1: not given
  // Instants are the engine's: milliseconds since the Unix epoch, UTC.
  std::vector<std::int64_t> received;  // kNoTime: not known
  std::vector<std::int32_t> month;     // year * 12 + month - 1 in the document's time zone; -1: not known
  std::vector<std::int64_t> deadline;  // kNoTime: none
  std::vector<std::int64_t> decided;   // when the front door actually decided; kNoTime: not given
  std::vector<std::int32_t> flag_set;  // into `flag_sets`; -1: no flags

  // SPEC 7.8, when the contacts carry recorded outcomes (else empty). Per contact: the override's
  // direction as OverrideDirection (none: recorded and agrees with the decision), or -1 when nothing
  // was recorded or the contact was rejected; the reason given with an override (into `reasons`,
  // -1: none); the level decided (into `levels`, -1: rejected).
  std::vector<std::string> reasons, levels;
  std::vector<std::int8_t> override_direction;
  std::vector<std::int32_t> override_reason, level;

  std::size_t size() const noexcept { return outcome.size(); }
};

struct FigureOptions {
  std::string repeat_flag = "repeat_contact";  // the flag that marks a repeat contact
  std::int64_t re_referral_months = 12;        // DfE: a referral within 12 months of an earlier one
};

// Counts for one slice of the contacts: all of them, one source, or one month.
struct FigureCounts {
  std::string key;  // "all", a source code, "unknown", or a month as YYYY-MM
  std::int64_t contacts = 0;
  std::int64_t rejected = 0;
  std::array<std::int64_t, kCategoryCount> categories{};  // decided contacts by outcome category
  std::int64_t referrals = 0;                             // decided contacts whose outcome is a referral
  std::int64_t s47 = 0;                                   // decided contacts in category s47
  std::int64_t re_referrals = 0;                          // referrals within re_referral_months of an earlier referral of the child
  std::int64_t repeat_contacts = 0;                       // decided contacts carrying the repeat flag
  std::int64_t timed = 0;                                 // decided contacts with a `decided` time
  std::int64_t within_deadline = 0;                       // ... decided no later than their deadline

  std::int64_t decided() const noexcept { return contacts - rejected; }
};

// SPEC 7.8's override figures for one slice: overrides as a share of the decided contacts with a
// recorded outcome, by direction, and those with no reason.
struct OverrideCounts {
  std::string key;             // "all", a level id, a source code, a month YYYY-MM, or "unknown"
  std::int64_t recorded = 0;   // decided contacts with a recorded outcome
  std::int64_t overrides = 0;  // ... whose recorded outcome differs from the decided one
  std::int64_t up = 0, down = 0, across = 0;
  std::int64_t unexplained = 0;  // overrides with no reason given
};

struct OverrideFigures {
  bool present = false;  // the contacts carried recorded outcomes
  OverrideCounts all;
  std::vector<std::pair<std::string, std::int64_t>> by_reason;  // overrides by reason, in the order of FigureInput::reasons
  std::vector<OverrideCounts> by_level, by_source, by_month;    // in level, source and time order (as Figures')
};

struct Figures {
  FigureCounts all;
  std::vector<FigureCounts> by_source;                         // in DfE code order, "unknown" last
  std::vector<FigureCounts> by_month;                          // in time order, "unknown" last
  std::vector<std::pair<std::string, std::int64_t>> outcomes;  // decided contacts by outcome id
  std::vector<std::pair<std::string, std::int64_t>> flags;     // decided contacts carrying each flag
  OverrideFigures overrides;
  FigureOptions options;
  bool has_children = false, has_decided = false, has_sources = false, has_months = false;
};

// Throws std::invalid_argument when a non-empty column has the wrong length or a code is out of range.
Figures compute_figures(const FigureInput&, const FigureOptions& = {});

// The input for a batch decided by `rules` (records and decisions in the same order).
FigureInput figure_input(const RuleSet& rules, std::span<const ContactRecord>, std::span<const Decision>);

// year * 12 + month - 1 of an instant (ms since the epoch, UTC) in the document's time zone.
std::int32_t local_month(const RuleSet& rules, std::int64_t utc_ms);

std::string to_json(const Figures&);  // one line, deterministic; shares as numbers in [0, 1]
std::string to_text(const Figures&);  // for people: the headline figures, then by source and by month

// --- consistency audit -----------------------------------------------------------------------------

// Compares what the front door recorded with what the document says. A recorded value is an outcome
// id of the document or, failing that, an outcome category (nfa, early_help, ...); anything else is
// counted as unrecognised and left out of the comparison.
struct Audit {
  std::int64_t rows = 0;
  std::int64_t rejected = 0;          // the engine rejected the contact
  std::int64_t not_recorded = 0;      // no recorded outcome
  std::int64_t unrecognised = 0;      // a recorded value that is neither an outcome id nor a category
  std::int64_t compared = 0;          // decided, with a recognised recorded value
  std::int64_t agree = 0;             // ... recorded the same outcome (or, for a category, the same category)
  std::int64_t category_agree = 0;    // ... recorded the same outcome category
  std::int64_t outcome_compared = 0;  // compared rows whose recorded value is an outcome id
  std::array<std::array<std::int64_t, kCategoryCount>, kCategoryCount> confusion{};  // [recorded][engine]
  std::vector<std::size_t> disagreeing;                                              // row indices, in input order
  std::vector<std::pair<std::string, std::int64_t>> unrecognised_values;             // most frequent first
};

// `recorded`: per row an index into `values`, or -1 when nothing was recorded.
Audit compute_audit(const ThresholdDocument&, const FigureInput&, std::span<const std::int32_t> recorded,
                    std::span<const std::string> values);

// `contact_id(row)` names a disagreeing row in the output; at most `examples` of them are listed.
std::string to_json(const Audit&, const std::function<std::string(std::size_t)>& contact_id, std::size_t examples = 20);
std::string to_text(const Audit&, const std::function<std::string(std::size_t)>& contact_id, std::size_t examples = 20);

// --- what-if: two documents over the same contacts ------------------------------------------------

// One document's decisions in compact form.
struct DiffSide {
  std::vector<std::int32_t> outcome;          // outcome index; -1: rejected
  std::vector<std::int32_t> level;            // level index; -1: rejected
  std::vector<std::int32_t> routing;          // routing index; -1: the level's own route applied
  std::vector<std::int32_t> rule_set;         // into rule_sets; -1: rejected
  std::vector<std::vector<Index>> rule_sets;  // rules that held (rule indices, in order)
};
DiffSide diff_side(std::span<const Decision>);

struct DiffOptions {
  std::size_t examples = 5;  // contact ids listed per move
  std::size_t causes = 5;    // most frequent causes listed per move
};

struct Move {
  std::string from, to;                    // outcome ids; "(rejected)" for a rejected contact
  std::string from_category, to_category;  // "" for a rejected contact
  std::int64_t count = 0;
  // What differed between the two decisions, e.g. "routing no_consent_for_early_help -> conversation_consent"
  // or "+rule cumulative_needs", most frequent first.
  std::vector<std::pair<std::string, std::int64_t>> causes;
  std::vector<std::pair<std::string, std::int64_t>> entries;  // the rule and routing ids behind the move
  std::vector<std::string> examples;                          // contact ids
};

struct Diff {
  std::string document_a, document_b;  // "id version"
  std::string path_a, path_b;
  std::int64_t contacts = 0, changed = 0;
  std::vector<std::string> rows, columns;        // outcome ids of A and of B; "(rejected)" last when any
  std::vector<std::vector<std::int64_t>> table;  // [row][column]: contacts going from A's outcome to B's
  std::array<std::int64_t, kCategoryCount> categories_a{}, categories_b{};
  std::int64_t referrals_a = 0, referrals_b = 0, rejected_a = 0, rejected_b = 0;
  std::vector<Move> moves;  // outcome changes, largest first
};

// Throws std::invalid_argument when the sides differ in length.
Diff compute_diff(const RuleSet& a, const DiffSide& side_a, const RuleSet& b, const DiffSide& side_b,
                  const std::function<std::string(std::size_t)>& contact_id, const DiffOptions& = {});

std::string to_json(const Diff&);
std::string to_text(const Diff&);

}  // namespace frontdoor
