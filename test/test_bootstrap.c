/*
 * test_bootstrap.c - cp_verify_bootstrap(): origin roles, the acceptance
 * policies and their order, the MAC before decoding, NETWPIN with several
 * IMSIs, PIN attempts and their persisted count, SEC/MAC form, the
 * bootstrap rules, and robustness (bit flips, truncation, failing
 * allocations).
 *
 * Expected verdicts are worked out by hand from the policy defaults
 * (wm-model.md section 2 as tabled in lib/trust/policy.c) and the AND
 * rules of omacp/bootstrap.h; MACs come from the shared vectors or are
 * made with cp_mac_compute and cross-checked against the vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/memstore.h"
#include "support/runxml.h"
#include "support/testutil.h"
#include "trust/state.h"

#define IMSI_A "466923103145252" /* gecko NETWPIN vector */
#define IMSI_B "123456789012345" /* NowSMS forum vector */
#define TPS_URL "http://tps.example.com/cp"
#define NO_IMSI ((size_t)-1)

#define R_UNAUTH CP_ROLE_USER_UNAUTH
#define R_OP CP_ROLE_OPERATOR
#define R_UA CP_ROLE_USER_AUTH
#define R_MGR CP_ROLE_MANAGER
#define R_TPS CP_ROLE_OPERATOR_TPS

#define B CP_PROFILE_BRANDED
#define U CP_PROFILE_UNBRANDED

/* ---- fixtures: documents and vectors, loaded once ------------------------ */

static struct {
    uint8_t *op_doc;   /* CHT operator document, 501 octets */
    size_t op_len;
    uint8_t *min_doc;  /* 03 0B 6A 00 45 01 */
    size_t min_len;
    uint8_t *nowsms;   /* NowSMS forum document */
    size_t nowsms_len;
    char *nowsms_mac;
    uint8_t *trunc_doc; /* VENDORCONFIG document, root never closed */
    size_t trunc_len;
    uint8_t *boot_doc; /* BOOTSTRAP(PROVURL) + NAPDEF, encoded here */
    size_t boot_len;
    uint8_t *nap_doc;  /* NAPDEF only, encoded here */
    size_t nap_len;
    uint8_t *pdu[5];   /* wsp_push_pdus.json */
    size_t pdu_len[5];
    size_t body_off[5];
} fx;

enum { P_USERPIN = 0, P_NETWPIN, P_NOSEC, P_PINMAC, P_EXTRA, P_COUNT };

static const char *const pdu_ids[P_COUNT] = {
    "push-userpin", "push-netwpin", "push-no-sec",
    "push-userpinmac-short-length", "push-userpin-extra-headers"};
static const size_t pdu_body_off[P_COUNT] = {50, 50, 4, 7, 54};

static uint8_t *vec_hex(const char *file, const char *key, int nth,
                        size_t *len)
{
    char *hex = tu_vector_field_n(file, key, nth);
    uint8_t *b;
    if (hex == NULL)
        return NULL;
    b = tu_hex(hex, len);
    free(hex);
    return b;
}

/* Encode a NAPDEF document, with a BOOTSTRAP in front when boot is set. */
static uint8_t *make_doc(int boot, size_t *len)
{
    cp_ctx *ctx = NULL;
    cp_doc *doc = NULL;
    const cp_node *c;
    uint8_t *w = NULL, *copy;
    if (cp_ctx_new(NULL, &ctx) != CP_OK || cp_doc_new(ctx, &doc) != CP_OK)
        abort();
    if (boot) {
        c = tu_add_char(doc, cp_doc_root(doc), "BOOTSTRAP");
        tu_add_parm(doc, c, "NAME", "Example TPS");
        tu_add_parm(doc, c, "PROVURL", TPS_URL);
    }
    c = tu_add_char(doc, cp_doc_root(doc), "NAPDEF");
    tu_add_parm(doc, c, "NAPID", "NAP1");
    tu_add_parm(doc, c, "NAME", "Example Internet");
    tu_add_parm(doc, c, "NAP-ADDRESS", "internet.example.com");
    tu_add_parm(doc, c, "NAP-ADDRTYPE", "APN");
    if (cp_doc_encode_wbxml(ctx, doc, 0, &w, len) != CP_OK)
        abort();
    copy = malloc(*len);
    if (copy == NULL)
        abort();
    memcpy(copy, w, *len);
    cp_free(ctx, w);
    cp_doc_free(doc);
    cp_ctx_free(ctx);
    return copy;
}

static int group_setup(void **state)
{
    int i;
    (void)state;
    fx.op_doc = vec_hex("mac_gecko_userpin_operator_doc.json", "body_hex", 0,
                        &fx.op_len);
    fx.min_doc = vec_hex("doc_minimal_empty.json", "wbxml_hex", 0, &fx.min_len);
    fx.nowsms = vec_hex("mac_nowsms_forum_netwpin.json", "body_hex", 0,
                        &fx.nowsms_len);
    fx.nowsms_mac = tu_vector_field("mac_nowsms_forum_netwpin.json", "mac_hex");
    fx.trunc_doc = vec_hex("doc_gecko_vendorconfig_truncated.json", "wbxml_hex",
                           0, &fx.trunc_len);
    if (!fx.op_doc || !fx.min_doc || !fx.nowsms || !fx.nowsms_mac ||
        !fx.trunc_doc)
        return -1;
    for (i = 0; i < P_COUNT; i++) {
        char *id = tu_vector_field_n("wsp_push_pdus.json", "id", i);
        int same = id != NULL && strcmp(id, pdu_ids[i]) == 0;
        free(id);
        if (!same)
            return -1;
        fx.pdu[i] = vec_hex("wsp_push_pdus.json", "pdu_hex", i, &fx.pdu_len[i]);
        if (fx.pdu[i] == NULL)
            return -1;
        fx.body_off[i] = pdu_body_off[i];
    }
    fx.boot_doc = make_doc(1, &fx.boot_len);
    fx.nap_doc = make_doc(0, &fx.nap_len);
    return 0;
}

static int group_teardown(void **state)
{
    int i;
    (void)state;
    free(fx.op_doc);
    free(fx.min_doc);
    free(fx.nowsms);
    free(fx.nowsms_mac);
    free(fx.trunc_doc);
    free(fx.boot_doc);
    free(fx.nap_doc);
    for (i = 0; i < P_COUNT; i++)
        free(fx.pdu[i]);
    memset(&fx, 0, sizeof fx);
    return 0;
}

/* ---- devices ------------------------------------------------------------- */

static const char *const imsis_a[] = {IMSI_A};
static const char *const imsis_ba[] = {IMSI_B, IMSI_A};

static cp_ctx *device(cp_profile prof, const char *const *imsis, size_t n,
                      memstore *m)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_config_init(&cfg);
    cfg.profile = prof;
    cfg.tier = CP_TIER_TWO;
    cfg.imsis = imsis;
    cfg.n_imsis = n;
    if (m)
        ms_attach(&cfg, m);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    return ctx;
}

/* The usual test device: one SIM with IMSI_A, state in memory. */
static cp_ctx *dev(cp_profile prof)
{
    return device(prof, imsis_a, 1, NULL);
}

/* An unbranded test device on a memstore. */
static cp_ctx *udev(memstore *m)
{
    return device(U, imsis_a, 1, m);
}

/* ---- the PIN prompt ------------------------------------------------------- */

#define PROMPT_LOG 300

typedef struct prompt_st {
    const char *pins[8]; /* answers in order */
    size_t n_pins;
    const char *repeat;  /* after pins: this answer forever, or NULL = give up */
    unsigned calls;
    unsigned attempt[PROMPT_LOG], left[PROMPT_LOG];
    int sec[PROMPT_LOG];
} prompt_st;

static void prompt_set(prompt_st *p, const char *repeat, size_t n, ...)
{
    va_list ap;
    size_t i;
    memset(p, 0, sizeof *p);
    p->repeat = repeat;
    p->n_pins = n;
    va_start(ap, n);
    for (i = 0; i < n && i < 8; i++)
        p->pins[i] = va_arg(ap, const char *);
    va_end(ap);
}

static cp_status prompt_fn(void *user, int sec, unsigned attempt,
                           unsigned attempts_left, char *pin, size_t cap)
{
    prompt_st *p = user;
    const char *answer;
    size_t k = p->calls;
    if (k < PROMPT_LOG) {
        p->attempt[k] = attempt;
        p->left[k] = attempts_left;
        p->sec[k] = sec;
    }
    p->calls++;
    assert_int_equal(cap, CP_PIN_MAX + 1);
    answer = k < p->n_pins ? p->pins[k] : p->repeat;
    if (answer == NULL)
        return CP_E_BAD_PIN; /* the user gives up */
    assert_true(strlen(answer) < cap);
    strcpy(pin, answer);
    return CP_OK;
}

/* ---- building push PDUs --------------------------------------------------- */

typedef struct pdu_spec {
    int media;             /* one-octet well-known media (0xB6, 0xB5, ...) */
    int sec;               /* SEC number sent (0..127), or -1 for none */
    const char *mac;       /* MAC text, or NULL for no MAC parameter */
    const char *initiator; /* X-Wap-Initiator-URI, or NULL */
    int flag;              /* Push-Flag bits, or -1 for none */
} pdu_spec;

/* TID 01, 06, HeadersLen, content type, headers, body (malloc'd). */
static uint8_t *build_pdu(const pdu_spec *s, const uint8_t *body, size_t blen,
                          size_t *len)
{
    uint8_t ct[128], hd[512], *out;
    size_t np = 0, nc = 0, nh = 0, n = 0;
    uint8_t params[128];
    if (s->sec >= 0) {
        params[np++] = 0x91;
        params[np++] = (uint8_t)(0x80 | s->sec);
    }
    if (s->mac) {
        size_t ml = strlen(s->mac);
        assert_true(ml < 100);
        params[np++] = 0x92;
        memcpy(params + np, s->mac, ml + 1);
        np += ml + 1;
    }
    if (np == 0) {
        ct[nc++] = (uint8_t)s->media;
    } else {
        if (np + 1 <= 30) {
            ct[nc++] = (uint8_t)(np + 1);
        } else {
            ct[nc++] = 0x1F;
            nc += tu_uintvar(ct + nc, np + 1);
        }
        ct[nc++] = (uint8_t)s->media;
        memcpy(ct + nc, params, np);
        nc += np;
    }
    if (s->initiator) {
        size_t il = strlen(s->initiator);
        assert_true(il < 400);
        hd[nh++] = 0xB1;
        memcpy(hd + nh, s->initiator, il + 1);
        nh += il + 1;
    }
    if (s->flag >= 0) {
        hd[nh++] = 0xB4;
        hd[nh++] = (uint8_t)(0x80 | s->flag);
    }
    out = malloc(2 + 5 + nc + nh + blen + 1);
    assert_non_null(out);
    out[n++] = 0x01;
    out[n++] = 0x06;
    n += tu_uintvar(out + n, nc + nh);
    memcpy(out + n, ct, nc);
    n += nc;
    memcpy(out + n, hd, nh);
    n += nh;
    if (blen)
        memcpy(out + n, body, blen);
    n += blen;
    *len = n;
    return out;
}

/* The MAC a server sends for body under sec (0..2). */
static void sign(int sec, const char *pin, const uint8_t *body, size_t blen,
                 char mac[CP_MAC_TEXT_SIZE])
{
    assert_int_equal(cp_mac_compute(NULL, sec, IMSI_A, pin, NULL, body, blen,
                                    mac, CP_MAC_TEXT_SIZE),
                     CP_OK);
}

/*
 * A WBXML push of body correctly signed with method sec: NETWPIN with
 * IMSI_A, USERPIN with "0000", USERNETWPIN with IMSI_A + "1234",
 * USERPINMAC from "12345" (SEC only, no MAC parameter); sec -1 unsigned;
 * any other sec is sent as that number with a USERPIN MAC.
 */
static uint8_t *signed_pdu(int sec, const uint8_t *body, size_t blen,
                           size_t *len)
{
    char mac[CP_MAC_TEXT_SIZE];
    pdu_spec s = {0xB6, sec, NULL, NULL, -1};
    if (sec == CP_SEC_NETWPIN || sec == CP_SEC_USERPIN ||
        sec == CP_SEC_USERNETWPIN) {
        sign(sec, sec == CP_SEC_USERPIN ? "0000" : "1234", body, blen, mac);
        s.mac = mac;
    } else if (sec > CP_SEC_USERPINMAC) {
        sign(CP_SEC_USERPIN, "0000", body, blen, mac);
        s.mac = mac;
    }
    return build_pdu(&s, body, blen, len);
}

/* What the user types for signed_pdu(sec, body) (NULL: nothing to type). */
static const char *right_pin(int sec, const uint8_t *body, size_t blen,
                             char typed[2 * CP_AUTH_PINMAC_MAX + 1])
{
    switch (sec) {
    case CP_SEC_USERPIN: return "0000";
    case CP_SEC_USERNETWPIN: return "1234";
    case CP_SEC_USERPINMAC:
        assert_int_equal(cp_mac_compute(NULL, CP_SEC_USERPINMAC, NULL, "12345",
                                        NULL, body, blen, typed,
                                        2 * CP_AUTH_PINMAC_MAX + 1),
                         CP_OK);
        return typed;
    default: return NULL;
    }
}

/* ---- running and checking ------------------------------------------------- */

/*
 * The address of the trusted, push-enabled gateway run() provisions when a
 * test says CP_PPG_TRUSTED: the host's word alone no longer makes a
 * gateway trusted (issue 12), the stored gateway list must agree.
 */
#define TRUSTED_GW "+15559990000"

static void provision_trusted_gw(cp_ctx *ctx)
{
    static const cp_gw_entry gw = {TRUSTED_GW, 1, 1};
    if (cp_trust__gateway_find(ctx, TRUSTED_GW) == NULL)
        assert_int_equal(cp_trust__gateways_set(ctx, &gw, 1), CP_OK);
}

static cp_status run(cp_ctx *ctx, const uint8_t *pdu, size_t len, cp_ppg ppg,
                     prompt_st *p, cp_verdict *v)
{
    cp_gateway gw;
    cp_status st;
    cp_gateway_init(&gw);
    gw.ppg = ppg;
    if (ppg == CP_PPG_TRUSTED) {
        provision_trusted_gw(ctx);
        gw.address = TRUSTED_GW;
    }
    cp_verdict_init(v);
    st = cp_verify_bootstrap_pdu(ctx, pdu, len, &gw, prompt_fn, p, v);
    /* invariants of every verdict */
    assert_int_equal(v->struct_size, sizeof *v);
    assert_int_equal(v->reason, st);
    assert_int_equal(v->accepted, st == CP_OK);
    assert_true(strlen(v->reason_text) < sizeof v->reason_text);
    assert_true(v->reason_text[0] != '\0');
    if (st == CP_OK)
        assert_string_equal(v->reason_text, "accepted");
    return st;
}

static void expect_policy(const cp_verdict *v, const char *policy)
{
    char want[32];
    snprintf(want, sizeof want, "policy %s", policy);
    if (strstr(v->reason_text, want) == NULL)
        fail_msg("reason \"%s\" does not name %s", v->reason_text, want);
}

/* ---- signer cross-check against the vectors ----------------------------- */

/* ---- cp_doc_validate: the ProvCont rules (validate.c) ------------------ */

static const cp_node *v_char(cp_doc *d, const cp_node *parent,
                             const char *type)
{
    const cp_node *n = NULL;
    assert_int_equal(cp_node_add(d, parent, CP_NODE_CHARACTERISTIC, &n), CP_OK);
    assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_TYPE, type), CP_OK);
    return n;
}

static void v_parm(cp_doc *d, const cp_node *parent, const char *name,
                   const char *value)
{
    const cp_node *n = NULL;
    assert_int_equal(cp_node_add(d, parent, CP_NODE_PARM, &n), CP_OK);
    assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_NAME, name), CP_OK);
    if (value)
        assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_VALUE, value), CP_OK);
}

/* A NAPDEF that keeps every rule; bearer and retry are its two values. */
static const cp_node *v_napdef(cp_doc *d, const char *bearer, const char *retry)
{
    const cp_node *n = v_char(d, cp_doc_root(d), "NAPDEF"), *a;
    v_parm(d, n, "NAPID", "NAP1");
    v_parm(d, n, "NAME", "Internet");
    v_parm(d, n, "NAP-ADDRESS", "internet.example");
    v_parm(d, n, "BEARER", bearer);
    v_parm(d, n, "MAX-NUM-RETRY", retry);
    v_parm(d, n, "INTERNET", NULL);
    a = v_char(d, n, "NAPAUTHINFO");
    v_parm(d, a, "AUTHTYPE", "CHAP");
    v_parm(d, a, "AUTH-ENTITY", "HA");
    return n;
}

/* A PXLOGICAL with its PXPHYSICAL and PORT, unless bare. */
static const cp_node *v_proxy(cp_doc *d, int bare)
{
    const cp_node *n = v_char(d, cp_doc_root(d), "PXLOGICAL"), *p, *port;
    v_parm(d, n, "PROXY-ID", "PX1");
    v_parm(d, n, "NAME", "Proxy");
    v_parm(d, n, "PPGAUTH-TYPE", "WTLS-SS");
    if (bare)
        return n;
    p = v_char(d, n, "PXPHYSICAL");
    v_parm(d, p, "PHYSICAL-PROXY-ID", "PHY1");
    v_parm(d, p, "PXADDR", "10.0.0.1");
    v_parm(d, p, "PXADDRTYPE", "IPV4");
    v_parm(d, p, "TO-NAPID", "NAP1");
    port = v_char(d, p, "PORT");
    v_parm(d, port, "PORTNBR", "9201");
    v_parm(d, port, "SERVICE", "CO-WSP");
    v_parm(d, port, "SERVICE", "OTA-HTTP-TLS-PO");
    return n;
}

static void v_expect(cp_ctx *ctx, cp_doc *d, cp_status st, const char *msg)
{
    assert_int_equal(cp_doc_validate(ctx, d), st);
    if (msg != NULL)
        assert_string_equal(cp_ctx_error_message(ctx), msg);
    cp_doc_free(d);
}

static void test_validate_rules(void **state)
{
    cp_ctx *ctx = dev(CP_PROFILE_BRANDED);
    cp_doc *d;
    const cp_node *n;
    (void)state;
    /* every rule kept; APPLICATION is open, an unknown type unchecked */
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    v_napdef(d, "GSM-GPRS", "0x1F");
    v_proxy(d, 0);
    n = v_char(d, cp_doc_root(d), "APPLICATION");
    v_parm(d, n, "APPID", "w2");
    v_parm(d, n, "X-VENDOR", "1");
    n = v_char(d, cp_doc_root(d), "BOOTSTRAP");
    v_parm(d, n, "CONTEXT-ALLOW", "4294967295");
    n = v_char(d, cp_doc_root(d), "w7");
    v_parm(d, n, "ANYTHING", NULL);
    v_expect(ctx, d, CP_OK, NULL);
    /* values: an enumeration, hex, a flag with a value, a long number */
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    v_napdef(d, "GSM-GPRSX", "3");
    v_expect(ctx, d, CP_E_BAD_DOC, "invalid value for NAPDEF BEARER");
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    v_napdef(d, "WLAN", "0x1G");
    v_expect(ctx, d, CP_E_BAD_DOC, "invalid value for NAPDEF MAX-NUM-RETRY");
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = v_napdef(d, "3G-GSM", "12");
    v_parm(d, n, "T-BIT", "1");
    v_expect(ctx, d, CP_E_BAD_DOC, "invalid value for NAPDEF T-BIT");
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = v_char(d, cp_doc_root(d), "BOOTSTRAP");
    v_parm(d, n, "CONTEXT-ALLOW", "12345678901");
    v_expect(ctx, d, CP_E_BAD_DOC, "invalid value for BOOTSTRAP CONTEXT-ALLOW");
    /* occurrences of parms and children */
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    v_proxy(d, 1);
    v_expect(ctx, d, CP_E_BAD_DOC, "PXLOGICAL needs PXPHYSICAL at least once");
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = v_proxy(d, 0);
    v_parm(d, n, "NAME", "again");
    v_expect(ctx, d, CP_E_BAD_DOC, "PXLOGICAL needs NAME exactly once");
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = v_char(d, cp_doc_root(d), "CLIENTIDENTITY");
    v_expect(ctx, d, CP_E_BAD_DOC, "CLIENTIDENTITY needs CLIENT-ID exactly once");
    /* what may stand where */
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = v_napdef(d, "GSM-CSD", "1");
    v_parm(d, n, "PORTNBR", "80");
    v_expect(ctx, d, CP_E_BAD_DOC, "NAPDEF takes no parm PORTNBR");
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = v_napdef(d, "GSM-CSD", "1");
    v_char(d, n, "PORT");
    v_expect(ctx, d, CP_E_BAD_DOC, "NAPDEF may not contain PORT");
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = v_char(d, cp_doc_root(d), "PORT");
    v_parm(d, n, "PORTNBR", "80");
    v_expect(ctx, d, CP_E_BAD_DOC, "PORT may not stand at the top level");
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    v_parm(d, v_char(d, cp_doc_root(d), "CLIENTIDENTITY"), "CLIENT-ID", "a");
    v_parm(d, v_char(d, cp_doc_root(d), "CLIENTIDENTITY"), "CLIENT-ID", "b");
    v_expect(ctx, d, CP_E_BAD_DOC, "CLIENTIDENTITY at most once");
    cp_ctx_free(ctx);
}

static void test_signer_matches_vectors(void **state)
{
    char mac[CP_MAC_TEXT_SIZE], typed[41];
    char *want;
    (void)state;
    sign(CP_SEC_USERPIN, "0000", fx.op_doc, fx.op_len, mac);
    assert_string_equal(mac, "AA2DC41FC48AEEF3FED7351B1EE704461A8894D4");
    want = tu_vector_field("mac_gecko_userpin_operator_doc.json", "mac_hex");
    assert_non_null(want);
    assert_string_equal(mac, want);
    free(want);
    sign(CP_SEC_USERNETWPIN, "1234", fx.op_doc, fx.op_len, mac);
    want = tu_vector_field("mac_computed_variants.json", "mac_hex");
    assert_non_null(want);
    assert_string_equal(mac, want); /* usernetwpin-operator-doc */
    free(want);
    sign(CP_SEC_NETWPIN, NULL, fx.min_doc, fx.min_len, mac);
    want = tu_vector_field("mac_gecko_netwpin_minimal_doc.json", "mac_hex");
    assert_non_null(want);
    assert_string_equal(mac, want);
    free(want);
    assert_string_equal(right_pin(CP_SEC_USERPINMAC, fx.op_doc, fx.op_len, typed),
                        "1234517887");
    /* our PDU layout equals the vector's (Kannel's) for the same message */
    {
        size_t len;
        uint8_t *pdu = signed_pdu(CP_SEC_USERPIN, fx.op_doc, fx.op_len, &len);
        assert_int_equal(len, fx.pdu_len[P_USERPIN]);
        assert_memory_equal(pdu, fx.pdu[P_USERPIN], len);
        free(pdu);
        pdu = signed_pdu(CP_SEC_NETWPIN, fx.min_doc, fx.min_len, &len);
        assert_int_equal(len, fx.pdu_len[P_NETWPIN]);
        assert_memory_equal(pdu, fx.pdu[P_NETWPIN], len);
        free(pdu);
    }
}

/* ---- origin roles ------------------------------------------------------- */

static void test_origin_roles(void **state)
{
    static const char other[] = "http://evil.example.com/cp";
    static const struct {
        cp_ppg ppg;
        int flag;
        const char *uri;
        int tps_stored;
        uint32_t p4104;
        uint32_t origin;
    } rows[] = {
        {CP_PPG_ANY, -1, NULL, 0, 1, O_ANY},
        /* Push-Flag and initiator are ignored from an unknown gateway */
        {CP_PPG_ANY, 0x03, TPS_URL, 1, 1, O_ANY},
        {CP_PPG_KNOWN, -1, NULL, 0, 1, O_KNOWN},
        {CP_PPG_KNOWN, 0x03, TPS_URL, 1, 1, O_KNOWN},
        {CP_PPG_TRUSTED, -1, NULL, 0, 1, O_TRUSTED},
        {CP_PPG_TRUSTED, 0x00, NULL, 0, 1, O_TRUSTED},
        {CP_PPG_TRUSTED, 0x01, NULL, 0, 1, O_TRUSTED | CP_ROLE_PPG_AUTH},
        {CP_PPG_TRUSTED, 0x02, NULL, 0, 1, O_TRUSTED | CP_ROLE_PPG_TRUSTED},
        {CP_PPG_TRUSTED, 0x03, NULL, 0, 1,
         O_TRUSTED | CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED},
        {CP_PPG_TRUSTED, 0x04, NULL, 0, 1, O_TRUSTED},
        /* the TPS: trusted gateway + PPG_AUTH + initiator = stored TPS + 4104 = 1 */
        {CP_PPG_TRUSTED, 0x01, TPS_URL, 1, 1,
         O_TRUSTED | CP_ROLE_PPG_AUTH | R_TPS},
        {CP_PPG_TRUSTED, 0x05, "HTTP://TPS.Example.COM/cp/", 1, 1,
         O_TRUSTED | CP_ROLE_PPG_AUTH | R_TPS},
        {CP_PPG_TRUSTED, 0x01, TPS_URL, 1, 0, O_TRUSTED | CP_ROLE_PPG_AUTH},
        {CP_PPG_TRUSTED, 0x01, other, 1, 1, O_TRUSTED | CP_ROLE_PPG_AUTH},
        {CP_PPG_TRUSTED, 0x01, "http://tps.example.com/CP", 1, 1,
         O_TRUSTED | CP_ROLE_PPG_AUTH},
        {CP_PPG_TRUSTED, 0x01, NULL, 1, 1, O_TRUSTED | CP_ROLE_PPG_AUTH},
        {CP_PPG_TRUSTED, -1, TPS_URL, 1, 1, O_TRUSTED},
        {CP_PPG_TRUSTED, 0x02, TPS_URL, 1, 1, O_TRUSTED | CP_ROLE_PPG_TRUSTED},
        {CP_PPG_TRUSTED, 0x01, TPS_URL, 0, 1, O_TRUSTED | CP_ROLE_PPG_AUTH},
    };
    size_t i;
    int prof;
    (void)state;
    for (prof = 0; prof < 2; prof++) {
        for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            cp_ctx *ctx = dev((cp_profile)prof);
            pdu_spec s = {0xB6, -1, NULL, rows[i].uri, rows[i].flag};
            prompt_st p;
            cp_verdict v;
            size_t len;
            uint8_t *pdu = build_pdu(&s, fx.min_doc, fx.min_len, &len);
            cp_status st;
            int tps = (rows[i].origin & R_TPS) != 0;
            prompt_set(&p, NULL, 0);
            if (rows[i].tps_stored)
                assert_int_equal(cp_trust__tps_set(ctx, TPS_URL, "TPS"), CP_OK);
            if (rows[i].p4104 != 1)
                tu_setpol(ctx, CP_POLICY_TPS, rows[i].p4104);
            st = run(ctx, pdu, len, rows[i].ppg, &p, &v);
            if (v.origin_roles != rows[i].origin)
                fail_msg("row %zu profile %d: origin 0x%lx, want 0x%lx", i, prof,
                         (unsigned long)v.origin_roles,
                         (unsigned long)rows[i].origin);
            assert_int_equal(v.roles, rows[i].origin | R_UNAUTH);
            assert_int_equal(v.sec, CP_SEC_NONE);
            /* unsigned: 4110 = OPERATOR_TPS in both profiles, so only the TPS
               passes; 4119 grants it MANAGER */
            if (tps) {
                assert_int_equal(st, CP_OK);
                assert_int_equal(v.effective_roles,
                                 rows[i].origin | R_UNAUTH | R_MGR);
            } else {
                assert_int_equal(st, CP_E_REFUSED);
                expect_policy(&v, "4110");
                assert_int_equal(v.effective_roles, 0);
            }
            assert_int_equal(p.calls, 0);
            free(pdu);
            cp_ctx_free(ctx);
        }
    }
    /* gw NULL: unknown gateway */
    {
        cp_ctx *ctx = dev(B);
        cp_push push;
        cp_verdict v;
        cp_push_init(&push);
        assert_int_equal(cp_wsp_parse_push(ctx, fx.pdu[P_EXTRA],
                                           fx.pdu_len[P_EXTRA], &push),
                         CP_OK);
        cp_verdict_init(&v);
        assert_int_equal(cp_verify_bootstrap(ctx, &push, NULL, NULL, NULL, &v),
                         CP_E_REFUSED);
        assert_int_equal(v.origin_roles, O_ANY);
        expect_policy(&v, "4142");
        cp_ctx_free(ctx);
    }
}

/* Gateways provisioned by address (PXPHYSICAL PXADDR, PUSHENABLED, TRUST). */
static void test_gateway_address(void **state)
{
    static const cp_gw_entry gws[] = {
        {"+15550001", 1, 1},       /* trusted, push enabled */
        {"+15550002", 0, 1},       /* known, push enabled */
        {"10.0.0.1", 1, 0},        /* trusted but push disabled */
        {"ppg.example.com", 1, 1}, /* a host name */
    };
    static const struct {
        cp_ppg ppg;
        const char *addr;
        int flag;
        const char *uri;
        uint32_t origin;
    } rows[] = {
        /* issue 12: the stored list is the ceiling, the host's word can
           only lower it; a stored push gateway is KNOWN_PPG whatever the
           host says, TRUSTED_PPG needs CP_PPG_TRUSTED and a stored
           trusted push-enabled gateway (was: the stronger of the two) */
        {CP_PPG_ANY, "+15550001", 0x01, NULL, O_KNOWN},
        {CP_PPG_TRUSTED, "+15550001", 0x01, NULL, O_TRUSTED | CP_ROLE_PPG_AUTH},
        {CP_PPG_ANY, "+15550002", 0x03, NULL, O_KNOWN},
        {CP_PPG_ANY, "10.0.0.1", 0x01, NULL, O_ANY},
        {CP_PPG_ANY, "+15550009", 0x01, NULL, O_ANY},
        {CP_PPG_ANY, "+1555000", 0x01, NULL, O_ANY},
        {CP_PPG_ANY, "", 0x01, NULL, O_ANY},
        {CP_PPG_ANY, NULL, 0x01, NULL, O_ANY},
        {CP_PPG_ANY, "PPG.Example.COM", 0x02, NULL, O_KNOWN},
        {CP_PPG_TRUSTED, "PPG.Example.COM", 0x02, NULL,
         O_TRUSTED | CP_ROLE_PPG_TRUSTED},
        {CP_PPG_KNOWN, "+15550001", 0x01, NULL, O_KNOWN},
        {CP_PPG_TRUSTED, "+15550002", 0x01, NULL, O_KNOWN},
        {CP_PPG_TRUSTED, "10.0.0.1", 0x01, NULL, O_KNOWN},
        {CP_PPG_TRUSTED, "+15550009", 0x01, NULL, O_KNOWN},
        {CP_PPG_KNOWN, "10.0.0.1", 0x01, NULL, O_KNOWN},
        /* the TPS through a gateway trusted by its address */
        {CP_PPG_TRUSTED, "+15550001", 0x01, TPS_URL,
         O_TRUSTED | CP_ROLE_PPG_AUTH | R_TPS},
        {CP_PPG_ANY, "+15550001", 0x01, TPS_URL, O_KNOWN},
        {CP_PPG_ANY, "+15550002", 0x01, TPS_URL, O_KNOWN},
    };
    memstore m;
    cp_ctx *ctx;
    size_t i;
    (void)state;
    ms_init(&m);
    ctx = udev(&m);
    assert_int_equal(cp_trust__gateways_set(ctx, gws, 4), CP_OK);
    assert_int_equal(cp_trust__tps_set(ctx, TPS_URL, NULL), CP_OK);
    cp_ctx_free(ctx);
    ctx = udev(&m); /* both persisted */
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        pdu_spec s = {0xB6, -1, NULL, rows[i].uri, rows[i].flag};
        cp_gateway gw;
        cp_verdict v;
        size_t len;
        uint8_t *pdu = build_pdu(&s, fx.nap_doc, fx.nap_len, &len);
        cp_status st;
        cp_gateway_init(&gw);
        assert_null(gw.address);
        gw.ppg = rows[i].ppg;
        gw.address = rows[i].addr;
        cp_verdict_init(&v);
        st = cp_verify_bootstrap_pdu(ctx, pdu, len, &gw, NULL, NULL, &v);
        if (v.origin_roles != rows[i].origin)
            fail_msg("row %zu: origin 0x%lx, want 0x%lx", i,
                     (unsigned long)v.origin_roles,
                     (unsigned long)rows[i].origin);
        /* unsigned: only the TPS passes 4110 */
        assert_int_equal(st, rows[i].origin & R_TPS ? CP_OK : CP_E_REFUSED);
        free(pdu);
    }
    cp_ctx_free(ctx);
    ms_free(&m);
}

/* The extra-headers vector (Push-Flag 0x01) through each kind of gateway. */
static void test_push_flag_vector(void **state)
{
    static const struct {
        cp_ppg ppg;
        uint32_t origin;
    } rows[] = {
        {CP_PPG_ANY, O_ANY},
        {CP_PPG_KNOWN, O_KNOWN},
        {CP_PPG_TRUSTED, O_TRUSTED | CP_ROLE_PPG_AUTH},
    };
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        cp_ctx *ctx = dev(U);
        prompt_st p;
        cp_verdict v;
        cp_status st;
        prompt_set(&p, NULL, 1, "0000");
        st = run(ctx, fx.pdu[P_EXTRA], fx.pdu_len[P_EXTRA], rows[i].ppg, &p, &v);
        assert_int_equal(v.origin_roles, rows[i].origin);
        assert_int_equal(v.sec, CP_SEC_USERPIN);
        if (rows[i].ppg == CP_PPG_ANY) {
            assert_int_equal(st, CP_E_REFUSED);
            expect_policy(&v, "4142");
            assert_int_equal(p.calls, 0);
        } else {
            assert_int_equal(st, CP_OK);
            assert_int_equal(v.roles, rows[i].origin | R_UA);
            assert_int_equal(v.effective_roles, rows[i].origin | R_UA);
            assert_int_equal(p.calls, 1);
            assert_int_equal(p.sec[0], CP_SEC_USERPIN);
        }
        cp_ctx_free(ctx);
    }
}

/* ---- the policy matrix: SEC x gateway x profile -------------------------- */

typedef struct mrow {
    cp_profile prof;
    int sec; /* -1 none, 0..3, 4 = invalid */
    cp_ppg ppg;
    cp_status st;
    const char *policy; /* named in reason_text when refused by a policy */
    uint32_t roles, eff;
} mrow;

#define RF(prof, sec, ppg, pol, roles) \
    {prof, sec, ppg, CP_E_REFUSED, pol, roles, 0}
#define OK(prof, sec, ppg, roles, eff) {prof, sec, ppg, CP_OK, NULL, roles, eff}
#define BS(prof, ppg, roles) {prof, 4, ppg, CP_E_BAD_SEC, NULL, roles, 0}

static const mrow matrix[] = {
    /* branded: 4110 TPS, 4141 0, 4142 KNOWN, 4143 KNOWN, 4111 TPS|KNOWN,
       4119 TPS, 4120 USER_AUTH */
    RF(B, -1, CP_PPG_ANY, "4110", O_ANY | R_UNAUTH),
    RF(B, -1, CP_PPG_KNOWN, "4110", O_KNOWN | R_UNAUTH),
    RF(B, -1, CP_PPG_TRUSTED, "4110", O_TRUSTED | R_UNAUTH),
    RF(B, 0, CP_PPG_ANY, "4141", O_ANY | R_OP),
    RF(B, 0, CP_PPG_KNOWN, "4141", O_KNOWN | R_OP),
    RF(B, 0, CP_PPG_TRUSTED, "4141", O_TRUSTED | R_OP),
    RF(B, 1, CP_PPG_ANY, "4142", O_ANY | R_UA),
    OK(B, 1, CP_PPG_KNOWN, O_KNOWN | R_UA, O_KNOWN | R_UA),
    OK(B, 1, CP_PPG_TRUSTED, O_TRUSTED | R_UA, O_TRUSTED | R_UA),
    RF(B, 2, CP_PPG_ANY, "4143", O_ANY | R_OP | R_UA),
    OK(B, 2, CP_PPG_KNOWN, O_KNOWN | R_OP | R_UA, O_KNOWN | R_OP | R_UA),
    OK(B, 2, CP_PPG_TRUSTED, O_TRUSTED | R_OP | R_UA, O_TRUSTED | R_OP | R_UA),
    RF(B, 3, CP_PPG_ANY, "4142", O_ANY | R_UA),
    OK(B, 3, CP_PPG_KNOWN, O_KNOWN | R_UA, O_KNOWN | R_UA),
    OK(B, 3, CP_PPG_TRUSTED, O_TRUSTED | R_UA, O_TRUSTED | R_UA),
    BS(B, CP_PPG_ANY, O_ANY),
    BS(B, CP_PPG_KNOWN, O_KNOWN),
    BS(B, CP_PPG_TRUSTED, O_TRUSTED),
    /* unbranded: 4143 ANY_PUSH_SOURCE, 4111 TPS|KNOWN|ANY, 4119 TPS|OPERATOR */
    RF(U, -1, CP_PPG_ANY, "4110", O_ANY | R_UNAUTH),
    RF(U, -1, CP_PPG_KNOWN, "4110", O_KNOWN | R_UNAUTH),
    RF(U, -1, CP_PPG_TRUSTED, "4110", O_TRUSTED | R_UNAUTH),
    RF(U, 0, CP_PPG_ANY, "4141", O_ANY | R_OP),
    RF(U, 0, CP_PPG_KNOWN, "4141", O_KNOWN | R_OP),
    RF(U, 0, CP_PPG_TRUSTED, "4141", O_TRUSTED | R_OP),
    RF(U, 1, CP_PPG_ANY, "4142", O_ANY | R_UA),
    OK(U, 1, CP_PPG_KNOWN, O_KNOWN | R_UA, O_KNOWN | R_UA),
    OK(U, 1, CP_PPG_TRUSTED, O_TRUSTED | R_UA, O_TRUSTED | R_UA),
    OK(U, 2, CP_PPG_ANY, O_ANY | R_OP | R_UA, O_ANY | R_OP | R_UA | R_MGR),
    OK(U, 2, CP_PPG_KNOWN, O_KNOWN | R_OP | R_UA, O_KNOWN | R_OP | R_UA | R_MGR),
    OK(U, 2, CP_PPG_TRUSTED, O_TRUSTED | R_OP | R_UA,
       O_TRUSTED | R_OP | R_UA | R_MGR),
    RF(U, 3, CP_PPG_ANY, "4142", O_ANY | R_UA),
    OK(U, 3, CP_PPG_KNOWN, O_KNOWN | R_UA, O_KNOWN | R_UA),
    OK(U, 3, CP_PPG_TRUSTED, O_TRUSTED | R_UA, O_TRUSTED | R_UA),
    BS(U, CP_PPG_ANY, O_ANY),
    BS(U, CP_PPG_KNOWN, O_KNOWN),
    BS(U, CP_PPG_TRUSTED, O_TRUSTED),
};

static uint32_t ppg_origin(cp_ppg ppg)
{
    return ppg == CP_PPG_ANY ? O_ANY : ppg == CP_PPG_KNOWN ? O_KNOWN : O_TRUSTED;
}

static void check_row(size_t i, const mrow *r, cp_status st, const cp_verdict *v,
                      const prompt_st *p, int pin_method)
{
    if (st != r->st)
        fail_msg("row %zu (profile %d sec %d ppg %d): status %s, want %s (%s)",
                 i, (int)r->prof, r->sec, (int)r->ppg, cp_strerror(st),
                 cp_strerror(r->st), v->reason_text);
    assert_int_equal(v->sec, r->sec == 4 ? CP_SEC_INVALID : r->sec);
    assert_int_equal(v->origin_roles, ppg_origin(r->ppg));
    if (v->roles != r->roles)
        fail_msg("row %zu: roles 0x%lx, want 0x%lx", i, (unsigned long)v->roles,
                 (unsigned long)r->roles);
    if (v->effective_roles != r->eff)
        fail_msg("row %zu: effective 0x%lx, want 0x%lx", i,
                 (unsigned long)v->effective_roles, (unsigned long)r->eff);
    if (r->policy)
        expect_policy(v, r->policy);
    assert_int_equal(v->is_bootstrap, 0);
    assert_int_equal(v->confirm_due, 0);
    assert_int_equal(v->pin_failures, 0);
    assert_int_equal(v->imsi_index,
                     st == CP_OK && r->sec == CP_SEC_USERNETWPIN ? 0 : NO_IMSI);
    /* PIN asked only when the policies passed, exactly once for the right PIN */
    assert_int_equal(p->calls, st == CP_OK && pin_method ? 1u : 0u);
}

static void test_policy_matrix(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
        const mrow *r = &matrix[i];
        cp_ctx *ctx = dev(r->prof);
        char typed[41];
        const char *pin = right_pin(r->sec, fx.nap_doc, fx.nap_len, typed);
        prompt_st p;
        cp_verdict v;
        size_t len;
        uint8_t *pdu = signed_pdu(r->sec, fx.nap_doc, fx.nap_len, &len);
        cp_status st;
        prompt_set(&p, NULL, pin ? 1 : 0, pin);
        st = run(ctx, pdu, len, r->ppg, &p, &v);
        check_row(i, r, st, &v, &p, pin != NULL);
        free(pdu);
        cp_ctx_free(ctx);
    }
}

/* ---- policy overrides: which roles each policy is matched against ------- */

typedef struct orow {
    cp_profile prof;
    int sec;
    cp_ppg ppg;
    uint32_t id1, val1, id2, val2; /* id 0: none */
    cp_status st;
    const char *policy;
    uint32_t roles, eff;
    int confirm_due;
} orow;

static const orow overrides[] = {
    /* 4110 is matched against the message roles (USER_UNAUTH is no origin role) */
    {B, -1, CP_PPG_KNOWN, 4110, R_UNAUTH, 0, 0, CP_OK, NULL, O_KNOWN | R_UNAUTH,
     O_KNOWN | R_UNAUTH, 0},
    /* ... and passing it is not enough: branded 4111 lacks ANY_PUSH_SOURCE */
    {B, -1, CP_PPG_ANY, 4110, R_UNAUTH, 0, 0, CP_E_REFUSED, "4111",
     O_ANY | R_UNAUTH, 0, 0},
    {U, -1, CP_PPG_ANY, 4110, R_UNAUTH, 0, 0, CP_OK, NULL, O_ANY | R_UNAUTH,
     O_ANY | R_UNAUTH, 0},
    /* 4141-4143 are matched against the ORIGIN roles only */
    {B, 1, CP_PPG_KNOWN, 4142, R_UA, 0, 0, CP_E_REFUSED, "4142", O_KNOWN | R_UA,
     0, 0},
    {B, 2, CP_PPG_KNOWN, 4143, R_OP | R_UA, 0, 0, CP_E_REFUSED, "4143",
     O_KNOWN | R_OP | R_UA, 0, 0},
    {B, 0, CP_PPG_KNOWN, 4141, R_OP, 0, 0, CP_E_REFUSED, "4141", O_KNOWN | R_OP,
     0, 0},
    {B, 1, CP_PPG_TRUSTED, 4142, CP_ROLE_TRUSTED_PPG, 0, 0, CP_OK, NULL,
     O_TRUSTED | R_UA, O_TRUSTED | R_UA, 0},
    {B, 1, CP_PPG_KNOWN, 4142, CP_ROLE_TRUSTED_PPG, 0, 0, CP_E_REFUSED, "4142",
     O_KNOWN | R_UA, 0, 0},
    {B, 3, CP_PPG_KNOWN, 4142, 0, 0, 0, CP_E_REFUSED, "4142", O_KNOWN | R_UA, 0,
     0},
    /* an opened NETWPIN policy; 4132 = 0 asks the user first */
    {B, 0, CP_PPG_KNOWN, 4141, CP_ROLE_KNOWN_PPG, 0, 0, CP_OK, NULL,
     O_KNOWN | R_OP, O_KNOWN | R_OP, 1},
    {U, 0, CP_PPG_KNOWN, 4141, CP_ROLE_KNOWN_PPG, 0, 0, CP_OK, NULL,
     O_KNOWN | R_OP, O_KNOWN | R_OP | R_MGR, 1},
    {U, 0, CP_PPG_KNOWN, 4141, CP_ROLE_KNOWN_PPG, 4132, 1, CP_OK, NULL,
     O_KNOWN | R_OP, O_KNOWN | R_OP | R_MGR, 0},
    {U, 0, CP_PPG_ANY, 4141, O_ANY, 0, 0, CP_OK, NULL, O_ANY | R_OP,
     O_ANY | R_OP | R_MGR, 1},
    /* 4111 must cover what 4143 admits (the P7 rule) */
    {B, 2, CP_PPG_ANY, 4143, O_ANY, 0, 0, CP_E_REFUSED, "4111",
     O_ANY | R_OP | R_UA, 0, 0},
    {B, 2, CP_PPG_ANY, 4143, O_ANY, 4111, O_ANY, CP_OK, NULL,
     O_ANY | R_OP | R_UA, O_ANY | R_OP | R_UA, 0},
    /* 4111 is matched against the message roles */
    {B, 1, CP_PPG_KNOWN, 4111, R_UA, 0, 0, CP_OK, NULL, O_KNOWN | R_UA,
     O_KNOWN | R_UA, 0},
    {B, 1, CP_PPG_KNOWN, 4111, R_OP, 0, 0, CP_E_REFUSED, "4111", O_KNOWN | R_UA,
     0, 0},
    {U, 2, CP_PPG_ANY, 4111, 0, 0, 0, CP_E_REFUSED, "4111", O_ANY | R_OP | R_UA,
     0, 0},
    /* grant policies */
    {B, 2, CP_PPG_KNOWN, 4119, R_OP, 0, 0, CP_OK, NULL, O_KNOWN | R_OP | R_UA,
     O_KNOWN | R_OP | R_UA | R_MGR, 0},
    {U, 2, CP_PPG_ANY, 4119, 0, 0, 0, CP_OK, NULL, O_ANY | R_OP | R_UA,
     O_ANY | R_OP | R_UA, 0},
    {B, 0, CP_PPG_KNOWN, 4141, CP_ROLE_KNOWN_PPG, 4120, R_OP, CP_OK, NULL,
     O_KNOWN | R_OP, O_KNOWN | R_OP | R_UA, 1},
    {B, 1, CP_PPG_KNOWN, 4119, CP_ROLE_KNOWN_PPG, 0, 0, CP_OK, NULL,
     O_KNOWN | R_UA, O_KNOWN | R_UA | R_MGR, 0},
};

static void test_policy_overrides(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
        const orow *r = &overrides[i];
        cp_ctx *ctx = dev(r->prof);
        char typed[41];
        const char *pin = right_pin(r->sec, fx.nap_doc, fx.nap_len, typed);
        prompt_st p;
        cp_verdict v;
        size_t len;
        uint8_t *pdu = signed_pdu(r->sec, fx.nap_doc, fx.nap_len, &len);
        cp_status st;
        if (r->id1)
            tu_setpol(ctx, r->id1, r->val1);
        if (r->id2)
            tu_setpol(ctx, r->id2, r->val2);
        prompt_set(&p, NULL, pin ? 1 : 0, pin);
        st = run(ctx, pdu, len, r->ppg, &p, &v);
        if (st != r->st)
            fail_msg("override row %zu: status %s, want %s (%s)", i,
                     cp_strerror(st), cp_strerror(r->st), v.reason_text);
        assert_int_equal(v.origin_roles, ppg_origin(r->ppg));
        if (v.roles != r->roles || v.effective_roles != r->eff)
            fail_msg("override row %zu: roles 0x%lx eff 0x%lx, want 0x%lx 0x%lx",
                     i, (unsigned long)v.roles, (unsigned long)v.effective_roles,
                     (unsigned long)r->roles, (unsigned long)r->eff);
        if (r->policy)
            expect_policy(&v, r->policy);
        assert_int_equal(v.confirm_due, r->confirm_due);
        assert_int_equal(v.imsi_index,
                         st == CP_OK && (r->sec == 0 || r->sec == 2) ? 0 : NO_IMSI);
        assert_int_equal(p.calls, st == CP_OK && pin ? 1u : 0u);
        free(pdu);
        cp_ctx_free(ctx);
    }
}

/* ---- order: policies before the MAC, the MAC before decoding ------------- */

static void test_policy_before_mac(void **state)
{
    static const struct {
        cp_profile prof;
        int sec;
        cp_ppg ppg;
        const char *mac; /* NULL: none */
        const char *policy;
    } rows[] = {
        /* wrong MAC (for PIN 9999), refused by the policy: never a MAC verdict */
        {B, 1, CP_PPG_ANY, "BAD", "4142"},
        {B, 0, CP_PPG_TRUSTED, "BAD", "4141"},
        {U, 0, CP_PPG_KNOWN, "BAD", "4141"},
        {B, 2, CP_PPG_ANY, "BAD", "4143"},
        {U, 3, CP_PPG_ANY, NULL, "4142"},
        {B, -1, CP_PPG_TRUSTED, NULL, "4110"},
        /* malformed MACs too */
        {B, 1, CP_PPG_ANY, "AA2DC41FC48AEEF3FED7351B1EE704461A8894D", "4142"},
        {B, 0, CP_PPG_KNOWN, "", "4141"},
        {B, 1, CP_PPG_ANY, "not hex at all, but forty characters ok!", "4142"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cp_ctx *ctx = dev(rows[i].prof);
        char mac[CP_MAC_TEXT_SIZE];
        pdu_spec s = {0xB6, rows[i].sec, rows[i].mac, NULL, -1};
        prompt_st p;
        cp_verdict v;
        size_t len;
        uint8_t *pdu;
        if (rows[i].mac && strcmp(rows[i].mac, "BAD") == 0) {
            int m = rows[i].sec == 0 ? 1 : rows[i].sec;
            sign(m, "9999", fx.op_doc, fx.op_len, mac);
            s.mac = mac;
        }
        pdu = build_pdu(&s, fx.op_doc, fx.op_len, &len);
        prompt_set(&p, "0000", 0);
        assert_int_equal(run(ctx, pdu, len, rows[i].ppg, &p, &v), CP_E_REFUSED);
        expect_policy(&v, rows[i].policy);
        assert_int_equal(p.calls, 0);
        assert_int_equal(v.pin_failures, 0);
        free(pdu);
        cp_ctx_free(ctx);
    }
}

static void test_mac_before_decode(void **state)
{
    static const uint8_t junk[] = "this is not WBXML";
    char mac[CP_MAC_TEXT_SIZE];
    cp_verdict v;
    prompt_st p;
    size_t len;
    uint8_t *pdu;
    cp_ctx *ctx;
    pdu_spec s = {0xB6, CP_SEC_NETWPIN, mac, NULL, -1};
    (void)state;

    /* correctly signed undecodable body: the decode error, after the MAC */
    ctx = dev(U);
    prompt_set(&p, "1234", 0);
    pdu = signed_pdu(CP_SEC_USERNETWPIN, fx.trunc_doc, fx.trunc_len, &len);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_ANY, &p, &v), CP_E_TRUNCATED);
    assert_int_equal(p.calls, 1); /* the PIN was asked (MAC checked) first */
    assert_int_equal(v.roles, O_ANY | R_OP | R_UA);
    assert_int_equal(v.imsi_index, 0);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_TRUNCATED);
    free(pdu);
    /* the same with a wrong PIN: not authentic, never a decode error */
    prompt_set(&p, "4321", 0);
    pdu = signed_pdu(CP_SEC_USERNETWPIN, junk, sizeof junk - 1, &len);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_ANY, &p, &v), CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 3);
    free(pdu);
    cp_ctx_free(ctx);

    /* NETWPIN: right IMSI -> decode error; wrong MAC -> not authentic */
    ctx = dev(B);
    tu_setpol(ctx, CP_POLICY_OMACP_NETWPIN, O_ANY);
    tu_setpol(ctx, CP_POLICY_OTA_PROVISIONING, O_ANY);
    prompt_set(&p, NULL, 0);
    sign(CP_SEC_NETWPIN, NULL, junk, sizeof junk - 1, mac);
    pdu = build_pdu(&s, junk, sizeof junk - 1, &len);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_ANY, &p, &v), CP_E_MALFORMED);
    assert_int_equal(v.imsi_index, 0);
    free(pdu);
    mac[0] = mac[0] == '0' ? '1' : '0';
    pdu = build_pdu(&s, junk, sizeof junk - 1, &len);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_ANY, &p, &v), CP_E_NOT_AUTHENTIC);
    assert_int_equal(v.imsi_index, NO_IMSI);
    free(pdu);
    sign(CP_SEC_NETWPIN, NULL, fx.trunc_doc, fx.trunc_len, mac);
    mac[39] = mac[39] == 'F' ? 'E' : 'F';
    pdu = build_pdu(&s, fx.trunc_doc, fx.trunc_len, &len);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_ANY, &p, &v), CP_E_NOT_AUTHENTIC);
    free(pdu);
    assert_int_equal(p.calls, 0);
    cp_ctx_free(ctx);

    /* XML content type: signed, not well-formed -> CP_E_XML after the MAC
       (CP_E_UNSUPPORTED, also after the MAC, in a NO_XML build) */
    ctx = dev(U);
    s.media = 0xB5;
    s.sec = CP_SEC_USERNETWPIN;
    {
        static const uint8_t bad_xml[] = "<wap-provisioningdoc></parm>";
#ifdef CP_NO_XML
        const cp_status want = CP_E_UNSUPPORTED;
#else
        const cp_status want = CP_E_XML;
#endif
        sign(CP_SEC_USERNETWPIN, "1234", bad_xml, sizeof bad_xml - 1, mac);
        pdu = build_pdu(&s, bad_xml, sizeof bad_xml - 1, &len);
        prompt_set(&p, NULL, 1, "1234");
        assert_int_equal(run(ctx, pdu, len, CP_PPG_ANY, &p, &v), want);
        assert_int_equal(p.calls, 1);
        free(pdu);
    }
    cp_ctx_free(ctx);
}

/* ---- NETWPIN and IMSIs ----------------------------------------------------- */

static void test_netwpin_imsis(void **state)
{
    cp_ctx *ctx;
    cp_verdict v;
    prompt_st p;
    size_t len;
    uint8_t *pdu;
    pdu_spec s = {0xB6, CP_SEC_NETWPIN, NULL, NULL, -1};
    (void)state;
    prompt_set(&p, NULL, 0);

    /* dual SIM: the vector's IMSI is the second one */
    ctx = device(B, imsis_ba, 2, NULL);
    tu_setpol(ctx, CP_POLICY_OMACP_NETWPIN, CP_ROLE_KNOWN_PPG);
    assert_int_equal(run(ctx, fx.pdu[P_NETWPIN], fx.pdu_len[P_NETWPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_OK);
    assert_int_equal(v.imsi_index, 1);
    assert_int_equal(v.sec, CP_SEC_NETWPIN);
    assert_int_equal(v.roles, O_KNOWN | R_OP);
    assert_int_equal(v.effective_roles, O_KNOWN | R_OP);
    assert_int_equal(v.confirm_due, 1);
    /* the NowSMS message verifies with the first */
    s.mac = fx.nowsms_mac;
    pdu = build_pdu(&s, fx.nowsms, fx.nowsms_len, &len);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_KNOWN, &p, &v), CP_OK);
    assert_int_equal(v.imsi_index, 0);
    assert_int_equal(v.confirm_due, 1);
    /* 4132 = 1: no confirmation */
    tu_setpol(ctx, CP_POLICY_NETWPIN_PROMPT, 1);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_KNOWN, &p, &v), CP_OK);
    assert_int_equal(v.confirm_due, 0);
    cp_ctx_free(ctx);

    /* only IMSI_A: the NowSMS message is not authentic */
    ctx = dev(B);
    tu_setpol(ctx, CP_POLICY_OMACP_NETWPIN, CP_ROLE_KNOWN_PPG);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_KNOWN, &p, &v), CP_E_NOT_AUTHENTIC);
    assert_int_equal(v.imsi_index, NO_IMSI);
    assert_int_equal(v.confirm_due, 0);
    cp_ctx_free(ctx);

    /* no IMSI at all */
    ctx = device(B, NULL, 0, NULL);
    tu_setpol(ctx, CP_POLICY_OMACP_NETWPIN, CP_ROLE_KNOWN_PPG);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_KNOWN, &p, &v), CP_E_BAD_PIN);
    assert_int_equal(run(ctx, fx.pdu[P_NETWPIN], fx.pdu_len[P_NETWPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_BAD_PIN);
    assert_int_equal(v.imsi_index, NO_IMSI);
    cp_ctx_free(ctx);
    free(pdu);

    /* USERNETWPIN without IMSI: refused, and nobody is asked for a PIN */
    ctx = device(U, NULL, 0, NULL);
    prompt_set(&p, "1234", 0);
    pdu = signed_pdu(CP_SEC_USERNETWPIN, fx.op_doc, fx.op_len, &len);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_ANY, &p, &v), CP_E_BAD_PIN);
    assert_int_equal(p.calls, 0);
    assert_int_equal(v.pin_failures, 0);
    free(pdu);
    cp_ctx_free(ctx);

    /* USERNETWPIN with two SIMs: index of the second */
    ctx = device(U, imsis_ba, 2, NULL);
    prompt_set(&p, NULL, 1, "1234");
    pdu = signed_pdu(CP_SEC_USERNETWPIN, fx.op_doc, fx.op_len, &len);
    assert_int_equal(run(ctx, pdu, len, CP_PPG_ANY, &p, &v), CP_OK);
    assert_int_equal(v.imsi_index, 1);
    assert_int_equal(v.confirm_due, 0); /* not pure NETWPIN */
    free(pdu);
    cp_ctx_free(ctx);
}

/* ---- PIN attempts ---------------------------------------------------------- */

static void test_pin_exhaustion(void **state)
{
    cp_ctx *ctx = dev(U);
    cp_verdict v;
    prompt_st p;
    unsigned k;
    (void)state;
    prompt_set(&p, "0001", 0); /* mac_computed_variants: userpin-wrong-pin */
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 3);
    for (k = 0; k < 3; k++) {
        assert_int_equal(p.attempt[k], k + 1);
        assert_int_equal(p.left[k], 3 - k);
        assert_int_equal(p.sec[k], CP_SEC_USERPIN);
    }
    assert_int_equal(v.pin_failures, 3);
    assert_non_null(strstr(v.reason_text, "4105"));
    /* sending it again gains nothing, even with the right PIN */
    prompt_set(&p, "0000", 0);
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 0);
    /* nor through another gateway, nor with other headers: same body */
    assert_int_equal(run(ctx, fx.pdu[P_EXTRA], fx.pdu_len[P_EXTRA],
                         CP_PPG_TRUSTED, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 0);
    cp_ctx_free(ctx);

    /* a wrong PIN, then the right one */
    ctx = dev(U);
    prompt_set(&p, NULL, 2, "0001", "0000");
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_OK);
    assert_int_equal(p.calls, 2);
    assert_int_equal(p.attempt[1], 2);
    assert_int_equal(p.left[1], 2);
    assert_int_equal(v.pin_failures, 1);
    cp_ctx_free(ctx);

    /* no prompt at all: refused, nothing counted */
    ctx = dev(U);
    cp_verdict_init(&v);
    {
        cp_gateway gw;
        cp_gateway_init(&gw);
        assert_int_equal(gw.struct_size, sizeof gw);
        assert_int_equal(gw.ppg, CP_PPG_ANY);
        gw.ppg = CP_PPG_KNOWN;
        assert_int_equal(cp_verify_bootstrap_pdu(ctx, fx.pdu[P_USERPIN],
                                                 fx.pdu_len[P_USERPIN], &gw,
                                                 NULL, NULL, &v),
                         CP_E_BAD_PIN);
        assert_int_equal(v.pin_failures, 0);
        /* and the full 3 attempts are still there */
        prompt_set(&p, "0001", 0);
        assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                             CP_PPG_KNOWN, &p, &v),
                         CP_E_PIN_EXHAUSTED);
        assert_int_equal(p.calls, 3);
    }
    cp_ctx_free(ctx);
}

static void test_pin_count_persists(void **state)
{
    memstore m;
    cp_ctx *ctx;
    cp_verdict v;
    prompt_st p;
    size_t len;
    uint8_t *other;
    (void)state;
    ms_init(&m);
    other = signed_pdu(CP_SEC_USERPIN, fx.min_doc, fx.min_len, &len);

    /* two wrong attempts, then the user gives up: not counted as a third */
    ctx = udev(&m);
    prompt_set(&p, NULL, 2, "1111", "2222");
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_BAD_PIN);
    assert_int_equal(p.calls, 3);
    assert_int_equal(v.pin_failures, 2);
    cp_ctx_free(ctx);

    /* after a restart: exactly one more attempt for the same message (the
       same body in another PDU is the same message) */
    ctx = udev(&m);
    prompt_set(&p, "3333", 0);
    assert_int_equal(run(ctx, fx.pdu[P_EXTRA], fx.pdu_len[P_EXTRA],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.attempt[0], 3);
    assert_int_equal(p.left[0], 1);
    assert_int_equal(v.pin_failures, 3);
    /* a different message starts from zero */
    prompt_set(&p, "3333", 0);
    assert_int_equal(run(ctx, other, len, CP_PPG_KNOWN, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 3);
    assert_int_equal(p.attempt[0], 1);
    assert_int_equal(p.left[0], 3);
    cp_ctx_free(ctx);

    /* a success clears the count: one failure, restart, one failure and the
       right typed string, restart, three fresh attempts (a fresh store, so
       that nothing above can interfere) */
    ms_free(&m);
    ms_init(&m);
    ctx = udev(&m);
    prompt_set(&p, NULL, 1, "1111");
    assert_int_equal(run(ctx, fx.pdu[P_PINMAC], fx.pdu_len[P_PINMAC],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_BAD_PIN);
    assert_int_equal(v.pin_failures, 1);
    cp_ctx_free(ctx);
    ctx = udev(&m);
    prompt_set(&p, NULL, 2, "1234517888", "1234517887");
    assert_int_equal(run(ctx, fx.pdu[P_PINMAC], fx.pdu_len[P_PINMAC],
                         CP_PPG_KNOWN, &p, &v),
                     CP_OK);
    assert_int_equal(p.calls, 2);
    assert_int_equal(p.attempt[0], 2);
    assert_int_equal(p.attempt[1], 3);
    assert_int_equal(p.left[1], 1);
    cp_ctx_free(ctx);
    ctx = udev(&m);
    prompt_set(&p, "0001", 0);
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 3);
    assert_int_equal(p.attempt[0], 1);
    cp_ctx_free(ctx);

    /* policy 4105 = 1: a single attempt; the policy persists as well */
    ctx = udev(&m);
    tu_setpol(ctx, CP_POLICY_MAX_AUTH_RETRY, 1);
    cp_ctx_free(ctx);
    ctx = udev(&m);
    prompt_set(&p, "0001", 0);
    assert_int_equal(run(ctx, other, len, CP_PPG_KNOWN, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.attempt[0], 1);
    assert_int_equal(p.left[0], 1);
    assert_int_equal(v.pin_failures, 1);
    /* with one attempt the right PIN still works */
    prompt_set(&p, NULL, 1, "1234517887");
    assert_int_equal(run(ctx, fx.pdu[P_PINMAC], fx.pdu_len[P_PINMAC],
                         CP_PPG_KNOWN, &p, &v),
                     CP_OK);
    cp_ctx_free(ctx);

    /* a failure count that cannot be stored refuses the message */
    ctx = udev(&m);
    tu_setpol(ctx, CP_POLICY_MAX_AUTH_RETRY, 3);
    m.fail_saves = 1;
    prompt_set(&p, "0001", 0);
    /* (P_USERPIN is exhausted above: its count is kept per message) */
    assert_int_equal(run(ctx, other, len, CP_PPG_KNOWN, &p, &v), CP_E_STORAGE);
    assert_int_equal(p.calls, 1);
    cp_ctx_free(ctx);
    free(other);
    ms_free(&m);
}

/*
 * The count of a message survives failures on other messages: exhaust A,
 * fail once on B, then A gains nothing (bootstrap.h: "the failure count of a
 * message persists, so sending it again gains nothing").
 */
static void test_pin_count_interleaved(void **state)
{
    memstore m;
    cp_ctx *ctx;
    cp_verdict v;
    prompt_st p;
    size_t len;
    uint8_t *other;
    (void)state;
    ms_init(&m);
    other = signed_pdu(CP_SEC_USERPIN, fx.min_doc, fx.min_len, &len);
    ctx = udev(&m);
    prompt_set(&p, "0001", 0);
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 3);
    prompt_set(&p, NULL, 1, "0001");
    assert_int_equal(run(ctx, other, len, CP_PPG_KNOWN, &p, &v), CP_E_BAD_PIN);
    assert_int_equal(v.pin_failures, 1);
    prompt_set(&p, "0001", 0);
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(p.calls, 0);
    cp_ctx_free(ctx);
    free(other);
    ms_free(&m);
}

static void test_userpinmac_vector(void **state)
{
    static const char *const wrong[] = {
        "1234517888", /* last MAC digit changed */
        "123451788",  /* odd length */
        "12345",      /* only the PIN half */
        "12341788",   /* N = 4 < 5 */
        "",
    };
    cp_ctx *ctx;
    cp_verdict v;
    prompt_st p;
    size_t i;
    (void)state;
    ctx = dev(U);
    prompt_set(&p, NULL, 1, "1234517887");
    assert_int_equal(run(ctx, fx.pdu[P_PINMAC], fx.pdu_len[P_PINMAC],
                         CP_PPG_KNOWN, &p, &v),
                     CP_OK);
    assert_int_equal(v.sec, CP_SEC_USERPINMAC);
    assert_int_equal(v.roles, O_KNOWN | R_UA);
    assert_int_equal(v.imsi_index, NO_IMSI);
    assert_int_equal(p.sec[0], CP_SEC_USERPINMAC);
    /* each malformed or wrong typed string costs one attempt */
    for (i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        tu_setpol(ctx, CP_POLICY_MAX_AUTH_RETRY, 256);
        prompt_set(&p, NULL, 2, wrong[i], "1234517887");
        assert_int_equal(run(ctx, fx.pdu[P_PINMAC], fx.pdu_len[P_PINMAC],
                             CP_PPG_TRUSTED, &p, &v),
                         CP_OK);
        assert_int_equal(p.calls, 2);
        assert_int_equal(v.pin_failures, 1);
    }
    cp_ctx_free(ctx);
}

/* ---- SEC and MAC form ----------------------------------------------------- */

static void test_bad_sec(void **state)
{
    static const int secs[] = {4, 5, 0x7F};
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        cp_ctx *ctx = dev(U);
        cp_verdict v;
        prompt_st p;
        size_t len;
        /* carries the USERPIN MAC: must never be verified as USERPIN */
        uint8_t *pdu = signed_pdu(secs[i], fx.op_doc, fx.op_len, &len);
        tu_setpol(ctx, CP_POLICY_UNAUTH_MESSAGES, CP_ROLES_ALL);
        prompt_set(&p, "0000", 0);
        assert_int_equal(run(ctx, pdu, len, CP_PPG_TRUSTED, &p, &v),
                         CP_E_BAD_SEC);
        assert_int_equal(v.sec, CP_SEC_INVALID);
        assert_int_equal(v.effective_roles, 0);
        assert_int_equal(p.calls, 0);
        free(pdu);
        cp_ctx_free(ctx);
    }
}

static void test_bad_mac(void **state)
{
    static const struct {
        int sec;
        int edit; /* 0 drop last char, 1 add one, 2 non-hex, 3 lower case,
                     4 no MAC, 5 empty */
        cp_status st;
    } rows[] = {
        {1, 0, CP_E_BAD_MAC}, {1, 1, CP_E_BAD_MAC}, {1, 2, CP_E_BAD_MAC},
        {1, 3, CP_OK},        {1, 4, CP_E_BAD_MAC}, {1, 5, CP_E_BAD_MAC},
        {2, 0, CP_E_BAD_MAC}, {2, 1, CP_E_BAD_MAC}, {2, 2, CP_E_BAD_MAC},
        {2, 3, CP_OK},        {2, 4, CP_E_BAD_MAC}, {0, 0, CP_E_BAD_MAC},
        {0, 1, CP_E_BAD_MAC}, {0, 2, CP_E_BAD_MAC}, {0, 3, CP_OK},
        {0, 4, CP_E_BAD_MAC},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cp_ctx *ctx = dev(U);
        char mac[CP_MAC_TEXT_SIZE + 1];
        pdu_spec s = {0xB6, rows[i].sec, mac, NULL, -1};
        cp_verdict v;
        prompt_st p;
        size_t len, k;
        uint8_t *pdu;
        sign(rows[i].sec, rows[i].sec == 1 ? "0000" : "1234", fx.op_doc,
             fx.op_len, mac);
        switch (rows[i].edit) {
        case 0: mac[39] = '\0'; break;
        case 1: strcat(mac, "0"); break;
        case 2: mac[17] = 'G'; break;
        case 3:
            for (k = 0; k < 40; k++)
                if (mac[k] >= 'A' && mac[k] <= 'F')
                    mac[k] = (char)(mac[k] - 'A' + 'a');
            break;
        case 4: s.mac = NULL; break;
        default: mac[0] = '\0'; break;
        }
        tu_setpol(ctx, CP_POLICY_OMACP_NETWPIN, O_ANY);
        pdu = build_pdu(&s, fx.op_doc, fx.op_len, &len);
        prompt_set(&p, rows[i].sec == 1 ? "0000" : "1234", 0);
        if (run(ctx, pdu, len, CP_PPG_KNOWN, &p, &v) != rows[i].st)
            fail_msg("row %zu: %s (%s)", i, cp_strerror(v.reason), v.reason_text);
        /* a MAC that can never verify does not make the user type a PIN */
        assert_int_equal(p.calls, rows[i].st == CP_OK && rows[i].sec ? 1u : 0u);
        assert_int_equal(v.pin_failures, 0);
        free(pdu);
        cp_ctx_free(ctx);
    }
}

/* ---- bootstrap rules ------------------------------------------------------ */

static void test_bootstrap_rules(void **state)
{
    memstore m;
    cp_ctx *ctx;
    cp_verdict v;
    prompt_st p;
    size_t blen, nlen, ulen;
    uint8_t *boot, *nap, *unsig;
    char url[CP_TPS_URL_MAX + 1];
    pdu_spec s = {0xB6, -1, NULL, TPS_URL, 0x01};
    (void)state;
    ms_init(&m);
    boot = signed_pdu(CP_SEC_USERNETWPIN, fx.boot_doc, fx.boot_len, &blen);
    nap = signed_pdu(CP_SEC_USERNETWPIN, fx.nap_doc, fx.nap_len, &nlen);
    unsig = build_pdu(&s, fx.boot_doc, fx.boot_len, &ulen);

    /* branded: refused even though authentic (the MAC was checked first) */
    ctx = dev(B);
    prompt_set(&p, "1234", 0);
    assert_int_equal(run(ctx, boot, blen, CP_PPG_KNOWN, &p, &v), CP_E_REFUSED);
    assert_int_equal(v.is_bootstrap, 1);
    assert_int_equal(p.calls, 1);
    assert_non_null(strstr(v.reason_text, "branded"));
    /* the same device takes an ordinary document */
    assert_int_equal(run(ctx, nap, nlen, CP_PPG_KNOWN, &p, &v), CP_OK);
    assert_int_equal(v.is_bootstrap, 0);
    cp_ctx_free(ctx);

    /* unbranded: the first bootstrap is accepted, as MANAGER */
    ctx = device(U, imsis_a, 1, &m);
    assert_int_equal(cp_tps_get(ctx, url, sizeof url), CP_E_NOT_FOUND);
    prompt_set(&p, "1234", 0);
    assert_int_equal(run(ctx, boot, blen, CP_PPG_ANY, &p, &v), CP_OK);
    assert_int_equal(v.is_bootstrap, 1);
    assert_int_equal(v.roles, O_ANY | R_OP | R_UA);
    assert_int_equal(v.effective_roles, O_ANY | R_OP | R_UA | R_MGR);
    assert_int_equal(v.imsi_index, 0);
    /* verifying applies nothing */
    assert_int_equal(cp_tps_get(ctx, url, sizeof url), CP_E_NOT_FOUND);
    /* unsigned bootstrap: refused even when 4110 admits unsigned messages */
    tu_setpol(ctx, CP_POLICY_UNAUTH_MESSAGES, O_ANY);
    assert_int_equal(run(ctx, unsig, ulen, CP_PPG_ANY, &p, &v), CP_E_REFUSED);
    assert_int_equal(v.is_bootstrap, 1);
    assert_non_null(strstr(v.reason_text, "unauthenticated"));
    assert_int_equal(cp_policy_reset(ctx, CP_POLICY_UNAUTH_MESSAGES,
                                     CP_ROLE_MANAGER),
                     CP_OK);
    /* the bootstrap is applied (simulated): a second one is refused */
    assert_int_equal(cp_trust__tps_set(ctx, TPS_URL, "Example TPS"), CP_OK);
    p.calls = 0;
    assert_int_equal(run(ctx, boot, blen, CP_PPG_ANY, &p, &v), CP_E_EXISTS);
    assert_int_equal(v.is_bootstrap, 1);
    assert_int_equal(p.calls, 1);
    /* an ordinary document is not affected */
    assert_int_equal(run(ctx, nap, nlen, CP_PPG_ANY, &p, &v), CP_OK);
    assert_int_equal(v.is_bootstrap, 0);
    /* the TPS itself, unsigned, through the trusted gateway: 4110 admits it,
       the bootstrap rule refuses it */
    assert_int_equal(run(ctx, unsig, ulen, CP_PPG_TRUSTED, &p, &v), CP_E_REFUSED);
    assert_true((v.origin_roles & R_TPS) != 0);
    assert_non_null(strstr(v.reason_text, "unauthenticated"));
    cp_ctx_free(ctx);

    /* the TPS persists: a new context refuses the second bootstrap too */
    ctx = device(U, imsis_a, 1, &m);
    prompt_set(&p, "1234", 0);
    assert_int_equal(run(ctx, boot, blen, CP_PPG_KNOWN, &p, &v), CP_E_EXISTS);
    /* and the unsigned TPS push of an ordinary document is accepted */
    free(unsig);
    unsig = build_pdu(&s, fx.nap_doc, fx.nap_len, &ulen);
    assert_int_equal(run(ctx, unsig, ulen, CP_PPG_TRUSTED, &p, &v), CP_OK);
    assert_int_equal(v.origin_roles,
                     O_TRUSTED | CP_ROLE_PPG_AUTH | R_TPS);
    assert_int_equal(v.effective_roles,
                     O_TRUSTED | CP_ROLE_PPG_AUTH | R_TPS | R_UNAUTH | R_MGR);
    cp_ctx_free(ctx);

#ifndef CP_NO_XML /* the XML text form (not in a NO_XML build) */
    /* XML form, type matched in any case */
    {
        static const char xml[] =
            "<wap-provisioningdoc><characteristic type=\"bootstrap\">"
            "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/></characteristic>"
            "</wap-provisioningdoc>";
        char mac[CP_MAC_TEXT_SIZE];
        pdu_spec x = {0xB5, CP_SEC_USERNETWPIN, mac, NULL, -1};
        size_t xlen;
        uint8_t *xp;
        sign(CP_SEC_USERNETWPIN, "1234", (const uint8_t *)xml, sizeof xml - 1,
             mac);
        xp = build_pdu(&x, (const uint8_t *)xml, sizeof xml - 1, &xlen);
        ctx = dev(U);
        assert_int_equal(run(ctx, xp, xlen, CP_PPG_ANY, &p, &v), CP_OK);
        assert_int_equal(v.is_bootstrap, 1);
        cp_ctx_free(ctx);
        ctx = dev(B);
        assert_int_equal(run(ctx, xp, xlen, CP_PPG_KNOWN, &p, &v), CP_E_REFUSED);
        assert_int_equal(v.is_bootstrap, 1);
        cp_ctx_free(ctx);
        free(xp);
    }
#endif
    /* The CHT operator document (the USERPIN vectors) opens with
       <characteristic type="BOOTSTRAP"> carrying only NAME, no PROVURL, as
       do NowSMS documents: that names no TPS, so it is no OTA bootstrap and
       a branded or bootstrapped device takes it as ordinary settings. */
    ctx = dev(B);
    prompt_set(&p, "0000", 0);
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_OK);
    assert_int_equal(v.is_bootstrap, 0);
    assert_int_equal(p.calls, 1);
    cp_ctx_free(ctx);
    ctx = dev(U);
    assert_int_equal(cp_trust__tps_set(ctx, TPS_URL, NULL), CP_OK);
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_KNOWN, &p, &v),
                     CP_OK);
    assert_int_equal(v.is_bootstrap, 0);
    cp_ctx_free(ctx);
#ifndef CP_NO_XML
    /* the parm name is matched in any case, like the type */
    {
        static const char xml[] =
            "<wap-provisioningdoc><characteristic type=\"Bootstrap\">"
            "<parm name=\"NAME\" value=\"x\"/>"
            "<parm name=\"provurl\" value=\"" TPS_URL "\"/></characteristic>"
            "</wap-provisioningdoc>";
        char mac[CP_MAC_TEXT_SIZE];
        pdu_spec x = {0xB5, CP_SEC_USERPIN, mac, NULL, -1};
        size_t xlen;
        uint8_t *xp;
        sign(CP_SEC_USERPIN, "0000", (const uint8_t *)xml, sizeof xml - 1, mac);
        xp = build_pdu(&x, (const uint8_t *)xml, sizeof xml - 1, &xlen);
        ctx = dev(B);
        assert_int_equal(run(ctx, xp, xlen, CP_PPG_KNOWN, &p, &v), CP_E_REFUSED);
        assert_int_equal(v.is_bootstrap, 1);
        cp_ctx_free(ctx);
        free(xp);
    }
#endif

    free(boot);
    free(nap);
    free(unsig);
    ms_free(&m);
}

/* ---- content type --------------------------------------------------------- */

static void test_content_type(void **state)
{
    static const int media[] = {0x83 /* text/plain */, 0xAE /* vnd.wap.sic */,
                                0xB0 /* vnd.wap.slc */};
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        cp_ctx *ctx = dev(U);
        char mac[CP_MAC_TEXT_SIZE];
        pdu_spec s = {media[i], CP_SEC_USERNETWPIN, mac, NULL, -1};
        cp_verdict v;
        prompt_st p;
        size_t len;
        uint8_t *pdu;
        sign(CP_SEC_USERNETWPIN, "1234", fx.nap_doc, fx.nap_len, mac);
        pdu = build_pdu(&s, fx.nap_doc, fx.nap_len, &len);
        prompt_set(&p, "1234", 0);
        assert_int_equal(run(ctx, pdu, len, CP_PPG_TRUSTED, &p, &v),
                         CP_E_NOT_PROV);
        assert_int_equal(p.calls, 0);
        free(pdu);
        /* the same as WBXML is fine */
        s.media = 0xB6;
        pdu = build_pdu(&s, fx.nap_doc, fx.nap_len, &len);
        assert_int_equal(run(ctx, pdu, len, CP_PPG_TRUSTED, &p, &v), CP_OK);
        free(pdu);
        cp_ctx_free(ctx);
    }
}

/* ---- public entry points -------------------------------------------------- */

static void test_entry_points(void **state)
{
    cp_ctx *ctx = dev(U);
    cp_push push;
    cp_verdict v;
    cp_gateway gw;
    prompt_st p;
    (void)state;
    cp_gateway_init(&gw);
    gw.ppg = CP_PPG_KNOWN;
    cp_push_init(&push);
    cp_verdict_init(&v);
    assert_int_equal(v.struct_size, sizeof v);
    assert_int_equal(v.imsi_index, NO_IMSI);
    assert_int_equal(v.sec, CP_SEC_NONE);
    assert_int_equal(cp_wsp_parse_push(ctx, fx.pdu[P_USERPIN],
                                       fx.pdu_len[P_USERPIN], &push),
                     CP_OK);
    prompt_set(&p, "0000", 0);
    assert_int_equal(cp_verify_bootstrap(ctx, &push, &gw, prompt_fn, &p, &v),
                     CP_OK);
    assert_int_equal(v.accepted, 1);
    assert_int_equal(v.effective_roles, O_KNOWN | R_UA);
    assert_int_equal(cp_verify_bootstrap(NULL, &push, &gw, prompt_fn, &p, &v),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_verify_bootstrap(ctx, NULL, &gw, prompt_fn, &p, &v),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_verify_bootstrap(ctx, &push, &gw, prompt_fn, &p, NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_verify_bootstrap_pdu(ctx, NULL, 3, &gw, prompt_fn, &p,
                                             &v),
                     CP_E_INVALID_ARG);
    /* a push without a body (never parsed) */
    cp_push_init(&push);
    push.content = CP_CONTENT_WBXML;
    cp_verdict_init(&v);
    assert_int_equal(cp_verify_bootstrap(ctx, &push, &gw, prompt_fn, &p, &v),
                     CP_E_INVALID_ARG);
    assert_int_equal(v.accepted, 0);
    /* a malformed PDU gives its parse error, refused */
    {
        static const uint8_t confirmed[] = {0x01, 0x07, 0x01, 0xB6, 0x03, 0x0B,
                                            0x6A, 0x00, 0x45, 0x01};
        assert_int_equal(run(ctx, confirmed, sizeof confirmed, CP_PPG_KNOWN, &p,
                             &v),
                         CP_E_UNSUPPORTED);
    }
    cp_gateway_init(NULL);
    cp_verdict_init(NULL);
    cp_ctx_free(ctx);
}

/* The ctx error detail describes this refusal, not an earlier one. */
static void test_error_detail(void **state)
{
    cp_ctx *ctx = dev(B);
    cp_verdict v;
    prompt_st p;
    (void)state;
    prompt_set(&p, NULL, 0);
    assert_int_equal(run(ctx, fx.pdu[P_USERPIN], fx.pdu_len[P_USERPIN],
                         CP_PPG_ANY, &p, &v),
                     CP_E_REFUSED);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_REFUSED);
    assert_non_null(strstr(cp_ctx_error_message(ctx), "4142"));
    assert_int_equal(run(ctx, fx.pdu[P_NOSEC], fx.pdu_len[P_NOSEC], CP_PPG_ANY,
                         &p, &v),
                     CP_E_REFUSED);
    assert_non_null(strstr(cp_ctx_error_message(ctx), "4110"));
    assert_null(strstr(cp_ctx_error_message(ctx), "4142"));
    /* secrets never appear: no MAC, no IMSI */
    assert_int_equal(run(ctx, fx.pdu[P_NETWPIN], fx.pdu_len[P_NETWPIN],
                         CP_PPG_ANY, &p, &v),
                     CP_E_REFUSED);
    tu_setpol(ctx, CP_POLICY_OMACP_NETWPIN, O_ANY);
    tu_setpol(ctx, CP_POLICY_OTA_PROVISIONING, O_ANY);
    {
        uint8_t bad[64];
        memcpy(bad, fx.pdu[P_NETWPIN], fx.pdu_len[P_NETWPIN]);
        bad[fx.pdu_len[P_NETWPIN] - 1] ^= 0x01;
        assert_int_equal(run(ctx, bad, fx.pdu_len[P_NETWPIN], CP_PPG_ANY, &p, &v),
                         CP_E_NOT_AUTHENTIC);
    }
    assert_null(strstr(v.reason_text, IMSI_A));
    assert_null(strstr(v.reason_text, "1AF545FE"));
    assert_null(strstr(cp_ctx_error_message(ctx), IMSI_A));
    assert_null(strstr(cp_ctx_error_message(ctx), "1AF545FE"));
    cp_ctx_free(ctx);
}

/* ---- robustness ----------------------------------------------------------- */

typedef struct accept_case {
    int idx;          /* fx.pdu index */
    cp_profile prof;
    cp_ppg ppg;
    const char *pin;  /* answer of the prompt, or NULL */
    uint32_t pol_id, pol_val; /* a policy to open, or 0 */
    uint32_t pol2_id, pol2_val;
} accept_case;

/* Each vector PDU set up so that it is accepted as it stands. */
static const accept_case accept_cases[P_COUNT] = {
    {P_USERPIN, U, CP_PPG_KNOWN, "0000", 0, 0, 0, 0},
    {P_NETWPIN, B, CP_PPG_KNOWN, NULL, 4141, CP_ROLE_KNOWN_PPG, 0, 0},
    {P_NOSEC, U, CP_PPG_ANY, NULL, 4110, O_ANY, 0, 0},
    {P_PINMAC, U, CP_PPG_KNOWN, "1234517887", 0, 0, 0, 0},
    {P_EXTRA, U, CP_PPG_TRUSTED, "0000", 0, 0, 0, 0},
};

static cp_ctx *case_ctx(const accept_case *c)
{
    cp_ctx *ctx = dev(c->prof);
    if (c->pol_id)
        tu_setpol(ctx, c->pol_id, c->pol_val);
    if (c->pol2_id)
        tu_setpol(ctx, c->pol2_id, c->pol2_val);
    return ctx;
}

static void test_vectors_accepted(void **state)
{
    int i;
    (void)state;
    for (i = 0; i < P_COUNT; i++) {
        const accept_case *c = &accept_cases[i];
        cp_ctx *ctx = case_ctx(c);
        cp_verdict v;
        prompt_st p;
        prompt_set(&p, c->pin, 0);
        if (run(ctx, fx.pdu[i], fx.pdu_len[i], c->ppg, &p, &v) != CP_OK)
            fail_msg("%s: %s", pdu_ids[i], v.reason_text);
        assert_int_equal(p.calls, c->pin ? 1u : 0u);
        cp_ctx_free(ctx);
    }
}

/*
 * Flip every octet of the signed vector PDUs (xor 0x01 and 0x80): never
 * accepted. The one exception is the TID (octet 0), which no MAC covers
 * (protocol.md c.2: the MAC is over the body only): it must still be.
 */
static void test_flip_every_byte(void **state)
{
    static const int signed_idx[] = {P_USERPIN, P_NETWPIN, P_PINMAC};
    static const uint8_t masks[] = {0x01, 0x80};
    size_t k;
    (void)state;
    for (k = 0; k < 3; k++) {
        const accept_case *c = &accept_cases[signed_idx[k]];
        size_t len = fx.pdu_len[c->idx], off;
        uint8_t *buf = malloc(len);
        int mi;
        assert_non_null(buf);
        for (off = 0; off < len; off++) {
            for (mi = 0; mi < 2; mi++) {
                cp_ctx *ctx = case_ctx(c);
                cp_verdict v;
                prompt_st p;
                cp_status st;
                memcpy(buf, fx.pdu[c->idx], len);
                buf[off] ^= masks[mi];
                prompt_set(&p, c->pin, 0);
                st = run(ctx, buf, len, c->ppg, &p, &v);
                if (off == 0) {
                    assert_int_equal(st, CP_OK);
                } else if (st == CP_OK) {
                    fail_msg("%s: flip 0x%02x at %zu accepted", pdu_ids[c->idx],
                             masks[mi], off);
                }
                assert_true(p.calls <= 3);
                cp_ctx_free(ctx);
            }
        }
        free(buf);
    }
}

/* Truncation at every length: a clean refusal; the class by where it cuts. */
static void test_truncate_every_length(void **state)
{
    int i;
    (void)state;
    for (i = 0; i < P_COUNT; i++) {
        const accept_case *c = &accept_cases[i];
        cp_ctx *ctx = case_ctx(c);
        size_t len, counted = 0;
        for (len = 0; len < fx.pdu_len[i]; len++) {
            /* an exact-size copy so that ASan sees any overread */
            uint8_t *buf = malloc(len ? len : 1);
            cp_verdict v;
            prompt_st p;
            cp_status st, want;
            assert_non_null(buf);
            memcpy(buf, fx.pdu[i], len);
            prompt_set(&p, c->pin, 0);
            st = run(ctx, buf, len, c->ppg, &p, &v);
            if (len < fx.body_off[i])
                want = CP_E_TRUNCATED; /* in the WSP headers */
            else if (i == P_NOSEC)
                want = CP_E_TRUNCATED; /* unsigned: the WBXML decoder */
            else if (i == P_NETWPIN)
                want = CP_E_NOT_AUTHENTIC;
            else /* issue 12: each cut is another message; once every PIN
                    counter is live the rest are refused (fail closed) */
                want = counted++ < CP_PIN_SLOTS ? CP_E_PIN_EXHAUSTED
                                                : CP_E_LIMIT;
            if (st != want)
                fail_msg("%s cut at %zu: %s (%s), want %s", pdu_ids[i], len,
                         cp_strerror(st), v.reason_text, cp_strerror(want));
            free(buf);
        }
        cp_ctx_free(ctx);
    }
}

/*
 * Fail each allocation of one verification in turn (the n-th after the
 * context is made): CP_E_NOMEM, nothing leaks. wrong_first: the user first
 * types a wrong PIN, so the failure count is stored and then cleared.
 */
static void alloc_run(memstore *m, int preload, int wrong_first)
{
    long n;
    size_t len;
    uint8_t *pdu = signed_pdu(CP_SEC_USERNETWPIN, fx.boot_doc, fx.boot_len, &len);
    for (n = 1; n < 100000; n++) {
        tu_alloc t;
        cp_config cfg;
        cp_ctx *ctx = NULL;
        cp_verdict v;
        prompt_st p;
        cp_status st;
        cp_config_init(&cfg);
        cfg.profile = U;
        cfg.imsis = imsis_a;
        cfg.n_imsis = 1;
        tu_alloc_setup(&cfg, &t, 0);
        if (m)
            ms_attach(&cfg, m);
        assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
        if (preload)
            assert_int_equal(cp_state_load(ctx), CP_OK);
        t.fail_at = t.calls + n;
        if (wrong_first)
            prompt_set(&p, NULL, 2, "9999", "1234");
        else
            prompt_set(&p, NULL, 1, "1234");
        st = run(ctx, pdu, len, CP_PPG_ANY, &p, &v);
        if (t.calls < t.fail_at) { /* nothing failed: done */
            assert_int_equal(st, CP_OK);
            assert_int_equal(v.is_bootstrap, 1);
            cp_ctx_free(ctx);
            assert_int_equal(t.live, 0);
            break;
        }
        if (st == CP_OK) {
            /* only clearing the count after the right PIN is best effort */
            assert_int_equal(p.calls, wrong_first ? 2 : 1);
            assert_int_equal(v.is_bootstrap, 1);
        } else if (st == CP_E_STORAGE) {
            /* storing the count, before each PIN is checked (issue 12: the
               attempt is durable first): the state store reports its NOMEM
               as a storage failure and the message is refused */
            assert_true(v.pin_failures <= 1);
            assert_non_null(strstr(cp_ctx_error_message(ctx), "out of memory"));
        } else if (st != CP_E_NOMEM) {
            fail_msg("allocation %ld failed: %s (%s)", n, cp_strerror(st),
                     v.reason_text);
        }
        cp_ctx_free(ctx);
        assert_int_equal(t.live, 0);
        if (m) { /* start every round from the same stored state */
            ms_free(m);
            ms_init(m);
        }
    }
    assert_true(n > 1);
    free(pdu);
}

static void test_alloc_failure(void **state)
{
    memstore m;
    (void)state;
    alloc_run(NULL, 0, 0);
    alloc_run(NULL, 0, 1);
    ms_init(&m);
    alloc_run(&m, 1, 0);
    alloc_run(&m, 1, 1);
    ms_free(&m);
}

/*
 * A stored policy is never bypassed by a failing allocation: 4143 = 0 kept
 * in the store refuses the USERNETWPIN bootstrap whatever fails.
 */
static void test_alloc_failure_keeps_policy(void **state)
{
    memstore m;
    cp_ctx *ctx;
    long n;
    size_t len;
    uint8_t *pdu = signed_pdu(CP_SEC_USERNETWPIN, fx.boot_doc, fx.boot_len, &len);
    (void)state;
    ms_init(&m);
    ctx = udev(&m);
    tu_setpol(ctx, CP_POLICY_OMACP_USERNETWPIN, 0);
    cp_ctx_free(ctx);
    for (n = 1; n < 100000; n++) {
        tu_alloc t;
        cp_config cfg;
        cp_verdict v;
        prompt_st p;
        cp_status st;
        cp_config_init(&cfg);
        cfg.profile = U;
        cfg.imsis = imsis_a;
        cfg.n_imsis = 1;
        tu_alloc_setup(&cfg, &t, 0);
        ms_attach(&cfg, &m);
        assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
        t.fail_at = t.calls + n;
        prompt_set(&p, "1234", 0);
        st = run(ctx, pdu, len, CP_PPG_ANY, &p, &v);
        if (st == CP_OK)
            fail_msg("allocation %ld failed: accepted despite 4143 = 0", n);
        cp_ctx_free(ctx);
        assert_int_equal(t.live, 0);
        if (t.calls < t.fail_at) {
            assert_int_equal(st, CP_E_REFUSED);
            expect_policy(&v, "4143");
            break;
        }
        assert_int_equal(st, CP_E_NOMEM);
    }
    free(pdu);
    ms_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signer_matches_vectors),
        cmocka_unit_test(test_origin_roles),
        cmocka_unit_test(test_gateway_address),
        cmocka_unit_test(test_push_flag_vector),
        cmocka_unit_test(test_policy_matrix),
        cmocka_unit_test(test_policy_overrides),
        cmocka_unit_test(test_policy_before_mac),
        cmocka_unit_test(test_mac_before_decode),
        cmocka_unit_test(test_netwpin_imsis),
        cmocka_unit_test(test_pin_exhaustion),
        cmocka_unit_test(test_pin_count_persists),
        cmocka_unit_test(test_pin_count_interleaved),
        cmocka_unit_test(test_userpinmac_vector),
        cmocka_unit_test(test_bad_sec),
        cmocka_unit_test(test_bad_mac),
        cmocka_unit_test(test_bootstrap_rules),
        cmocka_unit_test(test_content_type),
        cmocka_unit_test(test_entry_points),
        cmocka_unit_test(test_error_detail),
        cmocka_unit_test(test_vectors_accepted),
        cmocka_unit_test(test_flip_every_byte),
        cmocka_unit_test(test_truncate_every_length),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_alloc_failure_keeps_policy),
        cmocka_unit_test(test_validate_rules),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
