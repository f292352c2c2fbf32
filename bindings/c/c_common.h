// What the C wrappers share: handle structs, the error guard, library-made buffers.
// Uses only the public C++ API (include/hsdt/).
#pragma once

#include <hsdt/database.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hsdt.h"

// A handle is valid while its address is in the registry of live handles (common_c.cc), never
// because of bytes read through it: a released handle's memory is gone, so checking a tag stored
// in it (as a magic number would be) reads freed memory. Release functions take the address out
// of the registry before they free it.
struct hsdt_db {
  std::unique_ptr<hsdt::Database> db;
};

struct hsdt_session {
  hsdt::Session session;
};

struct hsdt_options {
  hsdt::OpenOptions options;
};

namespace hsdt::c {

enum class HandleKind : int { kDb = 1, kSession = 2, kOptions = 3, kAttachmentWriter = 4, kAttachmentReader = 5 };

// Records `handle` as a live handle of `kind`. Throws std::bad_alloc (inside a Guard).
void RegisterHandle(const void* handle, HandleKind kind);
// Takes `handle` out of the registry; false (and nothing changes) if it was not a live handle of
// `kind`. Of two threads releasing the same handle, exactly one gets true.
bool UnregisterHandle(const void* handle, HandleKind kind);
// True if `handle` is a live handle of `kind`. Reads only the registry, never *handle.
bool IsLiveHandle(const void* handle, HandleKind kind);
// Checks an hsdt_options handle (NULL is not accepted).
hsdt_status CheckOptions(const hsdt_options* options);
// HSDT_MISUSE naming `what` if `p` is NULL.
hsdt_status Require(const void* p, std::string_view what);

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

void JsonStrings(std::string* out, std::string_view key, const std::vector<std::string>& values);
// Appends "key":<json> with `json` already JSON text.
void JsonRaw(std::string* out, std::string_view key, std::string_view json);

// JSON string literal of `s` (quotes and escapes added).
std::string JsonString(std::string_view s);
// A JSON array of the strings.
std::string JsonStringArray(const std::vector<std::string>& values);

// Outputs `items` as a JSON array of objects, each filled by object(item, &json_so_far).
template <typename T, typename Fn>
hsdt_status OutputArray(const Result<std::vector<T>>& items, Fn&& object, char** out, std::size_t* out_len) {
  if (!items.ok()) return FromStatus(items.status());
  std::string json = "[";
  for (const auto& item : *items) {
    if (json.size() > 1) json += ",";
    std::string o = "{";
    object(item, &o);
    json += o + "}";
  }
  return Output(json + "]", out, out_len);
}

}  // namespace hsdt::c
