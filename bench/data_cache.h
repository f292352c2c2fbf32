// Loaded benchmark data kept on disk between runs, so that a filtered run starts in seconds
// instead of loading 100,000 dossiers into every system again.
//
// An entry is named by everything that shapes what was loaded (system, number of dossiers,
// on-disk formats, a digest of the generated people); it holds `data` (the closed database: a
// directory or a file) and `meta` (what the loader needs to know of it, e.g. the ids in order).
// Entries are written beside their name and renamed into place, so a run that dies while saving
// leaves no half entry. HSDT_BENCH_CACHE names the cache directory (default
// /var/tmp/hsdt-bench-cache); HSDT_BENCH_CACHE=off turns the cache off.
#pragma once

#include <optional>
#include <string>

namespace hsdt::bench {

class DataCache {
 public:
  // True unless HSDT_BENCH_CACHE=off.
  static bool Enabled();

  // Copies entry `key`'s data to `dest` (which must not exist) and returns its meta, or nothing
  // when there is no such entry. Files a database never rewrites (RocksDB's *.sst and *.blob) are
  // hard-linked when the cache and `dest` share a file system; everything else is copied.
  static std::optional<std::string> Restore(const std::string& key, const std::string& dest);

  // Saves the closed database at `src` with `meta` as entry `key`; a failure is reported on
  // stderr and leaves the cache as it was (the run goes on without it).
  static void Save(const std::string& key, const std::string& src, const std::string& meta);
};

}  // namespace hsdt::bench
