// POST /v1/records: the outcome the front door actually gave a contact, appended to the audit file
// as an audit record (interchange::audit_record, the format `decide --audit` writes and `frontdoor
// replay` reads), with the decision_id the worker saw when the request names one.
#pragma once

#include <string_view>

#include "frontdoor/rule_set.hpp"
#include "serve/answers.hpp"
#include "serve/audit_log.hpp"

namespace frontdoor::serve {

Answer record_answer(const RuleSet&, std::string_view body, AuditLog&);

}  // namespace frontdoor::serve
