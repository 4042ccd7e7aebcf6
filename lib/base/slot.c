/*
 * slot.c - per-floor slots on a context: the floors above base keep their
 * state for a context here (base.h, cp_slot_kind), so base names none of
 * them and only calls the hooks they registered.
 */
#include "base.h"

void *cp_ctx__slot(const cp_ctx *ctx, const cp_slot_kind *kind)
{
    size_t i;
    for (i = 0; i < CP_CTX_SLOTS; i++)
        if (ctx->slots[i].kind == kind)
            return ctx->slots[i].state;
    return NULL;
}

cp_status cp_ctx__set_slot(cp_ctx *ctx, const cp_slot_kind *kind, void *state)
{
    size_t i, free_at = CP_CTX_SLOTS;
    for (i = 0; i < CP_CTX_SLOTS; i++) {
        if (ctx->slots[i].kind == kind) {
            free_at = i;
            break;
        }
        if (ctx->slots[i].kind == NULL && free_at == CP_CTX_SLOTS)
            free_at = i;
    }
    if (free_at == CP_CTX_SLOTS)
        return CP_E_LIMIT;
    ctx->slots[free_at].kind = state != NULL ? kind : NULL;
    ctx->slots[free_at].state = state;
    return CP_OK;
}

void cp_ctx__drop_slots(cp_ctx *ctx)
{
    size_t i;
    for (i = 0; i < CP_CTX_SLOTS; i++) {
        cp_slot sl = ctx->slots[i];
        if (sl.kind != NULL && sl.kind->drop != NULL)
            sl.kind->drop(ctx, sl.state);
    }
}

/* Upper floors last made, first freed. */
void cp_ctx__free_slots(cp_ctx *ctx)
{
    size_t i = CP_CTX_SLOTS;
    while (i-- > 0) {
        cp_slot sl = ctx->slots[i];
        ctx->slots[i].kind = NULL;
        ctx->slots[i].state = NULL;
        if (sl.kind != NULL && sl.kind->free != NULL)
            sl.kind->free(ctx, sl.state);
    }
}
