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
       "national_id TEXT NOT NULL, managing_unit TEXT NOT NULL, status TEXT NOT NULL, surname TEXT, "
       "middle TEXT, given TEXT, birth_date TEXT, gender TEXT, rank TEXT, name_key TEXT, "
       "folded_name TEXT, json TEXT NOT NULL)");
  Exec("CREATE UNIQUE INDEX IF NOT EXISTS dossier_national_id ON dossier(national_id)");
  Exec("CREATE INDEX IF NOT EXISTS dossier_unit ON dossier(managing_unit, name_key)");
  Exec("CREATE INDEX IF NOT EXISTS dossier_status ON dossier(status)");
  Exec("CREATE INDEX IF NOT EXISTS dossier_gender ON dossier(gender)");
  Exec("CREATE INDEX IF NOT EXISTS dossier_name ON dossier(folded_name)");
  Exec("CREATE TABLE IF NOT EXISTS history (id INTEGER NOT NULL, version INTEGER NOT NULL, "
       "recorded_at INTEGER NOT NULL, actor TEXT, reason TEXT, source_number TEXT, source_date TEXT, "
       "json TEXT NOT NULL, PRIMARY KEY (id, version)) WITHOUT ROWID");
  insert_ = Prepare("INSERT INTO dossier (id, version, national_id, managing_unit, status, surname, middle, "
                    "given, birth_date, gender, rank, name_key, folded_name, json) "
                    "VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  insert_history_ = Prepare("INSERT INTO history VALUES (?1, ?2, ?3, 'bench', 'reason', '1/QĐ-UBND', '2024-01-01', ?4)");
  update_ = Prepare("UPDATE dossier SET version = ?2, json = ?3 WHERE id = ?1 AND version = ?2 - 1");
  get_ = Prepare("SELECT json FROM dossier WHERE id = ?1");
  get_version_ = Prepare("SELECT json FROM history WHERE id = ?1 AND version = ?2");
  as_of_ = Prepare("SELECT version FROM history WHERE id = ?1 AND recorded_at <= ?2 ORDER BY version DESC LIMIT 1");
  history_ = Prepare("SELECT version, recorded_at, actor, reason, source_number, source_date FROM history WHERE id = ?1 ORDER BY version");
  const std::string listed = "SELECT id, surname, middle, given, birth_date, gender, rank, status, managing_unit FROM dossier ";
  by_national_id_ = Prepare((listed + "WHERE national_id = ?1").c_str());
  unit_listing_ = Prepare((listed + "WHERE managing_unit = ?1 ORDER BY name_key LIMIT ?2").c_str());
  name_range_ = Prepare((listed + "WHERE folded_name >= ?1 AND folded_name < ?2 LIMIT ?3").c_str());
  count_ = Prepare("SELECT managing_unit, gender, count(*) FROM dossier GROUP BY managing_unit, gender");
}

SqlStore::~SqlStore() {
  for (void* s : {insert_, insert_history_, update_, get_, get_version_, as_of_, history_, by_national_id_,
                  unit_listing_, name_range_, count_}) {
    api_.finalize(s);
  }
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

void SqlStore::Create(std::int64_t id, const std::string& json, const SqlRow& row, std::int64_t micros,
                      bool transaction) {
  if (transaction) Exec("BEGIN");
  api_.bind_int64(insert_, 1, id);
  int column = 2;
  for (const std::string* v : {&row.national_id, &row.unit, &row.status, &row.surname, &row.middle, &row.given,
                               &row.birth_date, &row.gender, &row.rank, &row.name_key_hex, &row.folded_name, &json}) {
    api_.bind_text(insert_, column++, v->data(), static_cast<int>(v->size()), nullptr);
  }
  Step(insert_, kSqliteDone);
  api_.bind_int64(insert_history_, 1, id);
  api_.bind_int64(insert_history_, 2, 1);
  api_.bind_int64(insert_history_, 3, micros);
  api_.bind_text(insert_history_, 4, json.data(), static_cast<int>(json.size()), nullptr);
  Step(insert_history_, kSqliteDone);
  if (transaction) Exec("COMMIT");
}

int SqlStore::ReadListed(void* stmt) {
  int rows = 0;
  while (api_.step(stmt) == kSqliteRow) {
    sink_.clear();
    for (int c = 1; c < 9; ++c) {
      sink_.append(reinterpret_cast<const char*>(api_.column_text(stmt, c)), api_.column_bytes(stmt, c));
    }
    ++rows;
  }
  api_.reset(stmt);
  return rows;
}

int SqlStore::ByNationalId(const std::string& national_id) {
  api_.bind_text(by_national_id_, 1, national_id.data(), static_cast<int>(national_id.size()), nullptr);
  return ReadListed(by_national_id_);
}

int SqlStore::UnitListing(const std::string& unit, int limit) {
  api_.bind_text(unit_listing_, 1, unit.data(), static_cast<int>(unit.size()), nullptr);
  api_.bind_int64(unit_listing_, 2, limit);
  return ReadListed(unit_listing_);
}

int SqlStore::NameRange(const std::string& from, const std::string& to, int limit) {
  api_.bind_text(name_range_, 1, from.data(), static_cast<int>(from.size()), nullptr);
  api_.bind_text(name_range_, 2, to.data(), static_cast<int>(to.size()), nullptr);
  api_.bind_int64(name_range_, 3, limit);
  return ReadListed(name_range_);
}

int SqlStore::CountByUnitAndGender() {
  int groups = 0;
  std::int64_t total = 0;
  while (api_.step(count_) == kSqliteRow) {
    total += api_.column_int64(count_, 2);
    ++groups;
  }
  api_.reset(count_);
  return total > 0 ? groups : 0;
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
