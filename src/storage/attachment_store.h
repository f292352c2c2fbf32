// Attachments in the store: scans kept as sealed chunks in their own column family (blob files),
// content-addressed, never deleted. What they mean and who may read them is the db layer's.
//
// Keys of the `attachments` family (docs/format.md, "Attachments"):
//   'a' attachment id u64 ‖ version u32   sealed AttachmentRecord (type A)
//   'd' dossier id u64 ‖ attachment id u64 empty: the dossier's attachments
//   'h' content id[32]                      sealed content header (type H): blob id[16] ‖ size u64 ‖
//                                           chunk count u32
//   'c' blob id[16] ‖ chunk index u32       sealed chunk (type C)
// Every value's associated data binds its whole key, so a value moved to another key fails; a
// chunk's envelope version is its index with the top bit set on the last chunk, so a chunk
// moved within its blob, or a blob cut short, fails too. The content id is a keyed BLAKE2b-256
// of the scan (the attachments sub-key of the write generation): the same scan is stored once.
//
// Threads: safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

#include "crypto/crypto.h"
#include "schema/attachment_record.h"
#include "storage/store.h"

namespace hsdt::storage {

inline constexpr std::size_t kChunkBytes = std::size_t{256} << 10;
inline constexpr std::size_t kBlobIdBytes = 16;
inline constexpr std::uint32_t kFinalChunk = 0x80000000u;

std::string AttachmentKey(std::uint64_t id, std::uint32_t version);
std::string DossierAttachmentKey(std::uint64_t dossier, std::uint64_t id);
std::string ContentKey(std::string_view content_id);
std::string ChunkKey(std::string_view blob_id, std::uint32_t index);

// What a content id names: where its chunks are.
struct ContentHeader {
  std::string blob_id;
  std::uint64_t size = 0;
  std::uint32_t chunks = 0;
};

class AttachmentStore final {
 public:
  // Watches the store's attachments sub-keys; finds the next attachment id.
  static Result<std::unique_ptr<AttachmentStore>> Open(Store* store);
  ~AttachmentStore();
  AttachmentStore(const AttachmentStore&) = delete;
  AttachmentStore& operator=(const AttachmentStore&) = delete;

  std::uint64_t AllocateId() { return next_id_.fetch_add(1); }
  // A fresh random blob id for the chunks of one upload.
  static std::string NewBlobId();
  // The content hash of a new scan, under the write generation's attachments sub-key.
  Result<std::unique_ptr<crypto::StreamHash>> NewContentHash() const;

  // Seals and writes one chunk of an upload now (not fsynced: the commit that names it is, and
  // its log sync covers the chunks written before it).
  Status WriteChunk(std::string_view blob_id, std::uint32_t index, bool final, std::string_view bytes);
  // Removes the chunks of an upload that no record names (failed, abandoned or duplicate).
  Status DiscardChunks(std::string_view blob_id, std::uint32_t count);
  // Chunk `index` of a blob of `count` chunks, authenticated: its place and, for the last, that
  // it is the last. Corruption "chunk N missing" or "chunk N does not authenticate".
  Result<PlainBytes> ReadChunk(std::string_view blob_id, std::uint32_t index, std::uint32_t count);

  // The content stored under `content_id`, if any (authenticated).
  Result<std::optional<ContentHeader>> FindContent(std::string_view content_id);
  // The ops that commit one attachment version: its record, and for a first version the
  // dossier's link, and for new content its header.
  Result<BatchOp> RecordOp(std::uint64_t id, const schema::AttachmentRecord& record);
  static BatchOp DossierOp(std::uint64_t dossier, std::uint64_t id);
  Result<BatchOp> ContentOp(std::string_view content_id, const ContentHeader& header);

  // Version `version` (0: the latest) of attachment `id`; NotFound if there is none.
  Result<schema::AttachmentRecord> Read(std::uint64_t id, std::uint32_t version);
  // Every version of attachment `id`, oldest first.
  Result<std::vector<schema::AttachmentRecord>> Versions(std::uint64_t id);
  // Every attachment version stored at `at` (Store::Snapshot; null: now), by id, oldest first.
  Status VisitRecords(SnapshotHandle at, const std::function<Status(std::uint64_t id, schema::AttachmentRecord)>& visit);
  // The attachment ids of a dossier, ascending.
  Result<std::vector<std::uint64_t>> OfDossier(std::uint64_t dossier);

  // For check: opens every value of the family; reports each problem as "<key>: <what>"; counts
  // attachment versions and chunks.
  struct CheckCounts {
    std::uint64_t versions = 0;
    std::uint64_t chunks = 0;
  };
  Result<CheckCounts> Check(std::vector<std::string>* problems);

 private:
  explicit AttachmentStore(Store* store) : store_(store) {}
  Result<schema::AttachmentRecord> OpenRecord(std::string_view key, std::string_view value) const;
  std::shared_ptr<const crypto::SecretBytes> WriteKey() const;

  Store* store_;
  std::atomic<std::uint64_t> next_id_{1};
  std::uint64_t watch_ = 0;
  mutable std::mutex keys_mu_;  // a leaf (storage/store.h, rank 5)
  std::map<std::uint32_t, std::shared_ptr<const crypto::SecretBytes>> hash_keys_;
};

}  // namespace hsdt::storage
