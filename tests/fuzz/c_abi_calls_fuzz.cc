// Fuzz target: sequences of C ABI calls (bindings/c/hsdt.h). The input is read as up to 48 calls
// on a few handle slots: options create/set/free, open, close, login, logout, session free,
// create, get, history, find, count, import, buffer free and the static helpers, in any order,
// with NULL handles, NULL outputs, wrong keys, a second open of a database already open, bad
// JSON and unknown ids. Every call returns a status and never crashes or leaks; a call with a
// NULL handle gives HSDT_MISUSE; no call gives HSDT_INTERNAL; a failed call leaves its outputs
// NULL/0. The database (one, created once per process in a temporary directory: fixed raw key,
// minimum costs, commits not fsynced) keeps what earlier inputs wrote. Opening costs far more
// than any other call, so db slot 0 starts each input open on it, and stays open for the next
// input unless this one closed or replaced it.
//
// Handles are only ever passed while live or as NULL: released handles (double close, use after
// free) are not passed yet, because the handle check reads the freed memory (issue 8, "C ABI";
// being fixed in bindings/c/). Key kinds stay within the enum's range (0 to 3) for the same reason.
// Built as a replay program over tests/fuzz/corpus/c_abi_calls/ (run by CTest), or as a libFuzzer
// binary with HSDT_BUILD_FUZZERS=ON under clang.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "hsdt.h"

namespace {

constexpr char kAdmin[] = "nv.admin";
constexpr char kAdminPassword[] = "quản trị hồ sơ Bình Tân 2024";
constexpr char kEditor[] = "anlac.editor";
constexpr char kEditorTemporary[] = "tạm thời biên tập viên 2024";
constexpr char kEditorPassword[] = "cán bộ phường An Lạc 2024";
constexpr char kSampleNationalId[] = "079184012345";
constexpr std::size_t kMaxCalls = 48;

void Must(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "c_abi_calls fuzz: %s (last error: %s)\n", what, hsdt_last_error());
    __builtin_trap();
  }
}

struct Fixture {
  std::string dir;    // the database
  std::string other;  // a directory that may come to hold a second one
  std::string sample;
  std::uint8_t key[HSDT_KEY_BYTES];
};

Fixture* fixture = nullptr;
hsdt_db* kept_db = nullptr;  // db slot 0 between inputs

void RemoveFixture() {
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(fixture->dir).parent_path(), ec);
}

void CloseKept() {
  if (kept_db != nullptr) (void)hsdt_db_close(kept_db);
  kept_db = nullptr;
}

Fixture& F() {
  if (fixture != nullptr) return *fixture;
  auto* f = new Fixture();
  const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/hsdt-fuzz-c-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  Must(::mkdtemp(buf.data()) != nullptr, "mkdtemp");
  f->dir = std::string(buf.data()) + "/db";
  f->other = std::string(buf.data()) + "/other";
  std::ifstream in(HSDT_TEST_DATA_DIR "/sample-dossier.json", std::ios::binary);
  f->sample.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  Must(f->sample.find(kSampleNationalId) != std::string::npos, "sample dossier");
  for (std::size_t i = 0; i < HSDT_KEY_BYTES; ++i) f->key[i] = static_cast<std::uint8_t>(i * 7 + 1);

  hsdt_options* o = nullptr;
  Must(hsdt_options_create(&o) == HSDT_OK, "options");
  Must(hsdt_options_set_create_if_missing(o, true) == HSDT_OK && hsdt_options_set_kdf_cost(o, 0) == HSDT_OK &&
           hsdt_options_set_password_cost(o, 0) == HSDT_OK && hsdt_options_set_sync(o, false) == HSDT_OK &&
           hsdt_options_set_first_admin(o, kAdmin, "Quản trị", kAdminPassword) == HSDT_OK,
       "set options");
  hsdt_db* db = nullptr;
  Must(hsdt_db_open(f->dir.c_str(), HSDT_KEY_RAW, f->key, HSDT_KEY_BYTES, o, &db) == HSDT_OK, "create");
  hsdt_options_free(o);
  hsdt_session* admin = nullptr;
  hsdt_session* editor = nullptr;
  Must(hsdt_login(db, kAdmin, kAdminPassword, &admin) == HSDT_OK, "admin login");
  Must(hsdt_account_create(db, admin, kEditor, "Biên tập An Lạc", "27460", HSDT_ROLE_UNIT_EDITOR, kEditorTemporary,
                           "fuzz") == HSDT_OK,
       "editor account");
  Must(hsdt_login(db, kEditor, kEditorTemporary, &editor) == HSDT_OK, "editor login");
  Must(hsdt_change_password(db, editor, kEditorTemporary, kEditorPassword) == HSDT_OK, "editor password");
  hsdt_session_free(admin);
  hsdt_session_free(editor);
  Must(hsdt_db_close(db) == HSDT_OK, "close");
  fixture = f;
  std::atexit(RemoveFixture);
  return *f;
}

// Reads the input: bytes, then zeros once it is used up.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint32_t U32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | Byte();
    return v;
  }
  // A length byte, then that many bytes.
  std::string Text() {
    const std::size_t want = Byte();
    const std::size_t n = std::min(want, size_ - std::min(pos_, size_));
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

struct State {
  hsdt_options* options[2] = {};
  hsdt_db* dbs[2] = {};
  hsdt_session* sessions[3] = {};
  char* buffers[4] = {};
  std::vector<std::string> ids = {"HS00000001"};
};

// A status any call may return; Internal is a bug.
void Returned(hsdt_status s) {
  const int code = static_cast<int>(s);
  Must(code >= 0 && code < static_cast<int>(HSDT_INTERNAL), "status");
  Must(hsdt_last_error() != nullptr, "last error");
  if (s != HSDT_OK) Must(hsdt_status_name(s) != nullptr, "status name");
}

// With a NULL handle the answer is MISUSE.
void Checked(hsdt_status s, bool null_handle) {
  Returned(s);
  if (null_handle) Must(s == HSDT_MISUSE, "NULL handle is not MISUSE");
}

// Frees a buffer slot and stores a new buffer there.
void Keep(State& st, std::size_t slot, char* buffer) {
  hsdt_free(st.buffers[slot]);
  st.buffers[slot] = buffer;
}

// Output checks: a failure leaves the buffer NULL and its length 0. (A NULL out pointer is not
// checked for MISUSE here: today some calls do their work first; bindings/c/ is being fixed.)
void Output(State& st, std::size_t slot, hsdt_status s, char* out, std::size_t len, bool null_handle,
            bool out_given = true) {
  Checked(s, null_handle);
  if (!out_given) return;
  if (s != HSDT_OK) {
    Must(out == nullptr && len == 0, "output set on failure");
    return;
  }
  Must(out != nullptr && std::strlen(out) == len, "output length");
  Keep(st, slot, out);
}

const char* PickUser(std::uint8_t b) {
  switch (b % 4) {
    case 0: return kAdmin;
    case 1: return kEditor;
    case 2: return "nobody";
    default: return nullptr;
  }
}

const char* PickPassword(std::uint8_t b) {
  switch (b % 4) {
    case 0: return kAdminPassword;
    case 1: return kEditorPassword;
    case 2: return "wrong password entirely";
    default: return nullptr;
  }
}

std::string PickId(State& st, Input& in) {
  const std::uint8_t b = in.Byte();
  if (b % 4 == 3) return in.Text();
  return st.ids[b % st.ids.size()];
}

std::string PickJson(Input& in) {
  const std::uint8_t b = in.Byte();
  if (b % 2 == 1) return in.Text();
  std::string json = F().sample;
  char number[13];
  std::snprintf(number, sizeof number, "%012u", static_cast<unsigned>(in.U32()));
  json.replace(json.find(kSampleNationalId), 12, number);
  return json;
}

const char* kQueries[] = {
    R"({"filter": {"name": {"text": "nguyen hong"}}, "fields": ["fullName", "status"]})",
    R"({"filter": {"eq": {"field": "managingUnit", "value": "27460"}}, "sort": "name", "limit": 5})",
    R"({"filter": {"eq": {"field": "nationalId", "value": "079184012345"}}})",
    R"({"filter": {"all": true}, "allowScan": true, "cursor": "69000000000000002a"})",
    R"({"groupBy": ["status", "ageBand"]})",
};

void Call(State& st, Input& in, const Fixture& f) {
  const std::uint8_t op = in.Byte();
  const std::uint8_t a = in.Byte();
  hsdt_options*& o = st.options[a % 2];
  hsdt_db*& db = st.dbs[(a >> 1) % 2];
  hsdt_session*& session = st.sessions[(a >> 2) % 3];
  const std::size_t slot = (a >> 4) % 4;
  char* out = nullptr;
  std::size_t len = 0;
  switch (op % 16) {
    case 0: {  // options create (into a free slot)
      hsdt_options_free(o);
      o = nullptr;
      const bool null_out = in.Byte() % 8 == 0;
      Checked(hsdt_options_create(null_out ? nullptr : &o), null_out);
      break;
    }
    case 1: {  // options setters, on a live or NULL handle
      const std::uint8_t b = in.Byte();
      const bool v = (b & 8) != 0;
      const int cost = static_cast<int>(in.Byte() % 6) - 1;
      hsdt_status s = HSDT_OK;
      switch (b % 7) {
        case 0: s = hsdt_options_set_create_if_missing(o, v); break;
        case 1: s = hsdt_options_set_error_if_exists(o, v); break;
        case 2: s = hsdt_options_set_sync(o, v); break;
        case 3: s = hsdt_options_set_kdf_cost(o, cost); break;
        case 4: s = hsdt_options_set_record_cache_bytes(o, std::size_t{in.Byte()} << 12); break;
        case 5: s = hsdt_options_set_password_cost(o, cost); break;
        case 6: s = hsdt_options_set_first_admin(o, PickUser(in.Byte()), v ? nullptr : "Quản trị", PickPassword(in.Byte())); break;
      }
      Checked(s, o == nullptr);
      break;
    }
    case 2:
      hsdt_options_free(o);
      o = nullptr;
      break;
    case 3: {  // open: right or wrong key, kind, directory
      const std::uint8_t b = in.Byte();
      std::uint8_t key[HSDT_KEY_BYTES];
      std::memcpy(key, f.key, sizeof key);
      if (b & 4) key[b % HSDT_KEY_BYTES] ^= 0x5a;
      const std::size_t key_len = (b & 8) ? b % 40 : HSDT_KEY_BYTES;
      const auto kind = static_cast<hsdt_key_kind>((b & 16) ? (b >> 5) % 4 : HSDT_KEY_RAW);
      const char* dir = (b & 3) == 3 ? nullptr : (b & 3) == 2 ? f.other.c_str() : f.dir.c_str();
      if (db != nullptr) Returned(hsdt_db_close(db));  // keep the slot's handle reachable
      db = reinterpret_cast<hsdt_db*>(1);              // must be overwritten with NULL on failure
      const bool null_out = (b & 0xE0) == 0xE0;
      const hsdt_status s = hsdt_db_open(dir, kind, (b & 0x70) == 0x70 ? nullptr : key, key_len,
                                         o, null_out ? nullptr : &db);
      if (null_out) db = nullptr;
      Checked(s, dir == nullptr || null_out);
      if (s != HSDT_OK) Must(db == nullptr, "open failed but *out is set");
      break;
    }
    case 4: {
      const bool was_null = db == nullptr;
      const hsdt_status s = hsdt_db_close(db);
      Returned(s);
      if (was_null) Must(s == HSDT_OK, "close(NULL)");
      db = nullptr;
      break;
    }
    case 5: {  // login
      hsdt_session_free(session);
      session = reinterpret_cast<hsdt_session*>(1);
      const std::uint8_t b = in.Byte();
      const char* user = PickUser(b);
      const char* password = PickPassword(b >> 2);
      const bool null_out = (b & 0xF0) == 0xF0;
      const hsdt_status s = hsdt_login(db, user, password, null_out ? nullptr : &session);
      if (null_out || s != HSDT_OK) {
        Must(null_out || session == nullptr, "login failed but *out is set");
        session = nullptr;
      }
      Checked(s, db == nullptr || null_out || user == nullptr || password == nullptr);
      break;
    }
    case 6:
      Checked(hsdt_logout(db, session), db == nullptr || session == nullptr);
      break;
    case 7:
      hsdt_session_free(session);
      session = nullptr;
      break;
    case 8: {  // create
      const std::string json = PickJson(in);
      const std::uint8_t b = in.Byte();
      std::uint32_t version = 7;
      const hsdt_status s =
          hsdt_dossier_create(db, session, (b & 1) ? nullptr : json.data(), json.size(), (b & 2) ? nullptr : "tạo mới",
                              (b & 4) ? nullptr : "845/QĐ-UBND", (b & 8) ? "2008-02-30" : "2008-08-20", &out, &version);
      Checked(s, db == nullptr || session == nullptr || (b & 1) != 0);
      if (s != HSDT_OK) {
        Must(out == nullptr && version == 0, "create failed but outputs set");
        break;
      }
      Must(out != nullptr && version == 1, "create outputs");
      st.ids.push_back(out);
      Keep(st, slot, out);
      break;
    }
    case 9: {  // get
      const std::string id = PickId(st, in);
      const std::uint8_t b = in.Byte();
      std::uint32_t version = 7;
      const hsdt_status s = hsdt_dossier_get(db, session, (b & 1) ? nullptr : id.c_str(), b >> 4, (b & 2) ? nullptr : &out,
                                             &len, &version);
      Output(st, slot, s, out, len, db == nullptr || session == nullptr || (b & 1) != 0, (b & 2) == 0);
      if (s != HSDT_OK) Must(version == 0, "get failed but version set");
      break;
    }
    case 10: {  // history, or one version
      const std::string id = PickId(st, in);
      const std::uint8_t b = in.Byte();
      const hsdt_status s = (b & 1) ? hsdt_dossier_history(db, session, id.c_str(), 0, &out, &len)
                                    : hsdt_dossier_get_version(db, session, id.c_str(), b >> 1, 0, &out, &len);
      Output(st, slot, s, out, len, db == nullptr || session == nullptr);
      break;
    }
    case 11: {  // find, with a known query or the input's
      const std::uint8_t b = in.Byte();
      const std::string q = (b & 8) ? in.Text() : kQueries[b % 5];
      const hsdt_status s = hsdt_find(db, session, q.c_str(), (b >> 4) & 1, &out, &len);
      Output(st, slot, s, out, len, db == nullptr || session == nullptr);
      break;
    }
    case 12: {  // count
      const std::uint8_t b = in.Byte();
      const std::string q = (b & 8) ? in.Text() : kQueries[b % 5];
      const hsdt_status s = hsdt_count(db, session, q.c_str(), &out, &len);
      Output(st, slot, s, out, len, db == nullptr || session == nullptr);
      break;
    }
    case 13: {  // import a few lines
      const std::uint8_t b = in.Byte();
      std::string jsonl = PickJson(in);
      for (char& c : jsonl) {
        if (c == '\n') c = ' ';
      }
      jsonl += "\n" + in.Text();
      const hsdt_status s = hsdt_import(db, session, jsonl.data(), jsonl.size(), b % 3, "nhập", "5/QĐ", "2024-01-05",
                                        &out, &len);
      Output(st, slot, s, out, len, db == nullptr || session == nullptr);
      break;
    }
    case 14:
      hsdt_free(st.buffers[slot]);
      st.buffers[slot] = nullptr;
      break;
    case 15: {  // the static helpers
      Must(hsdt_abi_version() >> 16 == HSDT_ABI_VERSION_MAJOR, "abi version");
      Must(hsdt_key_bytes() == HSDT_KEY_BYTES && hsdt_version() != nullptr, "sizes");
      Must(hsdt_status_name(static_cast<hsdt_status>(in.Byte() % 16)) != nullptr, "status name");
      Must(hsdt_last_error() != nullptr, "last error");
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = F();
  if (kept_db == nullptr) {
    Must(hsdt_db_open(f.dir.c_str(), HSDT_KEY_RAW, f.key, HSDT_KEY_BYTES, nullptr, &kept_db) == HSDT_OK, "open");
    // Closed at exit before the statics the first open made (RocksDB's among them) are
    // destroyed: exit handlers run in the reverse order of registration and construction.
    static const bool registered = std::atexit(CloseKept) == 0;
    (void)registered;
  }
  Input in(data, size);
  State st;
  st.dbs[0] = kept_db;
  kept_db = nullptr;
  for (std::size_t i = 0; i < kMaxCalls && !in.empty(); ++i) Call(st, in, f);
  for (char*& b : st.buffers) hsdt_free(b);
  for (hsdt_session*& s : st.sessions) hsdt_session_free(s);
  kept_db = st.dbs[0];
  Returned(hsdt_db_close(st.dbs[1]));
  for (hsdt_options*& o : st.options) hsdt_options_free(o);
  return 0;
}
