// Store, the room of versions: key formats, stripes, reading a version (current or history),
// the sealed change record of each version, history and as-of lookups, and the commit.
#include <algorithm>
#include <functional>

#include "base/coding.h"
#include "crypto/secret.h"
#include "schema/version_info.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace hsdt::storage {
namespace {

int StripeIndexOf(std::string_view key) {
  return static_cast<int>(std::hash<std::string_view>()(key) % 256);
}

}  // namespace

std::string Store::IdKey(std::uint64_t id) {
  std::string k;
  base::PutBigEndian64(&k, id);
  return k;
}

std::string Store::HistoryKey(std::uint64_t id, char kind, std::uint32_t version) {
  std::string k = IdKey(id);
  k.push_back(kind);
  base::PutBigEndian32(&k, version);
  return k;
}

StripeLock Store::LockStripes(const std::vector<std::uint64_t>& ids, const std::vector<std::string>& unique_keys) {
  std::vector<int> idx;
  for (std::uint64_t id : ids) idx.push_back(static_cast<int>(id % kStripes));
  for (const auto& k : unique_keys) idx.push_back(StripeIndexOf(k));
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  StripeLock lock;
  for (int i : idx) lock.locks_.emplace_back(stripes_[i]);
  return lock;
}

Result<std::uint32_t> Store::LatestVersion(std::uint64_t id) {
  HSDT_STORE_ENTER();
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kCurrentCf, IdKey(id), &value, &found));
  if (!found) return std::uint32_t{0};
  HSDT_ASSIGN_OR_RETURN(EnvelopeHeader h, PeekEnvelope(value));
  return h.version;
}

Result<StoredRecord> Store::ReadRecord(std::uint64_t id, std::uint32_t version) {
  HSDT_STORE_ENTER();
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kCurrentCf, IdKey(id), &value, &found));
  if (!found) return Status::NotFound(IdName(id) + ": no such dossier");
  auto header = PeekEnvelope(value);
  if (!header.ok()) return header.status().WithPrefix("current/" + std::to_string(id));
  if (version != 0 && version != header->version) {
    if (version > header->version) {
      return Status::NotFound(IdName(id) + ": no version " + std::to_string(version) +
                              " (latest is " + std::to_string(header->version) + ")");
    }
    const std::string hkey = HistoryKey(id, 'r', version);
    HSDT_RETURN_IF_ERROR(ReadValue(kHistoryCf, hkey, &value, &found));
    const std::string where = "history/" + std::to_string(id) + "/r" + std::to_string(version);
    if (!found) return Status::Corruption(where + ": missing");
    auto h = PeekEnvelope(value);
    if (!h.ok()) return h.status().WithPrefix(where);
    // The seal binds the version in the header; the key's version must be that one.
    if (h->version != version) {
      return Status::Corruption(where + ": holds version " + std::to_string(h->version));
    }
  }
  auto plain = sealer_.Open(ValueType::kRecord, id, value);
  if (!plain.ok()) {
    return plain.status().WithPrefix((version == 0 ? "current/" : "history/") +
                                     std::to_string(id) + "/v" +
                                     std::to_string(version == 0 ? header->version : version));
  }
  StoredRecord r;
  r.version = version == 0 ? header->version : version;
  r.bytes = std::move(plain).value();
  return r;
}

Status Store::SealVersionMeta(std::uint64_t id, const VersionMeta& m, std::string* out) const {
  std::string bytes;
  HSDT_RETURN_IF_ERROR(schema::EncodeVersionRecord(
      m, "history/" + std::to_string(id) + "/i" + std::to_string(m.version), &bytes));
  base::PutBigEndian64(out, static_cast<std::uint64_t>(m.recorded_at_micros));
  const std::string prefix = out->substr(out->size() - 8);
  const Status sealed = sealer_.Seal(ValueType::kVersionInfo, id, m.version, bytes, false, 0, out, prefix);
  crypto::Wipe(bytes.data(), bytes.size());
  return sealed;
}

Result<VersionMeta> Store::OpenVersionMeta(std::uint64_t id, std::string_view value,
                                           std::string_view where) const {
  if (value.size() < 8) return Status::Corruption(std::string(where) + ": version record too short");
  auto plain = sealer_.Open(ValueType::kVersionInfo, id, value.substr(8), value.substr(0, 8));
  if (!plain.ok()) return plain.status().WithPrefix(where);
  HSDT_ASSIGN_OR_RETURN(VersionMeta m, schema::DecodeVersionRecord(plain->words(), plain->size(), where));
  if (static_cast<std::int64_t>(base::GetBigEndian64(value.data())) != m.recorded_at_micros) {
    return Status::Corruption(std::string(where) + ": version record time does not match its header");
  }
  return m;
}

std::int64_t Store::NextCommitMicros() {
  std::int64_t now = clock_->NowMicros();
  std::int64_t last = last_commit_micros_.load();
  while (true) {
    const std::int64_t next = std::max(now, last + 1);
    if (last_commit_micros_.compare_exchange_weak(last, next)) return next;
  }
}

Result<std::uint32_t> Store::VersionAsOf(std::uint64_t id, std::int64_t micros) {
  HSDT_STORE_ENTER();
  const std::string prefix = IdKey(id) + 'i';
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_[kHistoryCf]));
  for (it->SeekForPrev(HistoryKey(id, 'i', 0xFFFFFFFFu)); it->Valid(); it->Prev()) {
    const std::string_view k = View(it->key());
    if (k.substr(0, prefix.size()) != prefix || k.size() != prefix.size() + 4) break;
    const std::string_view v = View(it->value());
    if (v.size() < 8) return Status::Corruption("history/" + std::to_string(id) + ": short version record");
    if (static_cast<std::int64_t>(base::GetBigEndian64(v.data())) <= micros) {
      // The clear time chose this version; its seal must confirm both the time and the version.
      const std::uint32_t version = base::GetBigEndian32(k.data() + prefix.size());
      HSDT_ASSIGN_OR_RETURN(VersionMeta meta, OpenVersionMeta(id, v, "history/" + base::HexOf(k)));
      if (meta.version != version || meta.recorded_at_micros > micros) {
        return Status::Corruption("history/" + base::HexOf(k) + ": version record does not match its key");
      }
      return version;
    }
  }
  HSDT_RETURN_IF_ERROR(FromRocks(it->status(), "history scan"));
  return Status::NotFound(IdName(id) + ": no version recorded at or before " +
                          base::FormatMicrosUtc(micros));
}

Result<std::vector<VersionMeta>> Store::History(std::uint64_t id) {
  HSDT_STORE_ENTER();
  std::vector<VersionMeta> out;
  const std::string prefix = IdKey(id) + 'i';
  HSDT_RETURN_IF_ERROR(ScanImpl(kHistoryCf, ScanRange::Prefix(prefix),
                                [&](std::string_view k, std::string_view v) -> Result<Next> {
    const std::string where = "history/" + base::HexOf(k);
    HSDT_ASSIGN_OR_RETURN(VersionMeta m, OpenVersionMeta(id, v, where));
    if (k.size() != prefix.size() + 4 || m.version != base::GetBigEndian32(k.data() + prefix.size())) {
      return Status::Corruption(where + ": version record does not match its key");
    }
    out.push_back(std::move(m));
    return Next::kContinue;
  }));
  if (out.empty()) return Status::NotFound(IdName(id) + ": no such dossier");
  return out;
}

Result<VersionMeta> Store::Commit(CommitRequest r) {
  HSDT_ASSIGN_OR_RETURN(PreparedCommit p, PrepareCommit(std::move(r)));
  HSDT_RETURN_IF_ERROR(WriteOps(p.ops, true));
  FinishCommit(p);
  return p.meta;
}

Result<PreparedCommit> Store::PrepareCommit(CommitRequest r) {
  HSDT_STORE_ENTER();
  HSDT_RETURN_IF_ERROR(Writable());
  const std::string key = IdKey(r.id);
  std::string old;
  bool found = false;
  // A create uses a fresh id from AllocateId, which no record can have: nothing to read.
  if (r.expected_version != 0) HSDT_RETURN_IF_ERROR(ReadValue(kCurrentCf, key, &old, &found));
  std::uint32_t latest = 0;
  if (found) {
    auto h = PeekEnvelope(old);
    if (!h.ok()) return h.status().WithPrefix("current/" + std::to_string(r.id));
    latest = h->version;
  }
  if (latest != r.expected_version) {
    return Status::Conflict(IdName(r.id) + ": expected version " +
                            std::to_string(r.expected_version) + ", but the latest is " +
                            std::to_string(latest) + "; reread and retry");
  }
  for (const auto& u : r.unique_keys) {
    if (std::find(r.index_deletes.begin(), r.index_deletes.end(), u) != r.index_deletes.end()) continue;
    std::string ignored;
    bool taken = false;
    HSDT_RETURN_IF_ERROR(ReadValue(kIndexCf, u, &ignored, &taken));
    if (taken) return Status::AlreadyExists("unique index key in use");
  }
  PreparedCommit p;
  p.meta = std::move(r.meta);
  p.meta.version = latest + 1;
  p.created = !found;
  if (found) {
    // History is never rewritten: if version latest+1 is recorded already, the current record is
    // not the latest one (replayed or damaged) and nothing may be written over it.
    std::string ignored;
    bool exists = false;
    HSDT_RETURN_IF_ERROR(ReadValue(kHistoryCf, HistoryKey(r.id, 'i', p.meta.version), &ignored, &exists));
    if (exists) {
      return Status::Corruption(IdName(r.id) + ": history already holds version " +
                                std::to_string(p.meta.version) +
                                ", so the current record is stale; run Check");
    }
  }
  if (p.meta.recorded_at_micros == 0) p.meta.recorded_at_micros = NextCommitMicros();

  p.dictionary = current_dict_.load();
  std::string sealed;
  HSDT_RETURN_IF_ERROR(sealer_.Seal(ValueType::kRecord, r.id, p.meta.version, r.record, true, p.dictionary, &sealed));
  p.ops.push_back({kCurrentCf, key, std::move(sealed), false});
  if (found) p.ops.push_back({kHistoryCf, HistoryKey(r.id, 'r', latest), std::move(old), false});
  std::string info;
  HSDT_RETURN_IF_ERROR(SealVersionMeta(r.id, p.meta, &info));
  p.ops.push_back({kHistoryCf, HistoryKey(r.id, 'i', p.meta.version), std::move(info), false});
  for (auto& k : r.index_deletes) p.ops.push_back({kIndexCf, std::move(k), {}, true});
  for (auto& ip : r.index_puts) p.ops.push_back({kIndexCf, std::move(ip.key), std::move(ip.value), false});
  return p;
}

void Store::FinishCommit(const PreparedCommit& p) {
  if (p.created) dossier_count_.fetch_add(1);
  if (p.dictionary == 0 && training_threshold_ != 0 &&
      undictionaried_writes_.fetch_add(1) + 1 >= training_threshold_) {
    MaybeTrainDictionary();
  }
}

Status Store::VisitVersions(SnapshotHandle at, const VersionSink& visit) {
  return Scan(kCurrentCf, ScanRange::Prefix({}, at), [&](std::string_view ck, std::string_view cv) -> Result<Next> {
    if (ck.size() != 8) return Next::kContinue;
    const std::uint64_t id = base::GetBigEndian64(ck.data());
    const std::string prefix = IdKey(id);
    std::vector<VersionMeta> metas;  // this dossier's change records, by version
    auto emit = [&](std::uint32_t version, std::string_view value, const std::string& where) -> Status {
      auto h = PeekEnvelope(value);
      if (!h.ok()) return h.status().WithPrefix(where);
      if (h->version != version) return Status::Corruption(where + ": holds version " + std::to_string(h->version));
      if (version == 0 || version > metas.size() || metas[version - 1].version != version) {
        return Status::Corruption(where + ": no version record");
      }
      auto plain = sealer_.Open(ValueType::kRecord, id, value);
      if (!plain.ok()) return plain.status().WithPrefix(where);
      return visit(id, metas[version - 1], *plain);
    };
    HSDT_RETURN_IF_ERROR(Scan(kHistoryCf, ScanRange::Prefix(prefix, at),
                              [&](std::string_view k, std::string_view v) -> Result<Next> {
      const std::string where = "history/" + base::HexOf(k);
      if (k.size() != prefix.size() + 5) return Status::Corruption(where + ": bad key");
      const std::uint32_t version = base::GetBigEndian32(k.data() + prefix.size() + 1);
      if (k[prefix.size()] == 'i') {
        HSDT_ASSIGN_OR_RETURN(VersionMeta m, OpenVersionMeta(id, v, where));
        if (m.version != version || version != metas.size() + 1) {
          return Status::Corruption(where + ": version record does not match its key");
        }
        metas.push_back(std::move(m));
      } else if (k[prefix.size()] == 'r') {
        HSDT_RETURN_IF_ERROR(emit(version, v, where));
      }
      return Next::kContinue;
    }));
    auto h = PeekEnvelope(cv);
    if (!h.ok()) return h.status().WithPrefix("current/" + std::to_string(id));
    if (h->version != metas.size()) {
      return Status::Corruption("current/" + std::to_string(id) + ": latest version " + std::to_string(h->version) +
                                " but " + std::to_string(metas.size()) + " version records");
    }
    HSDT_RETURN_IF_ERROR(emit(h->version, cv, "current/" + std::to_string(id)));
    return Next::kContinue;
  });
}

Result<std::vector<std::uint64_t>> Store::ListIds(std::uint64_t after, std::size_t limit) {
  HSDT_STORE_ENTER();
  std::vector<std::uint64_t> ids;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cfs_[kCurrentCf]));
  for (it->Seek(IdKey(after + 1)); it->Valid() && ids.size() < limit; it->Next()) {
    if (it->key().size() == 8) ids.push_back(base::GetBigEndian64(it->key().data()));
  }
  HSDT_RETURN_IF_ERROR(FromRocks(it->status(), "listing dossiers"));
  return ids;
}

}  // namespace hsdt::storage
