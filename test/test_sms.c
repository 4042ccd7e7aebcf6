/*
 * test_sms.c - SMS segment reassembly (omacp/sms.h) against the UDH
 * examples of wsp_push_pdus.json and protocol.md d.1, and the push PDUs of
 * the same file cut into segments with the UDH layout of 3GPP TS 23.040
 * (IEI 05 16-bit ports, IEI 00 / 08 concatenation).
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
#include "omacp.h"

#define VEC "wsp_push_pdus.json"
#define UD_MAX 140
/* push-no-sec of the vectors: a PDU short enough for one SMS. */
#define SHORT_PDU_HEX "010601B6030B6A004501"
#define MAC_A "AA2DC41FC48AEEF3FED7351B1EE704461A8894D4"
#define ORIGIN_A "+886912345678"
#define ORIGIN_B "+886987654321"

enum { REF8 = 0, REF16 = 1 };

static cp_ctx *ctx;
static cp_sms *sms;
static tu_alloc talloc;

/* ---- fixtures ------------------------------------------------------------- */

static int open_with(const cp_sms_options *opt)
{
    cp_config cfg;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &talloc, 0);
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        return -1;
    return cp_sms_new(ctx, opt, &sms) == CP_OK ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    return open_with(NULL);
}

static void close_all(void)
{
    cp_sms_free(sms);
    sms = NULL;
    cp_ctx_free(ctx);
    ctx = NULL;
    assert_int_equal(talloc.live, 0);
}

static int teardown(void **state)
{
    (void)state;
    close_all();
    return 0;
}

/* Reopen with other limits (the fixture made a default reassembler). */
static void reopen(unsigned max_segments, unsigned max_pending,
                   uint32_t expiry)
{
    cp_sms_options o;
    close_all();
    cp_sms_options_init(&o);
    o.max_segments = max_segments;
    o.max_pending = max_pending;
    o.expiry_seconds = expiry;
    assert_int_equal(open_with(&o), 0);
}

/* ---- segments --------------------------------------------------------------- */

typedef struct seg {
    uint8_t ud[UD_MAX + 8];
    size_t len;
} seg;

/* The n-th pdu_hex of the vectors: 0 push-userpin, 3 push-userpinmac-short-length. */
static uint8_t *vector_pdu(int n, size_t *len)
{
    char *hex = tu_vector_field_n(VEC, "pdu_hex", n);
    uint8_t *p;
    assert_non_null(hex);
    p = tu_hex(hex, len);
    free(hex);
    assert_non_null(p);
    return p;
}

/* The UDH layout the task names:
   8-bit:  0B 05 04 0B 84 23 F0 00 03 ref total seq
   16-bit: 0C 05 04 0B 84 23 F0 08 04 refhi reflo total seq */
static size_t put_udh(uint8_t *b, int kind, unsigned ref, unsigned total,
                      unsigned seq)
{
    static const uint8_t ports[] = {0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0};
    size_t n = 1;
    memcpy(b + n, ports, sizeof ports);
    n += sizeof ports;
    if (kind == REF8) {
        b[n++] = 0x00;
        b[n++] = 0x03;
        b[n++] = (uint8_t)ref;
    } else {
        b[n++] = 0x08;
        b[n++] = 0x04;
        b[n++] = (uint8_t)(ref >> 8);
        b[n++] = (uint8_t)(ref & 0xFF);
    }
    b[n++] = (uint8_t)total;
    b[n++] = (uint8_t)seq;
    b[0] = (uint8_t)(n - 1);
    return n;
}

/* Cut pdu into total segments of nearly equal size, each one SMS. */
static void split(const uint8_t *pdu, size_t len, int kind, unsigned ref,
                  unsigned total, seg *out)
{
    size_t chunk = (len + total - 1) / total, pos = 0;
    unsigned i;
    for (i = 0; i < total; i++) {
        size_t n = len - pos < chunk ? len - pos : chunk;
        size_t h = put_udh(out[i].ud, kind, ref, total, i + 1);
        assert_true(h + n <= UD_MAX);
        memcpy(out[i].ud + h, pdu + pos, n);
        out[i].len = h + n;
        pos += n;
    }
    assert_int_equal(pos, len);
}

/* Add one segment from an exact-size heap copy, so ASan sees any overread. */
static cp_status add_from(const char *origin, const uint8_t *ud, size_t len,
                          int udhi, uint64_t now, uint8_t **pdu,
                          size_t *pdu_len)
{
    uint8_t *copy = malloc(len ? len : 1);
    cp_status st;
    assert_non_null(copy);
    if (len)
        memcpy(copy, ud, len);
    st = cp_sms_add(sms, origin, copy, len, udhi, now, pdu, pdu_len);
    free(copy);
    return st;
}

/* Add a segment that must not complete its message. */
static void add_partial(const char *origin, const seg *s, uint64_t now)
{
    uint8_t *pdu = (uint8_t *)1;
    size_t n = 99;
    assert_int_equal(add_from(origin, s->ud, s->len, 1, now, &pdu, &n), CP_OK);
    assert_null(pdu);
    assert_int_equal(n, 0);
}

/* Add the segment that completes a message; compare with want. */
static void add_last(const char *origin, const seg *s, uint64_t now,
                     const uint8_t *want, size_t want_len)
{
    uint8_t *pdu = NULL;
    size_t n = 0;
    assert_int_equal(add_from(origin, s->ud, s->len, 1, now, &pdu, &n), CP_OK);
    assert_non_null(pdu);
    assert_int_equal(n, want_len);
    assert_memory_equal(pdu, want, want_len);
    cp_free(ctx, pdu);
}

/* Next permutation in lexicographic order; 0 after the last one. */
static int next_perm(unsigned *a, unsigned n)
{
    unsigned i, j, t;
    if (n < 2)
        return 0;
    i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        i--;
    if (i == 0)
        return 0;
    j = n - 1;
    while (a[j] <= a[i - 1])
        j--;
    t = a[i - 1], a[i - 1] = a[j], a[j] = t;
    for (j = n - 1; i < j; i++, j--)
        t = a[i], a[i] = a[j], a[j] = t;
    return 1;
}

static unsigned factorial(unsigned n)
{
    return n < 2 ? 1 : n * factorial(n - 1);
}

/* ---- the vectors' UDH examples --------------------------------------------- */

static void single(const char *udh_hex, const uint8_t *payload, size_t plen,
                   cp_status want)
{
    size_t hl = 0;
    uint8_t *udh = tu_hex(udh_hex, &hl), ud[UD_MAX], *pdu = NULL;
    size_t n = 0;
    assert_non_null(udh);
    assert_true(hl + plen <= sizeof ud);
    memcpy(ud, udh, hl);
    memcpy(ud + hl, payload, plen);
    free(udh);
    assert_int_equal(add_from(ORIGIN_A, ud, hl + plen, 1, 10, &pdu, &n), want);
    if (want == CP_OK) {
        assert_non_null(pdu);
        assert_int_equal(n, plen);
        assert_memory_equal(pdu, payload, plen);
        cp_free(ctx, pdu);
    } else {
        assert_null(pdu);
        assert_int_equal(cp_ctx_error_code(ctx), want);
    }
    assert_int_equal(cp_sms_pending(sms), 0);
}

static void test_vector_udh(void **state)
{
    size_t plen;
    uint8_t *payload = tu_hex(SHORT_PDU_HEX, &plen);
    /* "sms_udh_example" then "kannel_udh_as_read": both UDHL 6 and one
       16-bit port IE naming destination 2948 (protocol.md d.1). */
    char *a = tu_vector_field_n(VEC, "hex", 0);
    char *b = tu_vector_field_n(VEC, "hex", 1);
    (void)state;
    assert_non_null(payload);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, "0605040B8423F0");
    assert_string_equal(b, "0605040B840B84");
    single(a, payload, plen, CP_OK);
    single(b, payload, plen, CP_OK);
    /* Kannel's Nokia OTA form (protocol.md d.1): port 49999, not WAP push. */
    single("0B0504C34FC0020003040201", payload, plen, CP_E_NOT_PROV);
    free(a);
    free(b);
    free(payload);
}

/* ---- reassembly in every order ------------------------------------------- */

/* Every order of the total segments of pdu, in both reference forms. */
static void all_orders(const uint8_t *pdu, size_t len, unsigned total)
{
    seg segs[8];
    unsigned perm[8], i, runs = 0;
    int kind;
    assert_true(total <= 8);
    for (kind = REF8; kind <= REF16; kind++) {
        split(pdu, len, kind, kind == REF8 ? 0xA7 : 0xBEEF, total, segs);
        for (i = 0; i < total; i++)
            perm[i] = i;
        do {
            for (i = 0; i + 1 < total; i++) {
                add_partial(ORIGIN_A, &segs[perm[i]], 100 + i);
                assert_int_equal(cp_sms_pending(sms), 1);
            }
            add_last(ORIGIN_A, &segs[perm[total - 1]], 200, pdu, len);
            assert_int_equal(cp_sms_pending(sms), 0);
            runs++;
        } while (next_perm(perm, total));
    }
    assert_int_equal(runs, 2 * factorial(total));
}

static void test_orders_userpin_5(void **state)
{
    size_t len;
    uint8_t *pdu = vector_pdu(0, &len);
    (void)state;
    assert_int_equal(len, 551); /* 50 header octets + 501 body octets */
    all_orders(pdu, len, 5);
    free(pdu);
}

static void test_orders_userpinmac_4(void **state)
{
    size_t len;
    uint8_t *pdu = vector_pdu(3, &len);
    (void)state;
    assert_int_equal(len, 508);
    all_orders(pdu, len, 4);
    free(pdu);
}

/*
 * Duplicates interleaved: after each new segment, one already given is sent
 * again with a different payload; the first copy must be the one used.
 */
static void test_duplicates(void **state)
{
    seg segs[4], dup;
    unsigned perm[4] = {0, 1, 2, 3}, i;
    size_t len;
    uint8_t *pdu = vector_pdu(3, &len);
    (void)state;
    split(pdu, len, REF16, 0x0102, 4, segs);
    do {
        for (i = 0; i < 3; i++) {
            add_partial(ORIGIN_A, &segs[perm[i]], 50);
            dup = segs[perm[i / 2]];
            dup.ud[dup.len - 1] ^= 0xFF;
            add_partial(ORIGIN_A, &dup, 51);
            add_partial(ORIGIN_A, &segs[perm[i]], 52);
            assert_int_equal(cp_sms_pending(sms), 1);
        }
        add_last(ORIGIN_A, &segs[perm[3]], 60, pdu, len);
        assert_int_equal(cp_sms_pending(sms), 0);
    } while (next_perm(perm, 4));
    /* After completion the same segment starts a new message. */
    add_partial(ORIGIN_A, &segs[0], 70);
    assert_int_equal(cp_sms_pending(sms), 1);
    free(pdu);
}

/* The reassembled PDU is a push the WSP parser reads, with its body intact. */
static void test_reassembled_parses(void **state)
{
    seg segs[5];
    unsigned order[5] = {4, 2, 0, 3, 1}, i;
    size_t len, n = 0;
    uint8_t *pdu = vector_pdu(0, &len), *out = NULL;
    cp_push push;
    (void)state;
    split(pdu, len, REF8, 7, 5, segs);
    for (i = 0; i < 4; i++)
        add_partial(ORIGIN_A, &segs[order[i]], 1);
    assert_int_equal(add_from(ORIGIN_A, segs[order[4]].ud, segs[order[4]].len,
                              1, 2, &out, &n),
                     CP_OK);
    assert_non_null(out);
    cp_push_init(&push);
    assert_int_equal(cp_wsp_parse_push(ctx, out, n, &push), CP_OK);
    /* TID, type, one-octet HeadersLen 0x2F = 47: the body starts at 50. */
    assert_int_equal(push.body_offset, 3 + 47);
    assert_int_equal(push.body_len, len - 50);
    assert_memory_equal(push.body, pdu + 50, len - 50);
    assert_int_equal(push.sec, CP_SEC_USERPIN);
    assert_string_equal(push.mac, MAC_A);
    assert_int_equal(push.content, CP_CONTENT_WBXML);
    cp_free(ctx, out);
    free(pdu);
}

/* ---- keys ------------------------------------------------------------------ */

/* Two senders use the same reference at the same time. */
static void test_two_origins(void **state)
{
    seg a[5], b[5], c[5];
    size_t la, lb, i;
    uint8_t *pa = vector_pdu(0, &la), *pb = vector_pdu(3, &lb);
    (void)state;
    split(pa, la, REF8, 9, 5, a);
    split(pb, lb, REF8, 9, 5, b);
    split(pb, lb, REF8, 9, 5, c);
    for (i = 0; i < 4; i++) {
        add_partial(ORIGIN_A, &a[i], 1);
        add_partial(ORIGIN_B, &b[4 - i], 1);
        add_partial(NULL, &c[i], 1); /* unknown sender: a key of its own */
    }
    assert_int_equal(cp_sms_pending(sms), 3);
    add_last(ORIGIN_B, &b[0], 2, pb, lb);
    add_last(ORIGIN_A, &a[4], 2, pa, la);
    add_last(NULL, &c[4], 2, pb, lb);
    assert_int_equal(cp_sms_pending(sms), 0);
    free(pa);
    free(pb);
}

/* Same sender and reference, different totals: two messages. */
static void test_different_totals(void **state)
{
    seg a[4], b[5];
    size_t la, lb, i;
    uint8_t *pa = vector_pdu(3, &la), *pb = vector_pdu(0, &lb);
    (void)state;
    split(pa, la, REF8, 33, 4, a);
    split(pb, lb, REF8, 33, 5, b);
    for (i = 0; i < 3; i++) {
        add_partial(ORIGIN_A, &a[i], 5);
        add_partial(ORIGIN_A, &b[i], 5);
    }
    add_partial(ORIGIN_A, &b[3], 5);
    assert_int_equal(cp_sms_pending(sms), 2);
    add_last(ORIGIN_A, &a[3], 6, pa, la);
    assert_int_equal(cp_sms_pending(sms), 1);
    add_last(ORIGIN_A, &b[4], 6, pb, lb);
    assert_int_equal(cp_sms_pending(sms), 0);
    free(pa);
    free(pb);
}

/* The same reference number in the 8-bit and 16-bit forms: two keys. */
static void test_ref_kinds_apart(void **state)
{
    seg a[4], b[4];
    size_t len;
    uint8_t *pdu = vector_pdu(3, &len);
    (void)state;
    split(pdu, len, REF8, 0x42, 4, a);
    split(pdu, len, REF16, 0x0042, 4, b);
    add_partial(ORIGIN_A, &a[0], 1);
    add_partial(ORIGIN_A, &b[1], 1);
    add_partial(ORIGIN_A, &a[2], 1);
    add_partial(ORIGIN_A, &b[3], 1);
    add_partial(ORIGIN_A, &a[3], 1);
    add_partial(ORIGIN_A, &b[0], 1);
    assert_int_equal(cp_sms_pending(sms), 2);
    add_last(ORIGIN_A, &a[1], 1, pdu, len);
    add_last(ORIGIN_A, &b[2], 1, pdu, len);
    free(pdu);
}

/* ---- bounds ---------------------------------------------------------------- */

static void test_expiry(void **state)
{
    seg s[4];
    size_t len;
    uint8_t *pdu = vector_pdu(3, &len);
    (void)state;
    reopen(32, 8, 300);
    split(pdu, len, REF8, 1, 4, s);
    add_partial(ORIGIN_A, &s[0], 1000);
    add_partial(ORIGIN_A, &s[1], 1200);
    cp_sms_expire(sms, 1300); /* exactly 300 s old: kept */
    assert_int_equal(cp_sms_pending(sms), 1);
    cp_sms_expire(sms, 999); /* a clock that went back drops nothing */
    assert_int_equal(cp_sms_pending(sms), 1);
    /* 301 s after the first segment: dropped, and the late segment starts
       a new partial message, which then needs 1, 2 and 4 again. */
    add_partial(ORIGIN_A, &s[2], 1301);
    assert_int_equal(cp_sms_pending(sms), 1);
    add_partial(ORIGIN_A, &s[3], 1302);
    add_partial(ORIGIN_A, &s[0], 1303);
    add_last(ORIGIN_A, &s[1], 1304, pdu, len);
    assert_int_equal(cp_sms_pending(sms), 0);
    /* cp_sms_expire alone drops a partial message. */
    add_partial(ORIGIN_A, &s[0], 2000);
    cp_sms_expire(sms, 2301);
    assert_int_equal(cp_sms_pending(sms), 0);
    free(pdu);
}

static void test_max_pending(void **state)
{
    seg s[4][4];
    size_t len;
    unsigned r, i;
    uint8_t *pdu = vector_pdu(3, &len);
    (void)state;
    reopen(32, 3, 300);
    for (r = 0; r < 4; r++)
        split(pdu, len, REF8, r + 1, 4, s[r]);
    for (r = 0; r < 4; r++) {
        add_partial(ORIGIN_A, &s[r][0], 10 + r);
        assert_int_equal(cp_sms_pending(sms), r < 3 ? r + 1 : 3);
    }
    /* Reference 1, the oldest, was dropped; 2, 3 and 4 complete. */
    for (r = 1; r < 4; r++) {
        add_partial(ORIGIN_A, &s[r][1], 20);
        add_partial(ORIGIN_A, &s[r][2], 20);
        add_last(ORIGIN_A, &s[r][3], 20, pdu, len);
    }
    assert_int_equal(cp_sms_pending(sms), 0);
    for (i = 1; i < 4; i++)
        add_partial(ORIGIN_A, &s[0][i], 30);
    assert_int_equal(cp_sms_pending(sms), 1);
    free(pdu);
}

static void test_max_segments(void **state)
{
    seg s[5];
    size_t len, n, m;
    uint8_t *pdu = vector_pdu(3, &len), *out = NULL, ud[UD_MAX];
    (void)state;
    reopen(4, 8, 300);
    split(pdu, len, REF8, 5, 5, s);
    assert_int_equal(add_from(ORIGIN_A, s[0].ud, s[0].len, 1, 1, &out, &n),
                     CP_E_LIMIT);
    assert_null(out);
    assert_int_equal(cp_sms_pending(sms), 0);
    split(pdu, len, REF8, 5, 4, s);
    add_partial(ORIGIN_A, &s[1], 1);
    add_partial(ORIGIN_A, &s[0], 1);
    add_partial(ORIGIN_A, &s[3], 1);
    add_last(ORIGIN_A, &s[2], 1, pdu, len);
    /* Defaults: 32 allowed, 33 not; 255 with the largest limit. */
    reopen(32, 8, 300);
    n = put_udh(ud, REF8, 1, 33, 1);
    assert_int_equal(add_from(ORIGIN_A, ud, n, 1, 1, &out, &m), CP_E_LIMIT);
    n = put_udh(ud, REF8, 1, 32, 32);
    assert_int_equal(add_from(ORIGIN_A, ud, n, 1, 1, &out, &m), CP_OK);
    reopen(255, 8, 300);
    n = put_udh(ud, REF16, 1, 255, 255);
    assert_int_equal(add_from(ORIGIN_A, ud, n, 1, 1, &out, &m), CP_OK);
    assert_int_equal(cp_sms_pending(sms), 1);
    free(pdu);
}

static void test_options(void **state)
{
    cp_sms_options o;
    cp_sms *s = sms; /* not NULL: a failure must reset it */
    (void)state;
    cp_sms_options_init(&o);
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.max_segments, 32);
    assert_int_equal(o.max_pending, 8);
    assert_int_equal(o.expiry_seconds, 300);
    o.max_segments = 0;
    assert_int_equal(cp_sms_new(ctx, &o, &s), CP_E_INVALID_ARG);
    assert_null(s);
    o.max_segments = 256;
    assert_int_equal(cp_sms_new(ctx, &o, &s), CP_E_INVALID_ARG);
    o.max_segments = 1;
    o.max_pending = 0;
    assert_int_equal(cp_sms_new(ctx, &o, &s), CP_E_INVALID_ARG);
    cp_sms_options_init(&o);
    o.struct_size = 0;
    assert_int_equal(cp_sms_new(ctx, &o, &s), CP_E_VERSION);
    assert_int_equal(cp_sms_new(NULL, NULL, &s), CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_new(ctx, NULL, NULL), CP_E_INVALID_ARG);
    cp_sms_options_init(NULL);
    cp_sms_free(NULL);
    cp_sms_expire(NULL, 5);
    assert_int_equal(cp_sms_pending(NULL), 0);
}

static void test_args(void **state)
{
    uint8_t ud[UD_MAX] = {0}, *out = (uint8_t *)1;
    size_t n = 5;
    char origin[200];
    (void)state;
    assert_int_equal(cp_sms_add(NULL, NULL, ud, 10, 1, 0, &out, &n),
                     CP_E_INVALID_ARG);
    assert_null(out);
    assert_int_equal(n, 0);
    assert_int_equal(cp_sms_add(sms, NULL, ud, 10, 1, 0, NULL, &n),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_add(sms, NULL, ud, 10, 1, 0, &out, NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_add(sms, NULL, NULL, 1, 1, 0, &out, &n),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_add(sms, NULL, NULL, 0, 0, 0, &out, &n),
                     CP_E_NOT_PROV);
    /* An origin of 128 octets is kept, a longer one refused. */
    memset(origin, '7', sizeof origin);
    origin[128] = '\0';
    n = put_udh(ud, REF8, 1, 2, 1);
    assert_int_equal(add_from(origin, ud, n, 1, 0, &out, &n), CP_OK);
    assert_int_equal(cp_sms_pending(sms), 1);
    origin[128] = '7';
    origin[129] = '\0';
    n = put_udh(ud, REF8, 1, 2, 2);
    assert_int_equal(add_from(origin, ud, n, 1, 0, &out, &n),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_pending(sms), 1);
}

/* ---- malformed and foreign user data ------------------------------------- */

typedef struct udh_case {
    const char *title;
    const char *udh_hex; /* followed by the short PDU */
    int udhi;
    cp_status want;
    size_t pending; /* partial messages after it */
} udh_case;

static const udh_case udh_cases[] = {
    {"ports only (vector)", "0605040B8423F0", 1, CP_OK, 0},
    {"concat 1 of 1 returns at once", "0B05040B8423F0000301 0101", 1, CP_OK, 0},
    {"16-bit concat 1 of 1", "0C05040B8423F00804ABCD0101", 1, CP_OK, 0},
    {"concat before ports", "0B0003010201 05040B8423F0", 1, CP_OK, 1},
    {"unknown IE skipped", "0A2402ABCD05040B8423F0", 1, CP_OK, 0},
    {"unknown empty IE skipped", "08700005040B8423F0", 1, CP_OK, 0},
    {"UDHL past the end", "FF05040B8423F0", 1, CP_E_MALFORMED, 0},
    {"IE length past UDHL", "0605050B8423F0", 1, CP_E_MALFORMED, 0},
    {"IE header cut by UDHL", "0705040B8423F000", 1, CP_E_MALFORMED, 0},
    {"seq 0", "0B05040B8423F0000301 0300", 1, CP_E_MALFORMED, 0},
    {"seq > total", "0B05040B8423F0000301 0304", 1, CP_E_MALFORMED, 0},
    {"total 0", "0B05040B8423F0000301 0000", 1, CP_E_MALFORMED, 0},
    {"total 0 seq 1", "0B05040B8423F0000301 0001", 1, CP_E_MALFORMED, 0},
    {"16-bit seq > total", "0C05040B8423F00804 0001 0203", 1, CP_E_MALFORMED, 0},
    {"16-bit seq 0", "0C05040B8423F00804 0001 0200", 1, CP_E_MALFORMED, 0},
    {"repeated concat", "1005040B8423F0000301 0201 00030102 02", 1,
     CP_E_MALFORMED, 0},
    {"concat 8 and 16", "1105040B8423F0000301 0201 0804 0001 0201", 1,
     CP_E_MALFORMED, 0},
    {"repeated port", "0C05040B8423F005040B8423F0", 1, CP_E_MALFORMED, 0},
    {"16-bit and 8-bit port", "0A05040B8423F0 0402 0B0B", 1, CP_E_MALFORMED,
     0},
    {"concat IE of length 4", "0C05040B8423F0000401 020100", 1,
     CP_E_MALFORMED, 0},
    {"16-bit concat of length 3", "0B05040B8423F0080301 0201", 1,
     CP_E_MALFORMED, 0},
    {"16-bit port IE of length 2", "0405020B84", 1, CP_E_MALFORMED, 0},
    {"8-bit port IE of length 4", "0604040B8423F0", 1, CP_E_MALFORMED, 0},
    {"8-bit port", "0404020B0B", 1, CP_E_NOT_PROV, 0},
    {"8-bit port 0x84", "0404028484", 1, CP_E_NOT_PROV, 0},
    {"secure push port 2949", "0605040B8523F0", 1, CP_E_NOT_PROV, 0},
    {"source 2948, destination 9200", "06050423F00B84", 1, CP_E_NOT_PROV, 0},
    {"no port, concat only", "050003010201", 1, CP_E_NOT_PROV, 0},
    {"empty UDH", "00", 1, CP_E_NOT_PROV, 0},
    {"no UDH", "", 0, CP_E_NOT_PROV, 0},
    {"UDHI clear, UDH bytes are data", "0605040B8423F0", 0, CP_E_NOT_PROV, 0},
};

/* Hex with spaces allowed (the table groups fields). */
static uint8_t *hex_sp(const char *s, size_t *len)
{
    char buf[256];
    size_t n = 0;
    uint8_t *p;
    for (; *s; s++)
        if (*s != ' ') {
            assert_true(n + 1 < sizeof buf);
            buf[n++] = *s;
        }
    buf[n] = '\0';
    if (n == 0) {
        *len = 0;
        p = malloc(1);
        assert_non_null(p);
        return p;
    }
    p = tu_hex(buf, len);
    assert_non_null(p);
    return p;
}

static void test_udh_table(void **state)
{
    size_t i, plen, hl, n;
    uint8_t *payload = hex_sp(SHORT_PDU_HEX, &plen), ud[UD_MAX], *out;
    (void)state;
    for (i = 0; i < sizeof udh_cases / sizeof udh_cases[0]; i++) {
        const udh_case *c = &udh_cases[i];
        uint8_t *udh = hex_sp(c->udh_hex, &hl);
        cp_status st;
        print_message("case %s\n", c->title);
        memcpy(ud, udh, hl);
        memcpy(ud + hl, payload, plen);
        free(udh);
        cp_ctx_clear_error(ctx);
        out = NULL;
        st = add_from(ORIGIN_A, ud, hl + plen, c->udhi, 1, &out, &n);
        assert_int_equal(st, c->want);
        assert_int_equal(cp_sms_pending(sms), c->pending);
        if (st == CP_OK && c->pending == 0) {
            assert_non_null(out);
            assert_int_equal(n, plen);
            assert_memory_equal(out, payload, plen);
        } else {
            assert_null(out);
        }
        if (st != CP_OK)
            assert_int_equal(cp_ctx_error_code(ctx), c->want);
        cp_free(ctx, out);
        cp_sms_expire(sms, 100000);
    }
    free(payload);
}

static void test_ud_length(void **state)
{
    uint8_t ud[UD_MAX + 1], *out = NULL;
    size_t h = put_udh(ud, REF8, 3, 2, 1), n;
    (void)state;
    memset(ud + h, 0x5A, sizeof ud - h);
    assert_int_equal(add_from(ORIGIN_A, ud, UD_MAX + 1, 1, 1, &out, &n),
                     CP_E_MALFORMED);
    assert_int_equal(cp_sms_pending(sms), 0);
    assert_int_equal(add_from(ORIGIN_A, ud, UD_MAX, 1, 1, &out, &n), CP_OK);
    assert_int_equal(cp_sms_pending(sms), 1);
    /* A segment that is all UDH adds nothing to the message. */
    h = put_udh(ud, REF8, 3, 2, 2);
    assert_int_equal(add_from(ORIGIN_A, ud, h, 1, 1, &out, &n), CP_OK);
    assert_non_null(out);
    assert_int_equal(n, UD_MAX - 12);
    cp_free(ctx, out);
}

/*
 * Every truncation of a full segment: a cut inside the 12 UDH
 * octets leaves UDHL (11) pointing past the end; a cut in the payload is a
 * shorter but valid segment.
 */
static void test_truncations(void **state)
{
    seg s[4];
    size_t len, cut, n;
    uint8_t *pdu = vector_pdu(3, &len), *out;
    (void)state;
    split(pdu, len, REF8, 8, 4, s);
    assert_int_equal(s[1].len, UD_MAX - 1);
    for (cut = 0; cut <= s[1].len; cut++) {
        cp_status st;
        out = NULL;
        st = add_from(ORIGIN_A, s[1].ud, cut, 1, 1, &out, &n);
        assert_null(out);
        if (cut < 12) {
            assert_int_equal(st, CP_E_MALFORMED);
            assert_int_equal(cp_sms_pending(sms), 0);
        } else {
            assert_int_equal(st, CP_OK);
            assert_int_equal(cp_sms_pending(sms), 1);
        }
        cp_sms_expire(sms, 1000);
    }
    free(pdu);
}

/*
 * The UDH cut after k octets with UDHL = k, so the cut is inside the
 * header: 05 04 0B 84 23 F0 | 00 03 01 02 01.
 */
static void test_udh_cuts(void **state)
{
    static const uint8_t ies[] = {0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0,
                                  0x00, 0x03, 0x01, 0x02, 0x01};
    /* k = 0: no IE; 1: IE header cut; 2..5: port IE past UDHL; 6: ports
       only, unsegmented; 7: concat IE header cut; 8..10: concat IE past
       UDHL; 11: segment 1 of 2 kept. */
    static const cp_status want[12] = {
        CP_E_NOT_PROV,  CP_E_MALFORMED, CP_E_MALFORMED, CP_E_MALFORMED,
        CP_E_MALFORMED, CP_E_MALFORMED, CP_OK,          CP_E_MALFORMED,
        CP_E_MALFORMED, CP_E_MALFORMED, CP_E_MALFORMED, CP_OK};
    uint8_t ud[16], *out;
    size_t k, n;
    (void)state;
    for (k = 0; k <= sizeof ies; k++) {
        ud[0] = (uint8_t)k;
        memcpy(ud + 1, ies, k);
        ud[1 + k] = 0xEE; /* one payload octet */
        out = NULL;
        assert_int_equal(add_from(ORIGIN_A, ud, k + 2, 1, 1, &out, &n),
                         want[k]);
        if (k == 6) {
            assert_non_null(out);
            assert_int_equal(n, 1);
            assert_int_equal(out[0], 0xEE);
            cp_free(ctx, out);
        } else {
            assert_null(out);
        }
        assert_int_equal(cp_sms_pending(sms), k == 11 ? 1 : 0);
    }
}

/* ---- allocation failures ------------------------------------------------- */

/*
 * A full 4-segment reassembly (with one duplicate) where allocation N
 * fails, for N = 1, 2, ... until nothing fails. The failing call must
 * return CP_E_NOMEM; with retry set, the same step is then repeated without
 * failures and the message must still come out whole (a failure changes
 * nothing); without it, everything is freed at once. No block may be left.
 */
static int sweep_run(long fail_at, int retry, const seg *s, const uint8_t *pdu,
                     size_t len)
{
    static const unsigned order[5] = {2, 0, 2, 3, 1};
    cp_config cfg;
    cp_ctx *c = NULL;
    cp_sms *r = NULL;
    uint8_t *out = NULL;
    size_t n = 0;
    unsigned i;
    int failed = 0;
    cp_status st;

    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &talloc, fail_at);
    st = cp_ctx_new(&cfg, &c);
    if (st) {
        assert_int_equal(st, CP_E_NOMEM);
        assert_int_equal(talloc.live, 0);
        return 1;
    }
    st = cp_sms_new(c, NULL, &r);
    if (st) {
        assert_int_equal(st, CP_E_NOMEM);
        assert_null(r);
        failed = 1;
        if (retry) {
            talloc.fail_at = 0;
            assert_int_equal(cp_sms_new(c, NULL, &r), CP_OK);
        }
    }
    for (i = 0; r != NULL && i < 5; i++) {
        st = cp_sms_add(r, ORIGIN_A, s[order[i]].ud, s[order[i]].len, 1, 1,
                        &out, &n);
        if (st) {
            assert_int_equal(st, CP_E_NOMEM);
            assert_null(out);
            failed = 1;
            if (!retry)
                break;
            talloc.fail_at = 0;
            st = cp_sms_add(r, ORIGIN_A, s[order[i]].ud, s[order[i]].len, 1,
                            1, &out, &n);
            assert_int_equal(st, CP_OK);
        }
        if (i < 4) {
            assert_null(out);
        }
    }
    if (r != NULL && (retry || !failed)) {
        assert_non_null(out);
        assert_int_equal(n, len);
        assert_memory_equal(out, pdu, len);
        assert_int_equal(cp_sms_pending(r), 0);
    }
    cp_free(c, out);
    cp_sms_free(r);
    cp_ctx_free(c);
    assert_int_equal(talloc.live, 0);
    return failed;
}

/* A UDH followed by nothing is refused, alone or as a whole message. */
static void test_empty_payload(void **state)
{
    seg a, b;
    uint8_t *pdu = (uint8_t *)1;
    size_t n = 99;
    static const uint8_t one = 0x01;
    (void)state;
    /* one SMS: ports only, no octet after the UDH */
    a.len = put_udh(a.ud, REF8, 1, 1, 1);
    assert_int_equal(add_from(ORIGIN_A, a.ud, a.len, 1, 10, &pdu, &n),
                     CP_E_MALFORMED);
    assert_null(pdu);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_MALFORMED);
    /* two empty segments: refused when the message completes, not kept */
    a.len = put_udh(a.ud, REF16, 7, 2, 1);
    b.len = put_udh(b.ud, REF16, 7, 2, 2);
    add_partial(ORIGIN_A, &a, 10);
    pdu = (uint8_t *)1;
    assert_int_equal(add_from(ORIGIN_A, b.ud, b.len, 1, 11, &pdu, &n),
                     CP_E_MALFORMED);
    assert_null(pdu);
    assert_int_equal(cp_sms_pending(sms), 0);
    /* an empty segment beside a non-empty one is fine */
    a.len = put_udh(a.ud, REF16, 8, 2, 1);
    b.len = put_udh(b.ud, REF16, 8, 2, 2);
    b.ud[b.len++] = one;
    add_partial(ORIGIN_A, &a, 12);
    add_last(ORIGIN_A, &b, 13, &one, 1);
}

static void test_alloc_failures(void **state)
{
    seg s[4];
    size_t len;
    uint8_t *pdu = vector_pdu(3, &len);
    int retry;
    (void)state;
    split(pdu, len, REF16, 0x1234, 4, s);
    for (retry = 0; retry <= 1; retry++) {
        long fail_at;
        int done = 0;
        for (fail_at = 1; fail_at < 1000 && !done; fail_at++)
            done = !sweep_run(fail_at, retry, s, pdu, len);
        assert_true(done);
        /* the context and the reassembler, then one failure per stored
           segment and the result: at least 6 allocations were failed */
        assert_true(fail_at > 6);
    }
    free(pdu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_vector_udh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orders_userpin_5, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orders_userpinmac_4, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reassembled_parses, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_two_origins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_different_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ref_kinds_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udh_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ud_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udh_cuts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_payload, setup, teardown),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
