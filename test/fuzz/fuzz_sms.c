/*
 * fuzz_sms.c - libFuzzer harness: SMS reassembly over a sequence of
 * segments. The input is a list of records:
 *
 *   flags(1) len(1) user-data(len)
 *
 * flags bit 0 = TP-UDHI, bits 1-2 pick one of four origins (one of them
 * NULL), bits 3-7 advance the clock (x 16 s, so expiry is reached). Every
 * completed PDU is checked for a sane length and freed; the reassembler is
 * freed at the end with whatever is pending.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const origins[4] = {"+886912345678", "+886900000000",
                                       NULL, "12345"};

static void add_one(cp_ctx *ctx, cp_sms *sms, unsigned flags,
                    const uint8_t *ud, size_t len, uint64_t now)
{
    uint8_t *pdu = NULL;
    size_t pdu_len = 0;
    cp_status st;

    st = cp_sms_add(sms, origins[(flags >> 1) & 3u], ud, len,
                    (int)(flags & 1u), now, &pdu, &pdu_len);
    if (st != CP_OK && pdu != NULL)
        abort(); /* a failed add hands out nothing */
    if (pdu != NULL) {
        if (pdu_len > 255u * 140u)
            abort(); /* 0 is possible: a UDH with no payload after it */
        cp_free(ctx, pdu);
    }
    if ((flags & 0xF8u) == 0xF8u)
        cp_sms_expire(sms, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_ctx *ctx = NULL;
    cp_sms *sms = NULL;
    cp_sms_options opt;
    size_t pos = 0;
    uint64_t now = 1000;

    if (cp_ctx_new(NULL, &ctx) != CP_OK)
        abort();
    cp_sms_options_init(&opt);
    opt.max_pending = 3; /* reach the eviction of the oldest message */
    if (cp_sms_new(ctx, &opt, &sms) != CP_OK)
        abort();
    while (size - pos >= 2) {
        unsigned flags = data[pos];
        size_t len = data[pos + 1];
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        now += (uint64_t)(flags >> 3) * 16u;
        add_one(ctx, sms, flags, data + pos, len, now);
        pos += len;
    }
    if (cp_sms_pending(sms) > opt.max_pending)
        abort();
    cp_sms_free(sms);
    cp_ctx_free(ctx);
    return 0;
}
