// The policy evaluator: one pure decision function (principal, action, resource, context) ->
// decision. No I/O, no clock, no state: everything it needs is passed in, so the same inputs
// replayed later (Explain) give the same decision.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hsdt/policy.h>

namespace hsdt::policy {

struct Principal {
  std::string user;  // folded user name
  std::string unit;
  Role role = Role::kUnitViewer;
  AccountState state = AccountState::kRevoked;
  int tier = 1;  // of the principal's unit: 2 for 777 and 777-NV
};

// A written-consent grant as the evaluator sees it (article 8.2).
struct GrantView {
  std::string id;
  std::string grantee_user;  // folded; empty when the grantee is a unit
  std::string grantee_unit;  // empty when the grantee is an account
  std::vector<std::string> dossiers;  // scope: listed dossiers...
  std::string scope_unit;             // ...or every dossier a unit manages
  std::uint32_t rights = 0;           // GrantRight flags
  std::vector<Purpose> purposes;      // empty: any named purpose
  std::int64_t valid_from_micros = 0;
  std::int64_t valid_until_micros = 0;  // exclusive
  bool revoked = false;
};

struct Resource {
  std::string dossier_id;     // dossier actions
  std::string managing_unit;  // of the dossier (for a create: of the new dossier)
  std::string to_unit;        // hand-over: the receiving unit
  std::string target_user;    // account actions: the account changed (folded)
  bool target_is_last_active_admin = false;
  bool lowers_admin = false;  // the change revokes, restricts or demotes a district admin
  // The least visibility a read needs (an attachment's kind): a rule that allows less denies.
  Visibility needs = Visibility::kNormal;
};

struct Context {
  std::int64_t now_micros = 0;
  Purpose purpose = Purpose::kNone;
  std::span<const GrantView> grants;  // grants that may apply (the evaluator checks each)
};

// Decides. Deny by default: an action without a rule that allows it is denied.
Decision Decide(const Principal& who, Action action, const Resource& what, const Context& ctx);

// True if `action` changes something (denied to restricted accounts).
bool IsWrite(Action action);

}  // namespace hsdt::policy
