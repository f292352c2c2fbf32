// Keeps exceptions from crossing the public API: runs a function that returns Status or
// Result<T> and turns anything it throws into a Status (ResourceExhausted for bad_alloc, Internal
// otherwise). Layers that use Cap'n Proto catch kj::Exception themselves first, to keep its text.
#pragma once

#include <exception>
#include <new>
#include <string>

#include <hsdt/status.h>

namespace hsdt::base {

template <typename Fn>
auto Guard(Fn&& fn) noexcept -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return Status::Internal("unexpected exception");
  }
}

}  // namespace hsdt::base
