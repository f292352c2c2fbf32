// A lossless archive in an open format (docs/archive.md): every version of every dossier, the
// registry's history, the audit log and the scans, as JSON Lines and files with a manifest of
// SHA-256 hashes, readable with no hsdt code. Database::ExportArchive writes one;
// Database::ImportArchive makes a new database from one, keeping every id, version, time, actor
// and source (article 12: the record outlives the software).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace hsdt {
#pragma GCC visibility push(default)

// What an export or import has done so far: called on the calling thread every 1000 items and
// at the end of each stage ("units", "accounts", "grants", "handovers", "dossiers",
// "attachments", "audit", "verify"). It must not call the library.
struct ArchiveProgress {
  std::string_view stage;
  std::uint64_t done = 0;
};
using ArchiveProgressFn = std::function<void(const ArchiveProgress&)>;

// What an archive holds.
struct ArchiveInfo {
  std::uint64_t dossiers = 0;
  std::uint64_t dossier_versions = 0;
  std::uint64_t account_versions = 0;
  std::uint64_t unit_versions = 0;
  std::uint64_t grant_versions = 0;
  std::uint64_t hand_over_versions = 0;
  std::uint64_t attachment_versions = 0;
  std::uint64_t attachment_files = 0;
  std::uint64_t audit_entries = 0;
  std::uint64_t bytes = 0;           // of every file of the archive
  std::string audit_chain_hex;       // the chain value of the last audit line (docs/archive.md)
  std::string manifest_sha256_hex;   // keep it outside: it proves the whole archive
};

#pragma GCC visibility pop
}  // namespace hsdt
