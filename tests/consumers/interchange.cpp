// A host of frontdoor::interchange: decide one contact and build what its referrer is told.
#include <frontdoor/frontdoor.hpp>
#include <frontdoor/interchange.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto c = frontdoor::compile_file(argv[1]);
  if (!c || !c->ok()) return 1;
  frontdoor::ContactRecord contact;
  contact.set("id", std::string("C-1"));
  contact.set("received", std::string("2026-05-05T10:00:00Z"));
  contact.set("dob", std::string("2026-01-01"));
  contact.concerns.push_back({"unexplained_injury", "acute"});
  auto d = c->rule_set->decide(contact);
  auto summary = frontdoor::interchange::referrer_summary(*c->rule_set, d);
  std::cout << frontdoor::interchange::to_text(summary) << "\n";
  return summary.decided && summary.outcome == "s47_strategy" && summary.deadline_utc == "2026-05-05T14:00:00Z" ? 0 : 1;
}
