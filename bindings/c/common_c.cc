#include "c_common.h"

#include <hsdt/version.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace hsdt::c {
namespace {

// The last error of this thread. A fixed buffer, not a std::string: thread_local objects with a
// destructor are destroyed before the exit handlers run, and hosts call hsdt_ functions from
// those (an atexit handler or a static destructor that closes the database); a destroyed string
// there was a heap use-after-free (found by tests/fuzz/c_abi_calls_fuzz.cc).
constexpr std::size_t kMaxErrorBytes = 1024;
thread_local char last_error[kMaxErrorBytes] = "";

// Each buffer starts with a header that records its size, so hsdt_free can wipe it.
constexpr std::size_t kHeader = 16;

void WipeBytes(void* p, std::size_t n) {
  volatile unsigned char* v = static_cast<volatile unsigned char*>(p);
  while (n--) *v++ = 0;
}

// The live handles. Allocated once and never destroyed, so that handles released from static
// destructors or atexit handlers of the host still find it (no destruction-order problem, no
// global constructor). A stale pointer whose address has been reused by a newer handle of the
// same kind is taken for that newer handle: wrong but defined, and the best a C ABI can do.
struct HandleRegistry {
  std::mutex mu;
  std::unordered_map<const void*, HandleKind> live;
};

HandleRegistry& Handles() {
  static HandleRegistry* registry = new HandleRegistry;
  return *registry;
}

}  // namespace

void RegisterHandle(const void* handle, HandleKind kind) {
  HandleRegistry& r = Handles();
  std::lock_guard<std::mutex> lock(r.mu);
  r.live[handle] = kind;
}

bool UnregisterHandle(const void* handle, HandleKind kind) {
  if (handle == nullptr) return false;
  HandleRegistry& r = Handles();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.live.find(handle);
  if (it == r.live.end() || it->second != kind) return false;
  r.live.erase(it);
  return true;
}

bool IsLiveHandle(const void* handle, HandleKind kind) {
  if (handle == nullptr) return false;
  HandleRegistry& r = Handles();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.live.find(handle);
  return it != r.live.end() && it->second == kind;
}

hsdt_status Require(const void* p, std::string_view what) {
  if (p != nullptr) return HSDT_OK;
  return SetError(HSDT_MISUSE, std::string(what) + ": NULL; expected a pointer");
}

hsdt_status CheckOptions(const hsdt_options* options) {
  if (options == nullptr) return SetError(HSDT_MISUSE, "options: NULL handle");
  if (!IsLiveHandle(options, HandleKind::kOptions)) {
    return SetError(HSDT_MISUSE, "options: freed or invalid handle; expected one from hsdt_options_create");
  }
  return HSDT_OK;
}

hsdt_status SetError(hsdt_status status, std::string_view message) {
  // Cut at a character boundary, so a long message stays valid UTF-8.
  std::size_t n = std::min(message.size(), kMaxErrorBytes - 1);
  while (n > 0 && n < message.size() && (static_cast<unsigned char>(message[n]) & 0xC0) == 0x80) --n;
  if (n > 0) std::memcpy(last_error, message.data(), n);
  last_error[n] = '\0';
  return status;
}

void ClearError() { last_error[0] = '\0'; }

hsdt_status FromStatus(const Status& s) {
  if (s.ok()) return HSDT_OK;
  return SetError(static_cast<hsdt_status>(s.code()), s.message());
}

char* MakeBuffer(std::string_view s) {
  auto* raw = static_cast<char*>(std::malloc(kHeader + s.size() + 1));
  if (raw == nullptr) throw std::bad_alloc();
  const std::size_t size = s.size() + 1;
  std::memcpy(raw, &size, sizeof size);
  if (!s.empty()) std::memcpy(raw + kHeader, s.data(), s.size());
  raw[kHeader + s.size()] = '\0';
  return raw + kHeader;
}

void ClearOut(char** out, std::size_t* out_len) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
}

hsdt_status Output(std::string_view s, char** out, std::size_t* out_len) {
  if (out == nullptr) return SetError(HSDT_MISUSE, "out: NULL");
  *out = MakeBuffer(s);
  if (out_len != nullptr) *out_len = s.size();
  return HSDT_OK;
}

hsdt_status CheckDb(const hsdt_db* db) {
  if (db == nullptr) return SetError(HSDT_MISUSE, "db: NULL handle");
  if (!IsLiveHandle(db, HandleKind::kDb) || !db->db) {
    return SetError(HSDT_MISUSE, "db: closed or invalid handle; expected one from hsdt_db_open");
  }
  return HSDT_OK;
}

Result<Key> KeyFrom(hsdt_key_kind kind, const std::uint8_t* key, std::size_t key_len) {
  if (key == nullptr) return Status::InvalidArgument("key: NULL");
  // hsdt_key_kind has the fixed underlying type int in C++ (hsdt.h), so any int the caller
  // passed is a valid value of it and comparing it is defined.
  if (kind == HSDT_KEY_PASSPHRASE) {
    return Key::Passphrase(std::string_view(reinterpret_cast<const char*>(key), key_len));
  }
  if (kind == HSDT_KEY_RAW) {
    return Key::Raw(std::span<const std::byte>(reinterpret_cast<const std::byte*>(key), key_len));
  }
  return Status::InvalidArgument("kind: " + std::to_string(static_cast<int>(kind)) +
                                 " is not HSDT_KEY_PASSPHRASE (1) or HSDT_KEY_RAW (2)");
}

ChangeContext ContextFrom(const char* reason, const char* number, const char* date) {
  ChangeContext c;
  c.reason = Str(reason);
  c.source = {Str(number), Str(date)};
  return c;
}

hsdt_status CheckDbSession(const hsdt_db* db, const hsdt_session* session) {
  if (hsdt_status s = CheckDb(db); s != HSDT_OK) return s;
  if (session == nullptr) return SetError(HSDT_MISUSE, "session: NULL handle");
  if (!IsLiveHandle(session, HandleKind::kSession)) {
    return SetError(HSDT_MISUSE, "session: freed or invalid handle; expected one from hsdt_login");
  }
  return HSDT_OK;
}

void JsonRaw(std::string* out, std::string_view key, std::string_view json) {
  if (out->back() != '{') out->push_back(',');
  *out += JsonString(key);
  out->push_back(':');
  *out += json;
}

void JsonField(std::string* out, std::string_view key, std::string_view value) {
  JsonRaw(out, key, JsonString(value));
}

void JsonField(std::string* out, std::string_view key, long long number) {
  JsonRaw(out, key, std::to_string(number));
}

void JsonBool(std::string* out, std::string_view key, bool value) { JsonRaw(out, key, value ? "true" : "false"); }

void JsonStrings(std::string* out, std::string_view key, const std::vector<std::string>& values) {
  JsonRaw(out, key, JsonStringArray(values));
}

std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string json = "[";
  for (const auto& v : values) {
    if (json.size() > 1) json += ",";
    json += JsonString(v);
  }
  return json + "]";
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

}  // namespace hsdt::c

using hsdt::c::Guard;
using hsdt::c::SetError;

namespace {
template <typename Fn>
hsdt_status SetOption(hsdt_options* o, Fn&& fn) {
  hsdt::c::ClearError();
  if (hsdt_status s = hsdt::c::CheckOptions(o); s != HSDT_OK) return s;
  return fn(o->options);
}
}  // namespace

extern "C" {

uint32_t hsdt_abi_version(void) { return (HSDT_ABI_VERSION_MAJOR << 16) | HSDT_ABI_VERSION_MINOR; }
const char* hsdt_version(void) { return hsdt::VersionString(); }
size_t hsdt_key_bytes(void) { return hsdt::kRawKeyBytes; }
const char* hsdt_last_error(void) { return hsdt::c::last_error; }

const char* hsdt_status_name(hsdt_status status) {
  return hsdt::StatusCodeName(static_cast<hsdt::StatusCode>(status));
}

void hsdt_free(void* buffer) {
  if (buffer == nullptr) return;
  char* raw = static_cast<char*>(buffer) - hsdt::c::kHeader;
  std::size_t size = 0;
  std::memcpy(&size, raw, sizeof size);
  hsdt::c::WipeBytes(raw, hsdt::c::kHeader + size);
  std::free(raw);
}

hsdt_status hsdt_options_create(hsdt_options** out) {
  if (out == nullptr) return SetError(HSDT_MISUSE, "out: NULL");
  *out = nullptr;
  return Guard([&] {
    auto handle = std::make_unique<hsdt_options>();
    hsdt::c::RegisterHandle(handle.get(), hsdt::c::HandleKind::kOptions);
    *out = handle.release();
    return HSDT_OK;
  });
}

void hsdt_options_free(hsdt_options* options) {
  if (options == nullptr) return;
  if (!hsdt::c::UnregisterHandle(options, hsdt::c::HandleKind::kOptions)) {
    SetError(HSDT_MISUSE, "options: freed or invalid handle; expected one from hsdt_options_create");
    return;
  }
  delete options;
}

hsdt_status hsdt_options_set_create_if_missing(hsdt_options* o, bool v) {
  return SetOption(o, [&](hsdt::OpenOptions& x) { x.create_if_missing = v; return HSDT_OK; });
}
hsdt_status hsdt_options_set_error_if_exists(hsdt_options* o, bool v) {
  return SetOption(o, [&](hsdt::OpenOptions& x) { x.error_if_exists = v; return HSDT_OK; });
}
hsdt_status hsdt_options_set_sync(hsdt_options* o, bool v) {
  return SetOption(o, [&](hsdt::OpenOptions& x) {
    x.durability = v ? hsdt::Durability::kSync : hsdt::Durability::kNoSync;
    return HSDT_OK;
  });
}
hsdt_status hsdt_options_set_kdf_cost(hsdt_options* o, int cost) {
  return SetOption(o, [&](hsdt::OpenOptions& x) {
    if (cost < 0 || cost > 3) return SetError(HSDT_INVALID_ARGUMENT, "cost: expected 0 to 3, got " + std::to_string(cost));
    x.kdf_cost = static_cast<hsdt::KdfCost>(cost);
    return HSDT_OK;
  });
}
hsdt_status hsdt_options_set_record_cache_bytes(hsdt_options* o, size_t bytes) {
  return SetOption(o, [&](hsdt::OpenOptions& x) { x.record_cache_bytes = bytes; return HSDT_OK; });
}
hsdt_status hsdt_options_set_first_admin(hsdt_options* o, const char* user, const char* display,
                                         const char* password) {
  return SetOption(o, [&](hsdt::OpenOptions& x) {
    return Guard([&] {
      if (user == nullptr || password == nullptr) return SetError(HSDT_MISUSE, "user_name/password: NULL");
      x.first_admin = {user, hsdt::c::Str(display), password};
      return HSDT_OK;
    });
  });
}
hsdt_status hsdt_options_set_password_cost(hsdt_options* o, int cost) {
  return SetOption(o, [&](hsdt::OpenOptions& x) {
    if (cost < 0 || cost > 3) return SetError(HSDT_INVALID_ARGUMENT, "cost: expected 0 to 3, got " + std::to_string(cost));
    x.password_cost = static_cast<hsdt::KdfCost>(cost);
    return HSDT_OK;
  });
}

hsdt_status hsdt_options_set_time_zone(hsdt_options* o, const char* time_zone) {
  return SetOption(o, [&](hsdt::OpenOptions& x) {
    return Guard([&] {
      if (time_zone == nullptr) return SetError(HSDT_MISUSE, "time_zone: NULL; expected an IANA id");
      auto known = hsdt::CivilDateOf(0, time_zone);
      if (!known.ok()) return hsdt::c::FromStatus(known.status());
      x.time_zone = time_zone;
      return HSDT_OK;
    });
  });
}

hsdt_status hsdt_options_set_read_only(hsdt_options* o, bool value, int64_t catch_up_micros) {
  return SetOption(o, [&](hsdt::OpenOptions& x) {
    if (catch_up_micros < 0) return SetError(HSDT_INVALID_ARGUMENT, "catch_up_micros: negative");
    x.read_only = value;
    x.catch_up_micros = catch_up_micros;
    return HSDT_OK;
  });
}

hsdt_status hsdt_parse_instant(const char* text, const char* time_zone, bool end_of_day, int64_t* out_micros) {
  if (out_micros == nullptr) return SetError(HSDT_MISUSE, "out_micros: NULL; expected a pointer");
  *out_micros = 0;
  if (text == nullptr) return SetError(HSDT_MISUSE, "text: NULL; expected a pointer");
  return Guard([&] {
    auto t = hsdt::ParseInstant(text, time_zone != nullptr ? time_zone : hsdt::kDefaultTimeZone,
                                end_of_day ? hsdt::DateAs::kEndOfDay : hsdt::DateAs::kStartOfDay, "text");
    if (!t.ok()) return hsdt::c::FromStatus(t.status());
    *out_micros = *t;
    return HSDT_OK;
  });
}

}  // extern "C"
