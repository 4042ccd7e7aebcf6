/*
 * metabase.c - access control per setting path: a hash table of entries,
 * persisted as the "metabase" blob, with built-in defaults beside it.
 *
 * Paths are compared without regard to ASCII case, so every spelling of a
 * setting finds the same entry (a rule must not hold for one spelling
 * only). A lookup takes the most specific entry that covers the path, the
 * persisted and the built-in tables together (the persisted one on a tie),
 * so a host entry on "NAPDEF" does not unprotect the default entry of
 * "NAPDEF/NAPAUTHINFO/AUTHSECRET".
 *
 * Blob: "CPMB", u8 version 2, u32 count, then per entry: u16 path length,
 * path, u32 access roles, u8 rw, u8 datatype, u8 bounds flags (1 min,
 * 2 max), u64 min, u64 max (two's complement), u32 max length, u16 texts
 * length and the texts (engine.h, CP_META__UI_*); then a CRC-32 of all
 * before it. Big-endian throughout. Version 1 (0.1.0) has no texts and is
 * still read. A blob that cannot be read fails closed: every access but
 * the UI's is denied until the host writes the metabase again.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"

#define META_BLOB "metabase"
#define PATH_LIMIT 1024

/* The first (0.1.0) layout of cp_meta, frozen: the smallest struct_size. */
#define META_MIN_SIZE CP_SIZE_THROUGH(cp_meta, max_length)

static void meta_defaults(cp_meta *m)
{
    memset(m, 0, sizeof *m);
    m->struct_size = sizeof *m;
    m->access_roles = CP_ROLE_MANAGER;
    m->rw = CP_RW_READ | CP_RW_WRITE;
    m->datatype = CP_DT_UNKNOWN;
}

CP_ALIGN_DECL(cp_meta);

CP_EXPORT void cp_meta_init_size(cp_meta *m, size_t size)
{
    cp_meta d;
    cp_struct__init(m, size);
    if (m == NULL || size < sizeof size)
        return;
    meta_defaults(&d);
    (void)cp_struct__give(m, &d, sizeof d, sizeof size);
}

/* The symbol 0.1.0 programs call: it prepares the 0.1.0 layout only. */
#undef cp_meta_init
CP_EXPORT void cp_meta_init(cp_meta *m);
CP_EXPORT void cp_meta_init(cp_meta *m)
{
    cp_meta_init_size(m, CP_FIRST_SIZE(cp_meta, max_length));
}

/*
 * Paths compare without regard to ASCII case, and '\\' separates levels as
 * '/' does: Windows Mobile names metabase entries with backslashes
 * ("Registry\\HKLM\\Software\\Microsoft\\TestKey3", "Metabase Settings"
 * aa458983) where the engine's path of the same setting is
 * "Registry/HKLM\\Software\\Microsoft/TestKey3".
 */
static uint8_t fold(uint8_t c)
{
    if (c == '\\')
        return '/';
    return (uint8_t)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static int is_sep(char c)
{
    return c == '/' || c == '\\';
}

/* FNV-1a of the path folded to lower case. */
static uint32_t hash_path(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= fold((uint8_t)s[i]);
        h *= 16777619u;
    }
    return h;
}

/* 1 when the NUL-terminated a equals b[0..n) without regard to ASCII case. */
static int same_path(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (a[i] == '\0' || fold((uint8_t)a[i]) != fold((uint8_t)b[i]))
            return 0;
    return a[n] == '\0';
}

/* Slot holding path[0..n), whose hash_path is h, or NULL. */
static cp_meta_ent *tab_find_h(const cp_meta_tab *t, const char *path,
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
        if (e->path != NULL && same_path(e->path, path, n))
            return e;
    }
}

/* Slot holding path[0..n), or NULL. */
static cp_meta_ent *tab_find(const cp_meta_tab *t, const char *path, size_t n)
{
    return t->cap ? tab_find_h(t, path, n, hash_path(path, n)) : NULL;
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
        for (k = hash_path(e->path, strlen(e->path)) & (nt.cap - 1);
             nt.slots[k].path != NULL; k = (k + 1) & (nt.cap - 1))
            ;
        nt.slots[k] = *e;
        nt.used++;
        nt.live++;
    }
    cp_mem__free(&ctx->alloc, t->slots);
    *t = nt;
    return CP_OK;
}

static cp_status tab_put(cp_ctx *ctx, cp_meta_tab *t, const char *path,
                         const cp_meta *m)
{
    size_t n = strlen(path), i, mask;
    cp_meta_ent *e = tab_find(t, path, n);
    cp_status st;
    if (e != NULL) {
        e->m = *m;
        return CP_OK;
    }
    if ((t->used + 1) * 4 > t->cap * 3) {
        st = tab_grow(ctx, t);
        if (st)
            return st;
    }
    mask = t->cap - 1;
    for (i = hash_path(path, n) & mask; t->slots[i].path != NULL;
         i = (i + 1) & mask)
        ;
    e = &t->slots[i];
    e->path = cp_mem__alloc(&ctx->alloc, n + 1);
    if (e->path == NULL)
        return CP_E_NOMEM;
    memcpy(e->path, path, n + 1);
    if (!e->tomb)
        t->used++;
    e->tomb = 0;
    e->rw_only = 0;
    e->ui = NULL;
    e->ui_len = 0;
    e->m = *m;
    t->live++;
    return CP_OK;
}

/* ---- reading stored bytes -------------------------------------------------
 *
 * Stored bytes are read only through the bounded reader (base.h). Base
 * reads octets; the big-endian fields and the byte runs the formats here
 * use are read by these helpers (candidates for lib/base).
 */

/* n octets in place: *out points into the reader's bytes. */
static cp_status rd_bytes(cp_rd *r, size_t n, const uint8_t **out)
{
    const uint8_t *at = r->p;
    cp_status st = cp_rd__skip(r, n);
    if (st == CP_OK)
        *out = at;
    return st;
}

static cp_status rd_be16(cp_rd *r, size_t *out)
{
    const uint8_t *b;
    cp_status st = rd_bytes(r, 2, &b);
    if (st == CP_OK)
        *out = ((size_t)b[0] << 8) | b[1];
    return st;
}

static cp_status rd_be32(cp_rd *r, uint32_t *out)
{
    const uint8_t *b;
    cp_status st = rd_bytes(r, 4, &b);
    if (st == CP_OK)
        *out = cp_be32__get(b);
    return st;
}

/* A signed 64-bit field stored as two's complement. */
static cp_status rd_be64s(cp_rd *r, int64_t *out)
{
    uint32_t hi, lo;
    uint64_t u;
    cp_status st = rd_be32(r, &hi);
    if (st == CP_OK)
        st = rd_be32(r, &lo);
    if (st != CP_OK)
        return st;
    u = ((uint64_t)hi << 32) | lo;
    /* back to signed without implementation-defined casts */
    *out = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
    return CP_OK;
}

/* One record of a list of texts (engine.h, CP_META__UI_*). */
typedef struct ui_rec {
    uint8_t kind;
    const uint8_t *lang, *text;
    size_t lang_len, text_len;
} ui_rec;

static cp_status ui_next(cp_rd *r, ui_rec *u)
{
    uint8_t ll;
    cp_status st = cp_rd__u8(r, &u->kind);
    if (st == CP_OK)
        st = cp_rd__u8(r, &ll);
    if (st == CP_OK)
        st = rd_bytes(r, ll, &u->lang);
    if (st == CP_OK)
        st = rd_be16(r, &u->text_len);
    if (st == CP_OK)
        st = rd_bytes(r, u->text_len, &u->text);
    if (st == CP_OK)
        u->lang_len = ll;
    return st;
}

/* 1 when ui[0..n) is a well-formed list of texts (engine.h). */
static int ui_valid(const uint8_t *ui, size_t n)
{
    cp_rd r;
    ui_rec u;
    cp_rd__init(&r, ui, n);
    while (cp_rd__left(&r) > 0) {
        if (ui_next(&r, &u) != CP_OK || u.lang_len == 0 ||
            (u.kind != CP_META__UI_LABEL && u.kind != CP_META__UI_OPTIONS))
            return 0;
    }
    return 1;
}

/* Replace e's texts by a copy of ui[0..n). */
static cp_status set_ui(cp_ctx *ctx, cp_meta_ent *e, const uint8_t *ui,
                        size_t n)
{
    uint8_t *c = NULL;
    if (e == NULL || n > CP_META__UI_MAX || !ui_valid(ui, n))
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

static int tab_del(cp_ctx *ctx, cp_meta_tab *t, const char *path)
{
    cp_meta_ent *e = tab_find(t, path, strlen(path));
    if (e == NULL)
        return 0;
    cp_mem__free(&ctx->alloc, e->path);
    cp_mem__free(&ctx->alloc, e->ui);
    e->path = NULL;
    e->ui = NULL;
    e->ui_len = 0;
    e->tomb = 1;
    t->live--;
    return 1;
}

/* ---- persistence -------------------------------------------------------------- */

static void put64(uint8_t *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    cp_be32__put(p, (uint32_t)(u >> 32));
    cp_be32__put(p + 4, (uint32_t)u);
}

static cp_status save_meta(cp_ctx *ctx, cp_engine *e)
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
        pl = strlen(m->path);
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
    cp_status st = rd_be32(r, &roles);
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
        st = rd_be32(r, &max_length);
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
    if (rd_be16(r, &pl) != CP_OK || pl == 0 || pl > PATH_LIMIT ||
        rd_bytes(r, pl, &at) != CP_OK)
        return CP_E_CORRUPT;
    memcpy(path, at, pl);
    path[pl] = '\0';
    cp_meta_init(&m);
    st = parse_fixed(r, &m);
    if (st == CP_OK)
        st = tab_put(ctx, &e->meta, path, &m);
    if (st != CP_OK || !v2)
        return st;
    if (rd_be16(r, &ul) != CP_OK || ul > CP_META__UI_MAX ||
        rd_bytes(r, ul, &at) != CP_OK)
        return CP_E_CORRUPT;
    return set_ui(ctx, tab_find(&e->meta, path, pl), at, ul);
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
    if (cp_rd__skip(&r, n - 4) != CP_OK || rd_be32(&r, &crc) != CP_OK ||
        crc != cp_crc32__ieee(p, n - 4))
        return CP_E_CORRUPT;
    cp_rd__init(&r, p, n - 4);
    if (rd_bytes(&r, 4, &magic) != CP_OK || memcmp(magic, "CPMB", 4) != 0 ||
        cp_rd__u8(&r, &version) != CP_OK || (version != 1 && version != 2) ||
        rd_be32(&r, &count) != CP_OK)
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
    char *path = cp_mem__alloc(&ctx->alloc, PATH_LIMIT + 1);
    cp_status st;
    if (path == NULL)
        return CP_E_NOMEM;
    st = parse_entries(ctx, e, p, n, path);
    cp_mem__free(&ctx->alloc, path);
    return st;
}

static cp_status load_meta(cp_ctx *ctx, cp_engine **out)
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
        if (st == CP_E_CORRUPT) { /* fail closed: see damaged() */
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

/* ---- lookups -------------------------------------------------------------------- */

/*
 * The '/'-prefixes of a path with their hashes, computed in one pass: a
 * lookup probes the path and each ancestor in two tables.
 */
#define PFX_MAX 32
typedef struct pfxs {
    size_t n[PFX_MAX + 1];
    uint32_t h[PFX_MAX + 1];
    size_t count; /* n[0] < n[1] < ...; the last is the whole path (a
                     deeper path: the levels past PFX_MAX are hashed when
                     probed) */
} pfxs;

static void prefixes(const char *path, size_t len, pfxs *p)
{
    uint32_t h = 2166136261u;
    size_t i;
    p->count = 0;
    for (i = 0; i < len; i++) {
        if (is_sep(path[i]) && p->count < PFX_MAX) {
            p->n[p->count] = i;
            p->h[p->count++] = h;
        }
        h ^= fold((uint8_t)path[i]);
        h *= 16777619u;
    }
    p->n[p->count] = len;
    p->h[p->count++] = h;
}

/*
 * Nearest-ancestor match of path[0..n) in t (exact, then each
 * '/'-prefix), none shorter than min octets; *len receives the length
 * matched. Hashes come from p where it recorded them.
 */
static const cp_meta_ent *nearest(const cp_meta_tab *t, const char *path,
                                  const pfxs *p, size_t n, size_t min,
                                  size_t *len)
{
    size_t k = p->count;
    if (t->live == 0)
        return NULL;
    for (;;) {
        const cp_meta_ent *e;
        uint32_t h;
        if (n < min)
            return NULL;
        while (k > 0 && p->n[k - 1] > n)
            k--;
        h = k > 0 && p->n[k - 1] == n ? p->h[k - 1] : hash_path(path, n);
        e = tab_find_h(t, path, n, h);
        if (e != NULL) {
            *len = n;
            return e;
        }
        while (n > 0 && !is_sep(path[n - 1]))
            n--;
        if (n == 0)
            return NULL;
        n--; /* drop the separator */
    }
}

/*
 * The entry in force for path[0..n): the most specific of both tables. A
 * built-in "secret" default only narrows rw; its roles and the rest come
 * from the entry in force above it. *plen: length of the persisted match
 * that won (0: a default or nothing).
 */
static void lookup_n(const cp_engine *e, const char *path, const pfxs *p,
                     size_t n, cp_meta *m, size_t *plen)
{
    unsigned rw = CP_RW_READ | CP_RW_WRITE;
    *plen = 0;
    for (;;) {
        size_t pl = 0, dl = 0;
        const cp_meta_ent *ent = nearest(&e->meta, path, p, n, 0, &pl);
        const cp_meta_ent *def =
            nearest(&e->defaults, path, p, n, ent != NULL ? pl + 1 : 0, &dl);
        if (def != NULL && def->rw_only) {
            rw &= def->m.rw; /* and the rest from the entry above it */
            while (dl > 0 && !is_sep(path[dl - 1]))
                dl--;
            if (dl == 0) {
                cp_meta_init(m);
                break;
            }
            n = dl - 1;
            continue;
        }
        if (def != NULL) {
            *m = def->m;
        } else if (ent != NULL) {
            *m = ent->m;
            if (rw == (CP_RW_READ | CP_RW_WRITE))
                *plen = pl;
        } else {
            cp_meta_init(m);
        }
        break;
    }
    m->rw &= rw;
}

cp_status cp_meta__default_rw(cp_ctx *ctx, const char *path, unsigned *rw)
{
    cp_engine *e;
    cp_engine only;
    cp_meta m;
    size_t n = strlen(path), plen = 0;
    pfxs p;
    cp_status st = cp_engine__get(ctx, &e);
    if (st)
        return st;
    memset(&only, 0, sizeof only);
    only.defaults = e->defaults; /* the built-in table alone */
    prefixes(path, n, &p);
    lookup_n(&only, path, &p, n, &m, &plen);
    *rw = m.rw;
    return CP_OK;
}

/*
 * A stored metabase that cannot be read (corrupt, foreign) has lost the
 * host's entries, which may have protected settings the defaults do not:
 * every lookup then gives an entry nobody may use and CP_E_CORRUPT, until
 * the host (cp_meta_set, cp_meta_remove) or the UI writes the metabase.
 */
static cp_status damaged(cp_ctx *ctx, cp_meta *m, int *exact)
{
    cp_meta_init(m);
    m->rw = 0;
    m->access_roles = 0;
    if (exact)
        *exact = 0;
    return cp_err__set(ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                       "the stored metabase is damaged: access is refused "
                       "until the host writes it again (cp_meta_set)");
}

cp_status cp_meta__lookup(cp_ctx *ctx, const char *path, cp_meta *m,
                          int *exact)
{
    cp_engine *e;
    size_t n = strlen(path), plen = 0;
    pfxs p;
    cp_status st = load_meta(ctx, &e);
    if (st)
        return st;
    if (e->meta_damaged)
        return damaged(ctx, m, exact);
    prefixes(path, n, &p);
    lookup_n(e, path, &p, n, m, &plen);
    if (exact)
        *exact = plen == n;
    return CP_OK;
}


cp_status cp_meta__check(cp_ctx *ctx, uint32_t roles, const char *path,
                         unsigned need, cp_meta *m, char *why, size_t cap)
{
    cp_status st = cp_meta__lookup(ctx, path, m, NULL);
    if (st == CP_E_CORRUPT && (roles & CP_ROLE_EXEMPT)) {
        cp_meta_init(m); /* the UI may still repair the device */
        st = CP_OK;
    }
    if (st == CP_E_CORRUPT)
        snprintf(why, cap, "%s", cp_ctx_error_message(ctx));
    if (st || (roles & CP_ROLE_EXEMPT))
        return st;
    if ((m->rw & need) != need) {
        snprintf(why, cap, "%s is not %s", path,
                 need & CP_RW_WRITE ? "writable" : "readable");
        return CP_E_ACCESS_DENIED;
    }
    if ((roles & m->access_roles) == 0) {
        snprintf(why, cap, "access denied to %s: roles 0x%lx, needs one of 0x%lx",
                 path, (unsigned long)roles, (unsigned long)m->access_roles);
        return CP_E_ACCESS_DENIED;
    }
    return CP_OK;
}

cp_status cp_meta__allowed(cp_ctx *ctx, uint32_t roles, const char *path,
                           unsigned need, char *why, size_t cap)
{
    cp_meta m;
    if (roles & CP_ROLE_EXEMPT)
        return CP_OK;
    return cp_meta__check(ctx, roles, path, need, &m, why, cap);
}

cp_status cp_meta__tree_allowed(cp_ctx *ctx, uint32_t roles, char *path,
                                size_t plen, const cp_node *n, unsigned need,
                                char *why, size_t cap)
{
    const cp_node *c;
    cp_status st = CP_OK;
    if (roles & CP_ROLE_EXEMPT)
        return CP_OK;
    for (c = cp_node__child(n); c != NULL && !st; c = cp_node__next(c)) {
        size_t kl;
        if (c->kind != CP_NODE_PARM && c->kind != CP_NODE_CHARACTERISTIC)
            continue;
        kl = strlen(c->key);
        if (plen + 1 + kl > CP_PATH_MAX) {
            snprintf(why, cap, "setting path longer than %d octets",
                     CP_PATH_MAX);
            st = CP_E_LIMIT;
            break;
        }
        path[plen] = '/';
        memcpy(path + plen + 1, c->key, kl + 1);
        st = cp_meta__allowed(ctx, roles, path, need, why, cap);
        if (!st && c->kind == CP_NODE_CHARACTERISTIC)
            st = cp_meta__tree_allowed(ctx, roles, path, plen + 1 + kl, c,
                                       need, why, cap);
        path[plen] = '\0';
    }
    return st;
}

/* Is every entry of t strictly below path allowed (need) to roles? */
static cp_status below(cp_ctx *ctx, const cp_meta_tab *t, uint32_t roles,
                       const char *path, size_t n, unsigned need, char *why,
                       size_t cap)
{
    size_t i;
    cp_status st = CP_OK;
    for (i = 0; i < t->cap && !st; i++) {
        const char *p = t->slots[i].path;
        size_t k;
        if (p == NULL || strlen(p) <= n + 1 || !is_sep(p[n]))
            continue;
        for (k = 0; k < n && fold((uint8_t)p[k]) == fold((uint8_t)path[k]); k++)
            ;
        if (k == n) /* the entry in force there, not just this one */
            st = cp_meta__allowed(ctx, roles, p, need, why, cap);
    }
    return st;
}

cp_status cp_meta__below_allowed(cp_ctx *ctx, uint32_t roles,
                                 const char *path, unsigned need, char *why,
                                 size_t cap)
{
    cp_engine *e;
    size_t n = strlen(path);
    cp_status st;
    if (roles & CP_ROLE_EXEMPT)
        return CP_OK;
    st = load_meta(ctx, &e);
    if (!st)
        st = below(ctx, &e->meta, roles, path, n, need, why, cap);
    if (!st)
        st = below(ctx, &e->defaults, roles, path, n, need, why, cap);
    return st;
}

cp_status cp_meta__set_default(cp_ctx *ctx, const char *path, uint32_t roles,
                               unsigned rw)
{
    cp_engine *e;
    cp_meta m;
    cp_meta_ent *ent;
    cp_status st = cp_engine__get(ctx, &e);
    if (st)
        return st;
    cp_meta_init(&m);
    m.access_roles = roles;
    m.rw = rw & (CP_RW_READ | CP_RW_WRITE);
    st = tab_put(ctx, &e->defaults, path, &m);
    ent = st ? NULL : tab_find(&e->defaults, path, strlen(path));
    if (ent != NULL)
        ent->rw_only = (rw & CP_META__RW_ONLY) != 0;
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
    ent = tab_find(&e->defaults, path, strlen(path));
    if (ent == NULL)
        return CP_E_NOT_FOUND;
    ent->m.datatype = dt;
    return CP_OK;
}

static int meta_valid(const cp_meta *m)
{
    return m->struct_size >= sizeof(cp_meta) &&
           (m->rw & ~(CP_RW_READ | CP_RW_WRITE)) == 0 &&
           (m->access_roles & ~(uint32_t)CP_ROLES_ALL) == 0 &&
           (!m->has_min || !m->has_max || m->min <= m->max) &&
           m->max_length <= 0xFFFFFFFFu &&
           (m->datatype == CP_DT_INTEGER || m->datatype == CP_DT_STRING ||
            m->datatype == CP_DT_FLOAT || m->datatype == CP_DT_BOOLEAN ||
            m->datatype == CP_DT_BINARY ||
            m->datatype == CP_DT_MULTIPLE_STRING ||
            m->datatype == CP_DT_NODE || m->datatype == CP_DT_UNKNOWN);
}

static int path_valid(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 0 && n <= PATH_LIMIT &&
           cp_utf8__valid((const uint8_t *)path, n) && path[0] != '/' &&
           path[n - 1] != '/';
}

/* Set path's entry; its texts become ui[0..ui_len) unless ui is NULL. */
static cp_status put_entry(cp_ctx *ctx, const char *path, const cp_meta *m,
                           const uint8_t *ui, size_t ui_len)
{
    cp_engine *e = NULL; /* stays NULL when the engine cannot be made */
    cp_status st;
    if (!path_valid(path) || m == NULL || !meta_valid(m) ||
        (ui != NULL && (ui_len > CP_META__UI_MAX || !ui_valid(ui, ui_len))))
        return CP_E_INVALID_ARG;
    st = load_meta(ctx, &e);
    if (!st) {
        e->meta_gen++;
        st = tab_put(ctx, &e->meta, path, m);
    }
    if (!st && ui != NULL)
        st = set_ui(ctx, tab_find(&e->meta, path, strlen(path)), ui, ui_len);
    if (!st)
        st = save_meta(ctx, e);
    if (!st)
        e->meta_damaged = 0; /* the host or the UI rewrote it */
    if (st && e != NULL && !ctx->in_txn) {
        /* not stored: forget the change (reload from storage next time) */
        cp_meta__tab_free(ctx, &e->meta);
        e->meta_loaded = 0;
    }
    return st;
}

cp_status cp_meta__put(cp_ctx *ctx, const char *path, const cp_meta *m)
{
    return put_entry(ctx, path, m, NULL, 0);
}

cp_status cp_meta__put_ui(cp_ctx *ctx, const char *path, const cp_meta *m,
                          const uint8_t *ui, size_t len)
{
    static const uint8_t none[1] = {0};
    return put_entry(ctx, path, m, len ? ui : none, len);
}

cp_status cp_meta__ui(cp_ctx *ctx, const char *path, const uint8_t **ui,
                      size_t *len)
{
    cp_engine *e;
    const cp_meta_ent *ent;
    cp_status st = load_meta(ctx, &e);
    *ui = NULL;
    *len = 0;
    if (st)
        return st;
    ent = tab_find(&e->meta, path, strlen(path));
    if (ent != NULL && ent->ui_len) {
        *ui = ent->ui;
        *len = ent->ui_len;
    }
    return CP_OK;
}

int cp_meta__ui_text(cp_ctx *ctx, const char *path, unsigned kind, char *out,
                     size_t cap)
{
    const uint8_t *ui = NULL, *pick = NULL;
    size_t n = 0, pick_len = 0;
    cp_rd r;
    ui_rec u;
    if (cap == 0 || cp_meta__ui(ctx, path, &ui, &n) != CP_OK || ui == NULL)
        return 0;
    cp_rd__init(&r, ui, n);
    while (cp_rd__left(&r) > 0 && ui_next(&r, &u) == CP_OK) {
        int us = u.lang_len == 4 && memcmp(u.lang, "0409", 4) == 0;
        if (u.kind == kind && (pick == NULL || us)) {
            pick = u.text;
            pick_len = u.text_len;
            if (us)
                break;
        }
    }
    if (pick == NULL)
        return 0;
    if (pick_len >= cap)
        pick_len = cap - 1;
    memcpy(out, pick, pick_len);
    out[pick_len] = '\0';
    return 1;
}

cp_status cp_meta__del(cp_ctx *ctx, const char *path)
{
    cp_engine *e;
    cp_status st;
    if (!path_valid(path))
        return CP_E_INVALID_ARG;
    st = load_meta(ctx, &e);
    if (st)
        return st;
    if (!tab_del(ctx, &e->meta, path))
        return CP_E_NOT_FOUND;
    e->meta_gen++;
    st = save_meta(ctx, e);
    if (st && !ctx->in_txn) {
        cp_meta__tab_free(ctx, &e->meta);
        e->meta_loaded = 0;
    }
    return st;
}

CP_EXPORT cp_status cp_meta_set(cp_ctx *ctx, const char *path,
                                const cp_meta *m)
{
    cp_meta mine;
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    meta_defaults(&mine);
    /* an entry of unknown size is an invalid entry, as it always was */
    if (m != NULL &&
        cp_struct__take(&mine, sizeof mine, m, META_MIN_SIZE) != CP_OK)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "cp_meta.struct_size %lu is not a size this "
                           "library knows", (unsigned long)m->struct_size);
    /* enter, not just test ctx->busy: that read raced with another thread */
    if (cp_ctx__enter(ctx) != CP_OK)
        return CP_E_BUSY;
    st = cp_meta__put(ctx, path, m != NULL ? &mine : NULL);
    if (st == CP_E_INVALID_ARG)
        st = cp_err__set(ctx, st, CP_NO_OFFSET,
                         "invalid metabase path or entry");
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_meta_get(cp_ctx *ctx, const char *path, cp_meta *m,
                                int *exact)
{
    cp_meta mine;
    cp_status st;
    if (ctx == NULL || m == NULL || !path_valid(path))
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    meta_defaults(&mine);
    st = cp_meta__lookup(ctx, path, &mine, exact);
    cp_ctx__leave(ctx);
    /* The call prepares *m (0.1.0 did too): the layout of ctx's release.
       Damaged: *m says no access at all. */
    if (st == CP_OK || st == CP_E_CORRUPT)
        cp_struct__fill(ctx, m, &mine, sizeof mine,
                        CP_FIRST_SIZE(cp_meta, max_length));
    return st;
}

CP_EXPORT cp_status cp_meta_remove(cp_ctx *ctx, const char *path)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if (cp_ctx__enter(ctx) != CP_OK)
        return CP_E_BUSY;
    st = cp_meta__del(ctx, path);
    cp_ctx__leave(ctx);
    return st;
}
