// Hooks for tests and benchmarks only: never used by the library or the tools.
#pragma once

#include <rocksdb/file_system.h>

#include <memory>

#include <hsdt/database.h>

namespace hsdt::testing_hooks {

// Database::Open with `base_fs` under the encrypted file layer instead of the local file system
// (fault-injection tests). Database::Open is OpenOn(..., nullptr).
struct Opener {
  static Result<std::unique_ptr<Database>> OpenOn(const std::string& dir, const Key& key,
                                                  const OpenOptions& options,
                                                  std::shared_ptr<rocksdb::FileSystem> base_fs);
};
inline Result<std::unique_ptr<Database>> OpenOn(const std::string& dir, const Key& key,
                                                const OpenOptions& options,
                                                std::shared_ptr<rocksdb::FileSystem> base_fs) {
  return Opener::OpenOn(dir, key, options, std::move(base_fs));
}

// Turns the audit entries of allowed reads off or on (benchmarks measure what auditing costs).
// Refusals and writes are always audited.
void SetAuditReads(Database& db, bool on);

}  // namespace hsdt::testing_hooks
