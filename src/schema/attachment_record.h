// The stored form of one attachment version (meta.capnp AttachmentRecord), for the layers
// above schema.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <hsdt/status.h>

namespace hsdt::schema {

struct AttachmentRecord {
  std::uint32_t version = 0;
  std::uint64_t dossier_id = 0;
  std::uint32_t dossier_version = 0;
  std::string event;
  std::uint16_t kind = 0;
  std::string title;
  std::string source_number;
  std::string source_date;
  std::uint32_t pages = 0;
  std::string media_type;
  std::uint64_t size = 0;
  std::string sha256;      // 32 bytes
  std::string content_id;  // 32 bytes: keyed BLAKE2b of the content
  std::string blob_id;     // 16 bytes: the chunks' key
  std::uint32_t chunks = 0;
  std::int64_t recorded_at_micros = 0;
  std::string actor;
  std::string reason;
};

// Appends the flat message of `record` to `*out`. Returns Corruption naming `where` if it does
// not encode.
Status EncodeAttachmentRecord(const AttachmentRecord& record, std::string_view where, std::string* out);
Result<AttachmentRecord> DecodeAttachmentRecord(const std::uint64_t* words, std::size_t size_bytes,
                                                std::string_view where);

}  // namespace hsdt::schema
