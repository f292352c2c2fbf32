#include "storage/encrypted_fs.h"

#include <cstring>
#include <filesystem>
#include <mutex>

#include "base/coding.h"

namespace hsdt::storage {
namespace {

constexpr std::size_t kGenOffset = 8;
constexpr std::size_t kNonceOffset = 12;
constexpr std::size_t kMacOffset = kNonceOffset + crypto::kNonceBytes;  // 36
constexpr std::size_t kMacInputBytes = kMacOffset;                       // magic..nonce

class SodiumStream final : public rocksdb::BlockAccessCipherStream {
 public:
  SodiumStream(std::shared_ptr<const FileKeys::Generation> keys, const char* nonce)
      : keys_(std::move(keys)) {
    std::memcpy(nonce_, nonce, sizeof nonce_);
  }

  size_t BlockSize() override { return 64; }

  rocksdb::Status Encrypt(uint64_t offset, char* data, size_t n) override {
    Xor(offset, data, n);
    return rocksdb::Status::OK();
  }
  rocksdb::Status Decrypt(uint64_t offset, char* data, size_t n) override {
    Xor(offset, data, n);
    return rocksdb::Status::OK();
  }

 protected:
  void AllocateScratch(std::string&) override {}
  rocksdb::Status EncryptBlock(uint64_t block, char* data, char*) override {
    Xor(block * 64, data, 64);
    return rocksdb::Status::OK();
  }
  rocksdb::Status DecryptBlock(uint64_t block, char* data, char*) override {
    Xor(block * 64, data, 64);
    return rocksdb::Status::OK();
  }

 private:
  void Xor(uint64_t offset, char* data, size_t n) {
    crypto::XorKeystream(keys_->stream_key.data(), nonce_, offset,
                         reinterpret_cast<std::uint8_t*>(data), n);
  }

  std::shared_ptr<const FileKeys::Generation> keys_;
  std::uint8_t nonce_[crypto::kNonceBytes];
};

class SodiumProvider final : public rocksdb::EncryptionProvider {
 public:
  explicit SodiumProvider(std::shared_ptr<FileKeys> keys) : keys_(std::move(keys)) {}

  const char* Name() const override { return "hsdt.XChaCha20"; }
  size_t GetPrefixLength() const override { return kFilePrefixBytes; }

  rocksdb::Status CreateNewPrefix(const std::string& fname, char* prefix,
                                  size_t length) const override {
    if (length < kFilePrefixBytes) return rocksdb::Status::InvalidArgument("prefix too short");
    const std::uint32_t gen = keys_->write_generation();
    auto keys = keys_->Find(gen);
    if (keys == nullptr) return rocksdb::Status::Corruption(fname + ": no key for writing");
    std::memset(prefix, 0, length);
    std::memcpy(prefix, kFileMagic, sizeof kFileMagic);
    const std::string g = [&] {
      std::string s;
      base::PutBigEndian32(&s, gen);
      return s;
    }();
    std::memcpy(prefix + kGenOffset, g.data(), 4);
    crypto::RandomFill({reinterpret_cast<std::uint8_t*>(prefix + kNonceOffset), crypto::kNonceBytes});
    crypto::Mac(keys->mac_key, std::string_view(prefix, kMacInputBytes),
                reinterpret_cast<std::uint8_t*>(prefix + kMacOffset));
    return rocksdb::Status::OK();
  }

  rocksdb::Status AddCipher(const std::string&, const char*, size_t, bool) override {
    return rocksdb::Status::NotSupported("hsdt keys are added through FileKeys");
  }

  rocksdb::Status CreateCipherStream(
      const std::string& fname, const rocksdb::EnvOptions&, rocksdb::Slice& prefix,
      std::unique_ptr<rocksdb::BlockAccessCipherStream>* result) override {
    const std::int64_t gen = FileGenerationOf(std::string_view(prefix.data(), prefix.size()));
    if (gen < 0) return rocksdb::Status::Corruption(fname + ": not an hsdt encrypted file");
    auto keys = keys_->Find(static_cast<std::uint32_t>(gen));
    if (keys == nullptr) {
      return rocksdb::Status::Corruption(fname + ": encrypted under key generation " +
                                         std::to_string(gen) + ", which this keyring lacks");
    }
    std::uint8_t mac[crypto::kMacBytes];
    crypto::Mac(keys->mac_key, std::string_view(prefix.data(), kMacInputBytes), mac);
    if (!crypto::SecretEquals({mac, sizeof mac},
                              {reinterpret_cast<const std::uint8_t*>(prefix.data()) + kMacOffset,
                               crypto::kMacBytes})) {
      return rocksdb::Status::Corruption(fname + ": file header fails authentication");
    }
    *result = std::make_unique<SodiumStream>(std::move(keys), prefix.data() + kNonceOffset);
    return rocksdb::Status::OK();
  }

 private:
  std::shared_ptr<FileKeys> keys_;
};

// The top of the stack: refuses the file operations that would reuse keystream, and keeps every
// answer inside what RocksDB's own asserts allow (Debian builds RocksDB with them live, so a
// status RocksDB does not expect aborts the host process):
// - a file shorter than its encryption header is damage: `Corruption` naming the file, where the
//   encrypted layer below would assert (`GetFileSize`) or subtract into a huge size
//   (`GetChildrenFileAttributes`);
// - reading IDENTITY may fail only with an I/O error (`DBImpl::SetupDBId` asserts it), so any
//   other failure there is reported as an I/O error whose message says what was wrong;
// - every file created is owner-only (0600) and every directory 0700, whatever the umask.
class GuardFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  GuardFileSystem(const std::shared_ptr<rocksdb::FileSystem>& encrypted,
                  std::shared_ptr<rocksdb::FileSystem> raw, std::shared_ptr<LiveLogs> live_logs)
      : FileSystemWrapper(encrypted), raw_(std::move(raw)), live_logs_(std::move(live_logs)) {}
  const char* Name() const override { return "hsdt.Guard"; }

  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string&,
                                      const rocksdb::FileOptions&,
                                      std::unique_ptr<rocksdb::FSWritableFile>*,
                                      rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported(fname + ": reusing a file would reuse its keystream");
  }
  rocksdb::IOStatus NewRandomRWFile(const std::string& fname, const rocksdb::FileOptions&,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>*,
                                    rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported(fname + ": in-place rewrites would reuse keystream");
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions&,
                                       std::unique_ptr<rocksdb::FSWritableFile>*,
                                       rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported(fname + ": reopening for writing is not allowed");
  }

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(fname, options, result, dbg);
    if (s.ok()) OwnerOnly(fname, false);
    if (s.ok() && live_logs_ != nullptr) {
      // Listed before RocksDB writes a commit into it.
      if (auto n = LiveLogs::LogNumberOf(fname)) s = live_logs_->Added(*n);
      if (!s.ok()) result->reset();
    }
    return s;
  }
  rocksdb::IOStatus DeleteFile(const std::string& fname, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    if (live_logs_ != nullptr) {
      // Unlisted before it goes: a crash in between leaves an unlisted, retired log.
      if (auto n = LiveLogs::LogNumberOf(fname)) {
        rocksdb::IOStatus s = live_logs_->Retiring(*n);
        if (!s.ok()) return s;
      }
    }
    return target()->DeleteFile(fname, options, dbg);
  }
  rocksdb::IOStatus CreateDir(const std::string& dirname, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->CreateDir(dirname, options, dbg);
    if (s.ok()) OwnerOnly(dirname, true);
    return s;
  }
  rocksdb::IOStatus CreateDirIfMissing(const std::string& dirname, const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->CreateDirIfMissing(dirname, options, dbg);
    if (s.ok()) OwnerOnly(dirname, true);
    return s;
  }

  rocksdb::IOStatus GetFileSize(const std::string& fname, const rocksdb::IOOptions& options,
                                uint64_t* file_size, rocksdb::IODebugContext* dbg) override {
    uint64_t raw = 0;
    rocksdb::IOStatus s = raw_->GetFileSize(fname, options, &raw, dbg);
    if (!s.ok()) return s;
    if (raw != 0 && raw < kFilePrefixBytes) return TooShort(fname, raw);
    return target()->GetFileSize(fname, options, file_size, dbg);
  }

  rocksdb::IOStatus GetChildrenFileAttributes(const std::string& dir,
                                              const rocksdb::IOOptions& options,
                                              std::vector<rocksdb::FileAttributes>* result,
                                              rocksdb::IODebugContext* dbg) override {
    // Sizes from the raw file system, less the header: the encrypted layer subtracts without
    // looking and turns a short file into one of 2^64 bytes.
    rocksdb::IOStatus s = raw_->GetChildrenFileAttributes(dir, options, result, dbg);
    if (!s.ok()) return s;
    for (auto& a : *result) {
      if (a.size_bytes == 0) continue;
      if (a.size_bytes < kFilePrefixBytes) return TooShort(dir + "/" + a.name, a.size_bytes);
      a.size_bytes -= kFilePrefixBytes;
    }
    return s;
  }

  rocksdb::IOStatus NewSequentialFile(const std::string& fname, const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = CheckLength(fname, options.io_options, dbg);
    if (s.ok()) s = target()->NewSequentialFile(fname, options, result, dbg);
    return ForIdentity(fname, std::move(s));
  }
  rocksdb::IOStatus NewRandomAccessFile(const std::string& fname, const rocksdb::FileOptions& options,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                        rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = CheckLength(fname, options.io_options, dbg);
    if (s.ok()) s = target()->NewRandomAccessFile(fname, options, result, dbg);
    return ForIdentity(fname, std::move(s));
  }

 private:
  static rocksdb::IOStatus TooShort(const std::string& fname, uint64_t raw) {
    return rocksdb::IOStatus::Corruption(fname + ": " + std::to_string(raw) +
                                         " bytes, shorter than its " +
                                         std::to_string(kFilePrefixBytes) +
                                         "-byte encryption header");
  }

  rocksdb::IOStatus CheckLength(const std::string& fname, const rocksdb::IOOptions& options,
                                rocksdb::IODebugContext* dbg) {
    uint64_t raw = 0;
    rocksdb::IOStatus s = raw_->GetFileSize(fname, options, &raw, dbg);
    if (s.ok() && raw != 0 && raw < kFilePrefixBytes) return TooShort(fname, raw);
    return rocksdb::IOStatus::OK();  // a missing file is the open's own error to report
  }

  static rocksdb::IOStatus ForIdentity(const std::string& fname, rocksdb::IOStatus s) {
    if (s.ok() || s.IsIOError() || s.IsNotFound()) return s;
    const auto slash = fname.find_last_of('/');
    if (fname.compare(slash == std::string::npos ? 0 : slash + 1, std::string::npos, "IDENTITY") != 0) {
      return s;
    }
    return rocksdb::IOStatus::IOError(s.ToString());
  }

  static void OwnerOnly(const std::string& path, bool dir) {
    std::error_code ec;  // best effort: a file system without modes keeps its own
    std::filesystem::permissions(path,
                                 dir ? std::filesystem::perms::owner_all
                                     : (std::filesystem::perms::owner_read |
                                        std::filesystem::perms::owner_write),
                                 std::filesystem::perm_options::replace, ec);
  }

  std::shared_ptr<rocksdb::FileSystem> raw_;
  std::shared_ptr<LiveLogs> live_logs_;
};

}  // namespace

Status FileKeys::Add(std::uint32_t gen, const crypto::SecretBytes& purpose_key) {
  auto g = std::make_shared<Generation>();
  // Two independent keys from the purpose key: one for the stream, one for the header MAC.
  HSDT_ASSIGN_OR_RETURN(g->stream_key, crypto::DeriveSubkey(purpose_key, crypto::Purpose::kFiles));
  HSDT_ASSIGN_OR_RETURN(g->mac_key, crypto::DeriveSubkey(purpose_key, crypto::Purpose::kMeta));
  std::unique_lock lock(mu_);
  gens_[gen] = std::move(g);
  return Status::Ok();
}

void FileKeys::SetWriteGeneration(std::uint32_t gen) {
  std::unique_lock lock(mu_);
  write_gen_ = gen;
}

std::uint32_t FileKeys::write_generation() const {
  std::shared_lock lock(mu_);
  return write_gen_;
}

std::shared_ptr<const FileKeys::Generation> FileKeys::Find(std::uint32_t gen) const {
  std::shared_lock lock(mu_);
  auto it = gens_.find(gen);
  return it == gens_.end() ? nullptr : it->second;
}

std::shared_ptr<rocksdb::FileSystem> NewEncryptedFileSystem(
    const std::shared_ptr<rocksdb::FileSystem>& base, std::shared_ptr<FileKeys> keys,
    std::shared_ptr<LiveLogs> live_logs) {
  auto encrypted =
      rocksdb::NewEncryptedFS(base, std::make_shared<SodiumProvider>(std::move(keys)));
  return std::make_shared<GuardFileSystem>(encrypted, base, std::move(live_logs));
}

std::int64_t FileGenerationOf(std::string_view prefix) {
  if (prefix.size() < kMacOffset + crypto::kMacBytes) return -1;
  if (std::memcmp(prefix.data(), kFileMagic, sizeof kFileMagic) != 0) return -1;
  return base::GetBigEndian32(prefix.data() + kGenOffset);
}

}  // namespace hsdt::storage
