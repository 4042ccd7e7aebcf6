/*
 * sms.c - reassembly of WAP push datagrams carried in SMS segments
 * (protocol.md d.1): options and lifetime, the table of partial messages
 * with its expiry, and adding one segment. The UDH of a segment is read in
 * sms_udh.c, the table is saved and restored in sms_state.c.
 *
 * Firmware code: the C standard library and the context's allocator only.
 *
 * Memory: one block per partial message (the header, one slot per segment
 * and the origin string) plus one block per stored segment payload, which
 * is at most CP_SMS__UD_MAX - 1 octets. With the limits of cp_sms_options
 * that bounds everything a sender can make us hold.
 */
#include <string.h>

#include "sms_int.h"

#define DEFAULT_MAX_SEGMENTS 32u
#define DEFAULT_MAX_PENDING 8u
#define DEFAULT_EXPIRY 300u

/* The options fields every caller's struct has (the first release). */
#define OPTIONS_MIN_SIZE CP_SIZE_THROUGH(cp_sms_options, expiry_seconds)

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
    opts_defaults(&d);
    cp_struct__init_from(o, size, &d, sizeof d);
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

void cp_sms__msg_free(cp_sms *s, cp_sms__msg *m)
{
    unsigned i;
    for (i = 0; i < m->total; i++)
        cp_mem__free(&s->ctx->alloc, m->parts[i].data);
    cp_mem__free(&s->ctx->alloc, m);
}

/* Take m (with prev its predecessor, or NULL) out of the table, free it. */
static void msg_drop(cp_sms *s, cp_sms__msg *prev, cp_sms__msg *m)
{
    if (prev == NULL)
        s->head = m->next;
    else
        prev->next = m->next;
    if (s->tail == m)
        s->tail = prev;
    s->pending--;
    cp_sms__msg_free(s, m);
}

void cp_sms__clear(cp_sms *s)
{
    while (s->head != NULL)
        msg_drop(s, NULL, s->head);
}

/* Only call this when nothing can fail any more: it may drop the oldest. */
void cp_sms__append(cp_sms *s, cp_sms__msg *m)
{
    if (s->pending >= s->max_pending)
        msg_drop(s, NULL, s->head);
    if (s->tail == NULL)
        s->head = m;
    else
        s->tail->next = m;
    s->tail = m;
    s->pending++;
}

CP_EXPORT void cp_sms_free(cp_sms *sms)
{
    if (sms == NULL)
        return;
    cp_sms__clear(sms);
    cp_mem__free(&sms->ctx->alloc, sms);
}

CP_EXPORT void cp_sms_expire(cp_sms *sms, uint64_t now)
{
    cp_sms__msg *prev = NULL, *m;
    if (sms == NULL)
        return;
    m = sms->head;
    while (m != NULL) {
        cp_sms__msg *next = m->next;
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

/* ---- reassembly -------------------------------------------------------- */

/* Is this SMS for us (port 2948), and within the limits? */
static cp_status check_seg(cp_sms *s, const cp_sms__seg *si)
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

/* Length of origin, or -1 when longer than CP_SMS__ORIGIN_MAX (read no
   further). */
static int origin_len(const char *origin, size_t *n)
{
    size_t i;
    *n = 0;
    if (origin == NULL)
        return 0;
    for (i = 0; origin[i] != '\0'; i++)
        if (i >= CP_SMS__ORIGIN_MAX)
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
static cp_sms__msg *find_msg(const cp_sms *s, const char *origin,
                             const cp_sms__seg *si)
{
    cp_sms__msg *m;
    for (m = s->head; m != NULL; m = m->next)
        if (m->ref == si->ref && m->total == si->total &&
            m->ref16 == si->ref16 && same_origin(m->origin, origin))
            return m;
    return NULL;
}

uint8_t *cp_sms__copy(cp_sms *s, const uint8_t *p, size_t n)
{
    uint8_t *d = cp_mem__alloc(&s->ctx->alloc, n);
    if (d != NULL && n > 0)
        memcpy(d, p, n);
    return d;
}

cp_status cp_sms__nomem(cp_sms *s)
{
    return cp_err__set(s->ctx, CP_E_NOMEM, CP_NO_OFFSET,
                       "out of memory while reassembling an SMS");
}

/*
 * The whole message: m's stored parts and si, the missing one, in order.
 * m is left untouched, so a failure here changes nothing.
 */
static cp_status assemble(cp_sms *s, const cp_sms__msg *m,
                          const cp_sms__seg *si, uint8_t **pdu,
                          size_t *pdu_len)
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
        return cp_sms__nomem(s);
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
                         const cp_sms__seg *si, uint64_t now)
{
    size_t head = offsetof(cp_sms__msg, parts) +
                  (size_t)si->total * sizeof(cp_sms__slot);
    size_t size;
    uint8_t *data;
    unsigned i;
    cp_sms__msg *m;

    /* head + origin + NUL; total <= 255 and olen <= CP_SMS__ORIGIN_MAX:
       no overflow */
    size = head + (origin ? olen + 1 : 0);
    if (size < sizeof *m)
        size = sizeof *m;
    data = cp_sms__copy(s, si->payload, si->payload_len);
    if (data == NULL)
        return cp_sms__nomem(s);
    m = cp_mem__alloc(&s->ctx->alloc, size);
    if (m == NULL) {
        cp_mem__free(&s->ctx->alloc, data);
        return cp_sms__nomem(s);
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
    cp_sms__append(s, m);
    return CP_OK;
}

static cp_sms__msg *prev_of(const cp_sms *s, const cp_sms__msg *m)
{
    cp_sms__msg *p;
    for (p = s->head; p != NULL; p = p->next)
        if (p->next == m)
            return p;
    return NULL;
}

/* One more segment of a known message; completes it when it is the last. */
static cp_status add_part(cp_sms *s, cp_sms__msg *m, const cp_sms__seg *si,
                          uint8_t **pdu, size_t *pdu_len)
{
    cp_sms__slot *p = &m->parts[si->seq - 1];
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
    p->data = cp_sms__copy(s, si->payload, si->payload_len);
    if (p->data == NULL)
        return cp_sms__nomem(s);
    p->len = si->payload_len;
    m->have++;
    return CP_OK;
}

static cp_status add_checked(cp_sms *s, const char *origin, const uint8_t *ud,
                             size_t len, int udhi, uint64_t now,
                             uint8_t **pdu, size_t *pdu_len)
{
    cp_sms__seg si;
    size_t olen;
    cp_sms__msg *m;
    cp_status st;

    if (origin_len(origin, &olen) != 0)
        return cp_err__set(s->ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "origin address longer than %u octets",
                           CP_SMS__ORIGIN_MAX);
    if (len > CP_SMS__UD_MAX)
        return cp_err__set(s->ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                           "user data of %lu octets, an SMS holds %u",
                           (unsigned long)len, CP_SMS__UD_MAX);
    st = cp_sms__parse_udh(s->ctx, ud, len, udhi, &si);
    if (st)
        return st;
    st = check_seg(s, &si);
    if (st)
        return st;
    if (!si.has_concat || si.total == 1) {
        if (si.payload_len == 0) /* the header was all there was */
            return cp_err__set(s->ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                               "WAP push SMS with no octets after its UDH");
        *pdu = cp_sms__copy(s, si.payload, si.payload_len);
        if (*pdu == NULL)
            return cp_sms__nomem(s);
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
