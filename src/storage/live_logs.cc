#include "storage/live_logs.h"

#include <charconv>
#include <filesystem>

namespace hsdt::storage {
namespace {

constexpr char kHeader[] = "hsdt-live-logs 1\n";

std::string LogName(const std::string& dir, std::uint64_t n) {
  char name[32];
  std::snprintf(name, sizeof name, "/%06llu.log", static_cast<unsigned long long>(n));
  return dir + name;
}

}  // namespace

std::optional<std::uint64_t> LiveLogs::LogNumberOf(const std::string& fname) {
  const auto slash = fname.find_last_of('/');
  const std::string_view base = std::string_view(fname).substr(slash == std::string::npos ? 0 : slash + 1);
  if (base.size() <= 4 || base.substr(base.size() - 4) != ".log") return std::nullopt;
  const std::string_view digits = base.substr(0, base.size() - 4);
  std::uint64_t n = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return std::nullopt;
  return n;
}

Result<std::shared_ptr<LiveLogs>> LiveLogs::Load(std::shared_ptr<rocksdb::FileSystem> fs,
                                                 const std::string& dir) {
  std::shared_ptr<LiveLogs> logs(new LiveLogs(fs, dir));
  const std::string path = dir + "/" + kLiveLogsFile;
  std::string text;
  const rocksdb::IOStatus read = rocksdb::ReadFileToString(fs.get(), path, &text);
  if (read.IsNotFound() || (!read.ok() && !fs->FileExists(path, {}, nullptr).ok())) return logs;
  if (read.IsCorruption()) return Status::Corruption(path + ": " + read.ToString());
  if (!read.ok()) return Status::IOError(path + ": " + read.ToString());
  if (text.rfind(kHeader, 0) != 0) return Status::Corruption(path + ": not a list of live logs");
  std::string_view rest = std::string_view(text).substr(sizeof kHeader - 1);
  for (int line = 2; !rest.empty(); ++line) {
    const auto end = rest.find('\n');
    if (end == std::string_view::npos) return Status::Corruption(path + ": line " + std::to_string(line) + " is cut short");
    std::uint64_t n = 0;
    const auto r = std::from_chars(rest.data(), rest.data() + end, n);
    if (r.ec != std::errc() || r.ptr != rest.data() + end) {
      return Status::Corruption(path + ": line " + std::to_string(line) + " is not a log number");
    }
    logs->logs_.insert(n);
    rest.remove_prefix(end + 1);
  }
  return logs;
}

std::vector<std::string> LiveLogs::Missing() {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (std::uint64_t n : logs_) {
    const std::string name = LogName(dir_, n);
    if (fs_->FileExists(name, {}, nullptr).IsNotFound()) out.push_back(name);
  }
  return out;
}

Status LiveLogs::Reset() {
  std::vector<std::string> children;
  const rocksdb::IOStatus listed = fs_->GetChildren(dir_, {}, &children, nullptr);
  if (!listed.ok()) return Status::IOError(dir_ + ": " + listed.ToString());
  std::set<std::uint64_t> now;
  for (const auto& c : children) {
    if (auto n = LogNumberOf(c)) now.insert(*n);
  }
  std::lock_guard lock(mu_);
  const rocksdb::IOStatus saved = Save(now);
  if (!saved.ok()) return Status::IOError(dir_ + "/" + kLiveLogsFile + ": " + saved.ToString());
  logs_ = std::move(now);
  return Status::Ok();
}

rocksdb::IOStatus LiveLogs::Added(std::uint64_t number) {
  std::lock_guard lock(mu_);
  std::set<std::uint64_t> next = logs_;
  if (!next.insert(number).second) return rocksdb::IOStatus::OK();
  rocksdb::IOStatus s = Save(next);
  if (s.ok()) logs_ = std::move(next);
  return s;
}

rocksdb::IOStatus LiveLogs::Retiring(std::uint64_t number) {
  std::lock_guard lock(mu_);
  std::set<std::uint64_t> next = logs_;
  if (next.erase(number) == 0) return rocksdb::IOStatus::OK();
  rocksdb::IOStatus s = Save(next);
  if (s.ok()) logs_ = std::move(next);
  return s;
}

rocksdb::IOStatus LiveLogs::Save(const std::set<std::uint64_t>& logs) {
  std::string text = kHeader;
  for (std::uint64_t n : logs) text += std::to_string(n) + "\n";
  const std::string path = dir_ + "/" + kLiveLogsFile, tmp = path + ".tmp";
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = fs_->NewWritableFile(tmp, {}, &file, nullptr);
  if (s.ok()) s = file->Append(text, {}, nullptr);
  if (s.ok()) s = file->Sync({}, nullptr);
  if (file != nullptr) {
    rocksdb::IOStatus c = file->Close({}, nullptr);
    if (s.ok()) s = c;
  }
  if (s.ok()) {
    std::error_code ec;  // owner-only like every other file of the database (best effort)
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
    s = fs_->RenameFile(tmp, path, {}, nullptr);
  }
  if (s.ok()) {
    std::unique_ptr<rocksdb::FSDirectory> d;
    s = fs_->NewDirectory(dir_, {}, &d, nullptr);
    if (s.ok()) s = d->FsyncWithDirOptions({}, nullptr, rocksdb::DirFsyncOptions());
  }
  return s;
}

}  // namespace hsdt::storage
