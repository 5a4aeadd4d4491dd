// The C interface (include/frontdoor/frontdoor.h) over the C++ library. Every entry point catches
// everything: no exception crosses into C. Contacts are read by the command line's own reader
// (cli/records.cpp), so a host and `frontdoor decide` see the same contact the same way.
#include "frontdoor/frontdoor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "frontdoor/columns.hpp"
#include "frontdoor/frontdoor.hpp"
#include "frontdoor/interchange.hpp"
#include "frontdoor/report.hpp"
#include "records/json.hpp"

static_assert(FD_ABI_VERSION == 1, "update fd_abi_version's history in docs/embedding.md");

using frontdoor::ContactRecord;
using frontdoor::Decision;
using frontdoor::HistoryRecord;
using frontdoor::Rejection;
using frontdoor::RuleSet;
using Rules = std::shared_ptr<const RuleSet>;

struct fd_ruleset {
  Rules rules;
};

// The ruleset in force. A mutex held only to copy or swap one shared_ptr (a reference-count
// update): simple, obviously correct, and invisible next to a decision. (libstdc++ 12's
// std::atomic<std::shared_ptr> works too, but is opaque to ThreadSanitizer.)
struct fd_slot {
  mutable std::mutex mutex;
  Rules current;
  Rules load() const {
    std::lock_guard<std::mutex> lock(mutex);
    return current;
  }
  void store(Rules r) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      current.swap(r);
    }
    // `r` now holds the previous ruleset; it is released here, outside the lock.
  }
};

namespace {

thread_local std::string last_error;

fd_status fail(fd_status s, std::string message) {
  last_error = std::move(message);
  return s;
}

fd_status ok(fd_status s = FD_OK) {
  last_error.clear();
  return s;
}

char* copy_out(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

// Run `body`, turning any exception into a status.
template <class F>
fd_status guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(FD_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(FD_INTERNAL_ERROR, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(FD_INTERNAL_ERROR, "internal error");
  }
}

fd_status finish_compile(frontdoor::Compilation c, unsigned flags, fd_ruleset** out, char** diagnostics) {
  std::vector<frontdoor::Diagnostic> diags = c.diagnostics;
  bool good = c.ok();
  if (good && (flags & FD_COMPILE_RUN_EXAMPLES)) {
    auto failures = frontdoor::run_worked_examples(*c.rule_set);
    good = failures.empty();
    diags.insert(diags.end(), failures.begin(), failures.end());
  }
  if (diagnostics) *diagnostics = copy_out(frontdoor::to_json(std::span<const frontdoor::Diagnostic>(diags)));
  if (!good) {
    std::size_t errors = 0;
    for (auto& d : diags) errors += d.severity == frontdoor::Severity::error;
    std::string first;
    for (auto& d : diags)
      if (d.severity == frontdoor::Severity::error) {
        first = frontdoor::format(d);
        break;
      }
    return fail(FD_DOCUMENT_ERROR, std::to_string(errors) + " error(s) in the document; the first: " + first);
  }
  *out = new fd_ruleset{std::move(c.rule_set)};
  return ok();
}

// A contact, and the history the caller gave, as the command line would read them.
ContactRecord read_contact(const char* contact_json, const char* history_json, std::vector<HistoryRecord>& history) {
  ContactRecord record;
  auto j = nlohmann::json::parse(contact_json, nullptr, false);
  if (j.is_discarded()) {
    record.set_problem(Rejection::at(frontdoor::RejectionCode::unreadable, "", "the contact is not valid JSON"));
    return record;
  }
  record = frontdoor::detail::record_from_json(j);
  if (history_json && record.problem.empty()) {
    auto h = nlohmann::json::parse(history_json, nullptr, false);
    if (h.is_discarded()) {
      record.set_problem(Rejection::at(frontdoor::RejectionCode::unreadable, "history", "not valid JSON"));
    } else {
      ContactRecord holder = frontdoor::detail::record_from_json(nlohmann::json{{"history", h}});
      if (!holder.problem.empty())
        record.set_problem(holder.problem_rejection());
      else if (holder.history)
        history = std::move(*holder.history);
    }
  }
  return record;
}

}  // namespace

extern "C" {

FD_API const char* fd_version(void) { return frontdoor::kVersion; }
FD_API int fd_abi_version(void) { return FD_ABI_VERSION; }

FD_API const char* fd_status_name(fd_status s) {
  switch (s) {
    case FD_OK: return "FD_OK";
    case FD_REJECTED: return "FD_REJECTED";
    case FD_INVALID_ARGUMENT: return "FD_INVALID_ARGUMENT";
    case FD_IO_ERROR: return "FD_IO_ERROR";
    case FD_DOCUMENT_ERROR: return "FD_DOCUMENT_ERROR";
    case FD_OUT_OF_MEMORY: return "FD_OUT_OF_MEMORY";
    case FD_INTERNAL_ERROR: return "FD_INTERNAL_ERROR";
  }
  return "FD_UNKNOWN_STATUS";
}

FD_API const char* fd_last_error(void) { return last_error.c_str(); }

FD_API void fd_string_free(char* s) { std::free(s); }

FD_API fd_status fd_compile_file(const char* path, unsigned flags, fd_ruleset** out, char** diagnostics) {
  if (out) *out = nullptr;
  if (diagnostics) *diagnostics = nullptr;
  return guarded([&] {
    if (!path || !out) return fail(FD_INVALID_ARGUMENT, "fd_compile_file: path and out are required");
    if (flags & ~FD_COMPILE_RUN_EXAMPLES) return fail(FD_INVALID_ARGUMENT, "fd_compile_file: unknown flags");
    auto c = frontdoor::compile_file(path);
    if (!c) {
      if (diagnostics) *diagnostics = copy_out("[]");
      return fail(FD_IO_ERROR, c.error().message);
    }
    return finish_compile(std::move(c.value()), flags, out, diagnostics);
  });
}

FD_API fd_status fd_compile_text(const char* text, size_t length, const char* path, unsigned flags, fd_ruleset** out, char** diagnostics) {
  if (out) *out = nullptr;
  if (diagnostics) *diagnostics = nullptr;
  return guarded([&] {
    if (!text || !out) return fail(FD_INVALID_ARGUMENT, "fd_compile_text: text and out are required");
    if (flags & ~FD_COMPILE_RUN_EXAMPLES) return fail(FD_INVALID_ARGUMENT, "fd_compile_text: unknown flags");
    return finish_compile(frontdoor::compile(std::string_view(text, length), path ? path : "(text)"), flags, out, diagnostics);
  });
}

FD_API fd_ruleset* fd_ruleset_share(const fd_ruleset* rules) {
  if (!rules) return nullptr;
  try {
    return new fd_ruleset{rules->rules};
  } catch (...) {
    last_error = "out of memory";
    return nullptr;
  }
}

FD_API void fd_ruleset_free(fd_ruleset* rules) { delete rules; }

FD_API const char* fd_document_id(const fd_ruleset* r) { return r ? r->rules->document().id.c_str() : ""; }
FD_API const char* fd_document_version(const fd_ruleset* r) { return r ? r->rules->document().version.c_str() : ""; }
FD_API const char* fd_document_sha256(const fd_ruleset* r) { return r ? r->rules->sha256().c_str() : ""; }

FD_API fd_status fd_document_json(const fd_ruleset* r, char** json) {
  if (json) *json = nullptr;
  return guarded([&] {
    if (!r || !json) return fail(FD_INVALID_ARGUMENT, "fd_document_json: rules and json are required");
    *json = copy_out(frontdoor::to_json(*r->rules, frontdoor::DocumentDetail::header));
    return ok();
  });
}

FD_API fd_status fd_decide(const fd_ruleset* r, const char* contact_json, const char* history_json, char** decision) {
  if (decision) *decision = nullptr;
  return guarded([&] {
    if (!r || !contact_json || !decision) return fail(FD_INVALID_ARGUMENT, "fd_decide: rules, contact_json and decision are required");
    std::vector<HistoryRecord> history;
    ContactRecord record = read_contact(contact_json, history_json, history);
    Decision d = r->rules->decide(record, history);
    *decision = copy_out(r->rules->view(d).to_json());
    return d.ok() ? ok() : fail(FD_REJECTED, "the contact was rejected: " + d.error);
  });
}

FD_API fd_status fd_decide_batch(const fd_ruleset* r, const char* contacts_jsonl, char** decisions_jsonl, size_t* rejected) {
  return fd_decide_batch_history(r, contacts_jsonl, FD_HISTORY_DECIDED, decisions_jsonl, rejected);
}

FD_API fd_status fd_decide_batch_history(const fd_ruleset* r, const char* contacts_jsonl, int history, char** decisions_jsonl,
                                         size_t* rejected) {
  if (decisions_jsonl) *decisions_jsonl = nullptr;
  if (rejected) *rejected = 0;
  return guarded([&] {
    if (!r || !contacts_jsonl || !decisions_jsonl)
      return fail(FD_INVALID_ARGUMENT, "fd_decide_batch: rules, contacts_jsonl and decisions_jsonl are required");
    if (history != FD_HISTORY_DECIDED && history != FD_HISTORY_RECORDED)
      return fail(FD_INVALID_ARGUMENT, "fd_decide_batch_history: history must be FD_HISTORY_DECIDED or FD_HISTORY_RECORDED");
    const auto from = history == FD_HISTORY_RECORDED ? frontdoor::HistoryFrom::recorded : frontdoor::HistoryFrom::decided;
    // The library's JSON Lines batch, as `frontdoor decide` runs it; its reader needs readable
    // padding past the text, so the text is copied with it.
    const std::string_view given(contacts_jsonl);
    std::string padded(given.size() + frontdoor::columns::kJsonLinesPadding, '\0');
    std::copy(given.begin(), given.end(), padded.begin());
    std::ostringstream out;
    const auto summary = frontdoor::columns::decide_json_lines(*r->rules, std::string_view(padded.data(), given.size()), out, 0, {}, from);
    *decisions_jsonl = copy_out(out.str());
    const std::size_t bad = summary.rejected;
    if (rejected) *rejected = bad;
    return bad ? fail(FD_REJECTED, std::to_string(bad) + " of " + std::to_string(summary.rows) + " contacts rejected") : ok();
  });
}

FD_API fd_status fd_explain(const fd_ruleset* r, const char* contact_json, const char* history_json, char** explanation) {
  if (explanation) *explanation = nullptr;
  return guarded([&] {
    if (!r || !contact_json || !explanation)
      return fail(FD_INVALID_ARGUMENT, "fd_explain: rules, contact_json and explanation are required");
    std::vector<HistoryRecord> history;
    ContactRecord record = read_contact(contact_json, history_json, history);
    frontdoor::Explanation ex = r->rules->explain(record, history);
    // The same object as `frontdoor explain --format json`: the decision, then its trace.
    *explanation = copy_out(frontdoor::to_json(*r->rules, ex));
    return ex.decision.ok() ? ok() : fail(FD_REJECTED, "the contact was rejected: " + ex.decision.error);
  });
}

FD_API fd_status fd_referrer_summary(const fd_ruleset* r, const char* contact_json, const char* history_json, int format, char** summary) {
  if (summary) *summary = nullptr;
  return guarded([&] {
    if (!r || !contact_json || !summary)
      return fail(FD_INVALID_ARGUMENT, "fd_referrer_summary: rules, contact_json and summary are required");
    if (format != FD_TEXT && format != FD_JSON) return fail(FD_INVALID_ARGUMENT, "fd_referrer_summary: format is FD_TEXT or FD_JSON");
    std::vector<HistoryRecord> history;
    ContactRecord record = read_contact(contact_json, history_json, history);
    Decision d = r->rules->decide(record, history);
    auto s = frontdoor::interchange::referrer_summary(*r->rules, d);
    *summary = copy_out(format == FD_JSON ? frontdoor::interchange::to_json(s) : frontdoor::interchange::to_text(s));
    return d.ok() ? ok() : fail(FD_REJECTED, "the contact was rejected: " + d.error);
  });
}

FD_API fd_status fd_audit_record(const fd_ruleset* r, const char* contact_json, const char* history_json, char** record_out) {
  if (record_out) *record_out = nullptr;
  return guarded([&] {
    if (!r || !contact_json || !record_out)
      return fail(FD_INVALID_ARGUMENT, "fd_audit_record: rules, contact_json and record are required");
    std::vector<HistoryRecord> history;
    ContactRecord record = read_contact(contact_json, history_json, history);
    Decision d = r->rules->decide(record, history);
    *record_out = copy_out(frontdoor::interchange::audit_record(*r->rules, record, history, "given", d));
    return d.ok() ? ok() : fail(FD_REJECTED, "the contact was rejected: " + d.error);
  });
}

FD_API fd_slot* fd_slot_new(const fd_ruleset* initial) {
  if (!initial) {
    last_error = "fd_slot_new: an initial ruleset is required";
    return nullptr;
  }
  try {
    auto* s = new fd_slot;
    s->store(initial->rules);
    return s;
  } catch (...) {
    last_error = "out of memory";
    return nullptr;
  }
}

FD_API void fd_slot_free(fd_slot* slot) { delete slot; }

FD_API fd_status fd_slot_store(fd_slot* slot, const fd_ruleset* next) {
  return guarded([&] {
    if (!slot || !next) return fail(FD_INVALID_ARGUMENT, "fd_slot_store: slot and next are required");
    slot->store(next->rules);
    return ok();
  });
}

FD_API fd_ruleset* fd_slot_load(const fd_slot* slot) {
  if (!slot) return nullptr;
  try {
    return new fd_ruleset{slot->load()};
  } catch (...) {
    last_error = "out of memory";
    return nullptr;
  }
}

FD_API fd_status fd_slot_reload_file(fd_slot* slot, const char* path, unsigned flags, char** diagnostics) {
  if (diagnostics) *diagnostics = nullptr;
  if (!slot) return fail(FD_INVALID_ARGUMENT, "fd_slot_reload_file: slot is required");
  fd_ruleset* next = nullptr;
  fd_status s = fd_compile_file(path, flags, &next, diagnostics);
  if (s != FD_OK) return s;
  slot->store(next->rules);
  fd_ruleset_free(next);
  return ok();
}

FD_API fd_status fd_slot_decide(const fd_slot* slot, const char* contact_json, const char* history_json, char** decision) {
  if (decision) *decision = nullptr;
  return guarded([&] {
    if (!slot) return fail(FD_INVALID_ARGUMENT, "fd_slot_decide: slot is required");
    fd_ruleset current{slot->load()};
    return fd_decide(&current, contact_json, history_json, decision);
  });
}

}  // extern "C"
