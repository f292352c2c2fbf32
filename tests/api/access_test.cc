// Sessions, logins, accounts, roles, written-consent grants, hand-overs, Explain and the audit
// log, end to end through the public API (the evaluator's matrix is in policy/evaluator_test.cc).
#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/impl_access.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;
using testing::kAdminPassword;
using testing::kAdminUser;
using testing::kEditorPassword;
using testing::kEditorUser;
using testing::LoginOrDie;
using testing::OpenOrDie;
using testing::ReopenOptions;
using testing::SampleWithNationalId;
using testing::TempDir;
using testing::TestDb;

constexpr std::int64_t kMinute = 60'000'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

constexpr char kWard[] = "27460";       // An Lạc: manages the sample; kEditorUser edits it
constexpr char kOtherWard[] = "27436";  // Bình Hưng Hòa
constexpr char kThirdWard[] = "27439";  // Bình Hưng Hòa A
constexpr char kDistrictOffice[] = "777-NV";
constexpr char kSampleNationalId[] = "079184012345";  // tests/data/sample-dossier.json

// A clock that moves only when told to; starts at the real time.
class ManualClock final : public Clock {
 public:
  ManualClock()
      : now_(std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count()) {}
  std::int64_t NowMicros() const override { return now_.load(); }
  void Advance(std::int64_t micros) { now_ += micros; }

 private:
  std::atomic<std::int64_t> now_;
};

::testing::AssertionResult Is(StatusCode want, const Status& s) {
  if (s.code() == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << StatusCodeName(want) << ", got " << s.ToString();
}
template <typename T>
::testing::AssertionResult Is(StatusCode want, const Result<T>& r) {
  return Is(want, r.status());
}

#define EXPECT_OK(expr) EXPECT_TRUE(Is(StatusCode::kOk, (expr)))
#define ASSERT_OK(expr) ASSERT_TRUE(Is(StatusCode::kOk, (expr)))
#define EXPECT_DENIED(expr) EXPECT_TRUE(Is(StatusCode::kPermissionDenied, (expr)))
#define EXPECT_INVALID(expr) EXPECT_TRUE(Is(StatusCode::kInvalidArgument, (expr)))

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// The top-level fields of a dossier's JSON (fields redacted away are absent).
std::set<std::string> FieldsOf(const Result<Dossier>& d) {
  std::set<std::string> out;
  if (!d.ok()) {
    ADD_FAILURE() << "read: " << d.status().ToString();
    return out;
  }
  auto json = d->ToJson();
  if (!json.ok()) {
    ADD_FAILURE() << "json: " << json.status().ToString();
    return out;
  }
  capnp::JsonCodec codec;
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::JsonValue>();
  codec.decodeRaw(kj::StringPtr(json->c_str()), root);
  for (auto f : root.asReader().getObject()) out.insert(f.getName().cStr());
  return out;
}

// Sensitivity levels of a few fields of the sample (src/schema/dossier.capnp annotations).
const std::vector<std::string> kNormalFields = {"name", "birthDate", "rank", "salaryHistory"};
const std::vector<std::string> kPersonalFields = {"nationalId", "phone", "ethnicity", "family"};
const std::vector<std::string> kConfidentialFields = {"evaluations"};

void ExpectFields(const std::set<std::string>& fields, const std::vector<std::string>& names,
                  bool present) {
  for (const auto& n : names) EXPECT_EQ(fields.count(n) == 1, present) << n;
}

// Fields a read at `visibility` shows of the sample, and no more.
void ExpectVisibility(const Result<Dossier>& d, Visibility visibility) {
  const std::set<std::string> fields = FieldsOf(d);
  ExpectFields(fields, kNormalFields, true);
  ExpectFields(fields, kPersonalFields, visibility >= Visibility::kPersonal);
  ExpectFields(fields, kConfidentialFields, visibility >= Visibility::kConfidential);
}

std::string PasswordFor(std::string_view user) {
  return "mật khẩu của " + std::string(user) + " năm 2024";
}
std::string TemporaryFor(std::string_view user) {
  return "mật khẩu tạm thời " + std::string(user) + " 2024";
}

// The value of `r`, or a failure and a default value.
template <typename T>
T Must(Result<T> r) {
  if (r.ok()) return std::move(r).value();
  ADD_FAILURE() << r.status().ToString();
  return T{};
}

SourceDocument Document(std::string number) { return {std::move(number), "2024-05-20"}; }

using Entries = std::vector<AuditRecord>;

// Entries matching `actor`, `action` and `allowed` whose target starts with `target`.
Entries Matching(const Entries& log, std::string_view actor, std::string_view action,
                 std::string_view target, bool allowed) {
  Entries out;
  for (const auto& e : log) {
    if (e.actor == actor && e.action == action && StartsWith(e.target, target) &&
        e.allowed == allowed) {
      out.push_back(e);
    }
  }
  return out;
}

// No field of any entry contains any of `secrets`.
void ExpectNoEntryHolds(const Entries& log, const std::vector<std::string>& secrets) {
  for (const auto& e : log) {
    for (const std::string* field :
         {&e.actor, &e.action, &e.target, &e.purpose, &e.reason, &e.rule}) {
      for (const auto& secret : secrets) {
        EXPECT_FALSE(Contains(*field, secret))
            << "entry " << e.sequence << " holds \"" << secret << "\": " << *field;
      }
    }
  }
}

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override { t_ = OpenOrDie(dir_.path(), WithClock(testing::CreateOptions())); }

  OpenOptions WithClock(OpenOptions o) const {
    o.clock = &clock_;
    return o;
  }

  // Closes the database and opens it again with `o` and the test clock; logs the administrator
  // and the editor in again.
  void Reopen(const OpenOptions& o = ReopenOptions()) {
    ASSERT_OK(t_.db->Close());
    t_.db.reset();
    t_ = OpenOrDie(dir_.path(), WithClock(o));
  }

  Database& db() { return *t_.db; }
  const Session& admin() const { return t_.admin; }
  const Session& editor() const { return t_.editor; }

  // An account with its own password (PasswordFor) in place of the temporary one.
  Session NewAccount(const std::string& user, const std::string& unit, Role role) {
    const std::string temporary = TemporaryFor(user);
    auto created =
        db().CreateAccount(admin(), AccountSpec{user, user, unit, role, temporary}, Ctx("account"));
    EXPECT_OK(created);
    Session s = LoginOrDie(db(), user, temporary);
    EXPECT_TRUE(s.must_change_password());
    EXPECT_OK(db().ChangePassword(s, temporary, PasswordFor(user)));
    return s;
  }

  AccountInfo AccountOf(std::string_view user) {
    auto accounts = db().ListAccounts(admin());
    EXPECT_OK(accounts);
    if (accounts.ok()) {
      for (const auto& a : *accounts) {
        if (a.user_name == user) return a;
      }
    }
    ADD_FAILURE() << "no account " << user;
    return {};
  }

  // A sample dossier of kWard, created by the editor.
  std::string CreateSample(const std::string& national_id = kSampleNationalId) {
    auto w = db().Create(editor(), SampleWithNationalId(national_id), Ctx("create"));
    EXPECT_OK(w);
    if (!w.ok()) return "";
    national_ids_[w->id] = national_id;
    return w->id;
  }

  // Writes a new version of dossier `id` (managed by `managing_unit`) as `s`.
  Result<WriteResult> Touch(const Session& s, const std::string& id, std::uint32_t expected,
                            const std::string& managing_unit = kWard) {
    std::string json = SampleWithNationalId(national_ids_.at(id));
    json = JsonSet(json, "mainDuties", "\"Đăng ký hộ tịch và chứng thực.\"");
    json = JsonSet(json, "managingUnit", "\"" + managing_unit + "\"");
    return db().Update(s, id, expected, json, Ctx("update"));
  }

  // The latest version of `id` as its managing editor sees it.
  std::uint32_t VersionOf(const std::string& id, const Session& managing_editor) {
    auto d = db().Get(managing_editor, id);
    EXPECT_OK(d);
    return d.ok() ? d->version() : 0;
  }

  // Every audit entry from sequence `from` on, read by `reader` (the administrator by default).
  Entries AuditLog(const Session* reader = nullptr, std::uint64_t from = 1) {
    auto log = db().ReadAudit(reader != nullptr ? *reader : admin(), from, std::size_t{1} << 20);
    EXPECT_OK(log);
    return log.ok() ? *log : Entries{};
  }

  GrantSpec ReadGrant(std::string grantee_user, std::string grantee_unit,
                      std::vector<std::string> dossiers, std::uint32_t rights,
                      std::vector<Purpose> purposes) const {
    GrantSpec g;
    g.grantee_user = std::move(grantee_user);
    g.grantee_unit = std::move(grantee_unit);
    g.dossiers = std::move(dossiers);
    g.rights = rights;
    g.purposes = std::move(purposes);
    g.legal_basis = Document("58/CV-UBND");
    g.signer = "Chủ tịch UBND quận Bình Tân";
    g.valid_from_micros = clock_.NowMicros() - kHour;
    g.valid_until_micros = clock_.NowMicros() + 30 * kDay;
    return g;
  }

  std::string Issue(const GrantSpec& spec) {
    auto g = db().IssueGrant(admin(), spec, Ctx("grant"));
    EXPECT_OK(g);
    return g.ok() ? g->id : "";
  }

  ManualClock clock_;
  TempDir dir_;
  TestDb t_{nullptr, internal::ImplAccess::Make<Session>(nullptr), internal::ImplAccess::Make<Session>(nullptr)};
  std::map<std::string, std::string> national_ids_;  // dossier id -> its national ID number
};

// ------------------------------------------------------------------------------- logins

TEST_F(AccessTest, LockoutAfterFiveFailuresSurvivesReopenAndEndsWithTheClock) {
  const std::string user = "anlac.viewer";
  NewAccount(user, kWard, Role::kUnitViewer);
  const std::string wrong = "không phải mật khẩu 2024";
  auto refused = db().Login(user, wrong);
  EXPECT_DENIED(refused);
  for (int i = 0; i < 2; ++i) EXPECT_DENIED(db().Login(user, wrong));
  EXPECT_EQ(AccountOf(user).failed_logins, 3u);

  Reopen();
  EXPECT_EQ(AccountOf(user).failed_logins, 3u) << "the count survives a restart";
  for (int i = 0; i < 2; ++i) EXPECT_DENIED(db().Login(user, wrong));
  EXPECT_GT(AccountOf(user).locked_until_micros, clock_.NowMicros());
  auto locked = db().Login(user, PasswordFor(user));
  EXPECT_DENIED(locked);
  EXPECT_EQ(locked.status().message(), refused.status().message())
      << "a lock looks like a wrong password";

  Reopen();
  EXPECT_DENIED(db().Login(user, PasswordFor(user))) << "the lock survives a restart";
  clock_.Advance(OpenOptions().lockout_micros - kMinute);
  EXPECT_DENIED(db().Login(user, PasswordFor(user))) << "still locked a minute before the end";

  clock_.Advance(2 * kMinute);
  t_.admin = LoginOrDie(db(), kAdminUser, kAdminPassword);  // the old session went idle
  EXPECT_OK(db().Login(user, PasswordFor(user)));
  EXPECT_EQ(AccountOf(user).failed_logins, 0u);
  EXPECT_EQ(AccountOf(user).locked_until_micros, 0);
  // The success reset the count: four more failures do not lock.
  for (int i = 0; i < 4; ++i) EXPECT_DENIED(db().Login(user, wrong));
  EXPECT_OK(db().Login(user, PasswordFor(user)));
}

TEST_F(AccessTest, UnknownUserGetsTheSameAnswerAsAWrongPassword) {
  const std::string wrong = "không phải mật khẩu 2024";
  auto known = db().Login(kEditorUser, wrong);
  auto unknown = db().Login("khong.ton.tai", wrong);
  auto unknown_with_a_real_password = db().Login("khong.ton.tai", kEditorPassword);
  EXPECT_DENIED(known);
  EXPECT_EQ(unknown.status().code(), known.status().code());
  EXPECT_EQ(unknown.status().message(), known.status().message());
  EXPECT_EQ(unknown_with_a_real_password.status().code(), known.status().code());
  EXPECT_EQ(unknown_with_a_real_password.status().message(), known.status().message());
}

// ------------------------------------------------------------------------------- sessions

TEST_F(AccessTest, IdleSessionExpiresAndActivityKeepsItAlive) {
  OpenOptions o = ReopenOptions();
  o.session_idle_micros = 10 * kMinute;
  o.session_lifetime_micros = 10 * kHour;
  Reopen(o);
  const std::string id = CreateSample();
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(9 * kMinute);
    EXPECT_OK(db().Get(editor(), id))
        << "used every 9 minutes, after " << 9 * (i + 1) << " minutes";
  }
  clock_.Advance(11 * kMinute);
  auto expired = db().Get(editor(), id);
  EXPECT_DENIED(expired);
  EXPECT_TRUE(Contains(expired.status().message(), "idle")) << expired.status().ToString();
  EXPECT_DENIED(db().Get(editor(), id)) << "an expired session stays ended";
  EXPECT_OK(db().Get(LoginOrDie(db(), kEditorUser, kEditorPassword), id));
}

TEST_F(AccessTest, SessionEndsAtItsLifetimeDespiteActivity) {
  OpenOptions o = ReopenOptions();
  o.session_idle_micros = 10 * kMinute;
  o.session_lifetime_micros = 30 * kMinute;
  Reopen(o);
  const std::string id = CreateSample();
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(9 * kMinute);
    EXPECT_OK(db().Get(editor(), id));
  }
  clock_.Advance(4 * kMinute);  // 31 minutes after login, 4 minutes after the last call
  auto expired = db().Get(editor(), id);
  EXPECT_DENIED(expired);
  EXPECT_TRUE(Contains(expired.status().message(), "expired")) << expired.status().ToString();
  EXPECT_DENIED(db().ListUnits(editor()));
}

TEST_F(AccessTest, ExpiredSessionCannotChangeThePassword) {
  OpenOptions o = ReopenOptions();
  o.session_idle_micros = 10 * kMinute;
  Reopen(o);
  const std::string user = "anlac.viewer";
  Session s = NewAccount(user, kWard, Role::kUnitViewer);
  clock_.Advance(11 * kMinute);
  EXPECT_DENIED(db().ChangePassword(s, PasswordFor(user), "mật khẩu sau khi hết phiên 2024"));
  EXPECT_OK(db().Login(user, PasswordFor(user)));
}

TEST_F(AccessTest, LogoutEndsTheSessionAndEveryCopy) {
  const std::string id = CreateSample();
  Session s = LoginOrDie(db(), kEditorUser, kEditorPassword);
  Session copy = s;
  EXPECT_OK(db().Get(copy, id));
  EXPECT_OK(db().Logout(s));
  EXPECT_DENIED(db().Get(s, id));
  EXPECT_DENIED(db().Get(copy, id));
  EXPECT_DENIED(Touch(copy, id, 1));
  EXPECT_DENIED(db().ChangePassword(copy, kEditorPassword, "mật khẩu sau khi đăng xuất 2024"));
  EXPECT_OK(db().Get(editor(), id)) << "other sessions of the account go on";
}

TEST_F(AccessTest, ChangePasswordChecksBothPasswordsAndEndsOtherSessions) {
  const std::string user = "anlac.viewer";  // 12 characters: usable as a password
  const std::string id = CreateSample();
  Session current = NewAccount(user, kWard, Role::kUnitViewer);
  Session other = LoginOrDie(db(), user, PasswordFor(user));
  const std::string next = "mật khẩu mới của người xem 2024";

  EXPECT_DENIED(db().ChangePassword(current, "mật khẩu sai hoàn toàn 2024", next));
  // Each refusal names the rule broken.
  const std::vector<std::pair<std::string, std::string>> refusals = {
      {"ngắn quá", "characters"},
      {"aaaaaaaaaaaaaaaa", "dictionary"},
      {"ANLAC.VIEWER", "user name"},
      {PasswordFor(user), "old"},
  };
  for (const auto& [password, rule] : refusals) {
    const Status refused = db().ChangePassword(current, PasswordFor(user), password);
    EXPECT_INVALID(refused);
    EXPECT_TRUE(Contains(refused.message(), rule)) << refused.ToString();
  }
  EXPECT_OK(db().Get(other, id)) << "refused changes end nothing";
  EXPECT_OK(db().Login(user, PasswordFor(user))) << "refused changes keep the password";

  ASSERT_OK(db().ChangePassword(current, PasswordFor(user), next));
  EXPECT_OK(db().Get(current, id)) << "the session that changed it goes on";
  auto ended = db().Get(other, id);
  EXPECT_DENIED(ended);
  EXPECT_TRUE(Contains(ended.status().message(), "password")) << ended.status().ToString();
  EXPECT_DENIED(db().Login(user, PasswordFor(user)));
  EXPECT_OK(db().Login(user, next));
}

TEST_F(AccessTest, TemporaryPasswordMustBeChangedBeforeAnythingElse) {
  const std::string id = CreateSample();
  Session before = editor();
  EXPECT_INVALID(db().ResetPassword(admin(), kEditorUser, SourceDocument{}));
  auto temporary = db().ResetPassword(admin(), kEditorUser, Document("07/BC-UBND"));
  ASSERT_OK(temporary);
  EXPECT_DENIED(db().Get(before, id)) << "the reset ends the account's sessions";
  EXPECT_DENIED(db().Login(kEditorUser, kEditorPassword)) << "the lost password no longer works";

  Session s = LoginOrDie(db(), kEditorUser, *temporary);
  EXPECT_TRUE(s.must_change_password());
  auto refused = db().Get(s, id);
  EXPECT_DENIED(refused);
  EXPECT_TRUE(Contains(refused.status().message(), "ChangePassword"))
      << refused.status().ToString();
  EXPECT_DENIED(Touch(s, id, 1));
  EXPECT_DENIED(db().ListUnits(s));

  const std::string chosen = "mật khẩu mới sau khi mất 2024";
  ASSERT_OK(db().ChangePassword(s, *temporary, chosen));
  EXPECT_FALSE(s.must_change_password());
  EXPECT_OK(db().Get(s, id));
  EXPECT_OK(Touch(s, id, 1));
  EXPECT_DENIED(db().Login(kEditorUser, *temporary)) << "the temporary password is used up";
}

// ------------------------------------------------------------------------------- account states

TEST_F(AccessTest, RestrictedAccountReadsButEveryWriteIsDenied) {
  const std::string id = CreateSample();
  Session s = NewAccount("anlac.editor2", kWard, Role::kUnitEditor);
  EXPECT_OK(Touch(s, id, 1));
  ASSERT_OK(
      db().SetAccountState(admin(), "anlac.editor2", AccountState::kRestricted, Ctx("restrict")));

  EXPECT_OK(db().Get(s, id)) << "the open session still reads";
  EXPECT_OK(db().History(s, id));
  EXPECT_DENIED(Touch(s, id, 2));
  EXPECT_DENIED(db().ChangeStatus(s, id, 2, "nghiHuu", Ctx()));
  EXPECT_DENIED(db().Create(s, SampleWithNationalId("079184099999"), Ctx()));
  EXPECT_EQ(VersionOf(id, editor()), 2u);
  EXPECT_OK(db().Login("anlac.editor2", PasswordFor("anlac.editor2")))
      << "restricted still logs in";
}

TEST_F(AccessTest, RevokedAccountIsCutOffAtOnceAndCannotLogIn) {
  const std::string id = CreateSample();
  const std::string user = "anlac.editor2";
  Session s = NewAccount(user, kWard, Role::kUnitEditor);
  EXPECT_OK(db().Get(s, id));
  ASSERT_OK(db().SetAccountState(admin(), user, AccountState::kRevoked, Ctx("revoke")));
  EXPECT_DENIED(db().Get(s, id));
  EXPECT_DENIED(Touch(s, id, 1));
  auto login = db().Login(user, PasswordFor(user));
  auto wrong = db().Login(user, "không phải mật khẩu 2024");
  EXPECT_DENIED(login);
  EXPECT_EQ(login.status().message(), wrong.status().message());
  EXPECT_EQ(AccountOf(user).state, AccountState::kRevoked);
}

// ------------------------------------------------------------------------------- escalation

TEST_F(AccessTest, EditorCannotAdminister) {
  const std::string id = CreateSample();
  NewAccount("binhhunghoa.editor", kOtherWard, Role::kUnitEditor);
  const std::size_t accounts = Must(db().ListAccounts(admin())).size();
  const std::size_t units = Must(db().ListUnits(admin())).size();

  EXPECT_DENIED(db().CreateAccount(
      editor(),
      AccountSpec{"anlac.ban", "Bạn", kWard, Role::kUnitEditor, "mật khẩu của bạn thân 2024"},
      Ctx()));
  EXPECT_DENIED(db().CreateAccount(editor(),
                                   AccountSpec{"anlac.boss", "Sếp", kDistrictOffice,
                                               Role::kDistrictAdmin, "mật khẩu của sếp lớn 2024"},
                                   Ctx()));
  EXPECT_DENIED(db().SetAccountRole(editor(), kEditorUser, Role::kDistrictAdmin, Ctx()));
  EXPECT_DENIED(db().SetAccountState(editor(), kAdminUser, AccountState::kRevoked, Ctx()));
  EXPECT_DENIED(db().ResetPassword(editor(), kAdminUser, Document("1/BC")));
  EXPECT_DENIED(db().CreateUnit(editor(), UnitSpec{"27460-B", "Tổ mới", "ward"}, Ctx()));
  EXPECT_DENIED(db().SetUnitActive(editor(), kOtherWard, false, Ctx()));
  EXPECT_DENIED(
      db().IssueGrant(editor(), ReadGrant("binhhunghoa.editor", "", {id}, kGrantRead, {}), Ctx()));
  EXPECT_DENIED(db().ListAccounts(editor()));

  EXPECT_EQ(Must(db().ListAccounts(admin())).size(), accounts);
  EXPECT_EQ(Must(db().ListUnits(admin())).size(), units);
  EXPECT_TRUE(Must(db().ListGrants(admin())).empty());
  EXPECT_EQ(AccountOf(kEditorUser).role, Role::kUnitEditor);
  EXPECT_EQ(AccountOf(kAdminUser).state, AccountState::kActive);
}

TEST_F(AccessTest, AdminCannotChangeOwnRoleOrState) {
  EXPECT_DENIED(db().SetAccountRole(admin(), kAdminUser, Role::kDistrictAuditor, Ctx()));
  EXPECT_DENIED(db().SetAccountState(admin(), kAdminUser, AccountState::kRestricted, Ctx()));
  EXPECT_DENIED(db().SetAccountState(admin(), kAdminUser, AccountState::kRevoked, Ctx()));
  const AccountInfo a = AccountOf(kAdminUser);
  EXPECT_EQ(a.role, Role::kDistrictAdmin);
  EXPECT_EQ(a.state, AccountState::kActive);
  EXPECT_EQ(a.version, 1u) << "nothing was written";
}

TEST_F(AccessTest, LastActiveDistrictAdminCannotBeRemoved) {
  const std::string second = "nv.admin2";
  Session admin2 = NewAccount(second, kDistrictOffice, Role::kDistrictAdmin);
  Session demoted = admin();
  ASSERT_OK(db().SetAccountRole(admin2, kAdminUser, Role::kDistrictAuditor, Ctx("demote")));
  t_.admin = admin2;  // the one administrator left (AccountOf reads with it)
  EXPECT_EQ(AccountOf(second).role, Role::kDistrictAdmin);

  // The first administrator's open session now has the auditor's rights only.
  EXPECT_DENIED(db().SetAccountRole(demoted, second, Role::kDistrictAuditor, Ctx()));
  EXPECT_DENIED(db().SetAccountState(demoted, second, AccountState::kRevoked, Ctx()));
  EXPECT_DENIED(db().SetAccountRole(demoted, kAdminUser, Role::kDistrictAdmin, Ctx()));
  // The last one cannot remove themselves either.
  EXPECT_DENIED(db().SetAccountRole(admin2, second, Role::kDistrictAuditor, Ctx()));
  EXPECT_DENIED(db().SetAccountState(admin2, second, AccountState::kRestricted, Ctx()));
  EXPECT_DENIED(db().SetAccountState(admin2, second, AccountState::kRevoked, Ctx()));

  auto accounts = db().ListAccounts(admin2);
  ASSERT_OK(accounts);
  int active_admins = 0;
  for (const auto& a : *accounts) {
    active_admins += a.role == Role::kDistrictAdmin && a.state == AccountState::kActive;
  }
  EXPECT_EQ(active_admins, 1);
  EXPECT_EQ(AccountOf(kAdminUser).role, Role::kDistrictAuditor);
}

TEST_F(AccessTest, ViewerCannotWrite) {
  const std::string id = CreateSample();
  Session viewer = NewAccount("anlac.viewer", kWard, Role::kUnitViewer);
  EXPECT_OK(db().Get(viewer, id));
  EXPECT_DENIED(Touch(viewer, id, 1));
  EXPECT_DENIED(db().ChangeStatus(viewer, id, 1, "nghiHuu", Ctx()));
  EXPECT_DENIED(db().Create(viewer, SampleWithNationalId("079184099999"), Ctx()));
  EXPECT_EQ(VersionOf(id, editor()), 1u);
}

TEST_F(AccessTest, AuditorVerifiesTheLogButReadsNoDossierContent) {
  const std::string id = CreateSample();
  Session auditor = NewAccount("nv.auditor", kDistrictOffice, Role::kDistrictAuditor);
  EXPECT_DENIED(db().Get(auditor, id));
  EXPECT_DENIED(db().Get(auditor, id, Purpose::kInspection));
  EXPECT_DENIED(db().GetVersion(auditor, id, 1, Purpose::kInspection));
  EXPECT_DENIED(db().History(auditor, id, Purpose::kInspection));
  EXPECT_DENIED(Touch(auditor, id, 1));

  auto verified = db().VerifyAudit(auditor, nullptr);
  ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok) << verified->problem;
  const Entries log = AuditLog(&auditor);
  EXPECT_FALSE(Matching(log, "nv.auditor", "read_dossier", id, false).empty());
  EXPECT_TRUE(Matching(log, "nv.auditor", "read_dossier", id, true).empty());
}

// ------------------------------------------------------------------------------- units

TEST_F(AccessTest, OtherWardIsDeniedAndTheDenialIsAudited) {
  const std::string id = CreateSample();
  const std::string other = "binhhunghoa.editor";
  Session s = NewAccount(other, kOtherWard, Role::kUnitEditor);
  EXPECT_DENIED(db().Get(s, id));
  EXPECT_DENIED(db().Get(s, id, Purpose::kInspection));
  EXPECT_DENIED(Touch(s, id, 1));
  EXPECT_DENIED(db().ChangeStatus(s, id, 1, "nghiHuu", Ctx()));
  EXPECT_EQ(VersionOf(id, editor()), 1u);

  Session auditor = NewAccount("nv.auditor", kDistrictOffice, Role::kDistrictAuditor);
  for (const Session* reader : std::initializer_list<const Session*>{&admin(), &auditor}) {
    const Entries log = AuditLog(reader);
    const Entries reads = Matching(log, other, "read_dossier", id, false);
    ASSERT_EQ(reads.size(), 2u);
    EXPECT_EQ(reads[1].purpose, "inspection");
    EXPECT_FALSE(reads[1].reason.empty());
    EXPECT_EQ(Matching(log, other, "update_dossier", id, false).size(), 1u);
    EXPECT_EQ(Matching(log, other, "change_status", id, false).size(), 1u);
  }
}

TEST_F(AccessTest, RoleDecidesWhichFieldsAreShown) {
  const std::string id = CreateSample();
  Session viewer = NewAccount("anlac.viewer", kWard, Role::kUnitViewer);
  ExpectVisibility(db().Get(viewer, id), Visibility::kPersonal);
  ExpectVisibility(db().Get(editor(), id), Visibility::kConfidential);
  ExpectVisibility(db().Get(admin(), id, Purpose::kInspection), Visibility::kConfidential);
  auto as_viewer = db().Get(viewer, id);
  ASSERT_OK(as_viewer);
  EXPECT_TRUE(Contains(*as_viewer->ToJson(), kSampleNationalId));
}

// ------------------------------------------------------------------------------- grants

TEST_F(AccessTest, GrantToAnAccountAllowsItsPurposesUntilRevoked) {
  const std::string id = CreateSample();
  const std::string grantee = "binhhunghoa.editor";
  Session s = NewAccount(grantee, kOtherWard, Role::kUnitEditor);
  Session colleague = NewAccount("binhhunghoa.viewer", kOtherWard, Role::kUnitViewer);
  EXPECT_DENIED(db().Get(s, id, Purpose::kRankPromotion)) << "no grant yet";

  const std::string grant = Issue(
      ReadGrant(grantee, "", {id}, kGrantRead, {Purpose::kRankPromotion, Purpose::kSalaryRaise}));
  auto read = db().Get(s, id, Purpose::kRankPromotion);
  ASSERT_OK(read);
  ExpectVisibility(read, Visibility::kNormal);
  EXPECT_FALSE(Contains(*read->ToJson(), kSampleNationalId));
  EXPECT_OK(db().Get(s, id, Purpose::kSalaryRaise));
  EXPECT_DENIED(db().Get(s, id, Purpose::kDiscipline)) << "a purpose the grant does not list";
  EXPECT_DENIED(db().Get(s, id)) << "no purpose named";
  EXPECT_DENIED(db().Get(colleague, id, Purpose::kRankPromotion)) << "the grant names one account";
  EXPECT_DENIED(Touch(s, id, 1)) << "a grant gives no writes";

  const Entries log = AuditLog();
  const Entries allowed = Matching(log, grantee, "read_dossier", id, true);
  ASSERT_EQ(allowed.size(), 2u);
  EXPECT_EQ(allowed[0].purpose, "rank_promotion");
  EXPECT_EQ(allowed[1].purpose, "salary_raise");
  EXPECT_TRUE(Contains(allowed[0].rule, grant)) << allowed[0].rule;
  const Entries denied = Matching(log, grantee, "read_dossier", id, false);
  ASSERT_EQ(denied.size(), 3u);
  EXPECT_EQ(denied[1].purpose, "discipline");

  ASSERT_OK(db().RevokeGrant(admin(), grant, Ctx("revoke")));
  EXPECT_DENIED(db().Get(s, id, Purpose::kRankPromotion));
  const auto grants = Must(db().ListGrants(admin()));
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_TRUE(grants[0].revoked);
}

TEST_F(AccessTest, ReadOutsideTheUnitNeedsARealPurpose) {
  const std::string id = CreateSample();
  const std::string grantee = "binhhunghoa.editor";
  Session s = NewAccount(grantee, kOtherWard, Role::kUnitEditor);
  Issue(ReadGrant(grantee, "", {id}, kGrantRead, {}));
  const auto not_a_purpose = static_cast<Purpose>(42);
  for (const Session* who : {&admin(), static_cast<const Session*>(&s)}) {
    auto read = db().Get(*who, id, not_a_purpose);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(read.status().message().find("purpose"), std::string_view::npos) << read.status().message();
  }
  EXPECT_TRUE(Matching(AuditLog(), grantee, "read_dossier", id, true).empty());
  EXPECT_FALSE(Matching(AuditLog(), grantee, "read_dossier", id, false).empty()) << "the refusal is audited";
}

TEST_F(AccessTest, GrantOutsideItsValidityGivesNothing) {
  OpenOptions o = ReopenOptions();
  o.session_idle_micros = 30 * kDay;
  o.session_lifetime_micros = 30 * kDay;
  Reopen(o);
  const std::string id = CreateSample();
  const std::string grantee = "binhhunghoa.editor";
  Session s = NewAccount(grantee, kOtherWard, Role::kUnitEditor);

  GrantSpec past = ReadGrant(grantee, "", {id}, kGrantRead, {});
  past.valid_from_micros = clock_.NowMicros() - 2 * kDay;
  past.valid_until_micros = clock_.NowMicros() - kDay;
  Issue(past);
  EXPECT_DENIED(db().Get(s, id, Purpose::kTraining)) << "a grant that ended yesterday";

  GrantSpec future = ReadGrant(grantee, "", {id}, kGrantRead, {});
  future.valid_from_micros = clock_.NowMicros() + kDay;
  future.valid_until_micros = clock_.NowMicros() + 3 * kDay;
  Issue(future);
  EXPECT_DENIED(db().Get(s, id, Purpose::kTraining)) << "a grant that starts tomorrow";
  clock_.Advance(2 * kDay);
  EXPECT_OK(db().Get(s, id, Purpose::kTraining)) << "the day after tomorrow it is in force";
  clock_.Advance(2 * kDay);
  EXPECT_DENIED(db().Get(s, id, Purpose::kTraining)) << "and then it ends";
}

TEST_F(AccessTest, GrantToAUnitCoversEveryAccountOfIt) {
  const std::string id = CreateSample();
  Session editor2 = NewAccount("binhhunghoa.editor", kOtherWard, Role::kUnitEditor);
  Session viewer2 = NewAccount("binhhunghoa.viewer", kOtherWard, Role::kUnitViewer);
  Session outsider = NewAccount("bhha.editor", kThirdWard, Role::kUnitEditor);
  Issue(ReadGrant("", kOtherWard, {id}, kGrantRead | kGrantReadPersonal, {}));

  ExpectVisibility(db().Get(editor2, id, Purpose::kStatistics), Visibility::kPersonal);
  ExpectVisibility(db().Get(viewer2, id, Purpose::kReward), Visibility::kPersonal);
  EXPECT_DENIED(db().Get(viewer2, id)) << "any named purpose, but one is named";
  EXPECT_DENIED(db().Get(outsider, id, Purpose::kStatistics));
}

TEST_F(AccessTest, GrantRightsDecideWhichFieldsAreShown) {
  const std::string id = CreateSample();
  const std::map<std::string, std::pair<std::uint32_t, Visibility>> cases = {
      {"binhhunghoa.doc", {kGrantRead, Visibility::kNormal}},
      {"binhhunghoa.canhan", {kGrantRead | kGrantReadPersonal, Visibility::kPersonal}},
      {"binhhunghoa.mat", {kGrantRead | kGrantReadConfidential, Visibility::kConfidential}},
  };
  for (const auto& [user, rights_and_visibility] : cases) {
    SCOPED_TRACE(user);
    Session s = NewAccount(user, kOtherWard, Role::kUnitViewer);
    Issue(ReadGrant(user, "", {id}, rights_and_visibility.first, {Purpose::kAppointment}));
    ExpectVisibility(db().Get(s, id, Purpose::kAppointment), rights_and_visibility.second);
  }
}

TEST_F(AccessTest, DiffLeavesOutPathsAboveTheGrant) {
  const std::string id = CreateSample();
  const std::string grantee = "binhhunghoa.editor";
  Session s = NewAccount(grantee, kOtherWard, Role::kUnitEditor);
  const std::string v2 =
      JsonSet(SampleWithNationalId(kSampleNationalId), "phone", "\"0909000111\"");
  ASSERT_OK(db().Update(editor(), id, 1, JsonSet(v2, "mainDuties", "\"Hộ tịch.\""), Ctx()));
  Issue(ReadGrant(grantee, "", {id}, kGrantRead, {}));

  const auto all = Must(db().Diff(editor(), id, 1, 2));
  EXPECT_EQ(all, (std::vector<std::string>{"$.phone", "$.mainDuties"}));
  const auto seen = Must(db().Diff(s, id, 1, 2, Purpose::kTraining));
  EXPECT_EQ(seen, std::vector<std::string>{"$.mainDuties"});
}

TEST_F(AccessTest, ExplainReplaysARevokedGrantAsOfThen) {
  const std::string id = CreateSample();
  const std::string grantee = "binhhunghoa.editor";
  NewAccount(grantee, kOtherWard, Role::kUnitEditor);
  clock_.Advance(kMinute);
  const std::string grant =
      Issue(ReadGrant(grantee, "", {id}, kGrantRead, {Purpose::kRankPromotion}));
  clock_.Advance(kMinute);
  const std::int64_t while_in_force = clock_.NowMicros();
  clock_.Advance(kMinute);
  ASSERT_OK(db().RevokeGrant(admin(), grant, Ctx("revoke")));
  clock_.Advance(kMinute);

  auto then = db().Explain(admin(), grantee, Action::kReadDossier, id, while_in_force,
                           Purpose::kRankPromotion);
  ASSERT_OK(then);
  EXPECT_TRUE(then->allowed) << then->reason;
  EXPECT_EQ(then->rule, "grant");
  EXPECT_EQ(then->grant_id, grant);

  auto now = db().Explain(admin(), grantee, Action::kReadDossier, id, clock_.NowMicros(),
                          Purpose::kRankPromotion);
  ASSERT_OK(now);
  EXPECT_FALSE(now->allowed);
  EXPECT_TRUE(now->grant_id.empty());
  EXPECT_TRUE(Contains(now->reason, "revoked")) << now->reason;
}

// ------------------------------------------------------------------------------- hand-over

TEST_F(AccessTest, ApprovedHandOverMovesTheDossierToTheReceivingUnit) {
  const std::string id = CreateSample();
  const std::string receiver = "binhhunghoa.editor";
  Session to = NewAccount(receiver, kOtherWard, Role::kUnitEditor);
  EXPECT_DENIED(db().Get(to, id));
  EXPECT_DENIED(db().Get(to, id, Purpose::kAppointment));

  auto request = db().RequestHandOver(to, id, Document("25/CV-UBND"), "điều động công tác");
  ASSERT_OK(request);
  EXPECT_EQ(request->state, HandOverState::kPending);
  EXPECT_EQ(request->from_unit, kWard);
  EXPECT_EQ(request->to_unit, kOtherWard);
  EXPECT_EQ(request->requested_by, receiver);
  EXPECT_DENIED(db().DecideHandOver(to, request->id, true, Ctx("self-approval")));
  EXPECT_EQ(VersionOf(id, editor()), 1u);

  auto decided = db().DecideHandOver(editor(), request->id, true, Ctx("approve"));
  ASSERT_OK(decided);
  EXPECT_EQ(decided->state, HandOverState::kApproved);
  EXPECT_EQ(decided->decided_by, kEditorUser);

  auto moved = db().Get(to, id);
  ASSERT_OK(moved);
  EXPECT_EQ(moved->managing_unit(), kOtherWard);
  EXPECT_EQ(moved->version(), 2u);
  ExpectVisibility(moved, Visibility::kConfidential);
  auto history = db().History(to, id);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().kind, ChangeKind::kHandOver);
  EXPECT_OK(Touch(to, id, 2, kOtherWard));

  EXPECT_DENIED(db().Get(editor(), id));
  EXPECT_DENIED(Touch(editor(), id, 3, kOtherWard));
  EXPECT_DENIED(Touch(editor(), id, 3, kWard));
}

TEST_F(AccessTest, RejectedHandOverLeavesTheDossier) {
  const std::string id = CreateSample();
  Session to = NewAccount("binhhunghoa.editor", kOtherWard, Role::kUnitEditor);
  auto request = db().RequestHandOver(to, id, Document("26/CV-UBND"), "điều động công tác");
  ASSERT_OK(request);
  auto decided =
      db().DecideHandOver(editor(), request->id, false, ChangeContext{"không đồng ý", {}});
  ASSERT_OK(decided);
  EXPECT_EQ(decided->state, HandOverState::kRejected);

  auto kept = db().Get(editor(), id);
  ASSERT_OK(kept);
  EXPECT_EQ(kept->managing_unit(), kWard);
  EXPECT_EQ(kept->version(), 1u);
  EXPECT_EQ(Must(db().History(editor(), id)).size(), 1u);
  EXPECT_DENIED(db().Get(to, id));
  EXPECT_DENIED(Touch(to, id, 1, kOtherWard));
  auto listed = db().ListHandOvers(to);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).state, HandOverState::kRejected);
}

// ------------------------------------------------------------------------------- audit log

TEST_F(AccessTest, LoginsAndLogoutsAreAuditedButNotANameThatIsNoAccount) {
  const std::uint64_t from = AuditLog().back().sequence + 1;
  const std::string wrong = "không phải mật khẩu 2024";
  EXPECT_DENIED(db().Login(kEditorUser, wrong));
  EXPECT_DENIED(db().Login("khong.ton.tai", wrong));
  EXPECT_DENIED(db().Login(kEditorPassword, wrong)) << "a password typed into the name field";
  Session s = LoginOrDie(db(), kEditorUser, kEditorPassword);
  EXPECT_OK(db().Logout(s));

  const Entries log = AuditLog(nullptr, from);
  EXPECT_EQ(Matching(log, kEditorUser, "login", kEditorUser, false).size(), 1u);
  EXPECT_EQ(Matching(log, "-", "login", "-", false).size(), 2u)
      << "unknown names are recorded as \"-\"";
  EXPECT_EQ(Matching(log, kEditorUser, "login", kEditorUser, true).size(), 1u);
  EXPECT_EQ(Matching(log, kEditorUser, "logout", kEditorUser, true).size(), 1u);
  ExpectNoEntryHolds(log, {"khong.ton.tai", kEditorPassword, wrong});
}

TEST_F(AccessTest, AuditChainVerifiesAndHoldsNoSecrets) {
  const std::string id = CreateSample();
  const std::string wrong = "không phải mật khẩu 2024";
  const std::string grantee = "binhhunghoa.editor";
  Session s = NewAccount(grantee, kOtherWard, Role::kUnitEditor);
  EXPECT_DENIED(db().Login(kEditorUser, wrong));
  EXPECT_OK(Touch(editor(), id, 1));
  EXPECT_DENIED(db().Get(s, id, Purpose::kTraining));
  const std::string grant =
      Issue(ReadGrant(grantee, "", {id}, kGrantRead | kGrantReadPersonal, {}));
  EXPECT_OK(db().Get(s, id, Purpose::kTraining));

  auto first = db().VerifyAudit(admin(), nullptr);
  ASSERT_OK(first);
  EXPECT_TRUE(first->ok) << first->first_bad_sequence << ": " << first->problem;
  auto digest = db().DigestAudit(admin());
  ASSERT_OK(digest);
  EXPECT_EQ(digest->head_hex.size(), 64u);

  auto temporary = db().ResetPassword(admin(), grantee, Document("09/BC-UBND"));
  ASSERT_OK(temporary);
  EXPECT_OK(db().RevokeGrant(admin(), grant, Ctx("revoke")));
  EXPECT_OK(db().ChangeStatus(editor(), id, 2, "nghiHuu", Ctx("retire")));
  EXPECT_DENIED(db().Login(grantee, wrong));
  Session again = LoginOrDie(db(), grantee, *temporary);
  EXPECT_OK(db().ChangePassword(again, *temporary, "mật khẩu thứ hai của bình 2024"));

  auto second = db().VerifyAudit(admin(), &*digest);
  ASSERT_OK(second);
  EXPECT_TRUE(second->ok) << second->first_bad_sequence << ": " << second->problem;
  EXPECT_GT(second->entries, digest->sequence);
  auto stats = db().Stats(admin());
  ASSERT_OK(stats);
  EXPECT_GE(stats->audit_entries, second->entries) << "Stats counts the log's entries";
  AuditDigest other = *digest;
  other.head_hex[0] = other.head_hex[0] == '0' ? '1' : '0';
  auto against_other = db().VerifyAudit(admin(), &other);
  EXPECT_TRUE(!against_other.ok() || !against_other->ok) << "a digest the log never had";

  const std::vector<std::string> secrets = {kAdminPassword,
                                            kEditorPassword,
                                            TemporaryFor(grantee),
                                            PasswordFor(grantee),
                                            wrong,
                                            *temporary,
                                            "mật khẩu thứ hai của bình 2024",
                                            kSampleNationalId};
  const Entries log = AuditLog();
  ASSERT_GT(log.size(), 20u);
  ExpectNoEntryHolds(log, secrets);
}

// Promise 5: every call is audited, Sync included (it used to write no entry when allowed).
TEST_F(AccessTest, SyncIsAuditedAllowedOrDenied) {
  // The Sync entries of the log (reading the log is audited too, so count only those).
  auto syncs = [&] {
    Entries out;
    for (const AuditRecord& e : AuditLog())
      if (e.target == "sync") out.push_back(e);
    return out;
  };
  ASSERT_TRUE(syncs().empty());
  ASSERT_TRUE(db().Sync(editor()).ok());
  Entries log = syncs();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.back().actor, kEditorUser);
  EXPECT_TRUE(log.back().allowed);

  Session gone = editor();
  ASSERT_TRUE(db().Logout(gone).ok());
  EXPECT_EQ(db().Sync(gone).code(), StatusCode::kPermissionDenied);
  log = syncs();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_FALSE(log.back().allowed);
}

// A call about an account, grant or hand-over that does not exist passes the policy and is
// audited like every call: one who may act learns NotFound (audited as refused, "not-found");
// one who may not is refused, and so learns nothing of what exists.
TEST_F(AccessTest, MissingTargetsOfRegistryCallsAreDecidedAndAudited) {
  const std::size_t before = AuditLog().size();
  struct Call {
    const char* target;
    std::function<Status(const Session&)> run;
  };
  const std::vector<Call> calls = {
      {"nobody.here", [&](const Session& s) { return db().SetAccountState(s, "nobody.here", AccountState::kRestricted, Ctx("x")).status(); }},
      {"nobody.here", [&](const Session& s) { return db().SetAccountRole(s, "nobody.here", Role::kUnitEditor, Ctx("x")).status(); }},
      {"nobody.here", [&](const Session& s) { return db().ResetPassword(s, "nobody.here", {"12/BC", "2026-11-30"}).status(); }},
      {"GR99999999", [&](const Session& s) { return db().RevokeGrant(s, "GR99999999", Ctx("x")).status(); }},
      {"HO99999999", [&](const Session& s) { return db().DecideHandOver(s, "HO99999999", false, Ctx("x")).status(); }},
  };
  for (const Call& c : calls) {
    EXPECT_TRUE(Is(StatusCode::kNotFound, c.run(admin()))) << c.target;
    EXPECT_DENIED(c.run(editor())) << c.target;
  }
  Entries log = AuditLog();
  ASSERT_GE(log.size(), before + 2 * calls.size());
  std::size_t misses = 0, refusals = 0;
  for (std::size_t i = before; i < log.size(); ++i) {
    const AuditRecord& e = log[i];
    if (e.action == ActionName(Action::kReadAudit)) continue;  // AuditLog() reads the log, audited too
    EXPECT_FALSE(e.allowed) << e.target;
    if (e.rule == "not-found") {
      ++misses;
      EXPECT_EQ(e.actor, kAdminUser);
    } else {
      ++refusals;
      EXPECT_EQ(e.actor, kEditorUser);
    }
  }
  EXPECT_EQ(misses, calls.size());
  EXPECT_EQ(refusals, calls.size());
}

// The texts registry calls keep and the audit log shows (document numbers, a signer, a
// hand-over's reason) are UTF-8; a bad byte is refused, named, and changes nothing.
TEST_F(AccessTest, RegistryTextsMustBeUtf8) {
  const std::string id = CreateSample();
  Session to = NewAccount("binhhunghoa.editor", kOtherWard, Role::kUnitEditor);
  const std::size_t hand_overs = db().ListHandOvers(admin())->size();
  auto bad_number = db().RequestHandOver(to, id, Document("25/\xff"), "điều động");
  EXPECT_INVALID(bad_number);
  EXPECT_TRUE(Contains(bad_number.status().message(), "written_request.number: invalid UTF-8 at byte 3"))
      << bad_number.status().ToString();
  auto bad_reason = db().RequestHandOver(to, id, Document("25/CV"), "\xc3");
  EXPECT_INVALID(bad_reason);
  EXPECT_TRUE(Contains(bad_reason.status().message(), "reason: invalid UTF-8 at byte 0")) << bad_reason.status().ToString();
  EXPECT_EQ(db().ListHandOvers(admin())->size(), hand_overs);

  GrantSpec spec = ReadGrant(kEditorUser, "", {id}, kGrantRead, {Purpose::kAppointment});
  spec.signer = "Chủ tịch\x80";
  auto bad_signer = db().IssueGrant(admin(), spec, Ctx("grant"));
  EXPECT_INVALID(bad_signer);
  EXPECT_TRUE(Contains(bad_signer.status().message(), "signer: invalid UTF-8")) << bad_signer.status().ToString();
  EXPECT_TRUE(db().ListGrants(admin())->empty());
  EXPECT_INVALID(db().ResetPassword(admin(), kEditorUser, {"\xfe", "2026-11-30"}));
}

// A count by an identifying field is refused to everyone, and the refusal is audited: an
// attempt to single a person out is an access like any other.
TEST_F(AccessTest, ACountByAnIdentifyingFieldIsRefusedAndAudited) {
  CountQuery c;
  c.filter = Filter::Eq(Field::kNationalId, kSampleNationalId);
  const Status refused = db().Count(editor(), c).status();
  EXPECT_INVALID(refused);
  EXPECT_FALSE(Contains(refused.message(), kSampleNationalId));
  Entries log = AuditLog();
  const AuditRecord* entry = nullptr;
  for (const AuditRecord& e : log) {
    if (e.target == "count") entry = &e;
  }
  ASSERT_NE(entry, nullptr);
  EXPECT_FALSE(entry->allowed);
  EXPECT_EQ(entry->rule, "count-identifying-field");
  EXPECT_EQ(entry->actor, kEditorUser);
  EXPECT_FALSE(Contains(entry->reason, kSampleNationalId));
}

}  // namespace
}  // namespace hsdt
