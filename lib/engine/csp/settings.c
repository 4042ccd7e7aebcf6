/*
 * settings.c - the generic settings CSP: keeps any tree of characteristics
 * and parms under one top-level type, stored as a WBXML blob ("s.TYPE")
 * through the ctx storage, and answers queries on it.
 *
 * Items are matched by their identity parm (NAPDEF: NAPID, PXLOGICAL:
 * PROXY-ID, APPLICATION: APPID and PROVIDER-ID, VENDORCONFIG: NAME), so a
 * second document updates an item instead of adding a duplicate: the parms
 * it names replace the stored parms of that name, the child
 * characteristics it carries replace the stored ones of that type.
 * CLIENTIDENTITY is a single item; other types are keyed by their whole
 * content (an identical item is not added twice).
 *
 * Windows Mobile addressing also works: inside the top-level
 * characteristic, a child characteristic whose type is an item's identity
 * (e.g. <characteristic type="NAPDEF"><characteristic type="INTERNET">)
 * addresses that stored item for parm-query, parm, noparm and
 * nocharacteristic.
 */
#include <stdio.h>
#include <string.h>

#include "../engine.h"
#include "csp_int.h"

enum { MODE_PENDING = 1, MODE_ADDRESS = 2, MODE_CHILD = 3 };

typedef struct frame {
    int mode;
    cp_node *node; /* pending node (in s->pend) or stored node (in s->doc) */
} frame;

#define MAX_FRAMES 64

typedef struct settings {
    char type[CP_TYPE_MAX + 1];
    char blob[CP_TYPE_MAX + 3];
    cp_ctx *ctx;
    cp_doc *doc;  /* stored items: children of doc->root */
    int loaded, dirty;
    cp_doc *pend; /* items of the running call, merged at char_leave */
    frame fr[MAX_FRAMES];
    int nfr;
    char err[160];
    cp_status (*on_commit)(struct settings *st); /* PXLOGICAL: gateways */
    cp_status (*check_parm)(struct settings *st, cp_csp_session *s,
                            const char *name, const char *value);
    /* after each change of a top-level item (PXLOGICAL: trusted gateways) */
    cp_status (*check_doc)(struct settings *st, cp_csp_session *s);
} settings;

/* ---- identity ------------------------------------------------------------------ */

static const char *key_parm(const char *type)
{
    if (cp_str__casecmp(type, "NAPDEF") == 0)
        return "NAPID";
    if (cp_str__casecmp(type, "PXLOGICAL") == 0)
        return "PROXY-ID";
    if (cp_str__casecmp(type, "APPLICATION") == 0)
        return "APPID";
    if (cp_str__casecmp(type, "VENDORCONFIG") == 0)
        return "NAME";
    return NULL;
}

static const cp_node *find_parm(const cp_node *item, const char *name)
{
    const cp_node *c;
    for (c = cp_node__child(item); c != NULL; c = cp_node__next(c))
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0)
            return c;
    return NULL;
}

static const char *parm_value(const cp_node *item, const char *name)
{
    const cp_node *p = find_parm(item, name);
    return p ? (p->value ? p->value : "") : NULL;
}

/* Do two subtrees hold the same content (for keyless types)? */
static int same_tree(const cp_node *a, const cp_node *b)
{
    const cp_node *x = cp_node__child(a), *y = cp_node__child(b);
    if (a->kind != b->kind ||
        strcmp(a->key ? a->key : "", b->key ? b->key : "") != 0 ||
        strcmp(a->value ? a->value : "", b->value ? b->value : "") != 0)
        return 0;
    for (; x && y; x = cp_node__next(x), y = cp_node__next(y))
        if (!same_tree(x, y))
            return 0;
    return x == NULL && y == NULL;
}

static int same_item(const settings *st, const cp_node *a, const cp_node *b)
{
    const char *k = key_parm(st->type);
    if (cp_str__casecmp(st->type, "CLIENTIDENTITY") == 0)
        return 1;
    if (k == NULL)
        return same_tree(a, b);
    {
        const char *va = parm_value(a, k), *vb = parm_value(b, k);
        if (!va || !vb || strcmp(va, vb) != 0)
            return 0;
    }
    if (cp_str__casecmp(st->type, "APPLICATION") == 0) {
        const char *pa = parm_value(a, "PROVIDER-ID");
        const char *pb = parm_value(b, "PROVIDER-ID");
        return strcmp(pa ? pa : "", pb ? pb : "") == 0;
    }
    return 1;
}

/* The stored item whose identity value is key (Windows Mobile addressing). */
static cp_node *item_by_key(settings *st, const char *key)
{
    const char *k = key_parm(st->type);
    cp_node *c;
    if (k == NULL)
        return NULL;
    for (c = cp_node__child(st->doc->root); c != NULL; c = cp_node__next(c)) {
        const char *v = parm_value(c, k);
        if (v && strcmp(v, key) == 0)
            return c;
    }
    return NULL;
}

/* ---- storage -------------------------------------------------------------------- */

static cp_status load(settings *st)
{
    cp_buf b;
    cp_status s;
    if (st->loaded)
        return CP_OK;
    cp_buf__init(&b, &st->ctx->alloc);
    s = cp_store__load(st->ctx, st->blob, &b);
    if (s == CP_OK && b.len > 0) {
        s = cp_doc_decode_wbxml(st->ctx, b.p, b.len, &st->doc);
        if (s)
            s = cp_err__set(st->ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                            "stored %s settings are corrupt", st->type);
    } else if (s == CP_E_NOT_FOUND || s == CP_OK) {
        s = cp_doc__create(st->ctx, &st->doc);
    }
    cp_buf__free(&b);
    if (s == CP_OK) {
        st->doc->max_elements = (size_t)-1; /* the store is bounded by its inputs */
        st->loaded = 1;
    }
    return s;
}

static void drop(settings *st)
{
    cp_doc_free(st->doc);
    st->doc = NULL;
    cp_doc_free(st->pend);
    st->pend = NULL;
    st->loaded = st->dirty = 0;
    st->nfr = 0;
}

static void set_invalidate(void *user)
{
    drop(user);
}

static void set_free(cp_ctx *ctx, void *user)
{
    drop(user);
    cp_mem__free(&ctx->alloc, user);
}

/* ---- merging ----------------------------------------------------------------------- */

static int names_in(const cp_node *src, const cp_node *n, int kind)
{
    const cp_node *c;
    for (c = cp_node__child(src); c != NULL; c = cp_node__next(c))
        if (c->kind == kind && strcmp(c->key, n->key) == 0)
            return 1;
    return 0;
}

/* Apply the pending item src onto the stored item dst. */
static cp_status merge(settings *st, cp_node *dst, const cp_node *src)
{
    cp_node *c, *next;
    const cp_node *s;
    cp_status e = CP_OK;
    for (c = cp_node__child(dst); c != NULL; c = next) { /* drop what src replaces or deletes */
        next = cp_node__next(c);
        if ((c->kind == CP_NODE_PARM &&
             (names_in(src, c, CP_NODE_PARM) || names_in(src, c, CP_NODE_NOPARM))) ||
            (c->kind == CP_NODE_CHARACTERISTIC &&
             (names_in(src, c, CP_NODE_CHARACTERISTIC) ||
              names_in(src, c, CP_NODE_NOCHARACTERISTIC))))
            cp_doc__unlink(c);
    }
    for (s = cp_node__child(src); s != NULL && !e; s = cp_node__next(s))
        if (s->kind == CP_NODE_PARM || s->kind == CP_NODE_CHARACTERISTIC)
            e = cp_doc__clone_into(st->doc, dst, NULL, s, NULL);
    return e;
}

static cp_status commit_item(settings *st, cp_csp_session *s, cp_node *p)
{
    const char *k = key_parm(st->type);
    cp_node *c;
    (void)s;
    if (k != NULL && parm_value(p, k) == NULL) {
        snprintf(st->err, sizeof st->err, "%s without %s", st->type, k);
        return CP_E_BAD_DOC;
    }
    if (cp_str__casecmp(st->type, "APPLICATION") == 0 &&
        !cp_csp__known_appid(parm_value(p, "APPID"))) {
        snprintf(st->err, sizeof st->err, "unknown APPLICATION APPID %.60s",
                 parm_value(p, "APPID"));
        return CP_E_BAD_DOC;
    }
    st->dirty = 1;
    for (c = cp_node__child(st->doc->root); c != NULL; c = cp_node__next(c))
        if (same_item(st, c, p))
            return merge(st, c, p);
    return cp_doc__clone_into(st->doc, st->doc->root, NULL, p, NULL);
}

/* ---- handlers ------------------------------------------------------------------------ */

static cp_status enter(void *user, cp_csp_session *s, const char *path,
                       const char *type, void *pcookie, void **cookie)
{
    settings *st = user;
    frame *pf = pcookie;
    frame *f;
    cp_status e = load(st);
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
    } else if (pf->mode == MODE_PENDING && cp_node__parent(pf->node)->kind == CP_NODE_DOC &&
               cp_node__child(pf->node) == NULL && item_by_key(st, type) != NULL) {
        f->node = item_by_key(st, type); /* Windows Mobile addressing */
        f->mode = MODE_ADDRESS;
    } else if (pf->mode == MODE_PENDING) {
        e = cp_doc__add(st->pend, pf->node, CP_NODE_CHARACTERISTIC, &f->node);
        if (!e)
            e = cp_doc__set_attr(st->pend, f->node, CP_ATTR_TYPE, type,
                                 strlen(type));
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
            st->dirty = 1;
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
    if (f->mode == MODE_PENDING && cp_node__parent(f->node)->kind == CP_NODE_DOC) {
        if (cp_node__child(f->node) != NULL)
            e = commit_item(st, s, f->node);
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
    cp_meta m;
    cp_status e;
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
    e = cp_meta__lookup(st->ctx, canon, &m, NULL);
    if (e)
        return e;
    if ((m.rw & need) != need) {
        snprintf(st->err, sizeof st->err, "%.90s is not %s", canon,
                 need & CP_RW_WRITE ? "writable" : "readable");
        return CP_E_ACCESS_DENIED;
    }
    if ((roles & m.access_roles) == 0) {
        snprintf(st->err, sizeof st->err,
                 "access denied to %.90s: roles 0x%lx, needs one of 0x%lx",
                 canon, (unsigned long)roles, (unsigned long)m.access_roles);
        return CP_E_ACCESS_DENIED;
    }
    return CP_OK;
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
        e = cp_doc__add(st->pend, f->node, CP_NODE_PARM, &n);
        if (!e)
            e = cp_doc__set_attr(st->pend, n, CP_ATTR_NAME, name, strlen(name));
        if (!e && value)
            e = cp_doc__set_attr(st->pend, n, CP_ATTR_VALUE, value,
                                 strlen(value));
        return e;
    }
    for (c = cp_node__child(f->node); c != NULL; c = next) { /* replace */
        next = cp_node__next(c);
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0)
            cp_doc__unlink(c);
    }
    st->dirty = 1;
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
        return e ? e : cp_doc__set_attr(st->pend, n, CP_ATTR_NAME, name,
                                        strlen(name));
    }
    for (c = cp_node__child(f->node); c != NULL; c = next) {
        next = cp_node__next(c);
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0) {
            cp_doc__unlink(c);
            found = 1;
        }
    }
    st->dirty |= found;
    return found ? CP_OK : CP_E_NOT_FOUND;
}

/* The stored node a pending frame refers to (through its identity), or NULL. */
static cp_node *stored_of(settings *st, const frame *f)
{
    cp_node *c;
    if (f->mode != MODE_PENDING)
        return f->node;
    if (cp_node__parent(f->node)->kind != CP_NODE_DOC)
        return NULL;
    for (c = cp_node__child(st->doc->root); c != NULL; c = cp_node__next(c))
        if (key_parm(st->type) != NULL && same_item(st, c, f->node))
            return c;
    return NULL;
}

static cp_status parm_query(void *user, cp_csp_session *s, const char *path,
                            const char *name, void *cookie)
{
    settings *st = user;
    const frame *f = cookie;
    const cp_node *item, *p;
    cp_status e = load(st);
    if (e)
        return e;
    if (f == NULL)
        return CP_E_NOT_FOUND;
    if (f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, name, CP_RW_READ)) != CP_OK)
        return e;
    item = stored_of(st, f);
    p = item ? find_parm(item, name) : NULL;
    if (p == NULL)
        return CP_E_NOT_FOUND;
    return cp_csp_answer(s, p->value ? p->value : "");
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
    cp_status e = load(st);
    if (e)
        return e;
    if (leaf == NULL) { /* the whole type: every item */
        for (c = cp_node__child(st->doc->root); c != NULL && !e; c = cp_node__next(c), any = 1)
            e = emit_node(s, c, 0, recursive);
        return e ? e : (any ? CP_OK : CP_E_NOT_FOUND);
    }
    leaf++;
    if (f != NULL && f->mode == MODE_PENDING &&
        cp_node__parent(f->node)->kind == CP_NODE_DOC && cp_node__child(f->node) == NULL &&
        (item = item_by_key(st, leaf)) != NULL)
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
    cp_status e = load(st);
    if (e)
        return e;
    if (strchr(path, '/') == NULL) { /* every item of the type */
        found = cp_node__child(st->doc->root) != NULL;
        while (cp_node__child(st->doc->root) != NULL)
            cp_doc__unlink(cp_node__child(st->doc->root));
        st->dirty |= found;
        if (found && st->check_doc && (e = st->check_doc(st, s)) != CP_OK)
            return e;
        return found ? CP_OK : CP_E_NOT_FOUND;
    }
    if (f != NULL && f->mode == MODE_PENDING &&
        cp_node__parent(f->node)->kind == CP_NODE_DOC && cp_node__child(f->node) == NULL &&
        (c = item_by_key(st, type)) != NULL) {
        cp_doc__unlink(c); /* Windows Mobile addressing: the item */
        st->dirty = 1;
        return CP_OK;
    }
    if (f != NULL && f->mode == MODE_PENDING) { /* delete when merged */
        cp_node *n;
        if (stored_of(st, f) == NULL)
            return CP_E_NOT_FOUND;
        e = cp_doc__add(st->pend, f->node, CP_NODE_NOCHARACTERISTIC, &n);
        return e ? e : cp_doc__set_attr(st->pend, n, CP_ATTR_TYPE, type,
                                        strlen(type));
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
    st->dirty |= found;
    return found ? CP_OK : CP_E_NOT_FOUND;
}

static cp_status commit(void *user, cp_csp_session *s)
{
    settings *st = user;
    uint8_t *wb = NULL;
    size_t len = 0;
    cp_status e = CP_OK;
    (void)s;
    cp_doc_free(st->pend); /* the pending items are merged by now */
    st->pend = NULL;
    if (!st->loaded || !st->dirty)
        return CP_OK;
    if (st->on_commit && (e = st->on_commit(st)) != CP_OK)
        return e;
    if (cp_node__child(st->doc->root) == NULL)
        return cp_store__save(st->ctx, st->blob, NULL, 0);
    e = cp_doc_encode_wbxml(st->ctx, st->doc, 0, &wb, &len);
    if (!e)
        e = cp_store__save(st->ctx, st->blob, wb, len);
    cp_free(st->ctx, wb);
    if (!e)
        st->dirty = 0;
    return e;
}

static cp_status rollback(void *user, cp_csp_session *s)
{
    (void)s;
    drop(user);
    return CP_OK;
}

static cp_status begin(void *user, cp_csp_session *s)
{
    settings *st = user;
    (void)s;
    st->nfr = 0;
    st->err[0] = '\0';
    return load(st);
}

static const char *errdesc(void *user, cp_csp_session *s)
{
    settings *st = user;
    (void)s;
    return st->err[0] ? st->err : NULL;
}

static int blob_name_ok(const char *t)
{
    for (; *t; t++)
        if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') ||
              (*t >= '0' && *t <= '9') || *t == '-' || *t == '_' || *t == '.'))
            return 0;
    return 1;
}

cp_status cp_csp__settings_register(cp_ctx *ctx, const char *type,
                                    cp_status (*on_commit)(settings *),
                                    settings **out)
{
    static const cp_csp_ops ops = {
        sizeof(cp_csp_ops), CP_CSP_INTERNAL_TX, begin, enter, leave, parm,
        noparm, parm_query, nochar, char_query, commit, rollback, errdesc};
    settings *st;
    size_t n = type ? strlen(type) : 0;
    cp_status e;
    if (n == 0 || n > 60 || !blob_name_ok(type))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "a settings CSP type must be 1-60 letters, digits, "
                           "'-', '_' or '.'");
    st = cp_mem__alloc(&ctx->alloc, sizeof *st);
    if (st == NULL)
        return CP_E_NOMEM;
    memset(st, 0, sizeof *st);
    memcpy(st->type, type, n + 1);
    memcpy(st->blob, "s.", 2);
    memcpy(st->blob + 2, type, n + 1);
    st->ctx = ctx;
    st->on_commit = on_commit;
    e = cp_engine__register(ctx, type, &ops, st, 1, set_free, set_invalidate);
    if (e) {
        cp_mem__free(&ctx->alloc, st);
        return e;
    }
    if (out)
        *out = st;
    return CP_OK;
}

CP_EXPORT cp_status cp_csp_register_settings(cp_ctx *ctx, const char *type)
{
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    return cp_csp__settings_register(ctx, type, NULL, NULL);
}

/* ---- PXLOGICAL: settings plus the gateway list of the trust layer --------------- */

static int is_on(const char *v)
{
    return v != NULL && (v[0] == '\0' || strcmp(v, "1") == 0);
}

/* The push gateways the stored PXLOGICAL items describe. */
static cp_status px_collect(settings *st, cp_gw_entry *gw, size_t *count)
{
    size_t n = 0;
    const cp_node *lp, *pp;
    for (lp = cp_node__child(st->doc->root); lp != NULL; lp = cp_node__next(lp)) {
        int trusted = find_parm(lp, "TRUST") != NULL &&
                      is_on(parm_value(lp, "TRUST"));
        const char *lpush = parm_value(lp, "PUSHENABLED");
        for (pp = cp_node__child(lp); pp != NULL; pp = cp_node__next(pp)) {
            const char *addr, *push;
            if (pp->kind != CP_NODE_CHARACTERISTIC ||
                cp_str__casecmp(pp->key, "PXPHYSICAL") != 0)
                continue;
            addr = parm_value(pp, "PXADDR");
            push = parm_value(pp, "PUSHENABLED");
            if (push == NULL)
                push = lpush;
            if (addr == NULL || addr[0] == '\0' ||
                strlen(addr) > CP_GATEWAY_ADDR_MAX)
                continue;
            if (n == CP_GATEWAYS_MAX) {
                snprintf(st->err, sizeof st->err,
                         "more than %d push gateways", CP_GATEWAYS_MAX);
                return CP_E_LIMIT;
            }
            memset(&gw[n], 0, sizeof gw[n]);
            memcpy(gw[n].addr, addr, strlen(addr) + 1);
            gw[n].trusted = (uint8_t)trusted;
            gw[n].push = (uint8_t)(push != NULL && strcmp(push, "1") == 0);
            n++;
        }
    }
    *count = n;
    return CP_OK;
}

/* A gateway list is 4 KB: it lives on the heap, not the stack. */
static cp_gw_entry *gw_list(settings *st)
{
    return cp_mem__alloc(&st->ctx->alloc, CP_GATEWAYS_MAX * sizeof(cp_gw_entry));
}

static cp_status px_commit(settings *st)
{
    cp_gw_entry *gw = gw_list(st);
    size_t n = 0;
    cp_status e = gw != NULL ? px_collect(st, gw, &n) : CP_E_NOMEM;
    if (!e)
        e = cp_trust__gateways_set(st->ctx, gw, n);
    cp_mem__free(&st->ctx->alloc, gw);
    return e;
}

/* Is every trusted gateway of a also one of b (same address and push)? */
static int trusted_within(const cp_gw_entry *a, size_t na,
                          const cp_gw_entry *b, size_t nb)
{
    size_t i, k;
    for (i = 0; i < na; i++) {
        if (!a[i].trusted)
            continue;
        for (k = 0; k < nb; k++)
            if (b[k].trusted && b[k].push == a[i].push &&
                cp_str__casecmp(a[i].addr, b[k].addr) == 0)
                break;
        if (k == nb)
            return 0;
    }
    return 1;
}

/*
 * Policy 4121 governs creating, changing and deleting trusted gateways,
 * however the change is made (TRUST, a new or changed PXPHYSICAL of a
 * trusted PXLOGICAL, a delete): compare with the gateways in force.
 */
static cp_status px_check_doc(settings *st, cp_csp_session *s)
{
    cp_gw_entry *gw;
    struct cp_trust_state *ts;
    uint32_t need = cp_policy__value(st->ctx, CP_POLICY_TRUSTED_WAP_PROXY);
    size_t n = 0;
    cp_status e;
    int same;
    if ((cp_csp_roles(s) & CP_ROLE_EXEMPT) || (cp_csp_roles(s) & need) != 0)
        return CP_OK;
    gw = gw_list(st);
    e = gw != NULL ? px_collect(st, gw, &n) : CP_E_NOMEM;
    if (!e)
        e = cp_trust__state(st->ctx, &ts);
    same = !e && trusted_within(gw, n, ts->gw, ts->n_gw) &&
           trusted_within(ts->gw, ts->n_gw, gw, n);
    cp_mem__free(&st->ctx->alloc, gw);
    if (e || same)
        return e;
    snprintf(st->err, sizeof st->err,
             "changing a trusted push gateway needs one of the roles 0x%lx "
             "(policy 4121)",
             (unsigned long)need);
    return CP_E_ACCESS_DENIED;
}

/* TRUST makes gateways trusted: only the roles of policy 4121 may set it. */
static cp_status px_check(settings *st, cp_csp_session *s, const char *name,
                          const char *value)
{
    uint32_t need = cp_policy__value(st->ctx, CP_POLICY_TRUSTED_WAP_PROXY);
    (void)value;
    if (strcmp(name, "TRUST") != 0 || (cp_csp_roles(s) & CP_ROLE_EXEMPT) ||
        (cp_csp_roles(s) & need) != 0)
        return CP_OK;
    snprintf(st->err, sizeof st->err,
             "TRUST needs one of the roles 0x%lx (policy 4121)",
             (unsigned long)need);
    return CP_E_ACCESS_DENIED;
}

cp_status cp_csp__pxlogical_register(cp_ctx *ctx)
{
    settings *st = NULL;
    cp_status e = cp_csp__settings_register(ctx, "PXLOGICAL", px_commit, &st);
    if (!e) {
        st->check_parm = px_check;
        st->check_doc = px_check_doc;
    }
    return e;
}
