// Instants and civil dates: every offset names the same instant, and civil dates (today, the day
// a change was recorded on) are taken in the database's time zone, not in UTC.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include <hsdt/civil_time.h>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;

std::int64_t UtcMicros(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  namespace c = std::chrono;
  const c::sys_days date{c::year{y} / c::month{m} / c::day{d}};
  return c::duration_cast<c::microseconds>((date + c::hours(hh) + c::minutes(mm) + c::seconds(ss)).time_since_epoch())
      .count();
}

TEST(CivilTimeTest, EveryOffsetNamesTheSameInstant) {
  const std::int64_t want = UtcMicros(2026, 12, 1, 19, 17, 22);
  for (const char* text : {"2026-12-02T02:17:22+07:00", "2026-12-01T14:17:22-05:00", "2026-12-01T19:17:22Z",
                           "2026-12-01T19:17:22z", "2026-12-02T02:17:22+0700", "2026-12-01T19:17:22.000000Z"}) {
    auto t = ParseInstant(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(*t, want) << text;
  }
  // Without an offset, a wall-clock time of the zone given (Asia/Ho_Chi_Minh by default).
  EXPECT_EQ(*ParseInstant("2026-12-02T02:17:22"), want);
  EXPECT_EQ(*ParseInstant("2026-12-01T19:17:22", "UTC"), want);
  EXPECT_EQ(*ParseInstant("2026-12-01T19:17:22.25Z"), want + 250000);
  EXPECT_EQ(*ParseInstant("2026-12-01T19:17Z"), want - 22 * 1000000);
}

TEST(CivilTimeTest, ADateIsTheStartOrTheEndOfThatDayInTheZone) {
  EXPECT_EQ(*ParseInstant("2026-12-02"), UtcMicros(2026, 12, 1, 17, 0, 0));
  EXPECT_EQ(*ParseInstant("2026-12-02", kDefaultTimeZone, DateAs::kEndOfDay), UtcMicros(2026, 12, 2, 17, 0, 0));
  EXPECT_EQ(*ParseInstant("2026-12-31", kDefaultTimeZone, DateAs::kEndOfDay), UtcMicros(2026, 12, 31, 17, 0, 0));
  EXPECT_EQ(*ParseInstant("2026-12-02", "UTC"), UtcMicros(2026, 12, 2, 0, 0, 0));
  EXPECT_EQ(*ParseInstant("2026-07-04", "America/New_York"), UtcMicros(2026, 7, 4, 4, 0, 0));  // EDT
}

TEST(CivilTimeTest, ImpossibleDatesAndTimesAreInvalidArguments) {
  for (const char* text : {"2024-02-30", "0000-00-00", "2026-02-29", "2026-13-01", "2026-12-00", "", "2026-12-2",
                           "2026-12-02T24:00:00Z", "2026-12-02T10:60:00Z", "2026-12-02T10:00:61Z",
                           "2026-12-02T10:00:00+25:00", "2026-12-02T10:00:00+07", "2026-12-02T10:00:00Z junk",
                           "2026-12-02 10:00:00Z", "2026-12-02T10:00:00.Z", "tomorrow"}) {
    auto t = ParseInstant(text, kDefaultTimeZone, DateAs::kStartOfDay, "--as-of");
    ASSERT_FALSE(t.ok()) << text << " was read as " << (t.ok() ? *t : 0);
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(t.status().message().rfind("--as-of: ", 0), 0u) << t.status().message();
    EXPECT_NE(t.status().message().find("expected"), std::string::npos) << t.status().message();
  }
  EXPECT_TRUE(ParseInstant("2024-02-29").ok());  // a leap day
}

TEST(CivilTimeTest, CivilDatesAreTakenInTheZone) {
  const std::int64_t half_past_one_in_hcmc = UtcMicros(2026, 12, 1, 18, 30, 0);
  EXPECT_EQ(*CivilDateOf(half_past_one_in_hcmc), "2026-12-02");
  EXPECT_EQ(*CivilDateOf(half_past_one_in_hcmc, "UTC"), "2026-12-01");
  EXPECT_EQ(*CivilDateOf(UtcMicros(2026, 12, 1, 16, 59, 59)), "2026-12-01");
  EXPECT_EQ(CivilDateOf(0, "Mars/Olympus_Mons").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseInstant("2026-12-02", "Mars/Olympus_Mons").status().code(), StatusCode::kInvalidArgument);
}

TEST(CivilTimeTest, AnUnknownTimeZoneIsRefusedAtOpen) {
  testing::TempDir dir;
  OpenOptions o = testing::CreateOptions();
  o.time_zone = "Asia/Sai_Gon_City";
  auto db = Database::Open(dir.Sub("db"), testing::TestKey(), o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(db.status().message().find("time_zone"), std::string::npos) << db.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("db") + "/KEYRING"));
}

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t now) : now_(now) {}
  std::int64_t NowMicros() const override { return now_.load(); }

 private:
  std::atomic<std::int64_t> now_;
};

// A dossier made, and a reward entered, at 01:00 on 2 July 2026 in Hồ Chí Minh City (18:00 UTC on
// 1 July): 61 days after the recruitment decision of 2 May and 16 after the reward took effect on
// 16 June. Both are late in the district's calendar (60 and 15 days allowed); in UTC's calendar
// neither would be.
class CivilDeadlineTest : public ::testing::Test {
 protected:
  Result<ComplianceReport> Deadlines(const std::string& zone) {
    OpenOptions o = testing::CreateOptions();
    o.clock = &clock_;
    o.time_zone = zone;
    dbs_.push_back(std::make_unique<testing::TempDir>());
    t_ = std::make_unique<testing::TestDb>(testing::OpenOrDie(dbs_.back()->path(), o));
    std::string j = testing::SampleWithNationalId("079184000301");
    j = JsonSet(j, "recruitment.date", "\"2026-05-02\"");
    j = JsonSet(j, "recruitment.decision.signedOn", "\"2026-05-02\"");
    j = JsonSet(j, "rewards", R"([{"year": 2026, "form": "Giấy khen", "effectiveDate": "2026-06-16"}])");
    auto r = (*t_)->Create(t_->editor, j, Ctx());
    if (!r.ok()) return r.status();
    ComplianceQuery q;
    q.period = {"2026-06-01", "2026-07-31"};
    return (*t_)->CheckDeadlines(t_->editor, q);
  }

  FixedClock clock_{UtcMicros(2026, 7, 1, 18, 0, 0)};
  std::vector<std::unique_ptr<testing::TempDir>> dbs_;
  std::unique_ptr<testing::TestDb> t_;
};

TEST_F(CivilDeadlineTest, TheDayOfRecordingIsTheDistrictsDay) {
  auto r = Deadlines(kDefaultTimeZone);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->district.recruitments_late, 1u);
  EXPECT_EQ(r->district.events_late, 1u);
  bool created = false, event = false;
  for (const LateItem& i : r->items) {
    if (i.kind == LateKind::kDossierCreated) {
      created = true;
      EXPECT_EQ(i.done_on, "2026-07-02");
      EXPECT_EQ(i.days, 61);
    }
    if (i.kind == LateKind::kStateEvent) {
      event = true;
      EXPECT_EQ(i.done_on, "2026-07-02");
      EXPECT_EQ(i.days, 16);
    }
  }
  EXPECT_TRUE(created && event);
}

TEST_F(CivilDeadlineTest, TheTimeZoneIsAnOptionOfTheDatabase) {
  auto r = Deadlines("UTC");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->district.recruitments, 1u);
  EXPECT_EQ(r->district.recruitments_late, 0u);
  EXPECT_EQ(r->district.events_late, 0u);
}

}  // namespace
}  // namespace hsdt
