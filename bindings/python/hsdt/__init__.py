"""hsdt: the encrypted, versioned personnel-dossier database, from Python.

The standard library only: ``ctypes`` over the C ABI ``libhsdt.so.1`` (found through the
``HSDT_LIBRARY`` environment variable, else the system's loader). Every call the C ABI makes in a
session is decided by the database's policy and audited; every failure raises a subclass of
:class:`Error` named for the status. Dossiers are dicts in the JSON form of ``docs/format.md``.

    with hsdt.open(path, passphrase="...") as db:
        with db.login("anlac.editor", password) as session:
            dossier = session.get("HS00000001")

Threads: a :class:`Database` may be used from many threads at once; a :class:`Session` too.
"""
from __future__ import annotations

import ctypes
import datetime as _dt
import enum
import json
import traceback
from typing import Any, BinaryIO, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import _native
from ._native import C_STR, I64, INT, SIZE, U32, U64, VP, call_buffer, check, enc, lib, take
from .errors import (AlreadyExists, BadKey, Busy, Conflict, Corruption, Error, InternalError, InvalidArgument,
                     IoError, Misuse, NotFound, PermissionDenied, ResourceExhausted, UnsupportedFormat)

__all__ = [
    "open", "Database", "Session", "Dossier", "Role", "AccountState", "Purpose", "Right", "Instant", "Source",
    "Error", "InvalidArgument", "NotFound", "AlreadyExists", "Conflict", "PermissionDenied", "BadKey",
    "Corruption", "IoError", "ResourceExhausted", "Busy", "UnsupportedFormat", "Misuse", "InternalError",
    "abi_version", "library_version",
]

__version__ = "1.1.0"


class Role(enum.IntEnum):
    DISTRICT_ADMIN = 1
    DISTRICT_AUDITOR = 2
    UNIT_EDITOR = 3
    UNIT_VIEWER = 4


class AccountState(enum.IntEnum):
    ACTIVE = 1
    RESTRICTED = 2
    REVOKED = 3


class Purpose(enum.IntEnum):
    """Why a dossier outside one's own unit is read (article 11)."""
    NONE = 0
    RECRUITMENT = 1
    RANK_PROMOTION = 2
    SALARY_RAISE = 3
    TRAINING = 4
    APPOINTMENT = 5
    REWARD = 6
    DISCIPLINE = 7
    INSPECTION = 8
    STATISTICS = 9


class Right(enum.IntFlag):
    """What a grant lets its grantee do."""
    READ = 1
    READ_PERSONAL = 2
    READ_CONFIDENTIAL = 4
    EXPORT = 8


#: An instant: microseconds since the Unix epoch (UTC), an aware datetime, or text
#: ("2026-12-02T09:00:00+07:00", "2026-12-02T09:00:00" in the database's zone, "2026-12-02").
Instant = Union[int, _dt.datetime, str]
#: A source document: (number, date "YYYY-MM-DD"), e.g. ("845/QĐ-UBND", "2008-08-20").
Source = Tuple[str, str]

_FORMATS = {"jsonl": 1, "csv": 2}


def abi_version() -> Tuple[int, int]:
    """(major, minor) of the loaded library's C ABI."""
    v = lib().hsdt_abi_version()
    return v >> 16, v & 0xFFFF


def library_version() -> str:
    """The loaded library's version, e.g. "1.0.0"."""
    return lib().hsdt_version().decode("ascii")


def open(path: str, passphrase: Optional[str] = None, *, raw_key: Optional[bytes] = None,
         create: bool = False, first_admin: Optional[Tuple[str, str, str]] = None, sync: bool = True,
         kdf_cost: Optional[int] = None, password_cost: Optional[int] = None,
         time_zone: Optional[str] = None, record_cache_bytes: Optional[int] = None,
         read_only: bool = False, catch_up_micros: int = 100_000) -> "Database":
    """Opens (with ``create``, creates) the database in ``path``.

    Give exactly one of ``passphrase`` (stretched with Argon2id) and ``raw_key`` (32 bytes).
    Creating needs ``first_admin`` = (user name, display name, password). ``sync=False`` leaves
    commits unsynced until :meth:`Database.sync` (bulk loads). ``kdf_cost``/``password_cost``: 0
    (tests only) to 3. ``time_zone``: an IANA id for civil dates (default Asia/Ho_Chi_Minh).
    ``read_only``: a read-only view beside the process that has the database open (writes raise
    :class:`IoError`; it catches up at most every ``catch_up_micros`` or at
    :meth:`Database.catch_up`).

    Raises :class:`BadKey` for a wrong key, :class:`NotFound` when there is no database and
    ``create`` is false, :class:`Busy` when another process has it open.
    """
    if (passphrase is None) == (raw_key is None):
        raise InvalidArgument("give exactly one of passphrase and raw_key")
    key = passphrase.encode("utf-8") if passphrase is not None else bytes(raw_key or b"")
    kind = 1 if passphrase is not None else 2
    L = lib()
    options = VP()
    check(L.hsdt_options_create(ctypes.byref(options)))
    try:
        check(L.hsdt_options_set_create_if_missing(options, create))
        check(L.hsdt_options_set_sync(options, sync))
        if first_admin is not None:
            user, display, password = first_admin
            check(L.hsdt_options_set_first_admin(options, enc(user), enc(display), enc(password)))
        if kdf_cost is not None:
            check(L.hsdt_options_set_kdf_cost(options, kdf_cost))
        if password_cost is not None:
            check(L.hsdt_options_set_password_cost(options, password_cost))
        if time_zone is not None:
            check(L.hsdt_options_set_time_zone(options, enc(time_zone)))
        if read_only:
            check(L.hsdt_options_set_read_only(options, True, catch_up_micros))
        if record_cache_bytes is not None:
            check(L.hsdt_options_set_record_cache_bytes(options, record_cache_bytes))
        handle = VP()
        check(L.hsdt_db_open(enc(path), kind, key, len(key), options, ctypes.byref(handle)))
    finally:
        L.hsdt_options_free(options)
    return Database(handle.value, time_zone)


class Database:
    """An open database. Close it (or use it as a context manager); sessions end with it."""

    def __init__(self, handle: int, time_zone: Optional[str]) -> None:
        self._handle: Optional[int] = handle
        self._time_zone = time_zone
        self._observers: Dict[int, Any] = {}

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            try:
                self.close()
            except Error:
                pass

    @property
    def closed(self) -> bool:
        return not self._handle

    def close(self) -> None:
        """Closes the database (a second close does nothing). Raises the final sync's error."""
        handle, self._handle = self._handle, None
        if handle:
            try:
                check(lib().hsdt_db_close(handle))
            finally:
                self._observers.clear()  # not called after close: the callbacks may go

    def _h(self) -> int:
        return _native.require_open(self._handle, "the database")

    def catch_up(self) -> None:
        """A read-only view: reads now what the primary has written."""
        check(lib().hsdt_db_catch_up(self._h()))

    def login(self, user_name: str, password: str) -> "Session":
        """Logs in; a wrong user name and a wrong password give the same PermissionDenied."""
        out = VP()
        check(lib().hsdt_login(self._h(), enc(user_name), enc(password), ctypes.byref(out)))
        return Session(self, out.value)

    def add_change_observer(self, observer: Callable[[int], None]) -> int:
        """Calls ``observer(position)`` after commits that change something, on a thread of the
        library (calls coalesce; read the feed from the last position handled with
        :meth:`Session.changes`). Returns its id for :meth:`remove_change_observer`. An exception
        the observer raises is printed and ignored."""
        def call(_user: Any, position: int) -> None:
            try:
                observer(position)
            except Exception:  # noqa: BLE001 - nothing may unwind into the library
                traceback.print_exc()

        callback = _native.CHANGE_FN(call)
        out = U64()
        check(lib().hsdt_change_observer_add(self._h(), callback, None, ctypes.byref(out)))
        self._observers[out.value] = callback  # kept alive while registered
        return out.value

    def remove_change_observer(self, observer_id: int) -> None:
        """Unregisters an observer (waiting for a call of it in progress to return)."""
        check(lib().hsdt_change_observer_remove(self._h(), observer_id))
        self._observers.pop(observer_id, None)

    def instant(self, value: Instant, end_of_day: bool = False) -> int:
        """Microseconds since the Unix epoch of ``value``; an offset in text or a datetime is
        honoured, a text without one is in the database's time zone. A naive datetime is refused."""
        if isinstance(value, bool):
            raise InvalidArgument("instant: a bool is not an instant")
        if isinstance(value, int):
            return value
        if isinstance(value, _dt.datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise InvalidArgument("instant: a naive datetime; give it a tzinfo")
            delta = value - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
            return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        if isinstance(value, str):
            out = I64()
            check(lib().hsdt_parse_instant(enc(value), enc(self._time_zone), end_of_day, ctypes.byref(out)))
            return out.value
        raise InvalidArgument(f"instant: {type(value).__name__} is not an instant")


class Session:
    """A logged-in account. Every call is decided by the policy and audited, allowed or denied.

    Reads outside the session's own unit name a :class:`Purpose`.
    """

    def __init__(self, db: Database, handle: int) -> None:
        self._db = db
        self._handle: Optional[int] = handle

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._handle and not self._db.closed:
            try:
                self.logout()
            except Error:
                pass
        self.free()

    def __del__(self) -> None:
        self.free()

    def free(self) -> None:
        """Releases the handle (without logging out)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            lib().hsdt_session_free(handle)

    def _args(self) -> Tuple[int, int]:
        return self._db._h(), _native.require_open(self._handle, "the session")

    def logout(self) -> None:
        check(lib().hsdt_logout(*self._args()))

    def change_password(self, old: str, new: str) -> None:
        check(lib().hsdt_change_password(*self._args(), enc(old), enc(new)))

    # ------------------------------------------------------------------ dossiers
    def create(self, dossier: Dict[str, Any], *, source: Source, reason: str = "") -> Tuple[str, int]:
        """Creates a dossier; returns (id, version 1). The source document is required."""
        text = _dump(dossier)
        out_id, version = VP(), U32()
        check(lib().hsdt_dossier_create(*self._args(), text, len(text), enc(reason), enc(source[0]),
                                        enc(source[1]), ctypes.byref(out_id), ctypes.byref(version)))
        return take(out_id), version.value

    def update(self, dossier_id: str, expected_version: int, dossier: Dict[str, Any], *, source: Source,
               reason: str = "") -> int:
        """Replaces the dossier if its latest version is ``expected_version`` (else :class:`Conflict`,
        nothing written); returns the new version."""
        text = _dump(dossier)
        version = U32()
        check(lib().hsdt_dossier_update(*self._args(), enc(dossier_id), expected_version, text, len(text),
                                        enc(reason), enc(source[0]), enc(source[1]), ctypes.byref(version)))
        return version.value

    def change_status(self, dossier_id: str, expected_version: int, status: str, *, source: Source,
                      reason: str = "") -> int:
        """Records a status change (e.g. "nghiHuu") as a new version; returns it."""
        version = U32()
        check(lib().hsdt_dossier_change_status(*self._args(), enc(dossier_id), expected_version, enc(status),
                                               enc(reason), enc(source[0]), enc(source[1]),
                                               ctypes.byref(version)))
        return version.value

    def get(self, dossier_id: str, purpose: Purpose = Purpose.NONE) -> "Dossier":
        """The latest version as a :class:`Dossier` (a dict; fields the policy hides are left
        out), its number in ``.version``."""
        buf, size, version = VP(), SIZE(), U32()
        check(lib().hsdt_dossier_get(*self._args(), enc(dossier_id), int(purpose), ctypes.byref(buf),
                                     ctypes.byref(size), ctypes.byref(version)))
        return _with_version(json.loads(take(buf, size.value)), version.value)

    def get_version(self, dossier_id: str, version: int, purpose: Purpose = Purpose.NONE) -> "Dossier":
        text = call_buffer(lib().hsdt_dossier_get_version, *self._args(), enc(dossier_id), version, int(purpose))
        return _with_version(json.loads(text), version)

    def get_as_of(self, dossier_id: str, when: Instant, purpose: Purpose = Purpose.NONE) -> "Dossier":
        """The version recorded at or before ``when`` (transaction time)."""
        buf, size, version = VP(), SIZE(), U32()
        check(lib().hsdt_dossier_get_as_of(*self._args(), enc(dossier_id), self._db.instant(when), int(purpose),
                                           ctypes.byref(buf), ctypes.byref(size), ctypes.byref(version)))
        return _with_version(json.loads(take(buf, size.value)), version.value)

    def history(self, dossier_id: str, purpose: Purpose = Purpose.NONE) -> List[Dict[str, Any]]:
        """Every version, oldest first: version, recordedAtMicros, kind, status, actor, reason, source."""
        return json.loads(call_buffer(lib().hsdt_dossier_history, *self._args(), enc(dossier_id), int(purpose)))

    def diff(self, dossier_id: str, from_version: int, to_version: int,
             purpose: Purpose = Purpose.NONE) -> List[str]:
        """JSON paths that differ between two versions, e.g. ["$.rank.step"]."""
        return json.loads(call_buffer(lib().hsdt_dossier_diff, *self._args(), enc(dossier_id), from_version,
                                      to_version, int(purpose)))

    def in_force_on(self, dossier_id: str, date: str, purpose: Purpose = Purpose.NONE) -> Dict[str, Any]:
        """What the dossier's timelines say was in force on ``date`` (valid time)."""
        return json.loads(call_buffer(lib().hsdt_dossier_in_force_on, *self._args(), enc(dossier_id), enc(date),
                                      int(purpose)))

    def list_ids(self, unit: str = "", page: int = 1000) -> Iterator[str]:
        """Ids of the dossiers ``unit`` manages ("" for every unit), ascending, across pages."""
        after = ""
        while True:
            ids = json.loads(call_buffer(lib().hsdt_list_ids, *self._args(), enc(unit), enc(after), page))
            yield from ids
            if len(ids) < page:
                return
            after = ids[-1]

    # ------------------------------------------------------------------ queries
    def find(self, query: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
        """Rows of a query (docs/format.md, "Queries"), page after page until the last; each row is
        a dict with "id" and the asked fields (redacted ones left out)."""
        q = dict(query)
        while True:
            page = json.loads(call_buffer(lib().hsdt_find, *self._args(), _dump(q), 0))
            yield from page["rows"]
            cursor = page.get("nextCursor", "")
            if not cursor:
                return
            q["cursor"] = cursor

    def explain(self, query: Dict[str, Any]) -> str:
        """The plan of a query, without running it."""
        return json.loads(call_buffer(lib().hsdt_find, *self._args(), _dump(query), 1))["plan"]

    def count(self, query: Dict[str, Any]) -> Dict[str, Any]:
        """Counts grouped by up to three fields: {"groupBy", "rows": [{"key", "count"}], "total"}."""
        return json.loads(call_buffer(lib().hsdt_count, *self._args(), _dump(query)))

    def export(self, query: Dict[str, Any], out: BinaryIO, *, format: str = "jsonl", whole: bool = False) -> int:
        """Writes the export of a query to the binary file object ``out`` in chunks (memory stays
        bounded); returns the number of dossiers. ``format``: "jsonl" or "csv" (UTF-8 with a BOM);
        ``whole`` (JSON Lines only): whole dossiers. An exception of ``out.write`` stops the
        export and is raised again here."""
        if format not in _FORMATS:
            raise InvalidArgument(f"format: {format!r}; expected 'jsonl' or 'csv'")
        failure: List[BaseException] = []

        def sink(_user: Any, data: Any, size: int) -> int:
            try:
                out.write(ctypes.string_at(data, size))
                return 0
            except BaseException as e:  # noqa: B902 - handed back to the caller below
                failure.append(e)
                return IoError.status

        rows = U64()
        callback = _native.SINK(sink)
        status = lib().hsdt_export_to(*self._args(), _dump(query), _FORMATS[format], int(whole), callback, None,
                                      ctypes.byref(rows))
        if failure:
            raise failure[0]
        check(status)
        return rows.value

    def import_jsonl(self, data: bytes, *, source: Source, reason: str = "", batch_lines: int = 0) -> Dict[str, Any]:
        """Creates the dossiers of JSON Lines ``data`` in all-or-nothing batches; returns the
        report {"lines", "imported", "batchesCommitted", "batchesRejected", "errors", "ids"}."""
        return json.loads(call_buffer(lib().hsdt_import, *self._args(), data, len(data), batch_lines, enc(reason),
                                      enc(source[0]), enc(source[1])))

    # ------------------------------------------------------------------ the change feed
    def changes(self, since: int = 0, limit: int = 1000,
                purpose: Purpose = Purpose.NONE) -> Tuple[List[Dict[str, Any]], int]:
        """(entries, next) of the change feed after position ``since``: what the session may see
        (dossiers it may read now for ``purpose``), ids and versions only (position, subject,
        kind, id, version, recordedAtMicros, unit, previousUnit). Call again with
        ``since=next`` until ``next`` stops moving."""
        page = json.loads(call_buffer(lib().hsdt_changes, *self._args(), since, limit, int(purpose)))
        return page["entries"], page["next"]

    def follow(self, since: int = 0, limit: int = 1000,
               purpose: Purpose = Purpose.NONE) -> Iterator[Dict[str, Any]]:
        """Every feed entry after ``since`` up to now, across pages."""
        while True:
            entries, following = self.changes(since, limit, purpose)
            yield from entries
            if following == since:
                return
            since = following

    # ------------------------------------------------------------------ accounts, units, grants
    def create_account(self, user_name: str, display_name: str, unit: str, role: Role, password: str,
                       reason: str = "") -> None:
        check(lib().hsdt_account_create(*self._args(), enc(user_name), enc(display_name), enc(unit), int(role),
                                        enc(password), enc(reason)))

    def set_account_state(self, user_name: str, state: AccountState, reason: str = "") -> None:
        check(lib().hsdt_account_set_state(*self._args(), enc(user_name), int(state), enc(reason)))

    def set_account_role(self, user_name: str, role: Role, reason: str = "") -> None:
        check(lib().hsdt_account_set_role(*self._args(), enc(user_name), int(role), enc(reason)))

    def accounts(self) -> List[Dict[str, Any]]:
        return json.loads(call_buffer(lib().hsdt_account_list, *self._args()))

    def units(self) -> List[Dict[str, Any]]:
        return json.loads(call_buffer(lib().hsdt_unit_list, *self._args()))

    def issue_grant(self, *, legal_basis: Source, signer: str, rights: Right = Right.READ,
                    grantee_user: Optional[str] = None, grantee_unit: Optional[str] = None,
                    dossiers: Sequence[str] = (), scope_unit: Optional[str] = None,
                    purposes: Sequence[Purpose] = (), valid_from: Instant = 0,
                    valid_until: Instant = 2**63 - 1, reason: str = "") -> str:
        """A written-consent grant (article 8.2) to an account or a unit, over listed dossiers or
        every dossier of a unit; returns its id."""
        ids = (C_STR * max(1, len(dossiers)))(*[enc(d) for d in dossiers])
        ps = (INT * max(1, len(purposes)))(*[int(p) for p in purposes])
        out = VP()
        check(lib().hsdt_grant_issue(*self._args(), enc(grantee_user), enc(grantee_unit), ids, len(dossiers),
                                     enc(scope_unit), int(rights), ps, len(purposes), enc(legal_basis[0]),
                                     enc(legal_basis[1]), enc(signer), self._db.instant(valid_from),
                                     self._db.instant(valid_until), enc(reason), ctypes.byref(out)))
        return take(out)

    def revoke_grant(self, grant_id: str, reason: str = "") -> None:
        check(lib().hsdt_grant_revoke(*self._args(), enc(grant_id), enc(reason)))

    def grants(self) -> List[Dict[str, Any]]:
        return json.loads(call_buffer(lib().hsdt_grant_list, *self._args()))

    # ------------------------------------------------------------------ audit and maintenance
    def audit_digest(self) -> Tuple[int, str]:
        """(sequence, head) of the audit chain: keep them outside the database."""
        seq, head = U64(), VP()
        check(lib().hsdt_audit_digest(*self._args(), ctypes.byref(seq), ctypes.byref(head)))
        return seq.value, take(head)

    def verify_audit(self, digest: Optional[Tuple[int, str]] = None) -> Dict[str, Any]:
        """Walks the audit chain, and checks it against an earlier digest if given."""
        seq, head = digest if digest is not None else (0, None)
        return json.loads(call_buffer(lib().hsdt_audit_verify, *self._args(), seq, enc(head)))

    def read_audit(self, from_sequence: int = 1, limit: int = 1000) -> List[Dict[str, Any]]:
        return json.loads(call_buffer(lib().hsdt_audit_read, *self._args(), from_sequence, limit))

    def check(self) -> Dict[str, Any]:
        """Authenticates every stored value and checks every chain and index entry."""
        return json.loads(call_buffer(lib().hsdt_db_check, *self._args()))

    def stats(self) -> Dict[str, Any]:
        return json.loads(call_buffer(lib().hsdt_db_stats, *self._args()))

    def sync(self) -> None:
        check(lib().hsdt_db_sync(*self._args()))

    def backup(self, backup_dir: str) -> int:
        """An encrypted backup into ``backup_dir``; returns its number."""
        out = U32()
        check(lib().hsdt_db_backup(*self._args(), enc(backup_dir), ctypes.byref(out)))
        return out.value


def _dump(value: Dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


class Dossier(dict):  # type: ignore[type-arg]
    """A dossier as a dict (the JSON form of docs/format.md), with its version number as the
    attribute ``version``: the dict itself can be changed and given back to :meth:`Session.update`."""

    version: int = 0


def _with_version(dossier: Dict[str, Any], version: int) -> Dossier:
    d = Dossier(dossier)
    d.version = version
    return d
