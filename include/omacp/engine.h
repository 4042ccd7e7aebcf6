/*
 * omacp/engine.h - configuration service providers (CSPs), the metabase,
 * and cp_process_config_xml(): libomacp's DMProcessConfigXML.
 *
 * A host registers one CSP per top-level characteristic type. The engine
 * parses a document, authorizes every node against the metabase with the
 * caller's effective roles, routes each top-level characteristic to its
 * CSP, answers queries in place, and commits the whole document or rolls
 * back every CSP that did work, in reverse order.
 *
 * The CSP-author part of this header (cp_csp_ops and the cp_csp_* helper
 * functions) may still grow; it is versioned by struct_size.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_ENGINE_H
#define OMACP_ENGINE_H

#include "common.h"
#include "ctx.h"
#include "doc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- processing ----------------------------------------------------------- */

/** Apply the document (CFGFLAG_PROCESS). */
#define CP_PROCESS 0x0001u
/** Return each parm's metabase attributes; change nothing (CFGFLAG_METADATA). */
#define CP_METADATA 0x0002u

/**
 * Process a provisioning document (XML text, or WBXML: detected from the
 * first octet as cp_doc_load does) on behalf of a caller holding roles
 * (base roles: the grant policies 4119/4120 are applied here; a source's
 * roles come from cp_source_roles() or the OTA verdict).
 *
 * flags: CP_PROCESS, CP_METADATA, or both (METADATA wins: nothing is
 * changed). 0 behaves as CP_PROCESS.
 *
 * *out receives the output document as canonical XML (NUL-terminated, freed
 * with cp_free): the input echoed, each parm-query answered in place by a
 * parm with its value (or a noparm when missing), each characteristic-query
 * by the characteristics it found (or a nocharacteristic), and on failure
 * the failing element renamed to its *-error form with a desc. A
 * characteristic-query answer holds only what the caller may read: a parm
 * it may not read comes back as a parm-query-error (name and desc, never
 * the value), a characteristic as a characteristic-query-error, and the
 * call still succeeds.
 *
 * Every element is first resolved to its canonical setting path; the
 * metabase, the CSP and the output use that one path. A name a built-in
 * CSP would read as another setting is refused on its element with
 * CP_E_BAD_DOC, never mapped: a SecurityPolicy id not written as plain
 * decimal ("04141", "+4141", " 4141"), a PROV type or parm name in other
 * capitals under a settings CSP of a PROV type ("authsecret" in NAPDEF;
 * PROV names are case-sensitive; names PROV does not define, and every
 * name under another type such as Registry, are kept as written). An item
 * addressed by its identity (Windows Mobile addressing, "NAPDEF/N1/NAME")
 * must be allowed under that path and under the item's own ("NAPDEF/NAME").
 * Deleting a characteristic (nocharacteristic) or replacing a stored child
 * characteristic of a settings item needs write access to every stored
 * setting in it: the engine reads it first through the CSP's
 * characteristic_query (or, for a CSP without one, checks every metabase
 * entry below it), and one protected setting fails the element and the
 * document. These rules hold for every role; only CP_ROLE_EXEMPT (the UI)
 * is exempt from access checks. *out is also
 * set on most failures (NULL only when the input could not be parsed or
 * memory ran out).
 *
 * Returns CP_OK when everything was applied; otherwise nothing was applied
 * (all or nothing) and the status says why: CP_E_ACCESS_DENIED, CP_E_BAD_DOC
 * (a valid document that is not a valid request, or a ProvCont violation in
 * strict mode), a decoding error (CP_E_XML, CP_E_GRAMMAR, ...), CP_E_CSP (a
 * CSP failed; a CSP's CP_E_ACCESS_DENIED, CP_E_BAD_DOC, CP_E_EXISTS, e.g.
 * a second bootstrap, and CP_E_CORRUPT, stored state that cannot be read,
 * come back as they are), CP_E_NOT_FOUND (no CSP for a
 * type, or a deleted item that does not exist), CP_E_ROLLBACK (a
 * rollback failed: settings may be inconsistent), CP_E_BUSY (the context
 * is inside another call; nothing is recorded in the ctx then, since the
 * other call owns it), CP_E_NOMEM, CP_E_STORAGE (the settings could not
 * be stored or the state read: not applied; when the message says the
 * commit is pending, only its journal was stored and the next call on the
 * storage finishes it), and CP_E_UNSUPPORTED for XML
 * text in a build without the XML front end (NO_XML).
 */
CP_EXPORT cp_status cp_process_config_xml(cp_ctx *ctx, const char *in,
                                          size_t in_len, uint32_t roles,
                                          unsigned int flags, char **out,
                                          size_t *out_len);

/** The WBXML twin: the input is a WBXML document; the output is XML text. */
CP_EXPORT cp_status cp_process_config_wbxml(cp_ctx *ctx, const uint8_t *in,
                                            size_t in_len, uint32_t roles,
                                            unsigned int flags, char **out,
                                            size_t *out_len);

/** The same on a document already decoded (not modified). */
CP_EXPORT cp_status cp_process_config_doc(cp_ctx *ctx, const cp_doc *doc,
                                          uint32_t roles, unsigned int flags,
                                          char **out, size_t *out_len);

/* ---- the metabase ------------------------------------------------------------
 * Access control per setting, keyed by setting path: the characteristic
 * types from the top down and the parm name, joined by '/', e.g.
 * "SecurityPolicy/4097" or "NAPDEF/INTERNET". Paths are compared without
 * regard to ASCII case. A lookup takes the most specific entry that covers
 * the path (exact path, then each shorter prefix), among the entries set
 * with cp_meta_set and the built-in defaults together (an entry set with
 * cp_meta_set wins a tie), then MANAGER read/write.
 *
 * Built-in defaults (cp_csp_register_builtins): the default roles of each
 * built-in CSP, and the passwords and keys of the PROV characteristics are
 * write-only (rw-access 2) for every source but the UI:
 * NAPDEF/NAPAUTHINFO/AUTHSECRET, NAPDEF/WLAN/WPA-PRES-KEY-ASC and -HEX,
 * NAPDEF/WLAN/WEPKEY/DATA, NAPDEF/WLAN/EAP/PASSWORD,
 * PXLOGICAL/PXAUTHINFO/PXAUTH-PW (also under PXPHYSICAL),
 * PXLOGICAL/BASAUTH-PW, PXLOGICAL/PROXY-PW and AAUTHSECRET / AAUTHDATA of
 * APPLICATION/APPAUTH and APPLICATION/RESOURCE. Such a default only takes
 * READ away: who may write the secret is whoever may write the
 * characteristic above it. An entry on the secret's own path (cp_meta_set)
 * replaces it; an entry on an ancestor does not.
 */

/** rw-access bits. */
#define CP_RW_READ 0x1u
#define CP_RW_WRITE 0x2u

/** Metabase datatypes (Windows Mobile CFG_DATATYPE values). */
typedef enum cp_datatype {
    CP_DT_INTEGER = 0,
    CP_DT_STRING = 1,
    CP_DT_FLOAT = 2,
    CP_DT_BOOLEAN = 5,
    CP_DT_BINARY = 6,
    CP_DT_MULTIPLE_STRING = 7,
    CP_DT_NODE = 8,
    CP_DT_UNKNOWN = 10
} cp_datatype;

/** One metabase entry. */
typedef struct cp_meta {
    size_t struct_size;     /**< sizeof(cp_meta), set by cp_meta_init */
    uint32_t access_roles;  /**< roles that may touch the setting (AND rule) */
    unsigned int rw;        /**< CP_RW_READ | CP_RW_WRITE */
    cp_datatype datatype;   /**< value type, CP_DT_UNKNOWN: not checked */
    int has_min, has_max;   /**< integer bounds in force */
    int64_t min, max;       /**< integer bounds */
    size_t max_length;      /**< longest value in octets, 0: no limit */
} cp_meta;

/** Prepare *m: MANAGER, read/write, unknown datatype, no bounds. */
CP_EXPORT void cp_meta_init(cp_meta *m);

/**
 * Set the entry for path (host side: no role check). Persisted with the
 * device state. CP_E_INVALID_ARG for an empty path or bad fields.
 */
CP_EXPORT cp_status cp_meta_set(cp_ctx *ctx, const char *path,
                                const cp_meta *m);

/**
 * The entry in force for path (nearest ancestor, CSP default, MANAGER).
 * *exact (may be NULL) is 1 when path itself has an entry.
 */
CP_EXPORT cp_status cp_meta_get(cp_ctx *ctx, const char *path, cp_meta *m,
                                int *exact);

/**
 * Remove the entry of exactly path. CP_E_NOT_FOUND if none. cp_meta_set,
 * cp_meta_get and cp_meta_remove return CP_E_BUSY inside another call on
 * ctx (also from a CSP callback), touching nothing.
 */
CP_EXPORT cp_status cp_meta_remove(cp_ctx *ctx, const char *path);

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
#endif /* OMACP_ENGINE_H */
