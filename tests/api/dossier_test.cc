// Round trip, versions, as-of, diff and status changes through the public API.
#include <gtest/gtest.h>

#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <capnp/schema.h>

#include <set>

#include "schema/dossier.capnp.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::OpenOrDie;
using testing::TempDir;
using testing::TestData;

// Every input field comes back with the same value; fields the engine sets (id, recordedAt) are
// the only additions; false and 0 may come back omitted (they are the defaults).
void ExpectSameJson(capnp::JsonValue::Reader in, capnp::JsonValue::Reader out, const std::string& path) {
  if (in.isObject()) {
    ASSERT_TRUE(out.isObject()) << path;
    std::set<std::string> seen;
    for (auto f : in.getObject()) {
      const std::string name = f.getName();
      seen.insert(name);
      bool found = false;
      for (auto g : out.getObject()) {
        if (g.getName() == f.getName()) {
          ExpectSameJson(f.getValue(), g.getValue(), path + "." + name);
          found = true;
        }
      }
      const bool is_default = (f.getValue().isBoolean() && !f.getValue().getBoolean()) ||
                              (f.getValue().isNumber() && f.getValue().getNumber() == 0);
      EXPECT_TRUE(found || is_default) << path << "." << name << " is missing from the output";
    }
    for (auto g : out.getObject()) {
      const std::string name = g.getName();
      EXPECT_TRUE(seen.count(name) || name == "id" || name == "recordedAt")
          << path << "." << name << " appeared in the output";
    }
  } else if (in.isArray()) {
    ASSERT_TRUE(out.isArray()) << path;
    ASSERT_EQ(in.getArray().size(), out.getArray().size()) << path;
    for (unsigned i = 0; i < in.getArray().size(); ++i) {
      ExpectSameJson(in.getArray()[i], out.getArray()[i], path + "[" + std::to_string(i) + "]");
    }
  } else if (in.isString()) {
    ASSERT_TRUE(out.isString()) << path;
    EXPECT_EQ(std::string(in.getString()), std::string(out.getString())) << path;
  } else if (in.isNumber()) {
    ASSERT_TRUE(out.isNumber()) << path;
    EXPECT_DOUBLE_EQ(in.getNumber(), out.getNumber()) << path;
  } else if (in.isBoolean()) {
    ASSERT_TRUE(out.isBoolean()) << path;
    EXPECT_EQ(in.getBoolean(), out.getBoolean()) << path;
  }
}

void ExpectSameJson(const std::string& in, const std::string& out) {
  capnp::JsonCodec codec;
  capnp::MallocMessageBuilder a, b;
  auto ra = a.initRoot<capnp::JsonValue>();
  auto rb = b.initRoot<capnp::JsonValue>();
  codec.decodeRaw(kj::StringPtr(in.c_str()), ra);
  codec.decodeRaw(kj::StringPtr(out.c_str()), rb);
  ExpectSameJson(ra.asReader(), rb.asReader(), "$");
}

// Names every field reachable in `schema` that `value` never sets (engine-set fields aside).
void CollectUncovered(capnp::StructSchema schema, capnp::JsonValue::Reader value,
                      const std::string& path, std::set<std::string>* covered) {
  for (auto f : value.getObject()) {
    const std::string name = f.getName();
    KJ_IF_MAYBE(field, schema.findFieldByName(f.getName())) {
      covered->insert(path + "." + name);
      auto type = field->getType();
      if (type.isStruct()) CollectUncovered(type.asStruct(), f.getValue(), path + "." + name, covered);
      if (type.isList() && type.asList().getElementType().isStruct()) {
        for (auto row : f.getValue().getArray()) {
          CollectUncovered(type.asList().getElementType().asStruct(), row, path + "." + name, covered);
        }
      }
    }
  }
}

void AllFields(capnp::StructSchema schema, const std::string& path, std::set<std::string>* all) {
  for (auto f : schema.getFields()) {
    const std::string name = f.getProto().getName().cStr();
    if (name == "id" || name == "recordedAt") continue;
    all->insert(path + "." + name);
    auto type = f.getType();
    if (type.isStruct()) AllFields(type.asStruct(), path + "." + name, all);
    if (type.isList() && type.asList().getElementType().isStruct()) {
      AllFields(type.asList().getElementType().asStruct(), path + "." + name, all);
    }
  }
}

TEST(DossierRoundTripTest, FullFixtureSetsEveryFieldOfTheSchema) {
  const std::string json = TestData("full-dossier.json");
  capnp::JsonCodec codec;
  capnp::MallocMessageBuilder m;
  auto root = m.initRoot<capnp::JsonValue>();
  codec.decodeRaw(kj::StringPtr(json.c_str()), root);
  std::set<std::string> covered, all;
  CollectUncovered(capnp::Schema::from<schema::Dossier>(), root.asReader(), "$", &covered);
  AllFields(capnp::Schema::from<schema::Dossier>(), "$", &all);
  for (const auto& f : all) EXPECT_TRUE(covered.count(f)) << f << " is not in full-dossier.json";
}

TEST(DossierRoundTripTest, EveryFieldComesBackAsWritten) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string json = TestData("full-dossier.json");
  auto w = db->Create(db.editor, json, Ctx());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->version, 1u);
  auto d = db->Get(db.editor, w->id);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto out = d->ToJson();
  ASSERT_TRUE(out.ok());
  ExpectSameJson(json, *out);
  EXPECT_EQ(d->id(), w->id);
  EXPECT_EQ(d->full_name(), "Trần Văn Đức");
  EXPECT_EQ(d->status(), "dangCongTac");
  EXPECT_EQ(d->managing_unit(), "27460");
  EXPECT_EQ(d->working_unit(), "777-TP");
  EXPECT_EQ(d->birth_date(), "1979-11-02");
}

TEST(DossierRoundTripTest, SampleComesBackAfterReopen) {
  TempDir dir;
  const std::string json = TestData("sample-dossier.json");
  std::string id;
  {
    auto db = OpenOrDie(dir.path());
    auto w = db->Create(db.editor, json, Ctx());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    id = w->id;
    ASSERT_TRUE(db->Close().ok());
  }
  auto db = OpenOrDie(dir.path(), testing::ReopenOptions());
  auto d = db->Get(db.editor, id);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ExpectSameJson(json, d->ToJson().value());
}

TEST(DossierRoundTripTest, EngineSetsIdAndRecordedAtOnEveryEventRow) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  auto w = db->Create(db.editor, TestData("sample-dossier.json"), Ctx());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const std::string out = db->Get(db.editor, w->id)->ToJson().value();
  EXPECT_NE(out.find("\"id\":\"" + w->id + "\""), std::string::npos);
  // 2 training + 2 work periods + 3 salary + 1 reward + 1 evaluation + 3 family + 1 supplement.
  std::size_t rows = 0;
  for (std::size_t at = out.find("\"recordedAt\""); at != std::string::npos;
       at = out.find("\"recordedAt\"", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 13u);
}

TEST(DossierVersionsTest, UpdatesMakeVersionsAndEveryVersionStaysReadable) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string v1 = TestData("sample-dossier.json");
  auto w1 = db->Create(db.editor, v1, Ctx("alice"));
  ASSERT_TRUE(w1.ok()) << w1.status().ToString();
  const std::string v2 = testing::JsonSet(v1, "phone", "\"0909000111\"");
  auto w2 = db->Update(db.editor, w1->id, 1, v2, Ctx("bob"));
  ASSERT_TRUE(w2.ok()) << w2.status().ToString();
  EXPECT_EQ(w2->version, 2u);
  auto s3 = db->ChangeStatus(db.editor, w1->id, 2, "nghiHuu", Ctx("carol"));
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  EXPECT_EQ(s3->version, 3u);

  EXPECT_EQ(db->Get(db.editor, w1->id)->status(), "nghiHuu");
  EXPECT_EQ(db->Get(db.editor, w1->id)->version(), 3u);
  auto old = db->GetVersion(db.editor, w1->id, 1);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_NE(old->ToJson()->find("0908123456"), std::string::npos);
  EXPECT_EQ(db->GetVersion(db.editor, w1->id, 2)->status(), "dangCongTac");
  EXPECT_EQ(db->GetVersion(db.editor, w1->id, 4).status().code(), StatusCode::kNotFound);

  auto history = db->History(db.editor, w1->id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].kind, ChangeKind::kCreate);
  EXPECT_EQ((*history)[0].actor, testing::kEditorUser);
  EXPECT_EQ((*history)[1].kind, ChangeKind::kUpdate);
  EXPECT_EQ((*history)[1].actor, testing::kEditorUser);
  EXPECT_EQ((*history)[2].kind, ChangeKind::kStatusChange);
  EXPECT_EQ((*history)[2].status, "nghiHuu");
  EXPECT_EQ((*history)[2].source.number, "1/QĐ-UBND");
  EXPECT_EQ((*history)[2].source.date, "2024-01-15");
  EXPECT_LE((*history)[0].recorded_at_micros, (*history)[1].recorded_at_micros);
  EXPECT_LE((*history)[1].recorded_at_micros, (*history)[2].recorded_at_micros);
}

TEST(DossierVersionsTest, AsOfReturnsTheVersionInForceAtATransactionTime) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string v1 = TestData("sample-dossier.json");
  auto w1 = db->Create(db.editor, v1, Ctx());
  ASSERT_TRUE(w1.ok());
  auto w2 = db->Update(db.editor, w1->id, 1, testing::JsonSet(v1, "phone", "\"0909000111\""), Ctx());
  ASSERT_TRUE(w2.ok());
  auto w3 = db->Update(db.editor, w1->id, 2, testing::JsonSet(v1, "phone", "\"0909000222\""), Ctx());
  ASSERT_TRUE(w3.ok());

  EXPECT_EQ(db->GetAsOf(db.editor, w1->id, w1->recorded_at_micros)->version(), 1u);
  EXPECT_EQ(db->GetAsOf(db.editor, w1->id, w2->recorded_at_micros)->version(), 2u);
  EXPECT_EQ(db->GetAsOf(db.editor, w1->id, w3->recorded_at_micros + 1000000)->version(), 3u);
  EXPECT_EQ(db->GetAsOf(db.editor, w1->id, w1->recorded_at_micros - 1).status().code(), StatusCode::kNotFound);
}

TEST(DossierVersionsTest, DiffNamesChangedPathsInDocumentOrder) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string v1 = TestData("sample-dossier.json");
  auto w1 = db->Create(db.editor, v1, Ctx());
  ASSERT_TRUE(w1.ok());
  std::string v2 = testing::JsonSet(v1, "phone", "\"0909000111\"");
  v2 = testing::JsonSet(v2, "name.middle", "\"Thị Hồng Anh\"");
  v2 = testing::JsonSet(v2, "rewards.0.level", "\"thành phố\"");
  v2 = testing::JsonSet(v2, "annualSupplements",
                        R"([{"year":2012,"declaredOn":"2013-01-10","changes":"Hoàn thành trung cấp lý luận chính trị.","signed":true,"effectiveDate":"2013-01-10"},
                            {"year":2013,"declaredOn":"2014-01-08","signed":true,"effectiveDate":"2014-01-08"}])");
  auto w2 = db->Update(db.editor, w1->id, 1, v2, Ctx());
  ASSERT_TRUE(w2.ok()) << w2.status().ToString();
  auto diff = db->Diff(db.editor, w1->id, 1, 2);
  ASSERT_TRUE(diff.ok());
  const std::vector<std::string> expected = {"$.name.middle", "$.phone", "$.rewards[0].level",
                                             "$.annualSupplements[1]"};
  EXPECT_EQ(*diff, expected);
  EXPECT_TRUE(db->Diff(db.editor, w1->id, 2, 2)->empty());
}

TEST(DossierVersionsTest, UnchangedRowsKeepTheirRecordedAt) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string v1 = TestData("sample-dossier.json");
  auto w1 = db->Create(db.editor, v1, Ctx());
  ASSERT_TRUE(w1.ok());
  auto w2 = db->Update(db.editor, w1->id, 1, testing::JsonSet(v1, "rewards.0.level", "\"phường\""), Ctx());
  ASSERT_TRUE(w2.ok());
  capnp::JsonCodec codec;
  auto recorded = [&](std::uint32_t v, const char* list, unsigned row) {
    const std::string json = db->GetVersion(db.editor, w1->id, v)->ToJson().value();
    capnp::MallocMessageBuilder m;
    auto root = m.initRoot<capnp::JsonValue>();
    codec.decodeRaw(kj::StringPtr(json.c_str()), root);
    for (auto f : root.getObject()) {
      if (f.getName() != list) continue;
      for (auto g : f.getValue().getArray()[row].getObject()) {
        if (g.getName() == "recordedAt") return std::string(g.getValue().getString().cStr());
      }
    }
    return std::string();
  };
  EXPECT_FALSE(recorded(1, "training", 0).empty());
  EXPECT_EQ(recorded(1, "training", 0), recorded(2, "training", 0));
  EXPECT_NE(recorded(1, "rewards", 0), recorded(2, "rewards", 0));
}

TEST(DossierVersionsTest, StaleVersionFailsWithConflictAndWritesNothing) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string v1 = TestData("sample-dossier.json");
  auto w1 = db->Create(db.editor, v1, Ctx());
  ASSERT_TRUE(w1.ok());
  ASSERT_TRUE(db->Update(db.editor, w1->id, 1, testing::JsonSet(v1, "phone", "\"0909000111\""), Ctx()).ok());
  auto stale = db->Update(db.editor, w1->id, 1, testing::JsonSet(v1, "phone", "\"0909000999\""), Ctx());
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict);
  auto stale_status = db->ChangeStatus(db.editor, w1->id, 1, "thoiViec", Ctx());
  EXPECT_EQ(stale_status.status().code(), StatusCode::kConflict);
  EXPECT_EQ(db->Get(db.editor, w1->id)->version(), 2u);
  EXPECT_EQ(db->History(db.editor, w1->id)->size(), 2u);
  EXPECT_EQ(db->Get(db.editor, w1->id)->ToJson()->find("0909000999"), std::string::npos);
}

TEST(DossierVersionsTest, StatusAndManagingUnitDoNotChangeThroughUpdate) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string v1 = TestData("sample-dossier.json");
  auto w1 = db->Create(db.editor, v1, Ctx());
  ASSERT_TRUE(w1.ok());
  auto s = db->Update(db.editor, w1->id, 1, testing::JsonSet(v1, "status", "\"nghiHuu\""), Ctx());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("$.status"), std::string_view::npos);
  auto m = db->Update(db.editor, w1->id, 1, testing::JsonSet(v1, "managingUnit", "\"27463\""), Ctx());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("$.managingUnit"), std::string_view::npos);
  // A transfer changes the working unit only, through an ordinary update.
  EXPECT_TRUE(db->Update(db.editor, w1->id, 1, testing::JsonSet(v1, "workingUnit", "\"27463\""), Ctx()).ok());
  EXPECT_EQ(db->History(db.editor, w1->id)->size(), 2u);
}

TEST(DossierVersionsTest, UnknownOrSameStatusIsRejected) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  auto w1 = db->Create(db.editor, TestData("sample-dossier.json"), Ctx());
  ASSERT_TRUE(w1.ok());
  EXPECT_EQ(db->ChangeStatus(db.editor, w1->id, 1, "vanish", Ctx()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->ChangeStatus(db.editor, w1->id, 1, "dangCongTac", Ctx()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->ChangeStatus(db.editor, w1->id, 1, "unspecified", Ctx()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->History(db.editor, w1->id)->size(), 1u);
}

TEST(DossierVersionsTest, NationalIdIsUnique) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  const std::string json = TestData("sample-dossier.json");
  ASSERT_TRUE(db->Create(db.editor, json, Ctx()).ok());
  auto dup = db->Create(db.editor, json, Ctx());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("$.nationalId.number"), std::string_view::npos);
  EXPECT_EQ(db->Stats(db.admin)->dossiers, 1u);
}

TEST(DossierVersionsTest, ReadsOfUnknownIdsAreNotFoundOrInvalid) {
  TempDir dir;
  auto db = OpenOrDie(dir.path());
  EXPECT_EQ(db->Get(db.editor, "HS00000001").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db->Get(db.editor, "nope").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->History(db.editor, "HS00000009").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(db->Update(db.editor, "HS00000001", 1, TestData("sample-dossier.json"), Ctx()).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace hsdt
