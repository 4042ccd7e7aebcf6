/*
 * registry.c - the CSP registry: which CSP serves which top-level type,
 * registered and removed while no call runs, and the helper functions a
 * CSP calls during one (answers, emitted trees, the session's roles).
 * The engine state holding the table is state.c's.
 */
#include <string.h>

#include "engine.h"

cp_csp_reg *cp_engine__find(cp_engine *e, const char *type)
{
    size_t i;
    /* the first letter, folded, turns most registrations away cheaply */
    unsigned f = (unsigned char)type[0] | 0x20u;
    for (i = 0; i < e->n_csps; i++)
        if (((unsigned char)e->csps[i]->type[0] | 0x20u) == f &&
            cp_str__casecmp(e->csps[i]->type, type) == 0)
            return e->csps[i];
    return NULL;
}

cp_status cp_engine__set_canon(cp_ctx *ctx, const char *type, cp_canon_fn fn)
{
    cp_engine *e;
    cp_csp_reg *r;
    cp_status st = cp_engine__get(ctx, &e);
    if (st)
        return st;
    r = cp_engine__find(e, type);
    if (r == NULL)
        return CP_E_NOT_FOUND;
    r->canon = fn;
    return CP_OK;
}

/* The first released (0.1.0) cp_csp_ops layout, frozen. */
#define OPS_MIN_SIZE CP_SIZE_THROUGH(cp_csp_ops, error_description)

/* cp_engine__register on a context the caller has entered. */
static cp_status register_entered(cp_ctx *ctx, const char *type,
                                  const cp_csp_ops *ops, void *user,
                                  int store_backed,
                                  void (*user_free)(cp_ctx *, void *),
                                  void (*invalidate)(void *))
{
    cp_engine *e;
    cp_csp_reg *r;
    size_t n;
    cp_status st;
    if (type == NULL || ops == NULL)
        return CP_E_INVALID_ARG;
    n = strlen(type);
    if (n == 0 || n > CP_TYPE_MAX || !cp_utf8__valid((const uint8_t *)type, n))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "a CSP type must be 1-%d octets of UTF-8",
                           CP_TYPE_MAX);
    if (cp_struct__check(ctx, "cp_csp_ops", ops, OPS_MIN_SIZE) != CP_OK)
        return CP_E_VERSION;
    st = cp_engine__get(ctx, &e);
    if (st)
        return st;
    if (cp_engine__find(e, type) != NULL)
        return cp_err__set(ctx, CP_E_EXISTS, CP_NO_OFFSET,
                           "a CSP for %s is registered already", type);
    if (e->n_csps == e->cap_csps) {
        size_t cap = e->cap_csps ? e->cap_csps * 2 : 8;
        cp_csp_reg **nc = cp_mem__realloc(&ctx->alloc, e->csps,
                                          cap * sizeof(cp_csp_reg *));
        if (nc == NULL)
            return CP_E_NOMEM;
        e->csps = nc;
        e->cap_csps = cap;
    }
    r = cp_mem__alloc(&ctx->alloc, sizeof *r);
    if (r == NULL)
        return CP_E_NOMEM;
    memset(r, 0, sizeof *r);
    memcpy(r->type, type, n + 1);
    /* handlers the CSP's release does not know stay NULL (memset above) */
    (void)cp_struct__take(&r->ops, sizeof r->ops, ops, OPS_MIN_SIZE);
    r->user = user;
    r->store_backed = store_backed;
    r->user_free = user_free;
    r->invalidate = invalidate;
    e->csps[e->n_csps++] = r;
    return CP_OK;
}

/*
 * Enter ctx (not just read its busy flag, which raced with a call entering
 * it from another thread) so that the CSP table is never changed while a
 * call runs.
 */
cp_status cp_engine__register(cp_ctx *ctx, const char *type,
                              const cp_csp_ops *ops, void *user,
                              int store_backed,
                              void (*user_free)(cp_ctx *, void *),
                              void (*invalidate)(void *))
{
    cp_status st;
    if (type == NULL || ops == NULL)
        return CP_E_INVALID_ARG;
    if (cp_ctx__enter(ctx) != CP_OK)
        return CP_E_BUSY;
    st = register_entered(ctx, type, ops, user, store_backed, user_free,
                          invalidate);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_csp_register(cp_ctx *ctx, const char *type,
                                    const cp_csp_ops *ops, void *user)
{
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    return cp_engine__register(ctx, type, ops, user, 0, NULL, NULL);
}

CP_EXPORT cp_status cp_csp_unregister(cp_ctx *ctx, const char *type)
{
    cp_engine *e;
    size_t i;
    cp_status st;
    if (ctx == NULL || type == NULL)
        return CP_E_INVALID_ARG;
    if (cp_ctx__enter(ctx) != CP_OK)
        return CP_E_BUSY;
    e = cp_engine__peek(ctx);
    for (i = 0; e != NULL && i < e->n_csps; i++) {
        if (cp_str__casecmp(e->csps[i]->type, type) == 0) {
            cp_engine__free_reg(ctx, e->csps[i]);
            memmove(e->csps + i, e->csps + i + 1,
                    (e->n_csps - i - 1) * sizeof(cp_csp_reg *));
            e->n_csps--;
            cp_ctx__leave(ctx);
            return CP_OK;
        }
    }
    st = cp_err__set(ctx, CP_E_NOT_FOUND, CP_NO_OFFSET,
                     "no CSP is registered for %s", type);
    cp_ctx__leave(ctx);
    return st;
}

/* ---- helpers CSPs call ----------------------------------------------------- */

static cp_status text_ok(const char *s)
{
    return s != NULL && cp_utf8__valid((const uint8_t *)s, strlen(s))
               ? CP_OK
               : CP_E_CHARSET;
}

CP_EXPORT cp_status cp_csp_answer(cp_csp_session *s, const char *value)
{
    if (s == NULL || value == NULL)
        return CP_E_INVALID_ARG;
    if (text_ok(value))
        return CP_E_CHARSET;
    s->answer.len = 0;
    s->answered = 1;
    return cp_buf__put(&s->answer, value, strlen(value));
}

static cp_status emit_fail(cp_csp_session *s, cp_status st)
{
    if (s->emit_err == CP_OK)
        s->emit_err = st;
    return st;
}

CP_EXPORT cp_status cp_csp_emit_enter(cp_csp_session *s, const char *type)
{
    cp_node *n;
    cp_status st;
    if (s == NULL || s->emit_doc == NULL || type == NULL)
        return CP_E_INVALID_ARG;
    if (text_ok(type) || type[0] == '\0')
        return emit_fail(s, CP_E_CHARSET);
    /* The engine walks an answer recursively (rollback replays it): keep
       it within the depth limit as the decoders keep documents (the answer
       hangs below a root: the new element is at depth emit_depth + 2). */
    if ((size_t)s->emit_depth + 2 > s->ctx->limits.max_depth)
        return emit_fail(s, CP_E_LIMIT);
    st = cp_doc__add(s->emit_doc, s->emit_at, CP_NODE_CHARACTERISTIC, &n);
    if (!st)
        st = cp_doc__set_attr(s->emit_doc, n, CP_ATTR_TYPE, type, strlen(type));
    if (st)
        return emit_fail(s, st);
    s->emit_at = n;
    s->emit_depth++;
    return CP_OK;
}

CP_EXPORT cp_status cp_csp_emit_parm(cp_csp_session *s, const char *name,
                                     const char *value)
{
    cp_node *n;
    cp_status st;
    if (s == NULL || s->emit_doc == NULL || name == NULL || s->emit_depth == 0)
        return CP_E_INVALID_ARG;
    if (text_ok(name) || name[0] == '\0' || (value && text_ok(value)))
        return emit_fail(s, CP_E_CHARSET);
    st = cp_doc__add(s->emit_doc, s->emit_at, CP_NODE_PARM, &n);
    if (!st)
        st = cp_doc__set_attr(s->emit_doc, n, CP_ATTR_NAME, name, strlen(name));
    if (!st && value)
        st = cp_doc__set_attr(s->emit_doc, n, CP_ATTR_VALUE, value,
                              strlen(value));
    return st ? emit_fail(s, st) : CP_OK;
}

CP_EXPORT cp_status cp_csp_emit_leave(cp_csp_session *s)
{
    if (s == NULL || s->emit_doc == NULL || s->emit_depth == 0)
        return CP_E_INVALID_ARG;
    s->emit_at = cp_node__parent(s->emit_at);
    s->emit_depth--;
    return CP_OK;
}

CP_EXPORT uint32_t cp_csp_roles(const cp_csp_session *s)
{
    return s ? s->roles : 0;
}

CP_EXPORT unsigned int cp_csp_flags(const cp_csp_session *s)
{
    return s ? s->flags : 0;
}

CP_EXPORT cp_ctx *cp_csp_ctx(cp_csp_session *s)
{
    return s ? s->ctx : NULL;
}
