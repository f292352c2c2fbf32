// Store: one RocksDB database behind the encrypted file layer, with the column families, key
// formats and the single atomic commit described in docs/format.md. Records are opaque plaintext
// bytes here; what they mean is the db layer's business.
//
// Threads: safe. Writers of one dossier must hold its stripe (LockStripes) across reading the
// previous version and Commit: Commit's version check is only atomic under that lock.
//
// Lock order: the one order of every lock of the library, outermost first. A thread holding a
// lock of one rank takes only locks of a later rank (locks of one rank: see each), so no cycle,
// hence no deadlock, can form. Annotated below and in the classes named (base/mutex.h), and
// checked by the ThreadSanitizer run (scripts/test.sh --tsan); docs/format.md, "Concurrency".
//   1. Store::keyring_mu_           re-key, key change, backup, stats
//   2. Registry::write_mu_          registry changes and login states (policy/registry.h);
//                                   Rekey takes it, handed in, to reseal the registry family
//   3. Store::stripes_              LockStripes: exclusive, every stripe of a commit in one call,
//                                   in ascending index order; StripeOf: shared, one at a time
//   3.5 AuditLog::spool_mu_         a read-only view's spooling, the primary's linking of the
//                                   spools (which submits to the commit queue under it);
//       Database::Impl::catch_up_mu_ a view's catching up (the store, the registry's and the
//                                   cache's leaves); never held with spool_mu_
//   4. Store::train_mu_             dictionary training (a commit trains under its stripes)
//      CommitQueue::mu_             the commit queue (a commit waits for its group under its
//                                   stripes; released while a group is written); never held
//                                   together with train_mu_
//   5. leaves, under which nothing else is taken: AuditLog::head_mu_, AuditLog::keys_mu_ (also taken under
//      keyring_mu_, by WatchSubkeys' sink), Registry::mu_, RecordCache shards, Compressor, Sealer, FileKeys,
//      Store::failure_mu_, the password hasher's lock; and RocksDB's own mutexes, which RocksDB
//      holds when it calls back into the encrypted file layer (FileKeys, a leaf).
// The lifetime of the store is no lock and takes no part in the order: a call counts itself in
// flight (HSDT_STORE_ENTER), Close refuses new calls, then waits, holding no lock, until the
// calls in flight have left. So a call may start with any lock held, but Close must not be
// called from inside a Store call (a Scan visitor) nor with any lock above held.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/backup.h>
#include <hsdt/maintenance.h>
#include <hsdt/dossier.h>
#include <hsdt/key.h>
#include <hsdt/status.h>

#include "base/clock.h"
#include "base/mutex.h"
#include "base/thread_annotations.h"
#include "storage/compressor.h"
#include "storage/encrypted_fs.h"
#include "storage/envelope.h"
#include "storage/keyring.h"
#include "storage/live_logs.h"
#include "storage/store_types.h"

// Enters a public Store call: counts it in flight until it returns, or refuses it once Close
// has begun.
#define HSDT_STORE_ENTER()             \
  const Store::Call store_call_(this); \
  if (!store_call_.entered()) return Status::IOError("the database is closed")
// The same in a function that returns nothing.
#define HSDT_STORE_ENTER_VOID()        \
  const Store::Call store_call_(this); \
  if (!store_call_.entered()) return

namespace hsdt::storage {

// Holds stripe locks; released on destruction.
class StripeLock final {
 public:
  StripeLock() = default;
  StripeLock(StripeLock&&) noexcept = default;
  StripeLock& operator=(StripeLock&&) noexcept = default;
  ~StripeLock() = default;

 private:
  friend class Store;
  std::vector<std::unique_lock<base::SharedMutex>> locks_;
};

class Store final {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const Key& key,
                                             const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Status Close();

  // A fresh dossier id (never reused).
  std::uint64_t AllocateId() { return next_id_.fetch_add(1); }

  // Locks, exclusively and in a deadlock-free order, the stripes of dossiers `ids` and of the
  // given unique index keys, all in one call (holding two StripeLocks at once could deadlock).
  StripeLock LockStripes(const std::vector<std::uint64_t>& ids, const std::vector<std::string>& unique_keys);
  // The stripe of `id`, for readers that fill caches.
  base::SharedMutex& StripeOf(std::uint64_t id) { return stripes_[id % kStripes]; }

  // The latest version of `id` (0 if it does not exist), read from the clear envelope header.
  Result<std::uint32_t> LatestVersion(std::uint64_t id);
  // Version `version` of `id` (0: the latest). NotFound if there is none.
  Result<StoredRecord> ReadRecord(std::uint64_t id, std::uint32_t version);
  // The version recorded at or before `micros`; NotFound if the dossier did not exist then.
  Result<std::uint32_t> VersionAsOf(std::uint64_t id, std::int64_t micros);
  Result<std::vector<VersionMeta>> History(std::uint64_t id);
  // Every version of every dossier stored at `at` (Snapshot; null: now), by id, oldest first:
  // its change record and its authenticated plaintext record. One dossier's change records are
  // in memory at a time. Returns: Ok; the visitor's error; Corruption naming the key.
  using VersionSink = std::function<Status(std::uint64_t id, const VersionMeta& meta, const PlainBytes& record)>;
  Status VisitVersions(SnapshotHandle at, const VersionSink& visit);

  // Checks `request` against the stored versions and seals it: the operations of one atomic
  // batch. Returns Conflict if the latest version is not request.expected_version;
  // AlreadyExists for a unique key in use. Write the ops (WriteOps or the audit log), then call
  // FinishCommit. REQUIRES: the dossier's stripes are held until the ops are written.
  Result<PreparedCommit> PrepareCommit(CommitRequest request);
  void FinishCommit(const PreparedCommit& prepared);
  // PrepareCommit, WriteOps and FinishCommit (storage tests and tools; the Database audits).
  Result<VersionMeta> Commit(CommitRequest request);

  Result<bool> IndexKeyExists(std::string_view key);

  // Writes `ops` in one atomic batch (fsynced with `sync` and a syncing store). A failure turns
  // the store read-only, as for commits.
  Status WriteOps(const std::vector<BatchOp>& ops, bool sync);
  // The last key and value of `cf`, if any.
  Status Last(Cf cf, std::string* key, std::string* value, bool* found);
  // The last key at or before `target`, and its value, if any.
  Status Floor(Cf cf, std::string_view target, std::string* key, std::string* value, bool* found);
  // The one scan: calls `visit` on every (key, value) of `cf` in `range`, in key order, until
  // it answers Next::kStop (Scan returns Ok) or an error (Scan returns it).
  Status Scan(Cf cf, const ScanRange& range, const Visitor& visit);
  // Point reads of many keys of one family (at `at`, if given): (*values)[i] is set and
  // (*found)[i] true for each key that exists.
  Status MultiGet(Cf cf, const std::vector<std::string>& keys, std::vector<std::string>* values,
                  std::vector<bool>* found, SnapshotHandle at = nullptr);
  // Point read of any family (at `at`, if given).
  Status Get(Cf cf, std::string_view key, std::string* value, bool* found, SnapshotHandle at = nullptr);
  // Hands `sink` a copy of every sub-key of `purpose`: at once those the keyring holds, later
  // each one a re-key adds (before anything is written under it). For the layer above that
  // owns a purpose's keys (the audit log keeps its own). The sink runs under keyring_mu_, so it
  // takes only leaf locks; it is called until Unwatch(the returned id), which the owner calls
  // before it goes away.
  using SubkeySink = std::function<Status(std::uint32_t generation, crypto::SecretBytes key)>;
  Result<std::uint64_t> WatchSubkeys(crypto::Purpose purpose, SubkeySink sink);
  void UnwatchSubkeys(std::uint64_t watch_id);
  std::uint32_t WriteGeneration() const { return sealer_.write_generation(); }
  bool syncs() const { return sync_; }
  Result<std::vector<std::uint64_t>> ListIds(std::uint64_t after, std::size_t limit);

  // A consistent view for multi-family scans (Check); released with ReleaseSnapshot. Null on a
  // read-only view, which reads as of its last catch-up (one that runs meanwhile shows through).
  const rocksdb::Snapshot* Snapshot();
  void ReleaseSnapshot(const rocksdb::Snapshot* snapshot);

  // True once Close has begun: calls that enter now fail with IOError.
  bool closed() const { return (life_.load() & kClosing) != 0; }

  // A call in flight (HSDT_STORE_ENTER). Close waits until every entered call has left.
  class Call final {
   public:
    explicit Call(Store* store, bool releasing = false)
        : store_(store), entered_(store->Enter(releasing)) {}
    ~Call() {
      if (entered_) store_->Leave();
    }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    bool entered() const { return entered_; }

   private:
    Store* store_;
    bool entered_;
  };

  Status Sync();
  std::int64_t NowMicros() const { return clock_->NowMicros(); }
  // The transaction time for a new commit: the clock, but strictly after every earlier commit of
  // this process, so versions are ordered in time even if the clock steps back.
  std::int64_t NextCommitMicros();

  // Opens a history version record (value of key HistoryKey(id, 'i', v)); every error is
  // Corruption or BadKey prefixed with `where`, which names the record's key.
  Result<VersionMeta> OpenVersionMeta(std::uint64_t id, std::string_view value,
                                      std::string_view where) const;

  // Opens a sealed record/version/dictionary value (for Check and tools).
  const Sealer& sealer() const { return sealer_; }

  // Keys and encryption.
  Status ChangeKey(const Key& new_key, int kdf_cost);
  // Re-seals up to `max_values` values (0: all) under the newest key generation, beginning a
  // re-key if none is under way. The registry family holds values that are overwritten in
  // place (login states): `registry_writers` is the lock their writers hold, taken while that
  // family is resealed (null: nobody writes it).
  Result<RekeyProgress> Rekey(std::uint64_t max_values, base::Mutex* registry_writers);

  // Compression dictionaries.
  Result<std::uint32_t> TrainDictionary();
  std::uint32_t current_dictionary() const { return current_dict_.load(); }

  Result<BackupInfo> Backup(const std::string& backup_dir);

  Result<DatabaseStats> Stats();
  std::uint64_t dossier_count() const { return dossier_count_.load(); }
  const std::string& dir() const { return dir_; }

  // The RocksDB handle underneath, for tests and tools that must reach behind the API (tamper
  // tests). Writing through it bypasses every guarantee of this class.
  rocksdb::DB* raw_db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* raw_cf(Cf cf) { return cfs_[cf]; }

  // Read-only after an I/O error: the reason, empty while writable.
  std::string failure() const;
  // A read-only view (StoreOptions::read_only): reads what the primary had written when the
  // view opened or last caught up.
  bool read_only() const { return read_only_; }
  // A read-only view reads what the primary has written since (its table files and the tail of
  // its log) and the dictionaries it trained. Returns IOError naming the failure; InvalidArgument
  // on a primary.
  Status CatchUp();

  // The audit spool of read-only views (docs/security.md, "Read-only views"): files under
  // `dir`/audit-spool/, through the encrypted file layer, each a sequence of frames (length u32
  // ‖ bytes); an empty frame ends a file its writer closed.
  class SpoolWriter {
   public:
    virtual ~SpoolWriter() = default;
    virtual const std::string& name() const = 0;
    // Appends one frame (not empty); with `sync`, makes it durable first.
    virtual Status Append(std::string_view frame, bool sync) = 0;
    // Appends the end frame, syncs and closes.
    virtual Status Finish() = 0;
    // Closes without the end frame (after a failed append: the file may end mid-frame).
    virtual void Abandon() = 0;
  };
  // A new spool file (created 0700 with its directory); works on a read-only view.
  Result<std::unique_ptr<SpoolWriter>> CreateSpool();
  // Calls `visit(name, frames, finished)` for every spool file, frames in order, up to the last
  // whole one (a torn tail is left for later); `finished` when the end frame was read. A file
  // that cannot be opened or read is skipped this time.
  Status ReadSpools(const std::function<Status(const std::string& name, const std::vector<std::string>& frames,
                                               bool finished)>& visit);
  Status RemoveSpool(const std::string& name);

  // When the store was opened accepting a damaged write-ahead log and it was damaged: what the
  // strict open reported (commits after the damage are lost). Empty otherwise.
  const std::string& log_damage() const { return log_damage_; }

  // Verifies the checksum of every block of every table file and every whole-file checksum
  // the manifest records. Corruption names the file.
  Status VerifyFiles();

  // Key formats (docs/format.md).
  static std::string IdKey(std::uint64_t id);
  static std::string HistoryKey(std::uint64_t id, char kind, std::uint32_t version);

 private:
  Store() = default;
  Status OpenDb(const StoreOptions& options, bool create);
  Status OpenDbOnce(const StoreOptions& options, bool create, bool accept_log_damage);
  Status CheckLogTails() const;
  Status OpenSecondary(const StoreOptions& options);
  rocksdb::ColumnFamilyOptions FamilyOptions(bool sealed, bool log) const;
  rocksdb::ColumnFamilyOptions AttachmentOptions() const;
  std::vector<rocksdb::ColumnFamilyDescriptor> Families() const;
  Status InstallKeys() HSDT_REQUIRES(keyring_mu_);
  // Hands the keyring's sub-keys of `purpose` to `sink` (copies).
  Status Deliver(crypto::Purpose purpose, const SubkeySink& sink) HSDT_REQUIRES(keyring_mu_);
  // Applies `change` to a copy of the keyring, writes it, then swaps it in.
  Status ChangeKeyring(const std::function<Status(Keyring*)>& change) HSDT_REQUIRES(keyring_mu_);
  // Counts a call in flight; false once Close has begun (with `releasing`, until the database
  // is gone: releasing a snapshot taken before Close lets Close succeed).
  bool Enter(bool releasing);
  void Leave();
  Status CheckFormat();
  Status RefuseNewerFormat(const rocksdb::DBOptions& options);
  Status LoadDictionaries();
  Status Writable() const;
  Status Fail(const rocksdb::Status& s, std::string_view what);
  Status Write(rocksdb::WriteBatch* batch);
  Status SealVersionMeta(std::uint64_t id, const VersionMeta& meta, std::string* out) const;
  // Unchecked: it holds train_mu_ through a std::unique_lock try-lock, which the analysis
  // cannot follow.
  void MaybeTrainDictionary() HSDT_EXCLUDES(train_mu_) HSDT_NO_THREAD_SAFETY_ANALYSIS;
  Result<std::uint32_t> TrainDictionaryLocked() HSDT_REQUIRES(train_mu_);
  // Re-seals up to `max_values` values (0: all) not under `target`; counts the rest in
  // *remaining. With reseal false it only counts.
  Result<std::uint64_t> ResealOld(std::uint32_t target, std::uint64_t max_values,
                                  std::uint64_t* remaining, bool reseal, base::Mutex* registry_writers)
      HSDT_REQUIRES(keyring_mu_);
  Status ReadValue(Cf cf, std::string_view key, std::string* value, bool* found, SnapshotHandle at = nullptr);
  // Scan without entering (for calls that have entered already).
  Status ScanImpl(Cf cf, const ScanRange& range, const Visitor& visit);

  static constexpr int kStripes = 256;

  std::string dir_;
  bool read_only_ = false;
  std::shared_ptr<rocksdb::Cache> block_cache_;
  const base::Clock* clock_ = nullptr;
  bool sync_ = true;
  std::atomic<std::uint32_t> training_threshold_{0};

  // Locks in the order of the comment at the top of this file.
  base::Mutex keyring_mu_;  // and the KEYRING file
  std::unique_ptr<Keyring> keyring_ HSDT_PT_GUARDED_BY(keyring_mu_);
  std::shared_ptr<FileKeys> file_keys_ = std::make_shared<FileKeys>();
  std::shared_ptr<FileKeys> backup_keys_ = std::make_shared<FileKeys>();
  struct Watch {
    crypto::Purpose purpose;
    SubkeySink sink;
  };
  std::map<std::uint64_t, Watch> watches_ HSDT_GUARDED_BY(keyring_mu_);
  std::uint64_t next_watch_ HSDT_GUARDED_BY(keyring_mu_) = 1;
  std::shared_ptr<rocksdb::FileSystem> base_fs_;
  std::shared_ptr<LiveLogs> live_logs_;
  std::shared_ptr<rocksdb::FileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  std::string log_damage_;
  Compressor compressor_;
  Sealer sealer_{&compressor_};

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  // After Registry::write_mu_, before train_mu_ (an array cannot carry the attributes).
  base::SharedMutex stripes_[kStripes];
  std::atomic<std::uint64_t> next_id_{1};
  std::atomic<std::int64_t> last_commit_micros_{0};
  std::atomic<std::uint64_t> dossier_count_{0};
  std::atomic<std::uint32_t> current_dict_{0};
  std::atomic<std::uint64_t> undictionaried_writes_{0};
  base::Mutex train_mu_;  // one dictionary training at a time

  mutable base::Mutex failure_mu_;  // a leaf
  std::atomic<bool> failed_{false};
  std::string failure_ HSDT_GUARDED_BY(failure_mu_);

  // Lifetime: life_ counts the calls in flight (in units of kCall) and holds two flags; no
  // lock is held across a call. Close sets kClosing (nothing enters any more), waits on
  // drained_ until no call is in flight, sets kGone (not even a snapshot release enters), then
  // closes RocksDB and sets done_. life_mu_ is a leaf that only orders the waits with the wake-ups.
  static constexpr std::uint64_t kClosing = 1;
  static constexpr std::uint64_t kGone = 2;
  static constexpr std::uint64_t kCall = 4;
  std::atomic<std::uint64_t> life_{0};
  base::Mutex life_mu_;
  std::condition_variable_any drained_;
  bool done_ HSDT_GUARDED_BY(life_mu_) = false;  // Close has finished
};

// Maps a RocksDB status to an hsdt Status with `what` as context.
Status FromRocks(const rocksdb::Status& s, std::string_view what);

// A snapshot held for a scope: the scans made with get() see one state of every family (Check).
// get() is null when the store is closed, and on a read-only view (no snapshots there).
class HeldSnapshot final {
 public:
  explicit HeldSnapshot(Store& store) : store_(store), snapshot_(store.Snapshot()) {}
  ~HeldSnapshot() {
    if (snapshot_ != nullptr) store_.ReleaseSnapshot(snapshot_);
  }
  HeldSnapshot(const HeldSnapshot&) = delete;
  HeldSnapshot& operator=(const HeldSnapshot&) = delete;
  SnapshotHandle get() const { return snapshot_; }

 private:
  Store& store_;
  const SnapshotHandle snapshot_;
};

}  // namespace hsdt::storage
