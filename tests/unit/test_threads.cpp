// One compiled RuleSet shared by many threads: results equal to single-threaded ones, and a reloaded
// document swapped in while others decide. Run under ThreadSanitizer by the `tsan` preset
// (scripts/ci-extra.sh); in an ordinary build it still checks the results.
#include <doctest/doctest.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "frontdoor/columns.hpp"
#include "frontdoor/frontdoor.hpp"
#include "frontdoor/records.hpp"

namespace {

const std::string kDir = FRONTDOOR_SOURCE_DIR;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<frontdoor::ContactRecord> shipped_contacts(std::size_t limit) {
  std::ifstream in(kDir + "/examples/contacts-2026.jsonl", std::ios::binary);
  REQUIRE(in);
  auto rows = frontdoor::read_json_lines(in);
  REQUIRE(rows.size() > 1000);
  if (rows.size() > limit) rows.resize(limit);
  return rows;
}

std::shared_ptr<const frontdoor::RuleSet> compile_text(const std::string& text) {
  auto c = frontdoor::compile(text, "rules/exampleshire.yaml");
  REQUIRE(c.ok());
  return c.rule_set;
}

// Each decision as its JSON line, one record at a time (no batch history).
std::vector<std::string> decide_each(const frontdoor::RuleSet& rs, const std::vector<frontdoor::ContactRecord>& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(rs.view(rs.decide(r)).to_json());
  return out;
}

std::vector<std::string> decide_batch(const frontdoor::RuleSet& rs, const std::vector<frontdoor::ContactRecord>& rows) {
  std::vector<std::string> out;
  auto ds = rs.decide_batch(rows);
  for (auto& d : ds) out.push_back(rs.view(d).to_json());
  return out;
}

// A second version of the default document: one more line, so its hash and every reason's position
// differ and each decision says which version made it.
std::string reloaded_text(const std::string& text) {
  std::string t = text;
  auto at = t.find("\nrouting:\n");
  REQUIRE(at != std::string::npos);
  t.insert(at + 1, "# reloaded\n");
  return t;
}

unsigned thread_count() { return std::max(8u, std::thread::hardware_concurrency()); }

std::size_t thread_rows() {  // FRONTDOOR_THREAD_ROWS: how much of the shipped year (0: all)
  std::size_t limit = 3000;
  if (const char* e = std::getenv("FRONTDOOR_THREAD_ROWS")) limit = std::strtoul(e, nullptr, 10) ? std::strtoul(e, nullptr, 10) : SIZE_MAX;
  return limit;
}

// The records as the batch engine's columns (cells pointing into the records), one per field name,
// plus `concerns`; a row without a field has an unset cell, as a JSON line without the key.
std::vector<std::unique_ptr<frontdoor::columns::Column>> as_columns(const std::vector<frontdoor::ContactRecord>& rows) {
  using frontdoor::columns::Cell;
  using frontdoor::columns::Column;
  std::vector<std::unique_ptr<Column>> cols;
  std::map<std::string, Column*> by_name;
  auto column = [&](const std::string& name) {
    auto [it, fresh] = by_name.emplace(name, nullptr);
    if (fresh) {
      cols.push_back(std::make_unique<Column>());
      it->second = cols.back().get();
      it->second->name = name;
      it->second->kind = frontdoor::columns::Kind::cells;
      it->second->length = rows.size();
      it->second->cells.assign(rows.size(), Cell::unset());
    }
    return it->second;
  };
  Column* concerns = column("concerns");
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (const auto& f : rows[r].fields) {
      Cell& cell = column(f.name)->cells[r];
      if (auto* b = std::get_if<bool>(&f.value))
        cell = Cell::boolean(*b);
      else if (auto* i = std::get_if<std::int64_t>(&f.value))
        cell = Cell::integer(*i);
      else if (auto* d = std::get_if<double>(&f.value))
        cell = Cell::real(*d);
      else if (auto* t = std::get_if<std::string>(&f.value))
        cell = Cell::text(*t);
      else
        cell = Cell::absent();
    }
    Cell& cell = concerns->cells[r];
    cell.tag = frontdoor::columns::Tag::entries;
    cell.i = static_cast<std::int64_t>(concerns->entries.size());
    cell.len = static_cast<std::uint32_t>(rows[r].concerns.size());
    for (const auto& c : rows[r].concerns) concerns->entries.emplace_back(c.concern, c.level);
  }
  return cols;
}

}  // namespace

TEST_CASE("threads: one RuleSet shared by 8+ threads gives the single-threaded decisions") {
  // A slice of the shipped year keeps the run short under ThreadSanitizer.
  auto rows = shipped_contacts(thread_rows());
  auto rs = compile_text(read_file(kDir + "/rules/exampleshire.yaml"));
  const auto each = decide_each(*rs, rows);
  const auto batch = decide_batch(*rs, rows);

  const unsigned n = thread_count();
  std::vector<std::vector<std::string>> each_got(n), batch_got(n), hot_got(n);
  std::vector<std::thread> threads;
  std::atomic<unsigned> ready{0};
  for (unsigned t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < n) std::this_thread::yield();  // start together
      // Every thread decides every row, starting at a different place, three ways.
      std::vector<std::string>& out = each_got[t];
      out.resize(rows.size());
      for (std::size_t k = 0; k < rows.size(); ++k) {
        std::size_t i = (k + t * rows.size() / n) % rows.size();
        out[i] = rs->view(rs->decide(rows[i])).to_json();
      }
      if (t % 2 == 0) batch_got[t] = decide_batch(*rs, rows);
      // The hot path with reused buffers: resolve, then decide without history.
      frontdoor::Contact c;
      frontdoor::Decision d;
      std::string error;
      for (std::size_t i = t; i < rows.size(); i += n) {
        if (rows[i].history) continue;
        if (!rs->resolve(rows[i], c, error)) continue;
        rs->decide(c, {}, d);
        hot_got[t].push_back(rs->view(d).to_json());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (unsigned t = 0; t < n; ++t) {
    CHECK(each_got[t] == each);
    if (t % 2 == 0) CHECK(batch_got[t] == batch);
    std::vector<std::string> expect;
    frontdoor::Contact c;
    frontdoor::Decision d;
    std::string error;
    for (std::size_t i = t; i < rows.size(); i += n) {
      if (rows[i].history || !rs->resolve(rows[i], c, error)) continue;
      rs->decide(c, {}, d);
      expect.push_back(rs->view(d).to_json());
    }
    CHECK(hot_got[t] == expect);
  }
}

TEST_CASE("threads: a reloaded document swapped in while others decide") {
  auto rows = shipped_contacts(600);
  const std::string text_a = read_file(kDir + "/rules/exampleshire.yaml"), text_b = reloaded_text(text_a);
  auto a = compile_text(text_a), b = compile_text(text_b);
  REQUIRE(a->sha256() != b->sha256());
  // The expected decisions under each version, keyed by the document's hash.
  std::map<std::string, std::vector<std::string>> expected = {{a->sha256(), decide_each(*a, rows)}, {b->sha256(), decide_each(*b, rows)}};

  // The pattern a host uses: readers take a snapshot of the current RuleSet under a mutex and decide
  // with it outside the lock; a reloader compiles the new text and publishes it under the same mutex.
  // (Not std::atomic<std::shared_ptr>: libstdc++ 12's load() releases its internal lock with a relaxed
  // store, a data race ThreadSanitizer reports against a concurrent store. See docs/limits.md.)
  std::mutex mu;
  std::shared_ptr<const frontdoor::RuleSet> guarded = a;

  std::atomic<bool> stop{false};
  std::atomic<std::size_t> decided{0}, mismatches{0}, swaps{0};
  std::vector<std::thread> readers;
  const unsigned n = thread_count();
  for (unsigned t = 0; t < n; ++t) {
    readers.emplace_back([&, t] {  // NOLINT: each reader loops until the reloader is done
      std::size_t i = t;
      while (!stop.load(std::memory_order_relaxed) || i < rows.size() * 2) {
        std::shared_ptr<const frontdoor::RuleSet> rs;
        {
          std::lock_guard<std::mutex> lock(mu);
          rs = guarded;
        }
        const std::size_t row = i % rows.size();
        std::string got = rs->view(rs->decide(rows[row])).to_json();
        if (got != expected.at(rs->sha256())[row]) ++mismatches;
        ++decided;
        i += n;
        if (i > rows.size() * 50) break;  // bounded, whatever the reloader does
      }
    });
  }
  std::thread reloader([&] {
    for (int k = 0; k < 6; ++k) {
      // Compile afresh each time, as a host reloading a changed file would.
      auto next = compile_text(k % 2 == 0 ? text_b : text_a);
      {
        std::lock_guard<std::mutex> lock(mu);
        guarded.swap(next);
      }  // the old one is released here, or by the last reader still deciding with it
      ++swaps;
    }
    stop = true;
  });
  reloader.join();
  for (auto& th : readers) th.join();
  CHECK(swaps == 6);
  CHECK(decided > 0);
  CHECK(mismatches == 0);
}

// The library's batch entry point (columns::decide_columns, then write_json_lines), deciding children
// on several threads and wording blocks of rows on several more: the same lines as
// RuleSet::decide_batch, which decides the rows one after another.
TEST_CASE("threads: the batch engine on several threads gives decide_batch's decisions") {
  std::vector<frontdoor::ContactRecord> rows;
  for (auto& r : shipped_contacts(thread_rows()))
    if (r.problem.empty() && !r.history) rows.push_back(std::move(r));
  REQUIRE(rows.size() >= 500);  // FRONTDOOR_THREAD_ROWS may be as low as 1000 (the sanitize step)
  auto rs = compile_text(read_file(kDir + "/rules/exampleshire.yaml"));
  std::string expected;
  for (const auto& line : decide_batch(*rs, rows)) expected += line + "\n";

  auto cols = as_columns(rows);
  std::vector<const frontdoor::columns::Column*> views;
  const frontdoor::columns::Column* ids = nullptr;
  for (auto& c : cols) {
    views.push_back(c.get());
    if (c->name == "id") ids = c.get();
  }
  REQUIRE(ids != nullptr);
  frontdoor::columns::BatchOptions options;
  options.threads = 4;
  options.reasons = true;
  auto result = frontdoor::columns::decide_columns(*rs, views, rows.size(), options);
  REQUIRE(result.rows == rows.size());
  std::ostringstream got;
  frontdoor::columns::write_json_lines(*rs, result, ids, got, 4);
  CHECK(got.str() == expected);
}
