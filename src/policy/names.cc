#include <hsdt/attachment.h>
#include <hsdt/policy.h>

#include <algorithm>
#include <array>
#include <utility>

namespace hsdt {
namespace {

template <typename E, std::size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> Parse(const std::array<std::pair<E, const char*>, N>& table, std::string_view name) {
  for (const auto& [v, n] : table) {
    if (name == n) return v;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<Role, const char*>, 4> kRoles = {{
    {Role::kDistrictAdmin, "district_admin"},
    {Role::kDistrictAuditor, "district_auditor"},
    {Role::kUnitEditor, "unit_editor"},
    {Role::kUnitViewer, "unit_viewer"},
}};

constexpr std::array<std::pair<AccountState, const char*>, 3> kStates = {{
    {AccountState::kActive, "active"},
    {AccountState::kRestricted, "restricted"},
    {AccountState::kRevoked, "revoked"},
}};

constexpr std::array<std::pair<Purpose, const char*>, 10> kPurposes = {{
    {Purpose::kNone, "none"},
    {Purpose::kRecruitment, "recruitment"},
    {Purpose::kRankPromotion, "rank_promotion"},
    {Purpose::kSalaryRaise, "salary_raise"},
    {Purpose::kTraining, "training"},
    {Purpose::kAppointment, "appointment"},
    {Purpose::kReward, "reward"},
    {Purpose::kDiscipline, "discipline"},
    {Purpose::kInspection, "inspection"},
    {Purpose::kStatistics, "statistics"},
}};

constexpr std::array<std::pair<Action, const char*>, kActionCount> kActions = {{
    {Action::kReadDossier, "read_dossier"},
    {Action::kReadHistory, "read_history"},
    {Action::kExportDossier, "export_dossier"},
    {Action::kCreateDossier, "create_dossier"},
    {Action::kUpdateDossier, "update_dossier"},
    {Action::kChangeStatus, "change_status"},
    {Action::kRequestHandOver, "request_hand_over"},
    {Action::kDecideHandOver, "decide_hand_over"},
    {Action::kManageAccounts, "manage_accounts"},
    {Action::kManageUnits, "manage_units"},
    {Action::kManageGrants, "manage_grants"},
    {Action::kReadAudit, "read_audit"},
    {Action::kVerifyAudit, "verify_audit"},
    {Action::kReadReports, "read_reports"},
    {Action::kMaintain, "maintain"},
}};

constexpr std::array<std::pair<Visibility, const char*>, 3> kVisibilities = {{
    {Visibility::kNormal, "normal"},
    {Visibility::kPersonal, "personal"},
    {Visibility::kConfidential, "confidential"},
}};

struct KindEntry {
  AttachmentKind kind;
  const char* name;
  Visibility visibility;
};
constexpr std::array<KindEntry, kAttachmentKindCount> kKinds = {{
    {AttachmentKind::kDecision, "decision", Visibility::kNormal},
    {AttachmentKind::kDiploma, "diploma", Visibility::kNormal},
    {AttachmentKind::kPersonalForm, "personal_form", Visibility::kPersonal},
    {AttachmentKind::kDiscipline, "discipline", Visibility::kConfidential},
    {AttachmentKind::kAssetDeclaration, "asset_declaration", Visibility::kConfidential},
    {AttachmentKind::kEvaluation, "evaluation", Visibility::kConfidential},
    {AttachmentKind::kOther, "other", Visibility::kNormal},
}};

}  // namespace

const char* VisibilityName(Visibility v) { return NameOf(kVisibilities, v); }
const char* AttachmentKindName(AttachmentKind k) {
  for (const auto& e : kKinds) {
    if (e.kind == k) return e.name;
  }
  return "unknown";
}
std::optional<AttachmentKind> ParseAttachmentKind(std::string_view n) {
  for (const auto& e : kKinds) {
    if (n == e.name) return e.kind;
  }
  return std::nullopt;
}
Visibility AttachmentKindVisibility(AttachmentKind k) {
  for (const auto& e : kKinds) {
    if (e.kind == k) return e.visibility;
  }
  return Visibility::kConfidential;  // an unknown kind is treated as the most sensitive
}
const char* RoleName(Role r) { return NameOf(kRoles, r); }
const char* AccountStateName(AccountState s) { return NameOf(kStates, s); }
const char* PurposeName(Purpose p) { return NameOf(kPurposes, p); }
const char* ActionName(Action a) { return NameOf(kActions, a); }
bool IsPurpose(Purpose p) {
  return std::any_of(kPurposes.begin(), kPurposes.end(), [p](const auto& e) { return e.first == p; });
}
std::optional<Role> ParseRole(std::string_view n) { return Parse(kRoles, n); }
std::optional<AccountState> ParseAccountState(std::string_view n) { return Parse(kStates, n); }
std::optional<Purpose> ParsePurpose(std::string_view n) { return Parse(kPurposes, n); }
std::optional<Action> ParseAction(std::string_view n) { return Parse(kActions, n); }

}  // namespace hsdt
