// Maintenance results: what Database::Check, Rekey and Stats report. A header of its own so the
// storage layer, which produces most of these figures, need not see the rest of the public API
// (database.h includes it, so users of database.h see no change).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// What Database::Check found. Empty `problems` means every record version authenticated and
// decoded and every index entry matched its record.
struct CheckReport {
  std::uint64_t dossiers = 0;
  std::uint64_t versions = 0;
  std::uint64_t index_entries = 0;
  std::vector<std::string> problems;  // each "<key>: <what is wrong>"
  std::uint64_t attachment_versions = 0;  // since 1.1
  std::uint64_t attachment_chunks = 0;    // distinct content's chunks read; since 1.1
};

// Progress of re-encryption to a fresh data key.
struct RekeyProgress {
  bool done = false;
  std::uint32_t key_generation = 0;  // the generation everything is being moved to
  std::uint64_t resealed = 0;        // values re-sealed by this call
  std::uint64_t remaining = 0;       // values still under an older key (0 when done)
};

struct DatabaseStats {
  std::uint64_t dossiers = 0;
  std::uint32_t key_generation = 0;
  std::uint32_t dictionary_id = 0;  // compression dictionary used for new writes (0: none)
  std::uint64_t record_cache_hits = 0;
  std::uint64_t record_cache_misses = 0;
  std::uint64_t disk_bytes = 0;     // bytes of every file in the database directory
  std::uint64_t audit_entries = 0;  // entries in the audit log
  std::uint64_t audit_bytes = 0;    // of disk_bytes, the audit log's table files
  bool read_only = false;
  std::string read_only_reason;
};

#pragma GCC visibility pop
}  // namespace hsdt
