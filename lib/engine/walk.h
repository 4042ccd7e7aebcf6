/*
 * walk.h - floor 4 internals of one cp_process_config_xml call, shared by
 * the files that carry it out. Not installed.
 *
 * process.c   the entry points and the call's order of work
 * walk.c      setting paths, their canonical form, access checks, the
 *             pre-pass over the document
 * apply.c     handing each element to its CSP
 * journal.c   the CSPs the call uses: failures, the journal of old
 *             values, commit, rollback in reverse order
 * annotate.c  the output document: metadata attributes, the failing
 *             element renamed to its *-error form with the reason
 */
#ifndef CP_WALK_H
#define CP_WALK_H

#include "engine.h"

/* One old value recorded for external transactioning. */
typedef struct cp_jentry {
    struct cp_jentry *next; /* newest first: rollback order */
    int kind;            /* J_PARM, J_CREATED, J_CHAR */
    const char *path;    /* characteristic path */
    const char *name;    /* parm name (J_PARM) */
    const char *old;     /* old value, NULL if the parm had none */
    int had;             /* J_PARM: the parm existed */
    cp_doc *tree;        /* J_CHAR: the deleted characteristic as queried */
} cp_jentry;

enum { J_PARM = 1, J_CREATED = 2, J_CHAR = 3 };

/* One CSP this call has used. */
typedef struct cp_use {
    cp_csp_reg *reg;
    int begun, did_work, committed;
    cp_jentry *journal;
} cp_use;

#define CP_WALK_MAX_USES 64

/* The state of one call. */
typedef struct cp_walker {
    cp_ctx *ctx;
    cp_engine *e;
    cp_arena ar;            /* everything of this call */
    cp_csp_session s;
    cp_use *uses[CP_WALK_MAX_USES]; /* each in ar, made at first use */
    size_t n_uses;
    /*
     * The document the call answers in. While borrowed it is the caller's
     * own (const) document, read only: the engine copies it (cp_walk__own)
     * only before it changes it (a query answered in place, metadata, the
     * failing element marked), so the common call copies nothing.
     */
    cp_doc *out;
    int borrowed;           /* out is the caller's: never written, not freed */
    int has_query;          /* the pre-pass met a query: apply writes out */
    unsigned flags;
    int apply;              /* PROCESS without METADATA */
    char path[CP_PATH_MAX + 1];
    size_t plen;
    size_t depth;
    cp_node *fail_node;
    cp_status fail_st;
    char fail_desc[256];
    char *text;             /* the answer, written before the commit */
    int no_answer;          /* out == NULL: no output document asked */
    size_t text_len;
    /* Path-sized scratch, kept here (heap) so that no frame needs 1 KB of
       stack: cp_walk__authorize's copy of the setting path. */
    char spath[CP_PATH_MAX + 1];
    /* plen + 1 when spath already begins with path[0..plen) and its
       separator (the next parm of the same characteristic copies only its
       name); 0: not. cp_walk__path_push and _pop clear it. */
    size_t spath_at;
    /* cp_meta__leaf_fast's mark of the last parm it served under this
       prefix, whose parent was this prefix (0: none); cleared whenever
       the prefix is written again */
    unsigned long leaf_seen;
    char cpath[CP_PATH_MAX + 1]; /* a canonical path (cp_walk__canonical) */
    char tpath[CP_PATH_MAX + 1]; /* tree_walk's path */
    cp_csp_reg *reg;        /* the CSP of the current top-level element */
    unsigned meta_gen;      /* the metabase the pre-pass checked against */
    struct cp_undo_scratch *u; /* made at the first rollback step */
} cp_walker;

/* ---- walk.c -------------------------------------------------------------- */

/* Record the first failure: the element, its status and a reason. */
cp_status cp_walk__fail(cp_walker *w, cp_node *n, cp_status st,
                        const char *fmt, ...) CP_PRINTF(4, 5);
#if defined(CP_TERSE) && CP_TERSE
#define cp_walk__fail(w, n, st, ...) \
    ((void)sizeof(cp_err__fmt(__VA_ARGS__)), \
     (cp_walk__fail)((w), (n), (st), "%s", cp_strerror(st)))
#endif
/* A characteristic's type as CSPs and the metabase see it. */
const char *cp_walk__type_of(cp_walker *w, const cp_node *n);
/* Append seg to w->path (CP_E_LIMIT, recorded on n, past CP_PATH_MAX). */
cp_status cp_walk__path_push(cp_walker *w, cp_node *n, const char *seg);
/* Cut w->path back to to octets. */
void cp_walk__path_pop(cp_walker *w, size_t to);
/* The canonical path of a setting (CP_CANON_*; a mapped one in w->cpath). */
int cp_walk__canonical(cp_walker *w, const char *path, const char *name,
                       int request);
/*
 * May the caller read (need = CP_RW_READ) or write the setting
 * w->path/leaf (a parm when is_parm)? check_val: the value rules too.
 */
cp_status cp_walk__authorize(cp_walker *w, cp_node *n, const char *leaf,
                             int is_parm, unsigned need, int check_val);
/* Check a queried tree standing for the setting qpath (see walk.c). */
cp_status cp_walk__tree_check(cp_walker *w, cp_node *req, cp_doc *tree,
                              const char *qpath, unsigned need);
/* The pre-pass: every element of w->out checked before any CSP runs. */
cp_status cp_walk__prepass(cp_walker *w);
/*
 * Make w->out the call's own copy before it is changed (no-op when it is
 * already); w->fail_node follows to the copy. CP_E_NOMEM: still borrowed.
 */
cp_status cp_walk__own(cp_walker *w);

/* ---- apply.c ------------------------------------------------------------- */

/* Hand the top-level element n and everything in it to its CSP. */
cp_status cp_apply__top(cp_walker *w, cp_node *n);

/* ---- journal.c ----------------------------------------------------------- */

/* The per-call state of reg, made at its first use (NULL: failure noted). */
cp_use *cp_journal__use_of(cp_walker *w, cp_node *n, cp_csp_reg *reg);
/* A handler failed on element n: record it with the CSP's description. */
cp_status cp_journal__csp_failed(cp_walker *w, cp_use *u, cp_node *n,
                                 cp_status st, const char *what);
/* 1 when the engine keeps the CSP's undo (external transactioning). */
int cp_journal__external(const cp_use *u);
/* A new journal entry of kind at w->path (NULL: out of memory). */
cp_jentry *cp_journal__add(cp_walker *w, cp_use *u, int kind,
                           const char *name);
/* Refuse element n: the CSP cannot put old values back. */
cp_status cp_journal__cannot_restore(cp_walker *w, cp_use *u, cp_node *n);
/* Journal the current value of parm n before it is changed. */
cp_status cp_journal__record_parm(cp_walker *w, cp_use *u, cp_node *n,
                                  void *cookie);
/* Commit every CSP used (store-backed ones first, atomically). */
cp_status cp_journal__commit(cp_walker *w);
/* Undo every CSP that did work, the last used first. */
cp_status cp_journal__rollback(cp_walker *w);
/* Free the trees the journals keep. */
void cp_journal__free(cp_walker *w);

/* ---- annotate.c ---------------------------------------------------------- */

/* CP_METADATA: give every parm of w->out its metabase attributes. */
cp_status cp_annotate__metadata(cp_walker *w);
/*
 * Hand the answer over: the text written before the commit, or w->out
 * written now with the failure (st) marked on its element.
 */
cp_status cp_annotate__finish(cp_walker *w, cp_status st, char **out,
                              size_t *out_len);

#endif
