// Store, the room of opening: the keyring and RocksDB under the encrypted file layer, the
// column families and their options, the on-disk format number, the lifetime (Close), the
// failure mode (read-only after a failed write) and the plain access to the families (point
// reads, scans, batches). Versions: store_versions.cc; keys and re-key: store_keys.cc; the
// compression dictionary: store_dictionary.cc.
#include "storage/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/file_checksum.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>

#include <hsdt/version.h>

#include "base/coding.h"
#include "storage/info_log.h"
#include "storage/log_tail.h"
#include "storage/store_internal.h"

namespace hsdt::storage {
namespace {

constexpr char kFormatKey[] = "format";

}  // namespace

const char* CfName(Cf cf) {
  switch (cf) {
    case kMetaCf: return "meta";
    case kCurrentCf: return "current";
    case kHistoryCf: return "history";
    case kIndexCf: return "index";
    case kAuditCf: return "audit";
    case kRegistryCf: return "registry";
    case kFeedCf: return "changes";
    case kAttachCf: return "attachments";
    default: return "?";
  }
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string m = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(std::move(m));
  if (s.IsCorruption()) return Status::Corruption(std::move(m));
  if (s.IsNoSpace()) return Status::ResourceExhausted(std::move(m));
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Status::Busy(std::move(m));
  if (s.IsInvalidArgument()) return Status::InvalidArgument(std::move(m));
  return Status::IOError(std::move(m));
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const Key& key,
                                           const StoreOptions& options) {
  HSDT_RETURN_IF_ERROR(crypto::EnsureSodium());
  std::unique_ptr<Store> s(new Store());
  s->dir_ = dir;
  s->clock_ = options.clock != nullptr ? options.clock : &base::SystemClock();
  s->sync_ = options.sync;
  s->training_threshold_ = options.dictionary_training_records;

  const std::string keyring_path = dir + "/" + kKeyringFile;
  std::error_code ec;
  const bool exists = std::filesystem::exists(keyring_path, ec);
  bool create = false;
  if (options.read_only && (!exists || options.create_if_missing || options.secondary_dir.empty())) {
    if (!exists) return Status::NotFound(dir + ": no hsdt database here");
    return Status::InvalidArgument(options.create_if_missing ? "read_only: a read-only view creates nothing"
                                                             : "read_only: no directory for the view's own files");
  }
  s->read_only_ = options.read_only;
  if (exists) {
    if (options.error_if_exists) return Status::AlreadyExists(dir + ": holds a database already");
    HSDT_ASSIGN_OR_RETURN(std::string bytes, Keyring::Read(keyring_path));
    HSDT_ASSIGN_OR_RETURN(Keyring k, Keyring::Unlock(bytes, key));
    s->keyring_ = std::make_unique<Keyring>(std::move(k));
    create = !std::filesystem::exists(dir + "/CURRENT", ec) && options.create_if_missing;
  } else {
    if (std::filesystem::exists(dir + "/CURRENT", ec)) {
      // RocksDB's files without the keyring that opens them: never make a new one over them.
      return Status::Corruption(keyring_path + ": missing, but the directory holds a database");
    }
    if (!options.create_if_missing) return Status::NotFound(dir + ": no hsdt database here");
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError(dir + ": cannot create: " + ec.message());
    HSDT_ASSIGN_OR_RETURN(Keyring k, Keyring::Create(key, options.kdf_cost));
    HSDT_RETURN_IF_ERROR(Keyring::Write(dir, k.Serialize()));
    s->keyring_ = std::make_unique<Keyring>(std::move(k));
    create = true;
  }
  {
    base::MutexLock lock(s->keyring_mu_);  // nobody else has the store yet
    HSDT_RETURN_IF_ERROR(s->InstallKeys());
  }
  HSDT_RETURN_IF_ERROR(s->read_only_ ? s->OpenSecondary(options) : s->OpenDb(options, create));
  HSDT_RETURN_IF_ERROR(s->CheckFormat());
  HSDT_RETURN_IF_ERROR(s->LoadDictionaries());

  std::unique_ptr<rocksdb::Iterator> it(s->db_->NewIterator({}, s->cfs_[kCurrentCf]));
  std::uint64_t count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  HSDT_RETURN_IF_ERROR(FromRocks(it->status(), "scanning dossiers"));
  it->SeekToLast();
  if (it->Valid() && it->key().size() == 8) s->next_id_ = base::GetBigEndian64(it->key().data()) + 1;
  s->dossier_count_ = count;
  if (s->current_dict_ == 0) s->undictionaried_writes_ = count;
  return s;
}

Status Store::OpenDb(const StoreOptions& options, bool create) {
  base_fs_ = options.base_fs ? options.base_fs : rocksdb::FileSystem::Default();
  // LIVE-LOGS is encrypted like every other file, through a stack without the live-log hooks.
  HSDT_ASSIGN_OR_RETURN(live_logs_, LiveLogs::Load(NewEncryptedFileSystem(base_fs_, file_keys_), dir_));
  fs_ = NewEncryptedFileSystem(base_fs_, file_keys_, live_logs_);
  env_ = rocksdb::NewCompositeEnv(fs_);
  Status strict = OpenDbOnce(options, create, false);
  if (strict.ok() || !options.accept_log_damage || strict.code() != StatusCode::kCorruption) {
    return strict;
  }
  HSDT_RETURN_IF_ERROR(OpenDbOnce(options, create, true));
  HSDT_RETURN_IF_ERROR(live_logs_->Reset());
  log_damage_ = std::string(strict.message());
  return Status::Ok();
}

// What an open failure means. The keyring is there, so a file RocksDB needs that is missing,
// unreadable as RocksDB's or fails a checksum is damage to the database: Corruption, with
// RocksDB's message naming the file.
static Status OpenFailure(const rocksdb::Status& s, const std::string& dir, const rocksdb::Logger& log) {
  const std::string m = s.ToString();
  // RocksDB's status does not say which log is damaged; its info LOG line does.
  const std::string damage = FirstLogDamage(log);
  if (s.IsCorruption() && !damage.empty()) {
    return Status::Corruption(damage + " (write-ahead log damaged before its end)");
  }
  if (s.IsIOError() && m.find(dir + "/LOCK") != std::string::npos) {
    return Status::Busy(dir + ": the database is open in another process or handle; a second process "
                        "can read beside it through a read-only view (OpenOptions::read_only, hsdt --read-only)");
  }
  if (s.IsNoSpace()) return Status::ResourceExhausted(dir + ": " + m);
  const bool missing = m.find("No such file or directory") != std::string::npos;
  if (s.IsCorruption() || s.IsNotFound() || s.IsInvalidArgument() || missing ||
      m.find("Corruption") != std::string::npos) {
    return Status::Corruption(dir + ": " + m);
  }
  if (m.find("Permission denied") != std::string::npos) {
    return Status::IOError(dir + ": permission denied: " + m);
  }
  return Status::IOError(dir + ": " + m);
}

// Every log RocksDB may replay, walked for the damage its tolerant reader does not report. Under
// the database's LOCK, so that another process's logs are not read while it writes them; when
// the lock is taken, DB::Open says so (Busy). A crash can leave logs RocksDB will not replay;
// damage in one of them refuses the open too (accept_log_damage then loses nothing).
Status Store::CheckLogTails() const {
  rocksdb::FileLock* lock = nullptr;
  if (!base_fs_->LockFile(dir_ + "/LOCK", rocksdb::IOOptions(), &lock, nullptr).ok()) return Status::Ok();
  struct Unlock {
    rocksdb::FileSystem& fs;
    rocksdb::FileLock* lock;
    ~Unlock() { fs.UnlockFile(lock, rocksdb::IOOptions(), nullptr).PermitUncheckedError(); }
  } unlock{*base_fs_, lock};
  std::vector<std::string> children;
  const rocksdb::IOStatus listed = fs_->GetChildren(dir_, rocksdb::IOOptions(), &children, nullptr);
  if (!listed.ok()) return Status::IOError(dir_ + ": " + listed.ToString());
  for (const std::string& name : children) {
    if (LiveLogs::LogNumberOf(name)) HSDT_RETURN_IF_ERROR(CheckLogTail(*fs_, dir_ + "/" + name));
  }
  return Status::Ok();
}

Status Store::OpenDbOnce(const StoreOptions& options, bool create, bool accept_log_damage) {
  if (!accept_log_damage) {
    // A log RocksDB created and never retired holds commits that are in no table file yet.
    const std::vector<std::string> missing = live_logs_->Missing();
    if (!missing.empty()) {
      return Status::Corruption(missing.front() + ": write-ahead log missing; it held commits not yet "
                                "in table files (" + kLiveLogsFile + " lists it)");
    }
    if (!create) HSDT_RETURN_IF_ERROR(CheckLogTails());
  }
  rocksdb::DBOptions db;
  db.create_if_missing = create;
  db.create_missing_column_families = true;
  db.paranoid_checks = true;
  // A torn last record is what a crash leaves (it was never acknowledged: commits are fsynced);
  // anything else wrong in a log is damage and fails the open, unless the caller accepts the
  // loss (docs/format.md, "What a crash or damage can lose"). Closed logs are also checked
  // against the sizes the manifest recorded, so a deleted or cut log is noticed.
  db.wal_recovery_mode = accept_log_damage ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
                                           : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db.track_and_verify_wals_in_manifest = !accept_log_damage;
  db.file_checksum_gen_factory = rocksdb::GetFileChecksumGenCrc32cFactory();
  db.recycle_log_file_num = 0;  // a recycled WAL would reuse its keystream
  db.allow_mmap_reads = false;
  db.allow_mmap_writes = false;
  db.use_direct_reads = false;
  db.use_direct_io_for_flush_and_compaction = false;
  db.manual_wal_flush = false;
  db.keep_log_file_num = 4;
  db.max_background_jobs = 2;
  db.env = env_.get();
  // RocksDB's default info log bypasses the file system it is given; this one goes through it,
  // so the LOG is encrypted like every other file, and it never writes after a failed write.
  db.info_log = NewInfoLog(*fs_, dir_ + "/LOG");
  block_cache_ = rocksdb::NewLRUCache(options.block_cache_bytes);
  const std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = Families();
  if (!create) HSDT_RETURN_IF_ERROR(RefuseNewerFormat(db));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status opened = rocksdb::DB::Open(db, dir_, descriptors, &handles, &raw);
  if (!opened.ok()) return OpenFailure(opened, dir_, *db.info_log);
  db_.reset(raw);
  // handles[0] is the default family, unused; keep it for destruction order.
  cfs_.assign(handles.begin() + 1, handles.end());
  cfs_.push_back(handles[0]);
  return Status::Ok();
}

rocksdb::ColumnFamilyOptions Store::FamilyOptions(bool sealed, bool log) const {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = block_cache_;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;
  // Point reads find their key in a block by hash (scans still search; older files read as before).
  table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  rocksdb::ColumnFamilyOptions cf;
  // Sealed values do not compress; index keys and metadata do.
  cf.compression = sealed ? rocksdb::kNoCompression : rocksdb::kLZ4Compression;
  if (log) {
    // The audit log is written once per read and rarely read back: large blocks, zstd at
    // every level (one compression at flush; its keys only grow, so compactions move files
    // without rewriting them). About 40 bytes per entry, against 46 with LZ4 and 134 raw.
    table.block_size = 64 << 10;
    cf.compression = rocksdb::kZSTD;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

rocksdb::ColumnFamilyOptions Store::AttachmentOptions() const {
  // Scans are large and written once: their chunks go to blob files, so compactions move small
  // references instead of rewriting megabytes. Sealed chunks do not compress.
  rocksdb::ColumnFamilyOptions cf = FamilyOptions(true, false);
  cf.enable_blob_files = true;
  cf.min_blob_size = 4096;
  cf.blob_compression_type = rocksdb::kNoCompression;
  return cf;
}

std::vector<rocksdb::ColumnFamilyDescriptor> Store::Families() const {
  return {
      {rocksdb::kDefaultColumnFamilyName, FamilyOptions(false, false)},
      {CfName(kMetaCf), FamilyOptions(true, false)},
      {CfName(kCurrentCf), FamilyOptions(true, false)},
      {CfName(kHistoryCf), FamilyOptions(true, false)},
      {CfName(kIndexCf), FamilyOptions(false, false)},
      {CfName(kAuditCf), FamilyOptions(false, true)},
      {CfName(kRegistryCf), FamilyOptions(true, false)},
      {CfName(kFeedCf), FamilyOptions(false, true)},  // written once, read in order, like the log
      {CfName(kAttachCf), AttachmentOptions()},
  };
}

Status Store::OpenSecondary(const StoreOptions& options) {
  base_fs_ = options.base_fs ? options.base_fs : rocksdb::FileSystem::Default();
  // No live-log hooks: a view creates and deletes no log; the primary keeps LIVE-LOGS.
  fs_ = NewEncryptedFileSystem(base_fs_, file_keys_);
  env_ = rocksdb::NewCompositeEnv(fs_);
  rocksdb::DBOptions db;
  db.paranoid_checks = true;
  db.max_open_files = -1;  // required of a secondary: the primary may delete files it reads
  db.file_checksum_gen_factory = rocksdb::GetFileChecksumGenCrc32cFactory();
  db.allow_mmap_reads = false;
  db.env = env_.get();
  db.info_log = NewInfoLog(*fs_, options.secondary_dir + "/LOG");
  block_cache_ = rocksdb::NewLRUCache(options.block_cache_bytes);
  HSDT_RETURN_IF_ERROR(RefuseNewerFormat(db));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status opened =
      rocksdb::DB::OpenAsSecondary(db, dir_, options.secondary_dir, Families(), &handles, &raw);
  if (!opened.ok()) return OpenFailure(opened, dir_, *db.info_log);
  db_.reset(raw);
  cfs_.assign(handles.begin() + 1, handles.end());
  cfs_.push_back(handles[0]);
  return Status::Ok();
}

Status Store::CatchUp() {
  HSDT_STORE_ENTER();
  if (!read_only_) return Status::InvalidArgument("catching up: this is the primary, not a read-only view");
  HSDT_RETURN_IF_ERROR(FromRocks(db_->TryCatchUpWithPrimary(), "catching up with the primary"));
  return LoadDictionaries();
}

Status Store::RefuseNewerFormat(const rocksdb::DBOptions& options) {
  // Read-only first: a newer database must not be touched (no WAL replay, no new column family)
  // by a library that will refuse it.
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {CfName(kMetaCf), rocksdb::ColumnFamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status opened = rocksdb::DB::OpenForReadOnly(options, dir_, descriptors, &handles, &raw);
  if (!opened.ok()) return OpenFailure(opened, dir_, *options.info_log);
  std::string value;
  const rocksdb::Status got = raw->Get({}, handles[1], kFormatKey, &value);
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
  if (got.ok() && value.size() == 4 && base::GetBigEndian32(value.data()) > kFormatVersion) {
    return Status::UnsupportedFormat(dir_ + ": on-disk format " +
                                     std::to_string(base::GetBigEndian32(value.data())) +
                                     " is newer than this library's " +
                                     std::to_string(kFormatVersion) + "; upgrade hsdt");
  }
  return Status::Ok();
}

Status Store::CheckFormat() {
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kMetaCf, kFormatKey, &value, &found));
  if (!found) {
    if (read_only_) return Status::Corruption(dir_ + ": meta/format missing (is the database still being created?)");
    std::string v;
    base::PutBigEndian32(&v, kFormatVersion);
    rocksdb::WriteBatch batch;
    batch.Put(cfs_[kMetaCf], kFormatKey, v);
    return Write(&batch);
  }
  if (value.size() != 4) return Status::Corruption("meta/format: bad length");
  const std::uint32_t format = base::GetBigEndian32(value.data());
  if (format > kFormatVersion) {
    return Status::UnsupportedFormat(dir_ + ": on-disk format " + std::to_string(format) +
                                     " is newer than this library's " +
                                     std::to_string(kFormatVersion) + "; upgrade hsdt");
  }
  return Status::Ok();
}

Store::~Store() { (void)Close(); }

bool Store::Enter(bool releasing) {
  const std::uint64_t before = life_.fetch_add(kCall);
  if ((before & (releasing ? kGone : kClosing | kGone)) == 0) return true;
  Leave();
  return false;
}

void Store::Leave() {
  if (life_.fetch_sub(kCall) - kCall == kClosing) {
    // The last call out of a closing store: Close may be waiting. Taking life_mu_ orders this
    // wake-up after Close's check, so it cannot be lost.
    base::MutexLock lock(life_mu_);
    drained_.notify_all();
  }
}

Status Store::Close() {
  // No lock is held while calls drain (store.h, lock order): a call in flight may be waiting
  // for a stripe or the registry lock that another call in flight holds.
  if ((life_.fetch_or(kClosing) & kClosing) != 0) {
    base::MutexLock lock(life_mu_);  // closing or closed already: wait until that is over
    while (!done_) drained_.wait(life_mu_);
    return Status::Ok();
  }
  {
    base::MutexLock lock(life_mu_);
    std::uint64_t idle = kClosing;
    while (!life_.compare_exchange_strong(idle, kClosing | kGone)) {
      drained_.wait(life_mu_);
      idle = kClosing;
    }
  }
  struct Finish {  // whatever the way out, Close calls waiting above return then
    Store* store;
    ~Finish() {
      base::MutexLock lock(store->life_mu_);
      store->done_ = true;
      store->drained_.notify_all();
    }
  } finish{this};
  if (db_ == nullptr) return Status::Ok();
  Status result;
  if (!failed_ && !read_only_) {
    // Everything into table files: a closed database then needs nothing from its logs, so a
    // log lost or damaged while it is closed loses nothing.
    rocksdb::FlushOptions fo;
    fo.wait = true;
    result = FromRocks(db_->Flush(fo, cfs_), "closing: flushing");
    if (result.ok()) result = FromRocks(db_->FlushWAL(true), "closing: syncing the log");
  }
  for (auto* h : cfs_) db_->DestroyColumnFamilyHandle(h);
  cfs_.clear();
  const Status closed = FromRocks(db_->Close(), "closing");
  db_.reset();
  return result.ok() ? closed : result;
}

Status Store::VerifyFiles() {
  HSDT_STORE_ENTER();
  HSDT_RETURN_IF_ERROR(FromRocks(db_->VerifyChecksum(), "verifying table blocks"));
  return FromRocks(db_->VerifyFileChecksums(rocksdb::ReadOptions()), "verifying file checksums");
}

std::string Store::failure() const {
  base::MutexLock lock(failure_mu_);
  return failure_;
}

Status Store::Writable() const {
  if (closed()) return Status::IOError("the database is closed");
  if (read_only_) return Status::IOError(kReadOnlyView);
  if (failed_.load()) {
    return Status::IOError("the database is read-only after an earlier write failure (" +
                           failure() + "); reopen it once the cause is fixed");
  }
  return Status::Ok();
}

Status Store::Fail(const rocksdb::Status& s, std::string_view what) {
  Status st = FromRocks(s, what);
  {
    base::MutexLock lock(failure_mu_);
    if (!failed_.exchange(true)) failure_ = st.ToString();
  }
  return Status(st.code(), std::string(st.message()) +
                               "; the database is now read-only: nothing more is written until it "
                               "is reopened");
}

Status Store::Write(rocksdb::WriteBatch* batch) {
  HSDT_RETURN_IF_ERROR(Writable());
  rocksdb::WriteOptions wo;
  wo.sync = sync_;
  const rocksdb::Status s = db_->Write(wo, batch);
  if (!s.ok()) return Fail(s, "commit");
  return Status::Ok();
}

Status Store::ReadValue(Cf cf, std::string_view key, std::string* value, bool* found, SnapshotHandle at) {
  rocksdb::ReadOptions ro;
  ro.snapshot = at;
  const rocksdb::Status s = db_->Get(ro, cfs_[cf], SliceOf(key), value);
  *found = s.ok();
  if (s.ok() || s.IsNotFound()) return Status::Ok();
  return FromRocks(s, std::string(CfName(cf)) + "/" + base::HexOf(key));
}

Status Store::WriteOps(const std::vector<BatchOp>& ops, bool sync) {
  HSDT_STORE_ENTER();
  rocksdb::WriteBatch batch;
  for (const auto& op : ops) {
    if (op.erase) {
      batch.Delete(cfs_[op.cf], SliceOf(op.key));
    } else {
      batch.Put(cfs_[op.cf], SliceOf(op.key), SliceOf(op.value));
    }
  }
  HSDT_RETURN_IF_ERROR(Writable());
  rocksdb::WriteOptions wo;
  wo.sync = sync && sync_;
  const rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return Fail(s, "write");
  return Status::Ok();
}

Status Store::Last(Cf cf, std::string* key, std::string* value, bool* found) {
  HSDT_STORE_ENTER();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_[cf]));
  it->SeekToLast();
  *found = it->Valid();
  if (*found) {
    key->assign(it->key().data(), it->key().size());
    value->assign(it->value().data(), it->value().size());
  }
  return FromRocks(it->status(), std::string("reading the end of ") + CfName(cf));
}

Status Store::Floor(Cf cf, std::string_view target, std::string* key, std::string* value, bool* found) {
  HSDT_STORE_ENTER();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_[cf]));
  it->SeekForPrev(SliceOf(target));
  *found = it->Valid();
  if (*found) {
    key->assign(it->key().data(), it->key().size());
    value->assign(it->value().data(), it->value().size());
  }
  return FromRocks(it->status(), std::string("seeking in ") + CfName(cf));
}

Status Store::Get(Cf cf, std::string_view key, std::string* value, bool* found, SnapshotHandle at) {
  HSDT_STORE_ENTER();
  return ReadValue(cf, key, value, found, at);
}

Status Store::Scan(Cf cf, const ScanRange& range, const Visitor& visit) {
  HSDT_STORE_ENTER();
  return ScanImpl(cf, range, visit);
}

Status Store::ScanImpl(Cf cf, const ScanRange& range, const Visitor& visit) {
  rocksdb::ReadOptions ro;
  ro.snapshot = range.snapshot;
  rocksdb::Slice upper = SliceOf(range.end);
  if (!range.end.empty()) ro.iterate_upper_bound = &upper;
  const std::string_view prefix = range.prefix;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cfs_[cf]));
  for (it->Seek(SliceOf(std::max(range.start, prefix))); it->Valid(); it->Next()) {
    const std::string_view k = View(it->key());
    if (k.substr(0, prefix.size()) != prefix) break;
    HSDT_ASSIGN_OR_RETURN(const Next next, visit(k, View(it->value())));
    if (next == Next::kStop) return Status::Ok();
  }
  return FromRocks(it->status(), std::string("scanning ") + CfName(cf));
}

Status Store::MultiGet(Cf cf, const std::vector<std::string>& keys, std::vector<std::string>* values,
                       std::vector<bool>* found, SnapshotHandle at) {
  HSDT_STORE_ENTER();
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const auto& k : keys) slices.push_back(SliceOf(k));
  std::vector<rocksdb::PinnableSlice> pinned(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  rocksdb::ReadOptions ro;
  ro.snapshot = at;
  db_->MultiGet(ro, cfs_[cf], keys.size(), slices.data(), pinned.data(), statuses.data());
  values->assign(keys.size(), std::string());
  found->assign(keys.size(), false);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    HSDT_RETURN_IF_ERROR(FromRocks(statuses[i], std::string("reading ") + CfName(cf)));
    (*values)[i].assign(pinned[i].data(), pinned[i].size());
    (*found)[i] = true;
  }
  return Status::Ok();
}

Result<bool> Store::IndexKeyExists(std::string_view key) {
  HSDT_STORE_ENTER();
  std::string ignored;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kIndexCf, key, &ignored, &found));
  return found;
}

const rocksdb::Snapshot* Store::Snapshot() {
  // A view has no snapshots (RocksDB's secondary): it reads as of its last catch-up.
  if (read_only_) return nullptr;
  const Call call(this);
  return call.entered() ? db_->GetSnapshot() : nullptr;
}

void Store::ReleaseSnapshot(const rocksdb::Snapshot* snapshot) {
  // Enters while Close waits for calls to drain, so a snapshot taken before Close is released
  // before RocksDB closes (which refuses to close while one is held).
  const Call call(this, /*releasing=*/true);
  if (snapshot != nullptr && call.entered()) db_->ReleaseSnapshot(snapshot);
}

Status Store::Sync() {
  HSDT_STORE_ENTER();
  if (read_only_) return Status::Ok();  // a view writes nothing of its own here
  HSDT_RETURN_IF_ERROR(Writable());
  const rocksdb::Status s = db_->FlushWAL(true);
  if (!s.ok()) return Fail(s, "sync");
  return Status::Ok();
}

Result<DatabaseStats> Store::Stats() {
  HSDT_STORE_ENTER();
  DatabaseStats st;
  st.dossiers = dossier_count_.load();
  {
    base::MutexLock lock(keyring_mu_);
    st.key_generation = keyring_->write_generation();
  }
  st.dictionary_id = current_dict_.load();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    if (e.is_regular_file(ec)) st.disk_bytes += e.file_size(ec);
  }
  std::uint64_t audit_sst = 0;
  if (db_->GetIntProperty(cfs_[kAuditCf], rocksdb::DB::Properties::kTotalSstFilesSize, &audit_sst)) {
    st.audit_bytes = audit_sst;
  }
  st.read_only = failed_.load() || read_only_;
  st.read_only_reason = read_only_ ? std::string(kReadOnlyView) : failure();
  return st;
}

}  // namespace hsdt::storage
