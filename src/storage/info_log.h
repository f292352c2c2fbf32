// The info LOG: RocksDB's diagnostic messages, written through the encrypted file system like
// every other file of a database.
//
// RocksDB's own EnvLogger writes again after a failed write, which trips an assert inside
// RocksDB's file writer (a live assert in Debian's build aborts the host: disk full was enough).
// This logger stops at its first failure instead: diagnostics are dropped, never the process.
// Threads: safe.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <cstdarg>
#include <memory>
#include <string>

namespace hsdt::storage {

// RocksDB names a damaged write-ahead log only in the info LOG ("<file>: dropping N bytes;
// Corruption: ..."); the logger keeps the first such line so that Open can name the file.
// Returns it, or "" when none was logged. Threads: safe.
std::string FirstLogDamage(const rocksdb::Logger& logger);

// Creates (truncating) `path` on `fs` and returns a logger writing to it. When the file cannot be
// created (a full disk, say) the logger drops every message: a database must still open to be
// read, and RocksDB given no logger would make its own, bypassing the encrypted file system.
std::shared_ptr<rocksdb::Logger> NewInfoLog(rocksdb::FileSystem& fs, const std::string& path);

}  // namespace hsdt::storage
