/** @file
 * omacp/engine.h - configuration service providers (CSPs), the metabase,
 * and cp_process_config_xml(): libomacp's DMProcessConfigXML.
 *
 * A host registers one CSP per top-level characteristic type. The engine
 * parses a document, authorizes every node against the metabase with the
 * caller's effective roles, routes each top-level characteristic to its
 * CSP, answers queries in place, and commits the whole document or rolls
 * back every CSP that did work, in reverse order.
 *
 * The CSP-author API (cp_csp_ops, cp_csp_register and the cp_csp_* helper
 * functions) lives in omacp/csp.h, under a weaker stability promise; this
 * header includes it, so code that includes only omacp/engine.h keeps
 * building.
 *
 * Storage: the engine keeps its state in the context's storage
 * (cp_storage) under these blob names, beside the trust floor's:
 * - "metabase": the entries set with cp_meta_set (and by the Metabase
 *   CSP), one blob; the built-in defaults are not stored.
 * - "s.TYPE": a settings CSP of TYPE (cp_csp_register_settings, and the
 *   built-in PXLOGICAL): the header listing its pages, or, for a TYPE of
 *   more than 50 characters, the whole tree as one blob.
 * - "s.TYPE.0", "s.TYPE.1" ...: its pages of 8 stored items each; a commit
 *   rewrites only the pages it changed.
 * The CSP registry itself is not stored: a host registers its CSPs again
 * on every new context.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_ENGINE_H
#define OMACP_ENGINE_H

#include "common.h"
#include "ctx.h"
#include "doc.h"
#include "csp.h"

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

/** rw-access bit: the setting may be read (queried). */
#define CP_RW_READ 0x1u
/** rw-access bit: the setting may be written (set, replaced, deleted). */
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
/** @var cp_meta::has_min
 * 1: min is in force. */
/** @var cp_meta::has_max
 * 1: max is in force. */
/** @var cp_meta::min
 * Smallest integer value accepted, when has_min. */
/** @var cp_meta::max
 * Largest integer value accepted, when has_max. */

/** Prepare *m: MANAGER, read/write, unknown datatype, no bounds. */
#define cp_meta_init(m) cp_meta_init_size((m), sizeof(cp_meta))
/**
 * cp_meta_init() as a function: prepare the size bytes of *m, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_meta_init_size(cp_meta *m, size_t size);

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

#ifdef __cplusplus
}
#endif
#endif /* OMACP_ENGINE_H */
