"""Exceptions: one class per status of the C ABI (hsdt.h), all under :class:`Error`."""
from __future__ import annotations

from typing import Dict, Type


class Error(Exception):
    """A call of the library failed.

    ``status`` is the C ABI's status number (``hsdt_status``), ``status_name`` its name
    ("Conflict"), ``message`` the library's message, which names the field, JSON path or byte at
    fault and never a dossier value.
    """

    status = -1
    status_name = "Unknown"

    def __init__(self, message: str, status: int = -1, status_name: str = "") -> None:
        super().__init__(message)
        self.message = message
        if status >= 0:
            self.status = status
        if status_name:
            self.status_name = status_name

    def __str__(self) -> str:
        return f"{self.status_name}: {self.message}" if self.message else self.status_name


class InvalidArgument(Error, ValueError):
    """The input is wrong; the message names the field, JSON path or byte."""
    status, status_name = 1, "InvalidArgument"


class NotFound(Error, LookupError):
    """No such dossier, version, account, unit or database."""
    status, status_name = 2, "NotFound"


class AlreadyExists(Error):
    status, status_name = 3, "AlreadyExists"


class Conflict(Error):
    """The expected version is stale: reread and retry. Nothing was written."""
    status, status_name = 4, "Conflict"


class PermissionDenied(Error, PermissionError):
    """The policy refused the call (it is in the audit log), or the session is not live."""
    status, status_name = 5, "PermissionDenied"


class BadKey(Error):
    """The key does not open this database."""
    status, status_name = 6, "BadKey"


class Corruption(Error):
    """Stored bytes failed authentication or decoding."""
    status, status_name = 7, "Corruption"


class IoError(Error, OSError):
    """The file system failed; the database may have turned read-only."""
    status, status_name = 8, "IOError"


class ResourceExhausted(Error):
    """Out of memory or disk space."""
    status, status_name = 9, "ResourceExhausted"


class Busy(Error):
    """The database is open in another process or handle."""
    status, status_name = 10, "Busy"


class UnsupportedFormat(Error):
    """The database was written by a newer format."""
    status, status_name = 11, "UnsupportedFormat"


class Misuse(Error):
    """A closed handle or a missing argument: a bug in the calling program."""
    status, status_name = 12, "Misuse"


class InternalError(Error):
    """A bug in the library."""
    status, status_name = 13, "Internal"


_BY_STATUS: Dict[int, Type[Error]] = {
    cls.status: cls
    for cls in (InvalidArgument, NotFound, AlreadyExists, Conflict, PermissionDenied, BadKey, Corruption,
                IoError, ResourceExhausted, Busy, UnsupportedFormat, Misuse, InternalError)
}


def error_for(status: int, message: str, status_name: str) -> Error:
    """The exception for a status; an unknown (newer) status gives a plain :class:`Error`."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        return Error(message, status, status_name)
    return cls(message)
