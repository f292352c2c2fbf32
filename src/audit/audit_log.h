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
// Group commit: callers queue entries (with the store writes that must be atomic with them);
// one thread at a time takes the whole queue, numbers and links its entries in order and writes
// them as blocks in one RocksDB batch. A caller that waits for its entry (a write, a denial)
// writes the queue itself when nobody is writing, else waits for the writer in progress and
// then leads the next group. Reads do not wait: a sequencer thread gathers their entries for up
// to 1 ms and writes them, so that a stream of reads costs one write per group.
//
// Threads: safe.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <hsdt/audit.h>
#include <hsdt/status.h>

#include "storage/store.h"

namespace hsdt::audit {

class AuditLog final {
 public:
  // Starts the sequencer; reads the head of the chain from `store`.
  static Result<std::unique_ptr<AuditLog>> Open(storage::Store* store);
  ~AuditLog();  // writes what is queued, then stops

  // Queues `entry` with `ops` (written in the same atomic batch). With `wait`, returns once the
  // batch is written (fsynced if `sync`), with its status; otherwise returns at once.
  // Returns: the entry's sequence number; IOError if the batch failed or the log is stopped.
  Result<std::uint64_t> Append(AuditRecord entry, std::vector<storage::BatchOp> ops, bool wait,
                               bool sync);

  // Waits until everything queued so far is written.
  Status Flush();

  // Stops the sequencer after writing what is queued (Close of the database).
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

  static std::string Key(std::uint64_t sequence);

  // Decodes one entry's bytes as Read and Verify do (for tests/fuzz/audit_entry_fuzz.cc).
  // Returns: the entry (sequence and key generation left 0); Corruption if malformed.
  static Result<AuditRecord> DecodeEntryForTesting(std::string_view bytes);

 private:
  using Hash = std::array<char, crypto::kMacBytes>;
  struct Pending {
    std::string bytes;  // the encoded entry
    std::uint32_t generation = 0;
    Hash entry_hash{};  // see above
    bool hashed = false;  // else the group writer computes entry_hash
    std::vector<storage::BatchOp> ops;
    bool sync = false;
  };

  explicit AuditLog(storage::Store* store) : store_(store) {}
  void Run();
  // Returns once the entry with `ticket` is written, writing the queue itself when nobody is.
  void WaitFor(std::unique_lock<std::mutex>& lock, std::uint64_t ticket);
  // Takes the whole queue and writes it (mu_ held on entry and exit, released meanwhile).
  void WriteQueued(std::unique_lock<std::mutex>& lock);
  // Writes `group` (entries numbered from last_sequence_ + 1) in one batch.
  Status WriteGroup(std::vector<Pending>& group);
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
  // Lock order (storage/store.h): keys_mu_ is a leaf (the store's key sink takes it under the
  // store's keyring lock);
  // mu_ comes after the stripes (a commit waits for its entry holding them) and is let go while
  // a group is written, so no Store call is made under it.
  std::mutex keys_mu_;
  std::map<std::uint32_t, crypto::SecretBytes> keys_;
  std::uint64_t key_watch_ = 0;  // Store::WatchSubkeys, 0: none
  std::mutex mu_;
  std::condition_variable queued_;
  std::condition_variable written_;
  // Every queued entry has a ticket, 1, 2, ... in queue order; as writes never skip an entry,
  // the entry with ticket t gets sequence first_sequence_ + t.
  std::vector<Pending> queue_;
  std::uint64_t first_sequence_ = 0;  // last sequence at Open
  std::uint64_t queued_ticket_ = 0;   // the last ticket handed out
  std::uint64_t written_ticket_ = 0;  // the last ticket written (or failed)
  std::uint64_t failed_ticket_ = 0;   // the first ticket of the failed group, 0 if none
  std::size_t urgent_ = 0;            // callers waiting for a write (Append with wait, Flush)
  std::size_t blocked_ = 0;           // readers waiting for room in the queue
  std::atomic<std::size_t> backlog_{0};  // queue_.size(), readable without mu_
  bool writing_ = false;  // a thread is writing a group; the next waits its turn
  bool stopping_ = false;
  Status failed_;  // the first write failure: the log stops accepting entries
  std::uint64_t last_sequence_ = 0;  // owned by the group writer (and guarded by mu_ for Digest)
  Hash last_link_{};
  std::thread thread_;
};

}  // namespace hsdt::audit
