/*
 * engine.h - floor 4 internals: the engine state, the CSP registry, the
 * metabase and the per-call session. One call's own state is walk.h's.
 * Not installed.
 */
#ifndef CP_ENGINE_INT_H
#define CP_ENGINE_INT_H

#include "../base/store.h"
#include "../codec/docint.h"
#include "../trust/state.h"
#include "omacp/engine.h"

#define CP_TYPE_MAX 63
#define CP_PATH_MAX 1024

/*
 * Canonical setting paths (built-in CSPs; see walk.c "paths"). Given
 * the characteristic path of an element (types from the top, joined by
 * '/') and a parm name (NULL: the characteristic itself), say whether the
 * setting is known under another path: CP_CANON_SAME, CP_CANON_MAPPED
 * (the canonical path, name included, is in out; both are checked) or,
 * for a request (request = 1), CP_CANON_ALIAS: a spelling the CSP would
 * read as another setting; out holds the reason.
 */
enum { CP_CANON_ALIAS = -1, CP_CANON_SAME = 0, CP_CANON_MAPPED = 1 };
typedef int (*cp_canon_fn)(void *user, const char *path, const char *name,
                           int request, char *out, size_t cap);

/* One registered CSP. */
typedef struct cp_csp_reg {
    char type[CP_TYPE_MAX + 1];
    cp_csp_ops ops;
    void *user;
    int store_backed;            /* built-in: commits by staging blobs */
    void (*user_free)(cp_ctx *, void *user); /* built-ins own their user */
    void (*invalidate)(void *user); /* built-ins: drop caches */
    cp_canon_fn canon;              /* built-ins: canonical paths, or NULL */
} cp_csp_reg;

/* Metabase entry in the hash table. */
typedef struct cp_meta_ent {
    char *path;  /* NULL: empty slot */
    /* path's folded hash and length, kept so a probe rejects a slot
       without touching its path (and grow rehashes without strlen) */
    uint32_t hash;
    size_t len;
    cp_meta m;
    uint8_t tomb; /* removed */
    uint8_t rw_only; /* built-in secret: narrows rw, roles from above */
    uint8_t *ui;     /* localized label/options texts (CP_META__UI_*), or NULL */
    size_t ui_len;
} cp_meta_ent;

typedef struct cp_meta_tab {
    cp_meta_ent *slots;
    size_t cap, used, live;
    /* changes whenever an entry is set, removed or freed (and slots
       move): metabase.c keeps lookup results while it stays */
    unsigned long gen;
    /* a bit per hash of an entry's parent path, set when the entry is
       put, made again when one is removed: a clear bit means no entry
       lies directly below that parent, so a lookup of a leaf there need
       not hash or probe it (metabase.c) */
    uint32_t kids[8];
} cp_meta_tab;

typedef struct cp_engine {
    cp_csp_reg **csps;
    size_t n_csps, cap_csps;
    cp_meta_tab meta;     /* persisted entries (blob "metabase") */
    int meta_loaded;
    int meta_damaged;     /* the stored metabase could not be read: deny */
    cp_meta_tab defaults; /* built-in defaults, not persisted */
    unsigned meta_gen;    /* changes whenever the metabase may have changed */
    struct cp_meta_pcache *pcache; /* metabase.c: prefix hashes, or NULL */
} cp_engine;

/* ---- state.c: the engine state of a ctx ---------------------------------- */

/* The engine state of ctx, made on first use. */
cp_status cp_engine__get(cp_ctx *ctx, cp_engine **out);
/* The engine state of ctx if made yet, else NULL (nothing is made). */
cp_engine *cp_engine__peek(const cp_ctx *ctx);
/* Free one registration (its built-in user first). */
void cp_engine__free_reg(cp_ctx *ctx, cp_csp_reg *r);
/* Free a metabase table's entries; *t is left empty. */
void cp_meta__tab_free(cp_ctx *ctx, cp_meta_tab *t);

/* ---- registry.c: the CSP registry ---------------------------------------- */

/* The CSP registered for type (case-insensitive), or NULL. */
cp_csp_reg *cp_engine__find(cp_engine *e, const char *type);
/* Register with built-in extras. */
cp_status cp_engine__register(cp_ctx *ctx, const char *type,
                              const cp_csp_ops *ops, void *user,
                              int store_backed,
                              void (*user_free)(cp_ctx *, void *),
                              void (*invalidate)(void *));

/* Give the built-in CSP of type its canonical-path hook. */
cp_status cp_engine__set_canon(cp_ctx *ctx, const char *type, cp_canon_fn fn);

/* ---- metabase.c: access control per setting ------------------------------ */

/* (The tables and their blob are meta_table.c's, shared through meta.h.) */

/*
 * May a caller with effective roles touch the setting at path (need =
 * CP_RW_READ or CP_RW_WRITE)? CP_OK, CP_E_ACCESS_DENIED with the reason
 * in why, or a lookup failure. CP_ROLE_EXEMPT always may.
 */
cp_status cp_meta__allowed(cp_ctx *ctx, uint32_t roles, const char *path,
                           unsigned need, char *why, size_t cap);
/*
 * The same for path[0..n), leaving the entry in force in *m (for the value
 * rules); e: the context's engine when the caller holds it (NULL:
 * fetched), so the pre-pass, once a setting, does not look it up. For
 * CP_ROLE_EXEMPT the entry is still looked up (a damaged metabase reads as
 * MANAGER read/write then: the UI may repair the device).
 */
cp_status cp_meta__check_in(cp_ctx *ctx, cp_engine *e, uint32_t roles,
                            const char *path, size_t n, unsigned need,
                            cp_meta *m, char *why, size_t cap);

/*
 * The entry in force for path[0..n) when the metabase already knows it
 * without a lookup: path is one level below the parent it looked up last
 * (spelled alike), and no entry lies directly below that parent. NULL:
 * use cp_meta__check_in. Valid until the next metabase call. *seen: 0,
 * or what the last call left there when path[0..at) is the same octets
 * since (the parent is not compared again); a hit leaves its mark there
 * only when the parent and its separator are path[0..at) (at = 0: never).
 */
const cp_meta *cp_meta__leaf_fast(const cp_engine *e, const char *path,
                                  size_t n, size_t at, unsigned long *seen);

/*
 * The same for every stored setting below the characteristic n, whose
 * setting path is path[0..plen) (path has room for CP_PATH_MAX + 1
 * octets; it is restored before returning): its parms and child
 * characteristics, all levels. Used before a characteristic is deleted
 * or replaced.
 */
cp_status cp_meta__tree_allowed(cp_ctx *ctx, uint32_t roles, char *path,
                                size_t plen, const cp_node *n, unsigned need,
                                char *why, size_t cap);

/*
 * The same for every metabase entry (persisted or built-in) strictly
 * below path: for deleting through a CSP that cannot be queried.
 */
cp_status cp_meta__below_allowed(cp_ctx *ctx, uint32_t roles,
                                 const char *path, unsigned need, char *why,
                                 size_t cap);

/* Metabase lookups (nearest ancestor, then defaults, then MANAGER rw). */
cp_status cp_meta__lookup(cp_ctx *ctx, const char *path, cp_meta *m,
                          int *exact);
/*
 * A built-in default entry (not persisted; these two are meta_table.c's).
 * rw with CP_META__RW_ONLY: the entry only narrows rw (e.g. a write-only
 * secret); the roles and the rest come from the entry in force above it
 * (roles is ignored).
 */
#define CP_META__RW_ONLY 0x100u
/* The datatype of a built-in default entry set before. */
cp_status cp_meta__set_default_type(cp_ctx *ctx, const char *path,
                                    cp_datatype dt);
cp_status cp_meta__set_default(cp_ctx *ctx, const char *path,
                               uint32_t roles, unsigned rw);
/* The rw the built-in defaults alone give path (secrets: write-only). */
cp_status cp_meta__default_rw(cp_ctx *ctx, const char *path, unsigned *rw);
/*
 * The localized texts of an entry (Metabase CSP "label" and "options"
 * characteristics, keyed by language code): a packed list of records
 * kind(1: CP_META__UI_LABEL or _OPTIONS) lang_len(1) lang text_len(2, BE)
 * text. At most CP_META__UI_MAX octets per entry.
 */
#define CP_META__UI_LABEL 1u
#define CP_META__UI_OPTIONS 2u
#define CP_META__UI_MAX 4096u
/* The texts of exactly path (persisted entries only); *ui NULL if none. */
cp_status cp_meta__ui(cp_ctx *ctx, const char *path, const uint8_t **ui,
                      size_t *len);
/*
 * The text of kind (CP_META__UI_LABEL/_OPTIONS) of exactly path's entry,
 * in US English (language 0409) when there is one, else the first given;
 * NUL-terminated into out (cut to cap). 1 when there is one.
 */
int cp_meta__ui_text(cp_ctx *ctx, const char *path, unsigned kind, char *out,
                     size_t cap);
/* Set path's entry and replace its texts with ui[0..len) (len 0: none). */
cp_status cp_meta__put_ui(cp_ctx *ctx, const char *path, const cp_meta *m,
                          const uint8_t *ui, size_t len);
/* Set / remove a persisted entry (staged when a transaction is open). */
cp_status cp_meta__put(cp_ctx *ctx, const char *path, const cp_meta *m);
cp_status cp_meta__del(cp_ctx *ctx, const char *path);

/* ---- the session (registry.c's helpers, the call in process.c) ----------- */

struct cp_csp_session {
    cp_ctx *ctx;
    uint32_t roles;     /* effective */
    uint32_t base_roles;
    unsigned flags;
    /* parm_query answers */
    cp_buf answer;
    int answered;
    /* characteristic_query output */
    cp_doc *emit_doc;
    cp_node *emit_at;     /* the element whose children are being emitted */
    cp_node *emit_parent; /* where new top-level emitted nodes go */
    cp_node *emit_before; /* emitted roots are inserted before this node */
    int emit_depth;
    size_t emitted_roots;
    cp_status emit_err;
};

/* ---- process.c ----------------------------------------------------------- */

/*
 * cp_process_config_doc for a caller that has entered the ctx already
 * (cp_push_process): the same work without the busy check.
 */
cp_status cp_engine__process(cp_ctx *ctx, const cp_doc *doc, uint32_t roles,
                             unsigned int flags, char **out, size_t *out_len);

#endif
