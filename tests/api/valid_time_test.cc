// Valid time: the rank, salary step, positions and working unit in force on a date, from the
// event timelines; queries and counts evaluated on that date.
#include <gtest/gtest.h>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;

class ValidTimeTest : public ::testing::Test {
 protected:
  ValidTimeTest() : t_(testing::OpenOrDie(dir_.path())) {}

  void SetUp() override {
    std::string j = testing::SampleWithNationalId("079184000201");
    j = JsonSet(j, "appointments", R"([{"kind": "boNhiem", "position": "Phó Chủ tịch", "unit": "27460",
        "termEnd": "2021-01-01", "effectiveDate": "2016-01-01"}])");
    j = JsonSet(j, "transfers", R"([{"kind": "bietPhai", "fromUnit": "27460", "toUnit": "27436",
        "start": "2019-03-01", "returnedOn": "2020-03-01", "effectiveDate": "2019-03-01"}])");
    auto r = t_->Create(t_.editor, j, Ctx());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    id_ = r->id;
    ASSERT_TRUE(t_->Create(t_.editor, testing::SampleWithNationalId("079184000202"), Ctx()).ok());
  }

  testing::TempDir dir_;
  testing::TestDb t_;
  std::string id_;
};

TEST_F(ValidTimeTest, TimelinesSayWhatWasInForce) {
  auto f = t_->InForceOn(t_.editor, id_, "2012-01-01");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->recruited);
  EXPECT_EQ(f->rank, "01.003");
  EXPECT_EQ(f->rank_step, "2");
  EXPECT_EQ(f->coefficient, "2.67");
  EXPECT_TRUE(f->positions.empty());
  EXPECT_EQ(f->working_unit, "27460");

  f = t_->InForceOn(t_.editor, id_, "2019-06-01");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->rank_step, "3");
  EXPECT_EQ(f->positions, std::vector<std::string>{"Phó Chủ tịch"});
  EXPECT_EQ(f->working_unit, "27436");  // seconded

  f = t_->InForceOn(t_.editor, id_, "2022-01-01");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->positions.empty());    // the term ended
  EXPECT_EQ(f->working_unit, "27460");  // returned

  f = t_->InForceOn(t_.editor, id_, "2007-01-01");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->recruited);
  EXPECT_TRUE(f->rank.empty());

  EXPECT_EQ(t_->InForceOn(t_.editor, id_, "2019-02-30").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ValidTimeTest, QueriesAndCountsOnADate) {
  Query q;
  q.filter = Filter::Eq(Field::kWorkingUnit, "27436");
  q.fields = {Field::kWorkingUnit, Field::kRankStep};
  auto now = t_->Find(t_.editor, q);
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  EXPECT_TRUE(now->rows.empty());  // works in 27460 today

  q.on_date = "2019-06-01";
  q.allow_scan = true;  // working units on a date come from the records, not the indexes
  auto then = t_->Find(t_.editor, q);
  ASSERT_TRUE(then.ok()) << then.status().ToString();
  ASSERT_EQ(then->rows.size(), 1u);
  EXPECT_EQ(then->rows[0].id, id_);
  EXPECT_EQ(then->rows[0].values[0], "27436");
  EXPECT_EQ(then->rows[0].values[1], "3");
  q.sort = SortOrder::kName;  // rows collected, then sorted: the values in force are kept
  then = t_->Find(t_.editor, q);
  ASSERT_TRUE(then.ok()) << then.status().ToString();
  ASSERT_EQ(then->rows.size(), 1u);
  EXPECT_EQ(then->rows[0].values[0], "27436");
  EXPECT_EQ(then->rows[0].values[1], "3");
  q.sort = SortOrder::kId;
  q.allow_scan = false;
  EXPECT_EQ(t_->Find(t_.editor, q).status().code(), StatusCode::kInvalidArgument);

  CountQuery c;
  c.group_by = {Field::kRankStep};
  c.on_date = "2012-01-01";
  auto counts = t_->Count(t_.editor, c);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  ASSERT_EQ(counts->rows.size(), 1u);
  EXPECT_EQ(counts->rows[0].key, std::vector<std::string>{"2"});
  EXPECT_EQ(counts->rows[0].count, 2u);
  c.on_date = "2008-01-01";  // before anyone was recruited
  counts = t_->Count(t_.editor, c);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total, 0u);

  auto json = Query::FromJson(R"({"filter": {"eq": {"field": "rankStep", "value": "1"}}, "onDate": "2009-01-01",
                                  "allowScan": true})");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  auto r = t_->Find(t_.editor, *json);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows.size(), 2u);
  c.on_date = "2012-13-01";
  EXPECT_NE(t_->Count(t_.editor, c).status().message().find("onDate"), std::string::npos);
}

}  // namespace
}  // namespace hsdt
