// Decisions of a batch as JSON Lines, the way DecisionView::to_json writes each one.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "decide/judge.hpp"
#include "frontdoor/columns.hpp"
#include "frontdoor/detail/threads.hpp"
#include "report/decision_fragments.hpp"
#include "report/write.hpp"
#include "time/civil.hpp"
#include "util/json.hpp"

namespace frontdoor::columns {

namespace {

using detail::DecisionFrame;

// A frame's combo, level and routing, and where its deadline came from (which of the outcome's,
// the rules' and the routing's deadlines is earliest varies from row to row).
struct FrameKey {
  std::uint64_t decided;
  std::uint32_t deadline_from;
  bool operator==(const FrameKey&) const = default;
  struct Hash {
    std::size_t operator()(const FrameKey& k) const {
      return std::hash<std::uint64_t>{}(k.decided ^ (std::uint64_t{k.deadline_from} << 7));
    }
  };
};

// Each distinct (outcome and rules, level, routing, deadline's source) put into words once, as a
// frame; frame[k] is the frame of the rows whose reasons are r.reasons[k] (a reason's key holds all
// four).
// Each distinct reasons' items are listed once too (views of the pre-rendered reasons), so that a
// row's reasons array is its items copied in turn.
struct Frames {
  std::vector<DecisionFrame> frames;
  std::vector<std::int32_t> of_reason;
  std::vector<std::string_view> items;  // reason k's items: items[item_at[k] .. item_at[k + 1])
  std::vector<std::size_t> item_at;
  std::deque<std::string> owned;

  Frames(const detail::DecisionParts& parts, const BatchResult& r) : of_reason(r.reasons.size(), -1) {
    item_at.reserve(r.reasons.size() + 1);
    for (const Decision& d : r.reasons) {
      item_at.push_back(items.size());
      parts.reason_items(d, items, owned);
    }
    item_at.push_back(items.size());
    std::unordered_map<FrameKey, std::int32_t, FrameKey::Hash> ids;
    for (std::size_t row = 0; row < r.rows; ++row) {
      const std::int32_t k = r.reason[row];
      if (k < 0 || of_reason[static_cast<std::size_t>(k)] >= 0) continue;
      const DeadlineSource from = r.reasons[static_cast<std::size_t>(k)].deadline_from;
      const FrameKey key{(static_cast<std::uint64_t>(r.combo[row]) << 32) |
                             (static_cast<std::uint64_t>(static_cast<std::uint16_t>(r.level[row])) << 16) |
                             static_cast<std::uint16_t>(r.routing[row]),
                         (static_cast<std::uint32_t>(from.kind) << 16) | from.index};
      auto [it, added] = ids.try_emplace(key, static_cast<std::int32_t>(frames.size()));
      if (added) {
        frames.push_back(parts.frame(r.reasons[static_cast<std::size_t>(k)]));
        frames.back().tail += '\n';
      }
      of_reason[static_cast<std::size_t>(k)] = it->second;
    }
  }
};

}  // namespace

// A row is its frame around its own id, deadline and reasons (each reason pre-rendered once per
// document): no per-row allocation, and no per-character escaping but the id's.
void write_json_lines(const RuleSet& rules, const BatchResult& r, const Column* ids, std::ostream& os, unsigned threads) {
  const std::size_t n = r.rows;
  PhaseTimer timer;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 10000)));
  const detail::DecisionParts parts(rules);
  const Frames frames(parts, r);
  std::unordered_map<std::size_t, const BatchResult::Rejected*> rejected;  // row -> why the batch rejected it
  for (auto& e : r.errors) rejected[e.row] = &e;
  timer.lap("templates");
  // Blocks of rows are built in parallel into each thread's own buffer (reused, and small enough to
  // stay in cache) and written in order as soon as each one's turn comes.
  constexpr std::size_t kBlock = 1024;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  std::mutex mu;
  std::condition_variable turn;
  std::size_t next = 0;  // the block to write next
  bool stopped = false;  // a thread failed: the others stop too
  detail::run_threads(threads, [&](unsigned t) {
    std::string s, id;
    try {
      for (std::size_t b = t; b < blocks; b += threads) {
        s.clear();
        for (std::size_t row = b * kBlock; row < std::min(n, (b + 1) * kBlock); ++row) {
          if (r.reason[row] < 0) {  // rare: worded on its own
            const BatchResult::Rejected& e = *rejected.at(row);
            Decision d;
            d.contact = e.contact;
            d.reject(e.why);
            s += rules.view(d).to_json();
            s += '\n';
            continue;
          }
          const auto k = static_cast<std::size_t>(r.reason[row]);
          const DecisionFrame& f = frames.frames[static_cast<std::size_t>(frames.of_reason[k])];
          s += f.open;
          Cell x = ids ? ids->get(row) : Cell{};
          if (x.tag == Tag::text) {
            detail::JsonWriter::append_quoted(s, x.view());
          } else {
            id.clear();
            cell_text(x, id);
            detail::JsonWriter::append_quoted(s, id);
          }
          s += f.head;
          if (r.deadline[row] == kNoTime) {
            s += "null";
          } else {
            s += '"';
            detail::append_timestamp(s, r.deadline[row]);
            s += '"';
          }
          s += f.middle;
          if (r.recorded_outcome.empty() || r.recorded_outcome[row] < 0) {
            s += "null";
          } else {
            const auto index = [](std::int16_t x) { return x < 0 ? kNoIndex : static_cast<Index>(x); };
            const Index reason = r.override_reason.empty() ? kNoIndex : index(r.override_reason[row]);
            detail::append_override(s, rules,
                                    detail::judge(rules.document(), index(r.outcome[row]), index(r.recorded_outcome[row]), reason));
          }
          s += f.before_reasons;
          s += '[';
          for (std::size_t j = frames.item_at[k]; j < frames.item_at[k + 1]; ++j) {
            if (j != frames.item_at[k]) s += ',';
            s += frames.items[j];
          }
          s += ']';
          s += f.tail;
        }
        std::unique_lock<std::mutex> lock(mu);
        turn.wait(lock, [&] { return next == b || stopped; });
        if (stopped) return;
        os.write(s.data(), static_cast<std::streamsize>(s.size()));
        ++next;
        turn.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      stopped = true;
      turn.notify_all();
      throw;
    }
  });
  timer.lap("write");
}

}  // namespace frontdoor::columns
