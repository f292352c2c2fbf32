#include "schema/text.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace hsdt::schema {

std::string FoldCase(std::string_view utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  u.foldCase();
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_SUCCESS(err)) u = nfc->normalize(u, err);
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::size_t CodePoints(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace hsdt::schema
