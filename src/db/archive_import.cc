// Database::ImportArchive: a new database from an archive (docs/archive.md), every file checked
// against the manifest first, then streamed in: the registry, the dossiers' versions, the scans
// and the audit log, each as it was, then one entry that records the import.
#include <hsdt/archive.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <type_traits>

#include "base/coding.h"
#include "db/archive_files.h"
#include "db/archive_records.h"
#include "db/database_impl.h"
#include "db/index.h"
#include "policy/passwords.h"
#include "storage/attachment_store.h"

namespace hsdt {
namespace {

namespace ar = db::archive;

constexpr std::size_t kBatchOps = 1000;

// The files the manifest must list, in the order the export writes them.
constexpr const char* kFiles[] = {ar::kUnits, ar::kAccounts, ar::kGrants, ar::kHandOvers,
                                  ar::kDossiers, ar::kAttachments, ar::kAudit};

Status AtLine(const ar::LineReader& in, const Status& s) {
  return Status(s.code(), in.name() + " line " + std::to_string(in.line_number()) + ": " + std::string(s.message()));
}

Result<schema::ArchiveManifest> ReadManifest(const std::string& dir) {
  ar::LineReader in;
  HSDT_RETURN_IF_ERROR(in.Open(dir, ar::kManifest));
  std::string json, line;
  for (;;) {
    HSDT_ASSIGN_OR_RETURN(bool more, in.Next(&line));
    if (!more) break;
    json += line + "\n";
    if (json.size() > schema::kMaxArchiveLineBytes) {
      return Status::InvalidArgument(std::string(ar::kManifest) + ": longer than " +
                                     std::to_string(schema::kMaxArchiveLineBytes) + " bytes");
    }
  }
  schema::ArchiveManifest m;
  const Status decoded = schema::DecodeArchiveManifest(json, &m);
  if (!decoded.ok()) return decoded.WithPrefix(ar::kManifest);
  if (m.format != ar::kFormat) return Status::InvalidArgument(std::string(ar::kManifest) + ": not an hsdt archive");
  if (m.format_version > ar::kFormatVersion) {
    return Status::UnsupportedFormat(std::string(ar::kManifest) + ": archive format " + std::to_string(m.format_version) +
                                     " is newer than this release reads (" + std::to_string(ar::kFormatVersion) + ")");
  }
  if (m.files.size() != std::size(kFiles)) {
    return Status::InvalidArgument(std::string(ar::kManifest) + ": lists " + std::to_string(m.files.size()) +
                                   " files; expected " + std::to_string(std::size(kFiles)));
  }
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    if (m.files[i].path != kFiles[i]) {
      return Status::InvalidArgument(std::string(ar::kManifest) + ": files[" + std::to_string(i) + "] is \"" +
                                     m.files[i].path.substr(0, 64) + "\"; expected " + kFiles[i]);
    }
  }
  return m;
}

// A read file against its manifest entry: a changed byte anywhere is refused, naming the file.
Status Matches(const schema::ArchiveFile& read, const schema::ArchiveFile& listed) {
  if (read.bytes != listed.bytes || read.sha256 != listed.sha256) {
    return Status::Corruption(listed.path + ": " + std::to_string(read.bytes) + " bytes with SHA-256 " + read.sha256 +
                              "; the manifest lists " + std::to_string(listed.bytes) + " bytes with " + listed.sha256);
  }
  return Status::Ok();
}

const schema::ArchiveFile& Listed(const schema::ArchiveManifest& m, const char* name) {
  for (const auto& f : m.files) {
    if (f.path == name) return f;
  }
  return m.files.front();  // ReadManifest checked every name is there
}

// Reads every line of `name`, decoding each into T and handing it to `take`; checks the file
// against the manifest at its end.
template <typename T, typename Take>
Status EachLine(const std::string& dir, const schema::ArchiveManifest& m, const char* name, Take&& take) {
  ar::LineReader in;
  HSDT_RETURN_IF_ERROR(in.Open(dir, name));
  std::string line;
  for (;;) {
    HSDT_ASSIGN_OR_RETURN(bool more, in.Next(&line));
    if (!more) break;
    T item;
    const Status decoded = schema::DecodeArchiveLine(line, &item);
    if (!decoded.ok()) return AtLine(in, decoded);
    const Status taken = take(std::move(item), line);
    if (!taken.ok()) return AtLine(in, taken);
  }
  return Matches(in.Read(), Listed(m, name));
}

// Checks that records of one kind come as versions 1, 2, ... of each name in turn.
class VersionOrder final {
 public:
  Status Next(const std::string& name, std::uint32_t version) {
    const std::uint32_t expected = name == name_ ? last_ + 1 : 1;
    if (version != expected || (name != name_ && !seen_.insert(name).second)) {
      return Status::InvalidArgument("version: " + std::to_string(version) + " of " + name.substr(0, 64) +
                                     " out of order; expected " + std::to_string(expected));
    }
    name_ = name;
    last_ = version;
    return Status::Ok();
  }

 private:
  std::string name_;
  std::uint32_t last_ = 0;
  std::set<std::string> seen_;  // registry names only: the registry is small
};

// The latest version of the first administrator's account, which gets the new password: it
// must be an active district administrator.
Result<std::uint32_t> FirstAdminVersion(const std::string& dir, const schema::ArchiveManifest& m,
                                        const std::string& folded) {
  policy::AccountRecord latest;
  HSDT_RETURN_IF_ERROR(EachLine<schema::ArchiveAccount>(dir, m, ar::kAccounts,
                                                        [&](schema::ArchiveAccount a, std::string_view) -> Status {
    policy::AccountRecord r;
    HSDT_RETURN_IF_ERROR(db::RecordOf(a, &r));
    if (policy::FoldUserName(r.user_name) == folded) latest = std::move(r);
    return Status::Ok();
  }));
  if (latest.version == 0 || latest.role != Role::kDistrictAdmin || latest.state != AccountState::kActive) {
    return Status::InvalidArgument("first_admin: " + folded.substr(0, 64) +
                                   " is not an active district administrator in the archive");
  }
  return latest.version;
}

// Operations written in batches (unsynced: the import syncs once at its end).
class Batches final {
 public:
  explicit Batches(storage::Store& store) : store_(store) {}
  Status Add(storage::BatchOp op) {
    ops_.push_back(std::move(op));
    return ops_.size() >= kBatchOps ? Flush() : Status::Ok();
  }
  Status Flush() {
    if (ops_.empty()) return Status::Ok();
    HSDT_RETURN_IF_ERROR(store_.WriteOps(ops_, false));
    ops_.clear();
    return Status::Ok();
  }

 private:
  storage::Store& store_;
  std::vector<storage::BatchOp> ops_;
};


// One scan stored from its file: chunks sealed as they are read (the last held back until the
// file's SHA-256 is known to be the one its line gives), and its content header.
struct StoredScan {
  storage::ContentHeader header;
  std::string content_id;
};

Result<StoredScan> StoreScan(storage::AttachmentStore& store, const std::string& dir, const schema::ArchiveAttachment& a,
                             Batches* batch) {
  HSDT_ASSIGN_OR_RETURN(auto content_hash, store.NewContentHash());
  crypto::StreamHash sha(crypto::StreamHash::Kind::kSha256, nullptr);
  const std::string blob = storage::AttachmentStore::NewBlobId();
  const std::string path = dir + "/" + a.file;
  HSDT_ASSIGN_OR_RETURN(const int fd, ar::OpenRegular(path));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(::fdopen(fd, "rb"), &std::fclose);
  if (!in) {
    ::close(fd);
    return Status::IOError(a.file + ": cannot read");
  }
  std::string pending, piece(storage::kChunkBytes, '\0');
  std::uint32_t written = 0;
  std::uint64_t size = 0;
  auto discard = [&](Status s) {
    (void)store.DiscardChunks(blob, written);
    return s;
  };
  for (;;) {
    const std::size_t n = std::fread(piece.data(), 1, piece.size(), in.get());
    if (n == 0) {
      if (std::ferror(in.get())) return discard(Status::IOError(a.file + ": read failed"));
      break;
    }
    const std::string_view got(piece.data(), n);
    sha.Update(got);
    content_hash->Update(got);
    size += n;
    if (size > (std::uint64_t{1} << 30)) return discard(Status::InvalidArgument(a.file + ": larger than 1 GiB"));
    if (!pending.empty()) {  // the chunk before is not the last
      const Status s = store.WriteChunk(blob, written, false, pending);
      if (!s.ok()) return discard(s);
      ++written;
    }
    pending.assign(got);
  }
  if (pending.empty()) return Status::InvalidArgument(a.file + ": empty");
  if (base::HexOf(sha.Final()) != a.sha256 || size != a.size) {
    return discard(Status::Corruption(a.file + ": its SHA-256 or size differs from its line in " + ar::kAttachments));
  }
  const Status last = store.WriteChunk(blob, written, true, pending);
  if (!last.ok()) return discard(last);
  ++written;
  StoredScan scan{{blob, size, written}, content_hash->Final()};
  HSDT_ASSIGN_OR_RETURN(storage::BatchOp op, store.ContentOp(scan.content_id, scan.header));
  HSDT_RETURN_IF_ERROR(batch->Add(std::move(op)));
  return scan;
}

}  // namespace

Status Database::Impl::ImportArchive(const std::string& dir, const schema::ArchiveManifest& m,
                                     const ArchiveProgressFn& progress, ArchiveInfo* info) {
  // Until the last write, a database that opens says the import did not finish.
  HSDT_RETURN_IF_ERROR(store_->WriteOps({{storage::kMetaCf, kImportMarker, "1", false}}, true));
  const std::string admin = policy::FoldUserName(options_.first_admin.user_name);
  HSDT_ASSIGN_OR_RETURN(std::uint32_t admin_version, FirstAdminVersion(dir, m, admin));
  Batches batch(*store_);

  // The registry, every version as it was recorded: each file's records staged in turn, each
  // version made the latest in memory so that the next one of the record counts from it.
  auto registry_file = [&](auto line_type, auto record_type, const char* file, std::string_view stage,
                           std::uint64_t* count, auto&& key_of, auto&& adjust) -> Status {
    using Line = typename decltype(line_type)::type;
    using Record = typename decltype(record_type)::type;
    VersionOrder order;
    return EachLine<Line>(dir, m, file, [&](Line a, std::string_view) -> Status {
      Record r;
      HSDT_RETURN_IF_ERROR(db::RecordOf(a, &r));
      HSDT_RETURN_IF_ERROR(order.Next(key_of(r), r.version));
      HSDT_RETURN_IF_ERROR(adjust(r));
      const std::int64_t at = r.micros;
      HSDT_ASSIGN_OR_RETURN(storage::BatchOp op, registry_->Stage(&r, at));
      registry_->Apply(r);
      ar::ReportProgress(progress, stage, ++*count);
      return batch.Add(std::move(op));
    });
  };
  auto as_is = [](const auto&) { return Status::Ok(); };
  HSDT_RETURN_IF_ERROR(registry_file(std::type_identity<schema::ArchiveUnit>{}, std::type_identity<policy::UnitRecord>{},
                                     ar::kUnits, "units", &info->unit_versions,
                                     [](const policy::UnitRecord& r) { return r.code; }, as_is));
  HSDT_RETURN_IF_ERROR(registry_file(
      std::type_identity<schema::ArchiveAccount>{}, std::type_identity<policy::AccountRecord>{}, ar::kAccounts,
      "accounts", &info->account_versions, [](const policy::AccountRecord& r) { return policy::FoldUserName(r.user_name); },
      [&](policy::AccountRecord& r) -> Status {
        // The first administrator's latest version carries the password it is given.
        if (policy::FoldUserName(r.user_name) != admin || r.version != admin_version) return Status::Ok();
        HSDT_RETURN_IF_ERROR(policy::CheckNewPassword(options_.first_admin.password, r.user_name));
        HSDT_ASSIGN_OR_RETURN(r.password_hash, crypto::HashPassword(options_.first_admin.password, PasswordParams()));
        return Status::Ok();
      }));
  HSDT_RETURN_IF_ERROR(registry_file(std::type_identity<schema::ArchiveGrant>{}, std::type_identity<policy::GrantRecord>{},
                                     ar::kGrants, "grants", &info->grant_versions,
                                     [](const policy::GrantRecord& r) { return r.view.id; }, as_is));
  HSDT_RETURN_IF_ERROR(registry_file(std::type_identity<schema::ArchiveHandOver>{},
                                     std::type_identity<policy::HandOverRecord>{}, ar::kHandOvers, "handovers",
                                     &info->hand_over_versions, [](const policy::HandOverRecord& r) { return r.id; }, as_is));
  HSDT_RETURN_IF_ERROR(batch.Flush());

  // Every dossier version, in id and version order, with its own time and author; the index
  // entries of each dossier's latest version once the next dossier begins (so memory holds one
  // dossier, and no index rebuild is needed).
  std::uint64_t last_id = 0;
  std::uint32_t last_version = 0;
  std::int64_t last_micros = 0;
  storage::PlainBytes latest;  // the flat record of last_id's latest version so far
  auto index_latest = [&]() -> Status {
    if (last_id == 0) return Status::Ok();
    const schema::DossierView view(latest.words(), latest.size());
    db::IndexEntries entries = db::IndexEntriesOf(view, last_id);
    for (const auto& u : entries.unique_keys) {
      HSDT_ASSIGN_OR_RETURN(bool taken, store_->IndexKeyExists(u));
      if (taken) return Status::InvalidArgument(db::FormatId(last_id) + ": its national ID is another dossier's too");
    }
    std::vector<storage::BatchOp> ops;
    for (auto& e : entries.entries) ops.push_back({storage::kIndexCf, std::move(e.key), std::move(e.value), false});
    return store_->WriteOps(ops, false);
  };
  HSDT_RETURN_IF_ERROR(EachLine<schema::ArchiveDossierVersion>(dir, m, ar::kDossiers,
                                                               [&](schema::ArchiveDossierVersion a, std::string_view) -> Status {
    std::uint64_t id = 0;
    storage::VersionMeta meta;
    HSDT_RETURN_IF_ERROR(db::RecordOf(a, &id, &meta));
    const bool next_of_same = id == last_id && meta.version == last_version + 1 && meta.recorded_at_micros >= last_micros;
    if (!next_of_same && !(id > last_id && meta.version == 1)) {
      return Status::InvalidArgument("version: " + a.id + " v" + std::to_string(meta.version) +
                                     " out of order (dossiers by id, each version after the one before, in time order)");
    }
    if (id != last_id) HSDT_RETURN_IF_ERROR(index_latest());
    const std::size_t size = schema::FlatSize(*a.dossier);
    storage::PlainBytes flat(size);
    schema::WriteFlat(*a.dossier, flat.data(), size);
    HSDT_RETURN_IF_ERROR(schema::CheckStoredDossier(flat.words(), size, a.id).WithPrefix("dossier"));
    storage::CommitRequest request;
    request.id = id;
    request.expected_version = meta.version - 1;
    request.record = flat.view();
    request.meta = std::move(meta);
    HSDT_ASSIGN_OR_RETURN(storage::PreparedCommit prepared, store_->PrepareCommit(std::move(request)));
    HSDT_RETURN_IF_ERROR(store_->WriteOps(prepared.ops, false));
    store_->FinishCommit(prepared);
    last_id = id;
    last_version = prepared.meta.version;
    last_micros = prepared.meta.recorded_at_micros;
    latest = std::move(flat);
    if (last_version == 1) ++info->dossiers;
    ar::ReportProgress(progress, "dossiers", ++info->dossier_versions);
    return Status::Ok();
  }));
  HSDT_RETURN_IF_ERROR(index_latest());
  std::string index_format;
  base::PutBigEndian32(&index_format, db::kIndexFormat);
  HSDT_RETURN_IF_ERROR(store_->WriteOps({{storage::kMetaCf, db::kIndexFormatKey, index_format, false}}, false));

  // The scans: each file checked against its line's SHA-256 as it is stored, stored once.
  std::map<std::string, StoredScan> stored;  // by SHA-256: one entry per scan
  std::uint64_t last_attachment = 0;
  std::uint32_t last_attachment_version = 0;
  std::uint64_t last_attachment_dossier = 0;
  HSDT_RETURN_IF_ERROR(EachLine<schema::ArchiveAttachment>(dir, m, ar::kAttachments,
                                                           [&](schema::ArchiveAttachment a, std::string_view) -> Status {
    std::uint64_t id = 0;
    schema::AttachmentRecord r;
    HSDT_RETURN_IF_ERROR(db::RecordOf(a, &id, &r));
    const bool next_of_same = id == last_attachment && r.version == last_attachment_version + 1;
    if (!next_of_same && !(id > last_attachment && r.version == 1)) {
      return Status::InvalidArgument("version: " + a.id + " v" + std::to_string(r.version) + " out of order");
    }
    if (next_of_same && r.dossier_id != last_attachment_dossier) {
      return Status::InvalidArgument("dossierId: " + a.id + " v" + std::to_string(r.version) +
                                     " names another dossier than its first version");
    }
    HSDT_ASSIGN_OR_RETURN(std::uint32_t dossier_latest, store_->LatestVersion(r.dossier_id));
    if (dossier_latest == 0) return Status::InvalidArgument("dossierId: " + a.dossier_id + " is not in the archive");
    auto it = stored.find(r.sha256);
    if (it == stored.end()) {
      HSDT_ASSIGN_OR_RETURN(StoredScan scan, StoreScan(*attachments_, dir, a, &batch));
      it = stored.emplace(r.sha256, std::move(scan)).first;
    }
    if (it->second.header.size != r.size) {
      return Status::InvalidArgument("size: " + std::to_string(r.size) + " for a scan of " +
                                     std::to_string(it->second.header.size) + " bytes");
    }
    r.blob_id = it->second.header.blob_id;
    r.chunks = it->second.header.chunks;
    r.content_id = it->second.content_id;
    HSDT_ASSIGN_OR_RETURN(storage::BatchOp record, attachments_->RecordOp(id, r));
    HSDT_RETURN_IF_ERROR(batch.Add(std::move(record)));
    if (r.version == 1) HSDT_RETURN_IF_ERROR(batch.Add(storage::AttachmentStore::DossierOp(r.dossier_id, id)));
    last_attachment = id;
    last_attachment_version = r.version;
    last_attachment_dossier = r.dossier_id;
    ar::ReportProgress(progress, "attachments", ++info->attachment_versions);
    return Status::Ok();
  }));
  HSDT_RETURN_IF_ERROR(batch.Flush());
  info->attachment_files = stored.size();

  // The audit log: numbered from 1 as it was, each line's chain checked.
  std::string chain(crypto::kDigestBytes, '\0');
  HSDT_RETURN_IF_ERROR(EachLine<schema::ArchiveAuditEntry>(dir, m, ar::kAudit,
                                                           [&](schema::ArchiveAuditEntry a, std::string_view line) -> Status {
    AuditRecord e;
    HSDT_RETURN_IF_ERROR(db::RecordOf(a, line, &chain, &e));
    if (e.sequence != info->audit_entries + 1) {
      return Status::InvalidArgument("sequence: " + std::to_string(e.sequence) + "; expected " +
                                     std::to_string(info->audit_entries + 1) +
                                     " (the log of a database recovered after log damage, whose numbers jump, "
                                     "cannot be imported)");
    }
    HSDT_RETURN_IF_ERROR(audit_->Append(std::move(e), {}, false, false).status());
    ar::ReportProgress(progress, "audit", ++info->audit_entries);
    return Status::Ok();
  }));
  if (base::HexOf(chain) != m.audit_chain || info->audit_entries != m.audit_entries) {
    return Status::Corruption(std::string(ar::kAudit) + ": its chain ends at entry " +
                              std::to_string(info->audit_entries) + " with " + base::HexOf(chain) +
                              "; the manifest gives " + std::to_string(m.audit_entries) + " entries ending " +
                              m.audit_chain);
  }
  HSDT_RETURN_IF_ERROR(audit_->Flush());
  info->audit_chain_hex = m.audit_chain;

  AuditRecord e;
  e.actor = options_.first_admin.user_name;
  e.action = "import_archive";
  e.target = "archive";
  e.allowed = true;
  e.rule = "import";
  e.reason = std::to_string(info->dossiers) + " dossiers, " + std::to_string(info->dossier_versions) + " versions, " +
             std::to_string(info->attachment_versions) + " attachment versions, audit entries 1 to " +
             std::to_string(info->audit_entries) + " ending with chain " + m.audit_chain;
  HSDT_RETURN_IF_ERROR(AuditNow(std::move(e)));
  importing_ = false;
  return store_->WriteOps({{storage::kMetaCf, kImportMarker, {}, true}}, true);  // synced: all before it too
}

Result<ArchiveInfo> Database::ImportArchive(const std::string& archive_dir, const std::string& db_dir, const Key& key,
                                            const OpenOptions& options, const ArchiveProgressFn& progress) {
  return db::Guard([&]() -> Result<ArchiveInfo> {
    if (options.read_only) return Status::InvalidArgument("read_only: an import writes a new database");
    // Every file against the manifest before anything is made.
    HSDT_ASSIGN_OR_RETURN(schema::ArchiveManifest m, ReadManifest(archive_dir));
    for (const auto& listed : m.files) {
      HSDT_ASSIGN_OR_RETURN(schema::ArchiveFile read, ar::HashFile(archive_dir, listed.path, listed.bytes));
      HSDT_RETURN_IF_ERROR(Matches(read, listed));
      if (progress) progress(ArchiveProgress{"verify", read.bytes});
    }
    OpenOptions o = options;
    o.create_if_missing = true;
    o.error_if_exists = true;
    ArchiveInfo info;
    auto db = Impl::Open(db_dir, key, o, nullptr, [&](Impl& impl) {
      return impl.ImportArchive(archive_dir, m, progress, &info);
    });
    if (!db.ok()) return db.status();
    HSDT_RETURN_IF_ERROR((*db)->Close());
    info.bytes = ar::BytesUnder(archive_dir);
    return info;
  });
}

}  // namespace hsdt
