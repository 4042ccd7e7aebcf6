/*
 * settings_merge.c - a pending item of the generic settings CSP merged into
 * the stored items at the end of its top-level characteristic: checked
 * (identity present, APPLICATION APPID known), matched to the stored item
 * it updates, and merged into it (parms by name, characteristics by type;
 * tree types level by level), or stored as a new item.
 */
#include <stdio.h>
#include <string.h>

#include "settings.h"

/* 1 when appid is an APPLICATION APPID this library knows. */
static int known_appid(const char *appid)
{
    /* ProvCont / OMNA application ids (protocol.md b.8) */
    static const char *const ids[] = {"w2", "w4", "w5", "w7", "wA",
                                      "DL", "ap0004", "ap0005", "25",
                                      "110", "143"};
    size_t i;
    if (appid == NULL)
        return 0;
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (strcmp(ids[i], appid) == 0)
            return 1;
    return 0;
}

/*
 * One element's copy as parent's last child in d, its strings copied into
 * d's arena (the pending item borrows the call's): what
 * cp_doc__clone_into does, with key and value stored in place as the model
 * keeps them (a pending element passed the grammar already, so its copy
 * may carry what it carries). The xattrs, rare, go the long way.
 */
static cp_status copy_one(cp_doc *d, cp_node *parent, const cp_node *src,
                          cp_node **out)
{
    const cp_xattr *x;
    cp_status e = CP_OK;
    /* cp_doc__add without its checks: the stored document has no element
       limit (settings_page.c) and the copy repeats a grammatical tree */
    cp_node *n = cp_doc__append(d, parent, (cp_node_kind)src->kind);
    if (n == NULL)
        return CP_E_NOMEM;
    *out = n;
    if (src->key != NULL && (n->key = cp_arena__strndup(
                                 &d->arena, src->key, strlen(src->key))) == NULL)
        return CP_E_NOMEM;
    if (src->value != NULL &&
        (n->value = cp_arena__strndup(&d->arena, src->value,
                                      strlen(src->value))) == NULL)
        return CP_E_NOMEM;
    x = (src->flags & CP_NF_XATTR) ? cp_node__xattrs(src) : NULL;
    for (; x != NULL && !e; x = x->next)
        e = cp_doc__set_attr(d, n, (cp_attr)x->id, x->str, strlen(x->str));
    return e;
}

/* A copy of src and everything under it as parent's last child in d
   (iterative: the walk climbs back by the parents). */
static cp_status copy_tree(cp_doc *d, cp_node *parent, const cp_node *src,
                           cp_node **out)
{
    const cp_node *s = src;
    cp_node *n = NULL, *top = NULL;
    cp_status e = CP_OK;
    while (!e) {
        e = copy_one(d, parent, s, &n);
        if (top == NULL)
            top = n;
        if (e)
            break;
        if (cp_node__child(s) != NULL) { /* descend */
            s = cp_node__child(s);
            parent = n;
            continue;
        }
        while (s != src && cp_node__next(s) == NULL) { /* climb */
            s = cp_node__parent(s);
            /* parent climbs with s from the copy's top, as deep as s
               below src: it cannot run out first (said for the analyzers) */
            parent = parent != NULL ? cp_node__parent(parent) : NULL;
        }
        if (s == src || parent == NULL)
            break;
        s = cp_node__next(s);
    }
    if (out != NULL)
        *out = top;
    return e;
}

/* Parm forms replace parms by name, characteristic forms by type. */
static int rclass(int kind)
{
    if (kind == CP_NODE_PARM || kind == CP_NODE_NOPARM)
        return 1;
    if (kind == CP_NODE_CHARACTERISTIC || kind == CP_NODE_NOCHARACTERISTIC)
        return 2;
    return 0;
}

static uint32_t rhash(const cp_node *n)
{
    return cp_set__fnv((uint32_t)rclass(n->kind), n->key);
}

/* The names src replaces, by hash: a table of cap slots (a power of 2). */
typedef struct nset {
    ient *t;
    size_t cap;
} nset;

static int nset_has(const nset *ns, const cp_node *src, const cp_node *c)
{
    const cp_node *x;
    int cls = rclass(c->kind);
    size_t i;
    if (cls == 0)
        return 0;
    if (ns->t == NULL) { /* a small src: scan it */
        for (x = cp_node__child(src); x != NULL; x = cp_node__next(x))
            if (rclass(x->kind) == cls && strcmp(x->key, c->key) == 0)
                return 1;
        return 0;
    }
    for (i = rhash(c) & (ns->cap - 1); ns->t[i].n != NULL;
         i = (i + 1) & (ns->cap - 1))
        if (rclass(ns->t[i].n->kind) == cls &&
            strcmp(ns->t[i].n->key, c->key) == 0)
            return 1;
    return 0;
}

#define NSET_SCAN 8 /* up to this many children, a scan beats a table */

static cp_status nset_make(settings *st, const cp_node *src, nset *ns)
{
    const cp_node *x;
    size_t n = 0;
    ns->t = NULL;
    ns->cap = 0;
    for (x = cp_node__child(src); x != NULL; x = cp_node__next(x))
        n++;
    if (n <= NSET_SCAN)
        return CP_OK;
    ns->cap = 16;
    while (ns->cap < n * 2) {
        if (ns->cap > (size_t)-1 / 4 / sizeof *ns->t)
            return CP_E_NOMEM;
        ns->cap *= 2;
    }
    ns->t = cp_mem__alloc(&st->ctx->alloc, ns->cap * sizeof *ns->t);
    if (ns->t == NULL)
        return CP_E_NOMEM;
    memset(ns->t, 0, ns->cap * sizeof *ns->t);
    for (x = cp_node__child(src); x != NULL; x = cp_node__next(x))
        if (rclass(x->kind) != 0)
            cp_set__ix_put(ns->t, ns->cap, rhash(x), (cp_node *)x);
    return CP_OK;
}

/*
 * A stored child characteristic c of an item that a document replaces or
 * deletes: the caller must be allowed to write every setting in it, as if
 * it were deleted by name.
 */
static cp_status may_replace(settings *st, cp_csp_session *s,
                             const cp_node *c)
{
    size_t tl = strlen(st->type), kl = strlen(c->key);
    uint32_t roles = cp_csp_roles(s);
    char *path;
    cp_status e;
    if (roles & CP_ROLE_EXEMPT)
        return CP_OK;
    if (tl + 1 + kl > CP_PATH_MAX)
        return CP_E_LIMIT;
    path = cp_mem__alloc(&st->ctx->alloc, CP_PATH_MAX + 1);
    if (path == NULL)
        return CP_E_NOMEM;
    memcpy(path, st->type, tl);
    path[tl] = '/';
    memcpy(path + tl + 1, c->key, kl + 1);
    e = cp_meta__allowed(st->ctx, roles, path, CP_RW_WRITE, st->err,
                         sizeof st->err);
    if (!e)
        e = cp_meta__tree_allowed(st->ctx, roles, path, tl + 1 + kl, c,
                                  CP_RW_WRITE, st->err, sizeof st->err);
    cp_mem__free(&st->ctx->alloc, path);
    return e;
}

/*
 * A tree type (a Windows Mobile CSP hosted generically: Registry,
 * CM_GPRSEntries): src is merged into dst level by level, as a registry
 * is written: a parm replaces the stored parms of its name, a
 * characteristic is merged into the stored one of its type (made when
 * missing), noparm and nocharacteristic delete. dst_path is dst's setting
 * path (for the write check of what a nocharacteristic deletes).
 */
static cp_status merge_deep(settings *st, cp_csp_session *ss, cp_node *dst,
                            const cp_node *src, int depth)
{
    const cp_node *s;
    cp_status e = CP_OK;
    if (depth > MAX_FRAMES)
        return CP_E_LIMIT;
    for (s = cp_node__child(src); s != NULL && !e; s = cp_node__next(s)) {
        cp_node *c, *next, *d;
        if (s->kind == CP_NODE_PARM || s->kind == CP_NODE_NOPARM) {
            for (c = cp_node__child(dst); c != NULL; c = next) {
                next = cp_node__next(c);
                if (c->kind == CP_NODE_PARM && strcmp(c->key, s->key) == 0)
                    cp_doc__unlink(c);
            }
            if (s->kind == CP_NODE_PARM)
                e = copy_tree(st->doc, dst, s, NULL);
        } else if (s->kind == CP_NODE_NOCHARACTERISTIC) {
            while ((d = cp_set__child_char(dst, s->key)) != NULL)
                cp_doc__unlink(d); /* the engine checked what it deletes */
        } else if (s->kind == CP_NODE_CHARACTERISTIC) {
            d = cp_set__child_char(dst, s->key);
            if (d == NULL)
                e = copy_tree(st->doc, dst, s, NULL);
            else
                e = merge_deep(st, ss, d, s, depth + 1);
        }
    }
    return e;
}

/* Apply the pending item src onto the stored item dst. */
static cp_status merge(settings *st, cp_csp_session *ss, cp_node *dst,
                       const cp_node *src)
{
    cp_node *c, *next;
    const cp_node *s;
    nset ns;
    cp_status e = nset_make(st, src, &ns);
    if (e)
        return e;
    for (c = cp_node__child(dst); c != NULL && !e; c = cp_node__next(c))
        if (c->kind == CP_NODE_CHARACTERISTIC && nset_has(&ns, src, c))
            e = may_replace(st, ss, c);
    for (c = cp_node__child(dst); c != NULL && !e; c = next) { /* drop what src replaces or deletes */
        next = cp_node__next(c);
        if (nset_has(&ns, src, c))
            cp_doc__unlink(c);
    }
    cp_mem__free(&st->ctx->alloc, ns.t);
    if (e)
        return e;
    for (s = cp_node__child(src); s != NULL && !e; s = cp_node__next(s))
        if (s->kind == CP_NODE_PARM || s->kind == CP_NODE_CHARACTERISTIC)
            e = copy_tree(st->doc, dst, s, NULL);
    return e;
}

cp_status cp_set__commit_item(settings *st, cp_csp_session *s, cp_node *p)
{
    const char *k = st->key;
    cp_node *c;
    cp_status e;
    if (k != NULL && cp_set__parm_value(p, k) == NULL) {
        snprintf(st->err, sizeof st->err, "%s without %s", st->type, k);
        return CP_E_BAD_DOC;
    }
    if (st->is_app && !known_appid(cp_set__parm_value(p, "APPID"))) {
        snprintf(st->err, sizeof st->err, "unknown APPLICATION APPID %.60s",
                 cp_set__parm_value(p, "APPID"));
        return CP_E_BAD_DOC;
    }
    st->dirty = 1;
    c = cp_set__item_like(st, p);
    if (c != NULL) {
        cp_set__touch(st, c);
        return st->tree ? merge_deep(st, s, c, p, 1) : merge(st, s, c, p);
    }
    e = copy_tree(st->doc, st->doc->root, p, &c);
    if (!e)
        e = cp_set__page_add(st, c, 1);
    return e ? e : cp_set__ix_add(st, c);
}
