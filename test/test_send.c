/*
 * test_send.c - the sending side (omacp/send.h) and the modem's side of
 * the device (omacp/tpdu.h, cp_sms_save/restore): PDUs rebuilt byte for
 * byte from wsp_push_pdus.json, every method x both content-type forms x
 * 1..8 SMS through the device's reading (reassembly, WSP parse, MAC
 * check), SMS-DELIVER TPDUs built and parsed, malformed TPDUs each with
 * its error, reassembly state saved and restored, allocation failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omacp.h"
#include "support/memstore.h"
#include "support/testutil.h"

#define VEC "wsp_push_pdus.json"
#define IMSI "262019876543210"
#define OTHER_IMSI "262019876543211"

static cp_ctx *new_ctx(void)
{
    cp_ctx *ctx = NULL;
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    return ctx;
}

static char *hex_of(const uint8_t *p, size_t n)
{
    static const char h[] = "0123456789ABCDEF";
    char *s = malloc(2 * n + 1);
    size_t i;
    assert_non_null(s);
    for (i = 0; i < n; i++) {
        s[2 * i] = h[p[i] >> 4];
        s[2 * i + 1] = h[p[i] & 15];
    }
    s[2 * n] = '\0';
    return s;
}

/* ---- the vectors, rebuilt ------------------------------------------------ */

static void rebuild(int nth, const cp_push_build_options *o,
                    const char *want_digits)
{
    cp_ctx *ctx = new_ctx();
    char *hex = tu_vector_field_n(VEC, "pdu_hex", nth);
    size_t len = 0, out_len = 0;
    uint8_t *want, *out = NULL;
    char digits[64];
    cp_push p;

    assert_non_null(hex);
    want = tu_hex(hex, &len);
    assert_non_null(want);
    cp_push_init(&p);
    assert_int_equal(cp_wsp_parse_push(ctx, want, len, &p), CP_OK);
    assert_int_equal(cp_push_build(ctx, o, p.body, p.body_len, &out, &out_len,
                                   digits, sizeof digits),
                     CP_OK);
    if (out_len != len || memcmp(out, want, len) != 0) {
        char *got = hex_of(out, out_len);
        print_error("vector %d:\n want %s\n got  %s\n", nth, hex, got);
        free(got);
        fail();
    }
    assert_string_equal(digits, want_digits);
    cp_free(ctx, out);
    free(want);
    free(hex);
    cp_ctx_free(ctx);
}

static void test_vectors_rebuilt(void **state)
{
    cp_push_build_options o;
    (void)state;
    cp_push_build_options_init(&o);
    o.sec = CP_SEC_USERPIN;
    o.pin = "0000";
    rebuild(0, &o, "");
    cp_push_build_options_init(&o);
    o.sec = CP_SEC_NETWPIN;
    o.imsi = "466923103145252";
    rebuild(1, &o, "");
    cp_push_build_options_init(&o);
    rebuild(2, &o, "");
    rebuild(2, NULL, "");
    cp_push_build_options_init(&o);
    o.sec = CP_SEC_USERPINMAC;
    o.pin = "12345";
    o.flags = CP_PUSH_BUILD_NO_MAC;
    rebuild(3, &o, "1234517887");
    cp_push_build_options_init(&o);
    o.sec = CP_SEC_USERPIN;
    o.pin = "0000";
    o.app_id = 0;
    o.push_flag = 1;
    rebuild(4, &o, "");
}

/* ---- every method x form x parts through the device's reading ------------ */

static const char *const pins[4] = {NULL, "4711", "4711", "1234567890"};

static void set_key(cp_push_build_options *o, int sec)
{
    o->sec = sec;
    o->imsi = IMSI;
    o->pin = sec >= 0 ? pins[sec] : NULL;
}

/* cp_mac_verify as the device does it, with the given key material. */
static cp_status device_verify(cp_ctx *ctx, const cp_push *p, const char *imsi,
                               const char *pin, const char *typed)
{
    const char *imsis[1];
    size_t idx;
    imsis[0] = imsi;
    return cp_mac_verify(ctx, p->sec, imsis, 1,
                         p->sec == CP_SEC_USERPINMAC ? typed : pin, p->mac,
                         NULL, p->body, p->body_len, &idx);
}

/* Split, reassemble (parts in reverse order, TPDUs parsed), compare. */
static void through_sms(cp_ctx *ctx, const uint8_t *pdu, size_t len,
                        size_t want_parts, int variant)
{
    cp_sms_split_options so;
    cp_sms_part *parts = NULL;
    size_t n = 0, i;
    cp_sms *sms = NULL;
    uint8_t *got = NULL;
    size_t got_len = 0;

    cp_sms_split_options_init(&so);
    so.ref = (unsigned)(variant * 37 + 5) & 0xFFu;
    so.ref16 = variant & 1;
    so.deliver = (variant & 2) != 0;
    so.originator = "+4917012345678";
    so.smsc = (variant & 4) ? "+491710760000" : NULL;
    so.scts = 1700000000u;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, len, &parts, &n), CP_OK);
    assert_int_equal(n, want_parts);
    assert_int_equal(cp_sms_new(ctx, NULL, &sms), CP_OK);
    for (i = n; i > 0; i--) {
        const uint8_t *ud = parts[i - 1].data;
        size_t ud_len = parts[i - 1].len;
        const char *origin = "tool";
        cp_sms_deliver d;
        if (so.deliver) {
            cp_sms_deliver_init(&d);
            assert_int_equal(cp_sms_parse_deliver(ctx, ud, ud_len,
                                                  CP_TPDU_SMSC_AUTO, &d),
                             CP_OK);
            assert_true(d.is_wap_push);
            assert_int_equal(d.has_smsc, so.smsc != NULL);
            assert_string_equal(d.originator, so.originator);
            ud = d.ud;
            ud_len = d.ud_len;
            origin = d.originator;
        }
        assert_true(ud_len <= CP_SMS_UD_MAX);
        if (i < n)
            assert_int_equal(ud_len, CP_SMS_UD_MAX); /* full but the last */
        assert_int_equal(cp_sms_add(sms, origin, ud, ud_len, 1, 10, &got,
                                    &got_len),
                         CP_OK);
        assert_true((got != NULL) == (i == 1));
    }
    assert_int_equal(got_len, len);
    assert_memory_equal(got, pdu, len);
    cp_free(ctx, got);
    cp_sms_free(sms);
    cp_free(ctx, parts);
}

/* The bytes of the operator document, cycled to n octets. */
static uint8_t *body_of(size_t n)
{
    char *hex = tu_vector_field_n(VEC, "pdu_hex", 0);
    size_t len = 0, i;
    uint8_t *src = tu_hex(hex, &len), *b = malloc(n);
    assert_non_null(src);
    assert_non_null(b);
    for (i = 0; i < n; i++)
        b[i] = src[50 + i % (len - 50)];
    free(src);
    free(hex);
    return b;
}

static void one_case(cp_ctx *ctx, int sec, int text, size_t parts)
{
    cp_push_build_options o;
    uint8_t *pdu = NULL, *body;
    size_t pdu_len = 0, over, blen, i, step;
    char typed[64];
    cp_push p;
    cp_status st;

    cp_push_build_options_init(&o);
    set_key(&o, sec);
    o.flags = text ? CP_PUSH_BUILD_TEXT_CTYPE : 0;
    body = body_of(8);
    assert_int_equal(cp_push_build(ctx, &o, body, 8, &pdu, &pdu_len, typed,
                                   sizeof typed),
                     CP_OK);
    over = pdu_len - 8;
    cp_free(ctx, pdu);
    free(body);
    /* a PDU that needs exactly `parts` SMS */
    blen = (parts == 1 ? 133 : 128 * (parts - 1) + 60) - over;
    body = body_of(blen);
    assert_int_equal(cp_push_build(ctx, &o, body, blen, &pdu, &pdu_len, typed,
                                   sizeof typed),
                     CP_OK);
    through_sms(ctx, pdu, pdu_len, parts, (int)parts + sec + 1);

    cp_push_init(&p);
    assert_int_equal(cp_wsp_parse_push(ctx, pdu, pdu_len, &p), CP_OK);
    assert_int_equal(p.sec, sec);
    assert_int_equal(p.content, CP_CONTENT_WBXML);
    assert_int_equal(p.content_code, text ? CP_PUSH_TEXTUAL : 0x36u);
    assert_int_equal(p.body_len, blen);
    assert_memory_equal(p.body, body, blen);
    if (sec == CP_SEC_NONE) {
        assert_int_equal(p.has_mac, 0);
        goto done;
    }
    assert_int_equal(p.has_mac, 1);
    assert_int_equal(p.mac_len, 40);
    assert_int_equal(device_verify(ctx, &p, IMSI, pins[sec], typed), CP_OK);
    /* any other key */
    if (sec == CP_SEC_USERPINMAC) {
        char wrong[64];
        memcpy(wrong, typed, sizeof wrong);
        wrong[0] = wrong[0] == '9' ? '8' : (char)(wrong[0] + 1);
        assert_int_equal(device_verify(ctx, &p, IMSI, NULL, wrong),
                         CP_E_NOT_AUTHENTIC);
    } else if (sec == CP_SEC_USERPIN) {
        assert_int_equal(device_verify(ctx, &p, IMSI, "4712", NULL),
                         CP_E_NOT_AUTHENTIC);
    } else {
        assert_int_equal(device_verify(ctx, &p, OTHER_IMSI, "4711", NULL),
                         CP_E_NOT_AUTHENTIC);
        if (sec == CP_SEC_USERNETWPIN)
            assert_int_equal(device_verify(ctx, &p, IMSI, "4712", NULL),
                             CP_E_NOT_AUTHENTIC);
    }
    /* any flipped bit of the body (every bit of short ones, else a spread) */
    step = blen * 8 <= 2048 ? 1 : 13;
    for (i = 0; i < blen * 8; i += step) {
        uint8_t *b = (uint8_t *)p.body;
        b[i / 8] ^= (uint8_t)(1u << (i % 8));
        st = device_verify(ctx, &p, IMSI, pins[sec], typed);
        b[i / 8] ^= (uint8_t)(1u << (i % 8));
        assert_int_equal(st, CP_E_NOT_AUTHENTIC);
    }
done:
    cp_free(ctx, pdu);
    free(body);
}

static void test_roundtrip_matrix(void **state)
{
    cp_ctx *ctx = new_ctx();
    int sec, text;
    size_t parts;
    (void)state;
    for (sec = CP_SEC_NONE; sec <= CP_SEC_USERPINMAC; sec++)
        for (text = 0; text < 2; text++)
            for (parts = 1; parts <= 8; parts++)
                one_case(ctx, sec, text, parts);
    cp_ctx_free(ctx);
}

/* ---- layout details ------------------------------------------------------- */

static void test_build_forms(void **state)
{
    cp_ctx *ctx = new_ctx();
    static const uint8_t body[] = {0x03, 0x0B, 0x6A, 0x00, 0x45, 0x01};
    static const uint8_t text_unsigned[] =
        "\x01\x06\x27" "application/vnd.wap.connectivity-wbxml";
    cp_push_build_options o;
    uint8_t *pdu = NULL;
    size_t len = 0;
    char digits[32];
    cp_push p;
    (void)state;

    /* textual, unsigned: the media type alone, a Text-string */
    cp_push_build_options_init(&o);
    o.flags = CP_PUSH_BUILD_TEXT_CTYPE;
    assert_int_equal(cp_push_build(ctx, &o, body, sizeof body, &pdu, &len,
                                   NULL, 0),
                     CP_OK);
    assert_int_equal(len, sizeof text_unsigned + sizeof body);
    assert_memory_equal(pdu, text_unsigned, sizeof text_unsigned);
    cp_free(ctx, pdu);

    /* headers: app id as a long integer and as text, initiator, flags */
    cp_push_build_options_init(&o);
    o.sec = CP_SEC_USERPINMAC;
    o.pin = "54321";
    o.content = CP_CONTENT_XML;
    o.tid = 0x42;
    o.app_id = 0x8007;
    o.initiator_uri = "http://tps.example/cp";
    o.push_flag = 3;
    assert_int_equal(cp_push_build(ctx, &o, (const uint8_t *)"<x/>", 4, &pdu,
                                   &len, digits, sizeof digits),
                     CP_OK);
    assert_int_equal(strlen(digits), 10);
    assert_int_equal(strncmp(digits, "54321", 5), 0);
    cp_push_init(&p);
    assert_int_equal(cp_wsp_parse_push(ctx, pdu, len, &p), CP_OK);
    assert_int_equal(p.tid, 0x42);
    assert_int_equal(p.content, CP_CONTENT_XML);
    assert_int_equal(p.sec, CP_SEC_USERPINMAC);
    assert_int_equal(p.has_mac, 1);
    assert_int_equal(p.app_id_code, 0x8007);
    assert_string_equal(p.initiator_uri, "http://tps.example/cp");
    assert_int_equal(p.push_flag, 3);
    assert_int_equal(p.body_len, 4);
    cp_free(ctx, pdu);

    o.app_id_text = "x-wap-application:wml.ua";
    o.flags = CP_PUSH_BUILD_TEXT_CTYPE;
    assert_int_equal(cp_push_build(ctx, &o, (const uint8_t *)"<x/>", 4, &pdu,
                                   &len, digits, sizeof digits),
                     CP_OK);
    cp_push_init(&p);
    assert_int_equal(cp_wsp_parse_push(ctx, pdu, len, &p), CP_OK);
    assert_int_equal(p.content, CP_CONTENT_XML);
    assert_int_equal(p.sec, CP_SEC_USERPINMAC);
    assert_string_equal(p.app_id_text, "x-wap-application:wml.ua");
    cp_free(ctx, pdu);
    cp_ctx_free(ctx);
}

static void test_build_errors(void **state)
{
    cp_ctx *ctx = new_ctx();
    static const uint8_t body[] = {0x03, 0x0B, 0x6A, 0x00, 0x45, 0x01};
    cp_push_build_options o;
    uint8_t *pdu = (uint8_t *)"x";
    size_t len = 9;
    char digits[8];
    (void)state;

#define BUILD(opt, st)                                                       \
    do {                                                                     \
        assert_int_equal(cp_push_build(ctx, opt, body, sizeof body, &pdu,    \
                                       &len, digits, sizeof digits),         \
                         st);                                                \
        assert_null(pdu);                                                    \
        assert_int_equal(len, 0);                                            \
    } while (0)
    cp_push_build_options_init(&o);
    o.sec = 4;
    BUILD(&o, CP_E_BAD_SEC);
    o.sec = CP_SEC_INVALID;
    BUILD(&o, CP_E_BAD_SEC);
    cp_push_build_options_init(&o);
    o.flags = 0x80;
    BUILD(&o, CP_E_INVALID_ARG);
    cp_push_build_options_init(&o);
    o.content = CP_CONTENT_OTHER;
    BUILD(&o, CP_E_INVALID_ARG);
    cp_push_build_options_init(&o);
    o.push_flag = 128;
    BUILD(&o, CP_E_INVALID_ARG);
    cp_push_build_options_init(&o);
    o.initiator_uri = "http://a\nb";
    BUILD(&o, CP_E_INVALID_ARG);
    assert_non_null(strstr(cp_ctx_error_message(ctx), "control character"));
    o.initiator_uri = "";
    BUILD(&o, CP_E_INVALID_ARG);
    cp_push_build_options_init(&o);
    o.app_id_text = "\x01";
    BUILD(&o, CP_E_INVALID_ARG);
    cp_push_build_options_init(&o);
    o.content = CP_CONTENT_XML;
    BUILD(&o, CP_E_INVALID_ARG); /* a WBXML body */
    cp_push_build_options_init(&o);
    o.sec = CP_SEC_NETWPIN;
    BUILD(&o, CP_E_BAD_PIN); /* no IMSI */
    o.sec = CP_SEC_USERPIN;
    BUILD(&o, CP_E_BAD_PIN); /* no PIN */
    o.sec = CP_SEC_USERPINMAC;
    o.pin = "1234";
    BUILD(&o, CP_E_BAD_PIN); /* N < 5 */
    o.pin = "1234567";
    BUILD(&o, CP_E_BUFFER_TOO_SMALL); /* 15 octets needed, 8 given */
    assert_string_equal(digits, "");
    cp_push_build_options_init(&o);
    o.struct_size = 8;
    BUILD(&o, CP_E_VERSION);
    assert_int_equal(cp_push_build(ctx, NULL, body, 0, &pdu, &len, NULL, 0),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_push_build(ctx, NULL, NULL, 3, &pdu, &len, NULL, 0),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_push_build(NULL, NULL, body, 6, &pdu, &len, NULL, 0),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_push_build(ctx, NULL, body, 6, NULL, &len, NULL, 0),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_push_build(ctx, NULL, body, 6, &pdu, &len, NULL, 3),
                     CP_E_INVALID_ARG);
    cp_ctx_free(ctx);
#undef BUILD
}

static void test_split_layout(void **state)
{
    cp_ctx *ctx = new_ctx();
    static const uint8_t one[] = {0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0};
    uint8_t pdu[255 * 128 + 1];
    cp_sms_split_options so;
    cp_sms_part *parts = NULL;
    size_t n = 0, i;
    (void)state;

    for (i = 0; i < sizeof pdu; i++)
        pdu[i] = (uint8_t)i;
    /* one SMS: Kannel's 06 05 04 0B 84 0B 84, 133 octets of PDU */
    assert_int_equal(cp_sms_split(ctx, NULL, pdu, 133, &parts, &n), CP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(parts[0].len, 140);
    assert_memory_equal(parts[0].data, "\x06\x05\x04\x0B\x84\x0B\x84", 7);
    cp_free(ctx, parts);
    /* 134 octets: two parts, 8-bit reference */
    cp_sms_split_options_init(&so);
    so.ref = 0xA5;
    so.src_port = 9200;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 134, &parts, &n), CP_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(parts[0].data, one, 1);
    assert_memory_equal(parts[0].data + 1, one + 1, 6);
    assert_memory_equal(parts[0].data + 7, "\x00\x03\xA5\x02\x01", 5);
    assert_memory_equal(parts[1].data + 7, "\x00\x03\xA5\x02\x02", 5);
    assert_int_equal(parts[0].len, 140);
    assert_int_equal(parts[1].len, 12 + 6);
    cp_free(ctx, parts);
    /* 16-bit reference */
    so.ref16 = 1;
    so.ref = 0xBEEF;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 300, &parts, &n), CP_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(parts[2].data, "\x0C\x05\x04\x0B\x84\x23\xF0"
                                       "\x08\x04\xBE\xEF\x03\x03", 13);
    assert_int_equal(parts[2].len, 13 + 300 - 2 * 127);
    cp_free(ctx, parts);
    /* 255 parts is the most */
    so.ref16 = 0;
    so.ref = 1;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 255 * 128, &parts, &n), CP_OK);
    assert_int_equal(n, 255);
    cp_free(ctx, parts);
    assert_int_equal(cp_sms_split(ctx, &so, pdu, sizeof pdu, &parts, &n),
                     CP_E_LIMIT);
    assert_null(parts);
    assert_int_equal(n, 0);
    /* bad options */
    so.ref = 256;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 10, &parts, &n),
                     CP_E_INVALID_ARG);
    so.ref = 0;
    so.dst_port = 65536;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 10, &parts, &n),
                     CP_E_INVALID_ARG);
    cp_sms_split_options_init(&so);
    so.deliver = 1;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 10, &parts, &n),
                     CP_E_INVALID_ARG);
    so.originator = "+12a";
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 10, &parts, &n),
                     CP_E_INVALID_ARG);
    so.originator = "123456789012345678901";
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 10, &parts, &n),
                     CP_E_INVALID_ARG);
    so.originator = "12345";
    so.smsc = "x";
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 10, &parts, &n),
                     CP_E_INVALID_ARG);
    so.smsc = NULL;
    so.scts = 100;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 10, &parts, &n),
                     CP_E_INVALID_ARG);
    so.struct_size = 4;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, 10, &parts, &n),
                     CP_E_VERSION);
    assert_int_equal(cp_sms_split(ctx, NULL, pdu, 0, &parts, &n),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_split(ctx, NULL, NULL, 5, &parts, &n),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_split(NULL, NULL, pdu, 5, &parts, &n),
                     CP_E_INVALID_ARG);
    cp_ctx_free(ctx);
}

/* ---- TPDUs ---------------------------------------------------------------- */

static void test_tpdu_deliver(void **state)
{
    cp_ctx *ctx = new_ctx();
    static const uint8_t pdu[] = {1, 6, 1, 0xB6, 3, 0x0B, 0x6A, 0, 0x45, 1};
    cp_sms_split_options so;
    cp_sms_part *parts = NULL;
    size_t n = 0, len = 0;
    cp_sms_deliver d;
    uint8_t *t;
    char *hex;
    (void)state;

    cp_sms_split_options_init(&so);
    so.deliver = 1;
    so.originator = "+4917012345678";
    so.scts = 1700000000u; /* 2023-11-14 22:13:20 UTC */
    so.smsc = "";
    assert_int_equal(cp_sms_split(ctx, &so, pdu, sizeof pdu, &parts, &n),
                     CP_OK);
    hex = hex_of(parts[0].data, parts[0].len);
    assert_string_equal(hex, "00" "44" "0D91" "947110325476F8" "00" "04"
                             "32114122310200" "11"
                             "0605040B840B84" "0106" "01B6030B6A004501");
    free(hex);
    cp_sms_deliver_init(&d);
    assert_int_equal(cp_sms_parse_deliver(ctx, parts[0].data, parts[0].len,
                                          CP_TPDU_SMSC_AUTO, &d),
                     CP_OK);
    assert_int_equal(d.has_smsc, 1);
    assert_string_equal(d.smsc, "");
    assert_string_equal(d.originator, "+4917012345678");
    assert_int_equal(d.originator_toa, 0x91);
    assert_int_equal(d.dcs, 4);
    assert_int_equal(d.eight_bit, 1);
    assert_int_equal(d.udhi, 1);
    assert_int_equal(d.is_wap_push, 1);
    assert_int_equal(d.dst_port, 2948);
    assert_int_equal(d.ud_len, 17);
    /* the same without the SMSC octet */
    assert_int_equal(cp_sms_parse_deliver(ctx, parts[0].data + 1,
                                          parts[0].len - 1, CP_TPDU_SMSC_AUTO,
                                          &d),
                     CP_OK);
    assert_int_equal(d.has_smsc, 0);
    assert_int_equal(d.is_wap_push, 1);
    assert_int_equal(cp_sms_parse_deliver(ctx, parts[0].data + 1,
                                          parts[0].len - 1,
                                          CP_TPDU_SMSC_ABSENT, &d),
                     CP_OK);
    cp_free(ctx, parts);

    /* a text message (GSM 7-bit, SMSC +27381000015): handed back */
    t = tu_hex("07917283010010F5040BC87238880900F10000993092516195800A"
               "E8329BFD4697D9EC37", &len);
    assert_int_equal(cp_sms_parse_deliver(ctx, t, len, CP_TPDU_SMSC_AUTO, &d),
                     CP_OK);
    assert_string_equal(d.smsc, "+27381000015");
    assert_string_equal(d.originator, "27838890001");
    assert_int_equal(d.eight_bit, 0);
    assert_int_equal(d.udl, 10);
    assert_int_equal(d.ud_len, 9);
    assert_int_equal(d.is_wap_push, 0);
    free(t);
    /* an alphanumeric sender "Operator" */
    t = tu_hex("00" "04" "0E" "D0" "4F78591EA6BFE5" "0004" "32114122310200" "01" "41",
               &len);
    assert_int_equal(cp_sms_parse_deliver(ctx, t, len, CP_TPDU_SMSC_PRESENT,
                                          &d),
                     CP_OK);
    assert_string_equal(d.originator, "Operator");
    assert_int_equal(d.is_wap_push, 0);
    free(t);
    cp_ctx_free(ctx);
}

typedef struct bad_tpdu {
    const char *title, *hex;
    int mode;
    cp_status st;
    const char *msg;
} bad_tpdu;

static const bad_tpdu bad[] = {
    {"empty", "", CP_TPDU_SMSC_PRESENT, CP_E_TRUNCATED, "SMSC address length"},
    {"empty bare", "", CP_TPDU_SMSC_ABSENT, CP_E_TRUNCATED, "first octet"},
    {"SMSC too long", "0C91", CP_TPDU_SMSC_PRESENT, CP_E_MALFORMED, "over 11"},
    {"SMSC cut", "0791726301", CP_TPDU_SMSC_PRESENT, CP_E_TRUNCATED,
     "SMSC address"},
    {"SMSC bad digit", "02911F", CP_TPDU_SMSC_PRESENT, CP_E_MALFORMED,
     "SMSC address"},
    {"status report", "0002", CP_TPDU_SMSC_PRESENT, CP_E_UNSUPPORTED,
     "STATUS-REPORT"},
    {"submit report", "01", CP_TPDU_SMSC_ABSENT, CP_E_UNSUPPORTED,
     "SUBMIT-REPORT"},
    {"reserved type", "03", CP_TPDU_SMSC_ABSENT, CP_E_UNSUPPORTED, "reserved"},
    {"OA cut", "44", CP_TPDU_SMSC_ABSENT, CP_E_TRUNCATED, "originator"},
    {"OA digits cut", "440A911234", CP_TPDU_SMSC_ABSENT, CP_E_TRUNCATED,
     "originator"},
    {"OA too long", "441591", CP_TPDU_SMSC_ABSENT, CP_E_MALFORMED,
     "more than 20"},
    {"OA bad digit", "440491F321", CP_TPDU_SMSC_ABSENT, CP_E_MALFORMED,
     "originator"},
    {"PID cut", "4402912100", CP_TPDU_SMSC_ABSENT, CP_E_TRUNCATED, "PID"},
    {"UDL over 140", "44029121000432114122310200" "8D", CP_TPDU_SMSC_ABSENT,
     CP_E_MALFORMED, "140 octets"},
    {"UDL over 160", "44029121000032114122310200" "A1", CP_TPDU_SMSC_ABSENT,
     CP_E_MALFORMED, "160 septets"},
    {"UD cut", "44029121000432114122310200" "0306", CP_TPDU_SMSC_ABSENT,
     CP_E_TRUNCATED, "user data"},
    {"trailing", "04029121000432114122310200" "014142", CP_TPDU_SMSC_ABSENT,
     CP_E_MALFORMED, "after the user data"},
    {"UDHI, no UD", "44029121000432114122310200" "00", CP_TPDU_SMSC_ABSENT,
     CP_E_MALFORMED, "empty"},
    {"UDHL past UD", "44029121000432114122310200" "020605",
     CP_TPDU_SMSC_ABSENT, CP_E_MALFORMED, "UDH length"},
    {"IE past UDH", "44029121000432114122310200" "0503050400AA",
     CP_TPDU_SMSC_ABSENT, CP_E_MALFORMED, "past the UDH"},
    {"IE header cut", "44029121000432114122310200" "020105",
     CP_TPDU_SMSC_ABSENT, CP_E_MALFORMED, "cut"},
    {"auto: neither", "0044", CP_TPDU_SMSC_AUTO, CP_E_TRUNCATED,
     "originator"},
};

static void test_tpdu_malformed(void **state)
{
    cp_ctx *ctx = new_ctx();
    size_t i, len, cut;
    cp_sms_deliver d;
    uint8_t *t;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cp_status st;
        t = tu_hex(bad[i].hex, &len);
        assert_non_null(t);
        cp_sms_deliver_init(&d);
        st = cp_sms_parse_deliver(ctx, t, len, bad[i].mode, &d);
        if (st != bad[i].st ||
            strstr(cp_ctx_error_message(ctx), bad[i].msg) == NULL) {
            print_error("%s: status %d (%s), want %d / '%s'\n", bad[i].title,
                        st, cp_ctx_error_message(ctx), bad[i].st, bad[i].msg);
            fail();
        }
        assert_int_equal(d.struct_size, sizeof d);
        assert_null(d.ud);
        free(t);
    }
    /* every cut of a good TPDU fails cleanly */
    t = tu_hex("0791947106004034440C9194711032547600043211412231020011"
               "0605040B840B84010601B6030B6A004501", &len);
    assert_int_equal(cp_sms_parse_deliver(ctx, t, len, CP_TPDU_SMSC_AUTO, &d),
                     CP_OK);
    assert_string_equal(d.smsc, "+491760000443");
    assert_string_equal(d.originator, "+491701234567");
    for (cut = 0; cut < len; cut++)
        assert_int_not_equal(cp_sms_parse_deliver(ctx, t, cut,
                                                  CP_TPDU_SMSC_PRESENT, &d),
                             CP_OK);
    free(t);
    /* arguments */
    assert_int_equal(cp_sms_parse_deliver(ctx, NULL, 3, 0, &d),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_parse_deliver(NULL, NULL, 0, 0, &d),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_parse_deliver(ctx, NULL, 0, 0, NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_parse_deliver(ctx, NULL, 0, 9, &d),
                     CP_E_INVALID_ARG);
    d.struct_size = 3;
    assert_int_equal(cp_sms_parse_deliver(ctx, NULL, 0, 0, &d), CP_E_VERSION);
    cp_ctx_free(ctx);
}

/* ---- reassembly state saved and restored ---------------------------------- */

static void test_save_restore(void **state)
{
    cp_ctx *ctx = new_ctx();
    uint8_t pdu[600], *blk = NULL, *got = NULL, *blk2 = NULL;
    size_t blen = 0, glen = 0, n = 0, i, b2len = 0;
    cp_sms_split_options so;
    cp_sms_options opt;
    cp_sms_part *parts = NULL;
    cp_sms *a = NULL, *b = NULL;
    (void)state;

    for (i = 0; i < sizeof pdu; i++)
        pdu[i] = (uint8_t)(i * 7);
    cp_sms_split_options_init(&so);
    so.ref = 9;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, sizeof pdu, &parts, &n),
                     CP_OK);
    assert_int_equal(n, 5);
    assert_int_equal(cp_sms_new(ctx, NULL, &a), CP_OK);
    for (i = 0; i < 4; i++)
        assert_int_equal(cp_sms_add(a, i == 3 ? NULL : "tool", parts[i].data,
                                    parts[i].len, 1, 100, &got, &glen),
                         CP_OK);
    assert_int_equal(cp_sms_pending(a), 2);
    assert_int_equal(cp_sms_save(a, &blk, &blen), CP_OK);
    assert_int_equal(cp_sms_new(ctx, NULL, &b), CP_OK);
    assert_int_equal(cp_sms_restore(b, blk, blen, 150), CP_OK);
    assert_int_equal(cp_sms_pending(b), 2);
    assert_int_equal(cp_sms_save(b, &blk2, &b2len), CP_OK);
    assert_int_equal(b2len, blen);
    assert_memory_equal(blk2, blk, blen);
    cp_free(ctx, blk2);
    assert_int_equal(cp_sms_add(b, "tool", parts[4].data, parts[4].len, 1, 160,
                                &got, &glen),
                     CP_OK);
    assert_null(got);
    assert_int_equal(cp_sms_add(b, "tool", parts[3].data, parts[3].len, 1, 160,
                                &got, &glen),
                     CP_OK);
    assert_non_null(got);
    assert_int_equal(glen, sizeof pdu);
    assert_memory_equal(got, pdu, sizeof pdu);
    cp_free(ctx, got);
    /* expiry and limits apply */
    assert_int_equal(cp_sms_restore(b, blk, blen, 100 + 301), CP_OK);
    assert_int_equal(cp_sms_pending(b), 0);
    cp_sms_free(b);
    cp_sms_options_init(&opt);
    opt.max_pending = 1;
    assert_int_equal(cp_sms_new(ctx, &opt, &b), CP_OK);
    assert_int_equal(cp_sms_restore(b, blk, blen, 100), CP_OK);
    assert_int_equal(cp_sms_pending(b), 1);
    cp_sms_free(b);
    opt.max_pending = 8;
    opt.max_segments = 4;
    assert_int_equal(cp_sms_new(ctx, &opt, &b), CP_OK);
    assert_int_equal(cp_sms_restore(b, blk, blen, 100), CP_E_CORRUPT);
    assert_int_equal(cp_sms_pending(b), 0);
    cp_sms_free(b);
    /* every cut and every flipped bit: a clean refusal or a valid state */
    assert_int_equal(cp_sms_new(ctx, NULL, &b), CP_OK);
    for (i = 0; i < blen; i++)
        assert_int_equal(cp_sms_restore(b, blk, i, 100), CP_E_CORRUPT);
    for (i = 0; i < blen * 8; i++) {
        cp_status st;
        blk[i / 8] ^= (uint8_t)(1u << (i % 8));
        st = cp_sms_restore(b, blk, blen, 100);
        assert_true(st == CP_OK || st == CP_E_CORRUPT);
        blk[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    assert_int_equal(cp_sms_restore(b, NULL, 0, 0), CP_E_CORRUPT);
    assert_int_equal(cp_sms_restore(NULL, blk, blen, 0), CP_E_INVALID_ARG);
    assert_int_equal(cp_sms_save(NULL, &blk2, &b2len), CP_E_INVALID_ARG);
    cp_sms_free(b);
    cp_sms_free(a);
    cp_free(ctx, blk);
    cp_free(ctx, parts);
    cp_ctx_free(ctx);
}

/* ---- the whole way: XML to TPDUs, TPDUs to applied settings --------------- */

static cp_status give_pin(void *user, int sec, unsigned attempt, unsigned left,
                          char *pin, size_t cap)
{
    (void)sec;
    (void)attempt;
    (void)left;
    if (strlen(user) >= cap)
        return CP_E_BAD_PIN;
    strcpy(pin, user);
    return CP_OK;
}

static const char boot_xml[] =
    "<wap-provisioningdoc version=\"1.1\">"
    "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"INTERNET\"/>"
    "<parm name=\"NAME\" value=\"Operator Internet\"/>"
    "<parm name=\"NAP-ADDRESS\" value=\"internet.operator.example\"/>"
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>"
    "<parm name=\"BEARER\" value=\"GSM-GPRS\"/></characteristic>"
    "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"TPS\"/>"
    "<parm name=\"PROVURL\" value=\"http://tps.operator.example/cp\"/>"
    "</characteristic></wap-provisioningdoc>";

static void test_end_to_end(void **state)
{
    const char *imsis[1] = {IMSI};
    cp_push_build_options o;
    cp_sms_split_options so;
    cp_sms_part *parts = NULL;
    cp_push_hooks h;
    cp_push_result r;
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_sms *sms = NULL;
    uint8_t *pdu = NULL;
    size_t len = 0, n = 0, i;
    cp_status st = CP_E_INTERNAL;
    (void)state;
    NEED_XML();
    cp_config_init(&cfg);
    cfg.profile = CP_PROFILE_UNBRANDED;
    cfg.imsis = imsis;
    cfg.n_imsis = 1;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_csp_register_builtins(ctx), CP_OK);
    assert_int_equal(cp_csp_register_settings(ctx, "NAPDEF"), CP_OK);
    cp_push_build_options_init(&o);
    o.sec = CP_SEC_USERNETWPIN;
    o.imsi = IMSI;
    o.pin = "4711";
    o.flags = CP_PUSH_BUILD_NO_STRING_TABLE;
    assert_int_equal(cp_push_build(ctx, &o, (const uint8_t *)boot_xml,
                                   strlen(boot_xml), &pdu, &len, NULL, 0),
                     CP_OK);
    cp_sms_split_options_init(&so);
    so.deliver = 1;
    so.originator = "+4917012345678";
    so.smsc = "+491710760000";
    so.ref = 77;
    assert_int_equal(cp_sms_split(ctx, &so, pdu, len, &parts, &n), CP_OK);
    assert_true(n >= 2);
    assert_int_equal(cp_sms_new(ctx, NULL, &sms), CP_OK);
    cp_push_hooks_init(&h);
    h.pin = give_pin;
    h.user = (void *)"4711";
    for (i = 0; i < n; i++) {
        cp_sms_deliver d;
        cp_sms_deliver_init(&d);
        assert_int_equal(cp_sms_parse_deliver(ctx, parts[i].data, parts[i].len,
                                              CP_TPDU_SMSC_AUTO, &d),
                         CP_OK);
        assert_true(d.is_wap_push);
        st = cp_push_process_sms(ctx, sms, d.originator, d.ud, d.ud_len,
                                 d.udhi, 1, NULL, &h, &r);
        if (i + 1 < n) {
            assert_int_equal(st, CP_OK);
            assert_int_equal(r.pending, 1);
        }
    }
    assert_int_equal(st, CP_OK);
    assert_int_equal(r.outcome, CP_OUTCOME_APPLIED);
    assert_int_equal(r.verdict.sec, CP_SEC_USERNETWPIN);
    assert_true(r.verdict.is_bootstrap);
    cp_free(ctx, r.output);
    cp_sms_free(sms);
    cp_free(ctx, parts);
    cp_free(ctx, pdu);
    cp_ctx_free(ctx);
}

/* ---- allocation failures: every one refused cleanly, nothing leaked ------- */

static void test_alloc_failures(void **state)
{
    static const uint8_t body[] = {0x03, 0x0B, 0x6A, 0x00, 0x45, 0x01};
    long k;
    (void)state;
    for (k = 1;; k++) {
        tu_alloc ta;
        cp_config cfg;
        cp_ctx *ctx = NULL;
        cp_push_build_options o;
        cp_sms_split_options so;
        cp_sms_part *parts = NULL;
        cp_sms *s = NULL;
        uint8_t *pdu = NULL, *blk = NULL, *got = NULL;
        size_t len = 0, n = 0, blen = 0, glen = 0;
        const uint8_t *in = body;
        size_t in_len = sizeof body;
        cp_status st;
        cp_config_init(&cfg);
        tu_alloc_setup(&cfg, &ta, 0);
        if (cp_ctx_new(&cfg, &ctx) != CP_OK)
            fail();
        ta.fail_at = ta.calls + k;
#ifndef CP_NO_XML
        in = (const uint8_t *)boot_xml;
        in_len = strlen(boot_xml);
#endif
        cp_push_build_options_init(&o);
        o.sec = CP_SEC_USERPIN;
        o.pin = "1234";
        st = cp_push_build(ctx, &o, in, in_len, &pdu, &len, NULL, 0);
        cp_sms_split_options_init(&so);
        so.deliver = 1;
        so.originator = "123";
        if (st == CP_OK)
            st = cp_sms_split(ctx, NULL, pdu, len, &parts, &n);
        if (st == CP_OK)
            st = cp_sms_new(ctx, NULL, &s);
        if (st == CP_OK)
            st = cp_sms_add(s, "x", parts[0].data, parts[0].len, 1, 0, &got,
                            &glen);
        if (st == CP_OK)
            st = cp_sms_save(s, &blk, &blen);
        if (st == CP_OK)
            st = cp_sms_restore(s, blk, blen, 0);
        cp_free(ctx, got);
        cp_free(ctx, blk);
        cp_sms_free(s);
        cp_free(ctx, parts);
        cp_free(ctx, pdu);
        if (st != CP_OK)
            assert_int_equal(st, CP_E_NOMEM);
        cp_ctx_free(ctx);
        assert_int_equal(ta.live, 0);
        if (st == CP_OK)
            break;
    }
    assert_true(k > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_rebuilt),
        cmocka_unit_test(test_roundtrip_matrix),
        cmocka_unit_test(test_build_forms),
        cmocka_unit_test(test_build_errors),
        cmocka_unit_test(test_split_layout),
        cmocka_unit_test(test_tpdu_deliver),
        cmocka_unit_test(test_tpdu_malformed),
        cmocka_unit_test(test_save_restore),
        cmocka_unit_test(test_end_to_end),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
