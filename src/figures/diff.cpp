// What-if: how outcomes move between two documents over the same contacts, and why.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "figures/report.hpp"
#include "frontdoor/figures.hpp"
#include "util/json.hpp"

namespace frontdoor {

namespace {

constexpr std::string_view kRejected = "(rejected)";

std::string category_name(const ThresholdDocument& doc, std::int32_t outcome) {
  return outcome < 0 ? std::string() : std::string(to_string(doc.outcomes[outcome].category));
}

std::string outcome_name(const ThresholdDocument& doc, std::int32_t outcome) {
  return outcome < 0 ? std::string(kRejected) : doc.outcomes[outcome].id;
}

void check_side(const DiffSide& s, std::size_t n, const char* which) {
  if (s.outcome.size() != n || s.level.size() != n || s.routing.size() != n || s.rule_set.size() != n)
    throw std::invalid_argument(std::string("diff: side ") + which + " does not have one entry per contact");
}

}  // namespace

DiffSide diff_side(std::span<const Decision> decisions) {
  DiffSide s;
  const std::size_t n = decisions.size();
  s.outcome.resize(n);
  s.level.resize(n);
  s.routing.resize(n);
  s.rule_set.resize(n);
  std::map<std::vector<Index>, std::int32_t> sets;
  for (std::size_t i = 0; i < n; ++i) {
    const Decision& d = decisions[i];
    if (!d.ok()) {
      s.outcome[i] = s.level[i] = s.routing[i] = s.rule_set[i] = -1;
      continue;
    }
    s.outcome[i] = d.outcome;
    s.level[i] = d.level;
    s.routing[i] = d.routing == kNoIndex ? -1 : d.routing;
    auto [it, added] = sets.emplace(d.rules, static_cast<std::int32_t>(s.rule_sets.size()));
    if (added) s.rule_sets.push_back(d.rules);
    s.rule_set[i] = it->second;
  }
  return s;
}

Diff compute_diff(const RuleSet& a, const DiffSide& sa, const RuleSet& b, const DiffSide& sb,
                  const std::function<std::string(std::size_t)>& contact_id, const DiffOptions& options) {
  const std::size_t n = sa.outcome.size();
  check_side(sa, n, "A");
  check_side(sb, n, "B");
  const ThresholdDocument& da = a.document();
  const ThresholdDocument& db = b.document();
  Diff d;
  d.document_a = da.id + (da.version.empty() ? "" : " " + da.version);
  d.document_b = db.id + (db.version.empty() ? "" : " " + db.version);
  d.path_a = a.source().path();
  d.path_b = b.source().path();
  d.contacts = static_cast<std::int64_t>(n);

  bool rejected_a = std::any_of(sa.outcome.begin(), sa.outcome.end(), [](auto o) { return o < 0; });
  bool rejected_b = std::any_of(sb.outcome.begin(), sb.outcome.end(), [](auto o) { return o < 0; });
  for (auto& o : da.outcomes) d.rows.push_back(o.id);
  if (rejected_a) d.rows.emplace_back(kRejected);
  for (auto& o : db.outcomes) d.columns.push_back(o.id);
  if (rejected_b) d.columns.emplace_back(kRejected);
  d.table.assign(d.rows.size(), std::vector<std::int64_t>(d.columns.size(), 0));

  struct Acc {
    std::int64_t count = 0;
    std::map<std::string, std::int64_t> causes, entries;
    std::vector<std::size_t> examples;
  };
  std::map<std::pair<std::int32_t, std::int32_t>, Acc> moves;

  auto rule_ids = [](const ThresholdDocument& doc, const DiffSide& s, std::size_t i) {
    std::vector<std::string> ids;
    if (s.rule_set[i] >= 0)
      for (auto r : s.rule_sets[static_cast<std::size_t>(s.rule_set[i])]) ids.push_back(doc.rules[r].id);
    return ids;
  };

  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t oa = sa.outcome[i], ob = sb.outcome[i];
    std::size_t row = oa < 0 ? d.rows.size() - 1 : static_cast<std::size_t>(oa);
    std::size_t col = ob < 0 ? d.columns.size() - 1 : static_cast<std::size_t>(ob);
    ++d.table[row][col];
    if (oa < 0)
      ++d.rejected_a;
    else {
      ++d.categories_a[static_cast<std::size_t>(da.outcomes[oa].category)];
      d.referrals_a += da.outcomes[oa].referral;
    }
    if (ob < 0)
      ++d.rejected_b;
    else {
      ++d.categories_b[static_cast<std::size_t>(db.outcomes[ob].category)];
      d.referrals_b += db.outcomes[ob].referral;
    }
    if (outcome_name(da, oa) == outcome_name(db, ob)) continue;
    ++d.changed;
    Acc& acc = moves[{oa, ob}];
    ++acc.count;
    if (acc.examples.size() < options.examples) acc.examples.push_back(i);

    // What differed between the two decisions.
    std::vector<std::string> parts, entries;
    if (oa < 0 || ob < 0) {
      parts.push_back(oa < 0 ? "rejected under A" : "rejected under B");
    } else {
      const std::string& la = da.levels[sa.level[i]].id;
      const std::string& lb = db.levels[sb.level[i]].id;
      if (la != lb) parts.push_back("level " + la + " -> " + lb);
      auto ra = rule_ids(da, sa, i), rb = rule_ids(db, sb, i);
      for (auto& r : rb)
        if (std::find(ra.begin(), ra.end(), r) == ra.end()) parts.push_back("+rule " + r), entries.push_back(r);
      for (auto& r : ra)
        if (std::find(rb.begin(), rb.end(), r) == rb.end()) parts.push_back("-rule " + r), entries.push_back(r);
      std::string route_a = sa.routing[i] < 0 ? "" : da.routing[sa.routing[i]].id;
      std::string route_b = sb.routing[i] < 0 ? "" : db.routing[sb.routing[i]].id;
      if (route_a != route_b) {
        parts.push_back("routing " + (route_a.empty() ? std::string("(level route)") : route_a) + " -> " +
                        (route_b.empty() ? std::string("(level route)") : route_b));
        if (!route_a.empty()) entries.push_back(route_a);
        if (!route_b.empty()) entries.push_back(route_b);
      }
      if (parts.empty()) {  // the same rules and routing, but the documents send them to different outcomes
        if (!route_b.empty()) {
          parts.push_back("routing " + route_b + " gives " + db.outcomes[ob].id + " in B");
          entries.push_back(route_b);
        } else {
          parts.push_back("level " + lb + " routes to " + db.outcomes[ob].id + " in B");
          entries.push_back("level " + lb);
        }
      }
    }
    std::string cause;
    for (std::size_t k = 0; k < parts.size(); ++k) cause += (k ? "; " : "") + parts[k];
    ++acc.causes[cause];
    std::set<std::string> seen;
    for (auto& e : entries)
      if (seen.insert(e).second) ++acc.entries[e];
  }

  auto top = [](const std::map<std::string, std::int64_t>& m, std::size_t k) {
    std::vector<std::pair<std::string, std::int64_t>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(), [](auto& x, auto& y) { return x.second > y.second; });
    if (k && v.size() > k) v.resize(k);
    return v;
  };
  for (auto& [key, acc] : moves) {
    Move m;
    m.from = outcome_name(da, key.first);
    m.to = outcome_name(db, key.second);
    m.from_category = category_name(da, key.first);
    m.to_category = category_name(db, key.second);
    m.count = acc.count;
    m.causes = top(acc.causes, options.causes);
    m.entries = top(acc.entries, 0);
    for (auto i : acc.examples) m.examples.push_back(contact_id ? contact_id(i) : std::to_string(i));
    d.moves.push_back(std::move(m));
  }
  std::stable_sort(d.moves.begin(), d.moves.end(), [](auto& x, auto& y) { return x.count > y.count; });
  return d;
}

std::string to_json(const Diff& d) {
  static constexpr std::string_view cats[] = {"nfa", "early_help", "assessment", "s47", "open_case", "other"};
  detail::JsonWriter w;
  w.open('{');
  w.key("documents").open('{');
  w.key("a").open('{').key("id").string(d.document_a).key("path").string(d.path_a).close('}');
  w.key("b").open('{').key("id").string(d.document_b).key("path").string(d.path_b).close('}');
  w.close('}');
  w.key("contacts").number(d.contacts);
  w.key("changed").number(d.changed);
  w.key("changed_share").ratio(d.changed, d.contacts);
  w.key("categories").open('{');
  for (std::size_t k = 0; k < kCategoryCount; ++k) w.key(cats[k]).open('[').number(d.categories_a[k]).number(d.categories_b[k]).close(']');
  w.close('}');
  w.key("referrals").open('[').number(d.referrals_a).number(d.referrals_b).close(']');
  w.key("rejected").open('[').number(d.rejected_a).number(d.rejected_b).close(']');
  w.key("transitions").open('{');
  w.key("rows").open('[');
  for (auto& r : d.rows) w.string(r);
  w.close(']');
  w.key("columns").open('[');
  for (auto& c : d.columns) w.string(c);
  w.close(']');
  w.key("counts").open('[');
  for (auto& row : d.table) {
    w.open('[');
    for (auto k : row) w.number(k);
    w.close(']');
  }
  w.close(']');
  w.close('}');
  w.key("moves").open('[');
  for (auto& m : d.moves) {
    w.open('{');
    w.key("from").string(m.from);
    w.key("to").string(m.to);
    w.key("from_category").string(m.from_category);
    w.key("to_category").string(m.to_category);
    w.key("count").number(m.count);
    w.key("causes").open('[');
    for (auto& [c, k] : m.causes) w.open('{').key("cause").string(c).key("count").number(k).close('}');
    w.close(']');
    w.key("entries").open('[');
    for (auto& [e, k] : m.entries) w.open('{').key("id").string(e).key("count").number(k).close('}');
    w.close(']');
    w.key("examples").open('[');
    for (auto& e : m.examples) w.string(e);
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return std::move(w).str();
}

std::string to_text(const Diff& d) {
  using detail::pad_left;
  using detail::pad_right;
  using detail::percent;
  using detail::thousands;
  static constexpr std::string_view cats[] = {"nfa", "early_help", "assessment", "s47", "open_case", "other"};
  std::string o = "What-if: " + d.document_a + " (A) -> " + d.document_b + " (B) over " + thousands(d.contacts) + " contacts\n";
  o += "  " + thousands(d.changed) + " contacts (" + percent(d.changed, d.contacts) + ") change outcome\n\n";
  auto signed_text = [&](std::int64_t v) {
    std::string t = thousands(v);
    if (v > 0) t.insert(t.begin(), '+');
    return t;
  };
  o += "  " + pad_right("", 20) + pad_left("A", 10) + pad_left("B", 10) + pad_left("change", 10) + "\n";
  for (std::size_t k = 0; k < kCategoryCount; ++k) {
    if (!d.categories_a[k] && !d.categories_b[k]) continue;
    o += "  " + pad_right(std::string(cats[k]), 20) + pad_left(thousands(d.categories_a[k]), 10) +
         pad_left(thousands(d.categories_b[k]), 10) + pad_left(signed_text(d.categories_b[k] - d.categories_a[k]), 10) + "\n";
  }
  o += "  " + pad_right("referrals", 20) + pad_left(thousands(d.referrals_a), 10) + pad_left(thousands(d.referrals_b), 10) +
       pad_left(signed_text(d.referrals_b - d.referrals_a), 10) + "\n";
  if (d.rejected_a || d.rejected_b)
    o += "  " + pad_right("rejected", 20) + pad_left(thousands(d.rejected_a), 10) + pad_left(thousands(d.rejected_b), 10) +
         pad_left(signed_text(d.rejected_b - d.rejected_a), 10) + "\n";

  // The transition table, without rows and columns that are all zero.
  std::vector<std::size_t> rows, cols;
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    std::int64_t t = 0;
    for (auto k : d.table[r]) t += k;
    if (t) rows.push_back(r);
  }
  for (std::size_t c = 0; c < d.columns.size(); ++c) {
    std::int64_t t = 0;
    for (auto& row : d.table) t += row[c];
    if (t) cols.push_back(c);
  }
  std::size_t first = 10;
  for (auto r : rows) first = std::max(first, d.rows[r].size() + 2);
  o += "\nTransitions (rows: outcome under A, columns: outcome under B)\n  " + pad_right("", first);
  std::vector<std::size_t> width;
  for (auto c : cols) {
    width.push_back(std::max<std::size_t>(d.columns[c].size() + 2, 9));
    o += pad_left(d.columns[c], width.back());
  }
  o += "\n";
  for (auto r : rows) {
    o += "  " + pad_right(d.rows[r], first);
    for (std::size_t k = 0; k < cols.size(); ++k) o += pad_left(thousands(d.table[r][cols[k]]), width[k]);
    o += "\n";
  }
  if (!d.moves.empty()) o += "\nMoves, and what differed between the two decisions\n";
  for (auto& m : d.moves) {
    o += "  " + m.from + " -> " + m.to + ": " + thousands(m.count) + " contact" + (m.count == 1 ? "" : "s") + "\n";
    for (auto& [c, k] : m.causes) o += "    " + pad_left(thousands(k), 8) + "  " + c + "\n";
    if (!m.examples.empty()) {
      o += "    e.g.";
      for (std::size_t i = 0; i < m.examples.size(); ++i) o += (i ? ", " : " ") + m.examples[i];
      o += "\n";
    }
  }
  return o;
}

}  // namespace frontdoor
