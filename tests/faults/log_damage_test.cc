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

void XorByte(const std::string& path, std::streamoff at, char bits) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(at);
  char c = 0;
  f.get(c);
  f.seekp(at);
  f.put(static_cast<char>(c ^ bits));
}

// RocksDB's tolerant reader takes a record reaching past the end of the log for a torn write and
// drops it and everything after it without a word. A damaged length is not a torn write: the
// records after it are whole, so Open refuses (the case a sweep of random bytes met once). So is a
// record typed as a recycled log's, which RocksDB's reader also takes for the end of the log.
TEST(LogDamageTest, ALengthDamagedToReachPastTheEndIsRefusedNotTakenForATornWrite) {
  testing::TempDir dir;
  std::uint64_t head = 0;
  const std::string last = CrashImage(dir.Sub("db"), dir.Sub("image"), &head);
  const std::string log = NewestLog(dir.Sub("image"));
  const std::string path = dir.Sub("image") + "/" + log;
  ASSERT_LT(fs::file_size(path), 4096u + 32768u) << "the log's records fit its first 32 KiB block";
  // The first record's length (bytes 4-5 of its header, after the 4096-byte file header): its
  // high bit set, so it claims more than the block holds.
  XorByte(path, 4096 + 5, static_cast<char>(0x80));
  auto strict = Database::Open(dir.Sub("image"), testing::TestKey(), testing::ReopenOptions());
  ASSERT_FALSE(strict.ok()) << "six acknowledged commits would be lost without a word";
  EXPECT_EQ(strict.status().code(), StatusCode::kCorruption) << strict.status().ToString();
  EXPECT_NE(strict.status().ToString().find(log), std::string::npos) << strict.status().ToString();
  EXPECT_NE(strict.status().ToString().find("length is damaged"), std::string::npos) << strict.status().ToString();
  XorByte(path, 4096 + 5, static_cast<char>(0x80));

  // Its type (byte 6) turned into a recycled log's: RocksDB's reader would take it for the end.
  XorByte(path, 4096 + 6, 0x04);
  auto recycled = Database::Open(dir.Sub("image"), testing::TestKey(), testing::ReopenOptions());
  ASSERT_FALSE(recycled.ok());
  EXPECT_EQ(recycled.status().code(), StatusCode::kCorruption) << recycled.status().ToString();
  EXPECT_NE(recycled.status().ToString().find("recycled log"), std::string::npos) << recycled.status().ToString();

  OpenOptions accept = testing::ReopenOptions();
  accept.accept_log_damage = true;
  auto t = Database::Open(dir.Sub("image"), testing::TestKey(), accept);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Session admin = testing::LoginOrDie(**t, testing::kAdminUser, testing::kAdminPassword);
  EXPECT_EQ((*t)->Get(admin, last, Purpose::kInspection).status().code(), StatusCode::kNotFound);
  auto entries = (*t)->ReadAudit(admin, audit::AuditLog::kEpoch, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_FALSE(entries->empty());
  EXPECT_EQ(entries->front().action, "recover_log") << "the accepted loss is audited";
}

// What a crash does leave, a last record cut short, still opens: the walk that refuses a damaged
// length does not refuse a torn write.
TEST(LogDamageTest, ALastRecordCutShortOpensWithEverythingBeforeIt) {
  testing::TempDir dir;
  std::uint64_t head = 0;
  CrashImage(dir.Sub("db"), dir.Sub("image"), &head);
  auto count = [](const std::string& image) -> std::size_t {
    auto t = Database::Open(image, testing::TestKey(), testing::ReopenOptions());
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!t.ok()) return 0;
    Session admin = testing::LoginOrDie(**t, testing::kAdminUser, testing::kAdminPassword);
    auto ids = (*t)->ListIds(admin, "", "", 1000);
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    auto v = (*t)->VerifyAudit(admin, nullptr);
    EXPECT_TRUE(v.ok() && v->ok);
    return ids.ok() ? ids->size() : 0;
  };
  fs::copy(dir.Sub("image"), dir.Sub("whole"), fs::copy_options::recursive);
  const std::string path = dir.Sub("image") + "/" + NewestLog(dir.Sub("image"));
  fs::resize_file(path, fs::file_size(path) - 10);
  const std::size_t whole = count(dir.Sub("whole"));
  EXPECT_GE(whole, 6u);
  // The torn last record is the last commit (a dossier or the digest's own audit entry).
  EXPECT_GE(count(dir.Sub("image")), whole - 1) << "only the torn last commit can be gone";
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
