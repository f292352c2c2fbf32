#include "private_io.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hsdt::cli {
namespace {

Status Error(const std::string& path, const char* what, int err) {
  const std::string reason = err == EACCES || err == EPERM ? "permission denied" : std::strerror(err);
  return Status::IOError(path + ": " + what + ": " + reason);
}

}  // namespace

void DisableCoreDumps() {
  const rlimit none{0, 0};
  (void)::setrlimit(RLIMIT_CORE, &none);
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

PrivateFile::~PrivateFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status PrivateFile::Open(const std::string& path) {
  if (fd_ >= 0) return Status::Internal(path_ + ": already open");
  path_ = path;
  // Not truncated at open: if the mode cannot be made 0600, the file is left as it was.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) return Error(path, "cannot create", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Error(path, "stat", err);
  }
  // A pipe or a device (--out /dev/stdout) is written as it is: only regular files get a mode.
  if (S_ISREG(st.st_mode) && (::fchmod(fd, 0600) != 0 || ::ftruncate(fd, 0) != 0)) {
    const int err = errno;
    ::close(fd);
    return Error(path, "cannot make it owner-only", err);
  }
  fd_ = fd;
  return Status::Ok();
}

Status PrivateFile::Write(std::string_view bytes) {
  if (fd_ < 0) return Status::Internal(path_ + ": not open");
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error(path_, "write", errno);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Status PrivateFile::Close() {
  if (fd_ < 0) return Status::Ok();
  const int fd = fd_;
  fd_ = -1;
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;  // EINVAL: a pipe or device
  const int err = errno;
  const bool closed = ::close(fd) == 0;
  if (!synced) return Error(path_, "fsync", err);
  if (!closed) return Error(path_, "close", errno);
  return Status::Ok();
}

Status WritePrivateFile(const std::string& path, std::string_view text) {
  PrivateFile f;
  HSDT_RETURN_IF_ERROR(f.Open(path));
  HSDT_RETURN_IF_ERROR(f.Write(text));
  return f.Close();
}

}  // namespace hsdt::cli
