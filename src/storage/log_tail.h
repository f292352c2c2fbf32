// A write-ahead log's end, told apart from damage. RocksDB, tolerating the torn last record a
// crash leaves (kTolerateCorruptedTailRecords), also drops without a word a record in the log's
// last block whose length field was damaged to reach past the end of the file, and with it every
// commit after it: the two look alike to its reader. They differ in what follows: nothing was
// written after a torn write, while after a damaged length the next records are still there,
// whole. CheckLogTail walks the log's framing (RocksDB's log format: 32 KiB blocks of records,
// each with a masked CRC32C, a 16-bit length and a type) and refuses the second case.
// Everything else wrong in a log RocksDB's own reader reports.
#pragma once

#include <rocksdb/file_system.h>

#include <string>

#include <hsdt/status.h>

namespace hsdt::storage {

// Reads `path` through `fs` (the plaintext view). Corruption naming the log and the byte when a
// record reaches past the end of the file and a whole record follows it; IOError when the log
// cannot be read; Ok otherwise (including every damage RocksDB reports itself).
Status CheckLogTail(rocksdb::FileSystem& fs, const std::string& path);

}  // namespace hsdt::storage
