// What the service answers, as plain values: each request body in, one library call, an Answer
// out. No HTTP here, so each answer can be reasoned about (and tested) on its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "frontdoor/rule_set.hpp"

namespace frontdoor::serve {

struct Answer {
  int status = 200;
  std::string body;
  const char* content_type = "application/json";
  std::size_t decisions = 0, rejected = 0;  // for the metrics
};

// {"error": {"code", "message", "field"}}; an empty field is written as null. The message is the
// service's or the library's words, which never repeat a contact's value.
Answer error_answer(int status, std::string_view code, std::string_view message, std::string_view field = {});

// A random UUID (version 4) from the kernel's CSPRNG.
std::string new_decision_id();

// `json` (an object) with `"key":value` added as its last member; `value` is JSON text.
std::string with_member(std::string json, std::string_view key, std::string_view value);

// POST /v1/decide: one contact (with an optional "history") -> its decision and a decision_id.
Answer decide_answer(const RuleSet&, std::string_view body);
// POST /v1/explain: the decision, its trace (as `explain --format json`), the referrer's text.
Answer explain_answer(const RuleSet&, std::string_view body);
// POST /v1/decisions: JSON Lines -> JSON Lines, one batch (history from earlier rows of the same
// child). `body` gets the batch reader's padding appended.
Answer decisions_answer(const RuleSet&, std::string& body, unsigned threads);
// GET /v1/document: the document for building forms.
Answer document_answer(const RuleSet&);
// GET /healthz.
Answer health_answer(const RuleSet&);

}  // namespace frontdoor::serve
