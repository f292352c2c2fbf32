// Cap'n Proto's exceptions at the edge of the layers above schema: the one place there that names
// kj::Exception. Codecs map theirs to Corruption or InvalidArgument where they are thrown; what
// still escapes is a bug, reported as Internal with Cap'n Proto's text kept.
#pragma once

#include <kj/exception.h>

#include <string>

#include <hsdt/status.h>

namespace hsdt::schema {

// Runs `fn` (returning Status or Result<T>); a kj::Exception it throws becomes Internal.
template <typename Fn>
auto CatchCapnp(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const kj::Exception& e) {
    return Status::Internal(std::string("unexpected Cap'n Proto error: ") + e.getDescription().cStr());
  }
}

}  // namespace hsdt::schema
