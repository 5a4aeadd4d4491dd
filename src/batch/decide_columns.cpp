#include "frontdoor/columns.hpp"
#include "frontdoor/detail/threads.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <mutex>
#include <cmath>
#include <exception>
#include <functional>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <sys/mman.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
constexpr std::size_t kCodeCacheLimit = 1 << 20;  // dictionaries up to this long have their codes cached

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
// A text of fewer than 8 bytes as one word, with fixed-size loads only: two 4-byte loads that
// overlap, or for 1 to 3 bytes the first, middle and last (with the length, every byte is covered).
inline std::uint64_t short_word(const char* p, std::size_t n) {
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return a | (static_cast<std::uint64_t>(b) << 32);
  }
  if (n == 0) return 0;
  return static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) | (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
         (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16);
}
inline std::uint64_t text_hash(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  std::uint64_t w = 0;
  if (n >= 8) {
    // Whole words, then the last eight bytes (overlapping the previous word): fixed-size loads only,
    // never a memcpy of a variable length (a call into libc).
    for (; n > 8; p += 8, n -= 8) {
      std::memcpy(&w, p, 8);
      h = mix(h ^ w, 0xBF58476D1CE4E5B9ull);
    }
    std::memcpy(&w, p + n - 8, 8);
  } else {
    w = short_word(p, n);
  }
  return mix(h ^ w, 0x94D049BB133111EBull);
}

// A text as a cache key: its hash and, for texts of up to 16 bytes (most cells: sources, channels,
// booleans, enum values), two words that with the length identify it, so that a look-up compares
// words instead of calling memcmp.
struct TextKey {
  std::string_view s;
  std::uint64_t hash = 0, w0 = 0, w1 = 0;
  explicit TextKey(std::string_view v) : s(v) {
    const char* p = v.data();
    std::size_t n = v.size();
    if (n > 16) {
      hash = text_hash(v);
      return;
    }
    if (n >= 8) {  // two loads that overlap: with n they cover every byte once or twice
      std::memcpy(&w0, p, 8);
      std::memcpy(&w1, p + n - 8, 8);
    } else {
      w0 = short_word(p, n);
    }
    hash = mix(w0 ^ (0x9E3779B97F4A7C15ull + n), w1 ^ 0xBF58476D1CE4E5B9ull);
  }
  bool is_short() const { return s.size() <= 16; }
};

// An open-addressing map from texts (views into the frame, which outlives it) to small values.
template <class V>
class TextCache {
 public:
  const V* find(const TextKey& key) const {
    if (slots_.empty()) return nullptr;
    const bool short_key = key.is_short();
    for (std::size_t i = key.hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.hash != key.hash || s.key.size() != key.s.size()) continue;
      if (short_key ? (s.w0 == key.w0 && s.w1 == key.w1) : s.key == key.s) return &s.value;
    }
  }
  bool full() const { return size_ >= kCacheLimit; }
  void insert(const TextKey& key, V value) {
    if (full()) return;
    if (2 * (size_ + 1) > slots_.size()) grow();
    place({key.hash, key.w0, key.w1, key.s, value, true});
  }

 private:
  struct Slot {
    std::uint64_t hash = 0, w0 = 0, w1 = 0;
    std::string_view key;
    V value{};
    bool used = false;
  };
  void place(const Slot& slot) {
    for (std::size_t i = slot.hash & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = slot;
        ++size_;
        return;
      }
    }
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (auto& s : old)
      if (s.used) place(s);
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

// A thread's children, each known by two independent hashes of its text (128 bits), numbered in
// the order they first appear: an open-addressing table, so that grouping the rows by child needs
// neither a sort nor string comparisons (two children would have to collide in both hashes).
class GroupTable {
 public:
  explicit GroupTable(std::size_t expected) {
    std::size_t cap = 64;
    while (cap < expected) cap *= 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
  }
  void prefetch(std::uint64_t h1) const { __builtin_prefetch(&slots_[h1 & mask_]); }
  // The child's group, or `next` (which the caller then adds) when the child is new.
  std::uint32_t find_or_add(std::uint64_t h1, std::uint64_t h2, std::uint32_t next) {
    if (10 * (size_ + 1) > 6 * slots_.size()) grow();
    for (std::size_t i = h1 & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.group == kEmpty) {
        s = {h1, h2, next};
        ++size_;
        return next;
      }
      if (s.h1 == h1 && s.h2 == h2) return s.group;
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint64_t h1 = 0, h2 = 0;
    std::uint32_t group = kEmpty;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (auto& s : old)
      if (s.group != kEmpty)
        for (std::size_t i = s.h1 & mask_;; i = (i + 1) & mask_)
          if (slots_[i].group == kEmpty) {
            slots_[i] = s;
            break;
          }
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0, size_ = 0;
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
// `same(id)`: the decision is the same as reps[id] in what matters; `key()`: that as text, made only
// for a new one (the threads' keys are merged by it).
struct Interner {
  std::vector<std::string> keys;
  std::vector<Decision> reps;
  template <class Same, class Key>
  std::int32_t add(std::uint64_t h, const Decision& d, Same&& same, Key&& key) {
    if (2 * (keys.size() + 1) > slots_.size()) grow();
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      auto& [hash, id] = slots_[i];
      if (id < 0) {
        hash = h;
        id = static_cast<std::int32_t>(keys.size());
        keys.push_back(key());
        reps.push_back(d);
        return id;
      }
      if (hash == h && same(static_cast<std::size_t>(id))) return id;
    }
  }
  std::int32_t add(const std::string& key, const Decision& d) {
    return add(text_hash(key), d, [&](std::size_t id) { return keys[id] == key; }, [&] { return key; });
  }

 private:
  void grow() {
    auto old = std::move(slots_);
    slots_.assign(old.empty() ? 256 : old.size() * 2, {0, -1});
    mask_ = slots_.size() - 1;
    for (auto& [hash, id] : old)
      if (id >= 0)
        for (std::size_t i = hash & mask_;; i = (i + 1) & mask_)
          if (slots_[i].second < 0) {
            slots_[i] = {hash, id};
            break;
          }
  }
  std::vector<std::pair<std::uint64_t, std::int32_t>> slots_;  // (hash, id); id -1: empty
  std::size_t mask_ = 0;
};

void put16(std::string& k, std::uint32_t v) {
  k.push_back(static_cast<char>(v & 0xFF));
  k.push_back(static_cast<char>((v >> 8) & 0xFF));
}

// A row's decision is a function of what decide_counted reads (src/decide/decide_core.hpp): the
// known names the conditions read and their values (a string field's text, not its index), the
// concerns with their levels, and the history counters. Rows that agree on all of these are decided
// once per thread and looked up after: a year's contacts come to a few tens of thousands of distinct
// inputs. The deadline depends on `received` too, and is worked out for every row.
struct MemoPlan {
  std::vector<std::uint16_t> slots;  // every name slot a condition reads, once each
  std::vector<std::uint8_t> text;    // per slot: a string field
  std::size_t counters = 0;

  explicit MemoPlan(const Program& p) : counters(p.doc.counters.size()) {
    std::vector<std::uint8_t> read(p.slot_names.size(), 0);
    auto note = [&](std::uint32_t slot) {
      if (slot < read.size()) read[slot] = 1;
    };
    for (const detail::Instr& in : p.code) {
      if (in.op == detail::Op::push_name) note(in.a);
      else if ((in.op == detail::Op::cmp_const || in.op == detail::Op::in_const) && detail::operand_of(in.a) == detail::Operand::name)
        note(detail::slot_of(in.a));
    }
    for (const detail::Guard& g : p.guards)
      if (g.reads == detail::Guard::Reads::name) note(g.slot);
    for (auto slot : p.screen.names) note(slot);
    std::vector<std::uint8_t> is_text(p.slot_names.size(), 0);
    for (const auto& n : p.env.names)
      if (!n.counter && !n.level && n.type.k == detail::Type::K::string && n.slot < is_text.size()) is_text[n.slot] = 1;
    for (std::size_t k = 0; k < read.size(); ++k)
      if (read[k]) slots.push_back(static_cast<std::uint16_t>(k)), text.push_back(is_text[k]);
  }

  // The row's key in `key` (of kMaxKey bytes); false when it would not fit (a long text): decided
  // without the memo. Each value takes one byte when it is small (most are: booleans, enum values,
  // counts): 0 unknown, 1 + v for 0 <= v < kSmall, else a marker and the value's bytes.
  static constexpr std::size_t kMaxKey = 512;
  static constexpr std::int64_t kSmall = 250;
  static constexpr char kWide = static_cast<char>(251), kText = static_cast<char>(252);
  static char* put(char* at, std::int64_t v) {
    if (v >= 0 && v < kSmall) {
      *at = static_cast<char>(v + 1);
      return at + 1;
    }
    *at = kWide;
    std::memcpy(at + 1, &v, 8);
    return at + 9;
  }
  bool key(const Contact& c, const std::int64_t* counted, char* key, std::size_t& size) const {
    char* at = key;
    char* const end = key + kMaxKey;
    for (std::size_t j = 0; j < slots.size(); ++j) {
      const std::uint16_t slot = slots[j];
      if (!c.known[slot]) {
        *at++ = 0;
      } else if (text[j]) {
        const std::string& s = c.strings[static_cast<std::size_t>(c.values[slot])];
        if (s.size() + 16 > static_cast<std::size_t>(end - at)) return false;
        const auto n = static_cast<std::uint32_t>(s.size());
        *at = kText;
        std::memcpy(at + 1, &n, 4);
        std::memcpy(at + 5, s.data(), s.size());
        at += 5 + s.size();
      } else {
        at = put(at, c.values[slot]);
      }
      if (end - at < 16) return false;
    }
    if (c.concerns.size() > 255 || static_cast<std::size_t>(end - at) < 1 + 3 * c.concerns.size() + 9 * counters) return false;
    *at++ = static_cast<char>(c.concerns.size());
    for (auto k : c.concerns) {
      std::memcpy(at, &k, 2);
      at[2] = static_cast<char>(c.concern_levels[k]);
      at += 3;
    }
    for (std::size_t k = 0; k < counters; ++k) at = put(at, counted[k]);
    size = static_cast<std::size_t>(at - key);
    return true;
  }
};

// What a row's result takes from its decision, all but the deadline: codes, and the combo and reason
// interned by the deciding thread.
struct Decided {
  std::int32_t combo = -1, reason = -1;
  std::int16_t level = -1, outcome = -1, routing = -1, category = -1;
  std::uint8_t referral = 0;
  bool operator==(const Decided&) const = default;
};

// One thread's decisions by key (see MemoPlan).
class Memo {
 public:
  static constexpr std::size_t kMaxEntries = std::size_t{1} << 18;  // beyond this, rows are decided without it

  const Decided* find(std::string_view key, std::uint64_t h) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.entry < 0) return nullptr;
      if (s.hash == h && s.len == key.size() && std::memcmp(keys_.data() + s.at, key.data(), key.size()) == 0)
        return &entries_[static_cast<std::size_t>(s.entry)];
    }
  }
  void add(std::string_view key, std::uint64_t h, const Decided& e) {
    if (entries_.size() >= kMaxEntries) return;
    if (2 * (entries_.size() + 1) > slots_.size()) grow();
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_)
      if (slots_[i].entry < 0) {
        slots_[i] = {h, static_cast<std::uint32_t>(keys_.size()), static_cast<std::uint32_t>(key.size()),
                     static_cast<std::int32_t>(entries_.size())};
        keys_.append(key);
        entries_.push_back(e);
        return;
      }
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t at = 0, len = 0;
    std::int32_t entry = -1;
  };
  void grow() {
    auto old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.entry >= 0)
        for (std::size_t i = s.hash & mask_;; i = (i + 1) & mask_)
          if (slots_[i].entry < 0) {
            slots_[i] = s;
            break;
          }
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::string keys_;  // every key, one after another
  std::vector<Decided> entries_;
};

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

namespace {
double cpu_seconds(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

PhaseTimer::PhaseTimer() : on_(std::getenv("FRONTDOOR_TIMING") != nullptr) {
  if (!on_) return;
  wall_ = std::chrono::steady_clock::now();
  cpu_ = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  all_ = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

void PhaseTimer::lap(const char* what) {
  if (!on_) return;
  auto now = std::chrono::steady_clock::now();
  double cpu = cpu_seconds(CLOCK_THREAD_CPUTIME_ID), all = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  std::fprintf(stderr, "%-8s wall %.3f cpu %.3f all-threads %.3f\n", what, std::chrono::duration<double>(now - wall_).count(), cpu - cpu_,
               all - all_);
  wall_ = now;
  cpu_ = cpu;
  all_ = all;
}

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

// A batch's large scratch array (not zeroed). A fresh one costs a page fault per page touched and
// the kernel's zeroing of every page: for the packed rows (64 MiB a million rows) perf put that at
// about 5% of a call, and keeping them measured about 3% faster a call. So a large buffer asks for
// 2 MiB pages (where transparent huge pages are in madvise mode) and is kept for the next batch when
// freed, up to kKeepBytes in all: given back with MADV_FREE, its pages are taken by the kernel only
// when it needs memory, and until then the next batch writes over them without a fault.
class BigBuffer {
 public:
  explicit BigBuffer(std::size_t bytes) {
    if (bytes < kLarge) {
      size_ = 0;
      data_ = static_cast<std::byte*>(std::aligned_alloc(64, (std::max<std::size_t>(bytes, 1) + 63) / 64 * 64));
      if (!data_) throw std::bad_alloc();
      return;
    }
    size_ = (bytes + kHuge - 1) / kHuge * kHuge;
    data_ = spares().take(size_);
    if (data_) return;
    void* p = mmap(nullptr, size_ + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    // 2 MiB-aligned within the mapping, the slack unmapped.
    auto at = reinterpret_cast<std::uintptr_t>(p), aligned = (at + kHuge - 1) / kHuge * kHuge;
    if (aligned > at) munmap(p, aligned - at);
    if (std::size_t tail = at + size_ + kHuge - (aligned + size_)) munmap(reinterpret_cast<void*>(aligned + size_), tail);
    data_ = reinterpret_cast<std::byte*>(aligned);
#if defined(MADV_HUGEPAGE)
    madvise(data_, size_, MADV_HUGEPAGE);
#endif
  }
  BigBuffer(const BigBuffer&) = delete;
  BigBuffer& operator=(const BigBuffer&) = delete;
  ~BigBuffer() {
    if (size_ == 0) std::free(data_);
    else spares().give(data_, size_);
  }
  std::byte* get() const { return data_; }

 private:
  static constexpr std::size_t kHuge = std::size_t{2} << 20, kLarge = 4 * kHuge, kKeepBytes = std::size_t{256} << 20;
  struct Spares {
    std::mutex mu;
    std::vector<std::pair<std::byte*, std::size_t>> kept;
    std::size_t bytes = 0;
    // The smallest kept buffer of at least `size` bytes (its size then given back in `size`).
    std::byte* take(std::size_t& size) {
      std::lock_guard<std::mutex> lock(mu);
      auto best = kept.end();
      for (auto it = kept.begin(); it != kept.end(); ++it)
        if (it->second >= size && (best == kept.end() || it->second < best->second)) best = it;
      if (best == kept.end()) return nullptr;
      auto [p, n] = *best;
      kept.erase(best);
      bytes -= n;
      size = n;
      return p;
    }
    void give(std::byte* p, std::size_t size) {
      {
        std::lock_guard<std::mutex> lock(mu);
#if defined(MADV_FREE)
        if (bytes + size <= kKeepBytes && madvise(p, size, MADV_FREE) == 0) {
          kept.emplace_back(p, size);
          bytes += size;
          return;
        }
#endif
      }
      munmap(p, size);
    }
  };
  static Spares& spares() {
    static Spares s;
    return s;
  }
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;  // 0: from aligned_alloc
};

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
  std::unique_ptr<BigBuffer> data;  // not zeroed: every row's header is written before it is read

  static std::size_t stride_for(std::size_t s) { return (sizeof(Header) + 2 * s + (s + 7) / 8 + 3 * kMaxConcerns + 63) / 64 * 64; }
  Packed(std::size_t n, std::size_t s) : slots(s), stride(stride_for(s)), data(std::make_unique<BigBuffer>(n * stride_for(s))) {
    known_at = sizeof(Header) + 2 * s;
    concerns_at = known_at + (s + 7) / 8;
  }
  std::byte* row(std::size_t r) const { return data->get() + r * stride; }
  Header& header(std::size_t r) const { return *reinterpret_cast<Header*>(row(r)); }

  // A row made by the fast path (stride bytes, 16-aligned) is stored past the caches: it is read
  // back only when its owner decides it, after the whole phase.
  void store(std::size_t r, const std::byte* made) const {
    std::byte* to = row(r);
#if defined(__SSE2__)
    for (std::size_t off = 0; off < stride; off += 16)
      _mm_stream_si128(reinterpret_cast<__m128i*>(to + off), _mm_load_si128(reinterpret_cast<const __m128i*>(made + off)));
#else
    std::memcpy(to, made, stride);
#endif
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
    for (std::size_t k = 0; k < slots; ++k) c.values[k] = values[k];
    // Eight known bits at a time: the byte copied into each byte of a word, byte i keeping bit i,
    // and each byte's 0 or 2^i turned into 0 or 1 by adding 0x7F (no carry out of a byte).
    for (std::size_t k = 0; k < slots; k += 8) {
      std::uint64_t spread = (((known[k >> 3] * 0x0101010101010101ull) & 0x8040201008040201ull) + 0x7F7F7F7F7F7F7F7Full) >> 7 &
                             0x0101010101010101ull;
      std::memcpy(c.known.data() + k, &spread, std::min<std::size_t>(8, slots - k));
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

namespace {

// Calls f(i, cell) for row from + i of a column, i < m: Arrow text (the usual frame) read in
// place, any other column through `reader` (the column's).
template <class Offset, class F>
void for_each_text(const Column& col, std::size_t from, std::size_t m, F& f) {
  const auto* offsets = static_cast<const Offset*>(col.offsets) + col.offset;
  for (std::size_t i = 0; i < m; ++i) {
    std::size_t row = from + i;
    if (col.validity && !col.valid_bit(static_cast<std::int64_t>(row))) {
      f(i, Cell{});
      continue;
    }
    f(i, Cell::text(std::string_view(col.data + offsets[row], static_cast<std::size_t>(offsets[row + 1] - offsets[row]))));
  }
}
template <class F>
void for_each_unchunked(const Column& col, Reader& reader, std::size_t from, std::size_t m, F& f) {
  if (col.kind == Kind::arrow_string) {  // pandas' str columns are Arrow large strings
    if (col.large) return for_each_text<std::int64_t>(col, from, m, f);
    return for_each_text<std::int32_t>(col, from, m, f);
  }
  for (std::size_t i = 0; i < m; ++i) f(i, reader.get(from + i));
}
template <class F>
void for_each_cell(const Column& col, Reader& reader, std::size_t from, std::size_t m, F&& f) {
  if (col.kind != Kind::chunked) return for_each_unchunked(col, reader, from, m, f);
  // pd.concat makes a chunk per frame joined: each chunk's part of the rows in turn (an Arrow
  // chunk is never itself chunked).
  for (std::size_t i = 0; i < m;) {
    const std::size_t k = col.chunk_of(from + i), lo = col.starts[k], at = i;
    const std::size_t n = std::min(m - i, lo + col.chunks[k]->length - (from + i));
    Reader chunk_reader(col.chunks[k].get());
    auto shifted = [&](std::size_t j, const Cell& x) { f(at + j, x); };
    for_each_unchunked(*col.chunks[k], chunk_reader, from + i - lo, n, shifted);
    i += n;
  }
}

// The fast path: one per thread (its caches are its own). It resolves a block of rows at a time,
// column by column, straight into their packed form: each column is read front to back with its
// caches warm, and no row is put together as a Contact first. A row it cannot take (one the engine
// would reject, or whose values do not fit the packed form) is left to the engine's own resolve,
// which words the error; it must otherwise give exactly what RuleSet::resolve gives (checked on a
// sample of rows as they are decided, and by the differential tests).
class Fast {
 public:
  static constexpr std::size_t kBlock = 256;

  Fast(const Shared& s, const std::vector<const Column*>& columns, const Packed& layout)
      : s_(s),
        cols_(columns),
        layout_(layout),
        rows_(static_cast<std::byte*>(std::aligned_alloc(64, kBlock * layout.stride)), std::free),
        text_cache_(columns.size()),
        recent_(columns.size() * kRecent),
        codes_(columns.size()),
        text_of_(columns.size(), SIZE_MAX) {
    if (!rows_) throw std::bad_alloc();
    for (std::size_t k = 0; k < columns.size(); ++k) {
      readers_.emplace_back(columns[k]);
      if (s_.plans[k].role == Role::field && s_.plans[k].type == FieldType::string) {
        text_of_[k] = text_columns_.size();
        text_columns_.push_back(k);
      }
    }
    texts_.resize(text_columns_.size() * kBlock);
    has_text_.resize(text_columns_.size() * kBlock);
  }

  // Resolves rows [from, to) (at most kBlock of them), given each row's received time as the keys
  // phase read it, then calls store(row, bytes) for each: bytes is the packed row (its strings
  // appended to `strings`), or null for a row left to the engine.
  template <class Store>
  void resolve(std::size_t from, std::size_t to, const std::int64_t* received, std::uint8_t thread, std::vector<std::string>& strings,
               Store&& store) {
    const std::size_t m = to - from;
    std::memset(rows_.get(), 0, m * layout_.stride);
    std::memset(state_, 0, m);
    if (!s_.usable) {  // a column given twice: the engine words the error
      for (std::size_t i = 0; i < m; ++i) store(from + i, nullptr);
      return;
    }
    for (std::size_t k = 0; k < cols_.size(); ++k) read_column(k, from, m, received);
    for (std::size_t i = 0; i < m; ++i) {
      std::size_t row = from + i;
      if (!finish(i, thread, strings)) {
        store(row, nullptr);
        continue;
      }
      store(row, row_at(i));
    }
  }

 private:
  // Per row of the block, while its columns are read.
  enum : std::uint8_t { kFails = 1, kHasId = 2, kHasReceived = 4, kHasDob = 8, kOwnHistory = 16 };

  std::byte* row_at(std::size_t i) const { return rows_.get() + i * layout_.stride; }
  Packed::Header& header(std::size_t i) const { return *reinterpret_cast<Packed::Header*>(row_at(i)); }
  void fail(std::size_t i) { state_[i] |= kFails; }
  bool known(std::size_t i, std::size_t slot) const {
    return (static_cast<unsigned>(row_at(i)[layout_.known_at + (slot >> 3)]) >> (slot & 7)) & 1u;
  }
  std::int16_t value(std::size_t i, std::size_t slot) const {
    std::int16_t v;
    std::memcpy(&v, row_at(i) + sizeof(Packed::Header) + 2 * slot, 2);
    return v;
  }
  // A value the packed row cannot hold (beyond 16 bits) leaves the row to the engine.
  void set(std::size_t i, std::size_t slot, std::int64_t v) {
    if (v < INT16_MIN || v > INT16_MAX) return fail(i);
    auto x = static_cast<std::int16_t>(v);
    std::byte* r = row_at(i);
    std::memcpy(r + sizeof(Packed::Header) + 2 * slot, &x, 2);
    r[layout_.known_at + (slot >> 3)] |= static_cast<std::byte>(1u << (slot & 7));
  }

  template <class F>
  void for_each_cell(std::size_t k, std::size_t from, std::size_t m, F&& f) {
    columns::for_each_cell(*cols_[k], readers_[k], from, m, f);
  }
  static bool coded(const Column& col) {
    if (col.kind != Kind::chunked) return col.kind == Kind::dictionary;
    return std::any_of(col.chunks.begin(), col.chunks.end(), [](auto& c) { return coded(*c); });
  }

  // One column's cells of the block, as RuleSet::resolve reads them (src/decide/decide.cpp).
  void read_column(std::size_t k, std::size_t from, std::size_t m, const std::int64_t* received) {
    const Plan& pl = s_.plans[k];
    switch (pl.role) {
      case Role::decided:
      case Role::recorded: return;  // read by the keys phase and the caller; nothing the engine decides on
      case Role::field:
        if (pl.type == FieldType::string) return read_texts(k, from, m);
        return read_scalars(k, pl, from, m);
      case Role::concerns: return read_concerns(k, from, m);
      case Role::id:  // the packed row does not carry the id: only whether the engine reads one
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag == Tag::unset) return;  // not in this row at all
          if (!nonempty_text(x)) fail(i);
          state_[i] |= kHasId;
        });
      case Role::child:  // nor the child, which only groups the rows (see decide_columns)
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag != Tag::unset && x.tag != Tag::absent && !has_text(x)) fail(i);
        });
      case Role::received:
        // The keys phase parsed it (kNoTime: it could not, and the engine words why).
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag == Tag::unset) return;
          if (x.tag == Tag::instant) header(i).received = x.i;
          else if (x.tag == Tag::text && received[from + i] != kNoTime) header(i).received = received[from + i];
          else fail(i);
          state_[i] |= kHasReceived;
        });
      case Role::dob:
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag == Tag::unset || x.tag == Tag::absent) return;
          if (x.tag == Tag::text) {
            auto d = detail::parse_civil_date(x.view());  // age needs the calendar date, not a day number
            if (!d) return fail(i);
            dob_[i] = *d;
          } else if (x.tag == Tag::local) {
            dob_[i] = detail::civil_from_days(static_cast<std::int32_t>(detail::floor_div(x.i, detail::kMsPerDay)));
          } else {
            return fail(i);
          }
          state_[i] |= kHasDob;
        });
      case Role::history:
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag == Tag::text) state_[i] |= kOwnHistory;
          else if (x.tag != Tag::unset && x.tag != Tag::absent) fail(i);
        });
      case Role::other:  // a column the document does not know: the engine words the error
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag != Tag::unset) fail(i);
        });
    }
  }

  // A boolean, integer or enum field: a dictionary-coded cell has each code's value worked out
  // once; any other cell is read through the text caches.
  void read_scalars(std::size_t k, const Plan& pl, std::size_t from, std::size_t m) {
    auto scalar = [&](std::size_t i, const Cell& x) {
      if (x.tag == Tag::unset || x.tag == Tag::absent) return;
      std::int64_t v = 0;
      if (field_scalar(k, pl, x, v)) set(i, pl.slot, v);
      else fail(i);
    };
    if (!coded(*cols_[k])) return for_each_cell(k, from, m, scalar);
    Reader& rd = readers_[k];
    for (std::size_t i = 0; i < m; ++i) {
      std::size_t row = from + i;
      const Column* dict = nullptr;
      std::int32_t code = rd.code(row, dict);
      if (code >= 0 && dict->length <= kCodeCacheLimit) {
        CodeCache& cc = codes_[k];
        if (cc.dict != dict) cc.reset(dict);
        auto c = static_cast<std::size_t>(code);
        if (!cc.seen[c]) {
          Cell y = dict->get(c);
          cc.seen[c] = y.tag == Tag::absent || y.tag == Tag::unset ? kCodeAbsent : field_scalar(k, pl, y, cc.values[c]) ? kCodeValue : kCodeFail;
        }
        if (cc.seen[c] == kCodeFail) fail(i);
        else if (cc.seen[c] == kCodeValue) set(i, pl.slot, cc.values[c]);
        continue;
      }
      scalar(i, rd.get(row));
    }
  }

  // A string field: its texts are kept until the row's strings are laid out (finish).
  void read_texts(std::size_t k, std::size_t from, std::size_t m) {
    const std::size_t at = text_of_[k] * kBlock;
    for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
      has_text_[at + i] = 0;
      if (x.tag == Tag::unset || x.tag == Tag::absent) return;
      if (!cell_text(x, texts_[at + i])) return fail(i);
      has_text_[at + i] = 1;
      set(i, s_.plans[k].slot, 0);  // known now (so its default is not taken); its index comes in finish
    });
  }

  void read_concerns(std::size_t k, std::size_t from, std::size_t m) {
    auto concerns = [&](std::size_t i, std::size_t row, const Cell& x) {
      if (x.tag == Tag::unset || x.tag == Tag::absent) return;
      if (x.tag == Tag::text) put_concerns(i, concern_text(x.view()));
      else if (x.tag == Tag::entries) put_concerns(i, concern_entries(readers_[k].source(row).entries.data() + x.i, x.len));
      else fail(i);
    };
    if (!coded(*cols_[k])) return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) { concerns(i, from + i, x); });
    Reader& rd = readers_[k];
    for (std::size_t i = 0; i < m; ++i) {
      std::size_t row = from + i;
      Cell x = rd.get(row);
      const Column* dict = nullptr;
      std::int32_t code = rd.code(row, dict);
      if (code >= 0 && x.tag == Tag::text && dict->length <= kCodeCacheLimit) {
        CodeCache& cc = codes_[k];
        if (cc.dict != dict) cc.reset(dict);
        auto c = static_cast<std::size_t>(code);
        if (!cc.seen[c]) {
          const ConcernSet& set = concern_text(x.view());
          if (set.ok) {
            cc.sets.resize(dict->length);
            cc.sets[c] = set;
          }
          cc.seen[c] = set.ok ? kCodeValue : kCodeFail;
        }
        if (cc.seen[c] == kCodeFail) fail(i);
        else put_concerns(i, cc.sets[c]);
        continue;
      }
      concerns(i, row, x);
    }
  }

  // A row's one concerns cell, in document order (make_set), as (concern, level + 1) triples.
  void put_concerns(std::size_t i, const ConcernSet& set) {
    if (!set.ok || set.items.size() > Packed::kMaxConcerns) return fail(i);
    auto* cs = reinterpret_cast<std::uint8_t*>(row_at(i) + layout_.concerns_at);
    for (std::size_t j = 0; j < set.items.size(); ++j) {
      auto [k, l] = set.items[j];
      cs[3 * j] = static_cast<std::uint8_t>(k & 0xFF);
      cs[3 * j + 1] = static_cast<std::uint8_t>(k >> 8);
      cs[3 * j + 2] = static_cast<std::uint8_t>(l + 1);
    }
    header(i).concerns = static_cast<std::uint8_t>(set.items.size());
  }

  // After all the columns: what the row needs that no one column gives (an id and a received time),
  // the defaults, the ages, and the row's strings. False: the engine's row.
  bool finish(std::size_t i, std::uint8_t thread, std::vector<std::string>& strings) {
    const Program& p = s_.p;
    const std::uint8_t st = state_[i];
    if ((st & kFails) || !(st & kHasId) || !(st & kHasReceived)) return false;
    std::size_t text_count = 0;
    for (std::size_t t = 0; t < text_columns_.size(); ++t) text_count += has_text_[t * kBlock + i];
    for (const auto& d : s_.defaults)
      if (d.text && !known(i, d.slot)) ++text_count;
    if (text_count > 255) return false;
    for (const auto& d : s_.defaults)
      if (!d.text && !known(i, d.slot)) set(i, d.slot, d.value);
    Packed::Header& h = header(i);
    if (known(i, p.slot_unborn) && value(i, p.slot_unborn)) {
      set(i, p.slot_age_months, 0);
      set(i, p.slot_age_years, 0);
    } else if (st & kHasDob) {
      const detail::CivilDate& dob = dob_[i];
      const detail::CivilDate& today = civil_day(p.calendar->local_day(h.received));
      std::int64_t months = detail::months_between(dob, today);
      if (months < 0 && std::tie(dob.year, dob.month, dob.day) > std::tie(today.year, today.month, today.day)) return false;
      set(i, p.slot_age_months, months);
      set(i, p.slot_age_years, months / 12);
    }
    if (state_[i] & kFails) return false;  // a value beyond 16 bits
    // The row's strings in the engine's order: the string fields' cells in column order, then the
    // text defaults (at most 255 of them, so each index fits).
    h.string_start = static_cast<std::uint32_t>(strings.size());
    h.string_count = static_cast<std::uint8_t>(text_count);
    h.string_thread = thread;
    std::int64_t next = 0;
    for (std::size_t t = 0; t < text_columns_.size(); ++t)
      if (has_text_[t * kBlock + i]) {
        set(i, s_.plans[text_columns_[t]].slot, next++);
        strings.push_back(texts_[t * kBlock + i]);
      }
    for (const auto& d : s_.defaults)
      if (d.text && !known(i, d.slot)) {
        set(i, d.slot, next++);
        strings.push_back(d.string);
      }
    h.flags = Packed::kFast | ((st & kOwnHistory) ? Packed::kOwnHistory : 0);
    return true;
  }

  template <class F>
  std::int64_t cached(std::size_t column, std::string_view key, F&& compute) {
    TextKey tk(key);
    // A column of booleans or codes has a handful of texts: the last short text to land in each of
    // 64 places answers almost every cell with one comparison.
    Recent* recent = tk.is_short() ? &recent_[column * kRecent + (tk.hash >> 58)] : nullptr;
    if (recent && recent->len == key.size() && recent->w0 == tk.w0 && recent->w1 == tk.w1) return recent->value;
    auto& cache = text_cache_[column];
    const std::int64_t* found = cache.find(tk);
    std::int64_t v = found ? *found : compute(key);
    if (!found) cache.insert(tk, v);
    if (recent) *recent = {tk.w0, tk.w1, key.size(), v};
    return v;
  }

  // The calendar date of a local day: rows in input order mostly share the previous row's.
  const detail::CivilDate& civil_day(std::int32_t day) {
    if (day != today_) today_ = day, today_date_ = detail::civil_from_days(day);
    return today_date_;
  }

  // cell_text's answer (without making the text), and whether that text is not empty.
  static bool has_text(const Cell& x) {
    switch (x.tag) {
      case Tag::text:
      case Tag::integer: return true;
      case Tag::real: return std::isfinite(x.d) && x.d == std::trunc(x.d) && std::fabs(x.d) < 1e15;
      default: return false;
    }
  }
  static bool nonempty_text(const Cell& x) { return has_text(x) && (x.tag != Tag::text || x.len > 0); }

  // The value of a present cell of a boolean, integer or enum field; false: the engine's to word.
  bool field_scalar(std::size_t k, const Plan& pl, const Cell& x, std::int64_t& v) {
    const Field& f = s_.p.doc.fields[pl.field];
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
      case FieldType::string: return false;
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
    std::sort(set.items.begin(), set.items.end());  // document order (each concern once)
    set.ok = true;
    return set;
  }

  const ConcernSet& concern_text(std::string_view text) {
    TextKey h(text);
    if (const std::uint32_t* k = concern_cache_.find(h)) return sets_[*k];
    entries_.clear();
    std::string problem;
    ConcernSet set;
    if (parse_concerns(text, entries_, problem)) set = make_set(entries_);
    if (concern_cache_.full()) {
      spare_ = std::move(set);
      return spare_;
    }
    sets_.push_back(std::move(set));
    concern_cache_.insert(h, static_cast<std::uint32_t>(sets_.size() - 1));
    return sets_.back();
  }

  // A row has one concerns cell, so one set, whose items are in document order (make_set).
  // Concerns given as a mapping (JSON Lines objects), cached by their entries: each entry as its two
  // texts with their lengths, so that different entries never make the same key.
  const ConcernSet& concern_entries(const std::pair<std::string_view, std::string_view>* items, std::size_t count) {
    key_.clear();
    auto put = [&](std::string_view x) {
      auto len = static_cast<std::uint32_t>(x.size());
      key_.append(reinterpret_cast<const char*>(&len), sizeof len);
      key_.append(x);
    };
    for (std::size_t k = 0; k < count; ++k) put(items[k].first), put(items[k].second);
    TextKey h(key_);
    if (const std::uint32_t* k = entries_cache_.find(h)) return sets_[*k];
    entries_.clear();
    for (std::size_t k = 0; k < count; ++k) entries_.push_back({std::string(items[k].first), std::string(items[k].second)});
    ConcernSet set = make_set(entries_);
    if (entries_cache_.full()) {
      spare_ = std::move(set);
      return spare_;
    }
    sets_.push_back(std::move(set));
    keys_.push_back(key_);  // the cache's key views point here
    entries_cache_.insert(TextKey(keys_.back()), static_cast<std::uint32_t>(sets_.size() - 1));
    return sets_.back();
  }

  const Shared& s_;
  const std::vector<const Column*>& cols_;
  const Packed& layout_;
  std::unique_ptr<std::byte, void (*)(void*)> rows_;  // the block's packed rows, kBlock * stride bytes
  std::uint8_t state_[kBlock];
  detail::CivilDate dob_[kBlock];
  std::vector<Reader> readers_;
  std::vector<TextCache<std::int64_t>> text_cache_;
  struct Recent {
    std::uint64_t w0 = 0, w1 = 0;
    std::size_t len = SIZE_MAX;  // no text yet
    std::int64_t value = 0;
  };
  static constexpr std::size_t kRecent = 64;
  std::vector<Recent> recent_;  // [column * kRecent + place]
  std::int32_t today_ = INT32_MIN;
  detail::CivilDate today_date_{};
  // Per column: what each code of a dictionary-coded column comes to (kCodeUnseen until first read).
  enum : std::uint8_t { kCodeUnseen = 0, kCodeAbsent, kCodeValue, kCodeFail };
  struct CodeCache {
    const Column* dict = nullptr;
    std::vector<std::uint8_t> seen;
    std::vector<std::int64_t> values;
    std::vector<ConcernSet> sets;
    void reset(const Column* d) {
      dict = d;
      seen.assign(d->length, kCodeUnseen);
      values.assign(d->length, 0);
      sets.clear();
    }
  };
  std::vector<CodeCache> codes_;
  // String fields: each one's place among them (SIZE_MAX: not a string field), its column, and the
  // block's texts ([place * kBlock + i]) with whether the row has one.
  std::vector<std::size_t> text_of_, text_columns_;
  std::vector<std::string> texts_;
  std::vector<std::uint8_t> has_text_;
  TextCache<std::uint32_t> concern_cache_, entries_cache_;
  std::deque<std::string> keys_;  // entries_cache_'s keys
  std::string key_;
  std::deque<ConcernSet> sets_;
  ConcernSet spare_;
  std::vector<ConcernEntry> entries_;
  std::string scratch_;
};

}  // namespace

BatchResult decide_columns(const RuleSet& rs, const std::vector<const Column*>& columns, std::size_t n, const BatchOptions& options) {
  for (const Column* c : columns)
    if (c->length != n) throw std::invalid_argument("column '" + c->name + "' does not have one cell per row");
  if (n >= (std::size_t{1} << 32)) throw std::invalid_argument("a batch holds at most 4,294,967,295 rows");
  PhaseTimer timer;
  auto lap = [&](const char* what) { timer.lap(what); };
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

  lap("setup");

  // 1. In input order: each row's child as the engine reads it (by two hashes), received time, and
  //    the thread that will decide it (its owner): a child's rows all go to one thread.
  std::vector<std::uint64_t> hash(n, 0), hash2(n, 0);
  std::vector<std::uint8_t> has_child(n, 0), owner(n, 0);
  detail::run_threads(threads, [&](unsigned t) {
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    std::string text;
    for (std::size_t row = from; row < to; ++row) owner[row] = static_cast<std::uint8_t>(row % threads);
    if (shared.child_col) {
      const Column& col = *columns[*shared.child_col];
      Reader reader(&col);
      std::string text;
      for_each_cell(col, reader, from, to - from, [&](std::size_t i, const Cell& x) {
        std::string_view who;
        if (x.tag == Tag::text) {
          who = x.view();
        } else if ((x.tag == Tag::integer || x.tag == Tag::real) && cell_text(x, text)) {
          who = text;
        }
        if (who.empty()) return;
        std::size_t row = from + i;
        has_child[row] = 1;
        hash[row] = text_hash(who);
        hash2[row] = fnv1a(who);
        // The high half picks the thread; the low bits index GroupTable.
        owner[row] = static_cast<std::uint8_t>(((hash[row] >> 32) * threads) >> 32);
      });
    }
    auto times = [&](std::size_t column, std::vector<std::int64_t>& into) {
      const Column& col = *columns[column];
      Reader reader(&col);
      detail::DateMemo memo;
      for_each_cell(col, reader, from, to - from, [&](std::size_t i, const Cell& x) {
        if (x.tag == Tag::instant) into[from + i] = x.i;
        else if (x.tag == Tag::text) into[from + i] = detail::parse_timestamp(x.view(), memo).value_or(kNoTime);
      });
    };
    if (shared.received_col) times(*shared.received_col, out.received);
    if (shared.decided_col) times(*shared.decided_col, out.decided);
  });
  lap("keys");

  // 2. Each thread puts its rows in the order it will decide them in: each child's rows together, in
  //    (received, input) order, and the children (and the rows without one) in the order they first
  //    appear, so that this order follows the input's closely and the packing below is nearly
  //    sequential. Children are grouped by a hash table (GroupTable), not a sort.
  enum : std::uint8_t { kContinues = 0, kFirstOfChild = 1, kAlone = 2 };
  std::vector<std::vector<std::uint32_t>> order(threads);  // rows
  std::vector<std::vector<std::uint8_t>> step(threads);    // kContinues, kFirstOfChild or kAlone
  std::vector<std::uint32_t> slot(n);                      // the row's place in its owner's order
  detail::run_threads(threads, [&](unsigned t) {
    constexpr std::uint32_t kAloneBit = 1u << 31;
    GroupTable table(n / threads);
    std::vector<std::uint32_t> size;  // rows per group (kAloneBit: a row without a child), by first appearance
    for (std::size_t row = 0; row < n; ++row) {
      if (row + 16 < n && has_child[row + 16]) table.prefetch(hash[row + 16]);
      if (owner[row] != t) continue;
      auto next = static_cast<std::uint32_t>(size.size());
      std::uint32_t g = next;
      if (!has_child[row]) {
        size.push_back(kAloneBit | 1);
      } else {
        g = table.find_or_add(hash[row], hash2[row], next);
        if (g == next) size.push_back(0);
        ++size[g];
      }
      slot[row] = g;  // for now: the row's group
    }
    std::vector<std::uint32_t> base(size.size());
    std::uint32_t total = 0;
    for (std::size_t g = 0; g < size.size(); ++g) {
      base[g] = total;
      total += size[g] & ~kAloneBit;
    }
    auto& rows = order[t];
    auto& kinds = step[t];
    rows.resize(total);
    kinds.resize(total);
    std::vector<std::int64_t> when(total);  // each place's received time, to sort a child's rows by
    for (std::size_t row = 0; row < n; ++row) {
      if (owner[row] != t) continue;
      std::uint32_t at = base[slot[row]]++;  // a child's rows in input order for now
      rows[at] = static_cast<std::uint32_t>(row);
      when[at] = out.received[row];
      slot[row] = at;
    }
    std::vector<std::pair<std::int64_t, std::uint32_t>> scratch;
    for (std::size_t g = 0, at = 0; g < size.size(); ++g) {
      std::size_t len = size[g] & ~kAloneBit, end = at + len;
      kinds[at] = (size[g] & kAloneBit) ? kAlone : kFirstOfChild;
      for (std::size_t i = at + 1; i < end; ++i) kinds[i] = kContinues;
      if (len > 1 && !std::is_sorted(when.begin() + static_cast<std::ptrdiff_t>(at), when.begin() + static_cast<std::ptrdiff_t>(end))) {
        // (received, input) order: the rows are in input order, so a stable sort by received.
        scratch.clear();
        for (std::size_t i = at; i < end; ++i) scratch.emplace_back(when[i], rows[i]);
        std::stable_sort(scratch.begin(), scratch.end(), [](auto& a, auto& b) { return a.first < b.first; });
        for (std::size_t i = at; i < end; ++i) {
          rows[i] = scratch[i - at].second;
          slot[rows[i]] = static_cast<std::uint32_t>(i);
        }
      }
      at = end;
    }
  });
  lap("order");

  // 3. In input order again (each column read front to back, a block at a time): each row resolved
  //    by the fast path and packed at its place in its owner's order, so that deciding reads it
  //    front to back.
  std::vector<std::vector<std::string>> strings(threads);
  std::vector<Packed> packed;
  for (unsigned t = 0; t < threads; ++t) packed.emplace_back(order[t].size(), shared.p.slot_names.size());
  detail::run_threads(threads, [&](unsigned t) {
    std::size_t from = n * t / threads, to = n * (t + 1) / threads;
    Fast fast(shared, columns, packed[0]);
    for (std::size_t at = from; at < to; at += Fast::kBlock)
      fast.resolve(at, std::min(to, at + Fast::kBlock), out.received.data(), static_cast<std::uint8_t>(t), strings[t],
                   [&](std::size_t row, const std::byte* made) {
                     const Packed& into = packed[owner[row]];
                     if (made) into.store(slot[row], made);
                     else into.header(slot[row]).flags = 0;
                   });
#if defined(__SSE2__)
    _mm_sfence();  // the streamed rows are seen by the thread that decides them
#endif
  });
  lap("resolve");

  // 4. Each thread decides its rows in order, with each child's earlier rows as history, and
  //    writes what it decided in the same order.
  struct Result {
    std::int64_t deadline = kNoTime;
    Decided decided;
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
  // Likewise the memo, on the same sample: a row looked up there is decided again and compared.
  std::atomic<bool> memo_ok{true};
  const MemoPlan memo_plan(shared.p);
  const std::int64_t reach = detail::window_reach(shared.p);
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
    Memo memo;
    char memo_key[MemoPlan::kMaxKey];
    detail::NoStepTrace no_trace;
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
        // As RuleSet::decide_batch: the child's rows the counters' windows can reach, and at most
        // kMaxHistoryItems inside them (none to look at for a child's first row).
        earlier = detail::history_in_windows(shared.p, reach, c.received, std::span<const PastContact>(pool.data(), past));
        if (earlier.size() > kMaxHistoryItems) return reject(row, detail::too_much_history());
      }
      std::int64_t counted[detail::kMaxCounters];
      detail::count_history(shared.p, c, earlier, counted);
      std::size_t key_size = 0;
      const bool keyed = memo_ok.load(std::memory_order_relaxed) && memo_plan.key(c, counted, memo_key, key_size);
      const std::uint64_t key_hash = keyed ? text_hash(std::string_view(memo_key, key_size)) : 0;
      const Decided* known = keyed ? memo.find(std::string_view(memo_key, key_size), key_hash) : nullptr;
      Result& r = results[t][pos];
      auto remember_history = [&](bool referral) {
        if (!in_group) return;
        if (past == pool.size()) pool.emplace_back();
        PastContact& h = pool[past++];
        h.received = c.received;
        h.concerns.assign(c.concerns.begin(), c.concerns.end());
        h.domains = c.domains;
        h.referral = referral;
      };
      if (known && !verify) {  // decided before, on the same inputs
        r.decided = *known;
        const Outcome& oc = doc.outcomes[static_cast<std::size_t>(known->outcome)];
        r.deadline = oc.decide_within.unit == Span::Unit::none ? kNoTime : shared.p.calendar->add(c.received, oc.decide_within);
        return remember_history(known->referral != 0);
      }
      detail::decide_counted(shared.p, c, counted, d, no_trace);
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
      Decided& e = r.decided;
      e.level = static_cast<std::int16_t>(d.level);
      e.outcome = static_cast<std::int16_t>(d.outcome);
      e.routing = d.routing == kNoIndex ? std::int16_t{-1} : static_cast<std::int16_t>(d.routing);
      e.category = static_cast<std::int16_t>(oc.category);
      e.referral = oc.referral;
      r.deadline = oc.decide_within.unit == Span::Unit::none ? kNoTime : d.deadline;  // no decide_within: no deadline
      // What the actions, flags and rules columns depend on: the outcome and the rules that held.
      auto combo_key = [&] {
        key.clear();
        put16(key, d.outcome);
        for (auto x : d.rules) put16(key, x);
        return key;
      };
      std::uint64_t h = mix(d.outcome + 0x9E3779B97F4A7C15ull, d.rules.size() + 0xBF58476D1CE4E5B9ull);
      for (auto x : d.rules) h = mix(h ^ x, 0x94D049BB133111EBull);
      e.combo = combos[t].add(
          h, d, [&](std::size_t id) { return combos[t].reps[id].outcome == d.outcome && combos[t].reps[id].rules == d.rules; }, combo_key);
      if (options.reasons) {
        combo_key();  // a reason's key begins with its combo's
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
        e.reason = reasons[t].add(key, d);
      }
      if (keyed && fast_ok.load(std::memory_order_relaxed)) {
        if (!known) {
          memo.add(std::string_view(memo_key, key_size), key_hash, e);
        } else if (!(e == *known)) {  // a sampled row: the memo must agree with deciding it
          memo_ok = false;
        }
      }
      remember_history(oc.referral);
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
      if (row + kAhead < to) __builtin_prefetch(&results[owner[row + kAhead]][slot[row + kAhead]]);
      unsigned o = owner[row];
      const Result& result = results[o][slot[row]];
      const Decided& r = result.decided;
      out.level[row] = r.level;
      out.outcome[row] = r.outcome;
      out.routing[row] = r.routing;
      out.category[row] = r.category;
      out.referral[row] = r.referral;
      out.deadline[row] = result.deadline;
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
