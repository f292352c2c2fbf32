// The encrypted file layer: every file RocksDB writes (SST, WAL, MANIFEST, OPTIONS, LOG, backups)
// goes through a RocksDB EncryptedFileSystem whose EncryptionProvider XORs libsodium's seekable
// XChaCha20 stream under a random 24-byte nonce per file (docs/format.md, "Encrypted files").
//
// Confidentiality only: integrity of records comes from their own AEAD seal; the per-file prefix
// carries a MAC so a file of another key is told apart from garbage at once.
#pragma once

#include <rocksdb/env_encryption.h>
#include <rocksdb/file_system.h>

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>

#include <hsdt/status.h>

#include "crypto/crypto.h"
#include "storage/live_logs.h"

namespace hsdt::storage {

inline constexpr std::size_t kFilePrefixBytes = 4096;
inline constexpr char kFileMagic[8] = {'h', 's', 'd', 't', 'F', 'S', 0, 1};

// The file keys of every key generation, for one purpose (files or backup). Keys are added when
// a database opens or starts a re-key; the write generation is the one new files use.
// Threads: safe.
class FileKeys final {
 public:
  struct Generation {
    crypto::SecretBytes stream_key;
    crypto::SecretBytes mac_key;
  };

  // Derives the stream and MAC keys of generation `gen` from `purpose_key` (a sub-key of that
  // generation's data key) and adds them.
  Status Add(std::uint32_t gen, const crypto::SecretBytes& purpose_key);
  void SetWriteGeneration(std::uint32_t gen);
  std::uint32_t write_generation() const;
  std::shared_ptr<const Generation> Find(std::uint32_t gen) const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::uint32_t, std::shared_ptr<const Generation>> gens_;
  std::uint32_t write_gen_ = 0;
};

// Wraps `base` so that every file is encrypted with `keys`. Operations that would write twice at
// one offset under one nonce (ReuseWritableFile, NewRandomRWFile, ReopenWritableFile) are refused.
// With `live_logs`, every write-ahead log created or deleted is recorded there first.
std::shared_ptr<rocksdb::FileSystem> NewEncryptedFileSystem(
    const std::shared_ptr<rocksdb::FileSystem>& base, std::shared_ptr<FileKeys> keys,
    std::shared_ptr<LiveLogs> live_logs = nullptr);

// Reads the key generation from a file's prefix, or -1 if the file is not an hsdt file.
std::int64_t FileGenerationOf(std::string_view prefix);

}  // namespace hsdt::storage
