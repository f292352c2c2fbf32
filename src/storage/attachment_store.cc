#include "storage/attachment_store.h"

#include <cstring>
#include <set>

#include "base/coding.h"
#include "crypto/secret.h"

namespace hsdt::storage {
namespace {

constexpr char kRecordPrefix = 'a';
constexpr char kDossierPrefix = 'd';
constexpr char kContentPrefix = 'h';
constexpr char kChunkPrefix = 'c';

std::string Where(std::string_view key) { return std::string("attachments/") + base::HexOf(key); }

}  // namespace

std::string AttachmentKey(std::uint64_t id, std::uint32_t version) {
  std::string k(1, kRecordPrefix);
  base::PutBigEndian64(&k, id);
  base::PutBigEndian32(&k, version);
  return k;
}

std::string DossierAttachmentKey(std::uint64_t dossier, std::uint64_t id) {
  std::string k(1, kDossierPrefix);
  base::PutBigEndian64(&k, dossier);
  base::PutBigEndian64(&k, id);
  return k;
}

std::string ContentKey(std::string_view content_id) {
  std::string k(1, kContentPrefix);
  k.append(content_id);
  return k;
}

std::string ChunkKey(std::string_view blob_id, std::uint32_t index) {
  std::string k(1, kChunkPrefix);
  k.append(blob_id);
  base::PutBigEndian32(&k, index);
  return k;
}

Result<std::unique_ptr<AttachmentStore>> AttachmentStore::Open(Store* store) {
  std::unique_ptr<AttachmentStore> a(new AttachmentStore(store));
  AttachmentStore* self = a.get();
  HSDT_ASSIGN_OR_RETURN(a->watch_, store->WatchSubkeys(crypto::Purpose::kAttachments,
                                                       [self](std::uint32_t gen, crypto::SecretBytes key) {
    std::lock_guard lock(self->keys_mu_);
    self->hash_keys_[gen] = std::make_shared<const crypto::SecretBytes>(std::move(key));
    return Status::Ok();
  }));
  // The next id: one past the largest record key.
  std::string last(1, kRecordPrefix);
  last.append(12, '\xff');
  std::string key, value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store->Floor(kAttachCf, last, &key, &value, &found));
  if (found && key.size() == 13 && key[0] == kRecordPrefix) a->next_id_ = base::GetBigEndian64(key.data() + 1) + 1;
  return a;
}

AttachmentStore::~AttachmentStore() {
  if (watch_ != 0) store_->UnwatchSubkeys(watch_);
}

std::string AttachmentStore::NewBlobId() {
  std::string id(kBlobIdBytes, '\0');
  crypto::RandomFill({reinterpret_cast<std::uint8_t*>(id.data()), id.size()});
  return id;
}

std::shared_ptr<const crypto::SecretBytes> AttachmentStore::WriteKey() const {
  std::lock_guard lock(keys_mu_);
  auto it = hash_keys_.find(store_->WriteGeneration());
  return it == hash_keys_.end() ? nullptr : it->second;
}

Result<std::unique_ptr<crypto::StreamHash>> AttachmentStore::NewContentHash() const {
  auto key = WriteKey();
  if (key == nullptr) return Status::Internal("no attachments key for the write generation");
  return std::make_unique<crypto::StreamHash>(crypto::StreamHash::Kind::kKeyedBlake2b, key.get());
}

Status AttachmentStore::WriteChunk(std::string_view blob_id, std::uint32_t index, bool final,
                                   std::string_view bytes) {
  if (index >= kFinalChunk) return Status::InvalidArgument("attachment: too many chunks");
  const std::string key = ChunkKey(blob_id, index);
  std::string sealed;
  HSDT_RETURN_IF_ERROR(store_->sealer().Seal(ValueType::kChunk, 0, index | (final ? kFinalChunk : 0), bytes,
                                             false, 0, &sealed, key));
  return store_->WriteOps({BatchOp{kAttachCf, key, std::move(sealed), false}}, false);
}

Status AttachmentStore::DiscardChunks(std::string_view blob_id, std::uint32_t count) {
  std::vector<BatchOp> ops;
  for (std::uint32_t i = 0; i < count; ++i) ops.push_back(BatchOp{kAttachCf, ChunkKey(blob_id, i), {}, true});
  if (ops.empty()) return Status::Ok();
  return store_->WriteOps(ops, false);
}

Result<PlainBytes> AttachmentStore::ReadChunk(std::string_view blob_id, std::uint32_t index,
                                              std::uint32_t count) {
  const std::string key = ChunkKey(blob_id, index);
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store_->Get(kAttachCf, key, &value, &found));
  const std::string what = "chunk " + std::to_string(index) + " of " + std::to_string(count);
  if (!found) return Status::Corruption(what + " missing");
  auto header = PeekEnvelope(value);
  const std::uint32_t expected = index | (index + 1 == count ? kFinalChunk : 0);
  if (!header.ok() || header->version != expected) {
    return Status::Corruption(what + " does not authenticate (moved, or the attachment cut short)");
  }
  auto plain = store_->sealer().Open(ValueType::kChunk, 0, value, key);
  if (!plain.ok()) return Status::Corruption(what + " does not authenticate");
  return plain;
}

Result<std::optional<ContentHeader>> AttachmentStore::FindContent(std::string_view content_id) {
  const std::string key = ContentKey(content_id);
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store_->Get(kAttachCf, key, &value, &found));
  if (!found) return std::optional<ContentHeader>();
  auto plain = store_->sealer().Open(ValueType::kContent, 0, value, key);
  if (!plain.ok()) return plain.status().WithPrefix(Where(key));
  const std::string_view p = plain->view();
  if (p.size() != kBlobIdBytes + 12) return Status::Corruption(Where(key) + ": bad content header");
  ContentHeader h;
  h.blob_id = std::string(p.substr(0, kBlobIdBytes));
  h.size = base::GetBigEndian64(p.data() + kBlobIdBytes);
  h.chunks = base::GetBigEndian32(p.data() + kBlobIdBytes + 8);
  return std::optional<ContentHeader>(std::move(h));
}

Result<BatchOp> AttachmentStore::ContentOp(std::string_view content_id, const ContentHeader& h) {
  BatchOp op{kAttachCf, ContentKey(content_id), {}, false};
  std::string plain = h.blob_id;
  base::PutBigEndian64(&plain, h.size);
  base::PutBigEndian32(&plain, h.chunks);
  HSDT_RETURN_IF_ERROR(store_->sealer().Seal(ValueType::kContent, 0, 0, plain, false, 0, &op.value, op.key));
  return op;
}

Result<BatchOp> AttachmentStore::RecordOp(std::uint64_t id, const schema::AttachmentRecord& record) {
  BatchOp op{kAttachCf, AttachmentKey(id, record.version), {}, false};
  std::string plain;
  HSDT_RETURN_IF_ERROR(schema::EncodeAttachmentRecord(record, Where(op.key), &plain));
  const Status sealed = store_->sealer().Seal(ValueType::kAttachment, id, record.version, plain, true, 0,
                                              &op.value, op.key);
  crypto::Wipe(plain.data(), plain.size());
  HSDT_RETURN_IF_ERROR(sealed);
  return op;
}

BatchOp AttachmentStore::DossierOp(std::uint64_t dossier, std::uint64_t id) {
  return BatchOp{kAttachCf, DossierAttachmentKey(dossier, id), {}, false};
}

Result<schema::AttachmentRecord> AttachmentStore::OpenRecord(std::string_view key, std::string_view value) const {
  const std::uint64_t id = base::GetBigEndian64(key.data() + 1);
  const std::uint32_t version = base::GetBigEndian32(key.data() + 9);
  auto header = PeekEnvelope(value);
  if (!header.ok() || header->version != version) {
    return Status::Corruption(Where(key) + ": holds another version");
  }
  auto plain = store_->sealer().Open(ValueType::kAttachment, id, value, key);
  if (!plain.ok()) return plain.status().WithPrefix(Where(key));
  HSDT_ASSIGN_OR_RETURN(schema::AttachmentRecord r,
                        schema::DecodeAttachmentRecord(plain->words(), plain->size(), Where(key)));
  if (r.version != version) return Status::Corruption(Where(key) + ": holds another version");
  return r;
}

Result<std::vector<schema::AttachmentRecord>> AttachmentStore::Versions(std::uint64_t id) {
  std::vector<schema::AttachmentRecord> out;
  std::string prefix(1, kRecordPrefix);
  base::PutBigEndian64(&prefix, id);
  HSDT_RETURN_IF_ERROR(store_->Scan(kAttachCf, ScanRange::Prefix(prefix),
                                    [&](std::string_view k, std::string_view v) -> Result<Next> {
    if (k.size() != 13) return Status::Corruption(Where(k) + ": bad key");
    HSDT_ASSIGN_OR_RETURN(schema::AttachmentRecord r, OpenRecord(k, v));
    if (r.version != out.size() + 1) return Status::Corruption(Where(k) + ": a version is missing before it");
    out.push_back(std::move(r));
    return Next::kContinue;
  }));
  return out;
}

Result<schema::AttachmentRecord> AttachmentStore::Read(std::uint64_t id, std::uint32_t version) {
  if (version == 0) {
    std::string last(1, kRecordPrefix);
    base::PutBigEndian64(&last, id);
    last.append(4, '\xff');
    std::string key, value;
    bool found = false;
    HSDT_RETURN_IF_ERROR(store_->Floor(kAttachCf, last, &key, &value, &found));
    if (!found || key.size() != 13 || key.compare(0, 9, last, 0, 9) != 0) return Status::NotFound("no such attachment");
    return OpenRecord(key, value);
  }
  const std::string key = AttachmentKey(id, version);
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store_->Get(kAttachCf, key, &value, &found));
  if (!found) return Status::NotFound("no such attachment version");
  return OpenRecord(key, value);
}

Result<std::vector<std::uint64_t>> AttachmentStore::OfDossier(std::uint64_t dossier) {
  std::vector<std::uint64_t> ids;
  std::string prefix(1, kDossierPrefix);
  base::PutBigEndian64(&prefix, dossier);
  HSDT_RETURN_IF_ERROR(store_->Scan(kAttachCf, ScanRange::Prefix(prefix),
                                    [&](std::string_view k, std::string_view) -> Result<Next> {
    if (k.size() != 17) return Status::Corruption(Where(k) + ": bad key");
    ids.push_back(base::GetBigEndian64(k.data() + 9));
    return Next::kContinue;
  }));
  return ids;
}

Status AttachmentStore::VisitRecords(SnapshotHandle at,
                                    const std::function<Status(std::uint64_t id, schema::AttachmentRecord)>& visit) {
  const std::string prefix(1, kRecordPrefix);
  return store_->Scan(kAttachCf, ScanRange::Prefix(prefix, at), [&](std::string_view k, std::string_view v) -> Result<Next> {
    if (k.size() != 13) return Status::Corruption(Where(k) + ": bad key");
    HSDT_ASSIGN_OR_RETURN(schema::AttachmentRecord r, OpenRecord(k, v));
    HSDT_RETURN_IF_ERROR(visit(base::GetBigEndian64(k.data() + 1), std::move(r)));
    return Next::kContinue;
  });
}

Result<AttachmentStore::CheckCounts> AttachmentStore::Check(std::vector<std::string>* problems) {
  CheckCounts counts;
  std::set<std::string> checked;  // blob ids whose chunks were read (memory: 16 bytes per scan)
  // Every record names content whose header and chunks are all present and authentic.
  std::string prefix(1, kRecordPrefix);
  HSDT_RETURN_IF_ERROR(store_->Scan(kAttachCf, ScanRange::Prefix(prefix),
                                    [&](std::string_view k, std::string_view v) -> Result<Next> {
    if (k.size() != 13) {
      problems->push_back(Where(k) + ": bad key");
      return Next::kContinue;
    }
    auto r = OpenRecord(k, v);
    if (!r.ok()) {
      problems->push_back(std::string(r.status().message()));
      return Next::kContinue;
    }
    ++counts.versions;
    auto content = FindContent(r->content_id);
    if (!content.ok() || !content->has_value()) {
      problems->push_back(Where(k) + ": " + (content.ok() ? std::string("its content header is missing")
                                                           : std::string(content.status().message())));
      return Next::kContinue;
    }
    const ContentHeader& h = **content;
    if (h.blob_id != r->blob_id || h.size != r->size || h.chunks != r->chunks) {
      problems->push_back(Where(k) + ": its content header names other chunks");
      return Next::kContinue;
    }
    if (!checked.insert(h.blob_id).second) return Next::kContinue;  // content shared with an earlier record
    std::uint64_t size = 0;
    for (std::uint32_t i = 0; i < h.chunks; ++i) {
      auto chunk = ReadChunk(h.blob_id, i, h.chunks);
      if (!chunk.ok()) {
        problems->push_back(Where(k) + ": " + std::string(chunk.status().message()));
        return Next::kContinue;
      }
      size += chunk->size();
      ++counts.chunks;
    }
    if (size != h.size) problems->push_back(Where(k) + ": its chunks hold " + std::to_string(size) +
                                            " bytes, not " + std::to_string(h.size));
    return Next::kContinue;
  }));
  return counts;
}

}  // namespace hsdt::storage
