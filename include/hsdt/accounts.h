// Accounts, units, written-consent grants and hand-overs: the registry a district administrator
// keeps (articles 3.3, 7, 8.2, 10, 14.3). Every change is a new version, kept forever.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <hsdt/dossier.h>
#include <hsdt/policy.h>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// The first district administrator, given when a database is created.
struct AdminCredentials {
  std::string user_name;
  std::string display_name;
  std::string password;
};

struct AccountSpec {
  std::string user_name;  // unique, case-insensitive; 1 to 64 bytes
  std::string display_name;
  std::string unit;       // a unit code of the registry
  Role role = Role::kUnitViewer;
  std::string password;   // 12 to 128 characters; the holder must change it at first login
};

struct AccountInfo {
  std::string user_name;
  std::string display_name;
  std::string unit;
  Role role = Role::kUnitViewer;
  AccountState state = AccountState::kActive;
  bool must_change_password = false;
  std::uint32_t failed_logins = 0;
  std::int64_t locked_until_micros = 0;
  std::uint32_t version = 0;
  std::int64_t changed_at_micros = 0;
  std::string changed_by;
};

struct UnitSpec {
  std::string code;
  std::string name_vi;
  std::string kind;  // district, district_office, agency, public_service_unit, ward
};

struct UnitInfo {
  std::string code;
  std::string name_vi;
  std::string kind;
  int tier = 1;
  bool active = true;
  std::uint32_t version = 0;
};

// A written-consent grant (article 8.2): who may read which dossiers, with which rights, for
// which purposes, on the authority of which written approval, from when until when.
struct GrantSpec {
  std::string grantee_user;            // an account...
  std::string grantee_unit;            // ...or a unit (exactly one of the two)
  std::vector<std::string> dossiers;   // listed dossiers...
  std::string scope_unit;              // ...or every dossier a unit manages (exactly one)
  std::uint32_t rights = kGrantRead;   // GrantRight flags
  std::vector<Purpose> purposes;       // empty: any named purpose
  SourceDocument legal_basis;          // the written approval: number and date
  std::string signer;                  // who signed it
  std::int64_t valid_from_micros = 0;
  std::int64_t valid_until_micros = 0; // exclusive
};

struct GrantInfo {
  std::string id;  // "GR00000001"
  GrantSpec spec;
  std::string issued_by;
  bool revoked = false;
  std::uint32_t version = 0;
};

enum class HandOverState : int { kPending = 1, kApproved = 2, kRejected = 3 };

struct HandOverInfo {
  std::string id;  // "HO00000001"
  std::string dossier_id;
  std::string from_unit;
  std::string to_unit;
  SourceDocument written_request;  // the receiving unit's written request
  std::string requested_by;
  HandOverState state = HandOverState::kPending;
  std::string decided_by;
  std::uint32_t version = 0;
};

#pragma GCC visibility pop
}  // namespace hsdt
