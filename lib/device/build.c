/*
 * build.c - cp_push_build: the sending side's push PDU. The device floor
 * only composes: the codec encodes an XML body (cp_doc_*) and writes the
 * PDU (wsp_build.c), the trust floor computes the MAC (cp_mac_compute).
 */
#include <string.h>

#include "../base/base.h"
#include "../codec/wsp_build.h"
#include "omacp/doc.h"
#include "omacp/send.h"

/* The first release's layout ends with push_flag. */
#define BUILD_OPTS_MIN CP_SIZE_THROUGH(cp_push_build_options, push_flag)

static void opts_defaults(cp_push_build_options *o)
{
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->sec = CP_SEC_NONE;
    o->content = CP_CONTENT_WBXML;
    o->tid = 1;
    o->app_id = CP_PUSH_NO_APP_ID;
    o->push_flag = -1;
}

CP_EXPORT void cp_push_build_options_init_size(cp_push_build_options *o, size_t size)
{
    cp_push_build_options d;
    opts_defaults(&d);
    cp_struct__init_from(o, size, &d, sizeof d);
}

static cp_status get_opts(cp_ctx *ctx, const cp_push_build_options *opt,
                          cp_push_build_options *o)
{
    opts_defaults(o);
    if (opt == NULL)
        return CP_OK;
    if (cp_struct__take_in(ctx, "cp_push_build_options", o, sizeof *o, opt, BUILD_OPTS_MIN) != CP_OK)
        return CP_E_VERSION;
    if (o->flags & ~CP_PUSH_BUILD_FLAGS_ALL)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "unknown cp_push_build flags 0x%x", o->flags);
    if (o->content != CP_CONTENT_WBXML && o->content != CP_CONTENT_XML)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "content %d is neither WBXML nor XML",
                           (int)o->content);
    if (o->sec != CP_SEC_NONE &&
        (o->sec < CP_SEC_NETWPIN || o->sec > CP_SEC_USERPINMAC))
        return cp_err__set(ctx, CP_E_BAD_SEC, CP_NO_OFFSET,
                           "SEC %d is not a method (0..3) or CP_SEC_NONE",
                           o->sec);
    return CP_OK;
}

static int is_wbxml(const uint8_t *b, size_t n)
{
    return n > 0 && b[0] >= 0x01 && b[0] <= 0x03;
}

/*
 * The octets that go into the PDU: *enc is NULL when they are body itself,
 * else the WBXML encoding of the XML body (freed by the caller).
 */
static cp_status body_octets(cp_ctx *ctx, const cp_push_build_options *o,
                             const uint8_t *body, size_t len, uint8_t **enc,
                             size_t *enc_len)
{
    cp_doc *doc = NULL;
    cp_status st;

    *enc = NULL;
    *enc_len = 0;
    if (len > ctx->limits.max_doc_bytes)
        return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                           "body of %lu octets is over the limit %lu",
                           (unsigned long)len,
                           (unsigned long)ctx->limits.max_doc_bytes);
    if (o->content == CP_CONTENT_XML) {
        if (is_wbxml(body, len))
            return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                               "an XML push needs an XML body, not WBXML");
        return CP_OK;
    }
    if (is_wbxml(body, len))
        return CP_OK;
    st = cp_doc_parse_xml(ctx, (const char *)body, len, &doc);
    if (st == CP_OK)
        st = cp_doc_encode_wbxml(
            ctx, doc,
            (o->flags & CP_PUSH_BUILD_NO_STRING_TABLE) ? CP_WBXML_NO_STRING_TABLE
                                                       : 0u,
            enc, enc_len);
    cp_doc_free(doc);
    return st;
}

/* SEC, MAC (into mac) and the user's digits for o->sec over body. */
static cp_status sign(cp_ctx *ctx, const cp_push_build_options *o,
                      const uint8_t *body, size_t len,
                      char mac[CP_MAC_TEXT_SIZE], char *user_pin,
                      size_t user_pin_cap)
{
    cp_status st;
    cp_sec mac_sec = o->sec;

    if (o->sec == CP_SEC_USERPINMAC) {
        st = cp_mac_compute(ctx, CP_SEC_USERPINMAC, NULL, o->pin, o->auth,
                            body, len, user_pin, user_pin_cap);
        if (st)
            return st;
        /* the MAC parameter as gateways send it: keyed with the N digits */
        mac_sec = CP_SEC_USERPIN;
    }
    return cp_mac_compute(ctx, mac_sec, o->imsi, o->pin, o->auth, body, len,
                          mac, CP_MAC_TEXT_SIZE);
}

CP_EXPORT cp_status cp_push_build(cp_ctx *ctx,
                                  const cp_push_build_options *opt,
                                  const uint8_t *body, size_t body_len,
                                  uint8_t **pdu, size_t *pdu_len,
                                  char *user_pin, size_t user_pin_cap)
{
    cp_push_build_options o;
    cp_wsp__out w;
    char mac[CP_MAC_TEXT_SIZE];
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    const uint8_t *b;
    size_t blen;
    cp_status st;

    if (pdu != NULL)
        *pdu = NULL;
    if (pdu_len != NULL)
        *pdu_len = 0;
    if (user_pin != NULL && user_pin_cap > 0)
        user_pin[0] = '\0';
    if (ctx == NULL || pdu == NULL || pdu_len == NULL ||
        (user_pin == NULL && user_pin_cap > 0))
        return CP_E_INVALID_ARG;
    if (body == NULL || body_len == 0)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "a push needs a body");
    st = get_opts(ctx, opt, &o);
    if (st)
        return st;
    st = body_octets(ctx, &o, body, body_len, &enc, &enc_len);
    if (st)
        return st;
    b = enc ? enc : body;
    blen = enc ? enc_len : body_len;
    memset(&w, 0, sizeof w);
    w.tid = o.tid;
    w.content = o.content;
    w.text_ctype = (o.flags & CP_PUSH_BUILD_TEXT_CTYPE) != 0;
    w.sec = o.sec;
    w.has_app_id = o.app_id != CP_PUSH_NO_APP_ID;
    w.app_id = o.app_id;
    w.app_id_text = o.app_id_text;
    w.initiator_uri = o.initiator_uri;
    w.push_flag = o.push_flag < 0 ? -1 : o.push_flag;
    if (o.sec != CP_SEC_NONE) {
        st = sign(ctx, &o, b, blen, mac, user_pin, user_pin_cap);
        if (st)
            goto out;
        if (!(o.flags & CP_PUSH_BUILD_NO_MAC))
            w.mac = mac;
    }
    st = cp_wsp__build_push(ctx, &w, b, blen, pdu, pdu_len);
out:
    if (st && user_pin != NULL && user_pin_cap > 0)
        memset(user_pin, 0, user_pin_cap);
    cp_free(ctx, enc);
    return st;
}
