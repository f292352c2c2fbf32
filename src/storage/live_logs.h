// LIVE-LOGS: the write-ahead logs RocksDB has created and not yet retired, kept beside them so
// that Open tells a log lost from the directory (acknowledged commits gone) from one RocksDB
// deleted because its commits reached table files. RocksDB tracks only closed logs in its
// manifest; the live one, which holds the newest commits after a crash, it does not.
//
// The file is rewritten whole (temporary file, sync, rename, directory sync) when a log is
// created or retired: once per memtable switch, never per commit. It holds log numbers only.
//   "hsdt-live-logs 1\n" then one decimal log number per line.
// Threads: safe.
#pragma once

#include <rocksdb/file_system.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <hsdt/status.h>

namespace hsdt::storage {

inline constexpr char kLiveLogsFile[] = "LIVE-LOGS";

class LiveLogs final {
 public:
  // Reads `dir`/LIVE-LOGS through `fs` (the raw file system); none yet is an empty list.
  static Result<std::shared_ptr<LiveLogs>> Load(std::shared_ptr<rocksdb::FileSystem> fs,
                                                const std::string& dir);

  // The listed logs that are not in the directory.
  std::vector<std::string> Missing();
  // Lists exactly the logs now in the directory (after an accepted loss).
  Status Reset();

  // The number of a log file name ("/db/000012.log" -> 12), if it is one.
  static std::optional<std::uint64_t> LogNumberOf(const std::string& fname);

  rocksdb::IOStatus Added(std::uint64_t number);
  rocksdb::IOStatus Retiring(std::uint64_t number);

 private:
  LiveLogs(std::shared_ptr<rocksdb::FileSystem> fs, std::string dir)
      : fs_(std::move(fs)), dir_(std::move(dir)) {}
  rocksdb::IOStatus Save(const std::set<std::uint64_t>& logs);  // REQUIRES mu_

  std::shared_ptr<rocksdb::FileSystem> fs_;
  std::string dir_;
  std::mutex mu_;
  std::set<std::uint64_t> logs_;
};

}  // namespace hsdt::storage
