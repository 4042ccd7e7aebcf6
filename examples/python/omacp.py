"""omacp - a Python binding of libomacp (OMA Client Provisioning, device side).

Pure standard library: the shared library is reached through ctypes. It is
looked for, in this order:

1. the path in the environment variable OMACP_LIB;
2. next to this file, in ../../build/ (a source tree built with make);
3. ctypes.util.find_library("omacp") (an installed library).

Every struct mirrored here is checked against the library at import time:
the C init functions (cp_config_init, cp_push_init, ...) write the size
the library was compiled with, and the import fails with LayoutError when
it differs from the ctypes layout. Structs without an init function
(cp_policy_desc, cp_storage, cp_limits) are checked by what the library
writes into them.

Errors raise OmacpError, which carries the status code, cp_strerror() and
the detail the context recorded (message, byte offset, line, column,
element path). Buffers the library returns are freed with cp_free();
contexts are freed by Context.close() (also on ``with`` exit and, as a last
resort, when the object is garbage collected).

A Context is not thread-safe: use one per thread, as with the C library.

Example::

    import omacp
    xml = omacp.decode(bytes.fromhex("030B6A004501"))
    with omacp.Context(tier="two") as dev:
        dev.register_builtins()
        status, out = dev.process(
            '<wap-provisioningdoc><characteristic type="SecurityPolicy">'
            '<parm-query name="4105"/></characteristic></wap-provisioningdoc>',
            omacp.ROLE_MANAGER)

SPDX-License-Identifier: MIT
"""

import ctypes
import ctypes.util
import os

__all__ = [
    "OmacpError", "LayoutError", "Context", "decode", "encode", "mac",
    "verify", "verify_pdu", "parse_push", "library_path", "version",
    "status_name",
]

# ---- constants mirrored from the headers ------------------------------------

# omacp/common.h: status codes.
OK = 0
E_NOMEM = -1
E_INVALID_ARG = -2
E_VERSION = -3
E_TRUNCATED = -4
E_MALFORMED = -5
E_OVERFLOW = -6
E_UNKNOWN_TOKEN = -7
E_CHARSET = -8
E_NOT_PROV = -9
E_LIMIT = -10
E_XML = -11
E_GRAMMAR = -12
E_DTD = -13
E_UNSUPPORTED = -14
E_BUFFER_TOO_SMALL = -15
E_IO = -16
E_INTERNAL = -17
E_BUSY = -18
E_NOT_FOUND = -19
E_EXISTS = -20
E_BAD_SEC = -21
E_BAD_MAC = -22
E_NOT_AUTHENTIC = -23
E_BAD_PIN = -24
E_PIN_EXHAUSTED = -25
E_REFUSED = -26
E_ACCESS_DENIED = -27
E_CORRUPT = -28
E_CSP = -29
E_ROLLBACK = -30
E_BAD_DOC = -31
E_STORAGE = -32  # added in 0.2.0

_STATUS_NAMES = {}
for _n, _v in list(globals().items()):
    if _n == "OK" or _n.startswith("E_"):
        _STATUS_NAMES[_v] = "CP_" + _n if _n != "OK" else "CP_OK"
del _n, _v

# omacp/trust.h: roles (Windows Mobile SECROLE_* bits).
ROLE_NONE = 0x0000
ROLE_OEM = 0x0002
ROLE_OPERATOR = 0x0004
ROLE_MANAGER = 0x0008
ROLE_USER_AUTH = 0x0010
ROLE_ENTERPRISE = 0x0020
ROLE_USER_UNAUTH = 0x0040
ROLE_OPERATOR_TPS = 0x0080
ROLE_KNOWN_PPG = 0x0100
ROLE_TRUSTED_PPG = 0x0200
ROLE_PPG_AUTH = 0x0400
ROLE_PPG_TRUSTED = 0x0800
ROLE_ANY_PUSH_SOURCE = 0x1000
ROLE_EXEMPT = 0x80000000
ROLES_ORIGIN = (ROLE_OPERATOR_TPS | ROLE_KNOWN_PPG | ROLE_TRUSTED_PPG |
                ROLE_PPG_AUTH | ROLE_PPG_TRUSTED | ROLE_ANY_PUSH_SOURCE)
ROLES_ALL = 0x1FFE

# omacp/trust.h: local sources, by the names Context.process accepts.
SOURCE_API_PRIVILEGED = 1
SOURCE_API_NORMAL = 2
SOURCE_RAPI = 3
SOURCE_CPF = 4
SOURCE_BOOT = 5
SOURCE_UI = 6
SOURCES = {
    "api-privileged": SOURCE_API_PRIVILEGED,
    "api-normal": SOURCE_API_NORMAL,
    "rapi": SOURCE_RAPI,
    "cpf": SOURCE_CPF,
    "boot": SOURCE_BOOT,
    "ui": SOURCE_UI,
}

# omacp/trust.h: policy ids.
POLICY_RAPI = 4097
POLICY_UNSIGNED_CABS = 4101
POLICY_UNSIGNED_APPS = 4102
POLICY_UNSIGNED_THEMES = 4103
POLICY_TPS = 4104
POLICY_MAX_AUTH_RETRY = 4105
POLICY_WAP_SIGNED_MSG = 4107
POLICY_SL_MESSAGE = 4108
POLICY_SI_MESSAGE = 4109
POLICY_UNAUTH_MESSAGES = 4110
POLICY_OTA_PROVISIONING = 4111
POLICY_WSP_PUSH = 4113
POLICY_GRANT_MANAGER = 4119
POLICY_GRANT_USER_AUTH = 4120
POLICY_TRUSTED_WAP_PROXY = 4121
POLICY_UNSIGNED_PROMPT = 4122
POLICY_PRIVILEGED_APPS = 4123
POLICY_NETWPIN_PROMPT = 4132
POLICY_OMACP_NETWPIN = 4141
POLICY_OMACP_USERPIN = 4142
POLICY_OMACP_USERNETWPIN = 4143

# omacp/wsp.h: SEC methods.
SEC_INVALID = -2
SEC_NONE = -1
SEC_NETWPIN = 0
SEC_USERPIN = 1
SEC_USERNETWPIN = 2
SEC_USERPINMAC = 3
_SEC_BY_NAME = {"NETWPIN": 0, "USERPIN": 1, "USERNETWPIN": 2, "USERPINMAC": 3}

# omacp/wsp.h: content kinds and "sent as text" markers.
CONTENT_OTHER = 0
CONTENT_WBXML = 1
CONTENT_XML = 2
PUSH_TEXTUAL = 0xFFFFFFFF
SEC_RAW_UNREADABLE = 0xFFFFFFFF
PUSH_MEDIA_MAX = 96
PUSH_MAC_CHARS = 40

# omacp/ctx.h: profiles, tiers, limits.
PROFILE_BRANDED = 0
PROFILE_UNBRANDED = 1
TIER_TWO = 0
TIER_ONE = 1
MAX_IMSIS = 4
NO_OFFSET = ctypes.c_size_t(-1).value

# omacp/bootstrap.h: gateways.
PPG_ANY = 0
PPG_KNOWN = 1
PPG_TRUSTED = 2
PIN_MAX = 64

# omacp/doc.h and omacp/engine.h: flags.
XML_PRETTY = 0x0001
XML_DECLARATION = 0x0002
WBXML_NO_STRING_TABLE = 0x0001
PROCESS = 0x0001
METADATA = 0x0002

# omacp/auth.h.
MAC_HEX_LEN = 40
AUTH_PINMAC_MAX = 20

# omacp/engine.h: metabase datatypes.
DT_UNKNOWN = 10


def status_name(status):
    """The C name of a status code ("CP_E_TRUNCATED"), or "CP_E_?<n>"."""
    return _STATUS_NAMES.get(status, "CP_E_?%d" % status)


# ---- errors -----------------------------------------------------------------


class LayoutError(ImportError):
    """A ctypes struct does not match the library's layout (wrong version)."""


class OmacpError(Exception):
    """A libomacp call failed.

    Attributes: status (the negative CP_E_* code), name ("CP_E_..."),
    strerror (cp_strerror), message (the context's one-line detail, or the
    binding's own), offset (byte offset in the input or None), line and
    column (1-based position in XML input, or None), path (element path of
    the failure, or None).
    """

    def __init__(self, status, message="", offset=None, line=None,
                 column=None, path=None, strerror=None):
        self.status = status
        self.name = status_name(status)
        self.strerror = strerror if strerror is not None else _strerror(status)
        self.message = message or ""
        self.offset = offset
        self.line = line
        self.column = column
        self.path = path
        super().__init__(self._text())

    def _text(self):
        text = "%s (%d): %s" % (self.name, self.status, self.strerror)
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


# ---- the library ------------------------------------------------------------

_BUILD_NAMES = ("libomacp.so.0", "libomacp.so", "libomacp.dylib", "omacp.dll")


def _find_library():
    env = os.environ.get("OMACP_LIB")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    build = os.path.normpath(os.path.join(here, "..", "..", "build"))
    for name in _BUILD_NAMES:
        cand = os.path.join(build, name)
        if os.path.exists(cand):
            return cand
    found = ctypes.util.find_library("omacp")
    if found:
        return found
    raise ImportError("libomacp not found: set OMACP_LIB to the shared "
                      "library, build it in %s, or install it" % build)


library_path = _find_library()
_lib = ctypes.CDLL(library_path)

# ---- struct mirrors (field for field, in header order) ----------------------

_c_status = ctypes.c_int
# A C enum whose values fit int is int-sized on every ABI this binding
# targets; the struct size checks below would catch a platform where not.
_c_enum = ctypes.c_int


_ALLOC_FN = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
_REALLOC_FN = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p,
                               ctypes.c_void_p, ctypes.c_size_t)
_FREE_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
_LOAD_FN = ctypes.CFUNCTYPE(_c_status, ctypes.c_void_p, ctypes.c_char_p,
                            ctypes.POINTER(ctypes.c_uint8), ctypes.c_size_t,
                            ctypes.POINTER(ctypes.c_size_t))
_SAVE_FN = ctypes.CFUNCTYPE(_c_status, ctypes.c_void_p, ctypes.c_char_p,
                            ctypes.POINTER(ctypes.c_uint8), ctypes.c_size_t)
_PIN_PROMPT_FN = ctypes.CFUNCTYPE(_c_status, ctypes.c_void_p, ctypes.c_int,
                                  ctypes.c_uint, ctypes.c_uint,
                                  ctypes.c_void_p, ctypes.c_size_t)


class CpAllocator(ctypes.Structure):
    _fields_ = [("alloc", _ALLOC_FN), ("realloc", _REALLOC_FN),
                ("free", _FREE_FN), ("user", ctypes.c_void_p)]


class CpLimits(ctypes.Structure):
    _fields_ = [("max_doc_bytes", ctypes.c_size_t),
                ("max_depth", ctypes.c_size_t),
                ("max_elements", ctypes.c_size_t),
                ("max_strtbl_bytes", ctypes.c_size_t),
                ("max_attr_bytes", ctypes.c_size_t)]


class CpStorage(ctypes.Structure):
    _fields_ = [("load", _LOAD_FN), ("save", _SAVE_FN),
                ("user", ctypes.c_void_p)]


# omacp/ctx.h cp_storage_ext (added in 0.2.0); the binding sets no hooks.
class CpStorageExt(ctypes.Structure):
    _fields_ = [("lock", ctypes.c_void_p), ("unlock", ctypes.c_void_p),
                ("reason", ctypes.c_void_p), ("user", ctypes.c_void_p)]


class CpConfig(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("allocator", CpAllocator),
                ("limits", CpLimits),
                ("storage", CpStorage),
                ("profile", _c_enum),
                ("tier", _c_enum),
                ("imsis", ctypes.POINTER(ctypes.c_char_p)),
                ("n_imsis", ctypes.c_size_t),
                ("min_pinmac_digits", ctypes.c_uint),
                ("auth_compat", ctypes.c_uint),
                ("strict_validation", ctypes.c_int),
                ("storage_ext", CpStorageExt)]


class CpAuthOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("min_pinmac_digits", ctypes.c_uint),
                ("max_pinmac_digits", ctypes.c_uint),
                ("compat", ctypes.c_uint)]


class CpPush(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("tid", ctypes.c_uint8),
                ("pdu_type", ctypes.c_uint8),
                ("content", _c_enum),
                ("content_code", ctypes.c_uint32),
                ("media_type", ctypes.c_char * PUSH_MEDIA_MAX),
                ("charset", ctypes.c_uint32),
                ("sec", ctypes.c_int),
                ("sec_raw", ctypes.c_uint32),
                ("has_mac", ctypes.c_int),
                ("mac_len", ctypes.c_size_t),
                ("mac", ctypes.c_char * (PUSH_MAC_CHARS + 1)),
                ("has_app_id", ctypes.c_int),
                ("app_id_code", ctypes.c_uint32),
                ("app_id_text", ctypes.c_char_p),
                ("initiator_uri", ctypes.c_char_p),
                ("push_flag", ctypes.c_int),
                ("body", ctypes.c_void_p),
                ("body_len", ctypes.c_size_t),
                ("body_offset", ctypes.c_size_t)]


class CpGateway(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("ppg", _c_enum),
                ("address", ctypes.c_char_p)]


class CpVerdict(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("accepted", ctypes.c_int),
                ("reason", _c_status),
                ("reason_text", ctypes.c_char * 160),
                ("sec", ctypes.c_int),
                ("origin_roles", ctypes.c_uint32),
                ("roles", ctypes.c_uint32),
                ("effective_roles", ctypes.c_uint32),
                ("imsi_index", ctypes.c_size_t),
                ("confirm_due", ctypes.c_int),
                ("is_bootstrap", ctypes.c_int),
                ("pin_failures", ctypes.c_uint)]


class CpPolicyDesc(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint32),
                ("name", ctypes.c_char_p),
                ("meaning", ctypes.c_char_p),
                ("is_mask", ctypes.c_int),
                ("value", ctypes.c_uint32),
                ("default_value", ctypes.c_uint32),
                ("min", ctypes.c_uint32),
                ("max", ctypes.c_uint32),
                ("set_roles", ctypes.c_uint32),
                ("source", ctypes.c_char_p)]


class CpMeta(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("access_roles", ctypes.c_uint32),
                ("rw", ctypes.c_uint),
                ("datatype", _c_enum),
                ("has_min", ctypes.c_int),
                ("has_max", ctypes.c_int),
                ("min", ctypes.c_int64),
                ("max", ctypes.c_int64),
                ("max_length", ctypes.c_size_t)]


class CpSmsOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("max_segments", ctypes.c_uint),
                ("max_pending", ctypes.c_uint),
                ("expiry_seconds", ctypes.c_uint32)]


# omacp/send.h and omacp/tpdu.h (0.2.0): the sending side and modem TPDUs.
class CpPushBuildOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("sec", ctypes.c_int),
                ("imsi", ctypes.c_char_p),
                ("pin", ctypes.c_char_p),
                ("auth", ctypes.c_void_p),
                ("content", ctypes.c_int),
                ("flags", ctypes.c_uint),
                ("tid", ctypes.c_uint8),
                ("app_id", ctypes.c_uint32),
                ("app_id_text", ctypes.c_char_p),
                ("initiator_uri", ctypes.c_char_p),
                ("push_flag", ctypes.c_int)]


class CpSmsSplitOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("dst_port", ctypes.c_uint),
                ("src_port", ctypes.c_uint),
                ("ref", ctypes.c_uint),
                ("ref16", ctypes.c_int),
                ("deliver", ctypes.c_int),
                ("originator", ctypes.c_char_p),
                ("scts", ctypes.c_uint64),
                ("smsc", ctypes.c_char_p)]


class CpSmsPart(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p),
                ("len", ctypes.c_size_t)]


class CpSmsDeliver(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("has_smsc", ctypes.c_int),
                ("smsc", ctypes.c_char * 48),
                ("first_octet", ctypes.c_uint8),
                ("originator", ctypes.c_char * 48),
                ("originator_toa", ctypes.c_uint8),
                ("pid", ctypes.c_uint8),
                ("dcs", ctypes.c_uint8),
                ("scts", ctypes.c_uint8 * 7),
                ("udhi", ctypes.c_int),
                ("eight_bit", ctypes.c_int),
                ("udl", ctypes.c_uint),
                ("ud", ctypes.c_void_p),
                ("ud_len", ctypes.c_size_t),
                ("is_wap_push", ctypes.c_int),
                ("dst_port", ctypes.c_uint)]


PUSH_BUILD_TEXT_CTYPE = 0x0001
PUSH_BUILD_NO_MAC = 0x0002
PUSH_BUILD_NO_STRING_TABLE = 0x0004
TPDU_SMSC_AUTO, TPDU_SMSC_PRESENT, TPDU_SMSC_ABSENT = 0, 1, 2


# ---- prototypes -------------------------------------------------------------

_P = ctypes.POINTER
_vp = ctypes.c_void_p
_sz = ctypes.c_size_t
_u8p = _P(ctypes.c_uint8)


def _proto(name, restype, *argtypes, optional=False):
    """Declare a C function; an optional one may be missing (None)."""
    try:
        fn = getattr(_lib, name)
    except AttributeError:
        if optional:
            return None
        raise ImportError("%s lacks %s: too old for this binding"
                          % (library_path, name))
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


_strerror_fn = _proto("cp_strerror", ctypes.c_char_p, _c_status)
_version_fn = _proto("cp_version", ctypes.c_char_p)
_config_init = _proto("cp_config_init", None, _vp)
_ctx_new = _proto("cp_ctx_new", _c_status, _P(CpConfig), _P(_vp))
_ctx_free = _proto("cp_ctx_free", None, _vp)
_ctx_limits = _proto("cp_ctx_limits", _P(CpLimits), _vp)
_free = _proto("cp_free", None, _vp, _vp)
_err_code = _proto("cp_ctx_error_code", _c_status, _vp)
_err_message = _proto("cp_ctx_error_message", ctypes.c_char_p, _vp)
_err_offset = _proto("cp_ctx_error_offset", _sz, _vp)
_err_line = _proto("cp_ctx_error_line", ctypes.c_ulong, _vp)
_err_column = _proto("cp_ctx_error_column", ctypes.c_ulong, _vp)
_err_path = _proto("cp_ctx_error_path", ctypes.c_char_p, _vp)
_err_clear = _proto("cp_ctx_clear_error", None, _vp)
_doc_load = _proto("cp_doc_load", _c_status, _vp, ctypes.c_char_p, _sz,
                   _P(_vp))
_doc_free = _proto("cp_doc_free", None, _vp)
_doc_write_xml = _proto("cp_doc_write_xml", _c_status, _vp, _vp,
                        ctypes.c_uint, _P(_vp), _P(_sz))
_doc_encode_wbxml = _proto("cp_doc_encode_wbxml", _c_status, _vp, _vp,
                           ctypes.c_uint, _P(_vp), _P(_sz))
_auth_options_init = _proto("cp_auth_options_init", None, _vp)
_mac_compute = _proto("cp_mac_compute", _c_status, _vp, ctypes.c_int,
                      ctypes.c_char_p, ctypes.c_char_p, _P(CpAuthOptions),
                      ctypes.c_char_p, _sz, ctypes.c_char_p, _sz)
_mac_verify = _proto("cp_mac_verify", _c_status, _vp, ctypes.c_int,
                     _P(ctypes.c_char_p), _sz, ctypes.c_char_p,
                     ctypes.c_char_p, _P(CpAuthOptions), _vp, _sz, _P(_sz))
_push_init = _proto("cp_push_init", None, _vp)
_wsp_parse_push = _proto("cp_wsp_parse_push", _c_status, _vp, _vp, _sz,
                         _P(CpPush))
_gateway_init = _proto("cp_gateway_init", None, _vp)
_verdict_init = _proto("cp_verdict_init", None, _vp)
_verify_bootstrap_pdu = _proto("cp_verify_bootstrap_pdu", _c_status, _vp,
                               _vp, _sz, _P(CpGateway), _PIN_PROMPT_FN, _vp,
                               _P(CpVerdict))
_meta_init = _proto("cp_meta_init", None, _vp)
# omacp/sms.h is newer than the rest: checked only when the library has it.
_sms_options_init = _proto("cp_sms_options_init", None, _vp, optional=True)
_store_file_open = _proto("cp_store_file_open", _c_status, ctypes.c_char_p,
                          _P(CpStorage))
_store_file_close = _proto("cp_store_file_close", None, _P(CpStorage))
_store_mem_open = _proto("cp_store_mem_open", _c_status, _vp)
_store_mem_close = _proto("cp_store_mem_close", None, _vp)
_source_roles = _proto("cp_source_roles", _c_status, _vp, ctypes.c_int,
                       _vp, _P(ctypes.c_uint32))
_policy_count = _proto("cp_policy_count", _sz)
_policy_list = _proto("cp_policy_list", _c_status, _vp, _sz, _vp)
_policy_get = _proto("cp_policy_get", _c_status, _vp, ctypes.c_uint32,
                     _P(ctypes.c_uint32))
_policy_set = _proto("cp_policy_set", _c_status, _vp, ctypes.c_uint32,
                     ctypes.c_uint32, ctypes.c_uint32)
_policy_reset = _proto("cp_policy_reset", _c_status, _vp, ctypes.c_uint32,
                       ctypes.c_uint32)
_process_xml = _proto("cp_process_config_xml", _c_status, _vp,
                      ctypes.c_char_p, _sz, ctypes.c_uint32, ctypes.c_uint,
                      _P(_vp), _P(_sz))
_register_builtins = _proto("cp_csp_register_builtins", _c_status, _vp)
_register_settings = _proto("cp_csp_register_settings", _c_status, _vp,
                            ctypes.c_char_p)

# omacp/send.h and omacp/tpdu.h (0.2.0): optional, for older libraries.
_push_build_options_init = _proto("cp_push_build_options_init", None, _vp,
                                  optional=True)
_push_build = _proto("cp_push_build", _c_status, _vp,
                     _P(CpPushBuildOptions), ctypes.c_char_p, _sz, _P(_vp),
                     _P(_sz), ctypes.c_char_p, _sz, optional=True)
_sms_split_options_init = _proto("cp_sms_split_options_init", None, _vp,
                                 optional=True)
_sms_split = _proto("cp_sms_split", _c_status, _vp, _P(CpSmsSplitOptions),
                    ctypes.c_char_p, _sz, _P(_vp), _P(_sz), optional=True)
_sms_deliver_init = _proto("cp_sms_deliver_init", None, _vp, optional=True)
_sms_parse_deliver = _proto("cp_sms_parse_deliver", _c_status, _vp, _vp, _sz,
                            ctypes.c_int, _P(CpSmsDeliver), optional=True)


def _strerror(status):
    text = _strerror_fn(status)
    return text.decode("ascii", "replace") if text else "unknown error"


def _text(raw):
    return raw.decode("utf-8", "replace") if raw else ""


def version():
    """The library's release version, "MAJOR.MINOR.PATCH"."""
    return _text(_version_fn())


# ---- layout checks at import ------------------------------------------------

_FILL_A, _FILL_B = 0xA5, 0x5A
_SLACK = 256  # spare bytes after each struct: a too-small mirror must not
              # let the library write past our buffer


def _filled(size, byte):
    buf = (ctypes.c_uint8 * size)()
    ctypes.memset(buf, byte, size)
    return buf


def _check_init_size(cls, init, cname):
    """init() writes struct_size = the C sizeof; compare with ctypes."""
    size = ctypes.sizeof(cls)
    buf = _filled(size + _SLACK, _FILL_A)
    init(buf)
    c_size = ctypes.c_size_t.from_buffer(buf).value
    if c_size != size:
        raise LayoutError("%s: library struct_size %d, binding %d (the "
                          "binding does not match this libomacp)"
                          % (cname, c_size, size))
    if any(b != _FILL_A for b in buf[size:]):
        raise LayoutError("%s: the init function wrote past %d bytes"
                          % (cname, size))
    return cls.from_buffer_copy(bytes(buf[:size]))


def _written_bytes(size, call):
    """Offsets the library writes: call(buf) on two differently filled
    buffers; a byte that comes out the same in both was written."""
    a = _filled(size + _SLACK, _FILL_A)
    b = _filled(size + _SLACK, _FILL_B)
    call(a)
    call(b)
    return {i for i in range(size + _SLACK) if a[i] == b[i]}, a


def _check_written(cls, cname, call):
    """Every field of cls written and nothing beyond sizeof(cls)."""
    size = ctypes.sizeof(cls)
    written, buf = _written_bytes(size, call)
    if any(i >= size for i in written):
        raise LayoutError("%s: the library writes past %d bytes"
                          % (cname, size))
    for name, ftype in cls._fields_:
        off = getattr(cls, name).offset
        span = range(off, off + ctypes.sizeof(ftype))
        if not all(i in written for i in span):
            raise LayoutError("%s.%s: not where the library writes it"
                              % (cname, name))
    return cls.from_buffer_copy(bytes(buf[:size]))


def _check_policy_desc(ctx):
    def call(buf):
        st = _policy_list(ctx, 0, buf)
        if st != OK:
            raise LayoutError("cp_policy_list failed: %s" % _strerror(st))
    desc = _check_written(CpPolicyDesc, "cp_policy_desc", call)
    value = ctypes.c_uint32()
    if (_policy_get(ctx, desc.id, ctypes.byref(value)) != OK or
            value.value != desc.value or not desc.name or not desc.source):
        raise LayoutError("cp_policy_desc: fields read back inconsistent")


def _check_storage():
    """cp_storage: its size is pinned by cp_config (checked there, with the
    offset of the fields after it); here the order of the hooks: the ones
    cp_store_mem_open fills must read back as set, and nothing is written
    past the struct."""
    size = ctypes.sizeof(CpStorage)
    probe = _filled(size + _SLACK, _FILL_A)
    if _store_mem_open(probe) != OK:
        raise LayoutError("cp_store_mem_open failed")
    try:
        if any(b != _FILL_A for b in probe[size:]):
            raise LayoutError("cp_storage: the library writes past %d bytes"
                              % size)
        st = CpStorage.from_buffer(probe)
        if not st.load or not st.save or not st.user:
            raise LayoutError("cp_storage: hooks not where the library puts "
                              "them")
    finally:
        _store_mem_close(probe)


def _check_config_fields():
    """cp_config offsets: limits and tier set here come back from the ctx."""
    cfg = CpConfig()
    _config_init(ctypes.byref(cfg))
    cfg.limits.max_depth = 7
    cfg.tier = TIER_ONE
    ctx = _vp()
    st = _ctx_new(ctypes.byref(cfg), ctypes.byref(ctx))
    if st != OK:
        raise LayoutError("cp_ctx_new refused the mirrored cp_config: %s"
                          % _strerror(st))
    try:
        lim = _ctx_limits(ctx).contents
        want = (1 << 20, 7, 65536, 65536, 8192)
        got = (lim.max_doc_bytes, lim.max_depth, lim.max_elements,
               lim.max_strtbl_bytes, lim.max_attr_bytes)
        if got != want:
            raise LayoutError("cp_limits/cp_config.limits: got %r, want %r"
                              % (got, want))
        value = ctypes.c_uint32()
        if (_policy_get(ctx, POLICY_PRIVILEGED_APPS, ctypes.byref(value)) != OK
                or value.value != 1):
            raise LayoutError("cp_config.tier: not where the library reads it")
        _check_policy_desc(ctx)
    finally:
        _ctx_free(ctx)


def _check_layouts():
    _check_init_size(CpConfig, _config_init, "cp_config")
    _check_init_size(CpAuthOptions, _auth_options_init, "cp_auth_options")
    _check_init_size(CpGateway, _gateway_init, "cp_gateway")
    _check_init_size(CpVerdict, _verdict_init, "cp_verdict")
    push = _check_init_size(CpPush, _push_init, "cp_push")
    if (push.sec != SEC_NONE or push.push_flag != -1 or
            push.content_code != PUSH_TEXTUAL or
            push.app_id_code != PUSH_TEXTUAL or push.body):
        raise LayoutError("cp_push: cp_push_init's values are not where the "
                          "binding reads them")
    meta = _check_init_size(CpMeta, _meta_init, "cp_meta")
    if (meta.access_roles != ROLE_MANAGER or meta.rw != 3 or
            meta.datatype != DT_UNKNOWN):
        raise LayoutError("cp_meta: cp_meta_init's values misplaced")
    if _sms_options_init is not None:
        sms = _check_init_size(CpSmsOptions, _sms_options_init,
                               "cp_sms_options")
        if (sms.max_segments, sms.max_pending,
                sms.expiry_seconds) != (32, 8, 300):
            raise LayoutError("cp_sms_options: cp_sms_options_init's values "
                              "misplaced")
    if ctypes.sizeof(CpAllocator) != 4 * ctypes.sizeof(_vp):
        raise LayoutError("cp_allocator: four pointers expected")
    _check_storage()
    _check_config_fields()


_check_layouts()

# ---- helpers ----------------------------------------------------------------


def _as_bytes(data, what):
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError("%s must be bytes or str, not %s"
                    % (what, type(data).__name__))


def _opt_text(value, what):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError("%s must be str or None" % what)


def _sec_number(sec):
    if isinstance(sec, bool):
        raise TypeError("sec must be a method name or number")
    if isinstance(sec, int):
        return sec
    if isinstance(sec, str):
        key = sec.strip().upper()
        if key in _SEC_BY_NAME:
            return _SEC_BY_NAME[key]
        if key.isdigit():
            return int(key)
        raise OmacpError(E_BAD_SEC, "unknown SEC method %r" % sec)
    raise TypeError("sec must be a method name or number")


def _imsi_array(imsis):
    if imsis is None:
        imsis = ()
    if isinstance(imsis, (str, bytes)):
        imsis = (imsis,)
    items = [_opt_text(i, "IMSI") for i in imsis]
    arr = (ctypes.c_char_p * max(1, len(items)))(*items)
    return arr, len(items)


def _take_buffer(ctx, ptr, length):
    """Copy a buffer the library returned, then cp_free it."""
    try:
        return ctypes.string_at(ptr.value, length.value)
    finally:
        _free(ctx, ptr)


def _push_dict(push):
    return {
        "tid": push.tid,
        "pdu_type": push.pdu_type,
        "content": push.content,
        "content_code": push.content_code,
        "media_type": _text(push.media_type),
        "charset": push.charset,
        "sec": push.sec,
        "sec_raw": push.sec_raw,
        "mac": _text(push.mac) if push.has_mac else None,
        "mac_len": push.mac_len if push.has_mac else None,
        "app_id": ((_text(push.app_id_text) if push.app_id_code == PUSH_TEXTUAL
                    else push.app_id_code) if push.has_app_id else None),
        "initiator_uri": (_text(push.initiator_uri)
                          if push.initiator_uri else None),
        "push_flag": None if push.push_flag < 0 else push.push_flag,
        "body": ctypes.string_at(push.body, push.body_len)
                if push.body else b"",
        "body_offset": push.body_offset,
    }


# ---- the context ------------------------------------------------------------


class Context:
    """A libomacp context (cp_ctx): one device.

    Options: profile "branded" (default) or "unbranded"; tier "two"
    (default) or "one"; imsis, the device's IMSIs (at most 4); state_dir, a
    writable directory where the device state is kept (cp_store_file_open),
    else it lives in memory; strict, 1 to check the ProvCont rules before
    processing. Use as a context manager or call close().
    """

    _PROFILES = {"branded": PROFILE_BRANDED, "unbranded": PROFILE_UNBRANDED}
    _TIERS = {"two": TIER_TWO, "one": TIER_ONE}

    def __init__(self, profile="branded", tier="two", imsis=(),
                 state_dir=None, strict=False):
        self._ctx = None
        self._storage = None
        self._lib_free = _ctx_free          # kept for close() at shutdown
        self._lib_store_close = _store_file_close
        if profile not in self._PROFILES:
            raise ValueError("profile must be 'branded' or 'unbranded'")
        if tier not in self._TIERS:
            raise ValueError("tier must be 'one' or 'two'")
        if isinstance(imsis, (str, bytes)):
            imsis = (imsis,)
        self.imsis = tuple(imsis)
        if len(self.imsis) > MAX_IMSIS:
            raise ValueError("at most %d IMSIs" % MAX_IMSIS)
        cfg = CpConfig()
        _config_init(ctypes.byref(cfg))
        cfg.profile = self._PROFILES[profile]
        cfg.tier = self._TIERS[tier]
        cfg.strict_validation = 1 if strict else 0
        arr, n = _imsi_array(self.imsis)
        cfg.imsis = ctypes.cast(arr, _P(ctypes.c_char_p))
        cfg.n_imsis = n
        if state_dir is not None:
            self._open_store(os.fsencode(state_dir))
            cfg.storage = self._storage
        ctx = _vp()
        st = _ctx_new(ctypes.byref(cfg), ctypes.byref(ctx))
        if st != OK:
            self.close()
            raise OmacpError(st, "cp_ctx_new failed")
        self._ctx = ctx

    def _open_store(self, path):
        storage = CpStorage()
        st = _store_file_open(path, ctypes.byref(storage))
        if st != OK:
            raise OmacpError(st, "cannot use %r as the state directory"
                             % os.fsdecode(path))
        self._storage = storage

    # -- lifetime --

    def close(self):
        """Free the context (and close its file store). Idempotent."""
        ctx, self._ctx = self._ctx, None
        if ctx is not None:
            self._lib_free(ctx)
        storage, self._storage = self._storage, None
        if storage is not None:
            self._lib_store_close(ctypes.byref(storage))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # at interpreter shutdown; nothing to report to
            pass

    @property
    def closed(self):
        return self._ctx is None

    def _handle(self):
        if self._ctx is None:
            raise ValueError("operation on a closed omacp.Context")
        _err_clear(self._ctx)
        return self._ctx

    def error(self, status, fallback=""):
        """OmacpError for status with the detail ctx recorded."""
        ctx = self._ctx
        message, offset, line, column, path = fallback, None, None, None, None
        if ctx is not None and _err_code(ctx) != OK:
            message = _text(_err_message(ctx)) or fallback
            off = _err_offset(ctx)
            offset = None if off == NO_OFFSET else off
            line = _err_line(ctx) or None
            column = _err_column(ctx) or None
            path = _text(_err_path(ctx)) or None
        return OmacpError(status, message, offset, line, column, path)

    def _check(self, status, fallback=""):
        if status != OK:
            raise self.error(status, fallback)

    # -- documents --

    def _load(self, data):
        ctx = self._handle()
        raw = _as_bytes(data, "document")
        doc = _vp()
        self._check(_doc_load(ctx, raw, len(raw), ctypes.byref(doc)),
                    "cannot decode the document")
        return doc

    def decode(self, data, pretty=False, declaration=False):
        """WBXML (or XML) document -> canonical XML text."""
        doc = self._load(data)
        try:
            flags = (XML_PRETTY if pretty else 0) | \
                    (XML_DECLARATION if declaration else 0)
            out, n = _vp(), _sz()
            self._check(_doc_write_xml(self._ctx, doc, flags,
                                       ctypes.byref(out), ctypes.byref(n)))
            return _take_buffer(self._ctx, out, n).decode("utf-8")
        finally:
            _doc_free(doc)

    def encode(self, xml, string_table=True):
        """XML (or WBXML) document -> WBXML bytes."""
        doc = self._load(xml)
        try:
            flags = 0 if string_table else WBXML_NO_STRING_TABLE
            out, n = _vp(), _sz()
            self._check(_doc_encode_wbxml(self._ctx, doc, flags,
                                          ctypes.byref(out), ctypes.byref(n)))
            return _take_buffer(self._ctx, out, n)
        finally:
            _doc_free(doc)

    # -- MACs --

    def mac(self, body, sec, imsi=None, pin=None):
        """The MAC a server sends for body (40 upper-case hex digits), or
        for USERPINMAC (pin = the N PIN digits) the 2N digits to type."""
        ctx = self._handle()
        raw = _as_bytes(body, "body")
        # 41 for a hex MAC, 2N + 1 <= 41 for USERPINMAC digits
        out = ctypes.create_string_buffer(2 * AUTH_PINMAC_MAX + 1
                                          + MAC_HEX_LEN)
        st = _mac_compute(ctx, _sec_number(sec), _opt_text(imsi, "imsi"),
                          _opt_text(pin, "pin"), None, raw, len(raw), out,
                          len(out))
        self._check(st, "cp_mac_compute failed")
        return out.value.decode("ascii")

    def verify(self, body, sec, mac=None, imsis=None, pin=None):
        """True: body is authentic under sec; False: well-formed but not
        authentic. Malformed input (method, MAC text, IMSI, PIN) raises.
        imsis defaults to the context's IMSIs."""
        ctx = self._handle()
        raw = _as_bytes(body, "body")
        arr, n = _imsi_array(self.imsis if imsis is None else imsis)
        index = _sz()
        st = _mac_verify(ctx, _sec_number(sec), arr, n, _opt_text(pin, "pin"),
                         _opt_text(mac, "mac"), None, raw, len(raw),
                         ctypes.byref(index))
        if st == OK:
            return True
        if st == E_NOT_AUTHENTIC:
            return False
        raise self.error(st, "cp_mac_verify failed")

    def parse_push(self, pdu):
        """A WSP push PDU -> dict of what it says (content type, sec, mac,
        app_id, push_flag, body, ...)."""
        push, _keep = self._parse(pdu)
        return _push_dict(push)

    # ---- the sending side (omacp/send.h) and modem TPDUs (omacp/tpdu.h) ----

    def push_build(self, body, sec=None, imsi=None, pin=None, xml=False,
                   text_content_type=False, no_mac=False, tid=1,
                   app_id=None, initiator=None, push_flag=None,
                   string_table=True):
        """A WSP push PDU for body (WBXML, or XML encoded first unless
        xml=True sends it as XML), signed with sec (None: unsigned).
        Returns (pdu, digits): digits is what the user types for
        USERPINMAC (pin = the N PIN digits), else ""."""
        if _push_build is None:
            raise OmacpError(E_UNSUPPORTED, "this libomacp has no cp_push_build")
        ctx = self._handle()
        raw = _as_bytes(body, "body")
        o = _check_init_size(CpPushBuildOptions, _push_build_options_init,
                             "cp_push_build_options")
        if sec is not None:
            o.sec = _sec_number(sec)
        o.imsi = _opt_text(imsi, "imsi")
        o.pin = _opt_text(pin, "pin")
        o.content = 2 if xml else 1
        o.flags = ((PUSH_BUILD_TEXT_CTYPE if text_content_type else 0)
                   | (PUSH_BUILD_NO_MAC if no_mac else 0)
                   | (0 if string_table else PUSH_BUILD_NO_STRING_TABLE))
        o.tid = tid
        if isinstance(app_id, int) and not isinstance(app_id, bool):
            o.app_id = app_id
        elif app_id is not None:
            o.app_id_text = _opt_text(app_id, "app_id")
        o.initiator_uri = _opt_text(initiator, "initiator")
        if push_flag is not None:
            o.push_flag = push_flag
        out, n = _vp(), _sz()
        digits = ctypes.create_string_buffer(2 * AUTH_PINMAC_MAX + 1)
        st = _push_build(ctx, ctypes.byref(o), raw, len(raw),
                         ctypes.byref(out), ctypes.byref(n), digits,
                         len(digits))
        self._check(st, "cannot build the push")
        return _take_buffer(ctx, out, n), digits.value.decode("ascii")

    def sms_split(self, pdu, ref=0, ref16=False, dst_port=2948,
                  src_port=2948, deliver=False, originator=None, scts=0,
                  smsc=None):
        """Split a push PDU into SMS: a list of bytes, each the user data
        with its UDH, or with deliver=True an SMS-DELIVER TPDU (from
        originator; smsc: prefix that SMSC address, "" for 00)."""
        if _sms_split is None:
            raise OmacpError(E_UNSUPPORTED, "this libomacp has no cp_sms_split")
        ctx = self._handle()
        raw = _as_bytes(pdu, "pdu")
        o = _check_init_size(CpSmsSplitOptions, _sms_split_options_init,
                             "cp_sms_split_options")
        o.ref, o.ref16, o.dst_port, o.src_port = ref, int(ref16), dst_port, src_port
        o.deliver, o.scts = int(deliver), scts
        o.originator = _opt_text(originator, "originator")
        o.smsc = _opt_text(smsc, "smsc")
        arr, n = _vp(), _sz()
        st = _sms_split(ctx, ctypes.byref(o), raw, len(raw), ctypes.byref(arr),
                        ctypes.byref(n))
        self._check(st, "cannot split")
        try:
            parts = ctypes.cast(arr, _P(CpSmsPart))
            return [ctypes.string_at(parts[i].data, parts[i].len)
                    for i in range(n.value)]
        finally:
            _free(ctx, arr)

    def parse_deliver(self, tpdu, smsc=TPDU_SMSC_AUTO):
        """An SMS-DELIVER TPDU (bytes, or the hex of a PDU-mode +CMT: line)
        -> dict: smsc, originator, pid, dcs, udhi, ud (bytes),
        is_wap_push, dst_port, ... A non-push SMS is returned, not raised."""
        if _sms_parse_deliver is None:
            raise OmacpError(E_UNSUPPORTED,
                             "this libomacp has no cp_sms_parse_deliver")
        ctx = self._handle()
        if isinstance(tpdu, str):
            tpdu = bytes.fromhex(tpdu.strip())
        raw = _as_bytes(tpdu, "tpdu")
        buf = (ctypes.c_uint8 * max(1, len(raw)))()
        ctypes.memmove(buf, raw, len(raw))
        d = _check_init_size(CpSmsDeliver, _sms_deliver_init, "cp_sms_deliver")
        self._check(_sms_parse_deliver(ctx, buf, len(raw), smsc,
                                       ctypes.byref(d)),
                    "cannot parse the TPDU")
        return {
            "has_smsc": bool(d.has_smsc),
            "smsc": d.smsc.decode("ascii"),
            "originator": d.originator.decode("ascii"),
            "originator_toa": d.originator_toa,
            "pid": d.pid,
            "dcs": d.dcs,
            "scts": bytes(d.scts),
            "udhi": bool(d.udhi),
            "eight_bit": bool(d.eight_bit),
            "udl": d.udl,
            "ud": ctypes.string_at(d.ud, d.ud_len) if d.ud_len else b"",
            "is_wap_push": bool(d.is_wap_push),
            "dst_port": d.dst_port,
        }

    def _parse(self, pdu):
        ctx = self._handle()
        raw = _as_bytes(pdu, "pdu")
        # a private copy that outlives the call: push.body points into it
        buf = (ctypes.c_uint8 * max(1, len(raw)))()
        ctypes.memmove(buf, raw, len(raw))
        push = CpPush()
        _push_init(ctypes.byref(push))
        self._check(_wsp_parse_push(ctx, buf, len(raw), ctypes.byref(push)),
                    "cannot parse the push PDU")
        return push, buf  # buf owns the bytes push.body points into

    def verify_pdu(self, pdu, imsis=None, pin=None):
        """Parse a WSP push PDU and verify its body against its SEC and MAC
        parameters (as verify). An unsigned push raises CP_E_BAD_SEC."""
        push, keep = self._parse(pdu)
        if push.sec == SEC_NONE:
            raise OmacpError(E_BAD_SEC, "the push carries no SEC parameter")
        mac_text = None
        if push.has_mac:
            if push.mac_len != PUSH_MAC_CHARS:
                raise OmacpError(E_BAD_MAC, "the MAC parameter has %d "
                                 "characters, not 40" % push.mac_len)
            mac_text = push.mac
        body = ctypes.string_at(push.body, push.body_len) if push.body else b""
        del keep
        return self.verify(body, push.sec, mac_text, imsis, pin)

    def verify_bootstrap(self, pdu, ppg="any", address=None, pins=None):
        """cp_verify_bootstrap_pdu: is this push acceptable on the device?

        ppg: "any", "known" or "trusted" (what the host vouches for; it
        can only lower what the device's stored gateway list allows:
        "trusted" gives TRUSTED_PPG only when address is a stored trusted,
        push-enabled gateway); address: the gateway's address as the
        bearer guarantees it, or None; pins: PINs to
        answer the prompts of a PIN-signed message, in order (a list), or
        a callable (sec, attempt, attempts_left) -> str or None (give up).
        Returns the verdict as a dict; refusal is not an exception.
        """
        ctx = self._handle()
        raw = _as_bytes(pdu, "pdu")
        gw = CpGateway()
        _gateway_init(ctypes.byref(gw))
        gw.ppg = {"any": PPG_ANY, "known": PPG_KNOWN,
                  "trusted": PPG_TRUSTED}[ppg]
        address_b = _opt_text(address, "address")
        gw.address = address_b
        verdict = CpVerdict()
        _verdict_init(ctypes.byref(verdict))
        prompt = _make_prompt(pins)
        st = _verify_bootstrap_pdu(ctx, raw, len(raw), ctypes.byref(gw),
                                   prompt, None, ctypes.byref(verdict))
        if st in (E_NOMEM, E_INVALID_ARG, E_VERSION, E_INTERNAL):
            raise self.error(st, "cp_verify_bootstrap_pdu failed")
        return {
            "accepted": bool(verdict.accepted),
            "status": st,
            "reason": verdict.reason,
            "reason_text": _text(verdict.reason_text),
            "sec": verdict.sec,
            "origin_roles": verdict.origin_roles,
            "roles": verdict.roles,
            "effective_roles": verdict.effective_roles,
            "imsi_index": (None if verdict.imsi_index == NO_OFFSET
                           else verdict.imsi_index),
            "confirm_due": bool(verdict.confirm_due),
            "is_bootstrap": bool(verdict.is_bootstrap),
            "pin_failures": verdict.pin_failures,
        }

    # -- processing --

    def roles_of(self, source):
        """Base roles of a local source name ('api-privileged', ...)."""
        if source not in SOURCES:
            raise ValueError("unknown source %r; one of %s"
                             % (source, ", ".join(sorted(SOURCES))))
        ctx = self._handle()
        roles = ctypes.c_uint32()
        self._check(_source_roles(ctx, SOURCES[source], None,
                                  ctypes.byref(roles)),
                    "source %s refused" % source)
        return roles.value

    def process(self, xml, roles, metadata=False):
        """Process a provisioning document (XML text, or WBXML bytes) for a
        caller with roles (a role mask, or a source name). Returns
        (status, output_xml); status != 0 means nothing was applied and the
        output says where it failed. Raises only when there is no output."""
        mask = self.roles_of(roles) if isinstance(roles, str) else int(roles)
        ctx = self._handle()
        raw = _as_bytes(xml, "document")
        out, n = _vp(), _sz()
        st = _process_xml(ctx, raw, len(raw), mask,
                          METADATA if metadata else PROCESS,
                          ctypes.byref(out), ctypes.byref(n))
        if not out.value:
            raise self.error(st if st != OK else E_INTERNAL,
                             "no output document")
        return st, _take_buffer(ctx, out, n).decode("utf-8")

    def register_builtins(self):
        """SecurityPolicy, BOOTSTRAP, PXLOGICAL, Metabase."""
        self._check(_register_builtins(self._handle()))

    def register_settings(self, type_name):
        """The generic settings CSP for a characteristic type (NAPDEF, ...)."""
        self._check(_register_settings(self._handle(),
                                       _opt_text(type_name, "type")))

    # -- policies --

    def policy_get(self, policy_id):
        value = ctypes.c_uint32()
        self._check(_policy_get(self._handle(), policy_id,
                                ctypes.byref(value)))
        return value.value

    def policy_set(self, policy_id, value, roles=ROLE_MANAGER):
        self._check(_policy_set(self._handle(), policy_id, value, roles))

    def policy_reset(self, policy_id, roles=ROLE_MANAGER):
        self._check(_policy_reset(self._handle(), policy_id, roles))

    def policy_list(self):
        """Every known policy as a dict: id, name, meaning, value, default,
        is_mask, min, max, set_roles, source."""
        ctx = self._handle()
        result = []
        for index in range(_policy_count()):
            d = CpPolicyDesc()
            self._check(_policy_list(ctx, index, ctypes.byref(d)))
            result.append({
                "id": d.id, "name": _text(d.name),
                "meaning": _text(d.meaning), "value": d.value,
                "default": d.default_value, "is_mask": bool(d.is_mask),
                "min": d.min, "max": d.max, "set_roles": d.set_roles,
                "source": _text(d.source),
            })
        return result


def _make_prompt(pins):
    if pins is None:
        return _PIN_PROMPT_FN()  # NULL: PIN-signed messages are refused
    if callable(pins):
        ask = pins
    else:
        queue = list(pins)

        def ask(sec, attempt, left):
            return queue.pop(0) if queue else None

    def prompt(user, sec, attempt, left, pin, cap):
        try:
            answer = ask(sec, attempt, left)
            if answer is None:
                return E_NOT_FOUND
            data = _opt_text(answer, "pin")
            if len(data) >= cap or b"\0" in data:
                return E_BAD_PIN
            ctypes.memmove(pin, data + b"\0", len(data) + 1)
            return OK
        except Exception:  # an exception must not cross into C
            return E_INTERNAL

    return _PIN_PROMPT_FN(prompt)


# ---- module-level shortcuts (a fresh in-memory context per call) -----------


def decode(data, pretty=False, declaration=False):
    """WBXML (or XML) document -> canonical XML text."""
    with Context() as c:
        return c.decode(data, pretty, declaration)


def encode(xml, string_table=True):
    """XML (or WBXML) document -> WBXML bytes."""
    with Context() as c:
        return c.encode(xml, string_table)


def mac(body, sec, imsi=None, pin=None):
    """See Context.mac."""
    with Context() as c:
        return c.mac(body, sec, imsi, pin)


def verify(body, sec, mac=None, imsis=(), pin=None):
    """See Context.verify."""
    with Context() as c:
        return c.verify(body, sec, mac, imsis, pin)


def verify_pdu(pdu, imsis=(), pin=None):
    """See Context.verify_pdu."""
    with Context() as c:
        return c.verify_pdu(pdu, imsis, pin)


def parse_push(pdu):
    """See Context.parse_push."""
    with Context() as c:
        return c.parse_push(pdu)
