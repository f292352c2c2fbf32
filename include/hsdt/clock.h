// Time source. The database reads time through a Clock, so that tests can inject one (session
// timeouts, lockouts, grant validity).
#pragma once

#include <cstdint>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC. Must be safe to call from any thread.
  virtual std::int64_t NowMicros() const = 0;
};

#pragma GCC visibility pop
}  // namespace hsdt
