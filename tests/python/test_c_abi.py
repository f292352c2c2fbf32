"""The C ABI from Python through ctypes (stdlib unittest), as a host application would use it."""
import ctypes
import json
import os
import sys
import tempfile
import unittest

LIB = ctypes.CDLL(os.environ["HSDT_LIB"])
SAMPLE = os.environ["HSDT_SAMPLE"]

c_char_pp = ctypes.POINTER(ctypes.c_char_p)
u32p = ctypes.POINTER(ctypes.c_uint32)
LIB.hsdt_last_error.restype = ctypes.c_char_p
LIB.hsdt_status_name.restype = ctypes.c_char_p
LIB.hsdt_version.restype = ctypes.c_char_p
LIB.hsdt_abi_version.restype = ctypes.c_uint32
LIB.hsdt_key_bytes.restype = ctypes.c_size_t
LIB.hsdt_free.argtypes = [ctypes.c_void_p]
LIB.hsdt_db_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t,
                             ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
LIB.hsdt_db_close.argtypes = [ctypes.c_void_p]
LIB.hsdt_options_create.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
LIB.hsdt_options_free.argtypes = [ctypes.c_void_p]
LIB.hsdt_options_set_create_if_missing.argtypes = [ctypes.c_void_p, ctypes.c_bool]
LIB.hsdt_options_set_kdf_cost.argtypes = [ctypes.c_void_p, ctypes.c_int]
STR_OUT = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]
CHANGE = [ctypes.c_char_p] * 4
LIB.hsdt_dossier_create.argtypes = ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t] + CHANGE +
                                    [ctypes.POINTER(ctypes.c_void_p), u32p])
LIB.hsdt_dossier_update.argtypes = ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_char_p,
                                     ctypes.c_size_t] + CHANGE + [u32p])
LIB.hsdt_dossier_change_status.argtypes = ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32,
                                            ctypes.c_char_p] + CHANGE + [u32p])
LIB.hsdt_dossier_get.argtypes = [ctypes.c_void_p, ctypes.c_char_p] + STR_OUT + [u32p]
LIB.hsdt_dossier_get_version.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32] + STR_OUT
LIB.hsdt_dossier_get_as_of.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64] + STR_OUT + [u32p]
LIB.hsdt_dossier_history.argtypes = [ctypes.c_void_p, ctypes.c_char_p] + STR_OUT
LIB.hsdt_dossier_diff.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_uint32] + STR_OUT
LIB.hsdt_db_check.argtypes = [ctypes.c_void_p] + STR_OUT
LIB.hsdt_db_backup.argtypes = [ctypes.c_void_p, ctypes.c_char_p, u32p]
LIB.hsdt_backup_restore.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t,
                                    ctypes.c_uint32, ctypes.c_char_p]

OK, INVALID, NOT_FOUND, CONFLICT, BAD_KEY, MISUSE = 0, 1, 2, 4, 6, 12
RAW, PASSPHRASE = 2, 1
KEY = bytes(range(32))
SOURCE = ["py-test".encode(), "".encode(), "9/QĐ-UBND".encode(), b"2024-03-01"]


class HsdtError(Exception):
    def __init__(self, status):
        self.status = status
        super().__init__("%s: %s" % (LIB.hsdt_status_name(status).decode(), LIB.hsdt_last_error().decode()))


def call(fn, *args):
    status = fn(*args)
    if status != OK:
        raise HsdtError(status)


def take(buf, length):
    """Copies a library-made buffer into Python and releases it with hsdt_free."""
    try:
        return ctypes.string_at(buf.value, length.value).decode()
    finally:
        LIB.hsdt_free(buf)


class CAbiTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = os.path.join(self.tmp.name, "db").encode()
        options = ctypes.c_void_p()
        call(LIB.hsdt_options_create, ctypes.byref(options))
        call(LIB.hsdt_options_set_create_if_missing, options, True)
        call(LIB.hsdt_options_set_kdf_cost, options, 0)
        self.db = ctypes.c_void_p()
        call(LIB.hsdt_db_open, self.dir, RAW, KEY, len(KEY), options, ctypes.byref(self.db))
        LIB.hsdt_options_free(options)
        with open(SAMPLE, encoding="utf-8") as f:
            self.sample = json.load(f)

    def tearDown(self):
        call(LIB.hsdt_db_close, self.db)
        self.tmp.cleanup()

    def create(self, doc):
        data = json.dumps(doc).encode()  # ensure_ascii: every non-ASCII letter as a \\u escape
        out_id, version = ctypes.c_void_p(), ctypes.c_uint32()
        call(LIB.hsdt_dossier_create, self.db, data, len(data), *SOURCE, ctypes.byref(out_id), ctypes.byref(version))
        return take(out_id, ctypes.c_size_t(len(ctypes.string_at(out_id.value)))), version.value

    def get(self, dossier_id):
        buf, length, version = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_uint32()
        call(LIB.hsdt_dossier_get, self.db, dossier_id.encode(), ctypes.byref(buf), ctypes.byref(length),
             ctypes.byref(version))
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
        call(LIB.hsdt_dossier_update, self.db, dossier_id.encode(), 1, data, len(data), *SOURCE,
             ctypes.byref(new_version))
        self.assertEqual(new_version.value, 2)
        self.assertEqual(LIB.hsdt_dossier_update(self.db, dossier_id.encode(), 1, data, len(data), *SOURCE,
                                                 ctypes.byref(new_version)), CONFLICT)
        call(LIB.hsdt_dossier_change_status, self.db, dossier_id.encode(), 2, b"tuTran", *SOURCE,
             ctypes.byref(new_version))
        self.assertEqual(self.get(dossier_id)[0]["status"], "tuTran")
        buf, length = ctypes.c_void_p(), ctypes.c_size_t()
        call(LIB.hsdt_dossier_history, self.db, dossier_id.encode(), ctypes.byref(buf), ctypes.byref(length))
        history = json.loads(take(buf, length))
        self.assertEqual([h["kind"] for h in history], ["create", "update", "statusChange"])
        self.assertEqual(history[0]["sourceNumber"], "9/QĐ-UBND")
        call(LIB.hsdt_dossier_diff, self.db, dossier_id.encode(), 1, 3, ctypes.byref(buf), ctypes.byref(length))
        self.assertEqual(json.loads(take(buf, length)), ["$.status", "$.phone"])
        call(LIB.hsdt_dossier_get_version, self.db, dossier_id.encode(), 1, ctypes.byref(buf), ctypes.byref(length))
        self.assertEqual(json.loads(take(buf, length))["phone"], "0908123456")
        as_of = history[1]["recordedAtMicros"]
        call(LIB.hsdt_dossier_get_as_of, self.db, dossier_id.encode(), as_of, ctypes.byref(buf),
             ctypes.byref(length), ctypes.byref(new_version))
        take(buf, length)
        self.assertEqual(new_version.value, 2)

    def test_errors_name_the_field_and_change_nothing(self):
        bad = dict(self.sample, birthDate="1984-02-30")
        data = json.dumps(bad).encode()
        out_id, version = ctypes.c_void_p(), ctypes.c_uint32()
        status = LIB.hsdt_dossier_create(self.db, data, len(data), *SOURCE, ctypes.byref(out_id), ctypes.byref(version))
        self.assertEqual(status, INVALID)
        self.assertIn("$.birthDate", LIB.hsdt_last_error().decode())
        self.assertIsNone(out_id.value)
        buf, length = ctypes.c_void_p(), ctypes.c_size_t()
        self.assertEqual(LIB.hsdt_dossier_get(self.db, b"HS00000001", ctypes.byref(buf), ctypes.byref(length), None),
                         NOT_FOUND)
        self.assertEqual(LIB.hsdt_dossier_get(None, b"HS00000001", ctypes.byref(buf), ctypes.byref(length), None),
                         MISUSE)
        raw = b"\xff\xfe not json"
        self.assertEqual(LIB.hsdt_dossier_create(self.db, raw, len(raw), *SOURCE, None, None), INVALID)
        self.assertIn("malformed JSON at byte 0", LIB.hsdt_last_error().decode())

    def test_backup_and_restore(self):
        dossier_id, _ = self.create(self.sample)
        backups = os.path.join(self.tmp.name, "backups").encode()
        backup_id = ctypes.c_uint32()
        call(LIB.hsdt_db_backup, self.db, backups, ctypes.byref(backup_id))
        self.assertEqual(backup_id.value, 1)
        restored = os.path.join(self.tmp.name, "restored").encode()
        self.assertEqual(LIB.hsdt_backup_restore(backups, RAW, bytes(32), 32, 0, restored), BAD_KEY)
        call(LIB.hsdt_backup_restore, backups, RAW, KEY, len(KEY), 0, restored)
        other = ctypes.c_void_p()
        call(LIB.hsdt_db_open, restored, RAW, KEY, len(KEY), None, ctypes.byref(other))
        buf, length = ctypes.c_void_p(), ctypes.c_size_t()
        call(LIB.hsdt_db_check, other, ctypes.byref(buf), ctypes.byref(length))
        self.assertEqual(json.loads(take(buf, length))["dossiers"], 1)
        call(LIB.hsdt_db_close, other)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    print("%d passed, %d failed" % (result.testsRun - len(result.failures) - len(result.errors),
                                    len(result.failures) + len(result.errors)))
    sys.exit(0 if result.wasSuccessful() else 1)
