#include "storage/info_log.h"

#include <sys/time.h>

#include <cstdio>
#include <ctime>
#include <mutex>

namespace hsdt::storage {
namespace {

class InfoLog final : public rocksdb::Logger {
 public:
  explicit InfoLog(std::unique_ptr<rocksdb::FSWritableFile> file) : file_(std::move(file)) {}
  ~InfoLog() override { (void)InfoLog::CloseImpl(); }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[2048];
    struct timeval now;
    gettimeofday(&now, nullptr);
    struct tm t;
    gmtime_r(&now.tv_sec, &t);
    int n = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06ldZ ",
                          t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min,
                          t.tm_sec, static_cast<long>(now.tv_usec));
    if (n < 0) return;
    va_list copy;
    va_copy(copy, ap);
    const int m = std::vsnprintf(line + n, sizeof line - static_cast<std::size_t>(n), format, copy);
    va_end(copy);
    if (m < 0) return;
    std::size_t len = std::min(sizeof line - 1, static_cast<std::size_t>(n) + static_cast<std::size_t>(m));
    if (len == 0 || line[len - 1] != '\n') {
      if (len == sizeof line - 1) --len;  // truncated: keep room for the newline
      line[len++] = '\n';
    }
    std::lock_guard lock(mu_);
    if (damage_.empty()) {
      const std::string_view text(line, len);
      const auto at = text.find(": dropping ");
      if (at != std::string_view::npos && text.find("Corruption", at) != std::string_view::npos) {
        const auto start = text.find(' ');  // after the time stamp
        damage_.assign(text.substr(start + 1, text.size() - start - 2));
      }
    }
    if (file_ == nullptr) return;
    if (!file_->Append(rocksdb::Slice(line, len), rocksdb::IOOptions(), nullptr).ok() ||
        !file_->Flush(rocksdb::IOOptions(), nullptr).ok()) {
      Drop();
    }
  }

  std::string damage() const {
    std::lock_guard lock(mu_);
    return damage_;
  }

  void Flush() override {
    std::lock_guard lock(mu_);
    if (file_ != nullptr && !file_->Flush(rocksdb::IOOptions(), nullptr).ok()) Drop();
  }

 protected:
  rocksdb::Status CloseImpl() override {
    std::lock_guard lock(mu_);
    if (file_ == nullptr) return rocksdb::Status::OK();
    rocksdb::IOStatus s = file_->Close(rocksdb::IOOptions(), nullptr);
    file_.reset();
    return s;
  }

 private:
  // After a failed write the file is left as it is and never written again.
  void Drop() { file_.reset(); }

  mutable std::mutex mu_;
  std::unique_ptr<rocksdb::FSWritableFile> file_;
  std::string damage_;
};

}  // namespace

std::string FirstLogDamage(const rocksdb::Logger& logger) {
  const auto* log = dynamic_cast<const InfoLog*>(&logger);
  return log == nullptr ? std::string() : log->damage();
}

std::shared_ptr<rocksdb::Logger> NewInfoLog(rocksdb::FileSystem& fs, const std::string& path) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  if (!fs.NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr).ok()) file.reset();
  return std::make_shared<InfoLog>(std::move(file));
}

}  // namespace hsdt::storage
