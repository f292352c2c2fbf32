// zstd compression of record plaintext, with dictionaries trained on the database's own records.
// A dictionary id is stored in every sealed value's header (0: none); dictionaries are kept
// forever, sealed in the metadata, so every old value stays readable.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/status.h>

namespace hsdt::storage {

// Plaintext bytes in 8-byte-aligned memory (a Cap'n Proto flat message can be read in place),
// wiped when destroyed.
class PlainBytes final {
 public:
  PlainBytes() = default;
  explicit PlainBytes(std::size_t size);
  PlainBytes(PlainBytes&&) noexcept = default;
  PlainBytes& operator=(PlainBytes&& other) noexcept;
  PlainBytes(const PlainBytes&) = delete;
  PlainBytes& operator=(const PlainBytes&) = delete;
  ~PlainBytes();

  char* data() { return reinterpret_cast<char*>(words_.get()); }
  const char* data() const { return reinterpret_cast<const char*>(words_.get()); }
  const std::uint64_t* words() const { return words_.get(); }
  std::size_t size() const { return size_; }
  std::string_view view() const { return {data(), size_}; }

 private:
  void Wipe();
  std::unique_ptr<std::uint64_t[]> words_;
  std::size_t size_ = 0;
};

// Threads: safe.
class Compressor final {
 public:
  Compressor();
  ~Compressor();

  // Registers dictionary `id` (> 0).
  Status AddDictionary(std::uint32_t id, std::string_view dictionary);
  bool HasDictionary(std::uint32_t id) const;

  // Appends the zstd frame of `in` (with dictionary `dict_id`, 0: none) to `*out`.
  Status Compress(std::uint32_t dict_id, std::string_view in, std::string* out) const;
  // Decompresses one frame; its content size must be at most `max_size`.
  Result<PlainBytes> Decompress(std::uint32_t dict_id, std::string_view frame,
                                std::size_t max_size) const;

  // Trains a dictionary of at most `capacity` bytes on `samples`.
  static Result<std::string> Train(const std::vector<std::string>& samples, std::size_t capacity);

 private:
  struct Dict;
  mutable std::shared_mutex mu_;
  std::map<std::uint32_t, std::shared_ptr<const Dict>> dicts_;
  int level_ = 3;
};

}  // namespace hsdt::storage
