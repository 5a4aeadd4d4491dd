// The only file that includes libfyaml (see yaml_tree.hpp for why events, not a document tree).
//
// libfyaml replaced yaml-cpp here (issue 6): yaml-cpp's scanner was about 80% of compiling the default
// document. The tree, the `quoted` flag, the offsets and the diagnostics are what the yaml-cpp reader
// gave; docs/limits.md ("The YAML parser") lists the few places where the two parsers differ.
#include <libfyaml.h>

#include <algorithm>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/diagnostics.hpp"
#include "load/yaml_tree.hpp"

namespace frontdoor::detail {
namespace {

constexpr std::size_t kNoPos = static_cast<std::size_t>(-1);

struct ParserDeleter {
  void operator()(fy_parser* p) const noexcept { fy_parser_destroy(p); }
};
struct DiagDeleter {
  void operator()(fy_diag* d) const noexcept { fy_diag_destroy(d); }
};
// An event is freed by the parser that made it: this deleter is bound to that parser.
struct EventDeleter {
  fy_parser* parser;
  void operator()(fy_event* e) const noexcept { fy_parser_event_free(parser, e); }
};
using EventPtr = std::unique_ptr<fy_event, EventDeleter>;

std::size_t start_of(const fy_mark* m) { return m ? m->input_pos : kNoPos; }
std::size_t start_of(fy_token* t) { return t ? start_of(fy_token_start_mark(t)) : kNoPos; }
std::size_t end_of(fy_token* t) { return t ? start_of(fy_token_end_mark(t)) : kNoPos; }
std::string_view text_of(fy_token* t) {
  std::size_t len = 0;
  const char* s = t ? fy_token_get_text(t, &len) : nullptr;
  return s ? std::string_view(s, len) : std::string_view();
}

// A single-quoted scalar's text from its source between the quotes: '' is one quote, and line
// breaks fold as in any flow scalar (YAML 1.2, 7.3.2): spaces and tabs around a break go, a single
// break becomes a space, and n + 1 breaks (n blank lines) become n newlines. Done here because
// libfyaml 0.7.12 gets runs of '' wrong (the text x''''''y in single quotes comes back as x and four
// quotes, not x, three quotes and y) and leaks a buffer doing it; its other styles decode correctly.
std::string single_quoted(std::string_view raw) {
  std::vector<std::string_view> lines;
  for (std::size_t from = 0;;) {
    std::size_t nl = raw.find('\n', from);
    std::string_view line = raw.substr(from, nl == std::string_view::npos ? std::string_view::npos : nl - from);
    if (nl != std::string_view::npos && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    from = nl + 1;
  }
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  std::string out;
  std::size_t empty = 0;  // blank lines since the last text
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    const bool last = i + 1 == lines.size();
    if (i > 0)
      while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    if (!last)
      while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    if (i > 0 && !last && line.empty()) {
      ++empty;
      continue;
    }
    if (i > 0) out.append(empty ? empty : 1, empty ? '\n' : ' ');
    empty = 0;
    for (std::size_t k = 0; k < line.size(); ++k) {
      out.push_back(line[k]);
      if (line[k] == '\'' && k + 1 < line.size() && line[k + 1] == '\'') ++k;  // '' is one quote
    }
  }
  return out;
}

// Turns libfyaml's events into a YamlNode tree, with the checks the loader relies on.
class TreeBuilder {
 public:
  TreeBuilder(const SourceText& src, const YamlLimits& limits, Diagnostics& diags)
      : src_(src), max_nesting_(limits.max_nesting), max_items_(limits.max_items), diags_(diags) {}

  YamlNode root;

  // One event of a document's body. False when a limit was hit (a diagnostic has been given and
  // parsing must stop).
  bool on_event(fy_event* e) {
    std::size_t mark = start_of(fy_event_start_mark(e));
    // A node libfyaml gives no position (an empty value) is placed where the next token starts, as
    // yaml-cpp placed it: `levels:` with nothing after it points at the line that follows.
    if (pending_) {
      node_at(*pending_).at = offset(mark != kNoPos ? mark : last_end_);
      pending_.reset();
    }
    bool ok = true;
    switch (e->type) {
      case FYET_SCALAR: ok = scalar(e, mark); break;
      case FYET_ALIAS: {
        SourceOffset at = offset(behind(mark, '*'));
        diags_.error("FD103", at, "YAML aliases (*name) are not allowed in a threshold document; write the value out");
        YamlNode n;
        n.at = at;
        ok = add(std::move(n));
        break;
      }
      case FYET_SEQUENCE_START: ok = open(YamlNode::Kind::sequence, e, mark); break;
      case FYET_MAPPING_START: ok = open(YamlNode::Kind::mapping, e, mark); break;
      case FYET_SEQUENCE_END:
      case FYET_MAPPING_END: ok = close(); break;
      default: break;
    }
    if (std::size_t end = start_of(fy_event_end_mark(e)); end != kNoPos && (last_end_ == kNoPos || end > last_end_)) last_end_ = end;
    return ok;
  }

  // The document ended: a node still waiting for a position (an empty document) gets `pos`, where
  // the next token (`...`, `---` or the end of the file) starts.
  void finish(std::size_t pos) {
    if (pending_) node_at(*pending_).at = offset(pos != kNoPos ? pos : last_end_);
    pending_.reset();
  }

 private:
  struct Slot {
    std::size_t depth;  // stack_ depth of the parent (0: the root)
    std::size_t index;  // in the parent's children
  };

  SourceOffset offset(std::size_t pos) const {
    if (pos == kNoPos) return kNoOffset;
    return static_cast<SourceOffset>(std::min(pos, src_.text().size()));
  }
  // libfyaml's marks for quoted scalars, anchors and aliases point past the opening quote, & or *;
  // ours (and yaml-cpp's) point at it.
  std::size_t behind(std::size_t pos, char c) const {
    const std::string& t = src_.text();
    return pos != kNoPos && pos > 0 && pos <= t.size() && t[pos - 1] == c ? pos - 1 : pos;
  }
  // A block scalar's mark is where its content starts, on the line after the header; ours is the
  // `|` or `>` indicator. It is the first one after the previous token (comments skipped).
  std::size_t block_indicator(std::size_t from, std::size_t content) const {
    const std::string& t = src_.text();
    if (content == kNoPos || content > t.size()) return content;
    if (from == kNoPos) from = 0;
    for (std::size_t i = from; i < content; ++i) {
      if (t[i] == '#' && (i == 0 || t[i - 1] == ' ' || t[i - 1] == '\t' || t[i - 1] == '\n' || t[i - 1] == '\r')) {
        while (i < content && t[i] != '\n') ++i;
      } else if (t[i] == '|' || t[i] == '>') {
        return i;
      }
    }
    return content;
  }
  // Where a node starts: its first property (anchor or tag), else its own token, as yaml-cpp had it.
  std::size_t node_start(fy_event* e, std::size_t mark, std::size_t& props_end) const {
    std::size_t at = mark;
    props_end = last_end_;
    if (fy_token* a = fy_event_get_anchor_token(e)) {
      at = std::min(at, behind(start_of(a), '&'));
      if (std::size_t end = end_of(a); end != kNoPos && (props_end == kNoPos || end > props_end)) props_end = end;
    }
    if (fy_token* tag = fy_event_get_tag_token(e)) {
      at = std::min(at, start_of(tag));
      if (std::size_t end = end_of(tag); end != kNoPos && (props_end == kNoPos || end > props_end)) props_end = end;
    }
    return at;
  }
  // Anchors are refused; a tag other than the non-specific "!" is refused on a scalar. Tags on lists
  // and mappings are ignored, as they were with yaml-cpp.
  void properties(fy_event* e, SourceOffset at) {
    if (fy_event_get_anchor_token(e))
      diags_.error("FD103", at, "YAML anchors (&name) are not allowed in a threshold document");
  }

  bool scalar(fy_event* e, std::size_t mark) {
    fy_token* value = e->scalar.value;
    enum fy_scalar_style style = value ? fy_token_scalar_style(value) : FYSS_PLAIN;
    std::size_t props_end = kNoPos;
    std::size_t start = mark;
    if (style == FYSS_SINGLE_QUOTED) start = behind(mark, '\'');
    else if (style == FYSS_DOUBLE_QUOTED) start = behind(mark, '"');
    std::size_t at = node_start(e, start, props_end);
    if ((style == FYSS_LITERAL || style == FYSS_FOLDED) && at == start) at = block_indicator(props_end, mark);
    YamlNode n;
    n.at = offset(at);
    properties(e, n.at);
    std::string own;  // a single-quoted scalar's text, decoded here (see single_quoted)
    std::string_view text;
    if (style == FYSS_SINGLE_QUOTED && value && start_of(value) != kNoPos && end_of(value) != kNoPos &&
        start_of(value) <= end_of(value) && end_of(value) <= src_.text().size()) {
      own = single_quoted(std::string_view(src_.text()).substr(start_of(value), end_of(value) - start_of(value)));
      text = own;
    } else {
      text = text_of(value);
    }
    fy_token* tag = fy_event_get_tag_token(e);
    std::string_view tag_text = text_of(tag);
    if (tag && tag_text != "!")
      diags_.error("FD101", n.at, "YAML tags (" + std::string(tag_text) + ") are not allowed in a threshold document");
    if (!tag && style == FYSS_PLAIN && (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")) {
      n.kind = YamlNode::Kind::null;  // yaml-cpp's null: an empty value, or a plain null word
    } else {
      n.kind = YamlNode::Kind::scalar;
      n.value.assign(text);
      // Quoted and block scalars, and the non-specific tag "!", are text; a plain scalar may be a
      // number, bool or null.
      n.quoted = tag ? tag_text == "!" : style != FYSS_PLAIN;
    }
    bool waits = at == kNoPos;
    if (!add(std::move(n))) return false;
    if (waits) pending_ = Slot{stack_.size(), stack_.empty() ? 0 : stack_.back().children.size() - 1};
    return true;
  }

  bool open(YamlNode::Kind kind, fy_event* e, std::size_t mark) {
    std::size_t props_end = kNoPos;
    std::size_t at = node_start(e, mark, props_end);
    if (stack_.size() >= max_nesting_) {
      diags_.error("FD104", offset(at), "nesting is deeper than the limit of " + std::to_string(max_nesting_) + " levels");
      return false;
    }
    YamlNode n;
    n.kind = kind;
    n.at = offset(at);
    properties(e, n.at);
    stack_.push_back(std::move(n));
    return true;
  }
  bool close() {
    if (stack_.empty()) return true;
    YamlNode n = std::move(stack_.back());
    stack_.pop_back();
    if (n.is_map()) check_duplicate_keys(n);
    return add(std::move(n));
  }
  bool add(YamlNode n) {
    if (stack_.empty()) {
      root = std::move(n);
      return true;
    }
    YamlNode& parent = stack_.back();
    // Every list and mapping is bounded (so are the sections, by the same number): this also bounds
    // the work of every per-item check that follows, and the diagnostics a hostile document can cause.
    if (parent.children.size() >= (parent.is_map() ? 2 * max_items_ : max_items_)) {
      diags_.error("FD104", parent.at, std::string(parent.is_map() ? "this mapping has more than " : "this list has more than ") +
                                           std::to_string(max_items_) + (parent.is_map() ? " keys" : " items") +
                                           ", over the limit of " + std::to_string(max_items_) + " entries");
      return false;
    }
    if (parent.is_map() && parent.children.size() % 2 == 0 && !n.is_scalar() && !n.is_null())
      diags_.error("FD101", n.at, "a mapping key must be a plain word, not a list or mapping");
    // A flow pair such as `[a: b]` is marked at its ':'; it starts at its key.
    if (parent.children.empty() && n.at != kNoOffset && (parent.at == kNoOffset || n.at < parent.at)) parent.at = n.at;
    parent.children.push_back(std::move(n));
    return true;
  }
  YamlNode& node_at(const Slot& s) { return s.depth == 0 ? root : stack_[s.depth - 1].children[s.index]; }

  // A hash of the keys seen: a mapping can have hundreds of thousands of keys before the section
  // limits apply, and comparing every pair of them would hang.
  void check_duplicate_keys(const YamlNode& map) {
    std::unordered_map<std::string_view, std::size_t> first;
    first.reserve(map.size());
    for (std::size_t i = 0; i < map.size(); ++i) {
      auto [it, fresh] = first.emplace(map.key(i).value, i);
      if (!fresh)
        diags_.error("FD102", map.key(i).at,
                     "duplicate key '" + map.key(i).value + "' (first at " + src_.where(map.key(it->second).at) + ")");
    }
  }

  const SourceText& src_;
  unsigned max_nesting_;
  std::size_t max_items_;
  Diagnostics& diags_;
  std::vector<YamlNode> stack_;
  std::optional<Slot> pending_;
  std::size_t last_end_ = kNoPos;  // the furthest end of a token seen so far
};

// libfyaml reports a line and a column in characters (a tab is one); ours are byte offsets.
SourceOffset offset_of_char(const SourceText& source, int line, int column) {
  if (line < 1) return 0;
  SourceOffset at = source.offset_of(static_cast<std::uint32_t>(line), 1);
  const std::string& t = source.text();
  for (int c = 1; c < column && at < t.size() && t[at] != '\n'; ++c) {
    ++at;
    while (at < t.size() && (static_cast<unsigned char>(t[at]) & 0xC0) == 0x80) ++at;  // continuation bytes
  }
  return at;
}

// The first error libfyaml collected, as an FD101 diagnostic.
void syntax_error(fy_diag* diag, const SourceText& source, Diagnostics& diags) {
  void* it = nullptr;
  while (fy_diag_error* e = fy_diag_errors_iterate(diag, &it)) {
    if (e->type < FYET_ERROR) continue;
    std::string msg = e->msg ? e->msg : "";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    diags.error("FD101", offset_of_char(source, e->line, e->column), "YAML syntax: " + (msg.empty() ? std::string("not valid YAML") : msg));
    return;
  }
  diags.error("FD101", 0, "YAML syntax: the parser stopped without saying why");
}

}  // namespace

YamlNode read_yaml(const SourceText& source, const YamlLimits& limits, std::vector<Diagnostic>& out) {
  Diagnostics diags(source, out);
  if (!check_text(source, limits.max_bytes, diags)) return {};

  // Errors are collected, never printed: the output function is only a safety net.
  fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = nullptr;
  dcfg.output_fn = [](fy_diag*, void*, const char*, size_t) {};
  dcfg.colorize = false;
  std::unique_ptr<fy_diag, DiagDeleter> diag(fy_diag_create(&dcfg));
  if (!diag) throw std::bad_alloc();
  fy_diag_set_collect_errors(diag.get(), true);

  fy_parse_cfg cfg{};
  unsigned flags = FYPCF_QUIET | FYPCF_JSON_NONE | FYPCF_DISABLE_MMAP_OPT;
  // libfyaml's own depth limit (at least 64) must not fire before ours does.
  if (limits.max_nesting >= FYPCF_GUARANTEED_MINIMUM_DEPTH_LIMIT) flags |= FYPCF_DISABLE_DEPTH_LIMIT;
  cfg.flags = static_cast<fy_parse_cfg_flags>(flags);
  cfg.diag = diag.get();
  std::unique_ptr<fy_parser, ParserDeleter> parser(fy_parser_create(&cfg));
  if (!parser || fy_parser_set_string(parser.get(), source.text().data(), source.text().size()) != 0) throw std::bad_alloc();

  TreeBuilder builder(source, limits, diags);
  std::optional<TreeBuilder> rest;  // a second document, read only to say where it is
  TreeBuilder* current = nullptr;   // the document being read
  TreeBuilder* ended = nullptr;     // a document that ended implicitly, finished at the next token
  int documents = 0;
  for (;;) {
    EventPtr e(fy_parser_parse(parser.get()), EventDeleter{parser.get()});
    if (!e) {  // an error (the stream always ends with STREAM_END otherwise)
      syntax_error(diag.get(), source, diags);
      return {};
    }
    fy_event_type type = e->type;
    if (ended) {
      std::size_t mark = start_of(fy_event_start_mark(e.get()));
      ended->finish(mark != kNoPos ? mark : source.text().size());
      ended = nullptr;
      if (documents >= 2) break;
    }
    if (type == FYET_STREAM_END) break;
    if (type == FYET_STREAM_START) continue;
    if (type == FYET_DOCUMENT_START) {
      if (++documents == 1) {
        current = &builder;
      } else {
        rest.emplace(source, limits, diags);
        current = &*rest;
      }
      continue;
    }
    if (type == FYET_DOCUMENT_END) {
      if (fy_token* end = e->document_end.document_end) {  // an explicit `...`
        current->finish(start_of(end));
        if (documents >= 2) break;
      } else {
        ended = current;
      }
      current = nullptr;
      continue;
    }
    if (current && !current->on_event(e.get())) return {};
  }
  if (documents >= 2) diags.error("FD101", rest->root.at, "only one YAML document is allowed per file");
  if (documents == 0) {
    diags.error("FD111", 0, "the document is empty");
    return {};
  }
  return std::move(builder.root);
}

}  // namespace frontdoor::detail
