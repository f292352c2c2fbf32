// Tampering behind the API's back (through the raw RocksDB handle) is caught: a flipped byte, a
// record moved to another dossier or version, a replayed old version, a dropped history entry,
// a forged or missing index entry, a flipped byte in a file.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>

#include "base/coding.h"
#include "storage/store.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using storage::Store;
using testing::Ctx;
using testing::TempDir;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::OpenOrDie(dir_.path());
    const std::string json = testing::TestData("sample-dossier.json");
    auto a = db->Create(db.editor, json, Ctx());
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(db->Update(db.editor, a->id, 1, testing::JsonSet(json, "phone", "\"0909000001\""), Ctx()).ok());
    ASSERT_TRUE(db->Update(db.editor, a->id, 2, testing::JsonSet(json, "phone", "\"0909000002\""), Ctx()).ok());
    auto b = db->Create(db.editor, testing::SampleWithNationalId("079184000002"), Ctx());
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(db->Check(db.admin)->problems.empty());
  }

  // Runs `edit` on the raw RocksDB of the closed database.
  void Tamper(const std::function<void(rocksdb::DB*, Store&)>& edit) {
    storage::StoreOptions o;
    auto store = Store::Open(dir_.path(), testing::TestKey(), o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    edit((*store)->raw_db(), **store);
    ASSERT_TRUE((*store)->Close().ok());
  }

  std::string Raw(rocksdb::DB* db, Store& s, storage::Cf cf, const std::string& key) {
    std::string v;
    EXPECT_TRUE(db->Get({}, s.raw_cf(cf), key, &v).ok());
    return v;
  }

  std::vector<std::string> Problems() {
    auto db = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
    auto report = db->Check(db.admin);
    EXPECT_TRUE(report.ok());
    return report->problems;
  }

  static bool Mentions(const std::vector<std::string>& problems, std::string_view what) {
    for (const auto& p : problems) {
      if (p.find(what) != std::string::npos) return true;
    }
    return false;
  }

  TempDir dir_;
};

TEST_F(TamperTest, FlippedCiphertextByteFailsAuthentication) {
  Tamper([&](rocksdb::DB* db, Store& s) {
    std::string v = Raw(db, s, storage::kCurrentCf, Store::IdKey(1));
    v[v.size() - 20] ^= 0x01;
    ASSERT_TRUE(db->Put({}, s.raw_cf(storage::kCurrentCf), Store::IdKey(1), v).ok());
  });
  auto db = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
  auto d = db->Get(db.editor, "HS00000001");
  EXPECT_EQ(d.status().code(), StatusCode::kCorruption);
  EXPECT_NE(d.status().message().find("authentication failed"), std::string_view::npos);
  EXPECT_NE(d.status().message().find("current/1"), std::string_view::npos);
  EXPECT_TRUE(db->Get(db.editor, "HS00000002").ok());  // the damage stays where it is
  EXPECT_TRUE(Mentions(db->Check(db.admin)->problems, "current/HS00000001: authentication failed"));
}

TEST_F(TamperTest, RecordCopiedToAnotherDossierFailsAuthentication) {
  Tamper([&](rocksdb::DB* db, Store& s) {
    const std::string v = Raw(db, s, storage::kCurrentCf, Store::IdKey(1));
    ASSERT_TRUE(db->Put({}, s.raw_cf(storage::kCurrentCf), Store::IdKey(2), v).ok());
  });
  auto db = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
  EXPECT_EQ(db->Get(db.editor, "HS00000002").status().code(), StatusCode::kCorruption);
}

TEST_F(TamperTest, EditedVersionHeaderFailsAuthentication) {
  Tamper([&](rocksdb::DB* db, Store& s) {
    const std::string key = Store::HistoryKey(1, 'r', 1);
    std::string v = Raw(db, s, storage::kHistoryCf, key);
    v[5] = 2;  // version 1 -> 2 in the clear header
    ASSERT_TRUE(db->Put({}, s.raw_cf(storage::kHistoryCf), key, v).ok());
  });
  auto db = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
  EXPECT_EQ(db->GetVersion(db.editor, "HS00000001", 1).status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Mentions(db->Check(db.admin)->problems, "history/HS00000001/r1"));
}

TEST_F(TamperTest, ReplayedOldVersionIsReportedAndHistoryIsNeverOverwritten) {
  Tamper([&](rocksdb::DB* db, Store& s) {
    const std::string old = Raw(db, s, storage::kHistoryCf, Store::HistoryKey(1, 'r', 1));
    ASSERT_TRUE(db->Put({}, s.raw_cf(storage::kCurrentCf), Store::IdKey(1), old).ok());
  });
  EXPECT_TRUE(Mentions(Problems(), "history/HS00000001: versions beyond the current one"));
  // An update on top of the replayed record would write version 2 again: refused.
  auto db = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
  auto u = db->Update(db.editor, "HS00000001", 1, testing::TestData("sample-dossier.json"), Ctx());
  EXPECT_EQ(u.status().code(), StatusCode::kCorruption) << u.status().ToString();
  EXPECT_EQ(db->History(db.editor, "HS00000001")->size(), 3u);
}

TEST_F(TamperTest, RecordMovedToAnotherVersionKeyIsCorruption) {
  Tamper([&](rocksdb::DB* db, Store& s) {
    const std::string v1 = Raw(db, s, storage::kHistoryCf, Store::HistoryKey(1, 'r', 1));
    ASSERT_TRUE(db->Put({}, s.raw_cf(storage::kHistoryCf), Store::HistoryKey(1, 'r', 2), v1).ok());
  });
  auto db = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
  auto d = db->GetVersion(db.editor, "HS00000001", 2);
  EXPECT_EQ(d.status().code(), StatusCode::kCorruption);
  EXPECT_NE(d.status().message().find("holds version 1"), std::string_view::npos);
  EXPECT_TRUE(Mentions(db->Check(db.admin)->problems, "history/HS00000001/r2: record says version 1"));
}

TEST_F(TamperTest, DroppedHistoryEntryIsReportedByCheck) {
  Tamper([&](rocksdb::DB* db, Store& s) {
    ASSERT_TRUE(db->Delete({}, s.raw_cf(storage::kHistoryCf), Store::HistoryKey(1, 'i', 2)).ok());
    ASSERT_TRUE(db->Delete({}, s.raw_cf(storage::kHistoryCf), Store::HistoryKey(1, 'r', 1)).ok());
  });
  const auto problems = Problems();
  EXPECT_TRUE(Mentions(problems, "history/HS00000001/i2: missing"));
  EXPECT_TRUE(Mentions(problems, "history/HS00000001/r1: missing"));
}

TEST_F(TamperTest, HistoryUnderNoCurrentRecordIsReportedByCheck) {
  Tamper([&](rocksdb::DB* db, Store& s) {
    // Dossier 1's first version copied under an id that has no current record.
    const std::string v1 = Raw(db, s, storage::kHistoryCf, Store::HistoryKey(1, 'i', 1));
    ASSERT_TRUE(db->Put({}, s.raw_cf(storage::kHistoryCf), Store::HistoryKey(99, 'i', 1), v1).ok());
  });
  const auto problems = Problems();
  EXPECT_TRUE(Mentions(problems, "history/HS00000099: history without a current record"));
  // Reported once, and nothing about the dossiers that are whole.
  EXPECT_EQ(problems.size(), 1u) << problems[0];
}

TEST_F(TamperTest, ForgedAndMissingIndexEntriesAreReportedByCheck) {
  Tamper([&](rocksdb::DB* db, Store& s) {
    std::string forged = "n123456789";
    std::string target;
    base::PutBigEndian64(&target, 2);
    ASSERT_TRUE(db->Put({}, s.raw_cf(storage::kIndexCf), forged, target).ok());
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, s.raw_cf(storage::kIndexCf)));
    it->Seek("x");  // the first field index: managingUnit
    ASSERT_TRUE(it->Valid());
    ASSERT_TRUE(db->Delete({}, s.raw_cf(storage::kIndexCf), it->key()).ok());
  });
  const auto problems = Problems();
  EXPECT_TRUE(Mentions(problems, "index/nationalId/HS00000002: no record has this entry"));
  EXPECT_TRUE(Mentions(problems, "index/managingUnit/HS00000001: entry missing"));
}

TEST_F(TamperTest, FlippedByteInAFileIsCorruption) {
  {
    // Flush every family so the records live in SST files.
    storage::StoreOptions o;
    auto store = Store::Open(dir_.path(), testing::TestKey(), o);
    ASSERT_TRUE(store.ok());
    std::vector<rocksdb::ColumnFamilyHandle*> cfs;
    for (int cf = 0; cf < storage::kCfCount; ++cf) cfs.push_back((*store)->raw_cf(storage::Cf(cf)));
    ASSERT_TRUE((*store)->raw_db()->Flush(rocksdb::FlushOptions(), cfs).ok());
    ASSERT_TRUE((*store)->Close().ok());
  }
  std::string largest;
  std::uintmax_t size = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    if (e.path().extension() == ".sst" && e.file_size() > size) {
      size = e.file_size();
      largest = e.path();
    }
  }
  ASSERT_FALSE(largest.empty());
  std::string bytes = testing::ReadFile(largest);
  bytes[4096 + 200] ^= 0x10;  // inside the first data block, past the encryption prefix
  {
    std::FILE* f = std::fopen(largest.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  auto db = Database::Open(dir_.path(), testing::TestKey(), testing::ReopenOptions());
  if (!db.ok()) {
    EXPECT_EQ(db.status().code(), StatusCode::kCorruption) << db.status().ToString();
    return;
  }
  auto admin = (*db)->Login(testing::kAdminUser, testing::kAdminPassword);
  if (!admin.ok()) {  // the registry itself may be what the flipped byte broke
    EXPECT_EQ(admin.status().code(), StatusCode::kCorruption) << admin.status().ToString();
    return;
  }
  auto report = (*db)->Check(*admin);
  const bool caught = !report.ok() ? report.status().code() == StatusCode::kCorruption
                                   : !report->problems.empty();
  EXPECT_TRUE(caught);
}

}  // namespace
}  // namespace hsdt
