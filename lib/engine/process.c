/*
 * process.c - cp_process_config_xml(): parse -> authorize every node ->
 * apply through the CSPs -> commit, or roll back every CSP that did work in
 * reverse order. The output document echoes the input with queries
 * answered in place and the failing element renamed to its *-error form.
 * This file holds the entry points and the order of the work; walk.h says
 * which file does each step.
 */
#include <string.h>

#include "walk.h"

/* The work of one call, in order; the first failure stops it. */
static cp_status run(cp_walker *w)
{
    cp_node *n, *next;
    cp_status st = CP_OK;
    if (w->ctx->strict_validation && w->apply) {
        const cp_node *bad = NULL;
        char msg[160];
        st = cp_validate__doc(w->ctx, w->out, &bad, msg, sizeof msg);
        if (st)
            return cp_walk__fail(w, (cp_node *)(uintptr_t)bad, st, "%s", msg);
    }
    st = cp_walk__prepass(w);
    if (st)
        return st;
    w->meta_gen = w->e->meta_gen;
    if (!w->apply)
        return w->flags & CP_METADATA ? cp_annotate__metadata(w) : CP_OK;
    if (w->has_query && (st = cp_walk__own(w)) != CP_OK) /* answered in place */
        return cp_walk__fail(w, NULL, st, "out of memory");
    st = cp_store__begin(w->ctx);
    if (st)
        return cp_walk__fail(w, NULL, st, "cannot start a transaction: %s",
                             cp_strerror(st));
    for (n = cp_node__child(w->out->root); n != NULL && !st; n = next) {
        next = cp_node__next(n);
        st = cp_apply__top(w, n);
    }
    if (!st && !w->no_answer) { /* an answer that cannot be written must not commit */
        st = cp_doc_write_xml(w->ctx, w->out, 0, &w->text, &w->text_len);
        if (st)
            cp_walk__fail(w, NULL, st, "cannot write the output document: %s",
                          cp_strerror(st));
    }
    if (!st)
        st = cp_journal__commit(w);
    if (st) {
        cp_status rb = cp_journal__rollback(w);
        if (rb != CP_OK) {
            w->fail_st = CP_E_ROLLBACK;
            st = CP_E_ROLLBACK;
        }
    }
    return st;
}

/* Check the arguments every entry point shares; clears *out. */
static cp_status check_args(cp_ctx *ctx, const void *in, unsigned flags,
                            char **out, size_t *out_len)
{
#if defined(CP_NO_XMLOUT) && CP_NO_XMLOUT
    /* No XML writer: out == NULL processes without an output document. */
    if (ctx == NULL || in == NULL)
        return CP_E_INVALID_ARG;
#else
    if (ctx == NULL || in == NULL || out == NULL)
        return CP_E_INVALID_ARG;
#endif
    if (out != NULL)
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
    cp_walker *w;
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
    w->no_answer = out == NULL;
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
    /* the caller's document, read only until the call must change it;
       metadata is written into every parm: copy at once */
    w->out = (cp_doc *)(uintptr_t)doc;
    w->borrowed = 1;
    if (!st && (flags & CP_METADATA))
        st = cp_walk__own(w);
    if (st) {
        if (st == CP_E_NOMEM)
            cp_err__set(ctx, st, CP_NO_OFFSET, "out of memory");
    } else {
        st = run(w);
        st = cp_annotate__finish(w, st, out, out_len);
    }
    cp_journal__free(w);
    cp_buf__free(&w->s.answer);
    if (!w->borrowed)
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

