/*
 * metabase.c - access control per setting path: the entry in force for a
 * path, the access checks the engine makes with it, and the entry points
 * (cp_meta_init, cp_meta_set/get/remove). The tables and the stored
 * "metabase" blob are meta_table.c's.
 *
 * A lookup takes the most specific entry that covers the path, the
 * persisted and the built-in tables together (the persisted one on a tie),
 * so a host entry on "NAPDEF" does not unprotect the default entry of
 * "NAPDEF/NAPAUTHINFO/AUTHSECRET". Paths compare folded (meta_table.c), so
 * every spelling of a setting finds the same entry.
 */
#include <stdio.h>
#include <string.h>

#include "meta.h"

/* The first (0.1.0) layout of cp_meta, frozen: the smallest struct_size. */
#define META_MIN_SIZE CP_SIZE_THROUGH(cp_meta, max_length)

CP_ALIGN_DECL(cp_meta);

CP_EXPORT void cp_meta_init_size(cp_meta *m, size_t size)
{
    cp_meta d;
    cp_meta__defaults(&d);
    cp_struct__init_from(m, size, &d, sizeof d);
}

/* The symbol 0.1.0 programs call: it prepares the 0.1.0 layout only. */
#undef cp_meta_init
CP_EXPORT void cp_meta_init(cp_meta *m);
CP_EXPORT void cp_meta_init(cp_meta *m)
{
    cp_meta_init_size(m, CP_FIRST_SIZE(cp_meta, max_length));
}

/* ---- lookups ------------------------------------------------------------ */

/*
 * Nearest-ancestor match of path[0..n) in t (exact, then each
 * '/'-prefix), none shorter than min octets; *len receives the length
 * matched. Hashes come from p where it recorded them.
 */
static const cp_meta_ent *nearest(const cp_meta_tab *t, const char *path,
                                  const cp_meta_pfxs *p, size_t n,
                                  size_t min, size_t *len)
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
        h = k > 0 && p->n[k - 1] == n ? p->h[k - 1] : cp_meta__hash(path, n);
        e = cp_meta__tab_find_h(t, path, n, h);
        if (e != NULL) {
            *len = n;
            return e;
        }
        /* the next shorter prefix: p recorded every separator before a
           separator it recorded (the whole path may lie past its last) */
        if (k > 0 && p->n[k - 1] == n &&
            (k < p->count || p->count <= CP_META__PFX_MAX)) {
            if (k == 1)
                return NULL;
            n = p->n[k - 2];
            continue;
        }
        while (n > 0 && !cp_meta__is_sep(path[n - 1]))
            n--;
        if (n == 0)
            return NULL;
        n--; /* drop the separator */
    }
}

/*
 * nearest() of the whole path of a lookup the cache c served: the exact
 * entry, else the parent's nearest as c holds it (tables[which]).
 */
static const cp_meta_ent *nearest_leaf(const cp_meta_tab *t,
                                       const struct cp_meta_pcache *c,
                                       int which, const char *path,
                                       size_t n, size_t min, size_t *len)
{
    const cp_meta_ent *e = NULL;
    if (t->live != 0 && n >= min)
        e = cp_meta__tab_find_h(t, path, n, c->p.h[c->p.count - 1]);
    if (e != NULL) {
        *len = n;
        return e;
    }
    if (c->near[which] == NULL || c->near_len[which] < min)
        return NULL;
    *len = c->near_len[which];
    return c->near[which];
}

/* Make c's nearest entries of its parent current. */
static void near_ready(const cp_engine *e, struct cp_meta_pcache *c,
                       const char *path)
{
    if (c->near_ok && c->gen[0] == e->meta.gen &&
        c->gen[1] == e->defaults.gen)
        return;
    c->near_len[0] = c->near_len[1] = 0;
    c->near[0] = nearest(&e->meta, path, &c->p, c->len, 0, &c->near_len[0]);
    c->near[1] =
        nearest(&e->defaults, path, &c->p, c->len, 0, &c->near_len[1]);
    c->gen[0] = e->meta.gen;
    c->gen[1] = e->defaults.gen;
    c->near_ok = 1;
    c->leaf_ok = 0;
}

/*
 * The entry in force for path[0..n): the most specific of both tables. A
 * built-in "secret" default only narrows rw; its roles and the rest come
 * from the entry in force above it. *plen: length of the persisted match
 * that won (0: a default or nothing).
 */
static void lookup_n(const cp_engine *e, const char *path,
                     const cp_meta_pfxs *p, size_t n, cp_meta *m,
                     size_t *plen, const struct cp_meta_pcache *c)
{
    unsigned rw = CP_RW_READ | CP_RW_WRITE;
    *plen = 0;
    for (;;) {
        size_t pl = 0, dl = 0;
        const cp_meta_ent *ent, *def;
        if (c != NULL) { /* the whole path, its parent's answers cached */
            ent = nearest_leaf(&e->meta, c, 0, path, n, 0, &pl);
            def = nearest_leaf(&e->defaults, c, 1, path, n,
                               ent != NULL ? pl + 1 : 0, &dl);
            c = NULL;
        } else {
            ent = nearest(&e->meta, path, p, n, 0, &pl);
            def = nearest(&e->defaults, path, p, n,
                          ent != NULL ? pl + 1 : 0, &dl);
        }
        if (def != NULL && def->rw_only) {
            rw &= def->m.rw; /* and the rest from the entry above it */
            while (dl > 0 && !cp_meta__is_sep(path[dl - 1]))
                dl--;
            if (dl == 0) {
                cp_meta__defaults(m);
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
            cp_meta__defaults(m); /* as cp_meta_init, without its layout work: a lookup per setting */
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
    cp_meta_pfxs p;
    cp_status st = cp_engine__get(ctx, &e);
    if (st)
        return st;
    memset(&only, 0, sizeof only);
    only.defaults = e->defaults; /* the built-in table alone */
    cp_meta__prefixes(path, n, &p);
    lookup_n(&only, path, &p, n, &m, &plen, NULL);
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

/*
 * The prefixes of path[0..n) from e's cache: the parent's when it is the
 * parent looked up last, else hashed (and cached), then the leaf's entry.
 * NULL when the cache cannot serve: no parent, a long one, no memory, or
 * more levels than a cp_meta_pfxs records (it would record other ones).
 */
/*
 * 1 when path[0..n) is c's parent, a separator and a leaf without one
 * (the next parm of the same characteristic): *h is then its hash, from
 * the parent's and one pass over the leaf that also looks for separators.
 */
static int same_parent(const struct cp_meta_pcache *c, const char *path,
                       size_t n, uint32_t *h)
{
    size_t i;
    uint32_t x;
    if (c->len >= n || c->count > CP_META__PFX_MAX ||
        !cp_meta__is_sep(path[c->len]) || memcmp(c->path, path, c->len) != 0)
        return 0;
    x = cp_meta__hash_step(c->p.h[c->count - 1], path[c->len]);
    for (i = c->len + 1; i < n; i++) {
        if (cp_meta__is_sep(path[i]))
            return 0;
        x = (x ^ ((uint8_t)path[i] | 0x20u)) * 16777619u; /* as hash_step */
    }
    *h = x;
    return 1;
}

static const cp_meta_pfxs *cached_prefixes(cp_ctx *ctx, cp_engine *e,
                                           const char *path, size_t n)
{
    struct cp_meta_pcache *c = e->pcache;
    size_t pl = n;
    uint32_t h;
    if (c != NULL && same_parent(c, path, n, &h)) {
        c->p.n[c->count] = n;
        c->p.h[c->count] = h;
        c->p.count = c->count + 1;
        return &c->p;
    }
    while (pl > 0 && !cp_meta__is_sep(path[pl - 1]))
        pl--;
    if (pl-- == 0 || pl >= CP_META__PCACHE_PATH)
        return NULL;
    if (c == NULL) {
        c = e->pcache = cp_mem__alloc(&ctx->alloc, sizeof *c);
        if (c == NULL)
            return NULL;
        c->len = (size_t)-1;
        c->leaf_ok = 0;
        c->serial = 0;
    }
    if (c->len != pl || memcmp(c->path, path, pl) != 0) {
        cp_meta__prefixes(path, pl, &c->p);
        memcpy(c->path, path, pl);
        c->len = pl;
        c->count = c->p.count;
        c->near_ok = c->leaf_ok = 0;
        if (++c->serial == 0) /* another parent: earlier marks are void */
            c->serial = 1;    /* (0 is nobody's mark) */
    }
    if (c->count > CP_META__PFX_MAX)
        return NULL;
    /* the parent's end is the path's last separator, as recorded in full */
    c->p.n[c->count] = n;
    c->p.h[c->count] =
        cp_meta__hash_more(c->p.h[c->count - 1], path + pl, n - pl);
    c->p.count = c->count + 1;
    return &c->p;
}

/* The prefixes of path[0..n): cached, else hashed into *local. */
static const cp_meta_pfxs *prefixes(cp_ctx *ctx, cp_engine *e,
                                    const char *path, size_t n,
                                    cp_meta_pfxs *local)
{
    const cp_meta_pfxs *p = cached_prefixes(ctx, e, path, n);
    if (p == NULL) {
        cp_meta__prefixes(path, n, local);
        p = local;
    }
    return p;
}

/*
 * The entry in force for path[0..n) when it is a leaf of c's parent (one
 * level below, the parent spelled as c holds it) and c->leaf_m serves
 * every such leaf: no hash, no probe (most parms of a characteristic).
 */
static const cp_meta *leaf_cached(const cp_engine *e,
                                  const struct cp_meta_pcache *c,
                                  const char *path, size_t n,
                                  unsigned long seen)
{
    if (c == NULL || !c->leaf_ok || c->gen[0] != e->meta.gen ||
        c->gen[1] != e->defaults.gen || c->len >= n)
        return NULL;
    /* seen: the caller's parent is the one a hit under c->serial
       compared, and c's has not changed since */
    if (seen != c->serial && (!cp_meta__is_sep(path[c->len]) ||
                              memcmp(c->path, path, c->len) != 0))
        return NULL;
    return cp_meta__has_sep(path + c->len + 1, n - c->len - 1) ? NULL
                                                               : &c->leaf_m;
}

const cp_meta *cp_meta__leaf_fast(const cp_engine *e, const char *path,
                                  size_t n, size_t at, unsigned long *seen)
{
    const cp_meta *m;
    if (e == NULL || !e->meta_loaded || e->meta_damaged)
        return NULL;
    m = leaf_cached(e, e->pcache, path, n, *seen);
    /* a parent deeper than the caller's prefix (a leaf "x/y" of it) is
       not the parent of the caller's next leaf: no mark then */
    if (m != NULL && e->pcache->len + 1 == at)
        *seen = e->pcache->serial;
    return m;
}

/*
 * After a lookup c served (near[] current): when neither table may hold
 * an entry directly below c's parent, the leaf just looked up had none
 * either, and its entry in force *m is every such leaf's.
 */
static void leaf_learn(const cp_engine *e, struct cp_meta_pcache *c,
                       const cp_meta *m)
{
    uint32_t ph = c->p.h[c->count - 1];
    if (cp_meta__kids_maybe(&e->meta, ph) ||
        cp_meta__kids_maybe(&e->defaults, ph))
        return;
    c->leaf_m = *m;
    c->leaf_ok = 1;
}

/*
 * cp_meta__lookup of path[0..n); e: the context's engine when the caller
 * holds it (NULL: fetched), so a check per setting does not look it up.
 */
static cp_status lookup_len(cp_ctx *ctx, cp_engine *e, const char *path,
                            size_t n, cp_meta *m, int *exact)
{
    size_t plen = 0;
    cp_meta_pfxs local;
    const cp_meta_pfxs *p;
    struct cp_meta_pcache *c;
    const cp_meta *hit;
    unsigned long none = 0; /* no mark: the parent is compared */
    if (e == NULL || !e->meta_loaded) {
        cp_status st = cp_meta__load(ctx, &e);
        if (st)
            return st;
    }
    if (e->meta_damaged)
        return damaged(ctx, m, exact);
    if ((hit = cp_meta__leaf_fast(e, path, n, 0, &none)) != NULL) {
        *m = *hit;
        if (exact)
            *exact = 0; /* the entry in force lies above the leaf */
        return CP_OK;
    }
    p = prefixes(ctx, e, path, n, &local);
    c = e->pcache != NULL && p == &e->pcache->p ? e->pcache : NULL;
    if (c != NULL)
        near_ready(e, c, path);
    lookup_n(e, path, p, n, m, &plen, c);
    if (c != NULL)
        leaf_learn(e, c, m);
    if (exact)
        *exact = plen == n;
    return CP_OK;
}

cp_status cp_meta__lookup(cp_ctx *ctx, const char *path, cp_meta *m,
                          int *exact)
{
    return lookup_len(ctx, NULL, path, strlen(path), m, exact);
}

/* ---- access checks ------------------------------------------------------ */

cp_status cp_meta__check_in(cp_ctx *ctx, cp_engine *e, uint32_t roles,
                            const char *path, size_t n, unsigned need,
                            cp_meta *m, char *why, size_t cap)
{
    cp_status st = lookup_len(ctx, e, path, n, m, NULL);
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
    return cp_meta__check_in(ctx, NULL, roles, path, strlen(path), need, &m,
                             why, cap);
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
        if (p == NULL || t->slots[i].len <= n + 1 || !cp_meta__is_sep(p[n]))
            continue;
        for (k = 0; k < n && cp_meta__fold((uint8_t)p[k]) ==
                                 cp_meta__fold((uint8_t)path[k]);
             k++)
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
    st = cp_meta__load(ctx, &e);
    if (!st)
        st = below(ctx, &e->meta, roles, path, n, need, why, cap);
    if (!st)
        st = below(ctx, &e->defaults, roles, path, n, need, why, cap);
    return st;
}

/* ---- entries: set, texts, remove ---------------------------------------- */

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
    return n > 0 && n <= CP_META__PATH_LIMIT &&
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
        (ui != NULL &&
         (ui_len > CP_META__UI_MAX || !cp_meta__ui_valid(ui, ui_len))))
        return CP_E_INVALID_ARG;
    st = cp_meta__load(ctx, &e);
    if (!st) {
        e->meta_gen++;
        st = cp_meta__tab_put(ctx, &e->meta, path, m);
    }
    if (!st && ui != NULL)
        st = cp_meta__set_ui(
            ctx, cp_meta__tab_find(&e->meta, path, strlen(path)), ui, ui_len);
    if (!st)
        st = cp_meta__save(ctx, e);
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
    cp_status st = cp_meta__load(ctx, &e);
    *ui = NULL;
    *len = 0;
    if (st)
        return st;
    ent = cp_meta__tab_find(&e->meta, path, strlen(path));
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
    cp_meta_ui_rec u;
    if (cap == 0 || cp_meta__ui(ctx, path, &ui, &n) != CP_OK || ui == NULL)
        return 0;
    cp_rd__init(&r, ui, n);
    while (cp_rd__left(&r) > 0 && cp_meta__ui_next(&r, &u) == CP_OK) {
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
    st = cp_meta__load(ctx, &e);
    if (st)
        return st;
    if (!cp_meta__tab_del(ctx, &e->meta, path))
        return CP_E_NOT_FOUND;
    e->meta_gen++;
    st = cp_meta__save(ctx, e);
    if (st && !ctx->in_txn) {
        cp_meta__tab_free(ctx, &e->meta);
        e->meta_loaded = 0;
    }
    return st;
}

/* ---- the entry points --------------------------------------------------- */

CP_EXPORT cp_status cp_meta_set(cp_ctx *ctx, const char *path,
                                const cp_meta *m)
{
    cp_meta mine;
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    cp_meta__defaults(&mine);
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
    cp_meta__defaults(&mine);
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
