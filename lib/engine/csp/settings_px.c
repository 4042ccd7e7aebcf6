/*
 * settings_px.c - PXLOGICAL: a generic settings CSP that also tells the
 * trust layer which push gateways the device holds (PXPHYSICAL PXADDR,
 * PUSHENABLED) and which of them are trusted (PXLOGICAL TRUST), and lets
 * only the roles of policy 4121 change a trusted one.
 */
#include <stdio.h>
#include <string.h>

#include "settings.h"

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
        int trusted = cp_set__find_parm(lp, "TRUST") != NULL &&
                      is_on(cp_set__parm_value(lp, "TRUST"));
        const char *lpush = cp_set__parm_value(lp, "PUSHENABLED");
        for (pp = cp_node__child(lp); pp != NULL; pp = cp_node__next(pp)) {
            const char *addr, *push;
            if (pp->kind != CP_NODE_CHARACTERISTIC ||
                cp_str__casecmp(pp->key, "PXPHYSICAL") != 0)
                continue;
            addr = cp_set__parm_value(pp, "PXADDR");
            push = cp_set__parm_value(pp, "PUSHENABLED");
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
