/*
 * sms_udh.c - the user data header of one SMS segment (3GPP TS 23.040
 * 9.2.3.24): the concatenation and application port IEs reassembly needs,
 * read with the bounded reader; other IEs are skipped by their length.
 *
 * Firmware code: the C standard library only.
 */
#include <string.h>

#include "sms_int.h"

#define IEI_CONCAT8 0x00u
#define IEI_PORT8 0x04u
#define IEI_PORT16 0x05u
#define IEI_CONCAT16 0x08u

/* Read n (<= 4) octets of an IE whose length was checked already. */
static void ie_bytes(cp_rd *ie, uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (cp_rd__u8(ie, &b[i]) != CP_OK)
            b[i] = 0; /* cannot happen: the length is exact */
}

static cp_status ie_concat(cp_ctx *ctx, cp_rd *ie, size_t iedl, size_t off,
                           int is16, cp_sms__seg *si)
{
    uint8_t b[4];
    size_t want = is16 ? 4 : 3;
    if (si->has_concat)
        return cp_err__set(ctx, CP_E_MALFORMED, off,
                           "a second concatenation IE in one UDH");
    if (iedl != want)
        return cp_err__set(ctx, CP_E_MALFORMED, off,
                           "concatenation IE 0x%02X has length %lu, not %lu",
                           is16 ? IEI_CONCAT16 : IEI_CONCAT8,
                           (unsigned long)iedl, (unsigned long)want);
    ie_bytes(ie, b, want);
    si->has_concat = 1;
    si->ref16 = is16;
    si->ref = is16 ? ((unsigned)b[0] << 8) | b[1] : b[0];
    si->total = b[want - 2];
    si->seq = b[want - 1];
    if (si->total == 0 || si->seq == 0 || si->seq > si->total)
        return cp_err__set(ctx, CP_E_MALFORMED, off,
                           "segment %u of %u is out of range", si->seq,
                           si->total);
    return CP_OK;
}

static cp_status ie_port(cp_ctx *ctx, cp_rd *ie, size_t iedl, size_t off,
                         int is8, cp_sms__seg *si)
{
    uint8_t b[4];
    size_t want = is8 ? 2 : 4;
    if (si->has_port)
        return cp_err__set(ctx, CP_E_MALFORMED, off,
                           "a second port addressing IE in one UDH");
    if (iedl != want)
        return cp_err__set(ctx, CP_E_MALFORMED, off,
                           "port IE 0x%02X has length %lu, not %lu",
                           is8 ? IEI_PORT8 : IEI_PORT16,
                           (unsigned long)iedl, (unsigned long)want);
    ie_bytes(ie, b, want);
    si->has_port = 1;
    si->port8 = is8;
    si->dst_port = is8 ? b[0] : ((unsigned)b[0] << 8) | b[1];
    return CP_OK;
}

/* One IE; off is where its IEI sits in the user data. */
static cp_status parse_ie(cp_ctx *ctx, uint8_t iei, cp_rd *ie, size_t iedl,
                          size_t off, cp_sms__seg *si)
{
    switch (iei) {
    case IEI_CONCAT8: return ie_concat(ctx, ie, iedl, off, 0, si);
    case IEI_CONCAT16: return ie_concat(ctx, ie, iedl, off, 1, si);
    case IEI_PORT8: return ie_port(ctx, ie, iedl, off, 1, si);
    case IEI_PORT16: return ie_port(ctx, ie, iedl, off, 0, si);
    default: return CP_OK; /* unknown: skipped by its length */
    }
}

/* The IEs of a UDH; h covers exactly the UDHL octets, which start at ud[1]. */
static cp_status parse_ies(cp_ctx *ctx, cp_rd *h, cp_sms__seg *si)
{
    while (cp_rd__left(h) > 0) {
        size_t off = 1 + cp_rd__off(h);
        uint8_t iei, iedl;
        cp_rd ie;
        cp_status st;
        if (cp_rd__u8(h, &iei) != CP_OK || cp_rd__u8(h, &iedl) != CP_OK)
            return cp_err__set(ctx, CP_E_MALFORMED, off,
                               "IE header cut by the end of the UDH");
        if (iedl > cp_rd__left(h))
            return cp_err__set(ctx, CP_E_MALFORMED, off,
                               "IE 0x%02X of length %u runs past the UDH",
                               iei, iedl);
        cp_rd__init(&ie, h->p, iedl);
        if (cp_rd__skip(h, iedl) != CP_OK)
            return CP_E_INTERNAL;
        st = parse_ie(ctx, iei, &ie, iedl, off, si);
        if (st)
            return st;
    }
    return CP_OK;
}

cp_status cp_sms__parse_udh(cp_ctx *ctx, const uint8_t *ud, size_t len,
                            int udhi, cp_sms__seg *si)
{
    cp_rd r, h;
    uint8_t udhl;
    cp_status st;

    memset(si, 0, sizeof *si);
    cp_rd__init(&r, ud, len);
    if (udhi) {
        if (cp_rd__u8(&r, &udhl) != CP_OK)
            return cp_err__set(ctx, CP_E_MALFORMED, 0,
                               "UDHI is set but the user data is empty");
        if (udhl > cp_rd__left(&r))
            return cp_err__set(ctx, CP_E_MALFORMED, 0,
                               "UDHL %u runs past the user data (%lu octets)",
                               udhl, (unsigned long)len);
        cp_rd__init(&h, r.p, udhl);
        if (cp_rd__skip(&r, udhl) != CP_OK)
            return CP_E_INTERNAL;
        st = parse_ies(ctx, &h, si);
        if (st)
            return st;
    }
    si->payload = r.p;
    si->payload_len = cp_rd__left(&r);
    return CP_OK;
}
