// The audit log as callers see it: entries, the chain's digest, and what verification found.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// One audit entry. Never a password, hash, key or dossier content.
struct AuditRecord {
  std::uint64_t sequence = 0;
  std::int64_t recorded_at_micros = 0;
  std::uint32_t key_generation = 0;
  std::string actor;    // user name, "-" before login
  std::string action;   // "read_dossier", "login", "create_account", ...
  std::string target;   // dossier id, user name, unit code, grant or hand-over id
  bool allowed = false;
  std::string purpose;  // article 11 purpose, if any
  std::string reason;   // why it was denied, or the stated reason of a change
  std::string rule;     // the policy rule or grant that decided
};

// The head of the chain: keep it outside the database; verifying against it later proves that
// nothing up to it was rewritten or dropped.
struct AuditDigest {
  std::uint64_t sequence = 0;
  std::string head_hex;  // link of entry `sequence`, 64 hex digits
};

// Which entries an inspection reads (article 14.4, Database::FindAudit); every field set must
// match. Since 1.1.
struct AuditFilter {
  std::string actor;       // the account's user name (any case); "": any
  std::string unit;        // the unit of the account that acted; "": any
  std::string dossier_id;  // entries about this dossier: its id leads the target ("HS00000001",
                           // "HS00000001@v2", "HS00000001 attachment ..."), or a query's or
                           // listing's reason names it; "": any
  std::string action;      // "read_dossier", "update_dossier", "login", ...; "": any
  std::optional<bool> allowed;  // true: allowed only, false: denied only
  std::int64_t from_micros = std::numeric_limits<std::int64_t>::min();  // recorded at or after
  std::int64_t until_micros = std::numeric_limits<std::int64_t>::max(); // recorded before
};

// A page of matching entries, in sequence order. Since 1.1.
struct AuditPage {
  std::vector<AuditRecord> entries;
  std::uint64_t next_sequence = 0;  // where the next page starts; 0: the log was read to its end
  std::uint64_t examined = 0;       // entries read to find these
};

struct AuditVerification {
  bool ok = false;
  std::uint64_t entries = 0;
  std::uint64_t first_bad_sequence = 0;  // 0 when ok
  std::string problem;                   // what is wrong with it
};

#pragma GCC visibility pop
}  // namespace hsdt
