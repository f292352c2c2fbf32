// Library and format versions.
#pragma once

#include <cstdint>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

inline constexpr int kVersionMajor = 1;
inline constexpr int kVersionMinor = 1;
inline constexpr int kVersionPatch = 0;

// On-disk format written by this library (docs/format.md). Databases of a newer format are
// refused with UnsupportedFormat.
inline constexpr std::uint32_t kFormatVersion = 1;

// "1.1.0"
const char* VersionString();

#pragma GCC visibility pop
}  // namespace hsdt
