// The decision procedure of SPEC 2.1, encoded for Z3 by symbolically executing the compiled program:
// the proofs are about exactly the instructions the engine runs, not a second reading of the YAML.
#pragma once

#include <z3++.h>

#include <string>
#include <vector>

#include "compile/program.hpp"
#include "frontdoor/contact.hpp"

namespace frontdoor::detail {

// A value under CEL's three-valued logic: ok, unknown (unk), or error (neither).
struct Sym {
  z3::expr v;    // Int (bools are 0/1, enums and levels their index)
  z3::expr s;    // String, for string values
  z3::expr ok;
  z3::expr unk;
};

// History as counts of items by kind and by how far back they lie, so every model is a history that
// can be written out: items that share a concern, share only a domain, or share nothing; referrals
// or not; in which window bucket.
struct SymHistory {
  std::vector<std::int64_t> bucket_start;  // instants (ms); an item in bucket b lies a minute after bucket_start[b]
  std::vector<z3::expr> n;                 // [referral][share][bucket], flattened
  z3::expr& at(std::size_t referral, std::size_t share, std::size_t b) {
    return n[(referral * 3 + share) * bucket_start.size() + b];
  }
};

struct SymContact {
  std::vector<z3::expr> concern;  // per concern: 0 absent, else level index + 1
  std::vector<z3::expr> value;    // per value slot
  std::vector<z3::expr> known;    // per value slot
  std::vector<z3::expr> counter;  // per history counter
};

struct SymDecision {
  std::vector<z3::expr> rule_holds, routing_holds, routing_applies;
  z3::expr level, outcome, category;  // category: 0..3 ordered, -1 outside the order
};

inline constexpr std::int64_t kCounterexampleReceived = 1781524800000;  // 2026-06-15T12:00:00Z, in ms

class Encoder {
 public:
  Encoder(const Program& p, z3::context& ctx);

  const Program& program() const { return p_; }
  z3::context& ctx() { return ctx_; }
  // A fresh symbolic history, with its domain constraints added to `facts`.
  SymHistory history(const std::string& tag);
  // A fresh contact; `facts` collects the constraints that make it a contact the engine accepts.
  SymContact contact(const std::string& tag, SymHistory& h, bool allow_domain_only = true);
  // The same contact but for concern k, which stands at `level` (for monotonicity).
  SymContact with_changed_concern(const SymContact& c, const z3::expr& k, const z3::expr& level, SymHistory& h);
  SymDecision decide(const SymContact& c, const std::string& tag);
  bool uses_strings() const;

  z3::expr holds(const Sym& s) { return s.ok && s.v != 0; }
  Sym condition(Block b, const SymContact& c, const z3::expr& level);
  z3::expr category_of(const z3::expr& outcome);
  z3::expr route_of(const z3::expr& level);

  std::vector<z3::expr> facts;

 private:
  void concern_facts(const SymContact& c);
  void counters(SymContact& c, SymHistory& h);
  void exec(std::uint32_t begin, std::uint32_t end, std::vector<Sym>& stack, const SymContact& c, const z3::expr& level);
  Sym known_int(const z3::expr& v);
  z3::expr in_range(const z3::expr& v);

  const Program& p_;
  z3::context& ctx_;
  std::vector<std::uint8_t> slot_is_string_;
  std::vector<const Field*> slot_field_;
};

// Read a model back as a contact: a record the engine can decide, and the same as JSON.
struct ConcreteContact {
  ContactRecord record;
  std::vector<HistoryRecord> history;
  std::string json;
};
ConcreteContact concretise(const Encoder&, const z3::model&, const SymContact&, SymHistory&, const std::string& id);

}  // namespace frontdoor::detail
