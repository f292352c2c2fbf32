// Store, the room of keys: installing the keyring's sub-keys, changing the key that wraps the
// keyring, and re-keying (re-sealing every value, then rewriting every file, under a fresh
// data key).
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "base/coding.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace hsdt::storage {
namespace {

// The type of a value of the attachments family, by its key's first byte
// (storage/attachment_store.h).
ValueType AttachmentValueType(std::string_view key) {
  if (key.empty()) return ValueType::kChunk;
  return key[0] == 'a' ? ValueType::kAttachment : key[0] == 'h' ? ValueType::kContent : ValueType::kChunk;
}

}  // namespace

Status Store::InstallKeys() {
  HSDT_RETURN_IF_ERROR(keyring_->ForEachSubkey(crypto::Purpose::kFiles, [&](auto gen, const auto& k) {
    return file_keys_->Add(gen, k);
  }));
  HSDT_RETURN_IF_ERROR(keyring_->ForEachSubkey(crypto::Purpose::kBackup, [&](auto gen, const auto& k) {
    return backup_keys_->Add(gen, k);
  }));
  HSDT_RETURN_IF_ERROR(keyring_->ForEachSubkey(crypto::Purpose::kRecords, [&](auto gen, const auto& k) {
    return sealer_.AddKey(gen, k);
  }));
  for (const auto& entry : watches_) HSDT_RETURN_IF_ERROR(Deliver(entry.second.purpose, entry.second.sink));
  const std::uint32_t w = keyring_->write_generation();
  file_keys_->SetWriteGeneration(w);
  backup_keys_->SetWriteGeneration(w);
  sealer_.SetWriteGeneration(w);
  return Status::Ok();
}

Status Store::Deliver(crypto::Purpose purpose, const SubkeySink& sink) {
  return keyring_->ForEachSubkey(purpose, [&](std::uint32_t gen, const crypto::SecretBytes& k) -> Status {
    HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes copy, k.Clone());
    return sink(gen, std::move(copy));
  });
}

Result<std::uint64_t> Store::WatchSubkeys(crypto::Purpose purpose, SubkeySink sink) {
  base::MutexLock lock(keyring_mu_);
  HSDT_RETURN_IF_ERROR(Deliver(purpose, sink));
  const std::uint64_t id = next_watch_++;
  watches_.emplace(id, Watch{purpose, std::move(sink)});
  return id;
}

void Store::UnwatchSubkeys(std::uint64_t watch_id) {
  base::MutexLock lock(keyring_mu_);
  watches_.erase(watch_id);
}

Status Store::ChangeKeyring(const std::function<Status(Keyring*)>& change) {
  if (read_only_) return Status::IOError(kReadOnlyView);
  HSDT_ASSIGN_OR_RETURN(Keyring next, keyring_->Clone());
  HSDT_RETURN_IF_ERROR(change(&next));
  HSDT_RETURN_IF_ERROR(Keyring::Write(dir_, next.Serialize()));
  *keyring_ = std::move(next);
  return Status::Ok();
}

Status Store::ChangeKey(const Key& new_key, int kdf_cost) {
  HSDT_STORE_ENTER();
  HSDT_RETURN_IF_ERROR(Writable());
  base::MutexLock lock(keyring_mu_);
  return ChangeKeyring([&](Keyring* k) { return k->Rewrap(new_key, kdf_cost); });
}

Result<std::uint64_t> Store::ResealOld(std::uint32_t target, std::uint64_t max_values,
                                       std::uint64_t* remaining, bool reseal, base::Mutex* registry_writers) {
  std::uint64_t resealed = 0;
  *remaining = 0;
  rocksdb::WriteBatch batch;
  auto flush = [&]() -> Status {
    if (batch.Count() == 0) return Status::Ok();
    HSDT_RETURN_IF_ERROR(Write(&batch));
    batch.Clear();
    return Status::Ok();
  };
  auto budget = [&] { return reseal && (max_values == 0 || resealed < max_values); };
  // Dictionaries, then current records (under their stripe), then history (a commit during the
  // current pass moves its old value into history, where the later pass still finds it), then
  // the registry (under the registry lock, since login states are overwritten in place).
  // Attachments last (their links to dossiers are empty values: nothing to reseal).
  for (Cf cf : {kMetaCf, kCurrentCf, kHistoryCf, kRegistryCf, kAttachCf}) {
    std::unique_lock<base::Mutex> registry_lock;  // never with a stripe: it comes before them
    if (cf == kRegistryCf && registry_writers != nullptr) registry_lock = std::unique_lock(*registry_writers);
    HSDT_RETURN_IF_ERROR(ScanImpl(cf, ScanRange::Prefix(cf == kMetaCf ? kDictPrefix : ""),
                                  [&](std::string_view k, std::string_view v) -> Result<Next> {
      // A re-key can take long; it resumes where it stopped, so Close need not wait for it.
      if (closed()) return Status::IOError("the database is closed");
      // Values with a clear 8-byte time prefix: version records and registry entries.
      const bool info = cf == kHistoryCf && k.size() == 13 && k[8] == 'i';
      if (cf == kAttachCf && v.empty()) return Next::kContinue;
      const bool timed = info || cf == kRegistryCf;
      const std::string_view env = timed ? v.substr(std::min<std::size_t>(8, v.size())) : v;
      HSDT_ASSIGN_OR_RETURN(EnvelopeHeader h, PeekEnvelope(env));
      if (h.key_generation == target) return Next::kContinue;
      if (!budget()) {
        ++*remaining;
        return Next::kContinue;
      }
      const ValueType type = cf == kMetaCf       ? ValueType::kDictionary
                             : cf == kRegistryCf ? ValueType::kRegistry
                             : cf == kAttachCf   ? AttachmentValueType(k)
                             : info              ? ValueType::kVersionInfo
                                                 : ValueType::kRecord;
      const std::uint64_t id = cf == kMetaCf       ? base::GetBigEndian32(k.data() + k.size() - 4)
                               : cf == kRegistryCf ? 0
                               : cf == kAttachCf   ? (type == ValueType::kAttachment ? base::GetBigEndian64(k.data() + 1) : 0)
                                                   : base::GetBigEndian64(k.data());
      std::unique_lock<base::SharedMutex> stripe;
      std::string fresh(v);
      if (cf == kCurrentCf) {  // a commit may have replaced it since the scan read it
        stripe = std::unique_lock(StripeOf(id));
        bool found = false;
        HSDT_RETURN_IF_ERROR(ReadValue(kCurrentCf, k, &fresh, &found));
        if (!found) return Next::kContinue;
      }
      const std::string prefix = timed ? fresh.substr(0, 8) : std::string();
      const std::string ad = cf == kRegistryCf || cf == kAttachCf ? std::string(k) + prefix : prefix;
      const std::string_view body = std::string_view(fresh).substr(prefix.size());
      HSDT_ASSIGN_OR_RETURN(EnvelopeHeader fh, PeekEnvelope(body));
      if (fh.key_generation == target) return Next::kContinue;
      auto plain = sealer_.Open(type, id, body, ad);
      if (!plain.ok()) return plain.status().WithPrefix(std::string(CfName(cf)) + "/" + base::HexOf(k));
      std::string out = prefix;
      HSDT_RETURN_IF_ERROR(sealer_.Seal(type, id, fh.version, plain->view(), fh.codec == 1,
                                        fh.dict_id, &out, ad));
      batch.Put(cfs_[cf], SliceOf(k), out);
      ++resealed;
      // Chunks are up to 256 KiB: a few per batch.
      if (cf == kCurrentCf || batch.Count() >= (cf == kAttachCf ? 16u : 256u)) HSDT_RETURN_IF_ERROR(flush());
      return Next::kContinue;
    }));
    HSDT_RETURN_IF_ERROR(flush());
  }
  return resealed;
}

Result<RekeyProgress> Store::Rekey(std::uint64_t max_values, base::Mutex* registry_writers) {
  HSDT_STORE_ENTER();
  HSDT_RETURN_IF_ERROR(Writable());
  base::MutexLock lock(keyring_mu_);
  if (keyring_->target_generation() == 0) {
    HSDT_RETURN_IF_ERROR(ChangeKeyring([&](Keyring* k) { return k->BeginRekey(clock_->NowMicros()); }));
  }
  // The new generation's keys are installed once, last of all the sealer's write generation;
  // a re-key whose installation failed (the keyring already names the new generation)
  // installs them on its next call instead of resealing under the old key forever.
  if (sealer_.write_generation() != keyring_->write_generation()) HSDT_RETURN_IF_ERROR(InstallKeys());
  RekeyProgress p;
  p.key_generation = keyring_->target_generation();
  HSDT_ASSIGN_OR_RETURN(p.resealed, ResealOld(p.key_generation, max_values, &p.remaining, true, registry_writers));
  if (p.remaining != 0) return p;
  // Done only when a fresh scan finds nothing left under an older key.
  HSDT_RETURN_IF_ERROR(ResealOld(p.key_generation, 0, &p.remaining, false, registry_writers).status());
  if (p.remaining != 0) return p;
  // Every value is under the new key: rewrite every file onto it too.
  rocksdb::FlushOptions fo;
  fo.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all(cfs_.begin(), cfs_.end());
  rocksdb::Status s = db_->Flush(fo, all);
  if (!s.ok()) return Fail(s, "re-key: flush");
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* cf : all) {
    s = db_->CompactRange(co, cf, nullptr, nullptr);
    if (!s.ok()) return Fail(s, "re-key: compaction");
  }
  HSDT_RETURN_IF_ERROR(ChangeKeyring([](Keyring* k) {
    k->FinishRekey();
    return Status::Ok();
  }));
  p.done = true;
  return p;
}

}  // namespace hsdt::storage
