// Counterexamples: a solver's model read back as a contact the engine decides, and as JSON that
// `frontdoor decide` accepts. Grouped concerns (concern_space.hpp) become their group's first members
// at the counted levels, so the contact is a real one, and the analysis re-decides it before it
// reports anything.
#include <algorithm>
#include <utility>

#include "analysis/symbolic.hpp"
#include "time/civil.hpp"
#include "util/json.hpp"

namespace frontdoor::detail {
namespace {

std::int64_t number(const z3::model& m, const z3::expr& e) { return m.eval(e, true).get_numeral_int64(); }
bool truth(const z3::model& m, const z3::expr& e) { return m.eval(e, true).is_true(); }

// Each concern's level in the model: named concerns as they are, each group's counts handed out to
// its members in document order.
std::vector<int> concern_levels(const Encoder& enc, const z3::model& m, const SymContact& c) {
  const ConcernSpace& space = enc.space();
  std::vector<int> levels(enc.program().doc.concerns.size(), -1);
  for (std::size_t i = 0; i < space.named.size(); ++i)
    if (space.named[i] != kNoIndex) levels[space.named[i]] = static_cast<int>(number(m, c.concerns.named[i])) - 1;
  for (std::size_t g = 0; g < space.groups.size(); ++g) {
    std::size_t next = 0;
    const ConcernGroup& group = space.groups[g];
    for (std::size_t s = 0; s < group.levels.size(); ++s)
      for (std::int64_t n = number(m, c.concerns.members[g][s]); n > 0 && next < group.members.size(); --n)
        levels[group.members[next++]] = group.levels[s];
  }
  return levels;
}

// History items written so that every counter counts what the model says: an item that shares a
// concern carries the contact's first concern; one that shares only a domain, a concern the contact
// lacks in a domain it has.
std::vector<HistoryRecord> history_items(const Program& p, const z3::model& m, const SymHistory& h, const std::vector<int>& levels) {
  const auto& doc = p.doc;
  Index first_present = kNoIndex, domain_only = kNoIndex;
  for (std::size_t k = 0; k < levels.size() && first_present == kNoIndex; ++k)
    if (levels[k] >= 0) first_present = static_cast<Index>(k);
  auto share_a_domain = [&](std::size_t j, std::size_t k) {
    for (Index d : doc.concerns[j].domains)
      if (std::find(doc.concerns[k].domains.begin(), doc.concerns[k].domains.end(), d) != doc.concerns[k].domains.end()) return true;
    return false;
  };
  for (std::size_t j = 0; j < levels.size() && domain_only == kNoIndex; ++j) {
    if (levels[j] >= 0) continue;
    for (std::size_t k = 0; k < levels.size(); ++k)
      if (levels[k] >= 0 && share_a_domain(j, k)) {
        domain_only = static_cast<Index>(j);
        break;
      }
  }
  std::vector<HistoryRecord> items;
  for (std::size_t b = 0; b < h.bucket_start.size(); ++b)
    for (std::size_t r = 0; r < h.kinds.size(); ++r)
      for (std::size_t s = 0; s < 3; ++s)
        for (std::int64_t i = number(m, h.at(r, s, b)); i > 0; --i) {
          HistoryRecord item;
          item.received = format_timestamp(h.bucket_start[b] + 60000);
          Index k = s == 0 ? first_present : s == 1 ? domain_only : kNoIndex;
          if (k != kNoIndex) item.concerns.push_back({doc.concerns[k].id, doc.levels[doc.concerns[k].descriptors.front().level].id});
          const HistoryKind& kind = h.kinds[r];
          if (!kind.outcome.empty()) item.outcome = kind.outcome;
          if (!kind.level.empty()) item.level = kind.level;
          item.referral = kind.referral;
          items.push_back(std::move(item));
        }
  return items;
}

// The record and its JSON from the parts, in one order: fields, concerns, history.
void write(const Program& p, ConcreteContact& out) {
  const auto& doc = p.doc;
  out.record = ContactRecord{};
  JsonWriter w;
  w.open('{');
  for (auto& [name, v] : out.fields) {
    w.key(name);
    if (auto* b = std::get_if<bool>(&v))
      w.boolean(*b);
    else if (auto* i = std::get_if<std::int64_t>(&v))
      w.number(*i);
    else if (auto* s = std::get_if<std::string>(&v))
      w.string(*s);
    else
      w.null();
    out.record.set(name, v);
  }
  w.key("concerns").open('{');
  for (std::size_t k = 0; k < out.levels.size(); ++k) {
    if (out.levels[k] < 0) continue;
    const std::string& level = doc.levels[static_cast<std::size_t>(out.levels[k])].id;
    w.key(doc.concerns[k].id).string(level);
    out.record.concerns.push_back({doc.concerns[k].id, level});
  }
  w.close('}');
  w.key("history").open('[');
  for (auto& item : out.history) {
    w.open('{');
    w.key("received").string(item.received);
    w.key("concerns").open('{');
    for (auto& e : item.concerns) w.key(e.concern).string(e.level);
    w.close('}');
    if (item.outcome) w.key("outcome").string(*item.outcome);
    if (item.level) w.key("level").string(*item.level);
    w.key("referral").boolean(item.referral.value_or(false));
    w.close('}');
  }
  w.close(']');
  w.close('}');
  out.record.history = out.history;
  out.json = std::move(w).str();
}

void set_id(ConcreteContact& c, const std::string& id) {
  for (auto& [name, v] : c.fields)
    if (name == "id") v = id;
}

}  // namespace

ConcreteContact concretise(const Encoder& enc, const z3::model& m, const SymContact& c, const SymHistory& h, const std::string& id) {
  const Program& p = enc.program();
  const auto& doc = p.doc;
  ConcreteContact out;
  out.fields.emplace_back("id", id);
  out.fields.emplace_back("received", format_timestamp(kCounterexampleReceived));
  bool unborn = false;
  for (std::size_t i = 0; i < doc.fields.size(); ++i) {
    const Field& f = doc.fields[i];
    std::size_t s = p.field_slot[i];
    if (!truth(m, c.given[s])) continue;
    Scalar v;
    switch (f.type) {
      case FieldType::boolean: v = number(m, c.raw[s]) != 0; break;
      case FieldType::integer: v = number(m, c.raw[s]); break;
      case FieldType::enumeration: v = f.values[static_cast<std::size_t>(number(m, c.raw[s]))]; break;
      case FieldType::string: v = m.eval(c.raw[s], true).get_string(); break;
    }
    if (f.id == "unborn") unborn = std::get<bool>(v);
    if (v != f.default_value) out.fields.emplace_back(f.id, std::move(v));  // a default goes without saying
  }
  if (!unborn && truth(m, c.known[p.slot_age_months])) {
    // Born on the 15th, so the received date (the 15th in any time zone from -12 to +11) completes the months.
    std::int64_t months = number(m, c.value[p.slot_age_months]);
    auto received_day = civil_from_days(static_cast<std::int32_t>(kCounterexampleReceived / kMsPerDay));
    std::int64_t idx = static_cast<std::int64_t>(received_day.year) * 12 + (received_day.month - 1) - months;
    out.fields.emplace_back(
        "dob", format_date(days_from_civil({static_cast<std::int32_t>(idx / 12), static_cast<std::uint32_t>(idx % 12 + 1), 15})));
  }
  out.levels = concern_levels(enc, m, c);
  out.history = history_items(p, m, h, out.levels);
  write(p, out);
  return out;
}

ConcreteContact concretise_changed(const Encoder& enc, const z3::model& m, const ConcreteContact& before, const SymChange& ch,
                                   const std::string& id) {
  const ConcernSpace& space = enc.space();
  ConcreteContact out = before;
  set_id(out, id);
  const auto unit = static_cast<std::size_t>(number(m, ch.unit));
  const int from = static_cast<int>(number(m, ch.from)) - 1, to = static_cast<int>(number(m, ch.to)) - 1;
  if (unit < space.named.size()) {
    out.levels[space.named[unit]] = to;
  } else if (unit - space.named.size() < space.groups.size()) {
    for (Index k : space.groups[unit - space.named.size()].members)
      if (out.levels[k] == from) {
        out.levels[k] = to;
        break;
      }
  }
  write(enc.program(), out);
  return out;
}

}  // namespace frontdoor::detail
