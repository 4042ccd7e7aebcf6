/*
 * fuzz_tpdu.c - libFuzzer harness for what a modem and a harness hand the
 * library: SMS-DELIVER TPDUs (cp_sms_parse_deliver in every SMSC mode, a
 * WAP push then fed to cp_sms_add), saved reassembly state
 * (cp_sms_restore, then save and restore again, which must agree), and the
 * sending side (cp_push_build over the input as a body, cp_sms_split of
 * the PDU, every part reassembled back into the same PDU).
 *
 * Input: mode(1) then the octets. mode bits 0-1 pick the SMSC mode, bit 2
 * the split's 16-bit reference, bits 3-4 the SEC method, bit 5 TPDUs.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void tpdu(cp_ctx *ctx, cp_sms *sms, int mode, const uint8_t *p,
                 size_t n)
{
    cp_sms_deliver d;
    uint8_t *pdu = NULL;
    size_t len = 0;
    cp_sms_deliver_init(&d);
    if (cp_sms_parse_deliver(ctx, p, n, mode, &d) != CP_OK) {
        if (d.ud != NULL)
            abort(); /* a failed parse hands out nothing */
        return;
    }
    if (d.ud_len > 140 || (d.ud_len > 0 && (d.ud < p || d.ud + d.ud_len > p + n)))
        abort();
    if (d.is_wap_push &&
        cp_sms_add(sms, d.originator, d.ud, d.ud_len, d.udhi, 1, &pdu,
                   &len) == CP_OK)
        cp_free(ctx, pdu);
}

static void state(cp_ctx *ctx, const uint8_t *p, size_t n)
{
    cp_sms *a = NULL;
    uint8_t *s1 = NULL, *s2 = NULL;
    size_t l1 = 0, l2 = 0;
    if (cp_sms_new(ctx, NULL, &a) != CP_OK)
        abort();
    if (cp_sms_restore(a, p, n, 0) == CP_OK &&
        cp_sms_save(a, &s1, &l1) == CP_OK &&
        cp_sms_restore(a, s1, l1, 0) == CP_OK &&
        cp_sms_save(a, &s2, &l2) == CP_OK &&
        (l1 != l2 || memcmp(s1, s2, l1) != 0))
        abort(); /* save(restore(x)) is stable */
    cp_free(ctx, s1);
    cp_free(ctx, s2);
    cp_sms_free(a);
}

static void send_side(cp_ctx *ctx, unsigned mode, const uint8_t *p, size_t n)
{
    cp_push_build_options o;
    cp_sms_split_options so;
    cp_sms_part *parts = NULL;
    uint8_t *pdu = NULL, *back = NULL;
    size_t len = 0, np = 0, i, blen = 0;
    cp_sms *sms = NULL;
    cp_sms_options opt;
    char digits[64];

    cp_push_build_options_init(&o);
    o.sec = (int)((mode >> 3) & 3u);
    o.imsi = "262019876543210";
    o.pin = "12345";
    if (cp_push_build(ctx, &o, p, n, &pdu, &len, digits, sizeof digits))
        return;
    cp_sms_split_options_init(&so);
    so.ref16 = (mode >> 2) & 1;
    so.ref = n & 0xFFu;
    so.deliver = (mode >> 5) & 1;
    so.originator = "+4917012345678";
    cp_sms_options_init(&opt);
    opt.max_segments = 255; /* every split a PDU can have */
    if (cp_sms_split(ctx, &so, pdu, len, &parts, &np) == CP_OK &&
        cp_sms_new(ctx, &opt, &sms) == CP_OK) {
        for (i = 0; i < np; i++) {
            const uint8_t *ud = parts[i].data;
            size_t ul = parts[i].len;
            cp_sms_deliver d;
            if (so.deliver) {
                cp_sms_deliver_init(&d);
                if (cp_sms_parse_deliver(ctx, ud, ul, 0, &d) != CP_OK ||
                    !d.is_wap_push)
                    abort();
                ud = d.ud;
                ul = d.ud_len;
            }
            if (cp_sms_add(sms, "x", ud, ul, 1, 0, &back, &blen) != CP_OK)
                abort();
        }
        if (back == NULL || blen != len || memcmp(back, pdu, len) != 0)
            abort(); /* split and reassembly give the PDU back */
        cp_free(ctx, back);
    }
    cp_sms_free(sms);
    cp_free(ctx, parts);
    cp_free(ctx, pdu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_ctx *ctx = NULL;
    cp_sms *sms = NULL;
    unsigned mode;
    if (size < 1)
        return 0;
    mode = data[0];
    if (cp_ctx_new(NULL, &ctx) != CP_OK || cp_sms_new(ctx, NULL, &sms) != CP_OK)
        abort();
    tpdu(ctx, sms, (int)(mode & 3u) % 3, data + 1, size - 1);
    state(ctx, data + 1, size - 1);
    send_side(ctx, mode, data + 1, size - 1);
    cp_sms_free(sms);
    cp_ctx_free(ctx);
    return 0;
}
