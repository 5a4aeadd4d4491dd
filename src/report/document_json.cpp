// The document described: what the C interface's fd_document_json, the Python package's Document and
// `frontdoor stats` say about it, and the one-line summary `check` prints.
#include "frontdoor/report.hpp"
#include "report/write.hpp"

namespace frontdoor {

namespace {

using detail::JsonWriter;

struct DocumentWriter {
  JsonWriter& w;
  const ThresholdDocument& doc;
  const SourceText& src;

  void at(SourceOffset o) { w.key("at").string(o == kNoOffset ? std::string() : src.where(o)); }
  void ids(const char* key, const std::vector<Index>& actions) {
    w.key(key).open('[');
    for (auto a : actions) w.string(doc.actions[a].id);
    w.close(']');
  }
  void strings(const char* key, const std::vector<std::string>& items) {
    w.key(key).open('[');
    for (auto& s : items) w.string(s);
    w.close(']');
  }
  void levels() {
    w.key("levels").open('[');
    for (auto& l : doc.levels) {
      w.open('{').key("id").string(l.id).key("name").string(l.name).key("route").string(doc.outcomes[l.route].id);
      at(l.at);
      w.close('}');
    }
    w.close(']');
  }
  void outcomes() {
    w.key("outcomes").open('[');
    for (auto& o : doc.outcomes) {
      w.open('{').key("id").string(o.id).key("name").string(o.name).key("category").string(to_string(o.category));
      w.key("referral").boolean(o.referral);
      ids("actions", o.actions);
      at(o.at);
      w.close('}');
    }
    w.close(']');
  }
  void actions() {
    w.key("actions").open('{');
    for (auto& a : doc.actions) w.key(a.id).string(a.text);
    w.close('}');
    ids("always", doc.always);
  }
  void optional_number(const char* key, const std::optional<std::int64_t>& v) {
    w.key(key);
    v ? w.number(*v) : w.null();
  }
  void fields() {
    static const char* types[] = {"bool", "int", "string", "enum"};
    w.key("fields").open('[');
    for (auto& f : doc.fields) {
      w.open('{').key("id").string(f.id).key("type").string(types[static_cast<int>(f.type)]);
      strings("values", f.values);
      w.key("default");
      if (auto* b = std::get_if<bool>(&f.default_value))
        w.boolean(*b);
      else if (auto* i = std::get_if<std::int64_t>(&f.default_value))
        w.number(*i);
      else if (auto* s = std::get_if<std::string>(&f.default_value))
        w.string(*s);
      else
        w.null();
      optional_number("min", f.min);
      optional_number("max", f.max);
      w.key("text").string(f.text).key("built_in").boolean(f.built_in);
      w.close('}');
    }
    w.close(']');
  }
  void concerns() {
    w.key("concerns").open('[');
    for (auto& c : doc.concerns) {
      w.open('{').key("id").string(c.id).key("domain").string(doc.domains[c.domain]);
      w.key("domains").open('[');
      for (auto d : c.domains) w.string(doc.domains[d]);
      w.close(']').key("tags").open('[');
      for (auto t : c.tags) w.string(doc.tags[t]);
      w.close(']').key("indicator").boolean(c.indicator);
      w.key("levels").open('{');
      for (auto& d : c.descriptors) w.key(doc.levels[d.level].id).string(d.text);
      w.close('}');
      at(c.at);
      w.close('}');
    }
    w.close(']');
    strings("domains", doc.domains);
    strings("tags", doc.tags);
    w.key("counters").open('[');
    for (auto& k : doc.counters) w.string(k.id);
    w.close(']');
    strings("flags", doc.flags);
  }
  void rules() {
    w.key("rules").open('[');
    for (auto& r : doc.rules) {
      w.open('{').key("id").string(r.id).key("when").string(r.when.text).key("raise_to");
      r.raise_to == kNoIndex ? w.null() : w.string(doc.levels[r.raise_to].id);
      ids("actions", r.actions);
      w.key("flags").open('[');
      for (auto f : r.flags) w.string(doc.flags[f]);
      w.close(']');
      w.key("because").string(r.because);
      at(r.at);
      w.close('}');
    }
    w.close(']');
    w.key("routing").open('[');
    for (auto& r : doc.routing) {
      w.open('{').key("id").string(r.id).key("when").string(r.when.text).key("outcome").string(doc.outcomes[r.outcome].id);
      w.key("lowers").boolean(r.lowers).key("because").string(r.because);
      at(r.at);
      w.close('}');
    }
    w.close(']');
  }
  // SPEC 7.8: why a worker may record another outcome, [{id, text}] as forms read them.
  void override_reasons() {
    w.key("override_reasons").open('[');
    for (auto& r : doc.override_reasons) {
      w.open('{').key("id").string(r.id).key("text").string(r.text);
      at(r.at);
      w.close('}');
    }
    w.close(']');
  }
};

}  // namespace

std::string to_json(const RuleSet& rules, DocumentDetail detail) {
  const ThresholdDocument& doc = rules.document();
  JsonWriter w;
  w.open('{');
  if (detail == DocumentDetail::reference) {
    w.key("id").string(doc.id).key("version").string(doc.version).key("sha256").string(rules.sha256());
    w.key("path").string(rules.source().path());
    w.close('}');
    return std::move(w).str();
  }
  w.key("id").string(doc.id).key("title").string(doc.title).key("version").string(doc.version);
  w.key("effective_from").string(doc.effective_from).key("sha256").string(rules.sha256());
  w.key("path").string(rules.source().path()).key("timezone").string(doc.calendar.timezone);
  if (detail == DocumentDetail::full) {
    DocumentWriter d{w, doc, rules.source()};
    d.levels();
    d.outcomes();
    d.actions();
    d.fields();
    d.concerns();
    d.rules();
    d.override_reasons();
    w.key("tests").number(static_cast<std::int64_t>(doc.tests.size()));
  }
  w.close('}');
  return std::move(w).str();
}

std::string summary(const ThresholdDocument& doc) {
  return std::to_string(doc.levels.size()) + " levels, " + std::to_string(doc.concerns.size()) + " concerns, " +
         std::to_string(doc.rules.size()) + " rules, " + std::to_string(doc.routing.size()) + " routing entries";
}

}  // namespace frontdoor
