// Helpers shared by the tests: temporary directories, fixtures, JSON editing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <hsdt/database.h>

namespace hsdt::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
// tests/data/<name>
std::string TestData(std::string_view name);

// A fixed raw key (fast to open) and a second, different one.
Key TestKey();
Key OtherKey();

inline constexpr char kAdminUser[] = "nv.admin";
inline constexpr char kAdminPassword[] = "quản trị hồ sơ Bình Tân 2024";
inline constexpr char kEditorUser[] = "anlac.editor";  // unit_editor of 27460 (the sample's unit)
inline constexpr char kEditorPassword[] = "cán bộ phường An Lạc 2024";

// Options for a new test database: create, minimum Argon2 costs, the first administrator.
OpenOptions CreateOptions();
// Options to reopen one (minimum password cost, so logins do not rehash).
OpenOptions ReopenOptions();
ChangeContext Ctx(std::string reason = "test");

// An open database with a district administrator's session and an editor's session of 27460.
struct TestDb {
  std::unique_ptr<Database> db;
  Session admin;
  Session editor;
  Database* operator->() const { return db.get(); }
};

TestDb OpenOrDie(const std::string& dir, const OpenOptions& options = CreateOptions());

// Logs in (aborting the test on failure).
Session LoginOrDie(Database& db, const std::string& user, const std::string& password);
// Creates an account, logs it in and replaces its temporary password: a usable session.
Session AccountOrDie(Database& db, const Session& admin, const std::string& user,
                     const std::string& unit, Role role);

// Returns `json` with the value at `path` ("name.given", "training.0.to") replaced by the JSON
// text `value`, or removed when `value` is empty. Aborts the test on a bad path.
std::string JsonSet(std::string_view json, std::string_view path, std::string_view value);

// The sample dossier with its national ID replaced (each dossier needs its own).
std::string SampleWithNationalId(std::string_view number);

}  // namespace hsdt::testing
