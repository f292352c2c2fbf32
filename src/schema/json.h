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

namespace hsdt::schema {

// A dossier decoded from JSON and validated.
struct DossierMessage {
  capnp::MallocMessageBuilder message;
  std::vector<std::string> warnings;
  // The id the client sent, if any (the engine overwrites the message's id when it commits).
  std::string client_id;
  Dossier::Builder root() { return message.getRoot<Dossier>(); }
  Dossier::Reader reader() { return message.getRoot<Dossier>().asReader(); }
};

// Parses `json` (at most `max_bytes`), checks it against the schema of `root` (ValidateJson) and
// decodes it into `root`.
// Returns: Ok; InvalidArgument "<json path>: <what>" or "$: malformed JSON at byte N".
Status DecodeStrictJson(std::string_view json, std::size_t max_bytes, capnp::DynamicStruct::Builder root);

// Parses, validates and decodes one dossier. Engine-set fields (id, recordedAt) are kept as the
// client sent them; the storage layer decides what to do with them.
// Returns: the message; InvalidArgument "<json path>: <what>" or "$: malformed JSON at byte N".
Result<std::unique_ptr<DossierMessage>> ParseDossierJson(std::string_view json);

// Encodes any struct in canonical JSON: field names as in the schema, default-valued fields
// (zero numbers, false, the `unspecified` enumerant) omitted.
Result<std::string> EncodeJson(capnp::DynamicStruct::Reader value, bool pretty);

// Rewrites \uXXXX escapes inside JSON strings to UTF-8, because the JSON parser of Cap'n Proto
// 0.9 (Debian 12) decodes them wrongly. Quote, backslash and control characters stay escaped.
// Returns: Ok; InvalidArgument "$: ... at byte N" for a bad escape or lone surrogate.
Status RewriteUnicodeEscapes(std::string_view in, std::string* out);

// Describes the first syntax error of `json` as "at byte N: <what>"; used for messages only.
std::string DescribeSyntaxError(std::string_view json);

}  // namespace hsdt::schema
