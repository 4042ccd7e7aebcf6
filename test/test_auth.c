/*
 * test_auth.c - SEC methods, NETWPIN keys and MACs (lib/trust/auth.c).
 *
 * Expected values come from the shared vectors (RFC 2202, gecko, NowSMS,
 * the computed variants, the IMSI key table) and protocol.md section c;
 * a compute result is never the only expectation of a test.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "omacp/auth.h"
#include "support/testutil.h"

#define F_GECKO_NETWPIN "mac_gecko_netwpin_minimal_doc.json"
#define F_GECKO_USERPIN "mac_gecko_userpin_operator_doc.json"
#define F_NOWSMS "mac_nowsms_forum_netwpin.json"
#define F_VARIANTS "mac_computed_variants.json"
#define F_IMSI "imsi_key_examples.json"
#define F_RFC2202 "rfc2202_hmac_sha1.json"
#define F_CHT "doc_cht_operator_codepage.json"

#define NO_INDEX ((size_t)-1)

/* ---- vector helpers -------------------------------------------------- */

static char *vstr(const char *file, const char *key, int n)
{
    char *s = tu_vector_field_n(file, key, n);
    if (s == NULL)
        fail_msg("vector %s: no string field \"%s\" #%d", file, key, n);
    return s;
}

static uint8_t *vhex(const char *file, const char *key, int n, size_t *len)
{
    char *s = vstr(file, key, n);
    uint8_t *b = tu_hex(s, len);
    if (b == NULL)
        fail_msg("vector %s: field \"%s\" is not hex", file, key);
    free(s);
    return b;
}

/*
 * Raw value of "key" in text[from..) (first occurrence), copied into buf:
 * a string's contents (the vectors use no escapes in the fields read this
 * way) or a bare token (number, true, false, null). NULL if absent.
 */
static char *raw_field(const char *from, const char *key, char *buf,
                       size_t cap)
{
    char pat[128];
    const char *p, *e;
    size_t n;

    snprintf(pat, sizeof pat, "\"%s\"", key);
    p = strstr(from, pat);
    if (p == NULL)
        return NULL;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    if (*p == '"') {
        e = strchr(++p, '"');
    } else {
        for (e = p; *e && *e != ',' && *e != '}' && *e != '\n'; e++)
            ;
    }
    assert_non_null(e);
    n = (size_t)(e - p);
    assert_true(n < cap);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* A JSON boolean field; the test fails if it is missing or not boolean. */
static int raw_bool(const char *from, const char *key)
{
    char b[16];
    assert_non_null(raw_field(from, key, b, sizeof b));
    if (strcmp(b, "true") == 0)
        return 1;
    assert_string_equal(b, "false");
    return 0;
}

static int sec_of(const char *name)
{
    static const char *const names[] = {"NETWPIN", "USERPIN", "USERNETWPIN",
                                        "USERPINMAC"};
    int i;
    for (i = 0; i < 4; i++) {
        if (strcmp(names[i], name) == 0)
            return i;
    }
    fail_msg("unknown sec_method %s", name);
    return -1;
}

static void assert_mem(const uint8_t *a, const uint8_t *b, size_t n)
{
    assert_memory_equal(a, b, n);
}

/* The 501-octet operator document of the gecko USERPIN test. */
static uint8_t *operator_body(size_t *len)
{
    return vhex(F_GECKO_USERPIN, "body_hex", 0, len);
}

/* ---- RFC 2202 ---------------------------------------------------------- */

static void test_rfc2202(void **state)
{
    int i;
    (void)state;
    for (i = 0; i < 7; i++) {
        size_t kl, dl, hl;
        uint8_t *k = vhex(F_RFC2202, "key_hex", i, &kl);
        uint8_t *d = vhex(F_RFC2202, "data_hex", i, &dl);
        uint8_t *h = vhex(F_RFC2202, "digest_hex", i, &hl);
        uint8_t out[CP_HMAC_SHA1_LEN];
        assert_int_equal(hl, CP_HMAC_SHA1_LEN);
        assert_int_equal(cp_hmac_sha1(k, kl, d, dl, out), CP_OK);
        assert_mem(out, h, hl);
        free(k);
        free(d);
        free(h);
    }
    /* An eighth entry would mean the file changed under us. */
    assert_null(tu_vector_field_n(F_RFC2202, "digest_hex", 7));
}

static void test_hmac_args(void **state)
{
    uint8_t out[CP_HMAC_SHA1_LEN];
    (void)state;
    assert_int_equal(cp_hmac_sha1(NULL, 1, NULL, 0, out), CP_E_INVALID_ARG);
    assert_int_equal(cp_hmac_sha1(NULL, 0, NULL, 1, out), CP_E_INVALID_ARG);
    assert_int_equal(cp_hmac_sha1(NULL, 0, NULL, 0, NULL), CP_E_INVALID_ARG);
    assert_int_equal(cp_hmac_sha1(NULL, 0, NULL, 0, out), CP_OK);
}

/* ---- IMSI keys ----------------------------------------------------------- */

static void test_imsi_key_table(void **state)
{
    char *text = tu_read_vector_file(F_IMSI);
    const char *row = text;
    int i;
    (void)state;
    assert_non_null(text);
    for (i = 0; i < 5; i++) {
        char *imsi = vstr(F_IMSI, "imsi", i);
        size_t kl, gl, ol = 0;
        uint8_t *want = vhex(F_IMSI, "key_hex", i, &kl);
        uint8_t *gecko = vhex(F_IMSI, "gecko_formatImsi_emulated_hex", i, &gl);
        uint8_t out[CP_IMSI_KEY_MAX];
        int gecko_same;

        row = strstr(row, "\"gecko_matches\"");
        assert_non_null(row);
        gecko_same = raw_bool(row, "gecko_matches");
        row++;
        assert_int_equal(cp_imsi_key(imsi, 0, out, sizeof out, &ol), CP_OK);
        assert_int_equal(ol, kl);
        assert_mem(out, want, kl);
        /* Where gecko's routine is buggy our key must differ from it. */
        if (gecko_same) {
            assert_int_equal(gl, kl);
            assert_mem(out, gecko, kl);
        } else {
            assert_true(gl != ol || memcmp(out, gecko, gl) != 0);
        }
        free(imsi);
        free(want);
        free(gecko);
    }
    assert_null(tu_vector_field_n(F_IMSI, "gecko_formatImsi_emulated_hex", 5));
    free(text);
}

/* The vector's 14-digit IMSI signed with the right key and with gecko's. */
static void test_imsi_even_mac(void **state)
{
    char *text = tu_read_vector_file(F_IMSI);
    const char *sect;
    char imsi[32];
    const char *imsis[1];
    char *good, *bad;
    uint8_t *body;
    size_t bl, idx;
    cp_auth_options o;
    (void)state;

    assert_non_null(text);
    sect = strstr(text, "\"mac_check_even_imsi\"");
    assert_non_null(sect);
    assert_non_null(raw_field(sect, "imsi", imsi, sizeof imsi));
    assert_int_equal(strlen(imsi), 14);
    imsis[0] = imsi;
    good = vstr(F_IMSI, "mac_correct_key", 0);
    bad = vstr(F_IMSI, "mac_gecko_key", 0);
    body = vhex(F_IMSI, "body_hex", 0, &bl);
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, good, NULL, body,
                                   bl, &idx),
                     CP_OK);
    assert_int_equal(idx, 0);
    cp_auth_options_init(&o);
    o.compat = CP_AUTH_COMPAT_ALL;
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, bad, &o, body,
                                   bl, &idx),
                     CP_E_NOT_AUTHENTIC);
    assert_int_equal(idx, NO_INDEX);
    free(good);
    free(bad);
    free(body);
    free(text);
}

/* Compatibility forms, from the rule of protocol.md c.3 and the table. */
static void test_imsi_key_compat(void **state)
{
    uint8_t out[CP_IMSI_KEY_MAX];
    size_t ol, kl;
    uint8_t *k13 = vhex(F_IMSI, "key_hex", 4, &kl); /* 13-digit row */
    uint8_t *k15 = vhex(F_IMSI, "key_hex", 0, &kl);
    char *imsi13 = vstr(F_IMSI, "imsi", 4);
    char *imsi15 = vstr(F_IMSI, "imsi", 0);
    (void)state;

    assert_int_equal(strlen(imsi13), 13);
    assert_int_equal(cp_imsi_key(imsi13, CP_AUTH_COMPAT_PADDED_IMSI, out,
                                 sizeof out, &ol),
                     CP_OK);
    assert_int_equal(ol, 8);
    assert_mem(out, k13, 7);
    assert_int_equal(out[7], 0xFF);
    /* 15 digits: padded form == default form. */
    assert_int_equal(cp_imsi_key(imsi15, CP_AUTH_COMPAT_PADDED_IMSI, out,
                                 sizeof out, &ol),
                     CP_OK);
    assert_int_equal(ol, 8);
    assert_mem(out, k15, 8);
    assert_int_equal(cp_imsi_key(imsi15, CP_AUTH_COMPAT_ASCII_IMSI, out,
                                 sizeof out, &ol),
                     CP_OK);
    assert_int_equal(ol, 15);
    assert_memory_equal(out, imsi15, 15);
    free(k13);
    free(k15);
    free(imsi13);
    free(imsi15);
}

static void test_imsi_key_errors(void **state)
{
    static const char *const bad[] = {
        "", "123456789012", "1234567890123456", "12345678901234a",
        " 23456789012345", "+23456789012345", "1234567890123 ", "-1"};
    uint8_t out[CP_IMSI_KEY_MAX];
    size_t i, ol;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cp_imsi_key(bad[i], 0, out, sizeof out, &ol),
                         CP_E_BAD_PIN);
    assert_int_equal(cp_imsi_key(NULL, 0, out, sizeof out, &ol), CP_E_BAD_PIN);
    assert_int_equal(cp_imsi_key("466923103145252", 0, out, sizeof out, NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_imsi_key("466923103145252", 0, NULL, 8, &ol),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_imsi_key("466923103145252", CP_AUTH_COMPAT_ALL, out,
                                 sizeof out, &ol),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_imsi_key("466923103145252", 0x80, out, sizeof out,
                                 &ol),
                     CP_E_INVALID_ARG);
    /* Size query and a short buffer report the length, write nothing. */
    assert_int_equal(cp_imsi_key("466923103145252", 0, NULL, 0, &ol),
                     CP_E_BUFFER_TOO_SMALL);
    assert_int_equal(ol, 8);
    memset(out, 0xA5, sizeof out);
    assert_int_equal(cp_imsi_key("3102601234567", 0, out, 6, &ol),
                     CP_E_BUFFER_TOO_SMALL);
    assert_int_equal(ol, 7);
    assert_int_equal(out[0], 0xA5);
    assert_int_equal(cp_imsi_key("3102601234567", 0, out, 7, &ol), CP_OK);
}

/* ---- the read vectors (single case files) ------------------------------ */

typedef struct single_vec {
    const char *file;
    const char *body_key;
} single_vec;

static void run_single(const single_vec *v)
{
    char *text = tu_read_vector_file(v->file);
    char *method = vstr(v->file, "sec_method", 0);
    char *mac = vstr(v->file, "mac_hex", 0);
    int sec = sec_of(method), expect;
    size_t bl, kl, idx = 0;
    uint8_t *body = vhex(v->file, v->body_key, 0, &bl);
    uint8_t *key = vhex(v->file, "key_hex", 0, &kl);
    uint8_t h[CP_HMAC_SHA1_LEN];
    char *imsi = NULL, *pin = NULL;
    const char *imsis[1];
    cp_status rc;

    assert_non_null(text);
    expect = raw_bool(text, "should_verify");
    if (sec == 0)
        imsi = vstr(v->file, "imsi", 0);
    else
        pin = vstr(v->file, "pin", 0);
    imsis[0] = imsi;
    rc = cp_mac_verify(NULL, sec, imsi ? imsis : NULL, imsi ? 1 : 0, pin,
                       mac, NULL, body, bl, &idx);
    assert_int_equal(rc, expect ? CP_OK : CP_E_NOT_AUTHENTIC);
    assert_int_equal(idx, (expect && imsi) ? 0 : NO_INDEX);
    /* The vector's key gives the vector's MAC (the HMAC itself). */
    assert_int_equal(cp_hmac_sha1(key, kl, body, bl, h), CP_OK);
    {
        size_t ml;
        uint8_t *m = tu_hex(mac, &ml);
        assert_non_null(m);
        assert_int_equal(expect, memcmp(m, h, ml) == 0);
        free(m);
    }
    free(text);
    free(method);
    free(mac);
    free(body);
    free(key);
    free(imsi);
    free(pin);
}

static void test_read_vectors(void **state)
{
    static const single_vec v[] = {{F_GECKO_NETWPIN, "body_hex"},
                                   {F_GECKO_USERPIN, "body_hex"},
                                   {F_NOWSMS, "body_hex"}};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++)
        run_single(&v[i]);
}

/* NETWPIN IMSI keys of the read vectors match the IMSI rule. */
static void test_read_vector_keys(void **state)
{
    static const char *const files[] = {F_GECKO_NETWPIN, F_NOWSMS};
    size_t i;
    (void)state;
    for (i = 0; i < 2; i++) {
        char *imsi = vstr(files[i], "imsi", 0);
        size_t kl, ol;
        uint8_t *k = vhex(files[i], "key_hex", 0, &kl);
        uint8_t out[CP_IMSI_KEY_MAX];
        assert_int_equal(cp_imsi_key(imsi, 0, out, sizeof out, &ol), CP_OK);
        assert_int_equal(ol, kl);
        assert_mem(out, k, kl);
        free(imsi);
        free(k);
    }
}

/* The NowSMS poster's mistake: ASCII IMSI key. Off by default. */
static void test_ascii_imsi_compat(void **state)
{
    char *imsi = vstr(F_NOWSMS, "imsi", 0);
    char *bad = vstr(F_NOWSMS, "mac_hex_computed", 0);
    char *good = vstr(F_NOWSMS, "mac_hex", 0);
    const char *imsis[1];
    size_t bl, kl, ol, idx;
    uint8_t *body = vhex(F_NOWSMS, "body_hex", 0, &bl);
    uint8_t *akey = vhex(F_NOWSMS, "key_hex", 1, &kl);
    uint8_t out[CP_IMSI_KEY_MAX];
    char mac[CP_MAC_TEXT_SIZE];
    cp_auth_options o;
    (void)state;

    imsis[0] = imsi;
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, bad, NULL, body,
                                   bl, &idx),
                     CP_E_NOT_AUTHENTIC);
    cp_auth_options_init(&o);
    o.compat = CP_AUTH_COMPAT_PADDED_IMSI;
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, bad, &o, body,
                                   bl, &idx),
                     CP_E_NOT_AUTHENTIC);
    o.compat = CP_AUTH_COMPAT_ASCII_IMSI;
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, bad, &o, body,
                                   bl, &idx),
                     CP_OK);
    assert_int_equal(idx, 0);
    /* The compat flag adds a form; the right key still verifies. */
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, good, &o, body,
                                   bl, &idx),
                     CP_OK);
    assert_int_equal(cp_imsi_key(imsi, CP_AUTH_COMPAT_ASCII_IMSI, out,
                                 sizeof out, &ol),
                     CP_OK);
    assert_int_equal(ol, kl);
    assert_mem(out, akey, kl);
    assert_int_equal(cp_mac_compute(NULL, 0, imsi, NULL, &o, body, bl, mac,
                                     sizeof mac),
                     CP_OK);
    assert_string_equal(mac, bad);
    free(imsi);
    free(bad);
    free(good);
    free(body);
    free(akey);
}

/* ---- the computed variants -------------------------------------------- */

typedef struct variant_code {
    const char *id;
    cp_status rc; /* expected failure code */
} variant_code;

static const variant_code variant_codes[] = {
    {"usernetwpin-wrong-order", CP_E_NOT_AUTHENTIC},
    {"userpinmac-bad-digit", CP_E_NOT_AUTHENTIC},
    {"userpinmac-odd-length", CP_E_BAD_PIN},
    {"userpin-wrong-pin", CP_E_NOT_AUTHENTIC},
    {"userpin-body-bitflip", CP_E_NOT_AUTHENTIC},
    {"mac-wrong-length", CP_E_BAD_MAC},
};

static cp_status variant_fail_code(const char *id)
{
    size_t i;
    for (i = 0; i < sizeof variant_codes / sizeof variant_codes[0]; i++) {
        if (strcmp(variant_codes[i].id, id) == 0)
            return variant_codes[i].rc;
    }
    fail_msg("no expected failure code for case %s", id);
    return CP_OK;
}

/* The part of the file from case id's "id" entry to the next case. */
static char *case_text(const char *text, const char *id)
{
    char pat[128], *out;
    const char *p, *end;
    size_t n;
    snprintf(pat, sizeof pat, "\"id\": \"%s\"", id);
    p = strstr(text, pat);
    assert_non_null(p);
    end = strstr(p + strlen(pat), "\"id\":");
    n = end ? (size_t)(end - p) : strlen(p);
    out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static uint8_t *case_body(const char *ct, size_t *bl)
{
    static char buf[2048];
    if (raw_field(ct, "body_hex", buf, sizeof buf) != NULL) {
        uint8_t *b = tu_hex(buf, bl);
        assert_non_null(b);
        return b;
    }
    assert_non_null(raw_field(ct, "body_ref", buf, sizeof buf));
    assert_string_equal(buf, F_GECKO_USERPIN " body_hex");
    return operator_body(bl);
}

/* Run one variant case; return the status of cp_mac_verify. */
static cp_status run_variant(const char *ct, int sec, const uint8_t *body,
                             size_t bl)
{
    char imsi[32], pin[64], mac[64];
    const char *imsis[1];
    size_t idx = 0;
    cp_status rc;

    imsis[0] = raw_field(ct, "imsi", imsi, sizeof imsi);
    if (sec == 3) {
        assert_non_null(raw_field(ct, "pin_typed", pin, sizeof pin));
        mac[0] = '\0';
    } else {
        assert_non_null(raw_field(ct, "pin", pin, sizeof pin));
        if (raw_field(ct, "mac_hex", mac, sizeof mac) == NULL)
            assert_non_null(
                raw_field(ct, "mac_hex_in_header", mac, sizeof mac));
    }
    rc = cp_mac_verify(NULL, sec, imsis[0] ? imsis : NULL, imsis[0] ? 1 : 0,
                       pin, sec == 3 ? NULL : mac, NULL, body, bl, &idx);
    assert_int_equal(idx, (rc == CP_OK && imsis[0]) ? 0 : NO_INDEX);
    return rc;
}

static void test_computed_variants(void **state)
{
    char *text = tu_read_vector_file(F_VARIANTS);
    int n;
    (void)state;
    assert_non_null(text);
    for (n = 0;; n++) {
        char *id = tu_vector_field_n(F_VARIANTS, "id", n), *ct;
        char m[32];
        uint8_t *body;
        size_t bl;
        int sec, expect;
        cp_status rc;

        if (id == NULL)
            break;
        ct = case_text(text, id);
        assert_non_null(raw_field(ct, "sec_method", m, sizeof m));
        sec = sec_of(m);
        expect = raw_bool(ct, "should_verify");
        body = case_body(ct, &bl);
        rc = run_variant(ct, sec, body, bl);
        if (expect)
            assert_int_equal(rc, CP_OK);
        else
            assert_int_equal(rc, variant_fail_code(id));
        free(body);
        free(ct);
        free(id);
    }
    assert_int_equal(n, 10);
    free(text);
}

/* Cross-checks inside the variant cases: keys, HMACs, signing. */
static void test_variant_details(void **state)
{
    char *text = tu_read_vector_file(F_VARIANTS), *ct;
    char imsi[32], pin[64], mac[64], hex[64], typed[64], out[64];
    size_t bl, kl, ol, idx;
    uint8_t *body = operator_body(&bl), *key, *m;
    uint8_t ik[CP_IMSI_KEY_MAX], h[CP_HMAC_SHA1_LEN];
    const char *imsis[1];
    static const char *const pinmac_ids[] = {"userpinmac-5", "userpinmac-8"};
    size_t i;
    (void)state;
    assert_non_null(text);

    /* USERNETWPIN: key = IMSI key || PIN; both orders' MACs as listed. */
    ct = case_text(text, "usernetwpin-operator-doc");
    assert_non_null(raw_field(ct, "imsi", imsi, sizeof imsi));
    assert_non_null(raw_field(ct, "pin", pin, sizeof pin));
    assert_non_null(raw_field(ct, "key_hex", hex, sizeof hex));
    assert_non_null(raw_field(ct, "mac_hex", mac, sizeof mac));
    key = tu_hex(hex, &kl);
    assert_non_null(key);
    assert_int_equal(cp_imsi_key(imsi, 0, ik, sizeof ik, &ol), CP_OK);
    assert_int_equal(ol + strlen(pin), kl);
    assert_mem(ik, key, ol);
    assert_memory_equal(key + ol, pin, strlen(pin));
    assert_int_equal(cp_mac_compute(NULL, 2, imsi, pin, NULL, body, bl, out,
                                     sizeof out),
                     CP_OK);
    assert_string_equal(out, mac);
    free(key);
    free(ct);

    ct = case_text(text, "usernetwpin-wrong-order");
    assert_non_null(raw_field(ct, "key_hex", hex, sizeof hex));
    assert_non_null(raw_field(ct, "mac_hex", mac, sizeof mac));
    key = tu_hex(hex, &kl);
    m = tu_hex(mac, &ol);
    assert_non_null(key);
    assert_non_null(m);
    assert_int_equal(cp_hmac_sha1(key, kl, body, bl, h), CP_OK);
    assert_mem(h, m, ol);
    free(key);
    free(m);
    free(ct);

    /* USERPINMAC: HMAC of the PIN part, and the digits a server hands out. */
    for (i = 0; i < 2; i++) {
        ct = case_text(text, pinmac_ids[i]);
        assert_non_null(raw_field(ct, "pin_part", pin, sizeof pin));
        assert_non_null(raw_field(ct, "pin_typed", typed, sizeof typed));
        assert_non_null(raw_field(ct, "hmac_hex", hex, sizeof hex));
        m = tu_hex(hex, &ol);
        assert_non_null(m);
        assert_int_equal(cp_hmac_sha1((const uint8_t *)pin, strlen(pin), body,
                                      bl, h),
                         CP_OK);
        assert_mem(h, m, ol);
        assert_int_equal(cp_mac_compute(NULL, 3, NULL, pin, NULL, body, bl,
                                         out, sizeof out),
                         CP_OK);
        assert_string_equal(out, typed);
        free(m);
        free(ct);
    }

    /* The MAC the wrong PIN would need verifies with that PIN. */
    ct = case_text(text, "userpin-wrong-pin");
    assert_non_null(raw_field(ct, "pin", pin, sizeof pin));
    assert_non_null(raw_field(ct, "mac_for_this_pin", mac, sizeof mac));
    imsis[0] = "466923103145252";
    assert_int_equal(cp_mac_verify(NULL, 1, imsis, 1, pin, mac, NULL, body,
                                   bl, &idx),
                     CP_OK);
    assert_int_equal(idx, NO_INDEX); /* USERPIN uses no IMSI */
    free(ct);
    free(body);
    free(text);
}

/* protocol.md c.5: K = 12345 over the CHT operator document -> 1234517887. */
static void test_pinmac_spec_example(void **state)
{
    size_t bl;
    uint8_t *body = vhex(F_CHT, "wbxml_hex", 0, &bl);
    char out[CP_MAC_TEXT_SIZE];
    (void)state;
    assert_int_equal(cp_mac_compute(NULL, 3, NULL, "12345", NULL, body, bl,
                                     out, sizeof out),
                     CP_OK);
    assert_string_equal(out, "1234517887");
    assert_int_equal(cp_mac_verify(NULL, 3, NULL, 0, "1234517887", NULL,
                                   NULL, body, bl, NULL),
                     CP_OK);
    /* The header MAC is ignored by USERPINMAC, even when malformed. */
    assert_int_equal(cp_mac_verify(NULL, 3, NULL, 0, "1234517887", "zz",
                                   NULL, body, bl, NULL),
                     CP_OK);
    free(body);
}

/* ---- MAC text --------------------------------------------------------- */

static void test_mac_text_case(void **state)
{
    char *mac = vstr(F_GECKO_NETWPIN, "mac_hex", 0);
    char *imsi = vstr(F_GECKO_NETWPIN, "imsi", 0);
    const char *imsis[1];
    size_t bl, i;
    uint8_t *body = vhex(F_GECKO_NETWPIN, "body_hex", 0, &bl);
    char lower[CP_MAC_TEXT_SIZE], mixed[CP_MAC_TEXT_SIZE];
    (void)state;

    imsis[0] = imsi;
    for (i = 0; i < CP_MAC_HEX_LEN; i++) {
        char c = mac[i];
        lower[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
        mixed[i] = (i % 2) ? lower[i] : c;
    }
    lower[CP_MAC_HEX_LEN] = mixed[CP_MAC_HEX_LEN] = '\0';
    assert_string_not_equal(lower, mac);
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, lower, NULL, body,
                                   bl, NULL),
                     CP_OK);
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, mixed, NULL, body,
                                   bl, NULL),
                     CP_OK);
    free(mac);
    free(imsi);
    free(body);
}

static void test_mac_text_malformed(void **state)
{
    char *mac = vstr(F_GECKO_USERPIN, "mac_hex", 0);
    char *pin = vstr(F_GECKO_USERPIN, "pin", 0);
    size_t bl, i;
    uint8_t *body = operator_body(&bl);
    char bad[64];
    cp_ctx *ctx = NULL;
    static const char subst[] = {'G', 'g', ' ', 'x', ':', '-', '\x80'};
    (void)state;

    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    /* The good MAC first, so the negatives below test only the text. */
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, mac, NULL, body, bl,
                                   NULL),
                     CP_OK);
    /* 39 and 38 digits */
    memcpy(bad, mac, 39);
    bad[39] = '\0';
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, bad, NULL, body, bl,
                                   NULL),
                     CP_E_BAD_MAC);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_BAD_MAC);
    bad[38] = '\0';
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, bad, NULL, body, bl,
                                   NULL),
                     CP_E_BAD_MAC);
    /* 41 digits (valid MAC plus one), and 80 (twice) */
    snprintf(bad, sizeof bad, "%s0", mac);
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, bad, NULL, body, bl,
                                   NULL),
                     CP_E_BAD_MAC);
    /* trailing newline, leading space */
    snprintf(bad, sizeof bad, "%s\n", mac);
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, bad, NULL, body, bl,
                                   NULL),
                     CP_E_BAD_MAC);
    snprintf(bad, sizeof bad, " %s", mac);
    bad[40] = '\0';
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, bad, NULL, body, bl,
                                   NULL),
                     CP_E_BAD_MAC);
    /* a non-hex character at every position */
    for (i = 0; i < CP_MAC_HEX_LEN; i++) {
        size_t s = i % sizeof subst;
        strcpy(bad, mac);
        bad[i] = subst[s];
        assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, bad, NULL, body,
                                       bl, NULL),
                         CP_E_BAD_MAC);
    }
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, NULL, NULL, body, bl,
                                   NULL),
                     CP_E_BAD_MAC);
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, pin, "", NULL, body, bl,
                                   NULL),
                     CP_E_BAD_MAC);
    cp_ctx_free(ctx);
    free(mac);
    free(pin);
    free(body);
}

/* Every hex digit of a valid MAC changed to each other value: mismatch. */
static void test_mac_digit_changes(void **state)
{
    static const char hexd[] = "0123456789ABCDEF";
    char *mac = vstr(F_NOWSMS, "mac_hex", 0);
    char *imsi = vstr(F_NOWSMS, "imsi", 0);
    const char *imsis[1];
    size_t bl, i, d, idx;
    uint8_t *body = vhex(F_NOWSMS, "body_hex", 0, &bl);
    char bad[CP_MAC_TEXT_SIZE];
    (void)state;

    imsis[0] = imsi;
    for (i = 0; i < CP_MAC_HEX_LEN; i++) {
        for (d = 0; d < 16; d++) {
            if (hexd[d] == mac[i])
                continue;
            strcpy(bad, mac);
            bad[i] = hexd[d];
            idx = 0;
            assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, bad, NULL,
                                           body, bl, &idx),
                             CP_E_NOT_AUTHENTIC);
            assert_int_equal(idx, NO_INDEX);
        }
    }
    free(mac);
    free(imsi);
    free(body);
}

/* ---- body integrity ---------------------------------------------------- */

typedef struct flip_vec {
    const char *file;
    int sec;
} flip_vec;

/* Every bit of every byte of a signed body, flipped alone: mismatch. */
static void test_body_bit_flips(void **state)
{
    static const flip_vec v[] = {{F_GECKO_NETWPIN, 0},
                                 {F_GECKO_USERPIN, 1},
                                 {F_NOWSMS, 0}};
    size_t f;
    (void)state;
    for (f = 0; f < sizeof v / sizeof v[0]; f++) {
        char *mac = vstr(v[f].file, "mac_hex", 0);
        char *id = vstr(v[f].file, v[f].sec ? "pin" : "imsi", 0);
        const char *imsis[1];
        size_t bl, i;
        uint8_t *body = vhex(v[f].file, "body_hex", 0, &bl);
        int bit;

        imsis[0] = id;
        assert_int_equal(cp_mac_verify(NULL, v[f].sec, imsis, 1, id, mac,
                                       NULL, body, bl, NULL),
                         CP_OK);
        for (i = 0; i < bl; i++) {
            for (bit = 0; bit < 8; bit++) {
                body[i] ^= (uint8_t)(1u << bit);
                assert_int_equal(cp_mac_verify(NULL, v[f].sec, imsis, 1, id,
                                               mac, NULL, body, bl, NULL),
                                 CP_E_NOT_AUTHENTIC);
                body[i] ^= (uint8_t)(1u << bit);
            }
        }
        /* one octet less, and the empty body */
        assert_int_equal(cp_mac_verify(NULL, v[f].sec, imsis, 1, id, mac,
                                       NULL, body, bl - 1, NULL),
                         CP_E_NOT_AUTHENTIC);
        assert_int_equal(cp_mac_verify(NULL, v[f].sec, imsis, 1, id, mac,
                                       NULL, NULL, 0, NULL),
                         CP_E_NOT_AUTHENTIC);
        free(mac);
        free(id);
        free(body);
    }
}

/* ---- methods -------------------------------------------------------------- */

static void test_bad_sec(void **state)
{
    static const int secs[] = {4, 5, -1, -2, 255, INT_MAX, INT_MIN};
    char *mac = vstr(F_GECKO_USERPIN, "mac_hex", 0);
    size_t bl, i, idx;
    uint8_t *body = operator_body(&bl);
    const char *imsis[1] = {"466923103145252"};
    char out[CP_MAC_TEXT_SIZE];
    (void)state;

    for (i = 0; i < sizeof secs / sizeof secs[0]; i++) {
        /* The PIN and MAC are right for USERPIN: no mapping to it. */
        idx = 0;
        assert_int_equal(cp_mac_verify(NULL, secs[i], imsis, 1, "0000", mac,
                                       NULL, body, bl, &idx),
                         CP_E_BAD_SEC);
        assert_int_equal(idx, NO_INDEX);
        strcpy(out, "junk");
        assert_int_equal(cp_mac_compute(NULL, secs[i], imsis[0], "0000", NULL,
                                         body, bl, out, sizeof out),
                         CP_E_BAD_SEC);
        assert_string_equal(out, "");
    }
    free(mac);
    free(body);
}

/* USERNETWPIN with the key built PIN first must not verify. */
static void test_usernetwpin_order(void **state)
{
    char *text = tu_read_vector_file(F_VARIANTS), *ct;
    char imsi[32], pin[32], good[64], wrong[64];
    const char *imsis[1];
    size_t bl;
    uint8_t *body = operator_body(&bl);
    (void)state;

    assert_non_null(text);
    ct = case_text(text, "usernetwpin-operator-doc");
    assert_non_null(raw_field(ct, "imsi", imsi, sizeof imsi));
    assert_non_null(raw_field(ct, "pin", pin, sizeof pin));
    assert_non_null(raw_field(ct, "mac_hex", good, sizeof good));
    free(ct);
    ct = case_text(text, "usernetwpin-wrong-order");
    assert_non_null(raw_field(ct, "mac_hex", wrong, sizeof wrong));
    free(ct);
    imsis[0] = imsi;
    assert_int_equal(cp_mac_verify(NULL, 2, imsis, 1, pin, good, NULL, body,
                                   bl, NULL),
                     CP_OK);
    assert_int_equal(cp_mac_verify(NULL, 2, imsis, 1, pin, wrong, NULL, body,
                                   bl, NULL),
                     CP_E_NOT_AUTHENTIC);
    /* Neither half alone: NETWPIN and USERPIN reject the USERNETWPIN MAC. */
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, pin, good, NULL, body,
                                   bl, NULL),
                     CP_E_NOT_AUTHENTIC);
    assert_int_equal(cp_mac_verify(NULL, 1, imsis, 1, pin, good, NULL, body,
                                   bl, NULL),
                     CP_E_NOT_AUTHENTIC);
    /* Wrong PIN */
    assert_int_equal(cp_mac_verify(NULL, 2, imsis, 1, "1235", good, NULL,
                                   body, bl, NULL),
                     CP_E_NOT_AUTHENTIC);
    free(body);
    free(text);
}

/* Dual SIM: the signing IMSI is found in either slot and reported. */
static void test_dual_imsi(void **state)
{
    char *mac = vstr(F_GECKO_NETWPIN, "mac_hex", 0);
    char *imsi = vstr(F_GECKO_NETWPIN, "imsi", 0);
    char *other = vstr(F_IMSI, "imsi", 3); /* 001010123456789 */
    char *text = tu_read_vector_file(F_VARIANTS), *ct;
    char upin[32], umac[64];
    const char *imsis[3];
    size_t bl, ul, idx;
    uint8_t *body = vhex(F_GECKO_NETWPIN, "body_hex", 0, &bl);
    uint8_t *ubody = operator_body(&ul);
    cp_ctx *ctx = NULL;
    const char *msg;
    (void)state;

    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    assert_string_not_equal(imsi, other);
    imsis[0] = other;
    imsis[1] = imsi;
    assert_int_equal(cp_mac_verify(ctx, 0, imsis, 2, NULL, mac, NULL, body,
                                   bl, &idx),
                     CP_OK);
    assert_int_equal(idx, 1);
    imsis[0] = imsi;
    imsis[1] = other;
    assert_int_equal(cp_mac_verify(ctx, 0, imsis, 2, NULL, mac, NULL, body,
                                   bl, &idx),
                     CP_OK);
    assert_int_equal(idx, 0);
    /* USERNETWPIN too */
    assert_non_null(text);
    ct = case_text(text, "usernetwpin-operator-doc");
    assert_non_null(raw_field(ct, "pin", upin, sizeof upin));
    assert_non_null(raw_field(ct, "mac_hex", umac, sizeof umac));
    free(ct);
    imsis[0] = other;
    imsis[1] = other;
    imsis[2] = imsi;
    assert_int_equal(cp_mac_verify(ctx, 2, imsis, 3, upin, umac, NULL, ubody,
                                   ul, &idx),
                     CP_OK);
    assert_int_equal(idx, 2);
    /* Neither IMSI: not authentic, no index, a message without secrets. */
    imsis[1] = "310260123456789";
    assert_int_equal(cp_mac_verify(ctx, 0, imsis, 2, NULL, mac, NULL, body,
                                   bl, &idx),
                     CP_E_NOT_AUTHENTIC);
    assert_int_equal(idx, NO_INDEX);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_NOT_AUTHENTIC);
    msg = cp_ctx_error_message(ctx);
    assert_non_null(strstr(msg, "NETWPIN"));
    assert_non_null(strstr(msg, "2 IMSIs"));
    assert_null(strstr(msg, other));
    assert_null(strstr(msg, "310260"));
    assert_null(strstr(msg, mac));
    /* Same for USERNETWPIN with a wrong PIN: no PIN in the message. */
    assert_int_equal(cp_mac_verify(ctx, 2, imsis, 3, "987654", umac, NULL,
                                   ubody, ul, &idx),
                     CP_E_NOT_AUTHENTIC);
    msg = cp_ctx_error_message(ctx);
    assert_null(strstr(msg, "987654"));
    assert_null(strstr(msg, umac));
    assert_null(strstr(msg, imsi));
    cp_ctx_free(ctx);
    free(mac);
    free(imsi);
    free(other);
    free(text);
    free(body);
    free(ubody);
}

static void test_missing_inputs(void **state)
{
    char *mac = vstr(F_GECKO_NETWPIN, "mac_hex", 0);
    size_t bl;
    uint8_t *body = vhex(F_GECKO_NETWPIN, "body_hex", 0, &bl);
    const char *bad_list[2] = {"466923103145252", NULL};
    const char *short_list[1] = {"46692310314"};
    char longpin[CP_AUTH_PIN_MAX + 2];
    char out[CP_MAC_TEXT_SIZE];
    (void)state;

    /* verify: IMSIs */
    assert_int_equal(cp_mac_verify(NULL, 0, NULL, 0, NULL, mac, NULL, body,
                                   bl, NULL),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_verify(NULL, 0, bad_list, 0, NULL, mac, NULL,
                                   body, bl, NULL),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_verify(NULL, 0, bad_list, 2, NULL, mac, NULL,
                                   body, bl, NULL),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_verify(NULL, 0, short_list, 1, NULL, mac, NULL,
                                   body, bl, NULL),
                     CP_E_BAD_PIN);
    /* verify: PINs */
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, NULL, mac, NULL, body,
                                   bl, NULL),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, "", mac, NULL, body, bl,
                                   NULL),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_verify(NULL, 2, bad_list, 1, NULL, mac, NULL,
                                   body, bl, NULL),
                     CP_E_BAD_PIN);
    memset(longpin, '7', sizeof longpin - 1);
    longpin[sizeof longpin - 1] = '\0'; /* 65 octets */
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, longpin, mac, NULL, body,
                                   bl, NULL),
                     CP_E_BAD_PIN);
    /* NULL body with a length */
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, "0000", mac, NULL, NULL,
                                   3, NULL),
                     CP_E_INVALID_ARG);
    /* compute */
    assert_int_equal(cp_mac_compute(NULL, 0, NULL, NULL, NULL, body, bl, out,
                                     sizeof out),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_compute(NULL, 0, "4669231031452521", NULL, NULL,
                                     body, bl, out, sizeof out),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_compute(NULL, 1, NULL, NULL, NULL, body, bl, out,
                                     sizeof out),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_compute(NULL, 1, NULL, longpin, NULL, body, bl,
                                     out, sizeof out),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_compute(NULL, 2, NULL, "1234", NULL, body, bl,
                                     out, sizeof out),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_compute(NULL, 2, bad_list[0], "", NULL, body, bl,
                                     out, sizeof out),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_compute(NULL, 3, NULL, "1234a", NULL, body, bl,
                                     out, sizeof out),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_compute(NULL, 1, NULL, "0000", NULL, NULL, 1, out,
                                     sizeof out),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_mac_compute(NULL, 1, NULL, "0000", NULL, body, bl,
                                     NULL, 0),
                     CP_E_INVALID_ARG);
    free(mac);
    free(body);
}

static void test_compute_buffer(void **state)
{
    char *mac = vstr(F_GECKO_USERPIN, "mac_hex", 0);
    size_t bl;
    uint8_t *body = operator_body(&bl);
    char out[CP_MAC_TEXT_SIZE];
    cp_ctx *ctx = NULL;
    (void)state;

    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    memset(out, 'x', sizeof out);
    assert_int_equal(cp_mac_compute(ctx, 1, NULL, "0000", NULL, body, bl, out,
                                     CP_MAC_TEXT_SIZE - 1),
                     CP_E_BUFFER_TOO_SMALL);
    assert_int_equal(out[0], '\0');
    assert_non_null(strstr(cp_ctx_error_message(ctx), "41"));
    assert_int_equal(cp_mac_compute(ctx, 1, NULL, "0000", NULL, body, bl, out,
                                     CP_MAC_TEXT_SIZE),
                     CP_OK);
    assert_string_equal(out, mac);
    /* USERPINMAC N = 5 needs 11 bytes */
    assert_int_equal(cp_mac_compute(ctx, 3, NULL, "12345", NULL, body, bl,
                                     out, 10),
                     CP_E_BUFFER_TOO_SMALL);
    assert_int_equal(out[0], '\0');
    assert_int_equal(cp_mac_compute(ctx, 3, NULL, "12345", NULL, body, bl,
                                     out, 11),
                     CP_OK);
    assert_string_equal(out, "1234517887");
    cp_ctx_free(ctx);
    free(mac);
    free(body);
}

/* Sign then verify, every method, several PIN shapes. */
static void test_round_trip(void **state)
{
    static const struct {
        int sec;
        const char *imsi, *pin;
    } rt[] = {
        {0, "466923103145252", NULL},
        {0, "21407650123456", NULL},
        {0, "3102601234567", NULL},
        {1, NULL, "0000"},
        {1, NULL, "p\xC3\xA4ss word"},
        {1, NULL, "1234567890123456789012345678901234567890123456789012345678901234"},
        {2, "466923103145252", "1234"},
        {2, "3102601234567", "99"},
        {3, NULL, "12345"},
        {3, NULL, "20240601"},
        {3, NULL, "12345678901234567890"},
    };
    size_t bl, i, idx;
    uint8_t *body = operator_body(&bl);
    char out[CP_MAC_TEXT_SIZE];
    (void)state;

    for (i = 0; i < sizeof rt / sizeof rt[0]; i++) {
        const char *imsis[2];
        imsis[0] = "001010123456789";
        imsis[1] = rt[i].imsi;
        assert_int_equal(cp_mac_compute(NULL, rt[i].sec, rt[i].imsi,
                                         rt[i].pin, NULL, body, bl, out,
                                         sizeof out),
                         CP_OK);
        if (rt[i].sec == 3) {
            assert_int_equal(strlen(out), 2 * strlen(rt[i].pin));
            assert_int_equal(cp_mac_verify(NULL, 3, NULL, 0, out, NULL, NULL,
                                           body, bl, &idx),
                             CP_OK);
            assert_int_equal(idx, NO_INDEX);
            continue;
        }
        assert_int_equal(strlen(out), CP_MAC_HEX_LEN);
        assert_int_equal(strspn(out, "0123456789ABCDEF"), CP_MAC_HEX_LEN);
        assert_int_equal(cp_mac_verify(NULL, rt[i].sec, imsis, 2, rt[i].pin,
                                       out, NULL, body, bl, &idx),
                         CP_OK);
        assert_int_equal(idx, rt[i].sec == 1 ? NO_INDEX : 1);
    }
    /* 21 USERPINMAC digits: above the cap of 20 */
    assert_int_equal(cp_mac_compute(NULL, 3, NULL, "123456789012345678901",
                                     NULL, body, bl, out, sizeof out),
                     CP_E_BAD_PIN);
    free(body);
}

/* The read vectors' MACs come out of cp_mac_compute unchanged. */
static void test_compute_read_vectors(void **state)
{
    static const char *const files[] = {F_GECKO_NETWPIN, F_GECKO_USERPIN,
                                        F_NOWSMS};
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        char *method = vstr(files[i], "sec_method", 0);
        char *mac = vstr(files[i], "mac_hex", 0);
        int sec = sec_of(method);
        char *id = vstr(files[i], sec ? "pin" : "imsi", 0);
        size_t bl;
        uint8_t *body = vhex(files[i], "body_hex", 0, &bl);
        char out[CP_MAC_TEXT_SIZE];
        assert_int_equal(cp_mac_compute(NULL, sec, sec ? NULL : id,
                                         sec ? id : NULL, NULL, body, bl, out,
                                         sizeof out),
                         CP_OK);
        assert_string_equal(out, mac);
        free(method);
        free(mac);
        free(id);
        free(body);
    }
}

/* ---- USERPINMAC input rules and options ---------------------------------- */

static void test_pinmac_input(void **state)
{
    static const char *const bad[] = {
        "123451788",   /* odd */
        "12345178870", /* odd */
        "1",           /* odd, one digit */
        "12341234",    /* N = 4 < 5 */
        "17",          /* N = 1 */
        "1234a17887",  /* non-digit in the PIN half */
        "123451788x",  /* non-digit in the MAC half */
        "12345 17887", /* odd, with a space */
        "1234517887123451788712345178871234517887a1", /* N = 21 */
        "",
    };
    size_t bl, i;
    uint8_t *body = operator_body(&bl);
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cp_mac_verify(NULL, 3, NULL, 0, bad[i], NULL, NULL,
                                       body, bl, NULL),
                         CP_E_BAD_PIN);
    assert_int_equal(cp_mac_verify(NULL, 3, NULL, 0, NULL, NULL, NULL, body,
                                   bl, NULL),
                     CP_E_BAD_PIN);
    /* 42 digits: N = 21, above the cap */
    assert_int_equal(cp_mac_verify(NULL, 3, NULL, 0,
                                   "123456789012345678901123456789012345678901",
                                   NULL, NULL, body, bl, NULL),
                     CP_E_BAD_PIN);
    /* Each MAC digit changed: not authentic. */
    for (i = 5; i < 10; i++) {
        char t[11];
        strcpy(t, "1234517887");
        t[i] = (char)('0' + (t[i] - '0' + 5) % 10);
        assert_int_equal(cp_mac_verify(NULL, 3, NULL, 0, t, NULL, NULL, body,
                                       bl, NULL),
                         CP_E_NOT_AUTHENTIC);
    }
    /* A PIN digit changed: not authentic either. */
    assert_int_equal(cp_mac_verify(NULL, 3, NULL, 0, "1234617887", NULL, NULL,
                                   body, bl, NULL),
                     CP_E_NOT_AUTHENTIC);
    free(body);
}

static void test_pinmac_options(void **state)
{
    char *text = tu_read_vector_file(F_VARIANTS), *ct;
    char k[16], m[16], typed[40];
    size_t bl;
    uint8_t *body = operator_body(&bl);
    cp_auth_options o;
    cp_ctx *ctx = NULL;
    (void)state;

    assert_non_null(text);
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    /* Symbian's 4+4 split of the odd case: K = 1234 gives 8546. */
    ct = case_text(text, "userpinmac-odd-length");
    assert_non_null(raw_field(ct, "K", k, sizeof k));
    assert_non_null(raw_field(ct, "computed_digits", m, sizeof m));
    free(ct);
    snprintf(typed, sizeof typed, "%s%s", k, m);
    assert_int_equal(strlen(typed), 8);
    assert_int_equal(cp_mac_verify(ctx, 3, NULL, 0, typed, NULL, NULL, body,
                                   bl, NULL),
                     CP_E_BAD_PIN);
    assert_null(strstr(cp_ctx_error_message(ctx), typed));
    cp_auth_options_init(&o);
    o.min_pinmac_digits = 4;
    assert_int_equal(cp_mac_verify(ctx, 3, NULL, 0, typed, NULL, &o, body, bl,
                                   NULL),
                     CP_OK);
    /* The odd 9-digit form still fails with a lower minimum. */
    o.min_pinmac_digits = 1;
    assert_int_equal(cp_mac_verify(ctx, 3, NULL, 0, "123451788", NULL, &o,
                                   body, bl, NULL),
                     CP_E_BAD_PIN);
    /* A higher minimum refuses the 5-digit example. */
    o.min_pinmac_digits = 6;
    assert_int_equal(cp_mac_verify(ctx, 3, NULL, 0, "1234517887", NULL, &o,
                                   body, bl, NULL),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_verify(ctx, 3, NULL, 0, "2024060131328870", NULL,
                                   &o, body, bl, NULL),
                     CP_OK);
    /* A lower maximum refuses the 8-digit one. */
    o.min_pinmac_digits = 0;
    o.max_pinmac_digits = 7;
    assert_int_equal(cp_mac_verify(ctx, 3, NULL, 0, "2024060131328870", NULL,
                                   &o, body, bl, NULL),
                     CP_E_BAD_PIN);
    assert_int_equal(cp_mac_verify(ctx, 3, NULL, 0, "1234517887", NULL, &o,
                                   body, bl, NULL),
                     CP_OK);
    /* compute honours the same range */
    {
        char out[CP_MAC_TEXT_SIZE];
        assert_int_equal(cp_mac_compute(ctx, 3, NULL, "20240601", &o, body,
                                         bl, out, sizeof out),
                         CP_E_BAD_PIN);
        assert_int_equal(cp_mac_compute(ctx, 3, NULL, "1234", NULL, body, bl,
                                         out, sizeof out),
                         CP_E_BAD_PIN);
    }
    cp_ctx_free(ctx);
    free(body);
    free(text);
}

static void test_options_checks(void **state)
{
    static const cp_auth_options init = CP_AUTH_OPTIONS_INIT;
    cp_auth_options o;
    size_t bl;
    uint8_t *body = operator_body(&bl);
    char *mac = vstr(F_GECKO_USERPIN, "mac_hex", 0);
    char out[CP_MAC_TEXT_SIZE];
    (void)state;

    cp_auth_options_init(&o);
    assert_memory_equal(&o, &init, sizeof o);
    assert_int_equal(o.struct_size, sizeof o);
    cp_auth_options_init(NULL);
    /* defaults explicitly spelt out verify too */
    o.min_pinmac_digits = CP_AUTH_PINMAC_MIN_DEFAULT;
    o.max_pinmac_digits = CP_AUTH_PINMAC_MAX;
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, "0000", mac, &o, body,
                                   bl, NULL),
                     CP_OK);
    o.max_pinmac_digits = CP_AUTH_PINMAC_MAX + 1;
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, "0000", mac, &o, body,
                                   bl, NULL),
                     CP_E_INVALID_ARG);
    o.max_pinmac_digits = 4; /* below the default minimum 5 */
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, "0000", mac, &o, body,
                                   bl, NULL),
                     CP_E_INVALID_ARG);
    cp_auth_options_init(&o);
    o.compat = 0x100;
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, "0000", mac, &o, body,
                                   bl, NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_mac_compute(NULL, 1, NULL, "0000", &o, body, bl, out,
                                     sizeof out),
                     CP_E_INVALID_ARG);
    /* signing with two IMSI forms at once is ambiguous */
    o.compat = CP_AUTH_COMPAT_ALL;
    assert_int_equal(cp_mac_compute(NULL, 0, "466923103145252", NULL, &o,
                                     body, bl, out, sizeof out),
                     CP_E_INVALID_ARG);
    cp_auth_options_init(&o);
    /* one byte short of the first layout (frozen at its last member) */
    o.struct_size = offsetof(cp_auth_options, compat) + sizeof o.compat - 1;
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, "0000", mac, &o, body,
                                   bl, NULL),
                     CP_E_VERSION);
    o.struct_size = 0;
    assert_int_equal(cp_mac_compute(NULL, 1, NULL, "0000", &o, body, bl, out,
                                     sizeof out),
                     CP_E_VERSION);
    o.struct_size = (size_t)1 << 20;
    assert_int_equal(cp_mac_verify(NULL, 1, NULL, 0, "0000", mac, &o, body,
                                   bl, NULL),
                     CP_E_VERSION);
    free(mac);
    free(body);
}

/* The padded 8-octet form for a 13-digit IMSI is off by default. */
static void test_padded_imsi_compat(void **state)
{
    /* Key written out by hand from protocol.md c.3 plus 0xFF padding. */
    static const uint8_t padded[8] = {0x39, 0x01, 0x62, 0x10,
                                      0x32, 0x54, 0x76, 0xFF};
    static const char hexd[] = "0123456789ABCDEF";
    const char *imsis[1] = {"3102601234567"};
    size_t bl, idx, i;
    uint8_t *body = operator_body(&bl);
    uint8_t h[CP_HMAC_SHA1_LEN];
    char mac[CP_MAC_TEXT_SIZE];
    cp_auth_options o;
    (void)state;

    assert_int_equal(cp_hmac_sha1(padded, sizeof padded, body, bl, h), CP_OK);
    for (i = 0; i < CP_HMAC_SHA1_LEN; i++) {
        mac[2 * i] = hexd[h[i] >> 4];
        mac[2 * i + 1] = hexd[h[i] & 15];
    }
    mac[CP_MAC_HEX_LEN] = '\0';
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, mac, NULL, body,
                                   bl, &idx),
                     CP_E_NOT_AUTHENTIC);
    cp_auth_options_init(&o);
    o.compat = CP_AUTH_COMPAT_PADDED_IMSI;
    assert_int_equal(cp_mac_verify(NULL, 0, imsis, 1, NULL, mac, &o, body, bl,
                                   &idx),
                     CP_OK);
    assert_int_equal(idx, 0);
    free(body);
}

/* The MAC functions never use the ctx allocator (nor any other). */
static void test_no_ctx_allocation(void **state)
{
    cp_config cfg;
    tu_alloc t;
    cp_ctx *ctx = NULL;
    char *mac = vstr(F_GECKO_USERPIN, "mac_hex", 0);
    size_t bl;
    long calls;
    uint8_t *body = operator_body(&bl);
    char out[CP_MAC_TEXT_SIZE];
    const char *imsis[1] = {"466923103145252"};
    (void)state;

    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &t, 0);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    calls = t.calls;
    assert_int_equal(cp_mac_verify(ctx, 1, NULL, 0, "0000", mac, NULL, body,
                                   bl, NULL),
                     CP_OK);
    assert_int_equal(cp_mac_verify(ctx, 0, imsis, 1, NULL, mac, NULL, body,
                                   bl, NULL),
                     CP_E_NOT_AUTHENTIC);
    assert_int_equal(cp_mac_compute(ctx, 2, imsis[0], "1", NULL, body, bl,
                                     out, sizeof out),
                     CP_OK);
    assert_int_equal(t.calls, calls);
    cp_ctx_free(ctx);
    assert_int_equal(t.live, 0);
    free(mac);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc2202),
        cmocka_unit_test(test_hmac_args),
        cmocka_unit_test(test_imsi_key_table),
        cmocka_unit_test(test_imsi_even_mac),
        cmocka_unit_test(test_imsi_key_compat),
        cmocka_unit_test(test_imsi_key_errors),
        cmocka_unit_test(test_read_vectors),
        cmocka_unit_test(test_read_vector_keys),
        cmocka_unit_test(test_ascii_imsi_compat),
        cmocka_unit_test(test_computed_variants),
        cmocka_unit_test(test_variant_details),
        cmocka_unit_test(test_pinmac_spec_example),
        cmocka_unit_test(test_mac_text_case),
        cmocka_unit_test(test_mac_text_malformed),
        cmocka_unit_test(test_mac_digit_changes),
        cmocka_unit_test(test_body_bit_flips),
        cmocka_unit_test(test_bad_sec),
        cmocka_unit_test(test_usernetwpin_order),
        cmocka_unit_test(test_dual_imsi),
        cmocka_unit_test(test_missing_inputs),
        cmocka_unit_test(test_compute_buffer),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_compute_read_vectors),
        cmocka_unit_test(test_pinmac_input),
        cmocka_unit_test(test_pinmac_options),
        cmocka_unit_test(test_options_checks),
        cmocka_unit_test(test_padded_imsi_compat),
        cmocka_unit_test(test_no_ctx_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
