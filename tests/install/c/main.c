/* A tiny host of the installed C ABI (pkg-config --cflags --libs hsdt): create a database, name
 * an editor, create a dossier and read it back.   consumer DB_DIR SAMPLE_JSON */
#include <hsdt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call)                                                                     \
  do {                                                                                \
    hsdt_status s_ = (call);                                                          \
    if (s_ != HSDT_OK) {                                                              \
      fprintf(stderr, "%s: %s: %s\n", #call, hsdt_status_name(s_), hsdt_last_error()); \
      return 1;                                                                       \
    }                                                                                 \
  } while (0)

int main(int argc, char** argv) {
  static const char passphrase[] = "khóa của máy chủ quận";
  static char sample[1 << 16];
  hsdt_options* options = NULL;
  hsdt_db* db = NULL;
  hsdt_session* admin = NULL;
  hsdt_session* editor = NULL;
  char* id = NULL;
  char* json = NULL;
  size_t len = 0, sample_len;
  uint32_t version = 0;
  FILE* f;

  if (argc != 3) {
    fprintf(stderr, "usage: consumer DB_DIR SAMPLE_JSON\n");
    return 2;
  }
  f = fopen(argv[2], "rb");
  if (f == NULL) return 2;
  sample_len = fread(sample, 1, sizeof sample, f);
  fclose(f);

  TRY(hsdt_options_create(&options));
  TRY(hsdt_options_set_create_if_missing(options, true));
  TRY(hsdt_options_set_kdf_cost(options, 0));
  TRY(hsdt_options_set_password_cost(options, 0));
  TRY(hsdt_options_set_first_admin(options, "nv.admin", "Quản trị", "quản trị hồ sơ Bình Tân 2024"));
  TRY(hsdt_db_open(argv[1], HSDT_KEY_PASSPHRASE, (const uint8_t*)passphrase, strlen(passphrase), options, &db));
  hsdt_options_free(options);

  TRY(hsdt_login(db, "nv.admin", "quản trị hồ sơ Bình Tân 2024", &admin));
  TRY(hsdt_account_create(db, admin, "anlac.editor", "Biên tập An Lạc", "27460", HSDT_ROLE_UNIT_EDITOR,
                          "mật khẩu tạm thời 2024", "tuyển dụng"));
  TRY(hsdt_login(db, "anlac.editor", "mật khẩu tạm thời 2024", &editor));
  TRY(hsdt_change_password(db, editor, "mật khẩu tạm thời 2024", "cán bộ phường An Lạc 2024"));
  TRY(hsdt_dossier_create(db, editor, sample, sample_len, "tạo mới", "845/QĐ-UBND", "2008-08-20", &id, &version));
  TRY(hsdt_dossier_get(db, editor, id, HSDT_PURPOSE_NONE, &json, &len, &version));
  if (version != 1 || strstr(json, "\"given\":\"Nhung\"") == NULL) {
    fprintf(stderr, "read back %s v%u: unexpected\n", id, version);
    return 1;
  }
  printf("hsdt %s (ABI %u.%u): %s v%u\n", hsdt_version(), hsdt_abi_version() >> 16, hsdt_abi_version() & 0xffff,
         id, version);
  hsdt_free(json);
  hsdt_free(id);
  hsdt_session_free(editor);
  hsdt_session_free(admin);
  TRY(hsdt_db_close(db));
  return 0;
}
