#include "support/fault_fs.h"

#include <filesystem>

namespace hsdt::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

class FaultWritable final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritable(std::unique_ptr<rocksdb::FSWritableFile> f, FaultFs* fs, std::string name)
      : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs), name_(std::move(name)) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* d) override {
    IOStatus s = fs_->Tick("append", name_, true);
    if (!s.ok()) return s;
    s = target()->Append(data, o, d);
    if (s.ok()) fs_->Written(name_, size_ += data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo&,
                  IODebugContext* d) override {
    return Append(data, o, d);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            IODebugContext* d) override {
    IOStatus s = fs_->Tick("append", name_, true);
    if (!s.ok()) return s;
    s = target()->PositionedAppend(data, offset, o, d);
    if (s.ok()) fs_->Written(name_, size_ = std::max(size_, offset + data.size()));
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const rocksdb::DataVerificationInfo&, IODebugContext* d) override {
    return PositionedAppend(data, offset, o, d);
  }
  IOStatus Truncate(uint64_t size, const IOOptions& o, IODebugContext* d) override {
    IOStatus s = fs_->Tick("truncate", name_, true);
    if (!s.ok()) return s;
    s = target()->Truncate(size, o, d);
    if (s.ok()) fs_->Written(name_, size_ = size);
    return s;
  }
  IOStatus Flush(const IOOptions& o, IODebugContext* d) override {
    IOStatus s = fs_->Tick("flush", name_, true);
    return s.ok() ? target()->Flush(o, d) : s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* d) override {
    IOStatus s = fs_->Tick("sync", name_, true);
    if (!s.ok()) return s;
    s = target()->Sync(o, d);
    if (s.ok()) fs_->Synced(name_, size_);
    return s;
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* d) override {
    IOStatus s = fs_->Tick("fsync", name_, true);
    if (!s.ok()) return s;
    s = target()->Fsync(o, d);
    if (s.ok()) fs_->Synced(name_, size_);
    return s;
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& o, IODebugContext* d) override {
    IOStatus s = fs_->Tick("range-sync", name_, true);
    return s.ok() ? target()->RangeSync(offset, nbytes, o, d) : s;  // not a durability point
  }
  IOStatus Close(const IOOptions& o, IODebugContext* d) override {
    IOStatus s = fs_->Tick("close", name_, true);
    IOStatus c = target()->Close(o, d);  // the descriptor is released whatever happens
    return s.ok() ? c : s;
  }

 private:
  FaultFs* fs_;
  std::string name_;
  uint64_t size_ = 0;
};

class FaultSequential final : public rocksdb::FSSequentialFileOwnerWrapper {
 public:
  FaultSequential(std::unique_ptr<rocksdb::FSSequentialFile> f, FaultFs* fs, std::string name)
      : FSSequentialFileOwnerWrapper(std::move(f)), fs_(fs), name_(std::move(name)) {}
  IOStatus Read(size_t n, const IOOptions& o, Slice* result, char* scratch, IODebugContext* d) override {
    IOStatus s = fs_->Tick("read", name_, false);
    return s.ok() ? target()->Read(n, o, result, scratch, d) : s;
  }
  IOStatus PositionedRead(uint64_t offset, size_t n, const IOOptions& o, Slice* result,
                          char* scratch, IODebugContext* d) override {
    IOStatus s = fs_->Tick("read", name_, false);
    return s.ok() ? target()->PositionedRead(offset, n, o, result, scratch, d) : s;
  }

 private:
  FaultFs* fs_;
  std::string name_;
};

class FaultRandom final : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  FaultRandom(std::unique_ptr<rocksdb::FSRandomAccessFile> f, FaultFs* fs, std::string name)
      : FSRandomAccessFileOwnerWrapper(std::move(f)), fs_(fs), name_(std::move(name)) {}
  IOStatus Read(uint64_t offset, size_t n, const IOOptions& o, Slice* result, char* scratch,
                IODebugContext* d) const override {
    IOStatus s = fs_->Tick("read", name_, false);
    return s.ok() ? target()->Read(offset, n, o, result, scratch, d) : s;
  }
  IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t num_reqs, const IOOptions& o,
                     IODebugContext* d) override {
    IOStatus s = fs_->Tick("read", name_, false);
    if (!s.ok()) {
      for (size_t i = 0; i < num_reqs; ++i) reqs[i].status = s;
      return s;
    }
    return target()->MultiRead(reqs, num_reqs, o, d);
  }

 private:
  FaultFs* fs_;
  std::string name_;
};

class FaultDirectory final : public rocksdb::FSDirectory {
 public:
  FaultDirectory(std::unique_ptr<rocksdb::FSDirectory> d, FaultFs* fs, std::string name)
      : dir_(std::move(d)), fs_(fs), name_(std::move(name)) {}
  IOStatus Fsync(const IOOptions& o, IODebugContext* d) override {
    IOStatus s = fs_->Tick("dir-sync", name_, true);
    return s.ok() ? dir_->Fsync(o, d) : s;
  }
  IOStatus FsyncWithDirOptions(const IOOptions& o, IODebugContext* d,
                               const rocksdb::DirFsyncOptions& opts) override {
    IOStatus s = fs_->Tick("dir-sync", name_, true);
    return s.ok() ? dir_->FsyncWithDirOptions(o, d, opts) : s;
  }
  IOStatus Close(const IOOptions& o, IODebugContext* d) override { return dir_->Close(o, d); }
  size_t GetUniqueId(char* id, size_t max_size) const override { return dir_->GetUniqueId(id, max_size); }

 private:
  std::unique_ptr<rocksdb::FSDirectory> dir_;
  FaultFs* fs_;
  std::string name_;
};

}  // namespace

FaultFs::FaultFs(std::shared_ptr<rocksdb::FileSystem> base) : FileSystemWrapper(std::move(base)) {}

void FaultFs::FailAt(std::uint64_t k, Fault fault, bool persistent) {
  fault_ = fault;
  persistent_ = persistent;
  injected_ = false;
  calls_ = 0;
  fail_at_ = k;
}

std::string FaultFs::first_fault() const {
  std::lock_guard lock(mu_);
  return first_fault_;
}

void FaultFs::Heal() {
  fail_at_ = 0;
  persistent_ = false;
  dead_ = false;
}

void FaultFs::Kill() { dead_ = true; }

IOStatus FaultFs::Tick(const char* what, const std::string& name, bool write) {
  if (dead_.load()) return IOStatus::IOError(std::string("power lost: ") + what + " " + name);
  // The info LOG is written at almost every step and its failures are dropped by design; counted,
  // it would take most of the fault points. It still fails with everything else when a fault is
  // persistent.
  if (name.size() >= 4 && name.compare(name.size() - 4, 4, "/LOG") == 0) {
    const std::uint64_t at = fail_at_.load();
    if (at != 0 && persistent_.load() && calls_.load() >= at) {
      return fault_.load() == Fault::kNoSpace && write ? IOStatus::NoSpace("injected: " + name)
                                                       : IOStatus::IOError("injected: " + name);
    }
    return IOStatus::OK();
  }
  const std::uint64_t n = ++calls_;
  const std::uint64_t at = fail_at_.load();
  if (at == 0 || n < at || (n > at && !persistent_.load())) return IOStatus::OK();
  const std::string m = std::string("injected fault at call ") + std::to_string(n) + ": " + what + " " + name;
  if (!injected_.exchange(true)) {
    std::lock_guard lock(mu_);
    first_fault_ = std::string(what) + " " + name;
  }
  if (fault_.load() == Fault::kNoSpace && write) return IOStatus::NoSpace(m);
  return IOStatus::IOError(m);
}

void FaultFs::Written(const std::string& name, std::uint64_t size) {
  std::lock_guard lock(mu_);
  files_[name].written = size;
}

void FaultFs::Synced(const std::string& name, std::uint64_t size) {
  std::lock_guard lock(mu_);
  files_[name].synced = size;
}

IOStatus FaultFs::DropUnsynced() {
  std::lock_guard lock(mu_);
  for (const auto& [name, sizes] : files_) {
    std::error_code ec;
    if (!std::filesystem::exists(name, ec)) continue;
    const auto now = std::filesystem::file_size(name, ec);
    if (!ec && now > sizes.synced) std::filesystem::resize_file(name, sizes.synced, ec);
    if (ec) return IOStatus::IOError(name + ": " + ec.message());
  }
  files_.clear();
  Heal();
  return IOStatus::OK();
}

IOStatus FaultFs::NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSSequentialFile>* r, IODebugContext* d) {
  IOStatus s = Tick("open", f, false);
  if (s.ok()) s = target()->NewSequentialFile(f, o, r, d);
  if (s.ok()) *r = std::make_unique<FaultSequential>(std::move(*r), this, f);
  return s;
}

IOStatus FaultFs::NewRandomAccessFile(const std::string& f, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                      IODebugContext* d) {
  IOStatus s = Tick("open", f, false);
  if (s.ok()) s = target()->NewRandomAccessFile(f, o, r, d);
  if (s.ok()) *r = std::make_unique<FaultRandom>(std::move(*r), this, f);
  return s;
}

IOStatus FaultFs::NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                  std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* d) {
  IOStatus s = Tick("create", f, true);
  if (s.ok()) s = target()->NewWritableFile(f, o, r, d);
  if (s.ok()) {
    Written(f, 0);
    Synced(f, 0);
    *r = std::make_unique<FaultWritable>(std::move(*r), this, f);
  }
  return s;
}

IOStatus FaultFs::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions&,
                                     std::unique_ptr<rocksdb::FSWritableFile>*, IODebugContext*) {
  return IOStatus::NotSupported(f + ": reopen is not simulated");
}

IOStatus FaultFs::NewDirectory(const std::string& n, const IOOptions& o,
                               std::unique_ptr<rocksdb::FSDirectory>* r, IODebugContext* d) {
  IOStatus s = Tick("open-dir", n, false);
  if (s.ok()) s = target()->NewDirectory(n, o, r, d);
  if (s.ok()) *r = std::make_unique<FaultDirectory>(std::move(*r), this, n);
  return s;
}

IOStatus FaultFs::RenameFile(const std::string& s, const std::string& t, const IOOptions& o,
                             IODebugContext* d) {
  IOStatus st = Tick("rename", s, true);
  if (!st.ok()) return st;
  st = target()->RenameFile(s, t, o, d);
  if (st.ok()) {
    std::lock_guard lock(mu_);
    auto it = files_.find(s);
    if (it != files_.end()) {
      files_[t] = it->second;
      files_.erase(s);
    }
  }
  return st;
}

IOStatus FaultFs::LinkFile(const std::string& s, const std::string& t, const IOOptions& o,
                           IODebugContext* d) {
  IOStatus st = Tick("link", s, true);
  return st.ok() ? target()->LinkFile(s, t, o, d) : st;
}

IOStatus FaultFs::DeleteFile(const std::string& f, const IOOptions& o, IODebugContext* d) {
  IOStatus st = Tick("delete", f, true);
  if (!st.ok()) return st;
  st = target()->DeleteFile(f, o, d);
  if (st.ok()) {
    std::lock_guard lock(mu_);
    files_.erase(f);
  }
  return st;
}

IOStatus FaultFs::CreateDir(const std::string& n, const IOOptions& o, IODebugContext* d) {
  IOStatus st = Tick("mkdir", n, true);
  return st.ok() ? target()->CreateDir(n, o, d) : st;
}

IOStatus FaultFs::CreateDirIfMissing(const std::string& n, const IOOptions& o, IODebugContext* d) {
  IOStatus st = Tick("mkdir", n, true);
  return st.ok() ? target()->CreateDirIfMissing(n, o, d) : st;
}

}  // namespace hsdt::testing
