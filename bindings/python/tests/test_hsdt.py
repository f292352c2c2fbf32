"""The hsdt Python package, as a host would use it (stdlib unittest; run by CTest from a virtual
environment the package was pip-installed into). HSDT_SAMPLE names a valid dossier's JSON."""
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest

import hsdt

ADMIN = ("nv.admin", "Quản trị", "quản trị hồ sơ Bình Tân 2024")
EDITOR_PASSWORD = "cán bộ phường An Lạc 2024"
SOURCE = ("845/QĐ-UBND", "2008-08-20")
with open(os.environ["HSDT_SAMPLE"], encoding="utf-8") as f:
    SAMPLE = json.load(f)


def person(n):
    """The sample with its own national ID, staff number and given name."""
    d = json.loads(json.dumps(SAMPLE))
    d["nationalId"]["number"] = "0791840%05d" % n
    d["staffNumber"] = "BT-27460-%04d" % n
    d["name"]["given"] = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh"][n % 7]
    return d


class PackageTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "db")
        self.db = hsdt.open(self.path, passphrase="khóa thử nghiệm", create=True, first_admin=ADMIN,
                            kdf_cost=0, password_cost=0)
        self.admin = self.db.login(ADMIN[0], ADMIN[2])
        self.admin.create_account("anlac.editor", "Biên tập An Lạc", "27460", hsdt.Role.UNIT_EDITOR,
                                  "mật khẩu tạm thời 2024", "tuyển dụng")
        self.editor = self.db.login("anlac.editor", "mật khẩu tạm thời 2024")
        self.editor.change_password("mật khẩu tạm thời 2024", EDITOR_PASSWORD)

    def tearDown(self):
        self.db.close()
        self.dir.cleanup()

    def test_versions_as_dicts(self):
        dossier_id, version = self.editor.create(SAMPLE, source=SOURCE, reason="tạo mới")
        self.assertEqual((dossier_id, version), ("HS00000001", 1))
        d = self.editor.get(dossier_id)
        self.assertIsInstance(d, dict)
        self.assertEqual(d.version, 1)
        self.assertEqual(d["name"]["given"], "Nhung")
        d["phone"] = "0909000111"
        self.assertEqual(self.editor.update(dossier_id, d.version, d, source=("2/QĐ", "2024-01-02")), 2)
        with self.assertRaises(hsdt.Conflict) as e:
            self.editor.update(dossier_id, 1, d, source=("2/QĐ", "2024-01-02"))
        self.assertEqual(e.exception.status, 4)
        self.assertEqual(self.editor.change_status(dossier_id, 2, "nghiHuu", source=("3/QĐ", "2024-01-03")), 3)
        history = self.editor.history(dossier_id)
        self.assertEqual([h["version"] for h in history], [1, 2, 3])
        self.assertEqual(history[2]["kind"], "statusChange")
        self.assertEqual(self.editor.diff(dossier_id, 1, 2), ["$.phone"])
        self.assertEqual(self.editor.get_version(dossier_id, 1)["phone"], SAMPLE["phone"])
        # As of an instant: the offset of text and of an aware datetime is honoured.
        second = history[1]["recordedAtMicros"]
        at = datetime.datetime.fromtimestamp(second / 1e6, datetime.timezone(datetime.timedelta(hours=7)))
        self.assertEqual(self.editor.get_as_of(dossier_id, at).version, 2)
        self.assertEqual(self.editor.get_as_of(dossier_id, second - 1).version, 1)
        self.assertEqual(self.editor.get_as_of(dossier_id, "2999-01-01T00:00:00+07:00").version, 3)
        with self.assertRaises(hsdt.NotFound):
            self.editor.get_as_of(dossier_id, "2000-01-01")
        with self.assertRaises(hsdt.InvalidArgument):
            self.editor.get_as_of(dossier_id, datetime.datetime(2026, 1, 1))  # naive: which zone?
        self.assertEqual(self.editor.in_force_on(dossier_id, "2030-01-01")["date"], "2030-01-01")

    def test_errors_are_exceptions_with_messages(self):
        bad = dict(SAMPLE, gender="x")
        with self.assertRaises(hsdt.InvalidArgument) as e:
            self.editor.create(bad, source=SOURCE)
        self.assertIn("$.gender", str(e.exception))
        self.assertIsInstance(e.exception, ValueError)
        with self.assertRaises(hsdt.PermissionDenied):
            self.admin.create(SAMPLE, source=SOURCE)  # district administrators do not write dossiers
        with self.assertRaises(hsdt.NotFound):
            self.editor.get("HS00000042")
        with self.assertRaises(hsdt.PermissionDenied):
            self.db.login("anlac.editor", "not the password at all")
        with self.assertRaises(hsdt.Busy):
            hsdt.open(self.path, passphrase="khóa thử nghiệm")
        with self.assertRaises(hsdt.NotFound):
            hsdt.open(os.path.join(self.dir.name, "none"), passphrase="khóa thử nghiệm")
        self.assertEqual(list(self.editor.list_ids("27460")), [])

    def test_find_count_export_across_pages(self):
        ids = [self.editor.create(person(n), source=SOURCE)[0] for n in range(7)]
        unit = {"eq": {"field": "managingUnit", "value": "27460"}}
        rows = list(self.editor.find({"filter": unit, "limit": 2, "fields": ["fullName"]}))
        self.assertEqual([r["id"] for r in rows], ids)
        by_name = [r["fullName"] for r in self.editor.find({"filter": unit, "sort": "name", "limit": 3,
                                                            "fields": ["fullName"]})]
        self.assertEqual(by_name[0], "Nguyễn Thị Hồng An")
        self.assertEqual(len(by_name), 7)
        self.assertEqual(list(self.editor.list_ids("27460", page=3)), ids)
        self.assertEqual(self.editor.count({"groupBy": ["status"]})["total"], 7)
        out = io.BytesIO()
        self.assertEqual(self.editor.export({"filter": unit}, out), 7)
        lines = out.getvalue().decode("utf-8").splitlines()
        self.assertEqual([json.loads(line)["id"] for line in lines], ids)
        out = io.BytesIO()
        self.editor.export({"filter": unit, "fields": ["fullName"]}, out, format="csv")
        self.assertTrue(out.getvalue().startswith(b"\xef\xbb\xbfid,fullName\r\n"))

        class Full(io.RawIOBase):
            def write(self, b):
                raise OSError(28, "No space left on device")

        with self.assertRaises(OSError) as e:
            self.editor.export({"filter": unit}, Full())
        self.assertEqual(e.exception.errno, 28)
        with self.assertRaises(hsdt.InvalidArgument):
            self.editor.export({"filter": unit}, io.BytesIO(), format="xml")

    def test_accounts_grants_audit(self):
        dossier_id, _ = self.editor.create(SAMPLE, source=SOURCE)
        self.admin.create_account("anlaca.viewer", "Xem An Lạc A", "27463", hsdt.Role.UNIT_VIEWER,
                                  "mật khẩu tạm thời 2025")
        names = {a["userName"]: a for a in self.admin.accounts()}
        self.assertEqual(names["anlaca.viewer"]["role"], "unit_viewer")
        self.assertIn("27463", {u["code"] for u in self.admin.units()})
        with self.db.login("anlaca.viewer", "mật khẩu tạm thời 2025") as viewer:
            viewer.change_password("mật khẩu tạm thời 2025", "người xem phường An Lạc A")
            with self.assertRaises(hsdt.PermissionDenied):
                viewer.get(dossier_id, hsdt.Purpose.TRAINING)
            grant = self.admin.issue_grant(grantee_user="anlaca.viewer", dossiers=[dossier_id],
                                           purposes=[hsdt.Purpose.TRAINING], legal_basis=("77/CV-UBND", "2024-02-01"),
                                           signer="Chủ tịch UBND quận", reason="đào tạo")
            self.assertEqual(grant, "GR00000001")
            self.assertNotIn("phone", viewer.get(dossier_id, hsdt.Purpose.TRAINING))  # no personal fields
            self.assertEqual(self.admin.grants()[0]["purposes"], [int(hsdt.Purpose.TRAINING)])
            self.admin.revoke_grant(grant, "hết hạn")
            with self.assertRaises(hsdt.PermissionDenied):
                viewer.get(dossier_id, hsdt.Purpose.TRAINING)
        with self.assertRaises(hsdt.Misuse):
            viewer.get(dossier_id)  # the with block released the session
        digest = self.admin.audit_digest()
        self.assertTrue(self.admin.verify_audit(digest)["ok"])
        entries = self.admin.read_audit(1, 10000)
        self.assertTrue(any(not e["allowed"] for e in entries))
        self.assertEqual(self.admin.check()["problems"], [])
        self.assertEqual(self.admin.stats()["dossiers"], 1)

    def test_change_feed_and_observer(self):
        seen = []
        event = threading.Event()

        def observer(position):
            seen.append(position)
            event.set()

        observer_id = self.db.add_change_observer(observer)
        dossier_id, _ = self.editor.create(SAMPLE, source=SOURCE)
        self.assertTrue(event.wait(30))
        entries = [e for e in self.editor.follow() if e["subject"] == "dossier"]
        self.assertEqual([(e["id"], e["kind"], e["version"]) for e in entries], [(dossier_id, "create", 1)])
        self.assertEqual(seen[-1], entries[-1]["position"])
        _, following = self.editor.changes(entries[-1]["position"])
        self.assertEqual(following, entries[-1]["position"])  # nothing newer
        self.db.remove_change_observer(observer_id)
        with self.assertRaises(hsdt.NotFound):
            self.db.remove_change_observer(observer_id)

    def test_a_read_only_view_beside_the_open_database(self):
        dossier_id, _ = self.editor.create(SAMPLE, source=SOURCE)
        with self.assertRaises(hsdt.Busy) as e:
            hsdt.open(self.path, passphrase="khóa thử nghiệm")
        self.assertIn("read_only", str(e.exception))
        with hsdt.open(self.path, passphrase="khóa thử nghiệm", read_only=True, catch_up_micros=0) as view:
            with view.login("anlac.editor", EDITOR_PASSWORD) as reader:
                d = reader.get(dossier_id)
                self.assertEqual(d.version, 1)
                self.editor.update(dossier_id, 1, dict(d, phone="0909000111"), source=SOURCE)
                self.assertEqual(reader.get(dossier_id).version, 2)  # caught up before the call
                with self.assertRaises(hsdt.IoError):
                    reader.update(dossier_id, 2, d, source=SOURCE)

    def test_closed_database_is_misuse(self):
        self.db.close()
        self.db.close()  # a second close does nothing
        with self.assertRaises(hsdt.Misuse):
            self.editor.get("HS00000001")
        with self.assertRaises(hsdt.Misuse):
            self.db.login(ADMIN[0], ADMIN[2])

    def test_a_library_that_is_not_there_is_an_import_error(self):
        env = dict(os.environ, HSDT_LIBRARY=os.path.join(self.dir.name, "libnone.so"))
        r = subprocess.run([sys.executable, "-c", "import hsdt; hsdt.abi_version()"], env=env,
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("HSDT_LIBRARY", r.stderr)
        self.assertEqual(hsdt.abi_version()[0], 1)


if __name__ == "__main__":
    unittest.main()
