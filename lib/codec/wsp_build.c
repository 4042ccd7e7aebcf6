/*
 * wsp_build.c - writing the connectionless WSP Push PDU (WAP-230, encoding
 * version 1.4) in the layout deployed gateways use (protocol.md c.6, d.2,
 * e.1). The header block is built in a small stack area first, so the PDU
 * is one allocation of its exact size.
 */
#include <string.h>

#include "wsp_build.h"

#define PDU_PUSH 0x06u
#define LENGTH_QUOTE 0x1Fu
#define SHORT_LENGTH_MAX 30u
#define TEXT_QUOTE 0x7Fu
#define SHORT_INT 0x80u

#define PARAM_SEC 0x11u
#define PARAM_MAC 0x12u
#define HDR_APP_ID 0x2Fu
#define HDR_INITIATOR_URI 0x31u
#define HDR_PUSH_FLAG 0x34u
#define MEDIA_XML 0x35u
#define MEDIA_WBXML 0x36u

/* Content type with parameters: media text (39) + 2 params (4 + 2 + 41). */
#define CTYPE_MAX 128u

static const char NAME_WBXML[] = "application/vnd.wap.connectivity-wbxml";
static const char NAME_XML[] = "text/vnd.wap.connectivity-xml";

/* Octets of a uintvar for v (1..5). */
static size_t uintvar_len(uint32_t v)
{
    size_t n = 1;
    while (v >= 0x80u) {
        v >>= 7;
        n++;
    }
    return n;
}

static size_t put_uintvar(uint8_t *p, uint32_t v)
{
    size_t n = uintvar_len(v), i;
    for (i = n; i > 0; i--) {
        p[i - 1] = (uint8_t)((v & 0x7Fu) | (i == n ? 0u : 0x80u));
        v >>= 7;
    }
    return n;
}

/* A header text must be a WSP Text-string: no octet below 0x20, not empty. */
static cp_status check_text(cp_ctx *ctx, const char *s, const char *what,
                            size_t *len)
{
    size_t i;
    for (i = 0; s[i] != '\0'; i++)
        if ((unsigned char)s[i] < 0x20u)
            return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                               "%s has a control character at %lu", what,
                               (unsigned long)i);
    if (i == 0)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "%s is empty", what);
    *len = i;
    return CP_OK;
}

/* The content-type value into ct (at most CTYPE_MAX octets). */
static size_t build_ctype(const cp_wsp__out *in, uint8_t *ct)
{
    uint8_t par[CTYPE_MAX];
    size_t np = 0, n = 0, mlen;
    int wb = in->content != CP_CONTENT_XML;
    const char *name = wb ? NAME_WBXML : NAME_XML;

    if (in->sec >= 0) {
        if (in->text_ctype) {
            memcpy(par + np, "SEC", 4);
            par[np + 4] = (uint8_t)('0' + in->sec);
            par[np + 5] = 0;
            np += 6;
        } else {
            par[np++] = SHORT_INT | PARAM_SEC;
            par[np++] = (uint8_t)(SHORT_INT | (unsigned)in->sec);
        }
        if (in->mac != NULL) {
            if (in->text_ctype) {
                memcpy(par + np, "MAC", 4);
                np += 4;
            } else {
                par[np++] = SHORT_INT | PARAM_MAC;
            }
            memcpy(par + np, in->mac, CP_PUSH_MAC_CHARS);
            np += CP_PUSH_MAC_CHARS;
            par[np++] = 0;
        }
    }
    mlen = in->text_ctype ? strlen(name) + 1 : 1;
    if (np > 0) { /* general form: Value-length, media, parameters */
        size_t vlen = mlen + np;
        if (vlen <= SHORT_LENGTH_MAX) {
            ct[n++] = (uint8_t)vlen;
        } else {
            ct[n++] = LENGTH_QUOTE;
            n += put_uintvar(ct + n, (uint32_t)vlen);
        }
    }
    if (in->text_ctype)
        memcpy(ct + n, name, mlen);
    else
        ct[n] = (uint8_t)(SHORT_INT | (wb ? MEDIA_WBXML : MEDIA_XML));
    n += mlen;
    memcpy(ct + n, par, np);
    return n + np;
}

/* Octets of a Text-string for s of len octets (a quote before >= 0x80). */
static size_t text_size(const char *s, size_t len)
{
    return ((unsigned char)s[0] >= 0x80u ? 1u : 0u) + len + 1;
}

static uint8_t *put_text(uint8_t *p, const char *s, size_t len)
{
    if ((unsigned char)s[0] >= 0x80u)
        *p++ = TEXT_QUOTE;
    memcpy(p, s, len + 1);
    return p + len + 1;
}

/* Integer-value: Short-integer below 128, else Long-integer. */
static size_t int_size(uint32_t v)
{
    size_t n = 0;
    if (v < 0x80u)
        return 1;
    while (v) {
        n++;
        v >>= 8;
    }
    return 1 + n;
}

static uint8_t *put_int(uint8_t *p, uint32_t v)
{
    size_t n = int_size(v), i;
    if (n == 1) {
        *p++ = (uint8_t)(SHORT_INT | v);
        return p;
    }
    *p++ = (uint8_t)(n - 1);
    for (i = n - 1; i > 0; i--) {
        p[i - 1] = (uint8_t)(v & 0xFFu);
        v >>= 8;
    }
    return p + n - 1;
}

typedef struct hdr_sizes {
    size_t app, init; /* text lengths (0: not a text) */
    size_t total;     /* octets of the headers after the content type */
} hdr_sizes;

static cp_status size_headers(cp_ctx *ctx, const cp_wsp__out *in,
                              hdr_sizes *hs)
{
    cp_status st;
    memset(hs, 0, sizeof *hs);
    if (in->app_id_text != NULL) {
        st = check_text(ctx, in->app_id_text, "X-Wap-Application-Id",
                        &hs->app);
        if (st)
            return st;
        hs->total += 1 + text_size(in->app_id_text, hs->app);
    } else if (in->has_app_id) {
        hs->total += 1 + int_size(in->app_id);
    }
    if (in->initiator_uri != NULL) {
        st = check_text(ctx, in->initiator_uri, "X-Wap-Initiator-URI",
                        &hs->init);
        if (st)
            return st;
        hs->total += 1 + text_size(in->initiator_uri, hs->init);
    }
    if (in->push_flag > 127)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "Push-Flag %d is not within 0..127",
                           in->push_flag);
    if (in->push_flag >= 0)
        hs->total += 2;
    return CP_OK;
}

static uint8_t *put_headers(uint8_t *p, const cp_wsp__out *in,
                            const hdr_sizes *hs)
{
    if (in->app_id_text != NULL) {
        *p++ = SHORT_INT | HDR_APP_ID;
        p = put_text(p, in->app_id_text, hs->app);
    } else if (in->has_app_id) {
        *p++ = SHORT_INT | HDR_APP_ID;
        p = put_int(p, in->app_id);
    }
    if (in->initiator_uri != NULL) {
        *p++ = SHORT_INT | HDR_INITIATOR_URI;
        p = put_text(p, in->initiator_uri, hs->init);
    }
    if (in->push_flag >= 0) {
        *p++ = SHORT_INT | HDR_PUSH_FLAG;
        *p++ = (uint8_t)(SHORT_INT | (unsigned)in->push_flag);
    }
    return p;
}

cp_status cp_wsp__build_push(cp_ctx *ctx, const cp_wsp__out *in,
                             const uint8_t *body, size_t body_len,
                             uint8_t **pdu, size_t *pdu_len)
{
    uint8_t ct[CTYPE_MAX];
    size_t ct_len, hlen, total;
    hdr_sizes hs;
    uint8_t *out, *p;
    cp_status st;

    *pdu = NULL;
    *pdu_len = 0;
    st = size_headers(ctx, in, &hs);
    if (st)
        return st;
    ct_len = build_ctype(in, ct);
    if (cp_add__ovf(ct_len, hs.total, &hlen) || hlen > UINT32_MAX ||
        cp_add__ovf(2 + uintvar_len((uint32_t)hlen), hlen, &total) ||
        cp_add__ovf(total, body_len, &total))
        return cp_err__set(ctx, CP_E_OVERFLOW, CP_NO_OFFSET,
                           "push PDU too large");
    out = cp_mem__alloc(&ctx->alloc, total);
    if (out == NULL)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory for a push PDU of %lu octets",
                           (unsigned long)total);
    p = out;
    *p++ = in->tid;
    *p++ = PDU_PUSH;
    p += put_uintvar(p, (uint32_t)hlen);
    memcpy(p, ct, ct_len);
    p = put_headers(p + ct_len, in, &hs);
    if (body_len > 0)
        memcpy(p, body, body_len);
    *pdu = out;
    *pdu_len = total;
    return CP_OK;
}
