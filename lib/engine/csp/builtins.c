/*
 * builtins.c - the built-in CSPs SecurityPolicy and BOOTSTRAP (Metabase
 * lives in metabase_csp.c, PXLOGICAL and the generic settings CSP in
 * settings*.c), the default metabase entries, and
 * cp_csp_register_builtins().
 */
#include <stdio.h>
#include <string.h>

#include "csp_int.h"

/* Who may touch each built-in CSP by default (wm-model.md 4.5, K2/M2/P5). */
#define RW (CP_RW_READ | CP_RW_WRITE)

/* ---- SecurityPolicy ------------------------------------------------------------- */

typedef struct simple {
    char err[160];
} simple;

static const char *simple_err(void *user, cp_csp_session *s)
{
    simple *c = user;
    (void)s;
    return c->err[0] ? c->err : NULL;
}

static cp_status sp_begin(void *user, cp_csp_session *s)
{
    simple *c = user;
    (void)s;
    c->err[0] = '\0';
    return CP_OK;
}

static cp_status sp_parm(void *user, cp_csp_session *s, const char *path,
                         const char *name, const char *value, void *cookie)
{
    simple *c = user;
    cp_ctx *ctx = cp_csp_ctx(s);
    uint32_t id, v;
    cp_status st;
    (void)cookie;
    if (strchr(path, '/') != NULL) {
        snprintf(c->err, sizeof c->err, "SecurityPolicy has no sub-characteristics");
        return CP_E_BAD_DOC;
    }
    if (!parse_u32(name, &id) || !parse_u32(value, &v)) {
        snprintf(c->err, sizeof c->err,
                 "policy ids and values are decimal numbers");
        return CP_E_BAD_DOC;
    }
    /* the engine checked the caller against the metabase already */
    st = cp_policy__set(ctx, id, v, CP_ROLE_EXEMPT);
    if (st == CP_E_NOT_FOUND || st == CP_E_INVALID_ARG) {
        snprintf(c->err, sizeof c->err, "%s", cp_ctx_error_message(ctx));
        return CP_E_BAD_DOC;
    }
    return st;
}

static cp_status sp_noparm(void *user, cp_csp_session *s, const char *path,
                           const char *name, void *cookie)
{
    simple *c = user;
    uint32_t id;
    (void)path;
    (void)cookie;
    int idx;
    if (!parse_u32(name, &id) || (idx = cp_policy__index(id)) < 0) {
        snprintf(c->err, sizeof c->err, "unknown policy %.40s", name);
        return CP_E_NOT_FOUND;
    }
    /*
     * SecurityPolicy CSP (WM5/6 page): noparm sets the policy to 0, the most
     * restrictive value. cp_policy__strict is that 0 for every role mask
     * and switch; where 0 is outside the policy's range (4105: 1) or less
     * restrictive than another value (AutoRun, policy 2: 0 allows), it is
     * the policy's most restrictive value instead (deliberate deviation,
     * README "Conformance"). The profile default is what cp_policy_reset
     * restores, not noparm.
     */
    return cp_policy__set(cp_csp_ctx(s), id,
                          cp_policy__strict(cp_csp_ctx(s), (size_t)idx),
                          CP_ROLE_EXEMPT);
}

static cp_status sp_query(void *user, cp_csp_session *s, const char *path,
                          const char *name, void *cookie)
{
    char b[16];
    uint32_t id, v;
    (void)user;
    (void)path;
    (void)cookie;
    if (!parse_u32(name, &id) ||
        cp_policy__get(cp_csp_ctx(s), id, &v) != CP_OK)
        return CP_E_NOT_FOUND;
    snprintf(b, sizeof b, "%lu", (unsigned long)v);
    return cp_csp_answer(s, b);
}

/*
 * Policy ids have one spelling: decimal, no sign, spaces or leading zeros.
 * "04141" reads as 4141 but would escape a metabase entry on
 * "SecurityPolicy/4141", so it is refused instead of mapped.
 */
static int sp_canon(void *user, const char *path, const char *name,
                    int request, char *out, size_t cap)
{
    const char *p;
    (void)user;
    (void)path;
    if (!request || name == NULL)
        return CP_CANON_SAME;
    for (p = name; *p >= '0' && *p <= '9'; p++)
        ;
    if (*p == '\0' && p != name && (name[0] != '0' || name[1] == '\0'))
        return CP_CANON_SAME;
    snprintf(out, cap,
             "policy id \"%.40s\" is not canonical: write it in decimal "
             "without sign, spaces or leading zeros",
             name);
    return CP_CANON_ALIAS;
}

/* ---- BOOTSTRAP -------------------------------------------------------------------- */

typedef struct boot {
    char err[160];
    char url[CP_TPS_URL_MAX + 1];
    char name[CP_TPS_NAME_MAX + 1];
    int has_url, depth;
} boot;

static const char *boot_err(void *user, cp_csp_session *s)
{
    boot *b = user;
    (void)s;
    return b->err[0] ? b->err : NULL;
}

/* A failed call never reaches boot_leave: start every call afresh. */
static cp_status boot_begin(void *user, cp_csp_session *s)
{
    boot *b = user;
    (void)s;
    b->depth = 0;
    b->has_url = 0;
    b->err[0] = '\0';
    return CP_OK;
}

static cp_status boot_enter(void *user, cp_csp_session *s, const char *path,
                            const char *type, void *pc, void **cookie)
{
    boot *b = user;
    (void)s;
    (void)path;
    (void)type;
    (void)pc;
    (void)cookie;
    if (b->depth++ == 0) {
        b->has_url = 0;
        b->name[0] = '\0';
        b->err[0] = '\0';
    }
    return CP_OK;
}

static cp_status boot_parm(void *user, cp_csp_session *s, const char *path,
                           const char *name, const char *value, void *cookie)
{
    boot *b = user;
    uint32_t v;
    (void)s;
    (void)cookie;
    if (strchr(path, '/') != NULL) {
        snprintf(b->err, sizeof b->err, "BOOTSTRAP has no sub-characteristics");
        return CP_E_BAD_DOC;
    }
    if (value == NULL)
        value = "";
    if (strcmp(name, "PROVURL") == 0) {
        if (b->has_url || cp_trust__provurl_check(value) != CP_OK) {
            snprintf(b->err, sizeof b->err,
                     b->has_url ? "only one PROVURL per BOOTSTRAP"
                                : "PROVURL must be a complete http, https, wsp "
                                  "or wsps URL of at most 256 characters");
            return CP_E_BAD_DOC;
        }
        memcpy(b->url, value, strlen(value) + 1);
        b->has_url = 1;
    } else if (strcmp(name, "NAME") == 0) {
        size_t n = strlen(value);
        if (n > CP_TPS_NAME_MAX)
            n = CP_TPS_NAME_MAX;
        memcpy(b->name, value, n);
        b->name[n] = '\0';
    } else if (strcmp(name, "CONTEXT-ALLOW") == 0) {
        if (!parse_u32(value, &v)) { /* accepted, and treated as 0 */
            snprintf(b->err, sizeof b->err, "CONTEXT-ALLOW is a number");
            return CP_E_BAD_DOC;
        }
    } else if (strcmp(name, "PROXY-ID") != 0 && strcmp(name, "NETWORK") != 0 &&
               strcmp(name, "COUNTRY") != 0) {
        snprintf(b->err, sizeof b->err, "BOOTSTRAP has no parm %.60s", name);
        return CP_E_BAD_DOC;
    }
    return CP_OK;
}

static cp_status boot_leave(void *user, cp_csp_session *s, const char *path,
                            const char *type, void *cookie)
{
    boot *b = user;
    cp_ctx *ctx = cp_csp_ctx(s);
    cp_status st;
    (void)path;
    (void)type;
    (void)cookie;
    if (b->depth > 0 && --b->depth > 0)
        return CP_OK;
    if (!b->has_url)
        return CP_OK;
    st = cp_trust__tps_may_set(ctx, cp_csp_roles(s), b->err, sizeof b->err);
    if (st)
        return st;
    return cp_trust__tps_set(ctx, b->url, b->name[0] ? b->name
                                                     : "Trust WAP Config Server");
}

static cp_status boot_query(void *user, cp_csp_session *s, const char *path,
                            const char *name, void *cookie)
{
    struct cp_trust_state *ts;
    (void)user;
    (void)path;
    (void)cookie;
    if (cp_trust__state(cp_csp_ctx(s), &ts) != CP_OK || !ts->has_tps)
        return CP_E_NOT_FOUND;
    if (strcmp(name, "PROVURL") == 0)
        return cp_csp_answer(s, ts->tps);
    if (strcmp(name, "NAME") == 0)
        return cp_csp_answer(s, ts->tps_name);
    return CP_E_NOT_FOUND;
}

static cp_status boot_char_query(void *user, cp_csp_session *s,
                                 const char *path, int recursive, void *cookie)
{
    struct cp_trust_state *ts;
    cp_status st;
    (void)user;
    (void)recursive;
    (void)cookie;
    if (strchr(path, '/') != NULL ||
        cp_trust__state(cp_csp_ctx(s), &ts) != CP_OK || !ts->has_tps)
        return CP_E_NOT_FOUND;
    st = cp_csp_emit_enter(s, "BOOTSTRAP");
    if (!st)
        st = cp_csp_emit_parm(s, "NAME", ts->tps_name);
    if (!st)
        st = cp_csp_emit_parm(s, "PROVURL", ts->tps);
    return st ? st : cp_csp_emit_leave(s);
}

/* ---- registration ----------------------------------------------------------------------- */

static void simple_free(cp_ctx *ctx, void *user)
{
    cp_mem__free(&ctx->alloc, user);
}

static cp_status reg(cp_ctx *ctx, const char *type, const cp_csp_ops *ops,
                     size_t user_size)
{
    void *u = cp_mem__alloc(&ctx->alloc, user_size);
    cp_status st;
    if (u == NULL)
        return CP_E_NOMEM;
    memset(u, 0, user_size);
    st = cp_engine__register(ctx, type, ops, u, 1, simple_free, NULL);
    if (st)
        cp_mem__free(&ctx->alloc, u);
    return st;
}

CP_EXPORT cp_status cp_csp_register_builtins(cp_ctx *ctx)
{
    static const cp_csp_ops sp_ops = {
        sizeof(cp_csp_ops), CP_CSP_INTERNAL_TX, sp_begin, NULL, NULL, sp_parm,
        sp_noparm, sp_query, NULL, NULL /* no characteristic-query: the
        SecurityPolicy CSP page (6.5) lists it as not available */,
        NULL, NULL, simple_err};
    static const cp_csp_ops boot_ops = {
        sizeof(cp_csp_ops), CP_CSP_INTERNAL_TX, boot_begin, boot_enter,
        boot_leave, boot_parm, NULL, boot_query, NULL, boot_char_query, NULL,
        NULL, boot_err};
    /*
     * Default roles, exactly as "Default Roles for Configuration Service
     * Providers" (aa455885, WM5) and the CSP pages give them (NAPDEF
     * aa455932, PXLOGICAL aa455948, SecurityPolicy bb737380, Metabase
     * bb737399, BOOTSTRAP bb737510, DMAcc bb737293, DevInfo aa455893), for
     * the shipped CSPs and for the Windows Mobile CSPs a host may run with
     * the generic settings CSP (cp_csp_register_settings "CM_GPRSEntries").
     * Types the table does not name get MANAGER read/write. doc/
     * conformance.md has the sources.
     */
#define M CP_ROLE_MANAGER
#define OP CP_ROLE_OPERATOR
#define TPS CP_ROLE_OPERATOR_TPS
#define UA CP_ROLE_USER_AUTH
    static const struct {
        const char *path;
        uint32_t roles;
        unsigned rw;
    } defaults[] = {
        {"SecurityPolicy", M, RW},
        {"Metabase", M, RW},
        {"BOOTSTRAP", M | OP | TPS, RW},
        {"PXLOGICAL", M | OP | TPS | UA, RW},
        {"NAPDEF", M | OP | TPS | UA, RW},
        {"APPLICATION", M | OP | TPS, RW},
        {"ACCESS", M | UA, RW},
        {"Bluetooth", M | UA, RW},
        {"BrowserFavorite", M | UA, RW},
        {"CertificateStore", M, RW},
        {"Clock", M | UA, RW},
        {"CM_GPRSEntries", M | TPS | UA, RW},
        {"CM_Mappings", M, RW},
        {"CM_NetEntries", M | UA, RW},
        {"CM_Networks", M | UA, RW},
        {"CM_Planner", M | UA, RW},
        {"CMPLANNER", M | UA, RW},
        {"CM_PPPEntries", M | TPS | UA, RW},
        {"CM_ProxyEntries", M | UA, RW},
        {"CM_VPNEntries", M | UA, RW},
        {"CM_WiFiEntries", M | UA, RW},
        {"DevDetail", M | OP | TPS, CP_RW_READ},
        {"DeviceInformation", M, CP_RW_READ},
        {"DevInfo", M | OP | TPS, CP_RW_READ},
        {"DMAcc", M | OP | TPS, RW},
        {"FileOperation", M, RW},
    };
#undef M
#undef OP
#undef TPS
#undef UA
    /*
     * Passwords and keys of the PROV characteristics: write-only by
     * default (CP_ROLE_EXEMPT, the device UI, still reads them). The entry
     * only takes READ away; who may write them is whoever may write the
     * characteristic above. A host changes it with cp_meta_set on the path.
     */
    static const char *const secrets[] = {
        "NAPDEF/NAPAUTHINFO/AUTHSECRET",
        "NAPDEF/WLAN/WPA-PRES-KEY-ASC",
        "NAPDEF/WLAN/WPA-PRES-KEY-HEX",
        "NAPDEF/WLAN/WEPKEY/DATA",
        "NAPDEF/WLAN/EAP/PASSWORD",
        "PXLOGICAL/PXAUTHINFO/PXAUTH-PW",
        "PXLOGICAL/PXPHYSICAL/PXAUTHINFO/PXAUTH-PW",
        "PXLOGICAL/BASAUTH-PW",
        "PXLOGICAL/BASAUTH-ID", /* PXLOGICAL page: cannot be queried */
        "PXLOGICAL/PROXY-PW",
        "APPLICATION/APPAUTH/AAUTHSECRET",
        "APPLICATION/APPAUTH/AAUTHDATA",
        "APPLICATION/RESOURCE/AAUTHSECRET",
        "APPLICATION/RESOURCE/AAUTHDATA",
    };
    cp_status st;
    size_t i;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    st = reg(ctx, "SecurityPolicy", &sp_ops, sizeof(simple));
    if (!st)
        st = cp_engine__set_canon(ctx, "SecurityPolicy", sp_canon);
    if (!st)
        st = reg(ctx, "BOOTSTRAP", &boot_ops, sizeof(boot));
    if (!st)
        st = reg(ctx, "Metabase", &cp_csp__mb_ops, cp_csp__mb_size);
    if (!st)
        st = cp_csp__pxlogical_register(ctx);
    for (i = 0; i < sizeof defaults / sizeof defaults[0] && !st; i++)
        st = cp_meta__set_default(ctx, defaults[i].path, defaults[i].roles,
                                  defaults[i].rw);
    for (i = 0; i < sizeof secrets / sizeof secrets[0] && !st; i++)
        st = cp_meta__set_default(ctx, secrets[i], 0,
                                  CP_RW_WRITE | CP_META__RW_ONLY);
    /* SecurityPolicy CSP page: every policy is an integer (METADATA) */
    if (!st)
        st = cp_meta__set_default_type(ctx, "SecurityPolicy", CP_DT_INTEGER);
    return st;
}
