# The C interface against the command line: `frontdoor decide` writes the shipped year's decisions,
# the C test program decides the same contacts through libfrontdoor_c and must match byte for byte,
# and the audit records it wrote through fd_audit_record must replay identically with `frontdoor replay`.
# -DFRONTDOOR=cli -DTEST=test program -DSOURCE_DIR=repository -DWORK=scratch directory
file(MAKE_DIRECTORY ${WORK})
set(doc ${SOURCE_DIR}/rules/exampleshire.yaml)
set(contacts ${SOURCE_DIR}/examples/contacts-2026.jsonl)
execute_process(COMMAND ${FRONTDOOR} decide ${doc} ${contacts} -o ${WORK}/cli-decisions.jsonl RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 1)  # 72 of the shipped rows are deliberately bad
  message(FATAL_ERROR "frontdoor decide exited ${rc}, expected 1")
endif()
execute_process(COMMAND ${TEST} ${doc} ${contacts} ${SOURCE_DIR}/examples/contact.json ${WORK}/cli-decisions.jsonl ${WORK}/c-audit.jsonl
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the C test program failed (${rc})")
endif()
execute_process(COMMAND ${FRONTDOOR} replay ${doc} ${WORK}/c-audit.jsonl RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc)
  message(FATAL_ERROR "the audit records written through the C interface did not replay identically (${rc})")
endif()
