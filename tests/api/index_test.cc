// Secondary indexes: exact under random creates, updates, status changes and hand-overs;
// damaged entries found and repaired; an older index format rebuilt when the database opens.
#include <gtest/gtest.h>

#include <random>

#include "base/impl_access.h"
#include "db/database_impl.h"
#include "db/index.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;
using testing::TempDir;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string Person(std::mt19937& rng, int number, const std::string& unit,
                   const std::string& status = "dangCongTac") {
  static const char* kSurnames[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Đỗ", "Võ"};
  static const char* kGiven[] = {"An", "Ánh", "Đạt", "Dũng", "Yến", "Ân", "Bình"};
  char id[32];
  std::snprintf(id, sizeof id, "0791%08d", number);
  std::string j = testing::SampleWithNationalId(id);
  j = JsonSet(j, "name.surname", Quoted(kSurnames[rng() % 6]));
  j = JsonSet(j, "name.given", Quoted(kGiven[rng() % 7]));
  j = JsonSet(j, "birthDate", Quoted(std::to_string(1960 + rng() % 30) + "-0" + std::to_string(1 + rng() % 9) + "-15"));
  j = JsonSet(j, "gender", rng() % 2 ? "\"nam\"" : "\"nu\"");
  j = JsonSet(j, "managingUnit", Quoted(unit));
  j = JsonSet(j, "status", Quoted(status));
  return JsonSet(j, "workingUnit", Quoted(unit));
}

void ExpectClean(Database& db, const Session& admin) {
  auto report = db.VerifyIndexes(admin, false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->missing + report->stray + report->wrong, 0u)
      << (report->problems.empty() ? "" : report->problems[0]);
  EXPECT_GT(report->entries, 0u);
}

TEST(IndexTest, RandomOperationsKeepEveryIndexExact) {
  TempDir dir;
  auto t = testing::OpenOrDie(dir.path());
  Session other = testing::AccountOrDie(*t.db, t.admin, "binhtri.editor", "27436", Role::kUnitEditor);
  std::mt19937 rng(20261126);
  struct Live {
    std::string id;
    std::uint32_t version;
    bool ours;  // managed by 27460 (else 27436)
    std::string status = "dangCongTac";
  };
  std::vector<Live> live;
  int next_number = 1;
  for (int op = 0; op < 80; ++op) {
    const int kind = live.empty() ? 0 : static_cast<int>(rng() % 4);
    if (kind == 0) {
      auto r = t->Create(t.editor, Person(rng, next_number++, "27460"), Ctx());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      live.push_back({r->id, r->version, true, "dangCongTac"});
      continue;
    }
    Live& d = live[rng() % live.size()];
    const Session& editor = d.ours ? t.editor : other;
    if (kind == 1) {  // new content, sometimes a new national ID
      const int number = rng() % 2 ? next_number++ : 500000 + op;
      auto r = t->Update(editor, d.id, d.version, Person(rng, number, d.ours ? "27460" : "27436", d.status), Ctx());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      d.version = r->version;
    } else if (kind == 2) {
      const std::string status = d.status == "tamDinhChi" ? "dangCongTac" : "tamDinhChi";
      auto r = t->ChangeStatus(editor, d.id, d.version, status, Ctx("quyết định"));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      d.version = r->version;
      d.status = status;
    } else {  // hand-over to the other unit
      const Session& receiver = d.ours ? other : t.editor;
      auto h = t->RequestHandOver(receiver, d.id, {"5/CV", "2026-11-01"}, "điều động");
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      auto decided = t->DecideHandOver(editor, h->id, true, Ctx("đồng ý"));
      ASSERT_TRUE(decided.ok()) << decided.status().ToString();
      d.version += 1;
      d.ours = !d.ours;
    }
  }
  ExpectClean(*t.db, t.admin);
  // Every dossier is found by its unit and national ID as it is now.
  for (const Live& d : live) {
    auto doc = t->Get(d.ours ? t.editor : other, d.id);
    ASSERT_TRUE(doc.ok());
    Query q;
    q.filter = Filter::Eq(Field::kManagingUnit, doc->managing_unit()) &&
               Filter::Name(doc->full_name(), NameMatch::kExact);
    q.fields = {Field::kStatus, Field::kBirthDate};
    auto r = t->Find(d.ours ? t.editor : other, q);
    ASSERT_TRUE(r.ok());
    bool seen = false;
    for (const auto& row : r->rows) {
      if (row.id != d.id) continue;
      seen = true;
      EXPECT_EQ(row.values[0], doc->status());
      EXPECT_EQ(row.values[1], doc->birth_date());
    }
    EXPECT_TRUE(seen) << d.id;
  }
}

class IndexRepairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = testing::OpenOrDie(dir_.path());
    std::mt19937 rng(7);
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(t->Create(t.editor, Person(rng, i, "27460"), Ctx()).ok());
    ASSERT_TRUE(t->Close().ok());
  }

  // Changes the index family behind the API.
  void Tamper(const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*, rocksdb::ColumnFamilyHandle*)>& fn) {
    auto t = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
    storage::Store& store = internal::ImplAccess::Of(*t.db).store();
    fn(store.raw_db(), store.raw_cf(storage::kIndexCf), store.raw_cf(storage::kMetaCf));
    ASSERT_TRUE(t->Close().ok());
  }

  TempDir dir_;
};

TEST_F(IndexRepairTest, DamagedEntriesAreFoundAndRepaired) {
  Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* index, rocksdb::ColumnFamilyHandle*) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, index));
    it->Seek("x");
    ASSERT_TRUE(it->Valid());
    ASSERT_TRUE(db->Delete({}, index, it->key()).ok());  // missing
    std::string stray = "t";
    db::PutOrdered(&stray, "khong");
    stray += std::string("\0\0\0\0\0\0\0\1", 8);
    ASSERT_TRUE(db->Put({}, index, stray, "").ok());  // stray
    it->Seek("r");
    ASSERT_TRUE(it->Valid());
    ASSERT_TRUE(db->Put({}, index, it->key(), "\x01garbage").ok());  // wrong
  });
  auto t = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
  auto report = t->VerifyIndexes(t.admin, false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->dossiers, 5u);
  EXPECT_EQ(report->missing, 1u);
  EXPECT_EQ(report->stray, 1u);
  EXPECT_EQ(report->wrong, 1u);
  EXPECT_EQ(report->repaired, 0u);
  ASSERT_EQ(report->problems.size(), 3u);
  EXPECT_NE(report->problems[0].find("index/"), std::string::npos);
  // Check reports the same.
  auto check = t->Check(t.admin);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->problems.size(), 3u);

  report = t->VerifyIndexes(t.admin, true);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->repaired, 3u);
  ExpectClean(*t.db, t.admin);
  Query q;
  q.filter = Filter::Eq(Field::kManagingUnit, "27460");
  auto r = t->Find(t.editor, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows.size(), 5u);
}

TEST_F(IndexRepairTest, ANationalIdEntryPointingAtAnotherDossierIsWrongOnceAndRepaired) {
  Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* index, rocksdb::ColumnFamilyHandle*) {
    // The first national-ID entry is given the second's value: it names another dossier.
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, index));
    it->Seek("n");
    ASSERT_TRUE(it->Valid() && it->key()[0] == 'n');
    const std::string first = it->key().ToString();
    it->Next();
    ASSERT_TRUE(it->Valid() && it->key()[0] == 'n');
    const std::string other = it->value().ToString();
    ASSERT_TRUE(db->Put({}, index, first, other).ok());
  });
  auto t = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
  auto report = t->VerifyIndexes(t.admin, false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->wrong, 1u);
  EXPECT_EQ(report->stray, 0u);
  EXPECT_EQ(report->missing, 0u);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].find("index/nationalId/"), std::string::npos) << report->problems[0];
  EXPECT_NE(report->problems[0].find("wrong value"), std::string::npos) << report->problems[0];
  auto check = t->Check(t.admin);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->problems.size(), 1u);

  report = t->VerifyIndexes(t.admin, true);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->repaired, 1u);
  ExpectClean(*t.db, t.admin);
}

TEST_F(IndexRepairTest, AnOlderIndexFormatIsRebuiltAtOpen) {
  Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* index, rocksdb::ColumnFamilyHandle* meta) {
    // As a database written before these indexes existed: national IDs only, format 1.
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, index));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key()[0] != 'n') {
        ASSERT_TRUE(db->Delete({}, index, it->key()).ok());
      }
    }
    // An entry of a layout this library no longer writes: the rebuild removes it.
    ASSERT_TRUE(db->Put({}, index, std::string("q-old\0\0\0\0\0\0\0\1", 13), "").ok());
    ASSERT_TRUE(db->Put({}, meta, db::kIndexFormatKey, std::string("\0\0\0\1", 4)).ok());
  });
  auto t = testing::OpenOrDie(dir_.path(), testing::ReopenOptions());
  ExpectClean(*t.db, t.admin);
  Query q;
  q.filter = Filter::Eq(Field::kManagingUnit, "27460");
  q.sort = SortOrder::kName;
  auto r = t->Find(t.editor, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows.size(), 5u);
  auto entries = t->ReadAudit(t.admin, 1, 1000);
  ASSERT_TRUE(entries.ok());
  bool rebuilt = false;
  for (const auto& e : *entries) rebuilt |= e.target == "indexes" && e.reason.find("entries rebuilt") != std::string::npos;
  EXPECT_TRUE(rebuilt);
}

}  // namespace
}  // namespace hsdt
