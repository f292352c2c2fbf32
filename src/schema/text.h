// Unicode helpers (ICU): case folding for case-insensitive names, search folding and Vietnamese
// collation for dossier indexes, code point counts. (The copy of a Cap'n Proto text field into a
// std::string is schema/internal/text.h.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hsdt::schema {

// Full Unicode case folding of NFC text ("Nguyễn.An" and "NGUYỄN.AN" fold alike).
std::string FoldCase(std::string_view utf8);

// Search folding: lower case, diacritics removed, đ/Đ to d, runs of white space to one space,
// trimmed ("  Nguyễn  Văn ĐẠT" -> "nguyen van dat"). Through ICU's transliterators.
std::string FoldForSearch(std::string_view utf8);

// The words of folded text (split on spaces).
std::vector<std::string> SplitWords(std::string_view folded);

// The sort key of `utf8` under ICU's Vietnamese collator (a < ă < â, d < đ, tones after letters),
// terminated by one 0 byte and containing no other: bytewise order of keys is the collation
// order, and keys concatenated compare part by part.
std::string VietnameseSortKey(std::string_view utf8);

// Offset of the first invalid UTF-8 sequence in `s` (overlong forms, surrogates and truncated
// sequences included), or -1 if `s` is valid UTF-8.
std::int64_t InvalidUtf8At(std::string_view s);

// Offset of the first control character (C0, DEL or C1) in valid UTF-8 `s`, or -1.
std::int64_t ControlCharAt(std::string_view s);

// Number of code points in valid UTF-8 (counts lead bytes).
std::size_t CodePoints(std::string_view utf8);

}  // namespace hsdt::schema
