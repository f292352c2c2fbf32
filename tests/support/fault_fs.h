// A fault-injecting FileSystem for tests, placed under hsdt's encrypted file layer
// (testing_hooks::OpenOn): it counts the I/O calls that reach the disk and fails the k-th one,
// once or from then on, with an I/O error or "no space"; and it simulates power loss by
// dropping what was written but not synced.
//
// Threads: safe (RocksDB calls it from its background threads).
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace hsdt::testing {

class FaultFs final : public rocksdb::FileSystemWrapper {
 public:
  enum class Fault { kIoError, kNoSpace };

  explicit FaultFs(std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default());
  const char* Name() const override { return "hsdt.test.FaultFs"; }

  // From now on the `k`-th counted call (1-based, counting from this call) fails with `fault`;
  // with `persistent`, so does every call after it. k == 0 disarms.
  void FailAt(std::uint64_t k, Fault fault, bool persistent);
  // Stops failing (space is back, the disk is replaced).
  void Heal();
  // Calls counted since the last FailAt (or since construction); calls on the info LOG are not
  // counted (they fail only with a persistent fault, once it has struck).
  std::uint64_t calls() const { return calls_.load(); }
  // Whether a fault has been injected since the last FailAt.
  bool injected() const { return injected_.load(); }
  // What the first injected fault hit ("append /dir/000012.log"), for messages.
  std::string first_fault() const;

  // Power loss: every call fails from now on, as if the machine stopped. DropUnsynced() then
  // cuts every file written through this object back to what its last sync made durable. Files
  // are cut, not removed (a file created but never synced comes back empty).
  void Kill();
  // REQUIRES: every handle on the database is gone. Heals the file system.
  rocksdb::IOStatus DropUnsynced();

  // --- FileSystem -------------------------------------------------------------------------
  rocksdb::IOStatus NewSequentialFile(const std::string& f, const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* r,
                                      rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus NewRandomAccessFile(const std::string& f, const rocksdb::FileOptions& o,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* r,
                                        rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus NewDirectory(const std::string& n, const rocksdb::IOOptions& o,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus RenameFile(const std::string& s, const std::string& t,
                               const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus LinkFile(const std::string& s, const std::string& t,
                             const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus CreateDir(const std::string& n, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* d) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& n, const rocksdb::IOOptions& o,
                                       rocksdb::IODebugContext* d) override;

  // Counts one call; a non-OK status when this one is to fail. `write` calls may get kNoSpace.
  rocksdb::IOStatus Tick(const char* what, const std::string& name, bool write);
  // Bookkeeping of written and synced sizes, for DropUnsynced.
  void Written(const std::string& name, std::uint64_t size);
  void Synced(const std::string& name, std::uint64_t size);

 private:
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<std::uint64_t> fail_at_{0};
  std::atomic<bool> persistent_{false};
  std::atomic<bool> injected_{false};
  std::atomic<bool> dead_{false};
  std::atomic<Fault> fault_{Fault::kIoError};

  mutable std::mutex mu_;
  struct Sizes {
    std::uint64_t written = 0;
    std::uint64_t synced = 0;
  };
  std::map<std::string, Sizes> files_;  // files written through this object
  std::string first_fault_;
};

}  // namespace hsdt::testing
