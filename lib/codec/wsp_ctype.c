/*
 * wsp_ctype.c - the content type of a WSP push (WAP-230, encoding version
 * 1.4): the well-known media codes, the parameters with SEC, MAC and
 * charset, in the binary form (cp_wsp__content_type, for wsp.c) and the
 * text form (cp_wsp_parse_content_type_text), and cp_sec_name.
 */
#include <string.h>

#include "wspint.h"

/* Well-known parameter tokens (table 38). */
#define PARAM_Q 0x00
#define PARAM_CHARSET 0x01
#define PARAM_SEC 0x11
#define PARAM_MAC 0x12

#define MEDIA_XML 0x35
#define MEDIA_WBXML 0x36

static const char NAME_WBXML[] = "application/vnd.wap.connectivity-wbxml";
static const char NAME_XML[] = "text/vnd.wap.connectivity-xml";
/* media_by_code copies NAME_WBXML whole: it must fit (else no compile). */
typedef char cp_wsp__wbxml_name_fits[sizeof NAME_WBXML <= CP_PUSH_MEDIA_MAX
                                         ? 1
                                         : -1];

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

/* ---- the struct --------------------------------------------------------- */

void cp_wsp__content_reset(cp_push *p)
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

void cp_wsp__push_defaults(cp_push *p)
{
    memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
    cp_wsp__content_reset(p);
    p->app_id_code = CP_PUSH_TEXTUAL;
    p->push_flag = -1;
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

/* The number a textual SEC value names, or CP_SEC_RAW_UNREADABLE. */
static uint32_t sec_text_raw(const char *s)
{
    uint32_t v, i;
    if (cp_wsp__parse_decimal(s, &v))
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
    if (keep == CP_PUSH_MAC_CHARS) /* the usual: a constant-size copy */
        memcpy(p->mac, s, CP_PUSH_MAC_CHARS);
    else
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

/* ---- content type and its parameters (binary) --------------------------- */

/* A registered name into media_type: every one fits; checked, not assumed. */
static void media_name_copy(cp_push *p, const char *name)
{
    size_t n = strlen(name);
    if (n < sizeof p->media_type)
        memcpy(p->media_type, name, n + 1);
    else
        p->media_type[0] = '\0';
}

static void media_by_code(cp_push *p, uint32_t code)
{
    p->content_code = code;
    p->content = code == MEDIA_WBXML ? CP_CONTENT_WBXML
               : code == MEDIA_XML   ? CP_CONTENT_XML
                                     : CP_CONTENT_OTHER;
    if (code == MEDIA_WBXML) /* the push this library is for: no strlen */
        memcpy(p->media_type, NAME_WBXML, sizeof NAME_WBXML);
    else if (code < MEDIA_NAME_COUNT)
        media_name_copy(p, media_names[code]);
    else
        p->media_type[0] = '\0';
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
    size_t off = cp_wsp__here(w);
    const char *s;
    cp_status st = cp_wsp__read_text_string(w, &s);
    if (st != CP_OK)
        return st;
    if (*s == '\0')
        return cp_wsp__bad(w, off, "empty media type");
    if (!media_by_text(w->p, s))
        return cp_wsp__bad(w, off, "media type too long");
    return CP_OK;
}

/* Media inside the general form: Integer-value or Extension-media. */
static cp_status media(wsp *w)
{
    uint8_t c;
    uint32_t code;
    cp_status st;
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__bad(w, cp_wsp__here(w), "no media type");
    if (cp_wsp__value_class(c) == VC_TEXT)
        return media_text(w);
    if (c >= 0x80) { /* Short-integer, the usual: read_integer inline */
        w->r.p++;
        media_by_code(w->p, c & 0x7Fu);
        return CP_OK;
    }
    st = cp_wsp__read_integer(w, &code, NULL);
    if (st == CP_OK)
        media_by_code(w->p, code);
    return st;
}

static cp_status sec_once(wsp *w, size_t off)
{
    if (w->p->sec != CP_SEC_NONE)
        return cp_wsp__bad(w, off, "SEC given twice");
    return CP_OK;
}

static cp_status mac_once(wsp *w, size_t off)
{
    if (w->p->has_mac)
        return cp_wsp__bad(w, off, "MAC given twice");
    return CP_OK;
}

/* Typed SEC: a Short-integer; anything else is kept as unreadable. */
static cp_status typed_sec(wsp *w, size_t off)
{
    uint8_t c;
    cp_status st = sec_once(w, off);
    if (st != CP_OK)
        return st;
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, cp_wsp__here(w));
    if (c >= 0x80) {
        w->r.p++;
        sec_store(w->p, c & 0x7Fu);
        return CP_OK;
    }
    sec_store(w->p, CP_SEC_RAW_UNREADABLE);
    return cp_wsp__skip_value(w, VT_ANY);
}

/* MAC Text-value: No-value, Token-text or Quoted-string. */
static cp_status mac_value(wsp *w, size_t off)
{
    const char *s;
    const uint8_t *nul;
    size_t n;
    uint8_t c;
    cp_status st = mac_once(w, off);
    if (st != CP_OK)
        return st;
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, cp_wsp__here(w));
    if (cp_wsp__value_class(c) != VC_TEXT && c != 0x00)
        return cp_wsp__bad(w, cp_wsp__here(w), "MAC value is not text");
    /* cp_wsp__read_text_string inline (every signed push has a MAC), and
     * the length from where its NUL was found: no strlen */
    nul = memchr(w->r.p, 0, cp_wsp__left(w)); /* one octet at least: peeked */
    if (nul == NULL)
        return cp_wsp__over(w, cp_wsp__here(w));
    s = (const char *)w->r.p;
    w->r.p = nul + 1;
    if ((unsigned char)*s == TEXT_QUOTE)
        s++;
    n = (size_t)((const char *)nul - s);
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
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, cp_wsp__here(w));
    if (cp_wsp__value_class(c) != VC_TEXT)
        return cp_wsp__read_integer(w, &w->p->charset, NULL);
    st = cp_wsp__read_text_string(w, &s);
    if (st == CP_OK)
        w->p->charset = charset_by_name(s);
    return st;
}

/* Q-value: a uintvar of one or two octets. */
static cp_status skip_q_value(wsp *w)
{
    size_t off = cp_wsp__here(w);
    uint8_t c;
    if (!cp_wsp__u8(w, &c))
        return cp_wsp__over(w, off);
    if (!(c & 0x80))
        return CP_OK;
    if (!cp_wsp__u8(w, &c))
        return cp_wsp__over(w, off);
    if (c & 0x80)
        return cp_wsp__bad(w, off, "Q-value longer than 2 octets");
    return CP_OK;
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
            return cp_wsp__skip_value(w, param_types[token]);
        return cp_wsp__skip_value(w, VT_ANY); /* a later table: any WSP value */
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
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, cp_wsp__here(w));
    switch (cp_wsp__value_class(c)) {
    case VC_SHORT:
    case VC_LEN:
        st = cp_wsp__read_integer(w, &v, &big);
        if (st == CP_OK)
            sec_store(w->p, big ? CP_SEC_RAW_UNREADABLE : v);
        return st;
    case VC_TEXT:
    case VC_ZERO:
        st = cp_wsp__read_text_string(w, &s);
        if (st == CP_OK)
            sec_store(w->p, sec_text_raw(*s == QUOTED_STRING ? s + 1 : s));
        return st;
    default:
        return cp_wsp__bad(w, cp_wsp__here(w), "SEC value of the wrong type");
    }
}

static cp_status untyped_param(wsp *w, size_t off)
{
    const char *name;
    cp_status st = cp_wsp__read_text(w, &name);
    if (st != CP_OK)
        return st;
    if (cp_str__casecmp(name, "SEC") == 0)
        return untyped_sec(w, off);
    if (cp_str__casecmp(name, "MAC") == 0)
        return mac_value(w, off);
    if (cp_str__casecmp(name, "charset") == 0)
        return charset_value(w);
    return cp_wsp__skip_value(w, VT_ANY);
}

static cp_status param(wsp *w)
{
    size_t off = cp_wsp__here(w);
    uint8_t c;
    uint32_t token;
    int big;
    cp_status st;
    c = *w->r.p; /* the caller saw octets left */
    switch (cp_wsp__value_class(c)) {
    case VC_SHORT: /* the usual token (SEC, MAC): read_integer inline */
        w->r.p++;
        token = c & 0x7Fu;
        break;
    case VC_LEN:
        st = cp_wsp__read_integer(w, &token, &big);
        if (st != CP_OK)
            return st;
        if (big) /* a token past 32 bits is unknown: skipped */
            token = UINT32_MAX;
        break;
    case VC_TEXT:
        return untyped_param(w, off);
    default:
        return cp_wsp__bad(w, off, "bad parameter");
    }
    return typed_param(w, token, off); /* one call: inlined */
}

/* Value-length + media + parameters, within exactly that length. */
static cp_status content_type_general(wsp *w)
{
    const uint8_t *end = w->r.end;
    const char *area = w->area;
    size_t len;
    cp_status st = cp_wsp__read_value_length(w, &len);
    if (st != CP_OK)
        return st;
    w->r.end = w->r.p + len;
    w->area = "content type";
    st = media(w);
    while (st == CP_OK && cp_wsp__left(w) > 0)
        st = param(w);
    w->r.end = end;
    w->area = area;
    return st;
}

cp_status cp_wsp__content_type(wsp *w)
{
    uint8_t c;
    c = *w->r.p; /* HeadersLen > 0 was checked */
    switch (cp_wsp__value_class(c)) {
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
    cp_wsp__push_defaults(&p);
    if (cp_struct__take_in(ctx, "cp_push", &p, sizeof p, out,
                           CP_PUSH__MIN_SIZE) != CP_OK)
        return CP_E_VERSION;
    cp_wsp__content_reset(&p);
    t.ctx = ctx;
    t.s = text;
    t.i = 0;
    t.p = &p;
    st = ctt_parse(&t);
    if (st != CP_OK)
        cp_wsp__content_reset(&p);
    (void)cp_struct__give(out, &p, sizeof p, CP_PUSH__MIN_SIZE);
    return st;
}
