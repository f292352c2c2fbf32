// Sealed values: what every record, version record and dictionary looks like in RocksDB.
//
//   byte 0     envelope format (1)
//   byte 1     codec: 0 raw, 1 zstd
//   bytes 2-5  version (big-endian; 0 for values that have none)
//   bytes 6-9  dictionary id (0: none)
//   bytes 10-13 key generation
//   rest       XChaCha20-Poly1305: nonce(24) || ciphertext || tag(16)
//
// The associated data binds the value type, the layout of the associated data (1; not the
// database's format version, so a format upgrade keeps old values readable), the dossier id, the
// version, the codec, the dictionary id and the key generation: a value copied to another key,
// id or version, or its header edited, fails authentication.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include <hsdt/status.h>

#include "crypto/crypto.h"
#include "storage/compressor.h"

namespace hsdt::storage {

enum class ValueType : char {
  kRecord = 'R', kVersionInfo = 'I', kDictionary = 'D', kRegistry = 'G',
  kAttachment = 'A', kContent = 'H', kChunk = 'C',  // attachments (storage/attachment_store.h)
};

inline constexpr std::size_t kEnvelopeHeaderBytes = 14;
inline constexpr std::size_t kMaxPlaintextBytes = 16u << 20;

struct EnvelopeHeader {
  std::uint8_t format = 1;
  std::uint8_t codec = 0;
  std::uint32_t version = 0;
  std::uint32_t dict_id = 0;
  std::uint32_t key_generation = 0;
};

// Parses the clear header of a sealed value. Returns Corruption if it is not one.
Result<EnvelopeHeader> PeekEnvelope(std::string_view value);

// Seals and opens values under the record sub-keys of every key generation.
// Threads: safe.
class Sealer final {
 public:
  explicit Sealer(const Compressor* compressor) : compressor_(compressor) {}

  // Adds generation `gen` with its records sub-key.
  Status AddKey(std::uint32_t gen, const crypto::SecretBytes& records_key);
  void SetWriteGeneration(std::uint32_t gen);
  std::uint32_t write_generation() const;

  // Seals `plain` as value `type` of (id, version), compressed with zstd (dictionary `dict_id`,
  // 0: none) when `compress`; appends it to `*out`.
  // `extra_ad` is bound too (e.g. a clear prefix the caller stores before the envelope).
  Status Seal(ValueType type, std::uint64_t id, std::uint32_t version, std::string_view plain,
              bool compress, std::uint32_t dict_id, std::string* out,
              std::string_view extra_ad = {}) const;

  // Opens a sealed value of `type` belonging to `id`; the version comes from its header.
  // Returns: the plaintext; Corruption "authentication failed" (no detail on purpose).
  Result<PlainBytes> Open(ValueType type, std::uint64_t id, std::string_view value,
                          std::string_view extra_ad = {}) const;

 private:
  std::shared_ptr<const crypto::SecretBytes> KeyOf(std::uint32_t gen) const;

  const Compressor* compressor_;
  mutable std::shared_mutex mu_;
  std::map<std::uint32_t, std::shared_ptr<const crypto::SecretBytes>> keys_;
  std::uint32_t write_gen_ = 0;
};

}  // namespace hsdt::storage
