#include "crypto/crypto.h"

#include <sodium.h>

#include <cstring>

namespace hsdt::crypto {

static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kNonceBytes == crypto_stream_xchacha20_NONCEBYTES);
static_assert(kSaltBytes == crypto_pwhash_SALTBYTES);
static_assert(kKeyBytes == crypto_kdf_KEYBYTES);

namespace {
const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

void Seal(const SecretBytes& key, std::string_view plaintext, std::string_view ad,
          std::string* out) {
  const std::size_t start = out->size();
  out->resize(start + kNonceBytes + plaintext.size() + kTagBytes);
  auto* p = reinterpret_cast<unsigned char*>(out->data()) + start;
  randombytes_buf(p, kNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(p + kNonceBytes, &clen, U(plaintext),
                                             plaintext.size(), U(ad), ad.size(), nullptr, p,
                                             key.data());
}

bool Open(const SecretBytes& key, std::string_view sealed, std::string_view ad,
          std::string* plaintext) {
  plaintext->clear();
  if (sealed.size() < kSealOverhead || key.size() != kKeyBytes) return false;
  plaintext->resize(sealed.size() - kSealOverhead);
  unsigned long long mlen = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(plaintext->data()), &mlen, nullptr, U(sealed) + kNonceBytes,
      sealed.size() - kNonceBytes, U(ad), ad.size(), U(sealed), key.data());
  if (rc != 0) {
    Wipe(plaintext->data(), plaintext->size());
    plaintext->clear();
    return false;
  }
  return true;
}

Result<SecretBytes> DeriveSubkey(const SecretBytes& root, Purpose purpose) {
  if (root.size() != kKeyBytes) return Status::Internal("DeriveSubkey: root key has wrong size");
  const char* context = nullptr;
  switch (purpose) {
    case Purpose::kRecords: context = "hsdtrecs"; break;
    case Purpose::kFiles: context = "hsdtfile"; break;
    case Purpose::kAudit: context = "hsdtaudt"; break;
    case Purpose::kBackup: context = "hsdtbkup"; break;
    case Purpose::kMeta: context = "hsdtmeta"; break;
    case Purpose::kAttachments: context = "hsdtattc"; break;
  }
  if (context == nullptr) return Status::Internal("DeriveSubkey: unknown purpose");
  HSDT_ASSIGN_OR_RETURN(SecretBytes sub, SecretBytes::Allocate(kKeyBytes));
  crypto_kdf_derive_from_key(sub.data(), kKeyBytes, static_cast<std::uint64_t>(purpose), context,
                             root.data());
  return sub;
}

PwhashParams NewPwhashParams(int cost_level) {
  PwhashParams p;
  switch (cost_level) {
    case 0:
      p.opslimit = crypto_pwhash_OPSLIMIT_MIN;
      p.memlimit = crypto_pwhash_MEMLIMIT_MIN;
      break;
    case 1:
      p.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
      p.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
      break;
    case 2:
      p.opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
      p.memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
      break;
    default:
      p.opslimit = crypto_pwhash_OPSLIMIT_SENSITIVE;
      p.memlimit = crypto_pwhash_MEMLIMIT_SENSITIVE;
      break;
  }
  if (EnsureSodium().ok()) randombytes_buf(p.salt, sizeof p.salt);
  return p;
}

Result<SecretBytes> StretchPassphrase(const SecretBytes& passphrase, const PwhashParams& params) {
  HSDT_RETURN_IF_ERROR(EnsureSodium());
  if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN || params.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      params.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
      params.memlimit > (std::uint64_t{1} << 40)) {
    return Status::InvalidArgument("Argon2id parameters out of range: opslimit " +
                                   std::to_string(params.opslimit) + ", memlimit " +
                                   std::to_string(params.memlimit));
  }
  HSDT_ASSIGN_OR_RETURN(SecretBytes out, SecretBytes::Allocate(kKeyBytes));
  if (crypto_pwhash(out.data(), kKeyBytes, reinterpret_cast<const char*>(passphrase.data()),
                    passphrase.size(), params.salt, params.opslimit,
                    static_cast<std::size_t>(params.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::ResourceExhausted("Argon2id: cannot allocate " +
                                     std::to_string(params.memlimit) + " bytes");
  }
  return out;
}

Result<std::string> HashPassword(std::string_view password, const PwhashParams& params) {
  HSDT_RETURN_IF_ERROR(EnsureSodium());
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.opslimit,
                            static_cast<std::size_t>(params.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::ResourceExhausted("Argon2id: cannot allocate " + std::to_string(params.memlimit) + " bytes");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (!EnsureSodium().ok()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(const std::string& hash, const PwhashParams& params) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), params.opslimit,
                                        static_cast<std::size_t>(params.memlimit)) != 0;
}

void XorKeystream(const std::uint8_t* key, const std::uint8_t* nonce, std::uint64_t offset,
                  std::uint8_t* data, std::size_t n) {
  constexpr std::uint64_t kBlock = 64;
  std::uint64_t block = offset / kBlock;
  const std::size_t skip = static_cast<std::size_t>(offset % kBlock);
  if (skip != 0 && n > 0) {
    // Partial first block: XOR the tail of one keystream block.
    std::uint8_t buf[kBlock] = {};
    const std::size_t take = std::min<std::size_t>(n, kBlock - skip);
    std::memcpy(buf + skip, data, take);
    crypto_stream_xchacha20_xor_ic(buf, buf, kBlock, nonce, block, key);
    std::memcpy(data, buf + skip, take);
    sodium_memzero(buf, sizeof buf);
    data += take;
    n -= take;
    ++block;
  }
  if (n > 0) crypto_stream_xchacha20_xor_ic(data, data, n, nonce, block, key);
}

void Mac(const SecretBytes& key, std::string_view in, std::uint8_t* out) {
  crypto_generichash(out, kMacBytes, U(in), in.size(), key.data(), key.size());
}

namespace {
void GenericHashParts(const std::uint8_t* key, std::size_t key_size, std::initializer_list<std::string_view> parts,
                      std::uint8_t* out) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key, key_size, kMacBytes);
  for (std::string_view p : parts) crypto_generichash_update(&state, U(p), p.size());
  crypto_generichash_final(&state, out, kMacBytes);
  sodium_memzero(&state, sizeof state);
}
}  // namespace

void MacParts(const SecretBytes& key, std::initializer_list<std::string_view> parts, std::uint8_t* out) {
  GenericHashParts(key.data(), key.size(), parts, out);
}

void HashParts(std::initializer_list<std::string_view> parts, std::uint8_t* out) {
  GenericHashParts(nullptr, 0, parts, out);
}

void Checksum(std::string_view in, std::uint8_t* out) {
  crypto_generichash(out, kMacBytes, U(in), in.size(), nullptr, 0);
}

static_assert(sizeof(crypto_generichash_state) <= 384 && alignof(crypto_generichash_state) <= 64);
static_assert(sizeof(crypto_hash_sha256_state) <= 384 && alignof(crypto_hash_sha256_state) <= 64);

StreamHash::StreamHash(Kind kind, const SecretBytes* key) : kind_(kind) {
  if (kind_ == Kind::kSha256) {
    crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
  } else {
    crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_), key->data(),
                            key->size(), kDigestBytes);
  }
}

StreamHash::~StreamHash() { sodium_memzero(state_, sizeof state_); }

void StreamHash::Update(std::string_view bytes) {
  if (kind_ == Kind::kSha256) {
    crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_), U(bytes), bytes.size());
  } else {
    crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_), U(bytes), bytes.size());
  }
}

std::string StreamHash::Final() {
  std::string out(kDigestBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (kind_ == Kind::kSha256) {
    crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), o);
  } else {
    crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_), o, kDigestBytes);
  }
  return out;
}

}  // namespace hsdt::crypto
