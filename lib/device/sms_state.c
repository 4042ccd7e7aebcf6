/*
 * sms_state.c - cp_sms_save and cp_sms_restore (0.2.0): the partial
 * messages of a reassembler as one block, so a device can keep them across
 * a restart. The block is read back only through the bounded reader.
 *
 * Block: "CPSM" 01, count (2 octets), then per message: first (8 octets,
 * big-endian), ref (2), total (1), ref16 (1), origin flag (1), origin
 * length (1) and octets, then per slot a presence octet and, when
 * present, a length octet and the payload.
 *
 * Firmware code: the C standard library and the context's allocator only.
 */
#include <string.h>

#include "sms_int.h"

static const uint8_t save_magic[5] = {'C', 'P', 'S', 'M', 1};

/* A message header as stored, checked before anything is allocated. */
typedef struct stored_head {
    uint64_t first;
    uint64_t ref;
    uint8_t total, ref16, has_origin, olen;
    const uint8_t *origin; /* olen octets inside the block */
} stored_head;

/* ---- saving ------------------------------------------------------------ */

/* v as n (<= 8) big-endian octets at o; higher octets of v are cut off. */
static void put_be(uint8_t *o, uint64_t v, unsigned n)
{
    unsigned i;
    for (i = 0; i < n; i++)
        o[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static cp_status save_msg(cp_buf *b, const cp_sms__msg *m)
{
    uint8_t h[15];
    size_t olen = m->origin ? strlen(m->origin) : 0;
    unsigned i;
    cp_status st;
    put_be(h, m->first, 8);
    put_be(h + 8, m->ref, 2);
    h[10] = (uint8_t)m->total;
    h[11] = (uint8_t)m->ref16;
    h[12] = m->origin != NULL;
    h[13] = (uint8_t)olen;
    st = cp_buf__put(b, h, 14);
    if (st == CP_OK && olen > 0)
        st = cp_buf__put(b, m->origin, olen);
    for (i = 0; st == CP_OK && i < m->total; i++) {
        const cp_sms__slot *p = &m->parts[i];
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
    const cp_sms__msg *m;
    cp_status st;

    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (sms == NULL || out == NULL || out_len == NULL)
        return CP_E_INVALID_ARG;
    cp_buf__init(&b, &sms->ctx->alloc);
    put_be(cnt, sms->pending, 2);
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

/* ---- reading the block ------------------------------------------------- */

/*
 * The readers below take one octet at a time through cp_rd__u8, so a cut
 * block leaves r at its end: the error offset is where the octets ran out.
 */

/* n octets into b. */
static cp_status rd_n(cp_rd *r, uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (cp_rd__u8(r, &b[i]) != CP_OK)
            return CP_E_TRUNCATED;
    return CP_OK;
}

/* n (<= 8) octets as a big-endian number. */
static cp_status rd_be(cp_rd *r, unsigned n, uint64_t *v)
{
    unsigned i;
    *v = 0;
    for (i = 0; i < n; i++) {
        uint8_t b;
        if (cp_rd__u8(r, &b) != CP_OK)
            return CP_E_TRUNCATED;
        *v = *v << 8 | b;
    }
    return CP_OK;
}

/* Where the next n octets are, without taking them (cp_rd__skip does). */
static cp_status rd_span(const cp_rd *r, size_t n, const uint8_t **p)
{
    if (cp_rd__left(r) < n)
        return CP_E_TRUNCATED;
    *p = r->p;
    return CP_OK;
}

static cp_status corrupt(cp_sms *s, const cp_rd *r, const char *what)
{
    return cp_err__set(s->ctx, CP_E_CORRUPT, cp_rd__off(r),
                       "SMS reassembly state: %s", what);
}

/* ---- restoring --------------------------------------------------------- */

/* A message header; r is left at its origin octets (not yet taken). */
static cp_status read_head(cp_sms *s, cp_rd *r, stored_head *hd)
{
    if (rd_be(r, 8, &hd->first) != CP_OK || rd_be(r, 2, &hd->ref) != CP_OK ||
        cp_rd__u8(r, &hd->total) != CP_OK ||
        cp_rd__u8(r, &hd->ref16) != CP_OK ||
        cp_rd__u8(r, &hd->has_origin) != CP_OK ||
        cp_rd__u8(r, &hd->olen) != CP_OK)
        return corrupt(s, r, "truncated message header");
    /* An 8-bit reference has no high octet; an origin is NUL-free. */
    if (hd->total == 0 || hd->total > s->max_segments || hd->ref16 > 1 ||
        hd->has_origin > 1 || (hd->ref16 == 0 && hd->ref > 0xFFu) ||
        hd->olen > CP_SMS__ORIGIN_MAX ||
        (hd->has_origin == 0 && hd->olen > 0) ||
        rd_span(r, hd->olen, &hd->origin) != CP_OK ||
        memchr(hd->origin, 0, hd->olen) != NULL)
        return corrupt(s, r, "bad message header");
    return CP_OK;
}

/* One slot into p; *have is counted up when it was present. */
static cp_status restore_slot(cp_sms *s, cp_rd *r, cp_sms__slot *p,
                              unsigned *have)
{
    uint8_t present, len;
    const uint8_t *data;
    if (cp_rd__u8(r, &present) != CP_OK || present > 1)
        return corrupt(s, r, "bad segment slot");
    if (present == 0)
        return CP_OK;
    if (cp_rd__u8(r, &len) != CP_OK || len >= CP_SMS__UD_MAX ||
        rd_span(r, len, &data) != CP_OK)
        return corrupt(s, r, "bad segment length");
    p->data = cp_sms__copy(s, data, len);
    if (p->data == NULL)
        return cp_sms__nomem(s);
    p->len = len;
    (*have)++;
    if (cp_rd__skip(r, len) != CP_OK)
        return CP_E_INTERNAL;
    return CP_OK;
}

/* The slots of m from r; m->have counts what was present. */
static cp_status restore_parts(cp_sms *s, cp_rd *r, cp_sms__msg *m)
{
    unsigned i;
    for (i = 0; i < m->total; i++) {
        cp_status st = restore_slot(s, r, &m->parts[i], &m->have);
        if (st)
            return st;
    }
    if (m->have == 0 || m->have >= m->total)
        return corrupt(s, r, "a message with no or all segments");
    return CP_OK;
}

/* A message block for hd with empty slots and its origin copied. */
static cp_sms__msg *new_stored(cp_sms *s, const stored_head *hd)
{
    size_t head = offsetof(cp_sms__msg, parts) +
                  (size_t)hd->total * sizeof(cp_sms__slot);
    size_t size = head + hd->olen + 1;
    cp_sms__msg *m = cp_mem__alloc(&s->ctx->alloc,
                                   size > sizeof *m ? size : sizeof *m);
    if (m == NULL)
        return NULL;
    memset(m, 0, head);
    m->first = hd->first;
    m->ref = (unsigned)hd->ref;
    m->total = hd->total;
    m->ref16 = hd->ref16;
    if (hd->has_origin) {
        char *o = (char *)m + head;
        memcpy(o, hd->origin, hd->olen);
        o[hd->olen] = '\0';
        m->origin = o;
    }
    return m;
}

/* One message from r, appended to s (the oldest dropped when full). */
static cp_status restore_msg(cp_sms *s, cp_rd *r)
{
    stored_head hd;
    cp_sms__msg *m;
    cp_status st;

    st = read_head(s, r, &hd);
    if (st)
        return st;
    m = new_stored(s, &hd);
    if (m == NULL)
        return cp_sms__nomem(s);
    if (cp_rd__skip(r, hd.olen) != CP_OK) {
        cp_sms__msg_free(s, m);
        return CP_E_INTERNAL;
    }
    st = restore_parts(s, r, m);
    if (st) {
        cp_sms__msg_free(s, m);
        return st;
    }
    cp_sms__append(s, m);
    return CP_OK;
}

CP_EXPORT cp_status cp_sms_restore(cp_sms *sms, const uint8_t *data,
                                   size_t len, uint64_t now)
{
    cp_rd r;
    uint8_t magic[sizeof save_magic];
    uint64_t n, i;
    cp_status st = CP_OK;

    if (sms == NULL || (data == NULL && len > 0))
        return CP_E_INVALID_ARG;
    cp_sms__clear(sms);
    cp_rd__init(&r, data, len);
    /* Both read before the magic is compared, as one 7-octet head. */
    if (rd_n(&r, magic, sizeof magic) != CP_OK ||
        rd_be(&r, 2, &n) != CP_OK ||
        memcmp(magic, save_magic, sizeof save_magic) != 0)
        return corrupt(sms, &r, "not a block of this version");
    for (i = 0; i < n && st == CP_OK; i++)
        st = restore_msg(sms, &r);
    if (st == CP_OK && cp_rd__left(&r) > 0)
        st = corrupt(sms, &r, "octets after the last message");
    if (st) {
        cp_sms__clear(sms);
        return st;
    }
    cp_sms_expire(sms, now);
    return CP_OK;
}
