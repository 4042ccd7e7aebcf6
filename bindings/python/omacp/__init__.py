"""omacp: Python binding of libomacp (OMA Client Provisioning, device side,
plus the sending side for harnesses). Standard library only (ctypes).

The shared library is found through OMACP_LIBRARY, pkg-config, or the
system loader (see README.md); ``omacp.library_path`` says which.
Every failure raises an OmacpError subclass (omacp.errors).

SPDX-License-Identifier: MIT
"""

from ._native import LayoutError, library_path
from .context import (Context, Sms, build, decode, encode, mac, parse,
                      parse_deliver, parse_push, roles_for_sec, strerror,
                      verify, verify_pdu, version)
from .csp import Csp, CspSession
from .enums import (ROLES_ALL, ROLES_ORIGIN, Attr, Content, CpfSignature,
                    Datatype, NodeKind, Outcome, Policy, Ppg, Profile, Role,
                    Sec, Source, Status, Tier, TpduSmsc)
from .errors import (STATUS_CLASSES, AccessDenied, AlreadyExists,
                     AuthenticationError, BadMac, BadPin, BadSec,
                     BufferTooSmall, Busy, Corrupt, CspError, InternalError,
                     InvalidArgument, IOFailure, LimitExceeded,
                     MalformedInput, NotAuthentic, NotFound, OmacpError,
                     OutOfMemory, PinExhausted, Refused, RollbackFailed,
                     StorageError, Unsupported, VersionMismatch, error_for)
from .records import (AuditRecord, CpfVerdict, Meta, Node, PolicyDesc, Push,
                      PushResult, SmsDeliver, SpcEntry, Verdict,
                      GatewayInfo)

__version__ = "0.2.0"

__all__ = [
    "LayoutError", "library_path", "Context", "Csp", "CspSession", "Sms", "build", "decode",
    "encode", "mac", "parse", "parse_deliver", "parse_push",
    "roles_for_sec", "strerror", "verify", "verify_pdu", "version",
    "ROLES_ALL", "ROLES_ORIGIN", "Attr", "Content", "CpfSignature",
    "Datatype", "NodeKind", "Outcome", "Policy", "Ppg", "Profile", "Role",
    "Sec", "Source", "Status", "Tier", "TpduSmsc", "STATUS_CLASSES",
    "AccessDenied", "AlreadyExists", "AuthenticationError", "BadMac",
    "BadPin", "BadSec", "BufferTooSmall", "Busy", "Corrupt", "CspError",
    "InternalError", "InvalidArgument", "IOFailure", "LimitExceeded",
    "MalformedInput", "NotAuthentic", "NotFound", "OmacpError",
    "OutOfMemory", "PinExhausted", "Refused", "RollbackFailed",
    "StorageError", "Unsupported", "VersionMismatch", "error_for",
    "AuditRecord", "CpfVerdict", "Meta", "Node", "PolicyDesc", "Push",
    "PushResult", "SmsDeliver", "SpcEntry", "Verdict", "GatewayInfo",
]
