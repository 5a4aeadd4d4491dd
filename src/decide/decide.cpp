// Stage 5, decide: SPEC 2.1 and 2.2. resolve() turns a record into a Contact; decide_core() is the
// hot path, shared by the fast and the traced evaluation through the Trace policy.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <optional>

#include "compile/program.hpp"
#include "decide/decide_core.hpp"
#include "resolve/coerce.hpp"
#include "decide/evaluate.hpp"
#include "frontdoor/rule_set.hpp"
#include "time/civil.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor {
namespace detail {
namespace {

// `received` split once into its UTC date and the time into that day, for calendar-month windows.
struct Received {
  std::int64_t ms;
  CivilDate date;
  std::int64_t into_day;
  explicit Received(std::int64_t t) noexcept : ms(t) {
    auto days = static_cast<std::int32_t>(floor_div(t, kMsPerDay));
    date = civil_from_days(days);
    into_day = t - static_cast<std::int64_t>(days) * kMsPerDay;
  }
};

std::int64_t window_start(const Counter& k, const Received& r) noexcept {
  switch (k.unit) {
    case Counter::Unit::days: return r.ms - k.within * kMsPerDay;
    case Counter::Unit::weeks: return r.ms - k.within * 7 * kMsPerDay;
    case Counter::Unit::months: {  // same day of month, clamped to the month's end (as minus_months)
      std::int64_t idx = static_cast<std::int64_t>(r.date.year) * 12 + (r.date.month - 1) - k.within;
      auto y = static_cast<std::int32_t>(floor_div(idx, 12));
      auto m = static_cast<std::uint32_t>(idx - static_cast<std::int64_t>(y) * 12 + 1);
      auto d = std::min(r.date.day, last_day_of_month(y, m));
      return static_cast<std::int64_t>(days_from_civil({y, m, d})) * kMsPerDay + r.into_day;
    }
  }
  return r.ms;
}

bool shares_concern(const Contact& c, const PastContact& h) noexcept {
  for (auto k : h.concerns)
    if (k < c.concern_levels.size() && c.concern_levels[k]) return true;
  return false;
}

// A counter's window from `received`, with the calendar arithmetic of a months window done only for
// a row that needs it. Going back n months goes back at least 28n days and at most 31n (the day of
// the month clamped to a shorter month's end keeps it within that), at the same time of day: a row
// at or after `surely_in` is inside, one before `surely_out` is outside, and only a row in between
// needs the exact start.
class Window {
 public:
  Window(const Counter& k, std::int64_t received) noexcept : k_(k), received_(received) {
    constexpr std::int64_t kSane = std::int64_t{1} << 55;  // far past any timestamp, so no overflow
    if (k.unit != Counter::Unit::months) {
      start_ = surely_in_ = surely_out_ = window_start(k, Received(received));
      known_ = true;
    } else if (k.within >= 0 && k.within <= 100000 && received > -kSane && received < kSane) {
      surely_in_ = received - k.within * 28 * kMsPerDay;
      surely_out_ = received - k.within * 31 * kMsPerDay;
    }
  }
  bool holds(std::int64_t t) noexcept {
    if (t >= surely_in_) return true;
    if (t < surely_out_) return false;
    if (!known_) start_ = window_start(k_, Received(received_)), known_ = true;
    return t >= start_;
  }

 private:
  const Counter& k_;
  std::int64_t received_;
  std::int64_t surely_in_ = INT64_MAX, surely_out_ = INT64_MIN, start_ = 0;
  bool known_ = false;
};

}  // namespace

void count_history(const Program& p, const Contact& c, std::span<const PastContact> history, std::int64_t* counters) noexcept {
  const auto& counters_decl = p.doc.counters;
  if (history.empty()) {
    std::fill(counters, counters + counters_decl.size(), 0);
    return;
  }
  std::optional<Window> window;
  for (std::size_t i = 0; i < counters_decl.size(); ++i) {
    const Counter& k = counters_decl[i];
    if (i == 0 || k.unit != counters_decl[i - 1].unit || k.within != counters_decl[i - 1].within)
      window.emplace(k, c.received);  // counters often share a window
    std::int64_t n = 0;
    for (const PastContact& h : history) {
      if (h.received >= c.received || !window->holds(h.received)) continue;
      if (k.count == Counter::Count::referrals && !h.referral) continue;
      if (k.sharing == Counter::Sharing::domain && !(h.domains & c.domains)) continue;
      if (k.sharing == Counter::Sharing::concern && !shares_concern(c, h)) continue;
      ++n;
    }
    counters[i] = n;
  }
}

std::string too_long_history(std::size_t items) {
  return "history: " + std::to_string(items) + " earlier contacts, over the limit of " + std::to_string(kMaxHistoryItems);
}

std::string too_much_history() {
  return "child: more than " + std::to_string(kMaxHistoryItems) +
         " earlier contacts of this child inside the history windows (the limit of history items per contact)";
}

std::int64_t window_reach(const Program& p) noexcept {
  constexpr std::int64_t kLongest = std::int64_t{1} << 50;  // ~35,000 years: far past any received
  std::int64_t reach = 0;
  for (const Counter& k : p.doc.counters) {
    // A window of n months spans n consecutive months of at most 31 days (the start keeps the time
    // of day; clamping it to a shorter month's end only moves it later).
    std::int64_t days_per = k.unit == Counter::Unit::days ? 1 : k.unit == Counter::Unit::weeks ? 7 : 31;
    std::int64_t within = std::clamp<std::int64_t>(k.within, 0, kLongest / (31 * kMsPerDay));
    reach = std::max(reach, within * days_per * kMsPerDay);
  }
  return reach;
}

std::span<const PastContact> history_in_windows(const Program& p, std::int64_t reach, std::int64_t received,
                                                std::span<const PastContact> past) noexcept {
  auto from = [&](std::int64_t t) {
    auto first = std::lower_bound(past.begin(), past.end(), t, [](const PastContact& h, std::int64_t x) { return h.received < x; });
    return past.subspan(static_cast<std::size_t>(first - past.begin()));
  };
  if (!past.empty() && received - past.front().received > reach) past = from(received - reach);
  if (past.size() <= kMaxHistoryItems) return past;
  const Received r(received);  // too many: the limit counts only the rows inside the windows
  std::int64_t start = received;
  for (const Counter& k : p.doc.counters) start = std::min(start, window_start(k, r));
  return from(start);
}

}  // namespace detail

// --- resolving records ----------------------------------------------------------------------------

namespace {

using detail::Program;

// How values become what fields take (src/resolve/coerce.hpp), one set of rules with the batch's.
using coerce::is_absent;
bool as_bool(const Scalar& v, std::int64_t& out) { return coerce::bool_of(v, out); }
bool as_int(const Scalar& v, std::int64_t& out) { return coerce::int_of(v, out); }
bool as_text(const Scalar& v, std::string& out) { return coerce::text_of(v, out); }

// Messages name the field at fault but never repeat its value: values may be personal data.
const char* type_word(FieldType t) {
  switch (t) {
    case FieldType::boolean: return "true or false";
    case FieldType::integer: return "a whole number";
    case FieldType::string: return "text";
    case FieldType::enumeration: return "one of its values";
  }
  return "?";
}

std::string set_field(const Program& p, const Field& f, std::uint16_t slot, const Scalar& v, Contact& c) {
  std::int64_t x = 0;
  std::string s;
  switch (f.type) {
    case FieldType::boolean:
      if (!as_bool(v, x)) return f.id + ": must be " + type_word(f.type);
      break;
    case FieldType::integer:
      if (!as_int(v, x)) return f.id + ": must be " + type_word(f.type);
      if ((f.min && x < *f.min) || (f.max && x > *f.max))
        return f.id + ": must be between " + (f.min ? std::to_string(*f.min) : std::string("-inf")) + " and " +
               (f.max ? std::to_string(*f.max) : std::string("inf"));
      break;
    case FieldType::string:
      if (!as_text(v, s)) return f.id + ": must be " + type_word(f.type);
      x = static_cast<std::int64_t>(c.strings.size());
      c.strings.push_back(std::move(s));
      break;
    case FieldType::enumeration: {
      if (!as_text(v, s)) return f.id + ": must be " + type_word(f.type);
      auto it = std::find(f.values.begin(), f.values.end(), s);
      if (it == f.values.end()) return f.id + ": not one of the values the document allows for " + f.id;
      x = it - f.values.begin();
      break;
    }
  }
  (void)p;
  c.values[slot] = x;
  c.known[slot] = 1;
  return {};
}

// An id the contact gave that the document does not have, as a message may repeat it: only when it
// looks like an id (a typo of the document's vocabulary, which the "did you mean" needs). Free text in
// its place (a name, an address) may be personal data and is never repeated.
std::string shown_id(const std::string& s) {
  bool id_like = !s.empty() && s.size() <= 64 &&
                 std::all_of(s.begin(), s.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
  return id_like ? "'" + s + "'" : std::string("(not shown: not an id)");
}

// A field's name as a message shows it: in full when it could be a name (ids are at most 64
// characters), else its start, so that a megabyte of key makes no megabyte of error.
std::string shown_name(const std::string& s) { return s.size() <= 64 ? s : s.substr(0, 64) + "..."; }

std::string concern_error(const Program& p, const ConcernEntry& e, std::uint16_t& concern, std::uint16_t& level) {
  auto ci = p.concern_by_name.find(e.concern);
  if (ci == p.concern_by_name.end()) {
    std::vector<std::string_view> ids(p.env.concerns.begin(), p.env.concerns.end());
    return "concerns: unknown concern " + shown_id(e.concern) + detail::did_you_mean(e.concern, ids);
  }
  auto li = p.level_by_name.find(e.level);
  if (li == p.level_by_name.end()) {
    std::vector<std::string_view> ids(p.env.levels.begin(), p.env.levels.end());
    return "concerns." + e.concern + ": unknown level " + shown_id(e.level) + detail::did_you_mean(e.level, ids);
  }
  concern = ci->second;
  level = li->second;
  return {};
}

}  // namespace

bool RuleSet::resolve(const ContactRecord& r, Contact& c, std::string& error) const {
  const Program& p = *program_;
  error.clear();
  c.id.clear(), c.child.clear(), c.strings.clear(), c.concerns.clear();
  c.received = 0, c.domains = 0, c.concern_bits = 0;
  c.values.assign(p.slot_names.size(), 0);
  c.known.assign(p.slot_names.size(), 0);
  c.concern_levels.assign(p.doc.concerns.size(), 0);
  if (auto* id = r.find("id"); id && !is_absent(*id)) as_text(*id, c.id);
  if (!r.problem.empty()) return error = r.problem, false;

  bool has_id = false, has_received = false;
  std::optional<std::int32_t> dob;
  std::vector<std::uint8_t> given(p.doc.fields.size(), 0);
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    const NamedValue& f = r.fields[i];
    for (std::size_t j = 0; j < i; ++j)
      if (r.fields[j].name == f.name) return error = shown_name(f.name) + ": given more than once", false;
    if (f.name == "id") {
      if (is_absent(f.value) || !as_text(f.value, c.id) || c.id.empty()) return error = "id: a contact needs an id", false;
      has_id = true;
    } else if (f.name == "child") {
      if (!is_absent(f.value) && !as_text(f.value, c.child)) return error = "child: must be text", false;
    } else if (f.name == "received") {
      std::string s;
      auto t = as_text(f.value, s) ? detail::parse_timestamp(s) : std::nullopt;
      if (is_absent(f.value)) return error = "received: a contact needs the time it was received", false;
      if (!t) return error = "received: not an ISO 8601 timestamp with an offset (such as 2026-05-04T10:00:00Z)", false;
      c.received = *t;
      has_received = true;
    } else if (f.name == "dob") {
      if (is_absent(f.value)) continue;
      std::string s;
      dob = as_text(f.value, s) ? detail::parse_date(s) : std::nullopt;
      if (!dob) return error = "dob: not a date YYYY-MM-DD", false;
    } else if (f.name == "decided" || f.name == "recorded_outcome") {
      // Carried for figures, never used in deciding: `decided` is when the front door actually
      // decided (for "decisions within deadline"); `recorded_outcome` is the outcome it recorded (for
      // the consistency audit, fd.audit and `frontdoor stats`). Accepting them keeps a council's
      // extract decidable as it is; they cannot change a decision.
      continue;
    } else {
      auto it = p.field_by_name.find(f.name);
      if (it == p.field_by_name.end()) {
        std::vector<std::string_view> names{"id", "child", "received", "dob"};
        for (auto& fd : p.doc.fields) names.push_back(fd.id);
        return error = shown_name(f.name) + ": unknown field" + detail::did_you_mean(f.name, names), false;
      }
      given[it->second] = 1;
      if (is_absent(f.value)) continue;
      std::string e = set_field(p, p.doc.fields[it->second], p.field_slot[it->second], f.value, c);
      if (!e.empty()) return error = std::move(e), false;
    }
  }
  if (!has_id) return error = "id: a contact needs an id", false;
  if (!has_received) return error = "received: a contact needs the time it was received", false;
  for (std::size_t i = 0; i < p.doc.fields.size(); ++i) {
    const Field& f = p.doc.fields[i];
    if (c.known[p.field_slot[i]] || std::holds_alternative<std::monostate>(f.default_value)) continue;
    std::string e = set_field(p, f, p.field_slot[i], f.default_value, c);
    (void)e;  // defaults were checked at load
  }
  // Ages. An unborn child is 0 months and 0 years old whatever the expected date says.
  if (c.known[p.slot_unborn] && c.values[p.slot_unborn]) {
    c.values[p.slot_age_months] = c.values[p.slot_age_years] = 0;
    c.known[p.slot_age_months] = c.known[p.slot_age_years] = 1;
  } else if (dob) {
    std::int64_t months = detail::months_between(*dob, p.calendar->local_day(c.received));
    if (months < 0 && *dob > p.calendar->local_day(c.received)) return error = "dob: after the contact was received (for a pre-birth contact set unborn: true)", false;
    c.values[p.slot_age_months] = months;
    c.values[p.slot_age_years] = months / 12;
    c.known[p.slot_age_months] = c.known[p.slot_age_years] = 1;
  }
  for (const ConcernEntry& e : r.concerns) {
    std::uint16_t k = 0, level = 0;
    if (auto msg = concern_error(p, e, k, level); !msg.empty()) return error = std::move(msg), false;
    if (c.concern_levels[k]) return error = "concerns." + e.concern + ": given more than once", false;
    const Concern& cd = p.doc.concerns[k];
    bool has = std::any_of(cd.descriptors.begin(), cd.descriptors.end(), [&](auto& d) { return d.level == level; });
    if (!has) {
      std::string levels;
      for (auto& d : cd.descriptors) levels += (levels.empty() ? "" : ", ") + p.doc.levels[d.level].id;
      return error = "concerns." + e.concern + ": the document has no descriptor at level '" + e.level + "' (it has " + levels + ")", false;
    }
    c.concern_levels[k] = static_cast<std::uint8_t>(level + 1);
    c.domains |= p.concern_domain_bit[k];
    if (k < 64) c.concern_bits |= 1ull << k;
  }
  for (std::uint16_t k = 0; k < c.concern_levels.size(); ++k)
    if (c.concern_levels[k]) c.concerns.push_back(k);
  return true;
}

bool RuleSet::resolve(const HistoryRecord& h, PastContact& out, std::string& error) const {
  const Program& p = *program_;
  out.concerns.clear();
  out.domains = 0;
  auto t = detail::parse_timestamp(h.received);
  if (!t) return error = "received: not an ISO 8601 timestamp with an offset", false;
  out.received = *t;
  for (auto& e : h.concerns) {
    std::uint16_t k = 0, level = 0;
    if (auto msg = concern_error(p, e, k, level); !msg.empty()) return error = std::move(msg), false;
    if (std::find(out.concerns.begin(), out.concerns.end(), k) == out.concerns.end()) out.concerns.push_back(k);
    out.domains |= p.concern_domain_bit[k];
  }
  out.referral = h.referral.value_or(false);
  if (h.outcome) {
    auto it = p.outcome_by_name.find(*h.outcome);
    if (it == p.outcome_by_name.end()) return error = "outcome: unknown outcome " + shown_id(*h.outcome), false;
    out.referral = out.referral || p.doc.outcomes[it->second].referral;
  }
  return true;
}

// --- deciding -------------------------------------------------------------------------------------

void RuleSet::decide(const Contact& c, std::span<const PastContact> history, Decision& out) const noexcept {
  detail::NoStepTrace trace;
  detail::decide_core(*program_, c, history, out, trace);
}

namespace {

bool resolve_history(const RuleSet& rs, std::span<const HistoryRecord> in, std::vector<PastContact>& out, std::string& error) {
  if (in.size() > kMaxHistoryItems) {
    error = detail::too_long_history(in.size());
    return false;
  }
  out.resize(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!rs.resolve(in[i], out[i], error)) {
      error = "history[" + std::to_string(i) + "]." + error;
      return false;
    }
  }
  return true;
}

}  // namespace

Decision RuleSet::decide(const ContactRecord& record, std::span<const HistoryRecord> history) const {
  Decision d;
  Contact c;
  std::vector<PastContact> past;
  std::string error;
  if (record.history) history = *record.history;
  if (!resolve(record, c, error) || !resolve_history(*this, history, past, error)) {
    d.contact = c.id;
    d.error = std::move(error);
    return d;
  }
  decide(c, past, d);
  return d;
}

Explanation RuleSet::explain(const ContactRecord& record, std::span<const HistoryRecord> history) const {
  Explanation ex;
  Contact c;
  std::vector<PastContact> past;
  std::string error;
  if (record.history) history = *record.history;
  if (!resolve(record, c, error) || !resolve_history(*this, history, past, error)) {
    ex.decision.contact = c.id;
    ex.decision.error = std::move(error);
    return ex;
  }
  detail::StepTrace trace(*program_, ex.steps);
  detail::decide_core(*program_, c, past, ex.decision, trace);
  return ex;
}

std::vector<Decision> RuleSet::decide_batch(std::span<const ContactRecord> rows,
                                            const std::function<void(std::size_t, std::size_t)>& progress) const {
  const Program& p = *program_;
  std::vector<Decision> out(rows.size());
  std::vector<Contact> contacts(rows.size());
  std::vector<std::uint8_t> ok(rows.size(), 0);
  std::vector<std::size_t> order;
  std::string error;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (resolve(rows[i], contacts[i], error)) {
      ok[i] = 1;
      order.push_back(i);
    } else {
      out[i].contact = contacts[i].id;
      out[i].error = error;
    }
  }
  // Each child's rows in time order (ties by input order); rows without a child stand alone.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (contacts[a].child != contacts[b].child) return contacts[a].child < contacts[b].child;
    return contacts[a].received < contacts[b].received;
  });
  std::vector<PastContact> past, own;
  const std::int64_t reach = detail::window_reach(p);
  std::string current_child;
  std::size_t done = rows.size() - order.size();
  for (std::size_t i : order) {
    if (progress && ++done % 8192 == 0) progress(done, rows.size());
    const Contact& c = contacts[i];
    if (c.child.empty() || c.child != current_child) past.clear();
    current_child = c.child;
    if (rows[i].history) {
      if (!resolve_history(*this, *rows[i].history, own, error)) {
        out[i].contact = c.id;
        out[i].error = error;
        continue;
      }
      decide(c, own, out[i]);
    } else {
      // The child's earlier rows are in time order; those before every counter's window never count.
      std::span<const PastContact> window = detail::history_in_windows(p, reach, c.received, past);
      if (window.size() > kMaxHistoryItems) {
        out[i].contact = c.id;
        out[i].error = detail::too_much_history();
        continue;
      }
      decide(c, window, out[i]);
    }
    if (c.child.empty()) continue;
    PastContact h;
    h.received = c.received;
    h.concerns = c.concerns;
    h.domains = c.domains;
    h.referral = p.doc.outcomes[out[i].outcome].referral;
    past.push_back(std::move(h));
  }
  if (progress) progress(rows.size(), rows.size());
  return out;
}

}  // namespace frontdoor
