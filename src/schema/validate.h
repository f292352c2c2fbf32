// What the layers above schema use of validation, without Cap'n Proto. (The strict validation of
// dossier JSON against the schema and its annotations: schema/internal/validate.h.)
#pragma once

#include <string_view>

namespace hsdt::schema {

// True if `text` is a full date, YYYY-MM-DD, that exists in the calendar, years 1800..2200.
bool IsFullDate(std::string_view text);

}  // namespace hsdt::schema
