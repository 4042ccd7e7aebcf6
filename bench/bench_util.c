/* bench_util.c - clock, vector reading, counting allocator, XML comparison. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *bench_vectors_dir(void)
{
    const char *d = getenv("CP_VECTORS");
    return (d != NULL && d[0] != '\0') ? d : "../shared/vectors";
}

/* ---- vectors ------------------------------------------------------------- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s = NULL, *t;
    size_t len = 0, cap = 0, got;
    int bad = 0;

    if (f == NULL)
        return NULL;
    do {
        if (cap - len < 4096) {
            t = realloc(s, cap + 65536);
            if (t == NULL) {
                bad = 1;
                break;
            }
            s = t;
            cap += 65536;
        }
        got = fread(s + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    if (bad || ferror(f)) {
        free(s);
        s = NULL;
    } else {
        s[len] = '\0';
    }
    fclose(f);
    return s;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode the hex digits of s up to the closing quote. */
static uint8_t *hex_until_quote(const char *s, size_t *len)
{
    const char *end = strchr(s, '"');
    size_t n, i;
    uint8_t *out;

    if (end == NULL || (end - s) % 2 != 0 || end == s)
        return NULL;
    n = (size_t)(end - s) / 2;
    out = malloc(n);
    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    *len = n;
    return out;
}

uint8_t *bench_vector_wbxml(const char *dir, const char *file, size_t *len)
{
    char path[1024];
    char *text, *p;
    uint8_t *out = NULL;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return NULL;
    text = read_text(path);
    if (text == NULL) {
        fprintf(stderr, "bench: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    p = strstr(text, "\"wbxml_hex\"");
    if (p != NULL)
        p = strchr(p + 11, ':');
    if (p != NULL)
        p = strchr(p, '"');
    if (p != NULL)
        out = hex_until_quote(p + 1, len);
    if (out == NULL)
        fprintf(stderr, "bench: %s: no usable \"wbxml_hex\" field\n", path);
    free(text);
    return out;
}

/* ---- counting allocator ------------------------------------------------- */

/* The size header; the union keeps the payload aligned for any object. */
typedef union hdr {
    size_t n;
    long double ld;
    long long ll;
    void *p;
    void (*fp)(void);
} hdr;

static void count_add(bench_counter *c, size_t n)
{
    c->cur += n;
    if (c->cur > c->peak)
        c->peak = c->cur;
}

static void *cnt_alloc(void *user, size_t n)
{
    bench_counter *c = user;
    hdr *h;
    c->calls++;
    if (n > (size_t)-1 - sizeof(hdr))
        return NULL;
    h = malloc(sizeof(hdr) + n);
    if (h == NULL)
        return NULL;
    h->n = n;
    count_add(c, n);
    return h + 1;
}

static void *cnt_realloc(void *user, void *p, size_t n)
{
    bench_counter *c = user;
    hdr *h = (hdr *)p - 1, *nh;
    size_t old = h->n;
    c->calls++;
    if (n > (size_t)-1 - sizeof(hdr))
        return NULL;
    nh = realloc(h, sizeof(hdr) + n);
    if (nh == NULL)
        return NULL;
    nh->n = n;
    c->cur -= old;
    count_add(c, n);
    return nh + 1;
}

static void cnt_free(void *user, void *p)
{
    bench_counter *c = user;
    hdr *h = (hdr *)p - 1;
    c->cur -= h->n;
    free(h);
}

void bench_counter_hooks(cp_config *cfg, bench_counter *c)
{
    memset(c, 0, sizeof *c);
    cfg->allocator.alloc = cnt_alloc;
    cfg->allocator.realloc = cnt_realloc;
    cfg->allocator.free = cnt_free;
    cfg->allocator.user = c;
}

/* ---- XML comparison ------------------------------------------------------ */

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Length of the element name starting at s (after '<'). */
static size_t name_len(const char *s, const char *end)
{
    size_t n = 0;
    while (s + n < end && !is_space(s[n]) && s[n] != '>' && s[n] != '/')
        n++;
    return n;
}

/* The start tag of the root element in x[0..len), or NULL. */
static const char *find_root(const char *x, size_t len)
{
    static const char root[] = "<wap-provisioningdoc";
    size_t n = sizeof root - 1, i;
    for (i = 0; len >= n && i <= len - n; i++)
        if (memcmp(x + i, root, n) == 0)
            return x + i;
    return NULL;
}

/*
 * Normalise x into a malloc'd string (see bench_xml_same). A self-closed
 * tag at most doubles in size, so 2 * len + 64 bytes always suffice.
 */
static char *normalise(const char *x, size_t len, size_t *out_len)
{
    const char *end = x + len, *start, *name = NULL;
    char *o = malloc(2 * len + 64), *w = o;
    size_t nlen = 0;
    int in_tag = 0;
    char quote = 0;

    if (o == NULL)
        return NULL;
    start = find_root(x, len);
    for (x = start ? start : x; x < end; x++) {
        char ch = *x;
        if (!in_tag && is_space(ch))
            continue; /* PROV elements carry no text: drop layout */
        if (!in_tag && ch == '<') {
            in_tag = 1;
            name = x + 1;
            nlen = name_len(name, end);
        } else if (in_tag && quote == 0 && (ch == '"' || ch == '\'')) {
            quote = ch;
        } else if (in_tag && quote == ch) {
            quote = 0;
        } else if (in_tag && quote == 0 && ch == '/' && x + 1 < end &&
                   x[1] == '>' && name != NULL && name[0] != '/') {
            w += sprintf(w, "></%.*s>", (int)nlen, name);
            x++;
            in_tag = 0;
            continue;
        } else if (in_tag && quote == 0 && ch == '>') {
            in_tag = 0;
        }
        *w++ = ch;
    }
    *w = '\0';
    *out_len = (size_t)(w - o);
    return o;
}

int bench_xml_same(const char *a, size_t alen, const char *b, size_t blen,
                   size_t *where)
{
    size_t na = 0, nb = 0, i;
    char *ra = normalise(a, alen, &na);
    char *rb = normalise(b, blen, &nb);
    int same = -1;

    if (ra != NULL && rb != NULL) {
        for (i = 0; i < na && i < nb && ra[i] == rb[i]; i++)
            ;
        same = (na == nb && i == na);
        *where = i;
    }
    free(ra);
    free(rb);
    return same;
}
