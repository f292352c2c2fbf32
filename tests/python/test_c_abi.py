"""The C ABI from Python through ctypes (stdlib unittest), as a host application would use it."""
import ctypes
import json
import os
import sys
import tempfile
import unittest

LIB = ctypes.CDLL(os.environ["HSDT_LIB"])
SAMPLE = os.environ["HSDT_SAMPLE"]

VP = ctypes.c_void_p
u32p = ctypes.POINTER(ctypes.c_uint32)
STR_OUT = [ctypes.POINTER(VP), ctypes.POINTER(ctypes.c_size_t)]
CHANGE = [ctypes.c_char_p] * 3  # reason, source number, source date

def sig(name, args, restype=ctypes.c_int):
    fn = getattr(LIB, name)
    fn.argtypes = args
    fn.restype = restype

sig("hsdt_last_error", [], ctypes.c_char_p)
sig("hsdt_status_name", [ctypes.c_int], ctypes.c_char_p)
sig("hsdt_abi_version", [], ctypes.c_uint32)
sig("hsdt_key_bytes", [], ctypes.c_size_t)
sig("hsdt_free", [VP], None)
sig("hsdt_db_open", [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, VP, ctypes.POINTER(VP)])
sig("hsdt_db_close", [VP])
sig("hsdt_options_create", [ctypes.POINTER(VP)])
sig("hsdt_options_free", [VP], None)
sig("hsdt_options_set_create_if_missing", [VP, ctypes.c_bool])
sig("hsdt_options_set_kdf_cost", [VP, ctypes.c_int])
sig("hsdt_options_set_password_cost", [VP, ctypes.c_int])
sig("hsdt_options_set_first_admin", [VP, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p])
sig("hsdt_login", [VP, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(VP)])
sig("hsdt_logout", [VP, VP])
sig("hsdt_session_free", [VP], None)
sig("hsdt_change_password", [VP, VP, ctypes.c_char_p, ctypes.c_char_p])
sig("hsdt_account_create", [VP, VP, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                            ctypes.c_char_p, ctypes.c_char_p])
sig("hsdt_account_set_state", [VP, VP, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p])
sig("hsdt_account_reset_password", [VP, VP, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(VP)])
sig("hsdt_account_list", [VP, VP] + STR_OUT)
sig("hsdt_dossier_create", [VP, VP, ctypes.c_char_p, ctypes.c_size_t] + CHANGE + [ctypes.POINTER(VP), u32p])
sig("hsdt_dossier_update", [VP, VP, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_size_t] + CHANGE + [u32p])
sig("hsdt_dossier_change_status", [VP, VP, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_char_p] + CHANGE + [u32p])
sig("hsdt_dossier_get", [VP, VP, ctypes.c_char_p, ctypes.c_int] + STR_OUT + [u32p])
sig("hsdt_dossier_get_version", [VP, VP, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_int] + STR_OUT)
sig("hsdt_dossier_get_as_of", [VP, VP, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int] + STR_OUT + [u32p])
sig("hsdt_dossier_history", [VP, VP, ctypes.c_char_p, ctypes.c_int] + STR_OUT)
sig("hsdt_dossier_diff", [VP, VP, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_int] + STR_OUT)
sig("hsdt_handover_request", [VP, VP, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(VP)])
sig("hsdt_handover_decide", [VP, VP, ctypes.c_char_p, ctypes.c_bool] + CHANGE)
sig("hsdt_db_check", [VP, VP] + STR_OUT)
sig("hsdt_db_backup", [VP, VP, ctypes.c_char_p, u32p])
sig("hsdt_backup_restore", [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_char_p])
sig("hsdt_audit_verify", [VP, VP, ctypes.c_uint64, ctypes.c_char_p] + STR_OUT)
sig("hsdt_audit_read", [VP, VP, ctypes.c_uint64, ctypes.c_size_t] + STR_OUT)

OK, INVALID, NOT_FOUND, CONFLICT, DENIED, BAD_KEY, MISUSE = 0, 1, 2, 4, 5, 6, 12
RAW, PASSPHRASE = 2, 1
EDITOR, VIEWER = 3, 4
PURPOSE_TRAINING = 4
KEY = bytes(range(32))
SOURCE = ["".encode(), "9/QĐ-UBND".encode(), b"2024-03-01"]
ADMIN = (b"nv.admin", "quản trị hồ sơ Bình Tân 2024".encode())


class HsdtError(Exception):
    def __init__(self, status):
        self.status = status
        super().__init__("%s: %s" % (LIB.hsdt_status_name(status).decode(), LIB.hsdt_last_error().decode()))


def call(fn, *args):
    status = fn(*args)
    if status != OK:
        raise HsdtError(status)


def take(buf, length=None):
    """Copies a library-made buffer into Python and releases it with hsdt_free."""
    try:
        if length is None:
            return ctypes.string_at(buf.value).decode()
        return ctypes.string_at(buf.value, length.value).decode()
    finally:
        LIB.hsdt_free(buf)


def login(db, user, password):
    session = VP()
    call(LIB.hsdt_login, db, user, password, ctypes.byref(session))
    return session


class CAbiTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = os.path.join(self.tmp.name, "db").encode()
        options = VP()
        call(LIB.hsdt_options_create, ctypes.byref(options))
        call(LIB.hsdt_options_set_create_if_missing, options, True)
        call(LIB.hsdt_options_set_kdf_cost, options, 0)
        call(LIB.hsdt_options_set_password_cost, options, 0)
        call(LIB.hsdt_options_set_first_admin, options, ADMIN[0], "Quản trị".encode(), ADMIN[1])
        self.db = VP()
        call(LIB.hsdt_db_open, self.dir, RAW, KEY, len(KEY), options, ctypes.byref(self.db))
        LIB.hsdt_options_free(options)
        self.admin = login(self.db, *ADMIN)
        self.editor = self.account("anlac.editor", "27460", EDITOR)
        with open(SAMPLE, encoding="utf-8") as f:
            self.sample = json.load(f)

    def tearDown(self):
        for s in (self.admin, self.editor):
            LIB.hsdt_session_free(s)
        call(LIB.hsdt_db_close, self.db)
        self.tmp.cleanup()

    def account(self, user, unit, role):
        temporary = ("tạm thời " + user + " 2024").encode()
        call(LIB.hsdt_account_create, self.db, self.admin, user.encode(), user.encode(), unit.encode(), role, temporary, b"")
        session = login(self.db, user.encode(), temporary)
        call(LIB.hsdt_change_password, self.db, session, temporary, ("riêng của " + user + " 2024").encode())
        return session

    def create(self, doc, session=None):
        data = json.dumps(doc).encode()  # ensure_ascii: every non-ASCII letter as a \\u escape
        out_id, version = VP(), ctypes.c_uint32()
        call(LIB.hsdt_dossier_create, self.db, session or self.editor, data, len(data), *SOURCE,
             ctypes.byref(out_id), ctypes.byref(version))
        return take(out_id), version.value

    def get(self, dossier_id, session=None, purpose=0):
        buf, length, version = VP(), ctypes.c_size_t(), ctypes.c_uint32()
        call(LIB.hsdt_dossier_get, self.db, session or self.editor, dossier_id.encode(), purpose,
             ctypes.byref(buf), ctypes.byref(length), ctypes.byref(version))
        return json.loads(take(buf, length)), version.value

    def test_versions(self):
        self.assertEqual(LIB.hsdt_abi_version() >> 16, 1)
        self.assertEqual(LIB.hsdt_key_bytes(), 32)
        dossier_id, version = self.create(self.sample)
        self.assertEqual((dossier_id, version), ("HS00000001", 1))
        doc, version = self.get(dossier_id)
        self.assertEqual(doc["name"], {"surname": "Nguyễn", "middle": "Thị Hồng", "given": "Nhung"})
        self.assertEqual(doc["id"], dossier_id)
        changed = dict(doc, phone="0909123123")
        data = json.dumps(changed, ensure_ascii=False).encode()
        new_version = ctypes.c_uint32()
        call(LIB.hsdt_dossier_update, self.db, self.editor, dossier_id.encode(), 1, data, len(data), *SOURCE,
             ctypes.byref(new_version))
        self.assertEqual(new_version.value, 2)
        self.assertEqual(LIB.hsdt_dossier_update(self.db, self.editor, dossier_id.encode(), 1, data, len(data),
                                                 *SOURCE, ctypes.byref(new_version)), CONFLICT)
        call(LIB.hsdt_dossier_change_status, self.db, self.editor, dossier_id.encode(), 2, b"tuTran", *SOURCE,
             ctypes.byref(new_version))
        self.assertEqual(self.get(dossier_id)[0]["status"], "tuTran")
        buf, length = VP(), ctypes.c_size_t()
        call(LIB.hsdt_dossier_history, self.db, self.editor, dossier_id.encode(), 0, ctypes.byref(buf), ctypes.byref(length))
        history = json.loads(take(buf, length))
        self.assertEqual([h["kind"] for h in history], ["create", "update", "statusChange"])
        self.assertEqual(history[0]["actor"], "anlac.editor")
        self.assertEqual(history[0]["sourceNumber"], "9/QĐ-UBND")
        call(LIB.hsdt_dossier_diff, self.db, self.editor, dossier_id.encode(), 1, 3, 0, ctypes.byref(buf), ctypes.byref(length))
        self.assertEqual(json.loads(take(buf, length)), ["$.status", "$.phone"])
        call(LIB.hsdt_dossier_get_version, self.db, self.editor, dossier_id.encode(), 1, 0, ctypes.byref(buf), ctypes.byref(length))
        self.assertEqual(json.loads(take(buf, length))["phone"], "0908123456")
        call(LIB.hsdt_dossier_get_as_of, self.db, self.editor, dossier_id.encode(), history[1]["recordedAtMicros"], 0,
             ctypes.byref(buf), ctypes.byref(length), ctypes.byref(new_version))
        take(buf, length)
        self.assertEqual(new_version.value, 2)

    def test_tiers_grants_handover_and_audit(self):
        dossier_id, _ = self.create(self.sample)
        other = self.account("anlaca.editor", "27463", EDITOR)
        buf, length = VP(), ctypes.c_size_t()
        # Another ward is denied, even with a purpose; the refusal is audited.
        self.assertEqual(LIB.hsdt_dossier_get(self.db, other, dossier_id.encode(), PURPOSE_TRAINING,
                                              ctypes.byref(buf), ctypes.byref(length), None), DENIED)
        self.assertIn("denied", LIB.hsdt_last_error().decode())
        # It asks for the dossier (article 10); the managing unit approves; the dossier moves.
        handover = VP()
        call(LIB.hsdt_handover_request, self.db, other, dossier_id.encode(), b"12/CV-UBND", b"2024-04-01",
             "chuyển công tác".encode(), ctypes.byref(handover))
        handover_id = take(handover)
        call(LIB.hsdt_handover_decide, self.db, self.editor, handover_id.encode(), True, *SOURCE)
        doc, version = self.get(dossier_id, session=other)
        self.assertEqual(doc["managingUnit"], "27463")
        self.assertEqual(version, 2)
        self.assertEqual(LIB.hsdt_dossier_get(self.db, self.editor, dossier_id.encode(), 0,
                                              ctypes.byref(buf), ctypes.byref(length), None), DENIED)
        call(LIB.hsdt_audit_verify, self.db, self.admin, 0, None, ctypes.byref(buf), ctypes.byref(length))
        self.assertTrue(json.loads(take(buf, length))["ok"])
        call(LIB.hsdt_audit_read, self.db, self.admin, 1, 10000, ctypes.byref(buf), ctypes.byref(length))
        entries = json.loads(take(buf, length))
        denied = [e for e in entries if not e["allowed"] and e["action"] == "read_dossier"]
        self.assertTrue(denied and denied[0]["actor"] == "anlaca.editor" and denied[0]["purpose"] == "training")
        self.assertTrue(any(e["action"] == "decide_hand_over" and e["allowed"] for e in entries))
        LIB.hsdt_session_free(other)

    def test_lockout_and_reset(self):
        bad = VP()
        for _ in range(5):
            self.assertEqual(LIB.hsdt_login(self.db, b"anlac.editor", "sai mật khẩu rồi".encode(), ctypes.byref(bad)), DENIED)
        # Locked: even the right password is refused, with the same answer.
        self.assertEqual(LIB.hsdt_login(self.db, b"anlac.editor", "riêng của anlac.editor 2024".encode(), ctypes.byref(bad)), DENIED)
        self.assertIsNone(bad.value)
        temporary = VP()
        call(LIB.hsdt_account_reset_password, self.db, self.admin, b"anlac.editor", b"5/BC-UBND", b"2024-05-02",
             ctypes.byref(temporary))
        session = login(self.db, b"anlac.editor", take(temporary).encode())
        buf, length = VP(), ctypes.c_size_t()
        self.assertEqual(LIB.hsdt_account_list(self.db, session, ctypes.byref(buf), ctypes.byref(length)), DENIED)
        LIB.hsdt_session_free(session)

    def test_errors_name_the_field_and_change_nothing(self):
        bad = dict(self.sample, birthDate="1984-02-30")
        data = json.dumps(bad).encode()
        out_id, version = VP(), ctypes.c_uint32()
        status = LIB.hsdt_dossier_create(self.db, self.editor, data, len(data), *SOURCE, ctypes.byref(out_id), ctypes.byref(version))
        self.assertEqual(status, INVALID)
        self.assertIn("$.birthDate", LIB.hsdt_last_error().decode())
        self.assertIsNone(out_id.value)
        buf, length = VP(), ctypes.c_size_t()
        self.assertEqual(LIB.hsdt_dossier_get(self.db, self.editor, b"HS00000001", 0, ctypes.byref(buf), ctypes.byref(length), None),
                         NOT_FOUND)
        self.assertEqual(LIB.hsdt_dossier_get(None, None, b"HS00000001", 0, ctypes.byref(buf), ctypes.byref(length), None),
                         MISUSE)
        raw = b"\xff\xfe not json"
        self.assertEqual(LIB.hsdt_dossier_create(self.db, self.editor, raw, len(raw), *SOURCE, ctypes.byref(out_id), None), INVALID)
        self.assertIsNone(out_id.value)
        self.assertIn("malformed JSON at byte 0", LIB.hsdt_last_error().decode())

    def test_backup_and_restore(self):
        dossier_id, _ = self.create(self.sample)
        backups = os.path.join(self.tmp.name, "backups").encode()
        backup_id = ctypes.c_uint32()
        call(LIB.hsdt_db_backup, self.db, self.admin, backups, ctypes.byref(backup_id))
        self.assertEqual(backup_id.value, 1)
        restored = os.path.join(self.tmp.name, "restored").encode()
        self.assertEqual(LIB.hsdt_backup_restore(backups, RAW, bytes(32), 32, 0, restored), BAD_KEY)
        call(LIB.hsdt_backup_restore, backups, RAW, KEY, len(KEY), 0, restored)
        other = VP()
        call(LIB.hsdt_db_open, restored, RAW, KEY, len(KEY), None, ctypes.byref(other))
        admin = login(other, *ADMIN)
        buf, length = VP(), ctypes.c_size_t()
        call(LIB.hsdt_db_check, other, admin, ctypes.byref(buf), ctypes.byref(length))
        self.assertEqual(json.loads(take(buf, length))["dossiers"], 1)
        LIB.hsdt_session_free(admin)
        call(LIB.hsdt_db_close, other)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    print("%d passed, %d failed" % (result.testsRun - len(result.failures) - len(result.errors),
                                    len(result.failures) + len(result.errors)))
    sys.exit(0 if result.wasSuccessful() else 1)
