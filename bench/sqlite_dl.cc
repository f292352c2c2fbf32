#include "sqlite_dl.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace hsdt::bench {

namespace {
template <typename T>
void Bind(void* lib, const char* name, T* fn) {
  *fn = reinterpret_cast<T>(dlsym(lib, name));
  if (*fn == nullptr) {
    std::fprintf(stderr, "bench: %s: missing %s\n", dlerror(), name);
    std::abort();
  }
}
}  // namespace

SqliteApi SqliteApi::Load(const char* library) {
  SqliteApi a;
  a.handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (a.handle == nullptr) {
    std::fprintf(stderr, "bench: cannot load %s: %s\n", library, dlerror());
    std::abort();
  }
  Bind(a.handle, "sqlite3_open_v2", &a.open_v2);
  Bind(a.handle, "sqlite3_close_v2", &a.close_v2);
  Bind(a.handle, "sqlite3_exec", &a.exec);
  Bind(a.handle, "sqlite3_prepare_v2", &a.prepare_v2);
  Bind(a.handle, "sqlite3_step", &a.step);
  Bind(a.handle, "sqlite3_reset", &a.reset);
  Bind(a.handle, "sqlite3_finalize", &a.finalize);
  Bind(a.handle, "sqlite3_bind_int64", &a.bind_int64);
  Bind(a.handle, "sqlite3_bind_text", &a.bind_text);
  Bind(a.handle, "sqlite3_column_int64", &a.column_int64);
  Bind(a.handle, "sqlite3_column_text", &a.column_text);
  Bind(a.handle, "sqlite3_column_bytes", &a.column_bytes);
  Bind(a.handle, "sqlite3_errmsg", &a.errmsg);
  Bind(a.handle, "sqlite3_libversion", &a.libversion);
  return a;
}

SqlStore::SqlStore(const SqliteApi& api, const std::string& path, const std::string& key,
                   int page_size, bool sync, int cache_pages)
    : api_(api) {
  constexpr int kOpenFlags = 0x2 | 0x4;  // READWRITE | CREATE
  if (api_.open_v2(path.c_str(), &db_, kOpenFlags, nullptr) != 0) {
    std::fprintf(stderr, "bench: cannot open %s\n", path.c_str());
    std::abort();
  }
  if (!key.empty()) {
    Exec(("PRAGMA key = '" + key + "'").c_str());
    if (page_size > 0) Exec(("PRAGMA cipher_page_size = " + std::to_string(page_size)).c_str());
  }
  Exec("PRAGMA journal_mode = WAL");
  Exec(sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF");
  Exec(("PRAGMA cache_size = " + std::to_string(cache_pages)).c_str());
  Exec("CREATE TABLE IF NOT EXISTS dossier (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, "
       "national_id TEXT NOT NULL, managing_unit TEXT NOT NULL, status TEXT NOT NULL, json TEXT NOT NULL)");
  Exec("CREATE UNIQUE INDEX IF NOT EXISTS dossier_national_id ON dossier(national_id)");
  Exec("CREATE INDEX IF NOT EXISTS dossier_unit ON dossier(managing_unit)");
  Exec("CREATE INDEX IF NOT EXISTS dossier_status ON dossier(status)");
  Exec("CREATE TABLE IF NOT EXISTS history (id INTEGER NOT NULL, version INTEGER NOT NULL, "
       "recorded_at INTEGER NOT NULL, actor TEXT, reason TEXT, source_number TEXT, source_date TEXT, "
       "json TEXT NOT NULL, PRIMARY KEY (id, version)) WITHOUT ROWID");
  insert_ = Prepare("INSERT INTO dossier (id, version, national_id, managing_unit, status, json) VALUES (?1, 1, ?2, ?3, ?4, ?5)");
  insert_history_ = Prepare("INSERT INTO history VALUES (?1, ?2, ?3, 'bench', 'reason', '1/QĐ-UBND', '2024-01-01', ?4)");
  update_ = Prepare("UPDATE dossier SET version = ?2, json = ?3 WHERE id = ?1 AND version = ?2 - 1");
  get_ = Prepare("SELECT json FROM dossier WHERE id = ?1");
  get_version_ = Prepare("SELECT json FROM history WHERE id = ?1 AND version = ?2");
  as_of_ = Prepare("SELECT version FROM history WHERE id = ?1 AND recorded_at <= ?2 ORDER BY version DESC LIMIT 1");
  history_ = Prepare("SELECT version, recorded_at, actor, reason, source_number, source_date FROM history WHERE id = ?1 ORDER BY version");
}

SqlStore::~SqlStore() {
  for (void* s : {insert_, insert_history_, update_, get_, get_version_, as_of_, history_}) api_.finalize(s);
  api_.close_v2(db_);
}

void SqlStore::Exec(const char* sql) {
  char* err = nullptr;
  if (api_.exec(db_, sql, nullptr, nullptr, &err) != 0) {
    std::fprintf(stderr, "bench: %s: %s\n", sql, err != nullptr ? err : "?");
    std::abort();
  }
}

void* SqlStore::Prepare(const char* sql) {
  void* stmt = nullptr;
  if (api_.prepare_v2(db_, sql, -1, &stmt, nullptr) != 0) {
    std::fprintf(stderr, "bench: prepare %s: %s\n", sql, api_.errmsg(db_));
    std::abort();
  }
  return stmt;
}

void SqlStore::Step(void* stmt, int expect) {
  const int rc = api_.step(stmt);
  if (rc != expect) {
    std::fprintf(stderr, "bench: step: %d %s\n", rc, api_.errmsg(db_));
    std::abort();
  }
  api_.reset(stmt);
}

void SqlStore::Create(std::int64_t id, const std::string& json, const std::string& national_id,
                      const std::string& unit, const std::string& status, std::int64_t micros,
                      bool transaction) {
  if (transaction) Exec("BEGIN");
  api_.bind_int64(insert_, 1, id);
  api_.bind_text(insert_, 2, national_id.data(), static_cast<int>(national_id.size()), nullptr);
  api_.bind_text(insert_, 3, unit.data(), static_cast<int>(unit.size()), nullptr);
  api_.bind_text(insert_, 4, status.data(), static_cast<int>(status.size()), nullptr);
  api_.bind_text(insert_, 5, json.data(), static_cast<int>(json.size()), nullptr);
  Step(insert_, kSqliteDone);
  api_.bind_int64(insert_history_, 1, id);
  api_.bind_int64(insert_history_, 2, 1);
  api_.bind_int64(insert_history_, 3, micros);
  api_.bind_text(insert_history_, 4, json.data(), static_cast<int>(json.size()), nullptr);
  Step(insert_history_, kSqliteDone);
  if (transaction) Exec("COMMIT");
}

void SqlStore::Update(std::int64_t id, std::int64_t version, const std::string& json, std::int64_t micros) {
  Exec("BEGIN");
  api_.bind_int64(update_, 1, id);
  api_.bind_int64(update_, 2, version);
  api_.bind_text(update_, 3, json.data(), static_cast<int>(json.size()), nullptr);
  Step(update_, kSqliteDone);
  api_.bind_int64(insert_history_, 1, id);
  api_.bind_int64(insert_history_, 2, version);
  api_.bind_int64(insert_history_, 3, micros);
  api_.bind_text(insert_history_, 4, json.data(), static_cast<int>(json.size()), nullptr);
  Step(insert_history_, kSqliteDone);
  Exec("COMMIT");
}

bool SqlStore::Get(std::int64_t id, std::string* json) {
  api_.bind_int64(get_, 1, id);
  const bool found = api_.step(get_) == kSqliteRow;
  if (found) json->assign(reinterpret_cast<const char*>(api_.column_text(get_, 0)), api_.column_bytes(get_, 0));
  api_.reset(get_);
  return found;
}

bool SqlStore::GetVersion(std::int64_t id, std::int64_t version, std::string* json) {
  api_.bind_int64(get_version_, 1, id);
  api_.bind_int64(get_version_, 2, version);
  const bool found = api_.step(get_version_) == kSqliteRow;
  if (found) {
    json->assign(reinterpret_cast<const char*>(api_.column_text(get_version_, 0)), api_.column_bytes(get_version_, 0));
  }
  api_.reset(get_version_);
  return found;
}

std::int64_t SqlStore::AsOf(std::int64_t id, std::int64_t micros) {
  api_.bind_int64(as_of_, 1, id);
  api_.bind_int64(as_of_, 2, micros);
  const std::int64_t v = api_.step(as_of_) == kSqliteRow ? api_.column_int64(as_of_, 0) : 0;
  api_.reset(as_of_);
  return v;
}

int SqlStore::History(std::int64_t id) {
  api_.bind_int64(history_, 1, id);
  int rows = 0;
  std::string sink;
  while (api_.step(history_) == kSqliteRow) {
    sink.assign(reinterpret_cast<const char*>(api_.column_text(history_, 2)), api_.column_bytes(history_, 2));
    ++rows;
  }
  api_.reset(history_);
  return rows;
}

}  // namespace hsdt::bench
