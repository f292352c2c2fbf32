// A bounded cache of decrypted, decompressed records, so that hot reads skip the AEAD open and
// zstd (docs/format.md, "Record cache"). It holds plaintext in process memory, as SQLCipher's page
// cache does; an entry's memory is wiped when the last reference to it goes.
//
// Keys: (id, 0) is the latest version of a dossier; (id, v) an older version v read explicitly.
// Threads: safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "storage/compressor.h"

namespace hsdt::storage {

struct CachedRecord {
  std::uint64_t id = 0;
  std::uint32_t version = 0;
  std::int64_t recorded_at_micros = 0;
  PlainBytes bytes;  // the flat Cap'n Proto message
};

class RecordCache final {
 public:
  explicit RecordCache(std::size_t capacity_bytes);

  std::shared_ptr<const CachedRecord> Lookup(std::uint64_t id, std::uint32_t version);
  // Inserts or replaces. For (id, 0), an entry is only replaced by a newer version.
  void Insert(std::uint64_t id, std::uint32_t version, std::shared_ptr<const CachedRecord> record);
  void Erase(std::uint64_t id, std::uint32_t version);
  void Clear();

  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  std::size_t capacity() const { return capacity_; }

 private:
  static constexpr int kShards = 16;
  struct Key {
    std::uint64_t id;
    std::uint32_t version;
    bool operator==(const Key& o) const { return id == o.id && version == o.version; }
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<std::uint64_t>()(k.id * 0x9E3779B97F4A7C15ull ^ k.version);
    }
  };
  struct Entry {
    Key key;
    std::shared_ptr<const CachedRecord> record;
    std::size_t charge;
  };
  struct Shard {
    std::mutex mu;
    std::list<Entry> lru;  // front: most recent
    std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> map;
    std::size_t usage = 0;
  };
  Shard& ShardOf(std::uint64_t id) { return shards_[id % kShards]; }

  std::size_t capacity_;
  std::size_t shard_capacity_;
  Shard shards_[kShards];
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
};

}  // namespace hsdt::storage
