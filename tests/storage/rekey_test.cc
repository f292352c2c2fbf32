// Re-keying at the storage layer: a re-key whose key installation failed resumes on the next
// call (the keyring already names the new generation) instead of resealing under the old key.
#include <gtest/gtest.h>

#include <atomic>

#include "storage/store.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

TEST(StoreRekeyTest, AFailedKeyInstallationIsRedoneByTheNextCall) {
  testing::TempDir dir;
  storage::StoreOptions options;
  options.create_if_missing = true;
  auto opened = storage::Store::Open(dir.path(), testing::TestKey(), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  storage::Store& store = **opened;
  ASSERT_EQ(store.WriteGeneration(), 1u);
  // A key sink that refuses the new generation once, as a failed allocation of guarded memory
  // would.
  std::atomic<bool> refuse{true};
  auto watch = store.WatchSubkeys(crypto::Purpose::kAudit, [&](std::uint32_t generation, crypto::SecretBytes) {
    if (generation > 1 && refuse.exchange(false)) return Status::IOError("no memory for the key");
    return Status::Ok();
  });
  ASSERT_TRUE(watch.ok());
  auto first = store.Rekey(0, nullptr);
  EXPECT_EQ(first.status().code(), StatusCode::kIOError);
  auto second = store.Rekey(0, nullptr);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->done);
  EXPECT_EQ(second->key_generation, 2u);
  EXPECT_EQ(store.WriteGeneration(), 2u);  // new values are sealed under the new key
  store.UnwatchSubkeys(*watch);
}

}  // namespace
}  // namespace hsdt
