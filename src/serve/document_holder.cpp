#include "serve/document_holder.hpp"

#include "frontdoor/diagnostic.hpp"

namespace frontdoor::serve {

bool DocumentHolder::reload(std::string& log) {
  auto report = check_file(path_, options_);
  if (!report) {
    log = "document refused: " + report.error().message;
    return false;
  }
  if (report->has_errors() || !report->rule_set) {
    std::size_t errors = 0;
    std::string first;
    for (const Finding& f : report->findings) {
      if (f.diagnostic.severity != Severity::error) continue;
      if (errors++ == 0) first = format(f.diagnostic, report->source.get());
      first = first.substr(0, first.find('\n'));
    }
    log = "document refused: " + path_ + " has " + std::to_string(errors) + " error(s) under check; the first: " + first;
    return false;
  }
  auto previous = current();
  current_.store(report->rule_set, std::memory_order_release);
  log = "document " + report->rule_set->document().id + " sha256 " + report->rule_set->sha256() + " serving" +
        (previous ? " (was " + previous->sha256() + ")" : "");
  return true;
}

}  // namespace frontdoor::serve
