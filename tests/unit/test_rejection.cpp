// Typed rejections: every code a contact can be rejected with, produced by a contact that triggers
// it, through RuleSet::decide (a record) and through the batch (columns), with the same code, field
// and words.
#include <doctest/doctest.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "documents.hpp"
#include "frontdoor/columns.hpp"

namespace {

using frontdoor::RejectionCode;
using frontdoor::columns::Cell;
using frontdoor::columns::Column;
using frontdoor::columns::Kind;

struct Case {
  std::vector<std::pair<std::string, Cell>> cells;
  RejectionCode code;
  std::string field;
};

// A text cell; the cells only point at their text, which is kept here.
Cell text(const std::string& s) {
  static std::deque<std::string> kept;
  kept.push_back(s);
  return Cell::text(kept.back());
}

std::string long_history() {
  std::string h = "[";
  for (std::size_t i = 0; i <= frontdoor::kMaxHistoryItems; ++i)
    h += (i ? "," : "") + std::string(R"({"received":"2026-01-01T00:00:00Z"})");
  return h + "]";
}

}  // namespace

TEST_CASE("rejections are typed: each code, with its field, the same through decide and the batch") {
  auto rs = fdtest::compile_ok(fdtest::document());
  static const std::string history = long_history();
  auto base = [](std::vector<std::pair<std::string, Cell>> more) {
    std::vector<std::pair<std::string, Cell>> cells{{"id", text("c1")}, {"received", text("2026-05-05T10:00:00Z")}};
    for (auto& m : more) {
      bool replaced = false;
      for (auto& c : cells)
        if (c.first == m.first) c.second = m.second, replaced = true;
      if (!replaced) cells.push_back(m);
    }
    return cells;
  };
  using C = RejectionCode;
  const std::vector<Case> cases = {
      {{{"received", text("2026-05-05T10:00:00Z")}}, C::missing_field, "id"},
      {{{"id", text("c1")}}, C::missing_field, "received"},
      {base({{"received", text("yesterday")}}), C::bad_timestamp, "received"},
      {base({{"dob", text("2020-13-45")}}), C::bad_date, "dob"},
      {base({{"dob", text("2027-01-01")}}), C::dob_after_received, "dob"},
      {base({{"colour", text("blue")}}), C::unknown_field, "colour"},
      {base({{"consent", text("maybe")}}), C::wrong_type, "consent"},
      {base({{"child", Cell::boolean(true)}}), C::wrong_type, "child"},
      {base({{"score", text("101")}}), C::out_of_range, "score"},
      {base({{"open_case", text("cla")}}), C::bad_enum_value, "open_case"},
      {base({{"concerns", text("neglekt=complex")}}), C::unknown_concern, "concerns"},
      {base({{"concerns", text("neglect=severe")}}), C::unknown_level, "concerns.neglect"},
      {base({{"concerns", text("housing=acute")}}), C::level_not_in_concern, "concerns.housing"},
      {base({{"concerns", text("neglect=complex;neglect=acute")}}), C::duplicate_concern, "concerns.neglect"},
      {base({{"concerns", text("=complex")}}), C::wrong_type, "concerns"},
      {base({{"concerns", text("neglect")}}), C::level_not_given, "concerns.neglect"},
      {base({{"history", text(R"([{"received":"2026-01-01T00:00:00Z","outcome":"nope"}])")}}), C::unknown_outcome, "history[0].outcome"},
      {base({{"history", text(R"([{"received":"last week"}])")}}), C::bad_timestamp, "history[0].received"},
      {base({{"history", text("[1")}}), C::unreadable, "history"},
      {base({{"history", text(history)}}), C::too_much_history, "history"},
      // SPEC 7.8: what the front door recorded must be the document's own ids.
      {base({{"recorded_outcome", text("nope")}}), C::unknown_outcome, "recorded_outcome"},
      {base({{"override_reason", text("gut_feeling")}}), C::unknown_override_reason, "override_reason"},
  };
  // The batch: one column per name any case gives, a case without it unset; a good row between.
  std::map<std::string, std::unique_ptr<Column>> by_name;
  const std::size_t n = cases.size() * 2;
  for (auto& c : cases)
    for (auto& [name, cell] : c.cells)
      if (!by_name.count(name)) {
        auto col = std::make_unique<Column>();
        col->name = name;
        col->kind = Kind::cells;
        col->length = n;
        col->cells.assign(n, Cell::unset());
        by_name[name] = std::move(col);
      }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    for (auto& [name, cell] : cases[i].cells) by_name[name]->cells[2 * i] = cell;
    for (auto& [name, cell] : base({})) by_name[name]->cells[2 * i + 1] = cell;
  }
  std::vector<const Column*> columns;
  for (auto& [name, col] : by_name) columns.push_back(col.get());
  const auto batch = frontdoor::columns::decide_columns(*rs, columns, n);
  REQUIRE(batch.errors.size() == cases.size());

  std::map<RejectionCode, int> seen;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    INFO("case " << i << ": " << frontdoor::to_string(c.code) << " " << c.field);
    frontdoor::ContactRecord record;
    frontdoor::columns::record_from_cells(columns, 2 * i, record);
    const frontdoor::Decision d = rs->decide(record);
    REQUIRE_FALSE(d.ok());
    CHECK(d.error_code == c.code);
    CHECK(d.error_field == c.field);
    CHECK(d.error.rfind(c.field + ": ", 0) == 0);  // the words name the field first
    const auto& [row, contact, why] = batch.errors[i];
    CHECK(contact == d.contact);
    CHECK(row == 2 * i);
    CHECK(why.code == c.code);
    CHECK(why.field == c.field);
    CHECK(why.message == d.error);
    ++seen[c.code];
  }
  CHECK(seen.size() == 17);  // every code but none, unreadable-row, duplicate_field (not a column's)
}

TEST_CASE("rejections are typed: a name given twice, and a row no reader could read") {
  auto rs = fdtest::compile_ok(fdtest::document());
  frontdoor::ContactRecord r;
  r.set("id", std::string("c1"));
  r.set("received", std::string("2026-05-05T10:00:00Z"));
  r.set("consent", true);
  r.set("consent", false);
  auto d = rs->decide(r);
  CHECK(d.error_code == RejectionCode::duplicate_field);
  CHECK(d.error_field == "consent");
  CHECK(d.error == "consent: given more than once");

  auto bad = frontdoor::record_from_json("{\"id\": ");
  d = rs->decide(bad);
  CHECK(d.error_code == RejectionCode::unreadable);
  CHECK(d.error_field.empty());
  CHECK(d.error == "not valid JSON");
  CHECK(frontdoor::to_string(RejectionCode::level_not_in_concern) == "level_not_in_concern");

  frontdoor::Decision ok = rs->decide(frontdoor::record_from_json(R"({"id":"c2","received":"2026-05-05T10:00:00Z"})"));
  CHECK(ok.ok());
  CHECK(ok.error_code == RejectionCode::none);
}
