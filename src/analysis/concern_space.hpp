// How the proofs see a document's concerns: the few that conditions name, one by one, and the many
// that no condition names, as counts.
//
// A concern no `concern()` or `concern_at_least()` names can change a decision only through what it
// feeds: the base level (the highest level of the contact's concerns), `count_at_least`,
// `domain_count`, and which history items share a concern or a domain with the contact. All of these
// `tag_count`, `tagged` (what it feeds for tags), and which history items share a concern or a domain.
// All of these are the same for any two such concerns with the same domains, tags and levels, so
// swapping them never changes a decision. The proofs therefore see one group per (domains, tags,
// levels) and, for each of
// the group's levels, how many of its members a contact has there. The abstraction is exact, not an
// over-approximation: every assignment of counts is the image of real contacts (the group's first
// members at those levels, which is how a counterexample is written out), and every contact maps to
// one. A document of 300 one-level indicators over 4 levels and 3 domains becomes at most 12 groups
// plus the indicators its rules name, so the solver's work follows what the conditions read.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compile/program.hpp"

namespace frontdoor::detail {

struct ConcernGroup {
  std::vector<Index> domains;  // every domain each member sits in
  std::vector<Index> tags;     // every tag each member carries
  std::vector<Index> levels;   // the levels each member has a descriptor at, in order
  std::vector<Index> members;  // concerns, in document order; none when the group is foreign
  bool foreign() const { return members.empty(); }
};

// For the symbolic diff, two documents see one contact: each document's space has the same named
// concerns and groups in the same order (so the solver's variables are shared by name), and an entry
// the document lacks is foreign: it has a variable, but no fact or meaning in that document.
struct ConcernSpace {
  std::vector<Index> named;            // concerns a condition names, in document order; kNoIndex: foreign
  std::vector<std::string> named_ids;  // per entry of `named`: the concern's id, which names its variable
  std::vector<ConcernGroup> groups;    // the rest
  std::vector<Index> named_position;   // per concern: its index in `named`, or kNoIndex
  std::vector<Index> group_of;         // per concern: its group, or kNoIndex when named

  static ConcernSpace of(const Program&);
  // The spaces of two documents over one contact: a concern is named in both when a condition of
  // either names it; the rest are grouped by what both documents make of them.
  static std::pair<ConcernSpace, ConcernSpace> joint(const Program& a, const Program& b);
  std::size_t units() const { return named.size() + groups.size(); }
};

}  // namespace frontdoor::detail
