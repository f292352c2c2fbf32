// Promise 3: a commit acknowledged to the caller survives a kill -9 of the process. A child with
// several writer threads (creates, updates, status changes, hand-overs, import batches) is
// killed with SIGKILL, HSDT_CRASH_CYCLES times in all (200 by default, a quarter of them without
// fsync): mostly at a random moment after it reports itself open, sometimes while it opens. Each
// acknowledged write is in the expected-state file the child appends to after each
// acknowledgement. After every reopen every acknowledged version is read back; Check and
// VerifyAudit run every 10 cycles and at the end. scripts/crash.sh runs more cycles before a
// release.
#include <gtest/gtest.h>
#include <signal.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "support/test_util.h"

namespace hsdt {
namespace {

constexpr char kOtherEditor[] = "binhhunghoa.editor";

int Cycles() {
  if (const char* s = std::getenv("HSDT_CRASH_CYCLES")) return std::max(1, std::atoi(s));
  return HSDT_CRASH_DEFAULT_CYCLES;
}

// Starts the writer and kills it with SIGKILL: `millis` after it reports itself open and logged
// in, or — when `during_open` — `millis` after the start, most often while it recovers and opens.
void RunAndKill(const std::string& dir, const char* mode, int seed, int millis, bool during_open,
                const std::string& expected) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    const std::string s = std::to_string(seed), fd = std::to_string(ready[1]);
    ::execl(HSDT_CRASH_WRITER, HSDT_CRASH_WRITER, dir.c_str(), mode, s.c_str(), expected.c_str(), fd.c_str(),
            nullptr);
    ::_exit(127);
  }
  ::close(ready[1]);
  bool opened = false;
  if (!during_open) {
    // Opening under a sanitizer can take seconds; a minute means the writer is stuck.
    pollfd p{ready[0], POLLIN, 0};
    char byte = 0;
    opened = ::poll(&p, 1, 60'000) == 1 && ::read(ready[0], &byte, 1) == 1;
  }
  if (opened || during_open) std::this_thread::sleep_for(std::chrono::milliseconds(millis));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  // Closed only now: a writer that opens before a during-open kill still writes its byte, and
  // must not die of SIGPIPE (which looked like "stopped by itself").
  ::close(ready[0]);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer stopped by itself ("
      << (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status)) : "exit " + std::to_string(WEXITSTATUS(status)))
      << ")";
  ASSERT_TRUE(opened || during_open) << "the writer did not open the database within a minute";
}

std::map<std::string, std::uint32_t> ReadExpected(const std::string& path, std::size_t* lines) {
  std::map<std::string, std::uint32_t> acked;
  std::ifstream in(path);
  std::string id;
  std::uint32_t version;
  *lines = 0;
  while (in >> id >> version) {
    acked[id] = std::max(acked[id], version);
    ++*lines;
  }
  return acked;
}

void CrashLoop(const char* mode, int cycles) {
  testing::TempDir dir;
  {
    auto t = testing::OpenOrDie(dir.Sub("db"));
    testing::AccountOrDie(*t.db, t.admin, kOtherEditor, "27436", Role::kUnitEditor);
    ASSERT_TRUE(t->Close().ok());
  }
  const std::string expected = dir.Sub("expected");
  std::mt19937 rng(20261126);
  std::size_t checked = 0, acks = 0;
  for (int round = 0; round < cycles; ++round) {
    // One cycle in five kills the writer while it opens (recovery included); the others let it
    // write for 20-320 ms.
    const bool during_open = rng() % 5 == 0;
    const int millis = during_open ? static_cast<int>(rng() % 200) : 20 + static_cast<int>(rng() % 300);
    RunAndKill(dir.Sub("db"), mode, round + 1, millis, during_open, expected);
    if (::testing::Test::HasFatalFailure()) return;
    const auto acked = ReadExpected(expected, &acks);
    auto opened = Database::Open(dir.Sub("db"), testing::TestKey(), testing::ReopenOptions());
    ASSERT_TRUE(opened.ok()) << "round " << round << ": " << opened.status().ToString();
    Database& db = **opened;
    Session admin = testing::LoginOrDie(db, testing::kAdminUser, testing::kAdminPassword);
    for (const auto& [id, v] : acked) {
      auto d = db.Get(admin, id, Purpose::kInspection);
      ASSERT_TRUE(d.ok()) << "round " << round << ": acknowledged " << id << " lost: " << d.status().ToString();
      ASSERT_GE(d->version(), v) << "round " << round << ": " << id << " lost acknowledged versions";
      auto exact = db.GetVersion(admin, id, v, Purpose::kInspection);
      ASSERT_TRUE(exact.ok()) << id << " v" << v << ": " << exact.status().ToString();
      ++checked;
    }
    if (round % 10 == 9 || round + 1 == cycles) {
      auto report = db.Check(admin);
      ASSERT_TRUE(report.ok()) << report.status().ToString();
      ASSERT_TRUE(report->problems.empty()) << "round " << round << ": " << report->problems.front();
      // The audit chain survives the kills too (a crash loses at most unwritten read entries).
      auto audit = db.VerifyAudit(admin, nullptr);
      ASSERT_TRUE(audit.ok());
      ASSERT_TRUE(audit->ok) << "round " << round << ": " << audit->problem;
    }
  }
  std::printf("[ crash ] %s: %d SIGKILL cycles, %zu acknowledged writes, %zu acknowledged versions checked\n",
              mode, cycles, acks, checked);
  EXPECT_GT(acks, static_cast<std::size_t>(cycles)) << "the writers hardly wrote anything; the test proves little";
}

TEST(CrashTest, AcknowledgedSyncedCommitsSurviveSigkill) { CrashLoop("sync", Cycles() - Cycles() / 4); }

// Without fsync a process crash still loses nothing acknowledged: the log is in the OS page cache.
TEST(CrashTest, AcknowledgedUnsyncedCommitsSurviveAProcessCrash) { CrashLoop("nosync", std::max(1, Cycles() / 4)); }

}  // namespace
}  // namespace hsdt
