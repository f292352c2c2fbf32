#include "db/archive_records.h"

#include <hsdt/attachment.h>
#include <hsdt/changes.h>

#include <limits>

#include "base/coding.h"
#include "db/archive_files.h"
#include "db/internal.h"

namespace hsdt::db {
namespace {

constexpr char kAttachmentPrefix[] = "TL";
constexpr std::int64_t kForever = std::numeric_limits<std::int64_t>::max();

const char* HandOverStateName(HandOverState s) {
  switch (s) {
    case HandOverState::kPending: return "pending";
    case HandOverState::kApproved: return "approved";
    case HandOverState::kRejected: return "rejected";
  }
  return "unknown";
}

constexpr struct {
  std::uint32_t bit;
  const char* name;
} kRights[] = {{kGrantRead, "read"}, {kGrantReadPersonal, "personal"}, {kGrantReadConfidential, "confidential"},
               {kGrantExport, "export"}};

schema::ArchiveChange ChangeOf(const schema::RegistryChange& c) {
  return {c.actor, c.reason, c.source_number, c.source_date};
}
schema::RegistryChange ChangeFrom(const schema::ArchiveChange& c) {
  return {c.actor, c.reason, c.source_number, c.source_date};
}

Status Bad(std::string_view member, const std::string& what) {
  return Status::InvalidArgument(std::string(member) + ": " + what);
}

Status InstantOf(std::string_view member, const std::string& text, std::int64_t* out) {
  auto t = schema::ParseArchiveInstant(text);
  if (!t.ok()) return Bad(member, std::string(t.status().message()));
  *out = *t;
  return Status::Ok();
}

Status VersionOf(std::uint32_t version) {
  return version == 0 ? Bad("version", "expected 1 or more") : Status::Ok();
}

}  // namespace

std::string ArchiveAttachmentId(std::uint64_t id) { return base::FormatPrefixedId(kAttachmentPrefix, id); }

// ------------------------------------------------------------------------------ export

Result<std::string> ArchiveLineOf(const policy::AccountRecord& r) {
  schema::ArchiveAccount a;
  a.user_name = r.user_name;
  a.version = r.version;
  HSDT_ASSIGN_OR_RETURN(a.recorded_at, schema::ArchiveInstant(r.micros));
  a.display_name = r.display_name;
  a.unit = r.unit;
  a.role = RoleName(r.role);
  a.state = AccountStateName(r.state);
  a.must_change_password = r.must_change_password;
  a.session_epoch = r.session_epoch;
  a.change = ChangeOf(r.change);
  return schema::EncodeArchiveLine(a);
}

Result<std::string> ArchiveLineOf(const policy::UnitRecord& r) {
  schema::ArchiveUnit a;
  a.code = r.code;
  a.version = r.version;
  HSDT_ASSIGN_OR_RETURN(a.recorded_at, schema::ArchiveInstant(r.micros));
  a.name_vi = r.name_vi;
  a.kind = r.kind;
  a.tier = static_cast<std::uint32_t>(r.tier);
  a.active = r.active;
  a.change = ChangeOf(r.change);
  return schema::EncodeArchiveLine(a);
}

Result<std::string> ArchiveLineOf(const policy::GrantRecord& r) {
  schema::ArchiveGrant a;
  a.id = r.view.id;
  a.version = r.version;
  HSDT_ASSIGN_OR_RETURN(a.recorded_at, schema::ArchiveInstant(r.micros));
  a.grantee_user = r.view.grantee_user;
  a.grantee_unit = r.view.grantee_unit;
  a.dossiers = r.view.dossiers;
  a.scope_unit = r.view.scope_unit;
  for (const auto& right : kRights) {
    if (r.view.rights & right.bit) a.rights.push_back(right.name);
  }
  for (Purpose p : r.view.purposes) a.purposes.push_back(PurposeName(p));
  a.legal_number = r.legal_number;
  a.legal_date = r.legal_date;
  a.legal_signer = r.legal_signer;
  HSDT_ASSIGN_OR_RETURN(a.valid_from, schema::ArchiveInstant(r.view.valid_from_micros));
  if (r.view.valid_until_micros != kForever) {
    HSDT_ASSIGN_OR_RETURN(a.valid_until, schema::ArchiveInstant(r.view.valid_until_micros));
  }
  a.issued_by = r.issued_by;
  a.revoked = r.view.revoked;
  a.change = ChangeOf(r.change);
  return schema::EncodeArchiveLine(a);
}

Result<std::string> ArchiveLineOf(const policy::HandOverRecord& r) {
  schema::ArchiveHandOver a;
  a.id = r.id;
  a.version = r.version;
  HSDT_ASSIGN_OR_RETURN(a.recorded_at, schema::ArchiveInstant(r.micros));
  a.dossier_id = r.dossier_id;
  a.from_unit = r.from_unit;
  a.to_unit = r.to_unit;
  a.request_number = r.request_number;
  a.request_date = r.request_date;
  a.requested_by = r.requested_by;
  a.state = HandOverStateName(r.state);
  a.decided_by = r.decided_by;
  a.change = ChangeOf(r.change);
  return schema::EncodeArchiveLine(a);
}

Result<std::string> ArchiveLineOf(std::uint64_t id, const storage::VersionMeta& meta, const storage::PlainBytes& record) {
  schema::ArchiveDossierVersion a;
  a.id = FormatId(id);
  a.version = meta.version;
  HSDT_ASSIGN_OR_RETURN(a.recorded_at, schema::ArchiveInstant(meta.recorded_at_micros));
  a.kind = ChangeKindName(meta.kind);
  a.status = meta.status;
  a.change = {meta.actor, meta.reason, meta.source_number, meta.source_date};
  return schema::EncodeArchiveLine(a, record.words(), record.size());
}

Result<std::string> ArchiveLineOf(std::uint64_t id, const schema::AttachmentRecord& r, const std::string& file) {
  schema::ArchiveAttachment a;
  a.id = ArchiveAttachmentId(id);
  a.version = r.version;
  HSDT_ASSIGN_OR_RETURN(a.recorded_at, schema::ArchiveInstant(r.recorded_at_micros));
  a.dossier_id = FormatId(r.dossier_id);
  a.dossier_version = r.dossier_version;
  a.event = r.event;
  a.kind = AttachmentKindName(static_cast<AttachmentKind>(r.kind));
  a.title = r.title;
  a.source_number = r.source_number;
  a.source_date = r.source_date;
  a.pages = r.pages;
  a.media_type = r.media_type;
  a.size = r.size;
  a.sha256 = base::HexOf(r.sha256);
  a.file = file;
  a.actor = r.actor;
  a.reason = r.reason;
  return schema::EncodeArchiveLine(a);
}

Result<std::string> ArchiveLineOf(const AuditRecord& e, std::string* chain) {
  schema::ArchiveAuditEntry a;
  a.sequence = e.sequence;
  HSDT_ASSIGN_OR_RETURN(a.recorded_at, schema::ArchiveInstant(e.recorded_at_micros));
  a.actor = e.actor;
  a.action = e.action;
  a.target = e.target;
  a.allowed = e.allowed;
  a.purpose = e.purpose;
  a.reason = e.reason;
  a.rule = e.rule;
  a.chain = std::string(64, '0');  // a placeholder of the right size, replaced below
  HSDT_ASSIGN_OR_RETURN(std::string line, schema::EncodeArchiveLine(a));
  const std::size_t cut = line.size() - archive::kChainSuffixBytes;
  if (line.size() < archive::kChainSuffixBytes || line.compare(cut, 10, ",\"chain\":\"") != 0) {
    return Status::Internal("audit line: the chain is not its last member");
  }
  const std::string entry = line.substr(0, cut) + "}";
  *chain = archive::NextChain(*chain, entry);
  line.replace(cut + 10, 64, base::HexOf(*chain));
  return line;
}

// ------------------------------------------------------------------------------ import

Status RecordOf(const schema::ArchiveAccount& a, policy::AccountRecord* out) {
  HSDT_RETURN_IF_ERROR(VersionOf(a.version));
  if (a.user_name.empty()) return Bad("userName", "empty");
  auto role = ParseRole(a.role);
  if (!role) return Bad("role", "\"" + a.role.substr(0, 32) + "\" is not a role");
  auto state = ParseAccountState(a.state);
  if (!state) return Bad("state", "\"" + a.state.substr(0, 32) + "\" is not an account state");
  HSDT_RETURN_IF_ERROR(InstantOf("recordedAt", a.recorded_at, &out->micros));
  out->version = a.version;
  out->user_name = a.user_name;
  out->display_name = a.display_name;
  out->unit = a.unit;
  out->role = *role;
  out->state = *state;
  out->password_hash.clear();
  out->must_change_password = a.must_change_password;
  out->session_epoch = a.session_epoch;
  out->change = ChangeFrom(a.change);
  return Status::Ok();
}

Status RecordOf(const schema::ArchiveUnit& a, policy::UnitRecord* out) {
  HSDT_RETURN_IF_ERROR(VersionOf(a.version));
  if (a.code.empty()) return Bad("code", "empty");
  if (a.tier < 1 || a.tier > 2) return Bad("tier", "expected 1 or 2");
  HSDT_RETURN_IF_ERROR(InstantOf("recordedAt", a.recorded_at, &out->micros));
  out->version = a.version;
  out->code = a.code;
  out->name_vi = a.name_vi;
  out->kind = a.kind;
  out->tier = static_cast<int>(a.tier);
  out->active = a.active;
  out->change = ChangeFrom(a.change);
  return Status::Ok();
}

Status RecordOf(const schema::ArchiveGrant& a, policy::GrantRecord* out) {
  HSDT_RETURN_IF_ERROR(VersionOf(a.version));
  if (!base::ParsePrefixedId(a.id, "GR")) return Bad("id", "\"" + a.id.substr(0, 32) + "\" is not a grant id");
  HSDT_RETURN_IF_ERROR(InstantOf("recordedAt", a.recorded_at, &out->micros));
  out->version = a.version;
  out->view.id = a.id;
  out->view.grantee_user = a.grantee_user;
  out->view.grantee_unit = a.grantee_unit;
  out->view.dossiers = a.dossiers;
  out->view.scope_unit = a.scope_unit;
  out->view.rights = 0;
  for (const auto& name : a.rights) {
    bool known = false;
    for (const auto& right : kRights) {
      if (name == right.name) {
        out->view.rights |= right.bit;
        known = true;
      }
    }
    if (!known) return Bad("rights", "\"" + name.substr(0, 32) + "\" is not a right");
  }
  out->view.purposes.clear();
  for (const auto& name : a.purposes) {
    auto p = ParsePurpose(name);
    if (!p) return Bad("purposes", "\"" + name.substr(0, 32) + "\" is not a purpose");
    out->view.purposes.push_back(*p);
  }
  HSDT_RETURN_IF_ERROR(InstantOf("validFrom", a.valid_from, &out->view.valid_from_micros));
  out->view.valid_until_micros = kForever;
  if (!a.valid_until.empty()) HSDT_RETURN_IF_ERROR(InstantOf("validUntil", a.valid_until, &out->view.valid_until_micros));
  out->view.revoked = a.revoked;
  out->legal_number = a.legal_number;
  out->legal_date = a.legal_date;
  out->legal_signer = a.legal_signer;
  out->issued_by = a.issued_by;
  out->change = ChangeFrom(a.change);
  return Status::Ok();
}

Status RecordOf(const schema::ArchiveHandOver& a, policy::HandOverRecord* out) {
  HSDT_RETURN_IF_ERROR(VersionOf(a.version));
  if (!base::ParsePrefixedId(a.id, "HO")) return Bad("id", "\"" + a.id.substr(0, 32) + "\" is not a hand-over id");
  HSDT_RETURN_IF_ERROR(InstantOf("recordedAt", a.recorded_at, &out->micros));
  bool known = false;
  for (HandOverState s : {HandOverState::kPending, HandOverState::kApproved, HandOverState::kRejected}) {
    if (a.state == HandOverStateName(s)) {
      out->state = s;
      known = true;
    }
  }
  if (!known) return Bad("state", "\"" + a.state.substr(0, 32) + "\" is not a hand-over state");
  out->version = a.version;
  out->id = a.id;
  out->dossier_id = a.dossier_id;
  out->from_unit = a.from_unit;
  out->to_unit = a.to_unit;
  out->request_number = a.request_number;
  out->request_date = a.request_date;
  out->requested_by = a.requested_by;
  out->decided_by = a.decided_by;
  out->change = ChangeFrom(a.change);
  return Status::Ok();
}

Status RecordOf(const schema::ArchiveDossierVersion& a, std::uint64_t* id, storage::VersionMeta* out) {
  HSDT_RETURN_IF_ERROR(VersionOf(a.version));
  auto parsed = ParseId(a.id);
  if (!parsed) return Bad("id", "\"" + a.id.substr(0, 32) + "\" is not a dossier id");
  *id = *parsed;
  bool known = false;
  for (ChangeKind k : {ChangeKind::kCreate, ChangeKind::kUpdate, ChangeKind::kStatusChange, ChangeKind::kHandOver}) {
    if (a.kind == ChangeKindName(k)) {
      out->kind = k;
      known = true;
    }
  }
  if (!known) return Bad("kind", "\"" + a.kind.substr(0, 32) + "\" is not a change kind");
  HSDT_RETURN_IF_ERROR(InstantOf("recordedAt", a.recorded_at, &out->recorded_at_micros));
  out->version = a.version;
  out->status = a.status;
  out->actor = a.change.actor;
  out->reason = a.change.reason;
  out->source_number = a.change.source_number;
  out->source_date = a.change.source_date;
  return Status::Ok();
}

Status RecordOf(const schema::ArchiveAttachment& a, std::uint64_t* id, schema::AttachmentRecord* out) {
  HSDT_RETURN_IF_ERROR(VersionOf(a.version));
  auto parsed = base::ParsePrefixedId(a.id, kAttachmentPrefix);
  if (!parsed) return Bad("id", "\"" + a.id.substr(0, 32) + "\" is not an attachment id");
  *id = *parsed;
  auto dossier = ParseId(a.dossier_id);
  if (!dossier) return Bad("dossierId", "\"" + a.dossier_id.substr(0, 32) + "\" is not a dossier id");
  auto kind = ParseAttachmentKind(a.kind);
  if (!kind) return Bad("kind", "\"" + a.kind.substr(0, 32) + "\" is not an attachment kind");
  std::string sha;
  if (a.sha256.size() != 64 || !base::FromHex(a.sha256, &sha)) return Bad("sha256", "expected 64 hex digits");
  if (ScanTypeOf(a.media_type) == nullptr) {
    return Bad("mediaType", "expected application/pdf, image/jpeg, image/png or image/tiff");
  }
  if (a.size == 0 || a.size > (std::uint64_t{1} << 30)) return Bad("size", "expected 1 byte to 1 GiB");
  if (a.title.empty()) return Bad("title", "empty");
  if (a.file != archive::ScanFileName(a.sha256, a.media_type)) {
    return Bad("file", "expected " + archive::ScanFileName(a.sha256, a.media_type));
  }
  HSDT_RETURN_IF_ERROR(InstantOf("recordedAt", a.recorded_at, &out->recorded_at_micros));
  out->version = a.version;
  out->dossier_id = *dossier;
  out->dossier_version = a.dossier_version;
  out->event = a.event;
  out->kind = static_cast<std::uint16_t>(*kind);
  out->title = a.title;
  out->source_number = a.source_number;
  out->source_date = a.source_date;
  out->pages = a.pages;
  out->media_type = a.media_type;
  out->size = a.size;
  out->sha256 = std::move(sha);
  out->actor = a.actor;
  out->reason = a.reason;
  return Status::Ok();
}

Status RecordOf(const schema::ArchiveAuditEntry& a, std::string_view line, std::string* chain, AuditRecord* out) {
  const std::size_t cut = line.size() - archive::kChainSuffixBytes;
  if (line.size() < archive::kChainSuffixBytes || line.substr(cut, 10) != ",\"chain\":\"" || line.back() != '}') {
    return Bad("chain", "missing, or not the last member");
  }
  *chain = archive::NextChain(*chain, std::string(line.substr(0, cut)) + "}");
  if (a.chain != base::HexOf(*chain)) return Bad("chain", "does not follow from the lines before (an entry was changed, added or dropped)");
  HSDT_RETURN_IF_ERROR(InstantOf("recordedAt", a.recorded_at, &out->recorded_at_micros));
  out->sequence = a.sequence;
  out->actor = a.actor;
  out->action = a.action;
  out->target = a.target;
  out->allowed = a.allowed;
  out->purpose = a.purpose;
  out->reason = a.reason;
  out->rule = a.rule;
  return Status::Ok();
}

}  // namespace hsdt::db
