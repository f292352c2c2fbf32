// Database: one hsdt database, a directory holding an encrypted RocksDB and its keyring.
//
// Every dossier is a chain of immutable versions. Each write is one atomic, fsynced (by default)
// RocksDB batch; nothing is ever physically deleted. See docs/format.md for the on-disk format
// and the durability of each mode.
//
// Threads: a Database is safe to use from many threads at once. Concurrent updates of one dossier
// are serialised; exactly one of several updates that expect the same version succeeds, the
// others fail with Conflict and write nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/backup.h>
#include <hsdt/dossier.h>
#include <hsdt/key.h>
#include <hsdt/options.h>
#include <hsdt/status.h>

namespace hsdt {

// What Database::Check found. Empty `problems` means every record version authenticated and
// decoded and every index entry matched its record.
struct CheckReport {
  std::uint64_t dossiers = 0;
  std::uint64_t versions = 0;
  std::uint64_t index_entries = 0;
  std::vector<std::string> problems;  // each "<key>: <what is wrong>"
};

// Progress of re-encryption to a fresh data key.
struct RekeyProgress {
  bool done = false;
  std::uint32_t key_generation = 0;  // the generation everything is being moved to
  std::uint64_t resealed = 0;        // values re-sealed by this call
  std::uint64_t remaining = 0;       // values still under an older key (0 when done)
};

struct DatabaseStats {
  std::uint64_t dossiers = 0;
  std::uint32_t key_generation = 0;
  std::uint32_t dictionary_id = 0;  // compression dictionary used for new writes (0: none)
  std::uint64_t record_cache_hits = 0;
  std::uint64_t record_cache_misses = 0;
  std::uint64_t disk_bytes = 0;     // bytes of every file in the database directory
  bool read_only = false;
  std::string read_only_reason;
};

class Database final {
 public:
  // Opens (or, with options.create_if_missing, creates) the database in `dir`.
  // Returns:   the open database; BadKey if `key` does not unwrap its data key; NotFound if
  //            there is none and create_if_missing is false; AlreadyExists with error_if_exists;
  //            UnsupportedFormat for a newer format; Corruption; Busy if another process has it
  //            open; IOError.
  // Ownership: borrows `key` for the call only. Since: 1.0
  static Result<std::unique_ptr<Database>> Open(const std::string& dir, const Key& key,
                                                const OpenOptions& options);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  // Closes the database; errors are lost (call Close() to see them).
  ~Database();

  // Flushes and closes. Further calls fail with IOError. Safe to call twice.
  // Returns: Ok, or the first error of the final sync.
  Status Close();

  // Creates a dossier at version 1; the engine assigns its id and every row's recordedAt.
  // Contract:  the draft has no `id`.
  // Returns:   the new id and version; InvalidArgument naming the JSON path; IOError (the handle
  //            may then be read-only); ResourceExhausted.
  Result<WriteResult> Create(const DossierDraft& draft, const ChangeContext& context);
  Result<WriteResult> Create(std::string_view json, const ChangeContext& context);

  // Replaces dossier `id` by a new version, if its latest version is `expected_version`.
  // Status and managing unit cannot change here (ChangeStatus; hand-over).
  // Returns:   the new version; Conflict if the version moved (nothing written); NotFound;
  //            InvalidArgument naming the JSON path; IOError.
  Result<WriteResult> Update(std::string_view id, std::uint32_t expected_version,
                             const DossierDraft& draft, const ChangeContext& context);
  Result<WriteResult> Update(std::string_view id, std::uint32_t expected_version,
                             std::string_view json, const ChangeContext& context);

  // Records a status change (retired, resigned, deceased, transferred out...) as a new version.
  // `status` is a status enumerant of docs/format.md, e.g. "nghiHuu".
  // Returns:   as Update; InvalidArgument if `status` is unknown or equal to the current one.
  Result<WriteResult> ChangeStatus(std::string_view id, std::uint32_t expected_version,
                                   std::string_view status, const ChangeContext& context);

  // Reads the latest version, a given version, or the version in force at transaction time
  // `micros` (the last one recorded at or before it).
  // Returns:   the dossier; NotFound; Corruption naming the key if it fails to authenticate.
  Result<Dossier> Get(std::string_view id);
  Result<Dossier> GetVersion(std::string_view id, std::uint32_t version);
  Result<Dossier> GetAsOf(std::string_view id, std::int64_t micros);

  // Lists every version of dossier `id`, oldest first.
  Result<std::vector<VersionInfo>> History(std::string_view id);

  // JSON paths whose values differ between two versions, in document order: "$.rank.step",
  // "$.salaryHistory[3]" (a row added or removed), "$.status".
  Result<std::vector<std::string>> Diff(std::string_view id, std::uint32_t from_version,
                                        std::uint32_t to_version);

  // Dossier ids in order, starting after `after` ("" for the first), at most `limit` of them.
  Result<std::vector<std::string>> ListIds(std::string_view after, std::size_t limit);

  // Makes every acknowledged commit durable (useful with Durability::kNoSync).
  Status Sync();

  // Authenticates and decodes every stored value, checks every version chain and index entry.
  // Returns: the report (problems named by key); IOError if the scan itself failed.
  Result<CheckReport> Check();

  // Re-wraps the data key under `new_key` (the old one no longer opens the database). Nothing
  // else is rewritten. Returns: Ok; IOError (the old key still works).
  Status ChangeKey(const Key& new_key);

  // Re-encrypts everything under a fresh data key. Resumable: the first call starts a new key
  // generation; each call re-seals up to `max_values` values (0: all), and the call that
  // finishes compacts every file onto the new key. Reopening and calling again continues.
  Result<RekeyProgress> Rekey(std::uint64_t max_values);

  // Trains a zstd dictionary on a sample of stored records and uses it for later writes.
  // Returns: the new dictionary id; InvalidArgument if there are too few records.
  Result<std::uint32_t> TrainDictionary();

  // Backs the database up into `backup_dir` (created if needed), encrypted under the backup key.
  // Returns: the new backup; IOError.
  Result<BackupInfo> Backup(const std::string& backup_dir);

  Result<DatabaseStats> Stats();

  class Impl;

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hsdt
