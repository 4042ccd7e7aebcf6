/*
 * test_attack_trust.c - issue 12, "access control that holds on every path
 * to a setting": one test per attack that worked on the library before
 * the fix, plus variants.
 *
 *   A  fresh PIN attempts: the same message with its MAC in lower case,
 *      a USERPINMAC message with other MAC text, 16+ other failing
 *      messages evicting a live counter, a count that could not be saved;
 *   B  OTA bootstrap on an unbranded device signed other than USERNETWPIN;
 *      a branded device refusing even USERNETWPIN;
 *   C  damaged state failing open: a corrupt TPS byte then a second
 *      bootstrap (and its TPS pushing), a stored policy value out of
 *      range, state that cannot be loaded at all; the recovery path;
 *   D  gateway trust from the host's flag alone, and address spellings.
 *
 * Expected values follow the rules documented in omacp/bootstrap.h and
 * lib/trust/state.h; the policy defaults are those of lib/trust/policy.c.
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

#define IMSI "466923103145252"
#define TPS_URL "http://tps.example.com/cp"
#define EVIL_URL "http://evil.example.org/cp"
#define GW "+4917012345678"

/* ---- documents ------------------------------------------------------------ */

typedef struct body {
    uint8_t b[2048];
    size_t n;
} body;

/*
 * A WBXML document: a NAPDEF named napid, with a BOOTSTRAP naming
 * provurl in front when provurl is not NULL, or a SecurityPolicy setting
 * policy 4097 to 1 when napid is NULL.
 */
static void make_doc(body *out, const char *napid, const char *provurl)
{
    cp_ctx *ctx = NULL;
    cp_doc *doc = NULL;
    const cp_node *c;
    uint8_t *w = NULL;
    size_t n = 0;
    if (cp_ctx_new(NULL, &ctx) != CP_OK || cp_doc_new(ctx, &doc) != CP_OK)
        abort();
    if (provurl) {
        c = tu_add_char(doc, cp_doc_root(doc), "BOOTSTRAP");
        tu_add_parm(doc, c, "NAME", "TPS");
        tu_add_parm(doc, c, "PROVURL", provurl);
    }
    if (napid) {
        c = tu_add_char(doc, cp_doc_root(doc), "NAPDEF");
        tu_add_parm(doc, c, "NAPID", napid);
        tu_add_parm(doc, c, "NAME", "Internet");
        tu_add_parm(doc, c, "NAP-ADDRESS", "internet.example.com");
        tu_add_parm(doc, c, "NAP-ADDRTYPE", "APN");
    } else {
        c = tu_add_char(doc, cp_doc_root(doc), "SecurityPolicy");
        tu_add_parm(doc, c, "4097", "1");
    }
    if (cp_doc_encode_wbxml(ctx, doc, 0, &w, &n) != CP_OK ||
        n > sizeof out->b)
        abort();
    memcpy(out->b, w, n);
    out->n = n;
    cp_free(ctx, w);
    cp_doc_free(doc);
    cp_ctx_free(ctx);
}

/* ---- push PDUs ------------------------------------------------------------ */

typedef struct pdu {
    uint8_t b[2600];
    size_t n;
} pdu;

/*
 * TID 01, PDU type 06, the content type (WBXML, with SEC and MAC when
 * sec >= 0 / mac != NULL), X-Wap-Initiator-URI, Push-Flag, the body.
 */
static void build_pdu(pdu *out, const body *bd, int sec, const char *mac,
                      const char *initiator, int flag)
{
    uint8_t ct[128], hd[300];
    size_t nc = 0, nh = 0, np = 0, n = 0;
    uint8_t params[120];
    if (sec >= 0) {
        params[np++] = 0x91;
        params[np++] = (uint8_t)(0x80 | sec);
    }
    if (mac) {
        size_t ml = strlen(mac);
        assert_true(ml < 80);
        params[np++] = 0x92;
        memcpy(params + np, mac, ml + 1);
        np += ml + 1;
    }
    if (np == 0) {
        ct[nc++] = 0xB6;
    } else {
        assert_true(np + 1 < 128);
        if (np + 1 > 30) /* Length-quote, then a one-octet uintvar */
            ct[nc++] = 0x1F;
        ct[nc++] = (uint8_t)(np + 1);
        ct[nc++] = 0xB6;
        memcpy(ct + nc, params, np);
        nc += np;
    }
    if (initiator) {
        size_t il = strlen(initiator);
        assert_true(il < 200);
        hd[nh++] = 0xB1;
        memcpy(hd + nh, initiator, il + 1);
        nh += il + 1;
    }
    if (flag >= 0) {
        hd[nh++] = 0xB4;
        hd[nh++] = (uint8_t)(0x80 | flag);
    }
    assert_true(nc + nh < 128);
    assert_true(3 + nc + nh + bd->n <= sizeof out->b);
    out->b[n++] = 0x01;
    out->b[n++] = 0x06;
    out->b[n++] = (uint8_t)(nc + nh);
    memcpy(out->b + n, ct, nc);
    n += nc;
    memcpy(out->b + n, hd, nh);
    n += nh;
    memcpy(out->b + n, bd->b, bd->n);
    out->n = n + bd->n;
}

/* The MAC text a server sends for bd under sec with pin (IMSI for keys). */
static void mac_of(int sec, const char *pin, const body *bd,
                   char mac[CP_MAC_TEXT_SIZE])
{
    assert_int_equal(cp_mac_compute(NULL, sec, IMSI, pin, NULL, bd->b, bd->n,
                                    mac, CP_MAC_TEXT_SIZE),
                     CP_OK);
}

/* A correctly signed push: NETWPIN, USERPIN "0000", USERNETWPIN "1234". */
static void signed_pdu(pdu *out, const body *bd, int sec)
{
    char mac[CP_MAC_TEXT_SIZE];
    mac_of(sec, sec == CP_SEC_USERPIN ? "0000" : "1234", bd, mac);
    build_pdu(out, bd, sec, mac, NULL, -1);
}

/* What the user types for a USERPINMAC message from PIN "12345". */
static void pinmac_typed(const body *bd, char typed[2 * CP_AUTH_PINMAC_MAX + 1])
{
    assert_int_equal(cp_mac_compute(NULL, CP_SEC_USERPINMAC, NULL, "12345",
                                    NULL, bd->b, bd->n, typed,
                                    2 * CP_AUTH_PINMAC_MAX + 1),
                     CP_OK);
}

/* ---- devices, prompts, verdicts ------------------------------------------- */

static const char *const imsis[] = {IMSI};

static cp_ctx *device(cp_profile prof, memstore *m)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_config_init(&cfg);
    cfg.profile = prof;
    cfg.imsis = imsis;
    cfg.n_imsis = 1;
    if (m)
        ms_attach(&cfg, m);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_csp_register_builtins(ctx), CP_OK);
    assert_int_equal(cp_csp_register_settings(ctx, "NAPDEF"), CP_OK);
    return ctx;
}

static uint32_t pol(cp_ctx *ctx, uint32_t id)
{
    uint32_t v = 0xDEADBEEFu;
    assert_int_equal(cp_policy_get(ctx, id, &v), CP_OK);
    return v;
}

typedef struct user {
    const char *pins[4]; /* answers in order, then the user gives up */
    unsigned calls;
} user;

static cp_status prompt(void *u, int sec, unsigned attempt, unsigned left,
                        char *pin, size_t cap)
{
    user *p = u;
    const char *a = p->calls < 4 ? p->pins[p->calls] : NULL;
    (void)sec;
    (void)attempt;
    (void)left;
    p->calls++;
    if (a == NULL)
        return CP_E_BAD_PIN;
    assert_true(strlen(a) < cap);
    strcpy(pin, a);
    return CP_OK;
}

static void answers(user *u, const char *a, const char *b, const char *c,
                    const char *d)
{
    memset(u, 0, sizeof *u);
    u->pins[0] = a;
    u->pins[1] = b;
    u->pins[2] = c;
    u->pins[3] = d;
}

static cp_status verify(cp_ctx *ctx, const pdu *p, cp_ppg ppg,
                        const char *addr, user *u, cp_verdict *v)
{
    cp_gateway gw;
    cp_status st;
    cp_gateway_init(&gw);
    gw.ppg = ppg;
    gw.address = addr;
    cp_verdict_init(v);
    st = cp_verify_bootstrap_pdu(ctx, p->b, p->n, &gw, prompt, u, v);
    assert_int_equal(v->reason, st);
    assert_int_equal(v->accepted, st == CP_OK);
    return st;
}

static void reason_has(const cp_verdict *v, const char *needle)
{
    if (strstr(v->reason_text, needle) == NULL)
        fail_msg("reason \"%s\" lacks \"%s\"", v->reason_text, needle);
}

static void lower_hex(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'F')
            *s = (char)(*s - 'A' + 'a');
}

/* ==== A: PIN attempts ======================================================= */

/* USERPIN: after the limit, the same message with its MAC in lower case. */
static void test_pin_mac_lowercase(void **state)
{
    cp_ctx *ctx = device(CP_PROFILE_BRANDED, NULL);
    body bd;
    pdu p;
    char mac[CP_MAC_TEXT_SIZE];
    user u;
    cp_verdict v;
    (void)state;
    make_doc(&bd, "NAP1", NULL);
    mac_of(CP_SEC_USERPIN, "0000", &bd, mac);
    build_pdu(&p, &bd, CP_SEC_USERPIN, mac, NULL, -1);
    answers(&u, "1111", "2222", "3333", "0000");
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(u.calls, 3);
    lower_hex(mac);
    build_pdu(&p, &bd, CP_SEC_USERPIN, mac, NULL, -1);
    answers(&u, "0000", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(u.calls, 0);
    assert_int_equal(v.pin_failures, 3);
    cp_ctx_free(ctx);
}

/* USERPINMAC: the PDU's MAC text is not part of the message's identity. */
static void test_pinmac_other_mac_text(void **state)
{
    static const char *const texts[] = {NULL, "1", "ABCDEF", "abcdef",
                                        "0123456789012345678901234567890123456789"};
    cp_ctx *ctx = device(CP_PROFILE_BRANDED, NULL);
    body bd;
    pdu p;
    char typed[2 * CP_AUTH_PINMAC_MAX + 1];
    user u;
    cp_verdict v;
    size_t i;
    (void)state;
    make_doc(&bd, "NAP2", NULL);
    pinmac_typed(&bd, typed);
    build_pdu(&p, &bd, CP_SEC_USERPINMAC, "FFFF", NULL, -1);
    answers(&u, "1111122222", "3333344444", "5555566666", typed);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(u.calls, 3);
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        build_pdu(&p, &bd, CP_SEC_USERPINMAC, texts[i], NULL, -1);
        answers(&u, typed, NULL, NULL, NULL);
        assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                         CP_E_PIN_EXHAUSTED);
        assert_int_equal(u.calls, 0);
    }
    /* the same body under another SEC method is another message */
    {
        char mac[CP_MAC_TEXT_SIZE];
        mac_of(CP_SEC_USERPIN, "0000", &bd, mac);
        build_pdu(&p, &bd, CP_SEC_USERPIN, mac, NULL, -1);
        answers(&u, "0000", NULL, NULL, NULL);
        assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v), CP_OK);
        assert_int_equal(u.calls, 1);
    }
    cp_ctx_free(ctx);
}

/*
 * Many other failing messages: no live counter is evicted. Once every
 * counter is taken a new PIN-signed message is refused before any prompt
 * (fail closed); a message that verifies frees its counter.
 */
static void test_pin_table_full_no_eviction(void **state)
{
    memstore m;
    cp_ctx *ctx;
    body bd, first, pending;
    pdu p;
    user u;
    cp_verdict v;
    char name[16];
    int i;
    (void)state;
    ms_init(&m);
    ctx = device(CP_PROFILE_BRANDED, &m);
    make_doc(&first, "FIRST", NULL);
    signed_pdu(&p, &first, CP_SEC_USERPIN);
    answers(&u, "1111", "2222", "3333", NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                     CP_E_PIN_EXHAUSTED);
    /* 16 more messages with one wrong PIN each (then the user gives up) */
    for (i = 0; i < CP_PIN_SLOTS; i++) {
        cp_status st;
        snprintf(name, sizeof name, "N%d", i);
        make_doc(&bd, name, NULL);
        if (i == 0)
            pending = bd;
        signed_pdu(&p, &bd, CP_SEC_USERPIN);
        answers(&u, "9999", NULL, NULL, NULL);
        st = verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v);
        if (i < CP_PIN_SLOTS - 1) {
            assert_int_equal(st, CP_E_BAD_PIN); /* gave up after one */
            assert_int_equal(u.calls, 2);
        } else { /* every counter is live: refused, no prompt */
            assert_int_equal(st, CP_E_LIMIT);
            assert_int_equal(u.calls, 0);
            reason_has(&v, "refused");
        }
    }
    /* the first message is still exhausted, here and after a restart */
    signed_pdu(&p, &first, CP_SEC_USERPIN);
    answers(&u, "0000", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(u.calls, 0);
    cp_ctx_free(ctx);
    ctx = device(CP_PROFILE_BRANDED, &m);
    answers(&u, "0000", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(u.calls, 0);
    /* a pending message verifies: its counter frees, a new one is taken */
    signed_pdu(&p, &pending, CP_SEC_USERPIN);
    answers(&u, "0000", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v), CP_OK);
    make_doc(&bd, "LATE", NULL);
    signed_pdu(&p, &bd, CP_SEC_USERPIN);
    answers(&u, "0000", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v), CP_OK);
    cp_ctx_free(ctx);
    ms_free(&m);
}

/* The attempt is stored before the verdict: a failed save refuses. */
static void test_pin_count_saved_first(void **state)
{
    memstore m;
    cp_ctx *ctx;
    body bd;
    pdu p;
    user u;
    cp_verdict v;
    (void)state;
    ms_init(&m);
    ctx = device(CP_PROFILE_BRANDED, &m);
    assert_int_equal(cp_state_load(ctx), CP_OK);
    make_doc(&bd, "NAP3", NULL);
    signed_pdu(&p, &bd, CP_SEC_USERPIN);
    m.fail_saves = 1;
    answers(&u, "0000", NULL, NULL, NULL); /* even the right PIN */
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v), CP_E_STORAGE);
    reason_has(&v, "cannot store");
    /* a wrong PIN is on storage before the verdict comes back */
    answers(&u, "1111", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                     CP_E_BAD_PIN);
    cp_ctx_free(ctx);
    ctx = device(CP_PROFILE_BRANDED, &m);
    answers(&u, "2222", "3333", "0000", NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v),
                     CP_E_PIN_EXHAUSTED);
    assert_int_equal(u.calls, 2);
    cp_ctx_free(ctx);
    ms_free(&m);
}

/* ==== B: bootstrap methods ================================================= */

/* An unbranded device with every method admitted by its policies. */
static cp_ctx *open_unbranded(void)
{
    cp_ctx *ctx = device(CP_PROFILE_UNBRANDED, NULL);
    tu_setpol(ctx, CP_POLICY_OMACP_NETWPIN, O_ANY);
    tu_setpol(ctx, CP_POLICY_OMACP_USERPIN, O_ANY);
    tu_setpol(ctx, CP_POLICY_UNAUTH_MESSAGES, O_ANY);
    return ctx;
}

static void test_bootstrap_method_refused(void **state)
{
    static const struct {
        int sec;
        const char *name;
    } methods[] = {{CP_SEC_NETWPIN, "NETWPIN"},
                   {CP_SEC_USERPIN, "USERPIN"},
                   {CP_SEC_USERPINMAC, "USERPINMAC"},
                   {CP_SEC_NONE, "unauthenticated"}};
    body bd;
    size_t i;
    (void)state;
    make_doc(&bd, "NAP", TPS_URL);
    for (i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        cp_ctx *ctx = open_unbranded();
        char typed[2 * CP_AUTH_PINMAC_MAX + 1];
        pdu p;
        user u;
        cp_verdict v;
        answers(&u, NULL, NULL, NULL, NULL);
        if (methods[i].sec == CP_SEC_USERPINMAC) {
            pinmac_typed(&bd, typed);
            build_pdu(&p, &bd, CP_SEC_USERPINMAC, NULL, NULL, -1);
            u.pins[0] = typed;
        } else if (methods[i].sec == CP_SEC_NONE) {
            build_pdu(&p, &bd, -1, NULL, NULL, -1);
        } else {
            signed_pdu(&p, &bd, methods[i].sec);
            u.pins[0] = "0000";
        }
        if (verify(ctx, &p, CP_PPG_KNOWN, NULL, &u, &v) != CP_E_REFUSED)
            fail_msg("%s bootstrap: %s (%s)", methods[i].name,
                     cp_strerror(v.reason), v.reason_text);
        assert_int_equal(v.is_bootstrap, 1);
        reason_has(&v, methods[i].name);
        reason_has(&v, "USERNETWPIN");
        assert_int_equal(v.effective_roles, 0);
        assert_int_equal(cp_tps_get(ctx, NULL, 0), CP_E_NOT_FOUND);
        cp_ctx_free(ctx);
    }
    /* USERNETWPIN is the one that passes, once */
    {
        cp_ctx *ctx = open_unbranded();
        pdu p;
        user u;
        cp_verdict v;
        signed_pdu(&p, &bd, CP_SEC_USERNETWPIN);
        answers(&u, "1234", NULL, NULL, NULL);
        assert_int_equal(verify(ctx, &p, CP_PPG_ANY, NULL, &u, &v), CP_OK);
        assert_int_equal(v.is_bootstrap, 1);
        cp_ctx_free(ctx);
    }
}

/* A branded device refuses every OTA bootstrap, USERNETWPIN too. */
static void test_branded_refuses_usernetwpin(void **state)
{
    cp_ctx *ctx = device(CP_PROFILE_BRANDED, NULL);
    body bd;
    pdu p;
    user u;
    cp_verdict v;
    (void)state;
    tu_setpol(ctx, CP_POLICY_OMACP_USERNETWPIN, O_ANY);
    tu_setpol(ctx, CP_POLICY_OTA_PROVISIONING, O_ANY);
    make_doc(&bd, "NAP", TPS_URL);
    signed_pdu(&p, &bd, CP_SEC_USERNETWPIN);
    answers(&u, "1234", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_ANY, NULL, &u, &v), CP_E_REFUSED);
    reason_has(&v, "branded");
    assert_int_equal(cp_tps_get(ctx, NULL, 0), CP_E_NOT_FOUND);
    cp_ctx_free(ctx);
}

/* ==== C: damaged state ===================================================== */

static void flip_blob(memstore *m, const char *name, size_t at)
{
    size_t n = 0;
    const uint8_t *b = ms_get(m, name, &n);
    uint8_t copy[4200];
    assert_non_null(b);
    assert_true(at < n && n <= sizeof copy);
    memcpy(copy, b, n);
    copy[at] ^= 0x20;
    ms_put(m, name, copy, n);
}

/* An unbranded device with a TPS and its trusted gateway, on m. */
static void bootstrapped(memstore *m)
{
    static const cp_gw_entry gw = {GW, 1, 1};
    cp_ctx *ctx = device(CP_PROFILE_UNBRANDED, m);
    assert_int_equal(cp_trust__tps_set(ctx, TPS_URL, "TPS"), CP_OK);
    assert_int_equal(cp_trust__gateways_set(ctx, &gw, 1), CP_OK);
    cp_ctx_free(ctx);
}

/* One corrupted byte of the TPS blob, then a second bootstrap. */
static void test_corrupt_tps_second_bootstrap(void **state)
{
    memstore m;
    cp_ctx *ctx;
    body bd, pol_doc;
    pdu p;
    user u;
    cp_verdict v;
    char url[CP_TPS_URL_MAX + 1];
    size_t at;
    (void)state;
    for (at = 0; at < 14; at += 13) { /* the magic, then the URL */
        ms_init(&m);
        bootstrapped(&m);
        flip_blob(&m, "tps", at);
        ctx = device(CP_PROFILE_UNBRANDED, &m);
        assert_int_equal(cp_state_load(ctx), CP_E_CORRUPT);
        assert_non_null(strstr(cp_ctx_error_message(ctx), "tps"));
        /* "bootstrapped, TPS unknown", with the way out */
        assert_int_equal(cp_tps_get(ctx, url, sizeof url), CP_E_CORRUPT);
        assert_non_null(strstr(cp_ctx_error_message(ctx), "local MANAGER"));
        assert_non_null(strstr(cp_ctx_error_message(ctx), "BOOTSTRAP"));
        make_doc(&bd, "EVIL", EVIL_URL);
        signed_pdu(&p, &bd, CP_SEC_USERNETWPIN);
        answers(&u, "1234", NULL, NULL, NULL);
        if (verify(ctx, &p, CP_PPG_ANY, NULL, &u, &v) != CP_E_CORRUPT)
            fail_msg("second bootstrap after a corrupt TPS byte: %s (%s)",
                     cp_strerror(v.reason), v.reason_text);
        reason_has(&v, "damaged");
        assert_int_equal(cp_tps_get(ctx, url, sizeof url), CP_E_CORRUPT);
        /* and the would-be TPS gets nothing through the trusted gateway */
        make_doc(&pol_doc, NULL, NULL);
        build_pdu(&p, &pol_doc, -1, NULL, EVIL_URL, 0x01);
        assert_int_equal(verify(ctx, &p, CP_PPG_TRUSTED, GW, &u, &v),
                         CP_E_REFUSED);
        assert_int_equal(v.origin_roles & CP_ROLE_OPERATOR_TPS, 0);
        cp_ctx_free(ctx);
        ms_free(&m);
    }
}

/* A corrupt TPS: the real TPS's pushes get no OPERATOR_TPS either. */
static void test_corrupt_tps_no_tps_push(void **state)
{
    memstore m;
    cp_ctx *ctx;
    body bd;
    pdu p;
    user u;
    cp_verdict v;
    (void)state;
    ms_init(&m);
    bootstrapped(&m);
    ctx = device(CP_PROFILE_UNBRANDED, &m);
    make_doc(&bd, NULL, NULL);
    build_pdu(&p, &bd, -1, NULL, TPS_URL, 0x01);
    answers(&u, NULL, NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_TRUSTED, GW, &u, &v), CP_OK);
    assert_true(v.origin_roles & CP_ROLE_OPERATOR_TPS);
    cp_ctx_free(ctx);
    flip_blob(&m, "tps", 14);
    ctx = device(CP_PROFILE_UNBRANDED, &m);
    assert_int_equal(verify(ctx, &p, CP_PPG_TRUSTED, GW, &u, &v), CP_E_REFUSED);
    assert_int_equal(v.origin_roles & CP_ROLE_OPERATOR_TPS, 0);
    reason_has(&v, "4110");
    cp_ctx_free(ctx);
    ms_free(&m);
}

/* The recovery: a local MANAGER BOOTSTRAP replaces the unknown TPS;
   nothing that came over the air may. */
static void test_corrupt_tps_recovery(void **state)
{
    memstore m;
    cp_ctx *ctx;
    body bd;
    char url[CP_TPS_URL_MAX + 1];
    char *out = NULL;
    size_t n = 0;
    uint32_t roles = 0;
    (void)state;
    ms_init(&m);
    bootstrapped(&m);
    flip_blob(&m, "tps", 20);
    ctx = device(CP_PROFILE_UNBRANDED, &m);
    make_doc(&bd, "NAP", "http://tps2.example.com/cp");
    /* OTA roles, even with MANAGER granted: refused */
    assert_int_not_equal(cp_process_config_xml(
                             ctx, (const char *)bd.b, bd.n,
                             O_TRUSTED | CP_ROLE_OPERATOR_TPS | CP_ROLE_MANAGER,
                             CP_PROCESS, &out, &n),
                         CP_OK);
    cp_free(ctx, out);
    out = NULL;
    assert_int_equal(cp_tps_get(ctx, url, sizeof url), CP_E_CORRUPT);
    /* a local privileged caller: replaced */
    assert_int_equal(cp_source_roles(ctx, CP_SOURCE_API_PRIVILEGED, NULL,
                                     &roles),
                     CP_OK);
    if (cp_process_config_xml(ctx, (const char *)bd.b, bd.n, roles,
                              CP_PROCESS, &out, &n) != CP_OK)
        fail_msg("local recovery: %s; %s", cp_ctx_error_message(ctx),
                 out ? out : "");
    cp_free(ctx, out);
    assert_int_equal(cp_tps_get(ctx, url, sizeof url), CP_OK);
    assert_string_equal(url, "http://tps2.example.com/cp");
    cp_ctx_free(ctx);
    ctx = device(CP_PROFILE_UNBRANDED, &m); /* persisted, no longer damaged */
    assert_int_equal(cp_state_load(ctx), CP_OK);
    assert_int_equal(cp_tps_get(ctx, url, sizeof url), CP_OK);
    assert_string_equal(url, "http://tps2.example.com/cp");
    cp_ctx_free(ctx);
    ms_free(&m);
}

/* CRC-32 (IEEE), as the state blobs carry it. */
static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A well-formed policy blob holding the (id, value) pairs. */
static void put_policy_blob(memstore *m, const uint32_t *pairs, size_t count)
{
    uint8_t b[10 + 2 + 8 * 8 + 4];
    size_t i, len = 2 + count * 8;
    assert_true(count <= 8);
    memcpy(b, "CPST", 4);
    b[4] = 1; /* policies */
    b[5] = 1; /* version */
    put32(b + 6, (uint32_t)len);
    b[10] = 0;
    b[11] = (uint8_t)count;
    for (i = 0; i < count; i++) {
        put32(b + 12 + i * 8, pairs[2 * i]);
        put32(b + 16 + i * 8, pairs[2 * i + 1]);
    }
    put32(b + 10 + len, crc32(b, 10 + len));
    ms_put(m, "policy", b, 10 + len + 4);
}

/* Stored policy values out of their range take their strictest value. */
static void test_policy_out_of_range(void **state)
{
    static const uint32_t pairs[] = {
        4105, 100000,      /* retries: 1-256 */
        4119, 0xFFFFFFFFu, /* grant MANAGER: role bits only */
        4143, 4096,        /* in range: kept */
        4097, 7,           /* RAPI: 0-2 */
    };
    memstore m;
    cp_ctx *ctx;
    body bd;
    pdu p;
    user u;
    cp_verdict v;
    (void)state;
    ms_init(&m);
    put_policy_blob(&m, pairs, 4);
    ctx = device(CP_PROFILE_UNBRANDED, &m);
    assert_int_equal(cp_state_load(ctx), CP_E_CORRUPT);
    assert_non_null(strstr(cp_ctx_error_message(ctx), "policy"));
    assert_non_null(strstr(cp_ctx_error_message(ctx), "4097"));
    assert_int_equal(pol(ctx, 4105), 1);
    assert_int_equal(pol(ctx, 4119), 0);
    assert_int_equal(pol(ctx, 4097), 0);
    assert_int_equal(pol(ctx, 4143), 4096);
    assert_int_equal(cp_roles_effective(ctx, CP_ROLE_OPERATOR_TPS),
                     CP_ROLE_OPERATOR_TPS);
    /* a push decision is a refusal, not one made on the stored value */
    make_doc(&bd, "NAP", TPS_URL);
    signed_pdu(&p, &bd, CP_SEC_USERNETWPIN);
    answers(&u, "1234", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_ANY, NULL, &u, &v), CP_E_CORRUPT);
    assert_int_equal(u.calls, 0);
    /* a MANAGER repairs it; the repair is what is stored */
    tu_setpol(ctx, 4105, 3);
    cp_ctx_free(ctx);
    ctx = device(CP_PROFILE_UNBRANDED, &m);
    assert_int_equal(cp_state_load(ctx), CP_OK);
    assert_int_equal(pol(ctx, 4105), 3);
    assert_int_equal(pol(ctx, 4119), 0); /* pinned until set or reset */
    cp_ctx_free(ctx);
    ms_free(&m);
}

/* Storage that cannot be read at all. */
static cp_status load_fails(void *hook_user, const char *name, uint8_t *buf,
                            size_t cap, size_t *len)
{
    (void)hook_user;
    (void)name;
    (void)buf;
    (void)cap;
    (void)len;
    return CP_E_IO;
}

static cp_status save_ok(void *hook_user, const char *name, const uint8_t *data,
                         size_t len)
{
    (void)hook_user;
    (void)name;
    (void)data;
    (void)len;
    return CP_OK;
}

static void test_unloadable_state(void **state)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    body bd;
    pdu p;
    user u;
    cp_verdict v;
    cp_push_result r;
    uint32_t roles = 0xFFu;
    (void)state;
    cp_config_init(&cfg);
    cfg.profile = CP_PROFILE_UNBRANDED;
    cfg.imsis = imsis;
    cfg.n_imsis = 1;
    cfg.storage.load = load_fails;
    cfg.storage.save = save_ok;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    /* internal policy reads: never the permissive defaults */
    assert_int_equal(cp_roles_effective(ctx, CP_ROLE_OPERATOR_TPS |
                                                 CP_ROLE_OPERATOR),
                     CP_ROLE_OPERATOR_TPS | CP_ROLE_OPERATOR);
    (void)cp_source_roles(ctx, CP_SOURCE_CPF, NULL, &roles);
    assert_int_equal(roles, 0);
    /* verdicts: a refusal with the storage error */
    make_doc(&bd, "NAP", TPS_URL);
    signed_pdu(&p, &bd, CP_SEC_USERNETWPIN);
    answers(&u, "1234", NULL, NULL, NULL);
    assert_int_equal(verify(ctx, &p, CP_PPG_ANY, NULL, &u, &v), CP_E_STORAGE);
    assert_int_equal(u.calls, 0);
    cp_push_result_init(&r);
    assert_int_equal(cp_push_process(ctx, p.b, p.n, NULL, NULL, &r), CP_E_STORAGE);
    assert_int_equal(r.outcome, CP_OUTCOME_REFUSED);
    assert_int_equal(r.verdict.accepted, 0);
    cp_free(ctx, r.output);
    cp_ctx_free(ctx);
}

/* ==== D: gateway trust ===================================================== */

/* A device with a TPS and gateways: trusted+push, known+push, trusted
   without push, a host name. */
static cp_ctx *gateway_device(void)
{
    static const cp_gw_entry gws[] = {
        {GW, 1, 1},
        {"+4917099999999", 0, 1},
        {"10.1.2.3", 1, 0},
        {"ppg.operator.example", 1, 1},
    };
    cp_ctx *ctx = device(CP_PROFILE_UNBRANDED, NULL);
    assert_int_equal(cp_trust__tps_set(ctx, TPS_URL, "TPS"), CP_OK);
    assert_int_equal(cp_trust__gateways_set(ctx, gws, 4), CP_OK);
    return ctx;
}

static uint32_t tps_origin(cp_ctx *ctx, cp_ppg ppg, const char *addr)
{
    body bd;
    pdu p;
    user u;
    cp_verdict v;
    cp_status st;
    make_doc(&bd, NULL, NULL);
    build_pdu(&p, &bd, -1, NULL, TPS_URL, 0x03);
    answers(&u, NULL, NULL, NULL, NULL);
    st = verify(ctx, &p, ppg, addr, &u, &v);
    /* unsigned: only the TPS passes 4110 */
    assert_int_equal(st, (v.origin_roles & CP_ROLE_OPERATOR_TPS) ? CP_OK
                                                                 : CP_E_REFUSED);
    return v.origin_roles;
}

#define FULL (O_TRUSTED | CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED | \
              CP_ROLE_OPERATOR_TPS)

static void expect_origin(cp_ctx *ctx, cp_ppg ppg, const char *addr,
                          uint32_t want)
{
    uint32_t got = tps_origin(ctx, ppg, addr);
    if (got != want)
        fail_msg("ppg %d, address \"%s\": origin 0x%lx, want 0x%lx", (int)ppg,
                 addr ? addr : "(none)", (unsigned long)got,
                 (unsigned long)want);
}

/* The host says "trusted": an unknown address, none, or the wrong kind. */
static void test_host_flag_alone(void **state)
{
    cp_ctx *ctx = gateway_device();
    (void)state;
    expect_origin(ctx, CP_PPG_TRUSTED, GW, FULL); /* the real one */
    expect_origin(ctx, CP_PPG_TRUSTED, "+15550000000", O_KNOWN);
    expect_origin(ctx, CP_PPG_TRUSTED, NULL, O_KNOWN);
    expect_origin(ctx, CP_PPG_TRUSTED, "", O_KNOWN);
    expect_origin(ctx, CP_PPG_TRUSTED, "+4917099999999", O_KNOWN); /* untrusted */
    expect_origin(ctx, CP_PPG_TRUSTED, "10.1.2.3", O_KNOWN); /* no push */
    cp_ctx_free(ctx);
}

/* The host's word lowers, never raises: ANY/KNOWN on the trusted address. */
static void test_host_flag_lowers(void **state)
{
    cp_ctx *ctx = gateway_device();
    (void)state;
    expect_origin(ctx, CP_PPG_ANY, GW, O_KNOWN);
    expect_origin(ctx, CP_PPG_KNOWN, GW, O_KNOWN);
    expect_origin(ctx, CP_PPG_ANY, "+15550000000", O_ANY);
    expect_origin(ctx, CP_PPG_ANY, "10.1.2.3", O_ANY);
    expect_origin(ctx, CP_PPG_KNOWN, NULL, O_KNOWN);
    cp_ctx_free(ctx);
}

/* Spellings of the trusted address: only the exact one (case aside). */
static void test_gateway_spellings(void **state)
{
    static const char *const wrong[] = {
        " " GW, GW " ", "004917012345678", "4917012345678", "+491701234567",
        "+49170123456789", "+49 170 12345678", "+4917012345678\n",
        "ppg.operator.example.", "ppg.operator.example:2948",
        "xppg.operator.example"};
    cp_ctx *ctx = gateway_device();
    size_t i;
    (void)state;
    for (i = 0; i < sizeof wrong / sizeof wrong[0]; i++)
        expect_origin(ctx, CP_PPG_TRUSTED, wrong[i], O_KNOWN);
    /* a host name compares without regard to case */
    expect_origin(ctx, CP_PPG_TRUSTED, "PPG.Operator.EXAMPLE", FULL);
    cp_ctx_free(ctx);
}

/* End to end: the TPS document through a gateway the host calls trusted. */
static void test_host_flag_push_end_to_end(void **state)
{
    cp_ctx *ctx = gateway_device();
    body bd;
    pdu p;
    cp_gateway gw;
    cp_push_result r;
    (void)state;
    make_doc(&bd, NULL, NULL);
    build_pdu(&p, &bd, -1, NULL, TPS_URL, 0x01);
    cp_gateway_init(&gw);
    gw.ppg = CP_PPG_TRUSTED;
    gw.address = "+15550000000";
    cp_push_result_init(&r);
    assert_int_equal(cp_push_process(ctx, p.b, p.n, &gw, NULL, &r),
                     CP_E_REFUSED);
    cp_free(ctx, r.output);
    assert_int_equal(pol(ctx, CP_POLICY_RAPI), 2);
    gw.address = GW;
    cp_push_result_init(&r);
    assert_int_equal(cp_push_process(ctx, p.b, p.n, &gw, NULL, &r), CP_OK);
    cp_free(ctx, r.output);
    assert_int_equal(pol(ctx, CP_POLICY_RAPI), 1);
    cp_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pin_mac_lowercase),
        cmocka_unit_test(test_pinmac_other_mac_text),
        cmocka_unit_test(test_pin_table_full_no_eviction),
        cmocka_unit_test(test_pin_count_saved_first),
        cmocka_unit_test(test_bootstrap_method_refused),
        cmocka_unit_test(test_branded_refuses_usernetwpin),
        cmocka_unit_test(test_corrupt_tps_second_bootstrap),
        cmocka_unit_test(test_corrupt_tps_no_tps_push),
        cmocka_unit_test(test_corrupt_tps_recovery),
        cmocka_unit_test(test_policy_out_of_range),
        cmocka_unit_test(test_unloadable_state),
        cmocka_unit_test(test_host_flag_alone),
        cmocka_unit_test(test_host_flag_lowers),
        cmocka_unit_test(test_gateway_spellings),
        cmocka_unit_test(test_host_flag_push_end_to_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
