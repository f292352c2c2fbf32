// After a WAL or fsync failure the store turns read-only and says so; it never retries a write
// that would later report success, and what was acknowledged before stays readable.
#include <gtest/gtest.h>
#include <rocksdb/file_system.h>

#include <atomic>

#include "storage/store.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using storage::Store;

class FaultyFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> f, const std::atomic<bool>* fail)
      : FSWritableFileOwnerWrapper(std::move(f)), fail_(fail) {}
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (fail_->load()) return rocksdb::IOStatus::IOError("injected fsync failure");
    return FSWritableFileOwnerWrapper::Sync(o, d);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (fail_->load()) return rocksdb::IOStatus::IOError("injected fsync failure");
    return FSWritableFileOwnerWrapper::Fsync(o, d);
  }

 private:
  const std::atomic<bool>* fail_;
};

class FaultyFs final : public rocksdb::FileSystemWrapper {
 public:
  FaultyFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FaultyFs"; }
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    auto s = FileSystemWrapper::NewWritableFile(f, o, r, d);
    if (s.ok()) *r = std::make_unique<FaultyFile>(std::move(*r), &fail);
    return s;
  }
  std::atomic<bool> fail{false};
};

storage::CommitRequest Request(std::uint64_t id, std::uint32_t expected, std::string_view record) {
  storage::CommitRequest r;
  r.id = id;
  r.expected_version = expected;
  r.record = record;
  r.meta.actor = "tester";
  return r;
}

TEST(FaultTest, FsyncFailureTurnsTheStoreReadOnlyForGood) {
  testing::TempDir dir;
  auto fs = std::make_shared<FaultyFs>();
  storage::StoreOptions o;
  o.create_if_missing = true;
  o.kdf_cost = 0;
  o.base_fs = fs;
  {
    auto store = Store::Open(dir.path(), testing::TestKey(), o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Store& s = **store;
    ASSERT_TRUE(s.Commit(Request(1, 0, "first record....")).ok());
    fs->fail = true;
    auto failed = s.Commit(Request(2, 0, "second record..."));
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
    EXPECT_NE(failed.status().message().find("read-only"), std::string_view::npos);
    fs->fail = false;
    auto after = s.Commit(Request(3, 0, "third record...."));
    EXPECT_EQ(after.status().code(), StatusCode::kIOError);
    EXPECT_NE(after.status().message().find("read-only after an earlier write failure"), std::string_view::npos);
    EXPECT_FALSE(s.failure().empty());
    EXPECT_TRUE(s.Stats()->read_only);
    auto first = s.ReadRecord(1, 0);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(first->bytes.view(), "first record....");
    (void)s.Close();
  }
  o.base_fs = nullptr;
  o.create_if_missing = false;
  auto reopened = Store::Open(dir.path(), testing::TestKey(), o);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->ReadRecord(1, 0)->bytes.view(), "first record....");
  EXPECT_EQ((*reopened)->ReadRecord(3, 0).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE((*reopened)->Commit(Request(4, 0, "fourth record...")).ok());
}

}  // namespace
}  // namespace hsdt
