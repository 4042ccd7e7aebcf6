/** @file
 * omacp/common.h - versions, export macro, status codes, and the shared
 * public types of every floor: the SEC method (cp_sec) and the role bits.
 *
 * Status codes. Every libomacp function that can fail returns a cp_status:
 * 0 (CP_OK) on success, a negative CP_E_* code on failure. Codes are
 * append-only: a value once released keeps its meaning forever, and a new
 * release may add codes, so a caller's switch needs a default branch.
 * cp_strerror() turns a code into a short static English sentence; the
 * detail of a failure (a one-line message, the byte offset or the XML
 * line and column, the element path) is recorded in the context and read
 * with cp_ctx_error_message() and its siblings (omacp/ctx.h). A call
 * that fails with CP_E_BUSY records nothing: the context belongs to the
 * call that is inside it.
 *
 * Versions. The CP_VERSION_* macros say which headers a program was
 * compiled against, cp_version() and cp_version_number() which library it
 * runs with. Within one major version a newer library runs programs
 * built against older headers (structs grow only at their end and are
 * read up to the caller's struct_size), so a program can check at start:
 *
 * @code
 * if (cp_version_number() < CP_VERSION_NUMBER)
 *     fprintf(stderr, "libomacp %s is older than the headers (%s)\n",
 *             cp_version(), CP_VERSION_STRING);
 * @endcode
 *
 * Roles. A role mask is a uint32_t of CP_ROLE_* bits, exactly the Windows
 * Mobile SECROLE_* values, combined by OR. Which roles a message or a
 * local caller gets is decided by the trust floor (omacp/trust.h,
 * omacp/bootstrap.h); role-mask policies and metabase entries admit a
 * caller when (its roles AND the mask) != 0.
 *
 * Nothing in this header touches global state; cp_strerror(), cp_version()
 * and cp_version_number() may be called from any thread at any time.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_COMMON_H
#define OMACP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Major version of the headers you compiled against. It changes only with
 * an incompatible change of the ABI, together with the soname
 * (libomacp.so.MAJOR).
 */
#define CP_VERSION_MAJOR 0
/** Minor version of the headers: new functions, codes or struct fields. */
#define CP_VERSION_MINOR 2
/** Patch version of the headers: fixes only, no change of the API. */
#define CP_VERSION_PATCH 0
/** The headers' version as a string, "MAJOR.MINOR.PATCH". */
#define CP_VERSION_STRING "0.2.0"
/**
 * The headers' version as one number, 0xMMmmpp (0.2.0 is 0x000200), for
 * comparisons with cp_version_number(); cp_ctx_new passes it to the
 * library (cp_ctx_new_version).
 */
#define CP_VERSION_NUMBER \
    ((CP_VERSION_MAJOR << 16) | (CP_VERSION_MINOR << 8) | CP_VERSION_PATCH)
/**
 * True (a preprocessor constant expression) when the headers are at least
 * version maj.min.pat, e.g. "#if CP_VERSION_CHECK(0, 2, 0)" around code
 * that uses what 0.2.0 added. It says nothing about the library the
 * program runs with: compare cp_version_number() for that.
 */
#define CP_VERSION_CHECK(maj, min, pat) \
    (CP_VERSION_NUMBER >= (((maj) << 16) | ((min) << 8) | (pat)))

/**
 * @def CP_EXPORT
 * Marks the public functions. The library is built with
 * -fvisibility=hidden and a linker version script, so only what carries
 * CP_EXPORT (and is named cp_*) is visible in the shared object. With GCC
 * and Clang it is the default-visibility attribute; on Windows it is
 * __declspec(dllexport) while the DLL itself is built (CP_BUILDING_DLL
 * defined) and empty otherwise; with other compilers it is empty. A
 * program only reads it; it never needs to define it.
 */
#if defined(_WIN32) && defined(CP_BUILDING_DLL)
#define CP_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define CP_EXPORT __attribute__((visibility("default")))
#else
#define CP_EXPORT
#endif

/**
 * @def CP_WARN_UNUSED
 * Marks a function whose result the caller must look at: ignoring it is a
 * security bug (cp_mac_verify, cp_verify_bootstrap,
 * cp_verify_bootstrap_pdu). GCC and Clang warn when the result is
 * dropped; with other compilers it is empty.
 */
#if defined(__GNUC__) || defined(__clang__)
#define CP_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define CP_WARN_UNUSED
#endif

/**
 * Status of a call: CP_OK (0) or one of the negative CP_E_* codes of
 * cp_status_code. An int, so that a status survives any ABI and binding;
 * test it against CP_OK, never as a boolean of success.
 */
typedef int cp_status;

/**
 * Status codes. Append-only; each says in which release it appeared.
 * All appeared in 0.1.0 unless marked otherwise. The cases named here are
 * the typical ones; each function's comment lists what it returns.
 */
enum cp_status_code {
    /** Success: the call did all it says. */
    CP_OK = 0,
    /** An allocation (through the context's allocator) failed. */
    CP_E_NOMEM = -1,
    /**
     * A NULL pointer where one is needed, a NULL buffer with a non-zero
     * length, an out-of-range value (a policy value, an option, a role
     * mask with unknown bits) or an inconsistent cp_config (allocator or
     * storage hooks only partly set). A programming error of the caller.
     */
    CP_E_INVALID_ARG = -2,
    /**
     * A struct's struct_size is smaller than the first released layout or
     * absurdly large: the struct was not prepared with its *_init macro, or
     * comes from headers of another major version.
     */
    CP_E_VERSION = -3,
    /** The input (WBXML, WSP PDU, TPDU) ended in the middle of an item. */
    CP_E_TRUNCATED = -4,
    /**
     * The input breaks its encoding rules: a WSP PDU, an SMS user data
     * header, a TPDU, a cabinet or a certificate that cannot be read.
     */
    CP_E_MALFORMED = -5,
    /** A number or length in the input (or an output size) does not fit its type. */
    CP_E_OVERFLOW = -6,
    /** A WBXML token has no meaning at that place of the PROV code pages. */
    CP_E_UNKNOWN_TOKEN = -7,
    /**
     * The document's character set is not supported, or its text is not
     * valid in it (bad UTF-8, a NUL, an octet above 0x7F in US-ASCII).
     */
    CP_E_CHARSET = -8,
    /**
     * Not a provisioning document: a WBXML public id other than PROV, a
     * push whose content type is not a provisioning one, an SMS not
     * addressed to the WSP push port.
     */
    CP_E_NOT_PROV = -9,
    /**
     * A limit was reached: one of cp_limits (document size, depth,
     * elements, string table, attribute length), a fixed capacity (SPC
     * store entries, PIN attempt table, SMS segments) or the size of a
     * stored item.
     */
    CP_E_LIMIT = -10,
    /** The XML text is not well-formed (the ctx has its line and column). */
    CP_E_XML = -11,
    /** An element or attribute of the PROV grammar at a place it is not allowed. */
    CP_E_GRAMMAR = -12,
    /** A DTD construct the XML reader refuses (entity declarations). */
    CP_E_DTD = -13,
    /**
     * A feature this build or this library does not have: XML text in a
     * NO_XML build, .cpf files and certificates in a NO_CPF build, a
     * ConfirmedPush, an operation a CSP does not implement.
     */
    CP_E_UNSUPPORTED = -14,
    /**
     * The caller's buffer is too small; the function reports the size it
     * needs (in an out parameter or the ctx message) and writes nothing.
     */
    CP_E_BUFFER_TOO_SMALL = -15,
    /**
     * A file operation outside the context's storage failed: what a
     * storage hook returns when it fails, and what opening a file store
     * on a directory that is not writable returns (omacp/store.h). Calls
     * on a context report a failed hook as CP_E_STORAGE since 0.2.0.
     */
    CP_E_IO = -16,
    /** An internal invariant failed: a bug in libomacp; please report it. */
    CP_E_INTERNAL = -17,
    /**
     * The context is already inside another call: another thread's, or
     * the running call's own when one of its hooks or CSP callbacks calls
     * back with the same context (omacp/ctx.h). Nothing was done and
     * nothing recorded in the ctx; the call may be made again later.
     */
    CP_E_BUSY = -18,
    /**
     * The named item does not exist: an unknown policy id, an index past
     * the end of a list, no TPS stored, no CSP for a characteristic type,
     * no metabase entry or setting to delete.
     */
    CP_E_NOT_FOUND = -19,
    /**
     * The item exists already: a CSP type registered twice, or a second
     * OTA bootstrap on a device that holds a TPS.
     */
    CP_E_EXISTS = -20,
    /**
     * The SEC method is missing where one is needed, unknown, or not one
     * of 0..3 (CP_SEC_INVALID): the message is dropped, never checked
     * under another method.
     */
    CP_E_BAD_SEC = -21,
    /** The MAC text is missing or is not exactly 40 hex digits. */
    CP_E_BAD_MAC = -22,
    /**
     * Well-formed inputs, but the MAC does not match: the message is not
     * authentic and must not be applied.
     */
    CP_E_NOT_AUTHENTIC = -23,
    /**
     * A PIN or IMSI is missing or has the wrong form; also a PIN prompt
     * that gave no PIN (the user declined: no attempt is counted) and a
     * NETWPIN message on a device without IMSI.
     */
    CP_E_BAD_PIN = -24,
    /**
     * Policy 4105's number of wrong PINs was reached for this message:
     * it is discarded, also when sent again or after a restart.
     */
    CP_E_PIN_EXHAUSTED = -25,
    /**
     * Refused by the security model: a policy (4110, 4111, 4113,
     * 4141-4143, 4097, 4101 = 0), a bootstrap a branded device or the
     * SEC method does not allow, a NETWPIN message the user did not
     * confirm, a .cpf whose signature does not verify.
     */
    CP_E_REFUSED = -26,
    /**
     * The caller's effective roles may not touch that setting or policy
     * (metabase access roles, rw-access, a policy's set roles).
     */
    CP_E_ACCESS_DENIED = -27,
    /**
     * Stored state is corrupt or of a foreign format (also a stored
     * policy value out of range, a damaged SMS reassembly block). The
     * damaged part takes its most restrictive reading until it is
     * re-provisioned (cp_state_load in omacp/trust.h says how).
     */
    CP_E_CORRUPT = -28,
    /**
     * A configuration service provider failed (or answered out of turn);
     * the document was not applied. A CSP's own CP_E_NOMEM,
     * CP_E_ACCESS_DENIED, CP_E_BAD_DOC, CP_E_EXISTS and CP_E_CORRUPT come
     * back as they are; every other failure of a CSP becomes this code,
     * with the CSP's description in the ctx message.
     */
    CP_E_CSP = -29,
    /**
     * Undoing a failed document failed in a CSP: the settings may be
     * inconsistent and need the host's attention.
     */
    CP_E_ROLLBACK = -30,
    /**
     * The document is valid XML or WBXML but not a valid request: a name
     * that would be read as another setting, a PROVURL that is not a
     * complete URL, a ProvCont violation in strict mode.
     */
    CP_E_BAD_DOC = -31,
    /**
     * Added in 0.2.0. The context's storage failed: device state could not
     * be saved or read (disk full, read-only, I/O error), or a commit
     * could not be finished; the ctx message names the blob and gives the
     * store's reason. Storage hooks keep returning CP_E_IO (omacp/ctx.h);
     * the library reports their failures as CP_E_STORAGE (0.1.0 said
     * CP_E_IO). Nothing is reported applied unless it is durable.
     */
    CP_E_STORAGE = -32
};

/**
 * Security method named by the SEC parameter (ProvBoot). The numbers 0..3
 * are the method numbers of the protocol (binary form 0x80 + number).
 * Shared by every floor (the codec reads it, trust checks it, the device
 * reports it). Its values all fit an int, and no value outside -2..3 is
 * ever added, so the enum stays int-sized and a cp_sec parameter or field
 * has the ABI of the int that 0.1.0 declared.
 */
typedef enum cp_sec {
    /**
     * A SEC parameter was present but is not 0..3 or could not be read
     * (cp_push.sec_raw tells what was sent). Refused with CP_E_BAD_SEC.
     */
    CP_SEC_INVALID = -2,
    /**
     * No SEC parameter: the push is unauthenticated. It gets
     * CP_ROLE_USER_UNAUTH and is admitted only by policy 4110.
     */
    CP_SEC_NONE = -1,
    /**
     * NETWPIN: key from the IMSI (cp_imsi_key). Gives CP_ROLE_OPERATOR;
     * admitted by policy 4141; policy 4132 = 0 asks the user first.
     */
    CP_SEC_NETWPIN = 0,
    /** USERPIN: key = the PIN the user types. Gives CP_ROLE_USER_AUTH; policy 4142. */
    CP_SEC_USERPIN = 1,
    /**
     * USERNETWPIN: key = IMSI key octets followed by the PIN. Gives
     * CP_ROLE_OPERATOR | CP_ROLE_USER_AUTH; policy 4143. The only method
     * an OTA bootstrap is accepted with.
     */
    CP_SEC_USERNETWPIN = 2,
    /**
     * USERPINMAC: the MAC travels in the digits the user types. Gives
     * CP_ROLE_USER_AUTH; policy 4142.
     */
    CP_SEC_USERPINMAC = 3
} cp_sec;

/* ---- roles -----------------------------------------------------------------
 * A role mask is a uint32_t of these bits, exactly the Windows Mobile
 * SECROLE_* values. Several roles combine by OR. Which source gets which
 * bits: README, "Security model"; cp_source_roles and cp_roles_for_sec
 * in omacp/trust.h, the origin roles in omacp/bootstrap.h.
 */
/** No role: a mask that admits nobody (a role-mask policy of 0 refuses all). */
#define CP_ROLE_NONE 0x0000u
/** Device manufacturer (SECROLE_OEM). No source gets it by itself; for masks and SPC signers. */
#define CP_ROLE_OEM 0x0002u
/** The operator: a NETWPIN or USERNETWPIN signature verified (SECROLE_CARRIER). */
#define CP_ROLE_OPERATOR 0x0004u
/**
 * May change every setting (the metabase's default access): privileged
 * API callers (every API caller on a one-tier device), boot files, RAPI
 * by policy 4097 = 1, and the roles policy 4119 grants it to.
 */
#define CP_ROLE_MANAGER 0x0008u
/**
 * An authenticated user: a USERPIN, USERNETWPIN or USERPINMAC signature
 * verified, a normal API caller on a two-tier device, the device UI, and
 * the roles policy 4120 grants it to.
 */
#define CP_ROLE_USER_AUTH 0x0010u
/** Enterprise administrator (SECROLE_ENTERPRISE). No source gets it by itself; for masks and SPC signers. */
#define CP_ROLE_ENTERPRISE 0x0020u
/** Anyone: an unsigned message (CP_SEC_NONE). */
#define CP_ROLE_USER_UNAUTH 0x0040u
/**
 * The trusted provisioning server: came through a trusted gateway whose
 * Push-Flag says the initiator is authenticated, with an
 * X-Wap-Initiator-URI equal to the stored TPS, while policy 4104 = 1.
 */
#define CP_ROLE_OPERATOR_TPS 0x0080u
/** Came through a known push gateway (see cp_ppg in omacp/bootstrap.h). */
#define CP_ROLE_KNOWN_PPG 0x0100u
/**
 * Came through a trusted push gateway: the host says CP_PPG_TRUSTED and the
 * address is a stored push-enabled gateway of a trusted PXLOGICAL.
 */
#define CP_ROLE_TRUSTED_PPG 0x0200u
/** A trusted gateway's Push-Flag 0x01: the gateway authenticated the initiator. */
#define CP_ROLE_PPG_AUTH 0x0400u
/** A trusted gateway's Push-Flag 0x02: the gateway says the content is trusted. */
#define CP_ROLE_PPG_TRUSTED 0x0800u
/** Every pushed message has it, whatever its gateway. */
#define CP_ROLE_ANY_PUSH_SOURCE 0x1000u
/**
 * libomacp extension, not a Windows Mobile bit: the caller is exempt from
 * role and read/write checks (the device's own settings UI,
 * CP_SOURCE_UI). No message and no stored mask can carry it: masks are
 * limited to CP_ROLES_ALL.
 */
#define CP_ROLE_EXEMPT 0x80000000u

/**
 * Roles that say where a pushed message came from (its origin roles),
 * as opposed to the roles its signature gives.
 */
#define CP_ROLES_ORIGIN                                                      \
    (CP_ROLE_OPERATOR_TPS | CP_ROLE_KNOWN_PPG | CP_ROLE_TRUSTED_PPG |        \
     CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED | CP_ROLE_ANY_PUSH_SOURCE)
/**
 * Every Windows Mobile role bit (CP_ROLE_OEM to CP_ROLE_ANY_PUSH_SOURCE):
 * the bits a role-mask policy or an SPC entry may hold.
 */
#define CP_ROLES_ALL 0x1FFEu

/**
 * A short static English description of a status code. Never NULL: an
 * unknown code gives "unknown error". The string must not be freed.
 */
CP_EXPORT const char *cp_strerror(cp_status status);

/**
 * The release version of the library the program runs with, as
 * "MAJOR.MINOR.PATCH": a static string, never NULL, not to be freed.
 * May differ from CP_VERSION_STRING, the headers' version.
 */
CP_EXPORT const char *cp_version(void);

/**
 * The release version of the library the program runs with, as one
 * number in the form of CP_VERSION_NUMBER (0xMMmmpp); compare it with
 * CP_VERSION_NUMBER to learn whether the library is at least as new as
 * the headers.
 */
CP_EXPORT unsigned long cp_version_number(void);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_COMMON_H */
