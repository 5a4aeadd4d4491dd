// The compiled document the service decides with, swapped whole on reload: each request takes one
// shared_ptr and decides with it to the end, so a reload never changes a decision half-way, and the
// old RuleSet lives until its last request is answered.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "frontdoor/check.hpp"

namespace frontdoor::serve {

class DocumentHolder {
 public:
  DocumentHolder(std::string path, CheckOptions options) : path_(std::move(path)), options_(std::move(options)) {}

  std::shared_ptr<const RuleSet> current() const { return current_.load(std::memory_order_acquire); }

  // Reads and checks the document again. It replaces the one being served only when `check` finds
  // no error; `log` gets a line either way (the findings' codes and places, never a contact).
  bool reload(std::string& log);

 private:
  std::string path_;
  CheckOptions options_;
  std::atomic<std::shared_ptr<const RuleSet>> current_;
};

}  // namespace frontdoor::serve
