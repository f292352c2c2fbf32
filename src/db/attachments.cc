// Attachments (include/hsdt/attachment.h): the policy, the audit and the streaming around
// storage/attachment_store.h.
#include <hsdt/attachment.h>

#include <algorithm>
#include <cstring>

#include "base/coding.h"
#include "base/impl_access.h"
#include "crypto/secret.h"
#include "db/database_impl.h"
#include "storage/attachment_store.h"

namespace hsdt {
namespace {

constexpr char kIdPrefix[] = "TL";

std::string FormatAttachmentId(std::uint64_t id) { return base::FormatPrefixedId(kIdPrefix, id); }

Result<std::uint64_t> AttachmentIdOf(std::string_view what, std::string_view id) {
  auto v = base::ParsePrefixedId(id, kIdPrefix);
  if (!v) {
    return Status::InvalidArgument(std::string(what) + ": \"" + std::string(id.substr(0, 32)) +
                                   "\" is not an attachment id; expected TL and 8 or more digits");
  }
  return *v;
}

// A dossier id given as `dossier_id`: its error names that field.
Result<std::uint64_t> DossierIdOf(std::string_view id) {
  auto v = db::IdOf(id);
  if (!v.ok()) return Status::InvalidArgument("dossier_" + std::string(v.status().message()));
  return v;
}

std::string AttachmentTarget(std::uint64_t dossier, std::uint64_t id, std::uint32_t version) {
  return db::FormatId(dossier) + " attachment " + FormatAttachmentId(id) + "@v" + std::to_string(version);
}

// The media type of a scan by its first bytes, or "" if it is none of those kept.
std::string MediaTypeOf(std::string_view head) {
  for (const db::ScanType& t : db::kScanTypes) {
    if (head.substr(0, t.magic.size()) == t.magic) return std::string(t.media_type);
  }
  return "";
}

constexpr std::size_t kMagicBytes = 8;

AttachmentInfo InfoOf(std::uint64_t id, const schema::AttachmentRecord& r, bool described, std::uint32_t versions) {
  AttachmentInfo info;
  info.id = FormatAttachmentId(id);
  info.version = r.version;
  info.versions = versions;
  info.dossier_id = db::FormatId(r.dossier_id);
  info.dossier_version = r.dossier_version;
  info.event = r.event;
  info.kind = static_cast<AttachmentKind>(r.kind);
  info.described = described;
  if (described) {
    info.title = r.title;
    info.source = {r.source_number, r.source_date};
    info.sha256_hex = base::HexOf(r.sha256);
  }
  info.pages = r.pages;
  info.media_type = r.media_type;
  info.size = r.size;
  info.recorded_at_micros = r.recorded_at_micros;
  info.actor = r.actor;
  return info;
}

Status CheckSpec(const AttachmentSpec& spec) {
  HSDT_RETURN_IF_ERROR(DossierIdOf(spec.dossier_id).status());
  if (!ParseAttachmentKind(AttachmentKindName(spec.kind))) {
    return Status::InvalidArgument("kind: " + std::to_string(static_cast<int>(spec.kind)) + " is not an attachment kind");
  }
  HSDT_RETURN_IF_ERROR(db::CheckText("title", spec.title, 256, false));
  const bool needs_source = spec.kind == AttachmentKind::kDecision || spec.kind == AttachmentKind::kDiscipline;
  if (needs_source || !spec.source.number.empty() || !spec.source.date.empty()) {
    HSDT_RETURN_IF_ERROR(db::CheckDocument("source", spec.source));
  }
  if (spec.pages > 100000) return Status::InvalidArgument("pages: expected 0 to 100000");
  if (!spec.supersedes.empty()) HSDT_RETURN_IF_ERROR(AttachmentIdOf("supersedes", spec.supersedes).status());
  return Status::Ok();
}

}  // namespace

// ------------------------------------------------------------------------------ the writer

class AttachmentWriter::Impl final {
 public:
  Impl(Database::Impl* db, Session session, AttachmentSpec spec, ChangeContext ctx, std::uint64_t dossier,
       std::uint64_t superseded, std::unique_ptr<crypto::StreamHash> content_hash)
      : db_(db), session_(std::move(session)), spec_(std::move(spec)), ctx_(std::move(ctx)), dossier_(dossier),
        superseded_(superseded), blob_(storage::AttachmentStore::NewBlobId()),
        content_hash_(std::move(content_hash)), sha256_(crypto::StreamHash::Kind::kSha256, nullptr) {
    db_->open_attachment_handles.fetch_add(1);
  }
  ~Impl() {
    try {  // reached from hsdt_attachment_writer_free too: nothing may escape
      if (!finished_) (void)db_->attachments().DiscardChunks(blob_, written_);
    } catch (...) {
      // The chunks stay unreferenced (docs/format.md, "Attachments": they cost only space).
    }
    crypto::Wipe(pending_.data(), pending_.size());
    db_->open_attachment_handles.fetch_sub(1);
  }

  Status Append(std::string_view bytes) {
    if (!failed_.ok()) return failed_;
    if (finished_) return Fail(Status::InvalidArgument("attachment: already finished"));
    const std::uint64_t max = db_->options().max_attachment_bytes;
    if (bytes.size() > max || size_ > max - bytes.size()) {
      return Fail(Status::InvalidArgument("attachment: larger than max_attachment_bytes (" + std::to_string(max) +
                                          " bytes)"));
    }
    size_ += bytes.size();
    content_hash_->Update(bytes);
    sha256_.Update(bytes);
    if (media_type_.empty()) {
      const std::size_t head = std::min(bytes.size(), kMagicBytes - magic_.size());
      magic_.append(bytes.substr(0, head));
      if (magic_.size() >= kMagicBytes) HSDT_RETURN_IF_ERROR(DecideMediaType());
    }
    // At most one chunk is buffered, and the last is held back until Finish, which seals it as
    // the last: each full chunk before it is sealed from the buffer or straight from `bytes`.
    while (!bytes.empty()) {
      if (pending_.size() == storage::kChunkBytes) {
        const Status s = db_->attachments().WriteChunk(blob_, written_, false, pending_);
        if (!s.ok()) return Fail(s);
        ++written_;
        crypto::Wipe(pending_.data(), pending_.size());
        pending_.clear();
      }
      const std::size_t take = std::min(bytes.size(), storage::kChunkBytes - pending_.size());
      pending_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
    }
    return Status::Ok();
  }

  Result<AttachmentInfo> Finish() {
    if (!failed_.ok()) return failed_;
    if (finished_) return Status::InvalidArgument("attachment: already finished");
    if (size_ == 0) return Fail(Status::InvalidArgument("attachment: the scan is empty"));
    if (media_type_.empty()) HSDT_RETURN_IF_ERROR(DecideMediaType());
    auto result = Commit();
    if (!result.ok() && result.status().code() != StatusCode::kPermissionDenied) return Fail(result.status());
    return result;
  }

 private:
  Status Fail(Status s) {
    failed_ = s;
    (void)db_->attachments().DiscardChunks(blob_, written_ + 1);
    written_ = 0;
    return s;
  }

  Status DecideMediaType() {
    media_type_ = MediaTypeOf(magic_);
    if (!media_type_.empty()) return Status::Ok();
    return Fail(Status::InvalidArgument("attachment: bytes 0 to " +
                                        std::to_string(std::min(magic_.size(), kMagicBytes) - 1) +
                                        " are not the start of a PDF, JPEG, PNG or TIFF file"));
  }

  Result<AttachmentInfo> Commit();

  Database::Impl* db_;
  Session session_;
  AttachmentSpec spec_;
  ChangeContext ctx_;
  std::uint64_t dossier_;
  std::uint64_t superseded_;  // 0: a new attachment
  std::string blob_;
  std::unique_ptr<crypto::StreamHash> content_hash_;
  crypto::StreamHash sha256_;
  std::string pending_;        // plaintext not yet sealed: at most one chunk
  std::string magic_;          // the scan's first bytes, until its media type is known
  std::uint32_t written_ = 0;  // chunks written
  std::uint64_t size_ = 0;
  std::string media_type_;
  Status failed_;
  bool finished_ = false;
};

Result<AttachmentInfo> AttachmentWriter::Impl::Commit() {
  // The session and the policy again: the writer may have been open for a while.
  HSDT_ASSIGN_OR_RETURN(auto dossier, db_->LoadFor(session_, dossier_, 0, Action::kUpdateDossier, Purpose::kNone));
  policy::Resource what;
  what.dossier_id = db::FormatId(dossier_);
  what.managing_unit = Database::Impl::ManagingUnitOf(*dossier);
  HSDT_ASSIGN_OR_RETURN(Database::Impl::Access access,
                        db_->Authorize(session_, Action::kUpdateDossier, what, Purpose::kNone, what.dossier_id));
  const std::string content_id = content_hash_->Final();
  storage::AttachmentStore& store = db_->attachments();
  // One writer at a time per dossier (versions) and per content (its header).
  storage::StripeLock lock = db_->store().LockStripes({dossier_}, {storage::ContentKey(content_id)});
  schema::AttachmentRecord r;
  std::uint64_t id = superseded_;
  if (superseded_ != 0) {
    HSDT_ASSIGN_OR_RETURN(schema::AttachmentRecord latest, store.Read(superseded_, 0));
    r.version = latest.version + 1;
  } else {
    id = store.AllocateId();
    r.version = 1;
  }
  std::vector<storage::BatchOp> ops;
  HSDT_ASSIGN_OR_RETURN(std::optional<storage::ContentHeader> existing, store.FindContent(content_id));
  if (existing && existing->size != size_) return Status::Corruption("attachment content header: size differs");
  if (!existing) {
    HSDT_RETURN_IF_ERROR(store.WriteChunk(blob_, written_, true, pending_));
    ++written_;
    storage::ContentHeader header{blob_, size_, written_};
    HSDT_ASSIGN_OR_RETURN(storage::BatchOp op, store.ContentOp(content_id, header));
    ops.push_back(std::move(op));
  }
  const std::int64_t now = db_->store().NextCommitMicros();
  r.dossier_id = dossier_;
  r.dossier_version = dossier->version;
  r.event = spec_.event;
  r.kind = static_cast<std::uint16_t>(spec_.kind);
  r.title = spec_.title;
  r.source_number = spec_.source.number;
  r.source_date = spec_.source.date;
  r.pages = spec_.pages;
  r.media_type = media_type_;
  r.size = size_;
  r.sha256 = sha256_.Final();
  r.content_id = content_id;
  r.blob_id = existing ? existing->blob_id : blob_;
  r.chunks = existing ? existing->chunks : written_;
  r.recorded_at_micros = now;
  r.actor = access.actor;
  r.reason = ctx_.reason;
  HSDT_ASSIGN_OR_RETURN(storage::BatchOp record_op, store.RecordOp(id, r));
  ops.push_back(std::move(record_op));
  if (r.version == 1) ops.push_back(storage::AttachmentStore::DossierOp(dossier_, id));
  Database::Impl::Change change{db_->EntryFor(access, Action::kUpdateDossier, AttachmentTarget(dossier_, id, r.version),
                                              Purpose::kNone, ctx_.reason),
                                std::move(ops)};
  change.entry.recorded_at_micros = now;
  change.feed.push_back(db::AttachmentFeedItem(FormatAttachmentId(id), r.version, now, what.managing_unit));
  HSDT_RETURN_IF_ERROR(db_->Apply(std::move(change)).status());
  finished_ = true;
  // The same scan was stored before: this upload's chunks are not needed.
  if (existing) (void)store.DiscardChunks(blob_, written_);
  return InfoOf(id, r, true, r.version);
}

AttachmentWriter::AttachmentWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AttachmentWriter::~AttachmentWriter() = default;
Status AttachmentWriter::Append(std::string_view bytes) {
  return db::Guard([&] { return impl_->Append(bytes); });
}
Result<AttachmentInfo> AttachmentWriter::Finish() {
  return db::Guard([&] { return impl_->Finish(); });
}

// ------------------------------------------------------------------------------ the reader

class AttachmentReader::Impl final {
 public:
  Impl(Database::Impl* db, std::uint64_t id, schema::AttachmentRecord record, AttachmentInfo info)
      : db_(db), id_(id), record_(std::move(record)), info_(std::move(info)) {
    db_->open_attachment_handles.fetch_add(1);
  }
  ~Impl() { db_->open_attachment_handles.fetch_sub(1); }

  const AttachmentInfo& info() const { return info_; }

  Result<std::size_t> Read(char* buffer, std::size_t capacity) {
    if (!failed_.ok()) return failed_;
    std::size_t copied = 0;
    while (copied < capacity) {
      if (at_ == chunk_.size()) {
        if (next_ == record_.chunks) break;
        auto chunk = db_->attachments().ReadChunk(record_.blob_id, next_, record_.chunks);
        if (!chunk.ok()) {
          failed_ = chunk.status().WithPrefix("attachment " + FormatAttachmentId(id_) + ": ");
          return failed_;
        }
        chunk_ = std::move(chunk).value();
        at_ = 0;
        ++next_;
        delivered_ += chunk_.size();
        if (delivered_ > record_.size || (next_ == record_.chunks && delivered_ != record_.size)) {
          failed_ = Status::Corruption("attachment " + FormatAttachmentId(id_) + ": its chunks hold " +
                                       std::to_string(delivered_) + " bytes, not " + std::to_string(record_.size));
          chunk_ = storage::PlainBytes();
          return failed_;
        }
        continue;
      }
      const std::size_t n = std::min(capacity - copied, chunk_.size() - at_);
      std::memcpy(buffer + copied, chunk_.data() + at_, n);
      at_ += n;
      copied += n;
    }
    return copied;
  }

 private:
  Database::Impl* db_;
  std::uint64_t id_;
  schema::AttachmentRecord record_;
  AttachmentInfo info_;
  storage::PlainBytes chunk_;
  std::size_t at_ = 0;
  std::uint32_t next_ = 0;
  std::uint64_t delivered_ = 0;
  Status failed_;
};

AttachmentReader::AttachmentReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AttachmentReader::~AttachmentReader() = default;
const AttachmentInfo& AttachmentReader::info() const { return impl_->info(); }
Result<std::size_t> AttachmentReader::Read(char* buffer, std::size_t capacity) {
  return db::Guard([&] { return impl_->Read(buffer, capacity); });
}

// ------------------------------------------------------------------------------ the database

Result<std::unique_ptr<AttachmentWriter>> Database::Impl::BeginAttachment(const Session& s, const AttachmentSpec& spec,
                                                                          const ChangeContext& ctx) {
  HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, false));
  HSDT_RETURN_IF_ERROR(CheckSpec(spec));
  HSDT_ASSIGN_OR_RETURN(std::uint64_t dossier, db::IdOf(spec.dossier_id));
  HSDT_ASSIGN_OR_RETURN(auto record, LoadFor(s, dossier, 0, Action::kUpdateDossier, Purpose::kNone));
  policy::Resource what;
  what.dossier_id = db::FormatId(dossier);
  what.managing_unit = ManagingUnitOf(*record);
  HSDT_ASSIGN_OR_RETURN(Access access, Authorize(s, Action::kUpdateDossier, what, Purpose::kNone, what.dossier_id));
  if (!spec.event.empty()) {
    const schema::DossierView view(record->bytes.words(), record->bytes.size());
    const Status event = schema::CheckEventPath(view, spec.event);
    if (event.code() == StatusCode::kNotFound) return AuditMiss(s, Action::kUpdateDossier, what.dossier_id, Purpose::kNone, event);
    HSDT_RETURN_IF_ERROR(event);
  }
  std::uint64_t superseded = 0;
  if (!spec.supersedes.empty()) {
    HSDT_ASSIGN_OR_RETURN(superseded, AttachmentIdOf("supersedes", spec.supersedes));
    auto old = attachments_->Read(superseded, 0);
    if (!old.ok() && old.status().code() != StatusCode::kNotFound) return old.status();
    if (!old.ok() || old->dossier_id != dossier) {
      return AuditMiss(s, Action::kUpdateDossier, what.dossier_id, Purpose::kNone,
                       Status::NotFound("supersedes: " + spec.supersedes + " is not an attachment of " + what.dossier_id));
    }
  }
  HSDT_ASSIGN_OR_RETURN(auto hash, attachments_->NewContentHash());
  return std::make_unique<AttachmentWriter>(
      std::make_unique<AttachmentWriter::Impl>(this, s, spec, ctx, dossier, superseded, std::move(hash)));
}

Result<std::vector<AttachmentInfo>> Database::Impl::DescribeAttachments(const Session& s, std::uint64_t dossier,
                                                                        std::uint64_t only, Purpose purpose) {
  const std::string target = db::FormatId(dossier) + " attachments";
  // A district auditor learns that attachments exist (read_reports), never what they are.
  const auto session = internal::ImplAccess::Pointer(s);
  const Action action = session != nullptr && session->role == Role::kDistrictAuditor ? Action::kReadReports
                                                                                      : Action::kReadDossier;
  HSDT_ASSIGN_OR_RETURN(auto record, LoadFor(s, dossier, 0, action, purpose));
  policy::Resource what;
  what.dossier_id = db::FormatId(dossier);
  what.managing_unit = ManagingUnitOf(*record);
  HSDT_ASSIGN_OR_RETURN(Access access, Authorize(s, action, what, purpose, target));
  auto described = [&](const schema::AttachmentRecord& r) {
    return action == Action::kReadDossier &&
           static_cast<int>(access.decision.visibility) >=
               static_cast<int>(AttachmentKindVisibility(static_cast<AttachmentKind>(r.kind)));
  };
  std::vector<AttachmentInfo> out;
  if (only != 0) {
    HSDT_ASSIGN_OR_RETURN(auto versions, attachments_->Versions(only));
    for (const auto& r : versions) out.push_back(InfoOf(only, r, described(r), static_cast<std::uint32_t>(versions.size())));
  } else {
    HSDT_ASSIGN_OR_RETURN(std::vector<std::uint64_t> ids, attachments_->OfDossier(dossier));
    for (std::uint64_t id : ids) {
      HSDT_ASSIGN_OR_RETURN(schema::AttachmentRecord r, attachments_->Read(id, 0));
      out.push_back(InfoOf(id, r, described(r), r.version));
    }
  }
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, action, target, purpose, std::to_string(out.size()) + " listed")));
  return out;
}

Result<std::unique_ptr<AttachmentReader>> Database::Impl::OpenAttachment(const Session& s, std::string_view id_text,
                                                                         std::uint32_t version, Purpose purpose) {
  HSDT_ASSIGN_OR_RETURN(std::uint64_t id, AttachmentIdOf("attachment_id", id_text));
  auto found = attachments_->Read(id, version);
  if (!found.ok()) {
    if (found.status().code() != StatusCode::kNotFound) return found.status();
    return AuditMiss(s, Action::kReadDossier, FormatAttachmentId(id), purpose,
                     Status::NotFound("attachment_id: no " + FormatAttachmentId(id) +
                                      (version == 0 ? std::string() : " version " + std::to_string(version))));
  }
  schema::AttachmentRecord r = std::move(found).value();
  HSDT_ASSIGN_OR_RETURN(auto record, LoadFor(s, r.dossier_id, 0, Action::kReadDossier, purpose));
  policy::Resource what;
  what.dossier_id = db::FormatId(r.dossier_id);
  what.managing_unit = ManagingUnitOf(*record);
  what.needs = AttachmentKindVisibility(static_cast<AttachmentKind>(r.kind));
  const std::string target = AttachmentTarget(r.dossier_id, id, r.version);
  HSDT_ASSIGN_OR_RETURN(Access access, Authorize(s, Action::kReadDossier, what, purpose, target));
  HSDT_ASSIGN_OR_RETURN(auto latest, attachments_->Read(id, 0));
  AttachmentInfo info = InfoOf(id, r, true, latest.version);
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, Action::kReadDossier, target, purpose, "")));
  return std::make_unique<AttachmentReader>(std::make_unique<AttachmentReader::Impl>(this, id, std::move(r), std::move(info)));
}

Result<std::unique_ptr<AttachmentWriter>> Database::BeginAttachment(const Session& session, const AttachmentSpec& spec,
                                                                    const ChangeContext& context) {
  return db::Guard([&] { return impl_->BeginAttachment(session, spec, context); });
}

Result<std::vector<AttachmentInfo>> Database::ListAttachments(const Session& session, std::string_view dossier_id,
                                                              Purpose purpose) {
  return db::Guard([&]() -> Result<std::vector<AttachmentInfo>> {
    HSDT_ASSIGN_OR_RETURN(std::uint64_t dossier, DossierIdOf(dossier_id));
    return impl_->DescribeAttachments(session, dossier, 0, purpose);
  });
}

Result<std::vector<AttachmentInfo>> Database::AttachmentHistory(const Session& session, std::string_view attachment_id,
                                                                Purpose purpose) {
  return db::Guard([&]() -> Result<std::vector<AttachmentInfo>> {
    HSDT_ASSIGN_OR_RETURN(std::uint64_t id, AttachmentIdOf("attachment_id", attachment_id));
    auto latest = impl_->attachments().Read(id, 0);
    if (!latest.ok()) {
      if (latest.status().code() != StatusCode::kNotFound) return latest.status();
      return impl_->AuditMiss(session, Action::kReadDossier, FormatAttachmentId(id), purpose,
                              Status::NotFound("attachment_id: no " + FormatAttachmentId(id)));
    }
    return impl_->DescribeAttachments(session, latest->dossier_id, id, purpose);
  });
}

Result<std::unique_ptr<AttachmentReader>> Database::OpenAttachment(const Session& session, std::string_view attachment_id,
                                                                   std::uint32_t version, Purpose purpose) {
  return db::Guard([&] { return impl_->OpenAttachment(session, attachment_id, version, purpose); });
}

}  // namespace hsdt
