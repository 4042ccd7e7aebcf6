/** @file
 * omacp/ctx.h - the library context: configuration, allocator, limits and
 * the detail of the last error.
 *
 * A cp_ctx holds everything one device (or one test harness) needs; there is
 * no global mutable state, so independent contexts may be used from
 * different threads at the same time.
 *
 * One call at a time per context: every call that reads or changes a
 * context's state (policies, SPC store, TPS, PIN counters, settings, the
 * metabase, the CSP registry: cp_policy_*, cp_spc_*, cp_tps_get,
 * cp_state_load, cp_roles_effective, cp_source_roles, cp_meta_*,
 * cp_csp_register*, cp_csp_unregister, cp_verify_bootstrap*,
 * cp_process_config_*, cp_push_process*) first enters the context and
 * returns CP_E_BUSY, touching nothing, when another call is inside it:
 * another thread, or a hook or CSP callback of the running call calling
 * back into the library with the same context. (Since 0.2.0 this holds
 * for every one of them; 0.1.0 guarded only processing, pushes and the
 * registry.) Functions that only use the context's allocator, limits and
 * error detail (cp_doc_*, cp_wsp_*, cp_mac_*, cp_sms_new, cp_alloc) are
 * not guarded: a CSP callback may use them; from another thread they must
 * not overlap a call on the same context. The error getters below read
 * what the last call left; read them from the thread that made it.
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
    /** Return n bytes aligned for any object, or NULL. */
    void *(*alloc)(void *user, size_t n);
    /** Resize p (never NULL) to n bytes, n > 0; on NULL p stays as it was. */
    void *(*realloc)(void *user, void *p, size_t n);
    /** Release p (never NULL). */
    void (*free)(void *user, void *p);
    void *user; /**< passed back to every hook */
} cp_allocator;

/**
 * Limits that bound the work and memory an input can cause. A field left 0
 * takes the default shown (see also README, "Limits").
 *
 * struct_size (since 0.2.0) is sizeof(cp_limits) as the caller compiled it;
 * cp_config_init() sets it. Inside a cp_config it may also be 0, meaning
 * the layout of the cp_config that holds it.
 */
typedef struct cp_limits {
    size_t struct_size;      /**< sizeof(cp_limits), or 0 inside a cp_config */
    size_t max_doc_bytes;    /**< largest input document, default 1 MiB */
    size_t max_depth;        /**< deepest element nesting, root = 1, default 32 */
    size_t max_elements;     /**< most elements in one document, default 65536 */
    size_t max_strtbl_bytes; /**< largest WBXML string table, default 64 KiB */
    size_t max_attr_bytes;   /**< longest attribute value (bytes of UTF-8), default 8 KiB */
} cp_limits;

/** Default of cp_limits.max_doc_bytes (1 MiB). */
#define CP_DEFAULT_MAX_DOC_BYTES ((size_t)1 << 20)
/** Default of cp_limits.max_depth. */
#define CP_DEFAULT_MAX_DEPTH ((size_t)32)
/** Default of cp_limits.max_elements. */
#define CP_DEFAULT_MAX_ELEMENTS ((size_t)65536)
/** Default of cp_limits.max_strtbl_bytes (64 KiB). */
#define CP_DEFAULT_MAX_STRTBL_BYTES ((size_t)65536)
/** Default of cp_limits.max_attr_bytes (8 KiB). */
#define CP_DEFAULT_MAX_ATTR_BYTES ((size_t)8192)

/**
 * Storage hooks: how a context keeps device state (policies, PIN counters,
 * the TPS, the SPC store, settings) across restarts, as named blobs. Names
 * are 1 to CP_STORE_NAME_MAX characters of letters, digits, '.', '_' and
 * '-', such as "policy". Each floor documents the names it keeps: the
 * trust state in omacp/trust.h, the engine's settings and metabase in
 * omacp/engine.h; "journal" belongs to the store itself (a commit's
 * intent, replayed after a crash).
 *
 * - load(user, name, buf, cap, &len): copy the blob into buf and set len.
 *   When cap is too small return CP_E_BUFFER_TOO_SMALL with len = the size
 *   needed (the library retries with a larger buffer). Return CP_E_NOT_FOUND
 *   when no blob of that name exists, CP_E_IO on failure.
 * - save(user, name, data, len): replace the blob atomically: after a crash
 *   the old or the new content is readable, never a mix. CP_E_IO on failure.
 *
 * With both hooks NULL the state lives in the context's memory only.
 *
 * When a hook fails (CP_E_IO, or any status but CP_E_NOT_FOUND from load
 * and CP_E_NOMEM) the library call reports CP_E_STORAGE (since 0.2.0;
 * 0.1.0 said CP_E_IO), with the blob's name and the store's reason (see
 * cp_storage_ext.reason) in the error message. A call is reported done
 * only once its commit is durable: every blob saved.
 */
typedef struct cp_storage {
    size_t struct_size; /**< sizeof(cp_storage) (0.2.0), or 0 inside a cp_config */
    /** Read blob name into buf (see above); NULL with save: memory only. */
    cp_status (*load)(void *user, const char *name, uint8_t *buf, size_t cap,
                      size_t *len);
    /** Replace blob name atomically (see above). */
    cp_status (*save)(void *user, const char *name, const uint8_t *data,
                      size_t len);
    void *user; /**< passed back to both hooks */
} cp_storage;

/**
 * Longest blob name, in bytes. A name is 1 to CP_STORE_NAME_MAX characters
 * of ASCII letters, digits, '.', '_' and '-', and does not start with '.'.
 */
#define CP_STORE_NAME_MAX 63

/**
 * Added in 0.2.0: optional storage hooks beside cp_storage (which cannot
 * grow: it sits in the middle of cp_config), in cp_config.storage_ext.
 *
 * - lock(user): take an exclusive lock on the storage, waiting as long as
 *   it takes (another process, or another context, may hold it). Called
 *   when a call enters the context (every call that touches its state,
 *   see "One call at a time" above), before it reads anything; unlock
 *   when it leaves. So load -> decide -> commit of one call is atomic
 *   against every other context that locks the same storage (processes
 *   sharing a state directory). While it holds the lock a context reads
 *   the stored state afresh: it drops what it had cached and first
 *   finishes an interrupted commit another process may have left. When
 *   lock fails, the call does not touch storage and fails with
 *   CP_E_STORAGE (its message gives reason's words).
 * - unlock(user): release it. Never called after a failed lock.
 * - reason(user): the store's words for its last failure ("write: No
 *   space left on device"), or NULL; it goes into the ctx message of a
 *   CP_E_STORAGE failure. May be NULL.
 *
 * Set lock and unlock both or neither. All NULL (the default): no lock;
 * each context then trusts its cache, so only one context (one process)
 * may use a storage at a time. cp_store_file_config() (omacp/store.h)
 * fills these for a directory.
 */
typedef struct cp_storage_ext {
    size_t struct_size; /**< sizeof(cp_storage_ext), or 0 inside a cp_config */
    /** Take the storage's exclusive lock, waiting (see above). */
    cp_status (*lock)(void *user);
    /** Release the lock that lock took. */
    void (*unlock)(void *user);
    /** The store's words for its last failure, or NULL. May be NULL. */
    const char *(*reason)(void *user);
    void *user; /**< passed back to every hook */
} cp_storage_ext;

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
 * zeroes the struct and sets struct_size (and those of limits and
 * storage); then set what you need. Fields are only ever appended, and the
 * library reads only the first struct_size bytes, so a program compiled
 * against an older header keeps working. (0.2.0 gave cp_limits and
 * cp_storage a struct_size of their own, which moved the members after
 * them; the library recognises a 0.1.0 cp_config by its size and reads it
 * in the 0.1.0 layout, so 0.1.0 programs keep working unchanged.)
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
    /**
     * Entries in imsis, 0 to CP_MAX_IMSIS; more, or an entry that is NULL,
     * empty or not all digits, makes cp_ctx_new fail with CP_E_INVALID_ARG.
     */
    size_t n_imsis;
    /** USERPINMAC: fewest PIN digits N accepted (user types 2N); 0 = 5. */
    unsigned int min_pinmac_digits;
    /** CP_AUTH_COMPAT_* bits (omacp/auth.h): non-standard key forms, default none. */
    unsigned int auth_compat;
    /** 1: cp_process_config_xml checks the ProvCont rules first (cp_doc_validate). */
    int strict_validation;
    /* ---- the first layout of cp_config with limits and storage versioned
       (0.2.0) covers the members up to here; struct_size may not be less ---- */
    /**
     * Added in 0.2.0: storage lock and failure reason hooks (all NULL: none).
     * A caller built against 0.1.0 headers gets the defaults.
     */
    cp_storage_ext storage_ext;
} cp_config;

/**
 * Prepare *cfg: zero it, set struct_size (and those of limits and storage).
 * Never fails. A macro: it passes sizeof(cp_config) as this header knows
 * it, so the library writes no byte past the caller's struct whichever
 * release either side is (see cp_config_init_size()).
 */
#define cp_config_init(cfg) cp_config_init_size((cfg), sizeof(cp_config))

/**
 * Prepare the size bytes of *cfg, a cp_config as its caller compiled it:
 * zero them, set struct_size = size and the struct sizes of the members
 * held by value, as far as size covers them. Every versioned struct has
 * such a function; its *_init macro calls it with the caller's sizeof, the
 * way zlib's deflateInit passes sizeof(z_stream). Bindings that describe
 * the structs themselves (ctypes) call it with their own size. NULL: no-op.
 */
CP_EXPORT void cp_config_init_size(cp_config *cfg, size_t size);

/** A library context. Opaque; made by cp_ctx_new(), freed by cp_ctx_free(). */
typedef struct cp_ctx cp_ctx;

/**
 * Create a context from cfg (NULL means all defaults). On success *out owns
 * the new context. Returns CP_E_VERSION when cfg->struct_size is not a size
 * this library knows, CP_E_INVALID_ARG when the allocator hooks are only
 * partly set, CP_E_NOMEM when the allocation fails.
 */
#define cp_ctx_new(cfg, out) \
    cp_ctx_new_version((cfg), (out), CP_VERSION_NUMBER)

/**
 * cp_ctx_new() as a function: header_version is the CP_VERSION_NUMBER of
 * the headers the caller was compiled against (the macro passes it). The
 * structs a call on the context fills for the caller without reading
 * their struct_size (verdicts, push results, policy descriptions, cp_meta
 * from cp_meta_get, cp_ctx_limits) are written in that release's layouts,
 * so a program keeps working with a newer library. (The symbol cp_ctx_new
 * remains for programs built against 0.1.0, whose header had no macro.)
 * Bindings call it with the release whose headers they follow. A
 * header_version below 0.1.0 is CP_E_VERSION.
 */
CP_EXPORT cp_status cp_ctx_new_version(const cp_config *cfg, cp_ctx **out,
                                       unsigned long header_version);

/** Free a context. NULL is a no-op. Documents decoded with it stay valid. */
CP_EXPORT void cp_ctx_free(cp_ctx *ctx);

/**
 * Give back the memory the context keeps for its next document.
 *
 * A context on the C library's allocator (cp_config.allocator all NULL)
 * keeps, as one block, the memory of the largest document freed since
 * the last trim that is at most what the largest document its limits
 * admit may take (max_doc_bytes + 32 B x max_elements + 8 KiB), and the
 * next document decoded, parsed or copied with the context starts in it:
 * repeated calls then fault in no fresh pages. It is freed with the context (or, when documents made with the
 * context outlive it, with the last of them) or by this call. A context
 * with allocator hooks keeps nothing: every block goes back to the host's
 * allocator when its document is freed. Like cp_doc_free(), it may be
 * called from any thread; NULL is a no-op. (Since 0.2.0.)
 */
CP_EXPORT void cp_ctx_trim(cp_ctx *ctx);

/**
 * The limits in force for ctx (defaults filled in), laid out as the
 * release the context's caller was compiled against knows them (see
 * cp_ctx_new_version(): a 0.1.0 program gets the 0.1.0 layout, without
 * struct_size). Valid as long as ctx.
 */
CP_EXPORT const cp_limits *cp_ctx_limits(const cp_ctx *ctx);

/**
 * Allocate and release memory with the context's allocator. Buffers that
 * the library returns to the caller (XML text, WBXML bytes) are freed with
 * cp_free(). cp_free(ctx, NULL) is a no-op.
 */
CP_EXPORT void *cp_alloc(cp_ctx *ctx, size_t n);
/** Release p (from cp_alloc() or handed out by the library); NULL: no-op. */
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
