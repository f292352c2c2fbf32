// Backups through RocksDB's BackupEngine. Backup files go through the encrypted file layer under
// the backup sub-keys; the backup directory holds a copy of the keyring (KEYRING), so a backup
// opens with the key in force when the latest backup into that directory was made.
#include <rocksdb/utilities/backup_engine.h>

#include <filesystem>

#include <hsdt/backup.h>

#include "base/files.h"
#include "base/guard.h"
#include "storage/store.h"

namespace hsdt::storage {
namespace {

// Encrypted environments for reading/writing a backup directory and a database directory.
struct BackupEnvs {
  std::shared_ptr<FileKeys> file_keys = std::make_shared<FileKeys>();
  std::shared_ptr<FileKeys> backup_keys = std::make_shared<FileKeys>();
  std::unique_ptr<rocksdb::Env> db_env;
  std::unique_ptr<rocksdb::Env> backup_env;
};

Result<std::unique_ptr<BackupEnvs>> EnvsFor(const Keyring& keyring) {
  auto envs = std::make_unique<BackupEnvs>();
  HSDT_RETURN_IF_ERROR(keyring.ForEachSubkey(crypto::Purpose::kFiles, [&](auto gen, const auto& k) {
    return envs->file_keys->Add(gen, k);
  }));
  HSDT_RETURN_IF_ERROR(keyring.ForEachSubkey(crypto::Purpose::kBackup, [&](auto gen, const auto& k) {
    return envs->backup_keys->Add(gen, k);
  }));
  envs->file_keys->SetWriteGeneration(keyring.write_generation());
  envs->backup_keys->SetWriteGeneration(keyring.write_generation());
  auto base = rocksdb::FileSystem::Default();
  envs->db_env = rocksdb::NewCompositeEnv(NewEncryptedFileSystem(base, envs->file_keys));
  envs->backup_env = rocksdb::NewCompositeEnv(NewEncryptedFileSystem(base, envs->backup_keys));
  return envs;
}

Result<Keyring> UnlockBackupDir(const std::string& backup_dir, const Key& key) {
  HSDT_ASSIGN_OR_RETURN(std::string bytes,
                        Keyring::Read(backup_dir + "/" + kKeyringFile));
  return Keyring::Unlock(bytes, key);
}

BackupInfo InfoOf(const rocksdb::BackupInfo& b) {
  BackupInfo info;
  info.id = b.backup_id;
  info.timestamp_seconds = b.timestamp;
  info.size_bytes = b.size;
  info.file_count = b.number_files;
  return info;
}

struct ReadOnlyEngine {
  Keyring keyring;
  std::unique_ptr<BackupEnvs> envs;
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine;
};

Result<ReadOnlyEngine> OpenReadOnly(const std::string& backup_dir, const Key& key) {
  HSDT_ASSIGN_OR_RETURN(Keyring keyring, UnlockBackupDir(backup_dir, key));
  HSDT_ASSIGN_OR_RETURN(auto envs, EnvsFor(keyring));
  rocksdb::BackupEngineOptions opts(backup_dir, envs->backup_env.get());
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  HSDT_RETURN_IF_ERROR(
      FromRocks(rocksdb::BackupEngineReadOnly::Open(opts, envs->db_env.get(), &raw), backup_dir));
  return ReadOnlyEngine{std::move(keyring), std::move(envs),
                        std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw)};
}

Result<std::uint32_t> ResolveId(rocksdb::BackupEngineReadOnly& engine, std::uint32_t id,
                                const std::string& dir) {
  if (id != 0) return id;
  rocksdb::BackupInfo latest;
  const rocksdb::Status s = engine.GetLatestBackupInfo(&latest);
  if (s.IsNotFound()) return Status::NotFound(dir + ": no backups");
  HSDT_RETURN_IF_ERROR(FromRocks(s, dir));
  return latest.backup_id;
}

}  // namespace

Result<BackupInfo> Store::Backup(const std::string& backup_dir) {
  HSDT_STORE_ENTER();
  // Owner-only (0700) whatever the umask: the directory holds the database's keyring and data.
  HSDT_RETURN_IF_ERROR(base::CreatePrivateDirectories(backup_dir));
  // Held for the whole backup: no re-key can switch the backup key between the keyring copy
  // and the files it must open.
  base::MutexLock keyring_lock(keyring_mu_);
  // The keyring is written first: it must open every backup the directory will hold.
  HSDT_RETURN_IF_ERROR(Keyring::Write(backup_dir, keyring_->Serialize()));
  std::unique_ptr<rocksdb::Env> backup_env =
      rocksdb::NewCompositeEnv(NewEncryptedFileSystem(base_fs_, backup_keys_));
  rocksdb::BackupEngineOptions opts(backup_dir, backup_env.get());
  opts.sync = true;
  rocksdb::BackupEngine* raw = nullptr;
  HSDT_RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngine::Open(opts, env_.get(), &raw), backup_dir));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  HSDT_RETURN_IF_ERROR(FromRocks(engine->CreateNewBackup(create, db_.get(), &id), "backup"));
  rocksdb::BackupInfo info;
  HSDT_RETURN_IF_ERROR(FromRocks(engine->GetBackupInfo(id, &info), "backup"));
  return InfoOf(info);
}

}  // namespace hsdt::storage

namespace hsdt {

Result<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir, const Key& key) {
  return base::Guard([&]() -> Result<std::vector<BackupInfo>> {
  HSDT_ASSIGN_OR_RETURN(auto ro, storage::OpenReadOnly(backup_dir, key));
  std::vector<rocksdb::BackupInfo> infos;
  ro.engine->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const auto& b : infos) out.push_back(storage::InfoOf(b));
  return out;
  });
}

Status VerifyBackup(const std::string& backup_dir, const Key& key, std::uint32_t backup_id) {
  return base::Guard([&]() -> Status {
  HSDT_ASSIGN_OR_RETURN(auto ro, storage::OpenReadOnly(backup_dir, key));
  HSDT_ASSIGN_OR_RETURN(std::uint32_t id, storage::ResolveId(*ro.engine, backup_id, backup_dir));
  const rocksdb::IOStatus s = ro.engine->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (s.IsNotFound()) return Status::NotFound(backup_dir + ": no backup " + std::to_string(id));
  if (!s.ok()) return Status::Corruption("backup " + std::to_string(id) + ": " + s.ToString());
  return Status::Ok();
  });
}

Status RestoreBackup(const std::string& backup_dir, const Key& key, std::uint32_t backup_id,
                     const std::string& db_dir) {
  return base::Guard([&]() -> Status {
  std::error_code ec;
  if (std::filesystem::exists(db_dir + "/" + storage::kKeyringFile, ec)) {
    return Status::AlreadyExists(db_dir + ": holds a database; restore into an empty directory");
  }
  HSDT_ASSIGN_OR_RETURN(auto ro, storage::OpenReadOnly(backup_dir, key));
  HSDT_ASSIGN_OR_RETURN(std::uint32_t id, storage::ResolveId(*ro.engine, backup_id, backup_dir));
  HSDT_RETURN_IF_ERROR(base::CreatePrivateDirectories(db_dir));
  const rocksdb::IOStatus s = ro.engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), id, db_dir, db_dir);
  if (s.IsNotFound()) return Status::NotFound(backup_dir + ": no backup " + std::to_string(id));
  HSDT_RETURN_IF_ERROR(storage::FromRocks(s, "restore"));
  // Last: only a complete restore is a database.
  return storage::Keyring::Write(db_dir, ro.keyring.Serialize());
  });
}

}  // namespace hsdt
