#include "schema/attachment_record.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "schema/meta.capnp.h"

namespace hsdt::schema {
namespace {

kj::ArrayPtr<const kj::byte> Bytes(const std::string& s) {
  return kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}
std::string String(capnp::Data::Reader d) { return std::string(reinterpret_cast<const char*>(d.begin()), d.size()); }

}  // namespace

Status EncodeAttachmentRecord(const AttachmentRecord& m, std::string_view where, std::string* out) {
  try {
    capnp::MallocMessageBuilder message(128);
    auto r = message.initRoot<schema::StoredAttachment>();
    r.setVersion(m.version);
    r.setDossierId(m.dossier_id);
    r.setDossierVersion(m.dossier_version);
    r.setEvent(m.event);
    r.setKind(m.kind);
    r.setTitle(m.title);
    r.setSourceNumber(m.source_number);
    r.setSourceDate(m.source_date);
    r.setPages(m.pages);
    r.setMediaType(m.media_type);
    r.setSize(m.size);
    r.setSha256(Bytes(m.sha256));
    r.setContentId(Bytes(m.content_id));
    r.setBlobId(Bytes(m.blob_id));
    r.setChunks(m.chunks);
    r.setRecordedAtMicros(m.recorded_at_micros);
    r.setActor(m.actor);
    r.setReason(m.reason);
    auto words = capnp::messageToFlatArray(message);
    auto bytes = words.asChars();
    out->append(bytes.begin(), bytes.size());
    return Status::Ok();
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string(where) + ": attachment record does not encode: " +
                              e.getDescription().cStr());
  }
}

Result<AttachmentRecord> DecodeAttachmentRecord(const std::uint64_t* words, std::size_t size_bytes,
                                                std::string_view where) {
  if (size_bytes % 8 != 0) return Status::Corruption(std::string(where) + ": attachment record is not whole words");
  try {
    capnp::ReaderOptions limits;
    limits.traversalLimitInWords = 1 << 16;
    limits.nestingLimit = 8;
    capnp::FlatArrayMessageReader reader(
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(words), size_bytes / 8), limits);
    auto r = reader.getRoot<schema::StoredAttachment>();
    AttachmentRecord m;
    m.version = r.getVersion();
    m.dossier_id = r.getDossierId();
    m.dossier_version = r.getDossierVersion();
    m.event = r.getEvent();
    m.kind = r.getKind();
    m.title = r.getTitle();
    m.source_number = r.getSourceNumber();
    m.source_date = r.getSourceDate();
    m.pages = r.getPages();
    m.media_type = r.getMediaType();
    m.size = r.getSize();
    m.sha256 = String(r.getSha256());
    m.content_id = String(r.getContentId());
    m.blob_id = String(r.getBlobId());
    m.chunks = r.getChunks();
    m.recorded_at_micros = r.getRecordedAtMicros();
    m.actor = r.getActor();
    m.reason = r.getReason();
    return m;
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string(where) + ": attachment record does not decode: " +
                              e.getDescription().cStr());
  }
}

}  // namespace hsdt::schema
