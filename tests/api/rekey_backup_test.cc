// Re-encryption to a fresh data key (resumable), backups (encrypted, verifiable, restorable).
#include <gtest/gtest.h>

#include <filesystem>

#include "base/coding.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::TempDir;

std::vector<std::string> Populate(testing::TestDb& db, int n) {
  std::vector<std::string> ids;
  const std::string json = testing::TestData("sample-dossier.json");
  for (int i = 0; i < n; ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "0791850%05d", i);
    auto w = db->Create(db.editor, testing::SampleWithNationalId(number), Ctx());
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    ids.push_back(w->id);
  }
  auto u = db->Update(db.editor, ids[0], 1, testing::JsonSet(testing::SampleWithNationalId("079185000000"), "phone", "\"0911\""), Ctx());
  EXPECT_TRUE(u.ok()) << u.status().ToString();
  return ids;
}

std::uint32_t FileGeneration(const std::string& path) {
  const std::string bytes = testing::ReadFile(path);
  return bytes.size() >= 12 ? base::GetBigEndian32(bytes.data() + 8) : 0;
}

TEST(RekeyTest, InterruptedRekeyResumesAndMovesEverythingToTheNewKey) {
  TempDir dir;
  std::vector<std::string> ids;
  {
    OpenOptions o = testing::CreateOptions();
    o.dictionary_training_records = 60;
    auto db = testing::OpenOrDie(dir.path(), o);
    ids = Populate(db, 70);
    ASSERT_EQ(db->Stats(db.admin)->key_generation, 1u);
    auto first = db->Rekey(db.admin, 5);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_FALSE(first->done);
    EXPECT_EQ(first->resealed, 5u);
    EXPECT_GT(first->remaining, 0u);
    EXPECT_EQ(first->key_generation, 2u);
    // Writes during a re-key go under the new key.
    ASSERT_TRUE(db->Update(db.editor, ids[1], 1, testing::SampleWithNationalId("079185000001"), Ctx()).ok());
  }  // interrupted: closed half-way
  auto db = testing::OpenOrDie(dir.path(), testing::ReopenOptions());
  for (const auto& id : ids) ASSERT_TRUE(db->Get(db.editor, id).ok()) << id;
  auto rest = db->Rekey(db.admin, 0);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_TRUE(rest->done);
  EXPECT_EQ(rest->remaining, 0u);
  EXPECT_GT(rest->resealed, 100u);
  EXPECT_EQ(db->Stats(db.admin)->key_generation, 2u);
  EXPECT_TRUE(db->Check(db.admin)->problems.empty());
  EXPECT_EQ(db->GetVersion(db.editor, ids[0], 1)->full_name(), "Nguyễn Thị Hồng Nhung");
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path().extension() == ".sst") {
      EXPECT_EQ(FileGeneration(e.path()), 2u) << e.path();
    }
  }
  // A second re-key starts generation 3.
  auto again = db->Rekey(db.admin, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->key_generation, 3u);
  ASSERT_TRUE(db->Close().ok());
  auto reopened = testing::OpenOrDie(dir.path(), testing::ReopenOptions());
  EXPECT_EQ(reopened->Stats(reopened.admin)->key_generation, 3u);
  EXPECT_TRUE(reopened->Check(reopened.admin)->problems.empty());
}

TEST(BackupTest, BackupsAreEncryptedVerifiedAndRestorable) {
  TempDir dir;
  const std::string db_dir = dir.Sub("db"), backups = dir.Sub("backups");
  std::vector<std::string> ids;
  {
    auto db = testing::OpenOrDie(db_dir);
    ids = Populate(db, 5);
    auto b1 = db->Backup(db.admin, backups);
    ASSERT_TRUE(b1.ok()) << b1.status().ToString();
    EXPECT_EQ(b1->id, 1u);
    ASSERT_TRUE(db->Rekey(db.admin, 0).ok());
    ASSERT_TRUE(db->ChangeStatus(db.editor, ids[2], 1, "nghiHuu", Ctx()).ok());
    auto b2 = db->Backup(db.admin, backups);
    ASSERT_TRUE(b2.ok()) << b2.status().ToString();
    EXPECT_EQ(b2->id, 2u);
  }
  auto list = ListBackups(backups, testing::TestKey());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE(VerifyBackup(backups, testing::TestKey(), 0).ok());
  EXPECT_TRUE(VerifyBackup(backups, testing::TestKey(), 1).ok());
  EXPECT_EQ(ListBackups(backups, testing::OtherKey()).status().code(), StatusCode::kBadKey);

  ASSERT_TRUE(RestoreBackup(backups, testing::TestKey(), 1, dir.Sub("restored1")).ok());
  ASSERT_TRUE(RestoreBackup(backups, testing::TestKey(), 0, dir.Sub("restored2")).ok());
  {
    auto r1 = testing::OpenOrDie(dir.Sub("restored1"), testing::ReopenOptions());
    EXPECT_EQ(r1->Get(r1.editor, ids[2])->status(), "dangCongTac");
    EXPECT_TRUE(r1->Check(r1.admin)->problems.empty());
  }
  auto r2 = testing::OpenOrDie(dir.Sub("restored2"), testing::ReopenOptions());
  EXPECT_EQ(r2->Get(r2.editor, ids[2])->status(), "nghiHuu");
  EXPECT_EQ(r2->Stats(r2.admin)->dossiers, 5u);
  EXPECT_TRUE(r2->Check(r2.admin)->problems.empty());
  EXPECT_EQ(RestoreBackup(backups, testing::TestKey(), 0, dir.Sub("restored2")).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(RestoreBackup(backups, testing::TestKey(), 9, dir.Sub("restored3")).code(),
            StatusCode::kNotFound);
}

TEST(BackupTest, DamagedBackupFileFailsVerification) {
  TempDir dir;
  {
    auto db = testing::OpenOrDie(dir.Sub("db"));
    Populate(db, 3);
    ASSERT_TRUE(db->Backup(db.admin, dir.Sub("backups")).ok());
  }
  std::string victim;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.Sub("backups"))) {
    if (e.path().extension() == ".sst") victim = e.path();
  }
  ASSERT_FALSE(victim.empty());
  std::string bytes = testing::ReadFile(victim);
  bytes[bytes.size() - 100] ^= 0x01;
  std::FILE* f = std::fopen(victim.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  EXPECT_EQ(VerifyBackup(dir.Sub("backups"), testing::TestKey(), 0).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace hsdt
