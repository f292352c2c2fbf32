#include "storage/record_cache.h"

namespace hsdt::storage {

RecordCache::RecordCache(std::size_t capacity_bytes)
    : capacity_(capacity_bytes), shard_capacity_(capacity_bytes / kShards) {}

std::shared_ptr<const CachedRecord> RecordCache::Lookup(std::uint64_t id, std::uint32_t version) {
  if (capacity_ == 0) return nullptr;
  Shard& s = ShardOf(id);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(Key{id, version});
  if (it == s.map.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second->record;
}

void RecordCache::Insert(std::uint64_t id, std::uint32_t version,
                         std::shared_ptr<const CachedRecord> record) {
  const std::size_t charge = record->bytes.size() + sizeof(CachedRecord) + 64;
  if (capacity_ == 0 || charge > shard_capacity_) return;
  std::shared_ptr<const CachedRecord> dropped;  // released outside the lock
  Shard& s = ShardOf(id);
  std::lock_guard lock(s.mu);
  const Key key{id, version};
  auto it = s.map.find(key);
  if (it != s.map.end()) {
    if (version == 0 && it->second->record->version >= record->version) return;
    s.usage -= it->second->charge;
    dropped = std::move(it->second->record);
    s.lru.erase(it->second);
    s.map.erase(it);
  }
  s.lru.push_front(Entry{key, std::move(record), charge});
  s.map[key] = s.lru.begin();
  s.usage += charge;
  while (s.usage > shard_capacity_ && !s.lru.empty()) {
    Entry& last = s.lru.back();
    s.usage -= last.charge;
    s.map.erase(last.key);
    s.lru.pop_back();
  }
}

void RecordCache::Erase(std::uint64_t id, std::uint32_t version) {
  Shard& s = ShardOf(id);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(Key{id, version});
  if (it == s.map.end()) return;
  s.usage -= it->second->charge;
  s.lru.erase(it->second);
  s.map.erase(it);
}

void RecordCache::Clear() {
  for (Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    s.lru.clear();
    s.map.clear();
    s.usage = 0;
  }
}

}  // namespace hsdt::storage
