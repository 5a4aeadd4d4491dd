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

}  // namespace

TEST_CASE("threads: one RuleSet shared by 8+ threads gives the single-threaded decisions") {
  // A slice of the shipped year keeps the run short under ThreadSanitizer; FRONTDOOR_THREAD_ROWS
  // widens it (0: all).
  std::size_t limit = 3000;
  if (const char* e = std::getenv("FRONTDOOR_THREAD_ROWS")) limit = std::strtoul(e, nullptr, 10) ? std::strtoul(e, nullptr, 10) : SIZE_MAX;
  auto rows = shipped_contacts(limit);
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
  std::map<std::string, std::vector<std::string>> expected = {{a->sha256(), decide_each(*a, rows)},
                                                              {b->sha256(), decide_each(*b, rows)}};

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
