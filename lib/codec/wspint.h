/*
 * wspint.h - floor 2 internals shared by the WSP push readers: the value
 * classes and the parse state (wsp), the WSP value readers of
 * wsp_value.c, and what wsp.c takes from wsp_ctype.c. Calls run one way:
 * wsp.c -> wsp_ctype.c -> wsp_value.c. Not installed.
 */
#ifndef CP_WSPINT_H
#define CP_WSPINT_H

#include "../base/base.h"
#include "omacp/wsp.h"

#define LENGTH_QUOTE 0x1F  /* Value-length: a uintvar follows */
#define SHORT_LENGTH_MAX 30
#define TEXT_QUOTE 0x7F    /* Text-string whose first char is >= 0x80 */
#define QUOTED_STRING 0x22

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

typedef struct wsp {
    cp_ctx *ctx;
    cp_rd r;          /* r.end is the end of the area being parsed */
    cp_push *p;
    const char *area; /* its name, for messages */
    int page;         /* header code page */
} wsp;

/* ---- wsp_value.c: primitive readers (binary) ---------------------------- */

/* CP_E_MALFORMED: a value runs past the end of the area. */
cp_status cp_wsp__over(wsp *w, size_t off);
/* CP_E_MALFORMED with what went wrong in the area. */
cp_status cp_wsp__bad(wsp *w, size_t off, const char *what);
/*
 * The reader's offset in the PDU, the octets left in the area, and the
 * next octet (peeked, or taken): cp_rd__off, __left, __peek and __u8
 * inline. The parse asks for nearly every octet and a call each cost more
 * than the check; the bound is the same (nothing at or past r.end).
 * peek and u8 return 0 at the end.
 */
static inline size_t cp_wsp__here(const wsp *w)
{
    return (size_t)(w->r.p - w->r.start);
}

static inline size_t cp_wsp__left(const wsp *w)
{
    return (size_t)(w->r.end - w->r.p);
}

static inline int cp_wsp__peek(const wsp *w, uint8_t *c)
{
    if (w->r.p >= w->r.end)
        return 0;
    *c = *w->r.p;
    return 1;
}

static inline int cp_wsp__u8(wsp *w, uint8_t *c)
{
    if (!cp_wsp__peek(w, c))
        return 0;
    w->r.p++;
    return 1;
}

/* The VC_* class of a value by its first octet. */
static inline int cp_wsp__value_class(uint8_t c)
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

/*
 * A uintvar (cp_rd__mbu32, same results): nearly every one in a push is a
 * single octet under 0x80, taken here without the call.
 */
static inline cp_status cp_wsp__uintvar(wsp *w, uint32_t *v)
{
    if (w->r.p < w->r.end && *w->r.p < 0x80) {
        *v = *w->r.p++;
        return CP_OK;
    }
    return cp_rd__mbu32(&w->r, v);
}

/* Text up to its End-of-string: *s points at it, NUL-terminated. */
cp_status cp_wsp__read_text(wsp *w, const char **s);
/* A Text-string without its optional leading Quote octet. */
cp_status cp_wsp__read_text_string(wsp *w, const char **s);
/* Value-length (after the caller saw its first octet is 0x00-0x1F). */
cp_status cp_wsp__read_value_length(wsp *w, size_t *len);
/*
 * Integer-value: Short-integer or Long-integer into 32 bits. A value that
 * does not fit is an error, unless ovf is given: then *ovf = 1 and *v =
 * UINT32_MAX.
 */
cp_status cp_wsp__read_integer(wsp *w, uint32_t *v, int *ovf);
/* Skip one value whose first octet must be in one of the classes. */
cp_status cp_wsp__skip_value(wsp *w, int classes);
/* Decimal digits into *v; 0 when s is not all digits or overflows. */
int cp_wsp__parse_decimal(const char *s, uint32_t *v);

/* ---- wsp_ctype.c: the content type -------------------------------------- */

/* The content-type fields of p back to "none given". */
void cp_wsp__content_reset(cp_push *p);
/* The Content-Type value at the start of the header block. */
cp_status cp_wsp__content_type(wsp *w);

/* The first (0.1.0) layout of cp_push, frozen: the smallest struct_size. */
#define CP_PUSH__MIN_SIZE CP_SIZE_THROUGH(cp_push, body_offset)

/* The defaults (cp_push_init) in a struct of this library's layout. */
void cp_wsp__push_defaults(cp_push *p);

#endif /* CP_WSPINT_H */
