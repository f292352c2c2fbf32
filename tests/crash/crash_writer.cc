// Child process of crash_test: several threads write until the process is killed — creates,
// updates, status changes, hand-overs and import batches, each thread on dossiers of its own —
// and each acknowledged write is appended to the expected-state file as "<id> <version>\n"
// with one write(2) (O_APPEND: lines from threads never interleave), after the call returned.
// Once open and logged in it writes one byte to READY_FD, so the parent can time its kill from
// there (an instrumented build takes far longer to open than the kill delay).
//   crash_writer DB_DIR sync|nosync SEED EXPECTED_FILE READY_FD
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/test_util.h"

namespace {

using hsdt::testing::Ctx;
using hsdt::testing::SampleWithNationalId;

constexpr char kOtherEditor[] = "binhhunghoa.editor";
constexpr char kOtherPassword[] = "mật khẩu riêng của binhhunghoa.editor";

int expected_fd = -1;

void Ack(const std::string& id, std::uint32_t version) {
  const std::string line = id + " " + std::to_string(version) + "\n";
  if (::write(expected_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(6);
}

[[noreturn]] void Die(int code, const hsdt::Status& s) {
  std::fprintf(stderr, "crash_writer: %s\n", s.ToString().c_str());
  std::_Exit(code);
}

std::string OneLine(std::string json) {
  std::erase(json, '\n');
  return json;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) return 2;
  expected_fd = ::open(argv[4], O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (expected_fd < 0) return 2;
  hsdt::OpenOptions o = hsdt::testing::ReopenOptions();
  o.durability = std::string(argv[2]) == "sync" ? hsdt::Durability::kSync : hsdt::Durability::kNoSync;
  o.dictionary_training_records = 0;
  auto opened = hsdt::Database::Open(argv[1], hsdt::testing::TestKey(), o);
  if (!opened.ok()) Die(3, opened.status());
  hsdt::Database& db = **opened;
  auto login = [&](const char* user, const char* password) {
    auto s = db.Login(user, password);
    if (!s.ok()) Die(3, s.status());
    return std::move(s).value();
  };
  const hsdt::Session editor = login(hsdt::testing::kEditorUser, hsdt::testing::kEditorPassword);
  const hsdt::Session other = login(kOtherEditor, kOtherPassword);
  const long seed = std::atol(argv[3]);
  const int ready_fd = std::atoi(argv[5]);
  // The parent may have stopped listening (it kills some writers while they open).
  ::signal(SIGPIPE, SIG_IGN);
  [[maybe_unused]] const ssize_t told = ::write(ready_fd, "r", 1);
  ::close(ready_fd);

  // National IDs: 079 | seed (3) | thread (1) | counter (5), unique across runs and threads.
  auto national_id = [&](int thread, long i) {
    char number[16];
    std::snprintf(number, sizeof number, "079%03ld%d%05ld", seed % 1000, thread, i % 100000);
    return std::string(number);
  };
  auto create = [&](int thread, long i) {
    auto w = db.Create(editor, SampleWithNationalId(national_id(thread, i)), Ctx());
    if (!w.ok()) Die(4, w.status());
    Ack(w->id, w->version);
    return *w;
  };

  std::vector<std::thread> threads;
  // Creates, then updates of one's own dossiers.
  threads.emplace_back([&] {
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::vector<hsdt::WriteResult> mine;
    for (long i = 0;; ++i) {
      if (mine.empty() || rng() % 2 == 0) {
        mine.push_back(create(0, i));
        continue;
      }
      auto& d = mine[rng() % mine.size()];
      auto current = db.Get(editor, d.id);
      if (!current.ok()) Die(5, current.status());
      std::string body = hsdt::testing::JsonSet(current->ToJson().value(), "phone",
                                                "\"0" + std::to_string(100000000 + i) + "\"");
      auto w = db.Update(editor, d.id, d.version, body, Ctx());
      if (!w.ok()) Die(5, w.status());
      d.version = w->version;
      Ack(w->id, w->version);
    }
  });
  // Status changes.
  threads.emplace_back([&] {
    for (long i = 0;; ++i) {
      auto d = create(1, i);
      auto w = db.ChangeStatus(editor, d.id, d.version, "nghiHuu", Ctx("nghỉ hưu"));
      if (!w.ok()) Die(7, w.status());
      Ack(w->id, w->version);
    }
  });
  // Hand-overs to another ward, approved by the managing unit.
  threads.emplace_back([&] {
    for (long i = 0;; ++i) {
      auto d = create(2, i);
      auto request = db.RequestHandOver(other, d.id, hsdt::SourceDocument{"25/CV-UBND", "2024-05-20"},
                                        "điều động");
      if (!request.ok()) Die(8, request.status());
      auto decided = db.DecideHandOver(editor, request->id, true, Ctx("đồng ý"));
      if (!decided.ok()) Die(8, decided.status());
      Ack(d.id, d.version + 1);
    }
  });
  // Import batches of three lines.
  threads.emplace_back([&] {
    for (long i = 0;; i += 3) {
      std::string lines;
      for (long j = 0; j < 3; ++j) lines += OneLine(SampleWithNationalId(national_id(3, i + j))) + "\n";
      auto r = db.Import(editor, lines, hsdt::ImportOptions{}, Ctx("nhập"));
      if (!r.ok()) Die(9, r.status());
      for (const auto& id : r->ids) Ack(id, 1);
    }
  });
  for (auto& t : threads) t.join();
}
