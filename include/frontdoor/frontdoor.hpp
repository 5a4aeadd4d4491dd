// frontdoor: executable threshold documents for children's-services front doors.
// One include for hosts: compile a document once, share the RuleSet, decide contacts.
#pragma once

#include "frontdoor/check.hpp"
#include "frontdoor/contact.hpp"
#include "frontdoor/decision.hpp"
#include "frontdoor/diagnostic.hpp"
#include "frontdoor/document.hpp"
#include "frontdoor/records.hpp"
#include "frontdoor/report.hpp"
#include "frontdoor/result.hpp"
#include "frontdoor/rule_set.hpp"
#include "frontdoor/version.hpp"
