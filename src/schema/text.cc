#include "schema/text.h"

#include <unicode/coll.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <stdexcept>
#include <unordered_map>

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

namespace {

bool AsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Rule-based transliteration costs tens of microseconds, and names are made of a few thousand
// distinct words: each thread remembers the words it has folded (up to kMemoWords of them).
constexpr std::size_t kMemoWords = 8192;

const std::string& FoldWord(std::string_view word) {
  thread_local std::unordered_map<std::string, std::string> memo;
  if (auto it = memo.find(std::string(word)); it != memo.end()) return it->second;
  if (memo.size() >= kMemoWords) memo.clear();
  icu::UnicodeString u = FromUtf8(word);
  SearchFolder().transliterate(u);
  std::string folded;
  u.toUTF8String(folded);
  return memo.emplace(std::string(word), std::move(folded)).first->second;
}

}  // namespace

std::string FoldForSearch(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    while (i < utf8.size() && AsciiSpace(utf8[i])) ++i;
    std::size_t end = i;
    while (end < utf8.size() && !AsciiSpace(utf8[end])) ++end;
    if (end == i) break;
    const std::string& word = FoldWord(utf8.substr(i, end - i));
    if (!word.empty()) {
      if (!out.empty()) out.push_back(' ');
      out += word;
    }
    i = end;
  }
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
  // Name parts repeat as words do: remembered per thread like them.
  thread_local std::unordered_map<std::string, std::string> memo;
  if (auto it = memo.find(std::string(utf8)); it != memo.end()) return it->second;
  if (memo.size() >= kMemoWords) memo.clear();
  const icu::UnicodeString u = FromUtf8(utf8);
  const icu::Collator& c = VietnameseCollator();
  std::string key(64, '\0');
  int32_t n = c.getSortKey(u, reinterpret_cast<uint8_t*>(key.data()), static_cast<int32_t>(key.size()));
  if (n > static_cast<int32_t>(key.size())) {
    key.resize(static_cast<std::size_t>(n));
    n = c.getSortKey(u, reinterpret_cast<uint8_t*>(key.data()), n);
  }
  key.resize(static_cast<std::size_t>(n));  // n counts the terminating 0
  return memo.emplace(std::string(utf8), std::move(key)).first->second;
}

std::int64_t InvalidUtf8At(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  if (s.size() > static_cast<std::size_t>(INT32_MAX)) return INT32_MAX;
  const int32_t n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return start;
  }
  return -1;
}

std::int64_t ControlCharAt(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (c < 0x20 || c == 0x7F || c1) return static_cast<std::int64_t>(i);
  }
  return -1;
}

std::size_t CodePoints(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace hsdt::schema
