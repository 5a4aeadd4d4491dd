#include "analysis/symbolic.hpp"

#include <algorithm>

#include "time/civil.hpp"

namespace frontdoor::detail {

namespace {
constexpr std::int64_t kMaxAgeMonths = 1500;

bool in(const std::vector<Index>& xs, Index x) { return std::find(xs.begin(), xs.end(), x) != xs.end(); }

}  // namespace

z3::expr sum(z3::context& ctx, const std::vector<z3::expr>& terms) {
  if (terms.empty()) return ctx.int_val(0);
  z3::expr_vector v(ctx);
  for (auto& t : terms) v.push_back(t);
  return z3::sum(v);
}

Encoder::Encoder(const Program& p, z3::context& ctx) : Encoder(p, ctx, ConcernSpace::of(p)) {}

Encoder::Encoder(const Program& p, z3::context& ctx, ConcernSpace space) : p_(p), ctx_(ctx), space_(std::move(space)) {
  slot_is_string_.assign(p.slot_names.size(), 0);
  slot_field_.assign(p.slot_names.size(), nullptr);
  slot_default_.assign(p.slot_names.size(), std::nullopt);
  for (std::size_t i = 0; i < p.doc.fields.size(); ++i) {
    const Field& f = p.doc.fields[i];
    slot_field_[p.field_slot[i]] = &f;
    slot_is_string_[p.field_slot[i]] = f.type == FieldType::string;
    if (auto* b = std::get_if<bool>(&f.default_value)) slot_default_[p.field_slot[i]] = *b ? 1 : 0;
    if (auto* n = std::get_if<std::int64_t>(&f.default_value)) slot_default_[p.field_slot[i]] = *n;
    if (auto* t = std::get_if<std::string>(&f.default_value); t && f.type == FieldType::enumeration) {
      auto at = std::find(f.values.begin(), f.values.end(), *t);
      if (at != f.values.end()) slot_default_[p.field_slot[i]] = at - f.values.begin();
    }
  }
}

z3::expr Encoder::in_range(const z3::expr& v) { return v >= ctx_.int_val(INT64_MIN) && v <= ctx_.int_val(INT64_MAX); }

z3::expr Encoder::b01(const z3::expr& cond) { return z3::ite(cond, ctx_.int_val(1), ctx_.int_val(0)); }

// A term the solver sees by name, defined by one fact: small terms instead of nested if-then-elses.
z3::expr Encoder::named_var(const z3::expr& definition, const std::string& name) {
  std::string n = name + "_" + std::to_string(names_++);
  z3::expr v = definition.is_bool() ? ctx_.bool_const(n.c_str()) : ctx_.int_const(n.c_str());
  facts.push_back(v == definition);
  return v;
}

// --- concerns: named ones one by one, the rest as counts per group and level ----------------------

SymConcerns Encoder::fresh_concerns(const std::string& tag) {
  SymConcerns c;
  for (auto& id : space_.named_ids) c.named.push_back(ctx_.int_const((tag + "_concern_" + id).c_str()));
  for (std::size_t g = 0; g < space_.groups.size(); ++g) {
    std::vector<z3::expr> per_level;
    for (Index l : space_.groups[g].levels)
      per_level.push_back(ctx_.int_const((tag + "_group" + std::to_string(g) + "_at_" + p_.doc.levels[l].id).c_str()));
    c.members.push_back(std::move(per_level));
  }
  concern_facts(c);
  return c;
}

void Encoder::concern_facts(const SymConcerns& c) {
  for (std::size_t i = 0; i < space_.named.size(); ++i) {
    if (space_.named[i] == kNoIndex) continue;  // the other document's: no fact here
    z3::expr allowed = c.named[i] == 0;
    for (auto& d : p_.doc.concerns[space_.named[i]].descriptors) allowed = allowed || c.named[i] == static_cast<int>(d.level + 1);
    facts.push_back(allowed);
  }
  for (std::size_t g = 0; g < space_.groups.size(); ++g) {
    if (space_.groups[g].foreign()) continue;
    for (auto& n : c.members[g]) facts.push_back(n >= 0);
    facts.push_back(sum(ctx_, c.members[g]) <= static_cast<int>(space_.groups[g].members.size()));
  }
}

const z3::expr& Encoder::named_concern(const SymContact& c, std::uint32_t concern) const {
  return c.concerns.named[space_.named_position[concern]];
}

z3::expr Encoder::any_concern(const SymConcerns& c) {
  std::vector<z3::expr> present;
  for (std::size_t i = 0; i < c.named.size(); ++i)
    if (space_.named[i] != kNoIndex) present.push_back(b01(c.named[i] > 0));
  for (std::size_t g = 0; g < c.members.size(); ++g)
    if (!space_.groups[g].foreign())
      for (auto& n : c.members[g]) present.push_back(n);
  return sum(ctx_, present) >= 1;
}

// Some domain has a concern the contact has and one it lacks: only then can a history item share a
// domain with the contact without sharing a concern.
z3::expr Encoder::some_domain_part_absent(const SymConcerns& c) {
  const auto& doc = p_.doc;
  std::vector<std::vector<z3::expr>> present(doc.domains.size());
  std::vector<int> total(doc.domains.size(), 0);
  for (std::size_t i = 0; i < space_.named.size(); ++i) {
    if (space_.named[i] == kNoIndex) continue;
    for (Index d : doc.concerns[space_.named[i]].domains) {
      present[d].push_back(b01(c.named[i] > 0));
      ++total[d];
    }
  }
  for (std::size_t g = 0; g < space_.groups.size(); ++g) {
    if (space_.groups[g].foreign()) continue;
    for (Index d : space_.groups[g].domains) {
      for (auto& n : c.members[g]) present[d].push_back(n);
      total[d] += static_cast<int>(space_.groups[g].members.size());
    }
  }
  z3::expr any = ctx_.bool_val(false);
  for (std::size_t d = 0; d < present.size(); ++d) {
    if (total[d] < 2) continue;
    z3::expr n = sum(ctx_, present[d]);
    any = any || (n >= 1 && n < total[d]);
  }
  return any;
}

// SPEC 2.1 step 2: the highest level among the contact's concerns, the lowest if it has none.
z3::expr Encoder::base_level(const SymConcerns& c) {
  const auto& doc = p_.doc;
  std::vector<z3::expr> at_level(doc.levels.size(), ctx_.bool_val(false));
  for (std::size_t i = 0; i < space_.named.size(); ++i) {
    if (space_.named[i] == kNoIndex) continue;
    for (auto& d : doc.concerns[space_.named[i]].descriptors)
      at_level[d.level] = at_level[d.level] || c.named[i] == static_cast<int>(d.level + 1);
  }
  for (std::size_t g = 0; g < space_.groups.size(); ++g)
    for (std::size_t s = 0; !space_.groups[g].foreign() && s < space_.groups[g].levels.size(); ++s) {
      Index l = space_.groups[g].levels[s];
      at_level[l] = at_level[l] || c.members[g][s] >= 1;
    }
  z3::expr level = ctx_.int_val(0);
  for (std::size_t l = 1; l < at_level.size(); ++l) level = z3::ite(at_level[l], ctx_.int_val(static_cast<int>(l)), level);
  return level;
}

const z3::expr& Encoder::count_at_least(SymContact& c, Index level) {
  if (c.at_least.size() <= level) c.at_least.resize(p_.doc.levels.size());
  if (!c.at_least[level]) {
    std::vector<z3::expr> terms;
    for (std::size_t i = 0; i < space_.named.size(); ++i)
      if (space_.named[i] != kNoIndex) terms.push_back(b01(c.concerns.named[i] > static_cast<int>(level)));
    for (std::size_t g = 0; g < space_.groups.size(); ++g)
      for (std::size_t s = 0; !space_.groups[g].foreign() && s < space_.groups[g].levels.size(); ++s)
        if (space_.groups[g].levels[s] >= level) terms.push_back(c.concerns.members[g][s]);
    c.at_least[level] = named_var(sum(ctx_, terms), "count_at_least_" + p_.doc.levels[level].id);
  }
  return *c.at_least[level];
}

const z3::expr& Encoder::domain_count(SymContact& c, Index domain) {
  if (c.in_domain.size() <= domain) c.in_domain.resize(p_.doc.domains.size());
  if (!c.in_domain[domain]) {
    std::vector<z3::expr> terms;
    for (std::size_t i = 0; i < space_.named.size(); ++i)
      if (space_.named[i] != kNoIndex && in(p_.doc.concerns[space_.named[i]].domains, domain))
        terms.push_back(b01(c.concerns.named[i] > 0));
    for (std::size_t g = 0; g < space_.groups.size(); ++g)
      if (!space_.groups[g].foreign() && in(space_.groups[g].domains, domain))
        for (auto& n : c.concerns.members[g]) terms.push_back(n);
    c.in_domain[domain] = named_var(sum(ctx_, terms), "domain_count_" + p_.doc.domains[domain]);
  }
  return *c.in_domain[domain];
}

const z3::expr& Encoder::tag_count(SymContact& c, Index tag) {
  if (c.with_tag.size() <= tag) c.with_tag.resize(p_.doc.tags.size());
  if (!c.with_tag[tag]) {
    std::vector<z3::expr> terms;
    for (std::size_t i = 0; i < space_.named.size(); ++i)
      if (space_.named[i] != kNoIndex && in(p_.doc.concerns[space_.named[i]].tags, tag)) terms.push_back(b01(c.concerns.named[i] > 0));
    for (std::size_t g = 0; g < space_.groups.size(); ++g)
      if (!space_.groups[g].foreign() && in(space_.groups[g].tags, tag))
        for (auto& n : c.concerns.members[g]) terms.push_back(n);
    c.with_tag[tag] = named_var(sum(ctx_, terms), "tag_count_" + p_.doc.tags[tag]);
  }
  return *c.with_tag[tag];
}

// --- contacts and their history --------------------------------------------------------------------

// A field the contact may give or not: the variables are what the contact gives (shared by name with
// the other document in a diff); value and known are what this document reads, its default where the
// contact gives nothing. Giving the default and giving nothing then read alike, as in the engine.
SymContact Encoder::contact(const std::string& tag, const SymHistory& h, const z3::expr& domain_only_items) {
  SymContact c;
  c.concerns = fresh_concerns(tag);
  for (std::size_t s = 0; s < p_.slot_names.size(); ++s) {
    std::string name = tag + "_" + p_.slot_names[s];
    z3::expr raw = slot_is_string_[s] ? ctx_.string_const(name.c_str()) : ctx_.int_const(name.c_str());
    z3::expr given = ctx_.bool_const((name + "_known").c_str());
    c.raw.push_back(raw);
    c.given.push_back(given);
    c.value.push_back(raw);
    c.known.push_back(given);
    const Field* f = slot_field_[s];
    if (!f) continue;  // ages: below
    if (!std::holds_alternative<std::monostate>(f->default_value)) {
      c.known.back() = ctx_.bool_val(true);
      if (auto* text = std::get_if<std::string>(&f->default_value); text && f->type == FieldType::string)
        c.value.back() = z3::ite(given, raw, ctx_.string_val(*text));
      else if (slot_default_[s])
        c.value.back() = z3::ite(given, raw, ctx_.int_val(*slot_default_[s]));
    }
    switch (f->type) {
      case FieldType::boolean: facts.push_back(raw >= 0 && raw <= 1); break;
      case FieldType::integer:
        facts.push_back(in_range(raw));
        if (f->min) facts.push_back(raw >= ctx_.int_val(*f->min));
        if (f->max) facts.push_back(raw <= ctx_.int_val(*f->max));
        break;
      case FieldType::enumeration: facts.push_back(raw >= 0 && raw < static_cast<int>(f->values.size())); break;
      case FieldType::string: break;
    }
  }
  std::size_t am = p_.slot_age_months, ay = p_.slot_age_years, unborn = p_.slot_unborn;
  facts.push_back(c.value[am] >= 0 && c.value[am] <= ctx_.int_val(kMaxAgeMonths));
  facts.push_back(c.value[ay] == c.value[am] / 12);
  facts.push_back(c.known[ay] == c.known[am]);
  facts.push_back(c.value[unborn] == 0 || (c.known[am] && c.value[am] == 0));
  counters(c, h, domain_only_items);
  return c;
}

SymChange Encoder::change(const SymContact& c, const std::string& tag) {
  SymChange ch{ctx_.int_const((tag + "_unit").c_str()), ctx_.int_const((tag + "_from").c_str()), ctx_.int_const((tag + "_to").c_str())};
  const auto named = static_cast<int>(space_.named.size());
  facts.push_back(ch.unit >= 0 && ch.unit < static_cast<int>(space_.units()));
  facts.push_back(ch.to > ch.from);
  for (int i = 0; i < named; ++i) {
    if (space_.named[i] == kNoIndex) {
      facts.push_back(ch.unit != i);
      continue;
    }
    z3::expr to_allowed = ctx_.bool_val(false);
    for (auto& d : p_.doc.concerns[space_.named[i]].descriptors) to_allowed = to_allowed || ch.to == static_cast<int>(d.level + 1);
    facts.push_back(z3::implies(ch.unit == i, ch.from == c.concerns.named[i] && to_allowed));
  }
  for (std::size_t g = 0; g < space_.groups.size(); ++g) {
    const ConcernGroup& group = space_.groups[g];
    if (group.foreign()) {
      facts.push_back(ch.unit != named + static_cast<int>(g));
      continue;
    }
    z3::expr absent = static_cast<int>(group.members.size()) - sum(ctx_, c.concerns.members[g]);
    z3::expr from_ok = ch.from == 0 && absent >= 1, to_ok = ctx_.bool_val(false);
    for (std::size_t s = 0; s < group.levels.size(); ++s) {
      int at = group.levels[s] + 1;
      from_ok = from_ok || (ch.from == at && c.concerns.members[g][s] >= 1);
      to_ok = to_ok || ch.to == at;
    }
    facts.push_back(z3::implies(ch.unit == named + static_cast<int>(g), from_ok && to_ok));
  }
  return ch;
}

SymContact Encoder::changed(const SymContact& base, const SymChange& ch, const SymHistory& h, const std::string& tag) {
  SymContact c;
  c.value = base.value;
  c.known = base.known;
  c.given = base.given;
  c.raw = base.raw;
  const auto named = static_cast<int>(space_.named.size());
  for (int i = 0; i < named; ++i)
    c.concerns.named.push_back(named_var(z3::ite(ch.unit == i, ch.to, base.concerns.named[i]), tag + "_concern"));
  for (std::size_t g = 0; g < space_.groups.size(); ++g) {
    z3::expr here = ch.unit == named + static_cast<int>(g);
    std::vector<z3::expr> per_level;
    for (std::size_t s = 0; s < space_.groups[g].levels.size(); ++s) {
      int at = space_.groups[g].levels[s] + 1;
      z3::expr n = base.concerns.members[g][s] - b01(here && ch.from == at) + b01(here && ch.to == at);
      per_level.push_back(named_var(n, tag + "_group"));
    }
    c.concerns.members.push_back(std::move(per_level));
  }
  counters(c, h, ctx_.bool_val(false));
  return c;
}

Sym Encoder::known_int(const z3::expr& v) { return {v, ctx_.string_val(""), ctx_.bool_val(true), ctx_.bool_val(false)}; }

Sym Encoder::condition(Block b, SymContact& c, const z3::expr& level) {
  std::vector<Sym> stack;
  exec(b.begin, b.end, stack, c, level);
  return stack.back();
}

void Encoder::exec(std::uint32_t begin, std::uint32_t end, std::vector<Sym>& st, SymContact& c, const z3::expr& level) {
  auto T = ctx_.bool_val(true), F = ctx_.bool_val(false);
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
      case Op::push_level: st.push_back(known_int(in.a == 1 ? *c.base : level)); break;
      case Op::push_str: st.push_back({ctx_.int_val(0), ctx_.string_val(p_.strings[in.a]), T, F}); break;
      case Op::concern: st.push_back(known_int(b01(named_concern(c, in.a) > 0))); break;
      case Op::concern_at_least: st.push_back(known_int(b01(named_concern(c, in.a) > static_cast<int>(in.b)))); break;
      case Op::count_at_least: st.push_back(known_int(count_at_least(c, static_cast<Index>(in.a)))); break;
      case Op::domain_count: st.push_back(known_int(domain_count(c, static_cast<Index>(in.a)))); break;
      case Op::tag_count: {
        const z3::expr& n = tag_count(c, static_cast<Index>(in.a));
        st.push_back(known_int(in.b ? b01(n > 0) : n));
        break;
      }
      case Op::op_not: st.back().v = b01(st.back().v == 0); break;
      case Op::neg: {
        Sym& a = st.back();
        z3::expr r = -a.v;
        a = {r, a.s, a.ok && in_range(r), a.unk};
        break;
      }
      case Op::add:
      case Op::sub:
      case Op::mul: {
        Sym b = pop(), a = pop();
        z3::expr r = in.op == Op::add ? a.v + b.v : in.op == Op::sub ? a.v - b.v : a.v * b.v;
        st.push_back({r, a.s, a.ok && b.ok && in_range(r), a.unk || b.unk});
        break;
      }
      case Op::eq:
      case Op::ne:
      case Op::lt:
      case Op::le:
      case Op::gt:
      case Op::ge:
      case Op::seq:
      case Op::sne:
      case Op::slt:
      case Op::sle:
      case Op::sgt:
      case Op::sge: {
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
      case Op::in_int:
      case Op::in_str: {
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
      case Op::and_jump:
      case Op::or_jump: break;  // short cuts; land/lor give the same value without them
      case Op::land:
      case Op::lor: {
        Sym b = pop(), a = pop();
        int absorbing = in.op == Op::lor ? 1 : 0;
        z3::expr a_abs = a.ok && (absorbing ? a.v != 0 : a.v == 0);
        z3::expr b_abs = b.ok && (absorbing ? b.v != 0 : b.v == 0);
        z3::expr both = a.ok && b.ok;
        z3::expr ok = a_abs || b_abs || both;
        z3::expr value =
            z3::ite(a_abs || b_abs, ctx_.int_val(absorbing), absorbing ? b01(a.v != 0 || b.v != 0) : b01(a.v != 0 && b.v != 0));
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
      case Op::cmp_const:
      case Op::in_const: {
        std::uint32_t slot = slot_of(in.a);
        Sym x = known_int(level);
        if (operand_of(in.a) == Operand::counter) x = known_int(c.counter[slot]);
        if (operand_of(in.a) == Operand::base_level) x = known_int(*c.base);
        if (operand_of(in.a) == Operand::rule) x = known_int(c.held[slot]);  // a rule not yet decided cannot be named
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

z3::expr Encoder::kept_with(const OutcomeSet& only_with, const z3::expr& outcome) {
  if (only_with.empty()) return ctx_.bool_val(true);
  z3::expr kept = ctx_.bool_val(false);
  for (std::size_t o = 0; o < p_.doc.outcomes.size(); ++o)
    if (only_with.contains(static_cast<Index>(o), p_.doc.outcomes[o].category)) kept = kept || outcome == static_cast<int>(o);
  return kept;
}

// Every intermediate level and every condition's truth gets a name of its own, defined by one fact:
// the solver then sees small terms instead of a chain of nested if-then-elses.
SymDecision Encoder::decide(SymContact& c, const std::string& tag) {
  const auto& doc = p_.doc;
  SymDecision d{{}, {}, {}, {}, ctx_.int_val(0), ctx_.int_val(0), ctx_.int_val(0)};
  z3::expr level = named_var(base_level(c.concerns), tag + "_base_level");
  c.base = level;
  c.held.clear();
  for (std::size_t r = 0; r < doc.rules.size(); ++r) {
    d.level_before.push_back(level);
    z3::expr h = named_var(holds(condition(p_.rule_when[r], c, level)), tag + "_rule_" + doc.rules[r].id);
    d.rule_holds.push_back(h);
    c.held.push_back(b01(h));
    if (doc.rules[r].raise_to != kNoIndex) {
      z3::expr to = ctx_.int_val(doc.rules[r].raise_to);
      level = named_var(z3::ite(h && to > level, to, level), tag + "_level_after_" + doc.rules[r].id);
    }
  }
  d.level = level;
  z3::expr earlier = ctx_.bool_val(false);
  for (std::size_t i = 0; i < doc.routing.size(); ++i) {
    z3::expr h = named_var(holds(condition(p_.routing_when[i], c, level)), tag + "_routing_" + doc.routing[i].id);
    d.routing_holds.push_back(h);
    d.routing_applies.push_back(h && !earlier);
    earlier = earlier || h;
  }
  z3::expr outcome = route_of(level);
  for (std::size_t i = doc.routing.size(); i-- > 0;) outcome = z3::ite(d.routing_applies[i], ctx_.int_val(doc.routing[i].outcome), outcome);
  d.outcome = named_var(outcome, tag + "_outcome");
  d.category = named_var(category_of(d.outcome), tag + "_category");
  return d;
}

z3::expr Encoder::size(const SymContact& c, const SymHistory& h) {
  std::vector<z3::expr> terms(h.n.begin(), h.n.end());
  for (auto& x : c.concerns.named) terms.push_back(b01(x > 0));
  for (auto& g : c.concerns.members)
    for (auto& n : g) terms.push_back(n);
  for (std::size_t s = 0; s < slot_field_.size(); ++s)
    if (slot_field_[s]) terms.push_back(b01(c.given[s]));
  terms.push_back(b01(c.known[p_.slot_age_months]));
  return sum(ctx_, terms);
}

bool Encoder::uses_strings() const {
  for (auto& in : p_.code)
    if (in.op == Op::push_str) return true;
  for (std::size_t s = 0; s < slot_is_string_.size(); ++s)
    if (slot_is_string_[s]) return true;
  return false;
}

}  // namespace frontdoor::detail
