// Strict validation of dossier JSON against the schema and its annotations, with errors that
// name the JSON path. Runs on the parsed JSON tree before Cap'n Proto's JsonCodec converts it.
// The Cap'n Proto side of schema/validate.h; for src/schema/ and tests only.
#pragma once

#include <capnp/compat/json.h>
#include <capnp/schema.h>

#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

#include "schema/annotations.capnp.h"
#include "schema/dossier.capnp.h"
#include "schema/validate.h"

namespace hsdt::schema {

// Checks `value` against struct `schema`: unknown or duplicate fields, JSON types, UTF-8, text
// limits, dates, codes, enum names, number ranges, list lengths, required fields. Normalises every
// string to NFC in place. `path` names `value` in messages ("$").
// Returns: Ok; InvalidArgument "<path>: <what>" for the first fault found.
Status ValidateJson(capnp::JsonValue::Builder value, capnp::StructSchema schema,
                    std::string_view path);

// Rules that span fields, checked on the decoded dossier: national ID digits, rank and salary
// steps, the rank kept equal to the latest salary row, date order. Suspicious but acceptable
// values are appended to `warnings`.
Status ValidateDossier(Dossier::Reader dossier, std::vector<std::string>* warnings);

// True if `text` is a date of the form (full: YYYY-MM-DD; partial also YYYY-MM, YYYY) that exists
// in the calendar, years 1800..2200.
bool IsValidDate(std::string_view text, DateForm form);

}  // namespace hsdt::schema
