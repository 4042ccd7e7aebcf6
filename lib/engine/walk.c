/*
 * walk.c - where one call stands in the document: setting paths, their
 * canonical form, and the access checks (the metabase with the caller's
 * effective roles, the value rules), first over the whole document before
 * any CSP runs (the pre-pass), then on the trees CSPs describe.
 */
#include <stdio.h>
#include <string.h>

#include "walk.h"

/* Only the first failure counts: later ones follow from it. */
cp_status (cp_walk__fail)(cp_walker *w, cp_node *n, cp_status st,
                        const char *fmt, ...)
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

/* ---- paths --------------------------------------------------------------- */

/* A characteristic's type as CSPs and the metabase see it: a top-level type
   in its registered spelling (routing ignores case, the metabase does not,
   so "host/x" must not escape an entry for "HOST/x"). */
const char *cp_walk__type_of(cp_walker *w, const cp_node *n)
{
    if (cp_node__at_top(n)) {
        cp_csp_reg *r = cp_engine__find(w->e, n->key);
        if (r != NULL)
            return r->type;
    }
    return n->key;
}

cp_status cp_walk__path_push(cp_walker *w, cp_node *n, const char *seg)
{
    size_t sl = strlen(seg);
    size_t need = w->plen + (w->plen ? 1 : 0) + sl;
    if (need > CP_PATH_MAX)
        return cp_walk__fail(w, n, CP_E_LIMIT,
                             "setting path longer than %d octets", CP_PATH_MAX);
    if (w->plen)
        w->path[w->plen++] = '/';
    memcpy(w->path + w->plen, seg, sl + 1);
    w->plen += sl;
    w->spath_at = 0;
    return CP_OK;
}

void cp_walk__path_pop(cp_walker *w, size_t to)
{
    w->plen = to;
    w->path[to] = '\0';
    w->spath_at = 0;
}

/* ---- authorization ------------------------------------------------------- */

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

static cp_status check_value(cp_walker *w, cp_node *n, const cp_meta *m,
                             const char *spath)
{
    const char *v = n->value ? n->value : "";
    int64_t x;
    if (m->max_length && strlen(v) > m->max_length)
        return cp_walk__fail(w, n, CP_E_BAD_DOC,
                             "value of %s longer than %lu octets", spath,
                             (unsigned long)m->max_length);
    if (m->datatype == CP_DT_BOOLEAN && strcmp(v, "0") != 0 &&
        strcmp(v, "1") != 0 && cp_str__casecmp(v, "true") != 0 &&
        cp_str__casecmp(v, "false") != 0)
        return cp_walk__fail(w, n, CP_E_BAD_DOC, "%s takes a boolean", spath);
    if (m->datatype != CP_DT_INTEGER)
        return CP_OK;
    if (!parse_i64(v, &x))
        return cp_walk__fail(w, n, CP_E_BAD_DOC, "%s takes a decimal integer",
                             spath);
    if ((m->has_min && x < m->min) || (m->has_max && x > m->max))
        return cp_walk__fail(w, n, CP_E_BAD_DOC, "value of %s out of range",
                             spath);
    return CP_OK;
}

/*
 * May the caller touch the setting spath (need)? The entry in force is
 * left in *m (for the value rules). Failures are recorded on element n.
 */
static cp_status allowed(cp_walker *w, cp_node *n, const char *spath,
                         size_t len, unsigned need, cp_meta *m)
{
    char why[sizeof w->fail_desc];
    cp_status st = cp_meta__check_in(w->ctx, w->e, w->s.roles, spath, len,
                                     need, m, why, sizeof why);
    if (st == CP_E_ACCESS_DENIED || st == CP_E_CORRUPT)
        return cp_walk__fail(w, n, st, "%s", why);
    return st ? cp_walk__fail(w, n, st, "metabase lookup failed") : CP_OK;
}

/*
 * allowed() for the next parm of a characteristic whose entry in force
 * the metabase holds (cp_meta__leaf_fast): that entry when the caller
 * may, NULL for the long way (a refusal's reason is made there). The
 * test is cp_meta__check_in's.
 */
static const cp_meta *fast_allowed(cp_walker *w, const char *spath,
                                   size_t len, unsigned need)
{
    /* the prefix that stays: w->path and its separator (none at the top) */
    size_t at = w->plen ? w->plen + 1 : 0;
    const cp_meta *f =
        cp_meta__leaf_fast(w->e, spath, len, at, &w->leaf_seen);
    uint32_t roles = w->s.roles;
    if (f == NULL || (!(roles & CP_ROLE_EXEMPT) &&
                      ((f->rw & need) != need || (roles & f->access_roles) == 0)))
        return NULL;
    return f;
}

/*
 * The canonical path of a setting: path is a characteristic path, name a
 * parm of it or NULL. CP_CANON_MAPPED leaves the canonical path in
 * w->cpath. A CSP without the hook keeps every path as it is.
 */
int cp_walk__canonical(cp_walker *w, const char *path, const char *name,
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
cp_status cp_walk__authorize(cp_walker *w, cp_node *n, const char *leaf,
                             int is_parm, unsigned need, int check_val)
{
    char *spath = w->spath;
    size_t sl = strlen(leaf), sep = w->plen ? 1 : 0, len;
    cp_meta m;
    const cp_meta *mp;
    cp_status st = CP_OK;
    int c;
    /* spath = w->path + '/' + leaf, as cp_walk__path_push would make it */
    if (w->plen + sep + sl > CP_PATH_MAX)
        return cp_walk__fail(w, n, CP_E_LIMIT,
                             "setting path longer than %d octets", CP_PATH_MAX);
    if (w->spath_at != w->plen + 1) { /* else the last parm's prefix */
        memcpy(spath, w->path, w->plen);
        spath[w->plen] = '/';
        w->spath_at = w->plen + 1;
        w->leaf_seen = 0; /* the metabase compares the prefix again */
    }
    memcpy(spath + w->plen + sep, leaf, sl + 1);
    len = w->plen + sep + sl;
    c = is_parm ? cp_walk__canonical(w, w->path, leaf, 1)
                : cp_walk__canonical(w, spath, NULL, 1);
    if (c == CP_CANON_ALIAS)
        return cp_walk__fail(w, n, CP_E_BAD_DOC, "%s", w->cpath);
    if ((w->s.roles & CP_ROLE_EXEMPT) && !check_val)
        return CP_OK;
    mp = fast_allowed(w, spath, len, need); /* the entry itself: no copy */
    if (mp == NULL) {
        st = allowed(w, n, spath, len, need, &m);
        mp = &m;
    }
    if (!st && c == CP_CANON_MAPPED) { /* the value rules of the canonical one */
        st = allowed(w, n, spath = w->cpath, strlen(w->cpath), need, &m);
        mp = &m;
    }
    return st || !check_val ? st : check_value(w, n, mp, spath);
}

/* ---- subtrees ------------------------------------------------------------ */

/*
 * Check every setting of a tree a CSP described (a characteristic_query
 * answer) below node t, whose setting path is w->tpath[0..plen). need =
 * CP_RW_READ: what the caller may not read is cut out of the answer,
 * visibly (a parm becomes a parm-query-error, a characteristic a
 * characteristic-query-error, each with the reason). CP_RW_WRITE: the
 * first setting the caller may not write fails element req.
 */
static cp_status tree_walk(cp_walker *w, cp_node *req, cp_node *t, size_t plen,
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
            return cp_walk__fail(w, req, CP_E_LIMIT,
                                 "setting path longer than %d octets",
                                 CP_PATH_MAX);
        w->tpath[plen] = '\0';
        k = is_parm ? cp_walk__canonical(w, w->tpath, c->key, 0)
                    : CP_CANON_SAME;
        w->tpath[plen] = '/';
        memcpy(w->tpath + plen + 1, c->key, kl + 1);
        if (!is_parm)
            k = cp_walk__canonical(w, w->tpath, NULL, 0);
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
                return cp_walk__fail(w, req, st, "cannot build the answer");
            continue;
        }
        if (st == CP_E_ACCESS_DENIED)
            return cp_walk__fail(w, req, st,
                                 "%s, and it would be deleted or replaced",
                                 why);
        if (st)
            return cp_walk__fail(w, req, st, "metabase lookup failed");
        if (!is_parm)
            st = tree_walk(w, req, c, plen + 1 + kl, need);
    }
    return st;
}

/* tree_walk over each root of tree, all standing for the setting qpath. */
cp_status cp_walk__tree_check(cp_walker *w, cp_node *req, cp_doc *tree,
                              const char *qpath, unsigned need)
{
    size_t ql = strlen(qpath);
    cp_node *r;
    cp_status st = CP_OK;
    if (w->s.roles & CP_ROLE_EXEMPT)
        return CP_OK;
    for (r = cp_node__child(tree->root); r != NULL && !st;
         r = cp_node__next(r)) {
        memcpy(w->tpath, qpath, ql + 1);
        st = tree_walk(w, req, r, ql, need);
    }
    return st;
}

/*
 * Pre-pass over a parm below a characteristic within the depth limit:
 * what pre_node does for it, without the checks that cannot fail there
 * (most elements of a document are such parms).
 */
static cp_status pre_parm(cp_walker *w, cp_node *n, unsigned wr)
{
    return cp_walk__authorize(w, n, n->key, 1, wr, w->apply);
}

/* Pre-pass over one element and its subtree (depth bounded by max_depth). */
static cp_status pre_node(cp_walker *w, cp_node *n)
{
    size_t base = w->plen;
    unsigned wr = w->apply ? CP_RW_WRITE : CP_RW_READ;
    cp_node *c;
    cp_status st = CP_OK;
    int top = cp_node__at_top(n); /* once: it follows the parent link */
    if (++w->depth > w->ctx->limits.max_depth) {
        w->depth--;
        return cp_walk__fail(w, n, CP_E_LIMIT, "nesting deeper than %lu",
                             (unsigned long)w->ctx->limits.max_depth);
    }
    if (top)
        w->reg = cp_engine__find(w->e, n->key);
    if (n->kind >= CP_NODE_CHARACTERISTIC_ERROR)
        st = cp_walk__fail(w, n, CP_E_BAD_DOC, "%s is an answer, not a request",
                           cp_node_kind_name((cp_node_kind)n->kind));
    else if (top && w->reg == NULL)
        st = cp_walk__fail(w, n, CP_E_NOT_FOUND,
                           "no configuration service provider for %s", n->key);
    if (st) {
        w->depth--;
        return st;
    }
    switch (n->kind) {
    case CP_NODE_CHARACTERISTIC:
        if (top || cp_node__child(n) != NULL || !w->apply) {
            st = cp_walk__path_push(w, n, cp_walk__type_of(w, n));
            if (!st && !top &&
                cp_walk__canonical(w, w->path, NULL, 1) == CP_CANON_ALIAS)
                st = cp_walk__fail(w, n, CP_E_BAD_DOC, "%s", w->cpath);
        } else { /* an empty characteristic writes the node itself */
            st = cp_walk__authorize(w, n, cp_walk__type_of(w, n), 0,
                                    CP_RW_WRITE, 0);
            if (!st)
                st = cp_walk__path_push(w, n, cp_walk__type_of(w, n));
        }
        for (c = cp_node__child(n); c != NULL && !st; c = cp_node__next(c))
            st = c->kind == CP_NODE_PARM && w->depth < w->ctx->limits.max_depth
                     ? pre_parm(w, c, wr)
                     : pre_node(w, c);
        cp_walk__path_pop(w, base);
        break;
    case CP_NODE_PARM:
        st = cp_walk__authorize(w, n, n->key, 1, wr, w->apply);
        break;
    case CP_NODE_NOPARM:
        st = cp_walk__authorize(w, n, n->key, 1, wr, 0);
        break;
    case CP_NODE_PARM_QUERY:
        w->has_query = 1; /* answered in place: out must be copied */
        st = cp_walk__authorize(w, n, n->key, 1, CP_RW_READ, 0);
        break;
    case CP_NODE_CHARACTERISTIC_QUERY:
        w->has_query = 1;
        st = cp_walk__authorize(w, n, cp_walk__type_of(w, n), 0, CP_RW_READ, 0);
        break;
    case CP_NODE_NOCHARACTERISTIC:
        st = cp_walk__authorize(w, n, cp_walk__type_of(w, n), 0, wr, 0);
        break;
    default:
        break;
    }
    w->depth--;
    return st;
}

cp_status cp_walk__prepass(cp_walker *w)
{
    cp_node *n;
    cp_status st = CP_OK;
    for (n = cp_node__child(w->out->root); n != NULL && !st;
         n = cp_node__next(n)) {
        cp_walk__path_pop(w, 0);
        w->depth = 1;
        st = pre_node(w, n);
    }
    return st;
}

/* ---- the call's own copy ------------------------------------------------- */

/* The node after n in document order (the whole document), or NULL. */
static cp_node *doc_next(const cp_node *n)
{
    if (cp_node__child(n) != NULL)
        return cp_node__child(n);
    while (n != NULL && cp_node__next(n) == NULL)
        n = cp_node__parent(n);
    return n != NULL ? cp_node__next(n) : NULL;
}

/*
 * The copy has the source's shape node for node in document order, so
 * the failing element is found again by its position (counted once, on a
 * failure only).
 */
static cp_node *same_place(const cp_doc *src, const cp_doc *copy,
                           const cp_node *n)
{
    const cp_node *s = src->root;
    cp_node *c = copy->root;
    while (s != NULL && c != NULL && s != n) {
        s = doc_next(s);
        c = doc_next(c);
    }
    return s == n ? c : NULL;
}

cp_status cp_walk__own(cp_walker *w)
{
    cp_doc *copy = NULL;
    cp_status st;
    if (!w->borrowed)
        return CP_OK;
    st = cp_doc__clone(w->ctx, w->out, &copy);
    if (st)
        return st;
    if (w->fail_node != NULL && cp_node__doc(w->fail_node) == w->out)
        w->fail_node = same_place(w->out, copy, w->fail_node);
    w->out = copy;
    w->borrowed = 0;
    return CP_OK;
}
