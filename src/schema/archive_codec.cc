#include "schema/archive_codec.h"

#include <capnp/message.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "base/clock.h"
#include "schema/archive.capnp.h"
#include "schema/internal/json.h"
#include "schema/internal/record.h"

namespace hsdt::schema {
namespace {

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

void SetChange(wire::ArchiveChange::Builder b, const ArchiveChange& c) {
  b.setActor(c.actor);
  b.setReason(c.reason);
  b.setSourceNumber(c.source_number);
  b.setSourceDate(c.source_date);
}

ArchiveChange GetChange(wire::ArchiveChange::Reader r) {
  return {Str(r.getActor()), Str(r.getReason()), Str(r.getSourceNumber()), Str(r.getSourceDate())};
}

void SetList(capnp::List<capnp::Text>::Builder out, const std::vector<std::string>& in) {
  for (unsigned i = 0; i < in.size(); ++i) out.set(i, in[i]);
}

std::vector<std::string> GetList(capnp::List<capnp::Text>::Reader in) {
  std::vector<std::string> out;
  for (auto t : in) out.push_back(Str(t));
  return out;
}

// JSON numbers for counts, sizes and sequence numbers: whole, 0 to 2^53.
Status Whole(double d, const char* path, std::uint64_t* out) {
  if (!(d >= 0 && d <= 9007199254740992.0) || std::floor(d) != d) {
    return Status::InvalidArgument(std::string("$.") + path + ": expected a whole number from 0 to 2^53");
  }
  *out = static_cast<std::uint64_t>(d);
  return Status::Ok();
}

template <typename T, typename Fill>
Result<std::string> Encode(Fill&& fill) {
  try {
    capnp::MallocMessageBuilder message;
    auto root = message.initRoot<T>();
    fill(root);
    return EncodeJson(capnp::toDynamic(root.asReader()), false);
  } catch (const kj::Exception& e) {
    return Status::InvalidArgument(std::string("archive line does not encode: ") + e.getDescription().cStr());
  }
}

template <typename T, typename Take>
Status Decode(std::string_view line, Take&& take) {
  try {
    capnp::MallocMessageBuilder message;
    auto root = message.initRoot<T>();
    HSDT_RETURN_IF_ERROR(DecodeStrictJson(line, kMaxArchiveLineBytes, capnp::toDynamic(root)));
    return take(root.asReader());
  } catch (const kj::Exception& e) {
    return Status::InvalidArgument(std::string("$: ") + e.getDescription().cStr());
  }
}

}  // namespace

Result<std::string> ArchiveInstant(std::int64_t micros) {
  constexpr std::int64_t kMin = -62135596800LL * 1000000;  // 0001-01-01
  constexpr std::int64_t kMax = 253402300799LL * 1000000;  // 9999-12-31T23:59:59
  if (micros < kMin || micros > kMax) {
    return Status::InvalidArgument("instant " + std::to_string(micros) + " is outside the years 0001 to 9999");
  }
  return base::FormatMicrosUtc(micros);
}

Result<std::int64_t> ParseArchiveInstant(std::string_view text) {
  using namespace std::chrono;
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
  long long us = 0;
  char z = 0;
  int used = 0;
  const std::string t(text.substr(0, 40));
  const bool shaped = text.size() == 27 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' &&
                      t[16] == ':' && t[19] == '.' &&
                      std::sscanf(t.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u.%6lld%c%n", &y, &mo, &d, &h, &mi, &s, &us, &z,
                                  &used) == 8 &&
                      used == 27 && z == 'Z';
  const year_month_day ymd{year{y}, month{mo}, day{d}};
  if (!shaped || !ymd.ok() || y < 1 || h > 23 || mi > 59 || s > 59) {
    return Status::InvalidArgument("\"" + t + "\" is not an instant of the form 2026-12-03T06:12:01.123456Z");
  }
  const auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) + microseconds(us);
  return static_cast<std::int64_t>(tp.time_since_epoch().count());
}

Result<std::string> EncodeArchiveLine(const ArchiveDossierVersion& v, const std::uint64_t* words,
                                      std::size_t size_bytes) {
  try {
    FlatRecord record(words, size_bytes);
    return Encode<wire::ArchiveDossierVersion>([&](wire::ArchiveDossierVersion::Builder b) {
      b.setId(v.id);
      b.setVersion(v.version);
      b.setRecordedAt(v.recorded_at);
      b.setKind(v.kind);
      b.setStatus(v.status);
      SetChange(b.initChange(), v.change);
      b.setDossier(record.dossier());
    });
  } catch (const kj::Exception& e) {
    return Status::Corruption(v.id + " v" + std::to_string(v.version) + ": record does not decode: " +
                              e.getDescription().cStr());
  }
}

Status DecodeArchiveLine(std::string_view line, ArchiveDossierVersion* out) {
  return Decode<wire::ArchiveDossierVersion>(line, [&](wire::ArchiveDossierVersion::Reader r) -> Status {
    out->id = Str(r.getId());
    out->version = r.getVersion();
    out->recorded_at = Str(r.getRecordedAt());
    out->kind = Str(r.getKind());
    out->status = Str(r.getStatus());
    out->change = GetChange(r.getChange());
    if (!r.hasDossier()) return Status::InvalidArgument("$.dossier: missing");
    HSDT_ASSIGN_OR_RETURN(out->dossier, CopyDossier(r.getDossier(), out->id));
    return Status::Ok();
  });
}

Result<std::string> EncodeArchiveLine(const ArchiveAccount& v) {
  return Encode<wire::ArchiveAccount>([&](wire::ArchiveAccount::Builder b) {
    b.setUserName(v.user_name);
    b.setVersion(v.version);
    b.setRecordedAt(v.recorded_at);
    b.setDisplayName(v.display_name);
    b.setUnit(v.unit);
    b.setRole(v.role);
    b.setState(v.state);
    b.setMustChangePassword(v.must_change_password);
    b.setSessionEpoch(v.session_epoch);
    SetChange(b.initChange(), v.change);
  });
}

Status DecodeArchiveLine(std::string_view line, ArchiveAccount* out) {
  return Decode<wire::ArchiveAccount>(line, [&](wire::ArchiveAccount::Reader r) {
    out->user_name = Str(r.getUserName());
    out->version = r.getVersion();
    out->recorded_at = Str(r.getRecordedAt());
    out->display_name = Str(r.getDisplayName());
    out->unit = Str(r.getUnit());
    out->role = Str(r.getRole());
    out->state = Str(r.getState());
    out->must_change_password = r.getMustChangePassword();
    out->session_epoch = r.getSessionEpoch();
    out->change = GetChange(r.getChange());
    return Status::Ok();
  });
}

Result<std::string> EncodeArchiveLine(const ArchiveUnit& v) {
  return Encode<wire::ArchiveUnit>([&](wire::ArchiveUnit::Builder b) {
    b.setCode(v.code);
    b.setVersion(v.version);
    b.setRecordedAt(v.recorded_at);
    b.setNameVi(v.name_vi);
    b.setKind(v.kind);
    b.setTier(v.tier);
    b.setActive(v.active);
    SetChange(b.initChange(), v.change);
  });
}

Status DecodeArchiveLine(std::string_view line, ArchiveUnit* out) {
  return Decode<wire::ArchiveUnit>(line, [&](wire::ArchiveUnit::Reader r) {
    out->code = Str(r.getCode());
    out->version = r.getVersion();
    out->recorded_at = Str(r.getRecordedAt());
    out->name_vi = Str(r.getNameVi());
    out->kind = Str(r.getKind());
    out->tier = r.getTier();
    out->active = r.getActive();
    out->change = GetChange(r.getChange());
    return Status::Ok();
  });
}

Result<std::string> EncodeArchiveLine(const ArchiveGrant& v) {
  return Encode<wire::ArchiveGrant>([&](wire::ArchiveGrant::Builder b) {
    b.setId(v.id);
    b.setVersion(v.version);
    b.setRecordedAt(v.recorded_at);
    b.setGranteeUser(v.grantee_user);
    b.setGranteeUnit(v.grantee_unit);
    SetList(b.initDossiers(static_cast<unsigned>(v.dossiers.size())), v.dossiers);
    b.setScopeUnit(v.scope_unit);
    SetList(b.initRights(static_cast<unsigned>(v.rights.size())), v.rights);
    SetList(b.initPurposes(static_cast<unsigned>(v.purposes.size())), v.purposes);
    b.setLegalNumber(v.legal_number);
    b.setLegalDate(v.legal_date);
    b.setLegalSigner(v.legal_signer);
    b.setValidFrom(v.valid_from);
    b.setValidUntil(v.valid_until);
    b.setIssuedBy(v.issued_by);
    b.setRevoked(v.revoked);
    SetChange(b.initChange(), v.change);
  });
}

Status DecodeArchiveLine(std::string_view line, ArchiveGrant* out) {
  return Decode<wire::ArchiveGrant>(line, [&](wire::ArchiveGrant::Reader r) {
    out->id = Str(r.getId());
    out->version = r.getVersion();
    out->recorded_at = Str(r.getRecordedAt());
    out->grantee_user = Str(r.getGranteeUser());
    out->grantee_unit = Str(r.getGranteeUnit());
    out->dossiers = GetList(r.getDossiers());
    out->scope_unit = Str(r.getScopeUnit());
    out->rights = GetList(r.getRights());
    out->purposes = GetList(r.getPurposes());
    out->legal_number = Str(r.getLegalNumber());
    out->legal_date = Str(r.getLegalDate());
    out->legal_signer = Str(r.getLegalSigner());
    out->valid_from = Str(r.getValidFrom());
    out->valid_until = Str(r.getValidUntil());
    out->issued_by = Str(r.getIssuedBy());
    out->revoked = r.getRevoked();
    out->change = GetChange(r.getChange());
    return Status::Ok();
  });
}

Result<std::string> EncodeArchiveLine(const ArchiveHandOver& v) {
  return Encode<wire::ArchiveHandOver>([&](wire::ArchiveHandOver::Builder b) {
    b.setId(v.id);
    b.setVersion(v.version);
    b.setRecordedAt(v.recorded_at);
    b.setDossierId(v.dossier_id);
    b.setFromUnit(v.from_unit);
    b.setToUnit(v.to_unit);
    b.setRequestNumber(v.request_number);
    b.setRequestDate(v.request_date);
    b.setRequestedBy(v.requested_by);
    b.setState(v.state);
    b.setDecidedBy(v.decided_by);
    SetChange(b.initChange(), v.change);
  });
}

Status DecodeArchiveLine(std::string_view line, ArchiveHandOver* out) {
  return Decode<wire::ArchiveHandOver>(line, [&](wire::ArchiveHandOver::Reader r) {
    out->id = Str(r.getId());
    out->version = r.getVersion();
    out->recorded_at = Str(r.getRecordedAt());
    out->dossier_id = Str(r.getDossierId());
    out->from_unit = Str(r.getFromUnit());
    out->to_unit = Str(r.getToUnit());
    out->request_number = Str(r.getRequestNumber());
    out->request_date = Str(r.getRequestDate());
    out->requested_by = Str(r.getRequestedBy());
    out->state = Str(r.getState());
    out->decided_by = Str(r.getDecidedBy());
    out->change = GetChange(r.getChange());
    return Status::Ok();
  });
}

Result<std::string> EncodeArchiveLine(const ArchiveAuditEntry& v) {
  return Encode<wire::ArchiveAuditEntry>([&](wire::ArchiveAuditEntry::Builder b) {
    b.setSequence(static_cast<double>(v.sequence));
    b.setRecordedAt(v.recorded_at);
    b.setActor(v.actor);
    b.setAction(v.action);
    b.setTarget(v.target);
    b.setAllowed(v.allowed);
    b.setPurpose(v.purpose);
    b.setReason(v.reason);
    b.setRule(v.rule);
    b.setChain(v.chain);
  });
}

Status DecodeArchiveLine(std::string_view line, ArchiveAuditEntry* out) {
  return Decode<wire::ArchiveAuditEntry>(line, [&](wire::ArchiveAuditEntry::Reader r) {
    HSDT_RETURN_IF_ERROR(Whole(r.getSequence(), "sequence", &out->sequence));
    out->recorded_at = Str(r.getRecordedAt());
    out->actor = Str(r.getActor());
    out->action = Str(r.getAction());
    out->target = Str(r.getTarget());
    out->allowed = r.getAllowed();
    out->purpose = Str(r.getPurpose());
    out->reason = Str(r.getReason());
    out->rule = Str(r.getRule());
    out->chain = Str(r.getChain());
    return Status::Ok();
  });
}

Result<std::string> EncodeArchiveLine(const ArchiveAttachment& v) {
  return Encode<wire::ArchiveAttachment>([&](wire::ArchiveAttachment::Builder b) {
    b.setId(v.id);
    b.setVersion(v.version);
    b.setRecordedAt(v.recorded_at);
    b.setDossierId(v.dossier_id);
    b.setDossierVersion(v.dossier_version);
    b.setEvent(v.event);
    b.setKind(v.kind);
    b.setTitle(v.title);
    b.setSourceNumber(v.source_number);
    b.setSourceDate(v.source_date);
    b.setPages(v.pages);
    b.setMediaType(v.media_type);
    b.setSize(static_cast<double>(v.size));
    b.setSha256(v.sha256);
    b.setFile(v.file);
    b.setActor(v.actor);
    b.setReason(v.reason);
  });
}

Status DecodeArchiveLine(std::string_view line, ArchiveAttachment* out) {
  return Decode<wire::ArchiveAttachment>(line, [&](wire::ArchiveAttachment::Reader r) {
    out->id = Str(r.getId());
    out->version = r.getVersion();
    out->recorded_at = Str(r.getRecordedAt());
    out->dossier_id = Str(r.getDossierId());
    out->dossier_version = r.getDossierVersion();
    out->event = Str(r.getEvent());
    out->kind = Str(r.getKind());
    out->title = Str(r.getTitle());
    out->source_number = Str(r.getSourceNumber());
    out->source_date = Str(r.getSourceDate());
    out->pages = r.getPages();
    out->media_type = Str(r.getMediaType());
    HSDT_RETURN_IF_ERROR(Whole(r.getSize(), "size", &out->size));
    out->sha256 = Str(r.getSha256());
    out->file = Str(r.getFile());
    out->actor = Str(r.getActor());
    out->reason = Str(r.getReason());
    return Status::Ok();
  });
}

Result<std::string> EncodeArchiveManifest(const ArchiveManifest& m) {
  try {
    capnp::MallocMessageBuilder message;
    auto b = message.initRoot<wire::ArchiveManifest>();
    b.setFormat(m.format);
    b.setFormatVersion(m.format_version);
    b.setSoftware(m.software);
    b.setCreatedAt(m.created_at);
    b.setTimeZone(m.time_zone);
    b.setDossiers(static_cast<double>(m.dossiers));
    b.setDossierVersions(static_cast<double>(m.dossier_versions));
    b.setAccountVersions(static_cast<double>(m.account_versions));
    b.setUnitVersions(static_cast<double>(m.unit_versions));
    b.setGrantVersions(static_cast<double>(m.grant_versions));
    b.setHandOverVersions(static_cast<double>(m.hand_over_versions));
    b.setAttachmentVersions(static_cast<double>(m.attachment_versions));
    b.setAuditEntries(static_cast<double>(m.audit_entries));
    b.setAuditLastSequence(static_cast<double>(m.audit_last_sequence));
    b.setAuditChain(m.audit_chain);
    auto files = b.initFiles(static_cast<unsigned>(m.files.size()));
    for (unsigned i = 0; i < m.files.size(); ++i) {
      files[i].setPath(m.files[i].path);
      files[i].setBytes(static_cast<double>(m.files[i].bytes));
      files[i].setSha256(m.files[i].sha256);
    }
    HSDT_ASSIGN_OR_RETURN(std::string json, EncodeJson(capnp::toDynamic(b.asReader()), true));
    return json + "\n";
  } catch (const kj::Exception& e) {
    return Status::InvalidArgument(std::string("manifest does not encode: ") + e.getDescription().cStr());
  }
}

Status DecodeArchiveManifest(std::string_view json, ArchiveManifest* out) {
  return Decode<wire::ArchiveManifest>(json, [&](wire::ArchiveManifest::Reader r) -> Status {
    out->format = Str(r.getFormat());
    out->format_version = r.getFormatVersion();
    out->software = Str(r.getSoftware());
    out->created_at = Str(r.getCreatedAt());
    out->time_zone = Str(r.getTimeZone());
    HSDT_RETURN_IF_ERROR(Whole(r.getDossiers(), "dossiers", &out->dossiers));
    HSDT_RETURN_IF_ERROR(Whole(r.getDossierVersions(), "dossierVersions", &out->dossier_versions));
    HSDT_RETURN_IF_ERROR(Whole(r.getAccountVersions(), "accountVersions", &out->account_versions));
    HSDT_RETURN_IF_ERROR(Whole(r.getUnitVersions(), "unitVersions", &out->unit_versions));
    HSDT_RETURN_IF_ERROR(Whole(r.getGrantVersions(), "grantVersions", &out->grant_versions));
    HSDT_RETURN_IF_ERROR(Whole(r.getHandOverVersions(), "handOverVersions", &out->hand_over_versions));
    HSDT_RETURN_IF_ERROR(Whole(r.getAttachmentVersions(), "attachmentVersions", &out->attachment_versions));
    HSDT_RETURN_IF_ERROR(Whole(r.getAuditEntries(), "auditEntries", &out->audit_entries));
    HSDT_RETURN_IF_ERROR(Whole(r.getAuditLastSequence(), "auditLastSequence", &out->audit_last_sequence));
    out->audit_chain = Str(r.getAuditChain());
    unsigned i = 0;
    for (auto f : r.getFiles()) {
      ArchiveFile file;
      file.path = Str(f.getPath());
      const std::string at = "files[" + std::to_string(i++) + "]";
      HSDT_RETURN_IF_ERROR(Whole(f.getBytes(), (at + ".bytes").c_str(), &file.bytes));
      file.sha256 = Str(f.getSha256());
      out->files.push_back(std::move(file));
    }
    return Status::Ok();
  });
}

}  // namespace hsdt::schema
