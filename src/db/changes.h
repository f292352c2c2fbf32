// The change feed above the store (include/hsdt/changes.h): what each registry record puts in
// the feed, and the thread that tells observers a commit was made.
#pragma once

#include <hsdt/changes.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "policy/registry.h"
#include "storage/change_feed.h"

namespace hsdt::db {

// The feed item of a dossier version: its managing unit after the change and, when the change
// moved it, the unit it left.
storage::FeedItem DossierFeedItem(std::uint64_t id, ChangeKind kind, std::uint32_t version, std::int64_t micros,
                                  std::string unit, std::string previous_unit = {});
// The feed item of a registry record's staged version (Registry::Stage set its version and time).
storage::FeedItem AttachmentFeedItem(std::string id, std::uint32_t version, std::int64_t micros, std::string unit);
storage::FeedItem FeedItemOf(const policy::AccountRecord& r);
storage::FeedItem FeedItemOf(const policy::UnitRecord& r);
storage::FeedItem FeedItemOf(const policy::GrantRecord& r);
storage::FeedItem FeedItemOf(const policy::HandOverRecord& r);

// Calls the registered observers, on a thread of its own, with the latest position after
// commits; calls coalesce while an observer runs, and never overlap.
// Threads: safe. Lock order: mu_ is a leaf, never held while an observer runs.
class ChangeNotifier final {
 public:
  using Observer = std::function<void(std::uint64_t)>;
  ChangeNotifier() = default;
  ~ChangeNotifier() { Stop(); }

  // Returns the observer's id (1, 2, ...); starts the thread with the first.
  std::uint64_t Add(Observer observer);
  // Returns false for an unknown id. Waits for a call of that observer in progress to return,
  // unless called from the observer's own thread.
  bool Remove(std::uint64_t id);
  // A commit at `position` was written.
  void Notify(std::uint64_t position);
  // Waits for a call in progress and stops the thread; later Notify calls do nothing.
  // REQUIRES: not called from an observer (OnThread).
  void Stop();
  // True on the notifier's own thread (inside an observer).
  bool OnThread();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable returned_;
  std::map<std::uint64_t, std::shared_ptr<const Observer>> observers_;
  std::uint64_t next_id_ = 1;
  std::uint64_t latest_ = 0;     // the latest position notified
  std::uint64_t delivered_ = 0;  // the position the observers were last called with
  std::uint64_t running_ = 0;    // the id of the observer being called, 0 if none
  bool stopping_ = false;
  std::thread thread_;
  std::thread::id thread_id_;  // thread_'s, kept after Stop moves thread_ out
};

}  // namespace hsdt::db
