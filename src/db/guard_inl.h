// db::Guard: no exception leaves the library (Cap'n Proto's keep their text: schema/guard.h).
#pragma once

#include "base/guard.h"
#include "schema/guard.h"

namespace hsdt::db {

template <typename Fn>
auto Guard(Fn&& fn) noexcept -> decltype(fn()) {
  return base::Guard([&]() -> decltype(fn()) { return schema::CatchCapnp(fn); });
}

}  // namespace hsdt::db
