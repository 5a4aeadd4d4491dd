// Stage 4, resolve: a ContactRecord (names and plain values) becomes a Contact for one RuleSet, or a
// typed Rejection. Names are looked up in the compiled row plan (compile/row_plan.hpp); a declared
// field's value is read by resolve::field_value (field_value.hpp), the one reading the batch uses
// too. Messages name the field at fault and never repeat a value that may be personal data.
#include <algorithm>
#include <optional>

#include "compile/program.hpp"
#include "frontdoor/rule_set.hpp"
#include "resolve/builtins.hpp"
#include "resolve/field_value.hpp"
#include "resolve/words.hpp"
#include "time/civil.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor {
namespace {

using coerce::is_absent;
using detail::Program;
using detail::Role;

// Reads one record into a Contact. Each method returns a rejection, or nothing when all is well.
class RecordResolver {
 public:
  RecordResolver(const Program& p, Contact& c) : p_(p), c_(c) {}

  std::optional<Rejection> run(const ContactRecord& r) {
    if (auto* id = r.find("id"); id && !is_absent(*id)) coerce::text_of(*id, c_.id);
    if (!r.problem.empty()) return Rejection{r.problem_code, r.problem_field, r.problem};
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      const NamedValue& f = r.fields[i];
      for (std::size_t j = 0; j < i; ++j)
        if (r.fields[j].name == f.name) return words::given_twice(f.name);
      if (auto e = named(f)) return e;
    }
    if (!has_id_) return words::no_id();
    if (!has_received_) return words::no_received();
    take_defaults();
    if (auto e = ages()) return e;
    return concerns(r.concerns);
  }

 private:
  std::optional<Rejection> named(const NamedValue& f) {
    const resolve::ScalarValue v{f.value};
    const detail::NamePlan plan = p_.rows.of(f.name);
    using resolve::Builtin;
    switch (plan.role) {
      case Role::id: return builtin(Builtin::id, resolve::id_value(v, c_.id), has_id_);
      case Role::child: return builtin(Builtin::child, resolve::child_value(v, c_.child), unused_);
      case Role::received: return builtin(Builtin::received, resolve::received_value(v, c_.received, memo_), has_received_);
      case Role::dob: return builtin(Builtin::dob, resolve::dob_value(v, dob_), unused_);
      case Role::decided: return {};  // carried for figures, never decided on
      case Role::recorded: return judgement(Builtin::recorded_outcome, v, c_.recorded_outcome);
      case Role::reason: return judgement(Builtin::override_reason, v, c_.override_reason);
      case Role::concerns:
      case Role::history:  // a record carries these apart from its fields
      case Role::unknown: return words::unknown_field(f.name, p_.rows.suggestions);
      case Role::field: break;
    }
    if (v.absent()) return {};
    const Field& fd = p_.doc.fields[plan.field];
    std::int64_t x = 0;
    std::string text;
    if (auto code = resolve::field_value(fd, v, x, text); code != RejectionCode::none) return resolve::field_rejection(fd, code);
    if (fd.type == FieldType::string) {
      x = static_cast<std::int64_t>(c_.strings.size());
      c_.strings.push_back(std::move(text));
    }
    c_.values[plan.slot] = x;
    c_.known[plan.slot] = 1;
    return {};
  }

  std::optional<Rejection> judgement(resolve::Builtin b, const resolve::ScalarValue& v, std::uint16_t& out) {
    std::string text;
    if (auto code = resolve::judgement_value(p_, b, v, text, out); code != RejectionCode::none) return resolve::builtin_rejection(b, code);
    return {};
  }

  std::optional<Rejection> builtin(resolve::Builtin b, RejectionCode code, bool& read) {
    if (code != RejectionCode::none) return resolve::builtin_rejection(b, code);
    read = true;
    return {};
  }

  void take_defaults() {
    for (const detail::FieldDefault& d : p_.rows.defaults) {
      if (c_.known[d.slot]) continue;
      std::int64_t x = d.value;
      if (d.text) {
        x = static_cast<std::int64_t>(c_.strings.size());
        c_.strings.push_back(d.string);
      }
      c_.values[d.slot] = x;
      c_.known[d.slot] = 1;
    }
  }

  // An unborn child is 0 months and 0 years old whatever the expected date says.
  std::optional<Rejection> ages() {
    if (c_.known[p_.slot_unborn] && c_.values[p_.slot_unborn]) {
      c_.values[p_.slot_age_months] = c_.values[p_.slot_age_years] = 0;
      c_.known[p_.slot_age_months] = c_.known[p_.slot_age_years] = 1;
    } else if (dob_) {
      std::int64_t months = 0;
      resolve::DayMemo memo;
      if (auto code = resolve::age_in_months(p_, c_.received, *dob_, months, memo); code != RejectionCode::none)
        return resolve::builtin_rejection(resolve::Builtin::dob, code);
      c_.values[p_.slot_age_months] = months;
      c_.values[p_.slot_age_years] = months / 12;
      c_.known[p_.slot_age_months] = c_.known[p_.slot_age_years] = 1;
    }
    return {};
  }

  std::optional<Rejection> concerns(const std::vector<ConcernEntry>& entries) {
    resolve::ConcernItems items;
    if (auto r = resolve::concern_items(p_, entries, items)) return r;
    for (auto [k, level] : items) {
      c_.concern_levels[k] = static_cast<std::uint8_t>(level + 1);
      c_.domains |= p_.concern_domain_bit[k];
      if (k < 64) c_.concern_bits |= 1ull << k;
      c_.concerns.push_back(k);
    }
    return {};
  }

  const Program& p_;
  Contact& c_;
  bool has_id_ = false, has_received_ = false, unused_ = false;
  std::optional<detail::CivilDate> dob_;
  detail::DateMemo memo_;
};

}  // namespace

bool RuleSet::resolve(const ContactRecord& r, Contact& c, Rejection& rejection) const {
  const Program& p = *program_;
  c.id.clear(), c.child.clear(), c.strings.clear(), c.concerns.clear();
  c.received = 0, c.domains = 0, c.concern_bits = 0;
  c.recorded_outcome = c.override_reason = kNoIndex;
  c.values.assign(p.slot_names.size(), 0);
  c.known.assign(p.slot_names.size(), 0);
  c.concern_levels.assign(p.doc.concerns.size(), 0);
  auto e = RecordResolver(p, c).run(r);
  rejection = e ? std::move(*e) : Rejection{};
  return !e;
}

bool RuleSet::resolve(const HistoryRecord& h, PastContact& out, Rejection& rejection) const {
  const Program& p = *program_;
  out.concerns.clear();
  out.domains = 0;
  auto t = detail::parse_timestamp(h.received);
  if (!t) return rejection = words::bad_history_received(), false;
  out.received = *t;
  for (auto& e : h.concerns) {
    std::uint16_t k = 0, level = 0;
    if (auto r = words::find_concern(p, e, k, level)) return rejection = std::move(*r), false;
    if (std::find(out.concerns.begin(), out.concerns.end(), k) == out.concerns.end()) out.concerns.push_back(k);
    out.domains |= p.concern_domain_bit[k];
  }
  out.referral = h.referral.value_or(false);
  out.outcome = out.level = 0xFFFF;
  if (h.outcome) {
    auto it = p.outcome_by_name.find(*h.outcome);
    if (it == p.outcome_by_name.end()) return rejection = words::unknown_outcome(*h.outcome), false;
    out.referral = out.referral || p.doc.outcomes[it->second].referral;
    out.outcome = it->second;
  }
  if (h.level) {
    auto it = p.level_by_name.find(*h.level);
    if (it == p.level_by_name.end()) return rejection = words::unknown_history_level(*h.level), false;
    out.level = it->second;
  }
  return true;
}

bool RuleSet::resolve(const ContactRecord& r, Contact& out, std::string& error) const {
  Rejection rejection;
  bool ok = resolve(r, out, rejection);
  error = std::move(rejection.message);
  return ok;
}

bool RuleSet::resolve(const HistoryRecord& h, PastContact& out, std::string& error) const {
  Rejection rejection;
  bool ok = resolve(h, out, rejection);
  if (!ok) error = std::move(rejection.message);
  return ok;
}

}  // namespace frontdoor
