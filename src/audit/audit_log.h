// The audit log: an append-only, hash-chained record of every access (allowed or denied), in its
// own column family (docs/security.md).
//
// Chain: entry_hash(n) = BLAKE2b-256[audit key of the entry's key generation]
//   ("hsdt-audit-entry" 0x00 || seq u64 || entry bytes); link(n) = BLAKE2b-256[same key]
//   ("hsdt-audit-link" 0x00 || link(n-1) || entry_hash(n)), link(0) = 32 zero bytes. Each value
// is the entry's bytes followed by its link.
//
// One sequencer thread owns the chain: callers queue entries (with the store writes that must be
// atomic with them), the sequencer numbers and links them in order and writes each group in one
// RocksDB batch. Writers wait until their batch is written (and fsynced when the store syncs);
// readers do not wait.
//
// Threads: safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
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

  // (sequence, link) of the last written entry.
  AuditDigest Digest();

  // Walks the chain from the first entry; with `against`, also proves that the entry at its
  // sequence still has its link (nothing up to it rewritten or dropped).
  Result<AuditVerification> Verify(const AuditDigest* against);

  Result<std::vector<AuditRecord>> Read(std::uint64_t from_sequence, std::size_t limit);

  static std::string Key(std::uint64_t sequence);

 private:
  struct Pending {
    std::string bytes;   // the encoded entry
    std::string digest;  // BLAKE2b-256 of `bytes`
    std::vector<storage::BatchOp> ops;
    bool sync = false;
    bool wait = false;
    bool done = false;
    Status result;
    std::uint64_t sequence = 0;
  };

  explicit AuditLog(storage::Store* store) : store_(store) {}
  void Run();
  Status WriteGroup(std::vector<std::shared_ptr<Pending>>& group);
  Result<std::string> Link(std::uint32_t generation, std::uint64_t sequence,
                           std::string_view entry_digest, std::string_view previous_link);

  // The audit key of a generation, fetched once (guarded memory is costly to allocate).
  Result<const crypto::SecretBytes*> KeyOf(std::uint32_t generation);

  storage::Store* store_;
  std::mutex keys_mu_;
  std::map<std::uint32_t, crypto::SecretBytes> keys_;
  std::mutex mu_;
  std::condition_variable queued_;
  std::condition_variable written_;
  std::deque<std::shared_ptr<Pending>> queue_;
  std::size_t in_flight_ = 0;  // taken by the sequencer, not yet written
  bool stopping_ = false;
  Status failed_;  // the first write failure: the log stops accepting entries
  std::uint64_t last_sequence_ = 0;  // owned by the sequencer (and guarded by mu_ for Digest)
  std::string last_link_;
  std::thread thread_;
};

}  // namespace hsdt::audit
