#include "storage/store.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/file_checksum.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include <hsdt/version.h>

#include "base/coding.h"
#include "schema/meta.capnp.h"
#include "storage/info_log.h"

namespace hsdt::storage {
namespace {

constexpr char kFormatKey[] = "format";
constexpr char kDictCurrentKey[] = "dict-current";
constexpr char kDictPrefix[] = "dict/";
constexpr std::size_t kDictionaryBytes = 32 * 1024;
constexpr std::size_t kTrainingSamples = 2000;
constexpr std::size_t kMinTrainingSamples = 50;

std::string DictKey(std::uint32_t id) {
  std::string k = kDictPrefix;
  base::PutBigEndian32(&k, id);
  return k;
}

std::string IdName(std::uint64_t id) { return "dossier " + std::to_string(id); }

std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
rocksdb::Slice SliceOf(std::string_view s) { return {s.data(), s.size()}; }

int StripeIndexOf(std::string_view key) {
  return static_cast<int>(std::hash<std::string_view>()(key) % 256);
}

}  // namespace

const char* CfName(Cf cf) {
  switch (cf) {
    case kMetaCf: return "meta";
    case kCurrentCf: return "current";
    case kHistoryCf: return "history";
    case kIndexCf: return "index";
    case kAuditCf: return "audit";
    case kRegistryCf: return "registry";
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

std::string Store::IdKey(std::uint64_t id) {
  std::string k;
  base::PutBigEndian64(&k, id);
  return k;
}

std::string Store::HistoryKey(std::uint64_t id, char kind, std::uint32_t version) {
  std::string k = IdKey(id);
  k.push_back(kind);
  base::PutBigEndian32(&k, version);
  return k;
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
  HSDT_RETURN_IF_ERROR(s->OpenDb(options, create));
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

Status Store::InstallKeys() {
  HSDT_RETURN_IF_ERROR(keyring_->ForEachSubkey(crypto::Purpose::kFiles, [&](auto gen, const auto& k) {
    return file_keys_->Add(gen, k);
  }));
  HSDT_RETURN_IF_ERROR(keyring_->ForEachSubkey(crypto::Purpose::kBackup, [&](auto gen, const auto& k) {
    return backup_keys_->Add(gen, k);
  }));
  HSDT_RETURN_IF_ERROR(keyring_->ForEachSubkey(crypto::Purpose::kRecords, [&](auto gen, const auto& k) {
    return sealer_.AddKey(gen, k);
  }));
  HSDT_RETURN_IF_ERROR(keyring_->ForEachSubkey(crypto::Purpose::kAudit, [&](auto gen, const auto& k) -> Status {
    HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes copy, k.Clone());
    base::WriterLock lock(audit_keys_mu_);
    audit_keys_[gen] = std::move(copy);
    return Status::Ok();
  }));
  const std::uint32_t w = keyring_->write_generation();
  file_keys_->SetWriteGeneration(w);
  backup_keys_->SetWriteGeneration(w);
  sealer_.SetWriteGeneration(w);
  return Status::Ok();
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
    return Status::Busy(dir + ": the database is open in another process or handle");
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

Status Store::OpenDbOnce(const StoreOptions& options, bool create, bool accept_log_damage) {
  if (!accept_log_damage) {
    // A log RocksDB created and never retired holds commits that are in no table file yet.
    const std::vector<std::string> missing = live_logs_->Missing();
    if (!missing.empty()) {
      return Status::Corruption(missing.front() + ": write-ahead log missing; it held commits not yet "
                                "in table files (" + kLiveLogsFile + " lists it)");
    }
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
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  auto cf_options = [&](bool sealed, bool log = false) {
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.format_version = 5;
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
  };
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, cf_options(false)},
      {CfName(kMetaCf), cf_options(true)},
      {CfName(kCurrentCf), cf_options(true)},
      {CfName(kHistoryCf), cf_options(true)},
      {CfName(kIndexCf), cf_options(false)},
      {CfName(kAuditCf), cf_options(false, true)},
      {CfName(kRegistryCf), cf_options(true)},
  };
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

Status Store::LoadDictionaries() {
  HSDT_RETURN_IF_ERROR(ForEachImpl(kMetaCf, kDictPrefix, [&](std::string_view k, std::string_view v) {
    if (k.size() != sizeof(kDictPrefix) - 1 + 4) return Status::Corruption("meta/dict: bad key");
    const std::uint32_t id = base::GetBigEndian32(k.data() + k.size() - 4);
    auto dict = sealer_.Open(ValueType::kDictionary, id, v);
    if (!dict.ok()) return dict.status().WithPrefix("meta/dict/" + std::to_string(id));
    return compressor_.AddDictionary(id, dict->view());
  }));
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kMetaCf, kDictCurrentKey, &value, &found));
  if (found && value.size() == 4) {
    const std::uint32_t id = base::GetBigEndian32(value.data());
    if (!compressor_.HasDictionary(id)) {
      return Status::Corruption("meta/dict-current names dictionary " + std::to_string(id) +
                                ", which is missing");
    }
    current_dict_ = id;
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
  if (!failed_) {
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

Status Store::ReadValue(Cf cf, std::string_view key, std::string* value, bool* found) {
  const rocksdb::Status s = db_->Get({}, cfs_[cf], SliceOf(key), value);
  *found = s.ok();
  if (s.ok() || s.IsNotFound()) return Status::Ok();
  return FromRocks(s, std::string(CfName(cf)) + "/" + base::HexOf(key));
}

StripeLock Store::LockStripes(const std::vector<std::uint64_t>& ids, const std::vector<std::string>& unique_keys) {
  std::vector<int> idx;
  for (std::uint64_t id : ids) idx.push_back(static_cast<int>(id % kStripes));
  for (const auto& k : unique_keys) idx.push_back(StripeIndexOf(k));
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  StripeLock lock;
  for (int i : idx) lock.locks_.emplace_back(stripes_[i]);
  return lock;
}

Result<std::uint32_t> Store::LatestVersion(std::uint64_t id) {
  HSDT_STORE_ENTER();
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kCurrentCf, IdKey(id), &value, &found));
  if (!found) return std::uint32_t{0};
  HSDT_ASSIGN_OR_RETURN(EnvelopeHeader h, PeekEnvelope(value));
  return h.version;
}

Result<StoredRecord> Store::ReadRecord(std::uint64_t id, std::uint32_t version) {
  HSDT_STORE_ENTER();
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kCurrentCf, IdKey(id), &value, &found));
  if (!found) return Status::NotFound(IdName(id) + ": no such dossier");
  auto header = PeekEnvelope(value);
  if (!header.ok()) return header.status().WithPrefix("current/" + std::to_string(id));
  if (version != 0 && version != header->version) {
    if (version > header->version) {
      return Status::NotFound(IdName(id) + ": no version " + std::to_string(version) +
                              " (latest is " + std::to_string(header->version) + ")");
    }
    const std::string hkey = HistoryKey(id, 'r', version);
    HSDT_RETURN_IF_ERROR(ReadValue(kHistoryCf, hkey, &value, &found));
    const std::string where = "history/" + std::to_string(id) + "/r" + std::to_string(version);
    if (!found) return Status::Corruption(where + ": missing");
    auto h = PeekEnvelope(value);
    if (!h.ok()) return h.status().WithPrefix(where);
    // The seal binds the version in the header; the key's version must be that one.
    if (h->version != version) {
      return Status::Corruption(where + ": holds version " + std::to_string(h->version));
    }
  }
  auto plain = sealer_.Open(ValueType::kRecord, id, value);
  if (!plain.ok()) {
    return plain.status().WithPrefix((version == 0 ? "current/" : "history/") +
                                     std::to_string(id) + "/v" +
                                     std::to_string(version == 0 ? header->version : version));
  }
  StoredRecord r;
  r.version = version == 0 ? header->version : version;
  r.bytes = std::move(plain).value();
  return r;
}

Status Store::SealVersionMeta(std::uint64_t id, const VersionMeta& m, std::string* out) const {
  capnp::MallocMessageBuilder message(64);
  auto info = message.initRoot<schema::VersionInfo>();
  info.setVersion(m.version);
  info.setRecordedAtMicros(m.recorded_at_micros);
  info.setKind(static_cast<schema::ChangeKind>(m.kind));
  info.setStatus(m.status);
  info.setActor(m.actor);
  info.setReason(m.reason);
  info.setSourceNumber(m.source_number);
  info.setSourceDate(m.source_date);
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asChars();
  base::PutBigEndian64(out, static_cast<std::uint64_t>(m.recorded_at_micros));
  const std::string prefix = out->substr(out->size() - 8);
  return sealer_.Seal(ValueType::kVersionInfo, id, m.version,
                      std::string_view(bytes.begin(), bytes.size()), false, 0, out, prefix);
}

Result<VersionMeta> Store::OpenVersionMeta(std::uint64_t id, std::string_view value) const {
  if (value.size() < 8) return Status::Corruption("version record too short");
  HSDT_ASSIGN_OR_RETURN(PlainBytes plain,
                        sealer_.Open(ValueType::kVersionInfo, id, value.substr(8), value.substr(0, 8)));
  try {
    capnp::ReaderOptions limits;
    limits.traversalLimitInWords = 1 << 16;
    limits.nestingLimit = 8;
    capnp::FlatArrayMessageReader reader(
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(plain.words()), plain.size() / 8), limits);
    auto info = reader.getRoot<schema::VersionInfo>();
    VersionMeta m;
    m.version = info.getVersion();
    m.recorded_at_micros = info.getRecordedAtMicros();
    m.kind = static_cast<ChangeKind>(info.getKind());
    m.status = info.getStatus();
    m.actor = info.getActor();
    m.reason = info.getReason();
    m.source_number = info.getSourceNumber();
    m.source_date = info.getSourceDate();
    if (static_cast<std::int64_t>(base::GetBigEndian64(value.data())) != m.recorded_at_micros) {
      return Status::Corruption("version record time does not match its header");
    }
    return m;
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("version record does not decode: ") +
                              e.getDescription().cStr());
  }
}

std::int64_t Store::NextCommitMicros() {
  std::int64_t now = clock_->NowMicros();
  std::int64_t last = last_commit_micros_.load();
  while (true) {
    const std::int64_t next = std::max(now, last + 1);
    if (last_commit_micros_.compare_exchange_weak(last, next)) return next;
  }
}

Result<std::uint32_t> Store::VersionAsOf(std::uint64_t id, std::int64_t micros) {
  HSDT_STORE_ENTER();
  const std::string prefix = IdKey(id) + 'i';
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_[kHistoryCf]));
  for (it->SeekForPrev(HistoryKey(id, 'i', 0xFFFFFFFFu)); it->Valid(); it->Prev()) {
    const std::string_view k = View(it->key());
    if (k.substr(0, prefix.size()) != prefix || k.size() != prefix.size() + 4) break;
    const std::string_view v = View(it->value());
    if (v.size() < 8) return Status::Corruption("history/" + std::to_string(id) + ": short version record");
    if (static_cast<std::int64_t>(base::GetBigEndian64(v.data())) <= micros) {
      // The clear time chose this version; its seal must confirm both the time and the version.
      const std::uint32_t version = base::GetBigEndian32(k.data() + prefix.size());
      auto meta = OpenVersionMeta(id, v);
      if (!meta.ok()) return meta.status().WithPrefix("history/" + base::HexOf(k));
      if (meta->version != version || meta->recorded_at_micros > micros) {
        return Status::Corruption("history/" + base::HexOf(k) + ": version record does not match its key");
      }
      return version;
    }
  }
  HSDT_RETURN_IF_ERROR(FromRocks(it->status(), "history scan"));
  return Status::NotFound(IdName(id) + ": no version recorded at or before " +
                          base::FormatMicrosUtc(micros));
}

Result<std::vector<VersionMeta>> Store::History(std::uint64_t id) {
  HSDT_STORE_ENTER();
  std::vector<VersionMeta> out;
  const std::string prefix = IdKey(id) + 'i';
  HSDT_RETURN_IF_ERROR(ForEachImpl(kHistoryCf, prefix, [&](std::string_view k, std::string_view v) {
    auto m = OpenVersionMeta(id, v);
    if (!m.ok()) return m.status().WithPrefix("history/" + base::HexOf(k));
    if (k.size() != prefix.size() + 4 || m->version != base::GetBigEndian32(k.data() + prefix.size())) {
      return Status::Corruption("history/" + base::HexOf(k) + ": version record does not match its key");
    }
    out.push_back(std::move(m).value());
    return Status::Ok();
  }));
  if (out.empty()) return Status::NotFound(IdName(id) + ": no such dossier");
  return out;
}

Result<VersionMeta> Store::Commit(CommitRequest r) {
  HSDT_ASSIGN_OR_RETURN(PreparedCommit p, PrepareCommit(std::move(r)));
  HSDT_RETURN_IF_ERROR(WriteOps(p.ops, true));
  FinishCommit(p);
  return p.meta;
}

Result<PreparedCommit> Store::PrepareCommit(CommitRequest r) {
  HSDT_STORE_ENTER();
  HSDT_RETURN_IF_ERROR(Writable());
  const std::string key = IdKey(r.id);
  std::string old;
  bool found = false;
  // A create uses a fresh id from AllocateId, which no record can have: nothing to read.
  if (r.expected_version != 0) HSDT_RETURN_IF_ERROR(ReadValue(kCurrentCf, key, &old, &found));
  std::uint32_t latest = 0;
  if (found) {
    auto h = PeekEnvelope(old);
    if (!h.ok()) return h.status().WithPrefix("current/" + std::to_string(r.id));
    latest = h->version;
  }
  if (latest != r.expected_version) {
    return Status::Conflict(IdName(r.id) + ": expected version " +
                            std::to_string(r.expected_version) + ", but the latest is " +
                            std::to_string(latest) + "; reread and retry");
  }
  for (const auto& u : r.unique_keys) {
    if (std::find(r.index_deletes.begin(), r.index_deletes.end(), u) != r.index_deletes.end()) continue;
    std::string ignored;
    bool taken = false;
    HSDT_RETURN_IF_ERROR(ReadValue(kIndexCf, u, &ignored, &taken));
    if (taken) return Status::AlreadyExists("unique index key in use");
  }
  PreparedCommit p;
  p.meta = std::move(r.meta);
  p.meta.version = latest + 1;
  p.created = !found;
  if (found) {
    // History is never rewritten: if version latest+1 is recorded already, the current record is
    // not the latest one (replayed or damaged) and nothing may be written over it.
    std::string ignored;
    bool exists = false;
    HSDT_RETURN_IF_ERROR(ReadValue(kHistoryCf, HistoryKey(r.id, 'i', p.meta.version), &ignored, &exists));
    if (exists) {
      return Status::Corruption(IdName(r.id) + ": history already holds version " +
                                std::to_string(p.meta.version) +
                                ", so the current record is stale; run Check");
    }
  }
  if (p.meta.recorded_at_micros == 0) p.meta.recorded_at_micros = NextCommitMicros();

  p.dictionary = current_dict_.load();
  std::string sealed;
  HSDT_RETURN_IF_ERROR(sealer_.Seal(ValueType::kRecord, r.id, p.meta.version, r.record, true, p.dictionary, &sealed));
  p.ops.push_back({kCurrentCf, key, std::move(sealed), false});
  if (found) p.ops.push_back({kHistoryCf, HistoryKey(r.id, 'r', latest), std::move(old), false});
  std::string info;
  HSDT_RETURN_IF_ERROR(SealVersionMeta(r.id, p.meta, &info));
  p.ops.push_back({kHistoryCf, HistoryKey(r.id, 'i', p.meta.version), std::move(info), false});
  for (auto& k : r.index_deletes) p.ops.push_back({kIndexCf, std::move(k), {}, true});
  for (auto& ip : r.index_puts) p.ops.push_back({kIndexCf, std::move(ip.key), std::move(ip.value), false});
  return p;
}

void Store::FinishCommit(const PreparedCommit& p) {
  if (p.created) dossier_count_.fetch_add(1);
  if (p.dictionary == 0 && training_threshold_ != 0 &&
      undictionaried_writes_.fetch_add(1) + 1 >= training_threshold_) {
    MaybeTrainDictionary();
  }
}

void Store::MaybeTrainDictionary() {
  // Called after a commit's write, outside any Store call: it must enter like one, or Close
  // could destroy the database under the training scan.
  HSDT_STORE_ENTER_VOID();
  std::unique_lock lock(train_mu_, std::try_to_lock);
  if (!lock.owns_lock() || current_dict_.load() != 0) return;
  // A failure only means later records stay without a dictionary; do not retry on every write.
  if (!TrainDictionaryLocked().ok()) training_threshold_ = 0;
}

Result<std::uint32_t> Store::TrainDictionary() {
  HSDT_STORE_ENTER();
  base::MutexLock lock(train_mu_);
  return TrainDictionaryLocked();
}

Result<std::uint32_t> Store::TrainDictionaryLocked() {
  HSDT_RETURN_IF_ERROR(Writable());
  std::vector<std::string> samples;
  samples.reserve(kTrainingSamples);
  Status scan = ForEachImpl(kCurrentCf, "", [&](std::string_view k, std::string_view v) {
    if (k.size() != 8) return Status::Corruption("current: bad key " + base::HexOf(k));
    auto plain = sealer_.Open(ValueType::kRecord, base::GetBigEndian64(k.data()), v);
    if (!plain.ok()) return plain.status().WithPrefix("current/" + base::HexOf(k));
    samples.emplace_back(plain->view());
    return samples.size() >= kTrainingSamples ? Status::NotFound("enough") : Status::Ok();
  });
  auto wipe = [&] { for (auto& s : samples) crypto::Wipe(s.data(), s.size()); };
  if (!scan.ok() && scan.code() != StatusCode::kNotFound) {
    wipe();
    return scan;
  }
  if (samples.size() < kMinTrainingSamples) {
    wipe();
    return Status::InvalidArgument("dictionary training needs at least " +
                                   std::to_string(kMinTrainingSamples) + " dossiers; there are " +
                                   std::to_string(samples.size()));
  }
  auto dict = Compressor::Train(samples, kDictionaryBytes);
  wipe();
  if (!dict.ok()) return dict.status();
  std::uint32_t id = 1;
  while (compressor_.HasDictionary(id)) ++id;
  std::string sealed;
  Status added = sealer_.Seal(ValueType::kDictionary, id, 0, *dict, false, 0, &sealed);
  if (added.ok()) added = compressor_.AddDictionary(id, *dict);
  crypto::Wipe(dict->data(), dict->size());
  HSDT_RETURN_IF_ERROR(added);
  std::string current;
  base::PutBigEndian32(&current, id);
  rocksdb::WriteBatch batch;
  batch.Put(cfs_[kMetaCf], DictKey(id), sealed);
  batch.Put(cfs_[kMetaCf], kDictCurrentKey, current);
  HSDT_RETURN_IF_ERROR(Write(&batch));
  current_dict_ = id;
  return id;
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

Status Store::Get(Cf cf, std::string_view key, std::string* value, bool* found) {
  HSDT_STORE_ENTER();
  return ReadValue(cf, key, value, found);
}

Status Store::ForEachFrom(Cf cf, std::string_view start,
                          const std::function<Status(std::string_view, std::string_view)>& fn) {
  HSDT_STORE_ENTER();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_[cf]));
  for (it->Seek(SliceOf(start)); it->Valid(); it->Next()) {
    HSDT_RETURN_IF_ERROR(fn(View(it->key()), View(it->value())));
  }
  return FromRocks(it->status(), std::string("scanning ") + CfName(cf));
}

Status Store::Scan(Cf cf, std::string_view start, std::string_view end,
                   const std::function<bool(std::string_view, std::string_view)>& fn) {
  HSDT_STORE_ENTER();
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper = SliceOf(end);
  if (!end.empty()) ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cfs_[cf]));
  for (it->Seek(SliceOf(start)); it->Valid(); it->Next()) {
    if (!fn(View(it->key()), View(it->value()))) break;
  }
  return FromRocks(it->status(), std::string("scanning ") + CfName(cf));
}

Status Store::MultiGet(Cf cf, const std::vector<std::string>& keys, std::vector<std::string>* values,
                       std::vector<bool>* found) {
  HSDT_STORE_ENTER();
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const auto& k : keys) slices.push_back(SliceOf(k));
  std::vector<rocksdb::PinnableSlice> pinned(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), cfs_[cf], keys.size(), slices.data(), pinned.data(),
                statuses.data());
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

Result<crypto::SecretBytes> Store::AuditKey(std::uint32_t generation) const {
  base::ReaderLock lock(audit_keys_mu_);
  auto it = audit_keys_.find(generation);
  if (it == audit_keys_.end()) {
    return Status::Corruption("key generation " + std::to_string(generation) + " is not in the keyring");
  }
  return it->second.Clone();
}

Result<bool> Store::IndexKeyExists(std::string_view key) {
  HSDT_STORE_ENTER();
  std::string ignored;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kIndexCf, key, &ignored, &found));
  return found;
}

Result<std::vector<std::uint64_t>> Store::ListIds(std::uint64_t after, std::size_t limit) {
  HSDT_STORE_ENTER();
  std::vector<std::uint64_t> ids;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_[kCurrentCf]));
  for (it->Seek(IdKey(after + 1)); it->Valid() && ids.size() < limit; it->Next()) {
    if (it->key().size() == 8) ids.push_back(base::GetBigEndian64(it->key().data()));
  }
  HSDT_RETURN_IF_ERROR(FromRocks(it->status(), "listing dossiers"));
  return ids;
}

Status Store::ForEach(Cf cf, std::string_view prefix,
                      const std::function<Status(std::string_view, std::string_view)>& fn,
                      const rocksdb::Snapshot* snapshot) {
  HSDT_STORE_ENTER();
  return ForEachImpl(cf, prefix, fn, snapshot);
}

Status Store::ForEachImpl(Cf cf, std::string_view prefix,
                          const std::function<Status(std::string_view, std::string_view)>& fn,
                          const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cfs_[cf]));
  for (it->Seek(SliceOf(prefix)); it->Valid(); it->Next()) {
    const std::string_view k = View(it->key());
    if (k.substr(0, prefix.size()) != prefix) break;
    HSDT_RETURN_IF_ERROR(fn(k, View(it->value())));
  }
  return FromRocks(it->status(), std::string("scanning ") + CfName(cf));
}

const rocksdb::Snapshot* Store::Snapshot() {
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
  HSDT_RETURN_IF_ERROR(Writable());
  const rocksdb::Status s = db_->FlushWAL(true);
  if (!s.ok()) return Fail(s, "sync");
  return Status::Ok();
}

Status Store::ChangeKeyring(const std::function<Status(Keyring*)>& change) {
  HSDT_ASSIGN_OR_RETURN(Keyring next, keyring_->Clone());
  HSDT_RETURN_IF_ERROR(change(&next));
  HSDT_RETURN_IF_ERROR(Keyring::Write(dir_, next.Serialize()));
  *keyring_ = std::move(next);
  return Status::Ok();
}

Status Store::ChangeKey(const Key& new_key, int kdf_cost) {
  HSDT_STORE_ENTER();
  HSDT_RETURN_IF_ERROR(Writable());
  base::MutexLock lock(keyring_mu_);
  return ChangeKeyring([&](Keyring* k) { return k->Rewrap(new_key, kdf_cost); });
}

Result<std::uint64_t> Store::ResealOld(std::uint32_t target, std::uint64_t max_values,
                                       std::uint64_t* remaining, bool reseal) {
  std::uint64_t resealed = 0;
  *remaining = 0;
  rocksdb::WriteBatch batch;
  auto flush = [&]() -> Status {
    if (batch.Count() == 0) return Status::Ok();
    HSDT_RETURN_IF_ERROR(Write(&batch));
    batch.Clear();
    return Status::Ok();
  };
  auto budget = [&] { return reseal && (max_values == 0 || resealed < max_values); };
  // Dictionaries, then current records (under their stripe), then history (a commit during the
  // current pass moves its old value into history, where the later pass still finds it), then
  // the registry (under the registry lock, since login states are overwritten in place).
  for (Cf cf : {kMetaCf, kCurrentCf, kHistoryCf, kRegistryCf}) {
    std::unique_lock<base::Mutex> registry_lock;  // never with a stripe: registry_mu_ comes first
    if (cf == kRegistryCf) registry_lock = std::unique_lock(registry_mu_);
    HSDT_RETURN_IF_ERROR(ForEachImpl(cf, cf == kMetaCf ? kDictPrefix : "", [&](std::string_view k,
                                                                          std::string_view v) {
      // A re-key can take long; it resumes where it stopped, so Close need not wait for it.
      if (closed()) return Status::IOError("the database is closed");
      // Values with a clear 8-byte time prefix: version records and registry entries.
      const bool info = cf == kHistoryCf && k.size() == 13 && k[8] == 'i';
      const bool timed = info || cf == kRegistryCf;
      const std::string_view env = timed ? v.substr(std::min<std::size_t>(8, v.size())) : v;
      HSDT_ASSIGN_OR_RETURN(EnvelopeHeader h, PeekEnvelope(env));
      if (h.key_generation == target) return Status::Ok();
      if (!budget()) {
        ++*remaining;
        return Status::Ok();
      }
      const ValueType type = cf == kMetaCf       ? ValueType::kDictionary
                             : cf == kRegistryCf ? ValueType::kRegistry
                             : info              ? ValueType::kVersionInfo
                                                 : ValueType::kRecord;
      const std::uint64_t id = cf == kMetaCf       ? base::GetBigEndian32(k.data() + k.size() - 4)
                               : cf == kRegistryCf ? 0
                                                   : base::GetBigEndian64(k.data());
      std::unique_lock<base::SharedMutex> stripe;
      std::string fresh(v);
      if (cf == kCurrentCf) {  // a commit may have replaced it since the scan read it
        stripe = std::unique_lock(StripeOf(id));
        bool found = false;
        HSDT_RETURN_IF_ERROR(ReadValue(kCurrentCf, k, &fresh, &found));
        if (!found) return Status::Ok();
      }
      const std::string prefix = timed ? fresh.substr(0, 8) : std::string();
      const std::string ad = cf == kRegistryCf ? std::string(k) + prefix : prefix;
      const std::string_view body = std::string_view(fresh).substr(prefix.size());
      HSDT_ASSIGN_OR_RETURN(EnvelopeHeader fh, PeekEnvelope(body));
      if (fh.key_generation == target) return Status::Ok();
      auto plain = sealer_.Open(type, id, body, ad);
      if (!plain.ok()) return plain.status().WithPrefix(std::string(CfName(cf)) + "/" + base::HexOf(k));
      std::string out = prefix;
      HSDT_RETURN_IF_ERROR(sealer_.Seal(type, id, fh.version, plain->view(), fh.codec == 1,
                                        fh.dict_id, &out, ad));
      batch.Put(cfs_[cf], SliceOf(k), out);
      ++resealed;
      if (cf == kCurrentCf || batch.Count() >= 256) return flush();
      return Status::Ok();
    }));
    HSDT_RETURN_IF_ERROR(flush());
  }
  return resealed;
}

Result<RekeyProgress> Store::Rekey(std::uint64_t max_values) {
  HSDT_STORE_ENTER();
  HSDT_RETURN_IF_ERROR(Writable());
  base::MutexLock lock(keyring_mu_);
  if (keyring_->target_generation() == 0) {
    HSDT_RETURN_IF_ERROR(ChangeKeyring([&](Keyring* k) { return k->BeginRekey(clock_->NowMicros()); }));
    HSDT_RETURN_IF_ERROR(InstallKeys());
  }
  RekeyProgress p;
  p.key_generation = keyring_->target_generation();
  HSDT_ASSIGN_OR_RETURN(p.resealed, ResealOld(p.key_generation, max_values, &p.remaining, true));
  if (p.remaining != 0) return p;
  // Done only when a fresh scan finds nothing left under an older key.
  HSDT_RETURN_IF_ERROR(ResealOld(p.key_generation, 0, &p.remaining, false).status());
  if (p.remaining != 0) return p;
  // Every value is under the new key: rewrite every file onto it too.
  rocksdb::FlushOptions fo;
  fo.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all(cfs_.begin(), cfs_.end());
  rocksdb::Status s = db_->Flush(fo, all);
  if (!s.ok()) return Fail(s, "re-key: flush");
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* cf : all) {
    s = db_->CompactRange(co, cf, nullptr, nullptr);
    if (!s.ok()) return Fail(s, "re-key: compaction");
  }
  HSDT_RETURN_IF_ERROR(ChangeKeyring([](Keyring* k) {
    k->FinishRekey();
    return Status::Ok();
  }));
  p.done = true;
  return p;
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
  st.read_only = failed_.load();
  st.read_only_reason = failure();
  return st;
}

}  // namespace hsdt::storage
