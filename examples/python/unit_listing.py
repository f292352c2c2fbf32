#!/usr/bin/env python3
"""Builds a small unit in a new database and prints its staff list in Vietnamese name order.

    HSDT_LIBRARY=build/bindings/c/libhsdt.so.1 python3 examples/python/unit_listing.py DOSSIER.json [DIR]

DOSSIER.json is one valid dossier (tests/data/sample-dossier.json); the example varies its name,
national ID and staff number for each person. DIR (default: a temporary directory) receives the
database.
"""
import copy
import json
import os
import sys
import tempfile

import hsdt

PEOPLE = [("Trần", "Văn", "Bảo"), ("Nguyễn", "Thị", "Ánh"), ("Lê", "Hoàng", "Đức"), ("Đặng", "Thu", "Hà"),
          ("Nguyễn", "Văn", "An"), ("Phạm", "Minh", "Châu"), ("Võ", "Thị", "Yến"), ("Bùi", "Quốc", "Khánh")]
ADMIN = ("nv.admin", "Quản trị hệ thống", "quản trị hồ sơ Bình Tân 2024")


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        template = json.load(f)
    work = tempfile.TemporaryDirectory()
    path = os.path.join(sys.argv[2] if len(sys.argv) == 3 else work.name, "db")
    with hsdt.open(path, passphrase="khóa ví dụ của quận", create=True, first_admin=ADMIN, kdf_cost=0,
                   password_cost=0) as db:
        with db.login(ADMIN[0], ADMIN[2]) as admin:
            admin.create_account("anlac.editor", "Cán bộ tổ chức phường An Lạc", "27460", hsdt.Role.UNIT_EDITOR,
                                 "mật khẩu tạm thời 2024", "phân công theo quyết định 12/QĐ-UBND")
        with db.login("anlac.editor", "mật khẩu tạm thời 2024") as editor:
            editor.change_password("mật khẩu tạm thời 2024", "cán bộ phường An Lạc 2024")
            for n, (surname, middle, given) in enumerate(PEOPLE, start=1):
                d = copy.deepcopy(template)
                d["name"] = {"surname": surname, "middle": middle, "given": given}
                d["nationalId"]["number"] = "0791850%05d" % n
                d["staffNumber"] = "BT-27460-%04d" % n
                editor.create(d, source=("845/QĐ-UBND", "2008-08-20"), reason="lập hồ sơ")
            print("Danh sách cán bộ, công chức phường An Lạc (theo thứ tự tên):")
            query = {"filter": {"eq": {"field": "managingUnit", "value": "27460"}}, "sort": "name",
                     "fields": ["fullName", "birthDate"], "limit": 3}
            for i, row in enumerate(editor.find(query), start=1):
                year, month, day = row["birthDate"].split("-")
                print(f"{i:>3}. {row['fullName']:<28} {row['id']}  sinh ngày {day}/{month}/{year}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
