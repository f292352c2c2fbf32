// Article 14.4: the audit log read for an inspection, filtered by account, unit, dossier,
// action, outcome and time, in pages; on hand-made cases whose answers are known.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::AccountOrDie;
using testing::Ctx;
using testing::TempDir;

class AuditFindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& db = *t_.db;
    other_ = AccountOrDie(db, t_.admin, "binhhunghoa.editor", "27436", Role::kUnitEditor);
    auditor_ = AccountOrDie(db, t_.admin, "nv.kiemtra", "777-NV", Role::kDistrictAuditor);
    auto a = db.Create(t_.editor, testing::TestData("sample-dossier.json"), Ctx("tạo"));
    auto b = db.Create(t_.editor, testing::SampleWithNationalId("079184000777"), Ctx("tạo"));
    ASSERT_TRUE(a.ok() && b.ok());
    a_ = a->id;
    b_ = b->id;
    start_ = End();
    ASSERT_TRUE(db.Get(t_.editor, a_).ok());                                       // 1: allowed read of A
    EXPECT_EQ(db.Get(other_, a_).status().code(), StatusCode::kPermissionDenied);  // 2: denied read of A
    ASSERT_TRUE(db.GetVersion(t_.editor, b_, 1).ok());                             // 3: read_history of B@v1
    Query q;
    q.filter = Filter::Eq(Field::kManagingUnit, "27460");
    ASSERT_TRUE(db.Find(t_.editor, q).ok());                                       // 4: a query naming A and B
    EXPECT_EQ(db.Get(other_, b_).status().code(), StatusCode::kPermissionDenied);  // 5: denied read of B
  }

  std::uint64_t End() { return t_->DigestAudit(t_.admin)->sequence + 1; }

  // The matching entries from start_, by (actor, action, target, allowed), through pages of 2.
  std::vector<AuditRecord> Find(AuditFilter f, const Session* as = nullptr) {
    std::vector<AuditRecord> all;
    std::uint64_t from = start_;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = t_->FindAudit(as != nullptr ? *as : t_.admin, f, from, 2);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->entries.size(), 2u);
      for (auto& e : page->entries) {
        // Only the calls of the set-up: the inspection's own reads come after them.
        if (e.action != "read_audit" && e.action != "verify_audit") all.push_back(std::move(e));
      }
      if (page->next_sequence == 0) break;
      EXPECT_GT(page->next_sequence, from);
      from = page->next_sequence;
    }
    return all;
  }

  static std::vector<std::string> Summary(const std::vector<AuditRecord>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.actor + " " + e.action + " " + e.target + (e.allowed ? "" : " DENIED"));
    return out;
  }

  TempDir dir_;
  testing::TestDb t_ = testing::OpenOrDie(dir_.Sub("db"));
  Session other_ = t_.admin, auditor_ = t_.admin;
  std::string a_, b_;
  std::uint64_t start_ = 0;
};

TEST_F(AuditFindTest, ByDossierFindsItsReadsRefusalsVersionsAndTheQueriesNamingIt) {
  AuditFilter f;
  f.dossier_id = a_;
  const auto found = Summary(Find(f));
  ASSERT_EQ(found.size(), 3u) << ::testing::PrintToString(found);
  EXPECT_EQ(found[0], std::string(testing::kEditorUser) + " read_dossier " + a_ + "@v1");
  EXPECT_EQ(found[1], "binhhunghoa.editor read_dossier " + a_ + "@v1 DENIED");
  EXPECT_EQ(found[2], std::string(testing::kEditorUser) + " read_dossier query");
  f.dossier_id = b_;
  EXPECT_EQ(Find(f).size(), 3u);
  f.dossier_id = "HS0000000";  // a prefix of an id is not the id
  EXPECT_EQ(t_->FindAudit(t_.admin, f, start_, 10).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AuditFindTest, ByAccountUnitActionAndOutcome) {
  AuditFilter by_actor;
  by_actor.actor = "BinhHungHoa.Editor";  // any case
  EXPECT_EQ(Summary(Find(by_actor)),
            (std::vector<std::string>{"binhhunghoa.editor read_dossier " + a_ + "@v1 DENIED",
                                      "binhhunghoa.editor read_dossier " + b_ + "@v1 DENIED"}));
  AuditFilter by_unit;
  by_unit.unit = "27460";
  const auto unit = Find(by_unit);
  EXPECT_EQ(unit.size(), 3u);
  for (const auto& e : unit) EXPECT_EQ(e.actor, testing::kEditorUser);
  AuditFilter denied;
  denied.allowed = false;
  EXPECT_EQ(Find(denied).size(), 2u);
  AuditFilter allowed_reads;
  allowed_reads.allowed = true;
  allowed_reads.action = "read_dossier";
  allowed_reads.unit = "27460";
  EXPECT_EQ(Summary(Find(allowed_reads)),  // a past version's read is read_history
            (std::vector<std::string>{std::string(testing::kEditorUser) + " read_dossier " + a_ + "@v1",
                                      std::string(testing::kEditorUser) + " read_dossier query"}));
  AuditFilter none_of_them;
  none_of_them.action = "export_dossier";
  EXPECT_TRUE(Find(none_of_them).empty());
}

TEST_F(AuditFindTest, WhatIsNotAnAccountUnitOrActionIsRefusedAndNeverRecorded) {
  AuditFilter f;
  f.actor = "Nguyễn Thị Hồng Nhung";  // a person's name typed where an account goes
  auto refused = t_->FindAudit(t_.admin, f, 1, 10);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("filter.actor"), std::string::npos);
  f = {};
  f.unit = "99999";
  EXPECT_EQ(t_->FindAudit(t_.admin, f, 1, 10).status().code(), StatusCode::kInvalidArgument);
  f = {};
  f.action = "read dossier\x01";
  EXPECT_EQ(t_->FindAudit(t_.admin, f, 1, 10).status().code(), StatusCode::kInvalidArgument);
  auto log = t_->ReadAudit(t_.admin, 1, 100000);
  ASSERT_TRUE(log.ok());
  for (const auto& e : *log) {
    EXPECT_EQ(e.reason.find("Nguyễn"), std::string::npos) << e.reason;
    EXPECT_EQ(e.target.find("Nguyễn"), std::string::npos) << e.target;
  }
}

TEST_F(AuditFindTest, ByTimeRange) {
  auto log = t_->ReadAudit(t_.admin, start_, 5);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 5u);
  AuditFilter f;
  f.from_micros = (*log)[1].recorded_at_micros;  // from the denied read of A...
  f.until_micros = (*log)[3].recorded_at_micros;  // ...to before the query
  const auto found = Find(f);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].sequence, (*log)[1].sequence);
  EXPECT_EQ(found[1].sequence, (*log)[2].sequence);
  f.until_micros = f.from_micros;
  EXPECT_EQ(t_->FindAudit(t_.admin, f, 1, 10).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AuditFindTest, TierTwoInspectsAndEveryInspectionIsAudited) {
  AuditFilter f;
  f.dossier_id = a_;
  EXPECT_EQ(Find(f, &auditor_).size(), 3u);
  EXPECT_EQ(t_->FindAudit(t_.editor, f, 1, 10).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(t_->FindAudit(t_.admin, f, 1, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(t_->FindAudit(t_.admin, f, 1, 10001).status().code(), StatusCode::kInvalidArgument);
  auto log = t_->ReadAudit(t_.admin, 1, 100000);
  ASSERT_TRUE(log.ok());
  bool audited = false, refused = false;
  for (const auto& e : *log) {
    audited |= e.actor == "nv.kiemtra" && e.action == "read_audit" && e.allowed &&
               e.reason.find("dossier " + a_) != std::string::npos;
    refused |= e.actor == testing::kEditorUser && e.action == "read_audit" && !e.allowed;
  }
  EXPECT_TRUE(audited);
  EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace hsdt
