// Database::Check: authenticate and decode every stored value, check every version chain and
// every index entry against the records.
#include <map>
#include <set>

#include "base/coding.h"
#include "base/guard.h"
#include "db/database_impl.h"
#include "schema/record.h"

namespace hsdt {
namespace {

const char* IndexName(char kind) {
  switch (kind) {
    case 'n': return "nationalId";
    case 'm': return "managingUnit";
    case 's': return "status";
    default: return "unknown";
  }
}

// The dossier an index entry points at (its value for unique entries, its key suffix otherwise).
std::uint64_t IndexTarget(std::string_view key, std::string_view value) {
  if (!key.empty() && key[0] == 'n') return value.size() == 8 ? base::GetBigEndian64(value.data()) : 0;
  return key.size() >= 9 ? base::GetBigEndian64(key.data() + key.size() - 8) : 0;
}

struct Chain {
  std::uint32_t latest = 0;
  std::set<std::uint32_t> infos;
  std::set<std::uint32_t> records;
};

}  // namespace

Result<CheckReport> Database::Impl::Check() {
  return base::Guard([&]() -> Result<CheckReport> { try {
    CheckReport report;
    storage::Store& store = *store_;
    // One snapshot for every scan: commits made meanwhile are not half seen.
    const rocksdb::Snapshot* snapshot = store.Snapshot();
    if (snapshot == nullptr) return Status::IOError("the database is closed");
    struct Release {
      storage::Store& store;
      const rocksdb::Snapshot* snapshot;
      ~Release() { store.ReleaseSnapshot(snapshot); }
    } release{store, snapshot};
    const storage::Sealer& sealer = store.sealer();
    std::map<std::uint64_t, Chain> chains;
    std::map<std::string, std::string> expected_index;  // key -> value
    auto problem = [&](std::string what) { report.problems.push_back(std::move(what)); };

    auto check_record = [&](std::uint64_t id, std::string_view value, const std::string& where,
                            std::uint32_t* version) -> bool {
      auto plain = sealer.Open(storage::ValueType::kRecord, id, value);
      if (!plain.ok()) {
        problem(where + ": " + std::string(plain.status().message()));
        return false;
      }
      auto header = storage::PeekEnvelope(value);
      *version = header.ok() ? header->version : 0;
      Status s = schema::CheckStoredDossier(plain->words(), plain->size(), db::FormatId(id));
      if (!s.ok()) {
        problem(where + ": " + std::string(s.message()));
        return false;
      }
      if (where.rfind("current/", 0) == 0) {
        schema::FlatRecord r(plain->words(), plain->size());
        for (auto& e : db::IndexEntriesOf(r.dossier(), id).entries) {
          expected_index[e.key] = e.value;
        }
      }
      return true;
    };

    HSDT_RETURN_IF_ERROR(store.ForEach(storage::kCurrentCf, "", [&](std::string_view k, std::string_view v) {
      if (k.size() != 8) {
        problem("current/" + base::HexOf(k) + ": malformed key");
        return Status::Ok();
      }
      const std::uint64_t id = base::GetBigEndian64(k.data());
      ++report.dossiers;
      std::uint32_t version = 0;
      check_record(id, v, "current/" + db::FormatId(id), &version);
      chains[id].latest = version;
      return Status::Ok();
    }, snapshot));

    HSDT_RETURN_IF_ERROR(store.ForEach(storage::kHistoryCf, "", [&](std::string_view k, std::string_view v) {
      if (k.size() != 13 || (k[8] != 'i' && k[8] != 'r')) {
        problem("history/" + base::HexOf(k) + ": malformed key");
        return Status::Ok();
      }
      const std::uint64_t id = base::GetBigEndian64(k.data());
      const std::uint32_t version = base::GetBigEndian32(k.data() + 9);
      const std::string where = "history/" + db::FormatId(id) + "/" + k[8] + std::to_string(version);
      Chain& chain = chains[id];
      if (k[8] == 'i') {
        ++report.versions;
        auto meta = store.OpenVersionMeta(id, v);
        if (!meta.ok()) {
          problem(where + ": " + std::string(meta.status().message()));
        } else if (meta->version != version) {
          problem(where + ": version record says version " + std::to_string(meta->version));
        }
        chain.infos.insert(version);
      } else {
        std::uint32_t header_version = 0;
        if (check_record(id, v, where, &header_version) && header_version != version) {
          problem(where + ": record says version " + std::to_string(header_version));
        }
        chain.records.insert(version);
      }
      return Status::Ok();
    }, snapshot));

    for (const auto& [id, chain] : chains) {
      const std::string name = db::FormatId(id);
      if (chain.latest == 0) {
        problem("history/" + name + ": history without a current record");
        continue;
      }
      for (std::uint32_t v = 1; v <= chain.latest; ++v) {
        if (chain.infos.count(v) == 0) problem("history/" + name + "/i" + std::to_string(v) + ": missing");
        if (v < chain.latest && chain.records.count(v) == 0) {
          problem("history/" + name + "/r" + std::to_string(v) + ": missing");
        }
      }
      if (!chain.infos.empty() && *chain.infos.rbegin() > chain.latest) {
        problem("history/" + name + ": versions beyond the current one");
      }
    }

    HSDT_RETURN_IF_ERROR(store.ForEach(storage::kIndexCf, "", [&](std::string_view k, std::string_view v) {
      ++report.index_entries;
      const std::string key(k);
      auto it = expected_index.find(key);
      const std::string target = db::FormatId(IndexTarget(k, v));
      if (it == expected_index.end()) {
        problem(std::string("index/") + IndexName(k.empty() ? '?' : k[0]) + "/" + target +
                ": no record has this entry");
      } else {
        if (it->second != v) {
          problem(std::string("index/") + IndexName(k[0]) + "/" + target + ": wrong value");
        }
        expected_index.erase(it);
      }
      return Status::Ok();
    }, snapshot));
    for (const auto& [k, v] : expected_index) {
      problem(std::string("index/") + IndexName(k[0]) + "/" + db::FormatId(IndexTarget(k, v)) +
              ": entry missing");
    }
    return report;
  } catch (const kj::Exception& e) {
    return Status::Internal(std::string("check: ") + e.getDescription().cStr());
  } });
}

}  // namespace hsdt
