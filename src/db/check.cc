// Database::Check: authenticate and decode every stored value, check every version chain and
// every index entry against the records, one dossier at a time (memory does not grow with the
// database); VerifyIndexes and the index rebuild of an upgrade.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "base/coding.h"
#include "db/database_impl.h"
#include "schema/record.h"

namespace hsdt {
namespace {

using OnIndexProblem = std::function<Status(std::uint64_t id, const std::string& key,
                                            const std::string* expected, const std::string* actual)>;

// One dossier's index entries, by key (a key listed twice keeps its last value, as a write does).
using Entries = std::map<std::string, std::string>;

Entries EntriesOf(const schema::DossierView& record, std::uint64_t id) {
  Entries out;
  for (auto& e : db::IndexEntriesOf(record, id).entries) out[std::move(e.key)] = std::move(e.value);
  return out;
}

// The current record of `id` at `at`, authenticated and checked; its entries into `out`.
Status CurrentEntriesOf(storage::Store& store, storage::SnapshotHandle at, std::uint64_t id, Entries* out,
                        bool* found) {
  std::string value;
  HSDT_RETURN_IF_ERROR(store.Get(storage::kCurrentCf, storage::Store::IdKey(id), &value, found, at));
  if (!*found) return Status::Ok();
  HSDT_ASSIGN_OR_RETURN(auto plain, store.sealer().Open(storage::ValueType::kRecord, id, value));
  const std::string name = db::FormatId(id);
  HSDT_RETURN_IF_ERROR(schema::CheckStoredDossier(plain.words(), plain.size(), name).WithPrefix("dossier " + name));
  *out = EntriesOf(schema::DossierView(plain.words(), plain.size()), id);
  return Status::Ok();
}

// Compares the index family at `at` with the entries the current records need, holding one
// dossier's entries at a time, so that memory does not grow with the database:
//   - Dossier(): each current record's entries are read by key: absent ("missing") or holding
//     another value ("wrong");
//   - Finish(): the family is counted; only when it holds entries beyond those matched and
//     those found wrong is it walked again, each entry against the current record of the
//     dossier it points at, to name the ones no record has ("stray"). That walk reads a record
//     per entry: it is the path of a damaged index, not of a healthy one.
// The only thing kept across dossiers is the set of unique keys (national IDs) found pointing
// at another dossier, so that such a key is reported once, as wrong, not also as stray; it
// grows with damage, never with the database.
class IndexCheck {
 public:
  IndexCheck(storage::Store& store, storage::SnapshotHandle at, OnIndexProblem on_problem)
      : store_(store), at_(at), on_problem_(std::move(on_problem)) {}

  Status Dossier(std::uint64_t id, const schema::DossierView& record) {
    db::IndexEntries all = db::IndexEntriesOf(record, id);
    Entries entries;
    for (auto& e : all.entries) entries[std::move(e.key)] = std::move(e.value);
    std::vector<std::string> keys;
    keys.reserve(entries.size());
    for (const auto& [k, v] : entries) keys.push_back(k);
    std::vector<std::string> values;
    std::vector<bool> found;
    HSDT_RETURN_IF_ERROR(store_.MultiGet(storage::kIndexCf, keys, &values, &found, at_));
    std::size_t i = 0;
    for (const auto& [key, want] : entries) {
      if (!found[i]) {
        HSDT_RETURN_IF_ERROR(on_problem_(id, key, &want, nullptr));
      } else if (values[i] == want) {
        ++matched_;
      } else {
        const bool unique = std::find(all.unique_keys.begin(), all.unique_keys.end(), key) != all.unique_keys.end();
        if (unique) {
          wrong_unique_.insert(key);
        } else {
          ++wrong_;
        }
        HSDT_RETURN_IF_ERROR(on_problem_(id, key, &want, &values[i]));
      }
      ++i;
    }
    return Status::Ok();
  }

  Status Finish(std::uint64_t* entries) {
    *entries = 0;
    HSDT_RETURN_IF_ERROR(store_.Scan(storage::kIndexCf, storage::ScanRange::Prefix("", at_),
                                     [&](std::string_view, std::string_view) -> Result<storage::Next> {
      ++*entries;
      return storage::Next::kContinue;
    }));
    // Keys matched are distinct (a key names its dossier, or a unique key's value does), and so
    // are keys found wrong: if the counts add up, no entry is left over.
    if (*entries == matched_ + wrong_ + wrong_unique_.size()) return Status::Ok();
    std::uint64_t cached_id = 0;
    Entries cached;
    bool have_cached = false;
    return store_.Scan(storage::kIndexCf, storage::ScanRange::Prefix("", at_),
                       [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
      const std::uint64_t target = db::IndexTarget(k, v);
      if (!have_cached || cached_id != target) {
        cached.clear();
        bool found = false;
        // A record that does not open has no entries: Check reports the record itself.
        if (target != 0 && !CurrentEntriesOf(store_, at_, target, &cached, &found).ok()) cached.clear();
        cached_id = target;
        have_cached = true;
      }
      const std::string key(k);
      if (cached.count(key) != 0 || wrong_unique_.count(key) != 0) return storage::Next::kContinue;
      const std::string actual(v);
      HSDT_RETURN_IF_ERROR(on_problem_(target, key, nullptr, &actual));
      return storage::Next::kContinue;
    });
  }

 private:
  storage::Store& store_;
  const storage::SnapshotHandle at_;
  const OnIndexProblem on_problem_;
  std::uint64_t matched_ = 0;  // entries found with the value their record needs
  std::uint64_t wrong_ = 0;    // entries (not unique keys) found with another value
  std::set<std::string> wrong_unique_;
};

std::string IndexProblem(std::uint64_t id, const std::string& key, const std::string* expected,
                         const std::string* actual) {
  const std::string where = "index/" + db::IndexNameOf(key) + "/" + db::FormatId(id);
  if (expected == nullptr) return where + ": no record has this entry";
  if (actual == nullptr) return where + ": entry missing";
  return where + ": wrong value";
}

// One dossier's version chain as its history keys list it (they come in order: i1.., r1..).
struct Chain {
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
    auto problem = [&](std::string what) { report.problems.push_back(std::move(what)); };
    // A damaged block ends a scan with Corruption: a problem found, not a failed check.
    auto scanned = [&](Status s, std::string_view what) {
      if (s.code() == StatusCode::kCorruption) {
        problem(std::string(what) + ": " + std::string(s.message()));
        return Status::Ok();
      }
      return s;
    };
    IndexCheck index(store, snapshot, [&](std::uint64_t id, const std::string& key, const std::string* want,
                                          const std::string* actual) {
      problem(IndexProblem(id, key, want, actual));
      return Status::Ok();
    });

    // Every block of every table file, and every whole-file checksum, first: a damaged block
    // in a part no record walk reads (an old version of a key, a filter) is found too.
    HSDT_RETURN_IF_ERROR(scanned(store.VerifyFiles(), "files"));

    // Authenticates and decodes one record; a current one's index entries are then compared.
    auto check_record = [&](std::uint64_t id, std::string_view value, const std::string& where, bool current,
                            std::uint32_t* version) -> Result<bool> {
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
      if (current) HSDT_RETURN_IF_ERROR(index.Dossier(id, schema::DossierView(plain->words(), plain->size())));
      return true;
    };

    // Each dossier's history is walked when its current record is: the two families are in id
    // order, and one dossier's chain is all that is held.
    std::uint64_t history_seen = 0;
    auto check_history = [&](std::uint64_t id, std::uint32_t latest) -> Status {
      const std::string name = db::FormatId(id);
      Chain chain;
      const std::string prefix = storage::Store::IdKey(id);
      HSDT_RETURN_IF_ERROR(store.Scan(storage::kHistoryCf, storage::ScanRange::Prefix(prefix, snapshot),
                                      [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
        ++history_seen;
        if (k.size() != 13 || (k[8] != 'i' && k[8] != 'r')) {
          problem("history/" + base::HexOf(k) + ": malformed key");
          return storage::Next::kContinue;
        }
        const std::uint32_t version = base::GetBigEndian32(k.data() + 9);
        const std::string where = "history/" + name + "/" + k[8] + std::to_string(version);
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
          HSDT_ASSIGN_OR_RETURN(bool ok, check_record(id, v, where, false, &header_version));
          if (ok && header_version != version) {
            problem(where + ": record says version " + std::to_string(header_version));
          }
          chain.records.insert(version);
        }
        return storage::Next::kContinue;
      }));
      if (latest == 0) {
        if (!chain.infos.empty() || !chain.records.empty()) problem("history/" + name + ": history without a current record");
        return Status::Ok();
      }
      for (std::uint32_t v = 1; v <= latest; ++v) {
        if (chain.infos.count(v) == 0) problem("history/" + name + "/i" + std::to_string(v) + ": missing");
        if (v < latest && chain.records.count(v) == 0) problem("history/" + name + "/r" + std::to_string(v) + ": missing");
      }
      if (!chain.infos.empty() && *chain.infos.rbegin() > latest) {
        problem("history/" + name + ": versions beyond the current one");
      }
      return Status::Ok();
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
      HSDT_ASSIGN_OR_RETURN(bool ignored, check_record(id, v, "current/" + db::FormatId(id), true, &version));
      (void)ignored;
      HSDT_RETURN_IF_ERROR(scanned(check_history(id, version), "history/" + db::FormatId(id)));
      return storage::Next::kContinue;
    }), "current"));

    // History keys under no current record: only looked for when the count says there are.
    std::uint64_t history_total = 0;
    HSDT_RETURN_IF_ERROR(scanned(store.Scan(storage::kHistoryCf, storage::ScanRange::Prefix("", snapshot),
                                          [&](std::string_view, std::string_view) -> Result<storage::Next> {
      ++history_total;
      return storage::Next::kContinue;
    }), "history"));
    if (history_total != history_seen) {
      std::uint64_t last = 0;
      bool have_last = false;
      HSDT_RETURN_IF_ERROR(scanned(store.Scan(storage::kHistoryCf, storage::ScanRange::Prefix("", snapshot),
                                            [&](std::string_view k, std::string_view) -> Result<storage::Next> {
        if (k.size() < 8) {
          problem("history/" + base::HexOf(k) + ": malformed key");
          return storage::Next::kContinue;
        }
        const std::uint64_t id = base::GetBigEndian64(k.data());
        if (have_last && id == last) return storage::Next::kContinue;
        last = id;
        have_last = true;
        std::string ignored;
        bool current = false;
        HSDT_RETURN_IF_ERROR(store.Get(storage::kCurrentCf, storage::Store::IdKey(id), &ignored, &current, snapshot));
        if (!current) problem("history/" + db::FormatId(id) + ": history without a current record");
        return storage::Next::kContinue;
      }), "history"));
    }

    HSDT_RETURN_IF_ERROR(scanned(index.Finish(&report.index_entries), "index"));

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
  Entries want;
  bool found = false;
  HSDT_RETURN_IF_ERROR(CurrentEntriesOf(*store_, nullptr, id, &want, &found));
  std::vector<storage::BatchOp> ops;
  for (const auto& key : keys) {
    std::string actual;
    bool present = false;
    HSDT_RETURN_IF_ERROR(store_->Get(storage::kIndexCf, key, &actual, &present));
    auto w = want.find(key);
    if (w != want.end() && (!present || actual != w->second)) {
      ops.push_back({storage::kIndexCf, key, w->second, false});
    } else if (w == want.end() && present) {
      ops.push_back({storage::kIndexCf, key, {}, true});
    }
  }
  // Not synced one by one: VerifyIndexes syncs once at the end (index entries are derived data;
  // a repair cut short is found again by the next verification).
  if (!ops.empty()) HSDT_RETURN_IF_ERROR(store_->WriteOps(ops, false));
  return static_cast<std::uint64_t>(ops.size());
}

Result<IndexReport> Database::Impl::VerifyIndexes(bool repair) {
  return db::Guard([&]() -> Result<IndexReport> {
    IndexReport report;
    storage::Store& store = *store_;
    storage::HeldSnapshot held(store);
    if (held.get() == nullptr && store.closed()) return Status::IOError("the database is closed");
    // A difference is repaired when it is found (against the record as it is then, under its
    // stripes), so nothing waits in memory for the end.
    IndexCheck index(store, held.get(), [&](std::uint64_t id, const std::string& key, const std::string* want,
                                            const std::string* actual) -> Status {
      if (want == nullptr) ++report.stray;
      else if (actual == nullptr) ++report.missing;
      else ++report.wrong;
      if (report.problems.size() < 100) report.problems.push_back(IndexProblem(id, key, want, actual));
      if (repair) {
        HSDT_ASSIGN_OR_RETURN(std::uint64_t fixed, RepairIndexEntries(id, {key}));
        report.repaired += fixed;
      }
      return Status::Ok();
    });
    HSDT_RETURN_IF_ERROR(store.Scan(storage::kCurrentCf, storage::ScanRange::Prefix("", held.get()),
                                    [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
      if (k.size() != 8) return Status::Corruption("current/" + base::HexOf(k) + ": malformed key");
      const std::uint64_t id = base::GetBigEndian64(k.data());
      ++report.dossiers;
      HSDT_ASSIGN_OR_RETURN(auto plain, store.sealer().Open(storage::ValueType::kRecord, id, v));
      const std::string name = db::FormatId(id);
      HSDT_RETURN_IF_ERROR(schema::CheckStoredDossier(plain.words(), plain.size(), name).WithPrefix("dossier " + name));
      HSDT_RETURN_IF_ERROR(index.Dossier(id, schema::DossierView(plain.words(), plain.size())));
      return storage::Next::kContinue;
    }));
    HSDT_RETURN_IF_ERROR(index.Finish(&report.entries));
    if (report.repaired > 0) HSDT_RETURN_IF_ERROR(store_->Sync());
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
    // At open, before anyone reads or writes: every entry of the old layout goes, then each
    // dossier's entries of the new one are written, in batches (memory bounded whatever the
    // size). A crash midway leaves the old format's mark, and the next open starts again.
    storage::Store& store = *store_;
    std::vector<storage::BatchOp> ops;
    std::uint64_t removed = 0, written = 0;
    auto flush = [&](std::size_t at_least) -> Status {
      if (ops.size() < at_least) return Status::Ok();
      HSDT_RETURN_IF_ERROR(store.WriteOps(ops, false));
      ops.clear();
      return Status::Ok();
    };
    constexpr std::size_t kBatch = 4096;
    HSDT_RETURN_IF_ERROR(store.Scan(storage::kIndexCf, storage::ScanRange::All(),
                                    [&](std::string_view k, std::string_view) -> Result<storage::Next> {
      ops.push_back({storage::kIndexCf, std::string(k), {}, true});
      ++removed;
      HSDT_RETURN_IF_ERROR(flush(kBatch));
      return storage::Next::kContinue;
    }));
    HSDT_RETURN_IF_ERROR(flush(1));
    HSDT_RETURN_IF_ERROR(store.Scan(storage::kCurrentCf, storage::ScanRange::All(),
                                    [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
      if (k.size() != 8) return Status::Corruption("current/" + base::HexOf(k) + ": malformed key");
      const std::uint64_t id = base::GetBigEndian64(k.data());
      HSDT_ASSIGN_OR_RETURN(auto plain, store.sealer().Open(storage::ValueType::kRecord, id, v));
      const std::string name = db::FormatId(id);
      HSDT_RETURN_IF_ERROR(schema::CheckStoredDossier(plain.words(), plain.size(), name).WithPrefix("dossier " + name));
      for (auto& [key, value] : EntriesOf(schema::DossierView(plain.words(), plain.size()), id)) {
        ops.push_back({storage::kIndexCf, key, std::move(value), false});
        ++written;
      }
      HSDT_RETURN_IF_ERROR(flush(kBatch));
      return storage::Next::kContinue;
    }));
    HSDT_RETURN_IF_ERROR(flush(1));
    HSDT_RETURN_IF_ERROR(store.Sync());
    AuditRecord e;
    e.actor = "-";
    e.action = ActionName(Action::kMaintain);
    e.target = "indexes";
    e.allowed = true;
    e.rule = "open";
    e.reason = "index format " + std::to_string(db::kIndexFormat) + ": " + std::to_string(written) +
               " entries rebuilt (" + std::to_string(removed) + " of the old layout removed)";
    HSDT_RETURN_IF_ERROR(AuditNow(std::move(e)));
  }
  std::string format;
  base::PutBigEndian32(&format, db::kIndexFormat);
  return store_->WriteOps({{storage::kMetaCf, db::kIndexFormatKey, format, false}}, true);
}

}  // namespace hsdt
