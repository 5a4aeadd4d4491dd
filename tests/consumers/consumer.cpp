// A host program: compile the default document once and decide one contact.
#include <frontdoor/frontdoor.hpp>

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
  auto v = c->rule_set->view(d);
  std::cout << v.outcome() << "\n";
  return v.outcome() == "s47_strategy" ? 0 : 1;
}
