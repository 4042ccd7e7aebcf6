/*
 * test_wsp.c - the WSP push parser against the vectors in
 * wsp_push_pdus.json and byte layouts written from the WSP encoding rules
 * (protocol.md c.6, d.2-d.4; WAP-230 table 38 and 8.4.1.2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/testutil.h"
#include "omacp/wsp.h"

#define VEC "wsp_push_pdus.json"
/* The minimal document of protocol.md c.3, example A: the push body. */
#define BODY_HEX "030B6A004501"
#define MAC_A "AA2DC41FC48AEEF3FED7351B1EE704461A8894D4"
#define MAC_B "1AF545FE2823DC9347064450F90FF1BBF957E146"
#define WBXML_NAME "application/vnd.wap.connectivity-wbxml"
#define XML_NAME "text/vnd.wap.connectivity-xml"

static cp_ctx *ctx;
static tu_alloc talloc;
static uint8_t *g_pdu;     /* the last PDU built by mk() */
static size_t g_len;       /* its length */
static size_t g_body_off;  /* where the spec layout puts its body */

/* ---- byte builder --------------------------------------------------------- */

typedef struct bld {
    uint8_t b[2048];
    size_t n;
} bld;

static void put(bld *b, uint8_t c)
{
    assert_true(b->n < sizeof b->b);
    b->b[b->n++] = c;
}

/* uintvar: 7 bits per octet, most significant first, bit 7 = more. */
static void put_uintvar(bld *b, uint32_t v)
{
    uint8_t tmp[5];
    size_t n = tu_uintvar(tmp, v), i;
    for (i = 0; i < n; i++)
        put(b, tmp[i]);
}

/* Value-length: Short-length 0..30, else Length-quote 0x1F + uintvar. */
static void put_value_length(bld *b, size_t n)
{
    if (n <= 30) {
        put(b, (uint8_t)n);
    } else {
        put(b, 0x1F);
        put_uintvar(b, (uint32_t)n);
    }
}

/*
 * Layout language: hex octets ("B6 91 81"), 'text' as raw ASCII (no NUL),
 * and {...} for a group written with its Value-length in front.
 */
static const char *put_fmt_until(bld *b, const char *f, char stop)
{
    while (*f && *f != stop) {
        if (*f == ' ') {
            f++;
        } else if (*f == '\'') {
            for (f++; *f && *f != '\''; f++)
                put(b, (uint8_t)*f);
            assert_int_equal(*f, '\'');
            f++;
        } else if (*f == '{') {
            bld *in = calloc(1, sizeof *in);
            size_t i;
            assert_non_null(in);
            f = put_fmt_until(in, f + 1, '}');
            assert_int_equal(*f, '}');
            f++;
            put_value_length(b, in->n);
            for (i = 0; i < in->n; i++)
                put(b, in->b[i]);
            free(in);
        } else {
            int hi = tu_hexval(f[0]), lo = tu_hexval(f[1]);
            assert_true(hi >= 0 && lo >= 0);
            put(b, (uint8_t)(hi << 4 | lo));
            f += 2;
        }
    }
    return f;
}

static void put_fmt(bld *b, const char *f)
{
    f = put_fmt_until(b, f, '\0');
    assert_int_equal(*f, '\0');
}

/* TID 01, Push 06, HeadersLen, the headers, then the body: into g_pdu. */
static void mk_body(const char *headers, const char *body)
{
    bld *h = calloc(1, sizeof *h), *p = calloc(1, sizeof *p);
    size_t i;
    assert_non_null(h);
    assert_non_null(p);
    put_fmt(h, headers);
    put(p, 0x01);
    put(p, 0x06);
    put_uintvar(p, (uint32_t)h->n);
    g_body_off = p->n + h->n;
    for (i = 0; i < h->n; i++)
        put(p, h->b[i]);
    put_fmt(p, body);
    free(g_pdu);
    g_len = p->n;
    g_pdu = malloc(g_len ? g_len : 1); /* exact size: overreads are caught */
    assert_non_null(g_pdu);
    memcpy(g_pdu, p->b, g_len);
    free(h);
    free(p);
}

static void mk(const char *headers)
{
    mk_body(headers, BODY_HEX);
}

/* Parse a raw PDU given in the layout language, exactly as written. */
static cp_status parse_raw(const char *fmt, cp_push *p)
{
    bld *b = calloc(1, sizeof *b);
    assert_non_null(b);
    put_fmt(b, fmt);
    free(g_pdu);
    g_len = b->n;
    g_pdu = malloc(g_len ? g_len : 1);
    assert_non_null(g_pdu);
    memcpy(g_pdu, b->b, g_len);
    free(b);
    cp_push_init(p);
    return cp_wsp_parse_push(ctx, g_pdu, g_len, p);
}

static cp_status parse_mk(const char *headers, cp_push *p)
{
    mk(headers);
    cp_push_init(p);
    return cp_wsp_parse_push(ctx, g_pdu, g_len, p);
}

/* A successful parse of headers whose body is BODY_HEX where the layout says. */
static void parse_ok(const char *headers, cp_push *p)
{
    assert_int_equal(parse_mk(headers, p), CP_OK);
    assert_int_equal(p->body_offset, g_body_off);
    assert_ptr_equal(p->body, g_pdu + g_body_off);
    assert_int_equal(p->body_len, 6);
    assert_memory_equal(p->body, "\x03\x0B\x6A\x00\x45\x01", 6);
}

static void parse_fails(const char *headers, cp_status want)
{
    cp_push p;
    assert_int_equal(parse_mk(headers, &p), want);
    assert_int_equal(cp_ctx_error_code(ctx), want);
    assert_true(cp_ctx_error_offset(ctx) < g_len);
    assert_int_equal(p.sec, CP_SEC_NONE);
    assert_null(p.body);
}

/* ---- a tiny reader for the vector file ------------------------------------ */

static char *vec_text;

/* The n-th PDU object: [*a, *end). 0 when there is no such object. */
static int vec_obj(int n, const char **a, const char **end)
{
    const char *p = vec_text, *q;
    for (;;) {
        p = strstr(p, "\"id\"");
        if (p == NULL)
            return 0;
        if (n-- == 0)
            break;
        p += 4;
    }
    q = strstr(p + 4, "\"id\"");
    *a = p;
    *end = q ? q : p + strlen(p);
    return 1;
}

/* Position just after "key": in [a, end), or NULL. */
static const char *vec_key(const char *a, const char *end, const char *key)
{
    char pat[64];
    const char *p;
    snprintf(pat, sizeof pat, "\"%s\"", key);
    p = strstr(a, pat);
    if (p == NULL || p >= end)
        return NULL;
    p += strlen(pat);
    while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

enum { V_ABSENT, V_NULL, V_NUM, V_STR };

/* Kind of the value of key; a number goes to *num, a string to *str (malloc'd). */
static int vec_get(const char *a, const char *end, const char *key, long *num,
                   char **str)
{
    const char *p = vec_key(a, end, key), *q;
    if (p == NULL)
        return V_ABSENT;
    if (strncmp(p, "null", 4) == 0)
        return V_NULL;
    if (*p == '"') {
        q = strchr(p + 1, '"');
        assert_non_null(q);
        *str = calloc(1, (size_t)(q - p));
        assert_non_null(*str);
        memcpy(*str, p + 1, (size_t)(q - p - 1));
        return V_STR;
    }
    *num = strtol(p, NULL, 10);
    return V_NUM;
}

static size_t uintvar_len(long v)
{
    size_t n = 1;
    while (v >= 128) {
        v >>= 7;
        n++;
    }
    return n;
}

/* ---- fixtures -------------------------------------------------------------- */

static int setup(void **state)
{
    cp_config cfg;
    (void)state;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &talloc, 0);
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        return -1;
    vec_text = tu_read_vector_file(VEC);
    return vec_text ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    cp_ctx_free(ctx);
    free(vec_text);
    free(g_pdu);
    g_pdu = NULL;
    return talloc.live == 0 ? 0 : -1;
}

/* ---- the vectors ------------------------------------------------------------ */

typedef struct vexp {
    uint8_t *pdu;
    size_t len;
    long headers_len, body_offset;
} vexp;

/* Load vector n and check every expected field the vector gives. */
static void check_vector(const char *a, const char *end, vexp *v,
                         cp_push *p)
{
    char *hex = NULL, *s = NULL;
    long num = 0;
    int k;

    assert_int_equal(vec_get(a, end, "pdu_hex", &num, &hex), V_STR);
    v->pdu = tu_hex(hex, &v->len);
    free(hex);
    assert_non_null(v->pdu);
    assert_int_equal(vec_get(a, end, "headers_len", &v->headers_len, &s),
                     V_NUM);
    assert_int_equal(vec_get(a, end, "body_offset", &v->body_offset, &s),
                     V_NUM);
    /* The layout itself: TID, type, uintvar HeadersLen, headers. */
    assert_int_equal(v->body_offset,
                     2 + (long)uintvar_len(v->headers_len) + v->headers_len);

    cp_push_init(p);
    assert_int_equal(cp_wsp_parse_push(ctx, v->pdu, v->len, p), CP_OK);
    assert_int_equal(p->tid, v->pdu[0]);
    assert_int_equal(p->pdu_type, 0x06);
    assert_int_equal(p->body_offset, (size_t)v->body_offset);
    assert_ptr_equal(p->body, v->pdu + v->body_offset);
    assert_int_equal(p->body_len, v->len - (size_t)v->body_offset);
    /* Every provisioning body is WBXML: it starts with the version octet. */
    assert_true(p->body_len > 0 && p->body[0] == 0x03);

    if (vec_get(a, end, "body_len", &num, &s) == V_NUM)
        assert_int_equal(p->body_len, (size_t)num);
    k = vec_get(a, end, "content_type", &num, &s);
    if (k == V_STR) {
        assert_string_equal(p->media_type, s);
        free(s);
    }
    /* All vectors carry 0xB6 (protocol.md c.6, Kannel's layout). */
    assert_int_equal(p->content, CP_CONTENT_WBXML);
    assert_int_equal(p->content_code, 0x36);

    k = vec_get(a, end, "sec", &num, &s);
    assert_true(k == V_NUM || k == V_NULL);
    if (k == V_NUM) {
        assert_int_equal(p->sec, num);
        assert_int_equal(p->sec_raw, (uint32_t)num);
    } else {
        assert_int_equal(p->sec, CP_SEC_NONE);
    }
    k = vec_get(a, end, "mac", &num, &s);
    assert_true(k == V_STR || k == V_NULL);
    if (k == V_STR) {
        assert_true(p->has_mac);
        assert_int_equal(p->mac_len, strlen(s));
        assert_string_equal(p->mac, s);
        free(s);
    } else {
        assert_false(p->has_mac);
    }
    if (vec_get(a, end, "app_id", &num, &s) == V_NUM) {
        assert_true(p->has_app_id);
        assert_int_equal(p->app_id_code, (uint32_t)num);
        assert_null(p->app_id_text);
    } else {
        assert_false(p->has_app_id);
    }
    if (vec_get(a, end, "push_flag", &num, &s) == V_NUM)
        assert_int_equal(p->push_flag, num);
    else
        assert_int_equal(p->push_flag, -1);
    assert_null(p->initiator_uri);
}

static void test_vectors(void **state)
{
    const char *a, *end;
    int n;
    (void)state;
    for (n = 0; vec_obj(n, &a, &end); n++) {
        vexp v;
        cp_push p;
        long calls = talloc.calls;
        check_vector(a, end, &v, &p);
        assert_int_equal(talloc.calls, calls); /* no allocation */
        free(v.pdu);
    }
    assert_true(n >= 5);
}

/* Every prefix: an error before the body, a shorter body inside it. */
static void test_vectors_truncated(void **state)
{
    const char *a, *end;
    int n;
    (void)state;
    for (n = 0; vec_obj(n, &a, &end); n++) {
        vexp v;
        cp_push full, p;
        size_t cut;
        check_vector(a, end, &v, &full);
        for (cut = 0; cut < v.len; cut++) {
            uint8_t *c = malloc(cut ? cut : 1);
            cp_status st;
            assert_non_null(c);
            memcpy(c, v.pdu, cut);
            cp_push_init(&p);
            st = cp_wsp_parse_push(ctx, c, cut, &p);
            if (cut >= (size_t)v.body_offset) {
                assert_int_equal(st, CP_OK);
                assert_int_equal(p.body_offset, (size_t)v.body_offset);
                assert_int_equal(p.body_len, cut - (size_t)v.body_offset);
                assert_int_equal(p.sec, full.sec);
                assert_int_equal(p.has_mac, full.has_mac);
                assert_string_equal(p.mac, full.mac);
                assert_int_equal(p.push_flag, full.push_flag);
            } else {
                assert_int_equal(st, CP_E_TRUNCATED);
                assert_int_equal(cp_ctx_error_code(ctx), CP_E_TRUNCATED);
                assert_true(cp_ctx_error_offset(ctx) <= cut);
                assert_null(p.body);
                assert_int_equal(p.sec, CP_SEC_NONE);
            }
            free(c);
        }
        free(v.pdu);
    }
}

/* protocol.md c.3 example A: the NETWPIN push's MAC covers 03 0B 6A 00 45 01. */
static void test_netwpin_body_is_the_maced_bytes(void **state)
{
    const char *a, *end;
    vexp v;
    cp_push p;
    int n;
    (void)state;
    for (n = 0; vec_obj(n, &a, &end); n++)
        if (strncmp(vec_key(a, end, "id"), "\"push-netwpin\"", 14) == 0)
            break;
    assert_true(vec_obj(n, &a, &end));
    check_vector(a, end, &v, &p);
    assert_int_equal(p.body_len, 6);
    assert_memory_equal(p.body, "\x03\x0B\x6A\x00\x45\x01", 6);
    assert_string_equal(p.mac, MAC_B);
    free(v.pdu);
}

/* ---- content type forms ------------------------------------------------------ */

typedef struct ct_case {
    const char *headers;
    cp_content_kind kind;
    uint32_t code;
    const char *media;
    int sec;
} ct_case;

static void test_content_type_forms(void **state)
{
    static const ct_case cases[] = {
        /* Constrained-media, one Short-integer octet */
        {"B6", CP_CONTENT_WBXML, 0x36, WBXML_NAME, CP_SEC_NONE},
        {"B5", CP_CONTENT_XML, 0x35, XML_NAME, CP_SEC_NONE},
        {"A9", CP_CONTENT_OTHER, 0x29, "application/vnd.wap.wbxml", CP_SEC_NONE},
        {"C4", CP_CONTENT_OTHER, 0x44, "application/vnd.syncml.notification",
         CP_SEC_NONE},
        {"80", CP_CONTENT_OTHER, 0x00, "*/*", CP_SEC_NONE},
        /* Constrained-media, Extension-media text */
        {"'" WBXML_NAME "' 00", CP_CONTENT_WBXML, UINT32_MAX, WBXML_NAME,
         CP_SEC_NONE},
        {"'Application/VND.wap.Connectivity-WBXML' 00", CP_CONTENT_WBXML,
         UINT32_MAX, "Application/VND.wap.Connectivity-WBXML", CP_SEC_NONE},
        {"'" XML_NAME "' 00", CP_CONTENT_XML, UINT32_MAX, XML_NAME, CP_SEC_NONE},
        {"'application/x-foo' 00", CP_CONTENT_OTHER, UINT32_MAX,
         "application/x-foo", CP_SEC_NONE},
        /* Short-length form */
        {"03 B6 91 83", CP_CONTENT_WBXML, 0x36, WBXML_NAME, 3},
        {"01 B6", CP_CONTENT_WBXML, 0x36, WBXML_NAME, CP_SEC_NONE},
        {"03 02 00 36", CP_CONTENT_WBXML, 0x36, WBXML_NAME, CP_SEC_NONE},
        {"04 01 35 91 82", CP_CONTENT_XML, 0x35, XML_NAME, 2},
        {"03 02 02 01", CP_CONTENT_OTHER, 0x0201, "", CP_SEC_NONE},
        /* Length-quote form (uintvar 3: legal, if not minimal) */
        {"1F 03 B6 91 80", CP_CONTENT_WBXML, 0x36, WBXML_NAME, 0},
        {"1F 29 '" WBXML_NAME "' 00 91 82", CP_CONTENT_WBXML, UINT32_MAX,
         WBXML_NAME, 2},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cp_push p;
        print_message("case %lu: %s\n", (unsigned long)i, cases[i].headers);
        parse_ok(cases[i].headers, &p);
        assert_int_equal(p.content, cases[i].kind);
        assert_int_equal(p.content_code, cases[i].code);
        assert_string_equal(p.media_type, cases[i].media);
        assert_int_equal(p.sec, cases[i].sec);
        assert_false(p.has_mac);
    }
}

/* A signed header longer than 127 octets: Length-quote + 2-octet uintvar. */
static void test_length_quote_two_octets(void **state)
{
    char fmt[600], filler[201];
    cp_push p;
    (void)state;
    memset(filler, 'z', 200);
    filler[200] = '\0';
    snprintf(fmt, sizeof fmt, "{B6 'comment' 00 '%s' 00 91 81 92 '" MAC_A
                              "' 00} AF 80", filler);
    parse_ok(fmt, &p);
    /* TID, type, HeadersLen 81 xx, then 1F 81 xx: a two-octet uintvar. */
    assert_int_equal(g_pdu[2] & 0x80, 0x80);
    assert_int_equal(g_pdu[4], 0x1F);
    assert_int_equal(g_pdu[5] & 0x80, 0x80);
    assert_int_equal(p.sec, CP_SEC_USERPIN);
    assert_string_equal(p.mac, MAC_A);
    assert_true(p.has_app_id);
    assert_int_equal(p.app_id_code, 0);
}

/* "application/xxx...": a media type of exactly n characters. */
static void long_media(char *buf, size_t n)
{
    strcpy(buf, "application/");
    memset(buf + 12, 'x', n - 12);
    buf[n] = '\0';
}

/* media_type holds 95 characters; a longer media type is refused, not cut. */
static void test_media_length_limit(void **state)
{
    static const size_t lens[] = {95, 96, 97, 300};
    char media[400], fmt[500];
    size_t i;
    cp_push p;
    (void)state;
    assert_int_equal(CP_PUSH_MEDIA_MAX, 96);
    for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        int fits = lens[i] < CP_PUSH_MEDIA_MAX;
        long_media(media, lens[i]);
        snprintf(fmt, sizeof fmt, "'%s' 00", media);
        if (fits) {
            parse_ok(fmt, &p);
            assert_string_equal(p.media_type, media);
        } else {
            parse_fails(fmt, CP_E_MALFORMED);
        }
        snprintf(fmt, sizeof fmt, "{'%s' 00 91 81}", media);
        if (fits) {
            parse_ok(fmt, &p);
            assert_string_equal(p.media_type, media);
            assert_int_equal(p.sec, 1);
        } else {
            parse_fails(fmt, CP_E_MALFORMED);
        }
        snprintf(fmt, sizeof fmt, "%s; SEC=1", media);
        cp_push_init(&p);
        assert_int_equal(cp_wsp_parse_content_type_text(ctx, fmt, &p),
                         fits ? CP_OK : CP_E_MALFORMED);
        assert_string_equal(p.media_type, fits ? media : "");
    }
}

static void test_content_type_bad(void **state)
{
    (void)state;
    parse_fails("00", CP_E_MALFORMED);          /* Short-length 0: no media */
    parse_fails("{}", CP_E_MALFORMED);
    parse_fails("{00}", CP_E_MALFORMED);        /* media is not 0x00 */
    parse_fails("{'' 00 91 81}", CP_E_MALFORMED); /* empty media text */
    parse_fails("{1F}", CP_E_MALFORMED);
    parse_fails("{B6 00 81}", CP_E_MALFORMED);  /* a parameter cannot start 00 */
    parse_fails("{B6 1F 01 81}", CP_E_MALFORMED);
    parse_fails("{05 0102030405 B6}", CP_E_OVERFLOW); /* 40-bit media code */
    parse_fails("{B6 'SEC' 00}", CP_E_MALFORMED); /* untyped value missing */
    parse_fails("{B6 91}", CP_E_MALFORMED);       /* typed value missing */
}

/* ---- parameters ---------------------------------------------------------------- */

typedef struct param_case {
    const char *headers;
    int sec;
    const char *mac;
    uint32_t charset;
} param_case;

static void test_parameters(void **state)
{
    static const param_case cases[] = {
        /* Kannel's order, and the reverse */
        {"{B6 91 81 92 '" MAC_A "' 00}", 1, MAC_A, 0},
        {"{B6 92 '" MAC_A "' 00 91 81}", 1, MAC_A, 0},
        /* charset first: Short-integer 106 (UTF-8), then a Long-integer 1015 */
        {"{B6 81 EA 91 81 92 '" MAC_A "' 00}", 1, MAC_A, 106},
        {"{B6 81 02 03F7 91 80}", 0, NULL, 1015},
        {"{B5 92 '" MAC_B "' 00 81 EA 91 80}", 0, MAC_B, 106},
        /* typed MAC as Quoted-string; with a stray closing quote too */
        {"{B6 91 81 92 22 '" MAC_A "' 00}", 1, MAC_A, 0},
        {"{B6 91 81 92 22 '" MAC_A "' 22 00}", 1, MAC_A, 0},
        /* the token as a Long-integer: 01 11 = SEC */
        {"{B6 01 11 82}", 2, NULL, 0},
        /* untyped: names in any case, Integer-value or Text-value */
        {"{B6 'SEC' 00 81 'MAC' 00 '" MAC_A "' 00}", 1, MAC_A, 0},
        {"{B6 'sec' 00 '1' 00 'mac' 00 '" MAC_A "' 00}", 1, MAC_A, 0},
        {"{B6 'Sec' 00 'userpin' 00}", 1, NULL, 0},
        {"{B6 'SEC' 00 'USERNETWPIN' 00}", 2, NULL, 0},
        {"{B6 'sec' 00 22 'NETWPIN' 00}", 0, NULL, 0},
        {"{B6 'SEC' 00 'UserPinMac' 00}", 3, NULL, 0},
        {"{B6 'SEC' 00 01 03}", 3, NULL, 0},
        {"{B6 'mAc' 00 22 '" MAC_B "' 00 'sEc' 00 80}", 0, MAC_B, 0},
        {"{B6 'charset' 00 'utf-8' 00 'SEC' 00 '0' 00}", 0, NULL, 106},
        {"{B6 'Charset' 00 EA 91 80}", 0, NULL, 106},
        /* typed and untyped mixed */
        {"{B6 'MAC' 00 '" MAC_A "' 00 91 81}", 1, MAC_A, 0},
        /* unknown untyped parameters with each kind of value */
        {"{B6 'foo' 00 'bar' 00 'n' 00 85 'q' 00 02 0102 'e' 00 00 91 81}", 1,
         NULL, 0},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cp_push p;
        print_message("case %lu: %s\n", (unsigned long)i, cases[i].headers);
        parse_ok(cases[i].headers, &p);
        assert_int_equal(p.sec, cases[i].sec);
        assert_int_equal(p.sec_raw, (uint32_t)cases[i].sec);
        if (cases[i].mac) {
            assert_true(p.has_mac);
            assert_int_equal(p.mac_len, 40);
            assert_string_equal(p.mac, cases[i].mac);
        } else {
            assert_false(p.has_mac);
        }
        assert_int_equal(p.charset, cases[i].charset);
    }
}

typedef struct sec_case {
    const char *headers;
    uint32_t raw;
} sec_case;

/* SEC present but not 0..3: kept as invalid, never mapped to a method. */
static void test_sec_invalid(void **state)
{
    static const sec_case cases[] = {
        {"{B6 91 84 92 '" MAC_A "' 00}", 4},
        {"{B6 91 FF}", 127},
        {"{B6 91 '1' 00}", CP_SEC_RAW_UNREADABLE}, /* typed needs Short-integer */
        {"{B6 91 01 01}", CP_SEC_RAW_UNREADABLE},
        {"{B6 'SEC' 00 '7' 00}", 7},
        {"{B6 'SEC' 00 'BOGUS' 00}", CP_SEC_RAW_UNREADABLE},
        {"{B6 'SEC' 00 'USERPIN2' 00}", CP_SEC_RAW_UNREADABLE},
        {"{B6 'SEC' 00 '' 00}", CP_SEC_RAW_UNREADABLE},
        {"{B6 'SEC' 00 '-1' 00}", CP_SEC_RAW_UNREADABLE},
        {"{B6 'SEC' 00 '99999999999' 00}", CP_SEC_RAW_UNREADABLE},
        {"{B6 'SEC' 00 01 05}", 5},
        {"{B6 'SEC' 00 05 0100000001}", CP_SEC_RAW_UNREADABLE},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cp_push p;
        print_message("case %lu: %s\n", (unsigned long)i, cases[i].headers);
        parse_ok(cases[i].headers, &p);
        assert_int_equal(p.sec, CP_SEC_INVALID);
        assert_int_equal(p.sec_raw, cases[i].raw);
    }
}

typedef struct mac_case {
    const char *headers;
    size_t len;
    const char *kept;
} mac_case;

/* A MAC of another length is kept as sent, with its true length. */
static void test_mac_lengths(void **state)
{
    static const mac_case cases[] = {
        {"{B6 91 81 92 '" MAC_A "0' 00}", 41, MAC_A},
        {"{B6 91 81 92 'AA2DC41FC48AEEF3FED7351B1EE704461A8894D' 00}", 39,
         "AA2DC41FC48AEEF3FED7351B1EE704461A8894D"},
        {"{B6 91 81 92 '" MAC_A MAC_A "' 00}", 80, MAC_A},
        {"{B6 91 81 92 00}", 0, ""},
        {"{B6 91 81 92 22 00}", 0, ""},
        {"{B6 91 81 92 'aa2dc41fc48aeef3fed7351b1ee704461a8894d4' 00}", 40,
         "aa2dc41fc48aeef3fed7351b1ee704461a8894d4"},
        {"{B6 91 81 92 'not hex at all but forty characters long' 00}", 40,
         "not hex at all but forty characters long"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cp_push p;
        print_message("case %lu: %s\n", (unsigned long)i, cases[i].headers);
        parse_ok(cases[i].headers, &p);
        assert_true(p.has_mac);
        assert_int_equal(p.mac_len, cases[i].len);
        if (cases[i].len <= 40)
            assert_memory_equal(p.mac, cases[i].kept, strlen(cases[i].kept));
        else
            assert_string_equal(p.mac, cases[i].kept);
        assert_int_equal(strlen(p.mac), cases[i].len < 40 ? cases[i].len : 40);
    }
    parse_fails("{B6 91 81 92 81}", CP_E_MALFORMED); /* MAC not text */
    parse_fails("{B6 'MAC' 00 81}", CP_E_MALFORMED);
}

/* Every table-38 parameter, with a value of its type, before SEC and MAC. */
static void test_typed_parameter_skipping(void **state)
{
    static const char *const cases[] = {
        "{B6 80 05 91 81}",             /* Q: one octet (not a length!) */
        "{B6 80 83 31 91 81}",          /* Q: two octets */
        "{B6 82 91 91 81}",             /* level: Version-value short */
        "{B6 82 '1.2' 00 91 81}",       /* level: text */
        "{B6 83 02 0100 91 81}",        /* type: Integer-value */
        "{B6 84 03 010203 91 81}",      /* 0x04 unassigned: any value */
        "{B6 85 'n.txt' 00 91 81}",     /* name (1.1) */
        "{B6 86 'f' 00 91 81}",         /* filename (1.1) */
        "{B6 87 8D 91 81}",             /* differences: Field-name */
        "{B6 87 'X-Foo' 00 91 81}",
        "{B6 88 84 91 81}",             /* padding */
        "{B6 89 'a/b' 00 91 81}",       /* type: Constrained-encoding */
        "{B6 89 B6 91 81}",
        "{B6 8A 'x' 00 8B 'y' 00 8C 'c' 00 8D 'd' 00 91 81}",
        "{B6 8E 81 91 81}",             /* max-age: Delta-seconds */
        "{B6 8E 03 010203 91 81}",
        "{B6 8F '/p' 00 91 81}",        /* path (1.3) */
        "{B6 90 00 91 81}",             /* secure: No-value */
        "{B6 93 04 01020304 94 01 05 95 02 0102 91 81}", /* dates */
        "{B6 96 81 91 81}",             /* size */
        "{B6 97 22 'nm' 00 98 00 99 'st' 00 91 81}", /* Text-value 1.4 */
        "{B6 9A 'i' 00 9B 'c' 00 9C 'd' 00 9D 'p' 00 91 81}",
        "{B6 A5 'unknown token' 00 91 81}",   /* past the table */
        "{B6 FF 1F 02 0102 91 81}",
        "{B6 02 0100 81 91 81}",              /* Long-integer token 0x100 */
        "{B6 05 FFFFFFFFFF 81 91 81}",        /* token past 32 bits */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cp_push p;
        print_message("case %lu: %s\n", (unsigned long)i, cases[i]);
        parse_ok(cases[i], &p);
        assert_int_equal(p.sec, CP_SEC_USERPIN);
        assert_int_equal(p.content, CP_CONTENT_WBXML);
    }
}

static void test_typed_parameter_wrong_type(void **state)
{
    static const char *const cases[] = {
        "{B6 88 'x' 00 91 81}",       /* padding must be Short-integer */
        "{B6 90 81 91 81}",           /* secure must be No-value */
        "{B6 93 81 91 81}",           /* a date is a Long-integer */
        "{B6 80 81 81 01 91 81}",     /* Q-value of three octets */
        "{B6 83 'x' 00 91 81}",       /* type is an Integer-value */
        "{B6 85 81 91 81}",           /* name is a Text-string */
        "{B6 81 00 91 81}",           /* charset is an Integer-value */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("case %lu: %s\n", (unsigned long)i, cases[i]);
        parse_fails(cases[i], CP_E_MALFORMED);
    }
}

static void test_duplicates(void **state)
{
    (void)state;
    parse_fails("{B6 91 81 91 81}", CP_E_MALFORMED);
    parse_fails("{B6 91 81 'SEC' 00 '0' 00}", CP_E_MALFORMED);
    parse_fails("{B6 91 84 91 81}", CP_E_MALFORMED);
    parse_fails("{B6 92 '" MAC_A "' 00 'mac' 00 '" MAC_B "' 00}",
                CP_E_MALFORMED);
    parse_fails("B6 B4 81 B4 80", CP_E_MALFORMED);
    parse_fails("B6 B4 81 'Push-Flag' 00 '0' 00", CP_E_MALFORMED);
    parse_fails("B6 B1 'http://a/' 00 B1 'http://b/' 00", CP_E_MALFORMED);
    parse_fails("B6 AF 80 AF 82", CP_E_MALFORMED);
}

/* ---- headers ---------------------------------------------------------------------- */

static void test_push_headers(void **state)
{
    cp_push p;
    (void)state;
    parse_ok("{B6 91 81} AF 84 B1 'http://tps.example.com/cp' 00 B4 83", &p);
    assert_true(p.has_app_id);
    assert_int_equal(p.app_id_code, 4);
    assert_null(p.app_id_text);
    assert_string_equal(p.initiator_uri, "http://tps.example.com/cp");
    assert_true((const uint8_t *)p.initiator_uri > g_pdu &&
                (const uint8_t *)p.initiator_uri < g_pdu + g_body_off);
    assert_int_equal(p.push_flag, 3);

    parse_ok("B6 AF 02 9001", &p); /* x-oma-nec:otaprov.ua, a Long-integer */
    assert_int_equal(p.app_id_code, 0x9001);
    assert_int_equal(p.push_flag, -1);
    assert_null(p.initiator_uri);

    parse_ok("B6 AF 'x-wap-application:wml.ua' 00 B4 80", &p);
    assert_true(p.has_app_id);
    assert_int_equal(p.app_id_code, UINT32_MAX);
    assert_string_equal(p.app_id_text, "x-wap-application:wml.ua");
    assert_int_equal(p.push_flag, 0);

    /* the same headers sent as textual (Application-header) headers */
    parse_ok("B6 'X-WAP-Application-ID' 00 'x-wap-application:*' 00"
             " 'push-flag' 00 '1' 00 'x-wap-initiator-uri' 00 'http://a/' 00",
             &p);
    assert_string_equal(p.app_id_text, "x-wap-application:*");
    assert_int_equal(p.push_flag, 1);
    assert_string_equal(p.initiator_uri, "http://a/");

    /* a Text-string's Quote octet is not part of the text */
    parse_ok("B6 B1 7F 'http://q/' 00", &p);
    assert_string_equal(p.initiator_uri, "http://q/");

    parse_fails("B6 B4 'x' 00", CP_E_MALFORMED);
    parse_fails("B6 B4 01 01", CP_E_MALFORMED);
    parse_fails("B6 B1 81", CP_E_MALFORMED);
    parse_fails("B6 'Push-Flag' 00 '300' 00", CP_E_MALFORMED);
    parse_fails("B6 AF 00", CP_E_MALFORMED);
    parse_fails("B6 AF 05 0100000000", CP_E_OVERFLOW);
}

/* Headers that are not used are skipped by the generic value rules. */
static void test_extra_headers_skipped(void **state)
{
    cp_push p;
    (void)state;
    parse_ok("{B6 91 81 92 '" MAC_A "' 00}"
             " 8D 82"                      /* Content-Length: Short-integer */
             " 8D 02 01F4"                 /* Content-Length: Long-integer */
             " C3 95"                      /* Encoding-Version 1.5 */
             " C3 03 01 '1' 00"            /* Encoding-Version with a code page */
             " 8E 'http://x/doc' 00"       /* Content-Location */
             " 'X-Foo' 00 'bar' 00"        /* textual header */
             " 'X-Bar' 00 7F 'quoted' 00"
             " 7F 02 AF 80 B4 83 C5 1F 02 AABB" /* page 2: not our headers */
             " 01"                         /* short-cut shift back to page 1 */
             " B4 81 AF 82",
             &p);
    assert_int_equal(p.sec, CP_SEC_USERPIN);
    assert_string_equal(p.mac, MAC_A);
    assert_int_equal(p.push_flag, 1);
    assert_true(p.has_app_id);
    assert_int_equal(p.app_id_code, 2);

    /* in another page 0x2F / 0x34 are other headers */
    parse_ok("B6 05 AF 80 B4 81", &p);
    assert_false(p.has_app_id);
    assert_int_equal(p.push_flag, -1);
    parse_ok("B6 7F 10 AF 80 7F 01 B4 81", &p);
    assert_false(p.has_app_id);
    assert_int_equal(p.push_flag, 1);
    parse_ok("B6 7F 01 AF 84", &p);
    assert_int_equal(p.app_id_code, 4);
    /* a shift with nothing after it */
    parse_ok("B6 7F 02", &p);
}

/* The body starts at headers start + HeadersLen, whatever the last header is. */
static void test_body_at_headers_end(void **state)
{
    static const char *const cases[] = {
        "B6 C5 03 AABBCC",              /* unknown well-known, Value-length */
        "B6 C5 00",                     /* empty value */
        "B6 'X-Unknown' 00 'v' 00",     /* textual */
        "B6 E0 1F 05 0300B40000",       /* data that looks like headers and NULs */
        "B6 8D 85",
        "{B6 91 81} 7F 02 A0 'x' 00",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cp_push p;
        print_message("case %lu: %s\n", (unsigned long)i, cases[i]);
        parse_ok(cases[i], &p);
        assert_int_equal(p.push_flag, -1);
    }
}

static void test_value_past_headers_end(void **state)
{
    cp_push p;
    (void)state;
    /* HeadersLen 3 = B6 B1 'h': the URI's NUL is only in the body */
    assert_int_equal(parse_raw("01 06 03 B6 B1 'h' 'ttp://x/' 00 " BODY_HEX,
                               &p), CP_E_MALFORMED);
    assert_true(cp_ctx_error_offset(ctx) >= 3 && cp_ctx_error_offset(ctx) < 6);
    assert_null(p.initiator_uri);
    /* content type Value-length 45 but HeadersLen 5 */
    assert_int_equal(parse_raw("01 06 05 1F 2D B6 91 81 92 '" MAC_A "' 00 "
                               BODY_HEX, &p), CP_E_MALFORMED);
    assert_int_equal(cp_ctx_error_offset(ctx), 3);
    /* MAC text runs past the content type (03 B6 92 'A') */
    assert_int_equal(parse_raw("01 06 06 03 B6 92 'AA' 00 " BODY_HEX, &p),
                     CP_E_MALFORMED);
    /* a header's Value-length past the headers end */
    assert_int_equal(parse_raw("01 06 05 B6 8D 05 01 02 " BODY_HEX, &p),
                     CP_E_MALFORMED);
    /* Length-quote uintvar cut by the headers end */
    assert_int_equal(parse_raw("01 06 04 B6 C5 1F 81 " BODY_HEX, &p),
                     CP_E_MALFORMED);
    /* Shift-delimiter without its page */
    assert_int_equal(parse_raw("01 06 02 B6 7F " BODY_HEX, &p),
                     CP_E_MALFORMED);
    /* Long-integer app id cut */
    assert_int_equal(parse_raw("01 06 04 B6 AF 02 90 01 " BODY_HEX, &p),
                     CP_E_MALFORMED);
    /* textual header name without its value */
    assert_int_equal(parse_raw("01 06 05 B6 'X-A' 00 " BODY_HEX, &p),
                     CP_E_MALFORMED);
    /* a NUL where a header should start */
    assert_int_equal(parse_raw("01 06 02 B6 00 " BODY_HEX, &p), CP_E_MALFORMED);
}

static void test_headers_length(void **state)
{
    cp_push p;
    (void)state;
    /* HeadersLen larger than the PDU */
    assert_int_equal(parse_raw("01 06 05 B6 03", &p), CP_E_TRUNCATED);
    assert_int_equal(cp_ctx_error_offset(ctx), 2);
    assert_int_equal(parse_raw("01 06 8F FF FF FF 7F B6", &p), CP_E_TRUNCATED);
    /* uintvar of 6 octets */
    assert_int_equal(parse_raw("01 06 80 80 80 80 80 01 B6", &p),
                     CP_E_MALFORMED);
    assert_int_equal(cp_ctx_error_offset(ctx), 2);
    /* 5 octets, more than 32 bits */
    assert_int_equal(parse_raw("01 06 90 80 80 80 00 B6", &p), CP_E_OVERFLOW);
    /* HeadersLen cut */
    assert_int_equal(parse_raw("01 06 81", &p), CP_E_TRUNCATED);
    /* no content type */
    assert_int_equal(parse_raw("01 06 00 " BODY_HEX, &p), CP_E_MALFORMED);
    /* non-minimal uintvar 80 01 = 1: fine */
    assert_int_equal(parse_raw("01 06 80 01 B6 " BODY_HEX, &p), CP_OK);
    assert_int_equal(p.body_offset, 5);
    assert_int_equal(p.body_len, 6);
    /* no body at all */
    assert_int_equal(parse_raw("01 06 01 B6", &p), CP_OK);
    assert_int_equal(p.body_len, 0);
    assert_ptr_equal(p.body, g_pdu + 4);
}

static void test_pdu_type_and_args(void **state)
{
    cp_push p;
    static const uint8_t one[1] = {0x01};
    (void)state;
    assert_int_equal(parse_raw("01 07 01 B6 " BODY_HEX, &p), CP_E_UNSUPPORTED);
    assert_int_equal(cp_ctx_error_offset(ctx), 1);
    assert_int_equal(parse_raw("01 08 01 B6 " BODY_HEX, &p), CP_E_MALFORMED);
    assert_int_equal(parse_raw("01 05 01 B6 " BODY_HEX, &p), CP_E_MALFORMED);
    assert_int_equal(parse_raw("01 40 01 B6 " BODY_HEX, &p), CP_E_MALFORMED);
    assert_int_equal(parse_raw("", &p), CP_E_TRUNCATED);
    assert_int_equal(parse_raw("01", &p), CP_E_TRUNCATED);
    assert_int_equal(parse_raw("FF 06 01 B6 " BODY_HEX, &p), CP_OK);
    assert_int_equal(p.tid, 0xFF);

    cp_push_init(&p);
    assert_int_equal(cp_wsp_parse_push(ctx, NULL, 0, &p), CP_E_TRUNCATED);
    assert_int_equal(cp_wsp_parse_push(ctx, NULL, 3, &p), CP_E_INVALID_ARG);
    assert_int_equal(cp_wsp_parse_push(NULL, one, 1, &p), CP_E_INVALID_ARG);
    assert_int_equal(cp_wsp_parse_push(ctx, one, 1, NULL), CP_E_INVALID_ARG);
    p.struct_size = 0;
    assert_int_equal(cp_wsp_parse_push(ctx, one, 1, &p), CP_E_VERSION);
    p.struct_size = sizeof p - 1;
    assert_int_equal(cp_wsp_parse_push(ctx, one, 1, &p), CP_E_VERSION);
}

static void test_init_and_reset(void **state)
{
    cp_push p;
    (void)state;
    memset(&p, 0x5A, sizeof p);
    cp_push_init(&p);
    assert_int_equal(p.struct_size, sizeof p);
    assert_int_equal(p.content, CP_CONTENT_OTHER);
    assert_int_equal(p.content_code, UINT32_MAX);
    assert_string_equal(p.media_type, "");
    assert_int_equal(p.sec, CP_SEC_NONE);
    assert_false(p.has_mac);
    assert_false(p.has_app_id);
    assert_null(p.app_id_text);
    assert_null(p.initiator_uri);
    assert_int_equal(p.push_flag, -1);
    assert_null(p.body);
    assert_int_equal(p.body_len, 0);
    cp_push_init(NULL);

    /* a failed parse leaves no trace of an earlier one */
    parse_ok("{B6 91 81 92 '" MAC_A "' 00} B4 81 AF 80", &p);
    assert_int_equal(cp_wsp_parse_push(ctx, g_pdu, 3, &p), CP_E_TRUNCATED);
    assert_int_equal(p.struct_size, sizeof p);
    assert_int_equal(p.sec, CP_SEC_NONE);
    assert_false(p.has_mac);
    assert_int_equal(p.push_flag, -1);
    assert_false(p.has_app_id);
    assert_null(p.body);
}

/* ---- textual content type -------------------------------------------------------- */

typedef struct text_case {
    const char *text;
    cp_content_kind kind;
    const char *media;
    int sec;
    uint32_t raw;
    const char *mac; /* NULL: no MAC */
    size_t mac_len;
    uint32_t charset;
} text_case;

static void test_text_content_type(void **state)
{
    static const text_case cases[] = {
        {WBXML_NAME "; SEC=USERPIN; MAC=" MAC_A, CP_CONTENT_WBXML, WBXML_NAME,
         1, 1, MAC_A, 40, 0},
        {WBXML_NAME "; sec=0; mac=" MAC_B, CP_CONTENT_WBXML, WBXML_NAME, 0, 0,
         MAC_B, 40, 0},
        {WBXML_NAME ";SEC=usernetwpin", CP_CONTENT_WBXML, WBXML_NAME, 2, 2,
         NULL, 0, 0},
        {"  APPLICATION/Vnd.Wap.Connectivity-WBXML ;  SEC = 3 ; MAC = \"" MAC_A
         "\"  ", CP_CONTENT_WBXML, "APPLICATION/Vnd.Wap.Connectivity-WBXML", 3,
         3, MAC_A, 40, 0},
        {"\t" WBXML_NAME "\t;\tSec=UserPin\t", CP_CONTENT_WBXML, WBXML_NAME, 1,
         1, NULL, 0, 0},
        {XML_NAME "; charset=utf-8; SEC=USERPINMAC", CP_CONTENT_XML, XML_NAME,
         3, 3, NULL, 0, 106},
        {XML_NAME "; charset=\"ISO-8859-1\"", CP_CONTENT_XML, XML_NAME,
         CP_SEC_NONE, 0, NULL, 0, 4},
        {XML_NAME "; charset=klingon", CP_CONTENT_XML, XML_NAME, CP_SEC_NONE,
         0, NULL, 0, UINT32_MAX},
        {WBXML_NAME "; SEC=\"NETWPIN\"; MAC=\"" MAC_B "\"", CP_CONTENT_WBXML,
         WBXML_NAME, 0, 0, MAC_B, 40, 0},
        /* out of range or unreadable: invalid, never mapped */
        {WBXML_NAME "; SEC=7; MAC=" MAC_A, CP_CONTENT_WBXML, WBXML_NAME,
         CP_SEC_INVALID, 7, MAC_A, 40, 0},
        {WBXML_NAME "; SEC=4", CP_CONTENT_WBXML, WBXML_NAME, CP_SEC_INVALID, 4,
         NULL, 0, 0},
        {WBXML_NAME "; SEC=USERPINX", CP_CONTENT_WBXML, WBXML_NAME,
         CP_SEC_INVALID, UINT32_MAX, NULL, 0, 0},
        {WBXML_NAME "; SEC=", CP_CONTENT_WBXML, WBXML_NAME, CP_SEC_INVALID,
         UINT32_MAX, NULL, 0, 0},
        {WBXML_NAME "; SEC", CP_CONTENT_WBXML, WBXML_NAME, CP_SEC_INVALID,
         UINT32_MAX, NULL, 0, 0},
        {WBXML_NAME "; SEC=1 2", CP_CONTENT_WBXML, WBXML_NAME, CP_SEC_INVALID,
         UINT32_MAX, NULL, 0, 0},
        {WBXML_NAME "; SEC=01234567890123456789", CP_CONTENT_WBXML, WBXML_NAME,
         CP_SEC_INVALID, UINT32_MAX, NULL, 0, 0},
        /* SEC without MAC */
        {WBXML_NAME "; SEC=1", CP_CONTENT_WBXML, WBXML_NAME, 1, 1, NULL, 0, 0},
        {WBXML_NAME, CP_CONTENT_WBXML, WBXML_NAME, CP_SEC_NONE, 0, NULL, 0, 0},
        {WBXML_NAME ";", CP_CONTENT_WBXML, WBXML_NAME, CP_SEC_NONE, 0, NULL, 0,
         0},
        /* unknown parameters ignored, including quoted ';' */
        {WBXML_NAME "; foo=bar; x=\"a;b\"; flag; SEC=1;; y=z", CP_CONTENT_WBXML,
         WBXML_NAME, 1, 1, NULL, 0, 0},
        /* MACs of other forms kept as sent */
        {WBXML_NAME "; MAC=\"AA\\\"B\"", CP_CONTENT_WBXML, WBXML_NAME,
         CP_SEC_NONE, 0, "AA\"B", 4, 0},
        {WBXML_NAME "; MAC=" MAC_A "FF", CP_CONTENT_WBXML, WBXML_NAME,
         CP_SEC_NONE, 0, MAC_A, 42, 0},
        {WBXML_NAME "; MAC", CP_CONTENT_WBXML, WBXML_NAME, CP_SEC_NONE, 0, "",
         0, 0},
        {WBXML_NAME "; MAC=\"\"", CP_CONTENT_WBXML, WBXML_NAME, CP_SEC_NONE, 0,
         "", 0, 0},
        {"application/x-other; SEC=1", CP_CONTENT_OTHER, "application/x-other",
         1, 1, NULL, 0, 0},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cp_push p;
        const text_case *c = &cases[i];
        print_message("case %lu: %s\n", (unsigned long)i, c->text);
        cp_push_init(&p);
        p.push_flag = 3; /* not a content-type field: left alone */
        assert_int_equal(cp_wsp_parse_content_type_text(ctx, c->text, &p),
                         CP_OK);
        assert_int_equal(p.content, c->kind);
        assert_int_equal(p.content_code, UINT32_MAX);
        assert_string_equal(p.media_type, c->media);
        assert_int_equal(p.sec, c->sec);
        if (c->sec != CP_SEC_NONE)
            assert_int_equal(p.sec_raw, c->raw);
        assert_int_equal(p.has_mac, c->mac != NULL);
        if (c->mac) {
            assert_int_equal(p.mac_len, c->mac_len);
            assert_string_equal(p.mac, c->mac);
        }
        assert_int_equal(p.charset, c->charset);
        assert_int_equal(p.push_flag, 3);
    }
}

static void test_text_content_type_errors(void **state)
{
    static const char *const bad[] = {
        "",
        "   ",
        "application",
        "/x",
        "application/",
        "a/b/c",
        "a/b; MAC=\"abc",
        "a/b; MAC=\"abc\\",
        "a/b SEC=1",
        "a/b; =1",
        "a/b; SEC=1; sec=2",
        "a/b; MAC=x; Mac=y",
        "a/b; SEC=\x01",
        "a/b; MAC=\"a\x01\"",
        "a/b; MAC=\"x\" y",
        "a\x7f/b",
        "a/b; c\x01=d",
    };
    size_t i;
    cp_push p;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        print_message("case %lu: %s\n", (unsigned long)i, bad[i]);
        cp_push_init(&p);
        assert_int_equal(cp_wsp_parse_content_type_text(ctx, bad[i], &p),
                         CP_E_MALFORMED);
        assert_true(cp_ctx_error_offset(ctx) <= strlen(bad[i]));
        assert_int_equal(p.sec, CP_SEC_NONE);
        assert_false(p.has_mac);
        assert_string_equal(p.media_type, "");
    }
    cp_push_init(&p);
    assert_int_equal(cp_wsp_parse_content_type_text(ctx, NULL, &p),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_wsp_parse_content_type_text(ctx, "a/b", NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_wsp_parse_content_type_text(NULL, "a/b", &p),
                     CP_E_INVALID_ARG);
    p.struct_size = 8;
    assert_int_equal(cp_wsp_parse_content_type_text(ctx, "a/b", &p),
                     CP_E_VERSION);
}

static void test_sec_names(void **state)
{
    (void)state;
    assert_string_equal(cp_sec_name(CP_SEC_NETWPIN), "NETWPIN");
    assert_string_equal(cp_sec_name(0), "NETWPIN");
    assert_string_equal(cp_sec_name(1), "USERPIN");
    assert_string_equal(cp_sec_name(2), "USERNETWPIN");
    assert_string_equal(cp_sec_name(3), "USERPINMAC");
    assert_string_equal(cp_sec_name(CP_SEC_NONE), "none");
    assert_string_equal(cp_sec_name(CP_SEC_INVALID), "invalid");
    assert_string_equal(cp_sec_name(4), "invalid");
    assert_string_equal(cp_sec_name(-3), "invalid");
    assert_int_equal(CP_SEC_NONE, -1);
    assert_int_equal(CP_SEC_INVALID, -2);
}

/* ---- short and long forms agree ------------------------------------------ */

/*
 * The parser takes the common shapes on short paths: a Short-integer media
 * code or parameter token, a one-octet uintvar. The same content type
 * written with the long forms (Long-integer media and tokens, Value-length
 * and HeadersLen as uintvars padded with a leading 0x80) goes the general
 * way; both must give the same result, field by field, error code and
 * message, over generated content types, malformed ones included.
 */

/* Parameter values: the octets after the token; text gets a NUL. */
static const char *const eq_values[] = {
    "\x80", "\x81", "\x84", "\xFF",              /* Short-integer */
    "", "USERPIN", "1", "\"3", "x", "utf-8",     /* text; "" = No-value */
    "AA2DC41FC48AEEF3FED7351B1EE704461A8894D4",  /* a 40-char MAC */
    "\"AA2DC41FC48AEEF3FED7351B1EE704461A8894D4\"", "AA2D", "\x7F\x80q"};
#define EQ_TEXT_FROM 4
#define EQ_VALUES (sizeof eq_values / sizeof eq_values[0])

/*
 * Tokens: charset, level, secure, SEC, MAC, creation-date, size, name,
 * one past table 38. Not Q: its uintvar value runs on into the next
 * octet when it has bit 7 set, so the token after it changes its meaning.
 */
static const uint8_t eq_tokens[] = {0x01, 0x02, 0x10, 0x11, 0x12,
                                    0x13, 0x16, 0x17, 0x40};

typedef struct eq_case {
    uint8_t media;
    int nparams;
    uint8_t tok[4];
    size_t val[4];
    size_t cut; /* octets cut off the end of the last value */
} eq_case;

static uint32_t eq_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

static size_t eq_value_len(size_t v)
{
    return strlen(eq_values[v]) + (v >= EQ_TEXT_FROM ? 1 : 0);
}

static void eq_draw(uint32_t *seed, eq_case *c)
{
    static const uint8_t media[] = {0x36, 0x35, 0x00, 0x7F, 0x2A};
    int i;
    c->media = media[eq_rand(seed) % sizeof media];
    c->nparams = (int)(eq_rand(seed) % 4);
    for (i = 0; i < c->nparams; i++) {
        c->tok[i] = eq_tokens[eq_rand(seed) % sizeof eq_tokens];
        c->val[i] = eq_rand(seed) % EQ_VALUES;
    }
    c->cut = 0;
    if (c->nparams > 0 && eq_rand(seed) % 4 == 0) /* never into a token */
        c->cut = 1 + eq_rand(seed) % eq_value_len(c->val[c->nparams - 1]);
}

/* Integer-value v: Short-integer, or a one-octet Long-integer. */
static void eq_put_int(bld *b, uint8_t v, int long_form)
{
    if (long_form)
        put(b, 0x01);
    put(b, long_form ? v : (uint8_t)(0x80 | v));
}

/* A uintvar, padded with a leading 0x80 in the long form. */
static void eq_put_uintvar(bld *b, size_t v, int long_form)
{
    if (long_form)
        put(b, 0x80);
    put_uintvar(b, (uint32_t)v);
}

/* The PDU of c in the short or the long form, into g_pdu. */
static void eq_build(const eq_case *c, int long_form)
{
    bld *ct = calloc(1, sizeof *ct), *h = calloc(1, sizeof *h),
        *p = calloc(1, sizeof *p);
    size_t i, n;
    assert_true(ct && h && p);
    eq_put_int(ct, c->media, long_form);
    for (i = 0; i < (size_t)c->nparams; i++) {
        eq_put_int(ct, c->tok[i], long_form);
        for (n = 0; n < eq_value_len(c->val[i]); n++)
            put(ct, (uint8_t)eq_values[c->val[i]][n]);
    }
    ct->n -= c->cut;
    if (!long_form && c->nparams == 0) {
        put(h, ct->b[0]); /* the bare Short-integer content type */
    } else {
        if (long_form) {
            put(h, 0x1F);
            eq_put_uintvar(h, ct->n, 1);
        } else {
            put_value_length(h, ct->n);
        }
        for (i = 0; i < ct->n; i++)
            put(h, ct->b[i]);
    }
    put(h, 0xB4); /* Push-Flag 1: a header after the content type */
    put(h, 0x81);
    put(p, 0x01);
    put(p, 0x06);
    eq_put_uintvar(p, h->n, long_form);
    for (i = 0; i < h->n; i++)
        put(p, h->b[i]);
    put_fmt(p, BODY_HEX);
    free(g_pdu);
    g_len = p->n;
    g_pdu = malloc(g_len);
    assert_non_null(g_pdu);
    memcpy(g_pdu, p->b, g_len);
    free(ct);
    free(h);
    free(p);
}

typedef struct eq_result {
    cp_status st;
    char msg[160];
    cp_push p;
} eq_result;

static void eq_parse(const eq_case *c, int long_form, eq_result *r)
{
    eq_build(c, long_form);
    cp_ctx_clear_error(ctx);
    cp_push_init(&r->p);
    r->st = cp_wsp_parse_push(ctx, g_pdu, g_len, &r->p);
    snprintf(r->msg, sizeof r->msg, "%s",
             r->st == CP_OK ? "" : cp_ctx_error_message(ctx));
    if (r->st == CP_OK) { /* the body: the same octets, not the same place */
        assert_int_equal(r->p.body_len, 6);
        assert_memory_equal(r->p.body, "\x03\x0B\x6A\x00\x45\x01", 6);
    } else {
        assert_null(r->p.body);
    }
}

/* The fields the content type and the headers set, equal in a and b. */
static void same_content(const cp_push *a, const cp_push *b)
{
    assert_int_equal(a->content, b->content);
    assert_int_equal(a->content_code, b->content_code);
    assert_string_equal(a->media_type, b->media_type);
    assert_int_equal(a->charset, b->charset);
    assert_int_equal(a->sec, b->sec);
    assert_int_equal(a->sec_raw, b->sec_raw);
    assert_int_equal(a->has_mac, b->has_mac);
    assert_int_equal(a->mac_len, b->mac_len);
    assert_string_equal(a->mac, b->mac);
    assert_int_equal(a->push_flag, b->push_flag);
    assert_int_equal(a->has_app_id, b->has_app_id);
    assert_int_equal(a->app_id_code, b->app_id_code);
}

static void test_short_and_long_forms_agree(void **state)
{
    uint32_t seed = 18;
    int i, ok = 0;
    (void)state;
    for (i = 0; i < 3000; i++) {
        eq_case c;
        eq_result *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
        assert_true(a && b);
        eq_draw(&seed, &c);
        eq_parse(&c, 0, a);
        eq_parse(&c, 1, b);
        assert_int_equal(a->st, b->st);
        assert_string_equal(a->msg, b->msg);
        same_content(&a->p, &b->p);
        ok += a->st == CP_OK;
        free(a);
        free(b);
    }
    /* both outcomes were tried, and plenty of each */
    assert_true(ok > 300 && ok < 2700);
}

/*
 * A caller's struct of this layout is parsed into straight; a newer
 * caller's larger one through a copy of the part this library knows, its
 * tail untouched. Both get the same, after a success and after a failure.
 */
static void test_larger_struct_parses_alike(void **state)
{
    union {
        cp_push p;
        unsigned char b[sizeof(cp_push) + 32];
    } big;
    cp_push cur;
    size_t i;
    (void)state;
    memset(&big, 0xA5, sizeof big);
    cp_push_init_size(&big.p, sizeof big);
    memset(big.b + sizeof(cp_push), 0x5A, sizeof big - sizeof(cp_push));
    parse_ok("{B6 91 81 92 '" MAC_A "' 00} B4 81 AF 80", &cur);
    assert_int_equal(cp_wsp_parse_push(ctx, g_pdu, g_len, &big.p), CP_OK);
    assert_int_equal(big.p.struct_size, sizeof big);
    same_content(&big.p, &cur);
    assert_ptr_equal(big.p.body, cur.body);
    assert_int_equal(big.p.body_len, cur.body_len);
    assert_int_equal(big.p.body_offset, cur.body_offset);
    /* a failed parse: both back to the defaults */
    assert_int_equal(cp_wsp_parse_push(ctx, g_pdu, 3, &big.p), CP_E_TRUNCATED);
    assert_int_equal(cp_wsp_parse_push(ctx, g_pdu, 3, &cur), CP_E_TRUNCATED);
    assert_int_equal(big.p.struct_size, sizeof big);
    same_content(&big.p, &cur);
    assert_int_equal(big.p.sec, CP_SEC_NONE);
    assert_null(big.p.body);
    for (i = sizeof(cp_push); i < sizeof big; i++)
        assert_int_equal(big.b[i], 0x5A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_vectors_truncated),
        cmocka_unit_test(test_netwpin_body_is_the_maced_bytes),
        cmocka_unit_test(test_content_type_forms),
        cmocka_unit_test(test_length_quote_two_octets),
        cmocka_unit_test(test_media_length_limit),
        cmocka_unit_test(test_content_type_bad),
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_sec_invalid),
        cmocka_unit_test(test_mac_lengths),
        cmocka_unit_test(test_typed_parameter_skipping),
        cmocka_unit_test(test_typed_parameter_wrong_type),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_push_headers),
        cmocka_unit_test(test_extra_headers_skipped),
        cmocka_unit_test(test_body_at_headers_end),
        cmocka_unit_test(test_value_past_headers_end),
        cmocka_unit_test(test_headers_length),
        cmocka_unit_test(test_pdu_type_and_args),
        cmocka_unit_test(test_init_and_reset),
        cmocka_unit_test(test_text_content_type),
        cmocka_unit_test(test_text_content_type_errors),
        cmocka_unit_test(test_sec_names),
        cmocka_unit_test(test_short_and_long_forms_agree),
        cmocka_unit_test(test_larger_struct_parses_alike),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
