// Fixed-width big-endian coding for keys (order-preserving) and little-endian-free headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hsdt::base {

// REQUIRES: p points at 4 (or 8) writable bytes.
inline void StoreBigEndian32(char* p, std::uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

inline void StoreBigEndian64(char* p, std::uint64_t v) {
  StoreBigEndian32(p, static_cast<std::uint32_t>(v >> 32));
  StoreBigEndian32(p + 4, static_cast<std::uint32_t>(v));
}

inline void PutBigEndian32(std::string* out, std::uint32_t v) {
  char b[4];
  StoreBigEndian32(b, v);
  out->append(b, 4);
}

inline void PutBigEndian64(std::string* out, std::uint64_t v) {
  char b[8];
  StoreBigEndian64(b, v);
  out->append(b, 8);
}

// REQUIRES: p points at 4 (or 8) readable bytes.
inline std::uint32_t GetBigEndian32(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) |
         std::uint32_t{u[3]};
}

inline std::uint64_t GetBigEndian64(const char* p) {
  return (std::uint64_t{GetBigEndian32(p)} << 32) | GetBigEndian32(p + 4);
}

// Reads a big-endian integer from the front of `*in` and advances it; false if too short.
inline bool ConsumeBigEndian32(std::string_view* in, std::uint32_t* v) {
  if (in->size() < 4) return false;
  *v = GetBigEndian32(in->data());
  in->remove_prefix(4);
  return true;
}

inline bool ConsumeBigEndian64(std::string_view* in, std::uint64_t* v) {
  if (in->size() < 8) return false;
  *v = GetBigEndian64(in->data());
  in->remove_prefix(8);
  return true;
}

// Printable form of binary key bytes for messages: hex.
std::string HexOf(std::string_view bytes);
// The bytes of lower-case hex digits (what HexOf writes); false for anything else.
bool FromHex(std::string_view hex, std::string* out);

// Identifiers printed as a prefix and at least eight digits: "HS00000042", "GR00000003".
std::string FormatPrefixedId(std::string_view prefix, std::uint64_t n);
// The number of an identifier in exactly that form (no sign, no extra leading zero), else
// nullopt.
std::optional<std::uint64_t> ParsePrefixedId(std::string_view id, std::string_view prefix);

}  // namespace hsdt::base
