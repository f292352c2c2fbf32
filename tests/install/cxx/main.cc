// A tiny host of the installed C++ API: create a database, name an editor, create a dossier and
// read it back.   consumer DB_DIR SAMPLE_JSON
#include <hsdt/database.h>
#include <hsdt/version.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {
int Fail(const char* what, const hsdt::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: consumer DB_DIR SAMPLE_JSON\n");
    return 2;
  }
  std::stringstream sample;
  sample << std::ifstream(argv[2]).rdbuf();

  auto key = hsdt::Key::Passphrase("khóa của máy chủ quận");
  if (!key.ok()) return Fail("key", key.status());
  hsdt::OpenOptions options;
  options.create_if_missing = true;
  options.kdf_cost = hsdt::KdfCost::kMinimum;
  options.password_cost = hsdt::KdfCost::kMinimum;
  options.first_admin = {"nv.admin", "Quản trị", "quản trị hồ sơ Bình Tân 2024"};
  auto db = hsdt::Database::Open(argv[1], *key, options);
  if (!db.ok()) return Fail("open", db.status());

  auto admin = (*db)->Login("nv.admin", "quản trị hồ sơ Bình Tân 2024");
  if (!admin.ok()) return Fail("login", admin.status());
  hsdt::AccountSpec editor_spec;
  editor_spec.user_name = "anlac.editor";
  editor_spec.display_name = "Biên tập An Lạc";
  editor_spec.unit = "27460";
  editor_spec.role = hsdt::Role::kUnitEditor;
  editor_spec.password = "mật khẩu tạm thời 2024";
  if (auto a = (*db)->CreateAccount(*admin, editor_spec, {"tuyển dụng", {}}); !a.ok()) return Fail("account", a.status());
  auto editor = (*db)->Login("anlac.editor", "mật khẩu tạm thời 2024");
  if (!editor.ok()) return Fail("login editor", editor.status());
  if (auto s = (*db)->ChangePassword(*editor, "mật khẩu tạm thời 2024", "cán bộ phường An Lạc 2024"); !s.ok())
    return Fail("password", s);

  auto created = (*db)->Create(*editor, sample.str(), {"tạo mới", {"845/QĐ-UBND", "2008-08-20"}});
  if (!created.ok()) return Fail("create", created.status());
  auto dossier = (*db)->Get(*editor, created->id, hsdt::Purpose::kNone);
  if (!dossier.ok()) return Fail("get", dossier.status());
  if (dossier->version() != 1 || dossier->full_name() != "Nguyễn Thị Hồng Nhung") {
    std::fprintf(stderr, "read back %s v%u: unexpected\n", dossier->id().c_str(), dossier->version());
    return 1;
  }
  if (auto s = (*db)->Close(); !s.ok()) return Fail("close", s);
  std::printf("hsdt %s: %s v%u %s\n", hsdt::VersionString(), dossier->id().c_str(), dossier->version(),
              dossier->managing_unit().c_str());
  return 0;
}
