// Findings as JSON and SARIF, as `check --format json|sarif`, the C interface and the Python package
// give them.
#include "frontdoor/report.hpp"
#include "frontdoor/version.hpp"
#include "report/write.hpp"

namespace frontdoor {

namespace {

using detail::JsonWriter;

void write_finding(JsonWriter& w, const Diagnostic& d, std::span<const std::string> counterexamples) {
  w.open('{');
  w.key("path").string(d.path);
  w.key("line").number(d.at.line);
  w.key("col").number(d.at.column);
  w.key("severity").string(to_string(d.severity));
  w.key("code").string(d.code);
  w.key("message").string(d.message);
  if (!counterexamples.empty()) {
    w.key("counterexamples").open('[');
    for (auto& contact : counterexamples) w.embed(contact);  // contact JSON the analysis wrote
    w.close(']');
  }
  w.close('}');
}

void write_sarif_result(JsonWriter& w, const Diagnostic& d) {
  // Keys in alphabetical order, as SARIF output has always been written.
  w.open('{');
  w.key("level").string(to_string(d.severity));
  w.key("locations").open('[').open('{');
  w.key("physicalLocation").open('{');
  w.key("artifactLocation").open('{').key("uri").string(d.path).close('}');
  if (d.at.line) {
    w.key("region").open('{');
    w.key("startColumn").number(d.at.column);
    w.key("startLine").number(d.at.line);
    w.close('}');
  }
  w.close('}').close('}').close(']');
  w.key("message").open('{').key("text").string(d.message).close('}');
  w.key("ruleId").string(d.code);
  w.close('}');
}

}  // namespace

std::string to_json(std::span<const Finding> findings, JsonLayout layout) {
  JsonWriter w(detail::layout_of(layout == JsonLayout::indented));
  w.open('[');
  for (const Finding& f : findings) write_finding(w, f.diagnostic, f.contacts);
  w.close(']');
  return std::move(w).str();
}

std::string to_json(std::span<const Diagnostic> diagnostics, JsonLayout layout) {
  JsonWriter w(detail::layout_of(layout == JsonLayout::indented));
  w.open('[');
  for (const Diagnostic& d : diagnostics) write_finding(w, d, {});
  w.close(']');
  return std::move(w).str();
}

std::string to_sarif(std::span<const Finding> findings) {
  JsonWriter w(JsonWriter::Layout::indented);
  w.open('{');
  w.key("$schema").string("https://json.schemastore.org/sarif-2.1.0.json");
  w.key("runs").open('[').open('{');
  w.key("results").open('[');
  for (const Finding& f : findings) write_sarif_result(w, f.diagnostic);
  w.close(']');
  w.key("tool").open('{').key("driver").open('{');
  w.key("informationUri").string("https://example.invalid/frontdoor");
  w.key("name").string("frontdoor");
  w.key("version").string(kVersion);
  w.close('}').close('}');
  w.close('}').close(']');
  w.key("version").string("2.1.0");
  w.close('}');
  return std::move(w).str();
}

}  // namespace frontdoor
