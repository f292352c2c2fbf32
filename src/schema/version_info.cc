#include "schema/version_info.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "schema/meta.capnp.h"

namespace hsdt::schema {

Status EncodeVersionRecord(const VersionRecord& m, std::string_view where, std::string* out) {
  try {
    capnp::MallocMessageBuilder message(64);
    auto info = message.initRoot<VersionInfo>();
    info.setVersion(m.version);
    info.setRecordedAtMicros(m.recorded_at_micros);
    info.setKind(static_cast<schema::ChangeKind>(m.kind));
    info.setStatus(m.status);
    info.setActor(m.actor);
    info.setReason(m.reason);
    info.setSourceNumber(m.source_number);
    info.setSourceDate(m.source_date);
    auto words = capnp::messageToFlatArray(message);
    auto bytes = words.asChars();
    out->append(bytes.begin(), bytes.size());
    return Status::Ok();
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string(where) + ": version record does not encode: " +
                              e.getDescription().cStr());
  }
}

Result<VersionRecord> DecodeVersionRecord(const std::uint64_t* words, std::size_t size_bytes,
                                          std::string_view where) {
  if (size_bytes % 8 != 0) {
    return Status::Corruption(std::string(where) + ": version record is not whole words");
  }
  try {
    capnp::ReaderOptions limits;
    limits.traversalLimitInWords = 1 << 16;
    limits.nestingLimit = 8;
    capnp::FlatArrayMessageReader reader(
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(words), size_bytes / 8), limits);
    auto info = reader.getRoot<VersionInfo>();
    VersionRecord m;
    m.version = info.getVersion();
    m.recorded_at_micros = info.getRecordedAtMicros();
    m.kind = static_cast<hsdt::ChangeKind>(info.getKind());
    m.status = info.getStatus();
    m.actor = info.getActor();
    m.reason = info.getReason();
    m.source_number = info.getSourceNumber();
    m.source_date = info.getSourceDate();
    return m;
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string(where) + ": version record does not decode: " +
                              e.getDescription().cStr());
  }
}

}  // namespace hsdt::schema
