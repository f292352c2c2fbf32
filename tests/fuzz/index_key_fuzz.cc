// Fuzz target: decoding index entries (src/db/index.h, docs/format.md "Index column family") and
// dossier ids. Whatever the bytes, nothing crashes or reads out of bounds, and:
//   - IndexNameOf and IndexTarget take any key and value;
//   - DecodeSummary of any bytes either fails or gives views inside those bytes, and every
//     FieldValue of it can be computed; a summary encoded as docs/format.md says decodes to its
//     parts;
//   - the ordered encoding keeps the order of its texts and is prefix-free: field entries sort
//     by value, then by dossier id, and give back their field name and dossier;
//   - ParseId accepts exactly what FormatId writes (ids start at 1).
// Built as a replay program over tests/fuzz/corpus/index_key/ (run by CTest), or as a libFuzzer
// binary with HSDT_BUILD_FUZZERS=ON under clang.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/query.h>

#include "base/coding.h"
#include "db/index.h"
#include "db/internal.h"

namespace {

using hsdt::Field;

int Sign(int c) { return (c > 0) - (c < 0); }

bool Inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

std::string IdBytes(std::uint64_t id) {
  std::string b;
  hsdt::base::PutBigEndian64(&b, id);
  return b;
}

// The summary layout of docs/format.md, written independently of index.cc: format byte 1, then
// the 18 stored fields, the name sort key and the folded name, each as a LEB128 length and bytes.
std::string EncodeSummary(const std::vector<std::string_view>& parts) {
  std::string out(1, '\x01');
  for (std::string_view p : parts) {
    std::size_t n = p.size();
    while (n >= 0x80) {
      out.push_back(static_cast<char>(0x80 | (n & 0x7F)));
      n >>= 7;
    }
    out.push_back(static_cast<char>(n));
    out += p;
  }
  return out;
}

// Splits `in` at 0xFF bytes into at most `n` parts (the rest are empty).
std::vector<std::string_view> Split(std::string_view in, std::size_t n) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < n) {
    const std::size_t at = in.find('\xFF');
    if (at == std::string_view::npos) break;
    parts.push_back(in.substr(0, at));
    in.remove_prefix(at + 1);
  }
  parts.push_back(in);
  parts.resize(n);
  return parts;
}

void CheckSummary(std::string_view bytes, std::string_view reference_date) {
  hsdt::db::Summary s;
  if (!hsdt::db::DecodeSummary(bytes, &s)) return;
  for (int i = 1; i <= hsdt::db::kStoredFields; ++i) {
    if (!Inside(s.values[i], bytes)) __builtin_trap();
  }
  if (!Inside(s.name_key, bytes) || !Inside(s.folded_name, bytes)) __builtin_trap();
  for (int f = 1; f <= hsdt::kFieldCount; ++f) {
    const std::string v = hsdt::db::FieldValue(s, static_cast<Field>(f), reference_date);
    if (f <= hsdt::db::kStoredFields && v != s.values[f]) __builtin_trap();
  }
}

void CheckOrdered(std::string_view a, std::string_view b, Field f, std::uint64_t id_a, std::uint64_t id_b) {
  const std::string ka = hsdt::db::FieldIndexPrefix(f, a) + IdBytes(id_a);
  const std::string kb = hsdt::db::FieldIndexPrefix(f, b) + IdBytes(id_b);
  const int expected = a != b ? Sign(a.compare(b)) : Sign((id_a > id_b) - (id_a < id_b));
  if (Sign(ka.compare(kb)) != expected) __builtin_trap();
  if (hsdt::db::IndexTarget(ka, "") != id_a || hsdt::db::IndexTarget(kb, "") != id_b) __builtin_trap();
  if (hsdt::db::IndexNameOf(ka) != hsdt::FieldName(f)) __builtin_trap();
  // A prefix scan for `a` finds the entries of `a` and no other value.
  const std::string prefix = hsdt::db::FieldIndexPrefix(f, a);
  if ((kb.compare(0, prefix.size(), prefix) == 0) != (a == b)) __builtin_trap();
}

void CheckIds(std::string_view text, std::uint64_t n) {
  const std::string formatted = hsdt::db::FormatId(n);
  if (hsdt::db::ParseId(formatted) != (n == 0 ? std::nullopt : std::optional<std::uint64_t>(n))) __builtin_trap();
  if (auto parsed = hsdt::db::ParseId(text); parsed && hsdt::db::FormatId(*parsed) != text) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  // Any bytes as a key, and as a key/value pair split at the first 0xFF.
  (void)hsdt::db::IndexNameOf(in);
  const std::size_t cut = in.find('\xFF');
  const std::string_view key = in.substr(0, cut);
  const std::string_view value = cut == std::string_view::npos ? std::string_view() : in.substr(cut + 1);
  (void)hsdt::db::IndexTarget(key, value);
  (void)hsdt::db::IndexTarget(in, in);
  CheckSummary(in, "2026-06-30");
  CheckSummary(value, key);

  // Well-formed entries built from the input's parts.
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < 8 && i < size; ++i) n = n << 8 | data[i];
  const auto parts = Split(in, 20);
  hsdt::db::Summary decoded;
  const std::string summary = EncodeSummary(parts);
  if (!hsdt::db::DecodeSummary(summary, &decoded)) __builtin_trap();
  for (int i = 1; i <= hsdt::db::kStoredFields; ++i) {
    if (decoded.values[i] != parts[i - 1]) __builtin_trap();
  }
  if (decoded.name_key != parts[18] || decoded.folded_name != parts[19]) __builtin_trap();
  CheckSummary(summary, parts[8]);
  if (hsdt::db::DecodeSummary(summary + "x", &decoded)) __builtin_trap();  // trailing bytes
  const std::string national = "n" + std::string(parts[14]);
  if (hsdt::db::IndexTarget(national, IdBytes(n) + summary) != n) __builtin_trap();
  if (hsdt::db::IndexTarget(hsdt::db::SummaryKey(n), summary) != n) __builtin_trap();
  const Field f = static_cast<Field>(1 + (size % hsdt::kFieldCount));
  CheckOrdered(parts[0], parts[1], f, n, n ^ 1);
  CheckOrdered(parts[0], parts[0], f, n, ~n);
  CheckIds(parts[2], n);
  return 0;
}
