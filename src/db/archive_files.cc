#include "db/archive_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/coding.h"
#include "base/files.h"

namespace hsdt::db::archive {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 20;

}  // namespace

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
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(path_ + ": missing from the archive");
    return base::FileError(path_, "cannot open", err);
  }
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

Result<schema::ArchiveFile> HashFile(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": missing from the archive");
    return base::FileError(path, "cannot open", err);
  }
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
  std::string ext = "bin";
  if (media_type == "application/pdf") ext = "pdf";
  if (media_type == "image/jpeg") ext = "jpg";
  if (media_type == "image/png") ext = "png";
  if (media_type == "image/tiff") ext = "tif";
  return std::string(kScanDir) + "/" + std::string(sha256_hex) + "." + ext;
}

}  // namespace hsdt::db::archive
