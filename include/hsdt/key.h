// Key: what opens an hsdt database, either a passphrase or a raw 32-byte key.
//
// The bytes are copied at once into guarded memory (sodium_malloc) that is wiped when the Key is
// destroyed; the caller may wipe its own copy right after the factory returns. A Key is never
// written to disk: it wraps a random data key that is (see docs/format.md, "Keyring").
//
// Threads: a Key is immutable after construction; it may be shared by threads for reading.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include <hsdt/status.h>

namespace hsdt {

namespace internal {
struct ImplAccess;  // the library's own access to the implementation (src/base/impl_access.h)
}  // namespace internal

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

inline constexpr std::size_t kRawKeyBytes = 32;
inline constexpr std::size_t kMaxPassphraseBytes = 1024;

class Key final {
 public:
  // A passphrase, stretched with Argon2id when a database is created or its key changed.
  // Contract:  1 to kMaxPassphraseBytes bytes.
  // Returns:   the Key; InvalidArgument if empty or too long; ResourceExhausted.
  // Ownership: copies `passphrase`. Since: 1.0
  static Result<Key> Passphrase(std::string_view passphrase);

  // A raw key of exactly kRawKeyBytes bytes, used without stretching.
  // Returns:   the Key; InvalidArgument naming the length when it is not 32 bytes.
  // Ownership: copies `bytes`. Since: 1.0
  static Result<Key> Raw(std::span<const std::byte> bytes);

  Key(Key&&) noexcept;
  Key& operator=(Key&&) noexcept;
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  ~Key();

  bool is_passphrase() const;

  class __attribute__((visibility("hidden"))) Impl;  // not exported (docs/abi.md)

 private:
  friend struct internal::ImplAccess;
  explicit Key(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

#pragma GCC visibility pop
}  // namespace hsdt
