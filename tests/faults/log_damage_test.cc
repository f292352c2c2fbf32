// A write-ahead log damaged in its middle is told apart from the torn tail a crash leaves: Open
// refuses it with Corruption naming the log, unless the caller accepts the loss
// (OpenOptions::accept_log_damage), which is audited and never reuses an audit number.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "audit/audit_log.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

namespace fs = std::filesystem;
using testing::Ctx;

// A database whose newest commits are only in its log, copied while open (as a crash leaves it).
// Returns the id of the last dossier created.
std::string CrashImage(const std::string& dir, const std::string& image, std::uint64_t* audit_head) {
  {
    auto t = testing::OpenOrDie(dir);
    EXPECT_TRUE(t->Close().ok());
  }
  auto t = testing::OpenOrDie(dir, testing::ReopenOptions());
  std::string last;
  for (int i = 0; i < 6; ++i) {
    auto c = t->Create(t.editor, testing::SampleWithNationalId("07918450" + std::to_string(1000 + i)), Ctx());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    last = c->id;
  }
  EXPECT_TRUE(t->Sync(t.admin).ok());
  *audit_head = t->DigestAudit(t.admin)->sequence;
  fs::copy(dir, image, fs::copy_options::recursive);
  fs::remove(image + "/LOCK");
  EXPECT_TRUE(t->Close().ok());
  return last;
}

std::string NewestLog(const std::string& dir) {
  std::string newest;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n.ends_with(".log") && n > newest) newest = n;
  }
  return newest;
}

TEST(LogDamageTest, DamageInsideTheLogIsRefusedNamingItThenRecoveredOnlyOnRequest) {
  testing::TempDir dir;
  std::uint64_t head = 0;
  const std::string last = CrashImage(dir.Sub("db"), dir.Sub("image"), &head);
  const std::string log = NewestLog(dir.Sub("image"));
  ASSERT_FALSE(log.empty());
  const std::string path = dir.Sub("image") + "/" + log;
  const auto size = fs::file_size(path);
  ASSERT_GT(size, 4096u + 2000u) << "the log holds the newest commits";
  {
    // One byte in the middle of the log's records (past the 4096-byte header).
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    const auto at = static_cast<std::streamoff>(4096 + (size - 4096) / 2);
    f.seekg(at);
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x01));
  }
  const auto before = fs::file_size(path);

  auto strict = Database::Open(dir.Sub("image"), testing::TestKey(), testing::ReopenOptions());
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), StatusCode::kCorruption) << strict.status().ToString();
  EXPECT_NE(strict.status().ToString().find(log), std::string::npos)
      << "the error names the log: " << strict.status().ToString();
  EXPECT_EQ(fs::file_size(path), before) << "a refused open changes nothing";

  OpenOptions accept = testing::ReopenOptions();
  accept.accept_log_damage = true;
  auto t = Database::Open(dir.Sub("image"), testing::TestKey(), accept);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Session admin = testing::LoginOrDie(**t, testing::kAdminUser, testing::kAdminPassword);
  auto lost = (*t)->Get(admin, last, Purpose::kInspection);
  EXPECT_EQ(lost.status().code(), StatusCode::kNotFound) << "what followed the damage is gone";

  auto audit = (*t)->VerifyAudit(admin, nullptr);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  EXPECT_TRUE(audit->ok) << audit->problem;
  auto entries = (*t)->ReadAudit(admin, 1, 1000000);
  ASSERT_TRUE(entries.ok());
  const AuditRecord* recovery = nullptr;
  std::uint64_t kept = 0;
  for (const auto& e : *entries) {
    if (e.action == "recover_log") recovery = &e;
    if (e.sequence < audit::AuditLog::kEpoch) kept = e.sequence;
  }
  ASSERT_NE(recovery, nullptr) << "the recovery is audited";
  EXPECT_EQ(recovery->sequence, audit::AuditLog::kEpoch) << "numbered past every lost entry";
  EXPECT_NE(recovery->reason.find(log), std::string::npos) << recovery->reason;
  EXPECT_LT(kept, head) << "entries after the damage were lost";
  for (const auto& e : *entries) {
    EXPECT_TRUE(e.sequence <= kept || e.sequence >= audit::AuditLog::kEpoch)
        << "sequence " << e.sequence << " may have been a lost entry's";
  }
  ASSERT_TRUE((*t)->Close().ok());

  // Reopened normally afterwards: no damage is left, the chain still verifies.
  auto again = Database::Open(dir.Sub("image"), testing::TestKey(), testing::ReopenOptions());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  Session a2 = testing::LoginOrDie(**again, testing::kAdminUser, testing::kAdminPassword);
  auto v = (*again)->VerifyAudit(a2, nullptr);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
}

TEST(LogDamageTest, AnUndamagedDatabaseOpensTheSameWithOrWithoutAcceptingLoss) {
  testing::TempDir dir;
  std::uint64_t head = 0;
  const std::string last = CrashImage(dir.Sub("db"), dir.Sub("image"), &head);
  OpenOptions accept = testing::ReopenOptions();
  accept.accept_log_damage = true;
  auto t = Database::Open(dir.Sub("image"), testing::TestKey(), accept);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Session admin = testing::LoginOrDie(**t, testing::kAdminUser, testing::kAdminPassword);
  EXPECT_TRUE((*t)->Get(admin, last, Purpose::kInspection).ok()) << "a crash image loses nothing";
  auto entries = (*t)->ReadAudit(admin, 1, 1000000);
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) EXPECT_NE(e.action, "recover_log") << "nothing was lost, nothing to record";
}

TEST(LogDamageTest, AMissingLiveLogIsRefused) {
  testing::TempDir dir;
  std::uint64_t head = 0;
  CrashImage(dir.Sub("db"), dir.Sub("image"), &head);
  const std::string log = NewestLog(dir.Sub("image"));
  fs::remove(dir.Sub("image") + "/" + log);
  auto strict = Database::Open(dir.Sub("image"), testing::TestKey(), testing::ReopenOptions());
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), StatusCode::kCorruption) << strict.status().ToString();
  EXPECT_NE(strict.status().ToString().find(log), std::string::npos) << strict.status().ToString();
}

}  // namespace
}  // namespace hsdt
