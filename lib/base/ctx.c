/*
 * ctx.c - a context's life: made from a cp_config (taken in by
 * version.c), its limits and allocator, entered and left by every call
 * (the busy rule and the storage lock), freed with what the floors above
 * keep in its slots (slot.c). Errors are err.c's.
 */
#include <string.h>

#include "store.h"

static cp_status copy_imsis(cp_ctx *ctx, const cp_config *c)
{
    size_t i, k;
    if (c->n_imsis > CP_MAX_IMSIS || (c->n_imsis && c->imsis == NULL))
        return CP_E_INVALID_ARG;
    for (i = 0; i < c->n_imsis; i++) {
        const char *d = c->imsis[i];
        if (d == NULL)
            return CP_E_INVALID_ARG;
        for (k = 0; d[k]; k++)
            if (k >= CP_IMSI_MAX_DIGITS || d[k] < '0' || d[k] > '9')
                return CP_E_INVALID_ARG;
        if (k == 0)
            return CP_E_INVALID_ARG;
        memcpy(ctx->imsis[i], d, k + 1);
    }
    ctx->n_imsis = c->n_imsis;
    return CP_OK;
}

static void fill_limits(cp_limits *l)
{
    if (l->max_doc_bytes == 0)
        l->max_doc_bytes = CP_DEFAULT_MAX_DOC_BYTES;
    if (l->max_depth == 0)
        l->max_depth = CP_DEFAULT_MAX_DEPTH;
    if (l->max_elements == 0)
        l->max_elements = CP_DEFAULT_MAX_ELEMENTS;
    if (l->max_strtbl_bytes == 0)
        l->max_strtbl_bytes = CP_DEFAULT_MAX_STRTBL_BYTES;
    if (l->max_attr_bytes == 0)
        l->max_attr_bytes = CP_DEFAULT_MAX_ATTR_BYTES;
}

/*
 * On the C library's allocator, keep the memory of the largest freed
 * document for the next one: glibc gives the pages of a large freed
 * arena back to the kernel, and the next decode of the same size spends
 * a third of its time faulting them in again. The most kept is what the
 * largest document the limits admit may take (input + 32 B an element +
 * 8 KiB, the decoders' bound); cp_ctx_trim() frees it. Where the
 * compiler has no atomics there is no pool.
 */
static cp_status pool_for(cp_ctx *ctx)
{
    const cp_limits *l = &ctx->limits;
    size_t cap = (size_t)-1;
    if (l->max_elements <= ((size_t)-1 - 8192) / 32)
        (void)cp_add__ovf(l->max_doc_bytes, 32 * l->max_elements + 8192, &cap);
    ctx->pool = cp_pool__new(&ctx->alloc, cap);
#if defined(__GNUC__) || defined(__clang__)
    if (ctx->pool == NULL)
        return CP_E_NOMEM;
#endif
    return CP_OK;
}

CP_EXPORT cp_status cp_ctx_new_version(const cp_config *cfg, cp_ctx **out,
                                       unsigned long header_version)
{
    cp_config c;
    cp_allocator a;
    cp_ctx *ctx;
    cp_status st;
    int nset, abi;

    if (out == NULL)
        return CP_E_INVALID_ARG;
    *out = NULL;
    cp_config_init(&c);
    st = cp_config__take(&c, cfg, header_version, &abi);
    if (st != CP_OK)
        return st;
    nset = (c.allocator.alloc != NULL) + (c.allocator.realloc != NULL) +
           (c.allocator.free != NULL);
    if (nset != 0 && nset != 3)
        return CP_E_INVALID_ARG;
    if (nset == 0) {
        cp_mem__default(&a);
    } else {
        a = c.allocator;
    }
    ctx = cp_mem__alloc(&a, sizeof *ctx);
    if (ctx == NULL)
        return CP_E_NOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->alloc = a;
    ctx->limits = c.limits;
    fill_limits(&ctx->limits);
    ctx->err.offset = CP_NO_OFFSET;
    if ((c.storage.load == NULL) != (c.storage.save == NULL) ||
        (c.storage_ext.lock == NULL) != (c.storage_ext.unlock == NULL) ||
        (c.profile != CP_PROFILE_BRANDED && c.profile != CP_PROFILE_UNBRANDED) ||
        (c.tier != CP_TIER_ONE && c.tier != CP_TIER_TWO) ||
        copy_imsis(ctx, &c) != CP_OK) {
        cp_mem__free(&a, ctx);
        return CP_E_INVALID_ARG;
    }
    ctx->storage = c.storage;
    ctx->storage_ext = c.storage_ext;
    ctx->profile = c.profile;
    ctx->tier = c.tier;
    ctx->min_pinmac_digits = c.min_pinmac_digits;
    ctx->auth_compat = c.auth_compat;
    ctx->strict_validation = c.strict_validation != 0;
    ctx->abi = abi;
    if (nset == 0 && pool_for(ctx) != CP_OK) {
        cp_mem__free(&a, ctx);
        return CP_E_NOMEM;
    }
    (void)cp_limits__for_abi(&ctx->limits, abi, ctx->limits_010,
                             sizeof ctx->limits_010);
    *out = ctx;
    return CP_OK;
}

CP_EXPORT void cp_ctx_free(cp_ctx *ctx)
{
    cp_allocator a;
    if (ctx == NULL)
        return;
    cp_store__invalidate(ctx);
    cp_ctx__free_slots(ctx);
    cp_store__free(ctx);
    cp_pool__release(ctx->pool); /* documents still alive keep it */
    a = ctx->alloc;
    cp_mem__free(&a, ctx);
}

CP_EXPORT void cp_ctx_trim(cp_ctx *ctx)
{
    if (ctx != NULL)
        cp_pool__trim(ctx->pool);
}

CP_EXPORT const cp_limits *cp_ctx_limits(const cp_ctx *ctx)
{
    if (ctx == NULL)
        return NULL;
    /* A 0.1.0 caller reads the layout without struct_size. */
    return ctx->abi == CP_ABI__010 ? (const void *)ctx->limits_010
                                   : (const void *)&ctx->limits;
}

CP_EXPORT void *cp_alloc(cp_ctx *ctx, size_t n)
{
    return ctx ? cp_mem__alloc(&ctx->alloc, n) : NULL;
}

CP_EXPORT void cp_free(cp_ctx *ctx, void *p)
{
    if (ctx != NULL)
        cp_mem__free(&ctx->alloc, p);
}

cp_status cp_ctx__enter(cp_ctx *ctx)
{
#if defined(__GNUC__) || defined(__clang__)
    if (__atomic_exchange_n(&ctx->busy, 1, __ATOMIC_ACQ_REL) != 0)
        return CP_E_BUSY;
#else
    if (ctx->busy)
        return CP_E_BUSY;
    ctx->busy = 1;
#endif
    if (ctx->storage_ext.lock != NULL) {
        /* What we cached may be stale: another holder of the lock may
           have committed (or left a journal) since. */
        cp_store__invalidate(ctx);
        ctx->recovered = 0;
        if (ctx->storage_ext.lock(ctx->storage_ext.user) == CP_OK)
            ctx->lock_held = 1;
        else
            ctx->lock_failed = 1;
    }
    return CP_OK;
}

void cp_ctx__leave(cp_ctx *ctx)
{
    if (ctx->lock_held)
        ctx->storage_ext.unlock(ctx->storage_ext.user);
    ctx->lock_held = 0;
    ctx->lock_failed = 0;
#if defined(__GNUC__) || defined(__clang__)
    __atomic_store_n(&ctx->busy, 0, __ATOMIC_RELEASE);
#else
    ctx->busy = 0;
#endif
}

/* The symbol 0.1.0 programs call (their header had no macro). */
#undef cp_ctx_new
CP_EXPORT cp_status cp_ctx_new(const cp_config *cfg, cp_ctx **out);
CP_EXPORT cp_status cp_ctx_new(const cp_config *cfg, cp_ctx **out)
{
    return cp_ctx_new_version(cfg, out, CP_VERSION__0_1_0);
}
