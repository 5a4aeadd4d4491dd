// The symbolic diff as JSON and as text: one region per line, then whether that is all.
#include <algorithm>
#include <string>

#include "frontdoor/analysis.hpp"
#include "util/json.hpp"

namespace frontdoor {
namespace {

void write_side(detail::JsonWriter& w, const DecidedBy& d) {
  w.open('{');
  w.key("level").string(d.level);
  w.key("outcome").string(d.outcome);
  for (auto* key : {"deadline", "deadline_at"}) {
    const std::string& v = key[8] ? d.deadline_at : d.deadline;
    w.key(key);
    if (v.empty())
      w.null();
    else
      w.string(v);
  }
  w.key("actions").open('[');
  for (auto& a : d.actions) w.string(a);
  w.close(']');
  w.key("rules").open('[');
  for (auto& r : d.rules) w.string(r);
  w.close(']');
  w.key("routing");
  if (d.routing.empty())
    w.null();
  else
    w.string(d.routing);
  w.close('}');
}

std::string side_words(const DecidedBy& d) {
  if (d.outcome.empty()) return "(rejected)";
  std::string by = d.routing.empty() ? "level '" + d.level + "' route" : "routing '" + d.routing + "'";
  return d.outcome + " (level " + d.level + ", " + by + ")";
}

std::string what_changes(const DiffRegion& r) {
  auto or_none = [](const std::string& s) { return s.empty() ? std::string("none") : s; };
  switch (r.aspect) {
    case DiffAspect::outcome: return r.a.outcome + " -> " + r.b.outcome;
    case DiffAspect::level: return "level " + r.a.level + " -> " + r.b.level + " (outcome " + r.a.outcome + " either way)";
    case DiffAspect::deadline:
      return "deadline " + or_none(r.a.deadline) + " -> " + or_none(r.b.deadline) + " (outcome " + r.a.outcome + ")";
    case DiffAspect::actions: break;
  }
  bool in_a = std::find(r.a.actions.begin(), r.a.actions.end(), r.action) != r.a.actions.end();
  return std::string("action ") + r.action + (in_a ? " only under A" : " only under B") + " (outcome " + r.a.outcome + ")";
}

const char* other_words(ProofAnswer a) {
  return a == ProofAnswer::no ? "no other contact is decided differently (proven)"
                              : "incomplete: other contacts may be decided differently";
}

}  // namespace

std::string to_json(const DocumentDiff& d) {
  detail::JsonWriter w;
  w.open('{');
  if (!d.error.empty()) {
    w.key("error").string(d.error);
    w.close('}');
    return std::move(w).str();
  }
  w.key("notes").open('[');
  for (auto& n : d.notes) w.string(n);
  w.close(']');
  w.key("regions").open('[');
  for (auto& r : d.regions) {
    w.open('{');
    w.key("aspect").string(to_string(r.aspect));
    w.key("condition").string(r.condition);
    if (r.aspect == DiffAspect::actions) w.key("action").string(r.action);
    w.key("a");
    write_side(w, r.a);
    w.key("b");
    write_side(w, r.b);
    w.key("example_a").embed(r.example_a);
    w.key("example_b").embed(r.example_b);
    w.key("confirmed").boolean(r.confirmed);
    w.close('}');
  }
  w.close(']');
  w.key("complete").boolean(d.other_differences == ProofAnswer::no);
  w.key("milliseconds").number(static_cast<std::int64_t>(d.milliseconds));
  w.close('}');
  return std::move(w).str();
}

std::string to_text(const DocumentDiff& d, bool summary) {
  if (!d.error.empty()) return "cannot compare: " + d.error + "\n";
  std::string out;
  for (auto& n : d.notes) out += "note: " + n + "\n";
  if (d.regions.empty() && d.other_differences == ProofAnswer::no) out += "no contact is decided differently (proven)\n";
  std::size_t k = 0;
  for (auto& r : d.regions) {
    ++k;
    out += std::to_string(k) + ". " + what_changes(r) + ": " + r.condition + "\n";
    if (summary) continue;
    out += "   A: " + side_words(r.a) + "\n   B: " + side_words(r.b) + "\n";
    out += "   for example: " + r.example_a + "\n";
    if (r.example_b != r.example_a) out += "   (as B reads it: " + r.example_b + ")\n";
    if (!r.confirmed) out += "   warning: the engine did not reproduce this difference; please report it\n";
  }
  if (!d.regions.empty() || d.other_differences != ProofAnswer::no) {
    out += other_words(d.other_differences);
    if (d.other_differences != ProofAnswer::no) out += " (after " + std::to_string(static_cast<long long>(d.milliseconds)) + " ms)";
    out += "\n";
  }
  return out;
}

}  // namespace frontdoor
