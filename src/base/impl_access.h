// The library's own access to the implementation behind the public classes (Database, Session,
// Key, Dossier, DossierDraft): their constructors from an Impl and their Impl are private, and
// this is the one friend they name. Callers of the public API cannot reach either.
#pragma once

#include <utility>

namespace hsdt::internal {

struct ImplAccess {
  // The implementation of `object` (Database, Key, Dossier, DossierDraft).
  template <typename T>
  static auto& Of(T& object) { return *object.impl_; }
  // The shared implementation pointer of a Session.
  template <typename T>
  static const auto& Pointer(const T& object) { return object.impl_; }
  // A public object made from its implementation.
  template <typename T, typename... Args>
  static T Make(Args&&... args) { return T(std::forward<Args>(args)...); }
};

}  // namespace hsdt::internal
