/* frontdoor: the C interface (libfrontdoor_c). docs/embedding.md tells the whole story.
 *
 * For case-management systems written in any language: C, or anything with a C foreign-function
 * interface (Python ctypes, Java FFM/JNA, C# P/Invoke, Go cgo, Rust, Node ffi).
 *
 *  - Opaque handles. A `fd_ruleset` is one compiled threshold document. It is immutable: any number
 *    of threads may decide with the same handle at once. `fd_slot` holds the current ruleset for hot
 *    reload: store a new one atomically while other threads keep deciding.
 *  - JSON in, JSON out, exactly as the command line reads and writes it (SPEC sections 3 and 4).
 *  - Ownership is explicit: every `char*` the library returns is the caller's, to release with
 *    fd_string_free(); every handle is released with its own _free function. `const char*` results
 *    (versions, document id, messages) are owned by the library and must not be freed.
 *  - Errors are status codes; fd_last_error() says more. No C++ exception ever crosses this
 *    interface, and the library never prints or logs (contacts are personal data).
 *
 * Stability: functions are only ever added. FD_ABI_VERSION changes when an existing function's
 * meaning or signature changes; compare it with fd_abi_version() at run time. */
#ifndef FRONTDOOR_H
#define FRONTDOOR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(FD_BUILDING_C_API)
#define FD_API __declspec(dllexport)
#else
#define FD_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define FD_API __attribute__((visibility("default")))
#else
#define FD_API
#endif

/* The version of this interface (not of the library). */
#define FD_ABI_VERSION 1

typedef enum fd_status {
  FD_OK = 0,
  /* The contact was rejected (SPEC 2.1): the output is still written, a decision whose "error"
     names the field or concern at fault. For a batch: at least one row was rejected. */
  FD_REJECTED = 1,
  FD_INVALID_ARGUMENT = 2, /* a NULL where a value is needed, an unknown flag or format */
  FD_IO_ERROR = 3,         /* a file could not be read */
  FD_DOCUMENT_ERROR = 4,   /* the document has errors (or, when asked, a failing worked example) */
  FD_OUT_OF_MEMORY = 5,
  FD_INTERNAL_ERROR = 6 /* a bug: please report it with fd_last_error() */
} fd_status;

/* The library's version, e.g. "0.1.0" (static storage). */
FD_API const char* fd_version(void);
/* FD_ABI_VERSION as the library was built. */
FD_API int fd_abi_version(void);
/* "FD_OK", "FD_REJECTED", ... (static storage). */
FD_API const char* fd_status_name(fd_status status);
/* What went wrong in this thread's last call that did not return FD_OK; "" after one that did.
   Valid until this thread's next call into the library. Never contains a contact's values. */
FD_API const char* fd_last_error(void);

/* Release a string the library returned. NULL is allowed. */
FD_API void fd_string_free(char* s);

/* --- documents ------------------------------------------------------------------------------- */

typedef struct fd_ruleset fd_ruleset;

/* Flags for fd_compile_*: also run the document's worked examples and treat a failing one as an
   error (what a host should ask for before it swaps a new document in). */
#define FD_COMPILE_RUN_EXAMPLES 1u

/* Compile a threshold document. On FD_OK, *out is a new handle. On FD_DOCUMENT_ERROR, *out is NULL.
   Either way, when `diagnostics` is not NULL, *diagnostics is a JSON array of findings
   ([{"path","line","col","severity","code","message"}], as `frontdoor check --format json`;
   warnings too on success), to free with fd_string_free. `path` names the text in positions. */
FD_API fd_status fd_compile_file(const char* path, unsigned flags, fd_ruleset** out, char** diagnostics);
FD_API fd_status fd_compile_text(const char* text, size_t length, const char* path, unsigned flags, fd_ruleset** out, char** diagnostics);

/* Another handle on the same compiled document (cheap: shared, reference-counted). */
FD_API fd_ruleset* fd_ruleset_share(const fd_ruleset* rules);
/* Release a handle. The compiled document goes when its last handle (or slot) lets go. NULL is allowed. */
FD_API void fd_ruleset_free(fd_ruleset* rules);

/* The document's id, version and the sha256 of its bytes (lower-case hex). Owned by the handle. */
FD_API const char* fd_document_id(const fd_ruleset* rules);
FD_API const char* fd_document_version(const fd_ruleset* rules);
FD_API const char* fd_document_sha256(const fd_ruleset* rules);
/* {"id","title","version","effective_from","sha256","path","timezone"} */
FD_API fd_status fd_document_json(const fd_ruleset* rules, char** json);

/* --- deciding -------------------------------------------------------------------------------- */

/* Decide one contact: a JSON object (SPEC section 3). `history_json` is NULL or a JSON array of
   the child's earlier contacts ([{"received","concerns","outcome"|"referral"}]); a contact that
   carries its own "history" uses that instead. *decision is the decision JSON (SPEC section 4).
   FD_OK: decided; FD_REJECTED: *decision is written and its "error" says why. */
FD_API fd_status fd_decide(const fd_ruleset* rules, const char* contact_json, const char* history_json, char** decision);

/* Decide JSON Lines (one contact per line) as one batch, exactly as `frontdoor decide`: each row's
   history is the earlier rows of the same child with the outcomes decided here (SPEC 2.2). One
   decision line per input row, in input order (a blank line is not a row). `rejected` (may be NULL)
   gets the number of rejected rows; FD_REJECTED when there are any. */
FD_API fd_status fd_decide_batch(const fd_ruleset* rules, const char* contacts_jsonl, char** decisions_jsonl, size_t* rejected);

/* Which outcome earlier rows count with in a batch's history (SPEC 7.8): the one decided here
   (FD_HISTORY_DECIDED, fd_decide_batch's), or each row's recorded_outcome where it has one
   (FD_HISTORY_RECORDED: what really happened). */
#define FD_HISTORY_DECIDED 0
#define FD_HISTORY_RECORDED 1
/* fd_decide_batch with the history taken as `history` says; any other value is FD_INVALID_ARGUMENT. */
FD_API fd_status fd_decide_batch_history(const fd_ruleset* rules, const char* contacts_jsonl, int history, char** decisions_jsonl,
                                         size_t* rejected);

/* The decision with its trace, as `frontdoor explain --format json`. */
FD_API fd_status fd_explain(const fd_ruleset* rules, const char* contact_json, const char* history_json, char** explanation);

/* What the referrer is told (`frontdoor explain --for referrer`): FD_TEXT plain English, or FD_JSON. */
#define FD_TEXT 0
#define FD_JSON 1
FD_API fd_status fd_referrer_summary(const fd_ruleset* rules, const char* contact_json, const char* history_json, int format,
                                     char** summary);

/* The decision as an audit record: one JSON line holding the document (id, version, sha256), the
   contact, the history it saw and the decision, which `frontdoor replay DOC AUDIT.jsonl` re-decides.
   Append the lines to a file to keep an audit trail. */
FD_API fd_status fd_audit_record(const fd_ruleset* rules, const char* contact_json, const char* history_json, char** record);

/* --- hot reload ------------------------------------------------------------------------------ */

/* A slot holds the ruleset in force. Deciding threads fd_slot_load() (or decide through the slot);
   a reloading thread stores a new ruleset. The swap is atomic: a decision already under way finishes
   with the ruleset it started with, every later one uses the new one, and a handle taken from the
   slot stays valid until it is freed, whatever is stored meanwhile. Every decision names the
   document version and sha256 that made it. */
typedef struct fd_slot fd_slot;

/* A slot holding `initial` (shared: free your own handle whenever you like). NULL on bad arguments. */
FD_API fd_slot* fd_slot_new(const fd_ruleset* initial);
FD_API void fd_slot_free(fd_slot* slot);
/* Put `next` in force (shared, as above). */
FD_API fd_status fd_slot_store(fd_slot* slot, const fd_ruleset* next);
/* A new handle on the ruleset in force; release it with fd_ruleset_free. */
FD_API fd_ruleset* fd_slot_load(const fd_slot* slot);
/* Compile a file and, only when it compiles (and with FD_COMPILE_RUN_EXAMPLES, its worked examples
   pass), put it in force. On failure the slot keeps the ruleset it had. */
FD_API fd_status fd_slot_reload_file(fd_slot* slot, const char* path, unsigned flags, char** diagnostics);
/* fd_decide with the ruleset in force. */
FD_API fd_status fd_slot_decide(const fd_slot* slot, const char* contact_json, const char* history_json, char** decision);

#ifdef __cplusplus
}
#endif

#endif /* FRONTDOOR_H */
