// CheckLogTail against logs RocksDB itself wrote (a plain database, no encryption, copied while
// open as a crash leaves it): records of known size, so each damage is aimed at a known byte.
// A torn last record passes; a length damaged to reach past the end is refused whether a whole
// record follows or the damaged record is itself the last; a recycled log's type is refused.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>

#include "storage/log_tail.h"
#include "support/test_util.h"

namespace hsdt::storage {
namespace {

namespace fs = std::filesystem;

constexpr int kRecords = 3;
// One Put per record: WriteBatch header (12) + type (1) + key length (1) + key (2) + value
// length (1) + value (100).
constexpr std::uint64_t kPayload = 12 + 1 + 1 + 2 + 1 + 100;
constexpr std::uint64_t kRecord = 7 + kPayload;

// A log of kRecords records, as a crash leaves it; returns its path.
std::string CrashLog(const std::string& dir, const std::string& image) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(rocksdb::DB::Open(o, dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (int i = 0; i < kRecords; ++i) {
    EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), "k" + std::to_string(i), std::string(100, 'v')).ok());
  }
  fs::create_directories(image);
  std::string log;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log") log = image + "/" + e.path().filename().string();
  }
  EXPECT_FALSE(log.empty());
  fs::copy_file(dir + "/" + fs::path(log).filename().string(), log);
  EXPECT_EQ(fs::file_size(log), kRecords * kRecord) << "the records are the size this test aims at";
  return log;
}

void XorByte(const std::string& path, std::uint64_t at, unsigned char bits) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(static_cast<char>(c ^ static_cast<char>(bits)));
}

Status Check(const std::string& path) { return CheckLogTail(*rocksdb::FileSystem::Default(), path); }

class LogTailTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  const std::string log_ = CrashLog(dir_.Sub("db"), dir_.Sub("image"));
};

TEST_F(LogTailTest, AWholeLogPasses) { EXPECT_TRUE(Check(log_).ok()) << Check(log_).ToString(); }

TEST_F(LogTailTest, ATornLastRecordPasses) {
  for (std::uint64_t cut : {std::uint64_t{1}, std::uint64_t{50}, kRecord - 3}) {
    fs::copy_file(log_, log_ + ".cut", fs::copy_options::overwrite_existing);
    fs::resize_file(log_ + ".cut", kRecords * kRecord - cut);
    EXPECT_TRUE(Check(log_ + ".cut").ok()) << "cut by " << cut << ": " << Check(log_ + ".cut").ToString();
  }
}

TEST_F(LogTailTest, ALengthReachingPastTheEndWithWholeRecordsAfterItIsRefused) {
  XorByte(log_, kRecord + 5, 0x80);  // the second record's length, high byte
  const Status s = Check(log_);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.ToString().find("a whole record follows at byte " + std::to_string(2 * kRecord)), std::string::npos)
      << s.ToString();
}

TEST_F(LogTailTest, TheLastRecordsLengthDamagedIsRefused) {
  XorByte(log_, 2 * kRecord + 5, 0x01);  // the last record's length, high byte: +256
  const Status s = Check(log_);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.ToString().find("checksum holds for the " + std::to_string(kPayload) + " bytes"), std::string::npos)
      << s.ToString();
}

TEST_F(LogTailTest, ARecycledLogsTypeIsRefused) {
  XorByte(log_, kRecord + 6, 0x04);  // full (1) -> recyclable full (5)
  const Status s = Check(log_);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.ToString().find("recycled log"), std::string::npos) << s.ToString();
}

TEST_F(LogTailTest, AChecksumFailureIsLeftToRocksDb) {
  XorByte(log_, kRecord + 7 + 20, 0x01);  // inside the second record's payload
  EXPECT_TRUE(Check(log_).ok()) << "RocksDB's reader reports it (checksum mismatch)";
}

TEST_F(LogTailTest, AMissingLogIsNothingToReplay) { EXPECT_TRUE(Check(log_ + ".gone").ok()); }

}  // namespace
}  // namespace hsdt::storage
