/*
 * blob.c - the stored form of each part of the security state: the
 * payloads inside the "CPST" blobs (state.c frames, loads and saves them).
 * Readers go through the bounded reader cp_rd, so no length in a stored
 * blob can make them reach past it; any short or inconsistent payload is
 * CP_E_CORRUPT. Writers give exactly the bytes the readers take back.
 * All integers are big-endian.
 */
#include <string.h>

#include "../base/store.h"
#include "state.h"

/* ---- bounded reads (cp_rd has the octet; these the wider fields) -------- */

/* The stored forms count in octets and 16-bit values: read into size_t. */
static cp_status rd_be16(cp_rd *r, size_t *out)
{
    uint16_t v = 0;
    cp_status st = cp_rd__be16(r, &v);
    *out = v;
    return st;
}

static cp_status rd_byte(cp_rd *r, size_t *out)
{
    uint8_t c = 0;
    cp_status st = cp_rd__u8(r, &c);
    *out = c;
    return st;
}

/* ---- policies: u16 count, then (u32 id, u32 value) per set policy ------- */

cp_status cp_blob__read_policies(struct cp_trust_state *st, const uint8_t *p,
                                 size_t n, uint8_t bad[CP_POLICY_SLOTS])
{
    size_t count, i;
    uint32_t vals[CP_POLICY_SLOTS];
    uint8_t set[CP_POLICY_SLOTS];
    cp_rd r;
    cp_rd__init(&r, p, n);
    if (rd_be16(&r, &count) != CP_OK || cp_rd__left(&r) != count * 8)
        return CP_E_CORRUPT;
    memcpy(vals, st->pol, sizeof vals);
    memset(set, 0, sizeof set);
    memset(bad, 0, CP_POLICY_SLOTS);
    for (i = 0; i < count; i++) {
        uint32_t id, v;
        int k;
        if (cp_rd__be32(&r, &id) != CP_OK || cp_rd__be32(&r, &v) != CP_OK)
            return CP_E_CORRUPT;
        k = cp_policy__index(id);
        if (k < 0 || set[k])
            return CP_E_CORRUPT;
        vals[k] = v;
        set[k] = 1;
        bad[k] = !cp_policy__in_range((size_t)k, v);
    }
    memcpy(st->pol, vals, sizeof vals);
    memcpy(st->pol_set, set, sizeof set);
    return CP_OK;
}

size_t cp_blob__write_policies(const struct cp_trust_state *st,
                               uint8_t out[CP_BLOB_POLICY_MAX])
{
    size_t i, count = 0;
    for (i = 0; i < cp_policy__count(); i++) {
        if (!st->pol_set[i])
            continue;
        cp_be32__put(out + 2 + count * 8, cp_policy__id(i));
        cp_be32__put(out + 6 + count * 8, st->pol[i]);
        count++;
    }
    out[0] = (uint8_t)(count >> 8);
    out[1] = (uint8_t)count;
    return 2 + count * 8;
}

/* ---- SPC signers in memory ---------------------------------------------- */

void cp_spc__free_entry(const cp_ctx *ctx, cp_spc_entry *e)
{
    cp_mem__free(&ctx->alloc, e->cert);
    e->cert = NULL;
    e->cert_len = 0;
}

void cp_spc__clear(const cp_ctx *ctx, struct cp_trust_state *st)
{
    size_t i;
    for (i = 0; i < st->n_spc; i++)
        cp_spc__free_entry(ctx, &st->spc[i]);
    st->n_spc = 0;
}

uint8_t *cp_spc__cert_dup(const cp_ctx *ctx, const uint8_t *der,
                          size_t der_len, const char *subject,
                          size_t subject_len)
{
    uint8_t *c = cp_mem__alloc(&ctx->alloc, der_len + subject_len + 1);
    if (c == NULL)
        return NULL;
    memcpy(c, der, der_len);
    if (subject_len)
        memcpy(c + der_len, subject, subject_len);
    c[der_len + subject_len] = 0;
    return c;
}

/* ---- SPC: format 2 (thumbprint, roles, certificate, subject) or 1 ------- */

/* One format-2 signer into e (thumbprint-only when its length is 0). */
static cp_status spc_entry_v2(cp_ctx *ctx, cp_rd *r, cp_spc_entry *e)
{
    const uint8_t *der, *subject;
    size_t cl, sl;
    e->cert = NULL; /* a slot past the old count may hold a stale copy */
    e->cert_len = 0;
    if (cp_rd__copy(r, e->sha1, 20) != CP_OK || cp_rd__be32(r, &e->roles) != CP_OK ||
        rd_be16(r, &cl) != CP_OK)
        return CP_E_CORRUPT;
    if (cl > CP_SPC_CERT_MAX || cp_rd__take(r, cl, &der) != CP_OK ||
        rd_byte(r, &sl) != CP_OK || cp_rd__take(r, sl, &subject) != CP_OK ||
        memchr(subject, 0, sl) != NULL || (cl == 0 && sl != 0))
        return CP_E_CORRUPT;
    if (cl == 0)
        return CP_OK;
    e->cert = cp_spc__cert_dup(ctx, der, cl, (const char *)subject, sl);
    if (e->cert == NULL)
        return CP_E_NOMEM;
    e->cert_len = cl;
    return CP_OK;
}

static cp_status spc_v2(cp_ctx *ctx, struct cp_trust_state *st, cp_rd *r,
                        size_t count)
{
    size_t i;
    for (i = 0; i < count; i++) {
        cp_status s = spc_entry_v2(ctx, r, &st->spc[i]);
        if (s != CP_OK)
            return s;
        st->n_spc = i + 1; /* owned from here: cp_spc__clear frees it */
    }
    return cp_rd__left(r) == 0 ? CP_OK : CP_E_CORRUPT;
}

static cp_status spc_v1(struct cp_trust_state *st, cp_rd *r, size_t count)
{
    size_t i;
    if (cp_rd__left(r) != count * 24)
        return CP_E_CORRUPT;
    for (i = 0; i < count; i++) {
        if (cp_rd__copy(r, st->spc[i].sha1, 20) != CP_OK ||
            cp_rd__be32(r, &st->spc[i].roles) != CP_OK)
            return CP_E_CORRUPT; /* not reached: the length is checked */
        st->spc[i].cert = NULL;
        st->spc[i].cert_len = 0;
    }
    st->n_spc = count;
    return CP_OK;
}

cp_status cp_blob__read_spc(cp_ctx *ctx, struct cp_trust_state *st,
                            const uint8_t *p, size_t n, unsigned version)
{
    size_t count;
    cp_status s;
    cp_rd r;
    cp_rd__init(&r, p, n);
    if (rd_be16(&r, &count) != CP_OK || count > CP_SPC_MAX)
        return CP_E_CORRUPT;
    cp_spc__clear(ctx, st);
    if (version < 2)
        return spc_v1(st, &r, count);
    s = spc_v2(ctx, st, &r, count);
    if (s != CP_OK)
        cp_spc__clear(ctx, st);
    return s;
}

/* Always format 2. */
cp_status cp_blob__write_spc(const struct cp_trust_state *st, cp_buf *b)
{
    size_t i;
    cp_status s = cp_buf__putc(b, (uint8_t)(st->n_spc >> 8));
    if (!s)
        s = cp_buf__putc(b, (uint8_t)st->n_spc);
    for (i = 0; i < st->n_spc && !s; i++) {
        const cp_spc_entry *e = &st->spc[i];
        uint8_t h[26];
        size_t sl = e->cert ? strlen((const char *)e->cert + e->cert_len) : 0;
        memcpy(h, e->sha1, 20);
        cp_be32__put(h + 20, e->roles);
        h[24] = (uint8_t)(e->cert_len >> 8);
        h[25] = (uint8_t)e->cert_len;
        s = cp_buf__put(b, h, sizeof h);
        if (!s && e->cert_len)
            s = cp_buf__put(b, e->cert, e->cert_len);
        if (!s)
            s = cp_buf__putc(b, (uint8_t)sl);
        if (!s && sl)
            s = cp_buf__put(b, e->cert + e->cert_len, sl);
    }
    return s;
}

/* ---- TPS: u16 url length, url, u8 name length, name --------------------- */

cp_status cp_blob__read_tps(cp_ctx *ctx, struct cp_trust_state *st,
                            const uint8_t *p, size_t n, unsigned version)
{
    const uint8_t *url, *name;
    size_t ul, nl;
    cp_rd r;
    (void)ctx;
    (void)version;
    cp_rd__init(&r, p, n);
    if (rd_be16(&r, &ul) != CP_OK || ul == 0 || ul > CP_TPS_URL_MAX ||
        cp_rd__take(&r, ul, &url) != CP_OK || rd_byte(&r, &nl) != CP_OK ||
        nl > CP_TPS_NAME_MAX || cp_rd__left(&r) != nl ||
        cp_rd__take(&r, nl, &name) != CP_OK)
        return CP_E_CORRUPT;
    memcpy(st->tps, url, ul);
    st->tps[ul] = '\0';
    if (cp_trust__provurl_check(st->tps) != CP_OK ||
        memchr(name, 0, nl) != NULL) {
        st->tps[0] = '\0';
        return CP_E_CORRUPT;
    }
    memcpy(st->tps_name, name, nl);
    st->tps_name[nl] = '\0';
    st->has_tps = 1;
    return CP_OK;
}

size_t cp_blob__write_tps(const struct cp_trust_state *st,
                          uint8_t out[CP_BLOB_TPS_MAX])
{
    size_t ul = strlen(st->tps), nl = strlen(st->tps_name);
    out[0] = (uint8_t)(ul >> 8);
    out[1] = (uint8_t)ul;
    memcpy(out + 2, st->tps, ul);
    out[2 + ul] = (uint8_t)nl;
    memcpy(out + 3 + ul, st->tps_name, nl);
    return 3 + ul + nl;
}

/* ---- PIN counts: u8 count, then (20-octet digest, u32 failures, u32 seq) -- */

cp_status cp_blob__read_pin(cp_ctx *ctx, struct cp_trust_state *st,
                            const uint8_t *p, size_t n, unsigned version)
{
    size_t count, i;
    cp_rd r;
    (void)ctx;
    (void)version;
    cp_rd__init(&r, p, n);
    if (rd_byte(&r, &count) != CP_OK || count > CP_PIN_SLOTS ||
        cp_rd__left(&r) != count * 28)
        return CP_E_CORRUPT;
    for (i = 0; i < count; i++) {
        cp_pin_slot *sl = &st->pin[i];
        if (cp_rd__copy(&r, sl->digest, 20) != CP_OK ||
            cp_rd__be32(&r, &sl->failures) != CP_OK ||
            cp_rd__be32(&r, &sl->seq) != CP_OK)
            return CP_E_CORRUPT; /* not reached: the length is checked */
        if (sl->seq > st->pin_seq)
            st->pin_seq = sl->seq;
    }
    st->n_pin = count;
    return CP_OK;
}

size_t cp_blob__write_pin(const struct cp_trust_state *st,
                          uint8_t out[CP_BLOB_PIN_MAX])
{
    size_t i;
    out[0] = (uint8_t)st->n_pin;
    for (i = 0; i < st->n_pin; i++) {
        uint8_t *e = out + 1 + i * 28;
        memcpy(e, st->pin[i].digest, 20);
        cp_be32__put(e + 20, st->pin[i].failures);
        cp_be32__put(e + 24, st->pin[i].seq);
    }
    return 1 + st->n_pin * 28;
}

/* ---- gateways: u16 count, then (u8 length, address, u8 flags) ----------- */

cp_status cp_blob__read_gw(cp_ctx *ctx, struct cp_trust_state *st,
                           const uint8_t *p, size_t n, unsigned version)
{
    size_t count, i;
    cp_rd r;
    (void)ctx;
    (void)version;
    cp_rd__init(&r, p, n);
    if (rd_be16(&r, &count) != CP_OK || count > CP_GATEWAYS_MAX)
        return CP_E_CORRUPT;
    for (i = 0; i < count; i++) {
        const uint8_t *addr;
        size_t al, flags;
        if (rd_byte(&r, &al) != CP_OK || al == 0 ||
            al > CP_GATEWAY_ADDR_MAX || cp_rd__take(&r, al, &addr) != CP_OK ||
            rd_byte(&r, &flags) != CP_OK || memchr(addr, 0, al) != NULL)
            return CP_E_CORRUPT;
        memcpy(st->gw[i].addr, addr, al);
        st->gw[i].addr[al] = '\0';
        st->gw[i].trusted = (flags & 1) != 0;
        st->gw[i].push = (flags & 2) != 0;
    }
    if (cp_rd__left(&r) != 0)
        return CP_E_CORRUPT;
    st->n_gw = count;
    return CP_OK;
}

cp_status cp_blob__write_gw(const struct cp_trust_state *st, cp_buf *b)
{
    size_t i;
    cp_status s = cp_buf__putc(b, (uint8_t)(st->n_gw >> 8));
    if (!s)
        s = cp_buf__putc(b, (uint8_t)st->n_gw);
    for (i = 0; i < st->n_gw && !s; i++) {
        size_t al = strlen(st->gw[i].addr);
        s = cp_buf__putc(b, (uint8_t)al);
        if (!s)
            s = cp_buf__put(b, st->gw[i].addr, al);
        if (!s)
            s = cp_buf__putc(b, (uint8_t)((st->gw[i].trusted ? 1 : 0) |
                                          (st->gw[i].push ? 2 : 0)));
    }
    return s;
}

/* ---- the form of a TPS URL (stored and provisioned) --------------------- */

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

size_t cp_trust__url_scheme_len(const char *url)
{
    static const char *const schemes[] = {"https://", "http://", "wsps://",
                                          "wsp://"};
    size_t i, k;
    for (i = 0; i < 4; i++) {
        const char *s = schemes[i];
        for (k = 0; s[k] && lower((unsigned char)url[k]) == s[k]; k++)
            ;
        if (s[k] == '\0')
            return k;
    }
    return 0;
}

cp_status cp_trust__provurl_check(const char *url)
{
    size_t n = strlen(url), sl = cp_trust__url_scheme_len(url), i;
    if (n == 0 || n > CP_TPS_URL_MAX || sl == 0)
        return CP_E_BAD_DOC;
    /* a host must follow, and no control characters or spaces anywhere */
    if (url[sl] == '\0' || url[sl] == '/' || url[sl] == ':')
        return CP_E_BAD_DOC;
    for (i = 0; i < n; i++)
        if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] == 0x7F)
            return CP_E_BAD_DOC;
    return CP_OK;
}
