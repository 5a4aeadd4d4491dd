// Decisions per second on the default document and the shipped year of contacts.
// Before anything is timed, every decision is checked against the outcomes the independent Python
// reference evaluator gave for the same rows (bench/reference-outcomes.txt): a benchmark of wrong
// answers is worthless.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "frontdoor/frontdoor.hpp"
#include "frontdoor/records.hpp"

namespace {

const std::string kRoot = FRONTDOOR_SOURCE_DIR;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Fixture {
  std::shared_ptr<const frontdoor::RuleSet> rules;
  std::vector<frontdoor::ContactRecord> records;
  std::vector<frontdoor::Contact> contacts;            // resolved rows that were decided
  std::vector<std::vector<frontdoor::PastContact>> histories;  // each row's history, as the batch saw it

  Fixture() {
    auto c = frontdoor::compile_file(kRoot + "/rules/exampleshire.yaml");
    if (!c || !c->ok()) throw std::runtime_error("the default document does not compile");
    rules = c->rule_set;
    std::ifstream in(kRoot + "/examples/contacts-2026.jsonl");
    records = frontdoor::read_json_lines(in);
    auto decisions = rules->decide_batch(records);
    verify(decisions);
    build_histories(decisions);
  }

  void verify(const std::vector<frontdoor::Decision>& decisions) const {
    std::ifstream in(kRoot + "/bench/reference-outcomes.txt");
    std::string line;
    std::size_t i = 0, wrong = 0;
    while (std::getline(in, line)) {
      if (i >= decisions.size()) break;
      std::string got = decisions[i].ok() ? std::string(rules->view(decisions[i]).outcome()) + " " +
                                                rules->view(decisions[i]).deadline()
                                          : "error";
      if (got != line && wrong++ < 5) std::cerr << "row " << i << ": reference says '" << line << "', engine '" << got << "'\n";
      ++i;
    }
    if (i != decisions.size() || wrong)
      throw std::runtime_error("decisions differ from the reference (" + std::to_string(wrong) + " rows, " +
                               std::to_string(i) + " reference lines for " + std::to_string(decisions.size()) + " rows)");
  }

  // The exact inputs the batch gave the hot path: each resolved row with its child's earlier rows.
  void build_histories(const std::vector<frontdoor::Decision>& decisions) {
    std::map<std::string, std::vector<std::size_t>> by_child;
    std::vector<frontdoor::Contact> all(records.size());
    std::string error;
    for (std::size_t i = 0; i < records.size(); ++i)
      if (decisions[i].ok() && rules->resolve(records[i], all[i], error) && !all[i].child.empty()) by_child[all[i].child].push_back(i);
    for (auto& [child, rows] : by_child) {
      std::stable_sort(rows.begin(), rows.end(), [&](auto a, auto b) { return all[a].received < all[b].received; });
      std::vector<frontdoor::PastContact> past;
      for (auto i : rows) {
        contacts.push_back(all[i]);
        histories.push_back(past);
        frontdoor::PastContact h;
        h.received = all[i].received;
        h.concerns = all[i].concerns;
        h.domains = all[i].domains;
        h.referral = rules->view(decisions[i]).referral();
        past.push_back(h);
      }
    }
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// The hot path: a resolved contact and its history in, a Decision (buffers reused) out.
void decide_resolved(benchmark::State& state) {
  auto& f = fixture();
  frontdoor::Decision d;
  std::size_t i = 0, n = f.contacts.size();
  for (auto _ : state) {
    f.rules->decide(f.contacts[i], f.histories[i], d);
    benchmark::DoNotOptimize(d.outcome);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(decide_resolved);

// A whole batch from records: resolving names, ordering by child and time, history, deciding.
void decide_batch(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    auto ds = f.rules->decide_batch(f.records);
    benchmark::DoNotOptimize(ds.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.records.size()));
}
BENCHMARK(decide_batch)->Unit(benchmark::kMillisecond);

// Load, check and compile the default document.
void compile_document(benchmark::State& state) {
  std::string text = slurp(kRoot + "/rules/exampleshire.yaml");
  for (auto _ : state) {
    auto c = frontdoor::compile(text, "rules/exampleshire.yaml");
    if (!c.ok()) state.SkipWithError("compile failed");
    benchmark::DoNotOptimize(c.rule_set.get());
  }
}
BENCHMARK(compile_document)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
