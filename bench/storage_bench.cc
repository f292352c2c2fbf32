// Storage benchmarks: hsdt side by side with raw RocksDB (the same batch of record, history and
// index keys, unencrypted) and with SQLite / SQLCipher (WAL, the dossier as JSON with the same
// indexes and a history table, one transaction per write), on the same dossiers, in one run.
// Ratios are computed at the end of the run from the measured times.
//
//   storage_bench [--benchmark_filter=...]
//   HSDT_BENCH_DOSSIERS (default 100000), HSDT_BENCH_SYNC_OPS (500), HSDT_BENCH_OPS (20000)
#include <benchmark/benchmark.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <memory>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <hsdt/database.h>

#include <optional>

#include <hsdt/version.h>

#include "base/coding.h"
#include "db/testing.h"
#include "query/keys.h"
#include "schema/text.h"

#include "data_cache.h"
#include "demo_data.h"
#include "sqlite_dl.h"

namespace hsdt::bench {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : fallback;
}

const int kDossiers = EnvInt("HSDT_BENCH_DOSSIERS", 100000);
const int kSyncOps = EnvInt("HSDT_BENCH_SYNC_OPS", 500);
const int kOps = EnvInt("HSDT_BENCH_OPS", 20000);
constexpr std::size_t kSmallCache = 8u << 20;  // "data larger than the cache"
constexpr int kHotSet = 1000;

std::string Root() {
  static const std::string root = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hsdt-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    return tmpl;
  }();
  return root;
}

std::uint64_t DirBytes(const std::string& dir) {
  std::uint64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

double RssMiB() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1 << 20);
}

double PeakRssMiB() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// The dossiers every system stores: the demo district's people (about the sample's size).
struct Person {
  std::string json, national_id, unit;
  SqlRow row;  // the same person's indexed columns, for SQLite
};
const cli::DemoDistrict& District() {
  static const cli::DemoDistrict d(2013);
  return d;
}
Person PersonAt(int i) {
  auto p = District().Person(i);
  SqlRow row;
  row.national_id = p.national_id;
  row.unit = p.unit;
  row.status = "dangCongTac";
  const auto first = p.full_name.find(' '), last = p.full_name.rfind(' ');
  row.surname = p.full_name.substr(0, first);
  row.middle = last > first ? p.full_name.substr(first + 1, last - first - 1) : "";
  row.given = p.full_name.substr(last + 1);
  row.birth_date = p.birth_date;
  row.gender = p.json.find("\"gender\":\"nu\"") != std::string::npos ? "nu" : "nam";
  row.rank = p.rank_code;
  // The same sort key and folding as hsdt's (ICU), computed once when the row is written.
  row.name_key_hex = base::HexOf(schema::VietnameseSortKey(row.given) + schema::VietnameseSortKey(row.middle) +
                                 schema::VietnameseSortKey(row.surname));
  row.folded_name = schema::FoldForSearch(p.full_name);
  return {std::move(p.json), std::move(p.national_id), std::move(p.unit), std::move(row)};
}
std::string Changed(std::string json, int n) {
  const auto at = json.find("\"phone\":\"");
  if (at != std::string::npos) json.replace(at + 9, 10, "0" + std::to_string(900000000 + n % 99999999));
  return json;
}

ChangeContext Ctx() { return {"benchmark", {"1/QĐ-UBND", "2024-01-01"}}; }

// Bump when a system's loading code changes what it writes.
constexpr int kLoadVersion = 1;
// The data cache's name for `sys`'s loaded data set: the number of dossiers, the loaders'
// version, a digest of the generated people and what else shapes the files (`more`).
std::string CacheKey(const std::string& sys, const std::string& more = "") {
  const std::size_t digest = std::hash<std::string>{}(PersonAt(0).json + PersonAt(kDossiers - 1).json);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016zx", digest);
  return sys + "-n" + std::to_string(kDossiers) + "-l" + std::to_string(kLoadVersion) + more + "-d" + hex;
}
// Meta of a cached data set: one line per dossier, "id<TAB>unit".
std::vector<std::pair<std::string, std::string>> ParseMeta(const std::string& meta) {
  std::vector<std::pair<std::string, std::string>> rows;
  std::istringstream in(meta);
  for (std::string line; std::getline(in, line);) {
    const auto tab = line.find('\t');
    rows.emplace_back(line.substr(0, tab), tab == std::string::npos ? "" : line.substr(tab + 1));
  }
  return rows;
}

std::string Key8(std::uint64_t id, char kind = 0, std::uint32_t version = 0) {
  std::string k(8, '\0');
  for (int b = 0; b < 8; ++b) k[b] = static_cast<char>(id >> (56 - 8 * b));
  if (kind != 0) {
    k.push_back(kind);
    for (int b = 0; b < 4; ++b) k.push_back(static_cast<char>(version >> (24 - 8 * b)));
  }
  return k;
}

// ---------------------------------------------------------------- hsdt
struct HsdtSystem {
  std::string dir;
  std::unique_ptr<Database> db;
  std::optional<Session> admin;
  std::map<std::string, Session> editors;  // one per unit: only a unit's editor writes its dossiers
  std::vector<std::string> ids;
  std::vector<std::string> units;  // managing unit of ids[i]
  std::map<std::string, std::uint32_t> versions;
  std::vector<std::string> updated;
  bool sync = false;

  static Key TheKey() { return Key::Passphrase("benchmark passphrase").value(); }
  static constexpr char kAdmin[] = "bench.admin";
  static constexpr char kAdminPassword[] = "quản trị đo hiệu năng 2026";
  static std::string EditorPassword(const std::string& unit) { return "biên tập đo hiệu năng " + unit; }

  void Open(bool want_sync) {
    if (db && sync == want_sync) return;
    Close();
    OpenOptions o;
    o.create_if_missing = true;
    o.kdf_cost = KdfCost::kMinimum;
    o.password_cost = KdfCost::kMinimum;
    o.first_admin = {kAdmin, kAdmin, kAdminPassword};
    o.durability = want_sync ? Durability::kSync : Durability::kNoSync;
    o.record_cache_bytes = 2 * kSmallCache;
    o.block_cache_bytes = kSmallCache;
    auto r = Database::Open(dir, TheKey(), o);
    if (!r.ok()) {
      std::fprintf(stderr, "hsdt open: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    db = std::move(r).value();
    sync = want_sync;
    admin = db->Login(kAdmin, kAdminPassword).value();
    for (auto& [unit, session] : editors) session = db->Login("bench." + unit, EditorPassword(unit)).value();
  }
  const Session& Editor(const std::string& unit) {
    auto it = editors.find(unit);
    if (it != editors.end()) return it->second;
    const std::string user = "bench." + unit;
    const std::string temporary = "tạm thời đo hiệu năng " + unit;
    if (!db->CreateAccount(*admin, {user, user, unit, Role::kUnitEditor, temporary}, Ctx()).ok()) std::abort();
    Session s = db->Login(user, temporary).value();
    if (!db->ChangePassword(s, temporary, EditorPassword(unit)).ok()) std::abort();
    return editors.emplace(unit, std::move(s)).first->second;
  }
  // Opens (creates) the database in `d`, and loads the district's people unless `empty`.
  // A loaded data set comes from the data cache when it holds one, and goes into it otherwise.
  explicit HsdtSystem(std::string d = Root() + "/hsdt", bool empty = false) : dir(std::move(d)) {
    const std::string key = CacheKey("hsdt", "-f" + std::to_string(kFormatVersion) + "-i" +
                                                 std::to_string(query::kIndexFormat));
    if (!empty) {
      if (auto meta = DataCache::Restore(key, dir)) {
        Open(false);
        for (auto& [id, unit] : ParseMeta(*meta)) {
          if (!editors.count(unit)) editors.emplace(unit, db->Login("bench." + unit, EditorPassword(unit)).value());
          ids.push_back(id);
          units.push_back(unit);
          versions[id] = 1;
        }
        return;
      }
    }
    Open(false);
    if (empty) return;
    std::string meta;
    for (int i = 0; i < kDossiers; ++i) {
      Person p = PersonAt(i);
      auto w = db->Create(Editor(p.unit), p.json, Ctx());
      if (!w.ok()) std::abort();
      ids.push_back(w->id);
      units.push_back(p.unit);
      versions[w->id] = 1;
      meta += w->id + "\t" + p.unit + "\n";
    }
    (void)db->Sync(*admin);
    if (DataCache::Enabled()) {
      Close();
      DataCache::Save(key, dir, meta);
      Open(false);
    }
  }
  void Close() {
    if (db && !db->Close().ok()) std::abort();
    db.reset();
  }
};
HsdtSystem& Hsdt() {
  static HsdtSystem s;
  return s;
}

// ---------------------------------------------------------------- raw RocksDB
struct RawSystem {
  std::string dir = Root() + "/rocksdb";
  std::unique_ptr<rocksdb::DB> db;
  std::map<std::uint64_t, std::uint32_t> versions;
  std::uint64_t next_id = 1;
  RawSystem() {
    const std::string key = CacheKey("rocksdb");
    if (DataCache::Restore(key, dir)) {
      Open();
      for (int i = 0; i < kDossiers; ++i) versions[next_id++] = 1;
      return;
    }
    Open();
    for (int i = 0; i < kDossiers; ++i) Create(PersonAt(i), false);
    if (DataCache::Enabled()) {
      if (!db->Close().ok()) std::abort();
      db.reset();
      DataCache::Save(key, dir, "");
      Open();
    }
  }
  void Open() {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = rocksdb::NewLRUCache(kSmallCache);
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::Open(o, dir, &raw).ok()) std::abort();
    db.reset(raw);
  }
  // The same batch shape as hsdt's: record, version record, and index entries like hsdt's (the
  // national ID, ten field entries, one per name word, the folded name, the summary row and the
  // unit-order entry, four of them carrying a summary of the listed fields).
  void Create(const Person& p, bool sync) {
    const std::uint64_t id = next_id++;
    const std::string id8 = Key8(id);
    const SqlRow& r = p.row;
    const std::string summary = r.national_id + r.unit + r.status + r.surname + r.middle + r.given + r.birth_date +
                                r.gender + r.rank + r.name_key_hex + r.folded_name;
    rocksdb::WriteBatch b;
    b.Put(Key8(id), p.json);
    b.Put(Key8(id, 'i', 1), std::string(8, '\0') + "bench|benchmark|1/QĐ-UBND|2024-01-01|create|dangCongTac");
    b.Put("n" + p.national_id, id8 + summary);
    int field = 0;
    for (const std::string* v : {&r.unit, &r.unit, &r.status, &r.rank, &r.gender, &r.birth_date, &r.national_id,
                                 &r.surname, &r.given, &r.middle}) {
      b.Put("x" + std::string(1, static_cast<char>(++field)) + *v + std::string("\0\1", 2) + id8, "");
    }
    for (std::size_t at = 0; at < r.folded_name.size();) {
      const std::size_t end = std::min(r.folded_name.find(' ', at), r.folded_name.size());
      b.Put("t" + r.folded_name.substr(at, end - at) + std::string("\0\1", 2) + id8, "");
      at = end + 1;
    }
    b.Put("f" + r.folded_name + std::string("\0\1", 2) + id8, summary);
    b.Put("r" + id8, summary);
    b.Put("o" + r.unit + std::string("\0\1", 2) + r.name_key_hex + id8, summary);
    Write(&b, sync);
    versions[id] = 1;
  }
  void Update(std::uint64_t id, const std::string& json, bool sync) {
    std::string old;
    db->Get({}, Key8(id), &old);
    const std::uint32_t v = versions[id];
    rocksdb::WriteBatch b;
    b.Put(Key8(id, 'r', v), old);
    b.Put(Key8(id), json);
    b.Put(Key8(id, 'i', v + 1), std::string(8, '\0') + "bench|benchmark|1/QĐ-UBND|2024-01-01|update|dangCongTac");
    b.Put("s" + std::string(4, '\1') + Key8(id), "");
    Write(&b, sync);
    versions[id] = v + 1;
  }
  void Write(rocksdb::WriteBatch* b, bool sync) {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    if (!db->Write(wo, b).ok()) std::abort();
  }
};
RawSystem& Raw() {
  static RawSystem s;
  return s;
}

// ---------------------------------------------------------------- SQLite / SQLCipher
struct SqlSystem {
  std::string path;
  std::unique_ptr<SqlStore> store;
  std::map<std::int64_t, std::int64_t> versions;
  std::int64_t next_id = 1;
  SqlSystem(const char* library, const std::string& name, const std::string& key, int page_size) {
    static std::map<std::string, SqliteApi>* apis = new std::map<std::string, SqliteApi>();
    if (!apis->count(library)) (*apis)[library] = SqliteApi::Load(library);
    const SqliteApi& api = (*apis)[library];
    path = Root() + "/" + name + ".db";
    // A page cache of 2 000 pages, SQLite's default size: the data is larger than the cache.
    auto open = [&] { store = std::make_unique<SqlStore>(api, path, key, page_size, false, 2000); };
    const std::string cache_key = CacheKey(name);
    if (DataCache::Restore(cache_key, path)) {
      open();
      for (int i = 0; i < kDossiers; ++i) versions[next_id++] = 1;
      return;
    }
    open();
    store->BulkBegin();
    for (int i = 0; i < kDossiers; ++i) Create(PersonAt(i), false);
    store->BulkCommit();
    store->Checkpoint();
    if (DataCache::Enabled()) {
      store.reset();  // closed: the WAL is checkpointed and gone
      DataCache::Save(cache_key, path, "");
      open();
    }
  }
  void Create(const Person& p, bool transaction = true) {
    const std::int64_t id = next_id++;
    store->Create(id, p.json, p.row, NowMicros(), transaction);
    versions[id] = 1;
  }
  void SetSync(bool sync) { store->Exec(sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF"); }
};
SqlSystem& Sqlite() {
  static SqlSystem s("libsqlite3.so.0", "sqlite", "", 0);
  return s;
}
SqlSystem& SqlCipher() {
  static SqlSystem s("libsqlcipher.so.0", "sqlcipher", "benchmark passphrase", 0);
  return s;
}
SqlSystem& SqlCipher4k() {
  static SqlSystem s("libsqlcipher.so.0", "sqlcipher4k", "benchmark passphrase", 4096);
  return s;
}

enum class Sys { kHsdt, kRaw, kSqlite, kSqlCipher, kSqlCipher4k };
const char* SysName(Sys s) {
  switch (s) {
    case Sys::kHsdt: return "hsdt";
    case Sys::kRaw: return "rocksdb";
    case Sys::kSqlite: return "sqlite";
    case Sys::kSqlCipher: return "sqlcipher";
    case Sys::kSqlCipher4k: return "sqlcipher4k";
  }
  return "?";
}
SqlSystem& Sql(Sys s) {
  return s == Sys::kSqlite ? Sqlite() : s == Sys::kSqlCipher ? SqlCipher() : SqlCipher4k();
}

void Finish(benchmark::State& state) {
  state.counters["rss_MiB"] = RssMiB();
  state.counters["peak_rss_MiB"] = PeakRssMiB();
}

// ---------------------------------------------------------------- writes
void BM_Create(benchmark::State& state, Sys sys, bool sync) {
  const int ops = static_cast<int>(state.max_iterations);
  std::vector<Person> people;
  static int next = kDossiers;  // unique people (national IDs) across all create runs
  for (int i = 0; i < ops; ++i) people.push_back(PersonAt(next + i));
  next += ops;
  std::vector<DossierDraft> drafts;
  if (sys == Sys::kHsdt) {
    Hsdt().Open(sync);
    for (const auto& p : people) {
      drafts.push_back(DossierDraft::FromJson(p.json).value());
      Hsdt().Editor(p.unit);
    }
  } else if (sys != Sys::kRaw) {
    Sql(sys).SetSync(sync);
  } else {
    Raw();
  }
  int i = 0;
  for (auto _ : state) {
    switch (sys) {
      case Sys::kHsdt:
        if (!Hsdt().db->Create(Hsdt().Editor(people[i].unit), drafts[i], Ctx()).ok()) state.SkipWithError("create failed");
        break;
      case Sys::kRaw: Raw().Create(people[i], sync); break;
      default: Sql(sys).Create(people[i]); break;
    }
    ++i;
  }
  Finish(state);
}

// hsdt only: the same with the JSON parsed and validated inside the timed loop.
void BM_CreateJson(benchmark::State& state, bool sync) {
  const int ops = static_cast<int>(state.max_iterations);
  std::vector<Person> people;
  static int next = kDossiers + 500'000;  // past every BM_Create run (national IDs repeat every 1M people)
  for (int i = 0; i < ops; ++i) people.push_back(PersonAt(next + i));
  next += ops;
  Hsdt().Open(sync);
  for (const auto& p : people) Hsdt().Editor(p.unit);
  int i = 0;
  for (auto _ : state) {
    const Person& p = people[i++];
    if (!Hsdt().db->Create(Hsdt().Editor(p.unit), p.json, Ctx()).ok()) state.SkipWithError("create failed");
  }
  Finish(state);
}

void BM_Update(benchmark::State& state, Sys sys, bool sync) {
  const int ops = static_cast<int>(state.max_iterations);
  std::mt19937 rng(7);
  std::vector<int> who;
  std::vector<std::string> jsons;
  for (int i = 0; i < ops; ++i) {
    who.push_back(static_cast<int>(rng() % kDossiers));
    jsons.push_back(Changed(PersonAt(who.back()).json, i));
  }
  std::vector<DossierDraft> drafts;
  if (sys == Sys::kHsdt) {
    Hsdt().Open(sync);
    for (const auto& j : jsons) drafts.push_back(DossierDraft::FromJson(j).value());
  } else if (sys != Sys::kRaw) {
    Sql(sys).SetSync(sync);
  } else {
    Raw();
  }
  int i = 0;
  for (auto _ : state) {
    switch (sys) {
      case Sys::kHsdt: {
        HsdtSystem& h = Hsdt();
        const std::string& id = h.ids[who[i]];
        auto r = h.db->Update(h.Editor(h.units[who[i]]), id, h.versions[id], drafts[i], Ctx());
        if (!r.ok()) {
          state.SkipWithError(r.status().ToString().c_str());
          break;
        }
        h.versions[id] = r->version;
        h.updated.push_back(id);
        break;
      }
      case Sys::kRaw: Raw().Update(static_cast<std::uint64_t>(who[i] + 1), jsons[i], sync); break;
      default: {
        SqlSystem& s = Sql(sys);
        const std::int64_t id = who[i] + 1;
        s.store->Update(id, ++s.versions[id], jsons[i], NowMicros());
        break;
      }
    }
    ++i;
  }
  Finish(state);
}

// ---------------------------------------------------------------- reads
// `hot`: a working set of kHotSet dossiers that fits every cache; else uniform over all.
void BM_GetLatest(benchmark::State& state, Sys sys, bool hot) {
  std::mt19937 rng(11);
  const int range = hot ? std::min(kHotSet, kDossiers) : kDossiers;
  if (sys == Sys::kHsdt) Hsdt().Open(true);
  std::string value;
  for (auto _ : state) {
    const int i = static_cast<int>(rng() % range);
    switch (sys) {
      case Sys::kHsdt: {
        auto d = Hsdt().db->Get(*Hsdt().admin, Hsdt().ids[i], Purpose::kStatistics);
        benchmark::DoNotOptimize(d.ok() ? d->version() : 0);
        break;
      }
      case Sys::kRaw: Raw().db->Get({}, Key8(static_cast<std::uint64_t>(i + 1)), &value); break;
      default: Sql(sys).store->Get(i + 1, &value); break;
    }
    benchmark::DoNotOptimize(value.data());
  }
  Finish(state);
}

void BM_GetVersion(benchmark::State& state, Sys sys) {
  std::mt19937 rng(13);
  if (sys == Sys::kHsdt) Hsdt().Open(true);
  std::string value;
  for (auto _ : state) {
    const int i = static_cast<int>(rng() % kDossiers);
    switch (sys) {
      case Sys::kHsdt: {
        auto d = Hsdt().db->GetVersion(*Hsdt().admin, Hsdt().ids[i], 1, Purpose::kStatistics);
        benchmark::DoNotOptimize(d.ok() ? d->version() : 0);
        break;
      }
      case Sys::kRaw: {
        const std::uint64_t id = static_cast<std::uint64_t>(i + 1);
        if (Raw().versions[id] > 1) {
          Raw().db->Get({}, Key8(id, 'r', 1), &value);
        } else {
          Raw().db->Get({}, Key8(id), &value);
        }
        break;
      }
      default: Sql(sys).store->GetVersion(i + 1, 1, &value); break;
    }
  }
  Finish(state);
}

void BM_AsOf(benchmark::State& state, Sys sys) {
  std::mt19937 rng(17);
  if (sys == Sys::kHsdt) Hsdt().Open(true);
  const std::int64_t t = NowMicros();
  std::string value;
  for (auto _ : state) {
    const int i = static_cast<int>(rng() % kDossiers);
    switch (sys) {
      case Sys::kHsdt: {
        auto d = Hsdt().db->GetAsOf(*Hsdt().admin, Hsdt().ids[i], t, Purpose::kStatistics);
        benchmark::DoNotOptimize(d.ok() ? d->version() : 0);
        break;
      }
      case Sys::kRaw: {
        // The same work as hsdt: find the version record, then read that version.
        const std::uint64_t id = static_cast<std::uint64_t>(i + 1);
        std::unique_ptr<rocksdb::Iterator> it(Raw().db->NewIterator({}));
        it->SeekForPrev(Key8(id, 'i', 0xFFFFFFFFu));
        const std::uint32_t v = Raw().versions[id];
        Raw().db->Get({}, v > 1 ? Key8(id, 'r', v - 1) : Key8(id), &value);
        break;
      }
      default: {
        const std::int64_t v = Sql(sys).store->AsOf(i + 1, t);
        Sql(sys).store->GetVersion(i + 1, v, &value);
        break;
      }
    }
  }
  Finish(state);
}

void BM_History(benchmark::State& state, Sys sys) {
  std::mt19937 rng(19);
  if (sys == Sys::kHsdt) Hsdt().Open(true);
  for (auto _ : state) {
    const int i = static_cast<int>(rng() % kDossiers);
    switch (sys) {
      case Sys::kHsdt: {
        auto h = Hsdt().db->History(*Hsdt().admin, Hsdt().ids[i], Purpose::kStatistics);
        benchmark::DoNotOptimize(h.ok() ? h->size() : 0);
        break;
      }
      case Sys::kRaw: {
        const std::uint64_t id = static_cast<std::uint64_t>(i + 1);
        const std::string prefix = Key8(id) + 'i';
        std::unique_ptr<rocksdb::Iterator> it(Raw().db->NewIterator({}));
        int n = 0;
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
        benchmark::DoNotOptimize(n);
        break;
      }
      default: benchmark::DoNotOptimize(Sql(sys).store->History(i + 1)); break;
    }
  }
  Finish(state);
}

// Hot reads through the whole API (session, policy, audit) with read auditing on or off, at
// 1 and 4 threads: what the audit log costs a reader.
void BM_AuditedReads(benchmark::State& state, bool audit) {
  static std::mutex mu;
  if (state.thread_index() == 0) {
    std::lock_guard lock(mu);
    Hsdt().Open(true);
    testing_hooks::SetAuditReads(*Hsdt().db, audit);
  }
  std::mt19937 rng(23 + state.thread_index());
  const int range = std::min(kHotSet, kDossiers);
  for (auto _ : state) {
    auto d = Hsdt().db->Get(*Hsdt().admin, Hsdt().ids[rng() % range], Purpose::kStatistics);
    if (!d.ok()) state.SkipWithError(d.status().ToString().c_str());
  }
  if (state.thread_index() == 0) {
    state.counters["rss_MiB"] = RssMiB();
  }
  state.SetItemsProcessed(state.iterations());
}

// Bytes on disk after loading the same dossiers (and the writes of the runs before).
// For hsdt, without the audit log's table files: a log of every read of every run before grows
// with the number of iterations Google Benchmark chose, not with the data.
void BM_Disk(benchmark::State& state, Sys sys) {
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    switch (sys) {
      case Sys::kHsdt: {
        Hsdt().Open(true);
        auto stats = Hsdt().db->Stats(*Hsdt().admin).value();
        (void)Hsdt().db->Close();
        Hsdt().db.reset();
        bytes = DirBytes(Hsdt().dir) - stats.audit_bytes;
        state.counters["audit_entries"] = static_cast<double>(stats.audit_entries);
        state.counters["audit_bytes_per_entry"] =
            stats.audit_entries == 0 ? 0.0 : static_cast<double>(stats.audit_bytes) / stats.audit_entries;
        break;
      }
      case Sys::kRaw:
        Raw().db->CompactRange({}, nullptr, nullptr);
        bytes = DirBytes(Raw().dir);
        break;
      default:
        Sql(sys).store->Checkpoint();
        bytes = std::filesystem::file_size(Sql(sys).path);
        break;
    }
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["bytes_per_dossier"] = static_cast<double>(bytes) / kDossiers;
  Finish(state);
}

// ---------------------------------------------------------------- queries
// Each reads the listed fields (name parts, birth date, gender, rank, status, unit) of what it
// finds: hsdt from its index family's summary rows, SQLite from the row its index points at.
enum class QueryKind { kNationalId, kUnitListing, kNamePrefix, kCountUnitGender };

// Name prefixes that are common in the district ("nguyen van a", ...) and one rare.
const std::vector<std::string>& NamePrefixes() {
  static const std::vector<std::string> prefixes = {"nguyen van a", "tran thi h", "le minh", "pham thi t", "vo quoc"};
  return prefixes;
}

void BM_Query(benchmark::State& state, Sys sys, QueryKind kind) {
  std::vector<std::string> units = Hsdt().units;
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  if (sys == Sys::kHsdt) Hsdt().Open(false);
  std::mt19937 rng(11);
  std::vector<std::string> national_ids;  // people are made outside the timed loop
  for (int k = 0; k < 256; ++k) national_ids.push_back(PersonAt(static_cast<int>(rng() % static_cast<unsigned>(kDossiers))).national_id);
  std::int64_t rows = 0;
  for (auto _ : state) {
    const std::string& national_id = national_ids[rng() % national_ids.size()];
    const std::string& unit = units[rng() % units.size()];
    const std::string& prefix = NamePrefixes()[rng() % NamePrefixes().size()];
    if (sys == Sys::kHsdt) {
      HsdtSystem& h = Hsdt();
      Query q;
      q.purpose = Purpose::kInspection;  // tier 2 reads every unit, naming why
      q.fields = {Field::kSurname, Field::kMiddle, Field::kGiven, Field::kBirthDate, Field::kGender,
                  Field::kRank, Field::kStatus, Field::kManagingUnit};
      q.limit = 100;
      switch (kind) {
        case QueryKind::kNationalId: q.filter = Filter::Eq(Field::kNationalId, national_id); break;
        case QueryKind::kUnitListing:
          q.filter = Filter::Eq(Field::kManagingUnit, unit);
          q.sort = SortOrder::kName;
          break;
        case QueryKind::kNamePrefix:  // in the order of the name index, as SQLite answers it
          q.filter = Filter::Name(prefix, NameMatch::kPrefix);
          q.sort = SortOrder::kFullName;
          break;
        case QueryKind::kCountUnitGender: break;
      }
      if (kind == QueryKind::kCountUnitGender) {
        CountQuery c;
        c.group_by = {Field::kManagingUnit, Field::kGender};
        auto r = h.db->Count(*h.admin, c);
        if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
        else rows += static_cast<std::int64_t>(r->rows.size());
      } else {
        auto r = h.db->Find(*h.admin, q);
        if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
        else rows += static_cast<std::int64_t>(r->rows.size());
      }
    } else {
      SqlStore& store = *Sql(sys).store;
      switch (kind) {
        case QueryKind::kNationalId: rows += store.ByNationalId(national_id); break;
        case QueryKind::kUnitListing: rows += store.UnitListing(unit, 100); break;
        case QueryKind::kNamePrefix: {
          std::string end = prefix;
          end.back() = static_cast<char>(end.back() + 1);
          rows += store.NameRange(prefix, end, 100);
          break;
        }
        case QueryKind::kCountUnitGender: rows += store.CountByUnitAndGender(); break;
      }
    }
  }
  state.counters["rows"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kAvgIterations);
  Finish(state);
}

// ---------------------------------------------------------------- bulk import
// kDossiers people into an empty database: hsdt from JSON Lines (parsed, validated, indexed,
// sealed, in atomic batches of 1000, one unit's editor per unit); SQLite from the same JSON with
// its indexed columns already extracted, in one transaction.
void BM_Import(benchmark::State& state, Sys sys) {
  static const std::vector<Person>* people = [] {
    auto* v = new std::vector<Person>();
    for (int i = 0; i < kDossiers; ++i) v->push_back(PersonAt(i));
    return v;
  }();
  static int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = Root() + "/import-" + SysName(sys) + std::to_string(run++);
    std::unique_ptr<HsdtSystem> h;
    std::map<std::string, std::string> by_unit;  // JSON Lines per managing unit
    if (sys == Sys::kHsdt) {
      h = std::make_unique<HsdtSystem>(dir, true);
      for (const Person& p : *people) {
        std::string line = p.json;
        line.erase(std::remove(line.begin(), line.end(), '\n'), line.end());
        by_unit[p.unit] += line + "\n";
        h->Editor(p.unit);
      }
    }
    state.ResumeTiming();
    if (sys == Sys::kHsdt) {
      for (const auto& [unit, lines] : by_unit) {
        auto r = h->db->Import(h->Editor(unit), lines, ImportOptions{}, Ctx());
        if (!r.ok() || !r->errors.empty()) {
          state.SkipWithError(r.ok() ? r->errors[0].message.c_str() : r.status().ToString().c_str());
          break;
        }
      }
      (void)h->db->Sync(*h->admin);
    } else {
      static std::map<std::string, SqliteApi>* apis = new std::map<std::string, SqliteApi>();
      const char* library = sys == Sys::kSqlite ? "libsqlite3.so.0" : "libsqlcipher.so.0";
      if (!apis->count(library)) (*apis)[library] = SqliteApi::Load(library);
      SqlStore store((*apis)[library], dir + ".db", sys == Sys::kSqlite ? "" : "benchmark passphrase", 0, false, 2000);
      store.BulkBegin();
      std::int64_t id = 1;
      for (const Person& p : *people) store.Create(id++, p.json, p.row, NowMicros(), false);
      store.BulkCommit();
    }
    state.PauseTiming();
    h.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::remove(dir + ".db", ec);
    std::filesystem::remove(dir + ".db-wal", ec);
    std::filesystem::remove(dir + ".db-shm", ec);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kDossiers);
  Finish(state);
}

// ---------------------------------------------------------------- ratios
class RatioReporter final : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.error_occurred) continue;
      // With --benchmark_repetitions the median stands for the benchmark (it comes last).
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      const std::string name = r.run_name.str();
      times_[name] = r.GetAdjustedRealTime();
      if (r.counters.count("bytes")) bytes_[name] = r.counters.at("bytes");
    }
  }
  void PrintRatios() const {
    std::printf("\nRatios (throughput of hsdt / throughput of the other; >1 means hsdt is faster)\n");
    std::printf("%-26s %10s %10s %10s %10s %12s\n", "benchmark", "hsdt us", "vs rocksdb", "vs sqlite",
                "vs sqlcipher", "vs sqlc.4k");
    for (const auto& [name, t] : times_) {
      if (name.rfind("disk/", 0) == 0) continue;
      const auto slash = name.find('/');
      if (slash == std::string::npos || name.substr(slash + 1).rfind("hsdt", 0) != 0) continue;
      const std::string op = name.substr(0, slash);
      const std::string rest = name.substr(slash + 5);  // after "hsdt"
      auto other = [&](const char* sys) {
        auto it = times_.find(op + "/" + sys + rest);
        return it == times_.end() ? 0.0 : it->second / t;
      };
      std::printf("%-26s %10.2f %10.2f %10.2f %10.2f %12.2f\n", (op + rest).c_str(), t,
                  other("rocksdb"), other("sqlite"), other("sqlcipher"), other("sqlcipher4k"));
    }
    for (const auto& [name, b] : bytes_) {
      std::printf("%-26s %14.0f bytes (%.0f per dossier)\n", name.c_str(), b, b / kDossiers);
    }
    auto bytes_of = [&](const std::string& sys) {
      for (const auto& [name, b] : bytes_) {
        if (name.rfind("disk/" + sys + "/", 0) == 0) return b;
      }
      return 0.0;
    };
    for (const char* other : {"rocksdb", "sqlite", "sqlcipher", "sqlcipher4k"}) {
      if (bytes_of(other) > 0) std::printf("disk: hsdt / %s = %.2f\n", other, bytes_of("hsdt") / bytes_of(other));
    }
    for (const char* threads : {"threads:1", "threads:4"}) {
      double on = 0, off = 0;
      for (const auto& [name, t] : times_) {
        if (name.find(threads) == std::string::npos) continue;
        if (name.rfind("audited_reads/on", 0) == 0) on = t;
        if (name.rfind("audited_reads/off", 0) == 0) off = t;
      }
      if (on > 0 && off > 0) {
        std::printf("reads with auditing on / off, %s: %.2f (%.2f us vs %.2f us per read)\n", threads, off / on, on, off);
      }
    }
    std::printf("peak RSS of the whole run: %.0f MiB\n", PeakRssMiB());
  }

 private:
  std::map<std::string, double> times_;  // per iteration, in the benchmark's time unit
  std::map<std::string, double> bytes_;
};

// The registered benchmarks' names with the system each runs on.
std::vector<std::pair<std::string, Sys>>& Registered() {
  static auto* names = new std::vector<std::pair<std::string, Sys>>();
  return *names;
}

// Whether --benchmark_filter selects a benchmark of `sys` (read as Google Benchmark reads it: an
// extended regular expression searched in the name, a leading '-' negating it).
bool Selected(Sys sys) {
  std::string filter = benchmark::GetBenchmarkFilter();
  if (filter.empty() || filter == "all") return true;
  const bool negative = filter[0] == '-';
  if (negative) filter.erase(0, 1);
  const std::regex re(filter, std::regex::extended);
  for (const auto& [name, s] : Registered()) {
    if (s == sys && std::regex_search(name, re) != negative) return true;
  }
  return false;
}

void Register() {
  const Sys all[] = {Sys::kHsdt, Sys::kRaw, Sys::kSqlite, Sys::kSqlCipher, Sys::kSqlCipher4k};
  auto name = [](const char* op, Sys s, const char* suffix = "") {
    std::string n = std::string(op) + "/" + SysName(s) + suffix;
    Registered().emplace_back(n, s);
    return n;
  };
  for (bool sync : {true, false}) {
    const char* suffix = sync ? "/sync" : "/nosync";
    for (Sys s : all) {
      benchmark::RegisterBenchmark(name("create", s, suffix).c_str(), BM_Create, s, sync)
          ->Iterations(sync ? kSyncOps : kOps)->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark((std::string("create_json/hsdt") + suffix).c_str(), BM_CreateJson, sync)
        ->Iterations(sync ? kSyncOps : kOps)->UseRealTime()->Unit(benchmark::kMicrosecond);
    for (Sys s : all) {
      benchmark::RegisterBenchmark(name("update", s, suffix).c_str(), BM_Update, s, sync)
          ->Iterations(sync ? kSyncOps : kOps)->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
  }
  for (bool hot : {true, false}) {
    for (Sys s : all) {
      benchmark::RegisterBenchmark(name("get_latest", s, hot ? "/hot" : "/cold").c_str(), BM_GetLatest, s, hot)
          ->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
  }
  for (Sys s : all) {
    benchmark::RegisterBenchmark(name("get_version", s).c_str(), BM_GetVersion, s)->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(name("as_of", s).c_str(), BM_AsOf, s)->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(name("history", s).c_str(), BM_History, s)->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  for (bool audit : {true, false}) {
    benchmark::RegisterBenchmark(audit ? "audited_reads/on" : "audited_reads/off", BM_AuditedReads, audit)
        ->Threads(1)->Threads(4)->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  const std::pair<const char*, QueryKind> queries[] = {{"q_national_id", QueryKind::kNationalId},
                                                       {"q_unit_list100", QueryKind::kUnitListing},
                                                       {"q_name_prefix", QueryKind::kNamePrefix},
                                                       {"q_count_2d", QueryKind::kCountUnitGender}};
  for (const auto& [op, kind] : queries) {
    for (Sys s : {Sys::kHsdt, Sys::kSqlite, Sys::kSqlCipher}) {
      benchmark::RegisterBenchmark(name(op, s).c_str(), BM_Query, s, kind)->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
  }
  for (Sys s : {Sys::kHsdt, Sys::kSqlite, Sys::kSqlCipher}) {
    benchmark::RegisterBenchmark(name("import", s).c_str(), BM_Import, s)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
  }
  for (Sys s : all) {
    benchmark::RegisterBenchmark(name("disk", s).c_str(), BM_Disk, s)->Iterations(1)->UseRealTime();
  }
}

}  // namespace
}  // namespace hsdt::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  hsdt::bench::Register();
  std::printf("dossiers per system: %d; durable ops: %d; other write ops: %d; data under %s\n",
              hsdt::bench::kDossiers, hsdt::bench::kSyncOps, hsdt::bench::kOps, hsdt::bench::Root().c_str());
  // Load every system the filter selects before timing anything: the first benchmark must not
  // pay for it. hsdt always: the other systems' queries draw their units from it.
  using hsdt::bench::Selected;
  using hsdt::bench::Sys;
  const auto load = std::chrono::steady_clock::now();
  hsdt::bench::Hsdt();
  if (Selected(Sys::kRaw)) hsdt::bench::Raw();
  if (Selected(Sys::kSqlite)) hsdt::bench::Sqlite();
  if (Selected(Sys::kSqlCipher)) hsdt::bench::SqlCipher();
  if (Selected(Sys::kSqlCipher4k)) hsdt::bench::SqlCipher4k();
  std::printf("loaded in %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - load).count());
  hsdt::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  std::error_code ec;
  std::filesystem::remove_all(hsdt::bench::Root(), ec);
  benchmark::Shutdown();
  return 0;
}
