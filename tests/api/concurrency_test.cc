// A Database is thread-safe: with 8 threads updating one dossier, exactly one update wins per
// version and none is lost.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::JsonSet;
using testing::TempDir;

constexpr int kThreads = 8;

TEST(ConcurrencyTest, ExactlyOneOfEightUpdatesOfTheSameVersionWins) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  const std::string json = testing::TestData("sample-dossier.json");
  auto w = db->Create(db.editor, json, Ctx());
  ASSERT_TRUE(w.ok());
  constexpr int kRounds = 12;
  std::atomic<int> wins[kRounds] = {};
  std::atomic<int> conflicts{0}, other_errors{0};
  std::barrier sync(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        sync.arrive_and_wait();  // everyone read the same version before anyone writes
        const std::uint32_t expected = static_cast<std::uint32_t>(round + 1);
        sync.arrive_and_wait();
        char phone[32];
        std::snprintf(phone, sizeof phone, "\"09%02d%06d\"", t, round);
        auto r = db->Update(db.editor, w->id, expected, JsonSet(json, "phone", phone), Ctx("t" + std::to_string(t)));
        if (r.ok()) {
          wins[round].fetch_add(1);
        } else if (r.status().code() == StatusCode::kConflict) {
          conflicts.fetch_add(1);
        } else {
          other_errors.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int round = 0; round < kRounds; ++round) EXPECT_EQ(wins[round].load(), 1) << "round " << round;
  EXPECT_EQ(conflicts.load(), kRounds * (kThreads - 1));
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(db->Get(db.editor, w->id)->version(), static_cast<std::uint32_t>(kRounds + 1));
  EXPECT_EQ(db->History(db.editor, w->id)->size(), static_cast<std::size_t>(kRounds + 1));
  EXPECT_TRUE(db->Check(db.admin)->problems.empty());
}

TEST(ConcurrencyTest, RetryingWritersLoseNoUpdate) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  const std::string json = testing::TestData("sample-dossier.json");
  auto w = db->Create(db.editor, json, Ctx());
  ASSERT_TRUE(w.ok());
  constexpr int kPerThread = 15;
  std::mutex mu;
  std::set<std::uint32_t> versions;
  std::set<std::string> phones;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        char phone[32];
        std::snprintf(phone, sizeof phone, "09%02d%06d", t, i);
        for (;;) {
          auto current = db->Get(db.editor, w->id);
          ASSERT_TRUE(current.ok());
          auto r = db->Update(db.editor, w->id, current->version(), JsonSet(json, "phone", std::string("\"") + phone + "\""),
                              Ctx("t" + std::to_string(t)));
          if (r.ok()) {
            std::lock_guard lock(mu);
            EXPECT_TRUE(versions.insert(r->version).second) << "version " << r->version << " won twice";
            phones.insert(phone);
            break;
          }
          ASSERT_EQ(r.status().code(), StatusCode::kConflict) << r.status().ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const std::uint32_t total = kThreads * kPerThread;
  EXPECT_EQ(versions.size(), total);
  EXPECT_EQ(db->Get(db.editor, w->id)->version(), total + 1);
  // Every acknowledged update is one version of the history, with its own phone number.
  std::set<std::string> seen;
  for (std::uint32_t v = 2; v <= total + 1; ++v) {
    auto d = db->GetVersion(db.editor, w->id, v);
    ASSERT_TRUE(d.ok());
    const std::string j = d->ToJson().value();
    const auto at = j.find("\"phone\":\"");
    ASSERT_NE(at, std::string::npos);
    seen.insert(j.substr(at + 9, 10));
  }
  EXPECT_EQ(seen, phones);
}

TEST(ConcurrencyTest, ConcurrentCreatesGetDistinctIds) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  std::mutex mu;
  std::set<std::string> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        char number[32];
        std::snprintf(number, sizeof number, "0790%02d%06d", t, i);
        auto r = db->Create(db.editor, testing::SampleWithNationalId(number), Ctx());
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        std::lock_guard lock(mu);
        ids.insert(r->id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ids.size(), 80u);
  EXPECT_EQ(db->Stats(db.admin)->dossiers, 80u);
  EXPECT_TRUE(db->Check(db.admin)->problems.empty());
}

TEST(ConcurrencyTest, DictionaryTrainingsAtOnceKeepEveryRecordReadable) {
  TempDir dir;
  OpenOptions o = testing::CreateOptions();
  o.dictionary_training_records = 0;  // trained by hand below
  auto db = testing::OpenOrDie(dir.path(), o);
  std::vector<std::string> ids;
  for (int i = 0; i < 60; ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "0791860%05d", i);
    ids.push_back(db->Create(db.editor, testing::SampleWithNationalId(number), Ctx()).value().id);
  }
  std::vector<std::thread> threads;
  std::atomic<int> trained{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      if (db->TrainDictionary(db.admin).ok()) trained.fetch_add(1);
      char number[32];
      std::snprintf(number, sizeof number, "0791861%05d", t);
      EXPECT_TRUE(db->Create(db.editor, testing::SampleWithNationalId(number), Ctx()).ok());
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(trained.load(), 4);
  EXPECT_EQ(db->Stats(db.admin)->dictionary_id, 4u);
  ASSERT_TRUE(db->Close().ok());
  auto reopened = testing::OpenOrDie(dir.path(), testing::ReopenOptions());
  EXPECT_TRUE(reopened->Check(reopened.admin)->problems.empty());
  for (const auto& id : ids) EXPECT_TRUE(reopened->Get(reopened.editor, id).ok()) << id;
}

TEST(ConcurrencyTest, EveryCallAfterCloseFailsWithIOError) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  auto w = db->Create(db.editor, testing::TestData("sample-dossier.json"), Ctx());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(db->Get(db.editor, w->id).ok());  // cached
  ASSERT_TRUE(db->Close().ok());
  EXPECT_TRUE(db->Close().ok());  // twice is fine
  EXPECT_EQ(db->Get(db.editor, w->id).status().code(), StatusCode::kIOError);
  EXPECT_EQ(db->GetAsOf(db.editor, w->id, 0).status().code(), StatusCode::kIOError);
  EXPECT_EQ(db->ListIds(db.admin, "", "", 10).status().code(), StatusCode::kIOError);
  EXPECT_EQ(db->History(db.editor, w->id).status().code(), StatusCode::kIOError);
  EXPECT_EQ(db->Create(db.editor, testing::TestData("sample-dossier.json"), Ctx()).status().code(), StatusCode::kIOError);
  EXPECT_EQ(db->Check(db.admin).status().code(), StatusCode::kIOError);
  EXPECT_EQ(db->Backup(db.admin, dir.Sub("b")).status().code(), StatusCode::kIOError);
  EXPECT_EQ(db->Rekey(db.admin, 0).status().code(), StatusCode::kIOError);
}

TEST(ConcurrencyTest, RekeyDuringWritesLeavesNothingUnderTheOldKey) {
  TempDir dir;
  auto db = testing::OpenOrDie(dir.path());
  std::vector<std::string> ids;
  const std::string json = testing::TestData("sample-dossier.json");
  for (int i = 0; i < 40; ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "0791870%05d", i);
    ids.push_back(db->Create(db.editor, testing::SampleWithNationalId(number), Ctx()).value().id);
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int n = 0; !stop.load(); ++n) {
      const std::string& id = ids[n % ids.size()];
      auto d = db->Get(db.editor, id);
      if (!d.ok()) continue;
      std::string body = testing::JsonSet(d->ToJson().value(), "phone", "\"09" + std::to_string(10000000 + n) + "\"");
      (void)db->Update(db.editor, id, d->version(), body, Ctx());
    }
  });
  RekeyProgress p;
  do {
    auto r = db->Rekey(db.admin, 7);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    p = *r;
  } while (!p.done);
  stop = true;
  writer.join();
  EXPECT_TRUE(db->Check(db.admin)->problems.empty());
  ASSERT_TRUE(db->Close().ok());
  // Everything must open under the new key alone: a second re-key finds nothing left to re-seal
  // from before the first one other than what the second one itself moves.
  auto reopened = testing::OpenOrDie(dir.path(), testing::ReopenOptions());
  EXPECT_EQ(reopened->Stats(reopened.admin)->key_generation, 2u);
  for (const auto& id : ids) ASSERT_TRUE(reopened->History(reopened.editor, id).ok());
}

// Close meeting a re-key, commits and logins from several threads: every call either completes
// or fails with IOError "the database is closed", Close returns, and every acknowledged commit is
// there after reopening. With a lifetime lock taken after the stripe and registry locks by
// commits and before them by the re-key, a writer-preferring rwlock deadlocked here and
// ThreadSanitizer reported the lock-order inversion. No timing: Close starts once every thread
// has finished at least one call.
TEST(ConcurrencyTest, CloseDuringRekeyCommitsAndLoginsEndsEveryCallCleanly) {
  constexpr int kRounds = 4;
  constexpr int kWriters = 3;
  constexpr int kPerWriter = 3;  // dossiers of each writer (no conflicts between writers)
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    TempDir dir;
    std::vector<std::string> ids;
    {
      auto db = testing::OpenOrDie(dir.path());
      for (int i = 0; i < kWriters * kPerWriter; ++i) {
        char number[32];
        std::snprintf(number, sizeof number, "0791880%05d", i);
        ids.push_back(db->Create(db.editor, testing::SampleWithNationalId(number), Ctx()).value().id);
      }
      std::atomic<int> started{0};
      std::mutex mu;
      std::map<std::string, std::uint32_t> acknowledged;  // id -> highest acknowledged version
      std::vector<std::string> unexpected;
      auto note = [&](const Status& s, const char* what) {
        if (s.ok() || s.code() == StatusCode::kIOError) return;
        std::lock_guard lock(mu);
        unexpected.push_back(std::string(what) + ": " + s.ToString());
      };
      std::vector<std::thread> threads;
      for (int t = 0; t < kWriters; ++t) {
        threads.emplace_back([&, t] {
          bool first = true;
          for (int n = 0;; ++n) {
            const std::string& id = ids[t * kPerWriter + n % kPerWriter];
            auto d = db->Get(db.editor, id);
            if (!d.ok()) {
              note(d.status(), "get");
              break;
            }
            const std::string body = testing::JsonSet(d->ToJson().value(), "phone",
                                                      "\"09" + std::to_string(10000000 + n) + "\"");
            auto w = db->Update(db.editor, id, d->version(), body, Ctx());
            if (first) started.fetch_add(1);
            first = false;
            if (!w.ok()) {
              note(w.status(), "update");
              break;
            }
            std::lock_guard lock(mu);
            acknowledged[id] = std::max(acknowledged[id], w->version);
          }
        });
      }
      threads.emplace_back([&] {  // re-keys, a few values a call, one re-key after another
        for (bool first = true;; first = false) {
          auto r = db->Rekey(db.admin, 3);
          if (first) started.fetch_add(1);
          if (!r.ok()) {
            note(r.status(), "rekey");
            break;
          }
        }
      });
      threads.emplace_back([&] {  // logins: the registry lock, then an audited write
        for (bool first = true;; first = false) {
          auto s = db->Login(testing::kEditorUser, testing::kEditorPassword);
          if (first) started.fetch_add(1);
          if (!s.ok()) {
            note(s.status(), "login");
            break;
          }
        }
      });
      const int everyone = static_cast<int>(threads.size());
      while (started.load() < everyone) std::this_thread::yield();
      EXPECT_TRUE(db->Close().ok());
      for (auto& th : threads) th.join();
      EXPECT_TRUE(unexpected.empty()) << unexpected.front();
      EXPECT_EQ(db->Get(db.editor, ids[0]).status().code(), StatusCode::kIOError);
      EXPECT_EQ(db->Rekey(db.admin, 1).status().code(), StatusCode::kIOError);
      // Reopened: every acknowledged version is there and the database is sound.
      auto reopened = testing::OpenOrDie(dir.path(), testing::ReopenOptions());
      for (const auto& [id, version] : acknowledged) {
        auto d = reopened->Get(reopened.editor, id);
        ASSERT_TRUE(d.ok()) << id << ": " << d.status().ToString();
        EXPECT_GE(d->version(), version) << id;
        EXPECT_TRUE(reopened->GetVersion(reopened.editor, id, version).ok()) << id << " v" << version;
      }
      auto check = reopened->Check(reopened.admin);
      ASSERT_TRUE(check.ok()) << check.status().ToString();
      EXPECT_TRUE(check->problems.empty());
    }
  }
}

}  // namespace
}  // namespace hsdt
