/* buf.c - growable byte buffer and the bounds-checked reader. */
#include <string.h>

#include "base.h"

void cp_buf__init(cp_buf *b, const cp_allocator *a)
{
    b->p = NULL;
    b->len = b->cap = 0;
    b->a = a;
    b->max = 0;
}

cp_status cp_buf__reserve(cp_buf *b, size_t extra)
{
    size_t need, cap;
    uint8_t *np;

    /* +1 keeps room for the NUL that cp_buf__take adds. */
    if (cp_add__ovf(b->len, extra, &need) || cp_add__ovf(need, 1, &need))
        return CP_E_OVERFLOW;
    if (b->max && need - 1 > b->max)
        return CP_E_LIMIT;
    if (need <= b->cap)
        return CP_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > (size_t)-1 / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    np = cp_mem__realloc(b->a, b->p, cap);
    if (np == NULL)
        return CP_E_NOMEM;
    b->p = np;
    b->cap = cap;
    return CP_OK;
}

cp_status cp_buf__put(cp_buf *b, const void *data, size_t n)
{
    cp_status st;
    if (n == 0)
        return CP_OK;
    st = cp_buf__reserve(b, n);
    if (st)
        return st;
    memcpy(b->p + b->len, data, n);
    b->len += n;
    return CP_OK;
}

cp_status cp_buf__putc(cp_buf *b, uint8_t c)
{
    if (b->len + 1 < b->cap && (b->max == 0 || b->len < b->max)) {
        b->p[b->len++] = c;
        return CP_OK;
    }
    return cp_buf__put(b, &c, 1);
}

cp_status cp_buf__puts(cp_buf *b, const char *s)
{
    return cp_buf__put(b, s, strlen(s));
}

cp_status cp_buf__take(cp_buf *b, uint8_t **out, size_t *out_len)
{
    cp_status st = cp_buf__reserve(b, 0);
    if (st)
        return st;
    b->p[b->len] = 0;
    *out = b->p;
    if (out_len)
        *out_len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return CP_OK;
}

void cp_buf__free(cp_buf *b)
{
    cp_mem__free(b->a, b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void cp_rd__init(cp_rd *r, const uint8_t *p, size_t n)
{
    r->start = r->p = p;
    r->end = n ? p + n : p; /* no pointer arithmetic on NULL */
}

size_t cp_rd__off(const cp_rd *r)
{
    return (size_t)(r->p - r->start);
}

size_t cp_rd__left(const cp_rd *r)
{
    return (size_t)(r->end - r->p);
}

cp_status cp_rd__u8(cp_rd *r, uint8_t *out)
{
    if (r->end - r->p < 1)
        return CP_E_TRUNCATED;
    *out = *r->p++;
    return CP_OK;
}

cp_status cp_rd__be16(cp_rd *r, uint16_t *out)
{
    if (r->end - r->p < 2)
        return CP_E_TRUNCATED;
    *out = (uint16_t)(((unsigned)r->p[0] << 8) | r->p[1]);
    r->p += 2;
    return CP_OK;
}

cp_status cp_rd__be32(cp_rd *r, uint32_t *out)
{
    if (r->end - r->p < 4)
        return CP_E_TRUNCATED;
    *out = ((uint32_t)r->p[0] << 24) | ((uint32_t)r->p[1] << 16) |
           ((uint32_t)r->p[2] << 8) | (uint32_t)r->p[3];
    r->p += 4;
    return CP_OK;
}

cp_status cp_rd__take(cp_rd *r, size_t n, const uint8_t **out)
{
    if ((size_t)(r->end - r->p) < n)
        return CP_E_TRUNCATED;
    *out = r->p;
    r->p += n;
    return CP_OK;
}

cp_status cp_rd__copy(cp_rd *r, void *out, size_t n)
{
    const uint8_t *p;
    cp_status st = cp_rd__take(r, n, &p);
    if (st == CP_OK && n > 0)
        memcpy(out, p, n);
    return st;
}

cp_status cp_rd__peek(const cp_rd *r, uint8_t *out)
{
    if (r->end - r->p < 1)
        return CP_E_TRUNCATED;
    *out = *r->p;
    return CP_OK;
}

cp_status cp_rd__skip(cp_rd *r, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return CP_E_TRUNCATED;
    r->p += n;
    return CP_OK;
}

cp_status cp_rd__mbu32(cp_rd *r, uint32_t *out)
{
    uint32_t v = 0;
    int i;
    for (i = 0; i < 5; i++) {
        uint8_t c;
        if (r->end - r->p < 1)
            return CP_E_TRUNCATED;
        c = *r->p;
        if (v > (UINT32_MAX >> 7))
            return CP_E_OVERFLOW;
        v = (v << 7) | (uint32_t)(c & 0x7f);
        r->p++;
        if (!(c & 0x80)) {
            *out = v;
            return CP_OK;
        }
    }
    return CP_E_MALFORMED; /* a sixth octet would be needed */
}
