/** @file
 * omacp/csp.h - the CSP-author API: writing a configuration service
 * provider (CSP) that cp_process_config_xml routes a top-level
 * characteristic type to, and registering CSPs (host ones and the
 * built-in ones).
 *
 * Stability: weaker than the rest of the public API, as plugin interfaces
 * often are (libgit2 keeps its own under git2/sys/ the same way):
 * - source compatible within a minor release series (x.y.0, x.y.1 ...);
 * - a CSP compiled against an older header keeps working: cp_csp_ops
 *   starts with struct_size, by which the library knows the layout the
 *   CSP was built with;
 * - it may change in a minor release (x.y to x.y+1), always with a line in
 *   the CHANGELOG saying what changed.
 *
 * omacp/engine.h and omacp.h include this header. The processing calls,
 * the metabase and the processing flags cp_csp_flags() reports
 * (CP_PROCESS, CP_METADATA) are declared in omacp/engine.h, under the
 * full promise.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_CSP_H
#define OMACP_CSP_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- configuration service providers ----------------------------------------- */

/** A CSP's view of one cp_process_config_xml call (opaque). */
typedef struct cp_csp_session cp_csp_session;

/** cp_csp_ops.flags: the CSP undoes its own work in rollback (internal
    transactioning). Without it the engine records each old value through
    parm_query before every parm, noparm and nocharacteristic, and restores
    them in reverse order on rollback (external transactioning). */
#define CP_CSP_INTERNAL_TX 0x0001u

/**
 * The operations of a CSP. Every handler may be NULL: the element it would
 * handle is then refused with CP_E_UNSUPPORTED (reported on that element).
 * All strings are NUL-terminated UTF-8 owned by the engine, valid during
 * the call. path is the chain of characteristic types from the CSP's
 * top-level type down to the current characteristic, joined by '/'.
 * Handlers return CP_OK or a negative status; any failure fails the
 * document, which is then rolled back.
 */
typedef struct cp_csp_ops {
    size_t struct_size; /**< sizeof(cp_csp_ops) as the CSP author compiled it */
    unsigned int flags; /**< CP_CSP_INTERNAL_TX */

    /** Start of this CSP's part of a call (before its first node). */
    cp_status (*begin)(void *user, cp_csp_session *s);
    /**
     * Entering a characteristic (also the top-level one). parent_cookie is
     * the cookie of the enclosing characteristic (NULL at the top); *cookie
     * may be set for its children.
     */
    cp_status (*char_enter)(void *user, cp_csp_session *s, const char *path,
                            const char *type, void *parent_cookie,
                            void **cookie);
    /** Leaving a characteristic entered with char_enter. */
    cp_status (*char_leave)(void *user, cp_csp_session *s, const char *path,
                            const char *type, void *cookie);
    /** Set a parm (value may be NULL: a parm without value). */
    cp_status (*parm)(void *user, cp_csp_session *s, const char *path,
                      const char *name, const char *value, void *cookie);
    /** Delete a parm. CP_E_NOT_FOUND if it does not exist. */
    cp_status (*noparm)(void *user, cp_csp_session *s, const char *path,
                        const char *name, void *cookie);
    /**
     * Read a parm: answer with cp_csp_answer(s, value) and return CP_OK, or
     * return CP_E_NOT_FOUND when it does not exist.
     */
    cp_status (*parm_query)(void *user, cp_csp_session *s, const char *path,
                            const char *name, void *cookie);
    /**
     * Delete the characteristic path/type. CP_E_NOT_FOUND if absent.
     * Before it, the engine reads the characteristic through
     * characteristic_query (recursive) to check that the caller may write
     * every setting in it.
     */
    cp_status (*nocharacteristic)(void *user, cp_csp_session *s,
                                  const char *path, const char *type,
                                  void *cookie);
    /**
     * Read the characteristic path/type (path includes type): describe it
     * with cp_csp_emit_enter / cp_csp_emit_parm / cp_csp_emit_leave (the
     * first call describes the characteristic itself), all its levels when
     * recursive, else its parms and its direct child characteristics
     * without their content. CP_E_NOT_FOUND when absent.
     */
    cp_status (*characteristic_query)(void *user, cp_csp_session *s,
                                      const char *path, int recursive,
                                      void *cookie);
    /** The whole document succeeded: make this CSP's work permanent. */
    cp_status (*commit)(void *user, cp_csp_session *s);
    /** The document failed: undo this CSP's work (internal transactioning). */
    cp_status (*rollback)(void *user, cp_csp_session *s);
    /** Text for the desc of the failing element; may return NULL. */
    const char *(*error_description)(void *user, cp_csp_session *s);
} cp_csp_ops;

/**
 * Register a CSP for the top-level characteristic type (matched without
 * regard to case, as Windows Mobile does). ops is copied; user is passed to
 * every handler. CP_E_EXISTS when a CSP holds that type already,
 * CP_E_VERSION for an ops struct_size this library does not know,
 * CP_E_BUSY inside a call.
 */
CP_EXPORT cp_status cp_csp_register(cp_ctx *ctx, const char *type,
                                    const cp_csp_ops *ops, void *user);

/** Remove the CSP of type. CP_E_NOT_FOUND if none, CP_E_BUSY inside a call. */
CP_EXPORT cp_status cp_csp_unregister(cp_ctx *ctx, const char *type);

/** Answer a parm_query (the value is copied). */
CP_EXPORT cp_status cp_csp_answer(cp_csp_session *s, const char *value);
/**
 * characteristic_query output: open a characteristic of type. CP_E_LIMIT
 * when the answer would nest deeper than the ctx's max_depth.
 */
CP_EXPORT cp_status cp_csp_emit_enter(cp_csp_session *s, const char *type);
/** characteristic_query output: a parm (value may be NULL). */
CP_EXPORT cp_status cp_csp_emit_parm(cp_csp_session *s, const char *name,
                                     const char *value);
/** characteristic_query output: close the characteristic opened last. */
CP_EXPORT cp_status cp_csp_emit_leave(cp_csp_session *s);
/** The caller's effective roles in this call. */
CP_EXPORT uint32_t cp_csp_roles(const cp_csp_session *s);
/** The call's flags (CP_PROCESS, CP_METADATA). */
CP_EXPORT unsigned int cp_csp_flags(const cp_csp_session *s);
/** The context of the call (to reach storage, policies, ...). */
CP_EXPORT cp_ctx *cp_csp_ctx(cp_csp_session *s);

/* ---- built-in CSPs -------------------------------------------------------------- */

/**
 * Register the built-in CSPs: SecurityPolicy, BOOTSTRAP, PXLOGICAL,
 * Metabase. (PXPHYSICAL lives inside PXLOGICAL.)
 */
CP_EXPORT cp_status cp_csp_register_builtins(cp_ctx *ctx);

/**
 * Register the generic settings CSP for type: it stores any tree of
 * characteristics and parms under that type through the ctx storage, and
 * answers queries on it. NAPID (NAPDEF), PROXY-ID (PXLOGICAL) and APPID
 * (APPLICATION) identify an existing item, so a second document updates it
 * instead of adding a duplicate; VENDORCONFIG is keyed by NAME. Items are
 * found by hashing (the cost per item does not grow with the items stored)
 * and stored in pages of 8 items ("s.TYPE.N" blobs listed by "s.TYPE"; a
 * type of more than 50 characters keeps one blob "s.TYPE"), so a change
 * rewrites only its pages. type: 1-60 letters, digits, '-', '_' or '.'.
 *
 * The Windows Mobile CSPs a host may run this way (Registry, the CM_*
 * connection-manager CSPs, Bluetooth, BrowserFavorite, Clock, DMAcc,
 * EMAIL2, Sync, TAPI, ...) keep one tree instead of items: a document is
 * merged into it level by level (a characteristic into the stored one of
 * its type, a parm replaces the stored parms of its name), and queries
 * reach any level; a top-level Registry query is refused, as the Registry
 * CSP page documents. A parm given more than once is answered to a
 * parm-query with its values joined by ';' (PXLOGICAL DOMAIN). Default
 * roles: the documented ones (cp_csp_register_builtins), MANAGER for a
 * type Microsoft does not document.
 */
CP_EXPORT cp_status cp_csp_register_settings(cp_ctx *ctx, const char *type);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_CSP_H */
