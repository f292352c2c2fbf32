// Promise 3: a commit acknowledged to the caller survives a kill -9 of the process. A child writes
// in a loop and is killed with SIGKILL at random moments, 20 times; after each reopen every write
// it acknowledged is present and readable.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "support/test_util.h"

namespace hsdt {
namespace {

// Runs the writer for `millis`, kills it with SIGKILL and returns what it acknowledged.
std::map<std::string, std::uint32_t> RunAndKill(const std::string& dir, const char* mode, int seed,
                                                int millis) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    const std::string s = std::to_string(seed);
    ::execl(HSDT_CRASH_WRITER, HSDT_CRASH_WRITER, dir.c_str(), mode, s.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(millis));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer stopped by itself (exit " << WEXITSTATUS(status) << ")";
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  std::map<std::string, std::uint32_t> acked;
  std::istringstream lines(out);
  std::string id;
  std::uint32_t version;
  while (lines >> id >> version) acked[id] = std::max(acked[id], version);
  return acked;
}

void CrashLoop(const char* mode) {
  testing::TempDir dir;
  std::mt19937 rng(20261126);
  std::map<std::string, std::uint32_t> all;
  std::size_t writes = 0;
  for (int round = 0; round < 20; ++round) {
    const int millis = 150 + static_cast<int>(rng() % 400);
    auto acked = RunAndKill(dir.path(), mode, round + 1, millis);
    writes += acked.size();
    for (const auto& [id, v] : acked) all[id] = std::max(all[id], v);
    auto opened = Database::Open(dir.path(), testing::TestKey(), testing::ReopenOptions());
    ASSERT_TRUE(opened.ok()) << "round " << round << ": " << opened.status().ToString();
    Database& db = **opened;
    Session editor = testing::LoginOrDie(db, testing::kEditorUser, testing::kEditorPassword);
    Session admin = testing::LoginOrDie(db, testing::kAdminUser, testing::kAdminPassword);
    for (const auto& [id, v] : all) {
      auto d = db.Get(editor, id);
      ASSERT_TRUE(d.ok()) << "round " << round << ": acknowledged " << id << " lost: " << d.status().ToString();
      EXPECT_GE(d->version(), v) << id;
      auto exact = db.GetVersion(editor, id, v);
      ASSERT_TRUE(exact.ok()) << id << " v" << v << ": " << exact.status().ToString();
      EXPECT_TRUE(exact->ToJson().ok());
    }
    auto report = db.Check(admin);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
    // The audit chain survives the kills too (a crash loses at most unwritten read entries).
    auto audit = db.VerifyAudit(admin, nullptr);
    ASSERT_TRUE(audit.ok());
    EXPECT_TRUE(audit->ok) << audit->problem;
  }
  EXPECT_GT(writes, 20u) << "the writer hardly wrote anything; the test proves little";
}

TEST(CrashTest, AcknowledgedSyncedCommitsSurviveSigkill) { CrashLoop("sync"); }

// Without fsync a process crash still loses nothing acknowledged: the log is in the OS page cache.
TEST(CrashTest, AcknowledgedUnsyncedCommitsSurviveAProcessCrash) { CrashLoop("nosync"); }

}  // namespace
}  // namespace hsdt
