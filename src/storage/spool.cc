// The audit spool of read-only views (store.h, "audit spool"): files the views append frames to,
// through the encrypted file layer, and the primary reads back.
#include <algorithm>
#include <filesystem>

#include "base/coding.h"
#include "base/files.h"
#include "crypto/secret.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace hsdt::storage {

namespace {

constexpr char kSpoolDir[] = "/audit-spool";
constexpr char kSpoolSuffix[] = ".spool";

class FileSpoolWriter final : public Store::SpoolWriter {
 public:
  FileSpoolWriter(std::string name, std::unique_ptr<rocksdb::FSWritableFile> file)
      : name_(std::move(name)), file_(std::move(file)) {}
  ~FileSpoolWriter() override { (void)Finish(); }

  const std::string& name() const override { return name_; }

  void Abandon() override {
    if (file_) (void)file_->Close(rocksdb::IOOptions(), nullptr);
    file_.reset();
  }

  Status Append(std::string_view frame, bool sync) override {
    if (frame.empty()) return Status::Internal("spool: an empty frame ends a file");
    return Write(frame, sync);
  }

  Status Finish() override {
    if (!file_) return Status::Ok();
    Status st = Write({}, true);
    const rocksdb::IOStatus closed = file_->Close(rocksdb::IOOptions(), nullptr);
    file_.reset();
    if (st.ok() && !closed.ok()) st = Status::IOError("spool " + name_ + ": " + closed.ToString());
    return st;
  }

 private:
  Status Write(std::string_view frame, bool sync) {
    if (!file_) return Status::IOError("spool " + name_ + ": closed");
    std::string bytes;
    base::PutBigEndian32(&bytes, static_cast<std::uint32_t>(frame.size()));
    bytes.append(frame);
    rocksdb::IOStatus s = file_->Append(rocksdb::Slice(bytes.data(), bytes.size()), rocksdb::IOOptions(), nullptr);
    if (s.ok()) s = file_->Flush(rocksdb::IOOptions(), nullptr);
    if (s.ok() && sync) s = file_->Sync(rocksdb::IOOptions(), nullptr);
    if (!s.ok()) return Status::IOError("spool " + name_ + ": " + s.ToString());
    return Status::Ok();
  }

  const std::string name_;
  std::unique_ptr<rocksdb::FSWritableFile> file_;
};

}  // namespace

Result<std::unique_ptr<Store::SpoolWriter>> Store::CreateSpool() {
  HSDT_STORE_ENTER();
  const std::string dir = dir_ + kSpoolDir;
  HSDT_RETURN_IF_ERROR(base::CreatePrivateDirectories(dir));
  std::uint8_t random[12];
  crypto::RandomFill(random);
  const std::string name =
      base::HexOf(std::string_view(reinterpret_cast<const char*>(random), sizeof random)) + kSpoolSuffix;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  const rocksdb::IOStatus s = fs_->NewWritableFile(dir + "/" + name, rocksdb::FileOptions(), &file, nullptr);
  if (!s.ok()) return Status::IOError(dir + "/" + name + ": " + s.ToString());
  return std::unique_ptr<SpoolWriter>(new FileSpoolWriter(name, std::move(file)));
}

Status Store::ReadSpools(const std::function<Status(const std::string&, const std::vector<std::string>&, bool)>& visit) {
  HSDT_STORE_ENTER();
  const std::string dir = dir_ + kSpoolDir;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return Status::Ok();
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > sizeof kSpoolSuffix && name.ends_with(kSpoolSuffix)) names.push_back(name);
  }
  if (ec) return base::FileError(dir, "cannot list", ec.value());
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    // A file that cannot be read yet (a view still writing its header, or one that died doing
    // so, or unreadable to this process) is left for a later pass: a view's spool never stops
    // the primary.
    std::unique_ptr<rocksdb::FSSequentialFile> file;
    rocksdb::IOStatus s = fs_->NewSequentialFile(dir + "/" + name, rocksdb::FileOptions(), &file, nullptr);
    if (!s.ok()) continue;
    std::string bytes;
    std::string scratch(1 << 16, '\0');
    bool readable = true;
    for (;;) {
      rocksdb::Slice got;
      s = file->Read(scratch.size(), rocksdb::IOOptions(), &got, scratch.data(), nullptr);
      if (!s.ok()) {
        readable = false;
        break;
      }
      if (got.empty()) break;
      bytes.append(got.data(), got.size());
    }
    if (!readable) continue;
    std::vector<std::string> frames;
    bool finished = false;
    std::string_view in(bytes);
    std::uint32_t n = 0;
    while (!finished && in.size() >= 4) {
      n = base::GetBigEndian32(in.data());
      if (in.size() - 4 < n) break;  // torn: its writer is still at work, or died mid-frame
      if (n == 0) {
        finished = true;
      } else {
        frames.emplace_back(in.substr(4, n));
      }
      in.remove_prefix(4 + std::size_t{n});
    }
    HSDT_RETURN_IF_ERROR(visit(name, frames, finished));
  }
  return Status::Ok();
}

Status Store::RemoveSpool(const std::string& name) {
  HSDT_STORE_ENTER();
  if (name.find('/') != std::string::npos) return Status::InvalidArgument("spool: bad name");
  const std::string path = dir_ + kSpoolDir + "/" + name;
  const rocksdb::IOStatus s = fs_->DeleteFile(path, rocksdb::IOOptions(), nullptr);
  if (!s.ok()) return Status::IOError(path + ": " + s.ToString());
  return Status::Ok();
}

}  // namespace hsdt::storage
