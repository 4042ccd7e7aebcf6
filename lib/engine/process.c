/*
 * process.c - cp_process_config_xml(): parse -> authorize every node ->
 * apply through the CSPs -> commit, or roll back every CSP that did work in
 * reverse order. The output document echoes the input with queries
 * answered in place and the failing element renamed to its *-error form.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"

/* One old value recorded for external transactioning. */
typedef struct jentry {
    struct jentry *next; /* newest first: rollback order */
    int kind;            /* J_PARM, J_CREATED, J_CHAR */
    const char *path;    /* characteristic path */
    const char *name;    /* parm name (J_PARM) */
    const char *old;     /* old value, NULL if the parm had none */
    int had;             /* J_PARM: the parm existed */
    cp_doc *tree;        /* J_CHAR: the deleted characteristic as queried */
} jentry;

enum { J_PARM = 1, J_CREATED = 2, J_CHAR = 3 };

typedef struct use {
    cp_csp_reg *reg;
    int begun, did_work, committed;
    jentry *journal;
} use;

#define MAX_USES 64

typedef struct walker {
    cp_ctx *ctx;
    cp_engine *e;
    cp_arena ar;            /* everything of this call */
    cp_csp_session s;
    use *uses[MAX_USES];    /* each in ar, made at first use */
    size_t n_uses;
    cp_doc *out;
    unsigned flags;
    int apply;              /* PROCESS without METADATA */
    char path[CP_PATH_MAX + 1];
    size_t plen;
    size_t depth;
    cp_node *fail_node;
    cp_status fail_st;
    char fail_desc[256];
    char *text;             /* the answer, written before the commit */
    size_t text_len;
    /* Path-sized scratch, kept here (heap) so that no frame needs 1 KB of
       stack: authorize's copy of the setting path. */
    char spath[CP_PATH_MAX + 1];
    char cpath[CP_PATH_MAX + 1]; /* a canonical path (canonical()) */
    char tpath[CP_PATH_MAX + 1]; /* tree_walk's path */
    cp_csp_reg *reg;        /* the CSP of the current top-level element */
    unsigned meta_gen;      /* the metabase the pre-pass checked against */
    struct undo_scratch *u; /* made at the first rollback step */
} walker;

/*
 * What only a rollback needs, allocated when one happens: the cookies of
 * enter_path's levels (each level eats at least one octet and a '/'),
 * enter_path's segment and undo_entry's parent path.
 */
typedef struct undo_scratch {
    void *ck[CP_PATH_MAX / 2 + 1];
    char seg[CP_PATH_MAX + 1];
    char parent[CP_PATH_MAX + 1];
} undo_scratch;

static const cp_node_kind error_of[CP_NODE_KIND_COUNT] = {
    CP_NODE_DOC, CP_NODE_CHARACTERISTIC_ERROR, CP_NODE_PARM_ERROR,
    CP_NODE_CHARACTERISTIC_QUERY_ERROR, CP_NODE_PARM_QUERY_ERROR,
    CP_NODE_NOCHARACTERISTIC_ERROR, CP_NODE_NOPARM_ERROR,
    CP_NODE_CHARACTERISTIC_ERROR, CP_NODE_PARM_ERROR,
    CP_NODE_CHARACTERISTIC_QUERY_ERROR, CP_NODE_PARM_QUERY_ERROR,
    CP_NODE_NOCHARACTERISTIC_ERROR, CP_NODE_NOPARM_ERROR};

/* Record the first failure: the element, its status and a reason. */
static cp_status fail(walker *w, cp_node *n, cp_status st, const char *fmt,
                      ...) CP_PRINTF(4, 5);
static cp_status fail(walker *w, cp_node *n, cp_status st, const char *fmt,
                      ...)
{
    va_list ap;
    if (w->fail_node != NULL || w->fail_st != CP_OK)
        return w->fail_st;
    va_start(ap, fmt);
    vsnprintf(w->fail_desc, sizeof w->fail_desc, fmt, ap);
    va_end(ap);
    w->fail_node = n;
    w->fail_st = st;
    return st;
}

/* ---- paths ---------------------------------------------------------------------- */

/* A characteristic's type as CSPs and the metabase see it: a top-level type
   in its registered spelling (routing ignores case, the metabase does not,
   so "host/x" must not escape an entry for "HOST/x"). */
static const char *type_of(walker *w, const cp_node *n)
{
    if (cp_node__at_top(n)) {
        cp_csp_reg *r = cp_engine__find(w->e, n->key);
        if (r != NULL)
            return r->type;
    }
    return n->key;
}

static cp_status path_push(walker *w, cp_node *n, const char *seg)
{
    size_t sl = strlen(seg);
    size_t need = w->plen + (w->plen ? 1 : 0) + sl;
    if (need > CP_PATH_MAX)
        return fail(w, n, CP_E_LIMIT, "setting path longer than %d octets",
                    CP_PATH_MAX);
    if (w->plen)
        w->path[w->plen++] = '/';
    memcpy(w->path + w->plen, seg, sl + 1);
    w->plen += sl;
    return CP_OK;
}

static void path_pop(walker *w, size_t to)
{
    w->plen = to;
    w->path[to] = '\0';
}

/* ---- authorization -------------------------------------------------------------- */

static int parse_i64(const char *s, int64_t *out)
{
    int neg = 0;
    uint64_t v = 0, lim;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (*s == '\0')
        return 0;
    lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        if (v > (lim - (uint64_t)(*s - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = neg ? (v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v)
               : (int64_t)v;
    return 1;
}

static cp_status check_value(walker *w, cp_node *n, const cp_meta *m,
                             const char *spath)
{
    const char *v = n->value ? n->value : "";
    int64_t x;
    if (m->max_length && strlen(v) > m->max_length)
        return fail(w, n, CP_E_BAD_DOC, "value of %s longer than %lu octets",
                    spath, (unsigned long)m->max_length);
    if (m->datatype == CP_DT_BOOLEAN && strcmp(v, "0") != 0 &&
        strcmp(v, "1") != 0 && cp_str__casecmp(v, "true") != 0 &&
        cp_str__casecmp(v, "false") != 0)
        return fail(w, n, CP_E_BAD_DOC, "%s takes a boolean", spath);
    if (m->datatype != CP_DT_INTEGER)
        return CP_OK;
    if (!parse_i64(v, &x))
        return fail(w, n, CP_E_BAD_DOC, "%s takes a decimal integer", spath);
    if ((m->has_min && x < m->min) || (m->has_max && x > m->max))
        return fail(w, n, CP_E_BAD_DOC, "value of %s out of range", spath);
    return CP_OK;
}

/*
 * May the caller touch the setting spath (need)? The entry in force is
 * left in *m (for the value rules). Failures are recorded on element n.
 */
static cp_status allowed(walker *w, cp_node *n, const char *spath,
                         unsigned need, cp_meta *m)
{
    char why[sizeof w->fail_desc];
    cp_status st = cp_meta__check(w->ctx, w->s.roles, spath, need, m, why,
                                  sizeof why);
    if (st == CP_E_ACCESS_DENIED || st == CP_E_CORRUPT)
        return fail(w, n, st, "%s", why);
    return st ? fail(w, n, st, "metabase lookup failed") : CP_OK;
}

/*
 * The canonical path of a setting: path is a characteristic path, name a
 * parm of it or NULL. CP_CANON_MAPPED leaves the canonical path in
 * w->cpath. A CSP without the hook keeps every path as it is.
 */
static int canonical(walker *w, const char *path, const char *name,
                     int request)
{
    if (w->reg == NULL || w->reg->canon == NULL)
        return CP_CANON_SAME;
    return w->reg->canon(w->reg->user, path, name, request, w->cpath,
                         sizeof w->cpath);
}

/*
 * May the caller read (need = CP_RW_READ) or write the setting path/leaf
 * (a parm when is_parm, else a characteristic)? The element is first
 * resolved to its canonical setting: a name the CSP would read as another
 * setting is refused, and a setting reached under another path (Windows
 * Mobile addressing) must be allowed under both.
 */
static cp_status authorize(walker *w, cp_node *n, const char *leaf,
                           int is_parm, unsigned need, int check_val)
{
    char *spath = w->spath;
    size_t base = w->plen;
    cp_meta m;
    cp_status st = path_push(w, n, leaf);
    int c;
    if (st)
        return st;
    memcpy(spath, w->path, w->plen + 1);
    path_pop(w, base);
    c = is_parm ? canonical(w, w->path, leaf, 1)
                : canonical(w, spath, NULL, 1);
    if (c == CP_CANON_ALIAS)
        return fail(w, n, CP_E_BAD_DOC, "%s", w->cpath);
    if ((w->s.roles & CP_ROLE_EXEMPT) && !check_val)
        return CP_OK;
    st = allowed(w, n, spath, need, &m);
    if (!st && c == CP_CANON_MAPPED) /* the value rules of the canonical one */
        st = allowed(w, n, spath = w->cpath, need, &m);
    return st || !check_val ? st : check_value(w, n, &m, spath);
}

/* ---- subtrees -------------------------------------------------------------------- */

/*
 * Check every setting of a tree a CSP described (a characteristic_query
 * answer) below node t, whose setting path is w->tpath[0..plen). need =
 * CP_RW_READ: what the caller may not read is cut out of the answer,
 * visibly (a parm becomes a parm-query-error, a characteristic a
 * characteristic-query-error, each with the reason). CP_RW_WRITE: the
 * first setting the caller may not write fails element req.
 */
static cp_status tree_walk(walker *w, cp_node *req, cp_node *t, size_t plen,
                           unsigned need)
{
    cp_node *c, *next;
    cp_status st = CP_OK;
    char why[200];
    for (c = cp_node__child(t); c != NULL && !st; c = next) {
        int is_parm = c->kind == CP_NODE_PARM, k;
        size_t kl = strlen(c->key);
        next = cp_node__next(c);
        if (!is_parm && c->kind != CP_NODE_CHARACTERISTIC)
            continue;
        if (plen + 1 + kl > CP_PATH_MAX)
            return fail(w, req, CP_E_LIMIT,
                        "setting path longer than %d octets", CP_PATH_MAX);
        w->tpath[plen] = '\0';
        k = is_parm ? canonical(w, w->tpath, c->key, 0) : CP_CANON_SAME;
        w->tpath[plen] = '/';
        memcpy(w->tpath + plen + 1, c->key, kl + 1);
        if (!is_parm)
            k = canonical(w, w->tpath, NULL, 0);
        st = cp_meta__allowed(w->ctx, w->s.roles, w->tpath, need, why,
                              sizeof why);
        if (!st && k == CP_CANON_MAPPED)
            st = cp_meta__allowed(w->ctx, w->s.roles, w->cpath, need, why,
                                  sizeof why);
        if (st == CP_E_ACCESS_DENIED && need == CP_RW_READ) {
            while (cp_node__child(c) != NULL)
                cp_doc__unlink(cp_node__child(c));
            cp_doc__retype(c, is_parm ? CP_NODE_PARM_QUERY_ERROR
                                      : CP_NODE_CHARACTERISTIC_QUERY_ERROR);
            st = cp_doc__set_attr(cp_node__doc(c), c, CP_ATTR_DESC, why,
                                  strlen(why));
            if (st)
                return fail(w, req, st, "cannot build the answer");
            continue;
        }
        if (st == CP_E_ACCESS_DENIED)
            return fail(w, req, st, "%s, and it would be deleted or replaced",
                        why);
        if (st)
            return fail(w, req, st, "metabase lookup failed");
        if (!is_parm)
            st = tree_walk(w, req, c, plen + 1 + kl, need);
    }
    return st;
}

/* tree_walk over each root of tree, all standing for the setting qpath. */
static cp_status tree_check(walker *w, cp_node *req, cp_doc *tree,
                            const char *qpath, unsigned need)
{
    size_t ql = strlen(qpath);
    cp_node *r;
    cp_status st = CP_OK;
    if (w->s.roles & CP_ROLE_EXEMPT)
        return CP_OK;
    for (r = cp_node__child(tree->root); r != NULL && !st; r = cp_node__next(r)) {
        memcpy(w->tpath, qpath, ql + 1);
        st = tree_walk(w, req, r, ql, need);
    }
    return st;
}

/* Pre-pass over one element and its subtree (recursion bounded by max_depth). */
static cp_status pre_node(walker *w, cp_node *n)
{
    size_t base = w->plen;
    unsigned wr = w->apply ? CP_RW_WRITE : CP_RW_READ;
    cp_node *c;
    cp_status st = CP_OK;
    if (++w->depth > w->ctx->limits.max_depth) {
        w->depth--;
        return fail(w, n, CP_E_LIMIT, "nesting deeper than %lu",
                    (unsigned long)w->ctx->limits.max_depth);
    }
    if (cp_node__at_top(n))
        w->reg = cp_engine__find(w->e, n->key);
    if (n->kind >= CP_NODE_CHARACTERISTIC_ERROR)
        st = fail(w, n, CP_E_BAD_DOC, "%s is an answer, not a request",
                  cp_node_kind_name((cp_node_kind)n->kind));
    else if (cp_node__at_top(n) && w->reg == NULL)
        st = fail(w, n, CP_E_NOT_FOUND,
                  "no configuration service provider for %s", n->key);
    if (st) {
        w->depth--;
        return st;
    }
    switch (n->kind) {
    case CP_NODE_CHARACTERISTIC:
        if (cp_node__at_top(n) || cp_node__child(n) != NULL || !w->apply) {
            st = path_push(w, n, type_of(w, n));
            if (!st && !cp_node__at_top(n) &&
                canonical(w, w->path, NULL, 1) == CP_CANON_ALIAS)
                st = fail(w, n, CP_E_BAD_DOC, "%s", w->cpath);
        } else { /* an empty characteristic writes the node itself */
            st = authorize(w, n, type_of(w, n), 0, CP_RW_WRITE, 0);
            if (!st)
                st = path_push(w, n, type_of(w, n));
        }
        for (c = cp_node__child(n); c != NULL && !st; c = cp_node__next(c))
            st = pre_node(w, c);
        path_pop(w, base);
        break;
    case CP_NODE_PARM:
        st = authorize(w, n, n->key, 1, wr, w->apply);
        break;
    case CP_NODE_NOPARM:
        st = authorize(w, n, n->key, 1, wr, 0);
        break;
    case CP_NODE_PARM_QUERY:
        st = authorize(w, n, n->key, 1, CP_RW_READ, 0);
        break;
    case CP_NODE_CHARACTERISTIC_QUERY:
        st = authorize(w, n, type_of(w, n), 0, CP_RW_READ, 0);
        break;
    case CP_NODE_NOCHARACTERISTIC:
        st = authorize(w, n, type_of(w, n), 0, wr, 0);
        break;
    default:
        break;
    }
    w->depth--;
    return st;
}

/* ---- the CSPs of this call -------------------------------------------------------- */

static use *use_of(walker *w, cp_node *n, cp_csp_reg *reg)
{
    size_t i;
    use *u;
    for (i = 0; i < w->n_uses; i++)
        if (w->uses[i]->reg == reg)
            return w->uses[i];
    if (w->n_uses == MAX_USES) {
        fail(w, n, CP_E_LIMIT, "more than %d CSPs in one document", MAX_USES);
        return NULL;
    }
    u = cp_arena__alloc(&w->ar, sizeof *u);
    if (u == NULL) {
        fail(w, n, CP_E_NOMEM, "out of memory");
        return NULL;
    }
    memset(u, 0, sizeof *u);
    u->reg = reg;
    w->uses[w->n_uses++] = u;
    return u;
}

static const char *csp_desc(walker *w, use *u, cp_status st)
{
    const char *d = NULL;
    if (u->reg->ops.error_description != NULL)
        d = u->reg->ops.error_description(u->reg->user, &w->s);
    return d != NULL ? d : cp_strerror(st);
}

/* A handler failed on element n: record it with the CSP's description. */
static cp_status csp_failed(walker *w, use *u, cp_node *n, cp_status st,
                            const char *what)
{
    if (st == CP_E_NOMEM)
        return fail(w, n, st, "out of memory");
    return fail(w, n,
                st == CP_E_ACCESS_DENIED || st == CP_E_BAD_DOC ||
                        st == CP_E_EXISTS || st == CP_E_CORRUPT
                    ? st
                    : CP_E_CSP,
                "%s %s failed: %s", u->reg->type, what, csp_desc(w, u, st));
}

static cp_status unsupported(walker *w, use *u, cp_node *n)
{
    return fail(w, n, CP_E_UNSUPPORTED, "%s does not support %s",
                u->reg->type, cp_node_kind_name((cp_node_kind)n->kind));
}

static int external(const use *u)
{
    return !(u->reg->ops.flags & CP_CSP_INTERNAL_TX) && !u->reg->store_backed;
}

static jentry *journal_add(walker *w, use *u, int kind, const char *name)
{
    jentry *j = cp_arena__alloc(&w->ar, sizeof *j);
    if (j == NULL)
        return NULL;
    memset(j, 0, sizeof *j);
    j->kind = kind;
    j->path = cp_arena__strndup(&w->ar, w->path, w->plen);
    j->name = name ? cp_arena__strndup(&w->ar, name, strlen(name)) : NULL;
    if (j->path == NULL || (name && j->name == NULL))
        return NULL;
    j->next = u->journal;
    u->journal = j;
    return j;
}

/* External transactioning puts old values back through parm. */
static cp_status cannot_restore(walker *w, use *u, cp_node *n)
{
    return fail(w, n, CP_E_CSP,
                "%s keeps no undo and cannot restore values: refused",
                u->reg->type);
}

/* Ask the CSP for a parm's current value (external transactioning). */
static cp_status record_parm(walker *w, use *u, cp_node *n, void *cookie)
{
    jentry *j;
    cp_status st;
    if (!external(u))
        return CP_OK;
    if (u->reg->ops.parm_query == NULL)
        return fail(w, n, CP_E_CSP,
                    "%s keeps no undo and cannot be queried: refused",
                    u->reg->type);
    if (u->reg->ops.parm == NULL)
        return cannot_restore(w, u, n);
    w->s.answered = 0;
    st = u->reg->ops.parm_query(u->reg->user, &w->s, w->path, n->key, cookie);
    if (st != CP_OK && st != CP_E_NOT_FOUND)
        return csp_failed(w, u, n, st, "query of the old value");
    j = journal_add(w, u, J_PARM, n->key);
    if (j == NULL)
        return fail(w, n, CP_E_NOMEM, "out of memory");
    j->had = st == CP_OK;
    if (j->had && w->s.answered) {
        j->old = cp_arena__strndup(&w->ar, (const char *)w->s.answer.p,
                                   w->s.answer.len);
        if (j->old == NULL)
            return fail(w, n, CP_E_NOMEM, "out of memory");
    }
    return CP_OK;
}

/* Run a characteristic_query into a fresh document. */
static cp_status query_tree(walker *w, use *u, const char *path,
                            int recursive, void *cookie, cp_doc **tree)
{
    cp_status st = cp_doc__create(w->ctx, tree);
    if (st)
        return st;
    w->s.emit_doc = *tree;
    w->s.emit_at = (*tree)->root;
    w->s.emit_depth = 0;
    w->s.emit_err = CP_OK;
    st = u->reg->ops.characteristic_query(u->reg->user, &w->s, path,
                                          recursive, cookie);
    if (st == CP_OK && w->s.emit_err != CP_OK)
        st = w->s.emit_err;
    if (st == CP_OK && w->s.emit_depth != 0)
        st = CP_E_CSP; /* an unbalanced answer */
    w->s.emit_doc = NULL;
    if (st) {
        cp_doc_free(*tree);
        *tree = NULL;
    }
    return st;
}

/* ---- applying ------------------------------------------------------------------------ */

static cp_status apply_char(walker *w, use *u, cp_node *n, void *pcookie);

/*
 * The pre-pass checked parm n; check it again only when an earlier element
 * of this document changed the metabase (the Metabase CSP), so that the
 * entries in force at that point apply.
 */
static cp_status recheck(walker *w, cp_node *n, unsigned need, int check_val)
{
    if (w->e->meta_gen == w->meta_gen)
        return CP_OK;
    return authorize(w, n, n->key, 1, need, check_val);
}

static cp_status do_parm(walker *w, use *u, cp_node *n, void *cookie)
{
    cp_status st;
    if (u->reg->ops.parm == NULL)
        return unsupported(w, u, n);
    st = recheck(w, n, CP_RW_WRITE, 1);
    if (!st)
        st = record_parm(w, u, n, cookie);
    if (st)
        return st;
    u->did_work = 1;
    st = u->reg->ops.parm(u->reg->user, &w->s, w->path, n->key, n->value,
                          cookie);
    return st ? csp_failed(w, u, n, st, "parm") : CP_OK;
}

static cp_status do_noparm(walker *w, use *u, cp_node *n, void *cookie)
{
    cp_status st;
    if (u->reg->ops.noparm == NULL)
        return unsupported(w, u, n);
    st = recheck(w, n, CP_RW_WRITE, 0);
    if (!st)
        st = record_parm(w, u, n, cookie);
    if (st)
        return st;
    u->did_work = 1;
    st = u->reg->ops.noparm(u->reg->user, &w->s, w->path, n->key, cookie);
    if (st == CP_E_NOT_FOUND)
        return fail(w, n, CP_E_NOT_FOUND, "%s%s%s does not exist", w->path, w->plen ? "/" : "",
                    n->key);
    return st ? csp_failed(w, u, n, st, "noparm") : CP_OK;
}

static cp_status do_parm_query(walker *w, use *u, cp_node *n, void *cookie)
{
    cp_status st;
    if (u->reg->ops.parm_query == NULL)
        return unsupported(w, u, n);
    w->s.answered = 0;
    st = u->reg->ops.parm_query(u->reg->user, &w->s, w->path, n->key, cookie);
    if (st == CP_E_NOT_FOUND) {
        cp_doc__retype(n, CP_NODE_NOPARM);
        return CP_OK;
    }
    if (st)
        return csp_failed(w, u, n, st, "parm-query");
    cp_doc__retype(n, CP_NODE_PARM);
    if (w->s.answered)
        st = cp_doc__set_attr(w->out, n, CP_ATTR_VALUE,
                              (const char *)w->s.answer.p, w->s.answer.len);
    return st ? fail(w, n, st, "out of memory") : CP_OK;
}

/* Replace a characteristic-query element by what the CSP described. */
static cp_status do_char_query(walker *w, use *u, cp_node *n, void *cookie)
{
    const char *rec = cp_node_attr(n, CP_ATTR_RECURSIVE);
    int recursive = rec == NULL || cp_str__casecmp(rec, "false") != 0;
    size_t base = w->plen;
    cp_doc *tree = NULL;
    cp_node *r;
    cp_status st;
    if (u->reg->ops.characteristic_query == NULL)
        return unsupported(w, u, n);
    st = path_push(w, n, type_of(w, n));
    if (!st)
        st = query_tree(w, u, w->path, recursive, cookie, &tree);
    if (!st) /* only what the caller may read, the rest visibly left out */
        st = tree_check(w, n, tree, w->path, CP_RW_READ);
    path_pop(w, base);
    if (st == CP_E_NOT_FOUND) {
        cp_doc__retype(n, CP_NODE_NOCHARACTERISTIC);
        return CP_OK;
    }
    if (st) {
        cp_doc_free(tree);
        return w->fail_st != CP_OK ? w->fail_st
                                   : csp_failed(w, u, n, st,
                                                "characteristic-query");
    }
    if (cp_node__child(tree->root) == NULL) {
        cp_doc__retype(n, CP_NODE_NOCHARACTERISTIC);
    } else {
        for (r = cp_node__child(tree->root); r != NULL && !st; r = cp_node__next(r))
            st = cp_doc__clone_into(w->out, cp_node__parent(n), n, r, NULL);
        if (!st)
            cp_doc__unlink(n);
    }
    cp_doc_free(tree);
    return st ? fail(w, n, st, "cannot build the answer") : CP_OK;
}

/*
 * Before a characteristic is deleted: the caller must be allowed to write
 * every stored setting under it (read through the CSP's
 * characteristic_query), or, for a CSP that cannot be queried, every
 * metabase entry below it. *tree keeps what was read for external
 * transactioning (NULL when nothing is stored there).
 */
static cp_status nochar_check(walker *w, use *u, cp_node *n, const char *type,
                              void *cookie, cp_doc **tree)
{
    size_t base = w->plen;
    char why[200];
    cp_status st;
    *tree = NULL;
    if (u->reg->ops.characteristic_query == NULL) {
        if (w->s.roles & CP_ROLE_EXEMPT)
            return CP_OK;
        st = path_push(w, n, type);
        if (!st)
            st = cp_meta__below_allowed(w->ctx, w->s.roles, w->path,
                                        CP_RW_WRITE, why, sizeof why);
        path_pop(w, base);
        if (st == CP_E_ACCESS_DENIED)
            return fail(w, n, st, "%s, and it would be deleted", why);
        return st ? fail(w, n, st, "metabase lookup failed") : CP_OK;
    }
    if ((w->s.roles & CP_ROLE_EXEMPT) && !external(u))
        return CP_OK;
    st = path_push(w, n, type);
    if (!st)
        st = query_tree(w, u, w->path, 1, cookie, tree);
    if (!st)
        st = tree_check(w, n, *tree, w->path, CP_RW_WRITE);
    path_pop(w, base);
    if (st == CP_E_NOT_FOUND && w->fail_st == CP_OK)
        return CP_OK; /* the CSP says so when it is asked to delete */
    if (st) {
        cp_doc_free(*tree);
        *tree = NULL;
        return w->fail_st != CP_OK ? w->fail_st
                                   : csp_failed(w, u, n, st,
                                                "query of the old tree");
    }
    return CP_OK;
}

static cp_status do_nochar(walker *w, use *u, cp_node *n, void *cookie)
{
    size_t base = w->plen;
    const char *type = type_of(w, n);
    cp_doc *tree = NULL;
    cp_status st;
    if (u->reg->ops.nocharacteristic == NULL)
        return unsupported(w, u, n);
    st = authorize(w, n, type, 0, CP_RW_WRITE, 0);
    if (st)
        return st;
    if (external(u)) { /* keep the whole subtree to put it back */
        if (u->reg->ops.characteristic_query == NULL)
            return fail(w, n, CP_E_CSP,
                        "%s keeps no undo and cannot be queried: refused",
                        u->reg->type);
        if (u->reg->ops.parm == NULL)
            return cannot_restore(w, u, n);
    }
    st = nochar_check(w, u, n, type, cookie, &tree);
    if (st)
        return st;
    if (external(u)) {
        jentry *j;
        if (tree == NULL)
            return fail(w, n, CP_E_NOT_FOUND, "%s%s%s does not exist",
                        w->path, w->plen ? "/" : "", type);
        j = journal_add(w, u, J_CHAR, NULL);
        if (j == NULL) {
            cp_doc_free(tree);
            return fail(w, n, CP_E_NOMEM, "out of memory");
        }
        j->tree = tree;
    } else {
        cp_doc_free(tree);
    }
    u->did_work = 1;
    st = path_push(w, n, type);
    if (!st)
        st = u->reg->ops.nocharacteristic(u->reg->user, &w->s, w->path,
                                          type, cookie);
    path_pop(w, base);
    if (st == CP_E_NOT_FOUND)
        return fail(w, n, st, "%s%s%s does not exist", w->path, w->plen ? "/" : "", type);
    return st ? csp_failed(w, u, n, st, "nocharacteristic") : CP_OK;
}

static cp_status apply_children(walker *w, use *u, cp_node *n, void *cookie)
{
    cp_node *c = cp_node__child(n), *next;
    cp_status st = CP_OK;
    for (; c != NULL && !st; c = next) {
        next = cp_node__next(c); /* a query answer may replace c */
        switch (c->kind) {
        case CP_NODE_CHARACTERISTIC: st = apply_char(w, u, c, cookie); break;
        case CP_NODE_PARM: st = do_parm(w, u, c, cookie); break;
        case CP_NODE_NOPARM: st = do_noparm(w, u, c, cookie); break;
        case CP_NODE_PARM_QUERY: st = do_parm_query(w, u, c, cookie); break;
        case CP_NODE_CHARACTERISTIC_QUERY:
            st = do_char_query(w, u, c, cookie);
            break;
        case CP_NODE_NOCHARACTERISTIC: st = do_nochar(w, u, c, cookie); break;
        default: st = fail(w, c, CP_E_BAD_DOC, "unexpected element"); break;
        }
    }
    return st;
}

/* External transactioning: note a characteristic that did not exist. */
static cp_status note_created(walker *w, use *u, cp_node *n, void *pcookie)
{
    cp_doc *tree = NULL;
    cp_status st;
    if (!external(u) || u->reg->ops.characteristic_query == NULL ||
        u->reg->ops.nocharacteristic == NULL)
        return CP_OK;
    st = query_tree(w, u, w->path, 0, pcookie, &tree);
    cp_doc_free(tree);
    if (st == CP_OK)
        return CP_OK;
    if (st != CP_E_NOT_FOUND)
        return csp_failed(w, u, n, st, "query before create");
    return journal_add(w, u, J_CREATED, NULL) ? CP_OK
                                               : fail(w, n, CP_E_NOMEM,
                                                      "out of memory");
}

static cp_status apply_char(walker *w, use *u, cp_node *n, void *pcookie)
{
    size_t base = w->plen;
    void *cookie = NULL;
    const char *type = type_of(w, n);
    cp_status st = path_push(w, n, type);
    if (!st)
        st = note_created(w, u, n, pcookie);
    if (!st && u->reg->ops.char_enter != NULL) {
        st = u->reg->ops.char_enter(u->reg->user, &w->s, w->path, type,
                                    pcookie, &cookie);
        if (st)
            st = csp_failed(w, u, n, st, "characteristic");
    }
    if (!st)
        st = apply_children(w, u, n, cookie);
    if (!st && u->reg->ops.char_leave != NULL) {
        st = u->reg->ops.char_leave(u->reg->user, &w->s, w->path, type,
                                    cookie);
        if (st)
            st = csp_failed(w, u, n, st, "characteristic");
    }
    path_pop(w, base);
    return st;
}

static cp_status apply_top(walker *w, cp_node *n)
{
    cp_csp_reg *reg = cp_engine__find(w->e, n->key);
    use *u = use_of(w, n, reg);
    cp_status st;
    w->reg = reg;
    if (u == NULL)
        return w->fail_st;
    if (!u->begun) {
        u->begun = 1;
        if (reg->ops.begin != NULL) {
            st = reg->ops.begin(reg->user, &w->s);
            if (st)
                return csp_failed(w, u, n, st, "begin");
        }
    }
    path_pop(w, 0);
    switch (n->kind) {
    case CP_NODE_CHARACTERISTIC: return apply_char(w, u, n, NULL);
    case CP_NODE_CHARACTERISTIC_QUERY: return do_char_query(w, u, n, NULL);
    case CP_NODE_NOCHARACTERISTIC: return do_nochar(w, u, n, NULL);
    default: return fail(w, n, CP_E_BAD_DOC, "unexpected element");
    }
}

/* ---- rollback and commit --------------------------------------------------------------- */

/* Enter each characteristic of path (fresh cookies); *levels = how many. */
static cp_status enter_path(walker *w, use *u, const char *path,
                            void **cookie, size_t *levels)
{
    size_t i = 0, n = strlen(path);
    void *pc = NULL;
    cp_status st = CP_OK;
    *levels = 0;
    path_pop(w, 0);
    while (i < n && !st) {
        size_t k = i;
        char *seg = w->u->seg;
        if (*levels == sizeof w->u->ck / sizeof w->u->ck[0])
            return CP_E_LIMIT; /* empty segments: never from our paths */
        while (k < n && path[k] != '/')
            k++;
        memcpy(seg, path + i, k - i);
        seg[k - i] = '\0';
        st = path_push(w, NULL, seg);
        if (!st && u->reg->ops.char_enter != NULL) {
            void *c = NULL;
            st = u->reg->ops.char_enter(u->reg->user, &w->s, w->path, seg, pc,
                                        &c);
            pc = c;
        }
        if (!st)
            w->u->ck[(*levels)++] = pc; /* each level eats >= 1 octet + '/' */
        i = k + 1;
    }
    *cookie = pc;
    return st;
}

static cp_status leave_path(walker *w, use *u, size_t levels)
{
    cp_status st = CP_OK;
    while (levels-- > 0) {
        const char *type = strrchr(w->path, '/');
        type = type ? type + 1 : w->path;
        if (u->reg->ops.char_leave != NULL &&
            u->reg->ops.char_leave(u->reg->user, &w->s, w->path, type,
                                   w->u->ck[levels]))
            st = CP_E_ROLLBACK;
        path_pop(w, type == w->path ? 0 : (size_t)(type - w->path - 1));
    }
    return st;
}

/* Re-create a queried subtree below the current path. */
static cp_status replay_tree(walker *w, use *u, const cp_node *n, void *pc)
{
    const cp_node *c;
    void *cookie = NULL;
    size_t base = w->plen;
    cp_status st = path_push(w, NULL, n->key);
    if (!st && u->reg->ops.char_enter != NULL)
        st = u->reg->ops.char_enter(u->reg->user, &w->s, w->path, n->key, pc,
                                    &cookie);
    for (c = cp_node__child(n); c != NULL && !st; c = cp_node__next(c)) {
        if (c->kind == CP_NODE_PARM)
            st = u->reg->ops.parm(u->reg->user, &w->s, w->path, c->key,
                                  c->value, cookie);
        else if (c->kind == CP_NODE_CHARACTERISTIC)
            st = replay_tree(w, u, c, cookie);
    }
    if (!st && u->reg->ops.char_leave != NULL)
        st = u->reg->ops.char_leave(u->reg->user, &w->s, w->path, n->key,
                                    cookie);
    path_pop(w, base);
    return st;
}

static cp_status undo_entry(walker *w, use *u, jentry *j)
{
    void *cookie = NULL;
    size_t levels = 0, i;
    cp_status st, st2;
    if (w->u == NULL) {
        w->u = cp_arena__alloc(&w->ar, sizeof *w->u);
        if (w->u == NULL)
            return CP_E_NOMEM;
    }
    if (j->kind == J_CREATED) {
        /* delete the characteristic: enter its parent, nocharacteristic */
        const char *slash = strrchr(j->path, '/');
        char *parent = w->u->parent;
        size_t pl = slash ? (size_t)(slash - j->path) : 0;
        memcpy(parent, j->path, pl);
        parent[pl] = '\0';
        st = pl ? enter_path(w, u, parent, &cookie, &levels) : CP_OK;
        if (!pl)
            path_pop(w, 0);
        if (!st)
            st = u->reg->ops.nocharacteristic(u->reg->user, &w->s, j->path,
                                              slash ? slash + 1 : j->path,
                                              cookie);
        if (st == CP_E_NOT_FOUND)
            st = CP_OK; /* its char_enter failed before making it */
        st2 = leave_path(w, u, levels);
        return st ? st : st2;
    }
    st = enter_path(w, u, j->path, &cookie, &levels);
    if (!st && j->kind == J_PARM) {
        if (j->had)
            st = u->reg->ops.parm(u->reg->user, &w->s, w->path, j->name,
                                  j->old, cookie);
        else if (u->reg->ops.noparm != NULL)
            st = u->reg->ops.noparm(u->reg->user, &w->s, w->path, j->name,
                                    cookie);
        if (st == CP_E_NOT_FOUND)
            st = CP_OK;
    } else if (!st && j->kind == J_CHAR) {
        const cp_node *r;
        for (r = cp_node__child(j->tree->root); r != NULL && !st; r = cp_node__next(r)) {
            /* the tree's root describes the deleted characteristic itself:
               its parent path is the journal path */
            st = replay_tree(w, u, r, cookie);
        }
        (void)i;
    }
    st2 = leave_path(w, u, levels);
    return st ? st : st2;
}

static cp_status rollback_all(walker *w)
{
    cp_status result = CP_OK;
    size_t i = w->n_uses;
    while (i-- > 0) {
        use *u = w->uses[i];
        if (!u->begun || u->committed)
            continue;
        if (external(u)) {
            jentry *j;
            for (j = u->journal; j != NULL; j = j->next)
                if (undo_entry(w, u, j) != CP_OK)
                    result = CP_E_ROLLBACK;
        } else if (u->reg->ops.rollback != NULL &&
                   u->reg->ops.rollback(u->reg->user, &w->s) != CP_OK) {
            result = CP_E_ROLLBACK;
        }
    }
    cp_store__abort(w->ctx);
    return result;
}

static cp_status commit_all(walker *w)
{
    size_t i;
    cp_status st;
    /* 1. store-backed CSPs stage their blobs */
    for (i = 0; i < w->n_uses; i++) {
        use *u = w->uses[i];
        if (u->reg->store_backed && u->reg->ops.commit != NULL &&
            (st = u->reg->ops.commit(u->reg->user, &w->s)) != CP_OK)
            return fail(w, NULL, st, "%s commit failed: %s", u->reg->type,
                        cp_strerror(st));
    }
    /* 2. every staged blob, atomically */
    st = cp_store__commit(w->ctx);
    if (st)
        return fail(w, NULL, st, "cannot store the new settings: %s",
                    st == CP_E_STORAGE ? cp_ctx_error_message(w->ctx)
                                       : cp_strerror(st));
    for (i = 0; i < w->n_uses; i++)
        if (w->uses[i]->reg->store_backed)
            w->uses[i]->committed = 1;
    /* 3. host CSPs; a failure here leaves earlier commits in place */
    for (i = 0; i < w->n_uses; i++) {
        use *u = w->uses[i];
        if (u->reg->store_backed || !u->begun)
            continue;
        if (u->reg->ops.commit != NULL &&
            (st = u->reg->ops.commit(u->reg->user, &w->s)) != CP_OK) {
            size_t k;
            int partial = 0;
            for (k = 0; k < w->n_uses; k++)
                partial |= w->uses[k]->committed;
            fail(w, NULL, partial ? CP_E_ROLLBACK : CP_E_CSP,
                 "%s commit failed: %s", u->reg->type, csp_desc(w, u, st));
            return w->fail_st;
        }
        u->committed = 1;
    }
    return CP_OK;
}

/* ---- metadata ---------------------------------------------------------------------------- */

static const char *dt_name(cp_datatype d)
{
    switch (d) {
    case CP_DT_INTEGER: return "integer";
    case CP_DT_STRING: return "string";
    case CP_DT_FLOAT: return "float";
    case CP_DT_BOOLEAN: return "boolean";
    case CP_DT_BINARY: return "binary";
    case CP_DT_MULTIPLE_STRING: return "multiplestring";
    case CP_DT_NODE: return "node";
    default: return NULL;
    }
}

static cp_status set_num(cp_doc *d, cp_node *n, cp_attr a, int64_t v)
{
    char b[32];
    int len = snprintf(b, sizeof b, "%lld", (long long)v);
    return cp_doc__set_attr(d, n, a, b, (size_t)len);
}

static cp_status annotate(walker *w, cp_node *n)
{
    size_t base = w->plen;
    cp_node *c;
    cp_status st = CP_OK;
    if (n->kind == CP_NODE_CHARACTERISTIC) {
        st = path_push(w, n, type_of(w, n));
        for (c = cp_node__child(n); c != NULL && !st; c = cp_node__next(c))
            st = annotate(w, c);
        path_pop(w, base);
        return st;
    }
    if (n->kind == CP_NODE_PARM) {
        cp_meta m;
        const char *dt, *spath = w->spath;
        int k = canonical(w, w->path, n->key, 0);
        st = path_push(w, n, n->key);
        if (!st) {
            memcpy(w->spath, w->path, w->plen + 1);
            if (k == CP_CANON_MAPPED) /* the setting's own entry */
                spath = w->cpath;
            st = cp_meta__lookup(w->ctx, spath, &m, NULL);
        }
        path_pop(w, base);
        if (st)
            return fail(w, n, st, "metabase lookup failed");
        /* the parm attributes of the MSPROV DTD (parm Element, 6.5):
           datatype, rw-access, min/max value, maxlength, label, options */
        dt = dt_name(m.datatype);
        if (dt)
            st = cp_doc__set_attr(w->out, n, CP_ATTR_DATATYPE, dt, strlen(dt));
        if (!st)
            st = set_num(w->out, n, CP_ATTR_RW_ACCESS, (int64_t)m.rw);
        if (!st && cp_meta__ui_text(w->ctx, spath, CP_META__UI_LABEL,
                                    w->tpath, sizeof w->tpath))
            st = cp_doc__set_attr(w->out, n, CP_ATTR_LABEL, w->tpath,
                                  strlen(w->tpath));
        if (!st && cp_meta__ui_text(w->ctx, spath, CP_META__UI_OPTIONS,
                                    w->tpath, sizeof w->tpath))
            st = cp_doc__set_attr(w->out, n, CP_ATTR_OPTIONS, w->tpath,
                                  strlen(w->tpath));
        if (!st && m.has_min)
            st = set_num(w->out, n, CP_ATTR_MINVALUE, m.min);
        if (!st && m.has_max)
            st = set_num(w->out, n, CP_ATTR_MAXVALUE, m.max);
        if (!st && m.max_length)
            st = set_num(w->out, n, CP_ATTR_MAXLENGTH, (int64_t)m.max_length);
        if (st)
            return fail(w, n, st, "out of memory");
    }
    return st;
}

/* ---- the call ------------------------------------------------------------------------------- */

static void mark_failure(walker *w)
{
    cp_node *n = w->fail_node;
    char path[CP_ERRPATH_MAX];
    cp_err__set(w->ctx, w->fail_st, CP_NO_OFFSET, "%s", w->fail_desc);
    if (n == NULL || n->kind == CP_NODE_DOC)
        return;
    cp_doc__path(n, path, sizeof path);
    cp_err__set_path(w->ctx, path);
    cp_doc__retype(n, error_of[n->kind]);
    (void)cp_doc__set_attr(w->out, n, CP_ATTR_DESC, w->fail_desc,
                           strlen(w->fail_desc));
}

static cp_status run(walker *w)
{
    cp_node *n, *next;
    cp_status st = CP_OK;
    if (w->ctx->strict_validation && w->apply) {
        const cp_node *bad = NULL;
        char msg[160];
        st = cp_validate__doc(w->ctx, w->out, &bad, msg, sizeof msg);
        if (st)
            return fail(w, (cp_node *)(uintptr_t)bad, st, "%s", msg);
    }
    for (n = cp_node__child(w->out->root); n != NULL && !st; n = cp_node__next(n)) {
        path_pop(w, 0);
        w->depth = 1;
        st = pre_node(w, n);
    }
    if (st)
        return st;
    w->meta_gen = w->e->meta_gen;
    if (!w->apply) {
        if (w->flags & CP_METADATA)
            for (n = cp_node__child(w->out->root); n != NULL && !st; n = cp_node__next(n))
                st = annotate(w, n);
        return st;
    }
    st = cp_store__begin(w->ctx);
    if (st)
        return fail(w, NULL, st, "cannot start a transaction: %s",
                    cp_strerror(st));
    for (n = cp_node__child(w->out->root); n != NULL && !st; n = next) {
        next = cp_node__next(n);
        st = apply_top(w, n);
    }
    if (!st) { /* an answer that cannot be written must not commit */
        st = cp_doc_write_xml(w->ctx, w->out, 0, &w->text, &w->text_len);
        if (st)
            fail(w, NULL, st, "cannot write the output document: %s",
                 cp_strerror(st));
    }
    if (!st)
        st = commit_all(w);
    if (st) {
        cp_status rb = rollback_all(w);
        if (rb != CP_OK) {
            w->fail_st = CP_E_ROLLBACK;
            st = CP_E_ROLLBACK;
        }
    }
    return st;
}

static void free_journals(walker *w)
{
    size_t i;
    for (i = 0; i < w->n_uses; i++) {
        jentry *j;
        for (j = w->uses[i]->journal; j != NULL; j = j->next)
            cp_doc_free(j->tree);
    }
}

static cp_status finish(walker *w, cp_status st, char **out, size_t *out_len)
{
    cp_status wst;
    if (st == CP_OK && w->text != NULL) {
        *out = w->text;
        if (out_len)
            *out_len = w->text_len;
        w->text = NULL;
        return CP_OK;
    }
    cp_mem__free(&w->ctx->alloc, w->text);
    w->text = NULL;
    if (st)
        mark_failure(w);
    wst = cp_doc_write_xml(w->ctx, w->out, 0, out, out_len);
    if (wst != CP_OK) {
        *out = NULL;
        if (out_len)
            *out_len = 0;
        if (st == CP_OK) {
            st = wst; /* applied, but the answer could not be written */
            cp_err__set(w->ctx, st, CP_NO_OFFSET,
                        "applied, but the output document could not be written");
        }
    }
    return st;
}

/* Check the arguments every entry point shares; clears *out. */
static cp_status check_args(cp_ctx *ctx, const void *in, unsigned flags,
                            char **out, size_t *out_len)
{
    if (ctx == NULL || in == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (flags & ~(CP_PROCESS | CP_METADATA))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "unknown flags 0x%x", flags);
    return CP_OK;
}

/* The call proper, on a context this call has entered. */
static cp_status process_entered(cp_ctx *ctx, const cp_doc *doc,
                                 uint32_t roles, unsigned flags, char **out,
                                 size_t *out_len)
{
    walker *w;
    cp_arena ar;
    cp_status st;
    cp_arena__init(&ar, &ctx->alloc, sizeof *w + 2048); /* + journal, paths */
    w = cp_arena__alloc(&ar, sizeof *w);
    if (w == NULL) {
        cp_arena__free(&ar);
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET, "out of memory");
    }
    memset(w, 0, sizeof *w);
    w->ar = ar;
    w->ctx = ctx;
    w->flags = flags;
    w->apply = !(flags & CP_METADATA);
    w->s.ctx = ctx;
    w->s.flags = flags ? flags : CP_PROCESS;
    w->s.base_roles = roles;
    cp_buf__init(&w->s.answer, &ctx->alloc);
    st = cp_engine__get(ctx, &w->e);
    if (!st) {
        /* cp_roles_effective falls back to the default policies when the
           state cannot be loaded: load it here and fail closed instead */
        struct cp_trust_state *ts;
        st = cp_trust__state(ctx, &ts);
    }
    if (!st)
        w->s.roles = cp_roles__effective(ctx, roles);
    if (!st)
        st = cp_doc__clone(ctx, doc, &w->out);
    if (st) {
        if (st == CP_E_NOMEM)
            cp_err__set(ctx, st, CP_NO_OFFSET, "out of memory");
    } else {
        st = run(w);
        st = finish(w, st, out, out_len);
    }
    free_journals(w);
    cp_buf__free(&w->s.answer);
    cp_doc_free(w->out);
    ar = w->ar;
    cp_arena__free(&ar);
    return st;
}

/*
 * Enter ctx first, then decode and process: a context busy in another
 * thread is not touched at all (its error detail belongs to that call).
 */
static cp_status process_input(cp_ctx *ctx, const uint8_t *in, size_t in_len,
                               uint32_t roles, unsigned flags, char **out,
                               size_t *out_len, int wbxml)
{
    cp_doc *doc = NULL;
    cp_status st = check_args(ctx, in, flags, out, out_len);
    if (st)
        return st;
    if (cp_ctx__enter(ctx) != CP_OK)
        return CP_E_BUSY;
    st = wbxml ? cp_doc_decode_wbxml(ctx, in, in_len, &doc)
               : cp_doc_load(ctx, in, in_len, &doc);
    if (!st)
        st = process_entered(ctx, doc, roles, flags, out, out_len);
    cp_doc_free(doc);
    cp_ctx__leave(ctx);
    return st;
}

cp_status cp_engine__process(cp_ctx *ctx, const cp_doc *doc, uint32_t roles,
                             unsigned int flags, char **out, size_t *out_len)
{
    cp_status st = check_args(ctx, doc, flags, out, out_len);
    return st ? st : process_entered(ctx, doc, roles, flags, out, out_len);
}

CP_EXPORT cp_status cp_process_config_doc(cp_ctx *ctx, const cp_doc *doc,
                                          uint32_t roles, unsigned int flags,
                                          char **out, size_t *out_len)
{
    cp_status st = check_args(ctx, doc, flags, out, out_len);
    if (st)
        return st;
    if (cp_ctx__enter(ctx) != CP_OK)
        return CP_E_BUSY;
    st = process_entered(ctx, doc, roles, flags, out, out_len);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_process_config_xml(cp_ctx *ctx, const char *in,
                                          size_t in_len, uint32_t roles,
                                          unsigned int flags, char **out,
                                          size_t *out_len)
{
    return process_input(ctx, (const uint8_t *)in, in_len, roles, flags, out,
                         out_len, 0);
}

CP_EXPORT cp_status cp_process_config_wbxml(cp_ctx *ctx, const uint8_t *in,
                                            size_t in_len, uint32_t roles,
                                            unsigned int flags, char **out,
                                            size_t *out_len)
{
    return process_input(ctx, in, in_len, roles, flags, out, out_len, 1);
}
