// Backups: encrypted copies of a database, made by RocksDB's BackupEngine through hsdt's
// encrypted file layer, verified by checksum and restored with the key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hsdt/key.h>
#include <hsdt/status.h>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

struct BackupInfo {
  std::uint32_t id = 0;
  std::int64_t timestamp_seconds = 0;
  std::uint64_t size_bytes = 0;
  std::uint32_t file_count = 0;
};

// Lists the backups in `backup_dir`.
// Returns: the list, oldest first; BadKey if `key` does not open the backup's keyring;
//          NotFound if the directory holds no hsdt backup; IOError. Since: 1.0
Result<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir, const Key& key);

// Reads every file of backup `backup_id` (0: the latest) and checks its checksum and size.
// Returns: Ok; Corruption naming the bad file; BadKey; NotFound. Since: 1.0
Status VerifyBackup(const std::string& backup_dir, const Key& key, std::uint32_t backup_id);

// Restores backup `backup_id` (0: the latest) into `db_dir`, which must not hold a database.
// The restored database opens with the key that was in force when the last backup into
// `backup_dir` was made.
// Returns: Ok; AlreadyExists if db_dir holds a database; BadKey; NotFound; Corruption; IOError.
// Since: 1.0
Status RestoreBackup(const std::string& backup_dir, const Key& key, std::uint32_t backup_id,
                     const std::string& db_dir);

#pragma GCC visibility pop
}  // namespace hsdt
