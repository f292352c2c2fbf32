#include "crypto/secret.h"

#include <sodium.h>

#include <cstring>
#include <mutex>

namespace hsdt::crypto {

Status EnsureSodium() {
  static std::once_flag once;
  static int result = -1;
  std::call_once(once, [] { result = sodium_init(); });
  if (result < 0) return Status::Internal("libsodium: sodium_init failed");
  return Status::Ok();
}

Result<SecretBytes> SecretBytes::Allocate(std::size_t size) {
  HSDT_RETURN_IF_ERROR(EnsureSodium());
  SecretBytes s;
  if (size == 0) return s;
  void* p = sodium_malloc(size);
  if (p == nullptr) return Status::ResourceExhausted("sodium_malloc: cannot allocate guarded memory");
  sodium_memzero(p, size);
  s.data_ = static_cast<std::uint8_t*>(p);
  s.size_ = size;
  return s;
}

Result<SecretBytes> SecretBytes::CopyOf(std::span<const std::uint8_t> bytes) {
  HSDT_ASSIGN_OR_RETURN(SecretBytes s, Allocate(bytes.size()));
  if (!bytes.empty()) std::memcpy(s.data_, bytes.data(), bytes.size());
  return s;
}

Result<SecretBytes> SecretBytes::CopyOf(std::string_view bytes) {
  return CopyOf(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                              bytes.size()));
}

Result<SecretBytes> SecretBytes::Random(std::size_t size) {
  HSDT_ASSIGN_OR_RETURN(SecretBytes s, Allocate(size));
  if (size > 0) randombytes_buf(s.data_, size);
  return s;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

SecretBytes::~SecretBytes() {
  if (data_ != nullptr) sodium_free(data_);  // wipes before freeing
}

bool SecretEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

void Wipe(void* p, std::size_t n) {
  if (p != nullptr && n > 0) sodium_memzero(p, n);
}

void RandomFill(std::span<std::uint8_t> out) {
  if (EnsureSodium().ok() && !out.empty()) randombytes_buf(out.data(), out.size());
}

}  // namespace hsdt::crypto
