#include "analysis/symbolic.hpp"

#include <algorithm>
#include <set>

#include "time/civil.hpp"
#include "util/json.hpp"

namespace frontdoor::detail {

namespace {
constexpr std::int64_t kMaxItems = 20;       // history items of one kind in one bucket
constexpr std::int64_t kMaxAgeMonths = 1500;

std::int64_t window_start(const Counter& k, std::int64_t received) {
  switch (k.unit) {
    case Counter::Unit::days: return received - k.within * kMsPerDay;
    case Counter::Unit::weeks: return received - k.within * 7 * kMsPerDay;
    case Counter::Unit::months: return minus_months(received, k.within);
  }
  return received;
}
}  // namespace

Encoder::Encoder(const Program& p, z3::context& ctx) : p_(p), ctx_(ctx) {
  slot_is_string_.assign(p.slot_names.size(), 0);
  slot_field_.assign(p.slot_names.size(), nullptr);
  for (std::size_t i = 0; i < p.doc.fields.size(); ++i) {
    slot_field_[p.field_slot[i]] = &p.doc.fields[i];
    slot_is_string_[p.field_slot[i]] = p.doc.fields[i].type == FieldType::string;
  }
}

z3::expr Encoder::in_range(const z3::expr& v) {
  return v >= ctx_.int_val(INT64_MIN) && v <= ctx_.int_val(INT64_MAX);
}

SymHistory Encoder::history(const std::string& tag) {
  SymHistory h;
  std::set<std::int64_t> starts;
  for (auto& k : p_.doc.counters) starts.insert(window_start(k, kCounterexampleReceived));
  h.bucket_start.assign(starts.rbegin(), starts.rend());  // nearest first
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t s = 0; s < 3; ++s)
      for (std::size_t b = 0; b < h.bucket_start.size(); ++b) {
        z3::expr n = ctx_.int_const((tag + "_hist_" + std::to_string(r) + std::to_string(s) + "_" + std::to_string(b)).c_str());
        facts.push_back(n >= 0 && n <= ctx_.int_val(kMaxItems));
        h.n.push_back(n);
      }
  return h;
}

void Encoder::concern_facts(const SymContact& c) {
  for (std::size_t k = 0; k < c.concern.size(); ++k) {
    z3::expr allowed = c.concern[k] == 0;
    for (auto& d : p_.doc.concerns[k].descriptors) allowed = allowed || c.concern[k] == static_cast<int>(d.level + 1);
    facts.push_back(allowed);
  }
}

void Encoder::counters(SymContact& c, SymHistory& h) {
  const auto& doc = p_.doc;
  // Which kinds of item can exist for this contact.
  z3::expr any_concern = ctx_.bool_val(false);
  for (auto& l : c.concern) any_concern = any_concern || l > 0;
  z3::expr domain_only = ctx_.bool_val(false);
  for (std::size_t j = 0; j < c.concern.size(); ++j)
    for (std::size_t k = 0; k < c.concern.size(); ++k)
      if (j != k && doc.concerns[j].domain == doc.concerns[k].domain) domain_only = domain_only || (c.concern[j] > 0 && c.concern[k] == 0);
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t b = 0; b < h.bucket_start.size(); ++b) {
      facts.push_back(h.at(r, 0, b) == 0 || any_concern);
      facts.push_back(h.at(r, 1, b) == 0 || domain_only);
    }
  for (auto& k : doc.counters) {
    std::int64_t from = window_start(k, kCounterexampleReceived);
    z3::expr sum = ctx_.int_val(0);
    for (std::size_t r = 0; r < 2; ++r) {
      if (k.count == Counter::Count::referrals && r == 0) continue;
      for (std::size_t s = 0; s < 3; ++s) {
        if (k.sharing == Counter::Sharing::concern && s != 0) continue;
        if (k.sharing == Counter::Sharing::domain && s == 2) continue;
        for (std::size_t b = 0; b < h.bucket_start.size(); ++b)
          if (h.bucket_start[b] >= from) sum = sum + h.at(r, s, b);
      }
    }
    c.counter.push_back(sum);
  }
}

SymContact Encoder::contact(const std::string& tag, SymHistory& h, bool allow_domain_only) {
  SymContact c;
  for (std::size_t k = 0; k < p_.doc.concerns.size(); ++k)
    c.concern.push_back(ctx_.int_const((tag + "_concern_" + p_.doc.concerns[k].id).c_str()));
  concern_facts(c);
  for (std::size_t s = 0; s < p_.slot_names.size(); ++s) {
    std::string name = tag + "_" + p_.slot_names[s];
    c.value.push_back(slot_is_string_[s] ? ctx_.string_const(name.c_str()) : ctx_.int_const(name.c_str()));
    c.known.push_back(ctx_.bool_const((name + "_known").c_str()));
    const Field* f = slot_field_[s];
    const z3::expr& v = c.value.back();
    if (!f) continue;  // ages: below
    if (!std::holds_alternative<std::monostate>(f->default_value)) facts.push_back(c.known.back());
    switch (f->type) {
      case FieldType::boolean: facts.push_back(v >= 0 && v <= 1); break;
      case FieldType::integer:
        facts.push_back(in_range(v));
        if (f->min) facts.push_back(v >= ctx_.int_val(*f->min));
        if (f->max) facts.push_back(v <= ctx_.int_val(*f->max));
        break;
      case FieldType::enumeration: facts.push_back(v >= 0 && v < static_cast<int>(f->values.size())); break;
      case FieldType::string: break;
    }
  }
  std::size_t am = p_.slot_age_months, ay = p_.slot_age_years, unborn = p_.slot_unborn;
  facts.push_back(c.value[am] >= 0 && c.value[am] <= ctx_.int_val(kMaxAgeMonths));
  facts.push_back(c.value[ay] == c.value[am] / 12);
  facts.push_back(c.known[ay] == c.known[am]);
  facts.push_back(c.value[unborn] == 0 || (c.known[am] && c.value[am] == 0));
  counters(c, h);
  if (!allow_domain_only)
    for (std::size_t r = 0; r < 2; ++r)
      for (std::size_t b = 0; b < h.bucket_start.size(); ++b) facts.push_back(h.at(r, 1, b) == 0);
  return c;
}

SymContact Encoder::with_changed_concern(const SymContact& base, const z3::expr& k, const z3::expr& level, SymHistory& h) {
  SymContact c = base;
  c.counter.clear();
  for (std::size_t j = 0; j < p_.doc.concerns.size(); ++j) c.concern[j] = z3::ite(k == static_cast<int>(j), level, base.concern[j]);
  concern_facts(c);
  counters(c, h);
  return c;
}

Sym Encoder::known_int(const z3::expr& v) { return {v, ctx_.string_val(""), ctx_.bool_val(true), ctx_.bool_val(false)}; }

Sym Encoder::condition(Block b, const SymContact& c, const z3::expr& level) {
  std::vector<Sym> stack;
  exec(b.begin, b.end, stack, c, level);
  return stack.back();
}

void Encoder::exec(std::uint32_t begin, std::uint32_t end, std::vector<Sym>& st, const SymContact& c, const z3::expr& level) {
  auto T = ctx_.bool_val(true), F = ctx_.bool_val(false);
  auto b01 = [&](const z3::expr& cond) { return z3::ite(cond, ctx_.int_val(1), ctx_.int_val(0)); };
  auto pop = [&] {
    Sym s = st.back();
    st.pop_back();
    return s;
  };
  for (std::uint32_t pc = begin; pc < end; ++pc) {
    const Instr& in = p_.code[pc];
    switch (in.op) {
      case Op::push_int: st.push_back(known_int(ctx_.int_val(p_.consts[in.a]))); break;
      case Op::push_name: {
        bool str = slot_is_string_[in.a];
        st.push_back({str ? ctx_.int_val(0) : c.value[in.a], str ? c.value[in.a] : ctx_.string_val(""), c.known[in.a], !c.known[in.a]});
        break;
      }
      case Op::push_counter: st.push_back(known_int(c.counter[in.a])); break;
      case Op::push_level: st.push_back(known_int(level)); break;
      case Op::push_str: st.push_back({ctx_.int_val(0), ctx_.string_val(p_.strings[in.a]), T, F}); break;
      case Op::concern: st.push_back(known_int(b01(c.concern[in.a] > 0))); break;
      case Op::concern_at_least: st.push_back(known_int(b01(c.concern[in.a] > static_cast<int>(in.b)))); break;
      case Op::count_at_least: {
        z3::expr n = ctx_.int_val(0);
        for (auto& l : c.concern) n = n + b01(l > static_cast<int>(in.a));
        st.push_back(known_int(n));
        break;
      }
      case Op::domain_count: {
        z3::expr n = ctx_.int_val(0);
        for (std::size_t k = 0; k < c.concern.size(); ++k)
          if (p_.doc.concerns[k].domain == in.a) n = n + b01(c.concern[k] > 0);
        st.push_back(known_int(n));
        break;
      }
      case Op::op_not: st.back().v = b01(st.back().v == 0); break;
      case Op::neg: {
        Sym& a = st.back();
        z3::expr r = -a.v;
        a = {r, a.s, a.ok && in_range(r), a.unk};
        break;
      }
      case Op::add: case Op::sub: case Op::mul: {
        Sym b = pop(), a = pop();
        z3::expr r = in.op == Op::add ? a.v + b.v : in.op == Op::sub ? a.v - b.v : a.v * b.v;
        st.push_back({r, a.s, a.ok && b.ok && in_range(r), a.unk || b.unk});
        break;
      }
      case Op::eq: case Op::ne: case Op::lt: case Op::le: case Op::gt: case Op::ge:
      case Op::seq: case Op::sne: case Op::slt: case Op::sle: case Op::sgt: case Op::sge: {
        Sym b = pop(), a = pop();
        z3::expr r = T;
        switch (in.op) {
          case Op::eq: r = a.v == b.v; break;
          case Op::ne: r = a.v != b.v; break;
          case Op::lt: r = a.v < b.v; break;
          case Op::le: r = a.v <= b.v; break;
          case Op::gt: r = a.v > b.v; break;
          case Op::ge: r = a.v >= b.v; break;
          case Op::seq: r = a.s == b.s; break;
          case Op::sne: r = a.s != b.s; break;
          case Op::slt: r = z3::expr(ctx_, Z3_mk_str_lt(ctx_, a.s, b.s)); break;
          case Op::sle: r = z3::expr(ctx_, Z3_mk_str_le(ctx_, a.s, b.s)); break;
          case Op::sgt: r = z3::expr(ctx_, Z3_mk_str_lt(ctx_, b.s, a.s)); break;
          default: r = z3::expr(ctx_, Z3_mk_str_le(ctx_, b.s, a.s)); break;
        }
        st.push_back({b01(r), a.s, a.ok && b.ok, a.unk || b.unk});
        break;
      }
      case Op::in_int: case Op::in_str: {
        std::vector<Sym> items(st.end() - in.a, st.end());
        st.erase(st.end() - in.a, st.end());
        Sym x = pop();
        z3::expr found = F, all_ok = T, any_unk = F;
        for (auto& it : items) {
          found = found || (in.op == Op::in_int ? it.v == x.v : it.s == x.s);
          all_ok = all_ok && it.ok;
          any_unk = any_unk || it.unk;
        }
        st.push_back({b01(found), x.s, x.ok && all_ok, x.unk || any_unk});  // unknown wins over an error
        break;
      }
      case Op::strict_and: {
        std::vector<Sym> items(st.end() - in.a, st.end());
        st.erase(st.end() - in.a, st.end());
        z3::expr all = T, all_ok = T, any_unk = F;
        for (auto& it : items) {
          all = all && it.v != 0;
          all_ok = all_ok && it.ok;
          any_unk = any_unk || it.unk;
        }
        st.push_back({b01(all), ctx_.string_val(""), all_ok, any_unk});
        break;
      }
      case Op::and_jump: case Op::or_jump: break;  // short cuts; land/lor give the same value without them
      case Op::land: case Op::lor: {
        Sym b = pop(), a = pop();
        int absorbing = in.op == Op::lor ? 1 : 0;
        z3::expr a_abs = a.ok && (absorbing ? a.v != 0 : a.v == 0);
        z3::expr b_abs = b.ok && (absorbing ? b.v != 0 : b.v == 0);
        z3::expr both = a.ok && b.ok;
        z3::expr ok = a_abs || b_abs || both;
        z3::expr value = z3::ite(a_abs || b_abs, ctx_.int_val(absorbing),
                                 absorbing ? b01(a.v != 0 || b.v != 0) : b01(a.v != 0 && b.v != 0));
        st.push_back({value, a.s, ok, !ok && (a.unk || b.unk)});
        break;
      }
      case Op::branch: {
        Sym cnd = pop();
        std::vector<Sym> then_st = st, else_st = st;
        exec(pc + 1, in.a - 1, then_st, c, level);  // the then-arm ends with a jump past the else-arm
        exec(in.a, in.b, else_st, c, level);
        const Sym& t = then_st.back();
        const Sym& e = else_st.back();
        z3::expr yes = cnd.v != 0;
        st.push_back({z3::ite(yes, t.v, e.v), z3::ite(yes, t.s, e.s), cnd.ok && z3::ite(yes, t.ok, e.ok),
                      z3::ite(cnd.ok, z3::ite(yes, t.unk, e.unk), cnd.unk)});
        pc = in.b - 1;
        break;
      }
      case Op::jump: pc = in.a - 1; break;
      case Op::cmp_const: case Op::in_const: {
        std::uint32_t slot = slot_of(in.a);
        Sym x = known_int(level);
        if (operand_of(in.a) == Operand::counter) x = known_int(c.counter[slot]);
        if (operand_of(in.a) == Operand::name) x = {c.value[slot], ctx_.string_val(""), c.known[slot], !c.known[slot]};
        z3::expr r = F;
        if (in.op == Op::in_const) {
          for (std::int64_t k = 1; k <= p_.consts[in.b]; ++k) r = r || x.v == ctx_.int_val(p_.consts[in.b + k]);
        } else {
          z3::expr y = ctx_.int_val(p_.consts[in.b]);
          switch (cmp_of(in.a)) {
            case Cmp::eq: r = x.v == y; break;
            case Cmp::ne: r = x.v != y; break;
            case Cmp::lt: r = x.v < y; break;
            case Cmp::le: r = x.v <= y; break;
            case Cmp::gt: r = x.v > y; break;
            case Cmp::ge: r = x.v >= y; break;
          }
        }
        st.push_back({b01(r), x.s, x.ok, x.unk});
        break;
      }
    }
  }
}

z3::expr Encoder::route_of(const z3::expr& level) {
  const auto& levels = p_.doc.levels;
  z3::expr r = ctx_.int_val(levels.back().route);
  for (std::size_t i = levels.size() - 1; i-- > 0;) r = z3::ite(level == static_cast<int>(i), ctx_.int_val(levels[i].route), r);
  return r;
}

z3::expr Encoder::category_of(const z3::expr& outcome) {
  const auto& outs = p_.doc.outcomes;
  auto cat = [](const Outcome& o) { return o.category <= Category::s47 ? static_cast<int>(o.category) : -1; };
  z3::expr r = ctx_.int_val(cat(outs.back()));
  for (std::size_t i = outs.size() - 1; i-- > 0;) r = z3::ite(outcome == static_cast<int>(i), ctx_.int_val(cat(outs[i])), r);
  return r;
}

// Every intermediate level and every condition's truth gets a name of its own, defined by one fact:
// the solver then sees small terms instead of a chain of nested if-then-elses.
SymDecision Encoder::decide(const SymContact& c, const std::string& tag) {
  const auto& doc = p_.doc;
  SymDecision d{{}, {}, {}, ctx_.int_val(0), ctx_.int_val(0), ctx_.int_val(0)};
  auto name = [&](const z3::expr& definition, const std::string& n) {
    z3::expr v = definition.is_bool() ? ctx_.bool_const((tag + "_" + n).c_str()) : ctx_.int_const((tag + "_" + n).c_str());
    facts.push_back(v == definition);
    return v;
  };
  z3::expr level = ctx_.int_val(0);
  for (auto& l : c.concern) level = z3::ite(l - 1 > level, l - 1, level);
  level = name(level, "base_level");
  for (std::size_t r = 0; r < doc.rules.size(); ++r) {
    z3::expr h = name(holds(condition(p_.rule_when[r], c, level)), "rule_" + doc.rules[r].id);
    d.rule_holds.push_back(h);
    if (doc.rules[r].raise_to != kNoIndex) {
      z3::expr to = ctx_.int_val(doc.rules[r].raise_to);
      level = name(z3::ite(h && to > level, to, level), "level_after_" + doc.rules[r].id);
    }
  }
  d.level = level;
  z3::expr earlier = ctx_.bool_val(false);
  for (std::size_t i = 0; i < doc.routing.size(); ++i) {
    z3::expr h = name(holds(condition(p_.routing_when[i], c, level)), "routing_" + doc.routing[i].id);
    d.routing_holds.push_back(h);
    d.routing_applies.push_back(h && !earlier);
    earlier = earlier || h;
  }
  z3::expr outcome = route_of(level);
  for (std::size_t i = doc.routing.size(); i-- > 0;) outcome = z3::ite(d.routing_applies[i], ctx_.int_val(doc.routing[i].outcome), outcome);
  d.outcome = name(outcome, "outcome");
  d.category = name(category_of(d.outcome), "category");
  return d;
}

bool Encoder::uses_strings() const {
  for (auto& in : p_.code)
    if (in.op == Op::push_str) return true;
  for (std::size_t s = 0; s < slot_is_string_.size(); ++s)
    if (slot_is_string_[s]) return true;
  return false;
}

// --- counterexamples -----------------------------------------------------------------------------

ConcreteContact concretise(const Encoder& enc, const z3::model& m, const SymContact& c, SymHistory& h, const std::string& id) {
  const Program& p = enc.program();
  const auto& doc = p.doc;
  ConcreteContact out;
  auto num = [&](const z3::expr& e) { return m.eval(e, true).get_numeral_int64(); };
  auto truth = [&](const z3::expr& e) { return m.eval(e, true).is_true(); };
  JsonWriter w;
  w.open('{');
  auto set = [&](const std::string& name, Scalar v) {
    w.key(name);
    if (auto* b = std::get_if<bool>(&v)) w.boolean(*b);
    else if (auto* i = std::get_if<std::int64_t>(&v)) w.number(*i);
    else if (auto* s = std::get_if<std::string>(&v)) w.string(*s);
    else w.null();
    out.record.set(name, std::move(v));
  };
  set("id", id);
  set("received", format_timestamp(kCounterexampleReceived));
  bool unborn = false;
  for (std::size_t i = 0; i < doc.fields.size(); ++i) {
    const Field& f = doc.fields[i];
    std::size_t s = p.field_slot[i];
    if (!truth(c.known[s])) continue;
    switch (f.type) {
      case FieldType::boolean:
        set(f.id, num(c.value[s]) != 0);
        if (f.id == "unborn") unborn = num(c.value[s]) != 0;
        break;
      case FieldType::integer: set(f.id, num(c.value[s])); break;
      case FieldType::enumeration: set(f.id, f.values[static_cast<std::size_t>(num(c.value[s]))]); break;
      case FieldType::string: set(f.id, m.eval(c.value[s], true).get_string()); break;
    }
  }
  if (!unborn && truth(c.known[p.slot_age_months])) {
    // Born on the 15th, so the received date (the 15th in any time zone from -12 to +11) completes the months.
    std::int64_t months = num(c.value[p.slot_age_months]);
    auto received_day = civil_from_days(static_cast<std::int32_t>(kCounterexampleReceived / kMsPerDay));
    std::int64_t idx = static_cast<std::int64_t>(received_day.year) * 12 + (received_day.month - 1) - months;
    set("dob", format_date(days_from_civil({static_cast<std::int32_t>(idx / 12), static_cast<std::uint32_t>(idx % 12 + 1), 15})));
  }
  w.key("concerns").open('{');
  Index first_present = kNoIndex;
  for (std::size_t k = 0; k < doc.concerns.size(); ++k) {
    auto l = num(c.concern[k]);
    if (l <= 0) continue;
    if (first_present == kNoIndex) first_present = static_cast<Index>(k);
    const std::string& level = doc.levels[static_cast<std::size_t>(l - 1)].id;
    w.key(doc.concerns[k].id).string(level);
    out.record.concerns.push_back({doc.concerns[k].id, level});
  }
  w.close('}');
  // History items, written so that every counter counts what the model says.
  Index domain_only = kNoIndex;
  for (std::size_t j = 0; j < doc.concerns.size() && domain_only == kNoIndex; ++j)
    for (std::size_t k = 0; k < doc.concerns.size(); ++k)
      if (num(c.concern[k]) > 0 && num(c.concern[j]) == 0 && j != k && doc.concerns[j].domain == doc.concerns[k].domain) {
        domain_only = static_cast<Index>(j);
        break;
      }
  w.key("history").open('[');
  for (std::size_t b = 0; b < h.bucket_start.size(); ++b)
    for (std::size_t r = 0; r < 2; ++r)
      for (std::size_t s = 0; s < 3; ++s) {
        auto n = num(h.at(r, s, b));
        for (std::int64_t i = 0; i < n; ++i) {
          HistoryRecord item;
          item.received = format_timestamp(h.bucket_start[b] + 60000);
          Index k = s == 0 ? first_present : s == 1 ? domain_only : kNoIndex;
          if (k != kNoIndex) item.concerns.push_back({doc.concerns[k].id, doc.levels[doc.concerns[k].descriptors.front().level].id});
          item.referral = r == 1;
          w.open('{');
          w.key("received").string(item.received);
          w.key("concerns").open('{');
          for (auto& e : item.concerns) w.key(e.concern).string(e.level);
          w.close('}');
          w.key("referral").boolean(r == 1);
          w.close('}');
          out.history.push_back(std::move(item));
        }
      }
  w.close(']');
  w.close('}');
  out.record.history = out.history;
  out.json = std::move(w).str();
  return out;
}

}  // namespace frontdoor::detail
