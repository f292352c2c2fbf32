// The canonical JSON form of dossiers, through Cap'n Proto's JsonCodec, with the strict
// validation of schema/internal/validate.h in front of it. (Decoding into and encoding any
// Cap'n Proto struct: schema/internal/json.h.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <hsdt/status.h>

#include "schema/record.h"

namespace hsdt::schema {

// Parses, validates and decodes one dossier. Engine-set fields (id, recordedAt) are kept as the
// client sent them; the storage layer decides what to do with them.
// Returns: the message; InvalidArgument "<json path>: <what>", "$: malformed JSON at byte N" or
// "$: <what Cap'n Proto refused>".
Result<std::unique_ptr<DossierMessage>> ParseDossierJson(std::string_view json);

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
