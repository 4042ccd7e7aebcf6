/*
 * sms_split.c - cp_sms_split: a WSP push PDU as the SMS a gateway sends
 * (protocol.md d.1; 3GPP TS 23.040 9.2.3.24 for the UDH, 9.2.2.1 for the
 * SMS-DELIVER TPDU). The parts go into one block: the part array, then
 * each part's octets.
 */
#include <string.h>

#include "../base/base.h"
#include "omacp/send.h"
#include "omacp/sms.h"

#define SPLIT_OPTS_MIN CP_SIZE_THROUGH(cp_sms_split_options, smsc)

#define IEI_CONCAT8 0x00u
#define IEI_PORT16 0x05u
#define IEI_CONCAT16 0x08u
#define UDH_PORTS 7u     /* UDHL + 05 04 dst dst src src */
#define IE_CONCAT8 5u    /* 00 03 ref n i */
#define IE_CONCAT16 6u   /* 08 04 ref ref n i */
#define ADDR_DIGITS_MAX 20u
/* first octet: SMS-DELIVER, TP-MMS (no more messages), TP-UDHI */
#define DELIVER_FIRST 0x44u
#define DCS_8BIT 0x04u
/* 2000-01-01 and 2100-01-01 00:00:00 UTC */
#define SCTS_MIN 946684800u
#define SCTS_END 4102444800u
/* TPDU around the user data: first, OA (2 + 10), PID, DCS, SCTS (7), UDL */
#define TPDU_HEAD_MAX 23u
#define SMSC_MAX 12u

static void opts_defaults(cp_sms_split_options *o)
{
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->dst_port = CP_WDP_PORT_PUSH;
    o->src_port = CP_WDP_PORT_PUSH;
}

CP_EXPORT void cp_sms_split_options_init_size(cp_sms_split_options *o, size_t size)
{
    cp_sms_split_options d;
    opts_defaults(&d);
    cp_struct__init_from(o, size, &d, sizeof d);
}

/* Semi-octet address: *toa and the digits packed low nibble first. */
static cp_status addr_encode(cp_ctx *ctx, const char *s, const char *what,
                             uint8_t *out, size_t *n_out)
{
    size_t i, nd = 0;
    uint8_t toa = 0x81;
    if (s[0] == '+') {
        toa = 0x91;
        s++;
    }
    for (i = 0; s[i] != '\0'; i++)
        if (s[i] < '0' || s[i] > '9' || i >= ADDR_DIGITS_MAX)
            return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                               "%s is not '+' and up to %u digits", what,
                               ADDR_DIGITS_MAX);
    nd = i;
    out[0] = (uint8_t)nd;
    out[1] = toa;
    for (i = 0; i < nd; i += 2) {
        unsigned lo = (unsigned)(s[i] - '0');
        unsigned hi = i + 1 < nd ? (unsigned)(s[i + 1] - '0') : 0xFu;
        out[2 + i / 2] = (uint8_t)(lo | hi << 4);
    }
    *n_out = 2 + (nd + 1) / 2;
    return CP_OK;
}

static uint8_t bcd_swapped(unsigned v)
{
    return (uint8_t)((v % 10) << 4 | (v / 10) % 10);
}

/* Seconds since 1970 (2000..2099) as TP-SCTS, UTC. */
static void scts_encode(uint64_t t, uint8_t out[7])
{
    uint64_t days = t / 86400u;
    unsigned secs = (unsigned)(t % 86400u);
    /* civil date from days since 1970-01-01 (proleptic Gregorian) */
    uint64_t z = days + 719468u;
    uint64_t era = z / 146097u;
    unsigned doe = (unsigned)(z - era * 146097u);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    uint64_t y = (uint64_t)yoe + era * 400u + (m <= 2 ? 1u : 0u);

    out[0] = bcd_swapped((unsigned)(y % 100u));
    out[1] = bcd_swapped(m);
    out[2] = bcd_swapped(d);
    out[3] = bcd_swapped(secs / 3600);
    out[4] = bcd_swapped(secs / 60 % 60);
    out[5] = bcd_swapped(secs % 60);
    out[6] = 0; /* time zone: UTC */
}

typedef struct split_plan {
    cp_sms_split_options o;
    size_t n, chunk, udh;            /* parts, PDU octets per part, UDH octets */
    uint8_t head[2 + SMSC_MAX + TPDU_HEAD_MAX]; /* SMSC + TPDU up to UDL */
    size_t head_len;                 /* without the UDL octet */
} split_plan;

static cp_status get_opts(cp_ctx *ctx, const cp_sms_split_options *opt,
                          cp_sms_split_options *o)
{
    opts_defaults(o);
    if (opt == NULL)
        return CP_OK;
    if (cp_struct__take_in(ctx, "cp_sms_split_options", o, sizeof *o, opt, SPLIT_OPTS_MIN) != CP_OK)
        return CP_E_VERSION;
    if (o->dst_port > 0xFFFFu || o->src_port > 0xFFFFu)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "a WDP port is over 65535");
    if (o->ref > (o->ref16 ? 0xFFFFu : 0xFFu))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "reference %u does not fit %d bits", o->ref,
                           o->ref16 ? 16 : 8);
    return CP_OK;
}

/* The TPDU octets before the UDL, with the SMSC address when asked for. */
static cp_status plan_tpdu(cp_ctx *ctx, split_plan *pl)
{
    const cp_sms_split_options *o = &pl->o;
    size_t n = 0, k;
    uint64_t t = o->scts ? o->scts : SCTS_MIN;
    cp_status st;

    if (o->originator == NULL)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "an SMS-DELIVER needs an originator address");
    if (t < SCTS_MIN || t >= SCTS_END)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "time stamp %llu is not within 2000..2099",
                           (unsigned long long)t);
    if (o->smsc != NULL) {
        if (o->smsc[0] == '\0') {
            pl->head[n++] = 0;
        } else {
            st = addr_encode(ctx, o->smsc, "the SMSC address", pl->head + n,
                             &k);
            if (st)
                return st;
            /* its length octet counts the TOA and digit octets (<= 11) */
            pl->head[n] = (uint8_t)(k - 1);
            n += k;
        }
    }
    pl->head[n++] = DELIVER_FIRST;
    st = addr_encode(ctx, o->originator, "the originator", pl->head + n, &k);
    if (st)
        return st;
    n += k;
    pl->head[n++] = 0x00;     /* TP-PID */
    pl->head[n++] = DCS_8BIT; /* TP-DCS */
    scts_encode(t, pl->head + n);
    n += 7;
    pl->head_len = n;
    return CP_OK;
}

static void put_udh(uint8_t *p, const split_plan *pl, size_t i)
{
    const cp_sms_split_options *o = &pl->o;
    p[0] = (uint8_t)(pl->udh - 1);
    p[1] = IEI_PORT16;
    p[2] = 4;
    p[3] = (uint8_t)(o->dst_port >> 8);
    p[4] = (uint8_t)o->dst_port;
    p[5] = (uint8_t)(o->src_port >> 8);
    p[6] = (uint8_t)o->src_port;
    if (pl->n == 1)
        return;
    p += UDH_PORTS;
    if (o->ref16) {
        *p++ = IEI_CONCAT16;
        *p++ = 4;
        *p++ = (uint8_t)(o->ref >> 8);
    } else {
        *p++ = IEI_CONCAT8;
        *p++ = 3;
    }
    *p++ = (uint8_t)o->ref;
    *p++ = (uint8_t)pl->n;
    *p = (uint8_t)(i + 1);
}

static cp_status plan_split(cp_ctx *ctx, split_plan *pl, size_t pdu_len)
{
    pl->udh = UDH_PORTS;
    pl->chunk = CP_SMS_UD_MAX - UDH_PORTS;
    pl->n = 1;
    if (pdu_len > pl->chunk) {
        pl->udh += pl->o.ref16 ? IE_CONCAT16 : IE_CONCAT8;
        pl->chunk = CP_SMS_UD_MAX - pl->udh;
        if ((pdu_len - 1) / pl->chunk + 1 > CP_SMS_PARTS_MAX)
            return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                               "a PDU of %lu octets needs more than %u SMS",
                               (unsigned long)pdu_len, CP_SMS_PARTS_MAX);
        pl->n = (pdu_len + pl->chunk - 1) / pl->chunk;
    }
    return pl->o.deliver ? plan_tpdu(ctx, pl) : CP_OK;
}

CP_EXPORT cp_status cp_sms_split(cp_ctx *ctx,
                                 const cp_sms_split_options *opt,
                                 const uint8_t *pdu, size_t pdu_len,
                                 cp_sms_part **parts, size_t *n_parts)
{
    split_plan pl;
    size_t i, per, size, pos = 0;
    cp_sms_part *arr;
    uint8_t *data;
    cp_status st;

    if (parts != NULL)
        *parts = NULL;
    if (n_parts != NULL)
        *n_parts = 0;
    if (ctx == NULL || parts == NULL || n_parts == NULL)
        return CP_E_INVALID_ARG;
    if (pdu == NULL || pdu_len == 0)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "nothing to split: the PDU is empty");
    memset(&pl, 0, sizeof pl);
    st = get_opts(ctx, opt, &pl.o);
    if (st == CP_OK)
        st = plan_split(ctx, &pl, pdu_len);
    if (st)
        return st;
    /* n <= 255 parts of at most head + 1 + 140 octets: no overflow */
    per = (pl.o.deliver ? pl.head_len + 1 : 0) + CP_SMS_UD_MAX;
    size = pl.n * sizeof *arr + pl.n * per;
    arr = cp_mem__alloc(&ctx->alloc, size);
    if (arr == NULL)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory for %lu SMS", (unsigned long)pl.n);
    data = (uint8_t *)(arr + pl.n);
    for (i = 0; i < pl.n; i++) {
        size_t take = pdu_len - pos < pl.chunk ? pdu_len - pos : pl.chunk;
        uint8_t *p = data;
        arr[i].data = p;
        if (pl.o.deliver) {
            memcpy(p, pl.head, pl.head_len);
            p += pl.head_len;
            *p++ = (uint8_t)(pl.udh + take); /* TP-UDL in octets */
        }
        put_udh(p, &pl, i);
        memcpy(p + pl.udh, pdu + pos, take);
        pos += take;
        arr[i].len = (size_t)(p + pl.udh + take - data);
        data += arr[i].len;
    }
    *parts = arr;
    *n_parts = pl.n;
    return CP_OK;
}
