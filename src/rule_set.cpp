// Stages 1-4 wired together: load -> check expressions -> compile -> an immutable RuleSet.
#include <fstream>
#include <sstream>

#include "compile/program.hpp"
#include "frontdoor/rule_set.hpp"
#include "load/loader.hpp"
#include "load/quote_advice.hpp"

namespace frontdoor {

RuleSet::RuleSet(std::unique_ptr<detail::Program> p) : program_(std::move(p)) {}
RuleSet::~RuleSet() = default;

const ThresholdDocument& RuleSet::document() const noexcept { return program_->doc; }
const SourceText& RuleSet::source() const noexcept { return *program_->source; }
const std::string& RuleSet::sha256() const noexcept { return program_->sha256; }
std::size_t RuleSet::name_count() const noexcept { return program_->slot_names.size(); }
std::string_view RuleSet::name(Index slot) const noexcept {
  return slot < program_->slot_names.size() ? std::string_view(program_->slot_names[slot]) : std::string_view();
}

Compilation compile(std::string_view text, std::string path, const CompileOptions& options) {
  Compilation out;
  auto source = std::make_shared<const SourceText>(std::move(path), std::string(text));
  out.source = source;
  auto program = std::make_unique<detail::Program>();
  program->source = source;
  detail::load_document(*source, options, program->doc, out.diagnostics);
  // Expressions are checked even when the structure has errors, so one run reports them all.
  detail::compile_program(*program, options, out.diagnostics);
  detail::advise_quoting_when(*source, out.diagnostics, 0);
  if (has_errors(out.diagnostics)) return out;
  program->sha256 = detail::sha256_hex(text);
  out.rule_set = std::shared_ptr<const RuleSet>(new RuleSet(std::move(program)));
  return out;
}

Result<Compilation> compile_file(const std::filesystem::path& path, const CompileOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error{path.string() + ": is a directory, not a threshold document"};
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error{path.string() + ": cannot read (" + ec.message() + ")"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string() + ": cannot open for reading"};
  std::string text;
  // Read one byte past the limit, so an oversized file is reported by the loader with its size.
  text.resize(static_cast<std::size_t>(std::min<std::uintmax_t>(size, options.max_document_bytes + 1)));
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (size > options.max_document_bytes) {
    Compilation out;
    out.source = std::make_shared<const SourceText>(path.string(), std::string());
    Diagnostic d;
    d.code = "FD104";
    d.message =
        "the document is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(options.max_document_bytes) + " bytes";
    d.path = path.string();
    out.diagnostics.push_back(std::move(d));
    return out;
  }
  return compile(text, path.string(), options);
}

}  // namespace frontdoor
