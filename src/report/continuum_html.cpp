// `frontdoor render`: the document as a council publishes it, from the loaded model. One page a
// practitioner can print or a partnership can put on its website: the continuum grid (each domain's
// concerns, a column per level), what each level leads to and by when, then the rules and routing
// in words with the document lines they come from. Self-contained on purpose: a published page
// must not depend on a server, and a page that links nothing leaks nothing about who reads it.
#include "frontdoor/continuum_html.hpp"

#include "report/condition_words.hpp"

#include <cstdio>
#include <string_view>

namespace frontdoor {

namespace {

using detail::humanise;

// The page's CSS: GOV.UK plainness, a table that turns into stacked cards below 40em, and a print
// layout (landscape, no colour needed, rows never split across pages).
constexpr std::string_view kStyle = R"css(
*{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.45;color:#0b0c0c;background:#fff}
main{max-width:80rem;margin:0 auto;padding:1rem}
h1{font-size:2rem;margin:.5rem 0 1rem}h2{font-size:1.5rem;margin:2rem 0 .75rem}h3{font-size:1.2rem;margin:1.25rem 0 .5rem}
.meta{color:#484949}
code{font-family:"Courier New",monospace;font-size:.9em;background:#f3f2f1;padding:0 .2em;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #b1b4b6;padding:.5rem;text-align:left;vertical-align:top}
thead th{background:#f3f2f1;border-top-width:6px}
.l0{border-top-color:#00703c}.l1{border-top-color:#1d70b8}.l2{border-top-color:#f47738}.l3{border-top-color:#d4351c}
.l4{border-top-color:#4c2c92}.l5{border-top-color:#0b0c0c}
tbody th.domain{background:#0b0c0c;color:#fff;font-size:1.1rem}
.line{display:block;color:#484949;font-size:.8rem}
.empty{color:#484949}
.tags{display:block;font-size:.8rem}
dl.rule{margin:0 0 1rem;padding:.5rem 1rem;border-left:4px solid #b1b4b6}
dl.rule dt{font-weight:bold}dl.rule dd{margin:0 0 .5rem}
@media (max-width:40em){
 h1{font-size:1.6rem}
 table.cards thead{display:none}
 table.cards caption{display:block;text-align:left}
 table.cards,table.cards tbody,table.cards tr,table.cards th,table.cards td{display:block;width:100%}
 table.cards td::before{content:attr(data-label);display:block;font-weight:bold}
 table.cards td.empty{display:none}
}
@media print{
 @page{size:A4 landscape;margin:12mm}
 body{font-size:9pt}main{max-width:none;padding:0}
 h2{break-after:avoid}tr,dl.rule{break-inside:avoid}
 tbody th.domain{background:none;color:#000;border-top:2px solid #000}
 thead{display:table-header-group}
}
)css";

void escape_into(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

// The span as the page says it: "within 1 working day", or that there is none.
std::string span_words(const Span& s) { return s.unit == Span::Unit::none ? "no deadline set" : "within " + to_string(s); }

// "england-and-wales" -> "England and Wales".
std::string preset_words(std::string_view preset) {
  std::string s;
  bool start = true;
  for (char c : preset) {
    if (c == '-') {
      s += ' ';
      start = true;
      continue;
    }
    bool upper = start && c >= 'a' && c <= 'z' && preset.substr(s.size(), 4) != "and-";
    s += upper ? static_cast<char>(c - 'a' + 'A') : c;
    start = false;
  }
  return s;
}

std::string clock(std::int32_t minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minutes / 60 % 100), static_cast<int>(minutes % 60));
  return buf;
}

class Page {
 public:
  Page(const RuleSet& rules) : doc_(rules.document()), src_(rules.source()), sha_(rules.sha256()) {}

  std::string write() {
    head();
    out_ += "<main>\n";
    title();
    levels();
    grid();
    outcomes();
    rules();
    routing();
    calendar();
    fields();
    out_ += "</main>\n</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  const ThresholdDocument& doc_;
  const SourceText& src_;
  const std::string& sha_;
  std::string out_;

  Page& text(std::string_view s) {
    escape_into(out_, s);
    return *this;
  }
  Page& raw(std::string_view s) {
    out_ += s;
    return *this;
  }
  // "line 58" of the document, so a reader can find the words in the YAML the partnership signs off.
  void line_of(SourceOffset at) {
    if (at == kNoOffset) return;
    raw("<span class=\"line\">line ").text(std::to_string(src_.locate(at).line)).raw("</span>");
  }
  std::string level_name(Index i) const { return doc_.levels[i].name.empty() ? humanise(doc_.levels[i].id) : doc_.levels[i].name; }
  std::string outcome_name(Index i) const { return doc_.outcomes[i].name.empty() ? humanise(doc_.outcomes[i].id) : doc_.outcomes[i].name; }
  std::string title_text() const { return doc_.title.empty() ? humanise(doc_.id) : doc_.title; }

  void head() {
    raw("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    raw("<title>").text(title_text()).raw("</title>\n<style>").raw(kStyle).raw("</style>\n</head>\n<body>\n");
  }

  void title() {
    raw("<h1>").text(title_text()).raw("</h1>\n<p class=\"meta\">");
    if (!doc_.version.empty()) raw("Version ").text(doc_.version).raw(". ");
    if (!doc_.effective_from.empty()) raw("In effect from ").text(doc_.effective_from).raw(". ");
    raw("Document <code>").text(doc_.id).raw("</code>, SHA-256 <code>").text(sha_).raw("</code>.</p>\n");
    raw("<p>Find the descriptor that best matches what you have heard for each concern. The highest level ");
    raw("matched is the starting level; the rules below may raise it, and the routing exceptions may send ");
    raw("the contact somewhere other than the level's usual outcome. This guide supports professional ");
    raw("judgement; it does not replace it.</p>\n");
  }

  void levels() {
    raw("<h2 id=\"levels\">Levels of need</h2>\n<ol>\n");
    for (auto& l : doc_.levels) {
      raw("<li><strong>").text(l.name.empty() ? humanise(l.id) : l.name).raw("</strong>. Usual outcome: ");
      text(outcome_name(l.route)).raw(", decided ").text(span_words(doc_.outcomes[l.route].decide_within)).raw(".</li>\n");
    }
    raw("</ol>\n");
  }

  void grid() {
    raw("<h2 id=\"continuum\">The continuum of need</h2>\n<table class=\"cards grid\">\n<caption class=\"meta\">");
    raw("Concerns by domain (rows) and level (columns)</caption>\n<thead><tr><th scope=\"col\">Concern</th>");
    for (std::size_t i = 0; i < doc_.levels.size(); ++i)
      raw("<th scope=\"col\" class=\"l").text(std::to_string(i % 6)).raw("\">").text(level_name(static_cast<Index>(i))).raw("</th>");
    raw("</tr></thead>\n");
    for (std::size_t d = 0; d < doc_.domains.size(); ++d) domain_rows(static_cast<Index>(d));
    raw("</table>\n");
  }

  void domain_rows(Index domain) {
    raw("<tbody>\n<tr><th scope=\"rowgroup\" class=\"domain\" colspan=\"").text(std::to_string(doc_.levels.size() + 1));
    raw("\">").text(humanise(doc_.domains[domain])).raw("</th></tr>\n");
    for (auto& c : doc_.concerns)
      if (c.domain == domain) concern_row(c);
    raw("</tbody>\n");
  }

  void concern_row(const Concern& c) {
    raw("<tr><th scope=\"row\">").text(humanise(c.id)).raw(" <span class=\"line\"><code>").text(c.id).raw("</code></span></th>");
    for (std::size_t i = 0; i < doc_.levels.size(); ++i) {
      const Descriptor* found = nullptr;
      for (auto& d : c.descriptors)
        if (d.level == i) found = &d;
      std::string level = level_name(static_cast<Index>(i));
      if (!found) {
        raw("<td class=\"empty\" data-label=\"").text(level).raw("\"><span class=\"empty\">&#8212;</span></td>");
        continue;
      }
      raw("<td data-label=\"").text(level).raw("\">").text(found->text);
      line_of(found->at);
      raw("</td>");
    }
    raw("</tr>\n");
  }

  // The condition in words where there are words for all of it, and always as written.
  void condition(const Condition& when) {
    if (auto words = detail::condition_words(when.text, doc_)) {
      std::string sentence = *words;
      if (!sentence.empty() && sentence[0] >= 'a' && sentence[0] <= 'z') sentence[0] = static_cast<char>(sentence[0] - 'a' + 'A');
      text(sentence).raw(".<span class=\"line\">As written: <code>").text(when.text).raw("</code></span>");
      return;
    }
    raw("<code>").text(when.text).raw("</code>");
  }

  void action_list(const std::vector<Index>& actions) {
    raw("<ul>");
    for (auto a : actions)
      raw("<li>").text(doc_.actions[a].text.empty() ? humanise(doc_.actions[a].id) : doc_.actions[a].text).raw("</li>");
    raw("</ul>");
  }

  void outcomes() {
    raw("<h2 id=\"outcomes\">Outcomes and deadlines</h2>\n");
    if (!doc_.always.empty()) {
      raw("<p>On every decision:</p>");
      action_list(doc_.always);
    }
    raw("<table class=\"cards\">\n<thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Referral to children's social care</th>");
    raw("<th scope=\"col\">Decide</th><th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n");
    for (auto& o : doc_.outcomes) {
      raw("<tr><th scope=\"row\">").text(o.name.empty() ? humanise(o.id) : o.name);
      raw(" <span class=\"line\"><code>")
          .text(o.id)
          .raw("</code></span></th><td data-label=\"Referral to children's social care\">")
          .raw(o.referral ? "Yes" : "No");
      raw("</td><td data-label=\"Decide\">").text(span_words(o.decide_within)).raw("</td><td data-label=\"Actions\">");
      if (o.actions.empty())
        raw("None beyond those on every decision");
      else
        action_list(o.actions);
      raw("</td></tr>\n");
    }
    raw("</tbody>\n</table>\n");
  }

  void rules() {
    raw("<h2 id=\"rules\">Rules that raise the level or add actions</h2>\n");
    if (doc_.rules.empty()) {
      raw("<p>This document has no rules: the descriptors alone set the level.</p>\n");
      return;
    }
    raw("<p>Every rule whose condition holds applies, in this order.</p>\n");
    for (auto& r : doc_.rules) rule(r);
  }

  void rule(const Rule& r) {
    raw("<dl class=\"rule\"><dt>").text(r.because.empty() ? humanise(r.id) : r.because).raw("</dt>\n<dd>Rule <code>");
    text(r.id).raw("</code>");
    line_of(r.at);
    raw("</dd><dt>When</dt><dd>");
    condition(r.when);
    raw("</dd><dt>Then</dt><dd>");
    bool any = false;
    if (r.raise_to != kNoIndex) {
      raw("The level is raised to at least ").text(level_name(r.raise_to)).raw(".");
      any = true;
    }
    if (!r.actions.empty()) {
      raw(any ? " " : "").raw("These actions are added:");
      action_list(r.actions);
      any = true;
    }
    if (!r.flags.empty()) {
      raw("The decision is flagged:");
      for (auto f : r.flags) raw(" <code>").text(doc_.flags[f]).raw("</code>");
      raw(".");
      any = true;
    }
    if (!any) raw("It is given as a reason.");
    raw("</dd></dl>\n");
  }

  void routing() {
    raw("<h2 id=\"routing\">Exceptions to a level's usual outcome</h2>\n");
    if (doc_.routing.empty()) {
      raw("<p>None: every contact gets its level's usual outcome.</p>\n");
      return;
    }
    raw("<p>The first exception whose condition holds decides the outcome; if none holds, the level's usual ");
    raw("outcome applies.</p>\n");
    for (auto& r : doc_.routing) {
      raw("<dl class=\"rule\"><dt>").text(r.because.empty() ? humanise(r.id) : r.because).raw("</dt>\n<dd>Routing entry <code>");
      text(r.id).raw("</code>");
      line_of(r.at);
      raw("</dd><dt>When</dt><dd>");
      condition(r.when);
      raw("</dd><dt>Then</dt><dd>The outcome is ");
      text(outcome_name(r.outcome)).raw(", decided ").text(span_words(doc_.outcomes[r.outcome].decide_within)).raw(".");
      if (r.lowers) raw(" This is deliberately lower than the level's usual outcome.");
      raw("</dd></dl>\n");
    }
  }

  void calendar() {
    const Calendar& c = doc_.calendar;
    raw("<h2 id=\"calendar\">How deadlines are counted</h2>\n<p>Working time is ").text(clock(c.day_start)).raw(" to ");
    text(clock(c.day_end)).raw(", Monday to Friday, ").text(c.timezone).raw(" time");
    if (!c.preset.empty())
      raw(", not counting the bank holidays of ").text(preset_words(c.preset)).raw(" (preset <code>").text(c.preset).raw("</code>)");
    raw(". Time starts when the contact is received or, outside working hours, at the next working period.");
    if (!c.holidays.empty())
      raw(" The document lists ").text(std::to_string(c.holidays.size())).raw(c.preset.empty() ? " holidays." : " further closures.");
    raw("</p>\n");
  }

  void fields() {
    raw("<h2 id=\"fields\">What a contact records besides its concerns</h2>\n<ul>\n");
    for (auto& f : doc_.fields) {
      raw("<li><code>").text(f.id).raw("</code>");
      if (!f.text.empty()) raw(": ").text(f.text);
      if (!f.values.empty() && !f.built_in) {
        raw(" (one of:");
        for (auto& v : f.values) raw(" <code>").text(v).raw("</code>");
        raw(")");
      }
      raw("</li>\n");
    }
    raw("</ul>\n");
  }
};

}  // namespace

std::string continuum_html(const RuleSet& rules) { return Page(rules).write(); }

}  // namespace frontdoor
