"""Enumerations mirrored from the C headers (values equal the C ones).

SPDX-License-Identifier: MIT
"""

from enum import IntEnum, IntFlag


class Status(IntEnum):
    """cp_status codes (omacp/common.h); CP_E_X is Status.X."""
    OK = 0
    NOMEM = -1
    INVALID_ARG = -2
    VERSION = -3
    TRUNCATED = -4
    MALFORMED = -5
    OVERFLOW = -6
    UNKNOWN_TOKEN = -7
    CHARSET = -8
    NOT_PROV = -9
    LIMIT = -10
    XML = -11
    GRAMMAR = -12
    DTD = -13
    UNSUPPORTED = -14
    BUFFER_TOO_SMALL = -15
    IO = -16
    INTERNAL = -17
    BUSY = -18
    NOT_FOUND = -19
    EXISTS = -20
    BAD_SEC = -21
    BAD_MAC = -22
    NOT_AUTHENTIC = -23
    BAD_PIN = -24
    PIN_EXHAUSTED = -25
    REFUSED = -26
    ACCESS_DENIED = -27
    CORRUPT = -28
    CSP = -29
    ROLLBACK = -30
    BAD_DOC = -31
    STORAGE = -32

    @property
    def c_name(self) -> str:
        return "CP_OK" if self == 0 else "CP_E_" + self.name


class Role(IntFlag):
    """Role bits (omacp/common.h), Windows Mobile's SECROLE_* values."""
    NONE = 0x0000
    OEM = 0x0002
    OPERATOR = 0x0004
    MANAGER = 0x0008
    USER_AUTH = 0x0010
    ENTERPRISE = 0x0020
    USER_UNAUTH = 0x0040
    OPERATOR_TPS = 0x0080
    KNOWN_PPG = 0x0100
    TRUSTED_PPG = 0x0200
    PPG_AUTH = 0x0400
    PPG_TRUSTED = 0x0800
    ANY_PUSH_SOURCE = 0x1000
    EXEMPT = 0x80000000


ROLES_ORIGIN = (Role.OPERATOR_TPS | Role.KNOWN_PPG | Role.TRUSTED_PPG |
                Role.PPG_AUTH | Role.PPG_TRUSTED | Role.ANY_PUSH_SOURCE)
ROLES_ALL = Role(0x1FFE)


class Sec(IntEnum):
    """SEC methods (omacp/common.h cp_sec)."""
    INVALID = -2
    NONE = -1
    NETWPIN = 0
    USERPIN = 1
    USERNETWPIN = 2
    USERPINMAC = 3


class Policy(IntEnum):
    """Security policy ids (omacp/trust.h)."""
    RAPI = 4097
    UNSIGNED_CABS = 4101
    UNSIGNED_APPS = 4102
    UNSIGNED_THEMES = 4103
    TPS = 4104
    MAX_AUTH_RETRY = 4105
    WAP_SIGNED_MSG = 4107
    SL_MESSAGE = 4108
    SI_MESSAGE = 4109
    UNAUTH_MESSAGES = 4110
    OTA_PROVISIONING = 4111
    WSP_PUSH = 4113
    GRANT_MANAGER = 4119
    GRANT_USER_AUTH = 4120
    TRUSTED_WAP_PROXY = 4121
    UNSIGNED_PROMPT = 4122
    PRIVILEGED_APPS = 4123
    NETWPIN_PROMPT = 4132
    OMACP_NETWPIN = 4141
    OMACP_USERPIN = 4142
    OMACP_USERNETWPIN = 4143


class Source(IntEnum):
    """Local sources (omacp/trust.h cp_source)."""
    API_PRIVILEGED = 1
    API_NORMAL = 2
    RAPI = 3
    CPF = 4
    BOOT = 5
    UI = 6


class Outcome(IntEnum):
    """What happened to a pushed message or .cpf (omacp/push.h)."""
    APPLIED = 0
    REFUSED = 1
    ROLLED_BACK = 2
    MALFORMED = 3
    PENDING = 4


class Profile(IntEnum):
    BRANDED = 0
    UNBRANDED = 1


class Tier(IntEnum):
    TWO = 0
    ONE = 1


class Ppg(IntEnum):
    """What the host knows of the push gateway (omacp/bootstrap.h)."""
    ANY = 0
    KNOWN = 1
    TRUSTED = 2


class Content(IntEnum):
    OTHER = 0
    WBXML = 1
    XML = 2


class CpfSignature(IntEnum):
    UNSIGNED = 0
    KNOWN = 1
    UNKNOWN = 2
    BAD = 3
    UNREAD = 4


class Datatype(IntEnum):
    """Metabase value types (omacp/engine.h cp_datatype)."""
    INTEGER = 0
    STRING = 1
    FLOAT = 2
    BOOLEAN = 5
    BINARY = 6
    MULTIPLE_STRING = 7
    NODE = 8
    UNKNOWN = 10


class TpduSmsc(IntEnum):
    """cp_sms_parse_deliver: is an SMSC address in front?"""
    AUTO = 0
    PRESENT = 1
    ABSENT = 2


class NodeKind(IntEnum):
    """Document node kinds (omacp/doc.h cp_node_kind)."""
    DOC = 0
    CHARACTERISTIC = 1
    PARM = 2
    CHARACTERISTIC_QUERY = 3
    PARM_QUERY = 4
    NOCHARACTERISTIC = 5
    NOPARM = 6
    CHARACTERISTIC_ERROR = 7
    PARM_ERROR = 8
    CHARACTERISTIC_QUERY_ERROR = 9
    PARM_QUERY_ERROR = 10
    NOCHARACTERISTIC_ERROR = 11
    NOPARM_ERROR = 12


class Attr(IntEnum):
    """Document attributes (omacp/doc.h cp_attr)."""
    VERSION = 0
    TYPE = 1
    NAME = 2
    VALUE = 3
    DATATYPE = 4
    TRANSLATION = 5
    RECURSIVE = 6
    MWID = 7
    DESC = 8
    SEMANTIC_TYPE = 9
    MINVALUE = 10
    MAXVALUE = 11
    MAXLENGTH = 12
    OPTIONS = 13
    MULTIPLE = 14
    RW_ACCESS = 15
    LABEL = 16
    ACCESS_ROLES = 17


ATTR_XML_NAMES = {a: a.name.lower().replace("_", "-") for a in Attr}
