/* hsdt.h — the C ABI of hsdt, the encrypted, versioned personnel-dossier database.
 *
 * Conventions (every function follows them):
 * - Every call that can fail returns an hsdt_status; HSDT_OK is 0. Outputs come last.
 * - On failure, hsdt_last_error() gives a message for this thread, naming the field, JSON path
 *   or byte at fault. It is owned by the library and valid until the next hsdt_ call on the
 *   same thread.
 * - Constructors (hsdt_db_open, hsdt_options_create) set *out to NULL on every failure; other
 *   outputs are set to NULL/0 on failure.
 * - Strings in are NUL-terminated UTF-8 unless a length is given. Buffers out (char** out,
 *   size_t* out_len) are made by the library, NUL-terminated, and released with hsdt_free,
 *   which wipes them first (they may hold personal data). hsdt_free never takes a handle.
 * - Handles are released by their own function (hsdt_db_close, hsdt_options_free); all release
 *   functions accept NULL. A NULL or released handle gives HSDT_MISUSE (best effort).
 * - No C++ exception ever crosses this boundary.
 * - Threads: an hsdt_db may be used from many threads at once; an hsdt_options from one.
 * - Key bytes are copied into guarded memory at once; the caller may wipe its copy after the
 *   call returns.
 * Since: ABI 1.0 unless stated.
 */
#ifndef HSDT_H_
#define HSDT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HSDT_EXPORT __attribute__((visibility("default")))
#else
#define HSDT_EXPORT
#endif

#define HSDT_ABI_VERSION_MAJOR 1
#define HSDT_ABI_VERSION_MINOR 0
/* Bytes of a raw key. */
#define HSDT_KEY_BYTES 32

/* Status codes: the same numbers as hsdt::StatusCode. Append-only. */
typedef enum hsdt_status {
  HSDT_OK = 0,
  HSDT_INVALID_ARGUMENT = 1,    /* the input is wrong; the message names the field or byte */
  HSDT_NOT_FOUND = 2,
  HSDT_ALREADY_EXISTS = 3,
  HSDT_CONFLICT = 4,            /* stale expected version: reread and retry */
  HSDT_PERMISSION_DENIED = 5,
  HSDT_BAD_KEY = 6,             /* the key does not open this database */
  HSDT_CORRUPTION = 7,          /* stored bytes failed authentication or decoding */
  HSDT_IO_ERROR = 8,            /* file system failure; the database may have turned read-only */
  HSDT_RESOURCE_EXHAUSTED = 9,
  HSDT_BUSY = 10,               /* e.g. open in another process */
  HSDT_UNSUPPORTED_FORMAT = 11,
  HSDT_MISUSE = 12,             /* NULL or released handle, NULL required pointer */
  HSDT_INTERNAL = 13
} hsdt_status;

typedef enum hsdt_key_kind {
  HSDT_KEY_PASSPHRASE = 1, /* stretched with Argon2id */
  HSDT_KEY_RAW = 2         /* exactly HSDT_KEY_BYTES bytes */
} hsdt_key_kind;

typedef struct hsdt_db hsdt_db;
typedef struct hsdt_options hsdt_options;

/* (HSDT_ABI_VERSION_MAJOR << 16) | HSDT_ABI_VERSION_MINOR of the loaded library. */
HSDT_EXPORT uint32_t hsdt_abi_version(void);
/* The library version, e.g. "1.0.0". Static string. */
HSDT_EXPORT const char* hsdt_version(void);
/* HSDT_KEY_BYTES, for FFI callers. */
HSDT_EXPORT size_t hsdt_key_bytes(void);
/* The message of the last failure on this thread ("" if none). */
HSDT_EXPORT const char* hsdt_last_error(void);
/* A static name for a status, e.g. "Conflict". */
HSDT_EXPORT const char* hsdt_status_name(hsdt_status status);
/* Wipes and frees a buffer made by the library. NULL is a no-op. */
HSDT_EXPORT void hsdt_free(void* buffer);

/* Options for hsdt_db_open. Defaults: open an existing database, fsync every commit, Argon2id
 * cost 1 (interactive) for new keys, 64 MiB record cache. */
HSDT_EXPORT hsdt_status hsdt_options_create(hsdt_options** out);
HSDT_EXPORT void hsdt_options_free(hsdt_options* options);
HSDT_EXPORT hsdt_status hsdt_options_set_create_if_missing(hsdt_options* options, bool value);
HSDT_EXPORT hsdt_status hsdt_options_set_error_if_exists(hsdt_options* options, bool value);
/* false: commits are not fsynced until hsdt_db_sync (bulk loads); see docs/format.md. */
HSDT_EXPORT hsdt_status hsdt_options_set_sync(hsdt_options* options, bool value);
/* 0 (tests only) to 3 (sensitive): Argon2id cost when a passphrase is first set. */
HSDT_EXPORT hsdt_status hsdt_options_set_kdf_cost(hsdt_options* options, int cost);
HSDT_EXPORT hsdt_status hsdt_options_set_record_cache_bytes(hsdt_options* options, size_t bytes);

/* Opens (or creates, per options) the database in `dir`. `options` may be NULL (defaults).
 * Returns HSDT_BAD_KEY for a wrong key, HSDT_NOT_FOUND if there is no database. */
HSDT_EXPORT hsdt_status hsdt_db_open(const char* dir, hsdt_key_kind kind, const uint8_t* key,
                                     size_t key_len, const hsdt_options* options, hsdt_db** out);
/* Closes and releases `db` (always, even when it returns an error of the final sync). */
HSDT_EXPORT hsdt_status hsdt_db_close(hsdt_db* db);
/* Makes every acknowledged commit durable (for databases opened without sync). */
HSDT_EXPORT hsdt_status hsdt_db_sync(hsdt_db* db);
/* Integrity check; *out_json is {"dossiers":N,"versions":N,"indexEntries":N,"problems":[...]}. */
HSDT_EXPORT hsdt_status hsdt_db_check(hsdt_db* db, char** out_json, size_t* out_len);
/* Re-wraps the data key under a new key. */
HSDT_EXPORT hsdt_status hsdt_db_change_key(hsdt_db* db, hsdt_key_kind kind, const uint8_t* key,
                                           size_t key_len);
/* Re-encrypts up to `max_values` values (0: all) under a fresh data key; resumable. */
HSDT_EXPORT hsdt_status hsdt_db_rekey(hsdt_db* db, uint64_t max_values, bool* out_done,
                                      uint64_t* out_remaining);
/* Makes an encrypted backup into `backup_dir`; *out_backup_id is its number. */
HSDT_EXPORT hsdt_status hsdt_db_backup(hsdt_db* db, const char* backup_dir, uint32_t* out_backup_id);
/* Verifies backup `backup_id` (0: the latest) file by file. */
HSDT_EXPORT hsdt_status hsdt_backup_verify(const char* backup_dir, hsdt_key_kind kind,
                                           const uint8_t* key, size_t key_len, uint32_t backup_id);
/* Restores backup `backup_id` (0: the latest) into `db_dir`, which must not hold a database. */
HSDT_EXPORT hsdt_status hsdt_backup_restore(const char* backup_dir, hsdt_key_kind kind,
                                            const uint8_t* key, size_t key_len,
                                            uint32_t backup_id, const char* db_dir);

/* Every change names its actor, a reason (may be "") and its source document (number, and date
 * YYYY-MM-DD). */

/* Creates a dossier from `json` (json_len bytes). *out_id (hsdt_free) and *out_version. */
HSDT_EXPORT hsdt_status hsdt_dossier_create(hsdt_db* db, const char* json, size_t json_len,
                                            const char* actor, const char* reason,
                                            const char* source_number, const char* source_date,
                                            char** out_id, uint32_t* out_version);
/* Replaces dossier `id`, expecting its latest version to be `expected_version`;
 * HSDT_CONFLICT if it moved (nothing written). */
HSDT_EXPORT hsdt_status hsdt_dossier_update(hsdt_db* db, const char* id, uint32_t expected_version,
                                            const char* json, size_t json_len, const char* actor,
                                            const char* reason, const char* source_number,
                                            const char* source_date, uint32_t* out_version);
/* Records a status change (e.g. "nghiHuu") as a new version. */
HSDT_EXPORT hsdt_status hsdt_dossier_change_status(hsdt_db* db, const char* id,
                                                   uint32_t expected_version, const char* status,
                                                   const char* actor, const char* reason,
                                                   const char* source_number,
                                                   const char* source_date, uint32_t* out_version);
/* The latest version as JSON. out_version may be NULL. */
HSDT_EXPORT hsdt_status hsdt_dossier_get(hsdt_db* db, const char* id, char** out_json,
                                         size_t* out_len, uint32_t* out_version);
HSDT_EXPORT hsdt_status hsdt_dossier_get_version(hsdt_db* db, const char* id, uint32_t version,
                                                 char** out_json, size_t* out_len);
/* The version recorded at or before `micros` (microseconds since the Unix epoch, UTC). */
HSDT_EXPORT hsdt_status hsdt_dossier_get_as_of(hsdt_db* db, const char* id, int64_t micros,
                                               char** out_json, size_t* out_len,
                                               uint32_t* out_version);
/* A JSON array of {"version","recordedAtMicros","kind","status","actor","reason",
 * "sourceNumber","sourceDate"}, oldest first. */
HSDT_EXPORT hsdt_status hsdt_dossier_history(hsdt_db* db, const char* id, char** out_json,
                                             size_t* out_len);
/* A JSON array of the changed paths between two versions, e.g. ["$.rank.step"]. */
HSDT_EXPORT hsdt_status hsdt_dossier_diff(hsdt_db* db, const char* id, uint32_t from_version,
                                          uint32_t to_version, char** out_json, size_t* out_len);

#ifdef __cplusplus
}
#endif

#endif /* HSDT_H_ */
