#include "base/impl_access.h"
#include "storage/keyring.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/coding.h"
#include "base/files.h"
#include "crypto/key_impl.h"

namespace hsdt::storage {
namespace {

constexpr char kMagic[8] = {'h', 's', 'd', 't', 'K', 'E', 'Y', '1'};
constexpr std::uint32_t kKeyringFormat = 1;
constexpr std::size_t kWrappedBytes = crypto::kKeyBytes + crypto::kSealOverhead;

std::string EntryAd(std::uint32_t gen) {
  std::string ad = "hsdt-keyring";
  base::PutBigEndian32(&ad, kKeyringFormat);
  base::PutBigEndian32(&ad, gen);
  return ad;
}

Status Damaged(const std::string& what) {
  return Status::Corruption("KEYRING: " + what + "; the keyring file is damaged");
}

Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": open: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError(path + ": fsync: " + std::strerror(err));
  return Status::Ok();
}

}  // namespace

Status Keyring::SetWrapKey(const Key& key) {
  const auto& secret = internal::ImplAccess::Of(key).bytes();
  if (key.is_passphrase()) {
    kdf_ = 1;
    HSDT_ASSIGN_OR_RETURN(wrap_key_, crypto::StretchPassphrase(secret, params_));
  } else {
    kdf_ = 0;
    params_ = crypto::PwhashParams{};
    HSDT_ASSIGN_OR_RETURN(wrap_key_, secret.Clone());
  }
  return Status::Ok();
}

Result<Keyring> Keyring::Create(const Key& key, int kdf_cost) {
  HSDT_RETURN_IF_ERROR(crypto::EnsureSodium());
  Keyring k;
  k.params_ = crypto::NewPwhashParams(kdf_cost);
  HSDT_RETURN_IF_ERROR(k.SetWrapKey(key));
  HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes data, crypto::SecretBytes::Random(crypto::kKeyBytes));
  k.data_keys_.emplace(1, std::move(data));
  k.created_[1] = 0;
  k.current_ = 1;
  return k;
}

Result<Keyring> Keyring::Clone() const {
  Keyring k;
  k.kdf_ = kdf_;
  k.params_ = params_;
  HSDT_ASSIGN_OR_RETURN(k.wrap_key_, wrap_key_.Clone());
  k.current_ = current_;
  k.target_ = target_;
  for (const auto& [gen, key] : data_keys_) {
    HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes copy, key.Clone());
    k.data_keys_.emplace(gen, std::move(copy));
  }
  k.created_ = created_;
  return k;
}

Status Keyring::Rewrap(const Key& new_key, int kdf_cost) {
  params_ = crypto::NewPwhashParams(kdf_cost);
  return SetWrapKey(new_key);
}

Status Keyring::BeginRekey(std::int64_t now_micros) {
  if (target_ != 0) return Status::Ok();  // already under way: resume
  const std::uint32_t gen = data_keys_.rbegin()->first + 1;
  HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes data, crypto::SecretBytes::Random(crypto::kKeyBytes));
  data_keys_.emplace(gen, std::move(data));
  created_[gen] = now_micros;
  target_ = gen;
  return Status::Ok();
}

Status Keyring::ForEachSubkey(
    crypto::Purpose purpose,
    const std::function<Status(std::uint32_t, const crypto::SecretBytes&)>& fn) const {
  for (const auto& [gen, data_key] : data_keys_) {
    HSDT_ASSIGN_OR_RETURN(crypto::SecretBytes sub, crypto::DeriveSubkey(data_key, purpose));
    HSDT_RETURN_IF_ERROR(fn(gen, sub));
  }
  return Status::Ok();
}

void Keyring::FinishRekey() {
  if (target_ == 0) return;
  current_ = target_;
  target_ = 0;
}

std::string Keyring::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  base::PutBigEndian32(&out, kKeyringFormat);
  out.push_back(static_cast<char>(kdf_));
  base::PutBigEndian64(&out, params_.opslimit);
  base::PutBigEndian64(&out, params_.memlimit);
  out.append(reinterpret_cast<const char*>(params_.salt), sizeof params_.salt);
  base::PutBigEndian32(&out, current_);
  base::PutBigEndian32(&out, target_);
  base::PutBigEndian32(&out, static_cast<std::uint32_t>(data_keys_.size()));
  for (const auto& [gen, data] : data_keys_) {
    base::PutBigEndian32(&out, gen);
    auto it = created_.find(gen);
    base::PutBigEndian64(&out, static_cast<std::uint64_t>(it == created_.end() ? 0 : it->second));
    std::string wrapped;
    crypto::Seal(wrap_key_,
                 std::string_view(reinterpret_cast<const char*>(data.data()), data.size()),
                 EntryAd(gen), &wrapped);
    out += wrapped;
  }
  std::uint8_t sum[crypto::kMacBytes];
  crypto::Checksum(out, sum);
  out.append(reinterpret_cast<const char*>(sum), sizeof sum);
  return out;
}

Result<Keyring> Keyring::Unlock(std::string_view bytes, const Key& key) {
  HSDT_RETURN_IF_ERROR(crypto::EnsureSodium());
  if (bytes.size() < sizeof kMagic + crypto::kMacBytes) return Damaged("too short");
  std::uint8_t sum[crypto::kMacBytes];
  crypto::Checksum(bytes.substr(0, bytes.size() - crypto::kMacBytes), sum);
  if (std::memcmp(sum, bytes.data() + bytes.size() - crypto::kMacBytes, sizeof sum) != 0) {
    return Damaged("checksum mismatch");
  }
  std::string_view in = bytes.substr(0, bytes.size() - crypto::kMacBytes);
  if (in.substr(0, sizeof kMagic) != std::string_view(kMagic, sizeof kMagic)) {
    return Damaged("bad magic");
  }
  in.remove_prefix(sizeof kMagic);
  Keyring k;
  std::uint32_t format = 0, count = 0;
  if (!base::ConsumeBigEndian32(&in, &format)) return Damaged("truncated");
  if (format > kKeyringFormat) {
    return Status::UnsupportedFormat("KEYRING: format " + std::to_string(format) +
                                     " is newer than this library's " +
                                     std::to_string(kKeyringFormat));
  }
  if (in.empty()) return Damaged("truncated");
  k.kdf_ = static_cast<std::uint8_t>(in[0]);
  in.remove_prefix(1);
  if (!base::ConsumeBigEndian64(&in, &k.params_.opslimit) ||
      !base::ConsumeBigEndian64(&in, &k.params_.memlimit) || in.size() < crypto::kSaltBytes) {
    return Damaged("truncated");
  }
  std::memcpy(k.params_.salt, in.data(), crypto::kSaltBytes);
  in.remove_prefix(crypto::kSaltBytes);
  if (!base::ConsumeBigEndian32(&in, &k.current_) || !base::ConsumeBigEndian32(&in, &k.target_) ||
      !base::ConsumeBigEndian32(&in, &count)) {
    return Damaged("truncated");
  }
  if ((k.kdf_ == 1) != key.is_passphrase()) {
    return Status::BadKey(k.kdf_ == 1 ? "this database is opened with a passphrase, not a raw key"
                                      : "this database is opened with a raw key, not a passphrase");
  }
  HSDT_RETURN_IF_ERROR(k.SetWrapKey(key));
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t gen = 0;
    std::uint64_t created = 0;
    if (!base::ConsumeBigEndian32(&in, &gen) || !base::ConsumeBigEndian64(&in, &created) ||
        in.size() < kWrappedBytes) {
      return Damaged("truncated key entry");
    }
    std::string plain;
    if (!crypto::Open(k.wrap_key_, in.substr(0, kWrappedBytes), EntryAd(gen), &plain)) {
      return Status::BadKey("the key does not open this database (data key " +
                            std::to_string(gen) + " fails to unwrap)");
    }
    auto data = crypto::SecretBytes::CopyOf(plain);
    crypto::Wipe(plain.data(), plain.size());
    if (!data.ok()) return data.status();
    k.data_keys_.emplace(gen, std::move(data).value());
    k.created_[gen] = static_cast<std::int64_t>(created);
    in.remove_prefix(kWrappedBytes);
  }
  if (!in.empty() || k.data_keys_.count(k.current_) == 0 ||
      (k.target_ != 0 && k.data_keys_.count(k.target_) == 0)) {
    return Damaged("inconsistent key entries");
  }
  return k;
}

Result<std::string> Keyring::Read(const std::string& path) {
  // Only a missing file means "not a database": a keyring we may not read is a permission error.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": no keyring (not an hsdt database)");
    return base::FileError(path, "open", err);
  }
  std::string bytes;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return base::FileError(path, "read", err);
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

Status Keyring::Write(const std::string& dir, const std::string& bytes) {
  const std::string path = dir + "/" + kKeyringFile;
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError(tmp + ": open: " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return Status::IOError(tmp + ": write: " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::IOError(tmp + ": fsync: " + std::strerror(err));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IOError(path + ": rename: " + std::strerror(errno));
  }
  return SyncPath(dir, true);
}

}  // namespace hsdt::storage
