#include "frontdoor/columns.hpp"

#include <cmath>
#include <cstdio>

#include "frontdoor/records.hpp"
#include "records/json.hpp"
#include "resolve/builtins.hpp"
#include "resolve/coerce.hpp"
#include "resolve/words.hpp"
#include "time/civil.hpp"

namespace frontdoor::columns {

std::string iso_timestamp(std::int64_t ms, bool zoned) {
  std::int64_t secs = detail::floor_div(ms, 1000);
  std::int64_t frac = ms - secs * 1000;
  auto days = static_cast<std::int32_t>(detail::floor_div(secs, 86400));
  std::int64_t rest = secs - static_cast<std::int64_t>(days) * 86400;
  auto c = detail::civil_from_days(days);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(c.year), c.month, c.day,
                        static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  std::string s(buf, static_cast<std::size_t>(n));
  if (frac) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(frac));
    s += buf;
  }
  if (zoned) s += 'Z';
  return s;
}

bool cell_text(const Cell& x, std::string& out) {
  switch (x.tag) {
    case Tag::text: out.assign(x.p, x.len); return true;
    case Tag::integer: out = std::to_string(x.i); return true;
    case Tag::real: return coerce::text_of_real(x.d, out);
    default: return false;
  }
}

void record_from_cells(const std::vector<const Column*>& columns, std::size_t row, ContactRecord& r) {
  r = ContactRecord{};
  for (const Column* col : columns) {
    const std::string& name = col->name;
    Cell x = col->get(row);
    if (x.tag == Tag::unset) continue;  // not in this row at all: no field, not even an empty one
    const Column& src = col->source(row);
    if (name == "concerns") {
      switch (x.tag) {
        case Tag::absent: break;
        case Tag::text: {
          Rejection problem;
          if (!detail::parse_concerns(x.view(), r.concerns, problem)) r.set_problem(std::move(problem));
          break;
        }
        case Tag::entries:
          for (std::uint32_t k = 0; k < x.len; ++k) {
            auto& [c, l] = src.entries[static_cast<std::size_t>(x.i) + k];
            r.concerns.push_back({std::string(c), std::string(l)});
          }
          break;
        case Tag::bad:
          r.set_problem(src.problems[x.len].code == RejectionCode::none ? words::concerns_not_a_mapping() : src.problems[x.len]);
          break;
        default: r.set_problem(words::concerns_not_a_mapping());
      }
      continue;
    }
    if (name == "history") {
      std::vector<HistoryRecord> h;
      Rejection problem;
      const resolve::HistoryCell kind = resolve::history_cell(x, src, h, problem);
      if (kind == resolve::HistoryCell::none) continue;
      if (kind == resolve::HistoryCell::rejected) r.set_problem(std::move(problem));
      r.history = std::move(h);
      continue;
    }
    Scalar v;
    switch (x.tag) {
      case Tag::absent:
      case Tag::unset: break;
      case Tag::boolean: v = x.i != 0; break;
      case Tag::integer: v = x.i; break;
      case Tag::real: v = x.d; break;
      case Tag::text: v = std::string(x.view()); break;
      case Tag::instant: v = iso_timestamp(x.i, true); break;
      case Tag::local:
        // A date of birth given as a date-time without a zone is that date; any other field given a
        // date-time without a zone gets it without an offset, which the engine rejects as ambiguous.
        v = name == "dob" ? detail::format_date(static_cast<std::int32_t>(detail::floor_div(x.i, detail::kMsPerDay)))
                          : iso_timestamp(x.i, false);
        break;
      case Tag::entries:
      case Tag::bad: r.set_problem(words::not_a_single_value(name)); break;
    }
    r.set(name, std::move(v));
  }
}

}  // namespace frontdoor::columns
