/*
 * settings_page.c - where the generic settings CSP keeps its items: page
 * blobs "s.TYPE.N" listed by a header blob "s.TYPE", read once into the
 * stored document and written back page by page (see "pages" below);
 * also the first format, one WBXML document in "s.TYPE".
 */
#include <stdio.h>
#include <string.h>

#include "settings.h"

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
        size_t cap = cp_set__tab_cap(st->pmlive, sizeof(pent)), i;
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
cp_status cp_set__page_add(settings *st, cp_node *item, int dirty)
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
void cp_set__touch(settings *st, cp_node *n)
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
void cp_set__pages_clear(settings *st)
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
        e = cp_set__page_add(st, c, 1);
    st->hdr_dirty = 1;
    return e;
}

static void page_name(const settings *st, size_t k, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.%lu", st->blob, (unsigned long)k);
}

/*
 * The WBXML of page pg: what encoding a document holding copies of its
 * items gives, made from the items themselves (no copy). A build without
 * the encoder has only cp_doc_encode_wbxml, which says so.
 */
static cp_status page_encode(settings *st, const page *pg, uint8_t **wb,
                             size_t *len)
{
#ifdef CP_NO_ENC
    (void)pg;
    return cp_doc_encode_wbxml(st->ctx, st->doc, 0, wb, len);
#else
    return cp_doc__encode_items(st->ctx, (const cp_node *const *)pg->it,
                                pg->n, wb, len);
#endif
}

/* Write one page: its items as a WBXML document, or nothing when empty. */
static cp_status page_save(settings *st, size_t k)
{
    char name[CP_TYPE_MAX + 3 + 24]; /* blob, '.', digits of a size_t */
    const page *pg = &st->pages[k];
    uint8_t *wb = NULL;
    size_t len = 0;
    cp_status e;
    page_name(st, k, name, sizeof name);
    if (pg->n == 0)
        return cp_store__save(st->ctx, name, NULL, 0);
    e = page_encode(st, pg, &wb, &len);
    if (!e)
        e = cp_store__save(st->ctx, name, wb, len);
    cp_free(st->ctx, wb);
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

/* Load the n pages of a paged type; b is a buffer to read them into. */
static cp_status load_pages(settings *st, cp_buf *b, uint32_t n)
{
    char name[CP_TYPE_MAX + 3 + 24]; /* blob, '.', digits of a size_t */
    uint32_t k;
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

/* Unlink a stored top-level item. */
void cp_set__item_unlink(settings *st, cp_node *item)
{
    cp_set__ix_del(st, item);
    page_remove(st, item);
    cp_doc__unlink(item);
}

/* ---- storage -------------------------------------------------------------------- */

/*
 * The header blob is read with the bounded reader. The two helpers below
 * are general (a big-endian uint32, a fixed tag) and would sit well in
 * base beside cp_rd__u8; they are static here until base has them.
 */
/* Take the n bytes of tag when they come next; 0 (nothing taken) if not. */
static int rd_tag(cp_rd *r, const char *tag, size_t n)
{
    if (cp_rd__left(r) < n || memcmp(r->p, tag, n) != 0)
        return 0;
    return cp_rd__skip(r, n) == CP_OK;
}

enum { HDR_DOC, HDR_PAGES, HDR_BAD };

/*
 * What the blob "s.TYPE" (in b) holds: HDR_PAGES, a header ("CPS1", the
 * page count in *n, nothing after it); HDR_BAD, a "CPS1" that is not a
 * header; HDR_DOC, anything else (the first format, or nothing).
 */
static int hdr_read(const cp_buf *b, uint32_t *n)
{
    cp_rd r;
    cp_rd__init(&r, b->p, b->len);
    if (!rd_tag(&r, "CPS1", 4))
        return HDR_DOC;
    if (cp_rd__be32(&r, n) != CP_OK || cp_rd__left(&r) != 0)
        return HDR_BAD;
    return HDR_PAGES;
}

cp_status cp_set__load(settings *st)
{
    cp_buf b;
    uint32_t n = 0;
    int kind;
    cp_status s;
    if (st->loaded)
        return CP_OK;
    cp_buf__init(&b, &st->ctx->alloc);
    s = cp_store__load(st->ctx, st->blob, &b);
    kind = s == CP_OK ? hdr_read(&b, &n) : HDR_DOC;
    if (kind != HDR_DOC) {
        s = st->paged && kind == HDR_PAGES ? load_pages(st, &b, n)
                                           : CP_E_CORRUPT;
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
    cp_set__drop(st); /* nothing half-loaded stays */
    if (s == CP_E_NOMEM)
        return s;
    return cp_err__set(st->ctx, CP_E_CORRUPT, CP_NO_OFFSET,
                       "stored %s settings are corrupt", st->type);
}

void cp_set__drop(settings *st)
{
    cp_set__ix_free(st);
    pm_free(st);
    cp_doc_free(st->doc);
    st->doc = NULL;
    cp_doc_free(st->pend);
    st->pend = NULL;
    st->loaded = st->dirty = 0;
    st->nfr = 0;
}

/* A type that is not paged: the whole stored document, one blob. */
static cp_status save_doc(settings *st)
{
    uint8_t *wb = NULL;
    size_t len = 0;
    cp_status e;
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

cp_status cp_set__save(settings *st)
{
    cp_status e;
    if (!st->paged)
        return save_doc(st);
    e = pages_commit(st);
    if (!e) {
        pages_clean(st);
        st->dirty = 0;
        /* Replaced and deleted nodes stay in the document's arena until
           it is freed: once they could outweigh the live ones, drop the
           cache; the next call reads the committed pages again. */
        if (st->doc->count > 2 * st->load_count + 4096)
            cp_set__drop(st);
    }
    return e;
}
