// Store, the room of the compression dictionary: loading the sealed dictionaries at open, and
// training one from a sample of current records (once, after enough writes, or on demand).
#include <rocksdb/write_batch.h>

#include "base/coding.h"
#include "crypto/secret.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace hsdt::storage {
namespace {

constexpr char kDictCurrentKey[] = "dict-current";
constexpr std::size_t kDictionaryBytes = 32 * 1024;
constexpr std::size_t kTrainingSamples = 2000;
constexpr std::size_t kMinTrainingSamples = 50;

std::string DictKey(std::uint32_t id) {
  std::string k = kDictPrefix;
  base::PutBigEndian32(&k, id);
  return k;
}

}  // namespace

Status Store::LoadDictionaries() {
  HSDT_RETURN_IF_ERROR(ScanImpl(kMetaCf, ScanRange::Prefix(kDictPrefix),
                                [&](std::string_view k, std::string_view v) -> Result<Next> {
    if (k.size() != sizeof(kDictPrefix) - 1 + 4) return Status::Corruption("meta/dict: bad key");
    const std::uint32_t id = base::GetBigEndian32(k.data() + k.size() - 4);
    if (compressor_.HasDictionary(id)) return Next::kContinue;  // a view catching up has it
    auto dict = sealer_.Open(ValueType::kDictionary, id, v);
    if (!dict.ok()) return dict.status().WithPrefix("meta/dict/" + std::to_string(id));
    HSDT_RETURN_IF_ERROR(compressor_.AddDictionary(id, dict->view()));
    return Next::kContinue;
  }));
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(ReadValue(kMetaCf, kDictCurrentKey, &value, &found));
  if (found && value.size() == 4) {
    const std::uint32_t id = base::GetBigEndian32(value.data());
    if (!compressor_.HasDictionary(id)) {
      return Status::Corruption("meta/dict-current names dictionary " + std::to_string(id) +
                                ", which is missing");
    }
    current_dict_ = id;
  }
  return Status::Ok();
}

void Store::MaybeTrainDictionary() {
  // Called after a commit's write, outside any Store call: it must enter like one, or Close
  // could destroy the database under the training scan.
  HSDT_STORE_ENTER_VOID();
  std::unique_lock lock(train_mu_, std::try_to_lock);
  if (!lock.owns_lock() || current_dict_.load() != 0) return;
  // A failure only means later records stay without a dictionary; do not retry on every write.
  if (!TrainDictionaryLocked().ok()) training_threshold_ = 0;
}

Result<std::uint32_t> Store::TrainDictionary() {
  HSDT_STORE_ENTER();
  base::MutexLock lock(train_mu_);
  return TrainDictionaryLocked();
}

Result<std::uint32_t> Store::TrainDictionaryLocked() {
  HSDT_RETURN_IF_ERROR(Writable());
  std::vector<std::string> samples;
  samples.reserve(kTrainingSamples);
  Status scan = ScanImpl(kCurrentCf, ScanRange::All(), [&](std::string_view k, std::string_view v) -> Result<Next> {
    if (k.size() != 8) return Status::Corruption("current: bad key " + base::HexOf(k));
    auto plain = sealer_.Open(ValueType::kRecord, base::GetBigEndian64(k.data()), v);
    if (!plain.ok()) return plain.status().WithPrefix("current/" + base::HexOf(k));
    samples.emplace_back(plain->view());
    return samples.size() >= kTrainingSamples ? Next::kStop : Next::kContinue;
  });
  auto wipe = [&] { for (auto& s : samples) crypto::Wipe(s.data(), s.size()); };
  if (!scan.ok()) {
    wipe();
    return scan;
  }
  if (samples.size() < kMinTrainingSamples) {
    wipe();
    return Status::InvalidArgument("dictionary training needs at least " +
                                   std::to_string(kMinTrainingSamples) + " dossiers; there are " +
                                   std::to_string(samples.size()));
  }
  auto dict = Compressor::Train(samples, kDictionaryBytes);
  wipe();
  if (!dict.ok()) return dict.status();
  std::uint32_t id = 1;
  while (compressor_.HasDictionary(id)) ++id;
  std::string sealed;
  Status added = sealer_.Seal(ValueType::kDictionary, id, 0, *dict, false, 0, &sealed);
  if (added.ok()) added = compressor_.AddDictionary(id, *dict);
  crypto::Wipe(dict->data(), dict->size());
  HSDT_RETURN_IF_ERROR(added);
  std::string current;
  base::PutBigEndian32(&current, id);
  rocksdb::WriteBatch batch;
  batch.Put(cfs_[kMetaCf], DictKey(id), sealed);
  batch.Put(cfs_[kMetaCf], kDictCurrentKey, current);
  HSDT_RETURN_IF_ERROR(Write(&batch));
  current_dict_ = id;
  return id;
}

}  // namespace hsdt::storage
