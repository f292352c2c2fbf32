// The lines and the manifest of an archive (docs/archive.md; schema/archive.capnp) as plain C++
// structs, and their JSON: each Encode gives one line (no newline), each Decode checks one line
// strictly (unknown members, types, UTF-8, text limits) and names the JSON path at fault.
// Enumerations are their names here; the layers above map them.
//
// Threads: every function is pure and safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

#include "schema/record.h"

namespace hsdt::schema {

struct ArchiveChange {
  std::string actor;
  std::string reason;
  std::string source_number;
  std::string source_date;
};

// One dossier version. Encoding reads the stored flat record; decoding gives a message.
struct ArchiveDossierVersion {
  std::string id;
  std::uint32_t version = 0;
  std::string recorded_at;
  std::string kind;
  std::string status;
  ArchiveChange change;
  std::unique_ptr<DossierMessage> dossier;  // decoded only
};

struct ArchiveAccount {
  std::string user_name;
  std::uint32_t version = 0;
  std::string recorded_at;
  std::string display_name;
  std::string unit;
  std::string role;
  std::string state;
  bool must_change_password = false;
  std::uint32_t session_epoch = 0;
  ArchiveChange change;
};

struct ArchiveUnit {
  std::string code;
  std::uint32_t version = 0;
  std::string recorded_at;
  std::string name_vi;
  std::string kind;
  std::uint32_t tier = 0;
  bool active = false;
  ArchiveChange change;
};

struct ArchiveGrant {
  std::string id;
  std::uint32_t version = 0;
  std::string recorded_at;
  std::string grantee_user;
  std::string grantee_unit;
  std::vector<std::string> dossiers;
  std::string scope_unit;
  std::vector<std::string> rights;
  std::vector<std::string> purposes;
  std::string legal_number;
  std::string legal_date;
  std::string legal_signer;
  std::string valid_from;
  std::string valid_until;
  std::string issued_by;
  bool revoked = false;
  ArchiveChange change;
};

struct ArchiveHandOver {
  std::string id;
  std::uint32_t version = 0;
  std::string recorded_at;
  std::string dossier_id;
  std::string from_unit;
  std::string to_unit;
  std::string request_number;
  std::string request_date;
  std::string requested_by;
  std::string state;
  std::string decided_by;
  ArchiveChange change;
};

struct ArchiveAuditEntry {
  std::uint64_t sequence = 0;
  std::string recorded_at;
  std::string actor;
  std::string action;
  std::string target;
  bool allowed = false;
  std::string purpose;
  std::string reason;
  std::string rule;
  std::string chain;
};

struct ArchiveAttachment {
  std::string id;
  std::uint32_t version = 0;
  std::string recorded_at;
  std::string dossier_id;
  std::uint32_t dossier_version = 0;
  std::string event;
  std::string kind;
  std::string title;
  std::string source_number;
  std::string source_date;
  std::uint32_t pages = 0;
  std::string media_type;
  std::uint64_t size = 0;
  std::string sha256;
  std::string file;
  std::string actor;
  std::string reason;
};

struct ArchiveFile {
  std::string path;
  std::uint64_t bytes = 0;
  std::string sha256;
};

struct ArchiveManifest {
  std::string format;
  std::uint32_t format_version = 0;
  std::string software;
  std::string created_at;
  std::string time_zone;
  std::uint64_t dossiers = 0;
  std::uint64_t dossier_versions = 0;
  std::uint64_t account_versions = 0;
  std::uint64_t unit_versions = 0;
  std::uint64_t grant_versions = 0;
  std::uint64_t hand_over_versions = 0;
  std::uint64_t attachment_versions = 0;
  std::uint64_t audit_entries = 0;
  std::uint64_t audit_last_sequence = 0;
  std::string audit_chain;
  std::vector<ArchiveFile> files;
};

// The longest line Decode accepts (a dossier is at most ~1 MiB as JSON).
inline constexpr std::size_t kMaxArchiveLineBytes = std::size_t{4} << 20;

// `words`/`size_bytes`: the version's stored flat record. Returns: the line; Corruption if the
// record does not decode.
Result<std::string> EncodeArchiveLine(const ArchiveDossierVersion& v, const std::uint64_t* words,
                                      std::size_t size_bytes);
Result<std::string> EncodeArchiveLine(const ArchiveAccount& v);
Result<std::string> EncodeArchiveLine(const ArchiveUnit& v);
Result<std::string> EncodeArchiveLine(const ArchiveGrant& v);
Result<std::string> EncodeArchiveLine(const ArchiveHandOver& v);
Result<std::string> EncodeArchiveLine(const ArchiveAuditEntry& v);
Result<std::string> EncodeArchiveLine(const ArchiveAttachment& v);
// Pretty-printed, with a final newline.
Result<std::string> EncodeArchiveManifest(const ArchiveManifest& m);

// Returns: Ok; InvalidArgument "<json path>: <what>".
Status DecodeArchiveLine(std::string_view line, ArchiveDossierVersion* out);
Status DecodeArchiveLine(std::string_view line, ArchiveAccount* out);
Status DecodeArchiveLine(std::string_view line, ArchiveUnit* out);
Status DecodeArchiveLine(std::string_view line, ArchiveGrant* out);
Status DecodeArchiveLine(std::string_view line, ArchiveHandOver* out);
Status DecodeArchiveLine(std::string_view line, ArchiveAuditEntry* out);
Status DecodeArchiveLine(std::string_view line, ArchiveAttachment* out);
Status DecodeArchiveManifest(std::string_view json, ArchiveManifest* out);

// An instant as archive text ("2026-12-03T06:12:01.123456Z"), and back (exactly that form).
// Returns: InvalidArgument for an instant outside the years 0001-9999, or text not of the form.
Result<std::string> ArchiveInstant(std::int64_t micros);
Result<std::int64_t> ParseArchiveInstant(std::string_view text);

}  // namespace hsdt::schema
