// libsodium primitives as hsdt uses them: AEAD seal/open, sub-key derivation, Argon2id,
// the seekable XChaCha20 stream of the file layer, keyed BLAKE2b.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <hsdt/status.h>

#include "crypto/secret.h"

namespace hsdt::crypto {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 24;  // XChaCha20
inline constexpr std::size_t kTagBytes = 16;    // Poly1305
inline constexpr std::size_t kSealOverhead = kNonceBytes + kTagBytes;
inline constexpr std::size_t kMacBytes = 32;    // BLAKE2b-256
inline constexpr std::size_t kSaltBytes = 16;

// Seals `plaintext` with XChaCha20-Poly1305 under `key` (kKeyBytes), a random nonce and the
// associated data `ad`; appends nonce || ciphertext || tag to `*out`.
void Seal(const SecretBytes& key, std::string_view plaintext, std::string_view ad, std::string* out);

// Opens what Seal produced. On success `*plaintext` holds the plaintext (the caller wipes it when
// done); on failure it is left empty and false is returned (no partial plaintext).
bool Open(const SecretBytes& key, std::string_view sealed, std::string_view ad,
          std::string* plaintext);

// What a sub-key is for: one crypto_kdf context each.
enum class Purpose : int { kRecords = 1, kFiles = 2, kAudit = 3, kBackup = 4, kMeta = 5, kAttachments = 6 };

// Derives the sub-key for `purpose` from the data key `root` (kKeyBytes).
Result<SecretBytes> DeriveSubkey(const SecretBytes& root, Purpose purpose);

// Argon2id parameters for stretching a passphrase.
struct PwhashParams {
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
  std::uint8_t salt[kSaltBytes] = {};
};

// Parameters at libsodium's named cost level 0 (MIN) .. 3 (SENSITIVE), with a fresh salt.
PwhashParams NewPwhashParams(int cost_level);

// Stretches `passphrase` into a kKeyBytes key. Returns InvalidArgument for parameters out of
// libsodium's range, ResourceExhausted if the memory cannot be had.
Result<SecretBytes> StretchPassphrase(const SecretBytes& passphrase, const PwhashParams& params);

// Argon2id password hashes in libsodium's string form (crypto_pwhash_str): the parameters and the
// salt travel inside the string.
Result<std::string> HashPassword(std::string_view password, const PwhashParams& params);
// Constant-work verification; false for a wrong password or a malformed hash.
bool VerifyPassword(const std::string& hash, std::string_view password);
// True if `hash` was made with other parameters than `params` (rehash on next login).
bool PasswordNeedsRehash(const std::string& hash, const PwhashParams& params);

// XORs `n` bytes at byte `offset` of the XChaCha20 keystream for (key, nonce) into `data`.
// Seekable: any offset, any length.
void XorKeystream(const std::uint8_t* key, const std::uint8_t* nonce, std::uint64_t offset,
                  std::uint8_t* data, std::size_t n);

// Keyed BLAKE2b-256 of `in` under `key` (kKeyBytes); writes kMacBytes to `out`.
void Mac(const SecretBytes& key, std::string_view in, std::uint8_t* out);

// Keyed BLAKE2b-256 of the concatenation of `parts`, without building it.
void MacParts(const SecretBytes& key, std::initializer_list<std::string_view> parts, std::uint8_t* out);

// Unkeyed BLAKE2b-256 checksum.
void Checksum(std::string_view in, std::uint8_t* out);

// Unkeyed BLAKE2b-256 of the concatenation of `parts`.
void HashParts(std::initializer_list<std::string_view> parts, std::uint8_t* out);

// Keyed BLAKE2b-256 (or SHA-256, unkeyed) of a stream of parts, for content too large to hold:
// Update as the bytes come, then Final once. The state is wiped on destruction.
class StreamHash final {
 public:
  enum class Kind { kKeyedBlake2b, kSha256 };
  // kKeyedBlake2b: `key` (kKeyBytes) is required; kSha256: `key` is ignored (may be null).
  StreamHash(Kind kind, const SecretBytes* key);
  ~StreamHash();
  StreamHash(const StreamHash&) = delete;
  StreamHash& operator=(const StreamHash&) = delete;
  void Update(std::string_view bytes);
  // The 32-byte digest. REQUIRES: called once.
  std::string Final();

 private:
  Kind kind_;
  // Room for crypto_generichash_state (384 bytes) or crypto_hash_sha256_state (104), aligned
  // as libsodium requires (checked in crypto.cc).
  alignas(64) unsigned char state_[384];
};

inline constexpr std::size_t kDigestBytes = 32;

}  // namespace hsdt::crypto
