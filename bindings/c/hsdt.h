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
 *   functions accept NULL. A NULL or released handle gives HSDT_MISUSE and changes nothing: the
 *   library keeps a registry of its live handles and checks it at every entry, so a released
 *   handle is never read (a second release is HSDT_MISUSE too, reported by hsdt_last_error for
 *   the void release functions). Releasing a handle while another thread still uses it is not
 *   detected. A released address the allocator reuses for a new handle of the same kind names
 *   that new handle.
 * - A NULL required pointer (every char** output, the key, ids, JSON inputs) gives HSDT_MISUSE
 *   and changes nothing: nothing is written and nothing is audited. Outputs documented as
 *   optional (out_len, out_version, ...) may be NULL.
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
#define HSDT_ABI_VERSION_MINOR 3
/* Bytes of a raw key. */
#define HSDT_KEY_BYTES 32

/* In C++ the enums below have the fixed underlying type int, so a value outside their lists (99,
 * -1) is a valid value there: hsdt_key_kind 99 gets HSDT_INVALID_ARGUMENT and hsdt_status_name(99)
 * "Unknown", not undefined behaviour. The size and the calling convention are those of the C enum. */
#ifdef __cplusplus
#define HSDT_ENUM_INT : int
#else
#define HSDT_ENUM_INT
#endif

/* Status codes: the same numbers as hsdt::StatusCode. Append-only. */
typedef enum hsdt_status HSDT_ENUM_INT {
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

typedef enum hsdt_key_kind HSDT_ENUM_INT {
  HSDT_KEY_PASSPHRASE = 1, /* stretched with Argon2id */
  HSDT_KEY_RAW = 2         /* exactly HSDT_KEY_BYTES bytes */
} hsdt_key_kind;

typedef struct hsdt_db hsdt_db;
typedef struct hsdt_options hsdt_options;
typedef struct hsdt_session hsdt_session;

/* Roles, account states, purposes and actions: the numbers of hsdt/policy.h. */
enum { HSDT_ROLE_DISTRICT_ADMIN = 1, HSDT_ROLE_DISTRICT_AUDITOR = 2, HSDT_ROLE_UNIT_EDITOR = 3, HSDT_ROLE_UNIT_VIEWER = 4 };
enum { HSDT_ACCOUNT_ACTIVE = 1, HSDT_ACCOUNT_RESTRICTED = 2, HSDT_ACCOUNT_REVOKED = 3 };
enum {
  HSDT_PURPOSE_NONE = 0, HSDT_PURPOSE_RECRUITMENT = 1, HSDT_PURPOSE_RANK_PROMOTION = 2,
  HSDT_PURPOSE_SALARY_RAISE = 3, HSDT_PURPOSE_TRAINING = 4, HSDT_PURPOSE_APPOINTMENT = 5,
  HSDT_PURPOSE_REWARD = 6, HSDT_PURPOSE_DISCIPLINE = 7, HSDT_PURPOSE_INSPECTION = 8,
  HSDT_PURPOSE_STATISTICS = 9
};
/* Grant rights (bit flags). */
enum { HSDT_GRANT_READ = 1, HSDT_GRANT_READ_PERSONAL = 2, HSDT_GRANT_READ_CONFIDENTIAL = 4, HSDT_GRANT_EXPORT = 8 };
/* Actions (hsdt_explain): the numbers of hsdt::Action. Since: ABI 1.2 */
enum {
  HSDT_ACTION_READ_DOSSIER = 1, HSDT_ACTION_READ_HISTORY = 2, HSDT_ACTION_EXPORT_DOSSIER = 3,
  HSDT_ACTION_CREATE_DOSSIER = 4, HSDT_ACTION_UPDATE_DOSSIER = 5, HSDT_ACTION_CHANGE_STATUS = 6,
  HSDT_ACTION_REQUEST_HAND_OVER = 7, HSDT_ACTION_DECIDE_HAND_OVER = 8, HSDT_ACTION_MANAGE_ACCOUNTS = 9,
  HSDT_ACTION_MANAGE_UNITS = 10, HSDT_ACTION_MANAGE_GRANTS = 11, HSDT_ACTION_READ_AUDIT = 12,
  HSDT_ACTION_VERIFY_AUDIT = 13, HSDT_ACTION_READ_REPORTS = 14, HSDT_ACTION_MAINTAIN = 15
};
/* Formats of hsdt_export / hsdt_export_to, and of hsdt_report. Since: ABI 1.2 */
enum { HSDT_EXPORT_JSON_LINES = 1, HSDT_EXPORT_CSV = 2 };
enum { HSDT_REPORT_JSON = 1, HSDT_REPORT_CSV = 2, HSDT_REPORT_HTML = 3 };

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
/* The first district administrator, required to create a database (copied). */
HSDT_EXPORT hsdt_status hsdt_options_set_first_admin(hsdt_options* options, const char* user_name,
                                                     const char* display_name, const char* password);
/* 0 (tests only) to 3: Argon2id cost of account password hashes. */
HSDT_EXPORT hsdt_status hsdt_options_set_password_cost(hsdt_options* options, int cost);
/* The time zone of civil dates (an IANA id; default "Asia/Ho_Chi_Minh"): today, deadlines, the
 * day a change was recorded on. Instants stay UTC. HSDT_INVALID_ARGUMENT for an unknown zone.
 * Since: ABI 1.1 */
HSDT_EXPORT hsdt_status hsdt_options_set_time_zone(hsdt_options* options, const char* time_zone);

/* With `value`, open a read-only view beside a process that has the database open for writing
 * (docs/security.md, "Read-only views"): same key, sessions and policy; every write fails with
 * HSDT_IO_ERROR; the view catches up with the primary before a call at most every
 * `catch_up_micros` (>= 0; 100000 by default), or at hsdt_db_catch_up. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_options_set_read_only(hsdt_options* options, bool value,
                                                   int64_t catch_up_micros);

/* Parses an instant into *out_micros (microseconds since the Unix epoch, UTC):
 * "2026-12-02T02:17:22+07:00" or "...Z" (the offset is honoured), a local "2026-12-02T02:17:22"
 * in `time_zone`, or a date "2026-12-02": the start of that day in `time_zone`, or with
 * `end_of_day` its end (the start of the next day). `time_zone` NULL: "Asia/Ho_Chi_Minh".
 * HSDT_INVALID_ARGUMENT for text that is not an instant (e.g. "2024-02-30") or an unknown zone;
 * *out_micros is 0 then. Since: ABI 1.1 */
HSDT_EXPORT hsdt_status hsdt_parse_instant(const char* text, const char* time_zone, bool end_of_day,
                                           int64_t* out_micros);

/* Opens (or creates, per options) the database in `dir`. `options` may be NULL (defaults).
 * Returns HSDT_BAD_KEY for a wrong key, HSDT_NOT_FOUND if there is no database. */
HSDT_EXPORT hsdt_status hsdt_db_open(const char* dir, hsdt_key_kind kind, const uint8_t* key,
                                     size_t key_len, const hsdt_options* options, hsdt_db** out);
/* Closes and releases `db` (always, even when it returns an error of the final sync; but from a
 * change observer it is HSDT_MISUSE, and while attachment writers or readers of it are open
 * HSDT_BUSY, and `db` stays open). */
HSDT_EXPORT hsdt_status hsdt_db_close(hsdt_db* db);

/* ---- sessions: every call below that takes an hsdt_session is checked by the policy and
 * audited. A refusal is HSDT_PERMISSION_DENIED with the reason in hsdt_last_error(). */

/* Logs in; *out is released with hsdt_session_free (which does not log out). An unknown user and
 * a wrong password get the same HSDT_PERMISSION_DENIED. */
HSDT_EXPORT hsdt_status hsdt_login(hsdt_db* db, const char* user_name, const char* password,
                                   hsdt_session** out);
HSDT_EXPORT hsdt_status hsdt_logout(hsdt_db* db, hsdt_session* session);
HSDT_EXPORT void hsdt_session_free(hsdt_session* session);
/* Changes the session's own password (the old one is required). */
HSDT_EXPORT hsdt_status hsdt_change_password(hsdt_db* db, hsdt_session* session,
                                             const char* old_password, const char* new_password);

/* A read-only view reads now what the primary has written. HSDT_INVALID_ARGUMENT on a database
 * opened for writing. Not audited (nothing is read for a session). Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_db_catch_up(hsdt_db* db);
/* Makes every acknowledged commit durable (for databases opened without sync). */
HSDT_EXPORT hsdt_status hsdt_db_sync(hsdt_db* db, hsdt_session* session);
/* Integrity check; *out_json is {"dossiers":N,"versions":N,"indexEntries":N,"problems":[...]}. */
HSDT_EXPORT hsdt_status hsdt_db_check(hsdt_db* db, hsdt_session* session, char** out_json,
                                      size_t* out_len);
/* Re-wraps the data key under a new key. */
HSDT_EXPORT hsdt_status hsdt_db_change_key(hsdt_db* db, hsdt_session* session, hsdt_key_kind kind,
                                           const uint8_t* key, size_t key_len);
/* Re-encrypts up to `max_values` values (0: all) under a fresh data key; resumable. */
HSDT_EXPORT hsdt_status hsdt_db_rekey(hsdt_db* db, hsdt_session* session, uint64_t max_values,
                                      bool* out_done, uint64_t* out_remaining);
/* Figures of the database (district administrators: maintain). *out_json is
 * {"dossiers":N,"keyGeneration":N,"dictionaryId":N,"recordCacheHits":N,"recordCacheMisses":N,
 * "diskBytes":N,"auditEntries":N,"auditBytes":N,"readOnly":bool,"readOnlyReason":"..."}.
 * Audited. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_db_stats(hsdt_db* db, hsdt_session* session, char** out_json,
                                      size_t* out_len);
/* Trains a zstd compression dictionary on up to 2000 current records and uses it for later
 * writes (maintain); *out_dictionary_id (required) is its id. HSDT_INVALID_ARGUMENT with fewer
 * than 50 dossiers. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_db_train_dictionary(hsdt_db* db, hsdt_session* session,
                                                 uint32_t* out_dictionary_id);
/* Makes an encrypted backup into `backup_dir`; *out_backup_id is its number. */
HSDT_EXPORT hsdt_status hsdt_db_backup(hsdt_db* db, hsdt_session* session, const char* backup_dir,
                                       uint32_t* out_backup_id);
/* Verifies backup `backup_id` (0: the latest) file by file. */
HSDT_EXPORT hsdt_status hsdt_backup_verify(const char* backup_dir, hsdt_key_kind kind,
                                           const uint8_t* key, size_t key_len, uint32_t backup_id);
/* Restores backup `backup_id` (0: the latest) into `db_dir`, which must not hold a database. */
HSDT_EXPORT hsdt_status hsdt_backup_restore(const char* backup_dir, hsdt_key_kind kind,
                                            const uint8_t* key, size_t key_len,
                                            uint32_t backup_id, const char* db_dir);

/* Every change names a reason (may be "") and its source document (number, and date YYYY-MM-DD);
 * the actor is the session's account. Reads outside one's own unit name a purpose. */

/* Creates a dossier from `json` (json_len bytes). *out_id (hsdt_free; required) and *out_version
 * (may be NULL). */
HSDT_EXPORT hsdt_status hsdt_dossier_create(hsdt_db* db, hsdt_session* session, const char* json,
                                            size_t json_len, const char* reason,
                                            const char* source_number, const char* source_date,
                                            char** out_id, uint32_t* out_version);
/* Replaces dossier `id`, expecting its latest version to be `expected_version`;
 * HSDT_CONFLICT if it moved (nothing written). */
HSDT_EXPORT hsdt_status hsdt_dossier_update(hsdt_db* db, hsdt_session* session, const char* id,
                                            uint32_t expected_version, const char* json,
                                            size_t json_len, const char* reason,
                                            const char* source_number, const char* source_date,
                                            uint32_t* out_version);
/* Records a status change (e.g. "nghiHuu") as a new version. */
HSDT_EXPORT hsdt_status hsdt_dossier_change_status(hsdt_db* db, hsdt_session* session,
                                                   const char* id, uint32_t expected_version,
                                                   const char* status, const char* reason,
                                                   const char* source_number,
                                                   const char* source_date, uint32_t* out_version);
/* The latest version as JSON. out_version may be NULL. */
HSDT_EXPORT hsdt_status hsdt_dossier_get(hsdt_db* db, hsdt_session* session, const char* id,
                                         int purpose, char** out_json, size_t* out_len,
                                         uint32_t* out_version);
HSDT_EXPORT hsdt_status hsdt_dossier_get_version(hsdt_db* db, hsdt_session* session,
                                                 const char* id, uint32_t version, int purpose,
                                                 char** out_json, size_t* out_len);
/* The version recorded at or before `micros` (microseconds since the Unix epoch, UTC). */
HSDT_EXPORT hsdt_status hsdt_dossier_get_as_of(hsdt_db* db, hsdt_session* session, const char* id,
                                               int64_t micros, int purpose, char** out_json,
                                               size_t* out_len, uint32_t* out_version);
/* A JSON array of {"version","recordedAtMicros","kind","status","actor","reason",
 * "sourceNumber","sourceDate"}, oldest first. */
HSDT_EXPORT hsdt_status hsdt_dossier_history(hsdt_db* db, hsdt_session* session, const char* id,
                                             int purpose, char** out_json, size_t* out_len);
/* What the timelines of dossier `id` say was in force on `date` ("YYYY-MM-DD"), from the
 * latest version as the session may see it (audited as a read of it). *out_json is
 * {"date","recruited":bool,"rank","rankStep","coefficient","positions":[...],"workingUnit"};
 * "rank" is "" when no salary row was in force yet. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_dossier_in_force_on(hsdt_db* db, hsdt_session* session,
                                                 const char* id, const char* date, int purpose,
                                                 char** out_json, size_t* out_len);
/* Ids of the dossiers `unit` manages (NULL or "": every unit), ascending, after `after` (NULL or
 * "": from the first), at most `limit` (0 is refused: HSDT_INVALID_ARGUMENT). District
 * administrators and auditors list any unit; a unit's accounts their own. Ids only, audited as
 * one read. *out_json is a JSON array of ids; resume with the last one as `after`.
 * Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_list_ids(hsdt_db* db, hsdt_session* session, const char* unit,
                                      const char* after, size_t limit, char** out_json,
                                      size_t* out_len);
/* A JSON array of the changed paths between two versions, e.g. ["$.rank.step"]. */
HSDT_EXPORT hsdt_status hsdt_dossier_diff(hsdt_db* db, hsdt_session* session, const char* id,
                                          uint32_t from_version, uint32_t to_version, int purpose,
                                          char** out_json, size_t* out_len);

/* ---- attachments: scanned source documents (include/hsdt/attachment.h). Since: ABI 1.3 */
typedef struct hsdt_attachment_writer hsdt_attachment_writer;
typedef struct hsdt_attachment_reader hsdt_attachment_reader;
/* Attachment kinds: the numbers of hsdt::AttachmentKind. Discipline, asset declaration and
 * evaluation are confidential, the personal form personal, the others normal. */
enum {
  HSDT_ATTACHMENT_DECISION = 1, HSDT_ATTACHMENT_DIPLOMA = 2, HSDT_ATTACHMENT_PERSONAL_FORM = 3,
  HSDT_ATTACHMENT_DISCIPLINE = 4, HSDT_ATTACHMENT_ASSET_DECLARATION = 5,
  HSDT_ATTACHMENT_EVALUATION = 6, HSDT_ATTACHMENT_OTHER = 7
};
/* Starts a scan of dossier `dossier_id` (the managing unit's editor): `event` NULL or "" for the
 * dossier as a whole, or "<list>.<index>" of its latest version ("disciplines.0"); `title` 1 to
 * 256 bytes; source number and date required for decisions and disciplinary records (NULL
 * otherwise); `pages` 0 if not known; `supersedes` NULL, or an attachment of the same dossier
 * this scan replaces as its next version. *out is released with hsdt_attachment_writer_free;
 * nothing is visible until hsdt_attachment_finish. */
HSDT_EXPORT hsdt_status hsdt_attachment_begin(hsdt_db* db, hsdt_session* session,
                                              const char* dossier_id, const char* event, int kind,
                                              const char* title, const char* source_number,
                                              const char* source_date, uint32_t pages,
                                              const char* supersedes, const char* reason,
                                              hsdt_attachment_writer** out);
/* Adds `len` bytes (a PDF, JPEG, PNG or TIFF; at most OpenOptions' max_attachment_bytes in all).
 * After an error the writer is spent: later calls return the same error. */
HSDT_EXPORT hsdt_status hsdt_attachment_append(hsdt_attachment_writer* writer, const void* data,
                                               size_t len);
/* Commits the scan with its audit entry, fsynced. *out_json (may be NULL) is its description:
 * {"id","version","versions","dossierId","dossierVersion","event","kind","described","title",
 * "sourceNumber","sourceDate","pages","mediaType","size","sha256","recordedAtMicros","actor"}. */
HSDT_EXPORT hsdt_status hsdt_attachment_finish(hsdt_attachment_writer* writer, char** out_json,
                                               size_t* out_len);
/* Releases a writer; an unfinished scan leaves nothing behind. */
HSDT_EXPORT void hsdt_attachment_writer_free(hsdt_attachment_writer* writer);
/* Opens version `version` (0: the latest) of an attachment to read: a read of its dossier at the
 * kind's sensitivity, audited. *out is released with hsdt_attachment_reader_free. */
HSDT_EXPORT hsdt_status hsdt_attachment_open(hsdt_db* db, hsdt_session* session,
                                             const char* attachment_id, uint32_t version,
                                             int purpose, hsdt_attachment_reader** out);
/* Copies up to `capacity` bytes into `buffer`; *out_read 0 at the end. HSDT_CORRUPTION names the
 * chunk that is missing, altered, moved or cut off. */
HSDT_EXPORT hsdt_status hsdt_attachment_read(hsdt_attachment_reader* reader, void* buffer,
                                             size_t capacity, size_t* out_read);
/* The opened version's description (as hsdt_attachment_finish). */
HSDT_EXPORT hsdt_status hsdt_attachment_info(hsdt_attachment_reader* reader, char** out_json,
                                             size_t* out_len);
HSDT_EXPORT void hsdt_attachment_reader_free(hsdt_attachment_reader* reader);
/* A JSON array of descriptions: the latest version of each attachment of a dossier (list), or
 * every version of one (history). Where "described" is false (a district auditor; a kind above
 * the session's sensitivity) title, source and sha256 are empty. */
HSDT_EXPORT hsdt_status hsdt_attachment_list(hsdt_db* db, hsdt_session* session,
                                             const char* dossier_id, int purpose, char** out_json,
                                             size_t* out_len);
HSDT_EXPORT hsdt_status hsdt_attachment_history(hsdt_db* db, hsdt_session* session,
                                                const char* attachment_id, int purpose,
                                                char** out_json, size_t* out_len);

/* ---- the open archive (docs/archive.md). Since: ABI 1.3 */
/* Called on the calling thread as an export or import goes (`stage` valid during the call only):
 * "units", "accounts", "grants", "handovers", "dossiers", "attachments", "audit"
 * and "verify" (each file checked). It must not call the library. */
typedef void (*hsdt_progress_fn)(void* user_data, const char* stage, uint64_t done);
/* Writes the whole database into `archive_dir` (missing or empty; made 0700, files 0600:
 * plaintext). District administrators; audited. `progress` may be NULL. *out_json (may be NULL):
 * {"dossiers","dossierVersions","accountVersions","unitVersions","grantVersions",
 * "handOverVersions","attachmentVersions","attachmentFiles","auditEntries","bytes","auditChain",
 * "manifestSha256"}. */
HSDT_EXPORT hsdt_status hsdt_archive_export(hsdt_db* db, hsdt_session* session, const char* archive_dir,
                                            hsdt_progress_fn progress, void* user_data, char** out_json,
                                            size_t* out_len);
/* Makes a new database in `db_dir` from an archive, under `key`; `options` (required) names with
 * hsdt_options_set_first_admin an active district administrator of the archive, who gets that
 * password. HSDT_CORRUPTION names a file that differs from the manifest; nothing is left on
 * failure. *out_json as hsdt_archive_export. */
HSDT_EXPORT hsdt_status hsdt_archive_import(const char* archive_dir, const char* db_dir, hsdt_key_kind kind,
                                            const uint8_t* key, size_t key_len, const hsdt_options* options,
                                            hsdt_progress_fn progress, void* user_data, char** out_json,
                                            size_t* out_len);

/* ---- hand-over (article 10) */
/* An editor of the receiving unit asks for a dossier; *out_id (hsdt_free; required) names the
 * request. */
HSDT_EXPORT hsdt_status hsdt_handover_request(hsdt_db* db, hsdt_session* session,
                                              const char* dossier_id, const char* request_number,
                                              const char* request_date, const char* reason,
                                              char** out_id);
/* The managing unit's editor or a district admin approves (approve true) or rejects. */
HSDT_EXPORT hsdt_status hsdt_handover_decide(hsdt_db* db, hsdt_session* session,
                                             const char* handover_id, bool approve,
                                             const char* reason, const char* source_number,
                                             const char* source_date);
/* A JSON array of {"id","dossierId","fromUnit","toUnit","state","requestedBy","decidedBy"}. */
HSDT_EXPORT hsdt_status hsdt_handover_list(hsdt_db* db, hsdt_session* session, char** out_json,
                                           size_t* out_len);

/* ---- the change feed (docs/format.md, "Change feed") */
/* The feed after position `since` (0: from the start), at most `limit` entries (1 to 10000), as
 * the session may see it: dossiers it may read now for `purpose` (HSDT_PURPOSE_*; a district
 * administrator names one to see other units'); a commit's entries are never split, so the creation's units (one
 * commit) may exceed `limit`. *out_json is {"entries":[{"position":N,"subject":"dossier",
 * "kind":"update","id":"HS00000042","version":N,"recordedAtMicros":N,"unit":"27460",
 * "previousUnit":""}],"next":N}: call again with `since` = next until next does not move.
 * subject is dossier, account, unit, grant or handOver; kind create, update, statusChange or
 * handOver. No content. Audited as one read. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_changes(hsdt_db* db, hsdt_session* session, uint64_t since, size_t limit,
                                     int purpose, char** out_json, size_t* out_len);
/* Called after commits that change something, with the latest such commit's position, on a
 * thread of the library (never two calls at once; calls coalesce). It may call the library
 * with `db` (hsdt_changes, reads, writes); hsdt_db_close from it is HSDT_MISUSE (the handle stays
 * open). */
typedef void (*hsdt_change_fn)(void* user_data, uint64_t position);
/* Registers `fn`; *out_id (may be NULL) is its id for hsdt_change_observer_remove. Observers are
 * not called after hsdt_db_close returns. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_change_observer_add(hsdt_db* db, hsdt_change_fn fn, void* user_data,
                                                 uint64_t* out_id);
/* Unregisters an observer, waiting for a call of it in progress to return (unless called from
 * an observer). HSDT_NOT_FOUND for an unknown id. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_change_observer_remove(hsdt_db* db, uint64_t id);

/* ---- accounts, units, grants (district administrators) */
HSDT_EXPORT hsdt_status hsdt_account_create(hsdt_db* db, hsdt_session* session,
                                            const char* user_name, const char* display_name,
                                            const char* unit, int role, const char* password,
                                            const char* reason);
HSDT_EXPORT hsdt_status hsdt_account_set_state(hsdt_db* db, hsdt_session* session,
                                               const char* user_name, int state,
                                               const char* reason);
HSDT_EXPORT hsdt_status hsdt_account_set_role(hsdt_db* db, hsdt_session* session,
                                              const char* user_name, int role, const char* reason);
/* Article 17.6: *out_password (hsdt_free) is the temporary password. */
HSDT_EXPORT hsdt_status hsdt_account_reset_password(hsdt_db* db, hsdt_session* session,
                                                    const char* user_name,
                                                    const char* report_number,
                                                    const char* report_date, char** out_password);
/* A JSON array of {"userName","displayName","unit","role","state","mustChangePassword",
 * "failedLogins","lockedUntilMicros","version"}. */
HSDT_EXPORT hsdt_status hsdt_account_list(hsdt_db* db, hsdt_session* session, char** out_json,
                                          size_t* out_len);
HSDT_EXPORT hsdt_status hsdt_unit_create(hsdt_db* db, hsdt_session* session, const char* code,
                                         const char* name_vi, const char* kind, const char* reason);
/* A JSON array of {"code","nameVi","kind","tier","active"}. */
HSDT_EXPORT hsdt_status hsdt_unit_list(hsdt_db* db, hsdt_session* session, char** out_json,
                                       size_t* out_len);
/* Marks unit `code` active or inactive (a new registry version; units are never deleted). An
 * inactive unit keeps its dossiers and history; no new account or dossier may name it.
 * Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_unit_set_active(hsdt_db* db, hsdt_session* session, const char* code,
                                             bool active, const char* reason);
/* A grant to an account (grantee_user) or a unit (grantee_unit), over listed dossiers or every
 * dossier of scope_unit, with `rights` (HSDT_GRANT_* flags) for `purposes` (n_purposes may be 0:
 * any named purpose), citing the written approval. *out_id (hsdt_free; required) is its id. */
HSDT_EXPORT hsdt_status hsdt_grant_issue(hsdt_db* db, hsdt_session* session,
                                         const char* grantee_user, const char* grantee_unit,
                                         const char* const* dossier_ids, size_t n_dossiers,
                                         const char* scope_unit, uint32_t rights,
                                         const int* purposes, size_t n_purposes,
                                         const char* legal_number, const char* legal_date,
                                         const char* signer, int64_t valid_from_micros,
                                         int64_t valid_until_micros, const char* reason,
                                         char** out_id);
HSDT_EXPORT hsdt_status hsdt_grant_revoke(hsdt_db* db, hsdt_session* session, const char* grant_id,
                                          const char* reason);
/* Every grant, revoked ones too (district administrators and auditors; audited). *out_json is a
 * JSON array of {"id","granteeUser","granteeUnit","dossiers":[...],"scopeUnit","rights":N,
 * "purposes":[N...],"legalNumber","legalDate","signer","validFromMicros","validUntilMicros",
 * "issuedBy","revoked":bool,"version"}. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_grant_list(hsdt_db* db, hsdt_session* session, char** out_json,
                                        size_t* out_len);
/* Replays the decision for `user_name` doing `action` on `dossier_id` at `micros`: *out_json is
 * {"allowed":bool,"rule","grantId","reason","visibility"}. */
HSDT_EXPORT hsdt_status hsdt_explain(hsdt_db* db, hsdt_session* session, const char* user_name,
                                     int action, const char* dossier_id, int64_t micros,
                                     int purpose, char** out_json, size_t* out_len);

/* ---- audit (district administrators and auditors) */
/* Walks the chain; with digest_sequence > 0 also checks it against that earlier digest, whose
 * digest_head_hex must be 64 hex digits (else HSDT_INVALID_ARGUMENT).
 * *out_json is {"ok":bool,"entries":N,"firstBadSequence":N,"problem":"..."}. */
HSDT_EXPORT hsdt_status hsdt_audit_verify(hsdt_db* db, hsdt_session* session,
                                          uint64_t digest_sequence, const char* digest_head_hex,
                                          char** out_json, size_t* out_len);
/* The head of the chain: keep it outside the database. *out_head_hex (hsdt_free). */
HSDT_EXPORT hsdt_status hsdt_audit_digest(hsdt_db* db, hsdt_session* session,
                                          uint64_t* out_sequence, char** out_head_hex);
/* A JSON array of entries from `from_sequence`, at most `limit`. */
HSDT_EXPORT hsdt_status hsdt_audit_read(hsdt_db* db, hsdt_session* session, uint64_t from_sequence,
                                        size_t limit, char** out_json, size_t* out_len);

/* The entries from `from_sequence` on that match every filter given (NULL or "": any): the acting
 * account, its unit, a dossier (its id leads the target, or a query's reason names it), the
 * action; `outcome` -1 any, 0 denied, 1 allowed; recorded in [from_micros, until_micros). At most
 * `limit` (1 to 10000). *out_json: {"entries":[...as hsdt_audit_read],"nextSequence":N (0: the
 * end),"examined":N}. Article 14.4 inspections. Since: ABI 1.3 */
HSDT_EXPORT hsdt_status hsdt_audit_find(hsdt_db* db, hsdt_session* session, const char* actor,
                                        const char* unit, const char* dossier_id, const char* action,
                                        int outcome, int64_t from_micros, int64_t until_micros,
                                        uint64_t from_sequence, size_t limit, char** out_json,
                                        size_t* out_len);

/* ---- queries and counts (docs/format.md, "Queries") */
/* Runs a JSON query (with `explain` non-zero, only plans it). *out_json is
 * {"fields":[...],"rows":[{"id":...,"<field>":"..."}],"nextCursor":"...","plan":"...","examined":N};
 * redacted values are left out of their row. */
HSDT_EXPORT hsdt_status hsdt_find(hsdt_db* db, hsdt_session* session, const char* query_json,
                                  int explain, char** out_json, size_t* out_len);
/* Counts grouped by up to three fields: {"groupBy":[...],"filter":{...},"referenceDate":"..."}.
 * *out_json is {"groupBy":[...],"rows":[{"key":[...],"count":N}],"total":N}. */
HSDT_EXPORT hsdt_status hsdt_count(hsdt_db* db, hsdt_session* session, const char* count_json,
                                   char** out_json, size_t* out_len);
/* Exports every dossier the query selects: format HSDT_EXPORT_JSON_LINES or HSDT_EXPORT_CSV (UTF-8
 * with a BOM); with `whole` non-zero (JSON Lines only) each line is the whole dossier. The export
 * is one buffer: for large exports use hsdt_export_to. */
HSDT_EXPORT hsdt_status hsdt_export(hsdt_db* db, hsdt_session* session, const char* query_json,
                                    int format, int whole, char** out_data, size_t* out_len);
/* Receives an export in chunks: `data` (`len` bytes, not NUL-terminated) is valid during the call
 * only. Return HSDT_OK to go on; any other status stops the export, which returns it. */
typedef hsdt_status (*hsdt_sink_fn)(void* user_data, const char* data, size_t len);
/* Exports as hsdt_export, streamed: `sink` is called on the calling thread with chunks of at least
 * 64 KiB but the last (CSV: at least one call, with the BOM and the header line; JSON Lines with
 * no rows: none), so memory stays bounded whatever the size. *out_rows (may be NULL) is the
 * number of dossiers written. The sink may call this library again, but must not close `db`.
 * If the sink stops the export, the call returns the sink's status and hsdt_last_error() says
 * the sink stopped it. The export is audited as one, whatever the sink does. Since: ABI 1.2 */
HSDT_EXPORT hsdt_status hsdt_export_to(hsdt_db* db, hsdt_session* session, const char* query_json,
                                       int format, int whole, hsdt_sink_fn sink, void* user_data,
                                       uint64_t* out_rows);
/* Creates the dossiers of `jsonl` (JSON Lines) in batches of `batch_lines` (0: 1000), each batch
 * all or nothing; reason/number/date cite the source as for hsdt_dossier_create. Returns HSDT_OK
 * with *out_json {"lines":N,"imported":N,"batchesCommitted":N,"batchesRejected":N,
 * "errors":[{"line":N,"message":"$.path: ..."}],"ids":[...]} even when lines were rejected. */
HSDT_EXPORT hsdt_status hsdt_import(hsdt_db* db, hsdt_session* session, const char* jsonl,
                                    size_t jsonl_len, uint32_t batch_lines, const char* reason,
                                    const char* source_number, const char* source_date,
                                    char** out_json, size_t* out_len);
/* ---- deadlines (article 9) and the semi-annual report (article 13) */
/* Late dossiers, late events and missing supplementary declarations of a period ("YYYY-MM-DD");
 * `unit` NULL or "" for every unit the session reports on; `supplement_year` 0 for the year
 * before the period's end. *out_json: {"period":..,"units":[..],"district":{..},"items":[..]}. */
HSDT_EXPORT hsdt_status hsdt_deadlines(hsdt_db* db, hsdt_session* session, const char* from,
                                       const char* to, const char* unit, int supplement_year,
                                       char** out_json, size_t* out_len);
/* The report due on `due` ("YYYY-06-01" or "YYYY-12-01"): format HSDT_REPORT_JSON, _CSV or _HTML. */
HSDT_EXPORT hsdt_status hsdt_report(hsdt_db* db, hsdt_session* session, const char* due,
                                    int format, char** out_data, size_t* out_len);
/* Checks every index entry (district administrators); with `repair` non-zero, fixes them.
 * *out_json is {"dossiers":N,"entries":N,"missing":N,"stray":N,"wrong":N,"repaired":N,
 * "problems":[...]}. */
HSDT_EXPORT hsdt_status hsdt_index_verify(hsdt_db* db, hsdt_session* session, int repair,
                                          char** out_json, size_t* out_len);

#ifdef __cplusplus
}
#endif

#endif /* HSDT_H_ */
