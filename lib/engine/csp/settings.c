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
 *
 * This room registers the CSP and answers the engine's canonical-path
 * question; settings.h lists the other rooms of the settings CSP.
 */
#include <stdio.h>
#include <string.h>

#include "../../codec/prov.h"
#include "settings.h"

static void set_invalidate(void *user)
{
    cp_set__drop(user);
}

static void set_free(cp_ctx *ctx, void *user)
{
    cp_set__drop(user);
    cp_mem__free(&ctx->alloc, user);
}

/*
 * 1 when s[0..n) is a PROV name of attr (a characteristic type or a parm
 * name) spelled in another case: the WBXML tokens and every known reader
 * spell them in capitals, so "authsecret" would be another setting here
 * and the same one to a case-insensitive reader.
 */
static int case_alias(cp_attr attr, const char *s, size_t n)
{
    char up[48];
    uint8_t tok[2];
    size_t i;
    if (n >= sizeof up)
        return 0;
    /* most names have no lower case at all: one test per octet, no copy */
    for (i = 0; i < n && (unsigned)(s[i] - 'a') >= 26u; i++)
        ;
    if (i == n)
        return 0;
    for (i = 0; i < n; i++)
        up[i] = (char)((unsigned)(s[i] - 'a') < 26u ? s[i] - 'a' + 'A' : s[i]);
    up[n] = '\0';
    return cp_prov__find_start(attr, up, tok);
}

/*
 * The octets of v in 'a'..'z' as their high bits: for an octet x below
 * 0x80, 0xFA - x keeps its high bit while x <= 'z' and x + 0x1F gains it
 * once x >= 'a', neither borrowing nor carrying into the next octet;
 * octets from 0x80 up are masked out by ~v.
 */
static uint32_t lower_bits(uint32_t v)
{
    uint32_t t = v & 0x7F7F7F7Fu;
    return (0xFAFAFAFAu - t) & (t + 0x1F1F1F1Fu) & ~v & 0x80808080u;
}

/* 1 when s has a lower-case letter (most names have none): four octets a
   step, the last step overlapping the one before. */
static int has_lower(const char *s)
{
    size_t n = strlen(s);
    uint32_t v, last;
    if (n < 4) {
        for (; *s != '\0'; s++)
            if ((unsigned)(*s - 'a') < 26u)
                return 1;
        return 0;
    }
    for (; n > 8; s += 4, n -= 4) {
        memcpy(&v, s, 4);
        if (lower_bits(v))
            return 1;
    }
    memcpy(&v, s, 4); /* 4 <= n <= 8: the first and the last four */
    memcpy(&last, s + n - 4, 4);
    return (lower_bits(v) | lower_bits(last)) != 0;
}

/*
 * Canonical paths of the settings CSP (see cp_canon_fn). Names are
 * case-sensitive; under a PROV type (NAPDEF, PXLOGICAL, APPLICATION, ...)
 * a known PROV name in other capitals is refused; other types (a host's
 * Registry, CM_GPRSEntries) keep their names as written. An item
 * addressed by its identity (Windows Mobile addressing:
 * "NAPDEF/INTERNET/NAPAUTHINFO", NAPID = INTERNET) is the item's setting
 * path without that segment ("NAPDEF/NAPAUTHINFO").
 */
static int set_canon(void *user, const char *path, const char *name,
                     int request, char *out, size_t cap)
{
    settings *st = user;
    const char *slash = strchr(path, '/'), *rest = NULL, *p;
    size_t tl, sl;
    int ident = 0;
    if (slash != NULL && st->key != NULL && !st->is_client) {
        rest = strchr(slash + 1, '/');
        sl = rest ? (size_t)(rest - slash - 1) : strlen(slash + 1);
        if (sl < cap) {
            memcpy(out, slash + 1, sl);
            out[sl] = '\0';
            ident = cp_set__load(st) == CP_OK &&
                    cp_set__item_by_key(st, out) != NULL;
        }
    }
    if (request && st->prov) {
        /* each type below the top (an identity is a value, not a type) */
        for (p = ident ? rest : slash; p != NULL;) {
            const char *q = strchr(p + 1, '/');
            size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
            if (case_alias(CP_ATTR_TYPE, p + 1, n)) {
                snprintf(out, cap,
                         "characteristic type %.*s is not the canonical "
                         "spelling: PROV names are case-sensitive",
                         (int)(n > 60 ? 60 : n), p + 1);
                return CP_CANON_ALIAS;
            }
            p = q;
        }
        if (name != NULL && has_lower(name) &&
            case_alias(CP_ATTR_NAME, name, strlen(name))) {
            snprintf(out, cap,
                     "parm %.60s is not the canonical spelling: PROV names "
                     "are case-sensitive",
                     name);
            return CP_CANON_ALIAS;
        }
    }
    if (!ident)
        return CP_CANON_SAME;
    tl = (size_t)(slash - path); /* ident: the path has a slash */
    {
        size_t rl = rest ? strlen(rest) : 0, nl = name ? strlen(name) + 1 : 0;
        if (tl + rl + nl >= cap)
            return CP_CANON_SAME; /* the literal path is checked anyway */
        memcpy(out, path, tl);
        memcpy(out + tl, rest ? rest : "", rl);
        if (name != NULL) {
            out[tl + rl] = '/';
            memcpy(out + tl + rl + 1, name, nl);
        } else {
            out[tl + rl] = '\0';
        }
    }
    return CP_CANON_MAPPED;
}

/*
 * Windows Mobile CSPs a host may run with the settings CSP whose settings
 * form one tree (a registry, connection-manager entries, ...): documents
 * merge into it level by level. Other types keep items, as in 0.1.0.
 */
static int wm_tree_type(const char *type)
{
    static const char *const names[] = {
        "Registry",        "CM_GPRSEntries", "CM_Mappings",   "CM_NetEntries",
        "CM_Networks",     "CM_Planner",     "CMPLANNER",     "CM_PPPEntries",
        "CM_ProxyEntries", "CM_VPNEntries",  "CM_WiFiEntries", "Bluetooth",
        "BrowserFavorite", "Clock",          "CertificateStore", "DMAcc",
        "EMAIL2",          "FileOperation",  "Locale",        "Sounds",
        "Sync",            "TAPI",           "Home",          "Wi-Fi",
        "DevInfo",         "DevDetail",      "DeviceInformation"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (cp_str__casecmp(type, names[i]) == 0)
            return 1;
    return 0;
}

/*
 * A type names the blobs "s.TYPE" and "s.TYPE.N": "s.TYPE" must be a store
 * name (cp_store__name_ok), and the type at most 60 characters (types
 * longer than PAGE_TYPE_MAX are kept in one blob, without pages).
 */
static int type_ok(const char *type, size_t n)
{
    char blob[CP_STORE_NAME_MAX + 1];
    if (n == 0 || n > 60)
        return 0;
    memcpy(blob, "s.", 2);
    memcpy(blob + 2, type, n + 1);
    return cp_store__name_ok(blob);
}

/* 1 when type (n characters) is a PROV characteristic type, in any case. */
static int prov_type(const char *type, size_t n)
{
    char up[CP_TYPE_MAX + 1];
    uint8_t tok[2];
    size_t i;
    for (i = 0; i <= n; i++)
        up[i] = (char)(type[i] >= 'a' && type[i] <= 'z' ? type[i] - 'a' + 'A'
                                                        : type[i]);
    return cp_prov__find_start(CP_ATTR_TYPE, up, tok);
}

cp_status cp_csp__settings_register(cp_ctx *ctx, const char *type,
                                    cp_status (*on_commit)(settings *),
                                    settings **out)
{
    settings *st;
    size_t n = type ? strlen(type) : 0;
    cp_status e;
    if (!type_ok(type, n))
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
    st->paged = n <= PAGE_TYPE_MAX;
    st->key = cp_set__key_parm(st->type);
    st->is_app = cp_str__casecmp(st->type, "APPLICATION") == 0;
    st->is_client = cp_str__casecmp(st->type, "CLIENTIDENTITY") == 0;
    st->prov = prov_type(st->type, n);
    st->tree = !st->prov && st->key == NULL && wm_tree_type(st->type);
    st->ctx = ctx;
    st->on_commit = on_commit;
    e = cp_engine__register(ctx, type, &cp_set__ops, st, 1, set_free,
                            set_invalidate);
    if (e) {
        cp_mem__free(&ctx->alloc, st);
        return e;
    }
    e = cp_engine__set_canon(ctx, type, set_canon);
    if (e)
        return e;
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
