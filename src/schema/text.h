// Unicode helpers (ICU): case folding for case-insensitive names, code point counts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hsdt::schema {

// Full Unicode case folding of NFC text ("Nguyễn.An" and "NGUYỄN.AN" fold alike).
std::string FoldCase(std::string_view utf8);

// Number of code points in valid UTF-8 (counts lead bytes).
std::size_t CodePoints(std::string_view utf8);

}  // namespace hsdt::schema
