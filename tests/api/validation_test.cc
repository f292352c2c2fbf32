// Promise 5: bad input gets a clear error naming the JSON path or byte, and changes nothing.
#include <gtest/gtest.h>

#include <functional>
#include <ostream>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;
using testing::OpenOrDie;
using testing::TempDir;
using testing::TestData;

struct BadInput {
  const char* name;
  std::function<std::string(const std::string&)> mutate;
  const char* message;  // expected substring of the error
};

// CTest names the cases by this (gtest would print the struct's bytes).
void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  if (at == std::string::npos) std::abort();
  return s.replace(at, from.size(), to);
}

std::vector<BadInput> Cases() {
  return {
      {"UnknownField", [](auto j) { return JsonSet(j, "nickname", "\"Nhung\""); }, "$.nickname: unknown field"},
      {"UnknownNestedField", [](auto j) { return JsonSet(j, "rank.grade", "3"); }, "$.rank.grade: unknown field"},
      {"WrongType", [](auto j) { return JsonSet(j, "name.given", "5"); }, "$.name.given: expected a string, got a number"},
      {"WrongTypeInList", [](auto j) { return JsonSet(j, "salaryHistory.1.step", "\"2\""); }, "$.salaryHistory[1].step: expected a number"},
      {"InvalidUtf8", [](auto j) { return Replace(j, "Xã Tân Tạo", "X\xff\xfe T\xc3"); }, "$.birthPlace: invalid UTF-8 at byte 1"},
      {"ImpossibleDate", [](auto j) { return JsonSet(j, "training.1.effectiveDate", "\"2023-02-30\""); }, "$.training[1].effectiveDate: \"2023-02-30\" is not a date"},
      {"PartialDateWhereFullIsRequired", [](auto j) { return JsonSet(j, "recruitment.date", "\"2008-09\""); }, "$.recruitment.date: \"2008-09\" is not a date; expected YYYY-MM-DD"},
      {"EnumOutOfRange", [](auto j) { return JsonSet(j, "gender", "\"khac\""); }, "$.gender: \"khac\" is not one of nam, nu"},
      {"EnumPlaceholder", [](auto j) { return JsonSet(j, "category", "\"unspecified\""); }, "$.category: \"unspecified\" is not one of"},
      {"MissingRequired", [](auto j) { return JsonSet(j, "birthDate", ""); }, "$.birthDate: missing required field"},
      {"MissingRequiredNested", [](auto j) { return JsonSet(j, "recruitment.decision.number", ""); }, "$.recruitment.decision.number: missing required field"},
      {"TextOverLimit", [](auto j) { return JsonSet(j, "otherNames", "\"" + std::string(513, 'a') + "\""); }, "$.otherNames: text is 513 bytes; limit 512"},
      {"LongTextOverLimit", [](auto j) { return JsonSet(j, "mainDuties", "\"" + std::string(16385, 'a') + "\""); }, "$.mainDuties: text is 16385 bytes; limit 16384"},
      {"ListOverLimit", [](auto j) {
         std::string list = "[";
         for (int i = 0; i < 1001; ++i) list += std::string(i ? "," : "") + "\"x\"";
         return JsonSet(j, "currentPositions", list + "]");
       }, "$.currentPositions: list has 1001 rows; limit 1000"},
      {"NumberOutOfRange", [](auto j) { return JsonSet(j, "health.heightCm", "400"); }, "$.health.heightCm: 400 is out of range"},
      {"FractionForInteger", [](auto j) { return JsonSet(j, "rewards.0.year", "2012.5"); }, "$.rewards[0].year: expected a whole number"},
      {"UnknownRankCode", [](auto j) { return JsonSet(j, "salaryHistory.0.rankCode", "\"99.999\""); }, "$.salaryHistory[0].rankCode: \"99.999\" is not a known code"},
      {"StepAboveRank", [](auto j) { return JsonSet(j, "salaryHistory.0.step", "12"); }, "$.salaryHistory[0].step: 12 is above rank 01.003's 9 steps"},
      {"RankDiffersFromLatestSalary", [](auto j) { return JsonSet(j, "rank.step", "2"); }, "$.rank: differs from the latest salary row $.salaryHistory[2]"},
      {"NationalIdDigits", [](auto j) { return JsonSet(j, "nationalId.number", "\"07918401234\""); }, "$.nationalId.number: expected 9 or 12 digits"},
      {"NullValue", [](auto j) { return JsonSet(j, "phone", "null"); }, "$.phone: null is not allowed"},
      {"DuplicateField", [](auto j) { return Replace(j, "\"phone\": \"0908123456\",", "\"phone\": \"0908123456\", \"phone\": \"1\","); }, "$.phone: duplicate field"},
      {"ControlCharacter", [](auto j) { return JsonSet(j, "hometown", "\"a\\u0007b\""); }, "$.hometown: control character"},
      {"LoneSurrogate", [](auto j) { return Replace(j, "\"Công nhân\"", "\"\\ud800\""); }, "high surrogate without its low half"},
      {"PeriodEndsBeforeItStarts", [](auto j) { return JsonSet(j, "workHistory.0.to", "\"2005-01\""); }, "$.workHistory[0].to: 2005-01 is before from 2006-08"},
      {"RecruitedBeforeBirth", [](auto j) { return JsonSet(j, "recruitment.date", "\"1980-01-01\""); }, "$.recruitment.date: before $.birthDate"},
      {"MalformedJson", [](auto j) { return j.substr(0, j.size() / 2); }, "$: malformed JSON at byte"},
      {"TrailingGarbage", [](auto j) { return j + " }"; }, "$: malformed JSON at byte"},
      {"NotAnObject", [](auto) { return std::string("[1, 2]"); }, "$: expected an object, got an array"},
      // Required text may not be empty (or blank): "" was stored as if the field were given.
      {"EmptyBirthDate", [](auto j) { return JsonSet(j, "birthDate", "\"\""); }, "$.birthDate: empty; expected a value"},
      {"EmptyGivenName", [](auto j) { return JsonSet(j, "name.given", "\"\""); }, "$.name.given: empty; expected a value"},
      {"BlankSurname", [](auto j) { return JsonSet(j, "name.surname", "\"   \""); }, "$.name.surname: empty; expected a value"},
      {"EmptyRecruitmentDate", [](auto j) { return JsonSet(j, "recruitment.date", "\"\""); }, "$.recruitment.date: empty; expected a value"},
      {"EmptyDecisionNumber", [](auto j) { return JsonSet(j, "recruitment.decision.number", "\"\""); }, "$.recruitment.decision.number: empty; expected a value"},
      {"EmptyGeneralEducation", [](auto j) { return JsonSet(j, "education.general", "\"\""); }, "$.education.general: empty; expected a value"},
      {"EmptyFamilyName", [](auto j) { return JsonSet(j, "family.1.fullName", "\"\""); }, "$.family[1].fullName: empty; expected a value"},
      // Control characters in names, TAB and line breaks included (only long texts keep those).
      {"TabBeforeGivenName", [](auto j) { return JsonSet(j, "name.given", "\"\\tNhung\""); }, "$.name.given: control character U+0009 at byte 0"},
      {"LineBreakInSurname", [](auto j) { return JsonSet(j, "name.surname", "\"Nguy\\nễn\""); }, "$.name.surname: control character U+000A at byte 4"},
      {"DeleteInFamilyName", [](auto j) { return Replace(j, "\"Nguyễn Văn Hùng\"", "\"Nguyễn\x7f Văn Hùng\""); }, "$.family[0].fullName: control character U+007F at byte 8"},
      {"C1ControlInName", [](auto j) { return JsonSet(j, "name.middle", "\"Thị\\u0085Hồng\""); }, "$.name.middle: control character U+0085"},
      {"TooLarge", [](auto j) { return JsonSet(j, "mainDuties", "\"" + std::string(2 << 20, 'a') + "\""); }, "$: document is"},
  };
}

class ValidationTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(ValidationTest, IsRejectedWithItsPathAndChangesNothing) {
  const BadInput& c = GetParam();
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string good = TestData("sample-dossier.json");
  auto w = db->Create(db.editor, good, Ctx());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const std::string bad = c.mutate(good);

  auto draft = DossierDraft::FromJson(bad);
  ASSERT_EQ(draft.status().code(), StatusCode::kInvalidArgument) << draft.status().ToString();
  EXPECT_NE(draft.status().message().find(c.message), std::string_view::npos)
      << "message: " << draft.status().message();

  EXPECT_EQ(db->Create(db.editor, bad, Ctx()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Update(db.editor, w->id, 1, bad, Ctx()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Stats(db.admin)->dossiers, 1u);
  EXPECT_EQ(db->Get(db.editor, w->id)->version(), 1u);
  EXPECT_EQ(db->History(db.editor, w->id)->size(), 1u);
  EXPECT_EQ(db->ListIds(db.admin, "", "", 10)->size(), 1u);
  EXPECT_TRUE(db->Check(db.admin)->problems.empty());
}

INSTANTIATE_TEST_SUITE_P(Rules, ValidationTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ValidationTest, ChangeContextMustCiteItsSourceDocument) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ChangeContext c = Ctx();
  c.source.number.clear();
  auto r = db->Create(db.editor, TestData("sample-dossier.json"), c);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("context.source.number"), std::string_view::npos);
  c = Ctx();
  c.source.date = "2024-13-01";
  EXPECT_NE(db->Create(db.editor, TestData("sample-dossier.json"), c).status().message().find("context.source.date"),
            std::string_view::npos);
  EXPECT_EQ(db->Stats(db.admin)->dossiers, 0u);
}

TEST(ValidationTest, UnitsMustBeUnitsOfTheRegistry) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  auto r = db->Create(db.editor, JsonSet(TestData("sample-dossier.json"), "workingUnit", "\"99999\""), Ctx());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("$.workingUnit: \"99999\" is not a unit of the registry"), std::string_view::npos)
      << r.status().ToString();
  EXPECT_EQ(db->Stats(db.admin)->dossiers, 0u);
}

TEST(ValidationTest, IdIsAssignedByTheEngine) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  auto r = db->Create(db.editor, JsonSet(TestData("sample-dossier.json"), "id", "\"HS00000007\""), Ctx());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("$.id"), std::string_view::npos);
}

TEST(ValidationTest, UnicodeEscapesDecodeAndTextIsStoredInNfc) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  // "Nhung" spelt with escapes; the surname in decomposed form (NFD: e + combining marks).
  // (Edited as text: the test helper JsonSet would decode the escapes itself.)
  std::string json = Replace(TestData("sample-dossier.json"), "\"Nhung\"", "\"\\u004Ehung\\ud83d\\ude00\"");
  json = Replace(json, "\"Nguyễn\"", "\"Nguye\xcc\x82\xcc\x83n\"");
  auto w = db->Create(db.editor, json, Ctx());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(db->Get(db.editor, w->id)->full_name(), "Nguyễn Thị Hồng Nhung\xf0\x9f\x98\x80");
}

TEST(ValidationTest, SuspiciousCoefficientIsKeptAndFlagged) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  std::string json = JsonSet(TestData("sample-dossier.json"), "salaryHistory.0.coefficient", "2.40");
  auto w = db->Create(db.editor, json, Ctx());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_EQ(w->warnings.size(), 1u);
  EXPECT_NE(w->warnings[0].find("$.salaryHistory[0].coefficient: 2.40 does not match"), std::string::npos);
  EXPECT_NE(db->Get(db.editor, w->id)->ToJson()->find("2.4"), std::string::npos);
}

TEST(ValidationTest, LongTextsKeepTheirLineBreaksAndTabs) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  auto r = db->Create(db.editor, JsonSet(TestData("sample-dossier.json"), "mainDuties", "\"a\\tb\\r\\nc\""), Ctx());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST(ValidationTest, AccountAndUnitNamesMustBeValidUtf8WithoutControlCharacters) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string password = "mật khẩu tạm thời 2024";
  auto a = db->CreateAccount(db.admin, {"anlac.\xff\xfe", "x", "27460", Role::kUnitViewer, password}, Ctx());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("user_name: invalid UTF-8 at byte 6"), std::string_view::npos)
      << a.status().ToString();
  a = db->CreateAccount(db.admin, {"anlac.\xc3", "x", "27460", Role::kUnitViewer, password}, Ctx());  // truncated
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  a = db->CreateAccount(db.admin, {"anlac.viewer", "Xem\xff", "27460", Role::kUnitViewer, password}, Ctx());
  EXPECT_NE(a.status().message().find("display_name: invalid UTF-8 at byte 3"), std::string_view::npos)
      << a.status().ToString();
  a = db->CreateAccount(db.admin, {"anlac.viewer", "\tXem", "27460", Role::kUnitViewer, password}, Ctx());
  EXPECT_NE(a.status().message().find("display_name: control character at byte 0"), std::string_view::npos)
      << a.status().ToString();
  auto u = db->CreateUnit(db.admin, {"777-X", "Trung t\xe2m", "agency"}, Ctx());
  EXPECT_NE(u.status().message().find("name_vi: invalid UTF-8"), std::string_view::npos) << u.status().ToString();
  auto list = db->ListAccounts(db.admin);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);  // the administrator and the editor: nothing was created
  // A valid name is still accepted, Vietnamese letters included.
  EXPECT_TRUE(db->CreateAccount(db.admin, {"anlac.người.xem", "Người xem", "27460", Role::kUnitViewer, password}, Ctx()).ok());
}

TEST(ValidationTest, ReasonAndSourceNumberMustBeValidUtf8) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  ChangeContext c = Ctx();
  c.reason = "tuy\xe1\xbb";  // a truncated sequence
  auto r = db->Create(db.editor, TestData("sample-dossier.json"), c);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("context.reason: invalid UTF-8 at byte 3"), std::string_view::npos)
      << r.status().ToString();
  c = Ctx();
  c.source.number = "12/Q\xff";
  r = db->Create(db.editor, TestData("sample-dossier.json"), c);
  EXPECT_NE(r.status().message().find("context.source.number: invalid UTF-8"), std::string_view::npos)
      << r.status().ToString();
  EXPECT_EQ(db->Stats(db.admin)->dossiers, 0u);
}

TEST(ValidationTest, QueryLimitMustBeOneToAThousand) {
  for (const char* json : {R"({"limit": 0})", R"({"limit": 1001})", R"({"limit": -1})"}) {
    auto q = Query::FromJson(json);
    ASSERT_FALSE(q.ok()) << json;
    EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(q.status().message().find("$.limit"), std::string_view::npos) << q.status().ToString();
  }
  EXPECT_EQ(Query::FromJson(R"({"limit": 1})")->limit, 1u);
  EXPECT_EQ(Query::FromJson(R"({})")->limit, 100u);
}

}  // namespace
}  // namespace hsdt
