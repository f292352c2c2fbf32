#include "storage/log_tail.h"

#include <boost/crc.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace hsdt::storage {
namespace {

// RocksDB's log format (db/log_format.h, stable since LevelDB): a physical record is
// checksum (4, little-endian, masked CRC32C of type and payload), length (2, little-endian),
// type (1), payload; records never cross a 32 KiB block; a block's last < 7 bytes are padding.
constexpr std::size_t kBlockSize = 32768;
constexpr std::size_t kHeaderSize = 7;
constexpr unsigned kZeroType = 0;
constexpr unsigned kFullType = 1;
constexpr unsigned kLastType = 4;
constexpr unsigned kRecyclableFullType = 5;  // recycled logs' types: never written (recycling is off)
constexpr unsigned kRecyclableLastType = 8;

std::uint32_t Le32(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

// RocksDB stores CRCs rotated and offset (util/crc32c.h, Mask) so that a CRC of data holding
// CRCs is not degenerate.
std::uint32_t Mask(std::uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

using Crc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;  // Castagnoli

// Whether the record header at `h` checksums its type and `length` bytes of payload.
bool ChecksumHolds(const unsigned char* h, std::size_t length) {
  Crc32c crc;
  crc.process_bytes(h + 6, 1 + length);
  return Mask(crc.checksum()) == Le32(h);
}

// Whether a whole, checksummed record of the plain types starts at `at` of `block[0, n)`.
bool WholeRecordAt(const unsigned char* block, std::size_t n, std::size_t at) {
  if (n - at < kHeaderSize) return false;
  const unsigned char* h = block + at;
  const unsigned type = h[6];
  if (type < kFullType || type > kLastType) return false;
  const std::size_t length = std::size_t{h[4]} | std::size_t{h[5]} << 8;
  return length <= n - at - kHeaderSize && ChecksumHolds(h, length);
}

}  // namespace

Status CheckLogTail(rocksdb::FileSystem& fs, const std::string& path) {
  std::unique_ptr<rocksdb::FSSequentialFile> file;
  rocksdb::IOStatus s = fs.NewSequentialFile(path, rocksdb::FileOptions(), &file, nullptr);
  if (s.IsNotFound() || s.IsPathNotFound()) return Status::Ok();  // deleted meanwhile: nothing to replay
  if (s.IsCorruption()) return Status::Corruption(path + ": " + s.ToString());
  if (!s.ok()) return Status::IOError(path + ": " + s.ToString());
  std::vector<unsigned char> block(kBlockSize);
  for (std::uint64_t block_start = 0;; block_start += kBlockSize) {
    // Fill the block: a short read means the end of the file.
    std::size_t n = 0;
    while (n < kBlockSize) {
      rocksdb::Slice got;
      s = file->Read(kBlockSize - n, rocksdb::IOOptions(), &got, reinterpret_cast<char*>(block.data() + n), nullptr);
      if (s.IsCorruption()) return Status::Corruption(path + ": " + s.ToString());
      if (!s.ok()) return Status::IOError(path + ": " + s.ToString());
      if (got.empty()) break;
      if (got.data() != reinterpret_cast<const char*>(block.data() + n)) std::memcpy(block.data() + n, got.data(), got.size());
      n += got.size();
    }
    const bool last_block = n < kBlockSize;
    std::size_t at = 0;
    while (n - at >= kHeaderSize) {
      const unsigned char* h = block.data() + at;
      const unsigned type = h[6];
      const std::size_t length = std::size_t{h[4]} | std::size_t{h[5]} << 8;
      if (type == kZeroType && length == 0) break;  // preallocated space: RocksDB skips the rest of the block
      if (type >= kRecyclableFullType && type <= kRecyclableLastType) {
        // RocksDB reads a recycled log's record of another log number as the end of the log.
        return Status::Corruption(path + ": the record at byte " + std::to_string(block_start + at) +
                                  " of its records has type " + std::to_string(type) + " (a recycled log's), "
                                  "which hsdt never writes: the log is damaged; commits after it would be lost");
      }
      if (length > n - at - kHeaderSize) {
        // In a full block RocksDB reports a record this long; at the end of the file it takes
        // it for a torn write, which is right only if nothing whole was written: neither the
        // record itself up to the end of the file (its length damaged, the last record), nor a
        // record after it.
        if (!last_block) return Status::Ok();
        if (ChecksumHolds(h, n - at - kHeaderSize)) {
          return Status::Corruption(path + ": the record at byte " + std::to_string(block_start + at) +
                                    " of its records claims " + std::to_string(length) + " bytes, past the end "
                                    "of the log, but its checksum holds for the " +
                                    std::to_string(n - at - kHeaderSize) + " bytes to the end: its length is "
                                    "damaged, not torn by a crash; the commit would be lost");
        }
        for (std::size_t next = at + 1; next < n; ++next) {
          if (WholeRecordAt(block.data(), n, next)) {
            return Status::Corruption(path + ": the record at byte " + std::to_string(block_start + at) +
                                      " of its records claims " + std::to_string(length) + " bytes, past the end "
                                      "of the log, and a whole record follows at byte " + std::to_string(block_start + next) +
                                      ": its length is damaged, not torn by a crash; commits after it would be lost");
          }
        }
        return Status::Ok();  // a torn last write: never acknowledged
      }
      // A record of another type (kSetCompressionType: hsdt does not compress its logs) or, in
      // the last block, one that fails its checksum ends the walk: RocksDB reports it. In full
      // blocks checksums are RocksDB's business; a walk led astray by a damaged length there
      // meets a log RocksDB refuses anyway.
      if (type > kLastType || (last_block && !ChecksumHolds(h, length))) return Status::Ok();
      at += kHeaderSize + length;
    }
    if (last_block) return Status::Ok();
  }
}

}  // namespace hsdt::storage
