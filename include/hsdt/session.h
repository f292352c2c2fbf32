// Session: a logged-in account. Every call on a Database that reads or changes anything takes
// one; the policy decides each call from the account as it is at that moment, so restricting or
// revoking an account takes effect on its open sessions at once.
//
// A Session is a cheap shared handle: copies refer to the same session, and Logout ends it for
// all of them.
// Ownership: it belongs to the Database that made it; another Database refuses it
// (PermissionDenied, "not a session of this database"). It holds no reference to the Database:
// it may outlive it, but is then refused by every call. It holds no password or key.
// Threads: a Session and its copies may be used from several threads at once, in concurrent
// calls too; its state (last use, ended, must change password) is atomic. user(), unit() and
// role() never change; must_change_password() turns false once ChangePassword succeeds.
// Since: 1.0
#pragma once

#include <memory>
#include <string>

#include <hsdt/policy.h>

namespace hsdt {

namespace internal {
struct ImplAccess;  // the library's own access to the implementation (src/base/impl_access.h)
}  // namespace internal

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

class Session final {
 public:
  // As they were at login (the policy uses the current account, not these).
  const std::string& user() const;
  const std::string& unit() const;
  Role role() const;
  // True until the holder changes the temporary password; only ChangePassword and Logout work.
  bool must_change_password() const;

  class __attribute__((visibility("hidden"))) Impl;  // not exported (docs/abi.md)

 private:
  friend struct internal::ImplAccess;
  explicit Session(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

#pragma GCC visibility pop
}  // namespace hsdt
