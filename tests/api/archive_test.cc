// The open archive (docs/archive.md): a database exported and imported into a new one keeps every
// id, version, time, actor, source, registry version, attachment and audit entry; exported again
// it gives the same files (the audit log longer by what the import and the second export added);
// a changed byte is refused, naming the file, and leaves nothing behind.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <hsdt/version.h>

#include "base/impl_access.h"
#include "db/database_impl.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

namespace fs = std::filesystem;
using testing::AccountOrDie;
using testing::Ctx;
using testing::TempDir;

constexpr std::int64_t kDay = std::int64_t{86400} * 1000000;

std::string Describe(const VersionInfo& v) {
  std::ostringstream o;
  o << v.version << "|" << v.recorded_at_micros << "|" << static_cast<int>(v.kind) << "|" << v.status << "|"
    << v.actor << "|" << v.reason << "|" << v.source.number << "|" << v.source.date;
  return o.str();
}

std::string Describe(const AttachmentInfo& a) {
  std::ostringstream o;
  o << a.id << "|" << a.version << "/" << a.versions << "|" << a.dossier_id << "|" << a.dossier_version << "|"
    << a.event << "|" << static_cast<int>(a.kind) << "|" << a.title << "|" << a.source.number << "|"
    << a.source.date << "|" << a.pages << "|" << a.media_type << "|" << a.size << "|" << a.sha256_hex << "|"
    << a.recorded_at_micros << "|" << a.actor;
  return o.str();
}

std::string Describe(const AuditRecord& e) {
  std::ostringstream o;
  o << e.sequence << "|" << e.recorded_at_micros << "|" << e.actor << "|" << e.action << "|" << e.target << "|"
    << e.allowed << "|" << e.purpose << "|" << e.reason << "|" << e.rule;
  return o.str();
}

// Everything a district administrator can see of a database through the API, one item per
// line: every version of every dossier (its change record and its JSON), every attachment
// version and its bytes' digest, the registry's latest records.
std::vector<std::string> Image(Database& db, const Session& admin) {
  std::vector<std::string> out;
  auto ids = db.ListIds(admin, "", "", 100000);
  EXPECT_TRUE(ids.ok()) << ids.status().ToString();
  for (const auto& id : *ids) {
    auto history = db.History(admin, id, Purpose::kInspection);
    EXPECT_TRUE(history.ok());
    for (const auto& v : *history) {
      auto d = db.GetVersion(admin, id, v.version, Purpose::kInspection);
      EXPECT_TRUE(d.ok()) << d.status().ToString();
      out.push_back(id + " " + Describe(v) + " " + *d->ToJson());
    }
    auto attachments = db.ListAttachments(admin, id, Purpose::kInspection);
    EXPECT_TRUE(attachments.ok()) << attachments.status().ToString();
    for (const auto& a : *attachments) {
      auto versions = db.AttachmentHistory(admin, a.id, Purpose::kInspection);
      EXPECT_TRUE(versions.ok());
      for (const auto& v : *versions) out.push_back(Describe(v));
    }
  }
  auto accounts = db.ListAccounts(admin);
  EXPECT_TRUE(accounts.ok());
  for (const auto& a : *accounts) {
    out.push_back("account " + a.user_name + "|" + a.display_name + "|" + a.unit + "|" + RoleName(a.role) + "|" +
                  AccountStateName(a.state) + "|" + std::to_string(a.version) + "|" +
                  std::to_string(a.changed_at_micros) + "|" + a.changed_by);
  }
  auto units = db.ListUnits(admin);
  EXPECT_TRUE(units.ok());
  for (const auto& u : *units) {
    out.push_back("unit " + u.code + "|" + u.name_vi + "|" + u.kind + "|" + std::to_string(u.version) + "|" +
                  std::to_string(u.active));
  }
  auto grants = db.ListGrants(admin);
  EXPECT_TRUE(grants.ok());
  for (const auto& g : *grants) {
    out.push_back("grant " + g.id + "|" + g.spec.grantee_user + "|" + std::to_string(g.spec.rights) + "|" +
                  std::to_string(g.spec.valid_from_micros) + "|" + std::to_string(g.spec.valid_until_micros) + "|" +
                  g.issued_by + "|" + std::to_string(g.revoked) + "|" + std::to_string(g.version));
  }
  auto handovers = db.ListHandOvers(admin);
  EXPECT_TRUE(handovers.ok());
  for (const auto& h : *handovers) {
    out.push_back("handover " + h.id + "|" + h.dossier_id + "|" + h.from_unit + "|" + h.to_unit + "|" +
                  std::to_string(static_cast<int>(h.state)));
  }
  return out;
}

std::string Scan(std::size_t size, unsigned seed) {
  std::string s = "%PDF-1.7\n";
  std::uint32_t x = seed * 2654435761u + 7;
  while (s.size() < size) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s.push_back(static_cast<char>('a' + x % 26));
  }
  return s;
}

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override { Populate(); }

  // A small district with history: versions, a status change, a hand-over, a grant, accounts
  // changed, a unit added, attachments (one superseded, one scan twice), reads and refusals.
  void Populate() {
    auto& db = *t_.db;
    const std::string sample = testing::TestData("sample-dossier.json");
    auto a = db.Create(t_.editor, sample, Ctx("tạo hồ sơ"));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    a_ = a->id;
    ASSERT_TRUE(db.Update(t_.editor, a_, 1, testing::JsonSet(sample, "phone", "\"0908123457\""), Ctx("sửa số điện thoại")).ok());
    for (int i = 0; i < 5; ++i) {
      auto c = db.Create(t_.editor, testing::SampleWithNationalId("07918400010" + std::to_string(i)), Ctx("nhập"));
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      others_.push_back(c->id);
    }
    ASSERT_TRUE(db.ChangeStatus(t_.editor, others_[0], 1, "nghiHuu", Ctx("nghỉ hưu")).ok());
    Session other = AccountOrDie(db, t_.admin, "binhhunghoa.editor", "27436", Role::kUnitEditor);
    Session viewer = AccountOrDie(db, t_.admin, "anlac.xem", "27460", Role::kUnitViewer);
    ASSERT_TRUE(db.SetAccountState(t_.admin, "anlac.xem", AccountState::kRestricted, Ctx("tạm khóa")).ok());
    ASSERT_TRUE(db.CreateUnit(t_.admin, UnitSpec{"27460-B", "Tổ dân phố mới", "ward"}, Ctx("lập tổ")).ok());
    auto request = db.RequestHandOver(other, others_[1], {"25/CV-UBND", "2024-03-01"}, "điều động công tác");
    ASSERT_TRUE(request.ok()) << request.status().ToString();
    ASSERT_TRUE(db.DecideHandOver(t_.editor, request->id, true, Ctx("đồng ý")).ok());
    GrantSpec g;
    g.grantee_user = "binhhunghoa.editor";
    g.dossiers = {a_};
    g.rights = kGrantRead | kGrantReadPersonal;
    g.purposes = {Purpose::kAppointment};
    g.legal_basis = {"58/CV-UBND", "2024-02-01"};
    g.signer = "Chủ tịch UBND quận Bình Tân";
    g.valid_from_micros = 1700000000000000;
    g.valid_until_micros = g.valid_from_micros + 30 * kDay;
    auto grant = db.IssueGrant(t_.admin, g, Ctx("cấp quyền"));
    ASSERT_TRUE(grant.ok()) << grant.status().ToString();
    g.valid_until_micros = std::numeric_limits<std::int64_t>::max();  // no end
    ASSERT_TRUE(db.IssueGrant(t_.admin, g, Ctx("cấp quyền")).ok());
    ASSERT_TRUE(db.RevokeGrant(t_.admin, grant->id, Ctx("thu hồi")).ok());
    scan_ = Scan(300000, 1);
    attached_ = Attach(a_, scan_, "");
    Attach(a_, Scan(5000, 2), attached_);    // supersedes: version 2
    Attach(others_[2], scan_, "");            // the same scan again
    EXPECT_EQ(db.Get(viewer, others_[3]).status().code(), StatusCode::kOk);
    EXPECT_EQ(db.Get(other, a_).status().code(), StatusCode::kPermissionDenied);
  }

  std::string Attach(const std::string& dossier, const std::string& bytes, const std::string& supersedes) {
    AttachmentSpec spec;
    spec.dossier_id = dossier;
    spec.kind = AttachmentKind::kDecision;
    spec.title = "Quyết định nâng lương";
    spec.source = {"12/QĐ-UBND", "2024-07-01"};
    spec.supersedes = supersedes;
    auto w = t_->BeginAttachment(t_.editor, spec, Ctx("bản quét"));
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_TRUE((*w)->Append(bytes).ok());
    auto info = (*w)->Finish();
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info.ok() ? info->id : "";
  }

  OpenOptions ImportOptions() const {
    OpenOptions o = testing::CreateOptions();  // first_admin: the archive's nv.admin
    return o;
  }

  std::vector<AuditRecord> Audit(Database& db, const Session& admin) {
    auto log = db.ReadAudit(admin, 1, 1000000);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return *log;
  }

  TempDir dir_;
  testing::TestDb t_ = testing::OpenOrDie(dir_.Sub("db"));
  std::string a_, attached_, scan_;
  std::vector<std::string> others_;
};

TEST_F(ArchiveTest, RoundTripsEveryVersionTimeActorSourceRegistryVersionAndAuditEntry) {
  std::vector<std::string> progress;
  auto exported = t_->ExportArchive(t_.admin, dir_.Sub("a"), [&](const ArchiveProgress& p) {
    if (progress.empty() || progress.back() != p.stage) progress.emplace_back(p.stage);
  });
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_EQ(exported->dossiers, 6u);
  EXPECT_EQ(exported->dossier_versions, 9u);  // 6 created; an update, a status change, a hand-over
  EXPECT_EQ(exported->attachment_versions, 3u);
  EXPECT_EQ(exported->attachment_files, 2u);
  EXPECT_EQ(exported->manifest_sha256_hex.size(), 64u);
  EXPECT_NE(std::find(progress.begin(), progress.end(), "dossiers"), progress.end());
  EXPECT_NE(std::find(progress.begin(), progress.end(), "audit"), progress.end());
  // Plaintext, owner-only; no password hash anywhere.
  for (const auto& e : fs::recursive_directory_iterator(dir_.Sub("a"))) {
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, e.is_directory() ? 0700u : 0600u) << e.path();
    if (e.is_regular_file()) {
      EXPECT_EQ(testing::ReadFile(e.path()).find("$argon2"), std::string::npos) << e.path();
    }
  }
  const std::string manifest = testing::ReadFile(dir_.Sub("a/manifest.json"));
  EXPECT_NE(manifest.find("\"format\": \"hsdt-archive\""), std::string::npos) << manifest;
  EXPECT_NE(manifest.find(std::string("\"software\": \"hsdt ") + VersionString() + "\""), std::string::npos);
  EXPECT_EQ(std::string(VersionString()),
            std::to_string(kVersionMajor) + "." + std::to_string(kVersionMinor) + "." + std::to_string(kVersionPatch));

  const std::vector<std::string> before = Image(*t_.db, t_.admin);
  const std::vector<AuditRecord> log_before = Audit(*t_.db, t_.admin);
  ASSERT_TRUE(t_->Close().ok());

  auto imported = Database::ImportArchive(dir_.Sub("a"), dir_.Sub("imported"), testing::OtherKey(), ImportOptions());
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->dossier_versions, exported->dossier_versions);
  EXPECT_EQ(imported->audit_entries, exported->audit_entries);

  auto db = Database::Open(dir_.Sub("imported"), testing::OtherKey(), testing::ReopenOptions());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto admin = (*db)->Login(testing::kAdminUser, testing::kAdminPassword);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  const std::vector<std::string> after = Image(**db, *admin);
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_EQ(before[i], after[i]);

  // The audit log: every entry as it was, then the import's own.
  const std::vector<AuditRecord> log_after = Audit(**db, *admin);
  ASSERT_GT(log_after.size(), exported->audit_entries);
  for (std::size_t i = 0; i < exported->audit_entries; ++i) EXPECT_EQ(Describe(log_before[i]), Describe(log_after[i]));
  const AuditRecord& import_entry = log_after[exported->audit_entries];
  EXPECT_EQ(import_entry.action, "import_archive");
  EXPECT_EQ(import_entry.actor, testing::kAdminUser);
  EXPECT_NE(import_entry.reason.find(exported->audit_chain_hex), std::string::npos) << import_entry.reason;
  auto verified = (*db)->VerifyAudit(*admin, nullptr);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok);
  auto check = (*db)->Check(*admin);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->problems.empty()) << check->problems[0];
  auto index = (*db)->VerifyIndexes(*admin, false);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->missing + index->stray + index->wrong, 0u);

  // Others have no password until an administrator resets it; the scans read back.
  EXPECT_EQ((*db)->Login(testing::kEditorUser, testing::kEditorPassword).status().code(), StatusCode::kPermissionDenied);
  auto reader = (*db)->OpenAttachment(*admin, attached_, 1, Purpose::kInspection);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::string back(scan_.size() + 10, '\0');
  std::size_t got = 0;
  for (;;) {
    auto n = (*reader)->Read(back.data() + got, back.size() - got);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    got += *n;
  }
  back.resize(got);
  EXPECT_TRUE(back == scan_);
  reader->reset();

  // Exported again: the same files, the audit log longer only by what came after.
  auto again = (*db)->ExportArchive(*admin, dir_.Sub("b"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (const char* name : {"units.jsonl", "accounts.jsonl", "grants.jsonl", "handovers.jsonl", "dossiers.jsonl",
                           "attachments.jsonl"}) {
    EXPECT_TRUE(testing::ReadFile(dir_.Sub(std::string("a/") + name)) == testing::ReadFile(dir_.Sub(std::string("b/") + name)))
        << name;
  }
  const std::string audit_a = testing::ReadFile(dir_.Sub("a/audit.jsonl"));
  const std::string audit_b = testing::ReadFile(dir_.Sub("b/audit.jsonl"));
  EXPECT_TRUE(audit_b.compare(0, audit_a.size(), audit_a) == 0);
  EXPECT_GT(audit_b.size(), audit_a.size());
  std::set<std::string> scans_a, scans_b;
  for (const auto& e : fs::directory_iterator(dir_.Sub("a/attachments"))) scans_a.insert(e.path().filename());
  for (const auto& e : fs::directory_iterator(dir_.Sub("b/attachments"))) scans_b.insert(e.path().filename());
  EXPECT_EQ(scans_a, scans_b);
  EXPECT_EQ(scans_a.size(), 2u);
  EXPECT_TRUE((*db)->Close().ok());
}

class ArchiveDamageTest : public ArchiveTest {
 protected:
  void SetUp() override {
    ArchiveTest::SetUp();
    auto exported = t_->ExportArchive(t_.admin, dir_.Sub("a"));
    ASSERT_TRUE(exported.ok()) << exported.status().ToString();
    ASSERT_TRUE(t_->Close().ok());
  }

  // Imports, expecting `code` with `names` in the message, and no database left behind.
  void ExpectRefused(StatusCode code, const std::string& names, OpenOptions o = testing::CreateOptions()) {
    auto r = Database::ImportArchive(dir_.Sub("a"), dir_.Sub("new"), testing::OtherKey(), o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(names), std::string::npos) << r.status().ToString();
    EXPECT_FALSE(fs::exists(dir_.Sub("new"))) << "a refused import left " << dir_.Sub("new");
  }

  void Flip(const std::string& file, std::size_t at) {
    std::string bytes = testing::ReadFile(dir_.Sub("a/" + file));
    ASSERT_LT(at, bytes.size());
    bytes[at] = bytes[at] == 'x' ? 'y' : 'x';
    std::ofstream(dir_.Sub("a/" + file), std::ios::binary | std::ios::trunc) << bytes;
  }
};

TEST_F(ArchiveDamageTest, AChangedByteInAnyListedFileIsRefusedNamingIt) {
  for (const char* name : {"dossiers.jsonl", "accounts.jsonl", "audit.jsonl", "attachments.jsonl"}) {
    SCOPED_TRACE(name);
    const std::string kept = testing::ReadFile(dir_.Sub(std::string("a/") + name));
    Flip(name, kept.size() / 2);
    ExpectRefused(StatusCode::kCorruption, name);
    std::ofstream(dir_.Sub(std::string("a/") + name), std::ios::binary | std::ios::trunc) << kept;
  }
  EXPECT_TRUE(Database::ImportArchive(dir_.Sub("a"), dir_.Sub("new"), testing::OtherKey(), testing::CreateOptions()).ok());
}

TEST_F(ArchiveDamageTest, AChangedScanIsRefusedNamingIt) {
  std::string scan;
  for (const auto& e : fs::directory_iterator(dir_.Sub("a/attachments"))) scan = "attachments/" + e.path().filename().string();
  Flip(scan, 100);
  ExpectRefused(StatusCode::kCorruption, scan);
}

TEST_F(ArchiveDamageTest, AMissingFileIsRefusedNamingIt) {
  fs::remove(dir_.Sub("a/grants.jsonl"));
  ExpectRefused(StatusCode::kNotFound, "grants.jsonl");
}

TEST_F(ArchiveDamageTest, ADeviceOrAPipeInPlaceOfAFileIsRefusedNotWaitedFor) {
  fs::remove(dir_.Sub("a/grants.jsonl"));
  fs::create_symlink("/dev/zero", dir_.Sub("a/grants.jsonl"));
  ExpectRefused(StatusCode::kInvalidArgument, "grants.jsonl");
  fs::remove(dir_.Sub("a/grants.jsonl"));
  ASSERT_EQ(::mkfifo(dir_.Sub("a/grants.jsonl").c_str(), 0600), 0);
  ExpectRefused(StatusCode::kInvalidArgument, "grants.jsonl");
}

TEST_F(ArchiveDamageTest, ADatabaseWhoseImportWasCutOffDoesNotOpen) {
  ASSERT_TRUE(Database::ImportArchive(dir_.Sub("a"), dir_.Sub("new"), testing::OtherKey(), testing::CreateOptions()).ok());
  {  // as a process killed before the import's last write would leave it
    auto db = Database::Open(dir_.Sub("new"), testing::OtherKey(), testing::ReopenOptions());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto& store = internal::ImplAccess::Of(**db).store();
    ASSERT_TRUE(store.raw_db()->Put({}, store.raw_cf(storage::kMetaCf), "import-incomplete", "1").ok());
    ASSERT_TRUE((*db)->Close().ok());
  }
  auto db = Database::Open(dir_.Sub("new"), testing::OtherKey(), testing::ReopenOptions());
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption) << db.status().ToString();
  EXPECT_NE(db.status().message().find("import"), std::string::npos);
}

TEST_F(ArchiveDamageTest, TheFirstAdministratorMustBeOneOfTheArchive) {
  OpenOptions o = testing::CreateOptions();
  o.first_admin.user_name = "nobody.here";
  ExpectRefused(StatusCode::kInvalidArgument, "first_admin", o);
  o.first_admin.user_name = "anlac.editor";  // an editor, not an administrator
  ExpectRefused(StatusCode::kInvalidArgument, "first_admin", o);
}

TEST_F(ArchiveDamageTest, AnExistingDatabaseIsNeverImportedInto) {
  auto r = Database::ImportArchive(dir_.Sub("a"), dir_.Sub("db"), testing::TestKey(), testing::CreateOptions());
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists) << r.status().ToString();
  auto db = Database::Open(dir_.Sub("db"), testing::TestKey(), testing::ReopenOptions());
  EXPECT_TRUE(db.ok()) << db.status().ToString();  // and it is untouched
}

TEST_F(ArchiveTest, AReadOnlyViewDoesNotExport) {
  OpenOptions o = testing::ReopenOptions();
  o.read_only = true;
  auto view = Database::Open(dir_.Sub("db"), testing::TestKey(), o);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  auto admin = (*view)->Login(testing::kAdminUser, testing::kAdminPassword);
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ((*view)->ExportArchive(*admin, dir_.Sub("v")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_.Sub("v")));
}

TEST_F(ArchiveTest, WhatAnArchiveCouldNotCarryIsRefusedWhenWritten) {
  // A control character in a reason, or a grant valid from before year 1.
  ChangeContext c = Ctx("ghi chú\x01");
  EXPECT_EQ(t_->Create(t_.editor, testing::SampleWithNationalId("079184000999"), c).status().code(),
            StatusCode::kInvalidArgument);
  GrantSpec g;
  g.grantee_user = testing::kEditorUser;
  g.dossiers = {a_};
  g.legal_basis = {"58/CV-UBND", "2024-02-01"};
  g.signer = "Chủ tịch UBND quận Bình Tân";
  g.valid_from_micros = std::numeric_limits<std::int64_t>::min();
  g.valid_until_micros = 1700000000000000;
  EXPECT_EQ(t_->IssueGrant(t_.admin, g, Ctx("cấp quyền")).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ArchiveTest, OnlyADistrictAdministratorExportsAndTheExportIsAudited) {
  auto denied = t_->ExportArchive(t_.editor, dir_.Sub("x"));
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(fs::exists(dir_.Sub("x")));
  fs::create_directories(dir_.Sub("full"));
  std::ofstream(dir_.Sub("full/other.txt")) << "x";
  EXPECT_EQ(t_->ExportArchive(t_.admin, dir_.Sub("full")).status().code(), StatusCode::kAlreadyExists);
  auto done = t_->ExportArchive(t_.admin, dir_.Sub("ok"));
  ASSERT_TRUE(done.ok());
  auto log = Audit(*t_.db, t_.admin);
  bool refused = false, audited = false, begun = false;
  for (const auto& e : log) {
    refused |= e.target == "archive export" && !e.allowed && e.actor == testing::kEditorUser;
    begun |= e.target == "archive export" && e.allowed && e.reason == "begun" && !audited;
    audited |= e.target == "archive export" && e.allowed && e.reason.find(done->manifest_sha256_hex) != std::string::npos;
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(begun);  // before the plaintext was written
  EXPECT_TRUE(audited);
}

}  // namespace
}  // namespace hsdt
