// Front-door figures (SPEC section 6) and the consistency audit. See include/frontdoor/figures.hpp.
#include "frontdoor/figures.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "compile/program.hpp"
#include "figures/report.hpp"
#include "resolve/coerce.hpp"
#include "time/calendar.hpp"
#include "time/civil.hpp"
#include "util/json.hpp"

namespace frontdoor {

namespace {

constexpr std::array<std::string_view, kCategoryCount> kCategories = {"nfa", "early_help", "assessment", "s47", "open_case", "other"};

// DfE children-in-need census referral sources, for the text report.
std::string_view source_label(std::string_view code) {
  static const std::pair<std::string_view, std::string_view> labels[] = {{"1A", "family member/relative/carer"},
                                                                         {"1B", "acquaintance"},
                                                                         {"1C", "self"},
                                                                         {"1D", "other individual"},
                                                                         {"2A", "schools"},
                                                                         {"2B", "education services"},
                                                                         {"3A", "GP"},
                                                                         {"3B", "health visitor"},
                                                                         {"3C", "school nurse"},
                                                                         {"3D", "other primary health"},
                                                                         {"3E", "A&E"},
                                                                         {"3F", "other health"},
                                                                         {"4", "housing"},
                                                                         {"5A", "LA social care"},
                                                                         {"5B", "LA other internal"},
                                                                         {"5C", "LA external"},
                                                                         {"5D", "LA early help"},
                                                                         {"6", "police"},
                                                                         {"7", "other legal agency"},
                                                                         {"8", "other"},
                                                                         {"9", "anonymous"},
                                                                         {"10", "unknown source"}};
  for (auto& [c, l] : labels)
    if (c == code) return l;
  return {};
}

// DfE codes in their own order: 1A, 1B, ..., 2A, ..., 10; anything else after them, by text.
std::tuple<int, long, std::string> source_sort_key(const std::string& code) {
  std::size_t i = 0;
  while (i < code.size() && code[i] >= '0' && code[i] <= '9') ++i;
  if (i == 0 || i > 6) return {1, 0, code};
  return {0, std::stol(code.substr(0, i)), code.substr(i)};
}

using detail::month_key;

template <class T>
void check_length(const std::vector<T>& v, std::size_t n, const char* name) {
  if (!v.empty() && v.size() != n)
    throw std::invalid_argument(std::string("figures: column '") + name + "' has " + std::to_string(v.size()) + " entries for " +
                                std::to_string(n) + " contacts");
}

// A value as text, as the engine reads a text field (src/resolve/coerce.hpp); "" when it is not.
std::string scalar_text(const Scalar* v) {
  std::string out;
  if (v) coerce::text_of(*v, out);
  return out;
}

// SPEC 7.8's columns, when any decided contact carries a recorded outcome.
void add_override_columns(const ThresholdDocument& doc, std::span<const Decision> decisions, FigureInput& in) {
  if (std::none_of(decisions.begin(), decisions.end(), [](const Decision& d) { return d.ok() && d.recorded.outcome != kNoIndex; })) return;
  for (auto& r : doc.override_reasons) in.reasons.push_back(r.id);
  for (auto& l : doc.levels) in.levels.push_back(l.id);
  const std::size_t n = decisions.size();
  in.override_direction.assign(n, -1);
  in.override_reason.assign(n, -1);
  in.level.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const Decision& d = decisions[i];
    if (!d.ok()) continue;
    in.level[i] = d.level;
    if (d.recorded.outcome == kNoIndex) continue;
    in.override_direction[i] = static_cast<std::int8_t>(d.recorded.direction);
    if (d.recorded.overrides() && d.recorded.reason != kNoIndex) in.override_reason[i] = d.recorded.reason;
  }
}

}  // namespace

std::optional<Category> category_from_string(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kCategories.size(); ++i)
    if (kCategories[i] == s) return static_cast<Category>(i);
  return std::nullopt;
}

std::int32_t local_month(const RuleSet& rules, std::int64_t utc) {
  auto c = detail::civil_from_days(rules.program().calendar->local_day(utc));
  return c.year * 12 + static_cast<std::int32_t>(c.month) - 1;
}

// --- figures ---------------------------------------------------------------------------------------

Figures compute_figures(const FigureInput& in, const FigureOptions& options) {
  const std::size_t n = in.size();
  check_length(in.child, n, "child");
  check_length(in.source, n, "source");
  check_length(in.received, n, "received");
  check_length(in.month, n, "month");
  check_length(in.deadline, n, "deadline");
  check_length(in.decided, n, "decided");
  check_length(in.flag_set, n, "flag_set");
  for (std::size_t i = 0; i < n; ++i) {
    if (in.outcome[i] >= static_cast<std::int32_t>(in.outcomes.size()) || in.outcome[i] < -1)
      throw std::invalid_argument("figures: an outcome code is out of range");
    if (!in.source.empty() && (in.source[i] >= static_cast<std::int32_t>(in.sources.size()) || in.source[i] < -1))
      throw std::invalid_argument("figures: a source code is out of range");
    if (!in.flag_set.empty() && (in.flag_set[i] >= static_cast<std::int32_t>(in.flag_sets.size()) || in.flag_set[i] < -1))
      throw std::invalid_argument("figures: a flag-set code is out of range");
  }
  for (auto& set : in.flag_sets)
    for (auto f : set)
      if (f >= in.flags.size()) throw std::invalid_argument("figures: a flag index is out of range");

  Figures out;
  out.options = options;
  out.has_children = !in.child.empty() && !in.received.empty();
  out.has_decided = !in.decided.empty() && std::any_of(in.decided.begin(), in.decided.end(), [](auto t) { return t != kNoTime; });
  out.has_sources = !in.source.empty();
  out.has_months = !in.month.empty();
  out.all.key = "all";

  // Which flag sets carry the repeat flag.
  std::vector<std::uint8_t> repeat_in_set(in.flag_sets.size(), 0);
  for (std::size_t s = 0; s < in.flag_sets.size(); ++s)
    for (auto f : in.flag_sets[s])
      if (in.flags[f] == options.repeat_flag) repeat_in_set[s] = 1;

  // Re-referrals: a referral with an earlier referral of the same child in [received - window, received).
  std::vector<std::uint8_t> re_referral(n, 0);
  if (out.has_children) {
    std::vector<std::tuple<std::int64_t, std::int64_t, std::size_t>> refs;
    for (std::size_t i = 0; i < n; ++i) {
      std::int32_t o = in.outcome[i];
      if (o < 0 || !in.outcomes[o].referral || in.child[i] < 0 || in.received[i] == kNoTime) continue;
      refs.emplace_back(in.child[i], in.received[i], i);
    }
    std::sort(refs.begin(), refs.end());
    std::size_t i = 0;
    while (i < refs.size()) {
      std::int64_t child = std::get<0>(refs[i]);
      std::int64_t previous = kNoTime;  // the latest referral of this child strictly before the current time
      while (i < refs.size() && std::get<0>(refs[i]) == child) {
        std::int64_t t = std::get<1>(refs[i]);
        std::size_t j = i;
        std::int64_t from = detail::minus_months(t, options.re_referral_months);
        for (; j < refs.size() && std::get<0>(refs[j]) == child && std::get<1>(refs[j]) == t; ++j)
          if (previous != kNoTime && previous >= from) re_referral[std::get<2>(refs[j])] = 1;
        previous = t;
        i = j;
      }
    }
  }

  std::vector<FigureCounts> by_source(in.sources.size() + 1);
  for (std::size_t s = 0; s < in.sources.size(); ++s) by_source[s].key = in.sources[s];
  by_source.back().key = "unknown";
  std::map<std::int32_t, FigureCounts> by_month;
  FigureCounts unknown_month;
  unknown_month.key = "unknown";
  std::vector<std::int64_t> outcome_count(in.outcomes.size(), 0), flag_count(in.flags.size(), 0);

  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t o = in.outcome[i];
    std::int32_t fs = in.flag_set.empty() ? -1 : in.flag_set[i];
    bool timed = o >= 0 && !in.decided.empty() && in.decided[i] != kNoTime;
    bool in_time = timed && !in.deadline.empty() && in.deadline[i] != kNoTime && in.decided[i] <= in.deadline[i];
    auto add = [&](FigureCounts& c) {
      ++c.contacts;
      if (o < 0) {
        ++c.rejected;
        return;
      }
      const auto& kind = in.outcomes[o];
      ++c.categories[static_cast<std::size_t>(kind.category)];
      c.referrals += kind.referral;
      c.s47 += kind.category == Category::s47;
      c.re_referrals += re_referral[i];
      c.repeat_contacts += fs >= 0 && repeat_in_set[fs];
      c.timed += timed;
      c.within_deadline += in_time;
    };
    add(out.all);
    if (out.has_sources) add(by_source[in.source[i] < 0 ? in.sources.size() : static_cast<std::size_t>(in.source[i])]);
    if (out.has_months) {
      std::int32_t m = in.month[i];
      if (m < 0) {
        add(unknown_month);
      } else {
        auto it = by_month.find(m);
        if (it == by_month.end()) {
          it = by_month.emplace(m, FigureCounts{}).first;
          it->second.key = month_key(m);
        }
        add(it->second);
      }
    }
    if (o >= 0) {
      ++outcome_count[o];
      if (fs >= 0)
        for (auto f : in.flag_sets[fs]) ++flag_count[f];
    }
  }

  if (out.has_sources) {
    std::vector<std::size_t> order(in.sources.size());
    for (std::size_t s = 0; s < order.size(); ++s) order[s] = s;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return source_sort_key(in.sources[a]) < source_sort_key(in.sources[b]); });
    for (auto s : order)
      if (by_source[s].contacts) out.by_source.push_back(by_source[s]);
    if (by_source.back().contacts) out.by_source.push_back(by_source.back());
  }
  for (auto& [m, c] : by_month) out.by_month.push_back(c);
  if (unknown_month.contacts) out.by_month.push_back(unknown_month);
  // Outcomes with the same id (a host may pass one kind per category) are added together.
  for (std::size_t o = 0; o < in.outcomes.size(); ++o) {
    auto it = std::find_if(out.outcomes.begin(), out.outcomes.end(), [&](auto& p) { return p.first == in.outcomes[o].id; });
    if (it == out.outcomes.end())
      out.outcomes.emplace_back(in.outcomes[o].id, outcome_count[o]);
    else
      it->second += outcome_count[o];
  }
  for (std::size_t f = 0; f < in.flags.size(); ++f)
    if (flag_count[f]) out.flags.emplace_back(in.flags[f], flag_count[f]);
  std::stable_sort(out.flags.begin(), out.flags.end(), [](auto& a, auto& b) { return a.second > b.second; });
  detail::count_overrides(in, out);
  return out;
}

FigureInput figure_input(const RuleSet& rules, std::span<const ContactRecord> records, std::span<const Decision> decisions) {
  if (records.size() != decisions.size()) throw std::invalid_argument("figure_input: records and decisions differ in length");
  const ThresholdDocument& doc = rules.document();
  FigureInput in;
  for (auto& o : doc.outcomes) in.outcomes.push_back({o.id, o.category, o.referral});
  in.flags = doc.flags;
  const std::size_t n = records.size();
  in.outcome.resize(n);
  in.child.resize(n);
  in.source.resize(n);
  in.received.resize(n);
  in.month.resize(n);
  in.deadline.resize(n);
  in.decided.resize(n);
  in.flag_set.resize(n);
  std::unordered_map<std::string, std::int64_t> children;
  std::unordered_map<std::string, std::int32_t> sources;
  std::map<std::vector<std::uint32_t>, std::int32_t> flag_sets;
  bool any_decided = false;
  std::vector<std::string> source_codes;
  for (const Field& f : doc.fields)
    if (f.built_in && f.id == "source") source_codes = f.values;
  for (std::size_t i = 0; i < n; ++i) {
    const ContactRecord& r = records[i];
    const Decision& d = decisions[i];
    in.outcome[i] = d.ok() ? d.outcome : -1;
    std::string child = scalar_text(r.find("child"));
    in.child[i] = child.empty() ? -1 : children.emplace(child, static_cast<std::int64_t>(children.size())).first->second;
    std::string source = scalar_text(r.find("source"));
    // Only a DfE code is a slice; anything else a row gave (free text, maybe personal data) is "unknown".
    if (source.empty() || std::find(source_codes.begin(), source_codes.end(), source) == source_codes.end()) {
      in.source[i] = -1;
    } else {
      auto [it, added] = sources.emplace(source, static_cast<std::int32_t>(in.sources.size()));
      if (added) in.sources.push_back(source);
      in.source[i] = it->second;
    }
    std::int64_t received = kNoTime;
    if (d.ok())
      received = d.received;
    else if (auto* v = r.find("received"); v && std::holds_alternative<std::string>(*v))
      received = detail::parse_timestamp(std::get<std::string>(*v)).value_or(kNoTime);
    in.received[i] = received;
    in.month[i] = received == kNoTime ? -1 : local_month(rules, received);
    in.deadline[i] = d.ok() && d.deadline_from.kind != DeadlineSource::Kind::none ? d.deadline : kNoTime;
    in.decided[i] = kNoTime;
    if (auto* v = r.find("decided"); v && std::holds_alternative<std::string>(*v)) {
      in.decided[i] = detail::parse_timestamp(std::get<std::string>(*v)).value_or(kNoTime);
      any_decided = any_decided || in.decided[i] != kNoTime;
    }
    in.flag_set[i] = -1;
    if (d.ok()) {
      std::vector<std::uint32_t> set;
      for (auto rule : d.rules)
        for (auto f : doc.rules[rule].flags)
          if (std::find(set.begin(), set.end(), f) == set.end()) set.push_back(f);
      if (!set.empty()) {
        auto [it, added] = flag_sets.emplace(set, static_cast<std::int32_t>(in.flag_sets.size()));
        if (added) in.flag_sets.push_back(set);
        in.flag_set[i] = it->second;
      }
    }
  }
  if (!any_decided) in.decided.clear();
  if (children.empty()) in.child.clear();
  add_override_columns(doc, decisions, in);
  return in;
}

std::string to_json(const Figures& f) {
  detail::JsonWriter w;
  auto counts = [&](const FigureCounts& c) {
    w.open('{');
    w.key("key").string(c.key);
    w.key("contacts").number(c.contacts);
    w.key("decided").number(c.decided());
    w.key("rejected").number(c.rejected);
    w.key("categories").open('{');
    for (std::size_t k = 0; k < kCategoryCount; ++k) w.key(kCategories[k]).number(c.categories[k]);
    w.close('}');
    w.key("category_share").open('{');
    for (std::size_t k = 0; k < kCategoryCount; ++k) w.key(kCategories[k]).ratio(c.categories[k], c.decided());
    w.close('}');
    w.key("referrals").number(c.referrals);
    w.key("conversion").ratio(c.referrals, c.decided());
    w.key("s47").number(c.s47);
    w.key("s47_share").ratio(c.s47, c.decided());
    w.key("s47_share_of_referrals").ratio(c.s47, c.referrals);
    w.key("re_referrals");
    f.has_children ? w.number(c.re_referrals) : w.null();
    w.key("re_referral_rate");
    f.has_children ? w.ratio(c.re_referrals, c.referrals) : w.null();
    w.key("repeat_contacts").number(c.repeat_contacts);
    w.key("repeat_contact_share").ratio(c.repeat_contacts, c.decided());
    w.key("timed").number(c.timed);
    w.key("within_deadline").number(c.within_deadline);
    w.key("within_deadline_share").ratio(c.within_deadline, c.timed);
    w.close('}');
  };
  w.open('{');
  w.key("figures");
  counts(f.all);
  w.key("outcomes").open('{');
  for (auto& [id, n] : f.outcomes) w.key(id).number(n);
  w.close('}');
  w.key("flags").open('{');
  for (auto& [id, n] : f.flags) w.key(id).number(n);
  w.close('}');
  w.key("by_source").open('[');
  for (auto& c : f.by_source) counts(c);
  w.close(']');
  w.key("by_month").open('[');
  for (auto& c : f.by_month) counts(c);
  w.close(']');
  w.key("definitions").open('{');
  w.key("repeat_flag").string(f.options.repeat_flag);
  w.key("re_referral_months").number(f.options.re_referral_months);
  w.key("has_children").boolean(f.has_children);
  w.key("has_decided").boolean(f.has_decided);
  w.close('}');
  detail::write_overrides(w, f);
  w.close('}');
  return std::move(w).str();
}

std::string to_text(const Figures& f) {
  using detail::percent;
  using detail::thousands;
  const FigureCounts& a = f.all;
  std::string o;
  auto line = [&](std::string label, std::string value, std::string note = {}) {
    o += "  " + detail::pad_right(std::move(label), 26) + detail::pad_left(std::move(value), 8);
    if (!note.empty()) o += "  " + note;
    o += '\n';
  };
  o += "Front-door figures\n";
  line("contacts", thousands(a.contacts), a.rejected ? "(" + thousands(a.rejected) + " rejected, left out of the shares below)" : "");
  for (std::size_t k = 0; k < kCategoryCount; ++k)
    if (a.categories[k])
      line("  " + std::string(kCategories[k]), percent(a.categories[k], a.decided()), "(" + thousands(a.categories[k]) + ")");
  line("contact -> referral", percent(a.referrals, a.decided()), "(" + thousands(a.referrals) + " referrals)");
  line("s47 share", percent(a.s47, a.decided()), "of contacts; " + percent(a.s47, a.referrals) + " of referrals");
  if (f.has_children)
    line("re-referral rate", percent(a.re_referrals, a.referrals),
         "(" + thousands(a.re_referrals) + " referrals within " + std::to_string(f.options.re_referral_months) +
             " months of an earlier one for the same child)");
  else
    line("re-referral rate", "-", "(needs `child` and `received`)");
  line("repeat contacts", percent(a.repeat_contacts, a.decided()),
       "(flag " + f.options.repeat_flag + ": " + thousands(a.repeat_contacts) + ")");
  if (f.has_decided)
    line("decided within deadline", percent(a.within_deadline, a.timed),
         "(" + thousands(a.within_deadline) + " of " + thousands(a.timed) + " with a `decided` time)");
  else
    line("decided within deadline", "-", "(the contacts carry no `decided` time)");
  if (!f.outcomes.empty()) {
    o += "\nOutcomes\n";
    for (auto& [id, n] : f.outcomes) line(id, thousands(n), percent(n, a.decided()));
  }
  if (!f.flags.empty()) {
    o += "\nFlags\n";
    for (auto& [id, n] : f.flags) line(id, thousands(n), percent(n, a.decided()));
  }
  auto table = [&](const char* title, const std::vector<FigureCounts>& rows, bool label_sources) {
    if (rows.empty()) return;
    o += std::string("\n") + title + "\n";
    std::string head = "  " + detail::pad_right(label_sources ? "source" : "month", 34) + detail::pad_left("contacts", 9);
    for (const char* h : {"nfa", "e.help", "assess", "s47", "open", "referral", "re-ref", "repeat"}) head += detail::pad_left(h, 9);
    if (f.has_decided) head += detail::pad_left("in time", 9);
    o += head + "\n";
    for (auto& c : rows) {
      std::string key = c.key;
      if (label_sources) {
        auto l = source_label(c.key);
        if (!l.empty()) key += " " + std::string(l);
      }
      std::string row = "  " + detail::pad_right(key, 34) + detail::pad_left(thousands(c.contacts), 9);
      for (std::size_t k = 0; k < 5; ++k) row += detail::pad_left(percent(c.categories[k], c.decided()), 9);
      row += detail::pad_left(percent(c.referrals, c.decided()), 9);
      row += detail::pad_left(f.has_children ? percent(c.re_referrals, c.referrals) : "-", 9);
      row += detail::pad_left(percent(c.repeat_contacts, c.decided()), 9);
      if (f.has_decided) row += detail::pad_left(percent(c.within_deadline, c.timed), 9);
      o += row + "\n";
    }
  };
  table("By source (shares of decided contacts; re-referral of referrals)", f.by_source, true);
  table("By month", f.by_month, false);
  detail::append_overrides_text(o, f);
  return o;
}

// --- audit -----------------------------------------------------------------------------------------

Audit compute_audit(const ThresholdDocument& doc, const FigureInput& in, std::span<const std::int32_t> recorded,
                    std::span<const std::string> values) {
  const std::size_t n = in.size();
  if (recorded.size() != n) throw std::invalid_argument("audit: the recorded outcomes and the decisions differ in length");
  // What each recorded value means: an outcome of the document, else a category, else nothing.
  struct Meaning {
    std::int32_t outcome = -1;
    std::optional<Category> category;
  };
  std::vector<Meaning> meaning(values.size());
  for (std::size_t v = 0; v < values.size(); ++v) {
    for (std::size_t o = 0; o < doc.outcomes.size(); ++o)
      if (doc.outcomes[o].id == values[v]) meaning[v] = {static_cast<std::int32_t>(o), doc.outcomes[o].category};
    if (meaning[v].outcome < 0) meaning[v].category = category_from_string(values[v]);
  }
  Audit a;
  std::map<std::string, std::int64_t> unrecognised;
  for (std::size_t i = 0; i < n; ++i) {
    ++a.rows;
    std::int32_t o = in.outcome[i], r = recorded[i];
    if (r >= static_cast<std::int32_t>(values.size()) || r < -1) throw std::invalid_argument("audit: a recorded code is out of range");
    if (o < 0) {
      ++a.rejected;
      continue;
    }
    if (r < 0) {
      ++a.not_recorded;
      continue;
    }
    const Meaning& m = meaning[r];
    if (!m.category) {
      ++a.unrecognised;
      ++unrecognised[values[r]];
      continue;
    }
    ++a.compared;
    const auto& engine = in.outcomes[o];
    ++a.confusion[static_cast<std::size_t>(*m.category)][static_cast<std::size_t>(engine.category)];
    bool same_category = *m.category == engine.category;
    a.category_agree += same_category;
    bool agree;
    if (m.outcome >= 0) {
      ++a.outcome_compared;
      agree = doc.outcomes[m.outcome].id == engine.id;
    } else {
      agree = same_category;
    }
    a.agree += agree;
    if (!agree) a.disagreeing.push_back(i);
  }
  for (auto& [v, k] : unrecognised) a.unrecognised_values.emplace_back(v, k);
  std::stable_sort(a.unrecognised_values.begin(), a.unrecognised_values.end(), [](auto& x, auto& y) { return x.second > y.second; });
  return a;
}

std::string to_json(const Audit& a, const std::function<std::string(std::size_t)>& contact_id, std::size_t examples) {
  detail::JsonWriter w;
  w.open('{');
  w.key("rows").number(a.rows);
  w.key("compared").number(a.compared);
  w.key("agree").number(a.agree);
  w.key("agreement").ratio(a.agree, a.compared);
  w.key("category_agree").number(a.category_agree);
  w.key("category_agreement").ratio(a.category_agree, a.compared);
  w.key("outcome_compared").number(a.outcome_compared);
  w.key("rejected").number(a.rejected);
  w.key("not_recorded").number(a.not_recorded);
  w.key("unrecognised").number(a.unrecognised);
  w.key("unrecognised_values").open('{');
  for (auto& [v, k] : a.unrecognised_values) w.key(v).number(k);
  w.close('}');
  w.key("confusion").open('{');
  w.key("categories").open('[');
  for (auto c : kCategories) w.string(c);
  w.close(']');
  w.key("recorded_by_engine").open('[');
  for (auto& row : a.confusion) {
    w.open('[');
    for (auto k : row) w.number(k);
    w.close(']');
  }
  w.close(']');
  w.close('}');
  w.key("disagreeing").number(static_cast<std::int64_t>(a.disagreeing.size()));
  w.key("examples").open('[');
  for (std::size_t i = 0; i < a.disagreeing.size() && i < examples; ++i)
    w.string(contact_id ? contact_id(a.disagreeing[i]) : std::to_string(a.disagreeing[i]));
  w.close(']');
  w.close('}');
  return std::move(w).str();
}

std::string to_text(const Audit& a, const std::function<std::string(std::size_t)>& contact_id, std::size_t examples) {
  using detail::pad_left;
  using detail::percent;
  using detail::thousands;
  std::string o = "Consistency audit: the outcome recorded against the document's\n";
  o += "  compared            " + pad_left(thousands(a.compared), 9) + "  contacts with a recorded outcome the document knows\n";
  o += "  agreement           " + pad_left(percent(a.agree, a.compared), 9) + "  (" + thousands(a.agree) + ")\n";
  o += "  same category       " + pad_left(percent(a.category_agree, a.compared), 9) + "  (" + thousands(a.category_agree) + ")\n";
  if (a.not_recorded) o += "  not recorded        " + pad_left(thousands(a.not_recorded), 9) + "\n";
  if (a.unrecognised) {
    o += "  unrecognised        " + pad_left(thousands(a.unrecognised), 9) + "  (";
    for (std::size_t i = 0; i < a.unrecognised_values.size() && i < 5; ++i)
      o += (i ? ", " : "") + a.unrecognised_values[i].first + " " + thousands(a.unrecognised_values[i].second);
    o += ")\n";
  }
  if (a.rejected) o += "  rejected            " + pad_left(thousands(a.rejected), 9) + "  (the engine could not decide them)\n";
  o += "\n  recorded \\ document";
  for (auto c : kCategories) o += pad_left(std::string(c), 12);
  o += "\n";
  for (std::size_t r = 0; r < kCategoryCount; ++r) {
    std::int64_t total = 0;
    for (auto k : a.confusion[r]) total += k;
    if (!total) continue;
    o += "  " + detail::pad_right(std::string(kCategories[r]), 19);
    for (auto k : a.confusion[r]) o += pad_left(thousands(k), 12);
    o += "\n";
  }
  if (!a.disagreeing.empty()) {
    o += "\n  " + thousands(static_cast<std::int64_t>(a.disagreeing.size())) + " disagree; for example:";
    for (std::size_t i = 0; i < a.disagreeing.size() && i < examples; ++i)
      o += (i ? ", " : " ") + (contact_id ? contact_id(a.disagreeing[i]) : std::to_string(a.disagreeing[i]));
    o += "\n";
  }
  return o;
}

}  // namespace frontdoor
