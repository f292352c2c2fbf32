// Internal invariants (KJ_ASSERT-like) and defensive checks (SQLite ALWAYS/NEVER).
#pragma once

#include <cstdio>
#include <cstdlib>

#ifdef NDEBUG
#define HSDT_DCHECK(cond) ((void)0)
// Still evaluated in release builds; traps in debug builds.
#define HSDT_NEVER(cond) (cond)
#else
#define HSDT_DCHECK(cond)                                                             \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: HSDT_DCHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)
#define HSDT_NEVER(cond) ((cond) ? (HSDT_DCHECK(!(cond)), true) : false)
#endif
