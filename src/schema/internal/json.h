// The Cap'n Proto side of schema/json.h: strict decoding into, and canonical encoding of, any
// struct. For src/schema/ and tests only.
#pragma once

#include <capnp/dynamic.h>

#include <cstddef>
#include <string>
#include <string_view>

#include <hsdt/status.h>

#include "schema/json.h"

namespace hsdt::schema {

// Parses `json` (at most `max_bytes`), checks it against the schema of `root` (ValidateJson) and
// decodes it into `root`.
// Returns: Ok; InvalidArgument "<json path>: <what>" or "$: malformed JSON at byte N".
Status DecodeStrictJson(std::string_view json, std::size_t max_bytes, capnp::DynamicStruct::Builder root);

// Encodes any struct in canonical JSON: field names as in the schema, default-valued fields
// (zero numbers, false, the `unspecified` enumerant) omitted.
Result<std::string> EncodeJson(capnp::DynamicStruct::Reader value, bool pretty);

}  // namespace hsdt::schema
