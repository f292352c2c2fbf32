// What the command-line tool does to keep personal data and passwords to their owner: no core
// dumps, and owner-only files for what it writes.
#pragma once

#include <hsdt/status.h>

#include <string>
#include <string_view>

namespace hsdt::cli {

// Turns core dumps off for this process (RLIMIT_CORE 0, soft and hard) and makes it not dumpable
// (PR_SET_DUMPABLE 0: no core, no ptrace attach by other processes of the user, /proc/<pid> owned
// by root). The tool holds dossiers, passwords and keys in memory. Call first thing in main.
void DisableCoreDumps();

// A file created (or truncated) for writing, owner-only (mode 0600) whatever the umask: the mode
// is set with fchmod before anything is written, also on a file that existed. Not copyable.
class PrivateFile final {
 public:
  PrivateFile() = default;
  ~PrivateFile();
  PrivateFile(const PrivateFile&) = delete;
  PrivateFile& operator=(const PrivateFile&) = delete;

  // Returns: Ok; IOError naming `path` (nothing written, an existing file's content untouched).
  Status Open(const std::string& path);
  Status Write(std::string_view bytes);
  // Flushes to disk and closes. Returns: Ok; IOError naming the path.
  Status Close();

 private:
  int fd_ = -1;
  std::string path_;
};

// Writes `text` to `path` as a PrivateFile.
Status WritePrivateFile(const std::string& path, std::string_view text);

}  // namespace hsdt::cli
