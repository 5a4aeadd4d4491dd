// Decisions of a batch as JSON Lines, the way DecisionView::to_json writes each one.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "frontdoor/columns.hpp"
#include "frontdoor/detail/threads.hpp"
#include "decide/judge.hpp"
#include "report/write.hpp"
#include "time/civil.hpp"
#include "util/json.hpp"

namespace frontdoor::columns {

// Each distinct decision is put into words once, as a template with three holes (the contact's id,
// the deadline and the override); each row then copies its template around its own.
void write_json_lines(const RuleSet& rules, const BatchResult& r, const Column* ids, std::ostream& os, unsigned threads) {
  const std::size_t n = r.rows;
  PhaseTimer timer;
  using Template = detail::DecisionTemplate;  // open <id> head <deadline> middle <override> tail
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 10000)));
  std::vector<Template> templates(r.reasons.size());
  detail::run_threads(threads, [&](unsigned t) {
    for (std::size_t k = t; k < r.reasons.size(); k += threads) {
      templates[k] = detail::decision_template(rules, r.reasons[k]);
      templates[k].tail += '\n';
    }
  });
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
          const Template& tpl = templates[static_cast<std::size_t>(r.reason[row])];
          s += tpl.open;
          Cell x = ids ? ids->get(row) : Cell{};
          if (x.tag == Tag::text) {
            detail::JsonWriter::append_quoted(s, x.view());
          } else {
            id.clear();
            cell_text(x, id);
            detail::JsonWriter::append_quoted(s, id);
          }
          s += tpl.head;
          if (r.deadline[row] == kNoTime) {
            s += "null";
          } else {
            s += '"';
            detail::append_timestamp(s, r.deadline[row]);
            s += '"';
          }
          s += tpl.middle;
          if (r.recorded_outcome.empty() || r.recorded_outcome[row] < 0) {
            s += "null";
          } else {
            const auto index = [](std::int16_t x) { return x < 0 ? kNoIndex : static_cast<Index>(x); };
            const Index reason = r.override_reason.empty() ? kNoIndex : index(r.override_reason[row]);
            detail::append_override(s, rules, detail::judge(rules.document(), index(r.outcome[row]), index(r.recorded_outcome[row]), reason));
          }
          s += tpl.tail;
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
