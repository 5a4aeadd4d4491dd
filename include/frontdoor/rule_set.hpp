// RuleSet: a threshold document compiled once into a flat program. Immutable after compile and
// safe to share between threads; every decide() call is const and allocates nothing in steady state
// when the caller reuses its Contact and Decision objects.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/contact.hpp"
#include "frontdoor/decision.hpp"
#include "frontdoor/diagnostic.hpp"
#include "frontdoor/document.hpp"
#include "frontdoor/result.hpp"

namespace frontdoor {

namespace detail {
struct Program;
}

class RuleSet;

// The result of compiling one document: the rule set (null when there were errors), every diagnostic
// found, and the source text they point into.
struct Compilation {
  std::shared_ptr<const RuleSet> rule_set;
  std::vector<Diagnostic> diagnostics;
  std::shared_ptr<const SourceText> source;
  bool ok() const noexcept { return rule_set != nullptr; }
};

struct CompileOptions {
  std::size_t max_document_bytes = 4u << 20;  // 4 MiB
  std::uint32_t max_nesting = 32;
  std::size_t max_expression_bytes = 4096;
  std::uint32_t max_expression_depth = 64;
  std::size_t max_entries = 2000;  // rules, routing entries, concerns, tests: each at most this many
};

// At most this many history items for one contact: a record's own `history`, or in decide_batch the
// child's earlier rows inside the counters' windows. Over it the contact is rejected with an error
// naming the limit, never decided on part of its history. (decide(Contact, history) on resolved
// contacts is the host's own loop and does not check it.)
inline constexpr std::size_t kMaxHistoryItems = 10000;

// Compile a document from text. `path` is used in positions only.
Compilation compile(std::string_view text, std::string path, const CompileOptions& = {});
// Read and compile a file; an Error only when the file cannot be read.
Result<Compilation> compile_file(const std::filesystem::path&, const CompileOptions& = {});

// A Decision put into the document's words.
class DecisionView {
 public:
  DecisionView(const RuleSet& rules, const Decision& decision) : rules_(&rules), d_(&decision) {}
  bool ok() const noexcept { return d_->ok(); }
  std::string_view level() const;
  std::string_view outcome() const;
  std::string_view category() const;
  bool referral() const;
  std::vector<std::string_view> actions() const;  // always ∪ outcome's ∪ held rules', first-seen order
  std::vector<std::string_view> flags() const;
  std::vector<std::string_view> rules() const;
  std::string_view routing() const;  // empty when none
  std::string deadline() const;      // YYYY-MM-DDTHH:MM:SSZ, empty when rejected or there is none
  // The id of the outcome, rule or routing entry the deadline comes from (SPEC 7.5), and its
  // decide_within; empty (Unit::none) when there is no deadline.
  std::string_view deadline_from() const;
  const Span& deadline_span() const;
  std::vector<Reason> reasons() const;
  // SPEC 7.8: the outcome the front door recorded and the reason given (empty when none), and
  // whether that overrides the decision.
  std::string_view recorded_outcome() const;
  std::string_view override_reason() const;
  std::string_view override_reason_text() const;
  bool overridden() const noexcept { return ok() && d_->recorded.overrides(); }
  std::string to_json() const;  // SPEC section 4, one line, byte-for-byte deterministic

 private:
  const RuleSet* rules_;
  const Decision* d_;
};

class RuleSet {
 public:
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const ThresholdDocument& document() const noexcept;
  const SourceText& source() const noexcept;
  const std::string& sha256() const noexcept;  // of the document's bytes, lower-case hex

  // Name slots: the names an expression can read (fields, ages, counters).
  std::size_t name_count() const noexcept;
  std::string_view name(Index slot) const noexcept;

  // Turn a record into a Contact for this rule set. On failure returns false and sets `rejection`:
  // what is wrong, the field or concern at fault, and a message naming it (and nothing else of the
  // contact's data). src/resolve/ implements it.
  bool resolve(const ContactRecord&, Contact& out, Rejection& rejection) const;
  bool resolve(const HistoryRecord&, PastContact& out, Rejection& rejection) const;
  // The same, keeping only the message.
  bool resolve(const ContactRecord&, Contact& out, std::string& error) const;
  bool resolve(const HistoryRecord&, PastContact& out, std::string& error) const;

  // The hot path: decide a resolved contact with its resolved history. Never throws.
  void decide(const Contact&, std::span<const PastContact> history, Decision& out) const noexcept;

  // Decide a record. History is the record's own when it has one, else `history`. A record that
  // cannot be resolved gives a Decision with `error` set. Never throws.
  Decision decide(const ContactRecord&, std::span<const HistoryRecord> history = {}) const;

  // Decide many records as one batch (SPEC 2.2): each row's history is the earlier rows of the same
  // child (by received, ties by input order) with the outcomes decided here, unless the row carries
  // its own. One decision per record, in input order. The records are one more row source of the
  // batch engine (columns::decide_columns, on one thread per core for a large batch), so a batch
  // decides the same whichever front end hands it over. `progress`, when given, is called now and
  // then with (decided so far, total), from the calling thread.
  // `history` says which outcome earlier rows count with (SPEC 7.8).
  std::vector<Decision> decide_batch(std::span<const ContactRecord>, const std::function<void(std::size_t, std::size_t)>& progress = {},
                                     HistoryFrom history = HistoryFrom::decided) const;

  // The traced evaluation: the decision and, for every rule and routing entry, what its `when` read.
  Explanation explain(const ContactRecord&, std::span<const HistoryRecord> history = {}) const;

  DecisionView view(const Decision& d) const { return DecisionView(*this, d); }

  const detail::Program& program() const noexcept { return *program_; }

 private:
  friend Compilation compile(std::string_view, std::string, const CompileOptions&);
  explicit RuleSet(std::unique_ptr<detail::Program>);
  std::unique_ptr<detail::Program> program_;
};

// Run the document's worked examples; one diagnostic (FD301) per failing example.
std::vector<Diagnostic> run_worked_examples(const RuleSet&);

}  // namespace frontdoor
