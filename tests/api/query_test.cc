// Queries, name search, Vietnamese order, paging, policy filtering and counts, through the public
// API; indexes kept exact under random writes (checked by VerifyIndexes).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <map>
#include <random>
#include <set>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::AccountOrDie;
using testing::Ctx;
using testing::JsonSet;
using testing::SampleWithNationalId;
using testing::TempDir;

struct Person {
  std::string surname, middle, given, birth, gender, unit, status = "dangCongTac";
};

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string DossierJson(const Person& p, int n) {
  char number[32];
  std::snprintf(number, sizeof number, "0791840%05d", n);
  std::string j = SampleWithNationalId(number);
  j = JsonSet(j, "name.surname", Quoted(p.surname));
  j = JsonSet(j, "name.middle", Quoted(p.middle));
  j = JsonSet(j, "name.given", Quoted(p.given));
  j = JsonSet(j, "birthDate", Quoted(p.birth));
  j = JsonSet(j, "gender", Quoted(p.gender));
  j = JsonSet(j, "managingUnit", Quoted(p.unit));
  j = JsonSet(j, "workingUnit", Quoted(p.unit));
  j = JsonSet(j, "status", Quoted(p.status));
  return j;
}

const std::vector<Person>& People() {
  static const std::vector<Person> people = {
      {"Nguyễn", "Văn", "An", "1980-01-02", "nam", "27460"},
      {"Trần", "Thị", "Ánh", "1990-05-06", "nu", "27460"},
      {"Lê", "", "Anh", "1970-07-08", "nam", "27460"},
      {"Phạm", "Quốc", "Đạt", "1965-03-04", "nam", "27460", "nghiHuu"},
      {"Đỗ", "Thị", "Ân", "1985-11-12", "nu", "27460"},
      {"Võ", "Minh", "Dũng", "1995-12-30", "nam", "27460"},
      {"Nguyễn", "Thị", "Ăn", "1975-06-01", "nu", "27460"},
      {"Bùi", "Văn", "An", "1982-02-02", "nam", "27460"},
      {"Hoàng", "Thanh", "Bình", "1960-08-09", "nu", "27436"},
      {"Nguyễn", "Văn", "Đạt", "1988-04-04", "nam", "27436"},
  };
  return people;
}

// A grant to the editor of 27460 over every dossier of 27436, in force until 2100.
GrantSpec EditorGrantOn27436(std::uint32_t rights) {
  GrantSpec g;
  g.grantee_user = testing::kEditorUser;
  g.scope_unit = "27436";
  g.rights = rights;
  g.legal_basis = {"12/UBND", "2026-01-05"};
  g.signer = "Chủ tịch UBND quận";
  g.valid_until_micros = std::int64_t{4102444800} * 1000000;
  return g;
}

class QueryTest : public ::testing::Test {
 protected:
  QueryTest()
      : t_(testing::OpenOrDie(dir_.path())),
        other_editor_(AccountOrDie(*t_.db, t_.admin, "binhtri.editor", "27436", Role::kUnitEditor)) {}

  void SetUp() override {
    int n = 0;
    for (const Person& p : People()) {
      const Session& who = p.unit == "27460" ? t_.editor : other_editor_;
      auto r = t_->Create(who, DossierJson(p, ++n), Ctx());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ids_[p.given + "/" + p.surname] = r->id;
    }
  }

  std::vector<std::string> Names(const QueryResult& r) {
    std::vector<std::string> out;
    const auto at = std::find(r.fields.begin(), r.fields.end(), Field::kFullName) - r.fields.begin();
    for (const auto& row : r.rows) out.push_back(row.values.at(at).value_or("?"));
    return out;
  }

  Result<QueryResult> Find(const Session& s, Filter f, SortOrder sort = SortOrder::kId,
                           Purpose purpose = Purpose::kNone) {
    Query q;
    q.filter = std::move(f);
    q.sort = sort;
    q.purpose = purpose;
    q.fields = {Field::kFullName, Field::kManagingUnit, Field::kEthnicity, Field::kNationalId};
    return t_->Find(s, q);
  }

  TempDir dir_;
  testing::TestDb t_;
  Session other_editor_;
  std::map<std::string, std::string> ids_;
};

TEST_F(QueryTest, NameSearchIgnoresCaseAndDiacritics) {
  auto in_unit = Filter::Eq(Field::kManagingUnit, "27460");
  auto r = Find(t_.editor, in_unit && Filter::Name("nguyen van an", NameMatch::kExact));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Names(*r), std::vector<std::string>{"Nguyễn Văn An"});

  r = Find(t_.editor, Filter::Name("NGUYEN", NameMatch::kPrefix));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"Nguyễn Văn An", "Nguyễn Thị Ăn"}));

  r = Find(t_.editor, Filter::Name("an nguyen"));  // words in any order
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"Nguyễn Văn An", "Nguyễn Thị Ăn"}));

  r = Find(t_.editor, Filter::Name("pham quoc dat", NameMatch::kExact));  // đ folds to d
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), std::vector<std::string>{"Phạm Quốc Đạt"});

  r = Find(t_.editor, Filter::Name("  ĐỖ   thị  "));  // the last word may be a prefix
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), std::vector<std::string>{"Đỗ Thị Ân"});

  r = Find(t_.editor, Filter::Name("nguyen van", NameMatch::kExact));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->rows.empty());
}

TEST_F(QueryTest, UnitListsSortInVietnameseOrder) {
  const auto r = Find(t_.editor, Filter::Eq(Field::kManagingUnit, "27460"), SortOrder::kName);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Given name first (a < ă < â, d < đ), then middle names, then surname.
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"Bùi Văn An", "Nguyễn Văn An", "Lê Anh", "Trần Thị Ánh",
                                                 "Nguyễn Thị Ăn", "Đỗ Thị Ân", "Võ Minh Dũng",
                                                 "Phạm Quốc Đạt"}));
  EXPECT_NE(r->plan.find("unit-order"), std::string::npos) << r->plan;

  // The same order without the unit-order index (a name filter leads the plan).
  const auto s = Find(t_.editor, Filter::Name("nguyen"), SortOrder::kName);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Names(*s), (std::vector<std::string>{"Nguyễn Văn An", "Nguyễn Thị Ăn"}));
}

TEST_F(QueryTest, PagesCoverEveryRowOnceInBothOrders) {
  for (SortOrder sort : {SortOrder::kId, SortOrder::kName}) {
    Query q;
    q.filter = Filter::Eq(Field::kManagingUnit, "27460");
    q.sort = sort;
    q.limit = 3;
    std::vector<std::string> seen;
    int pages = 0;
    do {
      auto r = t_->Find(t_.editor, q);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_LE(r->rows.size(), 3u);
      for (const auto& row : r->rows) seen.push_back(row.id);
      q.cursor = r->next_cursor;
      ++pages;
    } while (!q.cursor.empty() && pages < 10);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen.size(), 8u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 8u);
    if (sort == SortOrder::kId) {
      EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    }
  }
}

TEST_F(QueryTest, FullNameOrderIsTheNameIndexsOwnAndPagesThroughIt) {
  // Surname first, folded, then id: from the name index as it is read for a prefix, and the same
  // order sorted when another index leads.
  const std::vector<std::string> unit_order = {"Bùi Văn An",   "Đỗ Thị Ân",    "Lê Anh",       "Nguyễn Thị Ăn",
                                               "Nguyễn Văn An", "Phạm Quốc Đạt", "Trần Thị Ánh", "Võ Minh Dũng"};
  auto r = Find(t_.editor, Filter::Eq(Field::kManagingUnit, "27460"), SortOrder::kFullName);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Names(*r), unit_order);
  r = Find(t_.editor, Filter::Name("NGUYEN", NameMatch::kPrefix), SortOrder::kFullName);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"Nguyễn Thị Ăn", "Nguyễn Văn An"}));
  EXPECT_NE(r->plan.find("name index"), std::string::npos) << r->plan;

  // Pages of one row through a prefix; a namesake written between pages sorts by id after the
  // first "Nguyễn Văn An", so it is on a later page; one sorting before the cursor is not.
  Query q;
  q.filter = Filter::Name("nguyen", NameMatch::kPrefix);
  q.sort = SortOrder::kFullName;
  q.purpose = Purpose::kInspection;
  q.fields = {Field::kFullName};
  q.limit = 1;
  std::vector<std::string> names, ids;
  for (int page = 0; page < 10; ++page) {
    auto p = t_->Find(t_.admin, q);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ASSERT_LE(p->rows.size(), 1u);
    for (const auto& row : p->rows) {
      names.push_back(row.values[0].value_or("?"));
      ids.push_back(row.id);
    }
    if (page == 1) {
      ASSERT_TRUE(t_->Create(t_.editor, DossierJson({"Nguyễn", "Văn", "An", "1981-01-01", "nam", "27460"}, 950), Ctx()).ok());
      ASSERT_TRUE(t_->Create(t_.editor, DossierJson({"Nguyễn", "Anh", "Tú", "1981-01-01", "nam", "27460"}, 951), Ctx()).ok());
    }
    if (p->next_cursor.empty()) break;
    q.cursor = p->next_cursor;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Nguyễn Thị Ăn", "Nguyễn Văn An", "Nguyễn Văn An", "Nguyễn Văn Đạt"}));
  EXPECT_LT(ids[1], ids[2]);
  // A cursor of this order is not one of another.
  q.sort = SortOrder::kName;
  EXPECT_EQ(t_->Find(t_.admin, q).status().code(), StatusCode::kInvalidArgument);
  q.sort = static_cast<SortOrder>(9);
  q.cursor.clear();
  EXPECT_NE(t_->Find(t_.admin, q).status().message().find("sort: 9 is not a sort order"), std::string::npos);

  auto json = Query::FromJson(R"({"filter": {"name": {"text": "nguyen", "match": "prefix"}}, "sort": "fullName"})");
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->sort, SortOrder::kFullName);
}

TEST_F(QueryTest, PagingContinuesAfterTheCursorUnderConcurrentWrites) {
  Query q;
  q.filter = Filter::Eq(Field::kManagingUnit, "27460");
  q.sort = SortOrder::kName;
  q.limit = 4;
  q.fields = {Field::kGiven};
  auto first = t_->Find(t_.editor, q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->rows.size(), 4u);  // An, An, Anh, Ánh
  // Written between the pages: one sorts before the cursor, one after it.
  ASSERT_TRUE(t_->Create(t_.editor, DossierJson({"Lý", "", "Ai", "1980-01-01", "nu", "27460"}, 900), Ctx()).ok());
  ASSERT_TRUE(t_->Create(t_.editor, DossierJson({"Lý", "", "Yến", "1980-01-01", "nu", "27460"}, 901), Ctx()).ok());
  q.cursor = first->next_cursor;
  q.limit = 100;
  auto second = t_->Find(t_.editor, q);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::vector<std::string> given;
  for (const auto& row : second->rows) given.push_back(row.values[0].value_or("?"));
  EXPECT_EQ(given, (std::vector<std::string>{"Ăn", "Ân", "Dũng", "Đạt", "Yến"}));
  EXPECT_TRUE(second->next_cursor.empty());
}

TEST_F(QueryTest, PagingIsExactWhileAnotherThreadWrites) {
  // Every dossier that exists before the first page is seen exactly once, in order, however
  // many are created meanwhile.
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  std::thread writer([&] {
    for (int n = 0; !stop.load() && n < 60; ++n) {
      const char* given[] = {"Bảo", "Cúc", "Hà", "Lan", "Mai", "Tú"};
      if (t_->Create(t_.editor, DossierJson({"Lâm", "Thị", given[n % 6], "1990-01-01", "nu", "27460"}, 1000 + n),
                     Ctx())
              .ok()) {
        ++created;
      }
    }
  });
  Query q;
  q.filter = Filter::Eq(Field::kManagingUnit, "27460");
  q.sort = SortOrder::kName;
  q.limit = 2;
  q.fields = {Field::kGiven};
  std::vector<std::string> seen;
  for (int page = 0; page < 200; ++page) {
    auto r = t_->Find(t_.editor, q);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const auto& row : r->rows) seen.push_back(row.id);
    if (r->next_cursor.empty()) break;
    q.cursor = r->next_cursor;
  }
  stop = true;
  writer.join();
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << "a row was repeated";
  int own = 0;
  for (const Person& p : People()) own += p.unit == "27460";
  int original = 0;  // the people of 27460 made before paging began (ids_ also holds 27436's)
  for (const auto& [name, id] : ids_) original += std::count(seen.begin(), seen.end(), id) == 1;
  EXPECT_EQ(original, own);
  EXPECT_LE(seen.size(), static_cast<std::size_t>(own + created.load()));
}

TEST_F(QueryTest, ResultsPassThePolicy) {
  // Without a purpose an editor sees its own unit only.
  auto r = Find(t_.editor, Filter::Name("dat"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), std::vector<std::string>{"Phạm Quốc Đạt"});
  // A purpose does not open another unit without a grant.
  r = Find(t_.editor, Filter::Name("dat"), SortOrder::kId, Purpose::kInspection);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows.size(), 1u);
  // Tier 2 with a purpose sees both units.
  r = Find(t_.admin, Filter::Name("dat"), SortOrder::kId, Purpose::kInspection);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows.size(), 2u);
  // A read-only grant opens the other unit, without its personal fields, which then match no
  // filter either.
  ASSERT_TRUE(t_->IssueGrant(t_.admin, EditorGrantOn27436(kGrantRead), Ctx()).ok());
  r = Find(t_.editor, Filter::Name("dat"), SortOrder::kId, Purpose::kInspection);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 2u);
  for (const auto& row : r->rows) {
    const bool own = row.values[1] == "27460";
    EXPECT_EQ(row.values[2].has_value(), own) << row.id;  // ethnicity: personal
    EXPECT_EQ(row.values[3].has_value(), own) << row.id;  // national ID: personal
  }
  r = Find(t_.editor, Filter::Name("dat") && Filter::Eq(Field::kEthnicity, "01"), SortOrder::kId,
           Purpose::kInspection);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), std::vector<std::string>{"Phạm Quốc Đạt"});
  // District auditors see no dossier content: the query is refused (and audited).
  Session auditor = AccountOrDie(*t_.db, t_.admin, "nv.kiemtra", "777-NV", Role::kDistrictAuditor);
  EXPECT_EQ(Find(auditor, Filter::Name("dat")).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(QueryTest, EachQueryIsOneAuditEntry) {
  auto before = t_->DigestAudit(t_.admin);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(Find(t_.editor, Filter::Eq(Field::kManagingUnit, "27460")).ok());
  ASSERT_TRUE(t_->Sync(t_.admin).ok());
  auto entries = t_->ReadAudit(t_.admin, before->sequence + 1, 100);
  ASSERT_TRUE(entries.ok());
  int queries = 0;
  for (const auto& e : *entries) {
    if (e.target != "query") continue;
    ++queries;
    EXPECT_EQ(e.actor, testing::kEditorUser);
    EXPECT_TRUE(e.allowed);
    // The shape of the filter and the ids returned, never the values (docs/security.md).
    EXPECT_EQ(e.reason, "(eq managingUnit ?) -> 8 rows: HS00000001 HS00000002 HS00000003 HS00000004 "
                        "HS00000005 HS00000006 HS00000007 HS00000008");
  }
  EXPECT_EQ(queries, 1);
}

TEST_F(QueryTest, PlansUseIndexesAndRefuseUnaskedScans) {
  Query q;
  q.filter = Filter::Eq(Field::kGender, "nu") && Filter::Range(Field::kBirthDate, "1980", "1989-12-31") &&
             Filter::Eq(Field::kManagingUnit, "27460");
  auto r = t_->Find(t_.editor, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows.size(), 1u);  // Đỗ Thị Ân (1985)
  auto plan = t_->ExplainQuery(t_.editor, q);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->rows.empty());
  EXPECT_NE(plan->plan.find("managingUnit index"), std::string::npos) << plan->plan;

  q.filter = Filter::Range(Field::kRankStep, "2", "4");  // not indexed
  r = t_->Find(t_.editor, q);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("allow_scan"), std::string::npos);
  q.allow_scan = true;
  r = t_->Find(t_.editor, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows.size(), 8u);  // the sample's step is 3
  EXPECT_NE(r->plan.find("scan"), std::string::npos);

  q.filter = !Filter::Eq(Field::kStatus, "nghiHuu");
  r = t_->Find(t_.editor, q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows.size(), 7u);

  q.allow_scan = false;
  q.filter = Filter::Eq(Field::kNationalId, "079184000004");
  r = t_->Find(t_.editor, q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].id, ids_["Đạt/Phạm"]);
}

TEST_F(QueryTest, JsonQueriesAndTheirErrors) {
  auto q = Query::FromJson(R"({"filter": {"and": [{"eq": {"field": "managingUnit", "value": "27460"}},
      {"name": {"text": "nguyen", "match": "prefix"}}]}, "sort": "name", "fields": ["fullName"], "limit": 5})");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  auto r = t_->Find(t_.editor, *q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"Nguyễn Văn An", "Nguyễn Thị Ăn"}));
  EXPECT_NE(QueryResultToJson(*r).find("\"fullName\":\"Nguyễn Văn An\""), std::string::npos);

  struct Bad {
    const char* json;
    const char* message;
  };
  for (const Bad& b : {
           Bad{R"({"filter": {"eq": {"field": "salary", "value": "1"}}})", "$.filter.eq.field: \"salary\" is not a field"},
           Bad{R"({"filter": {"and": [{"all": true}, {"eq": {"field": "gender"}, "not": {"all": true}}]}})",
               "$.filter.and[1]: a filter sets exactly one"},
           Bad{R"({"sort": "age"})", "$.sort: \"age\" is not a sort order"},
           Bad{R"({"limit": "ten"})", "$.limit: expected a number"},
           Bad{R"({"filter": {"name": {"text": "an", "match": "soundex"}}})", "$.filter.name.match"},
           Bad{R"({"fields": ["fullName", 3]})", "$.fields[1]: expected a string"},
       }) {
    auto bad = Query::FromJson(b.json);
    ASSERT_FALSE(bad.ok()) << b.json;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find(b.message), std::string::npos) << bad.status().message();
  }
  // Values are checked when the query runs, with the path of the condition.
  Query v;
  v.filter = Filter::Eq(Field::kManagingUnit, "27460") && Filter::Eq(Field::kStatus, "working");
  EXPECT_NE(t_->Find(t_.editor, v).status().message().find("filter.and[1].eq.value: \"working\" is not a status"),
            std::string::npos);
  v.filter = Filter::Range(Field::kBirthDate, "1980-13", "");
  EXPECT_NE(t_->Find(t_.editor, v).status().message().find("filter.range.from: \"1980-13\" is not a date"),
            std::string::npos);
  v.filter = Filter();
  v.limit = 0;
  EXPECT_EQ(t_->Find(t_.editor, v).status().code(), StatusCode::kInvalidArgument);
  v.limit = 10;
  v.cursor = "zz";
  EXPECT_NE(t_->Find(t_.editor, v).status().message().find("cursor:"), std::string::npos);
}

TEST_F(QueryTest, CountsMatchABruteForceCount) {
  CountQuery c;
  c.group_by = {Field::kManagingUnit, Field::kGender, Field::kAgeBand};
  c.reference_date = "2026-01-01";
  auto r = t_->Count(t_.admin, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::vector<std::string>, std::uint64_t> want;
  for (const Person& p : People()) {
    const int age = 2026 - std::stoi(p.birth.substr(0, 4)) - 1 + (p.birth.substr(5) == "01-01" ? 1 : 0);
    const std::string band = age <= 30 ? "<=30" : age <= 40 ? "31-40" : age <= 50 ? "41-50" : age <= 60 ? "51-60" : ">60";
    ++want[{p.unit, p.gender, band}];
  }
  std::map<std::vector<std::string>, std::uint64_t> got;
  for (const auto& row : r->rows) got[row.key] = row.count;
  EXPECT_EQ(got, want);
  EXPECT_EQ(r->total, People().size());

  // Tier 1 counts its own unit only.
  c.group_by = {Field::kStatus};
  r = t_->Count(t_.editor, c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 8u);
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].key, std::vector<std::string>{"dangCongTac"});
  EXPECT_EQ(r->rows[0].count, 7u);

  c.group_by = {Field::kGender, Field::kStatus, Field::kRank, Field::kAgeBand};
  EXPECT_NE(t_->Count(t_.admin, c).status().message().find("group_by: 4 fields; limit 3"), std::string::npos);
}

// Counts are statistics: a group key is the grouped fields' values, and a filter matching one
// person says whether that person is there, so no identifying field may group or filter a count
// (docs/security.md, "Decisions"), whoever asks.
TEST_F(QueryTest, CountsRefuseIdentifyingFieldsWithoutEchoingValues) {
  Session viewer = AccountOrDie(*t_.db, t_.admin, "anlac.xem", "27460", Role::kUnitViewer);
  Session auditor = AccountOrDie(*t_.db, t_.admin, "nv.kiemtra", "777-NV", Role::kDistrictAuditor);
  const std::vector<const Session*> everyone = {&t_.admin, &t_.editor, &viewer, &auditor};
  // Values of the first person (and a national ID of the fixture), none of which may be echoed.
  const std::vector<std::pair<Field, std::string>> identifying = {
      {Field::kNationalId, "079184000001"}, {Field::kSurname, "Nguyễn"}, {Field::kMiddle, "Văn"},
      {Field::kGiven, "An"},                {Field::kFullName, "Nguyễn Văn An"}, {Field::kBirthDate, "1980-01-02"},
  };
  auto before = t_->DigestAudit(t_.admin);
  ASSERT_TRUE(before.ok());
  auto expect_refused = [&](const CountQuery& c, const std::string& want, const std::string& value) {
    for (const Session* s : everyone) {
      auto r = t_->Count(*s, c);
      ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument) << want << ": " << r.status().ToString();
      const std::string m(r.status().message());
      EXPECT_NE(m.find(want), std::string::npos) << m;
      EXPECT_NE(m.find("counts "), std::string::npos) << m;
      EXPECT_EQ(m.find(value), std::string::npos) << "the message echoes a value: " << m;
      EXPECT_EQ(m.find("0791840"), std::string::npos) << m;
    }
  };
  for (const auto& [field, value] : identifying) {
    const std::string name = FieldName(field);
    SCOPED_TRACE(name);
    CountQuery c;
    c.group_by = {field};
    expect_refused(c, "group_by[0]: " + name + " identifies a person; counts group by statistical fields only "
                      "(ageBand instead of birthDate)", value);
    c.group_by = {Field::kManagingUnit, Field::kStatus, field};
    expect_refused(c, "group_by[2]: " + name + " identifies a person", value);

    c.group_by = {Field::kStatus};
    c.filter = Filter::Eq(field, value);
    expect_refused(c, "filter.eq.field: " + name + " identifies a person; counts filter by statistical fields only",
                   value);
    c.filter = Filter::In(field, {value, value + "x"});
    expect_refused(c, "filter.in.field: " + name + " identifies a person", value);
    // Nested anywhere: inside and, or and not.
    c.filter = Filter::Eq(Field::kManagingUnit, "27460") && Filter::Eq(field, value);
    expect_refused(c, "filter.and[1].eq.field: " + name + " identifies a person", value);
    c.filter = Filter::Eq(field, value) || Filter::Eq(Field::kStatus, "nghiHuu");
    expect_refused(c, "filter.or[0].eq.field: " + name + " identifies a person", value);
    c.filter = !Filter::Eq(field, value);
    expect_refused(c, "filter.not.eq.field: " + name + " identifies a person", value);
    c.filter = Filter::Eq(Field::kGender, "nu") && (Filter::Eq(Field::kStatus, "nghiHuu") || !Filter::In(field, {value}));
    expect_refused(c, "filter.and[1].or[1].not.in.field: " + name + " identifies a person", value);
  }
  {
    CountQuery c;
    c.filter = Filter::Range(Field::kBirthDate, "1980-01-02", "1980-01-02");
    expect_refused(c, "filter.range.field: birthDate identifies a person", "1980-01-02");
    // The name search, in every form and nested.
    for (NameMatch match : {NameMatch::kExact, NameMatch::kPrefix, NameMatch::kTokens}) {
      c.filter = Filter::Name("Nguyễn Văn An", match);
      expect_refused(c, "filter.name: a name search (fullName) identifies a person", "Nguy");
      c.filter = Filter::Eq(Field::kManagingUnit, "27460") && !Filter::Name("nguyen van an", match);
      expect_refused(c, "filter.and[1].not.name: a name search (fullName) identifies a person", "nguyen");
    }
    // As the C ABI and the CLI pass it: JSON.
    auto json = CountQuery::FromJson(R"({"groupBy": ["status", "nationalId"]})");
    ASSERT_TRUE(json.ok()) << json.status().ToString();
    expect_refused(*json, "group_by[1]: nationalId identifies a person", "079");
    json = CountQuery::FromJson(R"({"filter": {"eq": {"field": "nationalId", "value": "079184000001"}}})");
    ASSERT_TRUE(json.ok()) << json.status().ToString();
    expect_refused(*json, "filter.eq.field: nationalId identifies a person", "079184000001");
  }
  // Nothing was counted: every count entry in the audit log is a refusal of this rule.
  ASSERT_TRUE(t_->Sync(t_.admin).ok());
  auto entries = t_->ReadAudit(t_.admin, before->sequence + 1, 100000);
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) {
    if (e.target != "count") continue;
    EXPECT_FALSE(e.allowed) << e.actor << " " << e.reason;
    EXPECT_EQ(e.rule, "count-identifying-field") << e.actor << " " << e.reason;
  }
}

// Personal fields (ethnicity, party membership) are counted only by a session whose read of its
// own unit shows them: not by a district auditor, who sees no dossier content. Statistical counts
// work for every role that reports.
TEST_F(QueryTest, CountsByPersonalFieldsFollowTheReadDecision) {
  Session viewer = AccountOrDie(*t_.db, t_.admin, "anlac.xem", "27460", Role::kUnitViewer);
  Session auditor = AccountOrDie(*t_.db, t_.admin, "nv.kiemtra", "777-NV", Role::kDistrictAuditor);
  CountQuery c;
  c.group_by = {Field::kEthnicity};
  for (const auto& [who, total] : {std::pair{&t_.editor, 8u}, std::pair{&viewer, 8u}, std::pair{&t_.admin, 10u}}) {
    auto r = t_->Count(*who, c);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->total, total);
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0].key, std::vector<std::string>{"01"});
  }
  c.group_by = {Field::kStatus};
  c.filter = Filter::Eq(Field::kManagingUnit, "27460") && !Filter::Eq(Field::kPartyMember, "true");
  ASSERT_TRUE(t_->Count(viewer, c).ok());

  auto before = t_->DigestAudit(t_.admin);
  ASSERT_TRUE(before.ok());
  c = CountQuery();
  c.group_by = {Field::kManagingUnit, Field::kEthnicity};
  auto r = t_->Count(auditor, c);
  ASSERT_EQ(r.status().code(), StatusCode::kPermissionDenied) << r.status().ToString();
  EXPECT_NE(r.status().message().find("group_by[1]: ethnicity is personal"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("district auditors see no dossier content"), std::string::npos);
  EXPECT_EQ(r.status().message().find("\"01\""), std::string::npos);
  c.group_by = {Field::kStatus};
  c.filter = Filter::Eq(Field::kGender, "nu") && Filter::Eq(Field::kEthnicity, "01");
  r = t_->Count(auditor, c);
  ASSERT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("filter.and[1].eq.field: ethnicity is personal"), std::string::npos);
  c.filter = !Filter::In(Field::kPartyMember, {"true"});
  r = t_->Count(auditor, c);
  ASSERT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("filter.not.in.field: partyMember is personal"), std::string::npos);

  // Each refusal is audited as a denial, before the call returns, with no value.
  auto entries = t_->ReadAudit(t_.admin, before->sequence + 1, 100);
  ASSERT_TRUE(entries.ok());
  int denials = 0;
  for (const auto& e : *entries) {
    if (e.target != "count") continue;
    EXPECT_EQ(e.actor, "nv.kiemtra");
    EXPECT_EQ(e.action, "read_reports");
    EXPECT_FALSE(e.allowed);
    EXPECT_EQ(e.rule, "count-personal-field");
    EXPECT_NE(e.reason.find(" is personal"), std::string::npos) << e.reason;
    EXPECT_EQ(e.reason.find("01"), std::string::npos) << e.reason;
    ++denials;
  }
  EXPECT_EQ(denials, 3);

  // Statistics still count for every role that could count before.
  c = CountQuery();
  c.group_by = {Field::kStatus, Field::kRankGroup, Field::kAgeBand};
  c.reference_date = "2026-01-01";
  c.filter = Filter::In(Field::kStatus, {"dangCongTac", "nghiHuu"}) &&
             (Filter::Eq(Field::kGender, "nam") || !Filter::Eq(Field::kGender, "nam"));
  for (const auto& [who, total] : {std::pair{&t_.admin, 10u}, std::pair{&auditor, 10u}, std::pair{&t_.editor, 8u},
                                   std::pair{&viewer, 8u}, std::pair{&other_editor_, 2u}}) {
    auto counted = t_->Count(*who, c);
    ASSERT_TRUE(counted.ok()) << counted.status().ToString();
    EXPECT_EQ(counted->total, total);
    std::uint64_t sum = 0;
    for (const auto& row : counted->rows) sum += row.count;
    EXPECT_EQ(sum, total);
  }
  c.group_by = {Field::kGender};
  c.filter = Filter::Range(Field::kRecruitmentDate, "2000", "") || Filter::Eq(Field::kRankGroup, "A1");
  EXPECT_TRUE(t_->Count(auditor, c).ok());
}

std::string ExportAll(Database& db, const Session& s, const Query& q, const ExportOptions& o, Status* status,
                      std::uint64_t* rows) {
  std::string out;
  auto n = db.Export(s, q, o, [&](std::string_view chunk) {
    out.append(chunk);
    return Status::Ok();
  });
  *status = n.status();
  *rows = n.ok() ? *n : 0;
  return out;
}

std::size_t Lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST_F(QueryTest, ExportsAreARightOfTheirOwnAndAudited) {
  Query q;
  q.filter = Filter::Name("a") || Filter::Name("d") || Filter::Name("b");  // everybody
  q.allow_scan = true;
  q.purpose = Purpose::kInspection;
  q.fields = {Field::kFullName, Field::kNationalId};
  ExportOptions csv;
  csv.format = ExportFormat::kCsv;
  Status st;
  std::uint64_t rows = 0;
  std::string out = ExportAll(*t_.db, t_.editor, q, csv, &st, &rows);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows, 8u);  // own unit only
  EXPECT_EQ(out.rfind("\xEF\xBB\xBFid,fullName,nationalId\r\n", 0), 0u);
  EXPECT_NE(out.find("Nguyễn Văn An,079184000001\r\n"), std::string::npos);
  EXPECT_EQ(Lines(out), 9u);

  // A read grant lets the editor find the other unit's dossiers, not export them.
  ASSERT_TRUE(t_->IssueGrant(t_.admin, EditorGrantOn27436(kGrantRead), Ctx()).ok());
  auto found = t_->Find(t_.editor, q);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->rows.size(), 10u);
  ExportAll(*t_.db, t_.editor, q, csv, &st, &rows);
  EXPECT_EQ(rows, 8u);
  // An export grant does; without the personal right the national ID stays out.
  ASSERT_TRUE(t_->IssueGrant(t_.admin, EditorGrantOn27436(kGrantRead | kGrantExport), Ctx()).ok());
  out = ExportAll(*t_.db, t_.editor, q, csv, &st, &rows);
  EXPECT_EQ(rows, 10u);
  EXPECT_NE(out.find("Hoàng Thanh Bình,\r\n"), std::string::npos);

  ExportOptions whole;
  whole.whole_dossiers = true;
  out = ExportAll(*t_.db, t_.editor, q, whole, &st, &rows);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Lines(out), 10u);
  const auto first = out.substr(0, out.find('\n'));
  EXPECT_TRUE(DossierDraft::FromJson(first).ok()) << first.substr(0, 200);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 10);
  EXPECT_EQ(out.find("\"assessment\""), std::string::npos);  // confidential: never through this grant

  // A failing sink stops the export; the attempt is audited either way.
  auto failed = t_->Export(t_.editor, q, csv, [](std::string_view) { return Status::IOError("disk full"); });
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  auto entries = t_->ReadAudit(t_.admin, 1, 10000);
  ASSERT_TRUE(entries.ok());
  int exports = 0;
  bool stopped = false;
  for (const auto& e : *entries) {
    if (e.target != "export") continue;
    ++exports;
    EXPECT_EQ(e.action, "export_dossier");
    stopped |= e.reason.find("stopped: disk full") != std::string::npos;
  }
  EXPECT_EQ(exports, 5);
  EXPECT_TRUE(stopped);
  // District auditors export nothing.
  Session auditor = AccountOrDie(*t_.db, t_.admin, "nv.kiemtra", "777-NV", Role::kDistrictAuditor);
  EXPECT_EQ(t_->Export(auditor, q, csv, [](std::string_view) { return Status::Ok(); }).status().code(),
            StatusCode::kPermissionDenied);
  csv.whole_dossiers = true;
  EXPECT_EQ(t_->Export(t_.editor, q, csv, [](std::string_view) { return Status::Ok(); }).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(QueryTest, MangledJsonQueriesAreRefusedCleanly) {
  // Bytes flipped, cut and repeated in valid queries: each gives a query or InvalidArgument,
  // and every query that parses runs to a result or a clear error, never a crash.
  const std::string seeds[] = {
      R"({"filter": {"and": [{"eq": {"field": "managingUnit", "value": "27460"}}, {"not": {"range": {"field": "birthDate", "from": "1980", "to": "1990"}}}]}, "sort": "name", "limit": 3})",
      R"({"filter": {"or": [{"name": {"text": "Nguyễn", "match": "prefix"}}, {"in": {"field": "status", "values": ["nghiHuu"]}}]}, "fields": ["fullName", "ageBand"], "onDate": "2020-01-01", "allowScan": true})",
  };
  std::mt19937 rng(3);
  int parsed = 0;
  for (int round = 0; round < 400; ++round) {
    std::string j = seeds[round % 2];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % j.size();
      switch (rng() % 4) {
        case 0: j[at] = static_cast<char>(rng() % 256); break;
        case 1: j.erase(at, 1 + rng() % 8); break;
        case 2: j.insert(at, j.substr(at, 1 + rng() % 16)); break;
        default: j.resize(at); break;
      }
      if (j.empty()) j = "{";
    }
    auto q = Query::FromJson(j);
    if (!q.ok()) {
      EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument) << j;
      EXPECT_FALSE(q.status().message().empty());
      continue;
    }
    ++parsed;
    auto r = t_->Find(t_.editor, *q);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << j << " -> " << r.status().ToString();
    }
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace hsdt
