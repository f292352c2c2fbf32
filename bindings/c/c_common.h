// What the C wrappers share: handle structs, the error guard, library-made buffers.
// Uses only the public C++ API (include/hsdt/).
#pragma once

#include <hsdt/database.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hsdt.h"

inline constexpr std::uint32_t kDbMagic = 0x68736462;       // "hsdb"
inline constexpr std::uint32_t kOptionsMagic = 0x68736f70;  // "hsop"
inline constexpr std::uint32_t kSessionMagic = 0x68737373;  // "hsss"
inline constexpr std::uint32_t kPoison = 0xdeadbeef;

struct hsdt_db {
  std::uint32_t magic = kDbMagic;
  std::unique_ptr<hsdt::Database> db;
};

struct hsdt_session {
  std::uint32_t magic = kSessionMagic;
  hsdt::Session session;
};

struct hsdt_options {
  std::uint32_t magic = kOptionsMagic;
  hsdt::OpenOptions options;
};

namespace hsdt::c {

// Records `message` as this thread's last error and returns `status`.
hsdt_status SetError(hsdt_status status, std::string_view message);
hsdt_status FromStatus(const Status& s);
void ClearError();

// Runs `fn` (returning hsdt_status) with the last error cleared; no exception escapes.
template <typename Fn>
hsdt_status Guard(Fn&& fn) noexcept {
  try {
    ClearError();
    return fn();
  } catch (const std::bad_alloc&) {
    return SetError(HSDT_RESOURCE_EXHAUSTED, "out of memory");
  } catch (const std::exception& e) {
    return SetError(HSDT_INTERNAL, std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return SetError(HSDT_INTERNAL, "unexpected exception");
  }
}

// A NUL-terminated copy of `s` in a library-made buffer (released by hsdt_free).
char* MakeBuffer(std::string_view s);
// Sets the out parameters to NULL and 0 (before anything can fail).
void ClearOut(char** out, std::size_t* out_len);
// Stores a buffer in the out parameters.
hsdt_status Output(std::string_view s, char** out, std::size_t* out_len);

hsdt_status CheckDb(const hsdt_db* db);
// Checks both handles.
hsdt_status CheckDbSession(const hsdt_db* db, const hsdt_session* session);
Result<Key> KeyFrom(hsdt_key_kind kind, const std::uint8_t* key, std::size_t key_len);
// `reason` may be NULL; number and date may be NULL where no source document is required.
ChangeContext ContextFrom(const char* reason, const char* number, const char* date);
// NULL -> "".
inline std::string Str(const char* s) { return s != nullptr ? s : ""; }
// Appends "key":value pairs to a JSON object under construction.
void JsonField(std::string* out, std::string_view key, std::string_view string_value);
void JsonField(std::string* out, std::string_view key, long long number);
void JsonBool(std::string* out, std::string_view key, bool value);

// JSON string literal of `s` (quotes and escapes added).
std::string JsonString(std::string_view s);

}  // namespace hsdt::c
