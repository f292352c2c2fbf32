// What hsdt creates outside RocksDB is owner-only whatever the umask, a database the operating
// system refuses is a permission error naming the path, and a creation that fails leaves nothing
// behind (docs/security.md, docs/format.md).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include <hsdt/backup.h>

#include "support/test_util.h"

namespace hsdt {
namespace {

using testing::Ctx;
using testing::SampleWithNationalId;
using testing::TempDir;

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

// Sets the process umask for one scope (tests only: a library never changes it).
class Umask final {
 public:
  explicit Umask(mode_t m) : old_(::umask(m)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST(FileModeTest, BackupAndRestoreDirectoriesAreOwnerOnlyWhateverTheUmask) {
  TempDir dir;
  testing::TestDb t = testing::OpenOrDie(dir.Sub("db"));
  ASSERT_TRUE(t->Create(t.editor, SampleWithNationalId("079199000001"), Ctx("tạo")).ok());
  Umask open_umask(022);
  const std::string backups = dir.Sub("new/nested/backups");
  auto b = t->Backup(t.admin, backups);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(ModeOf(dir.Sub("new")), 0700u);
  EXPECT_EQ(ModeOf(dir.Sub("new/nested")), 0700u);
  EXPECT_EQ(ModeOf(backups), 0700u);
  EXPECT_EQ(ModeOf(backups + "/KEYRING"), 0600u);
  const std::string restored = dir.Sub("restored/db");
  ASSERT_TRUE(RestoreBackup(backups, testing::TestKey(), 0, restored).ok());
  EXPECT_EQ(ModeOf(dir.Sub("restored")), 0700u);
  EXPECT_EQ(ModeOf(restored), 0700u);
}

TEST(FileModeTest, NewDatabaseDirectoryIsOwnerOnlyWhateverTheUmask) {
  TempDir dir;
  Umask open_umask(022);
  const std::string path = dir.Sub("a/b");
  auto db = Database::Open(path, testing::TestKey(), testing::CreateOptions());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(ModeOf(dir.Sub("a")), 0700u);
  EXPECT_EQ(ModeOf(path), 0700u);
}

// ---------------------------------------------------------- permission errors, failed creation

// Opens `dir` in a child process that, when this one is root, runs as nobody (root is never
// refused by file permissions); returns "<code> <message>".
std::string OpenAsAnotherUser(const std::string& dir, bool create) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) _exit(3);
    OpenOptions o = create ? testing::CreateOptions() : testing::ReopenOptions();
    auto db = Database::Open(dir, testing::TestKey(), o);
    const std::string text = std::to_string(static_cast<int>(db.status().code())) + " " +
                             std::string(db.ok() ? "opened" : db.status().message());
    (void)!::write(pipe_fds[1], text.data(), text.size());
    _exit(0);
  }
  ::close(pipe_fds[1]);
  std::string text;
  char buf[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return text;
}

TEST(PermissionTest, DatabaseTheProcessMayNotEnterIsAPermissionErrorNamingThePath) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  { auto db = testing::OpenOrDie(path); }
  // Owner-only, and the child is another user (or, not being root, has lost the permission).
  ASSERT_EQ(::chmod(path.c_str(), ::geteuid() == 0 ? 0700 : 0), 0);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  const std::string keyring = path + "/KEYRING";
  const std::string want = std::to_string(static_cast<int>(StatusCode::kIOError)) + " " + keyring +
                           ": cannot open: permission denied";
  EXPECT_EQ(OpenAsAnotherUser(path, false), want);
  EXPECT_EQ(OpenAsAnotherUser(path, true), want) << "nor is it taken for a place to create one";
  ASSERT_EQ(::chmod(path.c_str(), 0700), 0);
  // A keyring the process may not read, in a directory it may enter.
  ASSERT_EQ(::chmod(path.c_str(), 0755), 0);
  if (::geteuid() != 0) {
    ASSERT_EQ(::chmod(keyring.c_str(), 0), 0);
  }
  EXPECT_EQ(OpenAsAnotherUser(path, false), std::to_string(static_cast<int>(StatusCode::kIOError)) + " " + keyring +
                                                 ": open: permission denied");
  ASSERT_EQ(::chmod(keyring.c_str(), 0600), 0);
  ASSERT_EQ(::chmod(path.c_str(), 0700), 0);
}

TEST(PermissionTest, DatabasePathThatIsAFileIsAnIOErrorNotNoDatabase) {
  TempDir dir;
  const std::string file = dir.Sub("file");
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  for (const std::string& path : {file, file + "/db"}) {
    auto db = Database::Open(path, testing::TestKey(), testing::ReopenOptions());
    EXPECT_EQ(db.status().code(), StatusCode::kIOError) << db.status().ToString();
    EXPECT_NE(db.status().message().find("not a directory"), std::string::npos) << db.status().ToString();
    EXPECT_EQ(db.status().message().rfind(path, 0), 0u) << db.status().ToString();
  }
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) out.insert(e.path().filename().string());
  return out;
}

TEST(CreateDatabaseTest, RefusedAdministratorPasswordLeavesNothingBehind) {
  TempDir dir;
  OpenOptions o = testing::CreateOptions();
  o.first_admin.password = "short";
  const std::string path = dir.Sub("new/db");
  auto db = Database::Open(path, testing::TestKey(), o);
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << db.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("new")));
  // In a directory that exists: it stays, empty.
  ASSERT_TRUE(std::filesystem::create_directory(dir.Sub("empty")));
  db = Database::Open(dir.Sub("empty"), testing::TestKey(), o);
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << db.status().ToString();
  EXPECT_TRUE(Entries(dir.Sub("empty")).empty());
  // Corrected, it works.
  EXPECT_TRUE(Database::Open(dir.Sub("empty"), testing::TestKey(), testing::CreateOptions()).ok());
}

TEST(CreateDatabaseTest, CreationFailingAfterTheKeyringRemovesOnlyWhatItMade) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  ASSERT_TRUE(std::filesystem::create_directory(path));
  // What the user had there: a damaged CURRENT (no KEYRING, so Open creates) and a note.
  for (const char* name : {"CURRENT", "notes.txt"}) {
    std::FILE* f = std::fopen((path + "/" + name).c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("not a manifest name", f);
    std::fclose(f);
  }
  auto db = Database::Open(path, testing::TestKey(), testing::CreateOptions());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(Entries(path), (std::set<std::string>{"CURRENT", "notes.txt"}));
  // A creation refused because a database is there removes nothing.
  const std::string fresh = dir.Sub("fresh");
  OpenOptions o = testing::CreateOptions();
  o.error_if_exists = true;
  ASSERT_TRUE(Database::Open(fresh, testing::TestKey(), o).ok());
  EXPECT_EQ(Database::Open(fresh, testing::TestKey(), o).status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(std::filesystem::exists(fresh + "/KEYRING")) << "an existing database is never removed";
}

}  // namespace
}  // namespace hsdt
