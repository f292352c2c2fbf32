// Roles, account states, purposes, actions and decisions: the vocabulary of hsdt's tiered access
// policy (docs/security.md). Every call on a Database is decided by one policy evaluator, in this
// vocabulary, and recorded in the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// Append-only numbering (part of the C ABI).
enum class Role : int {
  kDistrictAdmin = 1,    // tier 2: accounts, units, grants, hand-over approval, district reads
  kDistrictAuditor = 2,  // tier 2: audit log and reports, never dossier content
  kUnitEditor = 3,       // tier 1: creates, updates and reads the dossiers its unit manages
  kUnitViewer = 4,       // tier 1: reads and exports the dossiers its unit manages
};

enum class AccountState : int {
  kActive = 1,
  kRestricted = 2,  // read-only: every write is denied
  kRevoked = 3,     // cannot log in; the account is kept forever
};

// Why a dossier outside one's own unit is read (article 11). Every such read names one.
enum class Purpose : int {
  kNone = 0,
  kRecruitment = 1,
  kRankPromotion = 2,
  kSalaryRaise = 3,
  kTraining = 4,
  kAppointment = 5,
  kReward = 6,
  kDiscipline = 7,
  kInspection = 8,
  kStatistics = 9,
};

enum class Action : int {
  kReadDossier = 1,
  kReadHistory = 2,
  kExportDossier = 3,
  kCreateDossier = 4,
  kUpdateDossier = 5,
  kChangeStatus = 6,
  kRequestHandOver = 7,
  kDecideHandOver = 8,
  kManageAccounts = 9,
  kManageUnits = 10,
  kManageGrants = 11,
  kReadAudit = 12,
  kVerifyAudit = 13,
  kReadReports = 14,
  kMaintain = 15,  // backup, re-key, check, change the database key
};
inline constexpr int kActionCount = 15;

// The most sensitive level of dossier fields a decision lets through; fields above it are
// removed from what is returned (by the schema's sensitivity annotations).
enum class Visibility : int { kNormal = 0, kPersonal = 1, kConfidential = 2 };

// Rights a written-consent grant gives (bit flags).
enum GrantRight : std::uint32_t {
  kGrantRead = 1,
  kGrantReadPersonal = 2,
  kGrantReadConfidential = 4,
  kGrantExport = 8,
};

// What the policy decided and why.
struct Decision {
  bool allowed = false;
  Visibility visibility = Visibility::kNormal;
  std::string rule;      // the rule that decided, e.g. "own-unit-editor", "grant", "deny-default"
  std::string grant_id;  // the grant that allowed it, if any
  std::string reason;    // a sentence for people
};

const char* RoleName(Role role);
const char* AccountStateName(AccountState state);
const char* PurposeName(Purpose purpose);
const char* ActionName(Action action);
const char* VisibilityName(Visibility visibility);  // "normal", "personal", "confidential"
std::optional<Role> ParseRole(std::string_view name);
std::optional<AccountState> ParseAccountState(std::string_view name);
std::optional<Purpose> ParsePurpose(std::string_view name);
// True for kNone and the nine purposes of article 11 (a C caller can pass any integer).
bool IsPurpose(Purpose purpose);
std::optional<Action> ParseAction(std::string_view name);

#pragma GCC visibility pop
}  // namespace hsdt
