#include <hsdt/key.h>

#include "base/guard.h"
#include "crypto/key_impl.h"

namespace hsdt {

Key::Key(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Key::Key(Key&&) noexcept = default;
Key& Key::operator=(Key&&) noexcept = default;
Key::~Key() = default;

bool Key::is_passphrase() const { return impl_->passphrase(); }

Result<Key> Key::Passphrase(std::string_view passphrase) {
  return base::Guard([&]() -> Result<Key> {
  if (passphrase.empty()) return Status::InvalidArgument("passphrase: empty");
  if (passphrase.size() > kMaxPassphraseBytes) {
    return Status::InvalidArgument("passphrase: " + std::to_string(passphrase.size()) +
                                   " bytes; limit " + std::to_string(kMaxPassphraseBytes));
  }
  HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes bytes, crypto::SecretBytes::CopyOf(passphrase));
  return Key(std::make_unique<Impl>(true, std::move(bytes)));
  });
}

Result<Key> Key::Raw(std::span<const std::byte> raw) {
  return base::Guard([&]() -> Result<Key> {
  if (raw.size() != kRawKeyBytes) {
    return Status::InvalidArgument("raw key: " + std::to_string(raw.size()) + " bytes; expected " +
                                   std::to_string(kRawKeyBytes));
  }
  HSDT_ASSIGN_OR_RETURN(
      crypto::SecretBytes bytes,
      crypto::SecretBytes::CopyOf(std::span<const std::uint8_t>(
          reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size())));
  return Key(std::make_unique<Impl>(false, std::move(bytes)));
  });
}

}  // namespace hsdt
