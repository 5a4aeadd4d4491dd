#include "batch.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <functional>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "compile/program.hpp"
#include "records.hpp"
#include "time/calendar.hpp"
#include "time/civil.hpp"

namespace frontdoor::host {
namespace {

using detail::Program;

enum class Role : std::uint8_t { id, child, received, dob, decided, recorded, concerns, history, field, other };

struct Plan {
  Role role = Role::other;
  std::size_t field = 0;  // index into doc.fields
  std::uint16_t slot = 0;
  FieldType type = FieldType::boolean;
};

constexpr std::int64_t kFail = INT64_MIN;
constexpr std::size_t kCacheLimit = 1 << 16;

// RuleSet::resolve's reading of values (src/decide/decide.cpp), for the cells the fast path takes.
bool bool_of_text(std::string_view s, std::int64_t& out) {
  if (s.size() > 5) return false;
  char l[6] = {};
  for (std::size_t i = 0; i < s.size(); ++i) l[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  std::string_view v(l, s.size());
  if (v == "true" || v == "1") return out = 1, true;
  if (v == "false" || v == "0") return out = 0, true;
  return false;
}

bool int_of_text(std::string_view t, std::int64_t& out) {
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc() && p == t.data() + t.size() && !t.empty();
}

struct ConcernSet {
  bool ok = false;
  std::vector<std::pair<std::uint16_t, std::uint8_t>> items;  // concern, level
};

// What the fast path needs of the document, computed once per batch.
struct Shared {
  const RuleSet& rules;
  const Program& p;
  std::vector<Plan> plans;
  bool usable = true;  // false: a column the engine must word an error about (unknown or repeated)
  struct Default {
    std::uint16_t slot;
    std::int64_t value;
    bool text;
    std::string string;
  };
  std::vector<Default> defaults;
  std::vector<std::vector<std::uint8_t>> has_descriptor;  // [concern][level]
  std::optional<std::size_t> id_col, child_col, received_col, decided_col;

  Shared(const RuleSet& rs, const std::vector<const Column*>& columns) : rules(rs), p(rs.program()) {
    const ThresholdDocument& doc = p.doc;
    std::unordered_set<std::string> seen;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const std::string& name = columns[k]->name;
      if (!seen.insert(name).second) usable = false;
      Plan pl;
      if (name == "id") pl.role = Role::id, id_col = k;
      else if (name == "child") pl.role = Role::child, child_col = k;
      else if (name == "received") pl.role = Role::received, received_col = k;
      else if (name == "dob") pl.role = Role::dob;
      else if (name == "decided") pl.role = Role::decided, decided_col = k;
      else if (name == "recorded_outcome") pl.role = Role::recorded;
      else if (name == "concerns") pl.role = Role::concerns;
      else if (name == "history") pl.role = Role::history;
      else {
        pl.role = Role::other;
        for (std::size_t f = 0; f < doc.fields.size(); ++f)
          if (doc.fields[f].id == name) {
            pl.role = Role::field;
            pl.field = f;
            pl.slot = p.field_slot[f];
            pl.type = doc.fields[f].type;
          }
        if (pl.role == Role::other) usable = false;
      }
      plans.push_back(pl);
    }
    for (std::size_t f = 0; f < doc.fields.size(); ++f) {
      const Field& fd = doc.fields[f];
      if (std::holds_alternative<std::monostate>(fd.default_value)) continue;
      Default d{p.field_slot[f], 0, false, {}};
      const Scalar& v = fd.default_value;
      switch (fd.type) {
        case FieldType::boolean:
          if (auto* b = std::get_if<bool>(&v)) d.value = *b;
          else if (auto* i = std::get_if<std::int64_t>(&v)) d.value = *i;
          else continue;  // the engine would not set it either (defaults are checked at load)
          break;
        case FieldType::integer:
          if (auto* i = std::get_if<std::int64_t>(&v)) d.value = *i;
          else continue;
          break;
        case FieldType::string:
          if (auto* s = std::get_if<std::string>(&v)) d.text = true, d.string = *s;
          else continue;
          break;
        case FieldType::enumeration: {
          auto* s = std::get_if<std::string>(&v);
          if (!s) continue;
          auto it = std::find(fd.values.begin(), fd.values.end(), *s);
          if (it == fd.values.end()) continue;
          d.value = it - fd.values.begin();
          break;
        }
      }
      defaults.push_back(std::move(d));
    }
    has_descriptor.assign(doc.concerns.size(), std::vector<std::uint8_t>(doc.levels.size(), 0));
    for (std::size_t k = 0; k < doc.concerns.size(); ++k)
      for (auto& d : doc.concerns[k].descriptors)
        if (d.level < doc.levels.size()) has_descriptor[k][d.level] = 1;
  }
};

// The fast path: one per thread (its caches are its own).
class Fast {
 public:
  Fast(const Shared& s, const std::vector<const Column*>& columns)
      : s_(s), cols_(columns), text_cache_(columns.size()) {}

  // True: `c` is the contact the engine's resolve would make. False: hand the row to the engine.
  bool resolve(std::size_t row, Contact& c, Cell& history) {
    const Program& p = s_.p;
    c.id.clear();
    c.child.clear();
    c.strings.clear();
    c.concerns.clear();
    c.received = 0;
    c.domains = 0;
    c.values.assign(p.slot_names.size(), 0);
    c.known.assign(p.slot_names.size(), 0);
    c.concern_levels.assign(p.doc.concerns.size(), 0);
    history = Cell{};
    if (!s_.usable) return false;
    bool has_id = false, has_received = false;
    std::optional<std::int32_t> dob;
    Cell concerns;
    const Column* concerns_src = nullptr;
    for (std::size_t k = 0; k < cols_.size(); ++k) {
      const Plan& pl = s_.plans[k];
      Cell x = cols_[k]->get(row);
      switch (pl.role) {
        case Role::id:
          if (x.tag == Tag::absent || !cell_text(x, c.id) || c.id.empty()) return false;
          has_id = true;
          break;
        case Role::child:
          if (x.tag != Tag::absent && !cell_text(x, c.child)) return false;
          break;
        case Role::received:
          if (x.tag == Tag::instant) {
            c.received = x.i;
          } else if (x.tag == Tag::text) {
            auto t = detail::parse_timestamp(x.view());
            if (!t) return false;
            c.received = *t;
          } else {
            return false;
          }
          has_received = true;
          break;
        case Role::dob:
          if (x.tag == Tag::absent) break;
          if (x.tag == Tag::text) {
            dob = detail::parse_date(x.view());
            if (!dob) return false;
          } else if (x.tag == Tag::local) {
            dob = static_cast<std::int32_t>(detail::floor_div(x.i, detail::kMsPerDay));
          } else {
            return false;
          }
          break;
        case Role::decided:
        case Role::recorded: break;
        case Role::concerns:
          concerns = x;
          concerns_src = &cols_[k]->source(row);
          break;
        case Role::history:
          if (x.tag != Tag::absent && x.tag != Tag::text) return false;
          history = x;
          break;
        case Role::field:
          if (x.tag == Tag::absent) break;
          if (!field_value(k, pl, x, c)) return false;
          break;
        case Role::other: return false;
      }
    }
    if (!has_id || !has_received) return false;
    for (const auto& d : s_.defaults) {
      if (c.known[d.slot]) continue;
      if (d.text) {
        c.values[d.slot] = static_cast<std::int64_t>(c.strings.size());
        c.strings.push_back(d.string);
      } else {
        c.values[d.slot] = d.value;
      }
      c.known[d.slot] = 1;
    }
    if (c.known[p.slot_unborn] && c.values[p.slot_unborn]) {
      c.values[p.slot_age_months] = c.values[p.slot_age_years] = 0;
      c.known[p.slot_age_months] = c.known[p.slot_age_years] = 1;
    } else if (dob) {
      std::int32_t today = p.calendar->local_day(c.received);
      std::int64_t months = detail::months_between(*dob, today);
      if (months < 0 && *dob > today) return false;
      c.values[p.slot_age_months] = months;
      c.values[p.slot_age_years] = months / 12;
      c.known[p.slot_age_months] = c.known[p.slot_age_years] = 1;
    }
    switch (concerns.tag) {
      case Tag::absent: break;
      case Tag::text: {
        const ConcernSet& set = concern_text(concerns.view());
        if (!set.ok) return false;
        apply(set, c);
        break;
      }
      case Tag::entries: {
        entries_.clear();
        for (std::uint32_t k = 0; k < concerns.len; ++k) {
          auto& [name, level] = concerns_src->entries[static_cast<std::size_t>(concerns.i) + k];
          entries_.push_back({std::string(name), std::string(level)});
        }
        ConcernSet set = make_set(entries_);
        if (!set.ok) return false;
        apply(set, c);
        break;
      }
      default: return false;
    }
    for (std::uint16_t k = 0; k < c.concern_levels.size(); ++k)
      if (c.concern_levels[k]) c.concerns.push_back(k);
    return true;
  }

 private:
  template <class F>
  std::int64_t cached(std::size_t column, std::string_view key, F&& compute) {
    auto& cache = text_cache_[column];
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    std::int64_t v = compute(key);
    if (cache.size() < kCacheLimit) cache.emplace(key, v);
    return v;
  }

  bool field_value(std::size_t k, const Plan& pl, const Cell& x, Contact& c) {
    const Field& f = s_.p.doc.fields[pl.field];
    std::int64_t v = 0;
    switch (pl.type) {
      case FieldType::boolean:
        if (x.tag == Tag::boolean) v = x.i;
        else if (x.tag == Tag::integer && (x.i == 0 || x.i == 1)) v = x.i;
        else if (x.tag == Tag::real && (x.d == 0 || x.d == 1)) v = static_cast<std::int64_t>(x.d);
        else if (x.tag == Tag::text) {
          v = cached(k, x.view(), [](std::string_view s) {
            std::int64_t b;
            return bool_of_text(s, b) ? b : kFail;
          });
          if (v == kFail) return false;
        } else return false;
        break;
      case FieldType::integer:
        if (x.tag == Tag::integer) v = x.i;
        else if (x.tag == Tag::real) {
          if (!std::isfinite(x.d) || x.d != std::trunc(x.d) || std::fabs(x.d) > 9.007199254740992e15) return false;
          v = static_cast<std::int64_t>(x.d);
        } else if (x.tag == Tag::text) {
          std::int64_t parsed = 0;
          if (!int_of_text(x.view(), parsed)) return false;
          v = parsed;
        } else return false;
        if ((f.min && v < *f.min) || (f.max && v > *f.max)) return false;
        break;
      case FieldType::string:
        if (!cell_text(x, scratch_)) return false;
        v = static_cast<std::int64_t>(c.strings.size());
        c.strings.push_back(scratch_);
        break;
      case FieldType::enumeration: {
        auto find = [&f](std::string_view s) -> std::int64_t {
          auto it = std::find(f.values.begin(), f.values.end(), s);
          return it == f.values.end() ? kFail : static_cast<std::int64_t>(it - f.values.begin());
        };
        if (x.tag == Tag::text) {
          v = cached(k, x.view(), find);
        } else {
          if (!cell_text(x, scratch_)) return false;
          v = find(scratch_);
        }
        if (v == kFail) return false;
        break;
      }
    }
    c.values[pl.slot] = v;
    c.known[pl.slot] = 1;
    return true;
  }

  ConcernSet make_set(const std::vector<ConcernEntry>& entries) const {
    ConcernSet set;
    const Program& p = s_.p;
    for (const auto& e : entries) {
      auto ci = p.concern_by_name.find(e.concern);
      auto li = p.level_by_name.find(e.level);
      if (ci == p.concern_by_name.end() || li == p.level_by_name.end()) return set;
      if (!s_.has_descriptor[ci->second][li->second]) return set;
      for (auto& [k, l] : set.items)
        if (k == ci->second) return set;  // given more than once
      set.items.emplace_back(ci->second, static_cast<std::uint8_t>(li->second));
    }
    set.ok = true;
    return set;
  }

  const ConcernSet& concern_text(std::string_view text) {
    auto it = concern_cache_.find(text);
    if (it != concern_cache_.end()) return sets_[it->second];
    entries_.clear();
    std::string problem;
    ConcernSet set;
    if (parse_concern_text(text, entries_, problem)) set = make_set(entries_);
    sets_.push_back(std::move(set));
    if (concern_cache_.size() < kCacheLimit) concern_cache_.emplace(text, static_cast<std::uint32_t>(sets_.size() - 1));
    else {
      spare_ = std::move(sets_.back());
      sets_.pop_back();
      return spare_;
    }
    return sets_.back();
  }

  void apply(const ConcernSet& set, Contact& c) const {
    for (auto& [k, l] : set.items) {
      c.concern_levels[k] = static_cast<std::uint8_t>(l + 1);
      c.domains |= s_.p.concern_domain_bit[k];
    }
  }

  const Shared& s_;
  const std::vector<const Column*>& cols_;
  std::vector<std::unordered_map<std::string_view, std::int64_t>> text_cache_;
  std::unordered_map<std::string_view, std::uint32_t> concern_cache_;
  std::deque<ConcernSet> sets_;
  ConcernSet spare_;
  std::vector<ConcernEntry> entries_;
  std::string scratch_;
};

struct SortItem {
  std::uint64_t hash;
  std::int64_t received;
  std::uint32_t row;
};

// Interns decisions by what a part of the output depends on, so each distinct combination is put
// into words once: per thread here, merged after.
struct Interner {
  std::unordered_map<std::string, std::int32_t> ids;
  std::vector<std::string> keys;
  std::vector<Decision> reps;
  std::int32_t add(const std::string& key, const Decision& d) {
    auto [it, added] = ids.try_emplace(key, static_cast<std::int32_t>(reps.size()));
    if (added) {
      keys.push_back(key);
      reps.push_back(d);
    }
    return it->second;
  }
};

void put16(std::string& k, std::uint32_t v) {
  k.push_back(static_cast<char>(v & 0xFF));
  k.push_back(static_cast<char>((v >> 8) & 0xFF));
}

template <class F>
void run_threads(unsigned n, F&& body) {
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n; ++t)
    threads.emplace_back([&, t] {
      try {
        body(t);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  try {
    body(0u);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& th : threads) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace

bool cell_text(const Cell& x, std::string& out) {
  switch (x.tag) {
    case Tag::text: out.assign(x.p, x.len); return true;
    case Tag::integer: out = std::to_string(x.i); return true;
    case Tag::real:
      if (std::isfinite(x.d) && x.d == std::trunc(x.d) && std::fabs(x.d) < 1e15) {
        out = std::to_string(static_cast<std::int64_t>(x.d));
        return true;
      }
      return false;
    default: return false;
  }
}

BatchResult decide_columns(const RuleSet& rs, const std::vector<const Column*>& columns, std::size_t n, const BatchOptions& options) {
  for (const Column* c : columns)
    if (c->length != n) throw std::invalid_argument("column '" + c->name + "' does not have one cell per row");
  if (n >= (std::size_t{1} << 32)) throw std::invalid_argument("a batch holds at most 4,294,967,295 rows");
  const Shared shared(rs, columns);
  const ThresholdDocument& doc = shared.p.doc;
  BatchResult out;
  out.rows = n;
  out.level.assign(n, -1);
  out.outcome.assign(n, -1);
  out.routing.assign(n, -1);
  out.category.assign(n, -1);
  out.referral.assign(n, 0);
  out.received.assign(n, kNoTime);
  out.deadline.assign(n, kNoTime);
  if (shared.decided_col) out.decided.assign(n, kNoTime);
  out.combo.assign(n, -1);
  if (options.reasons) out.reason.assign(n, -1);

  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  if (n < 20000) threads = 1;
  threads = std::min(threads, 64u);

  // 1. Each row's child (as the engine reads it) and received time, to put the rows in order.
  std::vector<std::uint64_t> hash(n, 0);
  std::vector<std::string_view> child(n);
  std::vector<std::deque<std::string>> arenas(threads);
  run_threads(threads, [&](unsigned t) {
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    std::string text;
    for (std::size_t row = from; row < to; ++row) {
      if (shared.child_col) {
        Cell x = columns[*shared.child_col]->get(row);
        if (x.tag == Tag::text) {
          child[row] = x.view();
        } else if ((x.tag == Tag::integer || x.tag == Tag::real) && cell_text(x, text)) {
          arenas[t].push_back(text);
          child[row] = arenas[t].back();
        }
        if (!child[row].empty()) hash[row] = std::hash<std::string_view>{}(child[row]);
      }
      if (shared.received_col) {
        Cell x = columns[*shared.received_col]->get(row);
        if (x.tag == Tag::instant) out.received[row] = x.i;
        else if (x.tag == Tag::text) out.received[row] = detail::parse_timestamp(x.view()).value_or(kNoTime);
      }
      if (shared.decided_col) {
        Cell x = columns[*shared.decided_col]->get(row);
        if (x.tag == Tag::instant) out.decided[row] = x.i;
        else if (x.tag == Tag::text) out.decided[row] = detail::parse_timestamp(x.view()).value_or(kNoTime);
      }
    }
  });

  // 2. Each thread takes the children whose hash falls to it, in (child, received, input) order, and
  //    decides them with each child's earlier rows as history.
  std::vector<Interner> combos(threads), reasons(threads);
  std::vector<std::vector<std::pair<std::size_t, std::string>>> errors(threads);
  std::vector<std::size_t> engine_rows(threads, 0);
  std::atomic<bool> stopped{false};
  run_threads(threads, [&](unsigned t) {
    std::vector<SortItem> items;
    std::vector<std::uint32_t> alone;
    for (std::size_t row = 0; row < n; ++row) {
      if (child[row].empty()) {
        if (row % threads == t) alone.push_back(static_cast<std::uint32_t>(row));
      } else if (hash[row] % threads == t) {
        items.push_back({hash[row], out.received[row], static_cast<std::uint32_t>(row)});
      }
    }
    std::sort(items.begin(), items.end(), [](const SortItem& a, const SortItem& b) {
      if (a.hash != b.hash) return a.hash < b.hash;
      if (a.received != b.received) return a.received < b.received;
      return a.row < b.row;
    });
    // Two children whose ids hash alike: order that run by child first (stable keeps the rest).
    for (std::size_t i = 0; i < items.size();) {
      std::size_t j = i + 1;
      bool mixed = false;
      while (j < items.size() && items[j].hash == items[i].hash) {
        mixed = mixed || child[items[j].row] != child[items[i].row];
        ++j;
      }
      if (mixed)
        std::stable_sort(items.begin() + static_cast<std::ptrdiff_t>(i), items.begin() + static_cast<std::ptrdiff_t>(j),
                         [&](const SortItem& a, const SortItem& b) { return child[a.row] < child[b.row]; });
      i = j;
    }

    Fast fast(shared, columns);
    Contact c;
    Decision d;
    ContactRecord record;
    std::string error, key;
    std::vector<PastContact> past, own;
    std::vector<HistoryRecord> own_records;
    std::size_t since_report = 0;
    auto report = [&]() {
      if (options.done) options.done->fetch_add(since_report, std::memory_order_relaxed);
      since_report = 0;
      if (options.cancel && options.cancel->load(std::memory_order_relaxed)) stopped = true;
    };
    auto reject = [&](std::size_t row, std::string message) { errors[t].emplace_back(row, std::move(message)); };

    auto decide_row = [&](std::size_t row, bool in_group) {
      Cell history;
      bool has_own = false;
      own_records.clear();
      if (fast.resolve(row, c, history)) {
        if (history.tag == Tag::text) {
          std::string problem;
          if (!parse_history_json(history.view(), own_records, problem)) return reject(row, problem);
          has_own = true;
        }
      } else {
        ++engine_rows[t];
        record_from_cells(columns, row, record);
        if (!rs.resolve(record, c, error)) return reject(row, error);
        if (record.history) {
          own_records = std::move(*record.history);
          has_own = true;
        }
      }
      if (has_own) {
        own.resize(own_records.size());
        for (std::size_t h = 0; h < own_records.size(); ++h)
          if (!rs.resolve(own_records[h], own[h], error)) return reject(row, "history[" + std::to_string(h) + "]." + error);
      }
      rs.decide(c, has_own ? std::span<const PastContact>(own) : std::span<const PastContact>(past), d);
      const Outcome& oc = doc.outcomes[d.outcome];
      out.level[row] = static_cast<std::int16_t>(d.level);
      out.outcome[row] = static_cast<std::int16_t>(d.outcome);
      out.routing[row] = d.routing == kNoIndex ? std::int16_t{-1} : static_cast<std::int16_t>(d.routing);
      out.category[row] = static_cast<std::int16_t>(oc.category);
      out.referral[row] = oc.referral;
      out.deadline[row] = d.deadline;
      key.clear();
      put16(key, d.outcome);
      for (auto r : d.rules) put16(key, r);
      out.combo[row] = static_cast<std::int32_t>((t << 24) | static_cast<unsigned>(combos[t].add(key, d)));
      if (options.reasons) {
        put16(key, d.level);
        put16(key, d.base_level);
        put16(key, d.routing);
        key.push_back('|');
        for (auto k : d.base_concerns) put16(key, k);
        key.push_back('|');
        for (auto& u : d.unknowns) {
          key.push_back(static_cast<char>(u.where));
          key.push_back(static_cast<char>(u.why));
          put16(key, u.entry);
          put16(key, u.name);
        }
        out.reason[row] = static_cast<std::int32_t>((t << 24) | static_cast<unsigned>(reasons[t].add(key, d)));
      }
      if (in_group && !c.child.empty()) {
        PastContact h;
        h.received = c.received;
        h.concerns = c.concerns;
        h.domains = c.domains;
        h.referral = oc.referral;
        past.push_back(std::move(h));
      }
    };

    for (std::size_t i = 0; i < items.size() && !stopped;) {
      past.clear();
      std::string_view who = child[items[i].row];
      std::uint64_t h = items[i].hash;
      for (; i < items.size() && items[i].hash == h && child[items[i].row] == who; ++i) {
        decide_row(items[i].row, true);
        if (++since_report == 1024) report();
      }
    }
    for (std::size_t k = 0; k < alone.size() && !stopped; ++k) {
      past.clear();
      decide_row(alone[k], false);
      if (++since_report == 1024) report();
    }
    report();
  });
  out.cancelled = stopped;

  // 3. One numbering of the interned decisions across threads.
  auto merge = [&](std::vector<Interner>& parts, std::vector<std::int32_t>& codes, std::vector<Decision>& reps) {
    std::unordered_map<std::string, std::int32_t> ids;
    std::vector<std::vector<std::int32_t>> remap(threads);
    for (unsigned t = 0; t < threads; ++t)
      for (std::size_t k = 0; k < parts[t].keys.size(); ++k) {
        auto [it, added] = ids.try_emplace(parts[t].keys[k], static_cast<std::int32_t>(reps.size()));
        if (added) reps.push_back(std::move(parts[t].reps[k]));
        remap[t].push_back(it->second);
      }
    for (auto& code : codes)
      if (code >= 0) code = remap[static_cast<unsigned>(code) >> 24][static_cast<std::size_t>(code & 0xFFFFFF)];
  };
  merge(combos, out.combo, out.combos);
  if (options.reasons) merge(reasons, out.reason, out.reasons);
  for (auto& e : errors) out.errors.insert(out.errors.end(), std::make_move_iterator(e.begin()), std::make_move_iterator(e.end()));
  std::sort(out.errors.begin(), out.errors.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto k : engine_rows) out.engine_rows += k;
  return out;
}

}  // namespace frontdoor::host
