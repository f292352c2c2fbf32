// Secrets and privacy through the public API: no dossier value reaches the audit log or an error
// message, and CSV cells cannot run as spreadsheet formulas (docs/security.md, docs/format.md).
#include <gtest/gtest.h>

#include <cstdio>

#include <hsdt/report.h>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::AccountOrDie;
using testing::Ctx;
using testing::JsonSet;
using testing::SampleWithNationalId;
using testing::TempDir;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// Values that must never be seen outside the dossiers: each as written and as a name search
// folds it.
constexpr char kSurname[] = "Khúc";
constexpr char kMiddle[] = "Thị Thuỷ";
constexpr char kGiven[] = "Tiênca";
constexpr char kFullName[] = "Khúc Thị Thuỷ Tiênca";
constexpr char kNationalId[] = "079199077123";
constexpr char kSecondNationalId[] = "079199077124";
constexpr char kBirthDate[] = "1977-07-19";
constexpr char kNote[] = "XQZ ghi chú riêng canary";
constexpr char kSecondNote[] = "XQZ ghi chú thứ hai canary";

const std::vector<std::string>& Canaries() {
  static const std::vector<std::string> canaries = {
      kGiven, "tienca", "Thuỷ", "khuc thi thuy", kFullName, kNationalId, kSecondNationalId, "079199077",
      kBirthDate, "1977-07", "XQZ", "canary"};
  return canaries;
}

std::string CanaryDossier(const std::string& national_id, const std::string& note) {
  std::string j = SampleWithNationalId(national_id);
  j = JsonSet(j, "name.surname", Quoted(kSurname));
  j = JsonSet(j, "name.middle", Quoted(kMiddle));
  j = JsonSet(j, "name.given", Quoted(kGiven));
  j = JsonSet(j, "birthDate", Quoted(kBirthDate));
  j = JsonSet(j, "mainDuties", Quoted(note));
  return j;
}

// One line of JSON Lines.
std::string OneLine(std::string json) {
  std::string out;
  for (char c : json) {
    if (c != '\n' && c != '\r') out.push_back(c);
  }
  return out + "\n";
}

class PrivacyTest : public ::testing::Test {
 protected:
  PrivacyTest() : t_(testing::OpenOrDie(dir_.Sub("db"))) {}

  // Records the message of a call that must fail, to be searched for canaries.
  template <typename R>
  void ExpectFails(const R& r, StatusCode code, const char* what) {
    const Status& st = StatusOf(r);
    EXPECT_EQ(st.code(), code) << what << ": " << st.ToString();
    errors_.emplace_back(what, std::string(st.message()));
  }
  static const Status& StatusOf(const Status& s) { return s; }
  template <typename T>
  static const Status& StatusOf(const Result<T>& r) { return r.status(); }

  std::vector<AuditRecord> WholeLog(const Session& reader) {
    EXPECT_TRUE(t_->Sync(t_.admin).ok());
    std::vector<AuditRecord> all;
    for (std::uint64_t from = 1;;) {
      auto page = t_->ReadAudit(reader, from, 1000);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      all.insert(all.end(), page->begin(), page->end());
      // Each read is audited too: a short page is the end.
      if (page->size() < 1000) break;
      from = page->back().sequence + 1;
    }
    return all;
  }

  TempDir dir_;
  testing::TestDb t_;
  std::vector<std::pair<std::string, std::string>> errors_;  // call, message
};

TEST_F(PrivacyTest, CanaryValuesReachNoAuditEntryAndNoErrorMessage) {
  // Writes: create, a duplicate national ID, an update, a stale update, status changes.
  auto created = t_->Create(t_.editor, CanaryDossier(kNationalId, kNote), Ctx("tạo hồ sơ"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string id = created->id;
  ExpectFails(t_->Create(t_.editor, CanaryDossier(kNationalId, kNote), Ctx("tạo lại")), StatusCode::kAlreadyExists,
              "create with a national ID in use");
  ASSERT_TRUE(t_->Update(t_.editor, id, 1, CanaryDossier(kNationalId, kSecondNote), Ctx("cập nhật")).ok());
  ExpectFails(t_->Update(t_.editor, id, 1, CanaryDossier(kNationalId, kNote), Ctx("cập nhật cũ")), StatusCode::kConflict,
              "stale update");
  ExpectFails(t_->ChangeStatus(t_.editor, id, 2, "dangCongTac", Ctx("không đổi")), StatusCode::kInvalidArgument,
              "status change to the same status");
  ASSERT_TRUE(t_->ChangeStatus(t_.editor, id, 2, "bietPhai", Ctx("biệt phái")).ok());

  // Queries on every field that holds a canary, with every operator; counts; explain.
  const std::vector<Filter> filters = {
      Filter::Eq(Field::kNationalId, kNationalId),
      Filter::Name(kFullName, NameMatch::kExact),
      Filter::Name("khuc thi thuy", NameMatch::kPrefix),
      Filter::Name("tienca khuc", NameMatch::kTokens),
      Filter::Range(Field::kBirthDate, kBirthDate, kBirthDate),
      Filter::Range(Field::kBirthDate, "1977-07", ""),
      Filter::In(Field::kBirthDate, {kBirthDate, "1977-07-20"}),
      Filter::Eq(Field::kManagingUnit, "27460") && Filter::Eq(Field::kBirthDate, kBirthDate),
      Filter::Eq(Field::kNationalId, kNationalId) || !Filter::Name(kGiven),
  };
  Session auditor = AccountOrDie(*t_.db, t_.admin, "nv.kiemtra", "777-NV", Role::kDistrictAuditor);
  Session viewer = AccountOrDie(*t_.db, t_.admin, "anlac.xem", "27460", Role::kUnitViewer);
  for (const Filter& f : filters) {
    Query q;
    q.filter = f;
    q.allow_scan = true;
    auto found = t_->Find(t_.editor, q);
    ASSERT_TRUE(found.ok()) << f.ToString() << ": " << found.status().ToString();
    ASSERT_TRUE(t_->ExplainQuery(t_.editor, q).ok());
    ASSERT_TRUE(t_->Find(viewer, q).ok());
    q.purpose = Purpose::kInspection;
    ASSERT_TRUE(t_->Find(t_.admin, q).ok());
    ExpectFails(t_->Find(auditor, q), StatusCode::kPermissionDenied, "an auditor's query");
    q.limit = 0;
    ExpectFails(t_->Find(t_.editor, q), StatusCode::kInvalidArgument, "a query with limit 0");
    // Counts refuse identifying fields (docs/security.md): the refusal names the field only.
    CountQuery c;
    c.filter = f;
    c.group_by = {Field::kBirthDate, Field::kGiven};
    ExpectFails(t_->Count(t_.editor, c), StatusCode::kInvalidArgument, "a count by identifying fields");
    ExpectFails(t_->Count(auditor, c), StatusCode::kInvalidArgument, "an auditor's count by identifying fields");
    c.on_date = "2026-01-01";
    ExpectFails(t_->Count(t_.admin, c), StatusCode::kInvalidArgument, "a valid-time count by identifying fields");
    // A statistical count over the canary's unit still answers; its audit entry holds no value.
    CountQuery stats;
    stats.filter = Filter::Eq(Field::kManagingUnit, "27460");
    stats.group_by = {Field::kAgeBand, Field::kStatus};
    ASSERT_TRUE(t_->Count(t_.editor, stats).ok());
    ASSERT_TRUE(t_->Count(auditor, stats).ok());
    stats.on_date = "2026-01-01";
    ASSERT_TRUE(t_->Count(t_.admin, stats).ok());
  }
  {
    Query q;
    q.filter = Filter::Eq(Field::kNationalId, kNationalId);
    ExpectFails(t_->Find(t_.editor, Query::FromJson("{\"filter\": {\"eq\": {\"field\": \"nationalId\", \"value\": \"" +
                                                     std::string(kNationalId) + "\"}}, \"limit\": 5000}")
                                        .value()),
                StatusCode::kInvalidArgument, "a query over the limit");
    // Exports, JSON Lines and CSV, whole dossiers, and one stopped by its sink.
    for (ExportFormat format : {ExportFormat::kJsonLines, ExportFormat::kCsv}) {
      ExportOptions o;
      o.format = format;
      std::string out;
      auto n = t_->Export(t_.editor, q, o, [&](std::string_view chunk) {
        out.append(chunk);
        return Status::Ok();
      });
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      EXPECT_EQ(*n, 1u);
      EXPECT_NE(out.find(kGiven), std::string::npos) << "the export itself carries the dossier";
    }
    ExportOptions whole;
    whole.whole_dossiers = true;
    ASSERT_TRUE(t_->Export(t_.editor, q, whole, [](std::string_view) { return Status::Ok(); }).ok());
    ExpectFails(t_->Export(t_.editor, q, whole,
                           [](std::string_view) { return Status::IOError("disk full"); }),
                StatusCode::kIOError, "an export whose sink fails");
    ExpectFails(t_->Export(auditor, q, whole, [](std::string_view) { return Status::Ok(); }),
                StatusCode::kPermissionDenied, "an auditor's export");
  }

  // Import: a good line, then a line refused (its national ID is taken).
  const std::string jsonl =
      OneLine(CanaryDossier(kSecondNationalId, kNote)) + OneLine(CanaryDossier(kNationalId, kSecondNote));
  ImportOptions one_per_batch;
  one_per_batch.batch_lines = 1;
  auto imported = t_->Import(t_.editor, jsonl, one_per_batch, Ctx("nhập hồ sơ"));
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->imported, 1u);
  ASSERT_EQ(imported->errors.size(), 1u);
  errors_.emplace_back("a refused import line", imported->errors[0].message);
  auto refused = t_->Import(viewer, jsonl, one_per_batch, Ctx("nhập"));  // every line refused
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->imported, 0u);
  ASSERT_EQ(refused->errors.size(), 2u);
  for (const auto& e : refused->errors) errors_.emplace_back("an import line refused to a viewer", e.message);

  // Reads, history, diff, refusals.
  ASSERT_TRUE(t_->Get(t_.editor, id).ok());
  ASSERT_TRUE(t_->GetVersion(t_.editor, id, 1).ok());
  ASSERT_TRUE(t_->History(t_.editor, id).ok());
  ASSERT_TRUE(t_->Diff(t_.editor, id, 1, 2).ok());
  ExpectFails(t_->Get(t_.admin, id), StatusCode::kPermissionDenied, "a read without purpose");
  ExpectFails(t_->Get(auditor, id), StatusCode::kPermissionDenied, "an auditor's read");
  ExpectFails(t_->Get(t_.editor, "HS00000999"), StatusCode::kNotFound, "a read of no dossier");

  // Hand-over: requested by another ward, refused once, then approved.
  Session other = AccountOrDie(*t_.db, t_.admin, "binhhunghoa.editor", "27436", Role::kUnitEditor);
  ExpectFails(t_->Get(other, id, Purpose::kAppointment), StatusCode::kPermissionDenied, "another ward's read");
  auto request = t_->RequestHandOver(other, id, {"25/CV-UBND", "2026-01-10"}, "điều động công tác");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  ExpectFails(t_->DecideHandOver(other, request->id, true, Ctx("tự duyệt")), StatusCode::kPermissionDenied,
              "a self-approved hand-over");
  ASSERT_TRUE(t_->DecideHandOver(t_.editor, request->id, true, Ctx("đồng ý")).ok());
  ASSERT_TRUE(t_->ChangeStatus(other, id, 4, "dangCongTac", Ctx("trở lại")).ok());

  // Accounts (a display name is a person's name), logins, explain, reports, maintenance.
  AccountSpec spec{"anlac.ketoan", kFullName, "27460", Role::kUnitViewer, "tạm thời kế toán 2024"};
  ASSERT_TRUE(t_->CreateAccount(t_.admin, spec, Ctx("tài khoản")).ok());
  ExpectFails(t_->CreateAccount(t_.admin, spec, Ctx("tài khoản")), StatusCode::kAlreadyExists, "a second account");
  ExpectFails(t_->Login(kFullName, kNationalId), StatusCode::kPermissionDenied, "a login with a name as user");
  ExpectFails(t_->Login("anlac.ketoan", kNationalId), StatusCode::kPermissionDenied, "a login with a wrong password");
  const std::int64_t now = created->recorded_at_micros + std::int64_t{3600} * 1000000;
  ASSERT_TRUE(t_->Explain(t_.admin, testing::kEditorUser, Action::kReadDossier, id, now, Purpose::kNone).ok());
  ASSERT_TRUE(t_->Explain(auditor, "binhhunghoa.editor", Action::kUpdateDossier, id, now, Purpose::kNone).ok());
  ComplianceQuery deadlines;
  deadlines.period = {"2026-06-01", "2026-11-30"};
  ASSERT_TRUE(t_->CheckDeadlines(t_.admin, deadlines).ok());
  ASSERT_TRUE(t_->MakeSemiAnnualReport(auditor, "2026-12-01").ok());
  ASSERT_TRUE(t_->VerifyIndexes(t_.admin, false).ok());
  ASSERT_TRUE(t_->Check(t_.admin).ok());

  // Nothing of it in the log, read whole by an administrator and by an auditor.
  for (const Session* reader : {&t_.admin, &auditor}) {
    const auto log = WholeLog(*reader);
    EXPECT_GT(log.size(), 100u);
    bool saw_query = false;
    for (const auto& e : log) {
      for (const std::string* field : {&e.actor, &e.action, &e.target, &e.purpose, &e.reason, &e.rule}) {
        for (const auto& canary : Canaries()) {
          EXPECT_EQ(field->find(canary), std::string::npos)
              << "audit entry " << e.sequence << " (" << e.action << " " << e.target << ") holds \"" << canary
              << "\": " << *field;
        }
      }
      // What an inspector needs is still there: the filter's shape and the dossiers returned.
      if (e.target == "query" && e.reason == "(eq nationalId ?) -> 1 rows: " + id) saw_query = true;
    }
    EXPECT_TRUE(saw_query) << "no query entry names its filter's shape and the id returned";
  }
  EXPECT_GT(errors_.size(), 20u);
  for (const auto& [what, message] : errors_) {
    for (const auto& canary : Canaries()) {
      EXPECT_EQ(message.find(canary), std::string::npos) << what << ": \"" << canary << "\" in: " << message;
    }
  }
}

TEST_F(PrivacyTest, QueryEntriesNameTheShapeOfTheFilterAndBoundedIds) {
  for (int i = 0; i < 25; ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "0791990%05d", i);
    ASSERT_TRUE(t_->Create(t_.editor, SampleWithNationalId(number), Ctx("tạo")).ok());
  }
  Query q;
  q.filter = (Filter::Eq(Field::kManagingUnit, "27460") && Filter::In(Field::kGender, {"nu", "nam"}) &&
              Filter::Range(Field::kBirthDate, "1980", "")) ||
             !Filter::Name("nguyen thi", NameMatch::kPrefix);
  q.allow_scan = true;
  q.limit = 1000;
  auto found = t_->Find(t_.editor, q);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->rows.size(), 25u);
  const auto log = WholeLog(t_.admin);
  ASSERT_FALSE(log.empty());
  std::string expected = "(or (and (eq managingUnit ?) (in gender ?x2) (range birthDate ? *)) (not (name prefix ?))) -> 25 rows:";
  for (int i = 1; i <= 20; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, " HS%08d", i);
    expected += id;
  }
  expected += " and 5 more";
  bool seen = false;
  for (const auto& e : log) seen |= e.target == "query" && e.reason == expected;
  EXPECT_TRUE(seen) << "expected a query entry with reason: " << expected;
}

// ------------------------------------------------------------------------- CSV formula injection

TEST_F(PrivacyTest, CsvExportNeutralisesCellsASpreadsheetWouldRunAsFormulas) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // given name as stored -> the CSV cell
      {"=HYPERLINK(\\\"http://evil.example\\\",\\\"Xem\\\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Xem\"\")\""},
      {"+Lan", "\"'+Lan\""},
      {"-Lan", "\"'-Lan\""},
      {"@SUM(A1)", "\"'@SUM(A1)\""},
      {"Lan", "Lan"},
  };
  int n = 0;
  for (const auto& [given, cell] : cases) {
    char number[32];
    std::snprintf(number, sizeof number, "0791990%05d", n++);
    std::string j = SampleWithNationalId(number);
    j = JsonSet(j, "name.surname", Quoted(given));
    j = JsonSet(j, "name.middle", "\"\"");
    ASSERT_TRUE(t_->Create(t_.editor, j, Ctx("tạo")).ok()) << given;
  }
  Query q;
  q.filter = Filter::Eq(Field::kManagingUnit, "27460");
  q.fields = {Field::kSurname, Field::kGiven};
  ExportOptions csv;
  csv.format = ExportFormat::kCsv;
  std::string out;
  auto rows = t_->Export(t_.editor, q, csv, [&](std::string_view chunk) {
    out.append(chunk);
    return Status::Ok();
  });
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(*rows, cases.size());
  n = 0;
  for (const auto& [given, cell] : cases) {
    char line[128];
    std::snprintf(line, sizeof line, "\r\nHS%08d,", ++n);
    const std::string want = line + cell + ",Nhung\r\n";
    EXPECT_NE(out.find(want), std::string::npos) << "expected " << want << " in:\n" << out;
  }
}

TEST(ReportCsvTest, NeutralisesCellsASpreadsheetWouldRunAsFormulas) {
  SemiAnnualReport r;
  r.due = "2026-12-01";
  r.period = {"2026-06-01", "2026-11-30"};
  for (const char* name : {"=1+1", "+1", "-1", "@A1", "\tTAB", "\rCR", "Phường An Lạc"}) {
    UnitReport u;
    u.unit = "27460";
    u.unit_name = name;
    r.units.push_back(u);
  }
  const std::string csv = ReportToCsv(r);
  for (const char* cell : {"\"'=1+1\",", "\"'+1\",", "\"'-1\",", "\"'@A1\",", "\"'\tTAB\",", "\"'\rCR\",", "Phường An Lạc,"}) {
    EXPECT_NE(csv.find(std::string("27460,") + cell), std::string::npos) << cell << " in:\n" << csv;
  }
  EXPECT_EQ(csv.find(",=1+1"), std::string::npos);
  EXPECT_EQ(csv.find(",\tTAB"), std::string::npos);
}

}  // namespace
}  // namespace hsdt
