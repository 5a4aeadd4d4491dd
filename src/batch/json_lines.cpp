// Decisions of a batch as JSON Lines, the way DecisionView::to_json writes each one.
#include <thread>
#include <unordered_map>

#include "frontdoor/columns.hpp"
#include "frontdoor/detail/threads.hpp"
#include "time/civil.hpp"
#include "util/json.hpp"

namespace frontdoor::columns {

// Each distinct decision is put into words once, as a template with two holes (the contact's id and
// the deadline); each row then copies its template around its own id and deadline.
void write_json_lines(const RuleSet& rules, const BatchResult& r, const Column* ids, const RejectedRow& rejected_row, std::ostream& os,
                      unsigned threads) {
  const std::size_t n = r.rows;
  struct Template {
    std::string head, tail;  // {"contact": <id> <head> <deadline> <tail>
  };
  std::vector<Template> templates;
  for (const Decision& rep : r.reasons) {
    Decision d = rep;
    d.contact.clear();
    std::string json = rules.view(d).to_json();
    Template t;
    std::size_t level = json.find(",\"level\":"), deadline = json.find("\"deadline\":", level);
    std::size_t flags = json.find(",\"flags\":", deadline);
    t.head = json.substr(level, deadline + 11 - level);
    t.tail = json.substr(flags) + "\n";
    templates.push_back(std::move(t));
  }
  std::unordered_map<std::size_t, std::string> rejected;  // row -> its whole line
  for (auto& [row, message] : r.errors) rejected[row] = rules.view(rejected_row(row, message)).to_json() + "\n";
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 10000)));
  constexpr std::size_t kBlock = 1 << 14;  // rows per block: written in order, built in parallel
  std::vector<std::string> blocks((n + kBlock - 1) / kBlock);
  detail::run_threads(threads, [&](unsigned t) {
    std::string id;
    for (std::size_t b = t; b < blocks.size(); b += threads) {
      std::string& s = blocks[b];
      for (std::size_t row = b * kBlock; row < std::min(n, (b + 1) * kBlock); ++row) {
        if (r.reason[row] < 0) {
          s += rejected.at(row);
          continue;
        }
        const Template& tpl = templates[static_cast<std::size_t>(r.reason[row])];
        id.clear();
        if (ids) cell_text(ids->get(row), id);
        s += "{\"contact\":";
        detail::JsonWriter::append_quoted(s, id);
        s += tpl.head;
        if (r.deadline[row] == kNoTime) {
          s += "null";
        } else {
          s += '"';
          s += detail::format_timestamp(r.deadline[row]);
          s += '"';
        }
        s += tpl.tail;
      }
    }
  });
  for (auto& b : blocks) os.write(b.data(), static_cast<std::streamsize>(b.size()));
}

}  // namespace frontdoor::columns
