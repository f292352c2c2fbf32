// Database::Check: authenticate and decode every stored value, check every version chain and
// every index entry against the records.
#include <functional>
#include <map>
#include <set>

#include "base/coding.h"
#include "db/database_impl.h"
#include "schema/record.h"

namespace hsdt {
namespace {

using IndexMap = std::map<std::string, std::string>;  // key -> value
using OnIndexProblem =
    std::function<void(const std::string& key, const std::string* expected, const std::string* actual)>;

// Walks the index family at `snapshot` against `expected` (the entries the records need) and
// reports each difference: expected but absent, present but not expected, or another value.
Status CompareIndexes(storage::Store& store, storage::SnapshotHandle snapshot, IndexMap expected,
                      std::uint64_t* entries, const OnIndexProblem& on_problem) {
  HSDT_RETURN_IF_ERROR(store.Scan(storage::kIndexCf, storage::ScanRange::Prefix("", snapshot),
                                  [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
    ++*entries;
    const std::string key(k), actual(v);
    auto it = expected.find(key);
    if (it == expected.end()) {
      on_problem(key, nullptr, &actual);
    } else {
      if (it->second != v) on_problem(key, &it->second, &actual);
      expected.erase(it);
    }
    return storage::Next::kContinue;
  }));
  for (const auto& [k, v] : expected) on_problem(k, &v, nullptr);
  return Status::Ok();
}

std::string IndexProblem(const std::string& key, const std::string* expected, const std::string* actual) {
  const std::string where = "index/" + db::IndexNameOf(key) + "/" +
                            db::FormatId(db::IndexTarget(key, expected != nullptr ? *expected : *actual));
  if (expected == nullptr) return where + ": no record has this entry";
  if (actual == nullptr) return where + ": entry missing";
  return where + ": wrong value";
}

// The index entries of the record `value` of dossier `id`, added to `out`.
Status AddExpectedEntries(const storage::Sealer& sealer, std::uint64_t id, std::string_view value,
                          IndexMap* out) {
  HSDT_ASSIGN_OR_RETURN(auto plain, sealer.Open(storage::ValueType::kRecord, id, value));
  const std::string name = db::FormatId(id);
  HSDT_RETURN_IF_ERROR(schema::CheckStoredDossier(plain.words(), plain.size(), name).WithPrefix("dossier " + name));
  const schema::DossierView r(plain.words(), plain.size());
  for (auto& e : db::IndexEntriesOf(r, id).entries) (*out)[std::move(e.key)] = std::move(e.value);
  return Status::Ok();
}

struct Chain {
  std::uint32_t latest = 0;
  std::set<std::uint32_t> infos;
  std::set<std::uint32_t> records;
};

}  // namespace

Result<CheckReport> Database::Impl::Check() {
  return db::Guard([&]() -> Result<CheckReport> {
    CheckReport report;
    storage::Store& store = *store_;
    // One snapshot for every scan: commits made meanwhile are not half seen.
    storage::HeldSnapshot held(store);
    storage::SnapshotHandle snapshot = held.get();
    if (snapshot == nullptr && store_->closed()) return Status::IOError("the database is closed");
    const storage::Sealer& sealer = store.sealer();
    std::map<std::uint64_t, Chain> chains;
    IndexMap expected_index;
    auto problem = [&](std::string what) { report.problems.push_back(std::move(what)); };
    // A damaged block ends a scan with Corruption: a problem found, not a failed check.
    auto scanned = [&](Status s, std::string_view what) {
      if (s.code() == StatusCode::kCorruption) {
        problem(std::string(what) + ": " + std::string(s.message()));
        return Status::Ok();
      }
      return s;
    };

    // Every block of every table file, and every whole-file checksum, first: a damaged block
    // in a part no record walk reads (an old version of a key, a filter) is found too.
    HSDT_RETURN_IF_ERROR(scanned(store.VerifyFiles(), "files"));

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
        const schema::DossierView r(plain->words(), plain->size());
        for (auto& e : db::IndexEntriesOf(r, id).entries) {
          expected_index[std::move(e.key)] = std::move(e.value);
        }
      }
      return true;
    };

    HSDT_RETURN_IF_ERROR(scanned(store.Scan(storage::kCurrentCf, storage::ScanRange::Prefix("", snapshot),
                                          [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
      if (k.size() != 8) {
        problem("current/" + base::HexOf(k) + ": malformed key");
        return storage::Next::kContinue;
      }
      const std::uint64_t id = base::GetBigEndian64(k.data());
      ++report.dossiers;
      std::uint32_t version = 0;
      check_record(id, v, "current/" + db::FormatId(id), &version);
      chains[id].latest = version;
      return storage::Next::kContinue;
    }), "current"));

    HSDT_RETURN_IF_ERROR(scanned(store.Scan(storage::kHistoryCf, storage::ScanRange::Prefix("", snapshot),
                                          [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
      if (k.size() != 13 || (k[8] != 'i' && k[8] != 'r')) {
        problem("history/" + base::HexOf(k) + ": malformed key");
        return storage::Next::kContinue;
      }
      const std::uint64_t id = base::GetBigEndian64(k.data());
      const std::uint32_t version = base::GetBigEndian32(k.data() + 9);
      const std::string where = "history/" + db::FormatId(id) + "/" + k[8] + std::to_string(version);
      Chain& chain = chains[id];
      if (k[8] == 'i') {
        ++report.versions;
        auto meta = store.OpenVersionMeta(id, v, where);
        if (!meta.ok()) {
          problem(std::string(meta.status().message()));
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
      return storage::Next::kContinue;
    }), "history"));

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

    HSDT_RETURN_IF_ERROR(scanned(CompareIndexes(
        store, snapshot, std::move(expected_index), &report.index_entries,
        [&](const std::string& key, const std::string* expected, const std::string* actual) {
          problem(IndexProblem(key, expected, actual));
        }), "index"));

    // Attachments: every version opens, names content whose every chunk is there and
    // authenticates in its place.
    auto attached = attachments_->Check(&report.problems);
    if (!attached.ok()) {
      HSDT_RETURN_IF_ERROR(scanned(attached.status(), "attachments"));
    } else {
      report.attachment_versions = attached->versions;
      report.attachment_chunks = attached->chunks;
    }

    // The audit log, link by link (the same walk as VerifyAudit).
    auto audit = audit_->Verify(nullptr);
    if (!audit.ok()) {
      HSDT_RETURN_IF_ERROR(scanned(audit.status(), "audit"));
    } else if (!audit->ok) {
      problem("audit/" + std::to_string(audit->first_bad_sequence) + ": " + audit->problem);
    }
    return report;
  });
}

Result<std::uint64_t> Database::Impl::RepairIndexEntries(std::uint64_t id, const std::vector<std::string>& keys) {
  // Under the dossier's stripes (and those of its unique keys) no commit moves it meanwhile.
  storage::StripeLock lock = store_->LockStripes({id}, keys);
  IndexMap want;
  auto stored = store_->ReadRecord(id, 0);
  if (stored.ok()) {
    HSDT_RETURN_IF_ERROR(schema::CheckStoredDossier(stored->bytes.words(), stored->bytes.size(), db::FormatId(id)));
    const schema::DossierView r(stored->bytes.words(), stored->bytes.size());
    for (auto& e : db::IndexEntriesOf(r, id).entries) want[std::move(e.key)] = std::move(e.value);
  } else if (stored.status().code() != StatusCode::kNotFound) {
    return stored.status();
  }
  std::vector<storage::BatchOp> ops;
  for (const auto& key : keys) {
    std::string actual;
    bool found = false;
    HSDT_RETURN_IF_ERROR(store_->Get(storage::kIndexCf, key, &actual, &found));
    auto w = want.find(key);
    if (w != want.end() && (!found || actual != w->second)) {
      ops.push_back({storage::kIndexCf, key, w->second, false});
    } else if (w == want.end() && found) {
      ops.push_back({storage::kIndexCf, key, {}, true});
    }
  }
  // Not synced one by one: VerifyIndexes syncs once at the end (index entries are derived data;
  // a repair cut short is found again by the next verification, or the next open's rebuild).
  if (!ops.empty()) HSDT_RETURN_IF_ERROR(store_->WriteOps(ops, false));
  return static_cast<std::uint64_t>(ops.size());
}

Result<IndexReport> Database::Impl::VerifyIndexes(bool repair) {
  return db::Guard([&]() -> Result<IndexReport> {
    IndexReport report;
    storage::Store& store = *store_;
    IndexMap expected;
    std::map<std::uint64_t, std::vector<std::string>> to_fix;  // dossier -> keys
    {
      storage::HeldSnapshot held(store);
      if (held.get() == nullptr && store.closed()) return Status::IOError("the database is closed");
      HSDT_RETURN_IF_ERROR(store.Scan(storage::kCurrentCf, storage::ScanRange::Prefix("", held.get()),
                                      [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
        if (k.size() != 8) return Status::Corruption("current/" + base::HexOf(k) + ": malformed key");
        ++report.dossiers;
        HSDT_RETURN_IF_ERROR(AddExpectedEntries(store.sealer(), base::GetBigEndian64(k.data()), v, &expected));
        return storage::Next::kContinue;
      }));
      HSDT_RETURN_IF_ERROR(CompareIndexes(
          store, held.get(), std::move(expected), &report.entries,
          [&](const std::string& key, const std::string* want, const std::string* actual) {
            if (want == nullptr) ++report.stray;
            else if (actual == nullptr) ++report.missing;
            else ++report.wrong;
            if (report.problems.size() < 100) report.problems.push_back(IndexProblem(key, want, actual));
            to_fix[db::IndexTarget(key, want != nullptr ? *want : *actual)].push_back(key);
          }));
    }
    if (repair) {
      for (const auto& [id, keys] : to_fix) {
        HSDT_ASSIGN_OR_RETURN(std::uint64_t fixed, RepairIndexEntries(id, keys));
        report.repaired += fixed;
      }
      if (report.repaired > 0) HSDT_RETURN_IF_ERROR(store_->Sync());
    }
    return report;
  });
}

namespace {

// Whether the stored index layout is this library's; UnsupportedFormat if it is newer.
Result<bool> IndexFormatIsCurrent(storage::Store& store) {
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store.Get(storage::kMetaCf, db::kIndexFormatKey, &value, &found));
  std::string current;
  base::PutBigEndian32(&current, db::kIndexFormat);
  if (found && value == current) return true;
  if (found && value.size() == 4 && base::GetBigEndian32(value.data()) > db::kIndexFormat) {
    return Status::UnsupportedFormat("index format " + std::to_string(base::GetBigEndian32(value.data())) +
                                     " is newer than this library's " + std::to_string(db::kIndexFormat));
  }
  return false;
}

}  // namespace

Status Database::Impl::CheckIndexFormat() {
  HSDT_ASSIGN_OR_RETURN(bool current, IndexFormatIsCurrent(*store_));
  if (current) return Status::Ok();
  return Status::UnsupportedFormat("the indexes are not in this library's layout (index format " +
                                   std::to_string(db::kIndexFormat) +
                                   "): open the database for writing once, which rebuilds them");
}

Status Database::Impl::UpgradeIndexes() {
  HSDT_ASSIGN_OR_RETURN(bool up_to_date, IndexFormatIsCurrent(*store_));
  if (up_to_date) return Status::Ok();
  if (store_->dossier_count() > 0) {
    HSDT_ASSIGN_OR_RETURN(IndexReport report, VerifyIndexes(true));
    AuditRecord e;
    e.actor = "-";
    e.action = ActionName(Action::kMaintain);
    e.target = "indexes";
    e.allowed = true;
    e.rule = "open";
    e.reason = "index format " + std::to_string(db::kIndexFormat) + ": " + std::to_string(report.repaired) +
               " entries rebuilt";
    HSDT_RETURN_IF_ERROR(AuditNow(std::move(e)));
  }
  std::string format;
  base::PutBigEndian32(&format, db::kIndexFormat);
  return store_->WriteOps({{storage::kMetaCf, db::kIndexFormatKey, format, false}}, true);
}

}  // namespace hsdt
