/*
 * engine.h - floor 4 internals: the CSP registry, the metabase and the
 * per-call session. Not installed.
 */
#ifndef CP_ENGINE_INT_H
#define CP_ENGINE_INT_H

#include "../base/store.h"
#include "../codec/docint.h"
#include "../trust/state.h"
#include "omacp/engine.h"

#define CP_TYPE_MAX 63
#define CP_PATH_MAX 1024

/* One registered CSP. */
typedef struct cp_csp_reg {
    char type[CP_TYPE_MAX + 1];
    cp_csp_ops ops;
    void *user;
    int store_backed;            /* built-in: commits by staging blobs */
    void (*user_free)(cp_ctx *, void *user); /* built-ins own their user */
    void (*invalidate)(void *user); /* built-ins: drop caches */
} cp_csp_reg;

/* Metabase entry in the hash table. */
typedef struct cp_meta_ent {
    char *path;  /* NULL: empty slot */
    cp_meta m;
    uint8_t tomb; /* removed */
} cp_meta_ent;

typedef struct cp_meta_tab {
    cp_meta_ent *slots;
    size_t cap, used, live;
} cp_meta_tab;

typedef struct cp_engine {
    cp_csp_reg **csps;
    size_t n_csps, cap_csps;
    cp_meta_tab meta;     /* persisted entries (blob "metabase") */
    int meta_loaded;
    cp_meta_tab defaults; /* built-in defaults, not persisted */
    int validate;         /* CP_VALIDATE_* */
} cp_engine;

/* The engine state of ctx, made on first use. */
cp_status cp_engine__get(cp_ctx *ctx, cp_engine **out);
/* The CSP registered for type (case-insensitive), or NULL. */
cp_csp_reg *cp_engine__find(cp_engine *e, const char *type);
/* Register with built-in extras. */
cp_status cp_engine__register(cp_ctx *ctx, const char *type,
                              const cp_csp_ops *ops, void *user,
                              int store_backed,
                              void (*user_free)(cp_ctx *, void *),
                              void (*invalidate)(void *));

/* Metabase lookups (nearest ancestor, then defaults, then MANAGER rw). */
cp_status cp_meta__lookup(cp_ctx *ctx, const char *path, cp_meta *m,
                          int *exact);
/* A built-in default entry (not persisted). */
cp_status cp_meta__set_default(cp_ctx *ctx, const char *path,
                               uint32_t roles, unsigned rw);
/* Set / remove a persisted entry (staged when a transaction is open). */
cp_status cp_meta__put(cp_ctx *ctx, const char *path, const cp_meta *m);
cp_status cp_meta__del(cp_ctx *ctx, const char *path);
void cp_meta__tab_free(cp_ctx *ctx, cp_meta_tab *t);

/* Per-call state of one CSP. */
typedef struct cp_csp_use {
    cp_csp_reg *reg;
    int begun;
    int did_work;
    cp_doc *journal; /* external transactioning: old values, in order */
    struct cp_csp_use *next;
} cp_csp_use;

struct cp_csp_session {
    cp_ctx *ctx;
    uint32_t roles;     /* effective */
    uint32_t base_roles;
    unsigned flags;
    cp_csp_use *use;    /* the CSP being called */
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

/*
 * cp_process_config_doc for a caller that has entered the ctx already
 * (cp_push_process): the same work without the busy check.
 */
cp_status cp_engine__process(cp_ctx *ctx, const cp_doc *doc, uint32_t roles,
                             unsigned int flags, char **out, size_t *out_len);

/* ProvCont validation: CP_OK, or CP_E_BAD_DOC with the element and a reason. */
cp_status cp_validate__doc(cp_ctx *ctx, const cp_doc *doc, const cp_node **bad,
                           char *msg, size_t cap);

#endif
