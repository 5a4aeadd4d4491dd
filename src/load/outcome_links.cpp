#include "load/outcome_links.hpp"

#include <algorithm>

#include "load/node_reader.hpp"

namespace frontdoor::detail {

std::optional<Span> parse_span(std::string_view v) {
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < v.size();) {
    while (i < v.size() && v[i] == ' ') ++i;
    std::size_t b = i;
    while (i < v.size() && v[i] != ' ') ++i;
    if (i > b) words.push_back(v.substr(b, i - b));
  }
  auto amount = words.empty() ? std::nullopt : NodeReader::parse_int(words[0]);
  bool working = words.size() == 3 && words[1] == "working";
  if (!amount || *amount < 0 || *amount > 10000 || !(words.size() == 2 || working)) return std::nullopt;
  std::string_view unit = words.back();
  Span s;
  s.amount = *amount;
  if (unit == "hour" || unit == "hours")
    s.unit = working ? Span::Unit::working_hours : Span::Unit::hours;
  else if (unit == "day" || unit == "days")
    s.unit = working ? Span::Unit::working_days : Span::Unit::days;
  else
    return std::nullopt;
  return s;
}

namespace {

constexpr std::string_view kCategoryNames[] = {"nfa", "early_help", "assessment", "s47", "open_case", "other"};

class LinkReader : public NodeReader {
 public:
  LinkReader(const SourceText& src, const CompileOptions& opt, ThresholdDocument& doc, std::vector<Diagnostic>& out)
      : NodeReader(src, opt, out), doc_(doc) {
    for (auto& o : doc_.outcomes) outcomes_.push_back(o.id);
    for (auto& l : doc_.levels) levels_.push_back(l.id);
  }

  void run(const Node& root) {
    if (auto* n = root.find("actions"); n && n->is_map() && n->size() == doc_.actions.size())
      for (std::size_t i = 0; i < n->size(); ++i) action(n->val(i), doc_.actions[i]);
    if (auto* n = root.find("rules"); n && n->is_seq() && n->size() == doc_.rules.size())
      for (std::size_t i = 0; i < n->size(); ++i) doc_.rules[i].decide_within = deadline(n->children[i]);
    if (auto* n = root.find("routing"); n && n->is_seq() && n->size() == doc_.routing.size())
      for (std::size_t i = 0; i < n->size(); ++i) doc_.routing[i].decide_within = deadline(n->children[i]);
    if (auto* n = root.find("history"); n && n->is_map() && n->size() == doc_.counters.size())
      for (std::size_t i = 0; i < n->size(); ++i) counter(n->val(i), doc_.counters[i]);
    if (auto* n = root.find("outcomes"); n && n->is_map() && n->size() == doc_.outcomes.size())
      for (std::size_t i = 0; i < n->size(); ++i) outcome_actions(n->val(i), static_cast<Index>(i));
  }

 private:
  // An action in mapping form: its text and the outcomes it belongs to. (The loader has read the
  // short form, the text alone.)
  void action(const Node& v, Action& a) {
    if (!v.is_map()) return;
    std::string what = "action '" + a.id + "'";
    keys(v, kAction, what);
    if (auto* x = v.find("text")) a.text = text(*x, "text");
    if (auto* x = v.find("only_with")) {
      a.only_with = outcome_set(*x, "only_with", true, true);
      if (x->is_seq() && x->children.empty()) d_.error("FD111", x->at, what + ": only_with needs at least one outcome or category");
    }
  }

  // One word or a list of words, each an outcome id (when `ids`) or a category (when `categories`);
  // an outcome id wins over a category of the same name.
  OutcomeSet outcome_set(const Node& n, std::string_view what, bool ids, bool categories) {
    OutcomeSet out;
    auto one = [&](const Node& item) {
      std::string w = text(item, what);
      if (!item.is_scalar()) return;
      if (ids) {
        auto it = std::find(outcomes_.begin(), outcomes_.end(), w);
        if (it != outcomes_.end()) {
          auto i = static_cast<Index>(it - outcomes_.begin());
          if (std::find(out.outcomes.begin(), out.outcomes.end(), i) == out.outcomes.end()) out.outcomes.push_back(i);
          return;
        }
      }
      if (categories) {
        auto it = std::find(std::begin(kCategoryNames), std::end(kCategoryNames), w);
        if (it != std::end(kCategoryNames)) {
          out.categories |= static_cast<std::uint8_t>(1u << (it - std::begin(kCategoryNames)));
          return;
        }
      }
      std::vector<std::string_view> valid;
      if (ids) valid = outcomes_;
      if (categories)
        for (auto c : kCategoryNames)
          if (std::find(valid.begin(), valid.end(), c) == valid.end()) valid.push_back(c);
      std::string kind = ids && categories ? "outcome or category" : ids ? "outcome" : "category";
      d_.error("FD121", item.at, std::string(what) + ": unknown " + kind + " '" + w + "'" + unknown_id_hint(w, valid));
    };
    if (n.is_seq()) {
      for (auto& item : n.children) one(item);
    } else {
      one(n);
    }
    return out;
  }

  Span deadline(const Node& item) {
    const Node* x = item.is_map() ? item.find("decide_within") : nullptr;
    if (!x) return {};
    std::string v = text(*x, "decide_within");
    auto s = x->is_scalar() ? parse_span(v) : std::nullopt;
    if (!s) {
      if (x->is_scalar()) d_.error("FD123", x->at, std::string(kSpanWords) + ", not '" + v + "'");
      return {};
    }
    return *s;
  }

  void counter(const Node& v, Counter& c) {
    if (!v.is_map()) return;
    if (auto* x = v.find("outcome")) c.outcomes = outcome_set(*x, "outcome", true, false).outcomes;
    if (auto* x = v.find("category")) c.categories = outcome_set(*x, "category", false, true).categories;
    if (auto* x = v.find("level_at_least")) c.level_at_least = ref(*x, "level_at_least", "level", levels_);
  }

  // SPEC 7.4: an outcome may not list an action that its only_with keeps off that outcome.
  void outcome_actions(const Node& v, Index o) {
    const Node* list = v.is_map() ? v.find("actions") : nullptr;
    if (!list || !list->is_seq()) return;
    const Outcome& oc = doc_.outcomes[o];
    for (auto& item : list->children) {
      auto it = std::find_if(doc_.actions.begin(), doc_.actions.end(), [&](const Action& a) { return a.id == item.value; });
      if (!item.is_scalar() || it == doc_.actions.end() || it->only_with.empty() || it->only_with.contains(o, oc.category)) continue;
      d_.error("FD128", item.at,
               "outcome '" + oc.id + "' lists action '" + it->id + "', but the action's only_with keeps it off this outcome (category " +
                   std::string(to_string(oc.category)) + "): add the outcome or its category to only_with, or drop the action here");
    }
  }

  ThresholdDocument& doc_;
  std::vector<std::string_view> outcomes_, levels_;
};

}  // namespace

void load_outcome_links(const SourceText& source, const CompileOptions& options, const YamlNode& root, ThresholdDocument& doc,
                        std::vector<Diagnostic>& out) {
  if (root.is_map()) LinkReader(source, options, doc, out).run(root);
}

}  // namespace frontdoor::detail
