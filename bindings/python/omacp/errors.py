"""The one error convention: every failure raises an OmacpError subclass.

The class is chosen by the status code (STATUS_CLASSES); every instance
carries status, message, strerror, offset, line, column, path, and where
the call produced one the output document (``output``) and the verdict or
result (``result``).

SPDX-License-Identifier: MIT
"""

from typing import Any, Dict, Optional, Type

from .enums import Status


class OmacpError(Exception):
    """A libomacp call failed.

    status: the Status (negative CP_E_* code); name: "CP_E_..."; strerror:
    cp_strerror(); message: the context's one-line detail (or the
    binding's); offset: byte offset in the input or None; line, column:
    1-based position in XML input or None; path: element path or None;
    output: the output document (XML text) when the call made one, else
    None; result: the Verdict / PushResult / CpfVerdict of the call, or None.
    """

    #: the status of ``raise Cls("message")`` (classes of one status, and
    #: BAD_DOC for MalformedInput); None: the status must be given
    default_status: Optional[int] = None

    def __init__(self, status: Any = None, message: str = "",
                 offset: Optional[int] = None, line: Optional[int] = None,
                 column: Optional[int] = None, path: Optional[str] = None,
                 strerror: Optional[str] = None,
                 output: Optional[str] = None, result: Any = None) -> None:
        if status is None or isinstance(status, str):
            # raise omacp.NotFound("no such setting") (a CSP handler)
            if isinstance(status, str):
                message = status
            status = type(self).default_status
            if status is None:
                raise TypeError("%s needs a status" % type(self).__name__)
        try:
            self.status: Any = Status(status)
            self.name = self.status.c_name
        except ValueError:
            self.status = status
            self.name = "CP_E_?%d" % status
        if strerror is None:
            from ._native import _strerror
            strerror = _strerror(status)
        self.strerror = strerror
        self.message = message or ""
        self.offset = offset
        self.line = line
        self.column = column
        self.path = path
        self.output = output
        self.result = result
        super().__init__(self._text())

    def _text(self) -> str:
        text = "%s (%d): %s" % (self.name, int(self.status), self.strerror)
        if self.message:
            text += ": " + self.message
        where = []
        if self.offset is not None:
            where.append("byte %d" % self.offset)
        if self.line is not None:
            where.append("line %d" % self.line)
            if self.column is not None:
                where[-1] += ", column %d" % self.column
        if self.path:
            where.append("at " + self.path)
        if where:
            text += " [" + "; ".join(where) + "]"
        return text


class OutOfMemory(OmacpError):
    """CP_E_NOMEM."""


class InvalidArgument(OmacpError):
    """CP_E_INVALID_ARG: an argument the library refused (out of range)."""


class VersionMismatch(OmacpError):
    """CP_E_VERSION: a struct size the library does not know."""


class MalformedInput(OmacpError):
    """The input could not be read: TRUNCATED, MALFORMED, OVERFLOW,
    UNKNOWN_TOKEN, CHARSET, NOT_PROV, XML, GRAMMAR, DTD, BAD_DOC."""


class LimitExceeded(MalformedInput):
    """CP_E_LIMIT: a configured size, depth or count limit."""


class Unsupported(OmacpError):
    """CP_E_UNSUPPORTED: not in this build (e.g. .cpf in a NO_CPF build)."""


class BufferTooSmall(OmacpError):
    """CP_E_BUFFER_TOO_SMALL."""


class IOFailure(OmacpError):
    """CP_E_IO: a file operation failed (e.g. a missing state directory)."""


class InternalError(OmacpError):
    """CP_E_INTERNAL: a library bug."""


class Busy(OmacpError):
    """CP_E_BUSY: the context is inside another call."""


class NotFound(OmacpError):
    """CP_E_NOT_FOUND."""


class AlreadyExists(OmacpError):
    """CP_E_EXISTS."""


class AuthenticationError(OmacpError):
    """SEC, MAC, PIN problems: BAD_SEC, BAD_MAC, NOT_AUTHENTIC, BAD_PIN,
    PIN_EXHAUSTED (the subclasses)."""


class BadSec(AuthenticationError):
    """CP_E_BAD_SEC."""


class BadMac(AuthenticationError):
    """CP_E_BAD_MAC."""


class NotAuthentic(AuthenticationError):
    """CP_E_NOT_AUTHENTIC."""


class BadPin(AuthenticationError):
    """CP_E_BAD_PIN."""


class PinExhausted(AuthenticationError):
    """CP_E_PIN_EXHAUSTED."""


class Refused(OmacpError):
    """CP_E_REFUSED: a security policy refused the message or caller."""


class AccessDenied(OmacpError):
    """CP_E_ACCESS_DENIED: the roles may not touch that setting."""


class Corrupt(OmacpError):
    """CP_E_CORRUPT: stored state is damaged or foreign."""


class CspError(OmacpError):
    """CP_E_CSP: a configuration service provider failed."""


class RollbackFailed(OmacpError):
    """CP_E_ROLLBACK: settings may be inconsistent."""


class StorageError(OmacpError):
    """CP_E_STORAGE: device state could not be saved or read."""


STATUS_CLASSES: Dict[int, Type[OmacpError]] = {
    Status.NOMEM: OutOfMemory,
    Status.INVALID_ARG: InvalidArgument,
    Status.VERSION: VersionMismatch,
    Status.TRUNCATED: MalformedInput,
    Status.MALFORMED: MalformedInput,
    Status.OVERFLOW: MalformedInput,
    Status.UNKNOWN_TOKEN: MalformedInput,
    Status.CHARSET: MalformedInput,
    Status.NOT_PROV: MalformedInput,
    Status.LIMIT: LimitExceeded,
    Status.XML: MalformedInput,
    Status.GRAMMAR: MalformedInput,
    Status.DTD: MalformedInput,
    Status.UNSUPPORTED: Unsupported,
    Status.BUFFER_TOO_SMALL: BufferTooSmall,
    Status.IO: IOFailure,
    Status.INTERNAL: InternalError,
    Status.BUSY: Busy,
    Status.NOT_FOUND: NotFound,
    Status.EXISTS: AlreadyExists,
    Status.BAD_SEC: BadSec,
    Status.BAD_MAC: BadMac,
    Status.NOT_AUTHENTIC: NotAuthentic,
    Status.BAD_PIN: BadPin,
    Status.PIN_EXHAUSTED: PinExhausted,
    Status.REFUSED: Refused,
    Status.ACCESS_DENIED: AccessDenied,
    Status.CORRUPT: Corrupt,
    Status.CSP: CspError,
    Status.ROLLBACK: RollbackFailed,
    Status.BAD_DOC: MalformedInput,
    Status.STORAGE: StorageError,
}


for _cls in set(STATUS_CLASSES.values()):
    _codes = [c for c, k in STATUS_CLASSES.items() if k is _cls]
    if len(_codes) == 1:
        _cls.default_status = _codes[0]
MalformedInput.default_status = Status.BAD_DOC


def error_for(status: int, message: str = "", **kw: Any) -> OmacpError:
    """The OmacpError subclass instance for status."""
    cls = STATUS_CLASSES.get(status, OmacpError)
    return cls(status, message, **kw)
