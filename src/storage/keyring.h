// The keyring: the file KEYRING in a database directory that holds the random data keys, each
// wrapped (XChaCha20-Poly1305) by the key the host supplies. It holds no personal data; its
// format is in docs/format.md. Changing the passphrase rewrites this one small file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <hsdt/key.h>
#include <hsdt/status.h>

#include "crypto/crypto.h"

namespace hsdt::storage {

inline constexpr char kKeyringFile[] = "KEYRING";

// Changes are made on a Clone(), written to disk, and only then swapped in: a failed change
// leaves both the file and the keyring in memory as they were.
// Threads: not synchronised; the Store guards it.
class Keyring final {
 public:
  // A new keyring with one fresh data key (generation 1), wrapped by `key`. `kdf_cost` is the
  // Argon2id level (0..3) used when `key` is a passphrase.
  static Result<Keyring> Create(const Key& key, int kdf_cost);

  // Parses `bytes` (a KEYRING file) and unwraps every data key with `key`.
  // Returns: the keyring; BadKey if `key` does not unwrap it; Corruption if the file is damaged;
  //          UnsupportedFormat for a newer keyring format.
  static Result<Keyring> Unlock(std::string_view bytes, const Key& key);

  Keyring(Keyring&&) noexcept = default;
  Keyring& operator=(Keyring&&) noexcept = default;

  std::string Serialize() const;

  // A copy, so that a change can be prepared, written and only then swapped in.
  Result<Keyring> Clone() const;

  // Replaces the wrapping key (the data keys stay the same).
  Status Rewrap(const Key& new_key, int kdf_cost);

  // Adds a fresh data key as the re-key target; new writes use it from now on.
  Status BeginRekey(std::int64_t now_micros);
  // Makes the target the current generation; older generations are kept, retired, so that
  // older backups and not-yet-rewritten files stay readable.
  void FinishRekey();

  std::uint32_t current_generation() const { return current_; }
  // The generation being re-keyed to, or 0.
  std::uint32_t target_generation() const { return target_; }
  // What new data is written under: the target during a re-key, else the current generation.
  std::uint32_t write_generation() const { return target_ != 0 ? target_ : current_; }

  // Calls `fn(generation, sub-key)` with the `purpose` sub-key of every generation.
  Status ForEachSubkey(crypto::Purpose purpose,
                       const std::function<Status(std::uint32_t, const crypto::SecretBytes&)>& fn) const;

  // Every generation and its data key.
  const std::map<std::uint32_t, crypto::SecretBytes>& data_keys() const { return data_keys_; }

  // File I/O. Write replaces the file atomically (temp file, fsync, rename, fsync directory).
  static Result<std::string> Read(const std::string& path);
  static Status Write(const std::string& dir, const std::string& bytes);

 private:
  Keyring() = default;
  Status SetWrapKey(const Key& key);

  std::uint8_t kdf_ = 0;  // 0: raw key; 1: Argon2id
  crypto::PwhashParams params_;
  crypto::SecretBytes wrap_key_;
  std::uint32_t current_ = 0;
  std::uint32_t target_ = 0;
  std::map<std::uint32_t, crypto::SecretBytes> data_keys_;
  std::map<std::uint32_t, std::int64_t> created_;
};

}  // namespace hsdt::storage
