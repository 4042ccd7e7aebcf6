/*
 * policy.c - the values of the security policies in force: list, get,
 * set and reset, with the roles a change needs. The table (ids, ranges,
 * defaults) is ptab.c's; the one fail-closed read of a value,
 * cp_policy__read, is state.c's.
 */
#include <string.h>

#include "state.h"

cp_status cp_policy__list(cp_ctx *ctx, size_t index, cp_policy_desc *out)
{
    uint32_t v;
    cp_status s;
    if (ctx == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    if (index >= cp_policy__count())
        return CP_E_NOT_FOUND;
    s = cp_policy__read(ctx, index, &v);
    if (s)
        return s;
    cp_policy__describe(ctx, index, out);
    out->value = v;
    return CP_OK;
}

cp_status cp_policy__get(cp_ctx *ctx, uint32_t id, uint32_t *value)
{
    uint32_t v;
    cp_status s;
    int i;
    if (ctx == NULL || value == NULL)
        return CP_E_INVALID_ARG;
    i = cp_policy__index(id);
    if (i < 0)
        return cp_err__set(ctx, CP_E_NOT_FOUND, CP_NO_OFFSET,
                           "unknown policy %lu", (unsigned long)id);
    s = cp_policy__read(ctx, (size_t)i, &v);
    if (s)
        return s;
    *value = v;
    return CP_OK;
}

static cp_status may_set(cp_ctx *ctx, size_t i, uint32_t roles)
{
    uint32_t eff, need = cp_policy__set_roles(i);
    if (roles & CP_ROLE_EXEMPT)
        return CP_OK;
    eff = cp_roles__effective(ctx, roles);
    if ((eff & need) == 0)
        return cp_err__set(ctx, CP_E_ACCESS_DENIED, CP_NO_OFFSET,
                           "policy %lu may only be changed by role mask 0x%lx "
                           "(caller has 0x%lx)",
                           (unsigned long)cp_policy__id(i),
                           (unsigned long)need, (unsigned long)eff);
    return CP_OK;
}

static cp_status store(cp_ctx *ctx, size_t i, uint32_t value, int explicit_set)
{
    struct cp_trust_state *st;
    uint32_t old_v;
    uint8_t old_set;
    cp_status s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    old_v = st->pol[i];
    old_set = st->pol_set[i];
    st->pol[i] = value;
    st->pol_set[i] = (uint8_t)explicit_set;
    s = cp_trust__save_policies(ctx);
    if (s) {
        st->pol[i] = old_v;
        st->pol_set[i] = old_set;
    }
    return s;
}

cp_status cp_policy__set(cp_ctx *ctx, uint32_t id, uint32_t value,
                         uint32_t roles)
{
    int i;
    cp_status s;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    i = cp_policy__index(id);
    if (i < 0)
        return cp_err__set(ctx, CP_E_NOT_FOUND, CP_NO_OFFSET,
                           "unknown policy %lu", (unsigned long)id);
    s = may_set(ctx, (size_t)i, roles);
    if (s)
        return s;
    if (!cp_policy__in_range((size_t)i, value))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "value %lu out of range for policy %lu",
                           (unsigned long)value, (unsigned long)id);
    return store(ctx, (size_t)i, value, 1);
}

cp_status cp_policy__reset(cp_ctx *ctx, uint32_t id, uint32_t roles)
{
    int i;
    cp_status s;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    i = cp_policy__index(id);
    if (i < 0)
        return cp_err__set(ctx, CP_E_NOT_FOUND, CP_NO_OFFSET,
                           "unknown policy %lu", (unsigned long)id);
    s = may_set(ctx, (size_t)i, roles);
    if (s)
        return s;
    return store(ctx, (size_t)i, cp_policy__default(ctx, (size_t)i), 0);
}

/* ---- public entry points: one call at a time per context ---------------- */

/* cp_policy_desc as 0.1.0 laid it out (no struct_size), frozen. */
typedef struct desc_010 {
    uint32_t id;
    const char *name, *meaning;
    int is_mask;
    uint32_t value, default_value, min, max, set_roles;
    const char *source;
} desc_010;

/* The first layout with struct_size (0.2.0), frozen. */
#define DESC_MIN_SIZE CP_SIZE_THROUGH(cp_policy_desc, source)

static void give_desc(const cp_ctx *ctx, cp_policy_desc *out,
                      const cp_policy_desc *d)
{
    desc_010 o;
    if (ctx->abi != CP_ABI__010) {
        cp_struct__fill(ctx, out, d, sizeof *d, DESC_MIN_SIZE);
        return;
    }
    o.id = d->id;
    o.name = d->name;
    o.meaning = d->meaning;
    o.is_mask = d->is_mask;
    o.value = d->value;
    o.default_value = d->default_value;
    o.min = d->min;
    o.max = d->max;
    o.set_roles = d->set_roles;
    o.source = d->source;
    memcpy(out, &o, sizeof o);
}

CP_EXPORT cp_status cp_policy_list(cp_ctx *ctx, size_t index,
                                   cp_policy_desc *out)
{
    cp_policy_desc d;
    cp_status st;
    if (ctx == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    st = cp_policy__list(ctx, index, &d);
    cp_ctx__leave(ctx);
    if (st == CP_OK)
        give_desc(ctx, out, &d);
    return st;
}

CP_EXPORT cp_status cp_policy_get(cp_ctx *ctx, uint32_t id, uint32_t *value)
{
    cp_status st;
    if (ctx == NULL || value == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_policy__get(ctx, id, value);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_policy_set(cp_ctx *ctx, uint32_t id, uint32_t value,
                                  uint32_t roles)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_policy__set(ctx, id, value, roles);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_policy_reset(cp_ctx *ctx, uint32_t id, uint32_t roles)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_policy__reset(ctx, id, roles);
    cp_ctx__leave(ctx);
    return st;
}
