// The batch's components (src/batch/), each on its own, and the engine against RuleSet::decide_batch.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "batch/group_table.hpp"
#include "batch/interner.hpp"
#include "batch/memo.hpp"
#include "batch/page_pool.hpp"
#include "batch/reason_key.hpp"
#include "batch/text_cache.hpp"
#include "batch/text_hash.hpp"
#include "documents.hpp"
#include "frontdoor/columns.hpp"

using namespace frontdoor::batch;

TEST_CASE("text keys: equal texts agree, texts that differ in one byte do not") {
  for (std::string a : {"", "a", "ab", "abc", "abcd", "police", "telephone", "sixteen_bytes_16", "a text longer than sixteen"}) {
    std::string b = a;
    CHECK(TextKey(a).hash == TextKey(b).hash);
    CHECK(text_hash(a) == text_hash(b));
    CHECK(fnv1a(a) == fnv1a(b));
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 1);
      TextKey x(a), y(c);
      INFO(a << " byte " << i);
      if (x.is_short()) CHECK((x.w0 != y.w0 || x.w1 != y.w1));
      CHECK(text_hash(a) != text_hash(c));
      CHECK(fnv1a(a) != fnv1a(c));
    }
  }
  CHECK(TextKey("ab").hash != TextKey("ba").hash);
}

TEST_CASE("text cache: finds what was inserted, by content, and stops growing at its limit") {
  TextCache<int> cache;
  std::vector<std::string> texts;
  for (int i = 0; i < 1000; ++i) texts.push_back("source_" + std::to_string(i) + (i % 2 ? " with a long tail to pass 16" : ""));
  for (int i = 0; i < 1000; ++i) cache.insert(TextKey(texts[static_cast<std::size_t>(i)]), i);
  for (int i = 0; i < 1000; ++i) {
    std::string copy = texts[static_cast<std::size_t>(i)];  // another buffer, the same text
    const int* found = cache.find(TextKey(copy));
    REQUIRE(found);
    CHECK(*found == i);
  }
  CHECK(cache.find(TextKey("source_1000")) == nullptr);
  CHECK(cache.find(TextKey("source_1 with a long tail to pass 17")) == nullptr);
  CHECK(cache.size() == 1000);
  std::vector<std::string> many;
  for (std::size_t i = 0; i < TextCache<int>::kLimit + 10; ++i) many.push_back(std::to_string(i));
  TextCache<int> full;
  for (auto& s : many) full.insert(TextKey(s), 1);
  CHECK(full.full());
  CHECK(full.size() == TextCache<int>::kLimit);
}

TEST_CASE("group table: one group per child, by both hashes") {
  GroupTable table(4);
  CHECK(table.find_or_add(7, 70, 0) == 0);
  CHECK(table.find_or_add(8, 80, 1) == 1);
  CHECK(table.find_or_add(7, 70, 2) == 0);
  CHECK(table.find_or_add(7, 71, 2) == 2);                                                       // the same first hash, another child
  for (std::uint32_t g = 3; g < 1000; ++g) CHECK(table.find_or_add(g * 1000003ull, g, g) == g);  // grows
  CHECK(table.find_or_add(8, 80, 1000) == 1);
}

TEST_CASE("row order: a child's rows together in (received, input) order, children by first appearance") {
  // rows: 0 A@30, 1 B@10, 2 (no child)@5, 3 A@10, 4 B@10, 5 A@30, 6 C@1 owned by thread 1
  std::vector<std::uint8_t> owner{0, 0, 0, 0, 0, 0, 1}, has_child{1, 1, 0, 1, 1, 1, 1};
  std::vector<std::uint64_t> hash{1, 2, 0, 1, 2, 1, 3}, hash2{11, 22, 0, 11, 22, 11, 33};
  std::vector<std::int64_t> received{30, 10, 5, 10, 10, 30, 1};
  const RowKeys keys{owner, has_child, hash, hash2, received};
  std::vector<std::uint32_t> slot(owner.size(), 99);
  ThreadOrder order;
  order_rows(keys, 0, 4, order, slot);
  CHECK(order.rows == std::vector<std::uint32_t>{3, 0, 5, 1, 4, 2});
  CHECK(order.steps ==
        std::vector<Step>{Step::first_of_child, Step::continues, Step::continues, Step::first_of_child, Step::continues, Step::alone});
  for (std::size_t at = 0; at < order.rows.size(); ++at) CHECK(slot[order.rows[at]] == at);
  CHECK(slot[6] == 99);  // another thread's row
  ThreadOrder other;
  order_rows(keys, 1, 4, other, slot);
  CHECK(other.rows == std::vector<std::uint32_t>{6});
  CHECK(slot[6] == 0);
}

TEST_CASE("interner: a key's id round-trips, and threads' ids merge by key") {
  frontdoor::Decision a, b;
  a.outcome = 1;
  b.outcome = 2;
  std::vector<Interner> parts(2);
  CHECK(parts[0].add("x", a) == 0);
  CHECK(parts[0].add("y", b) == 1);
  CHECK(parts[0].add("x", b) == 0);                                        // the first decision under a key stays its representative
  for (int i = 0; i < 600; ++i) parts[1].add("k" + std::to_string(i), b);  // grows
  CHECK(parts[1].add("y", b) == 600);
  CHECK(parts[1].add("k5", a) == 5);
  CHECK(parts[0].keys[0] == "x");
  CHECK(parts[0].reps[0].outcome == 1);
  std::vector<frontdoor::Decision> reps;
  auto remap = merge_interned(parts, reps);
  CHECK(reps.size() == 602);
  CHECK(remap[0][0] == 0);
  CHECK(remap[0][1] == 1);
  CHECK(remap[1][600] == remap[0][1]);  // "y" in both threads: one number
  CHECK(reps[static_cast<std::size_t>(remap[0][0])].outcome == 1);
}

TEST_CASE("reason keys: a decision's key makes that decision back, and keys differ where decisions do") {
  frontdoor::Decision d;
  d.outcome = 2;
  d.rules = {0, 3, 300};
  d.level = 1;
  d.base_level = 0;
  d.routing = frontdoor::kNoIndex;
  d.base_concerns = {4, 7};
  frontdoor::UnknownCondition u;
  u.where = frontdoor::UnknownCondition::Where::routing;
  u.why = frontdoor::UnknownCondition::Why::overflow;
  u.entry = 5;
  d.unknowns = {u};
  d.deadline_from = {frontdoor::DeadlineSource::Kind::rule, 3};
  std::string key, other;
  reason_key(d, key);
  const frontdoor::Decision back = reason_of_key(key);
  CHECK(back.outcome == d.outcome);
  CHECK(back.rules == d.rules);
  CHECK(back.level == d.level);
  CHECK(back.base_level == d.base_level);
  CHECK(back.routing == frontdoor::kNoIndex);
  CHECK(back.deadline_from == d.deadline_from);
  CHECK(back.base_concerns == d.base_concerns);
  REQUIRE(back.unknowns.size() == 1);
  CHECK(back.unknowns[0].where == u.where);
  CHECK(back.unknowns[0].why == u.why);
  CHECK(back.unknowns[0].entry == 5);
  CHECK(back.unknowns[0].name == frontdoor::kNoIndex);
  // A rule moved into the concerns is another decision, and another key (the lists carry lengths).
  frontdoor::Decision e = d;
  e.rules.pop_back();
  e.base_concerns.insert(e.base_concerns.begin(), 300);
  reason_key(e, other);
  CHECK(other != key);
  // The deadline's source is worded too (which deadline is earliest varies by row).
  frontdoor::Decision f = d;
  f.deadline_from = {frontdoor::DeadlineSource::Kind::routing, 3};
  reason_key(f, other);
  CHECK(other != key);
}

TEST_CASE("key interner: one id per distinct key, and one numbering across threads") {
  std::vector<KeyInterner> parts(2);
  CHECK(parts[0].add("a") == 0);
  CHECK(parts[0].add(std::string_view("b\0c", 3)) == 1);
  CHECK(parts[0].add("a") == 0);
  CHECK(parts[0].add(std::string_view("b\0d", 3)) == 2);                 // differs after a zero byte
  for (int i = 0; i < 1000; ++i) parts[1].add("k" + std::to_string(i));  // grows
  CHECK(parts[1].add("a") == 1000);
  CHECK(parts[1].add("k7") == 7);
  CHECK(parts[1].key(7) == "k7");
  std::vector<std::string_view> keys;
  auto remap = merge_keys(parts, keys);
  CHECK(keys.size() == 1003);
  CHECK(remap[0][0] == 0);
  CHECK(remap[1][1000] == 0);  // "a" in both threads: one number
  CHECK(keys[static_cast<std::size_t>(remap[1][7])] == "k7");
  // Keys that share a hash's slot but not their length or bytes stay apart, through growth.
  KeyInterner long_keys;
  const std::string big(70000, 'x');
  CHECK(long_keys.add(big) == 0);
  CHECK(long_keys.add(big + "y") == 1);
  for (int i = 0; i < 600; ++i) long_keys.add(std::to_string(i) + big);
  CHECK(long_keys.add(big) == 0);
  CHECK(long_keys.add(big + "y") == 1);
  CHECK(long_keys.add("12" + big) == 14);
  CHECK(long_keys.size() == 602);
}

TEST_CASE("memo use: stays on when rows repeat, goes off after a trial of rows that rarely do") {
  MemoUse repeats, diverse, quarter;
  for (std::size_t i = 0; i < MemoUse::kTrial; ++i) {
    CHECK(diverse.on());                        // on for the whole trial
    repeats.count(i % 2 == 0);                  // half the rows decided before
    diverse.count(i % 100 == 0);                // one in a hundred
    quarter.count(i % MemoUse::kWorthIt == 0);  // exactly the threshold
  }
  CHECK(repeats.on());
  CHECK_FALSE(diverse.on());
  CHECK(quarter.on());
  for (int i = 0; i < 10000; ++i) repeats.count(false);  // judged once: a later run of misses does not switch it off
  CHECK(repeats.on());
}

TEST_CASE("memo: returns what was stored, and keys that differ in one byte are two entries") {
  Memo memo;
  Decided one, two;
  one.outcome = 1;
  one.combo = 4;
  two.outcome = 2;
  std::string k1 = std::string("\x01\x02\x00\x05", 4), k2 = k1;
  k2[2] = 1;
  CHECK(memo.find(k1, text_hash(k1)) == nullptr);
  memo.add(k1, text_hash(k1), one);
  memo.add(k2, 42, two);  // any hash: the bytes decide
  memo.add(k1 + "x", 42, two);
  REQUIRE(memo.find(k1, text_hash(k1)));
  CHECK(*memo.find(k1, text_hash(k1)) == one);
  REQUIRE(memo.find(k2, 42));
  CHECK(*memo.find(k2, 42) == two);
  CHECK(memo.find(k2, text_hash(k2)) == nullptr);  // wrong hash, not found
  CHECK(memo.find(std::string_view(k1).substr(0, 3), 42) == nullptr);
  for (int i = 0; i < 5000; ++i) {
    std::string k = "key" + std::to_string(i);
    Decided d;
    d.combo = i;
    memo.add(k, text_hash(k), d);
  }
  CHECK(memo.size() == 5003);
  CHECK(memo.find("key4321", text_hash("key4321"))->combo == 4321);
  CHECK(*memo.find(k1, text_hash(k1)) == one);
}

TEST_CASE("scratch buffers: small ones from the heap, large ones kept only in a pool the host owns") {
  ScratchBuffer small(100, nullptr);
  CHECK_FALSE(small.mapped());
  CHECK(reinterpret_cast<std::uintptr_t>(small.get()) % 64 == 0);
  const std::size_t big = ScratchBuffer::kLarge + 1;
  {
    ScratchBuffer b(big, nullptr);
    b.get()[big - 1] = std::byte{7};  // writable to its end
    CHECK(b.get()[big - 1] == std::byte{7});
  }
  frontdoor::columns::PagePool pool(std::size_t{64} << 20);
  std::byte* first = nullptr;
  {
    ScratchBuffer b(big, &pool);
    first = b.get();
    b.get()[0] = std::byte{1};
  }
  if (ScratchBuffer(big, nullptr).mapped()) {  // a system with mmap
#if defined(MADV_FREE) || defined(__linux__)
    CHECK(pool.kept_bytes() >= big);
    ScratchBuffer again(big, &pool);
    CHECK(again.get() == first);  // taken from the pool
    CHECK(pool.kept_bytes() == 0);
#endif
  } else {
    CHECK(pool.kept_bytes() == 0);
  }
  frontdoor::columns::PagePool none(0);  // keeps nothing
  { ScratchBuffer b(big, &none); }
  CHECK(none.kept_bytes() == 0);
}

namespace {

using frontdoor::columns::Cell;
using frontdoor::columns::Column;
using frontdoor::columns::Kind;

std::unique_ptr<Column> text_column(std::string name, const std::vector<std::string>& cells) {
  auto c = std::make_unique<Column>();
  c->name = std::move(name);
  c->kind = Kind::cells;
  c->length = cells.size();
  for (auto& s : cells) c->cells.push_back(s == "<unset>" ? Cell::unset() : Cell::text(s));
  return c;
}

}  // namespace

TEST_CASE("the batch engine decides as RuleSet::decide_batch, rejecting the same rows with the same words") {
  auto rs = fdtest::compile_ok(fdtest::document(R"(rules:
  - id: repeat
    when: similar_3m >= 2
    actions: [review]
)"));
  // Enough rows for several threads; a few bad ones of each kind the engine words.
  std::vector<std::string> id, child, received, concerns, consent, score;
  for (int i = 0; i < 30000; ++i) {
    id.push_back("c" + std::to_string(i));
    child.push_back("K" + std::to_string(i % 4000));
    received.push_back("2026-0" + std::to_string(4 + (i * 7) % 5) + "-1" + std::to_string(i % 10) + "T10:00:00Z");
    concerns.push_back(i % 3 ? "housing=early_help" : "neglect=complex;domestic_abuse=early_help");
    consent.push_back(i % 5 ? "true" : "<unset>");
    score.push_back(std::to_string(i % 101));
  }
  received[17] = "yesterday";
  concerns[18] = "housing=acute";  // a level the concern lacks
  score[19] = "101";               // above its max
  consent[20] = "maybe";
  id[21] = "";
  std::vector<std::unique_ptr<Column>> owned;
  owned.push_back(text_column("id", id));
  owned.push_back(text_column("child", child));
  owned.push_back(text_column("received", received));
  owned.push_back(text_column("concerns", concerns));
  owned.push_back(text_column("consent", consent));
  owned.push_back(text_column("score", score));
  std::vector<const Column*> columns;
  for (auto& c : owned) columns.push_back(c.get());
  std::vector<frontdoor::ContactRecord> records(id.size());
  for (std::size_t row = 0; row < id.size(); ++row) frontdoor::columns::record_from_cells(columns, row, records[row]);
  const auto want = rs->decide_batch(records);

  for (unsigned threads : {1u, 3u}) {
    frontdoor::columns::BatchOptions options;
    options.threads = threads;
    options.reasons = true;
    const auto got = frontdoor::columns::decide_columns(*rs, columns, id.size(), options);
    REQUIRE(got.rows == want.size());
    std::size_t errors = 0;
    for (std::size_t row = 0; row < want.size(); ++row) {
      INFO("row " << row << " threads " << threads);
      if (!want[row].error.empty()) {
        REQUIRE(errors < got.errors.size());
        CHECK(got.errors[errors].row == row);
        CHECK(got.errors[errors].contact == want[row].contact);
        CHECK(got.errors[errors].why.message == want[row].error);
        CHECK(got.errors[errors].why.code == want[row].error_code);
        CHECK(got.errors[errors].why.field == want[row].error_field);
        CHECK(got.outcome[row] == -1);
        ++errors;
        continue;
      }
      REQUIRE(got.outcome[row] >= 0);
      CHECK(static_cast<std::size_t>(got.outcome[row]) == want[row].outcome);
      CHECK(static_cast<std::size_t>(got.level[row]) == want[row].level);
      CHECK(got.deadline[row] == want[row].deadline);
      CHECK(got.combos[static_cast<std::size_t>(got.combo[row])].rules == want[row].rules);
    }
    CHECK(errors == 5);
    CHECK(errors == got.errors.size());
    CHECK(got.engine_rows == errors);  // every good row was the fast path's
  }
}

#include "resolve/coerce.hpp"

TEST_CASE("coercion: one reading of booleans, whole numbers and text for every front end") {
  using namespace frontdoor::coerce;
  std::int64_t v = -7;
  for (const char* t : {"true", "TRUE", "True", "1"}) CHECK((bool_of_text(t, v) && v == 1));
  for (const char* t : {"false", "FALSE", "0"}) CHECK((bool_of_text(t, v) && v == 0));
  for (const char* t : {"", "yes", "truee", "2", " true", "falsey"}) CHECK_FALSE(bool_of_text(t, v));
  CHECK((int_of_text("+42", v) && v == 42));
  CHECK((int_of_text("-3", v) && v == -3));
  for (const char* t : {"", "+", "4.0", "1e3", " 4", "4 ", "99999999999999999999"}) CHECK_FALSE(int_of_text(t, v));
  CHECK((bool_of_real(1.0, v) && v == 1));
  CHECK_FALSE(bool_of_real(0.5, v));
  CHECK((int_of_real(12.0, v) && v == 12));
  CHECK_FALSE(int_of_real(12.5, v));
  CHECK_FALSE(int_of_real(1e300, v));
  std::string s;
  CHECK((text_of_real(123456.0, s) && s == "123456"));
  CHECK_FALSE(text_of_real(1e15, s));
  CHECK_FALSE(text_of_real(0.25, s));
  using frontdoor::Scalar;
  CHECK((bool_of(Scalar{std::string("False")}, v) && v == 0));
  CHECK((bool_of(Scalar{std::int64_t{1}}, v) && v == 1));
  CHECK_FALSE(bool_of(Scalar{std::int64_t{2}}, v));
  CHECK((int_of(Scalar{3.0}, v) && v == 3));
  CHECK((text_of(Scalar{std::int64_t{7}}, s) && s == "7"));
  CHECK_FALSE(text_of(Scalar{true}, s));
  CHECK(is_absent(Scalar{}));
  CHECK(is_absent(Scalar{std::nan("")}));
  CHECK_FALSE(is_absent(Scalar{0.0}));
}

TEST_CASE("records as a row source: a row the column view cannot carry is resolved from its record") {
  auto rs = fdtest::compile_ok(fdtest::document(""));
  auto record = [](const std::string& id) {
    frontdoor::ContactRecord r;
    r.set("id", id);
    r.set("received", std::string("2026-05-04T10:00:00Z"));
    r.concerns.push_back({"neglect", "complex"});
    return r;
  };
  std::vector<frontdoor::ContactRecord> records;
  records.push_back(record("plain"));
  records.push_back(record("twice"));
  records.back().set("consent", true);
  records.back().set("consent", false);  // a name given twice: rejected, never the first value taken
  records.push_back(record("problem"));
  records.back().set_problem(frontdoor::Rejection::at(frontdoor::RejectionCode::unreadable, "", "line 3: not valid JSON"));
  records.push_back(record("own history"));
  frontdoor::HistoryRecord h;
  h.received = "2026-04-01T10:00:00Z";
  h.concerns.push_back({"neglect", "complex"});
  records.back().history = std::vector<frontdoor::HistoryRecord>{h, h, h};
  records.push_back(record("concerns key"));
  records.back().set("concerns", std::string("housing=early_help"));
  records.push_back(record("numbers"));
  records.back().set("score", 7.0);
  records.back().set("consent", std::int64_t{1});
  const auto got = rs->decide_batch(records);
  REQUIRE(got.size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    INFO(i);
    CHECK(rs->view(got[i]).to_json() == rs->view(rs->decide(records[i])).to_json());
  }
  CHECK(got[1].error_code == frontdoor::RejectionCode::duplicate_field);
  CHECK(got[2].error == "line 3: not valid JSON");
  CHECK(got[5].ok());
}
