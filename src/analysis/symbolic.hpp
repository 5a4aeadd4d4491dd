// The decision procedure of SPEC 2.1, encoded for Z3 by symbolically executing the compiled program:
// the proofs are about exactly the instructions the engine runs, not a second reading of the YAML.
#pragma once

#include <z3++.h>

#include <optional>
#include <string>
#include <vector>

#include "analysis/concern_space.hpp"
#include "compile/program.hpp"
#include "frontdoor/contact.hpp"

namespace frontdoor::detail {

// A value under CEL's three-valued logic: ok, unknown (unk), or error (neither).
struct Sym {
  z3::expr v;  // Int (bools are 0/1, enums and levels their index)
  z3::expr s;  // String, for string values
  z3::expr ok;
  z3::expr unk;
};

// An earlier contact as the counters tell it apart: its outcome and level by id (empty: not given)
// and its referral flag. Only the kinds some counter can tell apart are kept (see history_kinds).
struct HistoryKind {
  std::string outcome, level;
  bool referral = false;
};

// History as counts of items by kind, by what they share with the contact (a concern, only a domain,
// nothing) and by how far back they lie, so every model is a history that can be written out.
struct SymHistory {
  std::vector<std::int64_t> bucket_start;  // instants (ms); an item in bucket b lies a minute after bucket_start[b]
  std::vector<HistoryKind> kinds;
  std::vector<z3::expr> n;  // [kind][share][bucket], flattened
  const z3::expr& at(std::size_t kind, std::size_t share, std::size_t b) const { return n[(kind * 3 + share) * bucket_start.size() + b]; }
};

// The sum of the terms (0 for none), as one n-ary term.
z3::expr sum(z3::context& ctx, const std::vector<z3::expr>& terms);

// Whether a counter of `p` counts an item of this kind (leaving aside sharing and its window).
bool counts(const Program& p, const Counter& k, const HistoryKind& kind);

// A contact's concerns as the solver sees them (see concern_space.hpp): each named concern absent (0)
// or at one of its levels (level index + 1); for each group, how many of its members stand at each of
// the group's levels.
struct SymConcerns {
  std::vector<z3::expr> named;                 // per ConcernSpace::named
  std::vector<std::vector<z3::expr>> members;  // per group, per level of the group
};

struct SymContact {
  SymConcerns concerns;
  std::vector<z3::expr> value;    // per value slot: as the document reads it (a default where not given)
  std::vector<z3::expr> known;    // per value slot: as the document reads it
  std::vector<z3::expr> given;    // per value slot: whether the contact gives it
  std::vector<z3::expr> raw;      // per value slot: the value the contact gives
  std::vector<z3::expr> counter;  // per history counter
  // Named terms for count_at_least(level) and domain_count(domain), made on first use.
  std::vector<std::optional<z3::expr>> at_least, in_domain, with_tag;
  // Set by decide: the base level, and whether each rule decided so far held (0/1), for base_level
  // and rule("id").
  std::optional<z3::expr> base;
  std::vector<z3::expr> held;
};

struct SymDecision {
  std::vector<z3::expr> rule_holds, routing_holds, routing_applies;
  std::vector<z3::expr> level_before;  // per rule: the level reached before it
  z3::expr level, outcome, category;   // category: 0..3 ordered, -1 outside the order
};

// One concern moved up one step for monotonicity: a named concern (unit < named.size()) or one member
// of a group (unit = named.size() + group), from level `from` to `to` (0 absent, else level + 1).
struct SymChange {
  z3::expr unit, from, to;
};

inline constexpr std::int64_t kCounterexampleReceived = 1781524800000;  // 2026-06-15T12:00:00Z, in ms

class Encoder {
 public:
  Encoder(const Program& p, z3::context& ctx);
  // With a space of its own: the symbolic diff's two documents share one contact (concern_space.hpp).
  Encoder(const Program& p, z3::context& ctx, ConcernSpace space);

  const Program& program() const { return p_; }
  const ConcernSpace& space() const { return space_; }
  z3::context& ctx() { return ctx_; }
  // A fresh symbolic history, with its domain constraints added to `facts`. Its buckets start where
  // this document's counter windows start, and at `more_starts` (the other document's, in a diff).
  SymHistory history(const std::string& tag, const std::vector<std::int64_t>& more_starts = {}, const Program* other = nullptr);
  std::vector<std::int64_t> window_starts() const;
  // A fresh contact; `facts` collects the constraints that make it a contact the engine accepts.
  // Items that share only a domain with the contact are allowed when `domain_only_items` holds.
  SymContact contact(const std::string& tag, const SymHistory& h, const z3::expr& domain_only_items);
  // The same contact with one concern raised by one step (`change`, constrained in `facts` to be a
  // real step up within the concern's own levels), for monotonicity.
  SymContact changed(const SymContact& c, const SymChange& change, const SymHistory& h, const std::string& tag);
  SymChange change(const SymContact& c, const std::string& tag);
  SymDecision decide(SymContact& c, const std::string& tag);
  // How much a contact says: its concerns, the fields it sets to other than their default, whether
  // it gives a date of birth, and its history items. Counterexamples are made as small as this allows.
  z3::expr size(const SymContact& c, const SymHistory& h);
  bool uses_strings() const;

  z3::expr holds(const Sym& s) { return s.ok && s.v != 0; }
  z3::expr category_of(const z3::expr& outcome);
  // Whether `outcome` is one an action's only_with keeps it for (true when only_with is empty).
  z3::expr kept_with(const OutcomeSet& only_with, const z3::expr& outcome);
  z3::expr route_of(const z3::expr& level);

  std::vector<z3::expr> facts;

 private:
  z3::expr named_var(const z3::expr& definition, const std::string& name);
  const z3::expr& named_concern(const SymContact& c, std::uint32_t concern) const;
  void concern_facts(const SymConcerns& c);
  SymConcerns fresh_concerns(const std::string& tag);
  void counters(SymContact& c, const SymHistory& h, const z3::expr& domain_only_items);
  z3::expr any_concern(const SymConcerns& c);
  z3::expr some_domain_part_absent(const SymConcerns& c);
  z3::expr base_level(const SymConcerns& c);
  const z3::expr& count_at_least(SymContact& c, Index level);
  const z3::expr& domain_count(SymContact& c, Index domain);
  const z3::expr& tag_count(SymContact& c, Index tag);
  Sym condition(Block b, SymContact& c, const z3::expr& level);
  void exec(std::uint32_t begin, std::uint32_t end, std::vector<Sym>& stack, SymContact& c, const z3::expr& level);
  Sym known_int(const z3::expr& v);
  z3::expr in_range(const z3::expr& v);
  z3::expr b01(const z3::expr& cond);

  const Program& p_;
  z3::context& ctx_;
  ConcernSpace space_;
  std::vector<std::uint8_t> slot_is_string_;
  std::vector<const Field*> slot_field_;
  std::vector<std::optional<std::int64_t>> slot_default_;  // a bool, int or enum field's default, as the solver sees it
  std::size_t names_ = 0;
};

// Read a model back as a contact: a record the engine can decide, and the same as JSON. Grouped
// concerns become the group's first members at the counted levels.
struct ConcreteContact {
  ContactRecord record;
  std::vector<HistoryRecord> history;
  std::string json;
  std::vector<int> levels;                             // per concern: -1 absent, else its level index
  std::vector<std::pair<std::string, Scalar>> fields;  // as set, in order (id and received first)
};
ConcreteContact concretise(const Encoder&, const z3::model&, const SymContact&, const SymHistory&, const std::string& id);
// `before` with the model's one-step change applied, and the same history items.
ConcreteContact concretise_changed(const Encoder&, const z3::model&, const ConcreteContact& before, const SymChange&,
                                   const std::string& id);

}  // namespace frontdoor::detail
