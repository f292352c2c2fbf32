// A read-only view beside the primary (OpenOptions::read_only): it reads what the primary wrote
// once it catches up, refuses every write, and its audit entries reach the primary's chain,
// authenticated, exactly once.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;
using testing::TempDir;

OpenOptions ViewOptions(std::int64_t catch_up_micros = 100000) {
  OpenOptions o = testing::ReopenOptions();
  o.read_only = true;
  o.catch_up_micros = catch_up_micros;
  return o;
}

std::vector<std::filesystem::path> SpoolFiles(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/audit-spool", ec)) out.push_back(e.path());
  return out;
}

std::vector<AuditRecord> EntriesFromViews(Database& db, const Session& admin) {
  auto all = db.ReadAudit(admin, 1, 1000000);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  std::vector<AuditRecord> out;
  if (!all.ok()) return out;
  for (const auto& e : *all) {
    if (e.reason.rfind("(read-only view)", 0) == 0 || e.action == "audit_spool_rejected") out.push_back(e);
  }
  return out;
}

TEST(ReadOnlyTest, AViewReadsWhatThePrimaryWroteOnceItCatchesUp) {
  TempDir dir;
  auto primary = testing::OpenOrDie(dir.path());
  auto w = primary->Create(primary.editor, testing::TestData("sample-dossier.json"), Ctx());
  ASSERT_TRUE(w.ok());

  auto view = Database::Open(dir.path(), testing::TestKey(), ViewOptions());
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  Session reader = testing::LoginOrDie(**view, testing::kEditorUser, testing::kEditorPassword);
  auto d = (*view)->Get(reader, w->id);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->version(), 1u);

  auto current = primary->Get(primary.editor, w->id);
  ASSERT_TRUE(current.ok());
  ASSERT_TRUE(primary->Update(primary.editor, w->id, 1, JsonSet(*current->ToJson(), "phone", "\"0909000111\""), Ctx()).ok());
  ASSERT_TRUE((*view)->CatchUp().ok());
  d = (*view)->Get(reader, w->id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->version(), 2u);  // the cached version 1 was dropped
  auto page = (*view)->Changes(reader, 0, 100);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->entries.empty());
  EXPECT_EQ(page->entries.back().kind, ChangeKind::kUpdate);

  // The registry too: an account made after the view opened can log in to it.
  Session later = testing::AccountOrDie(*primary.db, primary.admin, "anlaca.viewer", "27463", Role::kUnitViewer);
  ASSERT_TRUE((*view)->CatchUp().ok());
  EXPECT_TRUE((*view)->Login("anlaca.viewer", "mật khẩu riêng của anlaca.viewer").ok());

  // With catch_up_micros 0 a view catches up before every call.
  auto eager = Database::Open(dir.path(), testing::TestKey(), ViewOptions(0));
  ASSERT_TRUE(eager.ok()) << eager.status().ToString();
  Session eager_reader = testing::LoginOrDie(**eager, testing::kEditorUser, testing::kEditorPassword);
  ASSERT_TRUE(primary->ChangeStatus(primary.editor, w->id, 2, "nghiHuu", Ctx()).ok());
  auto latest = (*eager)->Get(eager_reader, w->id);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version(), 3u);
  ASSERT_TRUE((*eager)->CatchUp().ok());
  latest = (*eager)->Get(eager_reader, w->id);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version(), 3u) << "after an explicit catch-up";
  EXPECT_EQ(primary->CatchUp().code(), StatusCode::kInvalidArgument);  // the primary has nothing to catch up
}

TEST(ReadOnlyTest, AViewRefusesEveryWriteAndAuditsTheRefusal) {
  TempDir dir;
  auto primary = testing::OpenOrDie(dir.path());
  auto w = primary->Create(primary.editor, testing::TestData("sample-dossier.json"), Ctx());
  ASSERT_TRUE(w.ok());
  auto view = Database::Open(dir.path(), testing::TestKey(), ViewOptions());
  ASSERT_TRUE(view.ok());
  Session editor = testing::LoginOrDie(**view, testing::kEditorUser, testing::kEditorPassword);
  Session admin = testing::LoginOrDie(**view, testing::kAdminUser, testing::kAdminPassword);

  auto created = (*view)->Create(editor, testing::SampleWithNationalId("079100000999"), Ctx());
  EXPECT_EQ(created.status().code(), StatusCode::kIOError);
  EXPECT_NE(created.status().message().find("read-only view"), std::string::npos) << created.status().ToString();
  EXPECT_EQ((*view)->ChangeStatus(editor, w->id, 1, "nghiHuu", Ctx()).status().code(), StatusCode::kIOError);
  EXPECT_EQ((*view)->CreateUnit(admin, {"777-X", "Tổ mới", "agency"}, Ctx()).status().code(), StatusCode::kIOError);
  EXPECT_EQ((*view)->Backup(admin, dir.Sub("backup")).status().code(), StatusCode::kIOError);
  EXPECT_EQ((*view)->Rekey(admin, 0).status().code(), StatusCode::kIOError);
  EXPECT_EQ((*view)->ChangePassword(editor, testing::kEditorPassword, "một mật khẩu mới khá dài 2025").code(),
            StatusCode::kIOError);
  auto stats = (*view)->Stats(admin);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_TRUE(stats->read_only);
  auto check = (*view)->Check(admin);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->problems.empty());
  ASSERT_TRUE((*view)->Close().ok());

  // Nothing was written; the refusals are in the primary's log once it links the spool.
  auto d = primary->Get(primary.editor, w->id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->version(), 1u);
  auto listed = primary->ListIds(primary.admin, "", "", 100);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  int refusals = 0;
  for (const auto& e : EntriesFromViews(*primary.db, primary.admin)) {
    refusals += !e.allowed && e.rule == "read-only-view";
  }
  EXPECT_GE(refusals, 4);  // three writes and the password change
}

TEST(ReadOnlyTest, AViewsEntriesJoinThePrimarysChainOnceAndAuthenticated) {
  TempDir dir;
  auto primary = testing::OpenOrDie(dir.path());
  auto w = primary->Create(primary.editor, testing::TestData("sample-dossier.json"), Ctx());
  ASSERT_TRUE(w.ok());
  {
    auto view = Database::Open(dir.path(), testing::TestKey(), ViewOptions());
    ASSERT_TRUE(view.ok());
    EXPECT_EQ((*view)->Login(testing::kEditorUser, "not the password at all").status().code(),
              StatusCode::kPermissionDenied);
    Session reader = testing::LoginOrDie(**view, testing::kEditorUser, testing::kEditorPassword);
    ASSERT_TRUE((*view)->Get(reader, w->id).ok());
    ASSERT_TRUE((*view)->Close().ok());
  }
  ASSERT_EQ(SpoolFiles(dir.path()).size(), 1u);
  ASSERT_TRUE(primary->Sync(primary.admin).ok());  // links the spool, then removes it
  EXPECT_TRUE(SpoolFiles(dir.path()).empty());
  auto entries = EntriesFromViews(*primary.db, primary.admin);
  bool read = false, refused_login = false;
  for (const auto& e : entries) {
    read |= e.action == "read_dossier" && e.allowed && e.actor == testing::kEditorUser;
    refused_login |= e.action == "login" && !e.allowed;
  }
  EXPECT_TRUE(read);
  EXPECT_TRUE(refused_login);
  ASSERT_TRUE(primary->Sync(primary.admin).ok());
  EXPECT_EQ(EntriesFromViews(*primary.db, primary.admin).size(), entries.size());  // linked once
  auto verified = primary->VerifyAudit(primary.admin, nullptr);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;

  // A changed byte in a spool: the entry is not linked, the rejection is.
  {
    auto view = Database::Open(dir.path(), testing::TestKey(), ViewOptions());
    ASSERT_TRUE(view.ok());
    Session reader = testing::LoginOrDie(**view, testing::kEditorUser, testing::kEditorPassword);
    ASSERT_TRUE((*view)->Get(reader, w->id).ok());
    ASSERT_TRUE((*view)->Close().ok());
  }
  const auto spools = SpoolFiles(dir.path());
  ASSERT_EQ(spools.size(), 1u);
  {
    std::fstream f(spools[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    const auto size = static_cast<std::streamoff>(f.tellg());
    f.seekg(size - 4 - 10);  // inside the last entry's MAC, before the end frame
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x01);
    f.seekp(size - 4 - 10);
    f.write(&c, 1);
  }
  ASSERT_TRUE(primary->Sync(primary.admin).ok());
  bool rejected = false;
  for (const auto& e : EntriesFromViews(*primary.db, primary.admin)) {
    rejected |= e.action == "audit_spool_rejected" && e.reason.find("fails authentication") != std::string::npos;
  }
  EXPECT_TRUE(rejected);
  verified = primary->VerifyAudit(primary.admin, nullptr);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

TEST(ReadOnlyTest, BusySaysHowToReadBesideThePrimary) {
  TempDir dir;
  auto primary = testing::OpenOrDie(dir.path());
  auto second = Database::Open(dir.path(), testing::TestKey(), testing::ReopenOptions());
  ASSERT_EQ(second.status().code(), StatusCode::kBusy);
  EXPECT_NE(second.status().message().find("read_only"), std::string::npos) << second.status().ToString();

  OpenOptions create = ViewOptions();
  create.create_if_missing = true;
  EXPECT_EQ(Database::Open(dir.path(), testing::TestKey(), create).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Database::Open(dir.Sub("none"), testing::TestKey(), ViewOptions()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Database::Open(dir.path(), testing::OtherKey(), ViewOptions()).status().code(), StatusCode::kBadKey);
}

}  // namespace
}  // namespace hsdt
