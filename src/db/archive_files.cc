#include "db/archive_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "base/coding.h"
#include "base/files.h"
#include "db/internal.h"

namespace hsdt::db::archive {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 20;

}  // namespace

Result<int> OpenRegular(const std::string& path) {
  // Non-blocking, so that a FIFO does not wait for a writer before it is refused.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": missing from the archive");
    if (err == ELOOP) return Status::InvalidArgument(path + ": a symbolic link, not a file of the archive");
    return base::FileError(path, "cannot open", err);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + ": not a regular file");
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    const int err = errno;
    ::close(fd);
    return base::FileError(path, "cannot open", err);
  }
  return fd;
}

std::uint64_t BytesUnder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e;
    if (it->is_regular_file(e)) bytes += it->file_size(e);
  }
  return bytes;
}

ArchiveDir::~ArchiveDir() {
  namespace fs = std::filesystem;
  if (!begun_) return;
  std::error_code ec;
  if (made_) {
    fs::remove_all(dir_, ec);
    return;
  }
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(it->path());
  for (const auto& p : entries) fs::remove_all(p, ec);
}

Status ArchiveDir::Begin(const std::string& dir) {
  namespace fs = std::filesystem;
  dir_ = dir;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("archive_dir: " + dir + " is not a directory");
    if (!fs::is_empty(dir, ec) || ec) return Status::AlreadyExists("archive_dir: " + dir + " is not empty");
  } else {
    made_ = true;
  }
  begun_ = true;  // from here on, what is made is taken away again unless Done
  HSDT_RETURN_IF_ERROR(base::CreatePrivateDirectories(dir));
  return base::CreatePrivateDirectories(dir + "/" + kScanDir);
}

FileWriter::~FileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

Status FileWriter::Create(const std::string& dir, const std::string& name) {
  path_ = dir + "/" + name;
  name_ = name;
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    const int err = errno;
    if (err == EEXIST) return Status::AlreadyExists(path_ + ": exists");
    return base::FileError(path_, "cannot create", err);
  }
  // 0600 whatever the umask (which a library must not change).
  if (::fchmod(fd_, 0600) != 0) return base::FileError(path_, "cannot set the mode of", errno);
  sha_ = std::make_unique<crypto::StreamHash>(crypto::StreamHash::Kind::kSha256, nullptr);
  buffer_.reserve(kBufferBytes);
  return Status::Ok();
}

Status FileWriter::Drain() {
  std::size_t at = 0;
  while (at < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + at, buffer_.size() - at);
    if (n < 0) {
      if (errno == EINTR) continue;
      return base::FileError(path_, "cannot write", errno);
    }
    at += static_cast<std::size_t>(n);
  }
  buffer_.clear();
  return Status::Ok();
}

Status FileWriter::Write(std::string_view bytes) {
  if (fd_ < 0) return Status::Internal(path_ + ": not open");
  sha_->Update(bytes);
  bytes_ += bytes.size();
  buffer_.append(bytes);
  return buffer_.size() >= kBufferBytes ? Drain() : Status::Ok();
}

Status FileWriter::Line(std::string_view line) {
  HSDT_RETURN_IF_ERROR(Write(line));
  return Write("\n");
}

Result<schema::ArchiveFile> FileWriter::Finish() {
  if (fd_ < 0) return Status::Internal(path_ + ": not open");
  HSDT_RETURN_IF_ERROR(Drain());
  if (::fsync(fd_) != 0) return base::FileError(path_, "cannot sync", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return base::FileError(path_, "cannot close", errno);
  return schema::ArchiveFile{name_, bytes_, base::HexOf(sha_->Final())};
}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

Status LineReader::Open(const std::string& dir, const std::string& name) {
  path_ = dir + "/" + name;
  name_ = name;
  HSDT_ASSIGN_OR_RETURN(fd_, OpenRegular(path_));
  sha_ = std::make_unique<crypto::StreamHash>(crypto::StreamHash::Kind::kSha256, nullptr);
  return Status::Ok();
}

Result<bool> LineReader::Next(std::string* line) {
  for (;;) {
    const std::size_t nl = buffer_.find('\n', at_);
    if (nl != std::string::npos) {
      line->assign(buffer_, at_, nl - at_);
      at_ = nl + 1;
      ++line_;
      return true;
    }
    if (buffer_.size() - at_ > schema::kMaxArchiveLineBytes) {
      return Status::InvalidArgument(name_ + " line " + std::to_string(line_ + 1) + ": longer than " +
                                     std::to_string(schema::kMaxArchiveLineBytes) + " bytes");
    }
    if (eof_) {
      if (at_ != buffer_.size()) {
        return Status::InvalidArgument(name_ + " line " + std::to_string(line_ + 1) + ": the file does not end with a newline");
      }
      return false;
    }
    buffer_.erase(0, at_);
    at_ = 0;
    const std::size_t old = buffer_.size();
    buffer_.resize(old + kBufferBytes);
    ssize_t n;
    do {
      n = ::read(fd_, buffer_.data() + old, kBufferBytes);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return base::FileError(path_, "cannot read", errno);
    buffer_.resize(old + static_cast<std::size_t>(n));
    sha_->Update(std::string_view(buffer_).substr(old));
    bytes_ += static_cast<std::uint64_t>(n);
    eof_ = n == 0;
  }
}

schema::ArchiveFile LineReader::Read() { return {name_, bytes_, base::HexOf(sha_->Final())}; }

Result<schema::ArchiveFile> HashFile(const std::string& dir, const std::string& name, std::uint64_t max_bytes) {
  const std::string path = dir + "/" + name;
  HSDT_ASSIGN_OR_RETURN(const int fd, OpenRegular(path));
  crypto::StreamHash sha(crypto::StreamHash::Kind::kSha256, nullptr);
  std::string buffer(kBufferBytes, '\0');
  std::uint64_t bytes = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return base::FileError(path, "cannot read", err);
    }
    if (n == 0) break;
    sha.Update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    bytes += static_cast<std::uint64_t>(n);
    if (bytes > max_bytes) break;  // longer than it should be: no need to read the rest
  }
  ::close(fd);
  return schema::ArchiveFile{name, bytes, base::HexOf(sha.Final())};
}

std::string NextChain(std::string_view previous, std::string_view entry_bytes) {
  crypto::StreamHash sha(crypto::StreamHash::Kind::kSha256, nullptr);
  sha.Update(previous);
  sha.Update(entry_bytes);
  return sha.Final();
}

std::string ScanFileName(std::string_view sha256_hex, std::string_view media_type) {
  const ScanType* type = ScanTypeOf(media_type);
  return std::string(kScanDir) + "/" + std::string(sha256_hex) + "." +
         std::string(type != nullptr ? type->extension : "bin");
}

}  // namespace hsdt::db::archive
