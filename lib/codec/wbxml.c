/*
 * wbxml.c - WBXML 1.1-1.3 PROV documents -> the document model.
 *
 * One pass over the input with the bounds-checked reader, no recursion: the
 * open elements are the chain of parent pointers of the tree being built.
 * An attribute value that is exactly one token-table string (a start-token
 * prefix or a value token) is stored without a copy, and as a key or value
 * marked as one (CP_NF_KEYLEN: the XML writer need not scan it). A value that is
 * exactly one string-table reference points into the document's one copy
 * of the string table (made when first needed), so a string the table
 * shares is stored once. A value that is one inline string is copied once
 * into the document, and only values made of several items go through the
 * one scratch buffer. The document's arena is sized from the input: its
 * first chunk from the input length, later ones from what the part read
 * so far took.
 */
#include <stdio.h>
#include <string.h>

#include "prov.h"

/* Global tokens (the same in every code page). */
enum {
    T_SWITCH_PAGE = 0x00, T_END = 0x01, T_ENTITY = 0x02, T_STR_I = 0x03,
    T_LITERAL = 0x04, T_PI = 0x43, T_LITERAL_C = 0x44, T_STR_T = 0x83,
    T_LITERAL_A = 0x84, T_OPAQUE = 0xC3, T_LITERAL_AC = 0xC4
};
#define TAG_A 0x80u /* tag octet: an attribute list follows */
#define TAG_C 0x40u /* tag octet: content follows */

/* Charsets (IANA MIBenum) the decoder reads. */
enum { CS_ASCII = 3, CS_LATIN1 = 4, CS_UTF8 = 106 };

/* What the attribute value being built is made of so far. */
enum { V_EMPTY, V_STATIC, V_SPAN, V_TABLE, V_BUF };

typedef struct dec {
    cp_ctx *ctx;
    cp_rd r;
    const uint8_t *tbl; /* string table, inside the input */
    size_t tbl_len;
    uint32_t charset;
    unsigned tpage, apage; /* current tag and attribute code pages */
    const uint8_t *tok;    /* the token being decoded */
    int recorded;          /* the error detail is already set */
    cp_doc *doc;
    const cp_kind_info *kinds;
    cp_node *cur;  /* innermost open element (one with content) */
    uint32_t cur_ref;  /* its reference */
    uint32_t cur_kids; /* the children its kind takes (cp_kind_info.kids) */
    cp_node *last; /* cur's last child, NULL: none yet */
    cp_node *node; /* element whose start tag is being read */
    uint32_t allowed; /* the attributes node may carry */
    int key;          /* the attribute node keeps in its key field */
    const char *tcopy; /* the document's copy of the string table (of the
                          whole input when small, see WHOLE_MAX), or NULL */
    int whole;         /* the input is small: strings point into its copy */
    size_t copied;     /* bytes of inline strings copied into the document */
    const uint8_t *body; /* where the body starts, after the string table */
    size_t rate;         /* arena bytes per input byte, in sixteenths */
    size_t rate_max;     /* SIZE_MAX / rate */
    size_t depth;  /* depth of cur, root = 1 */
    size_t max_depth; /* the context's limit */
    int done;      /* the root is closed */
    size_t max_attr;
    /* the attribute value: a token string, an input span, or buf */
    int vmode;
    const char *span;
    size_t vlen; /* its length in bytes (of UTF-8) */
    cp_buf buf;
} dec;

static cp_status fail(dec *d, cp_status st, const char *fmt, ...)
    CP_PRINTF(3, 4);

static cp_status fail(dec *d, cp_status st, const char *fmt, ...)
{
    char msg[CP_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->recorded = 1;
    size_t off = (size_t)(d->tok - d->r.start);
    return cp_err__set(d->ctx, st, off, "%s at offset %lu", msg,
                       (unsigned long)off);
}

#if defined(CP_TERSE) && CP_TERSE
#define fail(d, st, ...) \
    ((void)sizeof(cp_err__fmt(__VA_ARGS__)), (fail)((d), (st), "%s", ""))
#endif

/* Input text for a message: at most 40 octets, printable ASCII only. */
#define SHOW_MAX 44
static const char *show(char out[SHOW_MAX], const uint8_t *s, size_t n)
{
    size_t i, k = n > 40 ? 40 : n;
    for (i = 0; i < k; i++)
        out[i] = (char)(s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '?');
    memcpy(out + k, n > 40 ? "..." : "", n > 40 ? 4 : 1);
    return out;
}

/* ---- reading ------------------------------------------------------------ */

/*
 * The hot paths test the cp_rd bounds inline (the same test cp_rd__u8
 * makes) and leave everything longer to the reader's functions.
 */
static inline size_t rd_left(const dec *d)
{
    return (size_t)(d->r.end - d->r.p);
}

static inline cp_status rd_u8(dec *d, uint8_t *b)
{
    if (d->r.p == d->r.end)
        return fail(d, CP_E_TRUNCATED, "input ends inside a token");
    *b = *d->r.p++;
    return CP_OK;
}

static inline cp_status rd_mbu32(dec *d, uint32_t *v)
{
    cp_status st;
    if (d->r.p != d->r.end && *d->r.p < 0x80) { /* one octet */
        *v = *d->r.p++;
        return CP_OK;
    }
    st = cp_rd__mbu32(&d->r, v);
    switch (st) {
    case CP_OK: return CP_OK;
    case CP_E_TRUNCATED:
        return fail(d, st, "input ends inside a multi-byte integer");
    case CP_E_OVERFLOW:
        return fail(d, st, "multi-byte integer above 0xFFFFFFFF");
    default: return fail(d, st, "multi-byte integer longer than 5 octets");
    }
}

static cp_status rd_page(dec *d, unsigned *page)
{
    uint8_t b = 0;
    cp_status st = rd_u8(d, &b);
    if (st)
        return st;
    if (b >= CP_PROV_PAGES)
        return fail(d, CP_E_UNKNOWN_TOKEN,
                    "SWITCH_PAGE to unknown code page %u", (unsigned)b);
    *page = b;
    return CP_OK;
}

/* An inline string: the bytes up to its terminator, which is skipped. */
static cp_status rd_inline(dec *d, const uint8_t **s, size_t *n)
{
    const uint8_t *z = memchr(d->r.p, 0, rd_left(d));
    if (z == NULL)
        return fail(d, CP_E_TRUNCATED, "input ends inside an inline string");
    *s = d->r.p;
    *n = (size_t)(z - d->r.p);
    d->r.p = z + 1;
    return CP_OK;
}

/* The string-table string at off, which must end inside the table. */
static cp_status tbl_at(dec *d, uint32_t off, const uint8_t **s, size_t *n)
{
    const uint8_t *z;
    if (off >= d->tbl_len)
        return fail(d, CP_E_MALFORMED,
                    "string-table offset %lu outside the table (%lu bytes)",
                    (unsigned long)off, (unsigned long)d->tbl_len);
    z = memchr(d->tbl + off, 0, d->tbl_len - off);
    if (z == NULL)
        return fail(d, CP_E_MALFORMED,
                    "string-table string at offset %lu is not terminated",
                    (unsigned long)off);
    *s = d->tbl + off;
    *n = (size_t)(z - *s);
    return CP_OK;
}

static cp_status rd_tblref(dec *d, const uint8_t **s, size_t *n)
{
    uint32_t off;
    cp_status st = rd_mbu32(d, &off);
    return st ? st : tbl_at(d, off, s, n);
}

/* ---- the value being built ---------------------------------------------- */

static inline cp_status val_grow(dec *d, size_t n)
{
    if (n > d->max_attr - d->vlen) /* vlen <= max_attr always */
        return fail(d, CP_E_LIMIT, "attribute value longer than %lu bytes",
                    (unsigned long)d->max_attr);
    return CP_OK;
}

/* Make room for n more bytes in buf, moving a pending string there first. */
static cp_status val_room(dec *d, size_t n)
{
    cp_status st = val_grow(d, n);
    if (st)
        return st;
    if (d->vmode != V_BUF)
        d->buf.len = 0;
    if (cp_buf__reserve(&d->buf, d->vlen + n) != CP_OK)
        return fail(d, CP_E_NOMEM, "out of memory");
    if (d->vmode != V_BUF) {
        if (d->vlen)
            memcpy(d->buf.p, d->span, d->vlen);
        d->buf.len = d->vlen;
        d->vmode = V_BUF;
    }
    return CP_OK;
}

/* Append n bytes that are UTF-8 already (or checked ASCII). */
static inline cp_status val_bytes(dec *d, const void *s, size_t n, int mode)
{
    cp_status st;
    if (n == 0)
        return CP_OK;
    if (d->vmode == V_EMPTY) {
        st = val_grow(d, n);
        d->span = s;
        d->vlen = n;
        d->vmode = mode;
        return st;
    }
    st = val_room(d, n);
    if (st)
        return st;
    memcpy(d->buf.p + d->buf.len, s, n);
    d->buf.len += n;
    d->vlen += n;
    return CP_OK;
}

/* Append ISO-8859-1 text with high octets: each becomes two UTF-8 bytes. */
static cp_status val_latin1(dec *d, const uint8_t *s, size_t n, size_t high)
{
    size_t i;
    uint8_t *o;
    cp_status st = val_room(d, n + high);
    if (st)
        return st;
    o = d->buf.p + d->buf.len;
    for (i = 0; i < n; i++) {
        if (s[i] < 0x80) {
            *o++ = s[i];
        } else {
            *o++ = (uint8_t)(0xC0 | (s[i] >> 6));
            *o++ = (uint8_t)(0x80 | (s[i] & 0x3F));
        }
    }
    d->buf.len += n + high;
    d->vlen += n + high;
    return CP_OK;
}

/* Append text in the document's charset (mode: V_SPAN or V_TABLE). */
static inline cp_status val_text(dec *d, const uint8_t *s, size_t n,
                                 int mode)
{
    size_t i, high = 0;
    if (d->charset == CS_UTF8)
        return val_bytes(d, s, n, mode);
    for (i = 0; i < n; i++)
        high += s[i] >> 7;
    if (high == 0)
        return val_bytes(d, s, n, mode);
    if (d->charset == CS_ASCII)
        return fail(d, CP_E_CHARSET, "octet above 0x7F in US-ASCII text");
    return val_latin1(d, s, n, high);
}

static cp_status val_entity(dec *d)
{
    uint8_t u[4];
    uint32_t cp;
    size_t n;
    cp_status st = rd_mbu32(d, &cp);
    if (st)
        return st;
    n = cp_utf8__encode(cp, u);
    if (n == 0)
        return fail(d, CP_E_CHARSET, "ENTITY of invalid character U+%04lX",
                    (unsigned long)cp);
    st = val_room(d, n);
    if (st)
        return st;
    memcpy(d->buf.p + d->buf.len, u, n);
    d->buf.len += n;
    d->vlen += n;
    return CP_OK;
}

/* 1 when s[0..n) is ASCII: bit 7 clear in every byte. */
static inline int ascii(const uint8_t *s, size_t n)
{
    size_t i;
    uint64_t acc = 0, w;
    uint32_t h, t;
    if (n < sizeof w) {
        if (n >= sizeof h) { /* two 4-octet words, overlapping */
            memcpy(&h, s, sizeof h);
            memcpy(&t, s + n - sizeof t, sizeof t);
            return ((h | t) & 0x80808080u) == 0;
        }
        for (i = 0; i < n; i++)
            acc |= s[i];
        return (acc & 0x80u) == 0;
    }
    for (i = 0; n - i > sizeof w; i += sizeof w) {
        memcpy(&w, s + i, sizeof w); /* any byte order: only bit 7s matter */
        acc |= w;
    }
    memcpy(&w, s + n - sizeof w, sizeof w); /* the last 8, overlapping */
    return ((acc | w) & 0x8080808080808080u) == 0;
}

/* Valid UTF-8. No item can bring a NUL (OPAQUE is checked when read). */
static inline int text_ok(const uint8_t *s, size_t n)
{
    return ascii(s, n) || cp_utf8__valid(s, n);
}

/*
 * An input of up to WHOLE_MAX octets is copied into the document whole
 * when a string first needs a copy: then its strings (inline ones and the
 * string table) cost one copy together, instead of one each, and the copy
 * is small. A larger input has its string table and its inline strings
 * copied (then the copy holds only strings).
 */
#define WHOLE_MAX 2048u

/* Where the copy table_str points into is copied from: table or input. */
static inline const char *copy_from(const dec *d)
{
    return (const char *)(d->whole ? d->r.start : d->tbl);
}

/* Make the document's copy of the string table or small input; 0: NOMEM. */
static int copy_table(dec *d)
{
    d->tcopy = cp_arena__strndup(
        &d->doc->arena, copy_from(d),
        d->whole ? (size_t)(d->r.end - d->r.start) : d->tbl_len);
    return d->tcopy != NULL;
}

/*
 * Where string s (in the input's string table, or anywhere in a small
 * input, see WHOLE_MAX: an inline string) lives in the document: in the
 * document's copy of the table or of the whole input, made on first use.
 */
static inline const char *table_str(dec *d, const char *s)
{
    if (d->tcopy == NULL && !copy_table(d))
        return NULL;
    return d->tcopy + (s - copy_from(d));
}

/* The document's copy of s[0..n). */
static const char *copy_str(dec *d, const char *s, size_t n)
{
    d->copied += n + 1;
    return cp_arena__strndup(&d->doc->arena, s, n);
}

/*
 * Set attribute a of the element being read to s (kept as it is); tok: s
 * is a token-table string (escape-free, its length before it, see
 * CP_NF_KEYLEN). Each attribute is stored once, on a node whose flags
 * start clear.
 */
static inline cp_status store(dec *d, cp_attr a, const char *s, int tok)
{
    if ((int)a == d->key) {
        d->node->key = s;
        if (tok)
            d->node->flags |= CP_NF_KEYLEN;
    } else if (a == CP_ATTR_VALUE) {
        d->node->value = s;
        if (tok)
            d->node->flags |= CP_NF_VALLEN;
    } else if (cp_doc__set_attr_static(d->doc, d->node, a, s) != CP_OK)
        return fail(d, CP_E_NOMEM, "out of memory");
    return CP_OK;
}

/* Store the finished value as attribute a of the element being read. */
static inline cp_status val_finish(dec *d, cp_attr a,
                                   const uint8_t *start_tok)
{
    const char *s = d->vmode == V_BUF ? (const char *)d->buf.p : d->span;
    size_t n = d->vlen;
    int mode = d->vmode;

    d->vmode = V_EMPTY;
    d->vlen = 0;
    if (mode == V_EMPTY) {
        s = "";
    } else if (mode != V_STATIC) {
        if (!text_ok((const uint8_t *)s, n)) {
            d->tok = start_tok;
            return fail(d, CP_E_CHARSET, "attribute %s is not valid text",
                        cp_attr_name(a));
        }
        s = mode == V_TABLE ? table_str(d, s) : copy_str(d, s, n);
        if (s == NULL)
            return fail(d, CP_E_NOMEM, "out of memory");
    }
    return store(d, a, s, mode == V_STATIC);
}

/* ---- attribute lists ---------------------------------------------------- */

static cp_status attr_opaque(dec *d, const uint8_t **s, size_t *n)
{
    uint32_t len;
    cp_status st = rd_mbu32(d, &len);
    if (st)
        return st;
    if (len > rd_left(d))
        return fail(d, CP_E_TRUNCATED, "input ends inside OPAQUE data");
    *s = d->r.p;
    *n = len;
    d->r.p += len;
    if (memchr(*s, 0, *n) != NULL)
        return fail(d, CP_E_CHARSET, "NUL character in OPAQUE text");
    return CP_OK;
}

/* The attribute an attribute-start token names: from the table or LITERAL. */
static cp_status attr_name(dec *d, uint8_t b, int pi, const cp_prov_str **e,
                           int *attr)
{
    char txt[SHOW_MAX];
    const uint8_t *s;
    size_t n;
    cp_status st;
    if (b != T_LITERAL) {
        *e = cp_prov__start(d->apage, b);
        if (*e == NULL)
            return fail(d, CP_E_UNKNOWN_TOKEN,
                        "unknown attribute start token 0x%02X (page %u)", b,
                        d->apage);
        *attr = (*e)->attr;
        return CP_OK;
    }
    *e = NULL;
    st = rd_tblref(d, &s, &n);
    if (st || pi)
        return st;
    *attr = cp_doc__attr_from_name((const char *)s, n);
    if (*attr < 0)
        return fail(d, CP_E_GRAMMAR, "unknown attribute name '%s'",
                    show(txt, s, n));
    return CP_OK;
}

/* Check that attribute a may start on n (allowed there, not seen yet). */
static cp_status attr_check(dec *d, const cp_node *n, int a, uint32_t seen)
{
    if (a < 0 || a > 31 || !(d->allowed & ((uint32_t)1 << a)))
        return fail(d, CP_E_GRAMMAR, "attribute %s not allowed on %s",
                    cp_attr_name((cp_attr)a),
                    cp_node_kind_name((cp_node_kind)n->kind));
    if (seen & ((uint32_t)1 << a))
        return fail(d, CP_E_MALFORMED, "attribute %s given twice",
                    cp_attr_name((cp_attr)a));
    return CP_OK;
}

/* A value item (the token b is read): string, entity, opaque or value token. */
static cp_status attr_item(dec *d, uint8_t b, int keep)
{
    const uint8_t *s = NULL;
    size_t n = 0;
    uint32_t cp;
    const cp_prov_str *e;
    int mode = V_SPAN;
    cp_status st;

    switch (b) {
    case T_ENTITY:
        return keep ? val_entity(d) : rd_mbu32(d, &cp);
    case T_STR_I:
        st = rd_inline(d, &s, &n);
        break;
    case T_STR_T:
        st = rd_tblref(d, &s, &n);
        mode = V_TABLE;
        break;
    case T_OPAQUE:
        st = attr_opaque(d, &s, &n);
        break;
    default:
        e = cp_prov__value(d->apage, b);
        if (e == NULL)
            return fail(d, CP_E_UNKNOWN_TOKEN,
                        "unknown attribute value token 0x%02X (page %u)", b,
                        d->apage);
        return keep ? val_bytes(d, e->s, e->len, V_STATIC) : CP_OK;
    }
    if (st || !keep)
        return st;
    return val_text(d, s, n, mode);
}

/* Pseudo status of attr_global: the END of the list. */
#define LIST_END 1

/* A global token other than LITERAL inside an attribute list. */
static cp_status attr_global(dec *d, uint8_t b, const cp_node *n, int a)
{
    switch (b) {
    case T_SWITCH_PAGE:
        return rd_page(d, &d->apage);
    case T_END:
        if (a < 0 && n == NULL)
            return fail(d, CP_E_MALFORMED,
                        "processing instruction without a target");
        return LIST_END;
    case T_ENTITY: case T_STR_I: case T_STR_T: case T_OPAQUE:
        if (a < 0)
            return fail(d, CP_E_MALFORMED,
                        "value item 0x%02X before an attribute", b);
        return attr_item(d, b, n != NULL);
    case T_PI: case T_LITERAL_C: case T_LITERAL_A: case T_LITERAL_AC:
        return fail(d, CP_E_UNKNOWN_TOKEN,
                    "token 0x%02X not allowed in an attribute list", b);
    default:
        return fail(d, CP_E_UNKNOWN_TOKEN, "extension token 0x%02X", b);
    }
}

/* Pseudo status of the fast path: a token it leaves to attr_list. */
#define NOT_FAST 2

/*
 * 1 when the octet at p ends an attribute value: END or an attribute start,
 * maybe after a SWITCH_PAGE.
 */
static inline int ends_value(const uint8_t *p, const uint8_t *end)
{
    if (p == end)
        return 0;
    if (*p == T_SWITCH_PAGE) { /* to a page that exists */
        if (end - p < 3 || p[1] >= CP_PROV_PAGES)
            return 0;
        p += 2;
    }
    return *p == T_END ||
           (*p < 0x80 && (*p & 0x3F) >= T_LITERAL && *p != T_LITERAL_C);
}

/*
 * The NUL that ends the string at s, looked for before end, or NULL; *high
 * says whether a byte before it has bit 7 set (the string is not ASCII).
 * The strings are mostly a few bytes long, so a word at a time inline
 * costs less than a call to memchr and a second pass for the ASCII test.
 * Nothing at or past end is read.
 */
#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u
#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline)) /* keeps the hot loops lean */
#else
#define NOINLINE
#endif
static NOINLINE const uint8_t *str_end(const uint8_t *s, const uint8_t *end,
                                     int *high)
{
    uint64_t w = 0, acc = 0;
    while (end - s >= 8) {
        memcpy(&w, s, sizeof w);
        if (((w - ONES) & ~w & HIGHS) != 0) /* a NUL in these 8 */
            break;
        acc |= w;
        s += 8;
    }
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end - s >= 8) { /* the lowest flag is the first NUL */
        unsigned k = (unsigned)__builtin_ctzll((w - ONES) & ~w & HIGHS) / 8;
        acc |= w & (((uint64_t)1 << (8 * k)) - 1); /* the bytes before it */
        *high = (acc & HIGHS) != 0;
        return s + k;
    }
#endif
    for (; s != end && *s != 0; s++) /* the word with the NUL, or the tail */
        acc |= *s;
    *high = (acc & HIGHS) != 0;
    return s != end ? s : NULL;
}

/*
 * The value of attribute a when it is one string s[0..n), an inline string
 * (mode V_SPAN) or a string-table string (V_TABLE), with a byte above 0x7F
 * when high: stored as it is or
 * NOT_FAST, with nothing stored, when the string needs a conversion or
 * breaks a rule (attr_list then reads it item by item and says why).
 */
static inline cp_status fast_string(dec *d, cp_attr a, const uint8_t *s,
                                    size_t n, int mode, int high)
{
    const char *v;
    if (n > d->max_attr)
        return NOT_FAST;
    if (high && (d->charset != CS_UTF8 || !cp_utf8__valid(s, n)))
        return NOT_FAST; /* invalid, or needs a conversion */
    if (mode == V_TABLE || d->whole) /* an inline string ends with NUL */
        v = table_str(d, (const char *)s);
    else
        v = copy_str(d, (const char *)s, n);
    if (v == NULL)
        return fail(d, CP_E_NOMEM, "out of memory");
    return store(d, a, v, 0);
}

/*
 * The value of attribute a (entry e) at p, when it has a usual form: the
 * start token's prefix alone, or no prefix and one inline string, string-
 * table reference or value token; followed by END or the next attribute.
 * Stores it and returns CP_OK with *next after it; NOT_FAST for every
 * other form; or a failure.
 */
static cp_status fast_value(dec *d, const cp_prov_str *e, cp_attr a,
                            const uint8_t *p, const uint8_t **next)
{
    const uint8_t *end = d->r.end, *z, *q;
    const cp_prov_str *v;
    cp_rd r;
    uint32_t off;
    int high;

    *next = p;
    /* one item after a bare start token first: the usual value= case,
       and none of these octets can end a value; a value token before the
       strings, which cost more than the tests before them */
    if (p != end && e->len == 0) {
        if (*p >= 0x80 && (*p & 0x3F) > T_LITERAL) { /* a value token */
            v = cp_prov__value(d->apage, *p);
            if (v == NULL || v->len > d->max_attr || !ends_value(p + 1, end))
                return NOT_FAST;
            *next = p + 1;
            return store(d, a, v->s, 1);
        }
        if (*p == T_STR_I) {
            z = str_end(p + 1, end, &high);
            if (z == NULL || !ends_value(z + 1, end))
                return NOT_FAST;
            *next = z + 1;
            return fast_string(d, a, p + 1, (size_t)(z - p - 1), V_SPAN,
                               high);
        }
        if (*p == T_STR_T) {
            if (end - p > 2 && p[1] < 0x80) { /* a one-octet offset */
                off = p[1];
                q = p + 2;
            } else if (end - p > 3 && p[2] < 0x80) { /* two octets */
                off = (uint32_t)(p[1] & 0x7F) << 7 | p[2];
                q = p + 3;
            } else {
                cp_rd__init(&r, p + 1, (size_t)(end - p - 1));
                if (cp_rd__mbu32(&r, &off) != CP_OK)
                    return NOT_FAST;
                q = r.p;
            }
            if (off >= d->tbl_len || !ends_value(q, end) ||
                (z = str_end(d->tbl + off, d->tbl + d->tbl_len, &high)) ==
                    NULL)
                return NOT_FAST;
            *next = q;
            return fast_string(d, a, d->tbl + off,
                               (size_t)(z - d->tbl - off), V_TABLE, high);
        }
    }
    if (ends_value(p, end)) /* the start token's prefix alone */
        return e->len > d->max_attr ? NOT_FAST : store(d, a, e->s, 1);
    return NOT_FAST;
}

/*
 * The attribute list of the element being read while it holds only page
 * switches and start tokens with values of the usual forms (see
 * fast_value): CP_OK after its END, a failure, or NOT_FAST at the first
 * token it leaves to attr_list, unread. Every other case, errors included,
 * is attr_list's.
 */
static cp_status attrs_fast(dec *d, uint32_t *seen)
{
    /* the loop's state in locals, written back on the way out: the
       stores through d would otherwise stay in the loop */
    const uint8_t *p = d->r.p, *end = d->r.end, *next;
    const cp_prov_str *tab = cp_prov__start_tab[d->apage], *e;
    uint32_t got = *seen, allowed = d->allowed, bit;
    unsigned b;
    cp_status st = NOT_FAST;

    while (p != end) {
        b = *p;
        if (b == T_END) {
            d->tok = p++;
            st = CP_OK;
            break;
        }
        if (b == T_SWITCH_PAGE) {
            if (end - p < 2 || p[1] >= CP_PROV_PAGES)
                break;
            d->apage = p[1];
            tab = cp_prov__start_tab[p[1]];
            p += 2;
            continue;
        }
        if (b >= 0x80 || (b & 0x3F) <= T_LITERAL)
            break; /* a global token, LITERAL or a value token */
        e = &tab[b];
        if (e->s == NULL)
            break; /* unassigned */
        bit = (uint32_t)1 << e->attr;
        if (!(allowed & bit) || (got & bit))
            break;
        d->tok = p;
        st = fast_value(d, e, (cp_attr)e->attr, p + 1, &next);
        if (st != CP_OK)
            break;
        got |= bit;
        p = next;
        st = NOT_FAST;
    }
    d->r.p = p;
    *seen = got;
    return st;
}

/*
 * The attribute list of n up to its END, or (n == NULL) the body of a
 * processing instruction, whose items are checked and dropped. *seen holds
 * the attributes given before (by attrs_fast) and gets the rest. The token
 * state machine of the decoder.
 */
static cp_status attr_list(dec *d, cp_node *n, uint32_t *seen)
{
    const cp_prov_str *e;
    const uint8_t *a_tok = NULL; /* start token of the open attribute */
    int a = -1;                  /* the open attribute, -1: none yet */
    uint8_t b = 0;
    cp_status st;

    for (;;) {
        d->tok = d->r.p;
        if (d->r.p == d->r.end)
            return fail(d, CP_E_TRUNCATED,
                        "input ends inside an attribute list");
        b = *d->r.p++;
        if ((b & 0x3F) <= T_LITERAL && b != T_LITERAL) {
            st = attr_global(d, b, n, a);
            if (st == LIST_END)
                return a >= 0 && n ? val_finish(d, (cp_attr)a, a_tok) : CP_OK;
        } else if (b >= 0x80) { /* a value token */
            if (a < 0)
                return fail(d, CP_E_MALFORMED,
                            "value token 0x%02X before an attribute", b);
            st = attr_item(d, b, n != NULL);
        } else { /* an attribute starts (a start token or LITERAL) */
            if (a >= 0 && n != NULL) {
                st = val_finish(d, (cp_attr)a, a_tok);
                if (st)
                    return st;
            }
            a_tok = d->tok;
            st = attr_name(d, b, n == NULL, &e, &a);
            if (st == CP_OK && n != NULL) {
                st = attr_check(d, n, a, *seen);
                if (a >= 0 && a < 32)
                    *seen |= (uint32_t)1 << a;
                if (st == CP_OK && e != NULL && e->len != 0)
                    st = val_bytes(d, e->s, e->len, V_STATIC);
            }
            a = a < 0 ? 0 : a;
        }
        if (st)
            return st;
    }
}

/* ---- elements ----------------------------------------------------------- */

static cp_status elem_kind(dec *d, uint8_t b, int *kind)
{
    char txt[SHOW_MAX];
    const uint8_t *s;
    size_t n;
    cp_status st;

    if ((b & 0x3F) == T_LITERAL) {
        st = rd_tblref(d, &s, &n);
        if (st)
            return st;
        *kind = cp_doc__kind_from_name((const char *)s, n);
        if (*kind < 0)
            return fail(d, CP_E_GRAMMAR, "unknown element name '%s'",
                        show(txt, s, n));
        return CP_OK;
    }
    /* characteristic and parm: the same on both pages (tpage is one) */
    if ((b & 0x3Eu) == CP_PROV_TAG_CHARACTERISTIC) {
        *kind = (b & 0x3F) == CP_PROV_TAG_PARM ? (int)CP_NODE_PARM
                                               : (int)CP_NODE_CHARACTERISTIC;
        return CP_OK;
    }
    *kind = cp_prov__tag_kind(d->tpage, b & 0x3Fu);
    if (*kind < 0)
        return fail(d, CP_E_UNKNOWN_TOKEN,
                    "unknown tag token 0x%02X (page %u)", b, d->tpage);
    return CP_OK;
}

/*
 * The document's arena: its first chunk takes six times a small input (the
 * usual size of its tree: a small document in one chunk) and the input's
 * size plus FIRST_EXTRA of a larger one (a text-heavy document mostly in
 * one chunk). After that, every STEER_EVERY elements, the size of the next
 * chunk is set to the bytes left times what the body took so far per
 * input byte (nodes and copied strings, measured at 4, 8 .. RATE_EVERY
 * elements and then every RATE_EVERY), within CHUNK_MIN..CHUNK_MAX. So the
 * chunks follow the document instead of doubling past it, and when the
 * rest of the document is thinner than its start, the last chunk wastes
 * at most CHUNK_MAX.
 */
#define FIRST_EXTRA 4096u
#define STEER_EVERY 4u
#define RATE_EVERY 64u
#define CHUNK_MIN 1024u
#define CHUNK_MAX 65536u

/* The size of the first chunk for an input of n bytes. */
static size_t first_chunk(size_t n)
{
    if (n <= (FIRST_EXTRA - 1024) / 5)
        return 6 * n + 1024; /* <= n + FIRST_EXTRA */
    return n < (size_t)-1 - FIRST_EXTRA ? n + FIRST_EXTRA : n;
}

/* Measure the rate: sixteenths of an arena byte per input byte. */
static void measure_rate(dec *d)
{
    size_t done = (size_t)(d->r.p - d->body);
    size_t used = d->doc->count * sizeof(cp_node) + d->copied;

    d->rate = 0; /* no steering */
    if (done != 0 && used <= (size_t)-1 / 16) {
        d->rate = used * 16 / done + 1;
        d->rate_max = (size_t)-1 / d->rate; /* bytes left it can scale */
    }
}

static void steer_arena(dec *d)
{
    size_t left = rd_left(d), est;
    size_t n = d->doc->count;
    if (n % RATE_EVERY == 0 || (n < RATE_EVERY && (n & (n - 1)) == 0))
        measure_rate(d); /* also at 4, 8 .. elements: small documents */
    if (d->rate == 0 || left > d->rate_max)
        return;
    est = left * d->rate / 16;
    d->doc->arena.next_size =
        est < CHUNK_MIN ? CHUNK_MIN : est > CHUNK_MAX ? CHUNK_MAX : est;
}

/* Make the node of a start tag: the root, or a child of the open element. */
static cp_status elem_node(dec *d, int kind, cp_node **out)
{
    cp_status st;
    if (d->doc == NULL) {
        if (kind != CP_NODE_DOC)
            return fail(d, CP_E_GRAMMAR,
                        "root element is %s, not wap-provisioningdoc",
                        cp_node_kind_name((cp_node_kind)kind));
        st = cp_doc__create_sized(
            d->ctx, first_chunk((size_t)(d->r.end - d->r.start)), &d->doc);
        if (st != CP_OK)
            return fail(d, CP_E_NOMEM, "out of memory");
        *out = d->doc->root;
        return CP_OK;
    }
    if (d->depth >= d->max_depth)
        return fail(d, CP_E_LIMIT, "elements nested deeper than %lu",
                    (unsigned long)d->max_depth);
    /* cp_doc__add's checks, in its order, then its work inline */
    if (!(d->cur_kids & (1u << kind)))
        return fail(d, CP_E_GRAMMAR, "%s not allowed inside %s",
                    cp_node_kind_name((cp_node_kind)kind),
                    cp_node_kind_name((cp_node_kind)d->cur->kind));
    if (d->doc->count >= d->doc->max_elements)
        return fail(d, CP_E_LIMIT, "more than %lu elements",
                    (unsigned long)d->ctx->limits.max_elements);
    *out = cp_doc__append_after(d->doc, d->cur, d->cur_ref, d->last,
                                (cp_node_kind)kind);
    if (*out == NULL)
        return fail(d, CP_E_NOMEM, "out of memory");
    d->last = *out;
    if (d->doc->count % STEER_EVERY == 0)
        steer_arena(d);
    return CP_OK;
}

static cp_status elem_start(dec *d, uint8_t b)
{
    uint32_t seen = 0;
    cp_node *n = NULL;
    const cp_kind_info *k;
    int kind, req;
    cp_status st = elem_kind(d, b, &kind);
    if (st == CP_OK)
        st = elem_node(d, kind, &n);
    if (st != CP_OK || n == NULL) /* n is set whenever st is CP_OK */
        return st != CP_OK ? st : CP_E_INTERNAL;
    k = &d->kinds[kind];
    req = k->key;
    d->node = n;
    d->allowed = k->attrs;
    d->key = req;
    if (b & TAG_A) { /* the usual attributes first, then the rest */
        st = attrs_fast(d, &seen);
        if (st == NOT_FAST)
            st = attr_list(d, n, &seen);
        if (st)
            return st;
    }
    if (kind != CP_NODE_DOC && !(seen & ((uint32_t)1 << req)))
        return fail(d, CP_E_GRAMMAR, "%s without its %s attribute",
                    cp_node_kind_name((cp_node_kind)kind),
                    cp_attr_name((cp_attr)req));
    d->node = NULL;
    if (b & TAG_C) {
        d->cur = n;
        d->cur_ref = cp_node__ref(n);
        d->cur_kids = k->kids;
        d->last = NULL;
        d->depth++;
    } else if (n == d->doc->root) {
        d->done = 1;
    }
    return CP_OK;
}

static cp_status elem_end(dec *d)
{
    if (d->cur == NULL)
        return fail(d, CP_E_MALFORMED, "END outside any element");
    if (d->depth == 1) /* the root closes */
        d->done = 1;
    d->last = d->cur; /* the element closed is its parent's last child */
    d->cur_ref = d->cur->parent;
    d->cur = cp_node__parent(d->cur);
    if (d->cur != NULL)
        d->cur_kids = d->kinds[d->cur->kind].kids;
    d->depth--;
    return CP_OK;
}

/* The body: *pi element, with nothing after the root's end. */
static cp_status body(dec *d)
{
    uint32_t seen = 0;
    uint8_t b = 0;
    cp_status st;

    while (!d->done) {
        d->tok = d->r.p;
        if (d->r.p == d->r.end)
            return fail(d, CP_E_TRUNCATED, "input ends %s",
                        d->doc ? "inside an element"
                               : "before the root element");
        b = *d->r.p++;
        if ((b & 0x3F) >= T_LITERAL) { /* a tag, or a LITERAL* tag */
            st = elem_start(d, b);
            if (st)
                return st;
            continue;
        }
        switch (b) {
        case T_SWITCH_PAGE:
            st = rd_page(d, &d->tpage);
            break;
        case T_END:
            st = elem_end(d);
            break;
        case T_PI:
            st = attr_list(d, NULL, &seen);
            break;
        case T_ENTITY: case T_STR_I: case T_STR_T: case T_OPAQUE:
            if (d->cur)
                return fail(d, CP_E_GRAMMAR,
                            "text content (token 0x%02X) in %s", b,
                            cp_node_kind_name((cp_node_kind)d->cur->kind));
            return fail(d, CP_E_MALFORMED,
                        "text (token 0x%02X) before the root element", b);
        default: /* EXT_I_*, EXT_T_*, EXT_* */
            return fail(d, CP_E_UNKNOWN_TOKEN, "extension token 0x%02X", b);
        }
        if (st)
            return st;
    }
    if (d->r.p != d->r.end) {
        d->tok = d->r.p;
        return fail(d, CP_E_MALFORMED,
                    "%lu bytes after the end of the document",
                    (unsigned long)rd_left(d));
    }
    return CP_OK;
}

/* ---- header ------------------------------------------------------------- */

static cp_status check_fpi(dec *d, uint32_t off)
{
    char txt[SHOW_MAX];
    const uint8_t *s = NULL;
    size_t n = 0;
    cp_status st;
    d->tok = d->r.start + 1;
    st = tbl_at(d, off, &s, &n);
    if (st)
        return st;
    if (n != sizeof CP_PROV_FPI - 1 || memcmp(s, CP_PROV_FPI, n) != 0)
        return fail(d, CP_E_NOT_PROV, "public identifier '%s' is not PROV",
                    show(txt, s, n));
    return CP_OK;
}

static cp_status header(dec *d)
{
    uint8_t ver = 0;
    uint32_t pubid, fpi = 0, len;
    cp_status st;

    d->tok = d->r.start;
    st = rd_u8(d, &ver);
    if (st)
        return st;
    if (ver < 0x01 || ver > 0x03)
        return fail(d, CP_E_MALFORMED, "WBXML version 0x%02X is not 1.1-1.3",
                    ver);
    d->tok = d->r.p;
    st = rd_mbu32(d, &pubid);
    if (st == CP_OK && pubid == 0)
        st = rd_mbu32(d, &fpi);
    if (st)
        return st;
    if (pubid != 0 && pubid != CP_PROV_PUBLIC_ID)
        return fail(d, CP_E_NOT_PROV, "public id 0x%lX is not PROV (0x0B)",
                    (unsigned long)pubid);
    d->tok = d->r.p;
    st = rd_mbu32(d, &d->charset);
    if (st)
        return st;
    if (d->charset != CS_UTF8 && d->charset != CS_ASCII &&
        d->charset != CS_LATIN1)
        return fail(d, CP_E_CHARSET, "unsupported charset %lu",
                    (unsigned long)d->charset);
    d->tok = d->r.p;
    st = rd_mbu32(d, &len);
    if (st)
        return st;
    if (len > d->ctx->limits.max_strtbl_bytes)
        return fail(d, CP_E_LIMIT, "string table of %lu bytes (limit %lu)",
                    (unsigned long)len,
                    (unsigned long)d->ctx->limits.max_strtbl_bytes);
    if (len > rd_left(d))
        return fail(d, CP_E_TRUNCATED, "input ends inside the string table");
    d->tbl = d->r.p;
    d->tbl_len = len;
    d->r.p += len;
    d->body = d->r.p;
    return pubid == 0 ? check_fpi(d, fpi) : CP_OK;
}

/* Record a failure that no helper described, and the element path. */
static void fail_detail(dec *d, cp_status st)
{
    const cp_node *at = d->node ? d->node : d->cur;
    if (!d->recorded)
        fail(d, st, "%s", cp_strerror(st));
    if (at != NULL) {
        char path[CP_ERRPATH_MAX];
        cp_doc__path(at, path, sizeof path);
        cp_err__set_path(d->ctx, path);
    }
}

CP_EXPORT cp_status cp_doc_decode_wbxml(cp_ctx *ctx, const uint8_t *in,
                                        size_t in_len, cp_doc **out)
{
    dec d;
    cp_status st;

    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || out == NULL || (in == NULL && in_len != 0))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "cp_doc_decode_wbxml: NULL argument");
    if (in_len > ctx->limits.max_doc_bytes)
        return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                           "document of %lu bytes (limit %lu)",
                           (unsigned long)in_len,
                           (unsigned long)ctx->limits.max_doc_bytes);
    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    d.kinds = cp_doc__kinds();
    d.max_attr = ctx->limits.max_attr_bytes;
    d.max_depth = ctx->limits.max_depth;
    d.vmode = V_EMPTY;
    d.whole = in_len <= WHOLE_MAX;
    cp_rd__init(&d.r, in ? in : (const uint8_t *)"", in_len);
    d.tok = d.r.p;
    cp_buf__init(&d.buf, &ctx->alloc);
    st = header(&d);
    if (st == CP_OK)
        st = body(&d);
    if (st != CP_OK)
        fail_detail(&d, st);
    cp_buf__free(&d.buf);
    if (st != CP_OK) {
        cp_doc_free(d.doc);
        return st;
    }
    *out = d.doc;
    return CP_OK;
}
