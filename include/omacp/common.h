/** @file
 * omacp/common.h - versions, export macro, status codes, and the shared
 * public types of every floor: the SEC method (cp_sec) and the role bits.
 *
 * Every libomacp function that can fail returns a cp_status: 0 (CP_OK) on
 * success, a negative CP_E_* code on failure. Codes are append-only: a value
 * once released keeps its meaning forever. cp_strerror() turns a code into a
 * short static English sentence.
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

/** Release version of the headers you compiled against. */
#define CP_VERSION_MAJOR 0
#define CP_VERSION_MINOR 2
#define CP_VERSION_PATCH 0
/** The same as a string, "MAJOR.MINOR.PATCH". */
#define CP_VERSION_STRING "0.2.0"
/** The same as one number: 0xMMmmpp. */
#define CP_VERSION_NUMBER \
    ((CP_VERSION_MAJOR << 16) | (CP_VERSION_MINOR << 8) | CP_VERSION_PATCH)
/** True when the headers are at least version maj.min.pat. */
#define CP_VERSION_CHECK(maj, min, pat) \
    (CP_VERSION_NUMBER >= (((maj) << 16) | ((min) << 8) | (pat)))

/*
 * CP_EXPORT marks the public functions. The library is built with
 * -fvisibility=hidden and a linker version script, so only what carries
 * CP_EXPORT (and is named cp_*) is visible in the shared object.
 */
#if defined(_WIN32) && defined(CP_BUILDING_DLL)
#define CP_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define CP_EXPORT __attribute__((visibility("default")))
#else
#define CP_EXPORT
#endif

/* A result the caller must look at (MAC checks, verdicts). */
#if defined(__GNUC__) || defined(__clang__)
#define CP_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define CP_WARN_UNUSED
#endif

/** Status of a call: CP_OK (0) or one of the negative CP_E_* codes. */
typedef int cp_status;

/**
 * Status codes. Append-only; each says in which release it appeared.
 * All appeared in 0.1.0 unless marked otherwise.
 */
enum cp_status_code {
    CP_OK = 0,                   /**< success */
    CP_E_NOMEM = -1,             /**< an allocation failed */
    CP_E_INVALID_ARG = -2,       /**< a NULL or out-of-range argument */
    CP_E_VERSION = -3,           /**< a struct's size/version is not one this library knows */
    CP_E_TRUNCATED = -4,         /**< the input ended in the middle of an item */
    CP_E_MALFORMED = -5,         /**< the input breaks the encoding rules */
    CP_E_OVERFLOW = -6,          /**< a number or length does not fit its type */
    CP_E_UNKNOWN_TOKEN = -7,     /**< a WBXML token has no meaning at that place */
    CP_E_CHARSET = -8,           /**< unsupported character set, or invalid text in it */
    CP_E_NOT_PROV = -9,          /**< not a provisioning (PROV) document */
    CP_E_LIMIT = -10,            /**< a configured limit (size, depth, count) was exceeded */
    CP_E_XML = -11,              /**< the XML text is not well-formed */
    CP_E_GRAMMAR = -12,          /**< an element or attribute not allowed at that place */
    CP_E_DTD = -13,              /**< a DTD construct that is refused (entity declarations) */
    CP_E_UNSUPPORTED = -14,      /**< a feature this build or this library does not support */
    CP_E_BUFFER_TOO_SMALL = -15, /**< the caller's buffer is too small; the needed size is reported */
    CP_E_IO = -16,               /**< a file operation outside the context's storage failed (see CP_E_STORAGE) */
    CP_E_INTERNAL = -17,         /**< an internal invariant failed (a bug: please report it) */
    CP_E_BUSY = -18,             /**< the context is already inside another call */
    CP_E_NOT_FOUND = -19,        /**< the named item does not exist */
    CP_E_EXISTS = -20,           /**< the item exists already */
    CP_E_BAD_SEC = -21,          /**< SEC method missing, unknown or not 0..3 */
    CP_E_BAD_MAC = -22,          /**< MAC text is not exactly 40 hex digits */
    CP_E_NOT_AUTHENTIC = -23,    /**< the MAC does not match: the message is not authentic */
    CP_E_BAD_PIN = -24,          /**< a PIN or IMSI is missing or has the wrong form */
    CP_E_PIN_EXHAUSTED = -25,    /**< too many wrong PINs: the message was discarded */
    CP_E_REFUSED = -26,          /**< refused by a security policy */
    CP_E_ACCESS_DENIED = -27,    /**< the sender's roles may not touch that setting */
    CP_E_CORRUPT = -28,          /**< stored state is corrupt or of a foreign format */
    CP_E_CSP = -29,              /**< a configuration service provider failed */
    CP_E_ROLLBACK = -30,         /**< a rollback failed: settings may be inconsistent */
    CP_E_BAD_DOC = -31,          /**< the document is valid XML/WBXML but not a valid request */
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
    CP_SEC_INVALID = -2,    /**< SEC present but not 0..3, or not readable;
                                 cp_push.sec_raw tells what was sent */
    CP_SEC_NONE = -1,       /**< no SEC parameter: the push is unauthenticated */
    CP_SEC_NETWPIN = 0,     /**< key from the IMSI */
    CP_SEC_USERPIN = 1,     /**< key = the PIN the user types */
    CP_SEC_USERNETWPIN = 2, /**< key = IMSI octets followed by the PIN */
    CP_SEC_USERPINMAC = 3   /**< the MAC travels in the PIN the user types */
} cp_sec;

/* ---- roles -----------------------------------------------------------------
 * A role mask is a uint32_t of these bits, exactly the Windows Mobile
 * SECROLE_* values. Several roles combine by OR.
 */
#define CP_ROLE_NONE 0x0000u
#define CP_ROLE_OEM 0x0002u             /**< device manufacturer */
#define CP_ROLE_OPERATOR 0x0004u        /**< NETWPIN-signed (SECROLE_CARRIER) */
#define CP_ROLE_MANAGER 0x0008u         /**< may change every setting */
#define CP_ROLE_USER_AUTH 0x0010u       /**< authenticated user (user PIN) */
#define CP_ROLE_ENTERPRISE 0x0020u      /**< enterprise administrator */
#define CP_ROLE_USER_UNAUTH 0x0040u     /**< anyone: unsigned messages */
#define CP_ROLE_OPERATOR_TPS 0x0080u    /**< the trusted provisioning server */
#define CP_ROLE_KNOWN_PPG 0x0100u       /**< came through a known push gateway */
#define CP_ROLE_TRUSTED_PPG 0x0200u     /**< came through a trusted push gateway */
#define CP_ROLE_PPG_AUTH 0x0400u        /**< gateway authenticated the initiator */
#define CP_ROLE_PPG_TRUSTED 0x0800u     /**< gateway says the content is trusted */
#define CP_ROLE_ANY_PUSH_SOURCE 0x1000u /**< every pushed message */
/**
 * libomacp extension, not a Windows Mobile bit: the caller is exempt from
 * role and read/write checks (the device's own settings UI).
 */
#define CP_ROLE_EXEMPT 0x80000000u

/** Roles that say where a pushed message came from. */
#define CP_ROLES_ORIGIN                                                      \
    (CP_ROLE_OPERATOR_TPS | CP_ROLE_KNOWN_PPG | CP_ROLE_TRUSTED_PPG |        \
     CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED | CP_ROLE_ANY_PUSH_SOURCE)
/** Every Windows Mobile role bit. */
#define CP_ROLES_ALL 0x1FFEu

/**
 * A short static English description of a status code. Never NULL: an
 * unknown code gives "unknown error". The string must not be freed.
 */
CP_EXPORT const char *cp_strerror(cp_status status);

/** The library's release version as "MAJOR.MINOR.PATCH" (static string). */
CP_EXPORT const char *cp_version(void);

/** The library's release version as CP_VERSION_NUMBER would give it. */
CP_EXPORT unsigned long cp_version_number(void);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_COMMON_H */
