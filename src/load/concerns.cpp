// Loading the continuum: `concerns:` (each concern with a descriptor per level) and `indicators:`
// (level -> domain -> list of indicators, the shape councils publish: SPEC 7.1), into one list of
// concerns with one namespace. Domains and tags are collected as they are met, in document order.
#include "load/concerns.hpp"

#include <algorithm>
#include <map>

#include "load/node_reader.hpp"

namespace frontdoor::detail {
namespace {

class ConcernReader : public NodeReader {
 public:
  ConcernReader(const SourceText& src, const CompileOptions& opt, ThresholdDocument& doc, std::vector<Diagnostic>& out)
      : NodeReader(src, opt, out), doc_(doc) {
    for (auto& l : doc_.levels) levels_.push_back(l.id);
  }

  void concerns(const Node& n) {
    if (!expect_kind(n, Node::Kind::mapping, "concerns") || !limit(n, "concerns")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
      Concern c;
      c.id = n.key(i).value;
      c.at = n.key(i).at;
      // A key twice in `concerns:` is already a YAML error (FD102); record the id for the indicators.
      if (identifier(n.key(i), c.id, "concern id")) seen_.emplace(c.id, n.key(i).at);
      const Node& v = n.val(i);
      std::string what = "concern '" + c.id + "'";
      if (expect_kind(v, Node::Kind::mapping, what)) {
        keys(v, kConcern, what);
        if (auto* x = v.find("domain")) domains(*x, "domain", c);
        if (auto* x = v.find("also_in")) domains(*x, "also_in", c);
        if (auto* x = v.find("tags")) tags(*x, c);
        if (auto* x = v.find("levels"); x && expect_kind(*x, Node::Kind::mapping, what + " levels")) descriptors(*x, what, c);
      }
      doc_.concerns.push_back(std::move(c));
    }
  }

  void indicators(const Node& n) {
    if (!expect_kind(n, Node::Kind::mapping, "indicators")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
      Index level = ref(n.key(i), "indicators", "level", levels_);
      const Node& by_domain = n.val(i);
      if (!expect_kind(by_domain, Node::Kind::mapping, "the indicators of a level (a mapping of domain to a list)")) continue;
      for (std::size_t k = 0; k < by_domain.size(); ++k) {
        const Node& list = by_domain.val(k);
        if (!expect_kind(list, Node::Kind::sequence, "the indicators of a domain") || !limit(list, "indicators of a domain")) continue;
        for (auto& item : list.children) indicator(item, level, by_domain.key(k));
      }
    }
    if (doc_.concerns.size() > opt_.max_entries)
      d_.error("FD104", n.at,
               "concerns and indicators together number " + std::to_string(doc_.concerns.size()) + ", over the limit of " +
                   std::to_string(opt_.max_entries));
  }

 private:
  // `- id: text` (one key), or `- {id: x, text: ..., tags: [..], also_in: [..]}`.
  void indicator(const Node& item, Index level, const Node& domain) {
    Concern c;
    c.indicator = true;
    c.at = item.at;
    if (!expect_kind(item, Node::Kind::mapping, "an indicator")) return;
    const Node* id_node = nullptr;
    const Node* text_node = nullptr;
    if (item.find("id")) {
      keys(item, kIndicator);
      id_node = item.find("id");
      text_node = item.find("text");
    } else if (item.size() == 1) {
      id_node = &item.key(0);
      text_node = &item.val(0);
    } else {
      d_.error("FD129", item.at, "an indicator is 'id: text', or a mapping with id, text and optionally tags and also_in");
      return;
    }
    c.id = text(*id_node, "an indicator's id");
    c.at = id_node->at;
    if (identifier(*id_node, c.id, "indicator id")) unique(*id_node, c.id);
    domain_named(domain, c);
    if (auto* x = item.find("also_in"); x && item.find("id")) domains(*x, "also_in", c);
    if (auto* x = item.find("tags"); x && item.find("id")) tags(*x, c);
    if (text_node && level != kNoIndex) {
      Descriptor d;
      d.level = level;
      d.at = text_node->at;
      d.texts = texts(*text_node, "indicator '" + c.id + "'");
      d.text = joined(d.texts);
      c.descriptors.push_back(std::move(d));
    }
    doc_.concerns.push_back(std::move(c));
  }

  void descriptors(const Node& x, const std::string& what, Concern& c) {
    if (x.size() == 0) d_.error("FD111", x.at, what + " needs a descriptor for at least one level");
    for (std::size_t k = 0; k < x.size(); ++k) {
      Descriptor d;
      d.level = ref(x.key(k), "a concern's level", "level", levels_);
      d.texts = texts(x.val(k), what);
      d.text = joined(d.texts);
      d.at = x.key(k).at;
      if (d.level != kNoIndex) c.descriptors.push_back(std::move(d));
    }
    std::sort(c.descriptors.begin(), c.descriptors.end(), [](auto& a, auto& b) { return a.level < b.level; });
  }

  // A descriptor: one text, or a list of texts for the same level.
  std::vector<std::string> texts(const Node& n, const std::string& what) {
    if (!n.is_seq()) return {text(n, "a descriptor of " + what)};
    std::vector<std::string> out;
    if (n.size() == 0) d_.error("FD111", n.at, what + ": a list of descriptor texts needs at least one text");
    for (auto& t : n.children) out.push_back(text(t, "a descriptor of " + what));
    return out;
  }

  static std::string joined(const std::vector<std::string>& texts) {
    std::string out;
    for (auto& t : texts) out += (out.empty() ? "" : "; ") + t;
    return out;
  }

  // `domain: x`, `domain: [x, y]`, `also_in: [y]`: each domain once per concern.
  void domains(const Node& n, std::string_view key, Concern& c) {
    if (n.is_seq()) {
      if (n.size() == 0) d_.error("FD111", n.at, std::string(key) + " needs at least one domain");
      for (auto& d : n.children) domain_named(d, c);
    } else if (key == "also_in") {
      expect_kind(n, Node::Kind::sequence, "also_in");
    } else {
      domain_named(n, c);
    }
  }

  void domain_named(const Node& n, Concern& c) {
    std::string dom = text(n, "a domain");
    if (!n.is_scalar() || !identifier(n, dom, "domain")) return;
    Index d = intern(doc_.domains, dom, n, "domains");
    if (d == kNoIndex || std::find(c.domains.begin(), c.domains.end(), d) != c.domains.end()) return;
    c.domains.push_back(d);
    if (c.domain == kNoIndex) c.domain = d;
  }

  void tags(const Node& n, Concern& c) {
    if (!expect_kind(n, Node::Kind::sequence, "tags")) return;
    for (auto& t : n.children) {
      std::string tag = text(t, "a tag");
      if (!t.is_scalar() || !identifier(t, tag, "tag")) continue;
      Index k = intern(doc_.tags, tag, t, "tags");
      if (k != kNoIndex && std::find(c.tags.begin(), c.tags.end(), k) == c.tags.end()) c.tags.push_back(k);
    }
  }

  // Domains and tags are bits of a 64-bit mask on the hot path, so a document has at most 64 of each.
  Index intern(std::vector<std::string>& ids, const std::string& id, const Node& n, std::string_view what) {
    auto it = std::find(ids.begin(), ids.end(), id);
    if (it != ids.end()) return static_cast<Index>(it - ids.begin());
    if (ids.size() == 64) {
      d_.error("FD104", n.at, "a document has at most 64 " + std::string(what));
      return kNoIndex;
    }
    ids.push_back(id);
    return static_cast<Index>(ids.size() - 1);
  }

  // Concerns and indicators share one namespace: an id given twice is an error at its second place.
  void unique(const Node& n, const std::string& id) {
    auto [it, fresh] = seen_.emplace(id, n.at);
    if (!fresh) d_.error("FD120", n.at, "duplicate concern or indicator id '" + id + "' (first at " + src_.where(it->second) + ")");
  }

  ThresholdDocument& doc_;
  std::vector<std::string_view> levels_;
  std::map<std::string, SourceOffset> seen_;
};

}  // namespace

void load_concerns(const SourceText& src, const CompileOptions& opt, const YamlNode* concerns, const YamlNode* indicators,
                   ThresholdDocument& doc, std::vector<Diagnostic>& out) {
  ConcernReader r(src, opt, doc, out);
  if (concerns) r.concerns(*concerns);
  if (indicators) r.indicators(*indicators);
}

}  // namespace frontdoor::detail
