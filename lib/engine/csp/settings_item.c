/*
 * settings_item.c - the generic settings CSP's items: which stored item a
 * pending one is (its identity parm, or its whole content for keyless
 * types), and the index that finds it without a scan. Reads and hashes
 * nodes; knows nothing of storage or of the handlers.
 */
#include <string.h>

#include "settings.h"

/* ---- identity ------------------------------------------------------------------ */

const char *cp_set__key_parm(const char *type)
{
    if (cp_str__casecmp(type, "NAPDEF") == 0)
        return "NAPID";
    if (cp_str__casecmp(type, "PXLOGICAL") == 0)
        return "PROXY-ID";
    if (cp_str__casecmp(type, "APPLICATION") == 0)
        return "APPID";
    if (cp_str__casecmp(type, "VENDORCONFIG") == 0)
        return "NAME";
    return NULL;
}

const cp_node *cp_set__find_parm(const cp_node *item, const char *name)
{
    const cp_node *c;
    for (c = cp_node__child(item); c != NULL; c = cp_node__next(c))
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0)
            return c;
    return NULL;
}

const char *cp_set__parm_value(const cp_node *item, const char *name)
{
    const cp_node *p = cp_set__find_parm(item, name);
    return p ? (p->value ? p->value : "") : NULL;
}

/* Do two subtrees hold the same content (for keyless types)? */
static int same_tree(const cp_node *a, const cp_node *b)
{
    const cp_node *x = cp_node__child(a), *y = cp_node__child(b);
    if (a->kind != b->kind ||
        strcmp(a->key ? a->key : "", b->key ? b->key : "") != 0 ||
        strcmp(a->value ? a->value : "", b->value ? b->value : "") != 0)
        return 0;
    for (; x && y; x = cp_node__next(x), y = cp_node__next(y))
        if (!same_tree(x, y))
            return 0;
    return x == NULL && y == NULL;
}

static int same_item(const settings *st, const cp_node *a, const cp_node *b)
{
    const char *k = st->key;
    if (st->is_client || st->tree)
        return 1;
    if (k == NULL)
        return same_tree(a, b);
    {
        const char *va = cp_set__parm_value(a, k);
        const char *vb = cp_set__parm_value(b, k);
        if (!va || !vb || strcmp(va, vb) != 0)
            return 0;
    }
    if (st->is_app) {
        const char *pa = cp_set__parm_value(a, "PROVIDER-ID");
        const char *pb = cp_set__parm_value(b, "PROVIDER-ID");
        return strcmp(pa ? pa : "", pb ? pb : "") == 0;
    }
    return 1;
}

cp_node *cp_set__child_char(const cp_node *n, const char *type)
{
    cp_node *c;
    for (c = cp_node__child(n); c != NULL; c = cp_node__next(c))
        if (c->kind == CP_NODE_CHARACTERISTIC && strcmp(c->key, type) == 0)
            return c;
    return NULL;
}

/* ---- the item index ------------------------------------------------------------------
 *
 * Stored items are found by a hash of their identity (the identity parm's
 * value; for types without one, the whole content), so matching a pending
 * item, Windows Mobile addressing and duplicate detection cost O(1) per
 * item instead of a scan of every stored item. The index is rebuilt from
 * the stored document when it is loaded and whenever an identity may have
 * changed in place; a candidate is always confirmed against the node.
 */
static const char tomb_mark = 0; /* only its address is used */
#define TOMB ((cp_node *)(uintptr_t)&tomb_mark)

uint32_t cp_set__fnv(uint32_t h, const char *s)
{
    for (; s != NULL && *s; s++)
        h = (uint32_t)(((unsigned long)(h ^ (uint8_t)*s) * 16777619ul) &
                       0xFFFFFFFFul);
    return (uint32_t)(((unsigned long)h * 16777619ul) & 0xFFFFFFFFul); /* the end */
}

/* A hash of a whole subtree (keyless types), walked without recursion. */
static uint32_t tree_hash(const cp_node *top, uint32_t h)
{
    const cp_node *n = top;
    for (;;) {
        h = cp_set__fnv(cp_set__fnv(h ^ n->kind, n->key), n->value);
        if (n->child != 0) {
            n = cp_node__child(n);
            continue;
        }
        while (n != top && n->next == 0) {
            n = cp_node__parent(n);
            h = cp_set__fnv(h, NULL); /* the end of a child list */
        }
        if (n == top)
            return h;
        n = cp_node__next(n);
    }
}

static uint32_t key_hash(const char *v)
{
    return cp_set__fnv(2166136261u, v);
}

/* The identity hash of an item (pending or stored). */
static uint32_t item_hash(const settings *st, const cp_node *item)
{
    const char *k = st->key;
    if (st->is_client || st->tree)
        return 0;
    if (k == NULL)
        return tree_hash(item, 2166136261u);
    return key_hash(cp_set__parm_value(item, k));
}

/*
 * The hash of everything same_item compares: item_hash, and for an
 * APPLICATION its PROVIDER-ID too (none hashes as ""). Equal items have
 * equal full hashes, so a slot whose full hash differs is passed over.
 */
static uint32_t full_hash(const settings *st, const cp_node *item,
                         uint32_t h)
{
    if (!st->is_app || st->key == NULL || st->is_client || st->tree)
        return h;
    return cp_set__fnv(h, cp_set__parm_value(item, "PROVIDER-ID"));
}

void cp_set__ix_free(settings *st)
{
    cp_mem__free(&st->ctx->alloc, st->ix);
    st->ix = NULL;
    st->ixcap = st->ixused = st->ixlive = 0;
    st->ixok = 0;
}

/* The first free slot for hash h (cap a power of 2, not full). */
static size_t free_slot(const ient *tab, size_t cap, uint32_t h)
{
    size_t i = h & (cap - 1);
    while (tab[i].n != NULL)
        i = (i + 1) & (cap - 1);
    return i;
}

void cp_set__ix_put(ient *tab, size_t cap, uint32_t h, cp_node *n)
{
    size_t i = free_slot(tab, cap, h);
    tab[i].h = h;
    tab[i].full = h;
    tab[i].n = n;
}

/* An item into the item index: cp_set__ix_put with its full hash. */
static void ix_put_item(const settings *st, ient *tab, size_t cap,
                        uint32_t h, cp_node *n)
{
    size_t i = free_slot(tab, cap, h);
    tab[i].h = h;
    tab[i].full = full_hash(st, n, h);
    tab[i].n = n;
}

/*
 * The slot count of a fresh open-addressing table for live entries of
 * esize bytes: a power of 2, at least 4 slots per entry (so at most half
 * full until it grows again); 0 when its size would overflow.
 */
size_t cp_set__tab_cap(size_t live, size_t esize)
{
    size_t cap = 16;
    while (cap < (live + 1) * 4) {
        if (cap > (size_t)-1 / 4 / esize)
            return 0;
        cap *= 2;
    }
    return cap;
}

/* Room for one more entry: rehash into a table of twice the live entries. */
static cp_status ix_room(settings *st)
{
    size_t cap, i;
    ient *t;
    if (st->ix != NULL && (st->ixused + 1) * 2 <= st->ixcap)
        return CP_OK;
    if ((cap = cp_set__tab_cap(st->ixlive, sizeof *t)) == 0)
        return CP_E_NOMEM;
    t = cp_mem__alloc(&st->ctx->alloc, cap * sizeof *t);
    if (t == NULL)
        return CP_E_NOMEM;
    memset(t, 0, cap * sizeof *t);
    /* without ix, ixcap is 0: the test tells the analyzers */
    for (i = 0; st->ix != NULL && i < st->ixcap; i++)
        if (st->ix[i].n != NULL && st->ix[i].n != TOMB)
            t[free_slot(t, cap, st->ix[i].h)] = st->ix[i];
    cp_mem__free(&st->ctx->alloc, st->ix);
    st->ix = t;
    st->ixcap = cap;
    st->ixused = st->ixlive;
    return CP_OK;
}

cp_status cp_set__ix_add(settings *st, cp_node *item)
{
    cp_status e;
    if (!st->ixok)
        return CP_OK; /* rebuilt, item included, at the next lookup */
    e = ix_room(st);
    if (e) {
        cp_set__ix_free(st);
        return CP_OK; /* the scan still works; the next lookup retries */
    }
    ix_put_item(st, st->ix, st->ixcap, item_hash(st, item), item);
    st->ixused++;
    st->ixlive++;
    return CP_OK;
}

void cp_set__ix_del(settings *st, const cp_node *item)
{
    size_t i, k;
    if (!st->ixok)
        return;
    i = item_hash(st, item) & (st->ixcap - 1);
    for (k = 0; k < st->ixcap && st->ix[i].n != NULL; k++) {
        if (st->ix[i].n == item) {
            st->ix[i].n = TOMB;
            st->ixlive--;
            return;
        }
        i = (i + 1) & (st->ixcap - 1);
    }
    st->ixok = 0; /* not found: rebuild rather than trust it */
}

/*
 * A parm written or deleted in place on an addressed item may change that
 * item's identity: the index is rebuilt at its next use.
 */
void cp_set__identity_touch(settings *st, const frame *f,
                            const char *name)
{
    const char *k = st->key;
    if (f->mode == MODE_ADDRESS && k != NULL &&
        (strcmp(name, k) == 0 || strcmp(name, "PROVIDER-ID") == 0))
        st->ixok = 0;
}

/* (Re)build the index from the stored document; 0 when out of memory. */
static int ix_ready(settings *st)
{
    cp_node *c;
    if (st->ixok)
        return 1;
    cp_set__ix_free(st);
    st->ixok = 1;
    for (c = cp_node__child(st->doc->root); c != NULL; c = cp_node__next(c)) {
        if (ix_room(st) != CP_OK) {
            cp_set__ix_free(st);
            return 0;
        }
        ix_put_item(st, st->ix, st->ixcap, item_hash(st, c), c);
        st->ixused++;
        st->ixlive++;
    }
    return 1;
}

/*
 * The stored item with identity hash h that match() accepts: through the
 * index when there is exactly one candidate, else (several candidates, so
 * document order decides, or no index) by scanning in document order.
 */
static cp_node *ix_find(settings *st, uint32_t h, const uint32_t *full,
                        int (*match)(const settings *, const cp_node *,
                                     const void *),
                        const void *arg)
{
    cp_node *c, *found = NULL;
    size_t i, k;
    int hits = 0;
    if (ix_ready(st) && st->ixcap != 0) {
        i = h & (st->ixcap - 1);
        for (k = 0; k < st->ixcap && st->ix[i].n != NULL; k++) {
            if (st->ix[i].n != TOMB && st->ix[i].h == h &&
                (full == NULL || st->ix[i].full == *full) &&
                match(st, st->ix[i].n, arg) && hits++ == 0)
                found = st->ix[i].n;
            i = (i + 1) & (st->ixcap - 1);
        }
        if (hits <= 1)
            return found;
    } else if (st->ixok) {
        return NULL; /* an empty index: nothing stored */
    }
    for (c = cp_node__child(st->doc->root); c != NULL; c = cp_node__next(c))
        if (match(st, c, arg))
            return c;
    return NULL;
}

static int match_item(const settings *st, const cp_node *c, const void *arg)
{
    return same_item(st, c, arg);
}

static int match_key(const settings *st, const cp_node *c, const void *arg)
{
    const char *v = cp_set__parm_value(c, st->key);
    return v != NULL && strcmp(v, arg) == 0;
}

/* The stored item whose identity value is key (Windows Mobile addressing). */
cp_node *cp_set__item_by_key(settings *st, const char *key)
{
    if (st->key == NULL ||
        st->is_client)
        return NULL;
    return ix_find(st, key_hash(key), NULL, match_key, key);
}

/* The stored item a pending item updates, or NULL. */
cp_node *cp_set__item_like(settings *st, const cp_node *p)
{
    uint32_t h = item_hash(st, p), full = full_hash(st, p, h);
    return ix_find(st, h, &full, match_item, p);
}
