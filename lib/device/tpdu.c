/*
 * tpdu.c - cp_sms_parse_deliver: an SMS-DELIVER TPDU as a modem gives it
 * in PDU mode (3GPP TS 23.040 9.2.2.1 and 9.1.2.5 for addresses, TS 23.038
 * chapter 4 for the data coding scheme), read with the bounded reader.
 */
#include <string.h>

#include "../base/base.h"
#include "omacp/sms.h"
#include "omacp/tpdu.h"

/* The first (0.2.0) layout of cp_sms_deliver, frozen. */
#define DELIVER_MIN CP_SIZE_THROUGH(cp_sms_deliver, dst_port)

#define MTI_DELIVER 0u
#define UDHI_BIT 0x40u
#define SMSC_OCTETS_MAX 11u /* TOA + 10 octets of digits */
#define OA_DIGITS_MAX 20u
#define UD_OCTETS_MAX 140u
#define UD_SEPTETS_MAX 160u
#define TOA_ALPHA 0x50u
#define TOA_TON 0x70u
#define TOA_INTL 0x10u
#define IEI_PORT16 0x05u

enum coding { CODING_7BIT, CODING_8BIT, CODING_OTHER };

CP_EXPORT void cp_sms_deliver_init_size(cp_sms_deliver *d, size_t size)
{
    cp_struct__init(d, size);
}

/* One parse attempt: where it failed, for CP_TPDU_SMSC_AUTO. */
typedef struct attempt {
    cp_ctx *ctx;
    cp_rd r;
    int quiet;     /* 1: do not record the error in ctx */
    size_t at;     /* offset of the failure */
} attempt;

static cp_status fail(attempt *a, cp_status st, size_t off, const char *what)
{
    a->at = off;
    if (a->quiet)
        return st;
    return cp_err__set(a->ctx, st, off, "%s", what);
}

static cp_status need(attempt *a, size_t n, const char *field)
{
    if (cp_rd__left(&a->r) >= n)
        return CP_OK;
    a->at = cp_rd__off(&a->r);
    if (a->quiet)
        return CP_E_TRUNCATED;
    return cp_err__set(a->ctx, CP_E_TRUNCATED, a->at,
                       "the octets end inside %s", field);
}

static uint8_t u8(attempt *a)
{
    uint8_t v = 0;
    if (cp_rd__u8(&a->r, &v) != CP_OK)
        v = 0; /* cannot happen: need() checked the length */
    return v;
}

static const char semi_chars[] = "0123456789*#abc";

/* n digits from semi-octets at the reader (need() done); F ends them. */
static cp_status digits(attempt *a, size_t n, size_t octets, char *out,
                        const char *field)
{
    size_t i, k = 0, start = cp_rd__off(&a->r);
    for (i = 0; i < octets; i++) {
        uint8_t b = u8(a);
        unsigned nib[2];
        int j;
        nib[0] = b & 0x0Fu;
        nib[1] = b >> 4;
        for (j = 0; j < 2; j++) {
            if (k == n)
                break; /* the filler of an odd count: not checked */
            if (nib[j] == 0xFu) {
                if (i + 1 == octets && j == 1 && n == SIZE_MAX)
                    break; /* SMSC: a filler ends the digits */
                return fail(a, CP_E_MALFORMED, start + i, field);
            }
            out[k++] = semi_chars[nib[j]];
        }
    }
    out[k] = '\0';
    return CP_OK;
}

/* GSM 7-bit default alphabet to ASCII where they agree, '?' elsewhere. */
static char gsm_char(unsigned s)
{
    if (s == 0x00)
        return '@';
    if (s == 0x02)
        return '$';
    if (s == 0x11)
        return '_';
    if ((s >= 0x20 && s <= 0x3F && s != 0x24) || (s >= 0x41 && s <= 0x5A) ||
        (s >= 0x61 && s <= 0x7A))
        return (char)s;
    return '?';
}

static void alpha(attempt *a, size_t semi, size_t octets, char *out)
{
    uint8_t b[10] = {0};
    size_t i, n = semi * 4 / 7;
    for (i = 0; i < octets; i++)
        b[i] = u8(a);
    for (i = 0; i < n; i++) {
        size_t bit = i * 7, o = bit / 8, sh = bit % 8;
        unsigned v = (unsigned)b[o] >> sh;
        if (sh > 1 && o + 1 < octets)
            v |= (unsigned)b[o + 1] << (8 - sh);
        out[i] = gsm_char(v & 0x7Fu);
    }
    out[n] = '\0';
}

static cp_status read_smsc(attempt *a, cp_sms_deliver *d)
{
    size_t off = cp_rd__off(&a->r);
    uint8_t len;
    char *o;
    cp_status st = need(a, 1, "the SMSC address length");
    if (st)
        return st;
    len = u8(a);
    d->has_smsc = 1;
    if (len == 0)
        return CP_OK;
    if (len > SMSC_OCTETS_MAX)
        return fail(a, CP_E_MALFORMED, off,
                    "SMSC address length over 11 octets (or no SMSC address)");
    st = need(a, len, "the SMSC address");
    if (st)
        return st;
    o = d->smsc;
    if ((u8(a) & TOA_TON) == TOA_INTL)
        *o++ = '+';
    return digits(a, SIZE_MAX, (size_t)len - 1, o,
                  "a non-digit semi-octet in the SMSC address");
}

static cp_status read_oa(attempt *a, cp_sms_deliver *d)
{
    size_t off = cp_rd__off(&a->r), octets;
    uint8_t n;
    cp_status st = need(a, 2, "the originator address");
    char *o = d->originator;
    if (st)
        return st;
    n = u8(a);
    d->originator_toa = u8(a);
    if (n > OA_DIGITS_MAX)
        return fail(a, CP_E_MALFORMED, off,
                    "originator address of more than 20 digits");
    octets = ((size_t)n + 1) / 2;
    st = need(a, octets, "the originator address");
    if (st)
        return st;
    if ((d->originator_toa & TOA_TON) == TOA_ALPHA) {
        alpha(a, n, octets, o);
        return CP_OK;
    }
    if ((d->originator_toa & TOA_TON) == TOA_INTL)
        *o++ = '+';
    return digits(a, n, octets, o,
                  "a non-digit semi-octet in the originator address");
}

static enum coding coding_of(uint8_t dcs)
{
    unsigned grp = dcs >> 4;
    if (grp <= 0x7u) { /* general data coding (and automatic deletion) */
        if (dcs & 0x20u)
            return CODING_OTHER; /* compressed */
        switch ((dcs >> 2) & 3u) {
        case 1: return CODING_8BIT;
        case 2: return CODING_OTHER; /* UCS-2 */
        default: return CODING_7BIT;
        }
    }
    if (grp == 0xEu)
        return CODING_OTHER; /* message waiting, UCS-2 */
    if (grp == 0xFu)
        return (dcs & 0x04u) ? CODING_8BIT : CODING_7BIT;
    return CODING_7BIT; /* message waiting (7-bit) and reserved groups */
}

/* The UDH inside the user data: every IE inside it; the port IE noted. */
static cp_status read_udh(attempt *a, cp_sms_deliver *d, size_t ud_off)
{
    cp_rd h;
    size_t udhl;
    if (d->ud_len < 1)
        return fail(a, CP_E_MALFORMED, ud_off,
                    "UDHI is set but the user data is empty");
    udhl = d->ud[0];
    if (udhl + 1 > d->ud_len)
        return fail(a, CP_E_MALFORMED, ud_off,
                    "the UDH length runs past the user data");
    cp_rd__init(&h, d->ud + 1, udhl);
    while (cp_rd__left(&h) > 0) {
        size_t off = ud_off + 1 + cp_rd__off(&h);
        uint8_t iei = 0, iedl = 0, b[4];
        if (cp_rd__u8(&h, &iei) != CP_OK || cp_rd__u8(&h, &iedl) != CP_OK)
            return fail(a, CP_E_MALFORMED, off,
                        "an IE header cut by the end of the UDH");
        if (iedl > cp_rd__left(&h))
            return fail(a, CP_E_MALFORMED, off, "an IE runs past the UDH");
        if (iei == IEI_PORT16 && iedl == 4) {
            memcpy(b, h.p, 4);
            d->dst_port = (unsigned)b[0] << 8 | b[1];
        }
        if (cp_rd__skip(&h, iedl) != CP_OK)
            return CP_E_INTERNAL;
    }
    return CP_OK;
}

static cp_status read_ud(attempt *a, cp_sms_deliver *d)
{
    enum coding c = coding_of(d->dcs);
    size_t off = cp_rd__off(&a->r), octets;
    cp_status st;

    d->udl = u8(a);
    d->eight_bit = c == CODING_8BIT;
    if (c == CODING_7BIT) {
        if (d->udl > UD_SEPTETS_MAX)
            return fail(a, CP_E_MALFORMED, off,
                        "user data length over 160 septets");
        octets = ((size_t)d->udl * 7 + 7) / 8;
    } else {
        if (d->udl > UD_OCTETS_MAX)
            return fail(a, CP_E_MALFORMED, off,
                        "user data length over 140 octets");
        octets = d->udl;
    }
    st = need(a, octets, "the user data");
    if (st)
        return st;
    d->ud = a->r.p;
    d->ud_len = octets;
    if (cp_rd__skip(&a->r, octets) != CP_OK)
        return CP_E_INTERNAL;
    if (cp_rd__left(&a->r) > 0)
        return fail(a, CP_E_MALFORMED, cp_rd__off(&a->r),
                    "octets after the user data");
    if (d->udhi) {
        st = read_udh(a, d, off + 1);
        if (st)
            return st;
    }
    d->is_wap_push = d->eight_bit && d->udhi &&
                     d->dst_port == CP_WDP_PORT_PUSH;
    return CP_OK;
}

static cp_status parse(attempt *a, int smsc, cp_sms_deliver *d)
{
    size_t off;
    cp_status st;
    if (smsc == CP_TPDU_SMSC_PRESENT) {
        st = read_smsc(a, d);
        if (st)
            return st;
    }
    off = cp_rd__off(&a->r);
    st = need(a, 1, "the first octet");
    if (st)
        return st;
    d->first_octet = u8(a);
    if ((d->first_octet & 3u) != MTI_DELIVER)
        return fail(a, CP_E_UNSUPPORTED, off,
                    (d->first_octet & 3u) == 2u
                        ? "an SMS-STATUS-REPORT, not an SMS-DELIVER"
                        : (d->first_octet & 3u) == 1u
                              ? "an SMS-SUBMIT-REPORT, not an SMS-DELIVER"
                              : "reserved message type, not an SMS-DELIVER");
    d->udhi = (d->first_octet & UDHI_BIT) != 0;
    st = read_oa(a, d);
    if (st)
        return st;
    st = need(a, 10, "PID, DCS, SCTS and UDL");
    if (st)
        return st;
    d->pid = u8(a);
    d->dcs = u8(a);
    for (off = 0; off < 7; off++)
        d->scts[off] = u8(a);
    return read_ud(a, d);
}

static cp_status attempt_run(cp_ctx *ctx, const uint8_t *p, size_t len,
                             int smsc, int quiet, cp_sms_deliver *d,
                             size_t *at)
{
    attempt a;
    cp_status st;
    size_t keep = d->struct_size;
    memset(&a, 0, sizeof a);
    a.ctx = ctx;
    a.quiet = quiet;
    cp_rd__init(&a.r, p, len);
    cp_sms_deliver_init(d);
    st = parse(&a, smsc, d);
    if (st)
        cp_sms_deliver_init(d);
    d->struct_size = keep;
    *at = a.at;
    return st;
}

CP_EXPORT cp_status cp_sms_parse_deliver(cp_ctx *ctx, const uint8_t *octets,
                                         size_t len, int smsc,
                                         cp_sms_deliver *out)
{
    static const uint8_t none[1] = {0};
    cp_sms_deliver d;
    size_t at1 = 0, at2 = 0, n;
    cp_status st;

    if (ctx == NULL || out == NULL || (octets == NULL && len > 0))
        return CP_E_INVALID_ARG;
    if (cp_struct__check(ctx, "cp_sms_deliver", out, DELIVER_MIN) != CP_OK)
        return CP_E_VERSION;
    if (smsc < CP_TPDU_SMSC_AUTO || smsc > CP_TPDU_SMSC_ABSENT)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "SMSC mode %d is unknown", smsc);
    if (octets == NULL)
        octets = none;
    d.struct_size = sizeof d;
    if (smsc != CP_TPDU_SMSC_AUTO) {
        st = attempt_run(ctx, octets, len, smsc, 0, &d, &at1);
    } else {
        st = attempt_run(ctx, octets, len, CP_TPDU_SMSC_PRESENT, 1, &d, &at1);
        if (st)
            st = attempt_run(ctx, octets, len, CP_TPDU_SMSC_ABSENT, 1, &d,
                             &at2);
        if (st) /* again, recording the reading that got further */
            st = attempt_run(ctx, octets, len,
                             at1 >= at2 ? CP_TPDU_SMSC_PRESENT
                                       : CP_TPDU_SMSC_ABSENT,
                             0, &d, &at1);
    }
    n = out->struct_size; /* a newer caller's fields we do not know: 0 */
    if (n > sizeof d)
        memset((uint8_t *)out + sizeof d, 0, n - sizeof d);
    (void)cp_struct__give(out, &d, sizeof d, DELIVER_MIN);
    return st;
}
