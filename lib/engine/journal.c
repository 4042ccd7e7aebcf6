/*
 * journal.c - the CSPs one call uses: their per-call state, how their
 * failures are reported, the journal of old values kept for CSPs that
 * keep no undo, and the end of the call: commit every CSP, or roll back
 * every one that did work, the last used first.
 */
#include <string.h>

#include "walk.h"

/*
 * What only a rollback needs, allocated when one happens: the cookies of
 * enter_path's levels (each level eats at least one octet and a '/'),
 * enter_path's segment and undo_entry's parent path.
 */
typedef struct cp_undo_scratch {
    void *ck[CP_PATH_MAX / 2 + 1];
    char seg[CP_PATH_MAX + 1];
    char parent[CP_PATH_MAX + 1];
} cp_undo_scratch;

/* ---- the CSPs of this call ----------------------------------------------- */

cp_use *cp_journal__use_of(cp_walker *w, cp_node *n, cp_csp_reg *reg)
{
    size_t i;
    cp_use *u;
    for (i = 0; i < w->n_uses; i++)
        if (w->uses[i]->reg == reg)
            return w->uses[i];
    if (w->n_uses == CP_WALK_MAX_USES) {
        cp_walk__fail(w, n, CP_E_LIMIT, "more than %d CSPs in one document",
                      CP_WALK_MAX_USES);
        return NULL;
    }
    u = cp_arena__alloc(&w->ar, sizeof *u);
    if (u == NULL) {
        cp_walk__fail(w, n, CP_E_NOMEM, "out of memory");
        return NULL;
    }
    memset(u, 0, sizeof *u);
    u->reg = reg;
    w->uses[w->n_uses++] = u;
    return u;
}

static const char *csp_desc(cp_walker *w, cp_use *u, cp_status st)
{
    const char *d = NULL;
    if (u->reg->ops.error_description != NULL)
        d = u->reg->ops.error_description(u->reg->user, &w->s);
    return d != NULL ? d : cp_strerror(st);
}

/* A handler failed on element n: record it with the CSP's description. */
cp_status cp_journal__csp_failed(cp_walker *w, cp_use *u, cp_node *n,
                                 cp_status st, const char *what)
{
    if (st == CP_E_NOMEM)
        return cp_walk__fail(w, n, st, "out of memory");
    return cp_walk__fail(w, n,
                         st == CP_E_ACCESS_DENIED || st == CP_E_BAD_DOC ||
                                 st == CP_E_EXISTS || st == CP_E_CORRUPT
                             ? st
                             : CP_E_CSP,
                         "%s %s failed: %s", u->reg->type, what,
                         csp_desc(w, u, st));
}

int cp_journal__external(const cp_use *u)
{
    return !(u->reg->ops.flags & CP_CSP_INTERNAL_TX) && !u->reg->store_backed;
}

cp_jentry *cp_journal__add(cp_walker *w, cp_use *u, int kind, const char *name)
{
    cp_jentry *j = cp_arena__alloc(&w->ar, sizeof *j);
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
cp_status cp_journal__cannot_restore(cp_walker *w, cp_use *u, cp_node *n)
{
    return cp_walk__fail(w, n, CP_E_CSP,
                         "%s keeps no undo and cannot restore values: refused",
                         u->reg->type);
}

/* Ask the CSP for a parm's current value (external transactioning). */
cp_status cp_journal__record_parm(cp_walker *w, cp_use *u, cp_node *n,
                                  void *cookie)
{
    cp_jentry *j;
    cp_status st;
    if (!cp_journal__external(u))
        return CP_OK;
    if (u->reg->ops.parm_query == NULL)
        return cp_walk__fail(w, n, CP_E_CSP,
                             "%s keeps no undo and cannot be queried: refused",
                             u->reg->type);
    if (u->reg->ops.parm == NULL)
        return cp_journal__cannot_restore(w, u, n);
    w->s.answered = 0;
    st = u->reg->ops.parm_query(u->reg->user, &w->s, w->path, n->key, cookie);
    if (st != CP_OK && st != CP_E_NOT_FOUND)
        return cp_journal__csp_failed(w, u, n, st, "query of the old value");
    j = cp_journal__add(w, u, J_PARM, n->key);
    if (j == NULL)
        return cp_walk__fail(w, n, CP_E_NOMEM, "out of memory");
    j->had = st == CP_OK;
    if (j->had && w->s.answered) {
        j->old = cp_arena__strndup(&w->ar, (const char *)w->s.answer.p,
                                   w->s.answer.len);
        if (j->old == NULL)
            return cp_walk__fail(w, n, CP_E_NOMEM, "out of memory");
    }
    return CP_OK;
}

/* ---- rollback and commit ------------------------------------------------- */

/* Enter each characteristic of path (fresh cookies); *levels = how many. */
static cp_status enter_path(cp_walker *w, cp_use *u, const char *path,
                            void **cookie, size_t *levels)
{
    size_t i = 0, n = strlen(path);
    void *pc = NULL;
    cp_status st = CP_OK;
    *levels = 0;
    cp_walk__path_pop(w, 0);
    while (i < n && !st) {
        size_t k = i;
        char *seg = w->u->seg;
        if (*levels == sizeof w->u->ck / sizeof w->u->ck[0])
            return CP_E_LIMIT; /* empty segments: never from our paths */
        while (k < n && path[k] != '/')
            k++;
        memcpy(seg, path + i, k - i);
        seg[k - i] = '\0';
        st = cp_walk__path_push(w, NULL, seg);
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

static cp_status leave_path(cp_walker *w, cp_use *u, size_t levels)
{
    cp_status st = CP_OK;
    while (levels-- > 0) {
        const char *type = strrchr(w->path, '/');
        type = type ? type + 1 : w->path;
        if (u->reg->ops.char_leave != NULL &&
            u->reg->ops.char_leave(u->reg->user, &w->s, w->path, type,
                                   w->u->ck[levels]))
            st = CP_E_ROLLBACK;
        cp_walk__path_pop(w,
                          type == w->path ? 0 : (size_t)(type - w->path - 1));
    }
    return st;
}

/* Re-create a queried subtree below the current path. */
static cp_status replay_tree(cp_walker *w, cp_use *u, const cp_node *n,
                             void *pc)
{
    const cp_node *c;
    void *cookie = NULL;
    size_t base = w->plen;
    cp_status st = cp_walk__path_push(w, NULL, n->key);
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
    cp_walk__path_pop(w, base);
    return st;
}

static cp_status undo_entry(cp_walker *w, cp_use *u, cp_jentry *j)
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
            cp_walk__path_pop(w, 0);
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
        for (r = cp_node__child(j->tree->root); r != NULL && !st;
             r = cp_node__next(r)) {
            /* the tree's root describes the deleted characteristic itself:
               its parent path is the journal path */
            st = replay_tree(w, u, r, cookie);
        }
        (void)i;
    }
    st2 = leave_path(w, u, levels);
    return st ? st : st2;
}

cp_status cp_journal__rollback(cp_walker *w)
{
    cp_status result = CP_OK;
    size_t i = w->n_uses;
    while (i-- > 0) {
        cp_use *u = w->uses[i];
        if (!u->begun || u->committed)
            continue;
        if (cp_journal__external(u)) {
            cp_jentry *j;
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

cp_status cp_journal__commit(cp_walker *w)
{
    size_t i;
    cp_status st;
    /* 1. store-backed CSPs stage their blobs */
    for (i = 0; i < w->n_uses; i++) {
        cp_use *u = w->uses[i];
        if (u->reg->store_backed && u->reg->ops.commit != NULL &&
            (st = u->reg->ops.commit(u->reg->user, &w->s)) != CP_OK)
            return cp_walk__fail(w, NULL, st, "%s commit failed: %s",
                                 u->reg->type, cp_strerror(st));
    }
    /* 2. every staged blob, atomically */
    st = cp_store__commit(w->ctx);
    if (st)
        return cp_walk__fail(w, NULL, st, "cannot store the new settings: %s",
                             st == CP_E_STORAGE ? cp_ctx_error_message(w->ctx)
                                                : cp_strerror(st));
    for (i = 0; i < w->n_uses; i++)
        if (w->uses[i]->reg->store_backed)
            w->uses[i]->committed = 1;
    /* 3. host CSPs; a failure here leaves earlier commits in place */
    for (i = 0; i < w->n_uses; i++) {
        cp_use *u = w->uses[i];
        if (u->reg->store_backed || !u->begun)
            continue;
        if (u->reg->ops.commit != NULL &&
            (st = u->reg->ops.commit(u->reg->user, &w->s)) != CP_OK) {
            size_t k;
            int partial = 0;
            for (k = 0; k < w->n_uses; k++)
                partial |= w->uses[k]->committed;
            cp_walk__fail(w, NULL, partial ? CP_E_ROLLBACK : CP_E_CSP,
                          "%s commit failed: %s", u->reg->type,
                          csp_desc(w, u, st));
            return w->fail_st;
        }
        u->committed = 1;
    }
    return CP_OK;
}

void cp_journal__free(cp_walker *w)
{
    size_t i;
    for (i = 0; i < w->n_uses; i++) {
        cp_jentry *j;
        for (j = w->uses[i]->journal; j != NULL; j = j->next)
            cp_doc_free(j->tree);
    }
}
