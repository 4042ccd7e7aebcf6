/*
 * meta_table.c - the metabase's tables and their stored form: the hash
 * table of entries per setting path (the persisted one and the built-in
 * defaults), the path hashes lookups probe with, the texts of an entry,
 * and the "metabase" blob. Lookups and access checks are metabase.c's.
 *
 * Paths are compared without regard to ASCII case, so every spelling of a
 * setting finds the same entry (a rule must not hold for one spelling
 * only).
 *
 * Blob: "CPMB", u8 version 2, u32 count, then per entry: u16 path length,
 * path, u32 access roles, u8 rw, u8 datatype, u8 bounds flags (1 min,
 * 2 max), u64 min, u64 max (two's complement), u32 max length, u16 texts
 * length and the texts (engine.h, CP_META__UI_*); then a CRC-32 of all
 * before it. Big-endian throughout. Version 1 (0.1.0) has no texts and is
 * still read. A blob that cannot be read fails closed: every access but
 * the UI's is denied until the host writes the metabase again.
 */
#include <string.h>

#include "meta.h"

#define META_BLOB "metabase"

/* What cp_meta_init gives; stored and built-in entries start from it too. */
void cp_meta__defaults(cp_meta *m)
{
    memset(m, 0, sizeof *m);
    m->struct_size = sizeof *m;
    m->access_roles = CP_ROLE_MANAGER;
    m->rw = CP_RW_READ | CP_RW_WRITE;
    m->datatype = CP_DT_UNKNOWN;
}

/*
 * Paths compare without regard to ASCII case, and '\\' separates levels as
 * '/' does: Windows Mobile names metabase entries with backslashes
 * ("Registry\\HKLM\\Software\\Microsoft\\TestKey3", "Metabase Settings"
 * aa458983) where the engine's path of the same setting is
 * "Registry/HKLM\\Software\\Microsoft/TestKey3".
 */
uint32_t cp_meta__hash_more(uint32_t h, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        h = cp_meta__hash_step(h, s[i]);
    return h;
}

/* The hash of a whole path (meta.h, cp_meta__hash_step). */
uint32_t cp_meta__hash(const char *s, size_t n)
{
    return cp_meta__hash_more(2166136261u, s, n);
}

/* Hashes as cp_meta__hash would give them, one pass for all prefixes. */
void cp_meta__prefixes(const char *path, size_t len, cp_meta_pfxs *p)
{
    uint32_t h = 2166136261u;
    size_t i;
    p->count = 0;
    for (i = 0; i < len; i++) {
        if (cp_meta__is_sep(path[i]) && p->count < CP_META__PFX_MAX) {
            p->n[p->count] = i;
            p->h[p->count++] = h;
        }
        h = cp_meta__hash_step(h, path[i]);
    }
    p->n[p->count] = len;
    p->h[p->count++] = h;
}

/* 1 when a[0..n) equals b[0..n) without regard to ASCII case. */
static int same_path(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (a[i] != b[i] &&
            cp_meta__fold((uint8_t)a[i]) != cp_meta__fold((uint8_t)b[i]))
            return 0;
    return 1;
}

cp_meta_ent *cp_meta__tab_find_h(const cp_meta_tab *t, const char *path,
                                 size_t n, uint32_t h)
{
    size_t i, mask;
    if (t->cap == 0)
        return NULL;
    mask = t->cap - 1;
    for (i = h & mask;; i = (i + 1) & mask) {
        cp_meta_ent *e = &t->slots[i];
        if (e->path == NULL && !e->tomb)
            return NULL;
        /* the stored hash and length turn most misses away unread */
        if (e->path != NULL && e->hash == h && e->len == n &&
            same_path(e->path, path, n))
            return e;
    }
}

cp_meta_ent *cp_meta__tab_find(const cp_meta_tab *t, const char *path,
                               size_t n)
{
    return t->cap ? cp_meta__tab_find_h(t, path, n, cp_meta__hash(path, n))
                  : NULL;
}

static cp_status tab_grow(cp_ctx *ctx, cp_meta_tab *t)
{
    cp_meta_tab nt;
    size_t i;
    memset(&nt, 0, sizeof nt);
    nt.cap = t->cap ? t->cap * 2 : 16;
    nt.slots = cp_mem__alloc(&ctx->alloc, nt.cap * sizeof *nt.slots);
    if (nt.slots == NULL)
        return CP_E_NOMEM;
    memset(nt.slots, 0, nt.cap * sizeof *nt.slots);
    for (i = 0; i < t->cap; i++) {
        cp_meta_ent *e = &t->slots[i];
        size_t k;
        if (e->path == NULL)
            continue;
        for (k = e->hash & (nt.cap - 1);
             nt.slots[k].path != NULL; k = (k + 1) & (nt.cap - 1))
            ;
        nt.slots[k] = *e;
        nt.used++;
        nt.live++;
    }
    cp_mem__free(&ctx->alloc, t->slots);
    nt.gen = t->gen;
    memcpy(nt.kids, t->kids, sizeof nt.kids);
    *t = nt;
    return CP_OK;
}

/* Note in t->kids that path[0..n) has an entry below its parent. */
static void kids_mark(cp_meta_tab *t, const char *path, size_t n)
{
    uint32_t ph;
    while (n > 0 && !cp_meta__is_sep(path[n - 1]))
        n--;
    if (n-- == 0)
        return; /* top level: lookups of it have no parent to skip */
    ph = cp_meta__hash(path, n);
    t->kids[(ph >> 5) & 7u] |= 1u << (ph & 31u);
}

/* t->kids again from the entries t holds (one was removed). */
static void kids_rebuild(cp_meta_tab *t)
{
    size_t i;
    memset(t->kids, 0, sizeof t->kids);
    for (i = 0; i < t->cap; i++)
        if (t->slots[i].path != NULL)
            kids_mark(t, t->slots[i].path, t->slots[i].len);
}

cp_status cp_meta__tab_put(cp_ctx *ctx, cp_meta_tab *t, const char *path,
                           const cp_meta *m)
{
    size_t n = strlen(path), i, mask;
    uint32_t h = cp_meta__hash(path, n);
    cp_meta_ent *e = t->cap ? cp_meta__tab_find_h(t, path, n, h) : NULL;
    cp_status st;
    t->gen++;
    if (e != NULL) {
        e->m = *m;
        return CP_OK;
    }
    /* at most half full: a miss (most probes of a lookup) ends soon */
    if ((t->used + 1) * 2 > t->cap) {
        st = tab_grow(ctx, t);
        if (st)
            return st;
    }
    mask = t->cap - 1;
    for (i = h & mask; t->slots[i].path != NULL;
         i = (i + 1) & mask)
        ;
    e = &t->slots[i];
    e->path = cp_mem__alloc(&ctx->alloc, n + 1);
    if (e->path == NULL)
        return CP_E_NOMEM;
    memcpy(e->path, path, n + 1);
    e->hash = h;
    e->len = n;
    if (!e->tomb)
        t->used++;
    e->tomb = 0;
    e->rw_only = 0;
    e->ui = NULL;
    e->ui_len = 0;
    e->m = *m;
    t->live++;
    kids_mark(t, path, n);
    return CP_OK;
}

/* ---- reading stored bytes -------------------------------------------------
 *
 * Stored bytes are read only through the bounded reader (base.h).
 */

/* A 16-bit length. */
static cp_status rd_be16(cp_rd *r, size_t *out)
{
    uint16_t v = 0;
    cp_status st = cp_rd__be16(r, &v);
    *out = v;
    return st;
}

/* A signed 64-bit field stored as two's complement. */
static cp_status rd_be64s(cp_rd *r, int64_t *out)
{
    uint32_t hi, lo;
    uint64_t u;
    cp_status st = cp_rd__be32(r, &hi);
    if (st == CP_OK)
        st = cp_rd__be32(r, &lo);
    if (st != CP_OK)
        return st;
    u = ((uint64_t)hi << 32) | lo;
    /* back to signed without implementation-defined casts */
    *out = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
    return CP_OK;
}

cp_status cp_meta__ui_next(cp_rd *r, cp_meta_ui_rec *u)
{
    uint8_t ll;
    cp_status st = cp_rd__u8(r, &u->kind);
    if (st == CP_OK)
        st = cp_rd__u8(r, &ll);
    if (st == CP_OK)
        st = cp_rd__take(r, ll, &u->lang);
    if (st == CP_OK)
        st = rd_be16(r, &u->text_len);
    if (st == CP_OK)
        st = cp_rd__take(r, u->text_len, &u->text);
    if (st == CP_OK)
        u->lang_len = ll;
    return st;
}

int cp_meta__ui_valid(const uint8_t *ui, size_t n)
{
    cp_rd r;
    cp_meta_ui_rec u;
    cp_rd__init(&r, ui, n);
    while (cp_rd__left(&r) > 0) {
        if (cp_meta__ui_next(&r, &u) != CP_OK || u.lang_len == 0 ||
            (u.kind != CP_META__UI_LABEL && u.kind != CP_META__UI_OPTIONS))
            return 0;
    }
    return 1;
}

cp_status cp_meta__set_ui(cp_ctx *ctx, cp_meta_ent *e, const uint8_t *ui,
                          size_t n)
{
    uint8_t *c = NULL;
    if (e == NULL || n > CP_META__UI_MAX || !cp_meta__ui_valid(ui, n))
        return e == NULL ? CP_E_INTERNAL : CP_E_CORRUPT;
    if (n) {
        c = cp_mem__alloc(&ctx->alloc, n);
        if (c == NULL)
            return CP_E_NOMEM;
        memcpy(c, ui, n);
    }
    cp_mem__free(&ctx->alloc, e->ui);
    e->ui = c;
    e->ui_len = n;
    return CP_OK;
}

int cp_meta__tab_del(cp_ctx *ctx, cp_meta_tab *t, const char *path)
{
    cp_meta_ent *e = cp_meta__tab_find(t, path, strlen(path));
    if (e == NULL)
        return 0;
    t->gen++;
    cp_mem__free(&ctx->alloc, e->path);
    cp_mem__free(&ctx->alloc, e->ui);
    e->path = NULL;
    e->ui = NULL;
    e->ui_len = 0;
    e->tomb = 1;
    t->live--;
    kids_rebuild(t); /* rare (the host's call): lookups below stay fast */
    return 1;
}

/* ---- the blob ----------------------------------------------------------- */

static void put64(uint8_t *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    cp_be32__put(p, (uint32_t)(u >> 32));
    cp_be32__put(p + 4, (uint32_t)u);
}

cp_status cp_meta__save(cp_ctx *ctx, cp_engine *e)
{
    cp_buf b;
    uint8_t w[32];
    size_t i;
    cp_status st;
    cp_buf__init(&b, &ctx->alloc);
    st = cp_buf__put(&b, "CPMB\002", 5);
    cp_be32__put(w, (uint32_t)e->meta.live);
    if (!st)
        st = cp_buf__put(&b, w, 4);
    for (i = 0; i < e->meta.cap && !st; i++) {
        const cp_meta_ent *m = &e->meta.slots[i];
        size_t pl;
        if (m->path == NULL)
            continue;
        pl = m->len;
        w[0] = (uint8_t)(pl >> 8);
        w[1] = (uint8_t)pl;
        st = cp_buf__put(&b, w, 2);
        if (!st)
            st = cp_buf__put(&b, m->path, pl);
        cp_be32__put(w, m->m.access_roles);
        w[4] = (uint8_t)m->m.rw;
        w[5] = (uint8_t)m->m.datatype;
        w[6] = (uint8_t)((m->m.has_min ? 1 : 0) | (m->m.has_max ? 2 : 0));
        put64(w + 7, m->m.min);
        put64(w + 15, m->m.max);
        cp_be32__put(w + 23, (uint32_t)m->m.max_length);
        w[27] = (uint8_t)(m->ui_len >> 8);
        w[28] = (uint8_t)m->ui_len;
        if (!st)
            st = cp_buf__put(&b, w, 29);
        if (!st && m->ui_len)
            st = cp_buf__put(&b, m->ui, m->ui_len);
    }
    cp_be32__put(w, cp_crc32__ieee(b.p, b.len));
    if (!st)
        st = cp_buf__put(&b, w, 4);
    if (!st)
        st = cp_store__save(ctx, META_BLOB, b.p, b.len);
    cp_buf__free(&b);
    return st;
}

/* The fixed part of an entry, after its path: 27 octets. */
static cp_status parse_fixed(cp_rd *r, cp_meta *m)
{
    uint8_t rw, dt, bounds;
    uint32_t roles, max_length;
    cp_status st = cp_rd__be32(r, &roles);
    if (st == CP_OK)
        st = cp_rd__u8(r, &rw);
    if (st == CP_OK)
        st = cp_rd__u8(r, &dt);
    if (st == CP_OK)
        st = cp_rd__u8(r, &bounds);
    if (st == CP_OK)
        st = rd_be64s(r, &m->min);
    if (st == CP_OK)
        st = rd_be64s(r, &m->max);
    if (st == CP_OK)
        st = cp_rd__be32(r, &max_length);
    if (st != CP_OK)
        return CP_E_CORRUPT;
    m->access_roles = roles;
    m->rw = rw;
    m->datatype = (cp_datatype)dt;
    m->has_min = (bounds & 1) != 0;
    m->has_max = (bounds & 2) != 0;
    m->max_length = max_length;
    if (m->rw > 3 || (m->access_roles & ~(uint32_t)CP_ROLES_ALL) != 0)
        return CP_E_CORRUPT; /* never what cp_meta__put stores */
    return CP_OK;
}

/* One entry (its texts too in version 2) into e->meta. */
static cp_status parse_entry(cp_ctx *ctx, cp_engine *e, cp_rd *r, int v2,
                             char *path)
{
    const uint8_t *at;
    size_t pl, ul;
    cp_meta m;
    cp_status st;
    if (rd_be16(r, &pl) != CP_OK || pl == 0 || pl > CP_META__PATH_LIMIT ||
        cp_rd__take(r, pl, &at) != CP_OK)
        return CP_E_CORRUPT;
    memcpy(path, at, pl);
    path[pl] = '\0';
    cp_meta__defaults(&m); /* as cp_meta_init */
    st = parse_fixed(r, &m);
    if (st == CP_OK)
        st = cp_meta__tab_put(ctx, &e->meta, path, &m);
    if (st != CP_OK || !v2)
        return st;
    if (rd_be16(r, &ul) != CP_OK || ul > CP_META__UI_MAX ||
        cp_rd__take(r, ul, &at) != CP_OK)
        return CP_E_CORRUPT;
    return cp_meta__set_ui(ctx, cp_meta__tab_find(&e->meta, path, pl), at, ul);
}

/* The blob (format at the top) into e->meta. */
static cp_status parse_entries(cp_ctx *ctx, cp_engine *e, const uint8_t *p,
                               size_t n, char *path)
{
    const uint8_t *magic;
    uint32_t crc, count, i;
    uint8_t version;
    cp_rd r;
    cp_status st = CP_OK;
    if (n < 13)
        return CP_E_CORRUPT;
    cp_rd__init(&r, p, n); /* the CRC-32 trailer first */
    if (cp_rd__skip(&r, n - 4) != CP_OK || cp_rd__be32(&r, &crc) != CP_OK ||
        crc != cp_crc32__ieee(p, n - 4))
        return CP_E_CORRUPT;
    cp_rd__init(&r, p, n - 4);
    if (cp_rd__take(&r, 4, &magic) != CP_OK || memcmp(magic, "CPMB", 4) != 0 ||
        cp_rd__u8(&r, &version) != CP_OK || (version != 1 && version != 2) ||
        cp_rd__be32(&r, &count) != CP_OK)
        return CP_E_CORRUPT;
    for (i = 0; i < count && st == CP_OK; i++)
        st = parse_entry(ctx, e, &r, version == 2, path);
    if (st == CP_OK && cp_rd__left(&r) != 0)
        st = CP_E_CORRUPT;
    return st;
}

/* parse_entries with its path buffer on the heap (bounded stack). */
static cp_status parse_meta(cp_ctx *ctx, cp_engine *e, const uint8_t *p,
                            size_t n)
{
    char *path = cp_mem__alloc(&ctx->alloc, CP_META__PATH_LIMIT + 1);
    cp_status st;
    if (path == NULL)
        return CP_E_NOMEM;
    st = parse_entries(ctx, e, p, n, path);
    cp_mem__free(&ctx->alloc, path);
    return st;
}

cp_status cp_meta__load(cp_ctx *ctx, cp_engine **out)
{
    cp_engine *e;
    cp_buf b;
    cp_status st = cp_engine__get(ctx, &e);
    if (st)
        return st;
    *out = e;
    if (e->meta_loaded)
        return CP_OK;
    e->meta_damaged = 0;
    cp_buf__init(&b, &ctx->alloc);
    st = cp_store__load(ctx, META_BLOB, &b);
    if (st == CP_OK && b.len > 0) {
        st = parse_meta(ctx, e, b.p, b.len);
        if (st == CP_E_CORRUPT) { /* fail closed: metabase.c, damaged() */
            cp_meta__tab_free(ctx, &e->meta);
            e->meta_damaged = 1;
        }
    } else if (st == CP_E_NOT_FOUND || st == CP_OK) {
        st = CP_OK;
    }
    cp_buf__free(&b);
    if (st == CP_OK || st == CP_E_CORRUPT) {
        e->meta_loaded = 1;
        e->meta_gen++;
        return CP_OK; /* a corrupt one is meta_damaged: lookups deny */
    }
    cp_meta__tab_free(ctx, &e->meta);
    return st;
}

/* ---- the built-in defaults ---------------------------------------------- */

cp_status cp_meta__set_default(cp_ctx *ctx, const char *path, uint32_t roles,
                               unsigned rw)
{
    cp_engine *e;
    cp_meta m;
    cp_meta_ent *ent;
    cp_status st = cp_engine__get(ctx, &e);
    if (st)
        return st;
    cp_meta__defaults(&m); /* as cp_meta_init */
    m.access_roles = roles;
    m.rw = rw & (CP_RW_READ | CP_RW_WRITE);
    st = cp_meta__tab_put(ctx, &e->defaults, path, &m);
    ent = st ? NULL : cp_meta__tab_find(&e->defaults, path, strlen(path));
    if (ent != NULL) {
        ent->rw_only = (rw & CP_META__RW_ONLY) != 0;
        e->defaults.gen++; /* lookups keep what they found: again */
    }
    return st;
}

cp_status cp_meta__set_default_type(cp_ctx *ctx, const char *path,
                                    cp_datatype dt)
{
    cp_engine *e;
    cp_meta_ent *ent;
    cp_status st = cp_engine__get(ctx, &e);
    if (st)
        return st;
    ent = cp_meta__tab_find(&e->defaults, path, strlen(path));
    if (ent == NULL)
        return CP_E_NOT_FOUND;
    ent->m.datatype = dt;
    e->defaults.gen++; /* the leaf cache holds copies of entries */
    return CP_OK;
}
