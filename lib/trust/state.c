/*
 * state.c - the persisted security state as a whole: making and loading
 * it, saving each part as one named blob through the ctx storage hooks,
 * what damaged state means (fail closed), and the one read of a policy
 * value for a decision (cp_policy__read). The payload of each part is
 * blob.c's; the operations on the SPC store are spc.c's, on the TPS, PIN
 * counts and gateways tps.c's.
 *
 * Blob layout (all integers big-endian, so a blob moves between hosts):
 *   "CPST"  magic
 *   u8      kind (1 policies, 2 SPC, 3 TPS, 4 PIN, 5 gateways)
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
#include "state.h"

static struct cp_trust_state *trust_of(const cp_ctx *ctx);

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
    "signed .cpf files get no roles until a signer is added (the damaged "
    "store reads as empty)",
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
    trust_of(ctx)->damaged &= ~damage_bit(kind);
    return CP_OK;
}

/* Where the payload of a stored blob is, once its framing checks out. */
typedef struct frame {
    const uint8_t *payload;
    size_t len;
    unsigned version;
} frame;

/*
 * Check the framing of a blob of kind with the bounded reader:
 * CP_E_UNSUPPORTED when it is not one (foreign magic, kind or version),
 * CP_E_CORRUPT when its length or CRC is wrong, else CP_OK and f.
 */
static cp_status frame_read(const uint8_t *p, size_t n, int kind, frame *f)
{
    cp_rd r;
    uint8_t k, v;
    uint32_t plen;
    cp_rd__init(&r, p, n);
    if (n < BLOB_HDR + 4 || memcmp(p, "CPST", 4) != 0)
        return CP_E_UNSUPPORTED;
    (void)cp_rd__skip(&r, 4); /* present: n is checked */
    (void)cp_rd__u8(&r, &k);
    (void)cp_rd__u8(&r, &v);
    if (k != (uint8_t)kind || v < 1 || v > blob_version(kind))
        return CP_E_UNSUPPORTED;
    plen = cp_be32__get(r.p);
    (void)cp_rd__skip(&r, 4);
    if (plen != cp_rd__left(&r) - 4 || plen > blob_max(kind))
        return CP_E_CORRUPT;
    f->payload = r.p;
    f->len = plen;
    f->version = v;
    (void)cp_rd__skip(&r, plen);
    return cp_be32__get(r.p) == crc32_ieee(p, n - 4) ? CP_OK : CP_E_CORRUPT;
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
    frame f;
    cp_status s, fs;
    cp_buf__init(&b, &ctx->alloc);
    s = cp_store__load(ctx, blob_names[kind], &b);
    if (s == CP_E_NOT_FOUND || (s == CP_OK && b.len == 0)) {
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
    } else if ((fs = frame_read(b.p, b.len, kind, &f)) == CP_E_UNSUPPORTED) {
        cp_trust__damaged(ctx, trust_of(ctx), damage_bit(kind), -1);
        s = cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                        "stored %s state has a foreign format; %s",
                        blob_names[kind], damage_text[kind]);
    } else if (fs != CP_OK ||
               (s = parse(ctx, trust_of(ctx), f.payload, f.len, f.version)) ==
                   CP_E_CORRUPT) {
        cp_trust__damaged(ctx, trust_of(ctx), damage_bit(kind), -1);
        s = cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                        "stored %s state is corrupt; %s", blob_names[kind],
                        damage_text[kind]);
    } else if (s == CP_E_LIMIT) { /* parse_policies: a value out of range */
        s = cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                        "stored %s state holds a value out of range for "
                        "policy %lu; it takes its most restrictive value",
                        blob_names[kind],
                        (unsigned long)trust_of(ctx)->bad_policy);
    }
    cp_buf__free(&b);
    return s;
}

/* ---- saving each part --------------------------------------------------- */

cp_status cp_trust__save_policies(cp_ctx *ctx)
{
    uint8_t buf[CP_BLOB_POLICY_MAX];
    size_t n = cp_blob__write_policies(trust_of(ctx), buf);
    return save_blob(ctx, K_POLICY, buf, n);
}

cp_status cp_trust__save_spc(cp_ctx *ctx)
{
    cp_status s;
    cp_buf b;
    cp_buf__init(&b, &ctx->alloc);
    s = cp_blob__write_spc(trust_of(ctx), &b);
    if (s)
        s = cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                        "out of memory saving the SPC store");
    else
        s = save_blob(ctx, K_SPC, b.p, b.len);
    cp_buf__free(&b);
    return s;
}

cp_status cp_trust__save_tps(cp_ctx *ctx)
{
    uint8_t buf[CP_BLOB_TPS_MAX];
    size_t n = cp_blob__write_tps(trust_of(ctx), buf);
    return save_blob(ctx, K_TPS, buf, n);
}

cp_status cp_trust__save_pin(cp_ctx *ctx)
{
    uint8_t buf[CP_BLOB_PIN_MAX];
    size_t n = cp_blob__write_pin(trust_of(ctx), buf);
    return save_blob(ctx, K_PIN, buf, n);
}

cp_status cp_trust__save_gw(cp_ctx *ctx)
{
    cp_status s;
    cp_buf b;
    cp_buf__init(&b, &ctx->alloc);
    s = cp_blob__write_gw(trust_of(ctx), &b);
    if (!s)
        s = save_blob(ctx, K_GW, b.p, b.len);
    cp_buf__free(&b);
    return s;
}

/* ---- loading each part -------------------------------------------------- */

/*
 * CP_E_LIMIT: loaded, but a value was out of its policy's range; that
 * policy is damaged (st->bad_policy names the first).
 */
static cp_status parse_policies(cp_ctx *ctx, struct cp_trust_state *st,
                                const uint8_t *p, size_t n,
                                unsigned version)
{
    uint8_t bad[CP_POLICY_SLOTS];
    size_t i;
    cp_status s = cp_blob__read_policies(st, p, n, bad);
    (void)version;
    if (s)
        return s;
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

static cp_status load_one(cp_ctx *ctx, int kind, parse_fn parse)
{
    cp_status s = load_blob(ctx, kind, parse);
    return s == CP_E_NOT_FOUND ? CP_OK : s;
}

/* ---- damaged state ------------------------------------------------------ */

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
        cp_spc__clear(ctx, st);
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
        "until a MANAGER adds a signer (cp_spc_add or cp_spc_add_cert), "
        "which rewrites it; it reads as empty, so there is none to remove",
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
        cp_spc__clear(ctx, st);
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
                 {K_SPC, cp_blob__read_spc},
                 {K_TPS, cp_blob__read_tps},
                 {K_PIN, cp_blob__read_pin},
                 {K_GW, cp_blob__read_gw}};
    cp_status first = CP_OK;
    cp_error_detail saved;
    size_t i;
    set_defaults(ctx, trust_of(ctx));
    trust_of(ctx)->loaded = 1;
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

/* The trust floor's slot on the context (base.h, "per-floor slots"). */
static void trust_drop(cp_ctx *ctx, void *state);
static const cp_slot_kind trust_slot = {"trust", trust_drop, trust_drop};

static struct cp_trust_state *trust_of(const cp_ctx *ctx)
{
    return cp_ctx__slot(ctx, &trust_slot);
}

/* Stored state may have changed (or the context goes): forget all of it. */
static void trust_drop(cp_ctx *ctx, void *state)
{
    struct cp_trust_state *st = state;
    if (st == NULL)
        return;
    (void)cp_ctx__set_slot(ctx, &trust_slot, NULL);
    if (st->loaded)
        cp_spc__clear(ctx, st);
    /* PIN digests and counters are not secret, but wipe anyway. */
    memset(st, 0, sizeof *st);
    cp_mem__free(&ctx->alloc, st);
}

cp_status cp_trust__state(cp_ctx *ctx, struct cp_trust_state **out)
{
    struct cp_trust_state *st = trust_of(ctx);
    if (st == NULL) {
        cp_status s;
        st = cp_mem__alloc(&ctx->alloc, sizeof *st);
        if (st == NULL) {
            *out = NULL;
            return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                               "out of memory for the security state");
        }
        memset(st, 0, sizeof *st);
        s = cp_ctx__set_slot(ctx, &trust_slot, st);
        if (s != CP_OK) {
            cp_mem__free(&ctx->alloc, st);
            *out = NULL;
            return cp_err__set(ctx, s, CP_NO_OFFSET,
                               "no context slot for the security state");
        }
        /* A corrupt blob leaves its defaults (and is reported by
           cp_state_load); a blob that could not be read at all must
           not silently fall back to the defaults: fail closed. */
        s = load_all(ctx);
        if (s != CP_OK && s != CP_E_CORRUPT) {
            trust_drop(ctx, st);
            *out = NULL;
            return s;
        }
    }
    *out = st;
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

/* ---- reading a policy for a decision ------------------------------------ */

/*
 * The one read of a policy value that a decision rests on, and so the one
 * place where it fails closed: state that cannot be read is damaged state,
 * so the value is the policy's most restrictive one, never its default; a
 * policy found damaged at load holds its most restrictive value already
 * (pinned by cp_trust__damaged until a MANAGER sets or resets it).
 */
cp_status cp_policy__read(cp_ctx *ctx, size_t index, uint32_t *value)
{
    struct cp_trust_state *st;
    cp_status s = cp_trust__state(ctx, &st);
    *value = s ? cp_policy__strict(ctx, index) : st->pol[index];
    return s;
}

cp_status cp_policy__intact(cp_ctx *ctx)
{
    struct cp_trust_state *st;
    cp_status s = cp_trust__state(ctx, &st);
    return s ? s : cp_trust__check_damage(ctx, CP_DAMAGE_POLICY);
}

uint32_t cp_policy__value(cp_ctx *ctx, uint32_t id)
{
    uint32_t v;
    int i = cp_policy__index(id);
    if (i < 0)
        return 0;
    (void)cp_policy__read(ctx, (size_t)i, &v);
    return v;
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
