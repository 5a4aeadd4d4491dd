// The fast path: each row's cells read straight into its packed form (PackedRows), with per-column
// caches for the values that repeat. Internal to src/batch/.
#include "batch/fast_resolve.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "batch/cells.hpp"
#include "batch/text_cache.hpp"
#include "frontdoor/records.hpp"
#include "resolve/builtins.hpp"
#include "resolve/field_value.hpp"
#include "time/calendar.hpp"
#include "time/civil.hpp"

namespace frontdoor::batch {
namespace {

using columns::cell_text;

constexpr std::int64_t kFail = INT64_MIN;
constexpr std::size_t kCodeCacheLimit = 1 << 20;  // dictionaries up to this long have their codes cached

struct ConcernSet {
  bool ok = false;
  resolve::ConcernItems items;  // concern, level, in document order
};

// The fast path: one per thread (its caches are its own). It resolves a block of rows at a time,
// column by column, straight into their packed form: each column is read front to back with its
// caches warm, and no row is put together as a Contact first. A row it cannot take (one the engine
// would reject, or whose values do not fit the packed form) is left to the engine's own resolve,
// which words the error; it must otherwise give exactly what RuleSet::resolve gives: both read
// values through src/resolve/coerce.hpp, and the unit and differential tests hold the two together.
class Fast {
 public:
  static constexpr std::size_t kBlock = 256;

  Fast(const BatchPlan& s, const std::vector<const Column*>& columns, const PackedLayout& layout, const std::uint8_t* engine_only)
      : s_(s),
        engine_only_(engine_only),
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
      if ((engine_only_ && engine_only_[row]) || !finish(i, thread, strings)) {
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
  PackedLayout::Header& header(std::size_t i) const { return *reinterpret_cast<PackedLayout::Header*>(row_at(i)); }
  void fail(std::size_t i) { state_[i] |= kFails; }
  bool known(std::size_t i, std::size_t slot) const {
    return (static_cast<unsigned>(row_at(i)[layout_.known_at + (slot >> 3)]) >> (slot & 7)) & 1u;
  }
  std::int16_t value(std::size_t i, std::size_t slot) const {
    std::int16_t v;
    std::memcpy(&v, row_at(i) + sizeof(PackedLayout::Header) + 2 * slot, 2);
    return v;
  }
  // A value the packed row cannot hold (beyond 16 bits) leaves the row to the engine.
  void set(std::size_t i, std::size_t slot, std::int64_t v) {
    if (v < INT16_MIN || v > INT16_MAX) return fail(i);
    auto x = static_cast<std::int16_t>(v);
    std::byte* r = row_at(i);
    std::memcpy(r + sizeof(PackedLayout::Header) + 2 * slot, &x, 2);
    r[layout_.known_at + (slot >> 3)] |= static_cast<std::byte>(1u << (slot & 7));
  }

  template <class F>
  void for_each_cell(std::size_t k, std::size_t from, std::size_t m, F&& f) {
    batch::for_each_cell(*cols_[k], readers_[k], from, m, f);
  }
  static bool coded(const Column& col) {
    if (col.kind != Kind::chunked) return col.kind == Kind::dictionary;
    return std::any_of(col.chunks.begin(), col.chunks.end(), [](auto& c) { return coded(*c); });
  }

  // One column's cells of the block, as RuleSet::resolve reads them (src/decide/decide.cpp).
  void read_column(std::size_t k, std::size_t from, std::size_t m, const std::int64_t* received) {
    const ColumnPlan& pl = s_.plans[k];
    switch (pl.role) {
      case Role::decided: return;  // read by the keys phase and the caller; nothing the engine decides on
      case Role::recorded:         // read by the keys phase too; a value that is not the document's is the engine's to word
      case Role::reason:
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          const auto which = pl.role == Role::recorded ? resolve::Builtin::recorded_outcome : resolve::Builtin::override_reason;
          std::uint16_t index = 0;
          if (resolve::judgement_value(s_.p, which, resolve::CellValue{x}, scratch_, index) != RejectionCode::none) fail(i);
        });
      case Role::field:
        if (pl.type == FieldType::string) return read_texts(k, from, m);
        return read_scalars(k, pl, from, m);
      case Role::concerns: return read_concerns(k, from, m);
      case Role::id:  // the packed row does not carry the id: only whether the engine reads one
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag == Tag::unset) return;  // not in this row at all
          if (resolve::id_value(resolve::CellValue{x}, scratch_) != RejectionCode::none) fail(i);
          state_[i] |= kHasId;
        });
      case Role::child:  // nor the child, which only groups the rows (see decide_columns)
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (resolve::child_value(resolve::CellValue{x}, scratch_) != RejectionCode::none) fail(i);
        });
      case Role::received:
        // The keys phase read it with resolve::received_value (kNoTime: it could not, and the
        // engine words why).
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag == Tag::unset) return;
          if (received[from + i] != kNoTime)
            header(i).received = received[from + i];
          else
            fail(i);
          state_[i] |= kHasReceived;
        });
      case Role::dob:
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (resolve::dob_value(resolve::CellValue{x}, dob_) != RejectionCode::none) return fail(i);
          if (!dob_) return;
          dobs_[i] = *dob_;  // age needs the calendar date, not a day number
          state_[i] |= kHasDob;
        });
      case Role::history:
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          switch (resolve::history_cell_kind(x)) {
            case resolve::HistoryCell::given: state_[i] |= kOwnHistory; return;
            case resolve::HistoryCell::rejected: return fail(i);
            case resolve::HistoryCell::none: return;
          }
        });
      case Role::unknown:  // a column the document does not know: the engine words the error
        return for_each_cell(k, from, m, [&](std::size_t i, const Cell& x) {
          if (x.tag != Tag::unset) fail(i);
        });
    }
  }

  // A boolean, integer or enum field: a dictionary-coded cell has each code's value worked out
  // once; any other cell is read through the text caches.
  void read_scalars(std::size_t k, const ColumnPlan& pl, std::size_t from, std::size_t m) {
    auto scalar = [&](std::size_t i, const Cell& x) {
      if (x.tag == Tag::unset || x.tag == Tag::absent) return;
      std::int64_t v = 0;
      if (field_scalar(k, pl, x, v))
        set(i, pl.slot, v);
      else
        fail(i);
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
          cc.seen[c] = y.tag == Tag::absent || y.tag == Tag::unset ? kCodeAbsent
                       : field_scalar(k, pl, y, cc.values[c])      ? kCodeValue
                                                                   : kCodeFail;
        }
        if (cc.seen[c] == kCodeFail)
          fail(i);
        else if (cc.seen[c] == kCodeValue)
          set(i, pl.slot, cc.values[c]);
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
      if (x.tag == Tag::text) {
        const ConcernSet* plain = plain_text(x.view());
        put_concerns(i, plain ? *plain : concern_text(x.view()));
      } else if (x.tag == Tag::entries) {
        const auto* items = readers_[k].source(row).entries.data() + x.i;
        const ConcernSet* plain = plain_entries(items, x.len);
        put_concerns(i, plain ? *plain : concern_entries(items, x.len));
      } else {
        fail(i);
      }
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
        if (cc.seen[c] == kCodeFail)
          fail(i);
        else
          put_concerns(i, cc.sets[c]);
        continue;
      }
      concerns(i, row, x);
    }
  }

  // Concerns in their plain form, read without a ConcernEntry or a cache of whole sets (diverse
  // rows rarely repeat a set): each item `concern=level` (or a mapping's entry) whose ids are the
  // document's own, each concern once, at a level it has a descriptor for. Null for anything else
  // (spaces, an empty item, a JSON object, an unknown id), which goes the engine's way below and is
  // worded there; a plain set resolves as the engine resolves it (resolve::concern_items).
  const ConcernSet* plain_text(std::string_view text) {
    plain_.items.clear();
    if (text.empty()) return nullptr;
    for (std::size_t i = 0;;) {
      std::size_t end = text.find(';', i);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view item = text.substr(i, end - i);
      const std::size_t eq = item.find('=');
      if (eq == std::string_view::npos || !plain_item(item.substr(0, eq), item.substr(eq + 1))) return nullptr;
      if (end == text.size()) break;
      i = end + 1;
    }
    return plain_done();
  }
  const ConcernSet* plain_entries(const std::pair<std::string_view, std::string_view>* items, std::size_t count) {
    plain_.items.clear();
    for (std::size_t j = 0; j < count; ++j)
      if (!plain_item(items[j].first, items[j].second)) return nullptr;
    return plain_done();
  }
  bool plain_item(std::string_view concern, std::string_view level) {
    const std::int64_t k = id_of(concern_ids_, concern, s_.p.concern_by_name), l = id_of(level_ids_, level, s_.p.level_by_name);
    if (k < 0 || l < 0 || !s_.p.rows.has_descriptor[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)]) return false;
    for (const auto& item : plain_.items)
      if (item.first == k) return false;
    plain_.items.emplace_back(static_cast<std::uint16_t>(k), static_cast<std::uint8_t>(l));
    return true;
  }
  const ConcernSet* plain_done() {
    std::sort(plain_.items.begin(), plain_.items.end());  // document order, as concern_items gives
    plain_.ok = true;
    return &plain_;
  }
  // An id's index (-1: not one of the document's), looked up once per distinct text.
  static std::int64_t id_of(TextCache<std::int64_t>& cache, std::string_view text,
                            const std::unordered_map<std::string, std::uint16_t>& by_name) {
    const TextKey key(text);
    if (const std::int64_t* v = cache.find(key)) return *v;
    const auto it = by_name.find(std::string(text));
    const std::int64_t v = it == by_name.end() ? -1 : it->second;
    cache.insert(key, v);
    return v;
  }

  // A row's one concerns cell, in document order (make_set), as (concern, level + 1) triples.
  void put_concerns(std::size_t i, const ConcernSet& set) {
    if (!set.ok || set.items.size() > PackedLayout::kMaxConcerns) return fail(i);
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
    for (const auto& d : s_.rows.defaults)
      if (d.text && !known(i, d.slot)) ++text_count;
    if (text_count > 255) return false;
    for (const auto& d : s_.rows.defaults)
      if (!d.text && !known(i, d.slot)) set(i, d.slot, d.value);
    PackedLayout::Header& h = header(i);
    if (known(i, p.slot_unborn) && value(i, p.slot_unborn)) {
      set(i, p.slot_age_months, 0);
      set(i, p.slot_age_years, 0);
    } else if (st & kHasDob) {
      std::int64_t months = 0;
      if (resolve::age_in_months(p, h.received, dobs_[i], months, day_memo_) != RejectionCode::none) return false;
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
    for (const auto& d : s_.rows.defaults)
      if (d.text && !known(i, d.slot)) {
        set(i, d.slot, next++);
        strings.push_back(d.string);
      }
    h.flags = PackedLayout::kFast | ((st & kOwnHistory) ? PackedLayout::kOwnHistory : 0);
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

  // The value of a present cell of a boolean, integer or enum field, read by resolve::field_value
  // as RuleSet::resolve reads a record's; false: the engine's to word. A text is read once per
  // column (booleans written as text, enum values), then found in the column's caches.
  bool field_scalar(std::size_t k, const ColumnPlan& pl, const Cell& x, std::int64_t& v) {
    const Field& f = s_.p.doc.fields[pl.field];
    if (x.tag != Tag::text || pl.type == FieldType::integer) return value_of(f, x, v);
    v = cached(k, x.view(), [&](std::string_view s) {
      std::int64_t y = 0;
      return value_of(f, Cell::text(s), y) ? y : kFail;
    });
    return v != kFail;
  }
  bool value_of(const Field& f, const Cell& x, std::int64_t& v) {
    return resolve::field_value(f, resolve::CellValue{x}, v, scratch_) == RejectionCode::none;
  }

  // A row's concerns as RuleSet::resolve reads them (a rejected set is the engine's to word).
  ConcernSet make_set(const std::vector<ConcernEntry>& entries) const {
    ConcernSet set;
    set.ok = !resolve::concern_items(s_.p, entries, set.items);
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

  const BatchPlan& s_;
  const std::uint8_t* engine_only_;
  const std::vector<const Column*>& cols_;
  const PackedLayout& layout_;
  std::unique_ptr<std::byte, void (*)(void*)> rows_;  // the block's packed rows, kBlock * stride bytes
  std::uint8_t state_[kBlock];
  detail::CivilDate dobs_[kBlock];
  std::optional<detail::CivilDate> dob_;
  resolve::DayMemo day_memo_;
  std::vector<Reader> readers_;
  std::vector<TextCache<std::int64_t>> text_cache_;
  struct Recent {
    std::uint64_t w0 = 0, w1 = 0;
    std::size_t len = SIZE_MAX;  // no text yet
    std::int64_t value = 0;
  };
  static constexpr std::size_t kRecent = 64;
  std::vector<Recent> recent_;  // [column * kRecent + place]
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
  ConcernSet spare_, plain_;
  TextCache<std::int64_t> concern_ids_, level_ids_;
  std::vector<ConcernEntry> entries_;
  std::string scratch_;
};

}  // namespace

struct FastResolver::Impl : Fast {
  using Fast::Fast;
};

FastResolver::FastResolver(const BatchPlan& plan, const std::vector<const columns::Column*>& columns, const PackedLayout& layout,
                           const std::uint8_t* engine_only)
    : impl_(std::make_unique<Impl>(plan, columns, layout, engine_only)) {}

FastResolver::~FastResolver() = default;

void FastResolver::resolve(std::size_t from, std::size_t to, const std::int64_t* received, std::uint8_t thread,
                           std::vector<std::string>& strings, std::span<const PackedRows> packed, std::span<const std::uint8_t> owner,
                           std::span<const std::uint32_t> slot) {
  for (std::size_t at = from; at < to; at += kBlock)
    impl_->resolve(at, std::min(to, at + kBlock), received, thread, strings, [&](std::size_t row, const std::byte* made) {
      const PackedRows& into = packed[owner[row]];
      if (made)
        into.store(slot[row], made);
      else
        into.header(slot[row]).flags = 0;
    });
  publish_stores();
}

}  // namespace frontdoor::batch
