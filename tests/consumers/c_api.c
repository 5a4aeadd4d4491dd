/* A C host of libfrontdoor_c (frontdoor::c): compile the shipped document with its worked examples,
   decide one contact, and expect a strategy discussion within four working hours. */
#include <frontdoor/frontdoor.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  fd_ruleset* rules = NULL;
  char* decision = NULL;
  int ok;
  if (argc != 2) return 2;
  if (fd_abi_version() != FD_ABI_VERSION) return 1;
  if (fd_compile_file(argv[1], FD_COMPILE_RUN_EXAMPLES, &rules, NULL) != FD_OK) {
    fprintf(stderr, "%s\n", fd_last_error());
    return 1;
  }
  if (fd_decide(rules,
                "{\"id\":\"C-1\",\"received\":\"2026-05-05T10:00:00Z\",\"dob\":\"2026-01-01\","
                "\"concerns\":{\"unexplained_injury\":\"acute\"}}",
                NULL, &decision) != FD_OK) {
    fd_ruleset_free(rules);
    return 1;
  }
  puts(decision);
  ok = strstr(decision, "\"outcome\":\"s47_strategy\"") != NULL && strstr(decision, "\"deadline\":\"2026-05-05T14:00:00Z\"") != NULL;
  fd_string_free(decision);
  fd_ruleset_free(rules);
  return ok ? 0 : 1;
}
