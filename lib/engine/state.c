/*
 * state.c - the engine's state on a context: made on first use, dropped
 * when the storage behind the context changes, freed with the context.
 *
 * It frees what the state holds (the CSP registrations, the metabase
 * tables) itself, so that the registry and the metabase both build on
 * this file and neither has to call the other.
 */
#include <string.h>

#include "engine.h"

void cp_meta__tab_free(cp_ctx *ctx, cp_meta_tab *t)
{
    size_t i;
    unsigned long gen = t->gen + 1; /* a new table: never an old gen */
    for (i = 0; i < t->cap; i++) {
        cp_mem__free(&ctx->alloc, t->slots[i].path);
        cp_mem__free(&ctx->alloc, t->slots[i].ui);
    }
    cp_mem__free(&ctx->alloc, t->slots);
    memset(t, 0, sizeof *t);
    t->gen = gen;
}

void cp_engine__free_reg(cp_ctx *ctx, cp_csp_reg *r)
{
    if (r->user_free)
        r->user_free(ctx, r->user);
    cp_mem__free(&ctx->alloc, r);
}

/* The engine floor's slot on the context (base.h, "per-floor slots"). */
static void engine_drop(cp_ctx *ctx, void *state);
static void engine_free(cp_ctx *ctx, void *state);
static const cp_slot_kind engine_slot = {"engine", engine_drop, engine_free};

/* The stored state may have changed: reload the metabase, drop caches. */
static void engine_drop(cp_ctx *ctx, void *state)
{
    cp_engine *e = state;
    size_t i;
    if (e == NULL)
        return;
    cp_meta__tab_free(ctx, &e->meta);
    e->meta_loaded = 0;
    e->meta_gen++;
    for (i = 0; i < e->n_csps; i++)
        if (e->csps[i]->invalidate)
            e->csps[i]->invalidate(e->csps[i]->user);
}

static void engine_free(cp_ctx *ctx, void *state)
{
    cp_engine *e = state;
    size_t i;
    if (e == NULL)
        return;
    (void)cp_ctx__set_slot(ctx, &engine_slot, NULL);
    for (i = 0; i < e->n_csps; i++)
        cp_engine__free_reg(ctx, e->csps[i]);
    cp_mem__free(&ctx->alloc, e->csps);
    cp_meta__tab_free(ctx, &e->meta);
    cp_meta__tab_free(ctx, &e->defaults);
    cp_mem__free(&ctx->alloc, e->pcache);
    cp_mem__free(&ctx->alloc, e);
}

cp_engine *cp_engine__peek(const cp_ctx *ctx)
{
    return cp_ctx__slot(ctx, &engine_slot);
}

cp_status cp_engine__get(cp_ctx *ctx, cp_engine **out)
{
    cp_engine *e = cp_engine__peek(ctx);
    if (e == NULL) {
        cp_status st;
        e = cp_mem__alloc(&ctx->alloc, sizeof *e);
        if (e == NULL)
            return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                               "out of memory for the engine");
        memset(e, 0, sizeof *e);
        st = cp_ctx__set_slot(ctx, &engine_slot, e);
        if (st != CP_OK) {
            cp_mem__free(&ctx->alloc, e);
            return cp_err__set(ctx, st, CP_NO_OFFSET,
                               "no context slot for the engine");
        }
    }
    *out = e;
    return CP_OK;
}
