#include "serve/audit_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace frontdoor::serve {

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool AuditLog::open(const std::string& path, std::string& error) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) error = path + ": cannot open for appending: " + std::strerror(errno);
  return fd_ >= 0;
}

bool AuditLog::append(std::string_view line) {
  std::string text(line);
  text += '\n';
  std::lock_guard lock(mutex_);
  // A plain write() to a file descriptor: nothing is held in a user-space buffer that a later
  // failure could strand, so "written" means handed to the kernel, and fsync makes it durable.
  struct stat before {};
  const bool regular = ::fstat(fd_, &before) == 0 && S_ISREG(before.st_mode);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  bool ok = done == text.size() && (::fsync(fd_) == 0 || !regular);
  if (!ok && regular && done > 0) {
    // Half a record would make the next one unreadable: cut the file back to its last whole line.
    if (::ftruncate(fd_, before.st_size) == 0) ::fsync(fd_);
  }
  return ok;
}

}  // namespace frontdoor::serve
