// A database written by a newer hsdt (a newer format version in the metadata or the keyring) is
// refused at open with UnsupportedFormat, before anything is read or written.
#include <gtest/gtest.h>

#include <cstdio>

#include "base/coding.h"
#include "crypto/crypto.h"
#include "storage/store.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

void WriteFile(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

TEST(FormatTest, NewerMetadataFormatIsRefused) {
  testing::TempDir dir;
  { auto db = testing::OpenOrDie(dir.path()); }
  {
    auto store = storage::Store::Open(dir.path(), testing::TestKey(), storage::StoreOptions{});
    ASSERT_TRUE(store.ok());
    std::string v;
    base::PutBigEndian32(&v, 99);
    ASSERT_TRUE((*store)->raw_db()->Put({}, (*store)->raw_cf(storage::kMetaCf), "format", v).ok());
  }
  auto db = Database::Open(dir.path(), testing::TestKey(), testing::ReopenOptions());
  EXPECT_EQ(db.status().code(), StatusCode::kUnsupportedFormat);
  EXPECT_NE(db.status().message().find("format 99 is newer"), std::string_view::npos) << db.status().ToString();
}

TEST(FormatTest, NewerKeyringFormatIsRefused) {
  testing::TempDir dir;
  { auto db = testing::OpenOrDie(dir.path()); }
  std::string keyring = testing::ReadFile(dir.Sub("KEYRING"));
  keyring.resize(keyring.size() - crypto::kMacBytes);
  keyring[11] = 2;  // format u32 after the 8-byte magic
  std::uint8_t sum[crypto::kMacBytes];
  crypto::Checksum(keyring, sum);
  keyring.append(reinterpret_cast<const char*>(sum), sizeof sum);
  WriteFile(dir.Sub("KEYRING"), keyring);
  auto db = Database::Open(dir.path(), testing::TestKey(), testing::ReopenOptions());
  EXPECT_EQ(db.status().code(), StatusCode::kUnsupportedFormat) << db.status().ToString();
}

TEST(FormatTest, MissingDatabaseIsNotFoundAndExistingOneIsNotRecreated) {
  testing::TempDir dir;
  EXPECT_EQ(Database::Open(dir.Sub("none"), testing::TestKey(), testing::ReopenOptions()).status().code(),
            StatusCode::kNotFound);
  { auto db = testing::OpenOrDie(dir.path()); }
  OpenOptions o = testing::CreateOptions();
  o.error_if_exists = true;
  EXPECT_EQ(Database::Open(dir.path(), testing::TestKey(), o).status().code(), StatusCode::kAlreadyExists);
}

TEST(FormatTest, SecondOpenOfTheSameDirectoryIsBusy) {
  testing::TempDir dir;
  auto first = testing::OpenOrDie(dir.path());
  auto second = Database::Open(dir.path(), testing::TestKey(), testing::ReopenOptions());
  EXPECT_EQ(second.status().code(), StatusCode::kBusy) << second.status().ToString();
}

}  // namespace
}  // namespace hsdt
