// The audit log: an append-only, hash-chained record of every access (allowed or denied), in its
// own column family (docs/security.md).
//
// Chain (docs/format.md): with K = the audit key of the entry's key generation g,
//   entry_hash(n) = BLAKE2b-256("hsdt-audit-entry" 0x00 || g u32 || entry bytes)
//   link(n)       = BLAKE2b-256[K]("hsdt-audit-link" 0x00 || link(n-1) || n u64 || entry_hash(n))
// with link(0) = 32 zero bytes. The entry hash is a plain digest (collision resistance is what
// it needs; the key enters at the link, which binds it). The group writer computes it while it keeps
// up; once a group's worth of entries waits, callers compute their own, so the work spreads
// over the cores under load.
//
// Group commit is storage's (storage/commit_queue.h): the log encodes each entry on its caller's
// thread, submits it with the store writes that must be atomic with it, and, as the queue's
// hook, numbers and links each group's entries in order and stores them as blocks.
//
// Threads: safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <hsdt/audit.h>
#include <hsdt/status.h>

#include "storage/commit_queue.h"
#include "storage/store.h"

namespace hsdt::audit {

class AuditLog final : private storage::CommitHook {
 public:
  // Reads the head of the chain from `store` and starts the commit queue.
  static Result<std::unique_ptr<AuditLog>> Open(storage::Store* store);
  // The log of a read-only view (Store::read_only): Append writes the entry to a spool file of
  // its own (Store::CreateSpool), authenticated under the audit key, for the primary to link
  // into its chain (IngestSpools); an entry with operations or a feed entry is refused. The
  // chain itself is read as the view last caught up (Refresh).
  static Result<std::unique_ptr<AuditLog>> OpenView(storage::Store* store);
  // A view after catching up: reads the head of the chain again.
  Status Refresh();
  // The primary: links the entries the views spooled into the chain, in spool order, each in a
  // batch with its spool's watermark (meta "audit-spool/<file>"), so none is linked twice; marks
  // each "(read-only view)" in its reason, keeping its time. A frame that fails authentication
  // is not linked: an entry audit_spool_rejected names the file, and the rest of it is skipped.
  // A finished spool is removed once linked. Returns: the number of entries linked; IOError.
  Result<std::uint64_t> IngestSpools();
  ~AuditLog() override;  // writes what is queued, then stops

  // Queues `entry` with `ops` (written in the same atomic batch). With `wait`, returns once the
  // batch is written (fsynced if `sync`), with its status; otherwise returns at once. A
  // non-empty `feed` (storage/change_feed.h) is stored in that batch at the entry's sequence:
  // the change's position in the feed.
  // Returns: the entry's sequence number (0 without `wait`); IOError if the batch failed or the
  // log is stopped.
  Result<std::uint64_t> Append(AuditRecord entry, std::vector<storage::BatchOp> ops, bool wait,
                               bool sync, std::string feed = {});

  // Waits until everything queued so far is written.
  Status Flush();

  // Stops the queue after writing what is queued (Close of the database).
  Status Stop();

  // Makes the next entry's number the next multiple of 2^32 (kEpoch), after a recovery that lost
  // entries of unknown numbers; Verify accepts such a jump only onto a `recover_log` entry.
  // REQUIRES: nothing appended yet.
  void SkipToNextEpoch();
  static constexpr std::uint64_t kEpoch = std::uint64_t{1} << 32;

  // (sequence, link) of the last written entry.
  AuditDigest Digest();

  // Walks the chain from the first entry; with `against`, also proves that the entry at its
  // sequence still has its link (nothing up to it rewritten or dropped).
  Result<AuditVerification> Verify(const AuditDigest* against);

  Result<std::vector<AuditRecord>> Read(std::uint64_t from_sequence, std::size_t limit);
  // The entries stored at `at` (Store::Snapshot; null: now, without writing what is queued)
  // from `from_sequence` on, in order, until `visit` answers false.
  // Returns: Ok; the visitor's error; Corruption if a block is malformed.
  Status Visit(storage::SnapshotHandle at, std::uint64_t from_sequence,
               const std::function<Result<bool>(AuditRecord)>& visit);

  static std::string Key(std::uint64_t sequence);

  // Decodes one entry's bytes as Read and Verify do (for tests/fuzz/audit_entry_fuzz.cc).
  // Returns: the entry (sequence and key generation left 0); Corruption if malformed.
  static Result<AuditRecord> DecodeEntryForTesting(std::string_view bytes);

 private:
  using Hash = std::array<char, crypto::kMacBytes>;
  static_assert(sizeof(Hash) == sizeof(storage::QueuedCommit::digest));

  explicit AuditLog(storage::Store* store) : store_(store) {}
  static Result<std::unique_ptr<AuditLog>> OpenLog(storage::Store* store);
  Status ReadHead();
  // A view's Append: one authenticated frame in its spool.
  Status Spool(const AuditRecord& entry, bool sync);
  Result<std::string> SpoolMac(std::uint32_t generation, const std::string& file, std::uint64_t index,
                               std::string_view record);
  // Links the frames of one spool file after its watermark.
  Result<std::uint64_t> IngestSpool(const std::string& name, const std::vector<std::string>& frames, bool finished);
  // The queue's hook: numbers and links a group's entries after the head (storage/commit_queue.h).
  Status Seal(std::span<storage::QueuedCommit> group, std::vector<storage::BatchOp>* ops) override;
  void Sealed(bool written) override;
  static Hash EntryHash(std::uint32_t generation, std::string_view bytes);
  // The last key a loop used, so that a run of entries of one generation looks it up once.
  struct KeyCache {
    std::uint32_t generation = 0;
    const crypto::SecretBytes* key = nullptr;
  };
  Result<Hash> Link(KeyCache& keys, std::uint32_t generation, std::uint64_t sequence,
                    const Hash& entry_hash, const Hash& previous_link);

  // The audit key of a generation: the store hands each one over once (WatchSubkeys), at Open
  // and when a re-key adds one (guarded memory is costly to allocate).
  Result<const crypto::SecretBytes*> KeyOf(std::uint32_t generation);

  storage::Store* store_;
  // Lock order (storage/store.h): keys_mu_ and head_mu_ are leaves (the store's key sink takes
  // keys_mu_ under the store's keyring lock).
  std::mutex keys_mu_;
  std::map<std::uint32_t, crypto::SecretBytes> keys_;
  std::uint64_t key_watch_ = 0;  // Store::WatchSubkeys, 0: none
  // The entry with the queue's ticket t gets sequence first_sequence_ + t (a group's entries
  // are sealed in ticket order, and a write never skips one).
  std::uint64_t first_sequence_ = 0;  // last sequence at Open (or after SkipToNextEpoch)
  // The head of the chain: what the last written group ended with. The sealed_ pair is what
  // the group being written will end with; only the queue's one writer touches it.
  std::mutex head_mu_;
  std::uint64_t last_sequence_ = 0;
  Hash last_link_{};
  std::uint64_t sealed_sequence_ = 0;
  Hash sealed_link_{};
  // A view's spool (null on the primary, and on a view until its first entry).
  std::mutex spool_mu_;  // rank 3.5 (storage/store.h): a view's Append, the primary's IngestSpools
  std::unique_ptr<storage::Store::SpoolWriter> spool_;
  std::uint64_t spooled_ = 0;  // frames in spool_
  bool spool_stopped_ = false;  // Stop ran: no new spool file
  bool view_ = false;
  std::unique_ptr<storage::CommitQueue> queue_;  // last: stopped first
};

}  // namespace hsdt::audit
