/*
 * test_wbxml.c - the WBXML PROV codec: decoder, encoder and token tables.
 *
 * Expectations come from the shared vectors (bytes + XML read from public
 * sources) and from an independent copy of the token tables of
 * protocol.md b.3-b.6 below, not from the library's own tables.
 *
 * Byte strings are written in a small notation: hex octets separated by
 * blanks, and 'text' for the ASCII bytes of text (no NUL added).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/runxml.h"
#include "support/testutil.h"
#include "codec/prov.h"

/* ---- helpers ------------------------------------------------------------ */

#define MAXB 8192

typedef struct bytes {
    uint8_t b[MAXB];
    size_t n;
} bytes;

static void put(bytes *o, unsigned x)
{
    assert_true(o->n < MAXB);
    o->b[o->n++] = (uint8_t)x;
}

/* Append spec (hex octets and 'text') to o. */
static void add(bytes *o, const char *spec)
{
    const char *p = spec;
    while (*p) {
        if (*p == ' ') {
            p++;
        } else if (*p == '\'') {
            for (p++; *p && *p != '\''; p++)
                put(o, (uint8_t)*p);
            assert_int_equal(*p, '\'');
            p++;
        } else {
            int hi = tu_hexval(p[0]), lo = tu_hexval(p[1]);
            assert_true(hi >= 0 && lo >= 0);
            put(o, (unsigned)(hi << 4 | lo));
            p += 2;
        }
    }
}

static void set(bytes *o, const char *spec)
{
    o->n = 0;
    add(o, spec);
}

/* The canonical serializer writes into a tu_sbuf. */
typedef tu_sbuf sb;

static void sb_esc(sb *s, const char *t)
{
    for (; *t; t++) {
        switch (*t) {
        case '&': tu_sb_put(s, "&amp;"); break;
        case '<': tu_sb_put(s, "&lt;"); break;
        case '>': tu_sb_put(s, "&gt;"); break;
        case '"': tu_sb_put(s, "&quot;"); break;
        default: tu_sb_putn(s, t, 1); break;
        }
    }
}

static int parm_form(cp_node_kind k)
{
    return k == CP_NODE_PARM || k == CP_NODE_PARM_QUERY ||
           k == CP_NODE_NOPARM || k == CP_NODE_PARM_ERROR ||
           k == CP_NODE_PARM_QUERY_ERROR || k == CP_NODE_NOPARM_ERROR;
}

static void open_tag(sb *s, const cp_node *n)
{
    int a;
    tu_sb_put(s, "<");
    tu_sb_put(s, cp_node_kind_name(cp_node_get_kind(n)));
    for (a = 0; a < CP_ATTR_COUNT; a++) {
        const char *v = cp_node_attr(n, (cp_attr)a);
        if (v == NULL)
            continue;
        tu_sb_put(s, " ");
        tu_sb_put(s, cp_attr_name((cp_attr)a));
        tu_sb_put(s, "=\"");
        sb_esc(s, v);
        tu_sb_put(s, "\"");
    }
    tu_sb_put(s, parm_form(cp_node_get_kind(n)) && !cp_node_first_child(n)
                   ? "/>"
                   : ">");
}

static void close_tag(sb *s, const cp_node *n)
{
    tu_sb_put(s, "</");
    tu_sb_put(s, cp_node_kind_name(cp_node_get_kind(n)));
    tu_sb_put(s, ">");
}

/* The canonical XML of doc (malloc'd), from the public read API only. */
static char *canon(const cp_doc *doc)
{
    sb s = {NULL, 0, 0};
    const cp_node *root = cp_doc_root(doc), *n = root;
    tu_sb_put(&s, "");
    for (;;) {
        open_tag(&s, n);
        if (cp_node_first_child(n)) {
            n = cp_node_first_child(n);
            continue;
        }
        if (!parm_form(cp_node_get_kind(n)))
            close_tag(&s, n);
        for (;;) {
            if (n == root)
                return s.p;
            if (cp_node_next(n)) {
                n = cp_node_next(n);
                break;
            }
            n = cp_node_parent(n);
            close_tag(&s, n);
        }
    }
}

/* A context with the counting allocator and optional limits. */
static cp_ctx *mkctx(tu_alloc *t, const cp_limits *lim)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, t, 0);
    if (lim)
        cfg.limits = *lim;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    return ctx;
}

static void endctx(cp_ctx *ctx, tu_alloc *t)
{
    cp_ctx_free(ctx);
    assert_int_equal(t->live, 0);
}

/*
 * Decode b with limits lim; check the status, and on success the canonical
 * XML (when xml != NULL). Checks that nothing leaks. Returns the error
 * offset (or CP_NO_OFFSET).
 */
static size_t check_dec(const char *title, const cp_limits *lim,
                        const bytes *b, cp_status want, const char *xml)
{
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, lim);
    cp_doc *doc = (cp_doc *)1;
    size_t off;
    cp_status st = cp_doc_decode_wbxml(ctx, b->b, b->n, &doc);
    if (st != want)
        print_error("%s: got %d (%s: %s), want %d\n", title, st,
                    cp_strerror(st), cp_ctx_error_message(ctx), want);
    assert_int_equal(st, want);
    if (st != CP_OK) {
        assert_null(doc);
        assert_int_equal(cp_ctx_error_code(ctx), st);
        assert_true(cp_ctx_error_message(ctx)[0] != '\0');
    } else {
        assert_non_null(doc);
        if (xml) {
            char *got = canon(doc);
            if (strcmp(got, xml) != 0)
                print_error("%s:\n got  %s\n want %s\n", title, got, xml);
            assert_string_equal(got, xml);
            free(got);
        }
    }
    off = cp_ctx_error_offset(ctx);
    cp_doc_free(doc);
    endctx(ctx, &t);
    return st == CP_OK ? CP_NO_OFFSET : off;
}

static size_t check_spec(const char *spec, cp_status want, const char *xml)
{
    bytes b;
    set(&b, spec);
    return check_dec(spec, NULL, &b, want, xml);
}

/* The vectors that carry a WBXML document. */
static const char *const doc_vectors[] = {
    "doc_provcont_appc_example.json", "doc_cht_operator_codepage.json",
    "doc_nowsms_strtbl.json", "doc_minimal_empty.json",
    "doc_gecko_vendorconfig_truncated.json"};
#define N_VECTORS (sizeof doc_vectors / sizeof *doc_vectors)
#define LARGEST "doc_cht_operator_codepage.json"

static uint8_t *vector_bytes(const char *file, size_t *len)
{
    char *hex = tu_vector_field(file, "wbxml_hex");
    uint8_t *b;
    assert_non_null(hex);
    b = tu_hex(hex, len);
    assert_non_null(b);
    free(hex);
    return b;
}

static cp_doc *decode_ok(cp_ctx *ctx, const uint8_t *b, size_t n)
{
    cp_doc *doc = NULL;
    cp_status st = cp_doc_decode_wbxml(ctx, b, n, &doc);
    if (st)
        print_error("decode: %s\n", cp_ctx_error_message(ctx));
    assert_int_equal(st, CP_OK);
    return doc;
}

/* Header: WBXML 1.3, PROV, UTF-8, empty string table. */
#define H0 "03 0B 6A 00 "
/* ... and with  wap-provisioningdoc characteristic-query mwid version  in the table. */
#define HT "03 0B 6A 36 'wap-provisioningdoc' 00 'characteristic-query' 00 'mwid' 00 'version' 00 "
#define EMPTY_DOC "<wap-provisioningdoc></wap-provisioningdoc>"

/* ---- vectors ------------------------------------------------------------ */

static void test_vectors_decode(void **state)
{
    size_t i;
    int checked = 0;
    (void)state;
    for (i = 0; i < N_VECTORS; i++) {
        char *xml = tu_vector_field(doc_vectors[i], "xml");
        bytes b;
        uint8_t *raw;
        if (xml == NULL)
            continue; /* the truncated vector has no XML */
        raw = vector_bytes(doc_vectors[i], &b.n);
        assert_true(b.n <= MAXB);
        memcpy(b.b, raw, b.n);
        check_dec(doc_vectors[i], NULL, &b, CP_OK, xml);
        free(raw);
        free(xml);
        checked++;
    }
    assert_int_equal(checked, 4);
}

static void test_vector_truncated(void **state)
{
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, NULL);
    size_t n;
    uint8_t *b = vector_bytes("doc_gecko_vendorconfig_truncated.json", &n);
    cp_doc *doc = (cp_doc *)1;
    (void)state;
    assert_int_equal(cp_doc_decode_wbxml(ctx, b, n, &doc), CP_E_TRUNCATED);
    assert_null(doc);
    assert_int_equal(cp_ctx_error_offset(ctx), n);
    assert_string_equal(cp_ctx_error_path(ctx), "/wap-provisioningdoc");
    free(b);
    endctx(ctx, &t);
}

/* Every vector cut at every length fails cleanly, with CP_E_TRUNCATED. */
static void test_vectors_every_prefix(void **state)
{
    size_t i, len, n;
    (void)state;
    for (i = 0; i < N_VECTORS; i++) {
        uint8_t *b = vector_bytes(doc_vectors[i], &n);
        tu_alloc t;
        cp_ctx *ctx = mkctx(&t, NULL);
        for (len = 0; len < n; len++) {
            cp_doc *doc = (cp_doc *)1;
            cp_status st = cp_doc_decode_wbxml(ctx, b, len, &doc);
            if (st != CP_E_TRUNCATED)
                print_error("%s cut at %lu: %d %s\n", doc_vectors[i],
                            (unsigned long)len, st, cp_ctx_error_message(ctx));
            assert_int_equal(st, CP_E_TRUNCATED);
            assert_null(doc);
            assert_true(cp_ctx_error_offset(ctx) <= len);
            assert_int_equal(t.live, 1); /* only the ctx */
        }
        endctx(ctx, &t);
        free(b);
    }
}

/* Round trip: vector -> doc -> WBXML (both string-table modes) -> same doc. */
static void test_vectors_roundtrip(void **state)
{
    static const unsigned modes[2] = {0, CP_WBXML_NO_STRING_TABLE};
    size_t i, m, n, wn;
    (void)state;
    for (i = 0; i < N_VECTORS - 1; i++) {
        uint8_t *b = vector_bytes(doc_vectors[i], &n), *w;
        tu_alloc t;
        cp_ctx *ctx = mkctx(&t, NULL);
        cp_doc *doc = decode_ok(ctx, b, n), *again;
        char *x1 = canon(doc), *x2;
        for (m = 0; m < 2; m++) {
            assert_int_equal(cp_doc_encode_wbxml(ctx, doc, modes[m], &w, &wn),
                             CP_OK);
            assert_true(wn >= 5);
            assert_memory_equal(w, "\x03\x0B\x6A", 3);
            if (modes[m])
                assert_int_equal(w[3], 0); /* no names without tokens here */
            again = decode_ok(ctx, w, wn);
            x2 = canon(again);
            assert_string_equal(x1, x2);
            free(x2);
            cp_doc_free(again);
            cp_free(ctx, w);
        }
        free(x1);
        cp_doc_free(doc);
        endctx(ctx, &t);
        free(b);
    }
}

/*
 * Every octet of the two big vectors replaced by each global token, by
 * tokens around them and by near values: the decoder never crashes or
 * leaks, and whatever it accepts re-encodes to the same document.
 */
static void test_vectors_mutated(void **state)
{
    static const char *const files[2] = {"doc_provcont_appc_example.json",
                                         LARGEST};
    static const uint8_t vals[] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x3F, 0x40, 0x41,
        0x43, 0x44, 0x45, 0x46, 0x7F, 0x80, 0x83, 0x84, 0x85, 0x86, 0x87,
        0xC0, 0xC3, 0xC4, 0xC5, 0xC6, 0xFF};
    size_t f, pos, n, wn, ok = 0, v;
    (void)state;
    for (f = 0; f < 2; f++) {
        uint8_t *b = vector_bytes(files[f], &n), *w;
        tu_alloc t;
        cp_ctx *ctx = mkctx(&t, NULL);
        for (pos = 0; pos < n; pos++) {
            uint8_t orig = b[pos];
            for (v = 0; v < sizeof vals + 2; v++) {
                cp_doc *doc = NULL, *again;
                cp_status st;
                b[pos] = v < sizeof vals ? vals[v]
                                         : (uint8_t)(orig ^ (v == sizeof vals ? 0x01 : 0x80));
                st = cp_doc_decode_wbxml(ctx, b, n, &doc);
                if (st != CP_OK) {
                    assert_true(st < 0);
                    assert_null(doc);
                    continue;
                }
                ok++;
                assert_int_equal(cp_doc_encode_wbxml(ctx, doc, 0, &w, &wn), CP_OK);
                again = decode_ok(ctx, w, wn);
                {
                    char *x1 = canon(doc), *x2 = canon(again);
                    assert_string_equal(x1, x2);
                    free(x1);
                    free(x2);
                }
                cp_doc_free(again);
                cp_doc_free(doc);
                cp_free(ctx, w);
            }
            b[pos] = orig;
            assert_int_equal(t.live, 1);
        }
        endctx(ctx, &t);
        free(b);
    }
    assert_true(ok > 100); /* text bytes can change freely */
}

/* ---- global tokens at every place ---------------------------------------- */

typedef struct gcase {
    const char *spec;
    cp_status want;
    const char *xml;
} gcase;

#define CQ_X "<wap-provisioningdoc><characteristic-query type=\"X\"></characteristic-query></wap-provisioningdoc>"

static const gcase global_cases[] = {
    /* before the root element */
    {HT "00 00 45 01", CP_OK, EMPTY_DOC},
    {HT "01 45 01", CP_E_MALFORMED, NULL},
    {HT "02 41 45 01", CP_E_MALFORMED, NULL},
    {HT "03 'x' 00 45 01", CP_E_MALFORMED, NULL},
    {HT "04 00", CP_OK, EMPTY_DOC},
    {HT "43 05 03 'x' 00 01 45 01", CP_OK, EMPTY_DOC},
    {HT "44 00 01", CP_OK, EMPTY_DOC},
    {HT "83 00 45 01", CP_E_MALFORMED, NULL},
    {HT "84 00 46 01", CP_OK, "<wap-provisioningdoc version=\"1.0\"></wap-provisioningdoc>"},
    {HT "C3 01 'x' 45 01", CP_E_MALFORMED, NULL},
    {HT "C4 00 46 01 01", CP_OK, "<wap-provisioningdoc version=\"1.0\"></wap-provisioningdoc>"},
    /* in an attribute list, where an attribute start is expected */
    {HT "C5 00 00 46 01 01", CP_OK, "<wap-provisioningdoc version=\"1.0\"></wap-provisioningdoc>"},
    {HT "C5 01 01", CP_OK, EMPTY_DOC},
    {HT "C5 02 41 01 01", CP_E_MALFORMED, NULL},
    {HT "C5 03 'x' 00 01 01", CP_E_MALFORMED, NULL},
    {HT "C5 04 2E 03 '1.1' 00 01 01", CP_OK, "<wap-provisioningdoc version=\"1.1\"></wap-provisioningdoc>"},
    {HT "C5 43 05 01 01 01", CP_E_UNKNOWN_TOKEN, NULL},
    {HT "C5 44 00 01 01", CP_E_UNKNOWN_TOKEN, NULL},
    {HT "C5 83 00 01 01", CP_E_MALFORMED, NULL},
    {HT "C5 84 00 01 01", CP_E_UNKNOWN_TOKEN, NULL},
    {HT "C5 C3 01 'x' 01 01", CP_E_MALFORMED, NULL},
    {HT "C5 C4 00 01 01", CP_E_UNKNOWN_TOKEN, NULL},
    {HT "C5 85 01 01", CP_E_MALFORMED, NULL}, /* a value token, no attribute */
    /* in an attribute list, after an attribute start (value position) */
    {HT "C5 45 00 01 8D 01 01", CP_OK, "<wap-provisioningdoc version=\"APPSRV\"></wap-provisioningdoc>"},
    {HT "C5 45 01 01", CP_OK, "<wap-provisioningdoc version=\"\"></wap-provisioningdoc>"},
    {HT "C5 45 02 41 01 01", CP_OK, "<wap-provisioningdoc version=\"A\"></wap-provisioningdoc>"},
    {HT "C5 45 03 '1.1' 00 01 01", CP_OK, "<wap-provisioningdoc version=\"1.1\"></wap-provisioningdoc>"},
    {HT "C5 45 04 2E 01 01", CP_E_MALFORMED, NULL}, /* version twice */
    {HT "45 86 50 03 'X' 00 04 29 03 'm' 00 01 01",
     CP_OK, "<wap-provisioningdoc><characteristic type=\"X\" mwid=\"m\"></characteristic></wap-provisioningdoc>"},
    {HT "C5 45 43 05 01 01 01", CP_E_UNKNOWN_TOKEN, NULL},
    {HT "C5 45 44 00 01 01", CP_E_UNKNOWN_TOKEN, NULL},
    {HT "C5 45 83 2E 01 01", CP_OK, "<wap-provisioningdoc version=\"version\"></wap-provisioningdoc>"},
    {HT "C5 45 84 00 01 01", CP_E_UNKNOWN_TOKEN, NULL},
    {HT "C5 45 C3 03 '1.2' 01 01", CP_OK, "<wap-provisioningdoc version=\"1.2\"></wap-provisioningdoc>"},
    {HT "C5 45 C4 00 01 01", CP_E_UNKNOWN_TOKEN, NULL},
    /* element content */
    {HT "45 00 01 C6 55 01 01 01", CP_OK,
     "<wap-provisioningdoc><characteristic type=\"NAPDEF\"></characteristic></wap-provisioningdoc>"},
    {HT "45 01", CP_OK, EMPTY_DOC},
    {HT "45 02 41 01", CP_E_GRAMMAR, NULL},
    {HT "45 03 'x' 00 01", CP_E_GRAMMAR, NULL},
    {HT "45 04 14 01", CP_E_GRAMMAR, NULL}, /* characteristic-query needs a type */
    {HT "45 43 05 01 01", CP_OK, EMPTY_DOC},
    {HT "45 44 14 01 01", CP_E_GRAMMAR, NULL},
    {HT "45 83 00 01", CP_E_GRAMMAR, NULL},
    {HT "45 84 14 50 03 'X' 00 01 01", CP_OK, CQ_X},
    {HT "45 C3 01 'x' 01", CP_E_GRAMMAR, NULL},
    {HT "45 C4 14 50 03 'X' 00 01 01 01", CP_OK, CQ_X},
    /* after the root element: nothing may follow */
    {HT "45 01 00 00", CP_E_MALFORMED, NULL},
    {HT "45 01 01", CP_E_MALFORMED, NULL},
    {HT "45 01 02 41", CP_E_MALFORMED, NULL},
    {HT "45 01 03 'x' 00", CP_E_MALFORMED, NULL},
    {HT "45 01 04 00", CP_E_MALFORMED, NULL},
    {HT "45 01 43 05 01", CP_E_MALFORMED, NULL},
    {HT "45 01 44 00 01", CP_E_MALFORMED, NULL},
    {HT "45 01 83 00", CP_E_MALFORMED, NULL},
    {HT "45 01 84 00 46 01", CP_E_MALFORMED, NULL},
    {HT "45 01 C3 01 'x'", CP_E_MALFORMED, NULL},
    {HT "45 01 C4 00 46 01 01", CP_E_MALFORMED, NULL},
    {HT "04 00 45 01", CP_E_MALFORMED, NULL}, /* root closed by having no content */
};

static void test_global_tokens(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof global_cases / sizeof *global_cases; i++)
        check_spec(global_cases[i].spec, global_cases[i].want,
                   global_cases[i].xml);
}

/* The EXT_* tokens are refused wherever they stand, naming their offset. */
static void test_ext_tokens(void **state)
{
    static const unsigned ext[9] = {0x40, 0x41, 0x42, 0x80, 0x81,
                                    0x82, 0xC0, 0xC1, 0xC2};
    static const char *const place[4] = {H0, H0 "C5 ", H0 "C5 45 ",
                                         H0 "45 C6 55 01 "};
    size_t i, j, off;
    (void)state;
    for (i = 0; i < 9; i++) {
        for (j = 0; j < 4; j++) {
            bytes b;
            set(&b, place[j]);
            off = b.n;
            put(&b, ext[i]);
            add(&b, "'x' 00 01 01 01"); /* operands of any kind */
            assert_int_equal(check_dec("ext", NULL, &b, CP_E_UNKNOWN_TOKEN, NULL),
                             off);
        }
        {   /* after the root they are trailing bytes */
            bytes b;
            set(&b, H0 "45 01");
            put(&b, ext[i]);
            check_dec("ext after root", NULL, &b, CP_E_MALFORMED, NULL);
        }
        {   /* inside a processing instruction */
            bytes b;
            set(&b, H0 "43 05 ");
            put(&b, ext[i]);
            add(&b, "00 01 45 01");
            check_dec("ext in PI", NULL, &b, CP_E_UNKNOWN_TOKEN, NULL);
        }
    }
}

static void test_processing_instructions(void **state)
{
    (void)state;
    /* a PI with every kind of value item, before the root and in content */
    check_spec("03 0B 6A 02 'a' 00 43 05 03 'x' 00 02 41 83 00 C3 01 'y' 85 00 01 8D 00 00 "
               "04 00 03 'z' 00 01 45 43 07 01 01",
               CP_OK, EMPTY_DOC);
    /* the PI's page switch is an attribute-page switch, and it persists */
    check_spec(H0 "43 00 01 05 01 45 86 55 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"APPLICATION\"></characteristic></wap-provisioningdoc>");
    check_spec(H0 "43 01 45 01", CP_E_MALFORMED, NULL);         /* no target */
    check_spec(H0 "43 85 01 45 01", CP_E_MALFORMED, NULL);      /* value first */
    check_spec(H0 "43 4D 01 45 01", CP_E_UNKNOWN_TOKEN, NULL);  /* unknown start */
    check_spec(H0 "43 05 8D 01 45 01", CP_E_UNKNOWN_TOKEN, NULL); /* page-1 value on page 0 */
    check_spec(H0 "43 05 83 00 01 45 01", CP_E_MALFORMED, NULL); /* STR_T, empty table */
    check_spec(H0 "43 04 05 01 45 01", CP_E_MALFORMED, NULL);   /* LITERAL, empty table */
    check_spec(H0 "43 05 03 'x'", CP_E_TRUNCATED, NULL);
    check_spec(H0 "43 05 C3 05 'x' 01 45 01", CP_E_TRUNCATED, NULL);
}

/* ---- the PROV tokens, from protocol.md b.3-b.6 ------------------------- */

typedef struct spec_start {
    unsigned page, tok;
    cp_attr attr;
    const char *prefix;
} spec_start;

typedef struct spec_value {
    unsigned page, tok;
    const char *s;
} spec_value;

/* Attribute-start tokens: b.3 (page 0) and b.4 (page 1). */
static const spec_start spec_starts[] = {
    {0, 0x05, CP_ATTR_NAME, ""},
    {0, 0x06, CP_ATTR_VALUE, ""},
    {0, 0x07, CP_ATTR_NAME, "NAME"},
    {0, 0x08, CP_ATTR_NAME, "NAP-ADDRESS"},
    {0, 0x09, CP_ATTR_NAME, "NAP-ADDRTYPE"},
    {0, 0x0A, CP_ATTR_NAME, "CALLTYPE"},
    {0, 0x0B, CP_ATTR_NAME, "VALIDUNTIL"},
    {0, 0x0C, CP_ATTR_NAME, "AUTHTYPE"},
    {0, 0x0D, CP_ATTR_NAME, "AUTHNAME"},
    {0, 0x0E, CP_ATTR_NAME, "AUTHSECRET"},
    {0, 0x0F, CP_ATTR_NAME, "LINGER"},
    {0, 0x10, CP_ATTR_NAME, "BEARER"},
    {0, 0x11, CP_ATTR_NAME, "NAPID"},
    {0, 0x12, CP_ATTR_NAME, "COUNTRY"},
    {0, 0x13, CP_ATTR_NAME, "NETWORK"},
    {0, 0x14, CP_ATTR_NAME, "INTERNET"},
    {0, 0x15, CP_ATTR_NAME, "PROXY-ID"},
    {0, 0x16, CP_ATTR_NAME, "PROXY-PROVIDER-ID"},
    {0, 0x17, CP_ATTR_NAME, "DOMAIN"},
    {0, 0x18, CP_ATTR_NAME, "PROVURL"},
    {0, 0x19, CP_ATTR_NAME, "PXAUTH-TYPE"},
    {0, 0x1A, CP_ATTR_NAME, "PXAUTH-ID"},
    {0, 0x1B, CP_ATTR_NAME, "PXAUTH-PW"},
    {0, 0x1C, CP_ATTR_NAME, "STARTPAGE"},
    {0, 0x1D, CP_ATTR_NAME, "BASAUTH-ID"},
    {0, 0x1E, CP_ATTR_NAME, "BASAUTH-PW"},
    {0, 0x1F, CP_ATTR_NAME, "PUSHENABLED"},
    {0, 0x20, CP_ATTR_NAME, "PXADDR"},
    {0, 0x21, CP_ATTR_NAME, "PXADDRTYPE"},
    {0, 0x22, CP_ATTR_NAME, "TO-NAPID"},
    {0, 0x23, CP_ATTR_NAME, "PORTNBR"},
    {0, 0x24, CP_ATTR_NAME, "SERVICE"},
    {0, 0x25, CP_ATTR_NAME, "LINKSPEED"},
    {0, 0x26, CP_ATTR_NAME, "DNLINKSPEED"},
    {0, 0x27, CP_ATTR_NAME, "LOCAL-ADDR"},
    {0, 0x28, CP_ATTR_NAME, "LOCAL-ADDRTYPE"},
    {0, 0x29, CP_ATTR_NAME, "CONTEXT-ALLOW"},
    {0, 0x2A, CP_ATTR_NAME, "TRUST"},
    {0, 0x2B, CP_ATTR_NAME, "MASTER"},
    {0, 0x2C, CP_ATTR_NAME, "SID"},
    {0, 0x2D, CP_ATTR_NAME, "SOC"},
    {0, 0x2E, CP_ATTR_NAME, "WSP-VERSION"},
    {0, 0x2F, CP_ATTR_NAME, "PHYSICAL-PROXY-ID"},
    {0, 0x30, CP_ATTR_NAME, "CLIENT-ID"},
    {0, 0x31, CP_ATTR_NAME, "DELIVERY-ERR-SDU"},
    {0, 0x32, CP_ATTR_NAME, "DELIVERY-ORDER"},
    {0, 0x33, CP_ATTR_NAME, "TRAFFIC-CLASS"},
    {0, 0x34, CP_ATTR_NAME, "MAX-SDU-SIZE"},
    {0, 0x35, CP_ATTR_NAME, "MAX-BITRATE-UPLINK"},
    {0, 0x36, CP_ATTR_NAME, "MAX-BITRATE-DNLINK"},
    {0, 0x37, CP_ATTR_NAME, "RESIDUAL-BER"},
    {0, 0x38, CP_ATTR_NAME, "SDU-ERROR-RATIO"},
    {0, 0x39, CP_ATTR_NAME, "TRAFFIC-HANDL-PRIO"},
    {0, 0x3A, CP_ATTR_NAME, "TRANSFER-DELAY"},
    {0, 0x3B, CP_ATTR_NAME, "GUARANTEED-BITRATE-UPLINK"},
    {0, 0x3C, CP_ATTR_NAME, "GUARANTEED-BITRATE-DNLINK"},
    {0, 0x3D, CP_ATTR_NAME, "PXADDR-FQDN"},
    {0, 0x3E, CP_ATTR_NAME, "PROXY-PW"},
    {0, 0x3F, CP_ATTR_NAME, "PPGAUTH-TYPE"},
    {0, 0x45, CP_ATTR_VERSION, ""},
    {0, 0x46, CP_ATTR_VERSION, "1.0"},
    {0, 0x47, CP_ATTR_NAME, "PULLENABLED"},
    {0, 0x48, CP_ATTR_NAME, "DNS-ADDR"},
    {0, 0x49, CP_ATTR_NAME, "MAX-NUM-RETRY"},
    {0, 0x4A, CP_ATTR_NAME, "FIRST-RETRY-TIMEOUT"},
    {0, 0x4B, CP_ATTR_NAME, "REREG-THRESHOLD"},
    {0, 0x4C, CP_ATTR_NAME, "T-BIT"},
    {0, 0x4E, CP_ATTR_NAME, "AUTH-ENTITY"},
    {0, 0x4F, CP_ATTR_NAME, "SPI"},
    {0, 0x50, CP_ATTR_TYPE, ""},
    {0, 0x51, CP_ATTR_TYPE, "PXLOGICAL"},
    {0, 0x52, CP_ATTR_TYPE, "PXPHYSICAL"},
    {0, 0x53, CP_ATTR_TYPE, "PORT"},
    {0, 0x54, CP_ATTR_TYPE, "VALIDITY"},
    {0, 0x55, CP_ATTR_TYPE, "NAPDEF"},
    {0, 0x56, CP_ATTR_TYPE, "BOOTSTRAP"},
    {0, 0x57, CP_ATTR_TYPE, "VENDORCONFIG"},
    {0, 0x58, CP_ATTR_TYPE, "CLIENTIDENTITY"},
    {0, 0x59, CP_ATTR_TYPE, "PXAUTHINFO"},
    {0, 0x5A, CP_ATTR_TYPE, "NAPAUTHINFO"},
    {0, 0x5B, CP_ATTR_TYPE, "ACCESS"},
    {0, 0x5C, CP_ATTR_TYPE, "BEARERINFO"},
    {0, 0x5D, CP_ATTR_TYPE, "DNS-ADDRINFO"},
    {1, 0x05, CP_ATTR_NAME, ""},
    {1, 0x06, CP_ATTR_VALUE, ""},
    {1, 0x07, CP_ATTR_NAME, "NAME"},
    {1, 0x14, CP_ATTR_NAME, "INTERNET"},
    {1, 0x1C, CP_ATTR_NAME, "STARTPAGE"},
    {1, 0x22, CP_ATTR_NAME, "TO-NAPID"},
    {1, 0x23, CP_ATTR_NAME, "PORTNBR"},
    {1, 0x24, CP_ATTR_NAME, "SERVICE"},
    {1, 0x2E, CP_ATTR_NAME, "AACCEPT"},
    {1, 0x2F, CP_ATTR_NAME, "AAUTHDATA"},
    {1, 0x30, CP_ATTR_NAME, "AAUTHLEVEL"},
    {1, 0x31, CP_ATTR_NAME, "AAUTHNAME"},
    {1, 0x32, CP_ATTR_NAME, "AAUTHSECRET"},
    {1, 0x33, CP_ATTR_NAME, "AAUTHTYPE"},
    {1, 0x34, CP_ATTR_NAME, "ADDR"},
    {1, 0x35, CP_ATTR_NAME, "ADDRTYPE"},
    {1, 0x36, CP_ATTR_NAME, "APPID"},
    {1, 0x37, CP_ATTR_NAME, "APROTOCOL"},
    {1, 0x38, CP_ATTR_NAME, "PROVIDER-ID"},
    {1, 0x39, CP_ATTR_NAME, "TO-PROXY"},
    {1, 0x3A, CP_ATTR_NAME, "URI"},
    {1, 0x3B, CP_ATTR_NAME, "RULE"},
    {1, 0x3C, CP_ATTR_NAME, "APPREF"},
    {1, 0x3D, CP_ATTR_NAME, "TO-APPREF"},
    {1, 0x50, CP_ATTR_TYPE, ""},
    {1, 0x53, CP_ATTR_TYPE, "PORT"},
    {1, 0x55, CP_ATTR_TYPE, "APPLICATION"},
    {1, 0x56, CP_ATTR_TYPE, "APPADDR"},
    {1, 0x57, CP_ATTR_TYPE, "APPAUTH"},
    {1, 0x58, CP_ATTR_TYPE, "CLIENTIDENTITY"},
    {1, 0x59, CP_ATTR_TYPE, "RESOURCE"},
};

/* Attribute-value tokens: b.5 (page 0) and b.6 (page 1). */
static const spec_value spec_values[] = {
    {0, 0x85, "IPV4"},
    {0, 0x86, "IPV6"},
    {0, 0x87, "E164"},
    {0, 0x88, "ALPHA"},
    {0, 0x89, "APN"},
    {0, 0x8A, "SCODE"},
    {0, 0x8B, "TETRA-ITSI"},
    {0, 0x8C, "MAN"},
    {0, 0x90, "ANALOG-MODEM"},
    {0, 0x91, "V.120"},
    {0, 0x92, "V.110"},
    {0, 0x93, "X.31"},
    {0, 0x94, "BIT-TRANSPARENT"},
    {0, 0x95, "DIRECT-ASYNCHRONOUS-DATA-SERVICE"},
    {0, 0x9A, "PAP"},
    {0, 0x9B, "CHAP"},
    {0, 0x9C, "HTTP-BASIC"},
    {0, 0x9D, "HTTP-DIGEST"},
    {0, 0x9E, "WTLS-SS"},
    {0, 0x9F, "MD5"},
    {0, 0xA2, "GSM-USSD"},
    {0, 0xA3, "GSM-SMS"},
    {0, 0xA4, "ANSI-136-GUTS"},
    {0, 0xA5, "IS-95-CDMA-SMS"},
    {0, 0xA6, "IS-95-CDMA-CSD"},
    {0, 0xA7, "IS-95-CDMA-PACKET"},
    {0, 0xA8, "ANSI-136-CSD"},
    {0, 0xA9, "ANSI-136-GPRS"},
    {0, 0xAA, "GSM-CSD"},
    {0, 0xAB, "GSM-GPRS"},
    {0, 0xAC, "AMPS-CDPD"},
    {0, 0xAD, "PDC-CSD"},
    {0, 0xAE, "PDC-PACKET"},
    {0, 0xAF, "IDEN-SMS"},
    {0, 0xB0, "IDEN-CSD"},
    {0, 0xB1, "IDEN-PACKET"},
    {0, 0xB2, "FLEX/REFLEX"},
    {0, 0xB3, "PHS-SMS"},
    {0, 0xB4, "PHS-CSD"},
    {0, 0xB5, "TETRA-SDS"},
    {0, 0xB6, "TETRA-PACKET"},
    {0, 0xB7, "ANSI-136-GHOST"},
    {0, 0xB8, "MOBITEX-MPAK"},
    {0, 0xB9, "CDMA2000-1X-SIMPLE-IP"},
    {0, 0xBA, "CDMA2000-1X-MOBILE-IP"},
    {0, 0xC5, "AUTOBAUDING"},
    {0, 0xCA, "CL-WSP"},
    {0, 0xCB, "CO-WSP"},
    {0, 0xCC, "CL-SEC-WSP"},
    {0, 0xCD, "CO-SEC-WSP"},
    {0, 0xCE, "CL-SEC-WTA"},
    {0, 0xCF, "CO-SEC-WTA"},
    {0, 0xD0, "OTA-HTTP-TO"},
    {0, 0xD1, "OTA-HTTP-TLS-TO"},
    {0, 0xD2, "OTA-HTTP-PO"},
    {0, 0xD3, "OTA-HTTP-TLS-PO"},
    {0, 0xE0, "AAA"},
    {0, 0xE1, "HA"},
    {0, 0xBB, "3G-GSM"},
    {0, 0xBC, "WLAN"},
    {1, 0x86, "IPV6"},
    {1, 0x87, "E164"},
    {1, 0x88, "ALPHA"},
    {1, 0x8D, "APPSRV"},
    {1, 0x8E, "OBEX"},
    {1, 0x90, ","},
    {1, 0x91, "HTTP-"},
    {1, 0x92, "BASIC"},
    {1, 0x93, "DIGEST"},
};
#define N_STARTS (sizeof spec_starts / sizeof *spec_starts)
#define N_VALUES (sizeof spec_values / sizeof *spec_values)

static const spec_start *spec_start_at(unsigned page, unsigned tok)
{
    size_t i;
    for (i = 0; i < N_STARTS; i++)
        if (spec_starts[i].page == page && spec_starts[i].tok == tok)
            return &spec_starts[i];
    return NULL;
}

static const spec_value *spec_value_at(unsigned page, unsigned tok)
{
    size_t i;
    for (i = 0; i < N_VALUES; i++)
        if (spec_values[i].page == page && spec_values[i].tok == tok)
            return &spec_values[i];
    return NULL;
}

static int is_global(unsigned tok)
{
    return (tok & 0x3F) <= 4;
}

/*
 * A document that uses attribute-start token tok of page for attr:
 * version on the root, type on a characteristic, name and value on a parm.
 * *at gets the offset of tok.
 */
static void start_doc(bytes *b, unsigned page, unsigned tok, cp_attr attr,
                      size_t *at)
{
    set(b, H0);
    switch (attr) {
    case CP_ATTR_VERSION: add(b, "85 00"); break;
    case CP_ATTR_TYPE: add(b, "45 86 00"); break;
    case CP_ATTR_NAME: add(b, "45 C6 50 03 'X' 00 01 87 00"); break;
    default: add(b, "45 C6 50 03 'X' 00 01 87 05 03 'N' 00 00"); break;
    }
    put(b, page);
    *at = b->n;
    put(b, tok);
    switch (attr) {
    case CP_ATTR_VERSION: add(b, "01"); break;
    case CP_ATTR_TYPE: add(b, "01 01"); break;
    default: add(b, "01 01 01"); break;
    }
}

/* The node that start_doc / value_doc put the attribute on. */
static const cp_node *attr_node(const cp_doc *doc, cp_attr attr)
{
    const cp_node *n = cp_doc_root(doc);
    if (attr == CP_ATTR_VERSION)
        return n;
    n = cp_node_first_child(n);
    return attr == CP_ATTR_TYPE ? n : cp_node_first_child(n);
}

static void value_doc(bytes *b, unsigned page, unsigned tok, size_t *at)
{
    set(b, H0 "45 C6 50 03 'X' 00 01 87 05 03 'N' 00 06 00");
    put(b, page);
    *at = b->n;
    put(b, tok);
    add(b, "01 01 01");
}

static void decode_attr(const bytes *b, cp_attr attr, const char *want)
{
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, NULL);
    cp_doc *doc = decode_ok(ctx, b->b, b->n);
    const char *got = cp_node_attr(attr_node(doc, attr), attr);
    assert_non_null(got);
    assert_string_equal(got, want);
    cp_doc_free(doc);
    endctx(ctx, &t);
}

static void test_prov_start_tokens_decode(void **state)
{
    unsigned page, tok;
    size_t at;
    bytes b;
    (void)state;
    for (page = 0; page < 2; page++) {
        for (tok = 0x05; tok < 0x80; tok++) {
            const spec_start *s = spec_start_at(page, tok);
            if (is_global(tok))
                continue;
            if (s != NULL) {
                start_doc(&b, page, tok, s->attr, &at);
                decode_attr(&b, s->attr, s->prefix);
            } else {
                start_doc(&b, page, tok, CP_ATTR_NAME, &at);
                assert_int_equal(check_dec("unassigned start", NULL, &b,
                                           CP_E_UNKNOWN_TOKEN, NULL),
                                 at);
            }
        }
    }
}

static void test_prov_value_tokens_decode(void **state)
{
    unsigned page, tok;
    size_t at;
    bytes b;
    (void)state;
    for (page = 0; page < 2; page++) {
        for (tok = 0x80; tok < 0x100; tok++) {
            const spec_value *s = spec_value_at(page, tok);
            value_doc(&b, page, tok, &at);
            if (s != NULL) {
                decode_attr(&b, CP_ATTR_VALUE, s->s);
            } else if (tok <= 0x82 || (tok >= 0xC0 && tok <= 0xC2)) {
                assert_int_equal(check_dec("ext", NULL, &b, CP_E_UNKNOWN_TOKEN,
                                           NULL), at);
            } else if (!is_global(tok)) {
                assert_int_equal(check_dec("unassigned value", NULL, &b,
                                           CP_E_UNKNOWN_TOKEN, NULL), at);
            }
        }
    }
    /* 0x83 on page 1 is STR_T, never the old AAUTHTYPE "DIGEST" */
    set(&b, "03 0B 6A 04 'abc' 00 45 C6 50 03 'X' 00 01 87 05 03 'N' 00 06 "
            "00 01 83 00 01 01 01");
    decode_attr(&b, CP_ATTR_VALUE, "abc");
    set(&b, "03 0B 6A 04 'abc' 00 45 C6 50 03 'X' 00 01 87 05 03 'N' 00 06 "
            "00 01 92 90 91 93 01 01 01"); /* an AAUTHTYPE list */
    decode_attr(&b, CP_ATTR_VALUE, "BASIC,HTTP-DIGEST");
}

/* The value token whose string is s (the reverse index, values only). */
static int find_value(const char *s, uint8_t tok[2])
{
    return cp_prov__lookup(CP_ATTR_VALUE, s, NULL, tok) != 0;
}

/* The library's tables hold exactly the spec rows, and the reverse index finds each. */
static void test_prov_tables(void **state)
{
    unsigned page, tok;
    size_t nstart = 0, nvalue = 0;
    uint8_t got[2];
    (void)state;
    for (page = 0; page < 2; page++) {
        for (tok = 0; tok < 0x80; tok++) {
            const spec_start *s = spec_start_at(page, tok);
            const cp_prov_str *e = cp_prov__start(page, tok);
            assert_true((s == NULL) == (e == NULL));
            if (e == NULL)
                continue;
            nstart++;
            assert_int_equal(e->attr, s->attr);
            assert_string_equal(e->s, s->prefix);
            assert_int_equal(e->len, strlen(s->prefix));
            assert_true(cp_prov__find_start((cp_attr)e->attr, e->s, got));
            assert_int_equal(got[page], tok);
        }
        for (tok = 0x80; tok < 0x100; tok++) {
            const spec_value *s = spec_value_at(page, tok);
            const cp_prov_str *e = cp_prov__value(page, tok);
            assert_true((s == NULL) == (e == NULL));
            if (e == NULL)
                continue;
            nvalue++;
            assert_string_equal(e->s, s->s);
            assert_int_equal(e->len, strlen(s->s));
            assert_true(find_value(e->s, got));
            assert_int_equal(got[page], tok);
        }
    }
    assert_int_equal(nstart, N_STARTS);
    assert_int_equal(nvalue, N_VALUES);
    /* the bare start tokens the encoder uses */
    for (page = CP_ATTR_VERSION; page <= CP_ATTR_VALUE; page++) {
        uint8_t bare[2];
        assert_true(cp_prov__find_start((cp_attr)page, "", got));
        cp_prov__bare_start((cp_attr)page, bare);
        assert_memory_equal(bare, got, 2);
    }
    /* the combined lookup */
    assert_int_equal(cp_prov__lookup(CP_ATTR_NAME, "APN", got, got), CP_PROV_HIT_VALUE);
    assert_int_equal(cp_prov__lookup(CP_ATTR_NAME, "NAPID", got, got), CP_PROV_HIT_START);
    assert_int_equal(cp_prov__lookup(CP_ATTR_NAME, "NAPID", NULL, got), 0);
    assert_int_equal(cp_prov__lookup(CP_ATTR_NAME, "INTERNET", NULL, got), 0);
    assert_int_equal(cp_prov__lookup(CP_ATTR_VALUE, "IPV6", got, got), CP_PROV_HIT_VALUE);
    assert_int_equal(got[0], 0x86);
    assert_int_equal(got[1], 0x86);
    assert_int_equal(cp_prov__lookup(CP_ATTR_DESC, "APN", got, got), CP_PROV_HIT_VALUE);
    assert_int_equal(cp_prov__lookup(CP_ATTR_VALUE, "DIRECT-ASYNCHRONOUS-DATA-SERVICE", got, got),
                     CP_PROV_HIT_VALUE);
    assert_int_equal(cp_prov__lookup(CP_ATTR_VALUE, "DIRECT-ASYNCHRONOUS-DATA-SERVICE-", got, got), 0);
    /* misses: other case, other attribute, prefixes of entries */
    assert_false(cp_prov__find_start(CP_ATTR_NAME, "napid", got));
    assert_false(cp_prov__find_start(CP_ATTR_TYPE, "NAPID", got));
    assert_false(cp_prov__find_start(CP_ATTR_NAME, "NAP", got));
    assert_false(cp_prov__find_start(CP_ATTR_VERSION, "1.1", got));
    assert_false(cp_prov__find_start(CP_ATTR_DESC, "", got));
    assert_false(find_value("ipv4", got));
    assert_false(find_value("", got));
    assert_false(find_value("HTTP-BASIC,", got));
    /* tags */
    assert_int_equal(cp_prov__tag_kind(0, 5), CP_NODE_DOC);
    assert_int_equal(cp_prov__tag_kind(1, 5), -1);
    assert_int_equal(cp_prov__tag_kind(1, 6), CP_NODE_CHARACTERISTIC);
    assert_int_equal(cp_prov__tag_kind(1, 7), CP_NODE_PARM);
    assert_int_equal(cp_prov__tag_kind(0, 8), -1);
    assert_int_equal(cp_prov__tag_kind(2, 6), -1);
}

/* A document holding one attribute, made through the public builder. */
static cp_doc *one_attr_doc(cp_ctx *ctx, cp_attr attr, const char *v)
{
    cp_doc *doc;
    const cp_node *c, *p;
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    if (attr == CP_ATTR_VERSION) {
        assert_int_equal(cp_node_set_attr(doc, cp_doc_root(doc), attr, v), CP_OK);
        return doc;
    }
    assert_int_equal(cp_node_add(doc, cp_doc_root(doc), CP_NODE_CHARACTERISTIC, &c), CP_OK);
    if (attr == CP_ATTR_TYPE) {
        assert_int_equal(cp_node_set_attr(doc, c, attr, v), CP_OK);
        return doc;
    }
    assert_int_equal(cp_node_set_attr(doc, c, CP_ATTR_TYPE, "X"), CP_OK);
    assert_int_equal(cp_node_add(doc, c, CP_NODE_PARM, &p), CP_OK);
    if (attr == CP_ATTR_NAME) {
        assert_int_equal(cp_node_set_attr(doc, p, attr, v), CP_OK);
        return doc;
    }
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_NAME, "N"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_VALUE, v), CP_OK);
    return doc;
}

/* Encode doc (default mode), compare with spec bytes, decode, compare trees. */
static void check_enc(cp_ctx *ctx, cp_doc *doc, unsigned flags, const bytes *want)
{
    uint8_t *w;
    size_t wn;
    cp_doc *again;
    char *x1, *x2;
    assert_int_equal(cp_doc_encode_wbxml(ctx, doc, flags, &w, &wn), CP_OK);
    if (want) {
        if (wn != want->n || memcmp(w, want->b, wn) != 0) {
            size_t i;
            print_error("encoded:");
            for (i = 0; i < wn; i++)
                print_error(" %02X", w[i]);
            print_error("\nwanted: ");
            for (i = 0; i < want->n; i++)
                print_error(" %02X", want->b[i]);
            print_error("\n");
        }
        assert_int_equal(wn, want->n);
        assert_memory_equal(w, want->b, wn);
    }
    again = decode_ok(ctx, w, wn);
    x1 = canon(doc);
    x2 = canon(again);
    assert_string_equal(x1, x2);
    free(x1);
    free(x2);
    cp_doc_free(again);
    cp_free(ctx, w);
}

/* Page on which the encoder must find a start string: 0 when page 0 has it. */
static unsigned start_page(cp_attr attr, const char *s, unsigned *tok)
{
    size_t i;
    unsigned best = 2;
    for (i = 0; i < N_STARTS; i++) {
        if (spec_starts[i].attr != attr || strcmp(spec_starts[i].prefix, s))
            continue;
        if (spec_starts[i].page < best) {
            best = spec_starts[i].page;
            *tok = spec_starts[i].tok;
        }
    }
    assert_true(best < 2);
    return best;
}

static void test_prov_start_tokens_encode(void **state)
{
    size_t i;
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, NULL);
    (void)state;
    for (i = 0; i < N_STARTS; i++) {
        const spec_start *s = &spec_starts[i];
        unsigned tok = 0, page = start_page(s->attr, s->prefix, &tok);
        cp_doc *doc = one_attr_doc(ctx, s->attr, s->prefix);
        bytes w;
        set(&w, H0);
        switch (s->attr) {
        case CP_ATTR_VERSION: add(&w, "85"); break;
        case CP_ATTR_TYPE: add(&w, "45 86"); break;
        case CP_ATTR_NAME: add(&w, "45 C6 50 03 'X' 00 01 87"); break;
        default: add(&w, "45 C6 50 03 'X' 00 01 87 05 03 'N' 00"); break;
        }
        if (page)
            add(&w, "00 01");
        put(&w, tok);
        switch (s->attr) {
        case CP_ATTR_VERSION: add(&w, "01"); break;
        case CP_ATTR_TYPE: add(&w, "01 01"); break;
        default: add(&w, "01 01 01"); break;
        }
        check_enc(ctx, doc, 0, &w);
        check_enc(ctx, doc, CP_WBXML_NO_STRING_TABLE, &w);
        cp_doc_free(doc);
    }
    endctx(ctx, &t);
}

static void test_prov_value_tokens_encode(void **state)
{
    size_t i, j;
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, NULL);
    (void)state;
    for (i = 0; i < N_VALUES; i++) {
        const spec_value *s = &spec_values[i], *use = s;
        cp_doc *doc = one_attr_doc(ctx, CP_ATTR_VALUE, s->s);
        bytes w;
        for (j = 0; j < N_VALUES; j++) /* page 0 first */
            if (!strcmp(spec_values[j].s, s->s) && spec_values[j].page == 0)
                use = &spec_values[j];
        set(&w, H0 "45 C6 50 03 'X' 00 01 87 05 03 'N' 00 06");
        if (use->page)
            add(&w, "00 01");
        put(&w, use->tok);
        add(&w, "01 01 01");
        check_enc(ctx, doc, 0, &w);
        cp_doc_free(doc);
    }
    endctx(ctx, &t);
}

/* ---- code pages ----------------------------------------------------------- */

static void test_code_pages(void **state)
{
    (void)state;
    /* tag page 1: characteristic and parm, and the page persists */
    check_spec(H0 "45 00 01 C6 50 03 'A' 00 01 87 07 01 01 C6 50 03 'B' 00 01 87 14 01 01 01",
               CP_OK,
               "<wap-provisioningdoc><characteristic type=\"A\"><parm name=\"NAME\"/></characteristic>"
               "<characteristic type=\"B\"><parm name=\"INTERNET\"/></characteristic></wap-provisioningdoc>");
    /* the tag page does not move the attribute page: 0x55 is NAPDEF on attribute page 0 */
    check_spec(H0 "45 00 01 86 55 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"NAPDEF\"></characteristic></wap-provisioningdoc>");
    /* the attribute page does not move the tag page, and persists across elements */
    check_spec(H0 "45 C6 00 01 55 01 86 59 01 87 36 06 8D 01 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"APPLICATION\"><characteristic type=\"RESOURCE\">"
               "</characteristic><parm name=\"APPID\" value=\"APPSRV\"/></characteristic></wap-provisioningdoc>");
    /* switching back */
    check_spec(H0 "45 C6 00 01 55 01 87 00 00 11 06 89 01 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"APPLICATION\"><parm name=\"NAPID\" value=\"APN\"/>"
               "</characteristic></wap-provisioningdoc>");
    /* wap-provisioningdoc has no page-1 token */
    check_spec(H0 "00 01 45 01", CP_E_UNKNOWN_TOKEN, NULL);
    check_spec(H0 "45 00 01 45 01 01", CP_E_UNKNOWN_TOKEN, NULL);
    /* a page-1 attribute token is unknown on page 0 and the other way round */
    check_spec(H0 "45 C6 55 01 87 36 01 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"NAPDEF\"><parm name=\"MAX-BITRATE-DNLINK\"/>"
               "</characteristic></wap-provisioningdoc>");
    check_spec(H0 "45 86 00 01 51 01 01", CP_E_UNKNOWN_TOKEN, NULL);
    /* pages other than 0 and 1 */
    assert_int_equal(check_spec(H0 "00 02 45 01", CP_E_UNKNOWN_TOKEN, NULL), 4);
    assert_int_equal(check_spec(H0 "45 86 00 02 55 01 01", CP_E_UNKNOWN_TOKEN, NULL), 6);
    check_spec(H0 "45 00 FF 01", CP_E_UNKNOWN_TOKEN, NULL);
    /* a switch just before END is harmless */
    check_spec(H0 "45 00 01 01", CP_OK, EMPTY_DOC);
    check_spec(H0 "C5 46 00 01 01 01", CP_OK,
               "<wap-provisioningdoc version=\"1.0\"></wap-provisioningdoc>");
    /* unknown tag identities */
    check_spec(H0 "45 08 01", CP_E_UNKNOWN_TOKEN, NULL);
    check_spec(H0 "45 FF 01", CP_E_UNKNOWN_TOKEN, NULL);
    check_spec(H0 "3F 01", CP_E_UNKNOWN_TOKEN, NULL);
}

/* ---- strings, integers ------------------------------------------------------ */

#define PARM_V(v) H0 "45 C6 55 01 87 05 03 'N' 00 06 " v " 01 01 01"
#define PARM_XML(v) "<wap-provisioningdoc><characteristic type=\"NAPDEF\"><parm name=\"N\" value=\"" v "\"/></characteristic></wap-provisioningdoc>"

static void test_string_table(void **state)
{
    (void)state;
    check_spec("03 0B 6A 03 'ab' 00 45 C6 55 01 87 05 83 01 06 83 02 01 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"NAPDEF\"><parm name=\"b\" value=\"\"/></characteristic></wap-provisioningdoc>");
    /* offset at, past the end; a string not terminated inside the table */
    check_spec("03 0B 6A 03 'ab' 00 45 C6 55 01 87 05 83 03 01 01 01", CP_E_MALFORMED, NULL);
    check_spec("03 0B 6A 03 'ab' 00 45 C6 55 01 87 05 83 04 01 01 01", CP_E_MALFORMED, NULL);
    check_spec("03 0B 6A 03 'ab' 00 45 C6 55 01 87 05 83 8F FF FF FF 7F 01 01 01", CP_E_MALFORMED, NULL);
    check_spec("03 0B 6A 02 'ab' 45 C6 55 01 87 05 83 00 01 01 01", CP_E_MALFORMED, NULL);
    check_spec("03 0B 6A 04 'ab' 00 'c' 45 C6 55 01 87 05 83 03 01 01 01", CP_E_MALFORMED, NULL);
    check_spec(H0 "45 C6 55 01 87 05 83 00 01 01 01", CP_E_MALFORMED, NULL);
    /* the same checks for LITERAL names */
    check_spec("03 0B 6A 02 'ab' 45 04 00 01", CP_E_MALFORMED, NULL);
    check_spec(H0 "45 C4 00 01 01 01", CP_E_MALFORMED, NULL);
    /* the table may not be longer than the input */
    check_spec("03 0B 6A 05 'ab' 00", CP_E_TRUNCATED, NULL);
    /* an inline string must be terminated */
    check_spec(H0 "45 C6 55 01 87 05 03 'abc'", CP_E_TRUNCATED, NULL);
    /* values from several items */
    check_spec("03 0B 6A 06 'test1' 00 45 C6 55 01 87 05 03 'N' 00 06 83 00 03 '_NAPID' 00 01 01 01",
               CP_OK, PARM_XML("test1_NAPID"));
    check_spec(PARM_V("85 03 '/' 00 86 02 41 C3 02 '12'"), CP_OK, PARM_XML("IPV4/IPV6A12"));
    check_spec(PARM_V("03 00 03 00"), CP_OK, PARM_XML(""));
    check_spec(PARM_V("C3 00"), CP_OK, PARM_XML(""));
    check_spec(PARM_V("C3 03 '<&>'"), CP_OK, PARM_XML("&lt;&amp;&gt;"));
}

/*
 * A value that is one inline or string-table string, of every length up to
 * 40, with a byte of interest at every position: the decoder finds its end
 * and tests its octets a word at a time, so the ends of words and of the
 * input (fewer than 8 octets after the string) are where it could go
 * wrong. Each case is checked against the text the value must become.
 */
static void one_string(const char *head, const char *text, size_t n,
                       cp_status want, const char *xml_value)
{
    bytes b;
    char xml[256];
    size_t i;
    set(&b, head);
    add(&b, "45 C6 55 01 87 05 03 'N' 00 06 03");
    for (i = 0; i < n; i++)
        put(&b, (uint8_t)text[i]);
    add(&b, "00 01 01 01");
    snprintf(xml, sizeof xml, PARM_XML("%s"), xml_value);
    check_dec(head, NULL, &b, want, want == CP_OK ? xml : NULL);
}

static const char *parm_xml(char *buf, size_t cap, const char *value)
{
    snprintf(buf, cap, PARM_XML("%s"), value);
    return buf;
}

static void test_one_string_forms(void **state)
{
    char text[48], utf[64], esc[80], xml[256];
    size_t n, i, k;
    bytes b;
    (void)state;
    for (n = 0; n <= 40; n++) {
        for (i = 0; i < n; i++)
            text[i] = (char)('a' + i % 26);
        text[n] = 0;
        one_string(H0, text, n, CP_OK, text);
        for (i = 0; i < n; i++) {
            /* an octet above 0x7F: ISO-8859-1 converts it, US-ASCII and
               UTF-8 (a lone continuation octet) refuse it */
            text[i] = (char)0xE9;
            memcpy(utf, text, i);
            memcpy(utf + i, "\xC3\xA9", 2);
            memcpy(utf + i + 2, text + i + 1, n - i);
            one_string("03 0B 04 00 ", text, n, CP_OK, utf);
            one_string("03 0B 03 00 ", text, n, CP_E_CHARSET, NULL);
            one_string(H0, text, n, CP_E_CHARSET, NULL);
            one_string(H0, utf, n + 1, CP_OK, utf);
            /* a byte the writer escapes */
            text[i] = '&';
            memcpy(esc, text, i);
            memcpy(esc + i, "&amp;", 5);
            memcpy(esc + i + 5, text + i + 1, n - i);
            one_string(H0, text, n, CP_OK, esc);
            text[i] = (char)('a' + i % 26);
        }
    }
    /* no NUL before the end, at every distance from it */
    for (n = 0; n <= 20; n++) {
        set(&b, H0 "45 C6 55 01 87 05 03 'N' 00 06 03");
        for (i = 0; i < n; i++)
            put(&b, 'x');
        check_dec("unterminated", NULL, &b, CP_E_TRUNCATED, NULL);
    }
    /* string-table strings: one- and two-octet offsets (the second with
       and without a leading zero group), strings of every length */
    for (k = 0; k <= 20; k++) {
        char spec[64];
        set(&b, "03 0B 6A 81 10"); /* a table of 144 octets */
        for (i = 0; i < 128; i++)
            put(&b, i == 5 + k ? 0 : 'y');
        for (i = 0; i < 16; i++)
            put(&b, i < k && i < 15 ? (uint8_t)('A' + i) : 0);
        add(&b, "45 C6 55 01 87 05 03 'N' 00 06 83 81 00 01 01 01");
        for (i = 0; i < k && i < 15; i++)
            text[i] = (char)('A' + i);
        text[i] = 0;
        snprintf(spec, sizeof spec, "table, %lu octets", (unsigned long)k);
        check_dec(spec, NULL, &b, CP_OK, parm_xml(xml, sizeof xml, text));
        b.n -= 6; /* the same string at offset 5, in two octets: 80 05 */
        add(&b, "83 80 05 01 01 01");
        for (i = 0; i < k; i++)
            text[i] = 'y';
        text[k] = 0;
        check_dec(spec, NULL, &b, CP_OK, parm_xml(xml, sizeof xml, text));
    }
}

static void test_mb_u_int32(void **state)
{
    (void)state;
    check_spec("03 0B 6A 80 80 80 80 80 00 45 01", CP_E_MALFORMED, NULL); /* 6 octets */
    check_spec("03 0B 6A 90 80 80 80 00 45 01", CP_E_OVERFLOW, NULL);     /* 2^32 */
    check_spec("03 0B 6A 8F FF FF FF 7F 45 01", CP_E_LIMIT, NULL);        /* 2^32-1: too big a table */
    check_spec("03 0B 6A 80 80 80 80 00 45 01", CP_OK, EMPTY_DOC);        /* 0 in 5 octets */
    check_spec("03 80 80 80 80 0B 6A 00 45 01", CP_OK, EMPTY_DOC);        /* public id in 5 octets */
    check_spec("03 80 80 80 80 80 0B 6A 00 45 01", CP_E_MALFORMED, NULL);
    check_spec("03 0B 80 80 80 80 80 6A 00 45 01", CP_E_MALFORMED, NULL);
    check_spec(PARM_V("02 80 80 80 80 80 41"), CP_E_MALFORMED, NULL);
    check_spec(PARM_V("02 90 80 80 80 00"), CP_E_OVERFLOW, NULL);
    check_spec(PARM_V("C3 80 80 80 80 80 01 'x'"), CP_E_MALFORMED, NULL);
    check_spec(PARM_V("C3 8F FF FF FF 7F 'x'"), CP_E_TRUNCATED, NULL);
    check_spec(PARM_V("83 90 80 80 80 00"), CP_E_OVERFLOW, NULL);
    check_spec(H0 "45 84 90 80 80 80 00 01", CP_E_OVERFLOW, NULL);
    check_spec(H0 "45 C6 55 01 87 05 03 'N' 00 06 02 81", CP_E_TRUNCATED, NULL);
}

static void test_entities(void **state)
{
    (void)state;
    check_spec(PARM_V("02 41 02 81 69 02 C1 2C 02 C3 FF 7F"), CP_OK,
               PARM_XML("A\xC3\xA9\xE2\x82\xAC\xF4\x8F\xBF\xBF"));
    check_spec(PARM_V("02 00"), CP_E_CHARSET, NULL);
    check_spec(PARM_V("02 83 B0 00"), CP_E_CHARSET, NULL);  /* U+D800 */
    check_spec(PARM_V("02 83 BF 7F"), CP_E_CHARSET, NULL);  /* U+DFFF */
    check_spec(PARM_V("02 C4 80 00"), CP_E_CHARSET, NULL);  /* U+110000 */
    check_spec(PARM_V("02 8F FF FF FF 7F"), CP_E_CHARSET, NULL);
}

static void test_charsets(void **state)
{
    tu_alloc t;
    cp_ctx *ctx;
    cp_doc *doc;
    bytes b;
    (void)state;
    /* ISO-8859-1 becomes UTF-8, in inline, table and opaque strings */
    check_spec("03 0B 04 03 E9 'x' 00 45 C6 55 01 87 05 03 'caf' E9 00 06 83 00 C3 02 FF 'a' 01 01 01",
               CP_OK,
               "<wap-provisioningdoc><characteristic type=\"NAPDEF\"><parm name=\"caf\xC3\xA9\" "
               "value=\"\xC3\xA9x\xC3\xBF" "a\"/></characteristic></wap-provisioningdoc>");
    check_spec("03 0B 04 00 45 C6 55 01 87 05 03 'plain' 00 01 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"NAPDEF\"><parm name=\"plain\"/></characteristic></wap-provisioningdoc>");
    /* US-ASCII: octets above 0x7F are refused */
    check_spec("03 0B 03 00 45 C6 55 01 87 05 03 'ok' 00 01 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"NAPDEF\"><parm name=\"ok\"/></characteristic></wap-provisioningdoc>");
    check_spec("03 0B 03 00 45 C6 55 01 87 05 03 'caf' E9 00 01 01 01", CP_E_CHARSET, NULL);
    check_spec("03 0B 03 00 45 C6 55 01 87 05 C3 01 80 01 01 01", CP_E_CHARSET, NULL);
    /* UTF-8 is validated; NUL is refused even where OPAQUE can carry it */
    check_spec(PARM_V("03 C3 A9 00"), CP_OK, PARM_XML("\xC3\xA9"));
    check_spec(PARM_V("03 C3 28 00"), CP_E_CHARSET, NULL);
    check_spec(PARM_V("03 C0 80 00"), CP_E_CHARSET, NULL);
    check_spec(PARM_V("03 ED A0 80 00"), CP_E_CHARSET, NULL);
    check_spec(PARM_V("C3 01 00"), CP_E_CHARSET, NULL);
    check_spec(PARM_V("03 'a' C3 00"), CP_E_CHARSET, NULL);
    check_spec("03 0B 6A 03 C3 28 00 45 C6 55 01 87 05 83 00 01 01 01", CP_E_CHARSET, NULL);
    /* other charsets */
    set(&b, "03 0B 87 68 00 45 01"); /* 1000, UTF-16 */
    ctx = mkctx(&t, NULL);
    assert_int_equal(cp_doc_decode_wbxml(ctx, b.b, b.n, &doc), CP_E_CHARSET);
    assert_non_null(strstr(cp_ctx_error_message(ctx), "unsupported charset 1000"));
    assert_int_equal(cp_ctx_error_offset(ctx), 2);
    endctx(ctx, &t);
    check_spec("03 0B 00 00 45 01", CP_E_CHARSET, NULL);
    check_spec("03 0B 6B 00 45 01", CP_E_CHARSET, NULL);
}

static void test_header(void **state)
{
    (void)state;
    /* versions 1.1-1.3 only */
    check_spec("01 0B 6A 00 45 01", CP_OK, EMPTY_DOC);
    check_spec("02 0B 6A 00 45 01", CP_OK, EMPTY_DOC);
    assert_int_equal(check_spec("00 0B 6A 00 45 01", CP_E_MALFORMED, NULL), 0);
    assert_int_equal(check_spec("04 0B 6A 00 45 01", CP_E_MALFORMED, NULL), 0);
    check_spec("13 0B 6A 00 45 01", CP_E_MALFORMED, NULL);
    /* public id: 0x0B or the FPI in the string table */
    check_spec("03 00 00 6A 1E '-//WAPFORUM//DTD PROV 1.0//EN' 00 45 01", CP_OK, EMPTY_DOC);
    check_spec("03 00 04 6A 22 'abc' 00 '-//WAPFORUM//DTD PROV 1.0//EN' 00 45 01", CP_OK, EMPTY_DOC);
    check_spec("03 00 00 6A 1C '-//WAPFORUM//DTD SI 1.0//EN' 00 45 01", CP_E_NOT_PROV, NULL);
    check_spec("03 00 00 6A 1E '-//wapforum//dtd prov 1.0//en' 00 45 01", CP_E_NOT_PROV, NULL);
    check_spec("03 00 01 6A 1E '-//WAPFORUM//DTD PROV 1.0//EN' 00 45 01", CP_E_NOT_PROV, NULL);
    check_spec("03 00 00 6A 1F '-//WAPFORUM//DTD PROV 1.0//EN ' 00 45 01", CP_E_NOT_PROV, NULL);
    check_spec("03 00 1E 6A 1E '-//WAPFORUM//DTD PROV 1.0//EN' 00 45 01", CP_E_MALFORMED, NULL);
    check_spec("03 00 00 6A 1D '-//WAPFORUM//DTD PROV 1.0//EN' 45 01", CP_E_MALFORMED, NULL);
    check_spec("03 00 00 6A 00 45 01", CP_E_MALFORMED, NULL);
    check_spec("03 01 6A 00 45 01", CP_E_NOT_PROV, NULL);
    check_spec("03 0C 6A 00 45 01", CP_E_NOT_PROV, NULL);
    check_spec("03 81 0B 6A 00 45 01", CP_E_NOT_PROV, NULL);
    /* truncated header fields */
    check_spec("", CP_E_TRUNCATED, NULL);
    check_spec("03", CP_E_TRUNCATED, NULL);
    check_spec("03 00", CP_E_TRUNCATED, NULL);
    check_spec("03 0B 6A", CP_E_TRUNCATED, NULL);
    check_spec("03 0B 6A 00", CP_E_TRUNCATED, NULL);
}

/* ---- limits ------------------------------------------------------------- */

/* root + n nested characteristics, then an optional parm in the deepest. */
static void nested(bytes *b, int n, int parm)
{
    int i;
    set(b, H0 "45");
    for (i = 0; i < n; i++)
        add(b, "C6 50 03 'c' 00 01");
    if (parm)
        add(b, "87 07 01");
    for (i = 0; i < n; i++)
        add(b, "01");
    add(b, "01");
}

/*
 * Siblings at every depth, below the last-child cache's 16 levels too: 20
 * nested characteristics, each but the last holding a parm a, the next
 * characteristic and a parm b; leaves parms z in the last (leaves > 256
 * crosses a node block, and > 2 KB of input takes the copying path of
 * large inputs).
 */
static void deep_siblings(bytes *b, int leaves)
{
    int i;
    set(b, H0 "45 C6 50 03 'c' 00 01");
    for (i = 0; i < 19; i++)
        add(b, "87 05 03 'a' 00 01 C6 50 03 'c' 00 01");
    for (i = 0; i < leaves; i++)
        add(b, "87 05 03 'z' 00 01");
    for (i = 0; i < 19; i++)
        add(b, "01 87 05 03 'b' 00 01");
    add(b, "01 01");
}

/* The names of n's children, one letter each ("-" for a characteristic). */
static void child_names(const cp_node *n, char *out, size_t cap)
{
    size_t k = 0;
    for (n = cp_node_first_child(n); n != NULL; n = cp_node_next(n)) {
        const char *v = cp_node_attr(n, CP_ATTR_NAME);
        assert_true(k + 1 < cap);
        out[k++] = v ? v[0] : '-';
    }
    out[k] = '\0';
}

static void test_deep_siblings(void **state)
{
    static const int leaves[] = {100, 300};
    size_t i, d;
    char got[400];
    (void)state;
    for (i = 0; i < 2; i++) {
        tu_alloc t;
        bytes b;
        cp_ctx *ctx = mkctx(&t, NULL);
        const cp_node *n;
        cp_doc *doc = NULL;
        deep_siblings(&b, leaves[i]);
        assert_int_equal(cp_doc_decode_wbxml(ctx, b.b, b.n, &doc), CP_OK);
        assert_int_equal(cp_doc_element_count(doc), 1 + 20 + 19 * 2 + leaves[i]);
        n = cp_doc_root(doc);
        child_names(n, got, sizeof got);
        assert_string_equal(got, "-");
        n = cp_node_first_child(n);
        for (d = 0; d < 19; d++) {
            child_names(n, got, sizeof got);
            assert_string_equal(got, "a-b");
            n = cp_node_next(cp_node_first_child(n));
        }
        child_names(n, got, sizeof got);
        assert_int_equal(strlen(got), (size_t)leaves[i]);
        assert_int_equal(strspn(got, "z"), (size_t)leaves[i]);
        cp_doc_free(doc);
        endctx(ctx, &t);
    }
}

static void test_depth_limit(void **state)
{
    cp_limits lim;
    bytes b;
    tu_alloc t;
    cp_ctx *ctx;
    cp_doc *doc;
    (void)state;
    memset(&lim, 0, sizeof lim);
    lim.max_depth = 3;
    nested(&b, 2, 0);
    check_dec("depth 3", &lim, &b, CP_OK, NULL);
    nested(&b, 3, 0);
    check_dec("depth 4", &lim, &b, CP_E_LIMIT, NULL);
    nested(&b, 1, 1);
    check_dec("parm at depth 3", &lim, &b, CP_OK, NULL);
    nested(&b, 2, 1);
    assert_int_equal(check_dec("parm at depth 4", &lim, &b, CP_E_LIMIT, NULL),
                     4 + 1 + 2 * 6);
    /* the default: 32 */
    nested(&b, 31, 0);
    check_dec("depth 32", NULL, &b, CP_OK, NULL);
    nested(&b, 32, 0);
    ctx = mkctx(&t, NULL);
    assert_int_equal(cp_doc_decode_wbxml(ctx, b.b, b.n, &doc), CP_E_LIMIT);
    assert_non_null(strstr(cp_ctx_error_path(ctx), "/characteristic[c]/characteristic[c]"));
    endctx(ctx, &t);
    /* a deep document cut short or mutated is still refused cleanly */
    nested(&b, 1000, 1);
    check_dec("depth 1001", NULL, &b, CP_E_LIMIT, NULL);
    lim.max_depth = 5000;
    check_dec("depth 1001 allowed", &lim, &b, CP_OK, NULL);
    b.n -= 3;
    check_dec("depth 1001 cut", &lim, &b, CP_E_TRUNCATED, NULL);
}

static void test_element_limit(void **state)
{
    cp_limits lim;
    bytes b;
    (void)state;
    memset(&lim, 0, sizeof lim);
    lim.max_elements = 3; /* the root counts */
    set(&b, H0 "45 86 55 01 86 55 01 01");
    check_dec("3 elements", &lim, &b, CP_OK, NULL);
    set(&b, H0 "45 86 55 01 86 55 01 86 55 01 01");
    assert_int_equal(check_dec("4 elements", &lim, &b, CP_E_LIMIT, NULL), 11);
    lim.max_elements = 1;
    set(&b, H0 "45 01");
    check_dec("root only", &lim, &b, CP_OK, EMPTY_DOC);
}

static void test_attr_limit(void **state)
{
    cp_limits lim;
    bytes b;
    (void)state;
    memset(&lim, 0, sizeof lim);
    lim.max_attr_bytes = 8;
    set(&b, PARM_V("03 '12345678' 00"));
    check_dec("8 bytes", &lim, &b, CP_OK, PARM_XML("12345678"));
    set(&b, PARM_V("03 '123456789' 00"));
    check_dec("9 bytes", &lim, &b, CP_E_LIMIT, NULL);
    set(&b, PARM_V("03 '1234' 00 03 '5678' 00"));
    check_dec("4+4", &lim, &b, CP_OK, PARM_XML("12345678"));
    set(&b, PARM_V("03 '1234' 00 03 '56789' 00"));
    check_dec("4+5", &lim, &b, CP_E_LIMIT, NULL);
    set(&b, H0 "45 C6 55 01 87 07 03 '1234' 00 01 01 01"); /* "NAME" + "1234" */
    check_dec("prefix+4", &lim, &b, CP_OK, NULL);
    set(&b, H0 "45 C6 55 01 87 07 03 '12345' 00 01 01 01");
    check_dec("prefix+5", &lim, &b, CP_E_LIMIT, NULL);
    set(&b, PARM_V("90")); /* ANALOG-MODEM, 12 bytes */
    check_dec("value token", &lim, &b, CP_E_LIMIT, NULL);
    set(&b, PARM_V("03 '1234567' 00 02 81 69")); /* 7 + 2 bytes of UTF-8 */
    check_dec("entity", &lim, &b, CP_E_LIMIT, NULL);
    set(&b, "03 0B 04 00 45 C6 55 01 87 05 03 'N' 00 06 03 '1234567' E9 00 01 01 01");
    check_dec("latin-1 grows", &lim, &b, CP_E_LIMIT, NULL);
    set(&b, PARM_V("C3 09 '123456789'"));
    check_dec("opaque", &lim, &b, CP_E_LIMIT, NULL);
    lim.max_attr_bytes = 3;
    set(&b, H0 "45 C6 55 01 87 07 01 01 01"); /* the prefix alone */
    check_dec("prefix", &lim, &b, CP_E_LIMIT, NULL);
}

static void test_size_limits(void **state)
{
    cp_limits lim;
    bytes b;
    (void)state;
    memset(&lim, 0, sizeof lim);
    lim.max_strtbl_bytes = 4;
    set(&b, "03 0B 6A 04 'abc' 00 45 01");
    check_dec("table 4", &lim, &b, CP_OK, EMPTY_DOC);
    set(&b, "03 0B 6A 05 'abcd' 00 45 01");
    check_dec("table 5", &lim, &b, CP_E_LIMIT, NULL);
    memset(&lim, 0, sizeof lim);
    lim.max_doc_bytes = 6;
    set(&b, H0 "45 01");
    check_dec("doc 6", &lim, &b, CP_OK, EMPTY_DOC);
    set(&b, H0 "00 00 45 01");
    check_dec("doc 8", &lim, &b, CP_E_LIMIT, NULL);
}

/* ---- grammar and structure ------------------------------------------------ */

static void test_grammar(void **state)
{
    tu_alloc t;
    cp_ctx *ctx;
    cp_doc *doc;
    bytes b;
    (void)state;
    /* duplicate attribute: malformed, at the second start token */
    assert_int_equal(check_spec(H0 "45 C6 50 03 'A' 00 55 01 01 01", CP_E_MALFORMED, NULL), 10);
    check_spec(H0 "45 C6 55 01 87 07 05 03 'x' 00 01 01 01", CP_E_MALFORMED, NULL);
    /* required attributes */
    check_spec(H0 "45 C6 01 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "45 46 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "45 C6 55 01 87 06 01 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "45 C6 55 01 07 01 01", CP_E_GRAMMAR, NULL);
    /* attributes on the wrong element */
    check_spec(H0 "45 C6 46 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "C5 55 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "45 C6 55 07 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "45 C6 55 01 87 07 55 01 01 01", CP_E_GRAMMAR, NULL);
    /* elements in the wrong place */
    check_spec(H0 "45 87 07 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "45 45 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "45 C6 55 01 C7 07 01 87 07 01 01 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "C6 55 01 01", CP_E_GRAMMAR, NULL);
    check_spec(H0 "87 07 01", CP_E_GRAMMAR, NULL);
    /* a parm may have (empty) content */
    check_spec(H0 "45 C6 55 01 C7 07 01 01 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"NAPDEF\"><parm name=\"NAME\"/></characteristic></wap-provisioningdoc>");
    /* text content, with the element path */
    set(&b, H0 "45 C6 55 01 03 'x' 00 01 01");
    ctx = mkctx(&t, NULL);
    assert_int_equal(cp_doc_decode_wbxml(ctx, b.b, b.n, &doc), CP_E_GRAMMAR);
    assert_int_equal(cp_ctx_error_offset(ctx), 8);
    assert_string_equal(cp_ctx_error_path(ctx), "/wap-provisioningdoc/characteristic[NAPDEF]");
    /* an unknown token inside a parm: offset and path of the parm */
    set(&b, H0 "45 C6 55 01 87 4D 01 01 01");
    assert_int_equal(cp_doc_decode_wbxml(ctx, b.b, b.n, &doc), CP_E_UNKNOWN_TOKEN);
    assert_int_equal(cp_ctx_error_offset(ctx), 9);
    assert_non_null(strstr(cp_ctx_error_message(ctx), "0x4D"));
    assert_string_equal(cp_ctx_error_path(ctx),
                        "/wap-provisioningdoc/characteristic[NAPDEF]/parm");
    /* after the root closed there is no path */
    set(&b, H0 "45 01 45 01");
    assert_int_equal(cp_doc_decode_wbxml(ctx, b.b, b.n, &doc), CP_E_MALFORMED);
    assert_int_equal(cp_ctx_error_offset(ctx), 6);
    assert_string_equal(cp_ctx_error_path(ctx), "");
    endctx(ctx, &t);
    /* value before any attribute start; END with nothing open */
    check_spec(H0 "45 C6 85 01 01", CP_E_MALFORMED, NULL);
    check_spec(H0 "45 C6 83 00 01 01", CP_E_MALFORMED, NULL);
    check_spec(H0 "01", CP_E_MALFORMED, NULL);
    /* unknown LITERAL names, shown safely in the message */
    set(&b, "03 0B 6A 05 'b' 0A 'g' 1B 00 45 C4 00 50 03 'x' 00 01 01 01");
    ctx = mkctx(&t, NULL);
    assert_int_equal(cp_doc_decode_wbxml(ctx, b.b, b.n, &doc), CP_E_GRAMMAR);
    assert_non_null(strstr(cp_ctx_error_message(ctx), "'b?g?'"));
    endctx(ctx, &t);
    check_spec("03 0B 6A 06 'bogus' 00 45 C4 00 50 03 'x' 00 01 01 01", CP_E_GRAMMAR, NULL);
    check_spec("03 0B 6A 05 'Mwid' 00 45 C6 55 04 00 03 'x' 00 01 01 01", CP_E_GRAMMAR, NULL);
    check_spec("03 0B 6A 06 'bogus' 00 04 00", CP_E_GRAMMAR, NULL);
    /* a LITERAL standing for a tokenised name works too */
    check_spec("03 0B 6A 0F 'characteristic' 00 45 C4 00 04 00 03 'x' 00 01 01 01", CP_E_GRAMMAR, NULL);
    check_spec("03 0B 6A 14 'characteristic' 00 'type' 00 45 C4 00 04 0F 03 'x' 00 01 01 01", CP_OK,
               "<wap-provisioningdoc><characteristic type=\"x\"></characteristic></wap-provisioningdoc>");
}

/* Windows Mobile elements and attributes travel as LITERALs. */
static void test_wm_literals(void **state)
{
    (void)state;
    check_spec("03 0B 6A 38 'characteristic-query' 00 'parm-error' 00 'recursive' 00 'desc' 00 'datatype' 00 "
               "45 C6 55 01 "
               "84 00 50 03 'x' 00 04 20 03 'false' 00 01 "
               "84 15 05 03 'Foo' 00 06 03 'bar' 00 04 2A 03 'bad' 00 04 2F 03 'integer' 00 01 "
               "01 01",
               CP_OK,
               "<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
               "<characteristic-query type=\"x\" recursive=\"false\"></characteristic-query>"
               "<parm-error name=\"Foo\" value=\"bar\" datatype=\"integer\" desc=\"bad\"/>"
               "</characteristic></wap-provisioningdoc>");
    /* recursive is not an attribute of a parm-error */
    check_spec("03 0B 6A 15 'parm-error' 00 'recursive' 00 45 C6 55 01 84 00 05 03 'F' 00 04 0B 03 'x' 00 01 01 01",
               CP_E_GRAMMAR, NULL);
}

/* ---- encoder ---------------------------------------------------------------- */

static const cp_node *add_node(cp_doc *doc, const cp_node *parent,
                               cp_node_kind k, ...)
{
    const cp_node *n;
    va_list ap;
    int a;
    assert_int_equal(cp_node_add(doc, parent, k, &n), CP_OK);
    va_start(ap, k);
    while ((a = va_arg(ap, int)) >= 0)
        assert_int_equal(cp_node_set_attr(doc, n, (cp_attr)a, va_arg(ap, const char *)),
                         CP_OK);
    va_end(ap);
    return n;
}

#define END_ -1

/* A document with every node kind and every attribute. */
static cp_doc *wm_doc(cp_ctx *ctx)
{
    cp_doc *doc;
    const cp_node *r, *c, *e;
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    r = cp_doc_root(doc);
    assert_int_equal(cp_node_set_attr(doc, r, CP_ATTR_VERSION, "1.1"), CP_OK);
    c = add_node(doc, r, CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "NAPDEF",
                 CP_ATTR_TRANSLATION, "install", CP_ATTR_MWID, "1", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "NAME", CP_ATTR_VALUE, "x",
             CP_ATTR_DATATYPE, "string", CP_ATTR_TRANSLATION, "filesystem",
             CP_ATTR_SEMANTIC_TYPE, "s", CP_ATTR_MINVALUE, "0",
             CP_ATTR_MAXVALUE, "9", CP_ATTR_MAXLENGTH, "10", CP_ATTR_OPTIONS,
             "a,b", CP_ATTR_MULTIPLE, "true", CP_ATTR_RW_ACCESS, "3",
             CP_ATTR_LABEL, "L", CP_ATTR_ACCESS_ROLES, "7", END_);
    add_node(doc, c, CP_NODE_PARM_QUERY, CP_ATTR_NAME, "q", END_);
    add_node(doc, c, CP_NODE_NOPARM, CP_ATTR_NAME, "n", END_);
    add_node(doc, c, CP_NODE_NOCHARACTERISTIC, CP_ATTR_TYPE, "T", CP_ATTR_MWID, "0", END_);
    add_node(doc, c, CP_NODE_CHARACTERISTIC_QUERY, CP_ATTR_TYPE, "Q",
             CP_ATTR_RECURSIVE, "true", CP_ATTR_MWID, "1", END_);
    e = add_node(doc, c, CP_NODE_CHARACTERISTIC_ERROR, CP_ATTR_TYPE, "E", CP_ATTR_DESC, "bad", END_);
    add_node(doc, e, CP_NODE_PARM_ERROR, CP_ATTR_NAME, "pe", CP_ATTR_VALUE, "v", CP_ATTR_DESC, "d", END_);
    add_node(doc, e, CP_NODE_CHARACTERISTIC_QUERY_ERROR, CP_ATTR_TYPE, "cq", CP_ATTR_DESC, "d", END_);
    add_node(doc, e, CP_NODE_PARM_QUERY_ERROR, CP_ATTR_NAME, "pq", CP_ATTR_DESC, "d", END_);
    add_node(doc, e, CP_NODE_NOCHARACTERISTIC_ERROR, CP_ATTR_TYPE, "nc", CP_ATTR_DESC, "d", END_);
    add_node(doc, e, CP_NODE_NOPARM_ERROR, CP_ATTR_NAME, "np", CP_ATTR_DESC, "d", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "U", CP_ATTR_VALUE,
             "\xC3\xA9 & <> \" \xE2\x82\xAC", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "IPV4", CP_ATTR_VALUE, "IPV4", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "AAUTHLEVEL", CP_ATTR_VALUE, "APPSRV", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "E", CP_ATTR_VALUE, "", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "ipv4", CP_ATTR_VALUE, "apn", END_);
    c = add_node(doc, r, CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "APPLICATION", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "APPID", CP_ATTR_VALUE, "w2", END_);
    return doc;
}

static void test_encode_roundtrip_wm(void **state)
{
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, NULL);
    cp_doc *doc = wm_doc(ctx);
    (void)state;
    check_enc(ctx, doc, 0, NULL);
    check_enc(ctx, doc, CP_WBXML_NO_STRING_TABLE, NULL);
    cp_doc_free(doc);
    endctx(ctx, &t);
}

static void test_encode_exact(void **state)
{
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, NULL);
    cp_doc *doc;
    const cp_node *r, *c, *n;
    bytes w;
    (void)state;

    /* repeated strings go to the table once, in order of first use */
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    r = cp_doc_root(doc);
    c = add_node(doc, r, CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "A", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "CM", CP_ATTR_VALUE, "x", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "CM", CP_ATTR_VALUE, "x", END_);
    add_node(doc, r, CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "A", END_);
    set(&w, "03 0B 6A 07 'A' 00 'CM' 00 'x' 00 45 C6 50 83 00 01 87 05 83 02 06 83 05 01 "
            "87 05 83 02 06 83 05 01 01 86 50 83 00 01 01");
    check_enc(ctx, doc, 0, &w);
    set(&w, H0 "45 C6 50 03 'A' 00 01 87 05 03 'CM' 00 06 03 'x' 00 01 "
            "87 05 03 'CM' 00 06 03 'x' 00 01 01 86 50 03 'A' 00 01 01");
    check_enc(ctx, doc, CP_WBXML_NO_STRING_TABLE, &w);
    cp_doc_free(doc);

    /* attribute pages: switch only where needed; value tokens page 0 first */
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    r = cp_doc_root(doc);
    c = add_node(doc, r, CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "APPLICATION", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "APPID", CP_ATTR_VALUE, "w2", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "AAUTHLEVEL", CP_ATTR_VALUE, "APPSRV", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "ZZ", CP_ATTR_VALUE, "E164", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "PXADDRTYPE", CP_ATTR_VALUE, "IPV6", END_);
    add_node(doc, c, CP_NODE_PARM, CP_ATTR_NAME, "NAME", CP_ATTR_VALUE, "n", END_);
    add_node(doc, r, CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "NAPDEF", END_);
    set(&w, H0 "45 C6 00 01 55 01 87 36 06 03 'w2' 00 01 87 30 06 8D 01 "
            "87 05 03 'ZZ' 00 06 00 00 87 01 87 21 06 86 01 87 07 06 03 'n' 00 01 01 "
            "86 55 01 01");
    check_enc(ctx, doc, 0, &w);
    cp_doc_free(doc);

    /* Windows Mobile names as LITERALs; version 1.1 has no token of its own */
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    r = cp_doc_root(doc);
    assert_int_equal(cp_node_set_attr(doc, r, CP_ATTR_VERSION, "1.1"), CP_OK);
    c = add_node(doc, r, CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "A", END_);
    add_node(doc, c, CP_NODE_NOPARM, CP_ATTR_NAME, "A", END_);
    add_node(doc, r, CP_NODE_CHARACTERISTIC_QUERY, CP_ATTR_TYPE, "B", CP_ATTR_MWID, "1", END_);
    set(&w, "03 0B 6A 23 'A' 00 'noparm' 00 'characteristic-query' 00 'mwid' 00 "
            "C5 45 03 '1.1' 00 01 C6 50 83 00 01 84 02 05 83 00 01 01 "
            "84 09 50 03 'B' 00 04 1E 03 '1' 00 01 01");
    check_enc(ctx, doc, 0, &w);
    set(&w, "03 0B 6A 21 'noparm' 00 'characteristic-query' 00 'mwid' 00 "
            "C5 45 03 '1.1' 00 01 C6 50 03 'A' 00 01 84 00 05 03 'A' 00 01 01 "
            "84 07 50 03 'B' 00 04 1C 03 '1' 00 01 01");
    check_enc(ctx, doc, CP_WBXML_NO_STRING_TABLE, &w);
    cp_doc_free(doc);

    /* the smallest documents */
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    set(&w, H0 "05");
    check_enc(ctx, doc, 0, &w);
    r = cp_doc_root(doc);
    assert_int_equal(cp_node_set_attr(doc, r, CP_ATTR_VERSION, "1.0"), CP_OK);
    set(&w, H0 "85 46 01");
    check_enc(ctx, doc, 0, &w);
    n = add_node(doc, r, CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "BOOTSTRAP", END_);
    (void)n;
    set(&w, H0 "C5 46 01 86 56 01 01");
    check_enc(ctx, doc, 0, &w);
    cp_doc_free(doc);
    endctx(ctx, &t);
}

static void test_encode_errors(void **state)
{
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, NULL);
    cp_doc *doc;
    const cp_node *c;
    uint8_t *w = (uint8_t *)1;
    size_t wn = 7;
    (void)state;
    assert_int_equal(cp_doc_new(ctx, &doc), CP_OK);
    c = add_node(doc, cp_doc_root(doc), CP_NODE_CHARACTERISTIC, CP_ATTR_TYPE, "A", END_);
    add_node(doc, c, CP_NODE_PARM, END_); /* no name: cannot round-trip */
    assert_int_equal(cp_doc_encode_wbxml(ctx, doc, 0, &w, &wn), CP_E_GRAMMAR);
    assert_null(w);
    assert_int_equal(wn, 0);
    assert_string_equal(cp_ctx_error_path(ctx), "/wap-provisioningdoc/characteristic[A]/parm");
    assert_int_equal(cp_doc_encode_wbxml(NULL, doc, 0, &w, &wn), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_encode_wbxml(ctx, NULL, 0, &w, &wn), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_encode_wbxml(ctx, doc, 0, NULL, &wn), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_encode_wbxml(ctx, doc, 0, &w, NULL), CP_E_INVALID_ARG);
    cp_doc_free(doc);
    /* decoder arguments */
    assert_int_equal(cp_doc_decode_wbxml(NULL, (const uint8_t *)"", 0, &doc), CP_E_INVALID_ARG);
    assert_null(doc);
    assert_int_equal(cp_doc_decode_wbxml(ctx, (const uint8_t *)"", 0, NULL), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_decode_wbxml(ctx, NULL, 3, &doc), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_decode_wbxml(ctx, NULL, 0, &doc), CP_E_TRUNCATED);
    endctx(ctx, &t);
}

/* ---- allocation failures and memory ------------------------------------- */

static void sweep_decode(const uint8_t *b, size_t n)
{
    long k;
    for (k = 1;; k++) {
        tu_alloc t;
        cp_ctx *ctx = mkctx(&t, NULL);
        cp_doc *doc = (cp_doc *)1;
        cp_status st;
        t.fail_at = t.calls + k;
        st = cp_doc_decode_wbxml(ctx, b, n, &doc);
        if (st == CP_OK) {
            cp_doc_free(doc);
            endctx(ctx, &t);
            break;
        }
        assert_int_equal(st, CP_E_NOMEM);
        assert_int_equal(cp_ctx_error_code(ctx), CP_E_NOMEM);
        assert_null(doc);
        assert_int_equal(t.live, 1);
        endctx(ctx, &t);
    }
    assert_true(k > 1);
}

static void sweep_encode(cp_doc *(*make)(cp_ctx *, const void *), const void *arg,
                         unsigned flags)
{
    long k;
    for (k = 1;; k++) {
        tu_alloc t;
        cp_ctx *ctx = mkctx(&t, NULL);
        cp_doc *doc = make(ctx, arg);
        uint8_t *w = (uint8_t *)1;
        size_t wn = 1;
        long live = t.live;
        cp_status st;
        t.fail_at = t.calls + k;
        st = cp_doc_encode_wbxml(ctx, doc, flags, &w, &wn);
        t.fail_at = 0;
        if (st == CP_OK) {
            cp_free(ctx, w);
            cp_doc_free(doc);
            endctx(ctx, &t);
            break;
        }
        assert_int_equal(st, CP_E_NOMEM);
        assert_int_equal(cp_ctx_error_code(ctx), CP_E_NOMEM);
        assert_null(w);
        assert_int_equal(t.live, live);
        cp_doc_free(doc);
        endctx(ctx, &t);
    }
    assert_true(k > 1);
}

typedef struct blob {
    const uint8_t *b;
    size_t n;
} blob;

static cp_doc *make_from_blob(cp_ctx *ctx, const void *arg)
{
    const blob *bl = arg;
    return decode_ok(ctx, bl->b, bl->n);
}

static cp_doc *make_wm(cp_ctx *ctx, const void *arg)
{
    (void)arg;
    return wm_doc(ctx);
}

static void test_alloc_failures(void **state)
{
    size_t i, n, wn;
    blob bl;
    tu_alloc t;
    cp_ctx *ctx;
    cp_doc *doc;
    uint8_t *w;
    (void)state;
    for (i = 0; i < N_VECTORS - 1; i++) {
        uint8_t *b = vector_bytes(doc_vectors[i], &n);
        sweep_decode(b, n);
        free(b);
    }
    bl.b = vector_bytes(LARGEST, &bl.n);
    sweep_encode(make_from_blob, &bl, 0);
    sweep_encode(make_from_blob, &bl, CP_WBXML_NO_STRING_TABLE);
    free((void *)bl.b);
    sweep_encode(make_wm, NULL, 0);
    sweep_encode(make_wm, NULL, CP_WBXML_NO_STRING_TABLE);
    /* the decode of an encoded Windows Mobile document (LITERALs, string table) */
    ctx = mkctx(&t, NULL);
    doc = wm_doc(ctx);
    assert_int_equal(cp_doc_encode_wbxml(ctx, doc, 0, &w, &wn), CP_OK);
    sweep_decode(w, wn);
    cp_free(ctx, w);
    cp_doc_free(doc);
    endctx(ctx, &t);
}

/* Peak heap of a decode: at most 3x the input + 16 KB. */
static void test_peak_heap(void **state)
{
    size_t i, n;
    (void)state;
    for (i = 0; i < N_VECTORS; i++) {
        uint8_t *b = vector_bytes(doc_vectors[i], &n);
        tu_alloc t;
        cp_ctx *ctx = mkctx(&t, NULL);
        size_t base = t.cur, peak, held;
        cp_doc *doc = NULL;
        cp_status st;
        t.peak = base;
        st = cp_doc_decode_wbxml(ctx, b, n, &doc);
        peak = t.peak - base;
        held = t.cur - base;
        print_message("peak heap %-40s %4lu bytes in: peak %5lu, doc %5lu, limit %lu (%s)\n",
                      doc_vectors[i], (unsigned long)n, (unsigned long)peak,
                      (unsigned long)held, (unsigned long)(3 * n + 16384),
                      cp_strerror(st));
        assert_true(peak <= 3 * n + 16384);
        cp_doc_free(doc);
        endctx(ctx, &t);
        free(b);
    }
}

/*
 * Every token-table string is stored after a byte holding its length and
 * holds nothing XML escapes: the decoder marks such keys and values
 * (CP_NF_KEYLEN) and the XML writer then trusts both.
 */
static void test_prov_strings_known(void **state)
{
    unsigned page, tok, i;
    (void)state;
    for (page = 0; page < 2; page++) {
        for (tok = 0; tok < 0x100; tok++) {
            const cp_prov_str *e = tok < 0x80 ? cp_prov__start(page, tok)
                                              : cp_prov__value(page, tok);
            if (e == NULL)
                continue;
            assert_int_equal((unsigned char)e->s[-1], e->len);
            for (i = 0; i < e->len; i++)
                assert_true((unsigned char)e->s[i] >= 0x20 &&
                            strchr("\"&<>", e->s[i]) == NULL);
        }
    }
}

/* The XML of doc, compared with want. */
static void xml_is(cp_ctx *ctx, const cp_doc *doc, const char *want)
{
    char *x = NULL;
    size_t n = 0;
    assert_int_equal(cp_doc_write_xml(ctx, doc, 0, &x, &n), CP_OK);
    assert_string_equal(x, want);
    assert_int_equal(n, strlen(want));
    cp_free(ctx, x);
}

/*
 * A key and a value decoded from tokens are written from their known
 * lengths; once changed through the API, the new strings are escaped.
 */
static void test_token_strings_changed(void **state)
{
    tu_alloc t;
    cp_ctx *ctx = mkctx(&t, NULL);
    const cp_node *c, *p;
    cp_doc *doc;
    bytes b;
    (void)state;
    /* characteristic type=BOOTSTRAP, parm name=NAME value=IPV4, then a
       parm name=PROXY-ID value=IPV6 */
    set(&b, "03 0B 6A 00 45 C6 56 01 87 07 06 85 01 87 15 06 86 01 01 01");
    doc = decode_ok(ctx, b.b, b.n);
    xml_is(ctx, doc,
           "<wap-provisioningdoc><characteristic type=\"BOOTSTRAP\">"
           "<parm name=\"NAME\" value=\"IPV4\"/>"
           "<parm name=\"PROXY-ID\" value=\"IPV6\"/>"
           "</characteristic></wap-provisioningdoc>");
    c = cp_node_first_child(cp_doc_root(doc));
    p = cp_node_first_child(c);
    assert_int_equal(cp_node_set_attr(doc, c, CP_ATTR_TYPE, "A&B"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_NAME, "<N>"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_VALUE, "say \"hi\""),
                     CP_OK);
    p = cp_node_next(p);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_VALUE, "x\ty"), CP_OK);
    xml_is(ctx, doc,
           "<wap-provisioningdoc><characteristic type=\"A&amp;B\">"
           "<parm name=\"&lt;N&gt;\" value=\"say &quot;hi&quot;\"/>"
           "<parm name=\"PROXY-ID\" value=\"x&#9;y\"/>"
           "</characteristic></wap-provisioningdoc>");
    /* a plain string of another length than the token had */
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_NAME, "P"), CP_OK);
    assert_int_equal(cp_node_set_attr(doc, p, CP_ATTR_VALUE, NULL), CP_OK);
    xml_is(ctx, doc,
           "<wap-provisioningdoc><characteristic type=\"A&amp;B\">"
           "<parm name=\"&lt;N&gt;\" value=\"say &quot;hi&quot;\"/>"
           "<parm name=\"P\"/></characteristic></wap-provisioningdoc>");
    cp_doc_free(doc);
    endctx(ctx, &t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_decode),
        cmocka_unit_test(test_vector_truncated),
        cmocka_unit_test(test_vectors_every_prefix),
        cmocka_unit_test(test_vectors_roundtrip),
        cmocka_unit_test(test_vectors_mutated),
        cmocka_unit_test(test_global_tokens),
        cmocka_unit_test(test_ext_tokens),
        cmocka_unit_test(test_processing_instructions),
        cmocka_unit_test(test_prov_tables),
        cmocka_unit_test(test_prov_start_tokens_decode),
        cmocka_unit_test(test_prov_value_tokens_decode),
        cmocka_unit_test(test_prov_start_tokens_encode),
        cmocka_unit_test(test_prov_value_tokens_encode),
        cmocka_unit_test(test_code_pages),
        cmocka_unit_test(test_string_table),
        cmocka_unit_test(test_one_string_forms),
        cmocka_unit_test(test_mb_u_int32),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_charsets),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_deep_siblings),
        cmocka_unit_test(test_element_limit),
        cmocka_unit_test(test_attr_limit),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_grammar),
        cmocka_unit_test(test_wm_literals),
        cmocka_unit_test(test_encode_roundtrip_wm),
        cmocka_unit_test(test_encode_exact),
        cmocka_unit_test(test_encode_errors),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_peak_heap),
        cmocka_unit_test(test_prov_strings_known),
        cmocka_unit_test(test_token_strings_changed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
