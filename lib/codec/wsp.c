/*
 * wsp.c - the connectionless WSP Push PDU (WAP-230, encoding version 1.4)
 * and its headers: X-Wap-Application-Id, X-Wap-Initiator-URI, Push-Flag,
 * read with the bounds-checked cp_rd reader. The content type at the
 * start of the headers is wsp_ctype.c's; the value readers, wsp_value.c's.
 *
 * The reader's end is narrowed to the area being parsed (the header block,
 * then the content-type value), so no value can reach past its area; the
 * body is placed by HeadersLen alone.
 */
#include <string.h>

#include "wspint.h"

#define PDU_PUSH 0x06
#define PDU_CONFIRMED_PUSH 0x07
#define SHIFT_DELIMITER 0x7F

/* Well-known header codes (page 1). */
#define HDR_APP_ID 0x2F
#define HDR_INITIATOR_URI 0x31
#define HDR_PUSH_FLAG 0x34
#define DEFAULT_PAGE 1

/* ---- the struct --------------------------------------------------------- */

CP_ALIGN_DECL(cp_push);

CP_EXPORT void cp_push_init_size(cp_push *p, size_t size)
{
    cp_push d;
    cp_wsp__push_defaults(&d);
    cp_struct__init_from(p, size, &d, sizeof d);
}

/* The symbol 0.1.0 programs call: it prepares the 0.1.0 layout only. */
#undef cp_push_init
CP_EXPORT void cp_push_init(cp_push *p);
CP_EXPORT void cp_push_init(cp_push *p)
{
    cp_push_init_size(p, CP_FIRST_SIZE(cp_push, body_offset));
}

/* ---- headers ------------------------------------------------------------ */

static cp_status app_id_value(wsp *w, size_t off)
{
    uint8_t c;
    const char *s;
    cp_status st;
    if (w->p->has_app_id)
        return cp_wsp__bad(w, off, "X-Wap-Application-Id given twice");
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, cp_wsp__here(w));
    if (cp_wsp__value_class(c) == VC_TEXT) {
        st = cp_wsp__read_text_string(w, &s);
        w->p->app_id_text = s;
        w->p->app_id_code = CP_PUSH_TEXTUAL;
    } else {
        st = cp_wsp__read_integer(w, &w->p->app_id_code, NULL);
    }
    w->p->has_app_id = 1;
    return st;
}

static cp_status initiator_value(wsp *w, size_t off)
{
    uint8_t c;
    if (w->p->initiator_uri != NULL)
        return cp_wsp__bad(w, off, "X-Wap-Initiator-URI given twice");
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, cp_wsp__here(w));
    if (cp_wsp__value_class(c) != VC_TEXT)
        return cp_wsp__bad(w, cp_wsp__here(w),
                           "X-Wap-Initiator-URI is not text");
    return cp_wsp__read_text_string(w, &w->p->initiator_uri);
}

static cp_status push_flag_value(wsp *w, size_t off, int textual)
{
    uint8_t c;
    const char *s;
    uint32_t v;
    cp_status st;
    if (w->p->push_flag != -1)
        return cp_wsp__bad(w, off, "Push-Flag given twice");
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, cp_wsp__here(w));
    if (!textual) {
        if (c < 0x80)
            return cp_wsp__bad(w, cp_wsp__here(w),
                               "Push-Flag is not a Short-integer");
        w->r.p++;
        w->p->push_flag = c & 0x7F;
        return CP_OK;
    }
    off = cp_wsp__here(w);
    st = cp_wsp__read_text_string(w, &s);
    if (st != CP_OK)
        return st;
    if (!cp_wsp__parse_decimal(s, &v) || v > 0x7F)
        return cp_wsp__bad(w, off, "Push-Flag is not a number 0..127");
    w->p->push_flag = (int)v;
    return CP_OK;
}

static cp_status well_known_header(wsp *w, uint8_t code, size_t off)
{
    if (w->page == DEFAULT_PAGE) {
        switch (code) {
        case HDR_APP_ID: return app_id_value(w, off);
        case HDR_INITIATOR_URI: return initiator_value(w, off);
        case HDR_PUSH_FLAG: return push_flag_value(w, off, 0);
        default: break;
        }
    }
    return cp_wsp__skip_value(w, VT_ANY);
}

static cp_status textual_header(wsp *w, size_t off)
{
    const char *name;
    cp_status st = cp_wsp__read_text(w, &name);
    if (st != CP_OK)
        return st;
    if (cp_str__casecmp(name, "X-Wap-Application-Id") == 0)
        return app_id_value(w, off);
    if (cp_str__casecmp(name, "X-Wap-Initiator-URI") == 0)
        return initiator_value(w, off);
    if (cp_str__casecmp(name, "Push-Flag") == 0)
        return push_flag_value(w, off, 1);
    return cp_wsp__skip_value(w, VT_ANY);
}

static cp_status header(wsp *w)
{
    size_t off = cp_wsp__here(w);
    uint8_t c;
    c = *w->r.p; /* the caller saw octets left */
    if (c >= 0x20 && c < SHIFT_DELIMITER)
        return textual_header(w, off); /* the octet starts the name */
    if (c == 0x00)
        return cp_wsp__bad(w, off, "NUL octet where a header should start");
    w->r.p++;
    if (c >= 0x80)
        return well_known_header(w, (uint8_t)(c & 0x7F), off);
    if (c == SHIFT_DELIMITER && !cp_wsp__u8(w, &c))
        return cp_wsp__over(w, off);
    w->page = c; /* Shift-delimiter + page, or Short-cut-shift 0x01-0x1F */
    return CP_OK;
}

/* ---- the PDU ------------------------------------------------------------ */

static cp_status pdu_start(wsp *w)
{
    uint8_t type;
    uint32_t hl;
    size_t off;
    cp_status st;
    if (!cp_wsp__u8(w, &w->p->tid))
        return cp_err__set(w->ctx, CP_E_TRUNCATED, 0, "empty PDU");
    if (!cp_wsp__u8(w, &type))
        return cp_err__set(w->ctx, CP_E_TRUNCATED, 1,
                           "PDU ends before its type");
    w->p->pdu_type = type;
    if (type == PDU_CONFIRMED_PUSH)
        return cp_err__set(w->ctx, CP_E_UNSUPPORTED, 1,
                           "ConfirmedPush needs a WSP session");
    if (type != PDU_PUSH)
        return cp_err__set(w->ctx, CP_E_MALFORMED, 1,
                           "PDU type 0x%02X is not Push (0x06)", type);
    off = cp_wsp__here(w);
    st = cp_wsp__uintvar(w, &hl);
    if (st == CP_E_TRUNCATED)
        return cp_err__set(w->ctx, st, off, "PDU ends inside HeadersLen");
    if (st == CP_E_OVERFLOW)
        return cp_err__set(w->ctx, st, off, "HeadersLen does not fit 32 bits");
    if (st != CP_OK)
        return cp_err__set(w->ctx, st, off, "HeadersLen longer than 5 octets");
    if (hl > cp_wsp__left(w))
        return cp_err__set(w->ctx, CP_E_TRUNCATED, off,
                           "HeadersLen %lu but %lu octets left in the PDU",
                           (unsigned long)hl,
                           (unsigned long)cp_wsp__left(w));
    if (hl == 0)
        return cp_err__set(w->ctx, CP_E_MALFORMED, off,
                           "no content type (HeadersLen 0)");
    w->r.end = w->r.p + hl;
    return CP_OK;
}

static cp_status parse_pdu(wsp *w, const uint8_t *pdu, size_t len)
{
    cp_status st = pdu_start(w);
    if (st != CP_OK)
        return st;
    st = cp_wsp__content_type(w);
    while (st == CP_OK && cp_wsp__left(w) > 0)
        st = header(w);
    if (st != CP_OK)
        return st;
    /* The body starts where HeadersLen says, wherever the parse stopped. */
    w->p->body_offset = (size_t)(w->r.end - pdu);
    w->p->body = w->r.end;
    w->p->body_len = len - w->p->body_offset;
    return CP_OK;
}

CP_EXPORT cp_status cp_wsp_parse_push(cp_ctx *ctx, const uint8_t *pdu,
                                      size_t len, cp_push *out)
{
    static const uint8_t empty[1] = {0};
    wsp w;
    cp_push local, *p;
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if (out == NULL || (pdu == NULL && len != 0))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "cp_wsp_parse_push: NULL argument");
    if (cp_struct__check(ctx, "cp_push", out, CP_PUSH__MIN_SIZE) != CP_OK)
        return CP_E_VERSION;
    if (pdu == NULL)
        pdu = empty;
    /* A caller built with this layout (the usual case) is parsed into
     * straight, without the copy an older or newer layout needs. */
    p = out->struct_size == sizeof *out ? out : &local;
    cp_wsp__push_defaults(p);
    w.ctx = ctx;
    w.p = p;
    w.area = "headers";
    w.page = DEFAULT_PAGE;
    w.r.start = w.r.p = pdu; /* cp_rd__init: pdu is not NULL here */
    w.r.end = pdu + len;
    st = parse_pdu(&w, pdu, len);
    if (st != CP_OK)
        cp_wsp__push_defaults(p); /* nothing half-parsed reaches out */
    if (p != out)
        (void)cp_struct__give(out, p, sizeof *p, CP_PUSH__MIN_SIZE);
    return st;
}
