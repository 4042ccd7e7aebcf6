/*
 * bench_mac.c - section 3: verify a signed push, libomacp versus
 * libtomcrypt's HMAC-SHA1 alone over the same body.
 *
 * Our side is what `omacp verify --pdu` does minus I/O: cp_wsp_parse_push
 * of the PDU, then cp_mac_verify on its body with the device's IMSI (or
 * the PIN), SEC and MAC as the PDU says. The baseline: hmac_memory with
 * find_hash("sha1") (sha1_desc registered once, the index looked up once)
 * and the same key (cp_imsi_key of the IMSI, or the PIN octets). Check:
 * ours says authentic, and the baseline's HMAC is the MAC of the PDU.
 *
 * Messages: the NETWPIN and USERPIN push vectors, and generated ~1 KB and
 * ~100 KB bodies signed NETWPIN with cp_mac_compute.
 *
 * Target (issue 18): ours at most 1.1 x the baseline's time, the ratio
 * being the median of the alternating pairs' ratios.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tomcrypt.h>

#include "bench.h"

#define TARGET 1.1
#define TGT "<= 1.1x"
#define VEC_FILE "wsp_push_pdus.json"

typedef struct msg {
    char name[48];
    uint8_t *pdu;
    size_t pdu_len;
    const char *imsi; /* NETWPIN */
    const char *pin;  /* USERPIN */
} msg;

typedef struct mac_state {
    cp_ctx *ctx;
    const msg *m;
    int hash;                  /* tomcrypt index of sha1 */
    uint8_t key[CP_AUTH_PIN_MAX];
    size_t key_len;
    const uint8_t *body;       /* in m->pdu */
    size_t body_len;
    uint8_t mac[CP_HMAC_SHA1_LEN];
} mac_state;

/* ---- the two sides ------------------------------------------------------ */

static cp_status verify_once(cp_ctx *ctx, const msg *m)
{
    cp_push push;
    cp_status st;
    const char *const imsis[1] = {m->imsi};
    size_t idx = 0;

    cp_push_init(&push);
    st = cp_wsp_parse_push(ctx, m->pdu, m->pdu_len, &push);
    if (st != CP_OK)
        return st;
    return cp_mac_verify(ctx, push.sec, m->imsi ? imsis : NULL,
                         m->imsi ? 1u : 0u, m->pin,
                         push.has_mac ? push.mac : NULL, NULL, push.body,
                         push.body_len, &idx);
}

static double run_ours(void *state, unsigned long iters)
{
    const mac_state *ms = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++)
        if (verify_once(ms->ctx, ms->m) != CP_OK)
            return -1.0;
    return bench_now() - t0;
}

static double run_hmac(void *state, unsigned long iters)
{
    mac_state *ms = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        unsigned long out_len = sizeof ms->mac;
        if (hmac_memory(ms->hash, ms->key, (unsigned long)ms->key_len,
                        ms->body, (unsigned long)ms->body_len, ms->mac,
                        &out_len) != CRYPT_OK)
            return -1.0;
    }
    return bench_now() - t0;
}

/* ---- set-up and check --------------------------------------------------- */

/* The key, the body and the check; 1 when all is well, else 0 with why. */
static int prepare(mac_state *ms, char *why, size_t cap)
{
    cp_push push;
    cp_status st;
    unsigned long out_len = sizeof ms->mac;
    char hex[2 * CP_HMAC_SHA1_LEN + 1];
    size_t i;

    cp_push_init(&push);
    st = cp_wsp_parse_push(ms->ctx, ms->m->pdu, ms->m->pdu_len, &push);
    if (st != CP_OK) {
        snprintf(why, cap, "cp_wsp_parse_push: %s", cp_strerror(st));
        return 0;
    }
    ms->body = push.body;
    ms->body_len = push.body_len;
    if (ms->m->imsi != NULL)
        st = cp_imsi_key(ms->m->imsi, 0, ms->key, sizeof ms->key,
                         &ms->key_len);
    else {
        ms->key_len = strlen(ms->m->pin);
        memcpy(ms->key, ms->m->pin, ms->key_len);
    }
    st = st != CP_OK ? st : verify_once(ms->ctx, ms->m);
    if (st != CP_OK) {
        snprintf(why, cap, "libomacp: not authentic: %s (%s)",
                 cp_strerror(st), cp_ctx_error_message(ms->ctx));
        return 0;
    }
    if (hmac_memory(ms->hash, ms->key, (unsigned long)ms->key_len, ms->body,
                    (unsigned long)ms->body_len, ms->mac,
                    &out_len) != CRYPT_OK) {
        snprintf(why, cap, "hmac_memory failed");
        return 0;
    }
    for (i = 0; i < sizeof ms->mac; i++)
        snprintf(hex + 2 * i, 3, "%02X", ms->mac[i]);
    for (i = 0; i < sizeof hex - 1; i++)
        if (toupper((unsigned char)push.mac[i]) != hex[i]) {
            snprintf(why, cap, "libtomcrypt's HMAC is not the MAC of the PDU");
            return 0;
        }
    return 1;
}

/* A generated body of about size bytes, signed NETWPIN, wrapped in a PDU. */
static int signed_msg(cp_ctx *ctx, size_t size, msg *m)
{
    uint8_t *body = NULL;
    size_t len = 0;
    char mac[CP_MAC_TEXT_SIZE];
    int rc = -1;

    if (bench_gen_doc(ctx, size, &body, &len) == CP_OK &&
        cp_mac_compute(ctx, CP_SEC_NETWPIN, BENCH_IMSI, NULL, NULL, body, len,
                       mac, sizeof mac) == CP_OK)
        rc = bench_wsp_pdu(CP_SEC_NETWPIN, mac, body, len, &m->pdu,
                           &m->pdu_len);
    free(body);
    m->imsi = BENCH_IMSI;
    return rc;
}

static int load(cp_ctx *ctx, msg *ms)
{
    const char *dir = bench_vectors_dir();

    snprintf(ms[0].name, sizeof ms[0].name, "vector push-netwpin");
    ms[0].pdu = bench_vector_hex(dir, VEC_FILE, "\"push-netwpin\"", "pdu_hex",
                                 &ms[0].pdu_len);
    ms[0].imsi = "466923103145252";
    snprintf(ms[1].name, sizeof ms[1].name, "vector push-userpin");
    ms[1].pdu = bench_vector_hex(dir, VEC_FILE, "\"push-userpin\"", "pdu_hex",
                                 &ms[1].pdu_len);
    ms[1].pin = "0000";
    snprintf(ms[2].name, sizeof ms[2].name, "generated ~1 KB NETWPIN");
    if (signed_msg(ctx, 1024, &ms[2]) != 0)
        ms[2].pdu = NULL;
    snprintf(ms[3].name, sizeof ms[3].name, "generated ~100 KB NETWPIN");
    if (signed_msg(ctx, 102400, &ms[3]) != 0)
        ms[3].pdu = NULL;
    return 4;
}

static void one(mac_state *ms, const bench_settings *s)
{
    char fig[80], why[160], val[48], a[32], b[32];
    bench_side sd[2];
    bench_ratio r;
    bench_mark m;

    snprintf(fig, sizeof fig, "%.47s", ms->m->name);
    if (ms->m->pdu == NULL) {
        bench_row_error(fig, TGT, "message not available (see stderr)");
        bench_goal_note(BENCH_G_MAC, "n/a", BENCH_ERROR);
        return;
    }
    if (!prepare(ms, why, sizeof why)) {
        bench_row_error(fig, TGT, "%s", why);
        bench_goal_note(BENCH_G_MAC, "n/a", BENCH_ERROR);
        return;
    }
    snprintf(fig, sizeof fig, "%s (%lu B body)", ms->m->name,
             (unsigned long)ms->body_len);
    memset(sd, 0, sizeof sd);
    sd[0].run = run_ours;
    sd[1].run = run_hmac;
    sd[0].state = sd[1].state = ms;
    sd[0].ok = sd[1].ok = 1;
    bench_measure(sd, 2, s);
    if (bench_pair_ratio(&sd[0], &sd[1], 1.0, s->reps, &r) != 0) {
        bench_row_error(fig, TGT, "a side failed while timed");
        bench_goal_note(BENCH_G_MAC, "n/a", BENCH_ERROR);
        return;
    }
    m = bench_mark_of(r.med <= TARGET);
    bench_row(fig, bench_fmt_ratio(val, sizeof val, &r, 2, "x"), TGT, m,
              "ours %s, HMAC alone %s; authentic, same MAC",
              bench_fmt_time(a, sizeof a, sd[0].median),
              bench_fmt_time(b, sizeof b, sd[1].median));
    bench_goal(BENCH_G_MAC, r.med, m);
}

void bench_sec_verify(const bench_settings *s)
{
    msg msgs[4];
    mac_state ms;
    cp_ctx *ctx = NULL;
    int n, i;

    bench_section("3. verify a signed push, libomacp vs libtomcrypt HMAC-SHA1",
                  "time of cp_wsp_parse_push + cp_mac_verify over "
                  "hmac_memory(sha1) alone, same body and key");
    memset(msgs, 0, sizeof msgs);
    memset(&ms, 0, sizeof ms);
    if (register_hash(&sha1_desc) == -1 ||
        (ms.hash = find_hash("sha1")) == -1 ||
        cp_ctx_new(NULL, &ctx) != CP_OK) {
        bench_row_error("verify", TGT, "cannot set up sha1 or a context");
        bench_goal_note(BENCH_G_MAC, "n/a", BENCH_ERROR);
        return;
    }
    n = load(ctx, msgs);
    ms.ctx = ctx;
    for (i = 0; i < n; i++) {
        ms.m = &msgs[i];
        one(&ms, s);
    }
    for (i = 0; i < n; i++)
        free(msgs[i].pdu);
    cp_ctx_free(ctx);
}
