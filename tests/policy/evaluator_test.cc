// The policy matrix: every role x action x situation, with the expected decision written out.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "policy/evaluator.h"

namespace hsdt::policy {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000'000;  // 2027-01-15
constexpr std::int64_t kDay = 86'400'000'000;

// The situations of each row, in this order.
enum Situation { kOwn, kOther, kWithGrant, kExpiredGrant, kWrongPurpose, kRestricted, kRevoked, kCount };

Principal Who(Role role) {
  Principal p;
  p.user = "someone";
  p.role = role;
  p.state = AccountState::kActive;
  const bool tier2 = role == Role::kDistrictAdmin || role == Role::kDistrictAuditor;
  p.unit = tier2 ? "777-NV" : "27460";
  p.tier = tier2 ? 2 : 1;
  return p;
}

GrantView Grant(const Principal& p, std::int64_t from, std::int64_t until, std::vector<Purpose> purposes) {
  GrantView g;
  g.id = "G1";
  g.grantee_user = p.user;
  g.scope_unit = "27463";
  g.rights = kGrantRead | kGrantReadPersonal | kGrantExport;
  g.purposes = std::move(purposes);
  g.valid_from_micros = from;
  g.valid_until_micros = until;
  return g;
}

Decision DecideIn(Role role, Action action, Situation s) {
  Principal p = Who(role);
  Resource r;
  Context c;
  std::vector<GrantView> grants;
  c.now_micros = kNow;
  r.dossier_id = "HS00000001";
  const bool own = s == kOwn || s == kRestricted || s == kRevoked;
  r.managing_unit = own ? p.unit : "27463";
  r.to_unit = p.unit;
  if (!own) c.purpose = s == kWrongPurpose ? Purpose::kDiscipline : Purpose::kTraining;
  if (s == kWithGrant) grants.push_back(Grant(p, kNow - kDay, kNow + kDay, {Purpose::kTraining}));
  if (s == kExpiredGrant) grants.push_back(Grant(p, kNow - 10 * kDay, kNow - kDay, {}));
  if (s == kWrongPurpose) grants.push_back(Grant(p, kNow - kDay, kNow + kDay, {Purpose::kTraining}));
  c.grants = grants;
  if (s == kRestricted) p.state = AccountState::kRestricted;
  if (s == kRevoked) p.state = AccountState::kRevoked;
  return Decide(p, action, r, c);
}

// A = allowed, D = denied, per situation: own unit, other unit (purpose named, no grant), other
// unit with a grant, expired grant, grant for another purpose, restricted account, revoked.
const std::map<Role, std::map<Action, std::string>>& Matrix() {
  static const std::map<Role, std::map<Action, std::string>> m = {
      {Role::kDistrictAdmin,
       {{Action::kReadDossier, "AAAAAAD"},     {Action::kReadHistory, "AAAAAAD"},
        {Action::kExportDossier, "AAAAAAD"},   {Action::kCreateDossier, "DDDDDDD"},
        {Action::kUpdateDossier, "DDDDDDD"},   {Action::kChangeStatus, "DDDDDDD"},
        {Action::kRequestHandOver, "DDDDDDD"}, {Action::kDecideHandOver, "AAAAADD"},
        {Action::kManageAccounts, "AAAAADD"},  {Action::kManageUnits, "AAAAADD"},
        {Action::kManageGrants, "AAAAADD"},    {Action::kReadAudit, "AAAAAAD"},
        {Action::kVerifyAudit, "AAAAAAD"},     {Action::kReadReports, "AAAAAAD"},
        {Action::kMaintain, "AAAAADD"}}},
      {Role::kDistrictAuditor,
       {{Action::kReadDossier, "DDDDDDD"},     {Action::kReadHistory, "DDDDDDD"},
        {Action::kExportDossier, "DDDDDDD"},   {Action::kCreateDossier, "DDDDDDD"},
        {Action::kUpdateDossier, "DDDDDDD"},   {Action::kChangeStatus, "DDDDDDD"},
        {Action::kRequestHandOver, "DDDDDDD"}, {Action::kDecideHandOver, "DDDDDDD"},
        {Action::kManageAccounts, "DDDDDDD"},  {Action::kManageUnits, "DDDDDDD"},
        {Action::kManageGrants, "DDDDDDD"},    {Action::kReadAudit, "AAAAAAD"},
        {Action::kVerifyAudit, "AAAAAAD"},     {Action::kReadReports, "AAAAAAD"},
        {Action::kMaintain, "DDDDDDD"}}},
      {Role::kUnitEditor,
       {{Action::kReadDossier, "ADADDAD"},     {Action::kReadHistory, "ADADDAD"},
        {Action::kExportDossier, "ADADDAD"},   {Action::kCreateDossier, "ADDDDDD"},
        {Action::kUpdateDossier, "ADDDDDD"},   {Action::kChangeStatus, "ADDDDDD"},
        {Action::kRequestHandOver, "DAAAADD"}, {Action::kDecideHandOver, "ADDDDDD"},
        {Action::kManageAccounts, "DDDDDDD"},  {Action::kManageUnits, "DDDDDDD"},
        {Action::kManageGrants, "DDDDDDD"},    {Action::kReadAudit, "DDDDDDD"},
        {Action::kVerifyAudit, "DDDDDDD"},     {Action::kReadReports, "ADDDDAD"},
        {Action::kMaintain, "DDDDDDD"}}},
      {Role::kUnitViewer,
       {{Action::kReadDossier, "ADADDAD"},     {Action::kReadHistory, "ADADDAD"},
        {Action::kExportDossier, "ADADDAD"},   {Action::kCreateDossier, "DDDDDDD"},
        {Action::kUpdateDossier, "DDDDDDD"},   {Action::kChangeStatus, "DDDDDDD"},
        {Action::kRequestHandOver, "DDDDDDD"}, {Action::kDecideHandOver, "DDDDDDD"},
        {Action::kManageAccounts, "DDDDDDD"},  {Action::kManageUnits, "DDDDDDD"},
        {Action::kManageGrants, "DDDDDDD"},    {Action::kReadAudit, "DDDDDDD"},
        {Action::kVerifyAudit, "DDDDDDD"},     {Action::kReadReports, "ADDDDAD"},
        {Action::kMaintain, "DDDDDDD"}}},
  };
  return m;
}

TEST(PolicyMatrixTest, EveryRoleActionAndSituationDecidesAsWrittenOut) {
  int cells = 0;
  for (const auto& [role, actions] : Matrix()) {
    ASSERT_EQ(actions.size(), static_cast<std::size_t>(kActionCount)) << RoleName(role);
    for (const auto& [action, expected] : actions) {
      for (int s = 0; s < kCount; ++s) {
        const Decision d = DecideIn(role, action, static_cast<Situation>(s));
        EXPECT_EQ(d.allowed, expected[s] == 'A')
            << RoleName(role) << " " << ActionName(action) << " situation " << s << ": " << d.rule
            << " (" << d.reason << ")";
        EXPECT_FALSE(d.reason.empty());
        ++cells;
      }
    }
  }
  EXPECT_EQ(cells, 4 * kActionCount * kCount);
}

TEST(PolicyMatrixTest, VisibilityFollowsRoleAndGrant) {
  EXPECT_EQ(DecideIn(Role::kUnitEditor, Action::kReadDossier, kOwn).visibility, Visibility::kConfidential);
  EXPECT_EQ(DecideIn(Role::kUnitViewer, Action::kReadDossier, kOwn).visibility, Visibility::kPersonal);
  EXPECT_EQ(DecideIn(Role::kDistrictAdmin, Action::kReadDossier, kOther).visibility, Visibility::kConfidential);
  const Decision g = DecideIn(Role::kUnitViewer, Action::kReadDossier, kWithGrant);
  EXPECT_EQ(g.visibility, Visibility::kPersonal);
  EXPECT_EQ(g.grant_id, "G1");
  EXPECT_EQ(g.rule, "grant");
}

TEST(PolicyMatrixTest, ReadsOutsideOneUnitNeedAPurpose) {
  Principal p = Who(Role::kDistrictAdmin);
  Resource r;
  r.managing_unit = "27460";
  Context c;
  c.now_micros = kNow;
  const Decision d = Decide(p, Action::kReadDossier, r, c);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.rule, "purpose-required");
}

TEST(PolicyMatrixTest, NobodyChangesThemselvesOrRemovesTheLastAdmin) {
  Principal admin = Who(Role::kDistrictAdmin);
  Resource self;
  self.target_user = admin.user;
  EXPECT_EQ(Decide(admin, Action::kManageAccounts, self, {}).rule, "self-change");
  EXPECT_EQ(Decide(admin, Action::kManageGrants, self, {}).rule, "self-change");
  Resource last;
  last.target_user = "other-admin";
  last.target_is_last_active_admin = true;
  last.lowers_admin = true;
  EXPECT_EQ(Decide(admin, Action::kManageAccounts, last, {}).rule, "last-admin");
  last.lowers_admin = false;  // e.g. renaming the display name is fine
  EXPECT_TRUE(Decide(admin, Action::kManageAccounts, last, {}).allowed);
  // No tier-1 account manages accounts, whatever it targets.
  EXPECT_FALSE(Decide(Who(Role::kUnitEditor), Action::kManageAccounts, last, {}).allowed);
}

TEST(PolicyMatrixTest, RevokedGrantGivesNothingAndSaysWhy) {
  Principal p = Who(Role::kUnitViewer);
  Resource r;
  r.dossier_id = "HS00000009";
  r.managing_unit = "27463";
  Context c;
  c.now_micros = kNow;
  c.purpose = Purpose::kTraining;
  GrantView g = Grant(p, kNow - kDay, kNow + kDay, {});
  g.revoked = true;
  std::vector<GrantView> grants = {g};
  c.grants = grants;
  const Decision d = Decide(p, Action::kReadDossier, r, c);
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("revoked"), std::string::npos);
  // A grant listing the dossier (not the unit) applies to it alone.
  GrantView listed = Grant(p, kNow - kDay, kNow + kDay, {});
  listed.scope_unit.clear();
  listed.dossiers = {"HS00000009"};
  grants = {listed};
  c.grants = grants;
  EXPECT_TRUE(Decide(p, Action::kReadDossier, r, c).allowed);
  r.dossier_id = "HS00000010";
  EXPECT_FALSE(Decide(p, Action::kReadDossier, r, c).allowed);
}

TEST(PolicyNamesTest, NamesRoundTrip) {
  for (int a = 1; a <= kActionCount; ++a) {
    EXPECT_EQ(ParseAction(ActionName(static_cast<Action>(a))), static_cast<Action>(a));
  }
  EXPECT_EQ(ParseRole("unit_editor"), Role::kUnitEditor);
  EXPECT_EQ(ParsePurpose("salary_raise"), Purpose::kSalaryRaise);
  EXPECT_FALSE(ParseRole("root").has_value());
}

}  // namespace
}  // namespace hsdt::policy
