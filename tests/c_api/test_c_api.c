/* The C interface, from C11: compile, decide, batch (byte for byte what `frontdoor decide` wrote),
 * explain, referrer summary, audit records, errors, threads sharing one ruleset, and hot reload
 * through a slot while other threads decide.
 *
 * usage: test_c_api DOC CONTACTS.jsonl CONTACT.json CLI_DECISIONS.jsonl AUDIT_OUT.jsonl */
#include <frontdoor/frontdoor.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)
#define CONTAINS(haystack, needle) ((haystack) != NULL && strstr((haystack), (needle)) != NULL)

static char* read_file(const char* path, size_t* length) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* text = malloc((size_t)n + 1);
  if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) exit(2);
  text[n] = '\0';
  fclose(f);
  if (length) *length = (size_t)n;
  return text;
}

/* --- threads sharing one ruleset ------------------------------------------------------------- */

struct batch_job {
  const fd_ruleset* rules;
  const char* contacts;
  const char* expected;
  int same;
};

static void* decide_batch_thread(void* arg) {
  struct batch_job* job = arg;
  char* out = NULL;
  size_t rejected = 0;
  fd_status s = fd_decide_batch(job->rules, job->contacts, &out, &rejected);
  job->same = s == FD_REJECTED && out != NULL && strcmp(out, job->expected) == 0;
  fd_string_free(out);
  return NULL;
}

/* --- hot reload ------------------------------------------------------------------------------ */

struct reload_job {
  const fd_slot* slot;
  const char* contact;
  const char *version_a, *version_b; /* "\"version\":\"...\"" as the decisions say it */
  int decided, under_a, under_b, other;
};

static void* decide_through_slot(void* arg) {
  struct reload_job* job = arg;
  for (int i = 0; i < 400; ++i) {
    char* d = NULL;
    if (fd_slot_decide(job->slot, job->contact, NULL, &d) == FD_OK) ++job->decided;
    if (CONTAINS(d, job->version_a))
      ++job->under_a;
    else if (CONTAINS(d, job->version_b))
      ++job->under_b;
    else
      ++job->other;
    fd_string_free(d);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s DOC CONTACTS.jsonl CONTACT.json CLI_DECISIONS.jsonl AUDIT_OUT.jsonl\n", argv[0]);
    return 2;
  }
  const char *doc_path = argv[1], *contacts_path = argv[2], *contact_path = argv[3], *expected_path = argv[4], *audit_path = argv[5];

  /* Versions. */
  CHECK(fd_abi_version() == FD_ABI_VERSION);
  CHECK(strlen(fd_version()) >= 5);
  CHECK(strcmp(fd_status_name(FD_REJECTED), "FD_REJECTED") == 0);

  /* Bad arguments never crash and say why. */
  fd_ruleset* none = NULL;
  CHECK(fd_compile_file(NULL, 0, &none, NULL) == FD_INVALID_ARGUMENT && none == NULL);
  CHECK(strlen(fd_last_error()) > 0);
  CHECK(fd_compile_file(doc_path, 0x80u, &none, NULL) == FD_INVALID_ARGUMENT);
  CHECK(fd_decide(NULL, "{}", NULL, NULL) == FD_INVALID_ARGUMENT);
  fd_string_free(NULL);
  fd_ruleset_free(NULL);
  fd_slot_free(NULL);
  CHECK(fd_slot_new(NULL) == NULL);

  /* A file that is not there, and a document with errors: diagnostics as JSON. */
  char* diagnostics = NULL;
  CHECK(fd_compile_file("/nonexistent/threshold.yaml", 0, &none, &diagnostics) == FD_IO_ERROR);
  CHECK(none == NULL && CONTAINS(fd_last_error(), "nonexistent"));
  fd_string_free(diagnostics);
  const char* broken = "frontdoor: 1\nid: broken\nlevels:\n  - {id: low, route: advice}\n";
  CHECK(fd_compile_text(broken, strlen(broken), "broken.yaml", 0, &none, &diagnostics) == FD_DOCUMENT_ERROR);
  CHECK(none == NULL);
  CHECK(CONTAINS(diagnostics, "\"code\":\"FD") && CONTAINS(diagnostics, "\"path\":\"broken.yaml\""));
  CHECK(CONTAINS(fd_last_error(), "error"));
  fd_string_free(diagnostics);

  /* The shipped document, with its worked examples run. */
  fd_ruleset* rules = NULL;
  fd_status s = fd_compile_file(doc_path, FD_COMPILE_RUN_EXAMPLES, &rules, &diagnostics);
  if (s != FD_OK || !rules) {
    fprintf(stderr, "cannot compile %s: %s %s\n", doc_path, fd_status_name(s), fd_last_error());
    return 1;
  }
  CHECK(diagnostics != NULL && diagnostics[0] == '[');
  fd_string_free(diagnostics);
  CHECK(strcmp(fd_document_id(rules), "exampleshire") == 0);
  CHECK(strlen(fd_document_version(rules)) > 0);
  char version_a[128];
  snprintf(version_a, sizeof version_a, "\"version\":\"%s\"", fd_document_version(rules));
  const char* version_b = "\"version\":\"reloaded\"";
  CHECK(strlen(fd_document_sha256(rules)) == 64);
  char* info = NULL;
  CHECK(fd_document_json(rules, &info) == FD_OK && CONTAINS(info, "\"timezone\":\"Europe/London\""));
  fd_string_free(info);

  /* One contact (it carries its own history). */
  char* contact = read_file(contact_path, NULL);
  char* decision = NULL;
  CHECK(fd_decide(rules, contact, NULL, &decision) == FD_OK);
  CHECK(CONTAINS(decision, "\"outcome\":\"s47_strategy\"") && CONTAINS(decision, "\"deadline\":\"2026-09-15T13:20:00Z\""));
  CHECK(CONTAINS(decision, fd_document_sha256(rules)));
  fd_string_free(decision);

  /* History given beside the contact is the same as history inside it. */
  const char* inside =
      "{\"id\":\"C-H\",\"child\":\"K-1\",\"received\":\"2026-05-05T10:00:00Z\",\"concerns\":{\"domestic_abuse\":\"early_help\"},"
      "\"history\":[{\"received\":\"2026-04-01T10:00:00Z\",\"concerns\":{\"domestic_abuse\":\"early_help\"},\"outcome\":\"advice\"},"
      "{\"received\":\"2026-04-20T10:00:00Z\",\"concerns\":{\"domestic_abuse\":\"early_help\"},\"outcome\":\"advice\"}]}";
  const char* beside =
      "{\"id\":\"C-H\",\"child\":\"K-1\",\"received\":\"2026-05-05T10:00:00Z\",\"concerns\":{\"domestic_abuse\":\"early_help\"}}";
  const char* history =
      "[{\"received\":\"2026-04-01T10:00:00Z\",\"concerns\":{\"domestic_abuse\":\"early_help\"},\"outcome\":\"advice\"},"
      "{\"received\":\"2026-04-20T10:00:00Z\",\"concerns\":{\"domestic_abuse\":\"early_help\"},\"outcome\":\"advice\"}]";
  char *a = NULL, *b = NULL, *c = NULL;
  CHECK(fd_decide(rules, inside, NULL, &a) == FD_OK);
  CHECK(fd_decide(rules, beside, history, &b) == FD_OK);
  CHECK(fd_decide(rules, beside, NULL, &c) == FD_OK);
  CHECK(a && b && strcmp(a, b) == 0);
  CHECK(a && c && strcmp(a, c) != 0); /* the earlier similar contacts matter (repeat contacts) */
  fd_string_free(a), fd_string_free(b), fd_string_free(c);

  /* Rejected contacts: the decision is still written, naming the fault. */
  CHECK(fd_decide(rules, "{not json", NULL, &decision) == FD_REJECTED && CONTAINS(decision, "\"error\":\""));
  fd_string_free(decision);
  CHECK(fd_decide(rules, "{\"id\":\"C-X\",\"received\":\"2026-05-05T10:00:00Z\",\"concerns\":{\"head_lice\":\"universal\"}}", NULL,
                  &decision) == FD_REJECTED);
  CHECK(CONTAINS(decision, "head_lice") && CONTAINS(decision, "\"outcome\":null"));
  fd_string_free(decision);
  CHECK(fd_decide(rules, beside, "[{\"received\": 5}]", &decision) == FD_REJECTED && CONTAINS(decision, "history"));
  fd_string_free(decision);

  /* Explain, referrer summary and audit record. */
  char* explanation = NULL;
  CHECK(fd_explain(rules, contact, NULL, &explanation) == FD_OK);
  CHECK(CONTAINS(explanation, "\"trace\":[") && CONTAINS(explanation, "non_mobile_baby_injury"));
  fd_string_free(explanation);
  char* summary = NULL;
  CHECK(fd_referrer_summary(rules, contact, NULL, FD_TEXT, &summary) == FD_OK);
  CHECK(CONTAINS(summary, "C-EXAMPLE-1") && CONTAINS(summary, "13:20 UTC") && CONTAINS(summary, "14:20"));
  CHECK(!CONTAINS(summary, "K-00042") && !CONTAINS(summary, "2026-05-11")); /* no child id, no date of birth */
  fd_string_free(summary);
  CHECK(fd_referrer_summary(rules, contact, NULL, 7, &summary) == FD_INVALID_ARGUMENT && summary == NULL);
  FILE* audit = fopen(audit_path, "wb");
  CHECK(audit != NULL);
  const char* audited[] = {contact, beside, inside, "{\"id\":\"C-X\",\"received\":\"not a time\"}"};
  for (int i = 0; i < 4; ++i) {
    char* record = NULL;
    fd_status rs = fd_audit_record(rules, audited[i], i == 1 ? history : NULL, &record);
    CHECK((rs == FD_OK || rs == FD_REJECTED) && CONTAINS(record, "\"frontdoor_audit\":1"));
    if (audit && record) fprintf(audit, "%s\n", record);
    fd_string_free(record);
  }
  if (audit) fclose(audit);

  /* The shipped year as one batch: byte for byte what `frontdoor decide` wrote. */
  char* contacts = read_file(contacts_path, NULL);
  char* expected = read_file(expected_path, NULL);
  char* decisions = NULL;
  size_t rejected = 0;
  CHECK(fd_decide_batch(rules, contacts, &decisions, &rejected) == FD_REJECTED);
  CHECK(rejected == 72);
  CHECK(decisions != NULL && strcmp(decisions, expected) == 0);
  if (decisions && strcmp(decisions, expected) != 0) {
    size_t i = 0, line = 1;
    while (decisions[i] && decisions[i] == expected[i]) line += decisions[i++] == '\n';
    fprintf(stderr, "the C interface and the command line first differ on line %zu\n", line);
  }
  fd_string_free(decisions);

  /* Professional judgement (SPEC 7.8): the override in the decision, and history from recorded
     outcomes on request. A complex contact recorded as early help is not a referral, so the same
     child's next complex contact is a re-referral only when history counts decided outcomes. */
  const char* judged =
      "{\"id\":\"J1\",\"child\":\"KJ\",\"received\":\"2026-06-01T10:00:00Z\",\"concerns\":{\"parental_mental_health\":\"complex\"},"
      "\"recorded_outcome\":\"early_help\",\"override_reason\":\"strengths\"}\n"
      "{\"id\":\"J2\",\"child\":\"KJ\",\"received\":\"2026-07-01T10:00:00Z\",\"concerns\":{\"parental_mental_health\":\"complex\"}}\n";
  char* by_decided = NULL;
  char* by_recorded = NULL;
  CHECK(fd_decide_batch_history(rules, judged, FD_HISTORY_DECIDED, &by_decided, NULL) == FD_OK);
  CHECK(fd_decide_batch_history(rules, judged, FD_HISTORY_RECORDED, &by_recorded, NULL) == FD_OK);
  CHECK(CONTAINS(by_decided,
                 "\"override\":{\"outcome\":\"early_help\",\"category\":\"early_help\",\"direction\":\"down\",\"reason\":\"strengths\"}"));
  CHECK(CONTAINS(by_decided, "\"rules\":[\"re_referral\"]") && !CONTAINS(by_recorded, "re_referral"));
  fd_string_free(by_recorded);
  CHECK(fd_decide_batch_history(rules, judged, 7, &by_recorded, NULL) == FD_INVALID_ARGUMENT && by_recorded == NULL);
  fd_string_free(by_decided);
  char* bad_reason = NULL;
  CHECK(fd_decide(rules, "{\"id\":\"J3\",\"received\":\"2026-06-01T10:00:00Z\",\"override_reason\":\"Mrs Smith said so\"}", NULL,
                  &bad_reason) == FD_REJECTED);
  CHECK(CONTAINS(bad_reason, "override_reason: ") && !CONTAINS(bad_reason, "Smith"));
  fd_string_free(bad_reason);

  /* Four threads, one ruleset handle, the same batch. */
  enum { kThreads = 4 };
  pthread_t threads[kThreads];
  struct batch_job jobs[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    jobs[i] = (struct batch_job){rules, contacts, expected, 0};
    pthread_create(&threads[i], NULL, decide_batch_thread, &jobs[i]);
  }
  for (int i = 0; i < kThreads; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(jobs[i].same);
  }

  /* Hot reload: a slot swapped between two versions while threads decide through it. */
  /* The same document with another version: `version: "..."` becomes `version: "reloaded"`. */
  char* text = read_file(doc_path, NULL);
  char* v = strstr(text, "\nversion: \"");
  char* end = v ? strchr(v + 11, '"') : NULL;
  CHECK(v != NULL && end != NULL);
  char* newer = malloc(strlen(text) + 32);
  if (!v || !end || !newer) return 1;
  sprintf(newer, "%.*s\nversion: \"reloaded%s", (int)(v - text), text, end);
  fd_ruleset* next = NULL;
  CHECK(fd_compile_text(newer, strlen(newer), doc_path, FD_COMPILE_RUN_EXAMPLES, &next, NULL) == FD_OK);
  fd_slot* slot = fd_slot_new(rules);
  CHECK(slot != NULL);
  fd_ruleset* before = fd_slot_load(slot); /* taken before the swaps: stays on the first version */
  struct reload_job reload[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    reload[i] = (struct reload_job){slot, beside, version_a, version_b, 0, 0, 0, 0};
    pthread_create(&threads[i], NULL, decide_through_slot, &reload[i]);
  }
  for (int i = 0; i < 200; ++i) CHECK(fd_slot_store(slot, i % 2 ? rules : next) == FD_OK);
  CHECK(fd_slot_store(slot, next) == FD_OK);
  int decided = 0, other = 0;
  for (int i = 0; i < kThreads; ++i) {
    pthread_join(threads[i], NULL);
    decided += reload[i].decided, other += reload[i].other;
  }
  CHECK(decided == kThreads * 400 && other == 0);
  char* after = NULL;
  CHECK(fd_slot_decide(slot, beside, NULL, &after) == FD_OK && CONTAINS(after, version_b));
  fd_string_free(after);
  CHECK(fd_decide(before, beside, NULL, &after) == FD_OK && CONTAINS(after, version_a));
  fd_string_free(after);
  /* A reload that fails keeps what was in force. */
  CHECK(fd_slot_reload_file(slot, "/nonexistent/threshold.yaml", 0, NULL) == FD_IO_ERROR);
  fd_ruleset* current = fd_slot_load(slot);
  CHECK(current && strcmp(fd_document_version(current), "reloaded") == 0);
  CHECK(fd_slot_reload_file(slot, doc_path, FD_COMPILE_RUN_EXAMPLES, NULL) == FD_OK);
  fd_ruleset* reloaded = fd_slot_load(slot);
  CHECK(reloaded && strcmp(fd_document_version(reloaded), fd_document_version(before)) == 0);
  /* Handles outlive the slot and each other. */
  fd_slot_free(slot);
  fd_ruleset_free(rules);
  fd_ruleset_free(next);
  CHECK(strcmp(fd_document_version(current), "reloaded") == 0);
  fd_ruleset* shared = fd_ruleset_share(before);
  fd_ruleset_free(before);
  CHECK(fd_decide(shared, beside, NULL, &after) == FD_OK && CONTAINS(after, version_a));
  fd_string_free(after);
  fd_ruleset_free(shared);
  fd_ruleset_free(current);
  fd_ruleset_free(reloaded);

  free(text), free(newer), free(contacts), free(expected), free(contact);
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("C interface: all checks passed (%s, ABI %d)\n", fd_version(), fd_abi_version());
  return failures ? 1 : 0;
}
