/* The C ABI from C99: open, create, get, update, status, history, as-of, diff, check, backup,
 * restore, re-key, change key, errors and misuse. Built with -std=c99 -pedantic. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsdt.h"

static int failures = 0;

#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, \
              __LINE__, #cond, hsdt_last_error());                              \
      failures++;                                                               \
    }                                                                           \
  } while (0)

static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  char* buf;
  long n;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* A copy of `s` on one line (for JSON Lines). */
static char* one_line(const char* s) {
  char* out = malloc(strlen(s) + 1);
  size_t i;
  for (i = 0; s[i] != '\0'; i++) out[i] = (s[i] == '\n' || s[i] == '\r') ? ' ' : s[i];
  out[i] = '\0';
  return out;
}

/* A NULL required pointer is HSDT_MISUSE and changes nothing: no dossier written, no audit entry
 * made. `id` names the one dossier there is (HS00000001). */
static void null_outputs_change_nothing(hsdt_db* db, hsdt_session* admin, hsdt_session* editor,
                                        const char* id, const char* sample) {
  uint64_t seq_before = 0, seq_after = 0;
  char* head = NULL;
  char* json = NULL;
  char* line = one_line(sample);
  size_t len = 7;
  uint32_t version = 9;
  const char* ids[1];
  CHECK(hsdt_audit_digest(db, admin, &seq_before, &head) == HSDT_OK);
  hsdt_free(head);
  CHECK(hsdt_dossier_create(db, editor, sample, strlen(sample), "", "1/QĐ", "2024-01-01", NULL, &version) ==
        HSDT_MISUSE);
  CHECK(version == 0);
  CHECK(strstr(hsdt_last_error(), "out_id") != NULL);
  CHECK(hsdt_import(db, editor, line, strlen(line), 0, "", "5/QĐ", "2024-01-05", NULL, &len) == HSDT_MISUSE);
  CHECK(len == 0);
  CHECK(hsdt_dossier_get(db, editor, id, 0, NULL, &len, NULL) == HSDT_MISUSE);
  CHECK(hsdt_dossier_get_version(db, editor, id, 1, 0, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_dossier_get_as_of(db, editor, id, INT64_MAX, 0, NULL, &len, NULL) == HSDT_MISUSE);
  CHECK(hsdt_dossier_history(db, editor, id, 0, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_dossier_diff(db, editor, id, 1, 2, 0, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_find(db, editor, "{}", 0, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_count(db, editor, "{\"groupBy\": [\"status\"]}", NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_export(db, editor, "{}", 1, 0, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_deadlines(db, editor, "2000-01-01", "2030-12-31", NULL, 0, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_report(db, admin, "2026-12-01", 1, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_index_verify(db, admin, 1, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_db_check(db, admin, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_account_list(db, admin, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_unit_list(db, admin, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_handover_list(db, admin, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_handover_request(db, editor, id, "1/CV", "2024-04-01", "", NULL) == HSDT_MISUSE);
  ids[0] = id;
  CHECK(hsdt_grant_issue(db, admin, "anlac.editor", NULL, ids, 1, NULL, HSDT_GRANT_READ, NULL, 0, "78/CV-UBND",
                         "2024-02-01", "Chủ tịch UBND quận", 0, INT64_MAX, "", NULL) == HSDT_MISUSE);
  ids[0] = NULL;
  CHECK(hsdt_grant_issue(db, admin, "anlac.editor", NULL, ids, 1, NULL, HSDT_GRANT_READ, NULL, 0, "78/CV-UBND",
                         "2024-02-01", "Chủ tịch UBND quận", 0, INT64_MAX, "", &json) == HSDT_MISUSE);
  CHECK(json == NULL);
  CHECK(hsdt_explain(db, admin, "anlac.editor", 1, id, 0, 0, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_audit_read(db, admin, 1, 10, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_audit_verify(db, admin, 0, NULL, NULL, &len) == HSDT_MISUSE);
  CHECK(hsdt_audit_verify(db, admin, 3, NULL, &json, &len) == HSDT_MISUSE);
  CHECK(hsdt_db_change_key(db, admin, HSDT_KEY_RAW, NULL, 32) == HSDT_MISUSE);
  /* A digest that is not 64 hex digits is bad input, not a rewritten history. */
  CHECK(hsdt_audit_verify(db, admin, 3, "not hex at all", &json, &len) == HSDT_INVALID_ARGUMENT);
  CHECK(json == NULL && strstr(hsdt_last_error(), "64 hex digits") != NULL);
  CHECK(hsdt_audit_verify(db, admin, 3, "zz00000000000000000000000000000000000000000000000000000000000000", &json,
                          &len) == HSDT_INVALID_ARGUMENT);
  CHECK(json == NULL);
  /* Nothing above was audited (the second digest's entry follows the first's), nothing written. */
  CHECK(hsdt_audit_digest(db, admin, &seq_after, &head) == HSDT_OK);
  hsdt_free(head);
  CHECK(seq_after == seq_before + 1);
  CHECK(hsdt_dossier_get(db, editor, "HS00000002", 0, &json, &len, NULL) == HSDT_NOT_FOUND);
  free(line);
}

/* Every offset names the same instant; a date is a day of the zone; impossible dates are bad input. */
static void instants_honour_offsets(void) {
  int64_t a = 1, b = 2, c = 3;
  hsdt_options* options = NULL;
  CHECK(hsdt_parse_instant("2026-12-02T02:17:22+07:00", NULL, false, &a) == HSDT_OK);
  CHECK(hsdt_parse_instant("2026-12-01T14:17:22-05:00", NULL, false, &b) == HSDT_OK);
  CHECK(hsdt_parse_instant("2026-12-01T19:17:22Z", "UTC", false, &c) == HSDT_OK);
  CHECK(a == b && b == c && c == INT64_C(1796152642000000));
  CHECK(hsdt_parse_instant("2026-12-02", NULL, false, &a) == HSDT_OK);
  CHECK(a == INT64_C(1796144400000000)); /* 2026-12-01T17:00:00Z */
  CHECK(hsdt_parse_instant("2026-12-02", NULL, true, &a) == HSDT_OK);
  CHECK(a == INT64_C(1796230800000000)); /* 2026-12-02T17:00:00Z */
  CHECK(hsdt_parse_instant("2024-02-30", NULL, false, &a) == HSDT_INVALID_ARGUMENT);
  CHECK(a == 0 && strstr(hsdt_last_error(), "2024-02-30") != NULL);
  CHECK(hsdt_parse_instant("0000-00-00", NULL, false, &a) == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_parse_instant("2026-12-02", "Nowhere/Atlantis", false, &a) == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_parse_instant(NULL, NULL, false, &a) == HSDT_MISUSE);
  CHECK(hsdt_parse_instant("2026-12-02", NULL, false, NULL) == HSDT_MISUSE);
  CHECK(hsdt_options_create(&options) == HSDT_OK);
  CHECK(hsdt_options_set_time_zone(options, "Asia/Ho_Chi_Minh") == HSDT_OK);
  CHECK(hsdt_options_set_time_zone(options, "Nowhere/Atlantis") == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_options_set_time_zone(options, NULL) == HSDT_MISUSE);
  hsdt_options_free(options);
}

/* Released and stale handles are HSDT_MISUSE, never a read of freed memory (the test runs under
 * ASan too); an out-of-range key kind is bad input, not undefined behaviour. */
static void stale_handles_are_misuse(const char* dir, const uint8_t* key, size_t key_len) {
  hsdt_options* options = NULL;
  hsdt_db* db = NULL;
  hsdt_session* editor = NULL;
  char* json = NULL;
  size_t len = 0;
  CHECK(hsdt_options_create(&options) == HSDT_OK);
  hsdt_options_free(options);
  CHECK(hsdt_options_set_sync(options, true) == HSDT_MISUSE);
  CHECK(hsdt_options_set_first_admin(options, "a", "b", "c") == HSDT_MISUSE);
  CHECK(hsdt_db_open(dir, HSDT_KEY_RAW, key, key_len, options, &db) == HSDT_MISUSE);
  CHECK(db == NULL);
  hsdt_options_free(options); /* a second free is refused, not a double free */
  CHECK(strstr(hsdt_last_error(), "options") != NULL);
  CHECK(hsdt_db_open(dir, (hsdt_key_kind)99, key, key_len, NULL, &db) == HSDT_INVALID_ARGUMENT);
  CHECK(db == NULL && strstr(hsdt_last_error(), "kind") != NULL);
  CHECK(hsdt_db_open(dir, (hsdt_key_kind)-1, key, key_len, NULL, &db) == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_db_open(dir, HSDT_KEY_RAW, NULL, key_len, NULL, &db) == HSDT_MISUSE);
  CHECK(hsdt_backup_verify(dir, (hsdt_key_kind)99, key, key_len, 0) == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_db_open(dir, HSDT_KEY_RAW, key, key_len, NULL, &db) == HSDT_OK);
  CHECK(hsdt_db_change_key(db, NULL, (hsdt_key_kind)99, key, key_len) == HSDT_MISUSE);
  CHECK(hsdt_login(db, "anlac.editor", "cán bộ phường An Lạc 2024", &editor) == HSDT_OK);
  CHECK(hsdt_db_change_key(db, editor, (hsdt_key_kind)99, key, key_len) == HSDT_INVALID_ARGUMENT);
  hsdt_session_free(editor);
  CHECK(hsdt_dossier_get(db, editor, "HS00000001", 0, &json, &len, NULL) == HSDT_MISUSE);
  CHECK(json == NULL && strstr(hsdt_last_error(), "session") != NULL);
  CHECK(hsdt_logout(db, editor) == HSDT_MISUSE);
  hsdt_session_free(editor); /* refused: already released */
  CHECK(hsdt_db_close(db) == HSDT_OK);
  CHECK(hsdt_db_close(db) == HSDT_MISUSE);
  CHECK(hsdt_login(db, "anlac.editor", "cán bộ phường An Lạc 2024", &editor) == HSDT_MISUSE);
  CHECK(editor == NULL);
  CHECK(hsdt_dossier_get(db, NULL, "HS00000001", 0, &json, &len, NULL) == HSDT_MISUSE);
  CHECK(hsdt_db_sync(db, NULL) == HSDT_MISUSE);
}

/* ABI 1.2: the calls the C++ API had that the C ABI lacked, and the streamed export. */
struct sink_state {
  size_t calls;
  size_t bytes;
  char* data;
  hsdt_status answer;
};

static hsdt_status collect(void* user, const char* data, size_t len) {
  struct sink_state* st = (struct sink_state*)user;
  char* grown = (char*)realloc(st->data, st->bytes + len + 1);
  if (grown == NULL) return HSDT_RESOURCE_EXHAUSTED;
  st->data = grown;
  memcpy(st->data + st->bytes, data, len);
  st->bytes += len;
  st->data[st->bytes] = '\0';
  st->calls++;
  return st->answer;
}

static void on_change(void* user, uint64_t position) {
  (void)user;
  (void)position;
}

/* Byte `i` of the test scan: a PDF header, then a pattern. */
static char scan_byte(size_t i) {
  static const char head[] = "%PDF-1.4\n";
  return i < sizeof head - 1 ? head[i] : (char)((i * 2654435761u) >> 13);
}
enum { kScanBytes = 600 * 1024 + 17 };

/* Reads attachment `aid` through `db` (for `purpose`) with reads of 1000 bytes; true if it is the
 * test scan. */
static int read_scan(hsdt_db* db, hsdt_session* session, const char* aid, int purpose) {
  hsdt_attachment_reader* reader = NULL;
  char buffer[1000];
  size_t n = 0, at = 0, i;
  int same = 1;
  CHECK(hsdt_attachment_open(db, session, aid, 0, purpose, &reader) == HSDT_OK);
  if (reader == NULL) return 0;
  do {
    CHECK(hsdt_attachment_read(reader, buffer, sizeof buffer, &n) == HSDT_OK);
    for (i = 0; i < n; i++) same &= at + i < kScanBytes && buffer[i] == scan_byte(at + i);
    at += n;
  } while (n != 0);
  hsdt_attachment_reader_free(reader);
  return same && at == kScanBytes;
}

/* ABI 1.3: a scan attached in pieces, listed, read back; misuse and refusals. */
static void abi_1_3_attachments(hsdt_db* db, hsdt_session* admin, hsdt_session* editor, const char* id) {
  hsdt_attachment_writer* writer = NULL;
  hsdt_attachment_reader* reader = NULL;
  char piece[4096];
  char* json = NULL;
  size_t len = 0, at, i, n = 7;
  CHECK(hsdt_attachment_begin(db, editor, id, "salaryHistory.9", HSDT_ATTACHMENT_DECISION, "Quyết định", "1/QĐ",
                              "2024-01-01", 1, NULL, "quét", &writer) == HSDT_NOT_FOUND);
  CHECK(writer == NULL && strstr(hsdt_last_error(), "salaryHistory") != NULL);
  CHECK(hsdt_attachment_begin(db, editor, id, NULL, HSDT_ATTACHMENT_DECISION, "Quyết định", NULL, NULL, 0, NULL,
                              "quét", &writer) == HSDT_INVALID_ARGUMENT);
  CHECK(strstr(hsdt_last_error(), "source") != NULL);
  CHECK(hsdt_attachment_begin(db, admin, id, "", HSDT_ATTACHMENT_DECISION, "Quyết định", "1/QĐ", "2024-01-01", 1,
                              NULL, "quét", NULL) == HSDT_MISUSE);
  CHECK(hsdt_attachment_begin(db, editor, id, "salaryHistory.0", HSDT_ATTACHMENT_DECISION,
                              "Quyết định nâng bậc lương", "12/QĐ-UBND", "2024-07-01", 2, NULL, "quét",
                              &writer) == HSDT_OK);
  for (at = 0; at < kScanBytes; at += n) {
    n = kScanBytes - at < sizeof piece ? kScanBytes - at : sizeof piece;
    for (i = 0; i < n; i++) piece[i] = scan_byte(at + i);
    CHECK(hsdt_attachment_append(writer, piece, n) == HSDT_OK);
  }
  CHECK(hsdt_attachment_append(writer, NULL, 1) == HSDT_MISUSE);
  CHECK(hsdt_db_close(db) == HSDT_BUSY); /* and db stays open */
  CHECK(hsdt_attachment_finish(writer, &json, &len) == HSDT_OK);
  CHECK(json != NULL && strstr(json, "\"id\":\"TL00000001\",\"version\":1") != NULL &&
        strstr(json, "\"mediaType\":\"application/pdf\"") != NULL && strstr(json, "\"size\":614417") != NULL &&
        strstr(json, "\"event\":\"salaryHistory.0\"") != NULL);
  hsdt_free(json);
  hsdt_attachment_writer_free(writer);
  CHECK(hsdt_attachment_append(writer, piece, 1) == HSDT_MISUSE); /* freed */
  hsdt_attachment_writer_free(writer);
  CHECK(strstr(hsdt_last_error(), "freed") != NULL);

  CHECK(read_scan(db, editor, "TL00000001", 0));
  CHECK(hsdt_attachment_open(db, editor, "TL00000001", 0, 0, &reader) == HSDT_OK);
  CHECK(hsdt_attachment_info(reader, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"title\":\"Quyết định nâng bậc lương\"") != NULL && strstr(json, "\"sha256\":\"") != NULL);
  hsdt_free(json);
  CHECK(hsdt_attachment_read(reader, piece, sizeof piece, NULL) == HSDT_MISUSE);
  hsdt_attachment_reader_free(reader);
  CHECK(hsdt_attachment_read(reader, piece, sizeof piece, &len) == HSDT_MISUSE);
  CHECK(hsdt_attachment_open(db, editor, "TL00000002", 0, 0, &reader) == HSDT_NOT_FOUND);
  CHECK(reader == NULL);

  CHECK(hsdt_attachment_list(db, editor, id, 0, &json, &len) == HSDT_OK);
  CHECK(json[0] == '[' && strstr(json, "\"described\":true") != NULL && strstr(json, "\"versions\":1") != NULL);
  hsdt_free(json);
  CHECK(hsdt_attachment_history(db, admin, "TL00000001", HSDT_PURPOSE_INSPECTION, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"actor\":\"anlac.editor\"") != NULL);
  hsdt_free(json);
  CHECK(hsdt_attachment_list(db, editor, "HS1", 0, &json, &len) == HSDT_INVALID_ARGUMENT);
  CHECK(json == NULL && strstr(hsdt_last_error(), "dossier_id") != NULL);

  /* Article 14.4: the refusals about this dossier. */
  CHECK(hsdt_audit_find(db, admin, NULL, NULL, id, NULL, 0, INT64_MIN, INT64_MAX, 1, 100, &json, &len) == HSDT_OK);
  CHECK(json != NULL && strncmp(json, "{\"entries\":[{", 13) == 0 && strstr(json, "\"actor\":\"anlaca.viewer\"") != NULL &&
        strstr(json, "\"allowed\":true") == NULL && strstr(json, "\"nextSequence\":0") != NULL);
  hsdt_free(json);
  CHECK(hsdt_audit_find(db, admin, NULL, NULL, NULL, NULL, 5, INT64_MIN, INT64_MAX, 1, 100, &json, &len) ==
        HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_audit_find(db, editor, NULL, NULL, NULL, NULL, -1, INT64_MIN, INT64_MAX, 1, 100, &json, &len) ==
        HSDT_PERMISSION_DENIED);
}

/* ABI 1.3: the archive out and into a new database, with progress. */
static void count_progress(void* user_data, const char* stage, uint64_t done) {
  (void)stage;
  (void)done;
  ++*(int*)user_data;
}

static void abi_1_3_archive(hsdt_db* db, hsdt_session* admin, hsdt_session* editor, const char* work,
                            const uint8_t* key, size_t key_len) {
  char archive[600], copy[600];
  char* json = NULL;
  size_t len = 0;
  int calls = 0;
  hsdt_options* options = NULL;
  hsdt_db* imported = NULL;
  hsdt_session* admin2 = NULL;
  snprintf(archive, sizeof archive, "%s/archive", work);
  snprintf(copy, sizeof copy, "%s/from-archive", work);
  CHECK(hsdt_archive_export(db, editor, archive, NULL, NULL, &json, &len) == HSDT_PERMISSION_DENIED);
  CHECK(hsdt_archive_export(db, admin, NULL, NULL, NULL, &json, &len) == HSDT_MISUSE);
  CHECK(hsdt_archive_export(db, admin, archive, count_progress, &calls, &json, &len) == HSDT_OK);
  CHECK(calls > 0 && json != NULL && strstr(json, "\"dossiers\":1") != NULL &&
        strstr(json, "\"attachmentFiles\":1") != NULL && strstr(json, "\"manifestSha256\":\"") != NULL);
  hsdt_free(json);
  CHECK(hsdt_options_create(&options) == HSDT_OK);
  CHECK(hsdt_archive_import(archive, copy, HSDT_KEY_RAW, key, key_len, options, NULL, NULL, &json, &len) ==
        HSDT_INVALID_ARGUMENT); /* no first administrator */
  CHECK(hsdt_options_set_first_admin(options, "nv.admin", "Quản trị", "mật khẩu mới sau khi chuyển 2026") == HSDT_OK);
  CHECK(hsdt_archive_import(archive, copy, HSDT_KEY_RAW, key, key_len, options, NULL, NULL, &json, &len) == HSDT_OK);
  CHECK(json != NULL && strstr(json, "\"attachmentVersions\":1") != NULL);
  hsdt_free(json);
  CHECK(hsdt_db_open(copy, HSDT_KEY_RAW, key, key_len, NULL, &imported) == HSDT_OK);
  CHECK(hsdt_login(imported, "nv.admin", "mật khẩu mới sau khi chuyển 2026", &admin2) == HSDT_OK);
  CHECK(read_scan(imported, admin2, "TL00000001", HSDT_PURPOSE_INSPECTION)); /* the scan came along */
  CHECK(hsdt_attachment_list(imported, admin2, "HS00000001", HSDT_PURPOSE_INSPECTION, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"id\":\"TL00000001\"") != NULL);
  hsdt_free(json);
  hsdt_session_free(admin2);
  CHECK(hsdt_db_close(imported) == HSDT_OK);
  hsdt_options_free(options);
}

static void abi_1_2_calls(hsdt_db* db, hsdt_session* admin, hsdt_session* editor, const char* id) {
  static const char query[] = "{\"filter\": {\"eq\": {\"field\": \"managingUnit\", \"value\": \"27460\"}}}";
  struct sink_state st = {0, 0, NULL, HSDT_OK};
  char* json = NULL;
  size_t len = 0;
  uint32_t dictionary = 7;
  uint64_t rows = 0;

  CHECK(HSDT_ACTION_MAINTAIN == 15 && HSDT_EXPORT_CSV == 2 && HSDT_REPORT_HTML == 3);
  CHECK(hsdt_list_ids(db, editor, "27460", NULL, 10, &json, &len) == HSDT_OK);
  CHECK(json != NULL && strcmp(json, "[\"HS00000001\"]") == 0 && len == strlen(json));
  hsdt_free(json);
  CHECK(hsdt_list_ids(db, admin, NULL, "HS00000001", 10, &json, &len) == HSDT_OK);
  CHECK(strcmp(json, "[]") == 0);
  hsdt_free(json);
  CHECK(hsdt_list_ids(db, editor, "27463", NULL, 10, &json, &len) == HSDT_PERMISSION_DENIED);
  CHECK(json == NULL);
  CHECK(hsdt_list_ids(db, editor, "27460", NULL, 0, &json, &len) == HSDT_INVALID_ARGUMENT);
  CHECK(strstr(hsdt_last_error(), "limit") != NULL);
  CHECK(hsdt_list_ids(db, editor, "27460", "not an id", 10, &json, &len) == HSDT_INVALID_ARGUMENT);

  CHECK(hsdt_dossier_in_force_on(db, editor, id, "2030-01-01", 0, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"date\":\"2030-01-01\"") != NULL && strstr(json, "\"positions\":[") != NULL);
  hsdt_free(json);
  CHECK(hsdt_dossier_in_force_on(db, editor, id, "2030-02-30", 0, &json, &len) == HSDT_INVALID_ARGUMENT);
  CHECK(json == NULL);
  CHECK(hsdt_dossier_in_force_on(db, editor, id, NULL, 0, &json, &len) == HSDT_MISUSE);

  CHECK(hsdt_db_stats(db, editor, &json, &len) == HSDT_PERMISSION_DENIED);
  CHECK(hsdt_db_stats(db, admin, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"dossiers\":1,") != NULL && strstr(json, "\"readOnly\":false") != NULL);
  hsdt_free(json);
  CHECK(hsdt_db_train_dictionary(db, admin, NULL) == HSDT_MISUSE);
  CHECK(hsdt_db_train_dictionary(db, admin, &dictionary) == HSDT_INVALID_ARGUMENT); /* one dossier */
  CHECK(dictionary == 0 && strstr(hsdt_last_error(), "50") != NULL);

  CHECK(hsdt_unit_create(db, admin, "777-TT", "Tổ thử", "agency", "thử") == HSDT_OK);
  CHECK(hsdt_unit_set_active(db, editor, "777-TT", false, "giải thể") == HSDT_PERMISSION_DENIED);
  CHECK(hsdt_unit_set_active(db, admin, "777-TT", false, "giải thể") == HSDT_OK);
  CHECK(hsdt_unit_set_active(db, admin, "777-NONE", false, "") == HSDT_NOT_FOUND);
  CHECK(hsdt_unit_list(db, admin, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "{\"code\":\"777-TT\",\"nameVi\":\"Tổ thử\",\"kind\":\"agency\",\"tier\":1,\"active\":false}") != NULL);
  hsdt_free(json);

  CHECK(hsdt_grant_list(db, editor, &json, &len) == HSDT_PERMISSION_DENIED);
  CHECK(hsdt_grant_list(db, admin, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"id\":\"GR00000001\"") != NULL && strstr(json, "\"purposes\":[4]") != NULL &&
        strstr(json, "\"dossiers\":[\"HS00000001\"]") != NULL && strstr(json, "\"revoked\":false") != NULL);
  hsdt_free(json);

  /* The streamed export gives the bytes of the buffered one. */
  CHECK(hsdt_export_to(db, editor, query, HSDT_EXPORT_JSON_LINES, 0, NULL, NULL, &rows) == HSDT_MISUSE);
  CHECK(hsdt_export_to(db, editor, query, HSDT_EXPORT_JSON_LINES, 0, collect, &st, &rows) == HSDT_OK);
  CHECK(rows == 1 && st.calls == 1 && st.data != NULL && strstr(st.data, "Nhung") != NULL);
  CHECK(hsdt_export(db, editor, query, HSDT_EXPORT_JSON_LINES, 0, &json, &len) == HSDT_OK);
  CHECK(len == st.bytes && memcmp(json, st.data, len) == 0);
  hsdt_free(json);
  free(st.data);
  st.data = NULL;
  st.bytes = st.calls = 0;
  st.answer = HSDT_IO_ERROR; /* a sink that fails stops the export with its status */
  CHECK(hsdt_export_to(db, editor, query, HSDT_EXPORT_CSV, 0, collect, &st, &rows) == HSDT_IO_ERROR);
  CHECK(st.calls == 1 && rows == 0 && strstr(hsdt_last_error(), "sink") != NULL);
  free(st.data);
  CHECK(hsdt_export_to(db, editor, query, 9, 0, collect, &st, &rows) == HSDT_INVALID_ARGUMENT);

  /* The change feed: the editor sees its unit's dossier, not accounts. */
  CHECK(hsdt_changes(db, editor, 0, 1000, HSDT_PURPOSE_NONE, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "{\"position\":") != NULL && strstr(json, "\"subject\":\"dossier\",\"kind\":\"create\",\"id\":\"HS00000001\",\"version\":1") != NULL &&
        strstr(json, "\"subject\":\"account\"") == NULL && strstr(json, "\"next\":") != NULL);
  hsdt_free(json);
  CHECK(hsdt_changes(db, admin, 0, 1000, HSDT_PURPOSE_INSPECTION, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"subject\":\"account\",\"kind\":\"create\",\"id\":\"anlac.editor\"") != NULL &&
        strstr(json, "\"id\":\"HS00000001\"") != NULL); /* with a purpose, every unit's dossiers */
  hsdt_free(json);
  CHECK(hsdt_changes(db, admin, 0, 1000, HSDT_PURPOSE_NONE, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"id\":\"HS00000001\"") == NULL); /* without one, none */
  hsdt_free(json);
  CHECK(hsdt_changes(db, editor, 0, 0, HSDT_PURPOSE_NONE, &json, &len) == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_changes(db, editor, 0, 10, 99, &json, &len) == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_change_observer_add(db, NULL, NULL, &rows) == HSDT_MISUSE);
  CHECK(hsdt_change_observer_add(db, on_change, NULL, &rows) == HSDT_OK && rows == 1);
  CHECK(hsdt_change_observer_remove(db, rows) == HSDT_OK);
  CHECK(hsdt_change_observer_remove(db, rows) == HSDT_NOT_FOUND);
}

static char* replace(const char* s, const char* from, const char* to) {
  const char* at = strstr(s, from);
  size_t head = (size_t)(at - s);
  char* out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
  memcpy(out, s, head);
  strcpy(out + head, to);
  strcat(out, at + strlen(from));
  return out;
}

int main(int argc, char** argv) {
  uint8_t key[HSDT_KEY_BYTES];
  uint8_t other_key[HSDT_KEY_BYTES];
  char path[512], backups[512], restored[512];
  hsdt_options* options = NULL;
  hsdt_db* db = NULL;
  hsdt_db* bad = (hsdt_db*)1;
  hsdt_session* admin = NULL;
  hsdt_session* editor = NULL;
  hsdt_session* other = (hsdt_session*)1;
  uint64_t digest_seq = 0;
  char* digest_head = NULL;
  char* id = NULL;
  char* unused_id = NULL;
  char* json = NULL;
  char* v2;
  size_t json_len = 0, len = 0;
  uint32_t version = 0, backup_id = 0;
  bool done = false;
  uint64_t remaining = 1;
  size_t i;
  hsdt_status s;
  char* sample;

  if (argc != 3) {
    fprintf(stderr, "usage: c_api_test SAMPLE_JSON WORK_DIR\n");
    return 2;
  }
  sample = read_file(argv[1], &json_len);
  CHECK(sample != NULL);
  for (i = 0; i < sizeof key; i++) {
    key[i] = (uint8_t)(i * 7 + 1);
    other_key[i] = (uint8_t)(i * 5 + 2);
  }
  snprintf(path, sizeof path, "%s/db", argv[2]);
  snprintf(backups, sizeof backups, "%s/backups", argv[2]);
  snprintf(restored, sizeof restored, "%s/restored", argv[2]);

  CHECK(hsdt_abi_version() == ((HSDT_ABI_VERSION_MAJOR << 16) | HSDT_ABI_VERSION_MINOR));
  CHECK(hsdt_key_bytes() == HSDT_KEY_BYTES);
  CHECK(strcmp(hsdt_status_name(HSDT_CONFLICT), "Conflict") == 0);
  CHECK(hsdt_status_name((hsdt_status)99) != NULL); /* out of range: a name, not UB */
  CHECK(hsdt_status_name((hsdt_status)-1) != NULL);
  CHECK(strlen(hsdt_version()) > 0);

  instants_honour_offsets();

  /* Misuse: NULL handles and outputs. */
  CHECK(hsdt_db_open(path, HSDT_KEY_RAW, key, sizeof key, NULL, NULL) == HSDT_MISUSE);
  CHECK(hsdt_dossier_get(NULL, NULL, "HS00000001", 0, &json, &len, NULL) == HSDT_MISUSE);
  CHECK(hsdt_db_close(NULL) == HSDT_OK);
  hsdt_free(NULL);
  hsdt_options_free(NULL);

  /* Not there yet: NotFound, and *out is NULL. */
  s = hsdt_db_open(path, HSDT_KEY_RAW, key, sizeof key, NULL, &bad);
  CHECK(s == HSDT_NOT_FOUND);
  CHECK(bad == NULL);

  CHECK(hsdt_options_create(&options) == HSDT_OK);
  CHECK(hsdt_options_set_create_if_missing(options, true) == HSDT_OK);
  CHECK(hsdt_options_set_kdf_cost(options, 7) == HSDT_INVALID_ARGUMENT);
  CHECK(strstr(hsdt_last_error(), "cost") != NULL);
  CHECK(hsdt_options_set_kdf_cost(options, 0) == HSDT_OK);
  CHECK(hsdt_options_set_password_cost(options, 0) == HSDT_OK);
  CHECK(hsdt_db_open(path, HSDT_KEY_RAW, key, sizeof key, options, &db) == HSDT_INVALID_ARGUMENT);
  CHECK(strstr(hsdt_last_error(), "first_admin") != NULL);
  CHECK(hsdt_options_set_first_admin(options, "nv.admin", "Quản trị", "quản trị hồ sơ Bình Tân 2024") == HSDT_OK);
  CHECK(hsdt_db_open(path, HSDT_KEY_RAW, key, 16, options, &db) == HSDT_INVALID_ARGUMENT);
  CHECK(db == NULL);
  CHECK(hsdt_db_open(path, HSDT_KEY_RAW, key, sizeof key, options, &db) == HSDT_OK);

  /* Sessions: the administrator names an editor of phường An Lạc (27460), who sets a password. */
  CHECK(hsdt_login(db, "nv.admin", "wrong password entirely", &other) == HSDT_PERMISSION_DENIED);
  CHECK(other == NULL);
  CHECK(hsdt_login(db, "nobody", "wrong password entirely", &other) == HSDT_PERMISSION_DENIED);
  CHECK(hsdt_login(db, "NV.Admin", "quản trị hồ sơ Bình Tân 2024", &admin) == HSDT_OK);
  CHECK(hsdt_account_create(db, admin, "anlac.editor", "Biên tập An Lạc", "27460", HSDT_ROLE_UNIT_EDITOR,
                            "mật khẩu tạm thời 2024", "tuyển dụng") == HSDT_OK);
  CHECK(hsdt_login(db, "anlac.editor", "mật khẩu tạm thời 2024", &editor) == HSDT_OK);
  CHECK(hsdt_dossier_get(db, editor, "HS00000001", 0, &json, &len, NULL) == HSDT_PERMISSION_DENIED);
  CHECK(strstr(hsdt_last_error(), "temporary password") != NULL);
  CHECK(hsdt_change_password(db, editor, "mật khẩu tạm thời 2024", "short") == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_change_password(db, editor, "mật khẩu tạm thời 2024", "cán bộ phường An Lạc 2024") == HSDT_OK);

  /* Create, with a source document; bad input names the JSON path. */
  CHECK(hsdt_dossier_create(db, admin, sample, json_len, "tạo mới", "845/QĐ-UBND", "2008-08-20", &unused_id,
                            NULL) == HSDT_PERMISSION_DENIED);
  CHECK(unused_id == NULL);
  CHECK(hsdt_dossier_create(db, editor, sample, json_len, "tạo mới", "845/QĐ-UBND", "2008-08-20", &id,
                            &version) == HSDT_OK);
  CHECK(id != NULL && strcmp(id, "HS00000001") == 0);
  CHECK(version == 1);
  v2 = replace(sample, "\"gender\": \"nu\"", "\"gender\": \"x\"");
  CHECK(hsdt_dossier_create(db, editor, v2, strlen(v2), "", "1/QĐ", "2024-01-01", &unused_id, NULL) ==
        HSDT_INVALID_ARGUMENT);
  CHECK(unused_id == NULL);
  CHECK(strstr(hsdt_last_error(), "$.gender") != NULL);
  free(v2);
  CHECK(hsdt_dossier_create(db, editor, sample, json_len, "", NULL, NULL, &unused_id, NULL) ==
        HSDT_INVALID_ARGUMENT);
  CHECK(unused_id == NULL);

  /* Get, update, conflict, status. */
  CHECK(hsdt_dossier_get(db, editor, id, 0, &json, &len, &version) == HSDT_OK);
  CHECK(json != NULL && len == strlen(json) && strstr(json, "\"given\":\"Nhung\"") != NULL);
  CHECK(version == 1);
  hsdt_free(json);
  v2 = replace(sample, "0908123456", "0909000111");
  CHECK(hsdt_dossier_update(db, editor, id, 1, v2, strlen(v2), "", "2/QĐ", "2024-01-02", &version) == HSDT_OK);
  CHECK(version == 2);
  CHECK(hsdt_dossier_update(db, editor, id, 1, v2, strlen(v2), "", "2/QĐ", "2024-01-02", &version) == HSDT_CONFLICT);
  CHECK(version == 0);
  free(v2);
  CHECK(hsdt_dossier_change_status(db, editor, id, 2, "nghiHuu", "", "3/QĐ", "2024-01-03", &version) == HSDT_OK);
  CHECK(version == 3);
  CHECK(hsdt_dossier_get(db, editor, "HS00000042", 0, &json, &len, NULL) == HSDT_NOT_FOUND);
  CHECK(json == NULL && len == 0);

  /* History, versions, as-of, diff. */
  CHECK(hsdt_dossier_history(db, editor, id, 0, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"version\":3") != NULL && strstr(json, "\"kind\":\"statusChange\"") != NULL);
  CHECK(strstr(json, "\"sourceNumber\":\"3/QĐ\"") != NULL);
  hsdt_free(json);
  CHECK(hsdt_dossier_get_version(db, editor, id, 1, 0, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "0908123456") != NULL);
  hsdt_free(json);
  CHECK(hsdt_dossier_get_as_of(db, editor, id, INT64_MAX, 0, &json, &len, &version) == HSDT_OK);
  CHECK(version == 3);
  hsdt_free(json);
  CHECK(hsdt_dossier_get_as_of(db, editor, id, 0, 0, &json, &len, &version) == HSDT_NOT_FOUND);
  CHECK(hsdt_dossier_diff(db, editor, id, 1, 2, 0, &json, &len) == HSDT_OK);
  CHECK(strcmp(json, "[\"$.phone\"]") == 0);
  hsdt_free(json);

  /* Queries, counts and index verification, JSON in and out. */
  CHECK(hsdt_find(db, editor, "{\"filter\": {\"name\": {\"text\": \"nguyen hong\"}}, \"fields\": [\"fullName\", \"status\"]}",
                  0, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"fullName\":\"Nguyễn Thị Hồng Nhung\"") != NULL && strstr(json, "\"status\":\"nghiHuu\"") != NULL);
  hsdt_free(json);
  CHECK(hsdt_find(db, editor, "{\"filter\": {\"eq\": {\"field\": \"shoeSize\", \"value\": \"9\"}}}", 0, &json, &len) ==
        HSDT_INVALID_ARGUMENT);
  CHECK(json == NULL && strstr(hsdt_last_error(), "$.filter.eq.field") != NULL);
  CHECK(hsdt_find(db, editor, NULL, 0, &json, &len) == HSDT_MISUSE);
  CHECK(hsdt_count(db, editor, "{\"groupBy\": [\"status\"]}", &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"key\":[\"nghiHuu\"],\"count\":1") != NULL);
  hsdt_free(json);
  /* Counts take statistical fields only: the error names the path and the field, never a value. */
  CHECK(hsdt_count(db, editor, "{\"filter\": {\"eq\": {\"field\": \"nationalId\", \"value\": \"079184001234\"}}}",
                   &json, &len) == HSDT_INVALID_ARGUMENT);
  CHECK(json == NULL && strstr(hsdt_last_error(), "filter.eq.field: nationalId identifies a person") != NULL &&
        strstr(hsdt_last_error(), "079184001234") == NULL);
  CHECK(hsdt_export(db, editor, "{\"filter\": {\"eq\": {\"field\": \"managingUnit\", \"value\": \"27460\"}}, \"fields\": [\"fullName\"]}",
                    2, 0, &json, &len) == HSDT_OK);
  CHECK(len > 3 && memcmp(json, "\xEF\xBB\xBFid,fullName\r\n", 16) == 0 && strstr(json, "Nhung") != NULL);
  hsdt_free(json);
  CHECK(hsdt_report(db, admin, "2026-12-01", 3, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "<html lang=\"vi\">") != NULL);
  hsdt_free(json);
  CHECK(hsdt_report(db, admin, "2026-12-02", 1, &json, &len) == HSDT_INVALID_ARGUMENT);
  CHECK(hsdt_deadlines(db, editor, "2000-01-01", "2030-12-31", NULL, 2025, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"supplementYear\":2025") != NULL && strstr(json, "\"kind\":\"noAnnualSupplement\"") == NULL);
  hsdt_free(json);
  CHECK(hsdt_import(db, editor, "{\"shoeSize\": 9}\n", 16, 0, "nhập", "5/QĐ", "2024-01-05", &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"imported\":0") != NULL && strstr(json, "{\"line\":1,\"message\":\"$.shoeSize: unknown field\"}") != NULL);
  hsdt_free(json);
  CHECK(hsdt_index_verify(db, editor, 0, &json, &len) == HSDT_PERMISSION_DENIED);
  CHECK(hsdt_index_verify(db, admin, 0, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"missing\":0,\"stray\":0,\"wrong\":0") != NULL);
  hsdt_free(json);

  /* Another unit reads only with a purpose and a grant. */
  CHECK(hsdt_account_create(db, admin, "anlaca.viewer", "Xem An Lạc A", "27463", HSDT_ROLE_UNIT_VIEWER,
                            "mật khẩu tạm thời 2025", "") == HSDT_OK);
  CHECK(hsdt_login(db, "anlaca.viewer", "mật khẩu tạm thời 2025", &other) == HSDT_OK);
  CHECK(hsdt_change_password(db, other, "mật khẩu tạm thời 2025", "người xem phường An Lạc A") == HSDT_OK);
  CHECK(hsdt_dossier_get(db, other, id, HSDT_PURPOSE_TRAINING, &json, &len, NULL) == HSDT_PERMISSION_DENIED);
  {
    const char* ids[1];
    int purposes[1] = {HSDT_PURPOSE_TRAINING};
    char* grant = NULL;
    ids[0] = id;
    CHECK(hsdt_grant_issue(db, admin, "anlaca.viewer", NULL, ids, 1, NULL, HSDT_GRANT_READ, purposes, 1,
                           "77/CV-UBND", "2024-02-01", "Chủ tịch UBND quận", 0, INT64_MAX, "đào tạo",
                           &grant) == HSDT_OK);
    CHECK(grant != NULL && strcmp(grant, "GR00000001") == 0);
    hsdt_free(grant);
  }
  CHECK(hsdt_dossier_get(db, other, id, HSDT_PURPOSE_TRAINING, &json, &len, NULL) == HSDT_OK);
  CHECK(strstr(json, "0908123456") == NULL); /* a read-only grant shows no personal fields */
  hsdt_free(json);
  CHECK(hsdt_dossier_get(db, other, id, HSDT_PURPOSE_DISCIPLINE, &json, &len, NULL) == HSDT_PERMISSION_DENIED);
  CHECK(hsdt_explain(db, admin, "anlaca.viewer", HSDT_ACTION_READ_DOSSIER, id, INT64_MAX - 1, HSDT_PURPOSE_TRAINING, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"allowed\":true") != NULL && strstr(json, "GR00000001") != NULL);
  hsdt_free(json);
  hsdt_session_free(other);

  abi_1_2_calls(db, admin, editor, id);
  abi_1_3_attachments(db, admin, editor, id);
  abi_1_3_archive(db, admin, editor, argv[2], key, sizeof key);
  {
    /* A read-only view beside the open database reads, and refuses writes. */
    hsdt_options* view_options = NULL;
    hsdt_db* view = NULL;
    hsdt_session* reader = NULL;
    CHECK(hsdt_db_open(path, HSDT_KEY_RAW, key, sizeof key, NULL, &view) == HSDT_BUSY);
    CHECK(strstr(hsdt_last_error(), "read_only") != NULL);
    CHECK(hsdt_options_create(&view_options) == HSDT_OK);
    CHECK(hsdt_options_set_read_only(view_options, true, -1) == HSDT_INVALID_ARGUMENT);
    CHECK(hsdt_options_set_read_only(view_options, true, 0) == HSDT_OK);
    CHECK(hsdt_db_open(path, HSDT_KEY_RAW, key, sizeof key, view_options, &view) == HSDT_OK);
    CHECK(hsdt_db_catch_up(view) == HSDT_OK);
    CHECK(hsdt_db_catch_up(db) == HSDT_INVALID_ARGUMENT);
    CHECK(hsdt_login(view, "anlac.editor", "cán bộ phường An Lạc 2024", &reader) == HSDT_OK);
    CHECK(hsdt_dossier_get(view, reader, id, 0, &json, &len, &version) == HSDT_OK);
    CHECK(strstr(json, "\"given\":\"Nhung\"") != NULL);
    hsdt_free(json);
    CHECK(hsdt_dossier_change_status(view, reader, id, version, "dangCongTac", "", "4/QĐ", "2024-01-04", &version) ==
          HSDT_IO_ERROR);
    CHECK(strstr(hsdt_last_error(), "read-only view") != NULL);
    hsdt_session_free(reader);
    CHECK(hsdt_db_close(view) == HSDT_OK);
    hsdt_options_free(view_options);
  }
  null_outputs_change_nothing(db, admin, editor, id, sample);

  /* The audit log verifies, and holds the refusals. */
  CHECK(hsdt_audit_digest(db, admin, &digest_seq, &digest_head) == HSDT_OK);
  CHECK(digest_seq > 10 && digest_head != NULL && strlen(digest_head) == 64);
  CHECK(hsdt_audit_verify(db, admin, digest_seq, digest_head, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"ok\":true") != NULL);
  hsdt_free(json);
  hsdt_free(digest_head);
  CHECK(hsdt_audit_read(db, admin, 1, 1000, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"allowed\":false") != NULL);
  hsdt_free(json);
  CHECK(hsdt_audit_verify(db, editor, 0, NULL, &json, &len) == HSDT_PERMISSION_DENIED);

  /* Check, backup, re-key, change key: the administrator's. */
  CHECK(hsdt_db_check(db, editor, &json, &len) == HSDT_PERMISSION_DENIED);
  CHECK(hsdt_db_check(db, admin, &json, &len) == HSDT_OK);
  CHECK(strstr(json, "\"problems\":[]") != NULL);
  hsdt_free(json);
  CHECK(hsdt_db_backup(db, admin, backups, &backup_id) == HSDT_OK);
  CHECK(backup_id == 1);
  CHECK(hsdt_db_rekey(db, admin, 0, &done, &remaining) == HSDT_OK);
  CHECK(done && remaining == 0);
  CHECK(hsdt_db_sync(db, editor) == HSDT_OK);
  CHECK(hsdt_db_change_key(db, admin, HSDT_KEY_RAW, other_key, sizeof other_key) == HSDT_OK);
  CHECK(hsdt_logout(db, editor) == HSDT_OK);
  CHECK(hsdt_dossier_get(db, editor, id, 0, &json, &len, NULL) == HSDT_PERMISSION_DENIED);
  hsdt_session_free(editor);
  hsdt_session_free(admin);
  CHECK(hsdt_db_close(db) == HSDT_OK);
  hsdt_options_free(options);

  CHECK(hsdt_db_open(path, HSDT_KEY_RAW, key, sizeof key, NULL, &db) == HSDT_BAD_KEY);
  CHECK(db == NULL);
  CHECK(hsdt_db_open(path, HSDT_KEY_RAW, other_key, sizeof other_key, NULL, &db) == HSDT_OK);
  CHECK(hsdt_db_close(db) == HSDT_OK);

  CHECK(hsdt_backup_verify(backups, HSDT_KEY_RAW, key, sizeof key, 0) == HSDT_OK);
  CHECK(hsdt_backup_restore(backups, HSDT_KEY_RAW, key, sizeof key, 0, restored) == HSDT_OK);
  CHECK(hsdt_db_open(restored, HSDT_KEY_RAW, key, sizeof key, NULL, &db) == HSDT_OK);
  CHECK(hsdt_login(db, "anlac.editor", "cán bộ phường An Lạc 2024", &editor) == HSDT_OK);
  CHECK(hsdt_dossier_get(db, editor, "HS00000001", 0, &json, &len, &version) == HSDT_OK);
  CHECK(version == 3); /* the backup was made after the status change */
  hsdt_free(json);
  CHECK(read_scan(db, editor, "TL00000001", 0)); /* and the scan with it */
  hsdt_session_free(editor);
  CHECK(hsdt_db_close(db) == HSDT_OK);

  stale_handles_are_misuse(restored, key, sizeof key);

  hsdt_free(id);
  free(sample);
  printf("%d passed, %d failed\n", failures == 0 ? 1 : 0, failures == 0 ? 0 : 1);
  return failures == 0 ? 0 : 1;
}
