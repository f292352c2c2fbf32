// Bulk import: line-by-line validation with line numbers and JSON paths, batches all or nothing,
// one audit entry per committed batch, indexes exact afterwards.
#include <gtest/gtest.h>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;
using testing::SampleWithNationalId;

std::string Line(const std::string& national_id) {
  std::string j = SampleWithNationalId(national_id);
  j.erase(std::remove(j.begin(), j.end(), '\n'), j.end());
  return j;
}

std::size_t Found(Database& db, const Session& s, const std::string& national_id) {
  Query q;
  q.filter = Filter::Eq(Field::kNationalId, national_id);
  auto r = db.Find(s, q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->rows.size() : 0;
}

class ImportTest : public ::testing::Test {
 protected:
  ImportTest() : t_(testing::OpenOrDie(dir_.path())) {}
  testing::TempDir dir_;
  testing::TestDb t_;
};

TEST_F(ImportTest, BatchesAreAllOrNothingAndFaultsNameTheirLine) {
  std::string bad_date = Line("079184000004");
  bad_date = JsonSet(bad_date, "birthDate", "\"1984-02-30\"");
  bad_date.erase(std::remove(bad_date.begin(), bad_date.end(), '\n'), bad_date.end());
  const std::string input = "\xEF\xBB\xBF" + Line("079184000001") + "\n" + Line("079184000002") + "\n\n" +
                            Line("079184000003") + "\n" + bad_date + "\r\n" + Line("079184000005") + "\n";
  ImportOptions o;
  o.batch_lines = 2;
  auto r = t_->Import(t_.editor, input, o, Ctx("nhập hồ sơ từ tệp"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->lines, 5u);
  EXPECT_EQ(r->imported, 3u);
  EXPECT_EQ(r->batches_committed, 2u);
  EXPECT_EQ(r->batches_rejected, 1u);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].line, 5u);  // the blank line 3 still counts
  EXPECT_NE(r->errors[0].message.find("$.birthDate"), std::string::npos) << r->errors[0].message;
  EXPECT_EQ(r->ids.size(), 3u);
  // Line 4 was valid, but its batch was not written.
  EXPECT_EQ(Found(*t_.db, t_.editor, "079184000003"), 0u);
  EXPECT_EQ(Found(*t_.db, t_.editor, "079184000005"), 1u);
  auto d = t_->Get(t_.editor, r->ids[0]);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->version(), 1u);

  // One audit entry per committed batch.
  auto entries = t_->ReadAudit(t_.admin, 1, 10000);
  ASSERT_TRUE(entries.ok());
  int batches = 0;
  for (const auto& e : *entries) batches += e.target.rfind("import ", 0) == 0 && e.allowed;
  EXPECT_EQ(batches, 2);
  auto report = t_->VerifyIndexes(t_.admin, false);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->missing + report->stray + report->wrong, 0u);
}

TEST_F(ImportTest, NationalIdsRepeatedOrTakenAndOtherUnitsAreRefused) {
  std::string other_unit = JsonSet(Line("079184000013"), "managingUnit", "\"27436\"");
  other_unit = JsonSet(other_unit, "workingUnit", "\"27436\"");
  other_unit.erase(std::remove(other_unit.begin(), other_unit.end(), '\n'), other_unit.end());
  ASSERT_TRUE(t_->Create(t_.editor, SampleWithNationalId("079184000011"), Ctx()).ok());
  const std::string input = Line("079184000010") + "\n" + Line("079184000010") + "\n" + Line("079184000011") +
                            "\n" + other_unit + "\n{\"name\": \n";
  auto r = t_->Import(t_.editor, input, ImportOptions{}, Ctx("nhập"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->imported, 0u);
  EXPECT_EQ(r->batches_rejected, 1u);
  ASSERT_EQ(r->errors.size(), 3u) << (r->errors.empty() ? "" : r->errors[0].message);
  EXPECT_EQ(r->errors[0].line, 4u);
  EXPECT_NE(r->errors[0].message.find("denied"), std::string::npos) << r->errors[0].message;
  EXPECT_EQ(r->errors[1].line, 5u);
  EXPECT_NE(r->errors[1].message.find("malformed JSON"), std::string::npos) << r->errors[1].message;
  EXPECT_EQ(r->errors[2].line, 2u);
  EXPECT_NE(r->errors[2].message.find("also on line 1"), std::string::npos);
  EXPECT_EQ(Found(*t_.db, t_.editor, "079184000010"), 0u);

  // Only the taken number: the store finds it when the batch is sealed.
  r = t_->Import(t_.editor, Line("079184000012") + "\n" + Line("079184000011") + "\n", ImportOptions{}, Ctx("nhập"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].line, 2u);
  EXPECT_NE(r->errors[0].message.find("$.nationalId.number"), std::string::npos);
  EXPECT_EQ(Found(*t_.db, t_.editor, "079184000012"), 0u);

  ImportOptions none;
  none.batch_lines = 0;
  EXPECT_EQ(t_->Import(t_.editor, "", none, Ctx()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(t_->Import(t_.editor, Line("079184000014"), ImportOptions{}, ChangeContext{}).status().code(),
            StatusCode::kInvalidArgument);  // no source document
}

}  // namespace
}  // namespace hsdt
