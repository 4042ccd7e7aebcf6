/*
 * settings.c - the generic settings CSP: keeps any tree of characteristics
 * and parms under one top-level type, stored as a WBXML blob ("s.TYPE")
 * through the ctx storage, and answers queries on it.
 *
 * Items are matched by their identity parm (NAPDEF: NAPID, PXLOGICAL:
 * PROXY-ID, APPLICATION: APPID and PROVIDER-ID, VENDORCONFIG: NAME), so a
 * second document updates an item instead of adding a duplicate: the parms
 * it names replace the stored parms of that name, the child
 * characteristics it carries replace the stored ones of that type.
 * CLIENTIDENTITY is a single item; other types are keyed by their whole
 * content (an identical item is not added twice).
 *
 * Windows Mobile addressing also works: inside the top-level
 * characteristic, a child characteristic whose type is an item's identity
 * (e.g. <characteristic type="NAPDEF"><characteristic type="INTERNET">)
 * addresses that stored item for parm-query, parm, noparm and
 * nocharacteristic.
 */
#include <stdio.h>
#include <string.h>

#include "../../codec/prov.h"
#include "../engine.h"
#include "csp_int.h"

enum { MODE_PENDING = 1, MODE_ADDRESS = 2, MODE_CHILD = 3 };

typedef struct frame {
    int mode;
    cp_node *node; /* pending node (in s->pend) or stored node (in s->doc) */
} frame;

#define MAX_FRAMES 64

typedef struct settings {
    char type[CP_TYPE_MAX + 1];
    const char *key;     /* the identity parm (key_parm of type), or NULL */
    int is_app, is_client; /* APPLICATION, CLIENTIDENTITY */
    int prov;              /* a PROV type: PROV names have one spelling */
    int tree;              /* another type (Registry, CM_GPRSEntries): one
                              tree, merged level by level */
    char blob[CP_TYPE_MAX + 3];
    cp_ctx *ctx;
    cp_doc *doc;  /* stored items: children of doc->root */
    int loaded, dirty;
    size_t load_count; /* st->doc's elements when loaded */
    /*
     * Items of the running call, merged at char_leave. PEND_BORROWS: its
     * strings are the ones the engine passes in (the processed document's,
     * which outlives the call; pend is freed at commit or rollback), so
     * they are not copied; the stored document copies what it keeps.
     */
    cp_doc *pend;
    /* the stored items by identity hash (open addressing), valid when ixok */
    struct ient *ix;
    size_t ixcap, ixused, ixlive;
    int ixok;
    /* storage pages (see "pages" below); paged: the type's names fit */
    int paged, hdr_dirty;
    struct page *pages;
    size_t npages, pcap;
    size_t ptrail;     /* page blobs that may exist in the store */
    size_t *dlist;     /* the dirty pages, each once */
    size_t ndirty, dcap;
    int dlost;         /* out of memory for dlist: every page is written */
    struct pent *pmap; /* item reference -> page, open addressing */
    size_t pmcap, pmused, pmlive;
    frame fr[MAX_FRAMES];
    int nfr;
    char err[160];
    cp_status (*on_commit)(struct settings *st); /* PXLOGICAL: gateways */
    cp_status (*check_parm)(struct settings *st, cp_csp_session *s,
                            const char *name, const char *value);
    /* after each change of a top-level item (PXLOGICAL: trusted gateways) */
    cp_status (*check_doc)(struct settings *st, cp_csp_session *s);
} settings;

#define PAGE_ITEMS 8 /* stored items per page blob */

/* One page: the stored items it holds, in document order. */
typedef struct page {
    cp_node *it[PAGE_ITEMS];
    unsigned n;
    int dirty;
} page;

/* Item reference -> page number; ref 0: free, PM_TOMB: deleted. */
typedef struct pent {
    uint32_t ref, page;
} pent;

/* One slot of the item index: an item (NULL: free; TOMB: deleted) and its hash. */
typedef struct ient {
    uint32_t h;
    cp_node *n;
} ient;

/* ---- identity ------------------------------------------------------------------ */

static const char *key_parm(const char *type)
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

static const cp_node *find_parm(const cp_node *item, const char *name)
{
    const cp_node *c;
    for (c = cp_node__child(item); c != NULL; c = cp_node__next(c))
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0)
            return c;
    return NULL;
}

static const char *parm_value(const cp_node *item, const char *name)
{
    const cp_node *p = find_parm(item, name);
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
        const char *va = parm_value(a, k), *vb = parm_value(b, k);
        if (!va || !vb || strcmp(va, vb) != 0)
            return 0;
    }
    if (st->is_app) {
        const char *pa = parm_value(a, "PROVIDER-ID");
        const char *pb = parm_value(b, "PROVIDER-ID");
        return strcmp(pa ? pa : "", pb ? pb : "") == 0;
    }
    return 1;
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

static uint32_t fnv(uint32_t h, const char *s)
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
        h = fnv(fnv(h ^ n->kind, n->key), n->value);
        if (n->child != 0) {
            n = cp_node__child(n);
            continue;
        }
        while (n != top && n->next == 0) {
            n = cp_node__parent(n);
            h = fnv(h, NULL); /* the end of a child list */
        }
        if (n == top)
            return h;
        n = cp_node__next(n);
    }
}

static uint32_t key_hash(const char *v)
{
    return fnv(2166136261u, v);
}

/* The identity hash of an item (pending or stored). */
static uint32_t item_hash(const settings *st, const cp_node *item)
{
    const char *k = st->key;
    if (st->is_client || st->tree)
        return 0;
    if (k == NULL)
        return tree_hash(item, 2166136261u);
    return key_hash(parm_value(item, k));
}

static void ix_free(settings *st)
{
    cp_mem__free(&st->ctx->alloc, st->ix);
    st->ix = NULL;
    st->ixcap = st->ixused = st->ixlive = 0;
    st->ixok = 0;
}

static void ix_put(ient *tab, size_t cap, uint32_t h, cp_node *n)
{
    size_t i = h & (cap - 1);
    while (tab[i].n != NULL)
        i = (i + 1) & (cap - 1);
    tab[i].h = h;
    tab[i].n = n;
}

/*
 * The slot count of a fresh open-addressing table for live entries of
 * esize bytes: a power of 2, at least 4 slots per entry (so at most half
 * full until it grows again); 0 when its size would overflow.
 */
static size_t tab_cap(size_t live, size_t esize)
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
    if ((cap = tab_cap(st->ixlive, sizeof *t)) == 0)
        return CP_E_NOMEM;
    t = cp_mem__alloc(&st->ctx->alloc, cap * sizeof *t);
    if (t == NULL)
        return CP_E_NOMEM;
    memset(t, 0, cap * sizeof *t);
    for (i = 0; i < st->ixcap; i++)
        if (st->ix[i].n != NULL && st->ix[i].n != TOMB)
            ix_put(t, cap, st->ix[i].h, st->ix[i].n);
    cp_mem__free(&st->ctx->alloc, st->ix);
    st->ix = t;
    st->ixcap = cap;
    st->ixused = st->ixlive;
    return CP_OK;
}

static cp_status ix_add(settings *st, cp_node *item)
{
    cp_status e;
    if (!st->ixok)
        return CP_OK; /* rebuilt, item included, at the next lookup */
    e = ix_room(st);
    if (e) {
        ix_free(st);
        return CP_OK; /* the scan still works; the next lookup retries */
    }
    ix_put(st->ix, st->ixcap, item_hash(st, item), item);
    st->ixused++;
    st->ixlive++;
    return CP_OK;
}

static void ix_del(settings *st, const cp_node *item)
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
static void identity_touch(settings *st, const frame *f, const char *name)
{
    const char *k = st->key;
    if (f->mode == MODE_ADDRESS && k != NULL &&
        (strcmp(name, k) == 0 || strcmp(name, "PROVIDER-ID") == 0))
        st->ixok = 0;
}

static void page_remove(settings *st, const cp_node *item);

/* Unlink a stored top-level item. */
static void item_unlink(settings *st, cp_node *item)
{
    ix_del(st, item);
    page_remove(st, item);
    cp_doc__unlink(item);
}

/* (Re)build the index from the stored document; 0 when out of memory. */
static int ix_ready(settings *st)
{
    cp_node *c;
    if (st->ixok)
        return 1;
    ix_free(st);
    st->ixok = 1;
    for (c = cp_node__child(st->doc->root); c != NULL; c = cp_node__next(c)) {
        if (ix_room(st) != CP_OK) {
            ix_free(st);
            return 0;
        }
        ix_put(st->ix, st->ixcap, item_hash(st, c), c);
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
static cp_node *ix_find(settings *st, uint32_t h,
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
    const char *v = parm_value(c, st->key);
    return v != NULL && strcmp(v, arg) == 0;
}

/* The stored item whose identity value is key (Windows Mobile addressing). */
static cp_node *item_by_key(settings *st, const char *key)
{
    if (st->key == NULL ||
        st->is_client)
        return NULL;
    return ix_find(st, key_hash(key), match_key, key);
}

/* The stored item a pending item updates, or NULL. */
static cp_node *item_like(settings *st, const cp_node *p)
{
    return ix_find(st, item_hash(st, p), match_item, p);
}

/* ---- pages ------------------------------------------------------------------------
 *
 * The stored items of a type live in page blobs of PAGE_ITEMS items each,
 * "s.TYPE.0", "s.TYPE.1" ..., listed by a header blob "s.TYPE" ("CPS1" and
 * the page count, big-endian). A commit writes only the pages whose items
 * changed (and the header when the count did), so its cost follows the
 * change, not the number of items stored. Pages keep document order: the
 * stored document's items are page 0's, then page 1's, and so on; new
 * items go to the last page, deleted ones leave a gap until the pages are
 * repacked (when there are more than twice as many as needed). A type whose
 * page names would not fit the store's 63-character names, and a header
 * blob written by the first format (one WBXML document), are read as one
 * document; the first change then writes pages.
 */
#define PM_TOMB 0xFFFFFFFFu
#define HDR_LEN 8
#define PAGE_TYPE_MAX 50 /* "s." + type + "." + 10 digits <= 63 */

static uint32_t pm_hash(uint32_t ref, size_t cap)
{
    return (uint32_t)(((unsigned long)ref * 0x9E3779B1ul) & 0xFFFFFFFFul) &
           (uint32_t)(cap - 1);
}

static void pm_free(settings *st)
{
    cp_mem__free(&st->ctx->alloc, st->pmap);
    st->pmap = NULL;
    st->pmcap = st->pmused = st->pmlive = 0;
    cp_mem__free(&st->ctx->alloc, st->pages);
    st->pages = NULL;
    cp_mem__free(&st->ctx->alloc, st->dlist);
    st->dlist = NULL;
    st->ndirty = st->dcap = 0;
    st->dlost = 0;
    st->npages = st->pcap = st->ptrail = 0;
    st->hdr_dirty = 0;
}

static pent *pm_slot(const settings *st, uint32_t ref)
{
    size_t i, k;
    if (st->pmcap == 0)
        return NULL;
    i = pm_hash(ref, st->pmcap);
    for (k = 0; k < st->pmcap && st->pmap[i].ref != 0; k++) {
        if (st->pmap[i].ref == ref)
            return &st->pmap[i];
        i = (i + 1) & (st->pmcap - 1);
    }
    return NULL;
}

static void pm_insert(pent *tab, size_t cap, uint32_t ref, uint32_t pg)
{
    size_t i = pm_hash(ref, cap);
    while (tab[i].ref != 0 && tab[i].ref != PM_TOMB)
        i = (i + 1) & (cap - 1);
    tab[i].ref = ref;
    tab[i].page = pg;
}

static cp_status pm_put(settings *st, uint32_t ref, uint32_t pg)
{
    if (st->pmcap == 0 || (st->pmused + 1) * 2 > st->pmcap) {
        size_t cap = tab_cap(st->pmlive, sizeof(pent)), i;
        pent *t;
        if (cap == 0)
            return CP_E_NOMEM;
        t = cp_mem__alloc(&st->ctx->alloc, cap * sizeof *t);
        if (t == NULL)
            return CP_E_NOMEM;
        memset(t, 0, cap * sizeof *t);
        for (i = 0; i < st->pmcap; i++)
            if (st->pmap[i].ref != 0 && st->pmap[i].ref != PM_TOMB)
                pm_insert(t, cap, st->pmap[i].ref, st->pmap[i].page);
        cp_mem__free(&st->ctx->alloc, st->pmap);
        st->pmap = t;
        st->pmcap = cap;
        st->pmused = st->pmlive;
    }
    pm_insert(st->pmap, st->pmcap, ref, pg);
    st->pmused++;
    st->pmlive++;
    return CP_OK;
}

/* A new empty page at the end. */
static cp_status page_new(settings *st)
{
    if (st->npages == st->pcap) {
        size_t nc = st->pcap ? st->pcap * 2 : 4;
        size_t max = (size_t)-1 / sizeof(page);
        page *t;
        if (max > 0x0FFFFFFFu) /* page numbers are 32-bit in the map */
            max = 0x0FFFFFFFu;
        if (nc > max)
            return CP_E_LIMIT;
        t = cp_mem__realloc(&st->ctx->alloc, st->pages, nc * sizeof *t);
        if (t == NULL)
            return CP_E_NOMEM;
        st->pages = t;
        st->pcap = nc;
    }
    memset(&st->pages[st->npages], 0, sizeof st->pages[0]);
    st->npages++;
    st->hdr_dirty = 1;
    return CP_OK;
}

/* Page k changed: note it once, so that a commit visits only changed pages. */
static void mark_dirty(settings *st, size_t k)
{
    if (st->pages[k].dirty)
        return;
    st->pages[k].dirty = 1;
    if (st->ndirty == st->dcap) {
        size_t nc = st->dcap ? st->dcap * 2 : 16;
        size_t *t = nc <= (size_t)-1 / sizeof *t
                        ? cp_mem__realloc(&st->ctx->alloc, st->dlist,
                                          nc * sizeof *t)
                        : NULL;
        if (t == NULL) {
            st->dlost = 1; /* pages_commit falls back to a scan */
            return;
        }
        st->dlist = t;
        st->dcap = nc;
    }
    st->dlist[st->ndirty++] = k;
}

/* Put a stored item (a child of the root) on the last page. */
static cp_status page_add(settings *st, cp_node *item, int dirty)
{
    page *pg;
    cp_status e;
    if (!st->paged)
        return CP_OK;
    if ((st->npages == 0 || st->pages[st->npages - 1].n == PAGE_ITEMS) &&
        (e = page_new(st)) != CP_OK)
        return e;
    pg = &st->pages[st->npages - 1];
    e = pm_put(st, cp_node__ref(item), (uint32_t)(st->npages - 1));
    if (e)
        return e;
    pg->it[pg->n++] = item;
    if (dirty)
        mark_dirty(st, st->npages - 1);
    return CP_OK;
}

/* The stored item (child of the root) that n belongs to. */
static cp_node *item_of(const settings *st, cp_node *n)
{
    cp_node *p;
    while ((p = cp_node__parent(n)) != NULL && p != st->doc->root)
        n = p;
    return n;
}

/* Mark the page of the item holding n as changed (everything if unknown). */
static void touch(settings *st, cp_node *n)
{
    pent *pe;
    size_t i;
    st->dirty = 1;
    if (!st->paged)
        return;
    pe = pm_slot(st, cp_node__ref(item_of(st, n)));
    if (pe != NULL && pe->page < st->npages) {
        mark_dirty(st, pe->page);
        return;
    }
    for (i = 0; i < st->npages; i++) /* cannot happen; stay safe */
        mark_dirty(st, i);
}

/* Take a stored item off its page, before it is unlinked. */
static void page_remove(settings *st, const cp_node *item)
{
    pent *pe;
    page *pg;
    unsigned i;
    st->dirty = 1;
    if (!st->paged)
        return;
    pe = pm_slot(st, cp_node__ref(item));
    if (pe == NULL || pe->page >= st->npages)
        return;
    pg = &st->pages[pe->page];
    for (i = 0; i < pg->n && pg->it[i] != item; i++)
        ;
    if (i < pg->n) {
        for (; i + 1 < pg->n; i++)
            pg->it[i] = pg->it[i + 1];
        pg->n--;
    }
    mark_dirty(st, pe->page);
    pe->ref = PM_TOMB;
    st->pmlive--;
}

/* Every stored item is gone. */
static void pages_clear(settings *st)
{
    size_t i;
    st->dirty = 1;
    for (i = 0; i < st->npages; i++) {
        st->pages[i].n = 0;
        mark_dirty(st, i);
    }
    if (st->pmcap)
        memset(st->pmap, 0, st->pmcap * sizeof *st->pmap);
    st->pmused = st->pmlive = 0;
}

/* (Re)assign every stored item to fresh pages, all to be written. */
static cp_status pages_rebuild(settings *st)
{
    cp_node *c;
    cp_status e = CP_OK;
    if (st->npages > st->ptrail) /* pages past the new end are emptied */
        st->ptrail = st->npages;  /* by pages_commit */
    if (st->pmcap)
        memset(st->pmap, 0, st->pmcap * sizeof *st->pmap);
    st->pmused = st->pmlive = 0;
    st->npages = 0;
    st->ndirty = 0; /* every page below is marked again */
    st->dlost = 0;
    for (c = cp_node__child(st->doc->root); c != NULL && !e; c = cp_node__next(c))
        e = page_add(st, c, 1);
    st->hdr_dirty = 1;
    return e;
}

static void page_name(const settings *st, size_t k, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.%lu", st->blob, (unsigned long)k);
}

/* Write one page: its items as a WBXML document, or nothing when empty. */
static cp_status page_save(settings *st, size_t k)
{
    char name[CP_TYPE_MAX + 3 + 24]; /* blob, '.', digits of a size_t */
    const page *pg = &st->pages[k];
    cp_doc *d = NULL;
    uint8_t *wb = NULL;
    size_t len = 0;
    unsigned i;
    cp_status e;
    page_name(st, k, name, sizeof name);
    if (pg->n == 0)
        return cp_store__save(st->ctx, name, NULL, 0);
    e = cp_doc__create(st->ctx, &d);
    if (!e)
        d->max_elements = (size_t)-1;
    for (i = 0; i < pg->n && !e; i++) /* d lives shorter than st->doc */
        e = cp_doc__graft(d, d->root, pg->it[i]);
    if (!e)
        e = cp_doc_encode_wbxml(st->ctx, d, 0, &wb, &len);
    if (!e)
        e = cp_store__save(st->ctx, name, wb, len);
    cp_free(st->ctx, wb);
    cp_doc_free(d);
    return e;
}

/* Write the changed pages and, when the page count changed, the header. */
static cp_status pages_commit(settings *st)
{
    uint8_t hdr[HDR_LEN];
    size_t k, live = st->pmlive;
    cp_status e = CP_OK;
    if (st->npages > 2 * (live / PAGE_ITEMS + 1))
        e = pages_rebuild(st); /* too many gaps: repack */
    if (st->dlost) { /* the list is incomplete: scan every page */
        for (k = 0; k < st->npages && !e; k++)
            if (st->pages[k].dirty)
                e = page_save(st, k);
    } else {
        for (k = 0; k < st->ndirty && !e; k++)
            if (st->dlist[k] < st->npages)
                e = page_save(st, st->dlist[k]);
    }
    for (k = st->npages; k < st->ptrail && !e; k++) { /* past the end */
        char name[CP_TYPE_MAX + 3 + 24];
        page_name(st, k, name, sizeof name);
        e = cp_store__save(st->ctx, name, NULL, 0);
    }
    if (e || !st->hdr_dirty)
        return e;
    memcpy(hdr, "CPS1", 4);
    cp_be32__put(hdr + 4, (uint32_t)st->npages);
    return cp_store__save(st->ctx, st->blob, hdr, sizeof hdr);
}

static void pages_clean(settings *st)
{
    size_t k;
    if (st->dlost) {
        for (k = 0; k < st->npages; k++)
            st->pages[k].dirty = 0;
    } else {
        for (k = 0; k < st->ndirty; k++)
            if (st->dlist[k] < st->npages)
                st->pages[st->dlist[k]].dirty = 0;
    }
    st->ndirty = 0;
    st->dlost = 0;
    st->hdr_dirty = 0;
    st->ptrail = st->npages;
}

/*
 * Append the items of stored page k (the last page so far) to the stored
 * document; *over is set when it holds more than a page takes.
 */
static cp_status load_page(settings *st, const cp_buf *b, size_t k, int *over)
{
    cp_doc *d = NULL;
    const cp_node *c;
    cp_node *n;
    page *pg = &st->pages[k];
    cp_status e = cp_doc_decode_wbxml(st->ctx, b->p, b->len, &d);
    if (e)
        return e;
    for (c = cp_node__child(d->root); c != NULL && !e; c = cp_node__next(c)) {
        e = cp_doc__clone_into(st->doc, st->doc->root, NULL, c, &n);
        if (e)
            break;
        if (pg->n == PAGE_ITEMS) {
            *over = 1; /* placed by pages_rebuild after the load */
            continue;
        }
        e = pm_put(st, cp_node__ref(n), (uint32_t)k);
        if (!e)
            pg->it[pg->n++] = n;
    }
    cp_doc_free(d);
    return e;
}

/* Load a paged type from its header (already in b). */
static cp_status load_pages(settings *st, cp_buf *b)
{
    char name[CP_TYPE_MAX + 3 + 24]; /* blob, '.', digits of a size_t */
    uint32_t n = cp_be32__get(b->p + 4), k;
    int over = 0;
    cp_status e = cp_doc__create(st->ctx, &st->doc);
    if (e)
        return e;
    st->doc->max_elements = (size_t)-1;
    for (k = 0; k < n && !e; k++) {
        page_name(st, k, name, sizeof name);
        e = page_new(st); /* page k, also when it is empty */
        if (!e)
            e = cp_store__load(st->ctx, name, b);
        if (e == CP_E_NOT_FOUND || (e == CP_OK && b->len == 0))
            e = CP_OK; /* an empty page */
        else if (e == CP_OK)
            e = load_page(st, b, k, &over);
        if (e && e != CP_E_NOMEM)
            e = CP_E_CORRUPT;
    }
    st->hdr_dirty = 0;
    st->ptrail = n;
    if (!e && over)
        e = pages_rebuild(st); /* written again at the next change */
    return e;
}

/* ---- storage -------------------------------------------------------------------- */

static void drop(settings *st);

static cp_status load(settings *st)
{
    cp_buf b;
    cp_status s;
    if (st->loaded)
        return CP_OK;
    cp_buf__init(&b, &st->ctx->alloc);
    s = cp_store__load(st->ctx, st->blob, &b);
    if (s == CP_OK && b.len >= 4 && memcmp(b.p, "CPS1", 4) == 0) {
        s = st->paged && b.len == HDR_LEN ? load_pages(st, &b) : CP_E_CORRUPT;
    } else if (s == CP_OK && b.len > 0) { /* the first format: one document */
        s = cp_doc_decode_wbxml(st->ctx, b.p, b.len, &st->doc);
        if (s == CP_OK && st->paged)
            s = pages_rebuild(st); /* pages written at the next change */
    } else if (s == CP_E_NOT_FOUND || s == CP_OK) {
        s = cp_doc__create(st->ctx, &st->doc);
    }
    cp_buf__free(&b);
    if (s == CP_OK) {
        st->doc->max_elements = (size_t)-1; /* the store is bounded by its inputs */
        st->loaded = 1;
        st->load_count = st->doc->count;
        return CP_OK;
    }
    drop(st); /* nothing half-loaded stays */
    if (s == CP_E_NOMEM)
        return s;
    return cp_err__set(st->ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                       "stored %s settings are corrupt", st->type);
}

static void drop(settings *st)
{
    ix_free(st);
    pm_free(st);
    cp_doc_free(st->doc);
    st->doc = NULL;
    cp_doc_free(st->pend);
    st->pend = NULL;
    st->loaded = st->dirty = 0;
    st->nfr = 0;
}

static void set_invalidate(void *user)
{
    drop(user);
}

static void set_free(cp_ctx *ctx, void *user)
{
    drop(user);
    cp_mem__free(&ctx->alloc, user);
}

/* ---- merging ----------------------------------------------------------------------- */

/* Parm forms replace parms by name, characteristic forms by type. */
static int rclass(int kind)
{
    if (kind == CP_NODE_PARM || kind == CP_NODE_NOPARM)
        return 1;
    if (kind == CP_NODE_CHARACTERISTIC || kind == CP_NODE_NOCHARACTERISTIC)
        return 2;
    return 0;
}

static uint32_t rhash(const cp_node *n)
{
    return fnv((uint32_t)rclass(n->kind), n->key);
}

/* The names src replaces, by hash: a table of cap slots (a power of 2). */
typedef struct nset {
    ient *t;
    size_t cap;
} nset;

static int nset_has(const nset *ns, const cp_node *src, const cp_node *c)
{
    const cp_node *x;
    int cls = rclass(c->kind);
    size_t i;
    if (cls == 0)
        return 0;
    if (ns->t == NULL) { /* a small src: scan it */
        for (x = cp_node__child(src); x != NULL; x = cp_node__next(x))
            if (rclass(x->kind) == cls && strcmp(x->key, c->key) == 0)
                return 1;
        return 0;
    }
    for (i = rhash(c) & (ns->cap - 1); ns->t[i].n != NULL;
         i = (i + 1) & (ns->cap - 1))
        if (rclass(ns->t[i].n->kind) == cls &&
            strcmp(ns->t[i].n->key, c->key) == 0)
            return 1;
    return 0;
}

#define NSET_SCAN 8 /* up to this many children, a scan beats a table */

static cp_status nset_make(settings *st, const cp_node *src, nset *ns)
{
    const cp_node *x;
    size_t n = 0;
    ns->t = NULL;
    ns->cap = 0;
    for (x = cp_node__child(src); x != NULL; x = cp_node__next(x))
        n++;
    if (n <= NSET_SCAN)
        return CP_OK;
    ns->cap = 16;
    while (ns->cap < n * 2) {
        if (ns->cap > (size_t)-1 / 4 / sizeof *ns->t)
            return CP_E_NOMEM;
        ns->cap *= 2;
    }
    ns->t = cp_mem__alloc(&st->ctx->alloc, ns->cap * sizeof *ns->t);
    if (ns->t == NULL)
        return CP_E_NOMEM;
    memset(ns->t, 0, ns->cap * sizeof *ns->t);
    for (x = cp_node__child(src); x != NULL; x = cp_node__next(x))
        if (rclass(x->kind) != 0)
            ix_put(ns->t, ns->cap, rhash(x), (cp_node *)x);
    return CP_OK;
}

/*
 * A stored child characteristic c of an item that a document replaces or
 * deletes: the caller must be allowed to write every setting in it, as if
 * it were deleted by name.
 */
static cp_status may_replace(settings *st, cp_csp_session *s,
                             const cp_node *c)
{
    size_t tl = strlen(st->type), kl = strlen(c->key);
    uint32_t roles = cp_csp_roles(s);
    char *path;
    cp_status e;
    if (roles & CP_ROLE_EXEMPT)
        return CP_OK;
    if (tl + 1 + kl > CP_PATH_MAX)
        return CP_E_LIMIT;
    path = cp_mem__alloc(&st->ctx->alloc, CP_PATH_MAX + 1);
    if (path == NULL)
        return CP_E_NOMEM;
    memcpy(path, st->type, tl);
    path[tl] = '/';
    memcpy(path + tl + 1, c->key, kl + 1);
    e = cp_meta__allowed(st->ctx, roles, path, CP_RW_WRITE, st->err,
                         sizeof st->err);
    if (!e)
        e = cp_meta__tree_allowed(st->ctx, roles, path, tl + 1 + kl, c,
                                  CP_RW_WRITE, st->err, sizeof st->err);
    cp_mem__free(&st->ctx->alloc, path);
    return e;
}

/* The child characteristic of n whose type is type, or NULL. */
static cp_node *child_char(const cp_node *n, const char *type)
{
    cp_node *c;
    for (c = cp_node__child(n); c != NULL; c = cp_node__next(c))
        if (c->kind == CP_NODE_CHARACTERISTIC && strcmp(c->key, type) == 0)
            return c;
    return NULL;
}

/*
 * A tree type (a Windows Mobile CSP hosted generically: Registry,
 * CM_GPRSEntries): src is merged into dst level by level, as a registry
 * is written: a parm replaces the stored parms of its name, a
 * characteristic is merged into the stored one of its type (made when
 * missing), noparm and nocharacteristic delete. dst_path is dst's setting
 * path (for the write check of what a nocharacteristic deletes).
 */
static cp_status merge_deep(settings *st, cp_csp_session *ss, cp_node *dst,
                            const cp_node *src, int depth)
{
    const cp_node *s;
    cp_status e = CP_OK;
    if (depth > MAX_FRAMES)
        return CP_E_LIMIT;
    for (s = cp_node__child(src); s != NULL && !e; s = cp_node__next(s)) {
        cp_node *c, *next, *d;
        if (s->kind == CP_NODE_PARM || s->kind == CP_NODE_NOPARM) {
            for (c = cp_node__child(dst); c != NULL; c = next) {
                next = cp_node__next(c);
                if (c->kind == CP_NODE_PARM && strcmp(c->key, s->key) == 0)
                    cp_doc__unlink(c);
            }
            if (s->kind == CP_NODE_PARM)
                e = cp_doc__clone_into(st->doc, dst, NULL, s, NULL);
        } else if (s->kind == CP_NODE_NOCHARACTERISTIC) {
            while ((d = child_char(dst, s->key)) != NULL)
                cp_doc__unlink(d); /* the engine checked what it deletes */
        } else if (s->kind == CP_NODE_CHARACTERISTIC) {
            d = child_char(dst, s->key);
            if (d == NULL)
                e = cp_doc__clone_into(st->doc, dst, NULL, s, NULL);
            else
                e = merge_deep(st, ss, d, s, depth + 1);
        }
    }
    return e;
}

/* Apply the pending item src onto the stored item dst. */
static cp_status merge(settings *st, cp_csp_session *ss, cp_node *dst,
                       const cp_node *src)
{
    cp_node *c, *next;
    const cp_node *s;
    nset ns;
    cp_status e = nset_make(st, src, &ns);
    if (e)
        return e;
    for (c = cp_node__child(dst); c != NULL && !e; c = cp_node__next(c))
        if (c->kind == CP_NODE_CHARACTERISTIC && nset_has(&ns, src, c))
            e = may_replace(st, ss, c);
    for (c = cp_node__child(dst); c != NULL && !e; c = next) { /* drop what src replaces or deletes */
        next = cp_node__next(c);
        if (nset_has(&ns, src, c))
            cp_doc__unlink(c);
    }
    cp_mem__free(&st->ctx->alloc, ns.t);
    if (e)
        return e;
    for (s = cp_node__child(src); s != NULL && !e; s = cp_node__next(s))
        if (s->kind == CP_NODE_PARM || s->kind == CP_NODE_CHARACTERISTIC)
            e = cp_doc__clone_into(st->doc, dst, NULL, s, NULL);
    return e;
}

static cp_status commit_item(settings *st, cp_csp_session *s, cp_node *p)
{
    const char *k = st->key;
    cp_node *c;
    cp_status e;
    if (k != NULL && parm_value(p, k) == NULL) {
        snprintf(st->err, sizeof st->err, "%s without %s", st->type, k);
        return CP_E_BAD_DOC;
    }
    if (st->is_app &&
        !cp_csp__known_appid(parm_value(p, "APPID"))) {
        snprintf(st->err, sizeof st->err, "unknown APPLICATION APPID %.60s",
                 parm_value(p, "APPID"));
        return CP_E_BAD_DOC;
    }
    st->dirty = 1;
    c = item_like(st, p);
    if (c != NULL) {
        touch(st, c);
        return st->tree ? merge_deep(st, s, c, p, 1) : merge(st, s, c, p);
    }
    e = cp_doc__clone_into(st->doc, st->doc->root, NULL, p, &c);
    if (!e)
        e = page_add(st, c, 1);
    return e ? e : ix_add(st, c);
}

/* ---- handlers ------------------------------------------------------------------------ */

static cp_status enter(void *user, cp_csp_session *s, const char *path,
                       const char *type, void *pcookie, void **cookie)
{
    settings *st = user;
    frame *pf = pcookie;
    frame *f;
    cp_status e = load(st);
    (void)path;
    if (e)
        return e;
    if (st->nfr == MAX_FRAMES)
        return CP_E_LIMIT;
    f = &st->fr[st->nfr];
    if (pf == NULL) { /* the top-level characteristic: a new pending item */
        if (st->pend == NULL && (e = cp_doc__create(st->ctx, &st->pend)) != CP_OK)
            return e;
        st->pend->max_elements = (size_t)-1;
        e = cp_doc__add(st->pend, st->pend->root, CP_NODE_CHARACTERISTIC,
                        &f->node);
        if (!e)
            e = cp_doc__set_attr_static(st->pend, f->node, CP_ATTR_TYPE,
                                        st->type);
        f->mode = MODE_PENDING;
    } else if (pf->mode == MODE_PENDING && cp_node__at_top(pf->node) &&
               cp_node__child(pf->node) == NULL && item_by_key(st, type) != NULL) {
        f->node = item_by_key(st, type); /* Windows Mobile addressing */
        f->mode = MODE_ADDRESS;
    } else if (pf->mode == MODE_PENDING) {
        e = cp_doc__add(st->pend, pf->node, CP_NODE_CHARACTERISTIC, &f->node);
        if (!e) /* pend borrows the call's strings: see PEND_BORROWS */
            e = cp_doc__set_attr_static(st->pend, f->node, CP_ATTR_TYPE, type);
        f->mode = MODE_PENDING;
    } else { /* below an addressed item: a stored child, made if missing */
        cp_node *c;
        for (c = cp_node__child(pf->node); c != NULL; c = cp_node__next(c))
            if (c->kind == CP_NODE_CHARACTERISTIC && strcmp(c->key, type) == 0)
                break;
        if (c == NULL) {
            e = cp_doc__add(st->doc, pf->node, CP_NODE_CHARACTERISTIC, &c);
            if (!e)
                e = cp_doc__set_attr(st->doc, c, CP_ATTR_TYPE, type,
                                     strlen(type));
            touch(st, pf->node);
        }
        f->node = c;
        f->mode = MODE_CHILD;
    }
    (void)s;
    if (e)
        return e;
    st->nfr++;
    *cookie = f;
    return CP_OK;
}

static cp_status leave(void *user, cp_csp_session *s, const char *path,
                       const char *type, void *cookie)
{
    settings *st = user;
    frame *f = cookie;
    cp_status e = CP_OK;
    (void)path;
    (void)type;
    if (f == NULL || st->nfr == 0)
        return CP_OK; /* a rollback replay enters with fresh cookies */
    if (f->mode == MODE_PENDING && cp_node__at_top(f->node)) {
        if (cp_node__child(f->node) != NULL)
            e = commit_item(st, s, f->node);
        cp_doc__unlink(f->node);
        if (!e && st->check_doc)
            e = st->check_doc(st, s);
    }
    st->nfr--;
    return e;
}

/*
 * A setting reached through Windows Mobile addressing has a path with the
 * item's identity in it ("NAPDEF/N1/NAME"); the engine checked that path.
 * The item's own setting path ("NAPDEF/NAME") must allow it too, or an
 * entry on it could be bypassed by addressing the item.
 */
static cp_status addressed_check(settings *st, cp_csp_session *s,
                                 const char *path, const char *name,
                                 unsigned need, char *canon)
{
    const char *key = strchr(path, '/');
    const char *rest = key ? strchr(key + 1, '/') : NULL;
    size_t tl = key ? (size_t)(key - path) : strlen(path);
    size_t rl = rest ? strlen(rest) : 0, nl = name ? strlen(name) : 0;
    uint32_t roles = cp_csp_roles(s);
    if (roles & CP_ROLE_EXEMPT)
        return CP_OK;
    if (tl + rl + 1 + nl > CP_PATH_MAX)
        return CP_E_LIMIT;
    memcpy(canon, path, tl);
    memcpy(canon + tl, rest ? rest : "", rl);
    canon[tl + rl] = '\0';
    if (name != NULL) {
        canon[tl + rl] = '/';
        memcpy(canon + tl + rl + 1, name, nl + 1);
    }
    return cp_meta__allowed(st->ctx, roles, canon, need, st->err,
                            sizeof st->err);
}

/* addressed_check with its path buffer on the heap (bounded stack). */
static cp_status addressed_ok(settings *st, cp_csp_session *s,
                              const char *path, const char *name,
                              unsigned need)
{
    char *canon;
    cp_status e;
    if (cp_csp_roles(s) & CP_ROLE_EXEMPT)
        return CP_OK;
    canon = cp_mem__alloc(&st->ctx->alloc, CP_PATH_MAX + 1);
    if (canon == NULL)
        return CP_E_NOMEM;
    e = addressed_check(st, s, path, name, need, canon);
    cp_mem__free(&st->ctx->alloc, canon);
    return e;
}

static cp_status parm(void *user, cp_csp_session *s, const char *path,
                      const char *name, const char *value, void *cookie)
{
    settings *st = user;
    frame *f = cookie;
    cp_node *n, *c, *next;
    cp_status e;
    if (f == NULL)
        return CP_E_BAD_DOC;
    if (st->check_parm && (e = st->check_parm(st, s, name, value)) != CP_OK)
        return e;
    if (f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, name, CP_RW_WRITE)) != CP_OK)
        return e;
    if (f->mode == MODE_PENDING) {
        e = cp_doc__add(st->pend, f->node, CP_NODE_PARM, &n);
        if (!e)
            e = cp_doc__set_attr_static(st->pend, n, CP_ATTR_NAME, name);
        if (!e && value)
            e = cp_doc__set_attr_static(st->pend, n, CP_ATTR_VALUE, value);
        return e;
    }
    identity_touch(st, f, name);
    for (c = cp_node__child(f->node); c != NULL; c = next) { /* replace */
        next = cp_node__next(c);
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0)
            cp_doc__unlink(c);
    }
    touch(st, f->node);
    e = cp_doc__add(st->doc, f->node, CP_NODE_PARM, &n);
    if (!e)
        e = cp_doc__set_attr(st->doc, n, CP_ATTR_NAME, name, strlen(name));
    if (!e && value)
        e = cp_doc__set_attr(st->doc, n, CP_ATTR_VALUE, value, strlen(value));
    return e;
}

static cp_status noparm(void *user, cp_csp_session *s, const char *path,
                        const char *name, void *cookie)
{
    settings *st = user;
    frame *f = cookie;
    cp_node *c, *next;
    int found = 0;
    cp_status e;
    if (f == NULL)
        return CP_E_BAD_DOC;
    if (f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, name, CP_RW_WRITE)) != CP_OK)
        return e;
    if (f->mode == MODE_PENDING) {
        cp_node *n;
        e = cp_doc__add(st->pend, f->node, CP_NODE_NOPARM, &n);
        return e ? e : cp_doc__set_attr_static(st->pend, n, CP_ATTR_NAME, name);
    }
    identity_touch(st, f, name);
    for (c = cp_node__child(f->node); c != NULL; c = next) {
        next = cp_node__next(c);
        if (c->kind == CP_NODE_PARM && strcmp(c->key, name) == 0) {
            cp_doc__unlink(c);
            found = 1;
        }
    }
    if (found)
        touch(st, f->node);
    return found ? CP_OK : CP_E_NOT_FOUND;
}

/* The stored node a pending frame refers to (through its identity), or NULL. */
static cp_node *stored_of(settings *st, const frame *f)
{
    if (f->mode != MODE_PENDING)
        return f->node;
    if (st->tree) { /* the stored node at the same types below the item */
        const cp_node *chain[MAX_FRAMES], *n = f->node;
        cp_node *cur;
        size_t k = 0;
        while (!cp_node__at_top(n) && k < MAX_FRAMES) {
            chain[k++] = n;
            n = cp_node__parent(n);
        }
        cur = cp_node__at_top(n) ? item_like(st, n) : NULL;
        while (cur != NULL && k > 0)
            cur = child_char(cur, chain[--k]->key);
        return cur;
    }
    if (!cp_node__at_top(f->node) ||
        st->key == NULL)
        return NULL;
    return item_like(st, f->node);
}

/*
 * Answer a parm-query with every value of a parm given more than once,
 * joined by ';' (PXLOGICAL DOMAIN: the PXLOGICAL page documents the query
 * answer as all domains separated by semicolons).
 */
static cp_status answer_all(settings *st, cp_csp_session *s,
                            const cp_node *item, const cp_node *first)
{
    const cp_node *c;
    cp_buf b;
    cp_status e = CP_OK;
    int many = 0;
    for (c = cp_node__next(first); c != NULL && !many; c = cp_node__next(c))
        many = c->kind == CP_NODE_PARM && strcmp(c->key, first->key) == 0;
    if (!many)
        return cp_csp_answer(s, first->value ? first->value : "");
    cp_buf__init(&b, &st->ctx->alloc);
    for (c = first; c != NULL && !e; c = cp_node__next(c))
        if (c->kind == CP_NODE_PARM && strcmp(c->key, first->key) == 0) {
            if (b.len)
                e = cp_buf__putc(&b, ';');
            if (!e && c->value)
                e = cp_buf__puts(&b, c->value);
        }
    if (!e)
        e = cp_buf__putc(&b, '\0');
    if (!e)
        e = cp_csp_answer(s, (const char *)b.p);
    cp_buf__free(&b);
    (void)item;
    return e;
}

static cp_status parm_query(void *user, cp_csp_session *s, const char *path,
                            const char *name, void *cookie)
{
    settings *st = user;
    const frame *f = cookie;
    const cp_node *item, *p;
    cp_status e = load(st);
    if (e)
        return e;
    if (f == NULL)
        return CP_E_NOT_FOUND;
    if (f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, name, CP_RW_READ)) != CP_OK)
        return e;
    item = stored_of(st, f);
    p = item ? find_parm(item, name) : NULL;
    if (p == NULL)
        return CP_E_NOT_FOUND;
    return answer_all(st, s, item, p);
}

/* Describe n under the characteristic type "type". */
static cp_status emit_as(cp_csp_session *s, const cp_node *n, const char *type,
                         int depth, int recursive)
{
    const cp_node *c;
    cp_status e = cp_csp_emit_enter(s, type);
    for (c = cp_node__child(n); c != NULL && !e; c = cp_node__next(c)) {
        if (c->kind == CP_NODE_PARM && (depth == 0 || recursive))
            e = cp_csp_emit_parm(s, c->key, c->value);
        else if (c->kind == CP_NODE_CHARACTERISTIC) {
            if (recursive)
                e = emit_as(s, c, c->key, depth + 1, 1);
            else if (depth == 0) {
                e = cp_csp_emit_enter(s, c->key);
                if (!e)
                    e = cp_csp_emit_leave(s);
            }
        }
    }
    return e ? e : cp_csp_emit_leave(s);
}

static cp_status emit_node(cp_csp_session *s, const cp_node *n, int depth,
                           int recursive)
{
    return emit_as(s, n, n->key, depth, recursive);
}

static cp_status char_query(void *user, cp_csp_session *s, const char *path,
                            int recursive, void *cookie)
{
    settings *st = user;
    const frame *f = cookie;
    const char *leaf = strrchr(path, '/');
    cp_node *c, *item;
    int any = 0;
    cp_status e = load(st);
    if (e)
        return e;
    if (leaf == NULL && cp_str__casecmp(st->type, "Registry") == 0) {
        /* Registry CSP page (6.5): a top-level query is not allowed */
        snprintf(st->err, sizeof st->err,
                 "a top-level Registry query is not allowed: query a key");
        return CP_E_UNSUPPORTED;
    }
    if (leaf == NULL) { /* the whole type: every item */
        for (c = cp_node__child(st->doc->root); c != NULL && !e; c = cp_node__next(c), any = 1)
            e = emit_node(s, c, 0, recursive);
        return e ? e : (any ? CP_OK : CP_E_NOT_FOUND);
    }
    leaf++;
    if (f != NULL && f->mode == MODE_PENDING &&
        cp_node__at_top(f->node) && cp_node__child(f->node) == NULL &&
        (item = item_by_key(st, leaf)) != NULL)
        /* Windows Mobile addressing: the item, named as it was addressed */
        return emit_as(s, item, leaf, 0, recursive);
    if (f != NULL && f->mode != MODE_PENDING &&
        (e = addressed_ok(st, s, path, NULL, CP_RW_READ)) != CP_OK)
        return e;
    item = f ? stored_of(st, f) : NULL;
    for (c = item ? cp_node__child(item) : NULL; c != NULL && !e; c = cp_node__next(c))
        if (c->kind == CP_NODE_CHARACTERISTIC && strcmp(c->key, leaf) == 0) {
            e = emit_node(s, c, 0, recursive);
            any = 1;
        }
    return e ? e : (any ? CP_OK : CP_E_NOT_FOUND);
}

static cp_status nochar(void *user, cp_csp_session *s, const char *path,
                        const char *type, void *cookie)
{
    settings *st = user;
    frame *f = cookie;
    cp_node *c, *next, *parent;
    int found = 0;
    cp_status e = load(st);
    if (e)
        return e;
    if (strchr(path, '/') == NULL) { /* every item of the type */
        found = cp_node__child(st->doc->root) != NULL;
        while (cp_node__child(st->doc->root) != NULL)
            cp_doc__unlink(cp_node__child(st->doc->root));
        ix_free(st);
        if (found)
            pages_clear(st);
        if (found && st->check_doc && (e = st->check_doc(st, s)) != CP_OK)
            return e;
        return found ? CP_OK : CP_E_NOT_FOUND;
    }
    if (f != NULL && f->mode == MODE_PENDING &&
        cp_node__at_top(f->node) && cp_node__child(f->node) == NULL &&
        (c = item_by_key(st, type)) != NULL) {
        item_unlink(st, c); /* Windows Mobile addressing: the item */
        st->dirty = 1;
        return CP_OK;
    }
    if (f != NULL && f->mode == MODE_PENDING) { /* delete when merged */
        cp_node *n;
        if (stored_of(st, f) == NULL)
            return CP_E_NOT_FOUND;
        e = cp_doc__add(st->pend, f->node, CP_NODE_NOCHARACTERISTIC, &n);
        return e ? e : cp_doc__set_attr_static(st->pend, n, CP_ATTR_TYPE, type);
    }
    if (f != NULL && (e = addressed_ok(st, s, path, NULL, CP_RW_WRITE)) != CP_OK)
        return e;
    parent = f ? f->node : NULL;
    for (c = parent ? cp_node__child(parent) : NULL; c != NULL; c = next) {
        next = cp_node__next(c);
        if (c->kind == CP_NODE_CHARACTERISTIC && strcmp(c->key, type) == 0) {
            cp_doc__unlink(c);
            found = 1;
        }
    }
    if (found)
        touch(st, parent);
    return found ? CP_OK : CP_E_NOT_FOUND;
}

static cp_status commit(void *user, cp_csp_session *s)
{
    settings *st = user;
    uint8_t *wb = NULL;
    size_t len = 0;
    cp_status e = CP_OK;
    (void)s;
    cp_doc_free(st->pend); /* the pending items are merged by now */
    st->pend = NULL;
    if (!st->loaded || !st->dirty)
        return CP_OK;
    if (st->on_commit && (e = st->on_commit(st)) != CP_OK)
        return e;
    if (st->paged) {
        e = pages_commit(st);
        if (!e) {
            pages_clean(st);
            st->dirty = 0;
            /* Replaced and deleted nodes stay in the document's arena until
               it is freed: once they could outweigh the live ones, drop the
               cache; the next call reads the committed pages again. */
            if (st->doc->count > 2 * st->load_count + 4096)
                drop(st);
        }
        return e;
    }
    if (cp_node__child(st->doc->root) == NULL)
        return cp_store__save(st->ctx, st->blob, NULL, 0);
    e = cp_doc_encode_wbxml(st->ctx, st->doc, 0, &wb, &len);
    if (!e)
        e = cp_store__save(st->ctx, st->blob, wb, len);
    cp_free(st->ctx, wb);
    if (!e)
        st->dirty = 0;
    return e;
}

static cp_status rollback(void *user, cp_csp_session *s)
{
    (void)s;
    drop(user);
    return CP_OK;
}

static cp_status begin(void *user, cp_csp_session *s)
{
    settings *st = user;
    (void)s;
    st->nfr = 0;
    st->err[0] = '\0';
    return load(st);
}

static const char *errdesc(void *user, cp_csp_session *s)
{
    settings *st = user;
    (void)s;
    return st->err[0] ? st->err : NULL;
}

/*
 * 1 when s[0..n) is a PROV name of attr (a characteristic type or a parm
 * name) spelled in another case: the WBXML tokens and every known reader
 * spell them in capitals, so "authsecret" would be another setting here
 * and the same one to a case-insensitive reader.
 */
static int case_alias(cp_attr attr, const char *s, size_t n)
{
    char up[48];
    uint8_t tok[2];
    size_t i;
    int lower = 0;
    if (n == 0 || n >= sizeof up)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') {
            c = (char)(c - 'a' + 'A');
            lower = 1;
        }
        up[i] = c;
    }
    up[n] = '\0';
    return lower && cp_prov__find_start(attr, up, tok);
}

/*
 * Canonical paths of the settings CSP (see cp_canon_fn). Names are
 * case-sensitive; under a PROV type (NAPDEF, PXLOGICAL, APPLICATION, ...)
 * a known PROV name in other capitals is refused; other types (a host's
 * Registry, CM_GPRSEntries) keep their names as written. An item
 * addressed by its identity (Windows Mobile addressing:
 * "NAPDEF/INTERNET/NAPAUTHINFO", NAPID = INTERNET) is the item's setting
 * path without that segment ("NAPDEF/NAPAUTHINFO").
 */
static int set_canon(void *user, const char *path, const char *name,
                     int request, char *out, size_t cap)
{
    settings *st = user;
    const char *slash = strchr(path, '/'), *rest = NULL, *p;
    size_t tl = slash ? (size_t)(slash - path) : strlen(path), sl;
    int ident = 0;
    if (slash != NULL && st->key != NULL && !st->is_client) {
        rest = strchr(slash + 1, '/');
        sl = rest ? (size_t)(rest - slash - 1) : strlen(slash + 1);
        if (sl < cap) {
            memcpy(out, slash + 1, sl);
            out[sl] = '\0';
            ident = load(st) == CP_OK && item_by_key(st, out) != NULL;
        }
    }
    if (request && st->prov) {
        /* each type below the top (an identity is a value, not a type) */
        for (p = ident ? rest : slash; p != NULL;) {
            const char *q = strchr(p + 1, '/');
            size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
            if (case_alias(CP_ATTR_TYPE, p + 1, n)) {
                snprintf(out, cap,
                         "characteristic type %.*s is not the canonical "
                         "spelling: PROV names are case-sensitive",
                         (int)(n > 60 ? 60 : n), p + 1);
                return CP_CANON_ALIAS;
            }
            p = q;
        }
        if (name != NULL && case_alias(CP_ATTR_NAME, name, strlen(name))) {
            snprintf(out, cap,
                     "parm %.60s is not the canonical spelling: PROV names "
                     "are case-sensitive",
                     name);
            return CP_CANON_ALIAS;
        }
    }
    if (!ident)
        return CP_CANON_SAME;
    {
        size_t rl = rest ? strlen(rest) : 0, nl = name ? strlen(name) + 1 : 0;
        if (tl + rl + nl >= cap)
            return CP_CANON_SAME; /* the literal path is checked anyway */
        memcpy(out, path, tl);
        memcpy(out + tl, rest ? rest : "", rl);
        if (name != NULL) {
            out[tl + rl] = '/';
            memcpy(out + tl + rl + 1, name, nl);
        } else {
            out[tl + rl] = '\0';
        }
    }
    return CP_CANON_MAPPED;
}

/*
 * Windows Mobile CSPs a host may run with the settings CSP whose settings
 * form one tree (a registry, connection-manager entries, ...): documents
 * merge into it level by level. Other types keep items, as in 0.1.0.
 */
static int wm_tree_type(const char *type)
{
    static const char *const names[] = {
        "Registry",        "CM_GPRSEntries", "CM_Mappings",   "CM_NetEntries",
        "CM_Networks",     "CM_Planner",     "CMPLANNER",     "CM_PPPEntries",
        "CM_ProxyEntries", "CM_VPNEntries",  "CM_WiFiEntries", "Bluetooth",
        "BrowserFavorite", "Clock",          "CertificateStore", "DMAcc",
        "EMAIL2",          "FileOperation",  "Locale",        "Sounds",
        "Sync",            "TAPI",           "Home",          "Wi-Fi",
        "DevInfo",         "DevDetail",      "DeviceInformation"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (cp_str__casecmp(type, names[i]) == 0)
            return 1;
    return 0;
}

static int blob_name_ok(const char *t)
{
    for (; *t; t++)
        if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') ||
              (*t >= '0' && *t <= '9') || *t == '-' || *t == '_' || *t == '.'))
            return 0;
    return 1;
}

cp_status cp_csp__settings_register(cp_ctx *ctx, const char *type,
                                    cp_status (*on_commit)(settings *),
                                    settings **out)
{
    static const cp_csp_ops ops = {
        sizeof(cp_csp_ops), CP_CSP_INTERNAL_TX, begin, enter, leave, parm,
        noparm, parm_query, nochar, char_query, commit, rollback, errdesc};
    settings *st;
    size_t n = type ? strlen(type) : 0;
    cp_status e;
    if (n == 0 || n > 60 || !blob_name_ok(type))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "a settings CSP type must be 1-60 letters, digits, "
                           "'-', '_' or '.'");
    st = cp_mem__alloc(&ctx->alloc, sizeof *st);
    if (st == NULL)
        return CP_E_NOMEM;
    memset(st, 0, sizeof *st);
    memcpy(st->type, type, n + 1);
    memcpy(st->blob, "s.", 2);
    memcpy(st->blob + 2, type, n + 1);
    st->paged = n <= PAGE_TYPE_MAX;
    st->key = key_parm(st->type);
    st->is_app = cp_str__casecmp(st->type, "APPLICATION") == 0;
    st->is_client = cp_str__casecmp(st->type, "CLIENTIDENTITY") == 0;
    {
        char up[CP_TYPE_MAX + 1];
        uint8_t tok[2];
        size_t i;
        for (i = 0; i <= n; i++)
            up[i] = (char)(st->type[i] >= 'a' && st->type[i] <= 'z'
                               ? st->type[i] - 'a' + 'A'
                               : st->type[i]);
        st->prov = cp_prov__find_start(CP_ATTR_TYPE, up, tok);
    }
    st->tree = !st->prov && st->key == NULL && wm_tree_type(st->type);
    st->ctx = ctx;
    st->on_commit = on_commit;
    e = cp_engine__register(ctx, type, &ops, st, 1, set_free, set_invalidate);
    if (e) {
        cp_mem__free(&ctx->alloc, st);
        return e;
    }
    e = cp_engine__set_canon(ctx, type, set_canon);
    if (e)
        return e;
    if (out)
        *out = st;
    return CP_OK;
}

CP_EXPORT cp_status cp_csp_register_settings(cp_ctx *ctx, const char *type)
{
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    return cp_csp__settings_register(ctx, type, NULL, NULL);
}

/* ---- PXLOGICAL: settings plus the gateway list of the trust layer --------------- */

static int is_on(const char *v)
{
    return v != NULL && (v[0] == '\0' || strcmp(v, "1") == 0);
}

/* The push gateways the stored PXLOGICAL items describe. */
static cp_status px_collect(settings *st, cp_gw_entry *gw, size_t *count)
{
    size_t n = 0;
    const cp_node *lp, *pp;
    for (lp = cp_node__child(st->doc->root); lp != NULL; lp = cp_node__next(lp)) {
        int trusted = find_parm(lp, "TRUST") != NULL &&
                      is_on(parm_value(lp, "TRUST"));
        const char *lpush = parm_value(lp, "PUSHENABLED");
        for (pp = cp_node__child(lp); pp != NULL; pp = cp_node__next(pp)) {
            const char *addr, *push;
            if (pp->kind != CP_NODE_CHARACTERISTIC ||
                cp_str__casecmp(pp->key, "PXPHYSICAL") != 0)
                continue;
            addr = parm_value(pp, "PXADDR");
            push = parm_value(pp, "PUSHENABLED");
            if (push == NULL)
                push = lpush;
            if (addr == NULL || addr[0] == '\0' ||
                strlen(addr) > CP_GATEWAY_ADDR_MAX)
                continue;
            if (n == CP_GATEWAYS_MAX) {
                snprintf(st->err, sizeof st->err,
                         "more than %d push gateways", CP_GATEWAYS_MAX);
                return CP_E_LIMIT;
            }
            memset(&gw[n], 0, sizeof gw[n]);
            memcpy(gw[n].addr, addr, strlen(addr) + 1);
            gw[n].trusted = (uint8_t)trusted;
            gw[n].push = (uint8_t)(push != NULL && strcmp(push, "1") == 0);
            n++;
        }
    }
    *count = n;
    return CP_OK;
}

/* A gateway list is 4 KB: it lives on the heap, not the stack. */
static cp_gw_entry *gw_list(settings *st)
{
    return cp_mem__alloc(&st->ctx->alloc, CP_GATEWAYS_MAX * sizeof(cp_gw_entry));
}

static cp_status px_commit(settings *st)
{
    cp_gw_entry *gw = gw_list(st);
    size_t n = 0;
    cp_status e = gw != NULL ? px_collect(st, gw, &n) : CP_E_NOMEM;
    if (!e)
        e = cp_trust__gateways_set(st->ctx, gw, n);
    cp_mem__free(&st->ctx->alloc, gw);
    return e;
}

/* Is every trusted gateway of a also one of b (same address and push)? */
static int trusted_within(const cp_gw_entry *a, size_t na,
                          const cp_gw_entry *b, size_t nb)
{
    size_t i, k;
    for (i = 0; i < na; i++) {
        if (!a[i].trusted)
            continue;
        for (k = 0; k < nb; k++)
            if (b[k].trusted && b[k].push == a[i].push &&
                cp_str__casecmp(a[i].addr, b[k].addr) == 0)
                break;
        if (k == nb)
            return 0;
    }
    return 1;
}

/*
 * Policy 4121 governs creating, changing and deleting trusted gateways,
 * however the change is made (TRUST, a new or changed PXPHYSICAL of a
 * trusted PXLOGICAL, a delete): compare with the gateways in force.
 */
static cp_status px_check_doc(settings *st, cp_csp_session *s)
{
    cp_gw_entry *gw;
    struct cp_trust_state *ts;
    uint32_t need = cp_policy__value(st->ctx, CP_POLICY_TRUSTED_WAP_PROXY);
    size_t n = 0;
    cp_status e;
    int same;
    if ((cp_csp_roles(s) & CP_ROLE_EXEMPT) || (cp_csp_roles(s) & need) != 0)
        return CP_OK;
    gw = gw_list(st);
    e = gw != NULL ? px_collect(st, gw, &n) : CP_E_NOMEM;
    if (!e)
        e = cp_trust__state(st->ctx, &ts);
    same = !e && trusted_within(gw, n, ts->gw, ts->n_gw) &&
           trusted_within(ts->gw, ts->n_gw, gw, n);
    cp_mem__free(&st->ctx->alloc, gw);
    if (e || same)
        return e;
    snprintf(st->err, sizeof st->err,
             "changing a trusted push gateway needs one of the roles 0x%lx "
             "(policy 4121)",
             (unsigned long)need);
    return CP_E_ACCESS_DENIED;
}

/* TRUST makes gateways trusted: only the roles of policy 4121 may set it. */
static cp_status px_check(settings *st, cp_csp_session *s, const char *name,
                          const char *value)
{
    uint32_t need = cp_policy__value(st->ctx, CP_POLICY_TRUSTED_WAP_PROXY);
    (void)value;
    if (strcmp(name, "TRUST") != 0 || (cp_csp_roles(s) & CP_ROLE_EXEMPT) ||
        (cp_csp_roles(s) & need) != 0)
        return CP_OK;
    snprintf(st->err, sizeof st->err,
             "TRUST needs one of the roles 0x%lx (policy 4121)",
             (unsigned long)need);
    return CP_E_ACCESS_DENIED;
}

cp_status cp_csp__pxlogical_register(cp_ctx *ctx)
{
    settings *st = NULL;
    cp_status e = cp_csp__settings_register(ctx, "PXLOGICAL", px_commit, &st);
    if (!e) {
        st->check_parm = px_check;
        st->check_doc = px_check_doc;
    }
    return e;
}
