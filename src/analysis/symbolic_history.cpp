// History as the proofs see it: the kinds of earlier contact the counters tell apart, their counts
// by what they share with the contact and how far back they lie, and the counters as sums of them.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "analysis/symbolic.hpp"
#include "time/civil.hpp"

namespace frontdoor::detail {

namespace {

constexpr std::int64_t kMaxItems = 20;  // history items of one kind in one bucket

std::int64_t window_start(const Counter& k, std::int64_t received) {
  switch (k.unit) {
    case Counter::Unit::days: return received - k.within * kMsPerDay;
    case Counter::Unit::weeks: return received - k.within * 7 * kMsPerDay;
    case Counter::Unit::months: return minus_months(received, k.within);
  }
  return received;
}

}  // namespace

std::vector<std::int64_t> Encoder::window_starts() const {
  std::vector<std::int64_t> out;
  for (auto& k : p_.doc.counters) out.push_back(window_start(k, kCounterexampleReceived));
  return out;
}

namespace {

Index index_of(const std::unordered_map<std::string, std::uint16_t>& by_name, const std::string& id) {
  if (id.empty()) return kNoIndex;
  auto it = by_name.find(id);
  return it == by_name.end() ? kNoIndex : it->second;
}

bool reads_item(const Program& p) {
  for (auto& k : p.doc.counters)
    if (k.filters_outcome() || k.level_at_least != kNoIndex) return true;
  return false;
}

// The kinds of earlier contact the counters of these documents can tell apart: one representative of
// each different answer to "which counters count it?". Without outcome or level filters that is
// referral or not, two kinds.
std::vector<HistoryKind> history_kinds(const Program& p, const Program* other) {
  if (!reads_item(p) && !(other && reads_item(*other))) return {{"", "", false}, {"", "", true}};
  std::vector<std::string> outcomes{""}, levels{""};
  for (auto& o : p.doc.outcomes)
    if (!other || other->outcome_by_name.count(o.id)) outcomes.push_back(o.id);
  for (auto& l : p.doc.levels) levels.push_back(l.id);
  std::vector<HistoryKind> kinds;
  std::set<std::vector<bool>> seen;
  for (auto& o : outcomes)
    for (auto& l : levels)
      for (bool referral : {false, true}) {
        HistoryKind kind{o, l, referral};
        std::vector<bool> signature;
        for (auto* q : {&p, other})
          if (q)
            for (auto& k : q->doc.counters) signature.push_back(counts(*q, k, kind));
        if (seen.insert(signature).second) kinds.push_back(kind);
      }
  return kinds;
}

}  // namespace

// As the engine counts (decide.cpp): an item is a referral when it says so or its outcome is one; a
// filter reading an outcome or level the item does not give lets it through only if it reads nothing.
bool counts(const Program& p, const Counter& k, const HistoryKind& kind) {
  Index outcome = index_of(p.outcome_by_name, kind.outcome), level = index_of(p.level_by_name, kind.level);
  bool referral = kind.referral || (outcome != kNoIndex && p.doc.outcomes[outcome].referral);
  if (k.count == Counter::Count::referrals && !referral) return false;
  if (k.level_at_least != kNoIndex && (level == kNoIndex || level < k.level_at_least)) return false;
  if (!k.filters_outcome()) return true;
  if (outcome == kNoIndex) return false;
  if (!k.outcomes.empty() && std::find(k.outcomes.begin(), k.outcomes.end(), outcome) == k.outcomes.end()) return false;
  return k.categories == 0 || ((k.categories >> static_cast<unsigned>(p.doc.outcomes[outcome].category)) & 1u);
}

SymHistory Encoder::history(const std::string& tag, const std::vector<std::int64_t>& more_starts, const Program* other) {
  SymHistory h;
  std::set<std::int64_t> starts(more_starts.begin(), more_starts.end());
  for (auto s : window_starts()) starts.insert(s);
  h.bucket_start.assign(starts.rbegin(), starts.rend());  // nearest first
  h.kinds = history_kinds(p_, other);
  for (std::size_t r = 0; r < h.kinds.size(); ++r)
    for (std::size_t s = 0; s < 3; ++s)
      for (std::size_t b = 0; b < h.bucket_start.size(); ++b) {
        z3::expr n = ctx_.int_const((tag + "_hist_" + std::to_string(r) + "_" + std::to_string(s) + "_" + std::to_string(b)).c_str());
        facts.push_back(n >= 0 && n <= ctx_.int_val(kMaxItems));
        h.n.push_back(n);
      }
  return h;
}

void Encoder::counters(SymContact& c, const SymHistory& h, const z3::expr& domain_only_items) {
  const auto& doc = p_.doc;
  z3::expr shares_concern = named_var(any_concern(c.concerns), "any_concern");
  z3::expr shares_domain = named_var(domain_only_items && some_domain_part_absent(c.concerns), "domain_only");
  for (std::size_t r = 0; r < h.kinds.size(); ++r)
    for (std::size_t b = 0; b < h.bucket_start.size(); ++b) {
      facts.push_back(h.at(r, 0, b) == 0 || shares_concern);
      facts.push_back(h.at(r, 1, b) == 0 || shares_domain);
    }
  for (auto& k : doc.counters) {
    std::int64_t from = window_start(k, kCounterexampleReceived);
    std::vector<z3::expr> items;
    for (std::size_t r = 0; r < h.kinds.size(); ++r) {
      if (!counts(p_, k, h.kinds[r])) continue;
      for (std::size_t s = 0; s < 3; ++s) {
        if (k.sharing == Counter::Sharing::concern && s != 0) continue;
        if (k.sharing == Counter::Sharing::domain && s == 2) continue;
        for (std::size_t b = 0; b < h.bucket_start.size(); ++b)
          if (h.bucket_start[b] >= from) items.push_back(h.at(r, s, b));
      }
    }
    c.counter.push_back(sum(ctx_, items));
  }
}

}  // namespace frontdoor::detail
