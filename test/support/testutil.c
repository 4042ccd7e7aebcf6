/* testutil.c - helpers shared by the cmocka suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

int tu_hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

uint8_t *tu_hex(const char *hex, size_t *len)
{
    size_t n = strlen(hex), i;
    uint8_t *out;
    if (n % 2)
        return NULL;
    out = malloc(n / 2 + 1);
    if (!out)
        return NULL;
    for (i = 0; i < n / 2; i++) {
        int hi = tu_hexval(hex[2 * i]), lo = tu_hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return out;
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, r;
    if (!f)
        return NULL;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 8192;
            nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, 4096, f);
        n += r;
        if (r < 4096)
            break;
    }
    fclose(f);
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

char *tu_read_vector_file(const char *file)
{
    const char *dir = getenv("CP_VECTORS");
    char path[1024];
    if (!dir || !*dir)
        dir = "../shared/vectors";
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return (char *)tu_read_file(path, NULL);
}

/* Unescape a JSON string starting after its opening quote. */
static char *json_string(const char *p)
{
    size_t cap = strlen(p) + 1, n = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    while (*p && *p != '"') {
        if (*p == '\\') {
            p++;
            switch (*p) {
            case 'n': out[n++] = '\n'; break;
            case 't': out[n++] = '\t'; break;
            case 'r': out[n++] = '\r'; break;
            case 'u': {
                unsigned v = 0;
                int k;
                for (k = 1; k <= 4 && p[k]; k++)
                    v = v * 16 + (unsigned)tu_hexval(p[k]);
                p += 4;
                if (v < 0x80) {
                    out[n++] = (char)v;
                } else if (v < 0x800) {
                    out[n++] = (char)(0xC0 | (v >> 6));
                    out[n++] = (char)(0x80 | (v & 0x3F));
                } else {
                    out[n++] = (char)(0xE0 | (v >> 12));
                    out[n++] = (char)(0x80 | ((v >> 6) & 0x3F));
                    out[n++] = (char)(0x80 | (v & 0x3F));
                }
                break;
            }
            default: out[n++] = *p; break;
            }
            if (*p)
                p++;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = 0;
    return out;
}

char *tu_vector_field_n(const char *file, const char *key, int nth)
{
    char *text = tu_read_vector_file(file), *res = NULL;
    char pat[256];
    const char *p;
    if (!text)
        return NULL;
    snprintf(pat, sizeof pat, "\"%s\"", key);
    p = text;
    for (;;) {
        p = strstr(p, pat);
        if (!p)
            break;
        p += strlen(pat);
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (*p != ':')
            continue;
        p++;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (*p != '"')
            continue;
        if (nth-- > 0)
            continue;
        res = json_string(p + 1);
        break;
    }
    free(text);
    return res;
}

char *tu_vector_field(const char *file, const char *key)
{
    return tu_vector_field_n(file, key, 0);
}

/* Each block carries its size in a header so that peak bytes can be counted. */
typedef union {
    size_t n;
    long double ld;
    void *p;
} hdr_t;

static void *t_alloc(void *u, size_t n)
{
    tu_alloc *t = u;
    hdr_t *h;
    t->calls++;
    if (t->fail_at && t->calls == t->fail_at)
        return NULL;
    h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->n = n;
    t->live++;
    t->cur += n;
    if (t->cur > t->peak)
        t->peak = t->cur;
    return h + 1;
}

static void *t_realloc(void *u, void *p, size_t n)
{
    tu_alloc *t = u;
    hdr_t *h = (hdr_t *)p - 1, *nh;
    size_t old = h->n;
    t->calls++;
    if (t->fail_at && t->calls == t->fail_at)
        return NULL;
    nh = realloc(h, sizeof *nh + n);
    if (!nh)
        return NULL;
    nh->n = n;
    t->cur = t->cur - old + n;
    if (t->cur > t->peak)
        t->peak = t->cur;
    return nh + 1;
}

static void t_free(void *u, void *p)
{
    tu_alloc *t = u;
    hdr_t *h = (hdr_t *)p - 1;
    t->live--;
    t->cur -= h->n;
    free(h);
}

void tu_alloc_setup(cp_config *cfg, tu_alloc *t, long fail_at)
{
    memset(t, 0, sizeof *t);
    t->fail_at = fail_at;
    cfg->allocator.alloc = t_alloc;
    cfg->allocator.realloc = t_realloc;
    cfg->allocator.free = t_free;
    cfg->allocator.user = t;
}

size_t tu_uintvar(uint8_t *out, size_t v)
{
    uint8_t t[5];
    size_t n = 0, i;
    do {
        t[n++] = (uint8_t)(v & 0x7F);
        v >>= 7;
    } while (v != 0 && n < sizeof t);
    for (i = 0; i < n; i++)
        out[i] = (uint8_t)(t[n - 1 - i] | (i + 1 < n ? 0x80 : 0));
    return n;
}

void tu_add_parm(cp_doc *doc, const cp_node *parent, const char *name,
                 const char *value)
{
    const cp_node *p;
    if (cp_node_add(doc, parent, CP_NODE_PARM, &p) != CP_OK ||
        cp_node_set_attr(doc, p, CP_ATTR_NAME, name) != CP_OK ||
        cp_node_set_attr(doc, p, CP_ATTR_VALUE, value) != CP_OK)
        abort();
}

const cp_node *tu_add_char(cp_doc *doc, const cp_node *parent,
                           const char *type)
{
    const cp_node *c;
    if (cp_node_add(doc, parent, CP_NODE_CHARACTERISTIC, &c) != CP_OK ||
        cp_node_set_attr(doc, c, CP_ATTR_TYPE, type) != CP_OK)
        abort();
    return c;
}
