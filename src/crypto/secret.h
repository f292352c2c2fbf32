// Secrets in guarded memory, and libsodium initialisation. The only place hsdt calls
// sodium_init/sodium_malloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include <hsdt/status.h>

namespace hsdt::crypto {

// Initialises libsodium once per process. Returns Internal if it cannot be initialised.
Status EnsureSodium();

// Fixed-size bytes in sodium_malloc memory (guard pages, canary), wiped by sodium_free.
// Never copied implicitly; Clone() makes an explicit copy.
// Threads: not synchronised; immutable secrets may be read concurrently.
class SecretBytes final {
 public:
  // Returns guarded, zero-filled memory of `size` bytes, or ResourceExhausted.
  static Result<SecretBytes> Allocate(std::size_t size);
  static Result<SecretBytes> CopyOf(std::span<const std::uint8_t> bytes);
  static Result<SecretBytes> CopyOf(std::string_view bytes);
  // `size` random bytes.
  static Result<SecretBytes> Random(std::size_t size);

  SecretBytes() = default;
  SecretBytes(SecretBytes&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
    other.size_ = 0;
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  Result<SecretBytes> Clone() const { return CopyOf(span()); }

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const std::uint8_t> span() const { return {data_, size_}; }

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// Constant-time equality.
bool SecretEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// Wipes memory that held plaintext or secrets.
void Wipe(void* p, std::size_t n);

// Fills with random bytes.
void RandomFill(std::span<std::uint8_t> out);

}  // namespace hsdt::crypto
