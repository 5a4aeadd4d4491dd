// Decisions per second on the default document and the shipped year of contacts.
// Before anything is timed, every decision is checked against the outcomes the independent Python
// reference evaluator gave for the same rows (bench/reference-outcomes.txt): a benchmark of wrong
// answers is worthless.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "compile/program.hpp"  // the document's working calendar, for the deadline benchmark
#include "frontdoor/frontdoor.hpp"
#include "frontdoor/records.hpp"
#include "time/civil.hpp"  // format_timestamp, for the long history's records

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
  // Of each row's decision (checked against the reference): what the deadline benchmark times.
  struct Checked {
    bool ok;
    frontdoor::Index outcome;
    std::int64_t received, deadline;
  };
  std::vector<Checked> checked;
  std::vector<frontdoor::Contact> contacts;                    // resolved rows that were decided
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
    for (const auto& d : decisions) checked.push_back({d.ok(), d.outcome, d.received, d.deadline});
  }

  void verify(const std::vector<frontdoor::Decision>& decisions) const {
    std::ifstream in(kRoot + "/bench/reference-outcomes.txt");
    std::string line;
    std::size_t i = 0, wrong = 0;
    while (std::getline(in, line)) {
      if (i >= decisions.size()) break;
      std::string got =
          decisions[i].ok() ? std::string(rules->view(decisions[i]).outcome()) + " " + rules->view(decisions[i]).deadline() : "error";
      if (got != line && wrong++ < 5) std::cerr << "row " << i << ": reference says '" << line << "', engine '" << got << "'\n";
      ++i;
    }
    if (i != decisions.size() || wrong)
      throw std::runtime_error("decisions differ from the reference (" + std::to_string(wrong) + " rows, " + std::to_string(i) +
                               " reference lines for " + std::to_string(decisions.size()) + " rows)");
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

// The same day and time n calendar months back (the day clamped to a shorter month's end), by
// std::chrono's calendar: the reference the counters are checked against.
std::int64_t months_back(std::int64_t ms, int n) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{ms}};
  const auto day = floor<days>(t);
  year_month_day back = year_month_day{day} - months{n};
  if (!back.ok()) back = back.year() / back.month() / last;
  return (sys_days{back} + (t - day)).time_since_epoch().count();
}

// One contact with a long history: N earlier contacts of the same child, spread evenly over the 15
// months before it, about the same concerns (so every counter may count them), every other one a
// referral. Before timing, the counters explain reads (similar_contacts_3m, referrals_12m,
// contacts_12m) must equal counts made here with std::chrono's calendar.
void decide_long_history(benchmark::State& state) {
  auto& f = fixture();
  const auto n = static_cast<std::size_t>(state.range(0));
  std::size_t pick = 0;  // the first accepted row with a concern
  while (pick < f.records.size() && !(f.checked[pick].ok && !f.records[pick].concerns.empty())) ++pick;
  const frontdoor::ContactRecord& record = f.records[pick];
  frontdoor::Contact contact;
  std::string error;
  if (!f.rules->resolve(record, contact, error)) return state.SkipWithError("the picked row does not resolve");
  constexpr std::int64_t kDay = 86400000, kSpan = 456 * kDay;
  std::vector<frontdoor::PastContact> past(n);
  std::vector<frontdoor::HistoryRecord> past_records(n);
  std::int64_t in_3m = 0, in_12m = 0, referrals_12m = 0;
  const std::int64_t from_3m = months_back(contact.received, 3), from_12m = months_back(contact.received, 12);
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t at = contact.received - (kSpan / static_cast<std::int64_t>(n) * static_cast<std::int64_t>(n - k)) / 1000 * 1000;
    const bool referral = k % 2 == 0;
    past[k].received = at;
    past[k].concerns = contact.concerns;
    past[k].domains = contact.domains;
    past[k].referral = referral;
    past_records[k].received = frontdoor::detail::format_timestamp(at);
    past_records[k].concerns = record.concerns;
    past_records[k].referral = referral;
    in_3m += at >= from_3m;
    in_12m += at >= from_12m;
    referrals_12m += at >= from_12m && referral;
  }
  const frontdoor::Explanation why = f.rules->explain(record, past_records);
  auto read = [&](const std::string& name) -> std::string {
    for (const auto& step : why.steps)
      for (const auto& [label, value] : step.values)
        if (label == name) return value;
    return "(not read)";
  };
  for (auto [name, expected] :
       {std::pair{"similar_contacts_3m", in_3m}, std::pair{"contacts_12m", in_12m}, std::pair{"referrals_12m", referrals_12m}})
    if (read(name) != std::to_string(expected))
      return state.SkipWithError((std::string(name) + " is " + read(name) + ", not " + std::to_string(expected)).c_str());
  frontdoor::Decision d;
  f.rules->decide(contact, past, d);
  if (d.outcome != why.decision.outcome || d.deadline != why.decision.deadline) return state.SkipWithError("decide and explain differ");
  for (auto _ : state) {
    f.rules->decide(contact, past, d);
    benchmark::DoNotOptimize(d.outcome);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["history"] = static_cast<double>(n);
}
BENCHMARK(decide_long_history)->Arg(16)->Arg(256)->Arg(4096);

// Deadlines alone: every accepted row's received time plus its outcome's decide_within, in the
// document's working calendar (Europe/London working hours, weekends, bank holidays). Before
// timing, each must equal the row's deadline, which verify() held to the reference's.
void deadline(benchmark::State& state) {
  auto& f = fixture();
  const auto& calendar = *f.rules->program().calendar;
  const auto& outcomes = f.rules->document().outcomes;
  std::vector<std::int64_t> starts;
  std::vector<const frontdoor::Span*> spans;
  for (const auto& d : f.checked) {
    if (!d.ok || outcomes[d.outcome].decide_within.unit == frontdoor::Span::Unit::none) continue;
    starts.push_back(d.received);
    spans.push_back(&outcomes[d.outcome].decide_within);
    if (calendar.add(d.received, *spans.back()) != d.deadline) return state.SkipWithError("a deadline differs from the checked one");
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.add(starts[i], *spans[i]));
    if (++i == starts.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(deadline);

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
