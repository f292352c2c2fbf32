// The canonical JSON form of records, through Cap'n Proto's JsonCodec, with the strict
// validation of validate.h in front of it.
#pragma once

#include <capnp/dynamic.h>
#include <capnp/message.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

#include "schema/dossier.capnp.h"
#include "schema/record.h"

namespace hsdt::schema {

// Parses `json` (at most `max_bytes`), checks it against the schema of `root` (ValidateJson) and
// decodes it into `root`.
// Returns: Ok; InvalidArgument "<json path>: <what>" or "$: malformed JSON at byte N".
Status DecodeStrictJson(std::string_view json, std::size_t max_bytes, capnp::DynamicStruct::Builder root);

// Parses, validates and decodes one dossier. Engine-set fields (id, recordedAt) are kept as the
// client sent them; the storage layer decides what to do with them.
// Returns: the message; InvalidArgument "<json path>: <what>", "$: malformed JSON at byte N" or
// "$: <what Cap'n Proto refused>".
Result<std::unique_ptr<DossierMessage>> ParseDossierJson(std::string_view json);

// Encodes any struct in canonical JSON: field names as in the schema, default-valued fields
// (zero numbers, false, the `unspecified` enumerant) omitted.
Result<std::string> EncodeJson(capnp::DynamicStruct::Reader value, bool pretty);

// The canonical JSON of the stored dossier `id`, flat bytes `words` (8-byte aligned).
// Returns: the JSON; Corruption "<id>: record does not decode: <what>".
Result<std::string> StoredDossierJson(const std::uint64_t* words, std::size_t size_bytes,
                                      std::string_view id, bool pretty);

// Rewrites \uXXXX escapes inside JSON strings to UTF-8, because the JSON parser of Cap'n Proto
// 0.9 (Debian 12) decodes them wrongly. Quote, backslash and control characters stay escaped.
// Returns: Ok; InvalidArgument "$: ... at byte N" for a bad escape or lone surrogate.
Status RewriteUnicodeEscapes(std::string_view in, std::string* out);

// Describes the first syntax error of `json` as "at byte N: <what>"; used for messages only.
std::string DescribeSyntaxError(std::string_view json);

}  // namespace hsdt::schema
