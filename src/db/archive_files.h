// The files of an archive (docs/archive.md): their names, an owner-only writer and a line reader
// that hash what passes through them (SHA-256), and the audit lines' chain.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <hsdt/archive.h>
#include <hsdt/status.h>

#include "crypto/crypto.h"
#include "schema/archive_codec.h"

namespace hsdt::db::archive {

inline constexpr char kFormat[] = "hsdt-archive";
inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr char kManifest[] = "manifest.json";
inline constexpr char kUnits[] = "units.jsonl";
inline constexpr char kAccounts[] = "accounts.jsonl";
inline constexpr char kGrants[] = "grants.jsonl";
inline constexpr char kHandOvers[] = "handovers.jsonl";
inline constexpr char kDossiers[] = "dossiers.jsonl";
inline constexpr char kAttachments[] = "attachments.jsonl";
inline constexpr char kAudit[] = "audit.jsonl";
inline constexpr char kScanDir[] = "attachments";  // the scans: attachments/<sha256>.<ext>

// An archive directory being written: missing or empty before, removed (or emptied) again on
// destruction unless Done was called, so no half archive is left that looks whole.
class ArchiveDir final {
 public:
  ArchiveDir() = default;
  ~ArchiveDir();
  ArchiveDir(const ArchiveDir&) = delete;
  ArchiveDir& operator=(const ArchiveDir&) = delete;
  // Returns: Ok; AlreadyExists for a directory that is not empty; IOError.
  Status Begin(const std::string& dir);
  void Done() { begun_ = false; }

 private:
  std::string dir_;
  bool made_ = false;
  bool begun_ = false;
};

// A new file `dir`/`name`, created 0600 (never over an existing one), written through a buffer;
// its size and SHA-256 are counted as it goes. Not copyable. Destroyed unfinished, it is
// closed and removed.
class FileWriter final {
 public:
  FileWriter() = default;
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Returns: Ok; IOError naming the path (AlreadyExists if it exists).
  Status Create(const std::string& dir, const std::string& name);
  Status Write(std::string_view bytes);
  // `line` and a newline.
  Status Line(std::string_view line);
  // Writes what is buffered, fsyncs and closes. Returns: the file's entry of the manifest.
  Result<schema::ArchiveFile> Finish();
  std::uint64_t bytes() const { return bytes_; }

 private:
  Status Drain();

  int fd_ = -1;
  std::string path_;
  std::string name_;
  std::string buffer_;
  std::uint64_t bytes_ = 0;
  std::unique_ptr<crypto::StreamHash> sha_;
};

// Reads a file line by line (lines end with a newline; the last line must too), hashing every
// byte read.
class LineReader final {
 public:
  LineReader() = default;
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Returns: Ok; NotFound or IOError naming the path.
  Status Open(const std::string& dir, const std::string& name);
  // The next line without its newline, or false at the end of the file.
  // Returns: InvalidArgument "<name> line N: ..." for a line past kMaxArchiveLineBytes or a file
  // that does not end with a newline; IOError.
  Result<bool> Next(std::string* line);
  // After the end: what was read.
  schema::ArchiveFile Read();
  std::uint64_t line_number() const { return line_; }
  const std::string& name() const { return name_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string name_;
  std::string buffer_;
  std::size_t at_ = 0;
  bool eof_ = false;
  std::uint64_t line_ = 0;
  std::uint64_t bytes_ = 0;
  std::unique_ptr<crypto::StreamHash> sha_;
};

// The size and SHA-256 of `dir`/`name`, read in pieces, at most `max_bytes` + 1 of them.
Result<schema::ArchiveFile> HashFile(const std::string& dir, const std::string& name, std::uint64_t max_bytes);

// Opens `path` to read: a regular file only (not a device, FIFO or symbolic link, which could
// block or never end). Returns: the descriptor; NotFound; InvalidArgument; IOError.
Result<int> OpenRegular(const std::string& path);

// The bytes of the regular files under `dir` (errors skip what cannot be read).
std::uint64_t BytesUnder(const std::string& dir);

// The audit lines' chain (docs/archive.md, "Audit log"): each line ends with
// `,"chain":"<64 hex>"}`; the entry bytes are the line with that ending replaced by `}`, and
// chain(n) = SHA-256(chain(n-1) ‖ entry bytes), chain(0) = 32 zero bytes.
inline constexpr std::size_t kChainSuffixBytes = 10 + 64 + 2;  // ,"chain":" hex "}
// chain(n) as 32 bytes, from chain(n-1) as 32 bytes.
std::string NextChain(std::string_view previous, std::string_view entry_bytes);

// Progress of an export or import: every 1000 items of a stage, and at its end.
inline void ReportProgress(const ArchiveProgressFn& fn, std::string_view stage, std::uint64_t done, bool end = false) {
  if (fn && (end || done % 1000 == 0)) fn(ArchiveProgress{stage, done});
}

// The scan file of an attachment: attachments/<sha256 hex>.<pdf|jpg|png|tif>.
std::string ScanFileName(std::string_view sha256_hex, std::string_view media_type);

}  // namespace hsdt::db::archive
