"""Loading libhsdt.so.1 and declaring the C functions this package calls (ctypes)."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from typing import Any, Callable, Optional

from .errors import Misuse, error_for

ABI_MAJOR = 1
ABI_MINOR = 2  # the functions below need at least this minor

VP = ctypes.c_void_p
C_STR = ctypes.c_char_p
SIZE = ctypes.c_size_t
U32 = ctypes.c_uint32
U64 = ctypes.c_uint64
I64 = ctypes.c_int64
INT = ctypes.c_int
BOOL = ctypes.c_bool
OUT_BUF = [ctypes.POINTER(VP), ctypes.POINTER(SIZE)]
CHANGE = [C_STR, C_STR, C_STR]  # reason, source number, source date

SINK = ctypes.CFUNCTYPE(INT, VP, ctypes.POINTER(ctypes.c_char), SIZE)
CHANGE_FN = ctypes.CFUNCTYPE(None, VP, U64)

_PROTOTYPES = {
    "hsdt_abi_version": ([], U32),
    "hsdt_version": ([], C_STR),
    "hsdt_last_error": ([], C_STR),
    "hsdt_status_name": ([INT], C_STR),
    "hsdt_free": ([VP], None),
    "hsdt_options_create": ([ctypes.POINTER(VP)], INT),
    "hsdt_options_free": ([VP], None),
    "hsdt_options_set_create_if_missing": ([VP, BOOL], INT),
    "hsdt_options_set_error_if_exists": ([VP, BOOL], INT),
    "hsdt_options_set_sync": ([VP, BOOL], INT),
    "hsdt_options_set_kdf_cost": ([VP, INT], INT),
    "hsdt_options_set_password_cost": ([VP, INT], INT),
    "hsdt_options_set_record_cache_bytes": ([VP, SIZE], INT),
    "hsdt_options_set_first_admin": ([VP, C_STR, C_STR, C_STR], INT),
    "hsdt_options_set_time_zone": ([VP, C_STR], INT),
    "hsdt_options_set_read_only": ([VP, BOOL, I64], INT),
    "hsdt_db_catch_up": ([VP], INT),
    "hsdt_parse_instant": ([C_STR, C_STR, BOOL, ctypes.POINTER(I64)], INT),
    "hsdt_db_open": ([C_STR, INT, C_STR, SIZE, VP, ctypes.POINTER(VP)], INT),
    "hsdt_db_close": ([VP], INT),
    "hsdt_login": ([VP, C_STR, C_STR, ctypes.POINTER(VP)], INT),
    "hsdt_logout": ([VP, VP], INT),
    "hsdt_session_free": ([VP], None),
    "hsdt_change_password": ([VP, VP, C_STR, C_STR], INT),
    "hsdt_db_sync": ([VP, VP], INT),
    "hsdt_db_check": ([VP, VP] + OUT_BUF, INT),
    "hsdt_db_stats": ([VP, VP] + OUT_BUF, INT),
    "hsdt_db_backup": ([VP, VP, C_STR, ctypes.POINTER(U32)], INT),
    "hsdt_dossier_create": ([VP, VP, C_STR, SIZE] + CHANGE + [ctypes.POINTER(VP), ctypes.POINTER(U32)], INT),
    "hsdt_dossier_update": ([VP, VP, C_STR, U32, C_STR, SIZE] + CHANGE + [ctypes.POINTER(U32)], INT),
    "hsdt_dossier_change_status": ([VP, VP, C_STR, U32, C_STR] + CHANGE + [ctypes.POINTER(U32)], INT),
    "hsdt_dossier_get": ([VP, VP, C_STR, INT] + OUT_BUF + [ctypes.POINTER(U32)], INT),
    "hsdt_dossier_get_version": ([VP, VP, C_STR, U32, INT] + OUT_BUF, INT),
    "hsdt_dossier_get_as_of": ([VP, VP, C_STR, I64, INT] + OUT_BUF + [ctypes.POINTER(U32)], INT),
    "hsdt_dossier_history": ([VP, VP, C_STR, INT] + OUT_BUF, INT),
    "hsdt_dossier_diff": ([VP, VP, C_STR, U32, U32, INT] + OUT_BUF, INT),
    "hsdt_dossier_in_force_on": ([VP, VP, C_STR, C_STR, INT] + OUT_BUF, INT),
    "hsdt_list_ids": ([VP, VP, C_STR, C_STR, SIZE] + OUT_BUF, INT),
    "hsdt_account_create": ([VP, VP, C_STR, C_STR, C_STR, INT, C_STR, C_STR], INT),
    "hsdt_account_set_state": ([VP, VP, C_STR, INT, C_STR], INT),
    "hsdt_account_set_role": ([VP, VP, C_STR, INT, C_STR], INT),
    "hsdt_account_list": ([VP, VP] + OUT_BUF, INT),
    "hsdt_unit_list": ([VP, VP] + OUT_BUF, INT),
    "hsdt_grant_issue": ([VP, VP, C_STR, C_STR, ctypes.POINTER(C_STR), SIZE, C_STR, U32, ctypes.POINTER(INT), SIZE,
                          C_STR, C_STR, C_STR, I64, I64, C_STR, ctypes.POINTER(VP)], INT),
    "hsdt_grant_revoke": ([VP, VP, C_STR, C_STR], INT),
    "hsdt_grant_list": ([VP, VP] + OUT_BUF, INT),
    "hsdt_audit_verify": ([VP, VP, U64, C_STR] + OUT_BUF, INT),
    "hsdt_audit_digest": ([VP, VP, ctypes.POINTER(U64), ctypes.POINTER(VP)], INT),
    "hsdt_audit_read": ([VP, VP, U64, SIZE] + OUT_BUF, INT),
    "hsdt_find": ([VP, VP, C_STR, INT] + OUT_BUF, INT),
    "hsdt_count": ([VP, VP, C_STR] + OUT_BUF, INT),
    "hsdt_export_to": ([VP, VP, C_STR, INT, INT, SINK, VP, ctypes.POINTER(U64)], INT),
    "hsdt_import": ([VP, VP, C_STR, SIZE, U32] + CHANGE + OUT_BUF, INT),
    "hsdt_changes": ([VP, VP, U64, SIZE, INT] + OUT_BUF, INT),
    "hsdt_change_observer_add": ([VP, CHANGE_FN, VP, ctypes.POINTER(U64)], INT),
    "hsdt_change_observer_remove": ([VP, U64], INT),
}

_lib: Optional[ctypes.CDLL] = None
_lock = threading.Lock()


def _load() -> ctypes.CDLL:
    path = os.environ.get("HSDT_LIBRARY")
    if path:
        candidates = [path]
    else:
        candidates = ["libhsdt.so.1"]
        found = ctypes.util.find_library("hsdt")
        if found:
            candidates.append(found)
    errors = []
    for candidate in candidates:
        try:
            lib = ctypes.CDLL(candidate)
            break
        except OSError as e:
            errors.append(f"{candidate}: {e}")
    else:
        raise ImportError("cannot load libhsdt (set HSDT_LIBRARY to its path): " + "; ".join(errors))
    abi = lib.hsdt_abi_version()
    if abi >> 16 != ABI_MAJOR or (abi & 0xFFFF) < ABI_MINOR:
        raise ImportError(f"libhsdt has ABI {abi >> 16}.{abi & 0xFFFF}; this package needs "
                          f"{ABI_MAJOR}.{ABI_MINOR} or a later 1.x")
    for name, (args, res) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = res
    return lib


def lib() -> ctypes.CDLL:
    """The loaded library (loaded at the first call)."""
    global _lib
    with _lock:
        if _lib is None:
            _lib = _load()
        return _lib


def check(status: int) -> None:
    """Raises the exception of a non-zero status, with this thread's last error message."""
    if status != 0:
        raise_status(status)


def raise_status(status: int) -> None:
    lib_ = lib()
    message = (lib_.hsdt_last_error() or b"").decode("utf-8", "replace")
    name = (lib_.hsdt_status_name(status) or b"").decode("ascii", "replace")
    raise error_for(status, message, name)


def enc(text: Optional[str]) -> Optional[bytes]:
    """UTF-8 bytes of ``text`` (None stays None, which the C ABI reads as absent)."""
    return None if text is None else text.encode("utf-8")


def call_buffer(fn: Callable[..., int], *args: Any) -> str:
    """Calls ``fn(*args, &buf, &len)`` and returns the library-made buffer as text, freeing it."""
    buf = VP()
    size = SIZE()
    check(fn(*args, ctypes.byref(buf), ctypes.byref(size)))
    return take(buf, size.value)


def take(buf: VP, size: Optional[int] = None) -> str:
    """The text of a library-made buffer, which is then wiped and freed."""
    if not buf.value:
        return ""
    try:
        data = ctypes.string_at(buf.value, size) if size is not None else ctypes.string_at(buf.value)
        return data.decode("utf-8")
    finally:
        lib().hsdt_free(buf)


def require_open(handle: Optional[int], what: str) -> int:
    if not handle:
        raise Misuse(f"{what} is closed")
    return handle
