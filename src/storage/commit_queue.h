// CommitQueue: group commit, the one way changes reach the store (docs/architecture.md, "The
// write path").
//
// Callers submit commits: the operations of one change and a record that a hook links into a
// chain (the audit entry: every change is audited in the batch that makes it). One thread at a
// time takes the whole queue, lets the hook seal it (number and link its records, adding the
// operations that store them) and writes everything in one RocksDB batch, fsynced if any commit
// of the group asked for it. A caller that waits for its commit (a write, a denial) writes the
// queue itself when nobody is writing, else waits for the writer in progress and then leads the
// next group. A caller that does not wait (an audited read) returns at once: a gathering thread
// collects such commits for up to 1 ms and writes them, so that a stream of reads costs one
// write per group.
//
// A failed write fails every commit of its group and stops the queue: later commits get the
// same status (the hook's chain would have a hole otherwise). Reopen the database to go on.
//
// Threads: safe. Lock order (storage/store.h): mu_ after the stripes (a commit waits under its
// stripes) and never with train_mu_; let go while a group is written, so the hook and the
// store are called without it.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <hsdt/status.h>

#include "storage/store.h"

namespace hsdt::storage {

// One commit: what the caller writes, and the record the hook links. The record's fields are
// the hook's: the queue only carries them.
struct QueuedCommit {
  std::vector<BatchOp> ops;  // the change itself, written in the batch of its group
  bool sync = false;         // fsync that batch
  std::string record;        // the bytes the hook links (the encoded audit entry)
  std::uint32_t generation = 0;       // the key generation the hook links it under
  std::array<char, 32> digest{};      // the record's digest, if the caller computed it
  bool digested = false;
  std::string feed;  // the change-feed entry the hook stores at the commit's number (empty: none)
};

class CommitHook {
 public:
  virtual ~CommitHook() = default;
  // Called by the group's writer, outside the queue's lock, for one group at a time in queue
  // order: seals the group's records (they follow the last sealed group) and appends to `ops`
  // the operations that store them. An error fails the group.
  virtual Status Seal(std::span<QueuedCommit> group, std::vector<BatchOp>* ops) = 0;
  // After the group's batch: with `written`, what Seal prepared is now the head of the chain;
  // otherwise it is forgotten.
  virtual void Sealed(bool written) = 0;
};

class CommitQueue final {
 public:
  // Starts the gathering thread. `hook` outlives the queue.
  CommitQueue(Store* store, CommitHook* hook);
  ~CommitQueue();  // writes what is queued, then stops

  // Queues `commit`. With `wait`, returns once its group is written, with the group's status;
  // otherwise at once (a full queue makes it wait for room first).
  // Returns: the commit's ticket, 1, 2, ... in queue order (0 without `wait`); IOError once the
  // queue is stopped; the first failed write's status once one failed.
  Result<std::uint64_t> Submit(QueuedCommit commit, bool wait);

  // Waits until everything queued so far is written; returns the first failure, if any.
  Status Flush();

  // Writes what is queued and stops the gathering thread (Close of the database).
  Status Stop();

  // Commits queued and not yet taken by a writer (readable without the lock, approximate).
  std::size_t backlog() const { return backlog_.load(std::memory_order_relaxed); }

  // A group of this many commits is written at once; so many waiting is also the backlog at
  // which callers should do their own share of the hook's work.
  static constexpr std::size_t kMaxGroup = 1024;

 private:
  void Run();
  // Returns once the commit with `ticket` is written, writing the queue itself when nobody is.
  void WaitFor(std::unique_lock<std::mutex>& lock, std::uint64_t ticket);
  // Takes the whole queue and writes it (mu_ held on entry and exit, released meanwhile).
  void WriteQueued(std::unique_lock<std::mutex>& lock);
  Status WriteGroup(std::vector<QueuedCommit>& group);

  Store* const store_;
  CommitHook* const hook_;
  std::mutex mu_;
  std::condition_variable queued_;
  std::condition_variable written_;
  std::vector<QueuedCommit> queue_;
  std::uint64_t queued_ticket_ = 0;   // the last ticket handed out
  std::uint64_t written_ticket_ = 0;  // the last ticket written (or failed)
  std::uint64_t failed_ticket_ = 0;   // the first ticket of the failed group, 0 if none
  std::size_t urgent_ = 0;            // callers waiting for a write (Submit with wait, Flush)
  std::atomic<std::size_t> backlog_{0};  // queue_.size(), readable without mu_
  bool writing_ = false;  // a thread is writing a group; the next waits its turn
  bool stopping_ = false;
  Status failed_;  // the first write failure: the queue stops accepting commits
  std::thread thread_;
};

}  // namespace hsdt::storage
