// hsdt changes: the change feed, once or followed.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>

#include "cli.h"

namespace hsdt::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void StopFollowing(int) { g_stop.store(true); }

}  // namespace

int Changes(const Args& args, Database& db, const Session& s, Purpose purpose) {
  auto since = ParseNumber(args.Get("since", "0"), UINT64_MAX);
  auto limit = ParseNumber(args.Get("limit", "1000"), kMaxChangesPage);
  if (!since) return Fail(Status::InvalidArgument("--since: expected a feed position (a whole number)"));
  if (!limit || *limit == 0) return Fail(Status::InvalidArgument("--limit: expected 1 to " + std::to_string(kMaxChangesPage)));
  const bool follow = args.Has("follow");
  std::mutex mu;
  std::condition_variable woken;
  std::uint64_t latest = 0;
  std::uint64_t observer = 0;
  if (follow) {
    std::signal(SIGINT, StopFollowing);
    std::signal(SIGTERM, StopFollowing);
    auto id = db.AddChangeObserver([&](std::uint64_t position) {
      std::lock_guard lock(mu);
      latest = position;
      woken.notify_all();
    });
    if (!id.ok()) return Fail(id.status());
    observer = *id;
  }
  std::uint64_t position = *since;
  int rc = kExitOk;
  while (rc == kExitOk) {
    auto page = db.Changes(s, position, *limit, purpose);
    if (!page.ok()) {
      rc = Fail(page.status());
      break;
    }
    // position, subject, kind, id, version, recorded at (UTC), unit, unit left (hand-overs)
    for (const ChangeEntry& e : page->entries) {
      std::cout << e.position << '\t' << ChangeSubjectName(e.subject) << '\t' << ChangeKindName(e.kind) << '\t'
                << e.id << '\t' << e.version << '\t' << FormatTime(e.recorded_at_micros) << '\t' << e.unit << '\t'
                << (e.previous_unit.empty() ? "-" : e.previous_unit) << '\n';
    }
    std::cout.flush();
    const bool moved = page->next != position;
    position = page->next;
    if (moved) continue;
    if (!follow) break;
    // Caught up: wait for a commit (or a second, to notice a signal).
    std::unique_lock lock(mu);
    woken.wait_for(lock, std::chrono::seconds(1), [&] { return latest > position; });
    if (g_stop.load()) break;
  }
  if (follow) db.RemoveChangeObserver(observer);
  if (rc == kExitOk) std::cerr << "next position: " << position << '\n';
  return rc;
}

}  // namespace hsdt::cli
