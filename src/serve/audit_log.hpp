// The service's audit file (`--audit`): one record a line, appended under a mutex and on disk
// (fflush and fsync) before the answer goes. A write that fails (a full disk) is cut back to where
// the file ended, so the records already written stay whole and the caller answers 507.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace frontdoor::serve {

class AuditLog {
 public:
  AuditLog() = default;
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  ~AuditLog();

  // Opens (creating) `path` for appending; false with `error` set when it cannot.
  bool open(const std::string& path, std::string& error);
  bool is_open() const { return fd_ >= 0; }

  // Appends `line` and a newline, durably. False when any of it could not be written or synced.
  bool append(std::string_view line);

 private:
  std::mutex mutex_;
  int fd_ = -1;
};

}  // namespace frontdoor::serve
