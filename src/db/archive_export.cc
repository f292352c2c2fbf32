// Database::ExportArchive: everything the database holds, as of one snapshot, in the open format
// of docs/archive.md, streamed (one dossier's history in memory at a time).
#include <hsdt/archive.h>
#include <hsdt/version.h>

#include <filesystem>

#include "base/coding.h"
#include "base/files.h"
#include "db/archive_files.h"
#include "db/archive_records.h"
#include "db/database_impl.h"
#include "storage/attachment_store.h"

namespace hsdt {
namespace {

namespace fs = std::filesystem;
using db::archive::FileWriter;

}  // namespace

Result<ArchiveInfo> Database::Impl::ExportArchive(db::archive::ArchiveDir& out, const std::string& dir,
                                                  const ArchiveProgressFn& progress_fn) {
  namespace ar = db::archive;
  // A view reads as of its last catch-up, which another thread may move mid-export: an archive
  // is one snapshot, taken by the process that writes.
  if (store_->read_only()) {
    return Status::InvalidArgument("archive export: a read-only view has no snapshot to export; export from the "
                                   "process that opened the database for writing");
  }
  HSDT_RETURN_IF_ERROR(out.Begin(dir));
  HSDT_RETURN_IF_ERROR(audit_->Flush());  // every entry of the calls before this one
  const storage::HeldSnapshot snapshot(*store_);
  schema::ArchiveManifest m;
  m.format = ar::kFormat;
  m.format_version = ar::kFormatVersion;
  m.software = std::string("hsdt ") + VersionString();
  HSDT_ASSIGN_OR_RETURN(m.created_at, schema::ArchiveInstant(Now()));
  m.time_zone = options_.time_zone;

  // The registry: one scan in key order feeds four files.
  FileWriter accounts, grants, hand_overs, units;
  HSDT_RETURN_IF_ERROR(accounts.Create(dir, ar::kAccounts));
  HSDT_RETURN_IF_ERROR(grants.Create(dir, ar::kGrants));
  HSDT_RETURN_IF_ERROR(hand_overs.Create(dir, ar::kHandOvers));
  HSDT_RETURN_IF_ERROR(units.Create(dir, ar::kUnits));
  policy::Registry::VersionVisitor visit;
  visit.account = [&](policy::AccountRecord r) -> Status {
    HSDT_ASSIGN_OR_RETURN(std::string line, db::ArchiveLineOf(r));
    ar::ReportProgress(progress_fn, "accounts", ++m.account_versions);
    return accounts.Line(line);
  };
  visit.grant = [&](policy::GrantRecord r) -> Status {
    HSDT_ASSIGN_OR_RETURN(std::string line, db::ArchiveLineOf(r));
    ar::ReportProgress(progress_fn, "grants", ++m.grant_versions);
    return grants.Line(line);
  };
  visit.hand_over = [&](policy::HandOverRecord r) -> Status {
    HSDT_ASSIGN_OR_RETURN(std::string line, db::ArchiveLineOf(r));
    ar::ReportProgress(progress_fn, "handovers", ++m.hand_over_versions);
    return hand_overs.Line(line);
  };
  visit.unit = [&](policy::UnitRecord r) -> Status {
    HSDT_ASSIGN_OR_RETURN(std::string line, db::ArchiveLineOf(r));
    ar::ReportProgress(progress_fn, "units", ++m.unit_versions);
    return units.Line(line);
  };
  HSDT_RETURN_IF_ERROR(policy::Registry::VisitVersions(store_.get(), snapshot.get(), visit));
  for (FileWriter* f : {&units, &accounts, &grants, &hand_overs}) {
    HSDT_ASSIGN_OR_RETURN(schema::ArchiveFile file, f->Finish());
    m.files.push_back(std::move(file));
  }
  ar::ReportProgress(progress_fn, "units", m.unit_versions, true);
  ar::ReportProgress(progress_fn, "accounts", m.account_versions, true);
  ar::ReportProgress(progress_fn, "grants", m.grant_versions, true);
  ar::ReportProgress(progress_fn, "handovers", m.hand_over_versions, true);

  // Every version of every dossier.
  FileWriter dossiers;
  HSDT_RETURN_IF_ERROR(dossiers.Create(dir, ar::kDossiers));
  HSDT_RETURN_IF_ERROR(store_->VisitVersions(
      snapshot.get(), [&](std::uint64_t id, const storage::VersionMeta& meta, const storage::PlainBytes& record) -> Status {
        HSDT_ASSIGN_OR_RETURN(std::string line, db::ArchiveLineOf(id, meta, record));
        if (meta.version == 1) ++m.dossiers;
        ar::ReportProgress(progress_fn, "dossiers", ++m.dossier_versions);
        return dossiers.Line(line);
      }));
  HSDT_ASSIGN_OR_RETURN(schema::ArchiveFile dossiers_file, dossiers.Finish());
  m.files.push_back(std::move(dossiers_file));
  ar::ReportProgress(progress_fn, "dossiers", m.dossier_versions, true);

  // Attachments: a line per version, a file per scan (the same scan once).
  FileWriter attachments;
  HSDT_RETURN_IF_ERROR(attachments.Create(dir, ar::kAttachments));
  std::uint64_t scan_files = 0;
  HSDT_RETURN_IF_ERROR(attachments_->VisitRecords(
      snapshot.get(), [&](std::uint64_t id, schema::AttachmentRecord r) -> Status {
        const std::string sha = base::HexOf(r.sha256);
        const std::string file = ar::ScanFileName(sha, r.media_type);
        HSDT_ASSIGN_OR_RETURN(std::string line, db::ArchiveLineOf(id, r, file));
        std::error_code ec;
        if (!fs::exists(dir + "/" + file, ec)) {
          FileWriter scan;
          HSDT_RETURN_IF_ERROR(scan.Create(dir, file));
          for (std::uint32_t i = 0; i < r.chunks; ++i) {
            auto chunk = attachments_->ReadChunk(r.blob_id, i, r.chunks);
            if (!chunk.ok()) return chunk.status().WithPrefix(db::ArchiveAttachmentId(id));
            HSDT_RETURN_IF_ERROR(scan.Write(chunk->view()));
          }
          HSDT_ASSIGN_OR_RETURN(schema::ArchiveFile written, scan.Finish());
          if (written.sha256 != sha || written.bytes != r.size) {
            return Status::Corruption(db::ArchiveAttachmentId(id) + ": its chunks do not hold the scan it recorded");
          }
          ++scan_files;
        }
        ar::ReportProgress(progress_fn, "attachments", ++m.attachment_versions);
        return attachments.Line(line);
      }));
  HSDT_ASSIGN_OR_RETURN(schema::ArchiveFile attachments_file, attachments.Finish());
  m.files.push_back(std::move(attachments_file));
  ar::ReportProgress(progress_fn, "attachments", m.attachment_versions, true);

  // The audit log, chained line by line.
  FileWriter audit;
  HSDT_RETURN_IF_ERROR(audit.Create(dir, ar::kAudit));
  std::string chain(crypto::kDigestBytes, '\0');
  HSDT_RETURN_IF_ERROR(audit_->Visit(snapshot.get(), 1, [&](AuditRecord e) -> Result<bool> {
    HSDT_ASSIGN_OR_RETURN(std::string line, db::ArchiveLineOf(e, &chain));
    m.audit_last_sequence = e.sequence;
    ar::ReportProgress(progress_fn, "audit", ++m.audit_entries);
    HSDT_RETURN_IF_ERROR(audit.Line(line));
    return true;
  }));
  m.audit_chain = base::HexOf(chain);
  HSDT_ASSIGN_OR_RETURN(schema::ArchiveFile audit_file, audit.Finish());
  m.files.push_back(std::move(audit_file));
  ar::ReportProgress(progress_fn, "audit", m.audit_entries, true);

  ArchiveInfo info;
  info.dossiers = m.dossiers;
  info.dossier_versions = m.dossier_versions;
  info.account_versions = m.account_versions;
  info.unit_versions = m.unit_versions;
  info.grant_versions = m.grant_versions;
  info.hand_over_versions = m.hand_over_versions;
  info.attachment_versions = m.attachment_versions;
  info.attachment_files = scan_files;
  info.audit_entries = m.audit_entries;
  info.audit_chain_hex = m.audit_chain;
  HSDT_ASSIGN_OR_RETURN(std::string manifest, schema::EncodeArchiveManifest(m));
  FileWriter manifest_file;
  HSDT_RETURN_IF_ERROR(manifest_file.Create(dir, ar::kManifest));
  HSDT_RETURN_IF_ERROR(manifest_file.Write(manifest));
  HSDT_ASSIGN_OR_RETURN(schema::ArchiveFile written, manifest_file.Finish());
  info.manifest_sha256_hex = written.sha256;
  info.bytes = ar::BytesUnder(dir);
  return info;
}

Result<ArchiveInfo> Database::ExportArchive(const Session& session, const std::string& archive_dir,
                                            const ArchiveProgressFn& progress) {
  return db::Guard([&] {
    // Kept only once its audit entry is durable; removed if anything fails, that entry too.
    db::archive::ArchiveDir out;
    auto result = impl_->Audited(session, Action::kMaintain, {}, "archive export", Impl::Wait::kDurable,
                                 [&](const Impl::Access& access, std::string& reason) -> Result<ArchiveInfo> {
      // Plaintext is about to be written: the log says so first, durably.
      HSDT_RETURN_IF_ERROR(impl_->AuditNow(impl_->EntryFor(access, Action::kMaintain, "archive export", Purpose::kNone,
                                                           "begun")));
      HSDT_ASSIGN_OR_RETURN(ArchiveInfo info, impl_->ExportArchive(out, archive_dir, progress));
      reason = "done: " + std::to_string(info.dossiers) + " dossiers, " + std::to_string(info.dossier_versions) +
               " versions, " + std::to_string(info.attachment_versions) + " attachment versions, " +
               std::to_string(info.audit_entries) + " audit entries; manifest sha256 " + info.manifest_sha256_hex;
      return info;
    });
    if (result.ok()) out.Done();
    return result;
  });
}

}  // namespace hsdt
