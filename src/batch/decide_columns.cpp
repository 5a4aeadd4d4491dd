#include "frontdoor/columns.hpp"
#include "frontdoor/detail/threads.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <cmath>
#include <exception>
#include <functional>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "compile/program.hpp"
#include "decide/decide_core.hpp"
#include "frontdoor/records.hpp"
#include "time/calendar.hpp"
#include "time/civil.hpp"

namespace frontdoor::columns {
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

// A quick hash for the short texts the caches hold (sources, channels, concern cells, ...).
inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}
inline std::uint64_t text_hash(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix(h ^ w, 0xBF58476D1CE4E5B9ull);
    p += 8;
    n -= 8;
  }
  if (n) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = mix(h ^ w, 0x94D049BB133111EBull);
  }
  return h;
}

// An open-addressing map from texts (views into the frame, which outlives it) to small values.
template <class V>
class TextCache {
 public:
  const V* find(std::string_view key, std::uint64_t h) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.hash == h && s.key == key) return &s.value;
    }
  }
  bool full() const { return size_ >= kCacheLimit; }
  void insert(std::string_view key, std::uint64_t h, V value) {
    if (full()) return;
    if (2 * (size_ + 1) > slots_.size()) grow();
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = {h, key, value, true};
        ++size_;
        return;
      }
    }
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::string_view key;
    V value{};
    bool used = false;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (auto& s : old)
      if (s.used) insert(s.key, s.hash, s.value);
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0, size_ = 0;
};

struct ConcernSet {
  bool ok = false;
  std::vector<std::pair<std::uint16_t, std::uint8_t>> items;  // concern, level
};

// What the fast path needs of the document, computed once per batch.
struct Shared {
  const RuleSet& rules;
  const Program& p;
  std::vector<Plan> plans;
  bool usable = true;  // false: a column given twice, which the engine must word an error about
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
        // A column the document does not know: the rows that give it a cell (even an empty one) go to
        // the engine, which words the error; rows without it are the fast path's.
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
      : s_(s), cols_(columns), text_cache_(columns.size()) {
    for (const Column* c : columns) readers_.emplace_back(c);
  }

  Cell cell(std::size_t column, std::size_t row) { return readers_[column].get(row); }

  std::int64_t received_hint = kNoTime;  // the row's `received`, when the caller has parsed it already

  // True: `c` is the contact the engine's resolve would make. False: hand the row to the engine.
  bool resolve(std::size_t row, Contact& c, Cell& history) {
    const Program& p = s_.p;
    c.id.clear();
    c.child.clear();
    c.strings.clear();
    c.concerns.clear();
    c.received = 0;
    c.domains = 0;
    c.concern_bits = 0;
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
      Cell x = readers_[k].get(row);
      if (x.tag == Tag::unset) continue;  // not in this row at all
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
            if (received_hint != kNoTime) {  // already parsed by the caller
              c.received = received_hint;
            } else {
              auto t = detail::parse_timestamp(x.view());
              if (!t) return false;
              c.received = *t;
            }
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
          concerns_src = &readers_[k].source(row);
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
      if (c.concern_levels[k]) {
        c.concerns.push_back(k);
        if (k < 64) c.concern_bits |= 1ull << k;
      }
    return true;
  }

 private:
  template <class F>
  std::int64_t cached(std::size_t column, std::string_view key, F&& compute) {
    auto& cache = text_cache_[column];
    std::uint64_t h = text_hash(key);
    if (const std::int64_t* v = cache.find(key, h)) return *v;
    std::int64_t v = compute(key);
    cache.insert(key, h, v);
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
    std::uint64_t h = text_hash(text);
    if (const std::uint32_t* k = concern_cache_.find(text, h)) return sets_[*k];
    entries_.clear();
    std::string problem;
    ConcernSet set;
    if (parse_concerns(text, entries_, problem)) set = make_set(entries_);
    if (concern_cache_.full()) {
      spare_ = std::move(set);
      return spare_;
    }
    sets_.push_back(std::move(set));
    concern_cache_.insert(text, h, static_cast<std::uint32_t>(sets_.size() - 1));
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
  std::vector<Reader> readers_;
  std::vector<TextCache<std::int64_t>> text_cache_;
  TextCache<std::uint32_t> concern_cache_;
  std::deque<ConcernSet> sets_;
  ConcernSet spare_;
  std::vector<ConcernEntry> entries_;
  std::string scratch_;
};

struct SortItem {
  std::uint64_t hash, hash2;  // the child, by two independent hashes
  std::int64_t received;
  std::uint32_t row;
};

// FNV-1a, independent of std::hash: with it a child is known by 128 bits, so grouping the rows by
// child needs no string comparisons (two children would have to collide in both hashes).
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
  return h;
}

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

bool same_decision(const Decision& a, const Decision& b) {
  if (a.level != b.level || a.outcome != b.outcome || a.routing != b.routing || a.base_level != b.base_level ||
      a.rules != b.rules || a.base_concerns != b.base_concerns || a.deadline != b.deadline || a.received != b.received ||
      a.unknowns.size() != b.unknowns.size() || a.contact != b.contact)
    return false;
  for (std::size_t i = 0; i < a.unknowns.size(); ++i) {
    const auto &x = a.unknowns[i], &y = b.unknowns[i];
    if (x.where != y.where || x.why != y.why || x.entry != y.entry || x.name != y.name) return false;
  }
  return true;
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

// A row resolved by the fast path, packed into (for the documents councils write) one cache line:
// the rows are packed in the order they will be decided in, so that deciding reads them front to
// back. A row that does not fit (a value beyond 16 bits, more than kMaxConcerns concerns, many text
// fields) is left to the engine's own resolve.
struct Packed {
  static constexpr std::size_t kMaxConcerns = 8;
  struct Header {
    std::int64_t received;
    std::uint32_t string_start;
    std::uint8_t string_count;
    std::uint8_t string_thread;
    std::uint8_t flags;  // kFast: resolved by the fast path; kOwnHistory: the row has its own history
    std::uint8_t concerns;
  };
  static constexpr std::uint8_t kFast = 1, kOwnHistory = 2;
  std::size_t slots = 0, stride = 0, known_at = 0, concerns_at = 0;
  std::unique_ptr<std::byte, void (*)(void*)> data{nullptr, std::free};

  Packed(std::size_t n, std::size_t s) : slots(s) {
    known_at = sizeof(Header) + 2 * s;
    concerns_at = known_at + (s + 7) / 8;
    stride = (concerns_at + 3 * kMaxConcerns + 63) / 64 * 64;
    // Not zeroed: every row's header is written before it is read.
    data.reset(static_cast<std::byte*>(std::aligned_alloc(64, std::max<std::size_t>(n, 1) * stride)));
    if (!data) throw std::bad_alloc();
  }
  std::byte* row(std::size_t r) const { return data.get() + r * stride; }
  Header& header(std::size_t r) const { return *reinterpret_cast<Header*>(row(r)); }

  bool fits(const Contact& c) const {
    if (c.concerns.size() > kMaxConcerns || c.strings.size() > 255) return false;
    for (auto v : c.values)
      if (v < INT16_MIN || v > INT16_MAX) return false;
    return true;
  }

  void pack(std::size_t r, const Contact& c, std::uint8_t flags, std::uint8_t thread, std::vector<std::string>& strings) const {
    std::byte* p = row(r);
    Header& h = *reinterpret_cast<Header*>(p);
    h.received = c.received;
    h.flags = flags;
    h.string_thread = thread;
    h.string_start = static_cast<std::uint32_t>(strings.size());
    h.string_count = static_cast<std::uint8_t>(c.strings.size());
    h.concerns = static_cast<std::uint8_t>(c.concerns.size());
    for (auto& x : c.strings) strings.push_back(x);
    auto* values = reinterpret_cast<std::int16_t*>(p + sizeof(Header));
    for (std::size_t k = 0; k < slots; ++k) values[k] = static_cast<std::int16_t>(c.values[k]);
    auto* known = reinterpret_cast<std::uint8_t*>(p + known_at);
    std::memset(known, 0, (slots + 7) / 8);
    for (std::size_t k = 0; k < slots; ++k)
      if (c.known[k]) known[k >> 3] |= static_cast<std::uint8_t>(1u << (k & 7));
    auto* cs = reinterpret_cast<std::uint8_t*>(p + concerns_at);
    for (std::size_t i = 0; i < c.concerns.size(); ++i) {
      std::uint16_t k = c.concerns[i];
      cs[3 * i] = static_cast<std::uint8_t>(k & 0xFF);
      cs[3 * i + 1] = static_cast<std::uint8_t>(k >> 8);
      cs[3 * i + 2] = c.concern_levels[k];
    }
  }

  void unpack(std::size_t r, Contact& c, const Program& p, const std::vector<std::vector<std::string>>& strings) const {
    const std::byte* at = row(r);
    const Header& h = *reinterpret_cast<const Header*>(at);
    c.id.clear();
    c.child.clear();
    c.received = h.received;
    c.values.resize(slots);
    c.known.resize(slots);
    const auto* values = reinterpret_cast<const std::int16_t*>(at + sizeof(Header));
    const auto* known = reinterpret_cast<const std::uint8_t*>(at + known_at);
    for (std::size_t k = 0; k < slots; ++k) {
      c.values[k] = values[k];
      c.known[k] = (known[k >> 3] >> (k & 7)) & 1;
    }
    c.concern_levels.assign(p.doc.concerns.size(), 0);
    c.concerns.clear();
    c.domains = 0;
    c.concern_bits = 0;
    const auto* cs = reinterpret_cast<const std::uint8_t*>(at + concerns_at);
    for (std::size_t i = 0; i < h.concerns; ++i) {
      auto k = static_cast<std::uint16_t>(cs[3 * i] | (cs[3 * i + 1] << 8));
      c.concern_levels[k] = cs[3 * i + 2];
      c.concerns.push_back(k);
      c.domains |= p.concern_domain_bit[k];
      if (k < 64) c.concern_bits |= 1ull << k;
    }
    c.strings.clear();
    for (std::uint32_t k = 0; k < h.string_count; ++k) c.strings.push_back(strings[h.string_thread][h.string_start + k]);
  }
};

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

  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  auto clock0 = std::chrono::steady_clock::now();
  double cpu0 = cpu_now();
  auto lap = [&](const char* what) {  // FRONTDOOR_TIMING=1: each phase's wall time (and this thread's CPU time)
    if (!std::getenv("FRONTDOOR_TIMING")) return;
    auto now = std::chrono::steady_clock::now();
    double cpu = cpu_now();
    std::fprintf(stderr, "%-8s wall %.3f cpu %.3f\n", what, std::chrono::duration<double>(now - clock0).count(), cpu - cpu0);
    clock0 = now;
    cpu0 = cpu;
  };

  // 1. In input order: each row's child as the engine reads it (by two hashes) and received time.
  std::vector<std::uint64_t> hash(n, 0), hash2(n, 0);
  std::vector<std::uint8_t> has_child(n, 0);
  detail::run_threads(threads, [&](unsigned t) {
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    std::string text;
    Reader child_reader(shared.child_col ? columns[*shared.child_col] : nullptr);
    Reader received_reader(shared.received_col ? columns[*shared.received_col] : nullptr);
    Reader decided_reader(shared.decided_col ? columns[*shared.decided_col] : nullptr);
    for (std::size_t row = from; row < to; ++row) {
      if (shared.child_col) {
        Cell x = child_reader.get(row);
        std::string_view who;
        if (x.tag == Tag::text) {
          who = x.view();
        } else if ((x.tag == Tag::integer || x.tag == Tag::real) && cell_text(x, text)) {
          who = text;
        }
        if (!who.empty()) {
          has_child[row] = 1;
          hash[row] = text_hash(who);
          hash2[row] = fnv1a(who);
        }
      }
      if (shared.received_col) {
        Cell x = received_reader.get(row);
        if (x.tag == Tag::instant) out.received[row] = x.i;
        else if (x.tag == Tag::text) out.received[row] = detail::parse_timestamp(x.view()).value_or(kNoTime);
      }
      if (shared.decided_col) {
        Cell x = decided_reader.get(row);
        if (x.tag == Tag::instant) out.decided[row] = x.i;
        else if (x.tag == Tag::text) out.decided[row] = detail::parse_timestamp(x.view()).value_or(kNoTime);
      }
    }
  });
  lap("keys");

  // 2. Each thread takes the children whose hash falls to it (and every threads-th row without a
  //    child) and puts them in the order it will decide them in: each child's rows together, in
  //    (received, input) order, and the children (and the rows without one) in the order they first
  //    appear, so that this order follows the input's closely and the packing below is nearly
  //    sequential.
  auto owner = [&](std::size_t row) -> unsigned {
    return static_cast<unsigned>(has_child[row] ? hash[row] % threads : row % threads);
  };
  enum : std::uint8_t { kContinues = 0, kFirstOfChild = 1, kAlone = 2 };
  std::vector<std::vector<std::uint32_t>> order(threads);  // rows
  std::vector<std::vector<std::uint8_t>> step(threads);    // kContinues, kFirstOfChild or kAlone
  std::vector<std::uint32_t> slot(n);                      // the row's place in its owner's order
  detail::run_threads(threads, [&](unsigned t) {
    std::vector<SortItem> items;
    std::vector<std::uint32_t> alone;
    for (std::size_t row = 0; row < n; ++row) {
      if (owner(row) != t) continue;
      if (has_child[row]) items.push_back({hash[row], hash2[row], out.received[row], static_cast<std::uint32_t>(row)});
      else alone.push_back(static_cast<std::uint32_t>(row));
    }
    std::sort(items.begin(), items.end(), [](const SortItem& a, const SortItem& b) {
      if (a.hash != b.hash) return a.hash < b.hash;
      if (a.hash2 != b.hash2) return a.hash2 < b.hash2;
      if (a.received != b.received) return a.received < b.received;
      return a.row < b.row;
    });
    // Each child's rows in (received, input) order make a group; the groups, and the rows without
    // a child, are laid out in the order their first row appears in the input.
    std::vector<std::uint32_t> group_size, group_base;
    for (std::size_t i = 0; i < items.size();) {
      std::size_t j = i;
      auto g = static_cast<std::uint32_t>(group_size.size());
      while (j < items.size() && items[j].hash == items[i].hash && items[j].hash2 == items[i].hash2) {
        slot[items[j].row] = g;  // for now: the row's group ...
        hash2[items[j].row] = j - i;  // ... and its rank in it (hash2 is not needed any more)
        ++j;
      }
      group_size.push_back(static_cast<std::uint32_t>(j - i));
      i = j;
    }
    group_base.assign(group_size.size(), UINT32_MAX);
    auto& rows = order[t];
    auto& kinds = step[t];
    rows.resize(items.size() + alone.size());
    kinds.resize(rows.size());
    std::uint32_t cursor = 0;
    for (std::size_t row = 0; row < n; ++row) {
      if (owner(row) != t) continue;
      if (!has_child[row]) {
        slot[row] = cursor;
        rows[cursor] = static_cast<std::uint32_t>(row);
        kinds[cursor++] = kAlone;
        continue;
      }
      std::uint32_t g = slot[row];
      if (group_base[g] == UINT32_MAX) {
        group_base[g] = cursor;
        cursor += group_size[g];
      }
      auto rank = static_cast<std::uint32_t>(hash2[row]);
      std::uint32_t at = group_base[g] + rank;
      slot[row] = at;
      rows[at] = static_cast<std::uint32_t>(row);
      kinds[at] = rank == 0 ? kFirstOfChild : kContinues;
    }
  });
  lap("order");

  // 3. In input order again (the columns are read front to back): each row resolved by the fast
  //    path and packed at its place in its owner's order, so that deciding reads it front to back.
  std::vector<std::vector<std::string>> strings(threads);
  std::vector<Packed> packed;
  for (unsigned t = 0; t < threads; ++t) packed.emplace_back(order[t].size(), shared.p.slot_names.size());
  detail::run_threads(threads, [&](unsigned t) {
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    Fast fast(shared, columns);
    Contact c;
    Cell history;
    for (std::size_t row = from; row < to; ++row) {
      const Packed& into = packed[owner(row)];
      fast.received_hint = out.received[row];
      if (fast.resolve(row, c, history) && into.fits(c)) {
        std::uint8_t flags = Packed::kFast | (history.tag == Tag::text ? Packed::kOwnHistory : 0);
        into.pack(slot[row], c, flags, static_cast<std::uint8_t>(t), strings[t]);
      } else {
        into.header(slot[row]).flags = 0;
      }
    }
  });
  lap("resolve");

  // 4. Each thread decides its rows in order, with each child's earlier rows as history, and
  //    writes what it decided in the same order.
  struct Result {
    std::int64_t deadline = kNoTime;
    std::int32_t combo = -1, reason = -1;
    std::int16_t level = -1, outcome = -1, routing = -1, category = -1;
    std::uint8_t referral = 0;
  };
  std::vector<std::vector<Result>> results(threads);
  std::vector<Interner> combos(threads), reasons(threads);
  std::vector<std::vector<std::pair<std::size_t, std::string>>> errors(threads);
  std::vector<std::size_t> engine_rows(threads, 0);
  std::atomic<bool> stopped{false};
  // The fast path is checked against the engine on a sample of rows (the first rows each thread
  // decides, then one in 4096); if they ever disagree it is turned off for the rest of the batch,
  // so a change in the engine can cost speed but never a wrong decision.
  std::atomic<bool> fast_ok{true};
  detail::run_threads(threads, [&](unsigned t) {
    const Packed& mine = packed[t];
    results[t].assign(order[t].size(), Result{});
    Contact c, checked;
    Decision d, expected;
    ContactRecord record;
    std::string error, key;
    std::vector<PastContact> pool, own;  // pool[0, past): the child's earlier rows (buffers reused)
    std::size_t past = 0;
    std::vector<HistoryRecord> own_records;
    std::size_t since_report = 0, decided_here = 0;
    auto report = [&]() {
      if (options.done) options.done->fetch_add(since_report, std::memory_order_relaxed);
      since_report = 0;
      if (options.cancel && options.cancel->load(std::memory_order_relaxed)) stopped = true;
    };
    auto reject = [&](std::size_t row, std::string message) { errors[t].emplace_back(row, std::move(message)); };

    auto decide_row = [&](std::size_t row, std::size_t pos, bool in_group) {
      bool has_own = false;
      own_records.clear();
      std::uint8_t flags = mine.header(pos).flags;
      bool fast_path = (flags & Packed::kFast) && fast_ok.load(std::memory_order_relaxed);
      bool verify = false;
      if (fast_path && (decided_here < 16 || decided_here % 4096 == 0)) {
        record_from_cells(columns, row, record);
        verify = rs.resolve(record, checked, error);
        if (!verify) {  // the engine rejects what the fast path took: the engine is right
          fast_ok = false;
          fast_path = false;
        }
      }
      ++decided_here;
      if (fast_path) {
        mine.unpack(pos, c, shared.p, strings);
        if (flags & Packed::kOwnHistory) {
          std::string problem;
          for (std::size_t k = 0; k < columns.size(); ++k)
            if (columns[k]->name == "history") {
              Cell h = columns[k]->get(row);
              if (!parse_history(h.view(), own_records, problem)) return reject(row, problem);
            }
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
        if (own_records.size() > kMaxHistoryItems)  // RuleSet::decide's own words for it
          return reject(row, detail::too_long_history(own_records.size()));
        own.resize(own_records.size());
        for (std::size_t h = 0; h < own_records.size(); ++h)
          if (!rs.resolve(own_records[h], own[h], error)) return reject(row, "history[" + std::to_string(h) + "]." + error);
      }
      std::span<const PastContact> earlier = own;
      if (!has_own) {
        // As RuleSet::decide_batch: only the child's rows inside the counters' windows, and at most
        // kMaxHistoryItems of them.
        std::int64_t from = detail::earliest_window_start(shared.p, c.received);
        auto first = std::lower_bound(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(past), from,
                                      [](const PastContact& h, std::int64_t t) { return h.received < t; });
        earlier = std::span<const PastContact>(first, pool.begin() + static_cast<std::ptrdiff_t>(past));
        if (earlier.size() > kMaxHistoryItems) return reject(row, detail::too_much_history());
      }
      rs.decide(c, earlier, d);
      if (verify) {
        rs.decide(checked, earlier, expected);
        expected.contact = d.contact;  // the packed row does not carry the id, which decides nothing
        if (!same_decision(d, expected)) {
          fast_ok = false;
          d = expected;
          std::swap(c, checked);
        }
      }
      const Outcome& oc = doc.outcomes[d.outcome];
      Result& r = results[t][pos];
      r.level = static_cast<std::int16_t>(d.level);
      r.outcome = static_cast<std::int16_t>(d.outcome);
      r.routing = d.routing == kNoIndex ? std::int16_t{-1} : static_cast<std::int16_t>(d.routing);
      r.category = static_cast<std::int16_t>(oc.category);
      r.referral = oc.referral;
      r.deadline = oc.decide_within.unit == Span::Unit::none ? kNoTime : d.deadline;  // no decide_within: no deadline
      key.clear();
      put16(key, d.outcome);
      for (auto x : d.rules) put16(key, x);
      r.combo = combos[t].add(key, d);
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
        r.reason = reasons[t].add(key, d);
      }
      if (in_group) {
        if (past == pool.size()) pool.emplace_back();
        PastContact& h = pool[past++];
        h.received = c.received;
        h.concerns.assign(c.concerns.begin(), c.concerns.end());
        h.domains = c.domains;
        h.referral = oc.referral;
      }
    };

    const auto& rows = order[t];
    const auto& kinds = step[t];
    for (std::size_t pos = 0; pos < rows.size() && !stopped; ++pos) {
      if (kinds[pos] != kContinues) past = 0;
      decide_row(rows[pos], pos, kinds[pos] != kAlone);
      if (++since_report == 1024) report();
    }
    report();
  });
  out.cancelled = stopped;
  lap("decide");

  // 5. One numbering of the interned decisions across threads, and the results in input order.
  auto merge = [&](std::vector<Interner>& parts, std::vector<Decision>& reps) {
    std::unordered_map<std::string, std::int32_t> ids;
    std::vector<std::vector<std::int32_t>> remap(threads);
    for (unsigned t = 0; t < threads; ++t)
      for (std::size_t k = 0; k < parts[t].keys.size(); ++k) {
        auto [it, added] = ids.try_emplace(parts[t].keys[k], static_cast<std::int32_t>(reps.size()));
        if (added) reps.push_back(std::move(parts[t].reps[k]));
        remap[t].push_back(it->second);
      }
    return remap;
  };
  auto combo_ids = merge(combos, out.combos);
  auto reason_ids = options.reasons ? merge(reasons, out.reasons) : std::vector<std::vector<std::int32_t>>(threads);
  detail::run_threads(threads, [&](unsigned t) {
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    constexpr std::size_t kAhead = 8;
    for (std::size_t row = from; row < to; ++row) {
      if (row + kAhead < to) __builtin_prefetch(&results[owner(row + kAhead)][slot[row + kAhead]]);
      unsigned o = owner(row);
      const Result& r = results[o][slot[row]];
      out.level[row] = r.level;
      out.outcome[row] = r.outcome;
      out.routing[row] = r.routing;
      out.category[row] = r.category;
      out.referral[row] = r.referral;
      out.deadline[row] = r.deadline;
      out.combo[row] = r.combo < 0 ? -1 : combo_ids[o][static_cast<std::size_t>(r.combo)];
      if (options.reasons) out.reason[row] = r.reason < 0 ? -1 : reason_ids[o][static_cast<std::size_t>(r.reason)];
    }
  });
  for (auto& e : errors) out.errors.insert(out.errors.end(), std::make_move_iterator(e.begin()), std::make_move_iterator(e.end()));
  std::sort(out.errors.begin(), out.errors.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto k : engine_rows) out.engine_rows += k;
  out.fast_path_disabled = !fast_ok;
  lap("gather");
  return out;
}

}  // namespace frontdoor::columns
