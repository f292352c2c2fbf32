#include "base/impl_access.h"
#include "support/test_util.h"

#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace hsdt::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/hsdt-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string TestData(std::string_view name) {
  return ReadFile(std::string(HSDT_TEST_DATA_DIR) + "/" + std::string(name));
}

namespace {
Key RawKeyFilled(unsigned char fill) {
  std::byte bytes[kRawKeyBytes];
  for (std::size_t i = 0; i < kRawKeyBytes; ++i) bytes[i] = std::byte(fill + i);
  auto key = Key::Raw(bytes);
  if (!key.ok()) std::abort();
  return std::move(key).value();
}
}  // namespace

Key TestKey() { return RawKeyFilled(7); }
Key OtherKey() { return RawKeyFilled(99); }

OpenOptions ReopenOptions() {
  OpenOptions o;
  o.kdf_cost = KdfCost::kMinimum;
  o.password_cost = KdfCost::kMinimum;
  return o;
}

OpenOptions CreateOptions() {
  OpenOptions o = ReopenOptions();
  o.create_if_missing = true;
  o.first_admin = {kAdminUser, "Quản trị Phòng Nội vụ", kAdminPassword};
  return o;
}

ChangeContext Ctx(std::string reason) {
  ChangeContext c;
  c.reason = std::move(reason);
  c.source = {"1/QĐ-UBND", "2024-01-15"};
  return c;
}

Session LoginOrDie(Database& db, const std::string& user, const std::string& password) {
  auto s = db.Login(user, password);
  if (!s.ok()) {
    ADD_FAILURE() << "login " << user << ": " << s.status().ToString();
    std::abort();
  }
  return std::move(s).value();
}

Session AccountOrDie(Database& db, const Session& admin, const std::string& user,
                     const std::string& unit, Role role) {
  const std::string temporary = "tạm thời " + user + " 2024";
  auto a = db.CreateAccount(admin, AccountSpec{user, user, unit, role, temporary}, Ctx("account"));
  if (!a.ok()) {
    ADD_FAILURE() << "account " << user << ": " << a.status().ToString();
    std::abort();
  }
  Session s = LoginOrDie(db, user, temporary);
  const std::string final_password = "mật khẩu riêng của " + user;
  if (!db.ChangePassword(s, temporary, final_password).ok()) std::abort();
  return s;
}

TestDb OpenOrDie(const std::string& dir, const OpenOptions& options) {
  auto db = Database::Open(dir, TestKey(), options);
  if (!db.ok()) {
    ADD_FAILURE() << "open " << dir << ": " << db.status().ToString();
    std::abort();
  }
  TestDb t{std::move(db).value(), internal::ImplAccess::Make<Session>(nullptr), internal::ImplAccess::Make<Session>(nullptr)};
  t.admin = LoginOrDie(*t.db, kAdminUser, kAdminPassword);
  auto editor = t.db->Login(kEditorUser, kEditorPassword);
  if (editor.ok()) {
    t.editor = std::move(editor).value();
  } else {
    const std::string temporary = "tạm thời biên tập viên 2024";
    auto a = t.db->CreateAccount(t.admin, AccountSpec{kEditorUser, "Biên tập An Lạc", "27460", Role::kUnitEditor, temporary}, Ctx("account"));
    if (!a.ok()) {
      ADD_FAILURE() << "editor: " << a.status().ToString();
      std::abort();
    }
    t.editor = LoginOrDie(*t.db, kEditorUser, temporary);
    if (!t.db->ChangePassword(t.editor, temporary, kEditorPassword).ok()) std::abort();
  }
  return t;
}

std::string JsonSet(std::string_view json, std::string_view path, std::string_view value) {
  capnp::JsonCodec codec;
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::JsonValue>();
  codec.decodeRaw(kj::ArrayPtr<const char>(json.data(), json.size()), root);
  std::vector<std::string> parts;
  std::string part;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  capnp::JsonValue::Builder node = root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (node.isArray()) {
      node = node.getArray()[std::stoul(parts[i])];
      continue;
    }
    bool found = false;
    for (auto f : node.getObject()) {
      if (f.getName() == parts[i].c_str()) {
        node = f.getValue();
        found = true;
        break;
      }
    }
    if (!found) std::abort();
  }
  const std::string& last = parts.back();
  capnp::MallocMessageBuilder value_message;
  auto new_value = value_message.initRoot<capnp::JsonValue>();
  if (!value.empty()) codec.decodeRaw(kj::ArrayPtr<const char>(value.data(), value.size()), new_value);
  if (node.isArray()) {
    node.getArray().setWithCaveats(std::stoul(last), new_value.asReader());
    return codec.encodeRaw(root.asReader()).cStr();
  }
  auto fields = node.getObject();
  // Rebuild the object without (or with a replaced) `last`.
  capnp::MallocMessageBuilder out_message;
  auto out = out_message.initRoot<capnp::JsonValue>();
  std::vector<std::pair<std::string, capnp::JsonValue::Reader>> kept;
  bool replaced = false;
  for (auto f : fields) {
    if (f.getName() == last.c_str()) {
      replaced = true;
      if (!value.empty()) kept.emplace_back(last, new_value.asReader());
    } else {
      kept.emplace_back(f.getName().cStr(), f.getValue());
    }
  }
  if (!replaced && !value.empty()) kept.emplace_back(last, new_value.asReader());
  auto obj = out.initObject(static_cast<unsigned>(kept.size()));
  for (unsigned i = 0; i < kept.size(); ++i) {
    obj[i].setName(kept[i].first);
    obj[i].setValue(kept[i].second);
  }
  node.setObject(obj.asReader());
  return codec.encodeRaw(root.asReader()).cStr();
}

std::string SampleWithNationalId(std::string_view number) {
  return JsonSet(TestData("sample-dossier.json"), "nationalId.number",
                 "\"" + std::string(number) + "\"");
}

}  // namespace hsdt::testing
