#include "storage/commit_queue.h"

#include <chrono>

namespace hsdt::storage {
namespace {
constexpr auto kGather = std::chrono::microseconds(1000);  // longest a commit that nobody waits for waits
constexpr std::size_t kMaxQueued = 1 << 16;  // callers that do not wait wait beyond this (back-pressure)
}  // namespace

CommitQueue::CommitQueue(Store* store, CommitHook* hook)
    : store_(store), hook_(hook), thread_([this] { Run(); }) {}

CommitQueue::~CommitQueue() { (void)Stop(); }

Result<std::uint64_t> CommitQueue::Submit(QueuedCommit commit, bool wait) {
  std::unique_lock lock(mu_);
  if (!wait && queue_.size() >= kMaxQueued) {
    written_.wait(lock, [&] { return queue_.size() < kMaxQueued || stopping_ || !failed_.ok(); });
  }
  if (!failed_.ok()) return failed_;
  if (stopping_) return Status::IOError("the database is closed");
  queue_.push_back(std::move(commit));
  backlog_.store(queue_.size(), std::memory_order_relaxed);
  const std::uint64_t ticket = ++queued_ticket_;
  if (!wait) {
    // The gatherer sleeps until the queue is non-empty, then gathers until someone waits or
    // the group is full: wake it only when one of those changes.
    if (queue_.size() == 1 || queue_.size() == kMaxGroup) queued_.notify_one();
    return std::uint64_t{0};
  }
  ++urgent_;
  WaitFor(lock, ticket);
  --urgent_;
  if (failed_ticket_ != 0 && ticket >= failed_ticket_) return failed_;
  return ticket;
}

void CommitQueue::WaitFor(std::unique_lock<std::mutex>& lock, std::uint64_t ticket) {
  while (written_ticket_ < ticket) {
    // The first waiter to find nobody writing writes the whole queue itself (its commit is in
    // it: a taken commit is written before writing_ drops), so a lone writer does not hand off
    // to the gathering thread and back.
    if (!writing_ && !queue_.empty()) {
      WriteQueued(lock);
    } else {
      written_.wait(lock);
    }
  }
}

void CommitQueue::WriteQueued(std::unique_lock<std::mutex>& lock) {
  writing_ = true;
  std::vector<QueuedCommit> group;
  group.swap(queue_);
  backlog_.store(0, std::memory_order_relaxed);
  const std::uint64_t last_ticket = queued_ticket_;
  const Status prior = failed_;
  lock.unlock();
  Status s = prior.ok() ? WriteGroup(group) : prior;
  group.clear();  // frees the commits outside the lock
  lock.lock();
  if (queue_.empty()) queue_.swap(group);  // keeps the capacity for the next group
  if (!s.ok() && failed_.ok()) {
    failed_ = s;
    failed_ticket_ = written_ticket_ + 1;  // the first commit of this group
  }
  written_ticket_ = last_ticket;
  writing_ = false;
  written_.notify_all();
  if (!queue_.empty() || stopping_) queued_.notify_one();  // the gatherer waits for writing_ to drop
}

Status CommitQueue::WriteGroup(std::vector<QueuedCommit>& group) {
  std::vector<BatchOp> ops;
  bool sync = false;
  for (QueuedCommit& c : group) {
    for (BatchOp& op : c.ops) ops.push_back(std::move(op));
    sync |= c.sync;
  }
  Status s = hook_->Seal(group, &ops);
  if (s.ok()) s = store_->WriteOps(ops, sync);
  hook_->Sealed(s.ok());
  return s;
}

Status CommitQueue::Flush() {
  std::unique_lock lock(mu_);
  ++urgent_;
  WaitFor(lock, queued_ticket_);
  --urgent_;
  return failed_;
}

Status CommitQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queued_.notify_all();
    written_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return failed_;
}

void CommitQueue::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    queued_.wait(lock, [&] { return (!queue_.empty() || stopping_) && !writing_; });
    if (queue_.empty()) return;  // stopping, and everything is written
    if (urgent_ == 0 && !stopping_) {
      queued_.wait_for(lock, kGather, [&] { return urgent_ > 0 || queue_.size() >= kMaxGroup || stopping_; });
    }
    if (writing_ || queue_.empty()) continue;  // a waiting writer took the group meanwhile
    WriteQueued(lock);
  }
}

}  // namespace hsdt::storage
