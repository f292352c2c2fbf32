// What each stored record is as an archive line (docs/archive.md), both ways: the names of
// roles, states, rights and kinds, instants as UTC text, ids printed. Reading a line checks every
// value and names the member at fault.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <hsdt/audit.h>
#include <hsdt/status.h>

#include "policy/registry.h"
#include "schema/archive_codec.h"
#include "schema/attachment_record.h"
#include "storage/store.h"

namespace hsdt::db {

std::string ArchiveAttachmentId(std::uint64_t id);

// Export.
Result<std::string> ArchiveLineOf(const policy::AccountRecord& r);  // without the password hash
Result<std::string> ArchiveLineOf(const policy::UnitRecord& r);
Result<std::string> ArchiveLineOf(const policy::GrantRecord& r);
Result<std::string> ArchiveLineOf(const policy::HandOverRecord& r);
Result<std::string> ArchiveLineOf(std::uint64_t id, const storage::VersionMeta& meta, const storage::PlainBytes& record);
Result<std::string> ArchiveLineOf(std::uint64_t id, const schema::AttachmentRecord& r, const std::string& file);
// `*chain`: chain(n-1) in, chain(n) out (32 bytes).
Result<std::string> ArchiveLineOf(const AuditRecord& e, std::string* chain);

// Import. Each returns InvalidArgument "<member>: <what>" for a value that is not one.
Status RecordOf(const schema::ArchiveAccount& a, policy::AccountRecord* out);
Status RecordOf(const schema::ArchiveUnit& a, policy::UnitRecord* out);
Status RecordOf(const schema::ArchiveGrant& a, policy::GrantRecord* out);
Status RecordOf(const schema::ArchiveHandOver& a, policy::HandOverRecord* out);
Status RecordOf(const schema::ArchiveDossierVersion& a, std::uint64_t* id, storage::VersionMeta* out);
Status RecordOf(const schema::ArchiveAttachment& a, std::uint64_t* id, schema::AttachmentRecord* out);
// `line`: the audit line as read; `*chain` as for ArchiveLineOf, checked against the line's.
Status RecordOf(const schema::ArchiveAuditEntry& a, std::string_view line, std::string* chain, AuditRecord* out);

}  // namespace hsdt::db
