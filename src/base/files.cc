#include "base/files.h"

#include <sys/stat.h>

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace hsdt::base {

Status FileError(const std::string& path, const char* what, int err) {
  std::string reason = err == EACCES || err == EPERM ? "permission denied" : std::strerror(err);
  if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z') reason[0] = static_cast<char>(reason[0] - 'A' + 'a');
  return Status::IOError(path + ": " + what + ": " + reason);
}

Status CreatePrivateDirectories(const std::string& dir, std::vector<std::string>* created) {
  if (dir.empty()) return Status::InvalidArgument("directory: empty path");
  // Every prefix that ends a component, shortest first ("/a", "/a/b", ...).
  std::vector<std::string> prefixes;
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && dir[i - 1] != '/')) prefixes.push_back(dir.substr(0, i));
  }
  for (const std::string& p : prefixes) {
    if (::mkdir(p.c_str(), 0700) == 0) {
      if (::chmod(p.c_str(), 0700) != 0) return FileError(p, "chmod", errno);
      if (created != nullptr) created->push_back(p);
      continue;
    }
    const int err = errno;
    struct stat st {};
    if (err != EEXIST) {
      // mkdir of an existing directory may fail with EACCES (or EROFS) in a parent we may not write.
      if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
      return FileError(p, "cannot create", err);
    }
    if (::stat(p.c_str(), &st) != 0) return FileError(p, "stat", errno);
    if (!S_ISDIR(st.st_mode)) return Status::IOError(p + ": cannot create: not a directory");
  }
  return Status::Ok();
}

Result<std::string> MakeTempDirectory(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string parent = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  std::string path = parent + "/" + prefix + "XXXXXX";
  if (::mkdtemp(path.data()) == nullptr) return FileError(parent, "cannot make a directory in", errno);
  return path;
}

}  // namespace hsdt::base
