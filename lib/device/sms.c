/*
 * sms.c - reassembly of WAP push datagrams carried in SMS segments
 * (protocol.md d.1; 3GPP TS 23.040 9.2.3.24: the UDH information elements).
 *
 * Firmware code: the C standard library and the context's allocator only.
 *
 * Memory: one block per partial message (the header, one slot per segment
 * and the origin string) plus one block per stored segment payload, which
 * is at most CP_SMS_UD_MAX - 1 octets. With the limits of cp_sms_options
 * that bounds everything a sender can make us hold.
 */
#include <string.h>

#include "../base/base.h"
#include "omacp/sms.h"

/* TP-User-Data of one SMS holds at most 140 octets. */
#define UD_MAX 140u
/* Longest origin address kept, in octets (a TP-OA holds 20 digits; an
   alphanumeric sender 11 characters, up to 33 octets of UTF-8). */
#define ORIGIN_MAX 128u

#define IEI_CONCAT8 0x00u
#define IEI_PORT8 0x04u
#define IEI_PORT16 0x05u
#define IEI_CONCAT16 0x08u

#define DEFAULT_MAX_SEGMENTS 32u
#define DEFAULT_MAX_PENDING 8u
#define DEFAULT_EXPIRY 300u

/* The options fields every caller's struct has (the first release). */
#define OPTIONS_MIN_SIZE CP_SIZE_THROUGH(cp_sms_options, expiry_seconds)

/* What the UDH of one segment says. */
typedef struct seg_info {
    int has_concat, ref16; /* concatenation IE seen; 16-bit reference */
    int has_port, port8;   /* port IE seen; the 8-bit form */
    unsigned ref, total, seq;
    unsigned dst_port;
    const uint8_t *payload; /* user data after the UDH */
    size_t payload_len;
} seg_info;

typedef struct part {
    uint8_t *data; /* payload copy; NULL while missing */
    size_t len;
} part;

typedef struct msg {
    struct msg *next; /* in order of creation = arrival of the first segment */
    uint64_t first;   /* clock when its first segment arrived */
    const char *origin; /* NULL for an unknown sender; points into the block */
    unsigned ref, total, have;
    int ref16;
    part parts[]; /* total slots, then the origin string */
} msg;

struct cp_sms {
    cp_ctx *ctx;
    unsigned max_segments, max_pending;
    uint32_t expiry;
    msg *head, *tail;
    size_t pending;
};

/* ---- options and lifetime ---------------------------------------------- */

static void opts_defaults(cp_sms_options *o)
{
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->max_segments = DEFAULT_MAX_SEGMENTS;
    o->max_pending = DEFAULT_MAX_PENDING;
    o->expiry_seconds = DEFAULT_EXPIRY;
}

CP_ALIGN_DECL(cp_sms_options);

CP_EXPORT void cp_sms_options_init_size(cp_sms_options *o, size_t size)
{
    cp_sms_options d;
    cp_struct__init(o, size);
    if (o == NULL || size < sizeof size)
        return;
    opts_defaults(&d);
    (void)cp_struct__give(o, &d, sizeof d, sizeof size);
}

/* The symbol 0.1.0 programs call: it prepares the 0.1.0 layout only. */
#undef cp_sms_options_init
CP_EXPORT void cp_sms_options_init(cp_sms_options *o);
CP_EXPORT void cp_sms_options_init(cp_sms_options *o)
{
    cp_sms_options_init_size(o, CP_FIRST_SIZE(cp_sms_options, expiry_seconds));
}

static cp_status opts_get(cp_ctx *ctx, const cp_sms_options *opt,
                          cp_sms_options *o)
{
    opts_defaults(o);
    if (opt == NULL)
        return CP_OK;
    if (cp_struct__take_in(ctx, "cp_sms_options", o, sizeof *o, opt,
                           OPTIONS_MIN_SIZE) != CP_OK)
        return CP_E_VERSION;
    if (o->max_segments < 1 || o->max_segments > 255)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "max_segments %u is not within 1..255",
                           o->max_segments);
    if (o->max_pending < 1)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "max_pending must be at least 1");
    return CP_OK;
}

CP_EXPORT cp_status cp_sms_new(cp_ctx *ctx, const cp_sms_options *opt,
                               cp_sms **out)
{
    cp_sms_options o;
    cp_sms *s;
    cp_status st;

    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    st = opts_get(ctx, opt, &o);
    if (st)
        return st;
    s = cp_mem__alloc(&ctx->alloc, sizeof *s);
    if (s == NULL)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory for the SMS reassembler");
    s->ctx = ctx;
    s->head = s->tail = NULL;
    s->pending = 0;
    s->max_segments = o.max_segments;
    s->max_pending = o.max_pending;
    s->expiry = o.expiry_seconds;
    *out = s;
    return CP_OK;
}

static void msg_free(cp_sms *s, msg *m)
{
    unsigned i;
    for (i = 0; i < m->total; i++)
        cp_mem__free(&s->ctx->alloc, m->parts[i].data);
    cp_mem__free(&s->ctx->alloc, m);
}

/* Take m (with prev its predecessor, or NULL) out of the list and free it. */
static void msg_drop(cp_sms *s, msg *prev, msg *m)
{
    if (prev == NULL)
        s->head = m->next;
    else
        prev->next = m->next;
    if (s->tail == m)
        s->tail = prev;
    s->pending--;
    msg_free(s, m);
}

CP_EXPORT void cp_sms_free(cp_sms *sms)
{
    if (sms == NULL)
        return;
    while (sms->head != NULL)
        msg_drop(sms, NULL, sms->head);
    cp_mem__free(&sms->ctx->alloc, sms);
}

CP_EXPORT void cp_sms_expire(cp_sms *sms, uint64_t now)
{
    msg *prev = NULL, *m;
    if (sms == NULL)
        return;
    m = sms->head;
    while (m != NULL) {
        msg *next = m->next;
        /* A clock that went back (now < first) expires nothing. */
        if (now > m->first && now - m->first > sms->expiry)
            msg_drop(sms, prev, m);
        else
            prev = m;
        m = next;
    }
}

CP_EXPORT size_t cp_sms_pending(const cp_sms *sms)
{
    return sms ? sms->pending : 0;
}

/* ---- the user data header ---------------------------------------------- */

/* Read n (<= 4) octets of an IE whose length was checked already. */
static void ie_bytes(cp_rd *ie, uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (cp_rd__u8(ie, &b[i]) != CP_OK)
            b[i] = 0; /* cannot happen: the length is exact */
}

static cp_status ie_concat(cp_ctx *ctx, cp_rd *ie, size_t iedl, size_t off,
                           int is16, seg_info *si)
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
                         int is8, seg_info *si)
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
                          size_t off, seg_info *si)
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
static cp_status parse_ies(cp_ctx *ctx, cp_rd *h, seg_info *si)
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

static cp_status parse_udh(cp_ctx *ctx, const uint8_t *ud, size_t len,
                           int udhi, seg_info *si)
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

/* Is this SMS for us (port 2948), and within the limits? */
static cp_status check_seg(cp_sms *s, const seg_info *si)
{
    if (!si->has_port)
        return cp_err__set(s->ctx, CP_E_NOT_PROV, CP_NO_OFFSET,
                           "no application port IE: not a WAP push");
    if (si->port8) /* 8-bit ports stop at 255: never 2948 */
        return cp_err__set(s->ctx, CP_E_NOT_PROV, CP_NO_OFFSET,
                           "8-bit port %u is not the WAP push port",
                           si->dst_port);
    if (si->dst_port != CP_WDP_PORT_PUSH)
        return cp_err__set(s->ctx, CP_E_NOT_PROV, CP_NO_OFFSET,
                           "destination port %u is not %u", si->dst_port,
                           CP_WDP_PORT_PUSH);
    if (si->has_concat && si->total > s->max_segments)
        return cp_err__set(s->ctx, CP_E_LIMIT, CP_NO_OFFSET,
                           "%u segments, more than the limit %u", si->total,
                           s->max_segments);
    return CP_OK;
}

/* ---- reassembly -------------------------------------------------------- */

/* Length of origin, or -1 when longer than ORIGIN_MAX (read no further). */
static int origin_len(const char *origin, size_t *n)
{
    size_t i;
    *n = 0;
    if (origin == NULL)
        return 0;
    for (i = 0; origin[i] != '\0'; i++)
        if (i >= ORIGIN_MAX)
            return -1;
    *n = i;
    return 0;
}

static int same_origin(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

/* The total is part of the key: a segment that claims another total for
   the same reference starts a message of its own. */
static msg *find_msg(const cp_sms *s, const char *origin, const seg_info *si)
{
    msg *m;
    for (m = s->head; m != NULL; m = m->next)
        if (m->ref == si->ref && m->total == si->total &&
            m->ref16 == si->ref16 && same_origin(m->origin, origin))
            return m;
    return NULL;
}

/* A copy of the payload in context memory (n may be 0). */
static uint8_t *copy_bytes(cp_sms *s, const uint8_t *p, size_t n)
{
    uint8_t *d = cp_mem__alloc(&s->ctx->alloc, n);
    if (d != NULL && n > 0)
        memcpy(d, p, n);
    return d;
}

static cp_status nomem(cp_sms *s)
{
    return cp_err__set(s->ctx, CP_E_NOMEM, CP_NO_OFFSET,
                       "out of memory while reassembling an SMS");
}

/*
 * The whole message: m's stored parts and si, the missing one, in order.
 * m is left untouched, so a failure here changes nothing.
 */
static cp_status assemble(cp_sms *s, const msg *m, const seg_info *si,
                          uint8_t **pdu, size_t *pdu_len)
{
    size_t total = 0, pos = 0;
    unsigned i;
    uint8_t *out;

    for (i = 0; i < m->total; i++) {
        size_t n = (i + 1 == si->seq) ? si->payload_len : m->parts[i].len;
        if (cp_add__ovf(total, n, &total))
            return cp_err__set(s->ctx, CP_E_OVERFLOW, CP_NO_OFFSET,
                               "reassembled message too long");
    }
    out = cp_mem__alloc(&s->ctx->alloc, total);
    if (out == NULL)
        return nomem(s);
    for (i = 0; i < m->total; i++) {
        const uint8_t *p = m->parts[i].data;
        size_t n = m->parts[i].len;
        if (i + 1 == si->seq) {
            p = si->payload;
            n = si->payload_len;
        }
        if (n > 0)
            memcpy(out + pos, p, n);
        pos += n;
    }
    *pdu = out;
    *pdu_len = total;
    return CP_OK;
}

/* A new partial message holding its first segment, appended to the list. */
static cp_status new_msg(cp_sms *s, const char *origin, size_t olen,
                         const seg_info *si, uint64_t now)
{
    size_t head = offsetof(msg, parts) + (size_t)si->total * sizeof(part);
    size_t size;
    uint8_t *data;
    unsigned i;
    msg *m;

    /* head + origin + NUL; total <= 255 and olen <= ORIGIN_MAX, no overflow */
    size = head + (origin ? olen + 1 : 0);
    if (size < sizeof *m)
        size = sizeof *m;
    data = copy_bytes(s, si->payload, si->payload_len);
    if (data == NULL)
        return nomem(s);
    m = cp_mem__alloc(&s->ctx->alloc, size);
    if (m == NULL) {
        cp_mem__free(&s->ctx->alloc, data);
        return nomem(s);
    }
    m->next = NULL;
    m->origin = NULL;
    m->first = now;
    m->ref = si->ref;
    m->total = si->total;
    m->ref16 = si->ref16;
    m->have = 1;
    for (i = 0; i < m->total; i++) {
        m->parts[i].data = NULL;
        m->parts[i].len = 0;
    }
    m->parts[si->seq - 1].data = data;
    m->parts[si->seq - 1].len = si->payload_len;
    if (origin != NULL) {
        char *o = (char *)m + head;
        memcpy(o, origin, olen + 1);
        m->origin = o;
    }
    /* Only now, when nothing can fail any more, make room. */
    if (s->pending >= s->max_pending)
        msg_drop(s, NULL, s->head);
    if (s->tail == NULL)
        s->head = m;
    else
        s->tail->next = m;
    s->tail = m;
    s->pending++;
    return CP_OK;
}

static msg *prev_of(const cp_sms *s, const msg *m)
{
    msg *p;
    for (p = s->head; p != NULL; p = p->next)
        if (p->next == m)
            return p;
    return NULL;
}

/* One more segment of a known message; completes it when it is the last. */
static cp_status add_part(cp_sms *s, msg *m, const seg_info *si,
                          uint8_t **pdu, size_t *pdu_len)
{
    part *p = &m->parts[si->seq - 1];
    cp_status st;

    /* A repeated segment number is a duplicate and is ignored, even when
       its content differs: the first copy received is the one kept. */
    if (p->data != NULL)
        return CP_OK;
    if (m->have + 1 == m->total) {
        st = assemble(s, m, si, pdu, pdu_len);
        if (st == CP_OK)
            msg_drop(s, prev_of(s, m), m);
        return st;
    }
    p->data = copy_bytes(s, si->payload, si->payload_len);
    if (p->data == NULL)
        return nomem(s);
    p->len = si->payload_len;
    m->have++;
    return CP_OK;
}

static cp_status add_checked(cp_sms *s, const char *origin, const uint8_t *ud,
                             size_t len, int udhi, uint64_t now,
                             uint8_t **pdu, size_t *pdu_len)
{
    seg_info si;
    size_t olen;
    msg *m;
    cp_status st;

    if (origin_len(origin, &olen) != 0)
        return cp_err__set(s->ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "origin address longer than %u octets",
                           ORIGIN_MAX);
    if (len > UD_MAX)
        return cp_err__set(s->ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                           "user data of %lu octets, an SMS holds %u",
                           (unsigned long)len, UD_MAX);
    st = parse_udh(s->ctx, ud, len, udhi, &si);
    if (st)
        return st;
    st = check_seg(s, &si);
    if (st)
        return st;
    if (!si.has_concat || si.total == 1) {
        if (si.payload_len == 0) /* the header was all there was */
            return cp_err__set(s->ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                               "WAP push SMS with no octets after its UDH");
        *pdu = copy_bytes(s, si.payload, si.payload_len);
        if (*pdu == NULL)
            return nomem(s);
        *pdu_len = si.payload_len;
        return CP_OK;
    }
    m = find_msg(s, origin, &si);
    if (m == NULL)
        return new_msg(s, origin, olen, &si, now);
    st = add_part(s, m, &si, pdu, pdu_len);
    if (st == CP_OK && *pdu != NULL && *pdu_len == 0) { /* every part empty */
        cp_mem__free(&s->ctx->alloc, *pdu);
        *pdu = NULL;
        return cp_err__set(s->ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                           "concatenated WAP push SMS with no payload");
    }
    return st;
}

CP_EXPORT cp_status cp_sms_add(cp_sms *sms, const char *origin,
                               const uint8_t *ud, size_t len, int udhi,
                               uint64_t now, uint8_t **pdu, size_t *pdu_len)
{
    static const uint8_t none[1] = {0};
    if (pdu != NULL)
        *pdu = NULL;
    if (pdu_len != NULL)
        *pdu_len = 0;
    if (sms == NULL || pdu == NULL || pdu_len == NULL ||
        (ud == NULL && len > 0))
        return CP_E_INVALID_ARG;
    if (ud == NULL) /* NULL + 0 is not defined: read from none instead */
        ud = none;
    cp_sms_expire(sms, now);
    return add_checked(sms, origin, ud, len, udhi, now, pdu, pdu_len);
}

/* ---- saving and restoring partial messages (0.2.0) ----------------------- */

/*
 * Block: "CPSM" 01, count (2 octets), then per message: first (8 octets,
 * big-endian), ref (2), total (1), ref16 (1), origin flag (1), origin
 * length (1) and octets, then per slot a presence octet and, when
 * present, a length octet and the payload.
 */
static const uint8_t save_magic[5] = {'C', 'P', 'S', 'M', 1};

static cp_status save_msg(cp_buf *b, const msg *m)
{
    uint8_t h[15];
    size_t olen = m->origin ? strlen(m->origin) : 0;
    unsigned i;
    cp_status st;
    for (i = 0; i < 8; i++)
        h[i] = (uint8_t)(m->first >> (56 - 8 * i));
    h[8] = (uint8_t)(m->ref >> 8);
    h[9] = (uint8_t)m->ref;
    h[10] = (uint8_t)m->total;
    h[11] = (uint8_t)m->ref16;
    h[12] = m->origin != NULL;
    h[13] = (uint8_t)olen;
    st = cp_buf__put(b, h, 14);
    if (st == CP_OK && olen > 0)
        st = cp_buf__put(b, m->origin, olen);
    for (i = 0; st == CP_OK && i < m->total; i++) {
        const part *p = &m->parts[i];
        h[0] = p->data != NULL;
        h[1] = (uint8_t)p->len;
        st = cp_buf__put(b, h, p->data ? 2 : 1);
        if (st == CP_OK && p->data != NULL && p->len > 0)
            st = cp_buf__put(b, p->data, p->len);
    }
    return st;
}

CP_EXPORT cp_status cp_sms_save(const cp_sms *sms, uint8_t **out,
                                size_t *out_len)
{
    cp_buf b;
    uint8_t cnt[2];
    const msg *m;
    cp_status st;

    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (sms == NULL || out == NULL || out_len == NULL)
        return CP_E_INVALID_ARG;
    cp_buf__init(&b, &sms->ctx->alloc);
    cnt[0] = (uint8_t)(sms->pending >> 8);
    cnt[1] = (uint8_t)sms->pending;
    st = cp_buf__put(&b, save_magic, sizeof save_magic);
    if (st == CP_OK)
        st = cp_buf__put(&b, cnt, 2);
    for (m = sms->head; st == CP_OK && m != NULL; m = m->next)
        st = save_msg(&b, m);
    if (st == CP_OK)
        st = cp_buf__take(&b, out, out_len);
    cp_buf__free(&b);
    if (st)
        return cp_err__set(sms->ctx, st, CP_NO_OFFSET,
                           "cannot save the SMS reassembly state");
    return CP_OK;
}

static cp_status corrupt(cp_sms *s, const cp_rd *r, const char *what)
{
    return cp_err__set(s->ctx, CP_E_CORRUPT, cp_rd__off(r),
                       "SMS reassembly state: %s", what);
}

static cp_status rd_n(cp_rd *r, uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (cp_rd__u8(r, &b[i]) != CP_OK)
            return CP_E_TRUNCATED;
    return CP_OK;
}

/* The slots of m from r; m->have counts what was present. */
static cp_status restore_parts(cp_sms *s, cp_rd *r, msg *m)
{
    unsigned i;
    for (i = 0; i < m->total; i++) {
        uint8_t h[2];
        if (rd_n(r, h, 1) != CP_OK || h[0] > 1)
            return corrupt(s, r, "bad segment slot");
        if (h[0] == 0)
            continue;
        if (rd_n(r, h + 1, 1) != CP_OK || h[1] >= UD_MAX ||
            cp_rd__left(r) < h[1])
            return corrupt(s, r, "bad segment length");
        m->parts[i].data = copy_bytes(s, r->p, h[1]);
        if (m->parts[i].data == NULL)
            return nomem(s);
        m->parts[i].len = h[1];
        m->have++;
        if (cp_rd__skip(r, h[1]) != CP_OK)
            return CP_E_INTERNAL;
    }
    if (m->have == 0 || m->have >= m->total)
        return corrupt(s, r, "a message with no or all segments");
    return CP_OK;
}

/* One message from r, appended to s (the oldest dropped when full). */
static cp_status restore_msg(cp_sms *s, cp_rd *r)
{
    uint8_t h[14];
    size_t head, olen, i;
    uint64_t first = 0;
    msg *m;
    cp_status st;

    if (rd_n(r, h, sizeof h) != CP_OK)
        return corrupt(s, r, "truncated message header");
    for (i = 0; i < 8; i++)
        first = first << 8 | h[i];
    olen = h[13];
    if (h[10] == 0 || h[10] > s->max_segments || h[11] > 1 || h[12] > 1 ||
        (h[11] == 0 && h[8] != 0) || olen > ORIGIN_MAX ||
        (h[12] == 0 && olen > 0) || cp_rd__left(r) < olen ||
        memchr(r->p, 0, olen) != NULL)
        return corrupt(s, r, "bad message header");
    head = offsetof(msg, parts) + (size_t)h[10] * sizeof(part);
    m = cp_mem__alloc(&s->ctx->alloc, head + olen + 1 > sizeof *m
                                          ? head + olen + 1
                                          : sizeof *m);
    if (m == NULL)
        return nomem(s);
    memset(m, 0, head);
    m->first = first;
    m->ref = (unsigned)h[8] << 8 | h[9];
    m->total = h[10];
    m->ref16 = h[11];
    if (h[12]) {
        char *o = (char *)m + head;
        memcpy(o, r->p, olen);
        o[olen] = '\0';
        m->origin = o;
    }
    if (cp_rd__skip(r, olen) != CP_OK) {
        msg_free(s, m);
        return CP_E_INTERNAL;
    }
    st = restore_parts(s, r, m);
    if (st) {
        msg_free(s, m);
        return st;
    }
    if (s->pending >= s->max_pending)
        msg_drop(s, NULL, s->head);
    if (s->tail == NULL)
        s->head = m;
    else
        s->tail->next = m;
    s->tail = m;
    s->pending++;
    return CP_OK;
}

CP_EXPORT cp_status cp_sms_restore(cp_sms *sms, const uint8_t *data,
                                   size_t len, uint64_t now)
{
    cp_rd r;
    uint8_t h[7];
    unsigned n, i;
    cp_status st = CP_OK;

    if (sms == NULL || (data == NULL && len > 0))
        return CP_E_INVALID_ARG;
    while (sms->head != NULL)
        msg_drop(sms, NULL, sms->head);
    cp_rd__init(&r, data, len);
    if (rd_n(&r, h, sizeof h) != CP_OK ||
        memcmp(h, save_magic, sizeof save_magic) != 0)
        return corrupt(sms, &r, "not a block of this version");
    n = (unsigned)h[5] << 8 | h[6];
    for (i = 0; i < n && st == CP_OK; i++)
        st = restore_msg(sms, &r);
    if (st == CP_OK && cp_rd__left(&r) > 0)
        st = corrupt(sms, &r, "octets after the last message");
    if (st) {
        while (sms->head != NULL)
            msg_drop(sms, NULL, sms->head);
        return st;
    }
    cp_sms_expire(sms, now);
    return CP_OK;
}
