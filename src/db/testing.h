// Hooks for benchmarks only: never used by the library or the tools.
#pragma once

#include <hsdt/database.h>

namespace hsdt::testing_hooks {

// Turns the audit entries of allowed reads off or on (benchmarks measure what auditing costs).
// Refusals and writes are always audited.
void SetAuditReads(Database& db, bool on);

}  // namespace hsdt::testing_hooks
