// Fuzz target: JSON Lines import (Database::Import) through the public API, on one small database
// created once per process in a temporary directory (a fixed raw key, minimum KDF and password
// costs, commits not fsynced, an editor session of unit 27460). Whatever the bytes, nothing
// crashes, hangs or leaks; the import answers OK with a consistent report (bad lines are in its
// errors, never an Internal status), and every dossier it reports imported can be read back.
// Inputs above 16 KiB (three dossiers) are skipped: each line costs a validation and a commit.
// Built as a replay program over tests/fuzz/corpus/import_jsonl/ (run by CTest), or as a
// libFuzzer binary with HSDT_BUILD_FUZZERS=ON under clang.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/database.h>

namespace {

constexpr std::size_t kMaxInput = 16 << 10;
constexpr char kAdmin[] = "nv.admin";
constexpr char kAdminPassword[] = "quản trị hồ sơ Bình Tân 2024";
constexpr char kEditor[] = "anlac.editor";
constexpr char kEditorTemporary[] = "tạm thời biên tập viên 2024";
constexpr char kEditorPassword[] = "cán bộ phường An Lạc 2024";

[[noreturn]] void Fail(const char* what, const hsdt::Status& s) {
  std::fprintf(stderr, "import_jsonl fuzz: %s: %s\n", what, s.ToString().c_str());
  std::abort();
}

// /dev/shm when there is one: fsyncs cost nothing there.
std::string MakeTempDir() {
  const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/hsdt-fuzz-import-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) std::abort();
  return buf.data();
}

struct Fixture {
  std::string dir;
  std::unique_ptr<hsdt::Database> db;
  std::optional<hsdt::Session> editor;  // set once the fixture is made
};

Fixture* fixture = nullptr;

void RemoveFixture() {
  if (fixture == nullptr) return;
  (void)fixture->db->Close();
  std::error_code ec;
  std::filesystem::remove_all(fixture->dir, ec);
}

Fixture& F() {
  if (fixture != nullptr) return *fixture;
  auto* f = new Fixture();
  f->dir = MakeTempDir();
  std::byte raw[hsdt::kRawKeyBytes];
  for (std::size_t i = 0; i < sizeof raw; ++i) raw[i] = std::byte(7 + i);
  auto key = hsdt::Key::Raw(raw);
  if (!key.ok()) Fail("key", key.status());
  hsdt::OpenOptions o;
  o.create_if_missing = true;
  o.kdf_cost = hsdt::KdfCost::kMinimum;
  o.password_cost = hsdt::KdfCost::kMinimum;
  o.durability = hsdt::Durability::kNoSync;
  o.first_admin = {kAdmin, "Quản trị Phòng Nội vụ", kAdminPassword};
  auto db = hsdt::Database::Open(f->dir + "/db", *key, o);
  if (!db.ok()) Fail("open", db.status());
  f->db = std::move(db).value();
  auto admin = f->db->Login(kAdmin, kAdminPassword);
  if (!admin.ok()) Fail("admin login", admin.status());
  hsdt::ChangeContext ctx;
  ctx.reason = "fuzz";
  auto account = f->db->CreateAccount(
      *admin, hsdt::AccountSpec{kEditor, "Biên tập An Lạc", "27460", hsdt::Role::kUnitEditor, kEditorTemporary}, ctx);
  if (!account.ok()) Fail("editor account", account.status());
  auto editor = f->db->Login(kEditor, kEditorTemporary);
  if (!editor.ok()) Fail("editor login", editor.status());
  if (auto s = f->db->ChangePassword(*editor, kEditorTemporary, kEditorPassword); !s.ok()) Fail("password", s);
  f->editor = *editor;
  fixture = f;
  std::atexit(RemoveFixture);
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  Fixture& f = F();
  hsdt::ImportOptions options;
  options.batch_lines = 1 + size % 3;  // batches of 1 to 3 lines: rejected and committed ones mix
  hsdt::ChangeContext ctx;
  ctx.reason = "nhập từ tệp";
  ctx.source = {"5/QĐ-UBND", "2024-01-05"};
  auto r = f.db->Import(*f.editor, std::string_view(reinterpret_cast<const char*>(data), size), options, ctx);
  if (!r.ok()) {
    std::fprintf(stderr, "import: %s\n", r.status().ToString().c_str());
    __builtin_trap();  // bad lines are reported in the errors; the call itself succeeds
  }
  const std::uint64_t batches = (r->lines + options.batch_lines - 1) / options.batch_lines;
  if (r->imported > r->lines || r->ids.size() != r->imported || r->errors.size() > r->lines ||
      r->batches_committed + r->batches_rejected != batches || (r->errors.empty() != (r->batches_rejected == 0))) {
    __builtin_trap();
  }
  for (const auto& e : r->errors) {
    if (e.line == 0 || e.message.empty()) __builtin_trap();
  }
  for (const std::string& id : r->ids) {
    auto d = f.db->Get(*f.editor, id);
    if (!d.ok()) {
      std::fprintf(stderr, "get %s: %s\n", id.c_str(), d.status().ToString().c_str());
      __builtin_trap();  // an acknowledged import reads back
    }
  }
  return 0;
}
