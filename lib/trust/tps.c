/*
 * tps.c - the device's provisioning relations: the stored TPS and its
 * bootstrap rules, the PIN attempt counts per message, and the push
 * gateways provisioned through PXLOGICAL; each change saved before it is
 * reported done. Their stored forms are blob.c's.
 */
#include <stdio.h>
#include <string.h>

#include "state.h"

/* ---- TPS ---------------------------------------------------------------- */

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

cp_status cp_trust__tps_set(cp_ctx *ctx, const char *url, const char *name)
{
    struct cp_trust_state *st;
    char old_tps[CP_TPS_URL_MAX + 1], old_name[CP_TPS_NAME_MAX + 1];
    int old_has;
    size_t nl;
    cp_status s;
    if (cp_trust__provurl_check(url) != CP_OK)
        return cp_err__set(ctx, CP_E_BAD_DOC, CP_NO_OFFSET,
                           "PROVURL must be a complete http, https, wsp or "
                           "wsps URL of at most %d characters",
                           CP_TPS_URL_MAX);
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    memcpy(old_tps, st->tps, sizeof old_tps);
    memcpy(old_name, st->tps_name, sizeof old_name);
    old_has = st->has_tps;
    memcpy(st->tps, url, strlen(url) + 1);
    if (name == NULL)
        name = "";
    nl = strlen(name);
    if (nl > CP_TPS_NAME_MAX)
        nl = CP_TPS_NAME_MAX;
    memcpy(st->tps_name, name, nl);
    st->tps_name[nl] = '\0';
    st->has_tps = 1;
    s = cp_trust__save_tps(ctx);
    if (s) {
        memcpy(st->tps, old_tps, sizeof old_tps);
        memcpy(st->tps_name, old_name, sizeof old_name);
        st->has_tps = old_has;
    }
    return s;
}

/* Compare two URLs: scheme and host case-insensitively, the rest exactly,
   ignoring one trailing '/'. */
static int url_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, host_end;
    if (la && a[la - 1] == '/')
        la--;
    if (lb && b[lb - 1] == '/')
        lb--;
    if (la != lb)
        return 0;
    host_end = cp_trust__url_scheme_len(a);
    while (host_end < la && a[host_end] != '/')
        host_end++;
    for (i = 0; i < la; i++) {
        int ca = (unsigned char)a[i], cb = (unsigned char)b[i];
        if (i < host_end) {
            ca = lower(ca);
            cb = lower(cb);
        }
        if (ca != cb)
            return 0;
    }
    return 1;
}

cp_status cp_trust__tps_may_set(cp_ctx *ctx, uint32_t roles, char *why,
                                size_t cap)
{
    struct cp_trust_state *st;
    int local_manager;
    cp_status s = cp_trust__state(ctx, &st);
    if (s) {
        snprintf(why, cap, "cannot load the security state");
        return s;
    }
    if (st->has_tps) {
        snprintf(why, cap,
                 "a TPS is stored already: a second bootstrap is refused");
        return CP_E_EXISTS;
    }
    if (!(st->damaged & CP_DAMAGE_TPS))
        return CP_OK;
    local_manager = (roles & (CP_ROLE_MANAGER | CP_ROLE_EXEMPT)) != 0 &&
                    (roles & CP_ROLE_ANY_PUSH_SOURCE) == 0;
    if (local_manager)
        return CP_OK; /* the recovery path */
    snprintf(why, cap,
             "the stored TPS is damaged (unknown): only a local MANAGER may "
             "replace it");
    return cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET, "%s", why);
}

int cp_trust__tps_match(cp_ctx *ctx, const char *url)
{
    struct cp_trust_state *st;
    if (url == NULL || cp_trust__state(ctx, &st) != CP_OK || !st->has_tps)
        return 0;
    return url_equal(st->tps, url);
}

cp_status cp_tps__get(cp_ctx *ctx, char *url, size_t cap)
{
    struct cp_trust_state *st;
    cp_status s;
    size_t n;
    if (ctx == NULL || (url == NULL && cap))
        return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    if (!st->has_tps) /* a damaged TPS is not "no TPS": fail closed */
        return st->damaged & CP_DAMAGE_TPS
                   ? cp_trust__check_damage(ctx, CP_DAMAGE_TPS)
                   : CP_E_NOT_FOUND;
    n = strlen(st->tps);
    if (cap <= n)
        return CP_E_BUFFER_TOO_SMALL;
    memcpy(url, st->tps, n + 1);
    return CP_OK;
}

/* ---- PIN attempt counts ------------------------------------------------- */

static cp_pin_slot *pin_slot(struct cp_trust_state *st, const uint8_t *d)
{
    size_t i;
    for (i = 0; i < st->n_pin; i++)
        if (memcmp(st->pin[i].digest, d, 20) == 0)
            return &st->pin[i];
    return NULL;
}

static cp_status pin_table_full(cp_ctx *ctx)
{
    return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                       "%d PIN-signed messages with failed PIN attempts are "
                       "pending: no new PIN-signed message is taken until "
                       "one of them verifies",
                       CP_PIN_SLOTS);
}

cp_status cp_trust__pin_failures(cp_ctx *ctx, const uint8_t digest[20],
                                 unsigned *failures)
{
    struct cp_trust_state *st;
    const cp_pin_slot *sl;
    cp_status s = cp_trust__state(ctx, &st);
    *failures = 0;
    if (s)
        return s;
    s = cp_trust__check_damage(ctx, CP_DAMAGE_PIN);
    if (s)
        return s;
    sl = pin_slot(st, digest);
    if (sl != NULL)
        *failures = sl->failures;
    else if (st->n_pin == CP_PIN_SLOTS)
        return pin_table_full(ctx); /* never evict a live count */
    return CP_OK;
}

cp_status cp_trust__pin_note(cp_ctx *ctx, const uint8_t digest[20],
                             unsigned failures)
{
    struct cp_trust_state *st;
    cp_pin_slot *sl, old;
    int added = 0;
    cp_status s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    s = cp_trust__check_damage(ctx, CP_DAMAGE_PIN);
    if (s)
        return s;
    sl = pin_slot(st, digest);
    if (sl == NULL) {
        if (st->n_pin == CP_PIN_SLOTS)
            return pin_table_full(ctx);
        sl = &st->pin[st->n_pin++];
        memset(sl, 0, sizeof *sl);
        memcpy(sl->digest, digest, 20);
        added = 1;
    }
    old = *sl;
    sl->failures = failures;
    sl->seq = ++st->pin_seq;
    s = cp_trust__save_pin(ctx);
    if (s) { /* not stored: the caller refuses without checking the PIN,
                so memory goes back to what is stored */
        *sl = old;
        st->pin_seq--;
        if (added)
            st->n_pin--;
    }
    return s;
}

cp_status cp_trust__pin_clear(cp_ctx *ctx, const uint8_t digest[20])
{
    struct cp_trust_state *st;
    cp_pin_slot *sl;
    cp_status s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    sl = pin_slot(st, digest);
    if (sl == NULL)
        return CP_OK;
    *sl = st->pin[--st->n_pin];
    return cp_trust__save_pin(ctx);
}

/* ---- push gateways ------------------------------------------------------ */

cp_status cp_trust__gateways_set(cp_ctx *ctx, const cp_gw_entry *gw, size_t n)
{
    struct cp_trust_state *st;
    size_t i;
    cp_status s;
    if (n > CP_GATEWAYS_MAX)
        return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                           "more than %d push gateways", CP_GATEWAYS_MAX);
    for (i = 0; i < n; i++)
        if (gw[i].addr[0] == '\0' ||
            memchr(gw[i].addr, 0, sizeof gw[i].addr) == NULL)
            return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    if (n)
        memcpy(st->gw, gw, n * sizeof *gw);
    st->n_gw = n;
    return cp_trust__save_gw(ctx);
}

const cp_gw_entry *cp_trust__gateway_find(cp_ctx *ctx, const char *addr)
{
    struct cp_trust_state *st;
    size_t i;
    if (addr == NULL || cp_trust__state(ctx, &st) != CP_OK)
        return NULL;
    for (i = 0; i < st->n_gw; i++)
        if (cp_str__casecmp(st->gw[i].addr, addr) == 0)
            return &st->gw[i];
    return NULL;
}

/* ---- public entry points: one call at a time per context ---------------- */

/* The first (0.2.0) layout of cp_gateway_info, frozen. */
#define GW_INFO_MIN_SIZE CP_SIZE_THROUGH(cp_gateway_info, push_enabled)

CP_EXPORT void cp_gateway_info_init_size(cp_gateway_info *g, size_t size)
{
    cp_struct__init(g, size);
}

CP_EXPORT cp_status cp_gateway_list(cp_ctx *ctx, size_t index,
                                    cp_gateway_info *out)
{
    struct cp_trust_state *ts;
    cp_gateway_info g;
    cp_status st;
    if (ctx == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    if (cp_struct__check(NULL, "cp_gateway_info", out, GW_INFO_MIN_SIZE))
        return CP_E_VERSION;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_trust__state(ctx, &ts);
    if (!st)
        st = cp_trust__check_damage(ctx, CP_DAMAGE_GW);
    if (!st && index >= ts->n_gw)
        st = CP_E_NOT_FOUND;
    if (!st) {
        size_t n = strlen(ts->gw[index].addr);
        cp_gateway_info_init(&g);
        memcpy(g.address, ts->gw[index].addr, n + 1);
        g.trusted = ts->gw[index].trusted != 0;
        g.push_enabled = ts->gw[index].push != 0;
        st = cp_struct__give(out, &g, sizeof g, GW_INFO_MIN_SIZE);
    }
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_tps_get(cp_ctx *ctx, char *url, size_t cap)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_tps__get(ctx, url, cap);
    cp_ctx__leave(ctx);
    return st;
}
