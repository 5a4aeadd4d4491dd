// SPEC 7.8's override figures: how often the front door recorded an outcome other than the
// document's, which way, why, and where (by level, source and month). Counted over the same slices
// as the other figures (src/figures/figures.cpp), so each table lines up with theirs.
#include <map>
#include <stdexcept>

#include "figures/report.hpp"

namespace frontdoor::detail {
namespace {

template <class T>
void check_column(const std::vector<T>& v, std::size_t n, const char* name) {
  if (!v.empty() && v.size() != n) throw std::invalid_argument(std::string("figures: column '") + name + "' has the wrong length");
}

void check_codes(const FigureInput& in) {
  const std::size_t n = in.size();
  check_column(in.override_direction, n, "override_direction");
  check_column(in.override_reason, n, "override_reason");
  check_column(in.level, n, "level");
  for (std::size_t i = 0; i < in.override_direction.size(); ++i)
    if (in.override_direction[i] < -1 || in.override_direction[i] > static_cast<std::int8_t>(OverrideDirection::across))
      throw std::invalid_argument("figures: an override direction is out of range");
  for (auto r : in.override_reason)
    if (r < -1 || r >= static_cast<std::int32_t>(in.reasons.size()))
      throw std::invalid_argument("figures: an override reason is out of range");
  for (auto l : in.level)
    if (l < -1 || l >= static_cast<std::int32_t>(in.levels.size())) throw std::invalid_argument("figures: a level code is out of range");
}

// Slices by key, in the order their keys were first given.
class Slices {
 public:
  explicit Slices(const std::vector<std::string>& keys) {
    for (auto& k : keys) at(k);
  }
  OverrideCounts& at(const std::string& key) {
    auto [it, added] = index_.emplace(key, rows_.size());
    if (added) rows_.push_back(OverrideCounts{key});
    return rows_[it->second];
  }
  std::vector<OverrideCounts> kept() const {
    std::vector<OverrideCounts> out;
    for (auto& r : rows_)
      if (r.recorded) out.push_back(r);
    return out;
  }

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<OverrideCounts> rows_;
};

template <class Rows>
std::vector<std::string> keys_of(const Rows& rows) {
  std::vector<std::string> keys;
  for (auto& r : rows) keys.push_back(r.key);
  return keys;
}

void add(OverrideCounts& c, std::int8_t direction, bool has_reason) {
  ++c.recorded;
  const auto d = static_cast<OverrideDirection>(direction);
  if (d == OverrideDirection::none) return;
  ++c.overrides;
  c.up += d == OverrideDirection::up;
  c.down += d == OverrideDirection::down;
  c.across += d == OverrideDirection::across;
  c.unexplained += !has_reason;
}

void counts_json(JsonWriter& w, const OverrideCounts& c) {
  w.open('{');
  w.key("key").string(c.key);
  w.key("recorded").number(c.recorded);
  w.key("overrides").number(c.overrides);
  w.key("override_share").ratio(c.overrides, c.recorded);
  w.key("up").number(c.up);
  w.key("down").number(c.down);
  w.key("across").number(c.across);
  w.key("unexplained").number(c.unexplained);
  w.close('}');
}

}  // namespace

void count_overrides(const FigureInput& in, Figures& f) {
  check_codes(in);
  OverrideFigures& o = f.overrides;
  o = OverrideFigures{};
  o.all.key = "all";
  if (in.override_direction.empty()) return;
  o.present = true;
  Slices by_level(in.levels), by_source(keys_of(f.by_source)), by_month(keys_of(f.by_month));
  std::vector<std::int64_t> by_reason(in.reasons.size(), 0);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::int8_t d = in.override_direction[i];
    if (d < 0 || in.outcome[i] < 0) continue;
    const std::int32_t reason = in.override_reason.empty() ? -1 : in.override_reason[i];
    const bool has_reason = reason >= 0;
    add(o.all, d, has_reason);
    const std::int32_t level = in.level.empty() ? -1 : in.level[i];
    add(by_level.at(level < 0 ? std::string("unknown") : in.levels[static_cast<std::size_t>(level)]), d, has_reason);
    if (f.has_sources) {
      const std::int32_t s = in.source[i];
      add(by_source.at(s < 0 ? std::string("unknown") : in.sources[static_cast<std::size_t>(s)]), d, has_reason);
    }
    if (f.has_months) add(by_month.at(in.month[i] < 0 ? std::string("unknown") : month_key(in.month[i])), d, has_reason);
    if (d != static_cast<std::int8_t>(OverrideDirection::none) && has_reason) ++by_reason[static_cast<std::size_t>(reason)];
  }
  for (std::size_t r = 0; r < in.reasons.size(); ++r) o.by_reason.emplace_back(in.reasons[r], by_reason[r]);
  o.by_level = by_level.kept();
  o.by_source = by_source.kept();
  o.by_month = by_month.kept();
}

void write_overrides(JsonWriter& w, const Figures& f) {
  const OverrideFigures& o = f.overrides;
  w.key("overrides");
  if (!o.present) {
    w.null();
    return;
  }
  w.open('{');
  w.key("all");
  counts_json(w, o.all);
  w.key("by_reason").open('{');
  for (auto& [id, n] : o.by_reason) w.key(id).number(n);
  w.close('}');
  w.key("unexplained").number(o.all.unexplained);
  for (auto [name, rows] : {std::pair{"by_level", &o.by_level}, std::pair{"by_source", &o.by_source}, std::pair{"by_month", &o.by_month}}) {
    w.key(name).open('[');
    for (auto& c : *rows) counts_json(w, c);
    w.close(']');
  }
  w.close('}');
}

void append_overrides_text(std::string& out, const Figures& f) {
  const OverrideFigures& o = f.overrides;
  if (!o.present) return;
  const OverrideCounts& a = o.all;
  auto line = [&](std::string label, std::string value, std::string note = {}) {
    out += "  " + pad_right(std::move(label), 26) + pad_left(std::move(value), 8);
    if (!note.empty()) out += "  " + note;
    out += '\n';
  };
  out += "\nOverrides (the recorded outcome differs from the document's)\n";
  line("overrides", percent(a.overrides, a.recorded),
       "(" + thousands(a.overrides) + " of " + thousands(a.recorded) + " decided contacts with a recorded outcome)");
  line("  up", percent(a.up, a.overrides), "(" + thousands(a.up) + ")");
  line("  down", percent(a.down, a.overrides), "(" + thousands(a.down) + ")");
  line("  across", percent(a.across, a.overrides), "(" + thousands(a.across) + ")");
  line("  unexplained", percent(a.unexplained, a.overrides), "(" + thousands(a.unexplained) + " with no reason)");
  for (auto& [id, n] : o.by_reason) line("  reason " + id, percent(n, a.overrides), "(" + thousands(n) + ")");
  auto table = [&](const char* title, const std::vector<OverrideCounts>& rows) {
    if (rows.empty()) return;
    out += std::string("\nOverrides by ") + title + "\n";
    out += "  " + pad_right(title, 12) + pad_left("recorded", 10) + pad_left("overrides", 11) + pad_left("up", 7) + pad_left("down", 7) +
           pad_left("across", 8) + pad_left("no reason", 11) + "\n";
    for (auto& c : rows)
      out += "  " + pad_right(c.key, 12) + pad_left(thousands(c.recorded), 10) + pad_left(percent(c.overrides, c.recorded), 11) +
             pad_left(thousands(c.up), 7) + pad_left(thousands(c.down), 7) + pad_left(thousands(c.across), 8) +
             pad_left(thousands(c.unexplained), 11) + "\n";
  };
  table("level", o.by_level);
  table("source", o.by_source);
  table("month", o.by_month);
}

}  // namespace frontdoor::detail
