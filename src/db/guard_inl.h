// db::Guard: no exception leaves the library (Cap'n Proto's keep their text).
#pragma once

#include <capnp/common.h>
#include <kj/exception.h>

#include "base/guard.h"

namespace hsdt::db {

template <typename Fn>
auto Guard(Fn&& fn) noexcept -> decltype(fn()) {
  return base::Guard([&]() -> decltype(fn()) {
    try {
      return fn();
    } catch (const kj::Exception& e) {
      return Status::Internal(std::string("unexpected Cap'n Proto error: ") + e.getDescription().cStr());
    }
  });
}

}  // namespace hsdt::db
