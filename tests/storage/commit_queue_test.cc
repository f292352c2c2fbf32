// The commit queue (storage/commit_queue.h): every commit is written with its group, the hook
// sees groups one at a time in ticket order, a failed group fails its commits and every later
// one, and nothing a hook refused reaches the store.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/commit_queue.h"
#include "storage/store.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

// A hook that records the order it saw, stores each record under its own key, and can be
// told to fail.
class RecordingHook final : public storage::CommitHook {
 public:
  Status Seal(std::span<storage::QueuedCommit> group, std::vector<storage::BatchOp>* ops) override {
    std::lock_guard lock(mu_);
    EXPECT_FALSE(sealing_) << "two groups sealed at once";
    sealing_ = true;
    if (fail_.load()) {
      sealing_ = false;
      return Status::IOError("hook refused");
    }
    for (auto& c : group) {
      seen_.push_back(c.record);
      ops->push_back({storage::kMetaCf, "q/" + c.record, "1", false});
    }
    return Status::Ok();
  }
  void Sealed(bool written) override {
    std::lock_guard lock(mu_);
    sealing_ = false;
    if (written) ++groups_;
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  int groups() {
    std::lock_guard lock(mu_);
    return groups_;
  }
  std::atomic<bool> fail_{false};

 private:
  std::mutex mu_;
  bool sealing_ = false;
  std::vector<std::string> seen_;
  int groups_ = 0;
};

storage::QueuedCommit CommitOf(const std::string& name) {
  storage::QueuedCommit c;
  c.record = name;
  c.ops.push_back({storage::kMetaCf, "op/" + name, name, false});
  c.sync = true;
  return c;
}

bool Has(storage::Store& store, const std::string& key) {
  std::string v;
  bool found = false;
  EXPECT_TRUE(store.Get(storage::kMetaCf, key, &v, &found).ok());
  return found;
}

class CommitQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StoreOptions options;
    options.create_if_missing = true;
    auto s = storage::Store::Open(dir_.path(), testing::TestKey(), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  RecordingHook hook_;
};

TEST_F(CommitQueueTest, TicketsFollowQueueOrderAndEveryCommitIsWritten) {
  storage::CommitQueue queue(store_.get(), &hook_);
  auto first = queue.Submit(CommitOf("a"), true);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 1u);
  auto unwaited = queue.Submit(CommitOf("b"), false);
  ASSERT_TRUE(unwaited.ok());
  EXPECT_EQ(*unwaited, 0u);  // no ticket for a commit nobody waits for
  auto third = queue.Submit(CommitOf("c"), true);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, 3u);
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(hook_.seen(), (std::vector<std::string>{"a", "b", "c"}));
  for (const char* n : {"a", "b", "c"}) {
    EXPECT_TRUE(Has(*store_, std::string("op/") + n)) << n;  // the commit's own ops
    EXPECT_TRUE(Has(*store_, std::string("q/") + n)) << n;   // what the hook added
  }
}

TEST_F(CommitQueueTest, ConcurrentCommitsAreGroupedAndSealedOneGroupAtATime) {
  storage::CommitQueue queue(store_.get(), &hook_);
  constexpr int kThreads = 4, kEach = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const bool wait = i % 3 == 0;
        if (!queue.Submit(CommitOf(std::to_string(t) + "." + std::to_string(i)), wait).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(failures.load(), 0);
  const auto seen = hook_.seen();
  EXPECT_EQ(seen.size(), std::size_t{kThreads * kEach});
  // Within one thread, commits are sealed in the order they were submitted.
  for (int t = 0; t < kThreads; ++t) {
    int last = -1;
    for (const auto& r : seen) {
      if (r.rfind(std::to_string(t) + ".", 0) != 0) continue;
      const int i = std::stoi(r.substr(r.find('.') + 1));
      EXPECT_GT(i, last);
      last = i;
    }
  }
  EXPECT_LT(hook_.groups(), kThreads * kEach);  // grouped: fewer batches than commits
}

TEST_F(CommitQueueTest, AFailedGroupWritesNothingAndStopsTheQueue) {
  storage::CommitQueue queue(store_.get(), &hook_);
  ASSERT_TRUE(queue.Submit(CommitOf("kept"), true).ok());
  hook_.fail_ = true;
  auto failed = queue.Submit(CommitOf("lost"), true);
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  hook_.fail_ = false;
  // The chain would have a hole: everything after the failure fails too.
  EXPECT_EQ(queue.Submit(CommitOf("after"), true).status().code(), StatusCode::kIOError);
  EXPECT_EQ(queue.Submit(CommitOf("unwaited"), false).status().code(), StatusCode::kIOError);
  EXPECT_EQ(queue.Flush().code(), StatusCode::kIOError);
  EXPECT_TRUE(Has(*store_, "op/kept"));
  EXPECT_FALSE(Has(*store_, "op/lost"));
  EXPECT_FALSE(Has(*store_, "op/after"));
}

TEST_F(CommitQueueTest, StopWritesWhatIsQueuedThenRefuses) {
  auto queue = std::make_unique<storage::CommitQueue>(store_.get(), &hook_);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(queue->Submit(CommitOf("r" + std::to_string(i)), false).ok());
  ASSERT_TRUE(queue->Stop().ok());
  EXPECT_EQ(hook_.seen().size(), 50u);
  EXPECT_TRUE(Has(*store_, "op/r49"));
  EXPECT_EQ(queue->Submit(CommitOf("late"), true).status().code(), StatusCode::kIOError);
  queue.reset();  // a second Stop (the destructor's) is harmless
}

}  // namespace
}  // namespace hsdt
