// SQLite and SQLCipher loaded side by side with dlopen(RTLD_LOCAL): both export the same symbols,
// so each gets its own table of function pointers.
#pragma once

#include <cstdint>
#include <string>

namespace hsdt::bench {

struct SqliteApi {
  void* handle = nullptr;
  int (*open_v2)(const char*, void**, int, const char*) = nullptr;
  int (*close_v2)(void*) = nullptr;
  int (*exec)(void*, const char*, void*, void*, char**) = nullptr;
  int (*prepare_v2)(void*, const char*, int, void**, const char**) = nullptr;
  int (*step)(void*) = nullptr;
  int (*reset)(void*) = nullptr;
  int (*finalize)(void*) = nullptr;
  int (*bind_int64)(void*, int, std::int64_t) = nullptr;
  int (*bind_text)(void*, int, const char*, int, void (*)(void*)) = nullptr;
  std::int64_t (*column_int64)(void*, int) = nullptr;
  const unsigned char* (*column_text)(void*, int) = nullptr;
  int (*column_bytes)(void*, int) = nullptr;
  const char* (*errmsg)(void*) = nullptr;
  const char* (*libversion)() = nullptr;

  // Loads `library` (e.g. "libsqlcipher.so.0"); aborts with a message if it cannot.
  static SqliteApi Load(const char* library);
};

inline constexpr int kSqliteRow = 100;
inline constexpr int kSqliteDone = 101;

// The columns a dossier row carries besides its JSON: what the indexes and listings need.
struct SqlRow {
  std::string national_id, unit, status, surname, middle, given, birth_date, gender, rank;
  std::string name_key_hex;  // ICU Vietnamese sort key of given, middle, surname (hex)
  std::string folded_name;   // lower case, no diacritics
};

// One database file with the dossier schema and prepared statements.
class SqlStore {
 public:
  // `key` empty: plain SQLite. `page_size` > 0 sets SQLCipher's cipher_page_size.
  SqlStore(const SqliteApi& api, const std::string& path, const std::string& key, int page_size,
           bool sync, int cache_pages);
  ~SqlStore();

  void Exec(const char* sql);
  // One transaction: the dossier row, its history row.
  // `transaction` false: inside the caller's transaction (bulk loads).
  void Create(std::int64_t id, const std::string& json, const SqlRow& row, std::int64_t micros,
              bool transaction = true);
  void Update(std::int64_t id, std::int64_t version, const std::string& json, std::int64_t micros);
  bool Get(std::int64_t id, std::string* json);
  bool GetVersion(std::int64_t id, std::int64_t version, std::string* json);
  std::int64_t AsOf(std::int64_t id, std::int64_t micros);
  int History(std::int64_t id);
  // Queries returning the listed columns (id, name parts, birth date, gender, rank, status,
  // unit); each returns the number of rows read.
  int ByNationalId(const std::string& national_id);
  int UnitListing(const std::string& unit, int limit);      // ordered by name_key
  int NameRange(const std::string& from, const std::string& to, int limit);  // folded_name range
  int CountByUnitAndGender();                                // groups
  void BulkBegin() { Exec("BEGIN"); }
  void BulkCommit() { Exec("COMMIT"); }
  void Checkpoint() { Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

 private:
  void* Prepare(const char* sql);
  void Step(void* stmt, int expect);
  int ReadListed(void* stmt);
  const SqliteApi& api_;
  void* db_ = nullptr;
  void* insert_ = nullptr;
  void* insert_history_ = nullptr;
  void* update_ = nullptr;
  void* get_ = nullptr;
  void* get_version_ = nullptr;
  void* as_of_ = nullptr;
  void* history_ = nullptr;
  void* by_national_id_ = nullptr;
  void* unit_listing_ = nullptr;
  void* name_range_ = nullptr;
  void* count_ = nullptr;
  std::string sink_;
};

}  // namespace hsdt::bench
