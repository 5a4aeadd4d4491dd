// `frontdoor decide` on JSON Lines: the contacts' text, as the library's columnar reader
// (columns::decide_json_lines) needs it, with columns::kJsonLinesPadding readable bytes past its
// end. A regular file is mapped, not copied: reading it into fresh memory cost more than parsing
// its first field (the kernel zeroes every page before the copy). Anything else (stdin, a pipe) is
// read into a padded buffer. Move-only.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "frontdoor/columns.hpp"

namespace frontdoor::cli {

class InputText {
 public:
  InputText() = default;
  InputText(InputText&& other) noexcept { *this = std::move(other); }
  InputText& operator=(InputText&& other) noexcept;
  InputText(const InputText&) = delete;
  InputText& operator=(const InputText&) = delete;
  ~InputText() { unmap(); }

  // The whole of `path` ('-': stdin); false (with a message on stderr) when it cannot be read.
  [[nodiscard]] bool read(const std::string& path);

  const char* data() const { return mapped_ ? static_cast<const char*>(mapped_) : owned_.data(); }
  std::size_t size() const {
    if (mapped_) return mapped_size_;
    return owned_.size() < columns::kJsonLinesPadding ? 0 : owned_.size() - columns::kJsonLinesPadding;
  }
  std::string_view text() const { return {data(), size()}; }

 private:
  bool map(int fd, std::size_t size, const std::string& path);
  void unmap();
  std::string owned_ = std::string(columns::kJsonLinesPadding, '\0');  // what was read and its padding, when not mapped
  void* mapped_ = nullptr;                                             // the mapping: the file, then at least kJsonLinesPadding zero bytes
  std::size_t mapped_size_ = 0, span_ = 0;
};

}  // namespace frontdoor::cli
