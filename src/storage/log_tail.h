// A write-ahead log's end, told apart from damage. RocksDB, tolerating the torn last record a
// crash leaves (kTolerateCorruptedTailRecords), also drops without a word a record in the log's
// last block whose length field was damaged to reach past the end of the file, and with it every
// commit after it: the two look alike to its reader. They differ in what follows: nothing was
// written after a torn write, while after a damaged length the next records are still there,
// whole, and so is the damaged record itself when it is the last. CheckLogTail walks the log's
// framing (RocksDB's log format: 32 KiB blocks of records, each with a masked CRC32C, a 16-bit
// length and a type) and refuses that case, and a record typed as a recycled log's (which the
// reader also takes for the end). The checksum failures and unknown types it meets it leaves to
// RocksDB's reader, which reports them. Offsets it names are in the log's records, after the
// 4096-byte file header. It reads the whole log once, checksumming only the last block.
#pragma once

#include <rocksdb/file_system.h>

#include <string>

#include <hsdt/status.h>

namespace hsdt::storage {

// Reads `path` through `fs` (the plaintext view). Corruption naming the log and the byte for the
// damage above; IOError when the log cannot be read; Ok otherwise (a log that is gone included).
Status CheckLogTail(rocksdb::FileSystem& fs, const std::string& path);

}  // namespace hsdt::storage
