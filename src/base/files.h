// Files and directories hsdt creates outside RocksDB: owner-only whatever the process umask
// (which a library must never change).
#pragma once

#include <string>
#include <vector>

#include <hsdt/status.h>

namespace hsdt::base {

// Creates `dir` and any missing parent, each new directory with mode 0700 (set explicitly, so a
// umask cannot widen or narrow it); directories that exist are left as they are. If
// `created` is not null, the directories made are appended to it, outermost first.
// Returns: Ok (also when `dir` exists); IOError naming the path ("permission denied", "not a
// directory", ...).
Status CreatePrivateDirectories(const std::string& dir, std::vector<std::string>* created = nullptr);

// A new directory (mode 0700, mkdtemp) named `prefix` + six random characters under $TMPDIR, or
// /tmp. Returns its path; IOError naming the parent.
Result<std::string> MakeTempDirectory(const std::string& prefix);

// An IOError "<path>: <what>: <strerror(err)>" ("permission denied" for EACCES and EPERM).
Status FileError(const std::string& path, const char* what, int err);

}  // namespace hsdt::base
