/*
 * apply.c - handing each element of the document to the CSP of its
 * top-level characteristic: parms, deletions and queries, with the checks
 * only the CSP's stored state can answer (what a deletion would remove)
 * and the old values journaled for CSPs that keep no undo.
 */
#include <string.h>

#include "walk.h"

static cp_status unsupported(cp_walker *w, cp_use *u, cp_node *n)
{
    return cp_walk__fail(w, n, CP_E_UNSUPPORTED, "%s does not support %s",
                         u->reg->type,
                         cp_node_kind_name((cp_node_kind)n->kind));
}

/* Run a characteristic_query into a fresh document. */
static cp_status query_tree(cp_walker *w, cp_use *u, const char *path,
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

static cp_status apply_char(cp_walker *w, cp_use *u, cp_node *n, void *pcookie);

/*
 * The pre-pass checked parm n; check it again only when an earlier element
 * of this document changed the metabase (the Metabase CSP), so that the
 * entries in force at that point apply.
 */
static cp_status recheck(cp_walker *w, cp_node *n, unsigned need, int check_val)
{
    if (w->e->meta_gen == w->meta_gen)
        return CP_OK;
    return cp_walk__authorize(w, n, n->key, 1, need, check_val);
}

static cp_status do_parm(cp_walker *w, cp_use *u, cp_node *n, void *cookie)
{
    cp_status st;
    if (u->reg->ops.parm == NULL)
        return unsupported(w, u, n);
    st = recheck(w, n, CP_RW_WRITE, 1);
    if (!st)
        st = cp_journal__record_parm(w, u, n, cookie);
    if (st)
        return st;
    u->did_work = 1;
    st = u->reg->ops.parm(u->reg->user, &w->s, w->path, n->key, n->value,
                          cookie);
    return st ? cp_journal__csp_failed(w, u, n, st, "parm") : CP_OK;
}

static cp_status do_noparm(cp_walker *w, cp_use *u, cp_node *n, void *cookie)
{
    cp_status st;
    if (u->reg->ops.noparm == NULL)
        return unsupported(w, u, n);
    st = recheck(w, n, CP_RW_WRITE, 0);
    if (!st)
        st = cp_journal__record_parm(w, u, n, cookie);
    if (st)
        return st;
    u->did_work = 1;
    st = u->reg->ops.noparm(u->reg->user, &w->s, w->path, n->key, cookie);
    if (st == CP_E_NOT_FOUND)
        return cp_walk__fail(w, n, CP_E_NOT_FOUND, "%s%s%s does not exist",
                             w->path, w->plen ? "/" : "", n->key);
    return st ? cp_journal__csp_failed(w, u, n, st, "noparm") : CP_OK;
}

static cp_status do_parm_query(cp_walker *w, cp_use *u, cp_node *n,
                               void *cookie)
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
        return cp_journal__csp_failed(w, u, n, st, "parm-query");
    cp_doc__retype(n, CP_NODE_PARM);
    if (w->s.answered)
        st = cp_doc__set_attr(w->out, n, CP_ATTR_VALUE,
                              (const char *)w->s.answer.p, w->s.answer.len);
    return st ? cp_walk__fail(w, n, st, "out of memory") : CP_OK;
}

/* Replace a characteristic-query element by what the CSP described. */
static cp_status do_char_query(cp_walker *w, cp_use *u, cp_node *n,
                               void *cookie)
{
    const char *rec = cp_node_attr(n, CP_ATTR_RECURSIVE);
    int recursive = rec == NULL || cp_str__casecmp(rec, "false") != 0;
    size_t base = w->plen;
    cp_doc *tree = NULL;
    cp_node *r;
    cp_status st;
    if (u->reg->ops.characteristic_query == NULL)
        return unsupported(w, u, n);
    st = cp_walk__path_push(w, n, cp_walk__type_of(w, n));
    if (!st)
        st = query_tree(w, u, w->path, recursive, cookie, &tree);
    if (!st) /* only what the caller may read, the rest visibly left out */
        st = cp_walk__tree_check(w, n, tree, w->path, CP_RW_READ);
    cp_walk__path_pop(w, base);
    if (st == CP_E_NOT_FOUND) {
        cp_doc__retype(n, CP_NODE_NOCHARACTERISTIC);
        return CP_OK;
    }
    if (st) {
        cp_doc_free(tree);
        if (w->fail_st != CP_OK)
            return w->fail_st;
        return cp_journal__csp_failed(w, u, n, st, "characteristic-query");
    }
    if (cp_node__child(tree->root) == NULL) {
        cp_doc__retype(n, CP_NODE_NOCHARACTERISTIC);
    } else {
        for (r = cp_node__child(tree->root); r != NULL && !st;
             r = cp_node__next(r))
            st = cp_doc__clone_into(w->out, cp_node__parent(n), n, r, NULL);
        if (!st)
            cp_doc__unlink(n);
    }
    cp_doc_free(tree);
    return st ? cp_walk__fail(w, n, st, "cannot build the answer") : CP_OK;
}

/*
 * Before a characteristic is deleted: the caller must be allowed to write
 * every stored setting under it (read through the CSP's
 * characteristic_query), or, for a CSP that cannot be queried, every
 * metabase entry below it. *tree keeps what was read for external
 * transactioning (NULL when nothing is stored there).
 */
static cp_status nochar_check(cp_walker *w, cp_use *u, cp_node *n,
                              const char *type, void *cookie, cp_doc **tree)
{
    size_t base = w->plen;
    char why[200];
    cp_status st;
    *tree = NULL;
    if (u->reg->ops.characteristic_query == NULL) {
        if (w->s.roles & CP_ROLE_EXEMPT)
            return CP_OK;
        st = cp_walk__path_push(w, n, type);
        if (!st)
            st = cp_meta__below_allowed(w->ctx, w->s.roles, w->path,
                                        CP_RW_WRITE, why, sizeof why);
        cp_walk__path_pop(w, base);
        if (st == CP_E_ACCESS_DENIED)
            return cp_walk__fail(w, n, st, "%s, and it would be deleted", why);
        return st ? cp_walk__fail(w, n, st, "metabase lookup failed") : CP_OK;
    }
    if ((w->s.roles & CP_ROLE_EXEMPT) && !cp_journal__external(u))
        return CP_OK;
    st = cp_walk__path_push(w, n, type);
    if (!st)
        st = query_tree(w, u, w->path, 1, cookie, tree);
    if (!st)
        st = cp_walk__tree_check(w, n, *tree, w->path, CP_RW_WRITE);
    cp_walk__path_pop(w, base);
    if (st == CP_E_NOT_FOUND && w->fail_st == CP_OK)
        return CP_OK; /* the CSP says so when it is asked to delete */
    if (st) {
        cp_doc_free(*tree);
        *tree = NULL;
        if (w->fail_st != CP_OK)
            return w->fail_st;
        return cp_journal__csp_failed(w, u, n, st, "query of the old tree");
    }
    return CP_OK;
}

static cp_status do_nochar(cp_walker *w, cp_use *u, cp_node *n, void *cookie)
{
    size_t base = w->plen;
    const char *type = cp_walk__type_of(w, n);
    cp_doc *tree = NULL;
    cp_status st;
    if (u->reg->ops.nocharacteristic == NULL)
        return unsupported(w, u, n);
    st = cp_walk__authorize(w, n, type, 0, CP_RW_WRITE, 0);
    if (st)
        return st;
    if (cp_journal__external(u)) { /* keep the whole subtree to put it back */
        if (u->reg->ops.characteristic_query == NULL)
            return cp_walk__fail(
                w, n, CP_E_CSP,
                "%s keeps no undo and cannot be queried: refused",
                u->reg->type);
        if (u->reg->ops.parm == NULL)
            return cp_journal__cannot_restore(w, u, n);
    }
    st = nochar_check(w, u, n, type, cookie, &tree);
    if (st)
        return st;
    if (cp_journal__external(u)) {
        cp_jentry *j;
        if (tree == NULL)
            return cp_walk__fail(w, n, CP_E_NOT_FOUND, "%s%s%s does not exist",
                                 w->path, w->plen ? "/" : "", type);
        j = cp_journal__add(w, u, J_CHAR, NULL);
        if (j == NULL) {
            cp_doc_free(tree);
            return cp_walk__fail(w, n, CP_E_NOMEM, "out of memory");
        }
        j->tree = tree;
    } else {
        cp_doc_free(tree);
    }
    u->did_work = 1;
    st = cp_walk__path_push(w, n, type);
    if (!st)
        st = u->reg->ops.nocharacteristic(u->reg->user, &w->s, w->path,
                                          type, cookie);
    cp_walk__path_pop(w, base);
    if (st == CP_E_NOT_FOUND)
        return cp_walk__fail(w, n, st, "%s%s%s does not exist", w->path,
                             w->plen ? "/" : "", type);
    return st ? cp_journal__csp_failed(w, u, n, st, "nocharacteristic") : CP_OK;
}

static cp_status apply_children(cp_walker *w, cp_use *u, cp_node *n,
                                void *cookie)
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
        default:
            st = cp_walk__fail(w, c, CP_E_BAD_DOC, "unexpected element");
            break;
        }
    }
    return st;
}

/* External transactioning: note a characteristic that did not exist. */
static cp_status note_created(cp_walker *w, cp_use *u, cp_node *n,
                              void *pcookie)
{
    cp_doc *tree = NULL;
    cp_status st;
    if (!cp_journal__external(u) || u->reg->ops.characteristic_query == NULL ||
        u->reg->ops.nocharacteristic == NULL)
        return CP_OK;
    st = query_tree(w, u, w->path, 0, pcookie, &tree);
    cp_doc_free(tree);
    if (st == CP_OK)
        return CP_OK;
    if (st != CP_E_NOT_FOUND)
        return cp_journal__csp_failed(w, u, n, st, "query before create");
    if (cp_journal__add(w, u, J_CREATED, NULL) == NULL)
        return cp_walk__fail(w, n, CP_E_NOMEM, "out of memory");
    return CP_OK;
}

static cp_status apply_char(cp_walker *w, cp_use *u, cp_node *n, void *pcookie)
{
    size_t base = w->plen;
    void *cookie = NULL;
    const char *type = cp_walk__type_of(w, n);
    cp_status st = cp_walk__path_push(w, n, type);
    if (!st)
        st = note_created(w, u, n, pcookie);
    if (!st && u->reg->ops.char_enter != NULL) {
        st = u->reg->ops.char_enter(u->reg->user, &w->s, w->path, type,
                                    pcookie, &cookie);
        if (st)
            st = cp_journal__csp_failed(w, u, n, st, "characteristic");
    }
    if (!st)
        st = apply_children(w, u, n, cookie);
    if (!st && u->reg->ops.char_leave != NULL) {
        st = u->reg->ops.char_leave(u->reg->user, &w->s, w->path, type,
                                    cookie);
        if (st)
            st = cp_journal__csp_failed(w, u, n, st, "characteristic");
    }
    cp_walk__path_pop(w, base);
    return st;
}

cp_status cp_apply__top(cp_walker *w, cp_node *n)
{
    cp_csp_reg *reg = cp_engine__find(w->e, n->key);
    cp_use *u = cp_journal__use_of(w, n, reg);
    cp_status st;
    w->reg = reg;
    if (u == NULL)
        return w->fail_st;
    if (!u->begun) {
        u->begun = 1;
        if (reg->ops.begin != NULL) {
            st = reg->ops.begin(reg->user, &w->s);
            if (st)
                return cp_journal__csp_failed(w, u, n, st, "begin");
        }
    }
    cp_walk__path_pop(w, 0);
    switch (n->kind) {
    case CP_NODE_CHARACTERISTIC: return apply_char(w, u, n, NULL);
    case CP_NODE_CHARACTERISTIC_QUERY: return do_char_query(w, u, n, NULL);
    case CP_NODE_NOCHARACTERISTIC: return do_nochar(w, u, n, NULL);
    default: return cp_walk__fail(w, n, CP_E_BAD_DOC, "unexpected element");
    }
}
