#include "resolve/builtins.hpp"

#include <algorithm>
#include <tuple>

#include "compile/program.hpp"
#include "records/json.hpp"
#include "resolve/words.hpp"
#include "time/calendar.hpp"

namespace frontdoor::resolve {

RejectionCode age_in_months(const detail::Program& p, std::int64_t received, const detail::CivilDate& dob, std::int64_t& months,
                            DayMemo& memo) {
  const detail::CivilDate& today = memo.of(p.calendar->local_day(received));
  months = detail::months_between(dob, today);
  const bool later = std::tie(dob.year, dob.month, dob.day) > std::tie(today.year, today.month, today.day);
  return months < 0 && later ? RejectionCode::dob_after_received : RejectionCode::none;
}

std::optional<Rejection> concern_items(const detail::Program& p, std::span<const ConcernEntry> entries, ConcernItems& out) {
  out.clear();
  for (const ConcernEntry& e : entries) {
    std::uint16_t k = 0, level = 0;
    if (auto r = words::find_concern(p, e, k, level)) return r;
    if (std::any_of(out.begin(), out.end(), [&](auto& item) { return item.first == k; })) return words::concern_twice(e.concern);
    if (!p.rows.has_descriptor[k][level]) return words::no_descriptor(p, k, e);
    out.emplace_back(k, static_cast<std::uint8_t>(level));
  }
  std::sort(out.begin(), out.end());  // document order
  return std::nullopt;
}

HistoryCell history_cell_kind(const columns::Cell& x) {
  using columns::Tag;
  if (x.tag == Tag::absent || x.tag == Tag::unset) return HistoryCell::none;
  return x.tag == Tag::text ? HistoryCell::given : HistoryCell::rejected;
}

HistoryCell history_cell(const columns::Cell& x, const columns::Column& source, std::vector<HistoryRecord>& out, Rejection& problem) {
  out.clear();
  switch (history_cell_kind(x)) {
    case HistoryCell::none: return HistoryCell::none;
    case HistoryCell::given:
      if (detail::parse_history(x.view(), out, problem)) return HistoryCell::given;
      return HistoryCell::rejected;
    case HistoryCell::rejected: break;
  }
  const bool typed = x.tag == columns::Tag::bad && source.problems[x.len].code != RejectionCode::none;
  problem = typed ? source.problems[x.len] : words::history_not_a_list();
  return HistoryCell::rejected;
}

Rejection builtin_rejection(Builtin b, RejectionCode code) {
  switch (b) {
    case Builtin::id: return words::no_id();
    case Builtin::child: return words::child_not_text();
    case Builtin::received: return code == RejectionCode::missing_field ? words::no_received() : words::bad_received();
    case Builtin::dob: return code == RejectionCode::dob_after_received ? words::dob_after_received() : words::bad_dob();
    case Builtin::recorded_outcome:
    case Builtin::override_reason: return words::bad_judgement(b == Builtin::recorded_outcome, code);
  }
  return words::no_id();
}

std::uint16_t judgement_index(const detail::Program& p, Builtin which, std::string_view id) {
  if (which == Builtin::recorded_outcome) {
    auto it = p.outcome_by_name.find(std::string(id));
    return it == p.outcome_by_name.end() ? 0xFFFF : it->second;
  }
  const auto& reasons = p.doc.override_reasons;
  for (std::size_t i = 0; i < reasons.size(); ++i)
    if (reasons[i].id == id) return static_cast<std::uint16_t>(i);
  return 0xFFFF;
}

}  // namespace frontdoor::resolve
