// Deadline compliance (article 9) and the semi-annual report (article 13) on hand-made cases,
// with transaction times set by a test clock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;
using testing::TempDir;

std::int64_t MicrosAt(int y, unsigned m, unsigned d) {
  namespace c = std::chrono;
  const c::sys_days date{c::year{y} / c::month{m} / c::day{d}};
  return c::duration_cast<c::microseconds>((date + c::hours(8)).time_since_epoch()).count();
}

class SetClock final : public Clock {
 public:
  std::int64_t NowMicros() const override { return now_.load(); }
  void Set(std::int64_t micros) { now_ = micros; }

 private:
  std::atomic<std::int64_t> now_{MicrosAt(2026, 1, 5)};
};

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenOptions o = testing::CreateOptions();
    o.clock = &clock_;
    t_ = std::make_unique<testing::TestDb>(testing::OpenOrDie(dir_.path(), o));
    // A: recruited by a decision of 2025-12-28, its dossier made on 2026-01-05 (8 days).
    std::string a = testing::SampleWithNationalId("079184000101");
    a = JsonSet(a, "recruitment.date", "\"2026-01-02\"");
    a = JsonSet(a, "recruitment.decision.signedOn", "\"2025-12-28\"");
    // B: decided on 2025-11-01, made 65 days later; no 2025 supplementary declaration.
    std::string b = testing::SampleWithNationalId("079184000102");
    b = JsonSet(b, "recruitment.date", "\"2025-11-01\"");
    b = JsonSet(b, "recruitment.decision.signedOn", "\"2025-11-01\"");
    // C: recruited in 2008 (digitised from paper), declared for 2025.
    std::string c = testing::SampleWithNationalId("079184000103");
    c = JsonSet(c, "annualSupplements",
                R"([{"year": 2025, "declaredOn": "2026-01-03", "signed": true, "effectiveDate": "2026-01-03"}])");
    for (const std::string* json : {&a, &b, &c}) {
      auto r = (*t_)->Create(t_->editor, *json, Ctx());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ids_.push_back(r->id);
    }
    // On 2026-02-20, two rewards of A are entered: effective 2026-01-20 (31 days) and
    // 2026-02-10 (10 days).
    clock_.Set(MicrosAt(2026, 2, 20));
    Relogin();
    std::string a2 = JsonSet(a, "rewards", R"([{"year": 2026, "form": "Giấy khen", "effectiveDate": "2026-01-20"},
                                              {"year": 2026, "form": "Bằng khen", "effectiveDate": "2026-02-10"}])");
    auto r = (*t_)->Update(t_->editor, ids_[0], 1, a2, Ctx());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  void Relogin() {
    t_->admin = testing::LoginOrDie(*t_->db, testing::kAdminUser, testing::kAdminPassword);
    t_->editor = testing::LoginOrDie(*t_->db, testing::kEditorUser, testing::kEditorPassword);
  }

  TempDir dir_;
  SetClock clock_;
  std::unique_ptr<testing::TestDb> t_;
  std::vector<std::string> ids_;
};

TEST_F(ReportTest, DeadlinesOfArticle9OnHandMadeCases) {
  ComplianceQuery q;
  q.period = {"2025-12-01", "2026-05-31"};
  auto r = (*t_)->CheckDeadlines(t_->editor, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->supplement_year, 2025);
  const Compliance& d = r->district;
  EXPECT_EQ(d.dossiers, 3u);
  EXPECT_EQ(d.recruitments, 2u);  // A and B; C was recruited in 2008
  EXPECT_EQ(d.recruitments_late, 1u);
  EXPECT_EQ(d.events, 2u);  // A's rewards; the sample's rows of 2008-2014 are not of the period
  EXPECT_EQ(d.events_late, 1u);
  EXPECT_EQ(d.supplements_due, 2u);  // B and C (A was recruited in 2026)
  EXPECT_EQ(d.supplements_missing, 1u);
  ASSERT_EQ(r->units.size(), 1u);
  EXPECT_EQ(r->units[0].unit, "27460");
  ASSERT_EQ(r->items.size(), 3u);
  bool created = false, event = false, supplement = false;
  for (const LateItem& i : r->items) {
    if (i.kind == LateKind::kDossierCreated) {
      created = true;
      EXPECT_EQ(i.dossier_id, ids_[1]);
      EXPECT_EQ(i.due_from, "2025-11-01");
      EXPECT_EQ(i.done_on, "2026-01-05");
      EXPECT_EQ(i.days, 65);
    } else if (i.kind == LateKind::kStateEvent) {
      event = true;
      EXPECT_EQ(i.dossier_id, ids_[0]);
      EXPECT_EQ(i.path, "$.rewards[0]");
      EXPECT_EQ(i.days, 31);
    } else {
      supplement = true;
      EXPECT_EQ(i.dossier_id, ids_[1]);
    }
  }
  EXPECT_TRUE(created && event && supplement);

  // Another period sees none of it.
  q.period = {"2026-06-01", "2026-11-30"};
  r = (*t_)->CheckDeadlines(t_->editor, q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->district.recruitments + r->district.events, 0u);

  q.period = {"2026-02-30", "2026-05-31"};
  EXPECT_NE((*t_)->CheckDeadlines(t_->editor, q).status().message().find("period.from"), std::string::npos);
  // Tier 1 reports on its own unit only.
  Session other = testing::AccountOrDie(*t_->db, t_->admin, "binhtri.editor", "27436", Role::kUnitEditor);
  q.period = {"2025-12-01", "2026-05-31"};
  q.unit = "27460";
  EXPECT_EQ((*t_)->CheckDeadlines(other, q).status().code(), StatusCode::kPermissionDenied);
  q.unit = "";
  r = (*t_)->CheckDeadlines(other, q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->district.dossiers, 0u);
}

TEST_F(ReportTest, SemiAnnualReportCountsAndRenders) {
  auto r = (*t_)->MakeSemiAnnualReport(t_->admin, "2026-06-01");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->period.from, "2025-12-01");
  EXPECT_EQ(r->period.to, "2026-05-31");
  const UnitReport& d = r->district;
  EXPECT_EQ(d.dossiers, 3u);
  EXPECT_EQ(d.by_status.at("dangCongTac"), 3u);
  EXPECT_EQ(d.by_category.at("congChuc"), 3u);
  EXPECT_EQ(d.filled.at("phone"), 3u);
  EXPECT_EQ(d.filled.count("evaluations") == 0 || d.filled.at("evaluations") <= 3u, true);
  EXPECT_EQ(d.timeliness.recruitments_late, 1u);
  EXPECT_EQ(d.timeliness.events_late, 1u);
  EXPECT_EQ(d.changes_in_period, 4u);  // three creations and one update
  EXPECT_EQ(d.accounts_by_state.at("active"), 2u);  // the administrator and the editor
  bool ward = false;
  for (const auto& u : r->units) {
    if (u.unit != "27460") continue;
    ward = true;
    EXPECT_EQ(u.unit_name, "Ủy ban nhân dân phường An Lạc");
    EXPECT_EQ(u.dossiers, 3u);
  }
  EXPECT_TRUE(ward);

  const std::string json = ReportToJson(*r);
  EXPECT_NE(json.find("\"due\":\"2026-06-01\""), std::string::npos);
  EXPECT_NE(json.find("\"recruitmentsLate\":1"), std::string::npos);
  const std::string csv = ReportToCsv(*r);
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBFMã đơn vị,Tên đơn vị,Tổng số hồ sơ,Đang công tác", 0), 0u);
  EXPECT_NE(csv.find("\r\n27460,Ủy ban nhân dân phường An Lạc,3,3,"), std::string::npos);
  const std::string html = ReportToHtml(*r);
  EXPECT_NE(html.find("<html lang=\"vi\">"), std::string::npos);
  EXPECT_NE(html.find("size: A4"), std::string::npos);
  EXPECT_NE(html.find("từ ngày 01/12/2025 đến ngày 31/05/2026"), std::string::npos);
  EXPECT_NE(html.find("Toàn quận"), std::string::npos);
  EXPECT_NE(html.find("ỦY BAN NHÂN DÂN QUẬN BÌNH TÂN"), std::string::npos);
  EXPECT_NE(html.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), std::string::npos);

  // Made on 2026-02-20, in the period: provisional, and every rendering says so.
  EXPECT_TRUE(r->provisional);
  EXPECT_NE(json.find("\"provisional\":true"), std::string::npos);
  EXPECT_NE(csv.find("TẠM TÍNH: kỳ báo cáo chưa kết thúc (đến hết ngày 31/05/2026)"), std::string::npos);
  EXPECT_NE(html.find("TẠM TÍNH"), std::string::npos);
  // On its last day, still provisional; the day after (Vietnam time), final.
  clock_.Set(MicrosAt(2026, 5, 31) + std::int64_t{8} * 3600 * 1000000);  // 23:00 on 31 May in Vietnam
  Relogin();
  EXPECT_TRUE((*t_)->MakeSemiAnnualReport(t_->admin, "2026-06-01")->provisional);
  clock_.Set(MicrosAt(2026, 5, 31) + std::int64_t{10} * 3600 * 1000000);  // 01:00 on 1 June in Vietnam
  Relogin();
  auto final_report = (*t_)->MakeSemiAnnualReport(t_->admin, "2026-06-01");
  ASSERT_TRUE(final_report.ok());
  EXPECT_FALSE(final_report->provisional);
  EXPECT_EQ(ReportToHtml(*final_report).find("TẠM TÍNH"), std::string::npos);
  EXPECT_NE(ReportToJson(*final_report).find("\"provisional\":false"), std::string::npos);

  EXPECT_NE((*t_)->MakeSemiAnnualReport(t_->admin, "2026-07-01").status().message().find("due:"), std::string::npos);
  // The auditor reads reports (tier 2), never dossier content.
  Session auditor = testing::AccountOrDie(*t_->db, t_->admin, "nv.kiemtra", "777-NV", Role::kDistrictAuditor);
  auto audited = (*t_)->MakeSemiAnnualReport(auditor, "2026-06-01");
  ASSERT_TRUE(audited.ok()) << audited.status().ToString();
  EXPECT_EQ(audited->district.dossiers, 3u);
}

}  // namespace
}  // namespace hsdt
