// Options for opening a database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <hsdt/accounts.h>
#include <hsdt/civil_time.h>
#include <hsdt/clock.h>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// When a commit reaches stable storage.
enum class Durability : int {
  // Every commit is fsynced before it is acknowledged (the default). An acknowledged commit
  // survives a crash of the process or the machine.
  kSync = 0,
  // Commits are written to the log but not fsynced; Database::Sync() makes everything before it
  // durable. A process crash loses nothing acknowledged (the log is in the OS page cache); a
  // machine crash can lose commits since the last Sync(). For bulk loads.
  kNoSync = 1,
};

// Argon2id cost for stretching a passphrase (libsodium's named limits).
enum class KdfCost : int {
  kMinimum = 0,      // for tests only: crypto_pwhash_*_MIN
  kInteractive = 1,  // 64 MiB, 2 passes
  kModerate = 2,     // 256 MiB, 3 passes
  kSensitive = 3,    // 1 GiB, 4 passes
};

struct OpenOptions {
  // Create the database if the directory holds none.
  bool create_if_missing = false;
  // Fail with AlreadyExists if the directory already holds a database.
  bool error_if_exists = false;
  Durability durability = Durability::kSync;
  // Argon2id cost used when a passphrase key is first set (create, ChangeKey). The cost of an
  // existing database is read from its keyring.
  KdfCost kdf_cost = KdfCost::kInteractive;
  // Bytes of decoded plaintext records kept in process memory to serve hot reads without
  // decrypting (as SQLCipher's page cache keeps decrypted pages). Entries are wiped on eviction.
  // 0 disables the cache.
  std::size_t record_cache_bytes = std::size_t{64} << 20;
  // RocksDB block cache (holds encrypted-at-rest blocks after file-layer decryption: index keys
  // and sealed records, never plaintext records).
  std::size_t block_cache_bytes = std::size_t{32} << 20;
  // After this many records have been written without a compression dictionary, train one on
  // them (zstd, 32 KiB), seal it into the metadata and use it for later writes. 0: never.
  std::uint32_t dictionary_training_records = 1000;

  // Creating a database requires its first district administrator (account in unit 777-NV).
  // Ignored when the database exists.
  AdminCredentials first_admin;
  // Argon2id cost of account password hashes; hashes made with lower parameters are redone at
  // the holder's next login.
  KdfCost password_cost = KdfCost::kInteractive;
  // Consecutive failed logins that lock an account, and for how long (article 5).
  std::uint32_t lockout_failures = 5;
  std::int64_t lockout_micros = std::int64_t{15} * 60 * 1000000;
  // A session ends after this long unused, and this long after login, whichever comes first.
  std::int64_t session_idle_micros = std::int64_t{15} * 60 * 1000000;
  std::int64_t session_lifetime_micros = std::int64_t{12} * 3600 * 1000000;
  // Time source; null: the system clock. Must outlive the database.
  const Clock* clock = nullptr;
  // The time zone of civil dates (an IANA id, through ICU): today's date (age bands, reference
  // dates), the day a change was recorded on (deadlines, reports). Instants stay UTC. Open
  // fails with InvalidArgument for a zone ICU does not know.
  std::string time_zone = kDefaultTimeZone;

  // A write-ahead log damaged before its end (not the torn last record a crash leaves, which is
  // always recovered) means acknowledged commits would be lost. By default Open refuses it with
  // Corruption naming the file, and changes nothing. With `accept_log_damage` Open recovers what
  // precedes the damage, loses what follows it, and writes an audit entry `recover_log` naming
  // the damage; the audit numbering then skips to the next multiple of 2^32, so no number a lost
  // entry had is used again (docs/format.md, "What a crash or damage can lose"). Use it only
  // after keeping a copy of the damaged directory.
  bool accept_log_damage = false;

  // A read-only view of a database another process (or handle) has open for writing, so that a
  // reporting or backup process reads while the primary writes (RocksDB's secondary instance;
  // docs/security.md, "Read-only views"). Same key, same sessions, same policy; every write is
  // refused with IOError (audited). The view sees what the primary has written when it
  // catches up: before a call, at most every `catch_up_micros`, or at Database::CatchUp. Its
  // audit entries go to an authenticated spool file in the database directory, which the primary
  // links into its chain when it opens, syncs, backs up or reads its audit log. A view does not
  // count failed logins toward the lockout (it cannot write them; they are audited).
  bool read_only = false;
  std::int64_t catch_up_micros = 100000;
  // The view's own files (its info log); empty: a fresh directory under $TMPDIR, removed at Close.
  std::string read_only_dir;

  // The largest scan an attachment may hold (include/hsdt/attachment.h); at most 1 GiB.
  std::uint64_t max_attachment_bytes = std::uint64_t{20} << 20;
};

#pragma GCC visibility pop
}  // namespace hsdt
