// The inside of hsdt::Key: the secret bytes in guarded memory.
#pragma once

#include <hsdt/key.h>

#include "crypto/secret.h"

namespace hsdt {

class Key::Impl final {
 public:
  Impl(bool passphrase, crypto::SecretBytes bytes)
      : passphrase_(passphrase), bytes_(std::move(bytes)) {}
  bool passphrase() const { return passphrase_; }
  const crypto::SecretBytes& bytes() const { return bytes_; }

 private:
  bool passphrase_;
  crypto::SecretBytes bytes_;
};

}  // namespace hsdt
