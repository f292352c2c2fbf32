// The one copy of a Cap'n Proto text field into a std::string. For src/schema/ and tests only.
#pragma once

#include <capnp/blob.h>

#include <string>

namespace hsdt::schema {

// The bytes of a text field (without its terminating NUL), as a std::string.
inline std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

}  // namespace hsdt::schema
