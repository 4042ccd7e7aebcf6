/*
 * wsp_value.c - the WSP value readers (WAP-230 8.4.1) that the content
 * type and the headers share: text, lengths, integers, skipping a value
 * by its class. Every read is checked against the cp_rd reader's end
 * (through cp_wsp__peek, __u8 and __left of wspint.h: cp_rd's checks
 * inline), which the callers narrow to the area being parsed.
 */
#include <string.h>

#include "wspint.h"

cp_status cp_wsp__over(wsp *w, size_t off)
{
    return cp_err__set(w->ctx, CP_E_MALFORMED, off,
                       "a value runs past the end of the %s", w->area);
}

cp_status cp_wsp__bad(wsp *w, size_t off, const char *what)
{
    return cp_err__set(w->ctx, CP_E_MALFORMED, off, "%s in the %s", what,
                       w->area);
}

/* Text up to its End-of-string: *s points at it, NUL-terminated. */
cp_status cp_wsp__read_text(wsp *w, const char **s)
{
    const uint8_t *nul;
    size_t left = cp_wsp__left(w);
    nul = left ? memchr(w->r.p, 0, left) : NULL;
    if (nul == NULL)
        return cp_wsp__over(w, cp_wsp__here(w));
    *s = (const char *)w->r.p;
    w->r.p = nul + 1;
    return CP_OK;
}

/* A Text-string without its optional leading Quote octet. */
cp_status cp_wsp__read_text_string(wsp *w, const char **s)
{
    cp_status st = cp_wsp__read_text(w, s);
    if (st == CP_OK && (unsigned char)**s == TEXT_QUOTE)
        (*s)++;
    return st;
}

/* Value-length (after the caller saw its first octet is 0x00-0x1F). */
cp_status cp_wsp__read_value_length(wsp *w, size_t *len)
{
    size_t off = cp_wsp__here(w);
    uint8_t c;
    uint32_t v;
    cp_status st;
    if (!cp_wsp__u8(w, &c))
        return cp_wsp__over(w, off);
    if (c <= SHORT_LENGTH_MAX) {
        v = c;
    } else if (c == LENGTH_QUOTE) {
        st = cp_wsp__uintvar(w, &v);
        if (st == CP_E_TRUNCATED)
            return cp_wsp__over(w, off);
        if (st == CP_E_OVERFLOW)
            return cp_err__set(w->ctx, st, off,
                               "value length does not fit 32 bits");
        if (st != CP_OK)
            return cp_wsp__bad(w, off,
                               "value length uintvar longer than 5 octets");
    } else {
        return cp_wsp__bad(w, off, "expected a value length");
    }
    if (v > cp_wsp__left(w))
        return cp_wsp__over(w, off);
    *len = v;
    return CP_OK;
}

/*
 * Long-integer (first octet 1..30) into 32 bits. A value that does not fit
 * is an error, unless ovf is given: then *ovf = 1 and *v = UINT32_MAX.
 */
static cp_status read_long(wsp *w, uint32_t *v, int *ovf)
{
    size_t off = cp_wsp__here(w);
    uint8_t n, b;
    uint32_t x = 0;
    int big = 0;
    if (!cp_wsp__u8(w, &n))
        return cp_wsp__over(w, off);
    if (n < 1 || n > SHORT_LENGTH_MAX)
        return cp_wsp__bad(w, off, "bad Long-integer length");
    if (n > cp_wsp__left(w))
        return cp_wsp__over(w, off);
    for (; n > 0; n--) {
        b = *w->r.p++; /* present: checked above */
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
cp_status cp_wsp__read_integer(wsp *w, uint32_t *v, int *ovf)
{
    uint8_t c;
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, cp_wsp__here(w));
    if (c >= 0x80) {
        w->r.p++;
        *v = c & 0x7Fu;
        if (ovf != NULL)
            *ovf = 0;
        return CP_OK;
    }
    if (c >= 1 && c <= SHORT_LENGTH_MAX)
        return read_long(w, v, ovf);
    return cp_wsp__bad(w, cp_wsp__here(w), "expected an integer");
}

/* Skip one value whose first octet must be in one of the classes. */
cp_status cp_wsp__skip_value(wsp *w, int classes)
{
    size_t off = cp_wsp__here(w), len;
    const char *s;
    uint8_t c;
    int cls;
    cp_status st;
    if (!cp_wsp__peek(w, &c))
        return cp_wsp__over(w, off);
    cls = cp_wsp__value_class(c);
    if (!(cls & classes))
        return cp_wsp__bad(w, off, "value of the wrong type");
    switch (cls) {
    case VC_SHORT:
        w->r.p++; /* peeked above */
        return CP_OK;
    case VC_TEXT:
        return cp_wsp__read_text(w, &s);
    default: /* VC_ZERO, VC_LEN, VC_QUOTE: a length and that many octets */
        st = cp_wsp__read_value_length(w, &len);
        if (st == CP_OK)
            w->r.p += len; /* fits: read_value_length checked */
        return st;
    }
}

/* Decimal digits into *v; 0 when s is not all digits or overflows. */
int cp_wsp__parse_decimal(const char *s, uint32_t *v)
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
