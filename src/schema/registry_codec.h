// The registry's stored records (schema/registry.capnp) as plain C++ structs, and their codec:
// flat, unpacked Cap'n Proto messages, byte for byte what earlier versions wrote (docs/format.md,
// "Registry"). Keys, versions, sealing and the memory copy belong to policy/registry.h.
//
// Threads: every function is pure and safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/accounts.h>
#include <hsdt/policy.h>
#include <hsdt/status.h>

namespace hsdt::schema {

// Who made a registry change, why, and on what authority.
struct RegistryChange {
  std::string actor;
  std::string reason;
  std::string source_number;
  std::string source_date;
};

struct StoredAccount {
  std::string user_name;  // as entered; the key is its case-folded form
  std::string display_name;
  std::string unit;
  Role role = Role::kUnitViewer;
  AccountState state = AccountState::kActive;
  std::string password_hash;
  bool must_change_password = false;
  std::uint32_t session_epoch = 0;
  RegistryChange change;
};

// Not versioned: the failed-login counter and lock, kept across restarts.
struct StoredLoginState {
  std::uint32_t failed_logins = 0;
  std::int64_t locked_until_micros = 0;
};

struct StoredUnit {
  std::string code;
  std::string name_vi;
  std::string kind;
  int tier = 1;
  bool active = true;
  RegistryChange change;
};

struct StoredGrant {
  std::string id;
  std::string grantee_user;  // folded, or empty
  std::string grantee_unit;  // or empty
  std::vector<std::string> dossiers;
  std::string scope_unit;
  std::uint32_t rights = 0;  // GrantRight flags
  std::vector<Purpose> purposes;
  std::string legal_number;
  std::string legal_date;
  std::string legal_signer;
  std::int64_t valid_from_micros = 0;
  std::int64_t valid_until_micros = 0;
  std::string issued_by;
  bool revoked = false;
  RegistryChange change;
};

struct StoredHandOver {
  std::string id;
  std::string dossier_id;
  std::string from_unit;
  std::string to_unit;
  std::string request_number;
  std::string request_date;
  std::string requested_by;
  HandOverState state = HandOverState::kPending;
  std::string decided_by;
  RegistryChange change;
};

// The flat message of a record (plaintext: the caller seals it).
// Returns: the bytes; InvalidArgument if Cap'n Proto refuses a value.
Result<std::string> Encode(const StoredAccount& r);
Result<std::string> Encode(const StoredLoginState& r);
Result<std::string> Encode(const StoredUnit& r);
Result<std::string> Encode(const StoredGrant& r);
Result<std::string> Encode(const StoredHandOver& r);

// Decodes the flat message `words` (8-byte aligned; `size_bytes` a multiple of 8) of the record
// stored under registry key `key` into `*out` (a fresh value).
// Returns: Ok; Corruption "registry/<key in hex>: <what>" if it does not decode.
Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredAccount* out);
Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredLoginState* out);
Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredUnit* out);
Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredGrant* out);
Status Decode(const std::uint64_t* words, std::size_t size_bytes, std::string_view key, StoredHandOver* out);

}  // namespace hsdt::schema
