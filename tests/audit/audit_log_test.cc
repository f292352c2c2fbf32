// The audit chain catches entries altered, deleted, reordered or appended behind the API's back
// (through the raw RocksDB handle); a digest kept outside proves nothing before it was dropped.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <map>
#include <mutex>
#include <thread>

#include "audit/audit_log.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using audit::AuditLog;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StoreOptions o;
    o.create_if_missing = true;
    o.kdf_cost = 0;
    store_ = storage::Store::Open(dir_.path(), testing::TestKey(), o).value();
    log_ = AuditLog::Open(store_.get()).value();
    for (int i = 0; i < 10; ++i) Append("read_dossier", "HS0000000" + std::to_string(i));
    ASSERT_TRUE(log_->Flush().ok());
  }

  void Append(const std::string& action, const std::string& target) {
    AuditRecord e;
    e.actor = "nv.admin";
    e.action = action;
    e.target = target;
    e.allowed = true;
    ASSERT_TRUE(log_->Append(e, {}, true, true).ok());
  }

  rocksdb::DB* raw() { return store_->raw_db(); }
  rocksdb::ColumnFamilyHandle* cf() { return store_->raw_cf(storage::kAuditCf); }
  std::string Get(std::uint64_t seq) {
    std::string v;
    EXPECT_TRUE(raw()->Get({}, cf(), AuditLog::Key(seq), &v).ok());
    return v;
  }
  AuditVerification Verify(const AuditDigest* d = nullptr) { return log_->Verify(d).value(); }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, AnUntouchedChainVerifies) {
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 10u);
  const AuditDigest d = log_->Digest();
  EXPECT_EQ(d.sequence, 10u);
  EXPECT_EQ(d.head_hex.size(), 64u);
  EXPECT_TRUE(Verify(&d).ok);
  auto entries = log_->Read(3, 2).value();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].sequence, 3u);
  EXPECT_EQ(entries[0].target, "HS00000002");
  EXPECT_EQ(entries[1].action, "read_dossier");
}

TEST_F(AuditLogTest, AlteredEntryIsNamed) {
  std::string v = Get(4);
  const auto at = v.find("HS00000003");
  ASSERT_NE(at, std::string::npos);
  v[at + 9] = '9';  // the target now reads HS00000009
  ASSERT_TRUE(raw()->Put({}, cf(), AuditLog::Key(4), v).ok());
  const AuditVerification r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 4u);
}

TEST_F(AuditLogTest, DeletedEntryIsNamed) {
  ASSERT_TRUE(raw()->Delete({}, cf(), AuditLog::Key(6)).ok());
  const AuditVerification r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 6u);
  EXPECT_NE(r.problem.find("missing"), std::string::npos);
}

TEST_F(AuditLogTest, ReorderedEntriesAreNamed) {
  const std::string a = Get(3), b = Get(7);
  ASSERT_TRUE(raw()->Put({}, cf(), AuditLog::Key(3), b).ok());
  ASSERT_TRUE(raw()->Put({}, cf(), AuditLog::Key(7), a).ok());
  const AuditVerification r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 3u);
}

TEST_F(AuditLogTest, ForgedAppendedEntryIsNamed) {
  // A copy of entry 10 re-numbered 11: without the key, its link cannot be right.
  std::string v = Get(10);
  ASSERT_TRUE(raw()->Put({}, cf(), AuditLog::Key(11), v).ok());
  const AuditVerification r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 11u);
}

TEST_F(AuditLogTest, DroppedTailIsCaughtAgainstAnEarlierDigest) {
  const AuditDigest d = log_->Digest();
  ASSERT_TRUE(raw()->Delete({}, cf(), AuditLog::Key(10)).ok());
  ASSERT_TRUE(raw()->Delete({}, cf(), AuditLog::Key(9)).ok());
  EXPECT_TRUE(Verify().ok);  // a shorter chain is still a chain...
  const AuditVerification r = Verify(&d);
  EXPECT_FALSE(r.ok);  // ...but not the one the digest names
  EXPECT_NE(r.problem.find("dropped"), std::string::npos);
}

TEST_F(AuditLogTest, RewrittenHistoryIsCaughtAgainstAnEarlierDigest) {
  const AuditDigest d = log_->Digest();
  // Rebuild a consistent chain with different content through a second, key-holding log is
  // impossible without the key; the closest an attacker gets is replacing the tail.
  ASSERT_TRUE(raw()->Delete({}, cf(), AuditLog::Key(10)).ok());
  log_.reset();
  log_ = AuditLog::Open(store_.get()).value();
  Append("login", "nv.admin");  // a different entry 10, correctly linked by the engine
  ASSERT_TRUE(log_->Flush().ok());
  EXPECT_TRUE(Verify().ok);
  const AuditVerification r = Verify(&d);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 10u);
}

TEST_F(AuditLogTest, ConcurrentAppendsFormOneChainAndSurviveReopen) {
  std::vector<std::thread> threads;
  std::mutex mu;
  std::map<std::uint64_t, AuditRecord> waited;  // sequence returned -> the entry appended
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        AuditRecord e;
        e.actor = "t" + std::to_string(t);
        e.action = "read_dossier";
        e.target = std::to_string(i);
        const bool wait = i % 10 == 0;  // writers wait (and lead groups), readers do not
        auto seq = log_->Append(e, {}, wait, false);
        EXPECT_TRUE(seq.ok());
        if (wait && seq.ok()) {
          std::lock_guard lock(mu);
          EXPECT_TRUE(waited.emplace(*seq, e).second) << "sequence " << *seq << " returned twice";
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(log_->Flush().ok());
  EXPECT_EQ(log_->Digest().sequence, 810u);
  EXPECT_EQ(waited.size(), 80u);
  for (const auto& [seq, e] : waited) {
    auto read = log_->Read(seq, 1);
    ASSERT_TRUE(read.ok());
    ASSERT_EQ(read->size(), 1u);
    EXPECT_EQ((*read)[0].actor + "/" + (*read)[0].target, e.actor + "/" + e.target)
        << "the sequence a waiting caller got names its own entry";
  }
  ASSERT_TRUE(log_->Stop().ok());
  log_.reset();
  log_ = AuditLog::Open(store_.get()).value();
  EXPECT_EQ(log_->Digest().sequence, 810u);
  Append("logout", "t0");
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 811u);
}

}  // namespace
}  // namespace hsdt
