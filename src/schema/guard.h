// Cap'n Proto's exceptions at the edge of the layers above schema, without naming kj there: codecs
// map theirs to Corruption or InvalidArgument where they are thrown; what still escapes is a bug,
// reported as Internal with Cap'n Proto's text kept.
#pragma once

#include <hsdt/status.h>

namespace hsdt::schema {

// Called in a catch block only: the Internal status for the exception being handled if it is
// Cap'n Proto's (kj::Exception); any other exception is thrown on (guard.cc).
Status CapnpExceptionStatus();

// Runs `fn` (returning Status or Result<T>); a kj::Exception it throws becomes Internal.
template <typename Fn>
auto CatchCapnp(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    return CapnpExceptionStatus();
  }
}

}  // namespace hsdt::schema
