/*
 * omacp/ctx.h - the library context: configuration, allocator, limits and
 * the detail of the last error.
 *
 * A cp_ctx holds everything one device (or one test harness) needs; there is
 * no global mutable state, so independent contexts may be used from
 * different threads at the same time. One context must not be entered by two
 * threads at once.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_CTX_H
#define OMACP_CTX_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Allocator hooks. Every allocation libomacp makes for a context (and for
 * the documents decoded with it) goes through these, so a firmware can give
 * the library its own pool and a test can fail any allocation.
 *
 * - alloc(user, n): return n bytes aligned for any object, or NULL.
 * - realloc(user, p, n): resize p (never NULL) to n bytes (n > 0), or return
 *   NULL and leave p untouched.
 * - free(user, p): release p; p is never NULL.
 *
 * Either set all three, or none (all NULL: the C library's malloc family).
 */
typedef struct cp_allocator {
    void *(*alloc)(void *user, size_t n);
    void *(*realloc)(void *user, void *p, size_t n);
    void (*free)(void *user, void *p);
    void *user; /**< passed back to every hook */
} cp_allocator;

/**
 * Limits that bound the work and memory an input can cause. A field left 0
 * takes the default shown (see also README, "Limits").
 */
typedef struct cp_limits {
    size_t max_doc_bytes;    /**< largest input document, default 1 MiB */
    size_t max_depth;        /**< deepest element nesting, root = 1, default 32 */
    size_t max_elements;     /**< most elements in one document, default 65536 */
    size_t max_strtbl_bytes; /**< largest WBXML string table, default 64 KiB */
    size_t max_attr_bytes;   /**< longest attribute value (bytes of UTF-8), default 8 KiB */
} cp_limits;

#define CP_DEFAULT_MAX_DOC_BYTES ((size_t)1 << 20)
#define CP_DEFAULT_MAX_DEPTH ((size_t)32)
#define CP_DEFAULT_MAX_ELEMENTS ((size_t)65536)
#define CP_DEFAULT_MAX_STRTBL_BYTES ((size_t)65536)
#define CP_DEFAULT_MAX_ATTR_BYTES ((size_t)8192)

/**
 * Storage hooks: how a context keeps device state (policies, PIN counters,
 * the TPS, the SPC store, settings) across restarts, as named blobs. Names
 * are 1-63 characters of letters, digits, '.', '_' and '-', such as
 * "policy". The number of blobs grows with the settings stored: a settings
 * type keeps its items in pages of 8, "s.TYPE.0", "s.TYPE.1" ..., listed
 * by "s.TYPE" (so 10 000 stored items take about 1 250 blobs), and a
 * commit rewrites only the pages it changed.
 *
 * - load(user, name, buf, cap, &len): copy the blob into buf and set len.
 *   When cap is too small return CP_E_BUFFER_TOO_SMALL with len = the size
 *   needed (the library retries with a larger buffer). Return CP_E_NOT_FOUND
 *   when no blob of that name exists, CP_E_IO on failure.
 * - save(user, name, data, len): replace the blob atomically: after a crash
 *   the old or the new content is readable, never a mix. CP_E_IO on failure.
 *
 * With both hooks NULL the state lives in the context's memory only.
 */
typedef struct cp_storage {
    cp_status (*load)(void *user, const char *name, uint8_t *buf, size_t cap,
                      size_t *len);
    cp_status (*save)(void *user, const char *name, const uint8_t *data,
                      size_t len);
    void *user; /**< passed back to both hooks */
} cp_storage;

/** Device profiles: which policy defaults a new device starts from. */
typedef enum cp_profile {
    /** Operator-customised: OTA bootstrap refused (the safe default). */
    CP_PROFILE_BRANDED = 0,
    /** OEM-unlocked: one USERNETWPIN-signed OTA bootstrap accepted. */
    CP_PROFILE_UNBRANDED = 1
} cp_profile;

/** Application security tiers (policy 4123). */
typedef enum cp_tier {
    /** Two-tier: privileged callers get MANAGER, normal ones USER_AUTH. */
    CP_TIER_TWO = 0,
    /** One-tier: every caller allowed to run gets MANAGER. */
    CP_TIER_ONE = 1
} cp_tier;

/** At most this many IMSIs (SIMs) per device. */
#define CP_MAX_IMSIS 4

/**
 * Configuration of a context. Always start from cp_config_init(), which
 * zeroes the struct and sets struct_size; then set what you need. Fields are
 * only ever appended, and the library reads only the first struct_size
 * bytes, so a program compiled against an older header keeps working.
 */
typedef struct cp_config {
    size_t struct_size;     /**< sizeof(cp_config) as the caller compiled it */
    cp_allocator allocator; /**< all NULL: malloc/realloc/free */
    cp_limits limits;       /**< 0 fields: defaults */
    cp_storage storage;     /**< NULL hooks: state in memory only */
    cp_profile profile;     /**< policy defaults; default CP_PROFILE_BRANDED */
    cp_tier tier;           /**< default CP_TIER_TWO (policy 4123 = 0) */
    /**
     * The device's IMSIs (decimal digits), one per SIM, at most CP_MAX_IMSIS;
     * copied by cp_ctx_new. NETWPIN and USERNETWPIN keys are tried with each.
     */
    const char *const *imsis;
    size_t n_imsis;
    /** USERPINMAC: fewest PIN digits N accepted (user types 2N); 0 = 5. */
    unsigned int min_pinmac_digits;
    /** CP_AUTH_COMPAT_* bits (omacp/auth.h): non-standard key forms, default none. */
    unsigned int auth_compat;
    /** 1: cp_process_config_xml checks the ProvCont rules first (cp_doc_validate). */
    int strict_validation;
} cp_config;

/** Prepare *cfg: zero it, set struct_size. Never fails. */
CP_EXPORT void cp_config_init(cp_config *cfg);

/** A library context. Opaque; made by cp_ctx_new(), freed by cp_ctx_free(). */
typedef struct cp_ctx cp_ctx;

/**
 * Create a context from cfg (NULL means all defaults). On success *out owns
 * the new context. Returns CP_E_VERSION when cfg->struct_size is not a size
 * this library knows, CP_E_INVALID_ARG when the allocator hooks are only
 * partly set, CP_E_NOMEM when the allocation fails.
 */
CP_EXPORT cp_status cp_ctx_new(const cp_config *cfg, cp_ctx **out);

/** Free a context. NULL is a no-op. Documents decoded with it stay valid. */
CP_EXPORT void cp_ctx_free(cp_ctx *ctx);

/** The limits in force for ctx (defaults filled in). */
CP_EXPORT const cp_limits *cp_ctx_limits(const cp_ctx *ctx);

/**
 * Allocate and release memory with the context's allocator. Buffers that
 * the library returns to the caller (XML text, WBXML bytes) are freed with
 * cp_free(). cp_free(ctx, NULL) is a no-op.
 */
CP_EXPORT void *cp_alloc(cp_ctx *ctx, size_t n);
CP_EXPORT void cp_free(cp_ctx *ctx, void *p);

/*
 * The last error. Every failing call records its status, a one-line message
 * and, where it applies, where in the input it happened. A successful call
 * does not clear it; cp_ctx_clear_error() does.
 */

/** Value of cp_ctx_error_offset() when no byte offset applies. */
#define CP_NO_OFFSET ((size_t)-1)

/** Status of the last failure recorded in ctx, or CP_OK. */
CP_EXPORT cp_status cp_ctx_error_code(const cp_ctx *ctx);
/** One-line message of the last failure ("" if none). Valid until the next call on ctx. */
CP_EXPORT const char *cp_ctx_error_message(const cp_ctx *ctx);
/** Byte offset in the input (WBXML, WSP) where it failed, or CP_NO_OFFSET. */
CP_EXPORT size_t cp_ctx_error_offset(const cp_ctx *ctx);
/** Line (1-based) in XML input where it failed, or 0. */
CP_EXPORT unsigned long cp_ctx_error_line(const cp_ctx *ctx);
/** Column (1-based) in XML input where it failed, or 0. */
CP_EXPORT unsigned long cp_ctx_error_column(const cp_ctx *ctx);
/**
 * Element path of the failure, e.g.
 * "/wap-provisioningdoc/characteristic[NAPDEF]/parm[NAME]", or "" if none.
 */
CP_EXPORT const char *cp_ctx_error_path(const cp_ctx *ctx);
/** Forget the last error. */
CP_EXPORT void cp_ctx_clear_error(cp_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_CTX_H */
