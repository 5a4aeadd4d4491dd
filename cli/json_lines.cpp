// The contacts' text for the library's JSON Lines batch (columns::decide_json_lines): a regular
// file mapped, anything else read into a padded buffer.
#include "json_lines.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "io.hpp"

namespace frontdoor::cli {

InputText& InputText::operator=(InputText&& other) noexcept {
  if (this == &other) return *this;
  unmap();
  owned_ = std::move(other.owned_);
  mapped_ = std::exchange(other.mapped_, nullptr);
  mapped_size_ = std::exchange(other.mapped_size_, 0);
  span_ = std::exchange(other.span_, 0);
  return *this;
}

void InputText::unmap() {
  if (mapped_) ::munmap(mapped_, span_);
  mapped_ = nullptr;
  mapped_size_ = span_ = 0;
}

namespace {

// A mapped file that another program shortens while it is read makes the kernel send SIGBUS on the
// next touch of a page past its new end. That is worded as the file's error, not a crash.
char sigbus_message[4096];
std::size_t sigbus_length = 0;
extern "C" void on_sigbus(int) {
  (void)!::write(2, sigbus_message, sigbus_length);
  ::_exit(2);  // the command line's "cannot run"
}
void word_sigbus(const std::string& path) {
  std::string m = "frontdoor: " + path + ": the file changed while it was being read\n";
  sigbus_length = std::min(m.size(), sizeof sigbus_message);
  std::memcpy(sigbus_message, m.data(), sigbus_length);
  struct sigaction action {};
  action.sa_handler = on_sigbus;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, nullptr);
}

}  // namespace

// The file's pages are mapped over a zeroed anonymous span SIMDJSON_PADDING bytes longer, so the
// padding is there whatever the file's length. The pages are populated at once (MAP_POPULATE):
// page cache pages are mapped, nothing is copied or zeroed.
bool InputText::map(int fd, std::size_t size, const std::string& path) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t span = (size + columns::kJsonLinesPadding + page - 1) / page * page;
  void* base = ::mmap(nullptr, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return false;
  if (::mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
    ::munmap(base, span);
    return false;
  }
  unmap();
  owned_.clear();
  mapped_ = base;
  mapped_size_ = size;
  span_ = span;
  word_sigbus(path);
  return true;
}

bool InputText::read(const std::string& path) {
  columns::PhaseTimer timer;
  struct Lap {
    columns::PhaseTimer& timer;
    ~Lap() { timer.lap("read"); }
  } lap{timer};
  unmap();
  if (path == "-") {
    owned_.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    owned_.append(columns::kJsonLinesPadding, '\0');
    return true;
  }
  if (!not_a_directory(path)) return false;
  auto fail = [&] {
    std::cerr << "frontdoor: " << path << ": cannot open for reading\n";
    return false;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail();
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return fail();
  const auto size = static_cast<std::size_t>(st.st_size);
  if (S_ISREG(st.st_mode) && size > 0 && map(fd, size, path)) return true;
  // A pipe, a device, an empty file or one that cannot be mapped: read as a stream.
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail();
  owned_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return fail();
  owned_.append(columns::kJsonLinesPadding, '\0');
  return true;
}

}  // namespace frontdoor::cli
