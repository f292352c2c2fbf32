// Promise 2: nothing readable on disk without the key. Keys: wrong key, passphrase change.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::OpenOrDie;
using testing::TempDir;

std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  return files;
}

// The sample's identity in the forms a reader might search for.
const std::vector<std::string>& Needles() {
  static const std::vector<std::string> needles = {
      "Nguyễn Thị Hồng Nhung", "Nguyễn", "Nhung",      "nguyen thi hong nhung",
      "Nguyen Thi Hong Nhung", "nguyen", "nhung",      "NGUYEN",
      "079184012345",          "1984-03-17", "19840317", "17/03/1984",
      "Kinh Dương Vương",      "kinh duong vuong", "0908123456"};
  return needles;
}

void ExpectNoPlaintext(const std::string& dir) {
  const auto files = FilesUnder(dir);
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) {
    const std::string bytes = testing::ReadFile(f);
    for (const auto& n : Needles()) {
      EXPECT_EQ(bytes.find(n), std::string::npos) << "\"" << n << "\" found in " << f;
    }
  }
}

TEST(EncryptionTest, NoNameNationalIdOrBirthDateInAnyFile) {
  TempDir dir;
  const std::string db_dir = dir.Sub("db");
  const std::string backup_dir = dir.Sub("backup");
  {
    OpenOptions o = testing::CreateOptions();
    o.dictionary_training_records = 60;  // a dictionary is trained (on plaintext) and stored
    auto db = OpenOrDie(db_dir, o);
    const std::string sample = testing::TestData("sample-dossier.json");
    auto w = db->Create(db.editor, sample, Ctx());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE(db->Update(db.editor, w->id, 1, testing::JsonSet(sample, "phone", "\"0908123457\""), Ctx()).ok());
    for (int i = 0; i < 80; ++i) {
      char number[32];
      std::snprintf(number, sizeof number, "0791840%05d", i);
      ASSERT_TRUE(db->Create(db.editor, testing::SampleWithNationalId(number), Ctx()).ok());
    }
    ASSERT_NE(db->Stats(db.admin)->dictionary_id, 0u);
    {  // a scan that names the person (its chunks go to blob files)
      std::string scan = "%PDF-1.4\n";
      while (scan.size() < (600u << 10)) scan += "Họ và tên: Nguyễn Thị Hồng Nhung; CCCD 079184012345; sinh 17/03/1984\n";
      AttachmentSpec spec;
      spec.dossier_id = w->id;
      spec.kind = AttachmentKind::kPersonalForm;
      spec.title = "Sơ yếu lý lịch";
      auto writer = db->BeginAttachment(db.editor, spec, Ctx());
      ASSERT_TRUE(writer.ok()) << writer.status().ToString();
      ASSERT_TRUE((*writer)->Append(scan).ok());
      ASSERT_TRUE((*writer)->Finish().ok());
    }
    ASSERT_TRUE(db->Backup(db.admin, backup_dir).ok());  // flushes: SST files exist
    for (int i = 80; i < 90; ++i) {            // and a live WAL
      char number[32];
      std::snprintf(number, sizeof number, "0791840%05d", i);
      ASSERT_TRUE(db->Create(db.editor, testing::SampleWithNationalId(number), Ctx()).ok());
    }
    ASSERT_TRUE(db->Close().ok());
  }
  bool has_sst = false, has_log = false, has_blob = false;
  for (const auto& f : FilesUnder(db_dir)) {
    has_sst |= f.ends_with(".sst");
    has_log |= f.ends_with(".log");
    has_blob |= f.ends_with(".blob");
  }
  EXPECT_TRUE(has_sst);
  EXPECT_TRUE(has_blob);
  EXPECT_TRUE(has_log);
  ExpectNoPlaintext(db_dir);
  ExpectNoPlaintext(backup_dir);
}

TEST(EncryptionTest, EveryFileHasItsOwnNonce) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.path());
    for (int i = 0; i < 20; ++i) {
      char number[32];
      std::snprintf(number, sizeof number, "0791840%05d", i);
      ASSERT_TRUE(db->Create(db.editor, testing::SampleWithNationalId(number), Ctx()).ok());
    }
    ASSERT_TRUE(db->Backup(db.admin, dir.Sub("backup")).ok());
  }
  { auto db = OpenOrDie(dir.path()); }  // reopen: new MANIFEST, OPTIONS, WAL
  std::set<std::string> nonces;
  std::size_t encrypted = 0;
  for (const auto& f : FilesUnder(dir.path())) {
    const std::string bytes = testing::ReadFile(f);
    const std::string name = std::filesystem::path(f).filename();
    if (name == "KEYRING" || bytes.empty()) continue;  // the keyring; empty LOCK files
    ASSERT_GE(bytes.size(), 4096u) << f;
    ASSERT_EQ(bytes.substr(0, 6), "hsdtFS") << f << " is not encrypted";
    EXPECT_TRUE(nonces.insert(bytes.substr(12, 24)).second) << f << " reuses a nonce";
    ++encrypted;
  }
  EXPECT_GE(encrypted, 10u);
}

TEST(EncryptionTest, WrongKeyFailsAtOpenWithBadKey) {
  TempDir dir;
  { auto db = OpenOrDie(dir.path()); ASSERT_TRUE(db->Create(db.editor, testing::TestData("sample-dossier.json"), Ctx()).ok()); }
  auto wrong = Database::Open(dir.path(), testing::OtherKey(), testing::ReopenOptions());
  EXPECT_EQ(wrong.status().code(), StatusCode::kBadKey);
  auto passphrase = Key::Passphrase("not the raw key").value();
  EXPECT_EQ(Database::Open(dir.path(), passphrase, testing::ReopenOptions()).status().code(), StatusCode::kBadKey);
  EXPECT_TRUE(Database::Open(dir.path(), testing::TestKey(), testing::ReopenOptions()).ok());
}

TEST(EncryptionTest, DamagedKeyringIsCorruptionNotBadKey) {
  TempDir dir;
  { auto db = OpenOrDie(dir.path()); }
  std::string keyring = testing::ReadFile(dir.Sub("KEYRING"));
  keyring[keyring.size() / 2] ^= 1;
  {
    std::FILE* f = std::fopen(dir.Sub("KEYRING").c_str(), "wb");
    std::fwrite(keyring.data(), 1, keyring.size(), f);
    std::fclose(f);
  }
  EXPECT_EQ(Database::Open(dir.path(), testing::TestKey(), testing::ReopenOptions()).status().code(),
            StatusCode::kCorruption);
}

TEST(EncryptionTest, PassphraseOpensAndChangeKeyRewrapsOnly) {
  TempDir dir;
  auto first = Key::Passphrase("correct horse battery staple").value();
  auto second = Key::Passphrase("một mật khẩu khác hẳn").value();
  std::string id;
  {
    auto db = Database::Open(dir.path(), first, testing::CreateOptions());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    Session admin = testing::LoginOrDie(**db, testing::kAdminUser, testing::kAdminPassword);
    Session editor = testing::AccountOrDie(**db, admin, "editor", "27460", Role::kUnitEditor);
    auto w = (*db)->Create(editor, testing::TestData("sample-dossier.json"), Ctx());
    ASSERT_TRUE(w.ok());
    id = w->id;
    ASSERT_TRUE((*db)->ChangeKey(admin, second).ok());
  }
  EXPECT_EQ(Database::Open(dir.path(), first, testing::ReopenOptions()).status().code(), StatusCode::kBadKey);
  auto db = Database::Open(dir.path(), second, testing::ReopenOptions());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Session admin = testing::LoginOrDie(**db, testing::kAdminUser, testing::kAdminPassword);
  EXPECT_EQ((*db)->Get(admin, id, Purpose::kStatistics)->full_name(), "Nguyễn Thị Hồng Nhung");
}

TEST(EncryptionTest, KeyFactoriesRejectBadInput) {
  EXPECT_EQ(Key::Passphrase("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Key::Passphrase(std::string(kMaxPassphraseBytes + 1, 'x')).status().code(),
            StatusCode::kInvalidArgument);
  std::byte short_key[16] = {};
  auto k = Key::Raw(short_key);
  EXPECT_EQ(k.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(k.status().message().find("16 bytes"), std::string_view::npos);
}

}  // namespace
}  // namespace hsdt
