// The worked examples of a document (`tests:`): contacts, their history and what is expected of
// their decisions, read as written (the engine checks them later, FD301).
#include "load/worked_examples.hpp"

namespace frontdoor::detail {
namespace {

class ExampleReader : public NodeReader {
 public:
  ExampleReader(const SourceText& src, const CompileOptions& opt, ThresholdDocument& doc, std::vector<Diagnostic>& out)
      : NodeReader(src, opt, out), doc_(doc) {}

  Scalar scalar(const Node& n) {
    if (n.is_null()) return {};
    if (!n.is_scalar()) {
      d_.error("FD112", n.at, "a contact field must be a single value");
      return {};
    }
    if (n.quoted) return n.value;
    if (n.value == "true" || n.value == "True" || n.value == "TRUE") return true;
    if (n.value == "false" || n.value == "False" || n.value == "FALSE") return false;
    if (n.value == "null" || n.value == "~" || n.value.empty()) return {};
    if (auto v = parse_int(n.value)) return *v;
    return n.value;
  }

  // {a: complex, b: true, c: false} or [a, b]: a concern without a level (true, a list item) is at
  // its one level, which the resolver finds; false is no concern, as in a contact's JSON.
  std::vector<ConcernEntry> concern_entries(const Node& n) {
    std::vector<ConcernEntry> out;
    if (n.is_seq()) {
      for (auto& id : n.children) out.push_back({text(id, "a concern id"), ""});
      return out;
    }
    if (!expect_kind(n, Node::Kind::mapping, "concerns")) return out;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const Node& v = n.val(i);
      if (v.is_scalar() && !v.quoted && (v.value == "true" || v.value == "false")) {
        if (v.value == "true") out.push_back({n.key(i).value, ""});
        continue;
      }
      out.push_back({n.key(i).value, text(v, "a concern's level")});
    }
    return out;
  }

  HistoryRecord history_item(const Node& n) {
    HistoryRecord h;
    if (!expect_kind(n, Node::Kind::mapping, "a history item")) return h;
    keys(n, kHistoryItem);
    if (auto* x = n.find("received")) h.received = text(*x, "received");
    if (auto* x = n.find("concerns")) h.concerns = concern_entries(*x);
    if (auto* x = n.find("outcome")) h.outcome = text(*x, "outcome");
    if (auto* x = n.find("referral")) h.referral = boolean(*x, "referral");
    if (auto* x = n.find("level")) h.level = text(*x, "level");
    return h;
  }

  static bool is_null(const Node& y) { return y.is_null() || (y.is_scalar() && !y.quoted && (y.value == "null" || y.value == "~")); }

  std::optional<std::vector<std::string>> string_list(const Node& n, std::string_view what) {
    std::vector<std::string> out;
    if (!expect_kind(n, Node::Kind::sequence, what)) return std::nullopt;
    for (auto& e : n.children) out.push_back(text(e, what));
    return out;
  }

  void load(const Node& n) {
    if (!expect_kind(n, Node::Kind::sequence, "tests") || !limit(n, "tests")) return;
    for (auto& item : n.children) {
      WorkedExample t;
      t.at = item.at;
      if (!expect_kind(item, Node::Kind::mapping, "a test")) continue;
      keys(item, kTest);
      if (auto* x = item.find("name")) t.name = text(*x, "name");
      if (auto* x = item.find("contact"); x && expect_kind(*x, Node::Kind::mapping, "contact")) {
        for (std::size_t i = 0; i < x->size(); ++i) {
          const std::string& k = x->key(i).value;
          if (k == "concerns") {
            t.contact.concerns = concern_entries(x->val(i));
          } else if (k == "history") {
            d_.error("FD110", x->key(i).at, "a test's history goes beside 'contact', not inside it");
          } else {
            t.contact.set(k, scalar(x->val(i)));
          }
        }
        if (!t.contact.find("id")) t.contact.set("id", "test-" + std::to_string(doc_.tests.size() + 1));
      }
      if (auto* x = item.find("history"); x && expect_kind(*x, Node::Kind::sequence, "history"))
        for (auto& h : x->children) t.history.push_back(history_item(h));
      if (auto* x = item.find("expect"); x && expect_kind(*x, Node::Kind::mapping, "expect")) {
        keys(*x, kExpect);
        Expectation& e = t.expect;
        if (auto* y = x->find("level")) e.level = text(*y, "level");
        if (auto* y = x->find("outcome")) e.outcome = text(*y, "outcome");
        if (auto* y = x->find("category")) e.category = text(*y, "category");
        if (auto* y = x->find("deadline")) {
          if (is_null(*y))
            e.has_deadline_null = true;
          else
            e.deadline = text(*y, "deadline");
        }
        if (auto* y = x->find("deadline_from")) {
          e.has_deadline_from = true;
          if (!is_null(*y)) e.deadline_from = text(*y, "deadline_from");
        }
        if (auto* y = x->find("error")) e.error = text(*y, "error");
        if (auto* y = x->find("actions")) e.actions = string_list(*y, "actions");
        if (auto* y = x->find("actions_include")) e.actions_include = string_list(*y, "actions_include");
        if (auto* y = x->find("flags")) e.flags = string_list(*y, "flags");
        if (auto* y = x->find("rules")) e.rules = string_list(*y, "rules");
        if (auto* y = x->find("routing")) {
          e.has_routing = true;
          if (!is_null(*y)) e.routing = text(*y, "routing");
        }
      }
      doc_.tests.push_back(std::move(t));
    }
  }

 private:
  ThresholdDocument& doc_;
};

}  // namespace

void load_worked_examples(const SourceText& source, const CompileOptions& options, const YamlNode& tests, ThresholdDocument& doc,
                          std::vector<Diagnostic>& out) {
  ExampleReader(source, options, doc, out).load(tests);
}

}  // namespace frontdoor::detail
