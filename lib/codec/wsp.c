/*
 * wsp.c - the connectionless WSP Push PDU and its content type (WAP-230,
 * encoding version 1.4), read with the bounds-checked cp_rd reader.
 *
 * The reader's end is narrowed to the area being parsed (the header block,
 * then the content-type value), so no value can reach past its area; the
 * body is placed by HeadersLen alone.
 */
#include <string.h>

#include "../base/base.h"
#include "omacp/wsp.h"

#define PDU_PUSH 0x06
#define PDU_CONFIRMED_PUSH 0x07
#define LENGTH_QUOTE 0x1F  /* Value-length: a uintvar follows */
#define SHORT_LENGTH_MAX 30
#define SHIFT_DELIMITER 0x7F
#define TEXT_QUOTE 0x7F    /* Text-string whose first char is >= 0x80 */
#define QUOTED_STRING 0x22

/* Well-known parameter tokens (table 38) and header codes (page 1). */
#define PARAM_Q 0x00
#define PARAM_CHARSET 0x01
#define PARAM_SEC 0x11
#define PARAM_MAC 0x12
#define HDR_APP_ID 0x2F
#define HDR_INITIATOR_URI 0x31
#define HDR_PUSH_FLAG 0x34
#define DEFAULT_PAGE 1

#define MEDIA_XML 0x35
#define MEDIA_WBXML 0x36

static const char NAME_WBXML[] = "application/vnd.wap.connectivity-wbxml";
static const char NAME_XML[] = "text/vnd.wap.connectivity-xml";

/* Well-known media codes (WAP-230 table 40 and the OMNA registry). */
static const char *const media_names[] = {
    "*/*", "text/*", "text/html", "text/plain", "text/x-hdml", "text/x-ttml",
    "text/x-vCalendar", "text/x-vCard", "text/vnd.wap.wml",
    "text/vnd.wap.wmlscript", "text/vnd.wap.wta-event", "multipart/*",
    "multipart/mixed", "multipart/form-data", "multipart/byteranges",
    "multipart/alternative", "application/*", "application/java-vm",
    "application/x-www-form-urlencoded", "application/x-hdmlc",
    "application/vnd.wap.wmlc", "application/vnd.wap.wmlscriptc",
    "application/vnd.wap.wta-eventc", "application/vnd.wap.uaprof",
    "application/vnd.wap.wtls-ca-certificate",
    "application/vnd.wap.wtls-user-certificate",
    "application/x-x509-ca-cert", "application/x-x509-user-cert", "image/*",
    "image/gif", "image/jpeg", "image/tiff", "image/png",
    "image/vnd.wap.wbmp", "application/vnd.wap.multipart.*",
    "application/vnd.wap.multipart.mixed",
    "application/vnd.wap.multipart.form-data",
    "application/vnd.wap.multipart.byteranges",
    "application/vnd.wap.multipart.alternative", "application/xml",
    "text/xml", "application/vnd.wap.wbxml", "application/x-x968-cross-cert",
    "application/x-x968-ca-cert", "application/x-x968-user-cert",
    "text/vnd.wap.si", "application/vnd.wap.sic", "text/vnd.wap.sl",
    "application/vnd.wap.slc", "text/vnd.wap.co", "application/vnd.wap.coc",
    "application/vnd.wap.multipart.related", "application/vnd.wap.sia",
    NAME_XML, NAME_WBXML, "application/pkcs7-mime",
    "application/vnd.wap.hashed-certificate",
    "application/vnd.wap.signed-certificate",
    "application/vnd.wap.cert-response", "application/xhtml+xml",
    "application/wml+xml", "text/css", "application/vnd.wap.mms-message",
    "application/vnd.wap.rollover-certificate",
    "application/vnd.wap.locc+wbxml", "application/vnd.wap.loc+xml",
    "application/vnd.syncml.dm+wbxml", "application/vnd.syncml.dm+xml",
    "application/vnd.syncml.notification", "application/vnd.wap.xhtml+xml",
    "application/vnd.wv.csp.cir", "application/vnd.oma.dd+xml",
    "application/vnd.oma.drm.message", "application/vnd.oma.drm.content",
    "application/vnd.oma.drm.rights+xml",
    "application/vnd.oma.drm.rights+wbxml", "application/vnd.wv.csp+xml",
    "application/vnd.wv.csp+wbxml", "application/vnd.syncml.ds.notification",
    "audio/*", "video/*", "application/vnd.oma.dd2+xml", "application/mikey"};

#define MEDIA_NAME_COUNT (sizeof media_names / sizeof media_names[0])

/*
 * Classes of a WSP value by its first octet (WSP 8.4.1.2). A value type
 * is the set of classes it may start with; skipping is then by class.
 */
enum {
    VC_ZERO = 1,  /* 0x00: No-value, empty text, or Short-length 0 */
    VC_LEN = 2,   /* 0x01-0x1E: Short-length (also Long-integer) + data */
    VC_QUOTE = 4, /* 0x1F: Length-quote + uintvar + data */
    VC_TEXT = 8,  /* 0x20-0x7F: text up to a NUL */
    VC_SHORT = 16 /* 0x80-0xFF: Short-integer */
};

#define VT_ANY (VC_ZERO | VC_LEN | VC_QUOTE | VC_TEXT | VC_SHORT)
#define VT_SHORT VC_SHORT
#define VT_INTEGER (VC_SHORT | VC_LEN)
#define VT_LONG VC_LEN
#define VT_TEXT (VC_ZERO | VC_TEXT)
#define VT_SHORT_OR_TEXT (VC_SHORT | VC_ZERO | VC_TEXT)
#define VT_NO_VALUE VC_ZERO
#define VT_Q 0 /* Q-value: a one- or two-octet uintvar, handled apart */

/* Value type of each typed parameter 0x00-0x1D (table 38). */
static const unsigned char param_types[] = {
    VT_Q,             /* 0x00 Q */
    VT_INTEGER,       /* 0x01 charset: Well-known-charset */
    VT_SHORT_OR_TEXT, /* 0x02 level: Version-value */
    VT_INTEGER,       /* 0x03 type */
    VT_ANY,           /* 0x04 unassigned */
    VT_TEXT,          /* 0x05 name (1.1) */
    VT_TEXT,          /* 0x06 filename (1.1) */
    VT_SHORT_OR_TEXT, /* 0x07 differences: Field-name */
    VT_SHORT,         /* 0x08 padding */
    VT_SHORT_OR_TEXT, /* 0x09 type (multipart/related): Constrained-encoding */
    VT_TEXT,          /* 0x0A start (1.2) */
    VT_TEXT,          /* 0x0B start-info (1.2) */
    VT_TEXT,          /* 0x0C comment (1.3) */
    VT_TEXT,          /* 0x0D domain (1.3) */
    VT_INTEGER,       /* 0x0E max-age: Delta-seconds-value */
    VT_TEXT,          /* 0x0F path (1.3) */
    VT_NO_VALUE,      /* 0x10 secure */
    VT_SHORT,         /* 0x11 SEC */
    VT_TEXT,          /* 0x12 MAC: Text-value */
    VT_LONG,          /* 0x13 creation-date: Date-value */
    VT_LONG,          /* 0x14 modification-date */
    VT_LONG,          /* 0x15 read-date */
    VT_INTEGER,       /* 0x16 size */
    VT_TEXT,          /* 0x17 name: Text-value */
    VT_TEXT,          /* 0x18 filename */
    VT_TEXT,          /* 0x19 start */
    VT_TEXT,          /* 0x1A start-info */
    VT_TEXT,          /* 0x1B comment */
    VT_TEXT,          /* 0x1C domain */
    VT_TEXT           /* 0x1D path */
};

#define PARAM_TYPE_COUNT (sizeof param_types / sizeof param_types[0])

typedef struct wsp {
    cp_ctx *ctx;
    cp_rd r;          /* r.end is the end of the area being parsed */
    cp_push *p;
    const char *area; /* its name, for messages */
    int page;         /* header code page */
} wsp;

/* ---- the struct ---------------------------------------------------------- */

static void content_reset(cp_push *p)
{
    p->content = CP_CONTENT_OTHER;
    p->content_code = CP_PUSH_TEXTUAL;
    p->media_type[0] = '\0';
    p->charset = 0;
    p->sec = CP_SEC_NONE;
    p->sec_raw = 0;
    p->has_mac = 0;
    p->mac_len = 0;
    p->mac[0] = '\0';
}

/* Defaults everywhere; struct_size is kept. Touches sizeof(cp_push) only. */
static void push_reset(cp_push *p)
{
    size_t size = p->struct_size;
    memset(p, 0, sizeof *p);
    p->struct_size = size;
    content_reset(p);
    p->app_id_code = CP_PUSH_TEXTUAL;
    p->push_flag = -1;
}

CP_EXPORT void cp_push_init(cp_push *p)
{
    if (p == NULL)
        return;
    p->struct_size = sizeof *p;
    push_reset(p);
}

/* Sizes of the 0.1.0 layout and later are known; fields only get appended. */
static int size_known(const cp_push *p)
{
    return p->struct_size >= sizeof(cp_push) &&
           p->struct_size <= ((size_t)1 << 16);
}

CP_EXPORT const char *cp_sec_name(cp_sec sec)
{
    switch (sec) {
    case CP_SEC_NETWPIN: return "NETWPIN";
    case CP_SEC_USERPIN: return "USERPIN";
    case CP_SEC_USERNETWPIN: return "USERNETWPIN";
    case CP_SEC_USERPINMAC: return "USERPINMAC";
    case CP_SEC_NONE: return "none";
    default: return "invalid";
    }
}

/* ---- values shared by both forms ---------------------------------------- */

static const char *const sec_names[] = {"NETWPIN", "USERPIN", "USERNETWPIN",
                                        "USERPINMAC"};

/* Decimal digits into *v; 0 when s is not all digits or overflows. */
static int parse_decimal(const char *s, uint32_t *v)
{
    uint32_t n = 0;
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        uint32_t d;
        if (*s < '0' || *s > '9')
            return 0;
        d = (uint32_t)(*s - '0');
        if (n > (UINT32_MAX - d) / 10)
            return 0;
        n = n * 10 + d;
    }
    *v = n;
    return 1;
}

/* The number a textual SEC value names, or CP_SEC_RAW_UNREADABLE. */
static uint32_t sec_text_raw(const char *s)
{
    uint32_t v, i;
    if (parse_decimal(s, &v))
        return v;
    for (i = 0; i < sizeof sec_names / sizeof sec_names[0]; i++)
        if (cp_str__casecmp(s, sec_names[i]) == 0)
            return i;
    return CP_SEC_RAW_UNREADABLE;
}

static void sec_store(cp_push *p, uint32_t raw)
{
    p->sec_raw = raw;
    p->sec = raw <= (uint32_t)CP_SEC_USERPINMAC ? (cp_sec)raw : CP_SEC_INVALID;
}

static void mac_store(cp_push *p, const char *s, size_t n)
{
    size_t keep = n < CP_PUSH_MAC_CHARS ? n : CP_PUSH_MAC_CHARS;
    p->has_mac = 1;
    p->mac_len = n;
    memcpy(p->mac, s, keep);
    p->mac[keep] = '\0';
}

static const struct {
    const char *name;
    uint32_t mib;
} charsets[] = {{"utf-8", 106}, {"us-ascii", 3}, {"iso-8859-1", 4},
                {"utf-16", 1015}, {"*", 0}};

static uint32_t charset_by_name(const char *s)
{
    size_t i;
    for (i = 0; i < sizeof charsets / sizeof charsets[0]; i++)
        if (cp_str__casecmp(s, charsets[i].name) == 0)
            return charsets[i].mib;
    return CP_PUSH_TEXTUAL;
}

/* ---- primitive readers (binary) ----------------------------------------- */

static cp_status over(wsp *w, size_t off)
{
    return cp_err__set(w->ctx, CP_E_MALFORMED, off,
                       "a value runs past the end of the %s", w->area);
}

static cp_status bad(wsp *w, size_t off, const char *what)
{
    return cp_err__set(w->ctx, CP_E_MALFORMED, off, "%s in the %s", what,
                       w->area);
}

static size_t here(const wsp *w)
{
    return cp_rd__off(&w->r);
}

static int value_class(uint8_t c)
{
    if (c == 0x00)
        return VC_ZERO;
    if (c <= SHORT_LENGTH_MAX)
        return VC_LEN;
    if (c == LENGTH_QUOTE)
        return VC_QUOTE;
    if (c < 0x80)
        return VC_TEXT;
    return VC_SHORT;
}

/* Text up to its End-of-string: *s points at it, NUL-terminated. */
static cp_status read_text(wsp *w, const char **s)
{
    const uint8_t *nul;
    size_t left = cp_rd__left(&w->r);
    nul = left ? memchr(w->r.p, 0, left) : NULL;
    if (nul == NULL)
        return over(w, here(w));
    *s = (const char *)w->r.p;
    w->r.p = nul + 1;
    return CP_OK;
}

/* A Text-string without its optional leading Quote octet. */
static cp_status read_text_string(wsp *w, const char **s)
{
    cp_status st = read_text(w, s);
    if (st == CP_OK && (unsigned char)**s == TEXT_QUOTE)
        (*s)++;
    return st;
}

/* Value-length (after the caller saw its first octet is 0x00-0x1F). */
static cp_status read_value_length(wsp *w, size_t *len)
{
    size_t off = here(w);
    uint8_t c;
    uint32_t v;
    cp_status st;
    if (cp_rd__u8(&w->r, &c) != CP_OK)
        return over(w, off);
    if (c <= SHORT_LENGTH_MAX) {
        v = c;
    } else if (c == LENGTH_QUOTE) {
        st = cp_rd__mbu32(&w->r, &v);
        if (st == CP_E_TRUNCATED)
            return over(w, off);
        if (st == CP_E_OVERFLOW)
            return cp_err__set(w->ctx, st, off,
                               "value length does not fit 32 bits");
        if (st != CP_OK)
            return bad(w, off, "value length uintvar longer than 5 octets");
    } else {
        return bad(w, off, "expected a value length");
    }
    if (v > cp_rd__left(&w->r))
        return over(w, off);
    *len = v;
    return CP_OK;
}

/*
 * Long-integer (first octet 1..30) into 32 bits. A value that does not fit
 * is an error, unless ovf is given: then *ovf = 1 and *v = UINT32_MAX.
 */
static cp_status read_long(wsp *w, uint32_t *v, int *ovf)
{
    size_t off = here(w);
    uint8_t n, b;
    uint32_t x = 0;
    int big = 0;
    if (cp_rd__u8(&w->r, &n) != CP_OK)
        return over(w, off);
    if (n < 1 || n > SHORT_LENGTH_MAX)
        return bad(w, off, "bad Long-integer length");
    if (n > cp_rd__left(&w->r))
        return over(w, off);
    for (; n > 0; n--) {
        (void)cp_rd__u8(&w->r, &b); /* present: checked above */
        if (x > (UINT32_MAX >> 8))
            big = 1;
        x = ((x & 0x00FFFFFFu) << 8) | b;
    }
    if (big && ovf == NULL)
        return cp_err__set(w->ctx, CP_E_OVERFLOW, off,
                           "integer does not fit 32 bits");
    if (ovf != NULL)
        *ovf = big;
    *v = big ? UINT32_MAX : x;
    return CP_OK;
}

/* Integer-value: Short-integer or Long-integer (ovf as for read_long). */
static cp_status read_integer(wsp *w, uint32_t *v, int *ovf)
{
    uint8_t c;
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, here(w));
    if (c >= 0x80) {
        w->r.p++;
        *v = c & 0x7Fu;
        if (ovf != NULL)
            *ovf = 0;
        return CP_OK;
    }
    if (c >= 1 && c <= SHORT_LENGTH_MAX)
        return read_long(w, v, ovf);
    return bad(w, here(w), "expected an integer");
}

/* Skip one value whose first octet must be in one of the classes. */
static cp_status skip_value(wsp *w, int classes)
{
    size_t off = here(w), len;
    const char *s;
    uint8_t c;
    int cls;
    cp_status st;
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, off);
    cls = value_class(c);
    if (!(cls & classes))
        return bad(w, off, "value of the wrong type");
    switch (cls) {
    case VC_SHORT:
        return cp_rd__skip(&w->r, 1);
    case VC_TEXT:
        return read_text(w, &s);
    default: /* VC_ZERO, VC_LEN, VC_QUOTE: a length and that many octets */
        st = read_value_length(w, &len);
        if (st == CP_OK)
            st = cp_rd__skip(&w->r, len); /* fits: checked */
        return st;
    }
}

/* Q-value: a uintvar of one or two octets. */
static cp_status skip_q_value(wsp *w)
{
    size_t off = here(w);
    uint8_t c;
    if (cp_rd__u8(&w->r, &c) != CP_OK)
        return over(w, off);
    if (!(c & 0x80))
        return CP_OK;
    if (cp_rd__u8(&w->r, &c) != CP_OK)
        return over(w, off);
    if (c & 0x80)
        return bad(w, off, "Q-value longer than 2 octets");
    return CP_OK;
}

/* ---- content type and its parameters ------------------------------------ */

static void media_by_code(cp_push *p, uint32_t code)
{
    p->content_code = code;
    p->content = code == MEDIA_WBXML ? CP_CONTENT_WBXML
               : code == MEDIA_XML   ? CP_CONTENT_XML
                                     : CP_CONTENT_OTHER;
    if (code < MEDIA_NAME_COUNT &&
        strlen(media_names[code]) < sizeof p->media_type) {
        /* every name is shorter than the field; checked, not assumed */
        memcpy(p->media_type, media_names[code],
               strlen(media_names[code]) + 1);
    } else {
        p->media_type[0] = '\0';
    }
}

/* Store a textual media type; fails when it does not fit. */
static int media_by_text(cp_push *p, const char *s)
{
    size_t n = strlen(s);
    if (n >= sizeof p->media_type)
        return 0;
    memcpy(p->media_type, s, n + 1);
    p->content_code = CP_PUSH_TEXTUAL;
    p->content = cp_str__casecmp(s, NAME_WBXML) == 0 ? CP_CONTENT_WBXML
               : cp_str__casecmp(s, NAME_XML) == 0   ? CP_CONTENT_XML
                                                     : CP_CONTENT_OTHER;
    return 1;
}

static cp_status media_text(wsp *w)
{
    size_t off = here(w);
    const char *s;
    cp_status st = read_text_string(w, &s);
    if (st != CP_OK)
        return st;
    if (*s == '\0')
        return bad(w, off, "empty media type");
    if (!media_by_text(w->p, s))
        return bad(w, off, "media type too long");
    return CP_OK;
}

/* Media inside the general form: Integer-value or Extension-media. */
static cp_status media(wsp *w)
{
    uint8_t c;
    uint32_t code;
    cp_status st;
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return bad(w, here(w), "no media type");
    if (value_class(c) == VC_TEXT)
        return media_text(w);
    st = read_integer(w, &code, NULL);
    if (st == CP_OK)
        media_by_code(w->p, code);
    return st;
}

static cp_status sec_once(wsp *w, size_t off)
{
    if (w->p->sec != CP_SEC_NONE)
        return bad(w, off, "SEC given twice");
    return CP_OK;
}

static cp_status mac_once(wsp *w, size_t off)
{
    if (w->p->has_mac)
        return bad(w, off, "MAC given twice");
    return CP_OK;
}

/* Typed SEC: a Short-integer; anything else is kept as unreadable. */
static cp_status typed_sec(wsp *w, size_t off)
{
    uint8_t c;
    cp_status st = sec_once(w, off);
    if (st != CP_OK)
        return st;
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, here(w));
    if (c >= 0x80) {
        w->r.p++;
        sec_store(w->p, c & 0x7Fu);
        return CP_OK;
    }
    sec_store(w->p, CP_SEC_RAW_UNREADABLE);
    return skip_value(w, VT_ANY);
}

/* MAC Text-value: No-value, Token-text or Quoted-string. */
static cp_status mac_value(wsp *w, size_t off)
{
    const char *s;
    size_t n;
    uint8_t c;
    cp_status st = mac_once(w, off);
    if (st != CP_OK)
        return st;
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, here(w));
    if (value_class(c) != VC_TEXT && c != 0x00)
        return bad(w, here(w), "MAC value is not text");
    st = read_text_string(w, &s);
    if (st != CP_OK)
        return st;
    n = strlen(s);
    if (n > 0 && s[0] == QUOTED_STRING) {
        s++;
        n--;
        if (n > 0 && s[n - 1] == QUOTED_STRING) /* a stray closing quote */
            n--;
    }
    mac_store(w->p, s, n);
    return CP_OK;
}

static cp_status charset_value(wsp *w)
{
    uint8_t c;
    const char *s;
    cp_status st;
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, here(w));
    if (value_class(c) != VC_TEXT)
        return read_integer(w, &w->p->charset, NULL);
    st = read_text_string(w, &s);
    if (st == CP_OK)
        w->p->charset = charset_by_name(s);
    return st;
}

static cp_status typed_param(wsp *w, uint32_t token, size_t off)
{
    switch (token) {
    case PARAM_SEC: return typed_sec(w, off);
    case PARAM_MAC: return mac_value(w, off);
    case PARAM_CHARSET: return charset_value(w);
    case PARAM_Q: return skip_q_value(w);
    default:
        if (token < PARAM_TYPE_COUNT)
            return skip_value(w, param_types[token]);
        return skip_value(w, VT_ANY); /* a later table: any WSP value */
    }
}

/* Untyped SEC: Integer-value, or text (a number or a method name). */
static cp_status untyped_sec(wsp *w, size_t off)
{
    uint8_t c;
    uint32_t v;
    int big;
    const char *s;
    cp_status st = sec_once(w, off);
    if (st != CP_OK)
        return st;
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, here(w));
    switch (value_class(c)) {
    case VC_SHORT:
    case VC_LEN:
        st = read_integer(w, &v, &big);
        if (st == CP_OK)
            sec_store(w->p, big ? CP_SEC_RAW_UNREADABLE : v);
        return st;
    case VC_TEXT:
    case VC_ZERO:
        st = read_text_string(w, &s);
        if (st == CP_OK)
            sec_store(w->p, sec_text_raw(*s == QUOTED_STRING ? s + 1 : s));
        return st;
    default:
        return bad(w, here(w), "SEC value of the wrong type");
    }
}

static cp_status untyped_param(wsp *w, size_t off)
{
    const char *name;
    cp_status st = read_text(w, &name);
    if (st != CP_OK)
        return st;
    if (cp_str__casecmp(name, "SEC") == 0)
        return untyped_sec(w, off);
    if (cp_str__casecmp(name, "MAC") == 0)
        return mac_value(w, off);
    if (cp_str__casecmp(name, "charset") == 0)
        return charset_value(w);
    return skip_value(w, VT_ANY);
}

static cp_status param(wsp *w)
{
    size_t off = here(w);
    uint8_t c;
    uint32_t token;
    int big;
    cp_status st;
    (void)cp_rd__peek(&w->r, &c); /* the caller saw octets left */
    switch (value_class(c)) {
    case VC_SHORT:
    case VC_LEN:
        st = read_integer(w, &token, &big);
        if (st == CP_OK) /* a token past 32 bits is unknown: skipped */
            st = typed_param(w, big ? UINT32_MAX : token, off);
        return st;
    case VC_TEXT:
        return untyped_param(w, off);
    default:
        return bad(w, off, "bad parameter");
    }
}

/* Value-length + media + parameters, within exactly that length. */
static cp_status content_type_general(wsp *w)
{
    const uint8_t *end = w->r.end;
    const char *area = w->area;
    size_t len;
    cp_status st = read_value_length(w, &len);
    if (st != CP_OK)
        return st;
    w->r.end = w->r.p + len;
    w->area = "content type";
    st = media(w);
    while (st == CP_OK && cp_rd__left(&w->r) > 0)
        st = param(w);
    w->r.end = end;
    w->area = area;
    return st;
}

static cp_status content_type(wsp *w)
{
    uint8_t c;
    (void)cp_rd__peek(&w->r, &c); /* HeadersLen > 0 was checked */
    switch (value_class(c)) {
    case VC_SHORT:
        w->r.p++;
        media_by_code(w->p, c & 0x7Fu);
        return CP_OK;
    case VC_TEXT:
        return media_text(w);
    default:
        return content_type_general(w);
    }
}

/* ---- headers ------------------------------------------------------------ */

static cp_status app_id_value(wsp *w, size_t off)
{
    uint8_t c;
    const char *s;
    cp_status st;
    if (w->p->has_app_id)
        return bad(w, off, "X-Wap-Application-Id given twice");
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, here(w));
    if (value_class(c) == VC_TEXT) {
        st = read_text_string(w, &s);
        w->p->app_id_text = s;
        w->p->app_id_code = CP_PUSH_TEXTUAL;
    } else {
        st = read_integer(w, &w->p->app_id_code, NULL);
    }
    w->p->has_app_id = 1;
    return st;
}

static cp_status initiator_value(wsp *w, size_t off)
{
    uint8_t c;
    if (w->p->initiator_uri != NULL)
        return bad(w, off, "X-Wap-Initiator-URI given twice");
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, here(w));
    if (value_class(c) != VC_TEXT)
        return bad(w, here(w), "X-Wap-Initiator-URI is not text");
    return read_text_string(w, &w->p->initiator_uri);
}

static cp_status push_flag_value(wsp *w, size_t off, int textual)
{
    uint8_t c;
    const char *s;
    uint32_t v;
    cp_status st;
    if (w->p->push_flag != -1)
        return bad(w, off, "Push-Flag given twice");
    if (cp_rd__peek(&w->r, &c) != CP_OK)
        return over(w, here(w));
    if (!textual) {
        if (c < 0x80)
            return bad(w, here(w), "Push-Flag is not a Short-integer");
        w->r.p++;
        w->p->push_flag = c & 0x7F;
        return CP_OK;
    }
    off = here(w);
    st = read_text_string(w, &s);
    if (st != CP_OK)
        return st;
    if (!parse_decimal(s, &v) || v > 0x7F)
        return bad(w, off, "Push-Flag is not a number 0..127");
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
    return skip_value(w, VT_ANY);
}

static cp_status textual_header(wsp *w, size_t off)
{
    const char *name;
    cp_status st = read_text(w, &name);
    if (st != CP_OK)
        return st;
    if (cp_str__casecmp(name, "X-Wap-Application-Id") == 0)
        return app_id_value(w, off);
    if (cp_str__casecmp(name, "X-Wap-Initiator-URI") == 0)
        return initiator_value(w, off);
    if (cp_str__casecmp(name, "Push-Flag") == 0)
        return push_flag_value(w, off, 1);
    return skip_value(w, VT_ANY);
}

static cp_status header(wsp *w)
{
    size_t off = here(w);
    uint8_t c;
    (void)cp_rd__peek(&w->r, &c); /* the caller saw octets left */
    if (c >= 0x20 && c < SHIFT_DELIMITER)
        return textual_header(w, off); /* the octet starts the name */
    if (c == 0x00)
        return bad(w, off, "NUL octet where a header should start");
    w->r.p++;
    if (c >= 0x80)
        return well_known_header(w, (uint8_t)(c & 0x7F), off);
    if (c == SHIFT_DELIMITER && cp_rd__u8(&w->r, &c) != CP_OK)
        return over(w, off);
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
    if (cp_rd__u8(&w->r, &w->p->tid) != CP_OK)
        return cp_err__set(w->ctx, CP_E_TRUNCATED, 0, "empty PDU");
    if (cp_rd__u8(&w->r, &type) != CP_OK)
        return cp_err__set(w->ctx, CP_E_TRUNCATED, 1,
                           "PDU ends before its type");
    w->p->pdu_type = type;
    if (type == PDU_CONFIRMED_PUSH)
        return cp_err__set(w->ctx, CP_E_UNSUPPORTED, 1,
                           "ConfirmedPush needs a WSP session");
    if (type != PDU_PUSH)
        return cp_err__set(w->ctx, CP_E_MALFORMED, 1,
                           "PDU type 0x%02X is not Push (0x06)", type);
    off = here(w);
    st = cp_rd__mbu32(&w->r, &hl);
    if (st == CP_E_TRUNCATED)
        return cp_err__set(w->ctx, st, off, "PDU ends inside HeadersLen");
    if (st == CP_E_OVERFLOW)
        return cp_err__set(w->ctx, st, off, "HeadersLen does not fit 32 bits");
    if (st != CP_OK)
        return cp_err__set(w->ctx, st, off, "HeadersLen longer than 5 octets");
    if (hl > cp_rd__left(&w->r))
        return cp_err__set(w->ctx, CP_E_TRUNCATED, off,
                           "HeadersLen %lu but %lu octets left in the PDU",
                           (unsigned long)hl,
                           (unsigned long)cp_rd__left(&w->r));
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
    st = content_type(w);
    while (st == CP_OK && cp_rd__left(&w->r) > 0)
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
    cp_push p;
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if (out == NULL || (pdu == NULL && len != 0))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "cp_wsp_parse_push: NULL argument");
    if (!size_known(out))
        return cp_err__set(ctx, CP_E_VERSION, CP_NO_OFFSET,
                           "cp_push.struct_size %lu is not known",
                           (unsigned long)out->struct_size);
    if (pdu == NULL)
        pdu = empty;
    cp_push_init(&p);
    w.ctx = ctx;
    w.p = &p;
    w.area = "headers";
    w.page = DEFAULT_PAGE;
    cp_rd__init(&w.r, pdu, len);
    st = parse_pdu(&w, pdu, len);
    if (st != CP_OK) {
        push_reset(out);
        return st;
    }
    p.struct_size = out->struct_size;
    memcpy(out, &p, sizeof p);
    return CP_OK;
}

/* ---- the textual content type ------------------------------------------- */

typedef struct ctt {
    cp_ctx *ctx;
    const char *s; /* the whole text, for offsets */
    size_t i;      /* cursor */
    cp_push *p;
} ctt;

/* A parameter value as found: [a, b) of the text, quoted or not. */
typedef struct ctt_value {
    size_t a, b;
    int quoted, present;
} ctt_value;

static int is_ows(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_ctl(char c)
{
    unsigned char u = (unsigned char)c;
    return (u < 0x20 && !is_ows(c)) || u == 0x7F;
}

/* RFC 2045 token characters. */
static int is_token(char c)
{
    unsigned char u = (unsigned char)c;
    return u > 0x20 && u < 0x7F && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

static void skip_ows(ctt *t)
{
    while (is_ows(t->s[t->i]))
        t->i++;
}

static cp_status ctt_bad(ctt *t, size_t at, const char *what)
{
    return cp_err__set(t->ctx, CP_E_MALFORMED, at, "content type: %s", what);
}

/* type "/" subtype, stored in media_type. */
static cp_status ctt_media(ctt *t)
{
    char buf[CP_PUSH_MEDIA_MAX];
    size_t a, slash = 0, n;
    skip_ows(t);
    a = t->i;
    while (is_token(t->s[t->i]) || t->s[t->i] == '/') {
        if (t->s[t->i] == '/') {
            if (slash)
                return ctt_bad(t, t->i, "two '/' in the media type");
            slash = t->i;
        }
        t->i++;
    }
    n = t->i - a;
    if (!slash || slash == a || slash + 1 == t->i)
        return ctt_bad(t, a, "no type/subtype");
    if (n >= sizeof t->p->media_type)
        return ctt_bad(t, a, "media type too long");
    memcpy(buf, t->s + a, n);
    buf[n] = '\0';
    (void)media_by_text(t->p, buf); /* fits: checked */
    return CP_OK;
}

static cp_status ctt_quoted(ctt *t, ctt_value *v)
{
    size_t open = t->i;
    t->i++;
    v->a = t->i;
    v->quoted = 1;
    for (;;) {
        char c = t->s[t->i];
        if (c == '"')
            break;
        if (c == '\\')
            c = t->s[++t->i]; /* quoted-pair: the next character as is */
        if (c == '\0')
            return ctt_bad(t, open, "unterminated quoted-string");
        if (is_ctl(c))
            return ctt_bad(t, t->i, "control character");
        t->i++;
    }
    v->b = t->i++;
    return CP_OK;
}

/* "=" value, or nothing (v->present = 0). */
static cp_status ctt_value_read(ctt *t, ctt_value *v)
{
    memset(v, 0, sizeof *v);
    skip_ows(t);
    if (t->s[t->i] != '=')
        return CP_OK;
    t->i++;
    skip_ows(t);
    v->present = 1;
    if (t->s[t->i] == '"')
        return ctt_quoted(t, v);
    v->a = t->i;
    while (t->s[t->i] != '\0' && t->s[t->i] != ';') {
        if (is_ctl(t->s[t->i]))
            return ctt_bad(t, t->i, "control character");
        t->i++;
    }
    v->b = t->i;
    while (v->b > v->a && is_ows(t->s[v->b - 1]))
        v->b--;
    return CP_OK;
}

/* Copy a value into out[cap] (cut, NUL-terminated); returns its full length. */
static size_t ctt_copy(const ctt *t, const ctt_value *v, char *out, size_t cap)
{
    size_t i, n = 0;
    for (i = v->a; i < v->b; i++) {
        if (v->quoted && t->s[i] == '\\')
            i++;
        if (n + 1 < cap)
            out[n] = t->s[i];
        n++;
    }
    out[n + 1 < cap ? n : cap - 1] = '\0';
    return n;
}

static cp_status ctt_param(ctt *t)
{
    char buf[CP_PUSH_MAC_CHARS + 1];
    size_t a = t->i, n;
    ctt_value v;
    char name[16];
    cp_status st;
    while (is_token(t->s[t->i]))
        t->i++;
    if (t->i == a)
        return ctt_bad(t, a, "empty parameter name");
    n = t->i - a < sizeof name ? t->i - a : sizeof name - 1;
    memcpy(name, t->s + a, n);
    name[n] = '\0';
    st = ctt_value_read(t, &v);
    if (st != CP_OK)
        return st;
    n = ctt_copy(t, &v, buf, sizeof buf);
    if (cp_str__casecmp(name, "SEC") == 0) {
        if (t->p->sec != CP_SEC_NONE)
            return ctt_bad(t, a, "SEC given twice");
        sec_store(t->p, v.present && n < sizeof buf ? sec_text_raw(buf)
                                                    : CP_SEC_RAW_UNREADABLE);
    } else if (cp_str__casecmp(name, "MAC") == 0) {
        if (t->p->has_mac)
            return ctt_bad(t, a, "MAC given twice");
        mac_store(t->p, buf, n < sizeof buf ? n : sizeof buf - 1);
        t->p->mac_len = n;
    } else if (cp_str__casecmp(name, "charset") == 0) {
        t->p->charset = n < sizeof buf ? charset_by_name(buf) : CP_PUSH_TEXTUAL;
    }
    return CP_OK;
}

static cp_status ctt_parse(ctt *t)
{
    cp_status st = ctt_media(t);
    while (st == CP_OK) {
        skip_ows(t);
        if (t->s[t->i] == '\0')
            break;
        if (t->s[t->i] != ';')
            return ctt_bad(t, t->i, "expected ';'");
        t->i++;
        skip_ows(t);
        if (t->s[t->i] == '\0' || t->s[t->i] == ';')
            continue; /* an empty parameter: "a/b;" or ";;" */
        st = ctt_param(t);
    }
    return st;
}

CP_EXPORT cp_status cp_wsp_parse_content_type_text(cp_ctx *ctx,
                                                   const char *text,
                                                   cp_push *out)
{
    cp_push p;
    ctt t;
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if (text == NULL || out == NULL)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "cp_wsp_parse_content_type_text: NULL argument");
    if (!size_known(out))
        return cp_err__set(ctx, CP_E_VERSION, CP_NO_OFFSET,
                           "cp_push.struct_size %lu is not known",
                           (unsigned long)out->struct_size);
    memcpy(&p, out, sizeof p);
    content_reset(&p);
    t.ctx = ctx;
    t.s = text;
    t.i = 0;
    t.p = &p;
    st = ctt_parse(&t);
    if (st != CP_OK) {
        content_reset(out);
        return st;
    }
    memcpy(out, &p, sizeof p);
    return CP_OK;
}
