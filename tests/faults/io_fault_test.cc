// Promise 4 under I/O faults, and promise 3 under power loss. A scripted workload (open, create,
// update, status change, hand-over, import batch, backup, re-key, index repair, close) runs on a
// file system that fails its k-th I/O call (once, from then on, or with "no space"), for k over
// every call of the workload (a stride in CI: HSDT_FAULT_STRIDE; 1 in scripts/faults.sh).
// After each run: the process is alive, every failed call returned a status, the database
// reopens once the fault is gone, Check and VerifyAudit are clean, and every commit the
// workload saw acknowledged is there. Power loss: from call k on everything fails, then what
// was not synced is dropped; the same must hold.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "db/testing.h"
#include "support/fault_fs.h"
#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::FaultFs;

constexpr char kOtherWard[] = "27436";
constexpr char kOtherEditor[] = "binhhunghoa.editor";
constexpr char kOtherPassword[] = "mật khẩu riêng của binhhunghoa.editor";

std::string Line(const std::string& national_id) {
  std::string j = testing::SampleWithNationalId(national_id);
  j.erase(std::remove(j.begin(), j.end(), '\n'), j.end());
  return j;
}

// What the workload saw acknowledged: dossier id -> latest acknowledged version.
using Acked = std::map<std::string, std::uint32_t>;

struct RunResult {
  Acked acked;
  int failed_calls = 0;  // calls that returned an error status
  bool opened = false;
};

// The workload. Each call's status is looked at; none may crash. Stops at the first failure of
// a call whose result the next steps need.
RunResult Workload(const std::string& dir, const std::string& backup_dir,
                   std::shared_ptr<rocksdb::FileSystem> fs) {
  RunResult r;
  auto opened = testing_hooks::OpenOn(dir, testing::TestKey(), testing::ReopenOptions(), fs);
  if (!opened.ok()) {
    ++r.failed_calls;
    return r;
  }
  r.opened = true;
  std::unique_ptr<Database> db = std::move(opened).value();
  auto step = [&](const Status& s) {
    if (!s.ok()) ++r.failed_calls;
    return s.ok();
  };
  [&] {
    auto admin = db->Login(testing::kAdminUser, testing::kAdminPassword);
    if (!step(admin.status())) return;
    auto editor = db->Login(testing::kEditorUser, testing::kEditorPassword);
    if (!step(editor.status())) return;
    auto other = db->Login(kOtherEditor, kOtherPassword);
    if (!step(other.status())) return;

    auto created = db->Create(*editor, Line("079184100001"), Ctx("tạo"));
    if (!step(created.status())) return;
    const std::string id = created->id;
    r.acked[id] = created->version;

    auto json = testing::JsonSet(Line("079184100001"), "name.given", "\"Bình\"");
    auto updated = db->Update(*editor, id, 1, json, Ctx("sửa"));
    if (step(updated.status())) r.acked[id] = updated->version;

    auto status = db->ChangeStatus(*editor, id, r.acked[id], "nghiHuu", Ctx("nghỉ hưu"));
    if (step(status.status())) r.acked[id] = status->version;

    auto request = db->RequestHandOver(*other, id, SourceDocument{"25/CV-UBND", "2024-05-20"}, "điều động");
    if (step(request.status())) {
      auto decided = db->DecideHandOver(*editor, request->id, true, Ctx("đồng ý"));
      if (step(decided.status())) r.acked[id] = r.acked[id] + 1;
    }

    auto imported = db->Import(*editor, Line("079184100002") + "\n" + Line("079184100003") + "\n",
                               ImportOptions{}, Ctx("nhập"));
    if (step(imported.status())) {
      for (const auto& i : imported->ids) r.acked[i] = 1;
    }
    step(db->Backup(*admin, backup_dir).status());
    step(db->Rekey(*admin, 0).status());
    step(db->VerifyIndexes(*admin, true).status());
  }();
  step(db->Close());
  return r;
}

class IoFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The template: a database with its accounts, made once without faults.
    auto t = testing::OpenOrDie(template_.path());
    testing::AccountOrDie(*t.db, t.admin, kOtherEditor, kOtherWard, Role::kUnitEditor);
    ASSERT_TRUE(t.db->Close().ok());
  }

  void Fresh(const std::string& dir) {
    std::filesystem::remove_all(dir);
    std::filesystem::copy(template_.path(), dir, std::filesystem::copy_options::recursive);
  }

  // Reopens without faults and checks everything the promises say.
  void Verify(const std::string& dir, const RunResult& run, const std::string& what) {
    auto db = Database::Open(dir, testing::TestKey(), testing::ReopenOptions());
    ASSERT_TRUE(db.ok()) << what << ": reopen: " << db.status().ToString();
    auto admin = (*db)->Login(testing::kAdminUser, testing::kAdminPassword);
    ASSERT_TRUE(admin.ok()) << what << ": " << admin.status().ToString();
    auto report = (*db)->Check(*admin);
    ASSERT_TRUE(report.ok()) << what << ": check: " << report.status().ToString();
    for (const auto& p : report->problems) ADD_FAILURE() << what << ": check: " << p;
    auto audit = (*db)->VerifyAudit(*admin, nullptr);
    ASSERT_TRUE(audit.ok()) << what << ": " << audit.status().ToString();
    EXPECT_TRUE(audit->ok) << what << ": audit: " << audit->problem;
    for (const auto& [id, version] : run.acked) {
      auto d = (*db)->Get(*admin, id, Purpose::kInspection);
      ASSERT_TRUE(d.ok()) << what << ": acknowledged " << id << " v" << version << ": "
                          << d.status().ToString();
      EXPECT_GE(d->version(), version) << what << ": " << id << " lost acknowledged versions";
    }
    ++verified_;
    acked_checked_ += run.acked.size();
  }

  static std::uint64_t Stride(std::uint64_t calls) {
    if (const char* s = std::getenv("HSDT_FAULT_STRIDE")) return std::max<std::uint64_t>(1, std::strtoull(s, nullptr, 10));
    return std::max<std::uint64_t>(1, calls / 40);  // about 40 points per fault kind in CI
  }

  void Loop(FaultFs::Fault fault, bool persistent, bool power_loss, const char* name) {
    testing::TempDir work;
    const std::string dir = work.Sub("db"), backup = work.Sub("backup");
    // A dry run counts the calls.
    Fresh(dir);
    auto counter = std::make_shared<FaultFs>();
    RunResult dry = Workload(dir, backup, counter);
    ASSERT_EQ(dry.failed_calls, 0) << "the workload fails without faults";
    const std::uint64_t calls = counter->calls();
    ASSERT_GT(calls, 100u);
    const std::uint64_t stride = Stride(calls);
    int injected = 0, absorbed = 0;
    for (std::uint64_t k = 1; k <= calls; k += stride) {
      Fresh(dir);
      std::filesystem::remove_all(backup);
      auto fs = std::make_shared<FaultFs>();
      fs->FailAt(k, fault, persistent);
      RunResult run = Workload(dir, backup, fs);
      if (fs->injected()) {
        ++injected;
        // A fault no caller waits on (deleting an obsolete file, reading back the OPTIONS file
        // RocksDB just wrote, a background compaction's read) can leave every call successful;
        // Verify below still proves that nothing acknowledged was lost.
        if (run.failed_calls == 0) {
          ++absorbed;
          std::printf("[ faults ]   k=%llu absorbed: %s\n", static_cast<unsigned long long>(k),
                      fs->first_fault().c_str());
        }
      }
      if (power_loss) {
        ASSERT_TRUE(fs->DropUnsynced().ok());
      }
      Verify(dir, run, std::string(name) + " k=" + std::to_string(k));
      if (HasFatalFailure()) return;
    }
    std::printf("[ faults ] %s: %llu calls, stride %llu, %d faults injected (%d absorbed), %d reopens "
                "verified, %llu acknowledged dossiers checked\n",
                name, static_cast<unsigned long long>(calls), static_cast<unsigned long long>(stride),
                injected, absorbed, verified_, static_cast<unsigned long long>(acked_checked_));
    EXPECT_GT(injected, 0);
  }

  testing::TempDir template_;
  int verified_ = 0;
  std::uint64_t acked_checked_ = 0;
};

TEST_F(IoFaultTest, OneFailedCall) { Loop(FaultFs::Fault::kIoError, false, false, "io-error once"); }
TEST_F(IoFaultTest, FailingFromThenOn) { Loop(FaultFs::Fault::kIoError, true, false, "io-error persistent"); }
TEST_F(IoFaultTest, DiskFull) { Loop(FaultFs::Fault::kNoSpace, true, false, "no space"); }
TEST_F(IoFaultTest, PowerLoss) { Loop(FaultFs::Fault::kIoError, true, true, "power loss"); }

}  // namespace
}  // namespace hsdt
