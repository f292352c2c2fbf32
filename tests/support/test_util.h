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
// Options for a new test database: create, minimum Argon2 cost.
OpenOptions CreateOptions();
ChangeContext Ctx(std::string actor = "tester");

std::unique_ptr<Database> OpenOrDie(const std::string& dir, const OpenOptions& options = CreateOptions());

// Returns `json` with the value at `path` ("name.given", "training.0.to") replaced by the JSON
// text `value`, or removed when `value` is empty. Aborts the test on a bad path.
std::string JsonSet(std::string_view json, std::string_view path, std::string_view value);

// The sample dossier with its national ID replaced (each dossier needs its own).
std::string SampleWithNationalId(std::string_view number);

}  // namespace hsdt::testing
