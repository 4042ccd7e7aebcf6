/*
 * doc_copy.c - copying elements between documents: a subtree cloned into
 * a document (before a sibling or at the end), grafted from another
 * document, or a whole document cloned; strings copied, or borrowed when
 * the source outlives the copy.
 */
#include <string.h>

#include "docint.h"

/* Set attribute a of n to s: a copy, or s itself when borrow is set. */
static cp_status set_from(cp_doc *doc, cp_node *n, cp_attr a, const char *s,
                          int borrow)
{
    return borrow ? cp_doc__set_attr_static(doc, n, a, s)
                  : cp_doc__set_attr(doc, n, a, s, strlen(s));
}

static cp_status copy_attrs(cp_doc *doc, cp_node *dst, const cp_node *src,
                            int borrow)
{
    const cp_xattr *x;
    cp_status st = CP_OK;
    if (src->key)
        st = set_from(doc, dst, cp_doc__key_attr((cp_node_kind)src->kind),
                      src->key,
                      borrow);
    if (!st && src->value && src->kind != CP_NODE_DOC)
        st = set_from(doc, dst, CP_ATTR_VALUE, src->value, borrow);
    for (x = cp_node__xattrs(src); x != NULL && !st; x = x->next)
        st = set_from(doc, dst, (cp_attr)x->id, x->str, borrow);
    if (!st && borrow) /* the same strings: what src knows of them holds */
        dst->flags |= (uint8_t)(src->flags & (dst->key == src->key
                                                  ? CP_NF_KEYLEN : 0u));
    if (!st && borrow && dst->value == src->value)
        dst->flags |= (uint8_t)(src->flags & CP_NF_VALLEN);
    return st;
}

/* Iterative deep copy of src's children under dst. */
static cp_status copy_children(cp_doc *doc, cp_node *dst, const cp_node *src,
                               int borrow)
{
    const cp_node *s = cp_node__child(src);
    cp_node *d = dst;
    while (s != NULL) {
        cp_node *n;
        cp_status st = cp_doc__add(doc, d, (cp_node_kind)s->kind, &n);
        if (!st)
            st = copy_attrs(doc, n, s, borrow);
        if (st)
            return st;
        if (s->child != 0) { /* descend */
            s = cp_node__child(s);
            d = n;
            continue;
        }
        while (s != NULL && s->next == 0 && s != src) { /* climb */
            s = cp_node__parent(s);
            /* d climbs with s from dst, which is at least as deep: it
               cannot run out first (said for the analyzers) */
            d = d != NULL ? cp_node__parent(d) : NULL;
        }
        if (s == NULL || s == src || d == NULL)
            break;
        s = cp_node__next(s);
    }
    return CP_OK;
}

cp_status cp_doc__clone_into(cp_doc *doc, cp_node *parent, cp_node *before,
                             const cp_node *src, cp_node **out)
{
    cp_node *n;
    cp_status st = cp_doc__add(doc, parent, (cp_node_kind)src->kind, &n);
    if (st)
        return st;
    if (before != NULL && before != n && before->parent == n->parent &&
        before->parent != 0) {
        /* move n from the end to just before `before` (a sibling) */
        cp_node *prev = NULL, *c;
        uint32_t bref = cp_node__ref(before);
        cp_doc__unlink(n);
        for (c = cp_node__child(parent); c != NULL && c != before;
             c = cp_node__next(c))
            prev = c;
        n->parent = cp_node__ref(parent);
        n->next = bref;
        if (prev)
            prev->next = cp_node__ref(n);
        else
            parent->child = cp_node__ref(n);
    }
    st = copy_attrs(doc, n, src, 0);
    if (!st)
        st = copy_children(doc, n, src, 0);
    if (out)
        *out = n;
    return st;
}

cp_status cp_doc__graft(cp_doc *doc, cp_node *parent, const cp_node *src)
{
    cp_node *n;
    cp_status st = cp_doc__add(doc, parent, (cp_node_kind)src->kind, &n);
    if (!st)
        st = copy_attrs(doc, n, src, 1);
    if (!st)
        st = copy_children(doc, n, src, 1);
    return st;
}

cp_status cp_doc__clone(cp_ctx *ctx, const cp_doc *src, cp_doc **out)
{
    cp_doc *d;
    cp_status st = cp_doc__create(ctx, &d);
    if (st)
        return st;
    if (d->max_elements < src->count)
        d->max_elements = src->count;
    st = copy_attrs(d, d->root, src->root, 1);
    if (!st)
        st = copy_children(d, d->root, src->root, 1);
    if (st) {
        cp_doc_free(d);
        return st;
    }
    *out = d;
    return CP_OK;
}

/* ---- public reading and building ---------------------------------------- */
