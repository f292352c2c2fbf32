// Format upgrades keep old data readable (docs/format.md, "Upgrading").
//
// tests/data/format1/db is a small database written by release 1.0 (format 1, index format 4),
// committed with its key (tests/data/format1/KEY, 64 hex digits) and what it holds
// (tests/data/format1/expected.txt). Every later build must open it, read every version, verify
// its audit chain against the digest taken when it was written, and pass `check`. The fixture is
// never regenerated for a new release: a new one is added beside it (format<N>/).
//
// To make one (only when a release fixes a new format):
//   HSDT_FIXTURE_OUT=tests/data/format<N> build/tests/format_tests
//     --gtest_also_run_disabled_tests --gtest_filter='*DISABLED_Write*' 
#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/schema-loader.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <hsdt/database.h>
#include <hsdt/version.h>

#include "schema/internal/record.h"
#include "schema/internal/json.h"
#include "storage/store.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

namespace fs = std::filesystem;
using testing::Ctx;
using testing::TempDir;

std::string Hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

Key KeyFromHex(const std::string& hex) {
  std::vector<std::byte> raw;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    raw.push_back(static_cast<std::byte>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  auto key = Key::Raw(raw);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::move(key).value();
}

// The raw key of the fixture: a fixed pattern, committed beside it.
std::string FixtureKeyHex() {
  std::string raw;
  for (int i = 0; i < 32; ++i) raw.push_back(static_cast<char>(0xA0 + i));
  return Hex(raw);
}

template <typename T>
T Must(Result<T> r, std::string_view what) {
  if (!r.ok()) {
    ADD_FAILURE() << what << ": " << r.status().ToString();
    std::abort();
  }
  return std::move(r).value();
}

// Everything the fixture holds that a later build must read back the same: every version of
// every dossier (its change record and its JSON), and the accounts. Reading it is audited, so
// the audit chain is compared separately (AuditText), up to the digest of the writer.
std::string Describe(Database& db, const Session& admin, const Session& reader) {
  std::ostringstream out;
  for (const std::string& id : Must(db.ListIds(admin, "", "", 1000), "list ids")) {
    for (const VersionInfo& v : Must(db.History(reader, id), "history " + id)) {
      out << id << " v" << v.version << " at " << v.recorded_at_micros << " kind "
          << static_cast<int>(v.kind) << " status " << v.status << " by " << v.actor << " reason "
          << v.reason << " source " << v.source.number << " " << v.source.date << "\n";
      Dossier d = Must(db.GetVersion(reader, id, v.version), "get " + id);
      out << Must(d.ToJson(), "json " + id) << "\n";
    }
  }
  for (const AccountInfo& a : Must(db.ListAccounts(admin), "accounts")) {
    out << "account " << a.user_name << " " << a.unit << " role " << static_cast<int>(a.role)
        << " state " << static_cast<int>(a.state) << " v" << a.version << " at "
        << a.changed_at_micros << " by " << a.changed_by << "\n";
  }
  return out.str();
}

std::string AuditText(Database& db, const Session& admin, std::uint64_t last) {
  std::ostringstream out;
  for (const AuditRecord& r : Must(db.ReadAudit(admin, 1, last), "audit")) {
    if (r.sequence > last) break;
    out << r.sequence << " " << r.recorded_at_micros << " " << r.actor << " " << r.action << " "
        << r.target << " " << (r.allowed ? "allowed" : "denied") << " " << r.purpose << " "
        << r.reason << " " << r.rule << "\n";
  }
  return out.str();
}

constexpr const char* kEditor = testing::kEditorUser;
// What testing::AccountOrDie sets.
const std::string kEditorPassword = std::string("mật khẩu riêng của ") + testing::kEditorUser;

// Writes tests/data/format<N>: run by hand (see the top of this file), never by CTest.
TEST(FixtureTest, DISABLED_WriteFixture) {
  const char* out_env = std::getenv("HSDT_FIXTURE_OUT");
  ASSERT_NE(out_env, nullptr) << "set HSDT_FIXTURE_OUT";
  const fs::path out = out_env;
  fs::remove_all(out);
  fs::create_directories(out);
  const Key key = KeyFromHex(FixtureKeyHex());
  std::string expected;
  {
    auto db = Must(Database::Open((out / "db").string(), key, testing::CreateOptions()), "create");
    Session admin = testing::LoginOrDie(*db, testing::kAdminUser, testing::kAdminPassword);
    Session editor = testing::AccountOrDie(*db, admin, kEditor, "27460", Role::kUnitEditor);
    // Three dossiers: one updated twice and retired, one full, one plain.
    const WriteResult a = Must(db->Create(editor, testing::SampleWithNationalId("079184000101"), Ctx("tạo hồ sơ")), "a");
    Must(db->Create(editor, testing::TestData("full-dossier.json"), Ctx("tạo hồ sơ đầy đủ")), "full");
    Must(db->Create(editor, testing::SampleWithNationalId("079184000103"), Ctx("tạo hồ sơ")), "c");
    std::string json = testing::JsonSet(testing::SampleWithNationalId("079184000101"), "phone", "\"0909000111\"");
    Must(db->Update(editor, a.id, 1, json, Ctx("cập nhật số điện thoại")), "update 1");
    json = testing::JsonSet(json, "email", "\"nhung.nt@binhtan.gov.vn\"");
    Must(db->Update(editor, a.id, 2, json, Ctx("cập nhật thư điện tử")), "update 2");
    Must(db->ChangeStatus(editor, a.id, 3, "nghiHuu", Ctx("nghỉ hưu")), "retire");
    const AuditDigest digest = Must(db->DigestAudit(admin), "digest");
    expected = "digest " + std::to_string(digest.sequence) + " " + digest.head_hex + "\n" +
               AuditText(*db, admin, digest.sequence) + "--\n" + Describe(*db, admin, editor);
    ASSERT_TRUE(db->Close().ok());
  }
  // Only what an open needs: no info log (a new one is started), the newest OPTIONS file.
  std::vector<fs::path> options;
  for (const auto& e : fs::directory_iterator(out / "db")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("LOG", 0) == 0) fs::remove(e.path());
    if (name.rfind("OPTIONS-", 0) == 0) options.push_back(e.path());
  }
  std::sort(options.begin(), options.end());
  for (std::size_t i = 0; i + 1 < options.size(); ++i) fs::remove(options[i]);
  std::ofstream(out / "KEY") << FixtureKeyHex() << "\n";
  std::ofstream(out / "expected.txt") << expected;
}

// A copy of a committed fixture, opened for writing as a host would (an open may write: a new
// log, the change feed family).
std::string CopyFixture(const std::string& name, const TempDir& tmp) {
  const fs::path from = fs::path(HSDT_TEST_DATA_DIR) / name / "db";
  const fs::path to = fs::path(tmp.path()) / "db";
  fs::copy(from, to, fs::copy_options::recursive);
  return to.string();
}

TEST(FixtureTest, Format1DatabaseOpensReadsVerifiesAndChecks) {
  TempDir tmp;
  const std::string dir = CopyFixture("format1", tmp);
  std::string key_hex = testing::TestData("format1/KEY");
  key_hex.resize(64);
  const std::string expected = testing::TestData("format1/expected.txt");
  const std::size_t split = expected.find("--\n");
  ASSERT_NE(split, std::string::npos);
  std::istringstream head(expected.substr(0, expected.find('\n')));
  std::string word;
  AuditDigest digest;
  head >> word >> digest.sequence >> digest.head_hex;
  ASSERT_EQ(word, "digest");

  auto db = Must(Database::Open(dir, KeyFromHex(key_hex), testing::ReopenOptions()), "open fixture");
  Session admin = testing::LoginOrDie(*db, testing::kAdminUser, testing::kAdminPassword);
  Session editor = testing::LoginOrDie(*db, kEditor, kEditorPassword);
  EXPECT_EQ(expected.substr(expected.find('\n') + 1, split - expected.find('\n') - 1),
            AuditText(*db, admin, digest.sequence));
  EXPECT_EQ(expected.substr(split + 3), Describe(*db, admin, editor));
  const AuditVerification verified = Must(db->VerifyAudit(admin, &digest), "verify");
  EXPECT_TRUE(verified.ok) << verified.problem;
  EXPECT_GT(verified.entries, digest.sequence);
  const CheckReport check = Must(db->Check(admin), "check");
  EXPECT_TRUE(check.problems.empty()) << check.problems.front();
  EXPECT_EQ(check.dossiers, 3u);
  EXPECT_EQ(check.versions, 6u);

  // Still a working database: a new version on top of the old ones, kept across a reopen.
  const std::string first = Must(db->ListIds(admin, "", "", 1), "ids").front();
  const Dossier latest = Must(db->Get(editor, first), "latest");
  Must(db->Update(editor, first, latest.version(),
                  testing::JsonSet(Must(latest.ToJson(), "json"), "email", "\"moi@binhtan.gov.vn\""),
                  Ctx("sau khi nâng cấp")),
       "update after upgrade");
  ASSERT_TRUE(db->Close().ok());
  auto again = Must(Database::Open(dir, KeyFromHex(key_hex), testing::ReopenOptions()), "reopen");
  Session admin2 = testing::LoginOrDie(*again, testing::kAdminUser, testing::kAdminPassword);
  EXPECT_TRUE(Must(again->VerifyAudit(admin2, &digest), "verify again").ok);
  EXPECT_TRUE(Must(again->Check(admin2), "check again").problems.empty());
}

// The dossier schema as a writer saw it before its newest `dropped` fields existed: the same
// struct without them, laid out as the schema compiler laid it out then (every field keeps its
// slot; the pointer section ends after the last pointer left).
capnp::StructSchema OlderDossierSchema(capnp::SchemaLoader& loader, unsigned dropped,
                                       std::vector<std::string>* dropped_names) {
  loader.loadCompiledTypeAndDependencies<schema::Dossier>();
  const capnp::schema::Node::Reader current = capnp::Schema::from<schema::Dossier>().getProto();
  capnp::MallocMessageBuilder message;
  message.setRoot(current);
  auto node = message.getRoot<capnp::schema::Node>();
  node.setId(current.getId() ^ 0x5a5a);
  node.setDisplayName("dossier.capnp:DossierBefore");
  const auto fields = current.getStruct().getFields();
  const unsigned keep = fields.size() - dropped;
  auto kept = node.getStruct().initFields(keep);
  std::uint16_t pointers = 0;
  for (unsigned i = 0; i < fields.size(); ++i) {
    const auto f = fields[i];
    EXPECT_EQ(f.getCodeOrder(), i);
    if (i >= keep) {
      dropped_names->push_back(f.getName());
      continue;
    }
    kept.setWithCaveats(i, f);
    const auto type = f.getSlot().getType().which();
    if (type == capnp::schema::Type::TEXT || type == capnp::schema::Type::LIST ||
        type == capnp::schema::Type::STRUCT || type == capnp::schema::Type::DATA) {
      pointers = std::max<std::uint16_t>(pointers, f.getSlot().getOffset() + 1);
    }
  }
  EXPECT_LT(pointers, current.getStruct().getPointerCount()) << "the dropped fields must be pointers";
  node.getStruct().setPointerCount(pointers);
  return loader.load(node.asReader()).asStruct();
}

TEST(SchemaEvolutionTest, RecordsWrittenBeforeAFieldExistedStayReadableAndDiffable) {
  TempDir tmp;
  const std::string dir = tmp.Sub("db");
  { testing::OpenOrDie(dir); }  // the registry, its administrator and the 27460 editor

  // A record of the older schema, with the sample's content, written as that release wrote it.
  capnp::SchemaLoader loader;
  std::vector<std::string> dropped;
  const capnp::StructSchema older = OlderDossierSchema(loader, 2, &dropped);
  ASSERT_EQ(dropped, (std::vector<std::string>{"assetDeclarations", "annualSupplements"}));
  capnp::MallocMessageBuilder old_message;
  auto to = old_message.initRoot<capnp::DynamicStruct>(older);
  // The sample without the two lists (JsonSet with no value removes one).
  const std::string sample = testing::JsonSet(
      testing::JsonSet(testing::SampleWithNationalId("079184000201"), "annualSupplements", ""),
      "assetDeclarations", "");
  const Status decoded = schema::DecodeStrictJson(sample, 1 << 20, to);
  ASSERT_TRUE(decoded.ok()) << decoded.ToString();
  to.set("id", "HS00000001");
  const kj::Array<capnp::word> words = capnp::messageToFlatArray(old_message);
  const std::string bytes(reinterpret_cast<const char*>(words.begin()), words.asBytes().size());
  {
    storage::StoreOptions options;
    auto store = Must(storage::Store::Open(dir, testing::TestKey(), options), "store");
    storage::CommitRequest request;
    request.id = store->AllocateId();
    ASSERT_EQ(request.id, 1u);
    request.record = bytes;
    request.meta.kind = ChangeKind::kCreate;
    request.meta.status = "dangCongTac";
    request.meta.actor = testing::kEditorUser;
    request.meta.reason = "written by the older schema";
    Must(store->Commit(std::move(request)), "commit");
    ASSERT_TRUE(store->Close().ok());
  }

  testing::TestDb t = testing::OpenOrDie(dir, testing::ReopenOptions());
  ASSERT_TRUE(t->VerifyIndexes(t.admin, true).ok());  // its index entries, as an upgrade makes them
  const Dossier v1 = Must(t->Get(t.editor, "HS00000001"), "read the older record");
  EXPECT_EQ(v1.version(), 1u);
  const std::string json = Must(v1.ToJson(), "json");
  for (const std::string& name : dropped) EXPECT_EQ(json.find(name), std::string::npos) << json;
  EXPECT_NE(json.find("Nhung"), std::string::npos);
  Query all;
  all.allow_scan = true;  // over the index entries the upgrade wrote
  EXPECT_EQ(Must(t->Find(t.editor, all), "find").rows.size(), 1u);

  // The current schema writes the new field on top of it; both versions read and diff.
  const std::string with_field = testing::JsonSet(
      json, "assetDeclarations",
      R"([{"year": 2026, "kind": "hangNam", "totalIncomeVnd": 240000000, "effectiveDate": "2026-11-30"}])");
  Must(t->Update(t.editor, "HS00000001", 1, with_field, Ctx("kê khai tài sản 2026")), "update");
  const std::vector<std::string> paths = Must(t->Diff(t.editor, "HS00000001", 1, 2, Purpose::kNone), "diff");
  ASSERT_FALSE(paths.empty());
  for (const std::string& p : paths) EXPECT_EQ(p.rfind("$.assetDeclarations", 0), 0u) << p;
  EXPECT_EQ(Must(t->GetVersion(t.editor, "HS00000001", 1), "v1 again").ToJson().value(), json);
  EXPECT_TRUE(Must(t->Check(t.admin), "check").problems.empty());
}

}  // namespace
}  // namespace hsdt
