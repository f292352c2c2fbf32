// The codec of a dossier version's change record (meta.capnp VersionInfo): plain C++ on this
// side, Cap'n Proto only in version_info.cc. The storage layer seals the bytes into history.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <hsdt/dossier.h>
#include <hsdt/status.h>

namespace hsdt::schema {

// One version's change record (history).
struct VersionRecord {
  std::uint32_t version = 0;
  std::int64_t recorded_at_micros = 0;
  ChangeKind kind = ChangeKind::kCreate;
  std::string status;
  std::string actor;
  std::string reason;
  std::string source_number;
  std::string source_date;
};

// Appends the flat message bytes of `record` to *out. `where` names the record (its key) in
// the error. Returns: Ok; Corruption if Cap'n Proto refuses the value.
Status EncodeVersionRecord(const VersionRecord& record, std::string_view where, std::string* out);

// Decodes flat message bytes (8-byte aligned, a whole number of words), within tight reader
// limits. Returns: the record; Corruption naming `where` if the bytes do not decode.
Result<VersionRecord> DecodeVersionRecord(const std::uint64_t* words, std::size_t size_bytes,
                                          std::string_view where);

}  // namespace hsdt::schema
