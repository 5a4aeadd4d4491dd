#include "load/loader.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "load/concerns.hpp"
#include "load/node_reader.hpp"
#include "load/outcome_links.hpp"
#include "load/sections.hpp"
#include "load/worked_examples.hpp"
#include "load/yaml_tree.hpp"
#include "time/bank_holidays.hpp"
#include "time/calendar.hpp"
#include "time/civil.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor::detail {
namespace {

class Loader : public NodeReader {
 public:
  Loader(const SourceText& src, const CompileOptions& opt, ThresholdDocument& doc, std::vector<Diagnostic>& out)
      : NodeReader(src, opt, out), doc_(doc) {}

  void run() {
    Node root = read_yaml(src_, {opt_.max_document_bytes, opt_.max_nesting, opt_.max_entries}, out_);
    if (d_.has_errors()) return;
    if (!root.is_map()) {
      d_.error("FD112", root.at == kNoOffset ? 0 : root.at,
               "a threshold document is a mapping of keys such as 'frontdoor', 'levels', 'rules'");
      return;
    }
    keys(root, kDocument);
    if (auto* n = root.find("frontdoor")) {
      auto v = integer(*n, "frontdoor");
      if (v && *v != 1) d_.error("FD114", n->at, "unsupported format version " + std::to_string(*v) + "; this frontdoor reads version 1");
    }
    if (auto* n = root.find("id")) doc_.id = text(*n, "id");
    if (auto* n = root.find("title")) doc_.title = text(*n, "title");
    if (auto* n = root.find("version")) doc_.version = text(*n, "version");
    if (auto* n = root.find("effective_from")) {
      doc_.effective_from = text(*n, "effective_from");
      if (!parse_date(doc_.effective_from)) d_.error("FD113", n->at, "effective_from must be a date YYYY-MM-DD");
    }
    add_built_in_fields();
    // Declarations first, so that references anywhere can be resolved whatever the key order.
    if (auto* n = root.find("actions")) load_actions(*n);
    if (auto* n = root.find("outcomes")) load_outcomes(*n);
    if (auto* n = root.find("levels")) load_levels(*n, root.find_key("levels")->at);
    if (auto* n = root.find("fields")) load_fields(*n);
    if (auto* n = root.find("calendar"))
      load_calendar(*n);
    else
      d_.warning("FD127", root.at == kNoOffset ? 0 : root.at,
                 "no calendar: working time is counted in UTC, 09:00-17:00, with no holidays; say calendar: {preset: england-and-wales} "
                 "(or scotland, northern-ireland), or give timezone, working_hours and holidays");
    load_concerns(src_, opt_, root.find("concerns"), root.find("indicators"), doc_, out_);
    if (auto* n = root.find("history")) load_counters(*n);
    if (auto* n = root.find("always")) doc_.always = refs(*n, "always", "action", action_ids());
    if (auto* n = root.find("rules")) load_rules(*n);
    if (auto* n = root.find("routing")) load_routing(*n);
    if (auto* n = root.find("override_reasons")) load_override_reasons(*n);
    if (auto* n = root.find("tests")) load_worked_examples(src_, opt_, *n, doc_, out_);
    warn_unused_override_reasons();
    load_outcome_links(src_, opt_, root, doc_, out_);
  }

 private:
  std::vector<std::string_view> action_ids() const {
    std::vector<std::string_view> v;
    for (auto& a : doc_.actions) v.push_back(a.id);
    return v;
  }
  std::vector<std::string_view> outcome_ids() const {
    std::vector<std::string_view> v;
    for (auto& a : doc_.outcomes) v.push_back(a.id);
    return v;
  }
  std::vector<std::string_view> level_ids() const {
    std::vector<std::string_view> v;
    for (auto& a : doc_.levels) v.push_back(a.id);
    return v;
  }

  // --- sections ----------------------------------------------------------------------------------

  void add_built_in_fields() {
    Field unborn{"unborn", FieldType::boolean, {}, {}, {}, Scalar{false}, "A pre-birth contact", true, kNoOffset};
    doc_.fields.push_back(unborn);
    Field source{"source", FieldType::enumeration, {}, {}, {}, {}, "DfE children-in-need referral source", true, kNoOffset};
    for (auto* c : kSourceCodes) source.values.emplace_back(c);
    doc_.fields.push_back(source);
    Field channel{"channel", FieldType::enumeration, {}, {}, {}, {}, "How the contact reached the front door", true, kNoOffset};
    for (auto* c : kChannels) channel.values.emplace_back(c);
    doc_.fields.push_back(channel);
  }

  void load_actions(const Node& n) {
    if (!expect_kind(n, Node::Kind::mapping, "actions") || !limit(n, "actions")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
      Action a;
      a.id = n.key(i).value;
      a.at = n.key(i).at;
      identifier(n.key(i), a.id, "action id");
      if (!n.val(i).is_map()) a.text = text(n.val(i), "action '" + a.id + "'");  // the mapping form: load_outcome_links
      doc_.actions.push_back(std::move(a));
    }
  }

  // SPEC 7.8: the codes a worker may give for deciding otherwise, each with its words.
  void load_override_reasons(const Node& n) {
    if (!expect_kind(n, Node::Kind::mapping, "override_reasons") || !limit(n, "override_reasons")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
      OverrideReason r;
      r.id = n.key(i).value;
      r.at = n.key(i).at;
      identifier(n.key(i), r.id, "override reason id");
      r.text = text(n.val(i), "override reason '" + r.id + "'");
      doc_.override_reasons.push_back(std::move(r));
    }
  }

  // A reason no worked example gives is untested words, as an action nothing names is (FD303): a
  // worked example that records an outcome with it shows how the document expects it to be used.
  void warn_unused_override_reasons() {
    for (const OverrideReason& r : doc_.override_reasons) {
      bool used = std::any_of(doc_.tests.begin(), doc_.tests.end(), [&](const WorkedExample& t) {
        const Scalar* v = t.contact.find(kOverrideReason);
        const auto* s = v ? std::get_if<std::string>(v) : nullptr;
        return s && *s == r.id;
      });
      if (!used) d_.warning("FD303", r.at, "unused override reason '" + r.id + "': no worked example records an outcome with it");
    }
  }

  void load_outcomes(const Node& n) {
    if (!expect_kind(n, Node::Kind::mapping, "outcomes") || !limit(n, "outcomes")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
      Outcome o;
      o.id = n.key(i).value;
      o.at = n.key(i).at;
      identifier(n.key(i), o.id, "outcome id");
      const Node& v = n.val(i);
      std::string what = "outcome '" + o.id + "'";
      if (expect_kind(v, Node::Kind::mapping, what)) {
        keys(v, kOutcome, what);  // no decide_within: decisions carry no deadline
        if (auto* x = v.find("name")) o.name = text(*x, "name");
        if (auto* x = v.find("category")) o.category = category(*x);
        if (auto* x = v.find("referral"))
          o.referral = boolean(*x, "referral").value_or(false);
        else
          o.referral = o.category == Category::assessment || o.category == Category::s47;
        if (auto* x = v.find("decide_within")) o.decide_within = span(*x);
        if (auto* x = v.find("actions")) o.actions = refs(*x, "actions", "action", action_ids());
      }
      doc_.outcomes.push_back(std::move(o));
    }
  }

  Category category(const Node& n) {
    static const std::vector<std::string_view> names = {"nfa", "early_help", "assessment", "s47", "open_case", "other"};
    std::string v = text(n, "category");
    auto it = std::find(names.begin(), names.end(), v);
    if (it == names.end()) {
      d_.error("FD113", n.at,
               "category must be one of nfa, early_help, assessment, s47, open_case, other, not '" + v + "'" + did_you_mean(v, names));
      return Category::other;
    }
    return static_cast<Category>(it - names.begin());
  }

  Span span(const Node& n) {
    std::string v = text(n, "decide_within");
    auto s = parse_span(v);
    if (!s) d_.error("FD123", n.at, std::string(kSpanWords) + ", not '" + v + "'");
    return s.value_or(Span{});
  }

  void load_levels(const Node& n, SourceOffset key_at) {
    if (!expect_kind(n, Node::Kind::sequence, "levels")) return;
    if (n.size() < 3 || n.size() > 6) d_.error("FD122", key_at, "a threshold document has 3 to 6 levels, not " + std::to_string(n.size()));
    std::vector<std::string_view> outcomes = outcome_ids();
    for (auto& item : n.children) {
      Level l;
      l.at = item.at;
      if (expect_kind(item, Node::Kind::mapping, "a level")) {
        keys(item, kLevel);
        if (auto* x = item.find("id")) {
          l.id = text(*x, "id");
          if (identifier(*x, l.id, "level id")) unique(*x, l.id, "level");
        }
        if (auto* x = item.find("name")) l.name = text(*x, "name");
        if (auto* x = item.find("route")) l.route = ref(*x, "route", "outcome", outcomes);
      }
      doc_.levels.push_back(std::move(l));
    }
  }

  void unique(const Node& n, const std::string& id, std::string_view kind) {
    auto [it, fresh] = seen_ids_.emplace(std::string(kind) + ":" + id, n.at);
    if (!fresh) d_.error("FD120", n.at, "duplicate " + std::string(kind) + " id '" + id + "' (first at " + src_.where(it->second) + ")");
  }

  void load_fields(const Node& n) {
    if (!expect_kind(n, Node::Kind::mapping, "fields") || !limit(n, "fields")) return;
    static const std::set<std::string, std::less<>> reserved = {"id", "child", "received", "dob", "unborn", "source", "channel", "concerns",
                                                                "history", "level", "age_months", "age_years",
                                                                // carried with contacts for figures, never decided on
                                                                "decided", "recorded_outcome", "override_reason"};
    for (std::size_t i = 0; i < n.size(); ++i) {
      Field f;
      f.id = n.key(i).value;
      f.at = n.key(i).at;
      identifier(n.key(i), f.id, "field id");
      if (reserved.count(f.id)) d_.error("FD120", f.at, "'" + f.id + "' is a built-in name; a document's own field needs another id");
      const Node& v = n.val(i);
      std::string what = "field '" + f.id + "'";
      if (expect_kind(v, Node::Kind::mapping, what)) {
        keys(v, kField, what);
        if (auto* x = v.find("type")) {
          static const std::vector<std::string_view> types = {"bool", "int", "string", "enum"};
          std::string t = text(*x, "type");
          auto it = std::find(types.begin(), types.end(), t);
          if (it == types.end())
            d_.error("FD113", x->at, "field type must be bool, int, string or enum, not '" + t + "'" + did_you_mean(t, types));
          else
            f.type = static_cast<FieldType>(it - types.begin());
        }
        if (auto* x = v.find("text")) f.text = text(*x, "text");
        if (auto* x = v.find("min")) f.min = integer(*x, "min");
        if (auto* x = v.find("max")) f.max = integer(*x, "max");
        if ((f.min || f.max) && f.type != FieldType::integer) d_.error("FD125", v.at, what + ": min and max apply to int fields only");
        if (f.min && f.max && *f.min > *f.max) d_.error("FD125", v.at, what + ": min is greater than max");
        if (auto* x = v.find("values")) {
          if (f.type != FieldType::enumeration)
            d_.error("FD125", x->at, what + ": values apply to enum fields only");
          else if (expect_kind(*x, Node::Kind::sequence, "values")) {
            std::set<std::string, std::less<>> seen;  // a set: a hostile document may list thousands
            for (auto& e : x->children) {
              std::string ev = text(e, "an enum value");
              if (!seen.insert(ev).second) d_.error("FD120", e.at, "duplicate enum value '" + ev + "'");
              f.values.push_back(ev);
            }
          }
        }
        if (f.type == FieldType::enumeration && f.values.empty()) d_.error("FD125", v.at, what + ": an enum field needs a list of values");
        if (auto* x = v.find("default")) f.default_value = default_value(*x, f, what);
      }
      doc_.fields.push_back(std::move(f));
    }
  }

  Scalar default_value(const Node& x, const Field& f, const std::string& what) {
    if (x.is_null()) return {};
    switch (f.type) {
      case FieldType::boolean:
        if (auto b = boolean(x, "default")) return *b;
        return {};
      case FieldType::integer:
        if (auto v = integer(x, "default")) {
          if ((f.min && *v < *f.min) || (f.max && *v > *f.max)) d_.error("FD125", x.at, what + ": default is outside min..max");
          return *v;
        }
        return {};
      case FieldType::string: return text(x, "default");
      case FieldType::enumeration: {
        std::string v = text(x, "default");
        if (std::find(f.values.begin(), f.values.end(), v) == f.values.end())
          d_.error("FD125", x.at, what + ": default '" + v + "' is not one of its values" + did_you_mean(v, views(f.values)));
        return v;
      }
    }
    return {};
  }

  void load_calendar(const Node& n) {
    if (!expect_kind(n, Node::Kind::mapping, "calendar")) return;
    keys(n, kCalendar);
    Calendar& c = doc_.calendar;
    // A preset first, whatever the key order: the keys beside it override it, holidays add to it.
    if (auto* x = n.find("preset")) {
      std::string preset = text(*x, "preset");
      if (auto nation = nation_of_preset(preset)) {
        c.preset = preset;
        c.timezone = "Europe/London";
        c.holidays = bank_holidays(*nation, kFirstPresetYear, kLastPresetYear);
      } else {
        d_.error("FD124", x->at,
                 "unknown calendar preset '" + preset + "'" +
                     unknown_id_hint(preset, {std::begin(kCalendarPresets), std::end(kCalendarPresets)}));
      }
    }
    if (auto* x = n.find("timezone")) {
      c.timezone = text(*x, "timezone");
      if (!is_known_timezone(c.timezone)) {
        d_.error("FD124", x->at, "unknown time zone '" + c.timezone + "' (an IANA name such as Europe/London)");
        c.timezone = "UTC";
      }
    }
    if (auto* x = n.find("working_hours")) {
      std::string v = text(*x, "working_hours");
      auto hm = [](std::string_view s) -> std::optional<std::int32_t> {
        if (s.size() != 5 || s[2] != ':') return std::nullopt;
        auto h = parse_int(s.substr(0, 2)), m = parse_int(s.substr(3, 2));
        if (!h || !m || *h > 24 || *m > 59 || (*h == 24 && *m)) return std::nullopt;
        return static_cast<std::int32_t>(*h * 60 + *m);
      };
      auto dash = v.find('-');
      auto a = dash == std::string::npos ? std::nullopt : hm(v.substr(0, dash));
      auto b = dash == std::string::npos ? std::nullopt : hm(v.substr(dash + 1));
      if (!a || !b || *a >= *b)
        d_.error("FD124", x->at, "working_hours must be 'HH:MM-HH:MM' with the start before the end, not '" + v + "'");
      else
        c.day_start = *a, c.day_end = *b;
    }
    if (auto* x = n.find("holidays")) {  // local closures, beside a preset's bank holidays
      if (expect_kind(*x, Node::Kind::sequence, "holidays") && limit(*x, "holidays"))
        for (auto& h : x->children) {
          auto d = parse_date(text(h, "a holiday"));
          if (!d)
            d_.error("FD124", h.at, "a holiday must be a date YYYY-MM-DD, not '" + h.value + "'");
          else
            c.holidays.push_back(*d);
        }
      std::sort(c.holidays.begin(), c.holidays.end());
      c.holidays.erase(std::unique(c.holidays.begin(), c.holidays.end()), c.holidays.end());
    }
  }

  void load_counters(const Node& n) {
    if (!expect_kind(n, Node::Kind::mapping, "history") || !limit(n, "history")) return;
    if (n.size() > 64) d_.error("FD104", n.at, "a document has at most 64 history counters");
    for (std::size_t i = 0; i < n.size(); ++i) {
      Counter c;
      c.id = n.key(i).value;
      c.at = n.key(i).at;
      if (identifier(n.key(i), c.id, "history counter")) unique(n.key(i), c.id, "name");
      const Node& v = n.val(i);
      std::string what = "history counter '" + c.id + "'";
      if (expect_kind(v, Node::Kind::mapping, what)) {
        keys(v, kCounter, what);
        if (auto* x = v.find("count")) {
          std::string k = text(*x, "count");
          if (k == "contacts")
            c.count = Counter::Count::contacts;
          else if (k == "referrals")
            c.count = Counter::Count::referrals;
          else
            d_.error("FD113", x->at, "count must be contacts or referrals, not '" + k + "'" + did_you_mean(k, {"contacts", "referrals"}));
        }
        if (auto* x = v.find("within")) {
          std::string w = text(*x, "within");
          auto sp = w.find(' ');
          auto amount = sp == std::string::npos ? std::nullopt : parse_int(w.substr(0, sp));
          std::string unit = sp == std::string::npos ? "" : w.substr(w.find_first_not_of(' ', sp));
          bool ok = amount && *amount > 0 && *amount <= 1200;
          if (ok && (unit == "day" || unit == "days"))
            c.unit = Counter::Unit::days;
          else if (ok && (unit == "week" || unit == "weeks"))
            c.unit = Counter::Unit::weeks;
          else if (ok && (unit == "month" || unit == "months"))
            c.unit = Counter::Unit::months;
          else
            ok = false;
          if (!ok)
            d_.error("FD123", x->at, "within must be 'N days', 'N weeks' or 'N months' (N from 1 to 1200), not '" + w + "'");
          else
            c.within = *amount;
        }
        if (auto* x = v.find("sharing")) {
          std::string s = text(*x, "sharing");
          if (s == "domain")
            c.sharing = Counter::Sharing::domain;
          else if (s == "concern")
            c.sharing = Counter::Sharing::concern;
          else
            d_.error("FD113", x->at, "sharing must be domain or concern, not '" + s + "'" + did_you_mean(s, {"domain", "concern"}));
        }
      }
      doc_.counters.push_back(std::move(c));
    }
  }

  Condition condition(const Node& n) {
    Condition c;
    c.text = text(n, "when");
    c.at = n.at;
    if (n.is_scalar() && n.at != kNoOffset) {
      // Offsets inside the expression map straight onto the file when the text stands there as written.
      const std::string& t = src_.text();
      std::size_t at = n.at;
      if (n.quoted && at < t.size() && (t[at] == '"' || t[at] == '\'')) ++at;
      c.exact_columns = t.compare(at, c.text.size(), c.text) == 0;
      if (c.exact_columns) c.at = static_cast<SourceOffset>(at);
    }
    return c;
  }

  std::vector<Index> flag_refs(const Node& n) {
    std::vector<Index> out;
    if (!expect_kind(n, Node::Kind::sequence, "flags")) return out;
    for (auto& item : n.children) {
      std::string f = text(item, "a flag");
      if (!identifier(item, f, "flag")) continue;
      auto it = std::find(doc_.flags.begin(), doc_.flags.end(), f);
      if (it == doc_.flags.end()) {
        if (doc_.flags.size() >= opt_.max_entries) {  // flags are Index-sized, like every other id
          d_.error("FD104", item.at, "a document has at most " + std::to_string(opt_.max_entries) + " distinct flags");
          return out;
        }
        it = doc_.flags.insert(doc_.flags.end(), f);
      }
      auto idx = static_cast<Index>(it - doc_.flags.begin());
      if (std::find(out.begin(), out.end(), idx) == out.end()) out.push_back(idx);
    }
    return out;
  }

  void load_rules(const Node& n) {
    if (!expect_kind(n, Node::Kind::sequence, "rules") || !limit(n, "rules")) return;
    std::vector<std::string_view> levels = level_ids(), actions = action_ids();
    for (auto& item : n.children) {
      Rule r;
      r.at = item.at;
      if (expect_kind(item, Node::Kind::mapping, "a rule")) {
        keys(item, kRule);
        if (auto* x = item.find("id")) {
          r.id = text(*x, "id");
          if (identifier(*x, r.id, "rule id")) unique(*x, r.id, "rule or routing");
        }
        if (auto* x = item.find("when")) r.when = condition(*x);
        if (auto* x = item.find("raise_to")) r.raise_to = ref(*x, "raise_to", "level", levels);
        if (auto* x = item.find("actions")) r.actions = refs(*x, "actions", "action", actions);
        if (auto* x = item.find("flags")) r.flags = flag_refs(*x);
        if (auto* x = item.find("because")) r.because = text(*x, "because");
      }
      doc_.rules.push_back(std::move(r));
    }
  }

  void load_routing(const Node& n) {
    if (!expect_kind(n, Node::Kind::sequence, "routing") || !limit(n, "routing")) return;
    std::vector<std::string_view> outcomes = outcome_ids();
    for (auto& item : n.children) {
      Routing r;
      r.at = item.at;
      if (expect_kind(item, Node::Kind::mapping, "a routing entry")) {
        keys(item, kRouting);
        if (auto* x = item.find("id")) {
          r.id = text(*x, "id");
          if (identifier(*x, r.id, "routing id")) unique(*x, r.id, "rule or routing");
        }
        if (auto* x = item.find("when")) r.when = condition(*x);
        if (auto* x = item.find("outcome")) r.outcome = ref(*x, "outcome", "outcome", outcomes);
        if (auto* x = item.find("lowers")) r.lowers = boolean(*x, "lowers").value_or(false);
        if (auto* x = item.find("because")) r.because = text(*x, "because");
        if (r.lowers && r.because.empty())
          d_.error("FD126", item.at, "routing entry '" + r.id + "' says lowers: true, so it must say why in 'because'");
      }
      doc_.routing.push_back(std::move(r));
    }
  }

  ThresholdDocument& doc_;
  std::map<std::string, SourceOffset> seen_ids_;
};

}  // namespace

void load_document(const SourceText& source, const CompileOptions& options, ThresholdDocument& doc, std::vector<Diagnostic>& out) {
  Loader(source, options, doc, out).run();
}

}  // namespace frontdoor::detail
