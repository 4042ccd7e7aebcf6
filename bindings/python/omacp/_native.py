"""Loading libomacp and mirroring its structs (private to the package).

The shared library is looked for in this order (the first that loads wins):

1. ``OMACP_LIBRARY``: the path of the shared library (a built tree's
   ``build/libomacp.so.0``, or an installed one); when set it must load,
   nothing else is tried;
2. ``pkg-config --variable=libdir omacp``: libomacp.so.0 (or .so, .dylib)
   in that directory (PKG_CONFIG_PATH is honoured);
3. the dynamic loader's own search (``libomacp.so.0``: LD_LIBRARY_PATH,
   ld.so.cache, the system directories);
4. ``ctypes.util.find_library("omacp")``.

Every struct mirrored here is checked against the library at import time
(the init functions write the size the library was compiled with); a
mismatch raises LayoutError.

SPDX-License-Identifier: MIT
"""

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
from typing import List, Optional

_NAMES = ("libomacp.so.0", "libomacp.so", "libomacp.0.dylib",
          "libomacp.dylib", "omacp.dll")


class LayoutError(ImportError):
    """A ctypes struct does not match the library's layout (wrong version)."""


def _pkg_config_libdir() -> Optional[str]:
    exe = shutil.which("pkg-config")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--variable=libdir", "omacp"],
                             capture_output=True, text=True, timeout=10,
                             check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


def candidates() -> List[str]:
    """The places tried, in order (the env var alone when it is set)."""
    env = os.environ.get("OMACP_LIBRARY")
    if env:
        return [env]
    found = []
    libdir = _pkg_config_libdir()
    if libdir:
        found += [os.path.join(libdir, n) for n in _NAMES
                  if os.path.exists(os.path.join(libdir, n))]
    found.append("libomacp.so.0" if sys.platform.startswith("linux")
                 else "libomacp.dylib" if sys.platform == "darwin"
                 else "omacp.dll")
    lib = ctypes.util.find_library("omacp")
    if lib:
        found.append(lib)
    return found


def _load():
    tried = []
    for cand in candidates():
        try:
            return cand, ctypes.CDLL(cand)
        except OSError as exc:
            tried.append("%s (%s)" % (cand, exc))
    raise ImportError(
        "libomacp not found; tried: %s. Set OMACP_LIBRARY to the shared "
        "library (e.g. build/libomacp.so.0), or install libomacp so that "
        "pkg-config or the dynamic loader finds it" % "; ".join(tried))


library_path, _lib = _load()

OK = 0
E_INTERNAL = -17
PUSH_MEDIA_MAX = 96
PUSH_MAC_CHARS = 40
PUSH_TEXTUAL = 0xFFFFFFFF
SEC_NONE = -1
TIER_ONE = 1
ROLE_MANAGER = 0x0008
DT_UNKNOWN = 10
POLICY_PRIVILEGED_APPS = 4123
NO_OFFSET = ctypes.c_size_t(-1).value
PUSH_BUILD_TEXT_CTYPE = 0x0001
PUSH_BUILD_NO_MAC = 0x0002
PUSH_BUILD_NO_STRING_TABLE = 0x0004

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
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("max_doc_bytes", ctypes.c_size_t),
                ("max_depth", ctypes.c_size_t),
                ("max_elements", ctypes.c_size_t),
                ("max_strtbl_bytes", ctypes.c_size_t),
                ("max_attr_bytes", ctypes.c_size_t)]


class CpStorage(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("load", _LOAD_FN), ("save", _SAVE_FN),
                ("user", ctypes.c_void_p)]


# omacp/ctx.h cp_storage_ext (added in 0.2.0); the binding sets no hooks.
class CpStorageExt(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("lock", ctypes.c_void_p), ("unlock", ctypes.c_void_p),
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
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("id", ctypes.c_uint32),
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



# ---- 0.2.0 structs: the push pipeline, SPC entries, .cpf verdicts ----------


class CpAudit(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("time", ctypes.c_uint64),
                ("ppg", _c_enum),
                ("gateway", ctypes.c_char_p),
                ("initiator", ctypes.c_char_p),
                ("sec", ctypes.c_int),
                ("roles", ctypes.c_uint32),
                ("outcome", _c_enum),
                ("status", _c_status),
                ("reason", ctypes.c_char_p)]


_CONFIRM_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p,
                               ctypes.POINTER(CpVerdict))
_AUDIT_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(CpAudit))
_NOW_FN = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p)


class CpPushHooks(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("pin", _PIN_PROMPT_FN),
                ("confirm", _CONFIRM_FN),
                ("audit", _AUDIT_FN),
                ("now", _NOW_FN),
                ("user", ctypes.c_void_p)]


class CpPushResult(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("verdict", CpVerdict),
                ("outcome", _c_enum),
                ("output", ctypes.c_void_p),
                ("output_len", ctypes.c_size_t),
                ("pending", ctypes.c_int)]


class CpSpcInfo(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("sha1", ctypes.c_uint8 * 20),
                ("roles", ctypes.c_uint32),
                ("cert_len", ctypes.c_size_t),
                ("subject", ctypes.c_char * 256)]


class CpGatewayInfo(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("address", ctypes.c_char * 128),
                ("trusted", ctypes.c_int),
                ("push_enabled", ctypes.c_int)]


class CpCpfVerdict(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("outcome", _c_enum),
                ("status", _c_status),
                ("signature", _c_enum),
                ("roles", ctypes.c_uint32),
                ("signer_sha1", ctypes.c_uint8 * 20),
                ("anchor_sha1", ctypes.c_uint8 * 20),
                ("signer", ctypes.c_char * 256),
                ("digest", ctypes.c_char * 16),
                ("reason", ctypes.c_char * 256)]


# omacp/csp.h cp_csp_ops: a CSP written in Python (omacp.Csp). No init
# function to check it against: the library copies the struct and checks
# struct_size only, so the mirror follows the header field for field.
_CSP_SESSION_FN = ctypes.CFUNCTYPE(_c_status, ctypes.c_void_p,
                                   ctypes.c_void_p)
_CSP_ENTER_FN = ctypes.CFUNCTYPE(_c_status, ctypes.c_void_p, ctypes.c_void_p,
                                 ctypes.c_char_p, ctypes.c_char_p,
                                 ctypes.c_void_p,
                                 ctypes.POINTER(ctypes.c_void_p))
# char_leave, noparm, parm_query and nocharacteristic share one shape
_CSP_NAMED_FN = ctypes.CFUNCTYPE(_c_status, ctypes.c_void_p, ctypes.c_void_p,
                                 ctypes.c_char_p, ctypes.c_char_p,
                                 ctypes.c_void_p)
_CSP_PARM_FN = ctypes.CFUNCTYPE(_c_status, ctypes.c_void_p, ctypes.c_void_p,
                                ctypes.c_char_p, ctypes.c_char_p,
                                ctypes.c_char_p, ctypes.c_void_p)
_CSP_CQUERY_FN = ctypes.CFUNCTYPE(_c_status, ctypes.c_void_p,
                                  ctypes.c_void_p, ctypes.c_char_p,
                                  ctypes.c_int, ctypes.c_void_p)
# const char *: returned as an address the binding keeps alive
_CSP_DESC_FN = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p,
                                ctypes.c_void_p)
CSP_INTERNAL_TX = 0x0001


class CpCspOps(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("flags", ctypes.c_uint),
                ("begin", _CSP_SESSION_FN),
                ("char_enter", _CSP_ENTER_FN),
                ("char_leave", _CSP_NAMED_FN),
                ("parm", _CSP_PARM_FN),
                ("noparm", _CSP_NAMED_FN),
                ("parm_query", _CSP_NAMED_FN),
                ("nocharacteristic", _CSP_NAMED_FN),
                ("characteristic_query", _CSP_CQUERY_FN),
                ("commit", _CSP_SESSION_FN),
                ("rollback", _CSP_SESSION_FN),
                ("error_description", _CSP_DESC_FN)]


_CPF_AUDIT_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p,
                                 ctypes.POINTER(CpCpfVerdict))


class CpCpfHooks(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("audit", _CPF_AUDIT_FN),
                ("user", ctypes.c_void_p)]


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
# Versioned structs are prepared by cp_*_init_size with the size the caller
# compiled (the C headers' *_init macros pass sizeof); here the ctypes size.
def _sized_init(name, cls, optional=False):
    fn = _proto(name, None, _vp, ctypes.c_size_t, optional=optional)
    if fn is None:
        return None

    def init(p):
        fn(p, ctypes.sizeof(cls))
    return init


# cp_storage filled by the stores: likewise with the binding's size.
def _sized_store(name, restype, *argtypes):
    fn = _proto(name, restype, *(argtypes + (ctypes.c_size_t,)))

    def call(*args):
        return fn(*(args + (ctypes.sizeof(CpStorage),)))
    return call


_config_init = _sized_init("cp_config_init_size", CpConfig)
# The release whose headers these mirrors follow (CP_VERSION_NUMBER): the
# library fills structs for this context in that release's layouts.
HEADER_VERSION = (0 << 16) | (2 << 8) | 0
_ctx_new_version = _proto("cp_ctx_new_version", _c_status, _P(CpConfig),
                          _P(_vp), ctypes.c_ulong)


def _ctx_new(cfg, out):
    return _ctx_new_version(cfg, out, HEADER_VERSION)


_ctx_free = _proto("cp_ctx_free", None, _vp)
_ctx_trim = _proto("cp_ctx_trim", None, _vp)
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
_auth_options_init = _sized_init("cp_auth_options_init_size", CpAuthOptions)
_mac_compute = _proto("cp_mac_compute", _c_status, _vp, ctypes.c_int,
                      ctypes.c_char_p, ctypes.c_char_p, _P(CpAuthOptions),
                      ctypes.c_char_p, _sz, ctypes.c_char_p, _sz)
_mac_verify = _proto("cp_mac_verify", _c_status, _vp, ctypes.c_int,
                     _P(ctypes.c_char_p), _sz, ctypes.c_char_p,
                     ctypes.c_char_p, _P(CpAuthOptions), _vp, _sz, _P(_sz))
_push_init = _sized_init("cp_push_init_size", CpPush)
_wsp_parse_push = _proto("cp_wsp_parse_push", _c_status, _vp, _vp, _sz,
                         _P(CpPush))
_gateway_init = _sized_init("cp_gateway_init_size", CpGateway)
_verdict_init = _sized_init("cp_verdict_init_size", CpVerdict)
_verify_bootstrap_pdu = _proto("cp_verify_bootstrap_pdu", _c_status, _vp,
                               _vp, _sz, _P(CpGateway), _PIN_PROMPT_FN, _vp,
                               _P(CpVerdict))
_meta_init = _sized_init("cp_meta_init_size", CpMeta)
# omacp/sms.h is newer than the rest: checked only when the library has it.
_sms_options_init = _sized_init("cp_sms_options_init_size", CpSmsOptions)
_store_file_open = _sized_store("cp_store_file_open_size", _c_status,
                                ctypes.c_char_p, _P(CpStorage))
_store_file_close = _sized_store("cp_store_file_close_size", None,
                                 _P(CpStorage))
_store_mem_open = _sized_store("cp_store_mem_open_size", _c_status, _vp)
_store_mem_close = _sized_store("cp_store_mem_close_size", None, _vp)
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
_csp_register = _proto("cp_csp_register", _c_status, _vp, ctypes.c_char_p,
                       _P(CpCspOps), _vp)
_csp_unregister = _proto("cp_csp_unregister", _c_status, _vp,
                         ctypes.c_char_p)
_csp_answer = _proto("cp_csp_answer", _c_status, _vp, ctypes.c_char_p)
_csp_emit_enter = _proto("cp_csp_emit_enter", _c_status, _vp,
                         ctypes.c_char_p)
_csp_emit_parm = _proto("cp_csp_emit_parm", _c_status, _vp, ctypes.c_char_p,
                        ctypes.c_char_p)
_csp_emit_leave = _proto("cp_csp_emit_leave", _c_status, _vp)
_csp_roles = _proto("cp_csp_roles", ctypes.c_uint32, _vp)
_csp_flags = _proto("cp_csp_flags", ctypes.c_uint, _vp)

# omacp/send.h and omacp/tpdu.h (0.2.0): optional, for older libraries.
_push_build_options_init = _sized_init("cp_push_build_options_init_size",
                                       CpPushBuildOptions, optional=True)
_push_build = _proto("cp_push_build", _c_status, _vp,
                     _P(CpPushBuildOptions), ctypes.c_char_p, _sz, _P(_vp),
                     _P(_sz), ctypes.c_char_p, _sz, optional=True)
_sms_split_options_init = _sized_init("cp_sms_split_options_init_size",
                                      CpSmsSplitOptions, optional=True)
_sms_split = _proto("cp_sms_split", _c_status, _vp, _P(CpSmsSplitOptions),
                    ctypes.c_char_p, _sz, _P(_vp), _P(_sz), optional=True)
_sms_deliver_init = _sized_init("cp_sms_deliver_init_size", CpSmsDeliver,
                                optional=True)
_sms_parse_deliver = _proto("cp_sms_parse_deliver", _c_status, _vp, _vp, _sz,
                            ctypes.c_int, _P(CpSmsDeliver), optional=True)


# the push pipeline, reassembly, SPC store, metabase, builder, .cpf
_push_hooks_init = _sized_init("cp_push_hooks_init_size", CpPushHooks)
_push_result_init = _sized_init("cp_push_result_init_size", CpPushResult)
_push_process = _proto("cp_push_process", _c_status, _vp, _vp, _sz,
                       _P(CpGateway), _P(CpPushHooks), _P(CpPushResult))
_push_process_sms = _proto("cp_push_process_sms", _c_status, _vp, _vp,
                           ctypes.c_char_p, _vp, _sz, ctypes.c_int,
                           ctypes.c_uint64, _P(CpGateway), _P(CpPushHooks),
                           _P(CpPushResult))
_sms_new = _proto("cp_sms_new", _c_status, _vp, _P(CpSmsOptions), _P(_vp))
_sms_free = _proto("cp_sms_free", None, _vp)
_sms_add = _proto("cp_sms_add", _c_status, _vp, ctypes.c_char_p, _vp, _sz,
                  ctypes.c_int, ctypes.c_uint64, _P(_vp), _P(_sz))
_sms_expire = _proto("cp_sms_expire", None, _vp, ctypes.c_uint64)
_sms_pending = _proto("cp_sms_pending", _sz, _vp)
_sms_save = _proto("cp_sms_save", _c_status, _vp, _P(_vp), _P(_sz),
                   optional=True)
_sms_restore = _proto("cp_sms_restore", _c_status, _vp, _vp, _sz,
                      ctypes.c_uint64, optional=True)
_spc_add = _proto("cp_spc_add", _c_status, _vp, ctypes.c_char_p,
                  ctypes.c_uint32)
_spc_remove = _proto("cp_spc_remove", _c_status, _vp, ctypes.c_char_p)
_spc_get = _proto("cp_spc_get", _c_status, _vp, _sz, _vp,
                  _P(ctypes.c_uint32))
_spc_add_cert = _proto("cp_spc_add_cert", _c_status, _vp, ctypes.c_char_p,
                       _sz, ctypes.c_uint32, optional=True)
_spc_get_info = _proto("cp_spc_get_info", _c_status, _vp, _sz,
                       _P(CpSpcInfo), optional=True)
_tps_get = _proto("cp_tps_get", _c_status, _vp, ctypes.c_char_p, _sz)
_gateway_list = _proto("cp_gateway_list", _c_status, _vp, _sz,
                       _P(CpGatewayInfo), optional=True)
_meta_set = _proto("cp_meta_set", _c_status, _vp, ctypes.c_char_p,
                   _P(CpMeta))
_meta_get = _proto("cp_meta_get", _c_status, _vp, ctypes.c_char_p,
                   _P(CpMeta), _P(ctypes.c_int))
_meta_remove = _proto("cp_meta_remove", _c_status, _vp, ctypes.c_char_p)
_roles_effective = _proto("cp_roles_effective", ctypes.c_uint32, _vp,
                          ctypes.c_uint32)
_roles_for_sec = _proto("cp_roles_for_sec", ctypes.c_uint32, ctypes.c_int)
_doc_new = _proto("cp_doc_new", _c_status, _vp, _P(_vp))
_doc_root = _proto("cp_doc_root", _vp, _vp)
_node_kind = _proto("cp_node_get_kind", ctypes.c_int, _vp)
_node_first_child = _proto("cp_node_first_child", _vp, _vp)
_node_next = _proto("cp_node_next", _vp, _vp)
_node_attr = _proto("cp_node_attr", ctypes.c_char_p, _vp, ctypes.c_int)
_node_add = _proto("cp_node_add", _c_status, _vp, _vp, ctypes.c_int, _P(_vp))
_node_set_attr = _proto("cp_node_set_attr", _c_status, _vp, _vp,
                        ctypes.c_int, ctypes.c_char_p)
_doc_validate = _proto("cp_doc_validate", _c_status, _vp, _vp)
_process_doc = _proto("cp_process_config_doc", _c_status, _vp, _vp,
                      ctypes.c_uint32, ctypes.c_uint, _P(_vp), _P(_sz))
# absent in a NO_CPF build: the package raises Unsupported
_process_cpf_ex = _proto("cp_process_cpf_ex", _c_status, _vp, _vp, _sz,
                         ctypes.c_uint, _P(CpCpfHooks), _P(CpCpfVerdict),
                         _P(_vp), _P(_sz), optional=True)


def _strerror(status):
    text = _strerror_fn(status)
    return text.decode("ascii", "replace") if text else "unknown error"


def _text(raw):
    return raw.decode("utf-8", "replace") if raw else ""




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
    sms = _check_init_size(CpSmsOptions, _sms_options_init, "cp_sms_options")
    if (sms.max_segments, sms.max_pending,
            sms.expiry_seconds) != (32, 8, 300):
        raise LayoutError("cp_sms_options: cp_sms_options_init's values "
                          "misplaced")
    _check_init_size(CpPushHooks, _push_hooks_init, "cp_push_hooks")
    _check_init_size(CpPushResult, _push_result_init, "cp_push_result")
    if ctypes.sizeof(CpAllocator) != 4 * ctypes.sizeof(_vp):
        raise LayoutError("cp_allocator: four pointers expected")
    _check_storage()
    _check_config_fields()


_check_layouts()
