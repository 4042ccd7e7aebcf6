/*
 * state.c - persisted security state: policies, SPC store, TPS and PIN
 * counters, each kept as one named blob through the ctx storage hooks.
 *
 * Blob layout (all integers big-endian, so a blob moves between hosts):
 *   "CPST"  magic
 *   u8      kind (1 policies, 2 SPC, 3 TPS, 4 PIN)
 *   u8      format version (1; the SPC store writes 2 and still reads 1)
 *   u32     payload length
 *   payload
 *   u32     CRC-32 (IEEE) of everything before it
 * A blob with another magic, kind, version, length or CRC is refused as
 * corrupt or foreign, and so is a policy value out of its documented
 * range. Damaged state never falls back to the defaults: it takes its
 * most restrictive reading, decided in one place, cp_trust__damaged()
 * (see "damaged state" below).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../base/store.h"
#include "authenticode.h"
#include "state.h"

enum { K_POLICY = 1, K_SPC = 2, K_TPS = 3, K_PIN = 4, K_GW = 5 };
#define BLOB_VERSION 1
#define BLOB_HDR 10
#define BLOB_MAX 4096
/*
 * SPC format 2 (0.2.0) adds each signer's certificate and subject:
 *   u16 count, then per signer: 20-octet thumbprint, u32 roles,
 *   u16 certificate length (0: thumbprint only), DER, u8 subject length,
 *   subject. Format 1 (u16 count, then thumbprint and roles) still loads.
 */
#define SPC_VERSION 2
#define SPC_ENTRY_MAX (20 + 4 + 2 + CP_SPC_CERT_MAX + 1 + CP_SPC_SUBJECT_MAX)
#define SPC_BLOB_MAX (2 + CP_SPC_MAX * SPC_ENTRY_MAX)

static unsigned blob_version(int kind)
{
    return kind == K_SPC ? SPC_VERSION : BLOB_VERSION;
}

static size_t blob_max(int kind)
{
    return kind == K_SPC ? SPC_BLOB_MAX : BLOB_MAX;
}

static const char *const blob_names[] = {"", "policy", "spc", "tps", "pin",
                                          "gateways"};

/* What a damaged blob of each kind means from now on (cp_trust__damaged). */
static const char *const damage_text[] = {
    "",
    "every policy takes its most restrictive value until a MANAGER sets or "
    "resets it",
    "signed .cpf files get no roles until a signer is added or removed",
    "the device counts as bootstrapped with an unknown TPS (see cp_tps_get)",
    "PIN-signed messages are refused until the stored \"pin\" blob is "
    "removed",
    "no push gateway is known or trusted until PXLOGICAL is provisioned "
    "again"};

static uint32_t damage_bit(int kind)
{
    return 1u << (kind - 1); /* K_POLICY -> CP_DAMAGE_POLICY, ... */
}

typedef char static_assert_damage[(CP_DAMAGE_GW == 1u << (K_GW - 1) &&
                                   CP_DAMAGE_PIN == 1u << (K_PIN - 1) &&
                                   CP_DAMAGE_TPS == 1u << (K_TPS - 1) &&
                                   CP_DAMAGE_SPC == 1u << (K_SPC - 1))
                                      ? 1
                                      : -1];

#define crc32_ieee cp_crc32__ieee
#define put32 cp_be32__put
#define get32 cp_be32__get

/* Wrap payload into a blob and save it (heap buffer: bounded stack). */
static cp_status save_blob(cp_ctx *ctx, int kind, const uint8_t *payload,
                           size_t len)
{
    uint8_t *blob;
    cp_status s;
    if (len > blob_max(kind))
        return CP_E_INTERNAL;
    blob = cp_mem__alloc(&ctx->alloc, BLOB_HDR + len + 4);
    if (blob == NULL)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory saving the %s state",
                           blob_names[kind]);
    memcpy(blob, "CPST", 4);
    blob[4] = (uint8_t)kind;
    blob[5] = (uint8_t)blob_version(kind);
    put32(blob + 6, (uint32_t)len);
    if (len)
        memcpy(blob + BLOB_HDR, payload, len);
    put32(blob + BLOB_HDR + len, crc32_ieee(blob, BLOB_HDR + len));
    s = cp_store__save(ctx, blob_names[kind], blob, BLOB_HDR + len + 4);
    cp_mem__free(&ctx->alloc, blob);
    if (s != CP_OK) {
        char why[CP_ERRMSG_MAX]; /* the store's words */
        snprintf(why, sizeof why, "%s", cp_ctx_error_message(ctx));
        return cp_err__set(ctx, s, CP_NO_OFFSET,
                           "cannot save the %s state (%s)", blob_names[kind],
                           why);
    }
    /* What is stored now is what is in force: no longer damaged (damaged
       policies are saved pinned to their strict values, as set). */
    ctx->trust->damaged &= ~damage_bit(kind);
    return CP_OK;
}

/*
 * Load a blob and hand its payload to parse. CP_E_NOT_FOUND when absent
 * (defaults stay), CP_E_CORRUPT when it is not a valid blob of that kind.
 */
typedef cp_status (*parse_fn)(cp_ctx *, struct cp_trust_state *,
                              const uint8_t *, size_t, unsigned version);

static cp_status load_blob(cp_ctx *ctx, int kind, parse_fn parse)
{
    cp_buf b;
    uint32_t plen;
    size_t n;
    cp_status s;
    cp_buf__init(&b, &ctx->alloc);
    s = cp_store__load(ctx, blob_names[kind], &b);
    n = b.len;
    if (s == CP_E_NOT_FOUND || (s == CP_OK && n == 0)) {
        s = CP_E_NOT_FOUND; /* nothing stored: defaults */
    } else if (s == CP_E_NOMEM) {
        s = cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                        "out of memory loading the %s state",
                        blob_names[kind]);
    } else if (s != CP_OK) {
        char why[CP_ERRMSG_MAX]; /* the store's words */
        snprintf(why, sizeof why, "%s", cp_ctx_error_message(ctx));
        s = cp_err__set(ctx, s, CP_NO_OFFSET, "cannot load the %s state (%s)",
                        blob_names[kind], why);
    } else if (n < BLOB_HDR + 4 || memcmp(b.p, "CPST", 4) != 0 ||
               b.p[4] != (uint8_t)kind || b.p[5] < 1 ||
               b.p[5] > blob_version(kind)) {
        cp_trust__damaged(ctx, ctx->trust, damage_bit(kind), -1);
        s = cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                        "stored %s state has a foreign format; %s",
                        blob_names[kind], damage_text[kind]);
    } else if ((plen = get32(b.p + 6)) != n - BLOB_HDR - 4 ||
               plen > blob_max(kind) ||
               get32(b.p + n - 4) != crc32_ieee(b.p, n - 4) ||
               (s = parse(ctx, ctx->trust, b.p + BLOB_HDR, plen, b.p[5])) ==
                   CP_E_CORRUPT) {
        cp_trust__damaged(ctx, ctx->trust, damage_bit(kind), -1);
        s = cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                        "stored %s state is corrupt; %s", blob_names[kind],
                        damage_text[kind]);
    } else if (s == CP_E_LIMIT) { /* parse_policies: a value out of range */
        s = cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                        "stored %s state holds a value out of range for "
                        "policy %lu; it takes its most restrictive value",
                        blob_names[kind],
                        (unsigned long)ctx->trust->bad_policy);
    }
    cp_buf__free(&b);
    return s;
}

/* ---- policies: u16 count, then (u32 id, u32 value) per set policy ------ */

/*
 * CP_E_LIMIT: loaded, but a value was out of its policy's range; that
 * policy is damaged (st->bad_policy names the first).
 */
static cp_status parse_policies(cp_ctx *ctx, struct cp_trust_state *st,
                                const uint8_t *p, size_t n,
                                unsigned version)
{
    (void)version;
    size_t count, i;
    uint32_t vals[CP_POLICY_SLOTS];
    uint8_t set[CP_POLICY_SLOTS], bad[CP_POLICY_SLOTS];
    cp_status s = CP_OK;
    if (n < 2)
        return CP_E_CORRUPT;
    count = ((size_t)p[0] << 8) | p[1];
    if (n != 2 + count * 8)
        return CP_E_CORRUPT;
    memcpy(vals, st->pol, sizeof vals);
    memset(set, 0, sizeof set);
    memset(bad, 0, sizeof bad);
    for (i = 0; i < count; i++) {
        int k = cp_policy__index(get32(p + 2 + i * 8));
        if (k < 0 || set[k])
            return CP_E_CORRUPT;
        vals[k] = get32(p + 6 + i * 8);
        set[k] = 1;
        bad[k] = !cp_policy__in_range((size_t)k, vals[k]);
    }
    memcpy(st->pol, vals, sizeof vals);
    memcpy(st->pol_set, set, sizeof set);
    for (i = 0; i < cp_policy__count(); i++) {
        if (!bad[i])
            continue;
        if (s == CP_OK)
            st->bad_policy = cp_policy__id(i);
        cp_trust__damaged(ctx, st, CP_DAMAGE_POLICY, (int)i);
        s = CP_E_LIMIT;
    }
    return s;
}

cp_status cp_trust__save_policies(cp_ctx *ctx)
{
    uint8_t buf[2 + CP_POLICY_SLOTS * 8];
    size_t i, count = 0;
    struct cp_trust_state *st = ctx->trust;
    for (i = 0; i < cp_policy__count(); i++) {
        if (!st->pol_set[i])
            continue;
        put32(buf + 2 + count * 8, cp_policy__id(i));
        put32(buf + 6 + count * 8, st->pol[i]);
        count++;
    }
    buf[0] = (uint8_t)(count >> 8);
    buf[1] = (uint8_t)count;
    return save_blob(ctx, K_POLICY, buf, 2 + count * 8);
}

/* ---- SPC: u16 count, then (20 octets, u32 roles) ----------------------- */

static void spc_free_entry(const cp_ctx *ctx, cp_spc_entry *e)
{
    cp_mem__free(&ctx->alloc, e->cert);
    e->cert = NULL;
    e->cert_len = 0;
}

/* Forget every signer (their certificates go back to the allocator). */
static void spc_clear(const cp_ctx *ctx, struct cp_trust_state *st)
{
    size_t i;
    for (i = 0; i < st->n_spc; i++)
        spc_free_entry(ctx, &st->spc[i]);
    st->n_spc = 0;
}

/* One allocation: der, then subject and its NUL. */
static uint8_t *spc_cert_dup(const cp_ctx *ctx, const uint8_t *der,
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

static cp_status parse_spc_v2(cp_ctx *ctx, struct cp_trust_state *st,
                              const uint8_t *p, size_t n, size_t count)
{
    size_t i, off = 2;
    for (i = 0; i < count; i++) {
        size_t cl, sl;
        cp_spc_entry *e = &st->spc[i];
        if (n - off < 26)
            return CP_E_CORRUPT;
        memcpy(e->sha1, p + off, 20);
        e->roles = get32(p + off + 20);
        cl = ((size_t)p[off + 24] << 8) | p[off + 25];
        off += 26;
        if (cl > CP_SPC_CERT_MAX || n - off < cl + 1)
            return CP_E_CORRUPT;
        sl = p[off + cl];
        if (n - off - cl - 1 < sl || memchr(p + off + cl + 1, 0, sl) != NULL ||
            (cl == 0 && sl != 0))
            return CP_E_CORRUPT;
        if (cl) {
            e->cert = spc_cert_dup(ctx, p + off, cl,
                                   (const char *)p + off + cl + 1, sl);
            if (e->cert == NULL)
                return CP_E_NOMEM;
            e->cert_len = cl;
        }
        st->n_spc = i + 1; /* owned from here: spc_clear frees it */
        off += cl + 1 + sl;
    }
    return off == n ? CP_OK : CP_E_CORRUPT;
}

static cp_status parse_spc(cp_ctx *ctx, struct cp_trust_state *st,
                           const uint8_t *p, size_t n, unsigned version)
{
    size_t count, i;
    cp_status s;
    if (n < 2)
        return CP_E_CORRUPT;
    count = ((size_t)p[0] << 8) | p[1];
    if (count > CP_SPC_MAX)
        return CP_E_CORRUPT;
    spc_clear(ctx, st);
    if (version >= 2) {
        s = parse_spc_v2(ctx, st, p, n, count);
        if (s != CP_OK)
            spc_clear(ctx, st);
        return s;
    }
    if (n != 2 + count * 24)
        return CP_E_CORRUPT;
    for (i = 0; i < count; i++) {
        memcpy(st->spc[i].sha1, p + 2 + i * 24, 20);
        st->spc[i].roles = get32(p + 22 + i * 24);
        st->spc[i].cert = NULL;
        st->spc[i].cert_len = 0;
    }
    st->n_spc = count;
    return CP_OK;
}

cp_status cp_trust__save_spc(cp_ctx *ctx)
{
    struct cp_trust_state *st = ctx->trust;
    size_t i;
    cp_status s;
    cp_buf b;
    cp_buf__init(&b, &ctx->alloc);
    s = cp_buf__putc(&b, (uint8_t)(st->n_spc >> 8));
    if (!s)
        s = cp_buf__putc(&b, (uint8_t)st->n_spc);
    for (i = 0; i < st->n_spc && !s; i++) {
        const cp_spc_entry *e = &st->spc[i];
        uint8_t h[26];
        size_t sl = e->cert ? strlen((const char *)e->cert + e->cert_len) : 0;
        memcpy(h, e->sha1, 20);
        put32(h + 20, e->roles);
        h[24] = (uint8_t)(e->cert_len >> 8);
        h[25] = (uint8_t)e->cert_len;
        s = cp_buf__put(&b, h, sizeof h);
        if (!s && e->cert_len)
            s = cp_buf__put(&b, e->cert, e->cert_len);
        if (!s)
            s = cp_buf__putc(&b, (uint8_t)sl);
        if (!s && sl)
            s = cp_buf__put(&b, e->cert + e->cert_len, sl);
    }
    if (s)
        s = cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                        "out of memory saving the SPC store");
    else
        s = save_blob(ctx, K_SPC, b.p, b.len);
    cp_buf__free(&b);
    return s;
}

/* ---- TPS: u16 url length, url, u8 name length, name -------------------- */

static cp_status parse_tps(cp_ctx *ctx, struct cp_trust_state *st,
                           const uint8_t *p, size_t n,
                           unsigned version)
{
    (void)version;
    size_t ul, nl;
    (void)ctx;
    if (n < 3)
        return CP_E_CORRUPT;
    ul = ((size_t)p[0] << 8) | p[1];
    if (ul == 0 || ul > CP_TPS_URL_MAX || n < 3 + ul)
        return CP_E_CORRUPT;
    nl = p[2 + ul];
    if (nl > CP_TPS_NAME_MAX || n != 3 + ul + nl)
        return CP_E_CORRUPT;
    memcpy(st->tps, p + 2, ul);
    st->tps[ul] = '\0';
    if (cp_trust__provurl_check(st->tps) != CP_OK ||
        memchr(p + 3 + ul, 0, nl) != NULL) {
        st->tps[0] = '\0';
        return CP_E_CORRUPT;
    }
    memcpy(st->tps_name, p + 3 + ul, nl);
    st->tps_name[nl] = '\0';
    st->has_tps = 1;
    return CP_OK;
}

cp_status cp_trust__save_tps(cp_ctx *ctx)
{
    uint8_t buf[3 + CP_TPS_URL_MAX + CP_TPS_NAME_MAX];
    struct cp_trust_state *st = ctx->trust;
    size_t ul = strlen(st->tps), nl = strlen(st->tps_name);
    buf[0] = (uint8_t)(ul >> 8);
    buf[1] = (uint8_t)ul;
    memcpy(buf + 2, st->tps, ul);
    buf[2 + ul] = (uint8_t)nl;
    memcpy(buf + 3 + ul, st->tps_name, nl);
    return save_blob(ctx, K_TPS, buf, 3 + ul + nl);
}

/* ---- PIN counts: u8 count, then (20-octet digest, u32 failures, u32 seq) -- */

static cp_status parse_pin(cp_ctx *ctx, struct cp_trust_state *st,
                           const uint8_t *p, size_t n,
                           unsigned version)
{
    (void)version;
    size_t count, i;
    (void)ctx;
    if (n < 1)
        return CP_E_CORRUPT;
    count = p[0];
    if (count > CP_PIN_SLOTS || n != 1 + count * 28)
        return CP_E_CORRUPT;
    for (i = 0; i < count; i++) {
        const uint8_t *e = p + 1 + i * 28;
        memcpy(st->pin[i].digest, e, 20);
        st->pin[i].failures = get32(e + 20);
        st->pin[i].seq = get32(e + 24);
        if (st->pin[i].seq > st->pin_seq)
            st->pin_seq = st->pin[i].seq;
    }
    st->n_pin = count;
    return CP_OK;
}

cp_status cp_trust__save_pin(cp_ctx *ctx)
{
    uint8_t buf[1 + CP_PIN_SLOTS * 28];
    struct cp_trust_state *st = ctx->trust;
    size_t i;
    buf[0] = (uint8_t)st->n_pin;
    for (i = 0; i < st->n_pin; i++) {
        uint8_t *e = buf + 1 + i * 28;
        memcpy(e, st->pin[i].digest, 20);
        put32(e + 20, st->pin[i].failures);
        put32(e + 24, st->pin[i].seq);
    }
    return save_blob(ctx, K_PIN, buf, 1 + st->n_pin * 28);
}

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

/* ---- gateways: u16 count, then (u8 length, address, u8 flags) ---------- */

static cp_status parse_gw(cp_ctx *ctx, struct cp_trust_state *st,
                          const uint8_t *p, size_t n,
                          unsigned version)
{
    (void)version;
    size_t count, i, off = 2;
    (void)ctx;
    if (n < 2)
        return CP_E_CORRUPT;
    count = ((size_t)p[0] << 8) | p[1];
    if (count > CP_GATEWAYS_MAX)
        return CP_E_CORRUPT;
    for (i = 0; i < count; i++) {
        size_t al;
        if (off >= n)
            return CP_E_CORRUPT;
        al = p[off++];
        if (al == 0 || al > CP_GATEWAY_ADDR_MAX || n - off < al + 1 ||
            memchr(p + off, 0, al) != NULL)
            return CP_E_CORRUPT;
        memcpy(st->gw[i].addr, p + off, al);
        st->gw[i].addr[al] = '\0';
        off += al;
        st->gw[i].trusted = (p[off] & 1) != 0;
        st->gw[i].push = (p[off] & 2) != 0;
        off++;
    }
    if (off != n)
        return CP_E_CORRUPT;
    st->n_gw = count;
    return CP_OK;
}

static cp_status save_gw(cp_ctx *ctx)
{
    struct cp_trust_state *st = ctx->trust;
    cp_buf b;
    size_t i;
    cp_status s;
    cp_buf__init(&b, &ctx->alloc);
    s = cp_buf__putc(&b, (uint8_t)(st->n_gw >> 8));
    if (!s)
        s = cp_buf__putc(&b, (uint8_t)st->n_gw);
    for (i = 0; i < st->n_gw && !s; i++) {
        size_t al = strlen(st->gw[i].addr);
        s = cp_buf__putc(&b, (uint8_t)al);
        if (!s)
            s = cp_buf__put(&b, st->gw[i].addr, al);
        if (!s)
            s = cp_buf__putc(&b, (uint8_t)((st->gw[i].trusted ? 1 : 0) |
                                           (st->gw[i].push ? 2 : 0)));
    }
    if (!s)
        s = save_blob(ctx, K_GW, b.p, b.len);
    cp_buf__free(&b);
    return s;
}

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
    return save_gw(ctx);
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

/* ---- loading ------------------------------------------------------------ */

static cp_status load_one(cp_ctx *ctx, int kind, parse_fn parse)
{
    cp_status s = load_blob(ctx, kind, parse);
    return s == CP_E_NOT_FOUND ? CP_OK : s;
}

/* ---- damaged state -------------------------------------------------------- */

void cp_trust__damaged(const cp_ctx *ctx, struct cp_trust_state *st,
                       uint32_t mask, int policy)
{
    size_t i;
    st->damaged |= mask;
    if (mask & CP_DAMAGE_POLICY) {
        /* pinned as set, so a later save keeps them until a MANAGER
           sets or resets each */
        for (i = 0; i < cp_policy__count(); i++) {
            if (policy >= 0 && (size_t)policy != i)
                continue;
            st->pol[i] = cp_policy__strict(ctx, i);
            st->pol_set[i] = 1;
        }
    }
    if (mask & CP_DAMAGE_SPC)
        spc_clear(ctx, st);
    if (mask & CP_DAMAGE_TPS) { /* bootstrapped, TPS unknown */
        st->has_tps = 0;
        memset(st->tps, 0, sizeof st->tps);
        memset(st->tps_name, 0, sizeof st->tps_name);
    }
    if (mask & CP_DAMAGE_PIN)
        st->n_pin = 0; /* and every PIN-signed message is refused */
    if (mask & CP_DAMAGE_GW)
        st->n_gw = 0;
}

cp_status cp_trust__check_damage(cp_ctx *ctx, uint32_t mask)
{
    static const char *const why[] = {
        "the stored policies are damaged",
        "the stored SPC store is damaged: signed .cpf files get no roles "
        "until a MANAGER adds or removes a signer (cp_spc_add, "
        "cp_spc_remove), which rewrites it",
        "the stored TPS is damaged: the device counts as bootstrapped with "
        "an unknown TPS; recover by processing a BOOTSTRAP with the PROVURL "
        "from a local MANAGER source (cp_process_config_xml with the roles "
        "of CP_SOURCE_API_PRIVILEGED or CP_SOURCE_BOOT), which replaces it",
        "the stored PIN attempt counts are damaged: PIN-signed messages are "
        "refused until the host removes the stored \"pin\" blob",
        "the stored push gateway list is damaged"};
    struct cp_trust_state *st;
    size_t k;
    cp_status s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    for (k = 0; k < sizeof why / sizeof why[0]; k++)
        if (mask & st->damaged & (1u << k))
            return cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET, "%s", why[k]);
    return CP_OK;
}

static void set_defaults(cp_ctx *ctx, struct cp_trust_state *st)
{
    size_t i;
    if (st->loaded)
        spc_clear(ctx, st);
    memset(st, 0, sizeof *st);
    for (i = 0; i < cp_policy__count(); i++)
        st->pol[i] = cp_policy__default(ctx, i);
}

/* Load every blob; the first failure is returned, the rest still load. */
static cp_status load_all(cp_ctx *ctx)
{
    static const struct {
        int kind;
        parse_fn parse;
    } parts[] = {{K_POLICY, parse_policies},
                 {K_SPC, parse_spc},
                 {K_TPS, parse_tps},
                 {K_PIN, parse_pin},
                 {K_GW, parse_gw}};
    cp_status first = CP_OK;
    cp_error_detail saved;
    size_t i;
    set_defaults(ctx, ctx->trust);
    ctx->trust->loaded = 1;
    for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        cp_status s = load_one(ctx, parts[i].kind, parts[i].parse);
        if (s && first == CP_OK) {
            first = s;
            saved = ctx->err;
        }
    }
    if (first)
        ctx->err = saved;
    return first;
}

static void trust_free(cp_ctx *ctx)
{
    if (ctx->trust != NULL) {
        if (ctx->trust->loaded)
            spc_clear(ctx, ctx->trust);
        /* PIN digests and counters are not secret, but wipe anyway. */
        memset(ctx->trust, 0, sizeof *ctx->trust);
        cp_mem__free(&ctx->alloc, ctx->trust);
        ctx->trust = NULL;
    }
}

cp_status cp_trust__state(cp_ctx *ctx, struct cp_trust_state **out)
{
    if (ctx->trust == NULL) {
        ctx->trust = cp_mem__alloc(&ctx->alloc, sizeof *ctx->trust);
        if (ctx->trust == NULL) {
            *out = NULL;
            return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                               "out of memory for the security state");
        }
        memset(ctx->trust, 0, sizeof *ctx->trust);
        ctx->trust_free = trust_free;
        {
            /* A corrupt blob leaves its defaults (and is reported by
               cp_state_load); a blob that could not be read at all must
               not silently fall back to the defaults: fail closed. */
            cp_status s = load_all(ctx);
            if (s != CP_OK && s != CP_E_CORRUPT) {
                trust_free(ctx);
                *out = NULL;
                return s;
            }
        }
    }
    *out = ctx->trust;
    return CP_OK;
}

cp_status cp_state__load(cp_ctx *ctx)
{
    struct cp_trust_state *st;
    cp_status s;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    return load_all(ctx);
}

/* ---- SPC store ----------------------------------------------------------- */

static int spc_find(const struct cp_trust_state *st, const uint8_t *sha1)
{
    size_t i;
    for (i = 0; i < st->n_spc; i++)
        if (memcmp(st->spc[i].sha1, sha1, 20) == 0)
            return (int)i;
    return -1;
}

cp_status cp_spc__add(cp_ctx *ctx, const uint8_t *sha1, uint32_t roles)
{
    struct cp_trust_state *st;
    cp_spc_entry old;
    size_t old_n;
    int i;
    cp_status s;
    if (ctx == NULL || sha1 == NULL || (roles & ~(uint32_t)CP_ROLES_ALL))
        return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    old_n = st->n_spc;
    i = spc_find(st, sha1);
    if (i < 0) {
        if (st->n_spc == CP_SPC_MAX)
            return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                               "the SPC store is full (%d signers)", CP_SPC_MAX);
        i = (int)st->n_spc++;
        memcpy(st->spc[i].sha1, sha1, 20);
        st->spc[i].cert = NULL; /* the same thumbprint keeps its certificate */
        st->spc[i].cert_len = 0;
    }
    old = st->spc[i];
    st->spc[i].roles = roles;
    s = cp_trust__save_spc(ctx);
    if (s) {
        st->spc[i] = old;
        st->n_spc = old_n;
    }
    return s;
}

cp_status cp_spc__add_cert(cp_ctx *ctx, const uint8_t *sha1, uint32_t roles,
                           const uint8_t *der, size_t der_len,
                           const char *subject)
{
    struct cp_trust_state *st;
    cp_spc_entry old, *e;
    size_t old_n, sl;
    uint8_t *c;
    int i;
    cp_status s;
    if (ctx == NULL || sha1 == NULL || der == NULL || der_len == 0 ||
        subject == NULL || (roles & ~(uint32_t)CP_ROLES_ALL))
        return CP_E_INVALID_ARG;
    sl = strlen(subject);
    if (der_len > CP_SPC_CERT_MAX || sl > CP_SPC_SUBJECT_MAX)
        return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                           "the certificate is larger than the SPC store "
                           "keeps (%d octets of DER, %d of subject)",
                           CP_SPC_CERT_MAX, CP_SPC_SUBJECT_MAX);
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    c = spc_cert_dup(ctx, der, der_len, subject, sl);
    if (c == NULL)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory adding a signer");
    old_n = st->n_spc;
    i = spc_find(st, sha1);
    if (i < 0) {
        if (st->n_spc == CP_SPC_MAX) {
            cp_mem__free(&ctx->alloc, c);
            return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                               "the SPC store is full (%d signers)", CP_SPC_MAX);
        }
        i = (int)st->n_spc++;
        memset(&st->spc[i], 0, sizeof st->spc[i]);
        memcpy(st->spc[i].sha1, sha1, 20);
    }
    e = &st->spc[i];
    old = *e;
    e->roles = roles;
    e->cert = c;
    e->cert_len = der_len;
    s = cp_trust__save_spc(ctx);
    if (s) { /* memory goes back to what is stored */
        *e = old;
        st->n_spc = old_n;
        cp_mem__free(&ctx->alloc, c);
    } else {
        cp_mem__free(&ctx->alloc, old.cert);
    }
    return s;
}

cp_status cp_spc__cert(cp_ctx *ctx, size_t index, const uint8_t **der,
                       size_t *der_len, const char **subject)
{
    struct cp_trust_state *st;
    const cp_spc_entry *e;
    cp_status s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    if (index >= st->n_spc)
        return CP_E_NOT_FOUND;
    e = &st->spc[index];
    *der = e->cert;
    *der_len = e->cert_len;
    *subject = e->cert ? (const char *)e->cert + e->cert_len : "";
    return CP_OK;
}

cp_status cp_spc__remove(cp_ctx *ctx, const uint8_t *sha1)
{
    struct cp_trust_state *st;
    cp_spc_entry old;
    size_t k;
    int i;
    cp_status s;
    if (ctx == NULL || sha1 == NULL)
        return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    i = spc_find(st, sha1);
    if (i < 0)
        return cp_err__set(ctx, CP_E_NOT_FOUND, CP_NO_OFFSET,
                           "no such signer in the SPC store");
    old = st->spc[i];
    for (k = (size_t)i; k + 1 < st->n_spc; k++)
        st->spc[k] = st->spc[k + 1];
    st->n_spc--;
    s = cp_trust__save_spc(ctx);
    if (s) { /* put it back where it was */
        for (k = st->n_spc; k > (size_t)i; k--)
            st->spc[k] = st->spc[k - 1];
        st->spc[i] = old;
        st->n_spc++;
    } else {
        spc_free_entry(ctx, &old);
    }
    return s;
}

cp_status cp_spc__get(cp_ctx *ctx, size_t index, uint8_t *sha1,
                     uint32_t *roles)
{
    struct cp_trust_state *st;
    cp_status s;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    if (index >= st->n_spc)
        return CP_E_NOT_FOUND;
    if (sha1)
        memcpy(sha1, st->spc[index].sha1, 20);
    if (roles)
        *roles = st->spc[index].roles;
    return CP_OK;
}

/* ---- TPS ----------------------------------------------------------------- */

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Length of the scheme if url starts with one we accept, else 0. */
static size_t scheme_len(const char *url)
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
    size_t n = strlen(url), sl = scheme_len(url), i;
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
    host_end = scheme_len(a);
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

/* ---- public entry points: one call at a time per context ---------------- */

CP_EXPORT cp_status cp_state_load(cp_ctx *ctx)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_state__load(ctx);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_spc_add(cp_ctx *ctx, const uint8_t *sha1,
                               uint32_t roles)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_spc__add(ctx, sha1, roles);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_spc_remove(cp_ctx *ctx, const uint8_t *sha1)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_spc__remove(ctx, sha1);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT void cp_gateway_info_init(cp_gateway_info *g)
{
    if (g == NULL)
        return;
    memset(g, 0, sizeof *g);
    g->struct_size = sizeof *g;
}

CP_EXPORT cp_status cp_gateway_list(cp_ctx *ctx, size_t index,
                                    cp_gateway_info *out)
{
    struct cp_trust_state *ts;
    cp_status st;
    if (ctx == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    if (out->struct_size != sizeof *out) /* the first (0.2.0) layout */
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
        memcpy(out->address, ts->gw[index].addr, n + 1);
        out->trusted = ts->gw[index].trusted != 0;
        out->push_enabled = ts->gw[index].push != 0;
    }
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_spc_get(cp_ctx *ctx, size_t index, uint8_t *sha1,
                               uint32_t *roles)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_spc__get(ctx, index, sha1, roles);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_spc_add_cert(cp_ctx *ctx, const uint8_t *cert,
                                    size_t len, uint32_t roles)
{
#ifdef CP_NO_CPF
    (void)cert;
    (void)len;
    (void)roles;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    return CP_E_UNSUPPORTED; /* no X.509 reader in this build */
#else
    cp_status st;
    uint8_t *der = NULL, sha1[20];
    size_t der_len = 0;
    char subject[CP_SPC_SUBJECT_MAX + 1];
    if (ctx == NULL || cert == NULL || (roles & ~(uint32_t)CP_ROLES_ALL))
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_ac__cert(ctx, cert, len, &der, &der_len, sha1, subject,
                     sizeof subject);
    if (st == CP_OK)
        st = cp_spc__add_cert(ctx, sha1, roles, der, der_len, subject);
    cp_mem__free(&ctx->alloc, der);
    cp_ctx__leave(ctx);
    return st;
#endif
}

/* The first layout of cp_spc_info (0.2.0), frozen. */
#define SPC_INFO_MIN_SIZE (offsetof(cp_spc_info, subject) + CP_SPC_SUBJECT_SIZE)

CP_EXPORT cp_status cp_spc_get_info(cp_ctx *ctx, size_t index,
                                    cp_spc_info *out)
{
    cp_spc_info info;
    const uint8_t *der = NULL;
    const char *subject = "";
    size_t der_len = 0, n;
    cp_status st;
    if (ctx == NULL || out == NULL || out->struct_size < SPC_INFO_MIN_SIZE)
        return out != NULL && ctx != NULL ? CP_E_VERSION : CP_E_INVALID_ARG;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_spc__get(ctx, index, info.sha1, &info.roles);
    if (st == CP_OK)
        st = cp_spc__cert(ctx, index, &der, &der_len, &subject);
    cp_ctx__leave(ctx);
    if (st != CP_OK)
        return st;
    info.cert_len = der_len;
    n = strlen(subject);
    memcpy(info.subject, subject, n < CP_SPC_SUBJECT_SIZE ? n : CP_SPC_SUBJECT_SIZE - 1);
    n = out->struct_size < sizeof info ? out->struct_size : sizeof info;
    memcpy(out, &info, n);
    out->struct_size = n;
    return CP_OK;
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
