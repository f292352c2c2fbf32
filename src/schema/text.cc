#include "schema/text.h"

#include <unicode/coll.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <stdexcept>

namespace hsdt::schema {
namespace {

icu::UnicodeString FromUtf8(std::string_view utf8) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
}

// ICU transliterators and collators are not safe to share between threads: one per thread,
// created on first use (a few hundred microseconds) and kept.
const icu::Transliterator& SearchFolder() {
  thread_local std::unique_ptr<icu::Transliterator> folder = [] {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        "NFD; [:Nonspacing Mark:] Remove; Latin-ASCII; Lower; NFC", UTRANS_FORWARD, err));
    if (U_FAILURE(err) || !t) throw std::runtime_error("ICU search transliterator unavailable");
    return t;
  }();
  return *folder;
}

const icu::Collator& VietnameseCollator() {
  thread_local std::unique_ptr<icu::Collator> collator = [] {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> c(icu::Collator::createInstance(icu::Locale("vi"), err));
    if (U_FAILURE(err) || !c) throw std::runtime_error("ICU Vietnamese collator unavailable");
    return c;
  }();
  return *collator;
}

}  // namespace

std::string FoldCase(std::string_view utf8) {
  icu::UnicodeString u = FromUtf8(utf8);
  u.foldCase();
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_SUCCESS(err)) u = nfc->normalize(u, err);
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string FoldForSearch(std::string_view utf8) {
  icu::UnicodeString u = FromUtf8(utf8);
  SearchFolder().transliterate(u);
  std::string folded;
  u.toUTF8String(folded);
  std::string out;
  out.reserve(folded.size());
  for (char c : folded) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> SplitWords(std::string_view folded) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string_view::npos) end = folded.size();
    if (end > start) words.emplace_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::string VietnameseSortKey(std::string_view utf8) {
  const icu::UnicodeString u = FromUtf8(utf8);
  const icu::Collator& c = VietnameseCollator();
  std::string key(64, '\0');
  int32_t n = c.getSortKey(u, reinterpret_cast<uint8_t*>(key.data()), static_cast<int32_t>(key.size()));
  if (n > static_cast<int32_t>(key.size())) {
    key.resize(static_cast<std::size_t>(n));
    n = c.getSortKey(u, reinterpret_cast<uint8_t*>(key.data()), n);
  }
  key.resize(static_cast<std::size_t>(n));  // n counts the terminating 0
  return key;
}

std::size_t CodePoints(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace hsdt::schema
