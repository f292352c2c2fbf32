// The plain types of the Store's interface: column families, options, commits and scans.
#pragma once

#include <rocksdb/file_system.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

#include "base/clock.h"
#include "storage/compressor.h"
#include "schema/version_info.h"

namespace rocksdb {
class Snapshot;
}  // namespace rocksdb

namespace hsdt::storage {

// A read snapshot (Store::Snapshot), opaque above storage; see HeldSnapshot in store.h.
using SnapshotHandle = const rocksdb::Snapshot*;
// The file system under the encryption layer (null: the local one); tests inject faults there.
using BaseFileSystem = std::shared_ptr<rocksdb::FileSystem>;

// What a write to a read-only view is told.
inline constexpr char kReadOnlyView[] =
    "a read-only view (OpenOptions::read_only) writes nothing: make the change in the process that "
    "opened the database for writing";

enum Cf : int {
  kMetaCf = 0, kCurrentCf, kHistoryCf, kIndexCf, kAuditCf, kRegistryCf, kFeedCf, kAttachCf, kCfCount
};
const char* CfName(Cf cf);

struct StoreOptions {
  bool create_if_missing = false;
  bool error_if_exists = false;
  bool sync = true;
  int kdf_cost = 1;
  std::size_t block_cache_bytes = std::size_t{32} << 20;
  std::uint32_t dictionary_training_records = 1000;
  const base::Clock* clock = nullptr;                // null: the system clock
  BaseFileSystem base_fs;                             // null: the local file system
  // Damage before the end of the write-ahead log: false refuses to open (Corruption naming the
  // file); true opens with what precedes the damage and reports it in log_damage().
  bool accept_log_damage = false;
  // A read-only view beside a running primary (RocksDB's secondary instance): nothing is
  // written to `dir`; `secondary_dir` (required) receives the view's own info log.
  bool read_only = false;
  std::string secondary_dir;
};

// One version's change record (history); its codec is schema's.
using VersionMeta = schema::VersionRecord;

// One put or delete of a write batch.
struct BatchOp {
  Cf cf = kMetaCf;
  std::string key;
  std::string value;
  bool erase = false;
};

struct IndexPut {
  std::string key;
  std::string value;
};

// One commit: the new version of a dossier, its history entry and index changes, written in one
// atomic RocksDB batch.
struct CommitRequest {
  std::uint64_t id = 0;
  // 0: create, and then `id` must come from AllocateId (the store does not look for a record).
  std::uint32_t expected_version = 0;
  std::string_view record;             // plaintext flat message of version expected_version + 1
  VersionMeta meta;  // meta.version is set by Commit; recorded_at_micros 0: NextCommitMicros()
  std::vector<std::string> index_deletes;
  std::vector<IndexPut> index_puts;
  // Index keys that must not exist unless deleted by this commit (unique values); the caller
  // holds the stripes of these keys (LockStripes).
  std::vector<std::string> unique_keys;
};

// A commit checked and sealed, ready to be written (with its audit entry) in one batch.
struct PreparedCommit {
  VersionMeta meta;
  std::vector<BatchOp> ops;
  bool created = false;
  std::uint32_t dictionary = 0;
};

struct StoredRecord {
  std::uint32_t version = 0;
  std::int64_t recorded_at_micros = 0;
  PlainBytes bytes;
};

// What a scan's visitor answers for each (key, value): go on to the next key, or end the scan
// there (the scan then returns Ok). An error ends the scan too, and the scan returns it.
enum class Next : std::uint8_t { kContinue, kStop };
using Visitor = std::function<Result<Next>(std::string_view key, std::string_view value)>;

// The keys a scan visits, in key order: start <= key, key < end (end empty: to the end of the
// family), and key starts with `prefix`; read at `snapshot` (Store::Snapshot) if given.
struct ScanRange {
  std::string_view start;
  std::string_view end;
  std::string_view prefix;
  const rocksdb::Snapshot* snapshot = nullptr;

  // The whole family.
  static ScanRange All() { return ScanRange{{}, {}, {}, nullptr}; }
  // Every key with `p` as prefix.
  static ScanRange Prefix(std::string_view p, const rocksdb::Snapshot* at = nullptr) {
    return ScanRange{p, {}, p, at};
  }
  // Keys from `first` to the end of the family.
  static ScanRange From(std::string_view first) { return ScanRange{first, {}, {}, nullptr}; }
  // Keys in [first, last_excluded).
  static ScanRange Between(std::string_view first, std::string_view last_excluded) {
    return ScanRange{first, last_excluded, {}, nullptr};
  }
};

}  // namespace hsdt::storage
