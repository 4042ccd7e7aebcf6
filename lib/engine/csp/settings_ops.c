/*
 * settings_ops.c - the generic settings CSP's handlers: a call's
 * characteristics become pending items (merged at their end) or, through
 * Windows Mobile addressing, reach a stored item directly; parm-query and
 * characteristic-query answer from the stored items; commit writes them,
 * rollback forgets the call.
 */
#include <stdio.h>
#include <string.h>

#include "settings.h"

static cp_status enter(void *user, cp_csp_session *s, const char *path,
                       const char *type, void *pcookie, void **cookie)
{
    settings *st = user;
    frame *pf = pcookie;
    frame *f;
    cp_status e = cp_set__load(st);
    (void)path;
    if (e)
        return e;
    if (st->nfr == MAX_FRAMES)
        return CP_E_LIMIT;
    f = &st->fr[st->nfr];
    if (pf == NULL) { /* the top-level characteristic: a new pending item */
        if (st->pend == NULL && (e = cp_doc__create(st->ctx, &st->pend)) != CP_OK)
            return e;
        st->pend->max_elements = (size_t)-1;
        e = cp_doc__add(st->pend, st->pend->root, CP_NODE_CHARACTERISTIC,
                        &f->node);
        if (!e)
            e = cp_doc__set_attr_static(st->pend, f->node, CP_ATTR_TYPE,
                                        st->type);
        f->mode = MODE_PENDING;
    } else if (pf->mode == MODE_PENDING && cp_node__at_top(pf->node) &&
               cp_node__child(pf->node) == NULL &&
               cp_set__item_by_key(st, type) != NULL) {
        /* Windows Mobile addressing */
        f->node = cp_set__item_by_key(st, type);
        f->mode = MODE_ADDRESS;
    } else if (pf->mode == MODE_PENDING) {
        e = cp_doc__add(st->pend, pf->node, CP_NODE_CHARACTERISTIC, &f->node);
        if (!e) /* pend borrows the call's strings: see PEND_BORROWS */
            e = cp_doc__set_attr_static(st->pend, f->node, CP_ATTR_TYPE, type);
        f->mode = MODE_PENDING;
    } else { /* below an addressed item: a stored child, made if missing */
        cp_node *c;
        for (c = cp_node__child(pf->node); c != NULL; c = cp_node__next(c))
            if (c->kind == CP_NODE_CHARACTERISTIC && strcmp(c->key, type) == 0)
                break;
        if (c == NULL) {
            e = cp_doc__add(st->doc, pf->node, CP_NODE_CHARACTERISTIC, &c);
            if (!e)
                e = cp_doc__set_attr(st->doc, c, CP_ATTR_TYPE, type,
                                     strlen(type));
            cp_set__touch(st, pf->node);
        }
        f->node = c;
        f->mode = MODE_CHILD;
    }
    (void)s;
    if (e)
        return e;
    st->nfr++;
    *cookie = f;
    return CP_OK;
}

static cp_status leave(void *user, cp_csp_session *s, const char *path,
                       const char *type, void *cookie)
{
    settings *st = user;
    frame *f = cookie;
    cp_status e = CP_OK;
    (void)path;
    (void)type;
    if (f == NULL || st->nfr == 0)
        return CP_OK; /* a rollback replay enters with fresh cookies */
    if (f->mode == MODE_PENDING && cp_node__at_top(f->node)) {
        if (cp_node__child(f->node) != NULL)
            e = cp_set__commit_item(st, s, f->node);
        cp_doc__unlink(f->node);
        if (!e && st->check_doc)
            e = st->check_doc(st, s);
    }
    st->nfr--;
    return e;
}

/*
 * A setting reached through Windows Mobile addressing has a path with the
 * item's identity in it ("NAPDEF/N1/NAME"); the engine checked that path.
 * The item's own setting path ("NAPDEF/NAME") must allow it too, or an
 * entry on it could be bypassed by addressing the item.
 */
static cp_status addressed_check(settings *st, cp_csp_session *s,
                                 const char *path, const char *name,
                                 unsigned need, char *canon)
{
    const char *key = strchr(path, '/');
    const char *rest = key ? strchr(key + 1, '/') : NULL;
    size_t tl = key ? (size_t)(key - path) : strlen(path);
    size_t rl = rest ? strlen(rest) : 0, nl = name ? strlen(name) : 0;
    uint32_t roles = cp_csp_roles(s);
    if (roles & CP_ROLE_EXEMPT)
        return CP_OK;
    if (tl + rl + 1 + nl > CP_PATH_MAX)
        return CP_E_LIMIT;
    memcpy(canon, path, tl);
    memcpy(canon + tl, rest ? rest : "", rl);
    canon[tl + rl] = '\0';
    if (name != NULL) {
        canon[tl + rl] = '/';
        memcpy(canon + tl + rl + 1, name, nl + 1);
    }
    return cp_meta__allowed(st->ctx, roles, canon, need, st->err,
                            sizeof st->err);
}

/* addressed_check with its path buffer on the heap (bounded stack). */
static cp_status addressed_ok(settings *st, cp_csp_session *s,
                              const char *path, const char *name,
                              unsigned need)
{
    char *canon;
    cp_status e;
    if (cp_csp_roles(s) & CP_ROLE_EXEMPT)
        return CP_OK;
    canon = cp_mem__alloc(&st->ctx->alloc, CP_PATH_MAX + 1);
    if (canon == NULL)
        return CP_E_NOMEM;
    e = addressed_check(st, s, path, name, need, canon);
    cp_mem__free(&st->ctx->alloc, canon);
    return e;
}

static cp_status parm(void *user, cp_csp_session *s, const char *path,
                      const char *name, const char *value, void *cookie)
{
    settings *st = user;
    frame *f = cookie;
    cp_node *n, *c, *next;
    cp_status e;
    if (f == NULL)
        return CP_E_BAD_DOC;
    if (st->check_parm && (e = st->check_parm(st, s, name, value)) != CP_OK)
        return e;
    if (f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, name, CP_RW_WRITE)) != CP_OK)
        return e;
    if (f->mode == MODE_PENDING) {
        /* pend borrows the call's strings (PEND_BORROWS); a parm keeps
           its name and value in place, as cp_doc__set_attr_static would */
        n = cp_doc__append(st->pend, f->node, CP_NODE_PARM); /* no limit:
                                                 pend is unbounded (enter) */
        if (n == NULL)
            return CP_E_NOMEM;
        n->key = name;
        n->value = value;
        return CP_OK;
    }
    cp_set__identity_touch(st, f, name);
    for (c = cp_node__child(f->node); c != NULL; c = next) { /* replace */
        next = cp_node__next(c);
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0)
            cp_doc__unlink(c);
    }
    cp_set__touch(st, f->node);
    e = cp_doc__add(st->doc, f->node, CP_NODE_PARM, &n);
    if (!e)
        e = cp_doc__set_attr(st->doc, n, CP_ATTR_NAME, name, strlen(name));
    if (!e && value)
        e = cp_doc__set_attr(st->doc, n, CP_ATTR_VALUE, value, strlen(value));
    return e;
}

static cp_status noparm(void *user, cp_csp_session *s, const char *path,
                        const char *name, void *cookie)
{
    settings *st = user;
    frame *f = cookie;
    cp_node *c, *next;
    int found = 0;
    cp_status e;
    if (f == NULL)
        return CP_E_BAD_DOC;
    if (f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, name, CP_RW_WRITE)) != CP_OK)
        return e;
    if (f->mode == MODE_PENDING) {
        cp_node *n;
        e = cp_doc__add(st->pend, f->node, CP_NODE_NOPARM, &n);
        return e ? e : cp_doc__set_attr_static(st->pend, n, CP_ATTR_NAME, name);
    }
    cp_set__identity_touch(st, f, name);
    for (c = cp_node__child(f->node); c != NULL; c = next) {
        next = cp_node__next(c);
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0) {
            cp_doc__unlink(c);
            found = 1;
        }
    }
    if (found)
        cp_set__touch(st, f->node);
    return found ? CP_OK : CP_E_NOT_FOUND;
}

/* The stored node a pending frame refers to (through its identity), or NULL. */
static cp_node *stored_of(settings *st, const frame *f)
{
    if (f->mode != MODE_PENDING)
        return f->node;
    if (st->tree) { /* the stored node at the same types below the item */
        const cp_node *chain[MAX_FRAMES], *n = f->node;
        cp_node *cur;
        size_t k = 0;
        /* a pending node hangs below pend's root, so n never gets NULL;
           the test tells the analyzers, who cannot know it */
        while (n != NULL && !cp_node__at_top(n) && k < MAX_FRAMES) {
            chain[k++] = n;
            n = cp_node__parent(n);
        }
        cur = n != NULL && cp_node__at_top(n) ? cp_set__item_like(st, n)
                                              : NULL;
        while (cur != NULL && k > 0)
            cur = cp_set__child_char(cur, chain[--k]->key);
        return cur;
    }
    if (!cp_node__at_top(f->node) ||
        st->key == NULL)
        return NULL;
    return cp_set__item_like(st, f->node);
}

/*
 * Answer a parm-query with every value of a parm given more than once,
 * joined by ';' (PXLOGICAL DOMAIN: the PXLOGICAL page documents the query
 * answer as all domains separated by semicolons).
 */
static cp_status answer_all(settings *st, cp_csp_session *s,
                            const cp_node *item, const cp_node *first)
{
    const cp_node *c;
    cp_buf b;
    cp_status e = CP_OK;
    int many = 0;
    for (c = cp_node__next(first); c != NULL && !many; c = cp_node__next(c))
        many = c->kind == CP_NODE_PARM && strcmp(c->key, first->key) == 0;
    if (!many)
        return cp_csp_answer(s, first->value ? first->value : "");
    cp_buf__init(&b, &st->ctx->alloc);
    for (c = first; c != NULL && !e; c = cp_node__next(c))
        if (c->kind == CP_NODE_PARM && strcmp(c->key, first->key) == 0) {
            if (b.len)
                e = cp_buf__putc(&b, ';');
            if (!e && c->value)
                e = cp_buf__puts(&b, c->value);
        }
    if (!e)
        e = cp_buf__putc(&b, '\0');
    if (!e)
        e = cp_csp_answer(s, (const char *)b.p);
    cp_buf__free(&b);
    (void)item;
    return e;
}

static cp_status parm_query(void *user, cp_csp_session *s, const char *path,
                            const char *name, void *cookie)
{
    settings *st = user;
    const frame *f = cookie;
    const cp_node *item, *p;
    cp_status e = cp_set__load(st);
    if (e)
        return e;
    if (f == NULL)
        return CP_E_NOT_FOUND;
    if (f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, name, CP_RW_READ)) != CP_OK)
        return e;
    item = stored_of(st, f);
    p = item ? cp_set__find_parm(item, name) : NULL;
    if (p == NULL)
        return CP_E_NOT_FOUND;
    return answer_all(st, s, item, p);
}

/* Describe n under the characteristic type "type". */
static cp_status emit_as(cp_csp_session *s, const cp_node *n, const char *type,
                         int depth, int recursive)
{
    const cp_node *c;
    cp_status e = cp_csp_emit_enter(s, type);
    for (c = cp_node__child(n); c != NULL && !e; c = cp_node__next(c)) {
        if (c->kind == CP_NODE_PARM && (depth == 0 || recursive))
            e = cp_csp_emit_parm(s, c->key, c->value);
        else if (c->kind == CP_NODE_CHARACTERISTIC) {
            if (recursive)
                e = emit_as(s, c, c->key, depth + 1, 1);
            else if (depth == 0) {
                e = cp_csp_emit_enter(s, c->key);
                if (!e)
                    e = cp_csp_emit_leave(s);
            }
        }
    }
    return e ? e : cp_csp_emit_leave(s);
}

static cp_status emit_node(cp_csp_session *s, const cp_node *n, int depth,
                           int recursive)
{
    return emit_as(s, n, n->key, depth, recursive);
}

static cp_status char_query(void *user, cp_csp_session *s, const char *path,
                            int recursive, void *cookie)
{
    settings *st = user;
    const frame *f = cookie;
    const char *leaf = strrchr(path, '/');
    cp_node *c, *item;
    int any = 0;
    cp_status e = cp_set__load(st);
    if (e)
        return e;
    if (leaf == NULL && cp_str__casecmp(st->type, "Registry") == 0) {
        /* Registry CSP page (6.5): a top-level query is not allowed */
        snprintf(st->err, sizeof st->err,
                 "a top-level Registry query is not allowed: query a key");
        return CP_E_UNSUPPORTED;
    }
    if (leaf == NULL) { /* the whole type: every item */
        for (c = cp_node__child(st->doc->root); c != NULL && !e; c = cp_node__next(c), any = 1)
            e = emit_node(s, c, 0, recursive);
        return e ? e : (any ? CP_OK : CP_E_NOT_FOUND);
    }
    leaf++;
    if (f != NULL && f->mode == MODE_PENDING &&
        cp_node__at_top(f->node) && cp_node__child(f->node) == NULL &&
        (item = cp_set__item_by_key(st, leaf)) != NULL)
        /* Windows Mobile addressing: the item, named as it was addressed */
        return emit_as(s, item, leaf, 0, recursive);
    if (f != NULL && f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, NULL, CP_RW_READ)) != CP_OK)
        return e;
    item = f ? stored_of(st, f) : NULL;
    for (c = item ? cp_node__child(item) : NULL; c != NULL && !e; c = cp_node__next(c))
        if (c->kind == CP_NODE_CHARACTERISTIC && strcmp(c->key, leaf) == 0) {
            e = emit_node(s, c, 0, recursive);
            any = 1;
        }
    return e ? e : (any ? CP_OK : CP_E_NOT_FOUND);
}

static cp_status nochar(void *user, cp_csp_session *s, const char *path,
                        const char *type, void *cookie)
{
    settings *st = user;
    frame *f = cookie;
    cp_node *c, *next, *parent;
    int found = 0;
    cp_status e = cp_set__load(st);
    if (e)
        return e;
    if (strchr(path, '/') == NULL) { /* every item of the type */
        found = cp_node__child(st->doc->root) != NULL;
        while (cp_node__child(st->doc->root) != NULL)
            cp_doc__unlink(cp_node__child(st->doc->root));
        cp_set__ix_free(st);
        if (found)
            cp_set__pages_clear(st);
        if (found && st->check_doc && (e = st->check_doc(st, s)) != CP_OK)
            return e;
        return found ? CP_OK : CP_E_NOT_FOUND;
    }
    if (f != NULL && f->mode == MODE_PENDING &&
        cp_node__at_top(f->node) && cp_node__child(f->node) == NULL &&
        (c = cp_set__item_by_key(st, type)) != NULL) {
        cp_set__item_unlink(st, c); /* Windows Mobile addressing: the item */
        st->dirty = 1;
        return CP_OK;
    }
    if (f != NULL && f->mode == MODE_PENDING) { /* delete when merged */
        cp_node *n;
        if (stored_of(st, f) == NULL)
            return CP_E_NOT_FOUND;
        e = cp_doc__add(st->pend, f->node, CP_NODE_NOCHARACTERISTIC, &n);
        return e ? e : cp_doc__set_attr_static(st->pend, n, CP_ATTR_TYPE, type);
    }
    if (f != NULL && (e = addressed_ok(st, s, path, NULL, CP_RW_WRITE)) != CP_OK)
        return e;
    parent = f ? f->node : NULL;
    for (c = parent ? cp_node__child(parent) : NULL; c != NULL; c = next) {
        next = cp_node__next(c);
        if (c->kind == CP_NODE_CHARACTERISTIC && strcmp(c->key, type) == 0) {
            cp_doc__unlink(c);
            found = 1;
        }
    }
    if (found)
        cp_set__touch(st, parent);
    return found ? CP_OK : CP_E_NOT_FOUND;
}

static cp_status commit(void *user, cp_csp_session *s)
{
    settings *st = user;
    cp_status e;
    (void)s;
    cp_doc_free(st->pend); /* the pending items are merged by now */
    st->pend = NULL;
    if (!st->loaded || !st->dirty)
        return CP_OK;
    if (st->on_commit && (e = st->on_commit(st)) != CP_OK)
        return e;
    return cp_set__save(st);
}

static cp_status rollback(void *user, cp_csp_session *s)
{
    (void)s;
    cp_set__drop(user);
    return CP_OK;
}

static cp_status begin(void *user, cp_csp_session *s)
{
    settings *st = user;
    (void)s;
    st->nfr = 0;
    st->err[0] = '\0';
    return cp_set__load(st);
}

static const char *errdesc(void *user, cp_csp_session *s)
{
    settings *st = user;
    (void)s;
    return st->err[0] ? st->err : NULL;
}

const cp_csp_ops cp_set__ops = {
    sizeof(cp_csp_ops), CP_CSP_INTERNAL_TX, begin, enter, leave, parm,
    noparm, parm_query, nochar, char_query, commit, rollback, errdesc};
